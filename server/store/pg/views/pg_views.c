/* pg_views.c - the store on PostgreSQL: read views over registers and derived data (the door
 * register, flags, incidents and their audited details, stock), as sqlite/sq_views.c. */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codec.h"
#include "ltime.h"
#include "night.h"

/*
 * One page of one venue's rows in [from, to) (to 0 = no end): `sql` takes $1 venue, $2 from,
 * $3 to, $4 limit, $5 offset. Fills a new array of `elem`-byte rows with fn (caller frees
 * *out); on error *out is NULL, *n 0, err filled.
 */
static enum lnt_err venue_window(struct lnt_store *s, const char *sql, int64_t venue_id,
                                 int64_t from, int64_t to, size_t offset, size_t limit, size_t elem,
                                 lnt_pg_row_fn fn, void **out, size_t *n, const char *what,
                                 char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_page_check(limit, err);

    *out = NULL;
    *n = 0;
    if (rc == LNT_OK)
        rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, venue_id);
    lnt_pg_p_i64(&p, from);
    lnt_pg_p_i64(&p, lnt_pg_upper(to));
    lnt_pg_p_i64(&p, (int64_t)limit);
    lnt_pg_p_i64(&p, offset > INT64_MAX ? INT64_MAX : (int64_t)offset);
    rc = lnt_pg_list(pg, sql, &p, elem, fn, out, n, err, what);
    lnt_pg_give(s, pg);
    return rc;
}

/* ---- door / staff register ---- */

/* The columns of a register row, for shift_row (then WHERE ...). */
#define SHIFT_COLS                                                                                 \
    "sh.id, sh.venue_id, sh.kiosk_id, sh.staff_id, coalesce(p.name, ''), "                         \
    "sh.serial, sh.role, sh.sia_number, sh.sia_status, sh.verdict, sh.on_at, "                     \
    "coalesce(sh.off_at, 0), sh.night, sh.vuln_trained, sh.angela_trained, "                       \
    "sh.bystander_trained, sh.sia_ok, sh.badge_flag, sh.off_by, sh.training_missing, "             \
    "sh.duty FROM shifts sh LEFT JOIN staff p ON p.id = " LNT_PG_STAFF_ID("sh.staff_id")

static void shift_row(const PGresult *r, int row, void *elem)
{
    struct lnt_shift *h = elem;

    h->id = lnt_pg_i64(r, row, 0);
    h->venue_id = lnt_pg_i64(r, row, 1);
    h->kiosk_id = lnt_pg_i64(r, row, 2);
    lnt_pg_text(r, row, 3, h->staff_id, sizeof h->staff_id);
    lnt_pg_text(r, row, 4, h->staff_name, sizeof h->staff_name);
    lnt_pg_text(r, row, 5, h->serial, sizeof h->serial);
    h->role = (enum lnt_role)lnt_pg_i64(r, row, 6);
    lnt_pg_text(r, row, 7, h->sia_number, sizeof h->sia_number);
    h->sia_status = (enum lnt_sia_status)lnt_pg_i64(r, row, 8);
    h->verdict = (enum lnt_verdict)lnt_pg_i64(r, row, 9);
    h->on_at = lnt_pg_i64(r, row, 10);
    h->off_at = lnt_pg_i64(r, row, 11);
    h->night = (int32_t)lnt_pg_i64(r, row, 12);
    h->vuln_trained = lnt_pg_i64(r, row, 13) != 0;
    h->angela_trained = lnt_pg_i64(r, row, 14) != 0;
    h->bystander_trained = lnt_pg_i64(r, row, 15) != 0;
    h->sia_ok = lnt_pg_i64(r, row, 16) != 0;
    h->badge_flag = (enum lnt_signin_flag)lnt_pg_i64(r, row, 17);
    lnt_pg_text(r, row, 18, h->off_by, sizeof h->off_by);
    h->training_missing = (uint32_t)lnt_pg_i64(r, row, 19);
    h->duty = lnt_pg_i64(r, row, 20) == 1 ? LNT_DUTY_OTHER : LNT_DUTY_ROLE;
}

