/*
 * test_e2e.c - one badge scan travelling the whole way: lanternctl issues a badge PNG,
 * lantern-kiosk reads it as a camera frame, verifies it offline, saves a sign-in in its
 * outbox and syncs it to a real lanternd on 127.0.0.1, whose database then holds it once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "support.h"

struct town {
    char *dir;
    char *db;
    char *frames;
    char *kiosk_data;
    char *log;
    char staff_id[32];
    char code[32];
    char url[64];
    pid_t server;
};

/* Runs lanternctl --db DB --json ARGS..., asserts exit 0, returns its parsed output (caller
 * decrefs). */
static json_t *ctl(struct town *t, const char *const *args)
{
    const char *argv[32];
    struct lnt_proc_result r;
    json_error_t jerr;
    json_t *out;
    size_t n = 0;

    argv[n++] = lnt_test_bin("lanternctl");
    argv[n++] = "--db";
    argv[n++] = t->db;
    argv[n++] = "--json";
    for (size_t i = 0; args[i] != NULL && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    assert_int_equal(lnt_proc_run(argv, NULL, 30000, &r), 0);
    if (r.status != 0)
        fail_msg("lanternctl %s failed (%d): %s", args[0], r.status, r.err);
    out = json_loads(r.out, JSON_DECODE_ANY, &jerr);
    if (out == NULL)
        fail_msg("lanternctl %s printed no JSON: %s", args[0], r.out);
    lnt_proc_result_release(&r);
    return out;
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        static char buf[32];
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    fail_msg("no field %s in output", key);
    return NULL;
}

static void start_server(struct town *t)
{
    char *port_file = lnt_test_path(t->dir, "port");
    const char *argv[] = {lnt_test_bin("lanternd"),
                          "--db",
                          t->db,
                          "--listen",
                          "127.0.0.1:0",
                          "--port-file",
                          port_file,
                          NULL};
    char *port;

    unlink(port_file);
    t->server = lnt_proc_spawn(argv, t->log);
    assert_true(t->server > 0);
    if (!lnt_test_wait_file(port_file, 15000))
        fail_msg("lanternd did not start: %s", lnt_test_read_file(t->log));
    port = lnt_test_read_file(port_file);
    port[strcspn(port, "\r\n")] = '\0';
    snprintf(t->url, sizeof t->url, "http://127.0.0.1:%s", port);
    free(port);
    free(port_file);
}

static void stop_server(struct town *t)
{
    lnt_proc_stop(t->server, SIGTERM);
    t->server = 0;
}

/* A scheme, a venue, a door supervisor with an SIA licence and four courses, their badge as a PNG.
 */
static int town_setup(void **state)
{
    struct town *t = calloc(1, sizeof *t);
    json_t *o;

    t->dir = lnt_test_tmpdir();
    t->db = lnt_test_path(t->dir, "lantern.db");
    t->frames = lnt_test_path(t->dir, "frames");
    t->kiosk_data = lnt_test_path(t->dir, "kiosk");
    t->log = lnt_test_path(t->dir, "lanternd.log");
    mkdir(t->frames, 0755);

    json_decref(ctl(t, (const char *[]){"init", "--scheme", "WTN", NULL}));
    o = ctl(t, (const char *[]){"venue", "add", "--name", "The Crown", "--category", "pub",
                                "--capacity", "250", "--area", "High Street", NULL});
    char venue[32];
    snprintf(venue, sizeof venue, "%s", jstr(o, "id"));
    json_decref(o);
    o = ctl(t, (const char *[]){"staff", "add", "--venue", venue, "--name",
                                "Aleksandra Kowalczyk-Brown", "--role", "door", "--sia",
                                "1234 5678 9012 3456", "--sia-expiry", "2029-03-31", NULL});
    snprintf(t->staff_id, sizeof t->staff_id, "%s", jstr(o, "id"));
    json_decref(o);
    const char *courses[] = {"wave", "angela", "spiking", "first-aid"};
    char completed[11];
    lnt_test_date(-60, completed); /* in date, at any hour the suite runs */
    for (int i = 0; i < 4; i++)
        json_decref(ctl(t, (const char *[]){"training", "add", "--staff", t->staff_id, "--course",
                                            courses[i], "--completed", completed, NULL}));
    char *png = lnt_test_path(t->frames, "0001.png");
    o = ctl(t, (const char *[]){"badge", "issue", "--staff", t->staff_id, "--png", png, NULL});
    assert_true(strncmp(jstr(o, "qr_text"), "LNT1:", 5) == 0);
    json_decref(o);
    free(png);
    o = ctl(t, (const char *[]){"kiosk", "add", "--venue", venue, NULL});
    snprintf(t->code, sizeof t->code, "%s", jstr(o, "enrollment_code"));
    json_decref(o);
    *state = t;
    return 0;
}

static int town_teardown(void **state)
{
    struct town *t = *state;
    if (t->server > 0)
        stop_server(t);
    lnt_test_rmrf(t->dir);
    free(t->dir);
    free(t->db);
    free(t->frames);
    free(t->kiosk_data);
    free(t->log);
    free(t);
    return 0;
}

/* Runs the kiosk headless over `frames` (NULL: an empty frame directory). */
static int run_kiosk(struct town *t, const char *frames, const char *timeout,
                     struct lnt_proc_result *r)
{
    const char *argv[] = {lnt_test_bin("lantern-kiosk"),
                          "--headless",
                          "--data",
                          t->kiosk_data,
                          "--server",
                          t->url,
                          "--enroll",
                          t->code,
                          "--frames",
                          frames ? frames : t->dir,
                          "--timeout",
                          timeout,
                          NULL};
    return lnt_proc_run(argv, NULL, 60000, r);
}

/* Counts stored events of `type` for the town's staff member. */
static int count_events(struct town *t, const char *type)
{
    const char *argv[] = {
        lnt_test_bin("lanternctl"), "--db", t->db, "--json", "events", "list", NULL};
    struct lnt_proc_result r;
    int count = 0;
    char *line, *save = NULL;

    assert_int_equal(lnt_proc_run(argv, NULL, 30000, &r), 0);
    assert_int_equal(r.status, 0);
    for (line = strtok_r(r.out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        json_error_t jerr;
        json_t *o = json_loads(line, 0, &jerr);
        json_t *ev;
        if (o == NULL)
            fail_msg("events list printed a line that is not JSON: %s", line);
        ev = json_object_get(o, "event");
        if (ev == NULL)
            ev = o;
        if (strcmp(json_string_value(json_object_get(ev, "type")), type) == 0 &&
            strcmp(json_string_value(json_object_get(ev, "staff_id")), t->staff_id) == 0)
            count++;
        json_decref(o);
    }
    lnt_proc_result_release(&r);
    return count;
}

static void copy_file(const char *from, const char *to)
{
    char *data = lnt_test_read_file(from);
    struct stat st;
    FILE *f;
    assert_non_null(data);
    assert_int_equal(stat(from, &st), 0);
    f = fopen(to, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, (size_t)st.st_size, f), (size_t)st.st_size);
    fclose(f);
    free(data);
}

static void test_e2e__badge_png_becomes_one_stored_sign_in(void **state)
{
    struct town *t = *state;
    struct lnt_proc_result r;

    start_server(t);
    assert_int_equal(run_kiosk(t, t->frames, "30", &r), 0);
    if (r.status != 0)
        fail_msg("kiosk exited %d: %s", r.status, r.err);
    lnt_proc_result_release(&r);
    assert_int_equal(count_events(t, "sign_in"), 1);
}

static void test_e2e__badge_held_over_several_frames_is_one_scan(void **state)
{
    struct town *t = *state;
    struct lnt_proc_result r;
    char *first = lnt_test_path(t->frames, "0001.png");

    for (int i = 2; i <= 4; i++) {
        char name[16];
        snprintf(name, sizeof name, "%04d.png", i);
        char *p = lnt_test_path(t->frames, name);
        copy_file(first, p);
        free(p);
    }
    free(first);
    start_server(t);
    assert_int_equal(run_kiosk(t, t->frames, "30", &r), 0);
    assert_int_equal(r.status, 0);
    lnt_proc_result_release(&r);
    assert_int_equal(count_events(t, "sign_in"), 1);
    assert_int_equal(count_events(t, "sign_out"), 0);
}

static void test_e2e__kiosk_killed_mid_sync_resends_and_server_stores_once(void **state)
{
    struct town *t = *state;
    struct lnt_proc_result r;

    start_server(t);
    /* The kiosk dies after the server has committed and replied, before it forgets the event. */
    setenv("LNT_CRASH_AT", "after_send", 1);
    assert_int_equal(run_kiosk(t, t->frames, "30", &r), 0);
    unsetenv("LNT_CRASH_AT");
    assert_int_equal(r.status, 99);
    lnt_proc_result_release(&r);
    assert_int_equal(count_events(t, "sign_in"), 1);

    /* Restarted, it still has the event and sends it again; the server knows it already. */
    assert_int_equal(run_kiosk(t, NULL, "30", &r), 0);
    if (r.status != 0)
        fail_msg("restarted kiosk exited %d: %s", r.status, r.err);
    lnt_proc_result_release(&r);
    assert_int_equal(count_events(t, "sign_in"), 1);
}

static void test_e2e__scan_while_server_down_is_kept_and_sent_later(void **state)
{
    struct town *t = *state;
    struct lnt_proc_result r;

    /* Enrol while the server is up, with no badge in view. */
    start_server(t);
    assert_int_equal(run_kiosk(t, NULL, "30", &r), 0);
    assert_int_equal(r.status, 0);
    lnt_proc_result_release(&r);
    stop_server(t);

    /* The network is dead: the scan is saved, reported unsent, and the kiosk says so. */
    assert_int_equal(run_kiosk(t, t->frames, "2", &r), 0);
    assert_int_not_equal(r.status, 0);
    if (strstr(r.out, "unsent") == NULL && strstr(r.err, "unsent") == NULL)
        fail_msg("kiosk did not say what is unsent: %s %s", r.out, r.err);
    lnt_proc_result_release(&r);

    start_server(t);
    assert_int_equal(count_events(t, "sign_in"), 0);
    assert_int_equal(run_kiosk(t, NULL, "30", &r), 0);
    if (r.status != 0)
        fail_msg("kiosk exited %d: %s", r.status, r.err);
    lnt_proc_result_release(&r);
    assert_int_equal(count_events(t, "sign_in"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_e2e__badge_png_becomes_one_stored_sign_in, town_setup,
                                        town_teardown),
        cmocka_unit_test_setup_teardown(test_e2e__badge_held_over_several_frames_is_one_scan,
                                        town_setup, town_teardown),
        cmocka_unit_test_setup_teardown(
            test_e2e__kiosk_killed_mid_sync_resends_and_server_stores_once, town_setup,
            town_teardown),
        cmocka_unit_test_setup_teardown(test_e2e__scan_while_server_down_is_kept_and_sent_later,
                                        town_setup, town_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
