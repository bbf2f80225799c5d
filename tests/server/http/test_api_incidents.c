/* test_api_incidents.c - incident reports through a real lanternd on 127.0.0.1: enrolled kiosks
 * of two venues posting signed batches, an officer opening the details by API and dashboard. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

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
#include "officer_client.h"
#include "reqsig.h"
#include "store.h"
#include "support.h"

#define DAY 86400
#define REPORT "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
#define EMAIL "officer@westham.gov.uk"
#define PASSWORD "a long enough password"
#define SYMPTOMS "{\"symptoms\":\"dizzy, could not stand\"}"
#define OUTCOME "{\"outcome\":\"ambulance called\"}"

struct fixture {
    char *dir, *db;
    struct lnt_test_lanternd server;
    CURL *curl;
    int64_t venue_a, venue_b; /* The Crown (Westham), Club Nova (Eastham) */
    char code_a[LNT_ENROLL_CODE_LEN + 1], code_b[LNT_ENROLL_CODE_LEN + 1];
    char token[LNT_TOKEN_LEN + 1]; /* an officer token for Westham */
};

struct reply {
    long status;
    char ctype[128];
    struct lnt_buf body;
    json_t *json;
};

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

/* A database with two venues, an enrolment code for each, an officer and a token; then lanternd
 * on it. */
