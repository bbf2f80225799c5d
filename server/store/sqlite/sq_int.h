/*
 * sq_int.h - the SQLite backend's insides, shared by the sq_*.c files beside it; not part of the
 * store interface.
 *
 * Calls between the files go one way (a file calls only files to its right):
 *   sq_open.c -> sq_migrate.c -> sq_ingest.c -> sq_derive.c -> sq_batch.c
 *   sq_migrate.c -> sq_keys.c;  sq_views.c -> sq_keys.c -> sq_badges.c
 *   sq_rollups.c -> sq_registers.c -> sq_badges.c
 * and every file -> sq_core.c (errors, statements, lists, transactions), which calls none.
 */
#ifndef LNT_SQ_INT_H
#define LNT_SQ_INT_H

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "buf.h"
#include "store_int.h"

#define LNT_SQ_PATH_MAX 4096
#define LNT_SQ_LIST_MAX 1000000 /* rows in one list: a bound, not an expectation */
#define LNT_SQ_ACTOR_LEN 64
#define LNT_SQ_CACHE_SLOTS 128 /* prepared statements kept per connection */
#define LNT_SQ_READERS 4       /* read connections: views run side by side */

/* Prepared statements kept for the life of a connection, keyed by their SQL's address. */
struct lnt_sq_cache_slot {
    const char *sql;
    sqlite3_stmt *st;
};

struct lnt_sq_conn {
    sqlite3 *db;
    struct lnt_sq_cache_slot cache[LNT_SQ_CACHE_SLOTS];
};

struct lnt_sq_batch; /* ingest's rollup accumulator (sq_batch.c) */
struct lnt_sq_ckpt;  /* the background checkpointer (sq_open.c) */
struct lnt_sq_group; /* batches waiting to be stored together (sq_ingest.c) */

/*
 * One writer, a few readers. SQLite allows one writer at a time anyway; wmu
 * keeps the write connection (and its statements) to one thread at a time.
 * Readers are handed out by lnt_sq_rbegin; in WAL mode they never wait for
 * the writer.
 */
struct lnt_store {
    struct lnt_sq_conn w;
    struct lnt_sq_conn r[LNT_SQ_READERS];
    bool r_busy[LNT_SQ_READERS];
    pthread_mutex_t wmu;
    pthread_mutex_t rmu;
    pthread_cond_t rcv;
    char path[LNT_SQ_PATH_MAX];
    char keys_path[LNT_SQ_PATH_MAX]; /* the key file: the secret halves of the scheme's keys */
    struct lnt_sq_batch *batch;      /* guarded by wmu */
    char actor[LNT_SQ_ACTOR_LEN];
    struct lnt_sq_ckpt *ckpt;   /* background checkpoints; NULL = the writer does them */
    struct lnt_sq_group *group; /* ingest's group commit queue */
};

/* ---- errors and statements (sq_core.c, as are locking, transactions, audit and counters) ---- */

/* LNT_ERR_TIMEOUT when the database was busy, else LNT_ERR_DB: "what: sqlite message". */
enum lnt_err lnt_sq_fail(sqlite3 *db, char *err, const char *what);
enum lnt_err lnt_sq_exec(sqlite3 *db, const char *sql, char *err);
/* An uncached statement the caller finalizes (for rare paths). */
enum lnt_err lnt_sq_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out, char *err);
/*
 * The connection's cached statement for `sql` (a string literal: its address
 * is the key), reset and with bindings cleared. NULL on error (err filled).
 * The caller resets it when done (lnt_sq_done and lnt_sq_list do).
 */
sqlite3_stmt *lnt_sq_stmt(struct lnt_sq_conn *c, const char *sql, char *err);
/* Finalizes every cached statement of the connection (the schema changed, or it is closing). */
void lnt_sq_cache_clear(struct lnt_sq_conn *c);
/* Steps a statement whose rows are ignored, then resets it. */
enum lnt_err lnt_sq_done(sqlite3 *db, sqlite3_stmt *st, char *err, const char *what);
/* Reads one row into a caller's element. */
typedef void (*lnt_sq_row_fn)(sqlite3_stmt *st, void *elem);
/*
 * Steps `st` to the end, appending one element of `elem` bytes per row (filled
 * by fn) to a new array; resets st. On error the array is freed and *out NULL.
 */
