/* sq_notify.c - the store on SQLite: the alert delivery queue (enqueue once, digests, claims,
 * results); the authorities' webhooks are in sq_webhook.c. Reads the alert tables of schema 11,
 * never writes them. */
#include "sq_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store_notify.h"

#define DIGESTS_PER_RUN 1000 /* recipients whose digests one call makes: a bound */

static const char *const channel_names[LNT_CHANNEL_COUNT] = {"email", "webhook"};
static const char *const state_names[LNT_DELIVERY_STATE_COUNT] = {"pending", "held",   "sending",
                                                                  "sent",    "failed", "digested"};

const char *lnt_channel_name(enum lnt_channel c)
{
    return (unsigned)c < LNT_CHANNEL_COUNT ? channel_names[c] : "?";
}

const char *lnt_delivery_state_name(enum lnt_delivery_state s)
{
    return (unsigned)s < LNT_DELIVERY_STATE_COUNT ? state_names[s] : "?";
}

static enum lnt_channel channel_of(const unsigned char *text)
{
    return text != NULL && strcmp((const char *)text, "webhook") == 0 ? LNT_CHANNEL_WEBHOOK
                                                                      : LNT_CHANNEL_EMAIL;
}

static enum lnt_delivery_state state_of(const unsigned char *text)
{
    for (int i = 0; text != NULL && i < LNT_DELIVERY_STATE_COUNT; i++)
        if (strcmp((const char *)text, state_names[i]) == 0)
            return (enum lnt_delivery_state)i;
    return LNT_DELIVERY_FAILED;
}

/* ---- enqueue ---- */

/*
 * The state and due time of a new email to `target` at `now` under policy p: held until the
 * window ends when the recipient has held emails already or has had digest_after emails in
 * the window; else pending now. Inside the caller's write transaction.
 */
static enum lnt_err email_slot(struct lnt_store *s, const char *target, int64_t now,
                               const struct lnt_notify_policy *p, bool *held, int64_t *due,
                               char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc = LNT_OK;
    int64_t held_until = 0, sent = 0, first = 0;

    *held = false;
    *due = now;
    st = lnt_sq_stmt(&s->w,
                     "SELECT (SELECT min(next_at) FROM alert_deliveries WHERE channel = 'email' "
                     "AND target = ?1 AND state = 'held'), count(*), min(created_at) "
                     "FROM alert_deliveries WHERE channel = 'email' AND target = ?1 "
                     "AND created_at > ?2 AND state NOT IN ('held', 'digested')",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now - p->window_s);
    if (sqlite3_step(st) == SQLITE_ROW) {
        held_until = sqlite3_column_int64(st, 0);
        sent = sqlite3_column_int64(st, 1);
        first = sqlite3_column_int64(st, 2);
    } else {
        rc = lnt_sq_fail(s->w.db, err, "counting a recipient's emails");
    }
    sqlite3_reset(st);
    if (rc != LNT_OK)
        return rc;
    if (held_until > 0) {
        *held = true;
        *due = held_until;
    } else if (sent >= p->digest_after) {
        *held = true;
        *due = first + p->window_s;
    }
    return LNT_OK;
}

