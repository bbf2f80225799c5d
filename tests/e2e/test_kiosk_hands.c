/*
 * test_kiosk_hands.c - the kiosk for a gloved, cold or hurried hand, played by the real
 * lantern-kiosk from replay scripts against a real lanternd on 127.0.0.1: double taps that must
 * not fall through to the next screen, taps that count on release, typed times that cannot be
 * later than now, the idle countdown and asking before a report is thrown away.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ltime.h"
#include "night.h"
#include "test_kiosk_town.h"

/*
 * "Violence: injury" tapped twice, 80 ms apart: the kinds and the severities sit in the same
 * places, so the second tap used to answer "1 Minor" and move on to "Where?". The severity
 * screen now ignores it while it settles, and the script's own "4 High" is still there.
 */
static void test_kiosk_hands__double_tap_does_not_answer_the_next_question(void **state)
{
    struct town *t = *state;
    json_t *inc;

    town_play(t,
              "scan bar.png\ntap Other incident\n"
              "tap Violence: injury\nwait 80\npress\nrelease\n"
              "tap 4 High*\ntap More\ntap Entrance\ntap Now\ntap Person ejected\ntap No\n",
              true);
    inc = town_events_of(t, "incident");
    assert_int_equal(json_array_size(inc), 1);
    assert_string_equal(town_str(json_array_get(inc, 0), "kind"), "violence_injury");
    assert_int_equal(town_num(json_array_get(inc, 0), "severity"), 4);
    assert_string_equal(town_str(json_array_get(inc, 0), "place"), "entrance");
    json_decref(inc);
}

/* A finger that goes down on one button and comes up on another taps neither. */
static void test_kiosk_hands__press_on_one_button_release_on_another_is_nothing(void **state)
{
    struct town *t = *state;
    json_t *in, *inc;

    town_play(t,
              "scan door.png\nwait 400\npress Sign in\nrelease Not now\n"
              "press Spiking\nwait 300\nrelease Ask for Angela\n"
              /* still the badge screen: nothing was signed, nothing dismissed */
              "tap Ask for Angela\ntap Bar\ntap Save, finish later\n",
              true);
    in = town_events_of(t, "sign_in");
    inc = town_events_of(t, "incident");
    assert_int_equal(json_array_size(in), 0);
    assert_int_equal(json_array_size(inc), 1);
    assert_string_equal(town_str(json_array_get(inc, 0), "kind"), "angela");
    json_decref(in);
    json_decref(inc);
}

/* "HHMM", London time, of instant `t`. */
static void hhmm_of(int64_t t, char out[8])
{
    int64_t local = t + lnt_london_offset(t), sod = (local % 86400 + 86400) % 86400;
    snprintf(out, 8, "%02d%02d", (int)(sod / 3600), (int)(sod / 60 % 60));
}

/*
 * A time typed as "earlier" that is still to come tonight was filed under the day before
 * (04:00 typed at 03:17). It is refused on the keypad, nothing is saved from it, and the time
 * typed next is tonight's. Times are taken from the clock the kiosk reads, two minutes ahead
 * and twenty behind, so the suite holds at any hour (it also runs at 02:30).
 */
