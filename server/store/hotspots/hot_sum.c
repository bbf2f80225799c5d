/* hot_sum.c - the sums behind the hot-spot reads, for both backends (hot_sum.h). */
#include "hot_sum.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "night.h"
#include "store_int.h"

#define YEARS_MAX 50

struct venues_sum {
    struct lnt_hot_venue *rows; /* by venue id */
    size_t n;
    int32_t first, last;
};

struct years_sum {
    struct lnt_hot_year *years;
    size_t n;
    int32_t first, last;
    int64_t *seen; /* (venue, year) and (night) already counted: a small sorted set */
    size_t n_seen, cap_seen;
    enum lnt_err rc;
    char *err;
};
#define CUTOFF_HOUR (LNT_NIGHT_CUTOFF_MIN / 60)

/* Index of `kind` in lnt_incident_kinds (below LNT_HOT_KINDS), or -1. */
static int kind_index(const char *kind)
{
    for (int i = 0; i < LNT_HOT_KINDS && lnt_incident_kinds[i] != NULL; i++)
        if (strcmp(lnt_incident_kinds[i], kind) == 0)
            return i;
    return -1;
}

/* The first UTC hour number of night `night` (its 06:00 London, less an hour to be safe). */
static int64_t night_first_hour(int32_t night)
{
    return ((int64_t)night * 86400 + CUTOFF_HOUR * 3600) / 3600 - 1;
}

/* London local hour (0..23) of the start of UTC hour number `hour`. */
static int local_hour(int64_t hour)
{
    int64_t t = hour * 3600, local = t + lnt_london_offset(t);
    int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    return (int)((local - day * 86400) / 3600);
}

static void night_hours(int32_t first, int32_t last, int64_t *h_from, int64_t *h_to)
{
    *h_from = night_first_hour(first);
    *h_to = night_first_hour(last + 1) + 2;
}

/* ---- by trading night ---- */

static void nights_begin(int64_t from, int64_t to, int64_t out[7][LNT_HOT_HOURS], int64_t *h_from,
                         int64_t *h_to)
{
    /* whole hours inside [from, to): the rollup's granularity */
    *h_from = from >= 0 ? (from + 3599) / 3600 : -((-from) / 3600);
    *h_to = to >= 0 ? (to + 3599) / 3600 : -((-to) / 3600);
    memset(out, 0, 7 * sizeof out[0]);
}

static void nights_add(void *ctx, int64_t venue_id, int64_t hour, const char *kind, int64_t count)
{
    int64_t(*grid)[LNT_HOT_HOURS] = ctx;
    int32_t night = lnt_night_of(hour * 3600);
    int col = (local_hour(hour) - CUTOFF_HOUR + 24) % 24;

    (void)venue_id;
    (void)kind;
    grid[lnt_weekday(night)][col] += count;
}

/* ---- per venue, by harm ---- */

static int venue_id_cmp(const void *a, const void *b)
{
    const struct lnt_hot_venue *x = a, *y = b;
    return x->venue.id < y->venue.id ? -1 : x->venue.id > y->venue.id;
}

static bool in_scope(const struct lnt_venue *v, const struct lnt_rollup_scope *sc)
{
    if (sc == NULL)
        return true;
    if (sc->venue_id != 0 && v->id != sc->venue_id)
        return false;
    if (sc->area != NULL && sc->area[0] != '\0' && strcmp(v->area, sc->area) != 0)
        return false;
    return sc->authority == NULL || sc->authority[0] == '\0' ||
           strcmp(v->authority, sc->authority) == 0;
}

