/* test_store_failover.c - losing the database machine: a PostgreSQL primary with a synchronous
 * streaming replica, the store opened with both hosts in its URI, kiosks sending batches while
 * the primary is killed and the replica promoted. The store finds the promoted replica on its
 * own; every batch it acknowledged is there; batches sent again are stored once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "ltime.h"
#include "night.h"
#include "pgcluster.h"
#include "store.h"
#include "support.h"

#define T0 1795738863 /* 2026-11-27T00:21:03Z */
#define KIOSKS 4
#define BATCHES 24 /* per kiosk */
#define PER_BATCH 10
#define GATE 8           /* the gated kiosks wait here for the primary to be killed */
#define RETRY_LIMIT 3000 /* a kiosk's attempts at one batch before the test gives up */

/* A kiosk: sends its batches in order, each until acknowledged, as a kiosk's outbox does. */
struct kiosk {
    struct lnt_store *s;
    int64_t id;
    bool gated; /* waits at GATE for the kill; the others send straight through it */
    struct lnt_event ev[BATCHES][PER_BATCH];
    int acked;           /* batches acknowledged */
    int failed;          /* attempts that returned an error */
    int resent_dups;     /* events a retry found stored already (the lost ack's commit) */
    enum lnt_err bad_rc; /* an error a kiosk would not retry, or LNT_OK */
    bool bad_status;     /* a result neither accepted nor duplicate */
    char err[LNT_ERRBUF_SIZE];
};

/* Shared with the kiosks; guarded by mu. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static bool killed;
static int acked_total, failed_total, at_gate;

static struct lnt_event event(int64_t seq, const char *staff)
{
    struct lnt_event e;

    memset(&e, 0, sizeof e);
    e.seq = seq;
    lnt_uuid4(e.uuid);
    e.type = LNT_EV_SIGN_IN;
    e.occurred_at = T0 + seq;
    e.recorded_at = T0 + seq;
    (void)lnt_str_copy(e.u.badge.staff_id, sizeof e.u.badge.staff_id, staff);
    (void)lnt_str_copy(e.u.badge.serial, sizeof e.u.badge.serial, "a1b2c3d4e5f60718");
    e.u.badge.role = LNT_ROLE_DOOR;
    (void)lnt_str_copy(e.u.badge.sia_number, sizeof e.u.badge.sia_number, "1234567812345678");
    e.u.badge.sia_expires = lnt_days_from_civil(2027, 5, 1);
    e.u.badge.sia_status = LNT_SIA_VALID;
    e.u.badge.verdict = LNT_VERDICT_GREEN;
    return e;
}

/* Sends batch b until it is acknowledged; false when the kiosk has to give up. */
static bool send_batch(struct kiosk *k, int b)
{
    struct lnt_ingest_result res[PER_BATCH];

    for (int attempt = 0; attempt < RETRY_LIMIT; attempt++) {
        enum lnt_err rc =
            lnt_store_events_insert(k->s, k->id, T0 + 600 + b, k->ev[b], PER_BATCH, res, k->err);

        if (rc == LNT_OK) {
            for (int i = 0; i < PER_BATCH; i++) {
                if (res[i].status == LNT_INGEST_DUPLICATE)
                    k->resent_dups++;
                else if (res[i].status != LNT_INGEST_ACCEPTED)
                    k->bad_status = true;
            }
            pthread_mutex_lock(&mu);
            k->acked++;
            acked_total++;
            pthread_cond_broadcast(&cv);
            pthread_mutex_unlock(&mu);
            return true;
        }
        /* what a kiosk retries: the server could not reach its database just now */
        if (rc != LNT_ERR_NET && rc != LNT_ERR_TIMEOUT) {
            k->bad_rc = rc;
            return false;
        }
        pthread_mutex_lock(&mu);
        k->failed++;
        failed_total++;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&mu);
        usleep(20 * 1000);
    }
    k->bad_rc = LNT_ERR_TIMEOUT;
    return false;
}

