/* test_time_controls.c - the dashboard's "as at" date and its comparison of two periods, walked
 * in real headless Chromium as an officer would, against a real lanternd. */
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
#include <jansson.h>

#include "buf.h"
#include "lanternd.h"
#include "ltime.h"
#include "night.h"
#include "support.h"
#include "town.h"
#include "browser_session.h"
#include "webdriver.h"

#define URL_MAX 512
#define AS_AT_BACK 7 /* the as-at date: a week before tonight, before The Crown's Angela case */

static struct {
    char *dir, *db;
    struct lnt_test_lanternd server;
    struct lnt_wd *wd;
    struct town town;
    int64_t now;
    char as_at[LNT_DATE_STRLEN];             /* "2026-11-28" */
    char as_at_words[LNT_LOCAL_DATE_STRLEN]; /* "Sat 28 Nov 2026" */
} g;

/* ---- the browser ---- */

static int setup(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    browser_scratch(&g.dir, &g.db, "town.db");
    g.now = lnt_time_now();
    if (town_build(g.db, g.now, &g.town, err) != LNT_OK)
        fail_msg("building the test town: %s", err);
    assert_int_equal(lnt_date_format(lnt_night_of(g.now) - AS_AT_BACK, g.as_at), LNT_OK);
    assert_int_equal(lnt_local_date_format(lnt_night_of(g.now) - AS_AT_BACK, g.as_at_words),
                     LNT_OK);
    browser_start(&g.server, &g.wd, g.dir, g.db, NULL, TOWN_PASSWORD);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    browser_stop(&g.server, &g.wd, &g.dir, &g.db);
    return 0;
}

/* ---- tests ---- */

/* A bookmarked league, filtered, sorted and as at a date, opened while signed out, comes back
 * whole after signing in. */
static void test_time_controls__login_keeps_a_bookmarked_league_as_at(void **state)
{
    char want[URL_MAX], path[URL_MAX], err[LNT_ERRBUF_SIZE] = "", banner[64];
    char *league;
    (void)state;

    snprintf(want, sizeof want, "/?area=Riverside&sort=band&at=%s", g.as_at);
    assert_int_equal(lnt_wd_delete_cookies(g.wd, err), LNT_OK);
    go(want);
    wait_path("/login", "", path, sizeof path);
    type("#email", TOWN_OFFICER);
    type("#password", TOWN_PASSWORD);
    click("#sign-in");
    assert_text_has(".who", "Sign out");
    wait_path("/?", g.as_at, path, sizeof path);
    assert_string_equal(path, want);
    snprintf(banner, sizeof banner, "As at %s", g.as_at_words);
    assert_text_has("#as-at", banner);
    league = text_when("#league", "Velvet");
    assert_null(strstr(league, "The Crown"));
    free(league);
}

/* Set the date in the header, follow links: every page stays as at that date, says so, and
 * counts nothing after it; "Back to today" leaves it. */
