/* test_score_fair.c - fairness of the scoring model as properties over generated towns: joining
 * is never punished, silence is never compliance, avoiding assessment never pays; and the award
 * ladder "Essentials plus a share of all other marks".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ltime.h"
#include "score.h"
#include "inifile.h"
#include "score_scenario.h"
#include "support.h"

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

/* ---- generated towns ---- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return n ? (uint32_t)(rng_state % n) : 0;
}

#define SPAN 90 /* the shipped window; every criterion's window too */
#define AT (lnt_days_from_civil(2026, 3, 2) * 86400LL + 43200)

static const char *const kinds[] = {"violence", "spiking", "angela", "theft", "disorder"};

struct town_venue {
    struct lnt_score_input in;
    struct lnt_score_night nights[SPAN];
    struct lnt_score_incident incidents[30];
    struct lnt_score_finding findings[LNT_SCORE_CRITERIA_MAX];
};

/* A night the kiosk saw, with random shifts, training, stock and no incident. */
static void seen_night(struct lnt_score_night *r)
{
    r->contacts = 1 + (int32_t)rnd(8);
    r->door_shifts = (int32_t)rnd(4);
    r->door_shifts_sia_ok = r->door_shifts - (rnd(10) == 0 && r->door_shifts > 0);
    r->door_shifts_vuln = r->door_shifts - (int32_t)rnd((uint32_t)r->door_shifts + 1) / 2;
    r->staff_shifts = r->door_shifts + (int32_t)rnd(8);
    r->staff_shifts_bystander = r->staff_shifts - (int32_t)rnd((uint32_t)r->staff_shifts + 1) / 3;
    r->shifts_open = rnd(12) == 0 && r->staff_shifts > 0;
    r->angela_on_shift = rnd(10) != 0;
    r->cup_level = rnd(4) ? (int32_t)rnd(400) : -1;
    r->cup_threshold = 100;
}

/*
 * A venue with a window of SPAN nights at AT: kiosks silent on a random share
 * of nights (from none to most), incidents folded into their nights, findings
 * mostly met, sometimes a joining date inside the window.
 */
static void town_venue(struct town_venue *v)
{
    static const char *const cats[] = {"pub", "bar", "nightclub"};
    struct lnt_score_input *in = &v->in;
    uint32_t silence = rnd(4) == 0 ? 0 : 1 + rnd(60); /* percent of nights silent */
    size_t nf = 0;

    memset(v, 0, sizeof *v);
    in->venue.id = 1 + rnd(1000);
    snprintf(in->venue.name, sizeof in->venue.name, "Venue %lld", (long long)in->venue.id);
    snprintf(in->venue.category, sizeof in->venue.category, "%s", cats[rnd(3)]);
    in->venue.capacity = 50 + (int32_t)rnd(1000);
    for (int d = 0; d < 7; d++)
        in->venue.trading.open[d] = rnd(3) != 0;
    in->venue.trading.open[rnd(7)] = true;
    in->at = AT;
    lnt_score_window(AT, SPAN, &in->first_night, &in->last_night);
    if (rnd(3) == 0)
        in->venue.joined = in->first_night + (int32_t)rnd(SPAN);
    for (int i = 0; i < SPAN; i++) {
        struct lnt_score_night *r = &v->nights[i];
        r->night = in->first_night + i;
        r->cup_level = -1;
        if (rnd(100) >= silence)
            seen_night(r);
    }
    in->nights = v->nights;
    in->n_nights = SPAN;
    in->n_incidents = rnd(12);
    for (size_t i = 0; i < in->n_incidents; i++) {
        struct lnt_score_incident *x = &v->incidents[i];
        int night = (int)rnd(SPAN);
        struct lnt_score_night *r = &v->nights[night];
        snprintf(x->id, sizeof x->id, "x%zu", i);
        snprintf(x->kind, sizeof x->kind, "%s", kinds[rnd(5)]);
        x->severity = 1 + (int)rnd(5);
        x->occurred_at = ((int64_t)in->first_night + night) * 86400 + 21 * 3600 + rnd(3 * 3600);
        x->police_called = rnd(2);
        x->complete = rnd(2);
        x->record_delay = rnd(4) ? rnd(3600) : 3600 + rnd(20000);
        /* as the store's rollup has it: a report is a contact that night */
        r->contacts++;
        r->incidents++;
        r->incidents_recorded_1h += x->record_delay <= 3600;
        if (strcmp(x->kind, "spiking") == 0) {
            r->spiking_reports++;
            r->spiking_complete += x->complete;
        }
        r->angela_requests += strcmp(x->kind, "angela") == 0;
    }
    in->incidents = v->incidents;
    for (size_t i = 0; i < rules.bbn->n_criteria; i++) {
        const struct lnt_bbn_criterion *c = &rules.bbn->criteria[i];
        struct lnt_score_finding *f;
        if (c->metric != LNT_METRIC_FINDING || rnd(8) == 0)
            continue;
        f = &v->findings[nf++];
        snprintf(f->criterion, sizeof f->criterion, "%s", c->id);
        f->met = rnd(6) != 0;
        f->date = in->last_night - (int32_t)rnd(300);
        snprintf(f->assessor, sizeof f->assessor, "A. Assessor");
    }
    in->findings = v->findings;
    in->n_findings = nf;
    in->prev.known = rnd(2);
    in->prev.band = (enum lnt_band)(1 + rnd(3));
    in->prev.total_milli = rnd(40000);
    in->prev2_band = (enum lnt_band)rnd(4);
}

