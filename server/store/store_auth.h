/* store_auth.h - officers, API tokens, dashboard sessions, login throttling, the audit log. */
#ifndef LNT_STORE_AUTH_H
#define LNT_STORE_AUTH_H

#include "store.h"

/* ---- roles and scope ---- */

enum lnt_officer_role {
    LNT_OFFICER_ADMIN = 1,    /* the scheme's administrator */
    LNT_OFFICER_OFFICER = 2,  /* licensing officer */
    LNT_OFFICER_POLICE = 3,   /* police licensing */
    LNT_OFFICER_VENUE = 4,    /* venue manager: one venue */
    LNT_OFFICER_ASSESSOR = 5, /* Best Bar None assessor */
    LNT_OFFICER__MAX = 5
};
/* "admin", "officer", "police", "venue", "assessor"; "unknown" otherwise. */
const char *lnt_officer_role_name(enum lnt_officer_role r);
enum lnt_err lnt_officer_role_parse(const char *s, enum lnt_officer_role *out);

/*
 * What an account or token may see. Exactly one of: authority != "" (that
 * licensing authority's venues), venue_id != 0 (one venue), or neither (the
 * whole scheme). Role venue requires venue_id; the other roles may not have one.
 * Which roles may open sealed incident details is the caller's policy.
 */
struct lnt_scope {
    enum lnt_officer_role role;
    char authority[LNT_AUTHORITY_MAX + 1];
    int64_t venue_id;
};

/*
 * Whether an account or token of this scope may read the door register of the
 * venues it covers: who worked, on which badge and licence. Every role but the
 * Best Bar None assessor (who judges criteria, not people). The register
 * routes, the register export and the names on a score's door-licensing lines
 * all ask this.
 */
bool lnt_scope_may_read_register(const struct lnt_scope *scope);

/* ---- officer accounts ---- */

#define LNT_EMAIL_MAX 254
#define LNT_PASSWORD_MIN 12   /* bytes */
#define LNT_PASSWORD_MAX 1024 /* bytes */

struct lnt_officer {
    int64_t id;
    char email[LNT_EMAIL_MAX + 1]; /* stored lower-cased; unique */
    char name[81];
    struct lnt_scope scope;
    int64_t created_at;
    int64_t disabled_at;   /* 0 = active */
    int64_t last_login_at; /* 0 = never */
};
/*
 * Adds an account. The password (LNT_PASSWORD_MIN..MAX bytes) is hashed here
 * with Argon2id (crypto_pwhash_str, interactive limits); only the hash is
 * stored. Fills o->id and o->created_at and lower-cases o->email.
 * LNT_ERR_EXISTS for a known email, LNT_ERR_INVALID for a bad email, name,
 * scope or password length, LNT_ERR_NOT_FOUND for an unknown scope venue.
 */
enum lnt_err lnt_store_officer_add(struct lnt_store *s, struct lnt_officer *o, const char *password,
                                   char *err);
/* By email (case-insensitive). LNT_ERR_NOT_FOUND. */
enum lnt_err lnt_store_officer_get(struct lnt_store *s, const char *email, struct lnt_officer *out,
                                   char *err);
enum lnt_err lnt_store_officer_get_id(struct lnt_store *s, int64_t id, struct lnt_officer *out,
                                      char *err);
/*
 * Checks a password (crypto_pwhash_str_verify). LNT_OK fills *out (when not
 * NULL) and sets last_login_at = now. An unknown email, a wrong password and
 * a disabled account (whatever the password) all give LNT_ERR_UNAUTHORIZED
 * with the same message and about the same time, so a refusal never tells
 * whether the password was right. Throttling is the caller's: reserve the
 * attempt with lnt_store_login_reserve before calling this.
 */
enum lnt_err lnt_store_officer_verify(struct lnt_store *s, const char *email, const char *password,
                                      int64_t now, struct lnt_officer *out, char *err);
/* Replaces the password (same rules as add); ends the account's sessions. LNT_ERR_NOT_FOUND. */
enum lnt_err lnt_store_officer_password(struct lnt_store *s, int64_t id, const char *password,
                                        char *err);
/* Every account, ordered by id. */
enum lnt_err lnt_store_officer_list(struct lnt_store *s, struct lnt_officer **out, size_t *n,
                                    char *err);
/* Disables an account at `now` and deletes its sessions. LNT_ERR_NOT_FOUND, LNT_ERR_STATE if
 * disabled. */
enum lnt_err lnt_store_officer_disable(struct lnt_store *s, int64_t id, int64_t now, char *err);

/* ---- API tokens (bearer) ---- */

#define LNT_TOKEN_PREFIX "lnt_"
#define LNT_TOKEN_LEN 47 /* "lnt_" + base64url (no padding) of 32 random bytes */

struct lnt_token {
    int64_t id;
    char label[81];
    struct lnt_scope scope;
    int64_t created_at;
    int64_t expires_at; /* 0 = does not expire */
    int64_t revoked_at; /* 0 = not revoked */
    char hint[9];       /* the first 8 characters of the token text, to tell tokens apart */
};
/*
 * Makes a token for t->label and t->scope expiring at t->expires_at (0 or
 * after now). The token text is written to out_token once and never stored:
 * only its SHA-256 is. Fills t->id, t->created_at, t->hint. LNT_ERR_INVALID
 * for a bad label, scope or expiry; LNT_ERR_NOT_FOUND for an unknown venue.
 */
