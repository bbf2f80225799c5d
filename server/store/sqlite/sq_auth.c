/* sq_auth.c - the store on SQLite: officer accounts, API tokens, dashboard sessions. */
#include "sq_int.h"

#include <inttypes.h>
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

/* Checks the scope's venue exists (inside the caller's write transaction). */
static enum lnt_err scope_venue(struct lnt_store *s, const struct lnt_scope *sc, char *err)
{
    if (sc->venue_id == 0)
        return LNT_OK;
    return lnt_sq_venue_must_exist(&s->w, sc->venue_id, err);
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

enum lnt_err lnt_store_officer_add(struct lnt_store *s, struct lnt_officer *o, const char *password,
                                   char *err)
{
    char hash[crypto_pwhash_STRBYTES], email[LNT_EMAIL_MAX + 1], scope[160];
    int64_t now = lnt_time_now();
    sqlite3_stmt *st;
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
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = scope_venue(s, &o->scope, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO officers (email, name, role, authority, venue_id, pwhash, "
                     "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, o->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, (int)o->scope.role);
    sqlite3_bind_text(st, 4, o->scope.authority, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, o->scope.venue_id);
    sqlite3_bind_text(st, 6, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, now);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = sqlite3_extended_errcode(s->w.db) == SQLITE_CONSTRAINT_UNIQUE
                 ? lnt_fail(err, LNT_ERR_EXISTS, "an account for %s already exists", email)
                 : lnt_sq_fail(s->w.db, err, "storing the account");
        sqlite3_reset(st);
        goto out;
    }
    sqlite3_reset(st);
    o->id = sqlite3_last_insert_rowid(s->w.db);
    o->created_at = now;
    o->disabled_at = o->last_login_at = 0;
    memcpy(o->email, email, sizeof email);
    rc = lnt_sq_audit(s, "officer.add", email, err, "\"%s\", %s", o->name,
                      scope_text(&o->scope, scope, sizeof scope));
out:
    rc = lnt_sq_wend(s, rc, err);
    lnt_store_wipe(hash, sizeof hash);
    return rc;
}

#define OFFICER_COLS                                                                               \
    "id, email, name, role, authority, venue_id, created_at, disabled_at, last_login_at, pwhash"

static void officer_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_officer *o = elem;

    o->id = sqlite3_column_int64(st, 0);
    lnt_sq_text(o->email, sizeof o->email, st, 1);
    lnt_sq_text(o->name, sizeof o->name, st, 2);
    o->scope.role = (enum lnt_officer_role)sqlite3_column_int(st, 3);
    lnt_sq_text(o->scope.authority, sizeof o->scope.authority, st, 4);
    o->scope.venue_id = sqlite3_column_int64(st, 5);
    o->created_at = sqlite3_column_int64(st, 6);
    o->disabled_at = sqlite3_column_int64(st, 7);
    o->last_login_at = sqlite3_column_int64(st, 8);
}

/* One officer by email (already normalised) or id; the hash too when hash != NULL. */
static enum lnt_err officer_read(struct lnt_store *s, const char *email, int64_t id,
                                 struct lnt_officer *out, char hash[crypto_pwhash_STRBYTES],
                                 char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = LNT_OK;
    sqlite3_stmt *st;
    int r;

    memset(out, 0, sizeof *out);
    st = email != NULL
             ? lnt_sq_stmt(c, "SELECT " OFFICER_COLS " FROM officers WHERE email = ?1", err)
             : lnt_sq_stmt(c, "SELECT " OFFICER_COLS " FROM officers WHERE id = ?1", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    if (email != NULL)
        sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 1, id);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        officer_row(st, out);
        if (hash != NULL)
            lnt_sq_text(hash, crypto_pwhash_STRBYTES, st, 9);
    } else if (r == SQLITE_DONE) {
        rc = email != NULL ? lnt_fail(err, LNT_ERR_NOT_FOUND, "no account for %s", email)
                           : lnt_fail(err, LNT_ERR_NOT_FOUND, "account %" PRId64 " not found", id);
    } else {
        rc = lnt_sq_fail(c->db, err, "reading an account");
    }
out:
    lnt_sq_rend(s, c);
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

enum lnt_err lnt_store_officer_verify(struct lnt_store *s, const char *email, const char *password,
                                      int64_t now, struct lnt_officer *out, char *err)
{
    static const char refused[] = "unknown account or wrong password";
    char norm[LNT_EMAIL_MAX + 1], hash[crypto_pwhash_STRBYTES];
    struct lnt_officer o;
    size_t pwlen = password != NULL ? strnlen(password, LNT_PASSWORD_MAX + 1) : 0;
    bool known;
    sqlite3_stmt *st;
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
    lnt_sq_wlock(s);
    st = lnt_sq_stmt(&s->w, "UPDATE officers SET last_login_at = ?2 WHERE id = ?1", err);
    rc = st != NULL ? LNT_OK : LNT_ERR_DB;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, o.id);
        sqlite3_bind_int64(st, 2, now);
        rc = lnt_sq_done(s->w.db, st, err, "recording the login");
    }
    lnt_sq_wunlock(s);
    o.last_login_at = now;
    if (rc == LNT_OK && out != NULL)
        *out = o;
    return rc;
}

