/* api_officer.c - the officers' routes: bearer tokens and scope, venues, door registers,
 * incidents and their sealed details. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "codec.h"
#include "log.h"
#include "ltime.h"
#include "night.h"

#define TOKEN_TEXT_MAX 128 /* longer Authorization values are not tokens of ours */
#define NIGHTS_DEFAULT 28  /* the window venue summaries count incidents over */
#define NIGHTS_MAX 366
#define DETAILS_MAX 4096 /* plaintext of sealed details (the sealed text is < 4096 base64) */
#define RANGE_DAYS_DEFAULT 28

/* ---- bearer tokens and scope ---- */

static void unauthorized(struct lnt_http_response *resp, const char *error, const char *detail)
{
    char value[128];

    snprintf(value, sizeof value, "Bearer realm=\"lantern\"%s%s%s", error ? ", error=\"" : "",
             error ? error : "", error ? "\"" : "");
    lnt_http_response_header(resp, "WWW-Authenticate", value);
    lnt_http_problem(resp, 401, "%s", detail);
}

bool lnt_api_officer_auth(struct lnt_api *api, const struct lnt_http_request *req,
                          struct lnt_api_caller *out, struct lnt_http_response *resp)
{
    const char *h = lnt_http_header(req, "Authorization");
    char err[LNT_ERRBUF_SIZE] = "";
    const char *text;
    enum lnt_err rc;

    if (h == NULL) {
        unauthorized(resp, NULL,
                     "missing header Authorization: expected `Bearer <token>` (tokens are made "
                     "by `lanternctl token add`)");
        return false;
    }
    if (strncasecmp(h, "Bearer ", 7) != 0) {
        unauthorized(resp, "invalid_request", "header Authorization: expected `Bearer <token>`");
        return false;
    }
    text = h + 7;
    while (*text == ' ')
        text++;
    if (*text == '\0' || strlen(text) > TOKEN_TEXT_MAX) {
        unauthorized(resp, "invalid_token",
                     "header Authorization: the token is missing or too long");
        return false;
    }
    memset(out, 0, sizeof *out);
    rc = lnt_store_token_lookup(api->store, text, lnt_api_now(api), &out->token, err);
    switch (rc) {
    case LNT_OK:
        break;
    case LNT_ERR_NOT_FOUND:
    case LNT_ERR_INVALID:
        unauthorized(resp, "invalid_token", "unknown API token");
        return false;
    case LNT_ERR_EXPIRED:
        unauthorized(resp, "invalid_token",
                     "API token has expired: ask the scheme admin for a new one");
        return false;
    case LNT_ERR_REVOKED:
        unauthorized(resp, "invalid_token", "API token has been revoked");
        return false;
    default:
        lnt_error("%s: token lookup: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not check the token (%s)", lnt_strerror(rc));
        return false;
    }
    snprintf(out->actor, sizeof out->actor, "token %lld (%.40s)", (long long)out->token.id,
             out->token.label);
    return true;
}

bool lnt_api_scope_covers(const struct lnt_scope *scope, const struct lnt_venue *v)
{
    if (scope->venue_id != 0)
        return v->id == scope->venue_id;
    if (scope->authority[0] != '\0')
        return strcmp(v->authority, scope->authority) == 0;
    return true;
}

void lnt_api_audit_refusal(struct lnt_api *api, const struct lnt_http_request *req,
                           const struct lnt_api_caller *c, const char *object)
{
    char err[LNT_ERRBUF_SIZE] = "";
    char detail[256];
    char peer[64];

    lnt_http_peer(req, peer, sizeof peer);
    snprintf(detail, sizeof detail, "%s %.160s from %s: out of the %s's scope", req->method,
             req->path, peer, lnt_officer_role_name(c->token.scope.role));
    if (lnt_store_audit_append(api->store, c->actor, "access.refused", object, detail, err) !=
        LNT_OK)
        lnt_error("audit: %s", err);
}

