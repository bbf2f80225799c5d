/* test_store_admin.c - migration from schema 1, retention purge, backups of a live database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "codec.h"
#include "ltime.h"
#include "night.h"
#include "store.h"
#include "support.h"
#include "test_store_fixture.h"

#define DAY 86400LL
#define R1 "11111111-1111-4111-8111-111111111111"
#define R2 "22222222-2222-4222-8222-222222222222"

/* ---- migration ---- */

static void test_store_admin__v1_database_migrates_and_gains_derived_data(void **state)
{
    char *dir = lnt_test_tmpdir(), *path, *sql;
    struct lnt_store *s = NULL;
    sqlite3 *db = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_venue v;
    struct lnt_incident *inc = NULL;
    struct lnt_incident_filter flt = {0};
    struct lnt_stock_level lvl;
    uint8_t(*serials)[LNT_SERIAL_LEN] = NULL;
    size_t n = 0;
    int64_t ver = 0;
    int schema = 0;

    (void)state;
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    assert_non_null(dir);
    path = lnt_test_path(dir, "old.db");
    sql = lnt_test_read_file(lnt_test_src("tests/data/store/v1.sql"));
    assert_non_null(sql);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    free(sql);
    assert_int_equal(sf_sql_int(path, "PRAGMA user_version"), 1);

    if (lnt_store_open(&s, path, err) != LNT_OK)
        fail_msg("open: %s", err);
    assert_int_equal(lnt_store_schema_version(s, &schema, err), LNT_OK);
    assert_int_equal(schema, LNT_STORE_SCHEMA_VERSION);
    /* registers: new columns with their defaults */
    assert_int_equal(lnt_store_venue_get(s, 2, &v, err), LNT_OK);
    assert_string_equal(v.trading, "Thu-Sat 22:00-04:00");
    assert_int_equal(v.cup_cover_threshold, 100);
    assert_string_equal(v.authority, "");
    /* the badge revoked under schema 1 is in the kiosks' list at version 1 */
    assert_int_equal(lnt_store_badge_revoked_since(s, 0, SF_T0, &serials, &n, &ver, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ver, 1);
    assert_int_equal(serials[0][0], 0x11);
    free(serials);
    /* derived data rebuilt from the events stored before */
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM shifts"), 3);
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM shifts WHERE off_at IS NULL"), 2);
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM flags WHERE kind = 1"), 1);
    assert_int_equal(lnt_store_incident_list(s, &flt, 0, 10, &inc, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_true(inc[0].complete);
    assert_int_equal(inc[0].updates, 2);
    free(inc);
    assert_int_equal(lnt_store_stock_get(s, 1, &lvl, err), LNT_OK);
    assert_int_equal(lvl.level, 150);
    assert_int_equal(sf_sql_int(path, "SELECT spiking_complete FROM rollup_night WHERE "
                                      "venue_id = 1"),
                     1);
    assert_int_equal(sf_sql_int(path, "SELECT refused FROM rollup_night WHERE venue_id = 2"), 1);
    assert_int_equal(sf_sql_int(path, "SELECT sum(count) FROM rollup_hour WHERE kind = ''"), 8);
    lnt_store_free(s);
    /* and opens again without migrating twice */
    if (lnt_store_open(&s, path, err) != LNT_OK)
        fail_msg("reopen: %s", err);
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM shifts"), 3);
    lnt_store_free(s);
    lnt_test_rmrf(dir);
    free(path);
    free(dir);
}

#define R_V3 "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
#define R_V1 "6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"

/*
 * tests/data/store/v3.sql holds a report saved open and completed at The
 * Crown, then rewritten by Club Nova's kiosk (as schema 3 let it). The
 * migration keeps both of The Crown's saves as parts, in order, and not the
 * other venue's, audits the rewrite and undoes it; the parts then outlive
 * the raw events, as the details do.
 */
static void test_store_admin__v3_database_migrates_and_keeps_every_incident_part(void **state)
{
    char *dir = lnt_test_tmpdir(), *path, *sql;
    struct lnt_store *s = NULL;
    sqlite3 *db = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_retention pol;
    struct lnt_purge_counts c;
    int schema = 0;

    (void)state;
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    assert_non_null(dir);
    path = lnt_test_path(dir, "v3.db");
    sql = lnt_test_read_file(lnt_test_src("tests/data/store/v3.sql"));
    assert_non_null(sql);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    free(sql);
    assert_int_equal(sf_sql_int(path, "PRAGMA user_version"), 3);

    if (lnt_store_open(&s, path, err) != LNT_OK)
        fail_msg("open: %s", err);
    assert_int_equal(lnt_store_schema_version(s, &schema, err), LNT_OK);
    assert_int_equal(schema, LNT_STORE_SCHEMA_VERSION);
    /* both of The Crown's saves, in the order received, with their times and details */
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM incident_parts p JOIN incidents i ON "
                                      "i.id = p.incident_id WHERE i.report_id = '" R_V3 "'"),
                     2);
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM incident_parts WHERE sealed = "
                                      "'Zm9yZ2Vk'"),
                     0);
    assert_int_equal(sf_sql_int(path, "SELECT recorded_at * 10 + complete FROM incident_parts "
                                      "WHERE sealed = 'c3ltcHRvbXM6IGRpenp5' AND kiosk_id = 1 "
                                      "AND seq = 7 AND received_at = 1795820710"),
                     17958207000LL);
    assert_int_equal(sf_sql_int(path, "SELECT recorded_at * 10 + complete FROM incident_parts "
                                      "WHERE sealed = 'b3V0Y29tZTogYW1idWxhbmNl' AND seq = 8 AND "
                                      "received_at = 1795825810"),
                     17958258001LL);
    assert_int_equal(sf_sql_int(path, "SELECT min(p.id) = (SELECT id FROM incident_parts WHERE "
                                      "seq = 7) FROM incident_parts p JOIN incidents i ON i.id = "
                                      "p.incident_id WHERE i.report_id = '" R_V3 "'"),
                     1);
    /* the other venue's save, applied under schema 3, is in the audit log to be checked */
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM audit_log WHERE action = "
                                      "'incident.conflict' AND object = '" R_V3 "' AND detail "
                                      "LIKE 'kiosk 2 (venue 2) sent seq 3 %'"),
                     1);
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM audit_log WHERE action = "
                                      "'incident.conflict'"),
                     1);
    /* and the report is The Crown's own again, its counts with it */
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM incidents WHERE report_id = '" R_V3
                                      "' AND kind = 'spiking' AND complete = 1 AND outcome = "
                                      "'ambulance' AND kiosk_id = 1 AND latest_seq = 8 AND "
                                      "updates = 2 AND updated_at = 1795825800 AND sealed = "
                                      "'b3V0Y29tZTogYW1idWxhbmNl'"),
                     1);
    assert_int_equal(sf_sql_int(path, "SELECT count FROM rollup_night_kind WHERE venue_id = 1 AND "
                                      "kind = 'medical'"),
                     0);
    assert_int_equal(sf_sql_int(path, "SELECT count FROM rollup_night_kind WHERE venue_id = 1 AND "
                                      "kind = 'spiking'"),
                     2);
    assert_int_equal(sf_sql_int(path, "SELECT spiking * 10 + spiking_complete FROM rollup_night "
                                      "WHERE venue_id = 1 AND incidents > 0"),
                     22);
    assert_int_equal(sf_sql_int(path, "SELECT sum(count) FROM rollup_hour WHERE type = 4 AND "
                                      "kind = 'medical'"),
                     0);
    assert_int_equal(sf_sql_int(path, "SELECT sum(count) FROM rollup_hour WHERE type = 4 AND "
                                      "kind = 'spiking'"),
                     2);
    /* the report saved in two parts under schema 1 (no details) keeps both saves too */
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM incident_parts p JOIN incidents i ON "
                                      "i.id = p.incident_id WHERE i.report_id = '" R_V1 "' AND "
                                      "p.sealed IS NULL"),
                     2);

    /* past the raw events' 13 months, within the details' 24: every part stays */
    lnt_retention_defaults(&pol);
    assert_int_equal(lnt_store_purge(s, 1795820400 + 500 * DAY, &pol, &c, err), LNT_OK);
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM events"), 0);
    assert_int_equal(c.incident_parts, 0);
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM incident_parts"), 4);
    lnt_store_free(s);
    /* opens again without filling the parts twice */
    if (lnt_store_open(&s, path, err) != LNT_OK)
        fail_msg("reopen: %s", err);
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM incident_parts"), 4);
    /* past 24 months the parts go with the details */
    assert_int_equal(lnt_store_purge(s, 1795820400 + 800 * DAY, &pol, &c, err), LNT_OK);
    assert_int_equal(c.incident_parts, 4);
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM incident_parts"), 0);
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM incidents WHERE sealed IS NOT NULL"),
                     0);
    lnt_store_free(s);
    lnt_test_rmrf(dir);
    free(path);
    free(dir);
}

