/* test_staff.c - what managers and volunteers do at the kiosk, without a display: the open-report
 * count on a manager's badge, who is on shift and the door ratio, signing someone out, cup covers
 * for bar staff, the standing low-stock warning, a recount, tallies on one screen, street welfare.
 */
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
#include "screen.h"

#define T0 1795730463LL /* 2026-11-26T22:01:03Z, a Thursday night in GMT */
#define MS(t) ((int64_t)(t)*1000)

struct world {
    struct lnt_signing_key key;
    struct lnt_trusted_key trusted;
    struct lnt_trust trust;
    struct lnt_app app;
    struct lnt_app_out out;
    struct lnt_draw_list dl;
    struct lnt_status st;
    bool on_shift;
    int64_t stock;
    size_t n_team;
    struct lnt_shift_person team[6];
    int64_t t; /* ms clock */
};

static bool fake_on_shift(void *ctx, const char *staff_id)
{
    (void)staff_id;
    return ((struct world *)ctx)->on_shift;
}

static int64_t fake_stock(void *ctx)
{
    return ((struct world *)ctx)->stock;
}

static size_t fake_team(void *ctx, struct lnt_shift_person *out, size_t max)
{
    struct world *w = ctx;
    size_t n = w->n_team < max ? w->n_team : max;
    memcpy(out, w->team, n * sizeof *out);
    return n;
}

