/*
 * test_codec_failalloc.c - the wire codec and badges when memory runs out: every allocation on
 * the path of encoding and decoding a batch, a reply and a badge is failed in turn
 * (support/failalloc.h); each run ends in an error saying so or in the right answer, and leaks
 * nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "badge.h"
#include "buf.h"
#include "codec.h"
#include "failalloc.h"
#include "ltime.h"
#include "wire.h"

#define T0 1795730463 /* 2026-11-26T22:01:03Z */
#define NOW INT64_C(1795000000)
/* Far more allocations than any path here makes: a loop that gets this far is not ending. */
#define SITES_MAX 100000

/* One event of every type, as a kiosk fills them (text with quotes and a dash: the full decoder).
 */
static size_t every_type(struct lnt_event ev[7])
{
    memset(ev, 0, 7 * sizeof *ev);
    for (int i = 0; i < 7; i++) {
        ev[i].seq = 10 + i;
        snprintf(ev[i].uuid, sizeof ev[i].uuid, "5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a%02u",
                 (unsigned)i % 100u);
        ev[i].type = (enum lnt_event_type)(i + 1);
        ev[i].occurred_at = T0 + i * 60;
        ev[i].recorded_at = T0 + i * 60 + 2;
    }
    for (int i = 0; i < 2; i++) {
        struct lnt_ev_badge *b = &ev[i].u.badge;
        lnt_str_copy(b->staff_id, sizeof b->staff_id, "12");
        lnt_str_copy(b->serial, sizeof b->serial, "a1b2c3d4e5f60718");
        b->role = LNT_ROLE_DOOR;
        lnt_str_copy(b->sia_number, sizeof b->sia_number, "1234567812345678");
        b->sia_expires = lnt_days_from_civil(2027, 5, 1);
        b->sia_status = LNT_SIA_VALID;
        b->verdict = LNT_VERDICT_GREEN;
    }
    ev[2].u.refused.reason = LNT_BADGE_REVOKED;
    lnt_str_copy(ev[3].u.incident.report_id, LNT_UUID_STRLEN,
                 "0d9e8f7a-6b5c-4d3e-9f1a-2b3c4d5e6f70");
    lnt_str_copy(ev[3].u.incident.kind, LNT_SHORT_TEXT, "angela");
    ev[3].u.incident.severity = 3;
    lnt_str_copy(ev[3].u.incident.place, LNT_SHORT_TEXT, "bar \"upstairs\" – back");
    lnt_str_copy(ev[3].u.incident.outcome, LNT_SHORT_TEXT, "taxi home");
    ev[3].u.incident.complete = true;
    lnt_str_copy(ev[3].u.incident.staff_id, 17, "12");
    lnt_str_copy(ev[3].u.incident.sealed, LNT_SEALED_MAX, "c2VhbGVkIGRldGFpbHM=");
    lnt_str_copy(ev[4].u.stock.kind, sizeof ev[4].u.stock.kind, "delivery");
    ev[4].u.stock.quantity = 500;
    lnt_str_copy(ev[4].u.stock.staff_id, 17, "7");
    for (int i = 5; i < 7; i++) {
        struct lnt_ev_shift *s = &ev[i].u.shift;
        lnt_str_copy(s->staff_id, sizeof s->staff_id, "900");
        lnt_str_copy(s->call_sign, sizeof s->call_sign, "Pastor 2");
        lnt_str_copy(s->team, sizeof s->team, "Street Pastors");
        s->team_size = 4;
        for (int k = 0; k < 8; k++)
            s->tallies[k] = i == 6 ? k * 5 : 0;
    }
    return 7;
}

/*
 * The failure loop: runs `op` with the n-th allocation failing for n = 1, 2, ... until a run
 * no longer reaches its n-th allocation. `op` checks its own outcome (an error naming the lack
 * of memory, or the right answer) and releases what it made; afterwards the blocks this
 * allocator sees alive must be those alive before. Returns how many allocations the path makes.
 */
static uint64_t every_failure(void (*op)(void *ctx, uint64_t n), void *ctx)
{
    uint64_t n;

    for (n = 1; n < SITES_MAX; n++) {
        size_t live = lnt_fa_live();

        lnt_fa_arm(n, false);
        op(ctx, n);
        lnt_fa_disarm();
        if (lnt_fa_live() != live)
            fail_msg("allocation %llu failed: %zu blocks left behind", (unsigned long long)n,
                     lnt_fa_live() - live);
        if (!lnt_fa_hit())
            break;
    }
    assert_true(n < SITES_MAX);
    if (lnt_fa_leaked())
        fail_msg("memory leaked on a failure path (see the leak report above)");
    print_message("%llu allocation sites\n", (unsigned long long)(n - 1));
    return n - 1;
}

