/* sq_alerts.c - the store on SQLite: alert subscriptions, alerts raised once with their inbox
 * rows, acknowledgement, and the new-since-a-cursor reads the raising walks. */
#include "sq_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "night.h"
#include "store_alerts.h"

static const char *const kind_names[] = {
    [LNT_ALERT_VENUE_RED] = "venue_red",
    [LNT_ALERT_SERIOUS_REPORT] = "serious_report",
    [LNT_ALERT_DOOR_REFUSED] = "door_refused",
    [LNT_ALERT_UNLICENSED_OTHER_DUTIES] = "unlicensed_other_duties",
    [LNT_ALERT_KIOSK_SILENT] = "kiosk_silent",
    [LNT_ALERT_CUP_COVERS_LOW] = "cup_covers_low",
};

const char *lnt_alert_kind_name(enum lnt_alert_kind k)
{
    if ((int)k < 1 || (int)k > LNT_ALERT__MAX)
        return NULL;
    return kind_names[k];
}

enum lnt_err lnt_alert_kind_parse(const char *s, enum lnt_alert_kind *out)
{
    for (int k = 1; s != NULL && k <= LNT_ALERT__MAX; k++)
        if (strcmp(s, kind_names[k]) == 0) {
            *out = (enum lnt_alert_kind)k;
            return LNT_OK;
        }
    return LNT_ERR_INVALID;
}

/* ---- subscriptions ---- */

/*
 * Inside the write transaction: whether officer `officer_id` exists and is active, and (when
 * venue_id != 0) the venue exists and the officer's scope covers it.
 */
static enum lnt_err sub_check(struct lnt_store *s, int64_t officer_id, int64_t venue_id, char *err)
{
    sqlite3_stmt *st =
        lnt_sq_stmt(&s->w,
                    "SELECT o.disabled_at, v.id IS NOT NULL, CASE WHEN ?2 = 0 THEN 1 "
                    "WHEN o.venue_id <> 0 THEN o.venue_id = v.id WHEN o.authority "
                    "<> '' THEN o.authority = v.authority ELSE 1 END "
                    "FROM officers o LEFT JOIN venues v ON v.id = ?2 WHERE o.id = ?1",
                    err);
    enum lnt_err rc = LNT_OK;
    int r;

    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, officer_id);
    sqlite3_bind_int64(st, 2, venue_id);
    r = sqlite3_step(st);
    if (r == SQLITE_DONE)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "officer %" PRId64 " not found", officer_id);
    else if (r != SQLITE_ROW)
        rc = lnt_sq_fail(s->w.db, err, "reading the officer");
    else if (sqlite3_column_int64(st, 0) != 0)
        rc = lnt_fail(err, LNT_ERR_FORBIDDEN, "officer %" PRId64 " is disabled", officer_id);
    else if (venue_id != 0 && sqlite3_column_int(st, 1) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "venue %" PRId64 " not found", venue_id);
    else if (sqlite3_column_int(st, 2) == 0)
        rc = lnt_fail(err, LNT_ERR_FORBIDDEN,
                      "venue %" PRId64 " is outside the scope of officer %" PRId64, venue_id,
                      officer_id);
    sqlite3_reset(st);
    return rc;
}

/*
 * Inside the write transaction: puts into officer `officer_id`'s inbox the alerts of `kind` at
 * venue_id (0 = any) raised on the trading night of `now` up to `now` that the officer's scope
 * covers, by the rule inbox_fill uses. Inbox only: by_email 0 and behind the delivery cursor's
 * reach, so nothing is emailed or posted for them. A row the officer has already (from another
 * subscription, or an earlier one) is kept as it is: the inbox key is (alert, officer).
 */
