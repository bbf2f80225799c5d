/* ctl_export.c - `lanternctl export` (CSV), `purge`, `backup` and `audit list`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"
#include "ltime.h"
#include "progress.h"
#include "night.h"

#define CSV_LINE_MAX (64 * 1024)
#define PATH_LEN 4096
#define AUDIT_DEFAULT 100

/* ---- RFC 4180 CSV ---- */

struct csv {
    FILE *f;
    struct lnt_buf line;
    int cols;
    int64_t rows;
    bool bad;
};

/*
 * One text field: quoted when it holds a comma, quote, CR or LF, quotes
 * doubled. Text that a spreadsheet would run as a formula (= + - @ first)
 * gets a leading apostrophe: names and places come from kiosks, and an
 * export must never execute what someone typed at a door.
 */
static void csv_str(struct csv *c, const char *s)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;

    if (c->cols++ > 0 && lnt_buf_puts(&c->line, ",") != LNT_OK)
        c->bad = true;
    if (quote && lnt_buf_puts(&c->line, "\"") != LNT_OK)
        c->bad = true;
    if (s[0] != '\0' && strchr("=+-@", s[0]) != NULL && lnt_buf_puts(&c->line, "'") != LNT_OK)
        c->bad = true;
    for (const char *p = s; *p != '\0'; p++)
        if (lnt_buf_append(&c->line, p, 1) != LNT_OK ||
            (*p == '"' && lnt_buf_append(&c->line, p, 1) != LNT_OK))
            c->bad = true;
    if (quote && lnt_buf_puts(&c->line, "\"") != LNT_OK)
        c->bad = true;
}

static void csv_int(struct csv *c, int64_t v)
{
    if ((c->cols++ > 0 && lnt_buf_puts(&c->line, ",") != LNT_OK) ||
        lnt_buf_printf(&c->line, "%lld", (long long)v) != LNT_OK)
        c->bad = true;
}

static void csv_bool(struct csv *c, bool v)
{
    csv_str(c, v ? "yes" : "no");
}

/* Times and dates as a person reads them on the dashboard: London local with its zone. */
static void csv_time(struct csv *c, int64_t t)
{
    char s[LNT_LOCAL_TIME_STRLEN] = "";

    if (t != 0 && lnt_local_time_format(t, s) != LNT_OK)
        s[0] = '\0';
    csv_str(c, s);
}

static void csv_date(struct csv *c, int32_t d)
{
    char s[LNT_LOCAL_DATE_STRLEN] = "";

    if (d != 0 && lnt_local_date_format(d, s) != LNT_OK)
        s[0] = '\0';
    csv_str(c, s);
}

/* Hours between two times with two decimals, "" when either is missing. */
static void csv_hours(struct csv *c, int64_t from, int64_t to)
{
    char s[32] = "";

    if (from != 0 && to != 0 && to >= from)
        snprintf(s, sizeof s, "%lld.%02lld", (long long)((to - from) / 3600),
                 (long long)((to - from) % 3600 * 100 / 3600));
    csv_str(c, s);
}

static void csv_end(struct csv *c)
{
    if (lnt_buf_puts(&c->line, "\r\n") != LNT_OK)
        c->bad = true;
    if (!c->bad && fwrite(c->line.data, 1, c->line.len, c->f) != c->line.len)
        c->bad = true;
    lnt_buf_reset(&c->line);
    c->cols = 0;
    c->rows++;
}

static void csv_header(struct csv *c, const char *const *names)
{
    for (size_t i = 0; names[i] != NULL; i++)
        csv_str(c, names[i]);
    csv_end(c);
    c->rows = 0;
}

/* ---- what an export covers ---- */

struct export_job {
    struct lnt_ctl *c;
    struct csv csv;
    struct lnt_venue *venues; /* in scope */
    size_t n_venues;
    struct lnt_venue *all; /* every venue, for names */
    size_t n_all;
    int64_t venue_id;
    const char *authority;
    int64_t from, to; /* [from, to): 06:00 local on the first night to 06:00 after the last */
    struct lnt_progress pg;
};

static const char *venue_name(const struct export_job *j, int64_t id)
{
    for (size_t i = 0; i < j->n_all; i++)
        if (j->all[i].id == id)
            return j->all[i].name;
    return "";
}

/* 06:00 London time on date `d`: where one trading night ends and the next begins. */
static int64_t night_start(int32_t d)
{
    int64_t t = (int64_t)d * 86400 + LNT_NIGHT_CUTOFF_MIN * 60;
    return t - lnt_london_offset(t - 3600);
}

