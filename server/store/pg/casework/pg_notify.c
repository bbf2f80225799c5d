/* pg_notify.c - the store on PostgreSQL: the alert delivery queue (enqueue once, digests, claims,
 * results), as sqlite/casework/sq_notify.c, for several servers on one database; the
 * authorities' webhooks are in pg_webhook.c. Reads the alert tables of schema 11, never writes
 * them.
 *
 * SQLite runs one writer at a time; here several notifiers (one per lanternd) share the queue:
 *  - enqueueing and digests take the delivery cursor's row lock, so they run one at a time and
 *    an alert is enqueued once, a recipient's held emails gathered into one digest;
 *  - enqueueing reads the alerts after locking the table against new ones (SHARE): an alert
 *    raised in a transaction still open has its id already, and a cursor moved past it before
 *    it commits would never see it;
 *  - a claim takes its rows FOR UPDATE SKIP LOCKED and marks them sending in one statement: two
 *    notifiers claiming at once take different deliveries, neither waits for the other.
 */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_notify.h"

#define DIGESTS_PER_RUN 1000 /* recipients whose digests one call makes: a bound */

static enum lnt_channel channel_of(const PGresult *r, int row, int col)
{
    char text[16];

    lnt_pg_text(r, row, col, text, sizeof text);
    return strcmp(text, "webhook") == 0 ? LNT_CHANNEL_WEBHOOK : LNT_CHANNEL_EMAIL;
}

static enum lnt_delivery_state state_of(const PGresult *r, int row, int col)
{
    char text[16];

    lnt_pg_text(r, row, col, text, sizeof text);
    for (int i = 0; i < LNT_DELIVERY_STATE_COUNT; i++)
        if (strcmp(text, lnt_delivery_state_name((enum lnt_delivery_state)i)) == 0)
            return (enum lnt_delivery_state)i;
    return LNT_DELIVERY_FAILED;
}

/* Takes the delivery cursor's row lock inside the open transaction on pg: enqueueing and
 * digests run one at a time across servers. *from is the cursor. */
static enum lnt_err queue_lock(PGconn *pg, int64_t *from, char *err)
{
    PGresult *r = NULL;
    enum lnt_err rc = lnt_pg_exec(pg,
                                  "SELECT alert_id FROM alert_delivery_cursor WHERE id = 1 "
                                  "FOR UPDATE",
                                  NULL, &r, err, "reading the delivery cursor");

    if (rc == LNT_OK && PQntuples(r) == 0)
        rc = lnt_fail(err, LNT_ERR_DB, "reading the delivery cursor: no cursor row");
    if (rc == LNT_OK)
        *from = lnt_pg_i64(r, 0, 0);
    PQclear(r);
    return rc;
}

/* ---- enqueue ---- */

/*
 * The state and due time of a new email to `target` at `now` under policy p: held until the
 * window ends when the recipient has held emails already or has had digest_after emails in
 * the window; else pending now. Inside the caller's transaction.
 */
static enum lnt_err email_slot(PGconn *pg, const char *target, int64_t now,
                               const struct lnt_notify_policy *p, bool *held, int64_t *due,
                               char *err)
{
    struct lnt_pg_params par;
    PGresult *r = NULL;
    int64_t held_until, sent, first;
    enum lnt_err rc;

    *held = false;
    *due = now;
    lnt_pg_p_init(&par);
    lnt_pg_p_text(&par, target);
    lnt_pg_p_i64(&par, now - p->window_s);
    rc = lnt_pg_exec(pg,
                     "SELECT (SELECT min(next_at) FROM alert_deliveries WHERE channel = 'email' "
                     "AND target = $1 AND state = 'held'), count(*), min(created_at) "
                     "FROM alert_deliveries WHERE channel = 'email' AND target = $1 "
                     "AND created_at > $2 AND state NOT IN ('held', 'digested')",
                     &par, &r, err, "counting a recipient's emails");
    if (rc != LNT_OK)
        return rc;
    held_until = lnt_pg_i64(r, 0, 0);
    sent = lnt_pg_i64(r, 0, 1);
    first = lnt_pg_i64(r, 0, 2);
    PQclear(r);
    if (held_until > 0) {
        *held = true;
        *due = held_until;
    } else if (sent >= p->digest_after) {
        *held = true;
        *due = first + p->window_s;
    }
    return LNT_OK;
}

