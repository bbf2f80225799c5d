/* test_store_group.c - batches that arrive together are stored together (group commit), each
 * still all-or-nothing and exactly once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "store.h"
#include "test_store_fixture.h"

#define PER_BATCH 10

/* One caller of lnt_store_events_insert on a thread of its own. */
struct caller {
    struct lnt_store *s;
    int64_t kiosk;
    int64_t first_seq;
    struct lnt_event ev[PER_BATCH];
    struct lnt_ingest_result res[PER_BATCH];
    char err[LNT_ERRBUF_SIZE];
    enum lnt_err rc;
    pthread_t thread;
};

static void *call_insert(void *arg)
{
    struct caller *c = arg;

    c->rc = lnt_store_events_insert(c->s, c->kiosk, SF_T0 + 60, c->ev, PER_BATCH, c->res, c->err);
    return NULL;
}

static void start(struct caller *c, struct lnt_store *s, int64_t kiosk, int64_t first_seq)
{
    c->s = s;
    c->kiosk = kiosk;
    c->first_seq = first_seq;
    for (int i = 0; i < PER_BATCH; i++)
        c->ev[i] = sf_stock(first_seq + i, SF_T0 + i, "handed_out", 1);
    assert_int_equal(pthread_create(&c->thread, NULL, call_insert, c), 0);
}

/* Sends the very events `sent` sends, again, as a kiosk does after a timeout. */
static void start_again(struct caller *c, const struct caller *sent)
{
    c->s = sent->s;
    c->kiosk = sent->kiosk;
    c->first_seq = sent->first_seq;
    memcpy(c->ev, sent->ev, sizeof c->ev);
    assert_int_equal(pthread_create(&c->thread, NULL, call_insert, c), 0);
}

/* Waits (at most 20 s) until `n` batches are queued or being stored. */
static void wait_for_waiting(struct lnt_store *s, uint32_t n)
{
    struct timespec nap = {0, 2 * 1000 * 1000};
    struct lnt_ingest_stats st;

    for (int i = 0; i < 10000; i++) {
        lnt_store_ingest_stats(s, &st);
        if (st.waiting == n)
            return;
        nanosleep(&nap, NULL);
    }
    fail_msg("%u batches waiting, expected %u", st.waiting, n);
}

/*
 * Another process holding the database's write lock: the store's writer waits behind it. On
 * PostgreSQL, which has no such lock, another session holds the kiosks table in EXCLUSIVE mode
 * (plain reads only), so every batch waits to lock its kiosk's row, as a batch waits on
 * SQLite to begin.
 */
struct other {
    sqlite3 *db;
    PGconn *pg;
};

static void other_exec(struct other *o, const char *sql)
{
    PGresult *r;

    if (o->db != NULL) {
        assert_int_equal(sqlite3_exec(o->db, sql, NULL, NULL, NULL), SQLITE_OK);
        return;
    }
    r = PQexec(o->pg, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(o->pg));
    PQclear(r);
}

static struct other hold_write_lock(const char *path)
{
    struct other o = {NULL, NULL};

    if (sf_on_postgresql()) {
        o.pg = PQconnectdb(path);
        assert_int_equal(PQstatus(o.pg), CONNECTION_OK);
        other_exec(&o, "BEGIN");
        other_exec(&o, "LOCK TABLE kiosks IN EXCLUSIVE MODE");
        return o;
    }
    assert_int_equal(sqlite3_open(path, &o.db), SQLITE_OK);
    other_exec(&o, "BEGIN IMMEDIATE");
    return o;
}

static void release(struct other o)
{
    other_exec(&o, "COMMIT");
    if (o.db != NULL)
        sqlite3_close(o.db);
    else
        PQfinish(o.pg);
}

/*
 * Starts c[0..n) on kiosks k[0..n), each sending seqs 1-10, while `other` holds the lock: the
 * first as many as the store stores groups at once (one on SQLite) are each taken alone and
 * wait behind the lock; the rest queue behind them. Returns how many were taken alone.
 */
static uint32_t start_behind_lock(struct lnt_store *s, struct caller *c, const int64_t *k, int n)
{
    struct lnt_ingest_stats st;
    uint32_t held;

    lnt_store_ingest_stats(s, &st);
    held = st.storers;
    assert_true(held >= 1 && (int)held < n);
    for (uint32_t i = 0; i < held; i++) {
        start(&c[i], s, k[i], 1);
        wait_for_waiting(s, i + 1);
    }
    for (int i = (int)held; i < n; i++)
        start(&c[i], s, k[i], 1);
    wait_for_waiting(s, (uint32_t)n);
    return held;
}

