/* pg_registers.c - the store on PostgreSQL: the venue, staff and training registers beyond
 * adding and reading venues (pg_venues.c). As the SQLite backend's sq_registers.c: the same
 * checks, results, messages and audit rows. A row changed after it was read is locked first
 * (FOR UPDATE), so that two servers changing it at once queue as SQLite's one writer does. */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"

/*
 * How a register row ends, once: a venue closes, a staff member leaves. As sq_registers.c's.
 */
struct ending {
    const char *time;    /* names `at` in its error: "closing time" */
    const char *noun;    /* the row in messages: "venue" */
    const char *get;     /* $1 = id -> the row's name, when it ended (0 = not yet); locks it */
    const char *already; /* refusal of a second end, after "<noun> <id> " */
    const char *set;     /* records the end: $1 = id, $2 = at */
    const char *doing;   /* the update, in errors */
    /* more to do in the same transaction once the end is recorded; may be NULL */
    enum lnt_err (*then)(struct lnt_store *s, PGconn *pg, int64_t id, int64_t at, char *err);
    const char *object; /* the audit row's object: "<object> <id>" */
    const char *action; /* the audit row's action */
    const char *done;   /* the audit row's detail: "\"<name>\" <done>" */
    bool venue;         /* the row is a venue: its score changes (else a staff member) */
};

/* Runs `sql` with $1 = id and $2 = at inside the caller's transaction. */
static enum lnt_err set_at(PGconn *pg, const char *sql, int64_t id, int64_t at, const char *what,
                           char *err)
{
    struct lnt_pg_params p;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    lnt_pg_p_i64(&p, at);
    return lnt_pg_exec(pg, sql, &p, NULL, err, what);
}

/*
 * Ends row `id` of a register at `at` as `how` says. LNT_ERR_INVALID for `at` before 1970,
 * LNT_ERR_NOT_FOUND for no such row, LNT_ERR_STATE when it has already ended; nothing is
 * changed on error.
 */
static enum lnt_err end_row(struct lnt_store *s, const struct ending *how, int64_t id, int64_t at,
                            char *err)
{
    struct lnt_pg_params p;
    char name[81], obj[32], what[64];
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;

    if (at <= 0)
        return lnt_fail(err, LNT_ERR_INVALID, "%s must be after 1970", how->time);
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    snprintf(what, sizeof what, "reading a %s", how->noun);
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, how->get, &p, &r, err, what);
    if (rc != LNT_OK)
        goto out;
    if (PQntuples(r) == 0) {
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "%s %" PRId64 " not found", how->noun, id);
        goto out;
    }
    lnt_pg_text(r, 0, 0, name, sizeof name);
    if (lnt_pg_i64(r, 0, 1) != 0) {
        rc = lnt_fail(err, LNT_ERR_STATE, "%s %" PRId64 " %s", how->noun, id, how->already);
        goto out;
    }
    rc = set_at(pg, how->set, id, at, how->doing, err);
    if (rc == LNT_OK && how->then != NULL)
        rc = how->then(s, pg, id, at, err);
    snprintf(obj, sizeof obj, "%s %" PRId64, how->object, id);
    if (rc == LNT_OK)
        rc = lnt_pg_audit(s, pg, how->action, obj, err, "\"%s\" %s", name, how->done);
    if (rc == LNT_OK)
        rc = lnt_pg_notify(pg, how->venue ? id : LNT_STORE_CHANGED_ALL, err);
out:
    PQclear(r);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

/* ---- venues ---- */

/* Appends "name: old -> new" style notes for the audit row. */
static void note(char *buf, size_t size, const char *what)
{
    size_t len = strlen(buf);
    if (len < size)
        snprintf(buf + len, size - len, "%s%s", len > 0 ? ", " : "", what);
}

