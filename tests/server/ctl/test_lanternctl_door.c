/* test_lanternctl_door.c - `lanternctl training require|unrequire|required` and `sia
 * set-status|list`: the scheme's door rules from the command line, against a real database. */
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
    /* the latest word stands; --number works as well as the bare NUMBER */
    json_decref(ctl_json(f, "sia", "set-status", "--number", "1234567812345678", "--status",
                         "revoked", "--from", "2026-11-10", NULL));
    lines = ctl_json_lines(f, "sia", "list", NULL);
    assert_int_equal(json_array_size(lines), 1);
    assert_string_equal(ctl_jstr(json_array_get(lines, 0), "status"), "revoked");
    assert_string_equal(ctl_jstr(json_array_get(lines, 0), "from"), "2026-11-10");
    json_decref(lines);

    ctl_expect_fail(f, 1, "16 digits", "sia", "set-status", "12345", "--status", "suspended", NULL);
    ctl_expect_fail(f, 1, "--status: expected suspended, revoked or valid, got 'lapsed'", "sia",
                    "set-status", "1234567812345678", "--status", "lapsed", NULL);
    ctl_expect_fail(f, 1, "--from", "sia", "set-status", "1234567812345678", "--status",
                    "suspended", "--from", "2026-13-01", NULL);
    ctl_expect_fail(f, 2, "NUMBER is required", "sia", "set-status", "--status", "valid", NULL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, ctl_setup, ctl_teardown)
    const struct CMUnitTest tests[] = {
        T(test_lanternctl_door__required_training_is_listed_changed_and_kept),
        T(test_lanternctl_door__bad_roles_and_courses_are_named),
        T(test_lanternctl_door__sia_status_is_set_listed_and_checked),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
