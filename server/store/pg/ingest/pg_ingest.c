/* pg_ingest.c - the store on PostgreSQL: event batches, each stored once, in one transaction
 * with what they derive (several waiting batches share one), and the walk over stored events. */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

#define EACH_PAGE 64 /* events decoded per read while walking */

#define DEADLOCK_TRIES 4 /* times a batch is stored alone when deadlocks keep rolling it back */

/*
 * One batch in a transaction of its own. When the server rolls it back to break a deadlock (or
 * for a serialisation failure) nothing of it was stored, and it is stored again: the other
 * transaction of the cycle has gone on, so the next try rarely meets it.
 */
static void store_alone(struct lnt_pg_writer *w, struct lnt_pg_pending *p)
{
    bool wrote;

    for (int tries = 1;; tries++) {
        p->rc = lnt_pg_store_batch(w, p, true, &wrote);
        p->rc = lnt_pg_end_ingest(w, p->rc, p->err);
        if (p->rc != LNT_ERR_TIMEOUT || !lnt_pg_deadlocked() || tries == DEADLOCK_TRIES)
            return;
    }
}

/* A group's batches with the order they are stored in: (venue, kiosk, arrival). */
struct in_order {
    struct lnt_pg_pending *p;
    int64_t venue_id; /* 0: an unknown kiosk */
    size_t arrival;
};
struct group_order {
    struct in_order b[LNT_PG_GROUP_MAX];
    size_t n;
};

static int cmp_order(const void *x, const void *y)
{
    const struct in_order *a = x, *b = y;

    if (a->venue_id != b->venue_id)
        return a->venue_id < b->venue_id ? -1 : 1;
    if (a->p->kiosk_id != b->p->kiosk_id)
        return a->p->kiosk_id < b->p->kiosk_id ? -1 : 1;
    return a->arrival < b->arrival ? -1 : a->arrival > b->arrival;
}

static enum lnt_err venues_read(const PGresult *r, void *ctx, size_t arg, char *err)
{
    struct group_order *o = ctx;

    (void)arg;
    (void)err;
    for (int row = 0; row < PQntuples(r); row++)
        for (size_t i = 0; i < o->n; i++)
            if (o->b[i].p->kiosk_id == lnt_pg_i64(r, row, 0))
                o->b[i].venue_id = lnt_pg_i64(r, row, 1);
    return LNT_OK;
}

static const struct lnt_pg_stmt st_kiosks_lock = {
    10, "SELECT id, venue_id FROM kiosks WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE"};

/*
 * A group's first round trip: BEGIN, and the rows of all its kiosks locked at once in the order
 * of their ids; then *group relinked in the order of (venue, kiosk, arrival). So every group,
 * on this server or another, takes its locks in one order: kiosks by id, then what a batch
 * changes of its venue (stock level, shifts, incidents) venue by venue, then at the commit the
 * rollups by key (pg_rollup_write.c sorts them). Two groups never wait on each other in a
 * circle but where two kiosks of one venue touch its rows in different orders (both closing one
 * shift, say): the server breaks that as a deadlock, and the group is stored again batch by
 * batch. One kiosk's batches keep the order they came in.
 */
static enum lnt_err lock_group(struct lnt_pg_writer *w, struct lnt_pg_pending **group, char *err)
{
    struct lnt_pg_pipe *pipe = w->pipe;
    struct group_order o = {.n = 0};
    char ids[LNT_PG_GROUP_MAX * 21 + 3];
    size_t used = 0;
    enum lnt_err rc;

    ids[used++] = '{';
    for (struct lnt_pg_pending *p = *group; p != NULL && o.n < LNT_PG_GROUP_MAX; p = p->next) {
        o.b[o.n] = (struct in_order){.p = p, .venue_id = 0, .arrival = o.n};
        used += (size_t)snprintf(ids + used, sizeof ids - used, "%s%" PRId64, o.n > 0 ? "," : "",
                                 p->kiosk_id);
        o.n++;
    }
    (void)snprintf(ids + used, sizeof ids - used, "}");
    rc = lnt_pg_pipe_begin(pipe, w->s, w->pg, err);
    if (rc == LNT_OK) {
        pipe->what = "locking the kiosks";
        (void)lnt_pg_pipe_send(pipe, "BEGIN", NULL, NULL, NULL, 0);
        lnt_pg_p_init(&pipe->par);
        lnt_pg_p_text(&pipe->par, ids);
        (void)lnt_pg_pipe_run(pipe, &st_kiosks_lock, &pipe->par, venues_read, &o, 0);
        rc = lnt_pg_pipe_end(pipe);
    }
    if (rc == LNT_ERR_TIMEOUT && !lnt_pg_deadlocked())
        return lnt_fail_prefix(err, rc, "kiosks %s are locked by another transaction: ", ids);
    if (rc != LNT_OK)
        return rc;
    qsort(o.b, o.n, sizeof o.b[0], cmp_order);
    *group = o.b[0].p;
    for (size_t i = 0; i < o.n; i++)
        o.b[i].p->next = i + 1 < o.n ? o.b[i + 1].p : NULL;
    return LNT_OK;
}

