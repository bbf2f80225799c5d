/* score.c - Best Bar None compliance and licensing risk for one venue, from its rollups. */
#include "score.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "score_handling_int.h"
#include "score_int.h"
#include "score_summary.h"

/* round(a * b / d) for a, b >= 0, d > 0, with a * b below 2^63 (the bounds in score.h keep it so).
 */
static int64_t mul_div(int64_t a, int64_t b, int64_t d)
{
    return (a * b + d / 2) / d;
}

/* snprintf for explanation text: a note cut at its bound is still a note. */
static void textf(char *dst, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void textf(char *dst, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, size, fmt, ap);
    va_end(ap);
}

static void date_text(int32_t days, char out[LNT_DATE_STRLEN])
{
    if (lnt_date_format(days, out) != LNT_OK)
        lnt_str_copy(out, LNT_DATE_STRLEN, "?");
}

void lnt_score_result_release(struct lnt_score_result *r)
{
    free(r->bbn.lines);
    free(r->risk.parts);
    free(r->risk.people);
    memset(r, 0, sizeof *r);
}

void lnt_score_brief_of(const struct lnt_score_result *r, struct lnt_score_brief *out)
{
    memset(out, 0, sizeof *out);
    out->scored = r->risk.scored;
    out->window_nights = r->risk.window_nights;
    out->band = r->risk.band;
    out->total_milli = r->risk.total_milli;
    out->trend = r->risk.trend;
    out->review = r->risk.review;
    out->low_reporting = r->risk.low_reporting;
    out->accredited = r->bbn.accredited;
    lnt_str_copy(out->award, sizeof out->award, r->bbn.award);
    lnt_score_summary_fill(r, out);
}

/*
 * Each night's incidents and those first saved within the risk weights' timely_minutes, counted
 * from the reports themselves (the store keeps each report's delay): A6 and the risk side read
 * one configured value, and a change to it applies to every report at the next scoring. Reports
 * after `at` are not counted, as on the risk side.
 */
static void span_timely(struct lnt_score_span *sp, const struct lnt_score_input *in,
                        int32_t timely_seconds)
{
    for (int i = 0; i < sp->n; i++)
        sp->night[i].incidents = sp->night[i].incidents_recorded_1h = 0;
    for (size_t i = 0; i < in->n_incidents; i++) {
        const struct lnt_score_incident *x = &in->incidents[i];
        int32_t night = lnt_night_of(x->occurred_at);
        if (night < sp->base || night > in->last_night || x->occurred_at > in->at)
            continue;
        sp->night[night - sp->base].incidents++;
        sp->night[night - sp->base].incidents_recorded_1h +=
            x->record_delay >= 0 && x->record_delay <= timely_seconds;
    }
}

/* ---- BBN ---- */

static bool category_listed(const char *list, const char *category)
{
    size_t n = strlen(category);
    const char *p = list;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, category, n) == 0)
            return true;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    return false;
}

/* The last valid day of a finding made on `date` and valid `months` months. */
static int32_t finding_end(int32_t date, int months)
{
    int y, m, d, ny, nm, last_d, yy, mm;
    int32_t first_next;
    lnt_civil_from_days(date, &y, &m, &d);
    nm = m - 1 + months;
    ny = y + nm / 12;
    nm = nm % 12 + 1;
    /* clamp to the month's last day (31 Jan + 1 month = 28/29 Feb) */
    first_next = nm == 12 ? lnt_days_from_civil(ny + 1, 1, 1) : lnt_days_from_civil(ny, nm + 1, 1);
    lnt_civil_from_days(first_next - 1, &yy, &mm, &last_d);
    if (d > last_d)
        d = last_d;
    return lnt_days_from_civil(ny, nm, d) - 1;
}

