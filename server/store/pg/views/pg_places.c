/* pg_places.c - the store on PostgreSQL: the town's named public places and the street welfare
 * log's reads, as sqlite/sq_places.c. */
#include "pg_int.h"

#include <stdio.h>
#include <string.h>

#include "store_places.h"

/* ---- places ---- */

enum lnt_err lnt_store_place_add(struct lnt_store *s, const char *name, int64_t now, int64_t *id,
                                 char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;
    char obj[32];

    *id = 0;
    rc = lnt_store_text_check("place name", name, LNT_PLACE_NAME_MAX, err);
    if (rc != LNT_OK)
        return rc;
    if (name[0] == ' ' || name[strlen(name) - 1] == ' ')
        return lnt_fail(err, LNT_ERR_INVALID, "place name must not begin or end with a space");
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, name);
    rc = lnt_pg_begin(pg, err);
    /* one adder at a time (readers carry on), as SQLite's single writer: the count and the
     * name check hold until the insert commits, whichever server adds */
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, "LOCK TABLE places IN SHARE ROW EXCLUSIVE MODE", NULL, NULL, err,
                         "locking the places");
    /* one name whatever its case, as SQLite's COLLATE NOCASE (the unique index on lower(name)) */
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg,
                         "SELECT count(*), count(*) FILTER (WHERE lower(name) = lower($1::text)) "
                         "FROM places",
                         &p, &r, err, "counting places");
    if (rc == LNT_OK && lnt_pg_i64(r, 0, 1) > 0)
        rc = lnt_fail(err, LNT_ERR_EXISTS, "a place named \"%s\" exists already", name);
    if (rc == LNT_OK && lnt_pg_i64(r, 0, 0) >= LNT_PLACES_MAX)
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE,
                      "the town has %d places already, the most a kiosk can offer: remove one "
                      "first",
                      LNT_PLACES_MAX);
    PQclear(r);
    r = NULL;
    lnt_pg_p_i64(&p, now);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg,
                         "INSERT INTO places (name, created_at) VALUES ($1::text, $2::bigint) "
                         "RETURNING id",
                         &p, &r, err, "storing the place");
    if (rc == LNT_OK) {
        *id = lnt_pg_i64(r, 0, 0);
        snprintf(obj, sizeof obj, "place %" PRId64, *id);
        rc = lnt_pg_audit(s, pg, "place.add", obj, err, "\"%s\"", name);
    }
    PQclear(r);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    if (rc != LNT_OK)
        *id = 0;
    return rc;
}

static void place_row(const PGresult *r, int row, void *elem)
{
    struct lnt_place *p = elem;

    p->id = lnt_pg_i64(r, row, 0);
    lnt_pg_text(r, row, 1, p->name, sizeof p->name);
    p->created_at = lnt_pg_i64(r, row, 2);
}

enum lnt_err lnt_store_place_list(struct lnt_store *s, struct lnt_place **out, size_t *n, char *err)
{
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    /* by name as SQLite's COLLATE NOCASE column orders it: A-Z folded to a-z, then bytes,
     * whatever the database's locale */
    rc =
        lnt_pg_list(pg,
                    "SELECT id, name, created_at FROM places ORDER BY translate(name, "
                    "'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') COLLATE \"C\", id",
                    NULL, sizeof **out, place_row, (void **)out, n, err, "listing places");
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_place_remove(struct lnt_store *s, int64_t id, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    char obj[32];
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, "DELETE FROM places WHERE id = $1::bigint RETURNING id", &p, &r, err,
                         "removing the place");
    if (rc == LNT_OK && PQntuples(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "place %" PRId64 " not found", id);
    PQclear(r);
    if (rc == LNT_OK) {
        snprintf(obj, sizeof obj, "place %" PRId64, id);
        rc = lnt_pg_audit(s, pg, "place.remove", obj, err, "removed");
    }
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

/* ---- the welfare log ---- */

static void welfare_row(const PGresult *r, int row, void *elem)
{
    struct lnt_welfare_row *w = elem;

    w->occurred_at = lnt_pg_i64(r, row, 0);
    w->venue_id = lnt_pg_i64(r, row, 1);
    w->kiosk_id = lnt_pg_i64(r, row, 2);
    lnt_pg_text(r, row, 3, w->staff_id, sizeof w->staff_id);
    lnt_pg_text(r, row, 4, w->place, sizeof w->place);
    lnt_pg_text(r, row, 5, w->what, sizeof w->what);
    lnt_pg_text(r, row, 6, w->outcome, sizeof w->outcome);
}

enum lnt_err lnt_store_welfare_list(struct lnt_store *s, int64_t from, int64_t to, size_t offset,
                                    size_t limit, struct lnt_welfare_row **out, size_t *n,
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
    lnt_pg_p_i64(&p, from);
    lnt_pg_p_i64(&p, to);
    lnt_pg_p_i64(&p, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
    lnt_pg_p_i64(&p, offset > INT64_MAX ? INT64_MAX : (int64_t)offset);
    rc =
        lnt_pg_list(pg,
                    "SELECT occurred_at, venue_id, kiosk_id, staff_id, place, what, outcome FROM "
                    "welfare WHERE occurred_at >= $1::bigint AND occurred_at < $2::bigint "
                    "ORDER BY occurred_at, id LIMIT $3::bigint OFFSET $4::bigint",
                    &p, sizeof **out, welfare_row, (void **)out, n, err, "listing welfare records");
    lnt_pg_give(s, pg);
    return rc;
}
