/* api_casework.c - casework on each venue over the officer API: visits, letters (with an
 * attached PDF), action plans and their items, notes and reviews; created, edited and closed,
 * never deleted (store_casework.h); and the venue's score history beside it. Reads are audited;
 * venue tokens are refused casework. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "buf.h"
#include "http.h"
#include "log.h"
#include "ltime.h"
#include "night.h"
#include "store.h"
#include "store_casework.h"

#define CW_BODY_MAX (3 * LNT_CW_TEXT_MAX + 8192)

/*
 * Casework is the partnership's: every role but a venue manager's may read and write it, within
 * its scope. A venue hears of a letter by the letter itself, not through Lantern.
 */
static const struct lnt_api_gate casework_gate = {
    LNT_API_ROLE(LNT_OFFICER_ADMIN) | LNT_API_ROLE(LNT_OFFICER_OFFICER) |
        LNT_API_ROLE(LNT_OFFICER_POLICE) | LNT_API_ROLE(LNT_OFFICER_ASSESSOR),
    false, "a venue token may not read or write casework"};

static json_t *opt_date(int32_t days)
{
    return days > 0 ? lnt_api_json_date(days) : json_null();
}

static json_t *cw_json(const struct lnt_casework *c)
{
    json_t *findings = json_array(), *pdf = json_null(), *j;

    for (size_t i = 0; findings != NULL && i < c->n_findings; i++)
        json_array_append_new(findings, json_integer(c->findings[i]));
    if (c->pdf_sha256[0] != '\0')
        pdf = json_pack("{s:s, s:I}", "sha256", c->pdf_sha256, "size", (json_int_t)c->pdf_size);
    j = json_pack(
        "{s:I, s:I, s:s, s:I, s:i, s:o, s:s, s:s, s:s, s:s, s:o, s:I, s:s, s:s, s:o, "
        "s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:s, s:o}",
        "id", (json_int_t)c->id, "venue_id", (json_int_t)c->venue_id, "type",
        lnt_cw_type_name(c->type), "plan_id", (json_int_t)c->plan_id, "version", (int)c->version,
        "date", opt_date(c->on), "kind", c->kind, "title", c->title, "text", c->text, "officers",
        c->officers, "findings", findings != NULL ? findings : json_array(), "owner_id",
        (json_int_t)c->owner_id, "status", c->status, "evidence", c->evidence, "hearing_date",
        opt_date(c->hearing_on), "outcome", c->outcome, "conditions", c->conditions, "pdf", pdf,
        "created_at", lnt_api_json_time(c->created_at), "at", lnt_api_json_time(c->at), "by", c->by,
        "closed_at", lnt_api_json_time(c->closed_at), "closed_by", c->closed_by, "superseded_at",
        lnt_api_json_time(c->superseded_at));
    return j;
}

static json_t *cw_row_json(const void *row)
{
    return cw_json(row);
}

static bool str_field(json_t *body, const char *key, char *dst, size_t size,
                      struct lnt_http_response *resp)
{
    json_t *v = json_object_get(body, key);

    if (v == NULL)
        return true;
    if (json_is_null(v)) {
        dst[0] = '\0';
        return true;
    }
    if (!json_is_string(v) || lnt_str_copy(dst, size, json_string_value(v)) != LNT_OK) {
        lnt_http_problem(resp, 400, "field `%s`: expected text of at most %zu bytes", key,
                         size - 1);
        return false;
    }
    return true;
}

static bool date_field(json_t *body, const char *key, int32_t *out, struct lnt_http_response *resp)
{
    json_t *v = json_object_get(body, key);

    if (v == NULL)
        return true;
    if (json_is_null(v)) {
        *out = 0;
        return true;
    }
    if (!json_is_string(v) || lnt_date_parse(json_string_value(v), out) != LNT_OK) {
        lnt_http_problem(resp, 400, "field `%s`: expected a date (YYYY-MM-DD)", key);
        return false;
    }
    return true;
}

/*
 * Applies the fields of `body` to *c: on add (`add` true) also "type" and "plan_id". Unknown
 * fields and malformed values are a 400 problem naming the field. "owner_email" names an item's
 * owner by their account's email instead of "owner_id".
 */
