/* sq_map.c - the store on SQLite: the places register's kind, coordinates and authority,
 * venues' coordinates, officers' records of incidents in public places, the map's image. */
#include "sq_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "night.h"
#include "store_map.h"

/* ---- the register of places ---- */

static void geo_bind(sqlite3_stmt *st, int col, const struct lnt_geo *g)
{
    if (g->set) {
        sqlite3_bind_double(st, col, g->lat);
        sqlite3_bind_double(st, col + 1, g->lon);
    } else {
        sqlite3_bind_null(st, col);
        sqlite3_bind_null(st, col + 1);
    }
}

static void geo_read(sqlite3_stmt *st, int col, struct lnt_geo *g)
{
    g->set = sqlite3_column_type(st, col) != SQLITE_NULL &&
             sqlite3_column_type(st, col + 1) != SQLITE_NULL;
    g->lat = g->set ? sqlite3_column_double(st, col) : 0.0;
    g->lon = g->set ? sqlite3_column_double(st, col + 1) : 0.0;
}

static enum lnt_place_kind kind_read(sqlite3_stmt *st, int col)
{
    const char *s = (const char *)sqlite3_column_text(st, col);
    enum lnt_place_kind k = LNT_PLACE_OTHER;
    char ignored[LNT_ERRBUF_SIZE];

    if (s == NULL || lnt_place_kind_parse(s, &k, ignored) != LNT_OK)
        return LNT_PLACE_OTHER;
    return k;
}

#define PLACE_COLS "id, name, kind, lat, lon, authority, created_at"

static void place_info_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_place_info *p = elem;

    p->id = sqlite3_column_int64(st, 0);
    lnt_sq_text(p->name, sizeof p->name, st, 1);
    p->kind = kind_read(st, 2);
    geo_read(st, 3, &p->geo);
    lnt_sq_text(p->authority, sizeof p->authority, st, 5);
    p->created_at = sqlite3_column_int64(st, 6);
}

enum lnt_err lnt_store_place_info_list(struct lnt_store *s, struct lnt_place_info **out, size_t *n,
                                       char *err)
{
    return lnt_sq_rlist(s, "SELECT " PLACE_COLS " FROM places ORDER BY name, id", 0, sizeof **out,
                        place_info_row, (void **)out, n, err, "listing places");
}

enum lnt_err lnt_store_place_info_get(struct lnt_store *s, int64_t id, struct lnt_place_info *out,
                                      char *err)
{
    struct lnt_place_info *list = NULL;
    size_t n = 0;
    enum lnt_err rc =
        lnt_sq_rlist(s, "SELECT " PLACE_COLS " FROM places WHERE id = ?1", id, sizeof *list,
                     place_info_row, (void **)&list, &n, err, "reading a place");

    if (rc == LNT_OK && n == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "place %" PRId64 " not found", id);
    if (rc == LNT_OK)
        *out = list[0];
    free(list);
    return rc;
}

