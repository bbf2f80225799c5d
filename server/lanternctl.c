/* lanternctl.c - the scheme administrator's command line: keys, venues, staff, training, badges,
 * kiosks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "ctl.h"
#include "ltime.h"
#include "wire.h"

#define ENROLL_VALIDITY (7 * 86400)
#define SIA_INPUT_MAX 40

static const char usage_text[] =
    "usage: lanternctl [--db PATH] [--json] COMMAND [OPTIONS]\n"
    "\n"
    "  --db PATH   database file (default var/lantern.db; its directory is created)\n"
    "  --json      print one JSON object per result (lists: one object per line)\n"
    "\n"
    "commands:\n"
    "  init --scheme NAME                      NAME: 1-16 of A-Z 0-9 -\n"
    "  key show\n"
    "  venue add --name N --category pub|bar|nightclub|hub --capacity N --area TEXT\n"
    "  venue list\n"
    "  staff add --venue ID --name N --role door|bar|manager|volunteer\n"
    "            [--sia NUMBER --sia-expiry YYYY-MM-DD]\n"
    "  training add --staff ID --course "
    "bystander|wave|angela|spiking|first-aid|conflict|challenge25\n"
    "            --completed YYYY-MM-DD [--expires YYYY-MM-DD]   (default: completed + 12 months)\n"
    "  badge issue --staff ID --png FILE [--valid-days N]        (default 365, at most 397)\n"
    "  badge verify (--text LNT1:... | --image FILE)             exit 0 only for a valid badge\n"
    "  kiosk add --venue ID [--png FILE]                         one-time code, valid 7 days\n"
    "  events list [--venue ID] [--since TIME|DATE]\n"
    "            with --json each line is {\"id\", \"kiosk_id\", \"venue_id\", \"received_at\",\n"
    "            \"event\": {the event as the kiosk sent it, in canonical wire form}}\n"
    "\n"
    "Exit status: 0 done, 1 failed (message on stderr), 2 usage error.\n";

/* ---- init, key ---- */

static int cmd_init(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"scheme", required_argument, NULL, 0}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    char kid[LNT_HEX_LEN(LNT_KID_LEN)], pk[LNT_B64_LEN(LNT_SIGN_PK_LEN)];
    struct lnt_scheme sc;
    struct lnt_ctl_out o;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[0] == NULL)
        return lnt_ctl_usage(c, "init: --scheme is required");
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_scheme_init(c->store, v[0], err) != LNT_OK)
        return lnt_ctl_fail("init: %s", err);
    if ((rc = lnt_ctl_open(c, &sc)) != LNT_CTL_OK)
        return rc;
    lnt_hex_encode(sc.key.kid, LNT_KID_LEN, kid);
    lnt_b64_encode(sc.key.pk, LNT_SIGN_PK_LEN, pk);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_str(&o, "scheme", sc.name);
    lnt_ctl_out_str(&o, "kid", kid);
    lnt_ctl_out_str(&o, "public_key", pk);
    memset(&sc, 0, sizeof sc);
    return lnt_ctl_out_end(&o);
}

static int cmd_key_show(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char kid[LNT_HEX_LEN(LNT_KID_LEN)], pk[LNT_B64_LEN(LNT_SIGN_PK_LEN)], box[LNT_B64_LEN(32)];
    struct lnt_scheme sc;
    struct lnt_ctl_out o;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, &sc)) != LNT_CTL_OK)
        return rc;
    lnt_hex_encode(sc.key.kid, LNT_KID_LEN, kid);
    lnt_b64_encode(sc.key.pk, LNT_SIGN_PK_LEN, pk);
    lnt_b64_encode(sc.box_pk, sizeof sc.box_pk, box);
    memset(&sc.key.sk, 0, sizeof sc.key.sk);
    memset(&sc.box_sk, 0, sizeof sc.box_sk);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_str(&o, "scheme", sc.name);
    lnt_ctl_out_str(&o, "kid", kid);
    lnt_ctl_out_str(&o, "public_key", pk);
    lnt_ctl_out_str(&o, "box_public_key", box);
    return lnt_ctl_out_end(&o);
}

/* ---- venues ---- */

