/* test_api_integrity.c - a real lanternd on 127.0.0.1, real signed kiosk batches: an event id
 * sent again under a new seq, an id that collides, and sign-ins with revoked or unknown badges,
 * as the kiosk, an officer and /metrics see them. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "buf.h"
#include "codec.h"
#include "kiosk_client.h"
#include "lanternd.h"
#include "ltime.h"
#include "officer_client.h"
#include "reqsig.h"
#include "store.h"
#include "store_auth.h"
#include "store_registers.h"
#include "support.h"

#define DAY 86400
#define SERIAL_REVOKED "a1b2c3d4e5f60718"
#define SERIAL_NEVER "0102030405060708"
#define UUID_DELIVERY "5f0c0000-0000-4000-8000-0000000000d1"
#define OFFICER_EMAIL "pat@kingsbridge.gov.uk"
#define OFFICER_PASSWORD "correct horse battery staple"

struct fixture {
    char *dir, *db;
    struct lnt_test_lanternd server;
    CURL *curl;
    int64_t venue_id, staff_id;
    char code[LNT_ENROLL_CODE_LEN + 1];
    char token[LNT_TOKEN_LEN + 1];
    char assessor_token[LNT_TOKEN_LEN + 1]; /* a BBN assessor: may not read the register */
    int64_t revoked_at;
    struct lnt_test_kiosk kiosk;
};

struct reply {
    long status;
    char flagged[256]; /* X-Lantern-Flagged, "" when absent */
    struct lnt_buf body;
    json_t *json;
};

/* The scheme, one venue with a door supervisor whose badge was revoked an hour ago, an
 * enrolment code and an admin token; then lanternd serving it. */
static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct lnt_store *s = NULL;
    struct lnt_venue v;
    struct lnt_staff st;
    struct lnt_badge_record b;
    struct lnt_scheme scheme;
    struct lnt_token t;
    struct lnt_officer o;
    char err[LNT_ERRBUF_SIZE] = "";
    const char *const threads[] = {"--threads", "2", NULL};
    int64_t now = lnt_time_now();

    assert_non_null(f);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    f->dir = lnt_test_tmpdir();
    assert_non_null(f->dir);
    f->db = lnt_test_path(f->dir, "lantern.db");
    assert_int_equal(lnt_store_open(&s, f->db, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_init(s, "WTN", err), LNT_OK);
    memset(&v, 0, sizeof v);
    lnt_str_copy(v.name, sizeof v.name, "The Crown");
    v.category = LNT_VENUE_PUB;
    v.capacity = 200;
    lnt_str_copy(v.area, sizeof v.area, "Centre");
    assert_int_equal(lnt_store_venue_add(s, &v, err), LNT_OK);
    f->venue_id = v.id;
    memset(&st, 0, sizeof st);
    st.venue_id = v.id;
    lnt_str_copy(st.name, sizeof st.name, "Sam Door");
    st.role = LNT_ROLE_DOOR;
    assert_int_equal(lnt_store_staff_add(s, &st, err), LNT_OK);
    f->staff_id = st.id;
    assert_int_equal(lnt_store_scheme_get(s, &scheme, err), LNT_OK);
    memset(&b, 0, sizeof b);
    assert_int_equal(lnt_hex_decode(SERIAL_REVOKED, b.serial, sizeof b.serial), LNT_OK);
    b.staff_id = st.id;
    memcpy(b.kid, scheme.key.kid, LNT_KID_LEN);
    sodium_memzero(&scheme, sizeof scheme);
    b.issued_at = now - 30 * DAY;
    b.expires_at = now + 300 * DAY;
    assert_int_equal(lnt_store_badge_add(s, &b, err), LNT_OK);
    f->revoked_at = now - 3600;
    assert_int_equal(lnt_store_badge_revoke(s, b.serial, "lost", f->revoked_at, NULL, err), LNT_OK);
    assert_int_equal(lnt_store_enroll_code_add(s, v.id, now + DAY, f->code, err), LNT_OK);
    memset(&t, 0, sizeof t);
    lnt_str_copy(t.label, sizeof t.label, "licensing");
    t.scope.role = LNT_OFFICER_ADMIN;
    assert_int_equal(lnt_store_token_add(s, &t, now, f->token, err), LNT_OK);
    memset(&t, 0, sizeof t);
    lnt_str_copy(t.label, sizeof t.label, "assessor");
    t.scope.role = LNT_OFFICER_ASSESSOR;
    assert_int_equal(lnt_store_token_add(s, &t, now, f->assessor_token, err), LNT_OK);
    memset(&o, 0, sizeof o);
    lnt_str_copy(o.email, sizeof o.email, OFFICER_EMAIL);
    lnt_str_copy(o.name, sizeof o.name, "Pat Licensing");
    o.scope.role = LNT_OFFICER_OFFICER;
    assert_int_equal(lnt_store_officer_add(s, &o, OFFICER_PASSWORD, err), LNT_OK);
    lnt_store_free(s);

    lnt_test_lanternd_start(&f->server, f->dir, f->db, threads);
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
    sodium_memzero(f->kiosk.sk, sizeof f->kiosk.sk);
    free(f);
    return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    return lnt_buf_append(ctx, p, size * n) == LNT_OK ? size * n : 0;
}

