/* sq_registers.c - the store on SQLite: the venue, staff and training registers. */
#include "sq_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "night.h"

/*
 * Reads the one row `sql` returns for ?1 = id into `out` with fn, on connection
 * c. LNT_ERR_NOT_FOUND "<noun> <id> not found" when there is none, LNT_ERR_DB
 * "reading a <noun>: ..." on failure; `out` is then unspecified.
 */
static enum lnt_err read_by_id(struct lnt_sq_conn *c, const char *sql, int64_t id, lnt_sq_row_fn fn,
                               void *out, const char *noun, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(c, sql, err);
    char what[64];
    enum lnt_err rc = LNT_OK;
    int r;

    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        fn(st, out);
    } else if (r == SQLITE_DONE) {
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "%s %" PRId64 " not found", noun, id);
    } else {
        snprintf(what, sizeof what, "reading a %s", noun);
        rc = lnt_sq_fail(c->db, err, what);
    }
    sqlite3_reset(st);
    return rc;
}

/*
 * How a register row ends, once: a venue closes, a staff member leaves. The
 * strings are literals (the SQL keys the statement cache).
 */
struct ending {
    const char *time;    /* names `at` in its error: "closing time" */
    const char *noun;    /* the row in messages: "venue" */
    const char *get;     /* ?1 = id -> the row's name, when it ended (0 = not yet) */
    const char *already; /* refusal of a second end, after "<noun> <id> " */
    const char *set;     /* records the end: ?1 = id, ?2 = at */
    const char *doing;   /* the update, in errors */
    /* more to do in the same transaction once the end is recorded; may be NULL */
    enum lnt_err (*then)(struct lnt_store *s, int64_t id, int64_t at, char *err);
    const char *object; /* the audit row's object: "<object> <id>" */
    const char *action; /* the audit row's action */
    const char *done;   /* the audit row's detail: "\"<name>\" <done>" */
};

struct name_end {
    char name[81];
    int64_t ended;
};
_Static_assert(sizeof((struct lnt_venue *)0)->name <= sizeof((struct name_end *)0)->name &&
                   sizeof((struct lnt_staff *)0)->name <= sizeof((struct name_end *)0)->name,
               "a venue's and a staff member's names fit");

static void name_end_row(sqlite3_stmt *st, void *elem)
{
    struct name_end *r = elem;

    lnt_sq_text(r->name, sizeof r->name, st, 0);
    r->ended = sqlite3_column_int64(st, 1);
}

/*
 * Ends row `id` of a register at `at` as `how` says. LNT_ERR_INVALID for `at`
 * before 1970, LNT_ERR_NOT_FOUND for no such row, LNT_ERR_STATE when it has
 * already ended, LNT_ERR_DB; nothing is changed on error.
 */
static enum lnt_err end_row(struct lnt_store *s, const struct ending *how, int64_t id, int64_t at,
                            char *err)
{
    struct name_end cur;
    char obj[32];
    enum lnt_err rc;

    if (at <= 0)
        return lnt_fail(err, LNT_ERR_INVALID, "%s must be after 1970", how->time);
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = read_by_id(&s->w, how->get, id, name_end_row, &cur, how->noun, err);
    if (rc != LNT_OK)
        goto out;
    if (cur.ended != 0) {
        rc = lnt_fail(err, LNT_ERR_STATE, "%s %" PRId64 " %s", how->noun, id, how->already);
        goto out;
    }
    rc = lnt_sq_set_at(s, how->set, id, at, how->doing, err);
    if (rc == LNT_OK && how->then != NULL)
        rc = how->then(s, id, at, err);
    snprintf(obj, sizeof obj, "%s %" PRId64, how->object, id);
    if (rc == LNT_OK)
        rc = lnt_sq_audit(s, how->action, obj, err, "\"%s\" %s", cur.name, how->done);
out:
    return lnt_sq_wend(s, rc, err);
}

/* ---- venues ---- */

