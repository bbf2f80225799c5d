/* alerts.h - raising alerts: looks at what is new in the store (reports, flags, refusals) and
 * at the state of tonight (silent kiosks, cup-cover stock, scores), and raises each thing once
 * into the inboxes of the officers subscribed to it (store_alerts.h). */
#ifndef LNT_ALERTS_H
#define LNT_ALERTS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store.h"
#include "store_alerts.h"

struct lnt_score_rules;

/*
 * How raising works: a scan, not a hook in ingest. Each scan reads what is new since the
 * cursors it keeps in the store (spiking and sexual-offence report saves, door flags,
 * badge refusals), then looks at every trading venue's state at `now` (kiosks not heard
 * from, cup covers below threshold, a Red band or a review flag). Every alert carries a
 * dedup text naming the thing, and the store raises a dedup once, so a scan repeated, two
 * scans at once or a restart between raising and moving a cursor never raise twice. The
 * summary is the kind, the venue's name and the London local time; the link a dashboard
 * path: no incident detail.
 *
 * The same scan keeps each venue's score history (store_casework.h): it scores every open venue
 * once at `now`, appends a row when the band, the review flag or the award differs from the
 * venue's newest row, and raises venue_red when that change is into Red or the review flag.
 * A venue's first row is its standing when first scanned, recorded without an alert.
 */
#define LNT_ALERTS_SILENT_MIN_DEFAULT 30 /* minutes a kiosk may be silent while trading */
#define LNT_ALERTS_SILENT_MIN_MAX 1440

struct lnt_alerts_config {
    int silent_minutes; /* kiosk_silent after this many minutes; 0 = the default */
    /* venue_red and the score history: the scoring rules; NULL = neither */
    const struct lnt_score_rules *rules;
};

/*
 * One scan at `now`: raises every alert due. *raised (may be NULL) counts alerts newly
 * raised. LNT_ERR_DB / LNT_ERR_TIMEOUT from the store (what was raised before the failure
 * stays raised; the next scan goes on from there), LNT_ERR_NOMEM. Safe from several
 * threads at once.
 */
enum lnt_err lnt_alerts_scan(struct lnt_store *s, const struct lnt_alerts_config *cfg, int64_t now,
                             size_t *raised, char *err);

/*
 * The summary of alert kind `k` at venue `venue_name` for instant `at`:
 * "Serious incident report at The Crown, Sat 12 Sep 2026, 01:25 BST". Always
 * NUL-terminated; cut to fit.
 */
void lnt_alerts_summary(enum lnt_alert_kind k, const char *venue_name, int64_t at, char *out,
                        size_t size);

/* ---- the background scanner lanternd runs ---- */

struct lnt_alerts_runner;
/*
 * Starts a thread that scans `s` every `interval_s` (1..86400) seconds at lnt_time_now(),
 * the first scan at once; failures are logged and retried at the next scan. `s` and cfg's
 * rules must outlive the runner. LNT_ERR_INVALID for a bad interval, LNT_ERR_NOMEM, or
 * LNT_ERR_IO when the thread cannot start; *out is NULL on error.
 */
enum lnt_err lnt_alerts_start(struct lnt_alerts_runner **out, struct lnt_store *s,
                              const struct lnt_alerts_config *cfg, int interval_s, char *err);
/* Stops the thread (an ongoing scan finishes first) and frees it. NULL is a no-op. */
void lnt_alerts_stop(struct lnt_alerts_runner *r);

#endif
