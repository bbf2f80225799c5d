/* test_lanternctl_door.c - `lanternctl training require|unrequire|required` and `sia
 * set-status|clear|import|list`: the scheme's door rules from the command line, against a real
 * database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store.h"
#include "test_lanternctl_run.h"

/* The courses of `role` in a `training required` listing, comma-joined. */
static void courses_of(json_t *lines, const char *role, char *out, size_t size)
{
    json_t *o, *c;
    size_t i, k, n = 0;

    out[0] = '\0';
    json_array_foreach(lines, i, o)
    {
        if (strcmp(ctl_jstr(o, "role"), role) != 0)
            continue;
        json_array_foreach(json_object_get(o, "courses"), k, c) n +=
            (size_t)snprintf(out + n, size - n, "%s%s", k > 0 ? "," : "", json_string_value(c));
        return;
    }
    fail_msg("no line for role %s", role);
}

static void test_lanternctl_door__required_training_is_listed_changed_and_kept(void **state)
{
    struct ctl_fix *f = *state;
    char courses[128];
    json_t *lines, *o;

    ctl_init(f);
    /* a new scheme: WAVE for every role */
    lines = ctl_json_lines(f, "training", "required", NULL);
    assert_int_equal(json_array_size(lines), 4);
    courses_of(lines, "door", courses, sizeof courses);
    assert_string_equal(courses, "wave");
    courses_of(lines, "volunteer", courses, sizeof courses);
    assert_string_equal(courses, "wave");
    json_decref(lines);

    o = ctl_json(f, "training", "require", "--role", "door", "--course", "first-aid", NULL);
    assert_string_equal(ctl_jstr(o, "role"), "door");
    assert_int_equal(json_array_size(json_object_get(o, "courses")), 2);
    json_decref(o);
    json_decref(ctl_json(f, "training", "unrequire", "--role", "bar", "--course", "wave", NULL));

    lines = ctl_json_lines(f, "training", "required", NULL);
    courses_of(lines, "door", courses, sizeof courses);
    assert_string_equal(courses, "wave,first-aid");
    courses_of(lines, "bar", courses, sizeof courses);
    assert_string_equal(courses, "");
    courses_of(lines, "manager", courses, sizeof courses);
    assert_string_equal(courses, "wave");
    json_decref(lines);
}

static void test_lanternctl_door__bad_roles_and_courses_are_named(void **state)
{
    struct ctl_fix *f = *state;

    ctl_init(f);
    ctl_expect_fail(f, 1, "--role: expected door, bar, manager or volunteer, got 'doorman'",
                    "training", "require", "--role", "doorman", "--course", "wave", NULL);
    ctl_expect_fail(f, 1, "--course: expected bystander, wave", "training", "require", "--role",
                    "door", "--course", "WAVE", NULL);
    ctl_expect_fail(f, 2, "--course is required", "training", "unrequire", "--role", "door", NULL);
}

static void test_lanternctl_door__sia_status_is_set_listed_and_checked(void **state)
{
    struct ctl_fix *f = *state;
    json_t *o, *lines;

    ctl_init(f);
    o = ctl_json(f, "sia", "set-status", "1234567812345678", "--status", "suspended", "--from",
                 "2026-11-01", NULL);
    assert_string_equal(ctl_jstr(o, "number"), "1234567812345678");
    assert_string_equal(ctl_jstr(o, "status"), "suspended");
    assert_string_equal(ctl_jstr(o, "from"), "2026-11-01");
    json_decref(o);
    /* a later word joins the earlier one, which still holds for its days; --number works as
       well as the bare NUMBER */
    json_decref(ctl_json(f, "sia", "set-status", "--number", "1234567812345678", "--status",
                         "revoked", "--from", "2026-11-10", NULL));
    lines = ctl_json_lines(f, "sia", "list", NULL);
    assert_int_equal(json_array_size(lines), 2);
    assert_string_equal(ctl_jstr(json_array_get(lines, 0), "status"), "suspended");
    assert_string_equal(ctl_jstr(json_array_get(lines, 0), "from"), "2026-11-01");
    assert_string_equal(ctl_jstr(json_array_get(lines, 1), "status"), "revoked");
    assert_string_equal(ctl_jstr(json_array_get(lines, 1), "from"), "2026-11-10");
    json_decref(lines);

    ctl_expect_fail(f, 1, "16 digits", "sia", "set-status", "12345", "--status", "suspended", NULL);
    ctl_expect_fail(f, 1, "--status: expected suspended, revoked or valid, got 'lapsed'", "sia",
                    "set-status", "1234567812345678", "--status", "lapsed", NULL);
    ctl_expect_fail(f, 1, "--from", "sia", "set-status", "1234567812345678", "--status",
                    "suspended", "--from", "2026-13-01", NULL);
    ctl_expect_fail(f, 2, "NUMBER is required", "sia", "set-status", "--status", "valid", NULL);
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
}

