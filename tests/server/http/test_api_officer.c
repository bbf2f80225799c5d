/* test_api_officer.c - the officers' API over real loopback HTTP: bearer tokens, scope by role,
 * authority and venue, every route and every error status, audited refusals and reads. */
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
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>

#include "api.h"
#include "score_api.h"
#include "buf.h"
#include "codec.h"
#include "http.h"
#include "log.h"
#include "ltime.h"
#include "night.h"
#include "sq_int.h" /* the store's connections, to see which statements a request runs */
#include "store_ops.h"
#include "store.h"
#include "support.h"

#define DAY 86400
#define INCIDENT_A "7d3c5a10-0000-4000-8000-00000000000a"
#define INCIDENT_C "7d3c5a10-0000-4000-8000-00000000000c"
#define SERIAL "a1b2c3d4e5f60718"

enum tok { T_ADMIN, T_WEST, T_POLICE, T_VENUE_A, T_ASSESSOR, T_EXPIRED, T_REVOKED, T__COUNT };

struct fixture {
    char *dir;
    struct lnt_store *store;
    struct lnt_api api;
    struct lnt_http *http;
    char base[64];
    CURL *curl;
    int64_t a, b, c; /* venues: A pub and B hub in Westshire, C bar in Eastshire */
    int64_t kiosk_a, kiosk_b, kiosk_c;
    char token[T__COUNT][LNT_TOKEN_LEN + 1];
};

struct reply {
    long status;
    char ctype[128];
    char www_auth[256];
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
        fail_msg("venue add: %s", err);
    return v.id;
}

static int64_t add_kiosk(struct lnt_store *s, int64_t venue)
{
    char code[LNT_ENROLL_CODE_LEN + 1];
    char err[LNT_ERRBUF_SIZE] = "";
    uint8_t pk[32], sk[64];
    struct lnt_kiosk k;

    crypto_sign_keypair(pk, sk);
    assert_int_equal(lnt_store_enroll_code_add(s, venue, lnt_time_now() + DAY, code, err), LNT_OK);
    assert_int_equal(lnt_store_enroll_redeem(s, code, pk, lnt_time_now(), &k, err), LNT_OK);
    return k.id;
}

static void base_event(struct lnt_event *e, int64_t seq, enum lnt_event_type type, int64_t at)
{
    memset(e, 0, sizeof *e);
    e->seq = seq;
    snprintf(e->uuid, sizeof e->uuid, "5f0c0000-0000-4000-8000-%012lld", (long long)seq);
    e->type = type;
    e->occurred_at = at;
    e->recorded_at = at + 5;
}

static void badge_event(struct lnt_event *e, int64_t seq, enum lnt_event_type type, int64_t at)
{
    base_event(e, seq, type, at);
    lnt_str_copy(e->u.badge.staff_id, sizeof e->u.badge.staff_id, "12");
    lnt_str_copy(e->u.badge.serial, sizeof e->u.badge.serial, SERIAL);
    e->u.badge.role = LNT_ROLE_DOOR;
    lnt_str_copy(e->u.badge.sia_number, sizeof e->u.badge.sia_number, "1234567812345678");
    e->u.badge.sia_expires = lnt_date_of(at) + 300;
    e->u.badge.sia_status = LNT_SIA_VALID;
    e->u.badge.verdict = LNT_VERDICT_GREEN;
}

/* An incident whose details are sealed to the scheme's box key. */
static void incident_event(struct lnt_store *s, struct lnt_event *e, int64_t seq, int64_t at,
                           const char *report_id, const char *details)
{
    struct lnt_scheme scheme;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t len = strlen(details);
    uint8_t *sealed = malloc(len + crypto_box_SEALBYTES);

    assert_non_null(sealed);
    base_event(e, seq, LNT_EV_INCIDENT, at);
    lnt_str_copy(e->u.incident.report_id, sizeof e->u.incident.report_id, report_id);
    lnt_str_copy(e->u.incident.kind, sizeof e->u.incident.kind, "angela");
    e->u.incident.severity = 3;
    lnt_str_copy(e->u.incident.place, sizeof e->u.incident.place, "bar");
    lnt_str_copy(e->u.incident.outcome, sizeof e->u.incident.outcome, "taxi home");
    e->u.incident.complete = true;
    lnt_str_copy(e->u.incident.staff_id, sizeof e->u.incident.staff_id, "12");
    assert_int_equal(lnt_store_scheme_get(s, &scheme, err), LNT_OK);
    assert_int_equal(crypto_box_seal(sealed, (const uint8_t *)details, len, scheme.box_pk), 0);
    sodium_memzero(&scheme, sizeof scheme);
    lnt_b64_encode(sealed, len + crypto_box_SEALBYTES, e->u.incident.sealed);
    free(sealed);
}

static void insert(struct lnt_store *s, int64_t kiosk, const struct lnt_event *ev, size_t n)
{
    struct lnt_ingest_result res[8];
    struct lnt_event own[8];
    char err[LNT_ERRBUF_SIZE] = "";

    assert_true(n <= 8);
    /* each kiosk's events have ids of their own, as real kiosks' do */
    for (size_t i = 0; i < n; i++) {
        own[i] = ev[i];
        snprintf(own[i].uuid, sizeof own[i].uuid, "5f0c%04lld-0000-4000-8000-%012lld",
                 (long long)kiosk, (long long)ev[i].seq);
    }
    if (lnt_store_events_insert(s, kiosk, lnt_time_now(), own, n, res, err) != LNT_OK)
        fail_msg("insert: %s", err);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(res[i].status, LNT_INGEST_ACCEPTED);
}

static void add_token(struct fixture *f, enum tok which, enum lnt_officer_role role,
                      const char *authority, int64_t venue, int64_t expires_at)
{
    struct lnt_token t;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&t, 0, sizeof t);
    snprintf(t.label, sizeof t.label, "test %d", (int)which);
    t.scope.role = role;
    lnt_str_copy(t.scope.authority, sizeof t.scope.authority, authority);
    t.scope.venue_id = venue;
    t.expires_at = expires_at;
    if (lnt_store_token_add(f->store, &t, lnt_time_now(), f->token[which], err) != LNT_OK)
        fail_msg("token add: %s", err);
    if (which == T_REVOKED)
        assert_int_equal(lnt_store_token_revoke(f->store, t.id, lnt_time_now(), err), LNT_OK);
}

