/* bench_dashboard.c - dashboard pages with a county's data: latency of Overview and a venue's case
 * file. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "api.h"
#include "bench_http.h"
#include "codec.h"
#include "http.h"
#include "log.h"
#include "ltime.h"
#include "night.h"
#include "routes.h"
#include "score_cache.h"
#include "store.h"
#include "web.h"

/*
 * Builds a store with N venues (one licensing authority: the worst case for
 * an officer's league table) and D nights of events written straight into
 * the store (door supervisors signing in and out every Friday and Saturday,
 * an incident every sixth trading night), then serves the dashboard and the
 * API in-process on 127.0.0.1 and times, with one keep-alive libcurl client:
 * /healthz (the baseline), the Overview (league table, cached for 60 s) and
 * random venues' case files. Server-side times come from the HTTP seam's
 * per-response clock; client-side times include the loopback round trip.
 *
 *   bench_dashboard [VENUES [DAYS [REQUESTS [DIR]]]]   (10000 365 300 /dev/shm or /tmp)
 */

#define BATCH 100

/* Server-side time of each response, in order (one client, one request at a time). */
static int64_t *server_us;
static size_t n_server, cap_server;

static void on_done(void *ctx, int status, int64_t elapsed_us)
{
    (void)ctx;
    (void)status;
    if (n_server < cap_server)
        server_us[n_server++] = elapsed_us;
}

static size_t sink(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    *(size_t *)ctx += size * n;
    return size * n;
}

static int64_t pct(int64_t *v, size_t n, int p)
{
    lnt_bench_sort(v, n);
    return lnt_bench_pct(v, n, p);
}

struct series {
    const char *name;
    int64_t *client;
    int64_t *server;
    size_t n;
    size_t bytes;
};

static void run(CURL *c, const char *base, const char *cookie, const char *const *paths, size_t n,
                struct series *s)
{
    char url[256];

    s->client = calloc(n, sizeof *s->client);
    s->server = calloc(n, sizeof *s->server);
    s->n = 0;
    for (size_t i = 0; i < n; i++) {
        long status = 0;
        size_t before = n_server;
        int64_t t0;
        snprintf(url, sizeof url, "%s%s", base, paths[i]);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &s->bytes);
        t0 = lnt_bench_now_us();
        if (curl_easy_perform(c) != CURLE_OK) {
            fprintf(stderr, "bench_dashboard: %s failed\n", url);
            exit(1);
        }
        s->client[s->n] = lnt_bench_now_us() - t0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200) {
            fprintf(stderr, "bench_dashboard: %s: HTTP %ld\n", url, status);
            exit(1);
        }
        for (int w = 0; w < 1000 && n_server == before; w++)
            usleep(100);
        s->server[s->n] = n_server > before ? server_us[n_server - 1] : 0;
        s->n++;
    }
}

static void report(struct series *s)
{
    int64_t sp50 = pct(s->server, s->n, 50), sp99 = pct(s->server, s->n, 99);
    int64_t smax = s->n ? s->server[s->n - 1] : 0;
    int64_t cp50 = pct(s->client, s->n, 50), cp99 = pct(s->client, s->n, 99);
    printf("| %s | %zu | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %zu |\n", s->name, s->n,
           (double)sp50 / 1000, (double)sp99 / 1000, (double)smax / 1000, (double)cp50 / 1000,
           (double)cp99 / 1000, s->n ? s->bytes / s->n : 0);
}

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

static const char *const kinds[] = {"violence", "angela",   "spiking",
                                    "disorder", "ejection", "medical"};
static const char *const areas[] = {"High Street", "Riverside", "Old Town",   "Station",
                                    "Market",      "Harbour",   "University", "Castle"};