enum lnt_err lnt_store_venue_add(struct lnt_store *s, struct lnt_venue *v, char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc;
    int64_t now = lnt_time_now();
    char obj[32];

    if (v->cup_cover_threshold == 0)
        v->cup_cover_threshold = LNT_CUP_COVER_THRESHOLD_DEFAULT;
    rc = lnt_store_venue_check(v, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_sq_wbegin(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO venues (name, category, capacity, area, created_at, authority, "
                     "trading, cup_cover_threshold, joined_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                     "?7, ?8, ?9)",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_text(st, 1, v->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, (int)v->category);
    sqlite3_bind_int(st, 3, v->capacity);
    sqlite3_bind_text(st, 4, v->area, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_text(st, 6, v->authority, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, v->trading, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, v->cup_cover_threshold);
    sqlite3_bind_int(st, 9, v->joined_on);
    rc = lnt_sq_done(s->w.db, st, err, "storing the venue");
    if (rc != LNT_OK)
        goto out;
    v->id = sqlite3_last_insert_rowid(s->w.db);
    v->created_at = now;
    v->closed_at = 0;
    v->evidence_from = v->joined_on;
    snprintf(obj, sizeof obj, "venue %" PRId64, v->id);
    rc = lnt_sq_audit(s, "venue.add", obj, err,
                      "\"%s\" %s, capacity %" PRId32 ", area \"%s\", authority \"%s\", "
                      "trading \"%s\", cup covers %" PRId32 ", joined %" PRId32,
                      v->name, lnt_venue_category_name(v->category), v->capacity, v->area,
                      v->authority, v->trading, v->cup_cover_threshold, v->joined_on);
out:
    return lnt_sq_wend(s, rc, err);
}

void lnt_sq_venue_row_at(sqlite3_stmt *st, int col, struct lnt_venue *v)
{
    memset(v, 0, sizeof *v);
    v->id = sqlite3_column_int64(st, col);
    lnt_sq_text(v->name, sizeof v->name, st, col + 1);
    v->category = (enum lnt_venue_category)sqlite3_column_int(st, col + 2);
    v->capacity = sqlite3_column_int(st, col + 3);
    lnt_sq_text(v->area, sizeof v->area, st, col + 4);
    v->created_at = sqlite3_column_int64(st, col + 5);
    lnt_sq_text(v->authority, sizeof v->authority, st, col + 6);
    lnt_sq_text(v->trading, sizeof v->trading, st, col + 7);
    v->cup_cover_threshold = sqlite3_column_int(st, col + 8);
    v->closed_at = sqlite3_column_int64(st, col + 9);
    v->joined_on = sqlite3_column_int(st, col + 10);
    if (v->joined_on > 0) {
        v->evidence_from = v->joined_on;
    } else {
        /* the first kiosk's enrolment, or the first night with contact if earlier (events a
           kiosk held before it was enrolled, an import) */
        if (sqlite3_column_type(st, col + 11) != SQLITE_NULL)
            v->evidence_from = lnt_night_of(sqlite3_column_int64(st, col + 11));
        if (sqlite3_column_type(st, col + 12) != SQLITE_NULL &&
            (v->evidence_from == 0 || sqlite3_column_int(st, col + 12) < v->evidence_from))
            v->evidence_from = sqlite3_column_int(st, col + 12);
    }
}

static void venue_row(sqlite3_stmt *st, void *elem)
{
    lnt_sq_venue_row_at(st, 0, elem);
}

/* Reads venue `id` on connection c. */
static enum lnt_err venue_read(struct lnt_sq_conn *c, int64_t id, struct lnt_venue *out, char *err)
{
    return read_by_id(c, "SELECT " LNT_SQ_VENUE_COLS " FROM venues v WHERE id = ?1", id, venue_row,
                      out, "venue", err);
}

enum lnt_err lnt_store_venue_get(struct lnt_store *s, int64_t id, struct lnt_venue *out, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = venue_read(c, id, out, err);

    lnt_sq_rend(s, c);
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
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = LNT_ERR_DB;
    sqlite3_stmt *st;

    *out = NULL;
    *n = 0;
    st = lnt_sq_stmt(c,
                     "SELECT " LNT_SQ_VENUE_COLS " FROM venues v "
                     "WHERE (?1 = '' OR authority = ?1) AND (?2 OR closed_at = 0) ORDER BY id",
                     err);
    if (st != NULL) {
        sqlite3_bind_text(st, 1, authority != NULL ? authority : "", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, include_closed);
        rc =
            lnt_sq_list(c->db, st, sizeof **out, venue_row, (void **)out, n, err, "listing venues");
    }
    lnt_sq_rend(s, c);
    return rc;
}

/* Appends "name: old -> new" style notes for the audit row. */
static void note(char *buf, size_t size, const char *what)
{
    size_t len = strlen(buf);
    if (len < size)
        snprintf(buf + len, size - len, "%s%s", len > 0 ? ", " : "", what);
}

enum lnt_err lnt_store_venue_edit(struct lnt_store *s, int64_t id, const struct lnt_venue *v,
                                  unsigned fields, char *err)
{
    struct lnt_venue cur;
    sqlite3_stmt *st;
    char changed[256] = "", obj[32];
    enum lnt_err rc;

    if (fields == 0 || (fields & ~0xffu) != 0)
        return lnt_fail(err, LNT_ERR_INVALID, "venue edit: no known field to change");
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = venue_read(&s->w, id, &cur, err);
    if (rc != LNT_OK)
        goto out;
    if (cur.closed_at != 0) {
        rc = lnt_fail(err, LNT_ERR_STATE, "venue %" PRId64 " is closed", id);
        goto out;
    }
#define TAKE(bit, member, label)                                                                   \
    if (fields & (bit)) {                                                                          \
        memcpy(&cur.member, &v->member, sizeof cur.member);                                        \
        note(changed, sizeof changed, label);                                                      \
    }
    TAKE(LNT_VENUE_SET_NAME, name, "name");
    TAKE(LNT_VENUE_SET_CATEGORY, category, "category");
    TAKE(LNT_VENUE_SET_CAPACITY, capacity, "capacity");
    TAKE(LNT_VENUE_SET_AREA, area, "area");
    TAKE(LNT_VENUE_SET_AUTHORITY, authority, "authority");
    TAKE(LNT_VENUE_SET_TRADING, trading, "trading");
    TAKE(LNT_VENUE_SET_CUP_THRESHOLD, cup_cover_threshold, "cup-cover threshold");
    TAKE(LNT_VENUE_SET_JOINED, joined_on, "joined");
#undef TAKE
    cur.name[sizeof cur.name - 1] = '\0';
    cur.area[sizeof cur.area - 1] = '\0';
    cur.authority[sizeof cur.authority - 1] = '\0';
    rc = lnt_store_venue_check(&cur, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "UPDATE venues SET name = ?2, category = ?3, capacity = ?4, area = ?5, "
                     "authority = ?6, trading = ?7, cup_cover_threshold = ?8, joined_on = ?9 "
                     "WHERE id = ?1",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, cur.name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, (int)cur.category);
    sqlite3_bind_int(st, 4, cur.capacity);
    sqlite3_bind_text(st, 5, cur.area, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, cur.authority, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, cur.trading, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, cur.cup_cover_threshold);
    sqlite3_bind_int(st, 9, cur.joined_on);
    rc = lnt_sq_done(s->w.db, st, err, "updating the venue");
    if (rc != LNT_OK)
        goto out;
    snprintf(obj, sizeof obj, "venue %" PRId64, id);
    rc = lnt_sq_audit(s, "venue.edit", obj, err,
                      "changed %s: now \"%s\" %s, capacity %" PRId32 ", area \"%s\", authority "
                      "\"%s\", trading \"%s\", cup covers %" PRId32 ", joined %" PRId32,
                      changed, cur.name, lnt_venue_category_name(cur.category), cur.capacity,
                      cur.area, cur.authority, cur.trading, cur.cup_cover_threshold, cur.joined_on);
out:
    return lnt_sq_wend(s, rc, err);
}

enum lnt_err lnt_store_venue_close(struct lnt_store *s, int64_t id, int64_t at, char *err)
{
    static const struct ending closing = {
        .time = "closing time",
        .noun = "venue",
        .get = "SELECT name, closed_at FROM venues WHERE id = ?1",
        .already = "is already closed",
        .set = "UPDATE venues SET closed_at = ?2 WHERE id = ?1",
        .doing = "closing the venue",
        .object = "venue",
        .action = "venue.close",
        .done = "closed",
    };

    return end_row(s, &closing, id, at, err);
}

/* ---- staff ---- */

static enum lnt_err staff_check(const struct lnt_staff *stf, char *err)
{
    enum lnt_err rc = lnt_store_text_check("staff name", stf->name, sizeof stf->name - 1, err);

    if (rc == LNT_OK)
        rc = lnt_store_sia_check(stf->sia_number, err);
    if (rc != LNT_OK)
        return rc;
    if (stf->role < LNT_ROLE_DOOR || stf->role > LNT_ROLE_VOLUNTEER)
        return lnt_fail(err, LNT_ERR_INVALID, "staff role %d is not known", (int)stf->role);
    if ((stf->sia_number[0] != '\0') != (stf->sia_expires != 0))
        return lnt_fail(err, LNT_ERR_INVALID,
                        "an SIA licence needs both its number and its expiry");
    return LNT_OK;
}

enum lnt_err lnt_store_staff_add(struct lnt_store *s, struct lnt_staff *stf, char *err)
{
    sqlite3_stmt *st;
    char obj[32];
    enum lnt_err rc = staff_check(stf, err);

    if (rc != LNT_OK)
        return rc;
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = lnt_sq_venue_must_exist(&s->w, stf->venue_id, err);
    if (rc != LNT_OK)
        goto out;
    st =
        lnt_sq_stmt(&s->w,
                    "INSERT INTO staff (venue_id, name, role, sia_number, sia_expires, created_at) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, stf->venue_id);
    sqlite3_bind_text(st, 2, stf->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, (int)stf->role);
    sqlite3_bind_text(st, 4, stf->sia_number, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, stf->sia_expires);
    sqlite3_bind_int64(st, 6, lnt_time_now());
    rc = lnt_sq_done(s->w.db, st, err, "storing the staff member");
    if (rc != LNT_OK)
        goto out;
    stf->id = sqlite3_last_insert_rowid(s->w.db);
    stf->left_at = 0;
    snprintf(obj, sizeof obj, "staff %" PRId64, stf->id);
    /* the audit trail names the person but never copies the licence number */
    rc = lnt_sq_audit(s, "staff.add", obj, err, "\"%s\" %s at venue %" PRId64 "%s", stf->name,
                      lnt_role_name(stf->role), stf->venue_id,
                      stf->sia_number[0] ? ", SIA licence recorded" : "");
out:
    return lnt_sq_wend(s, rc, err);
}

#define STAFF_COLS "id, venue_id, name, role, sia_number, sia_expires, left_at"

static void staff_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_staff *o = elem;

    memset(o, 0, sizeof *o);
    o->id = sqlite3_column_int64(st, 0);
    o->venue_id = sqlite3_column_int64(st, 1);
    lnt_sq_text(o->name, sizeof o->name, st, 2);
    o->role = (enum lnt_role)sqlite3_column_int(st, 3);
    lnt_sq_text(o->sia_number, sizeof o->sia_number, st, 4);
    o->sia_expires = sqlite3_column_int(st, 5);
    o->left_at = sqlite3_column_int64(st, 6);
}

/* Reads staff member `id` on connection c. */
static enum lnt_err staff_read(struct lnt_sq_conn *c, int64_t id, struct lnt_staff *out, char *err)
{
    return read_by_id(c, "SELECT " STAFF_COLS " FROM staff WHERE id = ?1", id, staff_row, out,
                      "staff member", err);
}

enum lnt_err lnt_store_staff_get(struct lnt_store *s, int64_t id, struct lnt_staff *out, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = staff_read(c, id, out, err);

    lnt_sq_rend(s, c);
    return rc;
}

enum lnt_err lnt_store_staff_list(struct lnt_store *s, int64_t venue_id, struct lnt_staff **out,
                                  size_t *n, char *err)
{
    return lnt_store_staff_list_by(s, venue_id, true, out, n, err);
}

enum lnt_err lnt_store_staff_list_by(struct lnt_store *s, int64_t venue_id, bool include_leavers,
                                     struct lnt_staff **out, size_t *n, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = LNT_ERR_DB;
    sqlite3_stmt *st;

    *out = NULL;
    *n = 0;
    st = lnt_sq_stmt(c,
                     "SELECT " STAFF_COLS " FROM staff WHERE (?1 = 0 OR venue_id = ?1) "
                     "AND (?2 OR left_at = 0) ORDER BY id",
                     err);
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, venue_id);
        sqlite3_bind_int(st, 2, include_leavers);
        rc = lnt_sq_list(c->db, st, sizeof **out, staff_row, (void **)out, n, err, "listing staff");
    }
    lnt_sq_rend(s, c);
    return rc;
}

enum lnt_err lnt_store_staff_edit(struct lnt_store *s, int64_t id, const struct lnt_staff *stf,
                                  unsigned fields, char *err)
{
    struct lnt_staff cur;
    sqlite3_stmt *st;
    char changed[128] = "", obj[32];
    enum lnt_err rc;

    if (fields == 0 || (fields & ~0xfu) != 0)
        return lnt_fail(err, LNT_ERR_INVALID, "staff edit: no known field to change");
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = staff_read(&s->w, id, &cur, err);
    if (rc != LNT_OK)
        goto out;
    if (fields & LNT_STAFF_SET_NAME) {
        memcpy(cur.name, stf->name, sizeof cur.name);
        note(changed, sizeof changed, "name");
    }
    if (fields & LNT_STAFF_SET_ROLE) {
        cur.role = stf->role;
        note(changed, sizeof changed, "role");
    }
    if (fields & LNT_STAFF_SET_VENUE) {
        cur.venue_id = stf->venue_id;
        note(changed, sizeof changed, "venue");
    }
    if (fields & LNT_STAFF_SET_SIA) {
        memcpy(cur.sia_number, stf->sia_number, sizeof cur.sia_number);
        cur.sia_expires = stf->sia_expires;
        note(changed, sizeof changed, "SIA licence");
    }
    cur.name[sizeof cur.name - 1] = '\0';
    cur.sia_number[sizeof cur.sia_number - 1] = '\0';
    rc = staff_check(&cur, err);
    if (rc == LNT_OK && (fields & LNT_STAFF_SET_VENUE))
        rc = lnt_sq_venue_must_exist(&s->w, cur.venue_id, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "UPDATE staff SET venue_id = ?2, name = ?3, role = ?4, sia_number = ?5, "
                     "sia_expires = ?6 WHERE id = ?1",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, cur.venue_id);
    sqlite3_bind_text(st, 3, cur.name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, (int)cur.role);
    sqlite3_bind_text(st, 5, cur.sia_number, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, cur.sia_expires);
    rc = lnt_sq_done(s->w.db, st, err, "updating the staff member");
    snprintf(obj, sizeof obj, "staff %" PRId64, id);
    if (rc == LNT_OK)
        rc = lnt_sq_audit(s, "staff.edit", obj, err, "changed %s: now \"%s\" %s at venue %" PRId64,
                          changed, cur.name, lnt_role_name(cur.role), cur.venue_id);
out:
    return lnt_sq_wend(s, rc, err);
}

/* A leaver's badges stop working when they leave. */
static enum lnt_err revoke_leaver_badges(struct lnt_store *s, int64_t id, int64_t at, char *err)
{
    return lnt_sq_revoke_staff_badges(s, id, at, "left", err);
}

enum lnt_err lnt_store_staff_leave(struct lnt_store *s, int64_t id, int64_t at, char *err)
{
    static const struct ending leaving = {
        .time = "leaving time",
        .noun = "staff member",
        .get = "SELECT name, left_at FROM staff WHERE id = ?1",
        .already = "has already left",
        .set = "UPDATE staff SET left_at = ?2 WHERE id = ?1",
        .doing = "recording the leaver",
        .then = revoke_leaver_badges,
        .object = "staff",
        .action = "staff.leave",
        .done = "left",
    };

    return end_row(s, &leaving, id, at, err);
}

/* ---- training ---- */

enum lnt_err lnt_store_training_add(struct lnt_store *s, const struct lnt_training *t, char *err)
{
    sqlite3_stmt *st;
    char done[LNT_DATE_STRLEN], obj[32];
    enum lnt_err rc;

    if (t->course < LNT_COURSE_BYSTANDER || t->course > LNT_COURSE__MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "training course %d is not known", (int)t->course);
    if (lnt_date_format(t->completed, done) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "training completion date is out of range");
    if (t->expires != 0 && t->expires < t->completed)
        return lnt_fail(err, LNT_ERR_INVALID, "training expires before it was completed");

    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = lnt_sq_staff_must_exist(&s->w, t->staff_id, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO training (staff_id, course, completed, expires, created_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5)",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, t->staff_id);
    sqlite3_bind_int(st, 2, (int)t->course);
    sqlite3_bind_int(st, 3, t->completed);
    sqlite3_bind_int(st, 4, t->expires);
    sqlite3_bind_int64(st, 5, lnt_time_now());
    rc = lnt_sq_done(s->w.db, st, err, "storing the training record");
    snprintf(obj, sizeof obj, "staff %" PRId64, t->staff_id);
    if (rc == LNT_OK)
        rc = lnt_sq_audit(s, "training.add", obj, err, "completed %s on %s",
                          lnt_course_name(t->course), done);
out:
    return lnt_sq_wend(s, rc, err);
}

static void training_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_training *t = elem;

    t->staff_id = sqlite3_column_int64(st, 0);
    t->course = (enum lnt_course)sqlite3_column_int(st, 1);
    t->completed = sqlite3_column_int(st, 2);
    t->expires = sqlite3_column_int(st, 3);
}

enum lnt_err lnt_store_training_history(struct lnt_store *s, int64_t staff_id,
                                        struct lnt_training **out, size_t *n, char *err)
{
    return lnt_sq_rlist(s,
                        "SELECT staff_id, course, completed, expires FROM training "
                        "WHERE staff_id = ?1 ORDER BY completed DESC, id DESC",
                        staff_id, sizeof **out, training_row, (void **)out, n, err,
                        "listing training");
}

enum lnt_err lnt_store_training_list(struct lnt_store *s, int64_t staff_id,
                                     struct lnt_training **out, size_t *n, char *err)
{
    struct lnt_training *all = NULL;
    size_t cnt = 0, kept = 0;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    /* newest first within each course: the first row of a course is the one that counts */
    rc = lnt_sq_rlist(s,
                      "SELECT staff_id, course, completed, expires FROM training "
                      "WHERE staff_id = ?1 ORDER BY course, completed DESC, id DESC",
                      staff_id, sizeof *all, training_row, (void **)&all, &cnt, err,
                      "listing training");
    if (rc != LNT_OK)
        return rc;
    for (size_t i = 0; i < cnt; i++)
        if (kept == 0 || all[kept - 1].course != all[i].course)
            all[kept++] = all[i];
    if (kept == 0) {
        free(all);
        all = NULL;
    }
    *out = all;
    *n = kept;
    return LNT_OK;
}
