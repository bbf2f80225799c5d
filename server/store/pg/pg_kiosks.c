/* pg_kiosks.c - the store on PostgreSQL: enrolment codes and the kiosk register with its
 * health. */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"

#define KIOSK_COLS                                                                                 \
    "id, venue_id, pk, enrolled_at, last_seen, last_seq, revoked, backlog, backlog_at, "           \
    "seq_gaps, seq_backwards, last_anomaly_at, revoked_at"

enum lnt_err lnt_store_enroll_code_add(struct lnt_store *s, int64_t venue_id, int64_t expires_at,
                                       char out_code[LNT_ENROLL_CODE_LEN + 1], char *err)
{
    struct lnt_pg_params p;
    uint8_t hash[LNT_SHA256_LEN];
    char code[LNT_ENROLL_CODE_LEN + 1];
    char until[LNT_TIME_STRLEN], obj[32];
    int64_t now = lnt_time_now();
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;

    out_code[0] = '\0';
    if (expires_at <= now)
        return lnt_fail(err, LNT_ERR_INVALID, "an enrolment code must expire in the future");
    if (lnt_time_format(expires_at, until) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "enrolment code expiry is out of range");
    lnt_store_code_generate(code);
    if (lnt_store_code_hash(code, hash) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INTERNAL, "a generated enrolment code does not normalise");
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        goto wipe;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, venue_id);
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, "SELECT 1 FROM venues WHERE id = $1", &p, &r, err,
                         "looking up the venue");
    if (rc == LNT_OK && PQntuples(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "venue %" PRId64 " not found", venue_id);
    PQclear(r);
    lnt_pg_p_init(&p);
    lnt_pg_p_bytes(&p, hash, sizeof hash);
    lnt_pg_p_i64(&p, venue_id);
    lnt_pg_p_i64(&p, now);
    lnt_pg_p_i64(&p, expires_at);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg,
                         "INSERT INTO enroll_codes (code_sha256, venue_id, created_at, expires_at) "
                         "VALUES ($1, $2, $3, $4)",
                         &p, NULL, err, "storing the enrolment code");
    snprintf(obj, sizeof obj, "venue %" PRId64, venue_id);
    if (rc == LNT_OK)
        rc = lnt_pg_audit(s, pg, "kiosk.add", obj, err, "enrolment code valid until %s", until);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    if (rc == LNT_OK)
        (void)lnt_str_copy(out_code, LNT_ENROLL_CODE_LEN + 1, code);
wipe:
    lnt_store_wipe(code, sizeof code);
    return rc;
}

/* Inside the transaction: the code's venue, the row locked so that one code makes one kiosk
 * however many servers are asked at once. */
static enum lnt_err code_lookup(PGconn *pg, const uint8_t hash[LNT_SHA256_LEN], int64_t now,
                                int64_t *venue_id, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc;

    lnt_pg_p_init(&p);
    lnt_pg_p_bytes(&p, hash, LNT_SHA256_LEN);
    rc = lnt_pg_exec(pg,
                     "SELECT venue_id, expires_at, used_at FROM enroll_codes "
                     "WHERE code_sha256 = $1 FOR UPDATE",
                     &p, &r, err, "looking up the enrolment code");
    if (rc != LNT_OK)
        return rc;
    if (PQntuples(r) == 0 || lnt_pg_i64(r, 0, 2) != 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "enrolment code is not known or was already used");
    else if (lnt_pg_i64(r, 0, 1) <= now)
        rc = lnt_fail(err, LNT_ERR_EXPIRED, "enrolment code has expired: ask for a new one");
    else
        *venue_id = lnt_pg_i64(r, 0, 0);
    PQclear(r);
    return rc;
}

enum lnt_err lnt_store_enroll_redeem(struct lnt_store *s, const char *code,
                                     const uint8_t pk[LNT_SIGN_PK_LEN], int64_t now,
                                     struct lnt_kiosk *out, char *err)
{
    struct lnt_pg_params p;
    uint8_t hash[LNT_SHA256_LEN];
    int64_t venue_id = 0, id = 0;
    char obj[32];
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    if (lnt_store_code_hash(code, hash) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "enrolment code must be 12 letters and digits, like ABCD-EFGH-JKMN");
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = code_lookup(pg, hash, now, &venue_id, err);
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, venue_id);
    lnt_pg_p_bytes(&p, pk, LNT_SIGN_PK_LEN);
    lnt_pg_p_i64(&p, now);
    if (rc == LNT_OK) {
        rc = lnt_pg_exec(pg,
                         "INSERT INTO kiosks (venue_id, pk, enrolled_at) VALUES ($1, $2, $3) "
                         "RETURNING id",
                         &p, &r, err, "storing the kiosk");
        if (rc == LNT_ERR_EXISTS)
            rc = lnt_fail(err, LNT_ERR_EXISTS, "this public key is already enrolled");
        if (rc == LNT_OK)
            id = lnt_pg_i64(r, 0, 0);
        PQclear(r);
    }
    lnt_pg_p_init(&p);
    lnt_pg_p_bytes(&p, hash, sizeof hash);
    lnt_pg_p_i64(&p, now);
    lnt_pg_p_i64(&p, id);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg,
                         "UPDATE enroll_codes SET used_at = $2, kiosk_id = $3 "
                         "WHERE code_sha256 = $1",
                         &p, NULL, err, "using up the enrolment code");
    snprintf(obj, sizeof obj, "kiosk %" PRId64, id);
    if (rc == LNT_OK)
        rc = lnt_pg_audit(s, pg, "kiosk.enrol", obj, err, "enrolled at venue %" PRId64, venue_id);
    if (rc == LNT_OK) /* a venue's evidence may start with its first kiosk */
        rc = lnt_pg_notify(pg, venue_id, err);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    if (rc == LNT_OK) {
        out->id = id;
        out->venue_id = venue_id;
        memcpy(out->pk, pk, LNT_SIGN_PK_LEN);
        out->enrolled_at = now;
        out->backlog = -1;
    }
    return rc;
}

