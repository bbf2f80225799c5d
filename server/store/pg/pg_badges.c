/* pg_badges.c - the store on PostgreSQL: badges and revocations, assessor findings (the scheme
 * and its keys are pg_keys.c's). As the SQLite backend's sq_badges.c: the same checks, results,
 * messages and audit rows. Revocations take their versions from the "revocation" counter, whose
 * row stays locked until the revoking transaction ends: versions are committed in order, so a
 * kiosk asking "revoked since N" never misses one that commits later with a smaller number. */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "ltime.h"

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

/* Stores badge b (its serial in hex for messages) inside the caller's transaction. */
static enum lnt_err badge_insert(PGconn *pg, const struct lnt_badge_record *b, int64_t version,
                                 const char *hex, char *err)
{
    struct lnt_pg_params p;
    enum lnt_err rc;

    lnt_pg_p_init(&p);
    lnt_pg_p_bytes(&p, b->serial, LNT_SERIAL_LEN);
    lnt_pg_p_i64(&p, b->staff_id);
    lnt_pg_p_bytes(&p, b->kid, LNT_KID_LEN);
    lnt_pg_p_i64(&p, b->issued_at);
    lnt_pg_p_i64(&p, b->expires_at);
    lnt_pg_p_i64(&p, b->revoked_at);
    lnt_pg_p_i64(&p, version);
    lnt_pg_p_text(&p, b->revoked_at != 0 ? "revoked when recorded" : "");
    rc = lnt_pg_exec(pg,
                     "INSERT INTO badges (serial, staff_id, kid, issued_at, expires_at, "
                     "revoked_at, revoke_version, revoke_reason) VALUES ($1, $2, $3, $4, $5, $6, "
                     "$7, $8)",
                     &p, NULL, err, "storing the badge");
    /* the only key is the serial; the staff member was found first, so a missing row the
     * insert refers to is the signing key */
    if (rc == LNT_ERR_EXISTS)
        rc = lnt_fail(err, LNT_ERR_EXISTS, "badge %s already exists", hex);
    else if (rc == LNT_ERR_NOT_FOUND)
        rc = lnt_fail(err, LNT_ERR_UNKNOWN_KEY, "badge %s: signing key is not the scheme's", hex);
    return rc;
}

enum lnt_err lnt_store_badge_add(struct lnt_store *s, const struct lnt_badge_record *b, char *err)
{
    char hex[LNT_HEX_LEN(LNT_SERIAL_LEN)], obj[40];
    PGconn *pg = NULL;
    int64_t version = 0;
    enum lnt_err rc;

