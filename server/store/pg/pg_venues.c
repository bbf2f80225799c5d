/* pg_venues.c - the store on PostgreSQL: venues. */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "night.h"

/* The columns of a venue, as the SQLite backend reads them (its evidence_from included). */
#define VENUE_COLS                                                                                 \
    "v.id, v.name, v.category, v.capacity, v.area, v.created_at, v.authority, v.trading, "         \
    "v.cup_cover_threshold, v.closed_at, v.joined_on, (SELECT min(k0.enrolled_at) FROM kiosks k0 " \
    "WHERE k0.venue_id = v.id), (SELECT min(r0.night) FROM rollup_night r0 WHERE r0.venue_id = "   \
    "v.id AND r0.contacts > 0)"

static void venue_row(const PGresult *r, int row, void *elem)
{
    struct lnt_venue *v = elem;

    memset(v, 0, sizeof *v);
    v->id = lnt_pg_i64(r, row, 0);
    lnt_pg_text(r, row, 1, v->name, sizeof v->name);
    v->category = (enum lnt_venue_category)lnt_pg_i64(r, row, 2);
    v->capacity = (int32_t)lnt_pg_i64(r, row, 3);
    lnt_pg_text(r, row, 4, v->area, sizeof v->area);
    v->created_at = lnt_pg_i64(r, row, 5);
    lnt_pg_text(r, row, 6, v->authority, sizeof v->authority);
    lnt_pg_text(r, row, 7, v->trading, sizeof v->trading);
    v->cup_cover_threshold = (int32_t)lnt_pg_i64(r, row, 8);
    v->closed_at = lnt_pg_i64(r, row, 9);
    v->joined_on = (int32_t)lnt_pg_i64(r, row, 10);
    if (v->joined_on > 0) {
        v->evidence_from = v->joined_on;
    } else {
        /* the first kiosk's enrolment, or the first night with contact if earlier */
        if (!lnt_pg_null(r, row, 11))
            v->evidence_from = lnt_night_of(lnt_pg_i64(r, row, 11));
        if (!lnt_pg_null(r, row, 12) &&
            (v->evidence_from == 0 || lnt_pg_i64(r, row, 12) < v->evidence_from))
            v->evidence_from = (int32_t)lnt_pg_i64(r, row, 12);
    }
}

enum lnt_err lnt_store_venue_add(struct lnt_store *s, struct lnt_venue *v, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    int64_t now = lnt_time_now();
    char obj[32];
    enum lnt_err rc;

    if (v->cup_cover_threshold == 0)
        v->cup_cover_threshold = LNT_CUP_COVER_THRESHOLD_DEFAULT;
    rc = lnt_store_venue_check(v, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, v->name);
    lnt_pg_p_i64(&p, v->category);
    lnt_pg_p_i64(&p, v->capacity);
    lnt_pg_p_text(&p, v->area);
    lnt_pg_p_i64(&p, now);
    lnt_pg_p_text(&p, v->authority);
    lnt_pg_p_text(&p, v->trading);
    lnt_pg_p_i64(&p, v->cup_cover_threshold);
    lnt_pg_p_i64(&p, v->joined_on);
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg,
                         "INSERT INTO venues (name, category, capacity, area, created_at, "
                         "authority, trading, cup_cover_threshold, joined_on) VALUES ($1, $2, $3, "
                         "$4, $5, $6, $7, $8, $9) RETURNING id",
                         &p, &r, err, "storing the venue");
    if (rc == LNT_OK) {
        v->id = lnt_pg_i64(r, 0, 0);
        v->created_at = now;
        v->closed_at = 0;
        v->evidence_from = v->joined_on;
        snprintf(obj, sizeof obj, "venue %" PRId64, v->id);
        rc = lnt_pg_audit(s, pg, "venue.add", obj, err,
                          "\"%s\" %s, capacity %" PRId32 ", area \"%s\", authority \"%s\", "
                          "trading \"%s\", cup covers %" PRId32 ", joined %" PRId32,
                          v->name, lnt_venue_category_name(v->category), v->capacity, v->area,
                          v->authority, v->trading, v->cup_cover_threshold, v->joined_on);
    }
    if (rc == LNT_OK)
        rc = lnt_pg_notify(pg, v->id, err);
    PQclear(r);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_venue_get(struct lnt_store *s, int64_t id, struct lnt_venue *out, char *err)
{
    struct lnt_pg_params p;
    struct lnt_venue *list = NULL;
    size_t n = 0;
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    rc = lnt_pg_list(pg, "SELECT " VENUE_COLS " FROM venues v WHERE id = $1", &p, sizeof *list,
                     venue_row, (void **)&list, &n, err, "reading the venue");
    lnt_pg_give(s, pg);
    if (rc == LNT_OK && n == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "venue %" PRId64 " not found", id);
    if (rc == LNT_OK)
        *out = list[0];
    free(list);
    return rc;
}

enum lnt_err lnt_store_venue_list(struct lnt_store *s, struct lnt_venue **out, size_t *n, char *err)
{
    return lnt_store_venue_list_by(s, NULL, true, out, n, err);
}

enum lnt_err lnt_store_venue_list_by(struct lnt_store *s, const char *authority,
                                     bool include_closed, struct lnt_venue **out, size_t *n,
                                     char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, authority != NULL ? authority : "");
    lnt_pg_p_i64(&p, include_closed);
    rc = lnt_pg_list(pg,
                     "SELECT " VENUE_COLS " FROM venues v WHERE ($1 = '' OR authority = $1) "
                     "AND ($2 <> 0 OR closed_at = 0) ORDER BY id",
                     &p, sizeof **out, venue_row, (void **)out, n, err, "listing venues");
    lnt_pg_give(s, pg);
    return rc;
}