enum lnt_err lnt_sq_list(sqlite3 *db, sqlite3_stmt *st, size_t elem, lnt_sq_row_fn fn, void **out,
                         size_t *n, char *err, const char *what);
/*
 * lnt_sq_list on a read connection of its own: the rows of `sql` (a string
 * literal, as for lnt_sq_stmt), with ?1 = id when the query takes a parameter.
 */
enum lnt_err lnt_sq_rlist(struct lnt_store *s, const char *sql, int64_t id, size_t elem,
                          lnt_sq_row_fn fn, void **out, size_t *n, char *err, const char *what);
void lnt_sq_text(char *dst, size_t size, sqlite3_stmt *st, int col);
/* Copies a BLOB column of exactly n bytes; false when the stored value has another size. */
bool lnt_sq_blob(uint8_t *dst, size_t n, sqlite3_stmt *st, int col);
/* Grows a list array by one slot, up to LNT_SQ_LIST_MAX. */
enum lnt_err lnt_sq_grow(void **arr, size_t *cap, size_t n, size_t elem, char *err);
/* 1 when `sql` (one int64 parameter) returns a row, 0 when not, -1 on error. */
int lnt_sq_exists(struct lnt_sq_conn *c, const char *sql, int64_t id, char *err);
/*
 * LNT_OK when `sql` (as for lnt_sq_exists) returns a row for `id`; else
 * LNT_ERR_NOT_FOUND with "<noun> <id> not found", or LNT_ERR_DB (err filled).
 */
static inline enum lnt_err lnt_sq_must_exist(struct lnt_sq_conn *c, const char *sql, int64_t id,
                                             const char *noun, char *err)
{
    int found = lnt_sq_exists(c, sql, id, err);

    if (found == 1)
        return LNT_OK;
    return found < 0 ? LNT_ERR_DB
                     : lnt_fail(err, LNT_ERR_NOT_FOUND, "%s %" PRId64 " not found", noun, id);
}
/* lnt_sq_must_exist for a venue, and for a staff member. */
static inline enum lnt_err lnt_sq_venue_must_exist(struct lnt_sq_conn *c, int64_t id, char *err)
{
    return lnt_sq_must_exist(c, "SELECT 1 FROM venues WHERE id = ?1", id, "venue", err);
}
static inline enum lnt_err lnt_sq_staff_must_exist(struct lnt_sq_conn *c, int64_t id, char *err)
{
    return lnt_sq_must_exist(c, "SELECT 1 FROM staff WHERE id = ?1", id, "staff member", err);
}
/*
 * LNT_OK when the badge scheme has been initialised (`initialised` true) or
 * has not (false); else LNT_ERR_NOT_FOUND "the scheme is not initialised",
 * LNT_ERR_EXISTS "the scheme is already initialised", or LNT_ERR_DB.
 */
static inline enum lnt_err lnt_sq_scheme_must_be(struct lnt_sq_conn *c, bool initialised, char *err)
{
    int found = lnt_sq_exists(c, "SELECT 1 FROM scheme WHERE id = ?1", 1, err);

    if (found < 0)
        return LNT_ERR_DB;
    if (found == 0 && initialised)
        return lnt_fail(err, LNT_ERR_NOT_FOUND, "the scheme is not initialised");
    if (found == 1 && !initialised)
        return lnt_fail(err, LNT_ERR_EXISTS, "the scheme is already initialised");
    return LNT_OK;
}
/* The end of a time window [from, to) to bind: `to`, or no end when it is 0. */
static inline int64_t lnt_sq_upper(int64_t to)
{
    return to != 0 ? to : INT64_MAX;
}
/*
 * Starts reading one page of a list: clears *out and *n, checks the page size
 * (1 to LNT_VIEW_MAX rows) and hands out a read connection in *c for the caller's query,
 * to give back with lnt_sq_rend. LNT_ERR_INVALID (and *c NULL) for a bad limit.
 */
enum lnt_err lnt_sq_page_begin(struct lnt_store *s, size_t limit, void **out, size_t *n,
                               struct lnt_sq_conn **c, char *err);
