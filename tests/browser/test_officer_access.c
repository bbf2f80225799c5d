/* test_officer_access.c - how officers get in and what their reads leave behind, against a real
 * lanternd over 127.0.0.1: login throttling under parallel attempts, disabled accounts, incident
 * details found by id, and an audit row for every read of personal or incident data from the API,
 * the dashboard and lanternctl. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "api.h"
#include "buf.h"
#include "lanternd.h"
#include "ltime.h"
#include "officer_client.h"
#include "store.h"
#include "store_map.h"
#include "support.h"
#include "town.h"
#include "web.h"

#define PARALLEL 32 /* attempts sent at once: more than either throttle allows */
#define ACCOUNT_CHECKS 5
#define ADDR_CHECKS 20

static struct {
    char *template_db; /* the town, built once */
    struct town town;
    char *dir; /* this test's copy of the town and its lanternd */
    char *db;
    struct lnt_test_lanternd server;
    int64_t street_record; /* an officer's record at a public place, for /street/records/{id} */
} g;

/* The text of the login page's error notice in `html` ("" when none). */
static void login_error(const char *html, char *out, size_t size)
{
    const char *p = strstr(html, "id=\"login-error\">");
    size_t n;

    out[0] = '\0';
    if (p == NULL)
        return;
    p += strlen("id=\"login-error\">");
    n = strcspn(p, "<");
    if (n >= size)
        n = size - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

/* ---- parallel logins ---- */

struct attempt {
    pthread_barrier_t *go;
    char email[96];
    const char *password;
    long status;
    bool signed_in;
};

static void *attempt_run(void *arg)
{
    struct attempt *a = arg;
    struct lnt_test_page r;
    char body[512];
    CURL *c = lnt_test_officer_client();

    lnt_test_login_body(c, g.server.base, a->email, a->password, body, sizeof body);
    pthread_barrier_wait(a->go); /* every form is loaded: now post them all at once */
    lnt_test_officer_http(c, g.server.base, "/login", body, NULL, &r);
    a->status = r.status;
    a->signed_in = r.cookie[0] != '\0' && strstr(r.cookie, "Max-Age=0") == NULL;
    lnt_buf_release(&r.body);
    curl_easy_cleanup(c);
    return NULL;
}

/* Posts the n attempts at the same moment and waits for every reply. */
static void attempts_at_once(struct attempt *a, size_t n)
{
    pthread_barrier_t go;
    pthread_t t[PARALLEL];

    assert_true(n <= PARALLEL);
    assert_int_equal(pthread_barrier_init(&go, NULL, (unsigned)n), 0);
    for (size_t i = 0; i < n; i++) {
        a[i].go = &go;
        assert_int_equal(pthread_create(&t[i], NULL, attempt_run, &a[i]), 0);
    }
    for (size_t i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&go);
}

/* Audit rows with `action` whose object is `object` (NULL = any). */
static size_t audit_count(const char *action, const char *object)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct lnt_audit_entry *a = NULL;
    size_t n = 0, hits = 0;
    int64_t before = 0;

    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    do {
        free(a);
        a = NULL;
        assert_int_equal(lnt_store_audit_list(s, 0, 0, before, LNT_VIEW_MAX, &a, &n, err), LNT_OK);
        for (size_t i = 0; i < n; i++)
            if (strcmp(a[i].action, action) == 0 &&
                (object == NULL || strcmp(a[i].object, object) == 0))
                hits++;
        if (n > 0)
            before = a[n - 1].id;
    } while (n == LNT_VIEW_MAX);
    free(a);
    lnt_store_free(s);
    return hits;
}

/* ---- setup: one lanternd per test on its own copy of the town ---- */

static int group_setup(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "", *dir;
    (void)state;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    dir = lnt_test_tmpdir();
    assert_non_null(dir);
    g.template_db = lnt_test_path(dir, "town.db");
    free(dir);
    if (town_build(g.template_db, lnt_time_now(), &g.town, err) != LNT_OK)
        fail_msg("building the test town: %s", err);
    return 0;
}

static int group_teardown(void **state)
{
    char *dir;
    (void)state;

    dir = g.template_db != NULL ? strdup(g.template_db) : NULL;
    if (dir != NULL) {
        char *slash = strrchr(dir, '/');
        if (slash != NULL)
            *slash = '\0';
        if (getenv("LNT_KEEP_TMP") == NULL)
            lnt_test_rmrf(dir);
    }
    free(dir);
    free(g.template_db);
    curl_global_cleanup();
    return 0;
}

/* Copies the template town (a checkpointed SQLite file) to `to`. */
static void copy_file(const char *from, const char *to)
{
    char buf[65536];
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    size_t n;

    assert_non_null(in);
    assert_non_null(out);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* Copies the template town's key file (keys/town.keys beside its database, where lanternd and
 * lanternctl look for it) into this test's directory, readable by its owner only as they ask. */
