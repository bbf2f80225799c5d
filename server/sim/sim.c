/* sim.c - lantern-sim: plays a whole town's year through the real API, for demos and tests. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "ltime.h"
#include "progress.h"
#include "night.h"
#include "sim.h"

#define EXIT_FAIL 1
#define EXIT_USAGE 2

static const char usage_text[] =
    "usage: lantern-sim --server URL [--db PATH] [--seed N] [--venues N] [--days N]\n"
    "                   [--end YYYY-MM-DD] [--scheme NAME] [--json]\n"
    "\n"
    "Builds a town (venues of every category, staff with training of varied freshness,\n"
    "badges, one kiosk per venue) in the database, enrols the kiosks with the server and\n"
    "sends every night's events through its API as signed batches.\n"
    "\n"
    "  --server URL     lanternd serving the same database (http://127.0.0.1:8080)\n"
    "  --db PATH        database for the admin side (default var/lantern.db)\n"
    "  --seed N         the same seed makes the same town and nights (default 1)\n"
    "  --venues N       venues, 1-2000 (default 24)\n"
    "  --days N         nights to play, 1-1100 (default 365)\n"
    "  --end DATE       the last night (default yesterday); not after today\n"
    "  --scheme NAME    scheme name when the database is new (default DEMO)\n"
    "  --json           print the summary as one JSON object\n";

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage(const char *fmt, ...)
{
    va_list ap;

    fputs("lantern-sim: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fputs(usage_text, stderr);
    return EXIT_USAGE;
}

static int fail(const char *msg)
{
    fprintf(stderr, "lantern-sim: %s\n", msg);
    return EXIT_FAIL;
}

static int parse_args(int argc, char **argv, struct lnt_sim_options *o)
{
    static const struct option opts[] = {
        {"server", required_argument, NULL, 's'}, {"db", required_argument, NULL, 'd'},
        {"seed", required_argument, NULL, 'S'},   {"venues", required_argument, NULL, 'v'},
        {"days", required_argument, NULL, 'n'},   {"end", required_argument, NULL, 'e'},
        {"scheme", required_argument, NULL, 'c'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},         {0}};
    int64_t v;
    int32_t today = lnt_london_date(lnt_time_now()); /* dates people read: London's */
    char back[LNT_DATE_STRLEN];
    int ch;

    o->db = "var/lantern.db";
    o->scheme = "DEMO";
    o->seed = 1;
    o->venues = 24;
    o->days = 365;
    o->end = today - 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
        switch (ch) {
        case 's':
            o->server = optarg;
            break;
        case 'd':
            o->db = optarg;
            break;
        case 'c':
            o->scheme = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        case 'S':
            if (lnt_parse_i64(optarg, 0, INT64_MAX, &v) != LNT_OK)
                return usage("--seed: expected a whole number, got '%s'", optarg);
            o->seed = (uint64_t)v;
            break;
        case 'v':
            if (lnt_parse_i64(optarg, 1, LNT_SIM_MAX_VENUES, &v) != LNT_OK)
                return usage("--venues: expected 1 to 2000, got '%s'", optarg);
            o->venues = (int)v;
            break;
        case 'n':
            if (lnt_parse_i64(optarg, 1, LNT_SIM_MAX_DAYS, &v) != LNT_OK)
                return usage("--days: expected 1 to 1100, got '%s'", optarg);
            o->days = (int)v;
            break;
        case 'e':
            if (lnt_date_parse(optarg, &o->end) != LNT_OK ||
                lnt_date_format(o->end, back) != LNT_OK || strcmp(back, optarg) != 0)
                return usage("--end: expected a date YYYY-MM-DD, got '%s'", optarg);
            if (o->end > today)
                return usage("--end: %s is in the future: the server refuses events from "
                             "tomorrow",
                             optarg);
            break;
        case 'h':
            fputs(usage_text, stdout);
            exit(0);
        case ':':
            return usage("option %s needs a value", argv[optind - 1]);
        default:
            return usage("unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage("unexpected argument '%s'", argv[optind]);
    if (o->server == NULL)
        return usage("--server is required");
    return 0;
}

static void on_progress(void *ctx, int64_t done, int64_t total)
{
    (void)total;
    lnt_progress_update(ctx, done);
}

static void print_json(const struct lnt_sim_town *t)
{
    const struct lnt_sim_counts *c = &t->counts;
    char first[LNT_DATE_STRLEN], last[LNT_DATE_STRLEN];

    (void)lnt_date_format(t->first, first);
    (void)lnt_date_format(t->opt.end, last);
    printf("{\"seed\":%llu,\"first_night\":\"%s\",\"last_night\":\"%s\",\"venues\":%zu,"
           "\"pubs\":%lld,\"bars\":%lld,\"nightclubs\":%lld,\"hubs\":%lld,\"poor_venues\":%lld,"
           "\"staff\":%lld,\"training\":%lld,\"badges\":%lld,\"kiosks\":%lld,"
           "\"trading_nights\":%lld,\"silent_nights\":%lld,\"sent\":%lld,\"batches\":%lld,"
           "\"retries\":%lld,\"accepted\":%lld,\"duplicates\":%lld,\"conflicts\":%lld,"
           "\"rejected\":%lld,\"reports\":%lld,\"reports_open\":%lld,\"events\":{",
           (unsigned long long)t->opt.seed, first, last, t->n_venues,
           (long long)c->venues_by_cat[LNT_VENUE_PUB], (long long)c->venues_by_cat[LNT_VENUE_BAR],
           (long long)c->venues_by_cat[LNT_VENUE_NIGHTCLUB],
           (long long)c->venues_by_cat[LNT_VENUE_HUB], (long long)c->poor_venues,
           (long long)c->staff, (long long)c->training, (long long)c->badges, (long long)c->kiosks,
           (long long)c->trading_nights, (long long)c->silent_nights, (long long)c->sent,
           (long long)c->batches, (long long)c->retries, (long long)c->accepted,
           (long long)c->duplicates, (long long)c->conflicts, (long long)c->rejected,
           (long long)c->reports, (long long)c->reports_open);
    for (int ty = 1; ty <= LNT_EV__MAX; ty++)
        printf("%s\"%s\":%lld", ty > 1 ? "," : "", lnt_event_type_name((enum lnt_event_type)ty),
               (long long)c->sent_by_type[ty]);
    printf("},\"incidents\":{");
    for (size_t k = 0; k < lnt_sim_n_kinds; k++)
        printf("%s\"%s\":%lld", k ? "," : "", lnt_sim_kinds[k], (long long)c->reports_by_kind[k]);
    printf("}}\n");
}

static void print_human(const struct lnt_sim_town *t)
{
    const struct lnt_sim_counts *c = &t->counts;
    char first[LNT_DATE_STRLEN], last[LNT_DATE_STRLEN];

    (void)lnt_date_format(t->first, first);
    (void)lnt_date_format(t->opt.end, last);
    printf("nights:    %d, %s to %s (seed %llu)\n", t->opt.days, first, last,
           (unsigned long long)t->opt.seed);
    printf("town:      %zu venues (%lld pubs, %lld bars, %lld nightclubs, %lld hubs; %lld run "
           "poorly)\n",
           t->n_venues, (long long)c->venues_by_cat[LNT_VENUE_PUB],
           (long long)c->venues_by_cat[LNT_VENUE_BAR],
           (long long)c->venues_by_cat[LNT_VENUE_NIGHTCLUB],
           (long long)c->venues_by_cat[LNT_VENUE_HUB], (long long)c->poor_venues);
    printf("people:    %lld staff, %lld training records, %lld badges\n", (long long)c->staff,
           (long long)c->training, (long long)c->badges);
    printf("kiosks:    %lld enrolled; %lld trading nights, %lld with the kiosk silent\n",
           (long long)c->kiosks, (long long)c->trading_nights, (long long)c->silent_nights);
    printf("events:    %lld sent in %lld batches:", (long long)c->sent, (long long)c->batches);
    for (int ty = 1; ty <= LNT_EV__MAX; ty++)
        printf("%s %s %lld", ty > 1 ? "," : "", lnt_event_type_name((enum lnt_event_type)ty),
               (long long)c->sent_by_type[ty]);
    printf("\nserver:    %lld accepted, %lld duplicates, %lld conflicts, %lld rejected\n",
           (long long)c->accepted, (long long)c->duplicates, (long long)c->conflicts,
           (long long)c->rejected);
    printf("incidents: %lld reports:", (long long)c->reports);
    for (size_t k = 0; k < lnt_sim_n_kinds; k++)
        printf("%s %s %lld", k ? "," : "", lnt_sim_kinds[k], (long long)c->reports_by_kind[k]);
    printf("; %lld spiking reports never completed\n", (long long)c->reports_open);
}

int main(int argc, char **argv)
{
    struct lnt_sim_town t = {0};
    struct lnt_progress pg;
    char err[LNT_ERRBUF_SIZE] = "";
    int rc;

    if ((rc = parse_args(argc, argv, &t.opt)) != 0)
        return rc;
    if (lnt_crypto_init() != LNT_OK)
        return fail("could not initialise the cryptography library");
    if (lnt_sim_town_build(&t, err) != LNT_OK) {
        lnt_sim_town_release(&t);
        fprintf(stderr, "lantern-sim: building the town in %s: %s\n", t.opt.db, err);
        return EXIT_FAIL;
    }
    lnt_progress_begin(&pg, STDERR_FILENO, "sending venues", (int64_t)t.n_venues);
    if (lnt_sim_run(&t, on_progress, &pg, err) != LNT_OK) {
        lnt_progress_end(&pg);
        lnt_sim_town_release(&t);
        fprintf(stderr, "lantern-sim: %s\n", err);
        return EXIT_FAIL;
    }
    lnt_progress_end(&pg);
    if (t.opt.json)
        print_json(&t);
    else
        print_human(&t);
    rc = t.counts.rejected > 0 || t.counts.conflicts > 0 ? EXIT_FAIL : 0;
    if (rc != 0)
        fprintf(stderr, "lantern-sim: the server did not take every event (see the summary)\n");
    lnt_sim_town_release(&t);
    return rc;
}
