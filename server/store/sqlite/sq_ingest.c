/* sq_ingest.c - the store on SQLite: event batches, stored once each, in one transaction with what
 * they derive. */
#include "sq_int.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

#define CONFLICT_REASON "stored before with different content"

/* ---- the batch ---- */

/* The stored event an event collided with: on its (kiosk_id, seq), else on its uuid. */
struct stored {
    int64_t id, kiosk_id, seq, venue_id;
    bool same; /* its canonical JSON is the new event's, seq aside */
};

/* Finds what an event that was not inserted collided with, and compares their content. */
static enum lnt_err find_stored(struct lnt_store *s, const struct lnt_sq_origin *o,
                                const struct lnt_event *e, const char *body, size_t body_len,
                                struct stored *out, char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc;
    int r;

    st = lnt_sq_stmt(&s->w,
                     "SELECT id, kiosk_id, seq, venue_id, body FROM events "
                     "WHERE (kiosk_id = ?1 AND seq = ?2) OR uuid = ?3 "
                     "ORDER BY kiosk_id = ?1 AND seq = ?2 DESC LIMIT 1",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, o->kiosk_id);
    sqlite3_bind_int64(st, 2, e->seq);
    sqlite3_bind_text(st, 3, e->uuid, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r != SQLITE_ROW) {
        sqlite3_reset(st);
        return r == SQLITE_DONE ? lnt_fail(err, LNT_ERR_INTERNAL,
                                           "seq %" PRId64 ": neither stored nor found", e->seq)
                                : lnt_sq_fail(s->w.db, err, "comparing an event");
    }
    out->id = sqlite3_column_int64(st, 0);
    out->kiosk_id = sqlite3_column_int64(st, 1);
    out->seq = sqlite3_column_int64(st, 2);
    out->venue_id = sqlite3_column_int64(st, 3);
    /* one uuid from two kiosks is two records claiming one name: never the same */
    out->same = false;
    rc = out->kiosk_id != o->kiosk_id
             ? LNT_OK
             : lnt_store_same_body(e, body, body_len, sqlite3_column_blob(st, 4),
                                   (size_t)sqlite3_column_bytes(st, 4), out->seq, &out->same, err);
    sqlite3_reset(st);
    return rc;
}

/* Stores one event (its canonical JSON already made) inside the open transaction and says what
 * became of it. */
static enum lnt_err insert_one(struct lnt_store *s, const struct lnt_sq_origin *o, int64_t now,
                               const struct lnt_event *e, const char *body, size_t body_len,
                               struct lnt_ingest_result *res, char *err)
{
    const char *staff = lnt_store_event_staff(e);
    struct stored old = {0};
    sqlite3_stmt *st;
    enum lnt_err rc;

