/* api_places.c - officers' records of incidents in public places over the officer API: record
 * one at a place, list a place's current records, read one record's history and correct it.
 * Scoped like every officer route: a token of one authority may neither record at, read nor
 * correct another authority's place or record. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "buf.h"
#include "event.h"
#include "http.h"
#include "log.h"
#include "ltime.h"
#include "store_map.h"

#define PLACE_INCIDENT_BODY_MAX 4096

static json_t *incident_json(const struct lnt_place_incident *in)
{
    return json_pack(
        "{s:I, s:I, s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:o, s:I, s:I, s:o, s:s}", "id",
        (json_int_t)in->id, "place_id", (json_int_t)in->place_id, "place", in->place_name,
        "authority", in->authority, "occurred_at", lnt_api_json_time(in->occurred_at), "night",
        lnt_api_json_date(in->night), "kind", in->kind, "note", in->note, "recorded_by",
        in->recorded_by, "recorded_at", lnt_api_json_time(in->recorded_at), "supersedes",
        (json_int_t)in->supersedes, "superseded_by", (json_int_t)in->superseded_by, "superseded_at",
        in->superseded_at != 0 ? lnt_api_json_time(in->superseded_at) : json_null(), "reason",
        in->reason);
}

/* The place when the caller may see it; else a 404, or a 403 (audited), and false. */
static bool place_in_scope(struct lnt_api *api, const struct lnt_http_request *req,
                           const struct lnt_api_caller *c, int64_t id, struct lnt_place_info *p,
                           struct lnt_http_response *resp)
{
    char err[LNT_ERRBUF_SIZE] = "", object[32];
    enum lnt_err rc = lnt_store_place_info_get(api->store, id, p, err);

    if (rc == LNT_ERR_NOT_FOUND) {
        lnt_http_problem(resp, 404, "place %lld not found", (long long)id);
        return false;
    }
    if (rc != LNT_OK) {
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not read the place");
        return false;
    }
    if (!lnt_place_scope_covers(&c->token.scope, p->authority)) {
        snprintf(object, sizeof object, "place %lld", (long long)id);
        lnt_api_audit_refusal(api, req, c, object);
        lnt_http_problem(resp, 403, "place %lld is outside this token's scope", (long long)id);
        return false;
    }
    return true;
}

/* GET /api/v1/places/{id}/incidents: the place's current records, oldest first. */
static void handle_list(struct lnt_api *api, const struct lnt_http_request *req,
                        const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_place_info p;
    struct lnt_place_incident_filter f = {0};
    struct lnt_place_incident *list = NULL;
    size_t n = 0;
    char err[LNT_ERRBUF_SIZE] = "", object[32];
    json_t *arr = NULL, *reply = NULL;
    int64_t id;

    if (!lnt_api_open(api, req, NULL, &c, resp) ||
        !lnt_api_param_id(params, 0, "place", &id, resp) ||
        !place_in_scope(api, req, &c, id, &p, resp))
        return;
    f.place_id = id;
    f.authority = c.token.scope.authority[0] != '\0' ? c.token.scope.authority : NULL;
    if (lnt_store_place_incident_list(api->store, &f, &list, &n, err) != LNT_OK) {
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not read the records");
        return;
    }
    snprintf(object, sizeof object, "place %lld", (long long)id);
    if (!lnt_api_audit_read(api, req, &c, "place.incidents.read", object, n, resp))
        goto out;
    arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++)
        if (json_array_append_new(arr, incident_json(&list[i])) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    reply = arr != NULL ? json_pack("{s:I, s:s, s:o}", "place_id", (json_int_t)id, "place", p.name,
                                    "incidents", arr)
                        : NULL;
    if (reply == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, 200, reply);
out:
    json_decref(reply);
    free(list);
}

/*
 * Reads a record's fields from the request body into *in: occurred_at, kind,
 * note (optional) and, when `correction`, reason (required). False after
 * answering 400 naming the field.
 */