    if (b->expires_at <= b->issued_at)
        return lnt_fail(err, LNT_ERR_INVALID, "badge expires before it is issued");
    lnt_hex_encode(b->serial, LNT_SERIAL_LEN, hex);
    snprintf(obj, sizeof obj, "badge %s", hex);
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_must_exist(pg, "SELECT 1 FROM staff WHERE id = $1", b->staff_id, "staff member",
                               err);
    if (rc != LNT_OK)
        goto out;
    if (b->revoked_at == 0)
        rc = lnt_pg_revoke_staff_badges(s, pg, b->staff_id, b->issued_at, "reissued", err);
    else
        /* recorded as already revoked: it still needs its place in the revocation order */
        rc = counter_next(pg, "revocation", &version, err);
    if (rc == LNT_OK)
        rc = badge_insert(pg, b, version, hex, err);
    if (rc == LNT_OK)
        rc = lnt_pg_audit(s, pg, "badge.issue", obj, err, "for staff %" PRId64, b->staff_id);
out:
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_badge_revoke(struct lnt_store *s, const uint8_t serial[LNT_SERIAL_LEN],
                                    const char *reason, int64_t now, int64_t *version_out,
                                    char *err)
{
    char hex[LNT_HEX_LEN(LNT_SERIAL_LEN)];
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    int64_t staff_id = 0;
    enum lnt_err rc;

    rc = lnt_store_text_check("revocation reason", reason != NULL ? reason : "", 80, err);
    if (rc != LNT_OK)
        return rc;
    lnt_hex_encode(serial, LNT_SERIAL_LEN, hex);
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_bytes(&p, serial, LNT_SERIAL_LEN);
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, "SELECT staff_id, revoked_at FROM badges WHERE serial = $1 FOR UPDATE",
                         &p, &r, err, "reading the badge");
    if (rc == LNT_OK && PQntuples(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "badge %s not found", hex);
    else if (rc == LNT_OK && lnt_pg_i64(r, 0, 1) != 0)
        rc = lnt_fail(err, LNT_ERR_STATE, "badge %s is already revoked", hex);
    else if (rc == LNT_OK)
        staff_id = lnt_pg_i64(r, 0, 0);
    PQclear(r);
    if (rc == LNT_OK)
        rc = revoke_one(s, pg, serial, staff_id, now, reason, version_out, err);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

/* The rows of `sql` ($1 = arg) on a connection of the pool. */
static enum lnt_err rows(struct lnt_store *s, const char *sql, int64_t arg, size_t elem,
                         lnt_pg_row_fn fn, void **out, size_t *n, char *err, const char *what)
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
    lnt_pg_p_i64(&p, arg);
    rc = lnt_pg_list(pg, sql, &p, elem, fn, out, n, err, what);
    lnt_pg_give(s, pg);
    return rc;
}

static void badge_row(const PGresult *r, int row, void *elem)
{
    struct lnt_badge_record *b = elem;

    (void)lnt_pg_bytes(r, row, 0, b->serial, LNT_SERIAL_LEN);
    b->staff_id = lnt_pg_i64(r, row, 1);
    (void)lnt_pg_bytes(r, row, 2, b->kid, LNT_KID_LEN);
    b->issued_at = lnt_pg_i64(r, row, 3);
    b->expires_at = lnt_pg_i64(r, row, 4);
    b->revoked_at = lnt_pg_i64(r, row, 5);
    b->revoke_version = lnt_pg_i64(r, row, 6);
    lnt_pg_text(r, row, 7, b->revoke_reason, sizeof b->revoke_reason);
}

enum lnt_err lnt_store_badge_list(struct lnt_store *s, int64_t staff_id,
                                  struct lnt_badge_record **out, size_t *n, char *err)
{
    return rows(s,
                "SELECT serial, staff_id, kid, issued_at, expires_at, revoked_at, revoke_version, "
                "revoke_reason FROM badges WHERE $1::bigint = 0 OR staff_id = $1 "
                "ORDER BY issued_at DESC, serial",
                staff_id, sizeof **out, badge_row, (void **)out, n, err, "listing badges");
}

static void serial_row(const PGresult *r, int row, void *elem)
{
    (void)lnt_pg_bytes(r, row, 0, elem, LNT_SERIAL_LEN);
}

enum lnt_err lnt_store_badge_revoked(struct lnt_store *s, uint8_t (**out)[LNT_SERIAL_LEN],
                                     size_t *n, char *err)
{
    return rows(s,
                "SELECT serial FROM badges WHERE revoked_at <> 0 AND expires_at > $1 "
                "ORDER BY serial",
                lnt_time_now(), sizeof **out, serial_row, (void **)out, n, err,
                "listing revoked badges");
}

enum lnt_err lnt_store_badge_revoked_since(struct lnt_store *s, int64_t since, int64_t now,
                                           uint8_t (**out)[LNT_SERIAL_LEN], size_t *n,
                                           int64_t *version_out, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    *version_out = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    /* the counter and the list from one snapshot, so nothing falls between two syncs */
    rc = lnt_pg_exec(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL, NULL, err,
                     "starting a transaction");
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, "SELECT value FROM counters WHERE name = 'revocation'", NULL, &r, err,
                         "reading the revocation counter");
    if (rc == LNT_OK && PQntuples(r) > 0)
        *version_out = lnt_pg_i64(r, 0, 0);
    PQclear(r);
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, since);
    lnt_pg_p_i64(&p, now);
    if (rc == LNT_OK)
        rc = lnt_pg_list(pg,
                         "SELECT serial FROM badges WHERE revoke_version > $1 AND expires_at > $2 "
                         "ORDER BY revoke_version, serial",
                         &p, sizeof **out, serial_row, (void **)out, n, err,
                         "listing revoked badges");
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    if (rc != LNT_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
        *version_out = 0;
    }
    return rc;
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

