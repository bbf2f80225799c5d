/* test_kiosk_opts.c - lantern-kiosk's settings: a configuration file, the command line over
 * it, and what a bad line says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "opts.h"
#include "support.h"

static char *dir, *conf;

static int setup(void **state)
{
    (void)state;
    dir = lnt_test_tmpdir();
    conf = lnt_test_path(dir, "kiosk.conf");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lnt_test_rmrf(dir);
    free(conf);
    free(dir);
    return 0;
}

static void write_conf(const char *text)
{
    FILE *f = fopen(conf, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Parses `args` (NULL-terminated, after the program name) into *o; the status, `err` why. */
static int parse(const char *const *args, struct opts *o, char *err)
{
    static char copies[32][512]; /* the parse wants char *; the strings outlive it */
    char *argv[32];
    int argc = 0;

    snprintf(copies[0], sizeof copies[0], "lantern-kiosk");
    argv[argc++] = copies[0];
    for (; *args != NULL; args++, argc++) {
        snprintf(copies[argc], sizeof copies[argc], "%s", *args);
        argv[argc] = copies[argc];
    }
    argv[argc] = NULL;
    return lnt_kiosk_opts_parse(argc, argv, o, err);
}

static void test_kiosk_opts__every_setting_comes_from_the_file(void **state)
{
    const char *args[] = {"--config", conf, NULL};
    struct opts o;
    char err[LNT_ERRBUF_SIZE];
    (void)state;

    write_conf("# the kiosk at The Crown's staff door\n"
               "data = /data/lantern\n"
               "server = https://lantern.example.gov.uk\n"
               "enroll = ABCD-EFGH-JKLM\n"
               "ca = /etc/lantern/scheme-ca.pem\n"
               "camera = /dev/video0\n"
               "fullscreen = true\n"
               "headless = false\n"
               "size = 1024x600\n"
               "idle = 90\n"
               "gpio-chip = gpiochip0\n"
               "gpio-lines = 5,6\n"
               "replay = /srv/night.txt\n"
               "screenshot = /tmp/last.png\n"
               "timeout = 120\n");
    assert_int_equal(parse(args, &o, err), 0);
    assert_string_equal(o.data, "/data/lantern");
    assert_string_equal(o.server, "https://lantern.example.gov.uk");
    assert_string_equal(o.enroll, "ABCD-EFGH-JKLM");
    assert_string_equal(o.ca, "/etc/lantern/scheme-ca.pem");
    assert_string_equal(o.camera, "/dev/video0");
    assert_true(o.fullscreen);
    assert_false(o.headless);
    assert_int_equal(o.width, 1024);
    assert_int_equal(o.height, 600);
    assert_int_equal(o.idle_s, 90);
    assert_string_equal(o.gpio_chip, "gpiochip0");
    assert_int_equal(o.led_line, 5);
    assert_int_equal(o.buzzer_line, 6);
    assert_string_equal(o.replay, "/srv/night.txt");
    assert_string_equal(o.screenshot, "/tmp/last.png");
    assert_int_equal(o.timeout_s, 120);
    assert_true(o.timeout_given);
    lnt_kiosk_opts_release(&o);
}

static void test_kiosk_opts__the_command_line_wins_over_the_file(void **state)
{
    const char *args[] = {"--data",       "/tmp/trial", "--config",   conf,
                          "--gpio-lines", "22,23",      "--headless", NULL};
    struct opts o;
    char err[LNT_ERRBUF_SIZE];
    (void)state;

    write_conf("data = /data/lantern\ngpio-lines = 17,27\nidle = 30\n");
    assert_int_equal(parse(args, &o, err), 0);
    assert_string_equal(o.data, "/tmp/trial");
    assert_int_equal(o.led_line, 22);
    assert_int_equal(o.buzzer_line, 23);
    assert_int_equal(o.idle_s, 30); /* not on the command line: the file's */
    assert_true(o.headless);
    lnt_kiosk_opts_release(&o);
}

/* The file holding `text` is refused with exactly "CONF:`message`". */
static void refused(const char *text, const char *message)
{
    const char *args[] = {"--config", conf, NULL};
    struct opts o;
    char err[LNT_ERRBUF_SIZE], want[LNT_ERRBUF_SIZE];

    write_conf(text);
    assert_int_equal(parse(args, &o, err), -1);
    snprintf(want, sizeof want, "%s:%s", conf, message);
    assert_string_equal(err, want);
    lnt_kiosk_opts_release(&o);
}

