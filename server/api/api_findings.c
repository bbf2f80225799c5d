/* api_findings.c - assessors' Best Bar None findings over the officer API: list and record. */
#include <jansson.h>
#include <string.h>

#include "api.h"
#include "buf.h"
#include "http.h"
#include "log.h"
#include "ltime.h"
#include "score.h"
#include "score_api.h"
#include "score_cache.h"
#include "store.h"

#define FINDING_BODY_MAX 8192

/* Roles whose word on a criterion counts: the scheme's admin, licensing officers, assessors. */
static bool may_record(enum lnt_officer_role role)
{
    return role == LNT_OFFICER_ADMIN || role == LNT_OFFICER_OFFICER || role == LNT_OFFICER_ASSESSOR;
}

static json_t *finding_json(const struct lnt_finding *f)
{
    return json_pack("{s:I, s:s, s:b, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)f->id,
                     "criterion", f->criterion, "met", f->met, "evidence", f->evidence, "assessor",
                     f->assessor, "found_on", lnt_api_json_date(f->found_on), "valid_until",
                     lnt_api_json_date(f->valid_until), "recorded_at",
                     lnt_api_json_time(f->recorded_at));
}

/* GET /api/v1/venues/{id}/findings: every finding, newest first. */
static void handle_list(struct lnt_api *api, const struct lnt_http_request *req,
                        const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_venue v;
    struct lnt_finding *f = NULL;
    size_t n = 0;
    char err[LNT_ERRBUF_SIZE] = "";
    json_t *reply = NULL, *arr;
    int64_t id;

    if (!lnt_api_open_venue(api, req, params, NULL, &c, &id, &v, resp))
        return;
    if (lnt_store_finding_list(api->store, id, &f, &n, err) != LNT_OK) {
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not read the findings");
        return;
    }
    arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++)
        if (json_array_append_new(arr, finding_json(&f[i])) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    reply = arr ? json_pack("{s:I, s:o}", "venue_id", (json_int_t)id, "findings", arr) : NULL;
    if (reply == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, 200, reply);
    json_decref(reply);
    free(f);
}

/* Reads an optional date field; false with a 400 problem when it is there but malformed. */
static bool opt_date(json_t *body, const char *key, int32_t *out, struct lnt_http_response *resp)
{
    json_t *v = json_object_get(body, key);
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_string(v) || lnt_date_parse(json_string_value(v), out) != LNT_OK) {
        lnt_http_problem(resp, 400, "field `%s`: expected a date (YYYY-MM-DD)", key);
        return false;
    }
    return true;
}

/*
 * POST /api/v1/venues/{id}/findings
 *   {"criterion": "A3", "met": true, "evidence": "...", "assessor": "...",
 *    "found_on": "2026-11-20", "valid_until": null}
 * The criterion must be one the catalogue evidences by an assessor's finding.
 */
/*
 * Fills *f (for venue `venue_id`) from a POSTed finding: known fields only, a
 * criterion of `rules` that an assessor evidences, `met`, `evidence`, and
 * optional `assessor` (default `actor`), `found_on` (default today in London,
 * never in the future) and `valid_until`. false with a 400 problem in `resp`
 * naming the first bad field.
 */
static bool finding_from_json(const struct lnt_score_rules *rules, json_t *body, int64_t venue_id,
                              const char *actor, int64_t now, struct lnt_finding *f,
                              struct lnt_http_response *resp)
{
    static const char *const known[] = {"criterion", "met",      "evidence",
                                        "assessor",  "found_on", "valid_until"};
    const struct lnt_bbn_criterion *crit = NULL;
    const char *key, *s;
    json_t *val;

