/* test_lanternctl_officer.c - officer accounts, API tokens, findings and the audit log via
 * lanternctl. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "night.h"
#include "store.h"
#include "test_lanternctl_run.h"

#define PASSWORD "correct horse battery staple"

static void town(struct ctl_fix *f)
{
    ctl_init(f);
    json_decref(ctl_json(f, "venue", "add", "--name", "The Crown", "--category", "pub",
                         "--capacity", "300", "--area", "High Street", "--authority", "Kingsbridge",
                         NULL));
}

static void test_lanternctl_officer__add_reads_password_from_stdin(void **state)
{
    struct ctl_fix *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct lnt_officer off;
    struct ctl_run r;
    json_t *o;

    town(f);
    ctl_exec(f, true, PASSWORD "\n", &r, "officer", "add", "--email", "Olive.Ng@Example.ORG",
             "--name", "Olive Ng", "--role", "officer", "--authority", "Kingsbridge", NULL);
    assert_int_equal(r.status, 0);
    /* the password is never echoed back, anywhere */
    assert_null(strstr(r.out, "horse"));
    assert_null(strstr(r.err, "horse"));
    o = json_loads(r.out, 0, NULL);
    assert_non_null(o);
    ctl_run_release(&r);
    assert_string_equal(ctl_jstr(o, "email"), "olive.ng@example.org");
    assert_string_equal(ctl_jstr(o, "role"), "officer");
    assert_string_equal(ctl_jstr(o, "authority"), "Kingsbridge");
    assert_true(json_is_false(json_object_get(o, "disabled")));
    json_decref(o);

    /* a venue manager, password with Windows line ending */
    o = ctl_json_in(f, "manager-pass-1234\r\n", "officer", "add", "--email", "dps@crown.example",
                    "--name", "Dee", "--role", "venue", "--venue", "1", NULL);
    assert_int_equal(ctl_jint(o, "venue_id"), 1);
    json_decref(o);

    /* the stored hash accepts exactly that password */
    assert_int_equal(lnt_store_open(&s, f->db, err), LNT_OK);
    assert_int_equal(
        lnt_store_officer_verify(s, "olive.ng@example.org", PASSWORD, lnt_time_now(), &off, err),
        LNT_OK);
    assert_int_equal(lnt_store_officer_verify(s, "olive.ng@example.org", PASSWORD "x",
                                              lnt_time_now(), &off, err),
                     LNT_ERR_UNAUTHORIZED);
    assert_int_equal(lnt_store_officer_verify(s, "dps@crown.example", "manager-pass-1234",
                                              lnt_time_now(), &off, err),
                     LNT_OK);
    lnt_store_free(s);
}

static void test_lanternctl_officer__add_refuses_bad_input(void **state)
{
    struct ctl_fix *f = *state;
    json_t *l;

    town(f);
    ctl_expect_fail_in(f, "too short\n", 1, "at least 12 characters", "officer", "add", "--email",
                       "a@b.example", "--name", "A", "--role", "admin", NULL);
    ctl_expect_fail_in(f, "", 1, "no password", "officer", "add", "--email", "a@b.example",
                       "--name", "A", "--role", "admin", NULL);
    ctl_expect_fail_in(f, PASSWORD "\n", 1, "--role", "officer", "add", "--email", "a@b.example",
                       "--name", "A", "--role", "mayor", NULL);
    ctl_expect_fail_in(f, PASSWORD "\n", 1, "needs --venue", "officer", "add", "--email",
                       "a@b.example", "--name", "A", "--role", "venue", NULL);
    ctl_expect_fail_in(f, PASSWORD "\n", 1, "only for --role venue", "officer", "add", "--email",
                       "a@b.example", "--name", "A", "--role", "officer", "--venue", "1", NULL);
    ctl_expect_fail_in(f, PASSWORD "\n", 1, "one or the other", "officer", "add", "--email",
                       "a@b.example", "--name", "A", "--role", "venue", "--venue", "1",
                       "--authority", "K", NULL);
    ctl_expect_fail_in(f, PASSWORD "\n", 1, "--email", "officer", "add", "--email", "nobody",
                       "--name", "A", "--role", "admin", NULL);
    ctl_expect_fail_in(f, PASSWORD "\n", 1, "officer add", "officer", "add", "--email",
                       "a@b.example", "--name", "A", "--role", "venue", "--venue", "42", NULL);
    ctl_expect_fail(f, 2, "--email is required", "officer", "add", "--name", "A", "--role", "admin",
                    NULL);
    json_decref(ctl_json_in(f, PASSWORD "\n", "officer", "add", "--email", "a@b.example", "--name",
                            "A", "--role", "admin", NULL));
    ctl_expect_fail_in(f, PASSWORD "\n", 1, "officer add", "officer", "add", "--email",
                       "A@B.example", "--name", "Again", "--role", "admin", NULL);
    l = ctl_json_lines(f, "officer", "list", NULL);
    assert_int_equal(json_array_size(l), 1); /* nothing half-made by the failures */
    json_decref(l);
}