static void populate(struct fixture *f)
{
    struct lnt_event ev[4];
    int64_t t = lnt_time_now() - 2 * DAY;

    f->a = add_venue(f->store, "The Crown", LNT_VENUE_PUB, "Westshire");
    f->b = add_venue(f->store, "Safe Haven", LNT_VENUE_HUB, "Westshire");
    f->c = add_venue(f->store, "Club East", LNT_VENUE_BAR, "Eastshire");
    f->kiosk_a = add_kiosk(f->store, f->a);
    f->kiosk_b = add_kiosk(f->store, f->b);
    f->kiosk_c = add_kiosk(f->store, f->c);

    /* A: a door shift, an incident with sealed details, a stock count below the threshold. */
    badge_event(&ev[0], 1, LNT_EV_SIGN_IN, t);
    incident_event(f->store, &ev[1], 2, t + 3600, INCIDENT_A,
                   "{\"description\":\"asked for Angela at the bar\"}");
    base_event(&ev[2], 3, LNT_EV_STOCK, t + 4000);
    lnt_str_copy(ev[2].u.stock.kind, sizeof ev[2].u.stock.kind, "count");
    ev[2].u.stock.quantity = 80;
    lnt_str_copy(ev[2].u.stock.staff_id, sizeof ev[2].u.stock.staff_id, "12");
    badge_event(&ev[3], 4, LNT_EV_SIGN_OUT, t + 7200);
    insert(f->store, f->kiosk_a, ev, 4);

    /* B: a volunteer shift. */
    base_event(&ev[0], 1, LNT_EV_SHIFT_START, t);
    lnt_str_copy(ev[0].u.shift.staff_id, sizeof ev[0].u.shift.staff_id, "40");
    lnt_str_copy(ev[0].u.shift.call_sign, sizeof ev[0].u.shift.call_sign, "Pastor 1");
    lnt_str_copy(ev[0].u.shift.team, sizeof ev[0].u.shift.team, "Street Pastors");
    lnt_str_copy(ev[0].u.shift.base, sizeof ev[0].u.shift.base, "patrol");
    lnt_str_copy(ev[0].u.shift.leader, sizeof ev[0].u.shift.leader, "self");
    ev[0].u.shift.team_size = 3;
    ev[1] = ev[0];
    base_event(&ev[1], 2, LNT_EV_SHIFT_END, t + 4 * 3600);
    ev[1].u.shift = ev[0].u.shift;
    ev[1].u.shift.tallies[0] = 25;
    insert(f->store, f->kiosk_b, ev, 2);

    /* C: the same badge signs in while still on shift at A (a copied badge), and an incident. */
    badge_event(&ev[0], 1, LNT_EV_SIGN_IN, t + 1800);
    incident_event(f->store, &ev[1], 2, t + 3700, INCIDENT_C, "{\"description\":\"east\"}");
    insert(f->store, f->kiosk_c, ev, 2);

    add_token(f, T_ADMIN, LNT_OFFICER_ADMIN, "", 0, 0);
    add_token(f, T_WEST, LNT_OFFICER_OFFICER, "Westshire", 0, 0);
    add_token(f, T_POLICE, LNT_OFFICER_POLICE, "Westshire", 0, lnt_time_now() + DAY);
    add_token(f, T_VENUE_A, LNT_OFFICER_VENUE, "", f->a, 0);
    add_token(f, T_ASSESSOR, LNT_OFFICER_ASSESSOR, "Westshire", 0, 0);
    add_token(f, T_EXPIRED, LNT_OFFICER_OFFICER, "Westshire", 0, lnt_time_now() + 2);
    add_token(f, T_REVOKED, LNT_OFFICER_OFFICER, "Westshire", 0, 0);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct lnt_http_config cfg;
    char err[LNT_ERRBUF_SIZE] = "";
    char *db;

    assert_non_null(f);
    lnt_log_init("test_api_officer", LNT_LOG_ERROR);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    f->dir = lnt_test_tmpdir();
    assert_non_null(f->dir);
    db = lnt_test_path(f->dir, "lantern.db");
    assert_int_equal(lnt_store_open(&f->store, db, err), LNT_OK);
    free(db);
    assert_int_equal(lnt_store_scheme_init(f->store, "WTN", err), LNT_OK);
    populate(f);

    lnt_api_init(&f->api, f->store);
    f->api.venue_score = lnt_api_score_venue_summary; /* as lanternd installs it */
    memset(&cfg, 0, sizeof cfg);
    cfg.host = "127.0.0.1";
    cfg.threads = 2;
    lnt_api_http_config(&f->api, &cfg);
    assert_int_equal(lnt_http_start(&f->http, &cfg, err), LNT_OK);
    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%u", (unsigned)lnt_http_port(f->http));
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

/* GET `path` (POST `body` when not NULL) with `auth` as the whole Authorization value (NULL: none).
 */
static void request_auth(struct fixture *f, const char *path, const char *auth, const char *body,
                         struct reply *r)
{
    struct curl_slist *h = NULL;
    struct curl_header *wa = NULL;
    char url[512], line[256];
    char *ct = NULL;
    CURLcode cc;

    memset(r, 0, sizeof *r);
    lnt_buf_init(&r->body, 4u << 20);
    snprintf(url, sizeof url, "%s%s", f->base, path);
    if (auth != NULL) {
        snprintf(line, sizeof line, "Authorization: %s", auth);
        h = curl_slist_append(h, line);
    }
    curl_easy_reset(f->curl);
    curl_easy_setopt(f->curl, CURLOPT_URL, url);
    curl_easy_setopt(f->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(f->curl, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(f->curl, CURLOPT_TIMEOUT, 20L);
    if (body != NULL) {
        h = curl_slist_append(h, "Content-Type: application/json");
        curl_easy_setopt(f->curl, CURLOPT_POSTFIELDS, body);
    }
    curl_easy_setopt(f->curl, CURLOPT_HTTPHEADER, h);
    cc = curl_easy_perform(f->curl);
    if (cc != CURLE_OK)
        fail_msg("%s %s: %s", body ? "POST" : "GET", path, curl_easy_strerror(cc));
    curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(f->curl, CURLINFO_CONTENT_TYPE, &ct);
    lnt_str_copy(r->ctype, sizeof r->ctype, ct != NULL ? ct : "");
    if (curl_easy_header(f->curl, "WWW-Authenticate", 0, CURLH_HEADER, -1, &wa) == CURLHE_OK)
        lnt_str_copy(r->www_auth, sizeof r->www_auth, wa->value);
    r->json = json_loadb(r->body.data != NULL ? r->body.data : "", r->body.len, 0, NULL);
    curl_slist_free_all(h);
}

static void get_auth(struct fixture *f, const char *path, const char *auth, struct reply *r)
{
    request_auth(f, path, auth, NULL, r);
}

/* POST `body` to `path` with token `which`. */
static void post(struct fixture *f, enum tok which, struct reply *r, const char *path,
                 const char *body)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Bearer %s", f->token[which]);
    request_auth(f, path, auth, body, r);
}

/* GET `path` (printf-style) with token `which`. */
__attribute__((format(printf, 4, 5))) static void get(struct fixture *f, enum tok which,
                                                      struct reply *r, const char *fmt, ...)
{
    char path[256], auth[128];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    snprintf(auth, sizeof auth, "Bearer %s", f->token[which]);
    get_auth(f, path, auth, r);
}

static void assert_problem(const struct reply *r, long status, const char *needle)
{
    const char *detail;

    if (r->status != status)
        fail_msg("expected %ld, got %ld: %s", status, r->status, r->body.data ? r->body.data : "");
    assert_string_equal(r->ctype, "application/problem+json");
    detail = json_string_value(json_object_get(r->json, "detail"));
    assert_non_null(detail);
    if (needle != NULL && strstr(detail, needle) == NULL)
        fail_msg("detail \"%s\" does not mention \"%s\"", detail, needle);
}

static void assert_ok(const struct reply *r)
{
    if (r->status != 200)
        fail_msg("expected 200, got %ld: %s", r->status, r->body.data ? r->body.data : "");
    assert_string_equal(r->ctype, "application/json");
    assert_non_null(r->json);
}

/* The array `key` of the reply. */
static json_t *items(const struct reply *r, const char *key)
{
    json_t *a = json_object_get(r->json, key);
    assert_true(json_is_array(a));
    return a;
}

/* Audit rows with `action` and `object` so far. */
static size_t audited(struct fixture *f, const char *action, const char *object)
{
    struct lnt_audit_entry *rows = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0, hits = 0;

    assert_int_equal(lnt_store_audit_list(f->store, 0, 0, 0, LNT_VIEW_MAX, &rows, &n, err), LNT_OK);
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].action, action) == 0 && strcmp(rows[i].object, object) == 0)
            hits++;
    free(rows);
    return hits;
}

