/* test_store_ingest.c - what the store derives from events: register, flags, incidents, stock,
 * rollups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sqlite3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "ltime.h"
#include "night.h"
#include "store.h"
#include "store_admin.h"
#include "test_store_fixture.h"

#define H 3600
#define SERIAL_A "a1b2c3d4e5f60718"
#define SERIAL_B "0102030405060708"
#define REPORT "6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"

static int32_t friday(void)
{
    return lnt_days_from_civil(2026, 11, 27);
}

static struct lnt_night_rollup night_of(struct lnt_store *s, int64_t venue, int32_t night)
{
    struct lnt_night_rollup *arr = NULL, r;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    if (lnt_store_rollup_nights(s, venue, night, night, &arr, &n, err) != LNT_OK)
        fail_msg("rollup: %s", err);
    assert_int_equal(n, 1);
    r = arr[0];
    free(arr);
    return r;
}

static void test_store_ingest__door_register_from_sign_in_and_out(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    int64_t k = sf_kiosk(f->s, v);
    int64_t door = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    int64_t bar = sf_staff(f->s, v, "Alex Bar", LNT_ROLE_BAR);
    int32_t jan = lnt_days_from_civil(2026, 1, 10);
    struct lnt_shift *sh = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    sf_training(f->s, door, LNT_COURSE_WAVE, jan, jan + 365);
    sf_training(f->s, door, LNT_COURSE_ANGELA, jan, 0);
    /* expired before the night: does not count */
    sf_training(f->s, bar, LNT_COURSE_BYSTANDER, jan - 400, jan - 35);
    struct lnt_event ev[] = {
        sf_badge(1, LNT_EV_SIGN_IN, SF_T0, door, SERIAL_A, LNT_ROLE_DOOR),
        sf_badge(2, LNT_EV_SIGN_IN, SF_T0 + 300, bar, SERIAL_B, LNT_ROLE_BAR),
        sf_badge(3, LNT_EV_SIGN_OUT, SF_T0 + 6 * H, door, SERIAL_A, LNT_ROLE_DOOR),
    };
    sf_insert(f->s, k, SF_T0 + 6 * H, ev, 2);
    sf_insert(f->s, k, SF_T0 + 6 * H, ev + 2, 1);

    assert_int_equal(
        lnt_store_register_list(f->s, v, SF_T0 - H, SF_T0 + 24 * H, 0, 100, &sh, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(sh[0].staff_name, "Sam Door");
    assert_int_equal(sh[0].off_at, SF_T0 + 6 * H);
    assert_true(sh[0].vuln_trained && sh[0].angela_trained && sh[0].sia_ok);
    assert_false(sh[0].bystander_trained);
    assert_int_equal(sh[0].night, friday());
    assert_string_equal(sh[1].staff_name, "Alex Bar");
    assert_int_equal(sh[1].off_at, 0); /* never signed out: an open shift */
    assert_false(sh[1].bystander_trained);
    assert_false(sh[1].sia_ok);
    free(sh);

    struct lnt_night_rollup r = night_of(f->s, v, friday());
    assert_int_equal(r.contacts, 3);
    assert_int_equal(r.sign_ins, 2);
    assert_int_equal(r.door_shifts, 1);
    assert_int_equal(r.door_sia_ok, 1);
    assert_int_equal(r.door_vuln_trained, 1);
    assert_int_equal(r.angela_on_shift, 1);
    assert_int_equal(r.staff_shifts, 2);
    assert_int_equal(r.staff_bystander, 0);
    assert_int_equal(r.open_shifts, 1);

    /* a bad page size is refused, not clamped */
    assert_int_equal(lnt_store_register_list(f->s, v, 0, 0, 0, 0, &sh, &n, err), LNT_ERR_INVALID);
}

static void test_store_ingest__sign_out_without_sign_in_is_flagged(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, v);
    int64_t door = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    struct lnt_flag *fl = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    sf_badge_issue(f->s, door, SERIAL_A, SF_T0 - 30 * 24 * H);
    struct lnt_event ev[] = {
        sf_badge(1, LNT_EV_SIGN_OUT, SF_T0, door, SERIAL_A, LNT_ROLE_DOOR),
        /* a sign_in after the sign_out is not closed by it */
        sf_badge(2, LNT_EV_SIGN_IN, SF_T0 + H, door, SERIAL_A, LNT_ROLE_DOOR),
    };

    sf_insert(f->s, k, SF_T0 + H, ev, 2);
    assert_int_equal(lnt_store_flag_list(f->s, v, 0, 0, 0, 0, 10, &fl, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(fl[0].kind, LNT_FLAG_UNMATCHED_SIGN_OUT);
    assert_int_equal(fl[0].at, SF_T0);
    assert_string_equal(lnt_flag_kind_name(fl[0].kind), "unmatched_sign_out");
    free(fl);
    assert_int_equal(night_of(f->s, v, friday()).open_shifts, 1);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM shifts WHERE off_at IS NULL"), 1);
}

static void test_store_ingest__copied_badge_across_two_venues(void **state)
{
    struct sf *f = *state;
    int64_t v1 = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t v2 = sf_venue(f->s, "Club Nova", LNT_VENUE_NIGHTCLUB, "Centre", "");
    int64_t k1 = sf_kiosk(f->s, v1), k2 = sf_kiosk(f->s, v2);
    int64_t door = sf_staff(f->s, v1, "Sam Door", LNT_ROLE_DOOR);
    struct lnt_flag *fl = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    sf_badge_issue(f->s, door, SERIAL_A, SF_T0 - 30 * 24 * H);
    struct lnt_event a[] = {sf_badge(1, LNT_EV_SIGN_IN, SF_T0, door, SERIAL_A, LNT_ROLE_DOOR)};
    struct lnt_event b[] = {sf_badge(1, LNT_EV_SIGN_IN, SF_T0 + H, door, SERIAL_A, LNT_ROLE_DOOR)};
    sf_insert(f->s, k1, SF_T0, a, 1);
    sf_insert(f->s, k2, SF_T0 + H, b, 1);

    assert_int_equal(lnt_store_flag_list(f->s, 0, LNT_FLAG_COPIED_BADGE, 0, 0, 0, 10, &fl, &n, err),
                     LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(fl[0].venue_id, v2);
    assert_int_equal(fl[0].other_venue_id, v1);
    assert_string_equal(fl[0].serial, SERIAL_A);
    assert_int_equal(fl[0].at, SF_T0 + H);
    free(fl);
    /* listed under both venues */
    assert_int_equal(lnt_store_flag_list(f->s, v1, 0, 0, 0, 0, 10, &fl, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    free(fl);

    /* once both are signed out, the same badge at a third time and place is fine */
    struct lnt_event c[] = {
        sf_badge(2, LNT_EV_SIGN_OUT, SF_T0 + 2 * H, door, SERIAL_A, LNT_ROLE_DOOR)};
    struct lnt_event d[] = {
        sf_badge(2, LNT_EV_SIGN_OUT, SF_T0 + 2 * H, door, SERIAL_A, LNT_ROLE_DOOR),
        sf_badge(3, LNT_EV_SIGN_IN, SF_T0 + 3 * H, door, SERIAL_A, LNT_ROLE_DOOR)};
    sf_insert(f->s, k1, SF_T0 + 2 * H, c, 1);
    sf_insert(f->s, k2, SF_T0 + 3 * H, d, 2);
    assert_int_equal(lnt_store_flag_list(f->s, 0, LNT_FLAG_COPIED_BADGE, 0, 0, 0, 10, &fl, &n, err),
                     LNT_OK);
    assert_int_equal(n, 1);
    free(fl);
}

static void test_store_ingest__incident_first_save_then_completion(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, v);
    struct lnt_incident *inc = NULL;
    struct lnt_incident_filter flt = {.venue_id = v};
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    /* saved open two hours after it happened, as disorder; completed later as spiking */
    struct lnt_event first[] = {
        sf_incident(1, SF_T0 + H, SF_T0 + 3 * H, REPORT, "disorder", false, "c2VhbGVk")};
    struct lnt_event done[] = {
        sf_incident(2, SF_T0 + H, SF_T0 + 4 * H, REPORT, "spiking", true, "")};
    struct lnt_event stale[] = {
        sf_incident(3, SF_T0 + H, SF_T0 + 3 * H + 60, REPORT, "violence", false, "")};
    sf_insert(f->s, k, SF_T0 + 3 * H, first, 1);
    struct lnt_night_rollup r = night_of(f->s, v, friday());
    assert_int_equal(r.incidents, 1);
    assert_int_equal(r.spiking, 0);
    sf_insert(f->s, k, SF_T0 + 4 * H, done, 1);

    assert_int_equal(lnt_store_incident_list(f->s, &flt, 0, 10, &inc, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(inc[0].kind, "spiking");
    assert_true(inc[0].complete);
    assert_string_equal(inc[0].outcome, "resolved");
    assert_int_equal(inc[0].updates, 2);
    assert_int_equal(inc[0].occurred_at, SF_T0 + H);
    assert_int_equal(inc[0].first_recorded_at, SF_T0 + 3 * H);
    assert_int_equal(inc[0].updated_at, SF_T0 + 4 * H);
    assert_false(inc[0].within_hour);
    assert_true(inc[0].has_details); /* kept from the first save: the completion sent none */
    free(inc);
    /* a save received after the completion wins, whatever time its kiosk claims for it */
    sf_insert(f->s, k, SF_T0 + 5 * H, stale, 1);
    assert_int_equal(lnt_store_incident_list(f->s, &flt, 0, 10, &inc, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(inc[0].kind, "violence");
    assert_false(inc[0].complete);
    assert_int_equal(inc[0].updates, 3);
    assert_int_equal(inc[0].updated_at, SF_T0 + 3 * H + 60);
    free(inc);
    stale[0] = sf_incident(4, SF_T0 + H, SF_T0 + 4 * H + 60, REPORT, "spiking", true, "");
    sf_insert(f->s, k, SF_T0 + 5 * H, stale, 1);

    r = night_of(f->s, v, friday());
    assert_int_equal(r.incidents, 1);
    assert_int_equal(r.incidents_within_hour, 0);
    assert_int_equal(r.spiking, 1);
    assert_int_equal(r.spiking_complete, 1);
    assert_int_equal(r.angela, 0);
    assert_int_equal(r.contacts, 4);
    assert_int_equal(
        sf_sql_int(f->path, "SELECT count FROM rollup_night_kind WHERE kind = 'disorder'"), 0);
    assert_int_equal(
        sf_sql_int(f->path, "SELECT count FROM rollup_night_kind WHERE kind = 'violence'"), 0);
    assert_int_equal(
        sf_sql_int(f->path, "SELECT count FROM rollup_night_kind WHERE kind = 'spiking'"), 1);
    assert_int_equal(sf_sql_int(f->path, "SELECT sum(count) FROM rollup_hour WHERE type = 4 "
                                         "AND kind = ''"),
                     4);
    assert_int_equal(sf_sql_int(f->path, "SELECT sum(count) FROM rollup_hour WHERE type = 4 "
                                         "AND kind <> ''"),
                     1);
}

/* Whether SQLite's plan for `sql` on the database at `path` mentions `needle`. */
static bool plan_uses(const char *path, const char *sql, const char *needle)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char q[512];
    bool found = false;

    snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *d = sqlite3_column_text(st, 3);
        found = found || (d != NULL && strstr((const char *)d, needle) != NULL);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return found;
}

/*
 * A kiosk of another venue reuses a report id, claiming a save from far in the
 * future: refused one by one (the rest of its batch is stored), audited, and
 * the owning venue's later correction still applies.
 */
static void test_store_ingest__incident_of_another_venue_is_refused_and_audited(void **state)
{
    struct sf *f = *state;
    int64_t v1 = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    int64_t v2 = sf_venue(f->s, "Club Nova", LNT_VENUE_NIGHTCLUB, "Centre", "Eastham");
    int64_t k1 = sf_kiosk(f->s, v1), k2 = sf_kiosk(f->s, v2);
    struct lnt_incident *inc = NULL;
    struct lnt_incident_filter flt = {.venue_id = v1};
    struct lnt_ingest_result res[2];
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    struct lnt_event own[] = {
        sf_incident(1, SF_T0 + H, SF_T0 + H + 60, REPORT, "spiking", false, "c2VhbGVk")};
    struct lnt_event foreign[] = {
        sf_incident(1, SF_T0 + H, SF_T0 + 400 * 86400, REPORT, "medical", true, "Zm9yZ2Vk"),
        sf_stock(2, SF_T0 + 2 * H, "count", 40)};
    struct lnt_event fix[] = {
        sf_incident(2, SF_T0 + H, SF_T0 + 2 * H, REPORT, "spiking", true, "Y29ycmVjdGVk")};
    sf_insert(f->s, k1, SF_T0 + 2 * H, own, 1);
    if (lnt_store_events_insert(f->s, k2, SF_T0 + 2 * H, foreign, 2, res, err) != LNT_OK)
        fail_msg("insert: %s", err);
    assert_int_equal(res[0].status, LNT_INGEST_REJECTED);
    assert_non_null(strstr(res[0].reason, "belongs to another venue"));
    assert_int_equal(res[1].status, LNT_INGEST_ACCEPTED);
    /* never stored, not even as a raw event; the refusal is in the audit log */
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM events WHERE type = 4"), 1);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = "
                                         "'incident.conflict' AND object = '" REPORT "' AND "
                                         "actor = 'kiosk 2'"),
                     1);
    assert_int_equal(lnt_store_incident_list(f->s, &flt, 0, 10, &inc, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(inc[0].kind, "spiking");
    assert_false(inc[0].complete);
    assert_int_equal(inc[0].updates, 1);
    assert_int_equal(inc[0].kiosk_id, k1);
    free(inc);

    /* the owner's correction, recorded long before the forged claim, applies */
    sf_insert(f->s, k1, SF_T0 + 3 * H, fix, 1);
    assert_int_equal(lnt_store_incident_list(f->s, &flt, 0, 10, &inc, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_true(inc[0].complete);
    assert_int_equal(inc[0].updates, 2);
    assert_int_equal(inc[0].updated_at, SF_T0 + 2 * H);
    free(inc);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM incidents WHERE sealed = "
                                         "'Y29ycmVjdGVk'"),
                     1);
    /* the same save sent again is refused again, and the other venue's counts never moved */
    assert_int_equal(lnt_store_events_insert(f->s, k2, SF_T0 + 3 * H, foreign, 1, res, err),
                     LNT_OK);
    assert_int_equal(res[0].status, LNT_INGEST_REJECTED);
    assert_int_equal(sf_sql_int(f->path, "SELECT coalesce(sum(incidents), 0) FROM rollup_night "
                                         "WHERE venue_id = 2"),
                     0);
}

/* A report saved to finish later and completed afterwards keeps both saves, in order. */
static void test_store_ingest__incident_saved_in_two_parts_keeps_both(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k1 = sf_kiosk(f->s, v), k2 = sf_kiosk(f->s, v);

    struct lnt_event first[] = {
        sf_incident(1, SF_T0 + H, SF_T0 + H + 60, REPORT, "spiking", false, "Zmlyc3Q=")};
    /* completed on the venue's other kiosk */
    struct lnt_event done[] = {
        sf_incident(1, SF_T0 + H, SF_T0 + 3 * H, REPORT, "spiking", true, "c2Vjb25k")};
    sf_insert(f->s, k1, SF_T0 + H + 90, first, 1);
    sf_insert(f->s, k2, SF_T0 + 3 * H + 30, done, 1);

    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM incident_parts"), 2);
    assert_int_equal(sf_sql_int(f->path, "SELECT kiosk_id * 1000000 + complete FROM "
                                         "incident_parts ORDER BY id LIMIT 1"),
                     k1 * 1000000);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM incident_parts p JOIN incidents i "
                                         "ON i.id = p.incident_id WHERE i.report_id = '" REPORT
                                         "' AND p.sealed = 'Zmlyc3Q=' AND p.recorded_at = "
                                         "1795816860 AND p.received_at = 1795816890"),
                     1);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM incident_parts WHERE sealed = "
                                         "'c2Vjb25k' AND complete = 1 AND kiosk_id = 2 AND "
                                         "received_at = 1795824030"),
                     1);
    /* opening one report's parts is an indexed lookup, already in order. The plan asked for is
     * SQLite's; PostgreSQL's planner reads a table this small whole whatever its indexes, so
     * there the index that serves the lookup in order is checked to exist */
    if (sf_on_postgresql()) {
        assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM pg_indexes WHERE indexname = "
                                             "'incident_parts_by_incident' AND indexdef LIKE "
                                             "'%(incident_id, id)'"),
                         1);
        return;
    }
    assert_true(plan_uses(f->path, "SELECT * FROM incident_parts WHERE incident_id = 1 ORDER BY id",
                          "USING INDEX incident_parts_by_incident"));
    assert_false(plan_uses(
        f->path, "SELECT * FROM incident_parts WHERE incident_id = 1 ORDER BY id", "TEMP B-TREE"));
}

static void test_store_ingest__stock_levels_follow_count_delivery_handed_out(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, v);
    struct lnt_stock_level lvl;
    struct lnt_stock_entry *led = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    assert_int_equal(lnt_store_stock_get(f->s, v, &lvl, err), LNT_OK);
    assert_false(lvl.known);
    assert_int_equal(lvl.threshold, LNT_CUP_COVER_THRESHOLD_DEFAULT);
    struct lnt_event ev[] = {
        sf_stock(1, SF_T0, "count", 200),
        sf_stock(2, SF_T0 + H, "delivery", 100),
        sf_stock(3, SF_T0 + 2 * H, "handed_out", 50),
    };
    sf_insert(f->s, k, SF_T0 + 2 * H, ev, 3);
    assert_int_equal(lnt_store_stock_get(f->s, v, &lvl, err), LNT_OK);
    assert_true(lvl.known);
    assert_int_equal(lvl.level, 250);
    assert_int_equal(lvl.updated_at, SF_T0 + 2 * H);
    assert_int_equal(lnt_store_stock_ledger(f->s, v, 0, 0, 0, 10, &led, &n, err), LNT_OK);
    assert_int_equal(n, 3);
    assert_int_equal(led[0].level_after, 200);
    assert_int_equal(led[1].level_after, 300);
    assert_string_equal(led[2].kind, "handed_out");
    assert_int_equal(led[2].level_after, 250);
    free(led);
    /* a count later resets whatever drifted */
    struct lnt_event cnt[] = {sf_stock(4, SF_T0 + 26 * H, "count", 80)};
    sf_insert(f->s, k, SF_T0 + 26 * H, cnt, 1);
    assert_int_equal(lnt_store_stock_get(f->s, v, &lvl, err), LNT_OK);
    assert_int_equal(lvl.level, 80);

    /* nights carry the last known level forward */
    struct lnt_night_rollup *arr = NULL;
    assert_int_equal(lnt_store_rollup_nights(f->s, v, friday() - 1, friday() + 2, &arr, &n, err),
                     LNT_OK);
    assert_int_equal(n, 4);
    assert_false(arr[0].cup_level_known);
    assert_int_equal(arr[1].cup_level, 250);
    assert_int_equal(arr[1].stock_events, 3);
    assert_int_equal(arr[2].cup_level, 80);
    assert_true(arr[3].cup_level_known);
    assert_int_equal(arr[3].cup_level, 80);
    free(arr);
}

