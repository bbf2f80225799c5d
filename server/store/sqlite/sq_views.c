/* sq_views.c - the store on SQLite: read views over registers and derived data (never raw events).
 */
#include "sq_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codec.h"
#include "ltime.h"
#include "wire.h"

#define EACH_PAGE 64 /* events decoded per read while walking */

/*
 * One page of one venue's rows in [from, to) (to 0 = no end): `sql` takes
 * ?1 venue, ?2 from, ?3 to, ?4 limit, ?5 offset. Fills a new array of `elem`-byte
 * rows with fn (caller frees *out); on error *out is NULL, *n 0, err filled.
 */
static enum lnt_err venue_window(struct lnt_store *s, const char *sql, int64_t venue_id,
                                 int64_t from, int64_t to, size_t offset, size_t limit, size_t elem,
                                 lnt_sq_row_fn fn, void **out, size_t *n, const char *what,
                                 char *err)
{
    struct lnt_sq_conn *c;
    sqlite3_stmt *st;
    enum lnt_err rc = lnt_sq_page_begin(s, limit, out, n, &c, err);

    if (rc != LNT_OK)
        return rc;
    st = lnt_sq_stmt(c, sql, err);
    rc = LNT_ERR_DB;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, venue_id);
        sqlite3_bind_int64(st, 2, from);
        sqlite3_bind_int64(st, 3, lnt_sq_upper(to));
        sqlite3_bind_int64(st, 4, (int64_t)limit);
        sqlite3_bind_int64(st, 5, (int64_t)offset);
        rc = lnt_sq_list(c->db, st, elem, fn, out, n, err, what);
    }
    lnt_sq_rend(s, c);
    return rc;
}

/* ---- door / staff register ---- */

/* The columns of a register row, for shift_row (then WHERE ...). */
#define LNT_SQ_SHIFT_COLS                                                                          \
    "sh.id, sh.venue_id, sh.kiosk_id, sh.staff_id, coalesce(p.name, ''), "                         \
    "sh.serial, sh.role, sh.sia_number, sh.sia_status, sh.verdict, sh.on_at, "                     \
    "coalesce(sh.off_at, 0), sh.night, sh.vuln_trained, sh.angela_trained, "                       \
    "sh.bystander_trained, sh.sia_ok, sh.badge_flag, sh.off_by, sh.training_missing, "             \
    "sh.duty FROM shifts sh LEFT JOIN staff p ON p.id = sh.staff_id"

static void shift_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_shift *h = elem;

    h->id = sqlite3_column_int64(st, 0);
    h->venue_id = sqlite3_column_int64(st, 1);
    h->kiosk_id = sqlite3_column_int64(st, 2);
    lnt_sq_text(h->staff_id, sizeof h->staff_id, st, 3);
    lnt_sq_text(h->staff_name, sizeof h->staff_name, st, 4);
    lnt_sq_text(h->serial, sizeof h->serial, st, 5);
    h->role = (enum lnt_role)sqlite3_column_int(st, 6);
    lnt_sq_text(h->sia_number, sizeof h->sia_number, st, 7);
    h->sia_status = (enum lnt_sia_status)sqlite3_column_int(st, 8);
    h->verdict = (enum lnt_verdict)sqlite3_column_int(st, 9);
    h->on_at = sqlite3_column_int64(st, 10);
    h->off_at = sqlite3_column_int64(st, 11);
    h->night = sqlite3_column_int(st, 12);
    h->vuln_trained = sqlite3_column_int(st, 13) != 0;
    h->angela_trained = sqlite3_column_int(st, 14) != 0;
    h->bystander_trained = sqlite3_column_int(st, 15) != 0;
    h->sia_ok = sqlite3_column_int(st, 16) != 0;
    h->badge_flag = (enum lnt_signin_flag)sqlite3_column_int(st, 17);
    lnt_sq_text(h->off_by, sizeof h->off_by, st, 18);
    h->training_missing = (uint32_t)sqlite3_column_int64(st, 19);
    h->duty = sqlite3_column_int(st, 20) == 1 ? LNT_DUTY_OTHER : LNT_DUTY_ROLE;
}

