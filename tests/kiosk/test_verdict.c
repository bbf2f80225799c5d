/* test_verdict.c - the verdict at the door, on the state machine and its screens: the scheme's
 * required training, licences not valid (lapsed, missing, suspended, revoked), what the badge
 * screen offers then, SAVED's warning and the manager's notice. */
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
#include "night.h"
#include "screen.h"
#include "strings.h"

#define T0 1795730463LL /* 2026-11-26T22:01:03Z: 22:01 in London */
#define MS(t) ((int64_t)(t)*1000)
#define SIA "1234567812345678"

struct world {
    struct lnt_signing_key key;
    struct lnt_trusted_key trusted;
    struct lnt_trust trust;
    struct lnt_required_training required;
    struct lnt_sia_listed listed[2];
    struct lnt_app_config cfg;
    struct lnt_app app;
    struct lnt_app_out out;
    struct lnt_draw_list dl;
    int64_t t;     /* ms */
    bool on_shift; /* the fake on-shift register */
};

static bool fake_on_shift(void *ctx, const char *staff_id)
{
    const struct world *w = ctx;

    (void)staff_id;
    return w->on_shift;
}

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof *w);

    assert_non_null(w);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    lnt_badge_keygen(&w->key);
    memcpy(w->trusted.kid, w->key.kid, LNT_KID_LEN);
    memcpy(w->trusted.pk, w->key.pk, LNT_SIGN_PK_LEN);
    w->trust.scheme = "WTN";
    w->trust.keys = &w->trusted;
    w->trust.n_keys = 1;
    /* the new scheme's default: WAVE for every role */
    w->required.known = true;
    for (int r = LNT_ROLE_DOOR; r <= LNT_ROLE_VOLUNTEER; r++)
        w->required.courses[r] = LNT_COURSE_BIT(LNT_COURSE_WAVE);
    w->cfg.trust = &w->trust;
    w->cfg.required = &w->required;
    w->cfg.sia_listed = w->listed;
    w->cfg.on_shift = fake_on_shift;
    w->cfg.on_shift_ctx = w;
    w->t = MS(T0);
    lnt_app_init(&w->app, &w->cfg, w->t);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

/* One course on a badge: its code and days from T0 to its expiry (0: no expiry). */
struct course {
    enum lnt_course c;
    int days;
};

/* Shows the camera a badge of `name`, `role`, licence expiring `sia_days` from T0 (0: none). */
static void show(struct world *w, const char *name, enum lnt_role role, int sia_days,
                 const struct course *courses, size_t n)
{
    struct lnt_badge_claims c;
    char qr[LNT_BADGE_MAX_TEXT + 1];

    memset(&c, 0, sizeof c);
    lnt_str_copy(c.issuer, sizeof c.issuer, "WTN");
    lnt_str_copy(c.subject, sizeof c.subject, role == LNT_ROLE_MANAGER ? "40" : "12");
    lnt_str_copy(c.name, sizeof c.name, name);
    lnt_random(c.serial, sizeof c.serial);
    c.issued_at = T0 - 86400;
    c.expires_at = T0 + 300 * 86400;
    c.role = role;
    if (sia_days != 0) {
        lnt_str_copy(c.sia_number, sizeof c.sia_number, SIA);
        c.sia_expires = lnt_london_date(T0) + sia_days;
    }
    for (size_t i = 0; i < n; i++) {
        c.courses[i].course = courses[i].c;
        c.courses[i].expires = courses[i].days != 0 ? lnt_london_date(T0) + courses[i].days : 0;
    }
    c.n_courses = n;
    assert_int_equal(lnt_badge_issue(&c, &w->key, qr, sizeof qr, NULL), LNT_OK);
    w->t += 6000; /* past the repeat-scan window */
    lnt_app_scan(&w->app, NULL, w->t, &w->out);
    lnt_app_scan(&w->app, qr, w->t, &w->out);
    assert_int_equal(w->app.state, LNT_APP_BADGE);
}

