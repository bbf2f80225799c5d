/* test_app.c - the kiosk state machine without a display: verdicts, sign in/out, repeats, refusals,
 * timeouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app.h"
#include "buf.h"
#include "codec.h"
#include "ltime.h"

#define T0 1795730463LL /* 2026-11-26T22:01:03Z */
#define MS(t) ((int64_t)(t)*1000)
#define DAY 86400
#define NO_SIA (-100000)

struct world {
    struct lnt_signing_key key;
    struct lnt_trusted_key trusted;
    struct lnt_trust trust;
    struct lnt_app app;
    struct lnt_app_out out;
    bool on_shift; /* the fake register */
    char seen_staff[17];
};

static bool fake_on_shift(void *ctx, const char *staff_id)
{
    struct world *w = ctx;
    lnt_str_copy(w->seen_staff, sizeof w->seen_staff, staff_id);
    return w->on_shift;
}

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof *w);
    struct lnt_app_config cfg = {0};

    assert_non_null(w);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    lnt_badge_keygen(&w->key);
    memcpy(w->trusted.kid, w->key.kid, LNT_KID_LEN);
    memcpy(w->trusted.pk, w->key.pk, LNT_SIGN_PK_LEN);
    w->trust.scheme = "WTN";
    w->trust.keys = &w->trusted;
    w->trust.n_keys = 1;
    cfg.trust = &w->trust;
    cfg.clock_floor = 0;
    cfg.on_shift = fake_on_shift;
    cfg.on_shift_ctx = w;
    lnt_app_init(&w->app, &cfg, MS(T0));
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

/*
 * A badge issued a day before T0, valid 300 days, for staff 12.
 * sia_days: days from T0 to the SIA expiry, or NO_SIA. course_days: 0 = no course.
 */
static void badge(const struct world *w, const char *issuer, enum lnt_role role, int sia_days,
                  int course_days, int64_t expires_at, char *out, size_t size)
{
    struct lnt_badge_claims c;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&c, 0, sizeof c);
    lnt_str_copy(c.issuer, sizeof c.issuer, issuer);
    lnt_str_copy(c.subject, sizeof c.subject, "12");
    lnt_str_copy(c.name, sizeof c.name, "Sam Okafor");
    lnt_random(c.serial, sizeof c.serial);
    c.issued_at = T0 - DAY;
    c.expires_at = expires_at ? expires_at : T0 + 300 * DAY;
    c.role = role;
    c.venue = 1;
    if (sia_days != NO_SIA) {
        lnt_str_copy(c.sia_number, sizeof c.sia_number, "1234567812345678");
        c.sia_expires = lnt_date_of(T0) + sia_days;
    }
    if (course_days != 0) {
        c.n_courses = 1;
        c.courses[0].course = LNT_COURSE_ANGELA;
        c.courses[0].expires = lnt_date_of(T0) + course_days;
    }
    assert_int_equal(lnt_badge_issue(&c, &w->key, out, size, err), LNT_OK);
}

static void scan(struct world *w, const char *text, int64_t t_ms)
{
    lnt_app_scan(&w->app, text, t_ms, &w->out);
}

static void test_app__green_for_door_with_everything_in_date(void **state)
{
    struct world *w = *state;
    char qr[LNT_BADGE_MAX_TEXT + 1];

    badge(w, "WTN", LNT_ROLE_DOOR, 200, 200, 0, qr, sizeof qr);
    scan(w, qr, MS(T0));
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    assert_false(w->out.save); /* showing a badge records nothing yet */
    assert_string_equal(w->app.badge.claims.name, "Sam Okafor");
    assert_int_equal(w->app.badge.sia, LNT_SIA_VALID);
    assert_int_equal(w->app.badge.sia_days_left, 200);
    assert_int_equal(w->app.badge.verdict, LNT_VERDICT_GREEN);
    assert_string_equal(w->app.badge.verdict_words, "All in date");
    assert_string_equal(w->seen_staff, "12");
}

static void test_app__amber_for_sia_expiring_in_10_days(void **state)
{
    struct world *w = *state;
    char qr[LNT_BADGE_MAX_TEXT + 1];

    badge(w, "WTN", LNT_ROLE_DOOR, 10, 0, 0, qr, sizeof qr);
    scan(w, qr, MS(T0));
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    assert_int_equal(w->app.badge.sia, LNT_SIA_EXPIRING);
    assert_int_equal(w->app.badge.sia_days_left, 10);
    assert_int_equal(w->app.badge.verdict, LNT_VERDICT_AMBER);
    assert_non_null(strstr(w->app.badge.verdict_words, "10 days"));
}