static enum lnt_err enqueue_emails(struct lnt_store *s, int64_t from, int64_t now,
                                   const struct lnt_notify_policy *p, size_t *added, char *err)
{
    sqlite3_stmt *sel, *ins;
    enum lnt_err rc = LNT_OK;
    char target[LNT_DELIVERY_TARGET_MAX + 1];
    int64_t alert, due;
    bool held;
    int r;

    sel = lnt_sq_stmt(&s->w,
                      "SELECT a.id, o.email FROM alerts a "
                      "JOIN alert_inbox i ON i.alert_id = a.id AND i.by_email = 1 "
                      "JOIN officers o ON o.id = i.officer_id AND o.disabled_at = 0 "
                      "WHERE a.id > ?1 ORDER BY a.id, o.email",
                      err);
    if (sel == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(sel, 1, from);
    while (rc == LNT_OK && (r = sqlite3_step(sel)) == SQLITE_ROW) {
        alert = sqlite3_column_int64(sel, 0);
        lnt_sq_text(target, sizeof target, sel, 1);
        if (target[0] == '\0')
            continue;
        rc = email_slot(s, target, now, p, &held, &due, err);
        if (rc != LNT_OK)
            break;
        ins = lnt_sq_stmt(&s->w,
                          "INSERT OR IGNORE INTO alert_deliveries (alert_id, channel, target, "
                          "state, created_at, next_at) VALUES (?1, 'email', ?2, ?3, ?4, ?5)",
                          err);
        if (ins == NULL) {
            rc = LNT_ERR_DB;
            break;
        }
        sqlite3_bind_int64(ins, 1, alert);
        sqlite3_bind_text(ins, 2, target, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 3, held ? "held" : "pending", -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 4, now);
        sqlite3_bind_int64(ins, 5, due);
        rc = lnt_sq_done(s->w.db, ins, err, "enqueueing an email");
        *added += (size_t)sqlite3_changes(s->w.db);
    }
    if (rc == LNT_OK && r != SQLITE_DONE)
        rc = lnt_sq_fail(s->w.db, err, "reading new alerts");
    sqlite3_reset(sel);
    return rc;
}

enum lnt_err lnt_store_delivery_enqueue(struct lnt_store *s, int64_t now,
                                        const struct lnt_notify_policy *p, size_t *added, char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc;
    int64_t from = 0, to = 0;

    *added = 0;
    rc = lnt_sq_wbegin(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "SELECT c.alert_id, coalesce((SELECT max(id) FROM alerts), 0) "
                     "FROM alert_delivery_cursor c WHERE c.id = 1",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        from = sqlite3_column_int64(st, 0);
        to = sqlite3_column_int64(st, 1);
    } else {
        rc = lnt_sq_fail(s->w.db, err, "reading the delivery cursor");
    }
    sqlite3_reset(st);
    if (rc != LNT_OK || to <= from)
        goto out;
    rc = enqueue_emails(s, from, now, p, added, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "INSERT OR IGNORE INTO alert_deliveries (alert_id, channel, target, "
                     "created_at, next_at) SELECT a.id, 'webhook', w.url, ?3, ?3 FROM alerts a "
                     "JOIN alert_webhooks w ON w.authority = a.authority AND w.ended_at = 0 "
                     "WHERE a.id > ?1 AND a.id <= ?2",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    sqlite3_bind_int64(st, 3, now);
    rc = lnt_sq_done(s->w.db, st, err, "enqueueing webhook posts");
    if (rc != LNT_OK)
        goto out;
    *added += (size_t)sqlite3_changes(s->w.db);
    rc = lnt_sq_set_at(s, "UPDATE alert_delivery_cursor SET alert_id = ?2 WHERE id = ?1", 1, to,
                       "moving the delivery cursor", err);
out:
    rc = lnt_sq_wend(s, rc, err);
    if (rc != LNT_OK)
        *added = 0;
    return rc;
}

/* ---- digests ---- */

/* One recipient's digest, if any is due: *made true when one was made. */
static enum lnt_err digest_one(struct lnt_store *s, int64_t now, bool *made, char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc = LNT_OK;
    char target[LNT_DELIVERY_TARGET_MAX + 1] = "";
    int64_t id;
    int r;

    *made = false;
    st = lnt_sq_stmt(&s->w,
                     "SELECT target FROM alert_deliveries WHERE state = 'held' AND channel = "
                     "'email' GROUP BY target HAVING min(next_at) <= ?1 LIMIT 1",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, now);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        lnt_sq_text(target, sizeof target, st, 0);
    else if (r != SQLITE_DONE)
        rc = lnt_sq_fail(s->w.db, err, "finding held emails");
    sqlite3_reset(st);
    if (rc != LNT_OK || target[0] == '\0')
        return rc;
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO alert_deliveries (alert_id, channel, target, created_at, "
                     "next_at) VALUES (0, 'email', ?1, ?2, ?2)",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_text(st, 1, target, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now);
    rc = lnt_sq_done(s->w.db, st, err, "storing a digest");
    if (rc != LNT_OK)
        return rc;
    id = sqlite3_last_insert_rowid(s->w.db);
    st = lnt_sq_stmt(&s->w,
                     "UPDATE alert_deliveries SET state = 'digested', digest_id = ?1 "
                     "WHERE state = 'held' AND channel = 'email' AND target = ?2",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, target, -1, SQLITE_TRANSIENT);
    rc = lnt_sq_done(s->w.db, st, err, "gathering held emails into a digest");
    *made = rc == LNT_OK;
    return rc;
}

enum lnt_err lnt_store_delivery_digest(struct lnt_store *s, int64_t now, size_t *digests, char *err)
{
    enum lnt_err rc;
    bool made = true;

    *digests = 0;
    rc = lnt_sq_wbegin(s, err);
    while (rc == LNT_OK && made && *digests < DIGESTS_PER_RUN) {
        rc = digest_one(s, now, &made, err);
        *digests += made;
    }
    rc = lnt_sq_wend(s, rc, err);
    if (rc != LNT_OK)
        *digests = 0;
    return rc;
}

/* ---- claims and results ---- */

static void brief_row(struct lnt_alert_brief *a, sqlite3_stmt *st, int col)
{
    a->id = sqlite3_column_int64(st, col);
    lnt_sq_text(a->kind, sizeof a->kind, st, col + 1);
    lnt_sq_text(a->authority, sizeof a->authority, st, col + 2);
    a->venue_id = sqlite3_column_int64(st, col + 3);
    lnt_sq_text(a->summary, sizeof a->summary, st, col + 4);
    lnt_sq_text(a->link, sizeof a->link, st, col + 5);
    a->raised_at = sqlite3_column_int64(st, col + 6);
}

static void claim_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_delivery *d = elem;

    d->id = sqlite3_column_int64(st, 0);
    d->channel = channel_of(sqlite3_column_text(st, 1));
    lnt_sq_text(d->target, sizeof d->target, st, 2);
    d->attempts = sqlite3_column_int(st, 3) + 1;
    d->created_at = sqlite3_column_int64(st, 4);
    d->digest = sqlite3_column_int64(st, 5) == 0;
    brief_row(&d->alert, st, 6);
    /* a webhook's secret: opened from its sealed form by lnt_sq_webhook_secrets */
}

enum lnt_err lnt_store_delivery_claim(struct lnt_store *s, int64_t now, size_t max,
                                      struct lnt_delivery **out, size_t *n, char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_sq_wbegin(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "SELECT d.id, d.channel, d.target, d.attempts, d.created_at, d.alert_id, "
                     "coalesce(a.id, 0), coalesce(a.kind, ''), coalesce(a.authority, ''), "
                     "coalesce(a.venue_id, 0), coalesce(a.summary, ''), coalesce(a.link, ''), "
                     "coalesce(a.raised_at, 0) FROM alert_deliveries d "
                     "LEFT JOIN alerts a ON a.id = d.alert_id AND d.alert_id <> 0 "
                     "WHERE d.state = 'pending' AND d.next_at <= ?1 "
                     "ORDER BY d.next_at, d.id LIMIT ?2",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, (int64_t)max);
    rc = lnt_sq_list(s->w.db, st, sizeof **out, claim_row, (void **)out, n, err,
                     "claiming deliveries");
    if (rc == LNT_OK)
        rc = lnt_sq_webhook_secrets(s, *out, *n, err);
    for (size_t i = 0; rc == LNT_OK && i < *n; i++)
        rc = lnt_sq_set_at(s,
                           "UPDATE alert_deliveries SET state = 'sending', "
                           "attempts = attempts + 1 WHERE id = ?1 AND ?2 = ?2",
                           (*out)[i].id, 0, "claiming a delivery", err);
out:
    rc = lnt_sq_wend(s, rc, err);
    if (rc != LNT_OK) {
        lnt_store_delivery_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void lnt_store_delivery_free(struct lnt_delivery *d, size_t n)
{
    if (d != NULL)
        lnt_store_wipe(d, n * sizeof *d);
    free(d);
}

static void item_row(sqlite3_stmt *st, void *elem)
{
    brief_row(elem, st, 0);
}

enum lnt_err lnt_store_delivery_items(struct lnt_store *s, int64_t digest_id,
                                      struct lnt_alert_brief **out, size_t *n, char *err)
{
    return lnt_sq_rlist(s,
                        "SELECT a.id, a.kind, a.authority, a.venue_id, a.summary, a.link, "
                        "a.raised_at FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id "
                        "WHERE d.digest_id = ?1 AND d.state = 'digested' ORDER BY a.id",
                        digest_id, sizeof **out, item_row, (void **)out, n, err,
                        "listing a digest's alerts");
}

enum lnt_err lnt_store_delivery_done(struct lnt_store *s, int64_t id, int64_t now, bool ok,
                                     int64_t retry_at, const char *error, char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc;
    char text[LNT_DELIVERY_ERROR_MAX + 1];

    snprintf(text, sizeof text, "%s", ok || error == NULL ? "" : error);
    rc = lnt_sq_wbegin(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "UPDATE alert_deliveries SET "
                     "state = CASE WHEN ?3 THEN 'sent' WHEN ?4 > 0 THEN 'pending' "
                     "ELSE 'failed' END, "
                     "sent_at = CASE WHEN ?3 THEN ?2 ELSE sent_at END, "
                     "next_at = CASE WHEN NOT ?3 AND ?4 > 0 THEN ?4 ELSE next_at END, "
                     "last_error = ?5 WHERE id = ?1 AND state = 'sending'",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int(st, 3, ok);
    sqlite3_bind_int64(st, 4, retry_at);
    sqlite3_bind_text(st, 5, text, -1, SQLITE_TRANSIENT);
    rc = lnt_sq_done(s->w.db, st, err, "recording a delivery");
    if (rc == LNT_OK && sqlite3_changes(s->w.db) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "delivery %" PRId64 " is not being sent", id);
out:
    return lnt_sq_wend(s, rc, err);
}

enum lnt_err lnt_store_delivery_recover(struct lnt_store *s, int64_t now, size_t *n, char *err)
{
    enum lnt_err rc;

    *n = 0;
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = lnt_sq_set_at(s,
                           "UPDATE alert_deliveries SET state = 'failed', next_at = ?2, "
                           "last_error = 'interrupted while being sent: not sent again, the "
                           "server may have taken it' WHERE state = 'sending' AND ?1 = ?1",
                           0, now, "marking interrupted deliveries", err);
    if (rc == LNT_OK)
        *n = (size_t)sqlite3_changes(s->w.db);
    return lnt_sq_wend(s, rc, err);
}

/* ---- what the admin sees ---- */

enum lnt_err lnt_store_delivery_stats(struct lnt_store *s, struct lnt_delivery_stats *out,
                                      char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    sqlite3_stmt *st;
    enum lnt_err rc = LNT_OK;
    int r;

    memset(out, 0, sizeof *out);
    st = lnt_sq_stmt(c,
                     "SELECT channel, state, count(*), min(created_at) FROM alert_deliveries "
                     "GROUP BY channel, state",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        enum lnt_channel ch = channel_of(sqlite3_column_text(st, 0));
        enum lnt_delivery_state state = state_of(sqlite3_column_text(st, 1));
        int64_t count = sqlite3_column_int64(st, 2), first = sqlite3_column_int64(st, 3);

        out->count[ch][state] += count;
        if (state == LNT_DELIVERY_PENDING || state == LNT_DELIVERY_HELD ||
            state == LNT_DELIVERY_SENDING) {
            out->queued += count;
            if (out->oldest_pending == 0 || first < out->oldest_pending)
                out->oldest_pending = first;
        }
    }
    if (r != SQLITE_DONE)
        rc = lnt_sq_fail(c->db, err, "counting deliveries");
out:
    lnt_sq_rend(s, c);
    return rc;
}

static void trouble_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_delivery_row *d = elem;

    d->id = sqlite3_column_int64(st, 0);
    d->alert_id = sqlite3_column_int64(st, 1);
    d->channel = channel_of(sqlite3_column_text(st, 2));
    d->state = state_of(sqlite3_column_text(st, 3));
    lnt_sq_text(d->target, sizeof d->target, st, 4);
    d->attempts = sqlite3_column_int(st, 5);
    d->created_at = sqlite3_column_int64(st, 6);
    d->next_at = sqlite3_column_int64(st, 7);
    lnt_sq_text(d->last_error, sizeof d->last_error, st, 8);
}

enum lnt_err lnt_store_delivery_troubles(struct lnt_store *s, size_t limit,
                                         struct lnt_delivery_row **out, size_t *n, char *err)
{
    return lnt_sq_rlist(s,
                        "SELECT id, alert_id, channel, state, target, attempts, created_at, "
                        "next_at, last_error FROM alert_deliveries WHERE state = 'failed' "
                        "OR (state = 'pending' AND attempts > 0) ORDER BY id DESC LIMIT ?1",
                        (int64_t)limit, sizeof **out, trouble_row, (void **)out, n, err,
                        "listing failed deliveries");
}
