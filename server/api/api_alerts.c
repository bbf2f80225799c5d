/* api_alerts.c - an officer's alert inbox and subscriptions over the officer API: the inbox,
 * acknowledging, subscribing and ending a subscription. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "buf.h"
#include "log.h"
#include "store.h"
#include "store_alerts.h"

#define ALERT_BODY_MAX 1024

/*
 * A token acts for an officer (an inbox is an officer's) when its scope covers the
 * officer's: a whole-scheme token any officer; an authority's token the officers of that
 * authority and the managers of its venues; a venue's token that venue's managers.
 */
static bool token_covers(struct lnt_api *api, const struct lnt_scope *t, const struct lnt_scope *o,
                         char *err)
{
    struct lnt_venue v;

    if (t->venue_id == 0 && t->authority[0] == '\0')
        return true;
    if (o->venue_id != 0) {
        if (t->venue_id != 0)
            return t->venue_id == o->venue_id;
        return lnt_store_venue_get(api->store, o->venue_id, &v, err) == LNT_OK &&
               strcmp(v.authority, t->authority) == 0;
    }
    return t->venue_id == 0 && o->authority[0] != '\0' && strcmp(o->authority, t->authority) == 0;
}

/*
 * The officer the request is for: `officer` (an email) from the query or, for a POST, the
 * JSON body. false with a 400/404/403 (audited) problem otherwise.
 */
static bool officer_for(struct lnt_api *api, const struct lnt_http_request *req,
                        const struct lnt_api_caller *c, const char *email, struct lnt_officer *out,
                        struct lnt_http_response *resp)
{
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc;

    if (email == NULL || email[0] == '\0') {
        lnt_http_problem(resp, 400,
                         "`officer` is required: the email of the officer whose alerts these are");
        return false;
    }
    rc = lnt_store_officer_get(api->store, email, out, err);
    if (rc == LNT_ERR_NOT_FOUND || rc == LNT_ERR_INVALID) {
        lnt_http_problem(resp, 404, "no officer %.80s", email);
        return false;
    }
    if (rc != LNT_OK) {
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not read the officer");
        return false;
    }
    if (!token_covers(api, &c->token.scope, &out->scope, err)) {
        char object[40];
        snprintf(object, sizeof object, "officer %lld", (long long)out->id);
        lnt_api_audit_refusal(api, req, c, object);
        lnt_http_problem(resp, 403, "officer %.80s is outside this token's scope", email);
        return false;
    }
    return true;
}

static json_t *alert_json(const struct lnt_alert *a)
{
    return json_pack("{s:I, s:s, s:I, s:s, s:s, s:o, s:o, s:s?}", "id", (json_int_t)a->id, "kind",
                     lnt_alert_kind_name(a->kind) ? lnt_alert_kind_name(a->kind) : "", "venue_id",
                     (json_int_t)a->venue_id, "summary", a->summary, "link", a->link, "raised_at",
                     lnt_api_json_time(a->raised_at), "acked_at",
                     a->acked_at != 0 ? lnt_api_json_time(a->acked_at) : json_null(), "acked_by",
                     a->acked_at != 0 ? a->acked_by : NULL);
}

static json_t *sub_json(const struct lnt_alert_sub *s)
{
    return json_pack("{s:I, s:s, s:I, s:b, s:o}", "id", (json_int_t)s->id, "kind",
                     lnt_alert_kind_name(s->kind) ? lnt_alert_kind_name(s->kind) : "", "venue_id",
                     (json_int_t)s->venue_id, "by_email", s->by_email, "created_at",
                     lnt_api_json_time(s->created_at));
}

/* GET /api/v1/alerts?officer=EMAIL: the inbox, not acknowledged first. */
static void handle_inbox(struct lnt_api *api, const struct lnt_http_request *req,
                         const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_officer o;
    struct lnt_alert *a = NULL;
    char err[LNT_ERRBUF_SIZE] = "", object[40];
    size_t n = 0, offset, limit;
    int64_t unacked = 0;
    json_t *arr = NULL, *reply = NULL;

    (void)params;
    if (!lnt_api_open(api, req, NULL, &c, resp) ||
        !officer_for(api, req, &c, lnt_http_query(req, "officer"), &o, resp) ||
        !lnt_api_query_page(req, &offset, &limit, resp))
        return;
    if (lnt_store_alert_inbox(api->store, o.id, offset, limit, &a, &n, err) != LNT_OK ||
        lnt_store_alert_unacked(api->store, o.id, &unacked, err) != LNT_OK) {
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not read the inbox");
        goto out;
    }
    snprintf(object, sizeof object, "officer %lld", (long long)o.id);
    if (!lnt_api_audit_read(api, req, &c, "alert.read", object, n, resp))
        goto out;
    arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++)
        if (json_array_append_new(arr, alert_json(&a[i])) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    reply = arr != NULL ? json_pack("{s:s, s:I, s:o}", "officer", o.email, "unacknowledged",
                                    (json_int_t)unacked, "alerts", arr)
                        : NULL;
    if (reply == NULL || !lnt_api_json_page(reply, offset, limit, n))
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, 200, reply);
out:
    json_decref(reply);
    free(a);
}

