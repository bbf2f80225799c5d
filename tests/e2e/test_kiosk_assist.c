/*
 * test_kiosk_assist.c - the assist button at the staff door, read by the real lantern-kiosk's
 * main loop (the fake line a replay script presses, debounced as a real one is): a bounce is
 * nothing, a long press is one call, a badge answers it, nothing is sent to the server; a
 * button that cannot be had is one clear line at start-up and the kiosk runs without it.
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

/* lantern-kiosk --headless --enroll CODE --replay SCRIPT, with `extra` options (NULL-terminated,
 * at most 8); the exit status. */
static int play(struct town *t, const char *script, const char *const *extra,
                struct lnt_proc_result *r)
{
    char *path = lnt_test_path(t->dir, "assist.txt");
    FILE *f = fopen(path, "w");
    const char *argv[24] = {lnt_test_bin("lantern-kiosk"),
                            "--headless",
                            "--data",
                            t->kiosk_data,
                            "--server",
                            t->url,
                            "--enroll",
                            t->code,
                            "--replay",
                            path,
                            "--timeout",
                            "30"};
    size_t n = 12;
    int rc;

    assert_non_null(f);
    fputs(script, f);
    fclose(f);
    for (; extra != NULL && *extra != NULL && n < 23; extra++)
        argv[n++] = *extra;
    argv[n] = NULL;
    rc = lnt_proc_run(argv, NULL, 90000, r);
    free(path);
    return rc == 0 ? r->status : -1;
}

static size_t count(const char *text, const char *what)
{
    size_t n = 0;

    for (const char *p = text; (p = strstr(p, what)) != NULL; p++)
        n++;
    return n;
}

static void test_kiosk_assist__long_press_is_one_call_and_a_badge_answers_it(void **state)
{
    struct town *t = *state;
    struct lnt_proc_result r;
    json_t *events;
    int status;

    /* A bounce shorter than one turn of the loop; a press leant on for three seconds; a second
     * press while the first is unanswered; then the door supervisor's badge. */
    status = play(t,
                  "button down\nwait 1\nbutton up\nwait 500\n"
                  "button down\nwait 3000\nbutton up\nwait 1000\n"
                  "button down\nwait 1000\nbutton up\nwait 500\n"
                  "scan door.png\nwait 500\n",
                  NULL, &r);
    if (status != 0)
        fail_msg("kiosk exited %d:\n%s\n%s", status, r.out, r.err);
    if (count(r.err, "assist: the button at the staff door was pressed") != 1 ||
        count(r.err, "assist: pressed again; still waiting for a badge") != 1 ||
        count(r.err, "assist: answered by a badge after ") != 1)
        fail_msg("kiosk said:\n%s", r.err);
    /* The press is on the screen and in the journal, not a record for the venue's score. */
    assert_non_null(strstr(r.out, "sent 0 events; 0 unsent"));
    lnt_proc_result_release(&r);
    events = town_events(t);
    assert_int_equal(json_array_size(events), 0);
    json_decref(events);
}

static void
test_kiosk_assist__a_button_that_cannot_be_had_is_said_and_the_door_goes_on(void **state)
{
    struct town *t = *state;
    const char *extra[] = {"--assist-chip", "lantern-no-such-chip", "--assist-line", "22", NULL};
    struct lnt_proc_result r;
    int status;

    status = play(t, "wait 200\nscan door.png\nwait 200\n", extra, &r);
    if (status != 0)
        fail_msg("kiosk exited %d:\n%s\n%s", status, r.out, r.err);
    if (count(r.err, "assist button: chip `lantern-no-such-chip`") != 1 ||
        count(r.err, "starting without the assist button") != 1)
        fail_msg("kiosk said:\n%s", r.err);
    lnt_proc_result_release(&r);

    /* A script that presses it is told why it cannot. */
    status = play(t, "button down\n", extra, &r);
    assert_int_equal(status, 3);
    assert_non_null(strstr(r.err, "button: the assist button could not be opened"));
    lnt_proc_result_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kiosk_assist__long_press_is_one_call_and_a_badge_answers_it),
        cmocka_unit_test(
            test_kiosk_assist__a_button_that_cannot_be_had_is_said_and_the_door_goes_on),
    };
    /* One town for both: neither saves anything, so the first's count of events holds. */
    return cmocka_run_group_tests(tests, town_setup, town_teardown);
}