static void test_store_ingest__volunteer_base_and_leader_from_fields_or_an_older_team(void **state)
{
    struct sf *f = *state;
    int64_t hub = sf_venue(f->s, "Safe Haven", LNT_VENUE_HUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, hub);
    struct lnt_volunteer_shift *vs = NULL;
    struct lnt_volunteer_month *m = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    struct lnt_event ev[] = {
        /* a kiosk of today: base and leader in fields of their own */
        sf_shift(1, LNT_EV_SHIFT_START, SF_T0, 7, "", 0),
        /* an older kiosk: both packed into the team */
        sf_shift(2, LNT_EV_SHIFT_START, SF_T0 + 60, 8, "base:bus;leader:other", 0),
        /* a team by name, which is left alone */
        sf_shift(3, LNT_EV_SHIFT_START, SF_T0 + 120, 9, "Street Pastors", 0),
    };

    lnt_str_copy(ev[0].u.shift.base, sizeof ev[0].u.shift.base, "safe_haven");
    lnt_str_copy(ev[0].u.shift.leader, sizeof ev[0].u.shift.leader, "self");
    sf_insert(f->s, k, SF_T0 + 600, ev, 3);
    assert_int_equal(lnt_store_volunteer_list(f->s, NULL, NULL, 0, 0, 0, 10, &vs, &n, err), LNT_OK);
    assert_int_equal(n, 3);
    assert_string_equal(vs[0].team, "");
    assert_string_equal(vs[0].base, "safe_haven");
    assert_string_equal(vs[0].leader, "self");
    assert_string_equal(vs[1].team, "");
    assert_string_equal(vs[1].base, "bus");
    assert_string_equal(vs[1].leader, "other");
    assert_string_equal(vs[2].team, "Street Pastors");
    assert_string_equal(vs[2].base, "");
    free(vs);
    /* the months group by team and base, never under the packed text */
    assert_int_equal(
        lnt_store_volunteer_months(f->s, NULL, friday() - 1, friday() + 1, &m, &n, err), LNT_OK);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_null(strstr(m[i].team, "base:"));
    free(m);
}

