/* test_notify_webhook.c - alerts POSTed to an authority's webhook (a real HTTP receiver on
 * 127.0.0.1, tests/support/webhook_sink.py): the body signed so the force can check it, only
 * the authority's own alerts, retried on 500, and nothing once the webhook is cleared. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "codec.h"
#include "notify.h"
#include "notify_fixture.h"
#include "store_notify.h"
#include "support.h"

#define SUMMARY "Venue The Crown turned Red"
#define LINK "/venues/7"

/* The body of post `name` and its two headers. */
struct post {
    char signature[128];
    char timestamp[32];
    const char *body;
    char *text;
};

static void read_post(struct nf *f, const char *name, struct post *p)
{
    char *nl;

    p->text = nf_read(f, name);
    assert_int_equal(strncmp(p->text, "X-Lantern-Signature: ", 21), 0);
    nl = strchr(p->text, '\n');
    assert_non_null(nl);
    snprintf(p->signature, sizeof p->signature, "%.*s", (int)(nl - p->text - 21), p->text + 21);
    assert_int_equal(strncmp(nl + 1, "X-Lantern-Timestamp: ", 21), 0);
    snprintf(p->timestamp, sizeof p->timestamp, "%.*s", (int)strcspn(nl + 22, "\n"), nl + 22);
    p->body = strstr(p->text, "\n\n");
    assert_non_null(p->body);
    p->body += 2;
}

/* What a force's system does: HMAC-SHA256 of the body with the shared secret, compared. */
static bool signature_ok(const uint8_t secret[LNT_WEBHOOK_SECRET_LEN], const struct post *p)
{
    uint8_t mac[crypto_auth_hmacsha256_BYTES];
    char hex[2 * sizeof mac + 1], want[8 + sizeof hex];

    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, secret, LNT_WEBHOOK_SECRET_LEN);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)p->body, strlen(p->body));
    crypto_auth_hmacsha256_final(&st, mac);
    lnt_hex_encode(mac, sizeof mac, hex);
    snprintf(want, sizeof want, "sha256=%s", hex);
    return strlen(p->signature) == strlen(want) &&
           sodium_memcmp(p->signature, want, strlen(want)) == 0;
}

static void test_notify_webhook__signature_verifiable(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN], other[LNT_WEBHOOK_SECRET_LEN];
    char err[LNT_ERRBUF_SIZE] = "";
    struct post p;
    json_error_t jerr;
    json_t *j;
    int64_t id;

    nf_webhook_start(f);
    assert_int_equal(lnt_store_webhook_set(f->s, NULL, "WTN", f->url, NF_T0, secret, err), LNT_OK);
    id = nf_alert(f->path, "venue_red:7:2026-11-27", "WTN", SUMMARY, LINK, NF_T0, officer, false);
    nf_run(f, NF_T0 + 30);
    assert_int_equal(nf_count(f, "post-"), 1);
    read_post(f, "post-1.txt", &p);
    assert_true(signature_ok(secret, &p));
    assert_string_equal(p.timestamp, "1795813230");
    /* another secret, or a body changed by one byte, does not verify */
    memcpy(other, secret, sizeof other);
    other[0] ^= 1;
    assert_false(signature_ok(other, &p));
    j = json_loads(p.body, 0, &jerr);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "kind")), "serious_report");
    assert_string_equal(json_string_value(json_object_get(j, "summary")), SUMMARY);
    assert_string_equal(json_string_value(json_object_get(j, "link")),
                        "https://lantern.wtn.example.org/venues/7");
    assert_int_equal(json_integer_value(json_object_get(j, "venue_id")), 7);
    assert_string_equal(json_string_value(json_object_get(j, "raised_at")), "2026-11-27T21:00:00Z");
    assert_int_equal(json_integer_value(json_object_get(j, "id")), id);
    assert_int_equal(json_object_size(j), 6);
    json_decref(j);
    free(p.text);
    nf_run(f, NF_T0 + 3600);
    assert_int_equal(nf_count(f, "post-"), 1);
}

/* Only the authority's own alerts go to its webhook. */
static void test_notify_webhook__other_authority_not_posted(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN];
    char err[LNT_ERRBUF_SIZE] = "";
    struct post p;

    nf_webhook_start(f);
    assert_int_equal(lnt_store_webhook_set(f->s, NULL, "WTN", f->url, NF_T0, secret, err), LNT_OK);
    nf_alert(f->path, "a:1", "NTN", "Elsewhere", LINK, NF_T0, officer, false);
    nf_alert(f->path, "a:2", "WTN", SUMMARY, LINK, NF_T0, officer, false);
    nf_run(f, NF_T0);
    assert_int_equal(nf_count(f, "post-"), 1);
    read_post(f, "post-1.txt", &p);
    assert_non_null(strstr(p.body, SUMMARY));
    free(p.text);
}