/* Answers a store refusal: 404, 409 or 403 with its message, 500 otherwise. */
static void store_failed(const struct lnt_http_request *req, enum lnt_err rc, const char *err,
                         struct lnt_http_response *resp)
{
    switch (rc) {
    case LNT_ERR_NOT_FOUND:
        lnt_http_problem(resp, 404, "%s", err);
        return;
    case LNT_ERR_STATE:
    case LNT_ERR_EXISTS:
        lnt_http_problem(resp, 409, "%s", err);
        return;
    case LNT_ERR_FORBIDDEN:
        lnt_http_problem(resp, 403, "%s", err);
        return;
    case LNT_ERR_INVALID:
        lnt_http_problem(resp, 400, "%s", err);
        return;
    default:
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not store that");
    }
}

/*
 * After the store found no alert (`alert` true) or subscription `id` of the officer named:
 * when it is another's outside the token's scope, refuses it as its venue or officer would be
 * refused, 403 and audited, and returns true. Otherwise the caller answers 404.
 */
static bool refused_elsewhere(struct lnt_api *api, const struct lnt_http_request *req,
                              const struct lnt_api_caller *c, bool alert, int64_t id,
                              struct lnt_http_response *resp)
{
    char err[LNT_ERRBUF_SIZE] = "", object[48];
    bool covered = true;

    if (alert) {
        struct lnt_alert a;
        struct lnt_venue v;
        if (lnt_store_alert_get(api->store, id, &a, err) == LNT_OK) {
            memset(&v, 0, sizeof v);
            v.id = a.venue_id;
            lnt_str_copy(v.authority, sizeof v.authority, a.authority);
            covered = lnt_api_scope_covers(&c->token.scope, &v);
        }
    } else {
        struct lnt_alert_sub sub;
        struct lnt_officer o;
        if (lnt_store_alert_sub_get(api->store, id, &sub, err) == LNT_OK &&
            lnt_store_officer_get_id(api->store, sub.officer_id, &o, err) == LNT_OK)
            covered = token_covers(api, &c->token.scope, &o.scope, err);
    }
    if (covered)
        return false;
    snprintf(object, sizeof object, "%s %lld", alert ? "alert" : "subscription", (long long)id);
    lnt_api_audit_refusal(api, req, c, object);
    lnt_http_problem(resp, 403, "%s is outside this token's scope", object);
    return true;
}

/* Sends `reply` (a new reference, NULL when memory ran out) with status 200. */
static void done_reply(struct lnt_http_response *resp, json_t *reply)
{
    if (reply == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, 200, reply);
    json_decref(reply);
}

/* POST /api/v1/alerts/{id}/ack {"officer": EMAIL} */
static void handle_ack(struct lnt_api *api, const struct lnt_http_request *req,
                       const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_officer o;
    char err[LNT_ERRBUF_SIZE] = "";
    json_t *body = NULL;
    int64_t id, now;
    enum lnt_err rc;

    if (!lnt_api_open(api, req, NULL, &c, resp) ||
        !lnt_api_param_id(params, 0, "alert", &id, resp) ||
        (body = lnt_api_open_body(req, resp)) == NULL)
        return;
    if (!officer_for(api, req, &c, json_string_value(json_object_get(body, "officer")), &o, resp))
        goto out;
    now = lnt_api_now(api);
    rc = lnt_store_alert_ack(api->store, o.id, id, c.actor, now, err);
    if (rc == LNT_ERR_NOT_FOUND && refused_elsewhere(api, req, &c, true, id, resp))
        goto out;
    if (rc != LNT_OK) {
        store_failed(req, rc, err, resp);
        goto out;
    }
    done_reply(resp, json_pack("{s:I, s:o, s:s}", "id", (json_int_t)id, "acked_at",
                               lnt_api_json_time(now), "acked_by", c.actor));
out:
    json_decref(body);
}

/* GET /api/v1/alerts/subscriptions?officer=EMAIL */
static void handle_subs(struct lnt_api *api, const struct lnt_http_request *req,
                        const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_officer o;
    struct lnt_alert_sub *s = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    json_t *arr, *reply = NULL;

    (void)params;
    if (!lnt_api_open(api, req, NULL, &c, resp) ||
        !officer_for(api, req, &c, lnt_http_query(req, "officer"), &o, resp))
        return;
    if (lnt_store_alert_subs(api->store, o.id, &s, &n, err) != LNT_OK) {
        store_failed(req, LNT_ERR_DB, err, resp);
        return;
    }
    arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++)
        if (json_array_append_new(arr, sub_json(&s[i])) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    reply = arr != NULL ? json_pack("{s:s, s:o}", "officer", o.email, "subscriptions", arr) : NULL;
    if (reply == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, 200, reply);
    json_decref(reply);
    free(s);
}

