/* test_score.c - BBN and risk scoring: the shipped rules, golden towns, properties, failure paths.
 */
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
#include "inifile.h"
#include "score_report.h"
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

/* ---- the shipped catalogue and weights ---- */

static void test_score__catalogue_covers_sections_and_kiosk_metrics(void **state)
{
    const struct lnt_bbn_catalogue *c = rules.bbn;
    int sections[6] = {0}, tiers[4] = {0};
    bool metric_seen[LNT_METRIC__COUNT] = {false};
    (void)state;

    assert_true(c->n_criteria >= 30);
    for (size_t i = 0; i < c->n_criteria; i++) {
        const struct lnt_bbn_criterion *cr = &c->criteria[i];
        sections[cr->section - 'A']++;
        tiers[cr->tier]++;
        if (cr->metric != LNT_METRIC_FINDING) {
            /* every kiosk metric sits among the Essentials and Desireds */
            assert_true(cr->tier == LNT_TIER_ESSENTIAL || cr->tier == LNT_TIER_DESIRED);
            metric_seen[cr->metric] = true;
        } else {
            assert_int_equal(cr->valid_months, 12);
        }
    }
    for (int s = 0; s < 6; s++)
        assert_true(sections[s] > 0);
    assert_true(tiers[LNT_TIER_ESSENTIAL] > 0 && tiers[LNT_TIER_DESIRED] > 0 &&
                tiers[LNT_TIER_BONUS] > 0);
    for (int m = 1; m < LNT_METRIC__COUNT; m++)
        assert_true(metric_seen[m]);
    assert_int_equal(c->n_awards, 3);
    assert_string_equal(c->awards[0].name, "Bronze");
    assert_string_equal(c->awards[2].name, "Gold");
    assert_int_equal(c->awards[2].desired_pct, 75);
    assert_int_equal(c->awards[2].bonus_min, 1);
    assert_string_equal(c->version, "bbn-default-2026.2");
    assert_string_equal(rules.risk->version, "risk-default-2026.2");
    assert_int_equal(rules.risk->decay_ppm[30], 500000);
}

