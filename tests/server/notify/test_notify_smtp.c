/* test_notify_smtp.c - alerts emailed through a real SMTP server (aiosmtpd, STARTTLS required,
 * tests/support/smtp_sink.py): exactly once, retried with backoff when refused, held into a
 * digest over the rate limit, never sent twice across a restart or a kill. Time is an input:
 * each pass of the queue is given its `now`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>

#include <cmocka.h>

#include "notify.h"
#include "notify_fixture.h"
#include "store_admin.h"
#include "store_notify.h"
#include "support.h"

#define SUMMARY "Serious report at The Crown, 23:40"
#define LINK "/venues/7#incident-340"
#define DETAIL "serious_report:incident:340"

static int64_t attempts_of(struct nf *f)
{
    return nf_sql_int(f->path, "SELECT max(attempts) FROM alert_deliveries");
}

static int64_t next_at_of(struct nf *f)
{
    return nf_sql_int(f->path, "SELECT max(next_at) FROM alert_deliveries");
}

/* One alert for one officer: one email, with the summary and the dashboard link, no detail. */
static void test_notify_smtp__one_alert_one_email(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    struct lnt_notify_counts c;
    char *msg;

    nf_smtp_start(f);
    nf_alert(f->path, DETAIL, "WTN", SUMMARY, LINK, NF_T0, officer, true);
    c = nf_run(f, NF_T0 + 5);
    assert_int_equal(c.enqueued, 1);
    assert_int_equal(c.sent, 1);
    assert_int_equal(nf_count(f, "msg-"), 1);
    msg = nf_read(f, "msg-1.eml");
    assert_non_null(strstr(msg, "X-Envelope-To: sergeant@police.example.org\r\n"));
    assert_non_null(strstr(msg, "From: lantern@wtn.example.org\r\n"));
    assert_non_null(strstr(msg, "To: sergeant@police.example.org\r\n"));
    assert_non_null(strstr(msg, "Subject: Lantern alert: " SUMMARY "\r\n"));
    assert_non_null(strstr(msg, "Date: Fri, 27 Nov 2026 21:00:05 +0000\r\n"));
    assert_non_null(strstr(msg, "Message-ID: <lantern."));
    assert_non_null(strstr(msg, "\r\n\r\n" SUMMARY "\r\nhttps://lantern.wtn.example.org" LINK));
    assert_null(strstr(msg, DETAIL));
    free(msg);
    /* later passes send nothing more */
    c = nf_run(f, NF_T0 + 10);
    assert_int_equal(c.enqueued + c.sent, 0);
    c = nf_run(f, NF_T0 + 7200);
    assert_int_equal(c.enqueued + c.sent, 0);
    assert_int_equal(nf_count(f, "msg-"), 1);
}

/* An officer who did not ask for email, or is disabled, gets none. */
static void test_notify_smtp__only_officers_who_asked(void **state)
{
    struct nf *f = *state;
    int64_t quiet = nf_officer(f->path, "quiet@police.example.org", "WTN");
    int64_t gone = nf_officer(f->path, "gone@police.example.org", "WTN");
    int64_t keen = nf_officer(f->path, "keen@police.example.org", "WTN");
    char *msg;

    nf_smtp_start(f);
    nf_alert(f->path, "a:1", "WTN", SUMMARY, LINK, NF_T0, quiet, false);
    nf_alert(f->path, "a:2", "WTN", SUMMARY, LINK, NF_T0, keen, true);
    nf_alert(f->path, "a:3", "WTN", SUMMARY, LINK, NF_T0, gone, true);
    nf_sql_exec(f->path, "UPDATE officers SET disabled_at = 1 WHERE email LIKE 'gone@%'");
    nf_run(f, NF_T0);
    assert_int_equal(nf_count(f, "msg-"), 1);
    msg = nf_read(f, "msg-1.eml");
    assert_non_null(strstr(msg, "X-Envelope-To: keen@police.example.org\r\n"));
    free(msg);
}

