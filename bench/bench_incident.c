/* bench_incident.c - opening one incident's sealed details by report id through the officers'
 * API of lanternd, with a million incidents in the store, against /healthz. */
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
#include <sodium.h>

#include "bench_http.h"
#include "codec.h"
#include "log.h"
#include "ltime.h"
#include "night.h"
#include "store.h"

/*
 * Builds a store with V venues (four licensing authorities) and N incidents
 * spread evenly over them and over a year, written straight into the store
 * through its ingest (one kiosk per venue, batches of 100 events), each with
 * the same small sealed details. Then starts the real lanternd on it
 * (127.0.0.1) and times, from C concurrent keep-alive libcurl clients, R
 * requests each of: /healthz (the baseline), the sealed details of random
 * incidents with a scheme-wide admin token, and with a token of one
 * authority on that authority's incidents. The first details request after
 * start is timed on its own; the series start once lanternd's start-up
 * retention purge (which holds the writer at times) has written its audit
 * row, and the first R details requests after it (while lanternd's caches and
 * its write-ahead log settle) are a series of their own. Every details
 * request writes its audit row. Times are
 * client-side, loopback round trip included.
 *
 *   bench_incident [INCIDENTS [VENUES [REQUESTS [CONNS [DB]]]]]   (1000000 1000 2000 8, temp)
 *
 * A DB path that exists is used as it is (no loading): run once to build it,
 * then again to measure without waiting for the load. A temp database is removed.
 */

#define BATCH 100
#define AUTHORITIES 4
#define DETAILS "{\"description\":\"guest asked for Angela at the bar; taxi booked\"}"

static const char *const authorities[AUTHORITIES] = {"North", "South", "East", "West"};
static const char *const kinds[] = {"violence", "angela",   "spiking",
                                    "disorder", "ejection", "medical"};

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_incident: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

/* ---- the data ---- */

/* The report id of incident i (0-based) of venue v: fixed, so a later run can name them. */
static void report_id(int64_t v, int64_t i, char out[LNT_UUID_STRLEN])
{
    snprintf(out, LNT_UUID_STRLEN, "%08llx-0000-4000-8000-%012llx",
             (unsigned long long)v & 0xffffffffu, (unsigned long long)i & 0xffffffffffffu);
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
    for (size_t i = 0; i < *n; i++)
        if (res[i].status != LNT_INGEST_ACCEPTED)
            die("an incident was not accepted", ev[i].u.incident.report_id);
    *events += (int64_t)*n;
    *n = 0;
}

