/* test_web_period.c - the dashboard's period arithmetic: police quarters, the same weekday a
 * year before, and the end of a trading night across London's clock changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ltime.h"
#include "night.h"
#include "web_int.h"

static int32_t day(int y, int m, int d)
{
    return lnt_days_from_civil(y, m, d);
}

static void assert_span(const struct web_span *s, int32_t first, int32_t last)
{
    char a[LNT_DATE_STRLEN], b[LNT_DATE_STRLEN], wa[LNT_DATE_STRLEN], wb[LNT_DATE_STRLEN];
    assert_int_equal(lnt_date_format(s->first, a), LNT_OK);
    assert_int_equal(lnt_date_format(s->last, b), LNT_OK);
    assert_int_equal(lnt_date_format(first, wa), LNT_OK);
    assert_int_equal(lnt_date_format(last, wb), LNT_OK);
    assert_string_equal(a, wa);
    assert_string_equal(b, wb);
}

static void test_web_period__quarter_against_the_same_nights_of_the_last(void **state)
{
    struct web_span a, b;
    (void)state;

    /* early in a quarter: the first 5 nights of each */
    web_period_quarters(day(2026, 10, 5), &a, &b);
    assert_span(&a, day(2026, 10, 1), day(2026, 10, 5));
    assert_span(&b, day(2026, 7, 1), day(2026, 7, 5));
    /* a whole January-March quarter (90 nights) against the first 90 of October-December */
    web_period_quarters(day(2026, 3, 31), &a, &b);
    assert_span(&a, day(2026, 1, 1), day(2026, 3, 31));
    assert_span(&b, day(2025, 10, 1), day(2025, 12, 29));
    /* April-June has 91 nights, January-March 90: the quarter before ends where it ends */
    web_period_quarters(day(2026, 6, 30), &a, &b);
    assert_span(&a, day(2026, 4, 1), day(2026, 6, 30));
    assert_span(&b, day(2026, 1, 1), day(2026, 3, 31));
    /* across a year's turn, and in a leap year */
    web_period_quarters(day(2028, 2, 29), &a, &b);
    assert_span(&a, day(2028, 1, 1), day(2028, 2, 29));
    assert_span(&b, day(2027, 10, 1), day(2027, 11, 29));
}

static void test_web_period__same_friday_last_year(void **state)
{
    struct web_span a, b;
    int32_t fri;
    (void)state;

    /* the last Friday on or before Wednesday 18 November 2026 is the 13th */
    fri = web_period_weekday_on_or_before(day(2026, 11, 18), 4);
    assert_int_equal(fri, day(2026, 11, 13));
    assert_int_equal(web_period_weekday_on_or_before(fri, 4), fri);
    web_period_last_year(fri, &a, &b);
    assert_span(&a, fri, fri);
    /* 52 weeks back is Friday 14 November 2025, not the calendar date (a Thursday) */
    assert_span(&b, day(2025, 11, 14), day(2025, 11, 14));
    assert_int_equal(lnt_weekday(b.first), 4);
    /* across 29 February: still a Friday */
    web_period_last_year(day(2028, 3, 3), &a, &b);
    assert_int_equal(lnt_weekday(b.first), 4);
    assert_span(&b, day(2027, 3, 5), day(2027, 3, 5));
}

/* "As at" a date is the end of that trading night: 06:00 London time the next morning. */
static void test_web_period__as_at_is_the_end_of_the_trading_night(void **state)
{
    static const struct {
        int y, m, d;
        const char *end; /* the last second of the night, UTC */
    } cases[] = {
        {2026, 11, 13, "2026-11-14T05:59:59Z"}, /* a winter Friday: GMT */
        {2026, 7, 17, "2026-07-18T04:59:59Z"},  /* a summer Friday: BST */
        {2026, 3, 27, "2026-03-28T05:59:59Z"},  /* Friday before the spring change: GMT */
        {2026, 3, 28, "2026-03-29T04:59:59Z"},  /* Saturday night into the change: BST by 06:00 */
        {2026, 10, 24, "2026-10-25T05:59:59Z"}, /* Saturday night into the autumn change: GMT */
        {2026, 10, 23, "2026-10-24T04:59:59Z"}, /* the Friday before it: still BST */
    };
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int32_t night = day(cases[i].y, cases[i].m, cases[i].d);
        int64_t want, got = lnt_night_end(night), parsed;
        char text[LNT_DATE_STRLEN];
        int32_t parsed_night;
        assert_int_equal(lnt_time_parse(cases[i].end, &want), LNT_OK);
        if (got != want)
            fail_msg("night %d-%02d-%02d ends %lld, expected %s", cases[i].y, cases[i].m,
                     cases[i].d, (long long)got, cases[i].end);
        assert_int_equal(lnt_night_of(got), night);
        assert_int_equal(lnt_night_of(got + 1), night + 1);
        /* the API's and the dashboard's one reading of a date */
        assert_int_equal(lnt_date_format(night, text), LNT_OK);
        assert_int_equal(lnt_as_at_parse(text, &parsed, &parsed_night), LNT_OK);
        assert_int_equal(parsed, want);
        assert_int_equal(parsed_night, night);
    }
}

static void test_web_period__as_at_refuses_what_is_not_a_date(void **state)
{
    static const char *const bad[] = {"",           "last friday", "2026-13-01",
                                      "2026-02-30", "14/11/2026",  "2026-11-14x"};
    int64_t at;
    int32_t night;
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (lnt_as_at_parse(bad[i], &at, &night) != LNT_ERR_INVALID)
            fail_msg("`%s` was read as a date", bad[i]);
    assert_int_equal(lnt_as_at_parse("2026-11-14T23:05:00Z", &at, &night), LNT_OK);
    assert_int_equal(night, 0); /* an instant, not a night */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_web_period__quarter_against_the_same_nights_of_the_last),
        cmocka_unit_test(test_web_period__same_friday_last_year),
        cmocka_unit_test(test_web_period__as_at_is_the_end_of_the_trading_night),
        cmocka_unit_test(test_web_period__as_at_refuses_what_is_not_a_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