static void test_lanternctl_officer__list_and_disable(void **state)
{
    struct ctl_fix *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct lnt_officer off;
    json_t *o, *l;

    town(f);
    json_decref(ctl_json_in(f, PASSWORD "\n", "officer", "add", "--email", "one@x.example",
                            "--name", "One", "--role", "police", NULL));
    json_decref(ctl_json_in(f, PASSWORD "\n", "officer", "add", "--email", "two@x.example",
                            "--name", "Two", "--role", "assessor", NULL));
    l = ctl_json_lines(f, "officer", "list", NULL);
    assert_int_equal(json_array_size(l), 2);
    assert_string_equal(ctl_jstr(json_array_get(l, 1), "role"), "assessor");
    assert_string_equal(ctl_jstr(json_array_get(l, 0), "scope"), "scheme");
    json_decref(l);

    o = ctl_json(f, "officer", "disable", "--email", "ONE@x.example", NULL);
    assert_true(json_is_true(json_object_get(o, "disabled")));
    json_decref(o);
    o = ctl_json(f, "officer", "disable", "--id", "2", NULL);
    assert_true(json_is_true(json_object_get(o, "disabled")));
    json_decref(o);
    ctl_expect_fail(f, 1, "officer disable", "officer", "disable", "--id", "2", NULL);
    ctl_expect_fail(f, 1, "officer disable", "officer", "disable", "--email", "who@x.example",
                    NULL);
    ctl_expect_fail(f, 2, "exactly one of --email and --id", "officer", "disable", NULL);

    assert_int_equal(lnt_store_open(&s, f->db, err), LNT_OK);
    assert_int_equal(
        lnt_store_officer_verify(s, "one@x.example", PASSWORD, lnt_time_now(), &off, err),
        LNT_ERR_UNAUTHORIZED); /* refused like a wrong password: the right one is not confirmed */
    lnt_store_free(s);
}

static void test_lanternctl_officer__tokens(void **state)
{
    struct ctl_fix *f = *state;
    char err[LNT_ERRBUF_SIZE] = "", past[11], later[11];
    struct lnt_store *s = NULL;
    struct lnt_token tok;
    struct ctl_run r;
    json_t *o, *l;
    char *text;

    town(f);
    o = ctl_json(f, "token", "add", "--role", "officer", "--authority", "Kingsbridge", "--label",
                 "nightly report", "--expires", ctl_date(30, later), NULL);
    text = strdup(ctl_jstr(o, "token"));
    assert_true(strncmp(text, LNT_TOKEN_PREFIX, 4) == 0);
    assert_int_equal(strlen(text), LNT_TOKEN_LEN);
    assert_string_equal(ctl_jstr(o, "status"), "active");
    assert_true(lnt_str_starts(text, ctl_jstr(o, "hint")));
    json_decref(o);

    /* the token works, scoped as asked */
    assert_int_equal(lnt_store_open(&s, f->db, err), LNT_OK);
    assert_int_equal(lnt_store_token_lookup(s, text, lnt_time_now(), &tok, err), LNT_OK);
    assert_int_equal(tok.scope.role, LNT_OFFICER_OFFICER);
    assert_string_equal(tok.scope.authority, "Kingsbridge");
    lnt_store_free(s);

    /* shown once: never again in a list */
    ctl_exec(f, true, NULL, &r, "token", "list", NULL);
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.out, text));
    assert_non_null(strstr(r.out, "\"nightly report\""));
    ctl_run_release(&r);

    json_decref(ctl_json(f, "token", "add", "--role", "venue", "--venue", "1", NULL));
    o = ctl_json(f, "token", "revoke", "--id", "1", NULL);
    assert_string_equal(ctl_jstr(o, "status"), "revoked");
    json_decref(o);
    l = ctl_json_lines(f, "token", "list", NULL);
    assert_int_equal(json_array_size(l), 2);
    assert_int_equal(ctl_jint(json_array_get(l, 1), "venue_id"), 1);
    json_decref(l);
    assert_int_equal(lnt_store_open(&s, f->db, err), LNT_OK);
    assert_int_equal(lnt_store_token_lookup(s, text, lnt_time_now(), &tok, err), LNT_ERR_REVOKED);
    lnt_store_free(s);

    ctl_expect_fail(f, 1, "already revoked", "token", "revoke", "--id", "1", NULL);
    ctl_expect_fail(f, 1, "not found", "token", "revoke", "--id", "9", NULL);
    ctl_expect_fail(f, 1, "in the past", "token", "add", "--role", "police", "--expires",
                    ctl_date(-2, past), NULL);
    ctl_expect_fail(f, 2, "--role is required", "token", "add", NULL);
    free(text);
}

/*
 * A person types a token's last day, and reads the day it was made, by the
 * London calendar: at 00:30 BST (bst-end) yesterday is over in London though
 * not in UTC.
 */