static bool apply_json(struct lnt_api *api, json_t *body, bool add, struct lnt_casework *c,
                       struct lnt_http_response *resp)
{
    static const char *const known[] = {"type",       "plan_id",  "date",         "kind",
                                        "title",      "text",     "officers",     "findings",
                                        "status",     "evidence", "hearing_date", "outcome",
                                        "conditions", "owner_id", "owner_email"};
    const char *key;
    json_t *val;

    json_object_foreach(body, key, val)
    {
        bool ok = false;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            ok = ok || (strcmp(key, known[i]) == 0 && (add || i >= 2));
        if (!ok) {
            lnt_http_problem(resp, 400,
                             add ? "unknown field `%.64s`"
                                 : "unknown field `%.64s` (a record's type and plan never change)",
                             key);
            return false;
        }
    }
    if (add) {
        const char *t = json_string_value(json_object_get(body, "type"));
        json_t *plan = json_object_get(body, "plan_id");
        if (lnt_cw_type_parse(t, &c->type) != LNT_OK) {
            lnt_http_problem(resp, 400,
                             "field `type`: expected visit, letter, plan, item, note or review");
            return false;
        }
        if (plan != NULL && (!json_is_integer(plan) || json_integer_value(plan) < 0)) {
            lnt_http_problem(resp, 400, "field `plan_id`: expected a plan's id");
            return false;
        }
        c->plan_id = plan != NULL ? json_integer_value(plan) : 0;
        if (c->type == LNT_CW_ITEM && c->status[0] == '\0')
            lnt_str_copy(c->status, sizeof c->status, "open");
    }
    if (!date_field(body, "date", &c->on, resp) ||
        !date_field(body, "hearing_date", &c->hearing_on, resp) ||
        !str_field(body, "kind", c->kind, sizeof c->kind, resp) ||
        !str_field(body, "title", c->title, sizeof c->title, resp) ||
        !str_field(body, "text", c->text, sizeof c->text, resp) ||
        !str_field(body, "officers", c->officers, sizeof c->officers, resp) ||
        !str_field(body, "status", c->status, sizeof c->status, resp) ||
        !str_field(body, "evidence", c->evidence, sizeof c->evidence, resp) ||
        !str_field(body, "outcome", c->outcome, sizeof c->outcome, resp) ||
        !str_field(body, "conditions", c->conditions, sizeof c->conditions, resp))
        return false;
    val = json_object_get(body, "findings");
    if (val != NULL) {
        if (!json_is_array(val) || json_array_size(val) > LNT_CW_FINDINGS_MAX) {
            lnt_http_problem(resp, 400, "field `findings`: expected at most %d finding ids",
                             LNT_CW_FINDINGS_MAX);
            return false;
        }
        c->n_findings = 0;
        for (size_t i = 0; i < json_array_size(val); i++) {
            json_t *f = json_array_get(val, i);
            if (!json_is_integer(f) || json_integer_value(f) <= 0) {
                lnt_http_problem(resp, 400, "field `findings`: expected finding ids");
                return false;
            }
            c->findings[c->n_findings++] = json_integer_value(f);
        }
    }
    val = json_object_get(body, "owner_id");
    if (val != NULL) {
        if (!json_is_integer(val) || json_integer_value(val) <= 0) {
            lnt_http_problem(resp, 400, "field `owner_id`: expected an officer's account id");
            return false;
        }
        c->owner_id = json_integer_value(val);
    }
    val = json_object_get(body, "owner_email");
    if (val != NULL) {
        struct lnt_officer o;
        char err[LNT_ERRBUF_SIZE] = "";
        if (!json_is_string(val) ||
            lnt_store_officer_get(api->store, json_string_value(val), &o, err) != LNT_OK) {
            lnt_http_problem(resp, 400, "field `owner_email`: no officer's account has it");
            return false;
        }
        c->owner_id = o.id;
    }
    return true;
}

/* A store error as the reply: 400 for bad input, 404, 409 for a closed record, else 500. */
static void store_problem(const struct lnt_http_request *req, enum lnt_err rc, const char *err,
                          struct lnt_http_response *resp)
{
    if (rc == LNT_ERR_INVALID || rc == LNT_ERR_TOO_LARGE)
        lnt_http_problem(resp, rc == LNT_ERR_TOO_LARGE ? 413 : 400, "%s", err);
    else if (rc == LNT_ERR_NOT_FOUND)
        lnt_http_problem(resp, 404, "%s", err);
    else if (rc == LNT_ERR_STATE)
        lnt_http_problem(resp, 409, "%s", err);
    else {
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not store the casework");
    }
}

