/* test_score_load.c - scores from a real store: rollups, incidents and findings reach the scoring.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec.h"
#include "ltime.h"
#include "night.h"
#include "score_load.h"
#include "store_registers.h"
#include "support.h"

/* 2026-03-02 12:00 UTC: the window is 2025-12-02 .. 2026-03-01 (tests/data/scoring/README.md). */
static const int64_t AT = 20514LL * 86400 + 43200;

static int64_t utc(int y, int mo, int d, int h, int mi)
{
    return lnt_days_from_civil(y, mo, d) * 86400LL + h * 3600 + mi * 60;
}

static struct lnt_event incident(int64_t seq, const char *kind, int severity, int64_t at,
                                 int delay_min, bool police, bool complete)
{
    struct lnt_event e;
    memset(&e, 0, sizeof e);
    e.seq = seq;
    lnt_uuid4(e.uuid);
    e.type = LNT_EV_INCIDENT;
    e.occurred_at = at;
    e.recorded_at = at + delay_min * 60;
    lnt_uuid4(e.u.incident.report_id);
    snprintf(e.u.incident.kind, sizeof e.u.incident.kind, "%s", kind);
    e.u.incident.severity = severity;
    e.u.incident.police_called = police;
    e.u.incident.complete = complete;
    snprintf(e.u.incident.place, sizeof e.u.incident.place, "bar");
    snprintf(e.u.incident.outcome, sizeof e.u.incident.outcome, "resolved");
    snprintf(e.u.incident.staff_id, sizeof e.u.incident.staff_id, "1");
    return e;
}

static struct lnt_event door_sign_in(int64_t seq, int64_t at, enum lnt_sia_status sia)
{
    struct lnt_event e;
    memset(&e, 0, sizeof e);
    e.seq = seq;
    lnt_uuid4(e.uuid);
    e.type = LNT_EV_SIGN_IN;
    e.occurred_at = at;
    e.recorded_at = at;
    snprintf(e.u.badge.staff_id, sizeof e.u.badge.staff_id, "%lld", (long long)seq);
    memset(e.u.badge.serial, 'a', sizeof e.u.badge.serial - 1);
    e.u.badge.role = LNT_ROLE_DOOR;
    snprintf(e.u.badge.sia_number, sizeof e.u.badge.sia_number, "1234567812345678");
    e.u.badge.sia_expires = 21000;
    e.u.badge.sia_status = sia;
    e.u.badge.verdict = sia == LNT_SIA_VALID ? LNT_VERDICT_GREEN : LNT_VERDICT_RED;
    return e;
}

