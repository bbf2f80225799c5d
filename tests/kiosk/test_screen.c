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
#include <math.h>

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
    assert_non_null(find_text(dl, "Synced Thu 22:00"));
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
        assert_non_null(find_text(dl, "Spiking Thu 22:01, Bar"));
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
    app->form.step = 3; /* tick boxes */
    lnt_screen_build(app, &st, dl);
    assert_int_equal(lnt_screen_find_label(dl, "Moved out of sight"), LNT_BTN_ITEM0);
    assert_int_equal(lnt_screen_find_label(dl, "Back"), LNT_BTN_BACK);
    assert_int_equal(lnt_screen_find_label(dl, "More"), LNT_BTN_MORE);
    assert_int_equal(lnt_screen_find_label(dl, "Offered*"), LNT_BTN_ITEM0 + 1);
    assert_int_equal(lnt_screen_find_label(dl, "moved out of sight"), LNT_BTN_NONE);
    assert_int_equal(lnt_screen_find_label(dl, "Not left in their sight"),
                     LNT_BTN_NONE); /* page 2 */
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

/* ---- readable: contrast and size on every screen ---- */

/* WCAG 2 relative luminance of one sRGB channel. */
static double channel(uint8_t v)
{
    double c = v / 255.0;
    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(struct lnt_rgb c)
{
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

/* WCAG 2 contrast ratio, 1 to 21. */
static double contrast(struct lnt_rgb a, struct lnt_rgb b)
{
    double la = luminance(a), lb = luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* The colour under the middle of command `i`: the last box drawn before it that covers it. */
static struct lnt_rgb under(const struct lnt_draw_list *dl, size_t i)
{
    int x = dl->cmd[i].x + dl->cmd[i].w / 2, y = dl->cmd[i].y + dl->cmd[i].h / 2;

    for (size_t j = i; j-- > 0;) {
        const struct lnt_draw *d = &dl->cmd[j];
        if ((d->kind == LNT_DRAW_RECT || d->kind == LNT_DRAW_BUTTON) && x >= d->x &&
            x < d->x + d->w && y >= d->y && y < d->y + d->h)
            return d->bg;
    }
    fail_msg("\"%s\" is drawn over nothing", dl->cmd[i].text);
    abort();
}

static int screens_checked;

/* Every word on the screen at least 4.5:1 against what it is drawn on, and at least 18 px. */
static void assert_readable(const struct lnt_draw_list *dl, const char *screen)
{
    for (size_t i = 0; i < dl->n; i++) {
        const struct lnt_draw *d = &dl->cmd[i];
        double ratio;

        if (d->kind == LNT_DRAW_RECT || d->text[0] == '\0')
            continue;
        ratio = contrast(d->fg, d->kind == LNT_DRAW_BUTTON ? d->bg : under(dl, i));
        if (ratio < 4.5)
            fail_msg("%s: \"%s\" is %.2f:1 against its background (4.5:1 at least)", screen,
                     d->text, ratio);
        if (d->size < 18)
            fail_msg("%s: \"%s\" is %d px (18 at least)", screen, d->text, d->size);
    }
    screens_checked++;
}

static void check_app(struct lnt_app *app, const struct lnt_status *st, const char *screen)
{
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);

    assert_non_null(dl);
    lnt_screen_build(app, st, dl);
    assert_readable(dl, screen);
    free(dl);
}

/* Every step and page of every flow, with ticks, typing, errors and the discard question. */
static void check_flows(const struct lnt_status *st)
{
    char name[64];

    for (int f = LNT_FLOW_NONE + 1; f < LNT_FLOW__COUNT; f++) {
        const struct lnt_flow_def *def = lnt_flow_get((enum lnt_flow)f);
        for (int i = 0; i < def->n_steps; i++) {
            struct lnt_app *app = badge_app(LNT_VERDICT_GREEN, false);
            int per_page, pages;

            app->state = LNT_APP_FORM;
            app->form.flow = (enum lnt_flow)f;
            app->form.step = i;
            lnt_form_pages(&app->form, &per_page, &pages);
            snprintf(name, sizeof name, "flow %d step %d", f, i);
            for (int p = 0; p < pages; p++) {
                app->form.page = p;
                app->form.v[def->steps[i].field] = 0x5;
                check_app(app, st, name);
            }
            lnt_str_copy(app->form.entry, sizeof app->form.entry, "2215");
            check_app(app, st, name);
            app->form.entry_bad = true;
            check_app(app, st, name);
            lnt_str_copy(app->entry_why, sizeof app->entry_why,
                         "\xe2\x9c\x96 Sat 04:00 is later than now (Sat 03:17)");
            check_app(app, st, name);
            app->form.entry[0] = '\0';
            check_app(app, st, name);
            lnt_str_copy(app->save_error, sizeof app->save_error,
                         "Not saved (database error). Try again.");
            check_app(app, st, name);
            app->form.earlier = LNT_FIELD_BIT(LNT_F_WHEN);
            app->form.occurred_at = T0 - 600;
            lnt_str_copy(app->form.report_id, sizeof app->form.report_id,
                         "0190e3a0-0000-7000-8000-0000f5515185");
            check_app(app, st, name);
            app->confirm_discard = true;
            check_app(app, st, name);
            free(app);
        }
    }
}

static void test_screen__every_text_on_every_screen_is_readable(void **state)
{
    static const enum lnt_role roles[] = {LNT_ROLE_DOOR, LNT_ROLE_BAR, LNT_ROLE_MANAGER,
                                          LNT_ROLE_VOLUNTEER, LNT_ROLE_NONE};
    static const enum lnt_event_type saved[] = {LNT_EV_SIGN_IN, LNT_EV_INCIDENT, LNT_EV_STOCK,
                                                LNT_EV_SHIFT_START};
    struct lnt_status st = status(3), bars[4];
    struct lnt_app *app;

    (void)state;
    /* The status bar in each of its moods. */
    bars[0] = st;
    bars[1] = st;
    bars[1].enrolled = false;
    bars[2] = st;
    bars[2].online = true;
    bars[2].last_sync = T0 - 60;
    bars[2].aside = 12;
    bars[3] = st;
    bars[3].unsent_age = 7200;
    for (size_t b = 0; b < 4; b++) {
        for (int s = LNT_APP_IDLE; s <= LNT_APP_SAVING; s++) {
            app = badge_app(LNT_VERDICT_GREEN, false);
            app->state = (enum lnt_app_state)s;
            bars[b].venue = "The Crown & Anchor, Market Square";
            check_app(app, &bars[b], "status bar");
            free(app);
        }
    }
    /* Every verdict, role and shift, with a save error and the idle countdown. */
    for (int v = LNT_VERDICT_GREEN; v <= LNT_VERDICT_RED; v++)
        for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
            app = badge_app((enum lnt_verdict)v, r % 2 == 0);
            app->badge.claims.role = roles[r];
            app->badge.sia = (enum lnt_sia_status)(r % 5);
            check_app(app, &st, "badge");
            lnt_str_copy(app->save_error, sizeof app->save_error, "Not saved (disk full).");
            app->idle_warn_s = 8;
            check_app(app, &st, "badge, error, countdown");
            app->state = LNT_APP_MENU;
            st.open_reports = (int64_t)r;
            check_app(app, &st, "menu");
            free(app);
        }
    /* Refusals, saved records (open, stock low and not), the open reports. */
    for (int r = LNT_BADGE_VALID + 1; r < LNT_BADGE__COUNT; r++) {
        app = badge_app(LNT_VERDICT_GREEN, false);
        app->state = LNT_APP_REFUSED;
        app->refused = (enum lnt_badge_reason)r;
        check_app(app, &st, "refused");
        free(app);
    }
    for (size_t i = 0; i < sizeof saved / sizeof saved[0] * 2; i++) {
        app = badge_app(LNT_VERDICT_GREEN, false);
        app->state = LNT_APP_SAVED;
        app->saved_type = saved[i / 2];
        app->saved_open = i % 2 == 1;
        app->saved_stock = i % 2 == 1 ? 20 : 500;
        app->saved_at = app->saved_type == LNT_EV_INCIDENT ? T0 - 600 : 0;
        lnt_str_copy(app->saved_ref, sizeof app->saved_ref, "F5515185");
        check_app(app, &st, "saved");
        free(app);
    }
    app = badge_app(LNT_VERDICT_GREEN, false);
    app->state = LNT_APP_REPORTS;
    check_app(app, &st, "no open reports");
    app->n_reports = 6;
    for (size_t i = 0; i < 6; i++) {
        lnt_str_copy(app->reports[i].kind, sizeof app->reports[i].kind, "violence_injury");
        lnt_str_copy(app->reports[i].place, sizeof app->reports[i].place, "smoking_area");
        app->reports[i].occurred_at = T0 - (int64_t)i * 600;
    }
    check_app(app, &st, "open reports");
    app->idle_warn_s = 3;
    check_app(app, &st, "open reports, countdown");
    free(app);
    /* The assist button unanswered: on the idle screen, with the camera working or not. */
    app = badge_app(LNT_VERDICT_GREEN, false);
    app->state = LNT_APP_IDLE;
    app->assist_at = T0 - 90;
    check_app(app, &st, "assist");
    app->camera_down = true;
    check_app(app, &st, "assist, camera down");
    free(app);
    check_flows(&st);
    assert_true(screens_checked > 300);
}

/* Hints, reminders, errors and warnings that were 12 to 16 px are read at arm's length. */
static void test_screen__hints_and_reminders_read_at_arms_length(void **state)
{
    static const char *const hints[] = {
        "Some drugs leave the body", "Keep it short", "later than", "It is now", "Not saved",
        "Going back to the start"};
    struct lnt_status st = status(0);
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    struct lnt_app *app = badge_app(LNT_VERDICT_GREEN, false);
    size_t found = 0;

    (void)state;
    assert_non_null(dl);
    app->state = LNT_APP_FORM;
    app->idle_warn_s = 9;
    lnt_str_copy(app->save_error, sizeof app->save_error, "Not saved (disk full).");
    lnt_str_copy(app->entry_why, sizeof app->entry_why,
                 "\xe2\x9c\x96 Sat 04:00 is later than now (Sat 03:17)");
    for (int step = 0; step < 16; step++)
        for (int bad = 0; bad < 2; bad++) {
            app->form.flow = LNT_FLOW_SPIKING;
            app->form.step = step;
            app->form.entry_bad = bad == 1;
            lnt_screen_build(app, &st, dl);
            for (size_t i = 0; i < dl->n; i++)
                for (size_t h = 0; h < sizeof hints / sizeof hints[0]; h++)
                    if (strstr(dl->cmd[i].text, hints[h]) != NULL) {
                        if (dl->cmd[i].size < 20)
                            fail_msg("\"%s\" is %d px (20 at least)", dl->cmd[i].text,
                                     dl->cmd[i].size);
                        found |= (size_t)1 << h;
                    }
        }
    /* Each of them was seen. */
    assert_int_equal(found, ((size_t)1 << (sizeof hints / sizeof hints[0])) - 1);
    free(app);
    free(dl);
}

static void test_screen__words_a_person_at_the_door_can_use(void **state)
{
    struct lnt_status st = status(0);
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    struct lnt_app *app = badge_app(LNT_VERDICT_GREEN, false);

    (void)state;
    assert_non_null(dl);
    /* No shell command on a fresh kiosk: what to do, in words. */
    st.enrolled = false;
    app->state = LNT_APP_IDLE;
    lnt_screen_build(app, &st, dl);
    assert_non_null(find_text(dl, "Ask your scheme administrator for this kiosk's set-up code"));
    for (size_t i = 0; i < dl->n; i++) {
        assert_null(strchr(dl->cmd[i].text, '`'));
        assert_null(strstr(dl->cmd[i].text, "lanternctl"));
    }
    /* The SIA number is masked but for its last four digits. */
    st.enrolled = true;
    app->state = LNT_APP_BADGE;
    lnt_screen_build(app, &st, dl);
    assert_non_null(find_text(dl, "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2 "
                                  "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2 "
                                  "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2 5678"));
    assert_null(find_text(dl, "12345678"));
    assert_null(find_text(dl, "1234 5678"));
    assert_non_null(find_text(dl, "staff no. 12"));
    /* A volunteer goes by a call sign, never a staff number. */
    app->badge.claims.role = LNT_ROLE_VOLUNTEER;
    lnt_screen_build(app, &st, dl);
    assert_null(find_text(dl, "staff no."));
    assert_non_null(find_text(dl, "Volunteer"));
    lnt_str_copy(app->call_sign, sizeof app->call_sign, "Bravo");
    lnt_screen_build(app, &st, dl);
    assert_non_null(find_text(dl, "call sign Bravo"));
    assert_null(find_text(dl, "staff no."));
    free(app);
    free(dl);
}

static void test_screen__idle_countdown_and_discard_question(void **state)
{
    struct lnt_status st = status(0);
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    struct lnt_app *app = badge_app(LNT_VERDICT_GREEN, false);
    const struct lnt_draw *keep;

    (void)state;
    assert_non_null(dl);
    lnt_screen_build(app, &st, dl);
    assert_null(find_text(dl, "Going back"));
    app->idle_warn_s = 8;
    lnt_screen_build(app, &st, dl);
    assert_non_null(find_text(dl, "Going back to the start in 8 s \xe2\x80\x94 touch to stay"));
    /* Over the status bar, where there is nothing to tap: no button moves. */
    assert_true(find_text(dl, "Going back")->y + find_text(dl, "Going back")->h <= 40);

    app->idle_warn_s = 0;
    app->state = LNT_APP_FORM;
    app->form.flow = LNT_FLOW_SPIKING;
    app->confirm_discard = true;
    lnt_screen_build(app, &st, dl);
    assert_non_null(find_text(dl, "Discard this report?"));
    assert_targets(dl, 2);
    assert_int_equal(lnt_screen_find_label(dl, "Discard"), LNT_BTN_DISCARD);
    /* Keep going is where Back was: a second tap of Back keeps the report. */
    keep = find_button(dl, LNT_BTN_KEEP_GOING);
    assert_int_equal(lnt_screen_hit(dl, 120, 436), LNT_BTN_KEEP_GOING);
    assert_true(keep->h >= LNT_BUTTON_MIN_H);
    free(app);
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
        cmocka_unit_test(test_screen__every_text_on_every_screen_is_readable),
        cmocka_unit_test(test_screen__hints_and_reminders_read_at_arms_length),
        cmocka_unit_test(test_screen__words_a_person_at_the_door_can_use),
        cmocka_unit_test(test_screen__idle_countdown_and_discard_question),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
