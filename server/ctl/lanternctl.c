/* lanternctl.c - the scheme administrator's command line: the command table and dispatch. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "ctl.h"
#include "ltime.h"
#include "wire.h"
#include "score_ctl.h"

static const char usage_head[] =
    "usage: lanternctl [--db PATH] [--keys PATH] [--json] COMMAND [OPTIONS]\n"
    "\n"
    "  --db PATH   database file (default var/lantern.db; its directory is created)\n"
    "  --keys PATH the scheme's secret keys (default keys/NAME.keys beside the database\n"
    "              NAME.db); only its owner may read it; `backup` never copies it\n"
    "  --json      print one JSON object per result (lists: one object per line)\n"
    "These may also come after the command or among its options; `--` ends the options.\n"
    "\n"
    "commands:\n";
static const char usage_tail[] =
    "\n"
    "Dates are YYYY-MM-DD; times RFC 3339. A night runs 06:00 to 06:00 London time.\n"
    "docs/admin.md explains every command with an example.\n"
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
        case LNT_EV_DOOR_REFUSED:
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
    {
        char object[32];
        if (venue != 0)
            snprintf(object, sizeof object, "venue %lld", (long long)venue);
        else
            snprintf(object, sizeof object, "all venues");
        if ((rc = lnt_ctl_audit_read(c, "events.read", object,
                                     v[O_SINCE] != NULL ? v[O_SINCE] : "")) != LNT_CTL_OK)
            return rc;
    }
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
    {"init", NULL, cmd_init, "init --scheme NAME                  NAME: 1-16 of A-Z 0-9 -"},
    {"key", "show", lnt_ctl_key_show, "key show                            every trusted key"},
    {"key", "rotate", lnt_ctl_key_rotate,
     "key rotate                          new badges use a new key; old ones stay valid"},
    {"key", "rotate-sealing", lnt_ctl_key_rotate_sealing,
     "key rotate-sealing                  kiosks seal new incident details to a new key\n"
     "        (from their next sync); details sealed before still open"},
    {"venue", "add", lnt_ctl_venue_add,
     "venue add --name N --category pub|bar|nightclub|hub --capacity N --area TEXT\n"
     "        [--authority NAME] [--trading PATTERN] [--cup-cover-threshold N]\n"
     "        [--joined DATE|enrolment]"},
    {"venue", "edit", lnt_ctl_venue_edit,
     "venue edit --venue ID [--name N] [--category C] [--capacity N] [--area TEXT]\n"
     "        [--authority NAME] [--trading PATTERN] [--cup-cover-threshold N]\n"
     "        [--joined DATE|enrolment] [--lat DEG --lon DEG]   (\"\" \"\" clears them)"},
    {"venue", "list", lnt_ctl_venue_list,
     "venue list [--authority NAME] [--category C] [--area TEXT] [--closed]"},
    {"venue", "close", lnt_ctl_venue_close, "venue close --venue ID"},
    {"place", "add", lnt_ctl_place_add,
     "place add --name N [--kind park|street|taxi_rank|transport_hub|other]\n"
     "        [--lat DEG --lon DEG] [--authority NAME]   a named public place"},
    {"place", "edit", lnt_ctl_place_edit,
     "place edit --place ID [--kind K] [--lat DEG --lon DEG] [--authority NAME]"},
    {"place", "list", lnt_ctl_place_list, "place list                          every place"},
    {"place", "remove", lnt_ctl_place_remove, "place remove --place ID"},
    {"place", "record", lnt_ctl_place_record,
     "place record --place ID --at TIME --kind KIND --officer EMAIL [--note TEXT]\n"
     "        an officer's record of an incident in a public place"},
    {"place", "correct", lnt_ctl_place_correct,
     "place correct --incident ID --reason TEXT --at TIME --kind KIND --officer EMAIL\n"
     "        [--note TEXT]: supersedes a record, saying why (the old one is kept)"},
    {"place", "incidents", lnt_ctl_place_incidents,
     "place incidents [--place ID] [--from DATE] [--to DATE] [--authority NAME] [--kind K] "
     "[--all]"},
    {"map", "image", lnt_ctl_map_image,
     "map image --file PNG|JPEG --lat1 DEG --lon1 DEG --lat2 DEG --lon2 DEG\n"
     "        the offline map's background and two opposite corners"},
    {"casework", "add", lnt_ctl_casework_add,
     "casework add --venue ID --type visit|letter|plan|item|note|review [--date YYYY-MM-DD]\n"
     "        [--kind K] [--title T] [--text T] [--officers T] [--findings ID,ID] [--plan ID]\n"
     "        [--owner ID|EMAIL] [--status open|done|dropped] [--evidence T] [--hearing DATE]\n"
     "        [--outcome T] [--conditions T] [--pdf FILE]   a record on the venue's case file"},
    {"casework", "edit", lnt_ctl_casework_edit,
     "casework edit --record ID [the fields of add]   a new version; the old one is kept"},
    {"casework", "close", lnt_ctl_casework_close, "casework close --record ID"},
    {"casework", "list", lnt_ctl_casework_list, "casework list --venue ID"},
    {"casework", "show", lnt_ctl_casework_show, "casework show --record ID"},
    {"casework", "history", lnt_ctl_casework_history,
     "casework history --record ID          every version, oldest first"},
    {"alert", "subscribe", lnt_ctl_alert_subscribe,
     "alert subscribe --officer EMAIL --kind KIND [--venue ID] [--email]\n"
     "        KIND: venue_red serious_report door_refused unlicensed_other_duties\n"
     "        kiosk_silent cup_covers_low; no --venue: every venue the officer may see"},
    {"alert", "unsubscribe", lnt_ctl_alert_unsubscribe,
     "alert unsubscribe --officer EMAIL --subscription ID"},
    {"alert", "list", lnt_ctl_alert_list, "alert list [--officer EMAIL]      active subscriptions"},
    {"alert", "webhook", lnt_ctl_alert_webhook,
     "alert webhook set --authority NAME --url URL   posts its alerts, signed; prints the secret\n"
     "        alert webhook clear --authority NAME | alert webhook list"},
    {"staff", "add", lnt_ctl_staff_add,
     "staff add --venue ID --name N --role door|bar|manager|volunteer\n"
     "        [--sia NUMBER --sia-expiry YYYY-MM-DD]"},
    {"staff", "edit", lnt_ctl_staff_edit,
     "staff edit --staff ID [--name N] [--role R] [--venue ID]\n"
     "        [--sia NUMBER --sia-expiry YYYY-MM-DD | --no-sia]"},
    {"staff", "list", lnt_ctl_staff_list, "staff list [--venue ID] [--role R] [--all]"},
    {"staff", "leave", lnt_ctl_staff_leave, "staff leave --staff ID          revokes their badges"},
    {"training", "add", lnt_ctl_training_add,
     "training add --staff ID --course bystander|wave|angela|spiking|first-aid|conflict|"
     "challenge25\n"
     "        --completed YYYY-MM-DD [--expires YYYY-MM-DD]   (default: completed + 12 months)"},
    {"training", "list", lnt_ctl_training_list, "training list --staff ID [--history]"},
    {"training", "require", lnt_ctl_training_require,
     "training require --role door|bar|manager|volunteer --course COURSE\n"
     "        badges of the role without it in date are never GREEN at the door"},
    {"training", "unrequire", lnt_ctl_training_unrequire,
     "training unrequire --role ROLE --course COURSE"},
    {"training", "required", lnt_ctl_training_required,
     "training required                   the required training of every role"},
    {"sia", "set-status", lnt_ctl_sia_set_status,
     "sia set-status NUMBER --status suspended|revoked|valid [--from YYYY-MM-DD] [--note TEXT]\n"
     "        (default: today) kiosks treat a suspended or revoked licence as expired"},
    {"sia", "clear", lnt_ctl_sia_clear,
     "sia clear NUMBER [--from YYYY-MM-DD]   takes back a status given in error (all: no --from)"},
    {"sia", "import", lnt_ctl_sia_import,
     "sia import FILE.csv                 rows number,status,from[,note]; bad rows named by line"},
    {"sia", "list", lnt_ctl_sia_list, "sia list                            every listed status"},
    {"badge", "issue", lnt_ctl_badge_issue,
     "badge issue --staff ID --png FILE [--valid-days N]   (default 365, at most 397)"},
    {"badge", "sheet", lnt_ctl_badge_sheet,
     "badge sheet (--staff ID[,ID...] | --venue ID) (--pdf FILE | --svg FILE | --png FILE)\n"
     "        [--valid-days N]        issues each badge onto A4 card stock, 4 cards a page"},
    {"badge", "verify", lnt_ctl_badge_verify,
     "badge verify (--text LNT1:... | --image FILE)        exit 0 only for a valid badge"},
    {"badge", "list", lnt_ctl_badge_list, "badge list [--staff ID]"},
    {"badge", "revoke", lnt_ctl_badge_revoke, "badge revoke --serial HEX [--reason TEXT]"},
    {"kiosk", "add", lnt_ctl_kiosk_add,
     "kiosk add --venue ID [--png FILE]                    one-time code, valid 7 days"},
    {"kiosk", "list", lnt_ctl_kiosk_list, "kiosk list [--venue ID]             with health"},
    {"kiosk", "revoke", lnt_ctl_kiosk_revoke, "kiosk revoke --kiosk ID"},
    {"officer", "add", lnt_ctl_officer_add,
     "officer add --email ADDRESS --name N --role admin|officer|police|venue|assessor\n"
     "        [--authority NAME | --venue ID]        password: first line of standard input"},
    {"officer", "list", lnt_ctl_officer_list, "officer list"},
    {"officer", "disable", lnt_ctl_officer_disable, "officer disable (--email ADDRESS | --id ID)"},
    {"token", "add", lnt_ctl_token_add,
     "token add --role ROLE [--authority NAME | --venue ID] [--label TEXT]\n"
     "        [--expires YYYY-MM-DD]                   the token is printed once"},
    {"token", "list", lnt_ctl_token_list, "token list"},
    {"token", "revoke", lnt_ctl_token_revoke, "token revoke --id ID"},
    {"finding", "add", lnt_ctl_finding_add,
     "finding add --venue ID --criterion ID --met yes|no --evidence TEXT --assessor NAME\n"
     "        [--date YYYY-MM-DD] [--valid-until YYYY-MM-DD]"},
    {"finding", "list", lnt_ctl_finding_list, "finding list --venue ID"},
    {"export", "door-register", lnt_ctl_export,
     "export door-register --from DATE --to DATE [--venue ID | --authority NAME] --csv FILE"},
    {"export", "incidents", lnt_ctl_export,
     "export incidents --from DATE --to DATE [--venue ID | --authority NAME] --csv FILE\n"
     "        (never the sealed details)"},
    {"export", "stock", lnt_ctl_export,
     "export stock --from DATE --to DATE [--venue ID | --authority NAME] --csv FILE"},
    {"export", "volunteers", lnt_ctl_export,
     "export volunteers --from DATE --to DATE [--venue ID | --authority NAME] --csv FILE"},
    {"purge", NULL, lnt_ctl_purge,
     "purge                               apply the retention periods"},
    {"backup", NULL, lnt_ctl_backup,
     "backup --to FILE                    a consistent copy, live; never the key file"},
    {"migrate", NULL, lnt_ctl_migrate,
     "migrate --to postgresql://...       copies the --db SQLite database into an empty\n"
     "        PostgreSQL one in one transaction, then checks every table and score"},
    {"audit", "list", lnt_ctl_audit_list,
     "audit list [--from DATE] [--to DATE] [--limit N] [--action PREFIX]"},
    {"score", NULL, lnt_ctl_score,
     "score --venue ID [--at TIME|DATE] [--json]  Best Bar None and risk, explained"},
    {"report", "hotspots", lnt_ctl_report_hotspots,
     "report hotspots [--at TIME] [--top N] [--authority NAME] [--min-nights N]"},
    {"report", "trends", lnt_ctl_report_trends,
     "report trends [--from DATE] [--to DATE] [--venue ID | --area TEXT | --authority NAME]"},
    {"report", "volunteers", lnt_ctl_report_volunteers,
     "report volunteers [--from DATE] [--to DATE] [--venue ID]"},
    {"report", "stock", lnt_ctl_report_stock,
     "report stock [--at TIME] [--days N] [--authority NAME]   levels and run-out forecast"},
    {"events", "list", cmd_events_list,
     "events list [--venue ID] [--since TIME|DATE]\n"
     "        with --json each line is {\"id\", \"kiosk_id\", \"venue_id\", \"received_at\",\n"
     "        \"event\": {the event as the kiosk sent it, in canonical wire form}}"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void print_usage(FILE *f)
{
    fputs(usage_head, f);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %s\n", commands[i].usage);
    fputs(usage_tail, f);
}

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    lnt_ctl_vsay("lanternctl: ", fmt, ap);
    va_end(ap);
    print_usage(stderr);
    return LNT_CTL_USAGE;
}

/*
 * Reads global options from argv[1..argc) (argv[0] is a program name or the
 * word before, as getopt skips it) up to the next word, whose index goes to
 * *word (argc when there is none). `--` ends the global options for the rest
 * of the line. Prints the problem and returns LNT_CTL_USAGE on a bad option.
 */
