/* sq_hotspots.c - the store on SQLite: hot spots by trading night, harm per venue, yearly
 * totals, all derived from the hourly rollup (rollup_hour) at read time. */
#include "sq_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotspots/hot_sum.h"
#include "store_hotspots.h"

/*
 * Walks the incident-report rows (type incident, kind set) of rollup_hour in
 * UTC hours [h_from, h_to) for the venues in scope; kind NULL = every kind.
 */
static enum lnt_err walk(struct lnt_store *s, const struct lnt_rollup_scope *sc, const char *kind,
                         int64_t h_from, int64_t h_to, lnt_hot_add_fn add, void *ctx, char *err)
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

/* ---- the reads: the sums are hotspots/hot_sum.c's ---- */

static enum lnt_err walk_any(void *s, const struct lnt_rollup_scope *scope, const char *kind,
                             int64_t h_from, int64_t h_to, lnt_hot_add_fn add, void *ctx, char *err)
{
    return walk(s, scope, kind, h_from, h_to, add, ctx, err);
}

static enum lnt_err venues_any(void *s, const char *authority, struct lnt_venue **out, size_t *n,
                               char *err)
{
    return lnt_store_venue_list_by(s, authority, true, out, n, err);
}

enum lnt_err lnt_store_hot_nights(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                  const char *kind, int64_t from, int64_t to,
                                  int64_t out[7][LNT_HOT_HOURS], char *err)
{
    return lnt_hot_nights(walk_any, s, scope, kind, from, to, out, err);
}

enum lnt_err lnt_store_hot_venues(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                  int32_t first_night, int32_t last_night,
                                  struct lnt_hot_venue **out, size_t *n, char *err)
{
    return lnt_hot_venues(walk_any, venues_any, s, scope, first_night, last_night, out, n, err);
}

enum lnt_err lnt_store_hot_years(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                 int32_t first_night, int32_t last_night, struct lnt_hot_year **out,
                                 size_t *n, char *err)
{
    return lnt_hot_years(walk_any, s, scope, first_night, last_night, out, n, err);
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