void lnt_api_scope_object(const struct lnt_scope *scope, int64_t venue_id, char *out, size_t size)
{
    if (venue_id != 0)
        snprintf(out, size, "venue %lld", (long long)venue_id);
    else if (scope->venue_id != 0)
        snprintf(out, size, "venue %lld", (long long)scope->venue_id);
    else if (scope->authority[0] != '\0')
        snprintf(out, size, "authority %.40s", scope->authority);
    else
        snprintf(out, size, "whole scheme");
}

bool lnt_api_audit_read(struct lnt_api *api, const struct lnt_http_request *req,
                        const struct lnt_api_caller *c, const char *action, const char *object,
                        size_t rows, struct lnt_http_response *resp)
{
    char err[LNT_ERRBUF_SIZE] = "";
    char detail[256];
    char peer[64];

    lnt_http_peer(req, peer, sizeof peer);
    snprintf(detail, sizeof detail, "%s %.160s from %s: %zu rows", req->method, req->path, peer,
             rows);
    if (lnt_store_audit_append(api->store, c->actor, action, object, detail, err) != LNT_OK) {
        lnt_error("%s: audit: %s", req->path, err);
        lnt_http_problem(resp, 500,
                         "the server could not record this read in the audit log, so "
                         "it does not answer it");
        return false;
    }
    return true;
}

bool lnt_api_venue_rows(struct lnt_api *api, const struct lnt_http_request *req,
                        const struct lnt_api_caller *c, const char *action, int64_t venue_id,
                        const void *rows, size_t n, size_t size,
                        json_t *(*row_json)(const void *row), json_t **out,
                        struct lnt_http_response *resp)
{
    char object[32];
    json_t *list;

    *out = NULL;
    snprintf(object, sizeof object, "venue %lld", (long long)venue_id);
    if (!lnt_api_audit_read(api, req, c, action, object, n, resp))
        return false;
    list = json_array();
    for (size_t i = 0; list != NULL && i < n; i++)
        if (json_array_append_new(list, row_json((const char *)rows + i * size)) != 0) {
            json_decref(list);
            list = NULL;
        }
    *out = list;
    return true;
}

bool lnt_api_venue_in_scope(struct lnt_api *api, const struct lnt_http_request *req,
                            const struct lnt_api_caller *c, int64_t venue_id, struct lnt_venue *out,
                            struct lnt_http_response *resp)
{
    char err[LNT_ERRBUF_SIZE] = "";
    char object[32];
    enum lnt_err rc = lnt_store_venue_get(api->store, venue_id, out, err);

    if (rc == LNT_ERR_NOT_FOUND) {
        lnt_http_problem(resp, 404, "no such venue: %lld", (long long)venue_id);
        return false;
    }
    if (rc != LNT_OK) {
        lnt_error("%s: venue %lld: %s", req->path, (long long)venue_id, err);
        lnt_http_problem(resp, 500, "the server could not read venue %lld (%s)",
                         (long long)venue_id, lnt_strerror(rc));
        return false;
    }
    if (!lnt_api_scope_covers(&c->token.scope, out)) {
        snprintf(object, sizeof object, "venue %lld", (long long)venue_id);
        lnt_api_audit_refusal(api, req, c, object);
        lnt_http_problem(resp, 403, "venue %lld is outside this token's scope",
                         (long long)venue_id);
        return false;
    }
    return true;
}

/* ---- query parameters ---- */

static bool query_size(const struct lnt_http_request *req, const char *name, int64_t min,
                       int64_t max, int64_t def, int64_t *out, struct lnt_http_response *resp)
{
    const char *v = lnt_http_query(req, name);

    *out = def;
    if (v != NULL && lnt_parse_i64(v, min, max, out) != LNT_OK) {
        lnt_http_problem(resp, 400, "query `%s`: expected a whole number from %lld to %lld", name,
                         (long long)min, (long long)max);
        return false;
    }
    return true;
}

bool lnt_api_query_page(const struct lnt_http_request *req, size_t *offset, size_t *limit,
                        struct lnt_http_response *resp)
{
    int64_t o, l;

