/* routes.c - lanternd's one router: the dashboard's paths to the dashboard, the rest to the API. */
#include "routes.h"

#include <string.h>

/*
 * A part of the server and the paths it owns, in the order they are tried.
 * The last part owns every path left (owns == NULL).
 */
struct part {
    const char *name;
    bool (*owns)(const char *path);
    void *(*ctx)(const struct lnt_routes *r); /* NULL when the part is not served */
    lnt_http_handler_fn handle;
    lnt_http_body_max_fn body_max;
};

static void *web_ctx(const struct lnt_routes *r)
{
    return r->web;
}

static void *api_ctx(const struct lnt_routes *r)
{
    return r->api;
}

static const struct part parts[] = {
    {"dashboard", lnt_web_owns, web_ctx, lnt_web_handle, lnt_web_body_max},
    {"api", NULL, api_ctx, lnt_api_handle, lnt_api_body_max},
};
#define N_PARTS (sizeof parts / sizeof parts[0])

/* The part that answers `path`, and its context in *ctx. */
static const struct part *part_for(const struct lnt_routes *r, const char *path, void **ctx)
{
    for (size_t i = 0; i < N_PARTS; i++) {
        const struct part *p = &parts[i];
        if ((p->owns == NULL || p->owns(path)) && (*ctx = p->ctx(r)) != NULL)
            return p;
    }
    *ctx = r->api; /* not reached: the API owns every path left */
    return &parts[N_PARTS - 1];
}

const char *lnt_routes_part(const struct lnt_routes *r, const char *path)
{
    void *part_ctx;

    return part_for(r, path, &part_ctx)->name;
}

static void handle(void *ctx, const struct lnt_http_request *req, struct lnt_http_response *resp)
{
    void *part_ctx;
    const struct part *p = part_for(ctx, req->path, &part_ctx);

    p->handle(part_ctx, req, resp);
}

static size_t body_max(void *ctx, const char *method, const char *path)
{
    void *part_ctx;
    const struct part *p = part_for(ctx, path, &part_ctx);

    return p->body_max(part_ctx, method, path);
}

static void done(void *ctx, int status, int64_t elapsed_us)
{
    const struct lnt_routes *r = ctx;

    lnt_api_done(r->api, status, elapsed_us);
}

void lnt_routes_http_config(struct lnt_routes *r, struct lnt_http_config *cfg)
{
    cfg->handler = handle;
    cfg->body_max = body_max;
    cfg->done = done;
    cfg->ctx = r;
}

size_t lnt_routes_count(void)
{
    return lnt_web_route_count() + lnt_api_route_count();
}

bool lnt_routes_at(size_t i, const char **part, const char **method, const char **pattern)
{
    const struct lnt_api_route *a;

    if (i < lnt_web_route_count()) {
        *part = parts[0].name;
        return lnt_web_route_at(i, method, pattern);
    }
    a = lnt_api_route_at(i - lnt_web_route_count());
    if (a == NULL)
        return false;
    *part = parts[1].name;
    *method = a->method;
    *pattern = a->pattern;
    return true;
}
