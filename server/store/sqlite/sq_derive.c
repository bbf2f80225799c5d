/* sq_derive.c - the store on SQLite: what each accepted event changes besides its own row. */
#include "sq_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "night.h"

#define COPY_WINDOW (16 * 3600) /* an open shift older than this is not "on shift now" */
#define SHIFT_MAX (24 * 3600)   /* a sign_out closes only a shift begun this recently */

/* ---- flags ---- */

enum lnt_err lnt_sq_flag(struct lnt_store *s, enum lnt_flag_kind kind,
                         const struct lnt_sq_origin *o, int64_t other_venue, const char *staff_id,
                         const char *serial, int64_t at, int64_t seq, int64_t other, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(&s->w,
                                   "INSERT INTO flags (kind, venue_id, other_venue_id, kiosk_id, "
                                   "staff_id, serial, at, seq, other) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                   err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int(st, 1, (int)kind);
    sqlite3_bind_int64(st, 2, o->venue_id);
    sqlite3_bind_int64(st, 3, other_venue);
    sqlite3_bind_int64(st, 4, o->kiosk_id);
    sqlite3_bind_text(st, 5, staff_id != NULL ? staff_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, serial != NULL ? serial : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, at);
    sqlite3_bind_int64(st, 8, seq);
    sqlite3_bind_int64(st, 9, other);
    return lnt_sq_done(s->w.db, st, err, "recording a flag");
}

/* ---- derivations, one per event type ---- */

/* Training in date on `night` for the badge subject, from the server's register. */
static enum lnt_err training_on(struct lnt_store *s, const char *staff_id, int32_t night,
                                bool *vuln, bool *angela, bool *bystander, char *err)
{
    sqlite3_stmt *st;
    int64_t id;
    int r;

    *vuln = *angela = *bystander = false;
    if (lnt_parse_i64(staff_id, 1, INT64_MAX, &id) != LNT_OK)
        return LNT_OK; /* not one of ours: nothing on record */
    st = lnt_sq_stmt(
        &s->w,
        "SELECT course FROM training WHERE staff_id = ?1 "
        "AND course BETWEEN 1 AND 3 AND completed <= ?2 AND (expires = 0 OR expires >= ?2)",
        err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, night);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        switch (sqlite3_column_int(st, 0)) {
        case LNT_COURSE_BYSTANDER:
            *bystander = *vuln = true;
            break;
        case LNT_COURSE_WAVE:
            *vuln = true;
            break;
        case LNT_COURSE_ANGELA:
            *angela = true;
            break;
        default:
            break;
        }
    }
    sqlite3_reset(st);
    return r == SQLITE_DONE ? LNT_OK : lnt_sq_fail(s->w.db, err, "reading training");
}