static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct lnt_store *s = NULL;
    struct lnt_token t;
    struct lnt_officer o;
    char err[LNT_ERRBUF_SIZE] = "";
    const char *const threads[] = {"--threads", "2", NULL};
    int64_t now = lnt_time_now();

    assert_non_null(f);
    lnt_log_init("test_api_incidents", LNT_LOG_WARN);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    f->dir = lnt_test_tmpdir();
    assert_non_null(f->dir);
    f->db = lnt_test_path(f->dir, "lantern.db");
    assert_int_equal(lnt_store_open(&s, f->db, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_init(s, "WTN", err), LNT_OK);
    f->venue_a = add_venue(s, "The Crown", LNT_VENUE_PUB, "Westham");
    f->venue_b = add_venue(s, "Club Nova", LNT_VENUE_NIGHTCLUB, "Eastham");
    assert_int_equal(lnt_store_enroll_code_add(s, f->venue_a, now + DAY, f->code_a, err), LNT_OK);
    assert_int_equal(lnt_store_enroll_code_add(s, f->venue_b, now + DAY, f->code_b, err), LNT_OK);
    memset(&t, 0, sizeof t);
    lnt_str_copy(t.label, sizeof t.label, "licensing");
    t.scope.role = LNT_OFFICER_OFFICER;
    lnt_str_copy(t.scope.authority, sizeof t.scope.authority, "Westham");
    if (lnt_store_token_add(s, &t, now, f->token, err) != LNT_OK)
        fail_msg("token: %s", err);
    memset(&o, 0, sizeof o);
    lnt_str_copy(o.email, sizeof o.email, EMAIL);
    lnt_str_copy(o.name, sizeof o.name, "Pat Officer");
    o.scope.role = LNT_OFFICER_OFFICER;
    lnt_str_copy(o.scope.authority, sizeof o.scope.authority, "Westham");
    if (lnt_store_officer_add(s, &o, PASSWORD, err) != LNT_OK)
        fail_msg("officer: %s", err);
    lnt_store_free(s);

    lnt_test_lanternd_start(&f->server, f->dir, f->db, threads);
    f->curl = curl_easy_init();
    assert_non_null(f->curl);
    curl_easy_setopt(f->curl, CURLOPT_COOKIEFILE, ""); /* the dashboard's cookies, in memory */
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

/*
 * One request on the fixture's handle, which keeps the dashboard's cookies between requests.
 * `body` NULL: a GET.
 */
static void request(struct fixture *f, const char *path, const char *body,
                    struct curl_slist *headers, struct reply *r)
{
    char url[512];
    char *ct = NULL;
    CURLcode cc;

    memset(r, 0, sizeof *r);
    lnt_buf_init(&r->body, 4u << 20);
    snprintf(url, sizeof url, "%s%s", f->server.base, path);
    /* set every option each time (no reset: that would drop the cookie engine's state) */
    curl_easy_setopt(f->curl, CURLOPT_URL, url);
    curl_easy_setopt(f->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(f->curl, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(f->curl, CURLOPT_TIMEOUT, 20L);
    if (body != NULL) {
        curl_easy_setopt(f->curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(f->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    } else {
        curl_easy_setopt(f->curl, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(f->curl, CURLOPT_HTTPHEADER, headers);
    cc = curl_easy_perform(f->curl);
    if (cc != CURLE_OK)
        fail_msg("%s: %s", path, curl_easy_strerror(cc));
    curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(f->curl, CURLINFO_CONTENT_TYPE, &ct);
    lnt_str_copy(r->ctype, sizeof r->ctype, ct != NULL ? ct : "");
    r->json = json_loadb(r->body.data != NULL ? r->body.data : "", r->body.len, 0, NULL);
}

/* Appends one incident save to `b` (a JSON array being written), its details sealed as the
 * kiosk seals them; `details` NULL: none. */
static void add_incident(struct lnt_buf *b, const struct lnt_test_kiosk *k, int64_t seq,
                         int64_t occurred, int64_t recorded, const char *kind, bool complete,
                         const char *details)
{
    char occ[LNT_TIME_STRLEN], rec[LNT_TIME_STRLEN], uuid[LNT_UUID_STRLEN];
    char sealed[LNT_SEALED_MAX] = "";
    uint8_t box[512];

    if (details != NULL) {
        size_t n = strlen(details);
        assert_true(n + crypto_box_SEALBYTES <= sizeof box);
        assert_int_equal(crypto_box_seal(box, (const uint8_t *)details, n, k->box_pk), 0);
        lnt_b64_encode(box, n + crypto_box_SEALBYTES, sealed);
    }
    assert_int_equal(lnt_time_format(occurred, occ), LNT_OK);
    assert_int_equal(lnt_time_format(recorded, rec), LNT_OK);
    snprintf(uuid, sizeof uuid, "0190a1b2-0000-7000-8000-%06lld%06lld", (long long)k->id,
             (long long)seq);
    assert_int_equal(
        lnt_buf_printf(b,
                       "%s{\"seq\": %lld, \"uuid\": \"%s\", \"type\": \"incident\", "
                       "\"occurred_at\": \"%s\", \"recorded_at\": \"%s\", \"report_id\": \"%s\", "
                       "\"kind\": \"%s\", \"severity\": 4, \"place\": \"toilets\", "
                       "\"outcome\": \"%s\", \"police_called\": false, \"complete\": %s, "
                       "\"staff_id\": \"1\", \"sealed\": \"%s\"}",
                       b->data[b->len - 1] != '[' ? ", " : "", (long long)seq, uuid, occ, rec,
                       REPORT, kind, complete ? "ambulance" : "", complete ? "true" : "false",
                       sealed),
        LNT_OK);
}

/* Appends a stock count (something else in the same batch). */
static void add_stock(struct lnt_buf *b, const struct lnt_test_kiosk *k, int64_t seq, int64_t at)
{
    char when[LNT_TIME_STRLEN], uuid[LNT_UUID_STRLEN];

    assert_int_equal(lnt_time_format(at, when), LNT_OK);
    snprintf(uuid, sizeof uuid, "0190a1b2-0000-7000-8000-%06lld%06lld", (long long)k->id,
             (long long)seq);
    assert_int_equal(lnt_buf_printf(b,
                                    "%s{\"seq\": %lld, \"uuid\": \"%s\", \"type\": \"stock\", "
                                    "\"occurred_at\": \"%s\", \"recorded_at\": \"%s\", "
                                    "\"kind\": \"count\", \"quantity\": 40, \"staff_id\": \"1\"}",
                                    b->data[b->len - 1] != '[' ? ", " : "", (long long)seq, uuid,
                                    when, when),
                     LNT_OK);
}

static void batch_begin(struct lnt_buf *b, const struct lnt_test_kiosk *k)
{
    lnt_buf_init(b, 1u << 20);
    assert_int_equal(lnt_buf_printf(b, "{\"kiosk_id\": %lld, \"events\": [", (long long)k->id),
                     LNT_OK);
}

/* Ends the batch in `b`, posts it signed by kiosk `k`, and releases `b`. */
static void post_batch(struct fixture *f, const struct lnt_test_kiosk *k, struct lnt_buf *b,
                       struct reply *r)
{
    struct lnt_reqsig_parts parts = {"POST", "/api/v1/events", NULL, NULL, NULL, 0};
    struct curl_slist *h;

    assert_int_equal(lnt_buf_puts(b, "]}"), LNT_OK);
    parts.body = b->data;
    parts.len = b->len;
    h = lnt_test_kiosk_headers(k->sk, k->id, lnt_time_now(), 1, &parts, true);
    request(f, "/api/v1/events", b->data, h, r);
    curl_slist_free_all(h);
    lnt_buf_release(b);
}

/* Whether reply list `key` names `seq` (as an integer, or as {"seq": ...}). */
static bool lists(const struct reply *r, const char *key, int64_t seq)
{
    json_t *a = json_object_get(r->json, key), *e;
    size_t i;

    assert_true(json_is_array(a));
    json_array_foreach(a, i, e)
    {
        json_t *s = json_is_object(e) ? json_object_get(e, "seq") : e;
        if (json_integer_value(s) == seq)
            return true;
    }
    return false;
}

/* One integer from `sql` on the daemon's database, read as another process would. */
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

/* GET /api/v1/incidents/REPORT/details with the fixture's officer token. */
static void get_details(struct fixture *f, struct reply *r)
{
    char auth[LNT_TOKEN_LEN + 32];
    struct curl_slist *h;

    snprintf(auth, sizeof auth, "Authorization: Bearer %s", f->token);
    h = curl_slist_append(NULL, auth);
    request(f, "/api/v1/incidents/" REPORT "/details", NULL, h, r);
    curl_slist_free_all(h);
}

/*
 * A kiosk of another venue (another licensing authority, even) reuses The
 * Crown's report id: that save is refused with a problem the kiosk can read,
 * the rest of its batch is stored, the attempt is audited, and The Crown's
 * own later correction is what the officer sees.
 */
static void test_api_incidents__another_venues_kiosk_cannot_change_a_report(void **state)
{
    struct fixture *f = *state;
    struct lnt_test_kiosk a, b;
    struct lnt_buf batch;
    struct reply r;
    int64_t now = lnt_time_now();
    const char *detail;

    lnt_test_kiosk_enroll(f->server.base, f->code_a, &a);
    lnt_test_kiosk_enroll(f->server.base, f->code_b, &b);
    batch_begin(&batch, &a);
    add_incident(&batch, &a, 1, now - 3600, now - 3500, "spiking", false, SYMPTOMS);
    post_batch(f, &a, &batch, &r);
    assert_int_equal(r.status, 200);
    assert_true(lists(&r, "accepted", 1));
    reply_release(&r);

    /* Club Nova's kiosk: a stock count, then a "save" of The Crown's report */
    batch_begin(&batch, &b);
    add_stock(&batch, &b, 1, now - 60);
    add_incident(&batch, &b, 2, now - 3600, now - 30, "medical", true, "{\"note\":\"forged\"}");
    post_batch(f, &b, &batch, &r);
    assert_int_equal(r.status, 409);
    assert_string_equal(r.ctype, "application/problem+json");
    assert_non_null(r.json);
    assert_string_equal(json_string_value(json_object_get(r.json, "type")), "about:blank");
    assert_int_equal(json_integer_value(json_object_get(r.json, "status")), 409);
    detail = json_string_value(json_object_get(r.json, "detail"));
    assert_non_null(detail);
    assert_non_null(strstr(detail, "event 1: seq 2: incident " REPORT " belongs to another venue"));
    assert_true(lists(&r, "accepted", 1));
    assert_true(lists(&r, "rejected", 2));
    assert_false(lists(&r, "accepted", 2));
    reply_release(&r);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM events WHERE type = 4"), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM stock_ledger"), 1);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit_log WHERE action = "
                                "'incident.conflict' AND object = '" REPORT "'"),
                     1);

    /* The Crown completes its report: that is what the officer reads */
    batch_begin(&batch, &a);
    add_incident(&batch, &a, 2, now - 3600, now - 20, "spiking", true, OUTCOME);
    post_batch(f, &a, &batch, &r);
    assert_int_equal(r.status, 200);
    assert_true(lists(&r, "accepted", 2));
    reply_release(&r);
    get_details(f, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "kind")), "spiking");
    assert_true(json_is_true(json_object_get(r.json, "complete")));
    assert_int_equal(json_integer_value(json_object_get(r.json, "venue_id")), f->venue_a);
    assert_int_equal(json_integer_value(json_object_get(r.json, "updates")), 2);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(r.json, "details"), "outcome")),
        "ambulance called");
    reply_release(&r);
}

