/* metrics.c - lanternd's lock-free counters and their Prometheus text exposition. */
#include "metrics.h"

#include <inttypes.h>

const uint64_t lnt_metrics_bucket_us[LNT_METRICS_BUCKETS] = {
    1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000,
};

/* Seconds as Prometheus writes a bucket bound ("0.0025"). */
static const char *const bucket_le[LNT_METRICS_BUCKETS] = {
    "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5",
};

static void zero(atomic_uint_fast64_t *a)
{
    atomic_store_explicit(a, 0, memory_order_relaxed);
}

static void add(atomic_uint_fast64_t *a, uint64_t n)
{
    atomic_fetch_add_explicit(a, n, memory_order_relaxed);
}

static uint64_t get(const atomic_uint_fast64_t *a)
{
    /* atomic_load takes a non-const pointer in some C libraries' headers. */
    return atomic_load_explicit((atomic_uint_fast64_t *)(uintptr_t)a, memory_order_relaxed);
}

void lnt_metrics_init(struct lnt_metrics *m)
{
    for (size_t i = 0; i < sizeof m->by_status / sizeof m->by_status[0]; i++)
        zero(&m->by_status[i]);
    for (size_t i = 0; i < LNT_METRICS_BUCKETS; i++)
        zero(&m->batch_bucket[i]);
    zero(&m->ev_accepted);
    zero(&m->ev_duplicates);
    zero(&m->ev_conflicts);
    zero(&m->ev_rejected);
    zero(&m->signins_revoked);
    zero(&m->signins_unknown);
    zero(&m->batch_count);
    zero(&m->batch_sum_us);
}

void lnt_metrics_request(struct lnt_metrics *m, int status)
{
    if (status < LNT_METRICS_STATUS_MIN || status > LNT_METRICS_STATUS_MAX)
        status = LNT_METRICS_STATUS_MAX;
    add(&m->by_status[status - LNT_METRICS_STATUS_MIN], 1);
}

void lnt_metrics_batch(struct lnt_metrics *m, uint64_t accepted, uint64_t duplicates,
                       uint64_t conflicts, uint64_t rejected, uint64_t elapsed_us)
{
    size_t b = 0;

    add(&m->ev_accepted, accepted);
    add(&m->ev_duplicates, duplicates);
    add(&m->ev_conflicts, conflicts);
    add(&m->ev_rejected, rejected);
    while (b < LNT_METRICS_BUCKETS && elapsed_us > lnt_metrics_bucket_us[b])
        b++;
    if (b < LNT_METRICS_BUCKETS)
        add(&m->batch_bucket[b], 1);
    add(&m->batch_count, 1);
    add(&m->batch_sum_us, elapsed_us);
}

void lnt_metrics_signins_flagged(struct lnt_metrics *m, uint64_t revoked, uint64_t unknown_serial)
{
    add(&m->signins_revoked, revoked);
    add(&m->signins_unknown, unknown_serial);
}

static enum lnt_err counter(struct lnt_buf *out, const char *name, const char *help, uint64_t v)
{
    return lnt_buf_printf(out, "# HELP %s %s\n# TYPE %s counter\n%s %" PRIu64 "\n", name, help,
                          name, name, v);
}

static enum lnt_err gauge(struct lnt_buf *out, const char *name, const char *help, int64_t v)
{
    if (v < 0)
        return LNT_OK;
    return lnt_buf_printf(out, "# HELP %s %s\n# TYPE %s gauge\n%s %" PRId64 "\n", name, help, name,
                          name, v);
}

/* The alert delivery queue: rows by channel and state, how many wait, the oldest's age. */
static enum lnt_err deliveries(struct lnt_buf *out, const struct lnt_delivery_stats *d, int64_t now)
{
    enum lnt_err rc;

    rc = lnt_buf_puts(out, "# HELP lantern_alert_deliveries_total Alert emails and webhook posts, "
                           "by channel and state (pending, held for a digest, sending, sent, "
                           "failed for good, digested).\n"
                           "# TYPE lantern_alert_deliveries_total gauge\n");
    for (int c = 0; rc == LNT_OK && c < LNT_CHANNEL_COUNT; c++)
        for (int s = 0; rc == LNT_OK && s < LNT_DELIVERY_STATE_COUNT; s++)
            rc =
                lnt_buf_printf(out,
                               "lantern_alert_deliveries_total{channel=\"%s\",state=\"%s\"} "
                               "%" PRId64 "\n",
                               lnt_channel_name((enum lnt_channel)c),
                               lnt_delivery_state_name((enum lnt_delivery_state)s), d->count[c][s]);
    if (rc == LNT_OK)
        rc =
            gauge(out, "lantern_alert_queue_depth",
                  "Alert deliveries not yet sent or given up (pending, held, sending).", d->queued);
    if (rc == LNT_OK)
        rc = gauge(out, "lantern_alert_oldest_pending_seconds",
                   "Age of the oldest alert delivery not yet sent (0 when none wait).",
                   d->oldest_pending > 0 && now > d->oldest_pending ? now - d->oldest_pending : 0);
    return rc;
}

