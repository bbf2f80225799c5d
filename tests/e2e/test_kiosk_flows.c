/*
 * test_kiosk_flows.c - every kiosk flow as a replay script, played by the real lantern-kiosk
 * against a real lanternd on 127.0.0.1; the events the server stored are then checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_kiosk_town.h"

static bool flag(json_t *ev, const char *key)
{
    json_t *v = json_object_get(ev, key);
    if (!json_is_boolean(v))
        fail_msg("event has no boolean `%s`", key);
    return json_is_true(v);
}

static void test_kiosk_flows__sign_in_and_out_with_roles_from_the_badge(void **state)
{
    struct town *t = *state;
    json_t *in, *out;

    town_play(t,
              "scan door.png\ntap Sign in\ntap Done\n"
              "scan bar.png\ntap Sign in\ntap Done\n"
              "wait 5100\n"
              "scan door.png\ntap Sign out\ntap Done\n",
              true);
    in = town_events_of(t, "sign_in");
    out = town_events_of(t, "sign_out");
    assert_int_equal(json_array_size(in), 2);
    assert_int_equal(json_array_size(out), 1);
    /* The register line carries the licence as the badge said, and the verdict shown. */
    assert_string_equal(town_str(json_array_get(in, 0), "staff_id"), t->staff[DOOR]);
    assert_string_equal(town_str(json_array_get(in, 0), "role"), "door");
    assert_string_equal(town_str(json_array_get(in, 0), "sia_number"), "1234567812345678");
    assert_string_equal(town_str(json_array_get(in, 0), "sia_status"), "valid");
    assert_string_equal(town_str(json_array_get(in, 0), "verdict"), "green");
    /* A bar worker is recorded as bar staff: the role comes from the badge, never a choice. */
    assert_string_equal(town_str(json_array_get(in, 1), "staff_id"), t->staff[BAR]);
    assert_string_equal(town_str(json_array_get(in, 1), "role"), "bar");
    assert_string_equal(town_str(json_array_get(in, 1), "sia_status"), "not_required");
    assert_string_equal(town_str(json_array_get(out, 0), "staff_id"), t->staff[DOOR]);
    json_decref(in);
    json_decref(out);
}

static void test_kiosk_flows__ask_for_angela_in_three_taps(void **state)
{
    struct town *t = *state;
    json_t *inc, *ev;

    /* Badge result, then exactly three taps to a saved record. */
    town_play(t,
              "scan door.png\ntap Ask for Angela\ntap Dance floor\ntap Save, finish later\n"
              "shot angela.png\n",
              true);
    inc = town_events_of(t, "incident");
    assert_int_equal(json_array_size(inc), 1);
    ev = json_array_get(inc, 0);
    assert_string_equal(town_str(ev, "kind"), "angela");
    assert_string_equal(town_str(ev, "place"), "dance_floor");
    assert_string_equal(town_str(ev, "staff_id"), t->staff[DOOR]);
    assert_false(flag(ev, "complete")); /* open until its outcome is given */
    assert_false(flag(ev, "police_called"));
    /* The details travel sealed: base64 of a sealed box, nothing readable. */
    assert_true(strlen(town_str(ev, "sealed")) > 64);
    assert_null(strstr(town_str(ev, "sealed"), "dance"));
    json_decref(inc);
}

static void test_kiosk_flows__angela_with_actions_and_outcome(void **state)
{
    struct town *t = *state;
    json_t *inc, *ev;

    town_play(t,
              "scan door2.png\ntap Ask for Angela\ntap Toilets\ntap Yes\ntap The person\n"
              "tap Moved out of sight\ntap Offered taxi or a call\ntap More\ntap Next\n"
              "tap No\ntap Now\ntap Skip\ntap Police took over\n",
              true);
    inc = town_events_of(t, "incident");
    assert_int_equal(json_array_size(inc), 1);
    ev = json_array_get(inc, 0);
    assert_string_equal(town_str(ev, "place"), "toilets");
    assert_string_equal(town_str(ev, "outcome"), "police");
    assert_true(flag(ev, "police_called"));
    assert_true(flag(ev, "complete"));
    json_decref(inc);
}

