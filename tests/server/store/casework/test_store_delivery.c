/* test_store_delivery.c - the alert delivery queue and the authorities' webhooks in the store
 * (store_notify.h): each alert enqueued once, the rate limit's digests, claims, results,
 * recovery after a kill, what the admin page shows, and webhook secrets kept sealed; on
 * both backends, with two stores claiming from one database at once. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "codec.h"
#include "pgcluster.h"
#include "store_notify.h"
#include "support.h"
#include "test_store_fixture.h"

#define T SF_T0
#define SUMMARY "Serious report at The Crown, 21:00"
#define LINK "/venues/7/incidents"

static const struct lnt_notify_policy policy = {.digest_after = 5, .window_s = 900};

/* Runs `sql` on the store's database on a connection of its own, as the raising side writes. */
static void sql_run(const struct sf *f, const char *sql)
{
    sqlite3 *db = NULL;
    char *msg = NULL;

    if (sf_on_postgresql()) {
        lnt_pg_run(f->path, sql);
        return;
    }
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

static int64_t officer(const struct sf *f, const char *email, bool disabled)
{
    char sql[512];

    snprintf(sql, sizeof sql,
             "INSERT INTO officers (email, name, role, authority, pwhash, created_at, "
             "disabled_at) VALUES ('%s', 'Officer', 2, 'WTN', '-', %d, %d)",
             email, T, disabled ? T : 0);
    sql_run(f, sql);
    snprintf(sql, sizeof sql, "SELECT id FROM officers WHERE email = '%s'", email);
    return sf_sql_int(f->path, sql);
}

/* An alert raised for `authority`, in the inbox of officer (0: none), by email or not. */
static int64_t alert(const struct sf *f, const char *dedup, const char *authority,
                     int64_t officer_id, bool by_email)
{
    char sql[768];
    int64_t id;

    snprintf(sql, sizeof sql,
             "INSERT INTO alerts (kind, dedup, authority, venue_id, summary, link, raised_at) "
             "VALUES ('serious_report', '%s', '%s', 7, '" SUMMARY "', '" LINK "', %d)",
             dedup, authority, T);
    sql_run(f, sql);
    snprintf(sql, sizeof sql, "SELECT id FROM alerts WHERE dedup = '%s'", dedup);
    id = sf_sql_int(f->path, sql);
    if (officer_id != 0) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO alert_inbox (alert_id, officer_id, by_email) VALUES (%lld, %lld, %d)",
                 (long long)id, (long long)officer_id, by_email ? 1 : 0);
        sql_run(f, sql);
    }
    return id;
}

static void webhook(const struct sf *f, const char *authority, const char *url,
                    uint8_t secret[LNT_WEBHOOK_SECRET_LEN])
{
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_store_webhook_set(f->s, "admin@westshire.gov.uk", authority, url, T, secret, err) !=
        LNT_OK)
        fail_msg("webhook: %s", err);
}

static size_t enqueue(const struct sf *f, int64_t now, const struct lnt_notify_policy *p)
{
    char err[LNT_ERRBUF_SIZE] = "";
    size_t added = 99;

    if (lnt_store_delivery_enqueue(f->s, now, p, &added, err) != LNT_OK)
        fail_msg("enqueue: %s", err);
    return added;
}

static struct lnt_delivery *claim(struct lnt_store *s, int64_t now, size_t max, size_t *n)
{
    struct lnt_delivery *d = NULL;
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_store_delivery_claim(s, now, max, &d, n, err) != LNT_OK)
        fail_msg("claim: %s", err);
    return d;
}

static void done(const struct sf *f, int64_t id, int64_t now, bool ok, int64_t retry_at,
                 const char *error)
{
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_store_delivery_done(f->s, id, now, ok, retry_at, error, err) != LNT_OK)
        fail_msg("done %lld: %s", (long long)id, err);
}

static struct lnt_delivery_stats stats(const struct sf *f)
{
    struct lnt_delivery_stats st;
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_store_delivery_stats(f->s, &st, err) != LNT_OK)
        fail_msg("stats: %s", err);
    return st;
}

static const uint8_t zero[LNT_WEBHOOK_SECRET_LEN];

/* One email per inbox row asking for it (its officer enabled), one post per alert of an
 * authority with a webhook; each alert once, however often the sender looks. */
