/* test_screen.c - the draw lists: big buttons, at most six choices, verdicts in words and symbols,
 * an honest status bar, every flow's every step. */
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
#include "strings.h"

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

static bool overlap(const struct lnt_draw *a, const struct lnt_draw *b)
{
    return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

/* Targets a gloved thumb can hit: big, on screen, apart; and at most `max` of them. */
static void assert_targets(const struct lnt_draw_list *dl, size_t max)
{
    assert_buttons_big_and_on_screen(dl);
    assert_true(dl->n < LNT_DRAW_MAX);
    assert_true(lnt_screen_buttons(dl) <= max);
    for (size_t i = 0; i < dl->n; i++)
        for (size_t j = i + 1; j < dl->n; j++)
            if (dl->cmd[i].kind == LNT_DRAW_BUTTON && dl->cmd[j].kind == LNT_DRAW_BUTTON &&
                overlap(&dl->cmd[i], &dl->cmd[j]))
                fail_msg("buttons \"%s\" and \"%s\" overlap", dl->cmd[i].text, dl->cmd[j].text);
}

static void test_screen__every_step_of_every_flow_fits_the_rules(void **state)
{
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    struct lnt_status st = status(2);
    int screens = 0;

    (void)state;
    assert_non_null(dl);
    for (int f = LNT_FLOW_NONE + 1; f < LNT_FLOW__COUNT; f++) {
        const struct lnt_flow_def *def = lnt_flow_get((enum lnt_flow)f);
        assert_non_null(def);
        for (int i = 0; i < def->n_steps; i++) {
            struct lnt_app *app = badge_app(LNT_VERDICT_GREEN, false);
            const struct lnt_step *step = &def->steps[i];
            int per_page, pages;

            app->state = LNT_APP_FORM;
            app->form.flow = (enum lnt_flow)f;
            app->form.step = i;
            lnt_form_pages(&app->form, &per_page, &pages);
            for (int p = 0; p < pages; p++) {
                app->form.page = p;
                app->form.v[step->field] = 0x5; /* a few ticks on */
                lnt_screen_build(app, &st, dl);
                /* Keypads and keyboards are input devices; every screen of choices has six at
                 * most. */
                assert_targets(
                    dl, step->kind == LNT_STEP_PICK || step->kind == LNT_STEP_TICKS ? 6 : 48);
                {
                    /* The question is there (wrapped, perhaps: its first words at least). */
                    char start[12];
                    lnt_str_copy(start, sizeof start, lnt_str(step->question));
                    assert_non_null(find_text(dl, start));
                }
                screens++;
            }
            free(app);
        }
    }
    assert_true(screens > 30);
    free(dl);
}

static void test_screen__badge_actions_follow_the_role(void **state)
{
    static const struct {
        enum lnt_role role;
        const char *has;
        const char *lacks;
    } cases[] = {
        {LNT_ROLE_DOOR, "Open reports (0)", "More"},
        {LNT_ROLE_BAR, "Ask for Angela", "Cup covers"},
        {LNT_ROLE_MANAGER, "More", "Cup covers"},
        {LNT_ROLE_VOLUNTEER, "Start shift", "Ask for Angela"},
    };
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    struct lnt_status st = status(0);

    (void)state;
    assert_non_null(dl);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct lnt_app *app = badge_app(LNT_VERDICT_GREEN, false);
        app->badge.claims.role = cases[i].role;
        lnt_screen_build(app, &st, dl);
        assert_targets(dl, 6);
        assert_int_not_equal(lnt_screen_find_label(dl, cases[i].has), LNT_BTN_NONE);
        assert_int_equal(lnt_screen_find_label(dl, cases[i].lacks), LNT_BTN_NONE);
        assert_int_not_equal(lnt_screen_find_label(dl, "Not now"), LNT_BTN_NONE);
        free(app);
    }
    /* The manager's menu and a long list of open reports keep to six choices too. */
    {
        struct lnt_app *app = badge_app(LNT_VERDICT_GREEN, false);
        app->badge.claims.role = LNT_ROLE_MANAGER;
        app->state = LNT_APP_MENU;
        lnt_screen_build(app, &st, dl);
        assert_targets(dl, 6);
        assert_int_not_equal(lnt_screen_find_label(dl, "Cup covers"), LNT_BTN_NONE);
        app->state = LNT_APP_REPORTS;
        app->n_reports = 9;
        for (size_t i = 0; i < 9; i++) {
            lnt_str_copy(app->reports[i].kind, sizeof app->reports[i].kind, "spiking");
            lnt_str_copy(app->reports[i].place, sizeof app->reports[i].place, "bar");
            app->reports[i].occurred_at = T0 - (int64_t)i * 600;
        }
        lnt_screen_build(app, &st, dl);
        assert_targets(dl, 6);
        assert_non_null(find_text(dl, "Spiking 22:01, Bar"));
        assert_int_not_equal(lnt_screen_find_label(dl, "More"), LNT_BTN_NONE);
        free(app);
    }
    free(dl);
}