static void bbn_finding(const struct lnt_bbn_criterion *c, const struct lnt_score_input *in,
                        int32_t today, struct lnt_bbn_line *ln)
{
    const struct lnt_score_finding *best = NULL, *expired = NULL;
    int32_t best_end = 0, expired_end = 0;
    char d1[LNT_DATE_STRLEN], d2[LNT_DATE_STRLEN];

    for (size_t i = 0; i < in->n_findings; i++) {
        const struct lnt_score_finding *f = &in->findings[i];
        int32_t end;
        if (strcmp(f->criterion, c->id) != 0 || f->date > today)
            continue;
        end = f->valid_until ? f->valid_until : finding_end(f->date, c->valid_months);
        if (end < today) {
            if (expired == NULL || f->date >= expired->date) {
                expired = f;
                expired_end = end;
            }
            continue;
        }
        if (best == NULL || f->date >= best->date) {
            best = f;
            best_end = end;
        }
    }
    if (best == NULL) {
        ln->status = LNT_BBN_NOT_EVIDENCED;
        if (expired) {
            date_text(expired->date, d1);
            date_text(expired_end, d2);
            textf(ln->note, sizeof ln->note, "the finding of %s by %s expired after %s", d1,
                  expired->assessor, d2);
        } else {
            textf(ln->note, sizeof ln->note, "no assessor's finding");
        }
        return;
    }
    ln->status = best->met ? LNT_BBN_MET : LNT_BBN_NOT_MET;
    ln->finding_date = best->date;
    ln->finding_id = best->id;
    ln->finding_until = best_end;
    date_text(best->date, d1);
    date_text(best_end, d2);
    textf(ln->note, sizeof ln->note, "%s by %s on %s, valid to %s: %s",
          best->met ? "met" : "not met", best->assessor, d1, d2, best->evidence);
}

/* The first night a window of `days` nights ending `last` counts for a venue that joined on
 * `joined`. */
static int32_t window_start(int32_t last, int days, int32_t joined)
{
    int32_t first = last - days + 1;
    return joined > first ? joined : first;
}

/*
 * Metrics measured on every trading night (shifts, Angela cover, cup stock),
 * as against those measured per report (spiking, recorded within the hour).
 * For the former a silent trading night counts as a night that failed.
 */
static bool metric_every_night(enum lnt_bbn_metric m)
{
    return m != LNT_METRIC_SPIKING_COMPLETE && m != LNT_METRIC_RECORDED_1H;
}

/*
 * One rule for every kiosk criterion: only a night the kiosk was in contact
 * can show compliance. Below the criterion's share of trading nights seen it
 * is "not evidenced" (never met, never "not applicable"). For a metric
 * measured every night the share seen is scaled by the share of nights seen
 * (num/den x seen/trading), so a silent night weighs as a failed one; a
 * per-report metric is judged on the reports seen, so that a report never
 * costs more than silence.
 */
