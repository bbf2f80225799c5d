/* sq_admin.c - the store on SQLite: retention purge, online backup, and changes (which one
 * server per file has no one to tell of). */
#include "sq_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ltime.h"
#include "store_changes.h"

#define PURGE_CHUNK 5000 /* rows per purge transaction: ingest waits at most this long */
#define BACKUP_PAGES 256 /* pages copied per backup step */

/*
 * Runs `sql` (one chunk: ?1 = cutoff, ?2 = PURGE_CHUNK) in short transactions
 * until a chunk changes fewer rows than PURGE_CHUNK; adds the rows changed to *count.
 */
static enum lnt_err purge_chunks(struct lnt_store *s, const char *sql, int64_t cutoff,
                                 int64_t *count, char *err)
{
    for (;;) {
        sqlite3_stmt *st;
        enum lnt_err rc;
        int changed = 0;

        rc = lnt_sq_wbegin(s, err);
        st = rc == LNT_OK ? lnt_sq_stmt(&s->w, sql, err) : NULL;
        if (rc == LNT_OK && st == NULL)
            rc = LNT_ERR_DB;
        if (rc == LNT_OK) {
            sqlite3_bind_int64(st, 1, cutoff);
            sqlite3_bind_int(st, 2, PURGE_CHUNK);
            rc = lnt_sq_done(s->w.db, st, err, "purging old records");
            changed = sqlite3_changes(s->w.db);
        }
        rc = lnt_sq_wend(s, rc, err);
        if (rc != LNT_OK)
            return rc;
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

#define P(field) offsetof(struct lnt_retention, field)
#define C(field) offsetof(struct lnt_purge_counts, field)
static const struct purge_step steps[] = {
    /* what kiosks send is kept from when it arrived: a kiosk cannot date its own records out */
    {"DELETE FROM events WHERE id IN (SELECT id FROM events WHERE received_at < ?1 LIMIT ?2)",
     P(raw_events), C(raw_events), 0},
    {"DELETE FROM event_conflicts WHERE id IN "
     "(SELECT id FROM event_conflicts WHERE received_at < ?1 LIMIT ?2)",
     P(raw_events), C(conflicts), 0},
    /* every part of a report stays as long as its details do (and none outlives its report) */
    {"DELETE FROM incident_parts WHERE id IN (SELECT p.id FROM incident_parts p "
     "LEFT JOIN incidents i ON i.id = p.incident_id "
     "WHERE i.id IS NULL OR i.first_received_at < ?1 LIMIT ?2)",
     P(incident_details), C(incident_parts), 0},
    {"UPDATE incidents SET sealed = NULL WHERE id IN (SELECT id FROM incidents "
     "WHERE sealed IS NOT NULL AND first_received_at < ?1 LIMIT ?2)",
     P(incident_details), C(incident_details), 0},
    /* the raw incident events carry the same sealed text */
    {"DELETE FROM events WHERE id IN (SELECT id FROM events WHERE type = 4 "
     "AND received_at < ?1 LIMIT ?2)",
     P(incident_details), C(raw_events), 0},
    {"DELETE FROM incidents WHERE id IN (SELECT id FROM incidents WHERE first_received_at < ?1 "
     "LIMIT ?2)",
     P(incidents), C(incidents), 0},
    {"DELETE FROM shifts WHERE id IN (SELECT id FROM shifts WHERE on_at < ?1 LIMIT ?2)",
     P(door_register), C(door_register), 0},
    {"DELETE FROM stock_ledger WHERE id IN (SELECT id FROM stock_ledger WHERE at < ?1 LIMIT ?2)",
     P(stock_ledger), C(stock_ledger), 0},
    {"DELETE FROM volunteer_shifts WHERE id IN "
     "(SELECT id FROM volunteer_shifts WHERE at < ?1 LIMIT ?2)",
     P(volunteer_shifts), C(volunteer_shifts), 0},
    {"DELETE FROM flags WHERE id IN (SELECT id FROM flags WHERE at < ?1 LIMIT ?2)", P(flags),
     C(flags), 0},
    {"DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ?1 LIMIT ?2)",
     P(audit_log), C(audit_log), 0},
    {"DELETE FROM sessions WHERE id_sha256 IN "
     "(SELECT id_sha256 FROM sessions WHERE created_at < ?1 LIMIT ?2)",
     P(sessions), C(sessions), LNT_SESSION_ABSOLUTE},
    {"DELETE FROM login_failures WHERE id IN "
     "(SELECT id FROM login_failures WHERE at < ?1 LIMIT ?2)",
     P(sessions), C(login_failures), 0},
};
#undef P
#undef C

enum lnt_err lnt_store_purge(struct lnt_store *s, int64_t now, const struct lnt_retention *policy,
                             struct lnt_purge_counts *counts_out, char *err)
{
    struct lnt_purge_counts counts;
    enum lnt_err rc = LNT_OK;

    memset(&counts, 0, sizeof counts);
    for (size_t i = 0; rc == LNT_OK && i < sizeof steps / sizeof steps[0]; i++) {
        int64_t period, *count;
        memcpy(&period, (const char *)policy + steps[i].policy_off, sizeof period);
        if (period <= 0)
            continue; /* kept for ever */
        count = (int64_t *)(void *)((char *)&counts + steps[i].count_off);
        rc = purge_chunks(s, steps[i].sql, now - period - steps[i].extra, count, err);
    }
    if (rc == LNT_OK) {
        lnt_sq_wlock(s);
        rc = lnt_sq_audit(
            s, "retention.purge", "", err,
            "removed %" PRId64 " events, %" PRId64 " conflicts, %" PRId64 " register rows, %" PRId64
            " incident details, %" PRId64 " incident parts, %" PRId64 " incidents, %" PRId64
            " stock entries, %" PRId64 " volunteer shifts, %" PRId64 " flags, %" PRId64
            " audit rows, %" PRId64 " sessions, %" PRId64 " failed logins",
            counts.raw_events, counts.conflicts, counts.door_register, counts.incident_details,
            counts.incident_parts, counts.incidents, counts.stock_ledger, counts.volunteer_shifts,
            counts.flags, counts.audit_log, counts.sessions, counts.login_failures);
        lnt_sq_wunlock(s);
    }
    if (counts_out != NULL)
        *counts_out = counts;
    return rc;
}

enum lnt_err lnt_store_backup(struct lnt_store *s, const char *dest_path,
                              int (*progress)(void *ctx, int remaining, int total), void *ctx,
                              char *err)
{
    sqlite3 *src = NULL, *dst = NULL;
    sqlite3_backup *b = NULL;
    enum lnt_err rc = LNT_OK;
    bool created = false;
    int fd, r;

    if (dest_path == NULL || dest_path[0] == '\0' || strlen(dest_path) >= LNT_SQ_PATH_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "backup path must be 1-%d bytes",
                        LNT_SQ_PATH_MAX - 1);
    /* claim the name first: a backup never overwrites anything */
    fd = open(dest_path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return lnt_fail(err, errno == EEXIST ? LNT_ERR_EXISTS : LNT_ERR_IO, "%s: %s", dest_path,
                        strerror(errno));
    close(fd);
    created = true;
    if (sqlite3_open_v2(s->path, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK ||
        sqlite3_open_v2(dest_path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK) {
        rc = lnt_fail(err, LNT_ERR_DB, "opening for the backup: %s",
                      sqlite3_errmsg(dst != NULL ? dst : src));
        goto out;
    }
    sqlite3_busy_timeout(src, 5000);
    /* one read transaction on the source for the whole copy: one snapshot, writers carry on */
    rc = lnt_sq_exec(src, "BEGIN; SELECT count(*) FROM sqlite_master;", err);
    if (rc != LNT_OK)
        goto out;
    b = sqlite3_backup_init(dst, "main", src, "main");
    if (b == NULL) {
        rc = lnt_sq_fail(dst, err, "starting the backup");
        goto out;
    }
    do {
        r = sqlite3_backup_step(b, BACKUP_PAGES);
        if (progress != NULL && (r == SQLITE_OK || r == SQLITE_DONE) &&
            progress(ctx, sqlite3_backup_remaining(b), sqlite3_backup_pagecount(b)) != 0) {
            rc = lnt_fail(err, LNT_ERR_STATE, "backup cancelled");
            goto out;
        }
        if (r == SQLITE_BUSY || r == SQLITE_LOCKED)
            sqlite3_sleep(10);
    } while (r == SQLITE_OK || r == SQLITE_BUSY || r == SQLITE_LOCKED);
    if (r != SQLITE_DONE) {
        rc = lnt_fail(err, LNT_ERR_DB, "copying the database: %s", sqlite3_errstr(r));
        goto out;
    }
    r = sqlite3_backup_finish(b);
    b = NULL;
    if (r != SQLITE_OK) {
        rc = lnt_sq_fail(dst, err, "finishing the backup");
        goto out;
    }
    created = false; /* it is the backup now */
out:
    if (b != NULL)
        sqlite3_backup_finish(b);
    if (src != NULL && !sqlite3_get_autocommit(src))
        (void)lnt_sq_exec(src, "COMMIT", NULL);
    sqlite3_close(src);
    sqlite3_close(dst);
    if (created) {
        (void)unlink(dest_path);
        for (const char *suffix = "-journal"; suffix != NULL;
             suffix = strcmp(suffix, "-journal") == 0 ? "-wal" : NULL) {
            char side[LNT_SQ_PATH_MAX + 16];
            snprintf(side, sizeof side, "%s%s", dest_path, suffix);
            (void)unlink(side);
        }
    }
    if (rc == LNT_OK) {
        lnt_sq_wlock(s);
        rc = lnt_sq_audit(s, "store.backup", "", err, "copied to %s", dest_path);
        lnt_sq_wunlock(s);
    }
    return rc;
}

/* ---- changes: one server serves a SQLite file, so there is no other to tell ---- */

enum lnt_err lnt_store_changed(struct lnt_store *s, int64_t venue_id, char *err)
{
    (void)s;
    if (venue_id < 0)
        return lnt_fail(err, LNT_ERR_INVALID, "venue id %" PRId64 " is not a venue", venue_id);
    return LNT_OK;
}

enum lnt_err lnt_store_changes_wait(struct lnt_store *s, int timeout_ms, int64_t *out, size_t cap,
                                    size_t *n, char *err)
{
    (void)s;
    (void)timeout_ms;
    (void)out;
    (void)cap;
    *n = 0;
    return lnt_fail(err, LNT_ERR_UNSUPPORTED,
                    "a SQLite database is served by one lanternd: no other server's changes to "
                    "hear");
}