/* Appends `v` to a PostgreSQL array literal in b, quoted (any text is safe). */
static enum lnt_err array_add(struct lnt_buf *b, const char *v)
{
    enum lnt_err rc = lnt_buf_puts(b, b->len > 1 ? ",\"" : "\"");

    for (const char *c = v; rc == LNT_OK && *c != '\0'; c++) {
        if (*c == '"' || *c == '\\')
            rc = lnt_buf_append(b, "\\", 1);
        if (rc == LNT_OK)
            rc = lnt_buf_append(b, c, 1);
    }
    return rc == LNT_OK ? lnt_buf_puts(b, "\"") : rc;
}

/*
 * The scheme's word on a door licence, whenever given, is the register's word on the shift:
 * door rows of `rows` on a licence sia_history lists suspended or revoked on the London date of
 * their on_at take that status (sia_ok false, sia_listed when the badge said valid), as the
 * SQLite backend's lnt_sq_sia_apply. One query for the page's licences.
 */
static enum lnt_err sia_apply(PGconn *pg, struct lnt_shift *rows, size_t n, char *err)
{
    struct lnt_buf arr;
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc = LNT_OK;
    int nr;

    lnt_buf_init(&arr, (size_t)64 << 20);
    rc = lnt_buf_puts(&arr, "{");
    for (size_t i = 0; rc == LNT_OK && i < n; i++)
        if (rows[i].role == LNT_ROLE_DOOR && rows[i].sia_number[0] != '\0')
            rc = array_add(&arr, rows[i].sia_number);
    if (rc == LNT_OK)
        rc = lnt_buf_puts(&arr, "}");
    if (rc != LNT_OK) {
        rc = lnt_fail(err, rc, "reading SIA licences' history: out of memory");
        goto out;
    }
    if (arr.len == 2) /* no licence on the page */
        goto out;
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, arr.data);
    rc = lnt_pg_exec(pg,
                     "SELECT number, from_day, status FROM sia_history WHERE number = "
                     "ANY($1::text[]) ORDER BY number, from_day",
                     &p, &r, err, "reading an SIA licence's history");
    if (rc != LNT_OK)
        goto out;
    nr = PQntuples(r);
    for (size_t i = 0; i < n && nr > 0; i++) {
        struct lnt_shift *h = &rows[i];
        char num[LNT_SIA_NUMBER_LEN + 1];
        int32_t day;
        int64_t status = LNT_SIA_LISTED_VALID;
        if (h->role != LNT_ROLE_DOOR || h->sia_number[0] == '\0')
            continue;
        day = lnt_london_date(h->on_at);
        /* the latest word from on or before the shift's date */
        for (int j = 0; j < nr; j++) {
            lnt_pg_text(r, j, 0, num, sizeof num);
            if (strcmp(num, h->sia_number) == 0 && lnt_pg_i64(r, j, 1) <= day)
                status = lnt_pg_i64(r, j, 2);
        }
        if (status == LNT_SIA_LISTED_VALID)
            continue;
        h->sia_listed = h->sia_ok;
        h->sia_ok = false;
        h->sia_status = status == LNT_SIA_LISTED_REVOKED ? LNT_SIA_REVOKED : LNT_SIA_SUSPENDED;
    }
out:
    PQclear(r);
    lnt_buf_release(&arr);
    return rc;
}

enum lnt_err lnt_store_register_list(struct lnt_store *s, int64_t venue_id, int64_t from,
                                     int64_t to, size_t offset, size_t limit,
                                     struct lnt_shift **out, size_t *n, char *err)
{
    PGconn *pg = NULL;
    enum lnt_err rc = venue_window(s,
                                   "SELECT " SHIFT_COLS
                                   " WHERE sh.venue_id = $1 AND sh.on_at >= $2 AND sh.on_at < $3 "
                                   "ORDER BY sh.on_at, sh.id LIMIT $4 OFFSET $5",
                                   venue_id, from, to, offset, limit, sizeof **out, shift_row,
                                   (void **)out, n, "reading the register", err);

