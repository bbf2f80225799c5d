/* pg_door.c - the store on PostgreSQL: the scheme's door rules (required training per role, SIA
 * licences listed as suspended or revoked) that kiosks apply at the door and ingest reads. */
#include "pg_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "night.h"

enum lnt_err lnt_pg_audit_actor(struct lnt_store *s, PGconn *pg, const char *actor,
                                const char *action, const char *object, char *err, const char *fmt,
                                ...)
{
    char detail[512], who[LNT_PG_ACTOR_LEN];
    struct lnt_pg_params p;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if (actor != NULL) {
        (void)lnt_str_copy(who, sizeof who, actor);
    } else {
        pthread_mutex_lock(&s->mu);
        (void)lnt_str_copy(who, sizeof who, s->actor);
        pthread_mutex_unlock(&s->mu);
    }
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, lnt_time_now());
    lnt_pg_p_text(&p, who);
    lnt_pg_p_text(&p, action);
    lnt_pg_p_text(&p, object != NULL ? object : "");
    lnt_pg_p_text(&p, detail);
    return lnt_pg_exec(pg,
                       "INSERT INTO audit_log (at, actor, action, object, detail) VALUES "
                       "($1, substr($2, 1, 63), substr($3, 1, 32), substr($4, 1, 64), $5)",
                       &p, NULL, err, "writing the audit log");
}

/* Rows a write changed. */
static int64_t changes(PGresult *r)
{
    int64_t n = 0;

    (void)lnt_parse_i64(PQcmdTuples((PGresult *)r), 0, INT64_MAX, &n);
    return n;
}

enum lnt_err lnt_store_required_get(struct lnt_store *s, struct lnt_required_training *out,
                                    char *err)
{
    PGresult *r = NULL;
    PGconn *pg = NULL;
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    rc = lnt_pg_take(s, &pg, err);
    if (rc == LNT_OK) {
        rc = lnt_pg_exec(pg, "SELECT role, course FROM required_training", NULL, &r, err,
                         "reading required training");
        lnt_pg_give(s, pg);
    }
    for (int i = 0; rc == LNT_OK && i < PQntuples(r); i++) {
        int64_t role = lnt_pg_i64(r, i, 0), course = lnt_pg_i64(r, i, 1);
        if (role > LNT_ROLE_NONE && role < LNT_ROLE_SLOTS && course > LNT_COURSE_NONE &&
            course <= LNT_COURSE__MAX)
            out->courses[role] |= LNT_COURSE_BIT(course);
    }
    PQclear(r);
    out->known = rc == LNT_OK;
    return rc;
}

enum lnt_err lnt_store_required_set(struct lnt_store *s, enum lnt_role role, enum lnt_course course,
                                    bool required, bool *changed, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    PGconn *pg = NULL;
    enum lnt_err rc;

    if (changed != NULL)
        *changed = false;
    if (role <= LNT_ROLE_NONE || role > LNT_ROLE_VOLUNTEER)
        return lnt_fail(err, LNT_ERR_INVALID, "role %d is not one of door, bar, manager, volunteer",
                        (int)role);
    if (course <= LNT_COURSE_NONE || course > LNT_COURSE__MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "training course %d is not known", (int)course);
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    if (rc != LNT_OK)
        goto out;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, (int64_t)role);
    lnt_pg_p_i64(&p, (int64_t)course);
    rc = lnt_pg_exec(pg,
                     required ? "INSERT INTO required_training (role, course) VALUES ($1, $2) "
                                "ON CONFLICT DO NOTHING"
                              : "DELETE FROM required_training WHERE role = $1 AND course = $2",
                     &p, &r, err, "changing required training");
    if (rc != LNT_OK || changes(r) == 0)
        goto out; /* already so: nothing to audit */
    if (changed != NULL)
        *changed = true;
    rc = lnt_pg_audit_actor(s, pg, NULL, required ? "training.require" : "training.unrequire",
                            lnt_role_name(role), err, "%s", lnt_course_name(course));
    if (rc == LNT_OK)
        rc = lnt_pg_notify(pg, LNT_STORE_CHANGED_ALL, err);
