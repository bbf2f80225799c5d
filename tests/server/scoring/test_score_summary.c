/* test_score_summary.c - a score in brief: points by cause, and what the next award needs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "buf.h"
#include "ltime.h"
#include "score.h"
#include "score_summary.h"
#include "support.h"

/* Bronze for every accredited venue, Silver at half the Desired, Gold at three quarters and a
 * Bonus: the shipped ladder's shape. */
static struct lnt_bbn_catalogue ladder(void)
{
    struct lnt_bbn_catalogue c;
    memset(&c, 0, sizeof c);
    c.awards[0] = (struct lnt_bbn_award){"Bronze", 1, 0, 0, 0};
    c.awards[1] = (struct lnt_bbn_award){"Silver", 2, 50, 0, 0};
    c.awards[2] = (struct lnt_bbn_award){"Gold", 3, 75, 1, 0};
    c.n_awards = 3;
    return c;
}

static struct lnt_score_brief brief(const char *award, int desired_met, int bonus_met)
{
    struct lnt_score_brief b;
    memset(&b, 0, sizeof b);
    b.bbn_scored = true;
    b.accredited = true;
    lnt_str_copy(b.award, sizeof b.award, award);
    b.essential_met = b.essential_total = 10;
    b.desired_met = desired_met;
    b.desired_total = 16;
    b.bonus_met = bonus_met;
    b.bonus_total = 6;
    return b;
}

static const char *next_text(const struct lnt_score_brief *b)
{
    static char text[160];
    struct lnt_bbn_catalogue c = ladder();
    struct lnt_bbn_next n;
    lnt_bbn_next_award(&c, b, &n);
    lnt_bbn_next_text(&n, text, sizeof text);
    return text;
}

static void test_score_summary__silver_needs_more_desired_for_gold(void **state)
{
    struct lnt_score_brief b = brief("Silver", 9, 1);
    (void)state;
    /* Gold: 12 of 16 Desired (12 x 100 >= 75 x 16) */
    assert_string_equal(next_text(&b), "3 more Desired for Gold");
    b.bonus_met = 0;
    assert_string_equal(next_text(&b), "3 more Desired and 1 more Bonus for Gold");
    b.desired_met = 12;
    assert_string_equal(next_text(&b), "1 more Bonus for Gold");
}

/* "Essentials plus a share of all other marks": Gold at 60% of the 22 Desired and Bonus. */
static void test_score_summary__a_share_of_all_other_marks_counts_desired_and_bonus(void **state)
{
    struct lnt_bbn_catalogue c = ladder();
    struct lnt_score_brief b = brief("Silver", 9, 1);
    struct lnt_bbn_next n;
    char text[160];
    (void)state;

    c.awards[2] = (struct lnt_bbn_award){"Gold", 3, 0, 0, 60};
    /* 60 x 22 = 1320: 14 marks needed, 10 held */
    lnt_bbn_next_award(&c, &b, &n);
    lnt_bbn_next_text(&n, text, sizeof text);
    assert_string_equal(text, "4 more of any Desired or Bonus for Gold");
    b.bonus_met = 5;
    lnt_bbn_next_award(&c, &b, &n);
    assert_int_equal(n.other, 0);
}

static void test_score_summary__desired_needed_rounds_up_as_the_scoring_compares(void **state)
{
    struct lnt_score_brief b = brief("Silver", 11, 1);
    (void)state;
    /* 15 applicable: 75 x 15 = 1125, so 11 (1100) falls short and 12 (1200) is enough */
    b.desired_total = 15;
    assert_string_equal(next_text(&b), "1 more Desired for Gold");
    /* Bronze to Silver with 7 applicable: 50 x 7 = 350, so 4 are needed */
    b = brief("Bronze", 2, 0);
    b.desired_total = 7;
    assert_string_equal(next_text(&b), "2 more Desired for Silver");
}

static void test_score_summary__unaccredited_names_the_missing_essentials(void **state)
{
    struct lnt_score_brief b = brief("", 3, 0);
    (void)state;
    b.accredited = false;
    b.essential_met = 9;
    lnt_str_copy(b.essential_missing, sizeof b.essential_missing, "E1");
    assert_string_equal(next_text(&b), "one Essential: E1 for Bronze");
    b.essential_met = 8;
    lnt_str_copy(b.essential_missing, sizeof b.essential_missing, "A1, E1");
    assert_string_equal(next_text(&b), "2 Essentials: A1, E1 for Bronze");
}