static void test_lanternctl_door__sia_import_names_bad_rows_and_keeps_the_good(void **state)
{
    struct ctl_fix *f = *state;
    char *path = ctl_path(f, "sia.csv"), *again = ctl_path(f, "again.csv");
    struct ctl_run r;
    json_t *o, *lines;

    ctl_init(f);
    write_text(path, "number,status,from,note\r\n"
                     "1111 2222 3333 4444,Suspended,2026-11-01,\"SIA letter, ref 12\"\r\n"
                     "12345,revoked,2026-11-02\r\n"
                     "5555666677778888,lapsed,2026-11-02\r\n"
                     "\r\n"
                     "5555666677778888,revoked,2026-02-30\r\n"
                     "9999888877776666,revoked,2026-11-03\r\n"
                     "9999888877776666,valid\r\n");
    ctl_exec(f, true, NULL, &r, "sia", "import", path, NULL);
    /* the good rows are in; each bad one is named by its line, and the exit says so */
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "line 3: an SIA licence number is 16 digits, got '12345'"));
    assert_non_null(strstr(r.err, "line 4: status: expected valid, suspended or revoked"));
    assert_non_null(strstr(r.err, "line 6: from: expected a date YYYY-MM-DD, got '2026-02-30'"));
    assert_non_null(strstr(r.err, "line 8: expected 3 or 4 fields"));
    assert_non_null(strstr(r.err, "4 bad rows not imported"));
    assert_null(strstr(r.err, "line 2:"));
    o = json_loads(r.out, 0, NULL);
    assert_non_null(o);
    assert_int_equal(ctl_jint(o, "rows"), 2);
    assert_int_equal(ctl_jint(o, "changed"), 2);
    assert_int_equal(ctl_jint(o, "bad"), 4);
    json_decref(o);
    ctl_run_release(&r);

    lines = ctl_json_lines(f, "sia", "list", NULL);
    assert_int_equal(json_array_size(lines), 2);
    assert_string_equal(ctl_jstr(json_array_get(lines, 0), "number"), "1111222233334444");
    assert_string_equal(ctl_jstr(json_array_get(lines, 0), "status"), "suspended");
    assert_string_equal(ctl_jstr(json_array_get(lines, 0), "note"), "SIA letter, ref 12");
    assert_non_null(strstr(ctl_jstr(json_array_get(lines, 0), "set_by"), "lanternctl"));
    json_decref(lines);

    /* the same good rows again change nothing */
    write_text(again, "1111222233334444,suspended,2026-11-01,\"SIA letter, ref 12\"\n"
                      "9999888877776666,revoked,2026-11-03\n");
    o = ctl_json(f, "sia", "import", again, NULL);
    assert_int_equal(ctl_jint(o, "rows"), 2);
    assert_int_equal(ctl_jint(o, "changed"), 0);
    json_decref(o);

    /* each change and each listing is in the audit log */
    lines = ctl_json_lines(f, "audit", "list", "--action", "sia.", NULL);
    {
        size_t set = 0, read = 0, i;
        json_t *a;
        json_array_foreach(lines, i, a)
        {
            set += strcmp(ctl_jstr(a, "action"), "sia.set-status") == 0;
            read += strcmp(ctl_jstr(a, "action"), "sia.read") == 0;
            assert_non_null(strstr(ctl_jstr(a, "actor"), "lanternctl"));
        }
        assert_int_equal(set, 2);
        assert_int_equal(read, 1);
    }
    json_decref(lines);

    ctl_expect_fail(f, 1, "nope.csv", "sia", "import", "nope.csv", NULL);
    ctl_expect_fail(f, 2, "FILE.csv is required", "sia", "import", NULL);
    free(path);
    free(again);
}

static void test_lanternctl_door__sia_clear_takes_back_a_status(void **state)
{
    struct ctl_fix *f = *state;
    json_t *lines;

    ctl_init(f);
    json_decref(ctl_json(f, "sia", "set-status", "1234567812345678", "--status", "suspended",
                         "--from", "2026-11-01", "--note", "wrong licence", NULL));
    json_decref(ctl_json(f, "sia", "set-status", "1234567812345678", "--status", "valid", "--from",
                         "2026-11-20", NULL));
    json_decref(ctl_json(f, "sia", "clear", "1234567812345678", "--from", "2026-11-01", NULL));
    lines = ctl_json_lines(f, "sia", "list", NULL);
    assert_int_equal(json_array_size(lines), 1);
    assert_string_equal(ctl_jstr(json_array_get(lines, 0), "status"), "valid");
    json_decref(lines);
    ctl_expect_fail(f, 1, "has no status from 2026-11-01", "sia", "clear", "1234567812345678",
                    "--from", "2026-11-01", NULL);
    json_decref(ctl_json(f, "sia", "clear", "1234567812345678", NULL));
    lines = ctl_json_lines(f, "sia", "list", NULL);
    assert_int_equal(json_array_size(lines), 0);
    json_decref(lines);
    ctl_expect_fail(f, 1, "is not listed", "sia", "clear", "1234567812345678", NULL);
    ctl_expect_fail(f, 1, "16 digits", "sia", "clear", "1234", NULL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, ctl_setup, ctl_teardown)
    const struct CMUnitTest tests[] = {
        T(test_lanternctl_door__required_training_is_listed_changed_and_kept),
        T(test_lanternctl_door__bad_roles_and_courses_are_named),
        T(test_lanternctl_door__sia_status_is_set_listed_and_checked),
        T(test_lanternctl_door__sia_import_names_bad_rows_and_keeps_the_good),
        T(test_lanternctl_door__sia_clear_takes_back_a_status),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
