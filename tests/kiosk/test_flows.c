/* test_flows.c - the kiosk's guided flows without a display: taps in, events out, details sealed,
 * role rules, open reports, keypad and keyboard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "app.h"
#include "buf.h"
#include "codec.h"
#include "ltime.h"
#include "night.h"
#include "record.h"
#include "screen.h"

#define T0 1795730463LL /* 2026-11-26T22:01:03Z, a Thursday night in GMT */
#define MS(t) ((int64_t)(t)*1000)

struct world {
    struct lnt_signing_key key;
    struct lnt_trusted_key trusted;
    struct lnt_trust trust;
    uint8_t box_pk[crypto_box_PUBLICKEYBYTES], box_sk[crypto_box_SECRETKEYBYTES];
    struct lnt_app app;
    struct lnt_app_out out;
    struct lnt_draw_list dl;
    bool on_shift;
    size_t n_open;
    struct lnt_open_report open[6];
    int64_t stock;
    int64_t t; /* ms clock */
    int taps;  /* taps since the last badge */
};

static bool fake_on_shift(void *ctx, const char *staff_id)
{
    (void)staff_id;
    return ((struct world *)ctx)->on_shift;
}

static size_t fake_reports(void *ctx, struct lnt_open_report *out, size_t max)
{
    struct world *w = ctx;
    size_t n = w->n_open < max ? w->n_open : max;
    memcpy(out, w->open, n * sizeof *out);
    return n;
}