int main(int argc, char **argv)
{
    int64_t a_venues = 10000, a_days = 365, a_requests = 300;
    const char *base_dir =
        argc > 4 ? argv[4] : (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    int venues, days, requests;
    char dir[256], db[300], err[LNT_ERRBUF_SIZE] = "", base[64], cookie[128];
    struct lnt_store *s = NULL;
    struct lnt_http *http = NULL;
    struct lnt_http_config cfg;
    struct lnt_api api;
    struct lnt_web *web = NULL;
    struct lnt_score_cache *cache = NULL;
    struct lnt_routes routes;
    struct lnt_event *ev = calloc(BATCH, sizeof *ev);
    struct lnt_ingest_result res[BATCH];
    struct lnt_officer o;
    struct lnt_session sess;
    int64_t now = lnt_time_now(), t0, events = 0;
    int32_t today = lnt_night_of(now);
    char **paths;
    struct series hz, ov, ov2, vn;
    CURL *c;

    if ((argc > 1 && lnt_parse_i64(argv[1], 1, 100000, &a_venues) != LNT_OK) ||
        (argc > 2 && lnt_parse_i64(argv[2], 1, 1100, &a_days) != LNT_OK) ||
        (argc > 3 && lnt_parse_i64(argv[3], 1, 100000, &a_requests) != LNT_OK)) {
        fprintf(stderr, "usage: bench_dashboard [VENUES [DAYS [REQUESTS [DIR]]]]\n");
        return 2;
    }
    venues = (int)a_venues;
    days = (int)a_days;
    requests = (int)a_requests;
    lnt_log_init("bench_dashboard", LNT_LOG_WARN);
    printf("command: %s %d %d %d %s\n", argv[0], venues, days, requests, base_dir);
    snprintf(dir, sizeof dir, "%s/lantern-bench-XXXXXX", base_dir);
    if (mkdtemp(dir) == NULL || lnt_crypto_init() != LNT_OK)
        return 1;
    snprintf(db, sizeof db, "%s/bench.db", dir);
    if (lnt_store_open(&s, db, err) != LNT_OK || lnt_store_scheme_init(s, "BENCH", err) != LNT_OK) {
        fprintf(stderr, "bench_dashboard: %s\n", err);
        return 1;
    }
    lnt_store_set_actor(s, "bench");
    t0 = lnt_bench_now_us();
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
        lnt_str_copy(ven.authority, sizeof ven.authority, "Bench");
        lnt_random(pk, sizeof pk);
        if (lnt_store_venue_add(s, &ven, err) != LNT_OK ||
            lnt_store_enroll_code_add(s, ven.id, now + 3600, code, err) != LNT_OK ||
            lnt_store_enroll_redeem(s, code, pk, now - (int64_t)(days + 1) * 86400, &k, err) !=
                LNT_OK) {
            fprintf(stderr, "bench_dashboard: venue %d: %s\n", v, err);
            return 1;
        }
        for (int32_t night = today - days; night < today; night++) {
            int wd = lnt_weekday(night);
            int64_t at = (int64_t)night * 86400 + 21 * 3600;
            if (wd != 4 && wd != 5)
                continue;
            if (n + 3 > BATCH) {
                if (lnt_store_events_insert(s, k.id, now, ev, n, res, err) != LNT_OK) {
                    fprintf(stderr, "bench_dashboard: events: %s\n", err);
                    return 1;
                }
                events += (int64_t)n;
                n = 0;
            }
            badge(&ev[n++], ++seq, LNT_EV_SIGN_IN, at, v * 10);
            if ((night + v) % 6 == 0) {
                struct lnt_event *e = &ev[n++];
                memset(e, 0, sizeof *e);
                e->seq = ++seq;
                lnt_uuid4(e->uuid);
                e->type = LNT_EV_INCIDENT;
                e->occurred_at = at + 3 * 3600 + (v % 60) * 60;
                e->recorded_at = e->occurred_at + 600;
                lnt_uuid4(e->u.incident.report_id);
                lnt_str_copy(e->u.incident.kind, sizeof e->u.incident.kind, kinds[(night + v) % 6]);
                e->u.incident.severity = 1 + (night + v) % 5;
                lnt_str_copy(e->u.incident.place, sizeof e->u.incident.place, "bar");
                lnt_str_copy(e->u.incident.outcome, sizeof e->u.incident.outcome, "resolved");
                e->u.incident.police_called = (night % 2) == 0;
                e->u.incident.complete = true;
                lnt_str_copy(e->u.incident.staff_id, sizeof e->u.incident.staff_id, "1");
            }
            badge(&ev[n++], ++seq, LNT_EV_SIGN_OUT, at + 6 * 3600, v * 10);
        }
        if (n > 0 && lnt_store_events_insert(s, k.id, now, ev, n, res, err) != LNT_OK) {
            fprintf(stderr, "bench_dashboard: events: %s\n", err);
            return 1;
        }
        events += (int64_t)n;
        if (v % 1000 == 0)
            fprintf(stderr, "  %d venues, %lld events, %.0f s\n", v, (long long)events,
                    (double)(lnt_bench_now_us() - t0) / 1e6);
    }
    printf("loaded %d venues and %lld events (%d nights) in %.1f s into %s\n", venues,
           (long long)events, days, (double)(lnt_bench_now_us() - t0) / 1e6, db);

    memset(&o, 0, sizeof o);
    lnt_str_copy(o.email, sizeof o.email, "bench@officer.example");
    lnt_str_copy(o.name, sizeof o.name, "Bench Officer");
    o.scope.role = LNT_OFFICER_OFFICER;
    lnt_str_copy(o.scope.authority, sizeof o.scope.authority, "Bench");
    if (lnt_store_officer_add(s, &o, "bench password 12345", err) != LNT_OK ||
        lnt_store_session_create(s, o.id, lnt_time_now(), &sess, err) != LNT_OK) {
        fprintf(stderr, "bench_dashboard: officer: %s\n", err);
        return 1;
    }
    snprintf(cookie, sizeof cookie, "lnt_session=%s", sess.id);

    lnt_api_init(&api, s);
    memset(&cfg, 0, sizeof cfg);
    cfg.host = "127.0.0.1";
    cfg.port = 0;
    cfg.threads = 2;
    /* as lanternd serves it: one score cache, one router over the dashboard and the API */
    if (lnt_score_cache_new(&cache, 16384, 30, err) != LNT_OK ||
        lnt_web_attach(&web, s, cache, err) != LNT_OK) {
        fprintf(stderr, "bench_dashboard: %s\n", err);
        return 1;
    }
    api.score_cache = cache;
    routes.api = &api;
    routes.web = web;
    lnt_routes_http_config(&routes, &cfg);
    cfg.done = on_done;
    cap_server = (size_t)requests * 8 + 16;
    server_us = calloc(cap_server, sizeof *server_us);
    if (lnt_http_start(&http, &cfg, err) != LNT_OK) {
        fprintf(stderr, "bench_dashboard: %s\n", err);
        return 1;
    }
    snprintf(base, sizeof base, "http://127.0.0.1:%u", (unsigned)lnt_http_port(http));
    c = curl_easy_init();

    paths = calloc((size_t)requests, sizeof *paths);
    for (int i = 0; i < requests; i++)
        paths[i] = strdup("/healthz");
    {
        /* the first Overview builds the league (every venue scored); timed on its own */
        const char *first[] = {"/"};
        struct series cold = {"Overview, first request (scores the league)", NULL, NULL, 0, 0};
        memset(&hz, 0, sizeof hz);
        hz.name = "/healthz (baseline)";
        run(c, base, cookie, (const char *const *)paths, (size_t)requests, &hz);
        run(c, base, cookie, first, 1, &cold);
        printf("\n| request | n | server p50 | server p99 | server max | client p50 | client p99 | "
               "bytes |\n|---|---|---|---|---|---|---|---|\n");
        report(&hz);
        report(&cold);
        free(cold.client);
        free(cold.server);
    }
    for (int i = 0; i < requests; i++) {
        free(paths[i]);
        paths[i] = strdup("/");
    }
    memset(&ov, 0, sizeof ov);
    ov.name = "Overview (league of all venues, page 1)";
    run(c, base, cookie, (const char *const *)paths, (size_t)requests, &ov);
    report(&ov);
    for (int i = 0; i < requests; i++) {
        char p[96];
        free(paths[i]);
        snprintf(p, sizeof p, "/?sort=name&dir=asc&area=Riverside&page=%d", 1 + i % 20);
        paths[i] = strdup(p);
    }
    memset(&ov2, 0, sizeof ov2);
    ov2.name = "Overview, filtered, sorted by name, pages 1-20";
    run(c, base, cookie, (const char *const *)paths, (size_t)requests, &ov2);
    report(&ov2);
    srand(7);
    for (int i = 0; i < requests; i++) {
        char p[64];
        free(paths[i]);
        snprintf(p, sizeof p, "/venues/%d", 1 + rand() % venues);
        paths[i] = strdup(p);
    }
    memset(&vn, 0, sizeof vn);
    vn.name = "Venue case file (random venue)";
    run(c, base, cookie, (const char *const *)paths, (size_t)requests, &vn);
    report(&vn);

    {
        struct series *all[] = {&hz, &ov, &ov2, &vn};
        for (size_t i = 0; i < 4; i++) {
            free(all[i]->client);
            free(all[i]->server);
        }
    }
    curl_easy_cleanup(c);
    lnt_http_stop(http);
    lnt_web_detach(web);
    lnt_score_cache_free(cache);
    lnt_store_free(s);
    for (int i = 0; i < requests; i++)
        free(paths[i]);
    free(paths);
    free(ev);
    free(server_us);
    if (getenv("LNT_BENCH_KEEP") == NULL) {
        unlink(db);
        snprintf(db, sizeof db, "%s/bench.db-wal", dir);
        unlink(db);
        snprintf(db, sizeof db, "%s/bench.db-shm", dir);
        unlink(db);
        rmdir(dir);
    }
    return 0;
}
