/* test_event.c - wire names of event types, verdicts and SIA states. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "event.h"

static void test_event__type_names_round_trip(void **state)
{
    static const char *const names[] = {"sign_in",   "sign_out", "badge_refused",
                                        "incident",  "stock",    "shift_start",
                                        "shift_end", "welfare",  "door_refused"};
    (void)state;

    for (int t = 1; t <= LNT_EV__MAX; t++) {
        enum lnt_event_type back = LNT_EV_NONE;
        assert_string_equal(lnt_event_type_name((enum lnt_event_type)t), names[t - 1]);
        assert_int_equal(lnt_event_type_parse(names[t - 1], &back), LNT_OK);
        assert_int_equal(back, t);
    }
}

static void test_event__parse_refuses_near_misses(void **state)
{
    static const char *const bad[] = {"",         "none",    "unknown", "SIGN_IN",
                                      "sign_in ", "sign-in", "sign"};
    enum lnt_event_type t = LNT_EV_STOCK;
    enum lnt_verdict v = LNT_VERDICT_RED;
    enum lnt_sia_status s = LNT_SIA_MISSING;
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(lnt_event_type_parse(bad[i], &t), LNT_ERR_INVALID);
    assert_int_equal(lnt_event_type_parse(NULL, &t), LNT_ERR_INVALID);
    assert_int_equal(t, LNT_EV_STOCK); /* left alone */
    assert_int_equal(lnt_verdict_parse("Green", &v), LNT_ERR_INVALID);
    assert_int_equal(lnt_verdict_parse("unknown", &v), LNT_ERR_INVALID);
    assert_int_equal(v, LNT_VERDICT_RED);
    assert_int_equal(lnt_sia_status_parse("not-required", &s), LNT_ERR_INVALID);
    assert_int_equal(s, LNT_SIA_MISSING);
}

static void test_event__verdict_and_sia_names(void **state)
{
    enum lnt_verdict v;
    enum lnt_sia_status s;
    (void)state;

    assert_string_equal(lnt_verdict_name(LNT_VERDICT_AMBER), "amber");
    assert_int_equal(lnt_verdict_parse("red", &v), LNT_OK);
    assert_int_equal(v, LNT_VERDICT_RED);
    assert_string_equal(lnt_sia_status_name(LNT_SIA_NOT_REQUIRED), "not_required");
    assert_string_equal(lnt_sia_status_name(LNT_SIA_EXPIRING), "expiring");
    assert_int_equal(lnt_sia_status_parse("missing", &s), LNT_OK);
    assert_int_equal(s, LNT_SIA_MISSING);
}

static void test_event__out_of_range_values_are_unknown(void **state)
{
    (void)state;
    assert_string_equal(lnt_event_type_name(LNT_EV_NONE), "unknown");
    assert_string_equal(lnt_event_type_name((enum lnt_event_type)99), "unknown");
    assert_string_equal(lnt_event_type_name((enum lnt_event_type) - 1), "unknown");
    assert_string_equal(lnt_verdict_name((enum lnt_verdict)0), "unknown");
    assert_string_equal(lnt_sia_status_name((enum lnt_sia_status)8), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event__type_names_round_trip),
        cmocka_unit_test(test_event__parse_refuses_near_misses),
        cmocka_unit_test(test_event__verdict_and_sia_names),
        cmocka_unit_test(test_event__out_of_range_values_are_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
