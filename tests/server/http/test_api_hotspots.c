/* test_api_hotspots.c - hot spots for a sergeant through a real lanternd on 127.0.0.1: the
 * Trends page and its API by trading night, filters refused by name, every incident kind, the
 * harm ranking beside risk, and authorities compared for the scheme only. */
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

#include "buf.h"
#include "codec.h"
#include "event.h"
#include "lanternd.h"
#include "log.h"
#include "ltime.h"
#include "night.h"
#include "officer_client.h"
#include "store.h"
#include "support.h"

#define DAY 86400
#define H 3600
#define PASSWORD "a long enough password"
#define SCHEME_EMAIL "coordinator@scheme.example"
#define WEST_EMAIL "sergeant@westham.example"

struct fixture {
    char *dir, *db;
    struct lnt_test_lanternd server;
    CURL *curl;
    int64_t crown, nova, east; /* The Crown, Club Nova (Westham), Eastgate (Eastham) */
    char scheme_token[LNT_TOKEN_LEN + 1], west_token[LNT_TOKEN_LEN + 1];
};

struct feed {
    int64_t kiosk, seq;
};

static int64_t add_venue(struct lnt_store *s, const char *name, enum lnt_venue_category cat,
                         const char *area, const char *authority)
{
    struct lnt_venue v;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&v, 0, sizeof v);
    lnt_str_copy(v.name, sizeof v.name, name);
    v.category = cat;
    v.capacity = 300;
    lnt_str_copy(v.area, sizeof v.area, area);
    lnt_str_copy(v.authority, sizeof v.authority, authority);
    if (lnt_store_venue_add(s, &v, err) != LNT_OK)
        fail_msg("venue: %s", err);
    return v.id;
}

static void add_kiosk(struct lnt_store *s, int64_t venue, int64_t now, struct feed *k)
{
    char code[LNT_ENROLL_CODE_LEN + 1], err[LNT_ERRBUF_SIZE] = "";
    uint8_t pk[LNT_SIGN_PK_LEN];
    struct lnt_kiosk out;

    lnt_random(pk, sizeof pk);
    assert_int_equal(lnt_store_enroll_code_add(s, venue, now + H, code, err), LNT_OK);
    if (lnt_store_enroll_redeem(s, code, pk, now - 120 * DAY, &out, err) != LNT_OK)
        fail_msg("kiosk: %s", err);
    k->kiosk = out.id;
    k->seq = 0;
}

/* One complete report of `kind` at `at`, as a kiosk sends it. */
static void report(struct lnt_store *s, struct feed *k, int64_t now, int64_t at, const char *kind)
{
    struct lnt_event e;
    struct lnt_ingest_result res;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&e, 0, sizeof e);
    e.seq = ++k->seq;
    lnt_uuid4(e.uuid);
    e.type = LNT_EV_INCIDENT;
    e.occurred_at = at;
    e.recorded_at = at + 120;
    lnt_uuid4(e.u.incident.report_id);
    lnt_str_copy(e.u.incident.kind, sizeof e.u.incident.kind, kind);
    e.u.incident.severity = 3;
    lnt_str_copy(e.u.incident.place, sizeof e.u.incident.place, "bar");
    lnt_str_copy(e.u.incident.outcome, sizeof e.u.incident.outcome, "resolved");
    e.u.incident.complete = true;
    lnt_str_copy(e.u.incident.staff_id, sizeof e.u.incident.staff_id, "1");
    if (lnt_store_events_insert(s, k->kiosk, now, &e, 1, &res, err) != LNT_OK)
        fail_msg("report: %s", err);
}

/* London wall-clock `hh:mm` on calendar date `day`, as an instant. */
static int64_t london(int32_t day, int hh, int mm)
{
    int64_t t = (int64_t)day * DAY + hh * H + mm * 60;
    return t - lnt_london_offset(t - H);
}

