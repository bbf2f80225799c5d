/* test_staff_badge.c - issuing a staff member's badge: the training it carries on the London date,
 * its bounds, and recording it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "staff_badge.h"
#include "test_store_fixture.h"

static int64_t at(const char *rfc3339)
{
    int64_t t = 0;

    assert_int_equal(lnt_time_parse(rfc3339, &t), LNT_OK);
    return t;
}

static int32_t day(const char *date)
{
    int32_t d = 0;

    assert_int_equal(lnt_date_parse(date, &d), LNT_OK);
    return d;
}

/* The scheme with its secret signing key, as an issuer holds it. */
static void scheme(struct sf *f, struct lnt_scheme *sc)
{
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_store_scheme_get(f->s, sc, err) != LNT_OK ||
        lnt_store_signing_key(f->s, &sc->key, err) != LNT_OK)
        fail_msg("scheme: %s", err);
}

/* Signs a badge for `staff` at `now` and reads it back as a kiosk would. */
static void issue(struct sf *f, int64_t staff, int64_t now, struct lnt_badge_claims *seen)
{
    char err[LNT_ERRBUF_SIZE] = "", text[LNT_BADGE_MAX_TEXT + 1];
    struct lnt_scheme sc;
    struct lnt_staff st;
    struct lnt_badge_claims cl;
    struct lnt_trusted_key *keys = NULL;
    struct lnt_trust trust = {0};
    size_t n = 0;

    scheme(f, &sc);
    assert_int_equal(lnt_store_staff_get(f->s, staff, &st, err), LNT_OK);
    if (lnt_staff_badge_sign(f->s, &sc, &st, now, 30, &cl, text, sizeof text, err) != LNT_OK)
        fail_msg("sign: %s", err);
    assert_int_equal(lnt_store_trust_keys(f->s, &keys, &n, err), LNT_OK);
    trust.scheme = "WTN";
    trust.keys = keys;
    trust.n_keys = n;
    if (lnt_badge_verify(text, &trust, now, seen, err) != LNT_BADGE_VALID)
        fail_msg("verify: %s", err);
    assert_int_equal(seen->n_courses, cl.n_courses);
    free(keys);
}

static bool carries(const struct lnt_badge_claims *cl, enum lnt_course c)
{
    for (size_t i = 0; i < cl->n_courses; i++)
        if (cl->courses[i].course == c)
            return true;
    return false;
}

static void test_staff_badge__lapsed_training_is_not_carried(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t a = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    struct lnt_badge_claims cl;

    sf_training(f->s, a, LNT_COURSE_WAVE, day("2025-11-01"), day("2026-11-30"));   /* lapsed */
    sf_training(f->s, a, LNT_COURSE_ANGELA, day("2025-12-01"), day("2026-12-01")); /* last day */
    sf_training(f->s, a, LNT_COURSE_SPIKING, day("2026-01-10"), day("2027-01-10"));
    sf_training(f->s, a, LNT_COURSE_FIRST_AID, day("2024-05-01"), 0); /* does not expire */
    issue(f, a, at("2026-12-01T20:00:00Z"), &cl);
    assert_int_equal(cl.n_courses, 3);
    assert_false(carries(&cl, LNT_COURSE_WAVE));
    assert_true(carries(&cl, LNT_COURSE_ANGELA));
    assert_true(carries(&cl, LNT_COURSE_SPIKING));
    assert_true(carries(&cl, LNT_COURSE_FIRST_AID));
    assert_string_equal(cl.name, "Sam Door");
    assert_int_equal(cl.venue, v);
    assert_int_equal(cl.expires_at - cl.issued_at, 30 * 86400);
}

/* Just after midnight in summer London is a day ahead of UTC: the course lapsed on the 24th. */
static void test_staff_badge__the_day_is_londons_in_summer(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t a = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    struct lnt_badge_claims cl;

    sf_training(f->s, a, LNT_COURSE_WAVE, day("2025-10-24"), day("2026-10-24"));
    sf_training(f->s, a, LNT_COURSE_ANGELA, day("2025-10-25"), day("2026-10-25"));
    issue(f, a, at("2026-10-24T23:30:00Z"), &cl); /* 00:30 BST on the 25th */
    assert_false(carries(&cl, LNT_COURSE_WAVE));
    assert_true(carries(&cl, LNT_COURSE_ANGELA));
    issue(f, a, at("2026-10-24T22:59:59Z"), &cl); /* 23:59:59 BST on the 24th: still in date */
    assert_true(carries(&cl, LNT_COURSE_WAVE));
}