static void bbn_metric(const struct lnt_bbn_criterion *c, const struct lnt_score_span *sp,
                       int32_t last, int32_t joined, struct lnt_bbn_line *ln)
{
    int64_t num = 0, den = 0, scaled_den;
    int evidence = 0, trading = 0;
    int32_t first = window_start(last, c->window, joined);
    char d1[LNT_DATE_STRLEN], d2[LNT_DATE_STRLEN];

    for (int32_t night = first; night <= last; night++) {
        const struct lnt_score_night *r = &sp->night[night - sp->base];
        bool tn = sp->trading[night - sp->base];
        bool seen = tn && r->contacts > 0;
        trading += tn;
        evidence += seen;
        switch (c->metric) {
        case LNT_METRIC_DOOR_SIA:
            num += r->door_shifts_sia_ok;
            den += r->door_shifts;
            break;
        case LNT_METRIC_DOOR_VULN:
            num += r->door_shifts_vuln;
            den += r->door_shifts;
            break;
        case LNT_METRIC_ANGELA_NIGHTS:
            num += seen && r->angela_on_shift > 0;
            den += seen;
            break;
        case LNT_METRIC_STAFF_BYSTANDER:
            num += r->staff_shifts_bystander;
            den += r->staff_shifts;
            break;
        case LNT_METRIC_SPIKING_COMPLETE:
            num += r->spiking_complete;
            den += r->spiking_reports;
            break;
        case LNT_METRIC_RECORDED_1H:
            num += r->incidents_recorded_1h;
            den += r->incidents;
            break;
        case LNT_METRIC_CUP_NIGHTS:
            /* a count carried into a silent night is not evidence of that night */
            num += seen && r->cup_level >= 0 && r->cup_level >= r->cup_threshold;
            den += seen;
            break;
        case LNT_METRIC_REGISTER_COMPLETE:
            num += r->staff_shifts - r->shifts_open;
            den += r->staff_shifts;
            break;
        case LNT_METRIC_FINDING:
        case LNT_METRIC__COUNT:
            break;
        }
    }
    ln->num = num;
    ln->den = den;
    ln->first = first <= last ? first : last;
    ln->last = last;
    ln->nights_trading = trading;
    ln->nights_seen = evidence;
    date_text(ln->first, d1);
    date_text(last, d2);
    if (trading == 0) {
        ln->status = LNT_BBN_NOT_EVIDENCED;
        textf(ln->note, sizeof ln->note, "no trading night in its window since the venue joined");
    } else if ((int64_t)evidence * 100 < (int64_t)c->min_share_pct * trading) {
        ln->status = LNT_BBN_NOT_EVIDENCED;
        textf(ln->note, sizeof ln->note,
              "the kiosk saw %d of the %d trading nights %s..%s: fewer than the %d%% needed",
              evidence, trading, d1, d2, c->min_share_pct);
    } else if (den == 0 && c->na_when_none) {
        ln->status = LNT_BBN_NOT_APPLICABLE;
        textf(ln->note, sizeof ln->note, "nothing to measure in %s..%s (%d of %d nights seen)", d1,
              d2, evidence, trading);
    } else if (den < c->min_evidence) {
        ln->status = LNT_BBN_NOT_EVIDENCED;
        textf(ln->note, sizeof ln->note, "%lld of %lld: fewer than the %d needed, %s..%s",
              (long long)num, (long long)den, c->min_evidence, d1, d2);
    } else if (!metric_every_night(c->metric) || evidence == trading) {
        bool met = num * 100 >= (int64_t)c->threshold_pct * den;
        ln->status = met ? LNT_BBN_MET : LNT_BBN_NOT_MET;
        textf(ln->note, sizeof ln->note, "%lld of %lld (%lld%%), %s %d%%, %s..%s", (long long)num,
              (long long)den, (long long)(num * 100 / den), met ? "at or above" : "below",
              c->threshold_pct, d1, d2);
    } else {
        /* num/den x evidence/trading against threshold: cross-multiplied, exact */
        scaled_den = den * trading;
        bool met = num * evidence * 100 >= (int64_t)c->threshold_pct * scaled_den;
        ln->status = met ? LNT_BBN_MET : LNT_BBN_NOT_MET;
        textf(ln->note, sizeof ln->note,
              "%lld of %lld on the %d of %d trading nights seen, a silent night counting as "
              "failed: %lld%%, %s %d%%, %s..%s",
              (long long)num, (long long)den, evidence, trading,
              (long long)(den > 0 ? num * evidence * 100 / scaled_den : 0),
              met ? "at or above" : "below", c->threshold_pct, d1, d2);
    }
}

/* Whether an accredited venue's tallies reach award `a` (every requirement it gives). */
static bool award_reached(const struct lnt_bbn_award *a, const struct lnt_bbn_result *r)
{
    int64_t other_met = (int64_t)r->desired_met + r->bonus_met;
    int64_t other_total = (int64_t)r->desired_total + r->bonus_total;

    return (int64_t)r->desired_met * 100 >= (int64_t)a->desired_pct * r->desired_total &&
           r->bonus_met >= a->bonus_min && other_met * 100 >= (int64_t)a->other_pct * other_total;
}