    memset(res, 0, sizeof *res);
    res->seq = e->seq;
    /* a uuid names one record: stored before under this (kiosk_id, seq) or under its uuid */
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO events (kiosk_id, seq, uuid, type, venue_id, staff_id, "
                     "occurred_at, received_at, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                     "ON CONFLICT DO NOTHING",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, o->kiosk_id);
    sqlite3_bind_int64(st, 2, e->seq);
    sqlite3_bind_text(st, 3, e->uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, (int)e->type);
    sqlite3_bind_int64(st, 5, o->venue_id);
    if (staff != NULL)
        sqlite3_bind_text(st, 6, staff, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 6);
    sqlite3_bind_int64(st, 7, e->occurred_at);
    sqlite3_bind_int64(st, 8, now);
    sqlite3_bind_text(st, 9, body, (int)body_len, SQLITE_STATIC);
    rc = lnt_sq_done(s->w.db, st, err, "storing an event");
    if (rc != LNT_OK)
        return lnt_fail_prefix(err, rc, "seq %" PRId64 ": ", e->seq);
    if (sqlite3_changes(s->w.db) == 1) {
        res->status = LNT_INGEST_ACCEPTED;
        return LNT_OK;
    }

    /* stored before: the same canonical JSON (seq aside) is a duplicate, anything else a
     * conflict */
    rc = find_stored(s, o, e, body, body_len, &old, err);
    if (rc != LNT_OK)
        return rc;
    if (old.same) {
        res->status = LNT_INGEST_DUPLICATE;
        return LNT_OK;
    }
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO event_conflicts (kiosk_id, seq, received_at, body, uuid, "
                     "stored_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, o->kiosk_id);
    sqlite3_bind_int64(st, 2, e->seq);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_text(st, 4, body, (int)body_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, e->uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, old.id);
    rc = lnt_sq_done(s->w.db, st, err, "recording a conflict");
    if (rc != LNT_OK)
        return rc;
    res->status = LNT_INGEST_CONFLICT;
    if (old.kiosk_id == o->kiosk_id && old.seq == e->seq) {
        (void)lnt_str_copy(res->reason, sizeof res->reason, CONFLICT_REASON);
        return lnt_sq_flag(s, LNT_FLAG_CONFLICT, o, 0, NULL, NULL, e->occurred_at, e->seq, 0, err);
    }
    if (old.kiosk_id == o->kiosk_id)
        snprintf(res->reason, sizeof res->reason,
                 "event id %s stored before as seq %" PRId64 " with different content", e->uuid,
                 old.seq);
    else
        snprintf(res->reason, sizeof res->reason, "event id %s stored before from another kiosk",
                 e->uuid);
    return lnt_sq_flag(s, LNT_FLAG_CONFLICT, o, old.venue_id != o->venue_id ? old.venue_id : 0,
                       NULL, NULL, e->occurred_at, e->seq, old.seq, err);
}

/* The kiosk's venue and last_seq; refuses unknown and revoked kiosks. */
static enum lnt_err kiosk_for_ingest(struct lnt_store *s, int64_t kiosk_id, int64_t *venue_id,
                                     int64_t *last_seq, char *err)
{
    sqlite3_stmt *st =
        lnt_sq_stmt(&s->w, "SELECT venue_id, revoked, last_seq FROM kiosks WHERE id = ?1", err);
    enum lnt_err rc = LNT_OK;
    int r;

    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, kiosk_id);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        *venue_id = sqlite3_column_int64(st, 0);
        *last_seq = sqlite3_column_int64(st, 2);
        if (sqlite3_column_int(st, 1) != 0)
            rc = lnt_fail(err, LNT_ERR_FORBIDDEN, "kiosk %" PRId64 " is revoked", kiosk_id);
    } else {
        rc = r == SQLITE_DONE
                 ? lnt_fail(err, LNT_ERR_NOT_FOUND, "kiosk %" PRId64 " not found", kiosk_id)
                 : lnt_sq_fail(s->w.db, err, "reading the kiosk");
    }
    sqlite3_reset(st);
    return rc;
}

/* ---- one batch, inside an open transaction ---- */

/* A batch on its way into the store: the caller's arguments and, once done, its outcome. */
struct pending {
    int64_t kiosk_id, now;
    const struct lnt_event *ev;
    size_t n;
    struct lnt_ingest_result *results;
    struct lnt_store_encoded enc;
    enum lnt_err rc_enc; /* from encoding, before any lock */
    char *err;
    enum lnt_err rc; /* the outcome, valid once done */
    bool done;
    struct pending *next;
};

/*
 * Stores p's events inside the writer's open transaction; rollup deltas go
 * to the accumulator, which the caller flushes. *wrote says whether anything
 * was written: a batch refused before its first write (unknown or revoked
 * kiosk, an event that cannot be encoded) leaves the transaction as it was.
 */
static enum lnt_err store_batch(struct lnt_store *s, struct pending *p, bool *wrote)
{
    struct lnt_sq_origin o = {.kiosk_id = p->kiosk_id, .received_at = p->now};
    int64_t last = 0, gaps = 0, backwards = 0, max_seq = 0;
    char *err = p->err;
    enum lnt_err rc;
    sqlite3_stmt *st;