static int64_t fake_stock(void *ctx)
{
    return ((struct world *)ctx)->stock;
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
    crypto_box_keypair(w->box_pk, w->box_sk);
    w->stock = -1;
    w->t = MS(T0);
    cfg.trust = &w->trust;
    cfg.on_shift = fake_on_shift;
    cfg.on_shift_ctx = w;
    cfg.open_reports = fake_reports;
    cfg.stock_level = fake_stock;
    cfg.box_pk = w->box_pk;
    lnt_app_init(&w->app, &cfg, w->t);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void show_badge(struct world *w, enum lnt_role role, const char *subject)
{
    struct lnt_badge_claims c;
    char qr[LNT_BADGE_MAX_TEXT + 1];

    memset(&c, 0, sizeof c);
    lnt_str_copy(c.issuer, sizeof c.issuer, "WTN");
    lnt_str_copy(c.subject, sizeof c.subject, subject);
    lnt_str_copy(c.name, sizeof c.name, "Sam Okafor");
    lnt_random(c.serial, sizeof c.serial);
    c.issued_at = T0 - 86400;
    c.expires_at = T0 + 300 * 86400;
    c.role = role;
    if (role == LNT_ROLE_DOOR) { /* licensed: the door's own actions are offered */
        lnt_str_copy(c.sia_number, sizeof c.sia_number, "1234567812345678");
        c.sia_expires = lnt_london_date(T0) + 300;
    }
    assert_int_equal(lnt_badge_issue(&c, &w->key, qr, sizeof qr, NULL), LNT_OK);
    w->t += 6000; /* past the repeat-scan window */
    w->taps = 0;
    lnt_app_scan(&w->app, NULL, w->t, &w->out);
    lnt_app_scan(&w->app, qr, w->t, &w->out);
    assert_int_equal(w->app.state, LNT_APP_BADGE);
}

/* Taps the button labelled `label` on the current screen, as a person (or a replay) would. */
static void tap(struct world *w, const char *label)
{
    struct lnt_status st = {0};
    int id;

    st.enrolled = true;
    st.now = T0;
    lnt_screen_build(&w->app, &st, &w->dl);
    id = lnt_screen_find_label(&w->dl, label);
    if (id == LNT_BTN_NONE)
        fail_msg("no button \"%s\" on the screen (state %d)", label, (int)w->app.state);
    w->t += 500;
    w->taps++;
    lnt_app_tap(&w->app, id, w->t, &w->out);
}

/* Whether some text or label on the screen as it is now contains `part`. */
static bool on_screen_part(struct world *w, const char *part)
{
    struct lnt_status st = {0};

    st.enrolled = true;
    st.now = T0;
    lnt_screen_build(&w->app, &st, &w->dl);
    for (size_t i = 0; i < w->dl.n; i++)
        if (strstr(w->dl.cmd[i].text, part) != NULL)
            return true;
    return false;
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

/* Opens the sealed details with the server's secret key. */
static json_t *unseal(const struct world *w, const struct lnt_event *ev)
{
    uint8_t sealed[LNT_SEALED_MAX], plain[LNT_SEALED_MAX];
    size_t n = 0;
    json_t *j;

    assert_int_equal(lnt_b64_decode(ev->u.incident.sealed, sealed, sizeof sealed, &n), LNT_OK);
    assert_true(n > crypto_box_SEALBYTES);
    assert_int_equal(crypto_box_seal_open(plain, sealed, n, w->box_pk, w->box_sk), 0);
    plain[n - crypto_box_SEALBYTES] = '\0';
    j = json_loads((const char *)plain, 0, NULL);
    assert_non_null(j);
    return j;
}

static json_t *answer(json_t *details, const char *key)
{
    return json_object_get(json_object_get(details, "answers"), key);
}

static void test_flows__angela_saved_in_three_taps_from_the_badge(void **state)
{
    struct world *w = *state;
    struct lnt_event ev;
    json_t *d;

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Ask for Angela");
    tap(w, "Dance floor");
    tap(w, "Save, finish later");
    assert_int_equal(w->taps, 3);
    ev = saved(w);
    assert_int_equal(ev.type, LNT_EV_INCIDENT);
    assert_string_equal(ev.u.incident.kind, "angela");
    assert_string_equal(ev.u.incident.place, "dance_floor");
    assert_string_equal(ev.u.incident.staff_id, "12");
    /* No outcome yet: it stays under Open reports until one is given. */
    assert_false(ev.u.incident.complete);
    assert_true(w->app.saved_open);
    assert_false(ev.u.incident.police_called);
    assert_int_equal(strlen(ev.u.incident.report_id), 36);
    /* A time-ordered id (UUID version 7) from the kiosk's clock while the report was made. */
    assert_int_equal(ev.u.incident.report_id[14], '7');
    {
        char ms_hex[13];
        int64_t ms;
        memcpy(ms_hex, ev.u.incident.report_id, 8);
        memcpy(ms_hex + 8, ev.u.incident.report_id + 9, 4);
        ms_hex[12] = '\0';
        ms = (int64_t)strtoll(ms_hex, NULL, 16);
        assert_true(ms >= MS(T0) && ms <= w->t);
    }
    /* Nothing readable in the clear; the server's key opens it. */
    assert_null(strstr(ev.u.incident.sealed, "dance"));
    d = unseal(w, &ev);
    assert_string_equal(json_string_value(json_object_get(d, "flow")), "angela");
    assert_string_equal(json_string_value(answer(d, "place")), "dance_floor");
    assert_null(answer(d, "actions"));
    assert_null(answer(d, "outcome"));
    json_decref(d);
}

static void test_flows__angela_actions_and_police_are_recorded(void **state)
{
    struct world *w = *state;
    struct lnt_event ev;
    json_t *d;

    show_badge(w, LNT_ROLE_BAR, "7");
    tap(w, "Ask for Angela");
    tap(w, "Toilets");
    tap(w, "Yes"); /* police called */
    tap(w, "Staff noticed");
    tap(w, "Moved out of sight");
    tap(w, "Asked what they want");
    tap(w, "Moved out of sight"); /* untick */
    tap(w, "More");
    tap(w, "Not left in their sight");
    tap(w, "Next");
    tap(w, "Don't know"); /* ambulance */
    tap(w, "Now");
    assert_true(lnt_app_type(&w->app, "man, red cap, blue coat", w->t));
    tap(w, "OK");
    tap(w, "Taxi or lift home");
    ev = saved(w);
    assert_true(ev.u.incident.complete);
    assert_true(ev.u.incident.police_called);
    assert_string_equal(ev.u.incident.outcome, "taxi_home");
    assert_int_equal(ev.occurred_at, ev.recorded_at);
    d = unseal(w, &ev);
    assert_int_equal(json_array_size(answer(d, "actions")), 2);
    assert_string_equal(json_string_value(json_array_get(answer(d, "actions"), 0)), "asked_wishes");
    assert_string_equal(json_string_value(json_array_get(answer(d, "actions"), 1)), "kept_apart");
    assert_string_equal(json_string_value(answer(d, "police_called")), "yes");
    assert_string_equal(json_string_value(answer(d, "who_asked")), "staff");
    assert_string_equal(json_string_value(answer(d, "ambulance")), "dont_know");
    assert_string_equal(json_string_value(answer(d, "concern_description")),
                        "man, red cap, blue coat");
    json_decref(d);
}

static void test_flows__spiking_saved_open_then_completed_from_the_list(void **state)
{
    struct world *w = *state;
    struct lnt_event first, second;
    char ref[16];
    json_t *d;

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Spiking");
    tap(w, "Yes"); /* conscious and responding: the ambulance comes later */
    tap(w, "30 min ago");
    tap(w, "Bar");
    tap(w, "Vomiting");
    tap(w, "Save, finish later");
    first = saved(w);
    lnt_str_copy(ref, sizeof ref, w->app.saved_ref);
    assert_int_equal(strlen(ref), 8);
    assert_false(first.u.incident.complete);
    assert_string_equal(first.u.incident.kind, "spiking");
    assert_int_equal(first.occurred_at, first.recorded_at - 30 * 60);
    assert_true(w->app.saved_open);
    assert_true(w->out.answered & LNT_FIELD_BIT(LNT_F_SYMPTOMS));

    /* The kiosk keeps what the outbox keeps for an open report: no symptoms, no answers. */
    memset(&w->open[0], 0, sizeof w->open[0]);
    lnt_str_copy(w->open[0].report_id, sizeof w->open[0].report_id, first.u.incident.report_id);
    lnt_str_copy(w->open[0].kind, sizeof w->open[0].kind, "spiking");
    lnt_str_copy(w->open[0].place, sizeof w->open[0].place, "bar");
    w->open[0].severity = first.u.incident.severity;
    w->open[0].occurred_at = first.occurred_at;
    w->open[0].answered = w->out.answered;
    w->open[0].cond = w->out.cond;
    w->n_open = 1;

    tap(w, "Done");
    show_badge(w, LNT_ROLE_MANAGER, "40");
    tap(w, "More");
    tap(w, "Open reports (0)"); /* the status in this test does not count them */
    tap(w, "Spiking*");
    /* It picks up after the questions already answered. */
    assert_int_equal(w->app.state, LNT_APP_FORM);
    tap(w, "Suspect's glass seized");
    tap(w, "Next");
    tap(w, "No");   /* police: no, so no reference or time is asked */
    tap(w, "Yes");  /* ambulance */
    tap(w, "Next"); /* welfare */
    tap(w, "Not used");
    tap(w, "No"); /* CCTV: no, so no camera or time range */
    tap(w, "No"); /* staff alerted */
    tap(w, "Skip");
    tap(w, "Skip");
    tap(w, "Hospital");
    second = saved(w);
    assert_true(second.u.incident.complete);
    assert_string_equal(second.u.incident.report_id, first.u.incident.report_id);
    /* The reference a person quotes is the one the first save showed (the events' ids differ). */
    assert_string_equal(w->app.saved_ref, ref);
    assert_int_equal(second.occurred_at, first.occurred_at);
    assert_string_equal(second.u.incident.place, "bar");
    assert_string_equal(second.u.incident.outcome, "hospital");
    assert_string_equal(second.u.incident.staff_id, "40");
    /* The completion carries only what was new: the symptoms went with the first save. */
    d = unseal(w, &second);
    assert_null(answer(d, "symptoms"));
    assert_string_equal(json_string_value(answer(d, "ambulance")), "yes");
    assert_string_equal(json_string_value(json_array_get(answer(d, "evidence"), 0)),
                        "suspect_vessel");
    json_decref(d);
}

static void test_flows__spiking_conditional_questions_and_typed_reference(void **state)
{
    struct world *w = *state;
    struct lnt_event ev;
    json_t *d;

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Spiking");
    tap(w, "Yes");
    tap(w, "Now");
    tap(w, "More"); /* places run to two pages */
    tap(w, "Entrance");
    tap(w, "More"); /* symptoms run to three pages: Next is on the last */
    tap(w, "More");
    tap(w, "Next");
    tap(w, "Next");
    tap(w, "Yes"); /* police informed: the reference is asked */
    assert_true(lnt_app_type(&w->app, "cad 1234/26", w->t));
    tap(w, "OK");
    tap(w, "Skip"); /* when they were told: not known */
    tap(w, "No");
    tap(w, "Next");
    tap(w, "Used: positive");
    tap(w, "Yes"); /* CCTV kept: camera and range are asked */
    tap(w, "B");
    tap(w, "A");
    tap(w, "R");
    tap(w, "Space");
    tap(w, "2");
    tap(w, "OK");
    tap(w, "From 2 hours before it");
    tap(w, "Yes");
    tap(w, "Skip");
    assert_true(lnt_app_type(&w->app, "tall, grey hoodie", w->t));
    tap(w, "OK");
    tap(w, "Police took over");
    ev = saved(w);
    assert_true(ev.u.incident.police_called);
    d = unseal(w, &ev);
    assert_string_equal(json_string_value(answer(d, "police_reference")), "cad 1234/26");
    assert_string_equal(json_string_value(answer(d, "cctv_camera")), "BAR 2");
    assert_string_equal(json_string_value(answer(d, "cctv_range")), "120");
    assert_string_equal(json_string_value(answer(d, "test_kit")), "positive");
    assert_string_equal(json_string_value(answer(d, "suspect_description")), "tall, grey hoodie");
    assert_null(answer(d, "person_description"));
    assert_null(answer(d, "police_informed_at"));
    json_decref(d);
}

static void test_flows__incident_with_paged_kinds_and_typed_time(void **state)
{
    struct world *w = *state;
    struct lnt_event ev;
    struct lnt_status st = {0};

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Other incident");
    lnt_screen_build(&w->app, &st, &w->dl);
    /* Only one page is tappable at a time, and at most six choices show. */
    assert_int_equal(lnt_screen_find_label(&w->dl, "Theft"), LNT_BTN_NONE);
    lnt_app_tap(&w->app, LNT_BTN_ITEM0 + 8, w->t, &w->out);
    assert_int_equal(w->app.form.step, 0);
    tap(w, "More");
    tap(w, "More");
    tap(w, "Theft");
    tap(w, "2 Low*");
    tap(w, "Smoking area");
    tap(w, "Earlier: set time");
    assert_true(lnt_app_type(&w->app, "2575", w->t));
    tap(w, "OK");
    assert_true(w->app.form.entry_bad); /* 25:75 is no time */
    tap(w, "Delete");
    tap(w, "Delete");
    tap(w, "Delete");
    tap(w, "Delete");
    /* 22:15 typed at 22:01 is still to come: refused with the reason, not filed last night. */
    assert_true(lnt_app_type(&w->app, "2215", w->t));
    tap(w, "OK");
    assert_true(w->app.form.entry_bad);
    assert_string_equal(w->app.entry_why, "\xe2\x9c\x96 Thu 22:15 is later than now (Thu 22:01)");
    assert_true(on_screen_part(w, "Thu 22:15 is later than"));
    tap(w, "Delete");
    assert_string_equal(w->app.entry_why, "");
    tap(w, "Delete");
    tap(w, "Delete");
    tap(w, "Delete");
    assert_true(lnt_app_type(&w->app, "2145", w->t));
    assert_true(on_screen_part(w, "That is Thu 21:45"));
    tap(w, "OK");
    tap(w, "Resolved on site");
    tap(w, "No");
    ev = saved(w);
    assert_string_equal(ev.u.incident.kind, "theft");
    assert_int_equal(ev.u.incident.severity, 2);
    assert_string_equal(ev.u.incident.place, "smoking_area");
    assert_false(ev.u.incident.police_called);
    /* 21:45 typed at 22:01 is tonight's (GMT in November), and the saved screen says so. */
    assert_int_equal(ev.occurred_at, T0 - 63 - 15 * 60);
    assert_true(on_screen_part(w, "Happened Thu 21:45"));
}

static void test_flows__cup_covers_for_managers_and_bar_with_low_stock_warning(void **state)
{
    struct world *w = *state;
    struct lnt_event ev;
    struct lnt_status st = {0};

    show_badge(w, LNT_ROLE_DOOR, "7");
    lnt_app_tap(&w->app, LNT_BTN_STOCK, w->t, &w->out);
    lnt_app_tap(&w->app, LNT_BTN_MENU, w->t, &w->out);
    assert_int_equal(w->app.state, LNT_APP_BADGE); /* door staff: no stock, no menu */
    tap(w, "Not now");

    show_badge(w, LNT_ROLE_MANAGER, "40");
    tap(w, "More");
    tap(w, "Cup covers");
    tap(w, "Count on hand");
    assert_true(lnt_app_type(&w->app, "6x0", w->t)); /* a keypad takes digits only */
    assert_string_equal(w->app.form.entry, "60");
    w->stock = 60;
    tap(w, "OK");
    ev = saved(w);
    assert_int_equal(ev.type, LNT_EV_STOCK);
    assert_string_equal(ev.u.stock.kind, "count");
    assert_int_equal(ev.u.stock.quantity, 60);
    assert_string_equal(ev.u.stock.staff_id, "40");
    st.now = T0;
    lnt_screen_build(&w->app, &st, &w->dl);
    for (size_t i = 0, found = 0; i <= w->dl.n; i++) {
        if (i == w->dl.n) {
            assert_true(found);
            break;
        }
        if (strstr(w->dl.cmd[i].text, "LOW") != NULL && strstr(w->dl.cmd[i].text, "below 100"))
            found = 1;
    }
}

static void test_flows__volunteers_get_shift_flows_not_incidents(void **state)
{
    struct world *w = *state;
    struct lnt_event ev;
    struct lnt_status st = {0};

    show_badge(w, LNT_ROLE_VOLUNTEER, "90");
    lnt_screen_build(&w->app, &st, &w->dl);
    assert_int_equal(lnt_screen_find_label(&w->dl, "Ask for Angela"), LNT_BTN_NONE);
    assert_int_equal(lnt_screen_find_label(&w->dl, "Sign in"), LNT_BTN_NONE);
    lnt_app_tap(&w->app, LNT_BTN_ANGELA, w->t, &w->out);
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    tap(w, "Start shift");
    tap(w, "OK"); /* a team of nobody is refused */
    assert_true(w->app.form.entry_bad);
    assert_true(lnt_app_type(&w->app, "3", w->t));
    tap(w, "OK");
    tap(w, "Type one");
    tap(w, "OK"); /* a call sign is needed */
    assert_true(w->app.form.entry_bad);
    assert_true(lnt_app_type(&w->app, "Pastor 2", w->t));
    tap(w, "OK");
    tap(w, "Welfare bus");
    tap(w, "Someone else leads");
    ev = saved(w);
    assert_int_equal(ev.type, LNT_EV_SHIFT_START);
    assert_string_equal(ev.u.shift.call_sign, "Pastor 2");
    assert_string_equal(ev.u.shift.team, "");
    assert_string_equal(ev.u.shift.base, "bus");
    assert_string_equal(ev.u.shift.leader, "other");
    assert_int_equal(ev.u.shift.team_size, 3);
}

static void test_flows__scans_do_not_interrupt_a_form_and_idle_clears_it(void **state)
{
    struct world *w = *state;
    struct lnt_app_config cfg = w->app.cfg;

    cfg.idle_ms = 10000;
    lnt_app_set_config(&w->app, &cfg);
    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Spiking");
    tap(w, "Yes");
    tap(w, "Now");
    lnt_app_scan(&w->app, "https://example.com", w->t + 10, &w->out);
    assert_int_equal(w->app.state, LNT_APP_FORM);
    assert_false(w->out.save);
    lnt_app_tick(&w->app, w->t + 9999, &w->out);
    assert_int_equal(w->app.state, LNT_APP_FORM);
    assert_false(w->out.save);
    lnt_app_tick(&w->app, w->t + 10000, &w->out);
    assert_int_equal(w->app.state, LNT_APP_IDLE);
    assert_int_equal(w->app.form.flow, LNT_FLOW_NONE);
    assert_string_equal(w->app.badge.claims.name, "");
    /* What was answered is kept, open. */
    assert_true(w->out.save);
    assert_false(w->out.ev.u.incident.complete);
}

/* The open report the outbox would keep for the event in w->out, as open[i]. */
static void keep_open(struct world *w, size_t i)
{
    const struct lnt_ev_incident *in = &w->out.ev.u.incident;
    struct lnt_open_report *r = &w->open[i];

    memset(r, 0, sizeof *r);
    lnt_str_copy(r->report_id, sizeof r->report_id, in->report_id);
    lnt_str_copy(r->kind, sizeof r->kind, in->kind);
    lnt_str_copy(r->place, sizeof r->place, in->place);
    lnt_str_copy(r->outcome, sizeof r->outcome, in->outcome);
    r->severity = in->severity;
    r->police_called = in->police_called;
    r->occurred_at = w->out.ev.occurred_at;
    r->answered = w->out.answered;
    r->cond = w->out.cond;
    lnt_str_copy(r->staff_id, sizeof r->staff_id, in->staff_id);
    w->n_open = i + 1;
}

/* Lets the idle time run out; returns whether a save was asked for. */
static bool walk_away(struct world *w)
{
    w->t += lnt_app_idle_ms(&w->app);
    lnt_app_tick(&w->app, w->t, &w->out);
    assert_int_equal(w->app.state, LNT_APP_IDLE);
    assert_int_equal(w->app.form.flow, LNT_FLOW_NONE);
    assert_string_equal(w->app.badge.claims.name, "");
    assert_string_equal(w->app.badge.claims.subject, "");
    return w->out.save;
}

static void test_flows__spiking_left_half_done_is_kept_open_on_timeout(void **state)
{
    struct world *w = *state;
    struct lnt_event ev;
    json_t *d;

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Spiking");
    tap(w, "Yes");
    tap(w, "30 min ago");
    tap(w, "Bar");
    tap(w, "Vomiting"); /* ticked, then called away before Next */
    lnt_app_tick(&w->app, w->t + lnt_app_idle_ms(&w->app) - 1, &w->out);
    assert_int_equal(w->app.state, LNT_APP_FORM);
    assert_false(w->out.save);
    assert_true(walk_away(w));

    ev = w->out.ev;
    assert_int_equal(ev.type, LNT_EV_INCIDENT);
    assert_string_equal(ev.u.incident.kind, "spiking");
    assert_false(ev.u.incident.complete);
    assert_string_equal(ev.u.incident.place, "bar");
    assert_string_equal(ev.u.incident.staff_id, "12");
    assert_int_equal(strlen(ev.u.incident.report_id), 36);
    assert_int_equal(ev.occurred_at, ev.recorded_at - 30 * 60);
    assert_true(w->out.answered & LNT_FIELD_BIT(LNT_F_SYMPTOMS));
    /* Sealed as any save: nothing readable in the clear. */
    assert_null(strstr(ev.u.incident.sealed, "vomiting"));
    d = unseal(w, &ev);
    assert_string_equal(json_string_value(json_array_get(answer(d, "symptoms"), 0)), "vomiting");
    json_decref(d);

    /* The outbox's word comes after the screen went idle: it stays idle, no name shown. */
    ev.seq = 1;
    lnt_uuid4(ev.uuid);
    lnt_app_save_done(&w->app, LNT_OK, &ev, w->t + 5);
    assert_int_equal(w->app.state, LNT_APP_IDLE);
    assert_string_equal(w->app.saved_ref, "");

    /* It is under Open reports and picks up at the next question. */
    keep_open(w, 0);
    show_badge(w, LNT_ROLE_BAR, "7");
    tap(w, "More"); /* bar staff keep cup covers and open reports under More */
    tap(w, "Open reports (0)");
    tap(w, "Spiking*");
    assert_int_equal(w->app.state, LNT_APP_FORM);
    tap(w, "Their drink kept");
}

static void test_flows__angela_with_a_place_is_kept_open_on_timeout(void **state)
{
    struct world *w = *state;

    /* No place yet: nothing to keep. */
    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Ask for Angela");
    assert_false(walk_away(w));

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Ask for Angela");
    tap(w, "Toilets");
    tap(w, "Yes"); /* police called */
    assert_true(walk_away(w));
    assert_string_equal(w->out.ev.u.incident.kind, "angela");
    assert_string_equal(w->out.ev.u.incident.place, "toilets");
    assert_true(w->out.ev.u.incident.police_called);
    assert_false(w->out.ev.u.incident.complete);
}

static void test_flows__other_incident_kept_open_then_finished_keeps_its_clear_fields(void **state)
{
    struct world *w = *state;
    struct lnt_event first, second;

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Other incident");
    tap(w, "More");
    tap(w, "Drugs");
    tap(w, "2 Low*");
    tap(w, "More");
    tap(w, "Entrance");
    assert_true(walk_away(w));
    first = w->out.ev;
    assert_string_equal(first.u.incident.kind, "drugs");
    assert_int_equal(first.u.incident.severity, 2);
    assert_string_equal(first.u.incident.place, "entrance");
    assert_false(first.u.incident.complete);
    keep_open(w, 0);

    /* Finished by someone else: only the rest is asked, and the kind and severity stand. */
    show_badge(w, LNT_ROLE_MANAGER, "40");
    tap(w, "More");
    tap(w, "Open reports (0)");
    tap(w, "Drugs*");
    tap(w, "Now");
    tap(w, "Person ejected");
    tap(w, "No");
    second = saved(w);
    assert_true(second.u.incident.complete);
    assert_string_equal(second.u.incident.report_id, first.u.incident.report_id);
    /* The same reference as the report kept at the timeout. */
    {
        char ref[9];
        lnt_app_short_ref(first.u.incident.report_id, ref);
        assert_string_equal(w->app.saved_ref, ref);
    }
    assert_string_equal(second.u.incident.kind, "drugs");
    assert_int_equal(second.u.incident.severity, 2);
    assert_string_equal(second.u.incident.place, "entrance");
    assert_string_equal(second.u.incident.outcome, "ejected");
    assert_false(second.u.incident.police_called);
    assert_int_equal(second.occurred_at, first.occurred_at);
}

static void test_flows__timeout_keeps_nothing_when_nothing_was_entered(void **state)
{
    struct world *w = *state;
    struct lnt_app_config cfg = w->app.cfg;
    static const uint8_t zero[32];

    /* The badge screen, a flow just opened, a form that is no report. */
    show_badge(w, LNT_ROLE_DOOR, "12");
    assert_false(walk_away(w));
    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Spiking");
    assert_false(walk_away(w));
    show_badge(w, LNT_ROLE_MANAGER, "40");
    tap(w, "More");
    tap(w, "Cup covers");
    tap(w, "Count on hand");
    assert_true(lnt_app_type(&w->app, "60", w->t));
    assert_false(walk_away(w));

    /* An open report taken up again and left without a new answer. */
    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Spiking");
    tap(w, "Yes");
    tap(w, "Now");
    tap(w, "Bar");
    assert_true(walk_away(w));
    keep_open(w, 0);
    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Open reports (0)");
    tap(w, "Spiking*");
    assert_int_equal(w->app.state, LNT_APP_FORM);
    assert_false(walk_away(w));

    /* No sealing key yet: nothing can be kept, and the screen still clears. */
    cfg.box_pk = zero;
    lnt_app_set_config(&w->app, &cfg);
    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Spiking");
    tap(w, "Yes");
    tap(w, "Now");
    assert_false(walk_away(w));
    assert_string_equal(w->app.save_error, "");
}

/* Whether the current screen shows `text` exactly (a label or a line). */
static bool on_screen(struct world *w, const char *text)
{
    struct lnt_status st = {0};

    st.enrolled = true;
    st.now = T0;
    lnt_screen_build(&w->app, &st, &w->dl);
    for (size_t i = 0; i < w->dl.n; i++)
        if (strcmp(w->dl.cmd[i].text, text) == 0)
            return true;
    return false;
}

static void test_flows__open_reports_list_four_to_a_page(void **state)
{
    static const char *const kinds[6] = {"spiking",  "angela",  "drugs",
                                         "violence", "spiking", "angela"};
    struct world *w = *state;

    for (size_t i = 0; i < 6; i++) {
        struct lnt_open_report *r = &w->open[i];
        memset(r, 0, sizeof *r);
        snprintf(r->report_id, sizeof r->report_id, "0190e3a0-0000-7000-8000-00000000000%zu", i);
        lnt_str_copy(r->kind, sizeof r->kind, kinds[i]);
        lnt_str_copy(r->place, sizeof r->place, "bar");
        r->occurred_at = T0 - 3600 + (int64_t)(i + 1) * 60; /* 21:02, 21:03, ... */
        r->severity = 3;
    }
    w->n_open = 6;

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Open reports (0)"); /* the status in this test does not count them */
    assert_int_equal(w->app.state, LNT_APP_REPORTS);
    /* The first four, with the page count; each named by what, when and where. */
    assert_true(on_screen(w, "1 of 2"));
    assert_true(on_screen(w, "Spiking Thu 21:02, Bar"));
    assert_true(on_screen(w, "Ask for Angela Thu 21:03, Bar"));
    assert_true(on_screen(w, "Drugs Thu 21:04, Bar"));
    assert_true(on_screen(w, "Violence: no injury Thu 21:05, Bar"));
    assert_false(on_screen(w, "Spiking Thu 21:06, Bar"));

    /* More shows the last two; More again goes back to the first page. */
    tap(w, "More");
    assert_true(on_screen(w, "2 of 2"));
    assert_true(on_screen(w, "Spiking Thu 21:06, Bar"));
    assert_true(on_screen(w, "Ask for Angela Thu 21:07, Bar"));
    assert_false(on_screen(w, "Spiking Thu 21:02, Bar"));
    tap(w, "More");
    assert_true(on_screen(w, "1 of 2"));
    tap(w, "More");

    /* A report on the second page is taken up in its own flow. */
    tap(w, "Ask for Angela Thu 21:07, Bar");
    assert_int_equal(w->app.state, LNT_APP_FORM);
    assert_int_equal(w->app.form.flow, LNT_FLOW_ANGELA);
    assert_string_equal(w->app.form.report_id, w->open[5].report_id);
}

static void test_flows__back_from_the_first_question_returns_to_the_badge(void **state)
{
    struct world *w = *state;

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Other incident");
    tap(w, "Back");
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    assert_false(w->out.save);
}

static void test_flows__no_sealing_key_means_not_saved_and_said_so(void **state)
{
    struct world *w = *state;
    struct lnt_app_config cfg = w->app.cfg;
    static const uint8_t zero[32];

    cfg.box_pk = zero;
    lnt_app_set_config(&w->app, &cfg);
    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Ask for Angela");
    tap(w, "Bar");
    tap(w, "Save, finish later");
    assert_false(w->out.save);
    assert_int_equal(w->app.state, LNT_APP_FORM);
    assert_non_null(strstr(w->app.save_error, "sealing key"));
}

static void test_flows__failed_save_returns_to_the_form(void **state)
{
    struct world *w = *state;

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Ask for Angela");
    tap(w, "Bar");
    tap(w, "Save, finish later");
    assert_true(w->out.save);
    lnt_app_save_done(&w->app, LNT_ERR_DB, NULL, w->t);
    assert_int_equal(w->app.state, LNT_APP_FORM);
    assert_non_null(strstr(w->app.save_error, "Not saved"));
    tap(w, "Save, finish later");
    assert_true(w->out.save);
}

/* ---- incident records: Angela, spiking and other incidents ---- */

/* Whether the current screen has a button labelled `label` (the question's own words too). */
static bool has_button(struct world *w, const char *label)
{
    struct lnt_status st = {0};

    st.enrolled = true;
    st.now = T0;
    lnt_screen_build(&w->app, &st, &w->dl);
    return lnt_screen_find_label(&w->dl, label) != LNT_BTN_NONE;
}

static void test_flows__angela_police_question_right_after_the_place(void **state)
{
    struct world *w = *state;
    struct lnt_event ev;

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Ask for Angela");
    tap(w, "Bar");
    /* The first screen after the place asks it, with Save there too. */
    assert_true(on_screen(w, "Police called?"));
    assert_true(has_button(w, "Yes"));
    assert_true(has_button(w, "No"));
    assert_true(has_button(w, "Don't know"));
    assert_true(has_button(w, "Save, finish later"));
    tap(w, "Yes");
    tap(w, "Save, finish later");
    assert_int_equal(w->taps, 4);
    ev = saved(w);
    assert_true(ev.u.incident.police_called);
    assert_false(ev.u.incident.complete);
}

static void test_flows__angela_outcome_not_known_stays_open_until_given(void **state)
{
    struct world *w = *state;
    struct lnt_event first, second;
    json_t *d;

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Ask for Angela");
    tap(w, "More");
    tap(w, "Outside the venue");
    tap(w, "No"); /* police */
    tap(w, "A friend");
    tap(w, "More"); /* what was done: two pages */
    tap(w, "Next");
    tap(w, "No"); /* ambulance */
    tap(w, "15 min ago");
    tap(w, "Skip");
    tap(w, "Not known yet");
    first = saved(w);
    assert_false(first.u.incident.complete);
    assert_true(w->app.saved_open);
    assert_string_equal(first.u.incident.outcome, "not_known");
    assert_string_equal(first.u.incident.place, "outside");
    assert_int_equal(first.occurred_at, first.recorded_at - 15 * 60);
    d = unseal(w, &first);
    assert_string_equal(json_string_value(answer(d, "who_asked")), "friend");
    assert_string_equal(json_string_value(answer(d, "when")), "15");
    json_decref(d);
    keep_open(w, 0);
    tap(w, "Done");

    /* Under Open reports, the outcome is all that is asked; "not known" again keeps it open. */
    show_badge(w, LNT_ROLE_BAR, "7");
    tap(w, "More");
    tap(w, "Open reports (0)");
    tap(w, "Ask for Angela*");
    assert_true(on_screen(w, "How did it end?"));
    tap(w, "Not known yet");
    assert_false(saved(w).u.incident.complete);
    tap(w, "Done");

    show_badge(w, LNT_ROLE_BAR, "7");
    tap(w, "More");
    tap(w, "Open reports (0)");
    tap(w, "Ask for Angela*");
    tap(w, "Police took over");
    second = saved(w);
    assert_true(second.u.incident.complete);
    assert_false(w->app.saved_open);
    assert_string_equal(second.u.incident.report_id, first.u.incident.report_id);
    assert_string_equal(second.u.incident.outcome, "police");
    assert_true(second.u.incident.police_called);
    assert_string_equal(second.u.incident.place, "outside");
    assert_int_equal(second.occurred_at, first.occurred_at);
    d = unseal(w, &second);
    assert_string_equal(json_string_value(answer(d, "outcome")), "police");
    assert_null(answer(d, "who_asked"));
    json_decref(d);
}

static void test_flows__spiking_unresponsive_person_asks_ambulance_first_and_once(void **state)
{
    struct world *w = *state;
    struct lnt_event ev;
    json_t *d;
    int ambulance_asked = 0;

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Spiking");
    assert_true(on_screen(w, "Is the person conscious and responding?"));
    assert_true(has_button(w, "Don't know"));
    tap(w, "No");
    assert_true(on_screen(w, "Ambulance called?"));
    assert_true(has_button(w, "Don't know"));
    tap(w, "Yes");
    tap(w, "Now");
    tap(w, "Dance floor");
    tap(w, "More");
    tap(w, "More");
    tap(w, "Unconscious");
    tap(w, "Next");
    tap(w, "Next"); /* evidence */
    assert_true(has_button(w, "Don't know"));
    tap(w, "Yes"); /* police informed */
    tap(w, "Skip");
    assert_int_equal(lnt_flow_get(LNT_FLOW_SPIKING)->steps[w->app.form.step].field,
                     LNT_F_POLICE_TOLD_AT);
    assert_true(has_button(w, "Skip")); /* the keypad's OK, while nothing is typed */
    assert_true(lnt_app_type(&w->app, "2150", w->t));
    tap(w, "OK");
    /* Every later question, until the outcome: no second ambulance. */
    while (w->app.state == LNT_APP_FORM && !on_screen(w, "How did it end?")) {
        ambulance_asked += on_screen(w, "Ambulance called?");
        if (on_screen(w, "Welfare given")) {
            tap(w, "Safe space");
            tap(w, "First aid");
            tap(w, "Next");
        } else if (has_button(w, "Not used")) {
            tap(w, "Not used");
        } else if (has_button(w, "Don't know")) {
            tap(w, "Don't know");
        } else {
            tap(w, "Skip");
        }
    }
    assert_int_equal(ambulance_asked, 0);
    tap(w, "Hospital");
    ev = saved(w);
    assert_true(ev.u.incident.complete);
    assert_true(ev.u.incident.police_called);
    d = unseal(w, &ev);
    assert_string_equal(json_string_value(answer(d, "conscious")), "no");
    assert_string_equal(json_string_value(answer(d, "ambulance")), "yes");
    assert_string_equal(json_string_value(answer(d, "police_informed_at")), "21:50");
    assert_int_equal(json_array_size(answer(d, "welfare")), 2);
    assert_string_equal(json_string_value(json_array_get(answer(d, "welfare"), 0)), "safe_space");
    assert_string_equal(json_string_value(json_array_get(answer(d, "welfare"), 1)), "first_aid");
    assert_string_equal(json_string_value(answer(d, "cctv_preserved")), "dont_know");
    assert_string_equal(json_string_value(answer(d, "staff_alerted")), "dont_know");
    json_decref(d);
}

static void
test_flows__spiking_open_with_unresponsive_person_does_not_ask_ambulance_again(void **state)
{
    struct world *w = *state;

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Spiking");
    tap(w, "No");
    tap(w, "No"); /* no ambulance yet */
    tap(w, "Now");
    tap(w, "Bar");
    tap(w, "Save, finish later");
    saved(w);
    keep_open(w, 0);
    tap(w, "Done");
    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Open reports (0)");
    tap(w, "Spiking*");
    tap(w, "Next"); /* evidence: the symptoms went with the first save */
    tap(w, "No");   /* police */
    assert_true(on_screen(w, "Welfare given"));
}

static void test_flows__spiking_cctv_window_counts_back_from_the_incident(void **state)
{
    struct world *w = *state;
    struct lnt_event ev;
    json_t *d;
    int64_t from = 0, to = 0;

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Spiking");
    tap(w, "Yes");
    tap(w, "1 hour ago");
    tap(w, "Bar");
    tap(w, "More");
    tap(w, "More");
    tap(w, "Next");
    tap(w, "Next");
    tap(w, "No");
    tap(w, "No"); /* ambulance, after the police when the person responds */
    tap(w, "Next");
    tap(w, "Not used");
    tap(w, "Yes"); /* CCTV */
    tap(w, "Skip");
    tap(w, "From 30 min before it");
    tap(w, "Yes");
    tap(w, "Skip");
    tap(w, "Skip");
    tap(w, "Recovering here");
    ev = saved(w);
    d = unseal(w, &ev);
    assert_string_equal(json_string_value(answer(d, "cctv_range")), "30");
    assert_int_equal(lnt_time_parse(json_string_value(answer(d, "cctv_from")), &from), LNT_OK);
    assert_int_equal(lnt_time_parse(json_string_value(answer(d, "cctv_to")), &to), LNT_OK);
    /* 30 minutes before it happened (an hour ago), not 30 minutes before now. */
    assert_int_equal(from, ev.occurred_at - 30 * 60);
    assert_int_equal(from, ev.recorded_at - 90 * 60);
    assert_int_equal(to, ev.recorded_at);
    json_decref(d);
}

static void test_flows__every_yes_no_question_offers_dont_know(void **state)
{
    static const enum lnt_flow all[] = {LNT_FLOW_ANGELA, LNT_FLOW_SPIKING, LNT_FLOW_INCIDENT};
    int yes_no = 0;

    (void)state;
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
        const struct lnt_flow_def *def = lnt_flow_get(all[k]);
        for (int i = 0; i < def->n_steps; i++) {
            const struct lnt_step *s = &def->steps[i];
            if (s->kind != LNT_STEP_PICK || lnt_list_find(s->list, "yes") < 0)
                continue;
            yes_no++;
            assert_int_equal(lnt_list_find(s->list, "no"), 1);
            assert_true(lnt_list_find(s->list, "dont_know") >= 0);
            assert_string_equal(lnt_list_label(s->list, lnt_list_find(s->list, "dont_know")),
                                "Don't know");
        }
    }
    assert_true(yes_no >= 8);
}

static void test_flows__outside_the_venue_in_every_place_list(void **state)
{
    static const enum lnt_flow all[] = {LNT_FLOW_ANGELA, LNT_FLOW_SPIKING, LNT_FLOW_INCIDENT};
    int places = 0;

    (void)state;
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
        const struct lnt_flow_def *def = lnt_flow_get(all[k]);
        for (int i = 0; i < def->n_steps; i++)
            if (def->steps[i].field == LNT_F_PLACE) {
                int o = lnt_list_find(def->steps[i].list, "outside");
                places++;
                assert_true(o >= 0);
                assert_string_equal(lnt_list_label(def->steps[i].list, o), "Outside the venue");
            }
    }
    assert_int_equal(places, 3);
}