static enum lnt_err score_bbn(const struct lnt_bbn_catalogue *cat, const struct lnt_score_input *in,
                              const struct lnt_score_span *sp, struct lnt_bbn_result *out,
                              char *err)
{
    /* a finding is dated by the assessor's calendar: it counts from 00:00 London, not 06:00 */
    int32_t today = lnt_london_date(in->at);

    if (strcmp(in->venue.category, "hub") == 0) {
        textf(out->note, sizeof out->note, "a hub is not scored for Best Bar None");
        return LNT_OK;
    }
    out->scored = true;
    out->lines = calloc(cat->n_criteria, sizeof *out->lines);
    if (out->lines == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "scoring: out of memory");
    out->n_lines = cat->n_criteria;
    for (size_t i = 0; i < cat->n_criteria; i++) {
        const struct lnt_bbn_criterion *c = &cat->criteria[i];
        struct lnt_bbn_line *ln = &out->lines[i];
        int *met = NULL, *total = NULL;

        lnt_str_copy(ln->id, sizeof ln->id, c->id);
        ln->section = c->section;
        ln->tier = c->tier;
        ln->metric = c->metric;
        ln->threshold_pct = c->metric == LNT_METRIC_FINDING ? 0 : c->threshold_pct;
        if (c->categories[0] && !category_listed(c->categories, in->venue.category)) {
            ln->status = LNT_BBN_NOT_APPLICABLE;
            textf(ln->note, sizeof ln->note, "applies to %s only", c->categories);
        } else if (c->metric == LNT_METRIC_FINDING) {
            bbn_finding(c, in, today, ln);
        } else {
            bbn_metric(c, sp, in->last_night, in->venue.joined, ln);
            /* a pattern counts failures it can see: not across silent nights, which fail */
            if (!metric_every_night(c->metric) || ln->nights_seen == ln->nights_trading)
                lnt_score_pattern(c, ln);
        }
        switch (c->tier) {
        case LNT_TIER_ESSENTIAL:
            met = &out->essential_met;
            total = &out->essential_total;
            break;
        case LNT_TIER_DESIRED:
            met = &out->desired_met;
            total = &out->desired_total;
            break;
        case LNT_TIER_BONUS:
            met = &out->bonus_met;
            total = &out->bonus_total;
            break;
        }
        if (met && ln->status != LNT_BBN_NOT_APPLICABLE) {
            (*total)++;
            *met += ln->status == LNT_BBN_MET;
        }
    }
    out->accredited = out->essential_met == out->essential_total;
    if (!out->accredited) {
        textf(out->note, sizeof out->note, "not accredited: %d of %d Essentials met",
              out->essential_met, out->essential_total);
        return LNT_OK;
    }
    for (size_t i = 0; i < cat->n_awards; i++)
        if (award_reached(&cat->awards[i], out))
            lnt_str_copy(out->award, sizeof out->award, cat->awards[i].name);
    textf(out->note, sizeof out->note,
          "accredited: all %d Essentials, %d of %d Desired, %d Bonus met", out->essential_total,
          out->desired_met, out->desired_total, out->bonus_met);
    return LNT_OK;
}

/* ---- risk ---- */

struct parts {
    struct lnt_risk_part *v;
    size_t n, cap;
};

static struct lnt_risk_part *part_add(struct parts *p, enum lnt_risk_part_kind kind)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct lnt_risk_part *v = realloc(p->v, cap * sizeof *v);
        if (v == NULL)
            return NULL;
        p->v = v;
        p->cap = cap;
    }
    memset(&p->v[p->n], 0, sizeof p->v[0]);
    p->v[p->n].kind = kind;
    return &p->v[p->n++];
}

struct cap_state {
    enum lnt_band band;
    char cause[LNT_SCORE_TEXT_MAX];
};

/* Keeps the worst cap; among equals, the first found. */
static void cap_consider(struct cap_state *cs, enum lnt_band band, const char *cause)
{
    if (band > cs->band) {
        cs->band = band;
        lnt_str_copy(cs->cause, sizeof cs->cause, cause);
    }
}

static const struct lnt_risk_kind *kind_of(const struct lnt_risk_weights *w, const char *name)
{
    const struct lnt_risk_kind *any = NULL;
    for (size_t i = 0; i < w->n_kinds; i++) {
        if (strcmp(w->kinds[i].name, name) == 0)
            return &w->kinds[i];
        if (strcmp(w->kinds[i].name, "*") == 0)
            any = &w->kinds[i];
    }
    return any;
}

static int incident_cmp(const void *a, const void *b)
{
    const struct lnt_score_incident *x = *(const struct lnt_score_incident *const *)a;
    const struct lnt_score_incident *y = *(const struct lnt_score_incident *const *)b;
    if (x->occurred_at != y->occurred_at)
        return x->occurred_at < y->occurred_at ? -1 : 1;
    return strcmp(x->id, y->id);
}

static void delay_text(int64_t s, char *out, size_t size)
{
    if (s < 3600)
        textf(out, size, "%lld min", (long long)(s / 60));
    else
        textf(out, size, "%lld h %02lld min", (long long)(s / 3600), (long long)(s % 3600 / 60));
}

