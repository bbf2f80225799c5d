/* bench_query.c - officers' API queries against lanternd with 10,000 venues and a year of data:
 * the venue list (first page, a filtered page) and one venue's detail, against /healthz. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "bench_http.h"
#include "codec.h"
#include "log.h"
#include "ltime.h"
#include "night.h"
#include "store.h"

/*
 * Builds a store with N venues in four licensing authorities and D nights of
 * events written straight into it (door supervisors signing in and out every
 * Friday and Saturday, an incident every sixth trading night), then starts
 * the real lanternd on it (127.0.0.1) and times, from C concurrent keep-alive
 * libcurl clients, R requests each of: /healthz (the baseline), the venue
 * list's first page with a scheme-wide admin token, a filtered page (an
 * authority's token, its 40th venue onwards, a 90-night window) and random
 * venues' details. The first request of each list page is timed on its own (it may
 * score the page's venues); times are client-side, loopback round trip included.
 *
 *   bench_query [VENUES [DAYS [REQUESTS [CONNS [DB]]]]]   (10000 365 1000 8, temp file)
 *
 * A DB path that exists is used as it is (no loading): run once to build it,
 * then again to measure without waiting for the load. A temp database is removed.
 */

#define BATCH 100
#define AUTHORITIES 4

static const char *const authorities[AUTHORITIES] = {"North", "South", "East", "West"};
static const char *const kinds[] = {"violence", "angela",   "spiking",
                                    "disorder", "ejection", "medical"};
static const char *const areas[] = {"High Street", "Riverside", "Old Town",   "Station",
                                    "Market",      "Harbour",   "University", "Castle"};

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_query: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

/* ---- the data ---- */

static void badge(struct lnt_event *e, int64_t seq, enum lnt_event_type type, int64_t at,
                  int64_t staff)
{
    memset(e, 0, sizeof *e);
    e->seq = seq;
    lnt_uuid4(e->uuid);
    e->type = type;
    e->occurred_at = at;
    e->recorded_at = at + 30;
    snprintf(e->u.badge.staff_id, sizeof e->u.badge.staff_id, "%lld", (long long)staff);
    snprintf(e->u.badge.serial, sizeof e->u.badge.serial, "%016llx", (long long)staff);
    e->u.badge.role = LNT_ROLE_DOOR;
    lnt_str_copy(e->u.badge.sia_number, sizeof e->u.badge.sia_number, "1234567812345678");
    e->u.badge.sia_expires = lnt_date_of(at) + 300;
    e->u.badge.sia_status = LNT_SIA_VALID;
    e->u.badge.verdict = LNT_VERDICT_GREEN;
}

static void incident(struct lnt_event *e, int64_t seq, int64_t at, int v, int32_t night)
{
    memset(e, 0, sizeof *e);
    e->seq = seq;
    lnt_uuid4(e->uuid);
    e->type = LNT_EV_INCIDENT;
    e->occurred_at = at;
    e->recorded_at = at + 600;
    lnt_uuid4(e->u.incident.report_id);
    lnt_str_copy(e->u.incident.kind, sizeof e->u.incident.kind, kinds[(night + v) % 6]);
    e->u.incident.severity = 1 + (night + v) % 5;
    lnt_str_copy(e->u.incident.place, sizeof e->u.incident.place, "bar");
    lnt_str_copy(e->u.incident.outcome, sizeof e->u.incident.outcome, "resolved");
    e->u.incident.police_called = (night % 2) == 0;
    e->u.incident.complete = true;
    lnt_str_copy(e->u.incident.staff_id, sizeof e->u.incident.staff_id, "1");
}

static void flush(struct lnt_store *s, int64_t kiosk, int64_t now, struct lnt_event *ev, size_t *n,
                  int64_t *events)
{
    struct lnt_ingest_result res[BATCH];
    char err[LNT_ERRBUF_SIZE] = "";
    if (*n == 0)
        return;
    if (lnt_store_events_insert(s, kiosk, now, ev, *n, res, err) != LNT_OK)
        die("events", err);
    *events += (int64_t)*n;
    *n = 0;
}

