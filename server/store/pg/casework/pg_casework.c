/* pg_casework.c - the store on PostgreSQL: casework on each venue, each change a new version that
 * supersedes the one before (schema 13, 013_casework.sql), as sqlite/casework/sq_casework.c: the
 * same rows, order, messages and audit rows. The checks that need no database (lnt_cw_check,
 * lnt_cw_pdf_check and the type names) are that file's, called from here, so that a record is
 * refused in the same words on either backend. A record is changed only with its casework row
 * locked (lock_record), so that two servers changing it at once queue as SQLite's one writer
 * does: the second reads the version the first wrote. */
#include "pg_int.h"

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

/* The versions current at instant $N (0 = now) of the versions aliased `v`: written at or before
 * it and not superseded until after it (one superseded at that instant gave way to the one
 * written then). */
#define CURRENT_AT(v, n)                                                                           \
    "CASE WHEN " n "::bigint = 0 THEN " v ".superseded_at = 0 ELSE " v ".at <= " n "::bigint "     \
    "AND (" v ".superseded_at = 0 OR " v ".superseded_at > " n "::bigint) END "

static void cw_row(const PGresult *r, int row, void *elem)
{
    struct lnt_casework *c = elem;
    enum lnt_cw_type t = LNT_CW_NOTE;
    char type[16], findings[LNT_CW_FINDINGS_MAX * 21 + 1];

    memset(c, 0, sizeof *c);
    c->id = lnt_pg_i64(r, row, 0);
    c->venue_id = lnt_pg_i64(r, row, 1);
    lnt_pg_text(r, row, 2, type, sizeof type);
    (void)lnt_cw_type_parse(type, &t);
    c->type = t;
    c->plan_id = lnt_pg_i64(r, row, 3);
    c->created_at = lnt_pg_i64(r, row, 4);
    c->version = (int32_t)lnt_pg_i64(r, row, 5);
    c->on = (int32_t)lnt_pg_i64(r, row, 6);
    lnt_pg_text(r, row, 7, c->kind, sizeof c->kind);
    lnt_pg_text(r, row, 8, c->title, sizeof c->title);
    lnt_pg_text(r, row, 9, c->text, sizeof c->text);
    lnt_pg_text(r, row, 10, c->officers, sizeof c->officers);
    lnt_pg_text(r, row, 11, findings, sizeof findings);
    lnt_cw_findings_parse(c, findings);
    c->owner_id = lnt_pg_i64(r, row, 12);
    lnt_pg_text(r, row, 13, c->status, sizeof c->status);
    lnt_pg_text(r, row, 14, c->evidence, sizeof c->evidence);
    c->hearing_on = (int32_t)lnt_pg_i64(r, row, 15);
    lnt_pg_text(r, row, 16, c->outcome, sizeof c->outcome);
    lnt_pg_text(r, row, 17, c->conditions, sizeof c->conditions);
    lnt_pg_text(r, row, 18, c->pdf_sha256, sizeof c->pdf_sha256);
    c->pdf_size = lnt_pg_i64(r, row, 19);
    c->at = lnt_pg_i64(r, row, 20);
    lnt_pg_text(r, row, 21, c->by, sizeof c->by);
    c->closed_at = lnt_pg_i64(r, row, 22);
    lnt_pg_text(r, row, 23, c->closed_by, sizeof c->closed_by);
    c->superseded_at = lnt_pg_i64(r, row, 24);
}

/* The current version of record `id` on pg. LNT_ERR_NOT_FOUND, the database's errors. */
static enum lnt_err load_current(PGconn *pg, int64_t id, struct lnt_casework *out, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    rc = lnt_pg_exec(pg, "SELECT " COLS "WHERE c.id = $1 AND v.superseded_at = 0", &p, &r, err,
                     "reading a casework record");
    if (rc == LNT_OK && PQntuples(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "casework record %" PRId64 " not found", id);
    else if (rc == LNT_OK)
        cw_row(r, 0, out);
    PQclear(r);
    return rc;
}

/*
 * Locks record `id` for the caller's transaction and reads its current version. The lock is
 * taken on the casework row (FOR NO KEY UPDATE: a new version's foreign key to it takes a key
 * share, which this does not wait for) before the version is read, so a change committed
 * meanwhile by another server is read, not written over.
 */
static enum lnt_err lock_record(PGconn *pg, int64_t id, struct lnt_casework *out, char *err)
{
    enum lnt_err rc = lnt_pg_must_exist(
        pg, "SELECT 1 FROM casework WHERE id = $1 FOR NO KEY UPDATE", id, "casework record", err);

    return rc == LNT_OK ? load_current(pg, id, out, err) : rc;
}

enum lnt_err lnt_store_cw_get(struct lnt_store *s, int64_t id, struct lnt_casework *out, char *err)
{
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc == LNT_OK)
        rc = load_current(pg, id, out, err);
    lnt_pg_give(s, pg);
    return rc;
}