static void *kiosk_run(void *arg)
{
    struct kiosk *k = arg;

    for (int b = 0; b < BATCHES; b++) {
        if (k->gated && b == GATE) {
            pthread_mutex_lock(&mu);
            at_gate++;
            pthread_cond_broadcast(&cv);
            while (!killed)
                pthread_cond_wait(&cv, &mu);
            pthread_mutex_unlock(&mu);
        }
        if (!send_batch(k, b))
            break;
    }
    return NULL;
}

static int64_t add_kiosk(struct lnt_store *s, int64_t venue)
{
    char code[LNT_ENROLL_CODE_LEN + 1];
    uint8_t pk[LNT_SIGN_PK_LEN];
    struct lnt_kiosk k;
    char err[LNT_ERRBUF_SIZE] = "";

    lnt_random(pk, sizeof pk);
    if (lnt_store_enroll_code_add(s, venue, lnt_time_now() + 3600, code, err) != LNT_OK ||
        lnt_store_enroll_redeem(s, code, pk, lnt_time_now(), &k, err) != LNT_OK)
        fail_msg("kiosk: %s", err);
    return k.id;
}

/* Waits (without a deadline that could fail a slow machine) until cond holds. */
static void wait_for(bool (*cond)(void))
{
    pthread_mutex_lock(&mu);
    while (!cond())
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
}

/* A primary, its synchronous replica, a database on them and the store opened on both. */
struct fixture {
    struct lnt_pg_cluster *primary, *replica;
    struct lnt_store *s;
    char uri[LNT_PG_URI_MAX];        /* both hosts, target_session_attrs=read-write */
    char replica_db[LNT_PG_URI_MAX]; /* the database on the replica alone */
    int64_t venue;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct lnt_venue v = {.category = LNT_VENUE_PUB, .capacity = 300};
    char db[LNT_PG_URI_MAX], err[LNT_ERRBUF_SIZE] = "";

    assert_non_null(f);
    *state = f;
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    f->primary = lnt_pg_cluster_start();
    f->replica = lnt_pg_cluster_replica(f->primary);
    /* made on the primary, with synchronous replication on: on the replica too */
    lnt_pg_cluster_db_empty(f->primary, db);
    lnt_pg_cluster_uri_pair(f->primary, f->replica, f->primary->dbs, f->uri);
    snprintf(f->replica_db, sizeof f->replica_db, "postgresql://postgres@/t%u?host=%s&port=%d",
             f->primary->dbs, f->replica->dir, f->replica->port);
    if (lnt_store_open(&f->s, f->uri, err) != LNT_OK)
        fail_msg("open %s: %s", f->uri, err);
    assert_int_equal(lnt_str_copy(v.name, sizeof v.name, "The Anchor"), LNT_OK);
    assert_int_equal(lnt_str_copy(v.area, sizeof v.area, "Town Centre"), LNT_OK);
    assert_int_equal(lnt_store_venue_add(f->s, &v, err), LNT_OK);
    f->venue = v.id;
    /* the replica answers reads while the primary is up (hot standby) */
    assert_int_equal(lnt_pg_int(f->replica_db, "SELECT pg_is_in_recovery()::int"), 1);
    return 0;
}

/* Runs whether the test passed or failed: no server is left running. */
static int teardown(void **state)
{
    struct fixture *f = *state;

    lnt_store_free(f->s);
    lnt_pg_cluster_stop(f->replica);
    lnt_pg_cluster_stop(f->primary);
    free(f);
    return 0;
}

static bool third_acked(void)
{
    return acked_total >= KIOSKS * BATCHES / 3 && at_gate == KIOSKS / 2;
}

static bool some_failed(void)
{
    return failed_total > 0;
}