/* ---- tokens ---- */

static void test_api_officer__missing_or_bad_token_401(void **state)
{
    struct fixture *f = *state;
    struct reply r;

    get_auth(f, "/api/v1/venues", NULL, &r);
    assert_problem(&r, 401, "Authorization");
    assert_true(lnt_str_starts(r.www_auth, "Bearer realm=\"lantern\""));
    reply_release(&r);

    get_auth(f, "/api/v1/venues", "Basic dXNlcjpwYXNz", &r);
    assert_problem(&r, 401, "Bearer");
    reply_release(&r);

    get_auth(f, "/api/v1/venues", "Bearer lnt_notatokenatallnotatokenatallnotatokena", &r);
    assert_problem(&r, 401, "unknown");
    assert_non_null(strstr(r.www_auth, "invalid_token"));
    reply_release(&r);

    get_auth(f, "/api/v1/venues", "Bearer ", &r);
    assert_problem(&r, 401, NULL);
    reply_release(&r);

    get(f, T_REVOKED, &r, "/api/v1/venues");
    assert_problem(&r, 401, "revoked");
    reply_release(&r);

    sleep(3); /* T_EXPIRED lived 2 s */
    get(f, T_EXPIRED, &r, "/api/v1/venues");
    assert_problem(&r, 401, "expired");
    reply_release(&r);

    /* Every officer route asks for a token. */
    {
        static const char *const paths[] = {
            "/api/v1/venues/1",
            "/api/v1/venues/1/register",
            "/api/v1/venues/1/incidents",
            "/api/v1/incidents/" INCIDENT_A "/details",
            "/api/v1/venues/1/stock",
            "/api/v1/volunteers/shifts",
            "/api/v1/welfare",
            "/api/v1/kiosks",
            "/api/v1/flags",
        };
        for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
            get_auth(f, paths[i], NULL, &r);
            assert_problem(&r, 401, NULL);
            reply_release(&r);
        }
    }
}

/* ---- venues ---- */

static void test_api_officer__venues_by_scope(void **state)
{
    struct fixture *f = *state;
    struct reply r;
    json_t *v, *a;

    get(f, T_ADMIN, &r, "/api/v1/venues");
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "venues")), 3);
    reply_release(&r);

    get(f, T_WEST, &r, "/api/v1/venues");
    assert_ok(&r);
    a = items(&r, "venues");
    assert_int_equal(json_array_size(a), 2);
    v = json_array_get(a, 0);
    assert_int_equal(json_integer_value(json_object_get(v, "id")), f->a);
    assert_string_equal(json_string_value(json_object_get(v, "name")), "The Crown");
    assert_string_equal(json_string_value(json_object_get(v, "category")), "pub");
    assert_string_equal(json_string_value(json_object_get(v, "authority")), "Westshire");
    assert_int_equal(json_integer_value(json_object_get(v, "incidents")), 1);
    assert_int_equal(json_integer_value(json_object_get(v, "kiosks")), 1);
    assert_non_null(json_string_value(json_object_get(v, "last_contact")));
    /* Each venue carries its latest score: band, award, trend. */
    assert_true(json_is_object(json_object_get(v, "score")));
    assert_non_null(json_string_value(json_object_get(json_object_get(v, "score"), "band")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "stock"), "level")), 80);
    assert_true(json_is_true(json_object_get(json_object_get(v, "stock"), "below_threshold")));
    assert_true(json_is_null(json_object_get(r.json, "next_offset")));
    reply_release(&r);

    get(f, T_VENUE_A, &r, "/api/v1/venues");
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "venues")), 1);
    reply_release(&r);
}

static void test_api_officer__venues_paging_and_bad_queries(void **state)
{
    struct fixture *f = *state;
    struct reply r;

    get(f, T_ADMIN, &r, "/api/v1/venues?limit=2");
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "venues")), 2);
    assert_int_equal(json_integer_value(json_object_get(r.json, "next_offset")), 2);
    reply_release(&r);
    get(f, T_ADMIN, &r, "/api/v1/venues?limit=2&offset=2");
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "venues")), 1);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(items(&r, "venues"), 0), "id")), f->c);
    assert_true(json_is_null(json_object_get(r.json, "next_offset")));
    reply_release(&r);

    get(f, T_ADMIN, &r, "/api/v1/venues?limit=0");
    assert_problem(&r, 400, "limit");
    reply_release(&r);
    get(f, T_ADMIN, &r, "/api/v1/venues?limit=1001");
    assert_problem(&r, 400, "limit");
    reply_release(&r);
    get(f, T_ADMIN, &r, "/api/v1/venues?offset=-1");
    assert_problem(&r, 400, "offset");
    reply_release(&r);
    get(f, T_ADMIN, &r, "/api/v1/venues?nights=0");
    assert_problem(&r, 400, "nights");
    reply_release(&r);
    get(f, T_ADMIN, &r, "/api/v1/venues?include_closed=maybe");
    assert_problem(&r, 400, "include_closed");
    reply_release(&r);
}

