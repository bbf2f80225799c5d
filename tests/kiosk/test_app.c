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
    /* The UUID's random end, not its start (a UUIDv7 starts with the time: the same for every
     * record in a minute). */
    assert_string_equal(w->app.saved_ref, "9E0F1A2B");

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

/* A touch as a finger gives it: down at `t_ms` on `id`, up `hold_ms` later over `up_id`. */
static void touch(struct world *w, int id, int up_id, int64_t t_ms, int64_t hold_ms)
{
    lnt_app_press(&w->app, id, t_ms);
    lnt_app_release(&w->app, up_id, t_ms + hold_ms, &w->out);
}

/* Toilets tapped twice, 80 ms apart: the second tap answered the next question on the next
 * screen. A new screen now ignores touches while it settles. */
static void test_app__double_tap_does_not_fall_through_to_the_next_screen(void **state)
{
    struct world *w = *state;
    char qr[LNT_BADGE_MAX_TEXT + 1];
    int64_t t = MS(T0);

    badge(w, "WTN", LNT_ROLE_DOOR, 200, 0, 0, qr, sizeof qr);
    scan(w, qr, t);
    touch(w, LNT_BTN_ANGELA, LNT_BTN_ANGELA, t + 1000, 60);
    assert_int_equal(w->app.state, LNT_APP_FORM);
    assert_int_equal(w->app.form.step, 0); /* where? */
    t += 2000;
    touch(w, LNT_BTN_ITEM0 + 2, LNT_BTN_ITEM0 + 2, t, 60); /* Toilets */
    assert_int_equal(w->app.form.step, 1);                 /* police called? */
    /* The glove's second tap lands on item 1 ("No") of the next question, 80 ms after the first. */
    touch(w, LNT_BTN_ITEM0 + 1, LNT_BTN_ITEM0 + 1, t + 60 + 80, 60);
    assert_int_equal(w->app.form.step, 1);
    assert_false(w->app.form.answered & LNT_FIELD_BIT(LNT_F_POLICE));
    /* Held from inside the settle time to after it is still the bounce, not a tap. */
    touch(w, LNT_BTN_ITEM0 + 1, LNT_BTN_ITEM0 + 1, t + 60 + 300, 400);
    assert_int_equal(w->app.form.step, 1);
    /* Once the screen has settled, a tap is a tap. */
    t += 60 + LNT_APP_SETTLE_MS;
    touch(w, LNT_BTN_ITEM0 + 0, LNT_BTN_ITEM0 + 0, t, 60); /* Yes */
    assert_int_equal(w->app.form.step, 2);                 /* who asked? */
    t += 60 + LNT_APP_SETTLE_MS;
    touch(w, LNT_BTN_ITEM0 + 0, LNT_BTN_ITEM0 + 0, t, 60);
    assert_int_equal(w->app.form.step, 3); /* what was done? (tick boxes) */
    touch(w, LNT_BTN_ITEM0 + 1, LNT_BTN_ITEM0 + 1, t + 60 + 80, 60);
    assert_int_equal(w->app.form.v[LNT_F_ACTIONS], 0);
    touch(w, LNT_BTN_ITEM0 + 1, LNT_BTN_ITEM0 + 1, t + 60 + LNT_APP_SETTLE_MS, 60);
    assert_int_equal(w->app.form.v[LNT_F_ACTIONS], 1 << 1);
    /* Ticking is not a new screen: the next box can be ticked straight after. */
    touch(w, LNT_BTN_ITEM0 + 0, LNT_BTN_ITEM0 + 0, t + 60 + LNT_APP_SETTLE_MS + 100, 60);
    assert_int_equal(w->app.form.v[LNT_F_ACTIONS], (1 << 1) | 1);
}