static void test_store_failover__promoted_replica_holds_every_acknowledged_batch(void **state)
{
    struct fixture *f = *state;
    struct kiosk *k = calloc(KIOSKS, sizeof *k);
    pthread_t th[KIOSKS];
    struct lnt_ingest_result res[PER_BATCH];
    char sql[256], err[LNT_ERRBUF_SIZE] = "";
    int acked_before_kill[KIOSKS];

    assert_non_null(k);
    for (int i = 0; i < KIOSKS; i++) {
        k[i].s = f->s;
        k[i].id = add_kiosk(f->s, f->venue);
        k[i].gated = i % 2 == 0;
        for (int b = 0; b < BATCHES; b++)
            for (int e = 0; e < PER_BATCH; e++)
                k[i].ev[b][e] = event(b * PER_BATCH + e + 1, "S-0001");
    }
    for (int i = 0; i < KIOSKS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, kiosk_run, &k[i]), 0);
    /* a third of the batches in, half the kiosks between two batches, the rest sending */
    wait_for(third_acked);
    pthread_mutex_lock(&mu);
    lnt_pg_cluster_kill(f->primary);
    for (int i = 0; i < KIOSKS; i++)
        acked_before_kill[i] = k[i].acked;
    killed = true;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    /* no server takes writes now: the kiosks' batches fail, and they keep them to send again */
    wait_for(some_failed);
    lnt_pg_cluster_promote(f->replica);
    for (int i = 0; i < KIOSKS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);

    for (int i = 0; i < KIOSKS; i++) {
        if (k[i].bad_rc != LNT_OK)
            fail_msg("kiosk %d gave up at batch %d: %s", i, k[i].acked, k[i].err);
        assert_false(k[i].bad_status);
        /* the same store carried on: every batch acknowledged in the end */
        assert_int_equal(k[i].acked, BATCHES);
    }
    assert_true(failed_total > 0);
    assert_int_equal(lnt_pg_int(f->replica_db, "SELECT pg_is_in_recovery()::int"), 0);

    /* every event acknowledged before the kill (never sent again) and after it is on the
     * promoted replica, each once */
    for (int i = 0; i < KIOSKS; i++) {
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM events WHERE kiosk_id = %" PRId64 " AND seq <= %d", k[i].id,
                 acked_before_kill[i] * PER_BATCH);
        assert_int_equal(lnt_pg_int(f->replica_db, sql), acked_before_kill[i] * PER_BATCH);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE kiosk_id = %" PRId64, k[i].id);
        assert_int_equal(lnt_pg_int(f->replica_db, sql), BATCHES * PER_BATCH);
    }
    assert_int_equal(lnt_pg_int(f->replica_db, "SELECT count(*) FROM events"),
                     KIOSKS * BATCHES * PER_BATCH);
    assert_int_equal(lnt_pg_int(f->replica_db, "SELECT count(DISTINCT uuid) FROM events"),
                     KIOSKS * BATCHES * PER_BATCH);

    /* a kiosk that never heard its last acknowledgement sends the batch again: duplicates,
     * nothing stored twice */
    for (int i = 0; i < KIOSKS; i++) {
        assert_int_equal(lnt_store_events_insert(f->s, k[i].id, T0 + 900, k[i].ev[BATCHES - 1],
                                                 PER_BATCH, res, err),
                         LNT_OK);
        for (int e = 0; e < PER_BATCH; e++)
            assert_int_equal(res[e].status, LNT_INGEST_DUPLICATE);
    }
    assert_int_equal(lnt_pg_int(f->replica_db, "SELECT count(*) FROM events"),
                     KIOSKS * BATCHES * PER_BATCH);
    assert_int_equal(lnt_pg_int(f->replica_db, "SELECT count(*) FROM event_conflicts"), 0);

    free(k);
}

/* A store left idle while the primary was lost: its next batch goes to the promoted replica
 * at the first attempt (the connection found broken before anything was sent is opened
 * again), and a kiosk has nothing to resend. */
