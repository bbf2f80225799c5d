/* bench_views_data.c - the year of data officers' pages read, on either backend
 * (bench_views_data.h). */
#include "bench_views_data.h"

#include <stdio.h>
#include <stdlib.h>

#include "bench_http.h"
#include "store.h"

const char *const bench_views_authorities[BENCH_VIEWS_AUTHORITIES] = {"North", "South", "East",
                                                                      "West"};

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

/* The rows of every table, in SQL both dialects take (recursive CTEs rather than
 * generate_series, which SQLite lacks); bench_views_load() writes in the venues, first and last
 * night. */
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

void bench_views_open(struct bench_views_db *b)
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

void bench_views_close(struct bench_views_db *b)
{
    if (b->pg)
        PQfinish(b->conn);
    else
        sqlite3_close(b->lite);
    b->conn = NULL;
    b->lite = NULL;
}

void bench_views_exec(struct bench_views_db *b, const char *sql)
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

int64_t bench_views_int(struct bench_views_db *b, const char *sql)
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

void bench_views_load(struct bench_views_db *b, const char *keys, int venues, int32_t first,
                      int32_t last, int64_t now)
{
    struct lnt_store *s = NULL;
    char err[LNT_ERRBUF_SIZE] = "", sql[4096];
    int64_t t0 = lnt_bench_now_us();

    if (lnt_store_open_keys(&s, b->target, keys, err) != LNT_OK)
        die(b->target, err);
    lnt_store_free(s);
    bench_views_open(b);
    if (bench_views_int(b, "SELECT count(*) FROM venues") > 0) {
        printf("%s: using the %lld venues already in %s\n", b->name,
               (long long)bench_views_int(b, "SELECT count(*) FROM venues"), b->target);
        bench_views_close(b);
        return;
    }
    bench_views_exec(b, "BEGIN");
    for (size_t i = 0; i < sizeof load_sql / sizeof load_sql[0]; i++) {
/* load_sql's entries are this file's own formats, each taking (venues, first, last) or a
 * prefix of them */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        snprintf(sql, sizeof sql, load_sql[i], venues, first, last);
#pragma GCC diagnostic pop
        bench_views_exec(b, sql);
    }
    snprintf(sql, sizeof sql, b->pg ? KIOSKS_PG : KIOSKS_SQLITE, venues, (long long)now);
    bench_views_exec(b, sql);
    bench_views_exec(b, "COMMIT");
    /* the planner's statistics, as autovacuum (PostgreSQL) and a periodic ANALYZE leave them */
    bench_views_exec(b, "ANALYZE");
    printf("%s: loaded %d venues, %lld shifts, %lld incidents, %lld hourly rows in %.1f s\n",
           b->name, venues, (long long)bench_views_int(b, "SELECT count(*) FROM shifts"),
           (long long)bench_views_int(b, "SELECT count(*) FROM incidents"),
           (long long)bench_views_int(b, "SELECT count(*) FROM rollup_hour"),
           (double)(lnt_bench_now_us() - t0) / 1e6);
    bench_views_close(b);
}