static void copy_keys(void)
{
    char from[1024], dir[1000], to[1024];
    const char *slash = strrchr(g.template_db, '/');

    assert_non_null(slash);
    snprintf(from, sizeof from, "%.*s/keys/town.keys", (int)(slash - g.template_db), g.template_db);
    snprintf(dir, sizeof dir, "%s/keys", g.dir);
    snprintf(to, sizeof to, "%s/town.keys", dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    copy_file(from, to);
    assert_int_equal(chmod(to, 0600), 0);
}

static int setup(void **state)
{
    (void)state;
    g.dir = lnt_test_tmpdir();
    assert_non_null(g.dir);
    g.db = lnt_test_path(g.dir, "town.db");
    copy_file(g.template_db, g.db);
    copy_keys();
    lnt_test_lanternd_start(&g.server, g.dir, g.db, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lnt_test_lanternd_stop(&g.server, SIGTERM);
    if (getenv("LNT_KEEP_TMP") == NULL)
        lnt_test_rmrf(g.dir);
    free(g.db);
    free(g.dir);
    g.db = g.dir = NULL;
    return 0;
}

/* ---- login throttling ---- */

static void test_officer_access__parallel_logins_check_at_most_five_passwords(void **state)
{
    static struct attempt a[PARALLEL];
    size_t checked = 0;
    CURL *c = lnt_test_officer_client();
    (void)state;

    /* every guess at once: only five may reach the password check */
    memset(a, 0, sizeof a);
    for (size_t i = 0; i < PARALLEL; i++) {
        lnt_str_copy(a[i].email, sizeof a[i].email, TOWN_OFFICER);
        a[i].password = "a wrong guess at the password";
    }
    attempts_at_once(a, PARALLEL);
    for (size_t i = 0; i < PARALLEL; i++) {
        if (a[i].status == 401)
            checked++;
        else if (a[i].status != 429)
            fail_msg("attempt %zu got status %ld, not 401 or 429", i, a[i].status);
        assert_false(a[i].signed_in);
    }
    if (checked > ACCOUNT_CHECKS)
        fail_msg("%zu passwords were checked for one account, more than %d", checked,
                 ACCOUNT_CHECKS);
    assert_true(checked >= 1);
    assert_true(audit_count("login.failed", TOWN_OFFICER) <= ACCOUNT_CHECKS);

    /* the right password, sent among more guesses once the limit is reached, gets nowhere */
    memset(a, 0, sizeof a);
    for (size_t i = 0; i < PARALLEL; i++) {
        lnt_str_copy(a[i].email, sizeof a[i].email, TOWN_OFFICER);
        a[i].password = i % 4 == 0 ? TOWN_PASSWORD : "another wrong guess";
    }
    attempts_at_once(a, PARALLEL);
    for (size_t i = 0; i < PARALLEL; i++) {
        assert_int_equal(a[i].status, 429);
        assert_false(a[i].signed_in);
    }
    assert_int_equal(audit_count("login", TOWN_OFFICER), 0);
    /* another account is not locked by it */
    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_ADMIN, TOWN_PASSWORD, NULL, 0),
                     303);
    curl_easy_cleanup(c);
}

static void test_officer_access__parallel_logins_from_one_address_are_capped(void **state)
{
    static struct attempt a[PARALLEL];
    size_t checked = 0;
    CURL *c = lnt_test_officer_client();
    (void)state;

    memset(a, 0, sizeof a);
    for (size_t i = 0; i < PARALLEL; i++) {
        snprintf(a[i].email, sizeof a[i].email, "guess%zu@north.example", i);
        a[i].password = "a wrong guess at the password";
    }
    attempts_at_once(a, PARALLEL);
    for (size_t i = 0; i < PARALLEL; i++) {
        if (a[i].status == 401)
            checked++;
        else if (a[i].status != 429)
            fail_msg("attempt %zu got status %ld, not 401 or 429", i, a[i].status);
    }
    if (checked > ADDR_CHECKS)
        fail_msg("%zu passwords were checked for one address, more than %d", checked, ADDR_CHECKS);
    /* and the address stays throttled, even for a real account and its right password */
    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_ADMIN, TOWN_PASSWORD, NULL, 0),
                     429);
    curl_easy_cleanup(c);
}

