/* pg_admin.c - the store on PostgreSQL: the retention purge, as the SQLite backend's
 * sq_admin.c, and backups, which are PostgreSQL's own tools' job (docs/scale.md). */
#include "pg_int.h"

#include <stddef.h>
#include <string.h>

#define PURGE_CHUNK 5000 /* rows per purge statement: ingest waits at most this long */

/*
 * Runs `sql` (one chunk: $1 = cutoff, $2 = PURGE_CHUNK, a transaction of its own) until a chunk
 * changes fewer rows than PURGE_CHUNK; adds the rows changed to *count.
 */
static enum lnt_err purge_chunks(PGconn *pg, const char *sql, int64_t cutoff, int64_t *count,
                                 char *err)
{
    struct lnt_pg_params p;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, cutoff);
    lnt_pg_p_i64(&p, PURGE_CHUNK);
    for (;;) {
        PGresult *r = NULL;
        int64_t changed;
        enum lnt_err rc = lnt_pg_exec(pg, sql, &p, &r, err, "purging old records");

        if (rc != LNT_OK)
            return rc;
        changed = lnt_pg_changed(r);
        PQclear(r);
        *count += changed;
        if (changed < PURGE_CHUNK)
            return LNT_OK;
    }
}

struct purge_step {
    const char *sql;
    size_t policy_off; /* offsetof the period in struct lnt_retention */
    size_t count_off;  /* offsetof the counter in struct lnt_purge_counts */
    int64_t extra;     /* added to the period (sessions: their own limit first) */
};

/* sq_admin.c's steps, in its order. */
#define P(field) offsetof(struct lnt_retention, field)
#define C(field) offsetof(struct lnt_purge_counts, field)
static const struct purge_step steps[] = {
    /* what kiosks send is kept from when it arrived: a kiosk cannot date its own records out */
    {"DELETE FROM events WHERE id IN (SELECT id FROM events WHERE received_at < $1 LIMIT $2)",
     P(raw_events), C(raw_events), 0},
    {"DELETE FROM event_conflicts WHERE id IN "
     "(SELECT id FROM event_conflicts WHERE received_at < $1 LIMIT $2)",
     P(raw_events), C(conflicts), 0},
    /* every part of a report stays as long as its details do (and none outlives its report) */
    {"DELETE FROM incident_parts WHERE id IN (SELECT p.id FROM incident_parts p "
     "LEFT JOIN incidents i ON i.id = p.incident_id "
     "WHERE i.id IS NULL OR i.first_received_at < $1 LIMIT $2)",
     P(incident_details), C(incident_parts), 0},
    {"UPDATE incidents SET sealed = NULL WHERE id IN (SELECT id FROM incidents "
     "WHERE sealed IS NOT NULL AND first_received_at < $1 LIMIT $2)",
     P(incident_details), C(incident_details), 0},
    /* the raw incident events carry the same sealed text */
    {"DELETE FROM events WHERE id IN (SELECT id FROM events WHERE type = 4 "
     "AND received_at < $1 LIMIT $2)",
     P(incident_details), C(raw_events), 0},
    {"DELETE FROM incidents WHERE id IN (SELECT id FROM incidents WHERE first_received_at < $1 "
     "LIMIT $2)",
     P(incidents), C(incidents), 0},
    {"DELETE FROM shifts WHERE id IN (SELECT id FROM shifts WHERE on_at < $1 LIMIT $2)",
     P(door_register), C(door_register), 0},
    {"DELETE FROM stock_ledger WHERE id IN (SELECT id FROM stock_ledger WHERE at < $1 LIMIT $2)",
     P(stock_ledger), C(stock_ledger), 0},
    {"DELETE FROM volunteer_shifts WHERE id IN "
     "(SELECT id FROM volunteer_shifts WHERE at < $1 LIMIT $2)",
     P(volunteer_shifts), C(volunteer_shifts), 0},
    {"DELETE FROM flags WHERE id IN (SELECT id FROM flags WHERE at < $1 LIMIT $2)", P(flags),
     C(flags), 0},
    {"DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < $1 LIMIT $2)",
     P(audit_log), C(audit_log), 0},
    {"DELETE FROM sessions WHERE id_sha256 IN "
     "(SELECT id_sha256 FROM sessions WHERE created_at < $1 LIMIT $2)",
     P(sessions), C(sessions), LNT_SESSION_ABSOLUTE},
    {"DELETE FROM login_failures WHERE id IN "
     "(SELECT id FROM login_failures WHERE at < $1 LIMIT $2)",
     P(sessions), C(login_failures), 0},
};
#undef P
#undef C

enum lnt_err lnt_store_purge(struct lnt_store *s, int64_t now, const struct lnt_retention *policy,
                             struct lnt_purge_counts *counts_out, char *err)
{
    struct lnt_purge_counts counts;
    PGconn *pg = NULL;
    enum lnt_err rc;

    memset(&counts, 0, sizeof counts);
    rc = lnt_pg_take(s, &pg, err);
    for (size_t i = 0; rc == LNT_OK && i < sizeof steps / sizeof steps[0]; i++) {
        int64_t period, *count;
        memcpy(&period, (const char *)policy + steps[i].policy_off, sizeof period);
        if (period <= 0)
            continue; /* kept for ever */
        count = (int64_t *)(void *)((char *)&counts + steps[i].count_off);
        rc = purge_chunks(pg, steps[i].sql, now - period - steps[i].extra, count, err);
    }
    if (rc == LNT_OK)
        rc = lnt_pg_audit(
            s, pg, "retention.purge", "", err,
            "removed %" PRId64 " events, %" PRId64 " conflicts, %" PRId64 " register rows, %" PRId64
            " incident details, %" PRId64 " incident parts, %" PRId64 " incidents, %" PRId64
            " stock entries, %" PRId64 " volunteer shifts, %" PRId64 " flags, %" PRId64
            " audit rows, %" PRId64 " sessions, %" PRId64 " failed logins",
            counts.raw_events, counts.conflicts, counts.door_register, counts.incident_details,
            counts.incident_parts, counts.incidents, counts.stock_ledger, counts.volunteer_shifts,
            counts.flags, counts.audit_log, counts.sessions, counts.login_failures);
    if (rc == LNT_OK) /* what scores read may be gone */
        rc = lnt_pg_notify(pg, LNT_STORE_CHANGED_ALL, err);
    if (pg != NULL)
        lnt_pg_give(s, pg);
    if (counts_out != NULL)
        *counts_out = counts;
    return rc;
}

enum lnt_err lnt_store_backup(struct lnt_store *s, const char *dest_path,
                              int (*progress)(void *ctx, int remaining, int total), void *ctx,
                              char *err)
{
    (void)s;
    (void)dest_path;
    (void)progress;
    (void)ctx;
    /* a copy of a PostgreSQL database as one file is pg_dump's job, and a copy that keeps up
     * with a live one is a base backup with WAL archiving: both PostgreSQL's own tools */
    return lnt_fail(err, LNT_ERR_UNSUPPORTED,
                    "backup copies SQLite databases only: back up PostgreSQL with pg_dump, or "
                    "base backups with WAL archiving (docs/scale.md, \"Backups\")");
}