/* A schema-9 database's shifts from older kiosks get their base and leader columns. */
static void test_store_ingest__upgrade_splits_older_kiosks_team(void **state)
{
    struct sf *f = *state;
    sqlite3 *db = NULL;

    lnt_store_free(f->s);
    f->s = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     SF_BACK_TO_10
                     "ALTER TABLE volunteer_shifts DROP COLUMN base;"
                     "ALTER TABLE volunteer_shifts DROP COLUMN leader;"
                     "INSERT INTO volunteer_shifts (venue_id, kiosk_id, staff_id, call_sign, team, "
                     "team_size, start_at, end_at, at, night) VALUES "
                     "(1, 1, '7', 'Bravo', 'base:safe_haven;leader:self', 4, 10, 0, 10, 0), "
                     "(1, 1, '8', 'Alpha', 'Street Pastors', 2, 20, 0, 20, 0);"
                     "PRAGMA user_version = 9;",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    sf_reopen(f);
    assert_int_equal(sf_sql_int(f->path, "PRAGMA user_version"), LNT_STORE_SCHEMA_VERSION);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM volunteer_shifts WHERE staff_id = "
                                         "'7' AND team = '' AND base = 'safe_haven' AND leader = "
                                         "'self'"),
                     1);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM volunteer_shifts WHERE staff_id = "
                                         "'8' AND team = 'Street Pastors' AND base = '' AND "
                                         "leader = ''"),
                     1);
}