/*
 * Runs the write `sql` (a string literal, as for lnt_sq_stmt) with ?1 = id and
 * ?2 = at inside the caller's write transaction; `what` names it in errors.
 * Does not check how many rows changed.
 */
static inline enum lnt_err lnt_sq_set_at(struct lnt_store *s, const char *sql, int64_t id,
                                         int64_t at, const char *what, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(&s->w, sql, err);

    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, at);
    return lnt_sq_done(s->w.db, st, err, what);
}

/* ---- locking and transactions ---- */

void lnt_sq_wlock(struct lnt_store *s);
void lnt_sq_wunlock(struct lnt_store *s);
/* A read connection of one's own until lnt_sq_rend; waits when all are in use. */
struct lnt_sq_conn *lnt_sq_rbegin(struct lnt_store *s);
/* Resets the connection's statements, ends any read transaction, hands it back. */
void lnt_sq_rend(struct lnt_store *s, struct lnt_sq_conn *c);
/* BEGIN IMMEDIATE on the write connection (caller holds wmu). */
enum lnt_err lnt_sq_begin(struct lnt_store *s, char *err);
enum lnt_err lnt_sq_commit(struct lnt_store *s, char *err);
/* Rolls back when a transaction is open; leaves the error message alone. */
void lnt_sq_rollback(struct lnt_store *s);
/*
 * Takes the write lock and begins a transaction (lnt_sq_begin). The lock is
 * held whatever this returns: end with lnt_sq_wend in every case.
 */
static inline enum lnt_err lnt_sq_wbegin(struct lnt_store *s, char *err)
{
    lnt_sq_wlock(s);
    return lnt_sq_begin(s, err);
}
/*
 * Ends a write begun with lnt_sq_wbegin (or lnt_sq_wlock + lnt_sq_begin): commits when rc is
 * LNT_OK, rolls back when rc (or the commit) failed, releases the write lock.
 * Returns the final code; err holds the first failure's message.
 */
static inline enum lnt_err lnt_sq_wend(struct lnt_store *s, enum lnt_err rc, char *err)
{
    if (rc == LNT_OK)
        rc = lnt_sq_commit(s, err);
    if (rc != LNT_OK)
        lnt_sq_rollback(s);
    lnt_sq_wunlock(s);
    return rc;
}

/*
 * Appends one audit row inside the caller's write transaction. actor NULL =
 * the store's actor; object may be "".
 */