/* An error from a failed allocation is that, in code and words. */
static void assert_nomem(enum lnt_err rc, const char *err, uint64_t n)
{
    if (rc != LNT_ERR_NOMEM)
        fail_msg("allocation %llu failed: %s (%s), not out of memory", (unsigned long long)n,
                 lnt_strerror(rc), err);
    if (strstr(err, "out of memory") == NULL)
        fail_msg("allocation %llu failed: message \"%s\" does not say out of memory",
                 (unsigned long long)n, err);
}

struct batch_case {
    struct lnt_event ev[7];
    size_t n;
    char *text; /* the batch as encoded with memory to spare */
};

static void batch_encode_op(void *ctx, uint64_t n)
{
    struct batch_case *c = ctx;
    struct lnt_buf out;
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc;

    lnt_buf_init(&out, LNT_BATCH_BODY_MAX);
    rc = lnt_wire_batch_encode(3, c->ev, c->n, &out, err);
    if (rc == LNT_OK)
        assert_string_equal(out.data, c->text);
    else
        assert_nomem(rc, err, n);
    lnt_buf_release(&out);
}

static void batch_decode_op(void *ctx, uint64_t n)
{
    struct batch_case *c = ctx;
    struct lnt_batch b = {.kiosk_id = -1};
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc;

    rc = lnt_wire_batch_decode(c->text, strlen(c->text), &b, err);
    if (rc == LNT_OK) {
        assert_int_equal(b.kiosk_id, 3);
        assert_int_equal(b.n, c->n);
        for (size_t i = 0; i < c->n; i++)
            assert_memory_equal(&b.events[i], &c->ev[i], sizeof c->ev[i]);
        lnt_batch_release(&b);
    } else {
        /* Out of memory is not a malformed batch: the kiosk must not set good events aside. */
        assert_nomem(rc, err, n);
        assert_int_equal(b.kiosk_id, -1);
        assert_null(b.events);
    }
}

static void batch_setup(struct batch_case *c, size_t n)
{
    struct lnt_buf out;
    char err[LNT_ERRBUF_SIZE] = "";

    c->n = every_type(c->ev);
    if (n < c->n)
        c->n = n;
    lnt_buf_init(&out, LNT_BATCH_BODY_MAX);
    assert_int_equal(lnt_wire_batch_encode(3, c->ev, c->n, &out, err), LNT_OK);
    c->text = lnt_buf_detach(&out, NULL);
}

static void test_codec_failalloc__batch_encode(void **state)
{
    struct batch_case c;
    (void)state;

    batch_setup(&c, 7);
    assert_true(every_failure(batch_encode_op, &c) > 0);
    free(c.text);
}

/* Every type, with escapes: the full decoder's path. */
static void test_codec_failalloc__batch_decode_full(void **state)
{
    struct batch_case c;
    (void)state;

    batch_setup(&c, 7);
    assert_true(every_failure(batch_decode_op, &c) > 0);
    free(c.text);
}

/* Two plain sign-ins: the fast decoder's path. */
static void test_codec_failalloc__batch_decode_fast(void **state)
{
    struct batch_case c;
    struct lnt_batch b = {0};
    (void)state;

    batch_setup(&c, 2);
    assert_true(lnt_wire_batch_decode_fast(c.text, strlen(c.text), &b));
    lnt_batch_release(&b);
    assert_true(every_failure(batch_decode_op, &c) > 0);
    free(c.text);
}

struct event_case {
    struct lnt_event ev[7];
    char *text[7];
};

static void event_op(void *ctx, uint64_t n)
{
    struct event_case *c = ctx;
    char err[LNT_ERRBUF_SIZE] = "";

    for (size_t i = 0; i < 7; i++) {
        struct lnt_buf out;
        struct lnt_event ev;
        enum lnt_err rc;

        lnt_buf_init(&out, LNT_BATCH_BODY_MAX);
        rc = lnt_wire_event_encode(&c->ev[i], &out, err);
        if (rc == LNT_OK)
            assert_string_equal(out.data, c->text[i]);
        else
            assert_nomem(rc, err, n);
        lnt_buf_release(&out);
        memset(&ev, 0, sizeof ev);
        rc = lnt_wire_event_decode(c->text[i], strlen(c->text[i]), &ev, err);
        if (rc == LNT_OK)
            assert_memory_equal(&ev, &c->ev[i], sizeof ev);
        else
            assert_nomem(rc, err, n);
    }
}

