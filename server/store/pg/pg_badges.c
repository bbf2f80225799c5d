/* pg_badges.c - the store on PostgreSQL: revoking a staff member's badges (the scheme and its
 * keys are pg_keys.c's). As the SQLite backend's sq_badges.c: the same results, messages and
 * audit rows. Revocations take their versions from the "revocation" counter, whose
 * row stays locked until the revoking transaction ends: versions are committed in order, so a
 * kiosk asking "revoked since N" never misses one that commits later with a smaller number. */
#include "pg_int.h"

#include <stdio.h>
#include <string.h>

#include "codec.h"

/* The next value of a named counter, inside the caller's transaction (its row stays locked). */
static enum lnt_err counter_next(PGconn *pg, const char *name, int64_t *out, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc;

    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, name);
    rc = lnt_pg_exec(pg,
                     "INSERT INTO counters (name, value) VALUES ($1, 1) ON CONFLICT (name) "
                     "DO UPDATE SET value = counters.value + 1 RETURNING value",
                     &p, &r, err, "advancing a counter");
    if (rc == LNT_OK)
        *out = lnt_pg_i64(r, 0, 0);
    PQclear(r);
    return rc;
}

/* ---- badges ---- */

/* Revokes one badge inside the caller's transaction, with its version and audit row. */
static enum lnt_err revoke_one(struct lnt_store *s, PGconn *pg,
                               const uint8_t serial[LNT_SERIAL_LEN], int64_t staff_id, int64_t at,
                               const char *reason, int64_t *version_out, char *err)
{
    char hex[LNT_HEX_LEN(LNT_SERIAL_LEN)], obj[40];
    struct lnt_pg_params p;
    int64_t version = 0;
    enum lnt_err rc;

    rc = counter_next(pg, "revocation", &version, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_bytes(&p, serial, LNT_SERIAL_LEN);
    lnt_pg_p_i64(&p, at);
    lnt_pg_p_i64(&p, version);
    lnt_pg_p_text(&p, reason);
    rc = lnt_pg_exec(pg,
                     "UPDATE badges SET revoked_at = $2, revoke_version = $3, revoke_reason = $4 "
                     "WHERE serial = $1",
                     &p, NULL, err, "revoking a badge");
    if (rc != LNT_OK)
        return rc;
    lnt_hex_encode(serial, LNT_SERIAL_LEN, hex);
    snprintf(obj, sizeof obj, "badge %s", hex);
    if (version_out != NULL)
        *version_out = version;
    return lnt_pg_audit(s, pg, "badge.revoke", obj, err,
                        "badge of staff %" PRId64 ": %s (revocation %" PRId64 ")", staff_id, reason,
                        version);
}

enum lnt_err lnt_pg_revoke_staff_badges(struct lnt_store *s, PGconn *pg, int64_t staff_id,
                                        int64_t at, const char *reason, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc;
    int rows;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, staff_id);
    lnt_pg_p_i64(&p, at);
    /* oldest first, as they were recorded */
    rc = lnt_pg_exec(pg,
                     "SELECT serial FROM badges WHERE staff_id = $1 AND revoked_at = 0 "
                     "AND expires_at > $2 ORDER BY issued_at, serial FOR UPDATE",
                     &p, &r, err, "finding earlier badges");
    if (rc != LNT_OK)
        return rc;
    rows = PQntuples(r);
    for (int i = 0; rc == LNT_OK && i < rows; i++) {
        uint8_t serial[LNT_SERIAL_LEN];
        if (!lnt_pg_bytes(r, i, 0, serial, sizeof serial))
            rc = lnt_fail(err, LNT_ERR_DB, "a stored badge serial is damaged");
        else
            rc = revoke_one(s, pg, serial, staff_id, at, reason, NULL, err);
    }
    PQclear(r);
    return rc;
}