/* The Friday night a fortnight or so back: well inside every window, whatever today is. */
static int32_t last_friday(void)
{
    int32_t today = lnt_night_of(lnt_time_now());
    return today - ((lnt_weekday(today) - 4 + 7) % 7) - 14;
}

static void add_officer(struct lnt_store *s, const char *email, const char *authority)
{
    struct lnt_officer o;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&o, 0, sizeof o);
    lnt_str_copy(o.email, sizeof o.email, email);
    lnt_str_copy(o.name, sizeof o.name, email);
    o.scope.role = LNT_OFFICER_OFFICER;
    lnt_str_copy(o.scope.authority, sizeof o.scope.authority, authority);
    if (lnt_store_officer_add(s, &o, PASSWORD, err) != LNT_OK)
        fail_msg("officer: %s", err);
}

static void add_token(struct lnt_store *s, const char *authority, int64_t now, char *out)
{
    struct lnt_token t;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&t, 0, sizeof t);
    lnt_str_copy(t.label, sizeof t.label, authority[0] ? authority : "scheme");
    t.scope.role = LNT_OFFICER_OFFICER;
    lnt_str_copy(t.scope.authority, sizeof t.scope.authority, authority);
    if (lnt_store_token_add(s, &t, now, out, err) != LNT_OK)
        fail_msg("token: %s", err);
}

/*
 * Westham: The Crown (High Street), busy with ejections and medical calls, no harm; Club Nova
 * (Station Quarter), an assault at 23:30 on Friday, a spiking at 01:30 on Saturday morning and
 * a sexual assault. Eastham: Eastgate (Riverside), one fight.
 */