static void test_store_delivery__enqueue_once_by_email_and_webhook(void **state)
{
    struct sf *f = *state;
    int64_t pat = officer(f, "pat@westshire.police.uk", false);
    int64_t kim = officer(f, "kim@westshire.police.uk", false);
    int64_t lee = officer(f, "lee@westshire.police.uk", true);
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN];
    struct lnt_delivery *d;
    int64_t a1, a2;
    size_t n;

    webhook(f, "WTN", "https://police.example.org/hook", secret);
    a1 = alert(f, "a:1", "WTN", pat, true);
    {
        char sql[256];

        snprintf(sql, sizeof sql,
                 "INSERT INTO alert_inbox (alert_id, officer_id, by_email) VALUES (%lld, %lld, 0), "
                 "(%lld, %lld, 1)",
                 (long long)a1, (long long)kim, (long long)a1, (long long)lee);
        sql_run(f, sql);
    }
    a2 = alert(f, "a:2", "NTH", pat, true); /* no webhook for NTH */

    assert_int_equal(enqueue(f, T + 10, &policy), 3);
    assert_int_equal(enqueue(f, T + 11, &policy), 0);

    d = claim(f->s, T + 10, 10, &n);
    assert_int_equal(n, 3);
    /* due together: in the order they were queued, the emails before the posts */
    assert_int_equal(d[0].channel, LNT_CHANNEL_EMAIL);
    assert_string_equal(d[0].target, "pat@westshire.police.uk");
    assert_int_equal(d[0].alert.id, a1);
    assert_int_equal(d[1].channel, LNT_CHANNEL_EMAIL);
    assert_int_equal(d[1].alert.id, a2);
    assert_string_equal(d[1].alert.authority, "NTH");
    assert_int_equal(d[2].channel, LNT_CHANNEL_WEBHOOK);
    assert_string_equal(d[2].target, "https://police.example.org/hook");
    assert_int_equal(d[2].alert.id, a1);
    assert_string_equal(d[2].alert.kind, "serious_report");
    assert_string_equal(d[2].alert.summary, SUMMARY);
    assert_string_equal(d[2].alert.link, LINK);
    assert_int_equal(d[2].alert.venue_id, 7);
    assert_int_equal(d[2].alert.raised_at, T);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(d[i].attempts, 1);
        assert_int_equal(d[i].created_at, T + 10);
        assert_false(d[i].digest);
        assert_string_equal(d[i].secret_error, "");
    }
    /* the post carries the secret the admin was given; an email none */
    assert_memory_equal(d[2].secret, secret, LNT_WEBHOOK_SECRET_LEN);
    assert_memory_equal(d[0].secret, zero, LNT_WEBHOOK_SECRET_LEN);
    lnt_store_delivery_free(d, n);
    /* being sent: nobody claims them again */
    d = claim(f->s, T + 20, 10, &n);
    assert_int_equal(n, 0);
    assert_null(d);
}

