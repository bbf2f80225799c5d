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
#define DAY 86400
#define PDFTOTEXT "/usr/bin/pdftotext"

/*
 * One pub trading every night, its kiosk enrolled 42 nights ago. Three
 * incidents: a violence report 20 nights ago, a theft 3 nights ago and a
 * spiking report 2 nights ago, so the pages as at 10 nights ago hold the
 * first and not the others.
 * Casework: a note written 15 days ago and reworded 5 days ago, and an
 * action plan's item made 15 days ago and closed 5 days ago, so as at 10
 * nights ago the note has its first words and the item is still open.
 * first and not the others. Its score history: Amber when first recorded 15 nights ago, Red
 * 3 nights ago.
 */
static struct {
    char *dir, *db;
    struct lnt_test_lanternd server;
    CURL *curl;
    int64_t venue, kiosk, seq, now;
    int64_t note, item;
    char as_at[LNT_DATE_STRLEN];
    char token[LNT_TOKEN_LEN + 1];
    char *pdf;
} g;

/* A note, a plan and its item for the officer `owner`, each changed after the as-at date. */
static enum lnt_err casework_build(struct lnt_store *s, int64_t now, int64_t owner, char *err)
{
    struct lnt_casework *c = calloc(3, sizeof *c);
    enum lnt_err rc;

