/* test_lanternd_opts.c - lanternd's settings: the defaults, a configuration file, the command
 * line over it, and what a bad line or option says. */
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
    conf = lnt_test_path(dir, "lanternd.conf");
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
static int parse(const char *const *args, struct options *o, char *err)
{
    static char copies[32][512]; /* getopt_long wants char *; the strings outlive the parse */
    char *argv[32];
    int argc = 0;

    snprintf(copies[0], sizeof copies[0], "lanternd");
    argv[argc++] = copies[0];
    for (; *args != NULL; args++, argc++) {
        snprintf(copies[argc], sizeof copies[argc], "%s", *args);
        argv[argc] = copies[argc];
    }
    argv[argc] = NULL;
    return lnt_lanternd_opts_parse(argc, argv, o, err);
}

static void test_lanternd_opts__every_setting_comes_from_the_file(void **state)
{
    const char *args[] = {"--config", conf, NULL};
    struct options o;
    char err[LNT_ERRBUF_SIZE];
    (void)state;

    write_conf("# the county's server\n"
               "db = /srv/lantern/town.db\n"
               "keys = /srv/lantern/town.keys\n"
               "listen = 0.0.0.0:8443\n"
               "threads = 12\n"
               "tls-cert = /etc/lantern/cert.pem\n"
               "tls-key = /etc/lantern/key.pem\n"
               "insecure-http = true\n"
               "trusted-proxy = 10.0.0.5, 10.0.0.6\n"
               "alert-interval = 120\n"
               "alert-silent-minutes = 45\n"
               "smtp-url = smtps://smtp.example.gov.uk:465\n"
               "smtp-from = lantern@example.gov.uk\n"
               "smtp-user = lantern\n"
               "smtp-password-file = /etc/lantern/smtp-password\n"
               "public-url = https://lantern.example.gov.uk\n"
               "notify-interval = 90\n"
               "alert-digest-after = 7\n"
               "alert-digest-minutes = 20\n");
    assert_int_equal(parse(args, &o, err), 0);
    assert_string_equal(o.db, "/srv/lantern/town.db");
    assert_string_equal(o.keys, "/srv/lantern/town.keys");
    assert_string_equal(o.listen, "0.0.0.0:8443");
    assert_int_equal(o.threads, 12);
    assert_string_equal(o.tls_cert, "/etc/lantern/cert.pem");
    assert_string_equal(o.tls_key, "/etc/lantern/key.pem");
    assert_true(o.insecure_http);
    assert_string_equal(o.trusted_proxies, "10.0.0.5, 10.0.0.6");
    assert_int_equal(o.alert_interval, 120);
    assert_int_equal(o.alert_silent_minutes, 45);
    assert_string_equal(o.notify.smtp_url, "smtps://smtp.example.gov.uk:465");
    assert_string_equal(o.notify.smtp_from, "lantern@example.gov.uk");
    assert_string_equal(o.notify.smtp_user, "lantern");
    assert_string_equal(o.smtp_password_file, "/etc/lantern/smtp-password");
    assert_string_equal(o.notify.public_url, "https://lantern.example.gov.uk");
    assert_int_equal(o.notify_interval_s, 90);
    assert_int_equal(o.notify.policy.digest_after, 7);
    assert_int_equal(o.notify.policy.window_s, 20 * 60);
    lnt_lanternd_opts_release(&o);
}

static void test_lanternd_opts__the_command_line_wins_whichever_side_of_config(void **state)
{
    const char *args[] = {"--threads", "3", "--config", conf, "--listen=127.0.0.1:9000", NULL};
    struct options o;
    char err[LNT_ERRBUF_SIZE];
    (void)state;

    write_conf("threads = 12\nlisten = 0.0.0.0:8443\ndb = /srv/town.db\ninsecure-http = false\n");
    assert_int_equal(parse(args, &o, err), 0);
    assert_int_equal(o.threads, 3);
    assert_string_equal(o.listen, "127.0.0.1:9000");
    assert_string_equal(o.db, "/srv/town.db"); /* not on the command line: the file's */
    assert_false(o.insecure_http);
    lnt_lanternd_opts_release(&o);
}

static void test_lanternd_opts__a_value_that_looks_like_config_is_not_read_as_it(void **state)
{
    const char *args[] = {"--db", "--config", NULL};
    struct options o;
    char err[LNT_ERRBUF_SIZE];
    (void)state;

    /* "--config" here is the database's (odd) name, and no file is named */
    assert_int_equal(parse(args, &o, err), 0);
    assert_string_equal(o.db, "--config");
    lnt_lanternd_opts_release(&o);
}