static void reply_release(struct reply *r)
{
    lnt_buf_release(&r->body);
    json_decref(r->json);
    r->json = NULL;
}

static void request(struct fixture *f, const char *path, const char *body, size_t len,
                    struct curl_slist *headers, struct reply *r)
{
    struct curl_header *h = NULL;
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
        curl_easy_setopt(f->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    if (headers != NULL)
        curl_easy_setopt(f->curl, CURLOPT_HTTPHEADER, headers);
    cc = curl_easy_perform(f->curl);
    if (cc != CURLE_OK)
        fail_msg("%s: %s", path, curl_easy_strerror(cc));
    curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &r->status);
    if (curl_easy_header(f->curl, "X-Lantern-Flagged", 0, CURLH_HEADER, -1, &h) == CURLHE_OK)
        lnt_str_copy(r->flagged, sizeof r->flagged, h->value);
    r->json = json_loadb(r->body.data != NULL ? r->body.data : "", r->body.len, 0, NULL);
}

/* A GET with the given token; asserts 200 and JSON. */
static void token_get(struct fixture *f, const char *token, const char *path, struct reply *r)
{
    char line[128];
    struct curl_slist *h;

    snprintf(line, sizeof line, "Authorization: Bearer %s", token);
    h = curl_slist_append(NULL, line);
    request(f, path, NULL, 0, h, r);
    curl_slist_free_all(h);
    if (r->status != 200 || r->json == NULL)
        fail_msg("GET %s: %ld %.*s", path, r->status, (int)r->body.len,
                 r->body.data != NULL ? r->body.data : "");
}

/* An officer's GET with the admin token; asserts 200 and JSON. */
static void officer_get(struct fixture *f, const char *path, struct reply *r)
{
    token_get(f, f->token, path, r);
}

/* POSTs {"kiosk_id": K, "events": [events]} signed by the kiosk, as its sync thread does. */
static void post_events(struct fixture *f, const char *events, struct reply *r)
{
    struct lnt_reqsig_parts parts = {"POST", "/api/v1/events", NULL, NULL, NULL, 0};
    struct curl_slist *h;
    struct lnt_buf b;

    lnt_buf_init(&b, 1u << 20);
    assert_int_equal(lnt_buf_printf(&b, "{\"kiosk_id\": %lld, \"events\": [%s]}",
                                    (long long)f->kiosk.id, events),
                     LNT_OK);
    parts.body = b.data;
    parts.len = b.len;
    h = lnt_test_kiosk_headers(f->kiosk.sk, f->kiosk.id, lnt_time_now(), 1, &parts, true);
    request(f, "/api/v1/events", b.data, b.len, h, r);
    curl_slist_free_all(h);
    lnt_buf_release(&b);
}

/* One stock event's JSON. */
static void stock_event(char *out, size_t size, int64_t seq, const char *uuid, int64_t at,
                        const char *kind, int qty)
{
    char when[LNT_TIME_STRLEN];

    assert_int_equal(lnt_time_format(at, when), LNT_OK);
    snprintf(out, size,
             "{\"seq\": %lld, \"uuid\": \"%s\", \"type\": \"stock\", \"occurred_at\": \"%s\", "
             "\"recorded_at\": \"%s\", \"kind\": \"%s\", \"quantity\": %d, \"staff_id\": \"1\"}",
             (long long)seq, uuid, when, when, kind, qty);
}

