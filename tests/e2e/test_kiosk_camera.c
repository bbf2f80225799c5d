/*
 * test_kiosk_camera.c - the kiosk with a camera that does not work: it starts anyway, says so,
 * keeps systemd's watchdog fed, and an Ask for Angela is still recorded without a badge. The
 * real lantern-kiosk against a real lanternd on 127.0.0.1.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "image.h"
#include "ltime.h"
#include "officer_client.h"
#include "outbox.h"
#include "qr.h"
#include "test_kiosk_town.h"

#define NO_CAMERA "/dev/lantern-test-no-such-camera"

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

/* lantern-kiosk --headless --camera NO_CAMERA --enroll CODE --replay SCRIPT; exit status. */
static int play(struct town *t, const char *script, struct lnt_proc_result *r)
{
    char *path = lnt_test_path(t->dir, "camera.txt");
    FILE *f = fopen(path, "w");
    const char *argv[] = {lnt_test_bin("lantern-kiosk"),
                          "--headless",
                          "--data",
                          t->kiosk_data,
                          "--server",
                          t->url,
                          "--enroll",
                          t->code,
                          "--camera",
                          NO_CAMERA,
                          "--replay",
                          path,
                          "--timeout",
                          "30",
                          NULL};
    int rc;

    assert_non_null(f);
    fputs(script, f);
    fclose(f);
    rc = lnt_proc_run(argv, NULL, 90000, r);
    free(path);
    return rc == 0 ? r->status : -1;
}

/* GET path as an admin (a token from lanternctl); the reply's JSON (decref it). */
static json_t *admin_get(struct town *t, const char *path)
{
    const char *argv[] = {lnt_test_bin("lanternctl"),
                          "--db",
                          t->db,
                          "--json",
                          "token",
                          "add",
                          "--role",
                          "admin",
                          "--label",
                          "camera test",
                          NULL};
    struct lnt_proc_result r;
    struct lnt_test_page page;
    json_t *tok, *out;
    CURL *curl;

    assert_int_equal(lnt_proc_run(argv, NULL, 30000, &r), 0);
    if (r.status != 0)
        fail_msg("token add: %s", r.err);
    tok = json_loads(r.out, 0, NULL);
    assert_non_null(tok);
    curl = lnt_test_officer_client();
    lnt_test_officer_http(curl, t->url, path, NULL,
                          json_string_value(json_object_get(tok, "token")), &page);
    if (page.status != 200)
        fail_msg("GET %s: %ld %s", path, page.status, page.body.data);
    out = json_loads(page.body.data, 0, NULL);
    assert_non_null(out);
    lnt_test_page_release(&page);
    curl_easy_cleanup(curl);
    json_decref(tok);
    lnt_proc_result_release(&r);
    return out;
}

static void test_kiosk_camera__angela_recorded_without_a_badge_and_flagged(void **state)
{
    struct town *t = *state;
    struct lnt_proc_result r;
    json_t *inc, *ev, *flags, *list, *fl;
    size_t i, unidentified = 0;
    int status;

    /* The idle screen offers the button only because the camera is down; the replay fails
     * (exit 3) if it is not there. */
    status = play(
        t,
        "tap Report without badge\ntap Ask for Angela\ntap Dance floor\ntap Save, finish later\n"
        "tap Done\n",
        &r);
    if (status != 0)
        fail_msg("kiosk exited %d:\n%s\n%s", status, r.out, r.err);
    /* It said why, naming the device, and still sent what was saved. */
    if (strstr(r.err, NO_CAMERA) == NULL || strstr(r.out, "; 0 unsent") == NULL)
        fail_msg("kiosk said:\n%s\n%s", r.out, r.err);
    lnt_proc_result_release(&r);

    inc = town_events_of(t, "incident");
    assert_int_equal(json_array_size(inc), 1);
    ev = json_array_get(inc, 0);
    assert_string_equal(json_string_value(json_object_get(ev, "kind")), "angela");
    assert_string_equal(json_string_value(json_object_get(ev, "place")), "dance_floor");
    assert_string_equal(json_string_value(json_object_get(ev, "staff_id")), "unidentified");
    assert_true(json_is_false(json_object_get(ev, "complete"))); /* open: its outcome to follow */
    json_decref(inc);

    /* The server flags it for the manager to name who it was. */
    flags = admin_get(t, "/api/v1/flags");
    list = json_object_get(flags, "flags");
    json_array_foreach(list, i, fl)
    {
        if (strcmp(json_string_value(json_object_get(fl, "kind")), "unidentified_staff") == 0) {
            unidentified++;
            assert_int_equal(json_integer_value(json_object_get(fl, "seq")), 1);
        }
    }
    assert_int_equal(unidentified, 1);
    json_decref(flags);
}