static int cmd_venue_add(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_NAME, O_CATEGORY, O_CAPACITY, O_AREA };
    static const struct option opts[] = {{"name", required_argument, NULL, O_NAME},
                                         {"category", required_argument, NULL, O_CATEGORY},
                                         {"capacity", required_argument, NULL, O_CAPACITY},
                                         {"area", required_argument, NULL, O_AREA},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_venue ven = {0};
    struct lnt_scheme sc;
    struct lnt_ctl_out o;
    int64_t cap;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    for (int i = O_NAME; i <= O_AREA; i++)
        if (v[i] == NULL)
            return lnt_ctl_usage(c, "venue add: --%s is required", opts[i].name);
    if (lnt_venue_category_parse(v[O_CATEGORY], &ven.category) != LNT_OK)
        return lnt_ctl_fail("--category: expected pub, bar, nightclub or hub, got '%s'",
                            v[O_CATEGORY]);
    if ((rc = lnt_ctl_parse_int("capacity", v[O_CAPACITY], 0, 1000000, &cap)) != LNT_CTL_OK)
        return rc;
    ven.capacity = (int32_t)cap;
    if (lnt_str_copy(ven.name, sizeof ven.name, v[O_NAME]) != LNT_OK)
        return lnt_ctl_fail("--name: at most %zu bytes", sizeof ven.name - 1);
    if (lnt_str_copy(ven.area, sizeof ven.area, v[O_AREA]) != LNT_OK)
        return lnt_ctl_fail("--area: at most %zu bytes", sizeof ven.area - 1);
    if ((rc = lnt_ctl_open(c, &sc)) != LNT_CTL_OK)
        return rc;
    memset(&sc, 0, sizeof sc);
    if (lnt_store_venue_add(c->store, &ven, err) != LNT_OK)
        return lnt_ctl_fail("venue add: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_int(&o, "id", ven.id);
    lnt_ctl_out_str(&o, "name", ven.name);
    lnt_ctl_out_str(&o, "category", lnt_venue_category_name(ven.category));
    return lnt_ctl_out_end(&o);
}

static int cmd_venue_list(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_venue *list = NULL;
    size_t n = 0;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_venue_list(c->store, &list, &n, err) != LNT_OK)
        return lnt_ctl_fail("venue list: %s", err);
    for (size_t i = 0; i < n && rc == LNT_CTL_OK; i++) {
        struct lnt_ctl_out o;
        lnt_ctl_out_begin(&o, c, true);
        lnt_ctl_out_int(&o, "id", list[i].id);
        lnt_ctl_out_str(&o, "name", list[i].name);
        lnt_ctl_out_str(&o, "category", lnt_venue_category_name(list[i].category));
        lnt_ctl_out_int(&o, "capacity", list[i].capacity);
        lnt_ctl_out_str(&o, "area", list[i].area);
        lnt_ctl_out_time(&o, "created_at", list[i].created_at);
        rc = lnt_ctl_out_end(&o);
    }
    free(list);
    return rc;
}

/* ---- staff and training ---- */

/* SIA numbers are printed in groups of four: keep only the digits' positions honest. */
static int parse_sia(const char *in, char out[17])
{
    size_t n = 0;

    if (strlen(in) > SIA_INPUT_MAX)
        return lnt_ctl_fail("--sia: expected a 16-digit SIA licence number, got %zu characters",
                            strlen(in));
    for (const char *p = in; *p != '\0'; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        if (*p < '0' || *p > '9' || n == 16)
            return lnt_ctl_fail("--sia: expected a 16-digit SIA licence number, got '%s'", in);
        out[n++] = *p;
    }
    if (n != 16)
        return lnt_ctl_fail("--sia: expected a 16-digit SIA licence number, got '%s'", in);
    out[n] = '\0';
    return LNT_CTL_OK;
}