enum lnt_err lnt_store_register_list(struct lnt_store *s, int64_t venue_id, int64_t from,
                                     int64_t to, size_t offset, size_t limit,
                                     struct lnt_shift **out, size_t *n, char *err)
{
    struct lnt_sq_conn *c;
    enum lnt_err rc = venue_window(s,
                                   "SELECT " LNT_SQ_SHIFT_COLS
                                   " WHERE sh.venue_id = ?1 AND sh.on_at >= ?2 AND sh.on_at < ?3 "
                                   "ORDER BY sh.on_at, sh.id LIMIT ?4 OFFSET ?5",
                                   venue_id, from, to, offset, limit, sizeof **out, shift_row,
                                   (void **)out, n, "reading the register", err);

    if (rc != LNT_OK || *n == 0)
        return rc;
    /* the scheme's word on a licence, whenever given, is the register's word on the shift */
    c = lnt_sq_rbegin(s);
    rc = lnt_sq_sia_apply(c, *out, *n, err);
    lnt_sq_rend(s, c);
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
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    sqlite3_stmt *st;
    enum lnt_err rc = LNT_ERR_DB;
    size_t k = 0;

    *out = NULL;
    *n = 0;
    /* a night's shifts begin from 06:00 on its date to 06:00 the next: a day's margin either
       side of the on_at range keeps the index in use */
    st = lnt_sq_stmt(c,
                     "SELECT " LNT_SQ_SHIFT_COLS " WHERE sh.venue_id = ?1 AND sh.on_at >= ?2 "
                     "AND sh.on_at < ?3 AND sh.night BETWEEN ?4 AND ?5 AND sh.role = 1 "
                     "AND (sh.sia_ok = 0 OR EXISTS (SELECT 1 FROM sia_history h WHERE "
                     "h.number = sh.sia_number AND h.status <> 0 AND h.from_day <= sh.night + 1)) "
                     "ORDER BY sh.night, sh.on_at, sh.id",
                     err);
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, venue_id);
        sqlite3_bind_int64(st, 2, ((int64_t)first - 1) * 86400);
        sqlite3_bind_int64(st, 3, ((int64_t)last + 2) * 86400);
        sqlite3_bind_int(st, 4, first);
        sqlite3_bind_int(st, 5, last);
        rc = lnt_sq_list(c->db, st, sizeof **out, shift_row, (void **)out, n, err,
                         "reading door shifts without a valid licence");
    }
    if (rc == LNT_OK)
        rc = lnt_sq_sia_apply(c, *out, *n, err);
    lnt_sq_rend(s, c);
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
    return LNT_OK;
}

/* ---- flags ---- */

static void flag_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_flag *f = elem;

    f->id = sqlite3_column_int64(st, 0);
    f->kind = (enum lnt_flag_kind)sqlite3_column_int(st, 1);
    f->venue_id = sqlite3_column_int64(st, 2);
    f->other_venue_id = sqlite3_column_int64(st, 3);
    f->kiosk_id = sqlite3_column_int64(st, 4);
    lnt_sq_text(f->staff_id, sizeof f->staff_id, st, 5);
    lnt_sq_text(f->serial, sizeof f->serial, st, 6);
    f->at = sqlite3_column_int64(st, 7);
    f->seq = sqlite3_column_int64(st, 8);
    f->other = sqlite3_column_int64(st, 9);
}

enum lnt_err lnt_store_flag_list(struct lnt_store *s, int64_t venue_id, enum lnt_flag_kind kind,
                                 int64_t from, int64_t to, size_t offset, size_t limit,
                                 struct lnt_flag **out, size_t *n, char *err)
{
    struct lnt_sq_conn *c;
    sqlite3_stmt *st;
    enum lnt_err rc = lnt_sq_page_begin(s, limit, (void **)out, n, &c, err);

    if (rc != LNT_OK)
        return rc;
    st = lnt_sq_stmt(c,
                     "SELECT id, kind, venue_id, other_venue_id, kiosk_id, staff_id, serial, at, "
                     "seq, other FROM flags WHERE (?1 = 0 OR venue_id = ?1 OR other_venue_id = ?1) "
                     "AND (?2 = 0 OR kind = ?2) AND at >= ?3 AND at < ?4 "
                     "ORDER BY at DESC, id DESC LIMIT ?5 OFFSET ?6",
                     err);
    rc = LNT_ERR_DB;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, venue_id);
        sqlite3_bind_int(st, 2, (int)kind);
        sqlite3_bind_int64(st, 3, from);
        sqlite3_bind_int64(st, 4, lnt_sq_upper(to));
        sqlite3_bind_int64(st, 5, (int64_t)limit);
        sqlite3_bind_int64(st, 6, (int64_t)offset);
        rc = lnt_sq_list(c->db, st, sizeof **out, flag_row, (void **)out, n, err, "listing flags");
    }
    lnt_sq_rend(s, c);
    return rc;
}