static void test_officer_access__disabled_account_reply_does_not_tell_the_password(void **state)
{
    struct lnt_test_page right, wrong;
    char body[512], e1[256], e2[256], err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct lnt_officer o;
    CURL *c = lnt_test_officer_client();
    (void)state;

    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    assert_int_equal(lnt_store_officer_get(s, TOWN_SOUTH, &o, err), LNT_OK);
    assert_int_equal(lnt_store_officer_disable(s, o.id, lnt_time_now(), err), LNT_OK);
    lnt_store_free(s);

    lnt_test_login_body(c, g.server.base, TOWN_SOUTH, TOWN_PASSWORD, body, sizeof body);
    lnt_test_officer_http(c, g.server.base, "/login", body, NULL, &right);
    lnt_test_login_body(c, g.server.base, TOWN_SOUTH, "not the password at all", body, sizeof body);
    lnt_test_officer_http(c, g.server.base, "/login", body, NULL, &wrong);
    assert_int_equal(right.status, wrong.status);
    assert_int_equal(right.status, 401);
    assert_string_equal(right.cookie, "");
    login_error(right.body.data, e1, sizeof e1);
    login_error(wrong.body.data, e2, sizeof e2);
    assert_true(e1[0] != '\0');
    assert_string_equal(e1, e2);
    lnt_buf_release(&right.body);
    lnt_buf_release(&wrong.body);
    curl_easy_cleanup(c);
}

/* ---- incident details by report id ---- */

static void test_officer_access__incident_opens_only_under_its_own_venue(void **state)
{
    char path[256], csrf[128], body[200];
    struct lnt_test_page r;
    CURL *c = lnt_test_officer_client();
    (void)state;

    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_ADMIN, TOWN_PASSWORD, NULL, 0),
                     303);
    snprintf(path, sizeof path, "/venues/%lld", (long long)g.town.crown);
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    lnt_test_csrf_of(r.body.data, csrf, sizeof csrf);
    lnt_buf_release(&r.body);
    snprintf(body, sizeof body, "csrf=%s", csrf);

    /* the Crown's incident, asked for under another venue's address: not there, not opened */
    snprintf(path, sizeof path, "/venues/%lld/incidents/%s/open", (long long)g.town.velvet,
             g.town.sealed_report);
    lnt_test_officer_http(c, g.server.base, path, body, NULL, &r);
    assert_int_equal(r.status, 404);
    assert_null(strstr(r.body.data, "bar staff saw"));
    lnt_buf_release(&r.body);
    assert_int_equal(audit_count("incident.read", g.town.sealed_report), 0);
    /* an unknown report id */
    snprintf(path, sizeof path, "/venues/%lld/incidents/%s/open", (long long)g.town.crown,
             "7d3c5a10-0000-4000-8000-0000000000ff");
    lnt_test_officer_http(c, g.server.base, path, body, NULL, &r);
    assert_int_equal(r.status, 404);
    lnt_buf_release(&r.body);
    /* under its own venue it opens, found by its id, and the reading is audited */
    snprintf(path, sizeof path, "/venues/%lld/incidents/%s/open", (long long)g.town.crown,
             g.town.sealed_report);
    lnt_test_officer_http(c, g.server.base, path, body, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "bar staff saw the drink touched"));
    lnt_buf_release(&r.body);
    assert_int_equal(audit_count("incident.read", g.town.sealed_report), 1);
    curl_easy_cleanup(c);
}

/* ---- after signing in: back to the page asked for, and never off the site ---- */

static void test_officer_access__login_returns_only_to_a_local_page(void **state)
{
    static const char *const away[] = {
        "//evil.example/",     "https://evil.example/", "http:/evil.example",
        "/\\evil.example",     "\\\\evil.example",      "/\\/evil.example",
        "javascript:alert(1)", "evil.example",          "/\t/evil.example",
        "/ /evil.example",     "/x\r\nSet-Cookie: a=b", "/%0d%0aLocation: //evil.example"};
    CURL *c = lnt_test_officer_client();
    struct lnt_test_page r;
    char body[1024], login[LNT_TEST_URL_MAX];
    char *e;
    (void)state;

    /* a bookmarked, filtered league: the query string comes back with the page */
    curl_easy_setopt(c, CURLOPT_COOKIELIST, "ALL");
    lnt_test_officer_http(c, g.server.base, "/?area=Riverside&sort=band", NULL, NULL, &r);
    assert_int_equal(r.status, 303);
    assert_true(lnt_str_starts(r.location, "/login?next="));
    lnt_str_copy(login, sizeof login, r.location);
    lnt_buf_release(&r.body);
    lnt_test_officer_http(c, g.server.base, login, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "name=\"next\" value=\"/?area=Riverside&amp;sort=band\""));
    lnt_buf_release(&r.body);
    lnt_test_login_body(c, g.server.base, TOWN_OFFICER, TOWN_PASSWORD, body, sizeof body);
    e = curl_easy_escape(c, "/?area=Riverside&sort=band", 0);
    assert_non_null(e);
    lnt_str_copy(body + strlen(body), sizeof body - strlen(body), e);
    curl_free(e);
    lnt_test_officer_http(c, g.server.base, "/login", body, NULL, &r);
    assert_int_equal(r.status, 303);
    assert_string_equal(r.location, "/?area=Riverside&sort=band");
    lnt_buf_release(&r.body);

    /* anything that is not a local path lands on the overview instead */
    for (size_t i = 0; i < sizeof away / sizeof away[0]; i++) {
        lnt_test_login_body(c, g.server.base, TOWN_OFFICER, TOWN_PASSWORD, body, sizeof body);
        e = curl_easy_escape(c, away[i], 0);
        assert_non_null(e);
        lnt_str_copy(body + strlen(body), sizeof body - strlen(body), e);
        curl_free(e);
        lnt_test_officer_http(c, g.server.base, "/login", body, NULL, &r);
        assert_int_equal(r.status, 303);
        if (strcmp(r.location, "/") != 0)
            fail_msg("next=%s sent the browser to %s", away[i], r.location);
        lnt_buf_release(&r.body);
        /* nor does the login form carry it */
        e = curl_easy_escape(c, away[i], 0);
        assert_non_null(e);
        snprintf(login, sizeof login, "/login?next=%s", e);
        curl_free(e);
        curl_easy_setopt(c, CURLOPT_COOKIELIST, "ALL");
        lnt_test_officer_http(c, g.server.base, login, NULL, NULL, &r);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body.data, "name=\"next\" value=\"\""));
        lnt_buf_release(&r.body);
    }
    curl_easy_cleanup(c);
}