enum lnt_err lnt_store_place_edit(struct lnt_store *s, const struct lnt_place_info *p, char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc;
    char obj[32];

    if (p->kind < LNT_PLACE_PARK || p->kind > LNT_PLACE__MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "unknown place kind");
    if ((rc = lnt_geo_check(&p->geo, err)) != LNT_OK ||
        (rc = lnt_place_authority_check(p->authority, err)) != LNT_OK)
        return rc;
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = lnt_sq_must_exist(&s->w, "SELECT 1 FROM places WHERE id = ?1", p->id, "place", err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(
        &s->w, "UPDATE places SET kind = ?2, lat = ?3, lon = ?4, authority = ?5 WHERE id = ?1",
        err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, p->id);
    sqlite3_bind_text(st, 2, lnt_place_kind_name(p->kind), -1, SQLITE_STATIC);
    geo_bind(st, 3, &p->geo);
    sqlite3_bind_text(st, 5, p->authority, -1, SQLITE_STATIC);
    rc = lnt_sq_done(s->w.db, st, err, "editing the place");
    if (rc != LNT_OK)
        goto out;
    snprintf(obj, sizeof obj, "place %" PRId64, p->id);
    if (p->geo.set)
        rc = lnt_sq_audit(s, "place.edit", obj, err, "kind %s, at %.6f,%.6f, authority \"%s\"",
                          lnt_place_kind_name(p->kind), p->geo.lat, p->geo.lon, p->authority);
    else
        rc = lnt_sq_audit(s, "place.edit", obj, err, "kind %s, no coordinates, authority \"%s\"",
                          lnt_place_kind_name(p->kind), p->authority);
out:
    return lnt_sq_wend(s, rc, err);
}

/* ---- venues' coordinates ---- */

enum lnt_err lnt_store_venue_geo_set(struct lnt_store *s, int64_t venue_id, const struct lnt_geo *g,
                                     int64_t now, char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc = lnt_geo_check(g, err);
    char obj[32];

    if (rc != LNT_OK)
        return rc;
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = lnt_sq_venue_must_exist(&s->w, venue_id, err);
    if (rc != LNT_OK)
        goto out;
    snprintf(obj, sizeof obj, "venue %" PRId64, venue_id);
    if (!g->set) {
        rc = lnt_sq_set_at(s, "DELETE FROM venue_coords WHERE venue_id = ?1 AND ?2 = ?2", venue_id,
                           0, "clearing the venue's coordinates", err);
        if (rc == LNT_OK)
            rc = lnt_sq_audit(s, "venue.coords", obj, err, "cleared");
        goto out;
    }
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO venue_coords (venue_id, lat, lon, updated_at) VALUES (?1, ?2, "
                     "?3, ?4) ON CONFLICT (venue_id) DO UPDATE SET lat = excluded.lat, lon = "
                     "excluded.lon, updated_at = excluded.updated_at",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, venue_id);
    geo_bind(st, 2, g);
    sqlite3_bind_int64(st, 4, now);
    rc = lnt_sq_done(s->w.db, st, err, "storing the venue's coordinates");
    if (rc == LNT_OK)
        rc = lnt_sq_audit(s, "venue.coords", obj, err, "at %.6f,%.6f", g->lat, g->lon);
out:
    return lnt_sq_wend(s, rc, err);
}

static void venue_geo_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_venue_geo *v = elem;

    v->venue_id = sqlite3_column_int64(st, 0);
    geo_read(st, 1, &v->geo);
}

enum lnt_err lnt_store_venue_geo_list(struct lnt_store *s, struct lnt_venue_geo **out, size_t *n,
                                      char *err)
{
    return lnt_sq_rlist(s, "SELECT venue_id, lat, lon FROM venue_coords ORDER BY venue_id", 0,
                        sizeof **out, venue_geo_row, (void **)out, n, err,
                        "listing venues' coordinates");
}

/* ---- officers' records of incidents in public places ---- */

/* Inserts `in` at place `p` inside the caller's write transaction; fills the derived fields. */
static enum lnt_err incident_insert(struct lnt_store *s, const struct lnt_officer *o,
                                    const struct lnt_place_info *p, struct lnt_place_incident *in,
                                    char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc;

    in->place_id = p->id;
    lnt_str_copy(in->place_name, sizeof in->place_name, p->name);
    lnt_str_copy(in->authority, sizeof in->authority,
                 p->authority[0] != '\0' ? p->authority : o->scope.authority);
    in->night = lnt_night_of(in->occurred_at);
    in->officer_id = o->id;
    lnt_str_copy(in->recorded_by, sizeof in->recorded_by, o->email);
    in->superseded_by = in->superseded_at = 0;
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO place_incidents (place_id, place_name, authority, occurred_at, "
                     "night, kind, note, officer_id, recorded_by, recorded_at, supersedes, "
                     "reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, in->place_id);
    sqlite3_bind_text(st, 2, in->place_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, in->authority, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, in->occurred_at);
    sqlite3_bind_int(st, 5, in->night);
    sqlite3_bind_text(st, 6, in->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, in->note, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, in->officer_id);
    sqlite3_bind_text(st, 9, in->recorded_by, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 10, in->recorded_at);
    sqlite3_bind_int64(st, 11, in->supersedes);
    sqlite3_bind_text(st, 12, in->supersedes != 0 ? in->reason : "", -1, SQLITE_STATIC);
    rc = lnt_sq_done(s->w.db, st, err, "storing the incident");
    if (rc == LNT_OK)
        in->id = sqlite3_last_insert_rowid(s->w.db);
    return rc;
}

/* The place, read on the write connection. */
static enum lnt_err place_on_w(struct lnt_store *s, int64_t id, struct lnt_place_info *p, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(&s->w, "SELECT " PLACE_COLS " FROM places WHERE id = ?1", err);
    enum lnt_err rc = LNT_OK;
    int r;

    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        place_info_row(st, p);
    else if (r == SQLITE_DONE)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "place %" PRId64 " not found", id);
    else
        rc = lnt_sq_fail(s->w.db, err, "reading the place");
    sqlite3_reset(st);
    return rc;
}

