/* score_report.h - hot spots and trends for the task force: pure functions over rollups, as JSON.
 */
#ifndef LNT_SCORE_REPORT_H
#define LNT_SCORE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "score.h"

/*
 * Every function here reads only its arguments. Times are bucketed in
 * London local time (common/night.h). JSON comes out compact with sorted
 * keys, so the same inputs give the same bytes. Arrays returned through
 * **out are the caller's to free() (NULL when empty).
 */

#define LNT_REPORT_KIND_MAX 48 /* as LNT_SHORT_TEXT */
#define LNT_REPORT_MONTHS_MAX 120

/* ---- ranking ---- */

/* One venue's scores, as the league table needs them. */
struct lnt_rank_venue {
    int64_t venue_id;
    char name[LNT_VENUE_NAME_MAX + 1];
    char area[LNT_AREA_MAX + 1];
    char category[LNT_SCORE_CATEGORY_MAX];
    struct lnt_score_brief score;
};
/* Fills a rank row from a score result (and the venue's area). */
void lnt_report_rank_from(const struct lnt_score_result *r, const char *area,
                          struct lnt_rank_venue *out);
/* Riskiest first: band, then total points, then venue id (ascending) to break ties. */
void lnt_report_rank_sort(struct lnt_rank_venue *v, size_t n);

struct lnt_rank_area {
    char area[LNT_AREA_MAX + 1]; /* "" = venues with no area */
    int venues;
    int red, amber, green;
    int64_t total_milli; /* sum over its venues */
    int64_t mean_milli;  /* total / venues, rounded */
};
/* Areas by mean points, riskiest first, then name. LNT_ERR_NOMEM. */
enum lnt_err lnt_report_rank_areas(const struct lnt_rank_venue *v, size_t n,
                                   struct lnt_rank_area **out, size_t *n_out, char *err);
/* {"areas":[...],"top":[first top_n venues of v, already sorted],"venues":n}. */
enum lnt_err lnt_report_rank_json(const struct lnt_rank_venue *v, size_t n, size_t top_n,
                                  const struct lnt_rank_area *areas, size_t n_areas,
                                  struct lnt_buf *out, char *err);

/* ---- incident counts: rollup rows per venue, hour and kind ---- */

struct lnt_report_hour {
    int64_t venue_id;
    int64_t hour;                   /* unix time / 3600 (UTC hour) */
    char kind[LNT_REPORT_KIND_MAX]; /* incident kind */
    int64_t count;
};

/* A 7x24 table, Monday = 0, London local hour, of rows of `kind` (NULL/"" = all). */
void lnt_report_hour_of_week(const struct lnt_report_hour *rows, size_t n, const char *kind,
                             int64_t out[7][24]);
/* {"days":["Mon",...],"rows":[[24 counts] x 7],"total":N,"peak":{"day":"Sat","hour":1,"count":N}}.
 */
enum lnt_err lnt_report_hour_of_week_json(const int64_t t[7][24], struct lnt_buf *out, char *err);

/* Months x kinds: counts[m * n_kinds + k]. */
struct lnt_report_months {
    int first_year, first_month; /* London local calendar month */
    int n_months;
    char (*kinds)[LNT_REPORT_KIND_MAX]; /* sorted by name */
    size_t n_kinds;
    int64_t *counts;
};
/*
 * Pivots rows into every month from the month of `from` to the month of `to`
 * (inclusive, at most LNT_REPORT_MONTHS_MAX; zeros filled) by kind. Rows
 * outside are ignored. LNT_ERR_INVALID for a span too long, LNT_ERR_NOMEM.
 */
enum lnt_err lnt_report_months_build(const struct lnt_report_hour *rows, size_t n, int64_t from,
                                     int64_t to, struct lnt_report_months *out, char *err);
void lnt_report_months_release(struct lnt_report_months *m);
/* The count of `kind` in month index m (0 when the kind never occurs). */
int64_t lnt_report_months_get(const struct lnt_report_months *m, int month, const char *kind);
/*
 * {"months":["2026-01",...],"kinds":{"violence":[...],...},"angela":[...],"spiking":[...],
 *  "totals":[...]}: angela and spiking are always present, for the Ask-for-Angela and
 * spiking counts by month.
 */
enum lnt_err lnt_report_months_json(const struct lnt_report_months *m, struct lnt_buf *out,
                                    char *err);

/* Venues with incidents of one kind on at least `min_nights` distinct nights. */
struct lnt_report_repeat {
    int64_t venue_id;
    char kind[LNT_REPORT_KIND_MAX];
    int32_t nights;
    int64_t reports;
};
/* Most nights first, then most reports, venue id, kind. LNT_ERR_NOMEM. */
enum lnt_err lnt_report_repeats(const struct lnt_report_hour *rows, size_t n, int min_nights,
                                struct lnt_report_repeat **out, size_t *n_out, char *err);
enum lnt_err lnt_report_repeats_json(const struct lnt_report_repeat *r, size_t n,
                                     struct lnt_buf *out, char *err);

/* ---- volunteers ---- */

#define LNT_REPORT_TALLIES                                                                         \
    8 /* water, flip_flops, blankets, bottles, first_aid, cctv_calls,                              \
         police_calls, calmed */
struct lnt_report_shift {
    int64_t start_at; /* 0 = unknown (a shift_end without a start) */
    int64_t end_at;   /* 0 = not ended */
    int32_t team_size;
    int32_t tallies[LNT_REPORT_TALLIES];
};
struct lnt_report_volunteer_month {
    int year, month;
    int32_t shifts;
    int64_t person_minutes; /* (end - start) x team size over shifts with both ends */
    int64_t tallies[LNT_REPORT_TALLIES];
};
/* By London month of the shift's start (or end), oldest first. LNT_ERR_NOMEM. */
enum lnt_err lnt_report_volunteers(const struct lnt_report_shift *s, size_t n,
                                   struct lnt_report_volunteer_month **out, size_t *n_out,
                                   char *err);
enum lnt_err lnt_report_volunteers_json(const struct lnt_report_volunteer_month *m, size_t n,
                                        struct lnt_buf *out, char *err);

/* ---- cup-cover stock ---- */

struct lnt_report_stock_point {
    int64_t at;
    int32_t level_after; /* the venue's level after this ledger entry */
};
struct lnt_report_stock {
    int64_t venue_id;
    int32_t level;
    int32_t threshold;
    bool below_threshold;
    int64_t used;          /* covers used over the lookback (sum of falls in level) */
    int64_t per_day_milli; /* used per day, milli-covers */
    int32_t days_left;     /* until the level reaches 0 at that rate; -1 = not falling */
    int32_t runs_out;      /* date (days since epoch), 0 = not forecast */
};
/*
 * Forecasts from ledger points (oldest first) at or after `from` and up to
 * `now`, with the venue's current level and minimum: the rate is the sum of
 * the falls between successive levels over the days from the first point
 * (or `from`, whichever is later) to `now`; deliveries do not count.
 */
void lnt_report_stock_forecast(int64_t venue_id, int32_t level, int32_t threshold,
                               const struct lnt_report_stock_point *p, size_t n, int64_t from,
                               int64_t now, struct lnt_report_stock *out);
enum lnt_err lnt_report_stock_json(const struct lnt_report_stock *s, size_t n, struct lnt_buf *out,
                                   char *err);

#endif