/* One sign_in event's JSON. */
static void sign_in_event(char *out, size_t size, int64_t seq, int64_t at, int64_t staff,
                          const char *serial)
{
    char when[LNT_TIME_STRLEN], uuid[LNT_UUID_STRLEN];

    lnt_uuid4(uuid);
    assert_int_equal(lnt_time_format(at, when), LNT_OK);
    snprintf(out, size,
             "{\"seq\": %lld, \"uuid\": \"%s\", \"type\": \"sign_in\", \"occurred_at\": \"%s\", "
             "\"recorded_at\": \"%s\", \"staff_id\": \"%lld\", \"badge_serial\": \"%s\", "
             "\"role\": \"door\", \"sia_number\": \"1234567812345678\", "
             "\"sia_expires\": \"2030-05-01\", \"sia_status\": \"valid\", \"verdict\": \"green\"}",
             (long long)seq, uuid, when, when, (long long)staff, serial);
}

static double metric(struct fixture *f, const char *name)
{
    struct reply r;
    double v = -1;
    size_t n = strlen(name);

    request(f, "/metrics", NULL, 0, NULL, &r);
    assert_int_equal(r.status, 200);
    for (const char *p = r.body.data; p != NULL && *p != '\0';) {
        const char *eol = strchr(p, '\n');
        if (strncmp(p, name, n) == 0 && p[n] == ' ')
            v = strtod(p + n + 1, NULL);
        p = eol != NULL ? eol + 1 : NULL;
    }
    reply_release(&r);
    return v;
}

/*
 * The dashboard page at `path` (its HTML, caller frees) as an officer who has
 * just signed in through the login form.
 */
