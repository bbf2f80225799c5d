/* test_score_reporting.c - reporting never hurts: late reports, A6 as a pattern, the serious
 * floor by age and handling, its wording, and the invariant over generated towns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "ltime.h"
#include "score.h"
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

/* ---- a town: venues with a kiosk heard every trading night and every finding met ---- */

#define SPAN 90
#define MAX_INCIDENTS 48

struct town_venue {
    struct lnt_score_input in;
    struct lnt_score_night nights[SPAN];
    struct lnt_score_incident incidents[MAX_INCIDENTS];
    struct lnt_score_finding findings[LNT_SCORE_CRITERIA_MAX];
};

/* 2026-03-02 12:00 UTC: the window is 2025-12-02 .. 2026-03-01, all GMT */
static int64_t at_noon(void)
{
    return (int64_t)lnt_days_from_civil(2026, 3, 2) * 86400 + 43200;
}

/* The rollup the store keeps for one report (its own 60-minute flag included). */
static void fold(struct lnt_score_night *r, const struct lnt_score_incident *x, int sign)
{
    r->incidents += sign;
    r->incidents_recorded_1h += sign * (x->record_delay >= 0 && x->record_delay <= 3600);
    if (strcmp(x->kind, "spiking") == 0) {
        r->spiking_reports += sign;
        r->spiking_complete += sign * x->complete;
    }
    r->angela_requests += sign * (strcmp(x->kind, "angela") == 0);
}

static void venue_init(struct town_venue *v, int64_t id, const char *category, int32_t capacity)
{
    struct lnt_score_input *in = &v->in;
    size_t nf = 0;

    memset(v, 0, sizeof *v);
    in->venue.id = id;
    snprintf(in->venue.name, sizeof in->venue.name, "Venue %lld", (long long)id);
    snprintf(in->venue.category, sizeof in->venue.category, "%s", category);
    in->venue.capacity = capacity;
    for (int d = 0; d < 7; d++)
        in->venue.trading.open[d] = true;
    in->at = at_noon();
    lnt_score_window(in->at, SPAN, &in->first_night, &in->last_night);
    for (int i = 0; i < SPAN; i++) {
        struct lnt_score_night *r = &v->nights[i];
        r->night = in->first_night + i;
        r->contacts = 6;
        r->door_shifts = r->door_shifts_sia_ok = r->door_shifts_vuln = 2;
        r->staff_shifts = r->staff_shifts_bystander = 8;
        r->angela_on_shift = 1;
        r->cup_level = 500;
        r->cup_threshold = 100;
    }
    in->nights = v->nights;
    in->n_nights = SPAN;
    in->incidents = v->incidents;
    for (size_t i = 0; i < rules.bbn->n_criteria; i++) {
        const struct lnt_bbn_criterion *c = &rules.bbn->criteria[i];
        struct lnt_score_finding *f;
        if (c->metric != LNT_METRIC_FINDING)
            continue;
        f = &v->findings[nf++];
        snprintf(f->criterion, sizeof f->criterion, "%s", c->id);
        f->met = true;
        f->date = in->last_night - 60;
        snprintf(f->assessor, sizeof f->assessor, "P. Naylor");
        snprintf(f->evidence, sizeof f->evidence, "seen");
    }
    in->findings = v->findings;
    in->n_findings = nf;
}

/* Adds a report on the night `age` nights before the window's last, at 23:00. */
static struct lnt_score_incident *venue_report(struct town_venue *v, const char *kind, int severity,
                                               int age, bool complete, bool police, int64_t delay)
{
    struct lnt_score_incident *x;
    int i = SPAN - 1 - age;

    assert_true(v->in.n_incidents < MAX_INCIDENTS);
    x = &v->incidents[v->in.n_incidents];
    memset(x, 0, sizeof *x);
    snprintf(x->id, sizeof x->id, "r%zu", v->in.n_incidents);
    snprintf(x->kind, sizeof x->kind, "%s", kind);
    x->severity = severity;
    x->occurred_at = (int64_t)(v->in.first_night + i) * 86400 + 23 * 3600;
    x->complete = complete;
    x->police_called = police;
    x->record_delay = delay;
    v->in.n_incidents++;
    fold(&v->nights[i], x, 1);
    return x;
}

