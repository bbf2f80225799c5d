/* test_api.c - the HTTP API over real loopback HTTP: health, enrolment, signed event batches,
 * lanternd. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "api.h"
#include "buf.h"
#include "codec.h"
#include "http.h"
#include "kiosk_client.h"
#include "log.h"
#include "ltime.h"
#include "reqsig.h"
#include "store.h"
#include "store_places.h"
#include "support.h"

#define DAY 86400

struct fixture {
    char *dir;
    char *db_path;
    struct lnt_store *store;
    struct lnt_api api;
    struct lnt_http *http;
    char base[64];
    int64_t clock; /* 0 = the real clock */
    int64_t venue_id;
    char code[LNT_ENROLL_CODE_LEN + 1];
    CURL *curl;
    /* the kiosk, once enrolled */
    int64_t kiosk_id;
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
};

struct reply {
    long status;
    char ctype[128];
    char allow[128];
    long connects;
    struct lnt_buf body;
    json_t *json; /* body parsed, when it is JSON */
};

static int64_t fixture_now(void *ctx)
{
    const struct fixture *f = ctx;
    return f->clock != 0 ? f->clock : lnt_time_now();
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct lnt_venue v;
    struct lnt_http_config cfg;
    char err[LNT_ERRBUF_SIZE] = "";
    char *db;

    assert_non_null(f);
    lnt_log_init("test_api", LNT_LOG_WARN);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    f->dir = lnt_test_tmpdir();
    assert_non_null(f->dir);
    db = lnt_test_path(f->dir, "lantern.db");
    assert_int_equal(lnt_store_open(&f->store, db, err), LNT_OK);
    free(db);
    assert_int_equal(lnt_store_scheme_init(f->store, "WTN", err), LNT_OK);
    memset(&v, 0, sizeof v);
    lnt_str_copy(v.name, sizeof v.name, "The Crown");
    v.category = LNT_VENUE_PUB;
    v.capacity = 200;
    lnt_str_copy(v.area, sizeof v.area, "Centre");
    assert_int_equal(lnt_store_venue_add(f->store, &v, err), LNT_OK);
    f->venue_id = v.id;
    assert_int_equal(
        lnt_store_enroll_code_add(f->store, f->venue_id, lnt_time_now() + 7 * DAY, f->code, err),
        LNT_OK);

    lnt_api_init(&f->api, f->store);
    f->api.now = fixture_now;
    f->api.now_ctx = f;
    memset(&cfg, 0, sizeof cfg);
    cfg.host = "127.0.0.1";
    cfg.port = 0;
    cfg.threads = 2;
    lnt_api_http_config(&f->api, &cfg);
    assert_int_equal(lnt_http_start(&f->http, &cfg, err), LNT_OK);
    assert_int_not_equal(lnt_http_port(f->http), 0);
    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%u", (unsigned)lnt_http_port(f->http));
    f->db_path = lnt_test_path(f->dir, "lantern.db");
    f->api.db_path = f->db_path;
    f->curl = curl_easy_init();
    assert_non_null(f->curl);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    curl_easy_cleanup(f->curl);
    lnt_http_stop(f->http);
    lnt_store_free(f->store);
    lnt_test_rmrf(f->dir);
    free(f->db_path);
    free(f->dir);
    sodium_memzero(f->sk, sizeof f->sk);
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
 * Sends one request on the fixture's easy handle (so connections are reused)
 * and fills *r. `headers` may be NULL; `body` may be NULL for no body.
 */
static void request(struct fixture *f, const char *method, const char *path, const char *body,
                    size_t len, struct curl_slist *headers, struct reply *r)
{
    char url[256];
    char *ct = NULL;
    struct curl_header *h = NULL;
    CURLcode cc;

    memset(r, 0, sizeof *r);
    lnt_buf_init(&r->body, 4u << 20);
    snprintf(url, sizeof url, "%s%s", f->base, path);
    curl_easy_reset(f->curl);
    curl_easy_setopt(f->curl, CURLOPT_URL, url);
    curl_easy_setopt(f->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(f->curl, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(f->curl, CURLOPT_TIMEOUT, 20L);
    if (body != NULL) {
        curl_easy_setopt(f->curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(f->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
        curl_easy_setopt(f->curl, CURLOPT_CUSTOMREQUEST, method);
    if (headers != NULL)
        curl_easy_setopt(f->curl, CURLOPT_HTTPHEADER, headers);
    cc = curl_easy_perform(f->curl);
    if (cc != CURLE_OK)
        fail_msg("%s %s: %s", method, path, curl_easy_strerror(cc));
    curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(f->curl, CURLINFO_NUM_CONNECTS, &r->connects);
    curl_easy_getinfo(f->curl, CURLINFO_CONTENT_TYPE, &ct);
    lnt_str_copy(r->ctype, sizeof r->ctype, ct != NULL ? ct : "");
    if (curl_easy_header(f->curl, "Allow", 0, CURLH_HEADER, -1, &h) == CURLHE_OK)
        lnt_str_copy(r->allow, sizeof r->allow, h->value);
    r->json = json_loadb(r->body.data != NULL ? r->body.data : "", r->body.len, 0, NULL);
}

/* Asserts an RFC 9457 problem with `status` whose detail contains `needle` (NULL: any). */
static void assert_problem(const struct reply *r, long status, const char *needle)
{
    json_t *detail;

    assert_int_equal(r->status, status);
    assert_string_equal(r->ctype, "application/problem+json");
    assert_non_null(r->json);
    assert_string_equal(json_string_value(json_object_get(r->json, "type")), "about:blank");
    assert_int_equal(json_integer_value(json_object_get(r->json, "status")), status);
    assert_non_null(json_string_value(json_object_get(r->json, "title")));
    detail = json_object_get(r->json, "detail");
    assert_non_null(json_string_value(detail));
    assert_true(strlen(json_string_value(detail)) > 0);
    if (needle != NULL && strstr(json_string_value(detail), needle) == NULL)
        fail_msg("detail \"%s\" does not mention \"%s\"", json_string_value(detail), needle);
}

static void post_enroll(struct fixture *f, const char *code, const uint8_t *pk, struct reply *r)
{
    char b64[LNT_B64_LEN(LNT_SIGN_PK_LEN)];
    char body[256];

    lnt_b64_encode(pk, LNT_SIGN_PK_LEN, b64);
    snprintf(body, sizeof body, "{\"code\": \"%s\", \"public_key\": \"%s\"}", code, b64);
    request(f, "POST", "/api/v1/enroll", body, strlen(body), NULL, r);
}

/* Enrols the fixture's kiosk with a fresh key pair. */
static void enroll(struct fixture *f)
{
    struct reply r;

    crypto_sign_keypair(f->pk, f->sk);
    post_enroll(f, f->code, f->pk, &r);
    assert_int_equal(r.status, 201);
    assert_non_null(r.json);
    f->kiosk_id = json_integer_value(json_object_get(r.json, "kiosk_id"));
    assert_true(f->kiosk_id > 0);
    reply_release(&r);
}

/* Appends one sign_in event, as docs/api.md shows it, with `occurred_at` and `staff_id`. */
static void add_event(struct lnt_buf *b, int64_t seq, int64_t occurred_at, const char *staff_id)
{
    char when[LNT_TIME_STRLEN];
    char uuid[LNT_UUID_STRLEN];

    assert_int_equal(lnt_time_format(occurred_at, when), LNT_OK);
    snprintf(uuid, sizeof uuid, "5f0c0000-0000-4000-8000-%012lld", (long long)seq);
    assert_int_equal(
        lnt_buf_printf(b,
                       "%s{\"seq\": %lld, \"uuid\": \"%s\", \"type\": \"sign_in\", "
                       "\"occurred_at\": \"%s\", \"recorded_at\": \"%s\", \"staff_id\": \"%s\", "
                       "\"badge_serial\": \"a1b2c3d4e5f60718\", \"role\": \"door\", "
                       "\"sia_number\": \"1234567812345678\", \"sia_expires\": \"2030-05-01\", "
                       "\"sia_status\": \"valid\", \"verdict\": \"green\"}",
                       b->len > 0 && b->data[b->len - 1] != '[' ? ", " : "", (long long)seq, uuid,
                       when, when, staff_id),
        LNT_OK);
}

/* A batch of `n` sign_in events, seq first_seq.. , for `kiosk_id`. Caller releases `b`. */
static void make_batch(struct lnt_buf *b, int64_t kiosk_id, int64_t first_seq, size_t n,
                       const char *staff_id)
{
    int64_t now = lnt_time_now();

    lnt_buf_init(b, 4u << 20);
    assert_int_equal(lnt_buf_printf(b, "{\"kiosk_id\": %lld, \"events\": [", (long long)kiosk_id),
                     LNT_OK);
    for (size_t i = 0; i < n; i++)
        add_event(b, first_seq + (int64_t)i, now - 60, staff_id);
    assert_int_equal(lnt_buf_puts(b, "]}"), LNT_OK);
}

/* The three signature headers for METHOD PATH with `body`, signed by `sk` as kiosk `kiosk_id` at
 * `ts`. */
static struct curl_slist *sign_request(const uint8_t *sk, int64_t kiosk_id, int64_t ts,
                                       const char *method, const char *path, const char *body,
                                       size_t len)
{
    struct lnt_reqsig_parts parts = {method, path, NULL, NULL, body, len};

    return lnt_test_kiosk_headers(sk, kiosk_id, ts, 1, &parts, true);
}

/* Signature headers for POST /api/v1/events. */
static struct curl_slist *sign_headers(const uint8_t *sk, int64_t kiosk_id, int64_t ts,
                                       const char *body, size_t len)
{
    return sign_request(sk, kiosk_id, ts, "POST", "/api/v1/events", body, len);
}

static void post_events(struct fixture *f, const struct lnt_buf *b, struct reply *r)
{
    struct curl_slist *h = sign_headers(f->sk, f->kiosk_id, lnt_time_now(), b->data, b->len);
    request(f, "POST", "/api/v1/events", b->data, b->len, h, r);
    curl_slist_free_all(h);
}

/* Number of integers in reply array `key`. */
static size_t count_of(const struct reply *r, const char *key)
{
    json_t *a = json_object_get(r->json, key);
    assert_true(json_is_array(a));
    return json_array_size(a);
}

static int count_event(void *ctx, const struct lnt_stored_event *e)
{
    (void)e;
    (*(size_t *)ctx)++;
    return 0;
}

static size_t stored_events(struct fixture *f)
{
    size_t n = 0;
    char err[LNT_ERRBUF_SIZE];
    assert_int_equal(lnt_store_events_each(f->store, 0, 0, count_event, &n, err), LNT_OK);
    return n;
}

/* ---- health, routing, keep-alive ---- */

static void test_api__healthz_ok_and_connection_reused(void **state)
{
    struct fixture *f = *state;
    struct reply r;

    request(f, "GET", "/healthz", NULL, 0, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.ctype, "application/json");
    assert_string_equal(json_string_value(json_object_get(r.json, "status")), "ok");
    assert_string_equal(json_string_value(json_object_get(r.json, "version")), LNT_VERSION);
    assert_int_equal(r.connects, 1);
    reply_release(&r);

    request(f, "GET", "/healthz", NULL, 0, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.connects, 0); /* the first connection was kept alive and reused */
    reply_release(&r);
}

static void test_api__unknown_path_404(void **state)
{
    struct fixture *f = *state;
    struct reply r;

    request(f, "GET", "/api/v1/nothing", NULL, 0, NULL, &r);
    assert_problem(&r, 404, "/api/v1/nothing");
    reply_release(&r);
}

static void test_api__wrong_method_405_with_allow(void **state)
{
    struct fixture *f = *state;
    struct reply r;

    request(f, "GET", "/api/v1/events", NULL, 0, NULL, &r);
    assert_problem(&r, 405, "POST");
    assert_string_equal(r.allow, "POST");
    reply_release(&r);

    request(f, "DELETE", "/healthz", NULL, 0, NULL, &r);
    assert_problem(&r, 405, NULL);
    assert_string_equal(r.allow, "GET, HEAD");
    reply_release(&r);
}

/* ---- enrolment ---- */

static void test_api__enroll_ok_returns_trust(void **state)
{
    struct fixture *f = *state;
    struct lnt_scheme scheme;
    struct lnt_kiosk k;
    char box[LNT_B64_LEN(32)], kid[LNT_HEX_LEN(LNT_KID_LEN)], pk[LNT_B64_LEN(LNT_SIGN_PK_LEN)];
    char err[LNT_ERRBUF_SIZE];
    struct reply r;
    json_t *venue, *trust;
    int64_t t;

    crypto_sign_keypair(f->pk, f->sk);
    post_enroll(f, f->code, f->pk, &r);
    assert_int_equal(r.status, 201);
    assert_string_equal(r.ctype, "application/json");
    assert_non_null(r.json);

    f->kiosk_id = json_integer_value(json_object_get(r.json, "kiosk_id"));
    assert_int_equal(lnt_store_kiosk_get(f->store, f->kiosk_id, &k, err), LNT_OK);
    assert_memory_equal(k.pk, f->pk, LNT_SIGN_PK_LEN);
    assert_int_equal(k.venue_id, f->venue_id);

    venue = json_object_get(r.json, "venue");
    assert_int_equal(json_integer_value(json_object_get(venue, "id")), f->venue_id);
    assert_string_equal(json_string_value(json_object_get(venue, "name")), "The Crown");
    assert_string_equal(json_string_value(json_object_get(venue, "category")), "pub");
    assert_string_equal(json_string_value(json_object_get(r.json, "scheme")), "WTN");

    assert_int_equal(lnt_store_scheme_get(f->store, &scheme, err), LNT_OK);
    lnt_b64_encode(scheme.box_pk, sizeof scheme.box_pk, box);
    lnt_hex_encode(scheme.key.kid, LNT_KID_LEN, kid);
    lnt_b64_encode(scheme.key.pk, LNT_SIGN_PK_LEN, pk);
    sodium_memzero(&scheme, sizeof scheme);
    assert_string_equal(json_string_value(json_object_get(r.json, "box_public_key")), box);
    trust = json_object_get(r.json, "trust");
    assert_int_equal(json_array_size(trust), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(trust, 0), "kid")), kid);
    assert_string_equal(json_string_value(json_object_get(json_array_get(trust, 0), "public_key")),
                        pk);
    assert_true(json_is_array(json_object_get(r.json, "revoked")));
    assert_int_equal(lnt_time_parse(json_string_value(json_object_get(r.json, "server_time")), &t),
                     LNT_OK);
    assert_true(t >= lnt_time_now() - 60 && t <= lnt_time_now() + 60);
    reply_release(&r);
}

static void test_api__enroll_used_code_404(void **state)
{
    struct fixture *f = *state;
    struct reply r;
    uint8_t pk2[32], sk2[64];

    enroll(f);
    crypto_sign_keypair(pk2, sk2);
    post_enroll(f, f->code, pk2, &r);
    assert_problem(&r, 404, "already been used");
    reply_release(&r);

    post_enroll(f, "ZZZZ-ZZZZ-ZZZZ", pk2, &r);
    assert_problem(&r, 404, "unknown");
    reply_release(&r);
}

static void test_api__enroll_expired_code_410(void **state)
{
    struct fixture *f = *state;
    char code[LNT_ENROLL_CODE_LEN + 1];
    char err[LNT_ERRBUF_SIZE];
    struct reply r;
    int64_t now = lnt_time_now();

    assert_int_equal(lnt_store_enroll_code_add(f->store, f->venue_id, now + 100, code, err),
                     LNT_OK);
    f->clock = now + 200; /* the server's clock has passed the code's expiry */
    crypto_sign_keypair(f->pk, f->sk);
    post_enroll(f, code, f->pk, &r);
    assert_problem(&r, 410, "expired");
    reply_release(&r);
}

static void test_api__enroll_malformed_400(void **state)
{
    struct fixture *f = *state;
    static const char *const bodies[][2] = {
        {"{\"code\": \"ABCD-EFGH-JKLM\"", "not valid JSON"},
        {"[1, 2]", "JSON object"},
        {"{\"code\": \"ABCD-EFGH-JKLM\"}", "public_key"},
        {"{\"code\": 7, \"public_key\": \"AAAA\"}", "code"},
        {"{\"code\": \"ABCD-EFGH-JKLM\", \"public_key\": \"not base64!\"}", "public_key"},
        {"{\"code\": \"ABCD-EFGH-JKLM\", \"public_key\": \"AAAA\"}", "32-byte"},
        {"{\"code\": \"A\", \"code\": \"B\", \"public_key\": \"AAAA\"}", "not valid JSON"},
    };
    struct reply r;

    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        request(f, "POST", "/api/v1/enroll", bodies[i][0], strlen(bodies[i][0]), NULL, &r);
        assert_problem(&r, 400, bodies[i][1]);
        reply_release(&r);
    }
    /* Nothing was spent: the code still works. */
    enroll(f);
}

static void test_api__enroll_unknown_field_400(void **state)
{
    struct fixture *f = *state;
    char b64[LNT_B64_LEN(32)];
    char body[256];
    struct reply r;

    crypto_sign_keypair(f->pk, f->sk);
    lnt_b64_encode(f->pk, 32, b64);
    snprintf(body, sizeof body, "{\"code\": \"%s\", \"public_key\": \"%s\", \"venue\": 9}", f->code,
             b64);
    request(f, "POST", "/api/v1/enroll", body, strlen(body), NULL, &r);
    assert_problem(&r, 400, "unknown field `venue`");
    reply_release(&r);
}

static void test_api__enroll_body_over_4k_413(void **state)
{
    struct fixture *f = *state;
    size_t len = LNT_ENROLL_BODY_MAX + 1;
    char *body = malloc(len);
    struct reply r;

    assert_non_null(body);
    memset(body, ' ', len);
    request(f, "POST", "/api/v1/enroll", body, len, NULL, &r);
    assert_problem(&r, 413, "4096");
    reply_release(&r);
    free(body);
}

/* ---- events ---- */

static void test_api__events_signed_batch_accepted(void **state)
{
    struct fixture *f = *state;
    struct lnt_buf b;
    struct reply r;
    json_t *acc;

    enroll(f);
    make_batch(&b, f->kiosk_id, 1, 3, "12");
    post_events(f, &b, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.ctype, "application/json");
    acc = json_object_get(r.json, "accepted");
    assert_int_equal(json_array_size(acc), 3);
    assert_int_equal(json_integer_value(json_array_get(acc, 0)), 1);
    assert_int_equal(json_integer_value(json_array_get(acc, 2)), 3);
    assert_int_equal(count_of(&r, "duplicates"), 0);
    assert_int_equal(stored_events(f), 3);
    reply_release(&r);

    /* The same batch again: all duplicates, nothing new stored, connection still reused. */
    post_events(f, &b, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.connects, 0);
    assert_int_equal(count_of(&r, "accepted"), 0);
    assert_int_equal(count_of(&r, "duplicates"), 3);
    assert_int_equal(stored_events(f), 3);
    reply_release(&r);
    lnt_buf_release(&b);
}

static void test_api__events_conflict_409(void **state)
{
    struct fixture *f = *state;
    struct lnt_buf b;
    struct reply r;
    json_t *c;

    enroll(f);
    make_batch(&b, f->kiosk_id, 1, 2, "12");
    post_events(f, &b, &r);
    assert_int_equal(r.status, 200);
    reply_release(&r);
    lnt_buf_release(&b);

    /* seq 2 again with another staff member, plus a new seq 3. */
    make_batch(&b, f->kiosk_id, 2, 2, "99");
    post_events(f, &b, &r);
    assert_int_equal(r.status, 409);
    assert_string_equal(r.ctype, "application/json");
    c = json_object_get(r.json, "conflicts");
    assert_int_equal(json_array_size(c), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(c, 0), "seq")), 2);
    assert_non_null(json_string_value(json_object_get(json_array_get(c, 0), "reason")));
    assert_int_equal(count_of(&r, "accepted"), 1);
    assert_int_equal(stored_events(f), 3);
    reply_release(&r);
    lnt_buf_release(&b);
}

static void test_api__events_far_future_rejected_rest_stored(void **state)
{
    struct fixture *f = *state;
    struct lnt_buf b;
    struct reply r;
    json_t *rej;
    int64_t now = lnt_time_now();

    enroll(f);
    lnt_buf_init(&b, 1u << 20);
    assert_int_equal(
        lnt_buf_printf(&b, "{\"kiosk_id\": %lld, \"events\": [", (long long)f->kiosk_id), LNT_OK);
    add_event(&b, 1, now - 60, "12");
    add_event(&b, 2, now + 2 * DAY, "12");
    add_event(&b, 3, now + 3600, "12"); /* a fast kiosk clock is tolerated */
    assert_int_equal(lnt_buf_puts(&b, "]}"), LNT_OK);
    post_events(f, &b, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(count_of(&r, "accepted"), 2);
    rej = json_object_get(r.json, "rejected");
    assert_int_equal(json_array_size(rej), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rej, 0), "seq")), 2);
    assert_non_null(
        strstr(json_string_value(json_object_get(json_array_get(rej, 0), "reason")), "future"));
    assert_int_equal(stored_events(f), 2);
    reply_release(&r);
    lnt_buf_release(&b);
}

