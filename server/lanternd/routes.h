/* routes.h - lanternd's one router: which part of the server answers each request. */
#ifndef LNT_ROUTES_H
#define LNT_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#include "api.h"
#include "http.h"
#include "web.h"

/*
 * The two parts lanternd serves on one port: the officers' dashboard (web.h)
 * and the kiosk and officer JSON API (api.h). The router sends each request
 * to the part whose routes own its path: the dashboard's paths
 * (lnt_web_owns) to the dashboard, every other path to the API, which answers
 * unknown paths with a 404 problem. Each part runs its own checks (session,
 * CSRF and audit in the dashboard; bearer tokens, signatures and audit in
 * the API) in its own order; the router adds none. Every response, whoever
 * wrote it, is counted in the API's metrics.
 *
 * The caller owns the struct and both parts, and keeps them alive while the
 * server runs. Thread-safe: the router only reads it.
 */
struct lnt_routes {
    struct lnt_api *api; /* borrowed; required */
    struct lnt_web *web; /* borrowed; NULL = no dashboard (its paths get the API's 404) */
};

/* Points cfg's handler, body_max, done and ctx at `r`; leaves the other fields alone. */
void lnt_routes_http_config(struct lnt_routes *r, struct lnt_http_config *cfg);

/* The name of the part that answers `path` ("dashboard" or "api"). Thread-safe. */
const char *lnt_routes_part(const struct lnt_routes *r, const char *path);

/*
 * Every route the server knows, the dashboard's first, then the API's:
 * route i below lnt_routes_count() as its part ("dashboard" or "api"), method
 * and pattern; false past the end. Static data; thread-safe.
 */
size_t lnt_routes_count(void);
bool lnt_routes_at(size_t i, const char **part, const char **method, const char **pattern);

#endif