static void test_flows__other_incident_outside_with_a_sealed_description(void **state)
{
    struct world *w = *state;
    struct lnt_event ev;
    json_t *d;

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Other incident");
    tap(w, "More");
    tap(w, "More");
    tap(w, "Other");
    assert_true(on_screen(w, "What happened? A few words"));
    tap(w, "OK"); /* a few words are needed */
    assert_true(w->app.form.entry_bad);
    assert_true(lnt_app_type(&w->app, "car alarm, crowd at door", w->t));
    tap(w, "OK");
    /* Each level of severity is said in words. */
    assert_true(has_button(w, "1 Minor - no one hurt"));
    assert_true(has_button(w, "5 Serious - weapon or hospital"));
    tap(w, "2 Low - threats, upset");
    tap(w, "More");
    tap(w, "Outside the venue");
    tap(w, "Now");
    tap(w, "Resolved on site");
    tap(w, "Don't know"); /* police */
    ev = saved(w);
    assert_true(ev.u.incident.complete);
    assert_string_equal(ev.u.incident.kind, "other");
    assert_string_equal(ev.u.incident.place, "outside");
    assert_int_equal(ev.u.incident.severity, 2);
    assert_false(ev.u.incident.police_called);
    assert_null(strstr(ev.u.incident.sealed, "alarm"));
    d = unseal(w, &ev);
    assert_string_equal(json_string_value(answer(d, "other_description")),
                        "car alarm, crowd at door");
    assert_string_equal(json_string_value(answer(d, "police_called")), "dont_know");
    json_decref(d);
}

