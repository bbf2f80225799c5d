/* metrics.h - lanternd's counters and the Prometheus text exposition of them. */
#ifndef LNT_METRICS_H
#define LNT_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "store_notify.h"

/*
 * Counters are C11 atomics updated with relaxed ordering: any thread may
 * bump them at any time without a lock, and a scrape sees each one
 * individually up to date (not a snapshot of all of them at one instant).
 */
#define LNT_METRICS_STATUS_MIN 100
#define LNT_METRICS_STATUS_MAX 599
#define LNT_METRICS_BUCKETS 12 /* upper bounds in lnt_metrics_bucket_us; +Inf is the count */

struct lnt_metrics {
    atomic_uint_fast64_t by_status[LNT_METRICS_STATUS_MAX - LNT_METRICS_STATUS_MIN + 1];
    atomic_uint_fast64_t ev_accepted;
    atomic_uint_fast64_t ev_duplicates;
    atomic_uint_fast64_t ev_conflicts;
    atomic_uint_fast64_t ev_rejected;
    atomic_uint_fast64_t signins_revoked; /* accepted sign-ins with a revoked badge */
    atomic_uint_fast64_t signins_unknown; /* ... with a serial the scheme never issued */
    atomic_uint_fast64_t batch_bucket[LNT_METRICS_BUCKETS]; /* not cumulative; summed on render */
    atomic_uint_fast64_t batch_count;
    atomic_uint_fast64_t batch_sum_us;
};

/* Values read from elsewhere when a scrape is rendered; a negative gauge is left out of the page.
 */
struct lnt_metrics_gauges {
    int64_t db_bytes; /* database file plus its write-ahead log */
    int64_t kiosks_enrolled;
    uint64_t store_commits; /* counters kept by the store (lnt_store_ingest_stats) */
    uint64_t store_retried;
    /* the alert delivery queue (store_notify.h) at `now`; NULL when it cannot be read */
    const struct lnt_delivery_stats *deliveries;
    int64_t now;
};

/* The histogram's bucket bounds in microseconds (1 ms ... 5 s). */
extern const uint64_t lnt_metrics_bucket_us[LNT_METRICS_BUCKETS];

/* All counters to zero. */
void lnt_metrics_init(struct lnt_metrics *m);
/* One answered request with HTTP `status` (statuses outside 100-599 are counted as 599). */
void lnt_metrics_request(struct lnt_metrics *m, int status);
/* One stored batch: how each of its events went, and how long the batch took. */
void lnt_metrics_batch(struct lnt_metrics *m, uint64_t accepted, uint64_t duplicates,
                       uint64_t conflicts, uint64_t rejected, uint64_t elapsed_us);
/* Accepted sign-ins of one batch that the store flagged for their badge. */
void lnt_metrics_signins_flagged(struct lnt_metrics *m, uint64_t revoked, uint64_t unknown_serial);
/*
 * Appends the Prometheus text exposition (format 0.0.4) of `m` and `g` to
 * `out`. LNT_ERR_TOO_LARGE / LNT_ERR_NOMEM from the buffer; `out` may then
 * hold part of the page.
 */
enum lnt_err lnt_metrics_render(const struct lnt_metrics *m, const struct lnt_metrics_gauges *g,
                                struct lnt_buf *out);

#endif
