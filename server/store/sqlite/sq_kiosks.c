/* sq_kiosks.c - the store on SQLite: enrolment codes and the kiosk register with its health. */
#include "sq_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ltime.h"

enum lnt_err lnt_store_enroll_code_add(struct lnt_store *s, int64_t venue_id, int64_t expires_at,
                                       char out_code[LNT_ENROLL_CODE_LEN + 1], char *err)
{
    sqlite3_stmt *st;
    uint8_t hash[LNT_SHA256_LEN];
    char code[LNT_ENROLL_CODE_LEN + 1];
    char until[LNT_TIME_STRLEN], obj[32];
    int64_t now = lnt_time_now();
    enum lnt_err rc;

    out_code[0] = '\0';
    if (expires_at <= now)
        return lnt_fail(err, LNT_ERR_INVALID, "an enrolment code must expire in the future");
    if (lnt_time_format(expires_at, until) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "enrolment code expiry is out of range");
    lnt_store_code_generate(code);
    if (lnt_store_code_hash(code, hash) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INTERNAL, "a generated enrolment code does not normalise");

    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = lnt_sq_venue_must_exist(&s->w, venue_id, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO enroll_codes (code_sha256, venue_id, created_at, expires_at) "
                     "VALUES (?1, ?2, ?3, ?4)",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, venue_id);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int64(st, 4, expires_at);
    rc = lnt_sq_done(s->w.db, st, err, "storing the enrolment code");
    snprintf(obj, sizeof obj, "venue %" PRId64, venue_id);
    if (rc == LNT_OK)
        rc = lnt_sq_audit(s, "kiosk.add", obj, err, "enrolment code valid until %s", until);
out:
    rc = lnt_sq_wend(s, rc, err);
    if (rc == LNT_OK)
        (void)lnt_str_copy(out_code, LNT_ENROLL_CODE_LEN + 1, code);
    lnt_store_wipe(code, sizeof code);
    return rc;
}

void lnt_sq_kiosk_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_kiosk *k = elem;

    memset(k, 0, sizeof *k);
    k->id = sqlite3_column_int64(st, 0);
    k->venue_id = sqlite3_column_int64(st, 1);
    (void)lnt_sq_blob(k->pk, LNT_SIGN_PK_LEN, st, 2);
    k->enrolled_at = sqlite3_column_int64(st, 3);
    k->last_seen = sqlite3_column_int64(st, 4);
    k->last_seq = sqlite3_column_int64(st, 5);
    k->revoked = sqlite3_column_int(st, 6) != 0;
    k->backlog = sqlite3_column_int64(st, 7);
    k->backlog_at = sqlite3_column_int64(st, 8);
    k->seq_gaps = sqlite3_column_int64(st, 9);
    k->seq_backwards = sqlite3_column_int64(st, 10);
    k->last_anomaly_at = sqlite3_column_int64(st, 11);
    k->revoked_at = sqlite3_column_int64(st, 12);
}

