/*
 * pg_int.h - the PostgreSQL backend's insides, shared by the pg_*.c files beside it; not part
 * of the store interface. One file per job:
 *   pg_conn.c  connections: opening (URIs as libpq takes them, several hosts and
 *              target_session_attrs included), a small pool, reconnecting
 *   pg_exec.c  parameterised statements and typed reads of their results
 *   pg_err.c   libpq and SQLSTATE errors as enum lnt_err with a message
 *   pg_tx.c    transactions
 *   pg_call.c  one store call: whether it may be made again after losing its connection
 *   pg_migrate.c, pg_open.c, pg_venues.c, pg_kiosks.c, pg_keys.c, pg_changes.c  the store
 *              functions
 *   ingest/pg_ingest.c, ingest/pg_door.c  the store functions of ingest (group commit, groups
 *              stored side by side) and the door rules
 *   ingest/pg_batch.c  one batch inside an ingest transaction, and that transaction's end
 *   ingest/pg_pipe.c  pipelines of prepared statements (one round trip for many)
 *   pg_registers.c, pg_badges.c, pg_auth.c, pg_audit.c, pg_admin.c  the store functions of
 *              the SQLite files of the same names (sq_registers.c, ...)
 *   ingest/pg_derive.c  what an accepted event changes besides its own row (ingest's insides)
 *   ingest/pg_rollup_write.c  the rollup deltas of an ingest transaction, upserted at its end
 *   views/pg_views.c, views/pg_rollups.c, views/pg_places.c  the officers' reads (as
 *              sqlite/sq_views.c, sq_rollups.c, sq_places.c)
 *   casework/pg_casework.c, casework/pg_scorehist.c  casework and score history (as
 *              sqlite/casework/sq_casework.c, sq_scorehist.c; the rules they share are in
 *              ../casework/cw_rules.c)
 *   casework/pg_hotspots.c, casework/pg_map.c  hot spots and the places' map records (as
 *              sqlite/casework/sq_hotspots.c, sq_map.c; the sums: ../hotspots/hot_sum.c)
 *   casework/pg_alerts.c, casework/pg_alert_sources.c  alerts, subscriptions and the inbox,
 *              and what the raising reads (as sqlite/casework/sq_alerts.c)
 *   pg_ops.c   the table of operations for the dispatch (store_ops.h)
 *   casework/pg_notify.c, casework/pg_webhook.c  the alert delivery queue and the webhooks (as
 *              sqlite/casework/sq_notify.c, sq_webhook.c)
 * Calls go one way: the store function files -> pg_migrate.c, pg_tx.c, pg_conn.c ->
 * pg_exec.c -> pg_err.c; pg_ingest.c -> pg_batch.c -> pg_derive.c -> pg_door.c,
 * pg_rollup_write.c, pg_pipe.c; pg_registers.c -> pg_badges.c; pg_notify.c -> pg_webhook.c;
 * pg_ops.c, pg_conn.c, pg_exec.c, pg_pipe.c -> pg_call.c, which calls none of them.
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
#include "store_changes.h"
#include "store_int.h"

#define LNT_PG_TARGET_MAX 4096 /* bytes of a connection URI */
#define LNT_PG_CONNS 4         /* connections per store: calls run side by side */
/* ingest groups stored at once by default, each on a connection of its own: the rest of the
 * pool is left for reads. LANTERN_PG_STORERS (1 to LNT_PG_CONNS - 1), read at open, says
 * otherwise; 1 is one group at a time, as on SQLite */
#define LNT_PG_STORERS (LNT_PG_CONNS / 2)
#define LNT_PG_GROUP_MAX 32 /* batches stored in one ingest transaction at most */
#define LNT_PG_PARAMS 1000  /* parameters in one statement: a multi-row insert's bound */
#define LNT_PG_LIST_MAX 1000000
#define LNT_PG_ACTOR_LEN 64

/* A storer's slot (pg_ingest.c): whether a group is being stored in it, and its kiosks. */
struct lnt_pg_slot {
    bool busy;
    size_t n;
    int64_t kiosk[LNT_PG_GROUP_MAX];
};

