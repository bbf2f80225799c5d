/* sq_casework.c - the store on SQLite: casework on each venue, each change a new version that
 * supersedes the one before (schema 13, 013_casework.sql). */
#include "sq_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "store_casework.h"

/* ---- reading ---- */

#define COLS                                                                                       \
    "c.id, c.venue_id, c.type, c.plan_id, c.created_at, v.version, v.on_date, v.kind, v.title, "   \
    "v.body, v.officers, v.findings, v.owner_id, v.status, v.evidence, v.hearing_on, v.outcome, "  \
    "v.conditions, v.pdf_sha256, coalesce((SELECT size FROM casework_files WHERE sha256 = "        \
    "v.pdf_sha256), 0), v.at, v.by, v.closed_at, v.closed_by, v.superseded_at "                    \
    "FROM casework c JOIN casework_versions v ON v.record_id = c.id "

static void cw_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_casework *c = elem;
    enum lnt_cw_type t = LNT_CW_NOTE;

    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(st, 0);
    c->venue_id = sqlite3_column_int64(st, 1);
    (void)lnt_cw_type_parse((const char *)sqlite3_column_text(st, 2), &t);
    c->type = t;
    c->plan_id = sqlite3_column_int64(st, 3);
    c->created_at = sqlite3_column_int64(st, 4);
    c->version = sqlite3_column_int(st, 5);
    c->on = sqlite3_column_int(st, 6);
    lnt_sq_text(c->kind, sizeof c->kind, st, 7);
    lnt_sq_text(c->title, sizeof c->title, st, 8);
    lnt_sq_text(c->text, sizeof c->text, st, 9);
    lnt_sq_text(c->officers, sizeof c->officers, st, 10);
    lnt_cw_findings_parse(c, (const char *)sqlite3_column_text(st, 11));
    c->owner_id = sqlite3_column_int64(st, 12);
    lnt_sq_text(c->status, sizeof c->status, st, 13);
    lnt_sq_text(c->evidence, sizeof c->evidence, st, 14);
    c->hearing_on = sqlite3_column_int(st, 15);
    lnt_sq_text(c->outcome, sizeof c->outcome, st, 16);
    lnt_sq_text(c->conditions, sizeof c->conditions, st, 17);
    lnt_sq_text(c->pdf_sha256, sizeof c->pdf_sha256, st, 18);
    c->pdf_size = sqlite3_column_int64(st, 19);
    c->at = sqlite3_column_int64(st, 20);
    lnt_sq_text(c->by, sizeof c->by, st, 21);
    c->closed_at = sqlite3_column_int64(st, 22);
    lnt_sq_text(c->closed_by, sizeof c->closed_by, st, 23);
    c->superseded_at = sqlite3_column_int64(st, 24);
}

/* The current version of record `id` on connection `conn`. LNT_ERR_NOT_FOUND, LNT_ERR_DB. */
static enum lnt_err load_current(struct lnt_sq_conn *conn, int64_t id, struct lnt_casework *out,
                                 char *err)
{
    sqlite3_stmt *st =
        lnt_sq_stmt(conn, "SELECT " COLS "WHERE c.id = ?1 AND v.superseded_at = 0", err);
    enum lnt_err rc = LNT_OK;
    int r;

    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        cw_row(st, out);
    else if (r == SQLITE_DONE)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "casework record %" PRId64 " not found", id);
    else
        rc = lnt_sq_fail(conn->db, err, "reading a casework record");
    sqlite3_reset(st);
    return rc;
}

enum lnt_err lnt_store_cw_get(struct lnt_store *s, int64_t id, struct lnt_casework *out, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = load_current(c, id, out, err);

    lnt_sq_rend(s, c);
    return rc;
}