/* Runs the list `sql` with parameters p on a connection of its own. */
static enum lnt_err cw_list(struct lnt_store *s, const char *sql, const struct lnt_pg_params *p,
                            struct lnt_casework **out, size_t *n, const char *what, char *err)
{
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_list(pg, sql, p, sizeof **out, cw_row, (void **)out, n, err, what);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_cw_history(struct lnt_store *s, int64_t id, struct lnt_casework **out,
                                  size_t *n, char *err)
{
    struct lnt_pg_params p;
    enum lnt_err rc;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    rc = cw_list(s, "SELECT " COLS "WHERE c.id = $1 ORDER BY v.version", &p, out, n,
                 "reading a casework history", err);
    if (rc == LNT_OK && *n == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "casework record %" PRId64 " not found", id);
    return rc;
}

enum lnt_err lnt_store_cw_list(struct lnt_store *s, int64_t venue_id, struct lnt_casework **out,
                               size_t *n, char *err)
{
    return lnt_store_cw_list_at(s, venue_id, 0, out, n, err);
}

enum lnt_err lnt_store_cw_list_at(struct lnt_store *s, int64_t venue_id, int64_t at,
                                  struct lnt_casework **out, size_t *n, char *err)
{
    struct lnt_pg_params p;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, venue_id);
    lnt_pg_p_i64(&p, at);
    lnt_pg_p_i64(&p, LNT_CW_LIST_MAX);
    /* a plan's items sort with it (under its id), after it, by due date */
    return cw_list(
        s,
        "SELECT " COLS "WHERE c.venue_id = $1 AND " CURRENT_AT(
            "v", "$2") "ORDER BY CASE WHEN c.plan_id <> 0 THEN c.plan_id ELSE c.id END DESC, "
                       "c.plan_id <> 0, v.on_date, c.id LIMIT $3",
        &p, out, n, "listing a venue's casework", err);
}

enum lnt_err lnt_store_cw_overdue(struct lnt_store *s, int64_t owner_id, int32_t today, int64_t at,
                                  const struct lnt_scope *scope, struct lnt_casework **out,
                                  size_t *n, char *err)
{
    struct lnt_pg_params p;

    *out = NULL;
    *n = 0;
    if (scope != NULL && scope->role == LNT_OFFICER_VENUE)
        return LNT_OK; /* a venue manager sees no casework */
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, owner_id);
    lnt_pg_p_i64(&p, today);
    lnt_pg_p_text(&p, scope != NULL ? scope->authority : "");
    lnt_pg_p_i64(&p, at);
    lnt_pg_p_i64(&p, LNT_CW_LIST_MAX);
    return cw_list(
        s,
        "SELECT " COLS "JOIN venues ve ON ve.id = c.venue_id "
        "JOIN casework_versions pv ON pv.record_id = c.plan_id AND " CURRENT_AT(
            "pv",
            "$4") "WHERE c.type = 'item' AND " CURRENT_AT("v",
                                                          "$4") "AND v.owner_id = $1 AND v.status "
                                                                "= 'open' AND v.closed_at = 0 "
                                                                "AND pv.closed_at = 0 AND "
                                                                "v.on_date < $2 AND ($3::text = '' "
                                                                "OR ve.authority = $3::text) "
                                                                "ORDER BY v.on_date, c.id LIMIT $5",
        &p, out, n, "listing overdue action items", err);
}

