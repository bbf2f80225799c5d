/* api_score.c - scores and task-force reports over the officer API (docs/scoring.md, docs/api.md).
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "log.h"
#include "ltime.h"
#include "night.h"
#include "score_api.h"
#include "score_cache.h"
#include "score_load.h"
#include "store_hotspots.h"

#define REPLY_MAX (16 << 20)
#define TOP_DEFAULT 10
#define STOCK_DAYS_DEFAULT 28
#define TRENDS_DAYS_DEFAULT 365

/* The rules, read once per process; a broken rules file answers 500 with its file:line. */
static pthread_once_t rules_once = PTHREAD_ONCE_INIT;
static struct lnt_score_rules rules;
static enum lnt_err rules_rc;
static char rules_err[LNT_ERRBUF_SIZE];

static void rules_load(void)
{
    rules_rc = lnt_score_load_rules(&rules, rules_err);
    if (rules_rc != LNT_OK)
        lnt_error("scoring rules: %s", rules_err);
}

const struct lnt_score_rules *lnt_api_score_rules(struct lnt_http_response *resp)
{
    pthread_once(&rules_once, rules_load);
    if (rules_rc != LNT_OK) {
        lnt_http_problem(resp, 500, "the scoring rules could not be loaded: %s", rules_err);
        return NULL;
    }
    return &rules;
}

static const struct lnt_score_rules *rules_get(struct lnt_http_response *resp)
{
    return lnt_api_score_rules(resp);
}

/* Sends text already encoded as JSON. */
static void reply_text(struct lnt_http_response *resp, const struct lnt_buf *b)
{
    lnt_buf_reset(&resp->body);
    if (lnt_buf_append(&resp->body, b->data, b->len) != LNT_OK) {
        lnt_http_problem(resp, 500, "the reply is over the server's bound");
        return;
    }
    resp->status = 200;
    lnt_str_copy(resp->content_type, sizeof resp->content_type, "application/json");
}

static void failed(struct lnt_http_response *resp, const char *what, enum lnt_err rc,
                   const char *err)
{
    if (rc == LNT_ERR_NOT_FOUND) {
        lnt_http_problem(resp, 404, "%s: %s", what, err);
        return;
    }
    lnt_error("%s: %s", what, err);
    lnt_http_problem(resp, 500, "%s failed: %s", what, lnt_strerror(rc));
}

/* `at` from the query: RFC 3339, or a date meaning the end of that trading night; default now. */
static bool query_at(const struct lnt_api *api, const struct lnt_http_request *req, int64_t *at,
                     struct lnt_http_response *resp)
{
    const char *s = lnt_http_query(req, "at");
    if (s == NULL) {
        *at = lnt_api_now(api);
        return true;
    }
    if (lnt_as_at_parse(s, at, NULL) == LNT_OK) /* the dashboard's rule too */
        return true;
    lnt_http_problem(resp, 400, "query `at`: expected an RFC 3339 time or YYYY-MM-DD");
    return false;
}

static bool query_int(const struct lnt_http_request *req, const char *name, int64_t min,
                      int64_t max, int64_t *out, struct lnt_http_response *resp)
{
    const char *s = lnt_http_query(req, name);
    if (s == NULL)
        return true;
    if (lnt_parse_i64(s, min, max, out) != LNT_OK) {
        lnt_http_problem(resp, 400, "query `%s`: expected a whole number %lld..%lld", name,
                         (long long)min, (long long)max);
        return false;
    }
    return true;
}

static void handle_score(struct lnt_api *api, const struct lnt_http_request *req,
                         const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    const struct lnt_score_rules *r;
    struct lnt_api_caller c;
    struct lnt_venue venue;
    struct lnt_score_result res;
    struct lnt_buf b;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t id, at;
    enum lnt_err rc;

    memset(&res, 0, sizeof res);
    lnt_buf_init(&b, REPLY_MAX);
    if (!lnt_api_open_venue(api, req, params, NULL, &c, &id, &venue, resp) ||
        !query_at(api, req, &at, resp) || (r = rules_get(resp)) == NULL)
        goto out;
    rc = lnt_score_load_venue(api->store, r, id, at, &res, err);
    /* who worked a door without a valid licence is the register's to tell */
    if (rc == LNT_OK && !lnt_scope_may_read_register(&c.token.scope))
        lnt_score_load_hide_people(&res);
    if (rc != LNT_OK || (rc = lnt_score_to_json(&res, &b, err)) != LNT_OK) {
        failed(resp, "the score", rc, err);
        goto out;
    }
    /* the explanation cites incidents by report id: the read is audited */
    {
        char object[32];
        snprintf(object, sizeof object, "venue %lld", (long long)id);
        if (!lnt_api_audit_read(api, req, &c, "score.read", object, 1, resp))
            goto out;
    }
    reply_text(resp, &b);
out:
    lnt_score_result_release(&res);
    lnt_buf_release(&b);
}