enum lnt_err lnt_store_place_incident_add(struct lnt_store *s, const struct lnt_officer *officer,
                                          struct lnt_place_incident *in, char *err)
{
    struct lnt_place_info p;
    enum lnt_err rc = lnt_place_incident_check(in, false, err);
    char obj[40];

    in->supersedes = 0;
    if (rc != LNT_OK)
        return rc;
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = place_on_w(s, in->place_id, &p, err);
    if (rc == LNT_OK && !lnt_place_scope_covers(&officer->scope, p.authority))
        rc = lnt_fail(err, LNT_ERR_FORBIDDEN, "place %" PRId64 " is outside your authority",
                      in->place_id);
    if (rc == LNT_OK)
        rc = incident_insert(s, officer, &p, in, err);
    if (rc == LNT_OK) {
        snprintf(obj, sizeof obj, "place incident %" PRId64, in->id);
        rc = lnt_sq_audit(s, "place.incident.add", obj, err, "place %" PRId64 ", %s", in->place_id,
                          in->kind);
    }
    return lnt_sq_wend(s, rc, err);
}

enum lnt_err lnt_store_place_incident_supersede(struct lnt_store *s,
                                                const struct lnt_officer *officer, int64_t old_id,
                                                struct lnt_place_incident *in, char *err)
{
    struct lnt_place_info p;
    sqlite3_stmt *st;
    enum lnt_err rc = lnt_place_incident_check(in, true, err);
    char old_auth[LNT_AUTHORITY_MAX + 1] = "", obj[40];
    int64_t place_id = 0, superseded_by = 0;
    int r;

    if (rc != LNT_OK)
        return rc;
    rc = lnt_sq_wbegin(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(
        &s->w, "SELECT place_id, authority, superseded_by FROM place_incidents WHERE id = ?1", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, old_id);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        place_id = sqlite3_column_int64(st, 0);
        lnt_sq_text(old_auth, sizeof old_auth, st, 1);
        superseded_by = sqlite3_column_int64(st, 2);
    } else if (r == SQLITE_DONE) {
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "place incident %" PRId64 " not found", old_id);
    } else {
        rc = lnt_sq_fail(s->w.db, err, "reading the incident");
    }
    sqlite3_reset(st);
    if (rc == LNT_OK && !lnt_place_scope_covers(&officer->scope, old_auth))
        rc = lnt_fail(err, LNT_ERR_FORBIDDEN,
                      "place incident %" PRId64 " is outside your authority", old_id);
    if (rc == LNT_OK && superseded_by != 0)
        rc = lnt_fail(err, LNT_ERR_STATE,
                      "place incident %" PRId64 " was corrected already by %" PRId64
                      ": correct that one",
                      old_id, superseded_by);
    if (rc == LNT_OK)
        rc = place_on_w(s, place_id, &p, err);
    if (rc != LNT_OK)
        goto out;
    in->supersedes = old_id;
    rc = incident_insert(s, officer, &p, in, err);
    if (rc == LNT_OK) {
        st = lnt_sq_stmt(&s->w,
                         "UPDATE place_incidents SET superseded_by = ?2, superseded_at = ?3 "
                         "WHERE id = ?1",
                         err);
        if (st == NULL) {
            rc = LNT_ERR_DB;
            goto out;
        }
        sqlite3_bind_int64(st, 1, old_id);
        sqlite3_bind_int64(st, 2, in->id);
        sqlite3_bind_int64(st, 3, in->recorded_at);
        rc = lnt_sq_done(s->w.db, st, err, "marking the incident superseded");
    }
    if (rc == LNT_OK) {
        snprintf(obj, sizeof obj, "place incident %" PRId64, old_id);
        rc = lnt_sq_audit(s, "place.incident.supersede", obj, err, "by %" PRId64 ", %s: %s", in->id,
                          in->kind, in->reason);
    }
