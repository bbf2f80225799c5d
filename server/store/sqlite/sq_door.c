/* sq_door.c - the store on SQLite: the scheme's door rules (required training per role, SIA
 * licences listed as suspended or revoked) that kiosks apply at the door. */
#include "sq_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "night.h"

enum lnt_err lnt_store_required_get(struct lnt_store *s, struct lnt_required_training *out,
                                    char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    sqlite3_stmt *st;
    enum lnt_err rc = LNT_ERR_DB;
    int r = SQLITE_ERROR;

    memset(out, 0, sizeof *out);
    st = lnt_sq_stmt(c, "SELECT role, course FROM required_training", err);
    if (st != NULL) {
        while ((r = sqlite3_step(st)) == SQLITE_ROW) {
            int role = sqlite3_column_int(st, 0), course = sqlite3_column_int(st, 1);
            if (role > LNT_ROLE_NONE && role < LNT_ROLE_SLOTS && course > LNT_COURSE_NONE &&
                course <= LNT_COURSE__MAX)
                out->courses[role] |= LNT_COURSE_BIT(course);
        }
        rc = r == SQLITE_DONE ? LNT_OK : lnt_sq_fail(c->db, err, "reading required training");
    }
    lnt_sq_rend(s, c);
    out->known = rc == LNT_OK;
    return rc;
}

