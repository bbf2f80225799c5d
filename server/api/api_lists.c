/* api_lists.c - the officers' list routes: a venue's cup-cover stock, volunteer shifts, street
 * welfare, kiosks' health and flags, each cut to the token's scope. */
#include "api.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "log.h"
#include "ltime.h"
#include "store_places.h"

#define RANGE_DAYS_DEFAULT 28

/* ---- the venues a token may see, for filtering lists that span venues ---- */

struct venue_set {
    bool all;     /* the whole scheme: no filtering */
    int64_t *ids; /* sorted */
    size_t n;
};

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Fills *set for `scope`; the caller frees set->ids. */
static enum lnt_err venue_set_load(struct lnt_api *api, const struct lnt_scope *scope,
                                   struct venue_set *set, char *err)
{
    struct lnt_venue *v = NULL;
    size_t n = 0;
    enum lnt_err rc;

    memset(set, 0, sizeof *set);
    if (scope->venue_id == 0 && scope->authority[0] == '\0') {
        set->all = true;
        return LNT_OK;
    }
    if (scope->venue_id != 0) {
        set->ids = malloc(sizeof *set->ids);
        if (set->ids == NULL)
            return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
        set->ids[0] = scope->venue_id;
        set->n = 1;
        return LNT_OK;
    }
    rc = lnt_store_venue_list_by(api->store, scope->authority, true, &v, &n, err);
    if (rc != LNT_OK)
        return rc;
    if (n > 0) {
        set->ids = malloc(n * sizeof *set->ids);
        if (set->ids == NULL) {
            free(v);
            return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
        }
        for (size_t i = 0; i < n; i++)
            set->ids[i] = v[i].id;
        qsort(set->ids, n, sizeof *set->ids, cmp_id);
        set->n = n;
    }
    free(v);
    return LNT_OK;
}

static bool venue_set_has(const struct venue_set *set, int64_t id)
{
    return set->all || (set->n > 0 && bsearch(&id, set->ids, set->n, sizeof id, cmp_id) != NULL);
}

/*
 * The `venue` query parameter, checked against the caller's scope: *venue_id
 * is 0 when absent. false with a problem filled (400, 403 audited, 404).
 */
static bool query_venue(struct lnt_api *api, const struct lnt_http_request *req,
                        const struct lnt_api_caller *c, int64_t *venue_id,
                        struct lnt_http_response *resp)
{
    struct lnt_venue v;

    if (!lnt_api_query_id(req, "venue", venue_id, resp))
        return false;
    return *venue_id == 0 || lnt_api_venue_in_scope(api, req, c, *venue_id, &v, resp);
}

/*
 * Pages through a store list that has no scope filter of its own, keeping
 * only rows in scope: `fetch` returns rows [so, so + max) of the unfiltered
 * list; `keep` tells whether a row concerns a venue in `set`; `emit` turns a
 * kept row into JSON. Appends the page [offset, offset + limit) of the filtered
 * list to `list`, writing its length to *n.
 */
typedef enum lnt_err (*fetch_fn)(struct lnt_api *api, const void *q, size_t so, size_t max,
                                 void **rows, size_t *n, char *err);
typedef bool (*keep_fn)(const struct venue_set *set, const void *rows, size_t i);
typedef json_t *(*emit_fn)(const void *rows, size_t i);

static enum lnt_err filtered_page(struct lnt_api *api, const void *q, const struct venue_set *set,
                                  fetch_fn fetch, keep_fn keep, emit_fn emit, size_t offset,
                                  size_t limit, json_t *list, size_t *n, char *err)
{
    size_t skip = set->all ? 0 : offset, so = 0;
    enum lnt_err rc = LNT_OK;

    *n = 0;
    for (;;) {
        void *rows = NULL;
        size_t got = 0;

        /* Unfiltered: let the store page. */
        rc = fetch(api, q, set->all ? offset + so : so, set->all ? limit : LNT_VIEW_MAX, &rows,
                   &got, err);
        if (rc != LNT_OK)
            return rc;
        for (size_t i = 0; i < got && *n < limit; i++) {
            if (!keep(set, rows, i))
                continue;
            if (skip > 0) {
                skip--;
                continue;
            }
            if (json_array_append_new(list, emit(rows, i)) != 0) {
                free(rows);
                return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
            }
            (*n)++;
        }
        free(rows);
        if (set->all || *n >= limit || got < LNT_VIEW_MAX)
            return LNT_OK;
        so += got;
    }
}

