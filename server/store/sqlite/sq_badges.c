/* sq_badges.c - the store on SQLite: the scheme and its keys, badges and revocations, assessor
 * findings. */
#include "sq_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "keyfile.h"
#include "ltime.h"

/* ---- scheme ---- */

/* Stores a new signing key's public half, inside the caller's write transaction. */
static enum lnt_err signing_key_add(struct lnt_store *s, const struct lnt_signing_key *key,
                                    int64_t now, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(
        &s->w, "INSERT INTO signing_keys (kid, pk, created_at) VALUES (?1, ?2, ?3)", err);

    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_blob(st, 1, key->kid, LNT_KID_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, key->pk, LNT_SIGN_PK_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    return lnt_sq_done(s->w.db, st, err, "storing the signing key");
}

enum lnt_err lnt_sq_box_key_add(struct lnt_store *s, const uint8_t *pk, int64_t now, char *err)
{
    sqlite3_stmt *st =
        lnt_sq_stmt(&s->w, "INSERT INTO box_keys (pk, created_at) VALUES (?1, ?2)", err);

    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_blob(st, 1, pk, LNT_BOX_KEY_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    return lnt_sq_done(s->w.db, st, err, "storing the sealing key");
}

static enum lnt_err insert_keys(struct lnt_store *s, const char *name,
                                const struct lnt_signing_key *key,
                                const uint8_t box_pk[LNT_BOX_KEY_LEN], int64_t now, char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc;

    st = lnt_sq_stmt(&s->w, "INSERT INTO scheme (id, name, created_at) VALUES (1, ?1, ?2)", err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    rc = lnt_sq_done(s->w.db, st, err, "storing the scheme");
    if (rc == LNT_OK)
        rc = signing_key_add(s, key, now, err);
    if (rc == LNT_OK)
        rc = lnt_sq_box_key_add(s, box_pk, now, err);
    return rc;
}

/* lnt_sq_scheme_must_be on a read connection: before the key file is written. */
static enum lnt_err scheme_must_be(struct lnt_store *s, bool initialised, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = lnt_sq_scheme_must_be(c, initialised, err);

    lnt_sq_rend(s, c);
    return rc;
}

enum lnt_err lnt_store_scheme_init(struct lnt_store *s, const char *name, char *err)
{
    struct lnt_signing_key key;
    struct lnt_box_key box;
    char kid_hex[LNT_HEX_LEN(LNT_KID_LEN)];
    int64_t now = lnt_time_now();
    enum lnt_err rc;

    rc = lnt_store_scheme_name_check(name, err);
    if (rc != LNT_OK)
        return rc;
    rc = scheme_must_be(s, false, err);
    if (rc != LNT_OK)
        return rc;
    lnt_badge_keygen(&key);
    lnt_store_box_keygen(box.pk, box.sk);
    lnt_hex_encode(key.kid, LNT_KID_LEN, kid_hex);
    /* the secrets are on disk before the database names their public halves */
    rc = lnt_keyfile_add(s->keys_path, &key, 1, &box, 1, err);
    lnt_store_wipe(&key.sk, sizeof key.sk);
    lnt_store_wipe(&box.sk, sizeof box.sk);
    if (rc != LNT_OK)
        return rc;

    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = lnt_sq_scheme_must_be(&s->w, false, err);
    if (rc == LNT_OK)
        rc = insert_keys(s, name, &key, box.pk, now, err);
    if (rc == LNT_OK)
        rc = lnt_sq_audit(s, "scheme.init", name, err, "scheme %s, signing key %s", name, kid_hex);
    return lnt_sq_wend(s, rc, err);
}

/*
 * Reads the current key of one kind ("signing", "sealing") with `sql`: column
 * 0 into a (na bytes) and, when b is not NULL, column 1 into b (nb bytes).
 * LNT_ERR_DB "the scheme has no usable <kind> key" when there is none of the
 * right size, or the database's error.
 */
static enum lnt_err current_key(struct lnt_sq_conn *c, const char *sql, const char *kind,
                                uint8_t *a, size_t na, uint8_t *b, size_t nb, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(c, sql, err);
    enum lnt_err rc = LNT_OK;
    char what[32];
    int r;

    if (st == NULL)
        return LNT_ERR_DB;
    r = sqlite3_step(st);
    if (r != SQLITE_ROW || !lnt_sq_blob(a, na, st, 0) ||
        (b != NULL && !lnt_sq_blob(b, nb, st, 1))) {
        snprintf(what, sizeof what, "reading the %s key", kind);
        rc = r == SQLITE_ROW || r == SQLITE_DONE
                 ? lnt_fail(err, LNT_ERR_DB, "the scheme has no usable %s key", kind)
                 : lnt_sq_fail(c->db, err, what);
    }
    sqlite3_reset(st);
    return rc;
}

enum lnt_err lnt_store_scheme_get(struct lnt_store *s, struct lnt_scheme *out, char *err)
{
    struct lnt_sq_conn *c;
    sqlite3_stmt *st;
    enum lnt_err rc;
    int r;

    memset(out, 0, sizeof *out);
    c = lnt_sq_rbegin(s);
    /* one read transaction: the name and keys come from the same snapshot */
    rc = lnt_sq_exec(c->db, "BEGIN", err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(c, "SELECT name FROM scheme WHERE id = 1", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    r = sqlite3_step(st);
    if (r == SQLITE_DONE) {
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "the scheme is not initialised");
        goto out;
    }
    if (r != SQLITE_ROW) {
        rc = lnt_sq_fail(c->db, err, "reading the scheme");
        goto out;
    }
    lnt_sq_text(out->name, sizeof out->name, st, 0);
    sqlite3_reset(st);

    rc = current_key(c,
                     "SELECT kid, pk FROM signing_keys WHERE retired_at IS NULL "
                     "ORDER BY created_at DESC LIMIT 1",
                     "signing", out->key.kid, LNT_KID_LEN, out->key.pk, LNT_SIGN_PK_LEN, err);
    if (rc == LNT_OK)
        rc = current_key(c,
                         "SELECT pk FROM box_keys WHERE retired_at IS NULL "
                         "ORDER BY created_at DESC LIMIT 1",
                         "sealing", out->box_pk, sizeof out->box_pk, NULL, 0, err);
out:
    lnt_sq_rend(s, c);
    if (rc != LNT_OK)
        memset(out, 0, sizeof *out);
    return rc;
}

static void trusted_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_trusted_key *k = elem;
    (void)lnt_sq_blob(k->kid, LNT_KID_LEN, st, 0);
    (void)lnt_sq_blob(k->pk, LNT_SIGN_PK_LEN, st, 1);
}

enum lnt_err lnt_store_trust_keys(struct lnt_store *s, struct lnt_trusted_key **out, size_t *n,
                                  char *err)
{
    /* a retired key stays trusted as long as a badge it signed can still be valid */
    return lnt_sq_rlist(
        s,
        "SELECT kid, pk FROM signing_keys WHERE (retired_at IS NULL OR retired_at > ?1) "
        "AND length(kid) = 4 AND length(pk) = 32 ORDER BY created_at, kid",
        lnt_time_now() - LNT_BADGE_MAX_VALIDITY, sizeof **out, trusted_row, (void **)out, n, err,
        "listing signing keys");
}

/* ---- badges ---- */

/* Revokes one badge inside the caller's transaction, with its version and audit row. */
static enum lnt_err revoke_one(struct lnt_store *s, const uint8_t serial[LNT_SERIAL_LEN],
                               int64_t staff_id, int64_t at, const char *reason,
                               int64_t *version_out, char *err)
{
    char hex[LNT_HEX_LEN(LNT_SERIAL_LEN)], obj[40];
    sqlite3_stmt *st;
    int64_t version = 0;
    enum lnt_err rc;

    rc = lnt_sq_counter_next(s, "revocation", &version, err);
    if (rc != LNT_OK)
        return rc;
    st = lnt_sq_stmt(&s->w,
                     "UPDATE badges SET revoked_at = ?2, revoke_version = ?3, revoke_reason = ?4 "
                     "WHERE serial = ?1",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_blob(st, 1, serial, LNT_SERIAL_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, at);
    sqlite3_bind_int64(st, 3, version);
    sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
    rc = lnt_sq_done(s->w.db, st, err, "revoking a badge");
    if (rc != LNT_OK)
        return rc;
    lnt_hex_encode(serial, LNT_SERIAL_LEN, hex);
    snprintf(obj, sizeof obj, "badge %s", hex);
    if (version_out != NULL)
        *version_out = version;
    return lnt_sq_audit(s, "badge.revoke", obj, err,
                        "badge of staff %" PRId64 ": %s (revocation %" PRId64 ")", staff_id, reason,
                        version);
}

enum lnt_err lnt_sq_revoke_staff_badges(struct lnt_store *s, int64_t staff_id, int64_t at,
                                        const char *reason, char *err)
{
    uint8_t(*serials)[LNT_SERIAL_LEN] = NULL;
    size_t cap = 0, cnt = 0;
    sqlite3_stmt *st;
    enum lnt_err rc = LNT_OK;
    int r;

    st = lnt_sq_stmt(
        &s->w,
        "SELECT serial FROM badges WHERE staff_id = ?1 AND revoked_at = 0 AND expires_at > ?2",
        err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, staff_id);
    sqlite3_bind_int64(st, 2, at);
    /* collect first: the update must not run under the walk over the same rows */
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        rc = lnt_sq_grow((void **)&serials, &cap, cnt, sizeof *serials, err);
        if (rc != LNT_OK)
            break;
        if (!lnt_sq_blob(serials[cnt], LNT_SERIAL_LEN, st, 0)) {
            rc = lnt_fail(err, LNT_ERR_DB, "a stored badge serial is damaged");
            break;
        }
        cnt++;
    }
    if (rc == LNT_OK && r != SQLITE_DONE)
        rc = lnt_sq_fail(s->w.db, err, "finding earlier badges");
    sqlite3_reset(st);
    for (size_t i = 0; rc == LNT_OK && i < cnt; i++)
        rc = revoke_one(s, serials[i], staff_id, at, reason, NULL, err);
    free(serials);
    return rc;
}

enum lnt_err lnt_store_badge_add(struct lnt_store *s, const struct lnt_badge_record *b, char *err)
{
    sqlite3_stmt *st;
    char hex[LNT_HEX_LEN(LNT_SERIAL_LEN)], obj[40];
    enum lnt_err rc;
    int64_t version = 0;

    if (b->expires_at <= b->issued_at)
        return lnt_fail(err, LNT_ERR_INVALID, "badge expires before it is issued");
    lnt_hex_encode(b->serial, LNT_SERIAL_LEN, hex);
    snprintf(obj, sizeof obj, "badge %s", hex);
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = lnt_sq_staff_must_exist(&s->w, b->staff_id, err);
    if (rc != LNT_OK)
        goto out;
    if (b->revoked_at == 0) {
        rc = lnt_sq_revoke_staff_badges(s, b->staff_id, b->issued_at, "reissued", err);
        if (rc != LNT_OK)
            goto out;
    } else {
        /* recorded as already revoked: it still needs its place in the revocation order */
        rc = lnt_sq_counter_next(s, "revocation", &version, err);
        if (rc != LNT_OK)
            goto out;
    }
    st =
        lnt_sq_stmt(&s->w,
                    "INSERT INTO badges (serial, staff_id, kid, issued_at, expires_at, revoked_at, "
                    "revoke_version, revoke_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_blob(st, 1, b->serial, LNT_SERIAL_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, b->staff_id);
    sqlite3_bind_blob(st, 3, b->kid, LNT_KID_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, b->issued_at);
    sqlite3_bind_int64(st, 5, b->expires_at);
    sqlite3_bind_int64(st, 6, b->revoked_at);
    sqlite3_bind_int64(st, 7, version);
    sqlite3_bind_text(st, 8, b->revoked_at != 0 ? "revoked when recorded" : "", -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        int ext = sqlite3_extended_errcode(s->w.db);
        if (ext == SQLITE_CONSTRAINT_PRIMARYKEY)
            rc = lnt_fail(err, LNT_ERR_EXISTS, "badge %s already exists", hex);
        else if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
            rc = lnt_fail(err, LNT_ERR_UNKNOWN_KEY, "badge %s: signing key is not the scheme's",
                          hex);
        else
            rc = lnt_sq_fail(s->w.db, err, "storing the badge");
        sqlite3_reset(st);
        goto out;
    }
    sqlite3_reset(st);
    rc = lnt_sq_audit(s, "badge.issue", obj, err, "for staff %" PRId64, b->staff_id);
out:
    return lnt_sq_wend(s, rc, err);
}

enum lnt_err lnt_store_badge_revoke(struct lnt_store *s, const uint8_t serial[LNT_SERIAL_LEN],
                                    const char *reason, int64_t now, int64_t *version_out,
                                    char *err)
{
    char hex[LNT_HEX_LEN(LNT_SERIAL_LEN)];
    sqlite3_stmt *st;
    int64_t staff_id = 0, revoked_at = 0;
    enum lnt_err rc;
    int r;

    rc = lnt_store_text_check("revocation reason", reason != NULL ? reason : "", 80, err);
    if (rc != LNT_OK)
        return rc;
    lnt_hex_encode(serial, LNT_SERIAL_LEN, hex);
    rc = lnt_sq_wbegin(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w, "SELECT staff_id, revoked_at FROM badges WHERE serial = ?1", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_blob(st, 1, serial, LNT_SERIAL_LEN, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        staff_id = sqlite3_column_int64(st, 0);
        revoked_at = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (r == SQLITE_DONE)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "badge %s not found", hex);
    else if (r != SQLITE_ROW)
        rc = lnt_sq_fail(s->w.db, err, "reading the badge");
    else if (revoked_at != 0)
        rc = lnt_fail(err, LNT_ERR_STATE, "badge %s is already revoked", hex);
    if (rc == LNT_OK)
        rc = revoke_one(s, serial, staff_id, now, reason, version_out, err);
out:
    return lnt_sq_wend(s, rc, err);
}

static void badge_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_badge_record *b = elem;

    (void)lnt_sq_blob(b->serial, LNT_SERIAL_LEN, st, 0);
    b->staff_id = sqlite3_column_int64(st, 1);
    (void)lnt_sq_blob(b->kid, LNT_KID_LEN, st, 2);
    b->issued_at = sqlite3_column_int64(st, 3);
    b->expires_at = sqlite3_column_int64(st, 4);
    b->revoked_at = sqlite3_column_int64(st, 5);
    b->revoke_version = sqlite3_column_int64(st, 6);
    lnt_sq_text(b->revoke_reason, sizeof b->revoke_reason, st, 7);
}

enum lnt_err lnt_store_badge_list(struct lnt_store *s, int64_t staff_id,
                                  struct lnt_badge_record **out, size_t *n, char *err)
{
    return lnt_sq_rlist(s,
                        "SELECT serial, staff_id, kid, issued_at, expires_at, revoked_at, "
                        "revoke_version, revoke_reason FROM badges WHERE ?1 = 0 OR staff_id = ?1 "
                        "ORDER BY issued_at DESC, serial",
                        staff_id, sizeof **out, badge_row, (void **)out, n, err, "listing badges");
}

static void serial_row(sqlite3_stmt *st, void *elem)
{
    (void)lnt_sq_blob(elem, LNT_SERIAL_LEN, st, 0);
}

enum lnt_err lnt_store_badge_revoked(struct lnt_store *s, uint8_t (**out)[LNT_SERIAL_LEN],
                                     size_t *n, char *err)
{
    return lnt_sq_rlist(s,
                        "SELECT serial FROM badges WHERE revoked_at <> 0 AND expires_at > ?1 "
                        "ORDER BY serial",
                        lnt_time_now(), sizeof **out, serial_row, (void **)out, n, err,
                        "listing revoked badges");
}

enum lnt_err lnt_store_badge_revoked_since(struct lnt_store *s, int64_t since, int64_t now,
                                           uint8_t (**out)[LNT_SERIAL_LEN], size_t *n,
                                           int64_t *version_out, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc;
    sqlite3_stmt *st;

    *out = NULL;
    *n = 0;
    *version_out = 0;
    /* the counter and the list from one snapshot, so nothing falls between two syncs */
    rc = lnt_sq_exec(c->db, "BEGIN", err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(c, "SELECT value FROM counters WHERE name = 'revocation'", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        *version_out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    st = lnt_sq_stmt(c,
                     "SELECT serial FROM badges WHERE revoke_version > ?1 AND expires_at > ?2 "
                     "ORDER BY revoke_version, serial",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, since);
    sqlite3_bind_int64(st, 2, now);
    rc = lnt_sq_list(c->db, st, sizeof **out, serial_row, (void **)out, n, err,
                     "listing revoked badges");
out:
    lnt_sq_rend(s, c);
    if (rc != LNT_OK)
        *version_out = 0;
    return rc;
}

/* ---- signing keys ---- */

static void key_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_key_info *k = elem;

    (void)lnt_sq_blob(k->kid, LNT_KID_LEN, st, 0);
    (void)lnt_sq_blob(k->pk, LNT_SIGN_PK_LEN, st, 1);
    k->created_at = sqlite3_column_int64(st, 2);
    k->retired_at = sqlite3_column_int64(st, 3);
    k->trusted_until = k->retired_at != 0 ? k->retired_at + LNT_BADGE_MAX_VALIDITY : 0;
}

enum lnt_err lnt_store_key_list(struct lnt_store *s, struct lnt_key_info **out, size_t *n,
                                char *err)
{
    return lnt_sq_rlist(s,
                        "SELECT kid, pk, created_at, coalesce(retired_at, 0) FROM signing_keys "
                        "ORDER BY created_at, kid",
                        0, sizeof **out, key_row, (void **)out, n, err, "listing signing keys");
}

enum lnt_err lnt_store_key_rotate(struct lnt_store *s, int64_t now, struct lnt_key_info *out,
                                  char *err)
{
    struct lnt_signing_key key;
    char kid_hex[LNT_HEX_LEN(LNT_KID_LEN)], obj[24];
    sqlite3_stmt *st;
    enum lnt_err rc;

    rc = scheme_must_be(s, true, err);
    if (rc != LNT_OK)
        return rc;
    lnt_badge_keygen(&key);
    lnt_hex_encode(key.kid, LNT_KID_LEN, kid_hex);
    snprintf(obj, sizeof obj, "key %s", kid_hex);
    /* the new secret is on disk first: a crash after this leaves an unused key, nothing lost */
    rc = lnt_keyfile_add(s->keys_path, &key, 1, NULL, 0, err);
    lnt_store_wipe(&key.sk, sizeof key.sk);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = lnt_sq_scheme_must_be(&s->w, true, err);
    if (rc != LNT_OK)
        goto out;
    st =
        lnt_sq_stmt(&s->w, "UPDATE signing_keys SET retired_at = ?1 WHERE retired_at IS NULL", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, now);
    rc = lnt_sq_done(s->w.db, st, err, "retiring the signing key");
    if (rc != LNT_OK)
        goto out;
    rc = signing_key_add(s, &key, now, err);
    if (rc == LNT_OK)
        rc = lnt_sq_audit(s, "key.rotate", obj, err,
                          "new current signing key; the previous one stays trusted for %d days",
                          LNT_BADGE_MAX_VALIDITY / 86400);
    if (rc == LNT_OK && out != NULL) {
        memset(out, 0, sizeof *out);
        memcpy(out->kid, key.kid, LNT_KID_LEN);
        memcpy(out->pk, key.pk, LNT_SIGN_PK_LEN);
        out->created_at = now;
    }
out:
    return lnt_sq_wend(s, rc, err);
}

/* ---- assessor findings ---- */

static enum lnt_err criterion_check(const char *id, char *err)
{
    size_t n = strnlen(id, LNT_CRITERION_MAX + 1);

    if (n == 0 || n > LNT_CRITERION_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "criterion id must be 1-%d characters",
                        LNT_CRITERION_MAX);
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return lnt_fail(err, LNT_ERR_INVALID,
                            "criterion id may hold only letters, digits, '.', '_' and '-'");
    }
    return LNT_OK;
}

/* The same day a year later, less a day (29 February falls back to 28). */
static int32_t year_later(int32_t day)
{
    int y, m, d;

    lnt_civil_from_days(day, &y, &m, &d);
    if (m == 2 && d == 29)
        d = 28;
    return lnt_days_from_civil(y + 1, m, d) - 1;
}

enum lnt_err lnt_store_finding_add(struct lnt_store *s, struct lnt_finding *f, int64_t now,
                                   char *err)
{
    char date[LNT_DATE_STRLEN], obj[32];
    sqlite3_stmt *st;
    enum lnt_err rc;

    f->criterion[sizeof f->criterion - 1] = '\0';
    f->evidence[sizeof f->evidence - 1] = '\0';
    f->assessor[sizeof f->assessor - 1] = '\0';
    rc = criterion_check(f->criterion, err);
    if (rc == LNT_OK && f->evidence[0] != '\0')
        rc = lnt_store_text_check("evidence", f->evidence, LNT_EVIDENCE_MAX, err);
    if (rc == LNT_OK)
        rc = lnt_store_text_check("assessor", f->assessor, sizeof f->assessor - 1, err);
    if (rc != LNT_OK)
        return rc;
    if (lnt_date_format(f->found_on, date) != LNT_OK || f->found_on <= 0)
        return lnt_fail(err, LNT_ERR_INVALID, "finding date is out of range");
    if (f->valid_until == 0)
        f->valid_until = year_later(f->found_on);
    if (f->valid_until < f->found_on)
        return lnt_fail(err, LNT_ERR_INVALID, "finding is valid until before it was made");

    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = lnt_sq_venue_must_exist(&s->w, f->venue_id, err);
    if (rc != LNT_OK)
        goto out;
    st =
        lnt_sq_stmt(&s->w,
                    "INSERT INTO findings (venue_id, criterion, met, evidence, assessor, found_on, "
                    "valid_until, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, f->venue_id);
    sqlite3_bind_text(st, 2, f->criterion, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, f->met);
    sqlite3_bind_text(st, 4, f->evidence, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, f->assessor, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, f->found_on);
    sqlite3_bind_int(st, 7, f->valid_until);
    sqlite3_bind_int64(st, 8, now);
    rc = lnt_sq_done(s->w.db, st, err, "storing the finding");
    if (rc != LNT_OK)
        goto out;
    f->id = sqlite3_last_insert_rowid(s->w.db);
    f->recorded_at = now;
    snprintf(obj, sizeof obj, "venue %" PRId64, f->venue_id);
    rc = lnt_sq_audit(s, "finding.add", obj, err, "criterion %s %s on %s by \"%s\"", f->criterion,
                      f->met ? "met" : "not met", date, f->assessor);
out:
    return lnt_sq_wend(s, rc, err);
}

static void finding_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_finding *f = elem;

    f->id = sqlite3_column_int64(st, 0);
    f->venue_id = sqlite3_column_int64(st, 1);
    lnt_sq_text(f->criterion, sizeof f->criterion, st, 2);
    f->met = sqlite3_column_int(st, 3) != 0;
    lnt_sq_text(f->evidence, sizeof f->evidence, st, 4);
    lnt_sq_text(f->assessor, sizeof f->assessor, st, 5);
    f->found_on = sqlite3_column_int(st, 6);
    f->valid_until = sqlite3_column_int(st, 7);
    f->recorded_at = sqlite3_column_int64(st, 8);
}

enum lnt_err lnt_store_finding_list(struct lnt_store *s, int64_t venue_id, struct lnt_finding **out,
                                    size_t *n, char *err)
{
    return lnt_sq_rlist(s,
                        "SELECT id, venue_id, criterion, met, evidence, assessor, found_on, "
                        "valid_until, recorded_at FROM findings WHERE venue_id = ?1 "
                        "ORDER BY found_on DESC, id DESC",
                        venue_id, sizeof **out, finding_row, (void **)out, n, err,
                        "listing findings");
}
