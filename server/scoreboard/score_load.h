/* score_load.h - scores and task-force reports from the store: its rollups, registers and views. */
#ifndef LNT_SCORE_LOAD_H
#define LNT_SCORE_LOAD_H

#include <stdint.h>

#include "buf.h"
#include "assets.h" /* lnt_score_load_rules */
#include "score.h"
#include "score_report.h"
#include "store.h"

/*
 * The only scoring code that touches the store. It reads rollups (never raw
 * events), incidents without their sealed details, and findings, and hands
 * them to the pure functions in score.c and score_report.c. Shared by
 * `lanternctl score|report` (ctl_score.c), the API (api_score.c) and the
 * dashboard's league tables (score_league.c).
 */

/*
 * Scores venue `venue_id` at `at` over the rules' window, with the trend
 * against the window before and the review flag from the two before that.
 * A door shift on a licence the scheme lists as suspended or revoked on the
 * shift's date counts as one without a valid licence, whenever it was listed;
 * risk.people names who worked each such shift (personal data: see
 * lnt_score_load_hide_people).
 * Fills *out (release it, also after an error). LNT_ERR_NOT_FOUND for an
 * unknown venue, LNT_ERR_INVALID for a stored trading pattern that does not
 * parse, store errors as they come.
 */
enum lnt_err lnt_score_load_venue(struct lnt_store *s, const struct lnt_score_rules *rules,
                                  int64_t venue_id, int64_t at, struct lnt_score_result *out,
                                  char *err);

/*
 * Takes the people out of a result (risk.people: who worked a door shift
 * without a valid licence, on which badge) for a reader who may not read the
 * venue's register; the lines still name the nights. Never fails.
 */
void lnt_score_load_hide_people(struct lnt_score_result *r);

/*
 * Scores every venue (of `authority`, NULL/"" = all; closed venues left out)
 * and returns them ranked riskiest first. The caller frees *out.
 */
enum lnt_err lnt_score_load_rank(struct lnt_store *s, const struct lnt_score_rules *rules,
                                 const char *authority, int64_t at, struct lnt_rank_venue **out,
                                 size_t *n, char *err);

/* ---- reports, appended to `out` as one JSON object ---- */

/*
 * Hot spots at `at` over the rules' window: {"window":..., "ranking": {top N venues, areas},
 * "repeat_locations": [...], "hour_of_week": {...}} for `authority` (NULL/"" = all).
 */
enum lnt_err lnt_score_report_hotspots(struct lnt_store *s, const struct lnt_score_rules *rules,
                                       const char *authority, int64_t at, size_t top_n,
                                       int min_nights, struct lnt_buf *out, char *err);
/* Monthly incident counts by kind over [from, to) for a scope ({"months", "kinds", "angela",
 * "spiking", "totals"}). */
enum lnt_err lnt_score_report_trends(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                     int64_t from, int64_t to, struct lnt_buf *out, char *err);
/* Volunteer shifts, hours and tallies by month over [from, to) of the hubs in `scope` (NULL =
 * every hub; build it with lnt_scope_volunteers). */
enum lnt_err lnt_score_report_volunteers(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                         int64_t from, int64_t to, struct lnt_buf *out, char *err);
/* One venue's cup covers: the store's level and when they run out at the recent rate. */
struct lnt_score_stock {
    struct lnt_stock_level level;
    struct lnt_report_stock forecast; /* lnt_report_stock_forecast over the lookback */
};
/*
 * Every venue's (of `authority`, NULL/"" = all) cup-cover level at `at` and its
 * run-out forecast at the rate of the last `lookback_days`, ordered by venue id:
 * what lnt_score_report_stock reports, for pages that lay it out themselves.
 * The caller frees *out. LNT_ERR_NOMEM, LNT_ERR_DB. Thread-safe.
 */
enum lnt_err lnt_score_stock_forecasts(struct lnt_store *s, const char *authority, int64_t at,
                                       int lookback_days, struct lnt_score_stock **out, size_t *n,
                                       char *err);
/* Cup-cover levels and when each runs out at the rate of the last `lookback_days`. */
enum lnt_err lnt_score_report_stock(struct lnt_store *s, const char *authority, int64_t at,
                                    int lookback_days, struct lnt_buf *out, char *err);

#endif
