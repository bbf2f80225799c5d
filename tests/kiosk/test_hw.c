/* test_hw.c - the hardware seams without hardware: the camera's error path, GPIO through the fake,
 * the systemd watchdog over a real notify socket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "frame.h"
#include "gpio.h"
#include "support.h"
#include "watchdog.h"

static void test_hw__missing_camera_says_which_and_what_to_check(void **state)
{
    struct lnt_frame_source *src = (struct lnt_frame_source *)1;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    assert_int_equal(lnt_frames_v4l2_open("/dev/video-lantern-none", NULL, &src, err), LNT_ERR_IO);
    assert_null(src);
    assert_non_null(strstr(err, "/dev/video-lantern-none"));
    assert_non_null(strstr(err, "cannot open"));
    assert_non_null(strstr(err, "plugged in"));
}

static void test_hw__a_file_that_is_no_camera_is_refused(void **state)
{
    struct lnt_frame_source *src = NULL;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    assert_int_equal(lnt_frames_v4l2_open("/dev/null", NULL, &src, err), LNT_ERR_IO);
    assert_null(src);
    assert_non_null(strstr(err, "not a V4L2 device"));
}

static void test_hw__fake_gpio_remembers_the_lines(void **state)
{
    struct lnt_gpio *g = NULL;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    assert_int_equal(lnt_gpio_fake_new(&g, err), LNT_OK);
    assert_false(lnt_gpio_fake_get(g, LNT_GPIO_LED));
    assert_int_equal(lnt_gpio_set(g, LNT_GPIO_LED, true, err), LNT_OK);
    assert_int_equal(lnt_gpio_set(g, LNT_GPIO_LED, true, err), LNT_OK); /* no change */
    assert_int_equal(lnt_gpio_set(g, LNT_GPIO_BUZZER, true, err), LNT_OK);
    assert_int_equal(lnt_gpio_set(g, LNT_GPIO_BUZZER, false, err), LNT_OK);
    assert_true(lnt_gpio_fake_get(g, LNT_GPIO_LED));
    assert_false(lnt_gpio_fake_get(g, LNT_GPIO_BUZZER));
    assert_int_equal(lnt_gpio_fake_changes(g, LNT_GPIO_LED), 1);
    assert_int_equal(lnt_gpio_fake_changes(g, LNT_GPIO_BUZZER), 2);
    assert_int_equal(lnt_gpio_set(g, (enum lnt_gpio_line)7, true, err), LNT_ERR_INVALID);
    lnt_gpio_free(g);
    lnt_gpio_free(NULL);
}

static void test_hw__missing_gpio_chip_is_a_clear_error(void **state)
{
    struct lnt_gpio *g = (struct lnt_gpio *)1;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    assert_int_equal(lnt_gpio_open("lantern-no-such-chip", 17, 27, &g, err), LNT_ERR_IO);
    assert_null(g);
    assert_non_null(strstr(err, "lantern-no-such-chip"));
}

/* Polls `b` every `step` ms from `from` to `to` (inclusive of from); the presses seen. */
static unsigned poll_span(struct lnt_button *b, int64_t from, int64_t to, int64_t step)
{
    char err[LNT_ERRBUF_SIZE] = "";
    unsigned n = 0;

    for (int64_t t = from; t < to; t += step) {
        bool pressed = true;
        assert_int_equal(lnt_button_poll(b, t, &pressed, err), LNT_OK);
        n += pressed;
    }
    return n;
}

static void test_hw__assist_press_counts_once_when_steady_for_the_debounce(void **state)
{
    struct lnt_button *b = NULL;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    assert_int_equal(lnt_button_fake_new(50, &b, err), LNT_OK);
    assert_int_equal(poll_span(b, 0, 1000, 20), 0); /* released */
    lnt_button_fake_set(b, true);
    /* Down at 1000: not yet at 1040, a press at 1060 (the first look 50 ms after). */
    assert_int_equal(poll_span(b, 1000, 1041, 20), 0);
    assert_false(lnt_button_held(b));
    assert_int_equal(poll_span(b, 1060, 1061, 20), 1);
    assert_true(lnt_button_held(b));
    assert_int_equal(lnt_button_presses(b), 1);
    lnt_button_free(b);
    lnt_button_free(NULL);
}