/* ---- incidents ---- */

#define INCIDENT_COLS                                                                              \
    "i.report_id, i.venue_id, i.kiosk_id, i.kind, i.severity, i.place, i.outcome, "                \
    "i.police_called, i.complete, i.staff_id, i.occurred_at, i.first_recorded_at, i.updated_at, "  \
    "i.updates, i.night, i.within_hour, i.sealed IS NOT NULL AND i.sealed <> ''"

static void incident_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_incident *i = elem;

    lnt_sq_text(i->report_id, sizeof i->report_id, st, 0);
    i->venue_id = sqlite3_column_int64(st, 1);
    i->kiosk_id = sqlite3_column_int64(st, 2);
    lnt_sq_text(i->kind, sizeof i->kind, st, 3);
    i->severity = sqlite3_column_int(st, 4);
    lnt_sq_text(i->place, sizeof i->place, st, 5);
    lnt_sq_text(i->outcome, sizeof i->outcome, st, 6);
    i->police_called = sqlite3_column_int(st, 7) != 0;
    i->complete = sqlite3_column_int(st, 8) != 0;
    lnt_sq_text(i->staff_id, sizeof i->staff_id, st, 9);
    i->occurred_at = sqlite3_column_int64(st, 10);
    i->first_recorded_at = sqlite3_column_int64(st, 11);
    i->updated_at = sqlite3_column_int64(st, 12);
    i->updates = sqlite3_column_int(st, 13);
    i->night = sqlite3_column_int(st, 14);
    i->within_hour = sqlite3_column_int(st, 15) != 0;
    i->has_details = sqlite3_column_int(st, 16) != 0;
}

/* Binds a filter as ?1 venue, ?2 authority, ?3 kind, ?4 from, ?5 to. */
static void bind_filter(sqlite3_stmt *st, const struct lnt_incident_filter *f)
{
    sqlite3_bind_int64(st, 1, f->venue_id);
    sqlite3_bind_text(st, 2, f->authority != NULL ? f->authority : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, f->kind != NULL ? f->kind : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, f->from);
    sqlite3_bind_int64(st, 5, lnt_sq_upper(f->to));
}

#define FILTER_REST                                                                                \
    "AND (?2 = '' OR i.venue_id IN (SELECT id FROM venues WHERE authority = ?2)) "                 \
    "AND (?3 = '' OR i.kind = ?3) AND i.occurred_at >= ?4 AND i.occurred_at < ?5 "

enum lnt_err lnt_store_incident_list(struct lnt_store *s, const struct lnt_incident_filter *f,
                                     size_t offset, size_t limit, struct lnt_incident **out,
                                     size_t *n, char *err)
{
    struct lnt_sq_conn *c;
    sqlite3_stmt *st;
    enum lnt_err rc = lnt_sq_page_begin(s, limit, (void **)out, n, &c, err);

    if (rc != LNT_OK)
        return rc;
    /* two statements so that one venue's list walks that venue's index */
    st = f->venue_id != 0
             ? lnt_sq_stmt(c,
                           "SELECT " INCIDENT_COLS
                           " FROM incidents i WHERE i.venue_id = ?1 " FILTER_REST
                           "ORDER BY i.occurred_at DESC, i.id DESC LIMIT ?6 OFFSET ?7",
                           err)
             : lnt_sq_stmt(c,
                           "SELECT " INCIDENT_COLS " FROM incidents i WHERE ?1 = 0 " FILTER_REST
                           "ORDER BY i.occurred_at DESC, i.id DESC LIMIT ?6 OFFSET ?7",
                           err);
    rc = LNT_ERR_DB;
    if (st != NULL) {
        bind_filter(st, f);
        sqlite3_bind_int64(st, 6, (int64_t)limit);
        sqlite3_bind_int64(st, 7, (int64_t)offset);
        rc = lnt_sq_list(c->db, st, sizeof **out, incident_row, (void **)out, n, err,
                         "listing incidents");
    }
    lnt_sq_rend(s, c);
    return rc;
}

