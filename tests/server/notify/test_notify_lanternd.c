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

#define SMTP_USER "lantern-alerts"
#define RIGHT_PASSWORD "Wren-4417-orchard"
#define WRONG_PASSWORD "Finch-9923-meadow"

/* lanternd with a login and the password in a file, `user_in_url` put into the URL too. */
static void start_login(struct nf *f, struct lnt_test_lanternd *d, const char *password_file,
                        const char *url)
{
    const char *extra[] = {"--smtp-url",
                           url,
                           "--smtp-from",
                           "lantern@wtn.example.org",
                           "--smtp-ca-file",
                           f->cert,
                           "--smtp-user",
                           SMTP_USER,
                           "--smtp-password-file",
                           password_file,
                           "--public-url",
                           "https://lantern.wtn.example.org",
                           "--notify-interval",
                           "1",
                           NULL};
    char *port_file = lnt_test_path(f->dir, "port");

    unlink(port_file);
    free(port_file);
    lnt_test_lanternd_start(d, f->dir, f->path, extra);
}

/* Neither password in `text` (what is named `what`). */
static void no_password_in(const char *what, const char *text)
{
    if (text == NULL)
        return;
    if (strstr(text, RIGHT_PASSWORD) != NULL || strstr(text, WRONG_PASSWORD) != NULL)
        fail_msg("a password shows in %s:\n%s", what, text);
}

/* A server that requires a login: a wrong password fails visibly (retried, on the admin page
 * and in /metrics), the right one delivers, and no password shows in the log, an error, the
 * admin page or /metrics; a user written into the URL is not shown either. */
static void test_notify_lanternd__smtp_login_wrong_then_right(void **state)
{
    struct nf *f = *state;
    struct lnt_test_lanternd d;
    struct lnt_test_page r;
    char err[LNT_ERRBUF_SIZE] = "", right[1200], wrong[1200], url[160];
    char *page, *log, *fail;
    int64_t officer;
    CURL *curl;

    if (lnt_store_scheme_init(f->s, "WTN", err) != LNT_OK)
        fail_msg("init: %s", err);
    admin_add(f);
    lnt_store_free(f->s);
    f->s = NULL;
    officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    snprintf(right, sizeof right, "%s/smtp.password", f->dir);
    snprintf(wrong, sizeof wrong, "%s/old.password", f->dir);
    nf_write_secret(right, RIGHT_PASSWORD "\n");
    nf_write_secret(wrong, WRONG_PASSWORD "\n");
    nf_smtp_start_login(f, SMTP_USER, right);
    snprintf(url, sizeof url, "smtp://" SMTP_USER "@%s", f->url + strlen("smtp://"));

    start_login(f, &d, wrong, url);
    nf_alert(f->path, "serious_report:incident:340", "WTN", "Serious report at The Crown, 23:40",
             "/venues/7", lnt_time_now(), officer, true);
    wait_for(f, &d,
             "SELECT count(*) FROM alert_deliveries WHERE state = 'pending' AND attempts >= 1", 1);
    assert_int_equal(nf_count(f, "msg-"), 0);
    assert_true(nf_count(f, "auth-refused") == 1);
    page = metrics(&d);
    assert_non_null(
        strstr(page, "lantern_alert_deliveries_total{channel=\"email\",state=\"pending\"} 1\n"));
    assert_non_null(
        strstr(page, "lantern_alert_deliveries_total{channel=\"email\",state=\"sent\"} 0\n"));
    no_password_in("/metrics", page);
    free(page);
    curl = lnt_test_officer_client();
    assert_int_equal(lnt_test_officer_login(curl, d.base, ADMIN, PASSWORD, NULL, 0), 303);
    lnt_test_officer_http(curl, d.base, "/admin", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    fail = strstr(r.body.data, "id=\"admin-delivery-failures\"");
    assert_non_null(fail);
    assert_non_null(strstr(fail, "sergeant@police.example.org"));
    assert_non_null(strstr(fail, "535"));
    assert_non_null(strstr(fail, "login was refused"));
    assert_non_null(strstr(fail, f->url));
    assert_null(strstr(r.body.data, SMTP_USER "@"));
    no_password_in("the admin page", r.body.data);
    lnt_test_page_release(&r);
    curl_easy_cleanup(curl);
    lnt_test_lanternd_stop(&d, SIGTERM);

    /* the right password: the next alert is delivered */
    start_login(f, &d, right, url);
    nf_alert(f->path, "serious_report:incident:341", "WTN", "Serious report at The Crown, 23:55",
             "/venues/7", lnt_time_now(), officer, true);
    wait_for(f, &d, "SELECT count(*) FROM alert_deliveries WHERE state = 'sent'", 1);
    assert_int_equal(nf_count(f, "msg-"), 1);
    page = metrics(&d);
    no_password_in("/metrics", page);
    free(page);
    lnt_test_lanternd_stop(&d, SIGTERM);
    assert_int_equal(nf_sql_int(f->path, "SELECT count(*) FROM alert_deliveries WHERE "
                                         "last_error LIKE '%Wren%' OR last_error LIKE '%Finch%' "
                                         "OR last_error LIKE '%" SMTP_USER "@%'"),
                     0);
    log = lnt_test_read_file(d.log);
    assert_non_null(log);
    assert_non_null(strstr(log, "535"));   /* the refusal was logged... */
    no_password_in("lanternd's log", log); /* ...without the password */
    assert_null(strstr(log, SMTP_USER "@"));
    free(log);
}

/* A password written into --smtp-url is refused at start, saying where it belongs. */
static void test_notify_lanternd__password_in_smtp_url_refused(void **state)
{
    struct nf *f = *state;
    char bin[1024];
    struct lnt_proc_result r;
    const char *argv[] = {bin,
                          "--db",
                          f->path,
                          "--listen",
                          "127.0.0.1:0",
                          "--smtp-url",
                          "smtps://" SMTP_USER ":" WRONG_PASSWORD "@127.0.0.1:465",
                          "--smtp-from",
                          "lantern@wtn.example.org",
                          NULL};

    snprintf(bin, sizeof bin, "%s", lnt_test_bin("lanternd"));
    assert_int_equal(lnt_proc_run(argv, NULL, 30000, &r), 0);
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.err, "--smtp-url"));
    assert_non_null(strstr(r.err, "put the password in --smtp-password-file"));
    no_password_in("lanternd's message", r.err);
    no_password_in("lanternd's output", r.out);
    lnt_proc_result_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_notify_lanternd__alert_emailed_once_and_failure_in_metrics, nf_setup, nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_lanternd__smtp_login_wrong_then_right, nf_setup,
                                        nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_lanternd__password_in_smtp_url_refused,
                                        nf_setup, nf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