static int64_t events_of(const struct sf *f, int64_t kiosk)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE kiosk_id = %lld",
             (long long)kiosk);
    return sf_sql_int(f->path, sql);
}

/*
 * The first batch holds the writer (waiting on another process's lock; on
 * PostgreSQL the first two, each a writer of its own), the rest of the seven
 * queue behind and go in as one transaction. The revoked kiosk's batch among
 * them is refused without costing the others anything.
 */
static void test_store_group__waiting_batches_share_one_commit(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    int64_t k[7];
    struct caller *c = calloc(7, sizeof *c);
    struct lnt_ingest_stats st;
    char err[LNT_ERRBUF_SIZE] = "";
    struct other other;
    uint32_t held;

    assert_non_null(c);
    for (int i = 0; i < 7; i++)
        k[i] = sf_kiosk(f->s, v);
    assert_int_equal(lnt_store_kiosk_revoke(f->s, k[4], SF_T0, err), LNT_OK);

    other = hold_write_lock(f->path);
    held = start_behind_lock(f->s, c, k, 7);
    release(other);
    for (int i = 0; i < 7; i++)
        pthread_join(c[i].thread, NULL);

    for (int i = 0; i < 7; i++) {
        if (i == 4) {
            assert_int_equal(c[i].rc, LNT_ERR_FORBIDDEN);
            assert_non_null(strstr(c[i].err, "revoked"));
            assert_int_equal(events_of(f, k[i]), 0);
            continue;
        }
        if (c[i].rc != LNT_OK)
            fail_msg("kiosk %d: %s", i, c[i].err);
        for (int e = 0; e < PER_BATCH; e++)
            assert_int_equal(c[i].res[e].status, LNT_INGEST_ACCEPTED);
        assert_int_equal(events_of(f, k[i]), PER_BATCH);
    }
    lnt_store_ingest_stats(f->s, &st);
    assert_int_equal(st.batches, 7);
    assert_int_equal(st.commits, held + 1); /* the first alone, the rest behind together */
    assert_int_equal(st.retried, 0);
    assert_int_equal(st.waiting, 0);
    assert_int_equal(sf_sql_int(f->path, "SELECT sum(seq_gaps) FROM kiosks"), 0);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM kiosks WHERE last_seq = 10"), 6);
    free(c);
}

/*
 * One batch of a group fails after half of it is written (a trigger refuses
 * its sixth event). The group is rolled back and each batch stored again on
 * its own: the failing batch leaves nothing behind, the others are all in,
 * exactly once.
 */
static void test_store_group__a_batch_failing_part_way_fails_alone(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    int64_t k[4];
    struct caller *c = calloc(4, sizeof *c);
    struct lnt_ingest_stats st;
    char trigger[256];
    struct other other;

    assert_non_null(c);
    for (int i = 0; i < 4; i++)
        k[i] = sf_kiosk(f->s, v);
    if (sf_on_postgresql())
        snprintf(trigger, sizeof trigger,
                 "CREATE TRIGGER poison BEFORE INSERT ON events FOR EACH ROW "
                 "WHEN (NEW.kiosk_id = %lld AND NEW.seq = 6) EXECUTE FUNCTION poison()",
                 (long long)k[2]);
    else
        snprintf(trigger, sizeof trigger,
                 "CREATE TRIGGER poison BEFORE INSERT ON events "
                 "WHEN NEW.kiosk_id = %lld AND NEW.seq = 6 "
                 "BEGIN SELECT RAISE(ABORT, 'poisoned event'); END",
                 (long long)k[2]);
    other = hold_write_lock(f->path);
    if (sf_on_postgresql())
        other_exec(&other, "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS "
                           "'BEGIN RAISE EXCEPTION ''poisoned event''; END'");
    other_exec(&other, trigger);
    assert_true(start_behind_lock(f->s, c, k, 4) < 3); /* k[2] is in the group */
    release(other);
    for (int i = 0; i < 4; i++)
        pthread_join(c[i].thread, NULL);

    assert_int_equal(c[2].rc, LNT_ERR_DB);
    assert_non_null(strstr(c[2].err, "poisoned event"));
    assert_int_equal(events_of(f, k[2]), 0);
    snprintf(trigger, sizeof trigger, "SELECT last_seq FROM kiosks WHERE id = %lld",
             (long long)k[2]);
    assert_int_equal(sf_sql_int(f->path, trigger), 0);
    for (int i = 0; i < 4; i++) {
        if (i == 2)
            continue;
        if (c[i].rc != LNT_OK)
            fail_msg("kiosk %d: %s", i, c[i].err);
        assert_int_equal(events_of(f, k[i]), PER_BATCH);
    }
    lnt_store_ingest_stats(f->s, &st);
    assert_int_equal(st.batches, 4);
    assert_int_equal(st.retried, 1);
    assert_int_equal(st.commits, 4); /* the first alone, then the group's one by one */
    free(c);
}

