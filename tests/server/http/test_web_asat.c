/* test_web_asat.c - the dashboard's "as at" date and its comparison of two periods, read from a
 * real lanternd over HTTP. */
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "buf.h"
#include "codec.h"
#include "lanternd.h"
#include "ltime.h"
#include "night.h"
#include "officer_client.h"
#include "store.h"
#include "store_casework.h"
#include "support.h"

#define PASSWORD "correct horse battery staple"
#define OFFICER "officer@north.example"
#define NIGHTS 40
#define AS_AT_BACK 10 /* the as-at date: this many nights before tonight */

/*
 * One pub trading every night, its kiosk enrolled 42 nights ago. Three
 * incidents: a violence report 20 nights ago, a theft 3 nights ago and a
 * spiking report 2 nights ago, so the pages as at 10 nights ago hold the
 * first and not the others. Its score history: Amber when first recorded 15 nights ago, Red
 * 3 nights ago.
 */
static struct {
    char *dir, *db;
    struct lnt_test_lanternd server;
    CURL *curl;
    int64_t venue, kiosk, seq, now;
    char as_at[LNT_DATE_STRLEN];
} g;

static void incident(struct lnt_event *e, int64_t at, const char *kind)
{
    memset(e, 0, sizeof *e);
    e->seq = ++g.seq;
    lnt_uuid4(e->uuid);
    e->type = LNT_EV_INCIDENT;
    e->occurred_at = at;
    e->recorded_at = at + 600;
    lnt_uuid4(e->u.incident.report_id);
    lnt_str_copy(e->u.incident.kind, sizeof e->u.incident.kind, kind);
    e->u.incident.severity = 2;
    lnt_str_copy(e->u.incident.place, sizeof e->u.incident.place, "bar");
    lnt_str_copy(e->u.incident.outcome, sizeof e->u.incident.outcome, "resolved");
    e->u.incident.complete = true;
    lnt_str_copy(e->u.incident.staff_id, sizeof e->u.incident.staff_id, "1");
}

/* A row of the venue's score history at `at`, as the alert scan writes it. */
static enum lnt_err score_row(struct lnt_store *s, int64_t at, int band, int64_t milli, char *err)
{
    struct lnt_score_change c;

    memset(&c, 0, sizeof c);
    c.venue_id = g.venue;
    c.at = at;
    c.band = band;
    c.risk_milli = milli;
    lnt_str_copy(c.risk_version, sizeof c.risk_version, "risk-default-2026.2");
    return lnt_store_score_record(s, &c, NULL, err);
}

static enum lnt_err town_build(int64_t now, char *err)
{
    static struct lnt_event ev[NIGHTS + 4];
    struct lnt_store *s = NULL;
    struct lnt_officer o;
    struct lnt_venue ve;
    struct lnt_kiosk k;
    struct lnt_ingest_result res[LNT_BATCH_MAX];
    char code[LNT_ENROLL_CODE_LEN + 1];
    uint8_t pk[LNT_SIGN_PK_LEN];
    int32_t tonight = lnt_night_of(now);
    size_t n = 0;
    enum lnt_err rc;

