/* sq_core.c - the helpers every sq_*.c file uses: errors, the statement cache, reading rows,
 * locking, transactions, the audit log and counters. Calls nothing else in this folder. */
#include "sq_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"

/* ---- errors and statements ---- */

enum lnt_err lnt_sq_fail(sqlite3 *db, char *err, const char *what)
{
    int rc = sqlite3_extended_errcode(db);
    enum lnt_err code = (rc & 0xff) == SQLITE_BUSY ? LNT_ERR_TIMEOUT : LNT_ERR_DB;
    return lnt_fail(err, code, "%s: %s", what, sqlite3_errmsg(db));
}

enum lnt_err lnt_sq_exec(sqlite3 *db, const char *sql, char *err)
{
    char *msg = NULL;
    enum lnt_err rc = LNT_OK;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        rc = lnt_fail(err, LNT_ERR_DB, "%s", msg != NULL ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
    }
    return rc;
}

enum lnt_err lnt_sq_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out, char *err)
{
    if (sqlite3_prepare_v2(db, sql, -1, out, NULL) != SQLITE_OK) {
        *out = NULL;
        return lnt_sq_fail(db, err, "preparing a statement");
    }
    return LNT_OK;
}

sqlite3_stmt *lnt_sq_stmt(struct lnt_sq_conn *c, const char *sql, char *err)
{
    size_t h = ((uintptr_t)sql >> 3) % LNT_SQ_CACHE_SLOTS;

    for (size_t i = 0; i < LNT_SQ_CACHE_SLOTS; i++) {
        struct lnt_sq_cache_slot *slot = &c->cache[(h + i) % LNT_SQ_CACHE_SLOTS];
        if (slot->sql == sql) {
            sqlite3_reset(slot->st);
            sqlite3_clear_bindings(slot->st);
            return slot->st;
        }
        if (slot->sql == NULL) {
            if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->st, NULL) !=
                SQLITE_OK) {
                slot->st = NULL;
                (void)lnt_sq_fail(c->db, err, "preparing a statement");
                return NULL;
            }
            slot->sql = sql;
            return slot->st;
        }
    }
    /* a full cache is a bug: there are fewer statements in the program than slots */
    (void)lnt_fail(err, LNT_ERR_INTERNAL, "statement cache full");
    return NULL;
}

void lnt_sq_cache_clear(struct lnt_sq_conn *c)
{
    for (size_t i = 0; i < LNT_SQ_CACHE_SLOTS; i++) {
        sqlite3_finalize(c->cache[i].st);
        c->cache[i].st = NULL;
        c->cache[i].sql = NULL;
    }
}

enum lnt_err lnt_sq_done(sqlite3 *db, sqlite3_stmt *st, char *err, const char *what)
{
    int rc = sqlite3_step(st);
    enum lnt_err e = LNT_OK;

    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        e = lnt_sq_fail(db, err, what);
    sqlite3_reset(st);
    return e;
}

enum lnt_err lnt_sq_list(sqlite3 *db, sqlite3_stmt *st, size_t elem, lnt_sq_row_fn fn, void **out,
                         size_t *n, char *err, const char *what)
{
    void *arr = NULL;
    size_t cap = 0, cnt = 0;
    enum lnt_err rc = LNT_OK;
    int r;

    *out = NULL;
    *n = 0;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        rc = lnt_sq_grow(&arr, &cap, cnt, elem, err);
        if (rc != LNT_OK)
            break;
        memset((char *)arr + cnt * elem, 0, elem);
        fn(st, (char *)arr + cnt * elem);
        cnt++;
    }
    if (rc == LNT_OK && r != SQLITE_DONE)
        rc = lnt_sq_fail(db, err, what);
    sqlite3_reset(st);
    if (rc != LNT_OK) {
        free(arr);
        return rc;
    }
    *out = arr;
    *n = cnt;
    return LNT_OK;
}

void lnt_sq_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    (void)lnt_str_copy(dst, size, t != NULL ? (const char *)t : "");
}

bool lnt_sq_blob(uint8_t *dst, size_t n, sqlite3_stmt *st, int col)
{
    const void *p = sqlite3_column_blob(st, col);
    if (p == NULL || (size_t)sqlite3_column_bytes(st, col) != n)
        return false;
    memcpy(dst, p, n);
    return true;
}

enum lnt_err lnt_sq_grow(void **arr, size_t *cap, size_t n, size_t elem, char *err)
{
    void *p;
    size_t ncap;