static void test_screen__status_bar_flags_unsent_over_an_hour(void **state)
{
    struct lnt_app *app = badge_app(LNT_VERDICT_GREEN, false);
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    struct lnt_status st = status(5);

    (void)state;
    assert_non_null(dl);
    st.unsent_age = 3599;
    lnt_screen_build(app, &st, dl);
    assert_non_null(find_text(dl, "Unsent: 5"));
    st.unsent_age = 2 * 3600 + 5;
    lnt_screen_build(app, &st, dl);
    assert_null(find_text(dl, "Unsent: 5"));
    assert_non_null(find_text(dl, "5 unsent over 2 h"));
    /* A symbol goes with the amber: colour is never the only sign. */
    assert_non_null(strstr(find_text(dl, "5 unsent over 2 h")->text, "\xe2\x9a\xa0"));
    free(dl);
    free(app);
}

static void test_screen__every_string_and_pick_has_words(void **state)
{
    static const char places[2][48] = {"Castle Park", "Market Street"};
    (void)state;
    lnt_list_set_street_places(places, 2); /* the one list that comes from the server */
    for (int id = LNT_S_NONE + 1; id < LNT_S__COUNT; id++)
        if (lnt_str((enum lnt_sid)id)[0] == '\0')
            fail_msg("string %d has no words", id);
    for (int r = LNT_BADGE_VALID + 1; r < LNT_BADGE__COUNT; r++) {
        assert_true(strlen(lnt_str_refused((enum lnt_badge_reason)r)) > 10);
        assert_true(strlen(lnt_str_refused_next((enum lnt_badge_reason)r)) > 10);
    }
    for (int l = LNT_L_NONE + 1; l < LNT_L__COUNT; l++) {
        size_t n;
        const struct lnt_pick *p = lnt_list_items((enum lnt_list)l, &n);
        assert_true(n >= 2 && n <= LNT_LIST_MAX);
        for (size_t i = 0; i < n; i++) {
            assert_true(strlen(p[i].code) < LNT_SHORT_TEXT); /* fits the wire's short fields */
            assert_true(p[i].label[0] != '\0');
        }
    }
    assert_int_equal(lnt_list_find(LNT_L_PLACES, "dance_floor"), 1);
    assert_int_equal(lnt_list_find(LNT_L_PLACES, "roof"), -1);
    assert_string_equal(lnt_list_label(LNT_L_PLACES, 99), "");
}

static void test_screen__buttons_found_by_their_words(void **state)
{
    struct lnt_app *app = badge_app(LNT_VERDICT_GREEN, false);
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    struct lnt_status st = status(0);

    (void)state;
    assert_non_null(dl);
    app->state = LNT_APP_FORM;
    app->form.flow = LNT_FLOW_ANGELA;
    app->form.step = 1; /* tick boxes */
    lnt_screen_build(app, &st, dl);
    assert_int_equal(lnt_screen_find_label(dl, "Moved out of sight"), LNT_BTN_ITEM0);
    assert_int_equal(lnt_screen_find_label(dl, "Back"), LNT_BTN_BACK);
    assert_int_equal(lnt_screen_find_label(dl, "More"), LNT_BTN_MORE);
    assert_int_equal(lnt_screen_find_label(dl, "Offered*"), LNT_BTN_ITEM0 + 1);
    assert_int_equal(lnt_screen_find_label(dl, "moved out of sight"), LNT_BTN_NONE);
    assert_int_equal(lnt_screen_find_label(dl, "Police called"), LNT_BTN_NONE); /* page 2 */
    free(dl);
    free(app);
}

static void test_screen__refusal_says_what_and_what_next(void **state)
{
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    struct lnt_status st = status(0);

    (void)state;
    assert_non_null(dl);
    for (int r = LNT_BADGE_VALID + 1; r < LNT_BADGE__COUNT; r++) {
        struct lnt_app *app = badge_app(LNT_VERDICT_GREEN, false);
        memset(&app->badge, 0, sizeof app->badge);
        app->state = LNT_APP_REFUSED;
        app->refused = (enum lnt_badge_reason)r;
        lnt_screen_build(app, &st, dl);
        assert_targets(dl, 1);
        assert_non_null(find_text(dl, "What to do"));
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
        cmocka_unit_test(test_screen__every_step_of_every_flow_fits_the_rules),
        cmocka_unit_test(test_screen__badge_actions_follow_the_role),
        cmocka_unit_test(test_screen__status_bar_flags_unsent_over_an_hour),
        cmocka_unit_test(test_screen__every_string_and_pick_has_words),
        cmocka_unit_test(test_screen__buttons_found_by_their_words),
        cmocka_unit_test(test_screen__refusal_says_what_and_what_next),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