static void reply_record(struct lnt_http_response *resp, int status, const struct lnt_casework *c)
{
    json_t *j = cw_json(c);

    if (j == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, status, j);
    json_decref(j);
}

/*
 * Loads record `id` for a caller who may see it: the record's venue in the token's scope.
 * Otherwise fills a 404, a 403 (audited) or a 500 and returns false. *c is the caller's.
 */
static bool record_in_scope(struct lnt_api *api, const struct lnt_http_request *req,
                            const struct lnt_api_caller *caller, const struct lnt_api_params *p,
                            struct lnt_casework *c, struct lnt_http_response *resp)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_venue v;
    int64_t id;
    enum lnt_err rc;

    if (!lnt_api_param_id(p, 0, "casework record", &id, resp))
        return false;
    rc = lnt_store_cw_get(api->store, id, c, err);
    if (rc != LNT_OK) {
        store_problem(req, rc, err, resp);
        return false;
    }
    return lnt_api_venue_in_scope(api, req, caller, c->venue_id, &v, resp);
}

/*
 * The opening of every route on one record (params->v[0]): the caller, of a casework role, and
 * the record, its venue in the token's scope (record_in_scope). A new record the caller frees;
 * NULL with the 401, 403 (audited), 404 or 500 problem in resp.
 */
static struct lnt_casework *open_record(struct lnt_api *api, const struct lnt_http_request *req,
                                        const struct lnt_api_params *params,
                                        struct lnt_api_caller *caller,
                                        struct lnt_http_response *resp)
{
    struct lnt_casework *c = lnt_api_open_alloc(sizeof *c, resp);

    if (c != NULL && (!lnt_api_open(api, req, &casework_gate, caller, resp) ||
                      !record_in_scope(api, req, caller, params, c, resp))) {
        free(c);
        c = NULL;
    }
    return c;
}

/* GET /api/v1/venues/{id}/casework[?at=]: the current version of each record, or with `at`
 * (the scores' rule: a date is the end of that trading night) each record made by then in the
 * version current then; audited. */
static void handle_list(struct lnt_api *api, const struct lnt_http_request *req,
                        const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_venue v;
    struct lnt_casework *list = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    json_t *arr = NULL, *reply = NULL;
    const char *at_text = lnt_http_query(req, "at");
    size_t n = 0;
    int64_t id, at = 0;

    if (!lnt_api_open_venue(api, req, params, &casework_gate, &c, &id, &v, resp))
        return;
    if (at_text != NULL && lnt_as_at_parse(at_text, &at, NULL) != LNT_OK) {
        lnt_http_problem(resp, 400, "query `at`: expected an RFC 3339 time or YYYY-MM-DD");
        return;
    }
    if (at >= lnt_api_now(api))
        at = 0; /* tonight, or later: each record as it is now */
    if (lnt_store_cw_list_at(api->store, id, at, &list, &n, err) != LNT_OK) {
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not read the casework");
        return;
    }
    if (!lnt_api_venue_rows(api, req, &c, "casework.read", id, list, n, sizeof *list, cw_row_json,
                            &arr, resp))
        goto out;
    reply =
        arr != NULL ? json_pack("{s:I, s:o}", "venue_id", (json_int_t)id, "casework", arr) : NULL;
    if (reply == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, 200, reply);
out:
    json_decref(reply);
    free(list);
}

/* POST /api/v1/venues/{id}/casework {"type": "visit", "date": ..., ...}: a new record. */
static void handle_add(struct lnt_api *api, const struct lnt_http_request *req,
                       const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller caller;
    struct lnt_venue v;
    struct lnt_casework *c = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    json_t *body = NULL;
    int64_t id;
    enum lnt_err rc;

    if (!lnt_api_open_venue(api, req, params, &casework_gate, &caller, &id, &v, resp))
        return;
    if ((body = lnt_api_open_body(req, resp)) == NULL)
        return;
    if ((c = lnt_api_open_alloc(sizeof *c, resp)) == NULL)
        goto out;
    c->venue_id = id;
    if (!apply_json(api, body, true, c, resp))
        goto out;
    rc = lnt_store_cw_add(api->store, caller.actor, lnt_api_now(api), c, NULL, 0, err);
    if (rc != LNT_OK)
        store_problem(req, rc, err, resp);
    else
        reply_record(resp, 201, c);
out:
    free(c);
    json_decref(body);
}