/* ---- purge ---- */

static void test_store_admin__purge_removes_by_age_and_keeps_rollups(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t hub = sf_venue(f->s, "Haven", LNT_VENUE_HUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, v), kh = sf_kiosk(f->s, hub);
    int64_t door = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    int64_t old = SF_T0, recent = SF_T0 + 700 * DAY, now = SF_T0 + 750 * DAY;
    struct lnt_retention pol;
    struct lnt_purge_counts c;
    struct lnt_session sess;
    struct lnt_officer o;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t rollups;

    sf_badge_issue(f->s, door, "a1b2c3d4e5f60718", old - 30 * DAY);
    struct lnt_event ev[] = {
        sf_badge(1, LNT_EV_SIGN_IN, old, door, "a1b2c3d4e5f60718", LNT_ROLE_DOOR),
        sf_badge(2, LNT_EV_SIGN_OUT, old + 3600, door, "a1b2c3d4e5f60718", LNT_ROLE_DOOR),
        sf_incident(3, old, old + 60, R1, "spiking", true, "c2VhbGVk"),
        sf_stock(4, old, "count", 100),
        sf_badge(5, LNT_EV_SIGN_IN, recent, door, "a1b2c3d4e5f60718", LNT_ROLE_DOOR),
        sf_incident(6, recent, recent + 60, R2, "angela", true, "c2VhbGVk"),
        sf_stock(7, recent, "delivery", 50),
        sf_badge(8, LNT_EV_SIGN_OUT, old + 7200, door, "a1b2c3d4e5f60718", LNT_ROLE_DOOR),
    };
    struct lnt_event vol[] = {sf_shift(1, LNT_EV_SHIFT_START, old, 7, "pastors", 0),
                              sf_shift(2, LNT_EV_SHIFT_END, old + 3600, 7, "pastors", 5),
                              sf_shift(3, LNT_EV_SHIFT_START, recent, 7, "pastors", 0)};
    /* each batch arrives when it was recorded, but for the stray sign-out, sent late */
    sf_insert(f->s, k, old + 7300, ev, 4);
    sf_insert(f->s, k, recent + 120, ev + 4, 4);
    sf_insert(f->s, kh, old + 3700, vol, 2);
    sf_insert(f->s, kh, recent + 60, vol + 2, 1);
    memset(&o, 0, sizeof o);
    (void)lnt_str_copy(o.email, sizeof o.email, "pat@x.org");
    (void)lnt_str_copy(o.name, sizeof o.name, "Pat");
    o.scope.role = LNT_OFFICER_ADMIN;
    assert_int_equal(lnt_store_officer_add(f->s, &o, "a long enough password", err), LNT_OK);
    assert_int_equal(lnt_store_session_create(f->s, o.id, old, &sess, err), LNT_OK);
    {
        bool granted = false;
        assert_int_equal(
            lnt_store_login_reserve(f->s, "pat@x.org", "10.0.0.1", old, 900, 5, 20, &granted, err),
            LNT_OK);
        assert_true(granted);
    }
    rollups = sf_sql_int(f->path, "SELECT sum(contacts) FROM rollup_night");
    assert_int_equal(rollups, 11);

    lnt_retention_defaults(&pol);
    assert_int_equal(pol.door_register, 365 * DAY);
    assert_int_equal(lnt_store_purge(f->s, now, &pol, &c, err), LNT_OK);
    assert_int_equal(c.raw_events, 6); /* 4 received long ago at the venue, 2 at the hub */
    assert_int_equal(c.door_register, 1);
    assert_int_equal(c.incident_details, 1);
    assert_int_equal(c.incidents, 0); /* six years */
    assert_int_equal(c.stock_ledger, 1);
    assert_int_equal(c.volunteer_shifts, 1);
    assert_int_equal(c.flags, 1); /* the old stray sign-out */
    assert_int_equal(c.audit_log, 0);
    assert_int_equal(c.sessions, 1);
    assert_int_equal(c.login_failures, 1);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM events"), 5);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM incidents WHERE sealed IS NULL"), 1);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM incidents WHERE sealed IS NOT NULL "
                                         "AND report_id = '" R2 "'"),
                     1);
    assert_int_equal(sf_sql_int(f->path, "SELECT sum(contacts) FROM rollup_night"), rollups);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = "
                                         "'retention.purge'"),
                     1);
    /* again: nothing left to do */
    assert_int_equal(lnt_store_purge(f->s, now, &pol, &c, err), LNT_OK);
    assert_int_equal(c.raw_events + c.door_register + c.stock_ledger, 0);
    /* a period of 0 keeps for ever; a short audit period purges the audit log */
    memset(&pol, 0, sizeof pol);
    pol.audit_log = 1;
    assert_int_equal(lnt_store_purge(f->s, lnt_time_now() + 10, &pol, &c, err), LNT_OK);
    assert_true(c.audit_log > 5);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM events"), 5);
}