static char *score_json(const struct lnt_score_input *in, struct lnt_score_result *res)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_buf b;
    lnt_buf_init(&b, 1 << 22);
    if (lnt_score_venue(&rules, in, res, err) != LNT_OK)
        fail_msg("score: %s", err);
    if (lnt_score_to_json(res, &b, err) != LNT_OK)
        fail_msg("json: %s", err);
    return lnt_buf_detach(&b, NULL);
}

static int award_rank(const struct lnt_score_result *r)
{
    for (size_t i = 0; i < rules.bbn->n_awards; i++)
        if (strcmp(rules.bbn->awards[i].name, r->bbn.award) == 0)
            return rules.bbn->awards[i].rank;
    return 0;
}

/* ---- joining is never punished ---- */

/*
 * A venue that joined on night J: whatever stands in the rows before J (none,
 * silent rows, or rows full of evidence) the score is the same, byte for
 * byte; and one with fewer than min_window_nights since J is never banded,
 * never Red, never flagged for review, and carries no data-gap points.
 */
static void test_score_fair__joining_never_punished(void **state)
{
    static struct town_venue v, w;
    (void)state;
    rng_state = 0x5eed0001ULL;
    for (int round = 0; round < 300; round++) {
        struct lnt_score_result a, b;
        char *ja, *jb;
        int32_t joined;
        int k;

        town_venue(&v);
        joined = v.in.first_night + (int32_t)rnd(SPAN + 1);
        v.in.venue.joined = joined;
        k = (int)(joined - v.in.first_night); /* rows before joining */
        /* nothing happened before the venue existed: no reports, no rows */
        w = v;
        w.in.nights = w.nights;
        w.in.incidents = w.incidents;
        w.in.findings = w.findings;
        w.in.n_incidents = 0;
        for (size_t i = 0; i < v.in.n_incidents; i++)
            if (lnt_night_of(v.incidents[i].occurred_at) >= joined)
                w.incidents[w.in.n_incidents++] = v.incidents[i];
        for (int i = 0; i < k; i++) {
            memset(&w.nights[i], 0, sizeof w.nights[i]);
            w.nights[i].night = v.in.first_night + i;
            w.nights[i].cup_level = -1;
        }
        memcpy(&v, &w, sizeof v);
        v.in.nights = v.nights;
        v.in.incidents = v.incidents;
        v.in.findings = v.findings;
        ja = score_json(&v.in, &a);

        /* the same with no rows at all before joining */
        w.in.nights = w.nights + k;
        w.in.n_nights = (size_t)(SPAN - k);
        jb = score_json(&w.in, &b);
        if (strcmp(ja, jb) != 0)
            fail_msg("round %d: empty rows before joining changed the score:\n%s\n%s", round, ja,
                     jb);
        free(jb);
        lnt_score_result_release(&b);

        /* the same with rows before joining that hold evidence */
        for (int i = 0; i < k; i++)
            seen_night(&w.nights[i]);
        w.in.nights = w.nights;
        w.in.n_nights = SPAN;
        jb = score_json(&w.in, &b);
        if (strcmp(ja, jb) != 0)
            fail_msg("round %d: rows before joining changed the score", round);

        assert_int_equal(a.risk.window_nights, (int)(v.in.last_night - joined + 1));
        if (a.risk.window_nights < rules.risk->min_window_nights) {
            assert_false(a.risk.scored);
            assert_int_equal(a.risk.band, LNT_BAND_NONE);
            assert_false(a.risk.review);
            assert_non_null(strstr(a.risk.scored_note, "not yet scored"));
            for (size_t i = 0; i < a.risk.n_parts; i++)
                if (a.risk.parts[i].kind == LNT_PART_DATA ||
                    (a.risk.parts[i].kind == LNT_PART_GAP &&
                     strstr(a.risk.parts[i].cause, "not evidenced") != NULL))
                    fail_msg("round %d: a data gap before the venue has its window: %s", round,
                             a.risk.parts[i].cause);
        } else {
            assert_true(a.risk.scored);
            assert_int_not_equal(a.risk.band, LNT_BAND_NONE);
        }
        assert_true(a.risk.silent_nights <= a.risk.trading_nights);
        free(ja);
        free(jb);
        lnt_score_result_release(&a);
        lnt_score_result_release(&b);
    }
}

