/* pg_ingest.c - the store on PostgreSQL: event batches, each stored once, in one transaction
 * per batch, and the walk over stored events. */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

#define CONFLICT_REASON "stored before with different content"
#define EVENT_COLS 9
#define EACH_PAGE 64 /* events decoded per read while walking */

/* The kiosk's venue, locked for the transaction: one kiosk's batches are stored one after the
 * other, whichever server each reached. Refuses unknown and revoked kiosks. */
static enum lnt_err kiosk_for_ingest(PGconn *pg, int64_t kiosk_id, int64_t *venue_id,
                                     int64_t *last_seq, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, kiosk_id);
    rc = lnt_pg_exec(pg, "SELECT venue_id, revoked, last_seq FROM kiosks WHERE id = $1 FOR UPDATE",
                     &p, &r, err, "reading the kiosk");
    if (rc != LNT_OK)
        return rc;
    if (PQntuples(r) == 0) {
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "kiosk %" PRId64 " not found", kiosk_id);
    } else {
        *venue_id = lnt_pg_i64(r, 0, 0);
        *last_seq = lnt_pg_i64(r, 0, 2);
        if (lnt_pg_i64(r, 0, 1) != 0)
            rc = lnt_fail(err, LNT_ERR_FORBIDDEN, "kiosk %" PRId64 " is revoked", kiosk_id);
    }
    PQclear(r);
    return rc;
}

/* One INSERT for the whole batch; events already stored (on (kiosk_id, seq) or on their
 * uuid) are left out by ON CONFLICT DO NOTHING and found again by what RETURNING omits. */
static enum lnt_err insert_batch(PGconn *pg, int64_t kiosk_id, int64_t venue_id, int64_t now,
                                 const struct lnt_event *ev, size_t n,
                                 const struct lnt_store_encoded *enc, bool *accepted, char *err)
{
    struct lnt_buf sql;
    struct lnt_pg_params *p = malloc(sizeof *p);
    PGresult *r = NULL;
    enum lnt_err rc;

    if (p == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory storing a batch");
    lnt_buf_init(&sql, 64 * 1024);
    rc = lnt_buf_puts(&sql, "INSERT INTO events (kiosk_id, seq, uuid, type, venue_id, "
                            "staff_id, occurred_at, received_at, body) VALUES ");
    lnt_pg_p_init(p);
    for (size_t i = 0; i < n && rc == LNT_OK; i++) {
        size_t len;
        const char *body = lnt_store_encoded_body(enc, i, &len);
        int b = (int)(i * EVENT_COLS);

        rc = lnt_buf_printf(&sql, "%s($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)",
                            i > 0 ? ", " : "", b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7,
                            b + 8, b + 9);
        lnt_pg_p_i64(p, kiosk_id);
        lnt_pg_p_i64(p, ev[i].seq);
        lnt_pg_p_text(p, ev[i].uuid);
        lnt_pg_p_i64(p, (int64_t)ev[i].type);
        lnt_pg_p_i64(p, venue_id);
        lnt_pg_p_text(p, lnt_store_event_staff(&ev[i]));
        lnt_pg_p_i64(p, ev[i].occurred_at);
        lnt_pg_p_i64(p, now);
        lnt_pg_p_textn(p, body, len);
    }
    if (rc == LNT_OK)
        rc = lnt_buf_puts(&sql, " ON CONFLICT DO NOTHING RETURNING seq, uuid");
    if (rc != LNT_OK)
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory storing a batch");
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, sql.data, p, &r, err, "storing events");
    /* a batch may carry one seq twice: the first of them is the one stored */
    for (int row = 0; rc == LNT_OK && row < PQntuples(r); row++) {
        int64_t seq = lnt_pg_i64(r, row, 0);
        char uuid[LNT_UUID_STRLEN];

        lnt_pg_text(r, row, 1, uuid, sizeof uuid);
        for (size_t i = 0; i < n; i++) {
            if (!accepted[i] && ev[i].seq == seq && strcmp(ev[i].uuid, uuid) == 0) {
                accepted[i] = true;
                break;
            }
        }
    }
    PQclear(r);
    lnt_buf_release(&sql);
    free(p);
    return rc;
}