/*
 * One page of an export: up to LNT_VIEW_MAX rows from offset `off` (of venue
 * `ven`, or of the whole scope when the kind is not per venue) written as CSV
 * lines; *n is how many there were. LNT_CTL_FAIL with `err` filled.
 */
typedef int (*export_page)(struct export_job *j, const struct lnt_venue *ven, size_t off, size_t *n,
                           char *err);

static int door_register_page(struct export_job *j, const struct lnt_venue *ven, size_t off,
                              size_t *n, char *err)
{
    struct lnt_shift *s = NULL;

    if (lnt_store_register_list(j->c->store, ven->id, j->from, j->to, off, LNT_VIEW_MAX, &s, n,
                                err) != LNT_OK)
        return LNT_CTL_FAIL;
    for (size_t i = 0; i < *n; i++) {
        const char *flag = lnt_signin_flag_name(s[i].badge_flag);

        csv_int(&j->csv, s[i].venue_id);
        csv_str(&j->csv, ven->name);
        csv_date(&j->csv, s[i].night);
        csv_str(&j->csv, s[i].staff_id);
        csv_str(&j->csv, s[i].staff_name);
        csv_str(&j->csv, lnt_role_name(s[i].role));
        csv_str(&j->csv, s[i].sia_number);
        csv_str(&j->csv, lnt_sia_status_name(s[i].sia_status));
        csv_str(&j->csv, lnt_shift_licence_word(&s[i]));
        csv_str(&j->csv, lnt_verdict_name(s[i].verdict));
        csv_str(&j->csv, s[i].serial);
        csv_time(&j->csv, s[i].on_at);
        csv_time(&j->csv, s[i].off_at);
        csv_hours(&j->csv, s[i].on_at, s[i].off_at);
        csv_bool(&j->csv, s[i].off_at != 0);
        csv_bool(&j->csv, s[i].vuln_trained);
        csv_bool(&j->csv, s[i].angela_trained);
        /* "" for a badge on record; "revoked" or "unknown_serial" when flagged */
        csv_str(&j->csv, flag != NULL ? flag : "");
        csv_end(&j->csv);
    }
    free(s);
    return LNT_CTL_OK;
}

static int incidents_page(struct export_job *j, const struct lnt_venue *ven, size_t off, size_t *n,
                          char *err)
{
    struct lnt_incident_filter f = {
        .venue_id = j->venue_id, .authority = j->authority, .from = j->from, .to = j->to};
    struct lnt_incident *in = NULL;

    (void)ven; /* the filter names the scope */
    if (lnt_store_incident_list(j->c->store, &f, off, LNT_VIEW_MAX, &in, n, err) != LNT_OK)
        return LNT_CTL_FAIL;
    /* the sealed details never leave the server this way: only the summary row */
    for (size_t i = 0; i < *n; i++) {
        csv_str(&j->csv, in[i].report_id);
        csv_int(&j->csv, in[i].venue_id);
        csv_str(&j->csv, venue_name(j, in[i].venue_id));
        csv_date(&j->csv, in[i].night);
        csv_time(&j->csv, in[i].occurred_at);
        csv_str(&j->csv, in[i].kind);
        csv_int(&j->csv, in[i].severity);
        csv_str(&j->csv, in[i].place);
        csv_str(&j->csv, in[i].outcome);
        csv_bool(&j->csv, in[i].police_called);
        csv_bool(&j->csv, in[i].complete);
        csv_bool(&j->csv, in[i].within_hour);
        csv_time(&j->csv, in[i].first_recorded_at);
        csv_time(&j->csv, in[i].updated_at);
        csv_int(&j->csv, in[i].updates);
        csv_end(&j->csv);
    }
    free(in);
    return LNT_CTL_OK;
}

static int stock_page(struct export_job *j, const struct lnt_venue *ven, size_t off, size_t *n,
                      char *err)
{
    struct lnt_stock_entry *e = NULL;

    if (lnt_store_stock_ledger(j->c->store, ven->id, j->from, j->to, off, LNT_VIEW_MAX, &e, n,
                               err) != LNT_OK)
        return LNT_CTL_FAIL;
    for (size_t i = 0; i < *n; i++) {
        csv_int(&j->csv, e[i].venue_id);
        csv_str(&j->csv, ven->name);
        csv_time(&j->csv, e[i].at);
        csv_str(&j->csv, e[i].kind);
        csv_int(&j->csv, e[i].quantity);
        csv_int(&j->csv, e[i].level_after);
        csv_str(&j->csv, e[i].staff_id);
        csv_end(&j->csv);
    }
    free(e);
    return LNT_CTL_OK;
}