    if (!query_size(req, "offset", 0, LNT_API_OFFSET_MAX, 0, &o, resp) ||
        !query_size(req, "limit", 1, LNT_VIEW_MAX, LNT_API_PAGE_DEFAULT, &l, resp))
        return false;
    *offset = (size_t)o;
    *limit = (size_t)l;
    return true;
}

bool lnt_api_query_id(const struct lnt_http_request *req, const char *name, int64_t *out,
                      struct lnt_http_response *resp)
{
    const char *v = lnt_http_query(req, name);

    *out = 0;
    if (v != NULL && lnt_parse_i64(v, 1, INT64_MAX, out) != LNT_OK) {
        lnt_http_problem(resp, 400, "query `%s`: expected an id (a positive integer)", name);
        return false;
    }
    return true;
}

/* Parses an RFC 3339 time or a YYYY-MM-DD date (its midnight UTC). */
static bool parse_when(const char *s, int64_t *out)
{
    int32_t days;

    if (strlen(s) == 10 && lnt_date_parse(s, &days) == LNT_OK) {
        *out = (int64_t)days * 86400;
        return true;
    }
    return lnt_time_parse(s, out) == LNT_OK;
}

bool lnt_api_query_range(const struct lnt_http_request *req, int64_t now, int default_days,
                         int64_t *from, int64_t *to, struct lnt_http_response *resp)
{
    const char *f = lnt_http_query(req, "from");
    const char *t = lnt_http_query(req, "to");

    /* Without `to`, the range ends after the current second: a record made this second
     * (a flag raised by the batch just sent) is in it. */
    *to = now + 1;
    if (t != NULL && !parse_when(t, to)) {
        lnt_http_problem(resp, 400, "query `to`: expected a date (2026-11-26) or an RFC 3339 time");
        return false;
    }
    *from = *to - (int64_t)default_days * 86400;
    if (f != NULL && !parse_when(f, from)) {
        lnt_http_problem(resp, 400,
                         "query `from`: expected a date (2026-11-26) or an RFC 3339 time");
        return false;
    }
    if (*from >= *to) {
        lnt_http_problem(resp, 400, "query `from` must be before `to`");
        return false;
    }
    return true;
}

bool lnt_api_json_page(struct json_t *reply, size_t offset, size_t limit, size_t n)
{
    return json_object_set_new(reply, "offset", json_integer((json_int_t)offset)) == 0 &&
           json_object_set_new(reply, "limit", json_integer((json_int_t)limit)) == 0 &&
           json_object_set_new(reply, "next_offset",
                               n == limit ? json_integer((json_int_t)(offset + n)) : json_null()) ==
               0;
}

/* ---- venues ---- */

static json_t *stock_json(const struct lnt_stock_level *s)
{
    return json_pack("{s:o, s:i, s:o, s:b}", "level",
                     s->known ? json_integer(s->level) : json_null(), "threshold",
                     (int)s->threshold, "updated_at", lnt_api_json_time(s->updated_at),
                     "below_threshold", s->known && s->level < s->threshold);
}

/* A venue summary as the API shows it, with its score (or null). */
static json_t *venue_json(struct lnt_api *api, const struct lnt_venue_summary *vs)
{
    const struct lnt_venue *v = &vs->venue;
    const char *category = lnt_venue_category_name(v->category);
    json_t *j;

    j = json_pack("{s:I, s:s, s:s, s:i, s:s, s:s, s:s, s:i, s:o, s:i, s:o, s:i, s:o}", "id",
                  (json_int_t)v->id, "name", v->name, "category",
                  category != NULL ? category : "unknown", "capacity", (int)v->capacity, "area",
                  v->area, "authority", v->authority, "trading", v->trading, "cup_cover_threshold",
                  (int)v->cup_cover_threshold, "closed_at", lnt_api_json_time(v->closed_at),
                  "incidents", (int)vs->incidents, "last_contact",
                  lnt_api_json_time(vs->last_contact), "kiosks", (int)vs->kiosks, "stock",
                  stock_json(&vs->stock));
    if (j == NULL)
        return NULL;
    /* The scoring routes fill "score" (band, award, trend) through api->venue_score. */
    if (json_object_set_new(j, "score", json_null()) != 0) {
        json_decref(j);
        return NULL;
    }
    if (api->venue_score != NULL)
        api->venue_score(api, v->id, j);
    return j;
}