/* Sent, retried later with the reason kept, failed for good: what the admin page lists. */
static void test_store_delivery__results_retries_and_troubles(void **state)
{
    struct sf *f = *state;
    int64_t pat = officer(f, "pat@westshire.police.uk", false);
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN];
    struct lnt_delivery_row *rows = NULL;
    struct lnt_delivery_stats st;
    struct lnt_delivery *d;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t email, post;
    size_t n;

    webhook(f, "WTN", "https://police.example.org/hook", secret);
    (void)alert(f, "a:1", "WTN", pat, true);
    assert_int_equal(enqueue(f, T, &policy), 2);
    d = claim(f->s, T, 10, &n);
    assert_int_equal(n, 2);
    email = d[0].id;
    post = d[1].id;
    lnt_store_delivery_free(d, n);

    st = stats(f);
    assert_int_equal(st.count[LNT_CHANNEL_EMAIL][LNT_DELIVERY_SENDING], 1);
    assert_int_equal(st.count[LNT_CHANNEL_WEBHOOK][LNT_DELIVERY_SENDING], 1);
    assert_int_equal(st.queued, 2);
    assert_int_equal(st.oldest_pending, T);

    done(f, email, T + 1, true, 0, NULL);
    done(f, post, T + 1, false, T + 60, "HTTP 503 from police.example.org");
    /* recorded once: a second result for it is refused */
    assert_int_equal(lnt_store_delivery_done(f->s, email, T + 2, true, 0, NULL, err),
                     LNT_ERR_NOT_FOUND);
    assert_non_null(strstr(err, "is not being sent"));

    /* retrying: listed with its reason, due again at the retry */
    assert_int_equal(lnt_store_delivery_troubles(f->s, 10, &rows, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].id, post);
    assert_int_equal(rows[0].state, LNT_DELIVERY_PENDING);
    assert_int_equal(rows[0].channel, LNT_CHANNEL_WEBHOOK);
    assert_int_equal(rows[0].attempts, 1);
    assert_int_equal(rows[0].next_at, T + 60);
    assert_string_equal(rows[0].last_error, "HTTP 503 from police.example.org");
    free(rows);
    d = claim(f->s, T + 59, 10, &n);
    assert_int_equal(n, 0);
    d = claim(f->s, T + 60, 10, &n);
    assert_int_equal(n, 1);
    assert_int_equal(d[0].id, post);
    assert_int_equal(d[0].attempts, 2);
    assert_memory_equal(d[0].secret, secret, LNT_WEBHOOK_SECRET_LEN);
    lnt_store_delivery_free(d, n);
    done(f, post, T + 61, false, 0, "HTTP 410 from police.example.org");

    st = stats(f);
    assert_int_equal(st.count[LNT_CHANNEL_EMAIL][LNT_DELIVERY_SENT], 1);
    assert_int_equal(st.count[LNT_CHANNEL_WEBHOOK][LNT_DELIVERY_FAILED], 1);
    assert_int_equal(st.queued, 0);
    assert_int_equal(st.oldest_pending, 0);
    assert_int_equal(lnt_store_delivery_troubles(f->s, 10, &rows, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].state, LNT_DELIVERY_FAILED);
    assert_int_equal(rows[0].attempts, 2);
    assert_int_equal(rows[0].next_at, T + 60);
    assert_string_equal(rows[0].last_error, "HTTP 410 from police.example.org");
    free(rows);
    /* a sent email keeps no error, whatever the sender passed */
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM alert_deliveries WHERE "
                                         "state = 'sent' AND last_error = '' AND sent_at > 0"),
                     1);
}

/* Over the rate limit, a recipient's emails are held, then go as one digest of their alerts
 * when the window ends. */
