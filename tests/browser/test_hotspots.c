/* test_hotspots.c - the Trends page as a sergeant uses it, in real headless Chromium against a
 * real lanternd: pick an area and a kind from the lists, read the heatmap by trading night and
 * the harm ranking, on a desktop and at a phone's width. */
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

#include "buf.h"
#include "codec.h"
#include "lanternd.h"
#include "ltime.h"
#include "night.h"
#include "store.h"
#include "support.h"
#include "town.h"
#include "browser_session.h"
#include "webdriver.h"

#define URL_MAX 512
#define PHONE_W 390
#define PHONE_H 844
#define HARBOUR_BARS 20
/*
 * The Trends page at a phone's width stays under this many CSS pixels: six and a half screens
 * of a 390 by 844 phone. Its parts there, each about a screen or less: the filters (300), the
 * heatmap scrolling sideways in its box (500), two monthly charts (900), the harm ranking's
 * explanation and its first five cards (1,000), the areas (500), the first five repeat
 * locations (450), the years (370) and the comparison of two periods (560), with the headings
 * and gaps between. The twenty harm cards alone took over 5,000 before they were cut to five.
 */
#define PHONE_PAGE_MAX 5500

static struct {
    char *dir;
    char *db;
    struct lnt_test_lanternd server;
    struct lnt_wd *wd;
    struct town town;
} g;

/* ---- the browser ---- */

/* Waits (up to 10 s) until the script returns `want` (JSON text). */
static void wait_script(const char *body, const char *want)
{
    char *got = NULL;
    for (int tries = 0; tries < 100; tries++) {
        free(got);
        got = script(body);
        if (strcmp(got, want) == 0) {
            free(got);
            return;
        }
        usleep(100 * 1000);
    }
    fail_msg("`%s` gave %s, not %s", body, got, want);
}

/* ---- set-up: the test town, and two spikings at Quayside Bar on one Friday night ---- */

/* London wall-clock `hh:mm` on calendar date `day`, as an instant. */
static int64_t london(int32_t day, int hh, int mm)
{
    int64_t t = (int64_t)day * 86400 + hh * 3600 + mm * 60;
    return t - lnt_london_offset(t - 3600);
}

static void spiking(struct lnt_store *s, int64_t kiosk, int64_t seq, int64_t at)
{
    struct lnt_event e;
    struct lnt_ingest_result res;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&e, 0, sizeof e);
    e.seq = seq;
    lnt_uuid4(e.uuid);
    e.type = LNT_EV_INCIDENT;
    e.occurred_at = at;
    e.recorded_at = at + 300;
    lnt_uuid4(e.u.incident.report_id);
    lnt_str_copy(e.u.incident.kind, sizeof e.u.incident.kind, "spiking");
    e.u.incident.severity = 4;
    lnt_str_copy(e.u.incident.place, sizeof e.u.incident.place, "dance_floor");
    lnt_str_copy(e.u.incident.outcome, sizeof e.u.incident.outcome, "hospital");
    e.u.incident.complete = true;
    lnt_str_copy(e.u.incident.staff_id, sizeof e.u.incident.staff_id, "1");
    if (lnt_store_events_insert(s, kiosk, lnt_time_now(), &e, 1, &res, err) != LNT_OK)
        fail_msg("spiking report: %s", err);
}