enum lnt_err lnt_metrics_render(const struct lnt_metrics *m, const struct lnt_metrics_gauges *g,
                                struct lnt_buf *out)
{
    uint64_t cum = 0, sum_us, count;
    enum lnt_err rc;

    rc = lnt_buf_puts(out, "# HELP lantern_http_requests_total HTTP requests answered, by status.\n"
                           "# TYPE lantern_http_requests_total counter\n");
    for (size_t i = 0; rc == LNT_OK && i < sizeof m->by_status / sizeof m->by_status[0]; i++) {
        uint64_t v = get(&m->by_status[i]);
        if (v != 0)
            rc = lnt_buf_printf(out, "lantern_http_requests_total{code=\"%zu\"} %" PRIu64 "\n",
                                i + LNT_METRICS_STATUS_MIN, v);
    }
    if (rc == LNT_OK)
        rc = counter(out, "lantern_events_ingested_total", "Events stored for the first time.",
                     get(&m->ev_accepted));
    if (rc == LNT_OK)
        rc = counter(out, "lantern_events_duplicate_total",
                     "Events sent again with the same content (already stored).",
                     get(&m->ev_duplicates));
    if (rc == LNT_OK)
        rc = counter(out, "lantern_events_conflict_total",
                     "Events sent again with different content (recorded, not merged).",
                     get(&m->ev_conflicts));
    if (rc == LNT_OK)
        rc = counter(out, "lantern_events_rejected_total", "Events refused one by one in a batch.",
                     get(&m->ev_rejected));
    if (rc == LNT_OK)
        rc =
            lnt_buf_printf(out,
                           "# HELP lantern_signins_flagged_total Sign-ins stored and flagged: "
                           "a badge revoked before the sign-in, or a serial never issued.\n"
                           "# TYPE lantern_signins_flagged_total counter\n"
                           "lantern_signins_flagged_total{reason=\"revoked\"} %" PRIu64 "\n"
                           "lantern_signins_flagged_total{reason=\"unknown_serial\"} %" PRIu64 "\n",
                           get(&m->signins_revoked), get(&m->signins_unknown));
    if (rc == LNT_OK)
        rc = lnt_buf_puts(out, "# HELP lantern_batch_duration_seconds Time to check, store and "
                               "answer one event batch.\n"
                               "# TYPE lantern_batch_duration_seconds histogram\n");
    for (size_t b = 0; rc == LNT_OK && b < LNT_METRICS_BUCKETS; b++) {
        cum += get(&m->batch_bucket[b]);
        rc = lnt_buf_printf(out, "lantern_batch_duration_seconds_bucket{le=\"%s\"} %" PRIu64 "\n",
                            bucket_le[b], cum);
    }
    sum_us = get(&m->batch_sum_us);
    count = get(&m->batch_count);
    if (count < cum) /* a batch counted in its bucket but not yet in the total */
        count = cum;
    if (rc == LNT_OK)
        rc = lnt_buf_printf(out,
                            "lantern_batch_duration_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n"
                            "lantern_batch_duration_seconds_sum %" PRIu64 ".%06" PRIu64 "\n"
                            "lantern_batch_duration_seconds_count %" PRIu64 "\n",
                            count, sum_us / 1000000, sum_us % 1000000, count);
    if (rc == LNT_OK)
        rc =
            counter(out, "lantern_ingest_commits_total",
                    "Transactions that stored event batches (batches arriving together share one).",
                    g->store_commits);
    if (rc == LNT_OK)
        rc = counter(out, "lantern_ingest_group_retries_total",
                     "Shared transactions that failed and were stored again batch by batch.",
                     g->store_retried);
    if (rc == LNT_OK)
        rc = gauge(out, "lantern_database_bytes",
                   "Size of the database file and its write-ahead log.", g->db_bytes);
    if (rc == LNT_OK)
        rc = gauge(out, "lantern_kiosks_enrolled", "Kiosks enrolled and not revoked.",
                   g->kiosks_enrolled);
    if (rc == LNT_OK && g->deliveries != NULL)
        rc = deliveries(out, g->deliveries, g->now);
    return rc;
}