enum lnt_err lnt_store_cw_history(struct lnt_store *s, int64_t id, struct lnt_casework **out,
                                  size_t *n, char *err)
{
    enum lnt_err rc =
        lnt_sq_rlist(s, "SELECT " COLS "WHERE c.id = ?1 ORDER BY v.version", id, sizeof **out,
                     cw_row, (void **)out, n, err, "reading a casework history");

    if (rc == LNT_OK && *n == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "casework record %" PRId64 " not found", id);
    return rc;
}

enum lnt_err lnt_store_cw_list(struct lnt_store *s, int64_t venue_id, struct lnt_casework **out,
                               size_t *n, char *err)
{
    return lnt_store_cw_list_at(s, venue_id, 0, out, n, err);
}

/* The version current at `at` was written at or before it and not superseded until after it
 * (a version superseded at `at` itself gave way to the one written then). */
enum lnt_err lnt_store_cw_list_at(struct lnt_store *s, int64_t venue_id, int64_t at,
                                  struct lnt_casework **out, size_t *n, char *err)
{
    struct lnt_sq_conn *c;
    sqlite3_stmt *st;
    enum lnt_err rc = LNT_ERR_DB;

    *out = NULL;
    *n = 0;
    c = lnt_sq_rbegin(s);
    st = lnt_sq_stmt(c,
                     "SELECT " COLS "WHERE c.venue_id = ?1 AND CASE WHEN ?2 = 0 THEN "
                     "v.superseded_at = 0 ELSE v.at <= ?2 AND (v.superseded_at = 0 OR "
                     "v.superseded_at > ?2) END "
                     "ORDER BY CASE WHEN c.plan_id != 0 THEN c.plan_id ELSE c.id END DESC, "
                     "c.plan_id != 0, v.on_date, c.id LIMIT 2000",
                     err);
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, venue_id);
        sqlite3_bind_int64(st, 2, at);
        rc = lnt_sq_list(c->db, st, sizeof **out, cw_row, (void **)out, n, err,
                         "listing a venue's casework");
    }
    lnt_sq_rend(s, c);
    return rc;
}

enum lnt_err lnt_store_cw_overdue(struct lnt_store *s, int64_t owner_id, int32_t today, int64_t at,
                                  const struct lnt_scope *scope, struct lnt_casework **out,
                                  size_t *n, char *err)
{
    struct lnt_sq_conn *c;
    sqlite3_stmt *st;
    enum lnt_err rc = LNT_ERR_DB;

    *out = NULL;
    *n = 0;
    if (scope != NULL && scope->role == LNT_OFFICER_VENUE)
        return LNT_OK; /* a venue manager sees no casework */
    c = lnt_sq_rbegin(s);
    st = lnt_sq_stmt(c,
                     "SELECT " COLS "JOIN venues ve ON ve.id = c.venue_id "
                     "JOIN casework_versions pv ON pv.record_id = c.plan_id AND CASE WHEN "
                     "?4 = 0 THEN pv.superseded_at = 0 ELSE pv.at <= ?4 AND (pv.superseded_at "
                     "= 0 OR pv.superseded_at > ?4) END "
                     "WHERE c.type = 'item' AND CASE WHEN ?4 = 0 THEN v.superseded_at = 0 ELSE "
                     "v.at <= ?4 AND (v.superseded_at = 0 OR v.superseded_at > ?4) END "
                     "AND v.owner_id = ?1 "
                     "AND v.status = 'open' AND v.closed_at = 0 AND pv.closed_at = 0 "
                     "AND v.on_date < ?2 AND (?3 = '' OR ve.authority = ?3) "
                     "ORDER BY v.on_date, c.id LIMIT 2000",
                     err);
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, owner_id);
        sqlite3_bind_int64(st, 2, today);
        sqlite3_bind_text(st, 3, scope != NULL ? scope->authority : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, at);
        rc = lnt_sq_list(c->db, st, sizeof **out, cw_row, (void **)out, n, err,
                         "listing overdue action items");
    }
    lnt_sq_rend(s, c);
    return rc;
}