static void test_score_load__store_rollups_reach_the_score(void **state)
{
    char *dir = lnt_test_tmpdir(), *db = lnt_test_path(dir, "l.db");
    char err[LNT_ERRBUF_SIZE] = "", code[LNT_ENROLL_CODE_LEN + 1];
    struct lnt_store *s = NULL;
    struct lnt_venue v;
    struct lnt_kiosk k;
    struct lnt_finding f;
    struct lnt_score_rules rules;
    struct lnt_score_result res;
    struct lnt_event ev[4];
    struct lnt_ingest_result ir[4];
    uint8_t pk[LNT_SIGN_PK_LEN];
    bool seen_b = false;
    (void)state;

    assert_int_equal(lnt_crypto_init(), LNT_OK);
    assert_int_equal(setenv("LANTERN_ASSETS", lnt_test_src("assets"), 1), 0);
    assert_int_equal(lnt_score_load_rules(&rules, err), LNT_OK);
    assert_int_equal(lnt_store_open(&s, db, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_init(s, "TEST", err), LNT_OK);
    memset(&v, 0, sizeof v);
    snprintf(v.name, sizeof v.name, "The Crown");
    v.category = LNT_VENUE_BAR;
    v.capacity = 200;
    snprintf(v.area, sizeof v.area, "Market");
    snprintf(v.trading, sizeof v.trading, "Fri-Sat 20:00-03:00");
    /* in the scheme since before the windows scored here (its kiosk is enrolled today) */
    v.joined_on = lnt_days_from_civil(2025, 6, 1);
    assert_int_equal(lnt_store_venue_add(s, &v, err), LNT_OK);
    memset(&f, 0, sizeof f);
    f.venue_id = v.id;
    snprintf(f.criterion, sizeof f.criterion, "F1");
    f.met = false;
    snprintf(f.evidence, sizeof f.evidence, "no training records kept");
    snprintf(f.assessor, sizeof f.assessor, "P. Naylor");
    f.found_on = lnt_days_from_civil(2026, 1, 10);
    if (lnt_store_finding_add(s, &f, AT, err) != LNT_OK)
        fail_msg("%s", err);

    if (lnt_store_enroll_code_add(s, v.id, lnt_time_now() + 86400, code, err) != LNT_OK)
        fail_msg("%s", err);
    lnt_random(pk, sizeof pk);
    if (lnt_store_enroll_redeem(s, code, pk, lnt_time_now(), &k, err) != LNT_OK)
        fail_msg("%s", err);
    /* Friday 2026-02-13: a door supervisor without a valid licence, a well-handled spiking report,
       a badly handled assault */
    ev[0] = door_sign_in(1, utc(2026, 2, 13, 20, 0), LNT_SIA_EXPIRED);
    ev[1] = incident(2, "spiking", 4, utc(2026, 2, 13, 23, 0), 10, true, true);
    ev[2] = incident(3, "violence", 3, utc(2026, 2, 14, 1, 0), 90, false, false);
    ev[3] = door_sign_in(4, utc(2026, 2, 14, 20, 0), LNT_SIA_VALID);
    snprintf(ev[2].u.incident.report_id, sizeof ev[2].u.incident.report_id,
             "bbbbbbbb-0000-4000-8000-000000000000");
    if (lnt_store_events_insert(s, k.id, lnt_time_now(), ev, 4, ir, err) != LNT_OK)
        fail_msg("%s", err);
    for (int i = 0; i < 4; i++)
        if (ir[i].status != LNT_INGEST_ACCEPTED)
            fail_msg("event %d: %s", i, ir[i].reason);

    if (lnt_score_load_venue(s, &rules, v.id, AT, &res, err) != LNT_OK)
        fail_msg("%s", err);
    assert_int_equal(res.risk.trading_nights, 26);
    assert_int_equal(res.risk.silent_nights, 24); /* the kiosk spoke on 13 and 14 February */
    assert_int_equal(res.risk.incidents, 2);
    for (size_t i = 0; i < res.bbn.n_lines; i++) {
        const struct lnt_bbn_line *ln = &res.bbn.lines[i];
        /* the kiosk spoke on 2 of 26 trading nights: too few to judge a kiosk criterion */
        if (strcmp(ln->id, "A1") == 0) {
            assert_int_equal(ln->num, 1);
            assert_int_equal(ln->den, 2);
            assert_int_equal(ln->nights_seen, 2);
            assert_int_equal(ln->nights_trading, 26);
            assert_int_equal(ln->status, LNT_BBN_NOT_EVIDENCED);
        }
        if (strcmp(ln->id, "E2") == 0) {
            assert_int_equal(ln->num, 1);
            assert_int_equal(ln->den, 1);
            assert_int_equal(ln->status, LNT_BBN_NOT_EVIDENCED);
        }
        if (strcmp(ln->id, "F1") == 0) {
            assert_int_equal(ln->status, LNT_BBN_NOT_MET);
            assert_non_null(strstr(ln->note, "no training records kept"));
        }
    }
    for (size_t i = 0; i < res.risk.n_parts; i++) {
        const struct lnt_risk_part *p = &res.risk.parts[i];
        if (strcmp(p->ref, "bbbbbbbb-0000-4000-8000-000000000000") == 0) {
            seen_b = true;
            assert_int_equal(p->credit_milli, 0); /* 90 min, not complete, no police */
            assert_true(p->points_milli > 0);
        }
        if (p->kind == LNT_PART_INCIDENT && strcmp(p->ref, ev[1].u.incident.report_id) == 0)
            assert_int_equal(p->points_milli, 0);
        if (p->kind == LNT_PART_GAP && strcmp(p->ref, "2026-02-13") == 0)
            assert_int_equal(p->count, 1); /* one shift without a valid SIA licence */
    }
    assert_true(seen_b);
    /* an unmet Essential (F1), five the kiosk saw too little of, seven never assessed, 24
       silent nights, an unlicensed shift and a badly handled assault: Red on points */
    assert_int_equal(res.risk.points_band, LNT_BAND_RED);
    assert_int_equal(res.risk.band, LNT_BAND_RED);
    assert_false(res.bbn.accredited);
    /* the window before saw nothing: trend is against it */
    assert_int_not_equal(res.risk.trend, LNT_TREND_NONE);
    lnt_score_result_release(&res);

    /* an unknown venue is NOT_FOUND, not a crash */
    assert_int_equal(lnt_score_load_venue(s, &rules, 999, AT, &res, err), LNT_ERR_NOT_FOUND);
    lnt_score_result_release(&res);

    lnt_store_free(s);
    lnt_score_rules_release(&rules);
    lnt_test_rmrf(dir);
    free(db);
    free(dir);
}

/* The door-licensing gap line of `night` ("YYYY-MM-DD") in res, or NULL. */
static const struct lnt_risk_part *sia_line(const struct lnt_score_result *res, const char *night)
{
    for (size_t i = 0; i < res->risk.n_parts; i++)
        if (res->risk.parts[i].kind == LNT_PART_GAP && strcmp(res->risk.parts[i].ref, night) == 0)
            return &res->risk.parts[i];
    return NULL;
}

/*
 * The badge said valid, and the rollup counted a licensed door shift. The scheme learns a week
 * later that the licence was suspended from the day before: the venue's score counts that shift
 * as one without a valid licence, and names who worked it, on which badge.
 */
static void test_score_load__a_licence_suspended_after_the_shift_counts_against_it(void **state)
{
    char *dir = lnt_test_tmpdir(), *db = lnt_test_path(dir, "l.db");
    char err[LNT_ERRBUF_SIZE] = "", code[LNT_ENROLL_CODE_LEN + 1], id[24];
    struct lnt_store *s = NULL;
    struct lnt_venue v;
    struct lnt_staff st;
    struct lnt_kiosk k;
    struct lnt_score_rules rules;
    struct lnt_score_result before, after;
    struct lnt_event ev[2];
    struct lnt_ingest_result ir[2];
    const struct lnt_risk_part *p;
    uint8_t pk[LNT_SIGN_PK_LEN];
    (void)state;

    assert_int_equal(lnt_crypto_init(), LNT_OK);
    assert_int_equal(setenv("LANTERN_ASSETS", lnt_test_src("assets"), 1), 0);
    assert_int_equal(lnt_score_load_rules(&rules, err), LNT_OK);
    assert_int_equal(lnt_store_open(&s, db, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_init(s, "TEST", err), LNT_OK);
    memset(&v, 0, sizeof v);
    snprintf(v.name, sizeof v.name, "The Crown");
    v.category = LNT_VENUE_BAR;
    v.capacity = 200;
    snprintf(v.area, sizeof v.area, "Market");
    snprintf(v.trading, sizeof v.trading, "Fri-Sat 20:00-03:00");
    assert_int_equal(lnt_store_venue_add(s, &v, err), LNT_OK);
    memset(&st, 0, sizeof st);
    st.venue_id = v.id;
    snprintf(st.name, sizeof st.name, "Sam Okafor");
    st.role = LNT_ROLE_DOOR;
    assert_int_equal(lnt_store_staff_add(s, &st, err), LNT_OK);
    if (lnt_store_enroll_code_add(s, v.id, lnt_time_now() + 86400, code, err) != LNT_OK)
        fail_msg("%s", err);
    lnt_random(pk, sizeof pk);
    if (lnt_store_enroll_redeem(s, code, pk, lnt_time_now(), &k, err) != LNT_OK)
        fail_msg("%s", err);
    /* Friday 13 and Saturday 14 February 2026: the same door supervisor, a valid badge */
    ev[0] = door_sign_in(1, utc(2026, 2, 13, 20, 0), LNT_SIA_VALID);
    ev[1] = door_sign_in(2, utc(2026, 2, 14, 20, 0), LNT_SIA_VALID);
    snprintf(id, sizeof id, "%lld", (long long)st.id);
    for (int i = 0; i < 2; i++)
        lnt_str_copy(ev[i].u.badge.staff_id, sizeof ev[i].u.badge.staff_id, id);
    if (lnt_store_events_insert(s, k.id, lnt_time_now(), ev, 2, ir, err) != LNT_OK)
        fail_msg("%s", err);
    for (int i = 0; i < 2; i++)
        if (ir[i].status != LNT_INGEST_ACCEPTED)
            fail_msg("event %d: %s", i, ir[i].reason);

    if (lnt_score_load_venue(s, &rules, v.id, AT, &before, err) != LNT_OK)
        fail_msg("%s", err);
    assert_null(sia_line(&before, "2026-02-14"));
    assert_int_equal(before.risk.n_people, 0);

    /* suspended from Saturday the 14th: Friday's shift stays licensed, Saturday's does not */
    assert_int_equal(lnt_store_sia_set(s, "1234567812345678", LNT_SIA_LISTED_SUSPENDED,
                                       lnt_days_from_civil(2026, 2, 14), err),
                     LNT_OK);
    if (lnt_score_load_venue(s, &rules, v.id, AT, &after, err) != LNT_OK)
        fail_msg("%s", err);
    assert_null(sia_line(&after, "2026-02-13"));
    p = sia_line(&after, "2026-02-14");
    assert_non_null(p);
    assert_int_equal(p->count, 1);
    assert_int_equal(p->points_milli, rules.risk->gap_sia_shift_milli);
    assert_true(after.risk.total_milli >=
                before.risk.total_milli + rules.risk->gap_sia_shift_milli);
    for (size_t i = 0; i < after.bbn.n_lines; i++)
        if (strcmp(after.bbn.lines[i].id, "A1") == 0) {
            assert_int_equal(after.bbn.lines[i].num, 1); /* door_sia_share: 1 of 2 */
            assert_int_equal(after.bbn.lines[i].den, 2);
        }
    /* who, on which badge: for those who may read the register */
    assert_int_equal(after.risk.n_people, 1);
    assert_string_equal(after.risk.people[0].name, "Sam Okafor");
    assert_string_equal(after.risk.people[0].staff_id, id);
    assert_string_equal(after.risk.people[0].serial, ev[1].u.badge.serial);
    assert_string_equal(after.risk.people[0].sia_status, "suspended");
    assert_true(after.risk.people[0].listed);
    lnt_score_load_hide_people(&after);
    assert_int_equal(after.risk.n_people, 0);
    assert_non_null(sia_line(&after, "2026-02-14")); /* the night stays on the line */

    lnt_score_result_release(&before);
    lnt_score_result_release(&after);
    lnt_store_free(s);
    lnt_score_rules_release(&rules);
    lnt_test_rmrf(dir);
    free(db);
    free(dir);
}

/*
 * The trend compares a venue's score with the score of the window before, as
 * it stood when that window was scored: 90 London nights earlier, at the same
 * London time. Scored at 23:30 GMT on Sunday 10 January 2027, the window before
 * was scored at 23:30 BST on Monday 12 October 2026 - 90 x 24 hours earlier is
 * 00:30 BST on the 13th, when a finding dated the 13th would already count.
 */
static void test_score_load__trend_steps_back_by_london_days_across_a_clock_change(void **state)
{
    char *dir = lnt_test_tmpdir(), *db = lnt_test_path(dir, "l.db");
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct lnt_venue v;
    struct lnt_finding f;
    struct lnt_score_rules rules;
    struct lnt_score_result now, before;
    const int64_t at = utc(2027, 1, 10, 23, 30), at_before = utc(2026, 10, 12, 22, 30);
    (void)state;

    assert_int_equal(lnt_crypto_init(), LNT_OK);
    assert_int_equal(setenv("LANTERN_ASSETS", lnt_test_src("assets"), 1), 0);
    assert_int_equal(lnt_score_load_rules(&rules, err), LNT_OK);
    assert_int_equal(rules.risk->window_days, 90);
    assert_int_equal(lnt_store_open(&s, db, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_init(s, "TEST", err), LNT_OK);
    memset(&v, 0, sizeof v);
    snprintf(v.name, sizeof v.name, "The Crown");
    v.category = LNT_VENUE_BAR;
    v.capacity = 200;
    snprintf(v.area, sizeof v.area, "Market");
    snprintf(v.trading, sizeof v.trading, "Fri-Sat 20:00-03:00");
    v.joined_on = lnt_days_from_civil(2026, 1, 1);
    assert_int_equal(lnt_store_venue_add(s, &v, err), LNT_OK);
    /* an assessor's finding dated Tuesday 13 October, the day after the window before was scored */
    memset(&f, 0, sizeof f);
    f.venue_id = v.id;
    snprintf(f.criterion, sizeof f.criterion, "F1");
    f.met = false;
    snprintf(f.evidence, sizeof f.evidence, "no training records kept");
    snprintf(f.assessor, sizeof f.assessor, "P. Naylor");
    f.found_on = lnt_days_from_civil(2026, 10, 13);
    if (lnt_store_finding_add(s, &f, utc(2026, 10, 13, 12, 0), err) != LNT_OK)
        fail_msg("%s", err);

    if (lnt_score_load_venue(s, &rules, v.id, at_before, &before, err) != LNT_OK ||
        lnt_score_load_venue(s, &rules, v.id, at, &now, err) != LNT_OK)
        fail_msg("%s", err);
    assert_int_equal(lnt_london_date(at_before), lnt_days_from_civil(2026, 10, 12));
    assert_true(now.risk.scored && before.risk.scored);
    assert_int_equal(now.risk.trend_delta_milli, now.risk.total_milli - before.risk.total_milli);
    lnt_score_result_release(&now);
    lnt_score_result_release(&before);

    lnt_store_free(s);
    lnt_score_rules_release(&rules);
    lnt_test_rmrf(dir);
    free(db);
    free(dir);
}

/*
 * Without a date from the scheme, a venue's window starts the night its first
 * kiosk was enrolled: a kiosk enrolled ten nights ago leaves it "not yet
 * scored", with no night before that counted silent; a date the scheme sets
 * takes over, and clearing it goes back to the enrolment.
 */
static void test_score_load__window_starts_when_the_first_kiosk_enrols(void **state)
{
    char *dir = lnt_test_tmpdir(), *db = lnt_test_path(dir, "l.db");
    char err[LNT_ERRBUF_SIZE] = "", code[LNT_ENROLL_CODE_LEN + 1];
    struct lnt_store *s = NULL;
    struct lnt_venue v, got;
    struct lnt_kiosk k;
    struct lnt_score_rules rules;
    struct lnt_score_result res;
    uint8_t pk[LNT_SIGN_PK_LEN];
    (void)state;

    assert_int_equal(lnt_crypto_init(), LNT_OK);
    assert_int_equal(setenv("LANTERN_ASSETS", lnt_test_src("assets"), 1), 0);
    assert_int_equal(lnt_score_load_rules(&rules, err), LNT_OK);
    assert_int_equal(lnt_store_open(&s, db, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_init(s, "TEST", err), LNT_OK);
    memset(&v, 0, sizeof v);
    snprintf(v.name, sizeof v.name, "The Crown");
    v.category = LNT_VENUE_BAR;
    v.capacity = 200;
    snprintf(v.area, sizeof v.area, "Market");
    snprintf(v.trading, sizeof v.trading, "Fri-Sat 20:00-03:00");
    assert_int_equal(lnt_store_venue_add(s, &v, err), LNT_OK);

    /* no kiosk yet: not joined, nothing silent, no band */
    if (lnt_score_load_venue(s, &rules, v.id, AT, &res, err) != LNT_OK)
        fail_msg("%s", err);
    assert_false(res.risk.scored);
    assert_int_equal(res.risk.window_nights, 0);
    assert_int_equal(res.risk.silent_nights, 0);
    assert_int_equal(res.risk.band, LNT_BAND_NONE);
    assert_false(res.risk.review);
    lnt_score_result_release(&res);

    /* enrolled at 10:00 on Friday 20 February: its first night is the 20th */
    if (lnt_store_enroll_code_add(s, v.id, lnt_time_now() + 86400, code, err) != LNT_OK)
        fail_msg("%s", err);
    lnt_random(pk, sizeof pk);
    if (lnt_store_enroll_redeem(s, code, pk, utc(2026, 2, 20, 10, 0), &k, err) != LNT_OK)
        fail_msg("%s", err);
    assert_int_equal(lnt_store_venue_get(s, v.id, &got, err), LNT_OK);
    assert_int_equal(got.evidence_from, lnt_days_from_civil(2026, 2, 20));
    if (lnt_score_load_venue(s, &rules, v.id, AT, &res, err) != LNT_OK)
        fail_msg("%s", err);
    assert_false(res.risk.scored);
    assert_int_equal(res.risk.window_nights, 10);
    assert_int_equal(res.risk.trading_nights, 4); /* Fri 20, Sat 21, Fri 27, Sat 28 */
    assert_int_equal(res.risk.silent_nights, 4);  /* it has sent nothing */
    assert_int_equal(res.risk.band, LNT_BAND_NONE);
    assert_non_null(strstr(res.risk.scored_note, "not yet scored"));
    lnt_score_result_release(&res);

    /* the scheme says it joined on 2 December: the whole window, its silence counted */
    v.joined_on = lnt_days_from_civil(2025, 12, 2);
    assert_int_equal(lnt_store_venue_edit(s, v.id, &v, LNT_VENUE_SET_JOINED, err), LNT_OK);
    if (lnt_score_load_venue(s, &rules, v.id, AT, &res, err) != LNT_OK)
        fail_msg("%s", err);
    assert_true(res.risk.scored);
    assert_int_equal(res.risk.window_nights, 90);
    assert_int_equal(res.risk.silent_nights, 26);
    assert_int_not_equal(res.risk.band, LNT_BAND_NONE);
    lnt_score_result_release(&res);

    /* cleared: the enrolment again */
    v.joined_on = 0;
    assert_int_equal(lnt_store_venue_edit(s, v.id, &v, LNT_VENUE_SET_JOINED, err), LNT_OK);
    assert_int_equal(lnt_store_venue_get(s, v.id, &got, err), LNT_OK);
    assert_int_equal(got.joined_on, 0);
    assert_int_equal(got.evidence_from, lnt_days_from_civil(2026, 2, 20));

    lnt_store_free(s);
    lnt_score_rules_release(&rules);
    lnt_test_rmrf(dir);
    free(db);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_load__window_starts_when_the_first_kiosk_enrols),
        cmocka_unit_test(test_score_load__store_rollups_reach_the_score),
        cmocka_unit_test(test_score_load__trend_steps_back_by_london_days_across_a_clock_change),
        cmocka_unit_test(test_score_load__a_licence_suspended_after_the_shift_counts_against_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