/* The trading-night window [first, last] from `nights` (default NIGHTS_DEFAULT) ending tonight. */
static bool query_nights(const struct lnt_http_request *req, int64_t now, int32_t *first,
                         int32_t *last, struct lnt_http_response *resp)
{
    int64_t n;

    if (!query_size(req, "nights", 1, NIGHTS_MAX, NIGHTS_DEFAULT, &n, resp))
        return false;
    *last = lnt_night_of(now);
    *first = *last - (int32_t)n + 1;
    return true;
}

static bool query_bool(const struct lnt_http_request *req, const char *name, bool *out,
                       struct lnt_http_response *resp)
{
    const char *v = lnt_http_query(req, name);

    *out = false;
    if (v == NULL || strcmp(v, "false") == 0)
        return true;
    if (strcmp(v, "true") == 0 || *v == '\0') {
        *out = true;
        return true;
    }
    lnt_http_problem(resp, 400, "query `%s`: expected true or false", name);
    return false;
}

static void handle_venues(struct lnt_api *api, const struct lnt_http_request *req,
                          const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_venue_summary *rows = NULL;
    struct lnt_venue_detail one;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t offset, limit, n = 0;
    int32_t first, last;
    bool closed;
    json_t *list = NULL, *reply = NULL;
    enum lnt_err rc;

    (void)params;
    if (!lnt_api_officer_auth(api, req, &c, resp) ||
        !lnt_api_query_page(req, &offset, &limit, resp) ||
        !query_nights(req, lnt_api_now(api), &first, &last, resp) ||
        !query_bool(req, "include_closed", &closed, resp))
        goto out;
    if (c.token.scope.venue_id != 0) {
        /* A venue's own token: a list of (at most) that one venue. */
        rc = lnt_store_venue_detail(api->store, c.token.scope.venue_id, first, last, &one, err);
        if (rc == LNT_OK && offset == 0 && (closed || one.summary.venue.closed_at == 0)) {
            rows = malloc(sizeof *rows);
            if (rows == NULL)
                rc = LNT_ERR_NOMEM;
            else
                rows[n++] = one.summary;
        }
    } else {
        rc = lnt_store_venue_summaries(api->store, c.token.scope.authority, closed, first, last,
                                       offset, limit, &rows, &n, err);
    }
    if (rc != LNT_OK) {
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not list venues (%s)", lnt_strerror(rc));
        goto out;
    }
    list = json_array();
    for (size_t i = 0; list != NULL && i < n; i++)
        if (json_array_append_new(list, venue_json(api, &rows[i])) != 0) {
            json_decref(list);
            list = NULL;
        }
    reply = list != NULL ? json_pack("{s:O, s:{s:o, s:o}}", "venues", list, "nights", "first",
                                     lnt_api_json_date(first), "last", lnt_api_json_date(last))
                         : NULL;
    if (reply != NULL && !lnt_api_json_page(reply, offset, limit, n)) {
        json_decref(reply);
        reply = NULL;
    }
    lnt_api_reply_json(resp, 200, reply);
out:
    json_decref(reply);
    json_decref(list);
    free(rows);
}

static json_t *totals_json(const struct lnt_night_rollup *t)
{
    return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, "
                     "s:i}",
                     "contacts", (int)t->contacts, "sign_ins", (int)t->sign_ins, "door_shifts",
                     (int)t->door_shifts, "door_sia_ok", (int)t->door_sia_ok, "door_vuln_trained",
                     (int)t->door_vuln_trained, "angela_on_shift", (int)t->angela_on_shift,
                     "staff_shifts", (int)t->staff_shifts, "staff_bystander",
                     (int)t->staff_bystander, "open_shifts", (int)t->open_shifts, "incidents",
                     (int)t->incidents, "incidents_within_hour", (int)t->incidents_within_hour,
                     "spiking", (int)t->spiking, "spiking_complete", (int)t->spiking_complete,
                     "angela", (int)t->angela, "refused", (int)t->refused, "stock_events",
                     (int)t->stock_events);
}