    if (c == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "casework");
    c[0].venue_id = g.venue;
    c[0].type = LNT_CW_NOTE;
    lnt_str_copy(c[0].text, sizeof c[0].text, "Door log missing at the first visit");
    c[1].venue_id = g.venue;
    c[1].type = LNT_CW_PLAN;
    lnt_str_copy(c[1].title, sizeof c[1].title, "Twelve-week plan after Amber");
    rc = lnt_store_cw_add(s, "test town", now - 15 * DAY, &c[0], NULL, 0, err);
    if (rc == LNT_OK)
        rc = lnt_store_cw_add(s, "test town", now - 15 * DAY, &c[1], NULL, 0, err);
    c[2].venue_id = g.venue;
    c[2].type = LNT_CW_ITEM;
    c[2].plan_id = c[1].id;
    c[2].owner_id = owner;
    c[2].on = lnt_london_date(now) + 30;
    lnt_str_copy(c[2].status, sizeof c[2].status, "open");
    lnt_str_copy(c[2].text, sizeof c[2].text, "Train the door team in WAVE");
    if (rc == LNT_OK)
        rc = lnt_store_cw_add(s, "test town", now - 15 * DAY, &c[2], NULL, 0, err);
    lnt_str_copy(c[0].text, sizeof c[0].text, "Door log kept every night since");
    if (rc == LNT_OK)
        rc = lnt_store_cw_edit(s, "test town", now - 5 * DAY, &c[0], NULL, 0, err);
    if (rc == LNT_OK)
        rc = lnt_store_cw_close(s, "test town", now - 5 * DAY, c[2].id, err);
    g.note = c[0].id;
    g.item = c[2].id;
    free(c);
    return rc;
}

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
    if (rc == LNT_OK)
        rc = casework_build(s, now, o.id, err);
    if (rc == LNT_OK) {
        struct lnt_token t;
        memset(&t, 0, sizeof t);
        lnt_str_copy(t.label, sizeof t.label, "northtown licensing");
        t.scope.role = LNT_OFFICER_OFFICER;
        lnt_str_copy(t.scope.authority, sizeof t.scope.authority, "Northtown");
        rc = lnt_store_token_add(s, &t, now, g.token, err);
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
    g.pdf = lnt_test_path(g.dir, "pack.pdf");
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
    free(g.pdf);
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

/* ---- a POST from an as-at page ---- */

/* Every POST form of `html` but signing out has an action carrying at=<as_at>; how many. */
static size_t post_forms_carry_the_date(const char *url, const char *html)
{
    char want[64];
    size_t forms = 0;

    snprintf(want, sizeof want, "at=%s", g.as_at);
    for (const char *p = strstr(html, "<form "); p != NULL; p = strstr(p + 1, "<form ")) {
        const char *end = strchr(p, '>'), *post = strstr(p, "method=\"post\"");
        const char *action = strstr(p, " action=\""), *close;
        char value[256];
        assert_non_null(end);
        if (post == NULL || post > end)
            continue;
        assert_true(action != NULL && action < end);
        close = strchr(action + 9, '"');
        assert_non_null(close);
        snprintf(value, sizeof value, "%.*s", (int)(close - action - 9), action + 9);
        if (strcmp(value, "/logout") == 0)
            continue;
        if (strstr(value, want) == NULL)
            fail_msg("%s: a POST form to %s does not carry %s", url, value, want);
        forms++;
    }
    return forms;
}

/* A casework note posted from the case file as at a past date lands back on the case file as at
 * that date; every POST form of the as-at pages carries the date, and one posted from today's
 * page lands on today's. */
static void test_web_asat__a_post_lands_back_on_the_same_date(void **state)
{
    char path[64], url[256], csrf[128], body[512], want[96];
    struct lnt_test_page r;
    char *page;
    (void)state;

    snprintf(path, sizeof path, "/venues/%lld", (long long)g.venue);
    snprintf(url, sizeof url, "%s?at=%s", path, g.as_at);
    page = get(url);
    assert_true(post_forms_carry_the_date(url, page) >= 3); /* record, finding, ... */
    snprintf(want, sizeof want, "action=\"/venues/%lld/casework?at=%s\"", (long long)g.venue,
             g.as_at);
    if (strstr(page, want) == NULL)
        fail_msg("the casework form does not post to %s", want);
    lnt_test_csrf_of(page, csrf, sizeof csrf);
    free(page);
    snprintf(url, sizeof url, "/alerts?at=%s", g.as_at);
    page = get(url);
    assert_true(post_forms_carry_the_date(url, page) >= 1);
    free(page);

    snprintf(url, sizeof url, "%s/casework?at=%s", path, g.as_at);
    snprintf(body, sizeof body, "csrf=%s&type=note&text=Posted+from+a+past+date", csrf);
    lnt_test_officer_http(g.curl, g.server.base, url, body, NULL, &r);
    assert_int_equal(r.status, 303);
    snprintf(want, sizeof want, "at=%s", g.as_at);
    if (strstr(r.location, want) == NULL || !lnt_str_starts(r.location, path))
        fail_msg("after the POST: Location %s, not the case file with %s", r.location, want);
    lnt_test_page_release(&r);

    /* the same form from today's page: today's page */
    snprintf(url, sizeof url, "%s/casework", path);
    snprintf(body, sizeof body, "csrf=%s&type=note&text=Posted+today", csrf);
    lnt_test_officer_http(g.curl, g.server.base, url, body, NULL, &r);
    assert_int_equal(r.status, 303);
    assert_null(strstr(r.location, "at="));
    lnt_test_page_release(&r);

    /* a date that is not one is not carried into the Location */
    snprintf(url, sizeof url, "%s/casework?at=x%%0d%%0aSet-Cookie:+a", path);
    snprintf(body, sizeof body, "csrf=%s&type=note&text=Posted+with+a+bad+date", csrf);
    lnt_test_officer_http(g.curl, g.server.base, url, body, NULL, &r);
    assert_int_equal(r.status, 303);
    assert_null(strstr(r.location, "at="));
    lnt_test_page_release(&r);
}

/* ---- casework as it stood ---- */

/* The row of casework record `id` on a case file: from its <tr> to its </tr> (caller frees). */
static char *cw_row(const char *html, int64_t id)
{
    char key[48];
    const char *a, *b;
    char *row;

    snprintf(key, sizeof key, "<tr id=\"cw-%lld\"", (long long)id);
    a = strstr(html, key);
    if (a == NULL)
        fail_msg("no casework row %lld", (long long)id);
    b = strstr(a, "</tr>");
    assert_non_null(b);
    row = strndup(a, (size_t)(b - a));
    assert_non_null(row);
    return row;
}

/* A note reworded after the as-at date reads as it did then, and an item closed after it is
 * open then, on the case file, its timeline and through the API; today both read as they are. */
static void test_web_asat__casework_reads_as_it_stood_then(void **state)
{
    char path[128];
    struct lnt_test_page r;
    char *live, *past, *row;
    (void)state;

    snprintf(path, sizeof path, "/venues/%lld", (long long)g.venue);
    live = get(path);
    row = cw_row(live, g.note);
    assert_non_null(strstr(row, "Door log kept every night since"));
    assert_non_null(strstr(row, "version 2"));
    free(row);
    row = cw_row(live, g.item);
    assert_non_null(strstr(row, "st-closed"));
    free(row);
    assert_non_null(strstr(live, "Action item due: Train the door team in WAVE (closed)"));
    assert_null(strstr(live, "Door log missing at the first visit"));

    snprintf(path, sizeof path, "/venues/%lld?at=%s", (long long)g.venue, g.as_at);
    past = get(path);
    row = cw_row(past, g.note);
    assert_non_null(strstr(row, "Door log missing at the first visit"));
    assert_non_null(strstr(row, "version 1"));
    assert_non_null(strstr(row, "Changed since this date")); /* no form to write over it */
    assert_null(strstr(row, "<form"));
    free(row);
    row = cw_row(past, g.item);
    assert_null(strstr(row, "st-closed"));
    assert_non_null(strstr(row, "Open"));
    free(row);
    assert_non_null(strstr(past, "Action item due: Train the door team in WAVE</a>"));
    assert_null(strstr(past, "Door log kept every night since"));
    free(live);
    free(past);

    /* the API by the same rule */
    snprintf(path, sizeof path, "/api/v1/venues/%lld/casework", (long long)g.venue);
    lnt_test_officer_http(g.curl, g.server.base, path, NULL, g.token, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "Door log kept every night since"));
    assert_null(strstr(r.body.data, "Door log missing at the first visit"));
    assert_non_null(strstr(r.body.data, "\"closed_by\":\"test town\""));
    lnt_test_page_release(&r);
    snprintf(path, sizeof path, "/api/v1/venues/%lld/casework?at=%s", (long long)g.venue, g.as_at);
    lnt_test_officer_http(g.curl, g.server.base, path, NULL, g.token, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "Door log missing at the first visit"));
    assert_null(strstr(r.body.data, "Door log kept every night since"));
    assert_null(strstr(r.body.data, "Posted from a past date"));     /* made today */
    assert_null(strstr(r.body.data, "\"closed_by\":\"test town\"")); /* open then */
    lnt_test_page_release(&r);
    snprintf(path, sizeof path, "/api/v1/venues/%lld/casework?at=someday", (long long)g.venue);
    lnt_test_officer_http(g.curl, g.server.base, path, NULL, g.token, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body.data, "query `at`"));
    lnt_test_page_release(&r);
}