out:
    return lnt_sq_wend(s, rc, err);
}

static void incident_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_place_incident *in = elem;

    in->id = sqlite3_column_int64(st, 0);
    in->place_id = sqlite3_column_int64(st, 1);
    lnt_sq_text(in->place_name, sizeof in->place_name, st, 2);
    lnt_sq_text(in->authority, sizeof in->authority, st, 3);
    in->occurred_at = sqlite3_column_int64(st, 4);
    in->night = sqlite3_column_int(st, 5);
    lnt_sq_text(in->kind, sizeof in->kind, st, 6);
    lnt_sq_text(in->note, sizeof in->note, st, 7);
    in->officer_id = sqlite3_column_int64(st, 8);
    lnt_sq_text(in->recorded_by, sizeof in->recorded_by, st, 9);
    in->recorded_at = sqlite3_column_int64(st, 10);
    in->supersedes = sqlite3_column_int64(st, 11);
    in->superseded_by = sqlite3_column_int64(st, 12);
    in->superseded_at = sqlite3_column_int64(st, 13);
    lnt_sq_text(in->reason, sizeof in->reason, st, 14);
}

#define INCIDENT_COLS                                                                              \
    "id, place_id, place_name, authority, occurred_at, night, kind, note, officer_id, "            \
    "recorded_by, recorded_at, supersedes, superseded_by, superseded_at, reason"

enum lnt_err lnt_store_place_incident_list(struct lnt_store *s,
                                           const struct lnt_place_incident_filter *f,
                                           struct lnt_place_incident **out, size_t *n, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    sqlite3_stmt *st = lnt_sq_stmt(
        c,
        "SELECT " INCIDENT_COLS " FROM place_incidents WHERE (?1 IS NULL OR authority = ?1 OR "
        "authority = '') AND (?2 = 0 OR place_id = ?2) "
        "AND (?3 IS NULL OR kind = ?3) AND night BETWEEN ?4 AND ?5 AND (?6 OR superseded_by = 0) "
        "ORDER BY night, occurred_at, id LIMIT ?7",
        err);
    enum lnt_err rc = LNT_ERR_DB;
    bool all_nights = f->first_night == 0 && f->last_night == 0;

    *out = NULL;
    *n = 0;
    if (st != NULL) {
        if (f->authority != NULL)
            sqlite3_bind_text(st, 1, f->authority, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, f->place_id);
        if (f->kind != NULL && f->kind[0] != '\0')
            sqlite3_bind_text(st, 3, f->kind, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, all_nights ? INT32_MIN : f->first_night);
        sqlite3_bind_int64(st, 5, all_nights ? INT32_MAX : f->last_night);
        sqlite3_bind_int(st, 6, f->with_superseded ? 1 : 0);
        sqlite3_bind_int(st, 7, LNT_PLACE_INCIDENTS_MAX);
        rc = lnt_sq_list(c->db, st, sizeof **out, incident_row, (void **)out, n, err,
                         "listing public-place incidents");
    }
    lnt_sq_rend(s, c);
    return rc;
}

/* A chain of corrections is short; this bounds a damaged one. */
#define HISTORY_MAX 1000

