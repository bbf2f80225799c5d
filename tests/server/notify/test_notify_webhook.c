/* test_notify_webhook.c - alerts POSTed to an authority's webhook (a real HTTP receiver on
 * 127.0.0.1, tests/support/webhook_sink.py): the body signed so the force can check it, only
 * the authority's own alerts, retried on 500, and nothing once the webhook is cleared. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "codec.h"
#include "notify.h"
#include "notify_fixture.h"
#include "store_admin.h"
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
    /* credentials in the URL would show on the admin page */
    assert_int_equal(lnt_store_webhook_set(f->s, NULL, "WTN", "https://force:hunter2@x/hook", NF_T0,
                                           secret, err),
                     LNT_ERR_INVALID);
    assert_null(strstr(err, "hunter2"));
    assert_int_equal(
        lnt_store_webhook_set(f->s, NULL, "WTN", "https://x/hook?to=a@b", NF_T0, secret, err),
        LNT_OK);
}

/* Whether the `len` bytes at `needle` are anywhere in file `path` (absent file: no). */
static bool file_holds(const char *path, const void *needle, size_t len)
{
    FILE *fp = fopen(path, "rb");
    char *data;
    long size;
    bool found;

    if (fp == NULL)
        return false;
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    size = ftell(fp);
    assert_true(size >= 0);
    rewind(fp);
    data = malloc((size_t)size + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, fp), (size_t)size);
    fclose(fp);
    found = memmem(data, (size_t)size, needle, len) != NULL;
    free(data);
    return found;
}

/* Neither the secret's bytes nor its hex in the database, its WAL or its journal. */
static void secret_not_in_database(const struct nf *f, const uint8_t secret[LNT_WEBHOOK_SECRET_LEN])
{
    static const char *const ends[] = {"", "-wal", "-journal", "-shm"};
    char hex[2 * LNT_WEBHOOK_SECRET_LEN + 1], path[1200];

    lnt_hex_encode(secret, LNT_WEBHOOK_SECRET_LEN, hex);
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        snprintf(path, sizeof path, "%s%s", f->path, ends[i]);
        if (file_holds(path, secret, LNT_WEBHOOK_SECRET_LEN) || file_holds(path, hex, strlen(hex)))
            fail_msg("the webhook secret is in %s", path);
    }
}

/* The key file beside the database, as lnt_store_open uses it. */
static void key_file(const struct nf *f, char *out, size_t size)
{
    snprintf(out, size, "%s/keys/lantern.keys", f->dir);
}

/* The secret set with lanternctl is kept sealed: not in the database's bytes, nor in `list`,
 * with a wrapping key added to the key file (0600); the force still verifies the posts. */
static void test_notify_webhook__secret_sealed_not_in_database(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    char bin[1024], keys[1200], hex[2 * LNT_WEBHOOK_SECRET_LEN + 1], err[LNT_ERRBUF_SIZE] = "";
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN];
    struct lnt_proc_result r;
    struct stat st;
    json_error_t jerr;
    json_t *j;
    char *text;
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
    snprintf(hex, sizeof hex, "%s", json_string_value(json_object_get(j, "secret")));
    assert_int_equal(lnt_hex_decode(hex, secret, sizeof secret), LNT_OK);
    json_decref(j);
    lnt_proc_result_release(&r);
    {
        const char *argv[] = {bin, "--db", f->path, "--json", "alert", "webhook", "list", NULL};

        assert_int_equal(lnt_proc_run(argv, NULL, 30000, &r), 0);
    }
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, f->url));
    assert_null(strstr(r.out, hex));
    lnt_proc_result_release(&r);

    lnt_store_free(f->s); /* everything on disk, the WAL checkpointed */
    f->s = NULL;
    secret_not_in_database(f, secret);
    assert_int_equal(nf_sql_int(f->path, "SELECT count(*) FROM alert_webhooks WHERE secret = "
                                         "zeroblob(32) AND length(sealed) = 76"),
                     1);
    key_file(f, keys, sizeof keys);
    assert_int_equal(stat(keys, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    text = nf_read_path(keys);
    assert_non_null(strstr(text, "\nwrap "));
    free(text);

    nf_reopen(f);
    nf_alert(f->path, "a:1", "WTN", SUMMARY, LINK, NF_T0, officer, false);
    nf_run(f, NF_T0);
    assert_int_equal(nf_count(f, "post-"), 1);
    read_post(f, "post-1.txt", &p);
    assert_true(signature_ok(secret, &p));
    free(p.text);
}

/* A schema 15 database kept the secret in clear: opening it seals it, the clear bytes are gone
 * from the file, a wrapping key is added to the key file, and the force's secret still signs. */
static void test_notify_webhook__upgrade_seals_clear_secret(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN];
    char hex[2 * LNT_WEBHOOK_SECRET_LEN + 1], sql[1024], keys[1200];
    struct stat st;
    struct post p;

    for (size_t i = 0; i < sizeof secret; i++)
        secret[i] = (uint8_t)(0xa5 ^ (i * 7));
    lnt_hex_encode(secret, sizeof secret, hex);
    nf_webhook_start(f);
    lnt_store_free(f->s);
    f->s = NULL;
    /* as schema 15 kept it */
    snprintf(sql, sizeof sql,
             NF_BACK_TO_16 "ALTER TABLE alert_webhooks DROP COLUMN sealed; "
                           "INSERT INTO alert_webhooks (authority, url, secret, created_at) VALUES "
                           "('WTN', '%s', X'%s', %d); PRAGMA user_version = 15;",
             f->url, hex, NF_T0);
    nf_sql_exec(f->path, sql);
    key_file(f, keys, sizeof keys);
    assert_int_not_equal(stat(keys, &st), 0); /* no key file yet */

    nf_reopen(f);
    assert_int_equal(nf_sql_int(f->path, "PRAGMA user_version"), LNT_STORE_SCHEMA_VERSION);
    assert_int_equal(nf_sql_int(f->path, "SELECT count(*) FROM alert_webhooks WHERE secret = "
                                         "zeroblob(32) AND length(sealed) = 76"),
                     1);
    assert_int_equal(nf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = "
                                         "'webhook.seal'"),
                     1);
    assert_int_equal(stat(keys, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    lnt_store_free(f->s);
    f->s = NULL;
    secret_not_in_database(f, secret);

    nf_reopen(f); /* opened again: nothing more to seal */
    assert_int_equal(nf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = "
                                         "'webhook.seal'"),
                     1);
    nf_alert(f->path, "a:1", "WTN", SUMMARY, LINK, NF_T0, officer, false);
    nf_run(f, NF_T0);
    assert_int_equal(nf_count(f, "post-"), 1);
    read_post(f, "post-1.txt", &p);
    assert_true(signature_ok(secret, &p));
    free(p.text);
}

