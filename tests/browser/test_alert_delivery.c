/* test_alert_delivery.c - the scheme admin's walk through alert delivery in headless Chromium:
 * a refused email shows on the Admin page with the mail server's answer, a webhook is set (its
 * secret shown once) and cleared, and the failure goes once the server takes the email. Real
 * lanternd, real aiosmtpd (STARTTLS), the alert written with SQL as the raising side writes it.
 * With LNT_SHOT_DIR set, the section is also saved there as 18-alert-delivery.png. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "lanternd.h"
#include "ltime.h"
#include "notify_fixture.h"
#include "store_auth.h"
#include "support.h"
#include "browser_session.h"
#include "webdriver.h"

#define ADMIN "admin@wtn.example.org"
#define PASSWORD "correct horse battery"
#define SERGEANT "sergeant@police.example.org"

static struct {
    struct nf *f;
    struct lnt_test_lanternd d;
    struct lnt_wd *wd;
} g;

static void wait_sql(const char *sql, int64_t want)
{
    for (int waited = 0; waited < 60000; waited += 100) {
        if (nf_sql_int(g.f->path, sql) == want)
            return;
        usleep(100 * 1000);
    }
    fail_msg("%s never gave %lld", sql, (long long)want);
}

static int setup(void **state)
{
    const char *extra[] = {"--smtp-url",
                           NULL,
                           "--smtp-from",
                           "lantern@wtn.example.org",
                           "--smtp-ca-file",
                           NULL,
                           "--public-url",
                           "https://lantern.wtn.example.org",
                           "--notify-interval",
                           "1",
                           NULL};
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_officer o;

    assert_int_equal(nf_setup((void **)&g.f), 0);
    if (lnt_store_scheme_init(g.f->s, "WTN", err) != LNT_OK)
        fail_msg("init: %s", err);
    memset(&o, 0, sizeof o);
    lnt_str_copy(o.email, sizeof o.email, ADMIN);
    lnt_str_copy(o.name, sizeof o.name, "Ada Admin");
    o.scope.role = LNT_OFFICER_ADMIN;
    if (lnt_store_officer_add(g.f->s, &o, PASSWORD, err) != LNT_OK)
        fail_msg("admin: %s", err);
    lnt_store_free(g.f->s);
    g.f->s = NULL;
    nf_smtp_start(g.f);
    extra[1] = g.f->url;
    extra[5] = g.f->cert;
    browser_start(&g.d, &g.wd, g.f->dir, g.f->path, extra, PASSWORD);
    (void)state;
    return 0;
}

static int teardown(void **state)
{
    void *f = g.f;

    (void)state;
    browser_stop(&g.d, &g.wd, NULL, NULL);
    return nf_teardown(&f);
}

static void test_alert_delivery__admin_sees_failure_and_sets_webhook(void **state)
{
    int64_t officer = nf_officer(g.f->path, SERGEANT, "WTN");
    const char *shots = getenv("LNT_SHOT_DIR");
    char err[LNT_ERRBUF_SIZE] = "", *secret = NULL;

    (void)state;
    nf_switch(g.f, "refuse", true);
    nf_alert(g.f->path, "serious_report:incident:340", "WTN", "Serious report at The Crown, 23:40",
             "/venues/7", lnt_time_now(), officer, true);
    wait_sql("SELECT count(*) FROM alert_deliveries WHERE state = 'pending' AND attempts >= 1", 1);

    browser_login(ADMIN);
    go("/admin#alerts");
    assert_text_has("#alerts h2", "Alert delivery");
    assert_text_has("#admin-delivery-counts tr[data-channel=\"email\"] td[data-state=\"pending\"]",
                    "1");
    assert_text_has("#admin-delivery-failures", SERGEANT);
    assert_text_has("#admin-delivery-failures", "retrying");
    assert_text_has("#admin-delivery-failures", "451");

    /* a webhook for the force: set, secret shown once, listed, cleared */
    type("#wh-authority", "WTN");
    type("#wh-url", "https://force.example.org/lantern");
    click("#webhook-set button[type=\"submit\"]");
    assert_text_has("h1", "Webhook set");
    assert_int_equal(lnt_wd_text_css(g.wd, "#webhook-secret", &secret, err), LNT_OK);
    assert_int_equal(strlen(secret), 64);
    free(secret);
    go("/admin#alerts");
    assert_text_has("#admin-webhooks", "https://force.example.org/lantern");
    if (shots != NULL) {
        char path[1024];

        assert_int_equal(lnt_wd_window_size(g.wd, 1280, 900, err), LNT_OK);
        assert_int_equal(lnt_wd_execute(g.wd,
                                        "document.getElementById('alerts').scrollIntoView();"
                                        "return 1;",
                                        NULL, err),
                         LNT_OK);
        snprintf(path, sizeof path, "%s/18-alert-delivery.png", shots);
        assert_int_equal(lnt_wd_screenshot(g.wd, path, err), LNT_OK);
    }
    click("#admin-webhooks button[type=\"submit\"]");
    assert_text_has("#admin-done", "webhook was cleared");

    /* the mail server takes mail again: the email goes once, the failure leaves the page */
    nf_switch(g.f, "refuse", false);
    wait_sql("SELECT count(*) FROM alert_deliveries WHERE state = 'sent'", 1);
    go("/admin#alerts");
    assert_text_has("#admin-delivery-ok", "No delivery has failed");
    assert_int_equal(nf_count(g.f, "msg-"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alert_delivery__admin_sees_failure_and_sets_webhook),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