enum lnt_err lnt_store_cw_pdf(struct lnt_store *s, int64_t id, int32_t version, uint8_t **out,
                              size_t *n, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    lnt_pg_p_i64(&p, version);
    rc = lnt_pg_exec(pg,
                     "SELECT f.data FROM casework_versions v JOIN casework_files f "
                     "ON f.sha256 = v.pdf_sha256 WHERE v.record_id = $1 AND "
                     "(($2::bigint = 0 AND v.superseded_at = 0) OR v.version = $2::bigint)",
                     &p, &r, err, "reading a PDF");
    if (rc == LNT_OK && PQntuples(r) == 0) {
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND,
                      "casework record %" PRId64 " has no attached PDF at that version", id);
    } else if (rc == LNT_OK) {
        size_t len = 0;
        const char *data = lnt_pg_raw(r, 0, 0, &len);
        *out = malloc(len > 0 ? len : 1);
        if (*out == NULL) {
            rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading a PDF");
        } else {
            if (len > 0)
                memcpy(*out, data, len);
            *n = len;
        }
    }
    PQclear(r);
    lnt_pg_give(s, pg);
    return rc;
}

/* ---- writing (inside the caller's transaction on pg) ---- */

/* Checks what *c points at: its findings are the venue's, an item's owner an active officer. */
static enum lnt_err refs_check(PGconn *pg, const struct lnt_casework *c, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc = LNT_OK;

    for (size_t i = 0; rc == LNT_OK && i < c->n_findings; i++) {
        lnt_pg_p_init(&p);
        lnt_pg_p_i64(&p, c->findings[i]);
        lnt_pg_p_i64(&p, c->venue_id);
        rc = lnt_pg_exec(pg, "SELECT 1 FROM findings WHERE id = $1 AND venue_id = $2", &p, &r, err,
                         "checking a finding");
        if (rc == LNT_OK && PQntuples(r) == 0)
            rc = lnt_fail(err, LNT_ERR_INVALID, "finding %" PRId64 " is not one of this venue's",
                          c->findings[i]);
        PQclear(r);
        r = NULL;
    }
    if (rc == LNT_OK && c->type == LNT_CW_ITEM) {
        rc = lnt_pg_must_exist(pg, "SELECT 1 FROM officers WHERE id = $1 AND disabled_at = 0",
                               c->owner_id, "officer", err);
        if (rc == LNT_ERR_NOT_FOUND)
            rc = lnt_fail(err, LNT_ERR_INVALID,
                          "owner %" PRId64 " is not an active officer's account", c->owner_id);
    }
    return rc;
}

/* Stores a PDF by content (once per content) and writes its hex SHA-256 to sha. */
static enum lnt_err pdf_store(PGconn *pg, const uint8_t *pdf, size_t n, int64_t now, char sha[65],
                              char *err)
{
    uint8_t d[LNT_SHA256_LEN];
    struct lnt_pg_params p;

    lnt_store_sha256(pdf, n, d);
    lnt_hex_encode(d, sizeof d, sha);
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, sha);
    lnt_pg_p_i64(&p, (int64_t)n);
    lnt_pg_p_bytes(&p, pdf, n);
    lnt_pg_p_i64(&p, now);
    return lnt_pg_exec(pg,
                       "INSERT INTO casework_files (sha256, size, data, created_at) "
                       "VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING",
                       &p, NULL, err, "storing a PDF");
}

static enum lnt_err version_insert(PGconn *pg, const struct lnt_casework *c, int32_t version,
                                   int64_t at, const char *by, char *err)
{
    char findings[LNT_CW_FINDINGS_MAX * 21 + 1];
    struct lnt_pg_params p;

    lnt_cw_findings_text(c, findings, sizeof findings);
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, c->id);
    lnt_pg_p_i64(&p, version);
    lnt_pg_p_i64(&p, at);
    lnt_pg_p_text(&p, by);
    lnt_pg_p_i64(&p, c->on);
    lnt_pg_p_text(&p, c->kind);
    lnt_pg_p_text(&p, c->title);
    lnt_pg_p_text(&p, c->text);
    lnt_pg_p_text(&p, c->officers);
    lnt_pg_p_text(&p, findings);
    lnt_pg_p_i64(&p, c->owner_id);
    lnt_pg_p_text(&p, c->status);
    lnt_pg_p_text(&p, c->evidence);
    lnt_pg_p_i64(&p, c->hearing_on);
    lnt_pg_p_text(&p, c->outcome);
    lnt_pg_p_text(&p, c->conditions);
    lnt_pg_p_text(&p, c->pdf_sha256);
    lnt_pg_p_i64(&p, c->closed_at);
    lnt_pg_p_text(&p, c->closed_by);
    return lnt_pg_exec(
        pg,
        "INSERT INTO casework_versions (record_id, version, at, by, on_date, kind, title, body, "
        "officers, findings, owner_id, status, evidence, hearing_on, outcome, conditions, "
        "pdf_sha256, closed_at, closed_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
        "$11, $12, $13, $14, $15, $16, $17, $18, $19)",
        &p, NULL, err, "storing a casework version");
}

