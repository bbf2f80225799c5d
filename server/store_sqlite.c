/* store_sqlite.c - the store on SQLite: one write connection, one read connection, WAL. */
#include "store_int.h"

#include <inttypes.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "codec.h"
#include "ltime.h"

/* The migrations, embedded at build time from assets/sql/sqlite (see cmake/Embed.cmake). */
extern const unsigned char lnt_sql_sqlite_001_init[];

struct migration {
    int version;
    const char *name;
    const unsigned char *sql;
};

/* In order; each is applied in its own transaction and sets user_version to its number. */
static const struct migration migrations[] = {
    {1, "001_init.sql", lnt_sql_sqlite_001_init},
};
#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])

#define PATH_MAX_LEN 4096
#define LIST_MAX 1000000 /* rows in one list: a bound, not an expectation */
#define EACH_PAGE 64     /* events decoded per read while walking */
#define ACTOR_LEN 64
#define CONFLICT_REASON "stored before with different content"

/*
 * One writer, one reader. SQLite allows one writer at a time anyway; the
 * mutexes keep each connection (and its cached statements) to one thread at
 * a time. In WAL mode the reader never waits for the writer.
 */
struct lnt_store {
    sqlite3 *wdb;
    sqlite3 *rdb;
    pthread_mutex_t wmu;
    pthread_mutex_t rmu;
    /* statements for the event hot path, on wdb, guarded by wmu */
    sqlite3_stmt *ev_kiosk;
    sqlite3_stmt *ev_insert;
    sqlite3_stmt *ev_existing;
    sqlite3_stmt *ev_conflict;
    sqlite3_stmt *ev_touch;
    sqlite3_stmt *tx_begin;
    sqlite3_stmt *tx_commit;
    sqlite3_stmt *tx_rollback;
    struct lnt_buf body; /* canonical event JSON, reused; guarded by wmu */
    char actor[ACTOR_LEN];
};

/* ---- small helpers ---- */

static enum lnt_err db_fail(sqlite3 *db, char *err, const char *what)
{
    int rc = sqlite3_extended_errcode(db);
    enum lnt_err code = (rc & 0xff) == SQLITE_BUSY ? LNT_ERR_TIMEOUT : LNT_ERR_DB;
    return lnt_fail(err, code, "%s: %s", what, sqlite3_errmsg(db));
}

static enum lnt_err exec(sqlite3 *db, const char *sql, char *err)
{
    char *msg = NULL;
    enum lnt_err rc = LNT_OK;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        rc = lnt_fail(err, LNT_ERR_DB, "%s", msg != NULL ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
    }
    return rc;
}

static enum lnt_err prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out, char *err)
{
    if (sqlite3_prepare_v2(db, sql, -1, out, NULL) != SQLITE_OK) {
        *out = NULL;
        return db_fail(db, err, "preparing a statement");
    }
    return LNT_OK;
}

/* Runs a statement that returns no rows (or whose rows are ignored) and resets it. */
static enum lnt_err step_done(sqlite3 *db, sqlite3_stmt *st, char *err, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db_fail(db, err, what);
    return LNT_OK;
}

static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    (void)lnt_str_copy(dst, size, t != NULL ? (const char *)t : "");
}

/* Copies a BLOB column of exactly n bytes; false when the stored value has another size. */
static bool copy_blob(uint8_t *dst, size_t n, sqlite3_stmt *st, int col)
{
    const void *p = sqlite3_column_blob(st, col);
    if (p == NULL || (size_t)sqlite3_column_bytes(st, col) != n)
        return false;
    memcpy(dst, p, n);
    return true;
}

/* Grows a list array by one slot, up to LIST_MAX. */
static enum lnt_err list_grow(void **arr, size_t *cap, size_t n, size_t elem, char *err)
{
    void *p;
    size_t ncap;

