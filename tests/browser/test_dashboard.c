/* test_dashboard.c - the officers' dashboard in real headless Chromium, against a real lanternd. */
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
#include "lanternd.h"
#include "ltime.h"
#include "night.h"
#include "officer_client.h"
#include "store.h"
#include "support.h"
#include "town.h"
#include "browser_session.h"
#include "webdriver.h"
#include "xmlcheck.h"

#define URL_MAX 512

static struct {
    char *dir;
    char *db;
    struct lnt_test_lanternd server;
    struct lnt_wd *wd;
    struct town town;
} g;

/* ---- plain HTTP, for what a browser hides: status codes, headers, raw markup ---- */

/* The "name=value" part of a Set-Cookie line, in a static buffer (one of two). */
static const char *cookie_value(const char *set_cookie)
{
    static char buf[2][256];
    static int k;
    char *b = buf[k++ % 2];
    size_t n = strcspn(set_cookie, ";");
    memcpy(b, set_cookie, n < sizeof buf[0] ? n : sizeof buf[0] - 1);
    b[n < sizeof buf[0] ? n : sizeof buf[0] - 1] = '\0';
    return b;
}

/* ---- the browser ---- */

static char *text_of(const char *css)
{
    char err[LNT_ERRBUF_SIZE] = "", *t = NULL;
    if (lnt_wd_text_css(g.wd, css, &t, err) != LNT_OK)
        fail_msg("text of %s: %s", css, err);
    return t;
}

/* ---- setup ---- */

static int setup(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    browser_scratch(&g.dir, &g.db, "town.db");
    if (town_build(g.db, lnt_time_now(), &g.town, err) != LNT_OK)
        fail_msg("building the test town: %s", err);
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

static void test_dashboard__logged_out_every_route_goes_to_login(void **state)
{
    static const char *const gets[] = {
        "/",           "/venues/1", "/venues/1/register", "/venues/1/evidence.pdf", "/trends",
        "/volunteers", "/admin",    "/exports",           "/exports/venues.csv"};
    static const char *const posts[] = {"/logout", "/venues/1/findings",
                                        "/venues/1/incidents/x/open", "/admin/venue-add"};
    char path[URL_MAX], err[LNT_ERRBUF_SIZE] = "";
    CURL *c = lnt_test_officer_client();
    (void)state;

    assert_int_equal(lnt_wd_delete_cookies(g.wd, err), LNT_OK);
    for (size_t i = 0; i < sizeof gets / sizeof gets[0]; i++) {
        go(gets[i]);
        current_path(path, sizeof path);
        if (!lnt_str_starts(path, "/login"))
            fail_msg("logged out, %s showed %s instead of the login page", gets[i], path);
        assert_text_has("h1", "Sign in");
    }
    for (size_t i = 0; i < sizeof posts / sizeof posts[0]; i++) {
        struct lnt_test_page r;
        lnt_test_officer_http(c, g.server.base, posts[i], "csrf=x", NULL, &r);
        assert_int_equal(r.status, 303);
        assert_true(lnt_str_starts(r.location, "/login"));
        lnt_buf_release(&r.body);
    }
    curl_easy_cleanup(c);
}

static void test_dashboard__wrong_password_is_refused_then_login_lands_on_overview(void **state)
{
    char path[URL_MAX], err[LNT_ERRBUF_SIZE] = "";
    CURL *c = lnt_test_officer_client();
    (void)state;

    assert_int_equal(lnt_wd_delete_cookies(g.wd, err), LNT_OK);
    go("/login");
    type("#email", TOWN_OFFICER);
    type("#password", "not the password at all");
    click("#sign-in");
    assert_text_has("#login-error", "do not match");
    assert_int_equal(
        lnt_test_officer_login(c, g.server.base, TOWN_OFFICER, "still not the password", NULL, 0),
        401);

    browser_login(TOWN_OFFICER);
    current_path(path, sizeof path);
    assert_string_equal(path, "/");
    assert_text_has("h1", "Overview");
    assert_text_has(".who", "Olu Officer");
    curl_easy_cleanup(c);
}

static void test_dashboard__login_comes_back_to_the_bookmarked_league(void **state)
{
    char path[URL_MAX], err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    /* a bookmarked league filtered to one area, opened while signed out */
    assert_int_equal(lnt_wd_delete_cookies(g.wd, err), LNT_OK);
    go("/?area=Riverside");
    wait_path("/login", "", path, sizeof path);
    type("#email", TOWN_OFFICER);
    type("#password", TOWN_PASSWORD);
    click("#sign-in");
    assert_text_has(".who", "Sign out");
    wait_path("", "area=Riverside", path, sizeof path);
    assert_string_equal(path, "/?area=Riverside");
    {
        char *league = text_of("#league");
        assert_non_null(strstr(league, "Velvet"));
        assert_null(strstr(league, "The Crown"));
        free(league);
    }
}

static void test_dashboard__cup_cover_stock_from_the_navigation(void **state)
{
    struct lnt_test_page r;
    CURL *c = lnt_test_officer_client();
    char *table;
    (void)state;

    browser_login(TOWN_OFFICER);
    go("/");
    click("nav a[href='/stock']");
    assert_text_has("h1", "Cup covers");
    /* Northtown's five venues, The Crown's falling stock forecast to run out */
    assert_int_equal(count("#stock-table tbody tr"), 5);
    table = text_of("#stock-table");
    assert_non_null(strstr(table, "The Crown"));
    assert_null(strstr(table, "Southvale Arms"));
    free(table);
    table = text_of("#stock-table tbody tr:first-child");
    assert_non_null(strstr(table, "The Crown"));
    assert_non_null(strstr(table, "140"));
    assert_non_null(strstr(table, " days)"));
    free(table);
    /* Southvale's officer sees Southvale's only; a venue manager has no town page */
    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_SOUTH, TOWN_PASSWORD, NULL, 0),
                     303);
    lnt_test_officer_http(c, g.server.base, "/stock", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "Southvale Arms"));
    assert_null(strstr(r.body.data, "The Crown"));
    lnt_buf_release(&r.body);
    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_MANAGER, TOWN_PASSWORD, NULL, 0),
                     303);
    lnt_test_officer_http(c, g.server.base, "/stock", NULL, NULL, &r);
    assert_int_equal(r.status, 403);
    lnt_buf_release(&r.body);
    curl_easy_cleanup(c);
}