static enum lnt_err inbox_catch_up(struct lnt_store *s, int64_t officer_id, const char *kind,
                                   int64_t venue_id, int64_t now, size_t *added, char *err)
{
    sqlite3_stmt *st =
        lnt_sq_stmt(&s->w,
                    "INSERT INTO alert_inbox (alert_id, officer_id, by_email) "
                    "SELECT a.id, o.id, 0 FROM alerts a JOIN officers o ON o.id = ?1 "
                    "WHERE a.kind = ?2 AND a.raised_at >= ?4 AND a.raised_at <= ?5 "
                    "AND (?3 = 0 OR a.venue_id = ?3) "
                    "AND CASE WHEN o.venue_id <> 0 THEN o.venue_id = a.venue_id "
                    "WHEN o.authority <> '' THEN o.authority = "
                    "coalesce((SELECT v.authority FROM venues v WHERE v.id = a.venue_id), '') "
                    "ELSE 1 END ON CONFLICT (alert_id, officer_id) DO NOTHING",
                    err);
    enum lnt_err rc;

    *added = 0;
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, officer_id);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, venue_id);
    /* the night's first second: the one after the night before ends */
    sqlite3_bind_int64(st, 4, lnt_night_end(lnt_night_of(now) - 1) + 1);
    sqlite3_bind_int64(st, 5, now);
    rc = lnt_sq_done(s->w.db, st, err, "putting tonight's alerts in the inbox");
    if (rc == LNT_OK)
        *added = (size_t)sqlite3_changes(s->w.db);
    return rc;
}

enum lnt_err lnt_store_alert_subscribe(struct lnt_store *s, struct lnt_alert_sub *sub,
                                       const char *actor, int64_t now, char *err)
{
    const char *kind = lnt_alert_kind_name(sub->kind);
    sqlite3_stmt *st;
    char obj[40];
    enum lnt_err rc;
    int found;

    sub->caught_up = 0;
    if (kind == NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "unknown alert kind %d", (int)sub->kind);
    if (sub->venue_id < 0)
        return lnt_fail(err, LNT_ERR_INVALID, "venue must be 0 (every venue) or a venue id");
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = sub_check(s, sub->officer_id, sub->venue_id, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "SELECT 1 FROM alert_subscriptions WHERE officer_id = ?1 AND kind = ?2 AND "
                     "venue_id = ?3 AND ended_at = 0",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, sub->officer_id);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, sub->venue_id);
    found = sqlite3_step(st);
    sqlite3_reset(st);
    if (found == SQLITE_ROW) {
        rc = lnt_fail(err, LNT_ERR_EXISTS, "officer %" PRId64 " is already subscribed to %s%s",
                      sub->officer_id, kind, sub->venue_id == 0 ? " for every venue" : " there");
        goto out;
    }
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO alert_subscriptions (officer_id, kind, venue_id, by_email, "
                     "created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, sub->officer_id);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, sub->venue_id);
    sqlite3_bind_int(st, 4, sub->by_email ? 1 : 0);
    sqlite3_bind_int64(st, 5, now);
    rc = lnt_sq_done(s->w.db, st, err, "storing the subscription");
    if (rc != LNT_OK)
        goto out;
    sub->id = sqlite3_last_insert_rowid(s->w.db);
    sub->created_at = now;
    sub->ended_at = 0;
    rc = inbox_catch_up(s, sub->officer_id, kind, sub->venue_id, now, &sub->caught_up, err);
    if (rc != LNT_OK)
        goto out;
    snprintf(obj, sizeof obj, "officer %" PRId64, sub->officer_id);
    rc = lnt_sq_audit_as(s, actor, "alert.subscribe", obj, err,
                         "subscription %" PRId64 ": %s, venue %" PRId64 "%s; %zu of tonight's "
                         "alerts put in the inbox",
                         sub->id, kind, sub->venue_id, sub->by_email ? ", by email" : "",
                         sub->caught_up);
out:
    return lnt_sq_wend(s, rc, err);
}

enum lnt_err lnt_store_alert_unsubscribe(struct lnt_store *s, int64_t officer_id, int64_t id,
                                         const char *actor, int64_t now, char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc = lnt_sq_wbegin(s, err);
    int64_t ended = 0;
    char obj[40];
    int r;

    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(
        &s->w, "SELECT ended_at FROM alert_subscriptions WHERE id = ?1 AND officer_id = ?2", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, officer_id);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        ended = sqlite3_column_int64(st, 0);
    else if (r == SQLITE_DONE)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "officer %" PRId64 " has no subscription %" PRId64,
                      officer_id, id);
    else
        rc = lnt_sq_fail(s->w.db, err, "reading the subscription");
    sqlite3_reset(st);
    if (rc == LNT_OK && ended != 0)
        rc = lnt_fail(err, LNT_ERR_STATE, "subscription %" PRId64 " has ended already", id);
    if (rc == LNT_OK)
        rc = lnt_sq_set_at(s, "UPDATE alert_subscriptions SET ended_at = ?2 WHERE id = ?1", id, now,
                           "ending the subscription", err);
    if (rc != LNT_OK)
        goto out;
    snprintf(obj, sizeof obj, "officer %" PRId64, officer_id);
    rc = lnt_sq_audit_as(s, actor, "alert.unsubscribe", obj, err, "subscription %" PRId64, id);