static enum lnt_err enqueue_emails(PGconn *pg, int64_t from, int64_t to, int64_t now,
                                   const struct lnt_notify_policy *p, size_t *added, char *err)
{
    struct lnt_pg_params par;
    PGresult *sel = NULL, *ins;
    char target[LNT_DELIVERY_TARGET_MAX + 1];
    int64_t due;
    bool held;
    enum lnt_err rc;

    lnt_pg_p_init(&par);
    lnt_pg_p_i64(&par, from);
    lnt_pg_p_i64(&par, to);
    rc = lnt_pg_exec(pg,
                     "SELECT a.id, o.email FROM alerts a "
                     "JOIN alert_inbox i ON i.alert_id = a.id AND i.by_email = 1 "
                     "JOIN officers o ON o.id = i.officer_id AND o.disabled_at = 0 "
                     "WHERE a.id > $1 AND a.id <= $2 ORDER BY a.id, o.email COLLATE \"C\"",
                     &par, &sel, err, "reading new alerts");
    for (int row = 0; rc == LNT_OK && row < PQntuples(sel); row++) {
        lnt_pg_text(sel, row, 1, target, sizeof target);
        if (target[0] == '\0')
            continue;
        rc = email_slot(pg, target, now, p, &held, &due, err);
        if (rc != LNT_OK)
            break;
        lnt_pg_p_init(&par);
        lnt_pg_p_i64(&par, lnt_pg_i64(sel, row, 0));
        lnt_pg_p_text(&par, target);
        lnt_pg_p_text(&par, held ? "held" : "pending");
        lnt_pg_p_i64(&par, now);
        lnt_pg_p_i64(&par, due);
        ins = NULL;
        rc = lnt_pg_exec(pg,
                         "INSERT INTO alert_deliveries (alert_id, channel, target, state, "
                         "created_at, next_at) VALUES ($1, 'email', $2, $3, $4, $5) "
                         "ON CONFLICT DO NOTHING",
                         &par, &ins, err, "enqueueing an email");
        if (rc == LNT_OK)
            *added += (size_t)lnt_pg_changed(ins);
        PQclear(ins);
    }
    PQclear(sel);
    return rc;
}

enum lnt_err lnt_store_delivery_enqueue(struct lnt_store *s, int64_t now,
                                        const struct lnt_notify_policy *p, size_t *added, char *err)
{
    struct lnt_pg_params par;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    int64_t from = 0, to = 0;
    enum lnt_err rc;

    *added = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = queue_lock(pg, &from, err);
    /* waits for the alert raisings in flight and holds new ones back until the commit: every
     * alert up to `to` is committed when `to` is read (each statement reads afresh) */
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, "LOCK TABLE alerts IN SHARE MODE", NULL, NULL, err,
                         "locking the alerts");
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, "SELECT coalesce(max(id), 0) FROM alerts", NULL, &r, err,
                         "reading the delivery cursor");
    if (rc == LNT_OK)
        to = lnt_pg_i64(r, 0, 0);
    PQclear(r);
    r = NULL;
    if (rc != LNT_OK || to <= from)
        goto out;
    rc = enqueue_emails(pg, from, to, now, p, added, err);
    if (rc != LNT_OK)
        goto out;
    lnt_pg_p_init(&par);
    lnt_pg_p_i64(&par, from);
    lnt_pg_p_i64(&par, to);
    lnt_pg_p_i64(&par, now);
    rc = lnt_pg_exec(pg,
                     "INSERT INTO alert_deliveries (alert_id, channel, target, created_at, "
                     "next_at) SELECT a.id, 'webhook', w.url, $3, $3 FROM alerts a "
                     "JOIN alert_webhooks w ON w.authority = a.authority AND w.ended_at = 0 "
                     "WHERE a.id > $1 AND a.id <= $2 ORDER BY a.id ON CONFLICT DO NOTHING",
                     &par, &r, err, "enqueueing webhook posts");
    if (rc == LNT_OK)
        *added += (size_t)lnt_pg_changed(r);
    PQclear(r);
    if (rc != LNT_OK)
        goto out;
    lnt_pg_p_init(&par);
    lnt_pg_p_i64(&par, to);
    rc = lnt_pg_exec(pg, "UPDATE alert_delivery_cursor SET alert_id = $1 WHERE id = 1", &par, NULL,
                     err, "moving the delivery cursor");
