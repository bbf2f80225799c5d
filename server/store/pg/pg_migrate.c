/* pg_migrate.c - the PostgreSQL schema: its migrations, and bringing a database up to the
 * newest. The versions are the SQLite backend's (sqlite/sq_migrate.c), one file each in
 * assets/sql/postgresql/ beside assets/sql/sqlite/; test_store_schema checks that both
 * backends' databases have the same tables and columns at every version. */
#include "pg_int.h"

#include <stdio.h>

/* The migrations, embedded at build time from assets/sql/postgresql (cmake/Embed.cmake). */
extern const unsigned char lnt_sql_pg_001_init[];
extern const unsigned char lnt_sql_pg_002_registers_derived[];
extern const unsigned char lnt_sql_pg_003_ingest_speed[];
extern const unsigned char lnt_sql_pg_004_integrity[];
extern const unsigned char lnt_sql_pg_005_retention_received[];
extern const unsigned char lnt_sql_pg_006_places_welfare[];
extern const unsigned char lnt_sql_pg_007_door_rules[];
extern const unsigned char lnt_sql_pg_008_sia_history[];
extern const unsigned char lnt_sql_pg_009_venue_joined[];
extern const unsigned char lnt_sql_pg_010_volunteer_base_leader[];
extern const unsigned char lnt_sql_pg_011_alerts[];
extern const unsigned char lnt_sql_pg_012_places_map[];
extern const unsigned char lnt_sql_pg_013_casework[];
extern const unsigned char lnt_sql_pg_014_alerts_more[];
extern const unsigned char lnt_sql_pg_015_alert_delivery[];
extern const unsigned char lnt_sql_pg_016_webhook_sealed[];
extern const unsigned char lnt_sql_pg_017_score_history[];
extern const unsigned char lnt_sql_pg_018_place_correction[];

struct migration {
    int version;
    const char *name;
    const unsigned char *sql;
};

/* In order; each is applied in its own transaction, which also records its number. */
static const struct migration migrations[] = {
    {1, "001_init.sql", lnt_sql_pg_001_init},
    {2, "002_registers_derived.sql", lnt_sql_pg_002_registers_derived},
    {3, "003_ingest_speed.sql", lnt_sql_pg_003_ingest_speed},
    {4, "004_integrity.sql", lnt_sql_pg_004_integrity},
    {5, "005_retention_received.sql", lnt_sql_pg_005_retention_received},
    {6, "006_places_welfare.sql", lnt_sql_pg_006_places_welfare},
    {7, "007_door_rules.sql", lnt_sql_pg_007_door_rules},
    {8, "008_sia_history.sql", lnt_sql_pg_008_sia_history},
    {9, "009_venue_joined.sql", lnt_sql_pg_009_venue_joined},
    {10, "010_volunteer_base_leader.sql", lnt_sql_pg_010_volunteer_base_leader},
    {11, "011_alerts.sql", lnt_sql_pg_011_alerts},
    {12, "012_places_map.sql", lnt_sql_pg_012_places_map},
    {13, "013_casework.sql", lnt_sql_pg_013_casework},
    {14, "014_alerts_more.sql", lnt_sql_pg_014_alerts_more},
    {15, "015_alert_delivery.sql", lnt_sql_pg_015_alert_delivery},
    {16, "016_webhook_sealed.sql", lnt_sql_pg_016_webhook_sealed},
    {17, "017_score_history.sql", lnt_sql_pg_017_score_history},
    {18, "018_place_correction.sql", lnt_sql_pg_018_place_correction},
};
#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])
_Static_assert(LNT_STORE_SCHEMA_VERSION == 18, "store_admin.h names the newest migration");

/* Several servers starting against one database at once: one migrates, the others wait and
 * then find nothing to do. The key is arbitrary but fixed ("LNTSCHEM"). */
#define MIGRATE_LOCK "5498094280738146637"

int lnt_pg_schema_version(void)
{
    return migrations[N_MIGRATIONS - 1].version;
}

/* Inside the migration transaction: the recorded version (0 for a new database). */
static enum lnt_err read_version(PGconn *pg, int64_t *out, char *err)
{
    PGresult *r = NULL;
    enum lnt_err rc = lnt_pg_exec_script(
        pg,
        "CREATE TABLE IF NOT EXISTS schema_version (id BIGINT PRIMARY KEY CHECK (id = 1), "
        "version BIGINT NOT NULL); "
        "INSERT INTO schema_version (id, version) VALUES (1, 0) ON CONFLICT DO NOTHING",
        err, "reading the schema version");

    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, "SELECT version FROM schema_version WHERE id = 1", NULL, &r, err,
                         "reading the schema version");
    if (rc == LNT_OK)
        *out = PQntuples(r) == 1 ? lnt_pg_i64(r, 0, 0) : 0;
    PQclear(r);
    return rc;
}

enum lnt_err lnt_pg_migrate(PGconn *pg, char *err)
{
    for (;;) {
        int64_t v = 0;
        const struct migration *m = NULL;
        struct lnt_pg_params p;
        enum lnt_err rc = lnt_pg_begin(pg, err);

        if (rc == LNT_OK)
            rc = lnt_pg_exec(pg, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")", NULL, NULL, err,
                             "waiting for another server's migration");
        if (rc == LNT_OK)
            rc = read_version(pg, &v, err);
        if (rc == LNT_OK && v > lnt_pg_schema_version())
            rc = lnt_fail(err, LNT_ERR_DB,
                          "database is at schema version %" PRId64
                          ", newer than this program knows (%d): upgrade Lantern",
                          v, lnt_pg_schema_version());
        for (size_t i = 0; rc == LNT_OK && i < N_MIGRATIONS && m == NULL; i++)
            if (migrations[i].version > v)
                m = &migrations[i];
        if (rc != LNT_OK || m == NULL)
            return lnt_pg_end(pg, rc, err);
        rc = lnt_pg_exec_script(pg, (const char *)m->sql, err, m->name);
        lnt_pg_p_init(&p);
        lnt_pg_p_i64(&p, m->version);
        if (rc == LNT_OK)
            rc = lnt_pg_exec(pg, "UPDATE schema_version SET version = $1 WHERE id = 1", &p, NULL,
                             err, "recording the schema version");
        rc = lnt_pg_end(pg, rc, err);
        if (rc != LNT_OK)
            return lnt_fail_prefix(err, rc, "migrating to schema %d: ", m->version);
    }
}
