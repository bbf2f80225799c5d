/* test_screen.c - the draw lists: big buttons, verdicts in words and symbols, an honest status bar.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "ltime.h"
#include "screen.h"

#define T0 1795730463LL

static struct lnt_app *badge_app(enum lnt_verdict v, bool on_shift)
{
    struct lnt_app *app = calloc(1, sizeof *app);
    struct lnt_app_config cfg = {0};

    assert_non_null(app);
    lnt_app_init(app, &cfg, T0 * 1000);
    app->state = LNT_APP_BADGE;
    lnt_str_copy(app->badge.claims.name, sizeof app->badge.claims.name, "Sam Okafor");
    lnt_str_copy(app->badge.claims.subject, sizeof app->badge.claims.subject, "12");
    lnt_str_copy(app->badge.claims.sia_number, sizeof app->badge.claims.sia_number,
                 "1234567812345678");
    app->badge.claims.sia_expires = lnt_date_of(T0) + 10;
    app->badge.claims.role = LNT_ROLE_DOOR;
    app->badge.claims.n_courses = 1;
    app->badge.claims.courses[0].course = LNT_COURSE_ANGELA;
    app->badge.claims.courses[0].expires = lnt_date_of(T0) + 100;
    app->badge.course_days_left[0] = 100;
    app->badge.sia = v == LNT_VERDICT_AMBER ? LNT_SIA_EXPIRING : LNT_SIA_VALID;
    app->badge.sia_days_left = 10;
    app->badge.verdict = v;
    lnt_str_copy(app->badge.verdict_words, sizeof app->badge.verdict_words,
                 "SIA licence expires in 10 days");
    app->badge.on_shift = on_shift;
    return app;
}

static struct lnt_status status(int64_t unsent)
{
    struct lnt_status st = {0};
    st.enrolled = true;
    st.online = false;
    st.unsent = unsent;
    st.now = T0;
    return st;
}

static const struct lnt_draw *find_text(const struct lnt_draw_list *dl, const char *needle)
{
    for (size_t i = 0; i < dl->n; i++)
        if ((dl->cmd[i].kind == LNT_DRAW_TEXT || dl->cmd[i].kind == LNT_DRAW_BUTTON) &&
            strstr(dl->cmd[i].text, needle) != NULL)
            return &dl->cmd[i];
    return NULL;
}

static const struct lnt_draw *find_button(const struct lnt_draw_list *dl, int id)
{
    for (size_t i = 0; i < dl->n; i++)
        if (dl->cmd[i].kind == LNT_DRAW_BUTTON && dl->cmd[i].id == id)
            return &dl->cmd[i];
    fail_msg("no button with id %d on screen", id);
    abort(); /* not reached: fail_msg does not return */
}

static void assert_buttons_big_and_on_screen(const struct lnt_draw_list *dl)
{
    for (size_t i = 0; i < dl->n; i++) {
        const struct lnt_draw *d = &dl->cmd[i];
        if (d->kind != LNT_DRAW_BUTTON)
            continue;
        assert_true(d->h >= LNT_BUTTON_MIN_H);
        assert_true(d->x >= 0 && d->y >= 0);
        assert_true(d->x + d->w <= LNT_SCREEN_W && d->y + d->h <= LNT_SCREEN_H);
    }
}

static void test_screen__badge_has_big_primary_button(void **state)
{
    struct lnt_app *app = badge_app(LNT_VERDICT_GREEN, false);
    struct lnt_status st = status(7);
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    const struct lnt_draw *b;

    (void)state;
    assert_non_null(dl);
    lnt_screen_build(app, &st, dl);
    b = find_button(dl, LNT_BTN_PRIMARY);
    assert_non_null(b);
    assert_string_equal(b->text, "Sign in");
    assert_true(b->h >= 64);
    assert_buttons_big_and_on_screen(dl);
    /* A tap in the middle of the button is that button. */
    assert_int_equal(lnt_screen_hit(dl, b->x + b->w / 2, b->y + b->h / 2), LNT_BTN_PRIMARY);
    assert_int_equal(lnt_screen_hit(dl, 5, 45), LNT_BTN_NONE);
    assert_non_null(find_text(dl, "Sam Okafor"));

    app->badge.on_shift = true;
    lnt_screen_build(app, &st, dl);
    assert_string_equal(find_button(dl, LNT_BTN_PRIMARY)->text, "Sign out");
    free(dl);
    free(app);
}