/* GET /api/v1/casework/{id}: the current version and the whole history, audited. */
static void handle_get(struct lnt_api *api, const struct lnt_http_request *req,
                       const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller caller;
    struct lnt_casework *c = NULL, *h = NULL;
    char err[LNT_ERRBUF_SIZE] = "", object[32];
    json_t *hist = NULL, *reply = NULL;
    size_t n = 0;
    enum lnt_err rc;

    if ((c = open_record(api, req, params, &caller, resp)) == NULL)
        goto out;
    rc = lnt_store_cw_history(api->store, c->id, &h, &n, err);
    if (rc != LNT_OK) {
        store_problem(req, rc, err, resp);
        goto out;
    }
    snprintf(object, sizeof object, "venue %lld", (long long)c->venue_id);
    if (!lnt_api_audit_read(api, req, &caller, "casework.read", object, n, resp))
        goto out;
    hist = json_array();
    for (size_t i = 0; hist != NULL && i < n; i++)
        json_array_append_new(hist, cw_json(&h[i]));
    reply = hist != NULL ? json_pack("{s:o, s:O}", "record", cw_json(c), "history", hist) : NULL;
    if (reply == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, 200, reply);
out:
    json_decref(hist);
    json_decref(reply);
    free(h);
    free(c);
}

/* POST /api/v1/casework/{id}: an edit; the fields given replace the current ones. */
static void handle_edit(struct lnt_api *api, const struct lnt_http_request *req,
                        const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller caller;
    struct lnt_casework *c = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    json_t *body = NULL;
    enum lnt_err rc;

    if ((c = open_record(api, req, params, &caller, resp)) == NULL)
        goto out;
    if ((body = lnt_api_open_body(req, resp)) == NULL || !apply_json(api, body, false, c, resp))
        goto out;
    rc = lnt_store_cw_edit(api->store, caller.actor, lnt_api_now(api), c, NULL, 0, err);
    if (rc != LNT_OK)
        store_problem(req, rc, err, resp);
    else
        reply_record(resp, 200, c);
out:
    json_decref(body);
    free(c);
}

/* POST /api/v1/casework/{id}/close */
static void handle_close(struct lnt_api *api, const struct lnt_http_request *req,
                         const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller caller;
    struct lnt_casework *c = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc;

    if ((c = open_record(api, req, params, &caller, resp)) == NULL)
        goto out;
    rc = lnt_store_cw_close(api->store, caller.actor, lnt_api_now(api), c->id, err);
    if (rc == LNT_OK)
        rc = lnt_store_cw_get(api->store, c->id, c, err);
    if (rc != LNT_OK)
        store_problem(req, rc, err, resp);
    else
        reply_record(resp, 200, c);
out:
    free(c);
}

/* PUT /api/v1/casework/{id}/pdf with the PDF as the body: a new version carrying it. */
static void handle_pdf_put(struct lnt_api *api, const struct lnt_http_request *req,
                           const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller caller;
    struct lnt_casework *c = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc;

    if ((c = open_record(api, req, params, &caller, resp)) == NULL)
        goto out;
    rc = lnt_store_cw_edit(api->store, caller.actor, lnt_api_now(api), c,
                           (const uint8_t *)req->body, req->body_len, err);
    if (rc != LNT_OK)
        store_problem(req, rc, err, resp);
    else
        reply_record(resp, 200, c);
out:
    free(c);
}

/* GET /api/v1/casework/{id}/pdf[?version=N]: the attached PDF, audited. */
static void handle_pdf_get(struct lnt_api *api, const struct lnt_http_request *req,
                           const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller caller;
    struct lnt_casework *c = NULL;
    char err[LNT_ERRBUF_SIZE] = "", object[32];
    const char *vq = lnt_http_query(req, "version");
    uint8_t *pdf = NULL;
    size_t n = 0;
    int64_t version = 0;
    enum lnt_err rc;

    if ((c = open_record(api, req, params, &caller, resp)) == NULL)
        goto out;
    if (vq != NULL && lnt_parse_i64(vq, 1, INT32_MAX, &version) != LNT_OK) {
        lnt_http_problem(resp, 400, "query `version`: expected a version number");
        goto out;
    }
    rc = lnt_store_cw_pdf(api->store, c->id, (int32_t)version, &pdf, &n, err);
    if (rc != LNT_OK) {
        store_problem(req, rc, err, resp);
        goto out;
    }
    snprintf(object, sizeof object, "venue %lld", (long long)c->venue_id);
    if (!lnt_api_audit_read(api, req, &caller, "casework.pdf", object, 1, resp))
        goto out;
    lnt_buf_reset(&resp->body);
    if (lnt_buf_append(&resp->body, pdf, n) != LNT_OK) {
        lnt_http_problem(resp, 500, "the PDF does not fit a reply");
        goto out;
    }
    resp->status = 200;
    lnt_str_copy(resp->content_type, sizeof resp->content_type, "application/pdf");
out:
    free(pdf);
    free(c);
}