static enum lnt_err venues_begin(struct venues_sum *v, const struct lnt_venue *venues, size_t nv,
                                 const struct lnt_rollup_scope *scope, int32_t first, int32_t last,
                                 char *err)
{
    *v = (struct venues_sum){.first = first, .last = last};
    v->rows = calloc(nv > 0 ? nv : 1, sizeof *v->rows);
    if (v->rows == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading hot spots");
    for (size_t i = 0; i < nv; i++)
        if (in_scope(&venues[i], scope))
            v->rows[v->n++].venue = venues[i];
    qsort(v->rows, v->n, sizeof *v->rows, venue_id_cmp);
    return LNT_OK;
}

static void venues_add(void *ctx, int64_t venue_id, int64_t hour, const char *kind, int64_t count)
{
    struct venues_sum *v = ctx;
    struct lnt_hot_venue key, *row;
    int32_t night = lnt_night_of(hour * 3600);
    int k = kind_index(kind);

    if (night < v->first || night > v->last)
        return;
    key.venue.id = venue_id;
    row = bsearch(&key, v->rows, v->n, sizeof *v->rows, venue_id_cmp);
    if (row == NULL)
        return;
    if (k >= 0)
        row->kinds[k] += count;
    row->reports += count;
    if (lnt_hot_harm_of(kind) > 0) {
        row->harm_reports += count;
        row->harm_points += count * lnt_hot_harm_of(kind);
    }
}

static enum lnt_err venues_end(struct venues_sum *v, enum lnt_err rc, struct lnt_hot_venue **out,
                               size_t *n)
{
    if (rc == LNT_OK) {
        lnt_hot_sort_by_harm(v->rows, v->n);
        *out = v->rows;
        *n = v->n;
    } else {
        free(v->rows);
    }
    v->rows = NULL;
    return rc;
}

/* ---- per year ---- */

static int i64_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* true the first time `key` is seen. */
static bool first_sight(struct years_sum *y, int64_t key)
{
    if (y->n_seen > 0 && bsearch(&key, y->seen, y->n_seen, sizeof key, i64_cmp) != NULL)
        return false;
    if (y->n_seen == y->cap_seen) {
        size_t cap = y->cap_seen > 0 ? 2 * y->cap_seen : 64;
        int64_t *grown = realloc(y->seen, cap * sizeof *grown);
        if (grown == NULL) {
            y->rc = lnt_fail(y->err, LNT_ERR_NOMEM, "out of memory reading yearly totals");
            return false;
        }
        y->seen = grown;
        y->cap_seen = cap;
    }
    y->seen[y->n_seen++] = key;
    qsort(y->seen, y->n_seen, sizeof key, i64_cmp);
    return true;
}

static enum lnt_err years_begin(struct years_sum *y, int32_t first, int32_t last, char *err)
{
    int y0, y1, m, d;

    *y = (struct years_sum){.first = first, .last = last, .err = err};
    if (last < first)
        return lnt_fail(err, LNT_ERR_INVALID, "last night is before the first");
    lnt_civil_from_days(first, &y0, &m, &d);
    lnt_civil_from_days(last, &y1, &m, &d);
    if (y1 - y0 + 1 > YEARS_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "at most %d years in one read", YEARS_MAX);
    y->n = (size_t)(y1 - y0 + 1);
    y->years = calloc(y->n, sizeof *y->years);
    if (y->years == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading yearly totals");
    for (size_t i = 0; i < y->n; i++) {
        int32_t jan1 = lnt_days_from_civil(y0 + (int)i, 1, 1);
        int32_t dec31 = lnt_days_from_civil(y0 + (int)i, 12, 31);
        y->years[i].year = y0 + (int)i;
        y->years[i].first_night = jan1 > first ? jan1 : first;
        y->years[i].last_night = dec31 < last ? dec31 : last;
    }
    return LNT_OK;
}

static void years_add(void *ctx, int64_t venue_id, int64_t hour, const char *kind, int64_t count)
{
    struct years_sum *y = ctx;
    int32_t night = lnt_night_of(hour * 3600);
    struct lnt_hot_year *e;
    int yy, m, d;

    if (y->rc != LNT_OK || night < y->first || night > y->last)
        return;
    lnt_civil_from_days(night, &yy, &m, &d);
    e = &y->years[yy - y->years[0].year];
    e->reports += count;
    if (lnt_hot_harm_of(kind) > 0) {
        e->harm_reports += count;
        e->harm_points += count * lnt_hot_harm_of(kind);
    }
    /* venue ids are positive: (venue, year) keys are positive, nights are negative keys */
    if (first_sight(y, venue_id * 10000 + yy))
        e->venues_reporting++;
    if (y->rc == LNT_OK && first_sight(y, -1 - (int64_t)night))
        e->nights_reporting++;
}

static enum lnt_err years_end(struct years_sum *y, enum lnt_err rc, struct lnt_hot_year **out,
                              size_t *n)
{
    if (rc == LNT_OK)
        rc = y->rc;
    free(y->seen);
    y->seen = NULL;
    if (rc != LNT_OK) {
        free(y->years);
    } else {
        *out = y->years;
        *n = y->n;
    }
    y->years = NULL;
    return rc;
}

/* ---- the reads ---- */

enum lnt_err lnt_hot_nights(lnt_hot_walk_fn walk, void *s, const struct lnt_rollup_scope *scope,
                            const char *kind, int64_t from, int64_t to,
                            int64_t out[7][LNT_HOT_HOURS], char *err)
{
    int64_t h_from, h_to;

    nights_begin(from, to, out, &h_from, &h_to);
    return walk(s, scope, kind, h_from, h_to, nights_add, out, err);
}

enum lnt_err lnt_hot_venues(lnt_hot_walk_fn walk, lnt_hot_venues_fn list, void *s,
                            const struct lnt_rollup_scope *scope, int32_t first_night,
                            int32_t last_night, struct lnt_hot_venue **out, size_t *n, char *err)
{
    struct venues_sum v;
    struct lnt_venue *venues = NULL;
    size_t nv = 0;
    int64_t h_from, h_to;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    if (last_night < first_night)
        return lnt_fail(err, LNT_ERR_INVALID, "last night is before the first");
    /* the venues, then their reports: a venue added in between has no row, and its reports
     * are left out */
    rc = list(s, scope != NULL ? scope->authority : NULL, &venues, &nv, err);
    if (rc != LNT_OK)
        return rc;
    rc = venues_begin(&v, venues, nv, scope, first_night, last_night, err);
    free(venues);
    if (rc != LNT_OK)
        return rc;
    night_hours(first_night, last_night, &h_from, &h_to);
    rc = walk(s, scope, NULL, h_from, h_to, venues_add, &v, err);
    return venues_end(&v, rc, out, n);
}

enum lnt_err lnt_hot_years(lnt_hot_walk_fn walk, void *s, const struct lnt_rollup_scope *scope,
                           int32_t first_night, int32_t last_night, struct lnt_hot_year **out,
                           size_t *n, char *err)
{
    struct years_sum y;
    int64_t h_from, h_to;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = years_begin(&y, first_night, last_night, err);
    if (rc != LNT_OK)
        return rc;
    night_hours(first_night, last_night, &h_from, &h_to);
    rc = walk(s, scope, NULL, h_from, h_to, years_add, &y, err);
    return years_end(&y, rc, out, n);
}