static void test_flows__no_police_question_after_police_took_over(void **state)
{
    struct world *w = *state;
    struct lnt_event ev;
    json_t *d;

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Other incident");
    tap(w, "Violence: injury");
    tap(w, "4 High*");
    tap(w, "Bar");
    tap(w, "Now");
    tap(w, "Police took over");
    /* Saved at once: "Police called?" is not asked, and the clear field says they were. */
    ev = saved(w);
    assert_true(ev.u.incident.complete);
    assert_true(ev.u.incident.police_called);
    assert_string_equal(ev.u.incident.outcome, "police");
    d = unseal(w, &ev);
    assert_null(answer(d, "police_called"));
    json_decref(d);

    /* Back from the outcome and another outcome: then it is asked. */
    tap(w, "Done");
    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Other incident");
    tap(w, "Violence: injury");
    tap(w, "4 High*");
    tap(w, "Bar");
    tap(w, "Now");
    tap(w, "Person ejected");
    assert_true(on_screen(w, "Police called?"));
}

static void test_flows__back_on_a_part_done_report_asks_before_discarding(void **state)
{
    struct world *w = *state;

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Spiking");
    tap(w, "Yes"); /* conscious and responding */
    tap(w, "15 min ago");
    tap(w, "Bar");
    tap(w, "Back"); /* to where */
    tap(w, "Back"); /* to when */
    tap(w, "Back"); /* to conscious? */
    tap(w, "Back"); /* out of the report: not on one tap */
    assert_int_equal(w->app.state, LNT_APP_FORM);
    assert_true(w->app.confirm_discard);
    assert_true(on_screen(w, "Discard this report?"));
    assert_false(w->out.save);
    /* Keep going: back at the question, the answers still there. */
    tap(w, "Keep going");
    assert_false(w->app.confirm_discard);
    assert_int_equal(w->app.form.step, 0);
    assert_true(w->app.form.answered & LNT_FIELD_BIT(LNT_F_PLACE));
    /* Discard: back at the badge, nothing saved. */
    tap(w, "Back");
    tap(w, "Discard");
    assert_int_equal(w->app.state, LNT_APP_BADGE);
    assert_false(w->out.save);
    assert_int_equal(w->app.form.flow, LNT_FLOW_NONE);

    /* A place picked, then Back to the first question: that is something to lose too. */
    tap(w, "Ask for Angela");
    tap(w, "Toilets");
    tap(w, "Back");
    assert_int_equal(w->app.form.step, 0);
    tap(w, "Back");
    assert_true(w->app.confirm_discard);
    tap(w, "Discard");
    /* Nothing entered: Back leaves at once. */
    tap(w, "Other incident");
    tap(w, "Back");
    assert_int_equal(w->app.state, LNT_APP_BADGE);
}