static int globals_until_word(struct lnt_ctl *c, int argc, char **argv, int *word)
{
    const char *bad;
    int ch, before;

    *word = 1;
    if (c->options_ended)
        return LNT_CTL_OK;
    opterr = 0;
    optind = 0; /* glibc: start afresh for this argument vector */
    for (;;) {
        before = optind > 0 ? optind : 1;
        if ((ch = getopt_long(argc, argv, "+:h", lnt_ctl_global_opts, NULL)) == -1)
            break;
        if (ch == ':')
            return usage("option %s needs a value", argv[optind - 1]);
        if (ch == '?')
            return usage("unknown option %s", argv[optind - 1]);
        if ((bad = lnt_ctl_global(c, ch, optarg)) != NULL)
            return usage("%s", bad);
    }
    /* getopt steps over a `--` that ends the options, and stops at a word */
    c->options_ended = optind == before + 1 && strcmp(argv[before], "--") == 0;
    *word = optind;
    return LNT_CTL_OK;
}

/* The command named by the words at argv[*at] (and the next), moving *at to its last word. */
static int find_command(struct lnt_ctl *c, int argc, char **argv, int *at,
                        const struct command **out)
{
    const char *name = argv[*at];
    bool known = false, has_sub = false;
    int rc, next;

    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0) {
            known = true;
            has_sub = commands[i].sub != NULL;
            if (!has_sub)
                *out = &commands[i];
        }
    if (!known)
        return usage("unknown command '%s'", name);
    if (!has_sub)
        return LNT_CTL_OK;
    /* global options may stand between the two words */
    if ((rc = globals_until_word(c, argc - *at, argv + *at, &next)) != LNT_CTL_OK || c->help)
        return rc;
    *at += next;
    if (*at >= argc)
        return usage("'%s' needs a subcommand", name);
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0 && strcmp(argv[*at], commands[i].sub) == 0) {
            *out = &commands[i];
            return LNT_CTL_OK;
        }
    return usage("unknown subcommand '%s'", argv[*at]);
}

int main(int argc, char **argv)
{
    struct lnt_ctl c = {.db_path = "var/lantern.db"};
    const struct command *cmd = NULL;
    char name[32];
    int rc, at;

    /* global options may come before the command, between its words, or among its options */
    if ((rc = globals_until_word(&c, argc, argv, &at)) != LNT_CTL_OK)
        return rc;
    if (!c.help && at >= argc)
        return usage("no command given");
    if (!c.help && (rc = find_command(&c, argc, argv, &at, &cmd)) != LNT_CTL_OK)
        return rc;
    if (c.help) {
        print_usage(stdout);
        return LNT_CTL_OK;
    }
    snprintf(name, sizeof name, "%s%s%s", cmd->name, cmd->sub ? " " : "", cmd->sub ? cmd->sub : "");
    c.cmd_name = name;
    c.cmd_usage = cmd->usage;
    if (lnt_crypto_init() != LNT_OK)
        return lnt_ctl_fail("could not initialise the cryptography library");
    /* the subcommand sees its last word as argv[0], its options after */
    rc = cmd->run(&c, argc - at, argv + at);
    lnt_store_free(c.store);
    return rc == LNT_CTL_HELP ? LNT_CTL_OK : rc;
}
