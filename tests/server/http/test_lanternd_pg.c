/* test_lanternd_pg.c - a real lanternd on a PostgreSQL database (a throwaway cluster the suite
 * starts itself) over real HTTP on 127.0.0.1: it starts with --db postgresql://... and --keys,
 * an officer signs in through the login form and is known by the session cookie, an API
 * token made in the database is taken, refused once revoked, and the alert scanner raises a
 * refusal into an officer's inbox, counted on the dashboard. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "codec.h"
#include "lanternd.h"
#include "ltime.h"
#include "officer_client.h"
#include "pgcluster.h"
#include "store.h"
#include "store_alerts.h"
#include "support.h"

#define PASSWORD "a long enough password"
#define PAT "pat@westham.gov.uk"

static struct {
    char *dir, *keys;
    char uri[LNT_PG_URI_MAX];
    struct lnt_pg_cluster *cluster;
    struct lnt_test_lanternd server;
    int64_t crown, kiosk, token_id, officer;
    char token[LNT_TOKEN_LEN + 1];
} g;

/* Opens the test's database with its key file; the caller frees the store. */
static struct lnt_store *open_store(void)
{
    struct lnt_store *s = NULL;
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_store_open_keys(&s, g.uri, g.keys, err) != LNT_OK)
        fail_msg("open: %s", err);
    return s;
}

static int setup(void **state)
{
    char code[LNT_ENROLL_CODE_LEN + 1], err[LNT_ERRBUF_SIZE] = "";
    const char *extra[] = {"--keys", NULL, NULL};
    struct lnt_venue v = {.category = LNT_VENUE_PUB, .capacity = 300};
    struct lnt_officer o = {.scope.role = LNT_OFFICER_ADMIN};
    struct lnt_token t = {.scope.role = LNT_OFFICER_OFFICER};
    uint8_t pk[LNT_SIGN_PK_LEN];
    struct lnt_kiosk k;
    struct lnt_store *s;

    (void)state;
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    g.dir = lnt_test_tmpdir();
    assert_non_null(g.dir);
    g.keys = lnt_test_path(g.dir, "lantern.keys");
    g.cluster = lnt_pg_cluster_start();
    lnt_pg_cluster_db(g.cluster, g.uri);
    s = open_store();
    if (lnt_store_scheme_init(s, "WTN", err) != LNT_OK)
        fail_msg("scheme: %s", err);
    lnt_str_copy(v.name, sizeof v.name, "The Crown");
    lnt_str_copy(v.area, sizeof v.area, "Centre");
    lnt_str_copy(v.authority, sizeof v.authority, "Westham");
    if (lnt_store_venue_add(s, &v, err) != LNT_OK)
        fail_msg("venue: %s", err);
    g.crown = v.id;
    lnt_random(pk, sizeof pk);
    if (lnt_store_enroll_code_add(s, g.crown, lnt_time_now() + 600, code, err) != LNT_OK ||
        lnt_store_enroll_redeem(s, code, pk, lnt_time_now(), &k, err) != LNT_OK)
        fail_msg("kiosk: %s", err);
    g.kiosk = k.id;
    lnt_str_copy(o.email, sizeof o.email, PAT);
    lnt_str_copy(o.name, sizeof o.name, "Pat Admin");
    if (lnt_store_officer_add(s, &o, PASSWORD, err) != LNT_OK)
        fail_msg("officer: %s", err);
    g.officer = o.id;
    lnt_str_copy(t.label, sizeof t.label, "Westham feed");
    lnt_str_copy(t.scope.authority, sizeof t.scope.authority, "Westham");
    if (lnt_store_token_add(s, &t, lnt_time_now(), g.token, err) != LNT_OK)
        fail_msg("token: %s", err);
    g.token_id = t.id;
    lnt_store_free(s);
    extra[1] = g.keys;
    lnt_test_lanternd_start(&g.server, g.dir, g.uri, extra);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lnt_test_lanternd_stop(&g.server, SIGTERM);
    lnt_pg_cluster_stop(g.cluster);
    if (getenv("LNT_KEEP_TMP") == NULL)
        lnt_test_rmrf(g.dir);
    free(g.keys);
    free(g.dir);
    return 0;
}

/* GET `path` on c (with `bearer` unless NULL) into r, which the caller releases. */
static void get(CURL *c, const char *path, const char *bearer, struct lnt_test_page *r)
{
    lnt_test_officer_http(c, g.server.base, path, NULL, bearer, r);
}

