/* sq_hotspots.c - the store on SQLite: hot spots by trading night, harm per venue, yearly
 * totals, all derived from the hourly rollup (rollup_hour) at read time. */
#include "sq_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "night.h"
#include "store_hotspots.h"

#define YEARS_MAX 50
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

typedef void (*hot_add_fn)(void *ctx, int64_t venue_id, int64_t hour, const char *kind,
                           int64_t count);

/*
 * Walks the incident-report rows (type incident, kind set) of rollup_hour in
 * UTC hours [h_from, h_to) for the venues in scope; kind NULL = every kind.
 */
static enum lnt_err walk(struct lnt_store *s, const struct lnt_rollup_scope *sc, const char *kind,
                         int64_t h_from, int64_t h_to, hot_add_fn add, void *ctx, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = LNT_OK;
    sqlite3_stmt *st;
    int r;

    /* ?1 venue (0 = any), ?2 area, ?3 authority ('' = any), ?4 ?5 hours, ?6 kind (NULL = any) */
    st = lnt_sq_stmt(c,
                     "SELECT venue_id, hour, kind, count FROM rollup_hour WHERE hour >= ?4 AND "
                     "hour < ?5 AND type = 4 AND kind <> '' AND (?6 IS NULL OR kind = ?6) AND "
                     "count <> 0 AND (?1 = 0 OR venue_id = ?1) AND (?2 = '' AND ?3 = '' OR "
                     "venue_id IN (SELECT id FROM venues WHERE (?2 = '' OR area = ?2) AND "
                     "(?3 = '' OR authority = ?3)))",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, sc != NULL ? sc->venue_id : 0);
    sqlite3_bind_text(st, 2, sc != NULL && sc->area != NULL ? sc->area : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, sc != NULL && sc->authority != NULL ? sc->authority : "", -1,
                      SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, h_from);
    sqlite3_bind_int64(st, 5, h_to);
    if (kind != NULL && kind[0] != '\0')
        sqlite3_bind_text(st, 6, kind, -1, SQLITE_STATIC);
    while ((r = sqlite3_step(st)) == SQLITE_ROW)
        add(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
            (const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3));
    sqlite3_reset(st);
    if (r != SQLITE_DONE)
        rc = lnt_sq_fail(c->db, err, "reading the hourly rollup");
out:
    lnt_sq_rend(s, c);
    return rc;
}

/* ---- by trading night ---- */

static void nights_add(void *ctx, int64_t venue_id, int64_t hour, const char *kind, int64_t count)
{
    int64_t(*grid)[LNT_HOT_HOURS] = ctx;
    int32_t night = lnt_night_of(hour * 3600);
    int col = (local_hour(hour) - CUTOFF_HOUR + 24) % 24;

    (void)venue_id;
    (void)kind;
    grid[lnt_weekday(night)][col] += count;
}

enum lnt_err lnt_store_hot_nights(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                  const char *kind, int64_t from, int64_t to,
                                  int64_t out[7][LNT_HOT_HOURS], char *err)
{
    /* whole hours inside [from, to): the rollup's granularity */
    int64_t h_from = from >= 0 ? (from + 3599) / 3600 : -((-from) / 3600);
    int64_t h_to = to >= 0 ? (to + 3599) / 3600 : -((-to) / 3600);

    memset(out, 0, 7 * sizeof out[0]);
    return walk(s, scope, kind, h_from, h_to, nights_add, out, err);
}

/* ---- per venue, by harm ---- */

static int venue_id_cmp(const void *a, const void *b)
{
    const struct lnt_hot_venue *x = a, *y = b;
    return x->venue.id < y->venue.id ? -1 : x->venue.id > y->venue.id;
}

struct venues_ctx {
    struct lnt_hot_venue *rows; /* by venue id */
    size_t n;
    int32_t first, last;
};