static void test_api_officer__venue_detail_scope_and_errors(void **state)
{
    struct fixture *f = *state;
    char object[32];
    struct reply r;

    get(f, T_WEST, &r, "/api/v1/venues/%lld", (long long)f->a);
    assert_ok(&r);
    assert_int_equal(json_integer_value(json_object_get(r.json, "id")), f->a);
    assert_true(json_is_object(json_object_get(r.json, "totals")));
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(r.json, "totals"), "door_shifts")), 1);
    assert_true(json_is_object(json_object_get(r.json, "score")));
    reply_release(&r);

    /* Another authority's venue: refused and audited. */
    snprintf(object, sizeof object, "venue %lld", (long long)f->c);
    assert_int_equal(audited(f, "access.refused", object), 0);
    get(f, T_WEST, &r, "/api/v1/venues/%lld", (long long)f->c);
    assert_problem(&r, 403, "scope");
    reply_release(&r);
    assert_int_equal(audited(f, "access.refused", object), 1);

    /* A venue token sees only its venue. */
    get(f, T_VENUE_A, &r, "/api/v1/venues/%lld", (long long)f->b);
    assert_problem(&r, 403, NULL);
    reply_release(&r);

    get(f, T_ADMIN, &r, "/api/v1/venues/999");
    assert_problem(&r, 404, "999");
    reply_release(&r);
    get(f, T_ADMIN, &r, "/api/v1/venues/abc");
    assert_problem(&r, 404, NULL);
    reply_release(&r);
}

/* ---- door register ---- */

static void test_api_officer__register(void **state)
{
    struct fixture *f = *state;
    struct reply r;
    json_t *s;

    get(f, T_VENUE_A, &r, "/api/v1/venues/%lld/register", (long long)f->a);
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "shifts")), 1);
    s = json_array_get(items(&r, "shifts"), 0);
    assert_string_equal(json_string_value(json_object_get(s, "staff_id")), "12");
    assert_string_equal(json_string_value(json_object_get(s, "badge_serial")), SERIAL);
    assert_string_equal(json_string_value(json_object_get(s, "role")), "door");
    assert_non_null(json_string_value(json_object_get(s, "on_at")));
    assert_non_null(json_string_value(json_object_get(s, "off_at")));
    assert_true(json_is_true(json_object_get(s, "sia_ok")));
    assert_true(json_is_null(json_object_get(s, "signed_out_by"))); /* they scanned out */
    reply_release(&r);

    /* A range with nothing in it. */
    get(f, T_VENUE_A, &r, "/api/v1/venues/%lld/register?from=2020-01-01&to=2020-02-01",
        (long long)f->a);
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "shifts")), 0);
    assert_string_equal(json_string_value(json_object_get(r.json, "from")), "2020-01-01T00:00:00Z");
    reply_release(&r);

    get(f, T_VENUE_A, &r, "/api/v1/venues/%lld/register?from=yesterday", (long long)f->a);
    assert_problem(&r, 400, "from");
    reply_release(&r);
    get(f, T_VENUE_A, &r, "/api/v1/venues/%lld/register?from=2020-02-01&to=2020-01-01",
        (long long)f->a);
    assert_problem(&r, 400, "before");
    reply_release(&r);
    get(f, T_VENUE_A, &r, "/api/v1/venues/%lld/register", (long long)f->c);
    assert_problem(&r, 403, NULL);
    reply_release(&r);
    get(f, T_ADMIN, &r, "/api/v1/venues/12345/register");
    assert_problem(&r, 404, NULL);
    reply_release(&r);
}

/*
 * The scheme lists venue A's door supervisor's licence as suspended from the night of their
 * shift, after the shift was stored. The score's line for that night names who and which
 * badge for an officer who may read the register; an assessor, who may not, sees the night
 * only, and is refused the register itself.
 */
static void test_api_officer__unlicensed_door_shift_names_people_for_register_readers(void **state)
{
    struct fixture *f = *state;
    struct reply r;
    json_t *parts, *p, *people = NULL, *s;
    char night[LNT_DATE_STRLEN] = "", err[LNT_ERRBUF_SIZE] = "";
    int64_t t = lnt_time_now() - 2 * DAY; /* populate's shift at A */
    json_int_t before;
    size_t i;

    get(f, T_WEST, &r, "/api/v1/venues/%lld/score", (long long)f->a);
    assert_ok(&r);
    before = json_integer_value(json_object_get(json_object_get(r.json, "risk"), "total_milli"));
    reply_release(&r);
    assert_int_equal(lnt_store_sia_set(f->store, "1234567812345678", LNT_SIA_LISTED_SUSPENDED,
                                       lnt_london_date(t), err),
                     LNT_OK);
    assert_int_equal(lnt_date_format(lnt_night_of(t), night), LNT_OK);

    get(f, T_WEST, &r, "/api/v1/venues/%lld/score", (long long)f->a);
    assert_ok(&r);
    /* the shift was stored as licensed; the suspension listed since costs the venue */
    assert_true(json_integer_value(
                    json_object_get(json_object_get(r.json, "risk"), "total_milli")) > before);
    parts = json_object_get(json_object_get(r.json, "risk"), "parts");
    json_array_foreach(parts, i, p)
    {
        if (strcmp(json_string_value(json_object_get(p, "kind")), "gap") == 0 &&
            strcmp(json_string_value(json_object_get(p, "ref")), night) == 0)
            people = json_object_get(p, "people");
    }
    assert_true(json_is_array(people));
    assert_int_equal(json_array_size(people), 1);
    p = json_array_get(people, 0);
    assert_string_equal(json_string_value(json_object_get(p, "staff_id")), "12");
    assert_string_equal(json_string_value(json_object_get(p, "badge_serial")), SERIAL);
    assert_string_equal(json_string_value(json_object_get(p, "sia_status")), "suspended");
    assert_true(json_is_true(json_object_get(p, "listed")));
    reply_release(&r);

    get(f, T_ASSESSOR, &r, "/api/v1/venues/%lld/score", (long long)f->a);
    assert_ok(&r);
    people = NULL;
    parts = json_object_get(json_object_get(r.json, "risk"), "parts");
    json_array_foreach(parts, i, p)
    {
        if (strcmp(json_string_value(json_object_get(p, "ref")), night) == 0) {
            assert_non_null(strstr(json_string_value(json_object_get(p, "cause")), night));
            people = p;
        }
        assert_null(json_object_get(p, "people"));
    }
    assert_non_null(people); /* the line is there, naming the night */
    assert_null(strstr(r.body.data, SERIAL));
    reply_release(&r);

    /* the register: the scheme's word on the licence for those who may read it */
    get(f, T_WEST, &r, "/api/v1/venues/%lld/register", (long long)f->a);
    assert_ok(&r);
    s = json_array_get(items(&r, "shifts"), 0);
    assert_string_equal(json_string_value(json_object_get(s, "sia_status")), "suspended");
    assert_true(json_is_true(json_object_get(s, "sia_listed")));
    assert_true(json_is_false(json_object_get(s, "sia_ok")));
    reply_release(&r);
    get(f, T_ASSESSOR, &r, "/api/v1/venues/%lld/register", (long long)f->a);
    assert_problem(&r, 403, "may not read the door register");
    reply_release(&r);
    {
        char object[32];
        snprintf(object, sizeof object, "venue %lld", (long long)f->a);
        assert_true(audited(f, "access.refused", object) >= 1);
    }
}