out:
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    if (rc != LNT_OK)
        *added = 0;
    return rc;
}

/* ---- digests ---- */

/* One recipient's digest, if any is due: *made true when one was made. */
static enum lnt_err digest_one(PGconn *pg, int64_t now, bool *made, char *err)
{
    struct lnt_pg_params par;
    PGresult *r = NULL;
    char target[LNT_DELIVERY_TARGET_MAX + 1] = "";
    int64_t id = 0;
    enum lnt_err rc;

    *made = false;
    lnt_pg_p_init(&par);
    lnt_pg_p_i64(&par, now);
    /* by target, as SQLite's GROUP BY hands them out */
    rc = lnt_pg_exec(pg,
                     "SELECT target FROM alert_deliveries WHERE state = 'held' AND channel = "
                     "'email' GROUP BY target HAVING min(next_at) <= $1 "
                     "ORDER BY target COLLATE \"C\" LIMIT 1",
                     &par, &r, err, "finding held emails");
    if (rc == LNT_OK && PQntuples(r) > 0)
        lnt_pg_text(r, 0, 0, target, sizeof target);
    PQclear(r);
    r = NULL;
    if (rc != LNT_OK || target[0] == '\0')
        return rc;
    lnt_pg_p_init(&par);
    lnt_pg_p_text(&par, target);
    lnt_pg_p_i64(&par, now);
    rc = lnt_pg_exec(pg,
                     "INSERT INTO alert_deliveries (alert_id, channel, target, created_at, "
                     "next_at) VALUES (0, 'email', $1, $2, $2) RETURNING id",
                     &par, &r, err, "storing a digest");
    if (rc == LNT_OK)
        id = lnt_pg_i64(r, 0, 0);
    PQclear(r);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&par);
    lnt_pg_p_i64(&par, id);
    lnt_pg_p_text(&par, target);
    rc = lnt_pg_exec(pg,
                     "UPDATE alert_deliveries SET state = 'digested', digest_id = $1 "
                     "WHERE state = 'held' AND channel = 'email' AND target = $2",
                     &par, NULL, err, "gathering held emails into a digest");
    *made = rc == LNT_OK;
    return rc;
}

enum lnt_err lnt_store_delivery_digest(struct lnt_store *s, int64_t now, size_t *digests, char *err)
{
    PGconn *pg = NULL;
    int64_t cursor;
    bool made = true;
    enum lnt_err rc;

    *digests = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = queue_lock(pg, &cursor, err);
    while (rc == LNT_OK && made && *digests < DIGESTS_PER_RUN) {
        rc = digest_one(pg, now, &made, err);
        *digests += made;
    }
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    if (rc != LNT_OK)
        *digests = 0;
    return rc;
}

/* ---- claims and results ---- */

static void brief_row(struct lnt_alert_brief *a, const PGresult *r, int row, int col)
{
    a->id = lnt_pg_i64(r, row, col);
    lnt_pg_text(r, row, col + 1, a->kind, sizeof a->kind);
    lnt_pg_text(r, row, col + 2, a->authority, sizeof a->authority);
    a->venue_id = lnt_pg_i64(r, row, col + 3);
    lnt_pg_text(r, row, col + 4, a->summary, sizeof a->summary);
    lnt_pg_text(r, row, col + 5, a->link, sizeof a->link);
    a->raised_at = lnt_pg_i64(r, row, col + 6);
}

static void claim_row(const PGresult *r, int row, void *elem)
{
    struct lnt_delivery *d = elem;

    d->id = lnt_pg_i64(r, row, 0);
    d->channel = channel_of(r, row, 1);
    lnt_pg_text(r, row, 2, d->target, sizeof d->target);
    d->attempts = (int)lnt_pg_i64(r, row, 3); /* counted already by the claim */
    d->created_at = lnt_pg_i64(r, row, 4);
    d->digest = lnt_pg_i64(r, row, 5) == 0;
    brief_row(&d->alert, r, row, 6);
    /* a webhook's secret: opened from its sealed form by lnt_pg_webhook_secrets */
}