static void load(const char *db, int64_t incidents, int64_t venues)
{
    struct lnt_store *s = NULL;
    struct lnt_event *ev = calloc(BATCH, sizeof *ev);
    struct lnt_scheme sc;
    char err[LNT_ERRBUF_SIZE] = "", sealed[LNT_SEALED_MAX];
    uint8_t box[sizeof DETAILS - 1 + crypto_box_SEALBYTES];
    int64_t now = lnt_time_now(), t0 = lnt_bench_now_us(), events = 0, per = incidents / venues;

    if (ev == NULL)
        die("out of memory", NULL);
    if (lnt_store_open(&s, db, err) != LNT_OK || lnt_store_scheme_init(s, "BENCH", err) != LNT_OK ||
        lnt_store_scheme_get(s, &sc, err) != LNT_OK)
        die(db, err);
    lnt_store_set_actor(s, "bench");
    crypto_box_seal(box, (const uint8_t *)DETAILS, sizeof DETAILS - 1, sc.box_pk);
    lnt_b64_encode(box, sizeof box, sealed);
    for (int64_t v = 1; v <= venues; v++) {
        struct lnt_venue ven;
        struct lnt_kiosk k;
        char code[LNT_ENROLL_CODE_LEN + 1];
        uint8_t pk[LNT_SIGN_PK_LEN];
        size_t n = 0;

        memset(&ven, 0, sizeof ven);
        snprintf(ven.name, sizeof ven.name, "Venue %05lld", (long long)v);
        ven.category = (enum lnt_venue_category)(1 + v % 3);
        ven.capacity = 300;
        lnt_str_copy(ven.area, sizeof ven.area, "Centre");
        lnt_str_copy(ven.authority, sizeof ven.authority, authorities[v % AUTHORITIES]);
        lnt_random(pk, sizeof pk);
        if (lnt_store_venue_add(s, &ven, err) != LNT_OK ||
            lnt_store_enroll_code_add(s, ven.id, now + 3600, code, err) != LNT_OK ||
            lnt_store_enroll_redeem(s, code, pk, now - 400 * 86400, &k, err) != LNT_OK)
            die("venue", err);
        for (int64_t i = 0; i < per; i++) {
            struct lnt_event *e = &ev[n++];
            /* spread over the last 360 days, late evening */
            int64_t at = now - 360 * 86400 + (i * 360 / per) * 86400 + 22 * 3600 + (v % 60) * 60;
            memset(e, 0, sizeof *e);
            e->seq = i + 1;
            lnt_uuid4(e->uuid);
            e->type = LNT_EV_INCIDENT;
            e->occurred_at = at;
            e->recorded_at = at + 600;
            report_id(v, i, e->u.incident.report_id);
            lnt_str_copy(e->u.incident.kind, sizeof e->u.incident.kind, kinds[(v + i) % 6]);
            e->u.incident.severity = 1 + (int)((v + i) % 5);
            lnt_str_copy(e->u.incident.place, sizeof e->u.incident.place, "bar");
            lnt_str_copy(e->u.incident.outcome, sizeof e->u.incident.outcome, "resolved");
            e->u.incident.complete = true;
            lnt_str_copy(e->u.incident.staff_id, sizeof e->u.incident.staff_id, "1");
            memcpy(e->u.incident.sealed, sealed, strlen(sealed) + 1);
            if (n == BATCH)
                flush(s, k.id, now, ev, &n, &events);
        }
        flush(s, k.id, now, ev, &n, &events);
        if (v % 100 == 0)
            fprintf(stderr, "  %lld venues, %lld incidents, %.0f s\n", (long long)v,
                    (long long)events, (double)(lnt_bench_now_us() - t0) / 1e6);
    }
    printf("loaded %lld venues and %lld incidents in %.1f s into %s\n", (long long)venues,
           (long long)events, (double)(lnt_bench_now_us() - t0) / 1e6, db);
    memset(&sc, 0, sizeof sc);
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

/* The id of the newest audit row, or 0. */
static int64_t audit_newest(const char *db)
{
    struct lnt_store *s = NULL;
    struct lnt_audit_entry *a = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    int64_t id;

    if (lnt_store_open(&s, db, err) != LNT_OK ||
        lnt_store_audit_list(s, 0, 0, 0, 1, &a, &n, err) != LNT_OK)
        die("audit log", err);
    id = n == 1 ? a[0].id : 0;
    free(a);
    lnt_store_free(s);
    return id;
}

/* Waits (up to 5 minutes) for lanternd's start-up purge: its retention.purge audit row. */
static void wait_purge(const char *db, int64_t since)
{
    int64_t t0 = lnt_bench_now_us();

    for (;;) {
        struct lnt_store *s = NULL;
        struct lnt_audit_entry *a = NULL;
        char err[LNT_ERRBUF_SIZE] = "";
        size_t n = 0;
        bool done = false;

        if (lnt_store_open(&s, db, err) != LNT_OK ||
            lnt_store_audit_list(s, 0, 0, 0, 200, &a, &n, err) != LNT_OK)
            die("audit log", err);
        for (size_t i = 0; i < n && !done; i++)
            done = a[i].id > since && strcmp(a[i].action, "retention.purge") == 0;
        free(a);
        lnt_store_free(s);
        if (done)
            break;
        if (lnt_bench_now_us() - t0 > 300 * 1000000LL)
            die("lanternd's start-up purge did not finish in 5 minutes", NULL);
        usleep(100 * 1000);
    }
    printf("(lanternd's start-up retention purge ended %.1f s after the first request)\n",
           (double)(lnt_bench_now_us() - t0) / 1e6);
}

/* ---- the load ---- */

static void series_init(struct lnt_bench_series *s, const char *name, const char *token, size_t n,
                        const char *base)
{
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_bench_series_init(s, "bench_incident", name, token, n, base, err) != LNT_OK)
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
    int64_t a_incidents = 1000000, a_venues = 1000, a_requests = 2000, a_conns = 8;
    char dir[256], db[4200], lanternd[4200], self[4096], base[64], err[LNT_ERRBUF_SIZE] = "";
    char scheme_token[LNT_TOKEN_LEN + 1], north_token[LNT_TOKEN_LEN + 1];
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    bool temp_db = argc <= 5;
    struct lnt_bench_series cold, hz, warm, scheme, north;
    int64_t audit_before;
    char first_id[LNT_UUID_STRLEN];
    struct stat st;
    unsigned port = 0;
    ssize_t len;
    pid_t server;
    int status;

    if ((argc > 1 && lnt_parse_i64(argv[1], 1, 100000000, &a_incidents) != LNT_OK) ||
        (argc > 2 && lnt_parse_i64(argv[2], 1, 100000, &a_venues) != LNT_OK) ||
        (argc > 3 && lnt_parse_i64(argv[3], 1, 1000000, &a_requests) != LNT_OK) ||
        (argc > 4 && lnt_parse_i64(argv[4], 1, LNT_BENCH_CONNS_MAX, &a_conns) != LNT_OK) ||
        argc > 6 || a_incidents < a_venues) {
        fprintf(stderr, "usage: bench_incident [INCIDENTS [VENUES [REQUESTS [CONNS [DB]]]]]\n");
        return 2;
    }
    lnt_log_init("bench_incident", LNT_LOG_WARN);
    if (lnt_crypto_init() != LNT_OK || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        die("cannot initialise the libraries", NULL);
    len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0)
        die("readlink /proc/self/exe", NULL);
    self[len] = '\0';
    *strrchr(self, '/') = '\0';
    snprintf(lanternd, sizeof lanternd, "%s/lanternd", self);
    snprintf(dir, sizeof dir, "%s/lantern-incident-XXXXXX", tmp);
    if (mkdtemp(dir) == NULL)
        die("mkdtemp", dir);
    if (temp_db)
        snprintf(db, sizeof db, "%s/bench.db", dir);
    else
        snprintf(db, sizeof db, "%s", argv[5]);
    printf("command: %s %lld %lld %lld %lld %s\n", argv[0], (long long)a_incidents,
           (long long)a_venues, (long long)a_requests, (long long)a_conns,
           temp_db ? "(temp db)" : db);
    if (stat(db, &st) != 0)
        load(db, a_incidents, a_venues);
    else
        printf("using the existing database %s (%lld MB)\n", db, (long long)(st.st_size >> 20));
    make_token(db, "", scheme_token);
    make_token(db, "North", north_token);

    audit_before = audit_newest(db);
    server = lnt_bench_lanternd_start(lanternd, db, NULL, dir, &port, err);
    if (server < 0)
        die("lanternd", err);
    snprintf(base, sizeof base, "http://127.0.0.1:%u", port);
    lnt_bench_print_header();

    /* lanternd purges at start (it walks every table once, holding the writer at times): the
       first request is timed on its own, and the series wait for the purge to finish */
    series_init(&cold, "`GET /api/v1/incidents/{report_id}/details`, the first request after start",
                scheme_token, 1, base);
    report_id(1, 0, first_id);
    snprintf(cold.paths[0], sizeof cold.paths[0], "/api/v1/incidents/%s/details", first_id);
    run(&cold, 1);
    wait_purge(db, audit_before);

    series_init(&hz, "`GET /healthz` (baseline)", NULL, (size_t)a_requests, base);
    for (size_t i = 0; i < hz.n; i++)
        lnt_str_copy(hz.paths[i], sizeof hz.paths[i], "/healthz");
    run(&hz, (int)a_conns);

    series_init(&scheme, "`GET /api/v1/incidents/{report_id}/details` (random, scheme token)",
                scheme_token, (size_t)a_requests, base);
    series_init(&north, "the same, a North token on North's incidents", north_token,
                (size_t)a_requests, base);
    series_init(&warm, "the same, the first requests after start (different incidents)",
                scheme_token, (size_t)a_requests, base);
    srand(11);
    for (size_t i = 0; i < warm.n; i++) {
        char id[LNT_UUID_STRLEN];
        report_id(1 + rand() % a_venues, rand() % (a_incidents / a_venues), id);
        snprintf(warm.paths[i], sizeof warm.paths[i], "/api/v1/incidents/%s/details", id);
    }
    for (size_t i = 0; i < scheme.n; i++) {
        int64_t per = a_incidents / a_venues, v = 1 + rand() % a_venues, k = rand() % per;
        char id[LNT_UUID_STRLEN];
        report_id(v, k, id);
        snprintf(scheme.paths[i], sizeof scheme.paths[i], "/api/v1/incidents/%s/details", id);
        /* North is authorities[0]: venues whose id is a multiple of four */
        v = AUTHORITIES * (1 + rand() % (a_venues / AUTHORITIES));
        report_id(v, k, id);
        snprintf(north.paths[i], sizeof north.paths[i], "/api/v1/incidents/%s/details", id);
    }
    run(&warm, (int)a_conns);
    run(&scheme, (int)a_conns);
    run(&north, (int)a_conns);

    kill(server, SIGTERM);
    waitpid(server, &status, 0);
    {
        struct lnt_bench_series *all[] = {&cold, &hz, &warm, &scheme, &north};
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