struct lnt_pg_conn {
    PGconn *pg; /* NULL until first used */
    bool busy;
    uint64_t prepared; /* bit i: pipeline statement i is prepared on pg (pg_pipe.c) */
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
    PGconn *listen; /* LISTENing for other servers' changes (pg_changes.c); its one waiter's */
    /* group commit (pg_ingest.c), under mu: batches queued to be stored together, the groups
     * being stored now (in the first `storers` slots), and what grouping has done */
    pthread_cond_t group_cv;
    struct lnt_pg_pending *queue, **queue_tail;
    struct lnt_pg_slot storing[LNT_PG_CONNS];
    uint32_t storers;
    uint64_t retried;
    uint32_t waiting;
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
/*
 * Whether the last failure lnt_pg_fail reported on this thread was a deadlock or a
 * serialisation failure (40P01, 40001): the server rolled back that transaction and nothing of
 * it stands, so trying it again is safe and will most likely succeed (both are LNT_ERR_TIMEOUT,
 * as a lock held past lock_timeout is, which trying again would not cure).
 */
bool lnt_pg_deadlocked(void);

/* ---- connections (pg_conn.c) ---- */

/* Connects to `target` once (for open: says at once when the database cannot be reached). */
enum lnt_err lnt_pg_connect(const char *target, PGconn **out, char *err);
/*
 * A connection of s's pool to use alone until lnt_pg_give; waits while all are taken.
 * Connects (or reconnects a broken one) first: LNT_ERR_NET with libpq's message when that
 * fails. *out is NULL on error.
 */
enum lnt_err lnt_pg_take(struct lnt_store *s, PGconn **out, char *err);
/* Gives a connection back. One the server dropped is closed, and so are the idle ones (they
 * were to the same server): each connects afresh when next taken. */
void lnt_pg_give(struct lnt_store *s, PGconn *pg);
/* Closes every connection. */
void lnt_pg_close_all(struct lnt_store *s);

/* ---- one store call (pg_call.c) ---- */

/*
 * A store call as the dispatch makes it (pg_ops.c), made once more on a fresh connection when
 * it lost its connection and that is safe. While it runs, the pool and the statements note on
 * the calling thread's call what it did:
 *   lost     the first connection it took was broken when given back (the server went away:
 *            a restart, a failover; the pool then drops it and the idle ones);
 *   settled  something it sent may have taken effect: a COMMIT (whatever answer was lost), a
 *            statement outside a transaction that is not a plain read (it commits by itself);
 *            or it took a second connection, having finished with the first (it may have
 *            handed rows on meanwhile, as the _each walks do between pages).
 * A call that failed with LNT_ERR_NET, lost its connection and is not settled is made once
 * more: a read, or writes whose transaction died with its connection before COMMIT was sent
 * (the server rolled it back, so nothing of it stands). Store calls made inside another (a
 * walk's callback using the store) are calls of their own. Ingest retries on its own, also
 * after a lost COMMIT (a batch is stored once), and settles its calls.
 */
struct lnt_pg_call {
    struct lnt_pg_call *outer; /* the call this one is made inside, or NULL */
    unsigned takes;
    bool lost, settled, redone;
};
/* Makes c (the caller's, zeroed here) this thread's current call until lnt_pg_call_leave. */
void lnt_pg_call_enter(struct lnt_pg_call *c);
void lnt_pg_call_leave(struct lnt_pg_call *c);
/* true when the call that returned rc is to be made again (once: afterwards, false). */
bool lnt_pg_call_again(struct lnt_pg_call *c, enum lnt_err rc);
/* Notes on this thread's current call (if any): nothing may redo it. */
void lnt_pg_call_settle(void);
/* Notes a connection taken from the pool (pg_conn.c). */
void lnt_pg_call_took(void);
/* Notes a connection given back: lost when pg is broken (pg_conn.c). */
void lnt_pg_call_gave(PGconn *pg);
/* Notes sql about to be sent on pg: settles the call when it may take effect (pg_exec.c,
 * pg_pipe.c). */
void lnt_pg_call_sending(PGconn *pg, const char *sql);

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

/* Grows a list array to hold at least n + 1 elements of `elem` bytes (doubling), up to
 * LNT_PG_LIST_MAX: LNT_ERR_TOO_LARGE or LNT_ERR_NOMEM, the array unchanged. */
enum lnt_err lnt_pg_grow(void **arr, size_t *cap, size_t n, size_t elem, char *err);
/* The end of a time window [from, to) to pass: `to`, or no end when it is 0. */
static inline int64_t lnt_pg_upper(int64_t to)
{
    return to != 0 ? to : INT64_MAX;
}
/* LNT_ERR_INVALID unless 1 <= limit <= LNT_VIEW_MAX, in the SQLite backend's words. */
static inline enum lnt_err lnt_pg_page_check(size_t limit, char *err)
{
    if (limit < 1 || limit > LNT_VIEW_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "page size must be 1-%d rows, got %zu", LNT_VIEW_MAX,
                        limit);
    return LNT_OK;
}
/*
 * SQL for a TEXT column holding a staff id (shifts.staff_id, ...) as the staff table's BIGINT
 * id, NULL when it is not a number: SQLite compares "12" with 12 as equal, PostgreSQL needs the
 * cast, and a cast on this side keeps staff's primary key in use.
 */
#define LNT_PG_STAFF_ID(col) "(CASE WHEN " col " ~ '^[0-9]{1,18}$' THEN (" col ")::bigint END)"
/*
 * LNT_OK when `sql` (one int64 parameter, $1 = id) returns a row; else LNT_ERR_NOT_FOUND with
 * "<noun> <id> not found", or the statement's error. As the SQLite backend's must_exist.
 */
enum lnt_err lnt_pg_must_exist(PGconn *pg, const char *sql, int64_t id, const char *noun,
                               char *err);
/* The rows an INSERT, UPDATE or DELETE changed (PQcmdTuples), 0 when it says none. */
int64_t lnt_pg_changed(PGresult *r);

/* ---- transactions (pg_tx.c) ---- */

/* BEGIN on pg. A connection found broken by it fails the call, which the dispatch makes again
 * on a fresh connection (pg_call.c). */
enum lnt_err lnt_pg_begin(PGconn *pg, char *err);
/* COMMIT when rc is LNT_OK (its failure becomes rc), else ROLLBACK; returns the outcome. */
enum lnt_err lnt_pg_end(PGconn *pg, enum lnt_err rc, char *err);
/* The channel on which servers on one database hear what changed (pg_changes.c). */
#define LNT_PG_CHANNEL "lantern_changes"
/*
 * Tells every server on the database that what venue_id's score reads has changed
 * (LNT_STORE_CHANGED_ALL, 0: every venue's): NOTIFY lantern_changes with the id in decimal, as
 * lnt_store_changed. Inside the caller's transaction on pg, so it is heard when the change
 * commits and never when it is rolled back. Every write a score reads says so itself, whoever
 * makes it (lanternd, lanternctl).
 */
enum lnt_err lnt_pg_notify(PGconn *pg, int64_t venue_id, char *err);
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

/* casework/pg_webhook.c: the signing secret of each of the n claimed webhook posts of d, opened
 * from its sealed form with the key file's wrapping keys, on the caller's connection (inside
 * its transaction); a secret that cannot be opened leaves it zero with secret_error saying why
 * (the post then fails with that reason), and so does a webhook cleared or replaced since
 * (secret_error empty). LNT_ERR_DB etc. only for the database. */
struct lnt_delivery;
enum lnt_err lnt_pg_webhook_secrets(struct lnt_store *s, PGconn *pg, struct lnt_delivery *d,
                                    size_t n, char *err);

/* ---- schema (pg_migrate.c) ---- */

/* Brings the database up to the newest version this backend has, under an advisory lock so
 * that several servers starting at once migrate it once. */
enum lnt_err lnt_pg_migrate(PGconn *pg, char *err);
/* The newest schema version the PostgreSQL migrations reach. */
int lnt_pg_schema_version(void);

/* ---- pipelines of prepared statements (pg_pipe.c) ---- */

/*
 * Statements sent one after another without waiting for each answer, each prepared once per
 * connection (by name), their results read in order at the next sync: a batch's derivations
 * cost one round trip instead of one each. Statements run in the order sent, so each sees
 * what the ones before it wrote. Used inside the caller's transaction; nothing else may run
 * on the connection between lnt_pg_pipe_begin and lnt_pg_pipe_end.
 */
#define LNT_PG_PIPE_MAX 200 /* statements in flight before a sync: bounded socket buffers */

/* Reads one statement's result (rows, maybe none); ctx and arg as given. LNT_OK or an error
 * with err filled, which stops the pipeline's callbacks (its statements still run). */
typedef enum lnt_err (*lnt_pg_pipe_fn)(const PGresult *r, void *ctx, size_t arg, char *err);

struct lnt_pg_pipe_entry {
    int stmt; /* -1 for a PREPARE */
    lnt_pg_pipe_fn fn;
    void *ctx;
    size_t arg;
};

struct lnt_pg_pipe {
    PGconn *pg;
    uint64_t *prepared; /* the connection's mask */
    size_t n;
    struct lnt_pg_pipe_entry q[LNT_PG_PIPE_MAX + 1];
    enum lnt_err rc; /* the first failure; once set, nothing more is sent */
    char *err;
    const char *what;         /* names a failed statement in err; set by the caller, may change */
    struct lnt_pg_params par; /* scratch for the callers' parameters (sent at once) */
};

/* A statement a pipeline runs: its number (< 64, unique) and SQL. */
struct lnt_pg_stmt {
    int id;
    const char *sql;
};

/* Enters pipeline mode on pg, a connection of s's pool taken by the caller. */
enum lnt_err lnt_pg_pipe_begin(struct lnt_pg_pipe *p, struct lnt_store *s, PGconn *pg, char *err);
/*
 * Queues `st` with parameters `par` (copied out by libpq at once); fn (may be NULL) reads its
 * result at the sync. Syncs by itself every LNT_PG_PIPE_MAX statements. Returns p->rc.
 */
enum lnt_err lnt_pg_pipe_run(struct lnt_pg_pipe *p, const struct lnt_pg_stmt *st,
                             const struct lnt_pg_params *par, lnt_pg_pipe_fn fn, void *ctx,
                             size_t arg);
/* Queues `sql` unprepared (a statement whose text varies, or runs once), as lnt_pg_pipe_run. */
enum lnt_err lnt_pg_pipe_send(struct lnt_pg_pipe *p, const char *sql,
                              const struct lnt_pg_params *par, lnt_pg_pipe_fn fn, void *ctx,
                              size_t arg);
/* Sends a sync and reads every queued result in order. Returns p->rc. */
enum lnt_err lnt_pg_pipe_sync(struct lnt_pg_pipe *p);
/* Syncs what is queued and leaves pipeline mode; returns p->rc (err holds its message). */
enum lnt_err lnt_pg_pipe_end(struct lnt_pg_pipe *p);

/* ---- rollups written by ingest (pg_rollup_write.c) ---- */

/* Columns of rollup_night, in the order of the upsert. */
enum lnt_pg_night_col {
    LNT_PG_NC_CONTACTS,
    LNT_PG_NC_SIGN_INS,
    LNT_PG_NC_DOOR,
    LNT_PG_NC_DOOR_SIA,
    LNT_PG_NC_DOOR_VULN,
    LNT_PG_NC_ANGELA_ON,
    LNT_PG_NC_STAFF,
    LNT_PG_NC_STAFF_BYST,
    LNT_PG_NC_OPEN,
    LNT_PG_NC_INC,
    LNT_PG_NC_INC_HOUR,
    LNT_PG_NC_SPIKING,
    LNT_PG_NC_SPIKING_DONE,
    LNT_PG_NC_ANGELA,
    LNT_PG_NC_REFUSED,
    LNT_PG_NC_STOCK,
    LNT_PG_NC__N
};
/* One (venue, night)'s changes to rollup_night: d[] adds to each column; cup replaces
 * cup_level. */
struct lnt_pg_night_delta {
    int64_t venue_id;
    int32_t night;
    int32_t d[LNT_PG_NC__N];
    bool has_cup;
    int32_t cup;
};
/* The rollup changes of one ingest transaction, merged by key; written by lnt_pg_rollups_flush
 * with one multi-row upsert per table. Grows as needed (a transaction holds at most a few
 * thousand events). Not thread-safe: one per transaction. */
struct lnt_pg_rollups;
struct lnt_pg_rollups *lnt_pg_rollups_new(void);
void lnt_pg_rollups_free(struct lnt_pg_rollups *r);
/* Forgets every delta (after a rollback). */
void lnt_pg_rollups_reset(struct lnt_pg_rollups *r);
/* Adds delta to the count of events of (type, kind) at venue in t's hour. LNT_ERR_NOMEM. */
enum lnt_err lnt_pg_rollups_hour(struct lnt_pg_rollups *r, int64_t venue_id, int64_t t, int type,
                                 const char *kind, int64_t delta, char *err);
/* The deltas of (venue, night) for the caller to change; NULL (err set) out of memory. */
struct lnt_pg_night_delta *lnt_pg_rollups_night(struct lnt_pg_rollups *r, int64_t venue_id,
                                                int32_t night, char *err);
/* Adds delta to the count of incidents of `kind` at venue on `night`. LNT_ERR_NOMEM. */
enum lnt_err lnt_pg_rollups_kind(struct lnt_pg_rollups *r, int64_t venue_id, int32_t night,
                                 const char *kind, int64_t delta, char *err);
/* Upserts every delta inside the open transaction on pg (keys in order, so that servers
 * writing at once take the rows' locks in one order), then forgets them. The venues whose
 * rollups change are told to the other servers (NOTIFY, as lnt_pg_notify) on commit. */
enum lnt_err lnt_pg_rollups_flush(struct lnt_pg_rollups *r, PGconn *pg, char *err);
/* The same upserts queued on pipeline p (their outcome known at its sync). Returns p->rc. */
enum lnt_err lnt_pg_rollups_queue(struct lnt_pg_rollups *r, struct lnt_pg_pipe *p);

/* ---- what ingest derives (pg_derive.c) ---- */

/* Where an event came from, and where its derivations go. */
struct lnt_pg_origin {
    int64_t kiosk_id;
    int64_t venue_id;
    int64_t received_at; /* the server's clock when the event arrived */
};
/* One accepted event to derive from: the caller's, left in place until the pipeline syncs. */
struct lnt_pg_derived {
    struct lnt_pg_rollups *r; /* where its rollup deltas go */
    struct lnt_pg_origin o;
    const struct lnt_event *e;
    int *badge;         /* may be NULL: set at the sync to what the badge register had to say of a
                           sign_in's badge (enum lnt_signin_flag), LNT_SIGNIN_OK for other events */
    const bool *undone; /* may be NULL: when true at the sync, the statements were rolled back
                           (to a savepoint) and their results count for nothing */
};
/* Everything d's event changes besides its own row, queued on pipeline p (its results read,
 * and its rollup deltas counted, at the pipeline's next sync). With d->undone set, what every
 * event counts (its hour, its night's contacts) is left to lnt_pg_derive_count, for the
 * caller to call once the statements are known to stand. Returns p->rc. */
enum lnt_err lnt_pg_derive(struct lnt_pg_pipe *p, struct lnt_pg_derived *d);
/* Counts what every accepted event adds to the rollups. LNT_ERR_NOMEM. */
enum lnt_err lnt_pg_derive_count(struct lnt_pg_derived *d, char *err);
/* Queues one flags row. staff_id and serial may be NULL; copied by libpq at once. */
enum lnt_err lnt_pg_flag(struct lnt_pg_pipe *p, enum lnt_flag_kind kind,
                         const struct lnt_pg_origin *o, int64_t other_venue, const char *staff_id,
                         const char *serial, int64_t at, int64_t seq, int64_t other);
/* The stored reports a batch's incident saves name, and their venues. */
struct lnt_pg_owners {
    int n;
    char report[LNT_BATCH_MAX][LNT_UUID_STRLEN];
    int64_t venue[LNT_BATCH_MAX];
    char kind[LNT_BATCH_MAX][LNT_SHORT_TEXT];
};
/* Queues the question for ev[0..n) on p; *out is filled at the sync (stays put until then). */
enum lnt_err lnt_pg_incidents_ask(struct lnt_pg_pipe *p, const struct lnt_event *ev, size_t n,
                                  struct lnt_pg_owners *out);
/*
 * Which of a batch's incident saves (from origin o) may be stored, from the answer `own`:
 * owned[i] false for a save of a report another venue holds (the save is refused: an audit
 * row "incident.conflict" is written in the open transaction on pg and reason[i] says why,
 * for the kiosk), true for every other event. LNT_ERR_DB etc. with err set.
 */
enum lnt_err lnt_pg_incidents_owned(PGconn *pg, const struct lnt_pg_origin *o,
                                    const struct lnt_event *ev, size_t n,
                                    const struct lnt_pg_owners *own, bool *owned,
                                    struct lnt_ingest_result *results, char *err);

/* ---- door rules (pg_door.c) ---- */

/* An audit row by `actor` (NULL: the store's actor) inside the caller's transaction on pg. */
enum lnt_err lnt_pg_audit_actor(struct lnt_store *s, PGconn *pg, const char *actor,
                                const char *action, const char *object, char *err, const char *fmt,
                                ...) __attribute__((format(printf, 7, 8)));
/* The SQL of the SIA listing of licence $N on day $M in force (a scalar subquery giving 0, 1
 * or 2; 0 when not listed), for derivations to embed. */
#define LNT_PG_SIA_ON(num, day)                                                                    \
    "coalesce((SELECT h.status FROM sia_history h WHERE h.number = " num " AND h.from_day <= " day \
    " ORDER BY h.from_day DESC LIMIT 1), 0)"

/* ---- one batch of an ingest transaction (pg_batch.c) ---- */

/* A batch on its way into the store: the caller's arguments and, once done, its outcome. */
struct lnt_pg_pending {
    int64_t kiosk_id, now;
    const struct lnt_event *ev;
    size_t n;
    struct lnt_ingest_result *results;
    struct lnt_store_encoded enc;
    enum lnt_err rc_enc; /* from encoding, before any connection is taken */
    char *err;
    enum lnt_err rc; /* the outcome, valid once done */
    bool done;
    struct lnt_pg_pending *next;
    /* scratch while storing */
    bool skip[LNT_BATCH_MAX], accepted[LNT_BATCH_MAX];
    struct lnt_pg_derived derived[LNT_BATCH_MAX];
    struct {
        bool found;
        int64_t venue_id, revoked, last_seq;
    } kiosk;                     /* its kiosk, locked */
    struct lnt_pg_owners owners; /* the stored reports its incident saves name */
    int expected;                /* events the insert should store */
    bool undone;                 /* it did not: what was sent with it is rolled back */
};

/* What storing needs besides the batch: the connection, a pipeline, the rollups. */
struct lnt_pg_writer {
    struct lnt_store *s;
    PGconn *pg;
    struct lnt_pg_pipe *pipe;
    struct lnt_pg_rollups *rollups;
};
/*
 * Stores p's events inside the writer's transaction (begun here when `begin`); rollup deltas go
 * to the writer's rollups, which lnt_pg_end_ingest writes. *wrote says whether the transaction
 * was touched: a batch refused before anything failed or was written (unknown or revoked
 * kiosk, an event that cannot be encoded) leaves it as it was. p->results and p->err are
 * filled; the return is the batch's outcome.
 */
enum lnt_err lnt_pg_store_batch(struct lnt_pg_writer *w, struct lnt_pg_pending *p, bool begin,
                                bool *wrote);
/* Ends the writer's transaction: writes the rollups and commits when rc is LNT_OK (one round
 * trip; its failure becomes rc), else rolls back; the rollups are forgotten either way. */
enum lnt_err lnt_pg_end_ingest(struct lnt_pg_writer *w, enum lnt_err rc, char *err);

#endif
