/* pg_derive.c - the store on PostgreSQL: what each accepted event changes besides its own row
 * (door register, copied-badge, badge-register and SIA checks, incidents and their parts, stock,
 * volunteer shifts, welfare, flags), as server/store/sqlite/sq_derive.c does. Each event's
 * changes are one statement (its reads and writes joined in one WITH), queued on the batch's
 * pipeline, so that a batch costs one round trip; what they count goes to the rollups. */
#include "pg_int.h"

#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "night.h"

#define COPY_WINDOW (16 * 3600) /* an open shift older than this is not "on shift now" */
#define SHIFT_MAX (24 * 3600)   /* a sign_out closes only a shift begun this recently */

_Static_assert(LNT_TALLIES == 8, "volunteer statements name eight tallies");

#define FLAG_COLS "(kind, venue_id, other_venue_id, kiosk_id, staff_id, serial, at, seq, other)"

static const struct lnt_pg_stmt st_flag = {0, "INSERT INTO flags " FLAG_COLS
                                              " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"};

/*
 * A sign_in: training in date on its night (from the server's register), a copy of the badge
 * on shift elsewhere, what the badge register says of the serial, the shift, and the flags of
 * what was found, in the order SQLite writes them. $1 venue, $2 kiosk, $3 staff_id, $4 serial,
 * $5 role, $6 sia_number, $7 sia_status, $8 verdict, $9 on_at, $10 night, $11 the staff id as
 * a number (0: not one of ours), $12 the serial's bytes (NULL: not a serial the scheme could
 * have issued), $13 training_missing, $14 duty, $15 seq, $16 sia_ok, $17 door, $18 the kiosk
 * judged the licence valid, $19 the London date, $20 the copy window's start.
 */
static const struct lnt_pg_stmt st_sign_in = {
    1,
    "WITH t AS (SELECT coalesce(bool_or(course IN (1, 2)), false) AS vuln, "
    "coalesce(bool_or(course = 3), false) AS angela, coalesce(bool_or(course = 1), false) AS byst "
    "FROM training WHERE staff_id = $11::bigint AND course BETWEEN 1 AND 3 "
    "AND completed <= $10::bigint AND (expires = 0 OR expires >= $10::bigint)), "
    "c AS (SELECT id, venue_id FROM shifts WHERE $4::text <> '' AND staff_id = $3::text "
    "AND on_at BETWEEN $20::bigint AND $9::bigint AND serial = $4::text "
    "AND venue_id <> $1::bigint AND (off_at IS NULL OR off_at > $9::bigint) "
    "ORDER BY on_at DESC LIMIT 1), "
    "b AS (SELECT CASE WHEN $12::bytea IS NULL THEN 2 ELSE coalesce((SELECT CASE WHEN "
    "coalesce(revoked_at, 0) <> 0 AND revoked_at <= $9::bigint THEN 1 ELSE 0 END FROM badges "
    "WHERE serial = $12::bytea), 2) END AS flag), "
    "s AS (INSERT INTO shifts (venue_id, kiosk_id, staff_id, serial, role, sia_number, "
    "sia_status, verdict, on_at, night, vuln_trained, angela_trained, bystander_trained, sia_ok, "
    "badge_flag, training_missing, duty) SELECT $1::bigint, $2::bigint, $3::text, $4::text, "
    "$5::bigint, $6::text, $7::bigint, $8::bigint, $9::bigint, $10::bigint, t.vuln::int, "
    "t.angela::int, t.byst::int, $16::bigint, b.flag, $13::bigint, $14::bigint FROM t, b "
    "RETURNING id), "
    "f AS (INSERT INTO flags " FLAG_COLS " SELECT x.k, $1::bigint, x.ov, $2::bigint, $3::text, "
    "$4::text, $9::bigint, $15::bigint, x.oth FROM (SELECT 1 AS ord, 1 AS k, c.venue_id AS ov, "
    "c.id AS oth FROM c UNION ALL SELECT 2, CASE b.flag WHEN 1 THEN 7 ELSE 8 END, 0, s.id "
    "FROM b, s WHERE b.flag <> 0 UNION ALL SELECT 3, 11, 0, s.id FROM s WHERE $17::int = 1 AND "
    "($18::int = 0 OR " LNT_PG_SIA_ON(
        "$6::text", "$19::bigint") " <> 0)) x ORDER BY x.ord) "
                                   "SELECT t.vuln, t.angela, t.byst, b.flag FROM t, b"};

