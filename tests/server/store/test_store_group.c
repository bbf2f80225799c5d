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

static int64_t events_of(const struct sf *f, int64_t kiosk)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE kiosk_id = %lld",
             (long long)kiosk);
    return sf_sql_int(f->path, sql);
}

/*
 * The first batch holds the writer (waiting on another process's lock), the
 * next six queue behind it and go in as one transaction. The revoked kiosk's
 * batch among them is refused without costing the others anything.
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

    assert_non_null(c);
    for (int i = 0; i < 7; i++)
        k[i] = sf_kiosk(f->s, v);
    assert_int_equal(lnt_store_kiosk_revoke(f->s, k[4], SF_T0, err), LNT_OK);

    other = hold_write_lock(f->path);
    start(&c[0], f->s, k[0], 1);
    wait_for_waiting(f->s, 1);
    for (int i = 1; i < 7; i++)
        start(&c[i], f->s, k[i], 1);
    wait_for_waiting(f->s, 7);
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
    assert_int_equal(st.commits, 2); /* the first alone, the six behind it together */
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
    start(&c[0], f->s, k[0], 1);
    wait_for_waiting(f->s, 1);
    for (int i = 1; i < 4; i++)
        start(&c[i], f->s, k[i], 1);
    wait_for_waiting(f->s, 4);
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
    assert_int_equal(st.commits, 4); /* the first, then the group's three one by one */
    free(c);
}

/*
 * Another process keeps the database locked past the busy timeout: the
 * first batch and then the group queued behind it fail, each batch with
 * the reason, and the group is not tried again batch by batch (which would
 * make every caller wait out the timeout once more).
 */
static void test_store_group__a_locked_database_fails_the_group_once(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    int64_t k[3];
    struct caller *c = calloc(3, sizeof *c);
    struct lnt_ingest_stats st;
    struct other other;

    assert_non_null(c);
    for (int i = 0; i < 3; i++)
        k[i] = sf_kiosk(f->s, v);
    other = hold_write_lock(f->path);
    start(&c[0], f->s, k[0], 1);
    wait_for_waiting(f->s, 1);
    for (int i = 1; i < 3; i++)
        start(&c[i], f->s, k[i], 1);
    wait_for_waiting(f->s, 3); /* well within the first batch's busy timeout */
    for (int i = 0; i < 3; i++)
        pthread_join(c[i].thread, NULL);
    release(other);

    for (int i = 0; i < 3; i++) {
        assert_int_equal(c[i].rc, LNT_ERR_TIMEOUT);
        assert_non_null(strstr(c[i].err, "locked"));
        assert_int_equal(events_of(f, k[i]), 0);
    }
    lnt_store_ingest_stats(f->s, &st);
    assert_int_equal(st.batches, 3);
    assert_int_equal(st.commits, 2); /* the first alone, then the two behind it together */
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