static void handle_venue(struct lnt_api *api, const struct lnt_http_request *req,
                         const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_venue venue;
    struct lnt_venue_detail d;
    char err[LNT_ERRBUF_SIZE] = "";
    int32_t first, last;
    int64_t id;
    json_t *reply = NULL;
    enum lnt_err rc;

    if (!lnt_api_officer_auth(api, req, &c, resp) ||
        !lnt_api_param_id(params, 0, "venue", &id, resp) ||
        !lnt_api_venue_in_scope(api, req, &c, id, &venue, resp) ||
        !query_nights(req, lnt_api_now(api), &first, &last, resp))
        return;
    rc = lnt_store_venue_detail(api->store, id, first, last, &d, err);
    if (rc != LNT_OK) {
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, rc == LNT_ERR_NOT_FOUND ? 404 : 500,
                         "the server could not read venue %lld (%s)", (long long)id,
                         lnt_strerror(rc));
        return;
    }
    reply = venue_json(api, &d.summary);
    if (reply != NULL &&
        (json_object_set_new(reply, "staff", json_integer(d.staff)) != 0 ||
         json_object_set_new(reply, "open_shifts", json_integer(d.open_shifts)) != 0 ||
         json_object_set_new(reply, "nights",
                             json_pack("{s:o, s:o}", "first", lnt_api_json_date(first), "last",
                                       lnt_api_json_date(last))) != 0 ||
         json_object_set_new(reply, "totals", totals_json(&d.totals)) != 0 ||
         json_object_set_new(reply, "flagged_sign_ins",
                             json_pack("{s:i, s:i}", "revoked", (int)d.revoked_sign_ins,
                                       "unknown_serial", (int)d.unknown_serial_sign_ins)) != 0)) {
        json_decref(reply);
        reply = NULL;
    }
    lnt_api_reply_json(resp, 200, reply);
    json_decref(reply);
}

/* ---- door register ---- */

static json_t *shift_json(const void *row)
{
    const struct lnt_shift *s = row;
    const char *flag = lnt_signin_flag_name(s->badge_flag);
    json_t *o;

    o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:b, s:b, s:b, "
                  "s:b, s:o, s:o, s:o, s:s}",
                  "id", (json_int_t)s->id, "kiosk_id", (json_int_t)s->kiosk_id, "staff_id",
                  s->staff_id, "staff_name", s->staff_name, "badge_serial", s->serial, "role",
                  lnt_role_name(s->role), "sia_number", s->sia_number, "sia_status",
                  lnt_sia_status_name(s->sia_status) ? lnt_sia_status_name(s->sia_status) : "",
                  "verdict", lnt_verdict_name(s->verdict) ? lnt_verdict_name(s->verdict) : "",
                  "on_at", lnt_api_json_time(s->on_at), "off_at", lnt_api_json_time(s->off_at),
                  "night", lnt_api_json_date(s->night), "sia_ok", s->sia_ok, "vuln_trained",
                  s->vuln_trained, "angela_trained", s->angela_trained, "bystander_trained",
                  s->bystander_trained, "badge_flag",
                  flag != NULL ? json_string(flag) : json_null(), "signed_out_by",
                  s->off_by[0] != '\0' ? json_string(s->off_by) : json_null(), "training_missing",
                  lnt_api_courses_json(s->training_missing), "duty",
                  s->duty == LNT_DUTY_OTHER ? "other" : "role");
    /* the licence's status is the scheme's listing, not the badge's word */
    if (o != NULL && json_object_set_new(o, "sia_listed", json_boolean(s->sia_listed)) != 0) {
        json_decref(o);
        o = NULL;
    }
    return o;
}