enum lnt_err lnt_store_incident_each(struct lnt_store *s, const struct lnt_incident_filter *f,
                                     int (*fn)(void *ctx, const struct lnt_incident *inc),
                                     void *ctx, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    struct lnt_incident inc;
    enum lnt_err rc = LNT_OK;
    sqlite3_stmt *st;
    int r;

    st = f->venue_id != 0
             ? lnt_sq_stmt(c,
                           "SELECT " INCIDENT_COLS
                           " FROM incidents i WHERE i.venue_id = ?1 " FILTER_REST
                           "ORDER BY i.venue_id, i.occurred_at, i.id",
                           err)
             : lnt_sq_stmt(c,
                           "SELECT " INCIDENT_COLS " FROM incidents i WHERE ?1 = 0 " FILTER_REST
                           "ORDER BY i.venue_id, i.occurred_at, i.id",
                           err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    bind_filter(st, f);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&inc, 0, sizeof inc);
        incident_row(st, &inc);
        if (fn(ctx, &inc) != 0)
            goto out;
    }
    if (r != SQLITE_DONE)
        rc = lnt_sq_fail(c->db, err, "walking incidents");
out:
    lnt_sq_rend(s, c);
    return rc;
}

/* A part as read: its sealed text (base64) waits in `details` until it is opened. */
static void part_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_incident_part *p = elem;

    p->kiosk_id = sqlite3_column_int64(st, 0);
    p->seq = sqlite3_column_int64(st, 1);
    p->recorded_at = sqlite3_column_int64(st, 2);
    p->received_at = sqlite3_column_int64(st, 3);
    p->complete = sqlite3_column_int(st, 4) != 0;
    lnt_sq_text(p->details, sizeof p->details, st, 5);
    p->state = p->details[0] != '\0' ? LNT_PART_DAMAGED : LNT_PART_NONE; /* until opened */
}

enum lnt_err lnt_store_incident_get(struct lnt_store *s, const char *report_id,
                                    struct lnt_incident *out, char *err)
{
    struct lnt_sq_conn *c;
    enum lnt_err rc = LNT_OK;
    sqlite3_stmt *st;
    int r;