static void test_app__amber_for_training_expiring(void **state)
{
    struct world *w = *state;
    char qr[LNT_BADGE_MAX_TEXT + 1];

    badge(w, "WTN", LNT_ROLE_BAR, NO_SIA, 12, 0, qr, sizeof qr);
    scan(w, qr, MS(T0));
    assert_int_equal(w->app.badge.sia, LNT_SIA_NOT_REQUIRED);
    assert_int_equal(w->app.badge.verdict, LNT_VERDICT_AMBER);
    assert_int_equal(w->app.badge.course_days_left[0], 12);
    assert_non_null(strstr(w->app.badge.verdict_words, "Ask for Angela training"));
}

static void test_app__red_for_door_without_sia_signs_in_for_other_duties(void **state)
{
    struct world *w = *state;
    char qr[LNT_BADGE_MAX_TEXT + 1];

    badge(w, "WTN", LNT_ROLE_DOOR, NO_SIA, 0, 0, qr, sizeof qr);
    scan(w, qr, MS(T0));
    /* Red is shown, not refused; "Sign in" on the door is not there, other duties are. */
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    assert_int_equal(w->app.badge.sia, LNT_SIA_MISSING);
    assert_int_equal(w->app.badge.verdict, LNT_VERDICT_RED);
    assert_true(lnt_app_door_blocked(&w->app));
    lnt_app_tap(&w->app, LNT_BTN_PRIMARY, MS(T0 + 2), &w->out);
    assert_false(w->out.save);
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    lnt_app_tap(&w->app, LNT_BTN_OTHER_DUTIES, MS(T0 + 2), &w->out);
    assert_true(w->out.save);
    assert_int_equal(w->out.ev.type, LNT_EV_SIGN_IN);
    assert_int_equal(w->out.ev.u.badge.duty, LNT_DUTY_OTHER);
    assert_int_equal(w->out.ev.u.badge.verdict, LNT_VERDICT_RED);
    assert_int_equal(w->out.ev.u.badge.sia_status, LNT_SIA_MISSING);
    assert_string_equal(w->out.ev.u.badge.sia_number, "");
}

static void test_app__red_for_expired_sia(void **state)
{
    struct world *w = *state;
    char qr[LNT_BADGE_MAX_TEXT + 1];

    badge(w, "WTN", LNT_ROLE_DOOR, -3, 0, 0, qr, sizeof qr);
    scan(w, qr, MS(T0));
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    assert_int_equal(w->app.badge.sia, LNT_SIA_EXPIRED);
    assert_int_equal(w->app.badge.verdict, LNT_VERDICT_RED);
    assert_non_null(strstr(w->app.badge.verdict_words, "expired"));
}

static void test_app__sign_in_then_sign_out_by_shift_state(void **state)
{
    struct world *w = *state;
    char qr[LNT_BADGE_MAX_TEXT + 1];
    struct lnt_event saved;

    badge(w, "WTN", LNT_ROLE_DOOR, 200, 0, 0, qr, sizeof qr);
    scan(w, qr, MS(T0));
    assert_string_equal(lnt_app_primary_label(&w->app), "Sign in");
    lnt_app_tap(&w->app, LNT_BTN_PRIMARY, MS(T0 + 1), &w->out);
    assert_true(w->out.save);
    assert_int_equal(w->out.ev.type, LNT_EV_SIGN_IN);
    assert_string_equal(w->out.ev.u.badge.staff_id, "12");
    assert_int_equal(strlen(w->out.ev.u.badge.serial), 16);
    assert_int_equal(w->out.ev.u.badge.role, LNT_ROLE_DOOR);
    assert_string_equal(w->out.ev.u.badge.sia_number, "1234567812345678");
    assert_int_equal(w->out.ev.occurred_at, T0 + 1);
    /* Not SAVED until the caller says the outbox has it. */
    assert_int_equal(w->app.state, LNT_APP_SAVING);
    saved = w->out.ev;
    saved.seq = 1;
    lnt_str_copy(saved.uuid, sizeof saved.uuid, "5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b");
    lnt_app_save_done(&w->app, LNT_OK, &saved, MS(T0 + 1));
    assert_int_equal(w->app.state, LNT_APP_SAVED);
    assert_string_equal(w->app.saved_ref, "5F0C1A2B");

    w->on_shift = true;
    scan(w, NULL, MS(T0 + 2));
    scan(w, qr, MS(T0 + 30));
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    assert_string_equal(lnt_app_primary_label(&w->app), "Sign out");
    lnt_app_tap(&w->app, LNT_BTN_PRIMARY, MS(T0 + 31), &w->out);
    assert_true(w->out.save);
    assert_int_equal(w->out.ev.type, LNT_EV_SIGN_OUT);
}

