/* test_score_ctl.c - `lanternctl score` and `lanternctl report` as an administrator runs them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"

static char *dir, *db;

/* Runs lanternctl --db DB with the NULL-terminated `args` (at most 12). */
static struct lnt_proc_result run_ctl(const char *const *args)
{
    const char *argv[16] = {lnt_test_bin("lanternctl"), "--db", db};
    struct lnt_proc_result r;
    size_t n = 3;
    for (size_t i = 0; args[i] != NULL && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    assert_int_equal(lnt_proc_run(argv, NULL, 60000, &r), 0);
    return r;
}
#define ctl(...) run_ctl((const char *const[]){__VA_ARGS__, NULL})

static int setup(void **state)
{
    struct lnt_proc_result r;
    (void)state;
    dir = lnt_test_tmpdir();
    db = lnt_test_path(dir, "l.db");
    r = ctl("init", "--scheme", "TEST");
    assert_int_equal(r.status, 0);
    lnt_proc_result_release(&r);
    /* in the scheme since before any window these tests score (it has no kiosk) */
    r = ctl("venue", "add", "--name", "The Crown", "--category", "bar", "--capacity", "200",
            "--area", "Market", "--joined", "2025-06-01");
    assert_int_equal(r.status, 0);
    lnt_proc_result_release(&r);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lnt_test_rmrf(dir);
    free(dir);
    free(db);
    return 0;
}

static void test_score_ctl__score_prints_json_and_text(void **state)
{
    struct lnt_proc_result r, r2;
    (void)state;
    r = ctl("score", "--venue", "1", "--at", "2026-03-02", "--json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"rules\":{\"bbn\":\"bbn-default-2026.2\""));
    assert_non_null(strstr(r.out, "\"window\":{\"first\":\"2025-12-02\",\"last\":\"2026-03-01\""));
    /* which kind of window the scheme's rules chose */
    assert_non_null(strstr(r.out, "\"nights\":90,\"type\":\"rolling\"}"));
    /* the same question twice: the same bytes */
    r2 = ctl("score", "--venue", "1", "--at", "2026-03-02T12:00:00Z", "--json");
    assert_string_equal(r.out, r2.out);
    lnt_proc_result_release(&r);
    lnt_proc_result_release(&r2);
    r = ctl("score", "--venue", "1", "--at", "2026-03-02");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Best Bar None: not accredited"));
    assert_non_null(strstr(r.out, "DATA QUALITY"));
    lnt_proc_result_release(&r);
}

/*
 * A venue is scored from the night it joined: with no kiosk and no date from
 * the scheme it has not joined; with ten nights it is "not yet scored"; the
 * scheme's date can be set, refused when it is no date, and cleared.
 */