static void handle_hotspots(struct lnt_api *api, const struct lnt_http_request *req,
                            const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    const struct lnt_score_rules *r;
    struct lnt_api_caller c;
    struct lnt_buf b;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t at, top = TOP_DEFAULT, min_nights = 3;
    enum lnt_err rc;
    (void)params;

    lnt_buf_init(&b, REPLY_MAX);
    if (!lnt_api_open(api, req, &lnt_api_gate_town, &c, resp) || !query_at(api, req, &at, resp) ||
        !query_int(req, "top", 1, 1000, &top, resp) ||
        !query_int(req, "min_nights", 1, 366, &min_nights, resp) || (r = rules_get(resp)) == NULL)
        goto out;
    rc = lnt_score_report_hotspots(api->store, r, c.token.scope.authority, at, (size_t)top,
                                   (int)min_nights, &b, err);
    if (rc != LNT_OK)
        failed(resp, "the hot spots", rc, err);
    else
        reply_text(resp, &b);
out:
    lnt_buf_release(&b);
}

/* venue=ID narrows to one venue in scope; a venue's own token is narrowed to its venue. */
static bool scope_venue(struct lnt_api *api, const struct lnt_http_request *req,
                        const struct lnt_api_caller *c, int64_t *venue_id,
                        struct lnt_http_response *resp)
{
    struct lnt_venue v;
    if (!lnt_api_query_id(req, "venue", venue_id, resp))
        return false;
    if (*venue_id == 0)
        *venue_id = c->token.scope.venue_id;
    return *venue_id == 0 || lnt_api_venue_in_scope(api, req, c, *venue_id, &v, resp);
}

static void handle_trends(struct lnt_api *api, const struct lnt_http_request *req,
                          const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_rollup_scope scope = {0};
    struct lnt_buf b;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t from, to;
    enum lnt_err rc;
    (void)params;

    lnt_buf_init(&b, REPLY_MAX);
    if (!lnt_api_officer_auth(api, req, &c, resp) ||
        !scope_venue(api, req, &c, &scope.venue_id, resp) ||
        !lnt_api_query_range(req, lnt_api_now(api), TRENDS_DAYS_DEFAULT, &from, &to, resp))
        goto out;
    scope.area = lnt_http_query(req, "area");
    scope.authority = c.token.scope.authority[0] ? c.token.scope.authority : NULL;
    /* an area not in the list is refused by name, never answered with an empty town */
    if (scope.area != NULL && scope.area[0] != '\0' &&
        (rc = lnt_store_hot_area_check(api->store, scope.authority, scope.area, err)) != LNT_OK) {
        if (rc == LNT_ERR_NOT_FOUND)
            lnt_http_problem(resp, 400, "query `area`: %s", err);
        else
            failed(resp, "the trends", rc, err);
        goto out;
    }
    rc = lnt_score_report_trends(api->store, &scope, from, to, &b, err);
    if (rc == LNT_ERR_INVALID)
        lnt_http_problem(resp, 400, "%s", err);
    else if (rc != LNT_OK)
        failed(resp, "the trends", rc, err);
    else
        reply_text(resp, &b);
out:
    lnt_buf_release(&b);
}