/* Writes `text` to dir/name; returns the path (caller frees). */
static char *write_file(const char *dir, const char *name, const char *text)
{
    char *path = lnt_test_path(dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void expect_catalogue_error(const char *dir, const char *text, enum lnt_err want,
                                   const char *where, const char *what)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_bbn_catalogue *c = (void *)1;
    char *path = write_file(dir, "bad.ini", text);
    assert_int_equal(lnt_bbn_catalogue_load(path, &c, err), want);
    assert_null(c);
    if (strstr(err, where) == NULL || strstr(err, what) == NULL)
        fail_msg("message `%s` lacks `%s` or `%s`", err, where, what);
    free(path);
}

static void test_score__catalogue_errors_name_file_and_line(void **state)
{
    char *dir = lnt_test_tmpdir();
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_bbn_catalogue *c = NULL;
    static const char head[] = "[catalogue]\nversion = t1\n";
    char text[2048];
    (void)state;

    snprintf(text, sizeof text, "%s[criterion A1]\nsection = A\ntier = vital\n", head);
    expect_catalogue_error(dir, text, LNT_ERR_INVALID, "bad.ini:5:", "tier: `vital`");
    snprintf(text, sizeof text, "%s[criterion A1]\nsection = G\n", head);
    expect_catalogue_error(dir, text, LNT_ERR_INVALID, "bad.ini:4:", "section: `G`");
    snprintf(text, sizeof text, "%s[criterion A1]\nsection = A\ncolour = red\n", head);
    expect_catalogue_error(dir, text, LNT_ERR_INVALID, "bad.ini:5:", "unknown key `colour`");
    snprintf(text, sizeof text,
             "%s[criterion A1]\nsection = A\ntier = essential\ntext = x\nsource = door_sia_share\n",
             head);
    expect_catalogue_error(dir, text, LNT_ERR_INVALID, "bad.ini:4:", "threshold: missing");
    snprintf(text, sizeof text,
             "%s[criterion A1]\nsection = A\ntier = essential\ntext = x\n"
             "source = door_sia_share\nthreshold = 101\n",
             head);
    expect_catalogue_error(dir, text, LNT_ERR_INVALID, "bad.ini:8:", "threshold: `101`");
    snprintf(text, sizeof text,
             "%s[criterion A1]\nsection = A\ntier = essential\ntext = x\n"
             "source = finding\n[criterion A2]\nsection = A\n[criterion A1]\nsection = B\n",
             head);
    expect_catalogue_error(dir, text, LNT_ERR_INVALID,
                           "bad.ini:11:", "[criterion A1]: defined twice");
    snprintf(text, sizeof text, "%s[criterion A1]\nsection = A\nsection = B\n", head);
    expect_catalogue_error(dir, text, LNT_ERR_INVALID, "bad.ini:5:", "section: given twice");
    snprintf(text, sizeof text, "%s[criterion A1]\nsection = A\nsource = vibes\n", head);
    expect_catalogue_error(dir, text, LNT_ERR_INVALID, "bad.ini:5:", "source: `vibes`");
    snprintf(text, sizeof text, "%s[criterion A1]\ntext = %0240d\n", head, 0);
    expect_catalogue_error(dir, text, LNT_ERR_INVALID, "bad.ini:4:", "line longer than");
    expect_catalogue_error(dir, "[catalogue]\nname = x\n", LNT_ERR_INVALID, "bad.ini",
                           "version: missing");
    expect_catalogue_error(dir, "[catalogue\nversion = 1\n", LNT_ERR_INVALID,
                           "bad.ini:1:", "expected [section]");
    snprintf(text, sizeof text,
             "%s[award Gold]\nrank = 1\n[award Silver]\nrank = 1\n"
             "[criterion A1]\nsection = A\ntier = bonus\ntext = x\nsource = finding\n",
             head);
    expect_catalogue_error(dir, text, LNT_ERR_INVALID, "bad.ini", "share rank 1");

    /* a missing file is an I/O error naming it */
    char *missing = lnt_test_path(dir, "nope.ini");
    assert_int_equal(lnt_bbn_catalogue_load(missing, &c, err), LNT_ERR_IO);
    assert_non_null(strstr(err, "nope.ini"));
    free(missing);
    lnt_test_rmrf(dir);
    free(dir);
}

static void test_score__weights_errors_are_named(void **state)
{
    char *dir = lnt_test_tmpdir();
    char *src = lnt_test_read_file(lnt_test_src("assets/risk/weights.ini"));
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_risk_weights *w = NULL;
    char *path, *text, *at;
    (void)state;
    assert_non_null(src);

    /* credits that do not sum to 1 would punish reporting: refused */
    text = strdup(src);
    at = strstr(text, "complete = 0.5");
    assert_non_null(at);
    memcpy(at, "complete = 0.4", 14);
    path = write_file(dir, "w.ini", text);
    assert_int_equal(lnt_risk_weights_load(path, &w, err), LNT_ERR_INVALID);
    assert_null(w);
    assert_non_null(strstr(err, "sum to 0.900"));
    free(path);
    free(text);

    /* a bad number names the line */
    text = strdup(src);
    at = strstr(text, "amber = 10");
    assert_non_null(at);
    memcpy(at, "amber = 1x", 10);
    path = write_file(dir, "w.ini", text);
    assert_int_equal(lnt_risk_weights_load(path, &w, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "w.ini:"));
    assert_non_null(strstr(err, "[bands] amber: `1x`"));
    free(path);
    free(text);

    /* a missing key is named */
    path = write_file(dir, "w.ini", "[rules]\nversion = x\n");
    assert_int_equal(lnt_risk_weights_load(path, &w, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "[rules] window_days: missing"));
    free(path);

    free(src);
    lnt_test_rmrf(dir);
    free(dir);
}

/* ---- golden scenarios ---- */

struct expect_ctx {
    struct lnt_score_scenario *s;
    const char *name;
    struct lnt_score_result res;
    int64_t venue; /* scored venue, 0 = none yet */
    int checks;
    int failures;
};

static void mismatch(struct expect_ctx *x, int line, const char *key, const char *want,
                     const char *got)
{
    fprintf(stderr, "%s.expected:%d: venue %lld: %s: expected `%s`, got `%s`\n", x->name, line,
            (long long)x->venue, key, want, got);
    x->failures++;
}

static const char *yes(bool b)
{
    return b ? "yes" : "no";
}

static enum lnt_err expect_entry(void *ctx, const char *section, const char *key, const char *v,
                                 int line, char *err)
{
    struct expect_ctx *x = ctx;
    const struct lnt_score_result *r = &x->res;
    char got[LNT_SCORE_TEXT_MAX];
    int64_t id;

    if (strncmp(section, "venue ", 6) != 0 ||
        lnt_parse_i64(section + 6, 1, INT64_MAX, &id) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "expected [venue N]");
    if (id != x->venue) {
        struct lnt_score_scenario_venue *sv = lnt_score_scenario_venue(x->s, id);
        char e[LNT_ERRBUF_SIZE] = "";
        if (sv == NULL)
            return lnt_fail(err, LNT_ERR_INVALID, "no venue %lld in the scenario", (long long)id);
        lnt_score_result_release(&x->res);
        if (lnt_score_venue(&rules, &sv->in, &x->res, e) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "scoring venue %lld: %s", (long long)id, e);
        x->venue = id;
    }
    x->checks++;
    got[0] = '\0';
    if (strcmp(key, "accredited") == 0)
        snprintf(got, sizeof got, "%s", yes(r->bbn.accredited));
    else if (strcmp(key, "scored") == 0)
        snprintf(got, sizeof got, "%s", yes(r->bbn.scored));
    else if (strcmp(key, "award") == 0)
        snprintf(got, sizeof got, "%s", r->bbn.award[0] ? r->bbn.award : "none");
    else if (strcmp(key, "essential") == 0)
        snprintf(got, sizeof got, "%d/%d", r->bbn.essential_met, r->bbn.essential_total);
    else if (strcmp(key, "desired") == 0)
        snprintf(got, sizeof got, "%d/%d", r->bbn.desired_met, r->bbn.desired_total);
    else if (strcmp(key, "bonus") == 0)
        snprintf(got, sizeof got, "%d/%d", r->bbn.bonus_met, r->bbn.bonus_total);
    else if (strncmp(key, "criterion ", 10) == 0) {
        snprintf(got, sizeof got, "(no such line)");
        for (size_t i = 0; i < r->bbn.n_lines; i++)
            if (strcmp(r->bbn.lines[i].id, key + 10) == 0)
                snprintf(got, sizeof got, "%s", lnt_bbn_status_name(r->bbn.lines[i].status));
    } else if (strcmp(key, "total") == 0)
        lnt_score_milli_format(r->risk.total_milli, got);
    else if (strncmp(key, "part ", 5) == 0) {
        snprintf(got, sizeof got, "(no such part)");
        for (size_t i = 0; i < r->risk.n_parts; i++)
            if (strcmp(r->risk.parts[i].ref, key + 5) == 0)
                lnt_score_milli_format(r->risk.parts[i].points_milli, got);
    } else if (strcmp(key, "parts") == 0)
        snprintf(got, sizeof got, "%zu", r->risk.n_parts);
    else if (strcmp(key, "band") == 0)
        snprintf(got, sizeof got, "%s", lnt_band_name(r->risk.band));
    else if (strcmp(key, "points_band") == 0)
        snprintf(got, sizeof got, "%s", lnt_band_name(r->risk.points_band));
    else if (strcmp(key, "cap") == 0 || strcmp(key, "floor") == 0)
        snprintf(got, sizeof got, "%s", lnt_band_name(r->risk.cap_band));
    else if (strcmp(key, "late_reports") == 0)
        snprintf(got, sizeof got, "%d", r->risk.late_reports);
    else if (strcmp(key, "cap_cause") == 0 || strcmp(key, "floor_reason") == 0) {
        if (strstr(r->risk.cap_cause, v) == NULL) {
            mismatch(x, line, key, v, r->risk.cap_cause);
        }
        return LNT_OK;
    } else if (strcmp(key, "trading_nights") == 0)
        snprintf(got, sizeof got, "%d", r->risk.trading_nights);
    else if (strcmp(key, "silent_nights") == 0)
        snprintf(got, sizeof got, "%d", r->risk.silent_nights);
    else if (strcmp(key, "incidents") == 0)
        snprintf(got, sizeof got, "%d", r->risk.incidents);
    else if (strcmp(key, "exposure") == 0)
        snprintf(got, sizeof got, "%lld", (long long)r->risk.exposure);
    else if (strcmp(key, "trend") == 0)
        snprintf(got, sizeof got, "%s", lnt_trend_name(r->risk.trend));
    else if (strcmp(key, "review") == 0)
        snprintf(got, sizeof got, "%s", yes(r->risk.review));
    else if (strcmp(key, "low_reporting") == 0)
        snprintf(got, sizeof got, "%s", yes(r->risk.low_reporting));
    else if (strcmp(key, "silence") == 0)
        snprintf(got, sizeof got, "%s", yes(r->risk.silence));
    else if (strcmp(key, "risk_scored") == 0)
        snprintf(got, sizeof got, "%s", yes(r->risk.scored));
    else if (strcmp(key, "window_nights") == 0)
        snprintf(got, sizeof got, "%d", r->risk.window_nights);
    else if (strcmp(key, "scored_note") == 0) {
        if (strstr(r->risk.scored_note, v) == NULL)
            mismatch(x, line, key, v, r->risk.scored_note);
        return LNT_OK;
    } else
        return lnt_fail(err, LNT_ERR_INVALID, "unknown expectation `%s`", key);
    if (strcmp(got, v) != 0)
        mismatch(x, line, key, v, got);
    return LNT_OK;
}

static void run_golden(const char *name)
{
    char path[600], epath[600], err[LNT_ERRBUF_SIZE] = "";
    struct expect_ctx x = {.name = name};

    snprintf(path, sizeof path, "%s/%s.ini", lnt_test_src("tests/data/scoring"), name);
    snprintf(epath, sizeof epath, "%s/%s.expected", lnt_test_src("tests/data/scoring"), name);
    if (lnt_score_scenario_load(path, &rules, &x.s, err) != LNT_OK)
        fail_msg("%s", err);
    if (lnt_ini_parse(epath, expect_entry, &x, err) != LNT_OK)
        fail_msg("%s", err);
    if (x.venue != 0) {
        /* whatever else is expected, the explanation must add up */
        int64_t sum = 0;
        for (size_t i = 0; i < x.res.risk.n_parts; i++)
            sum += x.res.risk.parts[i].points_milli;
        assert_int_equal(sum, x.res.risk.total_milli);
    }
    lnt_score_result_release(&x.res);
    lnt_score_scenario_free(x.s);
    assert_true(x.checks > 0);
    if (x.failures)
        fail_msg("%s: %d of %d expectations failed", name, x.failures, x.checks);
}

static void test_score__golden_model_venue(void **state)
{
    (void)state;
    run_golden("model");
}

static void test_score__golden_missing_essential(void **state)
{
    (void)state;
    run_golden("missing_essential");
}

static void test_score__golden_handled_by_the_book_beats_badly_handled(void **state)
{
    (void)state;
    run_golden("handling");
}

static void test_score__golden_silent_kiosk(void **state)
{
    (void)state;
    run_golden("silent");
}

static void test_score__golden_no_data(void **state)
{
    (void)state;
    run_golden("no_data");
}

static void test_score__golden_decay_across_window_edge(void **state)
{
    (void)state;
    run_golden("decay");
}

static void test_score__golden_award_boundaries(void **state)
{
    (void)state;
    run_golden("awards");
}

static void test_score__golden_joining_is_not_punished(void **state)
{
    (void)state;
    run_golden("joining");
}

static void test_score__golden_silence_is_never_compliance(void **state)
{
    (void)state;
    run_golden("silence");
}

static void test_score__golden_avoiding_assessment_never_pays(void **state)
{
    (void)state;
    run_golden("avoidance");
}

static void test_score__golden_quarter_window_counts_the_quarter_only(void **state)
{
    (void)state;
    run_golden("quarter");
}

static void test_score__golden_quarter_start_is_still_scored(void **state)
{
    (void)state;
    run_golden("quarter_start");
}

/* Police quarters: Jan-Mar, Apr-Jun, Jul-Sep, Oct-Dec, and the windows before them. */
static void test_score__quarter_window_arithmetic(void **state)
{
    struct lnt_risk_weights w;
    int32_t first, last;
    char a[LNT_DATE_STRLEN], b[LNT_DATE_STRLEN];
    int64_t at;
    (void)state;

    assert_int_equal(lnt_score_quarter_start(lnt_days_from_civil(2026, 3, 31)),
                     lnt_days_from_civil(2026, 1, 1));
    assert_int_equal(lnt_score_quarter_start(lnt_days_from_civil(2026, 4, 1)),
                     lnt_days_from_civil(2026, 4, 1));
    assert_int_equal(lnt_score_quarter_start(lnt_days_from_civil(2026, 9, 30)),
                     lnt_days_from_civil(2026, 7, 1));
    assert_int_equal(lnt_score_quarter_start(lnt_days_from_civil(2026, 12, 31)),
                     lnt_days_from_civil(2026, 10, 1));

    memset(&w, 0, sizeof w);
    w.window_days = 90;
    w.window = LNT_WINDOW_QUARTER;
    /* 02:00 BST on Saturday 4 April 2026 is still Friday 3 April's night: the last finished
       night is Thursday 2 April, in the April quarter */
    assert_int_equal(lnt_time_parse("2026-04-04T01:00:00Z", &at), LNT_OK);
    lnt_score_rules_window(&w, at, 0, &first, &last);
    assert_int_equal(lnt_date_format(first, a), LNT_OK);
    assert_int_equal(lnt_date_format(last, b), LNT_OK);
    assert_string_equal(a, "2026-04-01");
    assert_string_equal(b, "2026-04-02");
    /* the trend's window is the whole quarter before, the review's the one before that */
    lnt_score_rules_window(&w, at, 1, &first, &last);
    assert_int_equal(lnt_date_format(first, a), LNT_OK);
    assert_int_equal(lnt_date_format(last, b), LNT_OK);
    assert_string_equal(a, "2026-01-01");
    assert_string_equal(b, "2026-03-31");
    lnt_score_rules_window(&w, at, 2, &first, &last);
    assert_int_equal(lnt_date_format(first, a), LNT_OK);
    assert_int_equal(lnt_date_format(last, b), LNT_OK);
    assert_string_equal(a, "2025-10-01");
    assert_string_equal(b, "2025-12-31");
    assert_true(last - first + 1 <= lnt_score_window_span(&w));

    /* rolling: the 90 nights to the last finished night, and the 90 before */
    w.window = LNT_WINDOW_ROLLING;
    lnt_score_rules_window(&w, at, 1, &first, &last);
    assert_int_equal(last, lnt_days_from_civil(2026, 4, 2) - 90);
    assert_int_equal(last - first + 1, 90);
}

/* The rules file's `window` key: rolling by default, quarter on request, anything else named. */
static void test_score__weights_window_key(void **state)
{
    char *dir = lnt_test_tmpdir();
    char *src = lnt_test_read_file(lnt_test_src("assets/risk/weights.ini"));
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_risk_weights *w = NULL;
    struct lnt_buf b;
    char *path, *at;
    (void)state;
    assert_non_null(src);
    assert_non_null(dir);

    assert_int_equal(rules.risk->window, LNT_WINDOW_ROLLING); /* the shipped rules */
    at = strstr(src, "window = rolling");
    assert_non_null(at);
    for (size_t k = 0; k < 2; k++) {
        const char *val = k == 0 ? "quarter" : "monthly";
        lnt_buf_init(&b, 1 << 20);
        assert_int_equal(lnt_buf_append(&b, src, (size_t)(at - src)), LNT_OK);
        assert_int_equal(lnt_buf_printf(&b, "window = %s", val), LNT_OK);
        assert_int_equal(lnt_buf_puts(&b, at + strlen("window = rolling")), LNT_OK);
        path = write_file(dir, "w.ini", b.data);
        if (k == 0) {
            assert_int_equal(lnt_risk_weights_load(path, &w, err), LNT_OK);
            assert_int_equal(w->window, LNT_WINDOW_QUARTER);
            assert_int_equal(lnt_score_window_span(w), 92);
            free(w);
            w = NULL;
        } else {
            assert_int_equal(lnt_risk_weights_load(path, &w, err), LNT_ERR_INVALID);
            assert_non_null(strstr(err, "[rules] window: `monthly`: expected rolling or quarter"));
        }
        free(path);
        lnt_buf_release(&b);
    }
    free(src);
    lnt_test_rmrf(dir);
    free(dir);
}

static void test_score__golden_two_reds_raise_review(void **state)
{
    (void)state;
    run_golden("review");
}

/* ---- properties over random venues ---- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return n ? (uint32_t)(rng_state % n) : 0;
}

static const char *const kinds[] = {"violence", "spiking",  "angela",  "weapon",
                                    "theft",    "disorder", "graffiti"};
#define N_KINDS (sizeof kinds / sizeof kinds[0])
#define SPAN 90

struct random_venue {
    struct lnt_score_input in;
    struct lnt_score_night nights[SPAN];
    struct lnt_score_incident incidents[40];
    struct lnt_score_finding findings[LNT_SCORE_CRITERIA_MAX];
};

static void fold(struct lnt_score_night *r, const struct lnt_score_incident *x)
{
    r->contacts++;
    r->incidents++;
    r->incidents_recorded_1h += x->record_delay <= 3600;
    if (strcmp(x->kind, "spiking") == 0) {
        r->spiking_reports++;
        r->spiking_complete += x->complete;
    }
    r->angela_requests += strcmp(x->kind, "angela") == 0;
}

static void random_venue(struct random_venue *v, int64_t at)
{
    static const char *const cats[] = {"pub", "bar", "nightclub", "hub"};
    struct lnt_score_input *in = &v->in;
    size_t nf = 0;

    memset(v, 0, sizeof *v);
    in->venue.id = 1 + rnd(1000);
    snprintf(in->venue.name, sizeof in->venue.name, "Venue %lld", (long long)in->venue.id);
    snprintf(in->venue.category, sizeof in->venue.category, "%s", cats[rnd(4)]);
    in->venue.capacity = (int32_t)rnd(1200);
    for (int d = 0; d < 7; d++)
        in->venue.trading.open[d] = rnd(3) != 0;
    in->at = at;
    lnt_score_window(at, SPAN, &in->first_night, &in->last_night);
    for (int i = 0; i < SPAN; i++) {
        struct lnt_score_night *r = &v->nights[i];
        r->night = in->first_night + i;
        r->cup_level = -1;
        if (rnd(5) == 0)
            continue; /* silent */
        r->contacts = 1 + (int32_t)rnd(8);
        r->door_shifts = (int32_t)rnd(4);
        r->door_shifts_sia_ok = r->door_shifts - (rnd(15) == 0 && r->door_shifts > 0);
        r->door_shifts_vuln = (int32_t)rnd((uint32_t)r->door_shifts + 1);
        r->staff_shifts = r->door_shifts + (int32_t)rnd(8);
        r->staff_shifts_bystander = (int32_t)rnd((uint32_t)r->staff_shifts + 1);
        r->shifts_open = rnd(10) == 0 && r->staff_shifts > 0;
        r->angela_on_shift = rnd(8) != 0;
        r->cup_level = rnd(3) ? (int32_t)rnd(500) : -1;
        r->cup_threshold = 100;
    }
    in->nights = v->nights;
    in->n_nights = SPAN;
    in->n_incidents = rnd(30);
    for (size_t i = 0; i < in->n_incidents; i++) {
        struct lnt_score_incident *x = &v->incidents[i];
        int night = (int)rnd(SPAN + 10) - 5; /* a few outside the window */
        snprintf(x->id, sizeof x->id, "x%zu", i);
        snprintf(x->kind, sizeof x->kind, "%s", kinds[rnd(N_KINDS)]);
        x->severity = 1 + (int)rnd(5);
        x->occurred_at = ((int64_t)in->first_night + night) * 86400 + 20 * 3600 + rnd(9 * 3600);
        x->police_called = rnd(2);
        x->complete = rnd(2);
        x->record_delay = rnd(4) ? rnd(3600) : 3600 + rnd(20000);
        if (night >= 0 && night < SPAN && lnt_night_of(x->occurred_at) == in->first_night + night)
            fold(&v->nights[night], x);
    }
    in->incidents = v->incidents;
    for (size_t i = 0; i < rules.bbn->n_criteria; i++) {
        const struct lnt_bbn_criterion *c = &rules.bbn->criteria[i];
        struct lnt_score_finding *f;
        if (c->metric != LNT_METRIC_FINDING || rnd(6) == 0)
            continue;
        f = &v->findings[nf++];
        snprintf(f->criterion, sizeof f->criterion, "%s", c->id);
        f->met = rnd(8) != 0;
        f->date = in->last_night - 30 - (int32_t)rnd(400);
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

static void test_score__golden_late_report_by_the_book_costs_nothing(void **state)
{
    (void)state;
    run_golden("late_by_the_book");
}

static void test_score__golden_a6_fails_on_a_pattern_only(void **state)
{
    (void)state;
    run_golden("a6_pattern");
}

static void test_score__golden_serious_floor_by_age_and_handling(void **state)
{
    (void)state;
    run_golden("serious_floor");
}

static void test_score__explanation_parts_sum_to_total(void **state)
{
    static struct random_venue v;
    (void)state;
    rng_state = 0x9e3779b97f4a7c15ULL;
    for (int round = 0; round < 300; round++) {
        struct lnt_score_result res;
        json_error_t jerr;
        json_t *j, *parts;
        int64_t sum = 0, jsum = 0;
        char *text;

        random_venue(&v, lnt_days_from_civil(2026, 3, 2) * 86400LL + 43200 + rnd(86400 * 300));
        text = score_json(&v.in, &res);
        for (size_t i = 0; i < res.risk.n_parts; i++)
            sum += res.risk.parts[i].points_milli;
        assert_int_equal(sum, res.risk.total_milli);
        /* and the same holds for what a client reads */
        j = json_loads(text, 0, &jerr);
        assert_non_null(j);
        parts = json_object_get(json_object_get(j, "risk"), "parts");
        for (size_t i = 0; i < json_array_size(parts); i++)
            jsum += json_integer_value(json_object_get(json_array_get(parts, i), "points_milli"));
        assert_int_equal(
            jsum, json_integer_value(json_object_get(json_object_get(j, "risk"), "total_milli")));
        assert_true(res.risk.band >= res.risk.points_band && res.risk.band >= res.risk.cap_band);
        json_decref(j);
        free(text);
        lnt_score_result_release(&res);
    }
}

static void test_score__well_handled_report_never_raises_the_band(void **state)
{
    static struct random_venue v;
    (void)state;
    rng_state = 0x1234567887654321ULL;
    for (int round = 0; round < 300; round++) {
        struct lnt_score_result hidden, reported;
        struct lnt_score_incident *x;
        int night;
        char *a, *b;

        random_venue(&v, lnt_days_from_civil(2026, 3, 2) * 86400LL + 43200);
        if (v.in.n_incidents == 40)
            v.in.n_incidents--;
        a = score_json(&v.in, &hidden);
        /* the same venue, plus one report handled by the book */
        night = (int)rnd(SPAN);
        x = &v.incidents[v.in.n_incidents++];
        snprintf(x->id, sizeof x->id, "added");
        snprintf(x->kind, sizeof x->kind, "%s", kinds[rnd(N_KINDS)]);
        x->severity = 1 + (int)rnd(5);
        x->occurred_at = ((int64_t)v.in.first_night + night) * 86400 + 21 * 3600;
        x->police_called = true;
        x->complete = true;
        x->record_delay = 300;
        fold(&v.nights[night], x);
        b = score_json(&v.in, &reported);
        if (reported.risk.band > hidden.risk.band ||
            reported.risk.total_milli > hidden.risk.total_milli)
            fail_msg("round %d: reporting %s severity %d raised %s %lld -> %s %lld", round, x->kind,
                     x->severity, lnt_band_name(hidden.risk.band),
                     (long long)hidden.risk.total_milli, lnt_band_name(reported.risk.band),
                     (long long)reported.risk.total_milli);
        if (reported.bbn.accredited < hidden.bbn.accredited)
            fail_msg("round %d: reporting lost accreditation", round);
        free(a);
        free(b);
        lnt_score_result_release(&hidden);
        lnt_score_result_release(&reported);
    }
}

static void test_score__same_inputs_give_the_same_bytes(void **state)
{
    static struct random_venue v;
    (void)state;
    rng_state = 42;
    for (int round = 0; round < 50; round++) {
        struct lnt_score_result r1, r2;
        char *a, *b;
        random_venue(&v, lnt_days_from_civil(2026, 7, 1) * 86400LL);
        a = score_json(&v.in, &r1);
        /* reversed incident and night order: same answer, byte for byte */
        for (size_t i = 0; i < v.in.n_incidents / 2; i++) {
            struct lnt_score_incident t = v.incidents[i];
            v.incidents[i] = v.incidents[v.in.n_incidents - 1 - i];
            v.incidents[v.in.n_incidents - 1 - i] = t;
        }
        for (size_t i = 0; i < SPAN / 2; i++) {
            struct lnt_score_night t = v.nights[i];
            v.nights[i] = v.nights[SPAN - 1 - i];
            v.nights[SPAN - 1 - i] = t;
        }
        b = score_json(&v.in, &r2);
        assert_string_equal(a, b);
        free(a);
        free(b);
        lnt_score_result_release(&r1);
        lnt_score_result_release(&r2);
    }
}

/* ---- findings and the London date ---- */

/* The status of criterion `id` when scored at `at` with the one finding given. */
static enum lnt_bbn_status finding_status_at(int64_t at, int32_t found_on, int32_t valid_until,
                                             const char *id)
{
    static struct random_venue v;
    struct lnt_score_result res;
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_bbn_status st = 0;

    rng_state = 11;
    random_venue(&v, at);
    snprintf(v.in.venue.category, sizeof v.in.venue.category, "pub");
    memset(v.findings, 0, sizeof v.findings);
    snprintf(v.findings[0].criterion, sizeof v.findings[0].criterion, "%s", id);
    v.findings[0].met = true;
    v.findings[0].date = found_on;
    v.findings[0].valid_until = valid_until;
    snprintf(v.findings[0].assessor, sizeof v.findings[0].assessor, "J. Patel");
    v.in.n_findings = 1;
    if (lnt_score_venue(&rules, &v.in, &res, err) != LNT_OK)
        fail_msg("score: %s", err);
    for (size_t i = 0; i < res.bbn.n_lines; i++)
        if (strcmp(res.bbn.lines[i].id, id) == 0)
            st = res.bbn.lines[i].status;
    lnt_score_result_release(&res);
    return st;
}

/*
 * A finding is dated with a London calendar date and counts from the start
 * of that day, not from the 06:00 start of the trading day: an assessor who
 * records one at 02:30 sees it in the score at once, and one valid to a
 * given day stops counting at the end of that day.
 */
static void test_score__finding_counts_on_its_london_date_at_any_hour(void **state)
{
    /* 2026-12-05 is in GMT, 2026-07-11 in BST (UTC + 1) */
    int32_t dec5 = lnt_days_from_civil(2026, 12, 5), jul11 = lnt_days_from_civil(2026, 7, 11);
    static const int hm[] = {0, 1, 150, 359, 360, 1439}; /* minutes past London midnight */
    (void)state;

    for (size_t i = 0; i < sizeof hm / sizeof hm[0]; i++) {
        int64_t gmt = dec5 * 86400LL + hm[i] * 60;
        int64_t bst = jul11 * 86400LL + hm[i] * 60 - 3600;
        /* recorded today */
        assert_int_equal(finding_status_at(gmt, dec5, 0, "A3"), LNT_BBN_MET);
        assert_int_equal(finding_status_at(bst, jul11, 0, "A3"), LNT_BBN_MET);
        /* valid to today: still counts; valid to yesterday: expired */
        assert_int_equal(finding_status_at(gmt, dec5 - 300, dec5, "A3"), LNT_BBN_MET);
        assert_int_equal(finding_status_at(gmt, dec5 - 300, dec5 - 1, "A3"), LNT_BBN_NOT_EVIDENCED);
        assert_int_equal(finding_status_at(bst, jul11 - 300, jul11 - 1, "A3"),
                         LNT_BBN_NOT_EVIDENCED);
        /* dated tomorrow: not yet */
        assert_int_equal(finding_status_at(gmt, dec5 + 1, 0, "A3"), LNT_BBN_NOT_EVIDENCED);
        assert_int_equal(finding_status_at(bst, jul11 + 1, 0, "A3"), LNT_BBN_NOT_EVIDENCED);
    }
}

/* ---- bad inputs ---- */

static void test_score__bad_inputs_are_refused_with_a_reason(void **state)
{
    static struct random_venue v;
    struct lnt_score_result res;
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;
    rng_state = 7;

    random_venue(&v, lnt_days_from_civil(2026, 3, 2) * 86400LL);
    v.in.n_incidents = 1;
    v.incidents[0].severity = 9;
    assert_int_equal(lnt_score_venue(&rules, &v.in, &res, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "severity 9"));
    lnt_score_result_release(&res);

    random_venue(&v, lnt_days_from_civil(2026, 3, 2) * 86400LL);
    v.in.first_night = v.in.last_night - 500;
    assert_int_equal(lnt_score_venue(&rules, &v.in, &res, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "501 nights"));
    lnt_score_result_release(&res);

    random_venue(&v, lnt_days_from_civil(2026, 3, 2) * 86400LL);
    v.nights[3].door_shifts_sia_ok = v.nights[3].door_shifts + 1;
    assert_int_equal(lnt_score_venue(&rules, &v.in, &res, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "exceeds its whole"));
    lnt_score_result_release(&res);

    random_venue(&v, lnt_days_from_civil(2026, 3, 2) * 86400LL);
    v.nights[4].night = v.nights[5].night;
    assert_int_equal(lnt_score_venue(&rules, &v.in, &res, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "given twice"));
    lnt_score_result_release(&res);
}

static void test_score__text_explains_every_part(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "", path[600];
    struct lnt_score_scenario *s = NULL;
    struct lnt_score_result res;
    struct lnt_buf b;
    (void)state;

    snprintf(path, sizeof path, "%s/handling.ini", lnt_test_src("tests/data/scoring"));
    assert_int_equal(lnt_score_scenario_load(path, &rules, &s, err), LNT_OK);
    assert_int_equal(lnt_score_venue(&rules, &lnt_score_scenario_venue(s, 2)->in, &res, err),
                     LNT_OK);
    lnt_buf_init(&b, 1 << 20);
    assert_int_equal(lnt_score_to_text(&res, &b, err), LNT_OK);
    assert_non_null(strstr(b.data, "Risk: amber, 6.076 points"));
    assert_non_null(strstr(b.data, "(band from points: green)"));
    assert_non_null(strstr(b.data, "at least amber because Essential E2 not met"));
    assert_non_null(strstr(b.data, "DATA QUALITY: 2 of 3 reports first saved more than 60 min"));
    assert_non_null(strstr(b.data, "2.051  incident violence, severity 3"));
    assert_non_null(strstr(b.data, "E2     essential not_met"));
    /* an output bound too small is an error, and the buffer is left as it was */
    lnt_buf_release(&b);
    lnt_buf_init(&b, 64);
    assert_int_equal(lnt_score_to_json(&res, &b, err), LNT_ERR_TOO_LARGE);
    assert_int_equal(b.len, 0);
    lnt_buf_release(&b);
    lnt_score_result_release(&res);
    lnt_score_scenario_free(s);
}

/* ---- hot spots and trends ---- */

static int64_t utc(int y, int mo, int d, int h, int mi)
{
    return lnt_days_from_civil(y, mo, d) * 86400LL + h * 3600 + mi * 60;
}

static struct lnt_report_hour hour_row(int64_t venue, int64_t t, const char *kind, int64_t count)
{
    struct lnt_report_hour r = {.venue_id = venue, .hour = t / 3600, .count = count};
    snprintf(r.kind, sizeof r.kind, "%s", kind);
    return r;
}

static void test_score__hour_of_week_uses_london_time(void **state)
{
    int64_t t[7][24];
    struct lnt_buf b;
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_report_hour rows[3];
    (void)state;
    /* Saturday 2026-07-04 00:30 UTC is 01:30 BST: Saturday, hour 1 */
    rows[0] = hour_row(1, utc(2026, 7, 4, 0, 30), "violence", 2);
    /* Saturday 2026-01-03 00:30 UTC is 00:30 GMT: Saturday, hour 0 */
    rows[1] = hour_row(1, utc(2026, 1, 3, 0, 30), "violence", 1);
    rows[2] = hour_row(2, utc(2026, 1, 3, 0, 30), "angela", 5);
    lnt_report_hour_of_week(rows, 3, "violence", t);
    assert_int_equal(t[5][1], 2);
    assert_int_equal(t[5][0], 1);
    lnt_report_hour_of_week(rows, 3, NULL, t);
    assert_int_equal(t[5][0], 6);
    lnt_buf_init(&b, 1 << 16);
    assert_int_equal(lnt_report_hour_of_week_json(t, &b, err), LNT_OK);
    assert_non_null(strstr(b.data, "\"peak\":{\"count\":6,\"day\":\"Sat\",\"hour\":0}"));
    assert_non_null(strstr(b.data, "\"total\":8"));
    lnt_buf_release(&b);
}

static void test_score__months_pivot_by_kind_with_angela_and_spiking(void **state)
{
    struct lnt_report_months m;
    struct lnt_buf b;
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_report_hour rows[4];
    (void)state;
    rows[0] = hour_row(1, utc(2026, 1, 10, 23, 0), "violence", 3);
    /* 23:30 UTC on 31 March is 00:30 BST on 1 April: April */
    rows[1] = hour_row(1, utc(2026, 3, 31, 23, 30), "spiking", 1);
    rows[2] = hour_row(2, utc(2026, 3, 2, 22, 0), "violence", 2);
    rows[3] = hour_row(2, utc(2025, 3, 2, 22, 0), "violence", 9); /* before `from` */
    assert_int_equal(
        lnt_report_months_build(rows, 4, utc(2026, 1, 1, 0, 0), utc(2026, 4, 30, 0, 0), &m, err),
        LNT_OK);
    assert_int_equal(m.n_months, 4);
    assert_int_equal(lnt_report_months_get(&m, 0, "violence"), 3);
    assert_int_equal(lnt_report_months_get(&m, 2, "violence"), 2);
    assert_int_equal(lnt_report_months_get(&m, 3, "spiking"), 1);
    assert_int_equal(lnt_report_months_get(&m, 2, "spiking"), 0);
    lnt_buf_init(&b, 1 << 16);
    assert_int_equal(lnt_report_months_json(&m, &b, err), LNT_OK);
    assert_non_null(strstr(b.data, "\"angela\":[0,0,0,0]"));
    assert_non_null(strstr(b.data, "\"spiking\":[0,0,0,1]"));
    assert_non_null(strstr(b.data, "\"months\":[\"2026-01\",\"2026-02\",\"2026-03\",\"2026-04\"]"));
    assert_non_null(strstr(b.data, "\"totals\":[3,0,2,1]"));
    lnt_buf_release(&b);
    lnt_report_months_release(&m);
    /* a span over the bound is refused */
    assert_int_equal(
        lnt_report_months_build(rows, 4, utc(2000, 1, 1, 0, 0), utc(2026, 1, 1, 0, 0), &m, err),
        LNT_ERR_INVALID);
    assert_non_null(strstr(err, "months"));
}

static void test_score__repeat_locations_count_distinct_nights(void **state)
{
    struct lnt_report_repeat *r = NULL;
    size_t n = 0;
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_report_hour rows[6];
    (void)state;
    /* venue 1: violence on the night of Fri 9 Jan twice (22:00 and 02:00), and on 16 and 23 Jan */
    rows[0] = hour_row(1, utc(2026, 1, 9, 22, 0), "violence", 1);
    rows[1] = hour_row(1, utc(2026, 1, 10, 2, 0), "violence", 2);
    rows[2] = hour_row(1, utc(2026, 1, 16, 23, 0), "violence", 1);
    rows[3] = hour_row(1, utc(2026, 1, 23, 23, 0), "violence", 1);
    /* venue 2: two nights only */
    rows[4] = hour_row(2, utc(2026, 1, 9, 22, 0), "violence", 4);
    rows[5] = hour_row(2, utc(2026, 1, 12, 22, 0), "violence", 1);
    assert_int_equal(lnt_report_repeats(rows, 6, 3, &r, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].venue_id, 1);
    assert_int_equal(r[0].nights, 3);
    assert_int_equal(r[0].reports, 5);
    free(r);
    assert_int_equal(lnt_report_repeats(rows, 6, 2, &r, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(r[1].venue_id, 2);
    free(r);
}

static void test_score__ranking_puts_red_first_and_ranks_areas(void **state)
{
    struct lnt_rank_venue v[4];
    struct lnt_rank_area *a = NULL;
    size_t na = 0;
    struct lnt_buf b;
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;
    memset(v, 0, sizeof v);
    v[0] = (struct lnt_rank_venue){
        .venue_id = 1, .area = "Quay", .score = {.band = LNT_BAND_AMBER, .total_milli = 30000}};
    v[1] = (struct lnt_rank_venue){
        .venue_id = 2, .area = "Market", .score = {.band = LNT_BAND_RED, .total_milli = 26000}};
    v[2] = (struct lnt_rank_venue){
        .venue_id = 3, .area = "Quay", .score = {.band = LNT_BAND_GREEN, .total_milli = 1000}};
    v[3] = (struct lnt_rank_venue){
        .venue_id = 4, .area = "Market", .score = {.band = LNT_BAND_RED, .total_milli = 26000}};
    lnt_report_rank_sort(v, 4);
    /* a capped Amber with more points still ranks below a Red */
    assert_int_equal(v[0].venue_id, 2);
    assert_int_equal(v[1].venue_id, 4);
    assert_int_equal(v[2].venue_id, 1);
    assert_int_equal(lnt_report_rank_areas(v, 4, &a, &na, err), LNT_OK);
    assert_int_equal(na, 2);
    assert_string_equal(a[0].area, "Market");
    assert_int_equal(a[0].red, 2);
    assert_int_equal(a[1].mean_milli, 15500);
    lnt_buf_init(&b, 1 << 16);
    assert_int_equal(lnt_report_rank_json(v, 4, 2, a, na, &b, err), LNT_OK);
    assert_non_null(strstr(b.data, "\"rank\":2"));
    assert_null(strstr(b.data, "\"rank\":3"));
    lnt_buf_release(&b);
    free(a);
}

static void test_score__volunteer_months_and_stock_forecast(void **state)
{
    struct lnt_report_shift s[3];
    struct lnt_report_volunteer_month *m = NULL;
    struct lnt_report_stock st;
    struct lnt_report_stock_point p[4];
    size_t n = 0;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t now = utc(2026, 3, 1, 12, 0);
    (void)state;
    memset(s, 0, sizeof s);
    s[0] = (struct lnt_report_shift){utc(2026, 1, 9, 22, 0), utc(2026, 1, 10, 3, 0), 4, {10, 2}};
    s[1] = (struct lnt_report_shift){utc(2026, 3, 6, 22, 0), utc(2026, 3, 7, 2, 30), 3, {5}};
    s[2] = (struct lnt_report_shift){0, utc(2026, 3, 7, 3, 0), 3, {1}}; /* no start: no hours */
    assert_int_equal(lnt_report_volunteers(s, 3, &m, &n, err), LNT_OK);
    assert_int_equal(n, 3); /* January, an empty February, March */
    assert_int_equal(m[0].person_minutes, 5 * 60 * 4);
    assert_int_equal(m[0].tallies[0], 10);
    assert_int_equal(m[1].shifts, 0);
    assert_int_equal(m[2].shifts, 2);
    assert_int_equal(m[2].person_minutes, 270 * 3);
    assert_int_equal(m[2].tallies[0], 6);
    free(m);

    /* 1000 counted 20 days ago, 600 ten days ago, a delivery to 900, now 800: used 500 in 20 days
     */
    p[0] = (struct lnt_report_stock_point){now - 20 * 86400, 1000};
    p[1] = (struct lnt_report_stock_point){now - 10 * 86400, 600};
    p[2] = (struct lnt_report_stock_point){now - 5 * 86400, 900};
    p[3] = (struct lnt_report_stock_point){now - 86400, 800};
    lnt_report_stock_forecast(7, 800, 100, p, 4, now - 30 * 86400, now, &st);
    assert_int_equal(st.used, 500);
    assert_int_equal(st.per_day_milli, 25000);
    assert_int_equal(st.days_left, 32);
    assert_int_equal(st.runs_out, lnt_night_of(now) + 32);
    assert_false(st.below_threshold);
    /* nothing used: no forecast */
    lnt_report_stock_forecast(7, 800, 1000, p + 2, 1, now - 30 * 86400, now, &st);
    assert_int_equal(st.days_left, -1);
    assert_true(st.below_threshold);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score__catalogue_covers_sections_and_kiosk_metrics),
        cmocka_unit_test(test_score__catalogue_errors_name_file_and_line),
        cmocka_unit_test(test_score__weights_errors_are_named),
        cmocka_unit_test(test_score__golden_model_venue),
        cmocka_unit_test(test_score__golden_missing_essential),
        cmocka_unit_test(test_score__golden_handled_by_the_book_beats_badly_handled),
        cmocka_unit_test(test_score__golden_silent_kiosk),
        cmocka_unit_test(test_score__golden_no_data),
        cmocka_unit_test(test_score__golden_decay_across_window_edge),
        cmocka_unit_test(test_score__golden_award_boundaries),
        cmocka_unit_test(test_score__golden_two_reds_raise_review),
        cmocka_unit_test(test_score__golden_late_report_by_the_book_costs_nothing),
        cmocka_unit_test(test_score__golden_a6_fails_on_a_pattern_only),
        cmocka_unit_test(test_score__golden_serious_floor_by_age_and_handling),
        cmocka_unit_test(test_score__golden_joining_is_not_punished),
        cmocka_unit_test(test_score__golden_silence_is_never_compliance),
        cmocka_unit_test(test_score__golden_avoiding_assessment_never_pays),
        cmocka_unit_test(test_score__golden_quarter_window_counts_the_quarter_only),
        cmocka_unit_test(test_score__golden_quarter_start_is_still_scored),
        cmocka_unit_test(test_score__quarter_window_arithmetic),
        cmocka_unit_test(test_score__weights_window_key),
        cmocka_unit_test(test_score__explanation_parts_sum_to_total),
        cmocka_unit_test(test_score__well_handled_report_never_raises_the_band),
        cmocka_unit_test(test_score__same_inputs_give_the_same_bytes),
        cmocka_unit_test(test_score__finding_counts_on_its_london_date_at_any_hour),
        cmocka_unit_test(test_score__bad_inputs_are_refused_with_a_reason),
        cmocka_unit_test(test_score__text_explains_every_part),
        cmocka_unit_test(test_score__hour_of_week_uses_london_time),
        cmocka_unit_test(test_score__months_pivot_by_kind_with_angela_and_spiking),
        cmocka_unit_test(test_score__repeat_locations_count_distinct_nights),
        cmocka_unit_test(test_score__ranking_puts_red_first_and_ranks_areas),
        cmocka_unit_test(test_score__volunteer_months_and_stock_forecast),
    };
    return cmocka_run_group_tests(tests, setup_rules, teardown_rules);
}