static void test_store_failover__idle_store_finds_promoted_replica_at_once(void **state)
{
    struct fixture *f = *state;
    struct lnt_event ev[PER_BATCH];
    struct lnt_ingest_result res[PER_BATCH];
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t kiosk = add_kiosk(f->s, f->venue);

    for (int e = 0; e < PER_BATCH; e++)
        ev[e] = event(e + 1, "S-0002");
    assert_int_equal(lnt_store_events_insert(f->s, kiosk, T0, ev, PER_BATCH / 2, res, err), LNT_OK);

    lnt_pg_cluster_kill(f->primary);
    lnt_pg_cluster_promote(f->replica);
    if (lnt_store_events_insert(f->s, kiosk, T0 + 60, ev, PER_BATCH, res, err) != LNT_OK)
        fail_msg("first batch after the failover: %s", err);
    for (int e = 0; e < PER_BATCH; e++)
        assert_int_equal(res[e].status,
                         e < PER_BATCH / 2 ? LNT_INGEST_DUPLICATE : LNT_INGEST_ACCEPTED);
    assert_int_equal(lnt_pg_int(f->replica_db, "SELECT count(*) FROM events"), PER_BATCH);
}

/* ---- the first call of each kind after the failover ----
 *
 * Each store below was used before the primary was killed, so its pool holds a connection to
 * the dead server, which looks well until a statement is sent on it. The first call after the
 * promotion finds it broken; a read (or writes whose transaction died with the connection
 * before COMMIT was sent) is made again on a fresh connection, to the promoted replica. */

static enum lnt_err first_venue_get(struct lnt_store *s, int64_t venue, char *err)
{
    struct lnt_venue v;
    enum lnt_err rc = lnt_store_venue_get(s, venue, &v, err);

    if (rc == LNT_OK && strcmp(v.name, "The Anchor") != 0)
        rc = lnt_fail(err, LNT_ERR_INTERNAL, "read the venue as \"%s\"", v.name);
    return rc;
}

static enum lnt_err first_venue_list(struct lnt_store *s, int64_t venue, char *err)
{
    struct lnt_venue *v = NULL;
    size_t n = 0;
    enum lnt_err rc = lnt_store_venue_list(s, &v, &n, err);

    if (rc == LNT_OK && (n != 1 || v[0].id != venue))
        rc = lnt_fail(err, LNT_ERR_INTERNAL, "listed %zu venues", n);
    free(v);
    return rc;
}

static enum lnt_err first_kiosk_list(struct lnt_store *s, int64_t venue, char *err)
{
    struct lnt_kiosk *k = NULL;
    size_t n = 0;
    enum lnt_err rc = lnt_store_kiosk_list(s, venue, &k, &n, err);

    if (rc == LNT_OK && n != 1)
        rc = lnt_fail(err, LNT_ERR_INTERNAL, "listed %zu kiosks", n);
    free(k);
    return rc;
}

/* A read of two SELECTs joined by UNION ALL, each in brackets. */
static enum lnt_err first_rollup_nights(struct lnt_store *s, int64_t venue, char *err)
{
    struct lnt_night_rollup *nights = NULL;
    int32_t night = lnt_night_of(T0);
    size_t n = 0;
    enum lnt_err rc = lnt_store_rollup_nights(s, venue, night - 6, night, &nights, &n, err);

    if (rc == LNT_OK && (n != 7 || nights[6].sign_ins != PER_BATCH))
        rc = lnt_fail(err, LNT_ERR_INTERNAL, "%zu nights, %d sign-ins on the last", n,
                      n == 7 ? (int)nights[6].sign_ins : -1);
    free(nights);
    return rc;
}

/* A kiosk's revocation list: statements in one read-only snapshot (BEGIN ISOLATION LEVEL
 * REPEATABLE READ READ ONLY ... COMMIT). */
static enum lnt_err first_badge_revoked_since(struct lnt_store *s, int64_t venue, char *err)
{
    uint8_t(*serials)[LNT_SERIAL_LEN] = NULL;
    int64_t version = -1;
    size_t n = 9;
    enum lnt_err rc = lnt_store_badge_revoked_since(s, 0, T0, &serials, &n, &version, err);