/*
 * A kiosk dates its own report three years back (the server refuses only times in the
 * future). Its details and raw events are kept for their full periods from the day the
 * server received them, not purged at the next run.
 */
static void test_store_admin__purge_counts_from_receipt_not_from_claimed_time(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, v);
    int64_t now = SF_T0 + 1200 * DAY, claimed = now - 3 * 365 * DAY;
    struct lnt_retention pol;
    struct lnt_purge_counts c;
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_event ev[] = {
        sf_incident(1, claimed, claimed + 60, R1, "spiking", true, "c2VhbGVk")};

    sf_insert(f->s, k, now - 3600, ev, 1);
    lnt_retention_defaults(&pol);
    assert_int_equal(lnt_store_purge(f->s, now, &pol, &c, err), LNT_OK);
    assert_int_equal(c.incident_details, 0);
    assert_int_equal(c.incident_parts, 0);
    assert_int_equal(c.raw_events, 0);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM incidents WHERE sealed = "
                                         "'c2VhbGVk' AND first_received_at = "
                                         "(SELECT received_at FROM events)"),
                     1);
    /* and they go when their periods from the receipt have passed */
    assert_int_equal(lnt_store_purge(f->s, now + pol.incident_details, &pol, &c, err), LNT_OK);
    assert_int_equal(c.incident_details, 1);
    assert_int_equal(c.raw_events, 1);
}