enum lnt_err lnt_store_delivery_claim(struct lnt_store *s, int64_t now, size_t max,
                                      struct lnt_delivery **out, size_t *n, char *err)
{
    struct lnt_pg_params par;
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK) {
        lnt_pg_p_init(&par);
        lnt_pg_p_i64(&par, now);
        lnt_pg_p_i64(&par, (int64_t)(max < LNT_PG_LIST_MAX ? max : LNT_PG_LIST_MAX));
        /* rows another notifier is claiming are skipped, not waited for: each row is claimed
         * by one only, and a row it has claimed is no longer pending when its lock is let go */
        rc =
            lnt_pg_list(pg,
                        "WITH c AS (SELECT id FROM alert_deliveries WHERE state = 'pending' "
                        "AND next_at <= $1 ORDER BY next_at, id LIMIT $2 "
                        "FOR UPDATE SKIP LOCKED), "
                        "u AS (UPDATE alert_deliveries d SET state = 'sending', "
                        "attempts = d.attempts + 1 FROM c WHERE d.id = c.id "
                        "RETURNING d.id, d.channel, d.target, d.attempts, d.created_at, "
                        "d.alert_id, d.next_at) "
                        "SELECT u.id, u.channel, u.target, u.attempts, u.created_at, u.alert_id, "
                        "coalesce(a.id, 0), coalesce(a.kind, ''), coalesce(a.authority, ''), "
                        "coalesce(a.venue_id, 0), coalesce(a.summary, ''), coalesce(a.link, ''), "
                        "coalesce(a.raised_at, 0) FROM u "
                        "LEFT JOIN alerts a ON a.id = u.alert_id AND u.alert_id <> 0 "
                        "ORDER BY u.next_at, u.id",
                        &par, sizeof **out, claim_row, (void **)out, n, err, "claiming deliveries");
    }
    if (rc == LNT_OK)
        rc = lnt_pg_webhook_secrets(s, pg, *out, *n, err);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    if (rc != LNT_OK) {
        lnt_store_delivery_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

static void item_row(const PGresult *r, int row, void *elem)
{
    brief_row(elem, r, row, 0);
}

enum lnt_err lnt_store_delivery_items(struct lnt_store *s, int64_t digest_id,
                                      struct lnt_alert_brief **out, size_t *n, char *err)
{
    struct lnt_pg_params par;
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&par);
    lnt_pg_p_i64(&par, digest_id);
    rc = lnt_pg_list(pg,
                     "SELECT a.id, a.kind, a.authority, a.venue_id, a.summary, a.link, "
                     "a.raised_at FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id "
                     "WHERE d.digest_id = $1 AND d.state = 'digested' ORDER BY a.id",
                     &par, sizeof **out, item_row, (void **)out, n, err,
                     "listing a digest's alerts");
    lnt_pg_give(s, pg);
    return rc;
}

/* Cuts `text` back to whole UTF-8 characters: a message cut at the byte bound may end inside
 * one, which PostgreSQL refuses where SQLite stores it. */
static void utf8_tail_trim(char *text)
{
    size_t len = strlen(text), start = len, need;
    unsigned char c;

    while (start > 0 && ((unsigned char)text[start - 1] & 0xc0) == 0x80 && len - start < 3)
        start--;
    if (start == 0)
        return;
    c = (unsigned char)text[start - 1];
    if (c < 0x80)
        return;
    need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    if (len - (start - 1) < need)
        text[start - 1] = '\0';
}

