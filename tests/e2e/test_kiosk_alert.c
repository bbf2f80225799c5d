/*
 * test_kiosk_alert.c - an alert's whole journey: door staff file a spiking report on the real
 * lantern-kiosk, lanternd stores it, raises a serious_report alert for the licensing officer
 * who asked for one, puts it in their inbox and emails it through a real SMTP server (aiosmtpd
 * with STARTTLS on 127.0.0.1). Exactly once: not again on later passes, and not again after
 * lanternd restarts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "notify_fixture.h"
#include "officer_client.h"
#include "test_kiosk_town.h"

#define EMAIL "j.patel@westham.example"
#define PASSWORD "lamp posts at dusk 42"
#define PUBLIC_URL "https://lantern.wtn.example.org"

struct journey {
    struct town *town;
    void *mail;      /* the notify fixture: the SMTP receiver and its certificate */
    char token[128]; /* an API token for the whole scheme */
};

static void start_lanternd(struct journey *j)
{
    struct nf *m = j->mail;
    const char *const extra[] = {"--alert-interval",
                                 "1",
                                 "--notify-interval",
                                 "1",
                                 "--smtp-url",
                                 m->url,
                                 "--smtp-from",
                                 "lantern@wtn.example.org",
                                 "--smtp-ca-file",
                                 m->cert,
                                 "--public-url",
                                 PUBLIC_URL,
                                 NULL};

    town_start_server_with(j->town, extra);
}

static int setup(void **state)
{
    struct journey *j = calloc(1, sizeof *j);
    json_t *o;

    assert_non_null(j);
    j->town = town_new();
    assert_int_equal(nf_setup(&j->mail), 0);
    nf_smtp_start(j->mail);
    json_decref(town_ctl(j->town, PASSWORD "\n" PASSWORD "\n",
                         (const char *[]){"officer", "add", "--email", EMAIL, "--name", "Jas Patel",
                                          "--role", "officer", NULL}));
    json_decref(town_ctl(j->town, NULL,
                         (const char *[]){"alert", "subscribe", "--officer", EMAIL, "--kind",
                                          "serious_report", "--email", NULL}));
    o = town_ctl(j->town, NULL,
                 (const char *[]){"token", "add", "--role", "admin", "--label", "journey", NULL});
    snprintf(j->token, sizeof j->token, "%s", town_str(o, "token"));
    json_decref(o);
    start_lanternd(j);
    *state = j;
    return 0;
}

static int teardown(void **state)
{
    struct journey *j = *state;

    town_free(j->town);
    nf_teardown(&j->mail);
    free(j);
    return 0;
}

/* The officer's inbox as the API gives it. */
static json_t *inbox(struct journey *j)
{
    CURL *curl = lnt_test_officer_client();
    struct lnt_test_page page;
    json_t *r;

    lnt_test_officer_http(curl, j->town->url, "/api/v1/alerts?officer=" EMAIL, NULL, j->token,
                          &page);
    if (page.status != 200)
        fail_msg("GET /api/v1/alerts: %ld %s", page.status, page.body.data);
    r = json_loads(page.body.data, 0, NULL);
    assert_non_null(r);
    lnt_test_page_release(&page);
    curl_easy_cleanup(curl);
    return r;
}

/* Waits up to `seconds` for n emails to have arrived; the count when it stops waiting. */
static size_t emails_after(struct journey *j, size_t n, int seconds)
{
    size_t got = 0;

    for (int i = 0; i < seconds * 10 && (got = nf_count(j->mail, "msg-")) < n; i++)
        usleep(100 * 1000);
    return got;
}

static void test_kiosk_alert__a_spiking_report_reaches_email_and_inbox_exactly_once(void **state)
{
    struct journey *j = *state;
    json_t *box, *alert;
    char *mail;

    town_play(j->town,
              "scan door.png\ntap Spiking\ntap No\ntap Yes\ntap Now\ntap Dance floor\n"
              "tap More\ntap More\ntap Unconscious\ntap Next\ntap Next\n"
              "tap Yes\ntype CAD 9/26\ntap OK\ntap Skip\n"
              "tap Safe space\ntap First aid\ntap Next\ntap Not used\n"
              "tap Yes\ntype DF 1\ntap OK\ntap From 30 min before it\ntap Don't know\n"
              "tap Skip\ntap Skip\ntap Hospital\n",
              true);

    /* the email: to the officer, a summary and a link, no detail of the report */
    assert_int_equal(emails_after(j, 1, 120), 1);
    mail = nf_read(j->mail, "msg-1.eml");
    assert_non_null(strstr(mail, "X-Envelope-To: " EMAIL));
    assert_non_null(strstr(mail, "Serious incident report"));
    assert_non_null(strstr(mail, "The Crown"));
    assert_non_null(strstr(mail, PUBLIC_URL "/venues/"));
    assert_null(strstr(mail, "CAD 9/26"));
    assert_null(strstr(mail, "DF 1"));
    assert_null(strstr(mail, "ance floor"));
    assert_null(strstr(mail, "nconscious"));
    free(mail);

    /* the inbox: the same alert, once, waiting */
    box = inbox(j);
    assert_int_equal(json_integer_value(json_object_get(box, "unacknowledged")), 1);
    assert_int_equal(json_array_size(json_object_get(box, "alerts")), 1);
    alert = json_array_get(json_object_get(box, "alerts"), 0);
    assert_string_equal(json_string_value(json_object_get(alert, "kind")), "serious_report");
    json_decref(box);

    /* later passes of the scanner and the sender (one a second) add nothing */
    assert_int_equal(emails_after(j, 2, 5), 1);

    /* nor does a restart */
    town_stop_server(j->town);
    start_lanternd(j);
    assert_int_equal(emails_after(j, 2, 5), 1);
    box = inbox(j);
    assert_int_equal(json_array_size(json_object_get(box, "alerts")), 1);
    json_decref(box);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_kiosk_alert__a_spiking_report_reaches_email_and_inbox_exactly_once, setup,
            teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