static void test_api__events_missing_signature_headers_401(void **state)
{
    struct fixture *f = *state;
    struct lnt_buf b;
    struct reply r;
    struct curl_slist *h;

    enroll(f);
    make_batch(&b, f->kiosk_id, 1, 1, "12");
    request(f, "POST", "/api/v1/events", b.data, b.len, NULL, &r);
    assert_problem(&r, 401, LNT_HDR_KIOSK);
    reply_release(&r);

    /* Kiosk and time but no signature. */
    h = curl_slist_append(NULL, "X-Lantern-Kiosk: 1");
    h = curl_slist_append(h, "X-Lantern-Time: 1795738863");
    request(f, "POST", "/api/v1/events", b.data, b.len, h, &r);
    assert_problem(&r, 401, LNT_HDR_SIGNATURE);
    reply_release(&r);
    curl_slist_free_all(h);

    /* Malformed kiosk id. */
    h = curl_slist_append(NULL, "X-Lantern-Kiosk: three");
    h = curl_slist_append(h, "X-Lantern-Time: 1795738863");
    h = curl_slist_append(h, "X-Lantern-Signature: AAAA");
    request(f, "POST", "/api/v1/events", b.data, b.len, h, &r);
    assert_problem(&r, 401, LNT_HDR_KIOSK);
    reply_release(&r);
    curl_slist_free_all(h);

    assert_int_equal(stored_events(f), 0);
    lnt_buf_release(&b);
}