    if (rc != LNT_OK || *n == 0)
        return rc;
    rc = lnt_pg_take(s, &pg, err);
    if (rc == LNT_OK)
        rc = sia_apply(pg, *out, *n, err);
    lnt_pg_give(s, pg);
    if (rc != LNT_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

enum lnt_err lnt_store_door_unlicensed(struct lnt_store *s, int64_t venue_id, int32_t first,
                                       int32_t last, struct lnt_shift **out, size_t *n, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc;
    size_t k = 0;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    /* a night's shifts begin from 06:00 on its date to 06:00 the next: a day's margin either
       side of the on_at range keeps the index in use */
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, venue_id);
    lnt_pg_p_i64(&p, ((int64_t)first - 1) * 86400);
    lnt_pg_p_i64(&p, ((int64_t)last + 2) * 86400);
    lnt_pg_p_i64(&p, first);
    lnt_pg_p_i64(&p, last);
    rc = lnt_pg_list(pg,
                     "SELECT " SHIFT_COLS " WHERE sh.venue_id = $1::bigint AND sh.on_at >= "
                     "$2::bigint AND sh.on_at < $3::bigint AND sh.night BETWEEN $4::bigint AND "
                     "$5::bigint AND sh.role = 1 AND (sh.sia_ok = 0 OR EXISTS (SELECT 1 FROM "
                     "sia_history h WHERE h.number = sh.sia_number AND h.status <> 0 AND "
                     "h.from_day <= sh.night + 1)) ORDER BY sh.night, sh.on_at, sh.id",
                     &p, sizeof **out, shift_row, (void **)out, n, err,
                     "reading door shifts without a valid licence");
    if (rc == LNT_OK)
        rc = sia_apply(pg, *out, *n, err);
    lnt_pg_give(s, pg);
    if (rc != LNT_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
        return rc;
    }
    /* a word that came into force after the shift's date leaves it valid */
    for (size_t i = 0; i < *n; i++)
        if (!(*out)[i].sia_ok)
            (*out)[k++] = (*out)[i];
    *n = k;
    if (k == 0) {
        free(*out);
        *out = NULL;
    }
    return LNT_OK;
}

/* ---- flags ---- */

static void flag_row(const PGresult *r, int row, void *elem)
{
    struct lnt_flag *f = elem;

    f->id = lnt_pg_i64(r, row, 0);
    f->kind = (enum lnt_flag_kind)lnt_pg_i64(r, row, 1);
    f->venue_id = lnt_pg_i64(r, row, 2);
    f->other_venue_id = lnt_pg_i64(r, row, 3);
    f->kiosk_id = lnt_pg_i64(r, row, 4);
    lnt_pg_text(r, row, 5, f->staff_id, sizeof f->staff_id);
    lnt_pg_text(r, row, 6, f->serial, sizeof f->serial);
    f->at = lnt_pg_i64(r, row, 7);
    f->seq = lnt_pg_i64(r, row, 8);
    f->other = lnt_pg_i64(r, row, 9);
}

enum lnt_err lnt_store_flag_list(struct lnt_store *s, int64_t venue_id, enum lnt_flag_kind kind,
                                 int64_t from, int64_t to, size_t offset, size_t limit,
                                 struct lnt_flag **out, size_t *n, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_page_check(limit, err);

    *out = NULL;
    *n = 0;
    if (rc == LNT_OK)
        rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, venue_id);
    lnt_pg_p_i64(&p, (int64_t)kind);
    lnt_pg_p_i64(&p, from);
    lnt_pg_p_i64(&p, lnt_pg_upper(to));
    lnt_pg_p_i64(&p, (int64_t)limit);
    lnt_pg_p_i64(&p, offset > INT64_MAX ? INT64_MAX : (int64_t)offset);
    rc = lnt_pg_list(pg,
                     "SELECT id, kind, venue_id, other_venue_id, kiosk_id, staff_id, serial, at, "
                     "seq, other FROM flags WHERE ($1::bigint = 0 OR venue_id = $1::bigint OR "
                     "other_venue_id = $1::bigint) AND ($2::bigint = 0 OR kind = $2::bigint) "
                     "AND at >= $3::bigint AND at < $4::bigint "
                     "ORDER BY at DESC, id DESC LIMIT $5::bigint OFFSET $6::bigint",
                     &p, sizeof **out, flag_row, (void **)out, n, err, "listing flags");
    lnt_pg_give(s, pg);
    return rc;
}