static void test_kiosk_hands__typed_time_later_than_now_is_refused(void **state)
{
    struct town *t = *state;
    char later[8], earlier[8], script[512];
    struct lnt_proc_result r;
    int64_t now, at = 0, want;
    json_t *inc;

    /* Two minutes ahead must still be tonight and today: not in the two minutes before 00:00 or
     * 06:00 (a typed 00:01 at 23:59 is last night's, rightly). */
    for (;;) {
        now = lnt_time_now();
        if (lnt_london_date(now + 180) == lnt_london_date(now) &&
            lnt_night_of(now + 180) == lnt_night_of(now))
            break;
        sleep(10);
    }
    hhmm_of(now + 120, later);
    hhmm_of(now - 20 * 60, earlier);
    want = now - 20 * 60;
    want -= (want + lnt_london_offset(want)) % 60;

    /* Refused: the keypad stays, so the place question never comes. */
    snprintf(
        script, sizeof script,
        "scan door.png\ntap Spiking\ntap Yes\ntap Earlier: set time\ntype %s\ntap OK\ntap Bar\n",
        later);
    assert_int_equal(town_replay(t, "later.txt", script, true, 30, &r), 3);
    if (strstr(r.err, "later.txt:7: no button \"Bar\"") == NULL || strstr(r.err, "\"OK\"") == NULL)
        fail_msg("unexpected message: %s", r.err);
    lnt_proc_result_release(&r);

    /* The later time refused, the earlier one taken: the report is dated tonight. */
    snprintf(
        script, sizeof script,
        "wait 5100\nscan door.png\ntap Spiking\ntap Yes\ntap Earlier: set time\ntype %s\ntap OK\n"
        "tap Delete\ntap Delete\ntap Delete\ntap Delete\ntype %s\ntap OK\ntap Bar\n"
        "tap Confusion\ntap Save, finish later\n",
        later, earlier);
    town_play(t, script, false);
    inc = town_events_of(t, "incident");
    assert_int_equal(json_array_size(inc), 1);
    assert_int_equal(lnt_time_parse(town_str(json_array_get(inc, 0), "occurred_at"), &at), LNT_OK);
    assert_int_equal(at, want);
    json_decref(inc);
}

/* The last seconds before idle are counted down; a touch anywhere keeps the screen. */
static void test_kiosk_hands__a_touch_in_the_countdown_stays(void **state)
{
    struct town *t = *state;
    json_t *inc;

    town_play(t, "shot enrolled.png\n", true);
    /* Idle after 5 s, counted down from 2.5 s: at 3 s a press and a release that is no tap (off
     * the button) say someone is there; 3.2 s later, 6.2 s in all, the place question is up. */
    town_play_idle(t, "scan door.png\ntap Spiking\ntap Yes\ntap 15 min ago\nwait 3000\n"
                      "press Bar\nrelease Back\nwait 3200\ntap Bar\ntap Confusion\n"
                      "tap Save, finish later\n");
    inc = town_events_of(t, "incident");
    assert_int_equal(json_array_size(inc), 1);
    assert_string_equal(town_str(json_array_get(inc, 0), "place"), "bar");
    json_decref(inc);
}

/* Back out of a report part told asks first: Keep going keeps it, Discard saves nothing. */
static void test_kiosk_hands__back_asks_before_discarding_a_report(void **state)
{
    struct town *t = *state;
    json_t *inc;

    town_play(t,
              "scan door.png\ntap Other incident\ntap Violence: injury\ntap Back\ntap Back\n"
              "tap Keep going\ntap Violence: no injury\ntap 2 Low*\ntap Bar\ntap Now\n"
              "tap Resolved on site\ntap No\ntap Done\n"
              "scan bar.png\ntap Spiking\ntap Yes\ntap Now\ntap Back\ntap Back\ntap Back\ntap "
              "Discard\ntap Not now\n",
              true);
    inc = town_events_of(t, "incident");
    assert_int_equal(json_array_size(inc), 1);
    assert_string_equal(town_str(json_array_get(inc, 0), "kind"), "violence");
    assert_int_equal(town_num(json_array_get(inc, 0), "severity"), 2);
    json_decref(inc);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, town_setup, town_teardown)
    const struct CMUnitTest tests[] = {
        T(test_kiosk_hands__double_tap_does_not_answer_the_next_question),
        T(test_kiosk_hands__press_on_one_button_release_on_another_is_nothing),
        T(test_kiosk_hands__typed_time_later_than_now_is_refused),
        T(test_kiosk_hands__a_touch_in_the_countdown_stays),
        T(test_kiosk_hands__back_asks_before_discarding_a_report),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