static void test_api__events_bad_signature_401(void **state)
{
    struct fixture *f = *state;
    uint8_t pk2[32], sk2[64];
    struct lnt_buf b;
    struct reply r;
    struct curl_slist *h;

    enroll(f);
    make_batch(&b, f->kiosk_id, 1, 1, "12");
    crypto_sign_keypair(pk2, sk2);
    h = sign_headers(sk2, f->kiosk_id, lnt_time_now(), b.data, b.len);
    request(f, "POST", "/api/v1/events", b.data, b.len, h, &r);
    assert_problem(&r, 401, "signature");
    reply_release(&r);
    curl_slist_free_all(h);

    /* Right key, but the body was altered after signing. */
    h = sign_headers(f->sk, f->kiosk_id, lnt_time_now(), b.data, b.len);
    b.data[b.len - 3] = ' ';
    request(f, "POST", "/api/v1/events", b.data, b.len, h, &r);
    assert_problem(&r, 401, "signature");
    reply_release(&r);
    curl_slist_free_all(h);

    assert_int_equal(stored_events(f), 0);
    lnt_buf_release(&b);
}

static void test_api__events_stale_time_401(void **state)
{
    struct fixture *f = *state;
    struct lnt_buf b;
    struct reply r;
    struct curl_slist *h;

    enroll(f);
    make_batch(&b, f->kiosk_id, 1, 1, "12");
    h = sign_headers(f->sk, f->kiosk_id, lnt_time_now() - 1000, b.data, b.len);
    request(f, "POST", "/api/v1/events", b.data, b.len, h, &r);
    assert_problem(&r, 401, "stale");
    reply_release(&r);
    curl_slist_free_all(h);
    assert_int_equal(stored_events(f), 0);
    lnt_buf_release(&b);
}

