/* test_api_alerts.c - alerts through a real lanternd on 127.0.0.1: a kiosk's signed batch with a
 * spiking report reaches the subscribed officer's inbox exactly once (and no other authority's
 * officer's), a badge refused at the door does too, and the officer acknowledges over the API. */
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
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "buf.h"
#include "codec.h"
#include "kiosk_client.h"
#include "lanternd.h"
#include "log.h"
#include "ltime.h"
#include "reqsig.h"
#include "store.h"
#include "support.h"

#define DAY 86400
#define REPORT "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
#define PAT "pat@westham.gov.uk"
#define SAM "sam@eastham.gov.uk"
#define PASSWORD "a long enough password"
#define SYMPTOMS "{\"symptoms\":\"dizzy, could not stand\"}"
#define WAIT_TRIES 200 /* 100 ms apart: the daemon scans every second */

struct fixture {
    char *dir, *db;
    struct lnt_test_lanternd server;
    CURL *curl;
    int64_t venue_a, venue_b; /* The Crown (Westham), Club Nova (Eastham) */
    char code_a[LNT_ENROLL_CODE_LEN + 1];
    char west[LNT_TOKEN_LEN + 1], east[LNT_TOKEN_LEN + 1]; /* officer tokens */
};

struct reply {
    long status;
    struct lnt_buf body;
    json_t *json;
};

static const char *const daemon_args[] = {"--threads", "2", "--alert-interval", "1", NULL};

static int64_t add_venue(struct lnt_store *s, const char *name, enum lnt_venue_category cat,
                         const char *authority)
{
    struct lnt_venue v;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&v, 0, sizeof v);
    lnt_str_copy(v.name, sizeof v.name, name);
    v.category = cat;
    v.capacity = 300;
    lnt_str_copy(v.area, sizeof v.area, "Centre");
    lnt_str_copy(v.authority, sizeof v.authority, authority);
    if (lnt_store_venue_add(s, &v, err) != LNT_OK)
        fail_msg("venue: %s", err);
    return v.id;
}

static void add_token(struct lnt_store *s, const char *authority, char *out)
{
    struct lnt_token t;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&t, 0, sizeof t);
    lnt_str_copy(t.label, sizeof t.label, authority);
    t.scope.role = LNT_OFFICER_OFFICER;
    lnt_str_copy(t.scope.authority, sizeof t.scope.authority, authority);
    if (lnt_store_token_add(s, &t, lnt_time_now(), out, err) != LNT_OK)
        fail_msg("token: %s", err);
}

static void add_officer(struct lnt_store *s, const char *email, const char *authority)
{
    struct lnt_officer o;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&o, 0, sizeof o);
    lnt_str_copy(o.email, sizeof o.email, email);
    lnt_str_copy(o.name, sizeof o.name, "An Officer");
    o.scope.role = LNT_OFFICER_OFFICER;
    lnt_str_copy(o.scope.authority, sizeof o.scope.authority, authority);
    if (lnt_store_officer_add(s, &o, PASSWORD, err) != LNT_OK)
        fail_msg("officer: %s", err);
}

/* Two venues of two authorities, an officer and a token for each, a code for The Crown. */
static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct lnt_store *s = NULL;
    char err[LNT_ERRBUF_SIZE] = "", code_b[LNT_ENROLL_CODE_LEN + 1];

    assert_non_null(f);
    lnt_log_init("test_api_alerts", LNT_LOG_WARN);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    f->dir = lnt_test_tmpdir();
    assert_non_null(f->dir);
    f->db = lnt_test_path(f->dir, "lantern.db");
    assert_int_equal(lnt_store_open(&s, f->db, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_init(s, "WTN", err), LNT_OK);
    f->venue_a = add_venue(s, "The Crown", LNT_VENUE_PUB, "Westham");
    f->venue_b = add_venue(s, "Club Nova", LNT_VENUE_NIGHTCLUB, "Eastham");
    assert_int_equal(lnt_store_enroll_code_add(s, f->venue_a, lnt_time_now() + DAY, f->code_a, err),
                     LNT_OK);
    assert_int_equal(lnt_store_enroll_code_add(s, f->venue_b, lnt_time_now() + DAY, code_b, err),
                     LNT_OK);
    add_token(s, "Westham", f->west);
    add_token(s, "Eastham", f->east);
    add_officer(s, PAT, "Westham");
    add_officer(s, SAM, "Eastham");
    lnt_store_free(s);
    lnt_test_lanternd_start(&f->server, f->dir, f->db, daemon_args);
    f->curl = curl_easy_init();
    assert_non_null(f->curl);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    curl_easy_cleanup(f->curl);
    lnt_test_lanternd_stop(&f->server, SIGTERM);
    lnt_test_rmrf(f->dir);
    free(f->db);
    free(f->dir);
    free(f);
    return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    struct lnt_buf *b = ctx;
    return lnt_buf_append(b, p, size * n) == LNT_OK ? size * n : 0;
}