static void draw(struct world *w)
{
    struct lnt_status st = {0};

    st.enrolled = true;
    st.now = w->t / 1000;
    lnt_screen_build(&w->app, &st, &w->dl);
}

/* Whether the screen's words, read in drawing order (lines joined by a space), contain `text`. */
static bool on_screen(struct world *w, const char *text)
{
    static char all[LNT_DRAW_MAX * (LNT_DRAW_TEXT_MAX + 1)];
    size_t n = 0;

    draw(w);
    all[0] = '\0';
    for (size_t i = 0; i < w->dl.n; i++) {
        size_t len = strlen(w->dl.cmd[i].text);
        if (len == 0)
            continue;
        memcpy(all + n, w->dl.cmd[i].text, len);
        n += len;
        all[n++] = ' ';
        all[n] = '\0';
    }
    return strstr(all, text) != NULL;
}

/* Whether the screen has a full-width banner under the status bar in green. */
static bool green_banner(struct world *w)
{
    draw(w);
    for (size_t i = 0; i < w->dl.n; i++) {
        const struct lnt_draw *d = &w->dl.cmd[i];
        if (d->kind == LNT_DRAW_RECT && d->y > 0 && d->w == LNT_SCREEN_W && d->h == 64 &&
            d->bg.r == 0x17 && d->bg.g == 0x75 && d->bg.b == 0x33)
            return true;
    }
    return false;
}

/* Taps the button labelled `label`, which must be on the screen. */
static void tap(struct world *w, const char *label)
{
    int id;

    draw(w);
    id = lnt_screen_find_label(&w->dl, label);
    if (id == 0)
        fail_msg("no button \"%s\" on the screen", label);
    w->t += 500;
    lnt_app_tap(&w->app, id, w->t, &w->out);
}

/* Saves what the last input asked for, as the outbox would. */
static void saved(struct world *w)
{
    assert_true(w->out.save);
    w->out.ev.seq = 1;
    lnt_uuid4(w->out.ev.uuid);
    lnt_app_save_done(&w->app, LNT_OK, &w->out.ev, w->t + 5);
    assert_int_equal(w->app.state, LNT_APP_SAVED);
}

static void test_verdict__badge_without_required_training_is_amber_naming_it(void **state)
{
    struct world *w = *state;

    /* No courses at all: this was GREEN, "Training: none on badge". */
    show(w, "Sam Okafor", LNT_ROLE_BAR, 0, NULL, 0);
    assert_int_equal(w->app.badge.verdict, LNT_VERDICT_AMBER);
    assert_string_equal(w->app.badge.verdict_words, "Needs bystander training (WAVE)");
    assert_true(on_screen(w, "bystander training (WAVE): needed"));
    assert_false(on_screen(w, "All in date"));
    tap(w, "Sign in");
    assert_int_equal(w->out.ev.type, LNT_EV_SIGN_IN);
    assert_int_equal(w->out.ev.u.badge.verdict, LNT_VERDICT_AMBER);
    assert_int_equal(w->out.ev.u.badge.training_missing, LNT_COURSE_BIT(LNT_COURSE_WAVE));
}

static void test_verdict__lapsed_required_course_is_amber_and_in_words(void **state)
{
    struct world *w = *state;
    const struct course lapsed[] = {{LNT_COURSE_WAVE, -1}, {LNT_COURSE_FIRST_AID, 200}};

    show(w, "Sam Okafor", LNT_ROLE_BAR, 0, lapsed, 2);
    assert_int_equal(w->app.badge.verdict, LNT_VERDICT_AMBER);
    assert_string_equal(w->app.badge.verdict_words, "Needs bystander training (WAVE)");
    assert_int_equal(w->app.badge.training_missing, LNT_COURSE_BIT(LNT_COURSE_WAVE));
    /* every course on the screen in words, never as a code */
    assert_true(on_screen(w, "bystander training (WAVE): expired"));
    assert_true(on_screen(w, "first aid: to"));
    assert_false(on_screen(w, "first-aid"));
}