    if (n < *cap)
        return LNT_OK;
    if (n >= LIST_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "more than %d rows in one list", LIST_MAX);
    ncap = *cap ? *cap * 2 : 16;
    p = realloc(*arr, ncap * elem);
    if (p == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory listing rows");
    *arr = p;
    *cap = ncap;
    return LNT_OK;
}

static void wlock(struct lnt_store *s)
{
    pthread_mutex_lock(&s->wmu);
}

static void wunlock(struct lnt_store *s)
{
    pthread_mutex_unlock(&s->wmu);
}

static void rlock(struct lnt_store *s)
{
    pthread_mutex_lock(&s->rmu);
}

static void runlock(struct lnt_store *s)
{
    pthread_mutex_unlock(&s->rmu);
}

/* BEGIN IMMEDIATE on the write connection: takes the database's write lock now, not later. */
static enum lnt_err tx_begin(struct lnt_store *s, char *err)
{
    return step_done(s->wdb, s->tx_begin, err, "starting a transaction");
}

static enum lnt_err tx_commit(struct lnt_store *s, char *err)
{
    return step_done(s->wdb, s->tx_commit, err, "committing");
}

/* Leaves the error message of the failure that led here alone. */
static void tx_rollback(struct lnt_store *s)
{
    if (!sqlite3_get_autocommit(s->wdb))
        (void)step_done(s->wdb, s->tx_rollback, NULL, "rolling back");
}

/* Appends one audit row inside the caller's transaction. */
static enum lnt_err audit(struct lnt_store *s, const char *action, char *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum lnt_err audit(struct lnt_store *s, const char *action, char *err, const char *fmt, ...)
{
    char detail[512];
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    rc =
        prepare(s->wdb, "INSERT INTO audit_log (at, actor, action, detail) VALUES (?1, ?2, ?3, ?4)",
                &st, err);
    if (rc != LNT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, lnt_time_now());
    sqlite3_bind_text(st, 2, s->actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, detail, -1, SQLITE_STATIC);
    rc = step_done(s->wdb, st, err, "writing the audit log");
    sqlite3_finalize(st);
    return rc;
}

/* 1 when `sql` (one bound int64 parameter) returns a row, 0 when not, -1 on error. */
static int row_exists(sqlite3 *db, const char *sql, int64_t id, char *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (prepare(db, sql, &st, err) != LNT_OK)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        (void)db_fail(db, err, "looking up a row");
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* ---- opening, configuring, migrating ---- */

static enum lnt_err configure(sqlite3 *db, bool reader, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;
    const unsigned char *mode;

    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 5000);
    rc = prepare(db, "PRAGMA journal_mode=WAL", &st, err);
    if (rc != LNT_OK)
        return rc;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = db_fail(db, err, "setting WAL mode");
        goto out;
    }
    mode = sqlite3_column_text(st, 0);
    if (mode == NULL || strcmp((const char *)mode, "wal") != 0) {
        rc = lnt_fail(err, LNT_ERR_DB, "database refused WAL mode (journal mode is %s)",
                      mode != NULL ? (const char *)mode : "unknown");
        goto out;
    }
    rc = exec(db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", err);
    if (rc == LNT_OK && reader)
        rc = exec(db, "PRAGMA query_only=ON;", err);
out:
    sqlite3_finalize(st);
    return rc;
}

static enum lnt_err user_version(sqlite3 *db, int *out, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc = prepare(db, "PRAGMA user_version", &st, err);

    if (rc != LNT_OK)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    else
        rc = db_fail(db, err, "reading the schema version");
    sqlite3_finalize(st);
    return rc;
}

static enum lnt_err refuse_newer(const char *path, int v, char *err)
{
    return lnt_fail(err, LNT_ERR_DB,
                    "database %s has schema version %d, newer than this program knows (%d): "
                    "use a newer Lantern",
                    path, v, migrations[N_MIGRATIONS - 1].version);
}

/* Applies every migration newer than the database, each in its own transaction. */
static enum lnt_err migrate(sqlite3 *db, const char *path, char *err)
{
    enum lnt_err rc;
    int v = 0;
    char sql[64];

    rc = user_version(db, &v, err);
    if (rc != LNT_OK)
        return rc;
    if (v > migrations[N_MIGRATIONS - 1].version)
        return refuse_newer(path, v, err);
    for (size_t i = 0; i < N_MIGRATIONS; i++) {
        const struct migration *m = &migrations[i];
        if (m->version <= v)
            continue;
        rc = exec(db, "BEGIN IMMEDIATE", err);
        if (rc != LNT_OK)
            return lnt_fail_prefix(err, rc, "migration %s: ", m->name);
        /* another process may have migrated while we waited for the lock */
        rc = user_version(db, &v, err);
        if (rc == LNT_OK && v > migrations[N_MIGRATIONS - 1].version)
            rc = refuse_newer(path, v, err);
        if (rc == LNT_OK && m->version > v) {
            rc = exec(db, (const char *)m->sql, err);
            if (rc == LNT_OK) {
                snprintf(sql, sizeof sql, "PRAGMA user_version = %d", m->version);
                rc = exec(db, sql, err);
            }
            if (rc != LNT_OK)
                rc = lnt_fail_prefix(err, rc, "migration %s: ", m->name);
        }
        if (rc == LNT_OK)
            rc = exec(db, "COMMIT", err);
        if (rc != LNT_OK) {
            (void)exec(db, "ROLLBACK", NULL);
            return rc;
        }
        if (m->version > v)
            v = m->version;
    }
    return LNT_OK;
}

static enum lnt_err open_conn(const char *path, int flags, sqlite3 **out, char *err)
{
    sqlite3 *db = NULL;

    if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        enum lnt_err rc = lnt_fail(err, LNT_ERR_DB, "opening %s: %s", path,
                                   db != NULL ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return rc;
    }
    *out = db;
    return LNT_OK;
}

static enum lnt_err prepare_hot(struct lnt_store *s, char *err)
{
    sqlite3_stmt **const slots[] = {
        &s->ev_kiosk, &s->ev_insert, &s->ev_existing, &s->ev_conflict,
        &s->ev_touch, &s->tx_begin,  &s->tx_commit,   &s->tx_rollback,
    };
    static const char *const sql[] = {
        "SELECT venue_id, revoked FROM kiosks WHERE id = ?1",
        "INSERT INTO events (kiosk_id, seq, uuid, type, venue_id, staff_id, occurred_at, "
        "received_at, body, body_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
        "ON CONFLICT (kiosk_id, seq) DO NOTHING",
        "SELECT body_sha256 FROM events WHERE kiosk_id = ?1 AND seq = ?2",
        "INSERT INTO event_conflicts (kiosk_id, seq, received_at, body) VALUES (?1, ?2, ?3, ?4)",
        "UPDATE kiosks SET last_seen = ?2, last_seq = max(last_seq, ?3) WHERE id = ?1",
        "BEGIN IMMEDIATE",
        "COMMIT",
        "ROLLBACK",
    };
    _Static_assert(sizeof slots / sizeof slots[0] == sizeof sql / sizeof sql[0],
                   "one statement per slot");

    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        enum lnt_err rc = prepare(s->wdb, sql[i], slots[i], err);
        if (rc != LNT_OK)
            return rc;
    }
    return LNT_OK;
}

enum lnt_err lnt_store_open(struct lnt_store **out, const char *path, char *err)
{
    struct lnt_store *s = NULL;
    enum lnt_err rc;

    *out = NULL;
    if (path == NULL || path[0] == '\0' || strlen(path) >= PATH_MAX_LEN)
        return lnt_fail(err, LNT_ERR_INVALID, "database path must be 1-%d bytes", PATH_MAX_LEN - 1);
    if (sqlite3_threadsafe() == 0)
        return lnt_fail(err, LNT_ERR_DB, "this SQLite was built without thread support");
    s = calloc(1, sizeof *s);
    if (s == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory opening the store");
    pthread_mutex_init(&s->wmu, NULL);
    pthread_mutex_init(&s->rmu, NULL);
    lnt_buf_init(&s->body, LNT_BATCH_BODY_MAX);
    (void)lnt_str_copy(s->actor, sizeof s->actor, "system");

    rc = open_conn(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &s->wdb, err);
    if (rc == LNT_OK)
        rc = configure(s->wdb, false, err);
    if (rc == LNT_OK)
        rc = migrate(s->wdb, path, err);
    if (rc == LNT_OK)
        rc = open_conn(path, SQLITE_OPEN_READWRITE, &s->rdb, err);
    if (rc == LNT_OK)
        rc = configure(s->rdb, true, err);
    if (rc == LNT_OK)
        rc = prepare_hot(s, err);
    if (rc != LNT_OK) {
        if (err != NULL && strstr(err, path) == NULL)
            rc = lnt_fail_prefix(err, rc, "%s: ", path);
        lnt_store_free(s);
        return rc;
    }
    *out = s;
    return LNT_OK;
}

void lnt_store_free(struct lnt_store *s)
{
    if (s == NULL)
        return;
    sqlite3_finalize(s->ev_kiosk);
    sqlite3_finalize(s->ev_insert);
    sqlite3_finalize(s->ev_existing);
    sqlite3_finalize(s->ev_conflict);
    sqlite3_finalize(s->ev_touch);
    sqlite3_finalize(s->tx_begin);
    sqlite3_finalize(s->tx_commit);
    sqlite3_finalize(s->tx_rollback);
    sqlite3_close(s->rdb);
    sqlite3_close(s->wdb);
    lnt_buf_release(&s->body);
    pthread_mutex_destroy(&s->rmu);
    pthread_mutex_destroy(&s->wmu);
    free(s);
}

void lnt_store_set_actor(struct lnt_store *s, const char *actor)
{
    wlock(s);
    /* a name longer than the column is cut short rather than refused: it is a label */
    (void)lnt_str_copy(s->actor, sizeof s->actor,
                       actor != NULL && actor[0] != '\0' ? actor : "system");
    wunlock(s);
}

/* ---- scheme ---- */

enum lnt_err lnt_store_scheme_init(struct lnt_store *s, const char *name, char *err)
{
    struct lnt_signing_key key;
    uint8_t box_pk[32], box_sk[32];
    char kid_hex[LNT_HEX_LEN(LNT_KID_LEN)];
    sqlite3_stmt *st = NULL;
    int64_t now = lnt_time_now();
    enum lnt_err rc;
    int found;