/* A server that refuses: retried a minute later, then two, and delivered once when it takes it. */
static void test_notify_smtp__refused_retried_with_backoff(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    struct lnt_notify_counts c;
    struct lnt_delivery_stats st;
    char err[LNT_ERRBUF_SIZE] = "";

    nf_smtp_start(f);
    nf_switch(f, "refuse", true);
    nf_alert(f->path, DETAIL, "WTN", SUMMARY, LINK, NF_T0, officer, true);
    c = nf_run(f, NF_T0);
    assert_int_equal(c.retried, 1);
    assert_int_equal(attempts_of(f), 1);
    assert_int_equal(next_at_of(f), NF_T0 + 60);
    assert_int_equal(lnt_store_delivery_stats(f->s, &st, err), LNT_OK);
    assert_int_equal(st.count[LNT_CHANNEL_EMAIL][LNT_DELIVERY_PENDING], 1);
    assert_int_equal(st.oldest_pending, NF_T0);
    assert_int_equal(nf_sql_int(f->path, "SELECT count(*) FROM alert_deliveries "
                                         "WHERE last_error LIKE '%451%'"),
                     1);
    /* not before its time */
    c = nf_run(f, NF_T0 + 59);
    assert_int_equal(c.sent + c.retried, 0);
    assert_int_equal(attempts_of(f), 1);
    c = nf_run(f, NF_T0 + 60);
    assert_int_equal(c.retried, 1);
    assert_int_equal(attempts_of(f), 2);
    assert_int_equal(next_at_of(f), NF_T0 + 60 + 120);
    nf_switch(f, "refuse", false);
    c = nf_run(f, NF_T0 + 179);
    assert_int_equal(c.sent, 0);
    assert_int_equal(nf_count(f, "msg-"), 0);
    c = nf_run(f, NF_T0 + 180);
    assert_int_equal(c.sent, 1);
    assert_int_equal(nf_count(f, "msg-"), 1);
    nf_run(f, NF_T0 + 4000);
    assert_int_equal(nf_count(f, "msg-"), 1);
    assert_int_equal(lnt_store_delivery_stats(f->s, &st, err), LNT_OK);
    assert_int_equal(st.count[LNT_CHANNEL_EMAIL][LNT_DELIVERY_SENT], 1);
    assert_int_equal(st.queued, 0);
}

/* Refused for a whole day: the waits double up to an hour, then it is failed, never sent. */
static void test_notify_smtp__gives_up_after_a_day(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    struct lnt_delivery_row *rows = NULL;
    size_t n = 0, passes = 0;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t now = NF_T0, last_wait = 0;

    nf_smtp_start(f);
    nf_switch(f, "refuse", true);
    nf_alert(f->path, DETAIL, "WTN", SUMMARY, LINK, NF_T0, officer, true);
    assert_int_equal(nf_run(f, now).enqueued, 1);
    now = next_at_of(f);
    while (nf_sql_int(f->path, "SELECT count(*) FROM alert_deliveries WHERE state = 'pending'") ==
           1) {
        int64_t next;

        nf_run(f, now);
        next = next_at_of(f);
        if (nf_sql_int(f->path, "SELECT count(*) FROM alert_deliveries WHERE state = 'pending'"))
            last_wait = next - now;
        now = next;
        assert_true(++passes < 100);
    }
    assert_int_equal(last_wait, 3600);
    assert_int_equal(nf_sql_int(f->path, "SELECT count(*) FROM alert_deliveries "
                                         "WHERE state = 'failed'"),
                     1);
    assert_true(now <= NF_T0 + LNT_NOTIFY_GIVE_UP_S);
    assert_int_equal(nf_count(f, "msg-"), 0);
    assert_int_equal(lnt_store_delivery_troubles(f->s, 10, &rows, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].state, LNT_DELIVERY_FAILED);
    assert_non_null(strstr(rows[0].last_error, "451"));
    free(rows);
    /* the server takes mail again: a failed delivery stays failed */
    nf_switch(f, "refuse", false);
    nf_run(f, now + 86400);
    assert_int_equal(nf_count(f, "msg-"), 0);
}

/* Eight alerts in a minute with a limit of five in fifteen: five emails, then one digest of
 * the other three at the end of the window. */