static void test_kiosk_camera__spiking_and_other_incident_without_a_badge(void **state)
{
    struct town *t = *state;
    struct lnt_proc_result r;
    json_t *inc;
    int status;

    /* Back from the first question returns to the choice, not to a badge that was never read. */
    status = play(t,
                  "tap Report without badge\ntap Spiking\ntap Back\ntap Other incident\n"
                  "tap Violence*\ntap Back\ntap Back\ntap Discard\n"
                  "tap Spiking\ntap Yes\ntap Now\ntap Toilets\n"
                  "tap Vomiting\ntap Save, finish later\ntap Done\n",
                  &r);
    if (status != 0)
        fail_msg("kiosk exited %d:\n%s\n%s", status, r.out, r.err);
    lnt_proc_result_release(&r);
    inc = town_events_of(t, "incident");
    assert_int_equal(json_array_size(inc), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(inc, 0), "kind")),
                        "spiking");
    assert_string_equal(json_string_value(json_object_get(json_array_get(inc, 0), "staff_id")),
                        "unidentified");
    json_decref(inc);
}

/* The messages the kiosk sent to a NOTIFY_SOCKET while it ran, joined by '|'. */
static void notify_run(struct town *t, const char *script, char *got, size_t size, int *status)
{
    char *sock_path = lnt_test_path(t->dir, "notify.sock");
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    struct lnt_proc_result r;
    size_t used = 0;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);

    assert_true(fd >= 0);
    assert_true(strlen(sock_path) < sizeof addr.sun_path);
    memcpy(addr.sun_path, sock_path, strlen(sock_path) + 1);
    assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    setenv("NOTIFY_SOCKET", sock_path, 1);
    setenv("WATCHDOG_USEC", "1000000", 1); /* a ping due every half second */
    *status = play(t, script, &r);
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    if (*status != 0)
        fail_msg("kiosk exited %d:\n%s\n%s", *status, r.out, r.err);
    lnt_proc_result_release(&r);
    got[0] = '\0';
    for (;;) {
        char msg[256];
        ssize_t n = recv(fd, msg, sizeof msg - 1, 0);
        if (n < 0)
            break;
        msg[n] = '\0';
        if (used + (size_t)n + 2 < size) {
            memcpy(got + used, msg, (size_t)n);
            used += (size_t)n;
            got[used++] = '|';
            got[used] = '\0';
        }
    }
    close(fd);
    unlink(sock_path);
    free(sock_path);
}

static void test_kiosk_camera__watchdog_fed_while_the_camera_is_down(void **state)
{
    struct town *t = *state;
    char got[4096];
    const char *p;
    int status, pings = 0;

    /* Two seconds with no camera: systemd hears READY, then WATCHDOG pings, then STOPPING. */
    notify_run(t, "wait 2000\n", got, sizeof got, &status);
    assert_non_null(strstr(got, "READY=1"));
    for (p = got; (p = strstr(p, "WATCHDOG=1")) != NULL; p++)
        pings++;
    assert_true(pings >= 3);
    assert_non_null(strstr(got, "STOPPING=1"));
    assert_true(strstr(got, "READY=1") < strstr(got, "WATCHDOG=1"));
}

/*
 * A QR code whose three finder patterns are whole but whose other modules are scrambled: what a
 * camera sees of a badge held at a slant, too far or moving. Written to DIR/name.
 */
static void write_unreadable_code(struct town *t, const char *name)
{
    struct lnt_image img = {0};
    char *path = lnt_test_path(t->dir, name);
    const int px = 6, quiet = 4;
    int version = 0, n;
    uint32_t seed = 12345;

    assert_int_equal(
        lnt_qr_render("THIS CODE IS NEVER READ 0123456789", 10, px, quiet, &img, &version, NULL),
        LNT_OK);
    n = 17 + 4 * version;
    for (int my = 0; my < n; my++)
        for (int mx = 0; mx < n; mx++) {
            bool finder = (mx < 8 && my < 8) || (mx >= n - 8 && my < 8) || (mx < 8 && my >= n - 8);
            uint8_t v;
            if (finder)
                continue;
            seed = seed * 1103515245u + 12345u;
            v = (seed >> 16) & 1 ? 0 : 255;
            for (int y = 0; y < px; y++)
                memset(img.px + (size_t)((quiet + my) * px + y) * img.stride +
                           (size_t)((quiet + mx) * px),
                       v, (size_t)px);
        }
    assert_int_equal(lnt_image_write_png(path, &img, NULL), LNT_OK);
    lnt_image_release(&img);
    free(path);
}