static int volunteers_page(struct export_job *j, const struct lnt_venue *ven, size_t off, size_t *n,
                           char *err)
{
    struct lnt_volunteer_shift *s = NULL;
    struct lnt_rollup_scope scope;

    lnt_scope_volunteers(NULL, ven->id, &scope);
    if (lnt_store_volunteer_list(j->c->store, &scope, NULL, j->from, j->to, off, LNT_VIEW_MAX, &s,
                                 n, err) != LNT_OK)
        return LNT_CTL_FAIL;
    for (size_t i = 0; i < *n; i++) {
        csv_int(&j->csv, s[i].venue_id);
        csv_str(&j->csv, ven->name);
        csv_date(&j->csv, s[i].night);
        csv_str(&j->csv, s[i].team);
        csv_str(&j->csv, s[i].call_sign);
        csv_str(&j->csv, s[i].staff_id);
        csv_int(&j->csv, s[i].team_size);
        csv_time(&j->csv, s[i].start_at);
        csv_time(&j->csv, s[i].end_at);
        csv_hours(&j->csv, s[i].start_at, s[i].end_at);
        for (int k = 0; k < LNT_TALLIES; k++)
            csv_int(&j->csv, s[i].tallies[k]);
        csv_str(&j->csv, s[i].base);
        csv_str(&j->csv, s[i].leader);
        csv_end(&j->csv);
    }
    free(s);
    return LNT_CTL_OK;
}

/* What each `export` writes: its columns, and its rows a page at a time. */
static const char *const door_register_head[] = {
    "venue_id",     "venue",          "night",      "staff_id",    "name",
    "role",         "sia_number",     "sia_status", "sia_licence", "verdict",
    "badge_serial", "on_duty",        "off_duty",   "hours",       "signed_out",
    "vuln_trained", "angela_trained", "badge_flag", NULL};
static const char *const incidents_head[] = {
    "report_id",         "venue_id",      "venue",    "night",
    "occurred_at",       "kind",          "severity", "place",
    "outcome",           "police_called", "complete", "recorded_within_hour",
    "first_recorded_at", "updated_at",    "updates",  NULL};
static const char *const stock_head[] = {"venue_id", "venue",       "at",       "kind",
                                         "quantity", "level_after", "staff_id", NULL};
static const char *const volunteers_head[] = {
    "venue_id",  "venue",      "night",        "team",   "call_sign",  "staff_id", "team_size",
    "start_at",  "end_at",     "hours",        "water",  "flip_flops", "blankets", "bottles",
    "first_aid", "cctv_calls", "police_calls", "calmed", "base",       "leader",   NULL};

static const struct export_kind {
    const char *name;
    const char *const *head;
    export_page page;
    bool per_venue; /* paged venue by venue (progress per venue), else over the whole scope */
} export_kinds[] = {
    {"door-register", door_register_head, door_register_page, true},
    {"incidents", incidents_head, incidents_page, false},
    {"stock", stock_head, stock_page, true},
    {"volunteers", volunteers_head, volunteers_page, true},
};
#define N_EXPORT_KINDS (sizeof export_kinds / sizeof export_kinds[0])

/* Writes the header and every page of kind `k`, drawing progress as it goes. */
static int export_rows(struct export_job *j, const struct export_kind *k, char *err)
{
    size_t parts = k->per_venue ? j->n_venues : 1;

    csv_header(&j->csv, k->head);
    for (size_t v = 0; v < parts; v++) {
        size_t n = LNT_VIEW_MAX;
        for (size_t off = 0; n == LNT_VIEW_MAX; off += LNT_VIEW_MAX) {
            if (k->page(j, k->per_venue ? &j->venues[v] : NULL, off, &n, err) != LNT_CTL_OK)
                return LNT_CTL_FAIL;
            if (!k->per_venue)
                lnt_progress_update(&j->pg, j->csv.rows);
        }
        if (k->per_venue)
            lnt_progress_update(&j->pg, (int64_t)v + 1);
    }
    return LNT_CTL_OK;
}

