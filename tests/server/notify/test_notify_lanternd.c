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

static void test_notify_lanternd__alert_emailed_once_and_failure_in_metrics(void **state)
{
    struct nf *f = *state;
    struct lnt_test_lanternd d;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t officer;
    char *msg, *page;

    if (lnt_store_scheme_init(f->s, "WTN", err) != LNT_OK)
        fail_msg("init: %s", err);
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