static void test_kiosk_flows__spiking_saved_open_then_completed(void **state)
{
    struct town *t = *state;
    json_t *inc;

    /* The first save is open: the person needs looking after before the paperwork. */
    town_play(t,
              "scan door.png\ntap Spiking\ntap Yes\ntap 15 min ago\ntap Bar\n"
              "tap Vomiting\ntap Confusion\ntap Save, finish later\ntap Done\n",
              true);
    /* Later, anyone on staff finishes it from the list. */
    town_play(t,
              "scan door2.png\ntap Open reports (1)\ntap Spiking*\n"
              "tap Their drink kept\ntap Next\ntap Yes\ntype CAD 1234/26\ntap OK\ntap Skip\n"
              "tap No\ntap Next\ntap Used: negative\ntap Yes\ntype BAR 2\ntap OK\n"
              "tap From 1 hour before it\ntap Yes\n"
              "type GREEN DRESS\ntap OK\ntap Skip\ntap Home with friends\n",
              false);
    inc = town_events_of(t, "incident");
    assert_int_equal(json_array_size(inc), 2);
    /* The server sees both saves, tied by the report id. */
    assert_string_equal(town_str(json_array_get(inc, 0), "kind"), "spiking");
    assert_false(flag(json_array_get(inc, 0), "complete"));
    assert_true(flag(json_array_get(inc, 1), "complete"));
    assert_string_equal(town_str(json_array_get(inc, 0), "report_id"),
                        town_str(json_array_get(inc, 1), "report_id"));
    assert_string_equal(town_str(json_array_get(inc, 1), "place"), "bar");
    assert_string_equal(town_str(json_array_get(inc, 1), "outcome"), "home_friends");
    assert_true(flag(json_array_get(inc, 1), "police_called"));
    assert_string_equal(town_str(json_array_get(inc, 1), "staff_id"), t->staff[DOOR2]);
    /* Both saves were timed from the answer "15 min ago", the second keeping the first's time. */
    assert_string_equal(town_str(json_array_get(inc, 0), "occurred_at"),
                        town_str(json_array_get(inc, 1), "occurred_at"));
    json_decref(inc);
}

static void test_kiosk_flows__reports_left_on_screen_are_kept_open_at_timeout(void **state)
{
    struct town *t = *state;
    json_t *inc;

    town_play(t, "shot enrolled.png\n", true);
    /* Called away mid-report: the screen goes idle after 5 s, and what was entered is kept. */
    town_play_idle(t, "scan door.png\ntap Spiking\ntap Yes\ntap 15 min ago\ntap Bar\ntap Vomiting\n"
                      "wait 5600\nshot idle-after-spiking.png\n"
                      "scan door.png\ntap Ask for Angela\ntap Dance floor\nwait 5600\n");
    inc = town_events_of(t, "incident");
    assert_int_equal(json_array_size(inc), 2);
    assert_string_equal(town_str(json_array_get(inc, 0), "kind"), "spiking");
    assert_string_equal(town_str(json_array_get(inc, 0), "place"), "bar");
    assert_false(flag(json_array_get(inc, 0), "complete"));
    assert_true(strlen(town_str(json_array_get(inc, 0), "sealed")) > 64);
    assert_null(strstr(town_str(json_array_get(inc, 0), "sealed"), "vomiting"));
    assert_string_equal(town_str(json_array_get(inc, 1), "kind"), "angela");
    assert_string_equal(town_str(json_array_get(inc, 1), "place"), "dance_floor");
    assert_false(flag(json_array_get(inc, 1), "complete"));
    json_decref(inc);

    /* Both wait under Open reports; the spiking one is finished from there. */
    town_play(t,
              "scan door2.png\ntap Open reports (2)\ntap Spiking*\n"
              "tap Their drink kept\ntap Next\ntap No\ntap No\ntap Next\ntap Not used\ntap No\n"
              "tap Yes\ntap Skip\ntap Skip\ntap Recovering here\n",
              false);
    inc = town_events_of(t, "incident");
    assert_int_equal(json_array_size(inc), 3);
    {
        json_t *open = NULL, *done = NULL, *ev;
        size_t i;
        json_array_foreach(inc, i, ev)
        {
            if (strcmp(town_str(ev, "kind"), "spiking") != 0)
                continue;
            if (flag(ev, "complete"))
                done = ev;
            else
                open = ev;
        }
        assert_non_null(open);
        assert_non_null(done);
        assert_string_equal(town_str(done, "report_id"), town_str(open, "report_id"));
        assert_string_equal(town_str(done, "place"), "bar");
        assert_string_equal(town_str(done, "outcome"), "recovering");
        assert_string_equal(town_str(done, "occurred_at"), town_str(open, "occurred_at"));
    }
    json_decref(inc);
}