static void test_store_delivery__held_over_the_limit_into_one_digest(void **state)
{
    struct sf *f = *state;
    const struct lnt_notify_policy two = {.digest_after = 2, .window_s = 900};
    int64_t pat = officer(f, "pat@westshire.police.uk", false);
    struct lnt_alert_brief *items = NULL;
    struct lnt_delivery_stats st;
    struct lnt_delivery *d;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t a[4];
    size_t n, digests = 9;

    for (int i = 0; i < 4; i++) {
        char dedup[16];

        snprintf(dedup, sizeof dedup, "a:%d", i + 1);
        a[i] = alert(f, dedup, "WTN", pat, true);
    }
    assert_int_equal(enqueue(f, T, &two), 4);
    st = stats(f);
    assert_int_equal(st.count[LNT_CHANNEL_EMAIL][LNT_DELIVERY_PENDING], 2);
    assert_int_equal(st.count[LNT_CHANNEL_EMAIL][LNT_DELIVERY_HELD], 2);
    assert_int_equal(st.queued, 4);

    assert_int_equal(lnt_store_delivery_digest(f->s, T + 899, &digests, err), LNT_OK);
    assert_int_equal(digests, 0);
    assert_int_equal(lnt_store_delivery_digest(f->s, T + 900, &digests, err), LNT_OK);
    assert_int_equal(digests, 1);
    assert_int_equal(lnt_store_delivery_digest(f->s, T + 901, &digests, err), LNT_OK);
    assert_int_equal(digests, 0);

    d = claim(f->s, T + 900, 10, &n);
    assert_int_equal(n, 3);
    assert_int_equal(d[0].alert.id, a[0]);
    assert_int_equal(d[1].alert.id, a[1]);
    assert_true(d[2].digest);
    assert_int_equal(d[2].alert.id, 0);
    assert_string_equal(d[2].target, "pat@westshire.police.uk");
    assert_int_equal(lnt_store_delivery_items(f->s, d[2].id, &items, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, a[2]);
    assert_int_equal(items[1].id, a[3]);
    assert_string_equal(items[1].summary, SUMMARY);
    free(items);
    lnt_store_delivery_free(d, 3);
    st = stats(f);
    assert_int_equal(st.count[LNT_CHANNEL_EMAIL][LNT_DELIVERY_DIGESTED], 2);
    assert_int_equal(st.count[LNT_CHANNEL_EMAIL][LNT_DELIVERY_SENDING], 3);
}

/* A server killed between claiming and recording: at the next start its claims are failed,
 * never sent again (the receiver may have taken them), and listed with why. */
static void test_store_delivery__recover_fails_interrupted_claims(void **state)
{
    struct sf *f = *state;
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN];
    struct lnt_delivery_row *rows = NULL;
    struct lnt_delivery *d;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n, stale = 9;

    webhook(f, "WTN", "https://police.example.org/hook", secret);
    (void)alert(f, "a:1", "WTN", 0, false);
    (void)alert(f, "a:2", "WTN", 0, false);
    assert_int_equal(enqueue(f, T, &policy), 2);
    d = claim(f->s, T, 1, &n);
    assert_int_equal(n, 1);
    lnt_store_delivery_free(d, n);

    sf_reopen(f); /* the server again */
    assert_int_equal(lnt_store_delivery_recover(f->s, T + 300, &stale, err), LNT_OK);
    assert_int_equal(stale, 1);
    assert_int_equal(lnt_store_delivery_recover(f->s, T + 301, &stale, err), LNT_OK);
    assert_int_equal(stale, 0);
    assert_int_equal(lnt_store_delivery_troubles(f->s, 10, &rows, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].state, LNT_DELIVERY_FAILED);
    assert_int_equal(rows[0].attempts, 1);
    assert_int_equal(rows[0].next_at, T + 300);
    assert_string_equal(
        rows[0].last_error,
        "interrupted while being sent: not sent again, the server may have taken it");
    free(rows);
    /* the one not claimed still goes */
    d = claim(f->s, T + 300, 10, &n);
    assert_int_equal(n, 1);
    assert_memory_equal(d[0].secret, secret, LNT_WEBHOOK_SECRET_LEN);
    lnt_store_delivery_free(d, n);
}