static void test_score_summary__first_rung_with_desired_needs_both(void **state)
{
    struct lnt_bbn_catalogue c = ladder();
    struct lnt_score_brief b = brief("", 3, 0);
    struct lnt_bbn_next n;
    char text[160];
    (void)state;
    /* a ladder without Bronze: the first rung asks for Desired as well as the Essentials */
    c.awards[0] = c.awards[1];
    c.awards[1] = c.awards[2];
    c.n_awards = 2;
    b.accredited = false;
    b.essential_met = 9;
    lnt_str_copy(b.essential_missing, sizeof b.essential_missing, "E1");
    lnt_bbn_next_award(&c, &b, &n);
    lnt_bbn_next_text(&n, text, sizeof text);
    assert_int_equal(n.state, LNT_NEXT_NEEDS);
    assert_int_equal(n.essentials, 1);
    assert_int_equal(n.desired, 5);
    assert_string_equal(text, "one Essential: E1 and 5 more Desired for Silver");
}

static void test_score_summary__gold_is_the_top_and_a_hub_has_no_next(void **state)
{
    struct lnt_score_brief b = brief("Gold", 14, 2);
    struct lnt_bbn_catalogue c = ladder();
    struct lnt_bbn_next n;
    (void)state;
    assert_string_equal(next_text(&b), "Gold: the top award");
    b = brief("", 0, 0);
    b.bbn_scored = false;
    lnt_bbn_next_award(&c, &b, &n);
    assert_int_equal(n.state, LNT_NEXT_NONE);
    assert_string_equal(next_text(&b), "");
}

static void test_score_summary__a_rung_beyond_what_applies_says_so(void **state)
{
    struct lnt_score_brief b = brief("Silver", 12, 0);
    (void)state;
    b.bonus_total = 0; /* no Bonus criterion applies: Gold's one Bonus cannot be met */
    assert_string_equal(next_text(&b), "Gold is out of reach: it needs more Bonus criteria than "
                                       "apply");
}

static void test_score_summary__award_rank_follows_the_ladder_not_the_name(void **state)
{
    struct lnt_bbn_catalogue c = ladder();
    (void)state;
    assert_true(lnt_bbn_award_rank(&c, "Gold") > lnt_bbn_award_rank(&c, "Silver"));
    assert_true(lnt_bbn_award_rank(&c, "Silver") > lnt_bbn_award_rank(&c, "Bronze"));
    assert_true(lnt_bbn_award_rank(&c, "Bronze") > lnt_bbn_award_rank(&c, ""));
    assert_int_equal(lnt_bbn_award_rank(&c, "Platinum"), 0);
}

/* ---- causes, on a venue scored by the shipped rules ---- */

static struct lnt_score_rules rules;