/* ---- silence is never compliance ---- */

static int status_rank(enum lnt_bbn_status s)
{
    return s == LNT_BBN_MET ? 1 : 0;
}

/*
 * Turning a night the kiosk saw, on which everything was compliant, into a
 * silent one never turns a criterion to met, never gains an award or
 * accreditation, never lowers the points or betters the band; the silence is
 * flagged. And silencing any night at all never makes a criterion met that
 * was not evidenced, nor met a criterion measured per night (E1, E4).
 */
static void test_score_fair__silence_never_met(void **state)
{
    static struct town_venue v;
    (void)state;
    rng_state = 0x5eed0002ULL;
    for (int round = 0; round < 400; round++) {
        struct lnt_score_result seen, silent;
        struct lnt_score_night *r;
        bool compliant = round % 2 == 0;
        int night = -1;
        char *a, *b;

        town_venue(&v);
        /* a seen trading night in the venue's window with no report on it */
        for (int tries = 0; tries < 200 && night < 0; tries++) {
            int i = (int)rnd(SPAN);
            if (v.nights[i].contacts > 0 && v.nights[i].incidents == 0 &&
                lnt_trading_is_night(&v.in.venue.trading, v.nights[i].night) &&
                v.nights[i].night >= v.in.venue.joined)
                night = i;
        }
        if (night < 0)
            continue;
        r = &v.nights[night];
        if (compliant) {
            r->door_shifts_sia_ok = r->door_shifts;
            r->door_shifts_vuln = r->door_shifts;
            r->staff_shifts_bystander = r->staff_shifts;
            r->shifts_open = 0;
            r->angela_on_shift = 1;
            r->cup_level = 400;
        }
        a = score_json(&v.in, &seen);
        memset(r, 0, sizeof *r);
        r->night = v.in.first_night + night;
        r->cup_level = -1;
        b = score_json(&v.in, &silent);

        assert_true(silent.risk.silence);
        assert_int_equal(silent.risk.silent_nights, seen.risk.silent_nights + 1);
        for (size_t i = 0; i < seen.bbn.n_lines; i++) {
            const struct lnt_bbn_line *x = &seen.bbn.lines[i], *y = &silent.bbn.lines[i];
            bool per_night =
                x->metric == LNT_METRIC_ANGELA_NIGHTS || x->metric == LNT_METRIC_CUP_NIGHTS;
            if (y->status != LNT_BBN_MET || x->status == LNT_BBN_MET)
                continue;
            if (compliant || per_night || x->status == LNT_BBN_NOT_EVIDENCED)
                fail_msg("round %d: silencing %s night %d turned %s from %s to met (%s)", round,
                         compliant ? "a compliant" : "a", night, x->id,
                         lnt_bbn_status_name(x->status), y->note);
        }
        if (compliant) {
            for (size_t i = 0; i < seen.bbn.n_lines; i++)
                assert_true(status_rank(silent.bbn.lines[i].status) <=
                            status_rank(seen.bbn.lines[i].status));
            if (silent.risk.total_milli < seen.risk.total_milli ||
                silent.risk.band < seen.risk.band)
                fail_msg("round %d: silence lowered the points or bettered the band: %s %lld -> "
                         "%s %lld",
                         round, lnt_band_name(seen.risk.band), (long long)seen.risk.total_milli,
                         lnt_band_name(silent.risk.band), (long long)silent.risk.total_milli);
            assert_true(award_rank(&silent) <= award_rank(&seen));
            assert_true(silent.bbn.accredited <= seen.bbn.accredited);
        }
        free(a);
        free(b);
        lnt_score_result_release(&seen);
        lnt_score_result_release(&silent);
    }
}

/* ---- avoiding assessment never pays ---- */

/*
 * Replacing an Essential finding of "not met" by no finding at all (the
 * assessor kept away) never lowers the points or betters the band.
 */