    *wrote = false;
    rc = kiosk_for_ingest(s, p->kiosk_id, &o.venue_id, &last, err);
    /* an unknown or revoked kiosk is the first thing to say; then a bad event (err holds it) */
    if (rc != LNT_OK)
        return rc;
    if (p->rc_enc != LNT_OK)
        return p->rc_enc;
    *wrote = true;
    for (size_t i = 0; i < p->n; i++) {
        const struct lnt_event *e = &p->ev[i];
        size_t start = i == 0 ? 0 : p->enc.end[i - 1];
        enum lnt_signin_flag flag = LNT_SIGNIN_OK;
        int owned =
            lnt_sq_incident_owned(s, &o, e, p->results[i].reason, sizeof p->results[i].reason, err);

        if (owned < 0)
            return lnt_fail_prefix(err, LNT_ERR_DB, "event %zu: ", i);
        if (owned == 0) {
            /* another venue's report: refused and audited, the rest of the batch goes on */
            p->results[i].seq = e->seq;
            p->results[i].status = LNT_INGEST_REJECTED;
            p->results[i].not_owner = true;
            continue;
        }
        rc = insert_one(s, &o, p->now, e, p->enc.text.data + start, p->enc.end[i] - start,
                        &p->results[i], err);
        if (rc != LNT_OK)
            return lnt_fail_prefix(err, rc, "event %zu: ", i);
        if (p->results[i].status != LNT_INGEST_ACCEPTED) {
            /* a uuid sent again under a new seq still used that seq: not a gap to come */
            if (p->results[i].status != LNT_INGEST_REJECTED && e->seq > last)
                last = max_seq = e->seq;
            continue;
        }
        if (e->seq > last + 1) {
            gaps++;
            rc = lnt_sq_flag(s, LNT_FLAG_SEQ_GAP, &o, 0, NULL, NULL, e->occurred_at, e->seq, last,
                             err);
        } else if (e->seq < last) {
            backwards++;
            rc = lnt_sq_flag(s, LNT_FLAG_SEQ_BACKWARDS, &o, 0, NULL, NULL, e->occurred_at, e->seq,
                             last, err);
        }
        if (e->seq > last)
            last = e->seq;
        if (e->seq > max_seq)
            max_seq = e->seq;
        if (rc == LNT_OK)
            rc = lnt_sq_derive(s, &o, e, &flag, err);
        p->results[i].badge_flag = (int)flag;
        if (rc != LNT_OK)
            return lnt_fail_prefix(err, rc, "event %zu: ", i);
    }
    st = lnt_sq_stmt(&s->w,
                     "UPDATE kiosks SET last_seen = ?2, last_seq = max(last_seq, ?3), "
                     "seq_gaps = seq_gaps + ?4, seq_backwards = seq_backwards + ?5, "
                     "last_anomaly_at = CASE WHEN ?4 + ?5 > 0 THEN ?2 ELSE last_anomaly_at END "
                     "WHERE id = ?1",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, p->kiosk_id);
    sqlite3_bind_int64(st, 2, p->now);
    sqlite3_bind_int64(st, 3, max_seq);
    sqlite3_bind_int64(st, 4, gaps);
    sqlite3_bind_int64(st, 5, backwards);
    return lnt_sq_done(s->w.db, st, err, "updating the kiosk");
}

/* Ends the writer's transaction: commits when rc is LNT_OK (into rc), else rolls back. */
static enum lnt_err end_transaction(struct lnt_store *s, enum lnt_err rc, char *err)
{
    if (rc == LNT_OK)
        rc = lnt_sq_batch_flush(s, err);
    if (rc == LNT_OK)
        rc = lnt_sq_commit(s, err);
    if (rc != LNT_OK) {
        lnt_sq_rollback(s);
        lnt_sq_batch_reset(s);
    }
    return rc;
}

