/* outbox_state.c - the kiosk's own view kept beside the outbox: who is on shift, volunteer shifts,
 * cup-cover stock, open reports, settings, the town's places. */
#include <string.h>

#include "buf.h"
#include "ltime.h"
#include "outbox_int.h"

enum lnt_err lnt_outbox_on_shift_get(struct lnt_outbox *ob, const char *staff_id, bool *on,
                                     int64_t *since, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;
    int step;

    *on = false;
    *since = 0;
    rc = lnt_outbox_prepare(ob, "SELECT since FROM on_shift WHERE staff_id = ?", &st, err);
    if (rc != LNT_OK)
        return rc;
    sqlite3_bind_text(st, 1, staff_id, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *on = true;
        *since = sqlite3_column_int64(st, 0);
    } else if (step != SQLITE_DONE) {
        rc = lnt_outbox_db_fail(ob, err, "read on-shift");
    }
    sqlite3_finalize(st);
    return rc;
}

enum lnt_err lnt_outbox_on_shift_set(struct lnt_outbox *ob, const char *staff_id, int64_t since,
                                     const char *serial, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;

    rc = lnt_outbox_prepare(
        ob, "INSERT OR REPLACE INTO on_shift(staff_id, since, serial) VALUES (?, ?, ?)", &st, err);
    if (rc != LNT_OK)
        return rc;
    sqlite3_bind_text(st, 1, staff_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, since);
    sqlite3_bind_text(st, 3, serial ? serial : "", -1, SQLITE_STATIC);
    return lnt_outbox_step_done(ob, st, err, "record on-shift");
}

enum lnt_err lnt_outbox_on_shift_clear(struct lnt_outbox *ob, const char *staff_id, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;

    rc = lnt_outbox_prepare(ob, "DELETE FROM on_shift WHERE staff_id = ?", &st, err);
    if (rc != LNT_OK)
        return rc;
    sqlite3_bind_text(st, 1, staff_id, -1, SQLITE_STATIC);
    return lnt_outbox_step_done(ob, st, err, "clear on-shift");
}

static enum lnt_err volunteer(struct lnt_outbox *ob, const struct lnt_event *ev, char *err)
{
    const struct lnt_ev_shift *sh = &ev->u.shift;
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;
    bool start = ev->type == LNT_EV_SHIFT_START;

    rc = start ? lnt_outbox_on_shift_set(ob, sh->staff_id, ev->occurred_at, "", err)
               : lnt_outbox_on_shift_clear(ob, sh->staff_id, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_outbox_prepare(ob,
                            start ? "INSERT OR REPLACE INTO volunteer_shift(staff_id, call_sign,"
                                    " team, team_size) VALUES (?, ?, ?, ?)"
                                  : "DELETE FROM volunteer_shift WHERE staff_id = ?",
                            &st, err);
    if (rc != LNT_OK)
        return rc;
    sqlite3_bind_text(st, 1, sh->staff_id, -1, SQLITE_STATIC);
    if (start) {
        sqlite3_bind_text(st, 2, sh->call_sign, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, sh->team, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, sh->team_size);
    }
    return lnt_outbox_step_done(ob, st, err, "record volunteer shift");
}

static enum lnt_err stock(struct lnt_outbox *ob, const struct lnt_ev_stock *s, char *err)
{
    int64_t level = 0;
    bool known = false;
    enum lnt_err rc;

