/* test_night.c - London local time, nights that run past midnight, trading patterns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ltime.h"
#include "night.h"

static int64_t at(const char *s)
{
    int64_t t = 0;
    assert_int_equal(lnt_time_parse(s, &t), LNT_OK);
    return t;
}

static int32_t day(const char *s)
{
    int32_t d = 0;
    assert_int_equal(lnt_date_parse(s, &d), LNT_OK);
    return d;
}

static void test_night__london_summer_time_edges(void **state)
{
    (void)state;
    /* 2026: BST from Sun 29 March 01:00 UTC to Sun 25 October 01:00 UTC. */
    assert_int_equal(lnt_london_offset(at("2026-03-29T00:59:59Z")), 0);
    assert_int_equal(lnt_london_offset(at("2026-03-29T01:00:00Z")), 3600);
    assert_int_equal(lnt_london_offset(at("2026-10-25T00:59:59Z")), 3600);
    assert_int_equal(lnt_london_offset(at("2026-10-25T01:00:00Z")), 0);
    assert_int_equal(lnt_london_offset(at("2026-01-15T12:00:00Z")), 0);
    assert_int_equal(lnt_london_offset(at("2026-07-15T12:00:00Z")), 3600);
    /* 2027: 28 March and 31 October. */
    assert_int_equal(lnt_london_offset(at("2027-03-28T01:00:00Z")), 3600);
    assert_int_equal(lnt_london_offset(at("2027-10-31T00:30:00Z")), 3600);
    assert_int_equal(lnt_london_offset(at("2027-10-31T01:00:00Z")), 0);
}

static void test_night__small_hours_belong_to_the_evening_before(void **state)
{
    (void)state;
    assert_int_equal(lnt_weekday(day("2026-11-27")), 4); /* a Friday */
    /* Friday 23:30 and Saturday 02:30 (GMT) are both Friday night. */
    assert_int_equal(lnt_night_of(at("2026-11-27T23:30:00Z")), day("2026-11-27"));
    assert_int_equal(lnt_night_of(at("2026-11-28T02:30:00Z")), day("2026-11-27"));
    assert_int_equal(lnt_night_of(at("2026-11-28T05:59:59Z")), day("2026-11-27"));
    assert_int_equal(lnt_night_of(at("2026-11-28T06:00:00Z")), day("2026-11-28"));
    /* In summer, 05:30 UTC is 06:30 BST: already the next trading day. */
    assert_int_equal(lnt_night_of(at("2026-07-04T05:30:00Z")), day("2026-07-04"));
    assert_int_equal(lnt_night_of(at("2026-07-04T04:30:00Z")), day("2026-07-03"));
}

/* The London calendar date turns at local midnight, in both GMT and BST. */
static void test_night__london_date_turns_at_local_midnight(void **state)
{
    (void)state;
    assert_int_equal(lnt_london_date(at("2026-12-04T23:59:59Z")), day("2026-12-04"));
    assert_int_equal(lnt_london_date(at("2026-12-05T00:00:00Z")), day("2026-12-05"));
    assert_int_equal(lnt_london_date(at("2026-12-05T02:30:00Z")), day("2026-12-05"));
    assert_int_equal(lnt_london_date(at("2026-12-05T05:59:00Z")), day("2026-12-05"));
    /* 23:30 UTC in summer is 00:30 BST: already the next London day */
    assert_int_equal(lnt_london_date(at("2026-07-10T22:59:59Z")), day("2026-07-10"));
    assert_int_equal(lnt_london_date(at("2026-07-10T23:30:00Z")), day("2026-07-11"));
    /* the nights the clocks change */
    assert_int_equal(lnt_london_date(at("2026-03-28T23:59:59Z")), day("2026-03-28"));
    assert_int_equal(lnt_london_date(at("2026-03-29T01:30:00Z")), day("2026-03-29"));
    assert_int_equal(lnt_london_date(at("2026-10-24T23:30:00Z")), day("2026-10-25"));
    assert_int_equal(lnt_london_date(at("2026-10-25T01:30:00Z")), day("2026-10-25"));
}