/*
 * Several batches in one transaction, so they share one commit (one flush of the log); *group
 * is put in the order they are stored in (lock_group). Each batch stays all-or-nothing: one
 * refused before its first write is simply left out; if anything fails after a batch has begun
 * writing (or the commit fails), the whole transaction is rolled back and each batch is stored
 * again in a transaction of its own, so one batch's failure is never another's. False when
 * the group had to be stored batch by batch. When the transaction cannot begin, or the kiosks
 * cannot even be locked in time (the database locked by another session past the lock
 * timeout, say), nothing batch-specific went wrong: every batch fails at once, as trying each
 * again would only make every caller wait again.
 */
static bool store_group(struct lnt_pg_writer *w, struct lnt_pg_pending **group)
{
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc = lock_group(w, group, err);
    bool wrote;

    if (rc != LNT_OK && !lnt_pg_deadlocked()) {
        (void)lnt_pg_end(w->pg, rc, err);
        for (struct lnt_pg_pending *p = *group; p != NULL; p = p->next)
            p->rc = lnt_fail(p->err, rc, "%s", err);
        return true;
    }
    for (struct lnt_pg_pending *p = *group; p != NULL && rc == LNT_OK; p = p->next) {
        p->rc = lnt_pg_store_batch(w, p, false, &wrote);
        if (p->rc != LNT_OK && wrote)
            rc = p->rc;
    }
    if (lnt_pg_end_ingest(w, rc, err) == LNT_OK)
        return true;
    for (struct lnt_pg_pending *p = *group; p != NULL; p = p->next)
        store_alone(w, p);
    return false;
}

/* ---- group commit ----
 *
 * Every batch costs a commit, and with synchronous_commit on a commit waits for the log to
 * reach the disk. Batches that arrive while groups are being stored queue here; a caller that
 * finds a storer's slot free (s->storers of them) takes what is queued (at most
 * LNT_PG_GROUP_MAX batches) and stores it as one transaction on a connection of its own, then
 * wakes the callers whose batches it stored. Groups stored side by side are separate database
 * backends, each on a core. A batch whose kiosk is in a group being stored stays queued until
 * that group is done, so one kiosk's batches are stored one after the other, in order, without
 * waiting on each other's locks. Nothing returns to its caller before its batch is committed,
 * so an acknowledged event is as durable as before. Other servers on the same database store
 * their own groups side by side (the kiosk row locks keep each kiosk's batches in order).
 */

/* Whether a group being stored holds a batch of kiosk_id; s->mu is held. */
static bool kiosk_storing(const struct lnt_store *s, int64_t kiosk_id)
{
    for (uint32_t i = 0; i < s->storers; i++)
        for (size_t k = 0; s->storing[i].busy && k < s->storing[i].n; k++)
            if (s->storing[i].kiosk[k] == kiosk_id)
                return true;
    return false;
}

/* A storer's slot free to take, or NULL; s->mu is held. */
static struct lnt_pg_slot *free_slot(struct lnt_store *s)
{
    for (uint32_t i = 0; i < s->storers; i++)
        if (!s->storing[i].busy)
            return &s->storing[i];
    return NULL;
}

/* Takes up to LNT_PG_GROUP_MAX batches off the queue, in order, but none whose kiosk is being
 * stored; names their kiosks in `slot`. NULL when there is none to take. s->mu is held. */
static struct lnt_pg_pending *take_group(struct lnt_store *s, struct lnt_pg_slot *slot)
{
    struct lnt_pg_pending *group = NULL, **tail = &group, **at = &s->queue;

    slot->n = 0;
    while (*at != NULL && slot->n < LNT_PG_GROUP_MAX) {
        struct lnt_pg_pending *p = *at;

        if (kiosk_storing(s, p->kiosk_id)) {
            at = &p->next;
            continue;
        }
        *at = p->next;
        p->next = NULL;
        *tail = p;
        tail = &p->next;
        slot->kiosk[slot->n++] = p->kiosk_id;
    }
    for (s->queue_tail = &s->queue; *s->queue_tail != NULL;)
        s->queue_tail = &(*s->queue_tail)->next;
    return group;
}

/* Stores a group taken off the queue (*group reordered as stored); false when it had to be
 * stored batch by batch. */
static bool store_taken(struct lnt_store *s, struct lnt_pg_pending **group)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_pg_writer w = {.s = s};
    enum lnt_err rc = lnt_pg_take(s, &w.pg, err);
    bool together = true;

    w.pipe = malloc(sizeof *w.pipe);
    w.rollups = lnt_pg_rollups_new();
    if (rc == LNT_OK && (w.pipe == NULL || w.rollups == NULL))
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory storing a batch");
    if (rc != LNT_OK) {
        for (struct lnt_pg_pending *p = *group; p != NULL; p = p->next)
            p->rc = lnt_fail(p->err, rc, "%s", err);
    } else if ((*group)->next == NULL) {
        store_alone(&w, *group);
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
        struct lnt_pg_slot *slot = free_slot(s);
        struct lnt_pg_pending *group = slot != NULL ? take_group(s, slot) : NULL;
        uint64_t n = 0;
        bool together;

        if (group == NULL) {
            pthread_cond_wait(&s->group_cv, &s->mu);
            continue;
        }
        slot->busy = true;
        pthread_mutex_unlock(&s->mu);

        together = store_taken(s, &group);

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
        slot->busy = false;
        slot->n = 0;
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
