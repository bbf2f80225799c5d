/* ctl_door.c - `lanternctl training require|unrequire|required` and `sia
 * set-status|clear|import|list`: the scheme's door rules, which kiosks receive with the
 * revocation list at their next sync, and the SIA licence statuses scoring reads. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ltime.h"
#include "night.h"
#include "sia_import.h"

#define COURSES_EXPECT "bystander, wave, angela, spiking, first-aid, conflict or challenge25"

/* --role and --course of `training require` / `unrequire`, both required. */
static int role_course(struct lnt_ctl *c, int argc, char **argv, enum lnt_role *role,
                       enum lnt_course *course)
{
    enum { O_ROLE, O_COURSE };
    static const struct option opts[] = {{"role", required_argument, NULL, O_ROLE},
                                         {"course", required_argument, NULL, O_COURSE},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_require(c, opts, v, O_ROLE, O_COURSE)) != LNT_CTL_OK)
        return rc;
    if (lnt_role_parse(v[O_ROLE], role) != LNT_OK || *role == LNT_ROLE_NONE)
        return lnt_ctl_fail("--role: expected door, bar, manager or volunteer, got '%s'",
                            v[O_ROLE]);
    if (lnt_course_parse(v[O_COURSE], course) != LNT_OK || *course == LNT_COURSE_NONE)
        return lnt_ctl_fail("--course: expected " COURSES_EXPECT ", got '%s'", v[O_COURSE]);
    return lnt_ctl_need_scheme(c);
}

/* One record per role: role=door courses=wave,angela (JSON: "courses": ["wave", "angela"]). */
static int out_required(struct lnt_ctl *c, const struct lnt_required_training *req,
                        enum lnt_role only)
{
    int rc = LNT_CTL_OK;

    for (int r = LNT_ROLE_DOOR; r <= LNT_ROLE_VOLUNTEER && rc == LNT_CTL_OK; r++) {
        struct lnt_ctl_out o;
        struct lnt_buf json, human;

        if (only != LNT_ROLE_NONE && (enum lnt_role)r != only)
            continue;
        lnt_buf_init(&json, 256);
        lnt_buf_init(&human, 256);
        lnt_buf_puts(&json, "[");
        for (int k = LNT_COURSE_BYSTANDER; k <= LNT_COURSE__MAX; k++) {
            const char *name = lnt_course_name((enum lnt_course)k);
            if ((req->courses[r] & LNT_COURSE_BIT(k)) == 0)
                continue;
            lnt_buf_printf(&json, "%s\"%s\"", json.len > 1 ? "," : "", name);
            lnt_buf_printf(&human, "%s%s", human.len > 0 ? "," : "", name);
        }
        lnt_buf_puts(&json, "]");
        lnt_ctl_out_begin(&o, c, true);
        lnt_ctl_out_str(&o, "role", lnt_role_name((enum lnt_role)r));
        lnt_ctl_out_raw(&o, "courses", json.data != NULL ? json.data : "[]",
                        human.len > 0 ? human.data : "none");
        rc = lnt_ctl_out_end(&o);
        lnt_buf_release(&json);
        lnt_buf_release(&human);
    }
    return rc;
}

static int require(struct lnt_ctl *c, int argc, char **argv, bool required)
{
    struct lnt_required_training req;
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_role role = LNT_ROLE_NONE;
    enum lnt_course course = LNT_COURSE_NONE;
    bool changed = false;
    int rc;

    if ((rc = role_course(c, argc, argv, &role, &course)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_required_set(c->store, role, course, required, &changed, err) != LNT_OK ||
        lnt_store_required_get(c->store, &req, err) != LNT_OK)
        return lnt_ctl_fail("%s: %s", c->cmd_name, err);
    if (!changed)
        lnt_ctl_warn("%s was %s required for %s already", lnt_course_name(course),
                     required ? "" : "not", lnt_role_name(role));
    return out_required(c, &req, role);
}

int lnt_ctl_training_require(struct lnt_ctl *c, int argc, char **argv)
{
    return require(c, argc, argv, true);
}

int lnt_ctl_training_unrequire(struct lnt_ctl *c, int argc, char **argv)
{
    return require(c, argc, argv, false);
}

int lnt_ctl_training_required(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{0}};
    const char *v[LNT_CTL_MAX_OPTS];
    struct lnt_required_training req;
    char err[LNT_ERRBUF_SIZE] = "";
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_need_scheme(c)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_required_get(c->store, &req, err) != LNT_OK)
        return lnt_ctl_fail("training required: %s", err);
    return out_required(c, &req, LNT_ROLE_NONE);
}