/* POST /api/v1/alerts/subscriptions {"officer", "kind", "venue_id" (0), "by_email" (false)} */
static void handle_subscribe(struct lnt_api *api, const struct lnt_http_request *req,
                             const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    static const char *const known[] = {"officer", "kind", "venue_id", "by_email"};
    struct lnt_api_caller c;
    struct lnt_officer o;
    struct lnt_alert_sub sub;
    char err[LNT_ERRBUF_SIZE] = "";
    json_t *body = NULL, *val, *reply = NULL;
    const char *key;
    enum lnt_err rc;

    (void)params;
    if (!lnt_api_open(api, req, NULL, &c, resp) || (body = lnt_api_open_body(req, resp)) == NULL)
        return;
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
    if (!officer_for(api, req, &c, json_string_value(json_object_get(body, "officer")), &o, resp))
        goto out;
    memset(&sub, 0, sizeof sub);
    sub.officer_id = o.id;
    if (lnt_alert_kind_parse(json_string_value(json_object_get(body, "kind")), &sub.kind) !=
        LNT_OK) {
        lnt_http_problem(resp, 400,
                         "field `kind`: expected venue_red, serious_report, door_refused, "
                         "unlicensed_other_duties, kiosk_silent or cup_covers_low");
        goto out;
    }
    val = json_object_get(body, "venue_id");
    if (val != NULL && (!json_is_integer(val) || json_integer_value(val) < 0)) {
        lnt_http_problem(resp, 400, "field `venue_id`: expected 0 (every venue) or a venue id");
        goto out;
    }
    sub.venue_id = val != NULL ? (int64_t)json_integer_value(val) : 0;
    val = json_object_get(body, "by_email");
    if (val != NULL && !json_is_boolean(val)) {
        lnt_http_problem(resp, 400, "field `by_email`: expected true or false");
        goto out;
    }
    sub.by_email = json_is_true(val);
    rc = lnt_store_alert_subscribe(api->store, &sub, c.actor, lnt_api_now(api), err);
    if (rc == LNT_ERR_FORBIDDEN) {
        char object[40];
        snprintf(object, sizeof object, "venue %lld", (long long)sub.venue_id);
        lnt_api_audit_refusal(api, req, &c, object);
    }
    if (rc != LNT_OK) {
        store_failed(req, rc, err, resp);
        goto out;
    }
    reply = sub_json(&sub);
    if (reply == NULL)
        lnt_http_problem(resp, 500, "out of memory");
    else
        lnt_api_reply_json(resp, 201, reply);
out:
    json_decref(reply);
    json_decref(body);
}

/* POST /api/v1/alerts/subscriptions/{id}/end {"officer": EMAIL} */
static void handle_end(struct lnt_api *api, const struct lnt_http_request *req,
                       const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_officer o;
    char err[LNT_ERRBUF_SIZE] = "";
    json_t *body = NULL;
    int64_t id, now;
    enum lnt_err rc;

    if (!lnt_api_open(api, req, NULL, &c, resp) ||
        !lnt_api_param_id(params, 0, "subscription", &id, resp) ||
        (body = lnt_api_open_body(req, resp)) == NULL)
        return;
    if (!officer_for(api, req, &c, json_string_value(json_object_get(body, "officer")), &o, resp))
        goto out;
    now = lnt_api_now(api);
    rc = lnt_store_alert_unsubscribe(api->store, o.id, id, c.actor, now, err);
    if (rc == LNT_ERR_NOT_FOUND && refused_elsewhere(api, req, &c, false, id, resp))
        goto out;
    if (rc != LNT_OK) {
        store_failed(req, rc, err, resp);
        goto out;
    }
    done_reply(resp,
               json_pack("{s:I, s:o}", "id", (json_int_t)id, "ended_at", lnt_api_json_time(now)));
out:
    json_decref(body);
}

static const struct lnt_api_route routes[] = {
    {"GET", "/api/v1/alerts", LNT_API_BODY_DEFAULT, handle_inbox},
    {"GET", "/api/v1/alerts/subscriptions", LNT_API_BODY_DEFAULT, handle_subs},
    {"POST", "/api/v1/alerts/subscriptions", ALERT_BODY_MAX, handle_subscribe},
    {"POST", "/api/v1/alerts/subscriptions/{id}/end", ALERT_BODY_MAX, handle_end},
    {"POST", "/api/v1/alerts/{id}/ack", ALERT_BODY_MAX, handle_ack},
};

const struct lnt_api_routes lnt_api_alerts_routes = {routes, sizeof routes / sizeof routes[0]};