/* A recent serious report not handled by the book: its floor, and why. */
static void incident_floor(const struct lnt_risk_weights *w, const struct lnt_score_incident *x,
                           const struct lnt_risk_part *p, struct cap_state *cs)
{
    char cause[LNT_SCORE_TEXT_MAX], d[LNT_DATE_STRLEN];
    int64_t nights = lnt_score_floor_nights(w, x, p->credit_milli);

    if (p->age >= nights)
        return;
    date_text(lnt_night_of(x->occurred_at), d);
    textf(cause, sizeof cause,
          "incident %s (%s, severity %d) not handled by the book on the night of %s (a floor for "
          "%lld nights)",
          x->id, x->kind, x->severity, d, (long long)nights);
    cap_consider(cs, w->cap_serious_unhandled, cause);
}

static enum lnt_err risk_incidents(const struct lnt_risk_weights *w,
                                   const struct lnt_score_input *in, struct lnt_risk_result *out,
                                   struct parts *parts, struct cap_state *cs, char *err)
{
    const struct lnt_score_incident **list = NULL;
    size_t n = 0;
    enum lnt_err rc = LNT_OK;

    if (in->n_incidents > 0 && (list = calloc(in->n_incidents, sizeof *list)) == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "scoring: out of memory");
    for (size_t i = 0; i < in->n_incidents; i++) {
        const struct lnt_score_incident *x = &in->incidents[i];
        int32_t night = lnt_night_of(x->occurred_at);
        if (x->severity < 1 || x->severity > 5) {
            rc = lnt_fail(err, LNT_ERR_INVALID, "incident %s: severity %d: expected 1..5", x->id,
                          x->severity);
            goto out;
        }
        if (night >= in->first_night && night <= in->last_night && x->occurred_at <= in->at)
            list[n++] = x;
    }
    if (n > 1)
        qsort(list, n, sizeof *list, incident_cmp);
    out->incidents = (int)n;
    for (size_t i = 0; i < n; i++) {
        const struct lnt_score_incident *x = list[i];
        const struct lnt_risk_kind *k = kind_of(w, x->kind);
        struct lnt_risk_part *p = part_add(parts, LNT_PART_INCIDENT);
        bool late = lnt_score_saved_late(w, x);
        char when[LNT_TIME_STRLEN], delay[32];

        if (p == NULL) {
            rc = lnt_fail(err, LNT_ERR_NOMEM, "scoring: out of memory");
            goto out;
        }
        lnt_str_copy(p->ref, sizeof p->ref, x->id);
        p->base_milli = mul_div(w->severity_milli[x->severity], k->weight_milli, 1000);
        p->age = in->last_night - lnt_night_of(x->occurred_at);
        p->decay_ppm = w->decay_ppm[p->age];
        p->decayed_milli = mul_div(p->base_milli, p->decay_ppm, 1000000);
        p->credit_milli = lnt_score_credit(w, k, x);
        p->mitigated_milli = mul_div(p->decayed_milli, 1000 - p->credit_milli, 1000);
        p->points_milli =
            mul_div(p->mitigated_milli, out->exposure_used > 0 ? w->reference_exposure : 0,
                    out->exposure_used > 0 ? out->exposure_used : 1);
        if (lnt_time_format(x->occurred_at, when) != LNT_OK)
            lnt_str_copy(when, sizeof when, "?");
        delay_text(x->record_delay < 0 ? 0 : x->record_delay, delay, sizeof delay);
        textf(p->cause, sizeof p->cause, "%s, severity %d, at %s: %s, recorded after %s%s, %s%s",
              x->kind, x->severity, when, x->complete ? "complete" : "not complete", delay,
              late ? " (late)" : "",
              x->police_called ? "police called by the venue"
                               : (k->police_required ? "police not called" : "police not needed"),
              p->credit_milli == 1000 ? " (handled by the book)" : "");
        out->late_reports += late;
        incident_floor(w, x, p, cs);
    }
    if (out->late_reports > 0)
        textf(out->late_note, sizeof out->late_note,
              "%d of %d report%s first saved more than %d min after the incident (a data-quality "
              "note, no points; a pattern of late recording fails A6)",
              out->late_reports, out->incidents, out->incidents == 1 ? "" : "s",
              w->timely_seconds / 60);
out:
    free(list);
    return rc;
}

