/*
 * pg_int.h - the PostgreSQL backend's insides, shared by the pg_*.c files beside it; not part
 * of the store interface. One file per job:
 *   pg_conn.c  connections: opening (URIs as libpq takes them, several hosts and
 *              target_session_attrs included), a small pool, reconnecting
 *   pg_exec.c  parameterised statements and typed reads of their results
 *   pg_err.c   libpq and SQLSTATE errors as enum lnt_err with a message
 *   pg_tx.c    transactions
 *   pg_migrate.c, pg_open.c, pg_venues.c, pg_kiosks.c, pg_ingest.c, pg_keys.c  the store
 *              functions
 *   pg_registers.c, pg_badges.c, pg_auth.c, pg_audit.c, pg_admin.c  the store functions of
 *              the SQLite files of the same names (sq_registers.c, ...)
 *   pg_ops.c   the table of operations for the dispatch (store_ops.h)
 * Calls go one way: the store function files -> pg_migrate.c, pg_tx.c, pg_conn.c ->
 * pg_exec.c -> pg_err.c; among the store function files, pg_registers.c -> pg_badges.c.
 */
#ifndef LNT_PG_INT_H
#define LNT_PG_INT_H

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "buf.h"
#include "store_int.h"

#define LNT_PG_TARGET_MAX 4096 /* bytes of a connection URI */
#define LNT_PG_CONNS 4         /* connections per store: calls run side by side */
#define LNT_PG_PARAMS 1000     /* parameters in one statement: a multi-row insert's bound */
#define LNT_PG_LIST_MAX 1000000
#define LNT_PG_ACTOR_LEN 64

struct lnt_pg_conn {
    PGconn *pg; /* NULL until first used */
    bool busy;
};

/*
 * A pool of connections to one database. A store call takes one connection for its whole
 * length (a transaction lives on one connection) and gives it back; a connection found broken
 * is reset before it is handed out, so the store carries on when the server (or, with several
 * hosts in the URI, another server) is back.
 */
struct lnt_store {
    char target[LNT_PG_TARGET_MAX];
    char keys_path[LNT_PG_TARGET_MAX];
    struct lnt_pg_conn conns[LNT_PG_CONNS];
    pthread_mutex_t mu; /* guards conns[].busy, actor and the counters */
    pthread_cond_t cv;
    char actor[LNT_PG_ACTOR_LEN];
    uint64_t batches, commits;
};

/* ---- errors (pg_err.c) ---- */

/*
 * The lnt_err for a failed result: by SQLSTATE class, 23505 (unique) -> LNT_ERR_EXISTS as the
 * SQLite backend says for a duplicate, 23503 (foreign key) -> LNT_ERR_NOT_FOUND, 23514 and
 * 22xxx (bad data) -> LNT_ERR_INVALID, 40001/40P01/55P03/57014 (serialisation, deadlock,
 * lock, cancelled) -> LNT_ERR_TIMEOUT as SQLite's busy is, 08xxx and a lost connection ->
 * LNT_ERR_NET, 28xxx -> LNT_ERR_UNAUTHORIZED, anything else LNT_ERR_DB. The message is
 * "what: server message".
 */
enum lnt_err lnt_pg_fail(PGconn *pg, const PGresult *res, char *err, const char *what);
/* The lnt_err for a SQLSTATE ("23505"); NULL (no SQLSTATE: the connection failed) -> NET. */
enum lnt_err lnt_pg_sqlstate_err(const char *sqlstate);

/* ---- connections (pg_conn.c) ---- */

/* Connects to `target` once (for open: says at once when the database cannot be reached). */
enum lnt_err lnt_pg_connect(const char *target, PGconn **out, char *err);
/*
 * A connection of s's pool to use alone until lnt_pg_give; waits while all are taken.
 * Connects (or reconnects a broken one) first: LNT_ERR_NET with libpq's message when that
 * fails. *out is NULL on error.
 */
enum lnt_err lnt_pg_take(struct lnt_store *s, PGconn **out, char *err);
void lnt_pg_give(struct lnt_store *s, PGconn *pg);
/* Closes every connection. */
void lnt_pg_close_all(struct lnt_store *s);

/* ---- statements (pg_exec.c) ---- */

/* A statement's parameters: text, or binary for bytea. Bounded by LNT_PG_PARAMS. */
struct lnt_pg_params {
    int n;
    bool overflow;
    const char *v[LNT_PG_PARAMS];
    int len[LNT_PG_PARAMS];
    int fmt[LNT_PG_PARAMS]; /* 0 text, 1 binary */
    char num[LNT_PG_PARAMS][24];
};
void lnt_pg_p_init(struct lnt_pg_params *p);
void lnt_pg_p_i64(struct lnt_pg_params *p, int64_t v);
/* Text, copied by reference: must outlive the statement. NULL is SQL NULL. */
void lnt_pg_p_text(struct lnt_pg_params *p, const char *v);
/* Text of n bytes, by reference. */
void lnt_pg_p_textn(struct lnt_pg_params *p, const char *v, size_t n);
/* bytea, binary, by reference. */
void lnt_pg_p_bytes(struct lnt_pg_params *p, const void *v, size_t n);

