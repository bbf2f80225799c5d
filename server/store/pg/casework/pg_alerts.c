/* pg_alerts.c - the store on PostgreSQL: alert subscriptions, alerts raised once with their
 * inbox rows, and acknowledgement. As the SQLite backend's sq_alerts.c: the same rows, order,
 * messages and audit rows. Several servers may raise, subscribe and acknowledge at once: an
 * alert is raised once by the unique dedup (ON CONFLICT), an inbox row written once by its key,
 * and what SQLite's one writer made safe is locked here (see lnt_store_alert_raise). */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "night.h"
#include "store_alerts.h"

/* ---- subscriptions ---- */

/*
 * Inside the caller's transaction: whether officer `officer_id` exists and is active, and (when
 * venue_id != 0) the venue exists and the officer's scope covers it.
 */
static enum lnt_err sub_check(PGconn *pg, int64_t officer_id, int64_t venue_id, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, officer_id);
    lnt_pg_p_i64(&p, venue_id);
    rc = lnt_pg_exec(pg,
                     "SELECT o.disabled_at, v.id IS NOT NULL, CASE WHEN $2::bigint = 0 THEN true "
                     "WHEN o.venue_id <> 0 THEN o.venue_id = v.id WHEN o.authority <> '' THEN "
                     "o.authority = v.authority ELSE true END "
                     "FROM officers o LEFT JOIN venues v ON v.id = $2::bigint "
                     "WHERE o.id = $1::bigint",
                     &p, &r, err, "reading the officer");
    if (rc != LNT_OK)
        goto out;
    if (PQntuples(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "officer %" PRId64 " not found", officer_id);
    else if (lnt_pg_i64(r, 0, 0) != 0)
        rc = lnt_fail(err, LNT_ERR_FORBIDDEN, "officer %" PRId64 " is disabled", officer_id);
    else if (venue_id != 0 && lnt_pg_i64(r, 0, 1) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "venue %" PRId64 " not found", venue_id);
    else if (lnt_pg_i64(r, 0, 2) == 0)
        rc = lnt_fail(err, LNT_ERR_FORBIDDEN,
                      "venue %" PRId64 " is outside the scope of officer %" PRId64, venue_id,
                      officer_id);
out:
    PQclear(r);
    return rc;
}

/*
 * Inside the caller's transaction: puts into officer `officer_id`'s inbox the alerts of `kind`
 * at venue_id (0 = any) raised on the trading night of `now` up to `now` that the officer's
 * scope covers, by the rule inbox_fill uses. Inbox only: by_email 0, so nothing is emailed or
 * posted for them. A row the officer has already (from another subscription, or an earlier
 * one) is kept as it is: the inbox key is (alert, officer).
 */
static enum lnt_err inbox_catch_up(PGconn *pg, int64_t officer_id, const char *kind,
                                   int64_t venue_id, int64_t now, size_t *added, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc;

    *added = 0;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, officer_id);
    lnt_pg_p_text(&p, kind);
    lnt_pg_p_i64(&p, venue_id);
    /* the night's first second: the one after the night before ends */
    lnt_pg_p_i64(&p, lnt_night_end(lnt_night_of(now) - 1) + 1);
    lnt_pg_p_i64(&p, now);
    rc = lnt_pg_exec(pg,
                     "INSERT INTO alert_inbox (alert_id, officer_id, by_email) "
                     "SELECT a.id, o.id, 0 FROM alerts a JOIN officers o ON o.id = $1::bigint "
                     "WHERE a.kind = $2::text AND a.raised_at >= $4::bigint "
                     "AND a.raised_at <= $5::bigint "
                     "AND ($3::bigint = 0 OR a.venue_id = $3::bigint) "
                     "AND CASE WHEN o.venue_id <> 0 THEN o.venue_id = a.venue_id "
                     "WHEN o.authority <> '' THEN o.authority = "
                     "coalesce((SELECT v.authority FROM venues v WHERE v.id = a.venue_id), '') "
                     "ELSE true END ORDER BY a.id ON CONFLICT (alert_id, officer_id) DO NOTHING",
                     &p, &r, err, "putting tonight's alerts in the inbox");
    if (rc == LNT_OK)
        *added = (size_t)lnt_pg_changed(r);
    PQclear(r);
    return rc;
}