static int setup_rules(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "";
    char bbn[512], risk[512];
    (void)state;
    snprintf(bbn, sizeof bbn, "%s", lnt_test_src("assets/bbn/criteria.ini"));
    snprintf(risk, sizeof risk, "%s", lnt_test_src("assets/risk/weights.ini"));
    if (lnt_score_rules_load(&rules, bbn, risk, err) != LNT_OK) {
        fprintf(stderr, "rules: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown_rules(void **state)
{
    (void)state;
    lnt_score_rules_release(&rules);
    return 0;
}

/*
 * A bar open every night for 90 nights: two door shifts a night, on 30 nights neither with a
 * valid SIA licence; the kiosk silent on 10 nights; two incidents.
 */
static void score_door_heavy(struct lnt_score_result *res)
{
    static struct lnt_score_night nights[90];
    struct lnt_score_incident inc[2];
    struct lnt_score_input in;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t at = (int64_t)20700 * 86400 + 12 * 3600;

    memset(&in, 0, sizeof in);
    memset(nights, 0, sizeof nights);
    memset(inc, 0, sizeof inc);
    in.venue.id = 7;
    lnt_str_copy(in.venue.name, sizeof in.venue.name, "The Door");
    lnt_str_copy(in.venue.category, sizeof in.venue.category, "bar");
    in.venue.capacity = 300;
    for (int d = 0; d < 7; d++) {
        in.venue.trading.open[d] = true;
        in.venue.trading.open_min[d] = 20 * 60;
        in.venue.trading.close_min[d] = 27 * 60;
    }
    in.at = at;
    lnt_score_window(at, 90, &in.first_night, &in.last_night);
    for (int i = 0; i < 90; i++) {
        struct lnt_score_night *n = &nights[i];
        n->night = in.first_night + i;
        n->contacts = i % 9 == 0 ? 0 : 10;
        n->door_shifts = n->staff_shifts = 2;
        n->door_shifts_sia_ok = i % 3 == 0 ? 0 : 2;
        n->cup_level = -1;
    }
    in.nights = nights;
    in.n_nights = 90;
    for (int i = 0; i < 2; i++) {
        snprintf(inc[i].id, sizeof inc[i].id, "r%d", i);
        lnt_str_copy(inc[i].kind, sizeof inc[i].kind, "violence");
        inc[i].severity = 3;
        inc[i].occurred_at = at - (int64_t)(5 + i) * 86400;
        inc[i].complete = true;
        inc[i].record_delay = 600;
    }
    in.incidents = inc;
    in.n_incidents = 2;
    if (lnt_score_venue(&rules, &in, res, err) != LNT_OK)
        fail_msg("scoring: %s", err);
}

static void test_score_summary__causes_add_up_and_name_door_licensing_first(void **state)
{
    struct lnt_score_result res;
    struct lnt_risk_cause_total t[LNT_SCORE_CAUSES];
    struct lnt_score_brief b;
    int64_t sum = 0;
    (void)state;

    score_door_heavy(&res);
    lnt_risk_causes(&res.risk, t);
    assert_int_equal(t[0].cause, LNT_CAUSE_DOOR);
    assert_int_equal(t[0].lines, 30); /* one line per night with unlicensed shifts */
    assert_int_equal(t[0].points_milli, 30 * 2 * rules.risk->gap_sia_shift_milli);
    for (size_t i = 0; i < LNT_SCORE_CAUSES; i++) {
        sum += t[i].points_milli;
        if (t[i].cause == LNT_CAUSE_SILENCE)
            assert_int_equal(t[i].points_milli, 10 * rules.risk->gap_silent_night_milli);
        if (t[i].cause == LNT_CAUSE_INCIDENTS)
            assert_int_equal(t[i].lines, 2);
        if (i > 0)
            assert_true(t[i - 1].points_milli >= t[i].points_milli);
    }
    assert_int_equal(sum, res.risk.total_milli);
    /* the brief carries the same totals for the league table */
    lnt_score_brief_of(&res, &b);
    assert_int_equal(b.cause_milli[LNT_CAUSE_DOOR], t[0].points_milli);
    assert_true(b.bbn_scored);
    assert_int_equal(b.essential_total, res.bbn.essential_total);
    assert_non_null(strstr(b.essential_missing, "A1")); /* 60 of 180 door shifts unlicensed */
    lnt_score_result_release(&res);
}

static void test_score_summary__json_carries_the_causes(void **state)
{
    struct lnt_score_result res;
    struct lnt_buf out;
    char err[LNT_ERRBUF_SIZE] = "";
    json_t *root, *causes, *first;
    int64_t sum = 0;
    (void)state;

    lnt_buf_init(&out, 1 << 22);
    score_door_heavy(&res);
    assert_int_equal(lnt_score_to_json(&res, &out, err), LNT_OK);
    root = json_loadb(out.data, out.len, 0, NULL);
    assert_non_null(root);
    causes = json_object_get(json_object_get(root, "risk"), "causes");
    assert_true(json_is_array(causes));
    assert_int_equal(json_array_size(causes), LNT_SCORE_CAUSES);
    first = json_array_get(causes, 0);
    assert_string_equal(json_string_value(json_object_get(first, "cause")), "door_licensing");
    for (size_t i = 0; i < json_array_size(causes); i++)
        sum += json_integer_value(json_object_get(json_array_get(causes, i), "points_milli"));
    assert_int_equal(sum, res.risk.total_milli);
    json_decref(root);
    lnt_buf_release(&out);
    lnt_score_result_release(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_summary__silver_needs_more_desired_for_gold),
        cmocka_unit_test(test_score_summary__desired_needed_rounds_up_as_the_scoring_compares),
        cmocka_unit_test(test_score_summary__a_share_of_all_other_marks_counts_desired_and_bonus),
        cmocka_unit_test(test_score_summary__unaccredited_names_the_missing_essentials),
        cmocka_unit_test(test_score_summary__first_rung_with_desired_needs_both),
        cmocka_unit_test(test_score_summary__gold_is_the_top_and_a_hub_has_no_next),
        cmocka_unit_test(test_score_summary__a_rung_beyond_what_applies_says_so),
        cmocka_unit_test(test_score_summary__award_rank_follows_the_ladder_not_the_name),
        cmocka_unit_test(test_score_summary__causes_add_up_and_name_door_licensing_first),
        cmocka_unit_test(test_score_summary__json_carries_the_causes),
    };
    return cmocka_run_group_tests(tests, setup_rules, teardown_rules);
}