    if ((rc = lnt_crypto_init()) != LNT_OK)
        return lnt_fail(err, rc, "crypto init");
    if ((rc = lnt_store_open(&s, g.db, err)) != LNT_OK)
        return rc;
    lnt_store_set_actor(s, "test town");
    rc = lnt_store_scheme_init(s, "TEST", err);
    memset(&ve, 0, sizeof ve);
    lnt_str_copy(ve.name, sizeof ve.name, "Harbour Inn");
    ve.category = LNT_VENUE_PUB;
    ve.capacity = 200;
    lnt_str_copy(ve.area, sizeof ve.area, "Quayside");
    lnt_str_copy(ve.authority, sizeof ve.authority, "Northtown");
    lnt_str_copy(ve.trading, sizeof ve.trading, "Mon-Sun 20:00-03:00");
    if (rc == LNT_OK)
        rc = lnt_store_venue_add(s, &ve, err);
    g.venue = ve.id;
    lnt_random(pk, sizeof pk);
    if (rc == LNT_OK)
        rc = lnt_store_enroll_code_add(s, ve.id, now + 3600, code, err);
    if (rc == LNT_OK)
        rc = lnt_store_enroll_redeem(s, code, pk, now - (NIGHTS + 2) * 86400, &k, err);
    g.kiosk = k.id;
    /* the older incident 20 nights back at 22:00 UTC; the newer 3 nights back */
    incident(&ev[n++], (int64_t)(tonight - 20) * 86400 + 22 * 3600, "violence");
    incident(&ev[n++], (int64_t)(tonight - 3) * 86400 + 22 * 3600, "theft");
    incident(&ev[n++], (int64_t)(tonight - 2) * 86400 + 22 * 3600, "spiking");
    if (rc == LNT_OK)
        rc = lnt_store_events_insert(s, g.kiosk, now, ev, n, res, err);
    if (rc == LNT_OK)
        rc = score_row(s, (int64_t)(tonight - 15) * 86400 + 23 * 3600, 2, 14000, err);
    if (rc == LNT_OK)
        rc = score_row(s, (int64_t)(tonight - 3) * 86400 + 23 * 3600, 3, 61000, err);
    if (rc == LNT_OK) {
        memset(&o, 0, sizeof o);
        lnt_str_copy(o.email, sizeof o.email, OFFICER);
        lnt_str_copy(o.name, sizeof o.name, "Olu Officer");
        o.scope.role = LNT_OFFICER_OFFICER;
        lnt_str_copy(o.scope.authority, sizeof o.scope.authority, "Northtown");
        rc = lnt_store_officer_add(s, &o, PASSWORD, err);
    }
    lnt_store_free(s);
    return rc;
}

static int setup(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    g.dir = lnt_test_tmpdir();
    assert_non_null(g.dir);
    g.db = lnt_test_path(g.dir, "town.db");
    g.now = lnt_time_now();
    if (town_build(g.now, err) != LNT_OK)
        fail_msg("building the test town: %s", err);
    assert_int_equal(lnt_date_format(lnt_night_of(g.now) - AS_AT_BACK, g.as_at), LNT_OK);
    lnt_test_lanternd_start(&g.server, g.dir, g.db, NULL);
    g.curl = lnt_test_officer_client();
    assert_int_equal(lnt_test_officer_login(g.curl, g.server.base, OFFICER, PASSWORD, NULL, 0),
                     303);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    curl_easy_cleanup(g.curl);
    lnt_test_lanternd_stop(&g.server, SIGTERM);
    if (getenv("LNT_KEEP_TMP") == NULL)
        lnt_test_rmrf(g.dir);
    free(g.db);
    free(g.dir);
    return 0;
}

/* GET `path` as the officer: the status into *status and the body (caller frees). */
static char *get_status(const char *path, long *status)
{
    struct lnt_test_page r;
    char *body;

    lnt_test_officer_http(g.curl, g.server.base, path, NULL, NULL, &r);
    *status = r.status;
    body = strdup(r.body.data != NULL ? r.body.data : "");
    assert_non_null(body);
    lnt_test_page_release(&r);
    return body;
}

static char *get(const char *path)
{
    long status;
    char *body = get_status(path, &status);
    if (status != 200)
        fail_msg("GET %s: %ld", path, status);
    return body;
}

/* ---- as at ---- */

