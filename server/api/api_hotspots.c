/* api_hotspots.c - hot spots for a sergeant over the officer API: incidents by trading night,
 * venues ranked by harm beside their rank by risk, yearly totals, authorities compared. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "event.h"
#include "log.h"
#include "ltime.h"
#include "night.h"
#include "score_api.h"
#include "score_load.h"
#include "store_hotspots.h"

#define NIGHTS_DAYS_DEFAULT 90
#define YEARS_BACK 2 /* the two years before this one, and this one so far */
#define AUTHORITIES_MAX 64

static const char *const night_names[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                           "Friday", "Saturday", "Sunday"};

/*
 * The filters every report here takes, each checked against its list: area
 * (of the open venues in scope), venue (in scope; a venue token is narrowed
 * to its own), kind (one of the incident kinds). A 400 problem naming the
 * choices for a value not in its list.
 */
static bool filters(struct lnt_api *api, const struct lnt_http_request *req,
                    const struct lnt_api_caller *c, bool with_kind, struct lnt_rollup_scope *sc,
                    const char **kind, struct lnt_http_response *resp)
{
    const char *area = lnt_http_query(req, "area"), *k = lnt_http_query(req, "kind");
    char err[LNT_ERRBUF_SIZE] = "", names[LNT_ERRBUF_SIZE] = "";
    struct lnt_venue v;
    enum lnt_err rc;

    memset(sc, 0, sizeof *sc);
    sc->authority = c->token.scope.authority[0] != '\0' ? c->token.scope.authority : NULL;
    if (!lnt_api_query_id(req, "venue", &sc->venue_id, resp))
        return false;
    if (sc->venue_id == 0)
        sc->venue_id = c->token.scope.venue_id;
    if (sc->venue_id != 0 && !lnt_api_venue_in_scope(api, req, c, sc->venue_id, &v, resp))
        return false;
    if (area != NULL && area[0] != '\0') {
        rc = lnt_store_hot_area_check(api->store, sc->authority, area, err);
        if (rc == LNT_ERR_NOT_FOUND) {
            lnt_http_problem(resp, 400, "query `area`: %s", err);
            return false;
        }
        if (rc != LNT_OK) {
            lnt_error("hot spots: areas: %s", err);
            lnt_http_problem(resp, 500, "the areas could not be read");
            return false;
        }
        sc->area = area;
    }
    if (kind == NULL)
        return true;
    *kind = NULL;
    if (!with_kind || k == NULL || k[0] == '\0')
        return true;
    if (lnt_incident_kind_valid(k)) {
        *kind = k;
        return true;
    }
    for (size_t i = 0; lnt_incident_kinds[i] != NULL; i++) {
        size_t len = strlen(names);
        snprintf(names + len, sizeof names - len, "%s%s", i > 0 ? ", " : "", lnt_incident_kinds[i]);
    }
    lnt_http_problem(resp, 400, "query `kind`: no incident kind \"%.48s\": choose one of %s", k,
                     names);
    return false;
}

/* {"violence_injury": 3, ...} of every incident kind, in lnt_incident_kinds' order. */
static json_t *kinds_json(const int64_t kinds[LNT_HOT_KINDS])
{
    json_t *o = json_object();

    for (size_t i = 0; o != NULL && i < LNT_HOT_KINDS && lnt_incident_kinds[i] != NULL; i++)
        json_object_set_new(o, lnt_incident_kinds[i], json_integer((json_int_t)kinds[i]));
    return o;
}

static json_t *weights_json(void)
{
    json_t *a = json_array();

    for (size_t i = 0; a != NULL && lnt_hot_harm_weights[i].kind != NULL; i++)
        json_array_append_new(a, json_pack("{s:s, s:i, s:s}", "kind", lnt_hot_harm_weights[i].kind,
                                           "weight", lnt_hot_harm_weights[i].weight, "words",
                                           lnt_hot_harm_weights[i].words));
    return a;
}

static json_t *window_json(int32_t first, int32_t last)
{
    char d1[LNT_DATE_STRLEN] = "", d2[LNT_DATE_STRLEN] = "";

    (void)lnt_date_format(first, d1);
    (void)lnt_date_format(last, d2);
    return json_pack("{s:s, s:s}", "first", d1, "last", d2);
}

