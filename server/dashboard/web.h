/* web.h - the officers' dashboard served by lanternd: server-rendered HTML pages over the store. */
#ifndef LNT_WEB_H
#define LNT_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api.h"
#include "err.h"
#include "http.h"
#include "score.h"
#include "store.h"

/*
 * The dashboard: login, the league table, a venue's case file, hot spots and
 * trends, volunteers, admin, exports (docs/dashboard/). Every page is HTML
 * written on the server through html.h (no JavaScript needed), served with a
 * strict Content-Security-Policy; sessions, CSRF tokens, login throttling,
 * per-role and per-authority scope and auditing are all here, on the store's
 * officers, sessions and audit log. Safe to call from several HTTP threads at once.
 */
struct lnt_web_config {
    struct lnt_store *store;             /* borrowed */
    const struct lnt_score_rules *rules; /* borrowed; NULL = pages say scores are unavailable */
    int64_t (*now)(void *ctx);           /* NULL = lnt_time_now */
    void *now_ctx;
    int league_ttl_s; /* how long the scored league table is reused; 0 = 60 */
};

struct lnt_web;

/* A dashboard over cfg's store. On error *out is untouched. */
enum lnt_err lnt_web_new(struct lnt_web **out, const struct lnt_web_config *cfg, char *err);
/* NULL is a no-op. */
void lnt_web_free(struct lnt_web *w);

/* true for the paths the dashboard serves ("/", "/login", "/venues/...", "/assets/...", ...). */
bool lnt_web_owns(const char *path);
/*
 * The dashboard's routes: method and pattern ("/venues/{id}") of route i
 * below lnt_web_route_count(); false past the end. For tests that must see
 * each page, such as the audit walk. Static data; thread-safe.
 */
size_t lnt_web_route_count(void);
bool lnt_web_route_at(size_t i, const char **method, const char **pattern);
/* The lnt_http_handler_fn for dashboard paths: `ctx` is a struct lnt_web. Never fails. */
void lnt_web_handle(void *ctx, const struct lnt_http_request *req, struct lnt_http_response *resp);
/* The body cap of a dashboard route (forms are small; 4 KiB when it is not a dashboard route). */
size_t lnt_web_body_max(void *ctx, const char *method, const char *path);

/*
 * Serves the dashboard and the API from one server: sets cfg's handler,
 * body_max, done and ctx so that lnt_web_owns paths go to `web` and
 * everything else to `api` (whose metrics still count every response).
 * Both are borrowed and must outlive the server.
 */
void lnt_web_http_config(struct lnt_web *web, struct lnt_api *api, struct lnt_http_config *cfg);

/*
 * For lanternd: loads the scoring rules (lnt_score_load_rules; without them
 * the dashboard still serves, with scores marked unavailable), makes a
 * dashboard over api->store and points cfg at both (lnt_web_http_config).
 * *out owns the rules; lnt_web_detach frees both after the server stops.
 */
enum lnt_err lnt_web_attach(struct lnt_web **out, struct lnt_api *api, struct lnt_http_config *cfg,
                            char *err);
/* NULL is a no-op. */
void lnt_web_detach(struct lnt_web *w);

/* Forgets the cached league table and the API's cached venue scores (after data changed behind
 * the dashboard's back, or in tests). */
void lnt_web_invalidate(struct lnt_web *w);

#endif