static int cmd_staff_add(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_VENUE, O_NAME, O_ROLE, O_SIA, O_SIA_EXPIRY };
    static const struct option opts[] = {{"venue", required_argument, NULL, O_VENUE},
                                         {"name", required_argument, NULL, O_NAME},
                                         {"role", required_argument, NULL, O_ROLE},
                                         {"sia", required_argument, NULL, O_SIA},
                                         {"sia-expiry", required_argument, NULL, O_SIA_EXPIRY},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_staff st = {0};
    struct lnt_scheme sc;
    struct lnt_ctl_out o;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    for (int i = O_VENUE; i <= O_ROLE; i++)
        if (v[i] == NULL)
            return lnt_ctl_usage(c, "staff add: --%s is required", opts[i].name);
    if ((v[O_SIA] == NULL) != (v[O_SIA_EXPIRY] == NULL))
        return lnt_ctl_usage(c, "staff add: --sia and --sia-expiry go together");
    if ((rc = lnt_ctl_parse_id("venue", v[O_VENUE], &st.venue_id)) != LNT_CTL_OK)
        return rc;
    if (lnt_role_parse(v[O_ROLE], &st.role) != LNT_OK)
        return lnt_ctl_fail("--role: expected door, bar, manager or volunteer, got '%s'",
                            v[O_ROLE]);
    if (lnt_str_copy(st.name, sizeof st.name, v[O_NAME]) != LNT_OK)
        return lnt_ctl_fail("--name: at most %zu bytes", sizeof st.name - 1);
    if (v[O_SIA] != NULL) {
        if ((rc = parse_sia(v[O_SIA], st.sia_number)) != LNT_CTL_OK ||
            (rc = lnt_ctl_parse_date("sia-expiry", v[O_SIA_EXPIRY], &st.sia_expires)) != LNT_CTL_OK)
            return rc;
    }
    if ((rc = lnt_ctl_open(c, &sc)) != LNT_CTL_OK)
        return rc;
    memset(&sc, 0, sizeof sc);
    if (lnt_store_staff_add(c->store, &st, err) != LNT_OK)
        return lnt_ctl_fail("staff add: %s", err);
    if (st.role == LNT_ROLE_DOOR && st.sia_number[0] == '\0')
        lnt_ctl_warn("staff %lld is door staff with no SIA licence: the kiosk will show red",
                     (long long)st.id);
    else if (st.sia_expires != 0 && st.sia_expires < lnt_date_of(lnt_time_now()))
        lnt_ctl_warn("staff %lld: the SIA licence has already expired: the kiosk will show red",
                     (long long)st.id);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_int(&o, "id", st.id);
    lnt_ctl_out_str(&o, "name", st.name);
    lnt_ctl_out_str(&o, "role", lnt_role_name(st.role));
    lnt_ctl_out_int(&o, "venue_id", st.venue_id);
    return lnt_ctl_out_end(&o);
}

/* The same calendar day 12 months on; 29 February becomes 28 February. */
static int32_t plus_12_months(int32_t days)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, last;

    lnt_civil_from_days(days, &y, &m, &d);
    y++;
    last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return lnt_days_from_civil(y, m, d > last ? last : d);
}

static int cmd_training_add(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_STAFF, O_COURSE, O_COMPLETED, O_EXPIRES };
    static const struct option opts[] = {{"staff", required_argument, NULL, O_STAFF},
                                         {"course", required_argument, NULL, O_COURSE},
                                         {"completed", required_argument, NULL, O_COMPLETED},
                                         {"expires", required_argument, NULL, O_EXPIRES},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_training t = {0};
    struct lnt_scheme sc;
    struct lnt_ctl_out o;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    for (int i = O_STAFF; i <= O_COMPLETED; i++)
        if (v[i] == NULL)
            return lnt_ctl_usage(c, "training add: --%s is required", opts[i].name);
    if ((rc = lnt_ctl_parse_id("staff", v[O_STAFF], &t.staff_id)) != LNT_CTL_OK)
        return rc;
    if (lnt_course_parse(v[O_COURSE], &t.course) != LNT_OK)
        return lnt_ctl_fail(
            "--course: expected bystander, wave, angela, spiking, first-aid, conflict "
            "or challenge25, got '%s'",
            v[O_COURSE]);
    if ((rc = lnt_ctl_parse_date("completed", v[O_COMPLETED], &t.completed)) != LNT_CTL_OK)
        return rc;
    if (t.completed > lnt_date_of(lnt_time_now()))
        return lnt_ctl_fail("--completed: %s is in the future", v[O_COMPLETED]);
    if (v[O_EXPIRES] != NULL) {
        if ((rc = lnt_ctl_parse_date("expires", v[O_EXPIRES], &t.expires)) != LNT_CTL_OK)
            return rc;
        if (t.expires < t.completed)
            return lnt_ctl_fail("--expires: %s is before the completion date", v[O_EXPIRES]);
    } else {
        t.expires = plus_12_months(t.completed); /* training is refreshed every 12 months */
    }
    if ((rc = lnt_ctl_open(c, &sc)) != LNT_CTL_OK)
        return rc;
    memset(&sc, 0, sizeof sc);
    if (lnt_store_training_add(c->store, &t, err) != LNT_OK)
        return lnt_ctl_fail("training add: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_int(&o, "staff_id", t.staff_id);
    lnt_ctl_out_str(&o, "course", lnt_course_name(t.course));
    lnt_ctl_out_date(&o, "completed", t.completed);
    lnt_ctl_out_date(&o, "expires", t.expires);
    return lnt_ctl_out_end(&o);
}

/* ---- kiosks ---- */

static int cmd_kiosk_add(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_VENUE, O_PNG };
    static const struct option opts[] = {
        {"venue", required_argument, NULL, O_VENUE}, {"png", required_argument, NULL, O_PNG}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    char code[LNT_ENROLL_CODE_LEN + 1], text[LNT_ENROLL_CODE_LEN + 8];
    struct lnt_scheme sc;
    struct lnt_ctl_out o;
    int64_t venue, expires = lnt_time_now() + ENROLL_VALIDITY;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[O_VENUE] == NULL)
        return lnt_ctl_usage(c, "kiosk add: --venue is required");
    if ((rc = lnt_ctl_parse_id("venue", v[O_VENUE], &venue)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, &sc)) != LNT_CTL_OK)
        return rc;
    memset(&sc, 0, sizeof sc);
    if (lnt_store_enroll_code_add(c->store, venue, expires, code, err) != LNT_OK)
        return lnt_ctl_fail("kiosk add: %s", err);
    if (v[O_PNG] != NULL) {
        /* the kiosk scans this to enrol; QR alphanumeric mode holds it as it is */
        snprintf(text, sizeof text, "LNTE:%s", code);
        if ((rc = lnt_ctl_write_qr(text, v[O_PNG], NULL)) != LNT_CTL_OK)
            return lnt_ctl_fail("the code %s was made but its QR was not written", code);
    }
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_str(&o, "enrollment_code", code);
    lnt_ctl_out_int(&o, "venue_id", venue);
    lnt_ctl_out_time(&o, "expires_at", expires);
    if (v[O_PNG] != NULL)
        lnt_ctl_out_str(&o, "png", v[O_PNG]);
    return lnt_ctl_out_end(&o);
}

