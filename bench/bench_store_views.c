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

#define AUTHORITIES 4
#define THREADS_MAX 16

static const char *const authorities[AUTHORITIES] = {"North", "South", "East", "West"};

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_store_views: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

/* ---- the data ---- */

/* The rows of every table, in SQL both dialects take (recursive CTEs rather than
 * generate_series, which SQLite lacks); load() writes in the venues, first and last night. */
#define CTE                                                                                        \
    "WITH RECURSIVE v(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM v WHERE id < %d), "            \
    "d(night) AS (SELECT %d UNION ALL SELECT night + 1 FROM d WHERE night < %d), "                 \
    "n(night) AS (SELECT night FROM d WHERE (night %% 7 + 10) %% 7 IN (4, 5)), "                   \
    "vn(v, night, inc) AS (SELECT v.id, n.night, CASE WHEN (n.night + v.id) %% 6 = 0 THEN 1 "      \
    "ELSE 0 END FROM v, n) "

static const char *const load_sql[] = {
    "WITH RECURSIVE v(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM v WHERE id < %d) "
    "INSERT INTO venues (id, name, category, capacity, area, created_at, authority, trading, "
    "cup_cover_threshold, closed_at, joined_on) SELECT id, 'Venue ' || CAST(id AS TEXT), "
    "1 + id %% 3, 100 + (id * 37) %% 900, CASE id %% 8 WHEN 0 THEN 'High Street' WHEN 1 THEN "
    "'Riverside' WHEN 2 THEN 'Old Town' WHEN 3 THEN 'Station' WHEN 4 THEN 'Market' WHEN 5 THEN "
    "'Harbour' WHEN 6 THEN 'University' ELSE 'Castle' END, 1700000000, CASE id %% 4 WHEN 0 "
    "THEN 'North' WHEN 1 THEN 'South' WHEN 2 THEN 'East' ELSE 'West' END, '', 100, 0, 0 FROM v",
    "WITH RECURSIVE v(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM v WHERE id < %d) "
    "INSERT INTO staff (id, venue_id, name, role, sia_number, sia_expires, created_at) "
    "SELECT id, id, 'Door ' || CAST(id AS TEXT), 1, '1234567812345678', 30000, 1700000000 "
    "FROM v",
    CTE "INSERT INTO shifts (venue_id, kiosk_id, staff_id, serial, role, sia_number, sia_status, "
        "verdict, on_at, off_at, night, vuln_trained, angela_trained, bystander_trained, sia_ok) "
        "SELECT v, v, CAST(v AS TEXT), 'a1b2c3d4e5f60718', 1, '1234567812345678', 2, 1, "
        "CAST(night AS BIGINT) * 86400 + 75600, CAST(night AS BIGINT) * 86400 + 97200, night, 1, "
        "1, 0, 1 FROM vn ORDER BY vn.night, vn.v",
    CTE "INSERT INTO incidents (report_id, venue_id, kiosk_id, kind, severity, place, outcome, "
        "police_called, complete, staff_id, occurred_at, first_recorded_at, updated_at, "
        "latest_seq, updates, night, within_hour) SELECT 'r' || CAST(v AS TEXT) || '-' || "
        "CAST(night AS TEXT), v, v, 'violence', 1 + (night + v) %% 5, 'bar', 'resolved', "
        "CASE WHEN night %% 2 = 0 THEN 1 ELSE 0 END, 1, '1', CAST(night AS BIGINT) * 86400 + "
        "86400 + (v %% 60) * 60, CAST(night AS BIGINT) * 86400 + 87000 + (v %% 60) * 60, "
        "CAST(night AS BIGINT) * 86400 + 87000 + (v %% 60) * 60, 1, 1, night, 1 FROM vn "
        "WHERE inc = 1 ORDER BY vn.night, vn.v",
    CTE "INSERT INTO rollup_night (venue_id, night, contacts, sign_ins, door_shifts, door_sia_ok, "
        "door_vuln_trained, angela_on_shift, staff_shifts, incidents, incidents_within_hour) "
        "SELECT v, night, 2 + inc, 1, 1, 1, 1, 1, 1, inc, inc FROM vn",
    CTE "INSERT INTO rollup_hour (venue_id, hour, type, kind, count) SELECT v, "
        "CAST(night AS BIGINT) * 24 + 21, 1, '', 1 FROM vn UNION ALL SELECT v, "
        "CAST(night AS BIGINT) * 24 + 27, 2, '', 1 FROM vn UNION ALL SELECT v, "
        "CAST(night AS BIGINT) * 24 + 24, 4, '', 1 FROM vn WHERE inc = 1 "
        "UNION ALL SELECT v, CAST(night AS BIGINT) * 24 + 24, 4, 'violence', 1 FROM vn "
        "WHERE inc = 1",
    CTE "INSERT INTO rollup_night_kind (venue_id, night, kind, count) SELECT v, night, "
        "'violence', 1 FROM vn WHERE inc = 1",
    "WITH RECURSIVE v(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM v WHERE id < %d) "
    "INSERT INTO stock_levels (venue_id, level, updated_at) SELECT id, 50 + id %% 100, "
    "1700000000 FROM v",
};