static enum lnt_err risk_gaps(const struct lnt_risk_weights *w, const struct lnt_score_input *in,
                              const struct lnt_score_span *sp, const struct lnt_bbn_result *bbn,
                              struct lnt_risk_result *out, struct parts *parts,
                              struct cap_state *cs, char *err)
{
    char d[LNT_DATE_STRLEN], cause[LNT_SCORE_TEXT_MAX];
    int64_t sia_total = 0;
    int32_t sia_first = 0;

    for (size_t i = 0; i < bbn->n_lines; i++) {
        const struct lnt_bbn_line *ln = &bbn->lines[i];
        bool unmet = ln->status == LNT_BBN_NOT_MET;
        struct lnt_risk_part *p;
        if (ln->tier != LNT_TIER_ESSENTIAL ||
            (ln->status != LNT_BBN_NOT_MET && ln->status != LNT_BBN_NOT_EVIDENCED))
            continue;
        /* no window yet: no compliance points either way, so that neither a gap in the data
           nor keeping an assessor away can be cheaper than a finding */
        if (!out->scored)
            continue;
        if ((p = part_add(parts, LNT_PART_GAP)) == NULL)
            return lnt_fail(err, LNT_ERR_NOMEM, "scoring: out of memory");
        lnt_str_copy(p->ref, sizeof p->ref, ln->id);
        p->count = 1;
        p->unit_milli = unmet ? w->gap_essential_unmet_milli : w->gap_essential_unevidenced_milli;
        p->points_milli = p->unit_milli;
        textf(p->cause, sizeof p->cause, "Essential %s %s: %s", ln->id,
              unmet ? "not met" : "not evidenced", ln->note);
        textf(cause, sizeof cause, "Essential %s %s", ln->id, unmet ? "not met" : "not evidenced");
        cap_consider(cs, unmet ? w->cap_essential_unmet : w->cap_essential_unevidenced, cause);
    }
    for (int32_t night = in->first_night; night <= in->last_night; night++) {
        const struct lnt_score_night *r = &sp->night[night - sp->base];
        int32_t bad = r->door_shifts - r->door_shifts_sia_ok;
        struct lnt_risk_part *p;
        if (bad <= 0)
            continue;
        if ((p = part_add(parts, LNT_PART_GAP)) == NULL)
            return lnt_fail(err, LNT_ERR_NOMEM, "scoring: out of memory");
        date_text(night, d);
        lnt_str_copy(p->ref, sizeof p->ref, d);
        p->count = bad;
        p->unit_milli = w->gap_sia_shift_milli;
        p->points_milli = p->count * p->unit_milli;
        textf(p->cause, sizeof p->cause,
              "%d door-supervisor shift%s without a valid SIA licence on the night of %s", bad,
              bad == 1 ? "" : "s", d);
        if (sia_total == 0)
            sia_first = night;
        sia_total += bad;
    }
    if (sia_total > 0) {
        date_text(sia_first, d);
        textf(cause, sizeof cause,
              "%lld door-supervisor shift%s without a valid SIA licence (first on %s)",
              (long long)sia_total, sia_total == 1 ? "" : "s", d);
        cap_consider(cs, w->cap_sia_shift, cause);
    }
    for (int32_t night = in->first_night; night <= in->last_night; night++) {
        struct lnt_risk_part *p;
        if (!sp->trading[night - sp->base] || sp->night[night - sp->base].contacts > 0)
            continue;
        out->silent_nights++;
        if (!out->scored) /* counted for the flag, no points before the venue has its window */
            continue;
        if ((p = part_add(parts, LNT_PART_DATA)) == NULL)
            return lnt_fail(err, LNT_ERR_NOMEM, "scoring: out of memory");
        date_text(night, d);
        lnt_str_copy(p->ref, sizeof p->ref, d);
        p->count = 1;
        p->unit_milli = w->gap_silent_night_milli;
        p->points_milli = p->unit_milli;
        textf(p->cause, sizeof p->cause, "trading night of %s with no contact from the kiosk", d);
    }
    if (out->trading_nights > 0 &&
        (int64_t)out->silent_nights * 100 >= (int64_t)w->cap_silent_pct * out->trading_nights) {
        textf(cause, sizeof cause, "the kiosk was silent on %d of %d trading nights",
              out->silent_nights, out->trading_nights);
        cap_consider(cs, w->cap_silent, cause);
    }
    return LNT_OK;
}