/* The file holding `text` is refused with exactly "CONF:`message`". */
static void refused(const char *text, const char *message)
{
    const char *args[] = {"--config", conf, NULL};
    struct options o;
    char err[LNT_ERRBUF_SIZE], want[LNT_ERRBUF_SIZE];

    write_conf(text);
    assert_int_equal(parse(args, &o, err), LANTERND_EXIT_USAGE);
    snprintf(want, sizeof want, "%s:%s", conf, message);
    assert_string_equal(err, want);
    lnt_lanternd_opts_release(&o);
}

static void test_lanternd_opts__bad_lines_name_the_file_and_line(void **state)
{
    (void)state;
    refused("db = a.db\nport = 8080\n", "2: unknown option `port`");
    refused("threads = 0\n", "1: threads: expected a number from 1 to 256");
    refused("\n\nalert-interval = soon\n", "3: alert-interval: expected seconds from 1 to 86400");
    refused("smtp-url = http://mail\n",
            "1: smtp-url: expected smtp://HOST:PORT or smtps://HOST:PORT");
    refused("insecure-http = 1\n", "1: insecure-http = `1`: expected true or false");
    refused("help = true\n", "1: unknown option `help` (only on the command line)");
    refused("listen\n", "1: expected [section] or key = value");
    refused("[lanternd]\nthreads = 4\n",
            "2: [lanternd]: expected `option = value` lines, without sections");
}

static void test_lanternd_opts__a_bad_command_line_value_names_the_option(void **state)
{
    const char *args[] = {"--config", conf, "--threads", "many", NULL};
    struct options o;
    char err[LNT_ERRBUF_SIZE];
    (void)state;

    write_conf("threads = 4\n");
    assert_int_equal(parse(args, &o, err), LANTERND_EXIT_USAGE);
    assert_string_equal(err, "--threads: expected a number from 1 to 256");
    lnt_lanternd_opts_release(&o);
}

static void test_lanternd_opts__a_pair_split_between_file_and_command_line_is_whole(void **state)
{
    const char *args[] = {"--config", conf, "--tls-key", "/etc/lantern/key.pem", NULL};
    const char *alone[] = {"--config", conf, NULL};
    struct options o;
    char err[LNT_ERRBUF_SIZE];
    (void)state;

    write_conf("tls-cert = /etc/lantern/cert.pem\n");
    assert_int_equal(parse(args, &o, err), 0);
    lnt_lanternd_opts_release(&o);
    assert_int_equal(parse(alone, &o, err), LANTERND_EXIT_USAGE);
    assert_string_equal(err, "--tls-cert needs --tls-key too");
    lnt_lanternd_opts_release(&o);
}

static void test_lanternd_opts__no_file_at_the_default_path_is_the_defaults(void **state)
{
    const char *args[] = {NULL};
    const char *missing[] = {"--config", "/nonexistent/lanternd.conf", NULL};
    struct options o;
    char err[LNT_ERRBUF_SIZE];
    (void)state;

    /* This machine has no /etc/lantern/lanternd.conf: the defaults stand. */
    if (access(LANTERND_CONF, F_OK) == 0)
        fail_msg("%s exists here: the defaults cannot be checked", LANTERND_CONF);
    assert_int_equal(parse(args, &o, err), 0);
    assert_string_equal(o.db, "var/lantern.db");
    assert_string_equal(o.listen, "127.0.0.1:8080");
    lnt_lanternd_opts_release(&o);
    /* a file named on the command line must be there */
    assert_int_equal(parse(missing, &o, err), LANTERND_EXIT_USAGE);
    assert_string_equal(err, "/nonexistent/lanternd.conf: No such file or directory");
    lnt_lanternd_opts_release(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lanternd_opts__every_setting_comes_from_the_file),
        cmocka_unit_test(test_lanternd_opts__the_command_line_wins_whichever_side_of_config),
        cmocka_unit_test(test_lanternd_opts__a_value_that_looks_like_config_is_not_read_as_it),
        cmocka_unit_test(test_lanternd_opts__bad_lines_name_the_file_and_line),
        cmocka_unit_test(test_lanternd_opts__a_bad_command_line_value_names_the_option),
        cmocka_unit_test(test_lanternd_opts__a_pair_split_between_file_and_command_line_is_whole),
        cmocka_unit_test(test_lanternd_opts__no_file_at_the_default_path_is_the_defaults),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