static void test_store_ingest__volunteer_shifts_start_and_end(void **state)
{
    struct sf *f = *state;
    int64_t hub = sf_venue(f->s, "Safe Haven", LNT_VENUE_HUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, hub);
    struct lnt_volunteer_shift *vs = NULL;
    struct lnt_flag *fl = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    struct lnt_event ev[] = {
        sf_shift(1, LNT_EV_SHIFT_START, SF_T0, 7, "pastors", 0),
        sf_shift(2, LNT_EV_SHIFT_END, SF_T0 + 5 * H, 7, "pastors", 12),
        sf_shift(3, LNT_EV_SHIFT_END, SF_T0 + 6 * H, 8, "marshals", 3),
    };

    struct lnt_rollup_scope at_hub = {.venue_id = hub};

    sf_insert(f->s, k, SF_T0 + 6 * H, ev, 3);
    assert_int_equal(lnt_store_volunteer_list(f->s, &at_hub, NULL, 0, 0, 0, 10, &vs, &n, err),
                     LNT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(vs[0].team, "pastors");
    assert_int_equal(vs[0].start_at, SF_T0);
    assert_int_equal(vs[0].end_at, SF_T0 + 5 * H);
    assert_int_equal(vs[0].tallies[0], 12);
    assert_int_equal(vs[0].team_size, 3);
    assert_int_equal(vs[1].start_at, 0); /* an end without a start keeps its tallies */
    assert_int_equal(vs[1].tallies[0], 3);
    free(vs);
    assert_int_equal(lnt_store_volunteer_list(f->s, NULL, "marshals", 0, 0, 0, 10, &vs, &n, err),
                     LNT_OK);
    assert_int_equal(n, 1);
    free(vs);
    assert_int_equal(
        lnt_store_flag_list(f->s, hub, LNT_FLAG_UNMATCHED_SHIFT_END, 0, 0, 0, 10, &fl, &n, err),
        LNT_OK);
    assert_int_equal(n, 1);
    free(fl);

    struct lnt_volunteer_month *m = NULL;
    assert_int_equal(
        lnt_store_volunteer_months(f->s, NULL, friday() - 30, friday() + 30, &m, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(m[0].year, 2026);
    assert_int_equal(m[0].month, 11);
    assert_string_equal(m[0].team, "marshals");
    assert_int_equal(m[1].person_seconds, 5 * H * 3);
    assert_int_equal(m[1].tallies[0], 12);
    free(m);
}

static void test_store_ingest__sequence_gaps_and_backwards_are_counted(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, v);
    struct lnt_kiosk kk;
    struct lnt_flag *fl = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    struct lnt_event ev[] = {sf_refused(1, SF_T0), sf_refused(2, SF_T0 + 1),
                             sf_refused(5, SF_T0 + 2), sf_refused(3, SF_T0 + 3)};

    sf_insert(f->s, k, SF_T0 + 10, ev, 2);
    assert_int_equal(lnt_store_kiosk_get(f->s, k, &kk, err), LNT_OK);
    assert_int_equal(kk.seq_gaps, 0);
    sf_insert(f->s, k, SF_T0 + 20, ev + 2, 2);
    assert_int_equal(lnt_store_kiosk_get(f->s, k, &kk, err), LNT_OK);
    assert_int_equal(kk.seq_gaps, 1);
    assert_int_equal(kk.seq_backwards, 1);
    assert_int_equal(kk.last_seq, 5);
    assert_int_equal(kk.last_anomaly_at, SF_T0 + 20);
    assert_int_equal(lnt_store_flag_list(f->s, v, LNT_FLAG_SEQ_GAP, 0, 0, 0, 10, &fl, &n, err),
                     LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(fl[0].seq, 5);
    assert_int_equal(fl[0].other, 2);
    free(fl);
    assert_int_equal(night_of(f->s, v, friday()).refused, 4);

    /* a conflict is flagged too, and derives nothing */
    struct lnt_event again = sf_refused(1, SF_T0 + 99);
    sf_insert(f->s, k, SF_T0 + 30, &again, 1);
    assert_int_equal(lnt_store_flag_list(f->s, v, LNT_FLAG_CONFLICT, 0, 0, 0, 10, &fl, &n, err),
                     LNT_OK);
    assert_int_equal(n, 1);
    free(fl);
    assert_int_equal(night_of(f->s, v, friday()).refused, 4);
}

static void test_store_ingest__revoked_kiosk_is_refused(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, v);
    struct lnt_ingest_result res[1];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_event ev = sf_refused(1, SF_T0);

    assert_int_equal(lnt_store_kiosk_revoke(f->s, k, SF_T0, err), LNT_OK);
    assert_int_equal(lnt_store_events_insert(f->s, k, SF_T0, &ev, 1, res, err), LNT_ERR_FORBIDDEN);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM events"), 0);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM rollup_night"), 0);
}