/*
 * Inside the caller's transaction: raising and subscribing queue for each other (readers carry
 * on). SQLite's one writer made them take turns; here an alert raised while a subscription of
 * its kind is being made would otherwise miss it twice over: the raise's inbox rows cannot see
 * the subscription before it commits, nor the subscription's catching up the alert. `mode` is
 * SHARE for a raise (raises run side by side) and SHARE ROW EXCLUSIVE for a subscription (one
 * at a time, and none while a raise is under way), so whichever comes second sees the other.
 */
static enum lnt_err turns(PGconn *pg, bool subscribing, char *err)
{
    return lnt_pg_exec(pg,
                       subscribing ? "LOCK TABLE alert_subscriptions IN SHARE ROW EXCLUSIVE MODE"
                                   : "LOCK TABLE alert_subscriptions IN SHARE MODE",
                       NULL, NULL, err, "locking the subscriptions");
}

/* Inside the caller's transaction: LNT_ERR_EXISTS when sub is active already. */
static enum lnt_err sub_unique(PGconn *pg, const struct lnt_alert_sub *sub, const char *kind,
                               char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, sub->officer_id);
    lnt_pg_p_text(&p, kind);
    lnt_pg_p_i64(&p, sub->venue_id);
    rc = lnt_pg_exec(pg,
                     "SELECT 1 FROM alert_subscriptions WHERE officer_id = $1::bigint AND kind = "
                     "$2::text AND venue_id = $3::bigint AND ended_at = 0",
                     &p, &r, err, "reading the subscriptions");
    if (rc == LNT_OK && PQntuples(r) > 0)
        rc = lnt_fail(err, LNT_ERR_EXISTS, "officer %" PRId64 " is already subscribed to %s%s",
                      sub->officer_id, kind, sub->venue_id == 0 ? " for every venue" : " there");
    PQclear(r);
    return rc;
}

enum lnt_err lnt_store_alert_subscribe(struct lnt_store *s, struct lnt_alert_sub *sub,
                                       const char *actor, int64_t now, char *err)
{
    const char *kind = lnt_alert_kind_name(sub->kind);
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    char obj[40];
    enum lnt_err rc;

    sub->caught_up = 0;
    if (kind == NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "unknown alert kind %d", (int)sub->kind);
    if (sub->venue_id < 0)
        return lnt_fail(err, LNT_ERR_INVALID, "venue must be 0 (every venue) or a venue id");
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = turns(pg, true, err);
    if (rc == LNT_OK)
        rc = sub_check(pg, sub->officer_id, sub->venue_id, err);
    if (rc == LNT_OK)
        rc = sub_unique(pg, sub, kind, err);
    if (rc != LNT_OK)
        goto out;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, sub->officer_id);
    lnt_pg_p_text(&p, kind);
    lnt_pg_p_i64(&p, sub->venue_id);
    lnt_pg_p_i64(&p, sub->by_email ? 1 : 0);
    lnt_pg_p_i64(&p, now);
    rc = lnt_pg_exec(pg,
                     "INSERT INTO alert_subscriptions (officer_id, kind, venue_id, by_email, "
                     "created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                     &p, &r, err, "storing the subscription");
    if (rc != LNT_OK)
        goto out;
    sub->id = lnt_pg_i64(r, 0, 0);
    sub->created_at = now;
    sub->ended_at = 0;
    rc = inbox_catch_up(pg, sub->officer_id, kind, sub->venue_id, now, &sub->caught_up, err);
    if (rc != LNT_OK)
        goto out;
    snprintf(obj, sizeof obj, "officer %" PRId64, sub->officer_id);
    rc = lnt_pg_audit_actor(s, pg, actor, "alert.subscribe", obj, err,
                            "subscription %" PRId64 ": %s, venue %" PRId64 "%s; %zu of tonight's "
                            "alerts put in the inbox",
                            sub->id, kind, sub->venue_id, sub->by_email ? ", by email" : "",
                            sub->caught_up);
out:
    PQclear(r);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    if (rc != LNT_OK)
        sub->caught_up = 0;
    return rc;
}