enum lnt_err lnt_store_place_incident_history(struct lnt_store *s, int64_t id,
                                              struct lnt_place_incident **out, size_t *n, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    /* back along supersedes to the first version, then forward along superseded_by */
    sqlite3_stmt *st = lnt_sq_stmt(
        c,
        "WITH RECURSIVE back(id, supersedes, depth) AS (SELECT id, supersedes, 0 FROM "
        "place_incidents WHERE id = ?1 UNION ALL SELECT p.id, p.supersedes, b.depth + 1 FROM "
        "place_incidents p JOIN back b ON p.id = b.supersedes WHERE b.depth < ?2), "
        "fwd(id, superseded_by, depth) AS (SELECT p.id, p.superseded_by, 0 FROM place_incidents "
        "p WHERE p.id = (SELECT id FROM back ORDER BY depth DESC LIMIT 1) UNION ALL SELECT p.id, "
        "p.superseded_by, f.depth + 1 FROM place_incidents p JOIN fwd f ON p.id = "
        "f.superseded_by WHERE f.depth < ?2) "
        "SELECT " INCIDENT_COLS " FROM place_incidents WHERE id IN (SELECT id FROM fwd) "
        "ORDER BY id LIMIT ?2",
        err);
    enum lnt_err rc = LNT_ERR_DB;

    *out = NULL;
    *n = 0;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, HISTORY_MAX);
        rc = lnt_sq_list(c->db, st, sizeof **out, incident_row, (void **)out, n, err,
                         "reading the record's history");
    }
    lnt_sq_rend(s, c);
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
    sqlite3_stmt *st;
    enum lnt_err rc = lnt_map_image_sniff(data, len, &mime, &w, &h, err);
    struct lnt_map_box checked;

    if (rc != LNT_OK)
        return rc;
    rc = lnt_map_box_from_corners(box->north, box->west, box->south, box->east, &checked, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_sq_wbegin(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "INSERT OR REPLACE INTO map_image (id, mime, data, width, height, north, "
                     "south, west, east, uploaded_at, uploaded_by) VALUES (1, ?1, ?2, ?3, ?4, ?5, "
                     "?6, ?7, ?8, ?9, ?10)",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_text(st, 1, mime, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, data, (int)len, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, w);
    sqlite3_bind_int(st, 4, h);
    sqlite3_bind_double(st, 5, checked.north);
    sqlite3_bind_double(st, 6, checked.south);
    sqlite3_bind_double(st, 7, checked.west);
    sqlite3_bind_double(st, 8, checked.east);
    sqlite3_bind_int64(st, 9, now);
    sqlite3_bind_text(st, 10, actor != NULL ? actor : "", -1, SQLITE_STATIC);
    rc = lnt_sq_done(s->w.db, st, err, "storing the map image");
    if (rc == LNT_OK)
        rc = lnt_sq_audit_as(s, actor, "map.image", "map", err,
                             "%s %dx%d, %zu bytes, N %.6f S %.6f W %.6f E %.6f", mime, w, h, len,
                             checked.north, checked.south, checked.west, checked.east);
out:
    return lnt_sq_wend(s, rc, err);
}

enum lnt_err lnt_store_map_image_get(struct lnt_store *s, bool with_data, struct lnt_map_image *out,
                                     char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    sqlite3_stmt *st = lnt_sq_stmt(c,
                                   "SELECT mime, width, height, north, south, west, east, "
                                   "uploaded_at, uploaded_by, data FROM map_image WHERE id = 1",
                                   err);
    enum lnt_err rc = LNT_ERR_DB;
    int r;

    memset(out, 0, sizeof *out);
    if (st == NULL)
        goto out;
    r = sqlite3_step(st);
    if (r == SQLITE_DONE) {
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "no map image has been uploaded");
        goto out;
    }
    if (r != SQLITE_ROW) {
        rc = lnt_sq_fail(c->db, err, "reading the map image");
        goto out;
    }
    lnt_sq_text(out->mime, sizeof out->mime, st, 0);
    out->width = sqlite3_column_int(st, 1);
    out->height = sqlite3_column_int(st, 2);
    out->box.north = sqlite3_column_double(st, 3);
    out->box.south = sqlite3_column_double(st, 4);
    out->box.west = sqlite3_column_double(st, 5);
    out->box.east = sqlite3_column_double(st, 6);
    out->uploaded_at = sqlite3_column_int64(st, 7);
    lnt_sq_text(out->uploaded_by, sizeof out->uploaded_by, st, 8);
    rc = LNT_OK;
    if (with_data) {
        const void *blob = sqlite3_column_blob(st, 9);
        int len = sqlite3_column_bytes(st, 9);
        out->data = len > 0 ? malloc((size_t)len) : NULL;
        if (out->data == NULL) {
            rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading the map image");
            goto out;
        }
        memcpy(out->data, blob, (size_t)len);
        out->len = (size_t)len;
    }
out:
    if (st != NULL)
        sqlite3_reset(st);
    lnt_sq_rend(s, c);
    return rc;
}