/* Deletes an officer's sessions inside the caller's write transaction. */
static enum lnt_err sessions_end(struct lnt_store *s, int64_t officer_id, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(&s->w, "DELETE FROM sessions WHERE officer_id = ?1", err);

    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, officer_id);
    return lnt_sq_done(s->w.db, st, err, "ending sessions");
}

/*
 * How a credential is switched off, once: an account disabled, a token
 * revoked. The strings are literals (the SQL keys the statement cache).
 */
struct switching_off {
    const char *exists;  /* ?1 = id: a row when there is such a credential */
    const char *noun;    /* the credential in messages: "account" */
    const char *set;     /* ?1 = id, ?2 = when; changes nothing when it is already off */
    const char *doing;   /* the update, in errors */
    const char *already; /* refusal of a second time, after "<noun> <id> " */
    /* more to do in the same transaction once it is off; may be NULL */
    enum lnt_err (*then)(struct lnt_store *s, int64_t id, char *err);
    const char *object; /* the audit row's object: "<object> <id>" */
    const char *action; /* the audit row's action */
    const char *detail; /* the audit row's detail */
};

/*
 * Switches credential `id` off at `now` (1 when now <= 0) as `how` says.
 * LNT_ERR_NOT_FOUND for no such credential, LNT_ERR_STATE when it already was
 * off, LNT_ERR_DB; nothing is changed on error.
 */
static enum lnt_err switch_off(struct lnt_store *s, const struct switching_off *how, int64_t id,
                               int64_t now, char *err)
{
    char obj[40];
    enum lnt_err rc = lnt_sq_wbegin(s, err);

    if (rc == LNT_OK)
        rc = lnt_sq_must_exist(&s->w, how->exists, id, how->noun, err);
    if (rc != LNT_OK)
        goto out;
    rc = lnt_sq_set_at(s, how->set, id, now > 0 ? now : 1, how->doing, err);
    if (rc == LNT_OK && sqlite3_changes(s->w.db) == 0)
        rc = lnt_fail(err, LNT_ERR_STATE, "%s %" PRId64 " %s", how->noun, id, how->already);
    if (rc == LNT_OK && how->then != NULL)
        rc = how->then(s, id, err);
    snprintf(obj, sizeof obj, "%s %" PRId64, how->object, id);
    if (rc == LNT_OK)
        rc = lnt_sq_audit(s, how->action, obj, err, "%s", how->detail);
out:
    return lnt_sq_wend(s, rc, err);
}

