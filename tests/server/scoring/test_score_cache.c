/*
 * test_score_cache.c - the venue score cache on its own (TTL, invalidation, races with a score
 * being computed, bounds) and as the API and the dashboard use it: a listed score is reused
 * until the TTL ends or a batch of the venue's events arrives through POST /api/v1/events,
 * and the dashboard's league table shows that batch on its next request.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "api.h"
#include "codec.h"
#include "http.h"
#include "kiosk_client.h"
#include "officer_client.h"
#include "log.h"
#include "ltime.h"
#include "reqsig.h"
#include "routes.h"
#include "score_api.h"
#include "score_cache.h"
#include "store.h"
#include "support.h"
#include "wire.h"

#define DAY 86400
#define OFFICER_PASSWORD "correct horse battery"

static struct lnt_score_brief brief(int64_t milli, const char *award)
{
    struct lnt_score_brief b;
    memset(&b, 0, sizeof b);
    b.band = LNT_BAND_AMBER;
    b.total_milli = milli;
    b.trend = LNT_TREND_WORSE;
    b.accredited = award[0] != '\0';
    lnt_str_copy(b.award, sizeof b.award, award);
    return b;
}

static struct lnt_score_cache *cache_new(size_t slots, int ttl)
{
    struct lnt_score_cache *c = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    assert_int_equal(lnt_score_cache_new(&c, slots, ttl, err), LNT_OK);
    assert_non_null(c);
    return c;
}

/* ---- the cache alone ---- */

static void test_score_cache__hit_within_ttl_miss_after(void **state)
{
    struct lnt_score_cache *c = cache_new(64, 30);
    struct lnt_score_brief in = brief(1234, "Gold"), out;
    uint64_t ticket, hits, misses;
    (void)state;

    assert_false(lnt_score_cache_get(c, 7, 1000, &out, &ticket));
    lnt_score_cache_put(c, 7, ticket, 1000, &in);
    memset(&out, 0, sizeof out);
    assert_true(lnt_score_cache_get(c, 7, 1029, &out, &ticket));
    assert_int_equal(out.total_milli, 1234);
    assert_int_equal(out.band, LNT_BAND_AMBER);
    assert_int_equal(out.trend, LNT_TREND_WORSE);
    assert_true(out.accredited);
    assert_string_equal(out.award, "Gold");
    assert_false(lnt_score_cache_get(c, 7, 1030, &out, &ticket)); /* TTL over */
    assert_false(lnt_score_cache_get(c, 7, 999, &out, &ticket));  /* clock went back */
    assert_false(lnt_score_cache_get(c, 8, 1000, &out, &ticket)); /* another venue */
    lnt_score_cache_stats(c, &hits, &misses);
    assert_int_equal(hits, 1);
    assert_int_equal(misses, 4);
    lnt_score_cache_free(c);
}

static void test_score_cache__invalidate_one_and_all(void **state)
{
    struct lnt_score_cache *c = cache_new(64, 30);
    struct lnt_score_brief in = brief(5, ""), out;
    uint64_t ticket;
    (void)state;

    for (int64_t v = 1; v <= 3; v++) {
        assert_false(lnt_score_cache_get(c, v, 100, &out, &ticket));
        lnt_score_cache_put(c, v, ticket, 100, &in);
    }
    lnt_score_cache_invalidate(c, 2);
    assert_true(lnt_score_cache_get(c, 1, 101, &out, &ticket));
    assert_false(lnt_score_cache_get(c, 2, 101, &out, &ticket));
    assert_true(lnt_score_cache_get(c, 3, 101, &out, &ticket));
    lnt_score_cache_invalidate(c, LNT_SCORE_CACHE_ALL);
    for (int64_t v = 1; v <= 3; v++)
        assert_false(lnt_score_cache_get(c, v, 101, &out, &ticket));
    lnt_score_cache_free(c);
}

