/* pg_batch.c - the store on PostgreSQL: one batch of events stored inside an open ingest
 * transaction (its kiosk locked, its events inserted once, what they derive queued), and the
 * end of that transaction (the rollups written, the commit). Groups are pg_ingest.c's. */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFLICT_REASON "stored before with different content"
#define EVENT_COLS 9

/* The INSERT of the batch's events (those in `skip` left out) into sql and p; *rows counts
 * them. Events already stored (on (kiosk_id, seq) or on their uuid) are left out by ON
 * CONFLICT DO NOTHING and found again by what RETURNING omits. */
static enum lnt_err insert_sql(int64_t kiosk_id, int64_t venue_id, int64_t now,
                               const struct lnt_event *ev, size_t n,
                               const struct lnt_store_encoded *enc, const bool *skip,
                               struct lnt_buf *sql, struct lnt_pg_params *p, int *rows, char *err)
{
    enum lnt_err rc = lnt_buf_puts(sql, "INSERT INTO events (kiosk_id, seq, uuid, type, venue_id, "
                                        "staff_id, occurred_at, received_at, body) VALUES ");

    *rows = 0;
    lnt_pg_p_init(p);
    for (size_t i = 0; i < n && rc == LNT_OK; i++) {
        size_t len;
        const char *body = lnt_store_encoded_body(enc, i, &len);
        int b = *rows * EVENT_COLS;

        if (skip[i])
            continue;
        rc = lnt_buf_printf(sql, "%s($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)",
                            *rows > 0 ? ", " : "", b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7,
                            b + 8, b + 9);
        (*rows)++;
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
        rc = lnt_buf_puts(sql, " ON CONFLICT DO NOTHING RETURNING seq, uuid");
    return rc != LNT_OK ? lnt_fail(err, LNT_ERR_NOMEM, "out of memory storing a batch") : LNT_OK;
}

/* Marks accepted[i] for each event the insert's RETURNING names; returns how many. A batch may
 * carry one seq twice: the first of them is the one stored. */
static int mark_accepted(const PGresult *r, const struct lnt_event *ev, size_t n, const bool *skip,
                         bool *accepted)
{
    int marked = 0;

    for (int row = 0; row < PQntuples(r); row++) {
        int64_t seq = lnt_pg_i64(r, row, 0);
        char uuid[LNT_UUID_STRLEN];

        lnt_pg_text(r, row, 1, uuid, sizeof uuid);
        for (size_t i = 0; i < n; i++) {
            if (!skip[i] && !accepted[i] && ev[i].seq == seq && strcmp(ev[i].uuid, uuid) == 0) {
                accepted[i] = true;
                marked++;
                break;
            }
        }
    }
    return marked;
}

/* The batch's events stored on pg straight away (the careful path, after a resend). */
static enum lnt_err insert_batch(PGconn *pg, int64_t kiosk_id, int64_t venue_id, int64_t now,
                                 const struct lnt_event *ev, size_t n,
                                 const struct lnt_store_encoded *enc, const bool *skip,
                                 bool *accepted, char *err)
{
    struct lnt_buf sql;
    struct lnt_pg_params *p = malloc(sizeof *p);
    PGresult *r = NULL;
    enum lnt_err rc;
    int rows = 0;

    if (p == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory storing a batch");
    lnt_buf_init(&sql, 64 * 1024);
    rc = insert_sql(kiosk_id, venue_id, now, ev, n, enc, skip, &sql, p, &rows, err);
    if (rc == LNT_OK && rows > 0)
        rc = lnt_pg_exec(pg, sql.data, p, &r, err, "storing events");
    if (rc == LNT_OK && r != NULL)
        (void)mark_accepted(r, ev, n, skip, accepted);
    PQclear(r);
    lnt_buf_release(&sql);
    free(p);
    return rc;
}

/* A flag written straight away (outside a pipeline), as lnt_pg_flag queues one. */
static enum lnt_err flag_now(PGconn *pg, enum lnt_flag_kind kind, const struct lnt_pg_origin *o,
                             int64_t other_venue, int64_t at, int64_t seq, int64_t other, char *err)
{
    struct lnt_pg_params p;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, (int64_t)kind);
    lnt_pg_p_i64(&p, o->venue_id);
    lnt_pg_p_i64(&p, other_venue);
    lnt_pg_p_i64(&p, o->kiosk_id);
    lnt_pg_p_i64(&p, at);
    lnt_pg_p_i64(&p, seq);
    lnt_pg_p_i64(&p, other);
    return lnt_pg_exec(pg,
                       "INSERT INTO flags (kind, venue_id, other_venue_id, kiosk_id, at, seq, "
                       "other) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                       &p, NULL, err, "recording a flag");
}

/* An event that was not inserted: a duplicate of what is stored, or a conflict, recorded and
 * flagged. */
static enum lnt_err not_inserted(PGconn *pg, const struct lnt_pg_origin *o,
                                 const struct lnt_event *e, const char *body, size_t body_len,
                                 struct lnt_ingest_result *res, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    int64_t old_id, old_kiosk, old_seq, old_venue;
    bool same = false;
    enum lnt_err rc;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, o->kiosk_id);
    lnt_pg_p_i64(&p, e->seq);
    lnt_pg_p_text(&p, e->uuid);
    rc = lnt_pg_exec(pg,
                     "SELECT id, kiosk_id, seq, body, venue_id FROM events "
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
    old_venue = lnt_pg_i64(r, 0, 4);
    /* one uuid from two kiosks is two records claiming one name: never the same */
    if (old_kiosk == o->kiosk_id) {
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
    lnt_pg_p_i64(&p, o->kiosk_id);
    lnt_pg_p_i64(&p, e->seq);
    lnt_pg_p_i64(&p, o->received_at);
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
    if (old_kiosk == o->kiosk_id && old_seq == e->seq) {
        (void)lnt_str_copy(res->reason, sizeof res->reason, CONFLICT_REASON);
        return flag_now(pg, LNT_FLAG_CONFLICT, o, 0, e->occurred_at, e->seq, 0, err);
    }
    if (old_kiosk == o->kiosk_id)
        snprintf(res->reason, sizeof res->reason,
                 "event id %s stored before as seq %" PRId64 " with different content", e->uuid,
                 old_seq);
    else
        snprintf(res->reason, sizeof res->reason, "event id %s stored before from another kiosk",
                 e->uuid);
    return flag_now(pg, LNT_FLAG_CONFLICT, o, old_venue != o->venue_id ? old_venue : 0,
                    e->occurred_at, e->seq, old_seq, err);
}

static const struct lnt_pg_stmt st_kiosk_lock = {
    9, "SELECT venue_id, revoked, last_seq FROM kiosks WHERE id = $1 FOR UPDATE"};

static const struct lnt_pg_stmt st_kiosk = {
    8, /* pg_derive.c's statements are 0-7 */
    "UPDATE kiosks SET last_seen = $2::bigint, last_seq = greatest(last_seq, $3::bigint), "
    "seq_gaps = seq_gaps + $4::bigint, seq_backwards = seq_backwards + $5::bigint, "
    "last_anomaly_at = CASE WHEN $4::bigint + $5::bigint > 0 THEN $2::bigint "
    "ELSE last_anomaly_at END WHERE id = $1::bigint"};

/* The batch's events in order, on the pipeline: each accepted one's seq flags and derivations,
 * each one not inserted compared (and recorded) straight away; then the kiosk's counters. */
static enum lnt_err store_events(struct lnt_pg_writer *w, struct lnt_pg_pending *p,
                                 const struct lnt_pg_origin *o, int64_t last)
{
    struct lnt_pg_pipe *pipe = w->pipe;
    int64_t gaps = 0, backwards = 0, max_seq = 0;
    char *err = p->err;
    enum lnt_err rc = lnt_pg_pipe_begin(pipe, w->s, w->pg, err);

    for (size_t i = 0; i < p->n && rc == LNT_OK; i++) {
        const struct lnt_event *e = &p->ev[i];
        struct lnt_ingest_result *res = &p->results[i];

        res->seq = e->seq;
        if (p->skip[i]) {
            /* another venue's report: refused and audited, the rest of the batch goes on */
            res->status = LNT_INGEST_REJECTED;
            res->not_owner = true;
            continue;
        }
        if (!p->accepted[i]) {
            size_t len;
            const char *body = lnt_store_encoded_body(&p->enc, i, &len);

            /* rare (a batch sent again): leave the pipeline for the comparison */
            rc = lnt_pg_pipe_end(pipe);
            if (rc == LNT_OK)
                rc = not_inserted(w->pg, o, e, body, len, res, err);
            if (rc == LNT_OK)
                rc = lnt_pg_pipe_begin(pipe, w->s, w->pg, err);
            if (rc != LNT_OK)
                return lnt_fail_prefix(err, rc, "event %zu: ", i);
            /* a uuid sent again under a new seq still used that seq: not a gap to come */
            if (e->seq > last)
                last = max_seq = e->seq;
            continue;
        }
        res->status = LNT_INGEST_ACCEPTED;
        if (e->seq > last + 1) {
            gaps++;
            rc =
                lnt_pg_flag(pipe, LNT_FLAG_SEQ_GAP, o, 0, NULL, NULL, e->occurred_at, e->seq, last);
        } else if (e->seq < last) {
            backwards++;
            rc = lnt_pg_flag(pipe, LNT_FLAG_SEQ_BACKWARDS, o, 0, NULL, NULL, e->occurred_at, e->seq,
                             last);
        }
        if (e->seq > last)
            last = e->seq;
        if (e->seq > max_seq)
            max_seq = e->seq;
        p->derived[i] =
            (struct lnt_pg_derived){.r = w->rollups, .o = *o, .e = e, .badge = &res->badge_flag};
        if (rc == LNT_OK)
            rc = lnt_pg_derive(pipe, &p->derived[i]);
    }
    if (rc == LNT_OK) {
        lnt_pg_p_init(&pipe->par);
        lnt_pg_p_i64(&pipe->par, p->kiosk_id);
        lnt_pg_p_i64(&pipe->par, p->now);
        lnt_pg_p_i64(&pipe->par, max_seq);
        lnt_pg_p_i64(&pipe->par, gaps);
        lnt_pg_p_i64(&pipe->par, backwards);
        rc = lnt_pg_pipe_run(pipe, &st_kiosk, &pipe->par, NULL, NULL, 0);
    }
    /* the pipeline's first failure (err says which statement) */
    return lnt_pg_pipe_end(pipe) != LNT_OK ? pipe->rc : rc;
}

static enum lnt_err kiosk_read(const PGresult *r, void *ctx, size_t arg, char *err)
{
    struct lnt_pg_pending *p = ctx;

    (void)arg;
    (void)err;
    p->kiosk.found = PQntuples(r) == 1;
    if (p->kiosk.found) {
        p->kiosk.venue_id = lnt_pg_i64(r, 0, 0);
        p->kiosk.revoked = lnt_pg_i64(r, 0, 1);
        p->kiosk.last_seq = lnt_pg_i64(r, 0, 2);
    }
    return LNT_OK;
}

/* The batch's first round trip: BEGIN when `begin`, its kiosk's row locked for the
 * transaction (one kiosk's batches are stored one after the other, whichever server each
 * reached), and the stored reports its incident saves name. */
static enum lnt_err ask(struct lnt_pg_writer *w, struct lnt_pg_pending *p, bool begin)
{
    struct lnt_pg_pipe *pipe = w->pipe;
    enum lnt_err rc = lnt_pg_pipe_begin(pipe, w->s, w->pg, p->err);

    if (rc != LNT_OK)
        return rc;
    pipe->what = "reading the kiosk";
    p->kiosk.found = false;
    if (begin)
        (void)lnt_pg_pipe_send(pipe, "BEGIN", NULL, NULL, NULL, 0);
    lnt_pg_p_init(&pipe->par);
    lnt_pg_p_i64(&pipe->par, p->kiosk_id);
    (void)lnt_pg_pipe_run(pipe, &st_kiosk_lock, &pipe->par, kiosk_read, p, 0);
    if (p->rc_enc == LNT_OK)
        (void)lnt_pg_incidents_ask(pipe, p->ev, p->n, &p->owners);
    return lnt_pg_pipe_end(pipe);
}

static enum lnt_err insert_read(const PGresult *r, void *ctx, size_t arg, char *err)
{
    struct lnt_pg_pending *p = ctx;

    (void)arg;
    (void)err;
    if (mark_accepted(r, p->ev, p->n, p->skip, p->accepted) != p->expected)
        p->undone = true;
    return LNT_OK;
}

/*
 * The common case in one round trip: every event new. Under a savepoint go the insert and, for
 * each event as if it were accepted, its seq flags and derivations, and the kiosk's counters.
 * When the insert left an event out (a batch sent again), all of that is rolled back to the
 * savepoint, nothing of it counted, and *fast is false: the caller takes the careful path.
 */
static enum lnt_err store_fast(struct lnt_pg_writer *w, struct lnt_pg_pending *p,
                               const struct lnt_pg_origin *o, int64_t last, bool *fast)
{
    struct lnt_pg_pipe *pipe = w->pipe;
    int64_t gaps = 0, backwards = 0, max_seq = 0;
    struct lnt_buf sql;
    enum lnt_err rc;

    *fast = false;
    p->undone = false;
    rc = lnt_pg_pipe_begin(pipe, w->s, w->pg, p->err);
    if (rc != LNT_OK)
        return rc;
    lnt_buf_init(&sql, 64 * 1024);
    rc = insert_sql(p->kiosk_id, o->venue_id, p->now, p->ev, p->n, &p->enc, p->skip, &sql,
                    &pipe->par, &p->expected, p->err);
    if (rc == LNT_OK && p->expected > 0) {
        *fast = true;
        pipe->what = "storing events";
        (void)lnt_pg_pipe_send(pipe, "SAVEPOINT batch", NULL, NULL, NULL, 0);
        rc = lnt_pg_pipe_send(pipe, sql.data, &pipe->par, insert_read, p, 0);
    }
    lnt_buf_release(&sql);
    for (size_t i = 0; *fast && i < p->n && rc == LNT_OK; i++) {
        const struct lnt_event *e = &p->ev[i];
        struct lnt_ingest_result *res = &p->results[i];

        res->seq = e->seq;
        if (p->skip[i]) {
            res->status = LNT_INGEST_REJECTED; /* refused above, audited */
            res->not_owner = true;
            continue;
        }
        res->status = LNT_INGEST_ACCEPTED;
        if (e->seq > last + 1) {
            gaps++;
            rc =
                lnt_pg_flag(pipe, LNT_FLAG_SEQ_GAP, o, 0, NULL, NULL, e->occurred_at, e->seq, last);
        } else if (e->seq < last) {
            backwards++;
            rc = lnt_pg_flag(pipe, LNT_FLAG_SEQ_BACKWARDS, o, 0, NULL, NULL, e->occurred_at, e->seq,
                             last);
        }
        if (e->seq > last)
            last = e->seq;
        if (e->seq > max_seq)
            max_seq = e->seq;
        p->derived[i] = (struct lnt_pg_derived){
            .r = w->rollups, .o = *o, .e = e, .badge = &res->badge_flag, .undone = &p->undone};
        if (rc == LNT_OK)
            rc = lnt_pg_derive(pipe, &p->derived[i]);
    }
    if (*fast && rc == LNT_OK) {
        lnt_pg_p_init(&pipe->par);
        lnt_pg_p_i64(&pipe->par, p->kiosk_id);
        lnt_pg_p_i64(&pipe->par, p->now);
        lnt_pg_p_i64(&pipe->par, max_seq);
        lnt_pg_p_i64(&pipe->par, gaps);
        lnt_pg_p_i64(&pipe->par, backwards);
        rc = lnt_pg_pipe_run(pipe, &st_kiosk, &pipe->par, NULL, NULL, 0);
    }
    rc = lnt_pg_pipe_end(pipe) != LNT_OK ? pipe->rc : rc;
    if (rc != LNT_OK || !*fast)
        return rc;
    for (size_t i = 0; !p->undone && i < p->n && rc == LNT_OK; i++)
        if (!p->skip[i])
            rc = lnt_pg_derive_count(&p->derived[i], p->err);
    if (rc != LNT_OK || !p->undone)
        return rc;
    *fast = false;
    return lnt_pg_exec(w->pg, "ROLLBACK TO SAVEPOINT batch", NULL, NULL, p->err,
                       "storing a batch sent again");
}

/*
 * Stores p's events inside the transaction (begun here when `begin`); rollup deltas go to the
 * writer's rollups, which the caller writes. *wrote says whether the transaction was touched:
 * a batch refused before anything failed or was written (unknown or revoked kiosk, an event
 * that cannot be encoded) leaves it as it was.
 */
enum lnt_err lnt_pg_store_batch(struct lnt_pg_writer *w, struct lnt_pg_pending *p, bool begin,
                                bool *wrote)
{
    struct lnt_pg_origin o = {.kiosk_id = p->kiosk_id, .received_at = p->now};
    bool fast = false;
    enum lnt_err rc;

    *wrote = false;
    memset(p->results, 0, p->n * sizeof *p->results);
    memset(p->skip, 0, sizeof p->skip);
    memset(p->accepted, 0, sizeof p->accepted);
    rc = ask(w, p, begin);
    if (rc == LNT_ERR_TIMEOUT)
        rc = lnt_fail_prefix(p->err, rc,
                             "kiosk %" PRId64 " is locked by another transaction: ", p->kiosk_id);
    if (rc != LNT_OK) {
        *wrote = true; /* a failed statement spoils the transaction */
        return rc;
    }
    /* an unknown or revoked kiosk is the first thing to say; then a bad event (err holds it) */
    if (!p->kiosk.found)
        return lnt_fail(p->err, LNT_ERR_NOT_FOUND, "kiosk %" PRId64 " not found", p->kiosk_id);
    if (p->kiosk.revoked != 0)
        return lnt_fail(p->err, LNT_ERR_FORBIDDEN, "kiosk %" PRId64 " is revoked", p->kiosk_id);
    if (p->rc_enc != LNT_OK)
        return p->rc_enc;
    *wrote = true;
    o.venue_id = p->kiosk.venue_id;
    rc =
        lnt_pg_incidents_owned(w->pg, &o, p->ev, p->n, &p->owners, p->accepted, p->results, p->err);
    for (size_t i = 0; i < p->n; i++) {
        p->skip[i] = !p->accepted[i];
        p->accepted[i] = false;
    }
    if (rc == LNT_OK)
        rc = store_fast(w, p, &o, p->kiosk.last_seq, &fast);
    if (rc != LNT_OK || fast)
        return rc;
    memset(p->accepted, 0, sizeof p->accepted);
    if (p->n > 0)
        rc = insert_batch(w->pg, p->kiosk_id, o.venue_id, p->now, p->ev, p->n, &p->enc, p->skip,
                          p->accepted, p->err);
    if (rc == LNT_OK)
        rc = store_events(w, p, &o, p->kiosk.last_seq);
    return rc;
}

/* Ends the transaction: writes the rollups and commits when rc is LNT_OK (one round trip; its
 * failure becomes rc), else rolls back; the rollups are forgotten either way. */
enum lnt_err lnt_pg_end_ingest(struct lnt_pg_writer *w, enum lnt_err rc, char *err)
{
    struct lnt_pg_pipe *pipe = w->pipe;

    if (rc == LNT_OK && PQtransactionStatus(w->pg) == PQTRANS_INTRANS) {
        rc = lnt_pg_pipe_begin(pipe, w->s, w->pg, err);
        if (rc == LNT_OK) {
            pipe->what = "writing the rollups and committing";
            (void)lnt_pg_rollups_queue(w->rollups, pipe);
            (void)lnt_pg_pipe_send(pipe, "COMMIT", NULL, NULL, NULL, 0);
            rc = lnt_pg_pipe_end(pipe);
        }
    }
    lnt_pg_rollups_reset(w->rollups);
    return lnt_pg_end(w->pg, rc, err);
}