/* Checks f and fills in its default end; date gets its date for the audit row. */
static enum lnt_err finding_check(struct lnt_finding *f, char date[LNT_DATE_STRLEN], char *err)
{
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
    return LNT_OK;
}

enum lnt_err lnt_store_finding_add(struct lnt_store *s, struct lnt_finding *f, int64_t now,
                                   char *err)
{
    char date[LNT_DATE_STRLEN], obj[32];
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc = finding_check(f, date, err);

    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, f->venue_id);
    lnt_pg_p_text(&p, f->criterion);
    lnt_pg_p_i64(&p, f->met);
    lnt_pg_p_text(&p, f->evidence);
    lnt_pg_p_text(&p, f->assessor);
    lnt_pg_p_i64(&p, f->found_on);
    lnt_pg_p_i64(&p, f->valid_until);
    lnt_pg_p_i64(&p, now);
    rc = lnt_pg_begin(pg, err);
    /* said first, heard only if the finding commits (a refused one is rolled back) */
    if (rc == LNT_OK)
        rc = lnt_pg_notify(pg, f->venue_id, err);
    if (rc == LNT_OK)
        rc = lnt_pg_must_exist(pg, "SELECT 1 FROM venues WHERE id = $1", f->venue_id, "venue", err);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg,
                         "INSERT INTO findings (venue_id, criterion, met, evidence, assessor, "
                         "found_on, valid_until, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                         "$8) RETURNING id",
                         &p, &r, err, "storing the finding");
    if (rc == LNT_OK) {
        f->id = lnt_pg_i64(r, 0, 0);
        f->recorded_at = now;
        snprintf(obj, sizeof obj, "venue %" PRId64, f->venue_id);
        rc = lnt_pg_audit(s, pg, "finding.add", obj, err, "criterion %s %s on %s by \"%s\"",
                          f->criterion, f->met ? "met" : "not met", date, f->assessor);
    }
    PQclear(r);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

static void finding_row(const PGresult *r, int row, void *elem)
{
    struct lnt_finding *f = elem;

    f->id = lnt_pg_i64(r, row, 0);
    f->venue_id = lnt_pg_i64(r, row, 1);
    lnt_pg_text(r, row, 2, f->criterion, sizeof f->criterion);
    f->met = lnt_pg_i64(r, row, 3) != 0;
    lnt_pg_text(r, row, 4, f->evidence, sizeof f->evidence);
    lnt_pg_text(r, row, 5, f->assessor, sizeof f->assessor);
    f->found_on = (int32_t)lnt_pg_i64(r, row, 6);
    f->valid_until = (int32_t)lnt_pg_i64(r, row, 7);
    f->recorded_at = lnt_pg_i64(r, row, 8);
}

enum lnt_err lnt_store_finding_list(struct lnt_store *s, int64_t venue_id, struct lnt_finding **out,
                                    size_t *n, char *err)
{
    return rows(s,
                "SELECT id, venue_id, criterion, met, evidence, assessor, found_on, valid_until, "
                "recorded_at FROM findings WHERE venue_id = $1 ORDER BY found_on DESC, id DESC",
                venue_id, sizeof **out, finding_row, (void **)out, n, err, "listing findings");
}