static void load(const char *db, int venues, int days)
{
    struct lnt_store *s = NULL;
    struct lnt_event *ev = calloc(BATCH, sizeof *ev);
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t now = lnt_time_now(), t0 = lnt_bench_now_us(), events = 0;
    int32_t today = lnt_night_of(now);

    if (ev == NULL)
        die("out of memory", NULL);
    if (lnt_store_open(&s, db, err) != LNT_OK || lnt_store_scheme_init(s, "BENCH", err) != LNT_OK)
        die(db, err);
    lnt_store_set_actor(s, "bench");
    for (int v = 1; v <= venues; v++) {
        struct lnt_venue ven;
        struct lnt_kiosk k;
        char code[LNT_ENROLL_CODE_LEN + 1];
        uint8_t pk[LNT_SIGN_PK_LEN];
        size_t n = 0;
        int64_t seq = 0;

        memset(&ven, 0, sizeof ven);
        snprintf(ven.name, sizeof ven.name, "Venue %05d", v);
        ven.category = (enum lnt_venue_category)(1 + v % 3);
        ven.capacity = 100 + (v * 37) % 900;
        lnt_str_copy(ven.area, sizeof ven.area, areas[v % 8]);
        lnt_str_copy(ven.authority, sizeof ven.authority, authorities[v % AUTHORITIES]);
        lnt_random(pk, sizeof pk);
        if (lnt_store_venue_add(s, &ven, err) != LNT_OK ||
            lnt_store_enroll_code_add(s, ven.id, now + 3600, code, err) != LNT_OK ||
            lnt_store_enroll_redeem(s, code, pk, now - (int64_t)(days + 1) * 86400, &k, err) !=
                LNT_OK)
            die("venue", err);
        for (int32_t night = today - days; night < today; night++) {
            int wd = lnt_weekday(night);
            int64_t at = (int64_t)night * 86400 + 21 * 3600;
            if (wd != 4 && wd != 5)
                continue;
            if (n + 3 > BATCH)
                flush(s, k.id, now, ev, &n, &events);
            badge(&ev[n++], ++seq, LNT_EV_SIGN_IN, at, v * 10);
            if ((night + v) % 6 == 0)
                incident(&ev[n++], ++seq, at + 3 * 3600 + (v % 60) * 60, v, night);
            badge(&ev[n++], ++seq, LNT_EV_SIGN_OUT, at + 6 * 3600, v * 10);
        }
        flush(s, k.id, now, ev, &n, &events);
        if (v % 1000 == 0)
            fprintf(stderr, "  %d venues, %lld events, %.0f s\n", v, (long long)events,
                    (double)(lnt_bench_now_us() - t0) / 1e6);
    }
    printf("loaded %d venues and %lld events (%d nights) in %.1f s into %s\n", venues,
           (long long)events, days, (double)(lnt_bench_now_us() - t0) / 1e6, db);
    lnt_store_free(s);
    free(ev);
}

/* An API token (role admin) for `authority` ("" = the whole scheme). */
static void make_token(const char *db, const char *authority, char out[LNT_TOKEN_LEN + 1])
{
    struct lnt_store *s = NULL;
    struct lnt_token t;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&t, 0, sizeof t);
    snprintf(t.label, sizeof t.label, "bench %s", authority[0] ? authority : "scheme");
    t.scope.role = LNT_OFFICER_ADMIN;
    lnt_str_copy(t.scope.authority, sizeof t.scope.authority, authority);
    if (lnt_store_open(&s, db, err) != LNT_OK ||
        lnt_store_token_add(s, &t, lnt_time_now(), out, err) != LNT_OK)
        die("token", err);
    lnt_store_free(s);
}

/* ---- the load ---- */

static void series_init(struct lnt_bench_series *s, const char *name, const char *token, size_t n,
                        const char *base)
{
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_bench_series_init(s, "bench_query", name, token, n, base, err) != LNT_OK)
        die("series", err);
}

static void run(struct lnt_bench_series *s, int conns)
{
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_bench_run(s, conns, err) != LNT_OK)
        die("run", err);
}