/* A score computed from data read before an invalidation must not be installed after it. */
static void test_score_cache__put_after_invalidate_is_dropped(void **state)
{
    struct lnt_score_cache *c = cache_new(64, 30);
    struct lnt_score_brief stale = brief(1, ""), fresh = brief(2, ""), out;
    uint64_t t1, t2;
    (void)state;

    assert_false(lnt_score_cache_get(c, 9, 100, &out, &t1)); /* starts computing */
    lnt_score_cache_invalidate(c, 9);                        /* a batch lands meanwhile */
    lnt_score_cache_put(c, 9, t1, 100, &stale);
    assert_false(lnt_score_cache_get(c, 9, 100, &out, &t2));
    lnt_score_cache_put(c, 9, t2, 100, &fresh);
    assert_true(lnt_score_cache_get(c, 9, 100, &out, &t2));
    assert_int_equal(out.total_milli, 2);

    assert_false(lnt_score_cache_get(c, 10, 100, &out, &t1));
    lnt_score_cache_invalidate(c, LNT_SCORE_CACHE_ALL);
    lnt_score_cache_put(c, 10, t1, 100, &stale);
    assert_false(lnt_score_cache_get(c, 10, 100, &out, &t1));
    lnt_score_cache_free(c);
}

/* Bounded: venues sharing a slot evict each other, never answer for each other. */
static void test_score_cache__bounded_collisions_never_mix_venues(void **state)
{
    struct lnt_score_cache *c = cache_new(3, 30); /* rounded up to 4 slots */
    struct lnt_score_brief out;
    uint64_t ticket;
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_score_cache *bad = NULL;
    (void)state;

    for (int64_t v = 1; v <= 8; v++) {
        struct lnt_score_brief b = brief(v * 100, "");
        assert_false(lnt_score_cache_get(c, v, 100, &out, &ticket));
        lnt_score_cache_put(c, v, ticket, 100, &b);
    }
    for (int64_t v = 1; v <= 4; v++)
        assert_false(lnt_score_cache_get(c, v, 100, &out, &ticket)); /* evicted by v + 4 */
    for (int64_t v = 5; v <= 8; v++) {
        assert_true(lnt_score_cache_get(c, v, 100, &out, &ticket));
        assert_int_equal(out.total_milli, v * 100);
    }
    assert_int_equal(lnt_score_cache_new(&bad, 0, 30, err), LNT_ERR_INVALID);
    assert_null(bad);
    assert_int_equal(lnt_score_cache_new(&bad, LNT_SCORE_CACHE_SLOTS_MAX + 1, 30, err),
                     LNT_ERR_INVALID);
    assert_non_null(strstr(err, "slots"));
    assert_int_equal(lnt_score_cache_new(&bad, 16, 0, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "ttl"));
    /* a NULL cache misses and ignores the rest */
    assert_false(lnt_score_cache_get(NULL, 1, 100, &out, &ticket));
    lnt_score_cache_put(NULL, 1, 0, 100, &out);
    lnt_score_cache_invalidate(NULL, 1);
    lnt_score_cache_invalidate(NULL, LNT_SCORE_CACHE_ALL);
    lnt_score_cache_free(NULL);
    lnt_score_cache_free(c);
}

/* ---- as the API uses it ---- */

struct fixture {
    char *dir;
    struct lnt_store *store;
    struct lnt_score_cache *cache;
    struct lnt_api api;
    struct lnt_web *web; /* NULL unless the suite serves the dashboard too */
    struct lnt_routes routes;
    struct lnt_http *http;
    char base[64];
    int64_t clock;
    int64_t venue_id, kiosk_id, seq;
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
};

static int64_t fixture_now(void *ctx)
{
    return ((const struct fixture *)ctx)->clock;
}

static int setup_with(void **state, bool dashboard)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct lnt_venue v;
    struct lnt_kiosk k;
    struct lnt_http_config cfg;
    char err[LNT_ERRBUF_SIZE] = "", code[LNT_ENROLL_CODE_LEN + 1];
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    char *db;

    assert_non_null(f);
    lnt_log_init("test_score_cache", LNT_LOG_ERROR);
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
    v.capacity = 100;
    lnt_str_copy(v.area, sizeof v.area, "Centre");
    /* in the scheme for a year: scored, so that new incidents show in its points */
    v.joined_on = lnt_night_of(lnt_time_now()) - 365;
    assert_int_equal(lnt_store_venue_add(f->store, &v, err), LNT_OK);
    f->venue_id = v.id;
    crypto_sign_keypair(pk, f->sk);
    assert_int_equal(lnt_store_enroll_code_add(f->store, v.id, lnt_time_now() + DAY, code, err),
                     LNT_OK);
    assert_int_equal(lnt_store_enroll_redeem(f->store, code, pk, lnt_time_now(), &k, err), LNT_OK);
    f->kiosk_id = k.id;

    f->clock = lnt_time_now();
    f->cache = cache_new(1024, 30);
    lnt_api_init(&f->api, f->store);
    f->api.now = fixture_now;
    f->api.now_ctx = f;
    f->api.venue_score = lnt_api_score_venue_summary;
    f->api.score_cache = f->cache;
    memset(&cfg, 0, sizeof cfg);
    cfg.host = "127.0.0.1";
    cfg.threads = 2;
    lnt_api_http_config(&f->api, &cfg);
    if (dashboard) {
        struct lnt_officer o;
        memset(&o, 0, sizeof o);
        lnt_str_copy(o.email, sizeof o.email, "officer@council.example");
        lnt_str_copy(o.name, sizeof o.name, "Licensing Officer");
        o.scope.role = LNT_OFFICER_OFFICER;
        assert_int_equal(lnt_store_officer_add(f->store, &o, OFFICER_PASSWORD, err), LNT_OK);
        assert_int_equal(lnt_web_attach(&f->web, f->store, f->cache, err), LNT_OK);
        f->routes.api = &f->api;
        f->routes.web = f->web; /* as lanternd wires them */
        lnt_routes_http_config(&f->routes, &cfg);
    }
    assert_int_equal(lnt_http_start(&f->http, &cfg, err), LNT_OK);
    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%u", (unsigned)lnt_http_port(f->http));
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_with(state, false);
}