/* The canonical form of each type, as the server stores and compares it. */
static void test_codec_failalloc__event_canonical(void **state)
{
    struct event_case c;
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    every_type(c.ev);
    for (size_t i = 0; i < 7; i++) {
        struct lnt_buf out;
        lnt_buf_init(&out, LNT_BATCH_BODY_MAX);
        assert_int_equal(lnt_wire_event_encode(&c.ev[i], &out, err), LNT_OK);
        c.text[i] = lnt_buf_detach(&out, NULL);
    }
    assert_true(every_failure(event_op, &c) > 0);
    for (size_t i = 0; i < 7; i++)
        free(c.text[i]);
}

struct reply_case {
    struct lnt_ingest_result r[4];
    char *text;
};

static void reply_op(void *ctx, uint64_t n)
{
    struct reply_case *c = ctx;
    struct lnt_ingest_result got[8];
    struct lnt_buf out;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t k = 0;
    enum lnt_err rc;

    lnt_buf_init(&out, LNT_BATCH_BODY_MAX);
    rc = lnt_wire_reply_encode(c->r, 4, &out, err);
    if (rc == LNT_OK)
        assert_string_equal(out.data, c->text);
    else
        assert_nomem(rc, err, n);
    lnt_buf_release(&out);
    rc = lnt_wire_reply_decode(c->text, strlen(c->text), got, 8, &k, err);
    if (rc == LNT_OK) {
        assert_int_equal(k, 4);
        for (size_t i = 0; i < 4; i++) {
            bool seen = false;
            for (size_t j = 0; j < k; j++)
                if (got[j].seq == c->r[i].seq) {
                    assert_int_equal(got[j].status, c->r[i].status);
                    assert_string_equal(got[j].reason, c->r[i].reason);
                    seen = true;
                }
            assert_true(seen);
        }
    } else {
        assert_nomem(rc, err, n);
    }
}

/* The server's reply with one of each status. */
static void test_codec_failalloc__reply(void **state)
{
    struct reply_case c;
    struct lnt_buf out;
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    memset(&c, 0, sizeof c);
    for (int i = 0; i < 4; i++) {
        c.r[i].seq = i + 1;
        c.r[i].status = (enum lnt_ingest_status)(i + 1);
    }
    lnt_str_copy(c.r[2].reason, sizeof c.r[2].reason, "stored before with other content");
    lnt_str_copy(c.r[3].reason, sizeof c.r[3].reason, "event 4: field `kind`: unknown");
    lnt_buf_init(&out, LNT_BATCH_BODY_MAX);
    assert_int_equal(lnt_wire_reply_encode(c.r, 4, &out, err), LNT_OK);
    c.text = lnt_buf_detach(&out, NULL);
    assert_true(every_failure(reply_op, &c) > 0);
    free(c.text);
}

struct badge_case {
    struct lnt_signing_key key;
    struct lnt_trusted_key trusted;
    struct lnt_trust trust;
    struct lnt_badge_claims claims;
    char text[LNT_BADGE_MAX_TEXT + 1];
};

static void badge_issue_op(void *ctx, uint64_t n)
{
    struct badge_case *c = ctx;
    char text[LNT_BADGE_MAX_TEXT + 1] = "";
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc;

    rc = lnt_badge_issue(&c->claims, &c->key, text, sizeof text, err);
    if (rc == LNT_OK)
        assert_string_equal(text, c->text); /* Ed25519 signatures are deterministic */
    else
        assert_nomem(rc, err, n);
}

static void badge_verify_op(void *ctx, uint64_t n)
{
    struct badge_case *c = ctx;
    struct lnt_badge_claims got;
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_badge_reason r;

    r = lnt_badge_verify(c->text, &c->trust, NOW, &got, err);
    if (r == LNT_BADGE_VALID) {
        assert_string_equal(got.subject, c->claims.subject);
        assert_string_equal(got.name, c->claims.name);
        assert_memory_equal(got.serial, c->claims.serial, LNT_SERIAL_LEN);
        assert_int_equal(got.n_courses, c->claims.n_courses);
    } else {
        /* Refused for want of memory: nothing of the badge is handed out, the door is told it
         * cannot be checked (never that it is forged, expired or revoked), and the log why. */
        struct lnt_badge_claims zero;
        memset(&zero, 0, sizeof zero);
        assert_memory_equal(&got, &zero, sizeof got);
        if (r != LNT_BADGE_MALFORMED || strstr(err, "out of memory") == NULL)
            fail_msg("allocation %llu failed: refused as %s: %s", (unsigned long long)n,
                     lnt_badge_reason_code(r), err);
    }
}