static void risk_flags(const struct lnt_risk_weights *w, const struct lnt_score_input *in,
                       struct lnt_risk_result *out)
{
    char a[32], b[32];

    if (in->prev.known) {
        out->trend_delta_milli = out->total_milli - in->prev.total_milli;
        if (out->band != in->prev.band && in->prev.band != LNT_BAND_NONE)
            out->trend = out->band > in->prev.band ? LNT_TREND_WORSE : LNT_TREND_BETTER;
        else if (out->trend_delta_milli > w->trend_tolerance_milli)
            out->trend = LNT_TREND_WORSE;
        else if (out->trend_delta_milli < -w->trend_tolerance_milli)
            out->trend = LNT_TREND_BETTER;
        else
            out->trend = LNT_TREND_STEADY;
    }
    if (out->band == LNT_BAND_RED && in->prev.known && in->prev.band == LNT_BAND_RED) {
        out->review = true;
        textf(out->review_note, sizeof out->review_note, "%s",
              in->prev2_band == LNT_BAND_RED
                  ? "Red in this window and the two before it: consider a licence review"
                  : "Red in this window and the one before it: consider a licence review");
    }
    for (size_t i = 0; i < w->n_expect; i++) {
        const struct lnt_risk_expect *e = &w->expect[i];
        if (strcmp(e->category, in->venue.category) != 0)
            continue;
        out->expected_milli = mul_div(e->rate_milli, out->exposure, w->reference_exposure);
        if (out->exposure >= w->low_min_exposure && out->expected_milli > 0 &&
            (int64_t)out->incidents * 1000 * 100 <
                (int64_t)w->low_fraction_pct * out->expected_milli) {
            out->low_reporting = true;
            lnt_score_milli_format(out->expected_milli, a);
            textf(b, sizeof b, "%d%%", w->low_fraction_pct);
            textf(out->low_reporting_note, sizeof out->low_reporting_note,
                  "%d incident%s reported where a %s of this capacity and trading would "
                  "report about %s: under %s of that",
                  out->incidents, out->incidents == 1 ? "" : "s", e->category, a, b);
        }
    }
}

/*
 * The risk window counts from the venue's joining: nights before it are not
 * trading nights, not silent, not exposure, and hold no incidents or gaps.
 * Sets the window's figures in *out and narrows win->first_night.
 */
static void risk_window(const struct lnt_risk_weights *w, const struct lnt_score_input *in,
                        struct lnt_score_input *win, struct lnt_risk_result *out)
{
    char d[LNT_DATE_STRLEN];
    int64_t since;

    win->first_night = in->venue.joined > in->first_night ? in->venue.joined : in->first_night;
    out->evidence_from = win->first_night;
    out->window_nights =
        win->first_night <= in->last_night ? (int)(in->last_night - win->first_night + 1) : 0;
    out->trading_nights =
        out->window_nights > 0
            ? lnt_trading_count(&in->venue.trading, win->first_night, in->last_night)
            : 0;
    out->exposure =
        (int64_t)(in->venue.capacity > 0 ? in->venue.capacity : 0) * out->trading_nights;
    out->exposure_used = out->exposure > w->min_exposure ? out->exposure : w->min_exposure;
    /* nights since joining, whatever the window: a venue is not unscored again at the start of
       each police quarter (for a rolling window it is the window's nights whenever short) */
    since = in->venue.joined > 0 ? (int64_t)in->last_night - in->venue.joined + 1 : INT32_MAX;
    if (since < 0)
        since = 0;
    out->scored = since >= w->min_window_nights;
    if (!out->scored) {
        textf(out->scored_note, sizeof out->scored_note,
              "not yet scored \u2014 %d night%s of evidence", (int)since, since == 1 ? "" : "s");
        if (out->window_nights > 0) {
            date_text(win->first_night, d);
            size_t len = strlen(out->scored_note);
            textf(out->scored_note + len, sizeof out->scored_note - len, " (joined %s; %d needed)",
                  d, w->min_window_nights);
        }
    }
}