static void test_night__trading_patterns_parse_and_format(void **state)
{
    struct lnt_trading t;
    char err[LNT_ERRBUF_SIZE];
    char out[128];
    (void)state;

    assert_int_equal(lnt_trading_parse("Thu-Sat 20:00-03:00; Sun 18:00-23:30", &t, err), LNT_OK);
    assert_false(t.open[0]);
    assert_true(t.open[3] && t.open[4] && t.open[5] && t.open[6]);
    assert_int_equal(t.open_min[4], 20 * 60);
    assert_int_equal(t.close_min[4], 27 * 60);
    assert_int_equal(t.close_min[6], 23 * 60 + 30);
    assert_int_equal(lnt_trading_format(&t, out, sizeof out), LNT_OK);
    assert_string_equal(out, "Thu-Sat 20:00-03:00; Sun 18:00-23:30");

    assert_int_equal(lnt_trading_parse("Sat-Mon 21:00-02:00", &t, err), LNT_OK);
    assert_true(t.open[5] && t.open[6] && t.open[0]);
    assert_false(t.open[1]);
    assert_int_equal(lnt_trading_parse("Fri,Sat 22:00-04:00", &t, err), LNT_OK);
    assert_int_equal(lnt_trading_count(&t, day("2026-11-23"), day("2026-11-29")), 2);
    assert_true(lnt_trading_is_night(&t, day("2026-11-27")));
    assert_false(lnt_trading_is_night(&t, day("2026-11-26")));

    assert_int_equal(lnt_trading_parse("Fry 20:00-03:00", &t, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "`Fry`"));
    assert_int_equal(lnt_trading_parse("Fri 20:00", &t, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_trading_parse("Fri 25:00-03:00", &t, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_trading_parse("Fri 20:00-03:00; Fri 21:00-02:00", &t, err),
                     LNT_ERR_INVALID);
    assert_non_null(strstr(err, "segment 2"));
    assert_int_equal(lnt_trading_parse("", &t, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_trading_parse(lnt_trading_default("nightclub"), &t, err), LNT_OK);
    assert_int_equal(lnt_trading_parse(lnt_trading_default("pub"), &t, err), LNT_OK);
    assert_int_equal(lnt_trading_count(&t, day("2026-11-23"), day("2026-11-29")), 7);
}

/* Stepping back by London days keeps the wall-clock time across both clock changes. */
static void test_night__days_before_keep_the_london_time(void **state)
{
    (void)state;
    /* 23:30 GMT on 10 January 2027, 90 days back: 23:30 BST on 12 October 2026 */
    assert_int_equal(lnt_london_days_before(at("2027-01-10T23:30:00Z"), 90),
                     at("2026-10-12T22:30:00Z"));
    /* 00:30 BST on 25 October 2026, one day back: 00:30 BST on the 24th (24 hours) */
    assert_int_equal(lnt_london_days_before(at("2026-10-24T23:30:00Z"), 1),
                     at("2026-10-23T23:30:00Z"));
    /* 12:00 GMT on 26 October, one day back across the change: 12:00 BST, 25 hours earlier */
    assert_int_equal(lnt_london_days_before(at("2026-10-26T12:00:00Z"), 1),
                     at("2026-10-25T12:00:00Z"));
    /* 12:00 BST on 30 March: 12:00 BST on the 29th (BST from 01:00), 12:00 GMT on the 28th */
    assert_int_equal(lnt_london_days_before(at("2026-03-30T11:00:00Z"), 1),
                     at("2026-03-29T11:00:00Z"));
    assert_int_equal(lnt_london_days_before(at("2026-03-30T11:00:00Z"), 2),
                     at("2026-03-28T12:00:00Z"));
    /* 01:30 on 29 March does not exist in London: an hour later, 02:30 BST */
    assert_int_equal(lnt_london_days_before(at("2026-03-30T00:30:00Z"), 1),
                     at("2026-03-29T01:30:00Z"));
    /* negative days step forwards */
    assert_int_equal(lnt_london_days_before(at("2026-10-12T22:30:00Z"), -90),
                     at("2027-01-10T23:30:00Z"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_night__london_summer_time_edges),
        cmocka_unit_test(test_night__small_hours_belong_to_the_evening_before),
        cmocka_unit_test(test_night__london_date_turns_at_local_midnight),
        cmocka_unit_test(test_night__days_before_keep_the_london_time),
        cmocka_unit_test(test_night__trading_patterns_parse_and_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