static void test_app__failed_save_is_not_shown_as_saved(void **state)
{
    struct world *w = *state;
    char qr[LNT_BADGE_MAX_TEXT + 1];

    badge(w, "WTN", LNT_ROLE_BAR, NO_SIA, 0, 0, qr, sizeof qr);
    scan(w, qr, MS(T0));
    lnt_app_tap(&w->app, LNT_BTN_PRIMARY, MS(T0 + 1), &w->out);
    lnt_app_save_done(&w->app, LNT_ERR_DB, NULL, MS(T0 + 1));
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    assert_non_null(strstr(w->app.save_error, "Not saved"));
    /* Trying again works. */
    lnt_app_tap(&w->app, LNT_BTN_PRIMARY, MS(T0 + 2), &w->out);
    assert_true(w->out.save);
    assert_int_equal(w->app.state, LNT_APP_SAVING);
}

static void test_app__same_badge_within_5s_is_one_scan(void **state)
{
    struct world *w = *state;
    char qr[LNT_BADGE_MAX_TEXT + 1];

    badge(w, "WTN", LNT_ROLE_BAR, NO_SIA, 0, 0, qr, sizeof qr);
    scan(w, qr, MS(T0));
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    lnt_app_tap(&w->app, LNT_BTN_CANCEL, MS(T0 + 1), &w->out);
    assert_int_equal(w->app.state, LNT_APP_IDLE);

    /* Lowered and shown again 4 s later: the same scan. */
    scan(w, NULL, MS(T0 + 2));
    scan(w, qr, MS(T0 + 4));
    assert_int_equal(w->app.state, LNT_APP_IDLE);
    assert_false(w->out.save);

    /* 6 s after it was last seen: a new scan. */
    scan(w, NULL, MS(T0 + 5));
    scan(w, qr, MS(T0 + 10));
    assert_int_equal(w->app.state, LNT_APP_BADGE);
}

static void test_app__badge_held_in_view_is_one_scan(void **state)
{
    struct world *w = *state;
    char qr[LNT_BADGE_MAX_TEXT + 1];

    badge(w, "WTN", LNT_ROLE_BAR, NO_SIA, 0, 0, qr, sizeof qr);
    scan(w, qr, MS(T0));
    lnt_app_tap(&w->app, LNT_BTN_CANCEL, MS(T0 + 1), &w->out);
    /* Still in every frame, long after 5 s: not a new scan. */
    for (int s = 2; s <= 20; s += 2)
        scan(w, qr, MS(T0 + s));
    assert_int_equal(w->app.state, LNT_APP_IDLE);
}

static void assert_refusal_without_personal_data(struct world *w, enum lnt_badge_reason want)
{
    struct lnt_event ev = w->out.ev;
    static const struct lnt_event zero;

    assert_int_equal(w->app.state, LNT_APP_REFUSED);
    assert_int_equal(w->app.refused, want);
    assert_true(w->out.save);
    assert_int_equal(ev.type, LNT_EV_BADGE_REFUSED);
    assert_int_equal(ev.u.refused.reason, want);
    /* Nothing from the unverified badge: the rest of the record is empty. */
    ev.u.refused.reason = 0;
    assert_memory_equal(&ev.u, &zero.u, sizeof ev.u);
    assert_string_equal(w->app.badge.claims.name, "");
    assert_string_equal(w->app.badge.claims.subject, "");
    assert_non_null(lnt_badge_reason_text(want));
}

static void test_app__expired_badge_refused(void **state)
{
    struct world *w = *state;
    char qr[LNT_BADGE_MAX_TEXT + 1];

    badge(w, "WTN", LNT_ROLE_DOOR, 200, 0, T0 - 60, qr, sizeof qr);
    scan(w, qr, MS(T0));
    assert_refusal_without_personal_data(w, LNT_BADGE_EXPIRED);
}

static void test_app__other_scheme_refused(void **state)
{
    struct world *w = *state;
    char qr[LNT_BADGE_MAX_TEXT + 1];

    badge(w, "XYZ", LNT_ROLE_DOOR, 200, 0, 0, qr, sizeof qr);
    scan(w, qr, MS(T0));
    assert_refusal_without_personal_data(w, LNT_BADGE_WRONG_SCHEME);
}

static void test_app__random_qr_refused(void **state)
{
    struct world *w = *state;

    scan(w, "https://example.com", MS(T0));
    assert_refusal_without_personal_data(w, LNT_BADGE_NOT_LANTERN);
}