static void test_web_asat__case_file_leaves_out_a_later_incident(void **state)
{
    char path[128], words[LNT_LOCAL_DATE_STRLEN], banner[64];
    char *live, *past;
    (void)state;

    snprintf(path, sizeof path, "/venues/%lld", (long long)g.venue);
    live = get(path);
    assert_non_null(strstr(live, "Violence: no injury"));
    assert_non_null(strstr(live, "Theft"));
    assert_null(strstr(live, "As at "));
    assert_non_null(strstr(live, "Scores count a rolling 90 nights, "));

    snprintf(path, sizeof path, "/venues/%lld?at=%s", (long long)g.venue, g.as_at);
    past = get(path);
    assert_int_equal(lnt_local_date_format(lnt_night_of(g.now) - AS_AT_BACK, words), LNT_OK);
    snprintf(banner, sizeof banner, "<strong>As at %s</strong>", words);
    if (strstr(past, banner) == NULL)
        fail_msg("no \"%s\" on %s", banner, path);
    assert_non_null(strstr(past, "Violence: no injury"));
    assert_null(strstr(past, "Theft"));
    free(live);
    free(past);
}

static void test_web_asat__timeline_shows_a_score_change_after_it_only(void **state)
{
    char path[128], href[96], day[LNT_DATE_STRLEN];
    char *live, *past;
    (void)state;

    snprintf(path, sizeof path, "/venues/%lld", (long long)g.venue);
    live = get(path);
    assert_non_null(strstr(live, "Band Amber \u2192 Red, 61 risk points"));
    assert_non_null(strstr(live, "Band Amber, 14 risk points, first recorded"));
    /* the change links to the case file as it stood that night */
    assert_int_equal(lnt_date_format(lnt_night_of(g.now) - 3, day), LNT_OK);
    snprintf(href, sizeof href, "href=\"/venues/%lld?at=%s\">Band Amber", (long long)g.venue, day);
    if (strstr(live, href) == NULL)
        fail_msg("no link %s on %s", href, path);

    /* as at ten nights ago: Amber as first recorded, the turn to Red not yet */
    snprintf(path, sizeof path, "/venues/%lld?at=%s", (long long)g.venue, g.as_at);
    past = get(path);
    assert_non_null(strstr(past, "Band Amber, 14 risk points, first recorded"));
    assert_null(strstr(past, "Red, 61 risk points"));
    free(live);
    free(past);
}

static void test_web_asat__export_leaves_out_a_later_incident(void **state)
{
    char path[128];
    char *live, *past;
    (void)state;

    live = get("/exports/incidents.csv");
    assert_non_null(strstr(live, ",violence,"));
    assert_non_null(strstr(live, ",theft,"));
    snprintf(path, sizeof path, "/exports/incidents.csv?at=%s", g.as_at);
    past = get(path);
    assert_non_null(strstr(past, ",violence,"));
    assert_null(strstr(past, ",theft,"));
    free(live);
    free(past);
}

/* The link inside the tag at `p` (up to `end`) when it is a page of the site the date should
 * ride on: not an asset, not the way back to today (data-period). */
static bool page_link(const char *p, const char *end, char *link, size_t size)
{
    const char *href = strstr(p, " href=\"/"), *mark = strstr(p, "data-period="), *close;
    size_t len;

    if (href == NULL || href > end || strncmp(href, " href=\"/assets/", 15) == 0 ||
        (mark != NULL && mark < end))
        return false;
    close = strchr(href + 7, '"');
    assert_non_null(close);
    len = (size_t)(close - href - 7);
    assert_true(len < size);
    memcpy(link, href + 7, len);
    link[len] = '\0';
    if (strchr(link, '#') != NULL)
        *strchr(link, '#') = '\0';
    return true;
}