enum lnt_err lnt_store_required_set(struct lnt_store *s, enum lnt_role role, enum lnt_course course,
                                    bool required, bool *changed, char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc;

    if (changed != NULL)
        *changed = false;
    if (role <= LNT_ROLE_NONE || role > LNT_ROLE_VOLUNTEER)
        return lnt_fail(err, LNT_ERR_INVALID, "role %d is not one of door, bar, manager, volunteer",
                        (int)role);
    if (course <= LNT_COURSE_NONE || course > LNT_COURSE__MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "training course %d is not known", (int)course);
    rc = lnt_sq_wbegin(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     required ? "INSERT OR IGNORE INTO required_training (role, course) "
                                "VALUES (?1, ?2)"
                              : "DELETE FROM required_training WHERE role = ?1 AND course = ?2",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int(st, 1, (int)role);
    sqlite3_bind_int(st, 2, (int)course);
    rc = lnt_sq_done(s->w.db, st, err, "changing required training");
    if (rc != LNT_OK || sqlite3_changes(s->w.db) == 0)
        goto out; /* already so: nothing to audit */
    if (changed != NULL)
        *changed = true;
    rc = lnt_sq_audit(s, required ? "training.require" : "training.unrequire", lnt_role_name(role),
                      err, "%s", lnt_course_name(course));
out:
    return lnt_sq_wend(s, rc, err);
}

static bool sia_number_ok(const char *s)
{
    size_t n = 0;

    for (; s[n] != '\0'; n++)
        if (s[n] < '0' || s[n] > '9' || n >= LNT_SIA_NUMBER_LEN)
            return false;
    return n == LNT_SIA_NUMBER_LEN;
}

/* ---- the scheme's word on SIA licences: the latest per number (kiosks), and the history ---- */

static enum lnt_err entry_check(const struct lnt_sia_entry *e, size_t i, char *err)
{
    char day[LNT_DATE_STRLEN];

    if (!sia_number_ok(e->l.number))
        return lnt_fail(err, LNT_ERR_INVALID, "row %zu: an SIA licence number is 16 digits", i);
    if (e->l.status < LNT_SIA_LISTED_VALID || e->l.status > LNT_SIA_LISTED_REVOKED)
        return lnt_fail(err, LNT_ERR_INVALID, "row %zu: status must be valid, suspended or revoked",
                        i);
    if (e->l.from < 1 || lnt_date_format(e->l.from, day) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "row %zu: the date the status holds from is out of range", i);
    if (strnlen(e->note, sizeof e->note) > LNT_SIA_NOTE_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "row %zu: the note is over %d bytes", i,
                        LNT_SIA_NOTE_MAX);
    return LNT_OK;
}

/* 1 when the history already holds exactly this word, 0 when not, -1 on error. */
static int entry_same(struct lnt_store *s, const struct lnt_sia_entry *e, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(&s->w,
                                   "SELECT 1 FROM sia_history WHERE number = ?1 AND from_day = ?2 "
                                   "AND status = ?3 AND note = ?4",
                                   err);
    int r;

    if (st == NULL)
        return -1;
    sqlite3_bind_text(st, 1, e->l.number, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, e->l.from);
    sqlite3_bind_int(st, 3, (int)e->l.status);
    sqlite3_bind_text(st, 4, e->note, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    sqlite3_reset(st);
    if (r == SQLITE_ROW || r == SQLITE_DONE)
        return r == SQLITE_ROW;
    lnt_sq_fail(s->w.db, err, "reading an SIA licence's history");
    return -1;
}

static enum lnt_err entry_write(struct lnt_store *s, const char *actor,
                                const struct lnt_sia_entry *e, int64_t now, char *err)
{
    char day[LNT_DATE_STRLEN];
    sqlite3_stmt *st;
    enum lnt_err rc;

    st = lnt_sq_stmt(&s->w,
                     "INSERT OR REPLACE INTO sia_history (number, from_day, status, note, set_at, "
                     "set_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_text(st, 1, e->l.number, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, e->l.from);
    sqlite3_bind_int(st, 3, (int)e->l.status);
    sqlite3_bind_text(st, 4, e->note, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_text(st, 6, actor != NULL ? actor : s->actor, -1, SQLITE_STATIC);
    rc = lnt_sq_done(s->w.db, st, err, "recording an SIA licence's status");
    if (rc != LNT_OK)
        return rc;
    if (lnt_date_format(e->l.from, day) != LNT_OK)
        lnt_str_copy(day, sizeof day, "?");
    return lnt_sq_audit_as(s, actor, "sia.set-status", e->l.number, err, "%s from %s%s%.200s",
                           lnt_sia_listing_name(e->l.status), day, e->note[0] ? ": " : "", e->note);
}

enum lnt_err lnt_store_sia_put(struct lnt_store *s, const char *actor,
                               const struct lnt_sia_entry *rows, size_t n, size_t *changed,
                               char *err)
{
    int64_t now = lnt_time_now();
    size_t done = 0;
    sqlite3_stmt *st;
    enum lnt_err rc;
    int r;

    if (changed != NULL)
        *changed = 0;
    for (size_t i = 0; i < n; i++)
        if ((rc = entry_check(&rows[i], i, err)) != LNT_OK)
            return rc;
    rc = lnt_sq_wbegin(s, err);
    for (size_t i = 0; rc == LNT_OK && i < n; i++) {
        int same = entry_same(s, &rows[i], err);
        if (same < 0)
            rc = LNT_ERR_DB;
        else if (same == 0 && (rc = entry_write(s, actor, &rows[i], now, err)) == LNT_OK)
            done++;
    }
    if (rc != LNT_OK || done == 0)
        goto out;
    st = lnt_sq_stmt(&s->w, "SELECT count(DISTINCT number) FROM sia_history", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    r = sqlite3_step(st);
    if (r != SQLITE_ROW)
        rc = lnt_sq_fail(s->w.db, err, "counting listed SIA licences");
    else if (sqlite3_column_int64(st, 0) > LNT_SIA_LISTED_MAX)
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE,
                      "more than %d SIA licences would be listed: kiosks keep at most that many",
                      LNT_SIA_LISTED_MAX);
    sqlite3_reset(st);
out:
    rc = lnt_sq_wend(s, rc, err);
    if (rc == LNT_OK && changed != NULL)
        *changed = done;
    return rc;
}

enum lnt_err lnt_store_sia_set(struct lnt_store *s, const char *number, enum lnt_sia_listing status,
                               int32_t from, char *err)
{
    struct lnt_sia_entry e;

    memset(&e, 0, sizeof e);
    if (lnt_str_copy(e.l.number, sizeof e.l.number, number) != LNT_OK || !sia_number_ok(number))
        return lnt_fail(err, LNT_ERR_INVALID, "an SIA licence number is 16 digits");
    if (status < LNT_SIA_LISTED_VALID || status > LNT_SIA_LISTED_REVOKED)
        return lnt_fail(err, LNT_ERR_INVALID, "status must be valid, suspended or revoked");
    e.l.status = status;
    e.l.from = from;
    if (entry_check(&e, 0, err) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "the date the status holds from is out of range");
    return lnt_store_sia_put(s, NULL, &e, 1, NULL, err);
}

enum lnt_err lnt_store_sia_clear(struct lnt_store *s, const char *actor, const char *number,
                                 int32_t from, char *err)
{
    char day[LNT_DATE_STRLEN] = "";
    sqlite3_stmt *st;
    enum lnt_err rc;

    if (!sia_number_ok(number))
        return lnt_fail(err, LNT_ERR_INVALID, "an SIA licence number is 16 digits");
    if (from != 0 && lnt_date_format(from, day) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "the date of the word to clear is out of range");
    rc = lnt_sq_wbegin(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(
        &s->w, "DELETE FROM sia_history WHERE number = ?1 AND (?2 = 0 OR from_day = ?2)", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, from);
    rc = lnt_sq_done(s->w.db, st, err, "clearing an SIA licence's status");
    if (rc != LNT_OK)
        goto out;
    if (sqlite3_changes(s->w.db) == 0) {
        rc = from != 0 ? lnt_fail(err, LNT_ERR_NOT_FOUND, "SIA licence %s has no status from %s",
                                  number, day)
                       : lnt_fail(err, LNT_ERR_NOT_FOUND, "SIA licence %s is not listed", number);
        goto out;
    }
    rc = lnt_sq_audit_as(s, actor, "sia.clear", number, err, "%s%s",
                         from != 0 ? "the status from " : "every status on it", day);
out:
    return lnt_sq_wend(s, rc, err);
}

static void listed_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_sia_listed *l = elem;

    lnt_sq_text(l->number, sizeof l->number, st, 0);
    l->status = (enum lnt_sia_listing)sqlite3_column_int(st, 1);
    l->from = sqlite3_column_int(st, 2);
}

enum lnt_err lnt_store_sia_listed(struct lnt_store *s, struct lnt_sia_listed **out, size_t *n,
                                  char *err)
{
    enum lnt_err rc;

    /* per number, the word in force today, or the first one to come when none is yet */
    rc = lnt_sq_rlist(s,
                      "SELECT h.number, h.status, h.from_day FROM sia_history h WHERE h.from_day "
                      "= coalesce((SELECT max(x.from_day) FROM sia_history x WHERE x.number = "
                      "h.number AND x.from_day <= ?1), (SELECT min(x.from_day) FROM sia_history x "
                      "WHERE x.number = h.number)) ORDER BY h.number",
                      lnt_london_date(lnt_time_now()), sizeof **out, listed_row, (void **)out, n,
                      err, "listing SIA licences");
    if (rc == LNT_OK && *n > LNT_SIA_LISTED_MAX) {
        free(*out);
        *out = NULL;
        *n = 0;
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE,
                      "more than %d SIA licences are listed: kiosks keep at most that many",
                      LNT_SIA_LISTED_MAX);
    }
    return rc;
}

static void entry_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_sia_entry *e = elem;

    listed_row(st, &e->l);
    lnt_sq_text(e->note, sizeof e->note, st, 3);
    e->set_at = sqlite3_column_int64(st, 4);
    lnt_sq_text(e->set_by, sizeof e->set_by, st, 5);
}

enum lnt_err lnt_store_sia_entries(struct lnt_store *s, struct lnt_sia_entry **out, size_t *n,
                                   char *err)
{
    return lnt_sq_rlist(s,
                        "SELECT number, status, from_day, note, set_at, set_by FROM sia_history "
                        "ORDER BY number, from_day",
                        0, sizeof **out, entry_row, (void **)out, n, err, "listing SIA licences");
}

/* The history's word on `number` on `day`, on connection c (read or write). */
static enum lnt_err status_on(struct lnt_sq_conn *c, const char *number, int32_t day,
                              enum lnt_sia_listing *out, char *err)
{
    sqlite3_stmt *st;
    int r;

    *out = LNT_SIA_LISTED_VALID;
    if (number[0] == '\0')
        return LNT_OK;
    st = lnt_sq_stmt(c,
                     "SELECT status FROM sia_history WHERE number = ?1 AND from_day <= ?2 "
                     "ORDER BY from_day DESC LIMIT 1",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, day);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        *out = (enum lnt_sia_listing)sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return r == SQLITE_ROW || r == SQLITE_DONE
               ? LNT_OK
               : lnt_sq_fail(c->db, err, "reading an SIA licence's history");
}

enum lnt_err lnt_sq_sia_listing_on(struct lnt_store *s, const char *number, int32_t day,
                                   enum lnt_sia_listing *out, char *err)
{
    return status_on(&s->w, number, day, out, err);
}

enum lnt_err lnt_store_sia_status_on(struct lnt_store *s, const char *number, int32_t day,
                                     enum lnt_sia_listing *out, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = status_on(c, number, day, out, err);

    lnt_sq_rend(s, c);
    return rc;
}

enum lnt_err lnt_sq_sia_apply(struct lnt_sq_conn *c, struct lnt_shift *rows, size_t n, char *err)
{
    for (size_t i = 0; i < n; i++) {
        struct lnt_shift *h = &rows[i];
        enum lnt_sia_listing l;
        enum lnt_err rc;
        if (h->role != LNT_ROLE_DOOR || h->sia_number[0] == '\0')
            continue;
        rc = status_on(c, h->sia_number, lnt_london_date(h->on_at), &l, err);
        if (rc != LNT_OK)
            return rc;
        if (l == LNT_SIA_LISTED_VALID)
            continue;
        h->sia_listed = h->sia_ok;
        h->sia_ok = false;
        h->sia_status = l == LNT_SIA_LISTED_REVOKED ? LNT_SIA_REVOKED : LNT_SIA_SUSPENDED;
    }
    return LNT_OK;
}