/* Setting, replacing and clearing the webhooks; the list never holds a secret. */
static void test_store_delivery__webhooks_set_list_clear(void **state)
{
    struct sf *f = *state;
    uint8_t first[LNT_WEBHOOK_SECRET_LEN], second[LNT_WEBHOOK_SECRET_LEN];
    struct lnt_webhook *w = NULL;
    struct lnt_delivery *d;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n;

    assert_int_equal(lnt_store_webhook_set(f->s, NULL, "WTN", "ftp://x/", T, first, err),
                     LNT_ERR_INVALID);
    assert_string_equal(err, "webhook URL must begin http:// or https://");
    assert_int_equal(lnt_store_webhook_set(f->s, NULL, "WTN", "https://x/a b", T, first, err),
                     LNT_ERR_INVALID);
    assert_int_equal(lnt_store_webhook_set(f->s, NULL, "WTN", "https://user:pw@x/", T, first, err),
                     LNT_ERR_INVALID);
    assert_null(strstr(err, "pw@"));
    assert_int_equal(lnt_store_webhook_set(f->s, NULL, "", "https://x/", T, first, err),
                     LNT_ERR_INVALID);
    assert_memory_equal(first, zero, sizeof first);
    assert_int_equal(lnt_store_webhook_list(f->s, &w, &n, err), LNT_OK);
    assert_int_equal(n, 0);

    webhook(f, "WTN", "https://police.example.org/old", first);
    (void)alert(f, "a:1", "WTN", 0, false);
    assert_int_equal(enqueue(f, T, &policy), 1);
    webhook(f, "NTH", "https://north.example.org/hook", second);
    webhook(f, "WTN", "https://police.example.org/new", second);
    assert_memory_not_equal(first, second, sizeof first);
    assert_int_equal(lnt_store_webhook_list(f->s, &w, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(w[0].authority, "NTH");
    assert_string_equal(w[1].authority, "WTN");
    assert_string_equal(w[1].url, "https://police.example.org/new");
    assert_int_equal(w[1].created_at, T);
    free(w);
    /* queued for the old URL: claimed without a secret, nothing wrong said (the post fails) */
    d = claim(f->s, T, 10, &n);
    assert_int_equal(n, 1);
    assert_string_equal(d[0].target, "https://police.example.org/old");
    assert_memory_equal(d[0].secret, zero, LNT_WEBHOOK_SECRET_LEN);
    assert_string_equal(d[0].secret_error, "");
    lnt_store_delivery_free(d, n);

    assert_int_equal(lnt_store_webhook_clear(f->s, "admin@westshire.gov.uk", "WTN", T + 5, err),
                     LNT_OK);
    assert_int_equal(lnt_store_webhook_clear(f->s, NULL, "WTN", T + 6, err), LNT_ERR_NOT_FOUND);
    assert_string_equal(err, "authority \"WTN\" has no webhook");
    assert_int_equal(lnt_store_webhook_list(f->s, &w, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(w[0].authority, "NTH");
    free(w);
    /* an alert after the clearing is not posted */
    (void)alert(f, "a:2", "WTN", 0, false);
    assert_int_equal(enqueue(f, T + 10, &policy), 0);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE actor = "
                                         "'admin@westshire.gov.uk' AND action IN "
                                         "('alert.webhook-set', 'alert.webhook-clear')"),
                     4);
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

/* On PostgreSQL the key file is the scheme's, copied to every server: it holds the wrapping key
 * from `init` on, and setting a webhook leaves it as it was, so copies made before still open
 * the secret. (A SQLite store is one server; its key file gets the key with the first
 * webhook, as webhook_secret_sealed shows.) */
static void test_store_delivery__key_file_seals_from_the_start(void **state)
{
    struct sf *f = *state;
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN];
    char *before, *after;

    if (!sf_on_postgresql())
        skip();
    before = lnt_test_read_file(f->keys);
    assert_non_null(before);
    assert_non_null(strstr(before, "\nwrap "));
    webhook(f, "WTN", "https://police.example.org/hook", secret);
    after = lnt_test_read_file(f->keys);
    assert_non_null(after);
    assert_string_equal(after, before);
    free(before);
    free(after);
}

/* The secret is kept sealed with a wrapping key of the key file: neither its bytes nor its hex
 * anywhere in the database (SQLite: its file, WAL and journal; PostgreSQL: every column of a
 * dump of it); a store opened again opens it. */
static void test_store_delivery__webhook_secret_sealed(void **state)
{
    struct sf *f = *state;
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN];
    char hex[2 * LNT_WEBHOOK_SECRET_LEN + 1], path[1200], keys[1200];
    struct lnt_delivery *d;
    char *text;
    size_t n;

    webhook(f, "WTN", "https://police.example.org/hook", secret);
    lnt_hex_encode(secret, sizeof secret, hex);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM alert_webhooks WHERE "
                                         "length(sealed) = 76 AND length(secret) = 32"),
                     1);
    if (sf_on_postgresql()) {
        const char *args[] = {"-Fp", "-f", path, "-d", f->path, NULL};

        snprintf(path, sizeof path, "%s/dump.sql", f->dir);
        lnt_pg_tool("pg_dump", args);
        assert_true(file_holds(path, "https://police.example.org/hook", 31)); /* a real dump */
        assert_false(file_holds(path, secret, sizeof secret));
        assert_false(file_holds(path, hex, strlen(hex)));
    } else {
        static const char *const ends[] = {"", "-wal", "-journal", "-shm"};

        lnt_store_free(f->s); /* everything on disk */
        f->s = NULL;
        for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
            snprintf(path, sizeof path, "%s%s", f->path, ends[i]);
            if (file_holds(path, secret, sizeof secret) || file_holds(path, hex, strlen(hex)))
                fail_msg("the webhook secret is in %s", path);
        }
    }
    snprintf(keys, sizeof keys, "%s", f->keys != NULL ? f->keys : "");
    if (f->keys == NULL)
        snprintf(keys, sizeof keys, "%s/keys/lantern.keys", f->dir);
    text = lnt_test_read_file(keys);
    assert_non_null(text);
    assert_non_null(strstr(text, "\nwrap "));
    free(text);

    sf_reopen(f);
    (void)alert(f, "a:1", "WTN", 0, false);
    assert_int_equal(enqueue(f, T, &policy), 1);
    d = claim(f->s, T, 10, &n);
    assert_int_equal(n, 1);
    assert_memory_equal(d[0].secret, secret, LNT_WEBHOOK_SECRET_LEN);
    lnt_store_delivery_free(d, n);
}