/* The detail of a 401 for a batch of kiosk `id`'s, signed by `sk` at `ts`; the caller frees it. */
static char *refusal(struct fixture *f, int64_t id, const uint8_t *sk, int64_t ts)
{
    struct lnt_buf b;
    struct reply r;
    struct curl_slist *h;
    char *detail;

    make_batch(&b, id, 1, 1, "12");
    h = sign_headers(sk, id, ts, b.data, b.len);
    request(f, "POST", "/api/v1/events", b.data, b.len, h, &r);
    assert_problem(&r, 401, NULL);
    detail = strdup(json_string_value(json_object_get(r.json, "detail")));
    assert_non_null(detail);
    reply_release(&r);
    curl_slist_free_all(h);
    lnt_buf_release(&b);
    return detail;
}

/*
 * Without the kiosk's key a caller learns nothing about a kiosk id: unknown, revoked and
 * wrongly signed get the very same 401. Only a request signed by the kiosk's own key is told
 * that it is revoked, or that its clock is off.
 */
static void test_api__events_unknown_revoked_and_forged_look_alike(void **state)
{
    struct fixture *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    uint8_t pk2[32], sk2[64], other_pk[32], other_sk[64];
    char code2[LNT_ENROLL_CODE_LEN + 1];
    int64_t now = lnt_time_now(), first;
    char *unknown, *forged, *revoked_forged, *revoked_own, *stale_forged;
    struct reply r;

    enroll(f);
    first = f->kiosk_id;
    /* A second kiosk, then revoked. */
    assert_int_equal(lnt_store_enroll_code_add(f->store, f->venue_id, now + 7 * DAY, code2, err),
                     LNT_OK);
    crypto_sign_keypair(pk2, sk2);
    post_enroll(f, code2, pk2, &r);
    assert_int_equal(r.status, 201);
    f->kiosk_id = json_integer_value(json_object_get(r.json, "kiosk_id"));
    reply_release(&r);
    assert_int_equal(lnt_store_kiosk_revoke(f->store, f->kiosk_id, now, err), LNT_OK);
    crypto_sign_keypair(other_pk, other_sk);

    unknown = refusal(f, 999, other_sk, now);
    forged = refusal(f, first, other_sk, now);
    revoked_forged = refusal(f, f->kiosk_id, other_sk, now);
    stale_forged = refusal(f, first, other_sk, now - 1000);
    assert_string_equal(unknown, forged);
    assert_string_equal(unknown, revoked_forged);
    assert_string_equal(unknown, stale_forged);
    assert_null(strstr(unknown, "999"));

    /* The revoked kiosk itself is told. */
    revoked_own = refusal(f, f->kiosk_id, sk2, now);
    assert_non_null(strstr(revoked_own, "revoked"));
    assert_string_not_equal(revoked_own, unknown);

    free(unknown);
    free(forged);
    free(revoked_forged);
    free(stale_forged);
    free(revoked_own);
    assert_int_equal(stored_events(f), 0);
}

static void test_api__events_kiosk_id_mismatch_400(void **state)
{
    struct fixture *f = *state;
    struct lnt_buf b;
    struct reply r;

    enroll(f);
    make_batch(&b, f->kiosk_id + 1, 1, 1, "12");
    post_events(f, &b, &r); /* signed as f->kiosk_id */
    assert_problem(&r, 400, "kiosk_id");
    reply_release(&r);
    assert_int_equal(stored_events(f), 0);
    lnt_buf_release(&b);
}

static void test_api__events_malformed_400_names_field(void **state)
{
    struct fixture *f = *state;
    struct lnt_buf b;
    struct reply r;

    enroll(f);
    lnt_buf_init(&b, 1u << 20);
    assert_int_equal(
        lnt_buf_printf(&b, "{\"kiosk_id\": %lld, \"events\": [", (long long)f->kiosk_id), LNT_OK);
    add_event(&b, 1, lnt_time_now(), "12");
    assert_int_equal(
        lnt_buf_puts(&b, ", {\"seq\": 2, \"uuid\": \"5f0c0000-0000-4000-8000-000000000002\", "
                         "\"type\": \"stock\", \"occurred_at\": \"yesterday\", "
                         "\"recorded_at\": \"2026-11-26T22:01:03Z\", \"kind\": \"count\", "
                         "\"quantity\": 5, \"staff_id\": \"12\"}]}"),
        LNT_OK);
    post_events(f, &b, &r);
    assert_problem(&r, 400, "occurred_at");
    reply_release(&r);
    lnt_buf_release(&b);

    /* Not JSON at all. */
    lnt_buf_init(&b, 1024);
    assert_int_equal(lnt_buf_puts(&b, "{\"kiosk_id\": "), LNT_OK);
    post_events(f, &b, &r);
    assert_problem(&r, 400, NULL);
    reply_release(&r);
    lnt_buf_release(&b);
    assert_int_equal(stored_events(f), 0);
}

static void test_api__events_101_events_413(void **state)
{
    struct fixture *f = *state;
    struct lnt_buf b;
    struct reply r;

    enroll(f);
    make_batch(&b, f->kiosk_id, 1, LNT_BATCH_MAX + 1, "12");
    assert_true(b.len < LNT_BATCH_BODY_MAX);
    post_events(f, &b, &r);
    assert_problem(&r, 413, "100");
    reply_release(&r);
    assert_int_equal(stored_events(f), 0);
    lnt_buf_release(&b);
}

static void test_api__events_2mib_body_413(void **state)
{
    struct fixture *f = *state;
    size_t len = 2u << 20;
    char *body = malloc(len);
    struct curl_slist *h;
    struct reply r;

    assert_non_null(body);
    memset(body, ' ', len);
    h = sign_headers(f->sk, 1, lnt_time_now(), body, len);
    h = curl_slist_append(h, "Expect: 100-continue");
    request(f, "POST", "/api/v1/events", body, len, h, &r);
    assert_problem(&r, 413, "1048576");
    reply_release(&r);
    curl_slist_free_all(h);

    /* The server is still fine afterwards. */
    request(f, "GET", "/healthz", NULL, 0, NULL, &r);
    assert_int_equal(r.status, 200);
    reply_release(&r);
    free(body);
}

struct source {
    size_t left;
};

static size_t on_read(char *p, size_t size, size_t n, void *ctx)
{
    struct source *src = ctx;
    size_t k = size * n < src->left ? size * n : src->left;
    memset(p, ' ', k);
    src->left -= k;
    return k;
}

