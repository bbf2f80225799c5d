/* test_kiosk_town.c - a small town for the kiosk's end-to-end suites: lanternctl sets it up,
 * lanternd runs on 127.0.0.1, lantern-kiosk plays replay scripts against it. */
#include "test_kiosk_town.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "image.h"
#include "qr.h"

json_t *town_ctl(struct town *t, const char *input, const char *const *args)
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
    assert_int_equal(lnt_proc_run(argv, input, 30000, &r), 0);
    if (r.status != 0)
        fail_msg("lanternctl %s failed (%d): %s", args[0], r.status, r.err);
    out = json_loads(r.out, JSON_DECODE_ANY, &jerr);
    if (out == NULL)
        fail_msg("lanternctl %s printed no JSON: %s", args[0], r.out);
    lnt_proc_result_release(&r);
    return out;
}

static json_t *ctl(struct town *t, const char *const *args)
{
    return town_ctl(t, NULL, args);
}

static void id_of(json_t *o, char *out, size_t size)
{
    json_t *v = json_object_get(o, "id");
    if (json_is_integer(v))
        snprintf(out, size, "%lld", (long long)json_integer_value(v));
    else if (json_is_string(v))
        snprintf(out, size, "%s", json_string_value(v));
    else
        fail_msg("no id in lanternctl output");
}

static void add_staff(struct town *t, int slot, const char *venue, const char *name,
                      const char *role, const char *sia, const char *png)
{
    json_t *o;
    char *path = lnt_test_path(t->dir, png), completed[11];

    lnt_test_date(-60, completed); /* in date, at any hour the suite runs */

    if (sia != NULL)
        o = ctl(t, (const char *[]){"staff", "add", "--venue", venue, "--name", name, "--role",
                                    role, "--sia", sia, "--sia-expiry", "2029-03-31", NULL});
    else
        o = ctl(t, (const char *[]){"staff", "add", "--venue", venue, "--name", name, "--role",
                                    role, NULL});
    id_of(o, t->staff[slot], sizeof t->staff[slot]);
    json_decref(o);
    json_decref(ctl(t, (const char *[]){"training", "add", "--staff", t->staff[slot], "--course",
                                        "angela", "--completed", completed, NULL}));
    /* WAVE is the scheme's default required training: without it no badge is GREEN */
    json_decref(ctl(t, (const char *[]){"training", "add", "--staff", t->staff[slot], "--course",
                                        "wave", "--completed", completed, NULL}));
    json_decref(
        ctl(t, (const char *[]){"badge", "issue", "--staff", t->staff[slot], "--png", path, NULL}));
    free(path);
}

struct town *town_new(void)
{
    struct town *t = calloc(1, sizeof *t);
    struct lnt_image img = {0};
    char venue[16], *enrol, *random_png;
    json_t *o;

    assert_non_null(t);
    t->dir = lnt_test_tmpdir();
    t->db = lnt_test_path(t->dir, "lantern.db");
    t->kiosk_data = lnt_test_path(t->dir, "kiosk");
    t->log = lnt_test_path(t->dir, "lanternd.log");
    json_decref(ctl(t, (const char *[]){"init", "--scheme", "WTN", NULL}));
    o = ctl(t, (const char *[]){"venue", "add", "--name", "The Crown", "--category", "pub",
                                "--capacity", "250", "--area", "High Street", NULL});
    id_of(o, venue, sizeof venue);
    json_decref(o);
    add_staff(t, DOOR, venue, "Aleksandra Kowalczyk-Brown", "door", "1234567812345678", "door.png");
    add_staff(t, BAR, venue, "Priya Raman", "bar", NULL, "bar.png");
    add_staff(t, MANAGER, venue, "Tom Hargreaves", "manager", NULL, "manager.png");
    add_staff(t, VOLUNTEER, venue, "Ruth Adeyemi", "volunteer", NULL, "volunteer.png");
    add_staff(t, DOOR2, venue, "Dee Okafor", "door", "8765432187654321", "door2.png");
    enrol = lnt_test_path(t->dir, "enrol.png");
    o = ctl(t, (const char *[]){"kiosk", "add", "--venue", venue, "--png", enrol, NULL});
    snprintf(t->code, sizeof t->code, "%s",
             json_string_value(json_object_get(o, "enrollment_code")));
    json_decref(o);
    free(enrol);
    /* A QR code that is no badge: what a door supervisor is shown from a phone now and then. */
    random_png = lnt_test_path(t->dir, "random.png");
    assert_int_equal(lnt_qr_render("HTTPS://EXAMPLE.COM/MENU", 10, 6, 4, &img, NULL, NULL), LNT_OK);
    assert_int_equal(lnt_image_write_png(random_png, &img, NULL), LNT_OK);
    lnt_image_release(&img);
    free(random_png);
    return t;
}