/* A sign_out closes the latest open shift of its person here begun within SHIFT_MAX, or is
 * flagged. $1 venue, $2 staff_id, $3 at, $4 SHIFT_MAX, $5 signed out by, $6 kiosk, $7 serial,
 * $8 seq. The closed shift's night, when one was closed. */
static const struct lnt_pg_stmt st_sign_out = {
    2, "WITH f AS (SELECT id, night FROM shifts WHERE staff_id = $2::text AND on_at BETWEEN "
       "$3::bigint - $4::bigint AND $3::bigint AND off_at IS NULL AND venue_id = $1::bigint "
       "ORDER BY on_at DESC, id DESC LIMIT 1), "
       "u AS (UPDATE shifts SET off_at = $3::bigint, off_by = $5::text FROM f "
       "WHERE shifts.id = f.id RETURNING f.night), "
       "x AS (INSERT INTO flags " FLAG_COLS " SELECT 2, $1::bigint, 0, $6::bigint, $2::text, "
       "$7::text, $3::bigint, $8::bigint, 0 WHERE NOT EXISTS (SELECT 1 FROM f)) "
       "SELECT night FROM u"};

/*
 * An incident save: the report's first save is stored, a later one from a kiosk of its own
 * venue updates it (the save received last wins), one for another venue's report changes
 * nothing; either of the first two is kept as the report's next part. $1 report_id, $2 venue,
 * $3 kiosk, $4 kind, $5 severity, $6 place, $7 outcome, $8 police_called, $9 complete,
 * $10 staff_id, $11 occurred_at, $12 recorded_at, $13 seq, $14 night, $15 within the hour,
 * $16 sealed (NULL: none), $17 received_at, $18 recorded without a badge. Returns whether it was
 * new, and the report as it was.
 */
static const struct lnt_pg_stmt st_incident = {
    3,
    "WITH old AS (SELECT id, kind, complete, night, within_hour, occurred_at, venue_id "
    "FROM incidents WHERE report_id = $1::text), "
    "ins AS (INSERT INTO incidents (report_id, venue_id, kiosk_id, kind, severity, place, "
    "outcome, police_called, complete, staff_id, occurred_at, first_recorded_at, updated_at, "
    "latest_seq, updates, night, within_hour, sealed, first_received_at) SELECT $1::text, "
    "$2::bigint, $3::bigint, $4::text, $5::bigint, $6::text, $7::text, $8::bigint, $9::bigint, "
    "$10::text, $11::bigint, $12::bigint, $12::bigint, $13::bigint, 1, $14::bigint, $15::bigint, "
    "$16::text, $17::bigint WHERE NOT EXISTS (SELECT 1 FROM old) "
    "ON CONFLICT (report_id) DO NOTHING RETURNING id), "
    "upd AS (UPDATE incidents i SET kind = $4::text, severity = $5::bigint, place = $6::text, "
    "outcome = $7::text, police_called = $8::bigint, complete = $9::bigint, staff_id = $10::text, "
    "updated_at = $12::bigint, latest_seq = $13::bigint, updates = i.updates + 1, "
    "kiosk_id = $3::bigint, sealed = coalesce($16::text, i.sealed) FROM old "
    "WHERE i.id = old.id AND old.venue_id = $2::bigint RETURNING i.id), "
    "mine AS (SELECT id FROM ins UNION ALL SELECT id FROM upd), "
    "part AS (INSERT INTO incident_parts (incident_id, kiosk_id, seq, recorded_at, received_at, "
    "complete, sealed) SELECT id, $3::bigint, $13::bigint, $12::bigint, $17::bigint, $9::bigint, "
    "$16::text FROM mine), "
    "fl AS (INSERT INTO flags " FLAG_COLS " SELECT 9, $2::bigint, 0, $3::bigint, '', '', "
    "$11::bigint, $13::bigint, 0 FROM mine WHERE $18::int = 1) "
    "SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM upd), old.kind, old.complete, "
    "old.night, old.within_hour, old.occurred_at, old.venue_id "
    "FROM (SELECT 1) one LEFT JOIN old ON true"};

/* A stock movement: the venue's level, and the ledger row with the level after it. $1 venue,
 * $2 delta (or the count), $3 a count, $4 at, $5 kiosk, $6 kind, $7 quantity, $8 staff_id. */