static void handle_volunteers(struct lnt_api *api, const struct lnt_http_request *req,
                              const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_rollup_scope scope;
    struct lnt_buf b;
    char err[LNT_ERRBUF_SIZE] = "", object[64];
    int64_t from, to, venue = 0;
    enum lnt_err rc;
    (void)params;

    lnt_buf_init(&b, REPLY_MAX);
    if (!lnt_api_officer_auth(api, req, &c, resp) || !scope_venue(api, req, &c, &venue, resp) ||
        !lnt_api_query_range(req, lnt_api_now(api), TRENDS_DAYS_DEFAULT, &from, &to, resp))
        goto out;
    /* the same rule as GET /api/v1/volunteers/shifts: hubs in the caller's scope only */
    lnt_scope_volunteers(&c.token.scope, venue, &scope);
    rc = lnt_score_report_volunteers(api->store, &scope, from, to, &b, err);
    if (rc != LNT_OK) {
        failed(resp, "the volunteer report", rc, err);
        goto out;
    }
    lnt_api_scope_object(&c.token.scope, venue, object, sizeof object);
    if (lnt_api_audit_read(api, req, &c, "volunteers.read", object, 1, resp))
        reply_text(resp, &b);
out:
    lnt_buf_release(&b);
}

static void handle_stock(struct lnt_api *api, const struct lnt_http_request *req,
                         const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_buf b;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t at, days = STOCK_DAYS_DEFAULT;
    enum lnt_err rc;
    (void)params;

    lnt_buf_init(&b, REPLY_MAX);
    if (!lnt_api_open(api, req, &lnt_api_gate_town, &c, resp) || !query_at(api, req, &at, resp) ||
        !query_int(req, "days", 1, 366, &days, resp))
        goto out;
    rc = lnt_score_report_stock(api->store, c.token.scope.authority, at, (int)days, &b, err);
    if (rc != LNT_OK)
        failed(resp, "the stock report", rc, err);
    else
        reply_text(resp, &b);
out:
    lnt_buf_release(&b);
}

/* The venue's brief from api->score_cache, or scored now (three windows) and cached. */
static bool venue_brief(struct lnt_api *api, int64_t venue_id, struct lnt_score_brief *out)
{
    struct lnt_score_result res;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t now = lnt_api_now(api);
    uint64_t ticket;

    if (lnt_score_cache_get(api->score_cache, venue_id, now, out, &ticket))
        return true;
    if (lnt_score_load_venue(api->store, &rules, venue_id, now, &res, err) != LNT_OK) {
        lnt_warn("score of venue %lld: %s", (long long)venue_id, err);
        lnt_score_result_release(&res);
        return false;
    }
    lnt_score_brief_of(&res, out);
    lnt_score_result_release(&res);
    lnt_score_cache_put(api->score_cache, venue_id, ticket, now, out);
    return true;
}

void lnt_api_score_venue_summary(struct lnt_api *api, int64_t venue_id, struct json_t *venue)
{
    struct lnt_score_brief b;
    json_t *s;

    pthread_once(&rules_once, rules_load);
    if (rules_rc != LNT_OK)
        return; /* "score" stays null; the error is logged once */
    if (!venue_brief(api, venue_id, &b))
        return;
    s = json_pack("{s:s, s:I, s:s, s:b, s:o, s:b, s:i}", "band", lnt_band_name(b.band),
                  "total_milli", (json_int_t)b.total_milli, "trend", lnt_trend_name(b.trend),
                  "accredited", b.accredited, "award",
                  b.award[0] ? json_string(b.award) : json_null(), "scored", b.scored,
                  "window_nights", b.window_nights);
    if (s != NULL && json_object_set_new(venue, "score", s) != 0)
        lnt_warn("score of venue %lld: out of memory", (long long)venue_id);
}

static const struct lnt_api_route routes[] = {
    {"GET", "/api/v1/venues/{id}/score", LNT_API_BODY_DEFAULT, handle_score},
    {"GET", "/api/v1/reports/hotspots", LNT_API_BODY_DEFAULT, handle_hotspots},
    {"GET", "/api/v1/reports/trends", LNT_API_BODY_DEFAULT, handle_trends},
    {"GET", "/api/v1/reports/volunteers", LNT_API_BODY_DEFAULT, handle_volunteers},
    {"GET", "/api/v1/reports/stock", LNT_API_BODY_DEFAULT, handle_stock},
};

const struct lnt_api_routes lnt_api_score_routes = {routes, sizeof routes / sizeof routes[0]};