static void reply_release(struct reply *r)
{
    lnt_buf_release(&r->body);
    json_decref(r->json);
    r->json = NULL;
}

/* One request; `body` NULL: a GET. */
static void request(struct fixture *f, const char *path, const char *body,
                    struct curl_slist *headers, struct reply *r)
{
    char url[512];
    CURLcode cc;

    memset(r, 0, sizeof *r);
    lnt_buf_init(&r->body, 4u << 20);
    snprintf(url, sizeof url, "%s%s", f->server.base, path);
    curl_easy_reset(f->curl);
    curl_easy_setopt(f->curl, CURLOPT_URL, url);
    curl_easy_setopt(f->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(f->curl, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(f->curl, CURLOPT_TIMEOUT, 20L);
    if (body != NULL) {
        curl_easy_setopt(f->curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(f->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    }
    curl_easy_setopt(f->curl, CURLOPT_HTTPHEADER, headers);
    cc = curl_easy_perform(f->curl);
    if (cc != CURLE_OK)
        fail_msg("%s: %s", path, curl_easy_strerror(cc));
    curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &r->status);
    r->json = json_loadb(r->body.data != NULL ? r->body.data : "", r->body.len, 0, NULL);
}

/* A request with `token` as the officer's bearer. */
static void officer_request(struct fixture *f, const char *token, const char *path,
                            const char *body, struct reply *r)
{
    char auth[LNT_TOKEN_LEN + 32];
    struct curl_slist *h;

    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    h = curl_slist_append(NULL, auth);
    h = curl_slist_append(h, "Content-Type: application/json");
    request(f, path, body, h, r);
    curl_slist_free_all(h);
}

static void subscribe(struct fixture *f, const char *token, const char *email, const char *kind,
                      long want)
{
    char body[256];
    struct reply r;

    snprintf(body, sizeof body, "{\"officer\": \"%s\", \"kind\": \"%s\", \"by_email\": true}",
             email, kind);
    officer_request(f, token, "/api/v1/alerts/subscriptions", body, &r);
    if (r.status != want)
        fail_msg("subscribe %s to %s: %ld %s", email, kind, r.status,
                 r.body.data ? r.body.data : "");
    reply_release(&r);
}

/* The officer's inbox (200 asserted); the caller releases r. */
static void inbox(struct fixture *f, const char *token, const char *email, struct reply *r)
{
    char path[128];

    snprintf(path, sizeof path, "/api/v1/alerts?officer=%s", email);
    officer_request(f, token, path, NULL, r);
    assert_int_equal(r->status, 200);
    assert_true(json_is_array(json_object_get(r->json, "alerts")));
}

/* Alerts of `kind` in the inbox reply. */
static size_t count_kind(const struct reply *r, const char *kind)
{
    json_t *a = json_object_get(r->json, "alerts"), *e;
    size_t i, n = 0;

    json_array_foreach(a, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "kind")), kind) == 0)
            n++;
    }
    return n;
}