/*
 * recorded_at is the kiosk's claim: a day ahead of the server is refused as
 * occurred_at is, and a save claiming a later time than one received after it
 * does not win: the server's order of receipt does.
 */
static void test_api_incidents__recorded_at_is_bounded_and_receipt_order_wins(void **state)
{
    struct fixture *f = *state;
    struct lnt_test_kiosk a;
    struct lnt_buf batch;
    struct reply r;
    int64_t now = lnt_time_now();

    lnt_test_kiosk_enroll(f->server.base, f->code_a, &a);
    batch_begin(&batch, &a);
    add_incident(&batch, &a, 1, now - 3600, now - 3500, "disorder", false, NULL);
    add_incident(&batch, &a, 2, now - 3600, now + 400 * DAY, "medical", true, NULL);
    post_batch(f, &a, &batch, &r);
    assert_int_equal(r.status, 200);
    assert_true(lists(&r, "accepted", 1));
    assert_true(lists(&r, "rejected", 2));
    assert_non_null(strstr(r.body.data, "recorded_at is more than a day in the future"));
    reply_release(&r);

    /* within the day's grace, a claim of "later" orders nothing */
    batch_begin(&batch, &a);
    add_incident(&batch, &a, 3, now - 3600, now + 20 * 3600, "medical", false, NULL);
    post_batch(f, &a, &batch, &r);
    assert_int_equal(r.status, 200);
    reply_release(&r);
    batch_begin(&batch, &a);
    add_incident(&batch, &a, 4, now - 3600, now - 10, "spiking", true, NULL);
    post_batch(f, &a, &batch, &r);
    assert_int_equal(r.status, 200);
    reply_release(&r);
    get_details(f, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "kind")), "spiking");
    assert_true(json_is_true(json_object_get(r.json, "complete")));
    assert_int_equal(json_integer_value(json_object_get(r.json, "updates")), 3);
    reply_release(&r);
}