static enum lnt_err copied_badge_check(struct lnt_store *s, const struct lnt_sq_origin *o,
                                       const struct lnt_event *e, char *err)
{
    const struct lnt_ev_badge *b = &e->u.badge;
    sqlite3_stmt *st;
    int64_t other_shift = 0, other_venue = 0;
    int r;

    if (b->serial[0] == '\0')
        return LNT_OK;
    st = lnt_sq_stmt(&s->w,
                     "SELECT id, venue_id FROM shifts WHERE staff_id = ?5 AND on_at BETWEEN ?3 "
                     "AND ?4 AND serial = ?1 AND venue_id <> ?2 AND (off_at IS NULL OR off_at > "
                     "?4) ORDER BY on_at DESC LIMIT 1",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_text(st, 1, b->serial, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, o->venue_id);
    sqlite3_bind_int64(st, 3, e->occurred_at - COPY_WINDOW);
    sqlite3_bind_int64(st, 4, e->occurred_at);
    sqlite3_bind_text(st, 5, b->staff_id, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        other_shift = sqlite3_column_int64(st, 0);
        other_venue = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return lnt_sq_fail(s->w.db, err, "looking for a copied badge");
    if (r == SQLITE_DONE)
        return LNT_OK;
    return lnt_sq_flag(s, LNT_FLAG_COPIED_BADGE, o, other_venue, b->staff_id, b->serial,
                       e->occurred_at, e->seq, other_shift, err);
}

/* What the badge register says of the sign-in's badge serial at the sign-in. */
static enum lnt_err badge_check(struct lnt_store *s, const struct lnt_event *e,
                                enum lnt_signin_flag *out, char *err)
{
    uint8_t serial[LNT_SERIAL_LEN];
    sqlite3_stmt *st;
    int r;

    *out = LNT_SIGNIN_UNKNOWN_SERIAL;
    if (lnt_hex_decode(e->u.badge.serial, serial, sizeof serial) != LNT_OK)
        return LNT_OK; /* not a serial the scheme could have issued */
    st = lnt_sq_stmt(&s->w, "SELECT revoked_at FROM badges WHERE serial = ?1", err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_blob(st, 1, serial, sizeof serial, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        int64_t revoked_at = sqlite3_column_int64(st, 0);
        /* signed in before the revocation: that sign-in was legitimate */
        *out = revoked_at != 0 && revoked_at <= e->occurred_at ? LNT_SIGNIN_REVOKED : LNT_SIGNIN_OK;
    }
    sqlite3_reset(st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? LNT_OK
                                               : lnt_sq_fail(s->w.db, err, "looking up a badge");
}

/*
 * A door supervisor signed in without a valid licence (on the door from an older kiosk, or
 * for other duties): as the kiosk judged it, or as the scheme's listing has it on the day
 * (a kiosk that had not yet heard of a suspension). Flagged, naming the shift.
 */
static enum lnt_err sia_check(struct lnt_store *s, const struct lnt_sq_origin *o,
                              const struct lnt_event *e, int64_t shift, char *err)
{
    const struct lnt_ev_badge *b = &e->u.badge;
    enum lnt_sia_listing listed = LNT_SIA_LISTED_VALID;
    enum lnt_err rc;

    if (b->role != LNT_ROLE_DOOR)
        return LNT_OK;
    rc = lnt_sq_sia_listing_on(s, b->sia_number, lnt_london_date(e->occurred_at), &listed, err);
    if (rc != LNT_OK || (lnt_sia_status_ok(b->sia_status) && listed == LNT_SIA_LISTED_VALID))
        return rc;
    return lnt_sq_flag(s, LNT_FLAG_SIA_NOT_VALID, o, 0, b->staff_id, b->serial, e->occurred_at,
                       e->seq, shift, err);
}

/* door_refused: nobody went on shift; the scheme is told at once. */
static enum lnt_err derive_door_refused(struct lnt_store *s, const struct lnt_sq_origin *o,
                                        const struct lnt_event *e, char *err)
{
    const struct lnt_ev_badge *b = &e->u.badge;

    return lnt_sq_flag(s, LNT_FLAG_DOOR_REFUSED, o, 0, b->staff_id, b->serial, e->occurred_at,
                       e->seq, (int64_t)b->sia_status, err);
}

static enum lnt_err derive_sign_in(struct lnt_store *s, const struct lnt_sq_origin *o,
                                   const struct lnt_event *e, enum lnt_signin_flag *flag, char *err)
{
    const struct lnt_ev_badge *b = &e->u.badge;
    int32_t night = lnt_night_of(e->occurred_at);
    bool sia_ok = b->sia_status == LNT_SIA_VALID || b->sia_status == LNT_SIA_EXPIRING;
    bool door = b->role == LNT_ROLE_DOOR;
    bool vuln, angela, byst;
    struct lnt_sq_night_delta *nd;
    sqlite3_stmt *st;
    int64_t shift;
    enum lnt_err rc;

    rc = training_on(s, b->staff_id, night, &vuln, &angela, &byst, err);
    if (rc == LNT_OK)
        rc = copied_badge_check(s, o, e, err);
    if (rc == LNT_OK)
        rc = badge_check(s, e, flag, err);
    if (rc != LNT_OK)
        return rc;
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO shifts (venue_id, kiosk_id, staff_id, serial, role, sia_number, "
                     "sia_status, verdict, on_at, night, vuln_trained, angela_trained, "
                     "bystander_trained, sia_ok, badge_flag, training_missing, duty) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                     "?16, ?17)",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, o->venue_id);
    sqlite3_bind_int64(st, 2, o->kiosk_id);
    sqlite3_bind_text(st, 3, b->staff_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, b->serial, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, (int)b->role);
    sqlite3_bind_text(st, 6, b->sia_number, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, (int)b->sia_status);
    sqlite3_bind_int(st, 8, (int)b->verdict);
    sqlite3_bind_int64(st, 9, e->occurred_at);
    sqlite3_bind_int(st, 10, night);
    sqlite3_bind_int(st, 11, vuln);
    sqlite3_bind_int(st, 12, angela);
    sqlite3_bind_int(st, 13, byst);
    sqlite3_bind_int(st, 14, sia_ok);
    sqlite3_bind_int(st, 15, (int)*flag);
    sqlite3_bind_int64(st, 16, (int64_t)b->training_missing);
    sqlite3_bind_int(st, 17, b->duty == LNT_DUTY_OTHER ? 1 : 0);
    rc = lnt_sq_done(s->w.db, st, err, "storing a shift");
    shift = sqlite3_last_insert_rowid(s->w.db);
    if (rc == LNT_OK && *flag != LNT_SIGNIN_OK)
        rc = lnt_sq_flag(
            s, *flag == LNT_SIGNIN_REVOKED ? LNT_FLAG_REVOKED_BADGE : LNT_FLAG_UNKNOWN_SERIAL, o, 0,
            b->staff_id, b->serial, e->occurred_at, e->seq, shift, err);
    if (rc == LNT_OK)
        rc = sia_check(s, o, e, shift, err);
    if (rc != LNT_OK)
        return rc;
    nd = lnt_sq_batch_night(s, o->venue_id, night, err);
    if (nd == NULL)
        return LNT_ERR_DB;
    nd->d[NC_SIGN_INS]++;
    nd->d[NC_STAFF]++;
    nd->d[NC_OPEN]++;
    nd->d[NC_STAFF_BYST] += byst;
    nd->d[NC_ANGELA_ON] += angela;
    if (door) {
        nd->d[NC_DOOR]++;
        nd->d[NC_DOOR_SIA] += sia_ok;
        nd->d[NC_DOOR_VULN] += vuln;
    }
    return LNT_OK;
}

static enum lnt_err derive_sign_out(struct lnt_store *s, const struct lnt_sq_origin *o,
                                    const struct lnt_event *e, char *err)
{
    const struct lnt_ev_badge *b = &e->u.badge;
    struct lnt_sq_night_delta *nd;
    sqlite3_stmt *st;
    int64_t shift = 0;
    int32_t night = 0;
    enum lnt_err rc;
    int r;

    /* the latest open shift of this person here, begun within SHIFT_MAX */
    st = lnt_sq_stmt(&s->w,
                     "SELECT id, night FROM shifts WHERE staff_id = ?2 AND on_at BETWEEN ?3 - ?4 "
                     "AND ?3 AND off_at IS NULL AND venue_id = ?1 ORDER BY on_at DESC, id DESC "
                     "LIMIT 1",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, o->venue_id);
    sqlite3_bind_text(st, 2, b->staff_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, e->occurred_at);
    sqlite3_bind_int64(st, 4, SHIFT_MAX);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        shift = sqlite3_column_int64(st, 0);
        night = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return lnt_sq_fail(s->w.db, err, "finding the shift to close");
    if (r == SQLITE_DONE)
        return lnt_sq_flag(s, LNT_FLAG_UNMATCHED_SIGN_OUT, o, 0, b->staff_id, b->serial,
                           e->occurred_at, e->seq, 0, err);
    st = lnt_sq_stmt(&s->w, "UPDATE shifts SET off_at = ?2, off_by = ?3 WHERE id = ?1", err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, shift);
    sqlite3_bind_int64(st, 2, e->occurred_at);
    /* "" when the person scanned out themselves */
    sqlite3_bind_text(st, 3, b->signed_out_by, -1, SQLITE_STATIC);
    rc = lnt_sq_done(s->w.db, st, err, "closing a shift");
    if (rc != LNT_OK)
        return rc;
    nd = lnt_sq_batch_night(s, o->venue_id, night, err);
    if (nd == NULL)
        return LNT_ERR_DB;
    nd->d[NC_OPEN]--;
    return LNT_OK;
}

/* What one incident row adds to its night. */
static void incident_counts(const char *kind, bool complete, bool within_hour, int32_t d[NC__N])
{
    bool spiking = strcmp(kind, "spiking") == 0;

    memset(d, 0, NC__N * sizeof d[0]);
    d[NC_INC] = 1;
    d[NC_INC_HOUR] = within_hour;
    d[NC_SPIKING] = spiking;
    d[NC_SPIKING_DONE] = spiking && complete;
    d[NC_ANGELA] = strcmp(kind, "angela") == 0;
}

struct incident_state {
    int64_t id, venue_id, updated_at, latest_seq, occurred_at;
    int32_t night;
    bool complete, within_hour;
    char kind[LNT_SHORT_TEXT];
};

/* 1 and *out filled when the report is known, 0 when not, -1 on error. */
static int incident_find(struct lnt_store *s, const char *report_id, struct incident_state *out,
                         char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(&s->w,
                                   "SELECT id, kind, complete, updated_at, latest_seq, night, "
                                   "within_hour, occurred_at, venue_id FROM incidents "
                                   "WHERE report_id = ?1",
                                   err);
    int r;

    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, report_id, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        lnt_sq_text(out->kind, sizeof out->kind, st, 1);
        out->complete = sqlite3_column_int(st, 2) != 0;
        out->updated_at = sqlite3_column_int64(st, 3);
        out->latest_seq = sqlite3_column_int64(st, 4);
        out->night = sqlite3_column_int(st, 5);
        out->within_hour = sqlite3_column_int(st, 6) != 0;
        out->occurred_at = sqlite3_column_int64(st, 7);
        out->venue_id = sqlite3_column_int64(st, 8);
    }
    sqlite3_reset(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        (void)lnt_sq_fail(s->w.db, err, "reading an incident");
        return -1;
    }
    return r == SQLITE_ROW;
}

/*
 * Stores the first save of a report; *fresh false (and nothing changed) when the report is known.
 * *id is the new row's id when fresh.
 */
static enum lnt_err incident_insert(struct lnt_store *s, const struct lnt_sq_origin *o,
                                    const struct lnt_event *e, bool *fresh, int64_t *id, char *err)
{
    const struct lnt_ev_incident *in = &e->u.incident;
    int32_t night = lnt_night_of(e->occurred_at);
    /* the lists' flag; scores compare the stored delay with their configured timely_minutes */
    bool within = e->recorded_at - e->occurred_at <= LNT_INCIDENT_HOUR;
    int32_t d[NC__N];
    struct lnt_sq_night_delta *nd;
    sqlite3_stmt *st;
    enum lnt_err rc;

    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO incidents (report_id, venue_id, kiosk_id, kind, severity, place, "
                     "outcome, police_called, complete, staff_id, occurred_at, first_recorded_at, "
                     "updated_at, latest_seq, updates, night, within_hour, sealed, "
                     "first_received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                     "?12, ?12, ?13, 1, ?14, ?15, ?16, ?17) "
                     "ON CONFLICT (report_id) DO NOTHING",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_text(st, 1, in->report_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, o->venue_id);
    sqlite3_bind_int64(st, 3, o->kiosk_id);
    sqlite3_bind_text(st, 4, in->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, in->severity);
    sqlite3_bind_text(st, 6, in->place, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, in->outcome, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, in->police_called);
    sqlite3_bind_int(st, 9, in->complete);
    sqlite3_bind_text(st, 10, in->staff_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, e->occurred_at);
    sqlite3_bind_int64(st, 12, e->recorded_at);
    sqlite3_bind_int64(st, 13, e->seq);
    sqlite3_bind_int(st, 14, night);
    sqlite3_bind_int(st, 15, within);
    if (in->sealed[0] != '\0')
        sqlite3_bind_text(st, 16, in->sealed, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 16);
    sqlite3_bind_int64(st, 17, o->received_at);
    rc = lnt_sq_done(s->w.db, st, err, "storing an incident");
    *fresh = rc == LNT_OK && sqlite3_changes(s->w.db) == 1;
    if (rc != LNT_OK || !*fresh)
        return rc;
    *id = sqlite3_last_insert_rowid(s->w.db);
    incident_counts(in->kind, in->complete, within, d);
    nd = lnt_sq_batch_night(s, o->venue_id, night, err);
    if (nd == NULL)
        return LNT_ERR_DB;
    for (int c = 0; c < NC__N; c++)
        nd->d[c] += d[c];
    rc = lnt_sq_batch_add_kind(s, o->venue_id, night, in->kind, 1, err);
    if (rc == LNT_OK)
        rc = lnt_sq_batch_add_hour(s, o->venue_id, e->occurred_at, LNT_EV_INCIDENT, in->kind, 1,
                                   err);
    return rc;
}

/*
 * A later save of a known report, from a kiosk of its own venue: the save received last wins,
 * whatever recorded_at its kiosk claims (events are derived in the order the server stored them,
 * live and on replay); counts move with its kind and completion.
 */
static enum lnt_err incident_update(struct lnt_store *s, const struct lnt_sq_origin *o,
                                    const struct lnt_event *e, const struct incident_state *old,
                                    char *err)
{
    const struct lnt_ev_incident *in = &e->u.incident;
    int32_t before[NC__N], after[NC__N];
    struct lnt_sq_night_delta *nd;
    sqlite3_stmt *st;
    enum lnt_err rc;

    st = lnt_sq_stmt(&s->w,
                     "UPDATE incidents SET kind = ?2, severity = ?3, place = ?4, outcome = ?5, "
                     "police_called = ?6, complete = ?7, staff_id = ?8, updated_at = ?9, "
                     "latest_seq = ?10, updates = updates + 1, kiosk_id = ?11, "
                     "sealed = coalesce(?12, sealed) WHERE id = ?1",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, old->id);
    sqlite3_bind_text(st, 2, in->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, in->severity);
    sqlite3_bind_text(st, 4, in->place, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, in->outcome, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, in->police_called);
    sqlite3_bind_int(st, 7, in->complete);
    sqlite3_bind_text(st, 8, in->staff_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, e->recorded_at);
    sqlite3_bind_int64(st, 10, e->seq);
    sqlite3_bind_int64(st, 11, o->kiosk_id);
    if (in->sealed[0] != '\0')
        sqlite3_bind_text(st, 12, in->sealed, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 12);
    rc = lnt_sq_done(s->w.db, st, err, "updating an incident");
    if (rc != LNT_OK)
        return rc;
    incident_counts(old->kind, old->complete, old->within_hour, before);
    incident_counts(in->kind, in->complete, old->within_hour, after);
    /* the report stays on its first night, whichever of its venue's kiosks sends the update */
    nd = lnt_sq_batch_night(s, old->venue_id, old->night, err);
    if (nd == NULL)
        return LNT_ERR_DB;
    for (int c = 0; c < NC__N; c++)
        nd->d[c] += after[c] - before[c];
    if (strcmp(old->kind, in->kind) == 0)
        return LNT_OK;
    rc = lnt_sq_batch_add_kind(s, old->venue_id, old->night, old->kind, -1, err);
    if (rc == LNT_OK)
        rc = lnt_sq_batch_add_kind(s, old->venue_id, old->night, in->kind, 1, err);
    if (rc == LNT_OK)
        rc = lnt_sq_batch_add_hour(s, old->venue_id, old->occurred_at, LNT_EV_INCIDENT, old->kind,
                                   -1, err);
    if (rc == LNT_OK)
        rc = lnt_sq_batch_add_hour(s, old->venue_id, old->occurred_at, LNT_EV_INCIDENT, in->kind, 1,
                                   err);
    return rc;
}

/* Keeps one save of report `incident_id` as its next part. */
static enum lnt_err incident_part(struct lnt_store *s, const struct lnt_sq_origin *o,
                                  const struct lnt_event *e, int64_t incident_id, char *err)
{
    const struct lnt_ev_incident *in = &e->u.incident;
    sqlite3_stmt *st;

    if (o->replay)
        return LNT_OK;
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO incident_parts (incident_id, kiosk_id, seq, recorded_at, "
                     "received_at, complete, sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, incident_id);
    sqlite3_bind_int64(st, 2, o->kiosk_id);
    sqlite3_bind_int64(st, 3, e->seq);
    sqlite3_bind_int64(st, 4, e->recorded_at);
    sqlite3_bind_int64(st, 5, o->received_at);
    sqlite3_bind_int(st, 6, in->complete);
    if (in->sealed[0] != '\0')
        sqlite3_bind_text(st, 7, in->sealed, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 7);
    return lnt_sq_done(s->w.db, st, err, "keeping a part of an incident");
}

int lnt_sq_incident_owned(struct lnt_store *s, const struct lnt_sq_origin *o,
                          const struct lnt_event *e, char *reason, size_t reason_size, char *err)
{
    struct incident_state old;
    char actor[32];
    int found;

    if (e->type != LNT_EV_INCIDENT)
        return 1;
    found = incident_find(s, e->u.incident.report_id, &old, err);
    if (found <= 0)
        return found < 0 ? -1 : 1;
    if (old.venue_id == o->venue_id)
        return 1;
    (void)snprintf(reason, reason_size,
                   "incident %s belongs to another venue: this kiosk may not change it; "
                   "not stored",
                   e->u.incident.report_id);
    (void)snprintf(actor, sizeof actor, "kiosk %" PRId64, o->kiosk_id);
    if (lnt_sq_audit_as(s, actor, "incident.conflict", e->u.incident.report_id, err,
                        "kiosk %" PRId64 " (venue %" PRId64 ") sent seq %" PRId64
                        " updating a %s incident of venue %" PRId64 ": refused, not stored",
                        o->kiosk_id, o->venue_id, e->seq, old.kind, old.venue_id) != LNT_OK)
        return -1;
    return 0;
}

/*
 * Most saves are a report's first: try that, and read the report only when it is known. A save
 * for another venue's report changes nothing (ingest refuses those before storing them; a
 * replay of events stored before that rule skips them here).
 */
static enum lnt_err derive_incident(struct lnt_store *s, const struct lnt_sq_origin *o,
                                    const struct lnt_event *e, char *err)
{
    struct incident_state old;
    bool fresh = false;
    int64_t id = 0;
    enum lnt_err rc = incident_insert(s, o, e, &fresh, &id, err);
    int found;

    if (rc != LNT_OK)
        return rc;
    if (!fresh) {
        found = incident_find(s, e->u.incident.report_id, &old, err);
        if (found < 0)
            return LNT_ERR_DB;
        if (found == 0)
            return lnt_fail(err, LNT_ERR_INTERNAL, "incident %s: neither stored nor found",
                            e->u.incident.report_id);
        if (old.venue_id != o->venue_id)
            return LNT_OK;
        id = old.id;
        rc = incident_update(s, o, e, &old, err);
    }
    if (rc == LNT_OK)
        rc = incident_part(s, o, e, id, err);
    /* Recorded without a badge (the kiosk's camera was down): the manager names who it was. */
    if (rc == LNT_OK && strcmp(e->u.incident.staff_id, LNT_STAFF_UNIDENTIFIED) == 0)
        rc = lnt_sq_flag(s, LNT_FLAG_UNIDENTIFIED_STAFF, o, 0, NULL, NULL, e->occurred_at, e->seq,
                         0, err);
    return rc;
}

static enum lnt_err derive_stock(struct lnt_store *s, const struct lnt_sq_origin *o,
                                 const struct lnt_event *e, char *err)
{
    const struct lnt_ev_stock *k = &e->u.stock;
    bool set = strcmp(k->kind, "count") == 0;
    int32_t delta = set || strcmp(k->kind, "delivery") == 0 ? k->quantity
                    : strcmp(k->kind, "handed_out") == 0    ? -k->quantity
                                                            : 0;
    int32_t night = lnt_night_of(e->occurred_at), level = 0;
    struct lnt_sq_night_delta *nd;
    sqlite3_stmt *st;
    enum lnt_err rc;
    int r;

    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO stock_levels (venue_id, level, updated_at) VALUES (?1, ?2, ?4) "
                     "ON CONFLICT (venue_id) DO UPDATE SET "
                     "level = CASE WHEN ?3 THEN excluded.level ELSE level + excluded.level END, "
                     "updated_at = max(updated_at, excluded.updated_at) RETURNING level",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, o->venue_id);
    sqlite3_bind_int(st, 2, delta);
    sqlite3_bind_int(st, 3, set);
    sqlite3_bind_int64(st, 4, e->occurred_at);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        level = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    if (r != SQLITE_ROW)
        return lnt_sq_fail(s->w.db, err, "updating the stock level");
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO stock_ledger (venue_id, kiosk_id, at, kind, quantity, "
                     "level_after, staff_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, o->venue_id);
    sqlite3_bind_int64(st, 2, o->kiosk_id);
    sqlite3_bind_int64(st, 3, e->occurred_at);
    sqlite3_bind_text(st, 4, k->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, k->quantity);
    sqlite3_bind_int(st, 6, level);
    sqlite3_bind_text(st, 7, k->staff_id, -1, SQLITE_STATIC);
    rc = lnt_sq_done(s->w.db, st, err, "storing a stock entry");
    if (rc != LNT_OK)
        return rc;
    nd = lnt_sq_batch_night(s, o->venue_id, night, err);
    if (nd == NULL)
        return LNT_ERR_DB;
    nd->d[NC_STOCK]++;
    nd->has_cup = true;
    nd->cup = level;
    return LNT_OK;
}

static void bind_tallies(sqlite3_stmt *st, int first, const int32_t t[LNT_TALLIES])
{
    for (int i = 0; i < LNT_TALLIES; i++)
        sqlite3_bind_int(st, first + i, t[i]);
}

/*
 * The team, base and leader of a shift event. Kiosks before the wire's `base`
 * and `leader` fields packed both into `team` as "base:<code>;leader:<code>":
 * such a team is split (and is no team name); the fields, when sent, win.
 */
static void shift_team(const struct lnt_ev_shift *v, char team[LNT_SHORT_TEXT],
                       char base[LNT_SHORT_TEXT], char leader[LNT_SHORT_TEXT])
{
    const char *semi = strstr(v->team, ";leader:");

    lnt_str_copy(team, LNT_SHORT_TEXT, v->team);
    base[0] = leader[0] = '\0';
    if (lnt_str_starts(v->team, "base:") && semi != NULL && semi > v->team + 5) {
        size_t n = (size_t)(semi - (v->team + 5));
        memcpy(base, v->team + 5, n); /* n < LNT_SHORT_TEXT: a part of team */
        base[n] = '\0';
        lnt_str_copy(leader, LNT_SHORT_TEXT, semi + 8);
        team[0] = '\0';
    }
    if (v->base[0] != '\0')
        lnt_str_copy(base, LNT_SHORT_TEXT, v->base);
    if (v->leader[0] != '\0')
        lnt_str_copy(leader, LNT_SHORT_TEXT, v->leader);
}

static enum lnt_err volunteer_insert(struct lnt_store *s, const struct lnt_sq_origin *o,
                                     const struct lnt_event *e, bool ended, char *err)
{
    const struct lnt_ev_shift *v = &e->u.shift;
    char team[LNT_SHORT_TEXT], base[LNT_SHORT_TEXT], leader[LNT_SHORT_TEXT];
    sqlite3_stmt *st =
        lnt_sq_stmt(&s->w,
                    "INSERT INTO volunteer_shifts (venue_id, kiosk_id, staff_id, call_sign, team, "
                    "team_size, start_at, end_at, at, night, water, flip_flops, blankets, bottles, "
                    "first_aid, cctv_calls, police_calls, calmed, base, leader) VALUES (?1, ?2, "
                    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
                    "?20)",
                    err);

    if (st == NULL)
        return LNT_ERR_DB;
    shift_team(v, team, base, leader);
    sqlite3_bind_int64(st, 1, o->venue_id);
    sqlite3_bind_int64(st, 2, o->kiosk_id);
    sqlite3_bind_text(st, 3, v->staff_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, v->call_sign, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, team, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 19, base, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 20, leader, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 6, v->team_size);
    sqlite3_bind_int64(st, 7, ended ? 0 : e->occurred_at);
    sqlite3_bind_int64(st, 8, ended ? e->occurred_at : 0);
    sqlite3_bind_int64(st, 9, e->occurred_at);
    sqlite3_bind_int(st, 10, lnt_night_of(e->occurred_at));
    if (ended)
        bind_tallies(st, 11, v->tallies);
    else
        for (int i = 0; i < LNT_TALLIES; i++)
            sqlite3_bind_int(st, 11 + i, 0);
    return lnt_sq_done(s->w.db, st, err, "storing a volunteer shift");
}

static enum lnt_err derive_shift_end(struct lnt_store *s, const struct lnt_sq_origin *o,
                                     const struct lnt_event *e, char *err)
{
    const struct lnt_ev_shift *v = &e->u.shift;
    sqlite3_stmt *st;
    enum lnt_err rc;

    st = lnt_sq_stmt(&s->w,
                     "UPDATE volunteer_shifts SET end_at = ?3, water = ?4, flip_flops = ?5, "
                     "blankets = ?6, bottles = ?7, first_aid = ?8, cctv_calls = ?9, "
                     "police_calls = ?10, calmed = ?11 WHERE id = (SELECT id FROM volunteer_shifts "
                     "WHERE venue_id = ?1 AND staff_id = ?2 AND end_at = 0 AND start_at <= ?3 "
                     "ORDER BY start_at DESC, id DESC LIMIT 1)",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, o->venue_id);
    sqlite3_bind_text(st, 2, v->staff_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, e->occurred_at);
    bind_tallies(st, 4, v->tallies);
    rc = lnt_sq_done(s->w.db, st, err, "ending a volunteer shift");
    if (rc != LNT_OK || sqlite3_changes(s->w.db) == 1)
        return rc;
    /* no start on record: keep the tallies anyway, and say so */
    rc = volunteer_insert(s, o, e, true, err);
    if (rc == LNT_OK)
        rc = lnt_sq_flag(s, LNT_FLAG_UNMATCHED_SHIFT_END, o, 0, v->staff_id, NULL, e->occurred_at,
                         e->seq, 0, err);
    return rc;
}

enum lnt_err lnt_sq_derive(struct lnt_store *s, const struct lnt_sq_origin *o,
                           const struct lnt_event *e, enum lnt_signin_flag *badge, char *err)
{
    enum lnt_signin_flag ignored;
    struct lnt_sq_night_delta *nd;
    enum lnt_err rc;

    if (badge == NULL)
        badge = &ignored;
    *badge = LNT_SIGNIN_OK;
    rc = lnt_sq_batch_add_hour(s, o->venue_id, e->occurred_at, (int)e->type, "", 1, err);
    if (rc != LNT_OK)
        return rc;
    nd = lnt_sq_batch_night(s, o->venue_id, lnt_night_of(e->occurred_at), err);
    if (nd == NULL)
        return LNT_ERR_DB;
    nd->d[NC_CONTACTS]++;
    switch (e->type) {
    case LNT_EV_SIGN_IN:
        return derive_sign_in(s, o, e, badge, err);
    case LNT_EV_SIGN_OUT:
        return derive_sign_out(s, o, e, err);
    case LNT_EV_BADGE_REFUSED:
        nd->d[NC_REFUSED]++;
        return LNT_OK;
    case LNT_EV_INCIDENT:
        return derive_incident(s, o, e, err);
    case LNT_EV_STOCK:
        return derive_stock(s, o, e, err);
    case LNT_EV_SHIFT_START:
        return volunteer_insert(s, o, e, false, err);
    case LNT_EV_SHIFT_END:
        return derive_shift_end(s, o, e, err);
    case LNT_EV_WELFARE:
        return lnt_sq_derive_welfare(s, o, e, err);
    case LNT_EV_DOOR_REFUSED:
        return derive_door_refused(s, o, e, err);
    default:
        return LNT_OK;
    }
}
