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

/* The one human form of a time: London wall clock and its zone, across both clock changes. */
static void test_night__local_time_names_the_london_clock_and_zone(void **state)
{
    char out[LNT_LOCAL_TIME_STRLEN];
    static const struct {
        const char *utc, *local;
    } cases[] = {
        /* summer: an hour ahead of UTC, and the date turns at local midnight */
        {"2026-09-12T00:25:00Z", "Sat 12 Sep 2026, 01:25 BST"},
        {"2026-09-11T23:30:00Z", "Sat 12 Sep 2026, 00:30 BST"},
        /* spring forward, Sun 29 March 2026 at 01:00 UTC: 00:59 GMT, then 02:00 BST */
        {"2026-03-29T00:59:00Z", "Sun 29 Mar 2026, 00:59 GMT"},
        {"2026-03-29T01:00:00Z", "Sun 29 Mar 2026, 02:00 BST"},
        /* fall back, Sun 25 October 2026: 01:30 happens twice, the zone tells them apart */
        {"2026-10-25T00:30:00Z", "Sun 25 Oct 2026, 01:30 BST"},
        {"2026-10-25T01:30:00Z", "Sun 25 Oct 2026, 01:30 GMT"},
        /* month and year turns in local time */
        {"2026-06-30T23:10:00Z", "Wed 1 Jul 2026, 00:10 BST"},
        {"2026-12-31T23:59:59Z", "Thu 31 Dec 2026, 23:59 GMT"},
        {"2027-01-01T00:00:00Z", "Fri 1 Jan 2027, 00:00 GMT"},
        {"2028-02-29T12:00:00Z", "Tue 29 Feb 2028, 12:00 GMT"},
    };
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(lnt_local_time_format(at(cases[i].utc), out), LNT_OK);
        assert_string_equal(out, cases[i].local);
    }
    assert_int_equal(lnt_local_time_format(-70000000000LL, out), LNT_ERR_INVALID);
    assert_string_equal(out, "");
}

static void test_night__local_date_names_the_weekday(void **state)
{
    char out[LNT_LOCAL_DATE_STRLEN];
    (void)state;

    assert_int_equal(lnt_local_date_format(day("2026-09-12"), out), LNT_OK);
    assert_string_equal(out, "Sat 12 Sep 2026");
    assert_int_equal(lnt_local_date_format(day("2026-11-01"), out), LNT_OK);
    assert_string_equal(out, "Sun 1 Nov 2026");
    assert_int_equal(lnt_local_date_format(day("2026-03-31"), out), LNT_OK);
    assert_string_equal(out, "Tue 31 Mar 2026");
    assert_int_equal(lnt_local_date_format(-800000, out), LNT_ERR_INVALID);
}

/* A score line written in UTC reads as the incident table does; ids and numbers stay. */
static void test_night__local_text_rewrites_utc_times_and_dates(void **state)
{
    char out[256], small[24];
    (void)state;

    assert_int_equal(
        lnt_local_text("violence, severity 3, at 2026-09-12T00:25:00Z: complete", out, sizeof out),
        LNT_OK);
    assert_string_equal(out, "violence, severity 3, at Sat 12 Sep 2026, 01:25 BST: complete");
    assert_int_equal(lnt_local_text("trading night of 2026-10-24 with no contact", out, sizeof out),
                     LNT_OK);
    assert_string_equal(out, "trading night of Sat 24 Oct 2026 with no contact");
    /* not times: ids with date-like runs, longer numbers, offsets other than Z, bad dates */
    assert_int_equal(lnt_local_text("r2026-09-12 x2026-09-12T00:25:00Z 12026-09-12 "
                                    "2026-09-12T00:25:00+01:00 2026-02-30 2026-09-123",
                                    out, sizeof out),
                     LNT_OK);
    assert_string_equal(out, "r2026-09-12 x2026-09-12T00:25:00Z 12026-09-12 "
                             "2026-09-12T00:25:00+01:00 2026-02-30 2026-09-123");
    assert_int_equal(lnt_local_text("", out, sizeof out), LNT_OK);
    assert_string_equal(out, "");
    /* cut to fit, never through a character */
    assert_int_equal(lnt_local_text("caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9", small, 16),
                     LNT_ERR_TOO_LARGE);
    assert_string_equal(small, "caf\xc3\xa9 caf\xc3\xa9 caf");
    assert_int_equal(lnt_local_text("at 2026-09-12T00:25:00Z", small, sizeof small),
                     LNT_ERR_TOO_LARGE);
    assert_string_equal(small, "at ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_night__london_summer_time_edges),
        cmocka_unit_test(test_night__local_time_names_the_london_clock_and_zone),
        cmocka_unit_test(test_night__local_date_names_the_weekday),
        cmocka_unit_test(test_night__local_text_rewrites_utc_times_and_dates),
        cmocka_unit_test(test_night__small_hours_belong_to_the_evening_before),
        cmocka_unit_test(test_night__london_date_turns_at_local_midnight),
        cmocka_unit_test(test_night__days_before_keep_the_london_time),
        cmocka_unit_test(test_night__trading_patterns_parse_and_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