static void test_score_ctl__a_venue_is_scored_from_the_night_it_joined(void **state)
{
    struct lnt_proc_result r;
    (void)state;
    r = ctl("venue", "add", "--name", "The Anchor", "--category", "pub", "--capacity", "80",
            "--area", "Quay");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "joined"));
    lnt_proc_result_release(&r);
    r = ctl("score", "--venue", "2", "--at", "2026-03-02");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Risk: not yet scored \u2014 0 nights of evidence"));
    assert_null(strstr(r.out, "Risk: red"));
    lnt_proc_result_release(&r);

    r = ctl("venue", "edit", "--venue", "2", "--joined", "2026-02-20");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "joined: Fri 20 Feb 2026")); /* for a person: the one form */
    lnt_proc_result_release(&r);
    r = ctl("score", "--venue", "2", "--at", "2026-03-02", "--json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"scored\":false"));
    assert_non_null(strstr(r.out, "\"window_nights\":10"));
    assert_non_null(strstr(r.out, "\"evidence_from\":\"2026-02-20\""));
    assert_non_null(strstr(r.out, "\"band\":\"none\""));
    lnt_proc_result_release(&r);
    r = ctl("score", "--venue", "2", "--at", "2026-03-02");
    assert_non_null(
        strstr(r.out, "not yet scored \u2014 10 nights of evidence (joined Fri 20 Feb 2026"));
    lnt_proc_result_release(&r);

    r = ctl("venue", "edit", "--venue", "2", "--joined", "2026-02-30");
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "--joined"));
    lnt_proc_result_release(&r);

    /* from the first window night on: scored, its silent nights counted */
    r = ctl("venue", "edit", "--venue", "2", "--joined", "2025-12-02");
    assert_int_equal(r.status, 0);
    lnt_proc_result_release(&r);
    r = ctl("score", "--venue", "2", "--at", "2026-03-02", "--json");
    assert_non_null(strstr(r.out, "\"scored\":true"));
    assert_non_null(strstr(r.out, "\"window_nights\":90"));
    lnt_proc_result_release(&r);

    /* cleared: back to the first kiosk's enrolment, and it has none */
    r = ctl("venue", "edit", "--venue", "2", "--joined", "enrolment");
    assert_int_equal(r.status, 0);
    lnt_proc_result_release(&r);
    r = ctl("score", "--venue", "2", "--at", "2026-03-02", "--json");
    assert_non_null(strstr(r.out, "\"window_nights\":0"));
    lnt_proc_result_release(&r);
}

static void test_score_ctl__bad_arguments_are_named(void **state)
{
    struct lnt_proc_result r;
    (void)state;
    r = ctl("score", "--at", "2026-03-02");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--venue is required"));
    lnt_proc_result_release(&r);
    r = ctl("score", "--venue", "1", "--at", "yesterday");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "--at: `yesterday`"));
    lnt_proc_result_release(&r);
    r = ctl("score", "--venue", "42");
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "venue 42"));
    lnt_proc_result_release(&r);
    r = ctl("report", "stock", "--days", "0");
    assert_int_equal(r.status, 1);
    lnt_proc_result_release(&r);
}

static void test_score_ctl__reports_answer_json(void **state)
{
    struct lnt_proc_result r;
    (void)state;
    r = ctl("--json", "report", "hotspots", "--at", "2026-03-02", "--top", "5");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"ranking\":{\"areas\":"));
    assert_non_null(strstr(r.out, "\"venue_id\":1"));
    lnt_proc_result_release(&r);
    r = ctl("report", "trends", "--from", "2026-01-01", "--to", "2026-03-31", "--json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"months\":[\"2026-01\",\"2026-02\",\"2026-03\"]"));
    lnt_proc_result_release(&r);
    r = ctl("report", "stock", "--json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"below_threshold\":true"));
    lnt_proc_result_release(&r);
    r = ctl("report", "volunteers", "--json");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "{\"months\":[]}"));
    lnt_proc_result_release(&r);
}

/*
 * A report's --to defaults to today by the London calendar: at 00:30 BST on the
 * 1st of a month (the month-turn clock) the trends already cover the new month.
 */
static void test_score_ctl__default_range_ends_with_the_london_date(void **state)
{
    struct lnt_proc_result r;
    char today[11], want[32];
    (void)state;
    lnt_test_date(0, today);
    assert_int_equal(strlen(today), 10);
    snprintf(want, sizeof want, "\"%.7s\"]", today); /* the last of the months */
    r = ctl("report", "trends", "--json");
    assert_int_equal(r.status, 0);
    if (strstr(r.out, want) == NULL)
        fail_msg("the default trends do not end with this month, %s: %.300s", want, r.out);
    lnt_proc_result_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_ctl__score_prints_json_and_text),
        cmocka_unit_test(test_score_ctl__bad_arguments_are_named),
        cmocka_unit_test(test_score_ctl__reports_answer_json),
        cmocka_unit_test(test_score_ctl__default_range_ends_with_the_london_date),
        cmocka_unit_test(test_score_ctl__a_venue_is_scored_from_the_night_it_joined),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