static void out_entry(struct lnt_ctl_out *o, const struct lnt_sia_entry *e)
{
    lnt_ctl_out_str(o, "number", e->l.number);
    lnt_ctl_out_str(o, "status", lnt_sia_listing_name(e->l.status));
    lnt_ctl_out_date(o, "from", e->l.from);
    lnt_ctl_out_str(o, "note", e->note);
    if (e->set_at != 0) {
        lnt_ctl_out_str(o, "set_by", e->set_by);
        lnt_ctl_out_time(o, "set_at", e->set_at);
    }
}

/*
 * `sia CMD NUMBER ...` or `sia CMD --OPT NUMBER ...`: the first argument after the command's
 * name, when it is not an option, is taken out of argv into *first (NULL when absent).
 */
static int positional(struct lnt_ctl *c, int argc, char **argv, char **args, int *n,
                      const char **first)
{
    *first = NULL;
    *n = 0;
    if (argc > 64)
        return lnt_ctl_usage(c, "%s: too many arguments", c->cmd_name);
    for (int i = 0; i < argc; i++) {
        if (i == 1 && argv[i][0] != '-')
            *first = argv[i];
        else
            args[(*n)++] = argv[i];
    }
    return LNT_CTL_OK;
}

static int number_check(const char *number, char out[LNT_SIA_NUMBER_LEN + 1])
{
    if (lnt_str_copy(out, LNT_SIA_NUMBER_LEN + 1, number) != LNT_OK || strlen(number) != 16 ||
        strspn(number, "0123456789") != 16)
        return lnt_ctl_fail("NUMBER: an SIA licence number is 16 digits, got '%s'", number);
    return LNT_CTL_OK;
}