static void test_verdict__required_training_in_date_is_green(void **state)
{
    struct world *w = *state;
    const struct course held[] = {{LNT_COURSE_WAVE, 100}};

    show(w, "Sam Okafor", LNT_ROLE_BAR, 0, held, 1);
    assert_int_equal(w->app.badge.verdict, LNT_VERDICT_GREEN);
    assert_int_equal(w->app.badge.training_missing, 0);
    tap(w, "Sign in");
    assert_int_equal(w->out.ev.u.badge.training_missing, 0);
}

static void test_verdict__several_missing_name_the_first_and_count_the_rest(void **state)
{
    struct world *w = *state;

    w->required.courses[LNT_ROLE_MANAGER] = LNT_COURSE_BIT(LNT_COURSE_WAVE) |
                                            LNT_COURSE_BIT(LNT_COURSE_ANGELA) |
                                            LNT_COURSE_BIT(LNT_COURSE_FIRST_AID);
    show(w, "Sam Okafor", LNT_ROLE_MANAGER, 0, NULL, 0);
    assert_int_equal(w->app.badge.verdict, LNT_VERDICT_AMBER);
    assert_string_equal(w->app.badge.verdict_words, "Needs bystander training (WAVE) and 2 more");
}

static void test_verdict__lapsed_licence_offers_other_duties_not_sign_in(void **state)
{
    struct world *w = *state;
    const struct course held[] = {{LNT_COURSE_WAVE, 100}};

    show(w, "Sam Okafor", LNT_ROLE_DOOR, -3, held, 1);
    assert_int_equal(w->app.badge.verdict, LNT_VERDICT_RED);
    draw(w);
    assert_int_equal(lnt_screen_find_label(&w->dl, "Sign in"), 0);
    assert_int_equal(lnt_screen_find_label(&w->dl, "Sign in for other duties"),
                     LNT_BTN_OTHER_DUTIES);
    assert_int_equal(lnt_screen_find_label(&w->dl, "Tell the manager"), LNT_BTN_TELL_MANAGER);
    /* the primary button's id does nothing either (a stale tap, a replayed id) */
    lnt_app_tap(&w->app, LNT_BTN_PRIMARY, w->t, &w->out);
    assert_false(w->out.save);

    tap(w, "Sign in for other duties");
    assert_int_equal(w->out.ev.type, LNT_EV_SIGN_IN);
    assert_int_equal(w->out.ev.u.badge.duty, LNT_DUTY_OTHER);
    assert_int_equal(w->out.ev.u.badge.sia_status, LNT_SIA_EXPIRED);
    saved(w);
    /* SAVED repeats the warning and is never plain green */
    assert_false(green_banner(w));
    assert_true(on_screen(w, "Signed in for other duties, NOT the door"));
    assert_true(on_screen(w, "SIA licence expired"));
}

static void test_verdict__no_licence_is_no_door_either(void **state)
{
    struct world *w = *state;

    show(w, "Sam Okafor", LNT_ROLE_DOOR, 0, NULL, 0);
    assert_int_equal(w->app.badge.sia, LNT_SIA_MISSING);
    assert_true(lnt_app_door_blocked(&w->app));
}

static void test_verdict__signing_out_stays_possible_without_a_licence(void **state)
{
    struct world *w = *state;

    /* signed in (for other duties) earlier: leaving is never blocked */
    w->on_shift = true;
    show(w, "Sam Okafor", LNT_ROLE_DOOR, -3, NULL, 0);
    assert_false(lnt_app_door_blocked(&w->app));
    tap(w, "Sign out");
    assert_int_equal(w->out.ev.type, LNT_EV_SIGN_OUT);
}