/* ---- volunteers: one scope rule on every view ---- */

/* GET `path` as the signed-in `c`: asserts 200, returns the body (caller frees). */
static char *page_text(CURL *c, const char *path)
{
    struct lnt_test_page r;
    char *text;

    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    if (r.status != 200)
        fail_msg("GET %s: status %ld", path, r.status);
    text = strdup(r.body.data != NULL ? r.body.data : "");
    assert_non_null(text);
    lnt_buf_release(&r.body);
    return text;
}

static void test_officer_access__volunteers_of_another_authority_stay_out_of_sight(void **state)
{
    CURL *c = lnt_test_officer_client();
    char *text;
    (void)state;

    /* Northtown's officer sees Northtown's street pastors (Safe Haven's shift) */
    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_OFFICER, TOWN_PASSWORD, NULL, 0),
                     303);
    text = page_text(c, "/volunteers");
    assert_non_null(strstr(text, "Pastor 1"));
    assert_non_null(strstr(text, "Street Pastors"));
    free(text);

    /* Southvale's officer: the page, its table and the CSV hold none of it */
    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_SOUTH, TOWN_PASSWORD, NULL, 0),
                     303);
    text = page_text(c, "/volunteers");
    assert_null(strstr(text, "Pastor 1"));
    assert_null(strstr(text, "Street Pastors"));
    assert_non_null(strstr(text, "No shifts."));
    free(text);
    text = page_text(c, "/exports/volunteers.csv");
    assert_null(strstr(text, "Street Pastors"));
    free(text);
    /* the page's read is audited naming the scope it covered */
    assert_int_equal(audit_count("volunteers.view", "volunteer shifts, authority Southvale"), 1);
    assert_int_equal(audit_count("volunteers.view", "volunteer shifts, authority Northtown"), 1);
    curl_easy_cleanup(c);
}

static void test_officer_access__volunteer_base_and_leader_read_in_words(void **state)
{
    CURL *c = lnt_test_officer_client();
    char *text;
    (void)state;

    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_OFFICER, TOWN_PASSWORD, NULL, 0),
                     303);
    text = page_text(c, "/volunteers");
    /* a kiosk of today's fields, and an older kiosk's packed team, read the same way */
    assert_non_null(strstr(text, "Safe haven"));
    assert_non_null(strstr(text, "Welfare bus"));
    assert_null(strstr(text, "base:"));
    assert_null(strstr(text, "leader:"));
    free(text);
    curl_easy_cleanup(c);
}

static void test_officer_access__charts_and_details_buttons_are_described(void **state)
{
    CURL *c = lnt_test_officer_client();
    char path[64], want[64];
    char *text, *button;
    (void)state;

    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_ADMIN, TOWN_PASSWORD, NULL, 0),
                     303);
    /* the case file's "Open details" says which report it opens */
    snprintf(path, sizeof path, "/venues/%lld", (long long)g.town.crown);
    text = page_text(c, path);
    button = strstr(text, "class=\"secondary open-details\"");
    assert_non_null(button);
    assert_true(lnt_str_starts(strstr(button, "aria-label="), "aria-label=\"Open details: "));
    snprintf(want, sizeof want, "report %.8s\">Open details</button>", g.town.sealed_report);
    assert_non_null(strstr(button, want));
    assert_non_null(strstr(button, "Angela"));
    free(text);
    /* the areas and volunteer-hours charts carry a description in words, as the others do */
    text = page_text(c, "/trends");
    assert_non_null(strstr(text, "id=\"areas\""));
    assert_non_null(strstr(strstr(text, "id=\"areas\""), "<desc>"));
    assert_non_null(strstr(text, "risk points in all; the largest is "));
    free(text);
    text = page_text(c, "/volunteers");
    assert_non_null(strstr(text, "id=\"vol-hours\""));
    assert_non_null(strstr(text, "person-hours in all; the largest is "));
    free(text);
    curl_easy_cleanup(c);
}

