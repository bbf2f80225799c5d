/*
 * test_outbox_failalloc.c - the kiosk outbox when memory runs out: a kiosk's round (open, save
 * events, take a batch, mark it sent, open again) with every allocation on it failed in turn
 * (support/failalloc.h). Each step ends in an error or does its work; afterwards the file opens
 * and holds exactly the events whose saves returned LNT_OK, and the round finishes from there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "buf.h"
#include "codec.h"
#include "failalloc.h"
#include "outbox.h"
#include "support.h"

#define T0 1795730463 /* 2026-11-26T22:01:03Z */
#define EVENTS 3
/* Far more allocations than the round makes: a loop that gets this far is not ending. */
#define SITES_MAX 100000

/* The night's events: a sign-in, a refused badge, a completed incident report. */
static void events_of(struct lnt_event ev[EVENTS])
{
    memset(ev, 0, EVENTS * sizeof *ev);
    for (int i = 0; i < EVENTS; i++) {
        ev[i].occurred_at = T0 + i * 60;
        ev[i].recorded_at = T0 + i * 60;
    }
    ev[0].type = LNT_EV_SIGN_IN;
    lnt_str_copy(ev[0].u.badge.staff_id, sizeof ev[0].u.badge.staff_id, "12");
    lnt_str_copy(ev[0].u.badge.serial, sizeof ev[0].u.badge.serial, "a1b2c3d4e5f60718");
    ev[0].u.badge.role = LNT_ROLE_BAR;
    ev[0].u.badge.sia_status = LNT_SIA_NOT_REQUIRED;
    ev[0].u.badge.verdict = LNT_VERDICT_GREEN;
    ev[1].type = LNT_EV_BADGE_REFUSED;
    ev[1].u.refused.reason = LNT_BADGE_EXPIRED;
    ev[2].type = LNT_EV_INCIDENT;
    lnt_str_copy(ev[2].u.incident.report_id, LNT_UUID_STRLEN,
                 "0d9e8f7a-6b5c-4d3e-9f1a-2b3c4d5e6f70");
    lnt_str_copy(ev[2].u.incident.kind, LNT_SHORT_TEXT, "angela");
    ev[2].u.incident.severity = 2;
    lnt_str_copy(ev[2].u.incident.place, LNT_SHORT_TEXT, "bar");
    lnt_str_copy(ev[2].u.incident.outcome, LNT_SHORT_TEXT, "taxi home");
    ev[2].u.incident.complete = true;
    lnt_str_copy(ev[2].u.incident.staff_id, 17, "12");
}

/* What a round committed: the events saved (their seq and uuid set) and whether the ack was. */
struct round {
    struct lnt_event ev[EVENTS];
    size_t saved;
    bool acked;
    uint8_t pk[LNT_SIGN_PK_LEN];
};

static void assert_failed(enum lnt_err rc, const char *err, uint64_t n, const char *step)
{
    if (rc != LNT_ERR_NOMEM && rc != LNT_ERR_DB && rc != LNT_ERR_IO)
        fail_msg("allocation %llu failed in %s: %s (%s)", (unsigned long long)n, step,
                 lnt_strerror(rc), err);
    if (err[0] == '\0')
        fail_msg("allocation %llu failed in %s: %s with no message", (unsigned long long)n, step,
                 lnt_strerror(rc));
}

/* The round, stopping at the first step that fails. */
static void run_round(const char *dir, struct round *r, uint64_t n)
{
    static struct lnt_identity id; /* 34 KiB */
    struct lnt_outbox *ob = NULL;
    struct lnt_event got[EVENTS];
    struct lnt_ingest_result res[EVENTS];
    char err[LNT_ERRBUF_SIZE] = "";
    size_t k = 0;
    enum lnt_err rc;

    rc = lnt_outbox_open(dir, &ob, err);
    if (rc != LNT_OK) {
        assert_failed(rc, err, n, "open");
        assert_null(ob);
        return;
    }
    rc = lnt_outbox_identity_get(ob, &id, err);
    if (rc != LNT_OK) {
        assert_failed(rc, err, n, "identity");
        goto out;
    }
    memcpy(r->pk, id.pk, sizeof r->pk);
    for (r->saved = 0; r->saved < EVENTS; r->saved++) {
        struct lnt_event *ev = &r->ev[r->saved];
        rc = ev->type == LNT_EV_INCIDENT ? lnt_outbox_append_report(ob, ev, 0, 0, err)
                                         : lnt_outbox_append(ob, ev, err);
        if (rc != LNT_OK) {
            assert_failed(rc, err, n, "append");
            assert_int_equal(ev->seq, 0); /* nothing was saved */
            goto out;
        }
    }
    rc = lnt_outbox_peek(ob, got, EVENTS, &k, err);
    if (rc != LNT_OK) {
        assert_failed(rc, err, n, "peek");
        goto out;
    }
    assert_int_equal(k, EVENTS);
    memset(res, 0, sizeof res);
    for (size_t i = 0; i < k; i++) {
        res[i].seq = got[i].seq;
        res[i].status = LNT_INGEST_ACCEPTED;
    }
    rc = lnt_outbox_ack(ob, res, k, err);
    if (rc != LNT_OK) {
        assert_failed(rc, err, n, "ack");
        goto out;
    }
    r->acked = true;
    lnt_outbox_free(ob);
    ob = NULL;
    rc = lnt_outbox_open(dir, &ob, err);
    if (rc != LNT_OK)
        assert_failed(rc, err, n, "reopen");
out:
    lnt_outbox_free(ob);
}