static void test_kiosk_opts__bad_lines_name_the_file_and_line(void **state)
{
    (void)state;
    refused("data = /data/lantern\nled = 17\n", "2: unknown option `led`");
    refused("data = /d\ngpio-lines = 17\n",
            "2: gpio-lines `17`: expected LED,BUZZER line offsets, e.g. 17,27");
    refused("size = 1024\n", "1: size `1024`: expected WIDTHxHEIGHT, e.g. 1024x600");
    refused("idle = 2\n", "1: idle `2`: expected whole seconds, 5 to 3600");
    refused("fullscreen = on\n", "1: fullscreen = `on`: expected true or false");
    refused("config = /etc/lantern/other.conf\n",
            "1: unknown option `config` (only on the command line)");
    refused("camera =\n", "1: camera: expected a value after `=`");
}

static void test_kiosk_opts__data_is_still_required_from_one_or_the_other(void **state)
{
    const char *args[] = {"--config", conf, NULL};
    const char *given[] = {"--config", conf, "--data", "/tmp/k", NULL};
    struct opts o;
    char err[LNT_ERRBUF_SIZE];
    (void)state;

    write_conf("camera = /dev/video0\n");
    assert_int_equal(parse(args, &o, err), -1);
    assert_string_equal(err, "--data DIR is required (see --help)");
    lnt_kiosk_opts_release(&o);
    assert_int_equal(parse(given, &o, err), 0);
    lnt_kiosk_opts_release(&o);
}

static void test_kiosk_opts__a_named_file_must_exist_the_default_need_not(void **state)
{
    const char *missing[] = {"--config", "/nonexistent/kiosk.conf", "--data", "/tmp/k", NULL};
    const char *plain[] = {"--data", "/tmp/k", NULL};
    struct opts o;
    char err[LNT_ERRBUF_SIZE];
    (void)state;

    assert_int_equal(parse(missing, &o, err), -1);
    assert_string_equal(err, "/nonexistent/kiosk.conf: No such file or directory");
    lnt_kiosk_opts_release(&o);
    if (access(KIOSK_CONF, F_OK) == 0)
        fail_msg("%s exists here: the defaults cannot be checked", KIOSK_CONF);
    assert_int_equal(parse(plain, &o, err), 0);
    assert_int_equal(o.led_line, 17);
    assert_int_equal(o.buzzer_line, 27);
    assert_int_equal(o.width, 800);
    lnt_kiosk_opts_release(&o);
}

static void
test_kiosk_opts__camera_and_assist_button_from_the_file_and_the_command_line(void **state)
{
    const char *args[] = {
        "--config", conf, "--camera-focus", "auto", "--camera-gain", "75", "--assist-active",
        "high",     NULL};
    const char *plain[] = {"--data", "/tmp/k", NULL};
    struct opts o;
    char err[LNT_ERRBUF_SIZE];
    (void)state;

    /* The defaults: 720p, auto exposure preferring light, continuous focus, no button. */
    assert_int_equal(parse(plain, &o, err), 0);
    assert_int_equal(o.cam.width, 1280);
    assert_int_equal(o.cam.height, 720);
    assert_int_equal(o.cam.exposure, LNT_CAM_EXPOSURE_AUTO);
    assert_int_equal(o.cam.priority, LNT_CAM_PRIORITY_LIGHT);
    assert_int_equal(o.cam.bias_mev, 0);
    assert_int_equal(o.cam.exposure_us, 20000);
    assert_int_equal(o.cam.gain_pct, LNT_CAM_DEFAULT);
    assert_int_equal(o.cam.focus_pct, LNT_CAM_DEFAULT);
    assert_false(o.assist_set);
    assert_true(o.assist_active_low);
    assert_int_equal(o.assist_debounce_ms, 50);
    lnt_kiosk_opts_release(&o);

    write_conf("data = /data/lantern\n"
               "camera-size = 640x480\n"
               "camera-exposure = manual\n"
               "camera-exposure-bias = -1.5\n"
               "camera-exposure-priority = frame-rate\n"
               "camera-exposure-time = 33.3\n"
               "camera-gain = 40\n"
               "camera-focus = 85\n"
               "gpio-chip = gpiochip0\n"
               "assist-line = 22\n"
               "assist-chip = gpiochip4\n"
               "assist-active = low\n"
               "assist-debounce = 80\n");
    assert_int_equal(parse(args, &o, err), 0);
    assert_int_equal(o.cam.width, 640);
    assert_int_equal(o.cam.height, 480);
    assert_int_equal(o.cam.exposure, LNT_CAM_EXPOSURE_MANUAL);
    assert_int_equal(o.cam.bias_mev, -1500);
    assert_int_equal(o.cam.priority, LNT_CAM_PRIORITY_FRAME_RATE);
    assert_int_equal(o.cam.exposure_us, 33300);
    assert_int_equal(o.cam.gain_pct, 75);               /* the command line's */
    assert_int_equal(o.cam.focus_pct, LNT_CAM_DEFAULT); /* --camera-focus auto */
    assert_true(o.assist_set);
    assert_int_equal(o.assist_line, 22);
    assert_string_equal(o.assist_chip, "gpiochip4");
    assert_false(o.assist_active_low); /* --assist-active high */
    assert_int_equal(o.assist_debounce_ms, 80);
    lnt_kiosk_opts_release(&o);
}

