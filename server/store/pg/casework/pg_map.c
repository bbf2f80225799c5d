/* pg_map.c - the store on PostgreSQL: the places register's kind, coordinates and authority,
 * venues' coordinates, officers' records of incidents in public places, the map's image, as
 * sqlite/casework/sq_map.c. */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "night.h"
#include "store_map.h"

#define OID_FLOAT8 701

/* ---- coordinates: DOUBLE PRECISION, sent and read in binary so that a value comes back with
 * every bit it went in with ---- */

/* A float8 parameter: v's IEEE bits, big-endian, in buf (which must outlive the statement). */
static void f64_param(struct lnt_pg_params *p, uint8_t buf[8], double v)
{
    uint64_t bits;

    memcpy(&bits, &v, sizeof bits);
    for (int i = 0; i < 8; i++)
        buf[i] = (uint8_t)(bits >> (56 - 8 * i));
    lnt_pg_p_bytes(p, buf, 8);
}

/* A float8 column; 0 for NULL (or, a bug, a column of another type). */
static double f64_read(const PGresult *r, int row, int col)
{
    const unsigned char *b = (const unsigned char *)PQgetvalue(r, row, col);
    uint64_t bits = 0;
    double v;

    if (PQgetisnull(r, row, col) || PQftype(r, col) != OID_FLOAT8 || PQgetlength(r, row, col) != 8)
        return 0.0;
    for (int i = 0; i < 8; i++)
        bits = (bits << 8) | b[i];
    memcpy(&v, &bits, sizeof v);
    return v;
}

/* Coordinates g as two parameters (NULL, NULL when unset); buf holds their bytes. */
static void geo_params(struct lnt_pg_params *p, uint8_t buf[2][8], const struct lnt_geo *g)
{
    if (g->set) {
        f64_param(p, buf[0], g->lat);
        f64_param(p, buf[1], g->lon);
    } else {
        lnt_pg_p_text(p, NULL);
        lnt_pg_p_text(p, NULL);
    }
}

static void geo_read(const PGresult *r, int row, int col, struct lnt_geo *g)
{
    g->set = !lnt_pg_null(r, row, col) && !lnt_pg_null(r, row, col + 1);
    g->lat = g->set ? f64_read(r, row, col) : 0.0;
    g->lon = g->set ? f64_read(r, row, col + 1) : 0.0;
}

/* ---- the register of places ---- */

static enum lnt_place_kind kind_read(const PGresult *r, int row, int col)
{
    char s[32], ignored[LNT_ERRBUF_SIZE];
    enum lnt_place_kind k = LNT_PLACE_OTHER;

    lnt_pg_text(r, row, col, s, sizeof s);
    if (lnt_place_kind_parse(s, &k, ignored) != LNT_OK)
        return LNT_PLACE_OTHER;
    return k;
}

#define PLACE_COLS "id, name, kind, lat, lon, authority, created_at"

static void place_info_row(const PGresult *r, int row, void *elem)
{
    struct lnt_place_info *p = elem;

    p->id = lnt_pg_i64(r, row, 0);
    lnt_pg_text(r, row, 1, p->name, sizeof p->name);
    p->kind = kind_read(r, row, 2);
    geo_read(r, row, 3, &p->geo);
    lnt_pg_text(r, row, 5, p->authority, sizeof p->authority);
    p->created_at = lnt_pg_i64(r, row, 6);
}

enum lnt_err lnt_store_place_info_list(struct lnt_store *s, struct lnt_place_info **out, size_t *n,
                                       char *err)
{
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    /* by name as SQLite's COLLATE NOCASE column orders it (as lnt_store_place_list) */
    rc =
        lnt_pg_list(pg,
                    "SELECT " PLACE_COLS " FROM places ORDER BY translate(name, "
                    "'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') COLLATE \"C\", id",
                    NULL, sizeof **out, place_info_row, (void **)out, n, err, "listing places");
    lnt_pg_give(s, pg);
    return rc;
}

/* Place `id` into *p on pg; `lock` " FOR SHARE" keeps it as read until the caller's
 * transaction ends. LNT_ERR_NOT_FOUND. */
