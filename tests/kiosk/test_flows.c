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
    lnt_app_tap(&w->app, id, w->t, &w->out);
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
    tap(w, "Save");
    ev = saved(w);
    assert_int_equal(ev.type, LNT_EV_INCIDENT);
    assert_string_equal(ev.u.incident.kind, "angela");
    assert_string_equal(ev.u.incident.place, "dance_floor");
    assert_string_equal(ev.u.incident.staff_id, "12");
    assert_true(ev.u.incident.complete);
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
    assert_int_equal(json_array_size(answer(d, "actions")), 0);
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
    tap(w, "Moved out of sight");
    tap(w, "Asked what they want");
    tap(w, "Moved out of sight"); /* untick */
    tap(w, "More");
    tap(w, "Police called");
    tap(w, "Next");
    tap(w, "Taxi or lift home");
    ev = saved(w);
    assert_true(ev.u.incident.police_called);
    assert_string_equal(ev.u.incident.outcome, "taxi_home");
    d = unseal(w, &ev);
    assert_int_equal(json_array_size(answer(d, "actions")), 2);
    assert_string_equal(json_string_value(json_array_get(answer(d, "actions"), 0)), "asked_wishes");
    assert_string_equal(json_string_value(json_array_get(answer(d, "actions"), 1)), "police");
    json_decref(d);
}

static void test_flows__spiking_saved_open_then_completed_from_the_list(void **state)
{
    struct world *w = *state;
    struct lnt_event first, second;
    json_t *d;

    show_badge(w, LNT_ROLE_DOOR, "12");
    tap(w, "Spiking");
    tap(w, "30 min ago");
    tap(w, "Bar");
    tap(w, "Vomiting");
    tap(w, "Save, finish later");
    first = saved(w);
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
    tap(w, "No");  /* police: no, so no reference is asked */
    tap(w, "Yes"); /* ambulance */
    tap(w, "Not used");
    tap(w, "No"); /* CCTV: no, so no camera or time range */
    tap(w, "No"); /* staff alerted */
    tap(w, "Skip");
    tap(w, "Skip");
    tap(w, "Hospital");
    second = saved(w);
    assert_true(second.u.incident.complete);
    assert_string_equal(second.u.incident.report_id, first.u.incident.report_id);
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
    tap(w, "Now");
    tap(w, "Entrance");
    tap(w, "More"); /* symptoms run to three pages: Next is on the last */
    tap(w, "More");
    tap(w, "Next");
    tap(w, "Next");
    tap(w, "Yes"); /* police informed: the reference is asked */
    assert_true(lnt_app_type(&w->app, "cad 1234/26", w->t));
    tap(w, "OK");
    tap(w, "No");
    tap(w, "Used: positive");
    tap(w, "Yes"); /* CCTV kept: camera and range are asked */
    tap(w, "B");
    tap(w, "A");
    tap(w, "R");
    tap(w, "Space");
    tap(w, "2");
    tap(w, "OK");
    tap(w, "Last 2 hours");
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
    tap(w, "2 Low");
    tap(w, "Smoking area");
    tap(w, "Earlier: set time");
    assert_true(lnt_app_type(&w->app, "2575", w->t));
    tap(w, "OK");
    assert_true(w->app.form.entry_bad); /* 25:75 is no time */
    tap(w, "Delete");
    tap(w, "Delete");
    tap(w, "Delete");
    tap(w, "Delete");
    assert_true(lnt_app_type(&w->app, "2215", w->t));
    tap(w, "OK");
    tap(w, "Resolved on site");
    tap(w, "No");
    ev = saved(w);
    assert_string_equal(ev.u.incident.kind, "theft");
    assert_int_equal(ev.u.incident.severity, 2);
    assert_string_equal(ev.u.incident.place, "smoking_area");
    assert_false(ev.u.incident.police_called);
    /* 22:15 typed at 22:01 is last night's 22:15 (GMT in November). */
    assert_int_equal(ev.occurred_at, T0 - 63 - 86400 + 15 * 60);
}

static void test_flows__cup_covers_for_managers_only_with_low_stock_warning(void **state)
{
    struct world *w = *state;
    struct lnt_event ev;
    struct lnt_status st = {0};

    show_badge(w, LNT_ROLE_BAR, "7");
    lnt_app_tap(&w->app, LNT_BTN_STOCK, w->t, &w->out);
    lnt_app_tap(&w->app, LNT_BTN_MENU, w->t, &w->out);
    assert_int_equal(w->app.state, LNT_APP_BADGE); /* bar staff: no stock, no menu */
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
    assert_string_equal(ev.u.shift.team, "base:bus;leader:other");
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
    tap(w, "More");
    tap(w, "Police called");
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
    tap(w, "2 Low");
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
    assert_true(on_screen(w, "Spiking 21:02, Bar"));
    assert_true(on_screen(w, "Ask for Angela 21:03, Bar"));
    assert_true(on_screen(w, "Drugs 21:04, Bar"));
    assert_true(on_screen(w, "Violence: no injury 21:05, Bar"));
    assert_false(on_screen(w, "Spiking 21:06, Bar"));

    /* More shows the last two; More again goes back to the first page. */
    tap(w, "More");
    assert_true(on_screen(w, "2 of 2"));
    assert_true(on_screen(w, "Spiking 21:06, Bar"));
    assert_true(on_screen(w, "Ask for Angela 21:07, Bar"));
    assert_false(on_screen(w, "Spiking 21:02, Bar"));
    tap(w, "More");
    assert_true(on_screen(w, "1 of 2"));
    tap(w, "More");

    /* A report on the second page is taken up in its own flow. */
    tap(w, "Ask for Angela 21:07, Bar");
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
    tap(w, "Save");
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
    tap(w, "Save");
    assert_true(w->out.save);
    lnt_app_save_done(&w->app, LNT_ERR_DB, NULL, w->t);
    assert_int_equal(w->app.state, LNT_APP_FORM);
    assert_non_null(strstr(w->app.save_error, "Not saved"));
    tap(w, "Save");
    assert_true(w->out.save);
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
    assert_int_equal(typed_earlier(2215, utc("2026-11-26T22:01:03Z")), utc("2026-11-25T22:15:00Z"));
    assert_int_equal(typed_earlier(2215, utc("2026-07-10T22:01:00Z")), utc("2026-07-10T21:15:00Z"));
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
        T(test_flows__cup_covers_for_managers_only_with_low_stock_warning),
        T(test_flows__volunteers_get_shift_flows_not_incidents),
        T(test_flows__scans_do_not_interrupt_a_form_and_idle_clears_it),
        T(test_flows__spiking_left_half_done_is_kept_open_on_timeout),
        T(test_flows__angela_with_a_place_is_kept_open_on_timeout),
        T(test_flows__other_incident_kept_open_then_finished_keeps_its_clear_fields),
        T(test_flows__timeout_keeps_nothing_when_nothing_was_entered),
        T(test_flows__open_reports_list_four_to_a_page),
        T(test_flows__back_from_the_first_question_returns_to_the_badge),
        T(test_flows__no_sealing_key_means_not_saved_and_said_so),
        T(test_flows__failed_save_returns_to_the_form),
        cmocka_unit_test(test_flows__typed_time_on_clock_change_nights),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