static const struct lnt_pg_stmt st_stock = {
    4, "WITH l AS (INSERT INTO stock_levels AS s (venue_id, level, updated_at) VALUES ($1::bigint, "
       "$2::bigint, $4::bigint) ON CONFLICT (venue_id) DO UPDATE SET level = CASE WHEN $3::int = 1 "
       "THEN excluded.level ELSE s.level + excluded.level END, "
       "updated_at = greatest(s.updated_at, excluded.updated_at) RETURNING level) "
       "INSERT INTO stock_ledger (venue_id, kiosk_id, at, kind, quantity, level_after, staff_id) "
       "SELECT $1::bigint, $5::bigint, $4::bigint, $6::text, $7::bigint, l.level, $8::text "
       "FROM l RETURNING level_after"};

#define VOLUNTEER_COLS                                                                             \
    "(venue_id, kiosk_id, staff_id, call_sign, team, team_size, start_at, end_at, at, night, "     \
    "water, flip_flops, blankets, bottles, first_aid, cctv_calls, police_calls, calmed, base, "    \
    "leader)"

/* A volunteer shift's start. $1 venue, $2 kiosk, $3 staff_id, $4 call_sign, $5 team,
 * $6 team_size, $7 at, $8 night, $9 base, $10 leader. */
static const struct lnt_pg_stmt st_shift_start = {5, "INSERT INTO volunteer_shifts " VOLUNTEER_COLS
                                                     " VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $7, "
                                                     "$8, 0, 0, 0, 0, 0, 0, 0, 0, $9, $10)"};

/* A volunteer shift's end: closes the latest open shift of its person here, or keeps the
 * tallies anyway as a shift without a start, flagged. $1 venue, $2 staff_id, $3 at,
 * $4-$11 tallies, $12 kiosk, $13 call_sign, $14 team, $15 team_size, $16 night, $17 base,
 * $18 leader, $19 seq. */
static const struct lnt_pg_stmt st_shift_end = {
    6, "WITH u AS (UPDATE volunteer_shifts SET end_at = $3::bigint, water = $4::bigint, "
       "flip_flops = $5::bigint, blankets = $6::bigint, bottles = $7::bigint, "
       "first_aid = $8::bigint, cctv_calls = $9::bigint, police_calls = $10::bigint, "
       "calmed = $11::bigint WHERE id = (SELECT id FROM volunteer_shifts WHERE venue_id = "
       "$1::bigint AND staff_id = $2::text AND end_at = 0 AND start_at <= $3::bigint "
       "ORDER BY start_at DESC, id DESC LIMIT 1) RETURNING id), "
       "i AS (INSERT INTO volunteer_shifts " VOLUNTEER_COLS " SELECT $1::bigint, $12::bigint, "
       "$2::text, $13::text, $14::text, $15::bigint, 0, $3::bigint, $3::bigint, $16::bigint, "
       "$4::bigint, $5::bigint, $6::bigint, $7::bigint, $8::bigint, $9::bigint, $10::bigint, "
       "$11::bigint, $17::text, $18::text WHERE NOT EXISTS (SELECT 1 FROM u) RETURNING id) "
       "INSERT INTO flags " FLAG_COLS " SELECT 3, $1::bigint, 0, $12::bigint, $2::text, '', "
       "$3::bigint, $19::bigint, 0 FROM i"};

