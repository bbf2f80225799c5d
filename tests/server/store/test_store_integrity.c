/* test_store_integrity.c - one event id, one record; sign-ins with revoked or unknown badges
 * flagged; the schema 4 migration of a database that already holds one id twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "codec.h"
#include "night.h"
#include "store.h"
#include "store_admin.h"
#include "store_registers.h"
#include "support.h"
#include "test_store_fixture.h"

#define H 3600
#define DAY 86400
#define SERIAL_A "a1b2c3d4e5f60718"
#define SERIAL_B "0102030405060708"

static struct lnt_stock_level stock_of(struct lnt_store *s, int64_t venue)
{
    struct lnt_stock_level l;
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_store_stock_get(s, venue, &l, err) != LNT_OK)
        fail_msg("stock: %s", err);
    return l;
}

/* The flags of one kind at a venue, newest first (caller frees). */
static struct lnt_flag *flags_of(struct lnt_store *s, int64_t venue, enum lnt_flag_kind kind,
                                 size_t *n)
{
    struct lnt_flag *fl = NULL;
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_store_flag_list(s, venue, kind, 0, 0, 0, 100, &fl, n, err) != LNT_OK)
        fail_msg("flags: %s", err);
    return fl;
}

/* ---- one event id, one record ---- */

static void test_store_integrity__event_sent_again_under_new_seq_is_stored_once(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, v);
    struct lnt_ingest_result res[2];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_kiosk kiosk;
    struct lnt_event first[] = {sf_stock(1, SF_T0, "count", 100),
                                sf_stock(2, SF_T0 + H, "delivery", 40)};
    struct lnt_event again[2];

    sf_insert(f->s, k, SF_T0 + H, first, 2);
    /* the kiosk lost the acknowledgement and sent the delivery again under its next seq */
    again[0] = first[1];
    again[0].seq = 3;
    again[1] = sf_stock(4, SF_T0 + 2 * H, "handed_out", 10);
    assert_int_equal(lnt_store_events_insert(f->s, k, SF_T0 + 2 * H, again, 2, res, err), LNT_OK);
    assert_int_equal(res[0].status, LNT_INGEST_DUPLICATE);
    assert_int_equal(res[1].status, LNT_INGEST_ACCEPTED);

    /* one delivery of 40, not two */
    assert_int_equal(stock_of(f->s, v).level, 130);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM stock_ledger"), 3);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM events"), 3);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM event_conflicts"), 0);
    /* seq 3 was used, so seq 4 is no gap */
    assert_int_equal(lnt_store_kiosk_get(f->s, k, &kiosk, err), LNT_OK);
    assert_int_equal(kiosk.seq_gaps, 0);
    assert_int_equal(kiosk.last_seq, 4);
}

static void test_store_integrity__event_id_again_with_other_content_is_a_conflict(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, v);
    struct lnt_ingest_result res[1];
    char err[LNT_ERRBUF_SIZE] = "", want[160];
    struct lnt_event first[] = {sf_stock(1, SF_T0, "delivery", 40)};
    struct lnt_event again[1];
    struct lnt_flag *fl;
    size_t n = 0;

    sf_insert(f->s, k, SF_T0, first, 1);
    again[0] = first[0];
    again[0].seq = 2;
    again[0].u.stock.quantity = 400;
    assert_int_equal(lnt_store_events_insert(f->s, k, SF_T0 + H, again, 1, res, err), LNT_OK);
    assert_int_equal(res[0].status, LNT_INGEST_CONFLICT);
    snprintf(want, sizeof want, "event id %s stored before as seq 1 with different content",
             first[0].uuid);
    assert_string_equal(res[0].reason, want);

    /* kept aside, never merged: the level is the first delivery's */
    assert_int_equal(stock_of(f->s, v).level, 40);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM events"), 1);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM event_conflicts WHERE seq = 2 AND "
                                         "stored_id = (SELECT id FROM events WHERE seq = 1)"),
                     1);
    fl = flags_of(f->s, v, LNT_FLAG_CONFLICT, &n);
    assert_int_equal(n, 1);
    assert_int_equal(fl[0].seq, 2);
    assert_int_equal(fl[0].other, 1);
    free(fl);
}

