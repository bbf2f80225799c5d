/* bench_store_views.c - the store reads behind officers' pages on SQLite and on PostgreSQL in
 * the same run, with 10,000 venues and a year of data, against a bare primary-key read. */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "bench_http.h"
#include "bench_views_data.h"
#include "buf.h"
#include "ltime.h"
#include "night.h"
#include "store.h"

/*
 * Fills a SQLite file and a PostgreSQL database alike with VENUES venues in four licensing
 * authorities, one kiosk and one door supervisor each, and DAYS nights of what ingest derives
 * from bench_query's year (a door shift every Friday and Saturday, an incident every sixth
 * trading night; the register, incidents, nightly, hourly and per-kind rollups, stock levels),
 * written with plain SQL in one transaction (the raw events are not needed by these reads).
 * Then, on each backend in turn, times REQUESTS calls of each read (a tenth as many, at least
 * 10, of the three that sum an authority's whole window) from THREADS threads sharing one
 * store, and a bare baseline: one venue's row by primary key through the
 * database's own client library (a prepared statement, one connection per thread, no store
 * code), the floor of a query's round trip on that backend.
 *
 *   bench_store_views SQLITE_DB POSTGRESQL_URI [VENUES [DAYS [REQUESTS [THREADS]]]]
 *                                                (10000 365 1000 1)
 *
 * A database that already holds venues is used as it is (no loading): run once to fill both,
 * then again to measure without waiting. Both are left in place.
 */

#define THREADS_MAX 16

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_store_views: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

/* ---- the reads ---- */

enum read {
    R_BARE,
    R_SUMMARIES,
    R_SUMMARIES_AUTH,
    R_DETAIL,
    R_NIGHTS,
    R_INCIDENTS_AUTH,
    R_INCIDENTS_VENUE,
    R_REGISTER,
    R_TOTALS_AUTH,
    R_REPEAT_AUTH,
    R_HOUR_OF_WEEK_AUTH,
    R__N
};

static const char *const read_names[R__N] = {
    "bare: one venue row by id (client library, prepared)",
    "venue list, first page (100 venues, 90 nights)",
    "an authority's venue list (offset 40, 50 venues)",
    "a venue's detail (90 nights)",
    "a venue's nights (365, what its score reads)",
    "incidents, an authority's first page (100)",
    "incidents, a venue's (100)",
    "door register, a venue's last 30 days",
    "an authority's totals over 90 nights",
    "repeat locations, an authority, 90 nights",
    "hour of week, an authority's incidents, 90 days",
};

struct run {
    struct bench_views_db *b;
    struct lnt_store *s;
    enum read what;
    int venues;
    int32_t today;
    int64_t now;
    size_t n;
    size_t next; /* guarded by mu */
    pthread_mutex_t mu;
    int64_t *us;
};

/* A bare connection per thread: the baseline's client, with its statement prepared once. */
struct bare {
    PGconn *pg;
    sqlite3 *lite;
    sqlite3_stmt *st;
};