static void test_app__refusal_returns_to_idle_after_5s(void **state)
{
    struct world *w = *state;

    scan(w, "https://example.com", MS(T0));
    lnt_app_save_done(&w->app, LNT_OK, &w->out.ev,
                      MS(T0)); /* the refusal record: no state change */
    assert_int_equal(w->app.state, LNT_APP_REFUSED);
    lnt_app_tick(&w->app, MS(T0) + 4900, &w->out);
    assert_int_equal(w->app.state, LNT_APP_REFUSED);
    lnt_app_tick(&w->app, MS(T0) + 5000, &w->out);
    assert_int_equal(w->app.state, LNT_APP_IDLE);
    assert_int_equal(w->app.refused, LNT_BADGE_VALID);
}

static void test_app__idle_after_60s_without_input(void **state)
{
    struct world *w = *state;
    char qr[LNT_BADGE_MAX_TEXT + 1];

    badge(w, "WTN", LNT_ROLE_DOOR, 200, 0, 0, qr, sizeof qr);
    scan(w, qr, MS(T0));
    lnt_app_tick(&w->app, MS(T0 + 59), &w->out);
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    lnt_app_tick(&w->app, MS(T0 + 60), &w->out);
    assert_int_equal(w->app.state, LNT_APP_IDLE);
    /* Nothing personal stays behind. */
    assert_string_equal(w->app.badge.claims.name, "");
    assert_string_equal(w->app.badge.claims.sia_number, "");
}

static void test_app__kiosk_clock_never_below_server_time(void **state)
{
    struct world *w = *state;
    struct lnt_app_config cfg = w->app.cfg;
    char qr[LNT_BADGE_MAX_TEXT + 1];

    badge(w, "WTN", LNT_ROLE_DOOR, 200, 0, 0, qr, sizeof qr);
    /* A kiosk that booted with its clock in 1970 would call every badge not yet valid. */
    scan(w, qr, MS(1000));
    assert_int_equal(w->app.state, LNT_APP_REFUSED);
    assert_int_equal(w->app.refused, LNT_BADGE_NOT_YET_VALID);

    cfg.clock_floor = T0;
    lnt_app_set_config(&w->app, &cfg);
    scan(w, NULL, MS(1001));
    scan(w, qr, MS(1000 + 10));
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    assert_int_equal(w->app.badge.verdict, LNT_VERDICT_GREEN);
}

static void test_app__taps_out_of_place_are_ignored(void **state)
{
    struct world *w = *state;

    lnt_app_tap(&w->app, LNT_BTN_PRIMARY, MS(T0), &w->out);
    assert_int_equal(w->app.state, LNT_APP_IDLE);
    assert_false(w->out.save);
    lnt_app_tap(&w->app, 12345, MS(T0), &w->out);
    assert_int_equal(w->app.state, LNT_APP_IDLE);
}

/*
 * A licence is valid through its expiry date on the London calendar: at
 * 00:30 BST the day after, it has expired, although the UTC date is still
 * the expiry date.
 */
static void test_app__sia_expires_at_london_midnight(void **state)
{
    struct lnt_badge_claims c;
    int64_t before = 0, after = 0;
    int32_t left = 0;
    (void)state;

    memset(&c, 0, sizeof c);
    c.role = LNT_ROLE_DOOR;
    snprintf(c.sia_number, sizeof c.sia_number, "1234567812345678");
    assert_int_equal(lnt_date_parse("2026-07-10", &c.sia_expires), LNT_OK);
    assert_int_equal(lnt_time_parse("2026-07-10T22:59:00Z", &before), LNT_OK); /* 23:59 BST */
    assert_int_equal(lnt_time_parse("2026-07-10T23:30:00Z", &after), LNT_OK);  /* 00:30 BST */
    assert_int_equal(lnt_app_sia_status(&c, before, &left), LNT_SIA_EXPIRING);
    assert_int_equal(left, 0);
    assert_int_equal(lnt_app_sia_status(&c, after, &left), LNT_SIA_EXPIRED);
    assert_int_equal(left, -1);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_app__green_for_door_with_everything_in_date),
        T(test_app__amber_for_sia_expiring_in_10_days),
        T(test_app__amber_for_training_expiring),
        T(test_app__red_for_door_without_sia_signs_in_for_other_duties),
        T(test_app__red_for_expired_sia),
        T(test_app__sign_in_then_sign_out_by_shift_state),
        T(test_app__failed_save_is_not_shown_as_saved),
        T(test_app__same_badge_within_5s_is_one_scan),
        T(test_app__badge_held_in_view_is_one_scan),
        T(test_app__expired_badge_refused),
        T(test_app__other_scheme_refused),
        T(test_app__random_qr_refused),
        T(test_app__refusal_returns_to_idle_after_5s),
        T(test_app__idle_after_60s_without_input),
        T(test_app__kiosk_clock_never_below_server_time),
        T(test_app__taps_out_of_place_are_ignored),
        cmocka_unit_test(test_app__sia_expires_at_london_midnight),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