static void test_lanternctl_officer__token_dates_are_london_dates(void **state)
{
    struct ctl_fix *f = *state;
    char err[LNT_ERRBUF_SIZE] = "", day[11], label[64];
    int32_t today = lnt_london_date(lnt_time_now());
    struct lnt_store *s = NULL;
    struct lnt_token tok;
    json_t *o;
    char *text;

    town(f);
    ctl_expect_fail(f, 1, "in the past", "token", "add", "--role", "police", "--expires",
                    ctl_date(-1, day), NULL);
    o = ctl_json(f, "token", "add", "--role", "police", "--expires", ctl_date(0, day), NULL);
    text = strdup(ctl_jstr(o, "token"));
    snprintf(label, sizeof label, "police token made %s", ctl_date(0, day));
    assert_string_equal(ctl_jstr(o, "label"), label);
    json_decref(o);
    /* good through the last second of today in London, not a second more */
    assert_int_equal(lnt_store_open(&s, f->db, err), LNT_OK);
    assert_int_equal(lnt_store_token_lookup(s, text, lnt_time_now(), &tok, err), LNT_OK);
    assert_int_equal(lnt_london_date(tok.expires_at - 1), today);
    assert_int_equal(lnt_london_date(tok.expires_at), today + 1);
    lnt_store_free(s);
    free(text);
}

static void test_lanternctl_officer__findings(void **state)
{
    struct ctl_fix *f = *state;
    char day[11], future[11];
    json_t *o, *l;

    town(f);
    o = ctl_json(f, "finding", "add", "--venue", "1", "--criterion", "D7", "--met", "yes",
                 "--evidence", "Hot-spot map by the bar, dated", "--assessor", "R. Patel", "--date",
                 ctl_date(-10, day), NULL);
    assert_string_equal(ctl_jstr(o, "criterion"), "D7");
    assert_true(json_is_true(json_object_get(o, "met")));
    assert_string_equal(ctl_jstr(o, "date"), day);
    assert_true(strcmp(ctl_jstr(o, "valid_until"), day) > 0); /* defaulted a year on */
    json_decref(o);
    json_decref(ctl_json(f, "finding", "add", "--venue", "1", "--criterion", "E2", "--met", "no",
                         "--evidence", "", "--assessor", "R. Patel", NULL));
    l = ctl_json_lines(f, "finding", "list", "--venue", "1", NULL);
    assert_int_equal(json_array_size(l), 2);
    json_decref(l);

    ctl_expect_fail(f, 1, "--met: expected yes or no", "finding", "add", "--venue", "1",
                    "--criterion", "D7", "--met", "maybe", "--evidence", "x", "--assessor", "R",
                    NULL);
    ctl_expect_fail(f, 1, "in the future", "finding", "add", "--venue", "1", "--criterion", "D7",
                    "--met", "yes", "--evidence", "x", "--assessor", "R", "--date",
                    ctl_date(3, future), NULL);
    ctl_expect_fail(f, 1, "finding add", "finding", "add", "--venue", "9", "--criterion", "D7",
                    "--met", "yes", "--evidence", "x", "--assessor", "R", NULL);
    ctl_expect_fail(f, 1, "finding add", "finding", "add", "--venue", "1", "--criterion",
                    "no spaces allowed", "--met", "yes", "--evidence", "x", "--assessor", "R",
                    NULL);
    ctl_expect_fail(f, 2, "--assessor is required", "finding", "add", "--venue", "1", "--criterion",
                    "D7", "--met", "yes", "--evidence", "x", NULL);
}

static void test_lanternctl_officer__audit_list(void **state)
{
    struct ctl_fix *f = *state;
    json_t *l;
    char today[11];

    town(f);
    json_decref(ctl_json_in(f, PASSWORD "\n", "officer", "add", "--email", "one@x.example",
                            "--name", "One", "--role", "police", NULL));
    json_decref(ctl_json(f, "token", "add", "--role", "police", NULL));

    l = ctl_json_lines(f, "audit", "list", NULL);
    assert_true(json_array_size(l) >= 4); /* init, venue, officer, token */
    /* newest first, each naming who did it */
    assert_string_equal(ctl_jstr(json_array_get(l, 0), "action"), "token.add");
    assert_true(lnt_str_starts(ctl_jstr(json_array_get(l, 0), "actor"), "lanternctl"));
    json_decref(l);
    l = ctl_json_lines(f, "audit", "list", "--action", "officer.", NULL);
    assert_int_equal(json_array_size(l), 1);
    assert_string_equal(ctl_jstr(json_array_get(l, 0), "object"), "one@x.example");
    json_decref(l);
    l = ctl_json_lines(f, "audit", "list", "--limit", "2", NULL);
    assert_int_equal(json_array_size(l), 2);
    json_decref(l);
    l = ctl_json_lines(f, "audit", "list", "--from", ctl_date(1, today), NULL);
    assert_int_equal(json_array_size(l), 0);
    json_decref(l);
    ctl_expect_fail(f, 1, "--limit", "audit", "list", "--limit", "0", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lanternctl_officer__add_reads_password_from_stdin,
                                        ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_officer__add_refuses_bad_input, ctl_setup,
                                        ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_officer__list_and_disable, ctl_setup,
                                        ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_officer__tokens, ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_officer__token_dates_are_london_dates,
                                        ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_officer__findings, ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_officer__audit_list, ctl_setup,
                                        ctl_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
