/* pg_auth.c - the store on PostgreSQL: officer accounts, API tokens, dashboard sessions. As the
 * SQLite backend's sq_auth.c: the same checks, results, messages and audit rows, so that a
 * session or token made by one lanternd is good on another on the same database. */
#include "pg_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codec.h"
#include "log.h"
#include "ltime.h"

#define TOUCH_EVERY 60 /* seconds between last_seen writes of one session */

/* ---- officers ---- */

static enum lnt_err password_check(const char *pw, char *err)
{
    size_t n = pw != NULL ? strnlen(pw, LNT_PASSWORD_MAX + 1) : 0;

    if (n < LNT_PASSWORD_MIN)
        return lnt_fail(err, LNT_ERR_INVALID, "password must be at least %d characters",
                        LNT_PASSWORD_MIN);
    if (n > LNT_PASSWORD_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "password must be at most %d bytes",
                        LNT_PASSWORD_MAX);
    return LNT_OK;
}

/* Argon2id with interactive limits; the text goes to out (crypto_pwhash_STRBYTES). */
static enum lnt_err password_hash(const char *pw, char out[crypto_pwhash_STRBYTES], char *err)
{
    if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return lnt_fail(err, LNT_ERR_NOMEM, "not enough memory to hash the password");
    return LNT_OK;
}

/* Checks the scope's venue exists (inside the caller's transaction). */
static enum lnt_err scope_venue(PGconn *pg, const struct lnt_scope *sc, char *err)
{
    if (sc->venue_id == 0)
        return LNT_OK;
    return lnt_pg_must_exist(pg, "SELECT 1 FROM venues WHERE id = $1", sc->venue_id, "venue", err);
}

static const char *scope_text(const struct lnt_scope *sc, char *buf, size_t size)
{
    if (sc->venue_id != 0)
        snprintf(buf, size, "%s of venue %" PRId64, lnt_officer_role_name(sc->role), sc->venue_id);
    else if (sc->authority[0] != '\0')
        snprintf(buf, size, "%s of %s", lnt_officer_role_name(sc->role), sc->authority);
    else
        snprintf(buf, size, "%s of the whole scheme", lnt_officer_role_name(sc->role));
    return buf;
}