static void test_verdict__tell_the_manager_saves_a_refusal_the_next_manager_sees(void **state)
{
    struct world *w = *state;
    const struct course held[] = {{LNT_COURSE_WAVE, 100}};

    show(w, "Sam Okafor", LNT_ROLE_DOOR, -3, held, 1);
    tap(w, "Tell the manager");
    assert_int_equal(w->out.ev.type, LNT_EV_DOOR_REFUSED);
    assert_string_equal(w->out.ev.u.badge.staff_id, "12");
    assert_int_equal(w->out.ev.u.badge.sia_status, LNT_SIA_EXPIRED);
    w->out.ev.occurred_at = T0; /* 22:01 */
    saved(w);
    assert_false(green_banner(w));
    assert_true(on_screen(w, "NOT signed in on the door"));
    tap(w, "Done");

    /* Bar staff see nothing of it; the next manager's badge does, once. */
    show(w, "Priya Raman", LNT_ROLE_BAR, 0, held, 1);
    assert_false(on_screen(w, "could not be signed in"));
    tap(w, "Not now");
    show(w, "Tom Hargreaves", LNT_ROLE_MANAGER, 0, held, 1);
    assert_true(on_screen(w, "Sam Okafor could not be signed in on the door at 22:01 \xe2\x80\x94 "
                             "licence expired"));
    tap(w, "Not now");
    show(w, "Tom Hargreaves", LNT_ROLE_MANAGER, 0, held, 1);
    assert_false(on_screen(w, "could not be signed in"));
}

static void test_verdict__notices_beyond_those_kept_are_counted(void **state)
{
    struct world *w = *state;

    for (int i = 0; i < LNT_APP_NOTICES_MAX + 2; i++) {
        show(w, "Sam Okafor", LNT_ROLE_DOOR, -3, NULL, 0);
        tap(w, "Tell the manager");
        saved(w);
        tap(w, "Done");
    }
    show(w, "Tom Hargreaves", LNT_ROLE_MANAGER, 0, NULL, 0);
    assert_true(on_screen(w, "+ 5 more at the door"));
}

static void test_verdict__notices_put_back_after_a_restart_are_shown_once(void **state)
{
    struct world *w = *state;
    struct lnt_app_notice kept[LNT_APP_NOTICES_MAX + 1];

    memset(kept, 0, sizeof kept);
    for (size_t i = 0; i < LNT_APP_NOTICES_MAX + 1; i++) {
        lnt_str_copy(kept[i].name, sizeof kept[i].name, "Sam Okafor");
        kept[i].at = T0;
        kept[i].why = LNT_SIA_REVOKED;
    }
    /* more than it keeps, and one counted already: one shown, the other five counted */
    lnt_app_notices_restore(&w->app, kept, LNT_APP_NOTICES_MAX + 1, 1);
    show(w, "Tom Hargreaves", LNT_ROLE_MANAGER, 0, NULL, 0);
    assert_true(on_screen(w, "Sam Okafor could not be signed in on the door at 22:01"));
    assert_true(on_screen(w, "+ 5 more at the door"));
    tap(w, "Not now");
    assert_int_equal(w->app.n_pending, 0);
    assert_int_equal(w->app.pending_more, 0);
}

static void test_verdict__amber_sign_in_is_saved_with_its_warning(void **state)
{
    struct world *w = *state;

    show(w, "Sam Okafor", LNT_ROLE_BAR, 0, NULL, 0);
    tap(w, "Sign in");
    saved(w);
    assert_false(green_banner(w));
    assert_true(on_screen(w, "with a warning"));
    assert_true(on_screen(w, "Needs bystander training (WAVE)"));
}

static void test_verdict__green_sign_in_is_saved_green(void **state)
{
    struct world *w = *state;
    const struct course held[] = {{LNT_COURSE_WAVE, 100}};

    show(w, "Sam Okafor", LNT_ROLE_DOOR, 200, held, 1);
    assert_int_equal(w->app.badge.verdict, LNT_VERDICT_GREEN);
    tap(w, "Sign in");
    saved(w);
    assert_true(green_banner(w));
}