/* A welfare record. */
static const struct lnt_pg_stmt st_welfare = {
    7, "INSERT INTO welfare (venue_id, kiosk_id, seq, staff_id, place, what, outcome, "
       "occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};

/* ---- flags ---- */

enum lnt_err lnt_pg_flag(struct lnt_pg_pipe *p, enum lnt_flag_kind kind,
                         const struct lnt_pg_origin *o, int64_t other_venue, const char *staff_id,
                         const char *serial, int64_t at, int64_t seq, int64_t other)
{
    struct lnt_pg_params *par = &p->par;

    lnt_pg_p_init(par);
    lnt_pg_p_i64(par, (int64_t)kind);
    lnt_pg_p_i64(par, o->venue_id);
    lnt_pg_p_i64(par, other_venue);
    lnt_pg_p_i64(par, o->kiosk_id);
    lnt_pg_p_text(par, staff_id != NULL ? staff_id : "");
    lnt_pg_p_text(par, serial != NULL ? serial : "");
    lnt_pg_p_i64(par, at);
    lnt_pg_p_i64(par, seq);
    lnt_pg_p_i64(par, other);
    return lnt_pg_pipe_run(p, &st_flag, par, NULL, NULL, 0);
}

/* ---- the door register ---- */

static enum lnt_err sign_in_read(const PGresult *r, void *ctx, size_t arg, char *err)
{
    struct lnt_pg_derived *d = ctx;

    if (d->undone != NULL && *d->undone)
        return LNT_OK;
    const struct lnt_ev_badge *b = &d->e->u.badge;
    bool vuln, angela, byst, door = b->role == LNT_ROLE_DOOR;
    bool sia_ok = b->sia_status == LNT_SIA_VALID || b->sia_status == LNT_SIA_EXPIRING;
    struct lnt_pg_night_delta *nd;

    (void)arg;
    if (PQntuples(r) != 1)
        return lnt_fail(err, LNT_ERR_INTERNAL, "storing a shift: no answer");
    vuln = lnt_pg_i64(r, 0, 0) != 0;
    angela = lnt_pg_i64(r, 0, 1) != 0;
    byst = lnt_pg_i64(r, 0, 2) != 0;
    if (d->badge != NULL)
        *d->badge = (int)lnt_pg_i64(r, 0, 3);
    nd = lnt_pg_rollups_night(d->r, d->o.venue_id, lnt_night_of(d->e->occurred_at), err);
    if (nd == NULL)
        return LNT_ERR_NOMEM;
    nd->d[LNT_PG_NC_SIGN_INS]++;
    nd->d[LNT_PG_NC_STAFF]++;
    nd->d[LNT_PG_NC_OPEN]++;
    nd->d[LNT_PG_NC_STAFF_BYST] += byst;
    nd->d[LNT_PG_NC_ANGELA_ON] += angela;
    if (door) {
        nd->d[LNT_PG_NC_DOOR]++;
        nd->d[LNT_PG_NC_DOOR_SIA] += sia_ok;
        nd->d[LNT_PG_NC_DOOR_VULN] += vuln;
    }
    return LNT_OK;
}

static enum lnt_err derive_sign_in(struct lnt_pg_pipe *p, struct lnt_pg_derived *d)
{
    const struct lnt_event *e = d->e;
    const struct lnt_ev_badge *b = &e->u.badge;
    struct lnt_pg_params *par = &p->par;
    int32_t night = lnt_night_of(e->occurred_at);
    bool sia_ok = b->sia_status == LNT_SIA_VALID || b->sia_status == LNT_SIA_EXPIRING;
    uint8_t serial[LNT_SERIAL_LEN];
    bool serial_ok = lnt_hex_decode(b->serial, serial, sizeof serial) == LNT_OK;
    int64_t staff = 0;

    if (lnt_parse_i64(b->staff_id, 1, INT64_MAX, &staff) != LNT_OK)
        staff = 0; /* not one of ours: no training on record */
    lnt_pg_p_init(par);
    lnt_pg_p_i64(par, d->o.venue_id);
    lnt_pg_p_i64(par, d->o.kiosk_id);
    lnt_pg_p_text(par, b->staff_id);
    lnt_pg_p_text(par, b->serial);
    lnt_pg_p_i64(par, (int64_t)b->role);
    lnt_pg_p_text(par, b->sia_number);
    lnt_pg_p_i64(par, (int64_t)b->sia_status);
    lnt_pg_p_i64(par, (int64_t)b->verdict);
    lnt_pg_p_i64(par, e->occurred_at);
    lnt_pg_p_i64(par, night);
    lnt_pg_p_i64(par, staff);
    if (serial_ok)
        lnt_pg_p_bytes(par, serial, sizeof serial);
    else
        lnt_pg_p_text(par, NULL);
    lnt_pg_p_i64(par, (int64_t)b->training_missing);
    lnt_pg_p_i64(par, b->duty == LNT_DUTY_OTHER ? 1 : 0);
    lnt_pg_p_i64(par, e->seq);
    lnt_pg_p_i64(par, sia_ok);
    lnt_pg_p_i64(par, b->role == LNT_ROLE_DOOR);
    lnt_pg_p_i64(par, lnt_sia_status_ok(b->sia_status));
    lnt_pg_p_i64(par, lnt_london_date(e->occurred_at));
    lnt_pg_p_i64(par, e->occurred_at - COPY_WINDOW);
    return lnt_pg_pipe_run(p, &st_sign_in, par, sign_in_read, d, 0);
}

static enum lnt_err sign_out_read(const PGresult *r, void *ctx, size_t arg, char *err)
{
    struct lnt_pg_derived *d = ctx;

    if (d->undone != NULL && *d->undone)
        return LNT_OK;
    struct lnt_pg_night_delta *nd;

    (void)arg;
    if (PQntuples(r) == 0)
        return LNT_OK; /* no open shift: flagged */
    nd = lnt_pg_rollups_night(d->r, d->o.venue_id, (int32_t)lnt_pg_i64(r, 0, 0), err);
    if (nd == NULL)
        return LNT_ERR_NOMEM;
    nd->d[LNT_PG_NC_OPEN]--;
    return LNT_OK;
}

static enum lnt_err derive_sign_out(struct lnt_pg_pipe *p, struct lnt_pg_derived *d)
{
    const struct lnt_ev_badge *b = &d->e->u.badge;
    struct lnt_pg_params *par = &p->par;

    lnt_pg_p_init(par);
    lnt_pg_p_i64(par, d->o.venue_id);
    lnt_pg_p_text(par, b->staff_id);
    lnt_pg_p_i64(par, d->e->occurred_at);
    lnt_pg_p_i64(par, SHIFT_MAX);
    /* "" when the person scanned out themselves */
    lnt_pg_p_text(par, b->signed_out_by);
    lnt_pg_p_i64(par, d->o.kiosk_id);
    lnt_pg_p_text(par, b->serial);
    lnt_pg_p_i64(par, d->e->seq);
    return lnt_pg_pipe_run(p, &st_sign_out, par, sign_out_read, d, 0);
}

/* ---- incidents ---- */

/* What one incident row adds to its night. */
static void incident_counts(const char *kind, bool complete, bool within_hour,
                            int32_t c[LNT_PG_NC__N])
{
    bool spiking = strcmp(kind, "spiking") == 0;

    memset(c, 0, LNT_PG_NC__N * sizeof c[0]);
    c[LNT_PG_NC_INC] = 1;
    c[LNT_PG_NC_INC_HOUR] = within_hour;
    c[LNT_PG_NC_SPIKING] = spiking;
    c[LNT_PG_NC_SPIKING_DONE] = spiking && complete;
    c[LNT_PG_NC_ANGELA] = strcmp(kind, "angela") == 0;
}

/* The counts of a first save. */
static enum lnt_err incident_new(struct lnt_pg_derived *d, char *err)
{
    const struct lnt_event *e = d->e;
    const struct lnt_ev_incident *in = &e->u.incident;
    int32_t night = lnt_night_of(e->occurred_at), c[LNT_PG_NC__N];
    /* the lists' flag; scores compare the stored delay with their configured timely_minutes */
    bool within = e->recorded_at - e->occurred_at <= LNT_INCIDENT_HOUR;
    struct lnt_pg_night_delta *nd = lnt_pg_rollups_night(d->r, d->o.venue_id, night, err);
    enum lnt_err rc;

    if (nd == NULL)
        return LNT_ERR_NOMEM;
    incident_counts(in->kind, in->complete, within, c);
    for (int k = 0; k < LNT_PG_NC__N; k++)
        nd->d[k] += c[k];
    rc = lnt_pg_rollups_kind(d->r, d->o.venue_id, night, in->kind, 1, err);
    if (rc == LNT_OK)
        rc = lnt_pg_rollups_hour(d->r, d->o.venue_id, e->occurred_at, LNT_EV_INCIDENT, in->kind, 1,
                                 err);
    return rc;
}

/* The counts of a later save: they move with its kind and completion; the report stays on its
 * first night, whichever of its venue's kiosks sends the update. */
static enum lnt_err incident_changed(struct lnt_pg_derived *d, const PGresult *r, char *err)
{
    const struct lnt_ev_incident *in = &d->e->u.incident;
    char old_kind[LNT_SHORT_TEXT];
    bool old_complete = lnt_pg_i64(r, 0, 3) != 0, old_within = lnt_pg_i64(r, 0, 5) != 0;
    int32_t old_night = (int32_t)lnt_pg_i64(r, 0, 4), before[LNT_PG_NC__N], after[LNT_PG_NC__N];
    int64_t old_at = lnt_pg_i64(r, 0, 6), venue = lnt_pg_i64(r, 0, 7);
    struct lnt_pg_night_delta *nd;
    enum lnt_err rc;

    lnt_pg_text(r, 0, 2, old_kind, sizeof old_kind);
    incident_counts(old_kind, old_complete, old_within, before);
    incident_counts(in->kind, in->complete, old_within, after);
    nd = lnt_pg_rollups_night(d->r, venue, old_night, err);
    if (nd == NULL)
        return LNT_ERR_NOMEM;
    for (int k = 0; k < LNT_PG_NC__N; k++)
        nd->d[k] += after[k] - before[k];
    if (strcmp(old_kind, in->kind) == 0)
        return LNT_OK;
    rc = lnt_pg_rollups_kind(d->r, venue, old_night, old_kind, -1, err);
    if (rc == LNT_OK)
        rc = lnt_pg_rollups_kind(d->r, venue, old_night, in->kind, 1, err);
    if (rc == LNT_OK)
        rc = lnt_pg_rollups_hour(d->r, venue, old_at, LNT_EV_INCIDENT, old_kind, -1, err);
    if (rc == LNT_OK)
        rc = lnt_pg_rollups_hour(d->r, venue, old_at, LNT_EV_INCIDENT, in->kind, 1, err);
    return rc;
}

static enum lnt_err incident_read(const PGresult *r, void *ctx, size_t arg, char *err)
{
    struct lnt_pg_derived *d = ctx;

    if (d->undone != NULL && *d->undone)
        return LNT_OK;

    (void)arg;
    if (PQntuples(r) != 1)
        return lnt_fail(err, LNT_ERR_INTERNAL, "storing an incident: no answer");
    if (lnt_pg_i64(r, 0, 0) == 1)
        return incident_new(d, err);
    if (lnt_pg_null(r, 0, 2))
        /* stored by another server's transaction between this one's read and its write */
        return lnt_fail(err, LNT_ERR_INTERNAL, "incident %s: neither stored nor found",
                        d->e->u.incident.report_id);
    if (lnt_pg_i64(r, 0, 1) == 0)
        return LNT_OK; /* another venue's report: changes nothing */
    return incident_changed(d, r, err);
}

static enum lnt_err derive_incident(struct lnt_pg_pipe *p, struct lnt_pg_derived *d)
{
    const struct lnt_event *e = d->e;
    const struct lnt_ev_incident *in = &e->u.incident;
    struct lnt_pg_params *par = &p->par;

    lnt_pg_p_init(par);
    lnt_pg_p_text(par, in->report_id);
    lnt_pg_p_i64(par, d->o.venue_id);
    lnt_pg_p_i64(par, d->o.kiosk_id);
    lnt_pg_p_text(par, in->kind);
    lnt_pg_p_i64(par, in->severity);
    lnt_pg_p_text(par, in->place);
    lnt_pg_p_text(par, in->outcome);
    lnt_pg_p_i64(par, in->police_called);
    lnt_pg_p_i64(par, in->complete);
    lnt_pg_p_text(par, in->staff_id);
    lnt_pg_p_i64(par, e->occurred_at);
    lnt_pg_p_i64(par, e->recorded_at);
    lnt_pg_p_i64(par, e->seq);
    lnt_pg_p_i64(par, lnt_night_of(e->occurred_at));
    lnt_pg_p_i64(par, e->recorded_at - e->occurred_at <= LNT_INCIDENT_HOUR);
    lnt_pg_p_text(par, in->sealed[0] != '\0' ? in->sealed : NULL);
    lnt_pg_p_i64(par, d->o.received_at);
    /* recorded without a badge (the kiosk's camera was down): the manager names who it was */
    lnt_pg_p_i64(par, strcmp(in->staff_id, LNT_STAFF_UNIDENTIFIED) == 0);
    return lnt_pg_pipe_run(p, &st_incident, par, incident_read, d, 0);
}

static enum lnt_err owners_read(const PGresult *r, void *ctx, size_t arg, char *err)
{
    struct lnt_pg_owners *own = ctx;

    (void)arg;
    (void)err;
    own->n = 0;
    for (int row = 0; row < PQntuples(r) && row < LNT_BATCH_MAX; row++) {
        lnt_pg_text(r, row, 0, own->report[row], sizeof own->report[row]);
        own->venue[row] = lnt_pg_i64(r, row, 1);
        lnt_pg_text(r, row, 2, own->kind[row], sizeof own->kind[row]);
        own->n++;
    }
    return LNT_OK;
}

enum lnt_err lnt_pg_incidents_ask(struct lnt_pg_pipe *p, const struct lnt_event *ev, size_t n,
                                  struct lnt_pg_owners *out)
{
    struct lnt_buf ids;
    size_t asked = 0;
    bool ok;

    out->n = 0;
    lnt_buf_init(&ids, 64 * 1024);
    ok = lnt_buf_puts(&ids, "{") == LNT_OK;
    for (size_t i = 0; i < n && ok; i++)
        /* report ids are UUIDs (the wire checks them): nothing to quote */
        if (ev[i].type == LNT_EV_INCIDENT)
            ok = lnt_buf_printf(&ids, "%s\"%s\"", asked++ > 0 ? "," : "",
                                ev[i].u.incident.report_id) == LNT_OK;
    ok = ok && lnt_buf_append(&ids, "}", 2) == LNT_OK;
    if (!ok && p->rc == LNT_OK)
        p->rc = lnt_fail(p->err, LNT_ERR_NOMEM, "out of memory reading incidents");
    if (ok && asked > 0) {
        lnt_pg_p_init(&p->par);
        lnt_pg_p_text(&p->par, ids.data);
        (void)lnt_pg_pipe_send(p,
                               "SELECT report_id, venue_id, kind FROM incidents "
                               "WHERE report_id = ANY($1::text[])",
                               &p->par, owners_read, out, 0);
    }
    lnt_buf_release(&ids);
    return p->rc;
}

enum lnt_err lnt_pg_incidents_owned(PGconn *pg, const struct lnt_pg_origin *o,
                                    const struct lnt_event *ev, size_t n,
                                    const struct lnt_pg_owners *own, bool *owned,
                                    struct lnt_ingest_result *results, char *err)
{
    enum lnt_err rc = LNT_OK;

    for (size_t i = 0; i < n; i++)
        owned[i] = true;
    for (size_t i = 0; rc == LNT_OK && i < n; i++) {
        const char *report = ev[i].u.incident.report_id;
        char actor[32];
        int row = 0;

        if (ev[i].type != LNT_EV_INCIDENT)
            continue;
        while (row < own->n && strcmp(own->report[row], report) != 0)
            row++;
        if (row == own->n || own->venue[row] == o->venue_id)
            continue;
        owned[i] = false;
        (void)snprintf(results[i].reason, sizeof results[i].reason,
                       "incident %s belongs to another venue: this kiosk may not change it; "
                       "not stored",
                       report);
        (void)snprintf(actor, sizeof actor, "kiosk %" PRId64, o->kiosk_id);
        rc = lnt_pg_audit_actor(NULL, pg, actor, "incident.conflict", report, err,
                                "kiosk %" PRId64 " (venue %" PRId64 ") sent seq %" PRId64
                                " updating a %s incident of venue %" PRId64 ": refused, not stored",
                                o->kiosk_id, o->venue_id, ev[i].seq, own->kind[row],
                                own->venue[row]);
    }
    return rc;
}

/* ---- stock, volunteers, welfare ---- */

static enum lnt_err stock_read(const PGresult *r, void *ctx, size_t arg, char *err)
{
    struct lnt_pg_derived *d = ctx;

    if (d->undone != NULL && *d->undone)
        return LNT_OK;
    struct lnt_pg_night_delta *nd;

    (void)arg;
    if (PQntuples(r) != 1)
        return lnt_fail(err, LNT_ERR_INTERNAL, "updating the stock level: no answer");
    nd = lnt_pg_rollups_night(d->r, d->o.venue_id, lnt_night_of(d->e->occurred_at), err);
    if (nd == NULL)
        return LNT_ERR_NOMEM;
    nd->d[LNT_PG_NC_STOCK]++;
    nd->has_cup = true;
    nd->cup = (int32_t)lnt_pg_i64(r, 0, 0);
    return LNT_OK;
}

static enum lnt_err derive_stock(struct lnt_pg_pipe *p, struct lnt_pg_derived *d)
{
    const struct lnt_ev_stock *k = &d->e->u.stock;
    struct lnt_pg_params *par = &p->par;
    bool set = strcmp(k->kind, "count") == 0;
    int32_t delta = set || strcmp(k->kind, "delivery") == 0 ? k->quantity
                    : strcmp(k->kind, "handed_out") == 0    ? -k->quantity
                                                            : 0;

    lnt_pg_p_init(par);
    lnt_pg_p_i64(par, d->o.venue_id);
    lnt_pg_p_i64(par, delta);
    lnt_pg_p_i64(par, set);
    lnt_pg_p_i64(par, d->e->occurred_at);
    lnt_pg_p_i64(par, d->o.kiosk_id);
    lnt_pg_p_text(par, k->kind);
    lnt_pg_p_i64(par, k->quantity);
    lnt_pg_p_text(par, k->staff_id);
    return lnt_pg_pipe_run(p, &st_stock, par, stock_read, d, 0);
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

static enum lnt_err derive_shift(struct lnt_pg_pipe *p, struct lnt_pg_derived *d)
{
    const struct lnt_event *e = d->e;
    const struct lnt_ev_shift *v = &e->u.shift;
    struct lnt_pg_params *par = &p->par;
    char team[LNT_SHORT_TEXT], base[LNT_SHORT_TEXT], leader[LNT_SHORT_TEXT];

    /* libpq copies the parameters when the statement is queued: locals will do */
    shift_team(v, team, base, leader);
    lnt_pg_p_init(par);
    lnt_pg_p_i64(par, d->o.venue_id);
    if (e->type == LNT_EV_SHIFT_START) {
        lnt_pg_p_i64(par, d->o.kiosk_id);
        lnt_pg_p_text(par, v->staff_id);
        lnt_pg_p_text(par, v->call_sign);
        lnt_pg_p_text(par, team);
        lnt_pg_p_i64(par, v->team_size);
        lnt_pg_p_i64(par, e->occurred_at);
        lnt_pg_p_i64(par, lnt_night_of(e->occurred_at));
        lnt_pg_p_text(par, base);
        lnt_pg_p_text(par, leader);
        return lnt_pg_pipe_run(p, &st_shift_start, par, NULL, NULL, 0);
    }
    lnt_pg_p_text(par, v->staff_id);
    lnt_pg_p_i64(par, e->occurred_at);
    for (int i = 0; i < LNT_TALLIES; i++)
        lnt_pg_p_i64(par, v->tallies[i]);
    lnt_pg_p_i64(par, d->o.kiosk_id);
    lnt_pg_p_text(par, v->call_sign);
    lnt_pg_p_text(par, team);
    lnt_pg_p_i64(par, v->team_size);
    lnt_pg_p_i64(par, lnt_night_of(e->occurred_at));
    lnt_pg_p_text(par, base);
    lnt_pg_p_text(par, leader);
    lnt_pg_p_i64(par, e->seq);
    return lnt_pg_pipe_run(p, &st_shift_end, par, NULL, NULL, 0);
}

static enum lnt_err derive_welfare(struct lnt_pg_pipe *p, struct lnt_pg_derived *d)
{
    const struct lnt_ev_welfare *w = &d->e->u.welfare;
    struct lnt_pg_params *par = &p->par;

    lnt_pg_p_init(par);
    lnt_pg_p_i64(par, d->o.venue_id);
    lnt_pg_p_i64(par, d->o.kiosk_id);
    lnt_pg_p_i64(par, d->e->seq);
    lnt_pg_p_text(par, w->staff_id);
    lnt_pg_p_text(par, w->place);
    lnt_pg_p_text(par, w->what);
    lnt_pg_p_text(par, w->outcome);
    lnt_pg_p_i64(par, d->e->occurred_at);
    return lnt_pg_pipe_run(p, &st_welfare, par, NULL, NULL, 0);
}

enum lnt_err lnt_pg_derive_count(struct lnt_pg_derived *d, char *err)
{
    const struct lnt_event *e = d->e;
    struct lnt_pg_night_delta *nd;
    enum lnt_err rc;

    rc = lnt_pg_rollups_hour(d->r, d->o.venue_id, e->occurred_at, (int)e->type, "", 1, err);
    nd = rc == LNT_OK ? lnt_pg_rollups_night(d->r, d->o.venue_id, lnt_night_of(e->occurred_at), err)
                      : NULL;
    if (nd == NULL)
        return LNT_ERR_NOMEM;
    nd->d[LNT_PG_NC_CONTACTS]++;
    if (e->type == LNT_EV_BADGE_REFUSED)
        nd->d[LNT_PG_NC_REFUSED]++;
    return LNT_OK;
}

enum lnt_err lnt_pg_derive(struct lnt_pg_pipe *p, struct lnt_pg_derived *d)
{
    const struct lnt_event *e = d->e;

    if (d->badge != NULL)
        *d->badge = LNT_SIGNIN_OK;
    if (p->rc != LNT_OK)
        return p->rc;
    /* what every event counts, now unless the caller counts it once it knows it stands */
    if (d->undone == NULL && lnt_pg_derive_count(d, p->err) != LNT_OK)
        return p->rc = LNT_ERR_NOMEM;
    switch (e->type) {
    case LNT_EV_SIGN_IN:
        return derive_sign_in(p, d);
    case LNT_EV_SIGN_OUT:
        return derive_sign_out(p, d);
    case LNT_EV_INCIDENT:
        return derive_incident(p, d);
    case LNT_EV_STOCK:
        return derive_stock(p, d);
    case LNT_EV_SHIFT_START:
    case LNT_EV_SHIFT_END:
        return derive_shift(p, d);
    case LNT_EV_WELFARE:
        return derive_welfare(p, d);
    case LNT_EV_DOOR_REFUSED:
        /* nobody went on shift; the scheme is told at once */
        return lnt_pg_flag(p, LNT_FLAG_DOOR_REFUSED, &d->o, 0, e->u.badge.staff_id,
                           e->u.badge.serial, e->occurred_at, e->seq,
                           (int64_t)e->u.badge.sia_status);
    default:
        return LNT_OK;
    }
}