enum lnt_err lnt_store_cw_pdf(struct lnt_store *s, int64_t id, int32_t version, uint8_t **out,
                              size_t *n, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    sqlite3_stmt *st = lnt_sq_stmt(c,
                                   "SELECT f.data FROM casework_versions v JOIN casework_files f "
                                   "ON f.sha256 = v.pdf_sha256 WHERE v.record_id = ?1 AND "
                                   "((?2 = 0 AND v.superseded_at = 0) OR v.version = ?2)",
                                   err);
    enum lnt_err rc = LNT_ERR_DB;

    *out = NULL;
    *n = 0;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, version);
        int r = sqlite3_step(st);
        if (r == SQLITE_ROW) {
            size_t len = (size_t)sqlite3_column_bytes(st, 0);
            const void *p = sqlite3_column_blob(st, 0);
            *out = malloc(len > 0 ? len : 1);
            if (*out == NULL) {
                rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading a PDF");
            } else {
                if (len > 0)
                    memcpy(*out, p, len);
                *n = len;
                rc = LNT_OK;
            }
        } else if (r == SQLITE_DONE) {
            rc = lnt_fail(err, LNT_ERR_NOT_FOUND,
                          "casework record %" PRId64 " has no attached PDF at that version", id);
        } else {
            rc = lnt_sq_fail(c->db, err, "reading a PDF");
        }
        sqlite3_reset(st);
    }
    lnt_sq_rend(s, c);
    return rc;
}

/* ---- writing (inside the caller's write transaction) ---- */

/* Checks what *c points at: its findings are the venue's, an item's owner an active officer. */
static enum lnt_err refs_check(struct lnt_store *s, const struct lnt_casework *c, char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc = LNT_OK;

    for (size_t i = 0; rc == LNT_OK && i < c->n_findings; i++) {
        st = lnt_sq_stmt(&s->w, "SELECT 1 FROM findings WHERE id = ?1 AND venue_id = ?2", err);
        if (st == NULL)
            return LNT_ERR_DB;
        sqlite3_bind_int64(st, 1, c->findings[i]);
        sqlite3_bind_int64(st, 2, c->venue_id);
        int r = sqlite3_step(st);
        if (r == SQLITE_DONE)
            rc = lnt_fail(err, LNT_ERR_INVALID, "finding %" PRId64 " is not one of this venue's",
                          c->findings[i]);
        else if (r != SQLITE_ROW)
            rc = lnt_sq_fail(s->w.db, err, "checking a finding");
        sqlite3_reset(st);
    }
    if (rc == LNT_OK && c->type == LNT_CW_ITEM) {
        int found = lnt_sq_exists(&s->w, "SELECT 1 FROM officers WHERE id = ?1 AND disabled_at = 0",
                                  c->owner_id, err);
        if (found < 0)
            rc = LNT_ERR_DB;
        else if (found == 0)
            rc = lnt_fail(err, LNT_ERR_INVALID,
                          "owner %" PRId64 " is not an active officer's account", c->owner_id);
    }
    return rc;
}

/* Stores a PDF by content (once per content) and writes its hex SHA-256 to sha. */
static enum lnt_err pdf_store(struct lnt_store *s, const uint8_t *pdf, size_t n, int64_t now,
                              char sha[65], char *err)
{
    uint8_t d[LNT_SHA256_LEN];
    sqlite3_stmt *st;

    lnt_store_sha256(pdf, n, d);
    lnt_hex_encode(d, sizeof d, sha);
    st = lnt_sq_stmt(&s->w,
                     "INSERT OR IGNORE INTO casework_files (sha256, size, data, created_at) "
                     "VALUES (?1, ?2, ?3, ?4)",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)n);
    sqlite3_bind_blob(st, 3, pdf, (int)n, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    return lnt_sq_done(s->w.db, st, err, "storing a PDF");
}