/* Sends {"<key>": list, ...extra} with paging, or a 500. Takes `extra` (may be NULL). */
static void reply_list(struct lnt_http_response *resp, const char *key, json_t *list, json_t *extra,
                       size_t offset, size_t limit, size_t n)
{
    json_t *reply = extra != NULL ? extra : json_object();

    if (reply == NULL || json_object_set(reply, key, list) != 0 ||
        !lnt_api_json_page(reply, offset, limit, n)) {
        json_decref(reply);
        reply = NULL;
    }
    lnt_api_reply_json(resp, 200, reply);
    json_decref(reply);
}

static void store_failed(struct lnt_http_response *resp, const struct lnt_http_request *req,
                         const char *what, enum lnt_err rc, const char *err)
{
    lnt_error("%s: %s", req->path, err);
    lnt_http_problem(resp, 500, "the server could not read %s (%s)", what, lnt_strerror(rc));
}

/* ---- GET /api/v1/venues/{id}/stock ---- */

static json_t *stock_entry_json(const void *row)
{
    const struct lnt_stock_entry *e = row;
    return json_pack("{s:I, s:o, s:s, s:i, s:i, s:s}", "id", (json_int_t)e->id, "at",
                     lnt_api_json_time(e->at), "kind", e->kind, "quantity", (int)e->quantity,
                     "level_after", (int)e->level_after, "staff_id", e->staff_id);
}

static void handle_stock(struct lnt_api *api, const struct lnt_http_request *req,
                         const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct lnt_venue venue;
    struct lnt_stock_level level;
    struct lnt_stock_entry *rows = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t offset, limit, n = 0;
    int64_t id, from, to;
    json_t *list = NULL, *extra = NULL;
    enum lnt_err rc;

    if (!lnt_api_open_venue(api, req, params, NULL, &c, &id, &venue, resp) ||
        !lnt_api_query_range(req, lnt_api_now(api), RANGE_DAYS_DEFAULT, &from, &to, resp) ||
        !lnt_api_query_page(req, &offset, &limit, resp))
        goto out;
    if ((rc = lnt_store_stock_get(api->store, id, &level, err)) != LNT_OK ||
        (rc = lnt_store_stock_ledger(api->store, id, from, to, offset, limit, &rows, &n, err)) !=
            LNT_OK) {
        store_failed(resp, req, "the stock ledger", rc, err);
        goto out;
    }
    if (!lnt_api_venue_rows(api, req, &c, "stock.read", id, rows, n, sizeof rows[0],
                            stock_entry_json, &list, resp))
        goto out;
    extra = json_pack("{s:I, s:o, s:i, s:o, s:b, s:o, s:o}", "venue_id", (json_int_t)id, "level",
                      level.known ? json_integer(level.level) : json_null(), "threshold",
                      (int)level.threshold, "updated_at", lnt_api_json_time(level.updated_at),
                      "below_threshold", level.known && level.level < level.threshold, "from",
                      lnt_api_json_time(from), "to", lnt_api_json_time(to));
    if (list == NULL) {
        lnt_http_problem(resp, 500, "out of memory");
        goto out;
    }
    reply_list(resp, "ledger", list, extra, offset, limit, n);
    extra = NULL;
out:
    json_decref(extra);
    json_decref(list);
    free(rows);
}