static void score(const struct lnt_score_rules *r, const struct lnt_score_input *in,
                  struct lnt_score_result *out)
{
    char err[LNT_ERRBUF_SIZE] = "";
    if (lnt_score_venue(r, in, out, err) != LNT_OK)
        fail_msg("score: %s", err);
}

static const struct lnt_bbn_line *line_of(const struct lnt_score_result *r, const char *id)
{
    for (size_t i = 0; i < r->bbn.n_lines; i++)
        if (strcmp(r->bbn.lines[i].id, id) == 0)
            return &r->bbn.lines[i];
    fail_msg("no criterion %s", id);
    return NULL;
}

/* Higher is better: 0 no award, then the ladder's rank. */
static int award_rank(const struct lnt_score_result *r)
{
    for (size_t i = 0; i < rules.bbn->n_awards; i++)
        if (strcmp(rules.bbn->awards[i].name, r->bbn.award) == 0)
            return rules.bbn->awards[i].rank;
    return 0;
}

/* ---- late reports ---- */

static void test_score_reporting__late_report_by_the_book_costs_no_more_than_silence(void **state)
{
    static struct town_venue v;
    struct lnt_score_result silent, late;
    (void)state;

    venue_init(&v, 1, "nightclub", 500);
    score(&rules, &v.in, &silent);
    /* complete, police called, first saved two hours after the incident */
    venue_report(&v, "violence", 3, 0, true, true, 2 * 3600);
    score(&rules, &v.in, &late);
    assert_int_equal(late.risk.n_parts, silent.risk.n_parts + 1);
    assert_int_equal(late.risk.parts[0].points_milli, 0);
    assert_int_equal(late.risk.parts[0].credit_milli, 1000);
    assert_non_null(strstr(late.risk.parts[0].cause, "recorded after 2 h 00 min (late)"));
    assert_int_equal(late.risk.total_milli, silent.risk.total_milli);
    assert_int_equal(late.risk.band, silent.risk.band);
    /* the lateness is a data-quality note, not points */
    assert_int_equal(late.risk.late_reports, 1);
    assert_non_null(strstr(late.risk.late_note, "1 of 1 report first saved more than 60 min"));
    lnt_score_result_release(&silent);
    lnt_score_result_release(&late);
}

static void test_score_reporting__late_report_not_by_the_book_loses_the_timely_share(void **state)
{
    static struct town_venue v;
    struct lnt_score_result res;
    (void)state;

    venue_init(&v, 1, "nightclub", 500);
    /* not complete, police called, saved late: 0.3 of the credit; on time it would be 0.5 */
    venue_report(&v, "violence", 3, 0, false, true, 2 * 3600);
    venue_report(&v, "violence", 3, 0, false, true, 10 * 60);
    score(&rules, &v.in, &res);
    assert_int_equal(res.risk.parts[0].credit_milli, 300);
    assert_int_equal(res.risk.parts[1].credit_milli, 500);
    lnt_score_result_release(&res);
}

static void test_score_reporting__serious_report_by_the_book_saved_late_sets_no_floor(void **state)
{
    static struct town_venue v;
    struct lnt_score_result res;
    (void)state;

    venue_init(&v, 1, "nightclub", 500);
    /* severity 4 spiking, complete, police called, first saved 75 minutes after */
    venue_report(&v, "spiking", 4, 2, true, true, 75 * 60);
    score(&rules, &v.in, &res);
    assert_int_equal(res.risk.cap_band, LNT_BAND_NONE);
    assert_int_equal(res.risk.band, LNT_BAND_GREEN);
    assert_string_equal(res.risk.cap_cause, "");
    lnt_score_result_release(&res);
}

/* ---- A6: a pattern of late recording ---- */