static void test_kiosk_opts__bad_camera_and_assist_values_say_what_is_expected(void **state)
{
    const char *no_chip[] = {"--data", "/tmp/k", "--assist-line", "22", NULL};
    struct opts o;
    char err[LNT_ERRBUF_SIZE];
    (void)state;

    refused("camera-size = 1280\n", "1: camera-size `1280`: expected WIDTHxHEIGHT, e.g. 1280x720");
    refused("camera-exposure = aperture\n", "1: camera-exposure `aperture`: expected auto or "
                                            "manual");
    refused("camera-exposure-bias = 5\n",
            "1: camera-exposure-bias `5`: expected EV from -4 to 4, e.g. 0.7");
    refused("camera-exposure-bias = 0.0001\n",
            "1: camera-exposure-bias `0.0001`: expected EV from -4 to 4, e.g. 0.7");
    refused("camera-exposure-bias = +\n",
            "1: camera-exposure-bias `+`: expected EV from -4 to 4, e.g. 0.7");
    refused("camera-exposure-priority = speed\n",
            "1: camera-exposure-priority `speed`: expected light or frame-rate");
    refused("camera-exposure-time = 0.05\n",
            "1: camera-exposure-time `0.05`: expected milliseconds from 0.1 to 1000, e.g. 20");
    refused("camera-exposure-time = 20ms\n",
            "1: camera-exposure-time `20ms`: expected milliseconds from 0.1 to 1000, e.g. 20");
    refused("camera-gain = 101\n",
            "1: camera-gain `101`: expected a percentage, 0 to 100, or default");
    refused("camera-focus = near\n",
            "1: camera-focus `near`: expected auto, or a percentage, 0 to 100 (100 the closest)");
    refused("assist-line = -1\n", "1: assist-line `-1`: expected a GPIO line offset, 0 to 1023");
    refused("assist-active = yes\n", "1: assist-active `yes`: expected low or high");
    refused("assist-debounce = 0\n", "1: assist-debounce `0`: expected milliseconds, 1 to 1000");

    /* A button needs a chip to be on. */
    assert_int_equal(parse(no_chip, &o, err), -1);
    assert_string_equal(err, "--assist-line needs --assist-chip or --gpio-chip");
    lnt_kiosk_opts_release(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kiosk_opts__every_setting_comes_from_the_file),
        cmocka_unit_test(test_kiosk_opts__the_command_line_wins_over_the_file),
        cmocka_unit_test(test_kiosk_opts__bad_lines_name_the_file_and_line),
        cmocka_unit_test(test_kiosk_opts__data_is_still_required_from_one_or_the_other),
        cmocka_unit_test(test_kiosk_opts__a_named_file_must_exist_the_default_need_not),
        cmocka_unit_test(
            test_kiosk_opts__camera_and_assist_button_from_the_file_and_the_command_line),
        cmocka_unit_test(test_kiosk_opts__bad_camera_and_assist_values_say_what_is_expected),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
