/* api_places.c - officers' records of incidents in public places over the officer API: record
 * one at a place, list a place's current records. Scoped like every officer route: a token of
 * one authority may neither record at nor read another authority's place. */
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
    return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:o, s:I, s:I}", "id",
                     (json_int_t)in->id, "place_id", (json_int_t)in->place_id, "place",
                     in->place_name, "authority", in->authority, "occurred_at",
                     lnt_api_json_time(in->occurred_at), "night", lnt_api_json_date(in->night),
                     "kind", in->kind, "note", in->note, "recorded_by", in->recorded_by,
                     "recorded_at", lnt_api_json_time(in->recorded_at), "supersedes",
                     (json_int_t)in->supersedes, "superseded_by", (json_int_t)in->superseded_by);
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
 * POST /api/v1/places/{id}/incidents
 *   {"occurred_at": "2026-11-28T01:30:00Z", "kind": "violence", "note": "..."}
 * note is optional; nothing about the person goes in it.
 */
static void handle_add(struct lnt_api *api, const struct lnt_http_request *req,
                       const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    static const char *const known[] = {"occurred_at", "kind", "note"};
    struct lnt_api_caller c;
    struct lnt_place_info p;
    struct lnt_place_incident in;
    struct lnt_officer who;
    char err[LNT_ERRBUF_SIZE] = "";
    json_t *body = NULL, *reply = NULL, *val;
    const char *key, *s;
    int64_t id;
    enum lnt_err rc;

    if (!lnt_api_open(api, req, NULL, &c, resp) ||
        !lnt_api_param_id(params, 0, "place", &id, resp) ||
        !place_in_scope(api, req, &c, id, &p, resp))
        return;
    if ((body = lnt_api_open_body(req, resp)) == NULL)
        goto out;
    json_object_foreach(body, key, val)
    {
        bool ok = false;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            ok = ok || strcmp(key, known[i]) == 0;
        if (!ok) {
            lnt_http_problem(resp, 400, "unknown field `%.64s`", key);
            goto out;
        }
    }
    memset(&in, 0, sizeof in);
    in.place_id = id;
    in.recorded_at = lnt_api_now(api);
    s = json_string_value(json_object_get(body, "occurred_at"));
    if (s == NULL || lnt_time_parse(s, &in.occurred_at) != LNT_OK) {
        lnt_http_problem(resp, 400, "field `occurred_at`: expected an RFC 3339 UTC time");
        goto out;
    }
    s = json_string_value(json_object_get(body, "kind"));
    if (s == NULL || lnt_str_copy(in.kind, sizeof in.kind, s) != LNT_OK ||
        !lnt_incident_kind_valid(in.kind)) {
        lnt_http_problem(resp, 400,
                         "field `kind`: expected one of the incident kinds (angela, "
                         "spiking, violence_injury, violence, sexual, weapons, drugs, "
                         "disorder, medical, ejection, theft, other)");
        goto out;
    }
    val = json_object_get(body, "note");
    if (val != NULL && (!json_is_string(val) ||
                        lnt_str_copy(in.note, sizeof in.note, json_string_value(val)) != LNT_OK)) {
        lnt_http_problem(resp, 400, "field `note`: expected text of at most %d bytes",
                         LNT_PLACE_NOTE_MAX);
        goto out;
    }
    /* a token records under its own name: "token 7 (licensing team)" */
    memset(&who, 0, sizeof who);
    who.scope = c.token.scope;
    lnt_str_copy(who.email, sizeof who.email, c.actor);
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
    json_decref(body);
}

static const struct lnt_api_route routes[] = {
    {"GET", "/api/v1/places/{id}/incidents", LNT_API_BODY_DEFAULT, handle_list},
    {"POST", "/api/v1/places/{id}/incidents", PLACE_INCIDENT_BODY_MAX, handle_add},
};

const struct lnt_api_routes lnt_api_places_routes = {routes, sizeof routes / sizeof routes[0]};