/* ---- events ---- */

struct list_ctx {
    struct lnt_ctl *c;
    struct lnt_buf body;
    int rc;
};

static int print_event(void *ctx, const struct lnt_stored_event *e)
{
    struct list_ctx *l = ctx;
    struct lnt_ctl_out o;
    char err[LNT_ERRBUF_SIZE] = "";

    lnt_ctl_out_begin(&o, l->c, true);
    lnt_ctl_out_int(&o, "id", e->id);
    if (l->c->json) {
        lnt_buf_reset(&l->body);
        if (lnt_wire_event_encode(&e->ev, &l->body, err) != LNT_OK) {
            lnt_buf_release(&o.b);
            l->rc = lnt_ctl_fail("event %lld: %s", (long long)e->id, err);
            return 1;
        }
        lnt_ctl_out_int(&o, "kiosk_id", e->kiosk_id);
        lnt_ctl_out_int(&o, "venue_id", e->venue_id);
        lnt_ctl_out_time(&o, "received_at", e->received_at);
        lnt_ctl_out_raw(&o, "event", l->body.data, "");
    } else {
        const char *staff = "";
        switch (e->ev.type) {
        case LNT_EV_SIGN_IN:
        case LNT_EV_SIGN_OUT:
            staff = e->ev.u.badge.staff_id;
            break;
        case LNT_EV_INCIDENT:
            staff = e->ev.u.incident.staff_id;
            break;
        case LNT_EV_STOCK:
            staff = e->ev.u.stock.staff_id;
            break;
        case LNT_EV_SHIFT_START:
        case LNT_EV_SHIFT_END:
            staff = e->ev.u.shift.staff_id;
            break;
        default:
            break;
        }
        lnt_ctl_out_time(&o, "occurred_at", e->ev.occurred_at);
        lnt_ctl_out_str(&o, "type", lnt_event_type_name(e->ev.type));
        lnt_ctl_out_int(&o, "venue_id", e->venue_id);
        lnt_ctl_out_int(&o, "kiosk_id", e->kiosk_id);
        lnt_ctl_out_int(&o, "seq", e->ev.seq);
        if (staff[0] != '\0')
            lnt_ctl_out_str(&o, "staff_id", staff);
    }
    l->rc = lnt_ctl_out_end(&o);
    return l->rc != LNT_CTL_OK;
}