/* Stores officer o (email normalised, hash made) with its audit row, in one transaction. */
static enum lnt_err officer_insert(struct lnt_store *s, struct lnt_officer *o, const char *email,
                                   const char *hash, int64_t now, char *err)
{
    char scope[160];
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, email);
    lnt_pg_p_text(&p, o->name);
    lnt_pg_p_i64(&p, o->scope.role);
    lnt_pg_p_text(&p, o->scope.authority);
    lnt_pg_p_i64(&p, o->scope.venue_id);
    lnt_pg_p_text(&p, hash);
    lnt_pg_p_i64(&p, now);
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = scope_venue(pg, &o->scope, err);
    if (rc == LNT_OK) {
        rc = lnt_pg_exec(pg,
                         "INSERT INTO officers (email, name, role, authority, venue_id, pwhash, "
                         "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                         &p, &r, err, "storing the account");
        if (rc == LNT_ERR_EXISTS)
            rc = lnt_fail(err, LNT_ERR_EXISTS, "an account for %s already exists", email);
    }
    if (rc == LNT_OK) {
        o->id = lnt_pg_i64(r, 0, 0);
        rc = lnt_pg_audit(s, pg, "officer.add", email, err, "\"%s\", %s", o->name,
                          scope_text(&o->scope, scope, sizeof scope));
    }
    PQclear(r);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_officer_add(struct lnt_store *s, struct lnt_officer *o, const char *password,
                                   char *err)
{
    char hash[crypto_pwhash_STRBYTES], email[LNT_EMAIL_MAX + 1];
    int64_t now = lnt_time_now();
    enum lnt_err rc;

    o->name[sizeof o->name - 1] = '\0';
    rc = lnt_store_email_norm(o->email, email, err);
    if (rc == LNT_OK)
        rc = lnt_store_text_check("officer name", o->name, sizeof o->name - 1, err);
    if (rc == LNT_OK)
        rc = lnt_store_scope_check(&o->scope, err);
    if (rc == LNT_OK)
        rc = password_check(password, err);
    if (rc == LNT_OK)
        rc = password_hash(password, hash, err);
    if (rc != LNT_OK)
        return rc;
    rc = officer_insert(s, o, email, hash, now, err);
    if (rc == LNT_OK) {
        o->created_at = now;
        o->disabled_at = o->last_login_at = 0;
        memcpy(o->email, email, sizeof email);
    }
    lnt_store_wipe(hash, sizeof hash);
    return rc;
}

#define OFFICER_COLS                                                                               \
    "id, email, name, role, authority, venue_id, created_at, disabled_at, last_login_at, pwhash"

static void officer_row(const PGresult *r, int row, void *elem)
{
    struct lnt_officer *o = elem;

    o->id = lnt_pg_i64(r, row, 0);
    lnt_pg_text(r, row, 1, o->email, sizeof o->email);
    lnt_pg_text(r, row, 2, o->name, sizeof o->name);
    o->scope.role = (enum lnt_officer_role)lnt_pg_i64(r, row, 3);
    lnt_pg_text(r, row, 4, o->scope.authority, sizeof o->scope.authority);
    o->scope.venue_id = lnt_pg_i64(r, row, 5);
    o->created_at = lnt_pg_i64(r, row, 6);
    o->disabled_at = lnt_pg_i64(r, row, 7);
    o->last_login_at = lnt_pg_i64(r, row, 8);
}

/* One officer by email (already normalised) or id; the hash too when hash != NULL. */
static enum lnt_err officer_read(struct lnt_store *s, const char *email, int64_t id,
                                 struct lnt_officer *out, char hash[crypto_pwhash_STRBYTES],
                                 char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    if (email != NULL) {
        lnt_pg_p_text(&p, email);
        rc = lnt_pg_exec(pg, "SELECT " OFFICER_COLS " FROM officers WHERE email = $1", &p, &r, err,
                         "reading an account");
    } else {
        lnt_pg_p_i64(&p, id);
        rc = lnt_pg_exec(pg, "SELECT " OFFICER_COLS " FROM officers WHERE id = $1", &p, &r, err,
                         "reading an account");
    }
    lnt_pg_give(s, pg);
    if (rc == LNT_OK && PQntuples(r) == 0) {
        rc = email != NULL ? lnt_fail(err, LNT_ERR_NOT_FOUND, "no account for %s", email)
                           : lnt_fail(err, LNT_ERR_NOT_FOUND, "account %" PRId64 " not found", id);
    } else if (rc == LNT_OK) {
        officer_row(r, 0, out);
        if (hash != NULL)
            lnt_pg_text(r, 0, 9, hash, crypto_pwhash_STRBYTES);
    }
    PQclear(r);
    return rc;
}

enum lnt_err lnt_store_officer_get(struct lnt_store *s, const char *email, struct lnt_officer *out,
                                   char *err)
{
    char norm[LNT_EMAIL_MAX + 1];
    enum lnt_err rc = lnt_store_email_norm(email, norm, err);

    if (rc != LNT_OK) {
        memset(out, 0, sizeof *out);
        return lnt_fail(err, LNT_ERR_NOT_FOUND, "no account for that address");
    }
    return officer_read(s, norm, 0, out, NULL, err);
}

enum lnt_err lnt_store_officer_get_id(struct lnt_store *s, int64_t id, struct lnt_officer *out,
                                      char *err)
{
    return officer_read(s, NULL, id, out, NULL, err);
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];

static void dummy_init(void)
{
    uint8_t pw[16];

    randombytes_buf(pw, sizeof pw);
    if (crypto_pwhash_str(dummy_hash, (const char *)pw, sizeof pw,
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = '\0'; /* verify then fails fast; the answer is the same */
}

/* Runs a write of its own (autocommit) with $1 = id and $2 = at. */
static enum lnt_err write_at(struct lnt_store *s, const char *sql, int64_t id, int64_t at,
                             const char *what, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    lnt_pg_p_i64(&p, at);
    rc = lnt_pg_exec(pg, sql, &p, NULL, err, what);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_officer_verify(struct lnt_store *s, const char *email, const char *password,
                                      int64_t now, struct lnt_officer *out, char *err)
{
    static const char refused[] = "unknown account or wrong password";
    char norm[LNT_EMAIL_MAX + 1], hash[crypto_pwhash_STRBYTES];
    struct lnt_officer o;
    size_t pwlen = password != NULL ? strnlen(password, LNT_PASSWORD_MAX + 1) : 0;
    bool known;
    enum lnt_err rc;

    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (pwlen > LNT_PASSWORD_MAX)
        return lnt_fail(err, LNT_ERR_UNAUTHORIZED, "%s", refused);
    known = lnt_store_email_norm(email, norm, NULL) == LNT_OK;
    if (known) {
        rc = officer_read(s, norm, 0, &o, hash, err);
        if (rc != LNT_OK && rc != LNT_ERR_NOT_FOUND)
            return rc;
        known = rc == LNT_OK;
    }
    if (!known) {
        /* the same work for an unknown account, so timing does not tell which it was */
        pthread_once(&dummy_once, dummy_init);
        if (crypto_pwhash_str_verify(dummy_hash, password != NULL ? password : "", pwlen) == 0)
            lnt_log(LNT_LOG_ERROR, "a random password matched: the dummy hash is broken");
        return lnt_fail(err, LNT_ERR_UNAUTHORIZED, "%s", refused);
    }
    rc = crypto_pwhash_str_verify(hash, password != NULL ? password : "", pwlen) == 0
             ? LNT_OK
             : lnt_fail(err, LNT_ERR_UNAUTHORIZED, "%s", refused);
    lnt_store_wipe(hash, sizeof hash);
    /* a disabled account is refused like a wrong password: the reply must not confirm it */
    if (rc == LNT_OK && o.disabled_at != 0)
        rc = lnt_fail(err, LNT_ERR_UNAUTHORIZED, "%s", refused);
    if (rc != LNT_OK)
        return rc;
    rc = write_at(s, "UPDATE officers SET last_login_at = $2 WHERE id = $1", o.id, now,
                  "recording the login", err);
    o.last_login_at = now;
    if (rc == LNT_OK && out != NULL)
        *out = o;
    return rc;
}

/* Deletes an officer's sessions inside the caller's transaction. */
static enum lnt_err sessions_end(PGconn *pg, int64_t officer_id, char *err)
{
    struct lnt_pg_params p;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, officer_id);
    return lnt_pg_exec(pg, "DELETE FROM sessions WHERE officer_id = $1", &p, NULL, err,
                       "ending sessions");
}

/*
 * How a credential is switched off, once: an account disabled, a token revoked. As
 * sq_auth.c's.
 */
struct switching_off {
    const char *exists;  /* $1 = id: a row when there is such a credential */
    const char *noun;    /* the credential in messages: "account" */
    const char *set;     /* $1 = id, $2 = when; changes nothing when it is already off */
    const char *doing;   /* the update, in errors */
    const char *already; /* refusal of a second time, after "<noun> <id> " */
    /* more to do in the same transaction once it is off; may be NULL */
    enum lnt_err (*then)(PGconn *pg, int64_t id, char *err);
    const char *object; /* the audit row's object: "<object> <id>" */
    const char *action; /* the audit row's action */
    const char *detail; /* the audit row's detail */
};

/*
 * Switches credential `id` off at `now` (1 when now <= 0) as `how` says. LNT_ERR_NOT_FOUND for
 * no such credential, LNT_ERR_STATE when it already was off; nothing is changed on error.
 */
static enum lnt_err switch_off(struct lnt_store *s, const struct switching_off *how, int64_t id,
                               int64_t now, char *err)
{
    struct lnt_pg_params p;
    char obj[40];
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    lnt_pg_p_i64(&p, now > 0 ? now : 1);
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_must_exist(pg, how->exists, id, how->noun, err);
    /* a second server switching it off at once waits for this row and then changes nothing */
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, how->set, &p, &r, err, how->doing);
    if (rc == LNT_OK && lnt_pg_changed(r) == 0)
        rc = lnt_fail(err, LNT_ERR_STATE, "%s %" PRId64 " %s", how->noun, id, how->already);
    PQclear(r);
    if (rc == LNT_OK && how->then != NULL)
        rc = how->then(pg, id, err);
    snprintf(obj, sizeof obj, "%s %" PRId64, how->object, id);
    if (rc == LNT_OK)
        rc = lnt_pg_audit(s, pg, how->action, obj, err, "%s", how->detail);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_officer_password(struct lnt_store *s, int64_t id, const char *password,
                                        char *err)
{
    char hash[crypto_pwhash_STRBYTES], obj[32];
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc = password_check(password, err);

    if (rc == LNT_OK)
        rc = password_hash(password, hash, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        goto wipe;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    lnt_pg_p_text(&p, hash);
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, "UPDATE officers SET pwhash = $2 WHERE id = $1", &p, &r, err,
                         "storing the password");
    if (rc == LNT_OK && lnt_pg_changed(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "account %" PRId64 " not found", id);
    PQclear(r);
    if (rc == LNT_OK)
        rc = sessions_end(pg, id, err);
    snprintf(obj, sizeof obj, "officer %" PRId64, id);
    if (rc == LNT_OK)
        rc = lnt_pg_audit(s, pg, "officer.password", obj, err, "password changed; sessions ended");
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
wipe:
    lnt_store_wipe(hash, sizeof hash);
    return rc;
}

/* The rows of `sql` (no parameters) on a connection of the pool. */
static enum lnt_err all_rows(struct lnt_store *s, const char *sql, size_t elem, lnt_pg_row_fn fn,
                             void **out, size_t *n, char *err, const char *what)
{
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_list(pg, sql, NULL, elem, fn, out, n, err, what);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_officer_list(struct lnt_store *s, struct lnt_officer **out, size_t *n,
                                    char *err)
{
    return all_rows(s, "SELECT " OFFICER_COLS " FROM officers ORDER BY id", sizeof **out,
                    officer_row, (void **)out, n, err, "listing accounts");
}

enum lnt_err lnt_store_officer_disable(struct lnt_store *s, int64_t id, int64_t now, char *err)
{
    static const struct switching_off disabling = {
        .exists = "SELECT disabled_at FROM officers WHERE id = $1",
        .noun = "account",
        .set = "UPDATE officers SET disabled_at = $2 WHERE id = $1 AND disabled_at = 0",
        .doing = "disabling the account",
        .already = "is already disabled",
        .then = sessions_end,
        .object = "officer",
        .action = "officer.disable",
        .detail = "account disabled; sessions ended",
    };

    return switch_off(s, &disabling, id, now, err);
}

/* ---- API tokens ---- */

/* Stores token t (hash = SHA-256 of its text) with its audit row, in one transaction. */
static enum lnt_err token_insert(struct lnt_store *s, struct lnt_token *t,
                                 const uint8_t hash[LNT_SHA256_LEN], int64_t now, char *err)
{
    char scope[160], obj[40];
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_bytes(&p, hash, LNT_SHA256_LEN);
    lnt_pg_p_text(&p, t->hint);
    lnt_pg_p_text(&p, t->label);
    lnt_pg_p_i64(&p, t->scope.role);
    lnt_pg_p_text(&p, t->scope.authority);
    lnt_pg_p_i64(&p, t->scope.venue_id);
    lnt_pg_p_i64(&p, now);
    lnt_pg_p_i64(&p, t->expires_at);
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = scope_venue(pg, &t->scope, err);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg,
                         "INSERT INTO api_tokens (token_sha256, hint, label, role, authority, "
                         "venue_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                         "$8) RETURNING id",
                         &p, &r, err, "storing the token");
    if (rc == LNT_OK) {
        t->id = lnt_pg_i64(r, 0, 0);
        t->created_at = now;
        t->revoked_at = 0;
        snprintf(obj, sizeof obj, "token %" PRId64, t->id);
        rc = lnt_pg_audit(s, pg, "token.add", obj, err, "\"%s\", %s", t->label,
                          scope_text(&t->scope, scope, sizeof scope));
    }
    PQclear(r);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_token_add(struct lnt_store *s, struct lnt_token *t, int64_t now,
                                 char out_token[LNT_TOKEN_LEN + 1], char *err)
{
    uint8_t raw[32], hash[LNT_SHA256_LEN];
    char text[LNT_TOKEN_LEN + 1];
    enum lnt_err rc;

    out_token[0] = '\0';
    t->label[sizeof t->label - 1] = '\0';
    rc = lnt_store_text_check("token label", t->label, sizeof t->label - 1, err);
    if (rc == LNT_OK)
        rc = lnt_store_scope_check(&t->scope, err);
    if (rc != LNT_OK)
        return rc;
    if (t->expires_at != 0 && t->expires_at <= now)
        return lnt_fail(err, LNT_ERR_INVALID, "a token must expire in the future");
    lnt_random(raw, sizeof raw);
    memcpy(text, LNT_TOKEN_PREFIX, sizeof LNT_TOKEN_PREFIX - 1);
    lnt_store_b64url(raw, sizeof raw, text + sizeof LNT_TOKEN_PREFIX - 1);
    lnt_store_sha256(text, LNT_TOKEN_LEN, hash);
    memcpy(t->hint, text, sizeof t->hint - 1);
    t->hint[sizeof t->hint - 1] = '\0';
    rc = token_insert(s, t, hash, now, err);
    if (rc == LNT_OK)
        memcpy(out_token, text, sizeof text);
    lnt_store_wipe(raw, sizeof raw);
    lnt_store_wipe(text, sizeof text);
    return rc;
}

#define TOKEN_COLS "id, label, role, authority, venue_id, created_at, expires_at, revoked_at, hint"

static void token_row(const PGresult *r, int row, void *elem)
{
    struct lnt_token *t = elem;

    t->id = lnt_pg_i64(r, row, 0);
    lnt_pg_text(r, row, 1, t->label, sizeof t->label);
    t->scope.role = (enum lnt_officer_role)lnt_pg_i64(r, row, 2);
    lnt_pg_text(r, row, 3, t->scope.authority, sizeof t->scope.authority);
    t->scope.venue_id = lnt_pg_i64(r, row, 4);
    t->created_at = lnt_pg_i64(r, row, 5);
    t->expires_at = lnt_pg_i64(r, row, 6);
    t->revoked_at = lnt_pg_i64(r, row, 7);
    lnt_pg_text(r, row, 8, t->hint, sizeof t->hint);
}

enum lnt_err lnt_store_token_lookup(struct lnt_store *s, const char *text, int64_t now,
                                    struct lnt_token *out, char *err)
{
    uint8_t hash[LNT_SHA256_LEN];
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    if (text == NULL || strnlen(text, LNT_TOKEN_LEN + 1) != LNT_TOKEN_LEN ||
        !lnt_str_starts(text, LNT_TOKEN_PREFIX))
        return lnt_fail(err, LNT_ERR_NOT_FOUND, "unknown token");
    lnt_store_sha256(text, LNT_TOKEN_LEN, hash);
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_bytes(&p, hash, sizeof hash);
    rc = lnt_pg_exec(pg, "SELECT " TOKEN_COLS " FROM api_tokens WHERE token_sha256 = $1", &p, &r,
                     err, "looking up the token");
    lnt_pg_give(s, pg);
    if (rc == LNT_OK && PQntuples(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "unknown token");
    else if (rc == LNT_OK)
        token_row(r, 0, out);
    PQclear(r);
    if (rc != LNT_OK)
        return rc;
    if (out->revoked_at != 0)
        return lnt_fail(err, LNT_ERR_REVOKED, "token %" PRId64 " was revoked", out->id);
    if (out->expires_at != 0 && out->expires_at <= now)
        return lnt_fail(err, LNT_ERR_EXPIRED, "token %" PRId64 " has expired", out->id);
    return LNT_OK;
}

enum lnt_err lnt_store_token_list(struct lnt_store *s, struct lnt_token **out, size_t *n, char *err)
{
    return all_rows(s, "SELECT " TOKEN_COLS " FROM api_tokens ORDER BY id", sizeof **out, token_row,
                    (void **)out, n, err, "listing tokens");
}

enum lnt_err lnt_store_token_revoke(struct lnt_store *s, int64_t id, int64_t now, char *err)
{
    static const struct switching_off revoking = {
        .exists = "SELECT 1 FROM api_tokens WHERE id = $1",
        .noun = "token",
        .set = "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at = 0",
        .doing = "revoking the token",
        .already = "is already revoked",
        .object = "token",
        .action = "token.revoke",
        .detail = "token revoked",
    };

    return switch_off(s, &revoking, id, now, err);
}

/* ---- sessions ---- */

enum lnt_err lnt_store_session_create(struct lnt_store *s, int64_t officer_id, int64_t now,
                                      struct lnt_session *out, char *err)
{
    uint8_t raw[32], hash[LNT_SHA256_LEN];
    struct lnt_officer o;
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    rc = officer_read(s, NULL, officer_id, &o, NULL, err);
    if (rc != LNT_OK)
        return rc;
    if (o.disabled_at != 0)
        return lnt_fail(err, LNT_ERR_FORBIDDEN, "account %" PRId64 " is disabled", officer_id);
    lnt_random(raw, sizeof raw);
    lnt_store_b64url(raw, sizeof raw, out->id);
    lnt_random(raw, sizeof raw);
    lnt_store_b64url(raw, sizeof raw, out->csrf);
    lnt_store_sha256(out->id, LNT_SESSION_ID_LEN, hash);
    out->officer_id = officer_id;
    out->created_at = out->last_seen = now;
    rc = lnt_pg_take(s, &pg, err);
    if (rc == LNT_OK) {
        lnt_pg_p_init(&p);
        lnt_pg_p_bytes(&p, hash, sizeof hash);
        lnt_pg_p_i64(&p, officer_id);
        lnt_pg_p_text(&p, out->csrf);
        lnt_pg_p_i64(&p, now);
        rc = lnt_pg_exec(pg,
                         "INSERT INTO sessions (id_sha256, officer_id, csrf, created_at, "
                         "last_seen) VALUES ($1, $2, $3, $4, $4)",
                         &p, NULL, err, "storing the session");
        lnt_pg_give(s, pg);
    }
    lnt_store_wipe(raw, sizeof raw);
    if (rc != LNT_OK)
        lnt_store_wipe(out, sizeof *out);
    return rc;
}

/* Runs a write of the session `hash` (delete, or touch with $2 = now when `touch`). */
static enum lnt_err session_write(struct lnt_store *s, const char *sql,
                                  const uint8_t hash[LNT_SHA256_LEN], bool touch, int64_t now,
                                  char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_bytes(&p, hash, LNT_SHA256_LEN);
    if (touch)
        lnt_pg_p_i64(&p, now);
    rc = lnt_pg_exec(pg, sql, &p, NULL, err, "updating the session");
    lnt_pg_give(s, pg);
    return rc;
}

static const char session_delete_sql[] = "DELETE FROM sessions WHERE id_sha256 = $1";

/* Reads the session `hash` (its text `id`) into out: LNT_ERR_NOT_FOUND when there is none. */
static enum lnt_err session_read(struct lnt_store *s, const uint8_t hash[LNT_SHA256_LEN],
                                 const char *id, struct lnt_session *out, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_bytes(&p, hash, LNT_SHA256_LEN);
    rc = lnt_pg_exec(pg,
                     "SELECT officer_id, csrf, created_at, last_seen FROM sessions "
                     "WHERE id_sha256 = $1",
                     &p, &r, err, "reading the session");
    lnt_pg_give(s, pg);
    if (rc == LNT_OK && PQntuples(r) == 0) {
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "unknown session");
    } else if (rc == LNT_OK) {
        out->officer_id = lnt_pg_i64(r, 0, 0);
        lnt_pg_text(r, 0, 1, out->csrf, sizeof out->csrf);
        out->created_at = lnt_pg_i64(r, 0, 2);
        out->last_seen = lnt_pg_i64(r, 0, 3);
        (void)lnt_str_copy(out->id, sizeof out->id, id);
    }
    PQclear(r);
    return rc;
}

enum lnt_err lnt_store_session_get(struct lnt_store *s, const char *id, int64_t now,
                                   struct lnt_session *out, struct lnt_officer *officer_out,
                                   char *err)
{
    uint8_t hash[LNT_SHA256_LEN];
    struct lnt_officer o;
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    if (officer_out != NULL)
        memset(officer_out, 0, sizeof *officer_out);
    if (id == NULL || strnlen(id, LNT_SESSION_ID_LEN + 1) != LNT_SESSION_ID_LEN)
        return lnt_fail(err, LNT_ERR_NOT_FOUND, "unknown session");
    lnt_store_sha256(id, LNT_SESSION_ID_LEN, hash);
    rc = session_read(s, hash, id, out, err);
    if (rc != LNT_OK) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    if (now - out->created_at >= LNT_SESSION_ABSOLUTE || now - out->last_seen >= LNT_SESSION_IDLE) {
        (void)session_write(s, session_delete_sql, hash, false, now, NULL);
        memset(out, 0, sizeof *out);
        return lnt_fail(err, LNT_ERR_EXPIRED, "session has expired: log in again");
    }
    rc = officer_read(s, NULL, out->officer_id, &o, NULL, err);
    if (rc == LNT_OK && o.disabled_at != 0)
        rc = lnt_fail(err, LNT_ERR_FORBIDDEN, "account is disabled");
    if (rc == LNT_OK && now - out->last_seen >= TOUCH_EVERY) {
        rc = session_write(s,
                           "UPDATE sessions SET last_seen = greatest(last_seen, $2) "
                           "WHERE id_sha256 = $1",
                           hash, true, now, err);
        out->last_seen = now;
    }
    if (rc != LNT_OK) {
        memset(out, 0, sizeof *out);
        return rc;
    }
    if (officer_out != NULL)
        *officer_out = o;
    return LNT_OK;
}

enum lnt_err lnt_store_session_delete(struct lnt_store *s, const char *id, char *err)
{
    uint8_t hash[LNT_SHA256_LEN];

    if (id == NULL || strnlen(id, LNT_SESSION_ID_LEN + 1) != LNT_SESSION_ID_LEN)
        return LNT_OK;
    lnt_store_sha256(id, LNT_SESSION_ID_LEN, hash);
    return session_write(s, session_delete_sql, hash, false, 0, err);
}