/* Data rows of a CSV `text` whose second column (venue_id) is `venue`, and rows in all. */
static void csv_venue_rows(const char *text, int64_t venue, size_t *hits, size_t *rows)
{
    const char *line = strstr(text, "\r\n");
    char want[32];
    int w = snprintf(want, sizeof want, ",%lld,", (long long)venue);

    *hits = *rows = 0;
    while (line != NULL && line[2] != '\0') {
        const char *p = line + 2, *comma = strchr(p, ',');
        line = strstr(p, "\r\n");
        (*rows)++;
        if (comma != NULL && strncmp(comma, want, (size_t)w) == 0)
            (*hits)++;
    }
}

static void test_officer_access__incident_export_keeps_to_the_venue_asked_for(void **state)
{
    CURL *c = lnt_test_officer_client();
    struct lnt_test_page r;
    char path[96], object[32];
    size_t hits, rows, all;
    (void)state;

    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_OFFICER, TOWN_PASSWORD, NULL, 0),
                     303);
    lnt_test_officer_http(c, g.server.base, "/exports/incidents.csv", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    csv_venue_rows(r.body.data, g.town.velvet, &hits, &all);
    lnt_buf_release(&r.body);
    assert_true(hits > 0 && hits < all); /* the town's export holds other venues' too */

    snprintf(path, sizeof path, "/exports/incidents.csv?venue=%lld", (long long)g.town.velvet);
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(lnt_str_starts(r.body.data, "report_id,venue_id,"));
    csv_venue_rows(r.body.data, g.town.velvet, &hits, &rows);
    lnt_buf_release(&r.body);
    assert_int_equal(rows, hits);
    assert_true(rows > 0);

    /* another authority's venue: refused and recorded, no rows */
    snprintf(path, sizeof path, "/exports/incidents.csv?venue=%lld", (long long)g.town.south);
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    assert_int_equal(r.status, 403);
    assert_null(strstr(r.body.data, "report_id,"));
    lnt_buf_release(&r.body);
    snprintf(object, sizeof object, "venue %lld", (long long)g.town.south);
    assert_int_equal(audit_count("access.refused", object), 1);
    /* not a venue number */
    lnt_test_officer_http(c, g.server.base, "/exports/incidents.csv?venue=velvet", NULL, NULL, &r);
    assert_int_equal(r.status, 400);
    lnt_buf_release(&r.body);
    curl_easy_cleanup(c);
}

/* ---- every read of personal or incident data leaves one audit row ---- */

/*
 * Text that only personal or incident data contains: staff names, SIA
 * licence numbers, a report id, a volunteer's call sign. A reply holding any
 * of them read personal or incident data.
 */
static const char *personal_marker(const char *text)
{
    static const char *const fixed[] = {"Dee Okafor",       "Priya Raman",      "Sam Whitfield",
                                        "1234567812345678", "8765432187654321", "Pastor 1"};

    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (strstr(text, fixed[i]) != NULL)
            return fixed[i];
    if (strstr(text, g.town.sealed_report) != NULL)
        return g.town.sealed_report;
    return NULL;
}

/* The id of the newest audit row (0 when there is none). */
static int64_t audit_newest(void)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct lnt_audit_entry *a = NULL;
    size_t n = 0;
    int64_t id;

    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    assert_int_equal(lnt_store_audit_list(s, 0, 0, 0, 1, &a, &n, err), LNT_OK);
    id = n == 1 ? a[0].id : 0;
    free(a);
    lnt_store_free(s);
    return id;
}

/*
 * After `what` (a request or a command) whose output is `text`: when the
 * output holds personal or incident data, exactly one audit row newer than
 * `since` names `actor` and a non-empty object (the scope read); in any case
 * no more than one such row (one per request, not one per record).
 */
static void assert_read_audited(const char *what, const char *text, int64_t since,
                                const char *actor)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct lnt_audit_entry *a = NULL;
    const char *marker = personal_marker(text);
    size_t n = 0, rows = 0, named = 0;

    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    assert_int_equal(lnt_store_audit_list(s, 0, 0, 0, 50, &a, &n, err), LNT_OK);
    for (size_t i = 0; i < n; i++) {
        if (a[i].id <= since || strcmp(a[i].actor, actor) != 0)
            continue;
        rows++;
        if (a[i].object[0] != '\0')
            named++;
    }
    free(a);
    lnt_store_free(s);
    if (marker != NULL && named == 0)
        fail_msg("%s returned personal or incident data (\"%s\") but left no audit row for %s",
                 what, marker, actor);
    if (rows > 1)
        fail_msg("%s left %zu audit rows: a read is one row, whatever it returns", what, rows);
}