static void bare_open(struct run *r, struct bare *x)
{
    memset(x, 0, sizeof *x);
    if (r->what != R_BARE)
        return;
    if (r->b->pg) {
        PGresult *res;
        x->pg = PQconnectdb(r->b->target);
        if (PQstatus(x->pg) != CONNECTION_OK)
            die("bare connection", PQerrorMessage(x->pg));
        res = PQprepare(x->pg, "venue", "SELECT id, name, authority FROM venues WHERE id = $1", 1,
                        NULL);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            die("bare prepare", PQerrorMessage(x->pg));
        PQclear(res);
    } else if (sqlite3_open_v2(r->b->target, &x->lite, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
               sqlite3_prepare_v2(x->lite, "SELECT id, name, authority FROM venues WHERE id = ?1",
                                  -1, &x->st, NULL) != SQLITE_OK) {
        die("bare connection", sqlite3_errmsg(x->lite));
    }
}

static void bare_close(struct bare *x)
{
    if (x->pg != NULL)
        PQfinish(x->pg);
    if (x->st != NULL)
        sqlite3_finalize(x->st);
    if (x->lite != NULL)
        sqlite3_close(x->lite);
}

static void bare_read(struct bare *x, int64_t id)
{
    if (x->pg != NULL) {
        char num[24];
        const char *v[1] = {num};
        PGresult *res;
        snprintf(num, sizeof num, "%lld", (long long)id);
        res = PQexecPrepared(x->pg, "venue", 1, v, NULL, NULL, 1);
        if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
            die("bare read", PQerrorMessage(x->pg));
        PQclear(res);
    } else {
        sqlite3_bind_int64(x->st, 1, id);
        if (sqlite3_step(x->st) != SQLITE_ROW)
            die("bare read", sqlite3_errmsg(x->lite));
        sqlite3_reset(x->st);
    }
}

/* One call of r->what with request number i's parameters. */
static void one(struct run *r, struct bare *x, size_t i)
{
    char err[LNT_ERRBUF_SIZE] = "";
    /* the same venues and authorities on both backends: a fixed walk over them */
    int64_t v = 1 + (int64_t)((i * 7919 + 13) % (size_t)r->venues);
    const char *auth = bench_views_authorities[i % BENCH_VIEWS_AUTHORITIES];
    struct lnt_rollup_scope scope = {.authority = auth};
    struct lnt_incident_filter f = {.authority = auth};
    int32_t first = r->today - 90, last = r->today - 1;
    enum lnt_err rc = LNT_OK;
    void *list = NULL;
    size_t n = 0;

    switch (r->what) {
    case R_BARE:
        bare_read(x, v);
        return;
    case R_SUMMARIES:
        rc = lnt_store_venue_summaries(r->s, NULL, true, first, last, 0, 100,
                                       (struct lnt_venue_summary **)&list, &n, err);
        break;
    case R_SUMMARIES_AUTH:
        rc = lnt_store_venue_summaries(r->s, auth, true, first, last, 40, 50,
                                       (struct lnt_venue_summary **)&list, &n, err);
        break;
    case R_DETAIL: {
        struct lnt_venue_detail d;
        rc = lnt_store_venue_detail(r->s, v, first, last, &d, err);
        n = 1;
        break;
    }
    case R_NIGHTS:
        rc = lnt_store_rollup_nights(r->s, v, r->today - 365, last,
                                     (struct lnt_night_rollup **)&list, &n, err);
        break;
    case R_INCIDENTS_AUTH:
        rc = lnt_store_incident_list(r->s, &f, 0, 100, (struct lnt_incident **)&list, &n, err);
        break;
    case R_INCIDENTS_VENUE:
        f.authority = NULL;
        f.venue_id = v;
        rc = lnt_store_incident_list(r->s, &f, 0, 100, (struct lnt_incident **)&list, &n, err);
        break;
    case R_REGISTER:
        rc = lnt_store_register_list(r->s, v, r->now - 30 * 86400, 0, 0, 100,
                                     (struct lnt_shift **)&list, &n, err);
        break;
    case R_TOTALS_AUTH: {
        struct lnt_night_rollup t;
        rc = lnt_store_rollup_totals(r->s, &scope, first, last, &t, err);
        n = t.contacts > 0;
        break;
    }
    case R_REPEAT_AUTH:
        rc = lnt_store_repeat_locations(r->s, &scope, first, last, 2, 20,
                                        (struct lnt_repeat_location **)&list, &n, err);
        break;
    case R_HOUR_OF_WEEK_AUTH: {
        int64_t grid[7][24];
        rc = lnt_store_rollup_hour_of_week(r->s, &scope, LNT_EV_INCIDENT, NULL, r->now - 90 * 86400,
                                           r->now, grid, err);
        n = 1;
        break;
    }
    case R__N:
        break;
    }
    free(list);
    if (rc != LNT_OK)
        die(read_names[r->what], err);
    if (n == 0)
        die(read_names[r->what], "no rows: the data is not what the benchmark expects");
}

static void *worker(void *arg)
{
    struct run *r = arg;
    struct bare x;

    bare_open(r, &x);
    for (;;) {
        size_t i;
        int64_t t0;
        pthread_mutex_lock(&r->mu);
        i = r->next++;
        pthread_mutex_unlock(&r->mu);
        if (i >= r->n)
            break;
        t0 = lnt_bench_now_us();
        one(r, &x, i);
        r->us[i] = lnt_bench_now_us() - t0;
    }
    bare_close(&x);
    return NULL;
}

/* Times r->n calls from `threads` threads; returns the p99 in ms after printing the row. */
static double measure(struct run *r, int threads, double bare_p99)
{
    pthread_t t[THREADS_MAX];
    int64_t t0 = lnt_bench_now_us(), wall;
    double p99;

    r->next = 0;
    for (int i = 0; i < threads; i++)
        if (pthread_create(&t[i], NULL, worker, r) != 0)
            die("thread", NULL);
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    wall = lnt_bench_now_us() - t0;
    lnt_bench_sort(r->us, r->n);
    p99 = lnt_bench_pct_ms(r->us, r->n, 99);
    printf("| %s | %s | %zu | %.2f ms | %.2f ms | %.2f ms | %.0f | ", r->b->name,
           read_names[r->what], r->n, lnt_bench_pct_ms(r->us, r->n, 50), p99,
           (double)r->us[r->n - 1] / 1000.0, (double)r->n * 1e6 / (double)(wall > 0 ? wall : 1));
    if (r->what == R_BARE)
        printf("1x |\n");
    else
        printf("%.1fx |\n", bare_p99 > 0 ? p99 / bare_p99 : 0.0);
    fflush(stdout);
    return p99;
}

int main(int argc, char **argv)
{
    int64_t a_venues = 10000, a_days = 365, a_requests = 1000, a_threads = 1;
    int64_t *args[] = {&a_venues, &a_days, &a_requests, &a_threads};
    const int64_t lo[] = {100, 30, 10, 1}, hi[] = {1000000, 4000, 1000000, THREADS_MAX};
    struct bench_views_db b[2] = {{.name = "SQLite"}, {.name = "PostgreSQL", .pg = true}};
    int64_t now = lnt_time_now();
    int32_t today = lnt_night_of(now);
    char err[LNT_ERRBUF_SIZE] = "";

    if (argc < 3 || argc > 7)
        die("usage", "bench_store_views SQLITE_DB POSTGRESQL_URI [VENUES [DAYS [REQUESTS "
                     "[THREADS]]]]");
    b[0].target = argv[1];
    b[1].target = argv[2];
    if (!lnt_store_is_postgresql(argv[2]))
        die(argv[2], "not a postgresql:// URI");
    for (int i = 3; i < argc; i++)
        if (lnt_parse_i64(argv[i], lo[i - 3], hi[i - 3], args[i - 3]) != LNT_OK)
            die("bad argument", argv[i]);
    printf("bench_store_views %s %s %lld %lld %lld %lld\n", argv[1], argv[2], (long long)a_venues,
           (long long)a_days, (long long)a_requests, (long long)a_threads);
    for (int k = 0; k < 2; k++)
        bench_views_load(&b[k], NULL, (int)a_venues, today - (int32_t)a_days, today - 1, now);

    printf("\n| backend | read (%lld threads) | n | p50 | p99 | max | calls/s | p99 vs bare |\n"
           "|---|---|---|---|---|---|---|---|\n",
           (long long)a_threads);
    for (int k = 0; k < 2; k++) {
        struct run r = {.b = &b[k],
                        .venues = (int)a_venues,
                        .today = today,
                        .now = now,
                        .n = (size_t)a_requests};
        double bare = 0;
        r.us = calloc(r.n, sizeof *r.us);
        if (r.us == NULL)
            die("out of memory", NULL);
        pthread_mutex_init(&r.mu, NULL);
        if (lnt_store_open(&r.s, b[k].target, err) != LNT_OK)
            die(b[k].target, err);
        for (int w = 0; w < R__N; w++) {
            bool sums = w == R_TOTALS_AUTH || w == R_REPEAT_AUTH || w == R_HOUR_OF_WEEK_AUTH;
            r.what = (enum read)w;
            r.n = sums ? (size_t)(a_requests / 10 > 10 ? a_requests / 10 : 10) : (size_t)a_requests;
            if (w == R_BARE)
                bare = measure(&r, (int)a_threads, 0);
            else
                (void)measure(&r, (int)a_threads, bare);
        }
        lnt_store_free(r.s);
        pthread_mutex_destroy(&r.mu);
        free(r.us);
    }
    return 0;
}