/* ---- rollups against a recount from the raw events ---- */

#define NV 3
#define NIGHTS 6

struct recount {
    int64_t venue[NV];
    struct lnt_night_rollup r[NV][NIGHTS];
    int32_t first;
    int64_t types[LNT_EV__MAX + 1];
    /* open shifts per venue and staff (staff ids are small) */
    int64_t open_night[NV][16][32];
    int64_t open_at[NV][16][32];
    int open_n[NV][16];
    char reports[256][LNT_UUID_STRLEN];
    char report_kind[256][LNT_SHORT_TEXT];
    bool report_done[256];
    int report_vi[256], report_ni[256];
    int n_reports;
};

static int vidx(const struct recount *rc, int64_t venue)
{
    for (int i = 0; i < NV; i++)
        if (rc->venue[i] == venue)
            return i;
    fail_msg("unknown venue %lld", (long long)venue);
    return -1;
}

/* The rules of store_events.h, applied from scratch (every staff member here has the same
 * training). */
static int recount_one(void *ctx, const struct lnt_stored_event *se)
{
    struct recount *rc = ctx;
    const struct lnt_event *e = &se->ev;
    int vi = vidx(rc, se->venue_id);
    int ni = lnt_night_of(e->occurred_at) - rc->first;
    struct lnt_night_rollup *r;
    int64_t staff = 0;

    assert_true(ni >= 0 && ni < NIGHTS);
    r = &rc->r[vi][ni];
    r->contacts++;
    rc->types[e->type]++;
    switch (e->type) {
    case LNT_EV_SIGN_IN:
        staff = strtoll(e->u.badge.staff_id, NULL, 10);
        r->sign_ins++;
        r->staff_shifts++;
        r->open_shifts++;
        r->angela_on_shift++;
        if (e->u.badge.role == LNT_ROLE_DOOR) {
            r->door_shifts++;
            r->door_sia_ok += e->u.badge.sia_status == LNT_SIA_VALID;
            r->door_vuln_trained++;
        }
        assert_true(rc->open_n[vi][staff] < 32);
        rc->open_at[vi][staff][rc->open_n[vi][staff]] = e->occurred_at;
        rc->open_night[vi][staff][rc->open_n[vi][staff]++] = ni;
        break;
    case LNT_EV_SIGN_OUT:
        staff = strtoll(e->u.badge.staff_id, NULL, 10);
        /* the latest open shift, if it began in the last 24 hours */
        if (rc->open_n[vi][staff] > 0 &&
            rc->open_at[vi][staff][rc->open_n[vi][staff] - 1] >= e->occurred_at - 24 * 3600)
            rc->r[vi][rc->open_night[vi][staff][--rc->open_n[vi][staff]]].open_shifts--;
        break;
    case LNT_EV_BADGE_REFUSED:
        r->refused++;
        break;
    case LNT_EV_STOCK:
        r->stock_events++;
        break;
    case LNT_EV_INCIDENT: {
        int i;
        for (i = 0; i < rc->n_reports; i++)
            if (strcmp(rc->reports[i], e->u.incident.report_id) == 0)
                break;
        if (i == rc->n_reports) {
            assert_true(rc->n_reports < 256);
            rc->n_reports++;
            (void)lnt_str_copy(rc->reports[i], sizeof rc->reports[i], e->u.incident.report_id);
            rc->report_vi[i] = vi;
            rc->report_ni[i] = ni;
            rc->r[vi][ni].incidents++;
            rc->r[vi][ni].incidents_within_hour += e->recorded_at - e->occurred_at <= 3600;
        }
        /* saves arrive in recorded order here: the last one read wins */
        (void)lnt_str_copy(rc->report_kind[i], sizeof rc->report_kind[i], e->u.incident.kind);
        rc->report_done[i] = e->u.incident.complete;
        break;
    }
    default:
        break;
    }
    return 0;
}