/* `pattern` with each "{...}" segment replaced by a sample value for it. */
static void sample_path(const char *pattern, char *out, size_t size)
{
    size_t used = 0;

    out[0] = '\0';
    while (*pattern != '\0' && used + 1 < size) {
        if (*pattern == '{') {
            const char *end = strchr(pattern, '}');
            char name[32], value[64];
            size_t len = end != NULL ? (size_t)(end - pattern - 1) : 0;
            assert_non_null(end);
            assert_true(len < sizeof name);
            memcpy(name, pattern + 1, len);
            name[len] = '\0';
            if (strcmp(name, "id") == 0 && strncmp(out, "/street/records/", 16) == 0)
                snprintf(value, sizeof value, "%lld", (long long)g.street_record);
            else if (strcmp(name, "id") == 0)
                snprintf(value, sizeof value, "%lld", (long long)g.town.crown);
            else if (strcmp(name, "record") == 0)
                snprintf(value, sizeof value, "%lld", (long long)g.town.letter);
            else if (strcmp(name, "report_id") == 0 || strcmp(name, "report") == 0)
                snprintf(value, sizeof value, "%s", g.town.sealed_report);
            else if (strcmp(name, "name") == 0 && strncmp(out, "/assets/", 8) == 0)
                snprintf(value, sizeof value, "lantern.css");
            else if (strcmp(name, "name") == 0 && strncmp(out, "/exports/", 9) == 0)
                snprintf(value, sizeof value, "incidents.csv");
            else
                fail_msg("route %s: no sample value for {%s}: add one to this test", pattern, name);
            used += (size_t)snprintf(out + used, size - used, "%s", value);
            pattern = end + 1;
        } else {
            out[used++] = *pattern++;
            out[used] = '\0';
        }
    }
}

/*
 * Routes that do not answer with stored data: they change it (each change is
 * audited by its own action) or belong to kiosks and sign-in. Any other route
 * is requested by the walk; a new route must be listed here or be walked.
 */
static const char *const not_reads[][3] = {
    {"POST", "/api/v1/enroll", "a kiosk enrols; no officer data"},
    {"POST", "/api/v1/events", "a kiosk uploads; the reply only acknowledges"},
    {"POST", "/api/v1/venues/{id}/findings", "records a finding (audited as finding.add)"},
    {"POST", "/api/v1/venues/{id}/casework", "records casework (audited as casework.add)"},
    {"POST", "/api/v1/casework/{id}", "edits casework (audited as casework.edit)"},
    {"POST", "/api/v1/casework/{id}/close", "closes casework (audited as casework.close)"},
    {"PUT", "/api/v1/casework/{id}/pdf", "attaches a letter (audited as casework.edit)"},
    {"POST", "/login", "signing in (audited as login / login.failed)"},
    {"POST", "/logout", "signing out (audited as logout)"},
    {"POST", "/venues/{id}/findings", "records a finding (audited as finding.add)"},
    {"POST", "/venues/{id}/casework", "records casework (audited as casework.add)"},
    {"POST", "/venues/{id}/casework/{record}/edit", "edits casework (audited as casework.edit)"},
    {"POST", "/venues/{id}/casework/{record}/close", "closes casework (audited as casework.close)"},
    {"POST", "/admin/{action}", "admin changes, each audited as admin.<action>"},
    {"POST", "/api/v1/places/{id}/incidents", "records a street incident (place.incident.add)"},
    {"POST", "/street/record", "records a street incident (audited as street.record)"},
    {"POST", "/street/records/{id}/correct", "corrects one (audited as street.correct)"},
    {"POST", "/api/v1/place-incidents/{id}/correct", "corrects one (place.incident.supersede)"},
    {"GET", "/map/image", "the scheme's background picture of the town: no personal data"},
    {"POST", "/api/v1/alerts/{id}/ack", "acknowledges an alert (audited as alert.ack)"},
    {"POST", "/api/v1/alerts/subscriptions", "subscribes (audited as alert.subscribe)"},
    {"POST", "/api/v1/alerts/subscriptions/{id}/end", "ends one (audited as alert.unsubscribe)"},
    {"POST", "/alerts/subscribe", "subscribes (audited as alert.subscribe)"},
    {"POST", "/alerts/{id}/ack", "acknowledges an alert (audited as alert.ack)"},
    {"POST", "/alerts/subscriptions/{id}/end", "ends one (audited as alert.unsubscribe)"},
};

static bool is_not_read(const char *method, const char *pattern)
{
    for (size_t i = 0; i < sizeof not_reads / sizeof not_reads[0]; i++)
        if (strcmp(not_reads[i][0], method) == 0 && strcmp(not_reads[i][1], pattern) == 0)
            return true;
    return false;
}