    memset(out, 0, sizeof *out);
    if (report_id == NULL || strlen(report_id) >= LNT_UUID_STRLEN)
        return lnt_fail(err, LNT_ERR_NOT_FOUND, "incident not found");
    c = lnt_sq_rbegin(s);
    /* report_id is UNIQUE: one search of its index, however many incidents there are */
    st = lnt_sq_stmt(c, "SELECT " INCIDENT_COLS " FROM incidents i WHERE i.report_id = ?1", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_text(st, 1, report_id, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        incident_row(st, out);
    else if (r == SQLITE_DONE)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "incident %s not found", report_id);
    else
        rc = lnt_sq_fail(c->db, err, "reading the incident");
out:
    lnt_sq_rend(s, c);
    return rc;
}

/*
 * Reads one incident and its sealed text and writes the audit row, in one
 * write transaction (the caller holds wmu and has begun it). With parts not
 * NULL every part of the report too, in the order received (sealed text in
 * each part's details). The sealing keys are in the key file, never here.
 */
static enum lnt_err incident_read_audited(struct lnt_store *s, const char *report_id,
                                          const char *actor, struct lnt_incident *out,
                                          char sealed[LNT_SEALED_MAX],
                                          struct lnt_incident_part **parts, size_t *n_parts,
                                          char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc = LNT_OK;
    int r;

    st = lnt_sq_stmt(&s->w,
                     "SELECT " INCIDENT_COLS ", coalesce(i.sealed, '') FROM incidents i "
                     "WHERE i.report_id = ?1",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_text(st, 1, report_id, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        incident_row(st, out);
        lnt_sq_text(sealed, LNT_SEALED_MAX, st, 17);
    } else if (r == SQLITE_DONE) {
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "incident %s not found", report_id);
    } else {
        rc = lnt_sq_fail(s->w.db, err, "reading the incident");
    }
    sqlite3_reset(st);
    if (rc != LNT_OK)
        return rc;
    if (parts != NULL) {
        st = lnt_sq_stmt(&s->w,
                         "SELECT kiosk_id, seq, recorded_at, received_at, complete, "
                         "coalesce(sealed, '') FROM incident_parts WHERE incident_id = "
                         "(SELECT id FROM incidents WHERE report_id = ?1) ORDER BY id",
                         err);
        if (st == NULL)
            return LNT_ERR_DB;
        sqlite3_bind_text(st, 1, report_id, -1, SQLITE_STATIC);
        rc = lnt_sq_list(s->w.db, st, sizeof **parts, part_row, (void **)parts, n_parts, err,
                         "reading the parts of an incident");
        if (rc != LNT_OK)
            return rc;
    }
    return lnt_sq_audit_as(s, actor, "incident.read", report_id, err,
                           "details of a %s incident at venue %" PRId64 "%s", out->kind,
                           out->venue_id, sealed[0] != '\0' ? "" : " (none held)");
}

/*
 * Opens base64 sealed text `sealed` into `out` (size bytes, NUL terminated)
 * with the sealing keys `kf`, using `box` (LNT_SEALED_MAX bytes) as scratch.
 * `sealed` may be `out`.
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
    rc = lnt_sq_box_open(s, kf, box, blen, (uint8_t *)out, err);
    if (rc != LNT_OK)
        return lnt_fail_prefix(err, rc, "incident %s: ", report_id);
    *len_out = blen - crypto_box_SEALBYTES;
    out[*len_out] = '\0';
    return LNT_OK;
}

void lnt_store_incident_parts_free(struct lnt_incident_part *parts, size_t n)
{
    if (parts == NULL)
        return;
    lnt_store_wipe(parts, n * sizeof *parts);
    free(parts);
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
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = incident_read_audited(s, report_id, actor, out, sealed, NULL, NULL, err);
    rc = lnt_sq_wend(s, rc, err);
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
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = incident_read_audited(s, report_id, actor, out, sealed, parts != NULL ? &list : NULL,
                                   &n, err);
    rc = lnt_sq_wend(s, rc, err);
    if (rc != LNT_OK)
        goto out;
    any = sealed[0] != '\0';
    for (size_t i = 0; i < n; i++)
        any = any || list[i].state != LNT_PART_NONE;
    /* the secret keys are read from the key file once for the report's saves */
    if (any && (rc = lnt_sq_box_keys(s, &kf, err)) != LNT_OK) {
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
    lnt_sq_box_keys_free(kf);
    if (box != NULL)
        lnt_store_wipe(box, LNT_SEALED_MAX);
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

static void level_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_stock_level *l = elem;

    l->venue_id = sqlite3_column_int64(st, 0);
    l->threshold = sqlite3_column_int(st, 1);
    l->known = sqlite3_column_type(st, 2) != SQLITE_NULL;
    l->level = sqlite3_column_int(st, 2);
    l->updated_at = sqlite3_column_int64(st, 3);
}

enum lnt_err lnt_store_stock_get(struct lnt_store *s, int64_t venue_id, struct lnt_stock_level *out,
                                 char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = LNT_OK;
    sqlite3_stmt *st;
    int r;

    memset(out, 0, sizeof *out);
    st = lnt_sq_stmt(c,
                     "SELECT v.id, v.cup_cover_threshold, l.level, coalesce(l.updated_at, 0) "
                     "FROM venues v LEFT JOIN stock_levels l ON l.venue_id = v.id WHERE v.id = ?1",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, venue_id);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        level_row(st, out);
    else if (r == SQLITE_DONE)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "venue %" PRId64 " not found", venue_id);
    else
        rc = lnt_sq_fail(c->db, err, "reading the stock level");
out:
    lnt_sq_rend(s, c);
    return rc;
}

enum lnt_err lnt_store_stock_levels(struct lnt_store *s, const char *authority,
                                    struct lnt_stock_level **out, size_t *n, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = LNT_ERR_DB;
    sqlite3_stmt *st;

    *out = NULL;
    *n = 0;
    st = lnt_sq_stmt(c,
                     "SELECT v.id, v.cup_cover_threshold, l.level, coalesce(l.updated_at, 0) "
                     "FROM venues v LEFT JOIN stock_levels l ON l.venue_id = v.id "
                     "WHERE ?1 = '' OR v.authority = ?1 ORDER BY v.id",
                     err);
    if (st != NULL) {
        sqlite3_bind_text(st, 1, authority != NULL ? authority : "", -1, SQLITE_STATIC);
        rc = lnt_sq_list(c->db, st, sizeof **out, level_row, (void **)out, n, err,
                         "listing stock levels");
    }
    lnt_sq_rend(s, c);
    return rc;
}

static void ledger_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_stock_entry *e = elem;

    e->id = sqlite3_column_int64(st, 0);
    e->venue_id = sqlite3_column_int64(st, 1);
    e->at = sqlite3_column_int64(st, 2);
    lnt_sq_text(e->kind, sizeof e->kind, st, 3);
    e->quantity = sqlite3_column_int(st, 4);
    e->level_after = sqlite3_column_int(st, 5);
    lnt_sq_text(e->staff_id, sizeof e->staff_id, st, 6);
}