    rc = lnt_outbox_setting_get(ob, LNT_SET_STOCK_LEVEL, &level, &known, err);
    if (rc != LNT_OK)
        return rc;
    if (strcmp(s->kind, "count") == 0) {
        level = s->quantity;
    } else if (!known) {
        return LNT_OK; /* deliveries and hand-outs before a first count say nothing of the level */
    } else if (strcmp(s->kind, "delivery") == 0) {
        level += s->quantity;
    } else {
        level = level > s->quantity ? level - s->quantity : 0;
    }
    return lnt_outbox_setting_set(ob, LNT_SET_STOCK_LEVEL, level, err);
}

static enum lnt_err report(struct lnt_outbox *ob, const struct lnt_event *ev, uint64_t answered,
                           int64_t cond, char *err)
{
    const struct lnt_ev_incident *in = &ev->u.incident;
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;

    if (in->complete) {
        rc = lnt_outbox_prepare(ob, "DELETE FROM open_report WHERE report_id = ?", &st, err);
        if (rc != LNT_OK)
            return rc;
        sqlite3_bind_text(st, 1, in->report_id, -1, SQLITE_STATIC);
        return lnt_outbox_step_done(ob, st, err, "close report");
    }
    rc = lnt_outbox_prepare(
        ob,
        "INSERT INTO open_report(report_id, kind, place, outcome, severity, police, occurred_at,"
        " answered, cond, staff_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(report_id) DO UPDATE SET place = excluded.place,"
        " outcome = excluded.outcome, police = excluded.police,"
        " answered = answered | excluded.answered, cond = excluded.cond,"
        " updated_at = excluded.updated_at",
        &st, err);
    if (rc != LNT_OK)
        return rc;
    sqlite3_bind_text(st, 1, in->report_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, in->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, in->place, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, in->outcome, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, in->severity);
    sqlite3_bind_int(st, 6, in->police_called ? 1 : 0);
    sqlite3_bind_int64(st, 7, ev->occurred_at);
    sqlite3_bind_int64(st, 8, (int64_t)answered);
    sqlite3_bind_int64(st, 9, cond);
    sqlite3_bind_text(st, 10, in->staff_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, ev->recorded_at);
    return lnt_outbox_step_done(ob, st, err, "keep open report");
}

/* The register line of a sign-in, for the manager's view and a sign-out made for them. */
static enum lnt_err person_set(struct lnt_outbox *ob, const struct lnt_ev_badge *b, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;

    rc = lnt_outbox_prepare(ob,
                            "INSERT OR REPLACE INTO shift_person(staff_id, role, sia_number,"
                            " sia_expires, sia_status, verdict) VALUES (?, ?, ?, ?, ?, ?)",
                            &st, err);
    if (rc != LNT_OK)
        return rc;
    sqlite3_bind_text(st, 1, b->staff_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, (int)b->role);
    sqlite3_bind_text(st, 3, b->sia_number, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, b->sia_expires);
    sqlite3_bind_int(st, 5, (int)b->sia_status);
    sqlite3_bind_int(st, 6, (int)b->verdict);
    return lnt_outbox_step_done(ob, st, err, "record who signed in");
}

static enum lnt_err person_clear(struct lnt_outbox *ob, const char *staff_id, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;

    rc = lnt_outbox_prepare(ob, "DELETE FROM shift_person WHERE staff_id = ?", &st, err);
    if (rc != LNT_OK)
        return rc;
    sqlite3_bind_text(st, 1, staff_id, -1, SQLITE_STATIC);
    return lnt_outbox_step_done(ob, st, err, "clear who signed in");
}

enum lnt_err lnt_outbox_track(struct lnt_outbox *ob, const struct lnt_event *ev, uint64_t answered,
                              int64_t cond, char *err)
{
    enum lnt_err rc;

    switch (ev->type) {
    case LNT_EV_SIGN_IN:
        rc = lnt_outbox_on_shift_set(ob, ev->u.badge.staff_id, ev->occurred_at, ev->u.badge.serial,
                                     err);
        return rc == LNT_OK ? person_set(ob, &ev->u.badge, err) : rc;
    case LNT_EV_SIGN_OUT:
        rc = lnt_outbox_on_shift_clear(ob, ev->u.badge.staff_id, err);
        return rc == LNT_OK ? person_clear(ob, ev->u.badge.staff_id, err) : rc;
    case LNT_EV_SHIFT_START:
    case LNT_EV_SHIFT_END:
        return volunteer(ob, ev, err);
    case LNT_EV_STOCK:
        return stock(ob, &ev->u.stock, err);
    case LNT_EV_INCIDENT:
        return report(ob, ev, answered, cond, err);
    default:
        return LNT_OK;
    }
}

static void text_into(sqlite3_stmt *st, int col, char *dst, size_t n)
{
    const unsigned char *p = sqlite3_column_text(st, col);
    lnt_str_copy(dst, n, p ? (const char *)p : "");
}

enum lnt_err lnt_outbox_open_reports(struct lnt_outbox *ob, struct lnt_open_report *out, size_t max,
                                     size_t *n, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;
    int step;

    *n = 0;
    rc = lnt_outbox_prepare(ob,
                            "SELECT report_id, kind, place, outcome, severity, police,"
                            " occurred_at, answered, cond, staff_id FROM open_report"
                            " ORDER BY occurred_at, report_id LIMIT ?",
                            &st, err);
    if (rc != LNT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, (int64_t)max);
    while (*n < max && (step = sqlite3_step(st)) == SQLITE_ROW) {
        struct lnt_open_report *r = &out[*n];
        memset(r, 0, sizeof *r);
        text_into(st, 0, r->report_id, sizeof r->report_id);
        text_into(st, 1, r->kind, sizeof r->kind);
        text_into(st, 2, r->place, sizeof r->place);
        text_into(st, 3, r->outcome, sizeof r->outcome);
        r->severity = sqlite3_column_int(st, 4);
        r->police_called = sqlite3_column_int(st, 5) != 0;
        r->occurred_at = sqlite3_column_int64(st, 6);
        r->answered = (uint64_t)sqlite3_column_int64(st, 7);
        r->cond = sqlite3_column_int64(st, 8);
        text_into(st, 9, r->staff_id, sizeof r->staff_id);
        (*n)++;
    }
    sqlite3_finalize(st);
    return LNT_OK;
}

enum lnt_err lnt_outbox_open_count(struct lnt_outbox *ob, int64_t *out, char *err)
{
    return lnt_outbox_query_int(ob, "SELECT count(*) FROM open_report", out, err,
                                "count open reports");
}

enum lnt_err lnt_outbox_shift_get(struct lnt_outbox *ob, const char *staff_id,
                                  struct lnt_ev_shift *out, bool *found, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;
    int step;

    memset(out, 0, sizeof *out);
    *found = false;
    rc = lnt_outbox_prepare(
        ob, "SELECT call_sign, team, team_size FROM volunteer_shift WHERE staff_id = ?", &st, err);
    if (rc != LNT_OK)
        return rc;
    sqlite3_bind_text(st, 1, staff_id, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        lnt_str_copy(out->staff_id, sizeof out->staff_id, staff_id);
        text_into(st, 0, out->call_sign, sizeof out->call_sign);
        text_into(st, 1, out->team, sizeof out->team);
        out->team_size = sqlite3_column_int(st, 2);
        *found = true;
    } else if (step != SQLITE_DONE) {
        rc = lnt_outbox_db_fail(ob, err, "read volunteer shift");
    }
    sqlite3_finalize(st);
    return rc;
}

enum lnt_err lnt_outbox_setting_get(struct lnt_outbox *ob, const char *key, int64_t *value,
                                    bool *found, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;
    int step;

    *found = false;
    rc = lnt_outbox_prepare(ob, "SELECT value FROM setting WHERE key = ?", &st, err);
    if (rc != LNT_OK)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *value = sqlite3_column_int64(st, 0);
        *found = true;
    } else if (step != SQLITE_DONE) {
        rc = lnt_outbox_db_fail(ob, err, "read setting");
    }
    sqlite3_finalize(st);
    return rc;
}