/* ---- incidents ---- */

#define INCIDENT_COLS                                                                              \
    "i.report_id, i.venue_id, i.kiosk_id, i.kind, i.severity, i.place, i.outcome, "                \
    "i.police_called, i.complete, i.staff_id, i.occurred_at, i.first_recorded_at, i.updated_at, "  \
    "i.updates, i.night, i.within_hour, i.sealed IS NOT NULL AND i.sealed <> ''"

static void incident_row(const PGresult *r, int row, void *elem)
{
    struct lnt_incident *i = elem;

    lnt_pg_text(r, row, 0, i->report_id, sizeof i->report_id);
    i->venue_id = lnt_pg_i64(r, row, 1);
    i->kiosk_id = lnt_pg_i64(r, row, 2);
    lnt_pg_text(r, row, 3, i->kind, sizeof i->kind);
    i->severity = (int)lnt_pg_i64(r, row, 4);
    lnt_pg_text(r, row, 5, i->place, sizeof i->place);
    lnt_pg_text(r, row, 6, i->outcome, sizeof i->outcome);
    i->police_called = lnt_pg_i64(r, row, 7) != 0;
    i->complete = lnt_pg_i64(r, row, 8) != 0;
    lnt_pg_text(r, row, 9, i->staff_id, sizeof i->staff_id);
    i->occurred_at = lnt_pg_i64(r, row, 10);
    i->first_recorded_at = lnt_pg_i64(r, row, 11);
    i->updated_at = lnt_pg_i64(r, row, 12);
    i->updates = (int)lnt_pg_i64(r, row, 13);
    i->night = (int32_t)lnt_pg_i64(r, row, 14);
    i->within_hour = lnt_pg_i64(r, row, 15) != 0;
    i->has_details = lnt_pg_i64(r, row, 16) != 0;
}

/* A filter as $1 venue, $2 authority, $3 kind, $4 from, $5 to. */
static void filter_params(struct lnt_pg_params *p, const struct lnt_incident_filter *f)
{
    lnt_pg_p_init(p);
    lnt_pg_p_i64(p, f->venue_id);
    lnt_pg_p_text(p, f->authority != NULL ? f->authority : "");
    lnt_pg_p_text(p, f->kind != NULL ? f->kind : "");
    lnt_pg_p_i64(p, f->from);
    lnt_pg_p_i64(p, lnt_pg_upper(f->to));
}

#define FILTER_REST                                                                                \
    "AND ($2::text = '' OR i.venue_id IN (SELECT id FROM venues WHERE authority = $2::text)) "     \
    "AND ($3::text = '' OR i.kind = $3::text) AND i.occurred_at >= $4::bigint "                    \
    "AND i.occurred_at < $5::bigint "

enum lnt_err lnt_store_incident_list(struct lnt_store *s, const struct lnt_incident_filter *f,
                                     size_t offset, size_t limit, struct lnt_incident **out,
                                     size_t *n, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_page_check(limit, err);

    *out = NULL;
    *n = 0;
    if (rc == LNT_OK)
        rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    filter_params(&p, f);
    lnt_pg_p_i64(&p, (int64_t)limit);
    lnt_pg_p_i64(&p, offset > INT64_MAX ? INT64_MAX : (int64_t)offset);
    /* two statements so that one venue's list walks that venue's index */
    rc = lnt_pg_list(pg,
                     f->venue_id != 0
                         ? "SELECT " INCIDENT_COLS " FROM incidents i WHERE i.venue_id = "
                           "$1::bigint " FILTER_REST "ORDER BY i.occurred_at DESC, i.id DESC "
                           "LIMIT $6::bigint OFFSET $7::bigint"
                         : "SELECT " INCIDENT_COLS
                           " FROM incidents i WHERE $1::bigint = 0 " FILTER_REST
                           "ORDER BY i.occurred_at DESC, i.id DESC LIMIT $6::bigint OFFSET "
                           "$7::bigint",
                     &p, sizeof **out, incident_row, (void **)out, n, err, "listing incidents");
    lnt_pg_give(s, pg);
    return rc;
}