static void test_kiosk_flows__other_incident(void **state)
{
    struct town *t = *state;
    json_t *inc, *ev;

    town_play(t,
              "scan bar.png\ntap Other incident\ntap Violence: injury\ntap 4 High*\ntap More\n"
              "tap Entrance\ntap Now\ntap Person ejected\ntap Yes\n",
              true);
    inc = town_events_of(t, "incident");
    assert_int_equal(json_array_size(inc), 1);
    ev = json_array_get(inc, 0);
    assert_string_equal(town_str(ev, "kind"), "violence_injury");
    assert_int_equal(town_num(ev, "severity"), 4);
    assert_string_equal(town_str(ev, "place"), "entrance");
    assert_string_equal(town_str(ev, "outcome"), "ejected");
    assert_true(flag(ev, "police_called"));
    assert_true(flag(ev, "complete"));
    json_decref(inc);
}

static void test_kiosk_flows__cup_cover_stock_for_managers(void **state)
{
    struct town *t = *state;
    json_t *stock;

    town_play(
        t,
        "scan manager.png\ntap More\ntap Cup covers\ntap Count on hand\ntype 60\ntap OK\n"
        "shot stock.png\ntap Done\n"
        "scan door.png\ntap Not now\n"
        "wait 5100\n"
        "scan manager.png\ntap More\ntap Cup covers\ntap Delivery received\ntype 500\ntap OK\n",
        true);
    stock = town_events_of(t, "stock");
    assert_int_equal(json_array_size(stock), 2);
    assert_string_equal(town_str(json_array_get(stock, 0), "kind"), "count");
    assert_int_equal(town_num(json_array_get(stock, 0), "quantity"), 60);
    assert_string_equal(town_str(json_array_get(stock, 0), "staff_id"), t->staff[MANAGER]);
    assert_string_equal(town_str(json_array_get(stock, 1), "kind"), "delivery");
    assert_int_equal(town_num(json_array_get(stock, 1), "quantity"), 500);
    json_decref(stock);
}

static void test_kiosk_flows__door_staff_have_no_stock_button(void **state)
{
    struct town *t = *state;
    struct lnt_proc_result r;
    int status;

    status = town_replay(t, "door.txt", "scan door.png\ntap Cup covers\n", true, 20, &r);
    assert_int_equal(status, 3);
    /* The kiosk names the script line and what was there instead. */
    if (strstr(r.err, "door.txt:2:") == NULL || strstr(r.err, "no button \"Cup covers\"") == NULL)
        fail_msg("unexpected message: %s", r.err);
    lnt_proc_result_release(&r);
}