/* Marks the current version of record `id` superseded at `now` (never 0: 0 means current). */
static enum lnt_err supersede(PGconn *pg, int64_t id, int64_t now, char *err)
{
    struct lnt_pg_params p;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    lnt_pg_p_i64(&p, now > 0 ? now : 1);
    return lnt_pg_exec(pg,
                       "UPDATE casework_versions SET superseded_at = $2 "
                       "WHERE record_id = $1 AND superseded_at = 0",
                       &p, NULL, err, "superseding a casework version");
}

static enum lnt_err audit(struct lnt_store *s, PGconn *pg, const char *by, const char *action,
                          const struct lnt_casework *c, int32_t version, char *err)
{
    char obj[64];

    snprintf(obj, sizeof obj, "casework %" PRId64 " (venue %" PRId64 ")", c->id, c->venue_id);
    return lnt_pg_audit_actor(s, pg, by, action, obj, err, "%s version %d",
                              lnt_cw_type_name(c->type), (int)version);
}

/* Who a change is by: `actor`, or when none is named the store's (copied into buf: another
 * thread may set it meanwhile). */
static const char *actor_or_store(struct lnt_store *s, const char *actor,
                                  char buf[LNT_PG_ACTOR_LEN])
{
    if (actor != NULL && actor[0] != '\0')
        return actor;
    pthread_mutex_lock(&s->mu);
    (void)lnt_str_copy(buf, LNT_PG_ACTOR_LEN, s->actor);
    pthread_mutex_unlock(&s->mu);
    return buf;
}

/* Creates record *c inside the transaction on pg: the checks against the database, the
 * attachment, the record, its first version and the audit row; *c re-read as stored. */
static enum lnt_err add_in(struct lnt_store *s, PGconn *pg, const char *by, int64_t now,
                           struct lnt_casework *c, const uint8_t *pdf, size_t n, char *err)
{
    struct lnt_casework *plan = NULL;
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc;

    rc = lnt_pg_must_exist(pg, "SELECT 1 FROM venues WHERE id = $1", c->venue_id, "venue", err);
    if (rc == LNT_OK && c->type == LNT_CW_ITEM) {
        plan = malloc(sizeof *plan);
        if (plan == NULL)
            return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
        /* the plan stays as read (not closed meanwhile) until this item is stored */
        rc = lock_record(pg, c->plan_id, plan, err);
        if (rc == LNT_ERR_NOT_FOUND ||
            (rc == LNT_OK && (plan->type != LNT_CW_PLAN || plan->venue_id != c->venue_id)))
            rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "plan %" PRId64 " of venue %" PRId64 " not found",
                          c->plan_id, c->venue_id);
        else if (rc == LNT_OK && plan->closed_at != 0)
            rc = lnt_fail(err, LNT_ERR_STATE, "plan %" PRId64 " is closed", c->plan_id);
        free(plan);
    }
    if (rc == LNT_OK)
        rc = refs_check(pg, c, err);
    if (rc == LNT_OK && pdf != NULL)
        rc = pdf_store(pg, pdf, n, now, c->pdf_sha256, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, c->venue_id);
    lnt_pg_p_text(&p, lnt_cw_type_name(c->type));
    lnt_pg_p_i64(&p, c->plan_id);
    lnt_pg_p_i64(&p, now);
    lnt_pg_p_text(&p, by);
    rc = lnt_pg_exec(pg,
                     "INSERT INTO casework (venue_id, type, plan_id, created_at, created_by) "
                     "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                     &p, &r, err, "storing a casework record");
    if (rc == LNT_OK)
        c->id = lnt_pg_i64(r, 0, 0);
    PQclear(r);
    if (rc == LNT_OK)
        rc = version_insert(pg, c, 1, now, by, err);
    if (rc == LNT_OK)
        rc = audit(s, pg, by, "casework.add", c, 1, err);
    if (rc == LNT_OK)
        rc = load_current(pg, c->id, c, err);
    return rc;
}

