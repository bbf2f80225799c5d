/* api.h - lanternd's HTTP API: the router, shared handler helpers and the route families
 * (docs/api.md). */
#ifndef LNT_API_H
#define LNT_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "metrics.h"
#include "store.h"

#define LNT_API_BODY_DEFAULT 4096 /* body cap of routes that take none, and of unknown paths */
#define LNT_ENROLL_BODY_MAX 4096
#define LNT_FUTURE_MAX                                                                             \
    86400 /* an event may claim to have happened at most this far ahead of the server */

struct json_t;
struct lnt_score_cache;

/*
 * Everything the handlers need, injected so tests can run the API in-process
 * against a temporary store and a clock of their choosing. The caller owns
 * the struct and the store, and keeps both alive while the server runs.
 */
struct lnt_api {
    struct lnt_store *store;   /* borrowed */
    int64_t (*now)(void *ctx); /* server clock, unix seconds; NULL = lnt_time_now */
    void *now_ctx;
    const char *db_path; /* for the database-size gauge; NULL = not reported. Borrowed. */
    /*
     * Adds the venue's latest score to its JSON object in the officer API
     * ("score": band, award, trend); NULL leaves "score": null. Set by the
     * scoring routes; called from several threads at once.
     */
    void (*venue_score)(struct lnt_api *api, int64_t venue_id, struct json_t *venue);
    /*
     * Recent scores for venue_score to reuse: lanternd's one score cache
     * (score_cache.h), which the dashboard's leagues share; NULL = every list
     * rescores each venue. Borrowed. The events and findings routes call
     * lnt_score_cache_invalidate after storing what a score reads.
     */
    struct lnt_score_cache *score_cache;
    struct lnt_metrics metrics;
};

/* Sets `store`, the real clock and zeroed metrics. */
void lnt_api_init(struct lnt_api *api, struct lnt_store *store);

/* The lnt_http_handler_fn: `ctx` is a struct lnt_api. Never fails: errors become problem responses.
 */
void lnt_api_handle(void *ctx, const struct lnt_http_request *req, struct lnt_http_response *resp);
/* The lnt_http_body_max_fn: the body cap of the route at `path` (4 KiB when there is no such
 * route). */
size_t lnt_api_body_max(void *ctx, const char *method, const char *path);
/* The lnt_http_done_fn: counts every answered request by status in api->metrics. */
void lnt_api_done(void *ctx, int status, int64_t elapsed_us);

/* Points cfg's handler, body_max, done and ctx at `api`; leaves the other fields alone. */
void lnt_api_http_config(struct lnt_api *api, struct lnt_http_config *cfg);

/* ---- for the route files (api_*.c) ---- */

/*
 * A route is a method and a path pattern whose segments are literal or
 * "{name}"; each "{...}" segment matches one non-empty segment of at most
 * LNT_API_PARAM_LEN - 1 bytes, captured in order into the params.
 * GET routes serve HEAD too.
 */
#define LNT_API_PARAMS_MAX 4
#define LNT_API_PARAM_LEN 64

struct lnt_api_params {
    size_t n;
    char v[LNT_API_PARAMS_MAX][LNT_API_PARAM_LEN];
};

typedef void (*lnt_api_route_fn)(struct lnt_api *api, const struct lnt_http_request *req,
                                 const struct lnt_api_params *params,
                                 struct lnt_http_response *resp);

struct lnt_api_route {
    const char *method;
    const char *pattern;
    size_t body_max;
    lnt_api_route_fn fn;
};

struct lnt_api_routes {
    const struct lnt_api_route *routes;
    size_t n;
};

/*
 * Every route of the router, in matching order: lnt_api_route_at(i) for i
 * below lnt_api_route_count() (NULL past the end). For tests that must see
 * each route, such as the audit walk. Static data; thread-safe.
 */
size_t lnt_api_route_count(void);
const struct lnt_api_route *lnt_api_route_at(size_t i);

/* One table per family, each defined in its own file and listed in api.c's router. */
extern const struct lnt_api_routes lnt_api_kiosk_routes;    /* api_kiosk.c */
extern const struct lnt_api_routes lnt_api_officer_routes;  /* api_officer.c: venues, incidents */
extern const struct lnt_api_routes lnt_api_lists_routes;    /* api_lists.c: stock, volunteers,
                                                               kiosks, flags */
