/* sq_migrate.c - the schema migrations: which there are, and how a database is brought up to
 * the newest. */
#include "sq_int.h"

#include <stdio.h>

/* The migrations, embedded at build time from assets/sql/sqlite (see cmake/Embed.cmake). */
extern const unsigned char lnt_sql_sqlite_001_init[];
extern const unsigned char lnt_sql_sqlite_002_registers_derived[];
extern const unsigned char lnt_sql_sqlite_003_ingest_speed[];
extern const unsigned char lnt_sql_sqlite_004_integrity[];
extern const unsigned char lnt_sql_sqlite_005_retention_received[];
extern const unsigned char lnt_sql_sqlite_006_places_welfare[];
extern const unsigned char lnt_sql_sqlite_007_door_rules[];
extern const unsigned char lnt_sql_sqlite_008_sia_history[];
extern const unsigned char lnt_sql_sqlite_009_venue_joined[];
extern const unsigned char lnt_sql_sqlite_010_volunteer_base_leader[];
extern const unsigned char lnt_sql_sqlite_011_alerts[];
extern const unsigned char lnt_sql_sqlite_012_places_map[];
extern const unsigned char lnt_sql_sqlite_013_casework[];
extern const unsigned char lnt_sql_sqlite_014_alerts_more[];
extern const unsigned char lnt_sql_sqlite_015_alert_delivery[];
extern const unsigned char lnt_sql_sqlite_016_webhook_sealed[];
extern const unsigned char lnt_sql_sqlite_017_score_history[];
extern const unsigned char lnt_sql_sqlite_018_place_correction[];

struct migration {
    int version;
    const char *name;
    const unsigned char *sql;
    /* run after the SQL (after every pending migration's SQL when one has a post step), in
     * the same transaction; may be NULL */
    enum lnt_err (*post)(struct lnt_store *s, char *err);
    /* run before the SQL, in the same transaction; may be NULL */
    enum lnt_err (*pre)(struct lnt_store *s, char *err);
    /*
     * The migration removes secrets: it runs with PRAGMA secure_delete on (freed
     * pages and cells are zeroed) and is followed by a truncating checkpoint, so
     * the old bytes are left neither in the database file nor in its WAL.
     */
    bool scrub;
};

/* In order; each is applied in its own transaction and sets user_version to its number. */
static const struct migration migrations[] = {
    {1, "001_init.sql", lnt_sql_sqlite_001_init, NULL, NULL, false},
    {2, "002_registers_derived.sql", lnt_sql_sqlite_002_registers_derived, lnt_sq_replay_events,
     NULL, false},
    {3, "003_ingest_speed.sql", lnt_sql_sqlite_003_ingest_speed, NULL, NULL, false},
    {4, "004_integrity.sql", lnt_sql_sqlite_004_integrity, NULL, lnt_sq_keys_move_out, true},
    {5, "005_retention_received.sql", lnt_sql_sqlite_005_retention_received, NULL, NULL, false},
    {6, "006_places_welfare.sql", lnt_sql_sqlite_006_places_welfare, NULL, NULL, false},
    {7, "007_door_rules.sql", lnt_sql_sqlite_007_door_rules, NULL, NULL, false},
    {8, "008_sia_history.sql", lnt_sql_sqlite_008_sia_history, NULL, NULL, false},
    {9, "009_venue_joined.sql", lnt_sql_sqlite_009_venue_joined, NULL, NULL, false},
    {10, "010_volunteer_base_leader.sql", lnt_sql_sqlite_010_volunteer_base_leader, NULL, NULL,
     false},
    {11, "011_alerts.sql", lnt_sql_sqlite_011_alerts, NULL, NULL, false},
    {12, "012_places_map.sql", lnt_sql_sqlite_012_places_map, NULL, NULL, false},
    {13, "013_casework.sql", lnt_sql_sqlite_013_casework, NULL, NULL, false},
    {14, "014_alerts_more.sql", lnt_sql_sqlite_014_alerts_more, NULL, NULL, false},
    {15, "015_alert_delivery.sql", lnt_sql_sqlite_015_alert_delivery, NULL, NULL, false},
    {16, "016_webhook_sealed.sql", lnt_sql_sqlite_016_webhook_sealed, lnt_sq_webhooks_seal, NULL,
     true},
    {17, "017_score_history.sql", lnt_sql_sqlite_017_score_history, NULL, NULL, false},
    {18, "018_place_correction.sql", lnt_sql_sqlite_018_place_correction, NULL, NULL, false},
};
#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])
_Static_assert(LNT_STORE_SCHEMA_VERSION == 18, "store_admin.h names the newest migration");

static enum lnt_err user_version(sqlite3 *db, int *out, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc = lnt_sq_prepare(db, "PRAGMA user_version", &st, err);

    if (rc != LNT_OK)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    else
        rc = lnt_sq_fail(db, err, "reading the schema version");
    sqlite3_finalize(st);
    return rc;
}

