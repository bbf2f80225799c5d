/* test_lanternctl_keys.c - the key file through the real programs: backups that cannot sign,
 * sealing key rotation, lanternd refusing a key file others can read or a missing one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "support.h"
#include "test_lanternctl_run.h"

#define RUN_MS 60000

/* Runs argv (NULL-terminated) and returns its result; the caller releases it. */
static struct lnt_proc_result run(const char *const *argv)
{
    struct lnt_proc_result r;

    assert_int_equal(lnt_proc_run(argv, NULL, RUN_MS, &r), 0);
    assert_false(r.timed_out);
    return r;
}

/* A venue and a door supervisor (staff 1) in an initialised scheme. */
static void town(struct ctl_fix *f)
{
    json_t *o;

    ctl_init(f);
    o = ctl_json(f, "venue", "add", "--name", "The Crown", "--category", "pub", "--capacity", "200",
                 "--area", "Centre", NULL);
    json_decref(o);
    o = ctl_json(f, "staff", "add", "--venue", "1", "--name", "Dee Okafor", "--role", "door",
                 "--sia", "1234567812345678", "--sia-expiry", "2030-03-31", NULL);
    json_decref(o);
}

static void test_lanternctl_keys__a_backup_alone_cannot_sign_a_badge(void **state)
{
    struct ctl_fix *f = *state;
    char *copy = ctl_path(f, "backup.db"), *png = ctl_path(f, "dee.png");
    char *keys = ctl_path(f, "var/keys/lantern.keys");
    struct lnt_proc_result r;
    json_t *o;

    town(f);
    o = ctl_json(f, "backup", "--to", copy, NULL);
    assert_string_equal(ctl_jstr(o, "key_file"), keys);
    assert_non_null(strstr(ctl_jstr(o, "note"), "no secret keys"));
    json_decref(o);

    {
        const char *argv[] = {f->bin,    "--db", copy,    "badge", "issue",
                              "--staff", "1",    "--png", png,     NULL};
        r = run(argv);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "cannot sign"));
        assert_non_null(strstr(r.err, "no key file"));
        assert_non_null(strstr(r.err, "keys/backup.keys"));
        assert_int_equal(access(png, F_OK), -1); /* nothing was issued */
        lnt_proc_result_release(&r);
    }
    {
        const char *argv[] = {f->bin, "--db", copy, "--json", "key", "show", NULL};
        r = run(argv);
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "\"secret_keys_held\":false"));
        lnt_proc_result_release(&r);
    }
    /* with the scheme's key file named, the copy signs */
    {
        const char *argv[] = {f->bin,  "--db",    copy, "--keys", keys, "badge",
                              "issue", "--staff", "1",  "--png",  png,  NULL};
        r = run(argv);
        if (r.status != 0)
            fail_msg("badge issue with the key file: %s", r.err);
        assert_int_equal(access(png, F_OK), 0);
        lnt_proc_result_release(&r);
    }
    free(keys);
    free(png);
    free(copy);
}

static void test_lanternctl_keys__rotate_sealing_makes_a_new_current_key(void **state)
{
    struct ctl_fix *f = *state;
    json_t *before, *rot, *after, *list;
    char old[64];

    ctl_init(f);
    before = ctl_json(f, "key", "show", NULL);
    assert_int_equal(lnt_str_copy(old, sizeof old, ctl_jstr(before, "box_public_key")), LNT_OK);
    assert_true(json_is_true(json_object_get(before, "secret_keys_held")));
    rot = ctl_json(f, "key", "rotate-sealing", NULL);
    assert_string_equal(ctl_jstr(rot, "retired_box_public_key"), old);
    assert_string_not_equal(ctl_jstr(rot, "box_public_key"), old);
    after = ctl_json(f, "key", "show", NULL);
    assert_string_equal(ctl_jstr(after, "box_public_key"), ctl_jstr(rot, "box_public_key"));
    list = json_object_get(after, "sealing_keys");
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(ctl_jstr(json_array_get(list, 0), "public_key"), old);
    assert_true(json_is_string(json_object_get(json_array_get(list, 0), "retired_at")));
    assert_true(json_is_null(json_object_get(json_array_get(list, 1), "retired_at")));
    assert_true(json_is_true(json_object_get(after, "secret_keys_held")));
    json_decref(before);
    json_decref(rot);
    json_decref(after);
}

static void test_lanternctl_keys__lanternd_refuses_a_key_file_it_cannot_trust(void **state)
{
    struct ctl_fix *f = *state;
    char *keys = ctl_path(f, "var/keys/lantern.keys"), *moved = ctl_path(f, "safe/lantern.keys");
    char *safe = ctl_path(f, "safe"), *port = ctl_path(f, "port"), *log = ctl_path(f, "d.log");
    const char *lanternd = lnt_test_bin("lanternd");
    struct lnt_proc_result r;
    pid_t pid;

    ctl_init(f);
    /* readable by the group: refused by lanternd and by every lanternctl command */
    assert_int_equal(chmod(keys, 0640), 0);
    {
        const char *argv[] = {lanternd, "--db", f->db, "--listen", "127.0.0.1:0", NULL};
        r = run(argv);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, keys));
        assert_non_null(strstr(r.err, "chmod 600"));
        lnt_proc_result_release(&r);
    }
    ctl_expect_fail(f, 1, "chmod 600", "venue", "list", NULL);
    assert_int_equal(chmod(keys, 0600), 0);

    /* no key file at all: lanternd would serve without opening details or signing */
    assert_int_equal(mkdir(safe, 0700), 0);
    assert_int_equal(rename(keys, moved), 0);
    {
        const char *argv[] = {lanternd, "--db", f->db, "--listen", "127.0.0.1:0", NULL};
        r = run(argv);
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "no key file"));
        assert_non_null(strstr(r.err, "--keys"));
        lnt_proc_result_release(&r);
    }
    /* told where it is, it starts */
    {
        const char *argv[] = {lanternd,   "--db",        f->db,         "--keys", moved,
                              "--listen", "127.0.0.1:0", "--port-file", port,     NULL};
        pid = lnt_proc_spawn(argv, log);
        assert_true(pid > 0);
        if (!lnt_test_wait_file(port, 15000))
            fail_msg("lanternd did not start: %s", lnt_test_read_file(log));
        lnt_proc_stop(pid, SIGTERM);
    }
    free(log);
    free(port);
    free(safe);
    free(moved);
    free(keys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lanternctl_keys__a_backup_alone_cannot_sign_a_badge,
                                        ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(
            test_lanternctl_keys__rotate_sealing_makes_a_new_current_key, ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(
            test_lanternctl_keys__lanternd_refuses_a_key_file_it_cannot_trust, ctl_setup,
            ctl_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