/* ---- the evidence pack ---- */

/* Downloads the pack at `path` into g.pdf and returns its text by pdftotext (caller frees). */
static char *pack_text(const char *path)
{
    const char *argv[] = {PDFTOTEXT, g.pdf, "-", NULL};
    struct lnt_test_page r;
    struct lnt_proc_result pr;
    char *out;
    FILE *f;

    lnt_test_officer_http(g.curl, g.server.base, path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(lnt_str_starts(r.body.data, "%PDF-"));
    f = fopen(g.pdf, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(r.body.data, 1, r.body.len, f), r.body.len);
    assert_int_equal(fclose(f), 0);
    lnt_test_page_release(&r);
    if (lnt_proc_run(argv, NULL, 30000, &pr) != 0 || pr.status != 0)
        fail_msg("pdftotext failed (poppler-utils, scripts/install-deps): %s",
                 pr.err != NULL ? pr.err : "");
    out = pr.out;
    pr.out = NULL;
    lnt_proc_result_release(&pr);
    return out;
}

/* A pack made as at a past date says so on its cover and on every page's footer, and reads the
 * casework as it stood then; today's pack says neither, and when it was prepared. */
static void test_web_asat__the_pack_as_at_a_date_says_so(void **state)
{
    char path[128], words[LNT_LOCAL_DATE_STRLEN], as_at[64], today[LNT_LOCAL_DATE_STRLEN];
    char *text, *page, *next;
    int pages = 0, footers = 0;
    (void)state;

    assert_int_equal(lnt_local_date_format(lnt_night_of(g.now) - AS_AT_BACK, words), LNT_OK);
    assert_int_equal(lnt_local_date_format(lnt_london_date(g.now), today), LNT_OK);
    snprintf(as_at, sizeof as_at, "As at %s", words);
    snprintf(path, sizeof path, "/venues/%lld/evidence.pdf?at=%s", (long long)g.venue, g.as_at);
    text = pack_text(path);
    page = strstr(text, as_at);
    if (page == NULL || page > strstr(text, "Summary"))
        fail_msg("the cover does not say \"%s\":\n%.600s", as_at, text);
    assert_non_null(strstr(text, "Prepared ")); /* when it was made: today, not the date */
    assert_non_null(strstr(strstr(text, "Prepared "), today));
    assert_non_null(strstr(text, "Door log missing at the first visit"));
    assert_null(strstr(text, "Door log kept every night since"));
    /* pages are split by form feeds; each ends with its footer */
    for (page = text; page != NULL && *page != '\0'; page = next) {
        char *ff = strchr(page, '\f');
        next = ff != NULL ? ff + 1 : NULL;
        if (ff != NULL)
            *ff = '\0';
        if (strspn(page, " \n") == strlen(page))
            continue;
        pages++;
        footers += strstr(page, "Lantern evidence pack: Harbour Inn") != NULL &&
                   strstr(strstr(page, "Lantern evidence pack: Harbour Inn"), as_at) != NULL;
    }
    assert_true(pages >= 2);
    assert_int_equal(footers, pages);
    free(text);

    snprintf(path, sizeof path, "/venues/%lld/evidence.pdf", (long long)g.venue);
    text = pack_text(path);
    assert_null(strstr(text, "As at "));
    assert_non_null(strstr(strstr(text, "Prepared "), today));
    assert_non_null(strstr(text, "Door log kept every night since"));
    free(text);
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
        cmocka_unit_test(test_web_asat__a_post_lands_back_on_the_same_date),
        cmocka_unit_test(test_web_asat__casework_reads_as_it_stood_then),
        cmocka_unit_test(test_web_asat__the_pack_as_at_a_date_says_so),
        cmocka_unit_test(test_web_asat__overview_compares_two_chosen_periods),
        cmocka_unit_test(test_web_asat__case_file_compares_a_night_with_last_year),
        cmocka_unit_test(test_web_asat__compare_quarter_and_bad_pairs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