static void test_store_integrity__event_id_from_another_kiosk_is_a_conflict(void **state)
{
    struct sf *f = *state;
    int64_t v1 = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t v2 = sf_venue(f->s, "Club Nova", LNT_VENUE_NIGHTCLUB, "Centre", "");
    int64_t k1 = sf_kiosk(f->s, v1), k2 = sf_kiosk(f->s, v2);
    struct lnt_ingest_result res[1];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_event first[] = {sf_stock(1, SF_T0, "delivery", 40)};
    struct lnt_event other[1];
    struct lnt_flag *fl;
    size_t n = 0;

    sf_insert(f->s, k1, SF_T0, first, 1);
    /* the same id, even the same content, from another kiosk: two records claiming one name */
    other[0] = first[0];
    assert_int_equal(lnt_store_events_insert(f->s, k2, SF_T0 + H, other, 1, res, err), LNT_OK);
    assert_int_equal(res[0].status, LNT_INGEST_CONFLICT);
    assert_non_null(strstr(res[0].reason, "from another kiosk"));

    assert_false(stock_of(f->s, v2).known);
    assert_int_equal(stock_of(f->s, v1).level, 40);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM events"), 1);
    /* seen from both venues */
    fl = flags_of(f->s, v1, LNT_FLAG_CONFLICT, &n);
    assert_int_equal(n, 1);
    assert_int_equal(fl[0].venue_id, v2);
    assert_int_equal(fl[0].other_venue_id, v1);
    free(fl);
}

/* ---- sign-ins checked against the badge register ---- */