/* Reads the enrolment code's row; LNT_OK with *venue_id set only for a usable code. */
static enum lnt_err code_lookup(struct lnt_store *s, const uint8_t hash[LNT_SHA256_LEN],
                                int64_t now, int64_t *venue_id, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(
        &s->w, "SELECT venue_id, expires_at, used_at FROM enroll_codes WHERE code_sha256 = ?1",
        err);
    enum lnt_err rc = LNT_OK;
    int r;

    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_blob(st, 1, hash, LNT_SHA256_LEN, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        rc = lnt_sq_fail(s->w.db, err, "looking up the enrolment code");
    else if (r == SQLITE_DONE || sqlite3_column_int64(st, 2) != 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "enrolment code is not known or was already used");
    else if (sqlite3_column_int64(st, 1) <= now)
        rc = lnt_fail(err, LNT_ERR_EXPIRED, "enrolment code has expired: ask for a new one");
    else
        *venue_id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc;
}

enum lnt_err lnt_store_enroll_redeem(struct lnt_store *s, const char *code,
                                     const uint8_t pk[LNT_SIGN_PK_LEN], int64_t now,
                                     struct lnt_kiosk *out, char *err)
{
    sqlite3_stmt *st;
    uint8_t hash[LNT_SHA256_LEN];
    int64_t venue_id = 0, id = 0;
    char obj[32];
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    if (lnt_store_code_hash(code, hash) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "enrolment code must be 12 letters and digits, like ABCD-EFGH-JKMN");
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = code_lookup(s, hash, now, &venue_id, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w, "INSERT INTO kiosks (venue_id, pk, enrolled_at) VALUES (?1, ?2, ?3)",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, venue_id);
    sqlite3_bind_blob(st, 2, pk, LNT_SIGN_PK_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    if (sqlite3_step(st) != SQLITE_DONE) {
        if (sqlite3_extended_errcode(s->w.db) == SQLITE_CONSTRAINT_UNIQUE)
            rc = lnt_fail(err, LNT_ERR_EXISTS, "this public key is already enrolled");
        else
            rc = lnt_sq_fail(s->w.db, err, "storing the kiosk");
        sqlite3_reset(st);
        goto out;
    }
    sqlite3_reset(st);
    id = sqlite3_last_insert_rowid(s->w.db);
    st = lnt_sq_stmt(
        &s->w, "UPDATE enroll_codes SET used_at = ?2, kiosk_id = ?3 WHERE code_sha256 = ?1", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, id);
    rc = lnt_sq_done(s->w.db, st, err, "using up the enrolment code");
    snprintf(obj, sizeof obj, "kiosk %" PRId64, id);
    if (rc == LNT_OK)
        rc = lnt_sq_audit(s, "kiosk.enrol", obj, err, "enrolled at venue %" PRId64, venue_id);
out:
    rc = lnt_sq_wend(s, rc, err);
    if (rc == LNT_OK) {
        out->id = id;
        out->venue_id = venue_id;
        memcpy(out->pk, pk, LNT_SIGN_PK_LEN);
        out->enrolled_at = now;
        out->backlog = -1;
    }
    return rc;
}

static enum lnt_err kiosk_read(struct lnt_sq_conn *c, int64_t id, struct lnt_kiosk *out, char *err)
{
    sqlite3_stmt *st =
        lnt_sq_stmt(c, "SELECT " LNT_SQ_KIOSK_COLS " FROM kiosks WHERE id = ?1", err);
    enum lnt_err rc = LNT_OK;
    int r;

    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        lnt_sq_kiosk_row(st, out);
        if ((size_t)sqlite3_column_bytes(st, 2) != LNT_SIGN_PK_LEN)
            rc = lnt_fail(err, LNT_ERR_DB, "kiosk %" PRId64 ": stored public key is damaged", id);
    } else if (r == SQLITE_DONE) {
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "kiosk %" PRId64 " not found", id);
    } else {
        rc = lnt_sq_fail(c->db, err, "reading a kiosk");
    }
    sqlite3_reset(st);
    return rc;
}

enum lnt_err lnt_store_kiosk_get(struct lnt_store *s, int64_t id, struct lnt_kiosk *out, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = kiosk_read(c, id, out, err);

    lnt_sq_rend(s, c);
    return rc;
}

enum lnt_err lnt_store_kiosk_list(struct lnt_store *s, int64_t venue_id, struct lnt_kiosk **out,
                                  size_t *n, char *err)
{
    return lnt_sq_rlist(s,
                        "SELECT " LNT_SQ_KIOSK_COLS " FROM kiosks WHERE ?1 = 0 OR venue_id = ?1 "
                        "ORDER BY id",
                        venue_id, sizeof **out, lnt_sq_kiosk_row, (void **)out, n, err,
                        "listing kiosks");
}

enum lnt_err lnt_store_kiosk_backlog(struct lnt_store *s, int64_t id, int64_t backlog, int64_t now,
                                     char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc;

    if (backlog < 0)
        return lnt_fail(err, LNT_ERR_INVALID, "a backlog cannot be negative");
    lnt_sq_wlock(s);
    st = lnt_sq_stmt(&s->w, "UPDATE kiosks SET backlog = ?2, backlog_at = ?3 WHERE id = ?1", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, backlog);
    sqlite3_bind_int64(st, 3, now);
    rc = lnt_sq_done(s->w.db, st, err, "recording the backlog");
    if (rc == LNT_OK && sqlite3_changes(s->w.db) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "kiosk %" PRId64 " not found", id);
out:
    lnt_sq_wunlock(s);
    return rc;
}

enum lnt_err lnt_store_kiosk_revoke(struct lnt_store *s, int64_t id, int64_t now, char *err)
{
    struct lnt_kiosk k;
    char obj[32];
    enum lnt_err rc;

    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = kiosk_read(&s->w, id, &k, err);
    if (rc != LNT_OK)
        goto out;
    if (k.revoked) {
        rc = lnt_fail(err, LNT_ERR_STATE, "kiosk %" PRId64 " is already revoked", id);
        goto out;
    }
    rc = lnt_sq_set_at(s, "UPDATE kiosks SET revoked = 1, revoked_at = ?2 WHERE id = ?1", id, now,
                       "revoking the kiosk", err);
    snprintf(obj, sizeof obj, "kiosk %" PRId64, id);
    if (rc == LNT_OK)
        rc = lnt_sq_audit(s, "kiosk.revoke", obj, err, "kiosk of venue %" PRId64 " revoked",
                          k.venue_id);
out:
    return lnt_sq_wend(s, rc, err);
}
