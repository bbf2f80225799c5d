/* api.c - lanternd's HTTP API: the router over the route families (api_*.c). The helpers the
 * route files share are below it, in api_reply.c. */
#include "api.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/*
 * Every route family, in matching order. A family is one api_*.c file with
 * its own table; adding one is one line here (and its file in CMakeLists).
 */
static const struct lnt_api_routes *const families[] = {
    &lnt_api_ops_routes,      &lnt_api_kiosk_routes,  &lnt_api_officer_routes,
    &lnt_api_lists_routes,    &lnt_api_score_routes,  &lnt_api_findings_routes,
    &lnt_api_hotspots_routes, &lnt_api_places_routes, &lnt_api_casework_routes,
    &lnt_api_alerts_routes,
};
#define N_FAMILIES (sizeof families / sizeof families[0])

void lnt_api_init(struct lnt_api *api, struct lnt_store *store)
{
    memset(api, 0, sizeof *api);
    api->store = store;
    lnt_metrics_init(&api->metrics);
}

/*
 * true when `path` matches `pattern` segment by segment, "{...}" matching
 * any one non-empty segment that fits a param (captured into `p`, which may be NULL).
 */
static bool match(const char *pattern, const char *path, struct lnt_api_params *p)
{
    struct lnt_api_params tmp;

    tmp.n = 0;
    while (*pattern != '\0' && *path != '\0') {
        size_t plen = strcspn(pattern, "/"), slen;

        if (*pattern == '/' || *path == '/') {
            if (*pattern != *path)
                return false;
            pattern++;
            path++;
            continue;
        }
        slen = strcspn(path, "/");
        if (pattern[0] == '{' && plen >= 2 && pattern[plen - 1] == '}') {
            if (slen == 0 || slen >= LNT_API_PARAM_LEN || tmp.n >= LNT_API_PARAMS_MAX)
                return false;
            memcpy(tmp.v[tmp.n], path, slen);
            tmp.v[tmp.n++][slen] = '\0';
        } else if (plen != slen || memcmp(pattern, path, slen) != 0) {
            return false;
        }
        pattern += plen;
        path += slen;
    }
    if (*pattern != '\0' || *path != '\0')
        return false;
    if (p != NULL)
        *p = tmp;
    return true;
}

/* HEAD is served by the GET route; the seam sends no body for it. */
static bool method_matches(const struct lnt_api_route *r, const char *method)
{
    return strcmp(r->method, method) == 0 ||
           (strcmp(r->method, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

/* The route for method and path, or NULL; fills *params when found. */
static const struct lnt_api_route *find(const char *method, const char *path,
                                        struct lnt_api_params *params)
{
    for (size_t f = 0; f < N_FAMILIES; f++)
        for (size_t i = 0; i < families[f]->n; i++) {
            const struct lnt_api_route *r = &families[f]->routes[i];
            if (method_matches(r, method) && match(r->pattern, path, params))
                return r;
        }
    return NULL;
}

size_t lnt_api_route_count(void)
{
    size_t n = 0;

    for (size_t f = 0; f < N_FAMILIES; f++)
        n += families[f]->n;
    return n;
}

const struct lnt_api_route *lnt_api_route_at(size_t i)
{
    for (size_t f = 0; f < N_FAMILIES; f++) {
        if (i < families[f]->n)
            return &families[f]->routes[i];
        i -= families[f]->n;
    }
    return NULL;
}

size_t lnt_api_body_max(void *ctx, const char *method, const char *path)
{
    const struct lnt_api_route *r = find(method, path, NULL);

    (void)ctx;
    return r != NULL ? r->body_max : LNT_API_BODY_DEFAULT;
}

void lnt_api_handle(void *ctx, const struct lnt_http_request *req, struct lnt_http_response *resp)
{
    struct lnt_api *api = ctx;
    struct lnt_api_params params;
    const struct lnt_api_route *r;
    char allow[96] = "";
    size_t used = 0;

    lnt_http_response_header(resp, "Cache-Control", "no-store");
    r = find(req->method, req->path, &params);
    if (r != NULL) {
        r->fn(api, req, &params, resp);
        return;
    }
    for (size_t f = 0; f < N_FAMILIES; f++)
        for (size_t i = 0; i < families[f]->n; i++) {
            const struct lnt_api_route *o = &families[f]->routes[i];
            int k;
            if (!match(o->pattern, req->path, NULL))
                continue;
            k = snprintf(allow + used, sizeof allow - used, "%s%s%s", used ? ", " : "", o->method,
                         strcmp(o->method, "GET") == 0 ? ", HEAD" : "");
            used = k < 0 ? used : used + (size_t)k;
            if (used >= sizeof allow)
                used = sizeof allow - 1;
        }
    if (used > 0) {
        lnt_http_response_header(resp, "Allow", allow);
        lnt_http_problem(resp, 405, "%s is not allowed on %s: use %s", req->method, req->path,
                         allow);
        return;
    }
    lnt_http_problem(resp, 404, "no such route: %s %s", req->method, req->path);
}

void lnt_api_done(void *ctx, int status, int64_t elapsed_us)
{
    struct lnt_api *api = ctx;

    (void)elapsed_us;
    lnt_metrics_request(&api->metrics, status);
}

void lnt_api_http_config(struct lnt_api *api, struct lnt_http_config *cfg)
{
    cfg->handler = lnt_api_handle;
    cfg->body_max = lnt_api_body_max;
    cfg->done = lnt_api_done;
    cfg->ctx = api;
}
