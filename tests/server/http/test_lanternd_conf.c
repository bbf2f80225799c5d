/* test_lanternd_conf.c - a real lanternd configured by a file (--config): it serves what the
 * file says, the command line wins over it, and a bad line stops it with the file and line. */
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
#include <curl/curl.h>

#include "support.h"

static struct {
    char *dir;
    char *db;
    char *conf;
} g;

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static size_t sink(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n;
}

/* The HTTP status of GET http://127.0.0.1:PORT/healthz (0 when nothing answers). */
static long healthz(const char *port_file)
{
    char *text = lnt_test_read_file(port_file);
    char url[64];
    long code = 0;
    CURL *c = curl_easy_init();

    assert_non_null(text);
    assert_non_null(c);
    snprintf(url, sizeof url, "http://127.0.0.1:%.*s/healthz", (int)strcspn(text, "\n"), text);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(c);
    free(text);
    return code;
}

static int setup(void **state)
{
    struct lnt_proc_result r;
    (void)state;

    g.dir = lnt_test_tmpdir();
    assert_non_null(g.dir);
    g.db = lnt_test_path(g.dir, "town.db");
    g.conf = lnt_test_path(g.dir, "lanternd.conf");
    {
        const char *argv[] = {
            lnt_test_bin("lanternctl"), "--db", g.db, "init", "--scheme", "TST", NULL};
        assert_int_equal(lnt_proc_run(argv, NULL, 60000, &r), 0);
        if (r.status != 0)
            fail_msg("lanternctl init: %s", r.err);
        lnt_proc_result_release(&r);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (getenv("LNT_KEEP_TMP") == NULL)
        lnt_test_rmrf(g.dir);
    free(g.conf);
    free(g.db);
    free(g.dir);
    return 0;
}

/* The file as an administrator writes it: comments, blank lines, a flag. */
static void write_conf(const char *port_file)
{
    char text[2048];

    snprintf(text, sizeof text,
             "# lanternd for the test town\n"
             "\n"
             "db = %s\n"
             "listen = 127.0.0.1:0\n"
             "port-file = %s\n"
             "threads = 2\n"
             "insecure-http = false\n"
             "trusted-proxy = 127.0.0.1\n",
             g.db, port_file);
    write_text(g.conf, text);
}

static void test_lanternd_conf__serves_the_database_and_address_the_file_names(void **state)
{
    char *port_file = lnt_test_path(g.dir, "port");
    char *log = lnt_test_path(g.dir, "lanternd.log");
    const char *argv[] = {lnt_test_bin("lanternd"), "--config", g.conf, NULL};
    pid_t pid;
    (void)state;

    write_conf(port_file);
    pid = lnt_proc_spawn(argv, log);
    assert_true(pid > 0);
    if (!lnt_test_wait_file(port_file, 20000)) {
        char *text = lnt_test_read_file(log);
        lnt_proc_stop(pid, SIGKILL);
        fail_msg("lanternd --config did not listen: %s", text != NULL ? text : "(no log)");
    }
    assert_int_equal(healthz(port_file), 200);
    lnt_proc_stop(pid, SIGTERM);
    free(log);
    free(port_file);
}

static void test_lanternd_conf__the_command_line_wins_over_the_file(void **state)
{
    char *in_file = lnt_test_path(g.dir, "port-from-file");
    char *given = lnt_test_path(g.dir, "port-given");
    char *log = lnt_test_path(g.dir, "lanternd.log");
    const char *argv[] = {lnt_test_bin("lanternd"), "--port-file", given, "--config", g.conf, NULL};
    pid_t pid;
    (void)state;

    write_conf(in_file);
    pid = lnt_proc_spawn(argv, log);
    assert_true(pid > 0);
    assert_true(lnt_test_wait_file(given, 20000));
    assert_int_equal(healthz(given), 200);
    assert_int_not_equal(access(in_file, F_OK), 0);
    lnt_proc_stop(pid, SIGTERM);
    free(log);
    free(given);
    free(in_file);
}

/* lanternd --config FILE with `text` in FILE: exits 2, saying `expected`, serving nothing. */
static void refused(const char *text, const char *expected)
{
    char *port_file = lnt_test_path(g.dir, "port-refused");
    char conf[4096], want[1024];
    const char *argv[] = {lnt_test_bin("lanternd"), "--config", g.conf, NULL};
    struct lnt_proc_result r;

    snprintf(conf, sizeof conf, "db = %s\nport-file = %s\n%s", g.db, port_file, text);
    write_text(g.conf, conf);
    assert_int_equal(lnt_proc_run(argv, NULL, 20000, &r), 0);
    assert_int_equal(r.status, 2);
    snprintf(want, sizeof want, "lanternd: %s:%s\n", g.conf, expected);
    if (strstr(r.err, want) == NULL)
        fail_msg("expected \"%s\" in: %s", want, r.err);
    assert_int_not_equal(access(port_file, F_OK), 0);
    lnt_proc_result_release(&r);
    free(port_file);
}

static void test_lanternd_conf__a_bad_line_stops_it_naming_file_and_line(void **state)
{
    (void)state;
    refused("colour = blue\n", "3: unknown option `colour`");
    refused("\nthreads = lots\n", "4: threads: expected a number from 1 to 256");
    refused("insecure-http = yes please\n", "3: insecure-http = `yes please`: expected true or "
                                            "false");
    refused("trusted-proxy = proxy.local\n",
            "3: trusted-proxy: trusted proxies: `proxy.local` is not an IP address");
    refused("config = /etc/other.conf\n", "3: unknown option `config` (only on the command line)");
    refused("[server]\nlisten = 127.0.0.1:0\n",
            "4: [server]: expected `option = value` lines, without sections");
    refused("keys =\n", "3: keys: expected a value after `=`");
}

static void test_lanternd_conf__a_named_file_that_is_missing_stops_it(void **state)
{
    char *missing = lnt_test_path(g.dir, "nowhere.conf");
    const char *argv[] = {lnt_test_bin("lanternd"), "--db", g.db, "--config", missing, NULL};
    struct lnt_proc_result r;
    (void)state;

    assert_int_equal(lnt_proc_run(argv, NULL, 20000, &r), 0);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, missing));
    assert_non_null(strstr(r.err, "No such file or directory"));
    lnt_proc_result_release(&r);
    free(missing);
}

/* A PostgreSQL URI's password never reaches a message: the server named is shown without it. */
static void test_lanternd_conf__a_database_password_is_never_shown(void **state)
{
    char *keys = lnt_test_path(g.dir, "lantern.keys");
    const char *uri = "postgresql://lantern:s3cret-pw@127.0.0.1:1/lantern?connect_timeout=5";
    const char *argv[] = {
        lnt_test_bin("lanternd"), "--config", "/dev/null", "--db", uri, "--keys", keys, NULL};
    struct lnt_proc_result r;
    (void)state;

    assert_int_equal(lnt_proc_run(argv, NULL, 30000, &r), 0);
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "cannot open postgresql://127.0.0.1:1/lantern"));
    assert_null(strstr(r.err, "s3cret-pw"));
    assert_null(strstr(r.out, "s3cret-pw"));
    lnt_proc_result_release(&r);
    free(keys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_lanternd_conf__serves_the_database_and_address_the_file_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lanternd_conf__the_command_line_wins_over_the_file,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_lanternd_conf__a_bad_line_stops_it_naming_file_and_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lanternd_conf__a_named_file_that_is_missing_stops_it,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_lanternd_conf__a_database_password_is_never_shown,
                                        setup, teardown),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