enum lnt_err lnt_store_officer_password(struct lnt_store *s, int64_t id, const char *password,
                                        char *err)
{
    char hash[crypto_pwhash_STRBYTES], obj[32];
    sqlite3_stmt *st;
    enum lnt_err rc = password_check(password, err);

    if (rc == LNT_OK)
        rc = password_hash(password, hash, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_sq_wbegin(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w, "UPDATE officers SET pwhash = ?2 WHERE id = ?1", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    rc = lnt_sq_done(s->w.db, st, err, "storing the password");
    if (rc == LNT_OK && sqlite3_changes(s->w.db) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "account %" PRId64 " not found", id);
    if (rc == LNT_OK)
        rc = sessions_end(s, id, err);
    snprintf(obj, sizeof obj, "officer %" PRId64, id);
    if (rc == LNT_OK)
        rc = lnt_sq_audit(s, "officer.password", obj, err, "password changed; sessions ended");
out:
    rc = lnt_sq_wend(s, rc, err);
    lnt_store_wipe(hash, sizeof hash);
    return rc;
}

enum lnt_err lnt_store_officer_list(struct lnt_store *s, struct lnt_officer **out, size_t *n,
                                    char *err)
{
    return lnt_sq_rlist(s, "SELECT " OFFICER_COLS " FROM officers ORDER BY id", 0, sizeof **out,
                        officer_row, (void **)out, n, err, "listing accounts");
}

enum lnt_err lnt_store_officer_disable(struct lnt_store *s, int64_t id, int64_t now, char *err)
{
    static const struct switching_off disabling = {
        .exists = "SELECT disabled_at FROM officers WHERE id = ?1",
        .noun = "account",
        .set = "UPDATE officers SET disabled_at = ?2 WHERE id = ?1 AND disabled_at = 0",
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

enum lnt_err lnt_store_token_add(struct lnt_store *s, struct lnt_token *t, int64_t now,
                                 char out_token[LNT_TOKEN_LEN + 1], char *err)
{
    uint8_t raw[32], hash[LNT_SHA256_LEN];
    char text[LNT_TOKEN_LEN + 1], scope[160], obj[40];
    sqlite3_stmt *st;
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

    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = scope_venue(s, &t->scope, err);
    if (rc != LNT_OK)
        goto out;
    st =
        lnt_sq_stmt(&s->w,
                    "INSERT INTO api_tokens (token_sha256, hint, label, role, authority, venue_id, "
                    "created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->hint, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, t->label, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, (int)t->scope.role);
    sqlite3_bind_text(st, 5, t->scope.authority, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, t->scope.venue_id);
    sqlite3_bind_int64(st, 7, now);
    sqlite3_bind_int64(st, 8, t->expires_at);
    rc = lnt_sq_done(s->w.db, st, err, "storing the token");
    if (rc != LNT_OK)
        goto out;
    t->id = sqlite3_last_insert_rowid(s->w.db);
    t->created_at = now;
    t->revoked_at = 0;
    snprintf(obj, sizeof obj, "token %" PRId64, t->id);
    rc = lnt_sq_audit(s, "token.add", obj, err, "\"%s\", %s", t->label,
                      scope_text(&t->scope, scope, sizeof scope));
out:
    rc = lnt_sq_wend(s, rc, err);
    if (rc == LNT_OK)
        memcpy(out_token, text, sizeof text);
    lnt_store_wipe(raw, sizeof raw);
    lnt_store_wipe(text, sizeof text);
    return rc;
}

#define TOKEN_COLS "id, label, role, authority, venue_id, created_at, expires_at, revoked_at, hint"

static void token_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_token *t = elem;

    t->id = sqlite3_column_int64(st, 0);
    lnt_sq_text(t->label, sizeof t->label, st, 1);
    t->scope.role = (enum lnt_officer_role)sqlite3_column_int(st, 2);
    lnt_sq_text(t->scope.authority, sizeof t->scope.authority, st, 3);
    t->scope.venue_id = sqlite3_column_int64(st, 4);
    t->created_at = sqlite3_column_int64(st, 5);
    t->expires_at = sqlite3_column_int64(st, 6);
    t->revoked_at = sqlite3_column_int64(st, 7);
    lnt_sq_text(t->hint, sizeof t->hint, st, 8);
}

enum lnt_err lnt_store_token_lookup(struct lnt_store *s, const char *text, int64_t now,
                                    struct lnt_token *out, char *err)
{
    uint8_t hash[LNT_SHA256_LEN];
    struct lnt_sq_conn *c;
    enum lnt_err rc = LNT_OK;
    sqlite3_stmt *st;
    int r;

    memset(out, 0, sizeof *out);
    if (text == NULL || strnlen(text, LNT_TOKEN_LEN + 1) != LNT_TOKEN_LEN ||
        !lnt_str_starts(text, LNT_TOKEN_PREFIX))
        return lnt_fail(err, LNT_ERR_NOT_FOUND, "unknown token");
    lnt_store_sha256(text, LNT_TOKEN_LEN, hash);
    c = lnt_sq_rbegin(s);
    st = lnt_sq_stmt(c, "SELECT " TOKEN_COLS " FROM api_tokens WHERE token_sha256 = ?1", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        token_row(st, out);
    else if (r == SQLITE_DONE)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "unknown token");
    else
        rc = lnt_sq_fail(c->db, err, "looking up the token");
out:
    lnt_sq_rend(s, c);
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
    return lnt_sq_rlist(s, "SELECT " TOKEN_COLS " FROM api_tokens ORDER BY id", 0, sizeof **out,
                        token_row, (void **)out, n, err, "listing tokens");
}

enum lnt_err lnt_store_token_revoke(struct lnt_store *s, int64_t id, int64_t now, char *err)
{
    static const struct switching_off revoking = {
        .exists = "SELECT 1 FROM api_tokens WHERE id = ?1",
        .noun = "token",
        .set = "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at = 0",
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
    sqlite3_stmt *st;
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
    lnt_sq_wlock(s);
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO sessions (id_sha256, officer_id, csrf, created_at, last_seen) "
                     "VALUES (?1, ?2, ?3, ?4, ?4)",
                     err);
    rc = st != NULL ? LNT_OK : LNT_ERR_DB;
    if (st != NULL) {
        sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, officer_id);
        sqlite3_bind_text(st, 3, out->csrf, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, now);
        rc = lnt_sq_done(s->w.db, st, err, "storing the session");
    }
    lnt_sq_wunlock(s);
    lnt_store_wipe(raw, sizeof raw);
    if (rc != LNT_OK)
        lnt_store_wipe(out, sizeof *out);
    return rc;
}

/* Runs a one-parameter-blob write (delete or touch) on the write connection. */
static enum lnt_err session_write(struct lnt_store *s, const char *sql,
                                  const uint8_t hash[LNT_SHA256_LEN], int64_t now, char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc = LNT_ERR_DB;

    lnt_sq_wlock(s);
    st = lnt_sq_stmt(&s->w, sql, err);
    if (st != NULL) {
        sqlite3_bind_blob(st, 1, hash, LNT_SHA256_LEN, SQLITE_STATIC);
        if (sqlite3_bind_parameter_count(st) > 1)
            sqlite3_bind_int64(st, 2, now);
        rc = lnt_sq_done(s->w.db, st, err, "updating the session");
    }
    lnt_sq_wunlock(s);
    return rc;
}

static const char session_delete_sql[] = "DELETE FROM sessions WHERE id_sha256 = ?1";

enum lnt_err lnt_store_session_get(struct lnt_store *s, const char *id, int64_t now,
                                   struct lnt_session *out, struct lnt_officer *officer_out,
                                   char *err)
{
    uint8_t hash[LNT_SHA256_LEN];
    struct lnt_officer o;
    struct lnt_sq_conn *c;
    enum lnt_err rc = LNT_OK;
    sqlite3_stmt *st;
    int r;

    memset(out, 0, sizeof *out);
    if (officer_out != NULL)
        memset(officer_out, 0, sizeof *officer_out);
    if (id == NULL || strnlen(id, LNT_SESSION_ID_LEN + 1) != LNT_SESSION_ID_LEN)
        return lnt_fail(err, LNT_ERR_NOT_FOUND, "unknown session");
    lnt_store_sha256(id, LNT_SESSION_ID_LEN, hash);
    c = lnt_sq_rbegin(s);
    st = lnt_sq_stmt(c,
                     "SELECT officer_id, csrf, created_at, last_seen FROM sessions "
                     "WHERE id_sha256 = ?1",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
    } else {
        sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
        r = sqlite3_step(st);
        if (r == SQLITE_ROW) {
            out->officer_id = sqlite3_column_int64(st, 0);
            lnt_sq_text(out->csrf, sizeof out->csrf, st, 1);
            out->created_at = sqlite3_column_int64(st, 2);
            out->last_seen = sqlite3_column_int64(st, 3);
            (void)lnt_str_copy(out->id, sizeof out->id, id);
        } else if (r == SQLITE_DONE) {
            rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "unknown session");
        } else {
            rc = lnt_sq_fail(c->db, err, "reading the session");
        }
    }
    lnt_sq_rend(s, c);
    if (rc != LNT_OK)
        return rc;
    if (now - out->created_at >= LNT_SESSION_ABSOLUTE || now - out->last_seen >= LNT_SESSION_IDLE) {
        (void)session_write(s, session_delete_sql, hash, now, NULL);
        memset(out, 0, sizeof *out);
        return lnt_fail(err, LNT_ERR_EXPIRED, "session has expired: log in again");
    }
    rc = officer_read(s, NULL, out->officer_id, &o, NULL, err);
    if (rc == LNT_OK && o.disabled_at != 0)
        rc = lnt_fail(err, LNT_ERR_FORBIDDEN, "account is disabled");
    if (rc == LNT_OK && now - out->last_seen >= TOUCH_EVERY) {
        rc = session_write(s,
                           "UPDATE sessions SET last_seen = max(last_seen, ?2) "
                           "WHERE id_sha256 = ?1",
                           hash, now, err);
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
    return session_write(s, session_delete_sql, hash, 0, err);
}