static int select_venues(struct export_job *j, char *err)
{
    if (lnt_store_venue_list(j->c->store, &j->all, &j->n_all, err) != LNT_OK)
        return LNT_CTL_FAIL;
    if (j->venue_id != 0) {
        j->venues = calloc(1, sizeof *j->venues);
        if (j->venues == NULL) {
            (void)lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
            return LNT_CTL_FAIL;
        }
        if (lnt_store_venue_get(j->c->store, j->venue_id, j->venues, err) != LNT_OK)
            return LNT_CTL_FAIL;
        j->n_venues = 1;
        return LNT_CTL_OK;
    }
    return lnt_store_venue_list_by(j->c->store, j->authority, true, &j->venues, &j->n_venues,
                                   err) == LNT_OK
               ? LNT_CTL_OK
               : LNT_CTL_FAIL;
}

enum { E_FROM, E_TO, E_VENUE, E_AUTHORITY, E_CSV };

/* Reads the export's options into *j (the CSV path stays in v[E_CSV]). Prints the problem. */
static int export_options(struct export_job *j, int argc, char **argv,
                          const char *v[LNT_CTL_MAX_OPTS])
{
    static const struct option opts[] = {{"from", required_argument, NULL, E_FROM},
                                         {"to", required_argument, NULL, E_TO},
                                         {"venue", required_argument, NULL, E_VENUE},
                                         {"authority", required_argument, NULL, E_AUTHORITY},
                                         {"csv", required_argument, NULL, E_CSV},
                                         {0}};
    int32_t first, last;
    int rc;

    if ((rc = lnt_ctl_getopt(j->c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    for (int i = E_FROM; i <= E_CSV; i++)
        if (i != E_VENUE && i != E_AUTHORITY && v[i] == NULL)
            return lnt_ctl_usage(j->c, "export: --%s is required", opts[i].name);
    if (v[E_VENUE] != NULL && v[E_AUTHORITY] != NULL)
        return lnt_ctl_usage(j->c, "export: give --venue or --authority, not both");
    if ((rc = lnt_ctl_parse_date("from", v[E_FROM], &first)) != LNT_CTL_OK ||
        (rc = lnt_ctl_parse_date("to", v[E_TO], &last)) != LNT_CTL_OK)
        return rc;
    if (last < first)
        return lnt_ctl_fail("--to: %s is before --from %s", v[E_TO], v[E_FROM]);
    if (v[E_VENUE] != NULL &&
        (rc = lnt_ctl_parse_id("venue", v[E_VENUE], &j->venue_id)) != LNT_CTL_OK)
        return rc;
    j->authority = v[E_AUTHORITY];
    j->from = night_start(first);
    j->to = night_start(last + 1);
    return LNT_CTL_OK;
}

/*
 * Writes kind `k` to PATH.tmp and renames it to `path` once it is whole and
 * on disk, so that no reader ever sees half an export. Prints the problem.
 */
static int export_file(struct export_job *j, const struct export_kind *k, const char *path)
{
    char err[LNT_ERRBUF_SIZE] = "", tmp[PATH_LEN + 8];
    int rc;

    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return lnt_ctl_fail("--csv: path longer than %d bytes", PATH_LEN);
    j->csv.f = fopen(tmp, "wbx");
    if (j->csv.f == NULL)
        return lnt_ctl_fail("--csv: %s: %s", tmp, strerror(errno));
    lnt_progress_begin(&j->pg, STDERR_FILENO, "exporting", k->per_venue ? (int64_t)j->n_venues : 0);
    rc = export_rows(j, k, err);
    lnt_progress_end(&j->pg);
    if (rc != LNT_CTL_OK)
        rc = lnt_ctl_fail("export %s: %s (nothing was written)", k->name, err);
    else if (j->csv.bad || fflush(j->csv.f) != 0 || fsync(fileno(j->csv.f)) != 0)
        rc = lnt_ctl_fail("export %s: writing %s failed (nothing was written)", k->name, path);
    if (fclose(j->csv.f) != 0 && rc == LNT_CTL_OK)
        rc = lnt_ctl_fail("export %s: writing %s failed (nothing was written)", k->name, path);
    j->csv.f = NULL;
    if (rc == LNT_CTL_OK && rename(tmp, path) != 0)
        rc = lnt_ctl_fail("--csv: %s: %s", path, strerror(errno));
    if (rc != LNT_CTL_OK)
        (void)unlink(tmp);
    return rc;
}

/* Records who took which records out, and when (removing the file if that fails); prints it. */
static int export_audit(struct export_job *j, const struct export_kind *k,
                        const char *const v[LNT_CTL_MAX_OPTS])
{
    char err[LNT_ERRBUF_SIZE] = "", object[128], detail[512], action[33];
    struct lnt_ctl_out o;

    if (j->venue_id != 0)
        snprintf(object, sizeof object, "venue %lld", (long long)j->venue_id);
    else
        snprintf(object, sizeof object, "%s%s", j->authority != NULL ? "authority " : "scheme",
                 j->authority != NULL ? j->authority : "");
    snprintf(detail, sizeof detail, "%s..%s: %lld rows to %s", v[E_FROM], v[E_TO],
             (long long)j->csv.rows, v[E_CSV]);
    snprintf(action, sizeof action, "export.%s", k->name);
    if (lnt_store_audit_append(j->c->store, NULL, action, object, detail, err) != LNT_OK) {
        (void)unlink(v[E_CSV]);
        return lnt_ctl_fail("export %s: the export could not be audited, so it was removed: %s",
                            k->name, err);
    }
    lnt_ctl_out_begin(&o, j->c, false);
    lnt_ctl_out_str(&o, "export", k->name);
    lnt_ctl_out_str(&o, "file", v[E_CSV]);
    lnt_ctl_out_int(&o, "rows", j->csv.rows);
    lnt_ctl_out_str(&o, "from", v[E_FROM]);
    lnt_ctl_out_str(&o, "to", v[E_TO]);
    lnt_ctl_out_str(&o, "scope", object);
    return lnt_ctl_out_end(&o);
}

int lnt_ctl_export(struct lnt_ctl *c, int argc, char **argv)
{
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct export_job j = {.c = c};
    const struct export_kind *k = NULL;
    int rc;

    /* argv[0] is the export's kind: "export incidents --from ..." */
    for (size_t i = 0; i < N_EXPORT_KINDS; i++)
        if (strcmp(argv[0], export_kinds[i].name) == 0)
            k = &export_kinds[i];
    if (k == NULL)
        return lnt_ctl_usage(c,
                             "export: expected door-register, incidents, stock or volunteers, "
                             "got '%s'",
                             argv[0]);
    if ((rc = export_options(&j, argc, argv, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    lnt_buf_init(&j.csv.line, CSV_LINE_MAX);
    if (select_venues(&j, err) != LNT_CTL_OK)
        rc = lnt_ctl_fail("export: %s", err);
    else if ((rc = export_file(&j, k, v[E_CSV])) == LNT_CTL_OK)
        rc = export_audit(&j, k, v);
    lnt_buf_release(&j.csv.line);
    free(j.venues);
    free(j.all);
    return rc;
}

/* ---- purge ---- */

int lnt_ctl_purge(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_retention policy;
    struct lnt_purge_counts n = {0};
    struct lnt_ctl_out o;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    lnt_retention_defaults(&policy);
    if (lnt_store_purge(c->store, lnt_time_now(), &policy, &n, err) != LNT_OK)
        return lnt_ctl_fail("purge: %s (what was already purged stays purged)", err);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_int(&o, "raw_events", n.raw_events);
    lnt_ctl_out_int(&o, "conflicts", n.conflicts);
    lnt_ctl_out_int(&o, "door_register", n.door_register);
    lnt_ctl_out_int(&o, "incident_details", n.incident_details);
    lnt_ctl_out_int(&o, "incident_parts", n.incident_parts);
    lnt_ctl_out_int(&o, "incidents", n.incidents);
    lnt_ctl_out_int(&o, "stock_ledger", n.stock_ledger);
    lnt_ctl_out_int(&o, "volunteer_shifts", n.volunteer_shifts);
    lnt_ctl_out_int(&o, "flags", n.flags);
    lnt_ctl_out_int(&o, "audit_log", n.audit_log);
    lnt_ctl_out_int(&o, "sessions", n.sessions);
    lnt_ctl_out_int(&o, "login_failures", n.login_failures);
    return lnt_ctl_out_end(&o);
}

/* ---- backup ---- */

static int backup_progress(void *ctx, int remaining, int total)
{
    struct lnt_progress *pg = ctx;

    if (total > 0)
        pg->total = total; /* known only once the copy has started */
    lnt_progress_update(pg, (int64_t)total - remaining);
    return 0;
}

int lnt_ctl_backup(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"to", required_argument, NULL, 0}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_progress pg;
    struct lnt_ctl_out o;
    struct stat st;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[0] == NULL || v[0][0] == '\0')
        return lnt_ctl_usage(c, "backup: --to FILE is required");
    if (stat(v[0], &st) == 0)
        return lnt_ctl_fail("--to: %s already exists: choose a new name", v[0]);
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    lnt_progress_begin(&pg, STDERR_FILENO, "backing up", 0);
    if (lnt_store_backup(c->store, v[0], backup_progress, &pg, err) != LNT_OK) {
        lnt_progress_end(&pg);
        return lnt_ctl_fail("backup: %s", err);
    }
    lnt_progress_end(&pg);
    if (stat(v[0], &st) != 0)
        return lnt_ctl_fail("backup: %s: %s", v[0], strerror(errno));
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_str(&o, "file", v[0]);
    lnt_ctl_out_int(&o, "bytes", (int64_t)st.st_size);
    lnt_ctl_out_time(&o, "taken_at", lnt_time_now());
    /* said every time: the copy is useless for signing or opening details without it */
    lnt_ctl_out_str(&o, "key_file", lnt_store_keys_path(c->store));
    lnt_ctl_out_str(&o, "note",
                    "the backup holds no secret keys: back up the key file separately and keep "
                    "it apart from database backups");
    return lnt_ctl_out_end(&o);
}

/* ---- audit ---- */

int lnt_ctl_audit_list(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_FROM, O_TO, O_LIMIT, O_ACTION };
    static const struct option opts[] = {{"from", required_argument, NULL, O_FROM},
                                         {"to", required_argument, NULL, O_TO},
                                         {"limit", required_argument, NULL, O_LIMIT},
                                         {"action", required_argument, NULL, O_ACTION},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_audit_entry *list = NULL;
    int64_t from = 0, to = 0, limit = AUDIT_DEFAULT, start;
    int32_t d;
    size_t n = 0;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[O_FROM] != NULL) {
        if ((rc = lnt_ctl_parse_date("from", v[O_FROM], &d)) != LNT_CTL_OK)
            return rc;
        from = (int64_t)d * 86400;
    }
    if (v[O_TO] != NULL) {
        if ((rc = lnt_ctl_parse_date("to", v[O_TO], &d)) != LNT_CTL_OK)
            return rc;
        to = ((int64_t)d + 1) * 86400; /* the whole of that day */
    }
    if (v[O_LIMIT] != NULL &&
        (rc = lnt_ctl_parse_int("limit", v[O_LIMIT], 1, LNT_VIEW_MAX, &limit)) != LNT_CTL_OK)
        return rc;
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    /* the log names people too, so reading it is audited; the list stops short of that row */
    if (lnt_store_audit_list(c->store, 0, 0, 0, 1, &list, &n, err) != LNT_OK)
        return lnt_ctl_fail("audit list: %s", err);
    start = n == 1 ? list[0].id + 1 : 1;
    free(list);
    list = NULL;
    if ((rc = lnt_ctl_audit_read(c, "audit.read", "audit log", "")) != LNT_CTL_OK)
        return rc;
    /* newest first, page by page, until `limit` rows matching --action have been printed */
    for (int64_t before = start, shown = 0; rc == LNT_CTL_OK && shown < limit;) {
        free(list);
        list = NULL;
        if (lnt_store_audit_list(c->store, from, to, before, LNT_VIEW_MAX, &list, &n, err) !=
            LNT_OK) {
            rc = lnt_ctl_fail("audit list: %s", err);
            break;
        }
        for (size_t i = 0; i < n && rc == LNT_CTL_OK && shown < limit; i++) {
            struct lnt_ctl_out o;
            if (v[O_ACTION] != NULL && !lnt_str_starts(list[i].action, v[O_ACTION]))
                continue;
            lnt_ctl_out_begin(&o, c, true);
            lnt_ctl_out_int(&o, "id", list[i].id);
            lnt_ctl_out_time(&o, "at", list[i].at);
            lnt_ctl_out_str(&o, "actor", list[i].actor);
            lnt_ctl_out_str(&o, "action", list[i].action);
            lnt_ctl_out_str(&o, "object", list[i].object);
            lnt_ctl_out_str(&o, "detail", list[i].detail);
            rc = lnt_ctl_out_end(&o);
            shown++;
        }
        if (n < LNT_VIEW_MAX)
            break;
        before = list[n - 1].id;
    }
    free(list);
    return rc;
}