static void test_api__events_chunked_body_over_limit_413(void **state)
{
    struct fixture *f = *state;
    struct source src = {LNT_BATCH_BODY_MAX + LNT_BATCH_BODY_MAX / 2};
    struct curl_slist *h = curl_slist_append(NULL, "Transfer-Encoding: chunked");
    struct reply r;
    char url[256];
    char *ct = NULL;

    /* No Content-Length: the bound is found while reading. */
    memset(&r, 0, sizeof r);
    lnt_buf_init(&r.body, 1u << 20);
    snprintf(url, sizeof url, "%s/api/v1/events", f->base);
    curl_easy_reset(f->curl);
    curl_easy_setopt(f->curl, CURLOPT_URL, url);
    curl_easy_setopt(f->curl, CURLOPT_POST, 1L);
    curl_easy_setopt(f->curl, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(f->curl, CURLOPT_READDATA, &src);
    curl_easy_setopt(f->curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(f->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(f->curl, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(f->curl, CURLOPT_TIMEOUT, 20L);
    assert_int_equal(curl_easy_perform(f->curl), CURLE_OK);
    curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_getinfo(f->curl, CURLINFO_CONTENT_TYPE, &ct);
    lnt_str_copy(r.ctype, sizeof r.ctype, ct != NULL ? ct : "");
    r.json = json_loadb(r.body.data != NULL ? r.body.data : "", r.body.len, 0, NULL);
    assert_problem(&r, 413, "1048576");
    reply_release(&r);
    curl_slist_free_all(h);
}

/* ---- kiosk sync ---- */

/* A staff member at the fixture's venue with a badge (serial returned), issued now. */
static void add_badge(struct fixture *f, uint8_t serial[LNT_SERIAL_LEN])
{
    struct lnt_staff st;
    struct lnt_badge_record b;
    struct lnt_scheme scheme;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&st, 0, sizeof st);
    st.venue_id = f->venue_id;
    lnt_str_copy(st.name, sizeof st.name, "Sam Door");
    st.role = LNT_ROLE_DOOR;
    assert_int_equal(lnt_store_staff_add(f->store, &st, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_get(f->store, &scheme, err), LNT_OK);
    memset(&b, 0, sizeof b);
    randombytes_buf(serial, LNT_SERIAL_LEN);
    memcpy(b.serial, serial, LNT_SERIAL_LEN);
    b.staff_id = st.id;
    memcpy(b.kid, scheme.key.kid, LNT_KID_LEN);
    b.issued_at = lnt_time_now() - 60;
    b.expires_at = lnt_time_now() + 30 * DAY;
    sodium_memzero(&scheme, sizeof scheme);
    assert_int_equal(lnt_store_badge_add(f->store, &b, err), LNT_OK);
}

static void revoke_badge(struct fixture *f, const uint8_t serial[LNT_SERIAL_LEN],
                         int64_t want_version)
{
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t v = 0;

    assert_int_equal(lnt_store_badge_revoke(f->store, serial, "lost", lnt_time_now(), &v, err),
                     LNT_OK);
    assert_int_equal(v, want_version);
}

/*
 * GET /api/v1/kiosk/sync`query` ("" for none, else starting with '?') signed by the fixture's
 * kiosk at `ts` with signature `version` (1 or 2), with X-Lantern-Backlog: `backlog` unless
 * NULL.
 */
static void get_sync_as(struct fixture *f, int version, int64_t ts, const char *query,
                        const char *backlog, struct reply *r)
{
    char path[128];
    struct lnt_reqsig_parts parts = {
        "GET", "/api/v1/kiosk/sync", query[0] == '?' ? query + 1 : query, backlog, "", 0};
    struct curl_slist *h = lnt_test_kiosk_headers(f->sk, f->kiosk_id, ts, version, &parts, false);

    snprintf(path, sizeof path, "/api/v1/kiosk/sync%s", query);
    request(f, "GET", path, NULL, 0, h, r);
    curl_slist_free_all(h);
}

/* GET /api/v1/kiosk/sync`query`, signed now as today's kiosks sign (version 2). */
static void get_sync(struct fixture *f, const char *query, const char *backlog, struct reply *r)
{
    get_sync_as(f, 2, lnt_time_now(), query, backlog, r);
}

/* The hex serials in the reply's revocations, and its version and full flag. */
static json_t *revocations(const struct reply *r, int64_t *version, bool *full)
{
    json_t *rv = json_object_get(r->json, "revocations");

    assert_true(json_is_object(rv));
    *version = json_integer_value(json_object_get(rv, "version"));
    assert_true(json_is_boolean(json_object_get(rv, "full")));
    *full = json_is_true(json_object_get(rv, "full"));
    assert_true(json_is_array(json_object_get(rv, "serials")));
    return json_object_get(rv, "serials");
}

static void test_api__sync_returns_trust_revocations_and_venue(void **state)
{
    struct fixture *f = *state;
    struct lnt_scheme scheme;
    char err[LNT_ERRBUF_SIZE] = "";
    char hex[LNT_HEX_LEN(LNT_SERIAL_LEN)], box[LNT_B64_LEN(32)], kid[LNT_HEX_LEN(LNT_KID_LEN)];
    uint8_t serial[LNT_SERIAL_LEN];
    struct reply r;
    json_t *venue, *serials, *trust;
    int64_t version, t;
    bool full;

    enroll(f);
    add_badge(f, serial);
    revoke_badge(f, serial, 1);
    lnt_hex_encode(serial, LNT_SERIAL_LEN, hex);

    get_sync(f, "", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.ctype, "application/json");
    assert_int_equal(lnt_time_parse(json_string_value(json_object_get(r.json, "server_time")), &t),
                     LNT_OK);
    assert_true(t >= lnt_time_now() - 60 && t <= lnt_time_now() + 60);
    assert_string_equal(json_string_value(json_object_get(r.json, "scheme")), "WTN");

    assert_int_equal(lnt_store_scheme_get(f->store, &scheme, err), LNT_OK);
    lnt_b64_encode(scheme.box_pk, sizeof scheme.box_pk, box);
    lnt_hex_encode(scheme.key.kid, LNT_KID_LEN, kid);
    sodium_memzero(&scheme, sizeof scheme);
    assert_string_equal(json_string_value(json_object_get(r.json, "box_public_key")), box);
    trust = json_object_get(r.json, "trust");
    assert_int_equal(json_array_size(trust), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(trust, 0), "kid")), kid);

    serials = revocations(&r, &version, &full);
    assert_int_equal(version, 1);
    assert_true(full);
    assert_int_equal(json_array_size(serials), 1);
    assert_string_equal(json_string_value(json_array_get(serials, 0)), hex);

    venue = json_object_get(r.json, "venue");
    assert_int_equal(json_integer_value(json_object_get(venue, "id")), f->venue_id);
    assert_string_equal(json_string_value(json_object_get(venue, "name")), "The Crown");
    assert_string_equal(json_string_value(json_object_get(venue, "category")), "pub");
    assert_int_equal(json_integer_value(json_object_get(venue, "capacity")), 200);
    assert_int_equal(json_integer_value(json_object_get(venue, "cup_cover_threshold")), 100);
    reply_release(&r);
}

/* The course names `role` must hold, as a reply's "required_training" lists them, comma-joined. */
static void required_of(json_t *reply, const char *role, char *out, size_t size)
{
    json_t *arr = json_object_get(json_object_get(reply, "required_training"), role), *c;
    size_t i, n = 0;

    assert_true(json_is_array(arr));
    out[0] = '\0';
    json_array_foreach(arr, i, c) n +=
        (size_t)snprintf(out + n, size - n, "%s%s", i > 0 ? "," : "", json_string_value(c));
}

/* The scheme's door rules reach a kiosk at enrolment and at every sync, like the revocations. */
static void test_api__enrolment_and_sync_carry_the_door_rules(void **state)
{
    struct fixture *f = *state;
    char err[LNT_ERRBUF_SIZE] = "", courses[128];
    struct reply r;
    json_t *listed;

    assert_int_equal(
        lnt_store_required_set(f->store, LNT_ROLE_DOOR, LNT_COURSE_FIRST_AID, true, NULL, err),
        LNT_OK);
    assert_int_equal(
        lnt_store_required_set(f->store, LNT_ROLE_BAR, LNT_COURSE_WAVE, false, NULL, err), LNT_OK);
    assert_int_equal(lnt_store_sia_set(f->store, "1234567812345678", LNT_SIA_LISTED_SUSPENDED,
                                       lnt_days_from_civil(2026, 11, 1), err),
                     LNT_OK);

    crypto_sign_keypair(f->pk, f->sk);
    post_enroll(f, f->code, f->pk, &r);
    assert_int_equal(r.status, 201);
    f->kiosk_id = json_integer_value(json_object_get(r.json, "kiosk_id"));
    required_of(r.json, "door", courses, sizeof courses);
    assert_string_equal(courses, "wave,first-aid");
    reply_release(&r);

    get_sync(f, "", NULL, &r);
    assert_int_equal(r.status, 200);
    required_of(r.json, "door", courses, sizeof courses);
    assert_string_equal(courses, "wave,first-aid");
    required_of(r.json, "bar", courses, sizeof courses);
    assert_string_equal(courses, "");
    required_of(r.json, "manager", courses, sizeof courses);
    assert_string_equal(courses, "wave");
    required_of(r.json, "volunteer", courses, sizeof courses);
    assert_string_equal(courses, "wave");
    listed = json_object_get(r.json, "sia_listed");
    assert_int_equal(json_array_size(listed), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(listed, 0), "number")),
                        "1234567812345678");
    assert_string_equal(json_string_value(json_object_get(json_array_get(listed, 0), "status")),
                        "suspended");
    assert_string_equal(json_string_value(json_object_get(json_array_get(listed, 0), "from")),
                        "2026-11-01");
    reply_release(&r);
}