static void test_hw__assist_bounces_are_not_presses(void **state)
{
    struct lnt_button *b = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    unsigned n = 0;

    (void)state;
    assert_int_equal(lnt_button_fake_new(50, &b, err), LNT_OK);
    assert_int_equal(poll_span(b, 0, 100, 10), 0);
    /* Contacts chattering every 10 to 40 ms for half a second: never steady for 50. */
    for (int64_t t = 100; t < 600; t += 10) {
        lnt_button_fake_set(b, (t / 10) % 4 != 0 && (t / 10) % 7 != 0);
        n += poll_span(b, t, t + 1, 10);
    }
    assert_int_equal(n, 0);
    /* Then held: one press. */
    lnt_button_fake_set(b, true);
    assert_int_equal(poll_span(b, 600, 700, 10), 1);
    /* Released with a bounce back down for 20 ms, then up: still the one press. */
    lnt_button_fake_set(b, false);
    n = poll_span(b, 700, 730, 10);
    lnt_button_fake_set(b, true);
    n += poll_span(b, 730, 750, 10);
    lnt_button_fake_set(b, false);
    n += poll_span(b, 750, 900, 10);
    assert_int_equal(n, 0);
    assert_false(lnt_button_held(b));
    assert_int_equal(lnt_button_presses(b), 1);
    lnt_button_free(b);
}

static void test_hw__assist_long_press_is_one_press(void **state)
{
    struct lnt_button *b = NULL;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    assert_int_equal(lnt_button_fake_new(50, &b, err), LNT_OK);
    assert_int_equal(poll_span(b, 0, 100, 33), 0);
    lnt_button_fake_set(b, true);
    /* Leant on for ten seconds, looked at every frame: one press. */
    assert_int_equal(poll_span(b, 100, 10100, 33), 1);
    assert_true(lnt_button_held(b));
    lnt_button_fake_set(b, false);
    assert_int_equal(poll_span(b, 10100, 10300, 33), 0);
    /* Pressed again: the next one. */
    lnt_button_fake_set(b, true);
    assert_int_equal(poll_span(b, 10300, 10500, 33), 1);
    assert_int_equal(lnt_button_presses(b), 2);
    lnt_button_free(b);
}

static void test_hw__assist_held_at_start_up_is_not_a_press(void **state)
{
    struct lnt_button *b = NULL;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    assert_int_equal(lnt_button_fake_new(50, &b, err), LNT_OK);
    /* Wired the other way round, or a box leaning on it: reads pressed from the start. */
    lnt_button_fake_set(b, true);
    assert_int_equal(poll_span(b, 0, 5000, 33), 0);
    lnt_button_fake_set(b, false);
    assert_int_equal(poll_span(b, 5000, 5200, 33), 0);
    lnt_button_fake_set(b, true);
    assert_int_equal(poll_span(b, 5200, 5400, 33), 1);
    lnt_button_free(b);
}

static void test_hw__missing_assist_button_chip_is_a_clear_error(void **state)
{
    struct lnt_button *b = (struct lnt_button *)1;
    struct lnt_button_config c = {"lantern-no-such-chip", 22, true, 50};
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    assert_int_equal(lnt_button_open(&c, &b, err), LNT_ERR_IO);
    assert_null(b);
    assert_non_null(strstr(err, "assist button"));
    assert_non_null(strstr(err, "lantern-no-such-chip"));
    assert_false(lnt_button_fake_is(NULL));
}