static void test_notify_smtp__digest_after_limit(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    char dedup[32], summary[64], link[64], *msg;
    struct lnt_notify_counts c;

    nf_smtp_start(f);
    for (int i = 1; i <= 8; i++) {
        snprintf(dedup, sizeof dedup, "a:%d", i);
        snprintf(summary, sizeof summary, "Report %d at The Crown", i);
        snprintf(link, sizeof link, "/venues/7#incident-%d", i);
        nf_alert(f->path, dedup, "WTN", summary, link, NF_T0 + i, officer, true);
        nf_run(f, NF_T0 + 10 * i);
    }
    assert_int_equal(nf_count(f, "msg-"), 5);
    c = nf_run(f, NF_T0 + 10 + 899);
    assert_int_equal(c.digests, 0);
    assert_int_equal(nf_count(f, "msg-"), 5);
    c = nf_run(f, NF_T0 + 10 + 900);
    assert_int_equal(c.digests, 1);
    assert_int_equal(c.sent, 1);
    assert_int_equal(nf_count(f, "msg-"), 6);
    msg = nf_read(f, "msg-6.eml");
    assert_non_null(strstr(msg, "Subject: Lantern alert: 3 alerts\r\n"));
    for (int i = 6; i <= 8; i++) {
        char line[160];

        snprintf(line, sizeof line,
                 "Report %d at The Crown\r\nhttps://lantern.wtn.example.org/venues/7#incident-%d",
                 i, i);
        assert_non_null(strstr(msg, line));
    }
    assert_null(strstr(msg, "Report 5 at"));
    free(msg);
    nf_run(f, NF_T0 + 7200);
    assert_int_equal(nf_count(f, "msg-"), 6);
}

/* A sender restarted after sending sends nothing again; one killed mid-send does not resend
 * what it had handed over, and says so. */