static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct lnt_store *s = NULL;
    struct feed kc, kn, ke;
    char err[LNT_ERRBUF_SIZE] = "";
    const char *const threads[] = {"--threads", "2", NULL};
    int64_t now = lnt_time_now();
    int32_t fri = last_friday();

    assert_non_null(f);
    lnt_log_init("test_api_hotspots", LNT_LOG_WARN);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    f->dir = lnt_test_tmpdir();
    assert_non_null(f->dir);
    f->db = lnt_test_path(f->dir, "lantern.db");
    assert_int_equal(lnt_store_open(&s, f->db, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_init(s, "WTN", err), LNT_OK);
    f->crown = add_venue(s, "The Crown", LNT_VENUE_PUB, "High Street", "Westham");
    f->nova = add_venue(s, "Club Nova", LNT_VENUE_NIGHTCLUB, "Station Quarter", "Westham");
    f->east = add_venue(s, "Eastgate", LNT_VENUE_PUB, "Riverside", "Eastham");
    add_kiosk(s, f->crown, now, &kc);
    add_kiosk(s, f->nova, now, &kn);
    add_kiosk(s, f->east, now, &ke);
    for (int i = 0; i < 6; i++)
        report(s, &kc, now, london(fri - 7 * i, 22, 10), i % 2 ? "ejection" : "medical");
    report(s, &kn, now, london(fri, 23, 30), "violence_injury");
    report(s, &kn, now, london(fri + 1, 1, 30), "spiking");
    report(s, &kn, now, london(fri + 7, 21, 0), "sexual");
    report(s, &ke, now, london(fri + 1, 22, 0), "violence");
    add_officer(s, SCHEME_EMAIL, "");
    add_officer(s, WEST_EMAIL, "Westham");
    add_token(s, "", now, f->scheme_token);
    add_token(s, "Westham", now, f->west_token);
    lnt_store_free(s);

    lnt_test_lanternd_start(&f->server, f->dir, f->db, threads);
    f->curl = lnt_test_officer_client();
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

/* GET path with a bearer token: the status, and the JSON body (the caller decrefs). */
static json_t *api_get(struct fixture *f, const char *token, const char *path, long *status)
{
    struct lnt_test_page r;
    json_error_t je;
    json_t *j;

    lnt_test_officer_http(f->curl, f->server.base, path, NULL, token, &r);
    *status = r.status;
    j = json_loads(r.body.data, 0, &je);
    if (j == NULL)
        fail_msg("%s: not JSON: %s", path, r.body.data);
    lnt_test_page_release(&r);
    return j;
}

/* The dashboard page at path, signed in as email; the caller releases it. */
static void page(struct fixture *f, const char *email, const char *path, struct lnt_test_page *r)
{
    assert_int_equal(lnt_test_officer_login(f->curl, f->server.base, email, PASSWORD, NULL, 0),
                     303);
    lnt_test_officer_http(f->curl, f->server.base, path, NULL, NULL, r);
}

/* The count in the heatmap cell of night row `day` at London hour `hour`, from the page. */
static long long heat_cell(const char *html, int day, int hour)
{
    char want[96];
    const char *p;

    snprintf(want, sizeof want, "data-day=\"%d\" data-hour=\"%d\" data-count=\"", day, hour);
    p = strstr(html, want);
    if (p == NULL)
        fail_msg("no heatmap cell for night %d hour %d", day, hour);
    return strtoll(p + strlen(want), NULL, 10);
}

/* counts[col] of night `day` from /reports/nights, at London hour `hour`. */
static json_int_t night_count(json_t *j, int day, int hour)
{
    json_t *hours = json_object_get(j, "hours");
    for (size_t c = 0; c < json_array_size(hours); c++)
        if (json_integer_value(json_array_get(hours, c)) == hour)
            return json_integer_value(json_array_get(
                json_object_get(json_array_get(json_object_get(j, "nights"), (size_t)day),
                                "counts"),
                c));
    fail_msg("no column for hour %d", hour);
    return -1;
}

static void test_api_hotspots__friday_night_is_one_row(void **state)
{
    struct fixture *f = *state;
    struct lnt_test_page r;
    long status;
    json_t *j;

    /* the page: 23:30 Friday and 01:30 Saturday both on the Friday-night row, in that order */
    page(f, WEST_EMAIL, "/trends?area=Station+Quarter", &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(heat_cell(r.body.data, 4, 23), 1);
    assert_int_equal(heat_cell(r.body.data, 4, 1), 1);
    assert_int_equal(heat_cell(r.body.data, 5, 1), 0);
    assert_non_null(strstr(r.body.data, "Fri night"));
    assert_true(strstr(r.body.data, "data-day=\"4\" data-hour=\"23\"") <
                strstr(r.body.data, "data-day=\"4\" data-hour=\"1\""));
    lnt_test_page_release(&r);

    /* the API: the same rows and columns */
    j = api_get(f, f->west_token, "/api/v1/reports/nights?area=Station%20Quarter", &status);
    assert_int_equal(status, 200);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "nights"), 4), "night")),
                        "Friday");
    assert_int_equal(json_integer_value(json_array_get(json_object_get(j, "hours"), 0)), 6);
    assert_int_equal(night_count(j, 4, 23), 1);
    assert_int_equal(night_count(j, 4, 1), 1);
    assert_int_equal(night_count(j, 5, 1), 0);
    json_decref(j);
    j = api_get(f, f->west_token, "/api/v1/reports/nights?kind=spiking", &status);
    assert_int_equal(status, 200);
    assert_int_equal(night_count(j, 4, 1), 1);
    assert_int_equal(night_count(j, 4, 23), 0);
    json_decref(j);
}