/*
 * A venue without enough window has no band: the points and their lines stay
 * for the officer to read, but nothing is Red, capped or flagged for review,
 * and no trend is drawn. The silence flag is set whenever a trading night in
 * the window was silent.
 */
static void risk_evidence_flags(struct lnt_risk_result *out)
{
    if (out->silent_nights > 0) {
        out->silence = true;
        textf(out->silence_note, sizeof out->silence_note,
              "the kiosk was silent on %d of %d trading nights in the window", out->silent_nights,
              out->trading_nights);
    }
    if (out->scored)
        return;
    out->points_band = LNT_BAND_NONE;
    out->cap_band = LNT_BAND_NONE;
    out->cap_cause[0] = '\0';
    out->band = LNT_BAND_NONE;
    out->trend = LNT_TREND_NONE;
    out->trend_delta_milli = 0;
    out->review = false;
    out->review_note[0] = '\0';
}

static enum lnt_err score_risk(const struct lnt_risk_weights *w, const struct lnt_score_input *in,
                               const struct lnt_score_span *sp, const struct lnt_bbn_result *bbn,
                               struct lnt_risk_result *out, char *err)
{
    struct parts parts = {0};
    struct cap_state cs = {LNT_BAND_NONE, ""};
    struct lnt_score_input win = *in; /* the window from the venue's joining */
    enum lnt_err rc;

    risk_window(w, in, &win, out);
    rc = risk_incidents(w, &win, out, &parts, &cs, err);
    if (rc == LNT_OK)
        rc = risk_gaps(w, &win, sp, bbn, out, &parts, &cs, err);
    if (rc != LNT_OK) {
        free(parts.v);
        return rc;
    }
    out->parts = parts.v;
    out->n_parts = parts.n;
    for (size_t i = 0; i < parts.n; i++)
        out->total_milli += parts.v[i].points_milli;
    out->points_band = out->total_milli >= w->red_milli     ? LNT_BAND_RED
                       : out->total_milli >= w->amber_milli ? LNT_BAND_AMBER
                                                            : LNT_BAND_GREEN;
    out->cap_band = cs.band;
    lnt_str_copy(out->cap_cause, sizeof out->cap_cause, cs.cause);
    out->band = out->cap_band > out->points_band ? out->cap_band : out->points_band;
    risk_flags(w, in, out);
    risk_evidence_flags(out);
    return LNT_OK;
}

enum lnt_err lnt_score_venue(const struct lnt_score_rules *rules, const struct lnt_score_input *in,
                             struct lnt_score_result *out, char *err)
{
    struct lnt_score_span sp = {0};
    enum lnt_err rc;
    int n = in->last_night - in->first_night + 1;

    memset(out, 0, sizeof *out);
    if (n < 1 || n > LNT_SCORE_WINDOW_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "window: %d nights: expected 1..%d", n,
                        LNT_SCORE_WINDOW_MAX);
    if (in->venue.capacity < 0)
        return lnt_fail(err, LNT_ERR_INVALID, "venue %lld: negative capacity",
                        (long long)in->venue.id);
    lnt_str_copy(out->bbn_version, sizeof out->bbn_version, rules->bbn->version);
    lnt_str_copy(out->risk_version, sizeof out->risk_version, rules->risk->version);
    out->venue_id = in->venue.id;
    lnt_str_copy(out->venue_name, sizeof out->venue_name, in->venue.name);
    lnt_str_copy(out->category, sizeof out->category, in->venue.category);
    out->capacity = in->venue.capacity;
    out->at = in->at;
    out->first_night = in->first_night;
    out->last_night = in->last_night;
    out->window = rules->risk->window;

    rc = lnt_score_span_build(rules, in, &sp, err);
    if (rc == LNT_OK)
        span_timely(&sp, in, rules->risk->timely_seconds);
    if (rc == LNT_OK)
        rc = score_bbn(rules->bbn, in, &sp, &out->bbn, err);
    if (rc == LNT_OK)
        rc = score_risk(rules->risk, in, &sp, &out->bbn, &out->risk, err);
    lnt_score_span_release(&sp);
    return rc;
}