static void test_verdict__suspended_or_revoked_licence_counts_once_in_force(void **state)
{
    struct world *w = *state;
    const struct course held[] = {{LNT_COURSE_WAVE, 100}};
    int32_t today = lnt_london_date(T0);

    lnt_str_copy(w->listed[0].number, sizeof w->listed[0].number, SIA);
    w->listed[0].status = LNT_SIA_LISTED_SUSPENDED;
    w->listed[0].from = today + 1; /* from tomorrow: not yet */
    w->cfg.n_sia_listed = 1;
    lnt_app_set_config(&w->app, &w->cfg);
    show(w, "Sam Okafor", LNT_ROLE_DOOR, 200, held, 1);
    assert_int_equal(w->app.badge.sia, LNT_SIA_VALID);
    assert_int_equal(w->app.badge.verdict, LNT_VERDICT_GREEN);

    w->listed[0].from = today;
    show(w, "Sam Okafor", LNT_ROLE_DOOR, 200, held, 1);
    assert_int_equal(w->app.badge.sia, LNT_SIA_SUSPENDED);
    assert_int_equal(w->app.badge.verdict, LNT_VERDICT_RED);
    assert_non_null(strstr(w->app.badge.verdict_words, "suspended"));
    assert_true(lnt_app_door_blocked(&w->app));
    assert_true(on_screen(w, "SUSPENDED from"));
    tap(w, "Tell the manager");
    assert_int_equal(w->out.ev.u.badge.sia_status, LNT_SIA_SUSPENDED);
    saved(w);
    tap(w, "Done");

    w->listed[0].status = LNT_SIA_LISTED_REVOKED;
    show(w, "Sam Okafor", LNT_ROLE_DOOR, 200, held, 1);
    assert_int_equal(w->app.badge.sia, LNT_SIA_REVOKED);
    assert_true(on_screen(w, "REVOKED from"));

    w->listed[0].status = LNT_SIA_LISTED_VALID;
    show(w, "Sam Okafor", LNT_ROLE_DOOR, 200, held, 1);
    assert_int_equal(w->app.badge.sia, LNT_SIA_VALID);
}

static void test_verdict__course_words_for_every_course(void **state)
{
    (void)state;
    assert_string_equal(lnt_str_course(LNT_COURSE_WAVE), "bystander training (WAVE)");
    for (int c = LNT_COURSE_BYSTANDER; c <= LNT_COURSE__MAX; c++) {
        const char *words = lnt_str_course((enum lnt_course)c);
        assert_true(strlen(words) > 3);
        assert_string_not_equal(words, lnt_course_name((enum lnt_course)c));
        for (int d = LNT_COURSE_BYSTANDER; d < c; d++)
            assert_string_not_equal(words, lnt_str_course((enum lnt_course)d));
    }
    assert_string_equal(lnt_str_course(LNT_COURSE_NONE), lnt_str(LNT_S_CW_UNKNOWN));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_verdict__badge_without_required_training_is_amber_naming_it),
        T(test_verdict__lapsed_required_course_is_amber_and_in_words),
        T(test_verdict__required_training_in_date_is_green),
        T(test_verdict__several_missing_name_the_first_and_count_the_rest),
        T(test_verdict__lapsed_licence_offers_other_duties_not_sign_in),
        T(test_verdict__no_licence_is_no_door_either),
        T(test_verdict__signing_out_stays_possible_without_a_licence),
        T(test_verdict__tell_the_manager_saves_a_refusal_the_next_manager_sees),
        T(test_verdict__notices_beyond_those_kept_are_counted),
        T(test_verdict__notices_put_back_after_a_restart_are_shown_once),
        T(test_verdict__amber_sign_in_is_saved_with_its_warning),
        T(test_verdict__green_sign_in_is_saved_green),
        T(test_verdict__suspended_or_revoked_licence_counts_once_in_force),
        T(test_verdict__course_words_for_every_course),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
