/* test_lanternctl_alert.c - `lanternctl alert subscribe|unsubscribe|list`, run as a real process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "test_lanternctl_run.h"

#define PASSWORD "a long enough password"

static void officer(struct ctl_fix *f, const char *email, const char *authority)
{
    json_decref(ctl_json_in(f, PASSWORD "\n", "officer", "add", "--email", email, "--name",
                            "An Officer", "--role", "officer", "--authority", authority, NULL));
}

static void test_lanternctl_alert__subscribe_list_unsubscribe(void **state)
{
    struct ctl_fix *f = *state;
    json_t *o, *list;
    char id[24];

    ctl_init(f);
    json_decref(ctl_json(f, "venue", "add", "--name", "The Crown", "--category", "pub",
                         "--capacity", "200", "--area", "Centre", "--authority", "Northtown",
                         NULL));
    officer(f, "pat@northtown.example", "Northtown");
    officer(f, "sam@southvale.example", "Southvale");

    o = ctl_json(f, "alert", "subscribe", "--officer", "pat@northtown.example", "--kind",
                 "serious_report", "--email", NULL);
    assert_string_equal(ctl_jstr(o, "kind"), "serious_report");
    assert_int_equal(ctl_jint(o, "venue"), 0);
    assert_true(json_is_true(json_object_get(o, "by_email")));
    snprintf(id, sizeof id, "%lld", (long long)ctl_jint(o, "id"));
    json_decref(o);
    json_decref(ctl_json(f, "alert", "subscribe", "--officer", "pat@northtown.example", "--kind",
                         "kiosk_silent", "--venue", "1", NULL));

    /* clear refusals: another authority's venue, an unknown kind, twice the same, no officer */
    ctl_expect_fail(f, 1, "outside the scope", "alert", "subscribe", "--officer",
                    "sam@southvale.example", "--kind", "kiosk_silent", "--venue", "1", NULL);
    ctl_expect_fail(f, 2, "--kind: expected", "alert", "subscribe", "--officer",
                    "pat@northtown.example", "--kind", "everything", NULL);
    ctl_expect_fail(f, 1, "already subscribed", "alert", "subscribe", "--officer",
                    "pat@northtown.example", "--kind", "serious_report", NULL);
    ctl_expect_fail(f, 1, "no account", "alert", "subscribe", "--officer", "nobody@example.org",
                    "--kind", "serious_report", NULL);

    list = ctl_json_lines(f, "alert", "list", NULL);
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(ctl_jstr(json_array_get(list, 0), "officer"), "pat@northtown.example");
    json_decref(list);

    o = ctl_json(f, "alert", "unsubscribe", "--officer", "pat@northtown.example", "--subscription",
                 id, NULL);
    assert_true(json_is_true(json_object_get(o, "ended")));
    json_decref(o);
    ctl_expect_fail(f, 1, "ended already", "alert", "unsubscribe", "--officer",
                    "pat@northtown.example", "--subscription", id, NULL);
    ctl_expect_fail(f, 1, "has no subscription", "alert", "unsubscribe", "--officer",
                    "sam@southvale.example", "--subscription", "2", NULL);
    list = ctl_json_lines(f, "alert", "list", "--officer", "pat@northtown.example", NULL);
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(ctl_jstr(json_array_get(list, 0), "kind"), "kiosk_silent");
    json_decref(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lanternctl_alert__subscribe_list_unsubscribe,
                                        ctl_setup, ctl_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