/*
 * Replies 200 with {"venue_id", "from", "to", "<key>": list} plus paging for
 * one page of venue `id`'s rows in [from, to); a 500 when list is NULL or
 * building the reply fails. Borrows `list`.
 */
static void reply_venue_page(struct lnt_http_response *resp, int64_t id, int64_t from, int64_t to,
                             const char *key, json_t *list, size_t offset, size_t limit, size_t n)
{
    json_t *reply = list != NULL
                        ? json_pack("{s:I, s:o, s:o, s:O}", "venue_id", (json_int_t)id, "from",
                                    lnt_api_json_time(from), "to", lnt_api_json_time(to), key, list)
                        : NULL;

    if (reply != NULL && !lnt_api_json_page(reply, offset, limit, n)) {
        json_decref(reply);
        reply = NULL;
    }
    lnt_api_reply_json(resp, 200, reply);
    json_decref(reply);
}

static void handle_register(struct lnt_api *api, const struct lnt_http_request *req,
                            const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_venue venue;
    struct lnt_shift *rows = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t offset, limit, n = 0;
    int64_t id, from, to;
    json_t *list = NULL;
    enum lnt_err rc;

    if (!lnt_api_officer_auth(api, req, &c, resp) ||
        !lnt_api_param_id(params, 0, "venue", &id, resp) ||
        !lnt_api_venue_in_scope(api, req, &c, id, &venue, resp) ||
        !lnt_api_query_range(req, lnt_api_now(api), 7, &from, &to, resp) ||
        !lnt_api_query_page(req, &offset, &limit, resp))
        goto out;
    if (!lnt_scope_may_read_register(&c.token.scope)) {
        char object[32];
        snprintf(object, sizeof object, "venue %lld", (long long)id);
        lnt_api_audit_refusal(api, req, &c, object);
        lnt_http_problem(resp, 403, "a%s %s token may not read the door register",
                         c.token.scope.role == LNT_OFFICER_ASSESSOR ? "n" : "",
                         lnt_officer_role_name(c.token.scope.role));
        goto out;
    }
    rc = lnt_store_register_list(api->store, id, from, to, offset, limit, &rows, &n, err);
    if (rc != LNT_OK) {
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not read the register (%s)",
                         lnt_strerror(rc));
        goto out;
    }
    if (!lnt_api_venue_rows(api, req, &c, "register.read", id, rows, n, sizeof rows[0], shift_json,
                            &list, resp))
        goto out;
    reply_venue_page(resp, id, from, to, "shifts", list, offset, limit, n);
out:
    json_decref(list);
    free(rows);
}

/* ---- incidents ---- */

static json_t *incident_json(const void *row)
{
    const struct lnt_incident *i = row;
    return json_pack(
        "{s:s, s:I, s:I, s:s, s:i, s:s, s:s, s:b, s:b, s:s, s:o, s:o, s:o, s:i, "
        "s:o, s:b, s:b}",
        "report_id", i->report_id, "venue_id", (json_int_t)i->venue_id, "kiosk_id",
        (json_int_t)i->kiosk_id, "kind", i->kind, "severity", i->severity, "place", i->place,
        "outcome", i->outcome, "police_called", i->police_called, "complete", i->complete,
        "staff_id", i->staff_id, "occurred_at", lnt_api_json_time(i->occurred_at),
        "first_recorded_at", lnt_api_json_time(i->first_recorded_at), "updated_at",
        lnt_api_json_time(i->updated_at), "updates", (int)i->updates, "night",
        lnt_api_json_date(i->night), "within_hour", i->within_hour, "has_details", i->has_details);
}