static void kiosk_row(const PGresult *r, int row, void *elem)
{
    struct lnt_kiosk *k = elem;

    memset(k, 0, sizeof *k);
    k->id = lnt_pg_i64(r, row, 0);
    k->venue_id = lnt_pg_i64(r, row, 1);
    (void)lnt_pg_bytes(r, row, 2, k->pk, LNT_SIGN_PK_LEN);
    k->enrolled_at = lnt_pg_i64(r, row, 3);
    k->last_seen = lnt_pg_i64(r, row, 4);
    k->last_seq = lnt_pg_i64(r, row, 5);
    k->revoked = lnt_pg_i64(r, row, 6) != 0;
    k->backlog = lnt_pg_i64(r, row, 7);
    k->backlog_at = lnt_pg_i64(r, row, 8);
    k->seq_gaps = lnt_pg_i64(r, row, 9);
    k->seq_backwards = lnt_pg_i64(r, row, 10);
    k->last_anomaly_at = lnt_pg_i64(r, row, 11);
    k->revoked_at = lnt_pg_i64(r, row, 12);
}

enum lnt_err lnt_store_kiosk_get(struct lnt_store *s, int64_t id, struct lnt_kiosk *out, char *err)
{
    struct lnt_pg_params p;
    struct lnt_kiosk *list = NULL;
    size_t n = 0;
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    rc = lnt_pg_list(pg, "SELECT " KIOSK_COLS " FROM kiosks WHERE id = $1", &p, sizeof *list,
                     kiosk_row, (void **)&list, &n, err, "reading a kiosk");
    lnt_pg_give(s, pg);
    if (rc == LNT_OK && n == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "kiosk %" PRId64 " not found", id);
    if (rc == LNT_OK)
        *out = list[0];
    free(list);
    return rc;
}

enum lnt_err lnt_store_kiosk_list(struct lnt_store *s, int64_t venue_id, struct lnt_kiosk **out,
                                  size_t *n, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, venue_id);
    rc = lnt_pg_list(pg,
                     "SELECT " KIOSK_COLS " FROM kiosks WHERE $1::bigint = 0 OR venue_id = $1 "
                     "ORDER BY id",
                     &p, sizeof **out, kiosk_row, (void **)out, n, err, "listing kiosks");
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_kiosk_backlog(struct lnt_store *s, int64_t id, int64_t backlog, int64_t now,
                                     char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;

    if (backlog < 0)
        return lnt_fail(err, LNT_ERR_INVALID, "a backlog cannot be negative");
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    lnt_pg_p_i64(&p, backlog);
    lnt_pg_p_i64(&p, now);
    rc = lnt_pg_exec(pg, "UPDATE kiosks SET backlog = $2, backlog_at = $3 WHERE id = $1", &p, &r,
                     err, "recording the backlog");
    if (rc == LNT_OK && lnt_pg_changed(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "kiosk %" PRId64 " not found", id);
    PQclear(r);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_kiosk_revoke(struct lnt_store *s, int64_t id, int64_t now, char *err)
{
    struct lnt_pg_params p;
    struct lnt_kiosk *k = NULL;
    size_t n = 0;
    char obj[32];
    PGconn *pg = NULL;
    enum lnt_err rc;

    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_list(pg, "SELECT " KIOSK_COLS " FROM kiosks WHERE id = $1 FOR UPDATE", &p,
                         sizeof *k, kiosk_row, (void **)&k, &n, err, "reading a kiosk");
    if (rc == LNT_OK && n == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "kiosk %" PRId64 " not found", id);
    else if (rc == LNT_OK && k[0].revoked)
        rc = lnt_fail(err, LNT_ERR_STATE, "kiosk %" PRId64 " is already revoked", id);
    lnt_pg_p_i64(&p, now);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, "UPDATE kiosks SET revoked = 1, revoked_at = $2 WHERE id = $1", &p,
                         NULL, err, "revoking the kiosk");
    snprintf(obj, sizeof obj, "kiosk %" PRId64, id);
    if (rc == LNT_OK)
        rc = lnt_pg_audit(s, pg, "kiosk.revoke", obj, err, "kiosk of venue %" PRId64 " revoked",
                          k[0].venue_id);
    free(k);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}
