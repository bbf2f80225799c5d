/* api_ops.c - the operator's routes: GET /healthz and GET /metrics (Prometheus text). */
#include "api.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "log.h"
#include "ltime.h"
#include "store_notify.h"

static void handle_healthz(struct lnt_api *api, const struct lnt_http_request *req,
                           const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    (void)api;
    (void)req;
    (void)params;
    lnt_buf_reset(&resp->body);
    if (lnt_buf_puts(&resp->body, "{\"status\":\"ok\",\"version\":\"" LNT_VERSION "\"}") !=
        LNT_OK) {
        lnt_http_problem(resp, 500, "out of memory");
        return;
    }
    resp->status = 200;
}

/* Bytes in `path`, 0 when it does not exist (a WAL that was checkpointed away). */
static int64_t file_bytes(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* The database file plus its write-ahead log; -1 when there is no path to look at. */
static int64_t db_bytes(const char *db_path)
{
    char wal[PATH_MAX];

    if (db_path == NULL)
        return -1;
    if ((size_t)snprintf(wal, sizeof wal, "%s-wal", db_path) >= sizeof wal)
        return file_bytes(db_path);
    return file_bytes(db_path) + file_bytes(wal);
}

/* Kiosks enrolled and not revoked; -1 (left out of the page) when the store cannot say. */
static int64_t kiosks_enrolled(struct lnt_api *api)
{
    struct lnt_kiosk *k = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    int64_t live = 0;

    if (lnt_store_kiosk_list(api->store, 0, &k, &n, err) != LNT_OK) {
        lnt_warn("metrics: kiosks: %s", err);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        live += k[i].revoked ? 0 : 1;
    free(k);
    return live;
}

static void handle_metrics(struct lnt_api *api, const struct lnt_http_request *req,
                           const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_metrics_gauges g;
    struct lnt_ingest_stats st;
    struct lnt_delivery_stats ds;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)req;
    (void)params;
    lnt_store_ingest_stats(api->store, &st);
    g.db_bytes = db_bytes(api->db_path);
    g.kiosks_enrolled = kiosks_enrolled(api);
    g.store_commits = st.commits;
    g.store_retried = st.retried;
    g.deliveries = &ds;
    g.now = lnt_time_now();
    if (lnt_store_delivery_stats(api->store, &ds, err) != LNT_OK) {
        lnt_warn("metrics: alert deliveries: %s", err);
        g.deliveries = NULL;
    }
    lnt_buf_reset(&resp->body);
    if (lnt_metrics_render(&api->metrics, &g, &resp->body) != LNT_OK) {
        lnt_http_problem(resp, 500, "the metrics page did not fit its buffer");
        return;
    }
    resp->status = 200;
    lnt_str_copy(resp->content_type, sizeof resp->content_type,
                 "text/plain; version=0.0.4; charset=utf-8");
}

static const struct lnt_api_route routes[] = {
    {"GET", "/healthz", LNT_API_BODY_DEFAULT, handle_healthz},
    {"GET", "/metrics", LNT_API_BODY_DEFAULT, handle_metrics},
};

const struct lnt_api_routes lnt_api_ops_routes = {routes, sizeof routes / sizeof routes[0]};