enum lnt_err lnt_store_alert_unsubscribe(struct lnt_store *s, int64_t officer_id, int64_t id,
                                         const char *actor, int64_t now, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    char obj[40];
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    lnt_pg_p_i64(&p, officer_id);
    rc = lnt_pg_begin(pg, err);
    /* locked until the end: two servers ending it at once, one says it has ended already */
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg,
                         "SELECT ended_at FROM alert_subscriptions WHERE id = $1::bigint AND "
                         "officer_id = $2::bigint FOR UPDATE",
                         &p, &r, err, "reading the subscription");
    if (rc != LNT_OK)
        goto out;
    if (PQntuples(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "officer %" PRId64 " has no subscription %" PRId64,
                      officer_id, id);
    else if (lnt_pg_i64(r, 0, 0) != 0)
        rc = lnt_fail(err, LNT_ERR_STATE, "subscription %" PRId64 " has ended already", id);
    PQclear(r);
    r = NULL;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    lnt_pg_p_i64(&p, now);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, "UPDATE alert_subscriptions SET ended_at = $2 WHERE id = $1", &p, NULL,
                         err, "ending the subscription");
    if (rc != LNT_OK)
        goto out;
    snprintf(obj, sizeof obj, "officer %" PRId64, officer_id);
    rc = lnt_pg_audit_actor(s, pg, actor, "alert.unsubscribe", obj, err, "subscription %" PRId64,
                            id);
out:
    PQclear(r);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

static void sub_row(const PGresult *r, int row, void *elem)
{
    struct lnt_alert_sub *a = elem;
    char kind[32];

    a->id = lnt_pg_i64(r, row, 0);
    a->officer_id = lnt_pg_i64(r, row, 1);
    lnt_pg_text(r, row, 2, kind, sizeof kind);
    if (lnt_alert_kind_parse(kind, &a->kind) != LNT_OK)
        a->kind = 0;
    a->venue_id = lnt_pg_i64(r, row, 3);
    a->by_email = lnt_pg_i64(r, row, 4) != 0;
    a->created_at = lnt_pg_i64(r, row, 5);
    a->ended_at = lnt_pg_i64(r, row, 6);
}

/* The rows of `sql` ($1 = key, $2 and $3 as given when more > 0) on a connection of the pool. */
static enum lnt_err read_rows(struct lnt_store *s, const char *sql, int64_t key, int more,
                              int64_t a2, int64_t a3, size_t elem, lnt_pg_row_fn fn, void **out,
                              size_t *n, const char *what, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    *out = NULL;
    *n = 0;
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, key);
    if (more > 0) {
        lnt_pg_p_i64(&p, a2);
        lnt_pg_p_i64(&p, a3);
    }
    rc = lnt_pg_list(pg, sql, &p, elem, fn, out, n, err, what);
    lnt_pg_give(s, pg);
    return rc;
}

/* The one row of `sql` ($1 = id) into *out (`size` bytes); LNT_ERR_NOT_FOUND naming `what`. */
static enum lnt_err get_one(struct lnt_store *s, const char *sql, int64_t id, size_t size,
                            lnt_pg_row_fn fn, void *out, const char *what, char *err)
{
    void *rows = NULL;
    size_t n = 0;
    enum lnt_err rc = read_rows(s, sql, id, 0, 0, 0, size, fn, &rows, &n, "reading by id", err);

    if (rc == LNT_OK && n == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "%s %" PRId64 " not found", what, id);
    if (rc == LNT_OK)
        memcpy(out, rows, size);
    free(rows);
    return rc;
}

enum lnt_err lnt_store_alert_sub_get(struct lnt_store *s, int64_t id, struct lnt_alert_sub *out,
                                     char *err)
{
    return get_one(s,
                   "SELECT id, officer_id, kind, venue_id, by_email, created_at, ended_at "
                   "FROM alert_subscriptions WHERE id = $1",
                   id, sizeof *out, sub_row, out, "subscription", err);
}

enum lnt_err lnt_store_alert_subs(struct lnt_store *s, int64_t officer_id,
                                  struct lnt_alert_sub **out, size_t *n, char *err)
{
    return read_rows(s,
                     "SELECT id, officer_id, kind, venue_id, by_email, created_at, ended_at "
                     "FROM alert_subscriptions WHERE ended_at = 0 AND ($1::bigint = 0 OR "
                     "officer_id = $1::bigint) ORDER BY id",
                     officer_id, 0, 0, 0, sizeof **out, sub_row, (void **)out, n,
                     "listing subscriptions", err);
}

/* ---- raising ---- */

static enum lnt_err text_check(const char *what, const char *v, size_t max, char *err)
{
    size_t len = strnlen(v, max + 1);

    if (len == 0 || len > max)
        return lnt_fail(err, LNT_ERR_INVALID, "alert %s must be 1 to %zu bytes", what, max);
    return LNT_OK;
}