static int setup(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "", code[LNT_ENROLL_CODE_LEN + 1];
    struct lnt_store *s = NULL;
    struct lnt_kiosk k;
    uint8_t pk[LNT_SIGN_PK_LEN];
    int64_t now = lnt_time_now();
    int32_t today = lnt_night_of(now);
    /* a Friday night two to three weeks back */
    int32_t fri = today - ((lnt_weekday(today) - 4 + 7) % 7) - 14;
    (void)state;

    browser_scratch(&g.dir, &g.db, "town.db");
    if (town_build(g.db, now, &g.town, err) != LNT_OK)
        fail_msg("building the test town: %s", err);
    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    lnt_random(pk, sizeof pk);
    assert_int_equal(lnt_store_enroll_code_add(s, g.town.quay, now + 3600, code, err), LNT_OK);
    assert_int_equal(lnt_store_enroll_redeem(s, code, pk, now - 60 * 86400, &k, err), LNT_OK);
    spiking(s, k.id, 1, london(fri, 23, 30));
    spiking(s, k.id, 2, london(fri + 1, 1, 30));
    /* a harbour of small bars: enough venues for the harm ranking's twenty rows */
    for (int i = 1; i <= HARBOUR_BARS; i++) {
        struct lnt_venue v;
        memset(&v, 0, sizeof v);
        snprintf(v.name, sizeof v.name, "Harbour Bar %d", i);
        v.category = LNT_VENUE_BAR;
        v.capacity = 80;
        lnt_str_copy(v.area, sizeof v.area, "Harbour");
        lnt_str_copy(v.authority, sizeof v.authority, "Northtown");
        if (lnt_store_venue_add(s, &v, err) != LNT_OK)
            fail_msg("venue: %s", err);
    }
    lnt_store_free(s);
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

#define CELL(day, hour)                                                                            \
    "return document.querySelector('#heatmap g.cell[data-day=\"" #day "\"][data-hour=\"" #hour     \
    "\"]').getAttribute('data-count');"

static void test_hotspots__pick_area_and_kind_then_read_friday_night(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    assert_int_equal(lnt_wd_window_size(g.wd, 1280, 900, err), LNT_OK);
    browser_login(TOWN_OFFICER);
    go("/trends");
    /* the lists hold what there is to pick: no typing a name that matches nothing */
    assert_text_has("#t-area", "Riverside");
    assert_text_has("#t-kind", "Spiking");
    assert_text_has("#t-kind", "Weapon");
    assert_text_has("#t-venue", "Quayside Bar");
    click("#t-area option[value='Riverside']");
    click("#t-kind option[value='spiking']");
    click("#trend-filters button[type='submit']");
    assert_text_has("#hm-h", "Spiking by trading night and hour");
    assert_text_has("#hm-h", "Riverside");
    /* 23:30 Friday and 01:30 Saturday are both Friday night's, on one row, in the night's order */
    wait_script(CELL(4, 23), "\"1\"");
    wait_script(CELL(4, 1), "\"1\"");
    wait_script(CELL(5, 1), "\"0\"");
    wait_script("var t = document.querySelectorAll('#heatmap g.axis text'); var s = [];"
                "for (var i = 0; i < t.length; i++) s.push(t[i].textContent);"
                "return s.indexOf('23') < s.indexOf('00') && s.indexOf('00') < s.indexOf('01') &&"
                " s.indexOf('Fri night') >= 0;",
                "true");
    /* the harm ranking, beside the rank by risk: Velvet's fights, then Quayside's spikings */
    assert_text_has("#harm-explained", "spiking 3");
    assert_text_has("#harm-table tbody tr:first-child", "Velvet");
    assert_text_has("#harm-table tbody tr:nth-child(2)", "Quayside Bar");
    wait_script("return document.querySelector('#harm-table tbody tr:nth-child(2) td.harm')"
                ".textContent;",
                "\"6\"");
}

static void test_hotspots__legible_at_a_phone_width(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    browser_login(TOWN_OFFICER);
    assert_int_equal(lnt_wd_window_size(g.wd, PHONE_W, PHONE_H, err), LNT_OK);
    go("/trends?area=Riverside");
    assert_text_has("#hm-h", "Riverside");
    /* the page itself never scrolls sideways; the heatmap does, inside its own box */
    wait_script("return document.documentElement.scrollWidth <= window.innerWidth + 1;", "true");
    /* the heatmap keeps its labels at a readable size instead of shrinking to the screen */
    wait_script("var t = document.querySelector('#heatmap g.axis text');"
                "return t.getBoundingClientRect().height >= 10;",
                "true");
    wait_script("var b = document.querySelector('#heatmap').closest('.chart-scroll');"
                "return b.scrollWidth > b.clientWidth;",
                "true");
    /* the harm ranking reads as one card per venue, every figure labelled */
    wait_script("var td = document.querySelector('#harm-table tbody tr td.harm');"
                "return getComputedStyle(td, '::before').content;",
                "\"\\\"Harm points\\\"\"");
    wait_script("var r = document.querySelector('#harm-table tbody tr');"
                "return r.getBoundingClientRect().width <= window.innerWidth;",
                "true");
    assert_int_equal(lnt_wd_window_size(g.wd, 1280, 900, err), LNT_OK);
}

#define VISIBLE_HARM_ROWS                                                                          \
    "return Array.from(document.querySelectorAll('#harm-table tbody tr'))"                         \
    ".filter(function (r) { return r.getClientRects().length > 0; }).length;"

/* The whole Trends page on a phone is a few screens long, not a dozen: the first five venues by
 * harm, the rest one tap away, and nothing wider than the screen. */
static void test_hotspots__short_on_a_phone_with_every_venue_one_tap_away(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "", *h, *ok;
    char check[160];
    (void)state;

    browser_login(TOWN_OFFICER);
    assert_int_equal(lnt_wd_window_size(g.wd, PHONE_W, PHONE_H, err), LNT_OK);
    go("/trends?days=90");
    assert_text_has("#harm-h", "ranked by harm");
    wait_script(VISIBLE_HARM_ROWS, "5");
    wait_script("return document.querySelectorAll('#harm-table tbody tr').length;", "20");
    snprintf(check, sizeof check,
             "return document.documentElement.scrollHeight < %d && "
             "document.documentElement.scrollHeight > 844;",
             PHONE_PAGE_MAX);
    h = script("return document.documentElement.scrollHeight;");
    ok = script(check);
    if (strcmp(ok, "true") != 0)
        fail_msg("the Trends page is %s px long at %d px wide, over %d", h, PHONE_W,
                 PHONE_PAGE_MAX);
    free(ok);
    free(h);
    wait_script("return document.documentElement.scrollWidth <= window.innerWidth + 1;", "true");
    /* each card keeps every figure labelled, on a few lines */
    wait_script("var r = document.querySelector('#harm-table tbody tr');"
                "return r.getBoundingClientRect().height < 130;",
                "true");

    /* "Show all" keeps the filter and shows the twenty */
    click("#harm-all a");
    wait_script("return location.search.indexOf('days=90') >= 0 && "
                "location.search.indexOf('rows=all') >= 0;",
                "true");
    wait_script(VISIBLE_HARM_ROWS, "20");
    assert_int_equal(count("#harm-all"), 0);
    wait_script("return document.documentElement.scrollWidth <= window.innerWidth + 1;", "true");

    /* a desktop shows the twenty as a table, with no link to show them */
    assert_int_equal(lnt_wd_window_size(g.wd, 1280, 900, err), LNT_OK);
    go("/trends?days=90");
    wait_script(VISIBLE_HARM_ROWS, "20");
    wait_script("return getComputedStyle(document.querySelector('#harm-all')).display;",
                "\"none\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hotspots__pick_area_and_kind_then_read_friday_night),
        cmocka_unit_test(test_hotspots__legible_at_a_phone_width),
        cmocka_unit_test(test_hotspots__short_on_a_phone_with_every_venue_one_tap_away),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
