/* test_kiosk_args.c - lantern-kiosk's command line: sizes and GPIO lines, good and bad. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"

/* Runs lantern-kiosk --data DIR OPTION VALUE [--help]; returns the exit status, stderr in *r. */
static int kiosk(const char *option, const char *value, bool help, struct lnt_proc_result *r)
{
    char *dir = lnt_test_tmpdir();
    const char *argv[] = {lnt_test_bin("lantern-kiosk"), "--data", dir, option, value,
                          help ? "--help" : NULL,        NULL};
    int rc;

    assert_int_equal(lnt_proc_run(argv, NULL, 30000, r), 0);
    rc = r->status;
    lnt_test_rmrf(dir);
    free(dir);
    return rc;
}

/* Exit status 2, and one line naming the option, the value and what was expected. */
static void refused(const char *option, const char *value, const char *expected)
{
    struct lnt_proc_result r;
    char named[96];

    assert_int_equal(kiosk(option, value, false, &r), 2);
    snprintf(named, sizeof named, "%s `%s`: expected %s", option, value, expected);
    if (strstr(r.err, named) == NULL)
        fail_msg("expected \"%s\" in: %s", named, r.err);
    lnt_proc_result_release(&r);
}

static void test_kiosk_args__bad_sizes_are_named(void **state)
{
    (void)state;
    refused("--size", "1024", "WIDTHxHEIGHT");
    refused("--size", "159x600", "WIDTHxHEIGHT");   /* narrower than any panel */
    refused("--size", "1024x95", "WIDTHxHEIGHT");   /* lower than any panel */
    refused("--size", "1024x8193", "WIDTHxHEIGHT"); /* past the bound */
    refused("--size", "1024x600x2", "WIDTHxHEIGHT");
    refused("--size", "123456789x600", "WIDTHxHEIGHT");
    refused("--size", "x600", "WIDTHxHEIGHT");
}

static void test_kiosk_args__bad_gpio_lines_are_named(void **state)
{
    (void)state;
    refused("--gpio-lines", "17", "LED,BUZZER");
    refused("--gpio-lines", "17,1024", "LED,BUZZER");
    refused("--gpio-lines", "-1,27", "LED,BUZZER");
    refused("--gpio-lines", "17;27", "LED,BUZZER");
}

static void test_kiosk_args__good_sizes_and_lines_are_taken(void **state)
{
    static const char *const good[][2] = {{"--size", "1024x600"},
                                          {"--size", "160x96"},
                                          {"--size", "8192x8192"},
                                          {"--gpio-lines", "17,27"},
                                          {"--gpio-lines", "0,1023"}};
    (void)state;
    /* --help after a value: exit 0 only when the value before it was taken. */
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct lnt_proc_result r;
        assert_int_equal(kiosk(good[i][0], good[i][1], true, &r), 0);
        assert_non_null(strstr(r.out, "usage: lantern-kiosk"));
        lnt_proc_result_release(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kiosk_args__bad_sizes_are_named),
        cmocka_unit_test(test_kiosk_args__bad_gpio_lines_are_named),
        cmocka_unit_test(test_kiosk_args__good_sizes_and_lines_are_taken),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