#define EACH_PAGE 256 /* incidents read per query while walking */

/* An incident with its row id: where the next page of a walk starts. */
struct incident_at {
    struct lnt_incident inc;
    int64_t id;
};

static void incident_at_row(const PGresult *r, int row, void *elem)
{
    struct incident_at *a = elem;

    incident_row(r, row, &a->inc);
    a->id = lnt_pg_i64(r, row, 17);
}

enum lnt_err lnt_store_incident_each(struct lnt_store *s, const struct lnt_incident_filter *f,
                                     int (*fn)(void *ctx, const struct lnt_incident *inc),
                                     void *ctx, char *err)
{
    struct incident_at *page = NULL;
    struct lnt_pg_params p;
    int64_t after_v = INT64_MIN, after_t = INT64_MIN, after_id = INT64_MIN;
    enum lnt_err rc = LNT_OK;
    PGconn *pg = NULL;
    size_t got = 0;

    /* Pages in (venue, occurred_at, id) order keep the connection free while `fn` runs, so
     * `fn` may use the store itself. */
    for (;;) {
        rc = lnt_pg_take(s, &pg, err);
        if (rc != LNT_OK)
            break;
        filter_params(&p, f);
        lnt_pg_p_i64(&p, after_v);
        lnt_pg_p_i64(&p, after_t);
        lnt_pg_p_i64(&p, after_id);
        lnt_pg_p_i64(&p, EACH_PAGE);
        rc = lnt_pg_list(
            pg,
            f->venue_id != 0 ? "SELECT " INCIDENT_COLS ", i.id FROM incidents i WHERE i.venue_id "
                               "= $1::bigint " FILTER_REST "AND (i.venue_id, i.occurred_at, i.id) "
                               "> ($6::bigint, $7::bigint, $8::bigint) ORDER BY i.venue_id, "
                               "i.occurred_at, i.id LIMIT $9::bigint"
                             : "SELECT " INCIDENT_COLS ", i.id FROM incidents i WHERE $1::bigint "
                               "= 0 " FILTER_REST "AND (i.venue_id, i.occurred_at, i.id) > "
                               "($6::bigint, $7::bigint, $8::bigint) ORDER BY i.venue_id, "
                               "i.occurred_at, i.id LIMIT $9::bigint",
            &p, sizeof *page, incident_at_row, (void **)&page, &got, err, "walking incidents");
        lnt_pg_give(s, pg);
        if (rc != LNT_OK || got == 0)
            break;
        for (size_t i = 0; i < got; i++)
            if (fn(ctx, &page[i].inc) != 0)
                goto out;
        if (got < EACH_PAGE)
            break;
        after_v = page[got - 1].inc.venue_id;
        after_t = page[got - 1].inc.occurred_at;
        after_id = page[got - 1].id;
        free(page);
        page = NULL;
    }
out:
    free(page);
    return rc;
}

/* A part as read: its sealed text (base64) waits in `details` until it is opened. */
static void part_row(const PGresult *r, int row, void *elem)
{
    struct lnt_incident_part *p = elem;

    p->kiosk_id = lnt_pg_i64(r, row, 0);
    p->seq = lnt_pg_i64(r, row, 1);
    p->recorded_at = lnt_pg_i64(r, row, 2);
    p->received_at = lnt_pg_i64(r, row, 3);
    p->complete = lnt_pg_i64(r, row, 4) != 0;
    lnt_pg_text(r, row, 5, p->details, sizeof p->details);
    p->state = p->details[0] != '\0' ? LNT_PART_DAMAGED : LNT_PART_NONE; /* until opened */
}