static bool incident_body(const struct lnt_http_request *req, bool correction,
                          struct lnt_place_incident *in, struct lnt_http_response *resp)
{
    static const char *const known[] = {"occurred_at", "kind", "note", "reason"};
    size_t n_known = correction ? 4 : 3;
    json_error_t jerr;
    json_t *body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr), *val;
    const char *key, *s;
    bool ok = false;

    if (!json_is_object(body)) {
        lnt_http_problem(resp, 400, "the body must be a JSON object: %s", jerr.text);
        goto out;
    }
    json_object_foreach(body, key, val)
    {
        bool known_key = false;
        for (size_t i = 0; i < n_known; i++)
            known_key = known_key || strcmp(key, known[i]) == 0;
        if (!known_key) {
            lnt_http_problem(resp, 400, "unknown field `%.64s`", key);
            goto out;
        }
    }
    s = json_string_value(json_object_get(body, "occurred_at"));
    if (s == NULL || lnt_time_parse(s, &in->occurred_at) != LNT_OK) {
        lnt_http_problem(resp, 400, "field `occurred_at`: expected an RFC 3339 UTC time");
        goto out;
    }
    s = json_string_value(json_object_get(body, "kind"));
    if (s == NULL || lnt_str_copy(in->kind, sizeof in->kind, s) != LNT_OK ||
        !lnt_incident_kind_valid(in->kind)) {
        lnt_http_problem(resp, 400,
                         "field `kind`: expected one of the incident kinds (angela, "
                         "spiking, violence_injury, violence, sexual, weapons, drugs, "
                         "disorder, medical, ejection, theft, other)");
        goto out;
    }
    val = json_object_get(body, "note");
    if (val != NULL && (!json_is_string(val) || lnt_str_copy(in->note, sizeof in->note,
                                                             json_string_value(val)) != LNT_OK)) {
        lnt_http_problem(resp, 400, "field `note`: expected text of at most %d bytes",
                         LNT_PLACE_NOTE_MAX);
        goto out;
    }
    if (correction) {
        s = json_string_value(json_object_get(body, "reason"));
        if (s == NULL || s[0] == '\0' || lnt_str_copy(in->reason, sizeof in->reason, s) != LNT_OK) {
            lnt_http_problem(resp, 400,
                             "field `reason`: required, text of at most %d bytes saying what "
                             "was wrong",
                             LNT_PLACE_NOTE_MAX);
            goto out;
        }
    }
    ok = true;
out:
    json_decref(body);
    return ok;
}

/* A token records under its own name: "token 7 (licensing team)". */
static void token_officer(const struct lnt_api_caller *c, struct lnt_officer *who)
{
    memset(who, 0, sizeof *who);
    who->scope = c->token.scope;
    lnt_str_copy(who->email, sizeof who->email, c->actor);
}

/*
 * POST /api/v1/places/{id}/incidents
 *   {"occurred_at": "2026-11-28T01:30:00Z", "kind": "violence", "note": "..."}
 * note is optional; nothing about the person goes in it.
 */
static void handle_add(struct lnt_api *api, const struct lnt_http_request *req,
                       const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_place_info p;
    struct lnt_place_incident in;
    struct lnt_officer who;
    char err[LNT_ERRBUF_SIZE] = "";
    json_t *reply = NULL;
    int64_t id;
    enum lnt_err rc;

    if (!lnt_api_open(api, req, NULL, &c, resp) ||
        !lnt_api_param_id(params, 0, "place", &id, resp) ||
        !place_in_scope(api, req, &c, id, &p, resp))
        return;
    memset(&in, 0, sizeof in);
    in.place_id = id;
    in.recorded_at = lnt_api_now(api);
    if (!incident_body(req, false, &in, resp))
        goto out;
    token_officer(&c, &who);
    rc = lnt_store_place_incident_add(api->store, &who, &in, err);
    if (rc == LNT_ERR_INVALID) {
        lnt_http_problem(resp, 400, "%s", err);
        goto out;
    }
    if (rc == LNT_ERR_FORBIDDEN) {
        lnt_api_audit_refusal(api, req, &c, req->path);
        lnt_http_problem(resp, 403, "%s", err);
        goto out;
    }
    if (rc != LNT_OK) {
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not record the incident");
        goto out;
    }
    reply = incident_json(&in);
    if (reply == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, 201, reply);
out:
    json_decref(reply);
}

/*
 * The history of record `id` when the caller may see it (its versions share one authority);
 * else a 404, or a 403 (audited), and false. *h is the caller's to free when true.
 */
static bool history_in_scope(struct lnt_api *api, const struct lnt_http_request *req,
                             const struct lnt_api_caller *c, int64_t id,
                             struct lnt_place_incident **h, size_t *n,
                             struct lnt_http_response *resp)
{
    char err[LNT_ERRBUF_SIZE] = "", object[40];
    enum lnt_err rc = lnt_store_place_incident_history(api->store, id, h, n, err);