extern const struct lnt_api_routes lnt_api_ops_routes;      /* api_ops.c: health, metrics */
extern const struct lnt_api_routes lnt_api_score_routes;    /* api_score.c */
extern const struct lnt_api_routes lnt_api_findings_routes; /* api_findings.c: BBN findings */
extern const struct lnt_api_routes lnt_api_hotspots_routes; /* api_hotspots.c: nights, harm */
extern const struct lnt_api_routes lnt_api_places_routes;   /* api_places.c: street incidents */
extern const struct lnt_api_routes lnt_api_casework_routes; /* api_casework.c: casework */
extern const struct lnt_api_routes lnt_api_alerts_routes;   /* api_alerts.c: inbox, subscriptions */

/* ---- the helpers every route file uses (api_reply.c) ---- */

/* The server clock. */
int64_t lnt_api_now(const struct lnt_api *api);
/*
 * Writes `j` compactly as the body with `status`; a 500 problem if that fails. Borrows `j`.
 * For a person reading the reply, beside every time field (a key "at" or ending in "_at" whose
 * value is RFC 3339 UTC, at any depth) it adds "<key>_local", the London local form the pages
 * show ("Sat 12 Sep 2026, 01:25 BST"); `j` itself is left as it was.
 */
void lnt_api_reply_json(struct lnt_http_response *resp, int status, const struct json_t *j);
/* As lnt_api_reply_json, exactly `j`: the kiosk wire, whose formats are fixed. */
void lnt_api_reply_wire_json(struct lnt_http_response *resp, int status, const struct json_t *j);
/*
 * Parses params->v[i] as a positive record id. On failure fills a 404
 * problem naming `what` and returns false (a malformed id names no record).
 */
bool lnt_api_param_id(const struct lnt_api_params *params, size_t i, const char *what, int64_t *out,
                      struct lnt_http_response *resp);
/* Overwrites secrets in a way the compiler may not drop. */
void lnt_api_wipe(void *p, size_t n);
/* A JSON string of RFC 3339 time `t`, or JSON null for 0 (never / not yet). New reference. */
struct json_t *lnt_api_json_time(int64_t t);
/* A JSON string of date `days` ("2026-11-26"). New reference. */
struct json_t *lnt_api_json_date(int32_t days);

/* ---- the scheme's door rules (api_door.c) ---- */

/* A JSON array of the course names in `set` (LNT_COURSE_BIT), in code order. New reference;
 * NULL when out of memory. */
struct json_t *lnt_api_courses_json(uint32_t set);
/*
 * Adds "required_training" ({"door": ["wave"], ...}) and "sia_listed"
 * ([{"number", "status", "from"}]) to the sync reply `reply`. LNT_ERR_DB or
 * LNT_ERR_TOO_LARGE from the store, LNT_ERR_NOMEM; `err` says which.
 */
enum lnt_err lnt_api_door_rules(struct lnt_api *api, struct json_t *reply, char *err);

/* ---- for officer route files: bearer tokens, scope, query parameters (api_officer.c) ---- */

#define LNT_API_PAGE_DEFAULT 100 /* rows a page holds when `limit` is not given */
#define LNT_API_OFFSET_MAX 1000000

/* Who is asking: the token's record and how the audit log names it. */
struct lnt_api_caller {
    struct lnt_token token;
    char actor[64]; /* "token 7 (licensing team)" */
};

/*
 * Checks `Authorization: Bearer <token>` against the store. On success fills
 * *out and returns true; otherwise fills a 401 problem (with
 * WWW-Authenticate) or a 500 and returns false.
 */
bool lnt_api_officer_auth(struct lnt_api *api, const struct lnt_http_request *req,
                          struct lnt_api_caller *out, struct lnt_http_response *resp);
/* true when `scope` covers venue `v` (its venue, its authority, or the whole scheme). */
bool lnt_api_scope_covers(const struct lnt_scope *scope, const struct lnt_venue *v);
/*
 * Loads venue `venue_id` into *out when the caller may see it. Otherwise
 * fills a 404 (no such venue) or a 403 (out of scope; the refusal is
 * audited) problem, or a 500, and returns false.
 */
bool lnt_api_venue_in_scope(struct lnt_api *api, const struct lnt_http_request *req,
                            const struct lnt_api_caller *c, int64_t venue_id, struct lnt_venue *out,
                            struct lnt_http_response *resp);
/* Appends an "access.refused" audit row for `object`; failures are logged, not returned. */
void lnt_api_audit_refusal(struct lnt_api *api, const struct lnt_http_request *req,
                           const struct lnt_api_caller *c, const char *object);
/*
 * How an audit row names what a read covered: "venue 12" (venue_id, or a
 * venue token's venue), "authority Westshire" or "whole scheme".
 */