/* ---- score history: a venue's standing over time, beside its casework ---- */

static const char *band_name(int band)
{
    static const char *const names[] = {"none", "green", "amber", "red"};
    return band >= 0 && band <= 3 ? names[band] : "none";
}

static json_t *score_change_json(const void *row)
{
    const struct lnt_score_change *c = row;

    return json_pack("{s:I, s:I, s:o, s:b, s:s, s:s, s:b, s:b, s:s, s:s, s:I, s:s, s:s}", "id",
                     (json_int_t)c->id, "venue_id", (json_int_t)c->venue_id, "at",
                     lnt_api_json_time(c->at), "first", c->first, "old_band",
                     band_name(c->old_band), "band", band_name(c->band), "old_review",
                     c->old_review, "review", c->review, "old_award", c->old_award, "award",
                     c->award, "risk_points_milli", (json_int_t)c->risk_milli, "risk_version",
                     c->risk_version, "bbn_version", c->bbn_version);
}

/* GET /api/v1/venues/{id}/score-history[?at=]: the venue's score changes up to `at` (default
 * now), newest first, audited. Every role in scope: a venue sees its own band already. */
static void handle_score_history(struct lnt_api *api, const struct lnt_http_request *req,
                                 const struct lnt_api_params *params,
                                 struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_venue v;
    struct lnt_score_change *h = NULL;
    const char *q = lnt_http_query(req, "at");
    char err[LNT_ERRBUF_SIZE] = "";
    json_t *arr = NULL, *reply = NULL;
    int64_t id, at = 0;
    size_t n = 0;

    if (!lnt_api_officer_auth(api, req, &c, resp) ||
        !lnt_api_param_id(params, 0, "venue", &id, resp) ||
        !lnt_api_venue_in_scope(api, req, &c, id, &v, resp))
        return;
    if (q == NULL)
        at = lnt_api_now(api);
    else if (lnt_as_at_parse(q, &at, NULL) != LNT_OK) {
        lnt_http_problem(resp, 400, "query `at`: expected an RFC 3339 time or YYYY-MM-DD");
        return;
    }
    if (lnt_store_score_history(api->store, id, at, LNT_CW_LIST_MAX, &h, &n, err) != LNT_OK) {
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not read the score history");
        return;
    }
    if (!lnt_api_venue_rows(api, req, &c, "score_history.read", id, h, n, sizeof *h,
                            score_change_json, &arr, resp))
        goto out;
    reply = arr != NULL ? json_pack("{s:I, s:o, s:o}", "venue_id", (json_int_t)id, "at",
                                    lnt_api_json_time(at), "score_changes", arr)
                        : NULL;
    if (reply == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, 200, reply);
out:
    json_decref(reply);
    free(h);
}

static const struct lnt_api_route routes[] = {
    {"GET", "/api/v1/venues/{id}/casework", LNT_API_BODY_DEFAULT, handle_list},
    {"POST", "/api/v1/venues/{id}/casework", CW_BODY_MAX, handle_add},
    {"GET", "/api/v1/casework/{id}", LNT_API_BODY_DEFAULT, handle_get},
    {"POST", "/api/v1/casework/{id}", CW_BODY_MAX, handle_edit},
    {"POST", "/api/v1/casework/{id}/close", LNT_API_BODY_DEFAULT, handle_close},
    {"PUT", "/api/v1/casework/{id}/pdf", LNT_CW_PDF_MAX, handle_pdf_put},
    {"GET", "/api/v1/casework/{id}/pdf", LNT_API_BODY_DEFAULT, handle_pdf_get},
    {"GET", "/api/v1/venues/{id}/score-history", LNT_API_BODY_DEFAULT, handle_score_history},
};

const struct lnt_api_routes lnt_api_casework_routes = {routes, sizeof routes / sizeof routes[0]};