/* A new sealing key reaches every enrolled kiosk at its next sync. */
static void test_api__sync_carries_a_rotated_sealing_key(void **state)
{
    struct fixture *f = *state;
    struct lnt_box_info info;
    char err[LNT_ERRBUF_SIZE] = "", before[LNT_B64_LEN(32)], after[LNT_B64_LEN(32)];
    struct reply r;

    enroll(f);
    get_sync(f, "", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(lnt_str_copy(before, sizeof before,
                                  json_string_value(json_object_get(r.json, "box_public_key"))),
                     LNT_OK);
    reply_release(&r);
    if (lnt_store_box_rotate(f->store, lnt_time_now(), &info, err) != LNT_OK)
        fail_msg("rotate: %s", err);
    lnt_b64_encode(info.pk, sizeof info.pk, after);
    assert_string_not_equal(after, before);
    get_sync(f, "", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "box_public_key")), after);
    reply_release(&r);
}

static void test_api__sync_revocations_since_a_version(void **state)
{
    struct fixture *f = *state;
    uint8_t s1[LNT_SERIAL_LEN], s2[LNT_SERIAL_LEN];
    char hex2[LNT_HEX_LEN(LNT_SERIAL_LEN)];
    struct reply r;
    json_t *serials;
    int64_t version;
    bool full;

    enroll(f);
    add_badge(f, s1);
    add_badge(f, s2);
    revoke_badge(f, s1, 1);

    /* Up to date at version 1: nothing new. */
    get_sync(f, "?revoked_since=1", NULL, &r);
    assert_int_equal(r.status, 200);
    serials = revocations(&r, &version, &full);
    assert_int_equal(version, 1);
    assert_false(full);
    assert_int_equal(json_array_size(serials), 0);
    reply_release(&r);

    /* One more revocation: only it comes back, as an addition. */
    revoke_badge(f, s2, 2);
    lnt_hex_encode(s2, LNT_SERIAL_LEN, hex2);
    get_sync(f, "?revoked_since=1", NULL, &r);
    serials = revocations(&r, &version, &full);
    assert_int_equal(version, 2);
    assert_false(full);
    assert_int_equal(json_array_size(serials), 1);
    assert_string_equal(json_string_value(json_array_get(serials, 0)), hex2);
    reply_release(&r);

    /* A version from the future (a restored database): the whole list, to replace the kiosk's. */
    get_sync(f, "?revoked_since=99", NULL, &r);
    serials = revocations(&r, &version, &full);
    assert_int_equal(version, 2);
    assert_true(full);
    assert_int_equal(json_array_size(serials), 2);
    reply_release(&r);
}

static void test_api__sync_follows_venue_settings(void **state)
{
    struct fixture *f = *state;
    struct lnt_venue v;
    char err[LNT_ERRBUF_SIZE] = "";
    struct reply r;

    enroll(f);
    memset(&v, 0, sizeof v);
    v.cup_cover_threshold = 250;
    assert_int_equal(
        lnt_store_venue_edit(f->store, f->venue_id, &v, LNT_VENUE_SET_CUP_THRESHOLD, err), LNT_OK);
    get_sync(f, "", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_integer_value(
                         json_object_get(json_object_get(r.json, "venue"), "cup_cover_threshold")),
                     250);
    reply_release(&r);
}

/* The town's places reach every kiosk at its next sync, by name; removed ones go. */
static void test_api__sync_carries_the_towns_places(void **state)
{
    struct fixture *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t park = 0, street = 0;
    struct reply r;
    json_t *places;

    enroll(f);
    get_sync(f, "", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "places")), 0);
    reply_release(&r);

    assert_int_equal(lnt_store_place_add(f->store, "Market Street", lnt_time_now(), &street, err),
                     LNT_OK);
    assert_int_equal(lnt_store_place_add(f->store, "Castle Park", lnt_time_now(), &park, err),
                     LNT_OK);
    get_sync(f, "", NULL, &r);
    assert_int_equal(r.status, 200);
    places = json_object_get(r.json, "places");
    assert_int_equal(json_array_size(places), 2);
    assert_string_equal(json_string_value(json_array_get(places, 0)), "Castle Park");
    assert_string_equal(json_string_value(json_array_get(places, 1)), "Market Street");
    reply_release(&r);

    assert_int_equal(lnt_store_place_remove(f->store, park, err), LNT_OK);
    get_sync(f, "", NULL, &r);
    places = json_object_get(r.json, "places");
    assert_int_equal(json_array_size(places), 1);
    assert_string_equal(json_string_value(json_array_get(places, 0)), "Market Street");
    reply_release(&r);
}

static void test_api__sync_records_backlog(void **state)
{
    struct fixture *f = *state;
    struct lnt_kiosk k;
    char err[LNT_ERRBUF_SIZE] = "";
    struct reply r;

    enroll(f);
    get_sync(f, "", "7", &r);
    assert_int_equal(r.status, 200);
    reply_release(&r);
    assert_int_equal(lnt_store_kiosk_get(f->store, f->kiosk_id, &k, err), LNT_OK);
    assert_int_equal(k.backlog, 7);
    assert_true(k.backlog_at > 0);

    get_sync(f, "", "lots", &r);
    assert_problem(&r, 400, "X-Lantern-Backlog");
    reply_release(&r);
}

static int64_t backlog_of(struct fixture *f)
{
    struct lnt_kiosk k;
    char err[LNT_ERRBUF_SIZE] = "";

    assert_int_equal(lnt_store_kiosk_get(f->store, f->kiosk_id, &k, err), LNT_OK);
    return k.backlog;
}

/* A version 1 signature covers neither the query nor the backlog header: a request whose query
 * or backlog was changed in transit still verifies, so the server must not act on either. */
static void test_api__sync_v1_unsigned_query_and_backlog_not_acted_on(void **state)
{
    struct fixture *f = *state;
    uint8_t s1[LNT_SERIAL_LEN], s2[LNT_SERIAL_LEN];
    struct reply r;
    json_t *serials;
    int64_t version;
    bool full;

    enroll(f);
    add_badge(f, s1);
    add_badge(f, s2);
    revoke_badge(f, s1, 1);
    revoke_badge(f, s2, 2);

    get_sync_as(f, 1, lnt_time_now(), "?revoked_since=2", "7", &r);
    assert_int_equal(r.status, 200);
    serials = revocations(&r, &version, &full);
    /* The full list, as if no version had been given. */
    assert_int_equal(version, 2);
    assert_true(full);
    assert_int_equal(json_array_size(serials), 2);
    reply_release(&r);
    assert_int_equal(backlog_of(f), -1); /* never reported, as far as the server can tell */

    /* Garbage there is not even looked at. */
    get_sync_as(f, 1, lnt_time_now(), "?revoked_since=abc", "lots", &r);
    assert_int_equal(r.status, 200);
    reply_release(&r);
}

/* Version 2 signs the query and the backlog: a request altered in either is refused. */
static void test_api__sync_v2_altered_query_or_backlog_401(void **state)
{
    struct fixture *f = *state;
    int64_t now = lnt_time_now();
    char sig[LNT_REQSIG_B64_LEN], line[256];
    struct lnt_reqsig_parts parts = {"GET", "/api/v1/kiosk/sync", "revoked_since=2", "3", "", 0};
    static const char *const tamper[][2] = {
        {"/api/v1/kiosk/sync?revoked_since=0", "3"},
        {"/api/v1/kiosk/sync", "3"},
        {"/api/v1/kiosk/sync?revoked_since=2", "900"},
        {"/api/v1/kiosk/sync?revoked_since=2", NULL},
    };
    struct reply r;

    enroll(f);
    assert_int_equal(lnt_reqsig_sign2(f->sk, f->kiosk_id, now, &parts, sig), LNT_OK);
    for (size_t k = 0; k < sizeof tamper / sizeof tamper[0]; k++) {
        struct curl_slist *h = NULL;
        snprintf(line, sizeof line, "%s: %lld", LNT_HDR_KIOSK, (long long)f->kiosk_id);
        h = curl_slist_append(h, line);
        snprintf(line, sizeof line, "%s: %lld", LNT_HDR_TIME, (long long)now);
        h = curl_slist_append(h, line);
        snprintf(line, sizeof line, "%s: %s", LNT_HDR_SIGNATURE, sig);
        h = curl_slist_append(h, line);
        h = curl_slist_append(h, LNT_HDR_SIG_VERSION ": 2");
        if (tamper[k][1] != NULL) {
            snprintf(line, sizeof line, "%s: %s", LNT_HDR_BACKLOG, tamper[k][1]);
            h = curl_slist_append(h, line);
        }
        request(f, "GET", tamper[k][0], NULL, 0, h, &r);
        assert_int_equal(r.status, 401);
        reply_release(&r);
        curl_slist_free_all(h);
    }
    assert_int_equal(backlog_of(f), -1);

    /* An unknown signature version is refused rather than guessed at. */
    {
        struct curl_slist *h =
            sign_request(f->sk, f->kiosk_id, now, "GET", "/api/v1/kiosk/sync", "", 0);
        h = curl_slist_append(h, LNT_HDR_SIG_VERSION ": 3");
        request(f, "GET", "/api/v1/kiosk/sync", NULL, 0, h, &r);
        assert_problem(&r, 401, LNT_HDR_SIG_VERSION);
        reply_release(&r);
        curl_slist_free_all(h);
    }
}