static void test_score_fair__avoiding_assessment_never_pays(void **state)
{
    static struct town_venue v;
    (void)state;
    rng_state = 0x5eed0003ULL;
    for (int round = 0; round < 300; round++) {
        struct lnt_score_result found, avoided;
        struct lnt_score_finding *f = NULL;
        char *a, *b;

        town_venue(&v);
        for (size_t i = 0; i < v.in.n_findings && f == NULL; i++) {
            const struct lnt_bbn_criterion *c =
                lnt_bbn_catalogue_find(rules.bbn, v.findings[i].criterion);
            if (c->tier == LNT_TIER_ESSENTIAL)
                f = &v.findings[i];
        }
        if (f == NULL)
            continue;
        f->met = false;
        a = score_json(&v.in, &found);
        *f = v.findings[--v.in.n_findings]; /* the finding is gone */
        b = score_json(&v.in, &avoided);
        if (avoided.risk.total_milli < found.risk.total_milli ||
            avoided.risk.band < found.risk.band)
            fail_msg("round %d: avoiding the assessor paid: %s %lld -> %s %lld", round,
                     lnt_band_name(found.risk.band), (long long)found.risk.total_milli,
                     lnt_band_name(avoided.risk.band), (long long)avoided.risk.total_milli);
        free(a);
        free(b);
        lnt_score_result_release(&found);
        lnt_score_result_release(&avoided);
    }
}

/* The shipped weights with `key = value` in place of the line `key = ...` after `[section]`. */
static char *weights_with(const char *section, const char *key, const char *value)
{
    char *text = NULL, *out, *at, *eol;
    size_t len = 0, klen = strlen(key), head, line;
    char err[LNT_ERRBUF_SIZE] = "", sect[64];

    if (lnt_ini_read(lnt_test_src("assets/risk/weights.ini"), &text, &len, err) != LNT_OK)
        fail_msg("%s", err);
    snprintf(sect, sizeof sect, "[%s]", section);
    at = strstr(text, sect);
    assert_non_null(at);
    while (at != NULL && (at[-1] != '\n' || strncmp(at + klen, " =", 2) != 0))
        at = strstr(at + 1, key);
    assert_non_null(at);
    eol = strchr(at, '\n');
    assert_non_null(eol);
    out = calloc(1, len + 256);
    assert_non_null(out);
    head = (size_t)(at - text);
    memcpy(out, text, head);
    line = (size_t)snprintf(out + head, 256, "%s = %s", key, value);
    memcpy(out + head + line, eol, strlen(eol) + 1);
    free(text);
    return out;
}

static void expect_weights_error(const char *section, const char *key, const char *value,
                                 const char *want)
{
    struct lnt_risk_weights *w = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    char *text = weights_with(section, key, value);

    assert_int_equal(lnt_risk_weights_parse("w.ini", text, strlen(text), &w, err), LNT_ERR_INVALID);
    assert_null(w);
    if (strstr(err, want) == NULL)
        fail_msg("%s = %s: expected an error with `%s`, got `%s`", key, value, want, err);
    free(text);
}

static void test_score_fair__weights_that_reward_avoidance_are_refused(void **state)
{
    (void)state;
    expect_weights_error("gaps", "essential_not_evidenced", "1",
                         "[gaps] essential_not_evidenced (1.000) is below essential_unmet (3.000): "
                         "a venue would gain by avoiding assessment");
    expect_weights_error("caps", "essential_not_evidenced", "none",
                         "[caps] essential_not_evidenced (none) is milder than essential_unmet "
                         "(amber)");
    expect_weights_error("rules", "min_window_nights", "91",
                         "min_window_nights (91) is over window_days (90)");
    expect_weights_error("rules", "min_window_nights", "x", "[rules] min_window_nights: `x`");
}

/* ---- the award ladder ---- */

/* The shipped catalogue with its [award] sections replaced by `ladder`. */
static char *catalogue_with(const char *ladder)
{
    char *text = NULL, *out, *from, *to;
    size_t len = 0;
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_ini_read(lnt_test_src("assets/bbn/criteria.ini"), &text, &len, err) != LNT_OK)
        fail_msg("%s", err);
    from = strstr(text, "[award Bronze]");
    to = strstr(text, "; ---- A:");
    assert_non_null(from);
    assert_non_null(to);
    out = calloc(1, len + strlen(ladder) + 1);
    assert_non_null(out);
    memcpy(out, text, (size_t)(from - text));
    memcpy(out + (from - text), ladder, strlen(ladder));
    memcpy(out + (from - text) + strlen(ladder), to, strlen(to));
    free(text);
    return out;
}

