/* sq_places.c - the store on SQLite: the town's named public places and the street welfare
 * log, derived from welfare events. */
#include "sq_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "store_places.h"

/* ---- places ---- */

enum lnt_err lnt_store_place_add(struct lnt_store *s, const char *name, int64_t now, int64_t *id,
                                 char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc;
    int64_t count = 0;
    char obj[32];
    int r;

    *id = 0;
    rc = lnt_store_text_check("place name", name, LNT_PLACE_NAME_MAX, err);
    if (rc != LNT_OK)
        return rc;
    if (name[0] == ' ' || name[strlen(name) - 1] == ' ')
        return lnt_fail(err, LNT_ERR_INVALID, "place name must not begin or end with a space");
    rc = lnt_sq_wbegin(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w, "SELECT count(*), sum(name = ?1 COLLATE NOCASE) FROM places", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        count = sqlite3_column_int64(st, 0);
        if (sqlite3_column_int64(st, 1) > 0)
            rc = lnt_fail(err, LNT_ERR_EXISTS, "a place named \"%s\" exists already", name);
    } else {
        rc = lnt_sq_fail(s->w.db, err, "counting places");
    }
    sqlite3_reset(st);
    if (rc == LNT_OK && count >= LNT_PLACES_MAX)
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE,
                      "the town has %d places already, the most a kiosk can offer: remove one "
                      "first",
                      LNT_PLACES_MAX);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w, "INSERT INTO places (name, created_at) VALUES (?1, ?2)", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    rc = lnt_sq_done(s->w.db, st, err, "storing the place");
    if (rc != LNT_OK)
        goto out;
    *id = sqlite3_last_insert_rowid(s->w.db);
    snprintf(obj, sizeof obj, "place %" PRId64, *id);
    rc = lnt_sq_audit(s, "place.add", obj, err, "\"%s\"", name);
out:
    return lnt_sq_wend(s, rc, err);
}

static void place_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_place *p = elem;

    p->id = sqlite3_column_int64(st, 0);
    lnt_sq_text(p->name, sizeof p->name, st, 1);
    p->created_at = sqlite3_column_int64(st, 2);
}

enum lnt_err lnt_store_place_list(struct lnt_store *s, struct lnt_place **out, size_t *n, char *err)
{
    return lnt_sq_rlist(s, "SELECT id, name, created_at FROM places ORDER BY name, id", 0,
                        sizeof **out, place_row, (void **)out, n, err, "listing places");
}

enum lnt_err lnt_store_place_remove(struct lnt_store *s, int64_t id, char *err)
{
    char obj[32];
    enum lnt_err rc;

    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = lnt_sq_must_exist(&s->w, "SELECT 1 FROM places WHERE id = ?1", id, "place", err);
    if (rc == LNT_OK)
        rc = lnt_sq_set_at(s, "DELETE FROM places WHERE id = ?1 AND ?2 = ?2", id, 0,
                           "removing the place", err);
    if (rc == LNT_OK) {
        snprintf(obj, sizeof obj, "place %" PRId64, id);
        rc = lnt_sq_audit(s, "place.remove", obj, err, "removed");
    }
    return lnt_sq_wend(s, rc, err);
}

/* ---- the welfare log ---- */

enum lnt_err lnt_sq_derive_welfare(struct lnt_store *s, const struct lnt_sq_origin *o,
                                   const struct lnt_event *e, char *err)
{
    const struct lnt_ev_welfare *w = &e->u.welfare;
    sqlite3_stmt *st;

    st =
        lnt_sq_stmt(&s->w,
                    "INSERT INTO welfare (venue_id, kiosk_id, seq, staff_id, place, what, outcome, "
                    "occurred_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, o->venue_id);
    sqlite3_bind_int64(st, 2, o->kiosk_id);
    sqlite3_bind_int64(st, 3, e->seq);
    sqlite3_bind_text(st, 4, w->staff_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, w->place, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, w->what, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, w->outcome, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, e->occurred_at);
    return lnt_sq_done(s->w.db, st, err, "storing a welfare record");
}

static void welfare_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_welfare_row *w = elem;

    w->occurred_at = sqlite3_column_int64(st, 0);
    w->venue_id = sqlite3_column_int64(st, 1);
    w->kiosk_id = sqlite3_column_int64(st, 2);
    lnt_sq_text(w->staff_id, sizeof w->staff_id, st, 3);
    lnt_sq_text(w->place, sizeof w->place, st, 4);
    lnt_sq_text(w->what, sizeof w->what, st, 5);
    lnt_sq_text(w->outcome, sizeof w->outcome, st, 6);
}

enum lnt_err lnt_store_welfare_list(struct lnt_store *s, int64_t from, int64_t to, size_t offset,
                                    size_t limit, struct lnt_welfare_row **out, size_t *n,
                                    char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    sqlite3_stmt *st = lnt_sq_stmt(c,
                                   "SELECT occurred_at, venue_id, kiosk_id, staff_id, place, what, "
                                   "outcome FROM welfare WHERE occurred_at >= ?1 AND "
                                   "occurred_at < ?2 ORDER BY occurred_at, id LIMIT ?3 OFFSET ?4",
                                   err);
    enum lnt_err rc = LNT_ERR_DB;

    *out = NULL;
    *n = 0;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, from);
        sqlite3_bind_int64(st, 2, to);
        sqlite3_bind_int64(st, 3, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
        sqlite3_bind_int64(st, 4, offset > INT64_MAX ? INT64_MAX : (int64_t)offset);
        rc = lnt_sq_list(c->db, st, sizeof **out, welfare_row, (void **)out, n, err,
                         "listing welfare records");
    }
    lnt_sq_rend(s, c);
    return rc;
}
