/* test_alerts.c - the Alerts page in real headless Chromium against a real lanternd: an officer
 * subscribes, a kiosk's report arrives, the inbox shows it with the count in the navigation,
 * and the officer acknowledges it. */
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
#include <sodium.h>

#include "buf.h"
#include "codec.h"
#include "kiosk_client.h"
#include "lanternd.h"
#include "ltime.h"
#include "officer_client.h"
#include "reqsig.h"
#include "store.h"
#include "support.h"
#include "browser_session.h"
#include "webdriver.h"
#include "xmlcheck.h"

#define URL_MAX 512
#define EMAIL "pat@northtown.example"
#define SOUTH "sam@southvale.example"
#define PASSWORD "correct horse battery staple"
#define REPORT "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"

static struct {
    char *dir, *db;
    struct lnt_test_lanternd server;
    struct lnt_wd *wd;
    char code[LNT_ENROLL_CODE_LEN + 1];
} g;

static void add_officer(struct lnt_store *s, const char *email, const char *authority)
{
    struct lnt_officer o;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&o, 0, sizeof o);
    lnt_str_copy(o.email, sizeof o.email, email);
    lnt_str_copy(o.name, sizeof o.name, "Pat Officer");
    o.scope.role = LNT_OFFICER_OFFICER;
    lnt_str_copy(o.scope.authority, sizeof o.scope.authority, authority);
    if (lnt_store_officer_add(s, &o, PASSWORD, err) != LNT_OK)
        fail_msg("officer: %s", err);
}

static int64_t add_venue(struct lnt_store *s, const char *name, const char *authority)
{
    struct lnt_venue v;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&v, 0, sizeof v);
    lnt_str_copy(v.name, sizeof v.name, name);
    v.category = LNT_VENUE_PUB;
    v.capacity = 300;
    lnt_str_copy(v.area, sizeof v.area, "Centre");
    lnt_str_copy(v.authority, sizeof v.authority, authority);
    if (lnt_store_venue_add(s, &v, err) != LNT_OK)
        fail_msg("venue: %s", err);
    return v.id;
}

/* The Crown's kiosk sends one spiking report, its details sealed, as a signed batch. */
static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    return lnt_buf_append(ctx, p, size * n) == LNT_OK ? size * n : 0;
}

static void kiosk_reports_spiking(void)
{
    struct lnt_reqsig_parts parts = {"POST", "/api/v1/events", NULL, NULL, NULL, 0};
    struct lnt_test_kiosk k;
    struct lnt_test_page r;
    struct curl_slist *h;
    char when[LNT_TIME_STRLEN], sealed[LNT_SEALED_MAX] = "", body[LNT_SEALED_MAX + 1024],
                                url[URL_MAX];
    const char *details = "{\"symptoms\":\"dizzy\"}";
    uint8_t box[256];
    CURL *c;
    long status = 0;

    lnt_test_kiosk_enroll(g.server.base, g.code, &k);
    assert_int_equal(crypto_box_seal(box, (const uint8_t *)details, strlen(details), k.box_pk), 0);
    lnt_b64_encode(box, strlen(details) + crypto_box_SEALBYTES, sealed);
    assert_int_equal(lnt_time_format(lnt_time_now() - 300, when), LNT_OK);
    snprintf(body, sizeof body,
             "{\"kiosk_id\": %lld, \"events\": [{\"seq\": 1, \"uuid\": "
             "\"0190a1b2-0000-7000-8000-000000000001\", \"type\": \"incident\", "
             "\"occurred_at\": \"%s\", \"recorded_at\": \"%s\", \"report_id\": \"%s\", "
             "\"kind\": \"spiking\", \"severity\": 4, \"place\": \"toilets\", \"outcome\": \"\", "
             "\"police_called\": false, \"complete\": false, \"staff_id\": \"1\", "
             "\"sealed\": \"%s\"}]}",
             (long long)k.id, when, when, REPORT, sealed);
    parts.body = body;
    parts.len = strlen(body);
    h = lnt_test_kiosk_headers(k.sk, k.id, lnt_time_now(), 1, &parts, true);
    c = curl_easy_init();
    assert_non_null(c);
    snprintf(url, sizeof url, "%s/api/v1/events", g.server.base);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    memset(&r, 0, sizeof r);
    lnt_buf_init(&r.body, 1u << 20);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    assert_int_equal(status, 200);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    lnt_buf_release(&r.body);
}

