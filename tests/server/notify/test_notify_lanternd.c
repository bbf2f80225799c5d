/* test_notify_lanternd.c - a real lanternd sending alerts to a real SMTP server (aiosmtpd with
 * STARTTLS) from its background sender: alert rows written with SQL as the raising side
 * writes them are emailed exactly once, across a restart, and a refused email shows in
 * /metrics. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "buf.h"
#include "lanternd.h"
#include "ltime.h"
#include "notify_fixture.h"
#include "officer_client.h"
#include "store_auth.h"
#include "support.h"

#define WAIT_MS 60000

/* Waits until `sql` gives `want` on the database (the sender runs every second). */
static void wait_for(struct nf *f, const struct lnt_test_lanternd *d, const char *sql, int64_t want)
{
    char *log;

    for (int waited = 0; waited < WAIT_MS; waited += 100) {
        if (nf_sql_int(f->path, sql) == want)
            return;
        usleep(100 * 1000);
    }
    log = lnt_test_read_file(d->log);
    fail_msg("%s never gave %lld; lanternd's log:\n%s", sql, (long long)want,
             log != NULL ? log : "");
}

static size_t collect(char *p, size_t size, size_t nmemb, void *arg)
{
    return lnt_buf_append(arg, p, size * nmemb) == LNT_OK ? size * nmemb : 0;
}

/* GET base/metrics as a scraper would; the caller frees the text. */
static char *metrics(const struct lnt_test_lanternd *d)
{
    struct lnt_buf b;
    char url[128];
    CURL *curl = curl_easy_init();
    long status = 0;
    size_t len;

    lnt_buf_init(&b, 1 << 20);
    snprintf(url, sizeof url, "%s/metrics", d->base);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
    assert_int_equal(curl_easy_perform(curl), CURLE_OK);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(curl);
    assert_int_equal(status, 200);
    assert_int_equal(lnt_buf_append(&b, "", 1), LNT_OK);
    return lnt_buf_detach(&b, &len);
}

static void start(struct nf *f, struct lnt_test_lanternd *d)
{
    const char *extra[] = {"--smtp-url",
                           f->url,
                           "--smtp-from",
                           "lantern@wtn.example.org",
                           "--smtp-ca-file",
                           f->cert,
                           "--public-url",
                           "https://lantern.wtn.example.org",
                           "--notify-interval",
                           "1",
                           NULL};

    char *port_file = lnt_test_path(f->dir, "port");

    unlink(port_file); /* a restart waits for the new port, not the old one */
    free(port_file);
    lnt_test_lanternd_start(d, f->dir, f->path, extra);
}

#define ADMIN "admin@wtn.example.org"
#define PASSWORD "correct horse battery"

static void admin_add(struct nf *f)
{
    struct lnt_officer o;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&o, 0, sizeof o);
    lnt_str_copy(o.email, sizeof o.email, ADMIN);
    lnt_str_copy(o.name, sizeof o.name, "Ada Admin");
    o.scope.role = LNT_OFFICER_ADMIN;
    if (lnt_store_officer_add(f->s, &o, PASSWORD, err) != LNT_OK)
        fail_msg("admin: %s", err);
}

/* The scheme admin sees the refused email on the admin page, with the server's answer, and
 * sets a webhook there, whose secret is shown once. */
static void admin_sees_failure(const struct lnt_test_lanternd *d)
{
    CURL *curl = lnt_test_officer_client();
    struct lnt_test_page r;
    char csrf[128], body[512];
    const char *fail;

    assert_int_equal(lnt_test_officer_login(curl, d->base, ADMIN, PASSWORD, NULL, 0), 303);
    lnt_test_officer_http(curl, d->base, "/admin", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    fail = strstr(r.body.data, "id=\"admin-delivery-failures\"");
    assert_non_null(fail);
    assert_non_null(strstr(fail, "sergeant@police.example.org"));
    assert_non_null(strstr(fail, "451"));
    assert_non_null(strstr(fail, "retrying"));
    lnt_test_csrf_of(r.body.data, csrf, sizeof csrf);
    lnt_test_page_release(&r);
    snprintf(body, sizeof body,
             "csrf=%s&authority=WTN&url=https%%3A%%2F%%2Fforce.example.org%%2Fhook", csrf);
    lnt_test_officer_http(curl, d->base, "/admin/webhook-set", body, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "id=\"webhook-secret\""));
    lnt_test_page_release(&r);
    lnt_test_officer_http(curl, d->base, "/admin", NULL, NULL, &r);
    assert_non_null(strstr(r.body.data, "https://force.example.org/hook"));
    assert_null(strstr(r.body.data, "webhook-secret"));
    lnt_test_page_release(&r);
    curl_easy_cleanup(curl);
}

static void test_notify_lanternd__alert_emailed_once_and_failure_in_metrics(void **state)
{
    struct nf *f = *state;
    struct lnt_test_lanternd d;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t officer;
    char *msg, *page;

    if (lnt_store_scheme_init(f->s, "WTN", err) != LNT_OK)
        fail_msg("init: %s", err);
    admin_add(f);
    lnt_store_free(f->s);
    f->s = NULL;
    officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    nf_smtp_start(f);
    start(f, &d);
    nf_alert(f->path, "serious_report:incident:340", "WTN", "Serious report at The Crown, 23:40",
             "/venues/7", lnt_time_now(), officer, true);
    wait_for(f, &d, "SELECT count(*) FROM alert_deliveries WHERE state = 'sent'", 1);
    assert_int_equal(nf_count(f, "msg-"), 1);
    msg = nf_read(f, "msg-1.eml");
    assert_non_null(strstr(msg, "Serious report at The Crown, 23:40\r\n"
                                "https://lantern.wtn.example.org/venues/7\r\n"));
    assert_null(strstr(msg, "incident:340"));
    free(msg);

    /* restarted, lanternd sends the next alert and not the first again */
    lnt_test_lanternd_stop(&d, SIGTERM);
    start(f, &d);
    nf_alert(f->path, "serious_report:incident:341", "WTN", "Serious report at The Crown, 23:55",
             "/venues/7", lnt_time_now(), officer, true);
    wait_for(f, &d, "SELECT count(*) FROM alert_deliveries WHERE state = 'sent'", 2);
    assert_int_equal(nf_count(f, "msg-"), 2);

    /* the server refuses the third: retried, and visible to whoever watches /metrics */
    nf_switch(f, "refuse", true);
    nf_alert(f->path, "door_refused:12", "WTN", "Badge refused at The Crown door", "/venues/7",
             lnt_time_now(), officer, true);
    wait_for(f, &d,
             "SELECT count(*) FROM alert_deliveries WHERE state = 'pending' AND attempts >= 1", 1);
    page = metrics(&d);
    assert_non_null(
        strstr(page, "lantern_alert_deliveries_total{channel=\"email\",state=\"pending\"} 1\n"));
    assert_non_null(
        strstr(page, "lantern_alert_deliveries_total{channel=\"email\",state=\"sent\"} 2\n"));
    assert_non_null(strstr(page, "lantern_alert_queue_depth 1\n"));
    assert_non_null(strstr(page, "lantern_alert_oldest_pending_seconds "));
    free(page);
    assert_int_equal(nf_count(f, "msg-"), 2);
    admin_sees_failure(&d);
    lnt_test_lanternd_stop(&d, SIGTERM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_notify_lanternd__alert_emailed_once_and_failure_in_metrics, nf_setup, nf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
