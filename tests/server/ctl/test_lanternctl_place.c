/* test_lanternctl_place.c - `lanternctl place add|list|remove`, run as a real process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "test_lanternctl_run.h"

static void test_lanternctl_place__add_list_remove(void **state)
{
    struct ctl_fix *f = *state;
    json_t *o, *list;
    int64_t park;
    char id[24];

    ctl_init(f);
    o = ctl_json(f, "place", "add", "--name", "Castle Park", NULL);
    assert_string_equal(ctl_jstr(o, "name"), "Castle Park");
    park = ctl_jint(o, "id");
    json_decref(o);
    json_decref(ctl_json(f, "place", "add", "--name", "Taxi rank, High Street", NULL));

    list = ctl_json_lines(f, "place", "list", NULL);
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(ctl_jstr(json_array_get(list, 0), "name"), "Castle Park");
    assert_string_equal(ctl_jstr(json_array_get(list, 1), "name"), "Taxi rank, High Street");
    json_decref(list);

    /* Clear refusals: the same name again, no name, an unknown place. */
    ctl_expect_fail(f, 1, "exists already", "place", "add", "--name", "CASTLE PARK", NULL);
    ctl_expect_fail(f, 2, "--name is required", "place", "add", NULL);
    ctl_expect_fail(f, 1, "must not be empty", "place", "add", "--name", "", NULL);
    ctl_expect_fail(f, 1, "not found", "place", "remove", "--place", "999", NULL);

    snprintf(id, sizeof id, "%lld", (long long)park);
    o = ctl_json(f, "place", "remove", "--place", id, NULL);
    assert_true(json_is_true(json_object_get(o, "removed")));
    json_decref(o);
    list = ctl_json_lines(f, "place", "list", NULL);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lanternctl_place__add_list_remove, ctl_setup,
                                        ctl_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