static void test_kiosk_flows__volunteer_shift_start_and_end(void **state)
{
    struct town *t = *state;
    json_t *start, *end, *tallies;

    town_play(t,
              "scan volunteer.png\ntap Start shift\ntype 4\ntap OK\ntap Bravo\ntap Safe haven\n"
              "tap I lead this shift\ntap Done\n"
              "wait 5100\n"
              "scan volunteer.png\ntap End shift\n"
              "tap + Water\ntap + Water\ntap + Water\ntap + Flip-flops\ntap + Blankets\n"
              "tap + Blankets\ntap + Bottles\ntap + Bottles\ntap + Bottles\ntap + Bottles\n"
              "tap + First aid\ntap + Police\ntap + Police\ntap + Calmed\ntap + Calmed\n"
              "tap Next\ntap Save\n",
              true);
    start = town_events_of(t, "shift_start");
    end = town_events_of(t, "shift_end");
    assert_int_equal(json_array_size(start), 1);
    assert_int_equal(json_array_size(end), 1);
    assert_string_equal(town_str(json_array_get(start, 0), "call_sign"), "Bravo");
    assert_string_equal(town_str(json_array_get(start, 0), "team"), "");
    assert_string_equal(town_str(json_array_get(start, 0), "base"), "safe_haven");
    assert_string_equal(town_str(json_array_get(start, 0), "leader"), "self");
    assert_int_equal(town_num(json_array_get(start, 0), "team_size"), 4);
    /* The end of the shift knows the team it started with, and carries the eight tallies. */
    assert_string_equal(town_str(json_array_get(end, 0), "call_sign"), "Bravo");
    assert_int_equal(town_num(json_array_get(end, 0), "team_size"), 4);
    tallies = json_object_get(json_array_get(end, 0), "tallies");
    assert_int_equal(town_num(tallies, "water"), 3);
    assert_int_equal(town_num(tallies, "flip_flops"), 1);
    assert_int_equal(town_num(tallies, "blankets"), 2);
    assert_int_equal(town_num(tallies, "bottles"), 4);
    assert_int_equal(town_num(tallies, "first_aid"), 1);
    assert_int_equal(town_num(tallies, "cctv_calls"), 0);
    assert_int_equal(town_num(tallies, "police_calls"), 2);
    assert_int_equal(town_num(tallies, "calmed"), 2);
    json_decref(start);
    json_decref(end);
}

static void test_kiosk_flows__refused_badge_in_plain_words_recorded_without_identity(void **state)
{
    struct town *t = *state;
    json_t *ref, *ev;

    town_play(t, "scan random.png\nshot refused.png\ntap OK\n", true);
    ref = town_events_of(t, "badge_refused");
    assert_int_equal(json_array_size(ref), 1);
    ev = json_array_get(ref, 0);
    assert_string_equal(town_str(ev, "reason"), "not_lantern");
    assert_null(json_object_get(ev, "staff_id"));
    json_decref(ref);
}

static void test_kiosk_flows__fresh_kiosk_enrols_by_scanning_the_code(void **state)
{
    struct town *t = *state;
    json_t *in;

    /* No --enroll: the kiosk says "Scan enrolment code" and takes the LNTE: QR. */
    town_play(t, "shot fresh.png\nscan enrol.png\nwait 200\nscan door.png\ntap Sign in\n", false);
    in = town_events_of(t, "sign_in");
    assert_int_equal(json_array_size(in), 1);
    json_decref(in);
}

static void test_kiosk_flows__replay_names_the_line_it_cannot_do(void **state)
{
    struct town *t = *state;
    struct lnt_proc_result r;

    assert_int_equal(
        town_replay(t, "bad.txt", "# comment\n\nscan door.png\ntype 12\n", true, 20, &r), 3);
    assert_non_null(strstr(r.err, "bad.txt:4:"));
    lnt_proc_result_release(&r);
    assert_int_equal(town_replay(t, "bad2.txt", "scan door.png\ntapp Sign in\n", true, 20, &r), 2);
    assert_non_null(strstr(r.err, "bad2.txt:2:"));
    assert_non_null(strstr(r.err, "unknown command"));
    lnt_proc_result_release(&r);
    assert_int_equal(town_replay(t, "bad3.txt", "scan nothing-here.png\n", true, 20, &r), 3);
    assert_non_null(strstr(r.err, "bad3.txt:1:"));
    lnt_proc_result_release(&r);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, town_setup, town_teardown)
    const struct CMUnitTest tests[] = {
        T(test_kiosk_flows__sign_in_and_out_with_roles_from_the_badge),
        T(test_kiosk_flows__ask_for_angela_in_three_taps),
        T(test_kiosk_flows__angela_with_actions_and_outcome),
        T(test_kiosk_flows__spiking_saved_open_then_completed),
        T(test_kiosk_flows__reports_left_on_screen_are_kept_open_at_timeout),
        T(test_kiosk_flows__other_incident),
        T(test_kiosk_flows__cup_cover_stock_for_managers),
        T(test_kiosk_flows__door_staff_have_no_stock_button),
        T(test_kiosk_flows__volunteer_shift_start_and_end),
        T(test_kiosk_flows__refused_badge_in_plain_words_recorded_without_identity),
        T(test_kiosk_flows__fresh_kiosk_enrols_by_scanning_the_code),
        T(test_kiosk_flows__replay_names_the_line_it_cannot_do),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