out:
    PQclear(r);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    if (rc != LNT_OK && changed != NULL)
        *changed = false;
    return rc;
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

/* Records one word unless the history already holds exactly it; *done when it changed. */
static enum lnt_err entry_write(struct lnt_store *s, PGconn *pg, const char *actor,
                                const struct lnt_sia_entry *e, int64_t now, bool *done, char *err)
{
    char day[LNT_DATE_STRLEN], who[LNT_PG_ACTOR_LEN];
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc;

    *done = false;
    if (actor != NULL) {
        (void)lnt_str_copy(who, sizeof who, actor);
    } else {
        pthread_mutex_lock(&s->mu);
        (void)lnt_str_copy(who, sizeof who, s->actor);
        pthread_mutex_unlock(&s->mu);
    }
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, e->l.number);
    lnt_pg_p_i64(&p, e->l.from);
    lnt_pg_p_i64(&p, (int64_t)e->l.status);
    lnt_pg_p_text(&p, e->note);
    lnt_pg_p_i64(&p, now);
    lnt_pg_p_text(&p, who);
    /* the same word (status and note) again changes nothing */
    rc = lnt_pg_exec(pg,
                     "INSERT INTO sia_history AS h (number, from_day, status, note, set_at, "
                     "set_by) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (number, from_day) DO "
                     "UPDATE SET status = excluded.status, note = excluded.note, set_at = "
                     "excluded.set_at, set_by = excluded.set_by WHERE h.status <> excluded.status "
                     "OR h.note <> excluded.note",
                     &p, &r, err, "recording an SIA licence's status");
    if (rc == LNT_OK)
        *done = changes(r) > 0;
    PQclear(r);
    if (rc != LNT_OK || !*done)
        return rc;
    if (lnt_date_format(e->l.from, day) != LNT_OK)
        lnt_str_copy(day, sizeof day, "?");
    return lnt_pg_audit_actor(s, pg, actor, "sia.set-status", e->l.number, err,
                              "%s from %s%s%.200s", lnt_sia_listing_name(e->l.status), day,
                              e->note[0] ? ": " : "", e->note);
}

enum lnt_err lnt_store_sia_put(struct lnt_store *s, const char *actor,
                               const struct lnt_sia_entry *rows, size_t n, size_t *changed,
                               char *err)
{
    int64_t now = lnt_time_now();
    size_t done = 0;
    PGresult *r = NULL;
    PGconn *pg = NULL;
    enum lnt_err rc;

    if (changed != NULL)
        *changed = 0;
    for (size_t i = 0; i < n; i++)
        if ((rc = entry_check(&rows[i], i, err)) != LNT_OK)
            return rc;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    for (size_t i = 0; rc == LNT_OK && i < n; i++) {
        bool one = false;
        rc = entry_write(s, pg, actor, &rows[i], now, &one, err);
        done += one;
    }
    if (rc != LNT_OK || done == 0)
        goto out;
    rc = lnt_pg_exec(pg, "SELECT count(DISTINCT number) FROM sia_history", NULL, &r, err,
                     "counting listed SIA licences");
    if (rc == LNT_OK && lnt_pg_i64(r, 0, 0) > LNT_SIA_LISTED_MAX)
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE,
                      "more than %d SIA licences would be listed: kiosks keep at most that many",
                      LNT_SIA_LISTED_MAX);
    PQclear(r);
    if (rc == LNT_OK) /* a door shift's licence reads differently at any venue */
        rc = lnt_pg_notify(pg, LNT_STORE_CHANGED_ALL, err);