/* Every link to a page of the site and every GET form of an as-at page carries the date. */
static void test_web_asat__links_and_forms_carry_the_date(void **state)
{
    char pages[6][64] = {"/", "/trends", "/volunteers", "/stock", "/exports", ""};
    char hidden[96];
    (void)state;

    snprintf(pages[5], sizeof pages[5], "/venues/%lld", (long long)g.venue);
    snprintf(hidden, sizeof hidden, "<input type=\"hidden\" name=\"at\" value=\"%s\"/>", g.as_at);
    for (size_t i = 0; i < 6; i++) {
        char url[512], link[256];
        char *body, *p;
        size_t links = 0;
        snprintf(url, sizeof url, "%s?at=%s", pages[i], g.as_at);
        body = get(url);
        for (p = strstr(body, "<a "); p != NULL; p = strstr(p + 1, "<a ")) {
            const char *end = strchr(p, '>'), *at;
            assert_non_null(end);
            if (!page_link(p, end, link, sizeof link))
                continue;
            at = strstr(link, "at=");
            if (at == NULL || strcmp(at + 3, g.as_at) != 0)
                fail_msg("%s: link %s does not carry at=%s", url, link, g.as_at);
            links++;
        }
        assert_true(links > 3); /* at least the navigation */
        for (p = strstr(body, "<form "); p != NULL; p = strstr(p + 1, "<form ")) {
            const char *end = strchr(p, '>'), *get_m = strstr(p, "method=\"get\""),
                       *mark = strstr(p, "data-period=");
            assert_non_null(end);
            if (get_m == NULL || get_m > end || (mark != NULL && mark < end))
                continue;
            if (strncmp(end + 1, hidden, strlen(hidden)) != 0)
                fail_msg("%s: a GET form does not carry at=%s", url, g.as_at);
        }
        free(body);
    }
}

static void test_web_asat__a_bad_or_future_date_is_refused(void **state)
{
    char path[128], d[LNT_DATE_STRLEN];
    long status;
    char *body;
    (void)state;

    body = get_status("/?at=last-friday", &status);
    assert_int_equal(status, 400);
    assert_non_null(strstr(body, "Not a date"));
    free(body);
    assert_int_equal(lnt_date_format(lnt_night_of(g.now) + 2, d), LNT_OK);
    snprintf(path, sizeof path, "/?at=%s", d);
    body = get_status(path, &status);
    assert_int_equal(status, 400);
    assert_non_null(strstr(body, "A date in the future"));
    free(body);
    /* tonight's own date is the live page */
    assert_int_equal(lnt_date_format(lnt_night_of(g.now), d), LNT_OK);
    snprintf(path, sizeof path, "/?at=%s", d);
    body = get(path);
    assert_null(strstr(body, "As at "));
    free(body);
}

/* ---- two periods ---- */

/* ?compare=pair&a_from=...: the query for nights [tonight-a0, tonight-a1] against [b0, b1]. */
static void pair_query(char *out, size_t size, const char *page, int a0, int a1, int b0, int b1)
{
    int32_t tonight = lnt_night_of(g.now);
    char d[4][LNT_DATE_STRLEN];
    const int back[4] = {a0, a1, b0, b1};

    for (int i = 0; i < 4; i++)
        assert_int_equal(lnt_date_format(tonight - back[i], d[i]), LNT_OK);
    snprintf(out, size, "%s%scompare=pair&a_from=%s&a_to=%s&b_from=%s&b_to=%s", page,
             strchr(page, '?') != NULL ? "&" : "?", d[0], d[1], d[2], d[3]);
}

/* The table row of `label`: from its <th> to its </tr> (caller frees), or a test failure. */
static char *row_of(const char *html, const char *label)
{
    char key[96];
    const char *a, *b;
    char *row;

    snprintf(key, sizeof key, "<th scope=\"row\">%s</th>", label);
    a = strstr(html, key);
    if (a == NULL)
        fail_msg("no row \"%s\"", label);
    b = strstr(a, "</tr>");
    assert_non_null(b);
    row = strndup(a, (size_t)(b - a));
    assert_non_null(row);
    return row;
}

/* Two chosen periods on the overview: both figures and the change in numbers and words. */
static void test_web_asat__overview_compares_two_chosen_periods(void **state)
{
    char path[256];
    char *body, *row;
    (void)state;

    /* the last 5 nights (theft, spiking) against 25..10 nights back (violence) */
    pair_query(path, sizeof path, "/", 5, 1, 25, 10);
    body = get(path);
    assert_non_null(strstr(body, "id=\"compare-table\""));
    row = row_of(body, "Incidents reported");
    assert_non_null(strstr(row, "<td class=\"num\">2</td><td class=\"num\">1</td>"));
    assert_non_null(strstr(row, "+1, up 100%"));
    free(row);
    row = row_of(body, "Spiking reports");
    assert_non_null(strstr(row, "<td class=\"num\">1</td><td class=\"num\">0</td>"));
    assert_non_null(strstr(row, "+1, up from none"));
    free(row);
    free(body);

    /* the other way round: down, in words */
    pair_query(path, sizeof path, "/", 25, 10, 5, 1);
    body = get(path);
    row = row_of(body, "Incidents reported");
    assert_non_null(strstr(row, "&#8722;1, down 50%"));
    free(row);
    free(body);
}