static void test_api_hotspots__unknown_filters_are_refused_with_choices(void **state)
{
    struct fixture *f = *state;
    struct lnt_test_page r;
    long status;
    json_t *j;
    const char *detail;

    page(f, WEST_EMAIL, "/trends?area=station+quarter", &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body.data, "There is no area &quot;station quarter&quot;"));
    assert_non_null(strstr(r.body.data, "Choose one of: High Street, Station Quarter."));
    /* the lists to pick again from, and no other authority's areas in them */
    assert_non_null(strstr(r.body.data, "<option value=\"Station Quarter\">"));
    assert_null(strstr(r.body.data, "Riverside"));
    lnt_test_page_release(&r);
    lnt_test_officer_http(f->curl, f->server.base, "/trends?kind=Violence", NULL, NULL, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body.data, "There is no incident type &quot;Violence&quot;"));
    assert_non_null(strstr(r.body.data, "Violence: injury, Violence: no injury"));
    lnt_test_page_release(&r);
    /* the words the list shows are accepted as well as the codes */
    lnt_test_officer_http(f->curl, f->server.base, "/trends?kind=Spiking", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "<option value=\"spiking\" selected=\"selected\">"));
    lnt_test_page_release(&r);

    j = api_get(f, f->west_token, "/api/v1/reports/trends?area=station%20quarter", &status);
    assert_int_equal(status, 400);
    detail = json_string_value(json_object_get(j, "detail"));
    assert_non_null(detail);
    assert_non_null(strstr(detail, "choose one of High Street, Station Quarter"));
    json_decref(j);
    j = api_get(f, f->west_token, "/api/v1/reports/nights?kind=Violence", &status);
    assert_int_equal(status, 400);
    assert_non_null(strstr(json_string_value(json_object_get(j, "detail")), "violence_injury"));
    json_decref(j);
    /* an area of another authority is not in a Westham token's list */
    j = api_get(f, f->west_token, "/api/v1/reports/harm?area=Riverside", &status);
    assert_int_equal(status, 400);
    json_decref(j);
}

static void test_api_hotspots__every_kind_is_listed(void **state)
{
    struct fixture *f = *state;
    struct lnt_test_page r;
    char want[64];
    static const char *const drawn[] = {"Spiking", "Weapon", "Sexual harassment or assault",
                                        "Violence: injury"};
    const char *chart, *other;
    long status;
    json_t *j, *kinds;
    size_t n = 0;
    int y, m, d;

    page(f, SCHEME_EMAIL, "/trends", &r);
    assert_int_equal(r.status, 200);
    for (size_t i = 0; lnt_incident_kinds[i] != NULL; i++, n++) {
        snprintf(want, sizeof want, "<tr data-kind=\"%s\">", lnt_incident_kinds[i]);
        if (strstr(r.body.data, want) == NULL)
            fail_msg("the monthly table leaves out %s", lnt_incident_kinds[i]);
        snprintf(want, sizeof want, "<option value=\"%s\"", lnt_incident_kinds[i]);
        if (strstr(r.body.data, want) == NULL)
            fail_msg("the type list leaves out %s", lnt_incident_kinds[i]);
    }
    /* spiking, sexual offences and weapons are drawn on a chart, not only tabled */
    chart = strstr(r.body.data, "id=\"monthly\"");
    other = strstr(r.body.data, "id=\"monthly-other\"");
    assert_non_null(chart);
    assert_non_null(other);
    for (size_t i = 0; i < sizeof drawn / sizeof drawn[0]; i++) {
        const char *at = strstr(chart, drawn[i]);
        if (at == NULL || at > other)
            fail_msg("the chart of harm does not draw \"%s\"", drawn[i]);
    }
    /* a month not over yet says so: today's month unless today is its last day */
    lnt_civil_from_days(lnt_london_date(lnt_time_now()) + 1, &y, &m, &d);
    if (d != 1)
        assert_non_null(strstr(r.body.data, " (to the "));
    else
        assert_null(strstr(r.body.data, " (to the "));
    lnt_test_page_release(&r);

    j = api_get(f, f->scheme_token, "/api/v1/reports/harm", &status);
    assert_int_equal(status, 200);
    kinds = json_object_get(json_array_get(json_object_get(j, "ranking"), 0), "kinds");
    assert_int_equal(json_object_size(kinds), n);
    json_decref(j);
}

