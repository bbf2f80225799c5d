/* test_store_door.c - the scheme's door rules in the store: required training per role, SIA
 * licences listed as suspended or revoked, what a sign-in lacked, and the flags for a door
 * supervisor without a valid licence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sqlite3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "night.h"
#include "sia_import.h"
#include "store.h"
#include "test_store_fixture.h"

#define H 3600
#define SERIAL_A "a1b2c3d4e5f60718"
#define SERIAL_B "0102030405060708"
#define LICENCE "1234567812345678" /* the fixture's door supervisors hold this one */

static void test_store_door__a_new_scheme_requires_wave_of_every_role(void **state)
{
    struct sf *f = *state;
    struct lnt_required_training req;
    char err[LNT_ERRBUF_SIZE] = "";

    assert_int_equal(lnt_store_required_get(f->s, &req, err), LNT_OK);
    assert_true(req.known);
    assert_int_equal(req.courses[LNT_ROLE_NONE], 0);
    for (int r = LNT_ROLE_DOOR; r <= LNT_ROLE_VOLUNTEER; r++)
        assert_int_equal(req.courses[r], LNT_COURSE_BIT(LNT_COURSE_WAVE));
}

static void test_store_door__requirements_are_kept_and_audited(void **state)
{
    struct sf *f = *state;
    struct lnt_required_training req;
    char err[LNT_ERRBUF_SIZE] = "";
    bool changed = false;

    assert_int_equal(
        lnt_store_required_set(f->s, LNT_ROLE_DOOR, LNT_COURSE_FIRST_AID, true, &changed, err),
        LNT_OK);
    assert_true(changed);
    assert_int_equal(
        lnt_store_required_set(f->s, LNT_ROLE_DOOR, LNT_COURSE_FIRST_AID, true, &changed, err),
        LNT_OK);
    assert_false(changed); /* already so: nothing changes, nothing is audited */
    assert_int_equal(
        lnt_store_required_set(f->s, LNT_ROLE_BAR, LNT_COURSE_WAVE, false, &changed, err), LNT_OK);
    assert_true(changed);
    sf_reopen(f);
    assert_int_equal(lnt_store_required_get(f->s, &req, err), LNT_OK);
    assert_int_equal(req.courses[LNT_ROLE_DOOR],
                     LNT_COURSE_BIT(LNT_COURSE_WAVE) | LNT_COURSE_BIT(LNT_COURSE_FIRST_AID));
    assert_int_equal(req.courses[LNT_ROLE_BAR], 0);
    assert_int_equal(req.courses[LNT_ROLE_MANAGER], LNT_COURSE_BIT(LNT_COURSE_WAVE));
    assert_int_equal(sf_sql_int(f->path,
                                "SELECT count(*) FROM audit_log WHERE action = 'training.require' "
                                "AND detail LIKE '%first-aid%'"),
                     1);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = "
                                         "'training.unrequire'"),
                     1);
}

static void test_store_door__unknown_roles_and_courses_are_refused(void **state)
{
    struct sf *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";

    assert_int_equal(lnt_store_required_set(f->s, LNT_ROLE_NONE, LNT_COURSE_WAVE, true, NULL, err),
                     LNT_ERR_INVALID);
    assert_non_null(strstr(err, "role"));
    assert_int_equal(
        lnt_store_required_set(f->s, LNT_ROLE_DOOR, (enum lnt_course)9, true, NULL, err),
        LNT_ERR_INVALID);
    assert_non_null(strstr(err, "course"));
}