static void test_score_reporting__one_late_report_never_fails_a6_or_costs_the_award(void **state)
{
    static struct town_venue v;
    struct lnt_score_result none, one;
    const struct lnt_bbn_line *a6;
    (void)state;

    venue_init(&v, 1, "nightclub", 500);
    score(&rules, &v.in, &none);
    assert_int_equal(line_of(&none, "A6")->status, LNT_BBN_NOT_APPLICABLE);
    venue_report(&v, "disorder", 2, 5, true, false, 3 * 3600);
    score(&rules, &v.in, &one);
    a6 = line_of(&one, "A6");
    assert_int_equal(a6->status, LNT_BBN_MET);
    assert_int_equal(a6->num, 0);
    assert_int_equal(a6->den, 1);
    assert_non_null(strstr(a6->note, "1 late report is fewer than the 3 that make a pattern"));
    assert_true(award_rank(&one) >= award_rank(&none));
    assert_string_equal(one.bbn.award, none.bbn.award);
    lnt_score_result_release(&none);
    lnt_score_result_release(&one);
}

static void test_score_reporting__a6_fails_on_a_pattern_of_late_recording(void **state)
{
    static struct town_venue v;
    struct lnt_score_result two, three;
    (void)state;

    venue_init(&v, 1, "nightclub", 500);
    for (int i = 0; i < 8; i++)
        venue_report(&v, "disorder", 2, 3 + 7 * i, true, false, 15 * 60);
    venue_report(&v, "disorder", 2, 60, true, false, 2 * 3600);
    venue_report(&v, "disorder", 2, 61, true, false, 2 * 3600);
    /* 8 of 10 in time (80%, below 90%) but only 2 late: no pattern */
    score(&rules, &v.in, &two);
    assert_int_equal(line_of(&two, "A6")->status, LNT_BBN_MET);
    /* a third late report: 8 of 11, 3 late: a pattern */
    venue_report(&v, "disorder", 2, 62, true, false, 2 * 3600);
    score(&rules, &v.in, &three);
    assert_int_equal(line_of(&three, "A6")->status, LNT_BBN_NOT_MET);
    assert_int_equal(line_of(&three, "A6")->num, 8);
    assert_int_equal(line_of(&three, "A6")->den, 11);
    /* and the risk points stay what silence would give: every report was by the book */
    assert_int_equal(three.risk.total_milli, 0);
    assert_int_equal(three.risk.late_reports, 3);
    lnt_score_result_release(&two);
    lnt_score_result_release(&three);
}

/* The weights file with `from` replaced by `to`, loaded as rules with the shipped catalogue. */
static void rules_with(const char *from, const char *to, struct lnt_score_rules *out)
{
    char err[LNT_ERRBUF_SIZE] = "";
    char *text = lnt_test_read_file(lnt_test_src("assets/risk/weights.ini"));
    char *hit, *edited;
    size_t n;

    assert_non_null(text);
    hit = strstr(text, from);
    assert_non_null(hit);
    n = strlen(text) - strlen(from) + strlen(to) + 1;
    edited = malloc(n);
    assert_non_null(edited);
    snprintf(edited, n, "%.*s%s%s", (int)(hit - text), text, to, hit + strlen(from));
    out->bbn = rules.bbn;
    if (lnt_risk_weights_parse("weights.ini", edited, strlen(edited), &out->risk, err) != LNT_OK)
        fail_msg("weights: %s", err);
    free(edited);
    free(text);
}

static void test_score_reporting__a6_reads_the_configured_timely_minutes(void **state)
{
    static struct town_venue v;
    struct lnt_score_rules half_hour;
    struct lnt_score_result res;
    (void)state;

    rules_with("timely_minutes = 60", "timely_minutes = 30", &half_hour);
    venue_init(&v, 1, "nightclub", 500);
    /* ten reports each saved 45 minutes after: in time for an hour, late for half an hour */
    for (int i = 0; i < 10; i++)
        venue_report(&v, "disorder", 2, 2 + 5 * i, false, false, 45 * 60);
    score(&rules, &v.in, &res);
    assert_int_equal(line_of(&res, "A6")->status, LNT_BBN_MET);
    assert_int_equal(line_of(&res, "A6")->num, 10);
    assert_int_equal(res.risk.parts[0].credit_milli, 500); /* timely 0.2 + police 0.3 */
    lnt_score_result_release(&res);
    score(&half_hour, &v.in, &res);
    assert_int_equal(line_of(&res, "A6")->status, LNT_BBN_NOT_MET);
    assert_int_equal(line_of(&res, "A6")->num, 0);
    assert_int_equal(res.risk.parts[0].credit_milli, 300);
    assert_int_equal(res.risk.late_reports, 10);
    lnt_score_result_release(&res);
    free(half_hour.risk);
}