static void handle_nights(struct lnt_api *api, const struct lnt_http_request *req,
                          const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_rollup_scope sc;
    const char *kind = NULL;
    int64_t from, to, grid[7][LNT_HOT_HOURS];
    char err[LNT_ERRBUF_SIZE] = "";
    json_t *reply = NULL, *rows, *hours;
    (void)params;

    if (!lnt_api_open(api, req, NULL, &c, resp) || !filters(api, req, &c, true, &sc, &kind, resp) ||
        !lnt_api_query_range(req, lnt_api_now(api), NIGHTS_DAYS_DEFAULT, &from, &to, resp))
        return;
    if (lnt_store_hot_nights(api->store, &sc, kind, from, to, grid, err) != LNT_OK) {
        lnt_error("hot spots: nights: %s", err);
        lnt_http_problem(resp, 500, "the nights could not be read");
        return;
    }
    rows = json_array();
    hours = json_array();
    for (int col = 0; hours != NULL && col < LNT_HOT_HOURS; col++)
        json_array_append_new(hours, json_integer(lnt_hot_hour_of_column(col)));
    for (int d = 0; rows != NULL && d < 7; d++) {
        json_t *counts = json_array();
        for (int col = 0; counts != NULL && col < LNT_HOT_HOURS; col++)
            json_array_append_new(counts, json_integer((json_int_t)grid[d][col]));
        json_array_append_new(rows,
                              json_pack("{s:s, s:o*}", "night", night_names[d], "counts", counts));
    }
    reply = json_pack("{s:o, s:o, s:o*, s:o, s:o}", "from", lnt_api_json_time(from), "to",
                      lnt_api_json_time(to), "kind", kind != NULL ? json_string(kind) : json_null(),
                      "hours", hours, "nights", rows);
    if (reply == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, 200, reply);
    json_decref(reply);
}

/* Risk points, rank by risk (1 = riskiest) and the points not from incidents, of a venue. */
static const struct lnt_rank_venue *rank_of(const struct lnt_rank_venue *rank, size_t n, int64_t id,
                                            size_t *pos)
{
    for (size_t i = 0; i < n; i++)
        if (rank[i].venue_id == id) {
            *pos = i + 1;
            return &rank[i];
        }
    return NULL;
}

static void handle_harm(struct lnt_api *api, const struct lnt_http_request *req,
                        const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    const struct lnt_score_rules *rules;
    struct lnt_api_caller c;
    struct lnt_rollup_scope sc;
    struct lnt_rank_venue *rank = NULL;
    struct lnt_hot_venue *rows = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t nr = 0, n = 0, harm_rank = 0;
    int32_t first, last;
    int64_t at = lnt_api_now(api);
    json_t *list = NULL, *reply = NULL;
    (void)params;

    if (!lnt_api_open(api, req, &lnt_api_gate_town, &c, resp) ||
        !filters(api, req, &c, false, &sc, NULL, resp) ||
        (rules = lnt_api_score_rules(resp)) == NULL)
        goto out;
    lnt_score_window(at, rules->risk->window_days, &first, &last);
    if (lnt_score_load_rank(api->store, rules, sc.authority, at, &rank, &nr, err) != LNT_OK ||
        lnt_store_hot_venues(api->store, &sc, first, last, &rows, &n, err) != LNT_OK) {
        lnt_error("hot spots: harm: %s", err);
        lnt_http_problem(resp, 500, "the harm ranking could not be read");
        goto out;
    }
    list = json_array();
    for (size_t i = 0; list != NULL && i < n; i++) {
        size_t pos = 0;
        const struct lnt_rank_venue *rv = rank_of(rank, nr, rows[i].venue.id, &pos);
        if (rv == NULL) /* closed: not ranked by risk either */
            continue;
        json_array_append_new(
            list,
            json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:o*, s:I, s:I, s:I, s:I}", "venue_id",
                      (json_int_t)rows[i].venue.id, "name", rows[i].venue.name, "area",
                      rows[i].venue.area, "authority", rows[i].venue.authority, "harm_rank",
                      (json_int_t)++harm_rank, "harm_points", (json_int_t)rows[i].harm_points,
                      "harm_reports", (json_int_t)rows[i].harm_reports, "kinds",
                      kinds_json(rows[i].kinds), "reports", (json_int_t)rows[i].reports,
                      "risk_rank", (json_int_t)pos, "risk_milli", (json_int_t)rv->score.total_milli,
                      "risk_not_incidents_milli",
                      (json_int_t)(rv->score.total_milli - rv->score.cause_milli[0])));
    }
    reply = json_pack("{s:o*, s:o*, s:o*}", "ranking", list, "weights", weights_json(), "window",
                      window_json(first, last));
    list = NULL;
    if (reply == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, 200, reply);
out:
    json_decref(reply);
    free(rank);
    free(rows);
}