static void test_lanternd_pg__an_officer_signs_in_and_the_cookie_carries_the_session(void **state)
{
    CURL *c = lnt_test_officer_client();
    struct lnt_test_page r;
    char cookie[256] = "";

    (void)state;
    /* not signed in: the admin page sends the browser to the login form */
    get(c, "/admin", NULL, &r);
    assert_int_equal(r.status, 303);
    assert_non_null(strstr(r.location, "/login"));
    lnt_test_page_release(&r);
    /* a wrong password is refused and makes no session */
    assert_int_not_equal(
        lnt_test_officer_login(c, g.server.base, PAT, "not the password!", cookie, sizeof cookie),
        303);
    assert_string_equal(cookie, "");
    assert_int_equal(lnt_test_officer_login(c, g.server.base, PAT, PASSWORD, cookie, sizeof cookie),
                     303);
    assert_non_null(strstr(cookie, "lnt_session="));
    /* the session, read back from PostgreSQL, shows the admin page with the venue and kiosk */
    get(c, "/admin", NULL, &r);
    if (r.status != 200)
        fail_msg("GET /admin: %ld: %.300s", r.status, r.body.data);
    assert_non_null(strstr(r.body.data, "The Crown"));
    assert_non_null(strstr(r.body.data, PAT));
    lnt_test_page_release(&r);
    curl_easy_cleanup(c);
    /* the session and the login are PostgreSQL's rows, which any server on it would read */
    assert_true(lnt_pg_int(g.uri, "SELECT count(*) FROM sessions") >= 1);
    assert_int_equal(lnt_pg_int(g.uri, "SELECT count(*) FROM officers WHERE last_login_at > 0"), 1);
}

static void test_lanternd_pg__an_api_token_is_taken_and_refused_once_revoked(void **state)
{
    CURL *c = lnt_test_officer_client();
    struct lnt_test_page r;
    struct lnt_store *s;
    char path[64], err[LNT_ERRBUF_SIZE] = "", kiosk[32];

    (void)state;
    snprintf(path, sizeof path, "/api/v1/kiosks?venue=%lld", (long long)g.crown);
    snprintf(kiosk, sizeof kiosk, "\"id\":%lld", (long long)g.kiosk);
    get(c, path, g.token, &r);
    if (r.status != 200)
        fail_msg("GET %s: %ld: %.300s", path, r.status, r.body.data);
    assert_non_null(strstr(r.body.data, kiosk));
    lnt_test_page_release(&r);
    /* no token, or one that is not known */
    get(c, path, NULL, &r);
    assert_int_equal(r.status, 401);
    lnt_test_page_release(&r);
    get(c, path, "lnt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &r);
    assert_int_equal(r.status, 401);
    lnt_test_page_release(&r);
    /* revoked in the database by another process: the running server refuses it at once */
    s = open_store();
    assert_int_equal(lnt_store_token_revoke(s, g.token_id, lnt_time_now(), err), LNT_OK);
    lnt_store_free(s);
    get(c, path, g.token, &r);
    assert_int_equal(r.status, 401);
    lnt_test_page_release(&r);
    curl_easy_cleanup(c);
}

/* The scanner of a lanternd on PostgreSQL raises a badge refused at the door into the inbox of
 * the officer subscribed to it, and the dashboard counts it as waiting. */
static void test_lanternd_pg__a_refusal_is_raised_and_counted_on_the_dashboard(void **state)
{
    const char *extra[] = {"--keys", g.keys, NULL};
    struct lnt_alert_sub sub = {
        .officer_id = g.officer, .kind = LNT_ALERT_DOOR_REFUSED, .venue_id = 0};
    struct lnt_ingest_result res[1];
    struct lnt_event e;
    struct lnt_test_page r;
    struct timespec nap = {0, 100 * 1000 * 1000};
    char cookie[256] = "", err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = open_store();
    CURL *c;

    (void)state;
    if (lnt_store_alert_subscribe(s, &sub, NULL, lnt_time_now(), err) != LNT_OK)
        fail_msg("subscribe: %s", err);
    memset(&e, 0, sizeof e);
    e.seq = 1;
    lnt_uuid4(e.uuid);
    e.type = LNT_EV_BADGE_REFUSED;
    e.occurred_at = e.recorded_at = lnt_time_now();
    e.u.refused.reason = LNT_BADGE_EXPIRED;
    if (lnt_store_events_insert(s, g.kiosk, lnt_time_now(), &e, 1, res, err) != LNT_OK)
        fail_msg("insert: %s", err);
    lnt_store_free(s);
    /* a scan runs as the server starts */
    lnt_test_lanternd_stop(&g.server, SIGTERM);
    lnt_test_lanternd_start(&g.server, g.dir, g.uri, extra);
    for (int i = 0; i < 300 && lnt_pg_int(g.uri, "SELECT count(*) FROM alert_inbox") < 1; i++)
        nanosleep(&nap, NULL);
    assert_int_equal(lnt_pg_int(g.uri, "SELECT count(*) FROM alerts WHERE kind = "
                                       "'door_refused' AND link = '/venues/1/register'"),
                     1);
    c = lnt_test_officer_client();
    assert_int_equal(lnt_test_officer_login(c, g.server.base, PAT, PASSWORD, cookie, sizeof cookie),
                     303);
    get(c, "/alerts", NULL, &r);
    if (r.status != 200)
        fail_msg("GET /alerts: %ld: %.300s", r.status, r.body.data);
    assert_non_null(strstr(r.body.data, "id=\"alert-count\">1<"));
    assert_non_null(strstr(r.body.data, "Badge refused at the door at The Crown"));
    lnt_test_page_release(&r);
    curl_easy_cleanup(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_lanternd_pg__an_officer_signs_in_and_the_cookie_carries_the_session, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_lanternd_pg__an_api_token_is_taken_and_refused_once_revoked, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_lanternd_pg__a_refusal_is_raised_and_counted_on_the_dashboard, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