static int setup_dashboard(void **state)
{
    return setup_with(state, true);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    lnt_http_stop(f->http);
    lnt_web_detach(f->web);
    lnt_score_cache_free(f->cache);
    lnt_store_free(f->store);
    lnt_test_rmrf(f->dir);
    free(f->dir);
    sodium_memzero(f->sk, sizeof f->sk);
    free(f);
    return 0;
}

/* `n` serious incidents two days ago, not handled by the book (they carry points), as kiosk
 * events with the next seqs. */
static void incidents(struct fixture *f, struct lnt_event *ev, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct lnt_event *e = &ev[i];
        memset(e, 0, sizeof *e);
        e->seq = ++f->seq;
        lnt_uuid4(e->uuid);
        e->type = LNT_EV_INCIDENT;
        e->occurred_at = f->clock - 2 * DAY + (int64_t)i * 60;
        e->recorded_at = e->occurred_at + 60;
        lnt_uuid4(e->u.incident.report_id);
        lnt_str_copy(e->u.incident.kind, sizeof e->u.incident.kind, "violence_injury");
        e->u.incident.severity = 5;
        lnt_str_copy(e->u.incident.place, sizeof e->u.incident.place, "door");
        lnt_str_copy(e->u.incident.outcome, sizeof e->u.incident.outcome, "police");
        e->u.incident.police_called = true;
        e->u.incident.complete = false;
        lnt_str_copy(e->u.incident.staff_id, sizeof e->u.incident.staff_id, "1");
    }
}

/* The venue's listed risk points, through the hook the list and detail routes call. */
static int64_t listed_milli(struct fixture *f)
{
    json_t *j = json_object();
    int64_t milli;
    assert_non_null(j);
    lnt_api_score_venue_summary(&f->api, f->venue_id, j);
    assert_true(json_is_object(json_object_get(j, "score")));
    milli = json_integer_value(json_object_get(json_object_get(j, "score"), "total_milli"));
    json_decref(j);
    return milli;
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n;
}

static long post_batch(struct fixture *f, const struct lnt_event *ev, size_t n)
{
    struct lnt_buf body;
    struct lnt_reqsig_parts parts = {"POST", "/api/v1/events", NULL, NULL, NULL, 0};
    struct curl_slist *h;
    char url[128], err[LNT_ERRBUF_SIZE] = "";
    int64_t ts = lnt_time_now();
    long status = 0;
    CURL *c = curl_easy_init();

    assert_non_null(c);
    lnt_buf_init(&body, LNT_BATCH_BODY_MAX);
    assert_int_equal(lnt_wire_batch_encode(f->kiosk_id, ev, n, &body, err), LNT_OK);
    parts.body = body.data;
    parts.len = body.len;
    h = lnt_test_kiosk_headers(f->sk, f->kiosk_id, ts, 1, &parts, true);
    snprintf(url, sizeof url, "%s/api/v1/events", f->base);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    lnt_buf_release(&body);
    return status;
}