/* kiosks.pk is a unique BLOB / BYTEA: made in each dialect */
#define KIOSKS_SQLITE                                                                              \
    "WITH RECURSIVE v(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM v WHERE id < %d) "             \
    "INSERT INTO kiosks (id, venue_id, pk, enrolled_at, last_seen) SELECT id, id, "                \
    "randomblob(32), 1700000000, %lld - id %% 3600 FROM v"
#define KIOSKS_PG                                                                                  \
    "WITH RECURSIVE v(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM v WHERE id < %d) "             \
    "INSERT INTO kiosks (id, venue_id, pk, enrolled_at, last_seen) SELECT id, id, "                \
    "decode(md5(id::text) || md5('k' || id::text), 'hex'), 1700000000, %lld - id %% 3600 FROM v"

struct backend {
    const char *name; /* "SQLite", "PostgreSQL" */
    const char *target;
    bool pg;
    sqlite3 *lite;
    PGconn *conn;
};

static void raw_open(struct backend *b)
{
    if (b->pg) {
        b->conn = PQconnectdb(b->target);
        if (PQstatus(b->conn) != CONNECTION_OK)
            die(b->target, PQerrorMessage(b->conn));
    } else if (sqlite3_open(b->target, &b->lite) != SQLITE_OK) {
        die(b->target, sqlite3_errmsg(b->lite));
    } else {
        sqlite3_busy_timeout(b->lite, 10000);
    }
}

static void raw_close(struct backend *b)
{
    if (b->pg)
        PQfinish(b->conn);
    else
        sqlite3_close(b->lite);
    b->conn = NULL;
    b->lite = NULL;
}

static void raw_exec(struct backend *b, const char *sql)
{
    if (b->pg) {
        PGresult *r = PQexec(b->conn, sql);
        if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
            die(sql, PQerrorMessage(b->conn));
        PQclear(r);
    } else {
        char *e = NULL;
        if (sqlite3_exec(b->lite, sql, NULL, NULL, &e) != SQLITE_OK)
            die(sql, e);
    }
}

static int64_t raw_int(struct backend *b, const char *sql)
{
    int64_t v = -1;

    if (b->pg) {
        PGresult *r = PQexec(b->conn, sql);
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            die(sql, PQerrorMessage(b->conn));
        if (PQntuples(r) == 1)
            v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
    } else {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(b->lite, sql, -1, &st, NULL) != SQLITE_OK)
            die(sql, sqlite3_errmsg(b->lite));
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

/* Opens (and so migrates) the store on b, then fills it unless it holds venues already. */
static void load(struct backend *b, int venues, int32_t first, int32_t last, int64_t now)
{
    struct lnt_store *s = NULL;
    char err[LNT_ERRBUF_SIZE] = "", sql[4096];
    int64_t t0 = lnt_bench_now_us();

    if (lnt_store_open(&s, b->target, err) != LNT_OK)
        die(b->target, err);
    lnt_store_free(s);
    raw_open(b);
    if (raw_int(b, "SELECT count(*) FROM venues") > 0) {
        printf("%s: using the %lld venues already in %s\n", b->name,
               (long long)raw_int(b, "SELECT count(*) FROM venues"), b->target);
        raw_close(b);
        return;
    }
    raw_exec(b, "BEGIN");
    for (size_t i = 0; i < sizeof load_sql / sizeof load_sql[0]; i++) {
/* load_sql's entries are this file's own formats, each taking (venues, first, last) or a
 * prefix of them */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        snprintf(sql, sizeof sql, load_sql[i], venues, first, last);
#pragma GCC diagnostic pop
        raw_exec(b, sql);
    }
    snprintf(sql, sizeof sql, b->pg ? KIOSKS_PG : KIOSKS_SQLITE, venues, (long long)now);
    raw_exec(b, sql);
    raw_exec(b, "COMMIT");
    /* the planner's statistics, as autovacuum (PostgreSQL) and a periodic ANALYZE leave them */
    raw_exec(b, "ANALYZE");
    printf("%s: loaded %d venues, %lld shifts, %lld incidents, %lld hourly rows in %.1f s\n",
           b->name, venues, (long long)raw_int(b, "SELECT count(*) FROM shifts"),
           (long long)raw_int(b, "SELECT count(*) FROM incidents"),
           (long long)raw_int(b, "SELECT count(*) FROM rollup_hour"),
           (double)(lnt_bench_now_us() - t0) / 1e6);
    raw_close(b);
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
    struct backend *b;
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
    const char *auth = authorities[i % AUTHORITIES];
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
    struct backend b[2] = {{.name = "SQLite"}, {.name = "PostgreSQL", .pg = true}};
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
        load(&b[k], (int)a_venues, today - (int32_t)a_days, today - 1, now);

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