enum lnt_err lnt_store_incident_get(struct lnt_store *s, const char *report_id,
                                    struct lnt_incident *out, char *err)
{
    struct lnt_incident *list = NULL;
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    size_t n = 0;
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    if (report_id == NULL || strlen(report_id) >= LNT_UUID_STRLEN)
        return lnt_fail(err, LNT_ERR_NOT_FOUND, "incident not found");
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    /* report_id is UNIQUE: one search of its index, however many incidents there are */
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, report_id);
    rc = lnt_pg_list(pg, "SELECT " INCIDENT_COLS " FROM incidents i WHERE i.report_id = $1::text",
                     &p, sizeof *list, incident_row, (void **)&list, &n, err,
                     "reading the incident");
    lnt_pg_give(s, pg);
    if (rc == LNT_OK && n == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "incident %s not found", report_id);
    if (rc == LNT_OK)
        *out = list[0];
    free(list);
    return rc;
}

/*
 * Reads one incident and its sealed text and writes the audit row as `actor`, in one
 * transaction. With parts not NULL every part of the report too, in the order received (sealed
 * text in each part's details). The sealing keys are in the key file, never here.
 */
static enum lnt_err incident_read_audited(struct lnt_store *s, const char *report_id,
                                          const char *actor, struct lnt_incident *out,
                                          char sealed[LNT_SEALED_MAX],
                                          struct lnt_incident_part **parts, size_t *n_parts,
                                          char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, report_id);
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg,
                         "SELECT " INCIDENT_COLS ", coalesce(i.sealed, '') FROM incidents i "
                         "WHERE i.report_id = $1::text",
                         &p, &r, err, "reading the incident");
    if (rc == LNT_OK && PQntuples(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "incident %s not found", report_id);
    if (rc == LNT_OK) {
        memset(out, 0, sizeof *out);
        incident_row(r, 0, out);
        lnt_pg_text(r, 0, 17, sealed, LNT_SEALED_MAX);
    }
    if (rc == LNT_OK && parts != NULL)
        rc = lnt_pg_list(pg,
                         "SELECT kiosk_id, seq, recorded_at, received_at, complete, "
                         "coalesce(sealed, '') FROM incident_parts WHERE incident_id = "
                         "(SELECT id FROM incidents WHERE report_id = $1::text) ORDER BY id",
                         &p, sizeof **parts, part_row, (void **)parts, n_parts, err,
                         "reading the parts of an incident");
    if (rc == LNT_OK)
        rc = lnt_pg_audit_actor(s, pg, actor, "incident.read", report_id, err,
                                "details of a %s incident at venue %" PRId64 "%s", out->kind,
                                out->venue_id, sealed[0] != '\0' ? "" : " (none held)");
    PQclear(r);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    if (rc != LNT_OK && parts != NULL && *parts != NULL) {
        lnt_store_incident_parts_free(*parts, *n_parts);
        *parts = NULL;
        *n_parts = 0;
    }
    return rc;
}

/*
 * Opens base64 sealed text `sealed` into `out` (size bytes, NUL terminated) with the sealing
 * keys `kf`, using `box` (LNT_SEALED_MAX bytes) as scratch. `sealed` may be `out`.
 */
static enum lnt_err open_sealed(const struct lnt_store *s, const struct lnt_keyfile *kf,
                                const char *report_id, const char *sealed, uint8_t *box, char *out,
                                size_t size, size_t *len_out, char *err)
{
    size_t blen = 0;
    enum lnt_err rc;

    *len_out = 0;
    if (lnt_b64_decode(sealed, box, LNT_SEALED_MAX, &blen) != LNT_OK || blen < crypto_box_SEALBYTES)
        return lnt_fail(err, LNT_ERR_CRYPTO, "incident %s: sealed details are damaged", report_id);
    if (blen - crypto_box_SEALBYTES >= size)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "incident %s: details need %zu bytes", report_id,
                        blen - crypto_box_SEALBYTES + 1);
    /* the secret keys are in the key file, never in the database */
    rc = lnt_pg_box_open(s, kf, box, blen, (uint8_t *)out, err);
    if (rc != LNT_OK)
        return lnt_fail_prefix(err, rc, "incident %s: ", report_id);
    *len_out = blen - crypto_box_SEALBYTES;
    out[*len_out] = '\0';
    return LNT_OK;
}