/* An event that was not inserted: a duplicate of what is stored, or a conflict, recorded. */
static enum lnt_err not_inserted(PGconn *pg, int64_t kiosk_id, int64_t now,
                                 const struct lnt_event *e, const char *body, size_t body_len,
                                 struct lnt_ingest_result *res, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    int64_t old_id, old_kiosk, old_seq;
    bool same = false;
    enum lnt_err rc;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, kiosk_id);
    lnt_pg_p_i64(&p, e->seq);
    lnt_pg_p_text(&p, e->uuid);
    rc = lnt_pg_exec(pg,
                     "SELECT id, kiosk_id, seq, body FROM events "
                     "WHERE (kiosk_id = $1 AND seq = $2) OR uuid = $3 "
                     "ORDER BY (kiosk_id = $1 AND seq = $2) DESC LIMIT 1",
                     &p, &r, err, "comparing an event");
    if (rc == LNT_OK && PQntuples(r) != 1)
        rc = lnt_fail(err, LNT_ERR_INTERNAL, "seq %" PRId64 ": neither stored nor found", e->seq);
    if (rc != LNT_OK) {
        PQclear(r);
        return rc;
    }
    old_id = lnt_pg_i64(r, 0, 0);
    old_kiosk = lnt_pg_i64(r, 0, 1);
    old_seq = lnt_pg_i64(r, 0, 2);
    /* one uuid from two kiosks is two records claiming one name: never the same */
    if (old_kiosk == kiosk_id) {
        size_t old_len;
        const char *old = lnt_pg_raw(r, 0, 3, &old_len);
        rc = lnt_store_same_body(e, body, body_len, old, old_len, old_seq, &same, err);
    }
    PQclear(r);
    if (rc != LNT_OK)
        return rc;
    if (same) {
        res->status = LNT_INGEST_DUPLICATE;
        return LNT_OK;
    }
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, kiosk_id);
    lnt_pg_p_i64(&p, e->seq);
    lnt_pg_p_i64(&p, now);
    lnt_pg_p_textn(&p, body, body_len);
    lnt_pg_p_text(&p, e->uuid);
    lnt_pg_p_i64(&p, old_id);
    rc = lnt_pg_exec(pg,
                     "INSERT INTO event_conflicts (kiosk_id, seq, received_at, body, uuid, "
                     "stored_id) VALUES ($1, $2, $3, $4, $5, $6)",
                     &p, NULL, err, "recording a conflict");
    if (rc != LNT_OK)
        return rc;
    res->status = LNT_INGEST_CONFLICT;
    if (old_kiosk == kiosk_id && old_seq == e->seq)
        (void)lnt_str_copy(res->reason, sizeof res->reason, CONFLICT_REASON);
    else if (old_kiosk == kiosk_id)
        snprintf(res->reason, sizeof res->reason,
                 "event id %s stored before as seq %" PRId64 " with different content", e->uuid,
                 old_seq);
    else
        snprintf(res->reason, sizeof res->reason, "event id %s stored before from another kiosk",
                 e->uuid);
    return LNT_OK;
}

/* The batch inside an open transaction on pg. */
static enum lnt_err store_batch(PGconn *pg, int64_t kiosk_id, int64_t now,
                                const struct lnt_event *ev, size_t n,
                                const struct lnt_store_encoded *enc, enum lnt_err rc_enc,
                                struct lnt_ingest_result *results, char *err)
{
    bool accepted[LNT_BATCH_MAX] = {false};
    int64_t venue_id = 0, last = 0, gaps = 0, backwards = 0, max_seq = 0;
    struct lnt_pg_params p;
    enum lnt_err rc = kiosk_for_ingest(pg, kiosk_id, &venue_id, &last, err);

    /* an unknown or revoked kiosk is the first thing to say; then a bad event */
    if (rc != LNT_OK)
        return rc;
    if (rc_enc != LNT_OK)
        return rc_enc;
    if (n > 0)
        rc = insert_batch(pg, kiosk_id, venue_id, now, ev, n, enc, accepted, err);
    for (size_t i = 0; i < n && rc == LNT_OK; i++) {
        const struct lnt_event *e = &ev[i];

        memset(&results[i], 0, sizeof results[i]);
        results[i].seq = e->seq;
        if (!accepted[i]) {
            size_t len;
            const char *body = lnt_store_encoded_body(enc, i, &len);

            rc = not_inserted(pg, kiosk_id, now, e, body, len, &results[i], err);
            if (rc != LNT_OK)
                return lnt_fail_prefix(err, rc, "event %zu: ", i);
            /* a uuid sent again under a new seq still used that seq: not a gap to come */
            if (e->seq > last)
                last = max_seq = e->seq;
            continue;
        }
        results[i].status = LNT_INGEST_ACCEPTED;
        if (e->seq > last + 1)
            gaps++;
        else if (e->seq < last)
            backwards++;
        if (e->seq > last)
            last = e->seq;
        if (e->seq > max_seq)
            max_seq = e->seq;
    }
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, kiosk_id);
    lnt_pg_p_i64(&p, now);
    lnt_pg_p_i64(&p, max_seq);
    lnt_pg_p_i64(&p, gaps);
    lnt_pg_p_i64(&p, backwards);
    return lnt_pg_exec(pg,
                       "UPDATE kiosks SET last_seen = $2, last_seq = greatest(last_seq, $3), "
                       "seq_gaps = seq_gaps + $4, seq_backwards = seq_backwards + $5, "
                       "last_anomaly_at = CASE WHEN $4::bigint + $5::bigint > 0 THEN $2 "
                       "ELSE last_anomaly_at END WHERE id = $1",
                       &p, NULL, err, "updating the kiosk");
}