/*
 * A spiking report saved "finish later" and completed afterwards: the officer
 * opening it, by API and on the dashboard, reads both saves in order, each
 * with its own time, kiosk and details.
 */
static void test_api_incidents__officer_reads_every_save_of_a_report(void **state)
{
    struct fixture *f = *state;
    struct lnt_test_kiosk a;
    struct lnt_buf batch;
    struct reply r;
    int64_t now = lnt_time_now();
    json_t *parts, *p0, *p1;
    char csrf[128], form[512], path[256];
    const char *html, *list;

    lnt_test_kiosk_enroll(f->server.base, f->code_a, &a);
    batch_begin(&batch, &a);
    add_incident(&batch, &a, 1, now - 3600, now - 3500, "spiking", false, SYMPTOMS);
    post_batch(f, &a, &batch, &r);
    assert_int_equal(r.status, 200);
    reply_release(&r);
    batch_begin(&batch, &a);
    add_incident(&batch, &a, 2, now - 3600, now - 100, "spiking", true, OUTCOME);
    post_batch(f, &a, &batch, &r);
    assert_int_equal(r.status, 200);
    reply_release(&r);

    get_details(f, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(r.json, "details"), "outcome")),
        "ambulance called");
    parts = json_object_get(r.json, "parts");
    assert_true(json_is_array(parts));
    assert_int_equal(json_array_size(parts), 2);
    p0 = json_array_get(parts, 0);
    p1 = json_array_get(parts, 1);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(p0, "details"), "symptoms")),
        "dizzy, could not stand");
    assert_true(json_is_false(json_object_get(p0, "complete")));
    assert_int_equal(json_integer_value(json_object_get(p0, "seq")), 1);
    assert_int_equal(json_integer_value(json_object_get(p0, "kiosk_id")), a.id);
    assert_non_null(json_string_value(json_object_get(p0, "recorded_at")));
    assert_non_null(json_string_value(json_object_get(p0, "received_at")));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(p1, "details"), "outcome")),
        "ambulance called");
    assert_true(json_is_true(json_object_get(p1, "complete")));
    reply_release(&r);

    /* the dashboard: sign in, open the details from the venue page */
    request(f, "/login", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    lnt_test_csrf_of(r.body.data, csrf, sizeof csrf);
    reply_release(&r);
    snprintf(form, sizeof form,
             "csrf=%s&next=%%2F&email=officer%%40westham.gov.uk&password=a+long+"
             "enough+password",
             csrf);
    request(f, "/login", form, NULL, &r);
    assert_int_equal(r.status, 303);
    reply_release(&r);
    snprintf(path, sizeof path, "/venues/%lld", (long long)f->venue_a);
    request(f, path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "/incidents/" REPORT "/open"));
    lnt_test_csrf_of(r.body.data, csrf, sizeof csrf);
    reply_release(&r);
    snprintf(path, sizeof path, "/venues/%lld/incidents/" REPORT "/open", (long long)f->venue_a);
    snprintf(form, sizeof form, "csrf=%s", csrf);
    request(f, path, form, NULL, &r);
    assert_int_equal(r.status, 200);
    html = r.body.data;
    list = strstr(html, "id=\"incident-parts\"");
    if (list == NULL)
        fail_msg("no list of saves on the details page:\n%s", html);
    assert_non_null(strstr(list, "dizzy, could not stand"));
    assert_non_null(strstr(list, "to finish later"));
    assert_non_null(strstr(strstr(list, "dizzy, could not stand"), "ambulance called"));
    reply_release(&r);
    assert_int_equal(sql_int(f, "SELECT count(*) FROM audit_log WHERE action = 'incident.read' "
                                "AND object = '" REPORT "'"),
                     2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(test_api_incidents__##name, setup, teardown)
        T(another_venues_kiosk_cannot_change_a_report),
        T(recorded_at_is_bounded_and_receipt_order_wins),
        T(officer_reads_every_save_of_a_report),
#undef T
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