void town_free(struct town *t)
{
    if (t == NULL)
        return;
    if (t->server > 0)
        town_stop_server(t);
    lnt_test_rmrf(t->dir);
    free(t->dir);
    free(t->db);
    free(t->kiosk_data);
    free(t->log);
    free(t);
}

void town_start_server_with(struct town *t, const char *const *extra)
{
    char *port_file = lnt_test_path(t->dir, "port");
    const char *argv[40] = {lnt_test_bin("lanternd"),
                            "--db",
                            t->db,
                            "--listen",
                            "127.0.0.1:0",
                            "--port-file",
                            port_file};
    size_t n = 7;
    char *port;

    for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 39; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
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

void town_start_server(struct town *t)
{
    town_start_server_with(t, NULL);
}

void town_stop_server(struct town *t)
{
    lnt_proc_stop(t->server, SIGTERM);
    t->server = 0;
}

int town_replay(struct town *t, const char *name, const char *script, bool enrol, int timeout_s,
                struct lnt_proc_result *r)
{
    char *path = lnt_test_path(t->dir, name);
    char timeout[16];
    FILE *f = fopen(path, "w");
    const char *argv[16];
    size_t n = 0;
    int rc;

    assert_non_null(f);
    fputs(script, f);
    fclose(f);
    snprintf(timeout, sizeof timeout, "%d", timeout_s);
    argv[n++] = lnt_test_bin("lantern-kiosk");
    argv[n++] = "--headless";
    argv[n++] = "--data";
    argv[n++] = t->kiosk_data;
    argv[n++] = "--server";
    argv[n++] = t->url;
    if (enrol) {
        argv[n++] = "--enroll";
        argv[n++] = t->code;
    }
    argv[n++] = "--replay";
    argv[n++] = path;
    argv[n++] = "--timeout";
    argv[n++] = timeout;
    argv[n] = NULL;
    rc = lnt_proc_run(argv, NULL, (timeout_s + 60) * 1000, r);
    free(path);
    return rc == 0 ? r->status : -1;
}

json_t *town_events(struct town *t)
{
    const char *argv[] = {
        lnt_test_bin("lanternctl"), "--db", t->db, "--json", "events", "list", NULL};
    struct lnt_proc_result r;
    json_t *all = json_array();
    char *line, *save = NULL;

    assert_int_equal(lnt_proc_run(argv, NULL, 30000, &r), 0);
    if (r.status != 0)
        fail_msg("events list failed: %s", r.err);
    for (line = strtok_r(r.out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        json_error_t jerr;
        json_t *o = json_loads(line, 0, &jerr), *ev;
        if (o == NULL)
            fail_msg("events list printed a line that is not JSON: %s", line);
        ev = json_object_get(o, "event");
        json_array_append(all, ev != NULL ? ev : o);
        json_decref(o);
    }
    lnt_proc_result_release(&r);
    return all;
}

json_t *town_events_of(struct town *t, const char *type)
{
    json_t *all = town_events(t), *out = json_array(), *ev;
    size_t i;

    json_array_foreach(all, i, ev)
    {
        const char *ty = json_string_value(json_object_get(ev, "type"));
        if (ty != NULL && strcmp(ty, type) == 0)
            json_array_append(out, ev);
    }
    json_decref(all);
    return out;
}

int town_setup(void **state)
{
    struct town *t = town_new();

    town_start_server(t);
    *state = t;
    return 0;
}

int town_teardown(void **state)
{
    town_free(*state);
    return 0;
}

void town_play(struct town *t, const char *script, bool enrol)
{
    struct lnt_proc_result r;
    int status = town_replay(t, "script.txt", script, enrol, 30, &r);

    if (status != 0)
        fail_msg("kiosk exited %d:\n%s\n%s", status, r.out, r.err);
    lnt_proc_result_release(&r);
}

void town_play_idle(struct town *t, const char *script)
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
                          "40",
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

const char *town_str(json_t *ev, const char *key)
{
    json_t *v = json_object_get(ev, key);

    if (!json_is_string(v))
        fail_msg("event has no string `%s`", key);
    return json_string_value(v);
}

json_int_t town_num(json_t *ev, const char *key)
{
    json_t *v = json_object_get(ev, key);

    if (!json_is_integer(v))
        fail_msg("event has no integer `%s`", key);
    return json_integer_value(v);
}