/* Counts the dark (< 64) and light (> 192) pixels of the screenshot DIR/name in a box. */
static void shot_tones(struct town *t, const char *name, int x0, int y0, int w, int h, int *dark,
                       int *light)
{
    struct lnt_image img = {0};
    char *path = lnt_test_path(t->dir, name);

    assert_int_equal(lnt_image_read_png(path, &img, NULL), LNT_OK);
    *dark = *light = 0;
    for (int y = y0; y < y0 + h && y < img.h; y++)
        for (int x = x0; x < x0 + w && x < img.w; x++) {
            uint8_t v = img.px[(size_t)y * img.stride + (size_t)x];
            *dark += v < 64;
            *light += v > 192;
        }
    lnt_image_release(&img);
    free(path);
}

static void test_kiosk_camera__live_view_and_how_to_hold_a_code_that_will_not_read(void **state)
{
    struct town *t = *state;
    struct lnt_proc_result r;
    int status, dark = 0, light = 0;

    write_unreadable_code(t, "unreadable.png");
    /* The same unreadable code in view for over a second, as a shaky hand gives it. */
    status = town_replay(t, "aim.txt",
                         "shot before.png\nscan unreadable.png\nwait 1100\n"
                         "scan unreadable.png\nshot aim.png\n",
                         true, 30, &r);
    if (status != 0)
        fail_msg("kiosk exited %d:\n%s\n%s", status, r.out, r.err);
    assert_non_null(strstr(r.err, "showing how to hold it"));
    lnt_proc_result_release(&r);
    /* Before any frame the view is not there; then it shows the code, black and white. */
    shot_tones(t, "before.png", 320, 276, 160, 120, &dark, &light);
    assert_int_equal(light, 0);
    shot_tones(t, "aim.png", 320, 276, 160, 120, &dark, &light);
    assert_true(dark > 1000);
    assert_true(light > 1000);
    /* Nothing was read, so nothing was recorded. */
    json_t *all = town_events(t);
    assert_int_equal(json_array_size(all), 0);
    json_decref(all);
}

/* The last good sync time the kiosk stored in its outbox; 0 when none. */
static int64_t stored_last_sync(struct town *t)
{
    struct lnt_outbox *ob = NULL;
    int64_t v = 0;
    bool found = false;

    assert_int_equal(lnt_outbox_open(t->kiosk_data, &ob, NULL), LNT_OK);
    assert_int_equal(lnt_outbox_setting_get(ob, LNT_SET_LAST_SYNC, &v, &found, NULL), LNT_OK);
    lnt_outbox_free(ob);
    return found ? v : 0;
}

static void test_kiosk_camera__saved_says_sent_only_once_sent_and_last_sync_is_kept(void **state)
{
    struct town *t = *state;
    struct lnt_proc_result r;
    int64_t synced;
    int status;

    /* Online: the SAVED screen learns, while it is up, that the server has the record. */
    status = town_replay(t, "sent.txt", "scan door.png\ntap Sign in\nwait 3000\ntap Done\n", true,
                         30, &r);
    if (status != 0)
        fail_msg("kiosk exited %d:\n%s\n%s", status, r.out, r.err);
    if (strstr(r.err, "event 1 reached the server") == NULL)
        fail_msg("SAVED never heard that event 1 was sent:\n%s", r.err);
    lnt_proc_result_release(&r);
    /* The time of that sync is on disk, for the status bar after a restart. */
    synced = stored_last_sync(t);
    assert_true(synced > 0);
    assert_true(synced <= lnt_time_now());

    /* The server goes away: the next record is saved, never said to be sent, and the stored
     * sync time stays what it was (the kiosk gives up at --timeout with the event unsent). */
    town_stop_server(t);
    status = town_replay(t, "unsent.txt",
                         "wait 5100\nscan door.png\ntap Sign out\nwait 1500\n"
                         "tap Done\n",
                         false, 8, &r);
    assert_int_equal(status, 1);
    assert_null(strstr(r.err, "reached the server"));
    assert_non_null(strstr(r.err, "1 events unsent"));
    lnt_proc_result_release(&r);
    assert_int_equal(stored_last_sync(t), synced);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_kiosk_camera__angela_recorded_without_a_badge_and_flagged, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_kiosk_camera__spiking_and_other_incident_without_a_badge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_camera__watchdog_fed_while_the_camera_is_down,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_kiosk_camera__live_view_and_how_to_hold_a_code_that_will_not_read, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_kiosk_camera__saved_says_sent_only_once_sent_and_last_sync_is_kept, setup,
            teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
