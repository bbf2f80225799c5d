/* web.h - the officers' dashboard served by lanternd: server-rendered HTML pages over the store. */
#ifndef LNT_WEB_H
#define LNT_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
struct lnt_score_cache;

struct lnt_web_config {
    struct lnt_store *store;             /* borrowed */
    const struct lnt_score_rules *rules; /* borrowed; NULL = pages say scores are unavailable */
    /*
     * Borrowed; NULL = every page scores afresh. The league tables are kept
     * here, beside the API's venue scores, and the dashboard's forms forget
     * them through it (score_cache.h): one cache, one invalidation.
     */
    struct lnt_score_cache *score_cache;
    int64_t (*now)(void *ctx); /* NULL = lnt_time_now */
    void *now_ctx;
};

#define LNT_WEB_BODY_DEFAULT 4096 /* body cap of the dashboard's GETs and of paths not its own */

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
/* The body cap of a dashboard route (forms are small; LNT_WEB_BODY_DEFAULT otherwise). */
size_t lnt_web_body_max(void *ctx, const char *method, const char *path);

/*
 * For lanternd: loads the scoring rules (lnt_score_load_rules; without them
 * the dashboard still serves, with scores marked unavailable) and makes a
 * dashboard over `store` keeping its leagues in `score_cache` (both
 * borrowed, and kept alive until lnt_web_detach). *out owns the rules;
 * lnt_web_detach frees both after the server stops. lanternd's router
 * (server/lanternd/routes.h) sends it the dashboard's paths.
 */
enum lnt_err lnt_web_attach(struct lnt_web **out, struct lnt_store *store,
                            struct lnt_score_cache *score_cache, char *err);
/* NULL is a no-op. */
void lnt_web_detach(struct lnt_web *w);

#endif