static char *dashboard_page(struct fixture *f, const char *path)
{
    CURL *c = lnt_test_officer_client();
    struct lnt_test_page r;
    char *page;

    assert_int_equal(
        lnt_test_officer_login(c, f->server.base, OFFICER_EMAIL, OFFICER_PASSWORD, NULL, 0), 303);
    lnt_test_officer_http(c, f->server.base, path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    page = strdup(r.body.data);
    assert_non_null(page);
    lnt_test_page_release(&r);
    curl_easy_cleanup(c);
    return page;
}

static json_t *only(json_t *list)
{
    assert_int_equal(json_array_size(list), 1);
    return json_array_get(list, 0);
}

/* ---- one event id, one record ---- */

static void test_api_integrity__delivery_sent_again_under_new_seq_counts_once(void **state)
{
    struct fixture *f = *state;
    int64_t now = lnt_time_now();
    char a[512], b[512], c[1100], path[128], *page;
    struct reply r;
    json_t *conf;

    lnt_test_kiosk_enroll(f->server.base, f->code, &f->kiosk);
    stock_event(a, sizeof a, 1, "5f0c0000-0000-4000-8000-0000000000c1", now - 600, "count", 100);
    stock_event(b, sizeof b, 2, UUID_DELIVERY, now - 300, "delivery", 40);
    snprintf(c, sizeof c, "%s, %s", a, b);
    post_events(f, c, &r);
    assert_int_equal(r.status, 200);
    reply_release(&r);

    /* the acknowledgement was lost; the kiosk sends the delivery again as seq 3 */
    stock_event(a, sizeof a, 3, UUID_DELIVERY, now - 300, "delivery", 40);
    post_events(f, a, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_integer_value(only(json_object_get(r.json, "duplicates"))), 3);
    assert_int_equal(json_array_size(json_object_get(r.json, "accepted")), 0);
    reply_release(&r);

    snprintf(path, sizeof path, "/api/v1/venues/%lld/stock", (long long)f->venue_id);
    officer_get(f, path, &r);
    assert_int_equal(json_integer_value(json_object_get(r.json, "level")), 140);
    assert_int_equal(json_array_size(json_object_get(r.json, "ledger")), 2);
    reply_release(&r);

    /* the same id with another quantity is a conflict: kept aside, shown, counted */
    stock_event(a, sizeof a, 4, UUID_DELIVERY, now - 300, "delivery", 400);
    post_events(f, a, &r);
    assert_int_equal(r.status, 409);
    conf = only(json_object_get(r.json, "conflicts"));
    assert_int_equal(json_integer_value(json_object_get(conf, "seq")), 4);
    assert_string_equal(json_string_value(json_object_get(conf, "reason")),
                        "event id " UUID_DELIVERY " stored before as seq 2 with different content");
    reply_release(&r);
    officer_get(f, path, &r);
    assert_int_equal(json_integer_value(json_object_get(r.json, "level")), 140);
    reply_release(&r);
    officer_get(f, "/api/v1/flags?kind=conflict", &r);
    conf = only(json_object_get(r.json, "flags"));
    assert_int_equal(json_integer_value(json_object_get(conf, "seq")), 4);
    assert_int_equal(json_integer_value(json_object_get(conf, "other")), 2);
    reply_release(&r);
    assert_true(metric(f, "lantern_events_conflict_total") == 1);
    assert_true(metric(f, "lantern_events_duplicate_total") == 1);
    assert_true(metric(f, "lantern_events_ingested_total") == 2);

    /* and on the venue's case file */
    snprintf(path, sizeof path, "/venues/%lld", (long long)f->venue_id);
    page = dashboard_page(f, path);
    assert_non_null(strstr(page, "<tr data-kind=\"conflict\">"));
    assert_non_null(strstr(page, "Record sent again with different content"));
    free(page);
}

/* ---- sign-ins checked against the badge register ---- */

static void test_api_integrity__revoked_and_unknown_badges_are_flagged(void **state)
{
    struct fixture *f = *state;
    int64_t now = lnt_time_now();
    char a[700], b[700], c[700], all[2200], path[160], want[64], *page;
    char from[LNT_DATE_STRLEN], to[LNT_DATE_STRLEN];
    struct reply r;
    json_t *shifts, *flags;

    lnt_test_kiosk_enroll(f->server.base, f->code, &f->kiosk);
    assert_true(metric(f, "lantern_signins_flagged_total{reason=\"revoked\"}") == 0);
    /* the kiosk had not heard of the revocation (offline) and let the badge in; before the
     * revocation the same badge was fine */
    sign_in_event(a, sizeof a, 1, f->revoked_at - 7200, f->staff_id, SERIAL_REVOKED);
    sign_in_event(b, sizeof b, 2, now - 600, f->staff_id, SERIAL_REVOKED);
    sign_in_event(c, sizeof c, 3, now - 300, f->staff_id, SERIAL_NEVER);
    snprintf(all, sizeof all, "%s, %s, %s", a, b, c);
    post_events(f, all, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "accepted")), 3);
    assert_string_equal(r.flagged, "2 revoked, 3 unknown_serial");
    reply_release(&r);

    snprintf(path, sizeof path, "/api/v1/venues/%lld/register?from=%s", (long long)f->venue_id,
             "2000-01-01");
    officer_get(f, path, &r);
    shifts = json_object_get(r.json, "shifts");
    assert_int_equal(json_array_size(shifts), 3);
    assert_true(json_is_null(json_object_get(json_array_get(shifts, 0), "badge_flag")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(shifts, 1), "badge_flag")),
                        "revoked");
    assert_string_equal(json_string_value(json_object_get(json_array_get(shifts, 2), "badge_flag")),
                        "unknown_serial");
    reply_release(&r);

    /* the case file */
    snprintf(path, sizeof path, "/api/v1/venues/%lld", (long long)f->venue_id);
    officer_get(f, path, &r);
    flags = json_object_get(r.json, "flagged_sign_ins");
    assert_int_equal(json_integer_value(json_object_get(flags, "revoked")), 1);
    assert_int_equal(json_integer_value(json_object_get(flags, "unknown_serial")), 1);
    reply_release(&r);
    officer_get(f, "/api/v1/flags?kind=revoked_badge", &r);
    flags = only(json_object_get(r.json, "flags"));
    assert_string_equal(json_string_value(json_object_get(flags, "badge_serial")), SERIAL_REVOKED);
    snprintf(want, sizeof want, "%lld", (long long)f->staff_id);
    assert_string_equal(json_string_value(json_object_get(flags, "staff_id")), want);
    reply_release(&r);
    officer_get(f, "/api/v1/flags?kind=unknown_serial", &r);
    flags = only(json_object_get(r.json, "flags"));
    assert_string_equal(json_string_value(json_object_get(flags, "badge_serial")), SERIAL_NEVER);
    reply_release(&r);
    /* an assessor sees that a revoked badge was used, not whose or which */
    token_get(f, f->assessor_token, "/api/v1/flags?kind=revoked_badge", &r);
    flags = only(json_object_get(r.json, "flags"));
    assert_string_equal(json_string_value(json_object_get(flags, "kind")), "revoked_badge");
    assert_true(json_is_null(json_object_get(flags, "badge_serial")));
    assert_true(json_is_null(json_object_get(flags, "staff_id")));
    assert_null(strstr(r.body.data, SERIAL_REVOKED));
    reply_release(&r);

    assert_true(metric(f, "lantern_signins_flagged_total{reason=\"revoked\"}") == 1);
    assert_true(metric(f, "lantern_signins_flagged_total{reason=\"unknown_serial\"}") == 1);

    /* the dashboard: the case file lists both, the register marks the rows */
    snprintf(path, sizeof path, "/venues/%lld", (long long)f->venue_id);
    page = dashboard_page(f, path);
    assert_non_null(strstr(page, "<tr data-kind=\"revoked_badge\">"));
    assert_non_null(strstr(page, "<tr data-kind=\"unknown_serial\">"));
    assert_non_null(strstr(page, "Sign-in with a revoked badge"));
    free(page);
    /* nights from three days back to tomorrow: whatever the hour, the sign-ins are in it */
    assert_int_equal(lnt_date_format(lnt_date_of(now) - 3, from), LNT_OK);
    assert_int_equal(lnt_date_format(lnt_date_of(now) + 1, to), LNT_OK);
    snprintf(path, sizeof path, "/venues/%lld/register?from=%s&to=%s", (long long)f->venue_id, from,
             to);
    page = dashboard_page(f, path);
    assert_non_null(strstr(page, "revoked before this sign-in"));
    assert_non_null(strstr(page, "never issued by the scheme"));
    free(page);

    /* sent again: a duplicate, not flagged (or counted) twice */
    post_events(f, all, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "duplicates")), 3);
    assert_string_equal(r.flagged, "");
    reply_release(&r);
    assert_true(metric(f, "lantern_signins_flagged_total{reason=\"revoked\"}") == 1);
}