enum lnt_err lnt_store_stock_ledger(struct lnt_store *s, int64_t venue_id, int64_t from, int64_t to,
                                    size_t offset, size_t limit, struct lnt_stock_entry **out,
                                    size_t *n, char *err)
{
    return venue_window(s,
                        "SELECT id, venue_id, at, kind, quantity, level_after, staff_id FROM "
                        "stock_ledger WHERE venue_id = ?1 AND at >= ?2 AND at < ?3 "
                        "ORDER BY at, id LIMIT ?4 OFFSET ?5",
                        venue_id, from, to, offset, limit, sizeof **out, ledger_row, (void **)out,
                        n, "reading the stock ledger", err);
}

/* ---- raw events, for exports and checks ---- */

/* One page of stored events after (after_t, after_id); *got is how many were read. */
static enum lnt_err events_page(struct lnt_store *s, int64_t venue_id, int64_t since,
                                int64_t after_t, int64_t after_id, struct lnt_stored_event *page,
                                size_t *got, int64_t *last_t, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = LNT_OK;
    sqlite3_stmt *st;
    size_t cnt = 0;
    int r;

    *got = 0;
    st = venue_id != 0
             ? lnt_sq_stmt(c,
                           "SELECT id, kiosk_id, venue_id, received_at, body, occurred_at FROM "
                           "events WHERE venue_id = ?1 AND occurred_at >= ?2 "
                           "AND (occurred_at > ?3 OR (occurred_at = ?3 AND id > ?4)) "
                           "ORDER BY occurred_at, id LIMIT ?5",
                           err)
             : lnt_sq_stmt(c,
                           "SELECT id, kiosk_id, venue_id, received_at, body, occurred_at FROM "
                           "events WHERE ?1 = 0 AND occurred_at >= ?2 "
                           "AND (occurred_at > ?3 OR (occurred_at = ?3 AND id > ?4)) "
                           "ORDER BY occurred_at, id LIMIT ?5",
                           err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, venue_id);
    sqlite3_bind_int64(st, 2, since);
    sqlite3_bind_int64(st, 3, after_t);
    sqlite3_bind_int64(st, 4, after_id);
    sqlite3_bind_int(st, 5, EACH_PAGE);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        struct lnt_stored_event *e = &page[cnt];
        const char *body = (const char *)sqlite3_column_text(st, 4);
        memset(e, 0, sizeof *e);
        e->id = sqlite3_column_int64(st, 0);
        e->kiosk_id = sqlite3_column_int64(st, 1);
        e->venue_id = sqlite3_column_int64(st, 2);
        e->received_at = sqlite3_column_int64(st, 3);
        *last_t = sqlite3_column_int64(st, 5);
        rc = lnt_wire_event_decode(body != NULL ? body : "", (size_t)sqlite3_column_bytes(st, 4),
                                   &e->ev, err);
        if (rc != LNT_OK) {
            rc = lnt_fail_prefix(err, LNT_ERR_DB,
                                 "stored event %" PRId64 " does not decode: ", e->id);
            goto out;
        }
        cnt++;
    }
    if (r != SQLITE_DONE)
        rc = lnt_sq_fail(c->db, err, "reading events");
out:
    lnt_sq_rend(s, c);
    *got = cnt;
    return rc;
}

enum lnt_err lnt_store_events_each(struct lnt_store *s, int64_t venue_id, int64_t since,
                                   int (*fn)(void *ctx, const struct lnt_stored_event *e),
                                   void *ctx, char *err)
{
    struct lnt_stored_event *page;
    int64_t after_t = INT64_MIN, after_id = 0, last_t = 0;
    enum lnt_err rc = LNT_OK;
    size_t got;

    /* Pages keep the read connection free while `fn` runs, so `fn` may use the store itself. */
    page = calloc(EACH_PAGE, sizeof *page);
    if (page == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading events");
    for (;;) {
        rc = events_page(s, venue_id, since, after_t, after_id, page, &got, &last_t, err);
        if (rc != LNT_OK || got == 0)
            break;
        for (size_t i = 0; i < got; i++)
            if (fn(ctx, &page[i]) != 0)
                goto out;
        after_t = last_t;
        after_id = page[got - 1].id;
        if (got < EACH_PAGE)
            break;
    }
out:
    free(page);
    return rc;
}