    json_object_foreach(body, key, val)
    {
        bool ok = false;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            ok = ok || strcmp(key, known[i]) == 0;
        if (!ok) {
            lnt_http_problem(resp, 400, "unknown field `%.64s`", key);
            return false;
        }
    }
    memset(f, 0, sizeof *f);
    f->venue_id = venue_id;
    s = json_string_value(json_object_get(body, "criterion"));
    for (size_t i = 0; s != NULL && i < rules->bbn->n_criteria; i++)
        if (strcmp(rules->bbn->criteria[i].id, s) == 0)
            crit = &rules->bbn->criteria[i];
    if (crit == NULL || crit->metric != LNT_METRIC_FINDING) {
        lnt_http_problem(resp, 400,
                         "field `criterion`: expected the id of a criterion evidenced by an "
                         "assessor's finding in catalogue %s",
                         rules->bbn->version);
        return false;
    }
    lnt_str_copy(f->criterion, sizeof f->criterion, crit->id);
    if (!json_is_boolean(json_object_get(body, "met"))) {
        lnt_http_problem(resp, 400, "field `met`: expected true or false");
        return false;
    }
    f->met = json_is_true(json_object_get(body, "met"));
    s = json_string_value(json_object_get(body, "evidence"));
    if (s == NULL || lnt_str_copy(f->evidence, sizeof f->evidence, s) != LNT_OK) {
        lnt_http_problem(resp, 400, "field `evidence`: expected text of at most %d bytes",
                         LNT_EVIDENCE_MAX);
        return false;
    }
    s = json_string_value(json_object_get(body, "assessor"));
    if (lnt_str_copy(f->assessor, sizeof f->assessor, s != NULL ? s : actor) != LNT_OK) {
        lnt_http_problem(resp, 400, "field `assessor`: at most %zu bytes", sizeof f->assessor - 1);
        return false;
    }
    /* dated and checked in London, as the assessor's calendar and the score read it */
    f->found_on = lnt_london_date(now);
    if (!opt_date(body, "found_on", &f->found_on, resp) ||
        !opt_date(body, "valid_until", &f->valid_until, resp))
        return false;
    if (f->found_on > lnt_london_date(now)) {
        lnt_http_problem(resp, 400, "field `found_on`: a finding cannot be dated in the future");
        return false;
    }
    return true;
}

static void handle_add(struct lnt_api *api, const struct lnt_http_request *req,
                       const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_venue v;
    struct lnt_finding f;
    const struct lnt_score_rules *rules;
    char err[LNT_ERRBUF_SIZE] = "";
    json_t *body = NULL, *reply = NULL;
    int64_t id;
    enum lnt_err rc;

    if (!lnt_api_open_venue(api, req, params, NULL, &c, &id, &v, resp))
        return;
    if (!may_record(c.token.scope.role)) {
        lnt_api_audit_refusal(api, req, &c, req->path);
        lnt_http_problem(resp, 403,
                         "a %s token may not record findings: only admin, officer and assessor "
                         "tokens may",
                         lnt_officer_role_name(c.token.scope.role));
        return;
    }
    if ((rules = lnt_api_score_rules(resp)) == NULL)
        return;
    if ((body = lnt_api_open_body(req, resp)) == NULL)
        goto out;
    if (!finding_from_json(rules, body, id, c.actor, lnt_api_now(api), &f, resp))
        goto out;
    rc = lnt_store_finding_add(api->store, &f, lnt_api_now(api), err);
    if (rc == LNT_ERR_INVALID) {
        lnt_http_problem(resp, 400, "%s", err);
        goto out;
    }
    if (rc != LNT_OK) {
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not record the finding");
        goto out;
    }
    /* Venue lists carry a cached headline score: this finding may change it. */
    lnt_score_cache_invalidate(api->score_cache, id);
    reply = finding_json(&f);
    if (reply == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, 201, reply);
out:
    json_decref(reply);
    json_decref(body);
}

static const struct lnt_api_route routes[] = {
    {"GET", "/api/v1/venues/{id}/findings", LNT_API_BODY_DEFAULT, handle_list},
    {"POST", "/api/v1/venues/{id}/findings", FINDING_BODY_MAX, handle_add},
};

const struct lnt_api_routes lnt_api_findings_routes = {routes, sizeof routes / sizeof routes[0]};