/* ---- GET /api/v1/volunteers/shifts ---- */

static const char *const tally_names[LNT_TALLIES] = {
    "water",     "flip_flops", "blankets",     "bottles",
    "first_aid", "cctv_calls", "police_calls", "calmed",
};

struct volunteer_query {
    int64_t venue_id;
    struct lnt_rollup_scope scope; /* lnt_scope_volunteers: the store keeps to it */
    const char *team;
    int64_t from, to;
};

static enum lnt_err volunteer_fetch(struct lnt_api *api, const void *q, size_t so, size_t max,
                                    void **rows, size_t *n, char *err)
{
    const struct volunteer_query *vq = q;
    struct lnt_volunteer_shift *r = NULL;
    enum lnt_err rc = lnt_store_volunteer_list(api->store, &vq->scope, vq->team, vq->from, vq->to,
                                               so, max, &r, n, err);
    *rows = r;
    return rc;
}

static bool volunteer_keep(const struct venue_set *set, const void *rows, size_t i)
{
    (void)set;
    (void)rows;
    (void)i;
    return true; /* the store read kept to the scope already */
}

static json_t *volunteer_json(const void *rows, size_t i)
{
    const struct lnt_volunteer_shift *s = &((const struct lnt_volunteer_shift *)rows)[i];
    json_t *tallies = json_object();

    for (size_t k = 0; tallies != NULL && k < LNT_TALLIES; k++)
        if (json_object_set_new(tallies, tally_names[k], json_integer(s->tallies[k])) != 0) {
            json_decref(tallies);
            tallies = NULL;
        }
    return json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:o, s:o, s:o}", "id",
                     (json_int_t)s->id, "venue_id", (json_int_t)s->venue_id, "kiosk_id",
                     (json_int_t)s->kiosk_id, "staff_id", s->staff_id, "call_sign", s->call_sign,
                     "team", s->team, "base", s->base, "leader", s->leader, "team_size",
                     (int)s->team_size, "start_at", lnt_api_json_time(s->start_at), "end_at",
                     lnt_api_json_time(s->end_at), "night", lnt_api_json_date(s->night), "tallies",
                     tallies);
}

static void handle_volunteers(struct lnt_api *api, const struct lnt_http_request *req,
                              const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct volunteer_query q;
    struct venue_set set = {0};
    char err[LNT_ERRBUF_SIZE] = "", object[64];
    size_t offset, limit, n = 0;
    json_t *list = NULL;
    enum lnt_err rc;

    (void)params;
    memset(&q, 0, sizeof q);
    q.team = lnt_http_query(req, "team");
    if (!lnt_api_officer_auth(api, req, &c, resp) ||
        !query_venue(api, req, &c, &q.venue_id, resp) ||
        !lnt_api_query_range(req, lnt_api_now(api), RANGE_DAYS_DEFAULT, &q.from, &q.to, resp) ||
        !lnt_api_query_page(req, &offset, &limit, resp))
        goto out;
    if (q.team != NULL && strlen(q.team) >= LNT_SHORT_TEXT) {
        lnt_http_problem(resp, 400, "query `team`: at most %d bytes", LNT_SHORT_TEXT - 1);
        goto out;
    }
    lnt_scope_volunteers(&c.token.scope, q.venue_id, &q.scope);
    set.all = true;
    list = json_array();
    rc = list == NULL ? lnt_fail(err, LNT_ERR_NOMEM, "out of memory") : LNT_OK;
    if (rc == LNT_OK)
        rc = filtered_page(api, &q, &set, volunteer_fetch, volunteer_keep, volunteer_json, offset,
                           limit, list, &n, err);
    if (rc != LNT_OK) {
        store_failed(resp, req, "volunteer shifts", rc, err);
        goto out;
    }
    lnt_api_scope_object(&c.token.scope, q.venue_id, object, sizeof object);
    if (!lnt_api_audit_read(api, req, &c, "volunteers.read", object, n, resp))
        goto out;
    reply_list(
        resp, "shifts", list,
        json_pack("{s:o, s:o}", "from", lnt_api_json_time(q.from), "to", lnt_api_json_time(q.to)),
        offset, limit, n);
out:
    json_decref(list);
    free(set.ids);
}