enum lnt_err lnt_store_incident_details(struct lnt_store *s, const char *report_id,
                                        const char *actor, struct lnt_incident *out,
                                        char sealed[LNT_SEALED_MAX], char *err)
{
    enum lnt_err rc;

    sealed[0] = '\0';
    if (report_id == NULL || strlen(report_id) >= LNT_UUID_STRLEN)
        return lnt_fail(err, LNT_ERR_NOT_FOUND, "incident not found");
    if (actor == NULL || actor[0] == '\0')
        return lnt_fail(err, LNT_ERR_INVALID, "reading incident details needs an actor to audit");
    rc = incident_read_audited(s, report_id, actor, out, sealed, NULL, NULL, err);
    if (rc != LNT_OK) {
        lnt_store_wipe(sealed, LNT_SEALED_MAX);
        sealed[0] = '\0';
    }
    return rc;
}

enum lnt_err lnt_store_incident_open_parts(struct lnt_store *s, const char *report_id,
                                           const char *actor, struct lnt_incident *out,
                                           char *details, size_t size, size_t *len_out,
                                           struct lnt_incident_part **parts, size_t *n_parts,
                                           char *err)
{
    char *sealed = NULL, perr[LNT_ERRBUF_SIZE];
    uint8_t *box = NULL;
    struct lnt_incident_part *list = NULL;
    struct lnt_keyfile *kf = NULL;
    size_t n = 0;
    bool any = false;
    enum lnt_err rc;

    *len_out = 0;
    if (parts != NULL) {
        *parts = NULL;
        *n_parts = 0;
    }
    if (size > 0)
        details[0] = '\0';
    sealed = malloc(LNT_SEALED_MAX);
    box = malloc(LNT_SEALED_MAX);
    if (sealed == NULL || box == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory opening incident details");
        goto out;
    }
    if (report_id == NULL || strlen(report_id) >= LNT_UUID_STRLEN) {
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "incident not found");
        goto out;
    }
    if (actor == NULL || actor[0] == '\0') {
        rc = lnt_fail(err, LNT_ERR_INVALID, "reading incident details needs an actor to audit");
        goto out;
    }
    rc = incident_read_audited(s, report_id, actor, out, sealed, parts != NULL ? &list : NULL, &n,
                               err);
    if (rc != LNT_OK)
        goto out;
    any = sealed[0] != '\0';
    for (size_t i = 0; i < n; i++)
        any = any || list[i].state != LNT_PART_NONE;
    /* the secret keys are read from the key file once for the report's saves */
    if (any && (rc = lnt_pg_box_keys(s, &kf, err)) != LNT_OK) {
        rc = lnt_fail_prefix(err, rc, "incident %s: ", report_id);
        goto out;
    }
    /* each part opens on its own: one damaged part hides nothing of the others */
    for (size_t i = 0; i < n; i++) {
        struct lnt_incident_part *p = &list[i];
        if (p->state == LNT_PART_NONE)
            continue;
        if (open_sealed(s, kf, report_id, p->details, box, p->details, sizeof p->details, &p->len,
                        perr) == LNT_OK) {
            p->state = LNT_PART_OPENED;
        } else {
            lnt_store_wipe(p->details, sizeof p->details);
            p->details[0] = '\0';
            p->len = 0;
        }
    }
    if (sealed[0] != '\0')
        rc = open_sealed(s, kf, report_id, sealed, box, details, size, len_out, err);
out:
    lnt_pg_box_keys_free(kf);
    if (box != NULL)
        lnt_store_wipe(box, LNT_SEALED_MAX);
    if (sealed != NULL)
        lnt_store_wipe(sealed, LNT_SEALED_MAX);
    if (rc != LNT_OK && size > 0) {
        lnt_store_wipe(details, size);
        details[0] = '\0';
        *len_out = 0;
    }
    if (rc != LNT_OK && rc != LNT_ERR_CRYPTO) {
        lnt_store_incident_parts_free(list, n);
        list = NULL;
        n = 0;
    }
    if (parts != NULL) {
        *parts = list;
        *n_parts = n;
    }
    free(sealed);
    free(box);
    return rc;
}