/*
 * Another process keeps the database locked past the busy timeout: the
 * first batch (on PostgreSQL the first two, stored side by side) and then the
 * group queued behind fail, each batch with
 * the reason, and the group is not tried again batch by batch (which would
 * make every caller wait out the timeout once more).
 */
static void test_store_group__a_locked_database_fails_the_group_once(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    int64_t k[5];
    struct caller *c = calloc(5, sizeof *c);
    struct lnt_ingest_stats st;
    struct other other;
    uint32_t held;
    int n;

    assert_non_null(c);
    lnt_store_ingest_stats(f->s, &st);
    n = (int)st.storers + 2; /* the writers' batches, and a group of two behind them */
    assert_true(n <= 5);
    for (int i = 0; i < n; i++)
        k[i] = sf_kiosk(f->s, v);
    other = hold_write_lock(f->path);
    held = start_behind_lock(f->s, c, k, n); /* well within the first batch's busy timeout */
    for (int i = 0; i < n; i++)
        pthread_join(c[i].thread, NULL);
    release(other);

    for (int i = 0; i < n; i++) {
        assert_int_equal(c[i].rc, LNT_ERR_TIMEOUT);
        assert_non_null(strstr(c[i].err, "locked"));
        assert_int_equal(events_of(f, k[i]), 0);
    }
    lnt_store_ingest_stats(f->s, &st);
    assert_int_equal(st.batches, (uint64_t)n);
    assert_int_equal(st.commits, held + 1); /* the first alone, then the two behind together */
    assert_int_equal(st.retried, 0);
    free(c);
}

/*
 * Eight callers at once, each sending its kiosk's batches in order and every
 * third batch twice (a kiosk that timed out and sent again): every event is
 * stored exactly once, every resend is reported a duplicate, in whatever
 * groups the batches happened to meet.
 */
static void test_store_group__concurrent_batches_are_stored_exactly_once(void **state)
{
    enum { THREADS = 8, BATCHES = 12 };
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    struct caller *c = calloc(THREADS * (BATCHES + BATCHES / 3), sizeof *c);
    struct lnt_ingest_stats st;
    int64_t k[THREADS];
    size_t used = 0;

    assert_non_null(c);
    for (int t = 0; t < THREADS; t++)
        k[t] = sf_kiosk(f->s, v);
    /* round by round: each round every kiosk sends its next batch (and maybe the last again) */
    for (int b = 0; b < BATCHES; b++) {
        size_t round = used;
        for (int t = 0; t < THREADS; t++) {
            start(&c[used], f->s, k[t], (int64_t)b * PER_BATCH + 1);
            used++;
            if (b % 3 == 2) {
                start_again(&c[used], &c[used - 1]);
                used++;
            }
        }
        for (size_t i = round; i < used; i++)
            pthread_join(c[i].thread, NULL);
    }
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(events_of(f, k[t]), BATCHES * PER_BATCH);
    /* each resent pair: one accepted and one duplicate, whichever went first */
    for (size_t i = 0; i < used; i++) {
        if (c[i].rc != LNT_OK)
            fail_msg("batch %zu: %s", i, c[i].err);
        for (int e = 0; e < PER_BATCH; e++)
            assert_true(c[i].res[e].status == LNT_INGEST_ACCEPTED ||
                        c[i].res[e].status == LNT_INGEST_DUPLICATE);
    }
    for (size_t i = 0; i + 1 < used; i++) {
        if (c[i].kiosk != c[i + 1].kiosk || c[i].first_seq != c[i + 1].first_seq)
            continue;
        assert_int_not_equal(c[i].res[0].status, c[i + 1].res[0].status);
    }
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM event_conflicts"), 0);
    assert_int_equal(sf_sql_int(f->path, "SELECT sum(seq_gaps) + sum(seq_backwards) FROM kiosks"),
                     0);
    lnt_store_ingest_stats(f->s, &st);
    assert_int_equal(st.batches, used);
    assert_true(st.commits <= st.batches);
    assert_int_equal(st.waiting, 0);
    free(c);
}