/* ---- incidents ---- */

static void test_api_officer__incidents_without_sealed_details(void **state)
{
    struct fixture *f = *state;
    struct reply r;
    json_t *i;

    get(f, T_WEST, &r, "/api/v1/venues/%lld/incidents", (long long)f->a);
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "incidents")), 1);
    i = json_array_get(items(&r, "incidents"), 0);
    assert_string_equal(json_string_value(json_object_get(i, "report_id")), INCIDENT_A);
    assert_string_equal(json_string_value(json_object_get(i, "kind")), "angela");
    assert_true(json_is_true(json_object_get(i, "has_details")));
    assert_null(json_object_get(i, "details"));
    assert_null(strstr(r.body.data, "sealed"));
    assert_null(strstr(r.body.data, "Angela at the bar"));
    reply_release(&r);

    get(f, T_WEST, &r, "/api/v1/venues/%lld/incidents?kind=spiking", (long long)f->a);
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "incidents")), 0);
    reply_release(&r);

    get(f, T_WEST, &r, "/api/v1/venues/%lld/incidents", (long long)f->c);
    assert_problem(&r, 403, NULL);
    reply_release(&r);
    get(f, T_WEST, &r, "/api/v1/venues/%lld/incidents?to=nope", (long long)f->a);
    assert_problem(&r, 400, "to");
    reply_release(&r);
}

static void test_api_officer__details_opened_for_allowed_roles_and_audited(void **state)
{
    struct fixture *f = *state;
    struct reply r;
    json_t *d;

    assert_int_equal(audited(f, "incident.read", INCIDENT_A), 0);
    get(f, T_WEST, &r, "/api/v1/incidents/" INCIDENT_A "/details");
    assert_ok(&r);
    assert_string_equal(json_string_value(json_object_get(r.json, "report_id")), INCIDENT_A);
    d = json_object_get(r.json, "details");
    assert_true(json_is_object(d));
    assert_string_equal(json_string_value(json_object_get(d, "description")),
                        "asked for Angela at the bar");
    reply_release(&r);
    assert_int_equal(audited(f, "incident.read", INCIDENT_A), 1);

    get(f, T_POLICE, &r, "/api/v1/incidents/" INCIDENT_A "/details");
    assert_ok(&r);
    reply_release(&r);
    get(f, T_ADMIN, &r, "/api/v1/incidents/" INCIDENT_C "/details");
    assert_ok(&r);
    reply_release(&r);
    assert_int_equal(audited(f, "incident.read", INCIDENT_A), 2);
    assert_int_equal(audited(f, "incident.read", INCIDENT_C), 1);
}

static void test_api_officer__details_refused_and_audited(void **state)
{
    struct fixture *f = *state;
    struct reply r;

    /* Roles that may not read details, even in scope. */
    get(f, T_VENUE_A, &r, "/api/v1/incidents/" INCIDENT_A "/details");
    assert_problem(&r, 403, "venue");
    assert_null(strstr(r.body.data, "Angela at the bar"));
    reply_release(&r);
    get(f, T_ASSESSOR, &r, "/api/v1/incidents/" INCIDENT_A "/details");
    assert_problem(&r, 403, "assessor");
    reply_release(&r);
    assert_int_equal(audited(f, "access.refused", INCIDENT_A), 2);

    /* Another authority's incident. */
    get(f, T_WEST, &r, "/api/v1/incidents/" INCIDENT_C "/details");
    assert_problem(&r, 403, "scope");
    reply_release(&r);
    assert_int_equal(audited(f, "access.refused", INCIDENT_C), 1);
    assert_int_equal(audited(f, "incident.read", INCIDENT_A), 0);
    assert_int_equal(audited(f, "incident.read", INCIDENT_C), 0);

    get(f, T_WEST, &r, "/api/v1/incidents/7d3c5a10-0000-4000-8000-000000000999/details");
    assert_problem(&r, 404, NULL);
    reply_release(&r);
    get(f, T_WEST, &r, "/api/v1/incidents/not-a-uuid/details");
    assert_problem(&r, 404, "report id");
    reply_release(&r);
}

/*
 * A key file taken away from a running server: the officer is told the details
 * cannot be opened for want of the key file, not that the incident is
 * unreadable, and nothing of the details is sent.
 */
static void test_api_officer__details_without_the_key_file_say_so(void **state)
{
    struct fixture *f = *state;
    const char *keys = lnt_store_keys_path(f->store);
    char *aside = lnt_test_path(f->dir, "keys-aside");
    struct reply r;

    assert_int_equal(rename(keys, aside), 0);
    get(f, T_ADMIN, &r, "/api/v1/incidents/" INCIDENT_A "/details");
    assert_problem(&r, 500, "key file");
    assert_null(strstr(r.body.data, "Angela at the bar"));
    reply_release(&r);
    assert_int_equal(rename(aside, keys), 0);
    get(f, T_ADMIN, &r, "/api/v1/incidents/" INCIDENT_A "/details");
    assert_ok(&r);
    reply_release(&r);
    free(aside);
}

/* ---- stock, volunteers, kiosks, flags ---- */

static void test_api_officer__stock(void **state)
{
    struct fixture *f = *state;
    struct reply r;
    json_t *e;

    get(f, T_VENUE_A, &r, "/api/v1/venues/%lld/stock", (long long)f->a);
    assert_ok(&r);
    assert_int_equal(json_integer_value(json_object_get(r.json, "level")), 80);
    assert_int_equal(json_integer_value(json_object_get(r.json, "threshold")), 100);
    assert_true(json_is_true(json_object_get(r.json, "below_threshold")));
    assert_int_equal(json_array_size(items(&r, "ledger")), 1);
    e = json_array_get(items(&r, "ledger"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "kind")), "count");
    assert_int_equal(json_integer_value(json_object_get(e, "level_after")), 80);
    reply_release(&r);

    /* No stock events at B: level unknown. */
    get(f, T_WEST, &r, "/api/v1/venues/%lld/stock", (long long)f->b);
    assert_ok(&r);
    assert_true(json_is_null(json_object_get(r.json, "level")));
    reply_release(&r);

    get(f, T_VENUE_A, &r, "/api/v1/venues/%lld/stock", (long long)f->b);
    assert_problem(&r, 403, NULL);
    reply_release(&r);
    get(f, T_VENUE_A, &r, "/api/v1/venues/%lld/stock?limit=x", (long long)f->a);
    assert_problem(&r, 400, "limit");
    reply_release(&r);
}