/* A captured request replayed within the clock window cannot turn the backlog back. */
static void test_api__sync_replay_cannot_turn_backlog_back(void **state)
{
    struct fixture *f = *state;
    int64_t now = lnt_time_now();
    struct reply r;

    enroll(f);
    get_sync_as(f, 2, now - 10, "", "50", &r); /* the one an attacker captured */
    assert_int_equal(r.status, 200);
    reply_release(&r);
    assert_int_equal(backlog_of(f), 50);
    get_sync_as(f, 2, now, "", "0", &r); /* the kiosk catches up */
    assert_int_equal(r.status, 200);
    reply_release(&r);
    assert_int_equal(backlog_of(f), 0);

    get_sync_as(f, 2, now - 10, "", "50", &r); /* the replay: answered, but changes nothing */
    assert_int_equal(r.status, 200);
    reply_release(&r);
    assert_int_equal(backlog_of(f), 0);
}

static void test_api__sync_errors(void **state)
{
    struct fixture *f = *state;
    struct curl_slist *h;
    struct reply r;

    enroll(f);
    /* Unsigned. */
    request(f, "GET", "/api/v1/kiosk/sync", NULL, 0, NULL, &r);
    assert_problem(&r, 401, LNT_HDR_KIOSK);
    reply_release(&r);

    /* Signed for another route: the signature covers method and path. */
    h = sign_request(f->sk, f->kiosk_id, lnt_time_now(), "POST", "/api/v1/events", "", 0);
    request(f, "GET", "/api/v1/kiosk/sync", NULL, 0, h, &r);
    assert_problem(&r, 401, "signature");
    reply_release(&r);
    curl_slist_free_all(h);

    /* A version that is not a number >= 0. */
    get_sync(f, "?revoked_since=-1", NULL, &r);
    assert_problem(&r, 400, "revoked_since");
    reply_release(&r);
    get_sync(f, "?revoked_since=abc", NULL, &r);
    assert_problem(&r, 400, "revoked_since");
    reply_release(&r);

    request(f, "POST", "/api/v1/kiosk/sync", "", 0, NULL, &r);
    assert_problem(&r, 405, NULL);
    assert_string_equal(r.allow, "GET, HEAD");
    reply_release(&r);
}

static void test_api__sync_revoked_kiosk_401(void **state)
{
    struct fixture *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    struct reply r;

    enroll(f);
    assert_int_equal(lnt_store_kiosk_revoke(f->store, f->kiosk_id, lnt_time_now(), err), LNT_OK);
    get_sync(f, "", NULL, &r);
    assert_problem(&r, 401, "revoked");
    reply_release(&r);
}

/* ---- metrics ---- */

/* The value of the sample line `name` (with labels, exactly as written) in a metrics page; -1 if
 * absent. */
static double metric(const char *page, const char *name)
{
    size_t n = strlen(name);

    for (const char *p = page; p != NULL && *p != '\0';) {
        const char *eol = strchr(p, '\n');
        if (strncmp(p, name, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
        p = eol != NULL ? eol + 1 : NULL;
    }
    return -1;
}

static char *get_metrics(struct fixture *f)
{
    struct reply r;
    char *page;

    request(f, "GET", "/metrics", NULL, 0, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.ctype, "text/plain"));
    assert_non_null(strstr(r.ctype, "version=0.0.4"));
    page = strdup(r.body.data);
    assert_non_null(page);
    reply_release(&r);
    return page;
}

static void test_api__metrics_counters_move(void **state)
{
    struct fixture *f = *state;
    struct lnt_buf b;
    struct reply r;
    char *page;

    page = get_metrics(f);
    assert_true(metric(page, "lantern_events_ingested_total") == 0);
    assert_true(metric(page, "lantern_batch_duration_seconds_count") == 0);
    assert_true(metric(page, "lantern_ingest_commits_total") == 0);
    assert_true(metric(page, "lantern_kiosks_enrolled") == 0);
    assert_true(metric(page, "lantern_database_bytes") > 0);
    assert_non_null(strstr(page, "# TYPE lantern_batch_duration_seconds histogram"));
    free(page);

    enroll(f);
    make_batch(&b, f->kiosk_id, 1, 3, "12");
    post_events(f, &b, &r); /* 3 accepted */
    reply_release(&r);
    post_events(f, &b, &r); /* 3 duplicates */
    reply_release(&r);
    lnt_buf_release(&b);
    make_batch(&b, f->kiosk_id, 3, 2, "99");
    post_events(f, &b, &r); /* seq 3 conflicts, seq 4 accepted */
    assert_int_equal(r.status, 409);
    reply_release(&r);
    lnt_buf_release(&b);
    request(f, "GET", "/api/v1/nothing", NULL, 0, NULL, &r);
    reply_release(&r);

    page = get_metrics(f);
    assert_true(metric(page, "lantern_events_ingested_total") == 4);
    assert_true(metric(page, "lantern_events_duplicate_total") == 3);
    assert_true(metric(page, "lantern_events_conflict_total") == 1);
    assert_true(metric(page, "lantern_events_rejected_total") == 0);
    assert_true(metric(page, "lantern_batch_duration_seconds_count") == 3);
    assert_true(metric(page, "lantern_batch_duration_seconds_bucket{le=\"+Inf\"}") == 3);
    assert_true(metric(page, "lantern_batch_duration_seconds_bucket{le=\"5\"}") == 3);
    /* one after another, so each had a commit of its own */
    assert_true(metric(page, "lantern_ingest_commits_total") == 3);
    assert_true(metric(page, "lantern_ingest_group_retries_total") == 0);
    assert_true(metric(page, "lantern_http_requests_total{code=\"201\"}") == 1);
    assert_true(metric(page, "lantern_http_requests_total{code=\"200\"}") >= 3);
    assert_true(metric(page, "lantern_http_requests_total{code=\"409\"}") == 1);
    assert_true(metric(page, "lantern_http_requests_total{code=\"404\"}") == 1);
    assert_true(metric(page, "lantern_kiosks_enrolled") == 1);
    free(page);
}

/* ---- the lanternd program ---- */

/* A database at dir/name, initialised (scheme made) when `init` is true. Caller frees the path. */
static char *make_db(const char *dir, const char *name, bool init)
{
    struct lnt_store *s = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    char *path = lnt_test_path(dir, name);

    assert_int_equal(lnt_store_open(&s, path, err), LNT_OK);
    if (init)
        assert_int_equal(lnt_store_scheme_init(s, "WTN", err), LNT_OK);
    lnt_store_free(s);
    return path;
}

static void test_api__lanternd_serves_and_stops_on_sigterm(void **state)
{
    struct fixture *f = *state;
    char *db = make_db(f->dir, "d.db", true);
    char *port_file = lnt_test_path(f->dir, "port");
    char *log = lnt_test_path(f->dir, "lanternd.log");
    char bin[1024];
    const char *argv[] = {bin,           "--db",    db,          "--listen", "127.0.0.1:0",
                          "--port-file", port_file, "--threads", "2",        NULL};
    char *text, *logtext;
    int64_t port;
    pid_t pid;
    struct reply r;
    int status;

    lnt_str_copy(bin, sizeof bin, lnt_test_bin("lanternd"));
    pid = lnt_proc_spawn(argv, log);
    assert_true(pid > 0);
    if (!lnt_test_wait_file(port_file, 20000)) {
        lnt_proc_stop(pid, SIGKILL);
        logtext = lnt_test_read_file(log);
        fail_msg("lanternd wrote no port file; its log:\n%s", logtext ? logtext : "");
    }
    text = lnt_test_read_file(port_file);
    assert_non_null(text);
    text[strcspn(text, "\n")] = '\0';
    assert_int_equal(lnt_parse_i64(text, 1, 65535, &port), LNT_OK);
    free(text);

    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%lld", (long long)port);
    request(f, "GET", "/healthz", NULL, 0, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "status")), "ok");
    reply_release(&r);

    assert_int_equal(kill(pid, SIGTERM), 0);
    status = lnt_proc_wait(pid, 10000);
    if (status == -1)
        lnt_proc_stop(pid, SIGKILL);
    assert_int_equal(status, 0);
    logtext = lnt_test_read_file(log);
    assert_non_null(logtext);
    assert_non_null(strstr(logtext, "listening on http://127.0.0.1:"));
    assert_non_null(strstr(logtext, "GET /healthz 200"));
    free(logtext);
    free(log);
    free(port_file);
    free(db);
}