/* Opened with another scheme's key file, the webhook's secret cannot be opened: its post fails
 * with a clear error and is retried, the emails still go, and with the right key file the
 * retry is posted and verifies. */
static void test_notify_webhook__wrong_key_file_fails_webhook_only(void **state)
{
    struct nf *f = *state;
    int64_t officer = nf_officer(f->path, "sergeant@police.example.org", "WTN");
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN], other_secret[LNT_WEBHOOK_SECRET_LEN];
    char err[LNT_ERRBUF_SIZE] = "", smtp_url[128], other_db[1200], other_keys[1200];
    char port_file[1200];
    struct lnt_delivery_row *d = NULL;
    struct lnt_store *other = NULL;
    struct lnt_notify_counts c;
    pid_t smtp;
    size_t n = 0;
    struct post p;

    /* another database, whose first webhook puts a wrapping key in its own key file */
    snprintf(other_db, sizeof other_db, "%s/other.db", f->dir);
    snprintf(other_keys, sizeof other_keys, "%s/keys/other.keys", f->dir);
    assert_int_equal(lnt_store_open(&other, other_db, err), LNT_OK);
    assert_int_equal(lnt_store_webhook_set(other, NULL, "WTN", "https://force.example.org/hook",
                                           NF_T0, other_secret, err),
                     LNT_OK);
    lnt_store_free(other);

    nf_smtp_start(f);
    smtp = f->sink;
    snprintf(smtp_url, sizeof smtp_url, "%s", f->url);
    f->cfg.smtp_url = smtp_url;
    snprintf(port_file, sizeof port_file, "%s/sink.port", f->dir);
    unlink(port_file);
    nf_webhook_start(f);
    assert_int_equal(lnt_store_webhook_set(f->s, NULL, "WTN", f->url, NF_T0, secret, err), LNT_OK);

    lnt_store_free(f->s);
    f->s = NULL;
    assert_int_equal(lnt_store_open_keys(&f->s, f->path, other_keys, err), LNT_OK);
    nf_alert(f->path, "a:1", "WTN", SUMMARY, LINK, NF_T0, officer, true);
    c = nf_run(f, NF_T0);
    assert_int_equal(c.sent, 1); /* the email */
    assert_int_equal(c.retried, 1);
    assert_int_equal(nf_count(f, "msg-"), 1);
    assert_int_equal(nf_count(f, "post-"), 0);
    assert_int_equal(lnt_store_delivery_troubles(f->s, 10, &d, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(d[0].channel, LNT_CHANNEL_WEBHOOK);
    assert_non_null(strstr(d[0].last_error, "wrong key file"));
    assert_non_null(strstr(d[0].last_error, "WTN"));
    free(d);

    lnt_store_free(f->s);
    f->s = NULL;
    nf_reopen(f); /* the database's own key file */
    c = nf_run(f, NF_T0 + 60);
    assert_int_equal(c.sent, 1);
    assert_int_equal(nf_count(f, "post-"), 1);
    read_post(f, "post-1.txt", &p);
    assert_true(signature_ok(secret, &p));
    assert_false(signature_ok(other_secret, &p));
    free(p.text);
    assert_int_equal(nf_count(f, "msg-"), 1);
    lnt_proc_stop(smtp, SIGTERM);
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
        cmocka_unit_test_setup_teardown(test_notify_webhook__secret_sealed_not_in_database,
                                        nf_setup, nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_webhook__upgrade_seals_clear_secret, nf_setup,
                                        nf_teardown),
        cmocka_unit_test_setup_teardown(test_notify_webhook__wrong_key_file_fails_webhook_only,
                                        nf_setup, nf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
