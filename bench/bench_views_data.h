/* bench_views_data.h - the year of data officers' pages read, written with plain SQL into a
 * SQLite file or a PostgreSQL database alike: what bench_store_views and bench_query load. */
#ifndef LNT_BENCH_VIEWS_DATA_H
#define LNT_BENCH_VIEWS_DATA_H

#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#define BENCH_VIEWS_AUTHORITIES 4

/* "North", "South", "East", "West": venue v's is [v % 4]. */
extern const char *const bench_views_authorities[BENCH_VIEWS_AUTHORITIES];

/* One database, either backend, reached through its own client library (no store code). */
struct bench_views_db {
    const char *name;   /* "SQLite", "PostgreSQL": for messages and table rows */
    const char *target; /* a SQLite path or a postgresql:// URI; borrowed */
    bool pg;
    sqlite3 *lite; /* open between bench_views_open and bench_views_close */
    PGconn *conn;
};

/* Opens db's connection; exits with the client library's message when it cannot. */
void bench_views_open(struct bench_views_db *db);
/* Closes it; a closed db is a no-op. */
void bench_views_close(struct bench_views_db *db);
/* Runs `sql` (no rows wanted); exits with the database's message when it fails. */
void bench_views_exec(struct bench_views_db *db, const char *sql);
/* The first column of `sql`'s one row, -1 when there is no row; exits when it fails. */
int64_t bench_views_int(struct bench_views_db *db, const char *sql);

/*
 * Opens (and so creates and migrates) the store at db->target (its key file `keys`, NULL for
 * the default beside a SQLite file), then, unless it holds venues
 * already, fills it in one transaction: `venues` venues (ids 1..venues; venue v in authority
 * [v % 4]), one kiosk and one door supervisor each, and for the nights first..last what ingest
 * derives from a door shift every Friday and Saturday and an incident every sixth trading
 * night (register, incidents, nightly, hourly and per-kind rollups, stock levels), then
 * ANALYZE. The raw events are not written: officers' reads do not read them. `now` is the
 * kiosks' last contact. Prints what it loaded and how long it took; exits on any failure.
 * The scheme, when one is wanted, is the caller's to make first (it adds no venues).
 */
void bench_views_load(struct bench_views_db *db, const char *keys, int venues, int32_t first,
                      int32_t last, int64_t now);

#endif
