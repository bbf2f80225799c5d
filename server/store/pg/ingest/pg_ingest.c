/* pg_ingest.c - the store on PostgreSQL: event batches, each stored once, in one transaction
 * with what they derive (several waiting batches share one), and the walk over stored events. */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

#define CONFLICT_REASON "stored before with different content"
#define EVENT_COLS 9
#define EACH_PAGE 64 /* events decoded per read while walking */

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

/* ---- one batch, inside an open transaction ---- */

/* A batch on its way into the store: the caller's arguments and, once done, its outcome. */
struct lnt_pg_pending {
    int64_t kiosk_id, now;
    const struct lnt_event *ev;
    size_t n;
    struct lnt_ingest_result *results;
    struct lnt_store_encoded enc;
    enum lnt_err rc_enc; /* from encoding, before any connection is taken */
    char *err;
    enum lnt_err rc; /* the outcome, valid once done */
    bool done;
    struct lnt_pg_pending *next;
    /* scratch while storing */
    bool skip[LNT_BATCH_MAX], accepted[LNT_BATCH_MAX];
    struct lnt_pg_derived derived[LNT_BATCH_MAX];
    struct {
        bool found;
        int64_t venue_id, revoked, last_seq;
    } kiosk;                     /* its kiosk, locked */
    struct lnt_pg_owners owners; /* the stored reports its incident saves name */
    int expected;                /* events the insert should store */
    bool undone;                 /* it did not: what was sent with it is rolled back */
};