enum lnt_err lnt_sq_audit_as(struct lnt_store *s, const char *actor, const char *action,
                             const char *object, char *err, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
#define lnt_sq_audit(s, action, object, err, ...)                                                  \
    lnt_sq_audit_as((s), NULL, (action), (object), (err), __VA_ARGS__)

/* The next value of a named counter (counters table), inside the caller's write transaction. */
enum lnt_err lnt_sq_counter_next(struct lnt_store *s, const char *name, int64_t *out, char *err);

/* ---- between the files ---- */

/*
 * sq_badges.c: stores a new sealing key's public half (pk: LNT_BOX_KEY_LEN
 * bytes, keyfile.h) inside the caller's write transaction, as the current one.
 */
enum lnt_err lnt_sq_box_key_add(struct lnt_store *s, const uint8_t *pk, int64_t now, char *err);

/*
 * sq_migrate.c: brings the database on the write connection up to the newest
 * schema (called by sq_open.c while opening, before the readers exist).
 * LNT_ERR_DB for a database newer than this program, or a failed migration
 * (rolled back; the message names it).
 */
enum lnt_err lnt_sq_migrate(struct lnt_store *s, char *err);

/* Revokes staff member's badges usable at `at` (reason "reissued" / "left"), with audit rows. */
enum lnt_err lnt_sq_revoke_staff_badges(struct lnt_store *s, int64_t staff_id, int64_t at,
                                        const char *reason, char *err);
/*
 * sq_keys.c: the schema 4 migration's first step, inside its transaction:
 * copies the secret keys still in the database (schema 3) into the key file
 * and syncs it, before the migration's SQL drops them.
 */
enum lnt_err lnt_sq_keys_move_out(struct lnt_store *s, char *err);
/*
 * The scheme's sealing keys, read from the key file into *out (free with
 * lnt_sq_box_keys_free, which wipes them). Read once for a run of openings,
 * and afresh for the next: another process may have added a key since.
 * LNT_ERR_UNKNOWN_KEY without a key file (the message names it), the key
 * file's own errors otherwise.
 */
struct lnt_keyfile;
enum lnt_err lnt_sq_box_keys(struct lnt_store *s, struct lnt_keyfile **out, char *err);
void lnt_sq_box_keys_free(struct lnt_keyfile *kf);
/*
 * Opens `box` (blen bytes, crypto_box_seal) into `out` (blen -
 * crypto_box_SEALBYTES bytes) with whichever of `kf`'s sealing keys it was
 * sealed to. LNT_ERR_CRYPTO when none opens it; the message names the key
 * file. Thread-safe.
 */
enum lnt_err lnt_sq_box_open(const struct lnt_store *s, const struct lnt_keyfile *kf,
                             const uint8_t *box, size_t blen, uint8_t *out, char *err);
/*
 * casework/sq_webhook.c, inside the claim's write transaction: opens the sealed secret of the
 * current webhook of each webhook delivery of d[0..n) into d[i].secret with the key file's
 * wrapping keys. A secret that cannot be opened (no key file, the wrong one, damaged) leaves
 * the secret zero and says why in d[i].secret_error: that delivery fails, the others go.
 * A webhook cleared or replaced since leaves both empty. LNT_ERR_DB only.
 */
struct lnt_delivery;
enum lnt_err lnt_sq_webhook_secrets(struct lnt_store *s, struct lnt_delivery *d, size_t n,
                                    char *err);
/*
 * casework/sq_webhook.c: the schema 16 migration's step, inside its transaction: seals each
 * webhook secret kept in clear with the key file's wrapping key (made and added to the key
 * file first when it has none) and zeroes the clear copy (the migration scrubs).
 */
enum lnt_err lnt_sq_webhooks_seal(struct lnt_store *s, char *err);
/* sq_batch.c: the ingest scratch state (rollup deltas), made on open and freed on close. */
enum lnt_err lnt_sq_batch_new(struct lnt_store *s, char *err);
void lnt_sq_batch_free(struct lnt_store *s);
/* Forgets the deltas not yet written (after a rollback). */
void lnt_sq_batch_reset(struct lnt_store *s);
/* Writes the accumulated rollup deltas with one upsert per key, inside the open transaction. */
enum lnt_err lnt_sq_batch_flush(struct lnt_store *s, char *err);
/* Columns of rollup_night, in the order of sq_batch.c's upsert. */
enum lnt_sq_night_col {
    NC_CONTACTS,
    NC_SIGN_INS,
    NC_DOOR,
    NC_DOOR_SIA,
    NC_DOOR_VULN,
    NC_ANGELA_ON,
    NC_STAFF,
    NC_STAFF_BYST,
    NC_OPEN,
    NC_INC,
    NC_INC_HOUR,
    NC_SPIKING,
    NC_SPIKING_DONE,
    NC_ANGELA,
    NC_REFUSED,
    NC_STOCK,
    NC__N
};
/* One (venue, night)'s changes to rollup_night: d[] adds to each column; cup replaces cup_level. */
struct lnt_sq_night_delta {
    int64_t venue_id;
    int32_t night;
    int32_t d[NC__N];
    bool has_cup;
    int32_t cup;
};
/*
 * The deltas are written by lnt_sq_batch_flush, or sooner when a table of
 * them is full (then inside the caller's transaction, like the flush); that
 * write's errors (LNT_ERR_DB, LNT_ERR_TIMEOUT) are the only ones.
 */
/* Adds delta to the count of events of (type, kind) at venue in t's hour. */
enum lnt_err lnt_sq_batch_add_hour(struct lnt_store *s, int64_t venue_id, int64_t t, int type,
                                   const char *kind, int64_t delta, char *err);
/* The deltas of (venue, night) for the caller to change, or NULL with err set. */
struct lnt_sq_night_delta *lnt_sq_batch_night(struct lnt_store *s, int64_t venue_id, int32_t night,
                                              char *err);
/* Adds delta to the count of incidents of `kind` at venue on `night`. */
enum lnt_err lnt_sq_batch_add_kind(struct lnt_store *s, int64_t venue_id, int32_t night,
                                   const char *kind, int64_t delta, char *err);
/* sq_ingest.c: the queue of batches waiting to be stored together, made on open. */
enum lnt_err lnt_sq_group_new(struct lnt_store *s, char *err);
void lnt_sq_group_free(struct lnt_store *s);
/* Where an event came from. */
struct lnt_sq_origin {
    int64_t kiosk_id;
    int64_t venue_id;
    int64_t received_at; /* the server's clock when the event arrived */
    /* replaying stored events in the schema 2 migration: the incident_parts table is made
     * (and filled from the events) by migration 4, so nothing is written to it */
    bool replay;
};
/*
 * Everything an accepted event changes besides its own row (rollup deltas wait for the flush).
 * *badge (badge may be NULL) says what the badge register had to say of a sign_in's badge;
 * LNT_SIGNIN_OK for every other event.
 */
/* sq_door.c: the listing of SIA licence `number` in force on `day` (inside the write
 * transaction); LNT_SIA_LISTED_VALID when not listed or not yet in force. */
enum lnt_err lnt_sq_sia_listing_on(struct lnt_store *s, const char *number, int32_t day,
                                   enum lnt_sia_listing *out, char *err);
/* sq_door.c: door rows of `rows` on a licence the scheme lists suspended or revoked on the
 * London date of their on_at take that status (sia_ok false, sia_listed when the badge said
 * valid). On connection c. LNT_ERR_DB. */
enum lnt_err lnt_sq_sia_apply(struct lnt_sq_conn *c, struct lnt_shift *rows, size_t n, char *err);
enum lnt_err lnt_sq_derive(struct lnt_store *s, const struct lnt_sq_origin *o,
                           const struct lnt_event *e, enum lnt_signin_flag *badge, char *err);
/* Inserts one flags row. staff_id and serial may be NULL. */
enum lnt_err lnt_sq_flag(struct lnt_store *s, enum lnt_flag_kind kind,
                         const struct lnt_sq_origin *o, int64_t other_venue, const char *staff_id,
                         const char *serial, int64_t at, int64_t seq, int64_t other, char *err);
/*
 * Whether an incident save from origin `o` may be stored: 1 when report_id is
 * new or belongs to o's venue, 0 when it belongs to another venue (the save
 * is refused: an audit row "incident.conflict" is written in the open
 * transaction and `reason` says why, for the kiosk), -1 on error (err set).
 */
int lnt_sq_incident_owned(struct lnt_store *s, const struct lnt_sq_origin *o,
                          const struct lnt_event *e, char *reason, size_t reason_size, char *err);
/* sq_places.c: the welfare log row of a welfare event, inside the open transaction. */
enum lnt_err lnt_sq_derive_welfare(struct lnt_store *s, const struct lnt_sq_origin *o,
                                   const struct lnt_event *e, char *err);
/*
 * Rebuilds everything derived from the events already stored (used by the
 * schema 2 migration inside its transaction): replays them in arrival order.
 */
enum lnt_err lnt_sq_replay_events(struct lnt_store *s, char *err);
/* Venue row helpers shared by the registers and the views. */
#define LNT_SQ_VENUE_COLS                                                                          \
    "v.id, v.name, v.category, v.capacity, v.area, v.created_at, v.authority, v.trading, "         \
    "v.cup_cover_threshold, v.closed_at, v.joined_on, (SELECT min(k0.enrolled_at) FROM kiosks k0 " \
    "WHERE k0.venue_id = v.id), (SELECT min(r0.night) FROM rollup_night r0 WHERE r0.venue_id = "   \
    "v.id AND r0.contacts > 0)"
#define LNT_SQ_VENUE_NCOLS 13
/* Reads LNT_SQ_VENUE_COLS starting at column `col`. */
void lnt_sq_venue_row_at(sqlite3_stmt *st, int col, struct lnt_venue *v);
/* Kiosk columns for lnt_sq_kiosk_row. */
#define LNT_SQ_KIOSK_COLS                                                                          \
    "id, venue_id, pk, enrolled_at, last_seen, last_seq, revoked, backlog, backlog_at, "           \
    "seq_gaps, seq_backwards, last_anomaly_at, revoked_at"
void lnt_sq_kiosk_row(sqlite3_stmt *st, void *elem);

#endif