/* Counts stored events in the database at `path`. */
static size_t events_in(const char *path)
{
    struct lnt_store *s = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    assert_int_equal(lnt_store_open(&s, path, err), LNT_OK);
    assert_int_equal(lnt_store_events_each(s, 0, 0, count_event, &n, err), LNT_OK);
    lnt_store_free(s);
    return n;
}

static void test_api__lanternd_purges_old_records_at_start(void **state)
{
    struct fixture *f = *state;
    char *db = make_db(f->dir, "old.db", true);
    char *port_file = lnt_test_path(f->dir, "port");
    char *log = lnt_test_path(f->dir, "lanternd.log");
    char bin[1024], code[LNT_ENROLL_CODE_LEN + 1], err[LNT_ERRBUF_SIZE] = "";
    const char *argv[] = {bin,           "--db",        db,        "--listen",
                          "127.0.0.1:0", "--port-file", port_file, NULL};
    struct lnt_store *s = NULL;
    struct lnt_venue v;
    struct lnt_kiosk k;
    struct lnt_event ev[2];
    struct lnt_ingest_result res[2];
    uint8_t pk[32], sk[64];
    int64_t now = lnt_time_now();
    char *logtext = NULL;
    pid_t pid;

    /* One event from 500 days ago (past the 13-month default for raw events), one from today. */
    assert_int_equal(lnt_store_open(&s, db, err), LNT_OK);
    memset(&v, 0, sizeof v);
    lnt_str_copy(v.name, sizeof v.name, "Old Bell");
    v.category = LNT_VENUE_PUB;
    v.capacity = 100;
    lnt_str_copy(v.area, sizeof v.area, "Centre");
    if (lnt_store_venue_add(s, &v, err) != LNT_OK)
        fail_msg("venue: %s", err);
    crypto_sign_keypair(pk, sk);
    assert_int_equal(lnt_store_enroll_code_add(s, v.id, now + DAY, code, err), LNT_OK);
    assert_int_equal(lnt_store_enroll_redeem(s, code, pk, now, &k, err), LNT_OK);
    memset(ev, 0, sizeof ev);
    for (int i = 0; i < 2; i++) {
        ev[i].seq = i + 1;
        snprintf(ev[i].uuid, sizeof ev[i].uuid, "5f0c0000-0000-4000-8000-%012d", i + 1);
        ev[i].type = LNT_EV_STOCK;
        ev[i].occurred_at = ev[i].recorded_at = i == 0 ? now - 500 * DAY : now - 60;
        lnt_str_copy(ev[i].u.stock.kind, sizeof ev[i].u.stock.kind, "count");
        ev[i].u.stock.quantity = 10;
        lnt_str_copy(ev[i].u.stock.staff_id, sizeof ev[i].u.stock.staff_id, "1");
    }
    /* each received when it was recorded: retention counts from receipt */
    assert_int_equal(lnt_store_events_insert(s, k.id, now - 500 * DAY, ev, 1, res, err), LNT_OK);
    assert_int_equal(lnt_store_events_insert(s, k.id, now, ev + 1, 1, res, err), LNT_OK);
    lnt_store_free(s);
    assert_int_equal(events_in(db), 2);

    lnt_str_copy(bin, sizeof bin, lnt_test_bin("lanternd"));
    pid = lnt_proc_spawn(argv, log);
    assert_true(pid > 0);
    for (int i = 0; i < 200 && (logtext == NULL || strstr(logtext, "retention purge:") == NULL);
         i++) {
        free(logtext);
        usleep(100 * 1000);
        logtext = lnt_test_read_file(log);
    }
    lnt_proc_stop(pid, SIGTERM);
    if (logtext == NULL || strstr(logtext, "retention purge:") == NULL)
        fail_msg("lanternd did not purge at start-up; its log:\n%s", logtext ? logtext : "");
    assert_int_equal(events_in(db), 1);
    free(logtext);
    free(log);
    free(port_file);
    free(db);
}

static void test_api__lanternd_refuses_uninitialised_db(void **state)
{
    struct fixture *f = *state;
    char *db = make_db(f->dir, "empty.db", false);
    char *missing = lnt_test_path(f->dir, "missing.db");
    char bin[1024];
    const char *argv[] = {bin, "--db", db, "--listen", "127.0.0.1:0", NULL};
    struct lnt_proc_result pr;

    lnt_str_copy(bin, sizeof bin, lnt_test_bin("lanternd"));
    assert_int_equal(lnt_proc_run(argv, NULL, 20000, &pr), 0);
    assert_int_not_equal(pr.status, 0);
    assert_false(pr.timed_out);
    assert_non_null(strstr(pr.err, "run `lanternctl init --scheme NAME` first"));
    lnt_proc_result_release(&pr);

    argv[2] = missing;
    assert_int_equal(lnt_proc_run(argv, NULL, 20000, &pr), 0);
    assert_int_not_equal(pr.status, 0);
    assert_non_null(strstr(pr.err, "lanternctl init"));
    assert_int_equal(access(missing, F_OK), -1); /* and it made no stray database */
    lnt_proc_result_release(&pr);
    free(missing);
    free(db);
}

static void test_api__lanternd_refuses_plain_http_off_loopback(void **state)
{
    struct fixture *f = *state;
    char *db = make_db(f->dir, "d.db", true);
    char bin[1024];
    const char *argv[] = {bin, "--db", db, "--listen", "0.0.0.0:0", NULL};
    struct lnt_proc_result pr;

    lnt_str_copy(bin, sizeof bin, lnt_test_bin("lanternd"));
    assert_int_equal(lnt_proc_run(argv, NULL, 20000, &pr), 0);
    assert_int_not_equal(pr.status, 0);
    assert_false(pr.timed_out);
    assert_non_null(strstr(pr.err, "--insecure-http"));
    lnt_proc_result_release(&pr);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_api__healthz_ok_and_connection_reused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api__unknown_path_404, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__wrong_method_405_with_allow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__enroll_ok_returns_trust, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__enroll_used_code_404, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__enroll_expired_code_410, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__enroll_malformed_400, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__enroll_unknown_field_400, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__enroll_body_over_4k_413, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__events_signed_batch_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__events_conflict_409, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__events_far_future_rejected_rest_stored, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api__events_missing_signature_headers_401, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api__events_bad_signature_401, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__events_stale_time_401, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__events_unknown_revoked_and_forged_look_alike,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__events_kiosk_id_mismatch_400, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__events_malformed_400_names_field, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api__events_101_events_413, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__events_2mib_body_413, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__events_chunked_body_over_limit_413, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api__sync_returns_trust_revocations_and_venue, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api__enrolment_and_sync_carry_the_door_rules, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api__sync_carries_a_rotated_sealing_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api__sync_revocations_since_a_version, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api__sync_follows_venue_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__sync_carries_the_towns_places, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__sync_records_backlog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__sync_v1_unsigned_query_and_backlog_not_acted_on,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__sync_v2_altered_query_or_backlog_401, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api__sync_replay_cannot_turn_backlog_back, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api__sync_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__sync_revoked_kiosk_401, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__metrics_counters_move, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api__lanternd_serves_and_stops_on_sigterm, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api__lanternd_purges_old_records_at_start, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api__lanternd_refuses_uninitialised_db, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api__lanternd_refuses_plain_http_off_loopback, setup,
                                        teardown),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