void lnt_api_scope_object(const struct lnt_scope *scope, int64_t venue_id, char *out, size_t size);
/*
 * Records one read of personal or incident data: an audit row naming the
 * caller, `action` ("register.read", ...), `object` (the scope read, see
 * lnt_api_scope_object) and the request with its row count. One row per
 * request, never one per record. Call it before the reply is written: on
 * failure it fills a 500 problem and returns false, and the data must not be
 * sent. Thread-safe.
 */
bool lnt_api_audit_read(struct lnt_api *api, const struct lnt_http_request *req,
                        const struct lnt_api_caller *c, const char *action, const char *object,
                        size_t rows, struct lnt_http_response *resp);
/*
 * An officer's read of `n` rows of venue `venue_id`: audits it as `action`
 * (lnt_api_audit_read, object "venue N"), then sets *out to the rows as a JSON
 * array, each row (`size` bytes apart in `rows`) through `row_json`. False when
 * the audit failed (the 500 problem is in resp; send nothing else). *out is NULL
 * when memory ran out building it; the caller decrefs it. Thread-safe.
 */
bool lnt_api_venue_rows(struct lnt_api *api, const struct lnt_http_request *req,
                        const struct lnt_api_caller *c, const char *action, int64_t venue_id,
                        const void *rows, size_t n, size_t size,
                        struct json_t *(*row_json)(const void *row), struct json_t **out,
                        struct lnt_http_response *resp);
/*
 * `offset` (0..LNT_API_OFFSET_MAX, default 0) and `limit` (1..LNT_VIEW_MAX,
 * default LNT_API_PAGE_DEFAULT) from the query; a 400 problem otherwise.
 */
bool lnt_api_query_page(const struct lnt_http_request *req, size_t *offset, size_t *limit,
                        struct lnt_http_response *resp);
/*
 * `from` and `to` from the query (RFC 3339 time or a YYYY-MM-DD date, which
 * means its midnight UTC) as [from, to). Defaults: to = the end of the current
 * second (now + 1), from = to - default_days. A 400 problem when either is
 * malformed or from >= to.
 */
bool lnt_api_query_range(const struct lnt_http_request *req, int64_t now, int default_days,
                         int64_t *from, int64_t *to, struct lnt_http_response *resp);
/* An optional positive id `name` from the query (0 when absent); a 400 problem when malformed. */
bool lnt_api_query_id(const struct lnt_http_request *req, const char *name, int64_t *out,
                      struct lnt_http_response *resp);
/*
 * Adds "offset", "limit" and "next_offset" (offset + n when the page is
 * full, else null) to `reply`. false when out of memory.
 */
bool lnt_api_json_page(struct json_t *reply, size_t offset, size_t limit, size_t n);

/* ---- how an officer route opens (api_open.c) ---- */

/* The bit of role `r` (enum lnt_officer_role) in a gate's `roles`. */
#define LNT_API_ROLE(r) (1u << (unsigned)(r))

/* Which callers a route admits beyond a valid token. */
struct lnt_api_gate {
    unsigned roles;      /* LNT_API_ROLE() bits of the roles admitted; 0 admits every role */
    bool town;           /* true: a token scoped to one venue is refused */
    const char *refusal; /* the 403 problem's detail for a caller refused */
};

/* Refuses a token scoped to one venue: the town-wide reports compare venues. */
extern const struct lnt_api_gate lnt_api_gate_town;

/*
 * The opening of an officer route: the bearer token checked (lnt_api_officer_auth: 401 or 500),
 * then the caller against `gate` (NULL admits every valid token): a 403 with gate->refusal,
 * audited as access.refused on the request's path. Fills *c and returns true, or fills resp
 * and returns false. Thread-safe.
 */
bool lnt_api_open(struct lnt_api *api, const struct lnt_http_request *req,
                  const struct lnt_api_gate *gate, struct lnt_api_caller *c,
                  struct lnt_http_response *resp);
/*
 * lnt_api_open for a route on the venue its path names (params->v[0]): then *id is that venue
 * and *v the venue, when the caller's scope covers it. Otherwise a 404 (no such venue, or an id
 * that names none), a 403 (out of scope, audited) or a 500, and false. Thread-safe.
 */
bool lnt_api_open_venue(struct lnt_api *api, const struct lnt_http_request *req,
                        const struct lnt_api_params *params, const struct lnt_api_gate *gate,
                        struct lnt_api_caller *c, int64_t *id, struct lnt_venue *v,
                        struct lnt_http_response *resp);
/* The request's body as a JSON object (new reference), or NULL with a 400 problem. */
struct json_t *lnt_api_open_body(const struct lnt_http_request *req,
                                 struct lnt_http_response *resp);
/* `size` zeroed bytes (the caller frees), or NULL with a 500 "out of memory" problem. */
void *lnt_api_open_alloc(size_t size, struct lnt_http_response *resp);

#endif