static void venues_add(void *ctx, int64_t venue_id, int64_t hour, const char *kind, int64_t count)
{
    struct venues_ctx *v = ctx;
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

enum lnt_err lnt_store_hot_venues(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                  int32_t first_night, int32_t last_night,
                                  struct lnt_hot_venue **out, size_t *n, char *err)
{
    struct lnt_venue *venues = NULL;
    struct venues_ctx v = {.first = first_night, .last = last_night};
    size_t nv = 0;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    if (last_night < first_night)
        return lnt_fail(err, LNT_ERR_INVALID, "last night is before the first");
    rc = lnt_store_venue_list_by(s, scope != NULL ? scope->authority : NULL, true, &venues, &nv,
                                 err);
    if (rc != LNT_OK)
        return rc;
    v.rows = calloc(nv > 0 ? nv : 1, sizeof *v.rows);
    if (v.rows == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading hot spots");
        goto out;
    }
    for (size_t i = 0; i < nv; i++)
        if (in_scope(&venues[i], scope))
            v.rows[v.n++].venue = venues[i];
    qsort(v.rows, v.n, sizeof *v.rows, venue_id_cmp);
    rc = walk(s, scope, NULL, night_first_hour(first_night), night_first_hour(last_night + 1) + 2,
              venues_add, &v, err);
    if (rc != LNT_OK)
        goto out;
    lnt_hot_sort_by_harm(v.rows, v.n);
    *out = v.rows;
    *n = v.n;
    v.rows = NULL;
out:
    free(v.rows);
    free(venues);
    return rc;
}

/* ---- per year ---- */

struct years_ctx {
    struct lnt_hot_year *years;
    size_t n;
    int32_t first, last;
    /* (venue, year) and (night) already counted: small sorted sets */
    int64_t *seen;
    size_t n_seen, cap_seen;
    enum lnt_err rc;
    char *err;
};

static int i64_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* true the first time `key` is seen. */
static bool first_sight(struct years_ctx *y, int64_t key)
{
    if (y->n_seen > 0 && bsearch(&key, y->seen, y->n_seen, sizeof key, i64_cmp) != NULL)
        return false;
    y->rc = lnt_sq_grow((void **)&y->seen, &y->cap_seen, y->n_seen, sizeof key, y->err);
    if (y->rc != LNT_OK)
        return false;
    y->seen[y->n_seen++] = key;
    qsort(y->seen, y->n_seen, sizeof key, i64_cmp);
    return true;
}

static void years_add(void *ctx, int64_t venue_id, int64_t hour, const char *kind, int64_t count)
{
    struct years_ctx *y = ctx;
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

enum lnt_err lnt_store_hot_years(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                 int32_t first_night, int32_t last_night, struct lnt_hot_year **out,
                                 size_t *n, char *err)
{
    struct years_ctx y = {.first = first_night, .last = last_night, .err = err};
    int y0, y1, m, d;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    if (last_night < first_night)
        return lnt_fail(err, LNT_ERR_INVALID, "last night is before the first");
    lnt_civil_from_days(first_night, &y0, &m, &d);
    lnt_civil_from_days(last_night, &y1, &m, &d);
    if (y1 - y0 + 1 > YEARS_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "at most %d years in one read", YEARS_MAX);
    y.n = (size_t)(y1 - y0 + 1);
    y.years = calloc(y.n, sizeof *y.years);
    if (y.years == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading yearly totals");
    for (size_t i = 0; i < y.n; i++) {
        int32_t jan1 = lnt_days_from_civil(y0 + (int)i, 1, 1);
        int32_t dec31 = lnt_days_from_civil(y0 + (int)i, 12, 31);
        y.years[i].year = y0 + (int)i;
        y.years[i].first_night = jan1 > first_night ? jan1 : first_night;
        y.years[i].last_night = dec31 < last_night ? dec31 : last_night;
    }
    rc = walk(s, scope, NULL, night_first_hour(first_night), night_first_hour(last_night + 1) + 2,
              years_add, &y, err);
    if (rc == LNT_OK)
        rc = y.rc;
    free(y.seen);
    if (rc != LNT_OK) {
        free(y.years);
        return rc;
    }
    *out = y.years;
    *n = y.n;
    return LNT_OK;
}

/* ---- the lists filters pick from ---- */

enum lnt_err lnt_store_hot_area_check(struct lnt_store *s, const char *authority, const char *area,
                                      char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    char names[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc = LNT_OK;
    bool found = false;
    sqlite3_stmt *st;
    int r;

    st = lnt_sq_stmt(c,
                     "SELECT DISTINCT area FROM venues WHERE closed_at = 0 AND area <> '' AND "
                     "(?1 = '' OR authority = ?1) ORDER BY area",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_text(st, 1, authority != NULL ? authority : "", -1, SQLITE_STATIC);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *a = (const char *)sqlite3_column_text(st, 0);
        size_t len = strlen(names);
        if (a == NULL)
            continue;
        if (area != NULL && strcmp(a, area) == 0)
            found = true;
        snprintf(names + len, sizeof names - len, "%s%s", len > 0 ? ", " : "", a);
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE)
        rc = lnt_sq_fail(c->db, err, "reading the areas");
    else if (!found)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "no area \"%.64s\": choose one of %s", area,
                      names[0] != '\0' ? names : "(none)");
out:
    lnt_sq_rend(s, c);
    return rc;
}