/* Waits (bounded) until PAT's inbox holds an alert of `kind`. */
static void wait_for(struct fixture *f, const char *kind)
{
    struct reply r;

    for (int i = 0; i < WAIT_TRIES; i++) {
        inbox(f, f->west, PAT, &r);
        if (count_kind(&r, kind) > 0) {
            reply_release(&r);
            return;
        }
        reply_release(&r);
        usleep(100 * 1000);
    }
    fail_msg("no %s alert reached the inbox of %s; see %s", kind, PAT, f->server.log);
}

static void batch_begin(struct lnt_buf *b, const struct lnt_test_kiosk *k)
{
    lnt_buf_init(b, 1u << 20);
    assert_int_equal(lnt_buf_printf(b, "{\"kiosk_id\": %lld, \"events\": [", (long long)k->id),
                     LNT_OK);
}

static void uuid_of(const struct lnt_test_kiosk *k, int64_t seq, char uuid[LNT_UUID_STRLEN])
{
    snprintf(uuid, LNT_UUID_STRLEN, "0190a1b2-0000-7000-8000-%06lld%06lld", (long long)k->id,
             (long long)seq);
}

/* Appends one save of REPORT as `kind`, its details sealed as the kiosk seals them. */
static void add_incident(struct lnt_buf *b, const struct lnt_test_kiosk *k, int64_t seq,
                         int64_t occurred, const char *kind, bool complete)
{
    char occ[LNT_TIME_STRLEN], uuid[LNT_UUID_STRLEN], sealed[LNT_SEALED_MAX] = "";
    uint8_t box[512];
    size_t n = strlen(SYMPTOMS);

    assert_int_equal(crypto_box_seal(box, (const uint8_t *)SYMPTOMS, n, k->box_pk), 0);
    lnt_b64_encode(box, n + crypto_box_SEALBYTES, sealed);
    assert_int_equal(lnt_time_format(occurred, occ), LNT_OK);
    uuid_of(k, seq, uuid);
    assert_int_equal(
        lnt_buf_printf(b,
                       "%s{\"seq\": %lld, \"uuid\": \"%s\", \"type\": \"incident\", "
                       "\"occurred_at\": \"%s\", \"recorded_at\": \"%s\", \"report_id\": \"%s\", "
                       "\"kind\": \"%s\", \"severity\": 4, \"place\": \"toilets\", "
                       "\"outcome\": \"\", \"police_called\": false, \"complete\": %s, "
                       "\"staff_id\": \"1\", \"sealed\": \"%s\"}",
                       b->data[b->len - 1] != '[' ? ", " : "", (long long)seq, uuid, occ, occ,
                       REPORT, kind, complete ? "true" : "false", sealed),
        LNT_OK);
}

/* Appends a badge the kiosk refused at the door (expired). */
static void add_refused(struct lnt_buf *b, const struct lnt_test_kiosk *k, int64_t seq, int64_t at)
{
    char when[LNT_TIME_STRLEN], uuid[LNT_UUID_STRLEN];

    assert_int_equal(lnt_time_format(at, when), LNT_OK);
    uuid_of(k, seq, uuid);
    assert_int_equal(lnt_buf_printf(b,
                                    "%s{\"seq\": %lld, \"uuid\": \"%s\", \"type\": "
                                    "\"badge_refused\", \"occurred_at\": \"%s\", "
                                    "\"recorded_at\": \"%s\", \"reason\": \"expired\"}",
                                    b->data[b->len - 1] != '[' ? ", " : "", (long long)seq, uuid,
                                    when, when),
                     LNT_OK);
}

/* Ends the batch, posts it signed by `k` (200 asserted) and releases `b`. */
static void post_batch(struct fixture *f, const struct lnt_test_kiosk *k, struct lnt_buf *b)
{
    struct lnt_reqsig_parts parts = {"POST", "/api/v1/events", NULL, NULL, NULL, 0};
    struct curl_slist *h;
    struct reply r;

    assert_int_equal(lnt_buf_puts(b, "]}"), LNT_OK);
    parts.body = b->data;
    parts.len = b->len;
    h = lnt_test_kiosk_headers(k->sk, k->id, lnt_time_now(), 1, &parts, true);
    request(f, "/api/v1/events", b->data, h, &r);
    curl_slist_free_all(h);
    lnt_buf_release(b);
    assert_int_equal(r.status, 200);
    reply_release(&r);
}

