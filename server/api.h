/* api.h - lanternd's HTTP API: routing and the kiosk handlers (docs/api.md). */
#ifndef LNT_API_H
#define LNT_API_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "store.h"

#define LNT_ENROLL_BODY_MAX 4096
#define LNT_FUTURE_MAX                                                                             \
    86400 /* an event may claim to have happened at most this far ahead of the server */

/*
 * Everything the handlers need, injected so tests can run the API in-process
 * against a temporary store and a clock of their choosing. The caller owns
 * the struct and the store, and keeps both alive while the server runs.
 */
struct lnt_api {
    struct lnt_store *store;   /* borrowed */
    int64_t (*now)(void *ctx); /* server clock, unix seconds; NULL = lnt_time_now */
    void *now_ctx;
};

/* Sets `store` and the real clock. */
void lnt_api_init(struct lnt_api *api, struct lnt_store *store);

/* The lnt_http_handler_fn: `ctx` is a struct lnt_api. Never fails: errors become problem responses.
 */
void lnt_api_handle(void *ctx, const struct lnt_http_request *req, struct lnt_http_response *resp);
/* The lnt_http_body_max_fn: the body cap of the route at `path` (4 KiB when there is no such
 * route). */
size_t lnt_api_body_max(void *ctx, const char *method, const char *path);

/* Points cfg's handler, body_max and ctx at `api`; leaves the other fields alone. */
void lnt_api_http_config(struct lnt_api *api, struct lnt_http_config *cfg);

#endif