static void test_screen__verdict_in_words_and_symbols(void **state)
{
    static const struct {
        enum lnt_verdict v;
        const char *word;
        const char *symbol;
    } cases[] = {
        {LNT_VERDICT_GREEN, "GREEN", "\xe2\x9c\x94"},
        {LNT_VERDICT_AMBER, "AMBER", "\xe2\x9a\xa0"},
        {LNT_VERDICT_RED, "RED", "\xe2\x9c\x96"},
    };
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    struct lnt_status st = status(0);

    (void)state;
    assert_non_null(dl);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct lnt_app *app = badge_app(cases[i].v, false);
        const struct lnt_draw *t;

        lnt_screen_build(app, &st, dl);
        t = find_text(dl, cases[i].word);
        assert_non_null(t);
        /* Colour never alone: the verdict word carries its symbol too. */
        assert_non_null(strstr(t->text, cases[i].symbol));
        assert_non_null(find_text(dl, "expires in 10 days"));
        free(app);
    }
    free(dl);
}

static void test_screen__status_bar_tells_the_truth(void **state)
{
    struct lnt_app *app = badge_app(LNT_VERDICT_GREEN, false);
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    struct lnt_status st = status(7);

    (void)state;
    assert_non_null(dl);
    lnt_screen_build(app, &st, dl);
    assert_non_null(find_text(dl, "Unsent: 7"));
    assert_non_null(find_text(dl, "Offline"));
    assert_non_null(find_text(dl, "Never synced"));
    assert_null(find_text(dl, "set aside"));

    st.online = true;
    st.unsent = 0;
    st.aside = 2;
    st.last_sync = T0 - 60;
    lnt_screen_build(app, &st, dl);
    assert_non_null(find_text(dl, "Unsent: 0"));
    assert_non_null(find_text(dl, "Online"));
    assert_non_null(find_text(dl, "Last sync"));
    assert_non_null(find_text(dl, "2 set aside"));
    free(dl);
    free(app);
}

static void test_screen__every_state_draws_within_bounds(void **state)
{
    static const enum lnt_app_state states[] = {LNT_APP_IDLE,   LNT_APP_VERIFY,  LNT_APP_BADGE,
                                                LNT_APP_SAVING, LNT_APP_REFUSED, LNT_APP_SAVED};
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    struct lnt_status st = status(1);

    (void)state;
    assert_non_null(dl);
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        struct lnt_app *app = badge_app(LNT_VERDICT_AMBER, false);
        app->state = states[i];
        app->refused = LNT_BADGE_REVOKED;
        lnt_str_copy(app->saved_ref, sizeof app->saved_ref, "5F0C1A2B");
        app->saved_type = LNT_EV_SIGN_IN;
        lnt_screen_build(app, &st, dl);
        assert_true(dl->n > 2 && dl->n < LNT_DRAW_MAX);
        assert_buttons_big_and_on_screen(dl);
        free(app);
    }

    /* The refusal screen says why in words and offers a way out. */
    {
        struct lnt_app *app = badge_app(LNT_VERDICT_GREEN, false);
        app->state = LNT_APP_REFUSED;
        app->refused = LNT_BADGE_EXPIRED;
        lnt_screen_build(app, &st, dl);
        assert_non_null(find_text(dl, "NOT ACCEPTED"));
        assert_non_null(find_button(dl, LNT_BTN_DONE));
        free(app);
    }
    /* The saved screen says so, with the reference. */
    {
        struct lnt_app *app = badge_app(LNT_VERDICT_GREEN, false);
        app->state = LNT_APP_SAVED;
        app->saved_type = LNT_EV_SIGN_IN;
        lnt_str_copy(app->saved_ref, sizeof app->saved_ref, "5F0C1A2B");
        lnt_screen_build(app, &st, dl);
        assert_non_null(find_text(dl, "SAVED"));
        assert_non_null(find_text(dl, "Signed in"));
        assert_non_null(find_text(dl, "Sam Okafor"));
        assert_non_null(find_text(dl, "5F0C1A2B"));
        free(app);
    }
    free(dl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_screen__badge_has_big_primary_button),
        cmocka_unit_test(test_screen__verdict_in_words_and_symbols),
        cmocka_unit_test(test_screen__status_bar_tells_the_truth),
        cmocka_unit_test(test_screen__every_state_draws_within_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