out:
    return lnt_sq_wend(s, rc, err);
}

static void sub_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_alert_sub *a = elem;
    char kind[32];

    a->id = sqlite3_column_int64(st, 0);
    a->officer_id = sqlite3_column_int64(st, 1);
    lnt_sq_text(kind, sizeof kind, st, 2);
    if (lnt_alert_kind_parse(kind, &a->kind) != LNT_OK)
        a->kind = 0;
    a->venue_id = sqlite3_column_int64(st, 3);
    a->by_email = sqlite3_column_int(st, 4) != 0;
    a->created_at = sqlite3_column_int64(st, 5);
    a->ended_at = sqlite3_column_int64(st, 6);
}

/* The one row of `sql` (?1 = id) into *out (`size` bytes); LNT_ERR_NOT_FOUND naming `what`. */
static enum lnt_err get_one(struct lnt_store *s, const char *sql, int64_t id, size_t size,
                            lnt_sq_row_fn fn, void *out, const char *what, char *err)
{
    void *rows = NULL;
    size_t n = 0;
    enum lnt_err rc = lnt_sq_rlist(s, sql, id, size, fn, &rows, &n, err, "reading by id");

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
                   "FROM alert_subscriptions WHERE id = ?1",
                   id, sizeof *out, sub_row, out, "subscription", err);
}

enum lnt_err lnt_store_alert_subs(struct lnt_store *s, int64_t officer_id,
                                  struct lnt_alert_sub **out, size_t *n, char *err)
{
    return lnt_sq_rlist(s,
                        "SELECT id, officer_id, kind, venue_id, by_email, created_at, ended_at "
                        "FROM alert_subscriptions WHERE ended_at = 0 AND (?1 = 0 OR officer_id = "
                        "?1) ORDER BY id",
                        officer_id, sizeof **out, sub_row, (void **)out, n, err,
                        "listing subscriptions");
}

/* ---- raising ---- */

static enum lnt_err text_check(const char *what, const char *v, size_t max, char *err)
{
    size_t len = strnlen(v, max + 1);

    if (len == 0 || len > max)
        return lnt_fail(err, LNT_ERR_INVALID, "alert %s must be 1 to %zu bytes", what, max);
    return LNT_OK;
}

/* Inside the write transaction: the inbox rows of alert `id` (see lnt_store_alert_raise). */
static enum lnt_err inbox_fill(struct lnt_store *s, int64_t id, const char *kind, int64_t venue_id,
                               size_t *recipients, char *err)
{
    sqlite3_stmt *st =
        lnt_sq_stmt(&s->w,
                    "INSERT INTO alert_inbox (alert_id, officer_id, by_email) "
                    "SELECT ?1, o.id, max(x.by_email) FROM alert_subscriptions x "
                    "JOIN officers o ON o.id = x.officer_id "
                    "WHERE x.kind = ?2 AND x.ended_at = 0 AND o.disabled_at = 0 "
                    "AND (x.venue_id = 0 OR x.venue_id = ?3) "
                    "AND CASE WHEN o.venue_id <> 0 THEN o.venue_id = ?3 "
                    "WHEN o.authority <> '' THEN o.authority = "
                    "coalesce((SELECT v.authority FROM venues v WHERE v.id = ?3), '') ELSE 1 END "
                    "GROUP BY o.id",
                    err);
    enum lnt_err rc;

    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, venue_id);
    rc = lnt_sq_done(s->w.db, st, err, "filling the inbox");
    if (rc == LNT_OK && recipients != NULL)
        *recipients = (size_t)sqlite3_changes(s->w.db);
    return rc;
}