static void test_time_controls__as_at_persists_across_links(void **state)
{
    char path[URL_MAX], banner[64], crown[48];
    char *incidents;
    (void)state;

    browser_login(TOWN_OFFICER);
    go("/");
    assert_int_equal(count("#as-at"), 0);
    set_value("asat-date", g.as_at);
    click("#asat-show");
    wait_path("/?", g.as_at, path, sizeof path);
    snprintf(banner, sizeof banner, "As at %s", g.as_at_words);
    assert_text_has("#as-at", banner);

    /* the navigation carries it */
    click("nav a[href^='/trends']");
    wait_path("/trends", g.as_at, path, sizeof path);
    assert_text_has("h1", "Hot spots");
    assert_text_has("#as-at", banner);
    click("nav a[href^='/volunteers']");
    wait_path("/volunteers", g.as_at, path, sizeof path);
    assert_text_has("#as-at", banner);
    click("nav a[href^='/stock']");
    wait_path("/stock", g.as_at, path, sizeof path);
    assert_text_has("#as-at", banner);
    click("nav a[href^='/exports']");
    wait_path("/exports", g.as_at, path, sizeof path);
    assert_text_has("#as-at", banner);

    /* back to the league, and from its row to The Crown's case file */
    click("nav a[href^='/?']");
    wait_path("/?", g.as_at, path, sizeof path);
    snprintf(crown, sizeof crown, "#league a[href^='/venues/%lld?']", (long long)g.town.crown);
    click(crown);
    snprintf(crown, sizeof crown, "/venues/%lld?", (long long)g.town.crown);
    wait_path(crown, g.as_at, path, sizeof path);
    assert_text_has("#as-at", banner);
    /* The Crown's Ask-for-Angela case came in three nights ago: after the date, not counted */
    incidents = text_when("#incidents", "Incidents");
    assert_null(strstr(incidents, "Ask for Angela"));
    free(incidents);

    /* today again: the case is there and the banner gone */
    click("#as-at a");
    snprintf(crown, sizeof crown, "/venues/%lld", (long long)g.town.crown);
    for (int tries = 0; tries < 100; tries++) {
        current_path(path, sizeof path);
        if (strcmp(path, crown) == 0)
            break;
        usleep(100 * 1000);
    }
    assert_string_equal(path, crown);
    assert_text_has("#incidents", "Ask for Angela");
    assert_int_equal(count("#as-at"), 0);
}

/* On The Crown's case file as at a past date, record a casework note: the officer lands back on
 * the case file as at the same date, told the note is dated today; today's page shows it. */
static void test_time_controls__a_note_posted_as_at_lands_on_the_same_date(void **state)
{
    char path[URL_MAX], banner[64], crown[64];
    (void)state;

    browser_login(TOWN_OFFICER);
    snprintf(path, sizeof path, "/venues/%lld?at=%s", (long long)g.town.crown, g.as_at);
    go(path);
    snprintf(banner, sizeof banner, "As at %s", g.as_at_words);
    assert_text_has("#as-at", banner);
    click("#casework-new summary");
    click("#cw-type option[value='note']");
    type("#cw-text", "Manager phoned about the door rota");
    click("#casework-record");
    assert_text_has("#casework-saved", "does not show it yet");
    snprintf(crown, sizeof crown, "/venues/%lld?", (long long)g.town.crown);
    wait_path(crown, g.as_at, path, sizeof path);
    assert_non_null(strstr(path, "saved=casework"));
    assert_text_has("#as-at", banner);
    /* today's case file has it */
    click("#as-at a");
    assert_text_has("#casework-table", "Manager phoned about the door rota");
    assert_int_equal(count("#as-at"), 0);
}

/* Reads the compare table's rows as "figure|first|second|change" lines (caller frees). */
static char *compare_rows(void)
{
    char err[LNT_ERRBUF_SIZE] = "", *json = NULL, *out;
    json_t *v;

    if (lnt_wd_execute(g.wd,
                       "return Array.from(document.querySelectorAll('#compare-table tbody tr'))"
                       ".map(function (tr) { return Array.from(tr.children).map(function (c) "
                       "{ return c.textContent.trim(); }).join('|'); }).join('\\n');",
                       &json, err) != LNT_OK)
        fail_msg("reading the compare table: %s", err);
    v = json_loads(json, JSON_DECODE_ANY, NULL);
    if (!json_is_string(v))
        fail_msg("the compare table read as %.200s", json);
    out = strdup(json_string_value(v));
    assert_non_null(out);
    json_decref(v);
    free(json);
    return out;
}

/* Two periods chosen on the overview: both figures side by side, the change in numbers and in
 * words that agree with them. */