int lnt_ctl_sia_set_status(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_NUMBER, O_STATUS, O_FROM, O_NOTE };
    static const struct option opts[] = {{"number", required_argument, NULL, O_NUMBER},
                                         {"status", required_argument, NULL, O_STATUS},
                                         {"from", required_argument, NULL, O_FROM},
                                         {"note", required_argument, NULL, O_NOTE},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char *args[64];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_sia_entry e;
    struct lnt_ctl_out o;
    const char *number = NULL;
    int n = 0, rc;

    /* The licence number may come first, without --number: `sia set-status NUMBER ...`. */
    if ((rc = positional(c, argc, argv, args, &n, &number)) != LNT_CTL_OK ||
        (rc = lnt_ctl_getopt(c, n, args, opts, v)) != LNT_CTL_OK)
        return rc;
    if (number != NULL && v[O_NUMBER] != NULL)
        return lnt_ctl_usage(c, "sia set-status: the licence number is given twice");
    if (number == NULL)
        number = v[O_NUMBER];
    if (number == NULL)
        return lnt_ctl_usage(c, "sia set-status: the licence NUMBER is required");
    if ((rc = lnt_ctl_require(c, opts, v, O_STATUS, O_STATUS)) != LNT_CTL_OK)
        return rc;
    memset(&e, 0, sizeof e);
    if ((rc = number_check(number, e.l.number)) != LNT_CTL_OK)
        return rc;
    if (lnt_sia_listing_parse(v[O_STATUS], &e.l.status) != LNT_OK)
        return lnt_ctl_fail("--status: expected suspended, revoked or valid, got '%s'",
                            v[O_STATUS]);
    e.l.from = lnt_london_date(lnt_time_now());
    if (v[O_FROM] != NULL && (rc = lnt_ctl_parse_date("from", v[O_FROM], &e.l.from)) != LNT_CTL_OK)
        return rc;
    if (v[O_NOTE] != NULL && lnt_str_copy(e.note, sizeof e.note, v[O_NOTE]) != LNT_OK)
        return lnt_ctl_fail("--note: at most %d bytes", LNT_SIA_NOTE_MAX);
    if ((rc = lnt_ctl_need_scheme(c)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_sia_put(c->store, NULL, &e, 1, NULL, err) != LNT_OK)
        return lnt_ctl_fail("sia set-status: %s", strncmp(err, "row 0: ", 7) == 0 ? err + 7 : err);
    lnt_ctl_out_begin(&o, c, false);
    out_entry(&o, &e);
    return lnt_ctl_out_end(&o);
}

int lnt_ctl_sia_clear(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_FROM };
    static const struct option opts[] = {{"from", required_argument, NULL, O_FROM}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char *args[64];
    char err[LNT_ERRBUF_SIZE] = "", number[LNT_SIA_NUMBER_LEN + 1];
    struct lnt_ctl_out o;
    const char *given = NULL;
    int32_t from = 0;
    int n = 0, rc;

    if ((rc = positional(c, argc, argv, args, &n, &given)) != LNT_CTL_OK ||
        (rc = lnt_ctl_getopt(c, n, args, opts, v)) != LNT_CTL_OK)
        return rc;
    if (given == NULL)
        return lnt_ctl_usage(c, "sia clear: the licence NUMBER is required");
    if ((rc = number_check(given, number)) != LNT_CTL_OK)
        return rc;
    if (v[O_FROM] != NULL && (rc = lnt_ctl_parse_date("from", v[O_FROM], &from)) != LNT_CTL_OK)
        return rc;
    if ((rc = lnt_ctl_need_scheme(c)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_sia_clear(c->store, NULL, number, from, err) != LNT_OK)
        return lnt_ctl_fail("sia clear: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_str(&o, "number", number);
    if (from != 0)
        lnt_ctl_out_date(&o, "cleared_from", from);
    else
        lnt_ctl_out_str(&o, "cleared_from", "every date");
    return lnt_ctl_out_end(&o);
}

/* Reads all of `path` (at most LNT_SIA_IMPORT_BYTES_MAX bytes) into b. */
static int read_all(const char *path, struct lnt_buf *b)
{
    char chunk[8192];
    FILE *f = fopen(path, "rb");
    size_t got;
    int rc = LNT_CTL_OK;

    if (f == NULL)
        return lnt_ctl_fail("sia import: %s: %s", path, strerror(errno));
    while (rc == LNT_CTL_OK && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (lnt_buf_append(b, chunk, got) != LNT_OK)
            rc = lnt_ctl_fail("sia import: %s: over %d bytes", path, LNT_SIA_IMPORT_BYTES_MAX);
    if (rc == LNT_CTL_OK && ferror(f))
        rc = lnt_ctl_fail("sia import: %s: read failed", path);
    fclose(f);
    return rc;
}

int lnt_ctl_sia_import(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char *args[64];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_sia_import imp;
    struct lnt_ctl_out o;
    struct lnt_buf text;
    const char *path = NULL;
    int n = 0, rc;

    memset(&imp, 0, sizeof imp);
    lnt_buf_init(&text, LNT_SIA_IMPORT_BYTES_MAX);
    if ((rc = positional(c, argc, argv, args, &n, &path)) != LNT_CTL_OK ||
        (rc = lnt_ctl_getopt(c, n, args, opts, v)) != LNT_CTL_OK)
        goto out;
    if (path == NULL) {
        rc = lnt_ctl_usage(c, "sia import: the FILE.csv is required");
        goto out;
    }
    if ((rc = read_all(path, &text)) != LNT_CTL_OK || (rc = lnt_ctl_need_scheme(c)) != LNT_CTL_OK)
        goto out;
    if (lnt_sia_import_parse(text.data != NULL ? text.data : "", text.len, &imp, err) != LNT_OK ||
        lnt_sia_import_record(c->store, NULL, &imp, err) != LNT_OK) {
        rc = lnt_ctl_fail("sia import: %s: %s (nothing was imported)", path, err);
        goto out;
    }
    /* every bad row by its line, then what was done with the good ones */
    if (imp.problems.len > 0)
        fprintf(stderr, "%.*s", (int)imp.problems.len, imp.problems.data);
    if (imp.n_bad > LNT_SIA_IMPORT_PROBLEMS_MAX)
        lnt_ctl_warn("and %zu more bad rows", imp.n_bad - LNT_SIA_IMPORT_PROBLEMS_MAX);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_str(&o, "file", path);
    lnt_ctl_out_int(&o, "rows", (int64_t)imp.n_rows);
    lnt_ctl_out_int(&o, "changed", (int64_t)imp.changed);
    lnt_ctl_out_int(&o, "bad", (int64_t)imp.n_bad);
    rc = lnt_ctl_out_end(&o);
    if (rc == LNT_CTL_OK && imp.n_bad > 0)
        rc = lnt_ctl_fail("sia import: %zu bad row%s not imported (the %zu good ones were)",
                          imp.n_bad, imp.n_bad == 1 ? "" : "s", imp.n_rows);
out:
    lnt_sia_import_release(&imp);
    lnt_buf_release(&text);
    return rc;
}

int lnt_ctl_sia_list(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{0}};
    const char *v[LNT_CTL_MAX_OPTS];
    struct lnt_sia_entry *list = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_need_scheme(c)) != LNT_CTL_OK)
        return rc;
    /* licence numbers are personal data: the read is audited before anything is shown */
    if ((rc = lnt_ctl_audit_read(c, "sia.read", "SIA licence statuses", "")) != LNT_CTL_OK)
        return rc;
    if (lnt_store_sia_entries(c->store, &list, &n, err) != LNT_OK)
        return lnt_ctl_fail("sia list: %s", err);
    for (size_t i = 0; i < n && rc == LNT_CTL_OK; i++) {
        struct lnt_ctl_out o;
        lnt_ctl_out_begin(&o, c, true);
        out_entry(&o, &list[i]);
        rc = lnt_ctl_out_end(&o);
    }
    free(list);
    return rc;
}