static enum lnt_err refuse_newer(const char *path, int v, char *err)
{
    return lnt_fail(err, LNT_ERR_DB,
                    "database %s has schema version %d, newer than this program knows (%d): "
                    "use a newer Lantern",
                    path, v, migrations[N_MIGRATIONS - 1].version);
}

/* PRAGMA secure_delete's current value (0, 1 or 2 for FAST), -1 when it cannot be read. */
static int secure_delete_get(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int v = -1;

    if (lnt_sq_prepare(db, "PRAGMA secure_delete", &st, NULL) == LNT_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/*
 * After a migration that removed secrets: copies the zeroed pages into the
 * database file and truncates the WAL, which may still hold frames with the
 * old bytes. Another connection reading at the same moment can keep part of
 * the WAL alive; the next full checkpoint then finishes the job.
 */
static void scrub_wal(sqlite3 *db)
{
    (void)lnt_sq_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
}

/*
 * Applies every migration newer than the database, each in its own transaction.
 * A post step (the replay that derives data from stored events) runs the
 * program's derivation code, which writes the newest schema: when one is
 * pending, every pending migration shares one transaction and the post steps
 * run after the last of them. The migrations' pre steps run before their SQL.
 */
enum lnt_err lnt_sq_migrate(struct lnt_store *s, char *err)
{
    sqlite3 *db = s->w.db;
    enum lnt_err rc;
    int v = 0, secure = -1;
    bool together = false;
    char sql[64];

    rc = user_version(db, &v, err);
    if (rc != LNT_OK)
        return rc;
    if (v > migrations[N_MIGRATIONS - 1].version)
        return refuse_newer(s->path, v, err);
    for (size_t i = 0; i < N_MIGRATIONS; i++)
        together = together || (migrations[i].version > v && migrations[i].post != NULL);
    for (size_t i = 0; i < N_MIGRATIONS;) {
        /* migrations i..j share one transaction */
        size_t j = together ? N_MIGRATIONS - 1 : i;
        const struct migration *m = &migrations[i];
        bool scrub = false;

        if (m->version <= v) {
            i++;
            continue;
        }
        for (size_t k = i; k <= j; k++)
            scrub = scrub || migrations[k].scrub;
        if (scrub) {
            secure = secure_delete_get(db);
            rc = lnt_sq_exec(db, "PRAGMA secure_delete = ON", err);
            if (rc != LNT_OK)
                return lnt_fail_prefix(err, rc, "migration %s: ", m->name);
        }
        rc = lnt_sq_exec(db, "BEGIN IMMEDIATE", err);
        if (rc != LNT_OK)
            return lnt_fail_prefix(err, rc, "migration %s: ", m->name);
        /* another process may have migrated while we waited for the lock */
        rc = user_version(db, &v, err);
        if (rc == LNT_OK && v > migrations[N_MIGRATIONS - 1].version)
            rc = refuse_newer(s->path, v, err);
        for (size_t k = i; rc == LNT_OK && k <= j; k++) {
            m = &migrations[k];
            if (m->version <= v)
                continue;
            if (m->pre != NULL)
                rc = m->pre(s, err);
            if (rc == LNT_OK)
                rc = lnt_sq_exec(db, (const char *)m->sql, err);
            if (rc != LNT_OK)
                rc = lnt_fail_prefix(err, rc, "migration %s: ", m->name);
        }
        for (size_t k = i; rc == LNT_OK && k <= j; k++) {
            m = &migrations[k];
            if (m->version > v && m->post != NULL && (rc = m->post(s, err)) != LNT_OK)
                rc = lnt_fail_prefix(err, rc, "migration %s: ", m->name);
        }
        if (rc == LNT_OK && migrations[j].version > v) {
            snprintf(sql, sizeof sql, "PRAGMA user_version = %d", migrations[j].version);
            rc = lnt_sq_exec(db, sql, err);
        }
        if (rc == LNT_OK)
            rc = lnt_sq_exec(db, "COMMIT", err);
        if (rc != LNT_OK)
            (void)lnt_sq_exec(db, "ROLLBACK", NULL);
        if (scrub) {
            if (rc == LNT_OK)
                scrub_wal(db);
            snprintf(sql, sizeof sql, "PRAGMA secure_delete = %d", secure >= 0 ? secure : 0);
            (void)lnt_sq_exec(db, sql, NULL);
        }
        if (rc != LNT_OK)
            return rc;
        if (migrations[j].version > v)
            v = migrations[j].version;
        i = j + 1;
    }
    /* statements prepared against the old schema must not outlive it */
    lnt_sq_cache_clear(&s->w);
    return LNT_OK;
}

enum lnt_err lnt_store_schema_version(struct lnt_store *s, int *out, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = user_version(c->db, out, err);

    lnt_sq_rend(s, c);
    return rc;
}