static void test_store_door__kiosks_get_the_word_in_force_today(void **state)
{
    struct sf *f = *state;
    struct lnt_sia_listed *l = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    int32_t today = lnt_london_date(lnt_time_now());
    size_t n = 0;

    assert_int_equal(lnt_store_sia_set(f->s, LICENCE, LNT_SIA_LISTED_SUSPENDED, today - 20, err),
                     LNT_OK);
    assert_int_equal(lnt_store_sia_set(f->s, LICENCE, LNT_SIA_LISTED_REVOKED, today - 9, err),
                     LNT_OK);
    /* a word to come does not displace the one in force */
    assert_int_equal(lnt_store_sia_set(f->s, LICENCE, LNT_SIA_LISTED_VALID, today + 5, err),
                     LNT_OK);
    /* a licence with only a word to come is sent with it, for the kiosk to apply on its day */
    assert_int_equal(
        lnt_store_sia_set(f->s, "9999888877776666", LNT_SIA_LISTED_SUSPENDED, today + 3, err),
        LNT_OK);
    assert_int_equal(lnt_store_sia_listed(f->s, &l, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(l[0].number, LICENCE);
    assert_int_equal(l[0].status, LNT_SIA_LISTED_REVOKED);
    assert_int_equal(l[0].from, today - 9);
    assert_string_equal(l[1].number, "9999888877776666");
    assert_int_equal(l[1].status, LNT_SIA_LISTED_SUSPENDED);
    assert_int_equal(l[1].from, today + 3);
    free(l);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = "
                                         "'sia.set-status'"),
                     4);
    /* not a licence number */
    assert_int_equal(lnt_store_sia_set(f->s, "12345", LNT_SIA_LISTED_SUSPENDED, today, err),
                     LNT_ERR_INVALID);
    assert_int_equal(
        lnt_store_sia_set(f->s, "123456781234567x", LNT_SIA_LISTED_SUSPENDED, today, err),
        LNT_ERR_INVALID);
    assert_int_equal(lnt_store_sia_set(f->s, LICENCE, (enum lnt_sia_listing)5, today, err),
                     LNT_ERR_INVALID);
}

static void test_store_door__each_date_has_the_word_in_force_then(void **state)
{
    struct sf *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    int32_t nov1 = lnt_days_from_civil(2026, 11, 1);
    enum lnt_sia_listing l;

    assert_int_equal(lnt_store_sia_set(f->s, LICENCE, LNT_SIA_LISTED_SUSPENDED, nov1, err), LNT_OK);
    assert_int_equal(lnt_store_sia_set(f->s, LICENCE, LNT_SIA_LISTED_VALID, nov1 + 14, err),
                     LNT_OK);
    assert_int_equal(lnt_store_sia_status_on(f->s, LICENCE, nov1 - 1, &l, err), LNT_OK);
    assert_int_equal(l, LNT_SIA_LISTED_VALID);
    /* the suspension still holds for its fortnight after the licence is valid again */
    assert_int_equal(lnt_store_sia_status_on(f->s, LICENCE, nov1 + 13, &l, err), LNT_OK);
    assert_int_equal(l, LNT_SIA_LISTED_SUSPENDED);
    assert_int_equal(lnt_store_sia_status_on(f->s, LICENCE, nov1 + 14, &l, err), LNT_OK);
    assert_int_equal(l, LNT_SIA_LISTED_VALID);
    assert_int_equal(lnt_store_sia_status_on(f->s, "9999888877776666", nov1, &l, err), LNT_OK);
    assert_int_equal(l, LNT_SIA_LISTED_VALID);
    /* taken back as given in error: the days are as if it had never been said */
    assert_int_equal(lnt_store_sia_clear(f->s, "web:ann@council", LICENCE, nov1, err), LNT_OK);
    assert_int_equal(lnt_store_sia_status_on(f->s, LICENCE, nov1 + 13, &l, err), LNT_OK);
    assert_int_equal(l, LNT_SIA_LISTED_VALID);
    assert_int_equal(lnt_store_sia_clear(f->s, NULL, LICENCE, nov1, err), LNT_ERR_NOT_FOUND);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = "
                                         "'sia.clear' AND actor = 'web:ann@council'"),
                     1);
}