/* The instant a report says it happened when "Earlier" and HH:MM were typed at `now`. */
static int64_t typed_earlier(int hhmm, int64_t now)
{
    struct lnt_form fm;

    memset(&fm, 0, sizeof fm);
    fm.flow = LNT_FLOW_SPIKING;
    fm.v[LNT_F_WHEN] = 4; /* Earlier: set time */
    fm.v[LNT_F_WHEN_HHMM] = hhmm;
    fm.answered = LNT_FIELD_BIT(LNT_F_WHEN) | LNT_FIELD_BIT(LNT_F_WHEN_HHMM);
    return lnt_record_when(&fm, now);
}

static int64_t utc(const char *s)
{
    int64_t t = 0;
    assert_int_equal(lnt_time_parse(s, &t), LNT_OK);
    return t;
}

/*
 * A time typed on the night the clocks change is read in the offset in force
 * at that time, not the one in force when it is typed: 00:30 typed at 02:30
 * BST on 29 March was still GMT, 00:30 typed at 03:00 GMT on 25 October was
 * still BST.
 */
static void test_flows__typed_time_on_clock_change_nights(void **state)
{
    (void)state;
    assert_int_equal(typed_earlier(30, utc("2026-03-29T01:30:00Z")), utc("2026-03-29T00:30:00Z"));
    assert_int_equal(typed_earlier(2300, utc("2026-03-29T01:30:00Z")), utc("2026-03-28T23:00:00Z"));
    assert_int_equal(typed_earlier(215, utc("2026-03-29T01:30:00Z")), utc("2026-03-29T01:15:00Z"));
    assert_int_equal(typed_earlier(30, utc("2026-10-25T03:00:00Z")), utc("2026-10-24T23:30:00Z"));
    assert_int_equal(typed_earlier(230, utc("2026-10-25T03:00:00Z")), utc("2026-10-25T02:30:00Z"));
    assert_int_equal(typed_earlier(2330, utc("2026-10-25T03:00:00Z")), utc("2026-10-24T22:30:00Z"));
    /* an ordinary night either side */
    assert_int_equal(typed_earlier(2145, utc("2026-11-26T22:01:03Z")), utc("2026-11-26T21:45:00Z"));
    assert_int_equal(typed_earlier(2215, utc("2026-07-10T22:01:00Z")), utc("2026-07-10T21:15:00Z"));
}