static void test_time_controls__compare_two_periods_on_the_overview(void **state)
{
    char path[URL_MAX], a0[LNT_DATE_STRLEN], a1[LNT_DATE_STRLEN], b0[LNT_DATE_STRLEN],
        b1[LNT_DATE_STRLEN], words[LNT_LOCAL_DATE_STRLEN];
    int32_t tonight = lnt_night_of(g.now);
    char *caption, *rows;
    size_t checked = 0;
    (void)state;

    browser_login(TOWN_OFFICER);
    go("/");
    assert_int_equal(count("#compare-table"), 0);
    assert_int_equal(lnt_date_format(tonight - 14, a0), LNT_OK);
    assert_int_equal(lnt_date_format(tonight - 1, a1), LNT_OK);
    assert_int_equal(lnt_date_format(tonight - 28, b0), LNT_OK);
    assert_int_equal(lnt_date_format(tonight - 15, b1), LNT_OK);
    set_value("cmp-kind", "pair");
    set_value("cmp-a-from", a0);
    set_value("cmp-a-to", a1);
    set_value("cmp-b-from", b0);
    set_value("cmp-b-to", b1);
    click("#compare-show");
    wait_path("/?", "compare=pair", path, sizeof path);
    caption = text_when("#compare-table caption", "14 nights");
    assert_int_equal(lnt_local_date_format(tonight - 14, words), LNT_OK);
    assert_non_null(strstr(caption, words));
    assert_int_equal(lnt_local_date_format(tonight - 28, words), LNT_OK);
    assert_non_null(strstr(caption, words));
    free(caption);

    rows = compare_rows();
    /* each row: figure | first | second | change, and the change agrees with the numbers */
    for (char *p = rows, *next; p != NULL && *p != '\0'; p = next) {
        char fig[96] = "", change[96] = "", num[32];
        int64_t x, y;
        char *bar1, *bar2, *bar3, *end;
        next = strchr(p, '\n');
        end = next != NULL ? next : p + strlen(p);
        if (next != NULL)
            next++;
        bar1 = memchr(p, '|', (size_t)(end - p));
        bar2 = bar1 != NULL ? memchr(bar1 + 1, '|', (size_t)(end - bar1 - 1)) : NULL;
        bar3 = bar2 != NULL ? memchr(bar2 + 1, '|', (size_t)(end - bar2 - 1)) : NULL;
        if (bar3 == NULL)
            fail_msg("a compare row without four cells: %.200s", p);
        snprintf(fig, sizeof fig, "%.*s", (int)(bar1 - p), p);
        snprintf(change, sizeof change, "%.*s", (int)(end - bar3 - 1), bar3 + 1);
        if (strstr(fig, "Risk points") != NULL)
            continue;
        snprintf(num, sizeof num, "%.*s", (int)(bar2 - bar1 - 1), bar1 + 1);
        assert_int_equal(lnt_parse_i64(num, 0, INT64_MAX, &x), LNT_OK);
        snprintf(num, sizeof num, "%.*s", (int)(bar3 - bar2 - 1), bar2 + 1);
        assert_int_equal(lnt_parse_i64(num, 0, INT64_MAX, &y), LNT_OK);
        if (strstr(change, "no data") != NULL)
            assert_int_equal(y, 0);
        else if (x == y)
            assert_string_equal(change, "no change");
        else if (x > y)
            assert_true(change[0] == '+' && strstr(change, ", up ") != NULL);
        else
            assert_non_null(strstr(change, ", down "));
        checked++;
    }
    assert_true(checked >= 6);
    free(rows);

    /* this quarter against the last, from the same form */
    set_value("cmp-kind", "quarter");
    click("#compare-show");
    wait_path("/?", "compare=quarter", path, sizeof path);
    assert_text_has("#compare-table caption", "this quarter so far");
    assert_text_has("#compare-table thead", "Quarter before");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_controls__login_keeps_a_bookmarked_league_as_at),
        cmocka_unit_test(test_time_controls__as_at_persists_across_links),
        cmocka_unit_test(test_time_controls__a_note_posted_as_at_lands_on_the_same_date),
        cmocka_unit_test(test_time_controls__compare_two_periods_on_the_overview),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