enum lnt_err lnt_store_delivery_done(struct lnt_store *s, int64_t id, int64_t now, bool ok,
                                     int64_t retry_at, const char *error, char *err)
{
    struct lnt_pg_params par;
    char text[LNT_DELIVERY_ERROR_MAX + 1];
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;

    snprintf(text, sizeof text, "%s", ok || error == NULL ? "" : error);
    utf8_tail_trim(text);
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&par);
    lnt_pg_p_i64(&par, id);
    lnt_pg_p_i64(&par, now);
    lnt_pg_p_text(&par, ok ? "sent" : retry_at > 0 ? "pending" : "failed");
    lnt_pg_p_i64(&par, retry_at);
    lnt_pg_p_text(&par, text);
    /* one statement: its own transaction */
    rc = lnt_pg_exec(pg,
                     "UPDATE alert_deliveries SET state = $3, "
                     "sent_at = CASE WHEN $3 = 'sent' THEN $2 ELSE sent_at END, "
                     "next_at = CASE WHEN $3 = 'pending' THEN $4 ELSE next_at END, "
                     "last_error = $5 WHERE id = $1 AND state = 'sending'",
                     &par, &r, err, "recording a delivery");
    if (rc == LNT_OK && lnt_pg_changed(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "delivery %" PRId64 " is not being sent", id);
    PQclear(r);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_delivery_recover(struct lnt_store *s, int64_t now, size_t *n, char *err)
{
    struct lnt_pg_params par;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;

    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&par);
    lnt_pg_p_i64(&par, now);
    /* as on SQLite: a claim is committed before its message is handed over, so any row left
     * sending may have gone out and is never sent again (at most once) */
    rc = lnt_pg_exec(pg,
                     "UPDATE alert_deliveries SET state = 'failed', next_at = $1, "
                     "last_error = 'interrupted while being sent: not sent again, the "
                     "server may have taken it' WHERE state = 'sending'",
                     &par, &r, err, "marking interrupted deliveries");
    if (rc == LNT_OK)
        *n = (size_t)lnt_pg_changed(r);
    PQclear(r);
    lnt_pg_give(s, pg);
    return rc;
}

/* ---- what the admin sees ---- */

enum lnt_err lnt_store_delivery_stats(struct lnt_store *s, struct lnt_delivery_stats *out,
                                      char *err)
{
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_exec(pg,
                     "SELECT channel, state, count(*), min(created_at) FROM alert_deliveries "
                     "GROUP BY channel, state",
                     NULL, &r, err, "counting deliveries");
    for (int row = 0; rc == LNT_OK && row < PQntuples(r); row++) {
        enum lnt_channel ch = channel_of(r, row, 0);
        enum lnt_delivery_state state = state_of(r, row, 1);
        int64_t count = lnt_pg_i64(r, row, 2), first = lnt_pg_i64(r, row, 3);

        out->count[ch][state] += count;
        if (state == LNT_DELIVERY_PENDING || state == LNT_DELIVERY_HELD ||
            state == LNT_DELIVERY_SENDING) {
            out->queued += count;
            if (out->oldest_pending == 0 || first < out->oldest_pending)
                out->oldest_pending = first;
        }
    }
    PQclear(r);
    lnt_pg_give(s, pg);
    return rc;
}

static void trouble_row(const PGresult *r, int row, void *elem)
{
    struct lnt_delivery_row *d = elem;

    d->id = lnt_pg_i64(r, row, 0);
    d->alert_id = lnt_pg_i64(r, row, 1);
    d->channel = channel_of(r, row, 2);
    d->state = state_of(r, row, 3);
    lnt_pg_text(r, row, 4, d->target, sizeof d->target);
    d->attempts = (int)lnt_pg_i64(r, row, 5);
    d->created_at = lnt_pg_i64(r, row, 6);
    d->next_at = lnt_pg_i64(r, row, 7);
    lnt_pg_text(r, row, 8, d->last_error, sizeof d->last_error);
}

enum lnt_err lnt_store_delivery_troubles(struct lnt_store *s, size_t limit,
                                         struct lnt_delivery_row **out, size_t *n, char *err)
{
    struct lnt_pg_params par;
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&par);
    lnt_pg_p_i64(&par, (int64_t)(limit < LNT_PG_LIST_MAX ? limit : LNT_PG_LIST_MAX));
    rc = lnt_pg_list(pg,
                     "SELECT id, alert_id, channel, state, target, attempts, created_at, "
                     "next_at, last_error FROM alert_deliveries WHERE state = 'failed' "
                     "OR (state = 'pending' AND attempts > 0) ORDER BY id DESC LIMIT $1",
                     &par, sizeof **out, trouble_row, (void **)out, n, err,
                     "listing failed deliveries");
    lnt_pg_give(s, pg);
    return rc;
}