enum lnt_err lnt_store_alert_raise(struct lnt_store *s, const struct lnt_alert *a, int64_t *id,
                                   size_t *recipients, char *err)
{
    const char *kind = lnt_alert_kind_name(a->kind);
    sqlite3_stmt *st;
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
    if (rc != LNT_OK)
        return rc;
    rc = lnt_sq_wbegin(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO alerts (kind, dedup, authority, venue_id, summary, link, "
                     "raised_at) VALUES (?1, ?2, coalesce((SELECT authority FROM venues WHERE id "
                     "= ?3), ''), ?3, ?4, ?5, ?6) ON CONFLICT (dedup) DO NOTHING",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->dedup, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, a->venue_id);
    sqlite3_bind_text(st, 4, a->summary, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, a->link, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, a->raised_at);
    rc = lnt_sq_done(s->w.db, st, err, "raising the alert");
    if (rc != LNT_OK || sqlite3_changes(s->w.db) == 0)
        goto out; /* raised before: nothing more to write */
    *id = sqlite3_last_insert_rowid(s->w.db);
    rc = inbox_fill(s, *id, kind, a->venue_id, recipients, err);
out:
    rc = lnt_sq_wend(s, rc, err);
    if (rc != LNT_OK) {
        *id = 0;
        if (recipients != NULL)
            *recipients = 0;
    }
    return rc;
}

int lnt_store_alert_raised(struct lnt_store *s, const char *dedup, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    sqlite3_stmt *st = lnt_sq_stmt(c, "SELECT 1 FROM alerts WHERE dedup = ?1", err);
    int found = -1, r;

    if (st != NULL) {
        sqlite3_bind_text(st, 1, dedup, -1, SQLITE_STATIC);
        r = sqlite3_step(st);
        if (r == SQLITE_ROW || r == SQLITE_DONE)
            found = r == SQLITE_ROW;
        else
            lnt_sq_fail(c->db, err, "looking for an alert");
        sqlite3_reset(st);
    }
    lnt_sq_rend(s, c);
    return found;
}

/* ---- the inbox ---- */

static void alert_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_alert *a = elem;
    char kind[32];

    a->id = sqlite3_column_int64(st, 0);
    lnt_sq_text(kind, sizeof kind, st, 1);
    if (lnt_alert_kind_parse(kind, &a->kind) != LNT_OK)
        a->kind = 0;
    lnt_sq_text(a->dedup, sizeof a->dedup, st, 2);
    lnt_sq_text(a->authority, sizeof a->authority, st, 3);
    a->venue_id = sqlite3_column_int64(st, 4);
    lnt_sq_text(a->summary, sizeof a->summary, st, 5);
    lnt_sq_text(a->link, sizeof a->link, st, 6);
    a->raised_at = sqlite3_column_int64(st, 7);
    a->acked_at = sqlite3_column_int64(st, 8);
    lnt_sq_text(a->acked_by, sizeof a->acked_by, st, 9);
}

enum lnt_err lnt_store_alert_inbox(struct lnt_store *s, int64_t officer_id, size_t offset,
                                   size_t limit, struct lnt_alert **out, size_t *n, char *err)
{
    struct lnt_sq_conn *c;
    sqlite3_stmt *st;
    enum lnt_err rc = lnt_sq_page_begin(s, limit, (void **)out, n, &c, err);

    if (rc != LNT_OK)
        return rc;
    st = lnt_sq_stmt(c,
                     "SELECT a.id, a.kind, a.dedup, a.authority, a.venue_id, a.summary, a.link, "
                     "a.raised_at, i.acked_at, i.acked_by FROM alert_inbox i JOIN alerts a ON "
                     "a.id = i.alert_id WHERE i.officer_id = ?1 ORDER BY i.acked_at <> 0, "
                     "a.raised_at DESC, a.id DESC LIMIT ?2 OFFSET ?3",
                     err);
    rc = LNT_ERR_DB;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, officer_id);
        sqlite3_bind_int64(st, 2, (int64_t)limit);
        sqlite3_bind_int64(st, 3, offset > INT64_MAX ? INT64_MAX : (int64_t)offset);
        rc = lnt_sq_list(c->db, st, sizeof **out, alert_row, (void **)out, n, err,
                         "listing the inbox");
    }
    lnt_sq_rend(s, c);
    return rc;
}