/* A kiosk sending its batches one after the other, each once it is acknowledged. */
struct sender {
    struct lnt_store *s;
    int64_t kiosk;
    int batches;
    int accepted;
    enum lnt_err rc; /* the first failure */
    char err[LNT_ERRBUF_SIZE];
    pthread_t thread;
};

/* Its batches: stock handed out, then an incident, the minutes running on from SF_T0 across
 * two hours of one night (the same rollup rows for every kiosk of a venue). */
static void *send_batches(void *arg)
{
    struct sender *d = arg;
    struct lnt_event ev[PER_BATCH];
    struct lnt_ingest_result res[PER_BATCH];
    char report[37];

    for (int b = 0; b < d->batches && d->rc == LNT_OK; b++) {
        for (int i = 0; i < PER_BATCH; i++) {
            int64_t seq = (int64_t)b * PER_BATCH + i + 1, at = SF_T0 + seq * 60;

            ev[i] = sf_stock(seq, at, "handed_out", 1);
            if (i == PER_BATCH - 1) {
                lnt_uuid4(report);
                ev[i] = sf_incident(seq, at, at + 60, report, "disorder", true, "c2VhbGVk");
            }
        }
        d->rc = lnt_store_events_insert(d->s, d->kiosk, SF_T0 + 7200, ev, PER_BATCH, res, d->err);
        for (int i = 0; d->rc == LNT_OK && i < PER_BATCH; i++)
            d->accepted += res[i].status == LNT_INGEST_ACCEPTED;
    }
    return NULL;
}

/*
 * Twelve kiosks at three venues, each on a thread of its own, send eight batches at once; on
 * PostgreSQL groups are stored side by side, locking the same venues' stock levels and rollup
 * rows. Every event is stored once, every rollup is the sum of what was sent, and no caller
 * ever sees a deadlock (nor any other error).
 */
static void test_store_group__kiosks_of_shared_venues_store_side_by_side(void **state)
{
    enum { VENUES = 3, KIOSKS = 12, BATCHES = 8, EVENTS = KIOSKS * BATCHES * PER_BATCH };
    struct sf *f = *state;
    struct sender *d = calloc(KIOSKS, sizeof *d);
    struct lnt_ingest_stats st;
    int64_t venue[VENUES];
    struct other other;
    char sql[160];

    assert_non_null(d);
    for (int v = 0; v < VENUES; v++) {
        snprintf(sql, sizeof sql, "Venue %d", v);
        venue[v] = sf_venue(f->s, sql, LNT_VENUE_PUB, "Centre", "Westham");
    }
    for (int t = 0; t < KIOSKS; t++)
        d[t] = (struct sender){
            .s = f->s, .kiosk = sf_kiosk(f->s, venue[t % VENUES]), .batches = BATCHES};
    /* every sender's first batch waits behind the lock: the storers all start at once */
    other = hold_write_lock(f->path);
    for (int t = 0; t < KIOSKS; t++)
        assert_int_equal(pthread_create(&d[t].thread, NULL, send_batches, &d[t]), 0);
    wait_for_waiting(f->s, KIOSKS);
    release(other);
    for (int t = 0; t < KIOSKS; t++)
        pthread_join(d[t].thread, NULL);

    for (int t = 0; t < KIOSKS; t++) {
        if (d[t].rc != LNT_OK)
            fail_msg("kiosk %d: %s", t, d[t].err);
        assert_int_equal(d[t].accepted, BATCHES * PER_BATCH);
    }
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM events"), EVENTS);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(DISTINCT uuid) FROM events"), EVENTS);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM kiosks WHERE last_seq = %d",
             BATCHES * PER_BATCH);
    assert_int_equal(sf_sql_int(f->path, sql), KIOSKS);
    assert_int_equal(sf_sql_int(f->path, "SELECT sum(seq_gaps) + sum(seq_backwards) FROM kiosks"),
                     0);
    /* each venue: four kiosks' stock handed out, one at a time */
    snprintf(sql, sizeof sql, "SELECT count(*) FROM stock_levels WHERE level = %d",
             -(KIOSKS / VENUES) * BATCHES * (PER_BATCH - 1));
    assert_int_equal(sf_sql_int(f->path, sql), VENUES);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM stock_ledger"),
                     KIOSKS * BATCHES * (PER_BATCH - 1));
    assert_int_equal(sf_sql_int(f->path, "SELECT sum(count) FROM rollup_hour WHERE kind = ''"),
                     EVENTS);
    assert_int_equal(sf_sql_int(f->path, "SELECT sum(contacts) FROM rollup_night"), EVENTS);
    assert_int_equal(sf_sql_int(f->path, "SELECT sum(stock_events) FROM rollup_night"),
                     KIOSKS * BATCHES * (PER_BATCH - 1));
    assert_int_equal(sf_sql_int(f->path, "SELECT sum(incidents) FROM rollup_night"),
                     KIOSKS * BATCHES);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM rollup_night_kind WHERE kind = 'disorder' AND count = %d",
             KIOSKS / VENUES * BATCHES);
    assert_int_equal(sf_sql_int(f->path, sql), VENUES);
    lnt_store_ingest_stats(f->s, &st);
    assert_int_equal(st.storers, sf_on_postgresql() ? 2 : 1);
    assert_int_equal(st.batches, KIOSKS * BATCHES);
    assert_int_equal(st.waiting, 0);
    free(d);
}