static enum lnt_err place_read(PGconn *pg, int64_t id, const char *lock, struct lnt_place_info *p,
                               const char *what, char *err)
{
    char sql[128];
    struct lnt_pg_params par;
    PGresult *r = NULL;
    enum lnt_err rc;

    snprintf(sql, sizeof sql, "SELECT " PLACE_COLS " FROM places WHERE id = $1::bigint%s", lock);
    lnt_pg_p_init(&par);
    lnt_pg_p_i64(&par, id);
    rc = lnt_pg_exec(pg, sql, &par, &r, err, what);
    if (rc == LNT_OK && PQntuples(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "place %" PRId64 " not found", id);
    if (rc == LNT_OK)
        place_info_row(r, 0, p);
    PQclear(r);
    return rc;
}

enum lnt_err lnt_store_place_info_get(struct lnt_store *s, int64_t id, struct lnt_place_info *out,
                                      char *err)
{
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    rc = place_read(pg, id, "", out, "reading a place", err);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_place_edit(struct lnt_store *s, const struct lnt_place_info *p, char *err)
{
    struct lnt_pg_params par;
    uint8_t geo[2][8];
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;
    char obj[32];

    if (p->kind < LNT_PLACE_PARK || p->kind > LNT_PLACE__MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "unknown place kind");
    if ((rc = lnt_geo_check(&p->geo, err)) != LNT_OK ||
        (rc = lnt_place_authority_check(p->authority, err)) != LNT_OK)
        return rc;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&par);
    lnt_pg_p_i64(&par, p->id);
    lnt_pg_p_text(&par, lnt_place_kind_name(p->kind));
    geo_params(&par, geo, &p->geo);
    lnt_pg_p_text(&par, p->authority);
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg,
                         "UPDATE places SET kind = $2::text, lat = $3::float8, lon = $4::float8, "
                         "authority = $5::text WHERE id = $1::bigint RETURNING id",
                         &par, &r, err, "editing the place");
    if (rc == LNT_OK && PQntuples(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "place %" PRId64 " not found", p->id);
    PQclear(r);
    snprintf(obj, sizeof obj, "place %" PRId64, p->id);
    if (rc == LNT_OK && p->geo.set)
        rc = lnt_pg_audit(s, pg, "place.edit", obj, err, "kind %s, at %.6f,%.6f, authority \"%s\"",
                          lnt_place_kind_name(p->kind), p->geo.lat, p->geo.lon, p->authority);
    else if (rc == LNT_OK)
        rc =
            lnt_pg_audit(s, pg, "place.edit", obj, err, "kind %s, no coordinates, authority \"%s\"",
                         lnt_place_kind_name(p->kind), p->authority);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

/* ---- venues' coordinates ---- */

enum lnt_err lnt_store_venue_geo_set(struct lnt_store *s, int64_t venue_id, const struct lnt_geo *g,
                                     int64_t now, char *err)
{
    struct lnt_pg_params par;
    uint8_t geo[2][8];
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_geo_check(g, err);
    char obj[32];

    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    snprintf(obj, sizeof obj, "venue %" PRId64, venue_id);
    lnt_pg_p_init(&par);
    lnt_pg_p_i64(&par, venue_id);
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_must_exist(pg, "SELECT 1 FROM venues WHERE id = $1", venue_id, "venue", err);
    if (rc != LNT_OK)
        goto out;
    if (!g->set) {
        rc = lnt_pg_exec(pg, "DELETE FROM venue_coords WHERE venue_id = $1::bigint", &par, NULL,
                         err, "clearing the venue's coordinates");
        if (rc == LNT_OK)
            rc = lnt_pg_audit(s, pg, "venue.coords", obj, err, "cleared");
        goto out;
    }
    geo_params(&par, geo, g);
    lnt_pg_p_i64(&par, now);
    /* an upsert: two servers setting one venue's coordinates at once leave the later's */
    rc = lnt_pg_exec(pg,
                     "INSERT INTO venue_coords (venue_id, lat, lon, updated_at) VALUES "
                     "($1::bigint, $2::float8, $3::float8, $4::bigint) ON CONFLICT (venue_id) DO "
                     "UPDATE SET lat = excluded.lat, lon = excluded.lon, updated_at = "
                     "excluded.updated_at",
                     &par, NULL, err, "storing the venue's coordinates");
    if (rc == LNT_OK)
        rc = lnt_pg_audit(s, pg, "venue.coords", obj, err, "at %.6f,%.6f", g->lat, g->lon);
out:
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

static void venue_geo_row(const PGresult *r, int row, void *elem)
{
    struct lnt_venue_geo *v = elem;

    v->venue_id = lnt_pg_i64(r, row, 0);
    geo_read(r, row, 1, &v->geo);
}

enum lnt_err lnt_store_venue_geo_list(struct lnt_store *s, struct lnt_venue_geo **out, size_t *n,
                                      char *err)
{
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_list(pg, "SELECT venue_id, lat, lon FROM venue_coords ORDER BY venue_id", NULL,
                     sizeof **out, venue_geo_row, (void **)out, n, err,
                     "listing venues' coordinates");
    lnt_pg_give(s, pg);
    return rc;
}

/* ---- officers' records of incidents in public places ---- */

/* Inserts `in` at place `p` inside the caller's transaction on pg; fills the derived fields. */
static enum lnt_err incident_insert(PGconn *pg, const struct lnt_officer *o,
                                    const struct lnt_place_info *p, struct lnt_place_incident *in,
                                    char *err)
{
    struct lnt_pg_params par;
    PGresult *r = NULL;
    enum lnt_err rc;

    in->place_id = p->id;
    lnt_str_copy(in->place_name, sizeof in->place_name, p->name);
    lnt_str_copy(in->authority, sizeof in->authority,
                 p->authority[0] != '\0' ? p->authority : o->scope.authority);
    in->night = lnt_night_of(in->occurred_at);
    in->officer_id = o->id;
    lnt_str_copy(in->recorded_by, sizeof in->recorded_by, o->email);
    in->superseded_by = in->superseded_at = 0;
    lnt_pg_p_init(&par);
    lnt_pg_p_i64(&par, in->place_id);
    lnt_pg_p_text(&par, in->place_name);
    lnt_pg_p_text(&par, in->authority);
    lnt_pg_p_i64(&par, in->occurred_at);
    lnt_pg_p_i64(&par, in->night);
    lnt_pg_p_text(&par, in->kind);
    lnt_pg_p_text(&par, in->note);
    lnt_pg_p_i64(&par, in->officer_id);
    lnt_pg_p_text(&par, in->recorded_by);
    lnt_pg_p_i64(&par, in->recorded_at);
    lnt_pg_p_i64(&par, in->supersedes);
    lnt_pg_p_text(&par, in->supersedes != 0 ? in->reason : "");
    rc = lnt_pg_exec(pg,
                     "INSERT INTO place_incidents (place_id, place_name, authority, occurred_at, "
                     "night, kind, note, officer_id, recorded_by, recorded_at, supersedes, "
                     "reason) VALUES ($1::bigint, $2::text, $3::text, $4::bigint, $5::bigint, "
                     "$6::text, $7::text, $8::bigint, $9::text, $10::bigint, $11::bigint, "
                     "$12::text) RETURNING id",
                     &par, &r, err, "storing the incident");
    if (rc == LNT_OK)
        in->id = lnt_pg_i64(r, 0, 0);
    PQclear(r);
    return rc;
}

enum lnt_err lnt_store_place_incident_add(struct lnt_store *s, const struct lnt_officer *officer,
                                          struct lnt_place_incident *in, char *err)
{
    struct lnt_place_info p;
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_place_incident_check(in, false, err);
    char obj[40];

    in->supersedes = 0;
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    /* the place as it stays until the record commits: an edit of its authority (or its
     * removal) waits, as behind SQLite's one writer */
    if (rc == LNT_OK)
        rc = place_read(pg, in->place_id, " FOR SHARE", &p, "reading the place", err);
    if (rc == LNT_OK && !lnt_place_scope_covers(&officer->scope, p.authority))
        rc = lnt_fail(err, LNT_ERR_FORBIDDEN, "place %" PRId64 " is outside your authority",
                      in->place_id);
    if (rc == LNT_OK)
        rc = incident_insert(pg, officer, &p, in, err);
    if (rc == LNT_OK) {
        snprintf(obj, sizeof obj, "place incident %" PRId64, in->id);
        rc = lnt_pg_audit(s, pg, "place.incident.add", obj, err, "place %" PRId64 ", %s",
                          in->place_id, in->kind);
    }
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_place_incident_supersede(struct lnt_store *s,
                                                const struct lnt_officer *officer, int64_t old_id,
                                                struct lnt_place_incident *in, char *err)
{
    struct lnt_place_info p;
    struct lnt_pg_params par;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc = lnt_place_incident_check(in, true, err);
    char old_auth[LNT_AUTHORITY_MAX + 1] = "", obj[40];
    int64_t place_id = 0, superseded_by = 0;

    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&par);
    lnt_pg_p_i64(&par, old_id);
    rc = lnt_pg_begin(pg, err);
    /* the old version locked: of two corrections of one record at once, whichever server
     * makes them, the second waits and then finds it corrected already */
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg,
                         "SELECT place_id, authority, superseded_by FROM place_incidents WHERE "
                         "id = $1::bigint FOR UPDATE",
                         &par, &r, err, "reading the incident");
    if (rc == LNT_OK && PQntuples(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "place incident %" PRId64 " not found", old_id);
    if (rc == LNT_OK) {
        place_id = lnt_pg_i64(r, 0, 0);
        lnt_pg_text(r, 0, 1, old_auth, sizeof old_auth);
        superseded_by = lnt_pg_i64(r, 0, 2);
    }
    PQclear(r);
    r = NULL;
    if (rc == LNT_OK && !lnt_place_scope_covers(&officer->scope, old_auth))
        rc = lnt_fail(err, LNT_ERR_FORBIDDEN,
                      "place incident %" PRId64 " is outside your authority", old_id);
    if (rc == LNT_OK && superseded_by != 0)
        rc = lnt_fail(err, LNT_ERR_STATE,
                      "place incident %" PRId64 " was corrected already by %" PRId64
                      ": correct that one",
                      old_id, superseded_by);
    if (rc == LNT_OK)
        rc = place_read(pg, place_id, " FOR SHARE", &p, "reading the place", err);
    if (rc != LNT_OK)
        goto out;
    in->supersedes = old_id;
    rc = incident_insert(pg, officer, &p, in, err);
    lnt_pg_p_i64(&par, in->id);
    lnt_pg_p_i64(&par, in->recorded_at);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg,
                         "UPDATE place_incidents SET superseded_by = $2::bigint, superseded_at = "
                         "$3::bigint WHERE id = $1::bigint",
                         &par, NULL, err, "marking the incident superseded");
    if (rc == LNT_OK) {
        snprintf(obj, sizeof obj, "place incident %" PRId64, old_id);
        rc = lnt_pg_audit(s, pg, "place.incident.supersede", obj, err, "by %" PRId64 ", %s: %s",
                          in->id, in->kind, in->reason);
    }
out:
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

static void incident_row(const PGresult *r, int row, void *elem)
{
    struct lnt_place_incident *in = elem;

    in->id = lnt_pg_i64(r, row, 0);
    in->place_id = lnt_pg_i64(r, row, 1);
    lnt_pg_text(r, row, 2, in->place_name, sizeof in->place_name);
    lnt_pg_text(r, row, 3, in->authority, sizeof in->authority);
    in->occurred_at = lnt_pg_i64(r, row, 4);
    in->night = (int32_t)lnt_pg_i64(r, row, 5);
    lnt_pg_text(r, row, 6, in->kind, sizeof in->kind);
    lnt_pg_text(r, row, 7, in->note, sizeof in->note);
    in->officer_id = lnt_pg_i64(r, row, 8);
    lnt_pg_text(r, row, 9, in->recorded_by, sizeof in->recorded_by);
    in->recorded_at = lnt_pg_i64(r, row, 10);
    in->supersedes = lnt_pg_i64(r, row, 11);
    in->superseded_by = lnt_pg_i64(r, row, 12);
    in->superseded_at = lnt_pg_i64(r, row, 13);
    lnt_pg_text(r, row, 14, in->reason, sizeof in->reason);
}

#define INCIDENT_COLS                                                                              \
    "id, place_id, place_name, authority, occurred_at, night, kind, note, officer_id, "            \
    "recorded_by, recorded_at, supersedes, superseded_by, superseded_at, reason"

enum lnt_err lnt_store_place_incident_list(struct lnt_store *s,
                                           const struct lnt_place_incident_filter *f,
                                           struct lnt_place_incident **out, size_t *n, char *err)
{
    bool all_nights = f->first_night == 0 && f->last_night == 0;
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, f->authority);
    lnt_pg_p_i64(&p, f->place_id);
    lnt_pg_p_text(&p, f->kind != NULL && f->kind[0] != '\0' ? f->kind : NULL);
    lnt_pg_p_i64(&p, all_nights ? INT32_MIN : f->first_night);
    lnt_pg_p_i64(&p, all_nights ? INT32_MAX : f->last_night);
    lnt_pg_p_i64(&p, f->with_superseded ? 1 : 0);
    lnt_pg_p_i64(&p, LNT_PLACE_INCIDENTS_MAX);
    rc = lnt_pg_list(pg,
                     "SELECT " INCIDENT_COLS " FROM place_incidents WHERE ($1::text IS NULL OR "
                     "authority = $1::text OR authority = '') AND ($2::bigint = 0 OR place_id = "
                     "$2::bigint) AND ($3::text IS NULL OR kind = $3::text) AND night BETWEEN "
                     "$4::bigint AND $5::bigint AND ($6::bigint <> 0 OR superseded_by = 0) "
                     "ORDER BY night, occurred_at, id LIMIT $7::bigint",
                     &p, sizeof **out, incident_row, (void **)out, n, err,
                     "listing public-place incidents");
    lnt_pg_give(s, pg);
    return rc;
}

/* A chain of corrections is short; this bounds a damaged one. */
#define HISTORY_MAX 1000

enum lnt_err lnt_store_place_incident_history(struct lnt_store *s, int64_t id,
                                              struct lnt_place_incident **out, size_t *n, char *err)
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
    lnt_pg_p_i64(&p, id);
    lnt_pg_p_i64(&p, HISTORY_MAX);
    /* back along supersedes to the first version, then forward along superseded_by; one
     * statement, so one snapshot */
    rc = lnt_pg_list(
        pg,
        "WITH RECURSIVE back(id, supersedes, depth) AS (SELECT id, supersedes, 0::bigint FROM "
        "place_incidents WHERE id = $1::bigint UNION ALL SELECT p.id, p.supersedes, b.depth + 1 "
        "FROM place_incidents p JOIN back b ON p.id = b.supersedes WHERE b.depth < $2::bigint), "
        "fwd(id, superseded_by, depth) AS (SELECT p.id, p.superseded_by, 0::bigint FROM "
        "place_incidents p WHERE p.id = (SELECT id FROM back ORDER BY depth DESC LIMIT 1) "
        "UNION ALL SELECT p.id, p.superseded_by, f.depth + 1 FROM place_incidents p JOIN fwd f "
        "ON p.id = f.superseded_by WHERE f.depth < $2::bigint) "
        "SELECT " INCIDENT_COLS " FROM place_incidents WHERE id IN (SELECT id FROM fwd) "
        "ORDER BY id LIMIT $2::bigint",
        &p, sizeof **out, incident_row, (void **)out, n, err, "reading the record's history");
    lnt_pg_give(s, pg);
    if (rc == LNT_OK && *n == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "place incident %" PRId64 " not found", id);
    return rc;
}

/* ---- the map's image ---- */

enum lnt_err lnt_store_map_image_set(struct lnt_store *s, const uint8_t *data, size_t len,
                                     const struct lnt_map_box *box, const char *actor, int64_t now,
                                     char *err)
{
    const char *mime = NULL;
    int32_t w = 0, h = 0;
    struct lnt_pg_params p;
    uint8_t edges[4][8];
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_map_image_sniff(data, len, &mime, &w, &h, err);
    struct lnt_map_box checked;

    if (rc != LNT_OK)
        return rc;
    rc = lnt_map_box_from_corners(box->north, box->west, box->south, box->east, &checked, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, mime);
    lnt_pg_p_bytes(&p, data, len); /* the same bytes back, whatever they hold */
    lnt_pg_p_i64(&p, w);
    lnt_pg_p_i64(&p, h);
    f64_param(&p, edges[0], checked.north);
    f64_param(&p, edges[1], checked.south);
    f64_param(&p, edges[2], checked.west);
    f64_param(&p, edges[3], checked.east);
    lnt_pg_p_i64(&p, now);
    lnt_pg_p_text(&p, actor != NULL ? actor : "");
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg,
                         "INSERT INTO map_image (id, mime, data, width, height, north, south, "
                         "west, east, uploaded_at, uploaded_by) VALUES (1, $1::text, $2::bytea, "
                         "$3::bigint, $4::bigint, $5::float8, $6::float8, $7::float8, $8::float8, "
                         "$9::bigint, $10::text) ON CONFLICT (id) DO UPDATE SET mime = "
                         "excluded.mime, data = excluded.data, width = excluded.width, height = "
                         "excluded.height, north = excluded.north, south = excluded.south, west = "
                         "excluded.west, east = excluded.east, uploaded_at = excluded.uploaded_at, "
                         "uploaded_by = excluded.uploaded_by",
                         &p, NULL, err, "storing the map image");
    if (rc == LNT_OK)
        rc = lnt_pg_audit_actor(s, pg, actor, "map.image", "map", err,
                                "%s %dx%d, %zu bytes, N %.6f S %.6f W %.6f E %.6f", mime, w, h, len,
                                checked.north, checked.south, checked.west, checked.east);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_map_image_get(struct lnt_store *s, bool with_data, struct lnt_map_image *out,
                                     char *err)
{
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;
    const char *blob;
    size_t len = 0;

    memset(out, 0, sizeof *out);
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    /* the image's bytes only when asked for: up to LNT_MAP_IMAGE_MAX of them */
    rc = lnt_pg_exec(pg,
                     with_data ? "SELECT mime, width, height, north, south, west, east, "
                                 "uploaded_at, uploaded_by, data FROM map_image WHERE id = 1"
                               : "SELECT mime, width, height, north, south, west, east, "
                                 "uploaded_at, uploaded_by FROM map_image WHERE id = 1",
                     NULL, &r, err, "reading the map image");
    lnt_pg_give(s, pg);
    if (rc != LNT_OK)
        return rc;
    if (PQntuples(r) == 0) {
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "no map image has been uploaded");
        goto out;
    }
    lnt_pg_text(r, 0, 0, out->mime, sizeof out->mime);
    out->width = (int32_t)lnt_pg_i64(r, 0, 1);
    out->height = (int32_t)lnt_pg_i64(r, 0, 2);
    out->box.north = f64_read(r, 0, 3);
    out->box.south = f64_read(r, 0, 4);
    out->box.west = f64_read(r, 0, 5);
    out->box.east = f64_read(r, 0, 6);
    out->uploaded_at = lnt_pg_i64(r, 0, 7);
    lnt_pg_text(r, 0, 8, out->uploaded_by, sizeof out->uploaded_by);
    if (with_data) {
        blob = lnt_pg_raw(r, 0, 9, &len);
        out->data = len > 0 ? malloc(len) : NULL;
        if (out->data == NULL) {
            rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading the map image");
            goto out;
        }
        memcpy(out->data, blob, len);
        out->len = len;
    }
out:
    PQclear(r);
    return rc;
}
