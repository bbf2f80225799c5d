/* ctl_migrate.h - what `lanternctl migrate` (ctl_migrate.c) shares with its copying and
 * digesting of rows (ctl_migrate_copy.c): the target's tables as PostgreSQL's catalog
 * describes them. Private to lanternctl. */
#ifndef LNT_CTL_MIGRATE_H
#define LNT_CTL_MIGRATE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "err.h"

#define LNT_MIG_NAME 64    /* bytes of a table or column name */
#define LNT_MIG_COLS 64    /* columns of one table */
#define LNT_MIG_TABLES 128 /* tables of the schema */
#define LNT_MIG_DIGEST 32  /* bytes of a table's digest (BLAKE2b-256) */

/* The column types the PostgreSQL schema uses (assets/sql/postgresql). */
enum lnt_mig_type { LNT_MIG_BIGINT = 1, LNT_MIG_DOUBLE, LNT_MIG_TEXT, LNT_MIG_BYTEA };

struct lnt_mig_col {
    char name[LNT_MIG_NAME];
    enum lnt_mig_type type;
    bool identity; /* its values come from a sequence: advanced past the copied ones */
};

struct lnt_mig_table {
    char name[LNT_MIG_NAME];
    struct lnt_mig_col cols[LNT_MIG_COLS];
    int ncols;
    int pk[LNT_MIG_COLS]; /* the primary key's columns (indexes into cols), in key order */
    int npk;              /* 0: no primary key, rows are ordered by every column */
    bool seeded;          /* the migrations write rows into it: replaced, not refused */
    bool done;            /* copied (ordering by foreign keys) */
    int64_t rows[2];      /* counted on [0] SQLite, [1] PostgreSQL */
    uint8_t digest[2][LNT_MIG_DIGEST];
};

/*
 * Copies every row of t from the SQLite connection db (inside the caller's read transaction)
 * into the PostgreSQL connection pg (inside the caller's transaction) with COPY, the columns
 * named as in t. LNT_ERR_DB with PostgreSQL's or SQLite's message naming the table.
 */
enum lnt_err lnt_mig_copy(sqlite3 *db, PGconn *pg, const struct lnt_mig_table *t, char *err);
/*
 * Counts and digests t's rows on both sides (t->rows, t->digest), each read in primary-key
 * order (text in byte order on both) and each value digested by its PostgreSQL type, so that
 * equal digests mean equal rows.
 */
enum lnt_err lnt_mig_digest(sqlite3 *db, PGconn *pg, struct lnt_mig_table *t, char *err);

#endif