/* ---- GET /api/v1/welfare ---- */

struct welfare_query {
    int64_t from, to;
};

static enum lnt_err welfare_fetch(struct lnt_api *api, const void *q, size_t so, size_t max,
                                  void **rows, size_t *n, char *err)
{
    const struct welfare_query *wq = q;
    struct lnt_welfare_row *r = NULL;
    enum lnt_err rc = lnt_store_welfare_list(api->store, wq->from, wq->to, so, max, &r, n, err);
    *rows = r;
    return rc;
}

static bool welfare_keep(const struct venue_set *set, const void *rows, size_t i)
{
    return venue_set_has(set, ((const struct lnt_welfare_row *)rows)[i].venue_id);
}

static json_t *welfare_json(const void *rows, size_t i)
{
    const struct lnt_welfare_row *w = &((const struct lnt_welfare_row *)rows)[i];

    return json_pack("{s:o, s:I, s:I, s:s, s:s, s:s, s:s}", "occurred_at",
                     lnt_api_json_time(w->occurred_at), "venue_id", (json_int_t)w->venue_id,
                     "kiosk_id", (json_int_t)w->kiosk_id, "staff_id", w->staff_id, "place",
                     w->place, "what", w->what, "outcome", w->outcome);
}

/* Street welfare across the town (a token scoped to venues sees its hubs' records). */
static void handle_welfare(struct lnt_api *api, const struct lnt_http_request *req,
                           const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct welfare_query q;
    struct venue_set set = {0};
    char err[LNT_ERRBUF_SIZE] = "", object[64];
    size_t offset, limit, n = 0;
    json_t *list = NULL;
    enum lnt_err rc;

    (void)params;
    memset(&q, 0, sizeof q);
    if (!lnt_api_officer_auth(api, req, &c, resp) ||
        !lnt_api_query_range(req, lnt_api_now(api), RANGE_DAYS_DEFAULT, &q.from, &q.to, resp) ||
        !lnt_api_query_page(req, &offset, &limit, resp))
        goto out;
    rc = venue_set_load(api, &c.token.scope, &set, err);
    list = json_array();
    if (rc == LNT_OK && list == NULL)
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    if (rc == LNT_OK)
        rc = filtered_page(api, &q, &set, welfare_fetch, welfare_keep, welfare_json, offset, limit,
                           list, &n, err);
    if (rc != LNT_OK) {
        store_failed(resp, req, "the welfare log", rc, err);
        goto out;
    }
    lnt_api_scope_object(&c.token.scope, 0, object, sizeof object);
    if (!lnt_api_audit_read(api, req, &c, "welfare.read", object, n, resp))
        goto out;
    reply_list(
        resp, "welfare", list,
        json_pack("{s:o, s:o}", "from", lnt_api_json_time(q.from), "to", lnt_api_json_time(q.to)),
        offset, limit, n);
out:
    json_decref(list);
    free(set.ids);
}

/* ---- GET /api/v1/kiosks ---- */

static json_t *kiosk_json(const struct lnt_kiosk *k, int64_t now)
{
    return json_pack("{s:I, s:I, s:o, s:o, s:o, s:I, s:b, s:o, s:o, s:o, s:I, s:I, s:o}", "id",
                     (json_int_t)k->id, "venue_id", (json_int_t)k->venue_id, "enrolled_at",
                     lnt_api_json_time(k->enrolled_at), "last_seen",
                     lnt_api_json_time(k->last_seen), "silent_seconds",
                     k->last_seen != 0 ? json_integer(now - k->last_seen) : json_null(), "last_seq",
                     (json_int_t)k->last_seq, "revoked", k->revoked, "revoked_at",
                     lnt_api_json_time(k->revoked_at), "backlog",
                     k->backlog >= 0 && k->backlog_at != 0 ? json_integer(k->backlog) : json_null(),
                     "backlog_at", lnt_api_json_time(k->backlog_at), "seq_gaps",
                     (json_int_t)k->seq_gaps, "seq_backwards", (json_int_t)k->seq_backwards,
                     "last_anomaly_at", lnt_api_json_time(k->last_anomaly_at));
}