enum lnt_err lnt_store_incident_open(struct lnt_store *s, const char *report_id, const char *actor,
                                     struct lnt_incident *out, char *details, size_t size,
                                     size_t *len_out, char *err)
{
    return lnt_store_incident_open_parts(s, report_id, actor, out, details, size, len_out, NULL,
                                         NULL, err);
}

/* ---- stock ---- */

static void level_row(const PGresult *r, int row, void *elem)
{
    struct lnt_stock_level *l = elem;

    l->venue_id = lnt_pg_i64(r, row, 0);
    l->threshold = (int32_t)lnt_pg_i64(r, row, 1);
    l->known = !lnt_pg_null(r, row, 2);
    l->level = (int32_t)lnt_pg_i64(r, row, 2);
    l->updated_at = lnt_pg_i64(r, row, 3);
}

enum lnt_err lnt_store_stock_get(struct lnt_store *s, int64_t venue_id, struct lnt_stock_level *out,
                                 char *err)
{
    struct lnt_stock_level *list = NULL;
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    size_t n = 0;
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, venue_id);
    rc = lnt_pg_list(pg,
                     "SELECT v.id, v.cup_cover_threshold, l.level, coalesce(l.updated_at, 0) "
                     "FROM venues v LEFT JOIN stock_levels l ON l.venue_id = v.id "
                     "WHERE v.id = $1::bigint",
                     &p, sizeof *list, level_row, (void **)&list, &n, err,
                     "reading the stock level");
    lnt_pg_give(s, pg);
    if (rc == LNT_OK && n == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "venue %" PRId64 " not found", venue_id);
    if (rc == LNT_OK)
        *out = list[0];
    free(list);
    return rc;
}

enum lnt_err lnt_store_stock_levels(struct lnt_store *s, const char *authority,
                                    struct lnt_stock_level **out, size_t *n, char *err)
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
    rc = lnt_pg_list(pg,
                     "SELECT v.id, v.cup_cover_threshold, l.level, coalesce(l.updated_at, 0) "
                     "FROM venues v LEFT JOIN stock_levels l ON l.venue_id = v.id "
                     "WHERE $1::text = '' OR v.authority = $1::text ORDER BY v.id",
                     &p, sizeof **out, level_row, (void **)out, n, err, "listing stock levels");
    lnt_pg_give(s, pg);
    return rc;
}

static void ledger_row(const PGresult *r, int row, void *elem)
{
    struct lnt_stock_entry *e = elem;

    e->id = lnt_pg_i64(r, row, 0);
    e->venue_id = lnt_pg_i64(r, row, 1);
    e->at = lnt_pg_i64(r, row, 2);
    lnt_pg_text(r, row, 3, e->kind, sizeof e->kind);
    e->quantity = (int32_t)lnt_pg_i64(r, row, 4);
    e->level_after = (int32_t)lnt_pg_i64(r, row, 5);
    lnt_pg_text(r, row, 6, e->staff_id, sizeof e->staff_id);
}

enum lnt_err lnt_store_stock_ledger(struct lnt_store *s, int64_t venue_id, int64_t from, int64_t to,
                                    size_t offset, size_t limit, struct lnt_stock_entry **out,
                                    size_t *n, char *err)
{
    return venue_window(s,
                        "SELECT id, venue_id, at, kind, quantity, level_after, staff_id FROM "
                        "stock_ledger WHERE venue_id = $1::bigint AND at >= $2::bigint AND at < "
                        "$3::bigint ORDER BY at, id LIMIT $4::bigint OFFSET $5::bigint",
                        venue_id, from, to, offset, limit, sizeof **out, ledger_row, (void **)out,
                        n, "reading the stock ledger", err);
}