static void test_api_officer__volunteer_shifts(void **state)
{
    struct fixture *f = *state;
    struct reply r;
    json_t *s;

    get(f, T_WEST, &r, "/api/v1/volunteers/shifts");
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "shifts")), 1);
    s = json_array_get(items(&r, "shifts"), 0);
    assert_int_equal(json_integer_value(json_object_get(s, "venue_id")), f->b);
    assert_string_equal(json_string_value(json_object_get(s, "team")), "Street Pastors");
    assert_string_equal(json_string_value(json_object_get(s, "base")), "patrol");
    assert_string_equal(json_string_value(json_object_get(s, "leader")), "self");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "tallies"), "water")),
                     25);
    assert_non_null(json_string_value(json_object_get(s, "end_at")));
    reply_release(&r);

    /* A's venue token sees no hub's shifts; ?team filters. */
    get(f, T_VENUE_A, &r, "/api/v1/volunteers/shifts");
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "shifts")), 0);
    reply_release(&r);
    get(f, T_ADMIN, &r, "/api/v1/volunteers/shifts?team=Marshals");
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "shifts")), 0);
    reply_release(&r);

    get(f, T_WEST, &r, "/api/v1/volunteers/shifts?venue=%lld", (long long)f->c);
    assert_problem(&r, 403, NULL);
    reply_release(&r);
    get(f, T_WEST, &r, "/api/v1/volunteers/shifts?venue=0");
    assert_problem(&r, 400, "venue");
    reply_release(&r);
    get(f, T_WEST, &r, "/api/v1/volunteers/shifts?venue=777");
    assert_problem(&r, 404, NULL);
    reply_release(&r);
}

/* Shifts counted across the months of a /reports/volunteers reply. */
static json_int_t report_shifts(const struct reply *r)
{
    json_t *months = items(r, "months");
    json_int_t total = 0;

    for (size_t i = 0; i < json_array_size(months); i++)
        total += json_integer_value(json_object_get(json_array_get(months, i), "shifts"));
    return total;
}

static void test_api_officer__volunteer_views_keep_to_the_authority(void **state)
{
    struct fixture *f = *state;
    struct lnt_event ev[1];
    struct reply r;
    json_t *list;
    char object[64];

    /* Eastshire's own street team signs on at Club East. */
    base_event(&ev[0], 9, LNT_EV_SHIFT_START, lnt_time_now() - DAY);
    lnt_str_copy(ev[0].u.shift.staff_id, sizeof ev[0].u.shift.staff_id, "77");
    lnt_str_copy(ev[0].u.shift.call_sign, sizeof ev[0].u.shift.call_sign, "East Angel 4");
    lnt_str_copy(ev[0].u.shift.team, sizeof ev[0].u.shift.team, "Eastshire Angels");
    ev[0].u.shift.team_size = 2;
    insert(f->store, f->kiosk_c, ev, 1);

    /* The scheme sees both towns' shifts, on the list and in the report. */
    get(f, T_ADMIN, &r, "/api/v1/volunteers/shifts");
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "shifts")), 2);
    reply_release(&r);
    get(f, T_ADMIN, &r, "/api/v1/reports/volunteers");
    assert_ok(&r);
    assert_int_equal(report_shifts(&r), 2);
    reply_release(&r);

    /* A Westshire officer sees Westshire's only, on both, and never the Eastshire call sign. */
    get(f, T_WEST, &r, "/api/v1/volunteers/shifts");
    assert_ok(&r);
    list = items(&r, "shifts");
    assert_int_equal(json_array_size(list), 1);
    assert_null(strstr(r.body.data, "East Angel"));
    reply_release(&r);
    get(f, T_WEST, &r, "/api/v1/reports/volunteers");
    assert_ok(&r);
    assert_int_equal(report_shifts(&r), 1);
    reply_release(&r);
    /* and the report's read is audited like the list's */
    assert_int_equal(audited(f, "volunteers.read", "authority Westshire"), 2);

    /* Asking for the other authority's venue is refused and recorded on both routes. */
    snprintf(object, sizeof object, "venue %lld", (long long)f->c);
    get(f, T_WEST, &r, "/api/v1/reports/volunteers?venue=%lld", (long long)f->c);
    assert_problem(&r, 403, NULL);
    reply_release(&r);
    get(f, T_WEST, &r, "/api/v1/volunteers/shifts?venue=%lld", (long long)f->c);
    assert_problem(&r, 403, NULL);
    reply_release(&r);

    /* A venue's token: its own venue's shifts only (none at The Crown). */
    get(f, T_VENUE_A, &r, "/api/v1/reports/volunteers");
    assert_ok(&r);
    assert_int_equal(report_shifts(&r), 0);
    reply_release(&r);
    get(f, T_VENUE_A, &r, "/api/v1/reports/volunteers?venue=%lld", (long long)f->c);
    assert_problem(&r, 403, NULL);
    reply_release(&r);
    assert_int_equal(audited(f, "access.refused", object), 3);
}

static void welfare_event(struct lnt_event *e, int64_t seq, int64_t at, const char *place,
                          const char *what, const char *outcome)
{
    base_event(e, seq, LNT_EV_WELFARE, at);
    lnt_str_copy(e->u.welfare.staff_id, sizeof e->u.welfare.staff_id, "40");
    lnt_str_copy(e->u.welfare.place, sizeof e->u.welfare.place, place);
    lnt_str_copy(e->u.welfare.what, sizeof e->u.welfare.what, what);
    lnt_str_copy(e->u.welfare.outcome, sizeof e->u.welfare.outcome, outcome);
}

static void test_api_officer__welfare_log(void **state)
{
    struct fixture *f = *state;
    struct lnt_event ev[2];
    int64_t t = lnt_time_now() - DAY;
    struct reply r;
    json_t *w;

    welfare_event(&ev[0], 10, t, "Castle Park", "intoxicated", "taxi");
    welfare_event(&ev[1], 11, t + 600, "Market Street", "vulnerable_alone", "safe_space");
    insert(f->store, f->kiosk_b, ev, 2);

    get(f, T_WEST, &r, "/api/v1/welfare");
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "welfare")), 2);
    w = json_array_get(items(&r, "welfare"), 0);
    assert_string_equal(json_string_value(json_object_get(w, "place")), "Castle Park");
    assert_string_equal(json_string_value(json_object_get(w, "what")), "intoxicated");
    assert_string_equal(json_string_value(json_object_get(w, "outcome")), "taxi");
    assert_int_equal(json_integer_value(json_object_get(w, "venue_id")), f->b);
    assert_string_equal(json_string_value(json_object_get(w, "staff_id")), "40");
    assert_non_null(json_string_value(json_object_get(w, "occurred_at")));
    w = json_array_get(items(&r, "welfare"), 1);
    assert_string_equal(json_string_value(json_object_get(w, "place")), "Market Street");
    reply_release(&r);
    assert_int_equal(audited(f, "welfare.read", "authority Westshire"), 1);

    /* A pub's token sees no hub's welfare log; a range before it holds nothing; paging. */
    get(f, T_VENUE_A, &r, "/api/v1/welfare");
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "welfare")), 0);
    reply_release(&r);
    get(f, T_ADMIN, &r, "/api/v1/welfare?from=2020-01-01&to=2020-02-01");
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "welfare")), 0);
    reply_release(&r);
    get(f, T_ADMIN, &r, "/api/v1/welfare?limit=1&offset=1");
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "welfare")), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(items(&r, "welfare"), 0), "place")),
        "Market Street");
    reply_release(&r);
    get(f, T_ADMIN, &r, "/api/v1/welfare?from=soon");
    assert_problem(&r, 400, "from");
    reply_release(&r);
}