static void test_hw__fake_watchdog_counts_and_paces_pings(void **state)
{
    struct lnt_watchdog *w = NULL;

    (void)state;
    assert_int_equal(lnt_watchdog_fake_new(&w, NULL), LNT_OK);
    lnt_watchdog_ready(w);
    lnt_watchdog_ping(w, 0);
    lnt_watchdog_ping(w, 500);
    lnt_watchdog_ping(w, 1000);
    lnt_watchdog_stopping(w);
    assert_int_equal(lnt_watchdog_fake_count(w, LNT_WD_READY), 1);
    assert_int_equal(lnt_watchdog_fake_count(w, LNT_WD_PING), 2);
    assert_int_equal(lnt_watchdog_fake_count(w, LNT_WD_STOPPING), 1);
    lnt_watchdog_free(w);
}

/* Next datagram on `fd` into `buf`, "" after 200 ms of silence. */
static void receive(int fd, char *buf, size_t size)
{
    ssize_t n = recv(fd, buf, size - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
}

static void test_hw__systemd_watchdog_over_a_notify_socket(void **state)
{
    char *dir = lnt_test_tmpdir();
    char *path = lnt_test_path(dir, "notify");
    struct sockaddr_un a;
    struct timeval tv = {0, 200000};
    struct lnt_watchdog *w = NULL;
    char pid[16], msg[128];
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

    (void)state;
    assert_true(fd >= 0);
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    assert_true(strlen(path) < sizeof a.sun_path);
    memcpy(a.sun_path, path, strlen(path) + 1);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    /* Under a unit with WatchdogSec=2: pings every second. */
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    setenv("NOTIFY_SOCKET", path, 1);
    setenv("WATCHDOG_USEC", "2000000", 1);
    setenv("WATCHDOG_PID", pid, 1);
    assert_int_equal(lnt_watchdog_systemd_new(&w, NULL), LNT_OK);
    lnt_watchdog_ready(w);
    receive(fd, msg, sizeof msg);
    assert_string_equal(msg, "READY=1");
    lnt_watchdog_ping(w, 10000);
    receive(fd, msg, sizeof msg);
    assert_string_equal(msg, "WATCHDOG=1");
    lnt_watchdog_ping(w, 10500);
    receive(fd, msg, sizeof msg);
    assert_string_equal(msg, ""); /* too soon */
    lnt_watchdog_ping(w, 11000);
    receive(fd, msg, sizeof msg);
    assert_string_equal(msg, "WATCHDOG=1");
    lnt_watchdog_stopping(w);
    receive(fd, msg, sizeof msg);
    assert_string_equal(msg, "STOPPING=1");
    lnt_watchdog_free(w);

    /* Not under systemd: nothing is sent, nothing fails. */
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    assert_int_equal(lnt_watchdog_systemd_new(&w, NULL), LNT_OK);
    lnt_watchdog_ready(w);
    lnt_watchdog_ping(w, 0);
    receive(fd, msg, sizeof msg);
    assert_string_equal(msg, "");
    lnt_watchdog_free(w);

    close(fd);
    lnt_test_rmrf(dir);
    free(path);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hw__missing_camera_says_which_and_what_to_check),
        cmocka_unit_test(test_hw__a_file_that_is_no_camera_is_refused),
        cmocka_unit_test(test_hw__fake_gpio_remembers_the_lines),
        cmocka_unit_test(test_hw__missing_gpio_chip_is_a_clear_error),
        cmocka_unit_test(test_hw__assist_press_counts_once_when_steady_for_the_debounce),
        cmocka_unit_test(test_hw__assist_bounces_are_not_presses),
        cmocka_unit_test(test_hw__assist_long_press_is_one_press),
        cmocka_unit_test(test_hw__assist_held_at_start_up_is_not_a_press),
        cmocka_unit_test(test_hw__missing_assist_button_chip_is_a_clear_error),
        cmocka_unit_test(test_hw__fake_watchdog_counts_and_paces_pings),
        cmocka_unit_test(test_hw__systemd_watchdog_over_a_notify_socket),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