enum lnt_err lnt_store_alert_get(struct lnt_store *s, int64_t id, struct lnt_alert *out, char *err)
{
    return get_one(s,
                   "SELECT id, kind, dedup, authority, venue_id, summary, link, raised_at, 0, '' "
                   "FROM alerts WHERE id = ?1",
                   id, sizeof *out, alert_row, out, "alert", err);
}

enum lnt_err lnt_store_alert_unacked(struct lnt_store *s, int64_t officer_id, int64_t *count,
                                     char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    sqlite3_stmt *st = lnt_sq_stmt(
        c, "SELECT count(*) FROM alert_inbox WHERE officer_id = ?1 AND acked_at = 0", err);
    enum lnt_err rc = LNT_ERR_DB;

    *count = 0;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, officer_id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            *count = sqlite3_column_int64(st, 0);
            rc = LNT_OK;
        } else {
            rc = lnt_sq_fail(c->db, err, "counting the inbox");
        }
        sqlite3_reset(st);
    }
    lnt_sq_rend(s, c);
    return rc;
}

enum lnt_err lnt_store_alert_ack(struct lnt_store *s, int64_t officer_id, int64_t alert_id,
                                 const char *actor, int64_t now, char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc;
    int64_t acked = 0;
    char obj[40];
    int r;

    if (actor == NULL || actor[0] == '\0' || strlen(actor) > 63)
        return lnt_fail(err, LNT_ERR_INVALID, "who acknowledges must be 1 to 63 bytes");
    rc = lnt_sq_wbegin(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(
        &s->w, "SELECT acked_at FROM alert_inbox WHERE alert_id = ?1 AND officer_id = ?2", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, alert_id);
    sqlite3_bind_int64(st, 2, officer_id);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        acked = sqlite3_column_int64(st, 0);
    else if (r == SQLITE_DONE)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "alert %" PRId64 " is not in this inbox", alert_id);
    else
        rc = lnt_sq_fail(s->w.db, err, "reading the inbox");
    sqlite3_reset(st);
    if (rc == LNT_OK && acked != 0)
        rc = lnt_fail(err, LNT_ERR_STATE, "alert %" PRId64 " was acknowledged already", alert_id);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "UPDATE alert_inbox SET acked_at = ?3, acked_by = ?4 WHERE alert_id = ?1 "
                     "AND officer_id = ?2",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, alert_id);
    sqlite3_bind_int64(st, 2, officer_id);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_text(st, 4, actor, -1, SQLITE_STATIC);
    rc = lnt_sq_done(s->w.db, st, err, "acknowledging the alert");
    if (rc != LNT_OK)
        goto out;
    snprintf(obj, sizeof obj, "alert %" PRId64, alert_id);
    rc = lnt_sq_audit_as(s, actor, "alert.ack", obj, err, "officer %" PRId64, officer_id);
out:
    return lnt_sq_wend(s, rc, err);
}

/* ---- cursors and what is new since them ---- */

enum lnt_err lnt_store_alert_cursor_get(struct lnt_store *s, const char *name, int64_t *out,
                                        char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    sqlite3_stmt *st = lnt_sq_stmt(c, "SELECT value FROM counters WHERE name = ?1", err);
    enum lnt_err rc = LNT_ERR_DB;
    int r;

    *out = 0;
    if (st != NULL) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        r = sqlite3_step(st);
        rc = LNT_OK;
        if (r == SQLITE_ROW)
            *out = sqlite3_column_int64(st, 0);
        else if (r != SQLITE_DONE)
            rc = lnt_sq_fail(c->db, err, "reading an alert cursor");
        sqlite3_reset(st);
    }
    lnt_sq_rend(s, c);
    return rc;
}

enum lnt_err lnt_store_alert_cursor_set(struct lnt_store *s, const char *name, int64_t value,
                                        char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc = lnt_sq_wbegin(s, err);

    if (rc != LNT_OK)
        goto out;
    /* a cursor only moves forward: two scans at once cannot take it back */
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO counters (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO "
                     "UPDATE SET value = max(value, excluded.value)",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, value);
    rc = lnt_sq_done(s->w.db, st, err, "moving an alert cursor");
out:
    return lnt_sq_wend(s, rc, err);
}