static void test_store_ingest__rollups_equal_a_recount_from_raw_events(void **state)
{
    struct sf *f = *state;
    static const char *const kinds[] = {"angela", "spiking", "violence"};
    struct recount *rc = calloc(1, sizeof *rc);
    int64_t kiosk[NV], staff[8];
    int64_t seq[NV] = {0};
    char err[LNT_ERRBUF_SIZE] = "";
    uint32_t rnd = 12345;

    assert_non_null(rc);
    rc->first = friday();
    for (int i = 0; i < NV; i++) {
        char name[32];
        snprintf(name, sizeof name, "Venue %d", i);
        rc->venue[i] = sf_venue(f->s, name, LNT_VENUE_BAR, "Centre", "");
        kiosk[i] = sf_kiosk(f->s, rc->venue[i]);
    }
    for (int i = 0; i < 8; i++) {
        staff[i] = sf_staff(f->s, rc->venue[0], "Someone", i % 2 ? LNT_ROLE_DOOR : LNT_ROLE_BAR);
        sf_training(f->s, staff[i], LNT_COURSE_WAVE, friday() - 100, 0);
        sf_training(f->s, staff[i], LNT_COURSE_ANGELA, friday() - 100, 0);
    }
    /* a pseudo-random town: people signing in and out, incidents saved and completed, stock */
    for (int night = 0; night < NIGHTS; night++) {
        for (int vi = 0; vi < NV; vi++) {
            struct lnt_event ev[64];
            size_t n = 0;
            int64_t t = SF_T0 + (int64_t)night * 86400;
            bool on[8] = {false};
            for (int step = 0; step < 40 && n < 60; step++) {
                rnd = rnd * 1103515245u + 12345u;
                int who = (int)((rnd >> 8) % 8), what = (int)((rnd >> 16) % 10);
                t += 60 + (rnd >> 24) % 600;
                int64_t s = ++seq[vi];
                if (what < 4) {
                    ev[n++] = sf_badge(s, on[who] ? LNT_EV_SIGN_OUT : LNT_EV_SIGN_IN, t, staff[who],
                                       SERIAL_A, who % 2 ? LNT_ROLE_DOOR : LNT_ROLE_BAR);
                    on[who] = !on[who];
                    if (what == 0 && !on[who]) /* a stray sign_out now and then */
                        ev[n++] = sf_badge(++seq[vi], LNT_EV_SIGN_OUT, t + 1, staff[who], SERIAL_A,
                                           LNT_ROLE_BAR);
                } else if (what < 6) {
                    char id[LNT_UUID_STRLEN];
                    lnt_uuid4(id);
                    const char *kind = kinds[(rnd >> 4) % 3];
                    ev[n++] = sf_incident(s, t, t + (what == 4 ? 600 : 7200), id, kind, false, "");
                    if ((rnd >> 12) % 2)
                        ev[n++] = sf_incident(++seq[vi], t, t + 8000, id, kinds[(rnd >> 6) % 3],
                                              true, "");
                } else if (what < 8) {
                    ev[n++] = sf_stock(s, t, what == 6 ? "delivery" : "handed_out", 5);
                } else {
                    ev[n++] = sf_refused(s, t);
                }
            }
            /* in two batches, the second sent twice: duplicates derive nothing */
            sf_insert(f->s, kiosk[vi], t, ev, n / 2);
            sf_insert(f->s, kiosk[vi], t, ev + n / 2, n - n / 2);
            sf_insert(f->s, kiosk[vi], t, ev + n / 2, n - n / 2);
        }
    }

    assert_int_equal(lnt_store_events_each(f->s, 0, 0, recount_one, rc, err), LNT_OK);
    for (int i = 0; i < rc->n_reports; i++) {
        struct lnt_night_rollup *r = &rc->r[rc->report_vi[i]][rc->report_ni[i]];
        r->spiking += strcmp(rc->report_kind[i], "spiking") == 0;
        r->spiking_complete += strcmp(rc->report_kind[i], "spiking") == 0 && rc->report_done[i];
        r->angela += strcmp(rc->report_kind[i], "angela") == 0;
    }
    for (int vi = 0; vi < NV; vi++) {
        struct lnt_night_rollup *arr = NULL;
        size_t n = 0;
        assert_int_equal(lnt_store_rollup_nights(f->s, rc->venue[vi], rc->first,
                                                 rc->first + NIGHTS - 1, &arr, &n, err),
                         LNT_OK);
        assert_int_equal(n, NIGHTS);
        for (int ni = 0; ni < NIGHTS; ni++) {
            const struct lnt_night_rollup *a = &arr[ni], *b = &rc->r[vi][ni];
            assert_int_equal(a->contacts, b->contacts);
            assert_int_equal(a->sign_ins, b->sign_ins);
            assert_int_equal(a->door_shifts, b->door_shifts);
            assert_int_equal(a->door_sia_ok, b->door_sia_ok);
            assert_int_equal(a->door_vuln_trained, b->door_vuln_trained);
            assert_int_equal(a->angela_on_shift, b->angela_on_shift);
            assert_int_equal(a->staff_shifts, b->staff_shifts);
            assert_int_equal(a->open_shifts, b->open_shifts);
            assert_int_equal(a->incidents, b->incidents);
            assert_int_equal(a->incidents_within_hour, b->incidents_within_hour);
            assert_int_equal(a->spiking, b->spiking);
            assert_int_equal(a->spiking_complete, b->spiking_complete);
            assert_int_equal(a->angela, b->angela);
            assert_int_equal(a->refused, b->refused);
            assert_int_equal(a->stock_events, b->stock_events);
        }
        free(arr);
    }
    for (int t = 1; t <= LNT_EV__MAX; t++) {
        char sql[128];
        snprintf(sql, sizeof sql,
                 "SELECT coalesce(sum(count), 0) FROM rollup_hour WHERE type = %d AND kind = ''",
                 t);
        assert_int_equal(sf_sql_int(f->path, sql), rc->types[t]);
    }
    assert_int_equal(sf_sql_int(f->path, "SELECT sum(count) FROM rollup_hour WHERE kind <> ''"),
                     rc->n_reports);
    free(rc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(test_store_ingest__##name, sf_setup, sf_teardown)
        T(door_register_from_sign_in_and_out),
        T(sign_out_without_sign_in_is_flagged),
        T(copied_badge_across_two_venues),
        T(incident_first_save_then_completion),
        T(incident_of_another_venue_is_refused_and_audited),
        T(incident_saved_in_two_parts_keeps_both),
        T(stock_levels_follow_count_delivery_handed_out),
        T(volunteer_shifts_start_and_end),
        T(volunteer_base_and_leader_from_fields_or_an_older_team),
        T(sequence_gaps_and_backwards_are_counted),
        T(revoked_kiosk_is_refused),
        T(rollups_equal_a_recount_from_raw_events),
    };
    /* upgrades of older SQLite files: nothing of the kind on PostgreSQL, whose databases start
     * empty at the newest schema (or are copied from a SQLite file at it) */
    const struct CMUnitTest sqlite_files[] = {
        T(upgrade_splits_older_kiosks_team),
    };
#undef T
    int failed = cmocka_run_group_tests(tests, NULL, NULL);

    if (!sf_on_postgresql())
        failed +=
            cmocka_run_group_tests_name("test_store_ingest_sqlite_files", sqlite_files, NULL, NULL);
    return failed;
}