/* In winter London is on UTC: the last day runs to midnight and not an hour less. */
static void test_staff_badge__the_day_is_londons_in_winter(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t a = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    struct lnt_badge_claims cl;

    sf_training(f->s, a, LNT_COURSE_WAVE, day("2025-12-04"), day("2026-12-04"));
    issue(f, a, at("2026-12-04T23:30:00Z"), &cl);
    assert_true(carries(&cl, LNT_COURSE_WAVE));
    issue(f, a, at("2026-12-05T00:00:00Z"), &cl);
    assert_false(carries(&cl, LNT_COURSE_WAVE));
}

static void test_staff_badge__long_names_are_cut_at_a_character(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    /* 27 ASCII bytes, then a two-byte character that would straddle the 28-byte bound */
    int64_t a = sf_staff(f->s, v, "Aaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9lise", LNT_ROLE_BAR);
    struct lnt_badge_claims cl;

    issue(f, a, at("2026-12-01T20:00:00Z"), &cl);
    assert_string_equal(cl.name, "Aaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

static void test_staff_badge__validity_is_bounded(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t a = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    char err[LNT_ERRBUF_SIZE] = "", text[LNT_BADGE_MAX_TEXT + 1];
    struct lnt_scheme sc;
    struct lnt_staff st;
    struct lnt_badge_claims cl;
    int64_t now = at("2026-12-01T20:00:00Z");

    scheme(f, &sc);
    assert_int_equal(lnt_store_staff_get(f->s, a, &st, err), LNT_OK);
    assert_int_equal(lnt_staff_badge_sign(f->s, &sc, &st, now, 0, &cl, text, sizeof text, err),
                     LNT_ERR_INVALID);
    assert_non_null(strstr(err, "1 to 397 days"));
    assert_int_equal(lnt_staff_badge_sign(f->s, &sc, &st, now, LNT_STAFF_BADGE_MAX_DAYS + 1, &cl,
                                          text, sizeof text, err),
                     LNT_ERR_INVALID);
    assert_int_equal(lnt_staff_badge_sign(f->s, &sc, &st, now, LNT_STAFF_BADGE_MAX_DAYS, &cl, text,
                                          sizeof text, err),
                     LNT_OK);
}

/* Recording a badge replaces the person's earlier one. */
static void test_staff_badge__recording_revokes_the_earlier_badge(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t a = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    char err[LNT_ERRBUF_SIZE] = "", text[LNT_BADGE_MAX_TEXT + 1];
    struct lnt_scheme sc;
    struct lnt_staff st;
    struct lnt_badge_claims first, second;
    struct lnt_badge_record *list = NULL;
    size_t n = 0;
    int64_t now = at("2026-12-01T20:00:00Z");

    scheme(f, &sc);
    assert_int_equal(lnt_store_staff_get(f->s, a, &st, err), LNT_OK);
    assert_int_equal(lnt_staff_badge_sign(f->s, &sc, &st, now, 30, &first, text, sizeof text, err),
                     LNT_OK);
    assert_int_equal(lnt_staff_badge_record(f->s, &first, a, err), LNT_OK);
    assert_int_equal(
        lnt_staff_badge_sign(f->s, &sc, &st, now + 60, 30, &second, text, sizeof text, err),
        LNT_OK);
    assert_memory_not_equal(first.serial, second.serial, LNT_SERIAL_LEN);
    assert_int_equal(lnt_staff_badge_record(f->s, &second, a, err), LNT_OK);
    assert_int_equal(lnt_store_badge_list(f->s, a, &list, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_memory_equal(list[0].serial, second.serial, LNT_SERIAL_LEN);
    assert_int_equal(list[0].revoked_at, 0);
    assert_memory_equal(list[1].serial, first.serial, LNT_SERIAL_LEN);
    assert_int_equal(list[1].revoked_at, now + 60);
    free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, sf_setup, sf_teardown)
        T(test_staff_badge__lapsed_training_is_not_carried),
        T(test_staff_badge__the_day_is_londons_in_summer),
        T(test_staff_badge__the_day_is_londons_in_winter),
        T(test_staff_badge__long_names_are_cut_at_a_character),
        T(test_staff_badge__validity_is_bounded),
        T(test_staff_badge__recording_revokes_the_earlier_badge),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