static void test_api_officer__kiosks_health(void **state)
{
    struct fixture *f = *state;
    struct reply r;
    json_t *k;

    get(f, T_ADMIN, &r, "/api/v1/kiosks");
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "kiosks")), 3);
    reply_release(&r);

    get(f, T_WEST, &r, "/api/v1/kiosks");
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "kiosks")), 2);
    reply_release(&r);

    get(f, T_VENUE_A, &r, "/api/v1/kiosks");
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "kiosks")), 1);
    k = json_array_get(items(&r, "kiosks"), 0);
    assert_int_equal(json_integer_value(json_object_get(k, "id")), f->kiosk_a);
    assert_int_equal(json_integer_value(json_object_get(k, "last_seq")), 4);
    assert_non_null(json_string_value(json_object_get(k, "last_seen")));
    assert_true(json_is_integer(json_object_get(k, "silent_seconds")));
    assert_true(json_is_null(json_object_get(k, "backlog")));
    assert_true(json_is_false(json_object_get(k, "revoked")));
    reply_release(&r);

    get(f, T_VENUE_A, &r, "/api/v1/kiosks?venue=%lld", (long long)f->c);
    assert_problem(&r, 403, NULL);
    reply_release(&r);
    get(f, T_ADMIN, &r, "/api/v1/kiosks?limit=1&offset=1");
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "kiosks")), 1);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(items(&r, "kiosks"), 0), "id")),
        f->kiosk_b);
    reply_release(&r);
}

static void test_api_officer__flags(void **state)
{
    struct fixture *f = *state;
    struct reply r;
    json_t *a;
    bool copied = false;

    /* The copied badge was raised at C (Eastshire) about A (Westshire): both authorities see it. */
    get(f, T_WEST, &r, "/api/v1/flags?kind=copied_badge");
    assert_ok(&r);
    a = items(&r, "flags");
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *fl = json_array_get(a, i);
        if (strcmp(json_string_value(json_object_get(fl, "kind")), "copied_badge") == 0) {
            copied = true;
            assert_string_equal(json_string_value(json_object_get(fl, "badge_serial")), SERIAL);
        }
    }
    assert_true(copied);
    reply_release(&r);

    get(f, T_WEST, &r, "/api/v1/flags?kind=bogus");
    assert_problem(&r, 400, "kind");
    reply_release(&r);
    get(f, T_VENUE_A, &r, "/api/v1/flags?venue=%lld", (long long)f->b);
    assert_problem(&r, 403, NULL);
    reply_release(&r);
}

/* Findings through the API: recorded by permitted roles, listed, and counted by the score at once.
 */
static void test_api_officer__findings_recorded_listed_and_scored(void **state)
{
    struct fixture *f = *state;
    struct reply r;
    char path[128], today[LNT_DATE_STRLEN];
    json_t *crit;
    size_t i;

    snprintf(path, sizeof path, "/api/v1/venues/%lld/findings", (long long)f->a);
    post(f, T_ASSESSOR, &r, path,
         "{\"criterion\":\"A3\",\"met\":true,\"evidence\":\"Incident book seen, complete\","
         "\"assessor\":\"J. Patel\"}");
    assert_int_equal(r.status, 201);
    assert_string_equal(json_string_value(json_object_get(r.json, "criterion")), "A3");
    assert_string_equal(json_string_value(json_object_get(r.json, "assessor")), "J. Patel");
    assert_non_null(json_string_value(json_object_get(r.json, "valid_until")));
    /* undated, it is dated today on the London calendar (the API runs on this clock) */
    assert_int_equal(lnt_date_format(lnt_london_date(lnt_time_now()), today), LNT_OK);
    assert_string_equal(json_string_value(json_object_get(r.json, "found_on")), today);
    reply_release(&r);

    get(f, T_WEST, &r, "%s", path);
    assert_ok(&r);
    assert_int_equal(json_array_size(items(&r, "findings")), 1);
    reply_release(&r);

    /* The venue's BBN result shows A3 met, on the assessor's evidence. */
    get(f, T_WEST, &r, "/api/v1/venues/%lld/score", (long long)f->a);
    assert_ok(&r);
    crit = json_object_get(json_object_get(r.json, "bbn"), "criteria");
    assert_true(json_is_array(crit));
    for (i = 0; i < json_array_size(crit); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(crit, i), "id")), "A3") == 0)
            break;
    assert_true(i < json_array_size(crit));
    assert_string_equal(json_string_value(json_object_get(json_array_get(crit, i), "status")),
                        "met");
    reply_release(&r);

    /* A venue manager may not grade their own venue; refused and audited. */
    post(f, T_VENUE_A, &r, path, "{\"criterion\":\"A3\",\"met\":true,\"evidence\":\"\"}");
    assert_problem(&r, 403, "may not record findings");
    reply_release(&r);
    assert_true(audited(f, "access.refused", path) >= 1);

    /* A kiosk-measured criterion, an unknown one, a bad date, an unknown field: 400. */
    post(f, T_ADMIN, &r, path, "{\"criterion\":\"A1\",\"met\":true,\"evidence\":\"\"}");
    assert_problem(&r, 400, "criterion");
    reply_release(&r);
    post(f, T_ADMIN, &r, path, "{\"criterion\":\"Z9\",\"met\":true,\"evidence\":\"\"}");
    assert_problem(&r, 400, "criterion");
    reply_release(&r);
    post(f, T_ADMIN, &r, path,
         "{\"criterion\":\"A3\",\"met\":true,\"evidence\":\"\",\"found_on\":\"26/11/2026\"}");
    assert_problem(&r, 400, "found_on");
    reply_release(&r);
    post(f, T_ADMIN, &r, path, "{\"criterion\":\"A3\",\"met\":1,\"evidence\":\"\"}");
    assert_problem(&r, 400, "met");
    reply_release(&r);
    post(f, T_ADMIN, &r, path,
         "{\"criterion\":\"A3\",\"met\":true,\"evidence\":\"\",\"grade\":\"A\"}");
    assert_problem(&r, 400, "unknown field");
    reply_release(&r);

    /* Another authority's venue is out of a Westshire officer's reach. */
    snprintf(path, sizeof path, "/api/v1/venues/%lld/findings", (long long)f->c);
    post(f, T_WEST, &r, path, "{\"criterion\":\"A3\",\"met\":true,\"evidence\":\"\"}");
    assert_int_equal(r.status, 403);
    reply_release(&r);
}

/* ---- query plans of the by-id reads ---- */

#define PLAN_SQL_MAX 64