enum lnt_err lnt_store_token_add(struct lnt_store *s, struct lnt_token *t, int64_t now,
                                 char out_token[LNT_TOKEN_LEN + 1], char *err);
/*
 * Finds the token whose text is `text` (compared by SHA-256). LNT_OK fills
 * *out; LNT_ERR_NOT_FOUND for an unknown or malformed token, LNT_ERR_EXPIRED,
 * LNT_ERR_REVOKED (*out is filled in those two cases too). Read-only.
 */
enum lnt_err lnt_store_token_lookup(struct lnt_store *s, const char *text, int64_t now,
                                    struct lnt_token *out, char *err);
enum lnt_err lnt_store_token_list(struct lnt_store *s, struct lnt_token **out, size_t *n,
                                  char *err);
/* LNT_ERR_NOT_FOUND, LNT_ERR_STATE when already revoked. */
enum lnt_err lnt_store_token_revoke(struct lnt_store *s, int64_t id, int64_t now, char *err);

/* ---- dashboard sessions ---- */

#define LNT_SESSION_ID_LEN 43 /* base64url of 32 random bytes */
#define LNT_CSRF_LEN 43
#define LNT_SESSION_IDLE (30 * 60)          /* seconds without a request */
#define LNT_SESSION_ABSOLUTE (12 * 60 * 60) /* seconds since login */

struct lnt_session {
    char id[LNT_SESSION_ID_LEN + 1]; /* the cookie value; only its SHA-256 is stored */
    char csrf[LNT_CSRF_LEN + 1];     /* the session's CSRF token */
    int64_t officer_id;
    int64_t created_at;
    int64_t last_seen;
};
/*
 * A new session for an active officer at `now` with fresh random id and CSRF
 * token. LNT_ERR_NOT_FOUND for an unknown officer, LNT_ERR_FORBIDDEN for a
 * disabled one. Not audited (the login is, by the caller's audit_append).
 */
enum lnt_err lnt_store_session_create(struct lnt_store *s, int64_t officer_id, int64_t now,
                                      struct lnt_session *out, char *err);
/*
 * Looks up session `id` at `now` and touches last_seen (written at most once
 * a minute). LNT_ERR_NOT_FOUND for an unknown id; LNT_ERR_EXPIRED past the
 * idle (LNT_SESSION_IDLE since last_seen) or absolute (LNT_SESSION_ABSOLUTE
 * since created_at) limit, and the session is deleted; LNT_ERR_FORBIDDEN
 * when its officer was disabled. officer_out may be NULL.
 */
enum lnt_err lnt_store_session_get(struct lnt_store *s, const char *id, int64_t now,
                                   struct lnt_session *out, struct lnt_officer *officer_out,
                                   char *err);
/* Logout. Deleting an unknown session is LNT_OK. */
enum lnt_err lnt_store_session_delete(struct lnt_store *s, const char *id, char *err);

/* ---- failed logins ---- */

#define LNT_ADDR_MAX 63 /* bytes of a client address as text */
/* Attempts (reserved, not yet cleared) with at > now - window for the account and for the address
 * (either may be NULL). */
enum lnt_err lnt_store_login_failures(struct lnt_store *s, const char *email, const char *addr,
                                      int64_t now, int64_t window, int *by_account, int *by_addr,
                                      char *err);
/*
 * Reserves one password check for `email` (may be unknown) from `addr` at
 * `now`, before any hashing is done: counts the attempts recorded with
 * at > now - window for the account and for the address and, when both are
 * below max_account and max_addr, records this attempt, all in one write
 * transaction. So however many attempts arrive at once, at most max_account
 * (max_addr) of them are granted in a window. *granted says whether the
 * caller may check the password; a refused attempt records nothing.
 * A granted attempt stays counted as a failure until lnt_store_login_clear.
 * LNT_ERR_DB (and *granted false). Thread-safe.
 */
enum lnt_err lnt_store_login_reserve(struct lnt_store *s, const char *email, const char *addr,
                                     int64_t now, int64_t window, int max_account, int max_addr,
                                     bool *granted, char *err);
/*
 * After a successful login: forgets the account's failures. The address's
 * are kept, so one good account cannot reset the throttle for guessing others.
 */
enum lnt_err lnt_store_login_clear(struct lnt_store *s, const char *email, char *err);

/* ---- audit log ---- */

struct lnt_audit_entry {
    int64_t id;
    int64_t at;
    char actor[64];
    char action[33]; /* "venue.add", "incident.read", ... */
    char object[65]; /* what it was about: "venue 12", a report id, ... ("" before schema 2) */
    char detail[512];
};
/*
 * Appends an audit row at lnt_time_now(). actor NULL = the store's actor
 * (lnt_store_set_actor); action 1-32 bytes; object and detail may be ""
 * (longer text is cut to the column size). For the callers' own audited
 * actions: logins, exports, access refused.
 */
enum lnt_err lnt_store_audit_append(struct lnt_store *s, const char *actor, const char *action,
                                    const char *object, const char *detail, char *err);
/*
 * Rows with at in [from, to) (to = 0: no upper bound), newest first, paged by
 * keyset: before_id 0 starts at the newest, else only ids below it (pass the
 * last id of the previous page). limit 1..LNT_VIEW_MAX.
 */
enum lnt_err lnt_store_audit_list(struct lnt_store *s, int64_t from, int64_t to, int64_t before_id,
                                  size_t limit, struct lnt_audit_entry **out, size_t *n, char *err);

#endif
