/* pg_hotspots.c - the store on PostgreSQL: hot spots by trading night, harm per venue, yearly
 * totals, all derived from the hourly rollup (rollup_hour) at read time, as
 * sqlite/casework/sq_hotspots.c. */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotspots/hot_sum.h"
#include "store_hotspots.h"

/*
 * Walks the incident-report rows (type incident, kind set) of rollup_hour in UTC hours
 * [h_from, h_to) for the venues in scope; kind NULL = every kind. One statement: one snapshot.
 */
static enum lnt_err walk(struct lnt_store *s, const struct lnt_rollup_scope *sc, const char *kind,
                         int64_t h_from, int64_t h_to, lnt_hot_add_fn add, void *ctx, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    char k[256]; /* a kind as stored; kinds are far shorter */
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, sc != NULL ? sc->venue_id : 0);
    lnt_pg_p_text(&p, sc != NULL && sc->area != NULL ? sc->area : "");
    lnt_pg_p_text(&p, sc != NULL && sc->authority != NULL ? sc->authority : "");
    lnt_pg_p_i64(&p, h_from);
    lnt_pg_p_i64(&p, h_to);
    lnt_pg_p_text(&p, kind != NULL && kind[0] != '\0' ? kind : NULL);
    lnt_pg_p_i64(&p, LNT_EV_INCIDENT);
    /* $1 venue (0 = any), $2 area, $3 authority ('' = any), $4 $5 hours, $6 kind (NULL = any) */
    rc = lnt_pg_exec(pg,
                     "SELECT venue_id, hour, kind, count FROM rollup_hour WHERE hour >= $4::bigint "
                     "AND hour < $5::bigint AND type = $7::bigint AND kind <> '' AND "
                     "($6::text IS NULL OR kind = $6::text) AND count <> 0 AND "
                     "($1::bigint = 0 OR venue_id = $1::bigint) AND ($2::text = '' AND "
                     "$3::text = '' OR venue_id IN (SELECT id FROM venues WHERE ($2::text = '' OR "
                     "area = $2::text) AND ($3::text = '' OR authority = $3::text)))",
                     &p, &r, err, "reading the hourly rollup");
    lnt_pg_give(s, pg);
    if (rc != LNT_OK)
        return rc;
    for (int i = 0, rows = PQntuples(r); i < rows; i++) {
        lnt_pg_text(r, i, 2, k, sizeof k);
        add(ctx, lnt_pg_i64(r, i, 0), lnt_pg_i64(r, i, 1), k, lnt_pg_i64(r, i, 3));
    }
    PQclear(r);
    return LNT_OK;
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
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    char names[LNT_ERRBUF_SIZE] = "";
    bool found = false;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, authority != NULL ? authority : "");
    /* in byte order, as SQLite's BINARY collation gives them */
    rc = lnt_pg_exec(pg,
                     "SELECT DISTINCT area COLLATE \"C\" FROM venues WHERE closed_at = 0 AND "
                     "area <> '' AND ($1::text = '' OR authority = $1::text) ORDER BY 1",
                     &p, &r, err, "reading the areas");
    lnt_pg_give(s, pg);
    if (rc != LNT_OK)
        return rc;
    for (int i = 0, rows = PQntuples(r); i < rows; i++) {
        size_t len = strlen(names);
        const char *a = PQgetvalue(r, i, 0); /* text, and libpq ends every value with a NUL */
        if (area != NULL && strcmp(a, area) == 0)
            found = true;
        snprintf(names + len, sizeof names - len, "%s%s", len > 0 ? ", " : "", a);
    }
    PQclear(r);
    if (!found)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "no area \"%.64s\": choose one of %s", area,
                      names[0] != '\0' ? names : "(none)");
    return rc;
}