/* A door supervisor's badge with two courses, its key and a trust list holding it. */
static struct badge_case *badge_setup(void)
{
    static const uint8_t serial[LNT_SERIAL_LEN] = {1, 2, 3, 4, 5, 6, 7, 8};
    struct badge_case *c = calloc(1, sizeof *c);
    char err[LNT_ERRBUF_SIZE] = "";

    assert_non_null(c);
    lnt_badge_keygen(&c->key);
    memcpy(c->trusted.kid, c->key.kid, LNT_KID_LEN);
    memcpy(c->trusted.pk, c->key.pk, LNT_SIGN_PK_LEN);
    c->trust.scheme = "WTN";
    c->trust.keys = &c->trusted;
    c->trust.n_keys = 1;
    lnt_str_copy(c->claims.issuer, sizeof c->claims.issuer, "WTN");
    lnt_str_copy(c->claims.subject, sizeof c->claims.subject, "4711");
    memcpy(c->claims.serial, serial, LNT_SERIAL_LEN);
    c->claims.issued_at = NOW - 3600;
    c->claims.expires_at = NOW + 180 * 86400;
    lnt_str_copy(c->claims.name, sizeof c->claims.name, "Zoë Adeyemi-Clarke");
    c->claims.role = LNT_ROLE_DOOR;
    c->claims.venue = 42;
    lnt_str_copy(c->claims.sia_number, sizeof c->claims.sia_number, "0123456789012345");
    c->claims.sia_expires = lnt_days_from_civil(2028, 6, 30);
    c->claims.n_courses = 2;
    c->claims.courses[0] = (struct lnt_badge_course){LNT_COURSE_SPIKING, 20800};
    c->claims.courses[1] = (struct lnt_badge_course){LNT_COURSE_BYSTANDER, 0};
    assert_int_equal(lnt_badge_issue(&c->claims, &c->key, c->text, sizeof c->text, err), LNT_OK);
    return c;
}

/* Issuing it: the training map of a badge whose courses could not all be built was leaked. */
static void test_codec_failalloc__badge_issue(void **state)
{
    struct badge_case *c = badge_setup();
    (void)state;

    assert_true(every_failure(badge_issue_op, c) > 0);
    free(c);
}

/* Verifying it at the door: a genuine badge checked short of memory was called forged. */
static void test_codec_failalloc__badge_verify(void **state)
{
    struct badge_case *c = badge_setup();
    (void)state;

    assert_true(every_failure(badge_verify_op, c) > 0);
    free(c);
}

/* The seam itself: the codec's allocations reach the counter, so the loops above test something. */
static void test_codec_failalloc__allocations_are_counted(void **state)
{
    struct batch_case c;
    (void)state;

    batch_setup(&c, 7);
    lnt_fa_reset();
    batch_decode_op(&c, 0);
    assert_true(lnt_fa_count() > 0);
    lnt_fa_arm(1, true);
    batch_decode_op(&c, 1);
    lnt_fa_disarm();
    assert_true(lnt_fa_hit());
    free(c.text);
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
        cmocka_unit_test_teardown(test_codec_failalloc__allocations_are_counted, disarm),
        cmocka_unit_test_teardown(test_codec_failalloc__batch_encode, disarm),
        cmocka_unit_test_teardown(test_codec_failalloc__batch_decode_full, disarm),
        cmocka_unit_test_teardown(test_codec_failalloc__batch_decode_fast, disarm),
        cmocka_unit_test_teardown(test_codec_failalloc__event_canonical, disarm),
        cmocka_unit_test_teardown(test_codec_failalloc__reply, disarm),
        cmocka_unit_test_teardown(test_codec_failalloc__badge_issue, disarm),
        cmocka_unit_test_teardown(test_codec_failalloc__badge_verify, disarm),
    };

    if (!lnt_fa_install() || lnt_crypto_init() != LNT_OK) {
        fprintf(stderr, "test_codec_failalloc: cannot route allocations\n");
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