static void test_dashboard__session_cookie_is_httponly_strict_and_fresh(void **state)
{
    struct lnt_test_page r;
    char token[128], body[512], first[256], again[256];
    CURL *c = lnt_test_officer_client();
    (void)state;

    lnt_test_officer_http(c, g.server.base, "/login", NULL, NULL, &r);
    lnt_test_csrf_of(r.body.data, token, sizeof token);
    lnt_buf_release(&r.body);
    snprintf(body, sizeof body, "csrf=%s&email=%s&password=%s", token, TOWN_OFFICER,
             "correct%20horse%20battery%20staple");
    lnt_test_officer_http(c, g.server.base, "/login", body, NULL, &r);
    assert_int_equal(r.status, 303);
    assert_non_null(strstr(r.cookie, "HttpOnly"));
    assert_non_null(strstr(r.cookie, "SameSite=Strict"));
    assert_null(strstr(r.cookie, "Secure")); /* plain HTTP on loopback */
    lnt_str_copy(first, sizeof first, r.cookie);
    lnt_buf_release(&r.body);
    /* signing in again gives a new session id */
    assert_int_equal(
        lnt_test_officer_login(c, g.server.base, TOWN_OFFICER, TOWN_PASSWORD, again, sizeof again),
        303);
    assert_string_not_equal(cookie_value(first), cookie_value(again));
    lnt_test_officer_http(c, g.server.base, "/", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.csp, "script-src 'self'"));
    assert_non_null(strstr(r.csp, "default-src 'none'"));
    lnt_buf_release(&r.body);
    curl_easy_cleanup(c);
    assert_true(strlen(first) > 20);
}