/* ---- the serious-incident floor ---- */

static void test_score_reporting__serious_floor_lasts_by_handling_and_age(void **state)
{
    static const struct {
        int age;
        bool complete, police;
        int64_t delay;
        enum lnt_band floor;
    } cases[] = {
        {0, false, false, 7200, LNT_BAND_AMBER},  /* none of the book: 30 nights */
        {29, false, false, 7200, LNT_BAND_AMBER}, /* still recent */
        {30, false, false, 7200, LNT_BAND_NONE},  /* no longer */
        {89, false, false, 7200, LNT_BAND_NONE},  /* nor at the window's edge */
        {23, false, false, 600, LNT_BAND_AMBER},  /* saved in time only: 0.8 missed, 24 nights */
        {24, false, false, 600, LNT_BAND_NONE},
        {8, true, false, 600, LNT_BAND_AMBER}, /* complete and timely, no police: 0.3, 9 nights */
        {9, true, false, 600, LNT_BAND_NONE},
        {14, false, true, 600, LNT_BAND_AMBER}, /* police called and timely: half, 15 nights */
        {15, false, true, 600, LNT_BAND_NONE},
        {0, true, true, 7200, LNT_BAND_NONE}, /* by the book, saved late */
    };
    (void)state;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        static struct town_venue v;
        struct lnt_score_result res;
        venue_init(&v, 1, "nightclub", 2000);
        venue_report(&v, "weapons", 5, cases[i].age, cases[i].complete, cases[i].police,
                     cases[i].delay);
        score(&rules, &v.in, &res);
        if (res.risk.cap_band != cases[i].floor)
            fail_msg("case %zu (age %d): floor %s, expected %s (%s)", i, cases[i].age,
                     lnt_band_name(res.risk.cap_band), lnt_band_name(cases[i].floor),
                     res.risk.cap_cause);
        if (cases[i].floor != LNT_BAND_NONE)
            assert_non_null(strstr(res.risk.cap_cause, "not handled by the book"));
        lnt_score_result_release(&res);
    }
}

static void test_score_reporting__serious_floor_nights_are_configurable(void **state)
{
    static struct town_venue v;
    struct lnt_score_rules longer;
    struct lnt_score_result res;
    (void)state;

    rules_with("serious_nights = 30", "serious_nights = 90", &longer);
    venue_init(&v, 1, "nightclub", 2000);
    venue_report(&v, "weapons", 5, 60, false, false, 7200);
    score(&rules, &v.in, &res);
    assert_int_equal(res.risk.cap_band, LNT_BAND_NONE);
    lnt_score_result_release(&res);
    score(&longer, &v.in, &res);
    assert_int_equal(res.risk.cap_band, LNT_BAND_AMBER);
    assert_non_null(strstr(res.risk.cap_cause, "(a floor for 90 nights)"));
    lnt_score_result_release(&res);
    free(longer.risk);
}

static void test_score_reporting__floor_reads_at_least_with_the_band_from_points(void **state)
{
    static struct town_venue v;
    struct lnt_score_result res;
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_buf b;
    json_error_t jerr;
    json_t *j, *risk;
    (void)state;

    venue_init(&v, 1, "nightclub", 2000);
    venue_report(&v, "weapons", 5, 1, false, false, 600);
    score(&rules, &v.in, &res);
    assert_int_equal(res.risk.points_band, LNT_BAND_GREEN);
    assert_int_equal(res.risk.band, LNT_BAND_AMBER);

    lnt_buf_init(&b, 1 << 20);
    assert_int_equal(lnt_score_to_text(&res, &b, err), LNT_OK);
    assert_non_null(strstr(b.data, "(band from points: green)"));
    assert_non_null(strstr(b.data, "at least amber because incident r0 (weapons, severity 5) not "
                                   "handled by the book"));
    assert_null(strstr(b.data, "capped"));
    lnt_buf_release(&b);

    lnt_buf_init(&b, 1 << 20);
    assert_int_equal(lnt_score_to_json(&res, &b, err), LNT_OK);
    j = json_loads(b.data, 0, &jerr);
    assert_non_null(j);
    risk = json_object_get(j, "risk");
    assert_string_equal(json_string_value(json_object_get(risk, "band")), "amber");
    assert_string_equal(json_string_value(json_object_get(risk, "band_from_points")), "green");
    assert_string_equal(json_string_value(json_object_get(risk, "floor")), "amber");
    assert_non_null(strstr(json_string_value(json_object_get(risk, "floor_reason")),
                           "incident r0 (weapons, severity 5) not handled by the book"));
    json_decref(j);
    lnt_buf_release(&b);
    lnt_score_result_release(&res);

    /* no floor: null, and an empty reason */
    venue_init(&v, 1, "nightclub", 2000);
    score(&rules, &v.in, &res);
    lnt_buf_init(&b, 1 << 20);
    assert_int_equal(lnt_score_to_json(&res, &b, err), LNT_OK);
    j = json_loads(b.data, 0, &jerr);
    assert_non_null(j);
    risk = json_object_get(j, "risk");
    assert_true(json_is_null(json_object_get(risk, "floor")));
    assert_string_equal(json_string_value(json_object_get(risk, "floor_reason")), "");
    json_decref(j);
    lnt_buf_release(&b);
    lnt_score_result_release(&res);
}