static enum lnt_err version_insert(struct lnt_store *s, const struct lnt_casework *c,
                                   int32_t version, int64_t at, const char *by, char *err)
{
    char findings[LNT_CW_FINDINGS_MAX * 21 + 1];
    sqlite3_stmt *st = lnt_sq_stmt(
        &s->w,
        "INSERT INTO casework_versions (record_id, version, at, by, on_date, kind, title, body, "
        "officers, findings, owner_id, status, evidence, hearing_on, outcome, conditions, "
        "pdf_sha256, closed_at, closed_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
        "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
        err);

    if (st == NULL)
        return LNT_ERR_DB;
    lnt_cw_findings_text(c, findings, sizeof findings);
    sqlite3_bind_int64(st, 1, c->id);
    sqlite3_bind_int(st, 2, version);
    sqlite3_bind_int64(st, 3, at);
    sqlite3_bind_text(st, 4, by, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, c->on);
    sqlite3_bind_text(st, 6, c->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, c->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, c->text, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, c->officers, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, findings, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, c->owner_id);
    sqlite3_bind_text(st, 12, c->status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, c->evidence, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 14, c->hearing_on);
    sqlite3_bind_text(st, 15, c->outcome, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 16, c->conditions, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 17, c->pdf_sha256, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 18, c->closed_at);
    sqlite3_bind_text(st, 19, c->closed_by, -1, SQLITE_STATIC);
    return lnt_sq_done(s->w.db, st, err, "storing a casework version");
}

/* Marks the current version of record `id` superseded at `now` (never 0: 0 means current). */
static enum lnt_err supersede(struct lnt_store *s, int64_t id, int64_t now, char *err)
{
    return lnt_sq_set_at(s,
                         "UPDATE casework_versions SET superseded_at = ?2 "
                         "WHERE record_id = ?1 AND superseded_at = 0",
                         id, now > 0 ? now : 1, "superseding a casework version", err);
}

static enum lnt_err audit(struct lnt_store *s, const char *actor, const char *action,
                          const struct lnt_casework *c, int32_t version, char *err)
{
    char obj[64];

    snprintf(obj, sizeof obj, "casework %" PRId64 " (venue %" PRId64 ")", c->id, c->venue_id);
    return lnt_sq_audit_as(s, actor, action, obj, err, "%s version %d", lnt_cw_type_name(c->type),
                           (int)version);
}

static const char *actor_or_store(struct lnt_store *s, const char *actor)
{
    return actor != NULL && actor[0] != '\0' ? actor : s->actor;
}

enum lnt_err lnt_store_cw_add(struct lnt_store *s, const char *actor, int64_t now,
                              struct lnt_casework *c, const uint8_t *pdf, size_t n, char *err)
{
    const char *by = actor_or_store(s, actor);
    struct lnt_casework plan;
    sqlite3_stmt *st;
    enum lnt_err rc;

    c->pdf_sha256[0] = '\0';
    c->closed_at = 0;
    c->closed_by[0] = '\0';
    if (c->type != LNT_CW_ITEM)
        c->plan_id = 0;
    rc = lnt_cw_check(c, pdf != NULL, err);
    if (rc == LNT_OK && pdf != NULL)
        rc = lnt_cw_pdf_check(pdf, n, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = lnt_sq_venue_must_exist(&s->w, c->venue_id, err);
    if (rc == LNT_OK && c->type == LNT_CW_ITEM) {
        rc = load_current(&s->w, c->plan_id, &plan, err);
        if (rc == LNT_ERR_NOT_FOUND ||
            (rc == LNT_OK && (plan.type != LNT_CW_PLAN || plan.venue_id != c->venue_id)))
            rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "plan %" PRId64 " of venue %" PRId64 " not found",
                          c->plan_id, c->venue_id);
        else if (rc == LNT_OK && plan.closed_at != 0)
            rc = lnt_fail(err, LNT_ERR_STATE, "plan %" PRId64 " is closed", c->plan_id);
    }
    if (rc == LNT_OK)
        rc = refs_check(s, c, err);
    if (rc == LNT_OK && pdf != NULL)
        rc = pdf_store(s, pdf, n, now, c->pdf_sha256, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO casework (venue_id, type, plan_id, created_at, created_by) "
                     "VALUES (?1, ?2, ?3, ?4, ?5)",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, c->venue_id);
    sqlite3_bind_text(st, 2, lnt_cw_type_name(c->type), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->plan_id);
    sqlite3_bind_int64(st, 4, now);
    sqlite3_bind_text(st, 5, by, -1, SQLITE_STATIC);
    rc = lnt_sq_done(s->w.db, st, err, "storing a casework record");
    if (rc != LNT_OK)
        goto out;
    c->id = sqlite3_last_insert_rowid(s->w.db);
    rc = version_insert(s, c, 1, now, by, err);
    if (rc == LNT_OK)
        rc = audit(s, by, "casework.add", c, 1, err);
    if (rc == LNT_OK)
        rc = load_current(&s->w, c->id, c, err);
out:
    return lnt_sq_wend(s, rc, err);
}