static int cmd_events_list(struct lnt_ctl *c, int argc, char **argv)
{
    enum { O_VENUE, O_SINCE };
    static const struct option opts[] = {{"venue", required_argument, NULL, O_VENUE},
                                         {"since", required_argument, NULL, O_SINCE},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct list_ctx l = {.c = c, .rc = LNT_CTL_OK};
    struct lnt_venue ven;
    int64_t venue = 0, since = INT64_MIN;
    int32_t day;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[O_VENUE] != NULL && (rc = lnt_ctl_parse_id("venue", v[O_VENUE], &venue)) != LNT_CTL_OK)
        return rc;
    if (v[O_SINCE] != NULL && lnt_time_parse(v[O_SINCE], &since) != LNT_OK) {
        if (lnt_date_parse(v[O_SINCE], &day) != LNT_OK)
            return lnt_ctl_fail("--since: expected an RFC 3339 time or a date YYYY-MM-DD, got '%s'",
                                v[O_SINCE]);
        since = (int64_t)day * 86400;
    }
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (venue != 0 && lnt_store_venue_get(c->store, venue, &ven, err) != LNT_OK)
        return lnt_ctl_fail("events list: %s", err);
    lnt_buf_init(&l.body, LNT_BATCH_BODY_MAX);
    if (lnt_store_events_each(c->store, venue, since, print_event, &l, err) != LNT_OK)
        l.rc = lnt_ctl_fail("events list: %s", err);
    lnt_buf_release(&l.body);
    return l.rc;
}

/* ---- dispatch ---- */

struct command {
    const char *name;
    const char *sub; /* NULL: the command takes no second word */
    int (*run)(struct lnt_ctl *c, int argc, char **argv);
    const char *usage;
};

static const struct command commands[] = {
    {"init", NULL, cmd_init, "init --scheme NAME"},
    {"key", "show", cmd_key_show, "key show"},
    {"venue", "add", cmd_venue_add,
     "venue add --name N --category pub|bar|nightclub|hub --capacity N --area TEXT"},
    {"venue", "list", cmd_venue_list, "venue list"},
    {"staff", "add", cmd_staff_add,
     "staff add --venue ID --name N --role door|bar|manager|volunteer "
     "[--sia NUMBER --sia-expiry YYYY-MM-DD]"},
    {"training", "add", cmd_training_add,
     "training add --staff ID --course COURSE --completed YYYY-MM-DD [--expires YYYY-MM-DD]"},
    {"badge", "issue", lnt_ctl_badge_issue, "badge issue --staff ID --png FILE [--valid-days N]"},
    {"badge", "verify", lnt_ctl_badge_verify, "badge verify (--text LNT1:... | --image FILE)"},
    {"kiosk", "add", cmd_kiosk_add, "kiosk add --venue ID [--png FILE]"},
    {"events", "list", cmd_events_list, "events list [--venue ID] [--since TIME|DATE]"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage(const char *fmt, ...)
{
    va_list ap;

    fputs("lanternctl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fputs(usage_text, stderr);
    return LNT_CTL_USAGE;
}

int main(int argc, char **argv)
{
    static const struct option global[] = {{"db", required_argument, NULL, 'd'},
                                           {"json", no_argument, NULL, 'j'},
                                           {"help", no_argument, NULL, 'h'},
                                           {0}};
    struct lnt_ctl c = {.db_path = "var/lantern.db"};
    const struct command *cmd = NULL;
    char name[32];
    int ch, rc, words;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+:h", global, NULL)) != -1) {
        switch (ch) {
        case 'd':
            if (optarg[0] == '\0')
                return usage("--db: the path must not be empty");
            c.db_path = optarg;
            break;
        case 'j':
            c.json = true;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return LNT_CTL_OK;
        case ':':
            return usage("option %s needs a value", argv[optind - 1]);
        default:
            return usage("unknown option %s", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return usage("no command given");
    for (size_t i = 0; i < N_COMMANDS && cmd == NULL; i++) {
        if (strcmp(argv[optind], commands[i].name) != 0)
            continue;
        if (commands[i].sub == NULL ||
            (optind + 1 < argc && strcmp(argv[optind + 1], commands[i].sub) == 0))
            cmd = &commands[i];
    }
    if (cmd == NULL) {
        for (size_t i = 0; i < N_COMMANDS; i++)
            if (strcmp(argv[optind], commands[i].name) == 0)
                return usage(optind + 1 < argc ? "unknown subcommand '%s'"
                                               : "'%s' needs a subcommand",
                             optind + 1 < argc ? argv[optind + 1] : argv[optind]);
        return usage("unknown command '%s'", argv[optind]);
    }
    words = cmd->sub != NULL ? 2 : 1;
    snprintf(name, sizeof name, "%s%s%s", cmd->name, cmd->sub ? " " : "", cmd->sub ? cmd->sub : "");
    c.cmd_name = name;
    c.cmd_usage = cmd->usage;
    if (lnt_crypto_init() != LNT_OK)
        return lnt_ctl_fail("could not initialise the cryptography library");
    /* the subcommand sees its last word as argv[0], its options after */
    rc = cmd->run(&c, argc - optind - words + 1, argv + optind + words - 1);
    lnt_store_free(c.store);
    return rc;
}
