/* test_sync_backoff.c - retry pacing: doubling from 1 s, capped at 60 s, jittered by +/-20%, reset
 * on success. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sync.h"

#define NOW 1000000

static void test_sync_backoff__ready_before_any_failure(void **state)
{
    struct lnt_backoff b;

    (void)state;
    lnt_sync_backoff_init(&b);
    assert_true(lnt_sync_backoff_ready(&b, 0));
    assert_true(lnt_sync_backoff_ready(&b, NOW));
}

static void test_sync_backoff__grows_and_caps_at_60s(void **state)
{
    static const int64_t want[] = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
    struct lnt_backoff b;
    int64_t now = NOW;

    (void)state;
    lnt_sync_backoff_init(&b);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        /* rnd chosen for zero jitter: the middle of [-span, +span] */
        uint32_t mid = (uint32_t)(want[i] * 20 / 100);
        lnt_sync_backoff_fail(&b, now, mid);
        assert_int_equal(b.base_ms, want[i]);
        assert_int_equal(b.delay_ms, want[i]);
        assert_false(lnt_sync_backoff_ready(&b, now + b.delay_ms - 1));
        assert_true(lnt_sync_backoff_ready(&b, now + b.delay_ms));
        now += b.delay_ms;
    }
    assert_int_equal(b.failures, 9);
}

static void test_sync_backoff__jitter_within_20_percent(void **state)
{
    struct lnt_backoff b;
    int64_t lo = INT64_MAX, hi = 0;

    (void)state;
    for (uint32_t r = 0; r < 20000; r += 7) {
        lnt_sync_backoff_init(&b);
        for (int i = 0; i < 4; i++) /* base 8 s */
            lnt_sync_backoff_fail(&b, NOW, r * 2654435761u);
        assert_int_equal(b.base_ms, 8000);
        assert_true(b.delay_ms >= 6400 && b.delay_ms <= 9600);
        lo = b.delay_ms < lo ? b.delay_ms : lo;
        hi = b.delay_ms > hi ? b.delay_ms : hi;
    }
    /* It really varies, over most of the range. */
    assert_true(lo < 6800);
    assert_true(hi > 9200);

    /* At the cap, jitter never takes the delay over 60 s. */
    for (uint32_t r = 0; r < 5000; r++) {
        lnt_sync_backoff_init(&b);
        for (int i = 0; i < 12; i++)
            lnt_sync_backoff_fail(&b, NOW, r * 2654435761u);
        assert_true(b.delay_ms >= 48000 && b.delay_ms <= 60000);
    }
}

static void test_sync_backoff__resets_on_success(void **state)
{
    struct lnt_backoff b;

    (void)state;
    lnt_sync_backoff_init(&b);
    for (int i = 0; i < 5; i++)
        lnt_sync_backoff_fail(&b, NOW, 0);
    assert_false(lnt_sync_backoff_ready(&b, NOW + 1));
    lnt_sync_backoff_ok(&b);
    assert_true(lnt_sync_backoff_ready(&b, NOW + 1));
    assert_int_equal(b.failures, 0);
    lnt_sync_backoff_fail(&b, NOW, (uint32_t)(1000 * 20 / 100));
    assert_int_equal(b.delay_ms, 1000);
}

static void test_sync_backoff__enrolment_codes(void **state)
{
    (void)state;
    assert_true(lnt_sync_code_valid("ABCD-EFGH-JKLM"));
    assert_true(lnt_sync_code_valid("abcdefghjklm"));
    assert_false(lnt_sync_code_valid(""));
    assert_false(lnt_sync_code_valid("ABCD EFGH"));
    assert_false(lnt_sync_code_valid("ABCD\"}"));
    assert_false(lnt_sync_code_valid("ABCDEFGHJKLMNPQRSTUVWXYZ234567890"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sync_backoff__ready_before_any_failure),
        cmocka_unit_test(test_sync_backoff__grows_and_caps_at_60s),
        cmocka_unit_test(test_sync_backoff__jitter_within_20_percent),
        cmocka_unit_test(test_sync_backoff__resets_on_success),
        cmocka_unit_test(test_sync_backoff__enrolment_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
