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
        cmocka_unit_test(test_hw__fake_watchdog_counts_and_paces_pings),
        cmocka_unit_test(test_hw__systemd_watchdog_over_a_notify_socket),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