/* One batch in a transaction of its own. The writer lock is held. */
static void store_alone(struct lnt_store *s, struct pending *p)
{
    bool wrote;

    lnt_sq_batch_reset(s);
    p->rc = lnt_sq_begin(s, p->err);
    if (p->rc == LNT_OK)
        p->rc = store_batch(s, p, &wrote);
    p->rc = end_transaction(s, p->rc, p->err);
}

/*
 * Several batches in one transaction, so they share one commit: one sync of
 * the WAL, and one write of each page they have in common (the kiosks, the
 * rollups, the tails of the time-ordered indexes). Each batch stays
 * all-or-nothing: one refused before its first write is simply left out; if
 * anything fails after a batch has begun writing (or the commit fails), the
 * whole transaction is rolled back and each batch is stored again in a
 * transaction of its own, so one batch's failure is never another's. The
 * writer lock is held. False when the group had to be stored batch by batch.
 * (A transaction that cannot even begin fails every batch at once.)
 */
static bool store_group(struct lnt_store *s, struct pending *group)
{
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc;
    bool wrote;

    lnt_sq_batch_reset(s);
    rc = lnt_sq_begin(s, err);
    if (rc != LNT_OK) {
        /* nothing batch-specific went wrong (another process held the database past the busy
         * timeout, say): trying each batch again would only make every caller wait again */
        for (struct pending *p = group; p != NULL; p = p->next)
            p->rc = lnt_fail(p->err, rc, "%s", err);
        return true;
    }
    for (struct pending *p = group; p != NULL && rc == LNT_OK; p = p->next) {
        p->rc = store_batch(s, p, &wrote);
        if (p->rc != LNT_OK && wrote)
            rc = p->rc;
    }
    if (end_transaction(s, rc, err) == LNT_OK)
        return true;
    for (struct pending *p = group; p != NULL; p = p->next)
        store_alone(s, p);
    return false;
}

/* ---- group commit ----
 *
 * Every batch costs a commit, and with synchronous=FULL a commit waits for the
 * disk while the writer lock is held. Batches that arrive while one is being
 * stored queue here; whichever caller finds no batch being stored takes the
 * whole queue (at most GROUP_MAX batches) and stores it as one transaction,
 * then wakes the callers whose batches it stored. Nothing returns to its
 * caller before its batch is committed, so an acknowledged event is as
 * durable as before.
 */
#define GROUP_MAX 32

struct lnt_sq_group {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct pending *head, **tail;
    bool storing; /* some caller is storing a group now */
    struct lnt_ingest_stats stats;
};

enum lnt_err lnt_sq_group_new(struct lnt_store *s, char *err)
{
    struct lnt_sq_group *g = calloc(1, sizeof *g);

    if (g == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory opening the store");
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    g->tail = &g->head;
    s->group = g;
    return LNT_OK;
}

void lnt_sq_group_free(struct lnt_store *s)
{
    struct lnt_sq_group *g = s->group;

    if (g == NULL)
        return;
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
    free(g);
    s->group = NULL;
}

/* Takes up to GROUP_MAX batches off the front of the queue; g->mu is held. */
static struct pending *take_group(struct lnt_sq_group *g)
{
    struct pending *first = g->head, *last = first;