/*
 * At 03:17 on a Saturday, 04:00 typed as "earlier" was filed under Friday 04:00, a day
 * early (and so late). A time still to come tonight is refused; one from the evening before
 * midnight is tonight's, not yesterday's.
 */
static void test_flows__typed_time_later_than_now_is_refused(void **state)
{
    int64_t now = utc("2026-12-05T03:17:00Z"), at = 0; /* Sat 03:17 GMT */

    (void)state;
    assert_int_equal(lnt_record_typed_time(400, now, &at), LNT_ERR_INVALID);
    assert_int_equal(at, utc("2026-12-05T04:00:00Z"));
    assert_int_equal(lnt_record_typed_time(318, now, &at), LNT_ERR_INVALID);
    assert_int_equal(lnt_record_typed_time(559, now, &at), LNT_ERR_INVALID);
    /* now, earlier tonight, and the evening before midnight */
    assert_int_equal(lnt_record_typed_time(317, now, &at), LNT_OK);
    assert_int_equal(at, now);
    assert_int_equal(lnt_record_typed_time(30, now, &at), LNT_OK);
    assert_int_equal(at, utc("2026-12-05T00:30:00Z"));
    assert_int_equal(lnt_record_typed_time(2330, now, &at), LNT_OK);
    assert_int_equal(at, utc("2026-12-04T23:30:00Z"));
    /* 06:00 is when the trading night began: Friday's */
    assert_int_equal(lnt_record_typed_time(600, now, &at), LNT_OK);
    assert_int_equal(at, utc("2026-12-04T06:00:00Z"));
    /* in the evening, later tonight is refused too */
    assert_int_equal(lnt_record_typed_time(2300, utc("2026-12-04T22:10:00Z"), &at),
                     LNT_ERR_INVALID);
    /* the record never files a refused time a day early: it would be "now" */
    assert_int_equal(typed_earlier(400, now), now);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_flows__angela_saved_in_three_taps_from_the_badge),
        T(test_flows__angela_actions_and_police_are_recorded),
        T(test_flows__spiking_saved_open_then_completed_from_the_list),
        T(test_flows__spiking_conditional_questions_and_typed_reference),
        T(test_flows__incident_with_paged_kinds_and_typed_time),
        T(test_flows__cup_covers_for_managers_and_bar_with_low_stock_warning),
        T(test_flows__volunteers_get_shift_flows_not_incidents),
        T(test_flows__scans_do_not_interrupt_a_form_and_idle_clears_it),
        T(test_flows__spiking_left_half_done_is_kept_open_on_timeout),
        T(test_flows__angela_with_a_place_is_kept_open_on_timeout),
        T(test_flows__other_incident_kept_open_then_finished_keeps_its_clear_fields),
        T(test_flows__timeout_keeps_nothing_when_nothing_was_entered),
        T(test_flows__open_reports_list_four_to_a_page),
        T(test_flows__back_from_the_first_question_returns_to_the_badge),
        T(test_flows__back_on_a_part_done_report_asks_before_discarding),
        T(test_flows__no_sealing_key_means_not_saved_and_said_so),
        T(test_flows__failed_save_returns_to_the_form),
        cmocka_unit_test(test_flows__typed_time_on_clock_change_nights),
        T(test_flows__angela_police_question_right_after_the_place),
        T(test_flows__angela_outcome_not_known_stays_open_until_given),
        T(test_flows__spiking_unresponsive_person_asks_ambulance_first_and_once),
        T(test_flows__spiking_open_with_unresponsive_person_does_not_ask_ambulance_again),
        T(test_flows__spiking_cctv_window_counts_back_from_the_incident),
        cmocka_unit_test(test_flows__every_yes_no_question_offers_dont_know),
        cmocka_unit_test(test_flows__outside_the_venue_in_every_place_list),
        T(test_flows__other_incident_outside_with_a_sealed_description),
        T(test_flows__no_police_question_after_police_took_over),
        cmocka_unit_test(test_flows__typed_time_later_than_now_is_refused),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
