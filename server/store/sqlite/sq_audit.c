/* sq_audit.c - the store on SQLite: login attempt counters and the audit log. */
#include "sq_int.h"

#include <string.h>

/* ---- failed logins ---- */

/* The lower-cased email, or the text as given when it is not an address (still bounded). */
static void login_key(const char *email, char out[LNT_EMAIL_MAX + 1])
{
    if (email == NULL || lnt_store_email_norm(email, out, NULL) != LNT_OK)
        (void)lnt_str_copy(out, LNT_EMAIL_MAX + 1, email != NULL ? email : "");
}

static enum lnt_err count_since(struct lnt_sq_conn *c, const char *sql, const char *key,
                                int64_t since, int *out, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(c, sql, err);
    enum lnt_err rc = LNT_OK;

    *out = 0;
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, since);
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    else
        rc = lnt_sq_fail(c->db, err, "counting failed logins");
    sqlite3_reset(st);
    return rc;
}

enum lnt_err lnt_store_login_failures(struct lnt_store *s, const char *email, const char *addr,
                                      int64_t now, int64_t window, int *by_account, int *by_addr,
                                      char *err)
{
    char key[LNT_EMAIL_MAX + 1], a[LNT_ADDR_MAX + 1];
    struct lnt_sq_conn *c;
    enum lnt_err rc = LNT_OK;
    int dummy;

    login_key(email, key);
    (void)lnt_str_copy(a, sizeof a, addr != NULL ? addr : "");
    c = lnt_sq_rbegin(s);
    if (email != NULL)
        rc = count_since(c, "SELECT count(*) FROM login_failures WHERE email = ?1 AND at > ?2", key,
                         now - window, by_account != NULL ? by_account : &dummy, err);
    else if (by_account != NULL)
        *by_account = 0;
    if (rc == LNT_OK && addr != NULL)
        rc = count_since(c, "SELECT count(*) FROM login_failures WHERE addr = ?1 AND at > ?2", a,
                         now - window, by_addr != NULL ? by_addr : &dummy, err);
    else if (by_addr != NULL)
        *by_addr = 0;
    lnt_sq_rend(s, c);
    return rc;
}

enum lnt_err lnt_store_login_reserve(struct lnt_store *s, const char *email, const char *addr,
                                     int64_t now, int64_t window, int max_account, int max_addr,
                                     bool *granted, char *err)
{
    char key[LNT_EMAIL_MAX + 1], a[LNT_ADDR_MAX + 1];
    int by_account = 0, by_addr = 0;
    sqlite3_stmt *st;
    enum lnt_err rc;

    *granted = false;
    login_key(email, key);
    (void)lnt_str_copy(a, sizeof a, addr != NULL ? addr : "");
    /* count and insert in one write transaction: concurrent attempts queue here, one at a time */
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = count_since(&s->w, "SELECT count(*) FROM login_failures WHERE email = ?1 AND at > ?2",
                         key, now - window, &by_account, err);
    if (rc == LNT_OK)
        rc = count_since(&s->w, "SELECT count(*) FROM login_failures WHERE addr = ?1 AND at > ?2",
                         a, now - window, &by_addr, err);
    if (rc != LNT_OK || by_account >= max_account || by_addr >= max_addr)
        goto out;
    st =
        lnt_sq_stmt(&s->w, "INSERT INTO login_failures (at, email, addr) VALUES (?1, ?2, ?3)", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a, -1, SQLITE_STATIC);
    rc = lnt_sq_done(s->w.db, st, err, "reserving a login attempt");
    *granted = rc == LNT_OK;
out:
    rc = lnt_sq_wend(s, rc, err);
    if (rc != LNT_OK)
        *granted = false;
    return rc;
}

enum lnt_err lnt_store_login_clear(struct lnt_store *s, const char *email, char *err)
{
    char key[LNT_EMAIL_MAX + 1];
    sqlite3_stmt *st;
    enum lnt_err rc = LNT_ERR_DB;

    login_key(email, key);
    lnt_sq_wlock(s);
    st = lnt_sq_stmt(&s->w, "DELETE FROM login_failures WHERE email = ?1", err);
    if (st != NULL) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        rc = lnt_sq_done(s->w.db, st, err, "clearing failed logins");
    }
    lnt_sq_wunlock(s);
    return rc;
}

/* ---- audit log ---- */

enum lnt_err lnt_store_audit_append(struct lnt_store *s, const char *actor, const char *action,
                                    const char *object, const char *detail, char *err)
{
    enum lnt_err rc;
    size_t n = action != NULL ? strnlen(action, 33) : 0;

    if (n == 0 || n > 32)
        return lnt_fail(err, LNT_ERR_INVALID, "audit action must be 1-32 bytes");
    lnt_sq_wlock(s);
    rc = lnt_sq_audit_as(s, actor, action, object != NULL ? object : "", err, "%s",
                         detail != NULL ? detail : "");
    lnt_sq_wunlock(s);
    return rc;
}

static void audit_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_audit_entry *a = elem;

    a->id = sqlite3_column_int64(st, 0);
    a->at = sqlite3_column_int64(st, 1);
    lnt_sq_text(a->actor, sizeof a->actor, st, 2);
    lnt_sq_text(a->action, sizeof a->action, st, 3);
    lnt_sq_text(a->object, sizeof a->object, st, 4);
    lnt_sq_text(a->detail, sizeof a->detail, st, 5);
}

enum lnt_err lnt_store_audit_list(struct lnt_store *s, int64_t from, int64_t to, int64_t before_id,
                                  size_t limit, struct lnt_audit_entry **out, size_t *n, char *err)
{
    struct lnt_sq_conn *c;
    sqlite3_stmt *st;
    enum lnt_err rc = lnt_sq_page_begin(s, limit, (void **)out, n, &c, err);

    if (rc != LNT_OK)
        return rc;
    st = lnt_sq_stmt(c,
                     "SELECT id, at, actor, action, object, detail FROM audit_log "
                     "WHERE id < ?1 AND at >= ?2 AND at < ?3 ORDER BY id DESC LIMIT ?4",
                     err);
    rc = LNT_ERR_DB;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, before_id > 0 ? before_id : INT64_MAX);
        sqlite3_bind_int64(st, 2, from);
        sqlite3_bind_int64(st, 3, lnt_sq_upper(to));
        sqlite3_bind_int64(st, 4, (int64_t)limit);
        rc = lnt_sq_list(c->db, st, sizeof **out, audit_row, (void **)out, n, err,
                         "reading the audit log");
    }
    lnt_sq_rend(s, c);
    return rc;
}
