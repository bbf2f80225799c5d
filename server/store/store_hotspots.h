/* store_hotspots.h - hot spots for a sergeant: incidents by trading night and hour, harm per
 * venue, yearly totals; read from the hourly rollup without a schema of their own. */
#ifndef LNT_STORE_HOTSPOTS_H
#define LNT_STORE_HOTSPOTS_H

#include "store_events.h"

/*
 * A trading night (night.h) runs from 06:00 to 06:00 London time, so its
 * hours in order are 06, 07 ... 23, 00 ... 05: column 0 is 06:00-06:59 and
 * column 23 is 05:00-05:59 the next morning. Rows are the weekday of the
 * night (0 = Monday night ... 4 = Friday night, which takes in the small
 * hours of Saturday, ... 6 = Sunday night).
 */
#define LNT_HOT_HOURS 24
/* London local hour (0..23) of column `col` of a night's row. Pure. */
int lnt_hot_hour_of_column(int col);

/*
 * Incident reports in [from, to) of the venues in `scope` by the weekday of
 * their trading night and hour of that night, from the hourly rollup. kind
 * NULL/"" = every kind; a kind no report has gives zeros (callers check the
 * kind against lnt_incident_kinds first). out is zeroed first.
 * LNT_ERR_DB. Thread-safe.
 */
enum lnt_err lnt_store_hot_nights(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                  const char *kind, int64_t from, int64_t to,
                                  int64_t out[7][LNT_HOT_HOURS], char *err);

/* The incident kinds counted per venue: lnt_incident_kinds' order, at most this many. */
#define LNT_HOT_KINDS 16

/*
 * What counts as harm and how much: a report of one of these kinds scores
 * `weight` harm points; every other kind scores none. Violence with an
 * injury, sexual offences and spiking weigh most; violence without an
 * injury and weapons less; paperwork (late or incomplete reports, missing
 * door licences) never. NULL-terminated by kind. Used by the Trends page and
 * the API, which print it beside every ranking.
 */
struct lnt_hot_harm_weight {
    const char *kind;  /* an lnt_incident_kinds entry */
    int weight;        /* harm points per report */
    const char *words; /* "violence with injury" */
};
extern const struct lnt_hot_harm_weight lnt_hot_harm_weights[];

/* One venue's incident reports by kind over a period, and its harm. */
struct lnt_hot_venue {
    struct lnt_venue venue;
    int64_t kinds[LNT_HOT_KINDS]; /* reports per kind, index as lnt_incident_kinds */
    int64_t reports;              /* every kind */
    int64_t harm_reports;         /* reports of a kind in lnt_hot_harm_weights */
    int64_t harm_points;          /* sum of weight x reports */
};

/*
 * Every venue in `scope` (closed ones included; NULL = the whole scheme) with
 * its incident reports whose trading night is in [first_night, last_night],
 * most harm points first (then most reports, then name; venues with none
 * last). *out is the caller's to free. LNT_ERR_INVALID when last < first,
 * LNT_ERR_NOMEM, LNT_ERR_DB. Thread-safe.
 */
enum lnt_err lnt_store_hot_venues(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                  int32_t first_night, int32_t last_night,
                                  struct lnt_hot_venue **out, size_t *n, char *err);
/* Orders rows as lnt_store_hot_venues does (by harm). Pure. */
void lnt_hot_sort_by_harm(struct lnt_hot_venue *rows, size_t n);

/* One year of trading nights (the year of the night's date, London). */
struct lnt_hot_year {
    int year;
    int32_t first_night, last_night; /* the nights of the year inside the period asked for */
    int64_t reports;                 /* incident reports, every kind */
    int64_t harm_reports;
    int64_t harm_points;
    int32_t venues_reporting; /* venues with at least one report that year */
    int32_t nights_reporting; /* nights with at least one report anywhere in scope */
};

/*
 * Totals per year over trading nights [first_night, last_night] for the
 * venues in `scope`, oldest year first, one entry for every year the period
 * touches (zeros where nothing was reported). At most 50 years
 * (LNT_ERR_TOO_LARGE). *out is the caller's to free. LNT_ERR_INVALID,
 * LNT_ERR_NOMEM, LNT_ERR_DB. Thread-safe.
 */
enum lnt_err lnt_store_hot_years(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                 int32_t first_night, int32_t last_night, struct lnt_hot_year **out,
                                 size_t *n, char *err);

/*
 * Checks a filter's area against the list a reader picks from: the areas of
 * the open venues of `authority` (NULL/"" = every authority). LNT_OK when
 * `area` is one of them; LNT_ERR_NOT_FOUND with err naming the choices
 * ("no area \"station quarter\": choose one of High Street, Riverside");
 * LNT_ERR_DB. Exact match: a filter never silently matches nothing.
 * Thread-safe.
 */
enum lnt_err lnt_store_hot_area_check(struct lnt_store *s, const char *authority, const char *area,
                                      char *err);

#endif