static void test_store_integrity__revoked_badge_signing_in_after_revocation_is_flagged(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, v);
    int64_t door = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    uint8_t serial[LNT_SERIAL_LEN];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_shift *sh = NULL;
    struct lnt_venue_detail d;
    struct lnt_flag *fl;
    int64_t version = 0;
    size_t n = 0;

    sf_badge_issue(f->s, door, SERIAL_A, SF_T0 - 30 * DAY);
    assert_int_equal(lnt_hex_decode(SERIAL_A, serial, sizeof serial), LNT_OK);
    assert_int_equal(lnt_store_badge_revoke(f->s, serial, "lost", SF_T0 + 2 * H, &version, err),
                     LNT_OK);
    /* the kiosk was offline and had not heard: it let both in */
    struct lnt_event ev[] = {
        sf_badge(1, LNT_EV_SIGN_IN, SF_T0, door, SERIAL_A, LNT_ROLE_DOOR),
        sf_badge(2, LNT_EV_SIGN_OUT, SF_T0 + H, door, SERIAL_A, LNT_ROLE_DOOR),
        sf_badge(3, LNT_EV_SIGN_IN, SF_T0 + 3 * H, door, SERIAL_A, LNT_ROLE_DOOR),
    };
    struct lnt_ingest_result res[3];
    assert_int_equal(lnt_store_events_insert(f->s, k, SF_T0 + 4 * H, ev, 3, res, err), LNT_OK);
    assert_int_equal(res[0].status, LNT_INGEST_ACCEPTED);
    assert_int_equal(res[0].badge_flag, LNT_SIGNIN_OK);
    assert_int_equal(res[2].status, LNT_INGEST_ACCEPTED);
    assert_int_equal(res[2].badge_flag, LNT_SIGNIN_REVOKED);

    /* both are on the register; only the one after the revocation is flagged */
    assert_int_equal(lnt_store_register_list(f->s, v, 0, 0, 0, 100, &sh, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(sh[0].badge_flag, LNT_SIGNIN_OK);
    assert_int_equal(sh[1].badge_flag, LNT_SIGNIN_REVOKED);
    assert_string_equal(lnt_signin_flag_name(sh[1].badge_flag), "revoked");
    fl = flags_of(f->s, v, LNT_FLAG_REVOKED_BADGE, &n);
    assert_int_equal(n, 1);
    assert_int_equal(fl[0].at, SF_T0 + 3 * H);
    assert_string_equal(fl[0].serial, SERIAL_A);
    assert_int_equal(fl[0].other, sh[1].id);
    assert_string_equal(lnt_flag_kind_name(fl[0].kind), "revoked_badge");
    free(fl);
    free(sh);

    assert_int_equal(
        lnt_store_venue_detail(f->s, v, lnt_night_of(SF_T0) - 1, lnt_night_of(SF_T0), &d, err),
        LNT_OK);
    assert_int_equal(d.revoked_sign_ins, 1);
    assert_int_equal(d.unknown_serial_sign_ins, 0);
}

static void test_store_integrity__serial_never_issued_is_flagged(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, v);
    int64_t door = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_shift *sh = NULL;
    struct lnt_venue_detail d;
    struct lnt_flag *fl;
    size_t n = 0;

    sf_badge_issue(f->s, door, SERIAL_A, SF_T0 - 30 * DAY);
    struct lnt_event ev[] = {
        sf_badge(1, LNT_EV_SIGN_IN, SF_T0, door, SERIAL_A, LNT_ROLE_DOOR),
        sf_badge(2, LNT_EV_SIGN_IN, SF_T0 + 60, door, SERIAL_B, LNT_ROLE_DOOR),
    };
    struct lnt_ingest_result res[2];
    assert_int_equal(lnt_store_events_insert(f->s, k, SF_T0 + H, ev, 2, res, err), LNT_OK);
    assert_int_equal(res[0].badge_flag, LNT_SIGNIN_OK);
    assert_int_equal(res[1].status, LNT_INGEST_ACCEPTED);
    assert_int_equal(res[1].badge_flag, LNT_SIGNIN_UNKNOWN_SERIAL);

    assert_int_equal(lnt_store_register_list(f->s, v, 0, 0, 0, 100, &sh, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(sh[0].badge_flag, LNT_SIGNIN_OK);
    assert_int_equal(sh[1].badge_flag, LNT_SIGNIN_UNKNOWN_SERIAL);
    free(sh);
    fl = flags_of(f->s, v, LNT_FLAG_UNKNOWN_SERIAL, &n);
    assert_int_equal(n, 1);
    assert_string_equal(fl[0].serial, SERIAL_B);
    assert_int_equal(fl[0].seq, 2);
    free(fl);
    assert_int_equal(
        lnt_store_venue_detail(f->s, v, lnt_night_of(SF_T0), lnt_night_of(SF_T0), &d, err), LNT_OK);
    assert_int_equal(d.unknown_serial_sign_ins, 1);
    assert_int_equal(d.revoked_sign_ins, 0);
    /* the sign-in counts as any other does: the kiosk recorded who was on the door */
    assert_int_equal(d.totals.sign_ins, 2);
}

/* ---- the schema 4 migration ---- */

/*
 * tests/data/store/v3_uuid_twice.sql: kiosk 1 sent a delivery of 40 twice (seq 7 and 8,
 * one uuid), so the level says 230 where 190 is true; kiosk 2 sent an event
 * (seq 3) whose uuid is that of kiosk 1's seq 1.
 */
static void test_store_integrity__v3_database_with_one_id_twice_migrates(void **state)
{
    char *dir = lnt_test_tmpdir(), *path, *sql;
    struct lnt_store *s = NULL;
    sqlite3 *db = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_ingest_result res[2];
    struct lnt_event ev[2];
    struct lnt_flag *fl;
    size_t n = 0;

    (void)state;
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    assert_non_null(dir);
    path = lnt_test_path(dir, "v3.db");
    sql = lnt_test_read_file(lnt_test_src("tests/data/store/v3_uuid_twice.sql"));
    assert_non_null(sql);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    free(sql);
    assert_int_equal(sf_sql_int(path, "PRAGMA user_version"), 3);
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM events"), 11);

    if (lnt_store_open(&s, path, err) != LNT_OK)
        fail_msg("open: %s", err);
    assert_int_equal(sf_sql_int(path, "PRAGMA user_version"), LNT_STORE_SCHEMA_VERSION);
    /* the first copy of each id stays; the later ones are conflicts, kept and flagged */
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM events"), 9);
    assert_int_equal(sf_sql_int(path, "SELECT count(DISTINCT uuid) FROM events"), 9);
    assert_int_equal(sf_sql_int(path, "SELECT id FROM events WHERE uuid = "
                                      "'c0ffee00-0000-4000-8000-000000000001'"),
                     9);
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM event_conflicts WHERE "
                                      "(kiosk_id = 1 AND seq = 8 AND stored_id = 9) OR "
                                      "(kiosk_id = 2 AND seq = 3 AND stored_id = 1)"),
                     2);
    fl = flags_of(s, 1, LNT_FLAG_CONFLICT, &n);
    assert_int_equal(n, 2); /* kiosk 1's copy, and kiosk 2's collision with venue 1's event */
    free(fl);
    fl = flags_of(s, 2, LNT_FLAG_CONFLICT, &n);
    assert_int_equal(n, 1);
    assert_int_equal(fl[0].kiosk_id, 2);
    assert_int_equal(fl[0].seq, 3);
    assert_int_equal(fl[0].other_venue_id, 1);
    assert_int_equal(fl[0].other, 1);
    free(fl);
    /* register rows already stored were checked: 0102030405060708 was never issued */
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM shifts WHERE badge_flag = 2 AND "
                                      "serial = '0102030405060708'"),
                     1);
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM shifts WHERE badge_flag <> 0"), 1);
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM flags WHERE kind = 8"), 1);
    /* derived rows of the second copy stay as they were (docs/admin.md) */
    assert_int_equal(stock_of(s, 1).level, 230);

    /* from now on: the delivery sent a third time is a duplicate and changes nothing */
    memset(ev, 0, sizeof ev);
    ev[0] = sf_stock(9, SF_T0 + 2 * H, "delivery", 40);
    (void)lnt_str_copy(ev[0].uuid, sizeof ev[0].uuid, "c0ffee00-0000-4000-8000-000000000001");
    (void)lnt_str_copy(ev[0].u.stock.staff_id, sizeof ev[0].u.stock.staff_id, "2");
    ev[1] = sf_stock(10, SF_T0 + 3 * H, "count", 190);
    assert_int_equal(lnt_store_events_insert(s, 1, SF_T0 + 3 * H, ev, 2, res, err), LNT_OK);
    assert_int_equal(res[0].status, LNT_INGEST_DUPLICATE);
    assert_int_equal(res[1].status, LNT_INGEST_ACCEPTED);
    assert_int_equal(stock_of(s, 1).level, 190);
    lnt_store_free(s);

    /* and opens again without migrating twice */
    if (lnt_store_open(&s, path, err) != LNT_OK)
        fail_msg("reopen: %s", err);
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM event_conflicts"), 2);
    lnt_store_free(s);
    lnt_test_rmrf(dir);
    free(path);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_store_integrity__event_sent_again_under_new_seq_is_stored_once, sf_setup,
            sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_integrity__event_id_again_with_other_content_is_a_conflict, sf_setup,
            sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_integrity__event_id_from_another_kiosk_is_a_conflict, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_integrity__revoked_badge_signing_in_after_revocation_is_flagged, sf_setup,
            sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_integrity__serial_never_issued_is_flagged,
                                        sf_setup, sf_teardown),
    };
    /* upgrades of older SQLite files: nothing of the kind on PostgreSQL, whose databases start
     * empty at the newest schema (or are copied from a SQLite file at it) */
    const struct CMUnitTest sqlite_files[] = {
        cmocka_unit_test(test_store_integrity__v3_database_with_one_id_twice_migrates),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);

    if (!sf_on_postgresql())
        failed += cmocka_run_group_tests_name("test_store_integrity_sqlite_files", sqlite_files,
                                              NULL, NULL);
    return failed;
}