    rc = lnt_store_scheme_name_check(name, err);
    if (rc != LNT_OK)
        return rc;
    lnt_badge_keygen(&key);
    lnt_store_box_keygen(box_pk, box_sk);
    lnt_hex_encode(key.kid, LNT_KID_LEN, kid_hex);

    wlock(s);
    rc = tx_begin(s, err);
    if (rc != LNT_OK)
        goto out;
    found = row_exists(s->wdb, "SELECT 1 FROM scheme WHERE id = ?1", 1, err);
    if (found != 0) {
        rc = found < 0 ? LNT_ERR_DB
                       : lnt_fail(err, LNT_ERR_EXISTS, "the scheme is already initialised");
        goto out;
    }
    rc = prepare(s->wdb, "INSERT INTO scheme (id, name, created_at) VALUES (1, ?1, ?2)", &st, err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    rc = step_done(s->wdb, st, err, "storing the scheme");
    sqlite3_finalize(st);
    st = NULL;
    if (rc != LNT_OK)
        goto out;
    rc = prepare(s->wdb,
                 "INSERT INTO signing_keys (kid, pk, sk, created_at) VALUES (?1, ?2, ?3, ?4)", &st,
                 err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_blob(st, 1, key.kid, LNT_KID_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, key.pk, LNT_SIGN_PK_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, key.sk, LNT_SIGN_SK_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    rc = step_done(s->wdb, st, err, "storing the signing key");
    sqlite3_finalize(st);
    st = NULL;
    if (rc != LNT_OK)
        goto out;
    rc = prepare(s->wdb, "INSERT INTO box_key (id, pk, sk, created_at) VALUES (1, ?1, ?2, ?3)", &st,
                 err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_blob(st, 1, box_pk, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, box_sk, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    rc = step_done(s->wdb, st, err, "storing the sealing key");
    if (rc != LNT_OK)
        goto out;
    rc = audit(s, "scheme.init", err, "scheme %s, signing key %s", name, kid_hex);
    if (rc == LNT_OK)
        rc = tx_commit(s, err);
out:
    sqlite3_finalize(st);
    if (rc != LNT_OK)
        tx_rollback(s);
    wunlock(s);
    lnt_store_wipe(&key, sizeof key);
    lnt_store_wipe(box_sk, sizeof box_sk);
    return rc;
}

enum lnt_err lnt_store_scheme_get(struct lnt_store *s, struct lnt_scheme *out, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;
    int r;

    memset(out, 0, sizeof *out);
    rlock(s);
    /* one read transaction: the name and keys come from the same snapshot */
    rc = exec(s->rdb, "BEGIN", err);
    if (rc != LNT_OK)
        goto out;
    rc = prepare(s->rdb, "SELECT name FROM scheme WHERE id = 1", &st, err);
    if (rc != LNT_OK)
        goto out;
    r = sqlite3_step(st);
    if (r == SQLITE_DONE) {
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "the scheme is not initialised");
        goto out;
    }
    if (r != SQLITE_ROW) {
        rc = db_fail(s->rdb, err, "reading the scheme");
        goto out;
    }
    copy_text(out->name, sizeof out->name, st, 0);
    sqlite3_finalize(st);
    st = NULL;

    rc = prepare(s->rdb,
                 "SELECT kid, pk, sk FROM signing_keys WHERE retired_at IS NULL "
                 "ORDER BY created_at DESC LIMIT 1",
                 &st, err);
    if (rc != LNT_OK)
        goto out;
    r = sqlite3_step(st);
    if (r != SQLITE_ROW || !copy_blob(out->key.kid, LNT_KID_LEN, st, 0) ||
        !copy_blob(out->key.pk, LNT_SIGN_PK_LEN, st, 1) ||
        !copy_blob(out->key.sk, LNT_SIGN_SK_LEN, st, 2)) {
        rc = r == SQLITE_ROW || r == SQLITE_DONE
                 ? lnt_fail(err, LNT_ERR_DB, "the scheme has no usable signing key")
                 : db_fail(s->rdb, err, "reading the signing key");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;

    rc = prepare(s->rdb, "SELECT pk, sk FROM box_key WHERE id = 1", &st, err);
    if (rc != LNT_OK)
        goto out;
    r = sqlite3_step(st);
    if (r != SQLITE_ROW || !copy_blob(out->box_pk, 32, st, 0) ||
        !copy_blob(out->box_sk, 32, st, 1)) {
        rc = r == SQLITE_ROW || r == SQLITE_DONE
                 ? lnt_fail(err, LNT_ERR_DB, "the scheme has no usable sealing key")
                 : db_fail(s->rdb, err, "reading the sealing key");
        goto out;
    }
out:
    sqlite3_finalize(st);
    if (!sqlite3_get_autocommit(s->rdb))
        (void)exec(s->rdb, "COMMIT", NULL);
    runlock(s);
    if (rc != LNT_OK)
        lnt_store_wipe(out, sizeof *out);
    return rc;
}

enum lnt_err lnt_store_trust_keys(struct lnt_store *s, struct lnt_trusted_key **out, size_t *n,
                                  char *err)
{
    sqlite3_stmt *st = NULL;
    struct lnt_trusted_key *keys = NULL;
    size_t cap = 0, cnt = 0;
    enum lnt_err rc;
    int r;

    *out = NULL;
    *n = 0;
    rlock(s);
    rc = prepare(s->rdb,
                 "SELECT kid, pk FROM signing_keys WHERE retired_at IS NULL OR retired_at > ?1 "
                 "ORDER BY created_at, kid",
                 &st, err);
    if (rc != LNT_OK)
        goto out;
    /* a retired key stays trusted as long as a badge it signed can still be valid */
    sqlite3_bind_int64(st, 1, lnt_time_now() - LNT_BADGE_MAX_VALIDITY);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        rc = list_grow((void **)&keys, &cap, cnt, sizeof *keys, err);
        if (rc != LNT_OK)
            goto out;
        if (!copy_blob(keys[cnt].kid, LNT_KID_LEN, st, 0) ||
            !copy_blob(keys[cnt].pk, LNT_SIGN_PK_LEN, st, 1)) {
            rc = lnt_fail(err, LNT_ERR_DB, "a stored signing key is damaged");
            goto out;
        }
        cnt++;
    }
    if (r != SQLITE_DONE)
        rc = db_fail(s->rdb, err, "listing signing keys");
out:
    sqlite3_finalize(st);
    runlock(s);
    if (rc != LNT_OK) {
        free(keys);
        return rc;
    }
    *out = keys;
    *n = cnt;
    return LNT_OK;
}

/* ---- venues ---- */

static enum lnt_err venue_check(const struct lnt_venue *v, char *err)
{
    enum lnt_err rc = lnt_store_text_check("venue name", v->name, sizeof v->name - 1, err);
    if (rc == LNT_OK)
        rc = lnt_store_text_check("venue area", v->area, sizeof v->area - 1, err);
    if (rc != LNT_OK)
        return rc;
    if (v->category < LNT_VENUE_PUB || v->category > LNT_VENUE_HUB)
        return lnt_fail(err, LNT_ERR_INVALID, "venue category %d is not known", (int)v->category);
    if (v->capacity < 0)
        return lnt_fail(err, LNT_ERR_INVALID, "venue capacity must not be negative");
    return LNT_OK;
}

enum lnt_err lnt_store_venue_add(struct lnt_store *s, struct lnt_venue *v, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc = venue_check(v, err);
    int64_t now = lnt_time_now();

    if (rc != LNT_OK)
        return rc;
    wlock(s);
    rc = tx_begin(s, err);
    if (rc != LNT_OK)
        goto out;
    rc = prepare(s->wdb,
                 "INSERT INTO venues (name, category, capacity, area, created_at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5)",
                 &st, err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_text(st, 1, v->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, (int)v->category);
    sqlite3_bind_int(st, 3, v->capacity);
    sqlite3_bind_text(st, 4, v->area, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    rc = step_done(s->wdb, st, err, "storing the venue");
    if (rc != LNT_OK)
        goto out;
    v->id = sqlite3_last_insert_rowid(s->wdb);
    v->created_at = now;
    rc =
        audit(s, "venue.add", err, "venue %" PRId64 " \"%s\" %s, capacity %" PRId32 ", area \"%s\"",
              v->id, v->name, lnt_venue_category_name(v->category), v->capacity, v->area);
    if (rc == LNT_OK)
        rc = tx_commit(s, err);
out:
    sqlite3_finalize(st);
    if (rc != LNT_OK)
        tx_rollback(s);
    wunlock(s);
    return rc;
}

#define VENUE_COLS "id, name, category, capacity, area, created_at"

static void venue_row(sqlite3_stmt *st, struct lnt_venue *v)
{
    memset(v, 0, sizeof *v);
    v->id = sqlite3_column_int64(st, 0);
    copy_text(v->name, sizeof v->name, st, 1);
    v->category = (enum lnt_venue_category)sqlite3_column_int(st, 2);
    v->capacity = sqlite3_column_int(st, 3);
    copy_text(v->area, sizeof v->area, st, 4);
    v->created_at = sqlite3_column_int64(st, 5);
}

enum lnt_err lnt_store_venue_get(struct lnt_store *s, int64_t id, struct lnt_venue *out, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;
    int r;

    rlock(s);
    rc = prepare(s->rdb, "SELECT " VENUE_COLS " FROM venues WHERE id = ?1", &st, err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        venue_row(st, out);
    else if (r == SQLITE_DONE)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "venue %" PRId64 " not found", id);
    else
        rc = db_fail(s->rdb, err, "reading a venue");
out:
    sqlite3_finalize(st);
    runlock(s);
    return rc;
}

enum lnt_err lnt_store_venue_list(struct lnt_store *s, struct lnt_venue **out, size_t *n, char *err)
{
    sqlite3_stmt *st = NULL;
    struct lnt_venue *arr = NULL;
    size_t cap = 0, cnt = 0;
    enum lnt_err rc;
    int r;

    *out = NULL;
    *n = 0;
    rlock(s);
    rc = prepare(s->rdb, "SELECT " VENUE_COLS " FROM venues ORDER BY id", &st, err);
    if (rc != LNT_OK)
        goto out;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        rc = list_grow((void **)&arr, &cap, cnt, sizeof *arr, err);
        if (rc != LNT_OK)
            goto out;
        venue_row(st, &arr[cnt++]);
    }
    if (r != SQLITE_DONE)
        rc = db_fail(s->rdb, err, "listing venues");
out:
    sqlite3_finalize(st);
    runlock(s);
    if (rc != LNT_OK) {
        free(arr);
        return rc;
    }
    *out = arr;
    *n = cnt;
    return LNT_OK;
}

/* ---- staff and training ---- */

enum lnt_err lnt_store_staff_add(struct lnt_store *s, struct lnt_staff *stf, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;
    int found;

    rc = lnt_store_text_check("staff name", stf->name, sizeof stf->name - 1, err);
    if (rc == LNT_OK)
        rc = lnt_store_sia_check(stf->sia_number, err);
    if (rc != LNT_OK)
        return rc;
    if (stf->role < LNT_ROLE_DOOR || stf->role > LNT_ROLE_VOLUNTEER)
        return lnt_fail(err, LNT_ERR_INVALID, "staff role %d is not known", (int)stf->role);
    if ((stf->sia_number[0] != '\0') != (stf->sia_expires != 0))
        return lnt_fail(err, LNT_ERR_INVALID,
                        "an SIA licence needs both its number and its expiry");

    wlock(s);
    rc = tx_begin(s, err);
    if (rc != LNT_OK)
        goto out;
    found = row_exists(s->wdb, "SELECT 1 FROM venues WHERE id = ?1", stf->venue_id, err);
    if (found != 1) {
        rc = found < 0
                 ? LNT_ERR_DB
                 : lnt_fail(err, LNT_ERR_NOT_FOUND, "venue %" PRId64 " not found", stf->venue_id);
        goto out;
    }
    rc = prepare(s->wdb,
                 "INSERT INTO staff (venue_id, name, role, sia_number, sia_expires, created_at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                 &st, err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_int64(st, 1, stf->venue_id);
    sqlite3_bind_text(st, 2, stf->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, (int)stf->role);
    sqlite3_bind_text(st, 4, stf->sia_number, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, stf->sia_expires);
    sqlite3_bind_int64(st, 6, lnt_time_now());
    rc = step_done(s->wdb, st, err, "storing the staff member");
    if (rc != LNT_OK)
        goto out;
    stf->id = sqlite3_last_insert_rowid(s->wdb);
    /* the audit trail names the person but never copies the licence number */
    rc = audit(s, "staff.add", err, "staff %" PRId64 " \"%s\" %s at venue %" PRId64 "%s", stf->id,
               stf->name, lnt_role_name(stf->role), stf->venue_id,
               stf->sia_number[0] ? ", SIA licence recorded" : "");
    if (rc == LNT_OK)
        rc = tx_commit(s, err);
out:
    sqlite3_finalize(st);
    if (rc != LNT_OK)
        tx_rollback(s);
    wunlock(s);
    return rc;
}

#define STAFF_COLS "id, venue_id, name, role, sia_number, sia_expires"

static void staff_row(sqlite3_stmt *st, struct lnt_staff *o)
{
    memset(o, 0, sizeof *o);
    o->id = sqlite3_column_int64(st, 0);
    o->venue_id = sqlite3_column_int64(st, 1);
    copy_text(o->name, sizeof o->name, st, 2);
    o->role = (enum lnt_role)sqlite3_column_int(st, 3);
    copy_text(o->sia_number, sizeof o->sia_number, st, 4);
    o->sia_expires = sqlite3_column_int(st, 5);
}

enum lnt_err lnt_store_staff_get(struct lnt_store *s, int64_t id, struct lnt_staff *out, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;
    int r;

    rlock(s);
    rc = prepare(s->rdb, "SELECT " STAFF_COLS " FROM staff WHERE id = ?1", &st, err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        staff_row(st, out);
    else if (r == SQLITE_DONE)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "staff member %" PRId64 " not found", id);
    else
        rc = db_fail(s->rdb, err, "reading a staff member");
out:
    sqlite3_finalize(st);
    runlock(s);
    return rc;
}

enum lnt_err lnt_store_staff_list(struct lnt_store *s, int64_t venue_id, struct lnt_staff **out,
                                  size_t *n, char *err)
{
    sqlite3_stmt *st = NULL;
    struct lnt_staff *arr = NULL;
    size_t cap = 0, cnt = 0;
    enum lnt_err rc;
    int r;

    *out = NULL;
    *n = 0;
    rlock(s);
    rc = prepare(s->rdb,
                 "SELECT " STAFF_COLS " FROM staff WHERE ?1 = 0 OR venue_id = ?1 ORDER BY id", &st,
                 err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_int64(st, 1, venue_id);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        rc = list_grow((void **)&arr, &cap, cnt, sizeof *arr, err);
        if (rc != LNT_OK)
            goto out;
        staff_row(st, &arr[cnt++]);
    }
    if (r != SQLITE_DONE)
        rc = db_fail(s->rdb, err, "listing staff");
out:
    sqlite3_finalize(st);
    runlock(s);
    if (rc != LNT_OK) {
        free(arr);
        return rc;
    }
    *out = arr;
    *n = cnt;
    return LNT_OK;
}

enum lnt_err lnt_store_training_add(struct lnt_store *s, const struct lnt_training *t, char *err)
{
    sqlite3_stmt *st = NULL;
    char done[LNT_DATE_STRLEN];
    enum lnt_err rc;
    int found;

    if (t->course < LNT_COURSE_BYSTANDER || t->course > LNT_COURSE__MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "training course %d is not known", (int)t->course);
    if (lnt_date_format(t->completed, done) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "training completion date is out of range");
    if (t->expires != 0 && t->expires < t->completed)
        return lnt_fail(err, LNT_ERR_INVALID, "training expires before it was completed");

    wlock(s);
    rc = tx_begin(s, err);
    if (rc != LNT_OK)
        goto out;
    found = row_exists(s->wdb, "SELECT 1 FROM staff WHERE id = ?1", t->staff_id, err);
    if (found != 1) {
        rc = found < 0 ? LNT_ERR_DB
                       : lnt_fail(err, LNT_ERR_NOT_FOUND, "staff member %" PRId64 " not found",
                                  t->staff_id);
        goto out;
    }
    rc = prepare(s->wdb,
                 "INSERT INTO training (staff_id, course, completed, expires, created_at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5)",
                 &st, err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_int64(st, 1, t->staff_id);
    sqlite3_bind_int(st, 2, (int)t->course);
    sqlite3_bind_int(st, 3, t->completed);
    sqlite3_bind_int(st, 4, t->expires);
    sqlite3_bind_int64(st, 5, lnt_time_now());
    rc = step_done(s->wdb, st, err, "storing the training record");
    if (rc != LNT_OK)
        goto out;
    rc = audit(s, "training.add", err, "staff %" PRId64 " completed %s on %s", t->staff_id,
               lnt_course_name(t->course), done);
    if (rc == LNT_OK)
        rc = tx_commit(s, err);
out:
    sqlite3_finalize(st);
    if (rc != LNT_OK)
        tx_rollback(s);
    wunlock(s);
    return rc;
}

enum lnt_err lnt_store_training_list(struct lnt_store *s, int64_t staff_id,
                                     struct lnt_training **out, size_t *n, char *err)
{
    sqlite3_stmt *st = NULL;
    struct lnt_training *arr = NULL;
    size_t cap = 0, cnt = 0;
    enum lnt_err rc;
    int r;

    *out = NULL;
    *n = 0;
    rlock(s);
    /* newest first within each course: the first row of a course is the one that counts */
    rc = prepare(s->rdb,
                 "SELECT course, completed, expires FROM training WHERE staff_id = ?1 "
                 "ORDER BY course, completed DESC, id DESC",
                 &st, err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_int64(st, 1, staff_id);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        enum lnt_course c = (enum lnt_course)sqlite3_column_int(st, 0);
        if (cnt > 0 && arr[cnt - 1].course == c)
            continue;
        rc = list_grow((void **)&arr, &cap, cnt, sizeof *arr, err);
        if (rc != LNT_OK)
            goto out;
        arr[cnt].staff_id = staff_id;
        arr[cnt].course = c;
        arr[cnt].completed = sqlite3_column_int(st, 1);
        arr[cnt].expires = sqlite3_column_int(st, 2);
        cnt++;
    }
    if (r != SQLITE_DONE)
        rc = db_fail(s->rdb, err, "listing training");
out:
    sqlite3_finalize(st);
    runlock(s);
    if (rc != LNT_OK) {
        free(arr);
        return rc;
    }
    *out = arr;
    *n = cnt;
    return LNT_OK;
}

/* ---- badges ---- */

/* Marks the staff member's earlier badges that could still be used as revoked, with audit rows. */
static enum lnt_err revoke_earlier(struct lnt_store *s, int64_t staff_id, int64_t at, char *err)
{
    sqlite3_stmt *sel = NULL, *upd = NULL;
    char hex[LNT_HEX_LEN(LNT_SERIAL_LEN)];
    uint8_t serial[LNT_SERIAL_LEN];
    enum lnt_err rc;
    int r;

    rc = prepare(
        s->wdb,
        "SELECT serial FROM badges WHERE staff_id = ?1 AND revoked_at = 0 AND expires_at > ?2",
        &sel, err);
    if (rc == LNT_OK)
        rc = prepare(s->wdb, "UPDATE badges SET revoked_at = ?2 WHERE serial = ?1", &upd, err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_int64(sel, 1, staff_id);
    sqlite3_bind_int64(sel, 2, at);
    while ((r = sqlite3_step(sel)) == SQLITE_ROW) {
        if (!copy_blob(serial, LNT_SERIAL_LEN, sel, 0)) {
            rc = lnt_fail(err, LNT_ERR_DB, "a stored badge serial is damaged");
            goto out;
        }
        sqlite3_bind_blob(upd, 1, serial, LNT_SERIAL_LEN, SQLITE_STATIC);
        sqlite3_bind_int64(upd, 2, at);
        rc = step_done(s->wdb, upd, err, "revoking an earlier badge");
        if (rc != LNT_OK)
            goto out;
        lnt_hex_encode(serial, LNT_SERIAL_LEN, hex);
        rc =
            audit(s, "badge.revoke", err, "badge %s of staff %" PRId64 ": reissued", hex, staff_id);
        if (rc != LNT_OK)
            goto out;
    }
    if (r != SQLITE_DONE)
        rc = db_fail(s->wdb, err, "finding earlier badges");
out:
    sqlite3_finalize(upd);
    sqlite3_finalize(sel);
    return rc;
}

enum lnt_err lnt_store_badge_add(struct lnt_store *s, const struct lnt_badge_record *b, char *err)
{
    sqlite3_stmt *st = NULL;
    char hex[LNT_HEX_LEN(LNT_SERIAL_LEN)];
    enum lnt_err rc;
    int found;

    if (b->expires_at <= b->issued_at)
        return lnt_fail(err, LNT_ERR_INVALID, "badge expires before it is issued");
    lnt_hex_encode(b->serial, LNT_SERIAL_LEN, hex);
    wlock(s);
    rc = tx_begin(s, err);
    if (rc != LNT_OK)
        goto out;
    found = row_exists(s->wdb, "SELECT 1 FROM staff WHERE id = ?1", b->staff_id, err);
    if (found != 1) {
        rc = found < 0 ? LNT_ERR_DB
                       : lnt_fail(err, LNT_ERR_NOT_FOUND, "staff member %" PRId64 " not found",
                                  b->staff_id);
        goto out;
    }
    if (b->revoked_at == 0) {
        rc = revoke_earlier(s, b->staff_id, b->issued_at, err);
        if (rc != LNT_OK)
            goto out;
    }
    rc = prepare(s->wdb,
                 "INSERT INTO badges (serial, staff_id, kid, issued_at, expires_at, revoked_at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                 &st, err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_blob(st, 1, b->serial, LNT_SERIAL_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, b->staff_id);
    sqlite3_bind_blob(st, 3, b->kid, LNT_KID_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, b->issued_at);
    sqlite3_bind_int64(st, 5, b->expires_at);
    sqlite3_bind_int64(st, 6, b->revoked_at);
    if (sqlite3_step(st) != SQLITE_DONE) {
        int ext = sqlite3_extended_errcode(s->wdb);
        if (ext == SQLITE_CONSTRAINT_PRIMARYKEY)
            rc = lnt_fail(err, LNT_ERR_EXISTS, "badge %s already exists", hex);
        else if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
            rc = lnt_fail(err, LNT_ERR_UNKNOWN_KEY, "badge %s: signing key is not the scheme's",
                          hex);
        else
            rc = db_fail(s->wdb, err, "storing the badge");
        goto out;
    }
    rc = audit(s, "badge.issue", err, "badge %s for staff %" PRId64, hex, b->staff_id);
    if (rc == LNT_OK)
        rc = tx_commit(s, err);
out:
    sqlite3_finalize(st);
    if (rc != LNT_OK)
        tx_rollback(s);
    wunlock(s);
    return rc;
}

enum lnt_err lnt_store_badge_revoked(struct lnt_store *s, uint8_t (**out)[LNT_SERIAL_LEN],
                                     size_t *n, char *err)
{
    sqlite3_stmt *st = NULL;
    uint8_t(*arr)[LNT_SERIAL_LEN] = NULL;
    size_t cap = 0, cnt = 0;
    enum lnt_err rc;
    int r;

    *out = NULL;
    *n = 0;
    rlock(s);
    rc = prepare(
        s->rdb,
        "SELECT serial FROM badges WHERE revoked_at <> 0 AND expires_at > ?1 ORDER BY serial", &st,
        err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_int64(st, 1, lnt_time_now());
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        rc = list_grow((void **)&arr, &cap, cnt, sizeof *arr, err);
        if (rc != LNT_OK)
            goto out;
        if (!copy_blob(arr[cnt], LNT_SERIAL_LEN, st, 0)) {
            rc = lnt_fail(err, LNT_ERR_DB, "a stored badge serial is damaged");
            goto out;
        }
        cnt++;
    }
    if (r != SQLITE_DONE)
        rc = db_fail(s->rdb, err, "listing revoked badges");
out:
    sqlite3_finalize(st);
    runlock(s);
    if (rc != LNT_OK) {
        free(arr);
        return rc;
    }
    *out = arr;
    *n = cnt;
    return LNT_OK;
}

/* ---- kiosks ---- */

enum lnt_err lnt_store_enroll_code_add(struct lnt_store *s, int64_t venue_id, int64_t expires_at,
                                       char out_code[LNT_ENROLL_CODE_LEN + 1], char *err)
{
    sqlite3_stmt *st = NULL;
    uint8_t hash[LNT_SHA256_LEN];
    char code[LNT_ENROLL_CODE_LEN + 1];
    char until[LNT_TIME_STRLEN];
    int64_t now = lnt_time_now();
    enum lnt_err rc;
    int found;

    out_code[0] = '\0';
    if (expires_at <= now)
        return lnt_fail(err, LNT_ERR_INVALID, "an enrolment code must expire in the future");
    if (lnt_time_format(expires_at, until) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "enrolment code expiry is out of range");
    lnt_store_code_generate(code);
    if (lnt_store_code_hash(code, hash) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INTERNAL, "a generated enrolment code does not normalise");

    wlock(s);
    rc = tx_begin(s, err);
    if (rc != LNT_OK)
        goto out;
    found = row_exists(s->wdb, "SELECT 1 FROM venues WHERE id = ?1", venue_id, err);
    if (found != 1) {
        rc = found < 0 ? LNT_ERR_DB
                       : lnt_fail(err, LNT_ERR_NOT_FOUND, "venue %" PRId64 " not found", venue_id);
        goto out;
    }
    rc = prepare(s->wdb,
                 "INSERT INTO enroll_codes (code_sha256, venue_id, created_at, expires_at) "
                 "VALUES (?1, ?2, ?3, ?4)",
                 &st, err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, venue_id);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int64(st, 4, expires_at);
    rc = step_done(s->wdb, st, err, "storing the enrolment code");
    if (rc != LNT_OK)
        goto out;
    rc = audit(s, "kiosk.add", err, "enrolment code for venue %" PRId64 ", valid until %s",
               venue_id, until);
    if (rc == LNT_OK)
        rc = tx_commit(s, err);
    if (rc == LNT_OK)
        (void)lnt_str_copy(out_code, LNT_ENROLL_CODE_LEN + 1, code);
out:
    sqlite3_finalize(st);
    if (rc != LNT_OK)
        tx_rollback(s);
    wunlock(s);
    lnt_store_wipe(code, sizeof code);
    return rc;
}

#define KIOSK_COLS "id, venue_id, pk, enrolled_at, last_seen, last_seq, revoked"

static bool kiosk_row(sqlite3_stmt *st, struct lnt_kiosk *k)
{
    memset(k, 0, sizeof *k);
    k->id = sqlite3_column_int64(st, 0);
    k->venue_id = sqlite3_column_int64(st, 1);
    k->enrolled_at = sqlite3_column_int64(st, 3);
    k->last_seen = sqlite3_column_int64(st, 4);
    k->last_seq = sqlite3_column_int64(st, 5);
    k->revoked = sqlite3_column_int(st, 6) != 0;
    return copy_blob(k->pk, LNT_SIGN_PK_LEN, st, 2);
}

enum lnt_err lnt_store_enroll_redeem(struct lnt_store *s, const char *code,
                                     const uint8_t pk[LNT_SIGN_PK_LEN], int64_t now,
                                     struct lnt_kiosk *out, char *err)
{
    sqlite3_stmt *st = NULL;
    uint8_t hash[LNT_SHA256_LEN];
    int64_t venue_id, expires_at, used_at, id;
    enum lnt_err rc;
    int r;

    memset(out, 0, sizeof *out);
    if (lnt_store_code_hash(code, hash) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "enrolment code must be 12 letters and digits, like ABCD-EFGH-JKMN");
    wlock(s);
    rc = tx_begin(s, err);
    if (rc != LNT_OK)
        goto out;
    rc = prepare(s->wdb,
                 "SELECT venue_id, expires_at, used_at FROM enroll_codes WHERE code_sha256 = ?1",
                 &st, err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        rc = db_fail(s->wdb, err, "looking up the enrolment code");
        goto out;
    }
    if (r == SQLITE_DONE || sqlite3_column_int64(st, 2) != 0) {
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "enrolment code is not known or was already used");
        goto out;
    }
    venue_id = sqlite3_column_int64(st, 0);
    expires_at = sqlite3_column_int64(st, 1);
    used_at = now;
    sqlite3_finalize(st);
    st = NULL;
    if (expires_at <= now) {
        rc = lnt_fail(err, LNT_ERR_EXPIRED, "enrolment code has expired: ask for a new one");
        goto out;
    }
    rc = prepare(s->wdb, "INSERT INTO kiosks (venue_id, pk, enrolled_at) VALUES (?1, ?2, ?3)", &st,
                 err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_int64(st, 1, venue_id);
    sqlite3_bind_blob(st, 2, pk, LNT_SIGN_PK_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    if (sqlite3_step(st) != SQLITE_DONE) {
        if (sqlite3_extended_errcode(s->wdb) == SQLITE_CONSTRAINT_UNIQUE)
            rc = lnt_fail(err, LNT_ERR_EXISTS, "this public key is already enrolled");
        else
            rc = db_fail(s->wdb, err, "storing the kiosk");
        goto out;
    }
    id = sqlite3_last_insert_rowid(s->wdb);
    sqlite3_finalize(st);
    st = NULL;
    rc = prepare(s->wdb,
                 "UPDATE enroll_codes SET used_at = ?2, kiosk_id = ?3 WHERE code_sha256 = ?1", &st,
                 err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, used_at);
    sqlite3_bind_int64(st, 3, id);
    rc = step_done(s->wdb, st, err, "using up the enrolment code");
    if (rc != LNT_OK)
        goto out;
    rc = audit(s, "kiosk.enrol", err, "kiosk %" PRId64 " enrolled at venue %" PRId64, id, venue_id);
    if (rc == LNT_OK)
        rc = tx_commit(s, err);
    if (rc == LNT_OK) {
        out->id = id;
        out->venue_id = venue_id;
        memcpy(out->pk, pk, LNT_SIGN_PK_LEN);
        out->enrolled_at = now;
    }
out:
    sqlite3_finalize(st);
    if (rc != LNT_OK)
        tx_rollback(s);
    wunlock(s);
    return rc;
}

enum lnt_err lnt_store_kiosk_get(struct lnt_store *s, int64_t id, struct lnt_kiosk *out, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;
    int r;

    rlock(s);
    rc = prepare(s->rdb, "SELECT " KIOSK_COLS " FROM kiosks WHERE id = ?1", &st, err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        if (!kiosk_row(st, out))
            rc = lnt_fail(err, LNT_ERR_DB, "kiosk %" PRId64 ": stored public key is damaged", id);
    } else if (r == SQLITE_DONE) {
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "kiosk %" PRId64 " not found", id);
    } else {
        rc = db_fail(s->rdb, err, "reading a kiosk");
    }
out:
    sqlite3_finalize(st);
    runlock(s);
    return rc;
}

/* ---- events ---- */

/* The staff id an event names, or NULL. */
static const char *event_staff(const struct lnt_event *e)
{
    const char *id = NULL;

    switch (e->type) {
    case LNT_EV_SIGN_IN:
    case LNT_EV_SIGN_OUT:
        id = e->u.badge.staff_id;
        break;
    case LNT_EV_INCIDENT:
        id = e->u.incident.staff_id;
        break;
    case LNT_EV_STOCK:
        id = e->u.stock.staff_id;
        break;
    case LNT_EV_SHIFT_START:
    case LNT_EV_SHIFT_END:
        id = e->u.shift.staff_id;
        break;
    default:
        break;
    }
    return id != NULL && id[0] != '\0' ? id : NULL;
}

/* Stores one event inside the open transaction and says what became of it. */
static enum lnt_err insert_one(struct lnt_store *s, int64_t kiosk_id, int64_t venue_id, int64_t now,
                               const struct lnt_event *e, struct lnt_ingest_result *res, char *err)
{
    uint8_t hash[LNT_SHA256_LEN];
    const char *staff = event_staff(e);
    sqlite3_stmt *st;
    enum lnt_err rc;
    int r;

    memset(res, 0, sizeof *res);
    res->seq = e->seq;
    if (e->seq < 1)
        return lnt_fail(err, LNT_ERR_INVALID, "seq %" PRId64 ": must be at least 1", e->seq);
    lnt_buf_reset(&s->body);
    rc = lnt_wire_event_encode(e, &s->body, err);
    if (rc != LNT_OK)
        return lnt_fail_prefix(err, rc, "seq %" PRId64 ": ", e->seq);
    lnt_store_sha256(s->body.data, s->body.len, hash);

    st = s->ev_insert;
    sqlite3_bind_int64(st, 1, kiosk_id);
    sqlite3_bind_int64(st, 2, e->seq);
    sqlite3_bind_text(st, 3, e->uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, (int)e->type);
    sqlite3_bind_int64(st, 5, venue_id);
    if (staff != NULL)
        sqlite3_bind_text(st, 6, staff, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 6);
    sqlite3_bind_int64(st, 7, e->occurred_at);
    sqlite3_bind_int64(st, 8, now);
    sqlite3_bind_text(st, 9, s->body.data, (int)s->body.len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 10, hash, sizeof hash, SQLITE_STATIC);
    rc = step_done(s->wdb, st, err, "storing an event");
    sqlite3_clear_bindings(st);
    if (rc != LNT_OK)
        return lnt_fail_prefix(err, rc, "seq %" PRId64 ": ", e->seq);
    if (sqlite3_changes(s->wdb) == 1) {
        res->status = LNT_INGEST_ACCEPTED;
        return LNT_OK;
    }

    /* stored before: the same content is a duplicate, anything else a conflict */
    st = s->ev_existing;
    sqlite3_bind_int64(st, 1, kiosk_id);
    sqlite3_bind_int64(st, 2, e->seq);
    r = sqlite3_step(st);
    if (r != SQLITE_ROW) {
        sqlite3_reset(st);
        return r == SQLITE_DONE ? lnt_fail(err, LNT_ERR_INTERNAL,
                                           "seq %" PRId64 ": neither stored nor found", e->seq)
                                : db_fail(s->wdb, err, "comparing an event");
    }
    bool same = (size_t)sqlite3_column_bytes(st, 0) == sizeof hash &&
                memcmp(sqlite3_column_blob(st, 0), hash, sizeof hash) == 0;
    sqlite3_reset(st);
    if (same) {
        res->status = LNT_INGEST_DUPLICATE;
        return LNT_OK;
    }
    st = s->ev_conflict;
    sqlite3_bind_int64(st, 1, kiosk_id);
    sqlite3_bind_int64(st, 2, e->seq);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_text(st, 4, s->body.data, (int)s->body.len, SQLITE_STATIC);
    rc = step_done(s->wdb, st, err, "recording a conflict");
    sqlite3_clear_bindings(st);
    if (rc != LNT_OK)
        return rc;
    res->status = LNT_INGEST_CONFLICT;
    (void)lnt_str_copy(res->reason, sizeof res->reason, CONFLICT_REASON);
    return LNT_OK;
}

enum lnt_err lnt_store_events_insert(struct lnt_store *s, int64_t kiosk_id, int64_t now,
                                     const struct lnt_event *ev, size_t n,
                                     struct lnt_ingest_result *results, char *err)
{
    int64_t venue_id, max_seq = 0;
    enum lnt_err rc;
    int r;

    if (n > LNT_BATCH_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "batch of %zu events, at most %d allowed", n,
                        LNT_BATCH_MAX);
    wlock(s);
    rc = tx_begin(s, err);
    if (rc != LNT_OK)
        goto out;
    sqlite3_bind_int64(s->ev_kiosk, 1, kiosk_id);
    r = sqlite3_step(s->ev_kiosk);
    if (r == SQLITE_ROW) {
        venue_id = sqlite3_column_int64(s->ev_kiosk, 0);
        if (sqlite3_column_int(s->ev_kiosk, 1) != 0)
            rc = lnt_fail(err, LNT_ERR_FORBIDDEN, "kiosk %" PRId64 " is revoked", kiosk_id);
    } else {
        venue_id = 0;
        rc = r == SQLITE_DONE
                 ? lnt_fail(err, LNT_ERR_NOT_FOUND, "kiosk %" PRId64 " not found", kiosk_id)
                 : db_fail(s->wdb, err, "reading the kiosk");
    }
    sqlite3_reset(s->ev_kiosk);
    if (rc != LNT_OK)
        goto out;

    for (size_t i = 0; i < n; i++) {
        rc = insert_one(s, kiosk_id, venue_id, now, &ev[i], &results[i], err);
        if (rc != LNT_OK) {
            rc = lnt_fail_prefix(err, rc, "event %zu: ", i);
            goto out;
        }
        if (results[i].status == LNT_INGEST_ACCEPTED && ev[i].seq > max_seq)
            max_seq = ev[i].seq;
    }
    sqlite3_bind_int64(s->ev_touch, 1, kiosk_id);
    sqlite3_bind_int64(s->ev_touch, 2, now);
    sqlite3_bind_int64(s->ev_touch, 3, max_seq);
    rc = step_done(s->wdb, s->ev_touch, err, "updating the kiosk");
    if (rc == LNT_OK)
        rc = tx_commit(s, err);
out:
    if (rc != LNT_OK)
        tx_rollback(s);
    /* a large body should not stay pinned between batches */
    if (s->body.cap > 64 * 1024)
        lnt_buf_release(&s->body);
    wunlock(s);
    return rc;
}

/* One page of stored events after (after_t, after_id); *got is how many were read. */
static enum lnt_err events_page(struct lnt_store *s, int64_t venue_id, int64_t since,
                                int64_t after_t, int64_t after_id, struct lnt_stored_event *page,
                                size_t *got, int64_t *last_t, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;
    size_t cnt = 0;
    int r;

    *got = 0;
    rlock(s);
    rc = prepare(s->rdb,
                 venue_id != 0
                     ? "SELECT id, kiosk_id, venue_id, received_at, body, occurred_at FROM events "
                       "WHERE venue_id = ?1 AND occurred_at >= ?2 "
                       "AND (occurred_at > ?3 OR (occurred_at = ?3 AND id > ?4)) "
                       "ORDER BY occurred_at, id LIMIT ?5"
                     : "SELECT id, kiosk_id, venue_id, received_at, body, occurred_at FROM events "
                       "WHERE occurred_at >= ?2 "
                       "AND (occurred_at > ?3 OR (occurred_at = ?3 AND id > ?4)) "
                       "ORDER BY occurred_at, id LIMIT ?5",
                 &st, err);
    if (rc != LNT_OK)
        goto out;
    if (venue_id != 0)
        sqlite3_bind_int64(st, 1, venue_id);
    sqlite3_bind_int64(st, 2, since);
    sqlite3_bind_int64(st, 3, after_t);
    sqlite3_bind_int64(st, 4, after_id);
    sqlite3_bind_int(st, 5, EACH_PAGE);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        struct lnt_stored_event *e = &page[cnt];
        const char *body = (const char *)sqlite3_column_text(st, 4);
        memset(e, 0, sizeof *e);
        e->id = sqlite3_column_int64(st, 0);
        e->kiosk_id = sqlite3_column_int64(st, 1);
        e->venue_id = sqlite3_column_int64(st, 2);
        e->received_at = sqlite3_column_int64(st, 3);
        *last_t = sqlite3_column_int64(st, 5);
        rc = lnt_wire_event_decode(body != NULL ? body : "", (size_t)sqlite3_column_bytes(st, 4),
                                   &e->ev, err);
        if (rc != LNT_OK) {
            rc = lnt_fail_prefix(err, LNT_ERR_DB,
                                 "stored event %" PRId64 " does not decode: ", e->id);
            goto out;
        }
        cnt++;
    }
    if (r != SQLITE_DONE)
        rc = db_fail(s->rdb, err, "reading events");
out:
    sqlite3_finalize(st);
    runlock(s);
    *got = cnt;
    return rc;
}

enum lnt_err lnt_store_events_each(struct lnt_store *s, int64_t venue_id, int64_t since,
                                   int (*fn)(void *ctx, const struct lnt_stored_event *e),
                                   void *ctx, char *err)
{
    struct lnt_stored_event *page;
    int64_t after_t = INT64_MIN, after_id = 0, last_t = 0;
    enum lnt_err rc = LNT_OK;
    size_t got;

    /* Pages keep the read connection free while `fn` runs, so `fn` may use the store itself. */
    page = calloc(EACH_PAGE, sizeof *page);
    if (page == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading events");
    for (;;) {
        rc = events_page(s, venue_id, since, after_t, after_id, page, &got, &last_t, err);
        if (rc != LNT_OK || got == 0)
            break;
        for (size_t i = 0; i < got; i++)
            if (fn(ctx, &page[i]) != 0)
                goto out;
        after_t = last_t;
        after_id = page[got - 1].id;
        if (got < EACH_PAGE)
            break;
    }
out:
    free(page);
    return rc;
}