static void source_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_alert_source *a = elem;

    a->row = sqlite3_column_int64(st, 0);
    a->key = sqlite3_column_int64(st, 1);
    a->kind = (enum lnt_alert_kind)sqlite3_column_int(st, 2);
    a->venue_id = sqlite3_column_int64(st, 3);
    a->at = sqlite3_column_int64(st, 4);
}

/*
 * The rows of `sql` (?1 after, ?2 the highest row id when starting, ?3 limit), and where the
 * next look starts: the last row when the page is full, else that highest row id.
 */
static enum lnt_err new_since(struct lnt_store *s, const char *max_sql, const char *sql,
                              int64_t after, size_t limit, struct lnt_alert_source **out, size_t *n,
                              int64_t *upto, char *err)
{
    struct lnt_sq_conn *c;
    sqlite3_stmt *st;
    int64_t top = after;
    enum lnt_err rc = lnt_sq_page_begin(s, limit, (void **)out, n, &c, err);

    *upto = after;
    if (rc != LNT_OK)
        return rc;
    rc = LNT_ERR_DB;
    st = lnt_sq_stmt(c, max_sql, err);
    if (st == NULL)
        goto out;
    if (sqlite3_step(st) != SQLITE_ROW) {
        lnt_sq_fail(c->db, err, "reading what is new");
        sqlite3_reset(st);
        goto out;
    }
    top = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (top <= after) {
        rc = LNT_OK;
        goto out;
    }
    st = lnt_sq_stmt(c, sql, err);
    if (st == NULL)
        goto out;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, top);
    sqlite3_bind_int64(st, 3, (int64_t)limit);
    rc = lnt_sq_list(c->db, st, sizeof **out, source_row, (void **)out, n, err,
                     "reading what is new");
    if (rc == LNT_OK)
        *upto = *n == limit ? (*out)[*n - 1].row : top;
out:
    lnt_sq_rend(s, c);
    return rc;
}

enum lnt_err lnt_store_alert_new_reports(struct lnt_store *s, int64_t after, size_t limit,
                                         struct lnt_alert_source **out, size_t *n, int64_t *upto,
                                         char *err)
{
    return new_since(s, "SELECT coalesce(max(id), 0) FROM incident_parts",
                     "SELECT p.id, i.id, 2, i.venue_id, i.occurred_at FROM incident_parts p "
                     "JOIN incidents i ON i.id = p.incident_id WHERE p.id > ?1 AND p.id <= ?2 "
                     "AND i.kind IN ('spiking', 'sexual') ORDER BY p.id LIMIT ?3",
                     after, limit, out, n, upto, err);
}

enum lnt_err lnt_store_alert_new_flags(struct lnt_store *s, int64_t after, size_t limit,
                                       struct lnt_alert_source **out, size_t *n, int64_t *upto,
                                       char *err)
{
    /* flag kinds: 7 revoked_badge, 8 unknown_serial, 10 door_refused, 11 sia_not_valid */
    return new_since(s, "SELECT coalesce(max(id), 0) FROM flags",
                     "SELECT f.id, f.id, CASE f.kind WHEN 11 THEN 4 ELSE 3 END, f.venue_id, f.at "
                     "FROM flags f LEFT JOIN shifts sh ON f.kind = 11 AND sh.id = f.other "
                     "WHERE f.id > ?1 AND f.id <= ?2 AND (f.kind IN (7, 8, 10) OR (f.kind = 11 "
                     "AND sh.duty = 1)) ORDER BY f.id LIMIT ?3",
                     after, limit, out, n, upto, err);
}

enum lnt_err lnt_store_alert_new_refusals(struct lnt_store *s, int64_t after, size_t limit,
                                          struct lnt_alert_source **out, size_t *n, int64_t *upto,
                                          char *err)
{
    /* event type 3: badge_refused */
    return new_since(s, "SELECT coalesce(max(id), 0) FROM events",
                     "SELECT id, id, 3, venue_id, occurred_at FROM events WHERE id > ?1 AND "
                     "id <= ?2 AND type = 3 ORDER BY id LIMIT ?3",
                     after, limit, out, n, upto, err);
}