/*
 * Runs `sql` ($1.. = p, may be NULL) and hands back its result (binary columns, read with the
 * lnt_pg_* getters below; the caller PQclear()s it) in *out, or NULL when out is NULL. A
 * result that is not a success is the error of lnt_pg_fail with `what`.
 */
enum lnt_err lnt_pg_exec(PGconn *pg, const char *sql, const struct lnt_pg_params *p, PGresult **out,
                         char *err, const char *what);
/* Runs SQL text without parameters, several statements allowed (migrations). */
enum lnt_err lnt_pg_exec_script(PGconn *pg, const char *sql, char *err, const char *what);
/*
 * Typed reads of a binary result: a column of another type is a bug (LNT_ERR_INTERNAL via
 * *bad when given), NULL reads as 0 / "" / no bytes.
 */
int64_t lnt_pg_i64(const PGresult *r, int row, int col);
bool lnt_pg_null(const PGresult *r, int row, int col);
void lnt_pg_text(const PGresult *r, int row, int col, char *dst, size_t size);
/* Copies a bytea of exactly n bytes; false for another size. */
bool lnt_pg_bytes(const PGresult *r, int row, int col, uint8_t *dst, size_t n);
/* The value's bytes and length as stored (text or bytea), for comparing. */
const char *lnt_pg_raw(const PGresult *r, int row, int col, size_t *len);

/* Reads row `row` of a result into a caller's element. */
typedef void (*lnt_pg_row_fn)(const PGresult *r, int row, void *elem);
/*
 * Runs `sql` and appends one element of `elem` bytes per row (filled by fn) to a new array in
 * *out (NULL when empty, the caller's to free), at most LNT_PG_LIST_MAX.
 */
enum lnt_err lnt_pg_list(PGconn *pg, const char *sql, const struct lnt_pg_params *p, size_t elem,
                         lnt_pg_row_fn fn, void **out, size_t *n, char *err, const char *what);

/*
 * LNT_OK when `sql` (one int64 parameter, $1 = id) returns a row; else LNT_ERR_NOT_FOUND with
 * "<noun> <id> not found", or the statement's error. As the SQLite backend's must_exist.
 */
enum lnt_err lnt_pg_must_exist(PGconn *pg, const char *sql, int64_t id, const char *noun,
                               char *err);
/* The rows an INSERT, UPDATE or DELETE changed (PQcmdTuples), 0 when it says none. */
int64_t lnt_pg_changed(PGresult *r);

/* ---- transactions (pg_tx.c) ---- */

/* BEGIN on pg. */
enum lnt_err lnt_pg_begin(PGconn *pg, char *err);
/* COMMIT when rc is LNT_OK (its failure becomes rc), else ROLLBACK; returns the outcome. */
enum lnt_err lnt_pg_end(PGconn *pg, enum lnt_err rc, char *err);
/* Appends an audit row inside the caller's transaction, as the SQLite backend's. */
enum lnt_err lnt_pg_audit(struct lnt_store *s, PGconn *pg, const char *action, const char *object,
                          char *err, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* ---- the scheme and its keys (pg_keys.c) ---- */

struct lnt_keyfile;
/*
 * LNT_OK when the scheme has been initialised (`initialised` true) or has not (false); else
 * LNT_ERR_NOT_FOUND "the scheme is not initialised", LNT_ERR_EXISTS "the scheme is already
 * initialised", or the database's error. On the caller's connection (inside its transaction).
 */
enum lnt_err lnt_pg_scheme_must_be(PGconn *pg, bool initialised, char *err);
/* The key file's secrets (*out, wiped and freed by lnt_pg_box_keys_free); LNT_ERR_UNKNOWN_KEY
 * when this server names no key file (--keys) or there is none at its path. */
enum lnt_err lnt_pg_box_keys(struct lnt_store *s, struct lnt_keyfile **out, char *err);
void lnt_pg_box_keys_free(struct lnt_keyfile *kf);
/* Opens sealed details (blen bytes) with the newest sealing key that opens them into out
 * (blen - crypto_box_SEALBYTES bytes); LNT_ERR_CRYPTO when none does. */
enum lnt_err lnt_pg_box_open(const struct lnt_store *s, const struct lnt_keyfile *kf,
                             const uint8_t *box, size_t blen, uint8_t *out, char *err);

/* ---- between the store function files ---- */

/* pg_badges.c: revokes staff member's badges usable at `at` (reason "reissued" / "left"), with
 * their revocation versions and audit rows, inside the caller's transaction on pg. */
enum lnt_err lnt_pg_revoke_staff_badges(struct lnt_store *s, PGconn *pg, int64_t staff_id,
                                        int64_t at, const char *reason, char *err);

/* ---- schema (pg_migrate.c) ---- */

/* Brings the database up to the newest version this backend has, under an advisory lock so
 * that several servers starting at once migrate it once. */
enum lnt_err lnt_pg_migrate(PGconn *pg, char *err);
/* The newest schema version the PostgreSQL migrations reach. */
int lnt_pg_schema_version(void);

#endif