/* Disarmed: the file opens, holds exactly what the round committed, and the round finishes. */
static void check_after(const char *dir, struct round *r, uint64_t n)
{
    static struct lnt_identity id;
    static const uint8_t zero[LNT_SIGN_PK_LEN];
    struct lnt_outbox *ob = NULL;
    struct lnt_event got[EVENTS];
    struct lnt_ingest_result res[EVENTS];
    char err[LNT_ERRBUF_SIZE] = "";
    size_t want = r->acked ? 0 : r->saved;
    size_t k = 0;
    int64_t count = -1;
    bool on = false;
    int64_t since = 0;

    if (lnt_outbox_open(dir, &ob, err) != LNT_OK)
        fail_msg("allocation %llu failed, then the outbox does not open: %s", (unsigned long long)n,
                 err);
    assert_int_equal(lnt_outbox_identity_get(ob, &id, err), LNT_OK);
    assert_memory_not_equal(id.pk, zero, sizeof zero);
    if (memcmp(r->pk, zero, sizeof zero) != 0)
        assert_memory_equal(id.pk, r->pk, sizeof r->pk); /* the kiosk's key never changes */
    assert_int_equal(lnt_outbox_count(ob, &count, err), LNT_OK);
    if (count != (int64_t)want)
        fail_msg("allocation %llu failed: %lld events unsent, %zu committed", (unsigned long long)n,
                 (long long)count, want);
    assert_int_equal(lnt_outbox_peek(ob, got, EVENTS, &k, err), LNT_OK);
    assert_int_equal(k, want);
    for (size_t i = 0; i < k; i++) {
        assert_int_equal(got[i].seq, r->ev[i].seq);
        assert_string_equal(got[i].uuid, r->ev[i].uuid);
        assert_int_equal(got[i].type, r->ev[i].type);
    }
    assert_int_equal(lnt_outbox_on_shift_get(ob, "12", &on, &since, err), LNT_OK);
    assert_int_equal(on, r->saved > 0);
    assert_int_equal(lnt_outbox_open_count(ob, &count, err), LNT_OK);
    assert_int_equal(count, 0); /* the report was saved complete, or not at all */

    /* The rest of the round: later events take the next seq, never one used before. */
    for (size_t i = r->saved; i < EVENTS; i++) {
        assert_int_equal(lnt_outbox_append(ob, &r->ev[i], err), LNT_OK);
        assert_int_equal(r->ev[i].seq, (int64_t)i + 1);
    }
    if (!r->acked) {
        assert_int_equal(lnt_outbox_peek(ob, got, EVENTS, &k, err), LNT_OK);
        assert_int_equal(k, EVENTS);
        for (size_t i = 0; i < k; i++) {
            res[i].seq = got[i].seq;
            res[i].status = LNT_INGEST_ACCEPTED;
            res[i].reason[0] = '\0';
        }
        assert_int_equal(lnt_outbox_ack(ob, res, k, err), LNT_OK);
    }
    assert_int_equal(lnt_outbox_count(ob, &count, err), LNT_OK);
    assert_int_equal(count, 0);
    lnt_outbox_free(ob);
}

/* Open, save, take a batch, mark it sent, open again: every allocation failed once. */
static void test_outbox_failalloc__round(void **state)
{
    char *top = lnt_test_tmpdir();
    uint64_t n;
    (void)state;

    assert_non_null(top);
    for (n = 1; n < SITES_MAX; n++) {
        struct round r;
        char name[32];
        char *dir;
        size_t live;

        snprintf(name, sizeof name, "n%llu", (unsigned long long)n);
        dir = lnt_test_path(top, name);
        assert_int_equal(mkdir(dir, 0700), 0);
        memset(&r, 0, sizeof r);
        events_of(r.ev);
        live = lnt_fa_live();
        lnt_fa_arm(n, false);
        run_round(dir, &r, n);
        lnt_fa_disarm();
        if (lnt_fa_live() != live)
            fail_msg("allocation %llu failed: %zu blocks left behind", (unsigned long long)n,
                     lnt_fa_live() - live);
        check_after(dir, &r, n);
        lnt_test_rmrf(dir);
        free(dir);
        if (!lnt_fa_hit())
            break;
    }
    assert_true(n < SITES_MAX);
    if (lnt_fa_leaked())
        fail_msg("memory leaked on a failure path (see the leak report above)");
    print_message("round: %llu allocation sites\n", (unsigned long long)(n - 1));
    lnt_test_rmrf(top);
    free(top);
}

/* The seam itself: the outbox's allocations (SQLite's among them) reach the counter. */
static void test_outbox_failalloc__allocations_are_counted(void **state)
{
    char *dir = lnt_test_tmpdir();
    struct lnt_outbox *ob = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    assert_non_null(dir);
    lnt_fa_reset();
    assert_int_equal(lnt_outbox_open(dir, &ob, err), LNT_OK);
    lnt_outbox_free(ob);
    assert_true(lnt_fa_count() > 0);
    ob = NULL;
    lnt_fa_arm(1, true);
    assert_int_not_equal(lnt_outbox_open(dir, &ob, err), LNT_OK);
    lnt_fa_disarm();
    assert_true(lnt_fa_hit());
    assert_null(ob);
    lnt_test_rmrf(dir);
    free(dir);
}

/* A failed assertion leaves the loop armed: disarm before the next test. */
static int disarm(void **state)
{
    (void)state;
    lnt_fa_disarm();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_outbox_failalloc__allocations_are_counted, disarm),
        cmocka_unit_test_teardown(test_outbox_failalloc__round, disarm),
    };

    if (!lnt_fa_install() || lnt_crypto_init() != LNT_OK) {
        fprintf(stderr, "test_outbox_failalloc: SQLite was initialised before the allocator\n");
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