static void test_dashboard__every_page_renders_well_formed(void **state)
{
    char paths[9][96];
    CURL *c = lnt_test_officer_client();
    size_t n = 0;
    (void)state;

    snprintf(paths[n++], sizeof paths[0], "/");
    snprintf(paths[n++], sizeof paths[0], "/venues/%lld", (long long)g.town.velvet);
    snprintf(paths[n++], sizeof paths[0], "/venues/%lld/register", (long long)g.town.velvet);
    snprintf(paths[n++], sizeof paths[0], "/trends");
    snprintf(paths[n++], sizeof paths[0], "/volunteers");
    snprintf(paths[n++], sizeof paths[0], "/admin");
    snprintf(paths[n++], sizeof paths[0], "/exports");
    snprintf(paths[n++], sizeof paths[0], "/venues/%lld", (long long)g.town.anchor);
    snprintf(paths[n++], sizeof paths[0], "/stock");
    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_ADMIN, TOWN_PASSWORD, NULL, 0),
                     303);
    for (size_t i = 0; i < n; i++) {
        struct lnt_test_page r;
        char why[200] = "";
        lnt_test_officer_http(c, g.server.base, paths[i], NULL, NULL, &r);
        if (r.status != 200)
            fail_msg("%s: status %ld: %.400s", paths[i], r.status, r.body.data);
        if (!lnt_xml_check(r.body.data, why, sizeof why))
            fail_msg("%s is not well-formed: %s", paths[i], why);
        assert_null(strstr(r.body.data, "<Anchor>")); /* escaped everywhere */
        lnt_buf_release(&r.body);
    }
    curl_easy_cleanup(c);

    browser_login(TOWN_ADMIN);
    go("/");
    assert_int_equal(count("#league tbody tr"), 6); /* five Northtown venues and one in Southvale */
    assert_text_has("#league", "Southvale Arms");
    assert_text_has("#league", "The <Anchor> & \"Co\"");
    assert_text_has("#town-week", "Incidents reported");
    go(paths[1]);
    assert_text_has("#venue-name", "Velvet");
    assert_true(count("#bbn-table tbody tr") >= 20);
    assert_text_has("#risk", "points");
    assert_text_has("#risk", "Band from points");
    {
        char *risk = text_of("#risk");
        assert_null(strstr(risk, "capped")); /* a floor reads "at least ... because" */
        free(risk);
    }
    assert_true(count("#incident-table tbody tr") >= 3);
    assert_text_has("#training-table", "Sam Whitfield");
    go(paths[2]);
    assert_text_has("#register-table", "Sam Whitfield");
    go("/trends");
    assert_int_equal(count("#heatmap g.cell"), 168);
    assert_true(count("#monthly g.point") >= 12);
    go("/volunteers");
    assert_text_has("#volunteer-table", "Street Pastors");
    go("/admin");
    assert_text_has("#admin-officers", TOWN_SOUTH);
    go("/exports");
    assert_true(count("#export-list li") >= 5);
}

/* An admin requires a course of a role on the Admin page and takes it off again: the table
 * says what kiosks will hold the role to. */
static void test_dashboard__admin_requires_training_per_role(void **state)
{
    char *row;
    (void)state;

    browser_login(TOWN_ADMIN);
    go("/admin");
    row = text_of("#admin-required tr[data-role='volunteer']");
    assert_null(strstr(row, "angela"));
    free(row);
    click("#rq-role option[value='volunteer']");
    click("#rq-course option:nth-child(3)"); /* bystander, wave, angela, ... */
    click("#training-require button[type='submit']");
    assert_text_has("#admin-required tr[data-role='volunteer']", "angela");
    click("#admin-required tr[data-role='volunteer'] form:has(input[value='angela']) button");
    for (int tries = 0; tries < 100; tries++) {
        char err[LNT_ERRBUF_SIZE] = "";
        row = NULL;
        if (lnt_wd_text_css(g.wd, "#admin-required tr[data-role='volunteer']", &row, err) ==
                LNT_OK &&
            strstr(row, "angela") == NULL)
            break;
        free(row);
        row = NULL;
        usleep(100 * 1000);
    }
    assert_non_null(row);
    free(row);
}