    for (int k = 1; k < GROUP_MAX && last->next != NULL; k++)
        last = last->next;
    g->head = last->next;
    if (g->head == NULL)
        g->tail = &g->head;
    last->next = NULL;
    return first;
}

/* Queues p and returns once p (and perhaps others with it) is stored. */
static void store_queued(struct lnt_store *s, struct pending *p)
{
    struct lnt_sq_group *g = s->group;

    pthread_mutex_lock(&g->mu);
    *g->tail = p;
    g->tail = &p->next;
    g->stats.waiting++;
    while (!p->done) {
        struct pending *group;
        uint64_t n = 0;
        bool together = true;

        if (g->storing) {
            pthread_cond_wait(&g->cv, &g->mu);
            continue;
        }
        g->storing = true;
        group = take_group(g);
        pthread_mutex_unlock(&g->mu);

        lnt_sq_wlock(s);
        if (group->next == NULL)
            store_alone(s, group);
        else
            together = store_group(s, group);
        lnt_sq_wunlock(s);

        pthread_mutex_lock(&g->mu);
        for (struct pending *q = group; q != NULL; n++) {
            struct pending *next = q->next; /* q may be gone once done is seen */
            q->done = true;
            q = next;
        }
        g->stats.waiting -= (uint32_t)n;
        g->stats.batches += n;
        g->stats.commits += together ? 1 : n;
        g->stats.retried += together ? 0 : 1;
        g->storing = false;
        pthread_cond_broadcast(&g->cv);
    }
    pthread_mutex_unlock(&g->mu);
}

void lnt_store_ingest_stats(struct lnt_store *s, struct lnt_ingest_stats *out)
{
    struct lnt_sq_group *g = s->group;

    pthread_mutex_lock(&g->mu);
    *out = g->stats;
    pthread_mutex_unlock(&g->mu);
    out->storers = 1; /* SQLite has one writer */
}

enum lnt_err lnt_store_events_insert(struct lnt_store *s, int64_t kiosk_id, int64_t now,
                                     const struct lnt_event *ev, size_t n,
                                     struct lnt_ingest_result *results, char *err)
{
    struct pending *p;
    enum lnt_err rc;

    if (n > LNT_BATCH_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "batch of %zu events, at most %d allowed", n,
                        LNT_BATCH_MAX);
    p = calloc(1, sizeof *p);
    if (p == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory storing a batch");
    *p = (struct pending){
        .kiosk_id = kiosk_id, .now = now, .ev = ev, .n = n, .results = results, .err = err};
    p->rc_enc = lnt_store_encode_batch(ev, n, &p->enc, err);
    store_queued(s, p);
    rc = p->rc;
    lnt_buf_release(&p->enc.text);
    free(p);
    return rc;
}

enum lnt_err lnt_sq_replay_events(struct lnt_store *s, char *err)
{
    sqlite3_stmt *st = NULL;
    struct lnt_event *e;
    enum lnt_err rc;
    int r = SQLITE_DONE;

    e = malloc(sizeof *e);
    if (e == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory replaying events");
    lnt_sq_batch_reset(s);
    rc = lnt_sq_prepare(s->w.db,
                        "SELECT id, kiosk_id, venue_id, body, received_at FROM events ORDER BY id",
                        &st, err);
    while (rc == LNT_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        struct lnt_sq_origin o = {.kiosk_id = sqlite3_column_int64(st, 1),
                                  .venue_id = sqlite3_column_int64(st, 2),
                                  .received_at = sqlite3_column_int64(st, 4),
                                  .replay = true};
        const char *body = (const char *)sqlite3_column_text(st, 3);
        rc = lnt_wire_event_decode(body != NULL ? body : "", (size_t)sqlite3_column_bytes(st, 3), e,
                                   err);
        if (rc != LNT_OK) {
            rc = lnt_fail_prefix(err, LNT_ERR_DB, "stored event %" PRId64 " does not decode: ",
                                 (int64_t)sqlite3_column_int64(st, 0));
            break;
        }
        rc = lnt_sq_derive(s, &o, e, NULL, err);
    }
    if (rc == LNT_OK && r != SQLITE_DONE)
        rc = lnt_sq_fail(s->w.db, err, "replaying events");
    if (rc == LNT_OK)
        rc = lnt_sq_batch_flush(s, err);
    lnt_sq_batch_reset(s);
    sqlite3_finalize(st);
    free(e);
    return rc;
}
