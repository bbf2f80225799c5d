/* sq_door.c - the store on SQLite: the scheme's door rules (required training per role, SIA
 * licences listed as suspended or revoked) that kiosks apply at the door. */
#include "sq_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"

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

enum lnt_err lnt_store_sia_set(struct lnt_store *s, const char *number, enum lnt_sia_listing status,
                               int32_t from, char *err)
{
    char day[LNT_DATE_STRLEN];
    sqlite3_stmt *st;
    enum lnt_err rc;

    if (!sia_number_ok(number))
        return lnt_fail(err, LNT_ERR_INVALID, "an SIA licence number is 16 digits");
    if (status < LNT_SIA_LISTED_VALID || status > LNT_SIA_LISTED_REVOKED)
        return lnt_fail(err, LNT_ERR_INVALID, "status must be valid, suspended or revoked");
    if (from < 1 || lnt_date_format(from, day) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "the date the status holds from is out of range");
    rc = lnt_sq_wbegin(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "INSERT OR REPLACE INTO sia_listed (number, status, from_day, set_at) "
                     "VALUES (?1, ?2, ?3, ?4)",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, (int)status);
    sqlite3_bind_int(st, 3, from);
    sqlite3_bind_int64(st, 4, lnt_time_now());
    rc = lnt_sq_done(s->w.db, st, err, "listing an SIA licence");
    if (rc == LNT_OK)
        rc = lnt_sq_audit(s, "sia.set-status", number, err, "%s from %s",
                          lnt_sia_listing_name(status), day);
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

    rc = lnt_sq_rlist(s, "SELECT number, status, from_day FROM sia_listed ORDER BY number", 0,
                      sizeof **out, listed_row, (void **)out, n, err, "listing SIA licences");
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

enum lnt_err lnt_sq_sia_listing_on(struct lnt_store *s, const char *number, int32_t day,
                                   enum lnt_sia_listing *out, char *err)
{
    sqlite3_stmt *st;
    int r;

    *out = LNT_SIA_LISTED_VALID;
    if (number[0] == '\0')
        return LNT_OK;
    st = lnt_sq_stmt(&s->w, "SELECT status FROM sia_listed WHERE number = ?1 AND from_day <= ?2",
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
               : lnt_sq_fail(s->w.db, err, "reading an SIA listing");
}