static void test_dashboard__league_sorts_and_filters_without_script(void **state)
{
    char *first = NULL, *last = NULL, path[URL_MAX];
    (void)state;

    browser_login(TOWN_ADMIN);
    go("/?sort=name&dir=asc");
    first = text_of("#league tbody tr:first-child td:first-child");
    last = text_of("#league tbody tr:last-child td:first-child");
    assert_true(strncmp(first, "Quayside", 8) == 0);
    assert_true(strncmp(last, "Velvet", 6) == 0);
    free(first);
    free(last);
    /* clicking the header sorts the other way */
    click("#sort-name");
    wait_path("", "dir=desc", path, sizeof path);
    assert_non_null(strstr(path, "sort=name"));
    assert_non_null(strstr(path, "dir=desc"));
    first = text_of("#league tbody tr:first-child td:first-child");
    assert_true(strncmp(first, "Velvet", 6) == 0);
    free(first);
    /* incidents, most first: Velvet has the most */
    go("/?sort=incidents&dir=desc");
    first = text_of("#league tbody tr:first-child td:first-child");
    assert_true(strncmp(first, "Velvet", 6) == 0);
    free(first);
    /* filter by category through the form */
    go("/");
    {
        char err[LNT_ERRBUF_SIZE] = "";
        assert_int_equal(lnt_wd_click_css(g.wd, "#f-category option[value='nightclub']", err),
                         LNT_OK);
    }
    click("#apply");
    wait_path("", "category=nightclub", path, sizeof path);
    assert_int_equal(count("#league tbody tr"), 1);
    assert_text_has("#league tbody", "Velvet");
    /* and by area, by address */
    go("/?area=Riverside");
    assert_int_equal(count("#league tbody tr"), 2);
    go("/?band=red&category=hub");
    assert_text_has("#league tbody", "No venue matches");
}

static void test_dashboard__other_authority_is_forbidden_and_audited(void **state)
{
    char path[64], err[LNT_ERRBUF_SIZE] = "", object[32];
    struct lnt_store *s = NULL;
    struct lnt_audit_entry *a = NULL;
    struct lnt_test_page r;
    CURL *c = lnt_test_officer_client();
    size_t n = 0;
    bool audited = false;
    (void)state;

    browser_login(TOWN_OFFICER);
    go("/");
    {
        char *league = text_of("#league");
        assert_null(strstr(league, "Southvale"));
        free(league);
    }
    snprintf(path, sizeof path, "/venues/%lld", (long long)g.town.south);
    go(path);
    assert_text_has("h1", "Not yours to see");
    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_OFFICER, TOWN_PASSWORD, NULL, 0),
                     303);
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    assert_int_equal(r.status, 403);
    assert_null(strstr(r.body.data, "Southvale Arms"));
    lnt_buf_release(&r.body);
    snprintf(path, sizeof path, "/venues/%lld/register", (long long)g.town.south);
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    assert_int_equal(r.status, 403);
    lnt_buf_release(&r.body);
    /* a venue manager sees their own venue only */
    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_MANAGER, TOWN_PASSWORD, NULL, 0),
                     303);
    snprintf(path, sizeof path, "/venues/%lld", (long long)g.town.velvet);
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    assert_int_equal(r.status, 403);
    lnt_buf_release(&r.body);
    curl_easy_cleanup(c);

    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    assert_int_equal(lnt_store_audit_list(s, 0, 0, 0, 200, &a, &n, err), LNT_OK);
    snprintf(object, sizeof object, "venue %lld", (long long)g.town.south);
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].action, "access.refused") == 0 && strcmp(a[i].object, object) == 0 &&
            strstr(a[i].actor, TOWN_OFFICER) != NULL)
            audited = true;
    free(a);
    lnt_store_free(s);
    assert_true(audited);
}

static void test_dashboard__form_without_csrf_token_is_refused(void **state)
{
    char path[96], body[256], *script = NULL, err[LNT_ERRBUF_SIZE] = "";
    struct lnt_test_page r;
    CURL *c = lnt_test_officer_client();
    (void)state;

    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_ADMIN, TOWN_PASSWORD, NULL, 0),
                     303);
    snprintf(path, sizeof path, "/venues/%lld/findings", (long long)g.town.crown);
    snprintf(body, sizeof body, "criterion=A3&met=1&evidence=x&found_on=2020-01-01");
    lnt_test_officer_http(c, g.server.base, path, body, NULL, &r);
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body.data, "security token"));
    lnt_buf_release(&r.body);
    snprintf(body, sizeof body, "csrf=forged&name=Evil&category=pub&capacity=10");
    lnt_test_officer_http(c, g.server.base, "/admin/venue-add", body, NULL, &r);
    assert_int_equal(r.status, 403);
    lnt_buf_release(&r.body);
    curl_easy_cleanup(c);

    /* in the browser: the real form with its token removed */
    browser_login(TOWN_ADMIN);
    snprintf(path, sizeof path, "/venues/%lld", (long long)g.town.crown);
    go(path);
    assert_int_equal(lnt_wd_execute(g.wd,
                                    "document.querySelector('#finding-form input[name=csrf]')"
                                    ".remove(); return 1;",
                                    &script, err),
                     LNT_OK);
    free(script);
    click("#record-finding");
    assert_text_has("h1", "Form refused");
}