static void test_store_door__a_batch_of_words_is_checked_whole_and_idempotent(void **state)
{
    struct sf *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    int32_t nov1 = lnt_days_from_civil(2026, 11, 1);
    struct lnt_sia_entry e[3];
    struct lnt_sia_entry *got = NULL;
    size_t changed = 9, n = 0;

    memset(e, 0, sizeof e);
    lnt_str_copy(e[0].l.number, sizeof e[0].l.number, LICENCE);
    e[0].l.status = LNT_SIA_LISTED_SUSPENDED;
    e[0].l.from = nov1;
    lnt_str_copy(e[0].note, sizeof e[0].note, "SIA letter 12");
    lnt_str_copy(e[1].l.number, sizeof e[1].l.number, "9999888877776666");
    e[1].l.status = LNT_SIA_LISTED_REVOKED;
    e[1].l.from = nov1 + 2;
    e[2] = e[1];
    e[2].l.from = 0; /* a bad row: nothing at all is written */
    assert_int_equal(lnt_store_sia_put(f->s, "web:ann@council", e, 3, &changed, err),
                     LNT_ERR_INVALID);
    assert_non_null(strstr(err, "row 2"));
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM sia_history"), 0);

    assert_int_equal(lnt_store_sia_put(f->s, "web:ann@council", e, 2, &changed, err), LNT_OK);
    assert_int_equal(changed, 2);
    assert_int_equal(lnt_store_sia_put(f->s, "web:ann@council", e, 2, &changed, err), LNT_OK);
    assert_int_equal(changed, 0);
    /* a new note on the same word is a change */
    lnt_str_copy(e[0].note, sizeof e[0].note, "SIA letter 12, confirmed");
    assert_int_equal(lnt_store_sia_put(f->s, NULL, e, 2, &changed, err), LNT_OK);
    assert_int_equal(changed, 1);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = "
                                         "'sia.set-status' AND actor = 'web:ann@council'"),
                     2);
    assert_int_equal(lnt_store_sia_entries(f->s, &got, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(got[0].note, "SIA letter 12, confirmed");
    assert_true(got[0].set_at > 0);
    assert_string_equal(got[1].set_by, "web:ann@council");
    free(got);
}

static void test_store_door__a_licence_listed_after_the_shift_shows_on_its_register(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, v);
    int64_t door = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    int64_t bar = sf_staff(f->s, v, "Alex Bar", LNT_ROLE_BAR);
    int32_t night = lnt_night_of(SF_T0);
    struct lnt_shift *sh = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    struct lnt_event ev[] = {
        sf_badge(1, LNT_EV_SIGN_IN, SF_T0, door, SERIAL_A, LNT_ROLE_DOOR),
        sf_badge(2, LNT_EV_SIGN_IN, SF_T0 + 60, bar, SERIAL_B, LNT_ROLE_BAR),
        sf_badge(3, LNT_EV_SIGN_IN, SF_T0 + 7 * 24 * H, door, SERIAL_A, LNT_ROLE_DOOR),
    };

    sf_badge_issue(f->s, door, SERIAL_A, SF_T0 - 24 * H);
    sf_badge_issue(f->s, bar, SERIAL_B, SF_T0 - 24 * H);
    sf_insert(f->s, k, SF_T0 + 8 * 24 * H, ev, 3);
    assert_int_equal(lnt_store_door_unlicensed(f->s, v, night - 1, night + 8, &sh, &n, err),
                     LNT_OK);
    assert_int_equal(n, 0);
    free(sh);

    /* the badge said valid; the scheme learns later that it was suspended that night */
    assert_int_equal(
        lnt_store_sia_set(f->s, LICENCE, LNT_SIA_LISTED_SUSPENDED, lnt_london_date(SF_T0), err),
        LNT_OK);
    assert_int_equal(
        lnt_store_sia_set(f->s, LICENCE, LNT_SIA_LISTED_VALID, lnt_london_date(SF_T0) + 3, err),
        LNT_OK);
    assert_int_equal(lnt_store_door_unlicensed(f->s, v, night - 1, night + 8, &sh, &n, err),
                     LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(sh[0].night, night);
    assert_string_equal(sh[0].staff_name, "Sam Door");
    assert_string_equal(sh[0].serial, SERIAL_A);
    assert_int_equal(sh[0].sia_status, LNT_SIA_SUSPENDED);
    assert_true(sh[0].sia_listed);
    assert_false(sh[0].sia_ok);
    free(sh);

    assert_int_equal(
        lnt_store_register_list(f->s, v, SF_T0 - H, SF_T0 + 8 * 24 * H, 0, 100, &sh, &n, err),
        LNT_OK);
    assert_int_equal(n, 3);
    assert_int_equal(sh[0].sia_status, LNT_SIA_SUSPENDED);
    assert_string_equal(lnt_shift_licence_word(&sh[0]), "suspended");
    assert_string_equal(lnt_shift_licence_word(&sh[1]), "not required");
    assert_false(sh[1].sia_listed);
    /* a week later the licence was valid again */
    assert_string_equal(lnt_shift_licence_word(&sh[2]), "valid");
    assert_true(sh[2].sia_ok);
    free(sh);
}

static void test_store_door__an_import_names_each_bad_row_by_its_line(void **state)
{
    struct sf *f = *state;
    struct lnt_sia_import imp;
    char err[LNT_ERRBUF_SIZE] = "";
    const char *csv = "\xEF\xBB\xBFnumber,status,from,note\n"
                      "1234567812345678,suspended,2026-11-01,\"court, 3 \"\"B\"\"\"\n"
                      "1234567812345678,REVOKED,2026-11-09\n"
                      "1234567812345678,revoked,2026-11-09\n"
                      "12345678123456789,valid,2026-11-01\n"
                      "9999888877776666,revoked,1 Nov 2026\n"
                      "9999888877776666,revoked,2026-11-01,note,extra\n"
                      "9999888877776666,revoked,2026-11-01,\"open\n";

    assert_int_equal(lnt_sia_import_parse(csv, strlen(csv), &imp, err), LNT_OK);
    assert_int_equal(imp.n_rows, 2);
    assert_string_equal(imp.rows[0].note, "court, 3 \"B\"");
    assert_int_equal(imp.rows[1].l.status, LNT_SIA_LISTED_REVOKED);
    assert_int_equal(imp.n_bad, 5);
    assert_non_null(imp.problems.data);
    assert_non_null(strstr(imp.problems.data, "line 4: this licence and date are given on an "
                                              "earlier line too"));
    assert_non_null(strstr(imp.problems.data, "line 5: an SIA licence number is 16 digits"));
    assert_non_null(strstr(imp.problems.data, "line 6: from: expected a date YYYY-MM-DD, got "
                                              "'1 Nov 2026'"));
    assert_non_null(strstr(imp.problems.data, "line 7: expected 3 or 4 fields"));
    assert_non_null(strstr(imp.problems.data, "line 8: a quoted field is not closed"));
    assert_int_equal(lnt_sia_import_record(f->s, "web:ann@council", &imp, err), LNT_OK);
    assert_int_equal(imp.changed, 2);
    assert_int_equal(lnt_sia_import_record(f->s, "web:ann@council", &imp, err), LNT_OK);
    assert_int_equal(imp.changed, 0);
    lnt_sia_import_release(&imp);
}

static void test_store_door__register_keeps_what_a_sign_in_lacked(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, v);
    int64_t bar = sf_staff(f->s, v, "Alex Bar", LNT_ROLE_BAR);
    int64_t door = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    struct lnt_shift *sh = NULL;
    struct lnt_flag *fl = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    struct lnt_event ev[] = {
        sf_badge(1, LNT_EV_SIGN_IN, SF_T0, bar, SERIAL_B, LNT_ROLE_BAR),
        sf_badge(2, LNT_EV_SIGN_IN, SF_T0 + 60, door, SERIAL_A, LNT_ROLE_DOOR),
    };

    sf_badge_issue(f->s, bar, SERIAL_B, SF_T0 - 24 * H);
    sf_badge_issue(f->s, door, SERIAL_A, SF_T0 - 24 * H);
    ev[0].u.badge.verdict = LNT_VERDICT_AMBER;
    ev[0].u.badge.training_missing =
        LNT_COURSE_BIT(LNT_COURSE_WAVE) | LNT_COURSE_BIT(LNT_COURSE_ANGELA);
    ev[1].u.badge.sia_status = LNT_SIA_EXPIRED;
    ev[1].u.badge.verdict = LNT_VERDICT_RED;
    ev[1].u.badge.duty = LNT_DUTY_OTHER;
    sf_insert(f->s, k, SF_T0 + H, ev, 2);

    assert_int_equal(
        lnt_store_register_list(f->s, v, SF_T0 - H, SF_T0 + 24 * H, 0, 100, &sh, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(sh[0].training_missing,
                     LNT_COURSE_BIT(LNT_COURSE_WAVE) | LNT_COURSE_BIT(LNT_COURSE_ANGELA));
    assert_int_equal(sh[0].duty, LNT_DUTY_ROLE);
    assert_int_equal(sh[1].training_missing, 0);
    assert_int_equal(sh[1].duty, LNT_DUTY_OTHER);
    /* only the door supervisor without a valid licence is flagged, naming the row */
    assert_int_equal(lnt_store_flag_list(f->s, v, 0, 0, 0, 0, 10, &fl, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(fl[0].kind, LNT_FLAG_SIA_NOT_VALID);
    assert_string_equal(lnt_flag_kind_name(fl[0].kind), "sia_not_valid");
    assert_int_equal(fl[0].other, sh[1].id);
    assert_int_equal(fl[0].seq, 2);
    free(fl);
    free(sh);
}

static void test_store_door__a_refusal_at_the_door_is_flagged_and_nobody_goes_on_shift(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, v);
    int64_t door = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    struct lnt_flag *fl = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    struct lnt_event ev = sf_badge(1, LNT_EV_DOOR_REFUSED, SF_T0, door, SERIAL_A, LNT_ROLE_DOOR);

    ev.u.badge.sia_status = LNT_SIA_EXPIRED;
    ev.u.badge.verdict = LNT_VERDICT_RED;
    sf_insert(f->s, k, SF_T0 + 60, &ev, 1);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM shifts"), 0);
    assert_int_equal(lnt_store_flag_list(f->s, v, LNT_FLAG_DOOR_REFUSED, 0, 0, 0, 10, &fl, &n, err),
                     LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(fl[0].at, SF_T0);
    assert_int_equal(fl[0].other, LNT_SIA_EXPIRED);
    assert_string_equal(fl[0].serial, SERIAL_A);
    free(fl);
}

static void
test_store_door__a_listed_licence_is_flagged_though_the_kiosk_had_not_heard(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, v);
    int64_t door = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    int32_t night = lnt_london_date(SF_T0);
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_event ev[] = {
        sf_badge(1, LNT_EV_SIGN_IN, SF_T0, door, SERIAL_A, LNT_ROLE_DOOR),
        sf_badge(2, LNT_EV_SIGN_OUT, SF_T0 + H, door, SERIAL_A, LNT_ROLE_DOOR),
        sf_badge(3, LNT_EV_SIGN_IN, SF_T0 + 26 * H, door, SERIAL_A, LNT_ROLE_DOOR),
    };

    sf_badge_issue(f->s, door, SERIAL_A, SF_T0 - 24 * H);
    /* suspended from the day after the first sign-in: only the second is flagged */
    assert_int_equal(lnt_store_sia_set(f->s, LICENCE, LNT_SIA_LISTED_SUSPENDED, night + 1, err),
                     LNT_OK);
    sf_insert(f->s, k, SF_T0 + 27 * H, ev, 3);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM flags WHERE kind = 11"), 1);
    assert_int_equal(sf_sql_int(f->path, "SELECT seq FROM flags WHERE kind = 11"), 3);
}

static void test_store_door__a_scheme_with_venues_requires_nothing_new_on_upgrade(void **state)
{
    struct sf *f = *state;
    struct lnt_required_training req;
    char err[LNT_ERRBUF_SIZE] = "";
    sqlite3 *db = NULL;

    /* the database as schema 4 left it, with a venue: then migrated again */
    sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    lnt_store_free(f->s);
    f->s = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  SF_BACK_TO_10
                                  "DROP TABLE required_training; DROP TABLE sia_history; "
                                  "ALTER TABLE shifts DROP COLUMN training_missing; "
                                  "ALTER TABLE shifts DROP COLUMN duty; "
                                  "ALTER TABLE venues DROP COLUMN joined_on; "
                                  "ALTER TABLE volunteer_shifts DROP COLUMN base; "
                                  "ALTER TABLE volunteer_shifts DROP COLUMN leader; "
                                  "PRAGMA user_version = 6;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    sf_reopen(f);
    assert_int_equal(sf_sql_int(f->path, "PRAGMA user_version"), LNT_STORE_SCHEMA_VERSION);
    assert_int_equal(lnt_store_required_get(f->s, &req, err), LNT_OK);
    for (int r = LNT_ROLE_DOOR; r <= LNT_ROLE_VOLUNTEER; r++)
        assert_int_equal(req.courses[r], 0);
}

static void test_store_door__schema_7_listings_carry_into_the_history(void **state)
{
    struct sf *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    int32_t nov1 = lnt_days_from_civil(2026, 11, 1);
    enum lnt_sia_listing l;
    sqlite3 *db = NULL;
    char sql[1536];

    /* the database as schema 7 left it: one latest word per number */
    lnt_store_free(f->s);
    f->s = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    snprintf(sql, sizeof sql,
             SF_BACK_TO_10
             "DROP TABLE sia_history; CREATE TABLE sia_listed (number TEXT PRIMARY KEY CHECK "
             "(length(number) = 16), status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 2), "
             "from_day INTEGER NOT NULL, set_at INTEGER NOT NULL) WITHOUT ROWID; INSERT INTO "
             "sia_listed VALUES ('%s', 2, %d, 1); ALTER TABLE venues DROP COLUMN joined_on; "
             "ALTER TABLE volunteer_shifts DROP COLUMN base; "
             "ALTER TABLE volunteer_shifts DROP COLUMN leader; "
             "PRAGMA user_version = 7;",
             LICENCE, (int)nov1);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    sf_reopen(f);
    assert_int_equal(sf_sql_int(f->path, "PRAGMA user_version"), LNT_STORE_SCHEMA_VERSION);
    assert_int_equal(lnt_store_sia_status_on(f->s, LICENCE, nov1, &l, err), LNT_OK);
    assert_int_equal(l, LNT_SIA_LISTED_REVOKED);
    assert_int_equal(lnt_store_sia_status_on(f->s, LICENCE, nov1 - 1, &l, err), LNT_OK);
    assert_int_equal(l, LNT_SIA_LISTED_VALID);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, sf_setup, sf_teardown)
    const struct CMUnitTest tests[] = {
        T(test_store_door__a_new_scheme_requires_wave_of_every_role),
        T(test_store_door__requirements_are_kept_and_audited),
        T(test_store_door__unknown_roles_and_courses_are_refused),
        T(test_store_door__kiosks_get_the_word_in_force_today),
        T(test_store_door__each_date_has_the_word_in_force_then),
        T(test_store_door__a_batch_of_words_is_checked_whole_and_idempotent),
        T(test_store_door__a_licence_listed_after_the_shift_shows_on_its_register),
        T(test_store_door__an_import_names_each_bad_row_by_its_line),
        T(test_store_door__register_keeps_what_a_sign_in_lacked),
        T(test_store_door__a_refusal_at_the_door_is_flagged_and_nobody_goes_on_shift),
        T(test_store_door__a_listed_licence_is_flagged_though_the_kiosk_had_not_heard),
    };
    /* upgrades of older SQLite files: nothing of the kind on PostgreSQL, whose databases start
     * empty at the newest schema (or are copied from a SQLite file at it) */
    const struct CMUnitTest sqlite_files[] = {
        T(test_store_door__a_scheme_with_venues_requires_nothing_new_on_upgrade),
        T(test_store_door__schema_7_listings_carry_into_the_history),
    };
#undef T
    int failed = cmocka_run_group_tests(tests, NULL, NULL);

    if (!sf_on_postgresql())
        failed +=
            cmocka_run_group_tests_name("test_store_door_sqlite_files", sqlite_files, NULL, NULL);
    return failed;
}