enum lnt_err lnt_store_cw_edit(struct lnt_store *s, const char *actor, int64_t now,
                               struct lnt_casework *c, const uint8_t *pdf, size_t n, char *err)
{
    const char *by = actor_or_store(s, actor);
    struct lnt_casework *cur = malloc(sizeof *cur);
    enum lnt_err rc;

    if (cur == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    if (pdf != NULL && (rc = lnt_cw_pdf_check(pdf, n, err)) != LNT_OK) {
        free(cur);
        return rc;
    }
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = load_current(&s->w, c->id, cur, err);
    if (rc == LNT_OK && cur->closed_at != 0)
        rc = lnt_fail(err, LNT_ERR_STATE, "casework record %" PRId64 " is closed", c->id);
    if (rc != LNT_OK)
        goto out;
    lnt_cw_edit_keep(c, cur, pdf != NULL);
    rc = lnt_cw_check(c, pdf != NULL || c->pdf_sha256[0] != '\0', err);
    if (rc == LNT_OK)
        rc = refs_check(s, c, err);
    if (rc == LNT_OK && pdf != NULL)
        rc = pdf_store(s, pdf, n, now, c->pdf_sha256, err);
    if (rc == LNT_OK)
        rc = supersede(s, c->id, now, err);
    if (rc == LNT_OK)
        rc = version_insert(s, c, cur->version + 1, now, by, err);
    if (rc == LNT_OK)
        rc = audit(s, by, "casework.edit", c, cur->version + 1, err);
    if (rc == LNT_OK)
        rc = load_current(&s->w, c->id, c, err);
out:
    free(cur);
    return lnt_sq_wend(s, rc, err);
}

enum lnt_err lnt_store_cw_close(struct lnt_store *s, const char *actor, int64_t now, int64_t id,
                                char *err)
{
    const char *by = actor_or_store(s, actor);
    struct lnt_casework *cur = malloc(sizeof *cur);
    enum lnt_err rc;

    if (cur == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    rc = lnt_sq_wbegin(s, err);
    if (rc == LNT_OK)
        rc = load_current(&s->w, id, cur, err);
    if (rc == LNT_OK && cur->closed_at != 0)
        rc = lnt_fail(err, LNT_ERR_STATE, "casework record %" PRId64 " is closed already", id);
    if (rc != LNT_OK)
        goto out;
    cur->closed_at = now > 0 ? now : 1;
    (void)lnt_str_copy(cur->closed_by, sizeof cur->closed_by, by);
    rc = supersede(s, id, now, err);
    if (rc == LNT_OK)
        rc = version_insert(s, cur, cur->version + 1, now, by, err);
    if (rc == LNT_OK)
        rc = audit(s, by, "casework.close", cur, cur->version + 1, err);
out:
    free(cur);
    return lnt_sq_wend(s, rc, err);
}