/* Venue `id`'s editable columns, locked for the caller's transaction. */
static enum lnt_err venue_lock(PGconn *pg, int64_t id, struct lnt_venue *cur, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc;

    memset(cur, 0, sizeof *cur);
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    rc = lnt_pg_exec(pg,
                     "SELECT id, name, category, capacity, area, authority, trading, "
                     "cup_cover_threshold, joined_on, closed_at, created_at FROM venues "
                     "WHERE id = $1 FOR UPDATE",
                     &p, &r, err, "reading a venue");
    if (rc == LNT_OK && PQntuples(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "venue %" PRId64 " not found", id);
    if (rc == LNT_OK) {
        cur->id = lnt_pg_i64(r, 0, 0);
        lnt_pg_text(r, 0, 1, cur->name, sizeof cur->name);
        cur->category = (enum lnt_venue_category)lnt_pg_i64(r, 0, 2);
        cur->capacity = (int32_t)lnt_pg_i64(r, 0, 3);
        lnt_pg_text(r, 0, 4, cur->area, sizeof cur->area);
        lnt_pg_text(r, 0, 5, cur->authority, sizeof cur->authority);
        lnt_pg_text(r, 0, 6, cur->trading, sizeof cur->trading);
        cur->cup_cover_threshold = (int32_t)lnt_pg_i64(r, 0, 7);
        cur->joined_on = (int32_t)lnt_pg_i64(r, 0, 8);
        cur->closed_at = lnt_pg_i64(r, 0, 9);
        cur->created_at = lnt_pg_i64(r, 0, 10);
    }
    PQclear(r);
    return rc;
}

/* Writes cur over venue `id`, with its audit row, inside the caller's transaction. */
static enum lnt_err venue_write(struct lnt_store *s, PGconn *pg, int64_t id,
                                const struct lnt_venue *cur, const char *changed, char *err)
{
    struct lnt_pg_params p;
    char obj[32];
    enum lnt_err rc;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    lnt_pg_p_text(&p, cur->name);
    lnt_pg_p_i64(&p, cur->category);
    lnt_pg_p_i64(&p, cur->capacity);
    lnt_pg_p_text(&p, cur->area);
    lnt_pg_p_text(&p, cur->authority);
    lnt_pg_p_text(&p, cur->trading);
    lnt_pg_p_i64(&p, cur->cup_cover_threshold);
    lnt_pg_p_i64(&p, cur->joined_on);
    rc = lnt_pg_exec(pg,
                     "UPDATE venues SET name = $2, category = $3, capacity = $4, area = $5, "
                     "authority = $6, trading = $7, cup_cover_threshold = $8, joined_on = $9 "
                     "WHERE id = $1",
                     &p, NULL, err, "updating the venue");
    if (rc != LNT_OK)
        return rc;
    snprintf(obj, sizeof obj, "venue %" PRId64, id);
    return lnt_pg_audit(s, pg, "venue.edit", obj, err,
                        "changed %s: now \"%s\" %s, capacity %" PRId32 ", area \"%s\", authority "
                        "\"%s\", trading \"%s\", cup covers %" PRId32 ", joined %" PRId32,
                        changed, cur->name, lnt_venue_category_name(cur->category), cur->capacity,
                        cur->area, cur->authority, cur->trading, cur->cup_cover_threshold,
                        cur->joined_on);
}

enum lnt_err lnt_store_venue_edit(struct lnt_store *s, int64_t id, const struct lnt_venue *v,
                                  unsigned fields, char *err)
{
    struct lnt_venue cur;
    char changed[256] = "";
    PGconn *pg = NULL;
    enum lnt_err rc;

    if (fields == 0 || (fields & ~0xffu) != 0)
        return lnt_fail(err, LNT_ERR_INVALID, "venue edit: no known field to change");
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = venue_lock(pg, id, &cur, err);
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
    if (rc == LNT_OK)
        rc = venue_write(s, pg, id, &cur, changed, err);
    if (rc == LNT_OK)
        rc = lnt_pg_notify(pg, id, err);
out:
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_venue_close(struct lnt_store *s, int64_t id, int64_t at, char *err)
{
    static const struct ending closing = {
        .time = "closing time",
        .noun = "venue",
        .get = "SELECT name, closed_at FROM venues WHERE id = $1 FOR UPDATE",
        .already = "is already closed",
        .set = "UPDATE venues SET closed_at = $2 WHERE id = $1",
        .doing = "closing the venue",
        .object = "venue",
        .action = "venue.close",
        .done = "closed",
        .venue = true,
    };

    return end_row(s, &closing, id, at, err);
}

/* ---- staff ---- */

static enum lnt_err venue_must_exist(PGconn *pg, int64_t id, char *err)
{
    return lnt_pg_must_exist(pg, "SELECT 1 FROM venues WHERE id = $1", id, "venue", err);
}

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
    struct lnt_pg_params p;
    char obj[32];
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc = staff_check(stf, err);

    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, stf->venue_id);
    lnt_pg_p_text(&p, stf->name);
    lnt_pg_p_i64(&p, stf->role);
    lnt_pg_p_text(&p, stf->sia_number);
    lnt_pg_p_i64(&p, stf->sia_expires);
    lnt_pg_p_i64(&p, lnt_time_now());
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = venue_must_exist(pg, stf->venue_id, err);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg,
                         "INSERT INTO staff (venue_id, name, role, sia_number, sia_expires, "
                         "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                         &p, &r, err, "storing the staff member");
    if (rc != LNT_OK)
        goto out;
    stf->id = lnt_pg_i64(r, 0, 0);
    stf->left_at = 0;
    snprintf(obj, sizeof obj, "staff %" PRId64, stf->id);
    /* the audit trail names the person but never copies the licence number */
    rc = lnt_pg_audit(s, pg, "staff.add", obj, err, "\"%s\" %s at venue %" PRId64 "%s", stf->name,
                      lnt_role_name(stf->role), stf->venue_id,
                      stf->sia_number[0] ? ", SIA licence recorded" : "");
    if (rc == LNT_OK)
        rc = lnt_pg_notify(pg, stf->venue_id, err);
out:
    PQclear(r);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

#define STAFF_COLS "id, venue_id, name, role, sia_number, sia_expires, left_at"

static void staff_row(const PGresult *r, int row, void *elem)
{
    struct lnt_staff *o = elem;

    memset(o, 0, sizeof *o);
    o->id = lnt_pg_i64(r, row, 0);
    o->venue_id = lnt_pg_i64(r, row, 1);
    lnt_pg_text(r, row, 2, o->name, sizeof o->name);
    o->role = (enum lnt_role)lnt_pg_i64(r, row, 3);
    lnt_pg_text(r, row, 4, o->sia_number, sizeof o->sia_number);
    o->sia_expires = (int32_t)lnt_pg_i64(r, row, 5);
    o->left_at = lnt_pg_i64(r, row, 6);
}

/* Reads staff member `id` with `sql` ($1 = id). */
static enum lnt_err staff_read(PGconn *pg, const char *sql, int64_t id, struct lnt_staff *out,
                               char *err)
{
    struct lnt_pg_params p;
    struct lnt_staff *list = NULL;
    size_t n = 0;
    enum lnt_err rc;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    rc = lnt_pg_list(pg, sql, &p, sizeof *list, staff_row, (void **)&list, &n, err,
                     "reading a staff member");
    if (rc == LNT_OK && n == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "staff member %" PRId64 " not found", id);
    if (rc == LNT_OK)
        *out = list[0];
    free(list);
    return rc;
}

enum lnt_err lnt_store_staff_get(struct lnt_store *s, int64_t id, struct lnt_staff *out, char *err)
{
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    rc = staff_read(pg, "SELECT " STAFF_COLS " FROM staff WHERE id = $1", id, out, err);
    lnt_pg_give(s, pg);
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
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, venue_id);
    lnt_pg_p_i64(&p, include_leavers);
    rc = lnt_pg_list(pg,
                     "SELECT " STAFF_COLS " FROM staff WHERE ($1::bigint = 0 OR venue_id = $1) "
                     "AND ($2 <> 0 OR left_at = 0) ORDER BY id",
                     &p, sizeof **out, staff_row, (void **)out, n, err, "listing staff");
    lnt_pg_give(s, pg);
    return rc;
}