    if (rc == LNT_ERR_NOT_FOUND) {
        lnt_http_problem(resp, 404, "place incident %lld not found", (long long)id);
        return false;
    }
    if (rc != LNT_OK) {
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not read the record");
        return false;
    }
    for (size_t i = 0; i < *n; i++)
        if (!lnt_place_scope_covers(&c->token.scope, (*h)[i].authority)) {
            snprintf(object, sizeof object, "place incident %lld", (long long)id);
            lnt_api_audit_refusal(api, req, c, object);
            lnt_http_problem(resp, 403, "place incident %lld is outside this token's scope",
                             (long long)id);
            free(*h);
            *h = NULL;
            return false;
        }
    return true;
}

/* GET /api/v1/place-incidents/{id}: the record and every version of it, oldest first. */
static void handle_history(struct lnt_api *api, const struct lnt_http_request *req,
                           const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_place_incident *h = NULL;
    size_t n = 0;
    char object[40];
    json_t *arr = NULL, *reply = NULL;
    int64_t id;

    if (!lnt_api_open(api, req, NULL, &c, resp) ||
        !lnt_api_param_id(params, 0, "incident", &id, resp) ||
        !history_in_scope(api, req, &c, id, &h, &n, resp))
        return;
    snprintf(object, sizeof object, "place incident %lld", (long long)id);
    if (!lnt_api_audit_read(api, req, &c, "place.incident.read", object, n, resp))
        goto out;
    arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++)
        if (json_array_append_new(arr, incident_json(&h[i])) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    reply = arr != NULL ? json_pack("{s:I, s:I, s:o}", "id", (json_int_t)id, "current",
                                    (json_int_t)h[n - 1].id, "versions", arr)
                        : NULL;
    if (reply == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, 200, reply);
out:
    json_decref(reply);
    free(h);
}

/*
 * POST /api/v1/place-incidents/{id}/correct
 *   {"occurred_at": "...", "kind": "...", "note": "...", "reason": "why"}
 * A new record supersedes `id` (kept, marked superseded); reason is required.
 */
static void handle_correct(struct lnt_api *api, const struct lnt_http_request *req,
                           const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_place_incident in, *h = NULL;
    struct lnt_officer who;
    char err[LNT_ERRBUF_SIZE] = "";
    json_t *reply = NULL;
    size_t n = 0;
    int64_t id;
    enum lnt_err rc;

    if (!lnt_api_open(api, req, NULL, &c, resp) ||
        !lnt_api_param_id(params, 0, "incident", &id, resp) ||
        !history_in_scope(api, req, &c, id, &h, &n, resp))
        return;
    free(h);
    memset(&in, 0, sizeof in);
    in.recorded_at = lnt_api_now(api);
    if (!incident_body(req, true, &in, resp))
        return;
    token_officer(&c, &who);
    rc = lnt_store_place_incident_supersede(api->store, &who, id, &in, err);
    if (rc == LNT_ERR_INVALID) {
        lnt_http_problem(resp, 400, "%s", err);
        return;
    }
    if (rc == LNT_ERR_STATE) {
        lnt_http_problem(resp, 409, "%s", err);
        return;
    }
    if (rc == LNT_ERR_FORBIDDEN) {
        lnt_api_audit_refusal(api, req, &c, req->path);
        lnt_http_problem(resp, 403, "%s", err);
        return;
    }
    if (rc != LNT_OK) {
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not record the correction");
        return;
    }
    reply = incident_json(&in);
    if (reply == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, 201, reply);
    json_decref(reply);
}

static const struct lnt_api_route routes[] = {
    {"GET", "/api/v1/places/{id}/incidents", LNT_API_BODY_DEFAULT, handle_list},
    {"POST", "/api/v1/places/{id}/incidents", PLACE_INCIDENT_BODY_MAX, handle_add},
    {"GET", "/api/v1/place-incidents/{id}", LNT_API_BODY_DEFAULT, handle_history},
    {"POST", "/api/v1/place-incidents/{id}/correct", PLACE_INCIDENT_BODY_MAX, handle_correct},
};

const struct lnt_api_routes lnt_api_places_routes = {routes, sizeof routes / sizeof routes[0]};
