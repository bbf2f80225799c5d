/*
 * test_kiosk_kill.c - the kiosk SIGKILLed at random moments while it saves and syncs, thirty
 * times over: every event it reported saved reaches the real lanternd exactly once.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_kiosk_town.h"

#define ROUNDS 30
#define KILL_MIN_MS 150
#define KILL_SPAN_MS 1500
#define MAX_SAVED 4096

/* Busy doors: sign-ins and sign-outs from four badges, an Ask for Angela now and then. */
static const char script[] = "scan door.png\ntap Sign*\ntap Done\n"
                             "scan bar.png\ntap Sign*\ntap Done\n"
                             "scan manager.png\ntap Sign*\ntap Done\n"
                             "scan door2.png\ntap Ask for Angela\ntap Bar\ntap Save\ntap Done\n"
                             "wait 1400\n"
                             "scan door2.png\ntap Sign*\ntap Done\n"
                             "scan door.png\ntap Sign*\ntap Done\n"
                             "scan bar.png\ntap Sign*\ntap Done\n"
                             "wait 1400\n"
                             "scan manager.png\ntap Sign*\ntap Done\n"
                             "scan door2.png\ntap Sign*\ntap Done\n"
                             "wait 3000\n";

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * How long this machine takes from starting the kiosk to its first save (up to 60 s): a busy
 * machine is slower, and kills timed for an idle one would all land before anything is saved.
 */
static int first_save_ms(const char *const *argv, const char *log)
{
    int64_t start = mono_ms(), took = -1;
    pid_t pid;

    unlink(log);
    pid = lnt_proc_spawn(argv, log);
    assert_true(pid > 0);
    while (took < 0 && mono_ms() - start < 60000) {
        char *text = lnt_test_read_file(log);
        if (text != NULL && strstr(text, "saved event ") != NULL)
            took = mono_ms() - start;
        free(text);
        if (took < 0)
            usleep(20 * 1000);
    }
    kill(pid, SIGKILL);
    lnt_proc_wait(pid, 10000);
    if (took < 0)
        fail_msg("the kiosk saved nothing within 60 s:\n%s", lnt_test_read_file(log));
    return (int)took;
}

struct saved {
    size_t n;
    char uuid[MAX_SAVED][40];
};

/* Adds every "saved event N (type) UUID" line of the kiosk's log: what its screen said was saved.
 */
static void collect(const char *log, struct saved *s)
{
    char *text = lnt_test_read_file(log), *p;

    if (text == NULL)
        return;
    for (p = strstr(text, "saved event "); p != NULL; p = strstr(p + 1, "saved event ")) {
        char *close = strchr(p, ')'), *end;
        size_t len;
        if (close == NULL || close[1] != ' ')
            continue;
        end = strchr(close + 2, '\n');
        len = end != NULL ? (size_t)(end - (close + 2)) : strlen(close + 2);
        /* A line cut short by the kill is not a report of a save. */
        if (len != 36 || end == NULL)
            continue;
        assert_true(s->n < MAX_SAVED);
        memcpy(s->uuid[s->n], close + 2, 36);
        s->uuid[s->n][36] = '\0';
        s->n++;
    }
    free(text);
}

static void test_kiosk_kill__every_reported_save_reaches_the_server_once(void **state)
{
    struct town *t = town_new();
    struct saved *saved = calloc(1, sizeof *saved);
    struct lnt_proc_result r;
    unsigned seed = (unsigned)time(NULL);
    const char *env = getenv("LNT_KILL_SEED");
    char *script_path, *log;
    json_t *events, *ev;
    size_t i;
    int kills = 0, crashes = 0, span = KILL_SPAN_MS;

    (void)state;
    assert_non_null(saved);
    if (env != NULL)
        seed = (unsigned)strtoul(env, NULL, 10);
    srand(seed);
    town_start_server(t);
    /* Enrol once; every later run is the same kiosk restarted. */
    assert_int_equal(town_replay(t, "enrol.txt", "wait 10\n", true, 30, &r), 0);
    lnt_proc_result_release(&r);

    script_path = lnt_test_path(t->dir, "busy.txt");
    log = lnt_test_path(t->dir, "kiosk.log");
    {
        FILE *f = fopen(script_path, "w");
        assert_non_null(f);
        fputs(script, f);
        fclose(f);
    }
    {
        const char *argv[] = {lnt_test_bin("lantern-kiosk"),
                              "--headless",
                              "--data",
                              t->kiosk_data,
                              "--replay",
                              script_path,
                              "--timeout",
                              "20",
                              NULL};
        /* the kills spread over at least three times that, so most rounds save something */
        int first = first_save_ms(argv, log);
        collect(log, saved);
        if (span < 3 * first)
            span = 3 * first;
    }
    for (int round = 0; round < ROUNDS; round++) {
        const char *argv[] = {lnt_test_bin("lantern-kiosk"),
                              "--headless",
                              "--data",
                              t->kiosk_data,
                              "--replay",
                              script_path,
                              "--timeout",
                              "20",
                              NULL};
        int delay = KILL_MIN_MS + rand() % span;
        struct timespec ts = {delay / 1000, (long)(delay % 1000) * 1000000L};
        pid_t pid;
        int status;

        unlink(log);
        /* Now and then the kill lands exactly between the server's commit and the kiosk's ack. */
        if (round % 6 == 5)
            setenv("LNT_CRASH_AT", "after_send", 1);
        pid = lnt_proc_spawn(argv, log);
        unsetenv("LNT_CRASH_AT");
        assert_true(pid > 0);
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        status = lnt_proc_wait(pid, 10000);
        kills += status == 128 + SIGKILL;
        crashes += status == 99;
        collect(log, saved);
    }
    /* Restarted without a script, the kiosk sends whatever is left and says 0 unsent. */
    if (town_replay(t, "drain.txt", "wait 10\n", false, 60, &r) != 0)
        fail_msg("drain (seed %u): %s %s", seed, r.out, r.err);
    lnt_proc_result_release(&r);

    events = town_events(t);
    assert_true(kills + crashes >= ROUNDS / 2);
    assert_true(saved->n > 0);
    for (size_t k = 0; k < saved->n; k++) {
        int seen = 0;
        json_array_foreach(events, i, ev)
        {
            const char *u = json_string_value(json_object_get(ev, "uuid"));
            seen += u != NULL && strcmp(u, saved->uuid[k]) == 0;
        }
        if (seen != 1)
            fail_msg("seed %u: event %s was reported saved and is on the server %d times", seed,
                     saved->uuid[k], seen);
    }
    /* Nothing on the server twice, reported or not. */
    json_array_foreach(events, i, ev)
    {
        const char *u = json_string_value(json_object_get(ev, "uuid"));
        for (size_t j = i + 1; j < json_array_size(events); j++)
            if (strcmp(u, json_string_value(json_object_get(json_array_get(events, j), "uuid"))) ==
                0)
                fail_msg("seed %u: event %s stored twice", seed, u);
    }
    print_message("kill test: seed %u, %d killed, %d died between commit and ack, %zu saves "
                  "reported, %zu events stored\n",
                  seed, kills, crashes, saved->n, json_array_size(events));
    json_decref(events);
    free(script_path);
    free(log);
    free(saved);
    town_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kiosk_kill__every_reported_save_reaches_the_server_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