static void test_notify_smtp__restart_does_not_resend(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    struct lnt_delivery *d = NULL;
    struct lnt_notifier *sender = NULL;
    size_t n = 0;
    char err[LNT_ERRBUF_SIZE] = "";

    nf_smtp_start(f);
    nf_alert(f->path, "a:1", "WTN", "First", LINK, NF_T0, officer, true);
    nf_run(f, NF_T0);
    assert_int_equal(nf_count(f, "msg-"), 1);
    nf_reopen(f);
    nf_run(f, NF_T0 + 1);
    assert_int_equal(nf_count(f, "msg-"), 1);
    /* the second is claimed and then the process dies before the result is written */
    nf_alert(f->path, "a:2", "WTN", "Second", LINK, NF_T0 + 2, officer, true);
    assert_int_equal(lnt_store_delivery_enqueue(f->s, NF_T0 + 2, &f->cfg.policy, &n, err), LNT_OK);
    assert_int_equal(lnt_store_delivery_claim(f->s, NF_T0 + 2, 10, &d, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    lnt_store_delivery_free(d, n);
    nf_reopen(f);
    /* the restarted sender marks it failed rather than risk a second copy */
    assert_int_equal(lnt_notifier_start(&sender, f->s, &f->cfg, 3600, err), LNT_OK);
    lnt_notifier_stop(sender);
    assert_int_equal(nf_sql_int(f->path, "SELECT count(*) FROM alert_deliveries WHERE state = "
                                         "'failed' AND last_error LIKE 'interrupted%'"),
                     1);
    nf_run(f, NF_T0 + 3);
    nf_run(f, NF_T0 + 86400);
    assert_int_equal(nf_count(f, "msg-"), 1);
    /* and the sender goes on: a third alert is sent, once */
    nf_alert(f->path, "a:3", "WTN", "Third", LINK, NF_T0 + 4, officer, true);
    nf_run(f, NF_T0 + 86401);
    assert_int_equal(nf_count(f, "msg-"), 2);
}

/* A server whose certificate is not trusted gets nothing: TLS is required and checked. */
static void test_notify_smtp__untrusted_server_gets_nothing(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    struct lnt_notify_counts c;

    nf_smtp_start(f);
    f->cfg.smtp_ca_file = "/etc/ssl/certs/ca-certificates.crt";
    nf_alert(f->path, DETAIL, "WTN", SUMMARY, LINK, NF_T0, officer, true);
    c = nf_run(f, NF_T0);
    assert_int_equal(c.retried, 1);
    assert_int_equal(nf_count(f, "msg-"), 0);
}

/* A database upgraded from schema 11 does not email the alerts raised before: only new ones. */
static void test_notify_smtp__upgrade_sends_no_old_alerts(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    char *msg;

    nf_smtp_start(f);
    lnt_store_free(f->s);
    f->s = NULL;
    nf_sql_exec(f->path,
                NF_BACK_TO_16 "DROP TABLE alert_delivery_cursor; DROP TABLE alert_deliveries; "
                              "DROP TABLE alert_webhooks; PRAGMA user_version = 14;");
    nf_alert(f->path, "a:old", "WTN", "Raised before the upgrade", LINK, NF_T0, officer, true);
    nf_reopen(f);
    assert_int_equal(nf_sql_int(f->path, "PRAGMA user_version"), LNT_STORE_SCHEMA_VERSION);
    assert_int_equal(nf_run(f, NF_T0 + 60).enqueued, 0);
    nf_alert(f->path, "a:new", "WTN", "Raised after", LINK, NF_T0 + 61, officer, true);
    nf_run(f, NF_T0 + 62);
    assert_int_equal(nf_count(f, "msg-"), 1);
    msg = nf_read(f, "msg-1.eml");
    assert_non_null(strstr(msg, "Raised after"));
    free(msg);
}

#define SMTP_USER "lantern-alerts"
#define RIGHT_PASSWORD "Wren-4417-orchard"
#define WRONG_PASSWORD "Finch-9923-meadow"

/* The server requires a login: the right password delivers, and the login is what it took. */
static void test_notify_smtp__login_right_password_delivers(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    char pw[1200];
    struct lnt_notify_counts c;

    snprintf(pw, sizeof pw, "%s/smtp.password", f->dir);
    nf_write_secret(pw, RIGHT_PASSWORD "\n");
    nf_smtp_start_login(f, SMTP_USER, pw);
    f->cfg.smtp_user = SMTP_USER;
    f->cfg.smtp_password = RIGHT_PASSWORD;
    nf_alert(f->path, DETAIL, "WTN", SUMMARY, LINK, NF_T0, officer, true);
    c = nf_run(f, NF_T0 + 5);
    assert_int_equal(c.sent, 1);
    assert_int_equal(c.retried, 0);
    assert_int_equal(nf_count(f, "msg-"), 1);
    assert_int_equal(nf_count(f, "auth-refused"), 0);
}

/* A wrong password, or none, is refused by the server: the email is not sent, it is retried,
 * and what the admin reads says the login was refused without ever holding a password. */
static void test_notify_smtp__login_wrong_password_retried_never_shown(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    struct lnt_delivery_row *d = NULL;
    char pw[1200], err[LNT_ERRBUF_SIZE] = "";
    struct lnt_notify_counts c;
    size_t n = 0;

    snprintf(pw, sizeof pw, "%s/smtp.password", f->dir);
    nf_write_secret(pw, RIGHT_PASSWORD "\n");
    nf_smtp_start_login(f, SMTP_USER, pw);
    f->cfg.smtp_user = SMTP_USER;
    f->cfg.smtp_password = WRONG_PASSWORD;
    nf_alert(f->path, DETAIL, "WTN", SUMMARY, LINK, NF_T0, officer, true);
    c = nf_run(f, NF_T0 + 5);
    assert_int_equal(c.sent, 0);
    assert_int_equal(c.retried, 1);
    assert_int_equal(nf_count(f, "msg-"), 0);
    assert_int_equal(nf_count(f, "auth-refused"), 1);
    assert_int_equal(lnt_store_delivery_troubles(f->s, 10, &d, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_non_null(strstr(d[0].last_error, "535"));
    assert_non_null(strstr(d[0].last_error, "login was refused"));
    assert_null(strstr(d[0].last_error, WRONG_PASSWORD));
    assert_null(strstr(d[0].last_error, RIGHT_PASSWORD));
    free(d);
    /* no login at all is refused too: the server takes no mail without one */
    f->cfg.smtp_user = NULL;
    f->cfg.smtp_password = NULL;
    c = nf_run(f, NF_T0 + 5 + 60);
    assert_int_equal(c.sent, 0);
    assert_int_equal(c.retried, 1);
    assert_int_equal(nf_count(f, "msg-"), 0);
    /* with the right password the retry goes, once */
    f->cfg.smtp_user = SMTP_USER;
    f->cfg.smtp_password = RIGHT_PASSWORD;
    c = nf_run(f, NF_T0 + 5 + 60 + 120);
    assert_int_equal(c.sent, 1);
    assert_int_equal(nf_count(f, "msg-"), 1);
    assert_int_equal(nf_sql_int(f->path, "SELECT count(*) FROM alert_deliveries WHERE "
                                         "last_error LIKE '%" WRONG_PASSWORD "%'"),
                     0);
}

/* A URL with a user part is named without it in what the admin reads; one with a password is
 * refused before it is used. */
static void test_notify_smtp__url_user_part_never_shown(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    struct lnt_delivery_row *d = NULL;
    char url[128], shown[128], err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    /* a server that has gone: the error names the URL */
    nf_smtp_start(f);
    lnt_proc_stop(f->sink, SIGTERM);
    f->sink = 0;
    snprintf(url, sizeof url, "smtp://alerts:hunter2@%s", f->url + strlen("smtp://"));
    f->cfg.smtp_url = url;
    nf_alert(f->path, DETAIL, "WTN", SUMMARY, LINK, NF_T0, officer, true);
    assert_int_equal(nf_run(f, NF_T0).retried, 1);
    assert_int_equal(lnt_store_delivery_troubles(f->s, 10, &d, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_non_null(strstr(d[0].last_error, f->url));
    assert_null(strstr(d[0].last_error, "hunter2"));
    assert_null(strstr(d[0].last_error, "alerts"));
    free(d);

    assert_int_equal(
        lnt_notify_url_check("--smtp-url", "smtps://alerts:hunter2@mail.example.org", err),
        LNT_ERR_INVALID);
    assert_non_null(strstr(err, "--smtp-password-file"));
    assert_null(strstr(err, "hunter2"));
    assert_int_equal(lnt_notify_url_check("--smtp-url", "smtp://alerts@mail.example.org:587", err),
                     LNT_OK);
    assert_int_equal(lnt_notify_url_check("--smtp-url", "smtp://mail.example.org/a:b@c", err),
                     LNT_OK);
    lnt_notify_url_shown("smtps://alerts:hunter2@mail.example.org:465/x", shown, sizeof shown);
    assert_string_equal(shown, "smtps://mail.example.org:465/x");
    lnt_notify_url_shown("smtp://alerts@mail.example.org", shown, sizeof shown);
    assert_string_equal(shown, "smtp://mail.example.org");
    lnt_notify_url_shown("smtp://mail.example.org/a@b", shown, sizeof shown);
    assert_string_equal(shown, "smtp://mail.example.org/a@b");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_notify_smtp__one_alert_one_email, nf_setup,
                                        nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_smtp__only_officers_who_asked, nf_setup,
                                        nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_smtp__refused_retried_with_backoff, nf_setup,
                                        nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_smtp__gives_up_after_a_day, nf_setup,
                                        nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_smtp__digest_after_limit, nf_setup,
                                        nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_smtp__restart_does_not_resend, nf_setup,
                                        nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_smtp__untrusted_server_gets_nothing, nf_setup,
                                        nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_smtp__login_right_password_delivers, nf_setup,
                                        nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_smtp__login_wrong_password_retried_never_shown,
                                        nf_setup, nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_smtp__url_user_part_never_shown, nf_setup,
                                        nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_smtp__upgrade_sends_no_old_alerts, nf_setup,
                                        nf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