static void handle_incidents(struct lnt_api *api, const struct lnt_http_request *req,
                             const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_venue venue;
    struct lnt_incident *rows = NULL;
    struct lnt_incident_filter filter;
    char err[LNT_ERRBUF_SIZE] = "";
    const char *kind = lnt_http_query(req, "kind");
    size_t offset, limit, n = 0;
    int64_t id, from, to;
    json_t *list = NULL;
    enum lnt_err rc;

    if (!lnt_api_officer_auth(api, req, &c, resp) ||
        !lnt_api_param_id(params, 0, "venue", &id, resp) ||
        !lnt_api_venue_in_scope(api, req, &c, id, &venue, resp) ||
        !lnt_api_query_range(req, lnt_api_now(api), RANGE_DAYS_DEFAULT, &from, &to, resp) ||
        !lnt_api_query_page(req, &offset, &limit, resp))
        goto out;
    if (kind != NULL && strlen(kind) >= LNT_SHORT_TEXT) {
        lnt_http_problem(resp, 400, "query `kind`: at most %d bytes", LNT_SHORT_TEXT - 1);
        goto out;
    }
    memset(&filter, 0, sizeof filter);
    filter.venue_id = id;
    filter.kind = kind;
    filter.from = from;
    filter.to = to;
    rc = lnt_store_incident_list(api->store, &filter, offset, limit, &rows, &n, err);
    if (rc != LNT_OK) {
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not list incidents (%s)", lnt_strerror(rc));
        goto out;
    }
    if (!lnt_api_venue_rows(api, req, &c, "incidents.read", id, rows, n, sizeof rows[0],
                            incident_json, &list, resp))
        goto out;
    reply_venue_page(resp, id, from, to, "incidents", list, offset, limit, n);
out:
    json_decref(list);
    free(rows);
}

/* Roles that may read sealed incident details. */
static bool may_open_details(enum lnt_officer_role role)
{
    return role == LNT_OFFICER_ADMIN || role == LNT_OFFICER_OFFICER || role == LNT_OFFICER_POLICE;
}

/* true for 36 characters of lower-case hex and dashes in the UUID layout. */
static bool is_uuid(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : strchr("0123456789abcdef", s[i]) == NULL || s[i] == '\0')
            return false;
    }
    return true;
}

/* The kiosk seals a JSON object; anything else is shown as text. NULL when it cannot be made. */
static json_t *opened_json(const char *text, size_t len)
{
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);

    return j != NULL ? j : json_stringn(text, len);
}

/*
 * Every save of the report, in the order received: [{"seq", "kiosk_id", "recorded_at",
 * "received_at", "complete", "details"}]; details null when the save carried none, or (with
 * "damaged": true) when they do not open. NULL when it cannot be made.
 */