/* ---- two stores, one database ---- */

#define MANY 120

struct claimer {
    struct lnt_store *s;
    pthread_barrier_t *go;
    int64_t ids[MANY];
    size_t n;
    bool failed;
    char err[LNT_ERRBUF_SIZE];
};

/* Claims a few at a time until none is left, recording each as sent. */
static void *claim_all(void *arg)
{
    struct claimer *c = arg;
    struct lnt_delivery *d;
    size_t n;

    (void)pthread_barrier_wait(c->go);
    for (;;) {
        d = NULL;
        if (lnt_store_delivery_claim(c->s, T, 3, &d, &n, c->err) != LNT_OK) {
            c->failed = true;
            break;
        }
        if (n == 0)
            break;
        for (size_t i = 0; i < n && !c->failed; i++) {
            if (c->n < MANY)
                c->ids[c->n] = d[i].id;
            c->n++;
            if (lnt_store_delivery_done(c->s, d[i].id, T, true, 0, NULL, c->err) != LNT_OK)
                c->failed = true;
        }
        lnt_store_delivery_free(d, n);
        if (c->failed)
            break;
    }
    return NULL;
}

/* Two servers' notifiers claiming from one database at once: every delivery is claimed by one
 * of them, none by both. */
static void test_store_delivery__two_stores_never_claim_one_delivery(void **state)
{
    struct sf *f = *state;
    static struct claimer c[2];
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN];
    static char sql[MANY * 140 + 256];
    char err[LNT_ERRBUF_SIZE] = "";
    pthread_barrier_t go;
    pthread_t th[2];
    int64_t seen[2 * MANY];
    size_t total = 0, len;

    webhook(f, "WTN", "https://police.example.org/hook", secret);
    len = (size_t)snprintf(sql, sizeof sql,
                           "INSERT INTO alerts (kind, dedup, authority, "
                           "venue_id, summary, link, raised_at) VALUES ");
    for (int i = 0; i < MANY; i++)
        len += (size_t)snprintf(sql + len, sizeof sql - len,
                                "%s('serious_report', 'many:%d', 'WTN', 7, 'x', '/', %d)",
                                i > 0 ? ", " : "", i, T);
    assert_true(len < sizeof sql);
    sql_run(f, sql);
    assert_int_equal(enqueue(f, T, &policy), MANY);

    memset(c, 0, sizeof c);
    c[0].s = f->s;
    if (lnt_store_open_keys(&c[1].s, f->path, f->keys, err) != LNT_OK)
        fail_msg("second store: %s", err);
    assert_int_equal(pthread_barrier_init(&go, NULL, 2), 0);
    for (int i = 0; i < 2; i++) {
        c[i].go = &go;
        assert_int_equal(pthread_create(&th[i], NULL, claim_all, &c[i]), 0);
    }
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    pthread_barrier_destroy(&go);
    lnt_store_free(c[1].s);
    for (int i = 0; i < 2; i++) {
        if (c[i].failed)
            fail_msg("store %d: %s", i + 1, c[i].err);
        assert_true(c[i].n <= MANY);
        memcpy(seen + total, c[i].ids, c[i].n * sizeof seen[0]);
        total += c[i].n;
    }
    assert_int_equal(total, MANY);
    for (size_t i = 0; i < total; i++)
        for (size_t j = i + 1; j < total; j++)
            if (seen[i] == seen[j])
                fail_msg("delivery %lld claimed twice", (long long)seen[i]);
    assert_int_equal(stats(f).count[LNT_CHANNEL_WEBHOOK][LNT_DELIVERY_SENT], MANY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_delivery__enqueue_once_by_email_and_webhook,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_delivery__results_retries_and_troubles, sf_setup,
                                        sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_delivery__held_over_the_limit_into_one_digest,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_delivery__recover_fails_interrupted_claims,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_delivery__webhooks_set_list_clear, sf_setup,
                                        sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_delivery__key_file_seals_from_the_start,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_delivery__webhook_secret_sealed, sf_setup,
                                        sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_delivery__two_stores_never_claim_one_delivery,
                                        sf_setup, sf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