static void test_score_cache__api_reuses_score_until_ttl(void **state)
{
    struct fixture *f = *state;
    struct lnt_event ev[5];
    struct lnt_ingest_result res[5];
    char err[LNT_ERRBUF_SIZE] = "";
    uint64_t hits, misses;
    int64_t before = listed_milli(f), after;

    /* Stored behind the API's back (as lanternctl or another process would): the list keeps
     * its score until the TTL ends... */
    incidents(f, ev, 5);
    assert_int_equal(lnt_store_events_insert(f->store, f->kiosk_id, f->clock, ev, 5, res, err),
                     LNT_OK);
    f->clock += 29;
    assert_int_equal(listed_milli(f), before);
    lnt_score_cache_stats(f->cache, &hits, &misses);
    assert_int_equal(hits, 1);
    assert_int_equal(misses, 1);
    /* ...and then shows the incidents. */
    f->clock += 1;
    after = listed_milli(f);
    assert_true(after > before);
    lnt_score_cache_stats(f->cache, &hits, &misses);
    assert_int_equal(misses, 2);
}

static void test_score_cache__api_batch_forgets_venue_score(void **state)
{
    struct fixture *f = *state;
    struct lnt_event ev[5];
    uint64_t hits, misses, hits2, misses2;
    int64_t before = listed_milli(f), after;

    assert_int_equal(listed_milli(f), before); /* cached */
    incidents(f, ev, 5);
    f->clock = lnt_time_now(); /* the events route checks signatures against its clock */
    assert_int_equal(post_batch(f, ev, 5), 200);
    after = listed_milli(f); /* within the TTL, yet fresh: the batch invalidated it */
    assert_true(after > before);
    lnt_score_cache_stats(f->cache, &hits, &misses);
    assert_int_equal(post_batch(f, ev, 5), 200); /* duplicates only: nothing to forget */
    assert_int_equal(listed_milli(f), after);
    lnt_score_cache_stats(f->cache, &hits2, &misses2);
    assert_int_equal(misses2, misses);
    assert_int_equal(hits2, hits + 1);
}

/* The Incidents cell of the venue's row in the league table on the Overview page. */
static int league_incidents(struct fixture *f, CURL *officer)
{
    struct lnt_test_page page;
    const char *row, *cell;
    char want[48];
    int64_t n;

    memset(&page, 0, sizeof page);
    lnt_test_officer_http(officer, f->base, "/", NULL, NULL, &page);
    assert_int_equal(page.status, 200);
    snprintf(want, sizeof want, "<tr data-venue=\"%lld\">", (long long)f->venue_id);
    row = strstr(page.body.data, want);
    assert_non_null(row);
    cell = strstr(row, "data-label=\"Incidents\">");
    assert_non_null(cell);
    cell += strlen("data-label=\"Incidents\">");
    {
        char digits[16];
        size_t len = strspn(cell, "0123456789");
        assert_true(len > 0 && len < sizeof digits);
        memcpy(digits, cell, len);
        digits[len] = '\0';
        assert_int_equal(lnt_parse_i64(digits, 0, 1000000, &n), LNT_OK);
    }
    lnt_test_page_release(&page);
    return (int)n;
}

static void test_score_cache__dashboard_league_shows_a_kiosk_batch_at_once(void **state)
{
    struct fixture *f = *state;
    struct lnt_event ev[5];
    CURL *officer = lnt_test_officer_client();

    assert_int_equal(lnt_test_officer_login(officer, f->base, "officer@council.example",
                                            OFFICER_PASSWORD, NULL, 0),
                     303);
    assert_int_equal(league_incidents(f, officer), 0); /* the league is built and cached */
    assert_int_equal(league_incidents(f, officer), 0);
    incidents(f, ev, 5);
    f->clock = lnt_time_now(); /* the events route checks signatures against its clock */
    assert_int_equal(post_batch(f, ev, 5), 200);
    /* the very next Overview shows them: the batch forgot the cached league too */
    assert_int_equal(league_incidents(f, officer), 5);
    curl_easy_cleanup(officer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_cache__hit_within_ttl_miss_after),
        cmocka_unit_test(test_score_cache__invalidate_one_and_all),
        cmocka_unit_test(test_score_cache__put_after_invalidate_is_dropped),
        cmocka_unit_test(test_score_cache__bounded_collisions_never_mix_venues),
        cmocka_unit_test_setup_teardown(test_score_cache__api_reuses_score_until_ttl, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_score_cache__api_batch_forgets_venue_score, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_score_cache__dashboard_league_shows_a_kiosk_batch_at_once, setup_dashboard,
            teardown),
    };
    int rc;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