/* The case file compares a night with the same weekday a year before, and says when the year
 * before has no data rather than calling it a quiet night. */
static void test_web_asat__case_file_compares_a_night_with_last_year(void **state)
{
    char path[160], d[LNT_DATE_STRLEN];
    char *body, *row;
    (void)state;

    assert_int_equal(lnt_date_format(lnt_night_of(g.now) - 3, d), LNT_OK);
    snprintf(path, sizeof path, "/venues/%lld?compare=lastyear&night=%s", (long long)g.venue, d);
    body = get(path);
    assert_non_null(strstr(body, "against the same night 52 weeks before"));
    row = row_of(body, "Incidents reported");
    assert_non_null(strstr(row, "<td class=\"num\">1</td><td class=\"num\">0</td>"));
    assert_non_null(strstr(row, "no data for the second period"));
    free(row);
    row = row_of(body, "Risk points at the period&#8217;s end");
    free(row);
    free(body);
}

static void test_web_asat__compare_quarter_and_bad_pairs(void **state)
{
    char path[256];
    char *body;
    (void)state;

    body = get("/trends?compare=quarter");
    assert_non_null(strstr(body, ", this quarter so far, against "));
    assert_non_null(strstr(body, "the same nights of the quarter before"));
    free(body);

    pair_query(path, sizeof path, "/", 1, 5, 25, 10); /* first after last */
    body = get(path);
    assert_non_null(strstr(body, "Each period must start on or before its last night."));
    assert_null(strstr(body, "id=\"compare-table\""));
    free(body);

    /* as at 10 nights back, a period ending 5 nights back is in that page's future */
    {
        char page[64];
        snprintf(page, sizeof page, "/?at=%s", g.as_at);
        pair_query(path, sizeof path, page, 15, 5, 30, 20);
    }
    body = get(path);
    assert_non_null(strstr(body, "Both periods must end by the last finished night."));
    free(body);
    body = get("/?compare=monthly");
    assert_non_null(strstr(body, "Choose what to compare"));
    free(body);
}

/* The header's date control keeps the page's other arguments when the date is changed. */
static void test_web_asat__the_control_keeps_the_filters(void **state)
{
    char *body;
    (void)state;

    body = get("/?area=Quayside&sort=band");
    assert_non_null(strstr(body, "<form class=\"asat\" method=\"get\" data-period=\"control\" "
                                 "action=\"/\"><input type=\"hidden\" name=\"area\" "
                                 "value=\"Quayside\"/><input type=\"hidden\" name=\"sort\" "
                                 "value=\"band\"/>"));
    assert_non_null(strstr(body, "name=\"at\""));
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_web_asat__case_file_leaves_out_a_later_incident),
        cmocka_unit_test(test_web_asat__export_leaves_out_a_later_incident),
        cmocka_unit_test(test_web_asat__timeline_shows_a_score_change_after_it_only),
        cmocka_unit_test(test_web_asat__links_and_forms_carry_the_date),
        cmocka_unit_test(test_web_asat__a_bad_or_future_date_is_refused),
        cmocka_unit_test(test_web_asat__the_control_keeps_the_filters),
        cmocka_unit_test(test_web_asat__overview_compares_two_chosen_periods),
        cmocka_unit_test(test_web_asat__case_file_compares_a_night_with_last_year),
        cmocka_unit_test(test_web_asat__compare_quarter_and_bad_pairs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