    if (n < *cap)
        return LNT_OK;
    if (n >= LNT_SQ_LIST_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "more than %d rows in one list", LNT_SQ_LIST_MAX);
    ncap = *cap ? *cap * 2 : 16;
    p = realloc(*arr, ncap * elem);
    if (p == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory listing rows");
    *arr = p;
    *cap = ncap;
    return LNT_OK;
}

int lnt_sq_exists(struct lnt_sq_conn *c, const char *sql, int64_t id, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(c, sql, err);
    int rc;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        (void)lnt_sq_fail(c->db, err, "looking up a row");
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* LNT_ERR_INVALID unless 1 <= limit <= LNT_VIEW_MAX. */
static enum lnt_err page_size_check(size_t limit, char *err)
{
    if (limit < 1 || limit > LNT_VIEW_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "page size must be 1-%d rows, got %zu", LNT_VIEW_MAX,
                        limit);
    return LNT_OK;
}

enum lnt_err lnt_sq_page_begin(struct lnt_store *s, size_t limit, void **out, size_t *n,
                               struct lnt_sq_conn **c, char *err)
{
    enum lnt_err rc = page_size_check(limit, err);

    *out = NULL;
    *n = 0;
    *c = rc == LNT_OK ? lnt_sq_rbegin(s) : NULL;
    return rc;
}

enum lnt_err lnt_sq_rlist(struct lnt_store *s, const char *sql, int64_t id, size_t elem,
                          lnt_sq_row_fn fn, void **out, size_t *n, char *err, const char *what)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    sqlite3_stmt *st = lnt_sq_stmt(c, sql, err);
    enum lnt_err rc = LNT_ERR_DB;

    *out = NULL;
    *n = 0;
    if (st != NULL) {
        if (sqlite3_bind_parameter_count(st) > 0)
            sqlite3_bind_int64(st, 1, id);
        rc = lnt_sq_list(c->db, st, elem, fn, out, n, err, what);
    }
    lnt_sq_rend(s, c);
    return rc;
}

/* ---- locking and transactions ---- */

void lnt_sq_wlock(struct lnt_store *s)
{
    pthread_mutex_lock(&s->wmu);
}

void lnt_sq_wunlock(struct lnt_store *s)
{
    pthread_mutex_unlock(&s->wmu);
}

struct lnt_sq_conn *lnt_sq_rbegin(struct lnt_store *s)
{
    struct lnt_sq_conn *c = NULL;

    pthread_mutex_lock(&s->rmu);
    for (;;) {
        for (size_t i = 0; i < LNT_SQ_READERS; i++) {
            if (!s->r_busy[i]) {
                s->r_busy[i] = true;
                c = &s->r[i];
                break;
            }
        }
        if (c != NULL)
            break;
        pthread_cond_wait(&s->rcv, &s->rmu);
    }
    pthread_mutex_unlock(&s->rmu);
    return c;
}

void lnt_sq_rend(struct lnt_store *s, struct lnt_sq_conn *c)
{
    sqlite3_stmt *st = NULL;

    /* a statement left mid-walk would pin an old snapshot */
    while ((st = sqlite3_next_stmt(c->db, st)) != NULL)
        if (sqlite3_stmt_busy(st))
            sqlite3_reset(st);
    if (!sqlite3_get_autocommit(c->db))
        (void)lnt_sq_exec(c->db, "COMMIT", NULL);
    pthread_mutex_lock(&s->rmu);
    s->r_busy[c - s->r] = false;
    pthread_cond_signal(&s->rcv);
    pthread_mutex_unlock(&s->rmu);
}

enum lnt_err lnt_sq_begin(struct lnt_store *s, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(&s->w, "BEGIN IMMEDIATE", err);
    return st != NULL ? lnt_sq_done(s->w.db, st, err, "starting a transaction") : LNT_ERR_DB;
}

enum lnt_err lnt_sq_commit(struct lnt_store *s, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(&s->w, "COMMIT", err);
    return st != NULL ? lnt_sq_done(s->w.db, st, err, "committing") : LNT_ERR_DB;
}

void lnt_sq_rollback(struct lnt_store *s)
{
    if (!sqlite3_get_autocommit(s->w.db))
        (void)lnt_sq_exec(s->w.db, "ROLLBACK", NULL);
}

enum lnt_err lnt_sq_audit_as(struct lnt_store *s, const char *actor, const char *action,
                             const char *object, char *err, const char *fmt, ...)
{
    char detail[512];
    sqlite3_stmt *st;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO audit_log (at, actor, action, object, detail) "
                     "VALUES (?1, substr(?2, 1, 63), substr(?3, 1, 32), substr(?4, 1, 64), ?5)",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, lnt_time_now());
    sqlite3_bind_text(st, 2, actor != NULL ? actor : s->actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, object != NULL ? object : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, detail, -1, SQLITE_STATIC);
    return lnt_sq_done(s->w.db, st, err, "writing the audit log");
}

enum lnt_err lnt_sq_counter_next(struct lnt_store *s, const char *name, int64_t *out, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(&s->w,
                                   "INSERT INTO counters (name, value) VALUES (?1, 1) "
                                   "ON CONFLICT (name) DO UPDATE SET value = value + 1 "
                                   "RETURNING value",
                                   err);
    enum lnt_err rc = LNT_OK;

    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        rc = lnt_sq_fail(s->w.db, err, "advancing a counter");
    sqlite3_reset(st);
    return rc;
}