static void test_officer_access__every_api_read_of_personal_data_is_audited(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "", token[LNT_TOKEN_LEN + 1], actor[64], path[256];
    struct lnt_store *s = NULL;
    struct lnt_token t;
    size_t walked = 0;
    CURL *c = lnt_test_officer_client();
    (void)state;

    memset(&t, 0, sizeof t);
    lnt_str_copy(t.label, sizeof t.label, "audit walk");
    t.scope.role = LNT_OFFICER_ADMIN;
    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    assert_int_equal(lnt_store_token_add(s, &t, lnt_time_now(), token, err), LNT_OK);
    lnt_store_free(s);
    snprintf(actor, sizeof actor, "token %lld (%.40s)", (long long)t.id, t.label);

    assert_true(lnt_api_route_count() > 0);
    for (size_t i = 0; i < lnt_api_route_count(); i++) {
        const struct lnt_api_route *r = lnt_api_route_at(i);
        struct lnt_test_page reply;
        char what[300];
        int64_t since;

        if (is_not_read(r->method, r->pattern))
            continue;
        if (strcmp(r->method, "GET") != 0)
            fail_msg("API route %s %s is neither walked nor listed as a change: add it to this "
                     "test",
                     r->method, r->pattern);
        sample_path(r->pattern, path, sizeof path);
        snprintf(what, sizeof what, "GET %s", path);
        since = audit_newest();
        lnt_test_officer_http(c, g.server.base, path, NULL, token, &reply);
        assert_read_audited(what, reply.body.data, since, actor);
        lnt_buf_release(&reply.body);
        walked++;
    }
    assert_true(walked >= 10);
    curl_easy_cleanup(c);
}

static void test_officer_access__every_dashboard_read_of_personal_data_is_audited(void **state)
{
    char path[256], actor[128], csrf[128];
    struct lnt_test_page home;
    size_t walked = 0;
    CURL *c = lnt_test_officer_client();
    (void)state;

    {
        /* a street record for the record's page to read */
        struct lnt_store *s = NULL;
        struct lnt_place_incident in;
        struct lnt_officer admin;
        char err[LNT_ERRBUF_SIZE] = "";
        int64_t place = 0;
        memset(&in, 0, sizeof in);
        memset(&admin, 0, sizeof admin);
        admin.scope.role = LNT_OFFICER_ADMIN;
        lnt_str_copy(admin.email, sizeof admin.email, TOWN_ADMIN);
        assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
        assert_int_equal(lnt_store_place_add(s, "Audit Walk Park", lnt_time_now(), &place, err),
                         LNT_OK);
        in.place_id = place;
        in.occurred_at = lnt_time_now() - 3600;
        in.recorded_at = lnt_time_now();
        lnt_str_copy(in.kind, sizeof in.kind, "disorder");
        assert_int_equal(lnt_store_place_incident_add(s, &admin, &in, err), LNT_OK);
        g.street_record = in.id;
        lnt_store_free(s);
    }
    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_ADMIN, TOWN_PASSWORD, NULL, 0),
                     303);
    snprintf(actor, sizeof actor, "web:%s", TOWN_ADMIN);
    snprintf(path, sizeof path, "/venues/%lld", (long long)g.town.crown);
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &home);
    assert_int_equal(home.status, 200);
    lnt_test_csrf_of(home.body.data, csrf, sizeof csrf);
    lnt_buf_release(&home.body);

    assert_true(lnt_web_route_count() > 0);
    for (size_t i = 0; i < lnt_web_route_count(); i++) {
        const char *method, *pattern;
        struct lnt_test_page reply;
        char what[300], body[200];
        int64_t since;

        assert_true(lnt_web_route_at(i, &method, &pattern));
        if (is_not_read(method, pattern) || strcmp(pattern, "/login") == 0)
            continue;
        sample_path(pattern, path, sizeof path);
        snprintf(what, sizeof what, "%s %s", method, path);
        snprintf(body, sizeof body, "csrf=%s", csrf);
        since = audit_newest();
        lnt_test_officer_http(c, g.server.base, path, strcmp(method, "POST") == 0 ? body : NULL,
                              NULL, &reply);
        if (reply.status != 200)
            fail_msg("%s: status %ld", what, reply.status);
        assert_read_audited(what, reply.body.data, since, actor);
        lnt_buf_release(&reply.body);
        walked++;
    }
    assert_true(walked >= 10);
    curl_easy_cleanup(c);
}

/*
 * lanternctl commands that only change data (each change audited by its own
 * action) or write files (exports audited as export.*, backups); any other
 * command in `lanternctl --help` is run by the walk. casework show and history
 * read one record the town has none of: test_lanternctl_casework checks their audit rows.
 */