static void handle_kiosks(struct lnt_api *api, const struct lnt_http_request *req,
                          const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct venue_set set = {0};
    struct lnt_kiosk *rows = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t offset, limit, n = 0, kept = 0;
    int64_t venue_id, now = lnt_api_now(api);
    json_t *list = NULL;
    enum lnt_err rc;

    (void)params;
    if (!lnt_api_officer_auth(api, req, &c, resp) || !query_venue(api, req, &c, &venue_id, resp) ||
        !lnt_api_query_page(req, &offset, &limit, resp))
        goto out;
    rc = venue_id != 0 ? (set.all = true, LNT_OK) : venue_set_load(api, &c.token.scope, &set, err);
    if (rc == LNT_OK)
        rc = lnt_store_kiosk_list(api->store, venue_id, &rows, &n, err);
    if (rc != LNT_OK) {
        store_failed(resp, req, "kiosks", rc, err);
        goto out;
    }
    list = json_array();
    for (size_t i = 0, skip = offset; list != NULL && i < n && kept < limit; i++) {
        if (!venue_set_has(&set, rows[i].venue_id))
            continue;
        if (skip > 0) {
            skip--;
            continue;
        }
        if (json_array_append_new(list, kiosk_json(&rows[i], now)) != 0) {
            json_decref(list);
            list = NULL;
            break;
        }
        kept++;
    }
    if (list == NULL) {
        lnt_http_problem(resp, 500, "out of memory");
        goto out;
    }
    reply_list(resp, "kiosks", list, NULL, offset, limit, kept);
out:
    json_decref(list);
    free(rows);
    free(set.ids);
}

/* ---- GET /api/v1/flags ---- */

struct flag_query {
    int64_t venue_id;
    enum lnt_flag_kind kind;
    int64_t from, to;
};

static enum lnt_err flag_fetch(struct lnt_api *api, const void *q, size_t so, size_t max,
                               void **rows, size_t *n, char *err)
{
    const struct flag_query *fq = q;
    struct lnt_flag *r = NULL;
    enum lnt_err rc = lnt_store_flag_list(api->store, fq->venue_id, fq->kind, fq->from, fq->to, so,
                                          max, &r, n, err);
    *rows = r;
    return rc;
}

/* A copied badge concerns both venues: either one in scope shows it. */
static bool flag_keep(const struct venue_set *set, const void *rows, size_t i)
{
    const struct lnt_flag *f = &((const struct lnt_flag *)rows)[i];
    return venue_set_has(set, f->venue_id) ||
           (f->other_venue_id != 0 && venue_set_has(set, f->other_venue_id));
}

static json_t *flag_json(const void *rows, size_t i)
{
    const struct lnt_flag *f = &((const struct lnt_flag *)rows)[i];
    const char *kind = lnt_flag_kind_name(f->kind);

    return json_pack(
        "{s:I, s:s, s:I, s:o, s:o, s:s, s:s, s:o, s:I, s:I}", "id", (json_int_t)f->id, "kind",
        kind != NULL ? kind : "unknown", "venue_id", (json_int_t)f->venue_id, "other_venue_id",
        f->other_venue_id != 0 ? json_integer(f->other_venue_id) : json_null(), "kiosk_id",
        f->kiosk_id != 0 ? json_integer(f->kiosk_id) : json_null(), "staff_id", f->staff_id,
        "badge_serial", f->serial, "at", lnt_api_json_time(f->at), "seq", (json_int_t)f->seq,
        "other", (json_int_t)f->other);
}