/* Inside the caller's transaction: the inbox rows of alert `id` (see lnt_store_alert_raise). */
static enum lnt_err inbox_fill(PGconn *pg, int64_t id, const char *kind, int64_t venue_id,
                               size_t *recipients, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    lnt_pg_p_text(&p, kind);
    lnt_pg_p_i64(&p, venue_id);
    /* in officer order, so that servers writing at once take the rows' locks in one order */
    rc = lnt_pg_exec(pg,
                     "INSERT INTO alert_inbox (alert_id, officer_id, by_email) "
                     "SELECT $1::bigint, o.id, max(x.by_email) FROM alert_subscriptions x "
                     "JOIN officers o ON o.id = x.officer_id "
                     "WHERE x.kind = $2::text AND x.ended_at = 0 AND o.disabled_at = 0 "
                     "AND (x.venue_id = 0 OR x.venue_id = $3::bigint) "
                     "AND CASE WHEN o.venue_id <> 0 THEN o.venue_id = $3::bigint "
                     "WHEN o.authority <> '' THEN o.authority = "
                     "coalesce((SELECT v.authority FROM venues v WHERE v.id = $3::bigint), '') "
                     "ELSE true END GROUP BY o.id ORDER BY o.id "
                     "ON CONFLICT (alert_id, officer_id) DO NOTHING",
                     &p, &r, err, "filling the inbox");
    if (rc == LNT_OK && recipients != NULL)
        *recipients = (size_t)lnt_pg_changed(r);
    PQclear(r);
    return rc;
}

/*
 * Inside the caller's transaction: alert a as a new row, *id its id; 0 when its dedup was
 * raised before. Two servers raising the same dedup at once: the second's insert waits for the
 * first's transaction and, once it commits, does nothing (the unique dedup), so the alert and
 * its inbox rows are written once; were the first to roll back, the second raises it.
 */
static enum lnt_err alert_insert(PGconn *pg, const struct lnt_alert *a, const char *kind,
                                 int64_t *id, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc;

    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, kind);
    lnt_pg_p_text(&p, a->dedup);
    lnt_pg_p_i64(&p, a->venue_id);
    lnt_pg_p_text(&p, a->summary);
    lnt_pg_p_text(&p, a->link);
    lnt_pg_p_i64(&p, a->raised_at);
    rc = lnt_pg_exec(pg,
                     "INSERT INTO alerts (kind, dedup, authority, venue_id, summary, link, "
                     "raised_at) VALUES ($1, $2, coalesce((SELECT authority FROM venues WHERE id "
                     "= $3::bigint), ''), $3::bigint, $4, $5, $6) ON CONFLICT (dedup) DO NOTHING "
                     "RETURNING id",
                     &p, &r, err, "raising the alert");
    if (rc == LNT_OK && PQntuples(r) == 1)
        *id = lnt_pg_i64(r, 0, 0);
    PQclear(r);
    return rc;
}

enum lnt_err lnt_store_alert_raise(struct lnt_store *s, const struct lnt_alert *a, int64_t *id,
                                   size_t *recipients, char *err)
{
    const char *kind = lnt_alert_kind_name(a->kind);
    PGconn *pg = NULL;
    enum lnt_err rc;

    *id = 0;
    if (recipients != NULL)
        *recipients = 0;
    if (kind == NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "unknown alert kind %d", (int)a->kind);
    rc = text_check("dedup", a->dedup, LNT_ALERT_DEDUP_MAX, err);
    if (rc == LNT_OK)
        rc = text_check("summary", a->summary, LNT_ALERT_SUMMARY_MAX, err);
    if (rc == LNT_OK)
        rc = text_check("link", a->link, LNT_ALERT_LINK_MAX, err);
    if (rc == LNT_OK)
        rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = turns(pg, false, err);
    if (rc == LNT_OK)
        rc = alert_insert(pg, a, kind, id, err);
    /* raised before: nothing more to write */
    if (rc == LNT_OK && *id != 0)
        rc = inbox_fill(pg, *id, kind, a->venue_id, recipients, err);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    if (rc != LNT_OK) {
        *id = 0;
        if (recipients != NULL)
            *recipients = 0;
    }
    return rc;
}

int lnt_store_alert_raised(struct lnt_store *s, const char *dedup, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    int found = -1;

    if (lnt_pg_take(s, &pg, err) != LNT_OK)
        return -1;
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, dedup);
    if (lnt_pg_exec(pg, "SELECT 1 FROM alerts WHERE dedup = $1", &p, &r, err,
                    "looking for an alert") == LNT_OK)
        found = PQntuples(r) > 0;
    PQclear(r);
    lnt_pg_give(s, pg);
    return found;
}

/* ---- the inbox ---- */