/* ---- backup ---- */

struct writer {
    struct lnt_store *s;
    int64_t kiosk;
    int64_t seq;
    atomic_int stop;
    int batches;
};

static void *write_loop(void *arg)
{
    struct writer *w = arg;
    struct lnt_event ev[20];
    struct lnt_ingest_result res[20];
    char err[LNT_ERRBUF_SIZE] = "";

    while (!atomic_load(&w->stop)) {
        for (int i = 0; i < 20; i++) {
            w->seq++;
            ev[i] = sf_refused(w->seq, SF_T0 + w->seq);
        }
        if (lnt_store_events_insert(w->s, w->kiosk, SF_T0, ev, 20, res, err) != LNT_OK)
            break;
        w->batches++;
    }
    return NULL;
}

struct progress {
    int calls;
    int cancel_at;
};

static int on_progress(void *ctx, int remaining, int total)
{
    struct progress *p = ctx;

    assert_true(remaining >= 0 && remaining <= total);
    p->calls++;
    usleep(2000); /* give the writer room to commit meanwhile */
    return p->cancel_at != 0 && p->calls >= p->cancel_at;
}

static void test_store_admin__backup_of_a_live_database_is_consistent(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    struct writer w = {.s = f->s, .kiosk = sf_kiosk(f->s, v)};
    struct progress p = {0};
    char *dest = lnt_test_path(f->dir, "backup.db"), *dest2 = lnt_test_path(f->dir, "b2.db");
    char err[LNT_ERRBUF_SIZE] = "";
    pthread_t th;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;

    if (lnt_store_is_postgresql(f->path)) {
        /* a copy of a PostgreSQL database is pg_dump's or a base backup's (docs/scale.md):
         * the store says so, names them and writes nothing */
        assert_int_equal(lnt_store_backup(f->s, dest, on_progress, &p, err), LNT_ERR_UNSUPPORTED);
        assert_non_null(strstr(err, "pg_dump"));
        assert_int_equal(p.calls, 0);
        assert_int_not_equal(access(dest, F_OK), 0);
        free(dest);
        free(dest2);
        return;
    }
    /* enough pages that the copy takes several steps */
    for (int b = 0; b < 40; b++) {
        struct lnt_event ev[100];
        for (int i = 0; i < 100; i++) {
            w.seq++;
            ev[i] = sf_refused(w.seq, SF_T0 + w.seq);
        }
        sf_insert(f->s, w.kiosk, SF_T0, ev, 100);
    }
    assert_int_equal(pthread_create(&th, NULL, write_loop, &w), 0);
    assert_int_equal(lnt_store_backup(f->s, dest, on_progress, &p, err), LNT_OK);
    atomic_store(&w.stop, 1);
    pthread_join(th, NULL);
    assert_true(p.calls > 1);
    assert_true(w.batches > 0);

    /* the copy is one snapshot: every stored event is matched by the kiosk's last_seq */
    assert_int_equal(sqlite3_open(dest, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(db);
    int64_t events = sf_sql_int(dest, "SELECT count(*) FROM events");
    assert_true(events >= 4000);
    assert_int_equal(events, sf_sql_int(dest, "SELECT last_seq FROM kiosks"));
    assert_int_equal(events, sf_sql_int(dest, "SELECT sum(refused) FROM rollup_night"));

    /* never over an existing file; a cancelled copy leaves nothing behind */
    assert_int_equal(lnt_store_backup(f->s, dest, NULL, NULL, err), LNT_ERR_EXISTS);
    p.calls = 0;
    p.cancel_at = 1;
    assert_int_equal(lnt_store_backup(f->s, dest2, on_progress, &p, err), LNT_ERR_STATE);
    assert_int_not_equal(access(dest2, F_OK), 0);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = "
                                         "'store.backup'"),
                     1);
    free(dest);
    free(dest2);
}

int main(void)
{
    /* upgrades of old SQLite files: SQLite's alone, run once, on the SQLite run */
    const struct CMUnitTest sqlite_files[] = {
        cmocka_unit_test(test_store_admin__v1_database_migrates_and_gains_derived_data),
        cmocka_unit_test(test_store_admin__v3_database_migrates_and_keeps_every_incident_part),
    };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_admin__purge_removes_by_age_and_keeps_rollups,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_admin__purge_counts_from_receipt_not_from_claimed_time, sf_setup,
            sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_admin__backup_of_a_live_database_is_consistent,
                                        sf_setup, sf_teardown),
    };
    int failed = 0;

    if (!sf_on_postgresql())
        failed +=
            cmocka_run_group_tests_name("test_store_admin_sqlite_files", sqlite_files, NULL, NULL);
    failed += cmocka_run_group_tests(tests, NULL, NULL);
    return failed;
}