enum lnt_err lnt_outbox_setting_set(struct lnt_outbox *ob, const char *key, int64_t value,
                                    char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;

    /* An unchanged value writes nothing: no page of the card is touched. */
    rc = lnt_outbox_prepare(
        ob,
        "INSERT INTO setting(key, value) VALUES (?, ?) ON CONFLICT(key)"
        " DO UPDATE SET value = excluded.value WHERE value IS NOT excluded.value",
        &st, err);
    if (rc != LNT_OK)
        return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, value);
    return lnt_outbox_step_done(ob, st, err, "store setting");
}

enum lnt_err lnt_outbox_on_shift_name(struct lnt_outbox *ob, const char *staff_id, const char *name,
                                      char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;

    rc = lnt_outbox_prepare(ob, "UPDATE shift_person SET name = ? WHERE staff_id = ?", &st, err);
    if (rc != LNT_OK)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, staff_id, -1, SQLITE_STATIC);
    return lnt_outbox_step_done(ob, st, err, "record the name of who signed in");
}

enum lnt_err lnt_outbox_on_shift_list(struct lnt_outbox *ob, struct lnt_shift_person *out,
                                      size_t max, size_t *n, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;
    int step = SQLITE_DONE;

    *n = 0;
    rc = lnt_outbox_prepare(ob,
                            "SELECT s.staff_id, p.name, s.serial, p.role, p.sia_number,"
                            " p.sia_expires, p.sia_status, p.verdict, s.since FROM on_shift s"
                            " JOIN shift_person p ON p.staff_id = s.staff_id"
                            " ORDER BY s.since, s.staff_id LIMIT ?",
                            &st, err);
    if (rc != LNT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, (int64_t)max);
    while (*n < max && (step = sqlite3_step(st)) == SQLITE_ROW) {
        struct lnt_shift_person *p = &out[*n];
        memset(p, 0, sizeof *p);
        text_into(st, 0, p->staff_id, sizeof p->staff_id);
        text_into(st, 1, p->name, sizeof p->name);
        text_into(st, 2, p->serial, sizeof p->serial);
        p->role = (enum lnt_role)sqlite3_column_int(st, 3);
        text_into(st, 4, p->sia_number, sizeof p->sia_number);
        p->sia_expires = sqlite3_column_int(st, 5);
        p->sia_status = (enum lnt_sia_status)sqlite3_column_int(st, 6);
        p->verdict = (enum lnt_verdict)sqlite3_column_int(st, 7);
        p->since = sqlite3_column_int64(st, 8);
        (*n)++;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = lnt_outbox_db_fail(ob, err, "read who is on shift");
    sqlite3_finalize(st);
    return rc;
}

/* Whether the stored places are exactly `names` (n of them); false when they cannot be read. */
static bool places_same(struct lnt_outbox *ob, const char (*names)[LNT_SHORT_TEXT], size_t n)
{
    sqlite3_stmt *st = NULL;
    size_t i = 0;
    bool same = true;

    if (lnt_outbox_prepare(ob, "SELECT name FROM place ORDER BY pos", &st, NULL) != LNT_OK)
        return false;
    while (same && sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_text(st, 0);
        same = i < n && p != NULL && strcmp((const char *)p, names[i]) == 0;
        i++;
    }
    sqlite3_finalize(st);
    return same && i == n;
}

enum lnt_err lnt_outbox_places_set(struct lnt_outbox *ob, const char (*names)[LNT_SHORT_TEXT],
                                   size_t n, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;

    /* The same list at every refresh: the card is not written. */
    if (places_same(ob, names, n))
        return LNT_OK;
    rc = lnt_outbox_exec(ob, "BEGIN IMMEDIATE; DELETE FROM place;", err);
    if (rc != LNT_OK) {
        lnt_outbox_rollback(ob);
        return rc;
    }
    rc = lnt_outbox_prepare(ob, "INSERT INTO place(pos, name) VALUES (?, ?)", &st, err);
    for (size_t i = 0; rc == LNT_OK && i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, (int64_t)i);
        sqlite3_bind_text(st, 2, names[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lnt_outbox_db_fail(ob, err, "store a place");
    }
    sqlite3_finalize(st);
    if (rc == LNT_OK)
        rc = lnt_outbox_exec(ob, "COMMIT", err);
    if (rc != LNT_OK)
        lnt_outbox_rollback(ob);
    return rc;
}

enum lnt_err lnt_outbox_places_get(struct lnt_outbox *ob, char (*out)[LNT_SHORT_TEXT], size_t max,
                                   size_t *n, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;

    *n = 0;
    rc = lnt_outbox_prepare(ob, "SELECT name FROM place ORDER BY pos LIMIT ?", &st, err);
    if (rc != LNT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, (int64_t)max);
    while (*n < max && sqlite3_step(st) == SQLITE_ROW) {
        text_into(st, 0, out[*n], LNT_SHORT_TEXT);
        (*n)++;
    }
    sqlite3_finalize(st);
    return LNT_OK;
}

enum lnt_err lnt_outbox_notices_set(struct lnt_outbox *ob, const struct lnt_outbox_notice *in,
                                    size_t n, int more, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;

    rc = lnt_outbox_exec(ob, "BEGIN IMMEDIATE; DELETE FROM door_notice;", err);
    if (rc != LNT_OK) {
        lnt_outbox_rollback(ob);
        return rc;
    }
    rc = lnt_outbox_prepare(ob, "INSERT INTO door_notice(pos, name, at, why) VALUES (?, ?, ?, ?)",
                            &st, err);
    for (size_t i = 0; rc == LNT_OK && i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, (int64_t)i);
        sqlite3_bind_text(st, 2, in[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, in[i].at);
        sqlite3_bind_int(st, 4, in[i].why);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lnt_outbox_db_fail(ob, err, "store a door notice");
    }
    sqlite3_finalize(st);
    if (rc == LNT_OK)
        rc = lnt_outbox_setting_set(ob, LNT_SET_NOTICES_MORE, more, err);
    if (rc == LNT_OK)
        rc = lnt_outbox_exec(ob, "COMMIT", err);
    if (rc != LNT_OK)
        lnt_outbox_rollback(ob);
    return rc;
}

enum lnt_err lnt_outbox_notices_get(struct lnt_outbox *ob, struct lnt_outbox_notice *out,
                                    size_t max, size_t *n, int *more, char *err)
{
    sqlite3_stmt *st = NULL;
    int64_t m = 0;
    bool found = false;
    enum lnt_err rc;

    *n = 0;
    *more = 0;
    rc = lnt_outbox_prepare(ob, "SELECT name, at, why FROM door_notice ORDER BY pos LIMIT ?", &st,
                            err);
    if (rc != LNT_OK)
        return rc;
    sqlite3_bind_int64(st, 1, (int64_t)max);
    while (*n < max && sqlite3_step(st) == SQLITE_ROW) {
        text_into(st, 0, out[*n].name, sizeof out[*n].name);
        out[*n].at = sqlite3_column_int64(st, 1);
        out[*n].why = sqlite3_column_int(st, 2);
        (*n)++;
    }
    sqlite3_finalize(st);
    rc = lnt_outbox_setting_get(ob, LNT_SET_NOTICES_MORE, &m, &found, err);
    if (rc == LNT_OK && found && m > 0 && m <= INT32_MAX)
        *more = (int)m;
    return rc;
}