    (void)venue;
    free(serials);
    return rc == LNT_OK && (n != 0 || version != 0)
               ? lnt_fail(err, LNT_ERR_INTERNAL, "%zu revoked, version %lld", n, (long long)version)
               : rc;
}

static enum lnt_err first_finding_list(struct lnt_store *s, int64_t venue, char *err)
{
    struct lnt_finding *fl = NULL;
    size_t n = 0;
    enum lnt_err rc = lnt_store_finding_list(s, venue, &fl, &n, err);

    free(fl);
    return rc == LNT_OK && n != 0 ? lnt_fail(err, LNT_ERR_INTERNAL, "%zu findings", n) : rc;
}

/* A write in a transaction: its BEGIN meets the dead server, nothing of it was stored. */
static enum lnt_err first_venue_edit(struct lnt_store *s, int64_t venue, char *err)
{
    struct lnt_venue v = {.capacity = 450};

    return lnt_store_venue_edit(s, venue, &v, LNT_VENUE_SET_CAPACITY, err);
}

static const struct {
    const char *what;
    enum lnt_err (*call)(struct lnt_store *s, int64_t venue, char *err);
} firsts[] = {
    {"venue_get", first_venue_get},       {"venue_list", first_venue_list},
    {"kiosk_list", first_kiosk_list},     {"rollup_nights", first_rollup_nights},
    {"finding_list", first_finding_list}, {"badge_revoked_since", first_badge_revoked_since},
    {"venue_edit", first_venue_edit},
};
#define FIRSTS (sizeof firsts / sizeof firsts[0])

static void test_store_failover__first_call_of_each_kind_after_promotion_succeeds(void **state)
{
    struct fixture *f = *state;
    struct lnt_store *s[FIRSTS + 1];
    struct lnt_event ev[PER_BATCH];
    struct lnt_ingest_result res[PER_BATCH];
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t kiosk = add_kiosk(f->s, f->venue);

    for (int e = 0; e < PER_BATCH; e++)
        ev[e] = event(e + 1, "S-0003");
    assert_int_equal(lnt_store_events_insert(f->s, kiosk, T0, ev, PER_BATCH, res, err), LNT_OK);
    /* one store per kind of call (and one more for a write outside a transaction), each with
     * a pooled connection to the primary */
    for (size_t i = 0; i <= FIRSTS; i++) {
        if (lnt_store_open(&s[i], f->uri, err) != LNT_OK)
            fail_msg("open %s: %s", f->uri, err);
        assert_int_equal(first_venue_get(s[i], f->venue, err), LNT_OK);
    }

    lnt_pg_cluster_kill(f->primary);
    lnt_pg_cluster_promote(f->replica);
    for (size_t i = 0; i < FIRSTS; i++)
        if (firsts[i].call(s[i], f->venue, err) != LNT_OK)
            fail_msg("the first %s after the failover: %s", firsts[i].what, err);
    /* the edit went to the promoted replica, once */
    assert_int_equal(lnt_pg_int(f->replica_db, "SELECT capacity FROM venues"), 450);
    assert_int_equal(
        lnt_pg_int(f->replica_db, "SELECT count(*) FROM audit_log WHERE action = 'venue.edit'"), 1);
    /* a write outside a transaction may have committed before its connection went: it is not
     * made again, and its caller (a kiosk reporting its backlog) sends it again later */
    assert_int_equal(lnt_store_kiosk_backlog(s[FIRSTS], kiosk, 3, T0 + 60, err), LNT_ERR_NET);
    assert_int_equal(lnt_store_kiosk_backlog(s[FIRSTS], kiosk, 3, T0 + 60, err), LNT_OK);
    for (size_t i = 0; i <= FIRSTS; i++)
        lnt_store_free(s[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_store_failover__promoted_replica_holds_every_acknowledged_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_store_failover__idle_store_finds_promoted_replica_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_store_failover__first_call_of_each_kind_after_promotion_succeeds, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