/* What storing needs besides the batch: the connection, a pipeline, the rollups. */
struct writer {
    struct lnt_store *s;
    PGconn *pg;
    struct lnt_pg_pipe *pipe;
    struct lnt_pg_rollups *rollups;
};

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
static enum lnt_err store_events(struct writer *w, struct lnt_pg_pending *p,
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
static enum lnt_err ask(struct writer *w, struct lnt_pg_pending *p, bool begin)
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
static enum lnt_err store_fast(struct writer *w, struct lnt_pg_pending *p,
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
static enum lnt_err store_batch(struct writer *w, struct lnt_pg_pending *p, bool begin, bool *wrote)
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
static enum lnt_err end_transaction(struct writer *w, enum lnt_err rc, char *err)
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

/* One batch in a transaction of its own. */
static void store_alone(struct writer *w, struct lnt_pg_pending *p)
{
    bool wrote;

    p->rc = store_batch(w, p, true, &wrote);
    p->rc = end_transaction(w, p->rc, p->err);
}

/*
 * Several batches in one transaction, so they share one commit (one flush of the log). Each
 * batch stays all-or-nothing: one refused before its first write is simply left out; if
 * anything fails after a batch has begun writing (or the commit fails), the whole transaction
 * is rolled back and each batch is stored again in a transaction of its own, so one batch's
 * failure is never another's. False when the group had to be stored batch by batch. When the
 * transaction cannot begin, or the first batch cannot even lock its kiosk in time (the
 * database locked by another session past the lock timeout, say), nothing batch-specific went
 * wrong: every batch fails at once, as trying each again would only make every caller wait
 * again.
 */
static bool store_group(struct writer *w, struct lnt_pg_pending *group)
{
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc = LNT_OK;
    bool wrote;

    for (struct lnt_pg_pending *p = group; p != NULL && rc == LNT_OK; p = p->next) {
        p->rc = store_batch(w, p, p == group, &wrote);
        if (p == group && p->rc != LNT_OK && wrote &&
            (PQtransactionStatus(w->pg) == PQTRANS_IDLE ||
             PQtransactionStatus(w->pg) == PQTRANS_UNKNOWN ||
             (p->rc == LNT_ERR_TIMEOUT && PQtransactionStatus(w->pg) == PQTRANS_INERROR))) {
            (void)lnt_pg_end(w->pg, p->rc, err);
            for (struct lnt_pg_pending *q = group->next; q != NULL; q = q->next)
                q->rc = lnt_fail(q->err, p->rc, "%s", p->err);
            return true;
        }
        if (p->rc != LNT_OK && wrote)
            rc = p->rc;
    }
    if (end_transaction(w, rc, err) == LNT_OK)
        return true;
    for (struct lnt_pg_pending *p = group; p != NULL; p = p->next)
        store_alone(w, p);
    return false;
}

/* ---- group commit ----
 *
 * Every batch costs a commit, and with synchronous_commit on a commit waits for the log to
 * reach the disk. Batches that arrive while one is being stored queue here; whichever caller
 * finds no batch being stored takes the whole queue (at most GROUP_MAX batches) and stores it
 * as one transaction on one connection, then wakes the callers whose batches it stored.
 * Nothing returns to its caller before its batch is committed, so an acknowledged event is as
 * durable as before. Other servers on the same database store their own groups side by side
 * (the kiosk row locks keep each kiosk's batches in order).
 */
#define GROUP_MAX 32

/* Takes up to GROUP_MAX batches off the front of the queue; s->mu is held. */
static struct lnt_pg_pending *take_group(struct lnt_store *s)
{
    struct lnt_pg_pending *first = s->queue, *last = first;

    for (int k = 1; k < GROUP_MAX && last->next != NULL; k++)
        last = last->next;
    s->queue = last->next;
    if (s->queue == NULL)
        s->queue_tail = &s->queue;
    last->next = NULL;
    return first;
}

/* Stores a group taken off the queue; false when it had to be stored batch by batch. */
static bool store_taken(struct lnt_store *s, struct lnt_pg_pending *group)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct writer w = {.s = s};
    enum lnt_err rc = lnt_pg_take(s, &w.pg, err);
    bool together = true;

    w.pipe = malloc(sizeof *w.pipe);
    w.rollups = lnt_pg_rollups_new();
    if (rc == LNT_OK && (w.pipe == NULL || w.rollups == NULL))
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory storing a batch");
    if (rc != LNT_OK) {
        for (struct lnt_pg_pending *p = group; p != NULL; p = p->next)
            p->rc = lnt_fail(p->err, rc, "%s", err);
    } else if (group->next == NULL) {
        store_alone(&w, group);
    } else {
        together = store_group(&w, group);
    }
    lnt_pg_give(s, w.pg);
    lnt_pg_rollups_free(w.rollups);
    free(w.pipe);
    return together;
}

/* Queues p and returns once p (and perhaps others with it) is stored. */
static void store_queued(struct lnt_store *s, struct lnt_pg_pending *p)
{
    pthread_mutex_lock(&s->mu);
    *s->queue_tail = p;
    s->queue_tail = &p->next;
    s->waiting++;
    while (!p->done) {
        struct lnt_pg_pending *group;
        uint64_t n = 0;
        bool together;

        if (s->storing) {
            pthread_cond_wait(&s->group_cv, &s->mu);
            continue;
        }
        s->storing = true;
        group = take_group(s);
        pthread_mutex_unlock(&s->mu);

        together = store_taken(s, group);

        pthread_mutex_lock(&s->mu);
        for (struct lnt_pg_pending *q = group; q != NULL; n++) {
            struct lnt_pg_pending *next = q->next; /* q may be gone once done is seen */
            q->done = true;
            q = next;
        }
        s->waiting -= (uint32_t)n;
        s->batches += n;
        s->commits += together ? 1 : n;
        s->retried += together ? 0 : 1;
        s->storing = false;
        pthread_cond_broadcast(&s->group_cv);
    }
    pthread_mutex_unlock(&s->mu);
}

/* One attempt at storing a batch: queued, and stored alone or with others (group commit). */
static enum lnt_err store_once(struct lnt_store *s, int64_t kiosk_id, int64_t now,
                               const struct lnt_event *ev, size_t n,
                               struct lnt_ingest_result *results, char *err)
{
    struct lnt_pg_pending *p = calloc(1, sizeof *p);
    enum lnt_err rc;

    if (p == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory storing a batch");
    p->kiosk_id = kiosk_id;
    p->now = now;
    p->ev = ev;
    p->n = n;
    p->results = results;
    p->err = err;
    p->rc_enc = lnt_store_encode_batch(ev, n, &p->enc, err);
    store_queued(s, p);
    rc = p->rc;
    lnt_buf_release(&p->enc.text);
    free(p);
    return rc;
}

enum lnt_err lnt_store_events_insert(struct lnt_store *s, int64_t kiosk_id, int64_t now,
                                     const struct lnt_event *ev, size_t n,
                                     struct lnt_ingest_result *results, char *err)
{
    enum lnt_err rc;

    if (n > LNT_BATCH_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "batch of %zu events, at most %d allowed", n,
                        LNT_BATCH_MAX);
    rc = store_once(s, kiosk_id, now, ev, n, results, err);
    /* A connection lost part-way (the server restarted, or a failover left a backend of the
     * old primary to die under it) is given up by the pool; one more attempt reconnects, to
     * the promoted server when the URI names several. Safe whatever the first attempt did:
     * a batch is stored once, and one that did commit comes back as duplicates. */
    if (rc == LNT_ERR_NET)
        rc = store_once(s, kiosk_id, now, ev, n, results, err);
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