/* Who and which badge are the door register's: a caller who may not read it (an assessor)
 * sees that something was flagged, where and when, with both withheld as null. */
static void withhold_people(json_t *list)
{
    size_t i;
    json_t *flag;

    json_array_foreach(list, i, flag)
    {
        json_object_set_new(flag, "staff_id", json_null());
        json_object_set_new(flag, "badge_serial", json_null());
    }
}

/* A 400 problem naming every flag kind the query may ask for. */
static void flag_kinds_problem(struct lnt_http_response *resp)
{
    char names[512] = "";
    size_t used = 0;

    for (int k = 1; k <= LNT_FLAG__MAX && used < sizeof names; k++) {
        int w = snprintf(names + used, sizeof names - used, "%s%s", k == 1 ? "" : ", ",
                         lnt_flag_kind_name((enum lnt_flag_kind)k));
        if (w < 0)
            break;
        used += (size_t)w;
    }
    lnt_http_problem(resp, 400, "query `kind`: expected one of %s", names);
}

static void handle_flags(struct lnt_api *api, const struct lnt_http_request *req,
                         const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_api_caller c;
    struct flag_query q;
    struct venue_set set = {0};
    char err[LNT_ERRBUF_SIZE] = "", object[64];
    const char *kind = lnt_http_query(req, "kind");
    size_t offset, limit, n = 0;
    json_t *list = NULL;
    enum lnt_err rc;

    (void)params;
    memset(&q, 0, sizeof q);
    if (!lnt_api_officer_auth(api, req, &c, resp) ||
        !query_venue(api, req, &c, &q.venue_id, resp) ||
        !lnt_api_query_range(req, lnt_api_now(api), RANGE_DAYS_DEFAULT, &q.from, &q.to, resp) ||
        !lnt_api_query_page(req, &offset, &limit, resp))
        goto out;
    if (kind != NULL && lnt_flag_kind_parse(kind, &q.kind) != LNT_OK) {
        flag_kinds_problem(resp);
        goto out;
    }
    rc =
        q.venue_id != 0 ? (set.all = true, LNT_OK) : venue_set_load(api, &c.token.scope, &set, err);
    list = json_array();
    if (rc == LNT_OK && list == NULL)
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    if (rc == LNT_OK)
        rc = filtered_page(api, &q, &set, flag_fetch, flag_keep, flag_json, offset, limit, list, &n,
                           err);
    if (rc != LNT_OK) {
        store_failed(resp, req, "flags", rc, err);
        goto out;
    }
    if (!lnt_scope_may_read_register(&c.token.scope))
        withhold_people(list);
    lnt_api_scope_object(&c.token.scope, q.venue_id, object, sizeof object);
    if (!lnt_api_audit_read(api, req, &c, "flags.read", object, n, resp))
        goto out;
    reply_list(
        resp, "flags", list,
        json_pack("{s:o, s:o}", "from", lnt_api_json_time(q.from), "to", lnt_api_json_time(q.to)),
        offset, limit, n);
out:
    json_decref(list);
    free(set.ids);
}

static const struct lnt_api_route routes[] = {
    {"GET", "/api/v1/venues/{id}/stock", LNT_API_BODY_DEFAULT, handle_stock},
    {"GET", "/api/v1/volunteers/shifts", LNT_API_BODY_DEFAULT, handle_volunteers},
    {"GET", "/api/v1/welfare", LNT_API_BODY_DEFAULT, handle_welfare},
    {"GET", "/api/v1/kiosks", LNT_API_BODY_DEFAULT, handle_kiosks},
    {"GET", "/api/v1/flags", LNT_API_BODY_DEFAULT, handle_flags},
};

const struct lnt_api_routes lnt_api_lists_routes = {routes, sizeof routes / sizeof routes[0]};