static int64_t sql_int(const struct fixture *f, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/*
 * The Crown's kiosk sends a spiking report: one alert reaches Westham's subscribed officer,
 * with no detail of the report; the report's completion, further scans and a restart of the
 * daemon do not raise it again; Eastham's officer, subscribed to the same kind, gets nothing.
 */
static void test_api_alerts__kiosk_report_reaches_inbox_exactly_once(void **state)
{
    struct fixture *f = *state;
    struct lnt_test_kiosk k;
    struct lnt_buf batch;
    struct reply r;
    int64_t now = lnt_time_now();
    char *port_file;
    json_t *a;

    subscribe(f, f->west, PAT, "serious_report", 201);
    subscribe(f, f->west, PAT, "door_refused", 201);
    subscribe(f, f->east, SAM, "serious_report", 201);
    subscribe(f, f->east, SAM, "door_refused", 201);
    /* a token of one authority cannot subscribe (or read) another's officer */
    subscribe(f, f->west, SAM, "serious_report", 403);
    officer_request(f, f->west, "/api/v1/alerts?officer=" SAM, NULL, &r);
    assert_int_equal(r.status, 403);
    reply_release(&r);

    lnt_test_kiosk_enroll(f->server.base, f->code_a, &k);
    batch_begin(&batch, &k);
    add_incident(&batch, &k, 1, now - 600, "spiking", false);
    post_batch(f, &k, &batch);
    wait_for(f, "serious_report");

    /* the report completed, a badge refused: once that refusal is raised, the scan has seen
     * the completion too */
    batch_begin(&batch, &k);
    add_incident(&batch, &k, 2, now - 600, "spiking", true);
    add_refused(&batch, &k, 3, now - 60);
    post_batch(f, &k, &batch);
    wait_for(f, "door_refused");
    /* and a restart */
    lnt_test_lanternd_stop(&f->server, SIGTERM);
    port_file = lnt_test_path(f->dir, "port");
    assert_int_equal(unlink(port_file), 0); /* the new daemon writes its own */
    free(port_file);
    lnt_test_lanternd_start(&f->server, f->dir, f->db, daemon_args);
    batch_begin(&batch, &k);
    add_refused(&batch, &k, 4, now - 30);
    post_batch(f, &k, &batch);
    for (int i = 0; i < WAIT_TRIES; i++) {
        inbox(f, f->west, PAT, &r);
        size_t refusals = count_kind(&r, "door_refused");
        reply_release(&r);
        if (refusals == 2)
            break;
        usleep(100 * 1000);
    }

    inbox(f, f->west, PAT, &r);
    assert_int_equal(count_kind(&r, "serious_report"), 1);
    assert_int_equal(count_kind(&r, "door_refused"), 2);
    assert_int_equal(json_integer_value(json_object_get(r.json, "unacknowledged")), 3);
    a = json_array_get(json_object_get(r.json, "alerts"), 2); /* oldest last */
    assert_string_equal(json_string_value(json_object_get(a, "kind")), "serious_report");
    assert_non_null(strstr(json_string_value(json_object_get(a, "summary")),
                           "Serious incident report at The Crown, "));
    assert_null(strstr(r.body.data, "spiking"));
    assert_null(strstr(r.body.data, "dizzy"));
    assert_null(strstr(r.body.data, REPORT));
    reply_release(&r);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM alerts WHERE kind = 'serious_report'"), 1);
    /* by_email is carried to the inbox row for the email sender */
    assert_int_equal(sql_int(f, "SELECT min(by_email) FROM alert_inbox"), 1);

    inbox(f, f->east, SAM, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "alerts")), 0);
    reply_release(&r);
}