static json_t *parts_json(const struct lnt_incident_part *parts, size_t n)
{
    json_t *arr = json_array();

    for (size_t i = 0; arr != NULL && i < n; i++) {
        const struct lnt_incident_part *p = &parts[i];
        json_t *d = p->state == LNT_PART_OPENED ? opened_json(p->details, p->len) : json_null();
        json_t *o =
            json_pack("{sI sI so so sb so sb}", "seq", (json_int_t)p->seq, "kiosk_id",
                      (json_int_t)p->kiosk_id, "recorded_at", lnt_api_json_time(p->recorded_at),
                      "received_at", lnt_api_json_time(p->received_at), "complete", p->complete,
                      "details", d, "damaged", p->state == LNT_PART_DAMAGED);
        if (o == NULL || json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    return arr;
}

static void handle_details(struct lnt_api *api, const struct lnt_http_request *req,
                           const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_incident inc;
    struct lnt_venue venue;
    char err[LNT_ERRBUF_SIZE] = "";
    char *details = NULL;
    const char *report_id = params->v[0];
    struct lnt_incident_part *parts = NULL;
    size_t len = 0, n_parts = 0;
    json_t *reply = NULL, *opened = NULL;
    enum lnt_err rc;

    if (!lnt_api_officer_auth(api, req, &c, resp))
        goto out;
    if (!is_uuid(report_id)) {
        lnt_http_problem(resp, 404, "no such incident: `%s` is not a report id (a lower-case UUID)",
                         report_id);
        goto out;
    }
    /* one indexed lookup by report id, then the scope check on its venue */
    rc = lnt_store_incident_get(api->store, report_id, &inc, err);
    if (rc == LNT_OK)
        rc = lnt_store_venue_get(api->store, inc.venue_id, &venue, err);
    if (rc == LNT_ERR_NOT_FOUND) {
        lnt_http_problem(resp, 404, "no such incident: %s", report_id);
        goto out;
    }
    if (rc != LNT_OK) {
        lnt_error("%s: %s", req->path, err);
        lnt_http_problem(resp, 500, "the server could not look up the incident (%s)",
                         lnt_strerror(rc));
        goto out;
    }
    if (!lnt_api_scope_covers(&c.token.scope, &venue)) {
        lnt_api_audit_refusal(api, req, &c, report_id);
        lnt_http_problem(resp, 403, "incident %s is outside this token's scope", report_id);
        goto out;
    }
    if (!may_open_details(c.token.scope.role)) {
        lnt_api_audit_refusal(api, req, &c, report_id);
        lnt_http_problem(resp, 403,
                         "a %s token may not read sealed incident details: only admin, officer "
                         "and police tokens may",
                         lnt_officer_role_name(c.token.scope.role));
        goto out;
    }
    details = malloc(DETAILS_MAX);
    if (details == NULL) {
        lnt_http_problem(resp, 500, "out of memory");
        goto out;
    }
    rc = lnt_store_incident_open_parts(api->store, report_id, c.actor, &inc, details, DETAILS_MAX,
                                       &len, &parts, &n_parts, err);
    if (rc == LNT_ERR_NOT_FOUND) {
        lnt_http_problem(resp, 404, "no such incident: %s", report_id);
        goto out;
    }
    if (rc != LNT_OK) {
        lnt_error("%s: %s", req->path, err);
        if (rc == LNT_ERR_UNKNOWN_KEY || rc == LNT_ERR_FORBIDDEN)
            lnt_http_problem(resp, 500,
                             "the incident's sealed details cannot be opened: the scheme's key "
                             "file is missing or refused on the server (%s); the administrator "
                             "must restore it (docs/admin.md, Keys)",
                             lnt_strerror(rc));
        else
            lnt_http_problem(resp, 500,
                             rc == LNT_ERR_CRYPTO
                                 ? "the incident's sealed details could not be opened with the "
                                   "scheme's key (%s)"
                                 : "the server could not read the incident (%s)",
                             lnt_strerror(rc));
        goto out;
    }
    opened = len == 0 ? json_null() : opened_json(details, len);
    reply = incident_json(&inc);
    if (reply != NULL && json_object_set_new(reply, "details", opened) != 0) {
        json_decref(reply);
        reply = NULL;
    }
    opened = NULL; /* owned by reply (or freed with it) */
    if (reply != NULL && json_object_set_new(reply, "parts", parts_json(parts, n_parts)) != 0) {
        json_decref(reply);
        reply = NULL;
    }
    lnt_api_reply_json(resp, 200, reply);
    lnt_info("%s read the details of incident %s", c.actor, report_id);
out:
    json_decref(reply);
    lnt_store_incident_parts_free(parts, n_parts);
    if (details != NULL) {
        lnt_api_wipe(details, DETAILS_MAX);
        free(details);
    }
}

static const struct lnt_api_route routes[] = {
    {"GET", "/api/v1/venues", LNT_API_BODY_DEFAULT, handle_venues},
    {"GET", "/api/v1/venues/{id}", LNT_API_BODY_DEFAULT, handle_venue},
    {"GET", "/api/v1/venues/{id}/register", LNT_API_BODY_DEFAULT, handle_register},
    {"GET", "/api/v1/venues/{id}/incidents", LNT_API_BODY_DEFAULT, handle_incidents},
    {"GET", "/api/v1/incidents/{report_id}/details", LNT_API_BODY_DEFAULT, handle_details},
};

const struct lnt_api_routes lnt_api_officer_routes = {routes, sizeof routes / sizeof routes[0]};