/* ---- the invariant over generated towns ---- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return n ? (uint32_t)(rng_state % n) : 0;
}

static const char *const kinds[] = {"violence", "violence_injury", "weapons",  "sexual",
                                    "spiking",  "drugs",           "disorder", "theft",
                                    "angela",   "medical",         "ejection", "graffiti"};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

static bool police_required(const char *kind)
{
    for (size_t i = 0; i < rules.risk->n_kinds; i++)
        if (strcmp(rules.risk->kinds[i].name, kind) == 0)
            return rules.risk->kinds[i].police_required;
    return false;
}

/* A venue of a generated town: some silent nights, some unmet findings, 0..40 reports. */
static void town_venue(struct town_venue *v, int64_t id)
{
    static const char *const cats[] = {"pub", "bar", "nightclub"};
    size_t n;

    venue_init(v, id, cats[rnd(3)], 50 + (int32_t)rnd(1500));
    for (int d = 0; d < 7; d++)
        v->in.venue.trading.open[d] = rnd(4) != 0;
    for (int i = 0; i < SPAN; i++)
        if (rnd(12) == 0)
            v->nights[i].contacts = 0;
    for (size_t i = 0; i < v->in.n_findings; i++)
        v->findings[i].met = rnd(20) != 0;
    n = rnd(41);
    for (size_t i = 0; i < n; i++) {
        const char *kind = kinds[rnd(N_KINDS)];
        bool book = rnd(2) == 0;
        int64_t delay = rnd(3) ? (int64_t)rnd(3600) : 3600 + (int64_t)rnd(48 * 3600);
        venue_report(v, kind, 1 + (int)rnd(5), (int)rnd(SPAN), book || rnd(2), book || rnd(2),
                     delay);
    }
}

/* Removes report `i` (and what it added to its night's rollup). */
static void venue_remove(struct town_venue *v, size_t i)
{
    struct lnt_score_incident *x = &v->incidents[i];
    fold(&v->nights[lnt_night_of(x->occurred_at) - v->in.first_night], x, -1);
    memmove(x, x + 1, (v->in.n_incidents - i - 1) * sizeof *x);
    v->in.n_incidents--;
}

/*
 * `with` (the report kept) is no worse than `without` (never reported): points, band from
 * points, floor, band, review, low reporting, accreditation, award. The one allowance is A6:
 * a late report may complete a pattern of late recording (min_failures late reports), which is
 * the venue's recording practice, not this report.
 */