enum lnt_err lnt_store_events_insert(struct lnt_store *s, int64_t kiosk_id, int64_t now,
                                     const struct lnt_event *ev, size_t n,
                                     struct lnt_ingest_result *results, char *err)
{
    struct lnt_store_encoded *enc;
    enum lnt_err rc, rc_enc;
    PGconn *pg = NULL;

    if (n > LNT_BATCH_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "batch of %zu events, at most %d allowed", n,
                        LNT_BATCH_MAX);
    enc = calloc(1, sizeof *enc);
    if (enc == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory storing a batch");
    rc_enc = lnt_store_encode_batch(ev, n, enc, err);
    rc = lnt_pg_take(s, &pg, err);
    if (rc == LNT_OK) {
        rc = lnt_pg_begin(pg, err);
        if (rc == LNT_OK)
            rc = store_batch(pg, kiosk_id, now, ev, n, enc, rc_enc, results, err);
        rc = lnt_pg_end(pg, rc, err);
        lnt_pg_give(s, pg);
        pthread_mutex_lock(&s->mu);
        s->batches++;
        s->commits += rc == LNT_OK;
        pthread_mutex_unlock(&s->mu);
    }
    lnt_buf_release(&enc->text);
    free(enc);
    return rc;
}

/* One page of the walk, on a connection of its own, given back before `fn` runs. */
static enum lnt_err events_page(struct lnt_store *s, int64_t venue_id, int64_t since,
                                int64_t after_t, int64_t after_id, struct lnt_stored_event *page,
                                size_t *got, int64_t *last_t, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);
    int rows;

    *got = 0;
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, venue_id);
    lnt_pg_p_i64(&p, since);
    lnt_pg_p_i64(&p, after_t);
    lnt_pg_p_i64(&p, after_id);
    lnt_pg_p_i64(&p, EACH_PAGE);
    rc = lnt_pg_exec(pg,
                     "SELECT id, kiosk_id, venue_id, received_at, body, occurred_at FROM events "
                     "WHERE ($1 = 0 OR venue_id = $1) AND occurred_at >= $2 "
                     "AND (occurred_at > $3 OR (occurred_at = $3 AND id > $4)) "
                     "ORDER BY occurred_at, id LIMIT $5",
                     &p, &r, err, "reading events");
    lnt_pg_give(s, pg);
    rows = rc == LNT_OK ? PQntuples(r) : 0;
    for (int i = 0; i < rows && rc == LNT_OK; i++) {
        struct lnt_stored_event *e = &page[i];
        size_t len;
        const char *body = lnt_pg_raw(r, i, 4, &len);

        memset(e, 0, sizeof *e);
        e->id = lnt_pg_i64(r, i, 0);
        e->kiosk_id = lnt_pg_i64(r, i, 1);
        e->venue_id = lnt_pg_i64(r, i, 2);
        e->received_at = lnt_pg_i64(r, i, 3);
        *last_t = lnt_pg_i64(r, i, 5);
        rc = lnt_wire_event_decode(body, len, &e->ev, err);
        if (rc != LNT_OK)
            rc = lnt_fail_prefix(err, LNT_ERR_DB,
                                 "stored event %" PRId64 " does not decode: ", e->id);
        else
            *got = (size_t)i + 1;
    }
    PQclear(r);
    return rc;
}

enum lnt_err lnt_store_events_each(struct lnt_store *s, int64_t venue_id, int64_t since,
                                   int (*fn)(void *ctx, const struct lnt_stored_event *e),
                                   void *ctx, char *err)
{
    struct lnt_stored_event *page;
    int64_t after_t = INT64_MIN, after_id = 0, last_t = 0;
    enum lnt_err rc = LNT_OK;
    size_t got;

    /* pages keep no connection while `fn` runs, so `fn` may use the store itself */
    page = calloc(EACH_PAGE, sizeof *page);
    if (page == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading events");
    for (;;) {
        rc = events_page(s, venue_id, since, after_t, after_id, page, &got, &last_t, err);
        if (rc != LNT_OK || got == 0)
            break;
        for (size_t i = 0; i < got; i++)
            if (fn(ctx, &page[i]) != 0)
                goto out;
        after_t = last_t;
        after_id = page[got - 1].id;
        if (got < EACH_PAGE)
            break;
    }
out:
    free(page);
    return rc;
}