static void test_dashboard__assessor_finding_shows_in_the_score(void **state)
{
    char path[96], row[64];
    char *before = NULL, *after = NULL;
    (void)state;

    browser_login(TOWN_OFFICER);
    snprintf(path, sizeof path, "/venues/%lld", (long long)g.town.crown);
    go(path);
    snprintf(row, sizeof row, "#bbn-table tr[data-criterion='A3'] .bbn-status");
    before = text_of(row);
    assert_string_not_equal(before, "Met");
    {
        char err[LNT_ERRBUF_SIZE] = "";
        assert_int_equal(lnt_wd_click_css(g.wd, "#criterion option[value='A3']", err), LNT_OK);
    }
    click("#met-yes");
    type("#evidence", "Written dispersal policy seen & signed <by the DPS>");
    click("#record-finding");
    assert_text_has("#finding-saved", "recorded");
    after = text_of(row);
    assert_string_equal(after, "Met");
    assert_text_has("#finding-table", "Written dispersal policy seen & signed <by the DPS>");
    assert_text_has("#finding-table", "Olu Officer");
    free(before);
    free(after);
}

static void test_dashboard__opening_sealed_details_is_audited(void **state)
{
    char path[96], err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct lnt_audit_entry *a = NULL;
    size_t n = 0;
    bool audited = false;
    (void)state;

    /* a venue manager cannot open them */
    browser_login(TOWN_MANAGER);
    snprintf(path, sizeof path, "/venues/%lld", (long long)g.town.crown);
    go(path);
    assert_int_equal(count("button.open-details"), 0);
    assert_text_has("#incident-table", "sealed");

    browser_login(TOWN_OFFICER);
    go(path);
    click("button.open-details");
    assert_text_has("h1", "Incident details");
    assert_text_has("#incident-details", TOWN_SECRET_NOTE);

    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    assert_int_equal(lnt_store_audit_list(s, 0, 0, 0, 200, &a, &n, err), LNT_OK);
    for (size_t i = 0; i < n; i++)
        if (strcmp(a[i].action, "incident.read") == 0 &&
            strcmp(a[i].object, g.town.sealed_report) == 0 && strstr(a[i].actor, TOWN_OFFICER))
            audited = true;
    free(a);
    lnt_store_free(s);
    assert_true(audited);
}

static void test_dashboard__exports_are_csv_and_pdf(void **state)
{
    struct lnt_test_page r;
    char path[96];
    CURL *c = lnt_test_officer_client();
    (void)state;

    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_OFFICER, TOWN_PASSWORD, NULL, 0),
                     303);
    lnt_test_officer_http(c, g.server.base, "/exports/venues.csv", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(lnt_str_starts(r.body.data, "id,name,category"));
    assert_non_null(strstr(r.body.data, "\"The <Anchor> & \"\"Co\"\"\""));
    assert_null(strstr(r.body.data, "Southvale"));
    lnt_buf_release(&r.body);
    snprintf(path, sizeof path, "/venues/%lld/evidence.pdf", (long long)g.town.velvet);
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(lnt_str_starts(r.body.data, "%PDF-"));
    lnt_buf_release(&r.body);
    curl_easy_cleanup(c);
}

static void test_dashboard__logout_ends_the_session(void **state)
{
    char path[URL_MAX];
    (void)state;

    browser_login(TOWN_OFFICER);
    go("/trends");
    click("#logout");
    wait_path("/login", "", path, sizeof path);
    go("/trends");
    current_path(path, sizeof path);
    assert_true(lnt_str_starts(path, "/login"));
}

static void test_dashboard__failed_logins_lock_the_account(void **state)
{
    CURL *c = lnt_test_officer_client();
    (void)state;

    for (int i = 0; i < 5; i++)
        assert_int_equal(
            lnt_test_officer_login(c, g.server.base, TOWN_SOUTH, "guessing the password", NULL, 0),
            401);
    /* the right password no longer helps for a while; other accounts are not locked */
    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_SOUTH, TOWN_PASSWORD, NULL, 0),
                     429);
    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_OFFICER, TOWN_PASSWORD, NULL, 0),
                     303);
    curl_easy_cleanup(c);
}