static const char *const ctl_not_reads[] = {"init",
                                            "key rotate",
                                            "venue add",
                                            "venue edit",
                                            "venue close",
                                            "place add",
                                            "place remove",
                                            "place edit",
                                            "place record",
                                            "place correct",
                                            "map image",
                                            "casework add",
                                            "casework edit",
                                            "casework close",
                                            "casework show",
                                            "casework history",
                                            "alert subscribe",
                                            "alert unsubscribe",
                                            "alert webhook", /* set|clear|list: where an
                                                                authority's alerts go, no
                                                                personal data; changes audited */
                                            "staff add",
                                            "staff edit",
                                            "staff leave",
                                            "training add",
                                            "training require",
                                            "training unrequire",
                                            "training required",
                                            "sia set-status",
                                            "sia clear",
                                            "sia import",
                                            "badge issue",
                                            "badge sheet",
                                            "badge verify",
                                            "badge revoke",
                                            "kiosk add",
                                            "kiosk revoke",
                                            "officer add",
                                            "officer disable",
                                            "token add",
                                            "token revoke",
                                            "finding add",
                                            "export door-register",
                                            "export incidents",
                                            "export stock",
                                            "export volunteers",
                                            "purge",
                                            "backup",
                                            "migrate"};

static void test_officer_access__every_lanternctl_read_of_personal_data_is_audited(void **state)
{
    const char *help_argv[] = {lnt_test_bin("lanternctl"), "--help", NULL};
    struct lnt_proc_result help;
    char actor[64], crown[24], *line;
    size_t walked = 0;
    (void)state;

    snprintf(actor, sizeof actor, "lanternctl (uid %lu)", (unsigned long)getuid());
    snprintf(crown, sizeof crown, "%lld", (long long)g.town.crown);
    assert_int_equal(lnt_proc_run(help_argv, NULL, 30000, &help), 0);
    assert_int_equal(help.status, 0);
    line = help.out;
    while (line != NULL && *line != '\0') {
        char *next = strchr(line, '\n');
        char cmd[64] = "", w1[32] = "", w2[32] = "";
        const char *argv[12];
        struct lnt_proc_result r;
        size_t k = 0, n1, n2;
        bool skip = false;
        int64_t since;

        if (next != NULL)
            *next++ = '\0';
        /* a command line of the usage: two spaces, then a lower-case word */
        if (strncmp(line, "  ", 2) != 0 || line[2] < 'a' || line[2] > 'z') {
            line = next;
            continue;
        }
        n1 = strcspn(line + 2, " ");
        assert_true(n1 < sizeof w1);
        memcpy(w1, line + 2, n1);
        n2 = line[2 + n1] == ' ' ? strcspn(line + 3 + n1, " ") : 0;
        if (n2 > 0 && n2 < sizeof w2 && line[3 + n1] >= 'a' && line[3 + n1] <= 'z')
            memcpy(w2, line + 3 + n1, n2);
        snprintf(cmd, sizeof cmd, "%s%s%s", w1, w2[0] ? " " : "", w2);
        line = next;
        for (size_t i = 0; i < sizeof ctl_not_reads / sizeof ctl_not_reads[0]; i++)
            skip = skip || strcmp(cmd, ctl_not_reads[i]) == 0;
        if (skip)
            continue;
        argv[k++] = lnt_test_bin("lanternctl");
        argv[k++] = "--db";
        argv[k++] = g.db;
        argv[k++] = "--json";
        argv[k++] = w1;
        if (w2[0] != '\0')
            argv[k++] = w2;
        /* the options a read needs to name what it reads */
        if (strcmp(cmd, "training list") == 0) {
            argv[k++] = "--staff";
            argv[k++] = "1";
        } else if (strcmp(cmd, "finding list") == 0 || strcmp(cmd, "score") == 0 ||
                   strcmp(cmd, "casework list") == 0) {
            argv[k++] = "--venue";
            argv[k++] = crown;
        }
        argv[k] = NULL;
        since = audit_newest();
        assert_int_equal(lnt_proc_run(argv, NULL, 60000, &r), 0);
        if (r.status != 0)
            fail_msg("lanternctl %s failed (%d): %s", cmd, r.status, r.err);
        assert_read_audited(cmd, r.out, since, actor);
        lnt_proc_result_release(&r);
        walked++;
    }
    lnt_proc_result_release(&help);
    assert_true(walked >= 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_officer_access__parallel_logins_check_at_most_five_passwords, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_officer_access__parallel_logins_from_one_address_are_capped, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_officer_access__disabled_account_reply_does_not_tell_the_password, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_officer_access__incident_opens_only_under_its_own_venue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_officer_access__login_returns_only_to_a_local_page,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_officer_access__volunteers_of_another_authority_stay_out_of_sight, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_officer_access__volunteer_base_and_leader_read_in_words, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_officer_access__charts_and_details_buttons_are_described, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_officer_access__incident_export_keeps_to_the_venue_asked_for, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_officer_access__every_api_read_of_personal_data_is_audited, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_officer_access__every_dashboard_read_of_personal_data_is_audited, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_officer_access__every_lanternctl_read_of_personal_data_is_audited, setup,
            teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