/* A receiver answering 500 is tried again a minute later; the alert arrives once. */
static void test_notify_webhook__retries_on_500(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_notify_counts c;
    struct post p;

    nf_webhook_start(f);
    assert_int_equal(lnt_store_webhook_set(f->s, NULL, "WTN", f->url, NF_T0, secret, err), LNT_OK);
    nf_switch(f, "fail", true);
    nf_alert(f->path, "a:1", "WTN", SUMMARY, LINK, NF_T0, officer, false);
    c = nf_run(f, NF_T0);
    assert_int_equal(c.retried, 1);
    assert_int_equal(nf_sql_int(f->path, "SELECT count(*) FROM alert_deliveries WHERE channel = "
                                         "'webhook' AND last_error LIKE '%HTTP 500%'"),
                     1);
    nf_switch(f, "fail", false);
    c = nf_run(f, NF_T0 + 59);
    assert_int_equal(c.sent, 0);
    c = nf_run(f, NF_T0 + 60);
    assert_int_equal(c.sent, 1);
    assert_int_equal(nf_count(f, "post-"), 1);
    read_post(f, "post-1.txt", &p);
    assert_true(signature_ok(secret, &p));
    assert_string_equal(p.timestamp, "1795813260");
    free(p.text);
    nf_run(f, NF_T0 + 7200);
    assert_int_equal(nf_count(f, "post-"), 1);
}

/* A cleared webhook gets nothing more, even what was queued for it; a replaced secret signs. */
static void test_notify_webhook__cleared_gets_nothing(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_webhook *w = NULL;
    size_t n = 0;

    nf_webhook_start(f);
    assert_int_equal(lnt_store_webhook_set(f->s, NULL, "WTN", f->url, NF_T0, secret, err), LNT_OK);
    assert_int_equal(lnt_store_webhook_list(f->s, &w, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(w[0].url, f->url);
    free(w);
    nf_switch(f, "fail", true);
    nf_alert(f->path, "a:1", "WTN", SUMMARY, LINK, NF_T0, officer, false);
    nf_run(f, NF_T0);
    assert_int_equal(lnt_store_webhook_clear(f->s, NULL, "WTN", NF_T0 + 1, err), LNT_OK);
    assert_int_equal(lnt_store_webhook_clear(f->s, NULL, "WTN", NF_T0 + 1, err), LNT_ERR_NOT_FOUND);
    nf_switch(f, "fail", false);
    nf_run(f, NF_T0 + 60);
    nf_alert(f->path, "a:2", "WTN", SUMMARY, LINK, NF_T0 + 61, officer, false);
    nf_run(f, NF_T0 + 120);
    assert_int_equal(nf_count(f, "post-"), 0);
    assert_int_equal(nf_sql_int(f->path, "SELECT count(*) FROM alert_deliveries WHERE state = "
                                         "'failed' AND last_error LIKE '%cleared%'"),
                     1);
    assert_int_equal(lnt_store_webhook_list(f->s, &w, &n, err), LNT_OK);
    assert_int_equal(n, 0);
    free(w);
}

/* The scheme admin sets the webhook with lanternctl and hands the printed secret to the force,
 * whose system then verifies the posts with it; `list` never shows the secret. */
static void test_notify_webhook__set_by_lanternctl(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    char bin[1024], err[LNT_ERRBUF_SIZE] = "";
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN];
    struct lnt_proc_result r;
    json_error_t jerr;
    json_t *j;
    struct post p;

    if (lnt_store_scheme_init(f->s, "WTN", err) != LNT_OK)
        fail_msg("init: %s", err);
    nf_webhook_start(f);
    snprintf(bin, sizeof bin, "%s", lnt_test_bin("lanternctl"));
    {
        const char *argv[] = {bin,   "--db",        f->path, "--json", "alert", "webhook",
                              "set", "--authority", "WTN",   "--url",  f->url,  NULL};

        assert_int_equal(lnt_proc_run(argv, NULL, 30000, &r), 0);
    }
    if (r.status != 0)
        fail_msg("lanternctl: %s", r.err);
    j = json_loads(r.out, 0, &jerr);
    assert_non_null(j);
    assert_int_equal(
        lnt_hex_decode(json_string_value(json_object_get(j, "secret")), secret, sizeof secret),
        LNT_OK);
    json_decref(j);
    lnt_proc_result_release(&r);
    {
        const char *argv[] = {bin, "--db", f->path, "alert", "webhook", "list", NULL};

        assert_int_equal(lnt_proc_run(argv, NULL, 30000, &r), 0);
    }
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, f->url));
    assert_null(strstr(r.out, "secret"));
    lnt_proc_result_release(&r);
    nf_alert(f->path, "a:1", "WTN", SUMMARY, LINK, NF_T0, officer, false);
    nf_run(f, NF_T0);
    assert_int_equal(nf_count(f, "post-"), 1);
    read_post(f, "post-1.txt", &p);
    assert_true(signature_ok(secret, &p));
    free(p.text);
}

/* A URL that is not http(s), or holds a space, is refused with a message naming it. */
static void test_notify_webhook__bad_url_refused(void **state)
{
    struct nf *f = *state;
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN];
    char err[LNT_ERRBUF_SIZE] = "";

    assert_int_equal(lnt_store_webhook_set(f->s, NULL, "WTN", "ftp://x/", NF_T0, secret, err),
                     LNT_ERR_INVALID);
    assert_non_null(strstr(err, "http"));
    assert_int_equal(lnt_store_webhook_set(f->s, NULL, "WTN", "https://x/a b", NF_T0, secret, err),
                     LNT_ERR_INVALID);
    assert_int_equal(lnt_store_webhook_set(f->s, NULL, "", "https://x/", NF_T0, secret, err),
                     LNT_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_notify_webhook__signature_verifiable, nf_setup,
                                        nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_webhook__other_authority_not_posted, nf_setup,
                                        nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_webhook__retries_on_500, nf_setup, nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_webhook__cleared_gets_nothing, nf_setup,
                                        nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_webhook__set_by_lanternctl, nf_setup,
                                        nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_webhook__bad_url_refused, nf_setup,
                                        nf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