/* The table row of the dashboard's HTML `html` that names `name`, copied into out. */
static void row_of(const char *html, const char *name, char *out, size_t size)
{
    const char *p = strstr(html, name), *start, *end;
    if (p == NULL)
        fail_msg("the page does not name %s", name);
    for (start = p; start > html && strncmp(start, "<tr", 3) != 0; start--)
        ;
    end = strstr(p, "</tr>");
    assert_non_null(end);
    assert_true((size_t)(end - start) < size);
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = '\0';
}

/*
 * Licences, courses and month charts go by the London calendar: a licence
 * that ran out yesterday reads "expired" from London's midnight, even in the
 * hour after it when the UTC date is still yesterday's (the fixed-clock runs
 * at bst-end and month-turn), and the month charts end with London's month.
 */
static void test_dashboard__expiry_and_months_follow_the_london_date(void **state)
{
    struct lnt_store *s = NULL;
    struct lnt_staff st;
    struct lnt_training tr;
    struct lnt_test_page r;
    char err[LNT_ERRBUF_SIZE] = "", path[96], row[4096], label[16];
    static const char *const mon[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int32_t today = lnt_london_date(lnt_time_now());
    int y, m, d;
    CURL *c = lnt_test_officer_client();
    (void)state;

    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    memset(&st, 0, sizeof st);
    st.venue_id = g.town.velvet;
    lnt_str_copy(st.name, sizeof st.name, "Kit Lapsed");
    st.role = LNT_ROLE_DOOR;
    lnt_str_copy(st.sia_number, sizeof st.sia_number, "5555666677778888");
    st.sia_expires = today - 1;
    assert_int_equal(lnt_store_staff_add(s, &st, err), LNT_OK);
    memset(&tr, 0, sizeof tr);
    tr.staff_id = st.id;
    tr.course = LNT_COURSE_BYSTANDER;
    tr.completed = today - 366;
    tr.expires = today - 1;
    assert_int_equal(lnt_store_training_add(s, &tr, err), LNT_OK);
    memset(&st, 0, sizeof st);
    st.venue_id = g.town.velvet;
    lnt_str_copy(st.name, sizeof st.name, "Lee Lastday");
    st.role = LNT_ROLE_DOOR;
    lnt_str_copy(st.sia_number, sizeof st.sia_number, "5555666677779999");
    st.sia_expires = today;
    assert_int_equal(lnt_store_staff_add(s, &st, err), LNT_OK);
    lnt_store_free(s);

    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_ADMIN, TOWN_PASSWORD, NULL, 0),
                     303);
    snprintf(path, sizeof path, "/venues/%lld", (long long)g.town.velvet);
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    row_of(r.body.data, "Kit Lapsed", row, sizeof row);
    /* the licence and the course both ran out yesterday */
    {
        const char *p = row;
        int expired = 0;
        while ((p = strstr(p, ">expired ")) != NULL) {
            expired++;
            p++;
        }
        if (expired != 2)
            fail_msg("Kit Lapsed's row shows %d expired, not 2: %s", expired, row);
    }
    /* a licence good through today is still in date */
    row_of(r.body.data, "Lee Lastday", row, sizeof row);
    if (strstr(row, ">expired ") != NULL)
        fail_msg("a licence that runs out at the end of today shows expired: %s", row);
    lnt_test_page_release(&r);

    lnt_civil_from_days(today, &y, &m, &d);
    lnt_test_officer_http(c, g.server.base, "/trends", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    snprintf(label, sizeof label, "%s %02d", mon[m - 1], y % 100);
    if (strstr(r.body.data, label) == NULL)
        fail_msg("the monthly trends do not reach this month, %s", label);
    lnt_test_page_release(&r);
    lnt_test_officer_http(c, g.server.base, "/volunteers", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    snprintf(label, sizeof label, "%s %d", mon[m - 1], y);
    if (strstr(r.body.data, label) == NULL)
        fail_msg("the volunteer hours do not reach this month, %s", label);
    lnt_test_page_release(&r);
    curl_easy_cleanup(c);
}

/* The audit rows with `action` by `actor` (a substring). */
static size_t audit_count(const char *action, const char *actor)
{
    struct lnt_store *s = NULL;
    struct lnt_audit_entry *a = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0, hits = 0;

    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    assert_int_equal(lnt_store_audit_list(s, 0, 0, 0, LNT_VIEW_MAX, &a, &n, err), LNT_OK);
    for (size_t i = 0; i < n; i++)
        hits += strcmp(a[i].action, action) == 0 && strstr(a[i].actor, actor) != NULL;
    free(a);
    lnt_store_free(s);
    return hits;
}

/*
 * An admin lists the Crown's door supervisor's licence as suspended from a week ago, imports a
 * list with a bad row, and takes both back. Meanwhile the case file names the door supervisor
 * and badge behind the week's unlicensed door shifts for the admin, the night only for an
 * assessor (who may not read the register), and the register export shows the door shifts of
 * that week as suspended and bar staff as "not required". Last: the town's licence is listed
 * while it runs.
 */
static void test_dashboard__sia_statuses_are_listed_imported_and_taken_back(void **state)
{
    char path[128], want[96], body[1024], csrf[128], from[LNT_DATE_STRLEN], actor[96],
        err[LNT_ERRBUF_SIZE];
    const char *csv = "number,status,from,note\n9999888877776666,revoked,2026-11-01,court\n"
                      "12345,valid,2026-11-01\n";
    struct lnt_test_page r;
    struct lnt_store *s = NULL;
    struct lnt_officer o;
    CURL *c = lnt_test_officer_client();
    char *enc;
    (void)state;

    assert_int_equal(lnt_date_format(lnt_london_date(lnt_time_now()) - 7, from), LNT_OK);
    snprintf(actor, sizeof actor, "web:%s", TOWN_ADMIN);
    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_ADMIN, TOWN_PASSWORD, NULL, 0),
                     303);
    lnt_test_officer_http(c, g.server.base, "/admin", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "id=\"sia-none\""));
    lnt_test_csrf_of(r.body.data, csrf, sizeof csrf);
    lnt_buf_release(&r.body);

    snprintf(body, sizeof body,
             "csrf=%s&number=1234+5678+1234+5678&status=suspended&from=%s&note=SIA+letter+41", csrf,
             from);
    lnt_test_officer_http(c, g.server.base, "/admin/sia-set", body, NULL, &r);
    assert_int_equal(r.status, 303);
    lnt_buf_release(&r.body);
    snprintf(body, sizeof body, "csrf=%s&number=1234&status=suspended&from=%s", csrf, from);
    lnt_test_officer_http(c, g.server.base, "/admin/sia-set", body, NULL, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body.data, "16 digits"));
    lnt_buf_release(&r.body);

    enc = curl_easy_escape(c, csv, 0);
    snprintf(body, sizeof body, "csrf=%s&csv=%s", csrf, enc);
    curl_free(enc);
    lnt_test_officer_http(c, g.server.base, "/admin/sia-import", body, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "1 row imported"));
    assert_non_null(strstr(r.body.data, "line 3: an SIA licence number is 16 digits, got "
                                        "&#39;12345&#39;"));
    lnt_buf_release(&r.body);

    lnt_test_officer_http(c, g.server.base, "/admin", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "data-number=\"1234567812345678\""));
    assert_non_null(strstr(r.body.data, "SIA letter 41"));
    assert_non_null(strstr(r.body.data, "data-number=\"9999888877776666\""));
    lnt_buf_release(&r.body);
    assert_int_equal(audit_count("sia.set-status", actor), 2);
    assert_int_equal(audit_count("admin.sia-import", actor), 1);

    /* the case file names who worked the door on a suspended licence, and on which badge */
    snprintf(path, sizeof path, "/venues/%lld", (long long)g.town.crown);
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "<span class=\"sia-person\">Dee Okafor (staff "));
    assert_non_null(strstr(r.body.data, "licence suspended"));
    lnt_buf_release(&r.body);
    /* an assessor sees the night only, and may not read the register */
    memset(&o, 0, sizeof o);
    lnt_str_copy(o.email, sizeof o.email, "assessor@north.example");
    lnt_str_copy(o.name, sizeof o.name, "Asha Assessor");
    o.scope.role = LNT_OFFICER_ASSESSOR;
    lnt_str_copy(o.scope.authority, sizeof o.scope.authority, "Northtown");
    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    assert_int_equal(lnt_store_officer_add(s, &o, TOWN_PASSWORD, err), LNT_OK);
    lnt_store_free(s);
    assert_int_equal(
        lnt_test_officer_login(c, g.server.base, "assessor@north.example", TOWN_PASSWORD, NULL, 0),
        303);
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "without a valid SIA licence on the night of"));
    assert_null(strstr(r.body.data, "sia-person"));
    assert_null(strstr(r.body.data, "licence suspended"));
    /* no name in the training table, and no link or button that would answer 403 */
    assert_null(strstr(r.body.data, "Dee Okafor"));
    assert_non_null(strstr(r.body.data, "Staff member 1"));
    snprintf(want, sizeof want, "href=\"/venues/%lld/register", (long long)g.town.crown);
    assert_null(strstr(r.body.data, want));
    lnt_buf_release(&r.body);
    snprintf(path, sizeof path, "/exports/training.csv?venue=%lld", (long long)g.town.crown);
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body.data, "Dee Okafor"));
    assert_non_null(strstr(r.body.data, "Staff member 1,"));
    lnt_buf_release(&r.body);
    snprintf(path, sizeof path, "/venues/%lld/register", (long long)g.town.crown);
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    assert_int_equal(r.status, 403);
    lnt_buf_release(&r.body);
    snprintf(path, sizeof path, "/exports/register.csv?venue=%lld", (long long)g.town.crown);
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    assert_int_equal(r.status, 403);
    lnt_buf_release(&r.body);
    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_ADMIN, TOWN_PASSWORD, NULL, 0),
                     303);
    lnt_test_officer_http(c, g.server.base, "/admin", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    lnt_test_csrf_of(r.body.data, csrf, sizeof csrf); /* a new session, a new token */
    lnt_buf_release(&r.body);

    /* the register export: the scheme's word for door staff, "not required" for the bar */
    snprintf(path, sizeof path, "/exports/register.csv?venue=%lld", (long long)g.town.crown);
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, ",sia_licence,"));
    assert_non_null(strstr(r.body.data, ",door,1234567812345678,suspended,"));
    assert_non_null(strstr(r.body.data, ",bar,,not required,"));
    assert_null(strstr(r.body.data, ",bar,,no,"));
    lnt_buf_release(&r.body);

    snprintf(body, sizeof body, "csrf=%s&number=1234567812345678&from=%s", csrf, from);
    lnt_test_officer_http(c, g.server.base, "/admin/sia-clear", body, NULL, &r);
    assert_int_equal(r.status, 303);
    lnt_buf_release(&r.body);
    snprintf(body, sizeof body, "csrf=%s&number=9999888877776666&from=2026-11-01", csrf);
    lnt_test_officer_http(c, g.server.base, "/admin/sia-clear", body, NULL, &r);
    assert_int_equal(r.status, 303);
    lnt_buf_release(&r.body);
    assert_int_equal(audit_count("sia.clear", actor), 2);
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    assert_null(strstr(r.body.data, "suspended"));
    lnt_buf_release(&r.body);

    lnt_test_officer_http(c, g.server.base, "/admin", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "id=\"sia-none\""));
    lnt_buf_release(&r.body);
    curl_easy_cleanup(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dashboard__logged_out_every_route_goes_to_login),
        cmocka_unit_test(test_dashboard__wrong_password_is_refused_then_login_lands_on_overview),
        cmocka_unit_test(test_dashboard__session_cookie_is_httponly_strict_and_fresh),
        cmocka_unit_test(test_dashboard__login_comes_back_to_the_bookmarked_league),
        cmocka_unit_test(test_dashboard__cup_cover_stock_from_the_navigation),
        cmocka_unit_test(test_dashboard__every_page_renders_well_formed),
        cmocka_unit_test(test_dashboard__league_sorts_and_filters_without_script),
        cmocka_unit_test(test_dashboard__other_authority_is_forbidden_and_audited),
        cmocka_unit_test(test_dashboard__form_without_csrf_token_is_refused),
        cmocka_unit_test(test_dashboard__assessor_finding_shows_in_the_score),
        cmocka_unit_test(test_dashboard__opening_sealed_details_is_audited),
        cmocka_unit_test(test_dashboard__exports_are_csv_and_pdf),
        cmocka_unit_test(test_dashboard__logout_ends_the_session),
        cmocka_unit_test(test_dashboard__failed_logins_lock_the_account),
        cmocka_unit_test(test_dashboard__expiry_and_months_follow_the_london_date),
        cmocka_unit_test(test_dashboard__admin_requires_training_per_role),
        cmocka_unit_test(test_dashboard__sia_statuses_are_listed_imported_and_taken_back),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return cmocka_run_group_tests(tests, setup, teardown);
}