/* A flag raised by the batch just sent is in the default list at once, in the same second. */
static void test_api_integrity__a_flag_raised_this_second_is_listed(void **state)
{
    struct fixture *f = *state;
    struct timespec nap = {0, 10 * 1000 * 1000};
    int64_t now, start = lnt_time_now();
    char a[700];
    struct reply r;
    json_t *flag;

    lnt_test_kiosk_enroll(f->server.base, f->code, &f->kiosk);
    /* start at the turn of a second, so the send and the read share it */
    while ((now = lnt_time_now()) == start)
        nanosleep(&nap, NULL);
    sign_in_event(a, sizeof a, 1, now, f->staff_id, SERIAL_NEVER);
    post_events(f, a, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.flagged, "1 unknown_serial");
    reply_release(&r);
    officer_get(f, "/api/v1/flags?kind=unknown_serial", &r);
    flag = only(json_object_get(r.json, "flags"));
    assert_string_equal(json_string_value(json_object_get(flag, "badge_serial")), SERIAL_NEVER);
    reply_release(&r);
}

/* Asking for a kind that does not exist names every kind there is. */
static void test_api_integrity__an_unknown_flag_kind_names_the_kinds(void **state)
{
    struct fixture *f = *state;
    struct reply r;
    struct curl_slist *h;
    char line[128];

    snprintf(line, sizeof line, "Authorization: Bearer %s", f->token);
    h = curl_slist_append(NULL, line);
    request(f, "/api/v1/flags?kind=spiked", NULL, 0, h, &r);
    curl_slist_free_all(h);
    assert_int_equal(r.status, 400);
    assert_non_null(r.body.data);
    assert_non_null(strstr(r.body.data, "copied_badge, "));
    assert_non_null(strstr(r.body.data, "unidentified_staff, door_refused, sia_not_valid"));
    reply_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_api_integrity__delivery_sent_again_under_new_seq_counts_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_integrity__revoked_and_unknown_badges_are_flagged,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_integrity__a_flag_raised_this_second_is_listed,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_integrity__an_unknown_flag_kind_names_the_kinds,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
