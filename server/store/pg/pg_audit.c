/* pg_audit.c - the store on PostgreSQL: login attempt counters and the audit log. As the SQLite
 * backend's sq_audit.c: the same counts, refusals and rows, across every server on the
 * database. */
#include "pg_int.h"

#include <string.h>

#include "ltime.h"

/* The advisory lock that queues login reservations, as SQLite's one writer queues them. */
#define LOGIN_LOCK "5498094280738146638"

/* ---- failed logins ---- */

/* The lower-cased email, or the text as given when it is not an address (still bounded). */
static void login_key(const char *email, char out[LNT_EMAIL_MAX + 1])
{
    if (email == NULL || lnt_store_email_norm(email, out, NULL) != LNT_OK)
        (void)lnt_str_copy(out, LNT_EMAIL_MAX + 1, email != NULL ? email : "");
}

static enum lnt_err count_since(PGconn *pg, const char *sql, const char *key, int64_t since,
                                int *out, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc;

    *out = 0;
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, key);
    lnt_pg_p_i64(&p, since);
    rc = lnt_pg_exec(pg, sql, &p, &r, err, "counting failed logins");
    if (rc == LNT_OK && PQntuples(r) > 0)
        *out = (int)lnt_pg_i64(r, 0, 0);
    PQclear(r);
    return rc;
}

static const char by_email_sql[] =
    "SELECT count(*) FROM login_failures WHERE email = $1 AND at > $2";
static const char by_addr_sql[] = "SELECT count(*) FROM login_failures WHERE addr = $1 AND at > $2";

enum lnt_err lnt_store_login_failures(struct lnt_store *s, const char *email, const char *addr,
                                      int64_t now, int64_t window, int *by_account, int *by_addr,
                                      char *err)
{
    char key[LNT_EMAIL_MAX + 1], a[LNT_ADDR_MAX + 1];
    PGconn *pg = NULL;
    enum lnt_err rc;
    int dummy;

    login_key(email, key);
    (void)lnt_str_copy(a, sizeof a, addr != NULL ? addr : "");
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    if (email != NULL)
        rc = count_since(pg, by_email_sql, key, now - window,
                         by_account != NULL ? by_account : &dummy, err);
    else if (by_account != NULL)
        *by_account = 0;
    if (rc == LNT_OK && addr != NULL)
        rc = count_since(pg, by_addr_sql, a, now - window, by_addr != NULL ? by_addr : &dummy, err);
    else if (by_addr != NULL)
        *by_addr = 0;
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_login_reserve(struct lnt_store *s, const char *email, const char *addr,
                                     int64_t now, int64_t window, int max_account, int max_addr,
                                     bool *granted, char *err)
{
    char key[LNT_EMAIL_MAX + 1], a[LNT_ADDR_MAX + 1];
    int by_account = 0, by_addr = 0;
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc;

    *granted = false;
    login_key(email, key);
    (void)lnt_str_copy(a, sizeof a, addr != NULL ? addr : "");
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    /* count and insert under one lock: concurrent attempts, on any server, queue here */
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, "SELECT pg_advisory_xact_lock(" LOGIN_LOCK ")", NULL, NULL, err,
                         "waiting for the login lock");
    if (rc == LNT_OK)
        rc = count_since(pg, by_email_sql, key, now - window, &by_account, err);
    if (rc == LNT_OK)
        rc = count_since(pg, by_addr_sql, a, now - window, &by_addr, err);
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, now);
    lnt_pg_p_text(&p, key);
    lnt_pg_p_text(&p, a);
    if (rc == LNT_OK && by_account < max_account && by_addr < max_addr) {
        rc = lnt_pg_exec(pg, "INSERT INTO login_failures (at, email, addr) VALUES ($1, $2, $3)", &p,
                         NULL, err, "reserving a login attempt");
        *granted = rc == LNT_OK;
    }
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    if (rc != LNT_OK)
        *granted = false;
    return rc;
}

enum lnt_err lnt_store_login_clear(struct lnt_store *s, const char *email, char *err)
{
    char key[LNT_EMAIL_MAX + 1];
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc;

    login_key(email, key);
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, key);
    rc = lnt_pg_exec(pg, "DELETE FROM login_failures WHERE email = $1", &p, NULL, err,
                     "clearing failed logins");
    lnt_pg_give(s, pg);
    return rc;
}

/* ---- audit log ---- */

enum lnt_err lnt_store_audit_append(struct lnt_store *s, const char *actor, const char *action,
                                    const char *object, const char *detail, char *err)
{
    char who[LNT_PG_ACTOR_LEN], text[512];
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc;
    size_t n = action != NULL ? strnlen(action, 33) : 0;

    if (n == 0 || n > 32)
        return lnt_fail(err, LNT_ERR_INVALID, "audit action must be 1-32 bytes");
    if (actor == NULL) {
        pthread_mutex_lock(&s->mu);
        (void)lnt_str_copy(who, sizeof who, s->actor);
        pthread_mutex_unlock(&s->mu);
        actor = who;
    }
    /* the detail as the SQLite backend keeps it: at most 511 bytes */
    (void)lnt_str_copy(text, sizeof text, detail != NULL ? detail : "");
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, lnt_time_now());
    lnt_pg_p_text(&p, actor);
    lnt_pg_p_text(&p, action);
    lnt_pg_p_text(&p, object != NULL ? object : "");
    lnt_pg_p_text(&p, text);
    rc = lnt_pg_exec(pg,
                     "INSERT INTO audit_log (at, actor, action, object, detail) VALUES "
                     "($1, substr($2, 1, 63), substr($3, 1, 32), substr($4, 1, 64), $5)",
                     &p, NULL, err, "writing the audit log");
    lnt_pg_give(s, pg);
    return rc;
}

static void audit_row(const PGresult *r, int row, void *elem)
{
    struct lnt_audit_entry *a = elem;

    a->id = lnt_pg_i64(r, row, 0);
    a->at = lnt_pg_i64(r, row, 1);
    lnt_pg_text(r, row, 2, a->actor, sizeof a->actor);
    lnt_pg_text(r, row, 3, a->action, sizeof a->action);
    lnt_pg_text(r, row, 4, a->object, sizeof a->object);
    lnt_pg_text(r, row, 5, a->detail, sizeof a->detail);
}

enum lnt_err lnt_store_audit_list(struct lnt_store *s, int64_t from, int64_t to, int64_t before_id,
                                  size_t limit, struct lnt_audit_entry **out, size_t *n, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    if (limit < 1 || limit > LNT_VIEW_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "page size must be 1-%d rows, got %zu", LNT_VIEW_MAX,
                        limit);
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, before_id > 0 ? before_id : INT64_MAX);
    lnt_pg_p_i64(&p, from);
    lnt_pg_p_i64(&p, to != 0 ? to : INT64_MAX);
    lnt_pg_p_i64(&p, (int64_t)limit);
    rc = lnt_pg_list(pg,
                     "SELECT id, at, actor, action, object, detail FROM audit_log "
                     "WHERE id < $1 AND at >= $2 AND at < $3 ORDER BY id DESC LIMIT $4",
                     &p, sizeof **out, audit_row, (void **)out, n, err, "reading the audit log");
    lnt_pg_give(s, pg);
    return rc;
}