static int setup(void **state)
{
    static const char *const args[] = {"--alert-interval", "1", NULL};
    struct lnt_store *s = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t crown;
    (void)state;

    assert_int_equal(lnt_crypto_init(), LNT_OK);
    browser_scratch(&g.dir, &g.db, "alerts.db");
    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_init(s, "NTN", err), LNT_OK);
    crown = add_venue(s, "The Crown", "Northtown");
    add_venue(s, "Southvale Arms", "Southvale");
    assert_int_equal(lnt_store_enroll_code_add(s, crown, lnt_time_now() + 86400, g.code, err),
                     LNT_OK);
    add_officer(s, EMAIL, "Northtown");
    add_officer(s, SOUTH, "Southvale");
    lnt_store_free(s);
    browser_start(&g.server, &g.wd, g.dir, g.db, args, PASSWORD);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    browser_stop(&g.server, &g.wd, &g.dir, &g.db);
    return 0;
}

/* Subscribes `who` (signed in) to serious reports at every venue they can see. */
static void subscribe_from_the_page(void)
{
    char err[LNT_ERRBUF_SIZE] = "", elem[LNT_WD_ELEM_LEN];

    go("/alerts");
    assert_text_has("h1", "Alerts");
    assert_text_has("#inbox-count", "0 waiting");
    assert_int_equal(count("#alert-count"), 0);
    /* the venue list offers only the officer's own authority */
    assert_int_equal(count("#venue option"), 2);
    assert_int_equal(lnt_wd_find(g.wd, "#kind option[value=\"serious_report\"]", elem, err),
                     LNT_OK);
    assert_int_equal(lnt_wd_click(g.wd, elem, err), LNT_OK);
    click("#subscribe");
    assert_text_has("#subscriptions", "A spiking or sexual-offence report arrives: every venue");
}

static void test_alerts__officer_subscribes_sees_the_report_and_acknowledges(void **state)
{
    (void)state;

    browser_login(SOUTH);
    subscribe_from_the_page();
    browser_login(EMAIL);
    subscribe_from_the_page();

    kiosk_reports_spiking();
    /* the scanner runs every second: the page shows the alert once it has */
    for (int tries = 0; tries < 100 && count("#alert-count") == 0; tries++) {
        usleep(200 * 1000);
        go("/alerts");
    }
    assert_text_has("#alert-count", "1");
    assert_text_has("#inbox-count", "1 waiting");
    assert_int_equal(count("#inbox li.alert"), 1);
    assert_text_has("#inbox", "Serious incident report at The Crown");
    {
        char err[LNT_ERRBUF_SIZE] = "", *t = NULL;
        assert_int_equal(lnt_wd_text_css(g.wd, "#inbox", &t, err), LNT_OK);
        assert_null(strstr(t, "dizzy")); /* no detail leaves in an alert */
        assert_null(strstr(t, "pikin"));
        free(t);
    }
    /* the count follows the officer to every page */
    go("/");
    assert_text_has("#alert-count", "1");

    go("/alerts");
    click("#inbox button.ack");
    assert_text_has("#inbox", "Acknowledged by " EMAIL);
    assert_text_has("#inbox-count", "0 waiting");
    assert_int_equal(count("#alert-count"), 0);
    assert_int_equal(count("#inbox button.ack"), 0);
    {
        /* the markup as served, with an acknowledged alert and a subscription on it */
        CURL *c = lnt_test_officer_client();
        struct lnt_test_page page;
        char why[200] = "";
        assert_int_equal(lnt_test_officer_login(c, g.server.base, EMAIL, PASSWORD, NULL, 0), 303);
        lnt_test_officer_http(c, g.server.base, "/alerts", NULL, NULL, &page);
        assert_int_equal(page.status, 200);
        if (!lnt_xml_check(page.body.data, why, sizeof why))
            fail_msg("/alerts is not well-formed: %s", why);
        lnt_test_page_release(&page);
        curl_easy_cleanup(c);
    }

    /* the other authority's officer, subscribed the same way, was told nothing */
    browser_login(SOUTH);
    go("/alerts");
    assert_text_has("#inbox", "No alerts.");
    assert_int_equal(count("#alert-count"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alerts__officer_subscribes_sees_the_report_and_acknowledges),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return cmocka_run_group_tests(tests, setup, teardown);
}