/* An alert is acknowledged once, by the officer's token; who and when are kept and audited. */
static void test_api_alerts__acknowledge(void **state)
{
    struct fixture *f = *state;
    struct lnt_test_kiosk k;
    struct lnt_buf batch;
    struct reply r;
    char path[96], sql[160];
    int64_t id;

    subscribe(f, f->west, PAT, "door_refused", 201);
    subscribe(f, f->west, PAT, "door_refused", 409);
    lnt_test_kiosk_enroll(f->server.base, f->code_a, &k);
    batch_begin(&batch, &k);
    add_refused(&batch, &k, 1, lnt_time_now() - 60);
    post_batch(f, &k, &batch);
    wait_for(f, "door_refused");
    inbox(f, f->west, PAT, &r);
    id = json_integer_value(
        json_object_get(json_array_get(json_object_get(r.json, "alerts"), 0), "id"));
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(r.json, "alerts"), 0), "link")),
                        "/venues/1/register");
    reply_release(&r);

    snprintf(path, sizeof path, "/api/v1/alerts/%lld/ack", (long long)id);
    officer_request(f, f->east, path, "{\"officer\": \"" PAT "\"}", &r);
    assert_int_equal(r.status, 403); /* another authority's token */
    reply_release(&r);
    /* named for Eastham's own officer, the alert is still Westham's: refused, not missing */
    officer_request(f, f->east, path, "{\"officer\": \"" SAM "\"}", &r);
    assert_int_equal(r.status, 403);
    reply_release(&r);
    officer_request(f, f->west, "/api/v1/alerts/99999/ack", "{\"officer\": \"" PAT "\"}", &r);
    assert_int_equal(r.status, 404); /* no such alert */
    reply_release(&r);
    officer_request(f, f->west, path, "{}", &r);
    assert_int_equal(r.status, 400);
    reply_release(&r);
    officer_request(f, f->west, path, "{\"officer\": \"" PAT "\"}", &r);
    assert_int_equal(r.status, 200);
    reply_release(&r);
    officer_request(f, f->west, path, "{\"officer\": \"" PAT "\"}", &r);
    assert_int_equal(r.status, 409);
    reply_release(&r);

    inbox(f, f->west, PAT, &r);
    assert_int_equal(json_integer_value(json_object_get(r.json, "unacknowledged")), 0);
    assert_true(json_is_string(
        json_object_get(json_array_get(json_object_get(r.json, "alerts"), 0), "acked_at")));
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(r.json, "alerts"), 0), "acked_by")),
                        "token 1 (Westham)");
    reply_release(&r);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit_log WHERE action = 'alert.ack'"), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit_log WHERE action = 'access.refused'"),
                     2);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'access.refused' AND object = "
             "'alert %lld'",
             (long long)id);
    assert_int_equal(sql_int(f, sql), 1);
}

/*
 * Another authority's subscription is refused like another authority's venue or casework
 * record (403, audited), even when the request names the token's own officer; one that does
 * not exist is a 404.
 */
static void test_api_alerts__another_authoritys_subscription_is_refused(void **state)
{
    struct fixture *f = *state;
    struct reply r;
    char path[96], sql[160];
    int64_t id;

    officer_request(f, f->west, "/api/v1/alerts/subscriptions",
                    "{\"officer\": \"" PAT "\", \"kind\": \"serious_report\"}", &r);
    assert_int_equal(r.status, 201);
    id = json_integer_value(json_object_get(r.json, "id"));
    assert_true(id > 0);
    reply_release(&r);

    snprintf(path, sizeof path, "/api/v1/alerts/subscriptions/%lld/end", (long long)id);
    officer_request(f, f->east, path, "{\"officer\": \"" SAM "\"}", &r);
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body.data, "outside this token's scope"));
    reply_release(&r);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'access.refused' AND object = "
             "'subscription %lld'",
             (long long)id);
    assert_int_equal(sql_int(f, sql), 1);
    officer_request(f, f->east, "/api/v1/alerts/subscriptions/99999/end",
                    "{\"officer\": \"" SAM "\"}", &r);
    assert_int_equal(r.status, 404);
    reply_release(&r);

    /* still active: Westham ends it */
    officer_request(f, f->west, path, "{\"officer\": \"" PAT "\"}", &r);
    assert_int_equal(r.status, 200);
    reply_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_api_alerts__kiosk_report_reaches_inbox_exactly_once,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_alerts__acknowledge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_alerts__another_authoritys_subscription_is_refused,
                                        setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