static void no_worse(const struct lnt_score_result *with, const struct lnt_score_result *without,
                     bool late, uint64_t seed, const char *what)
{
    const struct lnt_bbn_line *a6 = line_of(with, "A6");
    bool pattern =
        late && a6->status == LNT_BBN_NOT_MET && line_of(without, "A6")->status != LNT_BBN_NOT_MET;

    if (with->risk.total_milli > without->risk.total_milli ||
        with->risk.points_band > without->risk.points_band ||
        with->risk.cap_band > without->risk.cap_band || with->risk.band > without->risk.band ||
        (with->risk.review && !without->risk.review) ||
        (with->risk.low_reporting && !without->risk.low_reporting))
        fail_msg("seed %llx venue %lld: %s costs risk: %lld/%s/%s vs %lld/%s/%s",
                 (unsigned long long)seed, (long long)with->venue_id, what,
                 (long long)with->risk.total_milli, lnt_band_name(with->risk.band),
                 lnt_band_name(with->risk.cap_band), (long long)without->risk.total_milli,
                 lnt_band_name(without->risk.band), lnt_band_name(without->risk.cap_band));
    if (pattern) {
        /* only a pattern may fail A6: at least min_failures late */
        assert_true(a6->den - a6->num >= lnt_bbn_catalogue_find(rules.bbn, "A6")->min_failures);
        return;
    }
    if ((without->bbn.accredited && !with->bbn.accredited) ||
        award_rank(with) < award_rank(without) || with->bbn.desired_met < without->bbn.desired_met)
        fail_msg("seed %llx venue %lld: %s costs the award: %s vs %s", (unsigned long long)seed,
                 (long long)with->venue_id, what, with->bbn.award, without->bbn.award);
}

static void test_score_reporting__reporting_never_hurts_over_generated_towns(void **state)
{
    static struct town_venue v, w;
    int checked = 0, late_checked = 0, patterns = 0;
    (void)state;

    for (uint64_t seed = 1; seed <= 40; seed++) {
        rng_state = seed * 0x9e3779b97f4a7c15ULL;
        for (int64_t id = 1; id <= 8; id++) {
            struct lnt_score_result with;
            town_venue(&v, id);
            score(&rules, &v.in, &with);
            for (size_t i = 0; i < v.in.n_incidents; i++) {
                const struct lnt_score_incident *x = &v.incidents[i];
                struct lnt_score_result without, later;
                bool late = x->record_delay > rules.risk->timely_seconds;
                if (!x->complete || (police_required(x->kind) && !x->police_called))
                    continue;
                /* the same town, the report never made */
                w = v;
                w.in.nights = w.nights;
                w.in.incidents = w.incidents;
                w.in.findings = w.findings;
                venue_remove(&w, i);
                score(&rules, &w.in, &without);
                no_worse(&with, &without, late, seed, "keeping the report");
                patterns += late && line_of(&with, "A6")->status == LNT_BBN_NOT_MET &&
                            line_of(&without, "A6")->status != LNT_BBN_NOT_MET;
                /* the same report, first saved a day late, against never making it */
                w = v;
                w.in.nights = w.nights;
                w.in.incidents = w.incidents;
                w.in.findings = w.findings;
                w.incidents[i].record_delay = 26 * 3600;
                score(&rules, &w.in, &later);
                no_worse(&later, &without, true, seed, "saving the report a day late");
                checked++;
                late_checked += late;
                lnt_score_result_release(&without);
                lnt_score_result_release(&later);
            }
            lnt_score_result_release(&with);
        }
    }
    /* the towns exercised the rule: reports by the book, on time and late */
    assert_true(checked > 500);
    assert_true(late_checked > 100);
    (void)patterns;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_reporting__late_report_by_the_book_costs_no_more_than_silence),
        cmocka_unit_test(test_score_reporting__late_report_not_by_the_book_loses_the_timely_share),
        cmocka_unit_test(test_score_reporting__serious_report_by_the_book_saved_late_sets_no_floor),
        cmocka_unit_test(test_score_reporting__one_late_report_never_fails_a6_or_costs_the_award),
        cmocka_unit_test(test_score_reporting__a6_fails_on_a_pattern_of_late_recording),
        cmocka_unit_test(test_score_reporting__a6_reads_the_configured_timely_minutes),
        cmocka_unit_test(test_score_reporting__serious_floor_lasts_by_handling_and_age),
        cmocka_unit_test(test_score_reporting__serious_floor_nights_are_configurable),
        cmocka_unit_test(test_score_reporting__floor_reads_at_least_with_the_band_from_points),
        cmocka_unit_test(test_score_reporting__reporting_never_hurts_over_generated_towns),
    };
    return cmocka_run_group_tests(tests, setup_rules, teardown_rules);
}