static void configure(struct world *w, int64_t capacity)
{
    struct lnt_app_config cfg = {0};

    cfg.trust = &w->trust;
    cfg.on_shift = fake_on_shift;
    cfg.on_shift_ctx = w;
    cfg.stock_level = fake_stock;
    cfg.team = fake_team;
    cfg.capacity = capacity;
    lnt_app_set_config(&w->app, &cfg);
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
    w->stock = -1;
    w->t = MS(T0);
    w->st.enrolled = true;
    w->st.now = T0;
    lnt_app_init(&w->app, &cfg, w->t);
    configure(w, 0);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void show_badge(struct world *w, enum lnt_role role, const char *subject, const char *name)
{
    struct lnt_badge_claims c;
    char qr[LNT_BADGE_MAX_TEXT + 1];

    memset(&c, 0, sizeof c);
    lnt_str_copy(c.issuer, sizeof c.issuer, "WTN");
    lnt_str_copy(c.subject, sizeof c.subject, subject);
    lnt_str_copy(c.name, sizeof c.name, name);
    lnt_random(c.serial, sizeof c.serial);
    c.issued_at = T0 - 86400;
    c.expires_at = T0 + 300 * 86400;
    c.role = role;
    assert_int_equal(lnt_badge_issue(&c, &w->key, qr, sizeof qr, NULL), LNT_OK);
    w->t += 6000; /* past the repeat-scan window */
    lnt_app_scan(&w->app, NULL, w->t, &w->out);
    lnt_app_scan(&w->app, qr, w->t, &w->out);
    assert_int_equal(w->app.state, LNT_APP_BADGE);
}

static void build(struct world *w)
{
    lnt_screen_build(&w->app, &w->st, &w->dl);
}

static bool has_button(struct world *w, const char *label)
{
    build(w);
    return lnt_screen_find_label(&w->dl, label) != LNT_BTN_NONE;
}

/* Taps the button labelled `label` on the current screen, as a person (or a replay) would. */
static void tap(struct world *w, const char *label)
{
    int id;

    build(w);
    id = lnt_screen_find_label(&w->dl, label);
    if (id == LNT_BTN_NONE)
        fail_msg("no button \"%s\" on the screen (state %d)", label, (int)w->app.state);
    w->t += 500;
    lnt_app_tap(&w->app, id, w->t, &w->out);
}

/* The text command whose words contain `needle`, or NULL. */
static const struct lnt_draw *text_with(struct world *w, const char *needle)
{
    build(w);
    for (size_t i = 0; i < w->dl.n; i++)
        if (w->dl.cmd[i].kind == LNT_DRAW_TEXT && strstr(w->dl.cmd[i].text, needle) != NULL)
            return &w->dl.cmd[i];
    return NULL;
}

/* The outbox's part: gives the event a seq and uuid and reports it saved. */
static struct lnt_event saved(struct world *w)
{
    struct lnt_event ev;

    assert_true(w->out.save);
    assert_int_equal(w->app.state, LNT_APP_SAVING);
    ev = w->out.ev;
    ev.seq = 1;
    lnt_uuid4(ev.uuid);
    lnt_app_save_done(&w->app, LNT_OK, &ev, w->t);
    assert_int_equal(w->app.state, LNT_APP_SAVED);
    return ev;
}

/* Every button at least 64 px each way, on the screen, none overlapping. */
static void assert_thumb_targets(const struct lnt_draw_list *dl)
{
    for (size_t i = 0; i < dl->n; i++) {
        const struct lnt_draw *a = &dl->cmd[i];
        if (a->kind != LNT_DRAW_BUTTON)
            continue;
        assert_true(a->w >= LNT_BUTTON_MIN_H && a->h >= LNT_BUTTON_MIN_H);
        assert_true(a->x >= 0 && a->y >= 0 && a->x + a->w <= LNT_SCREEN_W &&
                    a->y + a->h <= LNT_SCREEN_H);
        for (size_t j = i + 1; j < dl->n; j++) {
            const struct lnt_draw *b = &dl->cmd[j];
            if (b->kind == LNT_DRAW_BUTTON && a->x < b->x + b->w && b->x < a->x + a->w &&
                a->y < b->y + b->h && b->y < a->y + a->h)
                fail_msg("buttons \"%s\" and \"%s\" overlap", a->text, b->text);
        }
    }
}

static void person(struct world *w, const char *id, const char *name, enum lnt_role role,
                   int64_t since)
{
    struct lnt_shift_person *p = &w->team[w->n_team++];

    memset(p, 0, sizeof *p);
    lnt_str_copy(p->staff_id, sizeof p->staff_id, id);
    lnt_str_copy(p->name, sizeof p->name, name);
    lnt_str_copy(p->serial, sizeof p->serial, "a1b2c3d4e5f60718");
    p->role = role;
    if (role == LNT_ROLE_DOOR) {
        lnt_str_copy(p->sia_number, sizeof p->sia_number, "1234567812345678");
        p->sia_expires = 21000;
        p->sia_status = LNT_SIA_VALID;
    } else {
        p->sia_status = LNT_SIA_NOT_REQUIRED;
    }
    p->verdict = LNT_VERDICT_GREEN;
    p->since = since;
}

static void test_staff__manager_badge_shows_the_open_report_count(void **state)
{
    struct world *w = *state;

    show_badge(w, LNT_ROLE_MANAGER, "40", "Jo Manager");
    w->st.open_reports = 2;
    assert_true(has_button(w, "More (2 open)"));
    /* With none waiting it is just More, and grey. */
    w->st.open_reports = 0;
    assert_true(has_button(w, "More"));
    assert_false(has_button(w, "More (0 open)"));
}

static void test_staff__on_shift_lists_names_roles_and_the_door_ratio(void **state)
{
    struct world *w = *state;

    person(w, "12", "Sam Door", LNT_ROLE_DOOR, T0 - 3600);
    person(w, "13", "Ali Door", LNT_ROLE_DOOR, T0 - 3000);
    person(w, "14", "Kim Door", LNT_ROLE_DOOR, T0 - 2000);
    person(w, "7", "Alex Bar", LNT_ROLE_BAR, T0 - 1000);
    configure(w, 250);
    show_badge(w, LNT_ROLE_MANAGER, "40", "Jo Manager");
    tap(w, "More");
    tap(w, "On shift now");
    assert_int_equal(w->app.state, LNT_APP_TEAM);
    assert_non_null(text_with(w, "On shift now: 4"));
    assert_non_null(text_with(w, "3 door supervisors for 250: 1 per 83"));
    assert_true(has_button(w, "Sam Door - Door supervisor, since 21:01"));
    assert_true(has_button(w, "Alex Bar - Bar staff, since 21:44"));
    assert_thumb_targets(&w->dl);

    /* Without a capacity from the server there is no ratio to give. */
    configure(w, 0);
    assert_null(text_with(w, "door supervisor"));
    /* With no door supervisor signed in, it says so, with a warning sign. */
    w->n_team = 0;
    person(w, "7", "Alex Bar", LNT_ROLE_BAR, T0 - 1000);
    configure(w, 250);
    tap(w, "Back");
    tap(w, "On shift now");
    assert_non_null(text_with(w, "No door supervisors signed in for 250"));
}

static void test_staff__manager_signs_out_someone_who_left(void **state)
{
    struct world *w = *state;
    struct lnt_event ev;

    person(w, "12", "Sam Door", LNT_ROLE_DOOR, T0 - 3600);
    person(w, "7", "Alex Bar", LNT_ROLE_BAR, T0 - 1000);
    show_badge(w, LNT_ROLE_MANAGER, "40", "Jo Manager");
    tap(w, "More");
    tap(w, "On shift now");
    tap(w, "Sam Door*");
    assert_int_equal(w->app.state, LNT_APP_CONFIRM);
    assert_non_null(text_with(w, "Sign out Sam Door?"));
    /* Back changes nothing. */
    tap(w, "Back");
    assert_int_equal(w->app.state, LNT_APP_TEAM);
    assert_false(w->out.save);
    tap(w, "Sam Door*");
    tap(w, "Sign them out");
    ev = saved(w);
    /* Their register line, as their own scan would have closed it, saying who did it. */
    assert_int_equal(ev.type, LNT_EV_SIGN_OUT);
    assert_string_equal(ev.u.badge.staff_id, "12");
    assert_string_equal(ev.u.badge.serial, "a1b2c3d4e5f60718");
    assert_int_equal(ev.u.badge.role, LNT_ROLE_DOOR);
    assert_string_equal(ev.u.badge.sia_number, "1234567812345678");
    assert_int_equal(ev.u.badge.sia_status, LNT_SIA_VALID);
    assert_string_equal(ev.u.badge.signed_out_by, "40");
    assert_int_equal(ev.occurred_at, w->t / 1000);
    assert_non_null(text_with(w, "Sam Door signed out"));

    /* A manager's own scan out says nothing of anyone else. */
    w->on_shift = true;
    show_badge(w, LNT_ROLE_MANAGER, "40", "Jo Manager");
    tap(w, "Sign out");
    ev = saved(w);
    assert_string_equal(ev.u.badge.staff_id, "40");
    assert_string_equal(ev.u.badge.signed_out_by, "");
}

static void test_staff__only_managers_see_who_is_on_shift(void **state)
{
    struct world *w = *state;

    person(w, "12", "Sam Door", LNT_ROLE_DOOR, T0 - 3600);
    show_badge(w, LNT_ROLE_BAR, "7", "Alex Bar");
    tap(w, "More");
    assert_false(has_button(w, "On shift now"));
    lnt_app_tap(&w->app, LNT_BTN_TEAM, w->t, &w->out);
    assert_int_equal(w->app.state, LNT_APP_MENU);
    tap(w, "Back");
    tap(w, "Not now");
    show_badge(w, LNT_ROLE_DOOR, "12", "Sam Door");
    lnt_app_tap(&w->app, LNT_BTN_MENU, w->t, &w->out);
    lnt_app_tap(&w->app, LNT_BTN_TEAM, w->t, &w->out);
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    tap(w, "Not now");
    show_badge(w, LNT_ROLE_VOLUNTEER, "900", "Pat Volunteer");
    lnt_app_tap(&w->app, LNT_BTN_TEAM, w->t, &w->out);
    assert_int_equal(w->app.state, LNT_APP_BADGE);
}

static void test_staff__bar_staff_record_cup_covers_handed_out(void **state)
{
    struct world *w = *state;
    struct lnt_event ev;

    w->stock = 300;
    show_badge(w, LNT_ROLE_BAR, "7", "Alex Bar");
    tap(w, "More");
    tap(w, "Cup covers");
    tap(w, "Handed out");
    assert_true(lnt_app_type(&w->app, "40", w->t));
    tap(w, "OK");
    ev = saved(w);
    assert_int_equal(ev.type, LNT_EV_STOCK);
    assert_string_equal(ev.u.stock.kind, "handed_out");
    assert_int_equal(ev.u.stock.quantity, 40);
    assert_string_equal(ev.u.stock.staff_id, "7");
    assert_false(w->out.recount_set); /* within stock: no count asked */
}

static void test_staff__handing_out_more_than_in_stock_asks_for_a_count(void **state)
{
    struct world *w = *state;
    struct lnt_event ev;

    w->stock = 30;
    show_badge(w, LNT_ROLE_BAR, "7", "Alex Bar");
    tap(w, "More");
    tap(w, "Cup covers");
    tap(w, "Handed out");
    assert_true(lnt_app_type(&w->app, "50", w->t));
    tap(w, "OK");
    /* Not saved: the kiosk's level is wrong, so it asks what is really there. */
    assert_false(w->out.save);
    assert_int_equal(w->app.state, LNT_APP_FORM);
    assert_non_null(text_with(w, "More than in stock?"));
    assert_non_null(text_with(w, "Count what is left"));
    assert_true(lnt_app_type(&w->app, "12", w->t));
    tap(w, "OK");
    ev = saved(w);
    assert_string_equal(ev.u.stock.kind, "handed_out");
    assert_int_equal(ev.u.stock.quantity, 50);
    assert_true(w->out.recount_set);
    assert_int_equal(w->out.recount, 12);

    /* Never counted: nothing to compare with, saved as it is. */
    w->stock = -1;
    show_badge(w, LNT_ROLE_BAR, "7", "Alex Bar");
    tap(w, "More");
    tap(w, "Cup covers");
    tap(w, "Handed out");
    assert_true(lnt_app_type(&w->app, "50", w->t));
    tap(w, "OK");
    ev = saved(w);
    assert_int_equal(ev.u.stock.quantity, 50);
    assert_false(w->out.recount_set);
}

static void test_staff__low_cup_covers_stay_on_the_idle_screen_until_restocked(void **state)
{
    struct world *w = *state;

    assert_int_equal(w->app.state, LNT_APP_IDLE);
    w->st.cup_threshold = 100;
    w->st.stock_known = true;
    w->st.stock_level = 40;
    assert_non_null(text_with(w, "Cup covers low: 40 left, below 100"));
    /* Still there a minute later, after other people came and went. */
    w->t += 60000;
    show_badge(w, LNT_ROLE_DOOR, "12", "Sam Door");
    tap(w, "Not now");
    assert_non_null(text_with(w, "Cup covers low"));
    /* A delivery or a count at or above the threshold clears it. */
    w->st.stock_level = 100;
    assert_null(text_with(w, "Cup covers low"));
    /* Never counted here: nothing to warn of. */
    w->st.stock_known = false;
    w->st.stock_level = 0;
    assert_null(text_with(w, "Cup covers low"));
}

static void test_staff__volunteer_tallies_on_one_screen_with_a_summary(void **state)
{
    struct world *w = *state;
    struct lnt_event ev;

    w->on_shift = true;
    show_badge(w, LNT_ROLE_VOLUNTEER, "900", "Pat Volunteer");
    tap(w, "End shift");
    build(w);
    /* All eight on one screen, each with - and +, big enough for a gloved thumb. */
    assert_true(has_button(w, "+ Water"));
    assert_true(has_button(w, "+ Calmed"));
    assert_thumb_targets(&w->dl);
    tap(w, "+ Water");
    tap(w, "+ Water");
    tap(w, "+ Water");
    tap(w, "+ Police");
    lnt_app_tap(&w->app, LNT_BTN_MINUS0 + 0, w->t, &w->out); /* one too many */
    lnt_app_tap(&w->app, LNT_BTN_MINUS0 + 1, w->t, &w->out); /* never below none */
    assert_int_equal(w->app.form.v[LNT_F_TALLY0 + 0], 2);
    assert_int_equal(w->app.form.v[LNT_F_TALLY0 + 1], 0);
    assert_non_null(text_with(w, "2")); /* the count beside its buttons */
    tap(w, "Next");
    /* A summary before anything is saved. */
    assert_false(w->out.save);
    assert_non_null(text_with(w, "Water: 2"));
    assert_non_null(text_with(w, "Police: 1"));
    assert_non_null(text_with(w, "Blankets: 0"));
    /* Back to put one right, then save. */
    tap(w, "Back");
    tap(w, "+ Blankets");
    tap(w, "Next");
    assert_non_null(text_with(w, "Blankets: 1"));
    tap(w, "Save");
    ev = saved(w);
    assert_int_equal(ev.type, LNT_EV_SHIFT_END);
    assert_int_equal(ev.u.shift.tallies[0], 2); /* water */
    assert_int_equal(ev.u.shift.tallies[2], 1); /* blankets */
    assert_int_equal(ev.u.shift.tallies[6], 1); /* police calls */
    assert_int_equal(ev.u.shift.tallies[7], 0);
}

static void test_staff__street_welfare_at_a_synced_place(void **state)
{
    static const char places[3][48] = {"Castle Park", "Market Street", "Taxi rank"};
    struct world *w = *state;
    struct lnt_event ev;

    lnt_list_set_street_places(places, 3);
    show_badge(w, LNT_ROLE_VOLUNTEER, "900", "Pat Volunteer");
    tap(w, "Street welfare");
    assert_non_null(text_with(w, "Where in town?"));
    tap(w, "Castle Park");
    tap(w, "Vulnerable, alone");
    tap(w, "Safe space");
    ev = saved(w);
    assert_int_equal(ev.type, LNT_EV_WELFARE);
    assert_string_equal(ev.u.welfare.staff_id, "900");
    assert_string_equal(ev.u.welfare.place, "Castle Park");
    assert_string_equal(ev.u.welfare.what, "vulnerable_alone");
    assert_string_equal(ev.u.welfare.outcome, "safe_space");
    assert_non_null(text_with(w, "Street welfare recorded"));

    /* Staff reach it under More; a place removed at the server is gone after the next sync. */
    lnt_list_set_street_places(places + 1, 2);
    show_badge(w, LNT_ROLE_MANAGER, "40", "Jo Manager");
    tap(w, "More");
    tap(w, "Street welfare");
    assert_false(has_button(w, "Castle Park"));
    tap(w, "Taxi rank");
    tap(w, "Intoxicated");
    tap(w, "Taxi home");
    ev = saved(w);
    assert_string_equal(ev.u.welfare.place, "Taxi rank");
    assert_string_equal(ev.u.welfare.staff_id, "40");

    /* No places synced yet: the kiosk says how to get them, and nothing can be saved. */
    lnt_list_set_street_places(places, 0);
    show_badge(w, LNT_ROLE_VOLUNTEER, "900", "Pat Volunteer");
    tap(w, "Street welfare");
    assert_non_null(text_with(w, "No places yet"));
    tap(w, "Back");
    assert_int_equal(w->app.state, LNT_APP_BADGE);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_staff__manager_badge_shows_the_open_report_count),
        T(test_staff__on_shift_lists_names_roles_and_the_door_ratio),
        T(test_staff__manager_signs_out_someone_who_left),
        T(test_staff__only_managers_see_who_is_on_shift),
        T(test_staff__bar_staff_record_cup_covers_handed_out),
        T(test_staff__handing_out_more_than_in_stock_asks_for_a_count),
        T(test_staff__low_cup_covers_stay_on_the_idle_screen_until_restocked),
        T(test_staff__volunteer_tallies_on_one_screen_with_a_summary),
        T(test_staff__street_welfare_at_a_synced_place),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