/* Takes the fields of stf that `fields` names into cur, noting each in `changed`. */
static void staff_take(struct lnt_staff *cur, const struct lnt_staff *stf, unsigned fields,
                       char *changed, size_t size)
{
    if (fields & LNT_STAFF_SET_NAME) {
        memcpy(cur->name, stf->name, sizeof cur->name);
        note(changed, size, "name");
    }
    if (fields & LNT_STAFF_SET_ROLE) {
        cur->role = stf->role;
        note(changed, size, "role");
    }
    if (fields & LNT_STAFF_SET_VENUE) {
        cur->venue_id = stf->venue_id;
        note(changed, size, "venue");
    }
    if (fields & LNT_STAFF_SET_SIA) {
        memcpy(cur->sia_number, stf->sia_number, sizeof cur->sia_number);
        cur->sia_expires = stf->sia_expires;
        note(changed, size, "SIA licence");
    }
    cur->name[sizeof cur->name - 1] = '\0';
    cur->sia_number[sizeof cur->sia_number - 1] = '\0';
}

enum lnt_err lnt_store_staff_edit(struct lnt_store *s, int64_t id, const struct lnt_staff *stf,
                                  unsigned fields, char *err)
{
    struct lnt_pg_params p;
    struct lnt_staff cur;
    char changed[128] = "", obj[32];
    PGconn *pg = NULL;
    enum lnt_err rc;

    if (fields == 0 || (fields & ~0xfu) != 0)
        return lnt_fail(err, LNT_ERR_INVALID, "staff edit: no known field to change");
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = staff_read(pg, "SELECT " STAFF_COLS " FROM staff WHERE id = $1 FOR UPDATE", id, &cur,
                        err);
    if (rc != LNT_OK)
        goto out;
    staff_take(&cur, stf, fields, changed, sizeof changed);
    rc = staff_check(&cur, err);
    if (rc == LNT_OK && (fields & LNT_STAFF_SET_VENUE))
        rc = venue_must_exist(pg, cur.venue_id, err);
    if (rc != LNT_OK)
        goto out;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    lnt_pg_p_i64(&p, cur.venue_id);
    lnt_pg_p_text(&p, cur.name);
    lnt_pg_p_i64(&p, cur.role);
    lnt_pg_p_text(&p, cur.sia_number);
    lnt_pg_p_i64(&p, cur.sia_expires);
    rc = lnt_pg_exec(pg,
                     "UPDATE staff SET venue_id = $2, name = $3, role = $4, sia_number = $5, "
                     "sia_expires = $6 WHERE id = $1",
                     &p, NULL, err, "updating the staff member");
    snprintf(obj, sizeof obj, "staff %" PRId64, id);
    if (rc == LNT_OK)
        rc = lnt_pg_audit(s, pg, "staff.edit", obj, err,
                          "changed %s: now \"%s\" %s at venue %" PRId64, changed, cur.name,
                          lnt_role_name(cur.role), cur.venue_id);
    if (rc == LNT_OK)
        rc = lnt_pg_notify(pg, LNT_STORE_CHANGED_ALL, err); /* its old venue and its new */
out:
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

/* A leaver's badges stop working when they leave. */
static enum lnt_err revoke_leaver_badges(struct lnt_store *s, PGconn *pg, int64_t id, int64_t at,
                                         char *err)
{
    return lnt_pg_revoke_staff_badges(s, pg, id, at, "left", err);
}

enum lnt_err lnt_store_staff_leave(struct lnt_store *s, int64_t id, int64_t at, char *err)
{
    static const struct ending leaving = {
        .time = "leaving time",
        .noun = "staff member",
        .get = "SELECT name, left_at FROM staff WHERE id = $1 FOR UPDATE",
        .already = "has already left",
        .set = "UPDATE staff SET left_at = $2 WHERE id = $1",
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
    struct lnt_pg_params p;
    char done[LNT_DATE_STRLEN], obj[32];
    PGconn *pg = NULL;
    enum lnt_err rc;

    if (t->course < LNT_COURSE_BYSTANDER || t->course > LNT_COURSE__MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "training course %d is not known", (int)t->course);
    if (lnt_date_format(t->completed, done) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "training completion date is out of range");
    if (t->expires != 0 && t->expires < t->completed)
        return lnt_fail(err, LNT_ERR_INVALID, "training expires before it was completed");
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, t->staff_id);
    lnt_pg_p_i64(&p, t->course);
    lnt_pg_p_i64(&p, t->completed);
    lnt_pg_p_i64(&p, t->expires);
    lnt_pg_p_i64(&p, lnt_time_now());
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_must_exist(pg, "SELECT 1 FROM staff WHERE id = $1", t->staff_id, "staff member",
                               err);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg,
                         "INSERT INTO training (staff_id, course, completed, expires, created_at) "
                         "VALUES ($1, $2, $3, $4, $5)",
                         &p, NULL, err, "storing the training record");
    snprintf(obj, sizeof obj, "staff %" PRId64, t->staff_id);
    if (rc == LNT_OK)
        rc = lnt_pg_audit(s, pg, "training.add", obj, err, "completed %s on %s",
                          lnt_course_name(t->course), done);
    if (rc == LNT_OK)
        rc = lnt_pg_notify(pg, LNT_STORE_CHANGED_ALL, err);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

static void training_row(const PGresult *r, int row, void *elem)
{
    struct lnt_training *t = elem;

    t->staff_id = lnt_pg_i64(r, row, 0);
    t->course = (enum lnt_course)lnt_pg_i64(r, row, 1);
    t->completed = (int32_t)lnt_pg_i64(r, row, 2);
    t->expires = (int32_t)lnt_pg_i64(r, row, 3);
}

/* Staff member staff_id's training records, in the order `sql` ($1 = staff_id) gives. */
static enum lnt_err training_rows(struct lnt_store *s, const char *sql, int64_t staff_id,
                                  struct lnt_training **out, size_t *n, char *err)
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
    lnt_pg_p_i64(&p, staff_id);
    rc = lnt_pg_list(pg, sql, &p, sizeof **out, training_row, (void **)out, n, err,
                     "listing training");
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_training_history(struct lnt_store *s, int64_t staff_id,
                                        struct lnt_training **out, size_t *n, char *err)
{
    return training_rows(s,
                         "SELECT staff_id, course, completed, expires FROM training "
                         "WHERE staff_id = $1 ORDER BY completed DESC, id DESC",
                         staff_id, out, n, err);
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
    rc = training_rows(s,
                       "SELECT staff_id, course, completed, expires FROM training "
                       "WHERE staff_id = $1 ORDER BY course, completed DESC, id DESC",
                       staff_id, &all, &cnt, err);
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