static void handle_years(struct lnt_api *api, const struct lnt_http_request *req,
                         const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_rollup_scope sc;
    struct lnt_hot_year *y = NULL;
    struct lnt_hot_venue *venues = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0, nv = 0, n_open = 0;
    int32_t today = lnt_night_of(lnt_api_now(api));
    int yy, m, d;
    json_t *list, *reply;
    (void)params;

    if (!lnt_api_open(api, req, NULL, &c, resp) || !filters(api, req, &c, false, &sc, NULL, resp))
        return;
    lnt_civil_from_days(today, &yy, &m, &d);
    if (lnt_store_hot_years(api->store, &sc, lnt_days_from_civil(yy - YEARS_BACK, 1, 1), today, &y,
                            &n, err) != LNT_OK ||
        lnt_store_hot_venues(api->store, &sc, today, today, &venues, &nv, err) != LNT_OK) {
        lnt_error("hot spots: years: %s", err);
        lnt_http_problem(resp, 500, "the yearly totals could not be read");
        goto out;
    }
    for (size_t i = 0; i < nv; i++)
        n_open += venues[i].venue.closed_at == 0;
    list = json_array();
    for (size_t i = 0; list != NULL && i < n; i++) {
        int32_t nights = y[i].last_night - y[i].first_night + 1;
        json_array_append_new(
            list,
            json_pack("{s:i, s:o*, s:I, s:I, s:I, s:i, s:i, s:f, s:f, s:b}", "year", y[i].year,
                      "nights", window_json(y[i].first_night, y[i].last_night), "reports",
                      (json_int_t)y[i].reports, "harm_reports", (json_int_t)y[i].harm_reports,
                      "harm_points", (json_int_t)y[i].harm_points, "venues_reporting",
                      y[i].venues_reporting, "nights_reporting", y[i].nights_reporting, "per_venue",
                      n_open > 0 ? (double)y[i].reports / (double)n_open : 0.0, "per_night",
                      nights > 0 ? (double)y[i].reports / nights : 0.0, "so_far", y[i].year == yy));
    }
    reply = json_pack("{s:o*, s:I}", "years", list, "venues", (json_int_t)n_open);
    if (reply == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, 200, reply);
    json_decref(reply);
out:
    free(y);
    free(venues);
}

struct authority_total {
    char name[LNT_AUTHORITY_MAX + 1];
    int64_t venues, reports, harm_reports, harm_points;
};

static void handle_authorities(struct lnt_api *api, const struct lnt_http_request *req,
                               const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    const struct lnt_score_rules *rules;
    struct lnt_api_caller c;
    struct lnt_rollup_scope all = {0};
    struct lnt_hot_venue *rows = NULL;
    struct authority_total *a = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0, na = 0;
    int32_t first, last;
    json_t *list, *reply;
    (void)params;

    if (!lnt_api_open(api, req, &lnt_api_gate_town, &c, resp))
        return;
    /* comparing authorities is the scheme's view; an authority's officer sees their own only */
    if (c.token.scope.authority[0] != '\0') {
        lnt_api_audit_refusal(api, req, &c, req->path);
        lnt_http_problem(resp, 403,
                         "comparing authorities is for scheme-wide tokens; this token covers "
                         "authority %s only (see /api/v1/reports/harm)",
                         c.token.scope.authority);
        return;
    }
    if ((rules = lnt_api_score_rules(resp)) == NULL)
        return;
    lnt_score_window(lnt_api_now(api), rules->risk->window_days, &first, &last);
    a = calloc(AUTHORITIES_MAX, sizeof *a);
    if (a == NULL ||
        lnt_store_hot_venues(api->store, &all, first, last, &rows, &n, err) != LNT_OK) {
        lnt_error("hot spots: authorities: %s", a == NULL ? "out of memory" : err);
        lnt_http_problem(resp, 500, "the authorities could not be compared");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        size_t j;
        if (rows[i].venue.closed_at != 0)
            continue;
        for (j = 0; j < na; j++)
            if (strcmp(a[j].name, rows[i].venue.authority) == 0)
                break;
        if (j == na) {
            if (na == AUTHORITIES_MAX)
                continue;
            lnt_str_copy(a[na++].name, sizeof a[0].name, rows[i].venue.authority);
        }
        a[j].venues++;
        a[j].reports += rows[i].reports;
        a[j].harm_reports += rows[i].harm_reports;
        a[j].harm_points += rows[i].harm_points;
    }
    list = json_array();
    for (size_t i = 0; list != NULL && i < na; i++)
        json_array_append_new(
            list,
            json_pack("{s:s, s:I, s:I, s:I, s:I, s:f}", "authority", a[i].name, "venues",
                      (json_int_t)a[i].venues, "reports", (json_int_t)a[i].reports, "harm_reports",
                      (json_int_t)a[i].harm_reports, "harm_points", (json_int_t)a[i].harm_points,
                      "harm_per_venue",
                      a[i].venues > 0 ? (double)a[i].harm_points / (double)a[i].venues : 0.0));
    reply = json_pack("{s:o*, s:o*}", "authorities", list, "window", window_json(first, last));
    if (reply == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, 200, reply);
    json_decref(reply);
out:
    free(a);
    free(rows);
}

static const struct lnt_api_route routes[] = {
    {"GET", "/api/v1/reports/nights", LNT_API_BODY_DEFAULT, handle_nights},
    {"GET", "/api/v1/reports/harm", LNT_API_BODY_DEFAULT, handle_harm},
    {"GET", "/api/v1/reports/years", LNT_API_BODY_DEFAULT, handle_years},
    {"GET", "/api/v1/reports/authorities", LNT_API_BODY_DEFAULT, handle_authorities},
};

const struct lnt_api_routes lnt_api_hotspots_routes = {routes, sizeof routes / sizeof routes[0]};