out:
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
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
    struct lnt_pg_params p;
    PGresult *r = NULL;
    PGconn *pg = NULL;
    enum lnt_err rc;

    if (!sia_number_ok(number))
        return lnt_fail(err, LNT_ERR_INVALID, "an SIA licence number is 16 digits");
    if (from != 0 && lnt_date_format(from, day) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "the date of the word to clear is out of range");
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    if (rc != LNT_OK)
        goto out;
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, number);
    lnt_pg_p_i64(&p, from);
    rc = lnt_pg_exec(pg, "DELETE FROM sia_history WHERE number = $1 AND ($2 = 0 OR from_day = $2)",
                     &p, &r, err, "clearing an SIA licence's status");
    if (rc != LNT_OK)
        goto out;
    if (changes(r) == 0) {
        rc = from != 0 ? lnt_fail(err, LNT_ERR_NOT_FOUND, "SIA licence %s has no status from %s",
                                  number, day)
                       : lnt_fail(err, LNT_ERR_NOT_FOUND, "SIA licence %s is not listed", number);
        goto out;
    }
    rc = lnt_pg_audit_actor(s, pg, actor, "sia.clear", number, err, "%s%s",
                            from != 0 ? "the status from " : "every status on it", day);
    if (rc == LNT_OK)
        rc = lnt_pg_notify(pg, LNT_STORE_CHANGED_ALL, err);
out:
    PQclear(r);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

static void listed_row(const PGresult *r, int row, void *elem)
{
    struct lnt_sia_listed *l = elem;

    lnt_pg_text(r, row, 0, l->number, sizeof l->number);
    l->status = (enum lnt_sia_listing)lnt_pg_i64(r, row, 1);
    l->from = (int32_t)lnt_pg_i64(r, row, 2);
}

/* lnt_pg_list on a connection of the pool. */
static enum lnt_err read_list(struct lnt_store *s, const char *sql, const struct lnt_pg_params *p,
                              size_t elem, lnt_pg_row_fn fn, void **out, size_t *n, char *err,
                              const char *what)
{
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    *out = NULL;
    *n = 0;
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_list(pg, sql, p, elem, fn, out, n, err, what);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_sia_listed(struct lnt_store *s, struct lnt_sia_listed **out, size_t *n,
                                  char *err)
{
    struct lnt_pg_params p;
    enum lnt_err rc;

    /* per number, the word in force today, or the first one to come when none is yet */
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, lnt_london_date(lnt_time_now()));
    rc = read_list(s,
                   "SELECT h.number, h.status, h.from_day FROM sia_history h WHERE h.from_day "
                   "= coalesce((SELECT max(x.from_day) FROM sia_history x WHERE x.number = "
                   "h.number AND x.from_day <= $1), (SELECT min(x.from_day) FROM sia_history x "
                   "WHERE x.number = h.number)) ORDER BY h.number",
                   &p, sizeof **out, listed_row, (void **)out, n, err, "listing SIA licences");
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

static void entry_row(const PGresult *r, int row, void *elem)
{
    struct lnt_sia_entry *e = elem;

    listed_row(r, row, &e->l);
    lnt_pg_text(r, row, 3, e->note, sizeof e->note);
    e->set_at = lnt_pg_i64(r, row, 4);
    lnt_pg_text(r, row, 5, e->set_by, sizeof e->set_by);
}

enum lnt_err lnt_store_sia_entries(struct lnt_store *s, struct lnt_sia_entry **out, size_t *n,
                                   char *err)
{
    return read_list(s,
                     "SELECT number, status, from_day, note, set_at, set_by FROM sia_history "
                     "ORDER BY number, from_day",
                     NULL, sizeof **out, entry_row, (void **)out, n, err, "listing SIA licences");
}

enum lnt_err lnt_store_sia_status_on(struct lnt_store *s, const char *number, int32_t day,
                                     enum lnt_sia_listing *out, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = LNT_SIA_LISTED_VALID;
    if (number[0] == '\0')
        return LNT_OK;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, number);
    lnt_pg_p_i64(&p, day);
    rc = lnt_pg_exec(pg, "SELECT " LNT_PG_SIA_ON("$1", "$2"), &p, &r, err,
                     "reading an SIA licence's history");
    lnt_pg_give(s, pg);
    if (rc == LNT_OK)
        *out = (enum lnt_sia_listing)lnt_pg_i64(r, 0, 0);
    PQclear(r);
    return rc;
}