/*
 * A batch the database rolls back to break a deadlock is stored again, and its caller never
 * hears of it. On PostgreSQL another session holds the venue's stock level, the batch (its
 * kiosk locked) waits for it, and then the session asks for the kiosk: a circle, which the
 * server breaks by rolling the batch back. On SQLite, with one writer and
 * no row locks, the batch simply waits for the other writer.
 */
static void test_store_group__a_batch_rolled_back_by_a_deadlock_is_stored_again(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    int64_t k = sf_kiosk(f->s, v);
    struct caller *c = calloc(2, sizeof *c);
    struct timespec nap = {0, 2 * 1000 * 1000};
    char sql[128];
    struct other other;
    int waited = 0;
    PGresult *r;

    assert_non_null(c);
    start(&c[0], f->s, k, 1); /* the venue's stock level exists */
    pthread_join(c[0].thread, NULL);
    assert_int_equal(c[0].rc, LNT_OK);
    if (!sf_on_postgresql()) {
        other = hold_write_lock(f->path);
        start(&c[1], f->s, k, PER_BATCH + 1);
        wait_for_waiting(f->s, 1);
        release(other);
    } else {
        other = (struct other){NULL, PQconnectdb(f->path)};
        assert_int_equal(PQstatus(other.pg), CONNECTION_OK);
        /* the batch's backend, not this one, finds the circle (after its deadlock_timeout) */
        other_exec(&other, "SET deadlock_timeout = '10min'");
        other_exec(&other, "BEGIN");
        snprintf(sql, sizeof sql, "SELECT level FROM stock_levels WHERE venue_id = %lld FOR UPDATE",
                 (long long)v);
        r = PQexec(other.pg, sql);
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        PQclear(r);
        start(&c[1], f->s, k, PER_BATCH + 1);
        while (sf_sql_int(f->path, "SELECT count(*) FROM pg_stat_activity "
                                   "WHERE wait_event_type = 'Lock'") < 1) {
            assert_true(++waited < 10000); /* the batch waits for the stock level */
            nanosleep(&nap, NULL);
        }
        /* waits until the server has rolled the batch back, then has the kiosk */
        snprintf(sql, sizeof sql, "SELECT id FROM kiosks WHERE id = %lld FOR UPDATE", (long long)k);
        r = PQexec(other.pg, sql);
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        PQclear(r);
        release(other);
    }
    pthread_join(c[1].thread, NULL);

    if (c[1].rc != LNT_OK)
        fail_msg("%s", c[1].err);
    for (int e = 0; e < PER_BATCH; e++)
        assert_int_equal(c[1].res[e].status, LNT_INGEST_ACCEPTED);
    assert_int_equal(events_of(f, k), 2 * PER_BATCH);
    snprintf(sql, sizeof sql, "SELECT level FROM stock_levels WHERE venue_id = %lld", (long long)v);
    assert_int_equal(sf_sql_int(f->path, sql), -2 * PER_BATCH);
    assert_int_equal(sf_sql_int(f->path, "SELECT sum(stock_events) FROM rollup_night"),
                     2 * PER_BATCH);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_group__waiting_batches_share_one_commit,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_group__a_batch_failing_part_way_fails_alone,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_group__a_locked_database_fails_the_group_once,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_group__concurrent_batches_are_stored_exactly_once, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_group__kiosks_of_shared_venues_store_side_by_side, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_group__a_batch_rolled_back_by_a_deadlock_is_stored_again, sf_setup,
            sf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