/* The SQL of every statement the store's connections ran while `on`. */
static struct {
    pthread_mutex_t mu;
    bool on;
    size_t n;
    char *sql[PLAN_SQL_MAX];
} ran = {PTHREAD_MUTEX_INITIALIZER, false, 0, {NULL}};

static int on_trace(unsigned type, void *ctx, void *p, void *x)
{
    const char *sql = sqlite3_sql(p);
    (void)type;
    (void)ctx;
    (void)x;
    pthread_mutex_lock(&ran.mu);
    if (ran.on && sql != NULL && ran.n < PLAN_SQL_MAX) {
        bool seen = false;
        for (size_t i = 0; i < ran.n && !seen; i++)
            seen = strcmp(ran.sql[i], sql) == 0;
        if (!seen)
            ran.sql[ran.n++] = strdup(sql);
    }
    pthread_mutex_unlock(&ran.mu);
    return 0;
}

static void ran_reset(bool on)
{
    pthread_mutex_lock(&ran.mu);
    for (size_t i = 0; i < ran.n; i++)
        free(ran.sql[i]);
    ran.n = 0;
    ran.on = on;
    pthread_mutex_unlock(&ran.mu);
}

/*
 * Fails when a SELECT that ran since ran_reset reads any table by a full scan
 * (EXPLAIN QUERY PLAN says "SCAN <table>", or a SEARCH with no equality term):
 * a read of one record must find it through an equality on a key or an index,
 * whatever the table's size.
 */
static void assert_no_scan(struct fixture *f, const char *what)
{
    char *path = lnt_test_path(f->dir, "lantern.db");
    sqlite3 *db = NULL;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    pthread_mutex_lock(&ran.mu);
    ran.on = false;
    for (size_t i = 0; i < ran.n; i++) {
        char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", ran.sql[i]);
        sqlite3_stmt *st = NULL;
        if (!lnt_str_starts(ran.sql[i], "SELECT")) {
            sqlite3_free(q);
            continue;
        }
        assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *detail = (const char *)sqlite3_column_text(st, 3);
            const char *terms = detail != NULL ? strchr(detail, '(') : NULL;
            if (detail == NULL || strcmp(detail, "SCAN CONSTANT ROW") == 0)
                continue;
            /* a SCAN walks the whole table; a SEARCH on a range alone (no "col=?") walks a
               slice of every venue's rows, which grows with the table just the same */
            if (lnt_str_starts(detail, "SCAN ") ||
                (lnt_str_starts(detail, "SEARCH ") && (terms == NULL || !strstr(terms, "=?"))))
                fail_msg("%s: `%s` reads by a full scan (%s)", what, ran.sql[i], detail);
        }
        sqlite3_finalize(st);
        sqlite3_free(q);
    }
    pthread_mutex_unlock(&ran.mu);
    ran_reset(false);
    sqlite3_close(db);
    free(path);
}

static void test_api_officer__by_id_reads_use_an_index(void **state)
{
    struct fixture *f = *state;
    struct lnt_store *s = f->store;
    struct lnt_store *sq = lnt_store_backend(f->store); /* the SQLite backend's own */
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_incident inc;
    struct lnt_venue v;
    struct lnt_kiosk k;
    struct lnt_officer o;
    struct lnt_token t;
    struct reply r;

    sqlite3_trace_v2(sq->w.db, SQLITE_TRACE_STMT, on_trace, NULL);
    for (size_t i = 0; i < LNT_SQ_READERS; i++)
        sqlite3_trace_v2(sq->r[i].db, SQLITE_TRACE_STMT, on_trace, NULL);

    /* the routes that name one record, with tokens of every breadth of scope */
    for (enum tok which = T_ADMIN; which <= T_VENUE_A; which++) {
        ran_reset(true);
        get(f, which, &r, "/api/v1/incidents/%s/details", INCIDENT_A);
        assert_true(r.status == 200 || r.status == 403);
        reply_release(&r);
        assert_no_scan(f, "GET /api/v1/incidents/{report_id}/details");
        ran_reset(true);
        get(f, which, &r, "/api/v1/incidents/%s/details", "7d3c5a10-0000-4000-8000-0000000000ff");
        assert_int_equal(r.status, 404);
        reply_release(&r);
        assert_no_scan(f, "GET /api/v1/incidents/{report_id}/details (unknown)");
    }
    ran_reset(true);
    get(f, T_ADMIN, &r, "/api/v1/venues/%lld", (long long)f->a);
    assert_int_equal(r.status, 200);
    reply_release(&r);
    assert_no_scan(f, "GET /api/v1/venues/{id}");

    /* the store's other reads of one record, as the dashboard and lanternctl make them */
    ran_reset(true);
    assert_int_equal(lnt_store_incident_get(s, INCIDENT_C, &inc, err), LNT_OK);
    assert_int_equal(inc.venue_id, f->c);
    assert_no_scan(f, "lnt_store_incident_get");
    ran_reset(true);
    assert_int_equal(lnt_store_venue_get(s, f->b, &v, err), LNT_OK);
    assert_no_scan(f, "lnt_store_venue_get");
    ran_reset(true);
    assert_int_equal(lnt_store_kiosk_get(s, f->kiosk_b, &k, err), LNT_OK);
    assert_no_scan(f, "lnt_store_kiosk_get");
    ran_reset(true);
    assert_int_equal(lnt_store_token_lookup(s, f->token[T_WEST], lnt_time_now(), &t, err), LNT_OK);
    assert_no_scan(f, "lnt_store_token_lookup");
    ran_reset(true);
    assert_int_equal(lnt_store_officer_get_id(s, 1, &o, err), LNT_ERR_NOT_FOUND);
    assert_int_equal(lnt_store_officer_get(s, "nobody@westshire.gov.uk", &o, err),
                     LNT_ERR_NOT_FOUND);
    assert_no_scan(f, "lnt_store_officer_get");
    ran_reset(false);
    for (size_t i = 0; i < LNT_SQ_READERS; i++)
        sqlite3_trace_v2(sq->r[i].db, 0, NULL, NULL);
    sqlite3_trace_v2(sq->w.db, 0, NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_api_officer__missing_or_bad_token_401, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api_officer__venues_by_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_officer__venues_paging_and_bad_queries, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api_officer__venue_detail_scope_and_errors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api_officer__register, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_api_officer__unlicensed_door_shift_names_people_for_register_readers, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_api_officer__incidents_without_sealed_details, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_api_officer__details_opened_for_allowed_roles_and_audited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_officer__details_without_the_key_file_say_so,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_officer__details_refused_and_audited, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api_officer__stock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_officer__by_id_reads_use_an_index, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api_officer__volunteer_shifts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_officer__volunteer_views_keep_to_the_authority,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_officer__welfare_log, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_officer__kiosks_health, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_officer__flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_officer__findings_recorded_listed_and_scored,
                                        setup, teardown),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
