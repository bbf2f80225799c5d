/* pg_alert_sources.c - the store on PostgreSQL: what the raising of alerts reads, things new
 * since a cursor (reports, door flags, refusals), and the cursors themselves. As the SQLite
 * backend's sq_alerts.c, with one difference in how far a look may reach: see new_top. */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_alerts.h"

/* How long a look waits for the writers of a source table to finish before it gives up (to
 * be tried again at the next scan): while it waits, new writers queue behind it. */
#define LOOK_LOCK_TIMEOUT "1s"

enum lnt_err lnt_store_alert_cursor_get(struct lnt_store *s, const char *name, int64_t *out,
                                        char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    *out = 0;
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, name);
    rc = lnt_pg_exec(pg, "SELECT value FROM counters WHERE name = $1", &p, &r, err,
                     "reading an alert cursor");
    if (rc == LNT_OK && PQntuples(r) > 0)
        *out = lnt_pg_i64(r, 0, 0);
    PQclear(r);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_alert_cursor_set(struct lnt_store *s, const char *name, int64_t value,
                                        char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, name);
    lnt_pg_p_i64(&p, value);
    /* a cursor only moves forward: two scans at once (on one server or two) cannot take it
     * back; the upsert is one statement, its own transaction */
    rc = lnt_pg_exec(pg,
                     "INSERT INTO counters (name, value) VALUES ($1, $2) ON CONFLICT (name) DO "
                     "UPDATE SET value = greatest(counters.value, excluded.value)",
                     &p, NULL, err, "moving an alert cursor");
    lnt_pg_give(s, pg);
    return rc;
}

static void source_row(const PGresult *r, int row, void *elem)
{
    struct lnt_alert_source *a = elem;

    a->row = lnt_pg_i64(r, row, 0);
    a->key = lnt_pg_i64(r, row, 1);
    a->kind = (enum lnt_alert_kind)lnt_pg_i64(r, row, 2);
    a->venue_id = lnt_pg_i64(r, row, 3);
    a->at = lnt_pg_i64(r, row, 4);
}

/* The highest id of `table` (a source's) as the statement sees it, in *top. */
static enum lnt_err max_id(PGconn *pg, const char *table, int64_t *top, char *err)
{
    char sql[96];
    PGresult *r = NULL;
    enum lnt_err rc;

    snprintf(sql, sizeof sql, "SELECT coalesce(max(id), 0) FROM %s", table);
    rc = lnt_pg_exec(pg, sql, NULL, &r, err, "reading what is new");
    if (rc == LNT_OK)
        *top = lnt_pg_i64(r, 0, 0);
    PQclear(r);
    return rc;
}

/*
 * Where a look after `after` may reach in `table`: its highest id, once every row up to it is
 * there to read (in *top). On SQLite one writer commits ids in order. Here a transaction that
 * took ids 1-10 may commit after one that took 11-20, and a cursor moved to 20 before then
 * would never see 1-10. So when there is anything new, the look waits for the table's writers
 * of the moment to finish (a SHARE lock, held only for the one read of max(id); new writers
 * wait that long) and reads the highest id again: every id up to it is then committed or gone
 * for good. LNT_ERR_TIMEOUT when the writers take longer than LOOK_LOCK_TIMEOUT.
 */
static enum lnt_err new_top(PGconn *pg, const char *table, int64_t after, int64_t *top, char *err)
{
    char sql[96];
    enum lnt_err rc = max_id(pg, table, top, err);

    if (rc != LNT_OK || *top <= after)
        return rc;
    snprintf(sql, sizeof sql, "LOCK TABLE %s IN SHARE MODE", table);
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, "SET LOCAL lock_timeout = '" LOOK_LOCK_TIMEOUT "'", NULL, NULL, err,
                         "reading what is new");
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, sql, NULL, NULL, err, "waiting for what is being written");
    if (rc == LNT_OK)
        rc = max_id(pg, table, top, err);
    return lnt_pg_end(pg, rc, err);
}

/*
 * The rows of `sql` ($1 after, $2 the highest row id when starting, $3 limit) in `table`, and
 * where the next look starts: the last row when the page is full, else that highest row id.
 */
static enum lnt_err new_since(struct lnt_store *s, const char *table, const char *sql,
                              int64_t after, size_t limit, struct lnt_alert_source **out, size_t *n,
                              int64_t *upto, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    int64_t top = after;
    enum lnt_err rc = lnt_pg_page_check(limit, err);

    *out = NULL;
    *n = 0;
    *upto = after;
    if (rc == LNT_OK)
        rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = new_top(pg, table, after, &top, err);
    if (rc != LNT_OK || top <= after)
        goto out;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, after);
    lnt_pg_p_i64(&p, top);
    lnt_pg_p_i64(&p, (int64_t)limit);
    rc = lnt_pg_list(pg, sql, &p, sizeof **out, source_row, (void **)out, n, err,
                     "reading what is new");
    if (rc == LNT_OK)
        *upto = *n == limit ? (*out)[*n - 1].row : top;
out:
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_alert_new_reports(struct lnt_store *s, int64_t after, size_t limit,
                                         struct lnt_alert_source **out, size_t *n, int64_t *upto,
                                         char *err)
{
    return new_since(s, "incident_parts",
                     "SELECT p.id, i.id, 2, i.venue_id, i.occurred_at FROM incident_parts p "
                     "JOIN incidents i ON i.id = p.incident_id WHERE p.id > $1::bigint AND "
                     "p.id <= $2::bigint AND i.kind IN ('spiking', 'sexual') ORDER BY p.id "
                     "LIMIT $3",
                     after, limit, out, n, upto, err);
}

enum lnt_err lnt_store_alert_new_flags(struct lnt_store *s, int64_t after, size_t limit,
                                       struct lnt_alert_source **out, size_t *n, int64_t *upto,
                                       char *err)
{
    /* flag kinds: 7 revoked_badge, 8 unknown_serial, 10 door_refused, 11 sia_not_valid */
    return new_since(s, "flags",
                     "SELECT f.id, f.id, CASE f.kind WHEN 11 THEN 4 ELSE 3 END, f.venue_id, f.at "
                     "FROM flags f LEFT JOIN shifts sh ON f.kind = 11 AND sh.id = f.other "
                     "WHERE f.id > $1::bigint AND f.id <= $2::bigint AND (f.kind IN (7, 8, 10) "
                     "OR (f.kind = 11 AND sh.duty = 1)) ORDER BY f.id LIMIT $3",
                     after, limit, out, n, upto, err);
}

enum lnt_err lnt_store_alert_new_refusals(struct lnt_store *s, int64_t after, size_t limit,
                                          struct lnt_alert_source **out, size_t *n, int64_t *upto,
                                          char *err)
{
    /* event type 3: badge_refused */
    return new_since(s, "events",
                     "SELECT id, id, 3, venue_id, occurred_at FROM events WHERE id > $1::bigint "
                     "AND id <= $2::bigint AND type = 3 ORDER BY id LIMIT $3",
                     after, limit, out, n, upto, err);
}