static void test_app__tap_counts_on_release_inside_the_same_button(void **state)
{
    struct world *w = *state;
    char qr[LNT_BADGE_MAX_TEXT + 1];
    int64_t t = MS(T0);

    badge(w, "WTN", LNT_ROLE_DOOR, 200, 0, 0, qr, sizeof qr);
    scan(w, qr, t);
    /* Pressed on Sign in, slid off onto Ask for Angela: nothing. */
    touch(w, LNT_BTN_PRIMARY, LNT_BTN_ANGELA, t + 1000, 200);
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    assert_false(w->out.save);
    /* Pressed on Sign in, released off every button: nothing. */
    touch(w, LNT_BTN_PRIMARY, LNT_BTN_NONE, t + 2000, 200);
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    /* Nothing happens on the press alone; the release inside it signs in. */
    lnt_app_press(&w->app, LNT_BTN_PRIMARY, t + 3000);
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    lnt_app_release(&w->app, LNT_BTN_PRIMARY, t + 3100, &w->out);
    assert_true(w->out.save);
    assert_int_equal(w->out.ev.type, LNT_EV_SIGN_IN);
    assert_int_equal(w->app.state, LNT_APP_SAVING);
    /* A release with no press before it is nothing. */
    lnt_app_save_done(&w->app, LNT_OK, &w->out.ev, t + 3100);
    lnt_app_release(&w->app, LNT_BTN_DONE, t + 5000, &w->out);
    assert_int_equal(w->app.state, LNT_APP_SAVED);
}

static void test_app__screen_changing_under_the_finger_cancels_the_tap(void **state)
{
    struct world *w = *state;
    char qr[LNT_BADGE_MAX_TEXT + 1], qr2[LNT_BADGE_MAX_TEXT + 1];
    int64_t t = MS(T0);

    badge(w, "WTN", LNT_ROLE_DOOR, 200, 0, 0, qr, sizeof qr);
    badge(w, "WTN", LNT_ROLE_DOOR, 200, 0, 0, qr2, sizeof qr2);
    scan(w, qr, t);
    lnt_app_press(&w->app, LNT_BTN_PRIMARY, t + 1000);
    /* Another badge is shown while the finger is down: the Sign in under it is someone else's. */
    scan(w, NULL, t + 1100);
    scan(w, qr2, t + 1200);
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    lnt_app_release(&w->app, LNT_BTN_PRIMARY, t + 1300, &w->out);
    assert_false(w->out.save);
}

static void test_app__idle_counts_down_and_a_touch_stays(void **state)
{
    struct world *w = *state;
    char qr[LNT_BADGE_MAX_TEXT + 1];
    int64_t t = MS(T0);

    badge(w, "WTN", LNT_ROLE_DOOR, 200, 0, 0, qr, sizeof qr);
    scan(w, qr, t);
    lnt_app_tick(&w->app, t + LNT_APP_IDLE_MS - LNT_APP_IDLE_WARN_MS - 1000, &w->out);
    assert_int_equal(w->app.idle_warn_s, 0);
    lnt_app_tick(&w->app, t + LNT_APP_IDLE_MS - 7500, &w->out);
    assert_int_equal(w->app.idle_warn_s, 8);
    lnt_app_tick(&w->app, t + LNT_APP_IDLE_MS - 1, &w->out);
    assert_int_equal(w->app.idle_warn_s, 1);
    /* A touch anywhere, on no button, and the countdown starts over. */
    touch(w, LNT_BTN_NONE, LNT_BTN_NONE, t + LNT_APP_IDLE_MS - 1, 100);
    assert_int_equal(w->app.idle_warn_s, 0);
    lnt_app_tick(&w->app, t + LNT_APP_IDLE_MS + 5000, &w->out);
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    assert_int_equal(w->app.idle_warn_s, 0);
    lnt_app_tick(&w->app, t + 2 * LNT_APP_IDLE_MS, &w->out);
    assert_int_equal(w->app.state, LNT_APP_IDLE);
    assert_int_equal(w->app.idle_warn_s, 0);
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
        T(test_app__double_tap_does_not_fall_through_to_the_next_screen),
        T(test_app__tap_counts_on_release_inside_the_same_button),
        T(test_app__screen_changing_under_the_finger_cancels_the_tap),
        T(test_app__idle_counts_down_and_a_touch_stays),
        cmocka_unit_test(test_app__sia_expires_at_london_midnight),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