/*
 * "Essentials plus 50% of all other marks for Silver, 77% for Gold", on the
 * golden award town: 16 Desired and 6 Bonus apply to each pub, 22 marks.
 */
static void test_score_fair__award_ladder_essentials_plus_a_share(void **state)
{
    static const char ladder[] = "[award Bronze]\nrank = 1\n\n"
                                 "[award Silver]\nrank = 2\nother_pct = 50\n\n"
                                 "[award Gold]\nrank = 3\nother_pct = 77\n\n";
    /* venue: Desired met + Bonus met of 22 -> award */
    static const struct {
        int64_t venue;
        const char *award;
    } want[] = {
        {1, "Silver"}, /* 12 + 1 = 13/22 = 59% */
        {2, "Silver"}, /* 12 + 0 = 12/22 = 54.5% */
        {4, "Bronze"}, /* 8 + 0 = 8/22 = 36% */
        {6, "Gold"},   /* 16 + 1 = 17/22: 1700 >= 77 x 22 = 1694 */
        {7, ""},       /* not accredited */
    };
    struct lnt_score_rules ladder_rules = {NULL, rules.risk};
    struct lnt_score_scenario *s = NULL;
    char err[LNT_ERRBUF_SIZE] = "", path[600];
    char *text = catalogue_with(ladder);
    (void)state;

    if (lnt_bbn_catalogue_parse("ladder.ini", text, strlen(text), &ladder_rules.bbn, err) != LNT_OK)
        fail_msg("%s", err);
    assert_int_equal(ladder_rules.bbn->n_awards, 3);
    assert_int_equal(ladder_rules.bbn->awards[2].other_pct, 77);
    snprintf(path, sizeof path, "%s/awards.ini", lnt_test_src("tests/data/scoring"));
    if (lnt_score_scenario_load(path, &ladder_rules, &s, err) != LNT_OK)
        fail_msg("%s", err);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        struct lnt_score_result res;
        if (lnt_score_venue(&ladder_rules, &lnt_score_scenario_venue(s, want[i].venue)->in, &res,
                            err) != LNT_OK)
            fail_msg("%s", err);
        if (strcmp(res.bbn.award, want[i].award) != 0)
            fail_msg("venue %lld: expected award `%s`, got `%s` (%d/%d Desired, %d/%d Bonus)",
                     (long long)want[i].venue, want[i].award, res.bbn.award, res.bbn.desired_met,
                     res.bbn.desired_total, res.bbn.bonus_met, res.bbn.bonus_total);
        lnt_score_result_release(&res);
    }
    lnt_score_scenario_free(s);
    lnt_bbn_catalogue_free(ladder_rules.bbn);
    free(text);
}

static void expect_ladder_error(const char *ladder, const char *want)
{
    struct lnt_bbn_catalogue *c = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    char *text = catalogue_with(ladder);

    assert_int_equal(lnt_bbn_catalogue_parse("c.ini", text, strlen(text), &c, err),
                     LNT_ERR_INVALID);
    assert_null(c);
    if (strstr(err, want) == NULL)
        fail_msg("expected an error with `%s`, got `%s`", want, err);
    free(text);
}

static void test_score_fair__award_ladder_errors_are_named(void **state)
{
    (void)state;
    expect_ladder_error("[award Gold]\nrank = 3\nother_pct = 101\n\n",
                        "other_pct: `101`: expected a whole number 0..100");
    expect_ladder_error("[award Gold]\nrank = 3\nshare = 80\n\n",
                        "unknown key `share` in an award: expected rank, desired_pct, bonus_min "
                        "or other_pct");
    expect_ladder_error("[award Silver]\nrank = 2\nother_pct = 80\n\n"
                        "[award Gold]\nrank = 3\nother_pct = 80\n\n",
                        "[award Gold] (rank 3) asks for no more than [award Silver] (rank 2)");
    expect_ladder_error("[award Silver]\nrank = 2\ndesired_pct = 50\n\n"
                        "[award Gold]\nrank = 3\nother_pct = 0\n\n",
                        "[award Gold] (rank 3) asks for no more than [award Silver]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_fair__joining_never_punished),
        cmocka_unit_test(test_score_fair__silence_never_met),
        cmocka_unit_test(test_score_fair__avoiding_assessment_never_pays),
        cmocka_unit_test(test_score_fair__weights_that_reward_avoidance_are_refused),
        cmocka_unit_test(test_score_fair__award_ladder_essentials_plus_a_share),
        cmocka_unit_test(test_score_fair__award_ladder_errors_are_named),
    };
    return cmocka_run_group_tests(tests, setup_rules, teardown_rules);
}