enum lnt_err lnt_store_cw_add(struct lnt_store *s, const char *actor, int64_t now,
                              struct lnt_casework *c, const uint8_t *pdf, size_t n, char *err)
{
    char buf[LNT_PG_ACTOR_LEN];
    const char *by = actor_or_store(s, actor, buf);
    PGconn *pg = NULL;
    enum lnt_err rc;

    c->pdf_sha256[0] = '\0';
    c->closed_at = 0;
    c->closed_by[0] = '\0';
    if (c->type != LNT_CW_ITEM)
        c->plan_id = 0;
    rc = lnt_cw_check(c, pdf != NULL, err);
    if (rc == LNT_OK && pdf != NULL)
        rc = lnt_cw_pdf_check(pdf, n, err);
    if (rc == LNT_OK)
        rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = add_in(s, pg, by, now, c, pdf, n, err);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_cw_edit(struct lnt_store *s, const char *actor, int64_t now,
                               struct lnt_casework *c, const uint8_t *pdf, size_t n, char *err)
{
    char buf[LNT_PG_ACTOR_LEN];
    const char *by = actor_or_store(s, actor, buf);
    struct lnt_casework *cur = malloc(sizeof *cur);
    PGconn *pg = NULL;
    enum lnt_err rc;

    if (cur == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    rc = pdf != NULL ? lnt_cw_pdf_check(pdf, n, err) : LNT_OK;
    if (rc == LNT_OK)
        rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK) {
        free(cur);
        return rc;
    }
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lock_record(pg, c->id, cur, err);
    if (rc == LNT_OK && cur->closed_at != 0)
        rc = lnt_fail(err, LNT_ERR_STATE, "casework record %" PRId64 " is closed", c->id);
    if (rc != LNT_OK)
        goto out;
    lnt_cw_edit_keep(c, cur, pdf != NULL);
    rc = lnt_cw_check(c, pdf != NULL || c->pdf_sha256[0] != '\0', err);
    if (rc == LNT_OK)
        rc = refs_check(pg, c, err);
    if (rc == LNT_OK && pdf != NULL)
        rc = pdf_store(pg, pdf, n, now, c->pdf_sha256, err);
    if (rc == LNT_OK)
        rc = supersede(pg, c->id, now, err);
    if (rc == LNT_OK)
        rc = version_insert(pg, c, cur->version + 1, now, by, err);
    if (rc == LNT_OK)
        rc = audit(s, pg, by, "casework.edit", c, cur->version + 1, err);
    if (rc == LNT_OK)
        rc = load_current(pg, c->id, c, err);
out:
    free(cur);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_cw_close(struct lnt_store *s, const char *actor, int64_t now, int64_t id,
                                char *err)
{
    char buf[LNT_PG_ACTOR_LEN];
    const char *by = actor_or_store(s, actor, buf);
    struct lnt_casework *cur = malloc(sizeof *cur);
    PGconn *pg = NULL;
    enum lnt_err rc;

    if (cur == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK) {
        free(cur);
        return rc;
    }
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lock_record(pg, id, cur, err);
    if (rc == LNT_OK && cur->closed_at != 0)
        rc = lnt_fail(err, LNT_ERR_STATE, "casework record %" PRId64 " is closed already", id);
    if (rc != LNT_OK)
        goto out;
    cur->closed_at = now > 0 ? now : 1;
    (void)lnt_str_copy(cur->closed_by, sizeof cur->closed_by, by);
    rc = supersede(pg, id, now, err);
    if (rc == LNT_OK)
        rc = version_insert(pg, cur, cur->version + 1, now, by, err);
    if (rc == LNT_OK)
        rc = audit(s, pg, by, "casework.close", cur, cur->version + 1, err);
out:
    free(cur);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}