static void test_api_hotspots__harm_ranks_beside_risk(void **state)
{
    struct fixture *f = *state;
    struct lnt_test_page r;
    char want[64];
    long status;
    json_t *j, *first, *crown = NULL, *list;
    const char *harm;

    j = api_get(f, f->west_token, "/api/v1/reports/harm", &status);
    assert_int_equal(status, 200);
    list = json_object_get(j, "ranking");
    assert_int_equal(json_array_size(list), 2); /* Westham's venues only */
    first = json_array_get(list, 0);
    assert_int_equal(json_integer_value(json_object_get(first, "venue_id")), f->nova);
    assert_int_equal(json_integer_value(json_object_get(first, "harm_rank")), 1);
    /* violence with injury, spiking, a sexual assault: 3 points each */
    assert_int_equal(json_integer_value(json_object_get(first, "harm_points")), 9);
    assert_non_null(json_object_get(first, "risk_rank"));
    assert_non_null(json_object_get(first, "risk_milli"));
    crown = json_array_get(list, 1);
    assert_int_equal(json_integer_value(json_object_get(crown, "venue_id")), f->crown);
    assert_int_equal(json_integer_value(json_object_get(crown, "harm_points")), 0);
    assert_int_equal(json_integer_value(json_object_get(crown, "reports")), 6);
    assert_true(json_array_size(json_object_get(j, "weights")) >= 3);
    json_decref(j);

    page(f, WEST_EMAIL, "/trends", &r);
    assert_int_equal(r.status, 200);
    harm = strstr(r.body.data, "id=\"harm-table\"");
    assert_non_null(harm);
    snprintf(want, sizeof want, "<tr data-venue=\"%lld\">", (long long)f->nova);
    assert_non_null(strstr(harm, want));
    assert_true(strstr(harm, want) < strstr(harm, "The Crown"));
    assert_non_null(strstr(r.body.data, "id=\"harm-explained\""));
    assert_non_null(strstr(r.body.data, "spiking 3"));
    assert_non_null(strstr(r.body.data, "id=\"years-table\""));
    lnt_test_page_release(&r);
}

static void test_api_hotspots__authorities_compared_for_the_scheme_only(void **state)
{
    struct fixture *f = *state;
    struct lnt_test_page r;
    long status;
    json_t *j, *list;

    j = api_get(f, f->west_token, "/api/v1/reports/authorities", &status);
    assert_int_equal(status, 403);
    assert_non_null(strstr(json_string_value(json_object_get(j, "detail")), "Westham"));
    json_decref(j);
    j = api_get(f, f->scheme_token, "/api/v1/reports/authorities", &status);
    assert_int_equal(status, 200);
    list = json_object_get(j, "authorities");
    assert_int_equal(json_array_size(list), 2);
    json_decref(j);

    page(f, WEST_EMAIL, "/trends", &r);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body.data, "id=\"authority-table\""));
    assert_null(strstr(r.body.data, "Eastgate"));
    lnt_test_page_release(&r);
    page(f, SCHEME_EMAIL, "/trends", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body.data, "id=\"authority-table\""));
    assert_non_null(strstr(strstr(r.body.data, "id=\"authority-table\""), "Eastham"));
    lnt_test_page_release(&r);

    j = api_get(f, f->scheme_token, "/api/v1/reports/years", &status);
    assert_int_equal(status, 200);
    list = json_object_get(j, "years");
    assert_true(json_array_size(list) >= 1);
    {
        json_int_t total = 0;
        for (size_t i = 0; i < json_array_size(list); i++)
            total += json_integer_value(json_object_get(json_array_get(list, i), "reports"));
        assert_int_equal(total, 6 + 3 + 1);
    }
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(test_api_hotspots__##name, setup, teardown)
        T(friday_night_is_one_row),
        T(unknown_filters_are_refused_with_choices),
        T(every_kind_is_listed),
        T(harm_ranks_beside_risk),
        T(authorities_compared_for_the_scheme_only),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