int main(int argc, char **argv)
{
    int64_t a_venues = 10000, a_days = 365, a_requests = 1000, a_conns = 8;
    char dir[256], db[4200], lanternd[4200], self[4096], base[64], err[LNT_ERRBUF_SIZE] = "";
    char scheme_token[LNT_TOKEN_LEN + 1], north_token[LNT_TOKEN_LEN + 1];
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    bool temp_db = argc <= 5;
    struct lnt_bench_series hz, first, filtered, detail, cold, cold_filtered;
    struct stat st;
    unsigned port = 0;
    ssize_t len;
    pid_t server;
    int status;

    if ((argc > 1 && lnt_parse_i64(argv[1], 1, 100000, &a_venues) != LNT_OK) ||
        (argc > 2 && lnt_parse_i64(argv[2], 1, 1100, &a_days) != LNT_OK) ||
        (argc > 3 && lnt_parse_i64(argv[3], 1, 1000000, &a_requests) != LNT_OK) ||
        (argc > 4 && lnt_parse_i64(argv[4], 1, LNT_BENCH_CONNS_MAX, &a_conns) != LNT_OK) ||
        argc > 6) {
        fprintf(stderr, "usage: bench_query [VENUES [DAYS [REQUESTS [CONNS [DB]]]]]\n");
        return 2;
    }
    lnt_log_init("bench_query", LNT_LOG_WARN);
    if (lnt_crypto_init() != LNT_OK || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        die("cannot initialise the libraries", NULL);
    len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0)
        die("readlink /proc/self/exe", NULL);
    self[len] = '\0';
    *strrchr(self, '/') = '\0';
    snprintf(lanternd, sizeof lanternd, "%s/lanternd", self);
    snprintf(dir, sizeof dir, "%s/lantern-query-XXXXXX", tmp);
    if (mkdtemp(dir) == NULL)
        die("mkdtemp", dir);
    if (temp_db)
        snprintf(db, sizeof db, "%s/bench.db", dir);
    else
        snprintf(db, sizeof db, "%s", argv[5]);
    printf("command: %s %lld %lld %lld %lld %s\n", argv[0], (long long)a_venues, (long long)a_days,
           (long long)a_requests, (long long)a_conns, temp_db ? "(temp db)" : db);
    if (stat(db, &st) != 0)
        load(db, (int)a_venues, (int)a_days);
    else
        printf("using the existing database %s (%lld MB)\n", db, (long long)(st.st_size >> 20));
    make_token(db, "", scheme_token);
    make_token(db, "North", north_token);

    server = lnt_bench_lanternd_start(lanternd, db, dir, &port, err);
    if (server < 0)
        die("lanternd", err);
    snprintf(base, sizeof base, "http://127.0.0.1:%u", port);
    lnt_bench_print_header();

    series_init(&cold, "`GET /api/v1/venues`, the first request after start", scheme_token, 1,
                base);
    lnt_str_copy(cold.paths[0], sizeof cold.paths[0], "/api/v1/venues");
    run(&cold, 1);

    series_init(&hz, "`GET /healthz` (baseline)", NULL, (size_t)a_requests, base);
    for (size_t i = 0; i < hz.n; i++)
        lnt_str_copy(hz.paths[i], sizeof hz.paths[i], "/healthz");
    run(&hz, (int)a_conns);

    series_init(&first, "`GET /api/v1/venues` (first page, 100 venues, scheme token)", scheme_token,
                (size_t)a_requests, base);
    for (size_t i = 0; i < first.n; i++)
        lnt_str_copy(first.paths[i], sizeof first.paths[i], "/api/v1/venues");
    run(&first, (int)a_conns);

    series_init(&cold_filtered, "the filtered page, its first request", north_token, 1, base);
    lnt_str_copy(cold_filtered.paths[0], sizeof cold_filtered.paths[0],
                 "/api/v1/venues?offset=40&limit=50&nights=90");
    run(&cold_filtered, 1);

    series_init(&filtered,
                "`GET /api/v1/venues?offset=40&limit=50&nights=90` (an authority's token)",
                north_token, (size_t)a_requests, base);
    for (size_t i = 0; i < filtered.n; i++)
        lnt_str_copy(filtered.paths[i], sizeof filtered.paths[i],
                     "/api/v1/venues?offset=40&limit=50&nights=90");
    run(&filtered, (int)a_conns);

    series_init(&detail, "`GET /api/v1/venues/{id}` (random venue)", scheme_token,
                (size_t)a_requests, base);
    srand(7);
    for (size_t i = 0; i < detail.n; i++)
        snprintf(detail.paths[i], sizeof detail.paths[i], "/api/v1/venues/%d",
                 1 + rand() % (int)a_venues);
    run(&detail, (int)a_conns);

    kill(server, SIGTERM);
    waitpid(server, &status, 0);
    {
        struct lnt_bench_series *all[] = {&cold, &hz, &first, &cold_filtered, &filtered, &detail};
        int errors = 0;
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
            errors += all[i]->errors;
            lnt_bench_series_release(all[i]);
        }
        if (getenv("LNT_BENCH_KEEP") == NULL) {
            char p[4300];
            const char *leave[] = {"bench.db", "bench.db-wal", "bench.db-shm", "port",
                                   "lanternd.log"};
            for (size_t i = 0; i < sizeof leave / sizeof leave[0]; i++) {
                if (!temp_db && i < 3)
                    continue;
                snprintf(p, sizeof p, "%s/%s", dir, leave[i]);
                unlink(p);
            }
            rmdir(dir);
        }
        curl_global_cleanup();
        return errors == 0 ? 0 : 1;
    }
}