static void alert_row(const PGresult *r, int row, void *elem)
{
    struct lnt_alert *a = elem;
    char kind[32];

    a->id = lnt_pg_i64(r, row, 0);
    lnt_pg_text(r, row, 1, kind, sizeof kind);
    if (lnt_alert_kind_parse(kind, &a->kind) != LNT_OK)
        a->kind = 0;
    lnt_pg_text(r, row, 2, a->dedup, sizeof a->dedup);
    lnt_pg_text(r, row, 3, a->authority, sizeof a->authority);
    a->venue_id = lnt_pg_i64(r, row, 4);
    lnt_pg_text(r, row, 5, a->summary, sizeof a->summary);
    lnt_pg_text(r, row, 6, a->link, sizeof a->link);
    a->raised_at = lnt_pg_i64(r, row, 7);
    a->acked_at = lnt_pg_i64(r, row, 8);
    lnt_pg_text(r, row, 9, a->acked_by, sizeof a->acked_by);
}

enum lnt_err lnt_store_alert_inbox(struct lnt_store *s, int64_t officer_id, size_t offset,
                                   size_t limit, struct lnt_alert **out, size_t *n, char *err)
{
    enum lnt_err rc = lnt_pg_page_check(limit, err);

    if (rc != LNT_OK) {
        *out = NULL;
        *n = 0;
        return rc;
    }
    return read_rows(s,
                     "SELECT a.id, a.kind, a.dedup, a.authority, a.venue_id, a.summary, a.link, "
                     "a.raised_at, i.acked_at, i.acked_by FROM alert_inbox i JOIN alerts a ON "
                     "a.id = i.alert_id WHERE i.officer_id = $1 ORDER BY i.acked_at <> 0, "
                     "a.raised_at DESC, a.id DESC LIMIT $2 OFFSET $3",
                     officer_id, 2, (int64_t)limit,
                     offset > INT64_MAX ? INT64_MAX : (int64_t)offset, sizeof **out, alert_row,
                     (void **)out, n, "listing the inbox", err);
}

enum lnt_err lnt_store_alert_get(struct lnt_store *s, int64_t id, struct lnt_alert *out, char *err)
{
    return get_one(s,
                   "SELECT id, kind, dedup, authority, venue_id, summary, link, raised_at, 0, '' "
                   "FROM alerts WHERE id = $1",
                   id, sizeof *out, alert_row, out, "alert", err);
}

enum lnt_err lnt_store_alert_unacked(struct lnt_store *s, int64_t officer_id, int64_t *count,
                                     char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    *count = 0;
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, officer_id);
    rc = lnt_pg_exec(pg, "SELECT count(*) FROM alert_inbox WHERE officer_id = $1 AND acked_at = 0",
                     &p, &r, err, "counting the inbox");
    if (rc == LNT_OK)
        *count = lnt_pg_i64(r, 0, 0);
    PQclear(r);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_alert_ack(struct lnt_store *s, int64_t officer_id, int64_t alert_id,
                                 const char *actor, int64_t now, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    char obj[40];
    enum lnt_err rc;

    if (actor == NULL || actor[0] == '\0' || strlen(actor) > 63)
        return lnt_fail(err, LNT_ERR_INVALID, "who acknowledges must be 1 to 63 bytes");
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, alert_id);
    lnt_pg_p_i64(&p, officer_id);
    rc = lnt_pg_begin(pg, err);
    /* locked until the end: the same alert acknowledged on two servers at once is recorded
     * once, and the second is told it was acknowledged already */
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg,
                         "SELECT acked_at FROM alert_inbox WHERE alert_id = $1::bigint AND "
                         "officer_id = $2::bigint FOR UPDATE",
                         &p, &r, err, "reading the inbox");
    if (rc != LNT_OK)
        goto out;
    if (PQntuples(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "alert %" PRId64 " is not in this inbox", alert_id);
    else if (lnt_pg_i64(r, 0, 0) != 0)
        rc = lnt_fail(err, LNT_ERR_STATE, "alert %" PRId64 " was acknowledged already", alert_id);
    lnt_pg_p_i64(&p, now);
    lnt_pg_p_text(&p, actor);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg,
                         "UPDATE alert_inbox SET acked_at = $3, acked_by = $4 WHERE alert_id = $1 "
                         "AND officer_id = $2",
                         &p, NULL, err, "acknowledging the alert");
    if (rc != LNT_OK)
        goto out;
    snprintf(obj, sizeof obj, "alert %" PRId64, alert_id);
    rc = lnt_pg_audit_actor(s, pg, actor, "alert.ack", obj, err, "officer %" PRId64, officer_id);
out:
    PQclear(r);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}
