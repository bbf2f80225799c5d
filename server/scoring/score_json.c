/* score_json.c - a score as JSON (sorted keys, compact, integers only) and as text for a terminal.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "night.h"
#include "score.h"
#include "score_summary.h"

/*
 * Objects are built with a sticky failure flag: any allocation that fails
 * makes the whole encoding fail with LNT_ERR_NOMEM, never a partial answer.
 */
struct jb {
    bool bad;
};

static void put(struct jb *b, json_t *obj, const char *key, json_t *v)
{
    if (obj == NULL || v == NULL || json_object_set_new(obj, key, v) != 0)
        b->bad = true;
}

static void push(struct jb *b, json_t *arr, json_t *v)
{
    if (arr == NULL || v == NULL || json_array_append_new(arr, v) != 0)
        b->bad = true;
}

static json_t *jdate(int32_t days)
{
    char d[LNT_DATE_STRLEN];
    if (days == 0 || lnt_date_format(days, d) != LNT_OK)
        return json_null();
    return json_string(d);
}

/* Text for a person, with its UTC times and ISO dates in London's one human form. */
static json_t *jlocal(const char *text)
{
    char local[LNT_SCORE_TEXT_MAX * 2];
    (void)lnt_local_text(text, local, sizeof local); /* cut to fit: a note */
    return json_string(local);
}

enum lnt_score_link lnt_risk_part_link(const struct lnt_risk_part *p, int32_t *night)
{
    int32_t d;

    if (p->ref[0] == '\0')
        return LNT_LINK_NONE;
    if (p->kind == LNT_PART_INCIDENT)
        return LNT_LINK_INCIDENT;
    if (lnt_date_parse(p->ref, &d) == LNT_OK) {
        if (night != NULL)
            *night = d;
        return LNT_LINK_NIGHT;
    }
    return LNT_LINK_CRITERION;
}

void lnt_score_short_id(const char *report_id, char out[LNT_SCORE_SHORT_ID])
{
    size_t n = strnlen(report_id, LNT_SCORE_SHORT_ID - 1);
    memcpy(out, report_id, n);
    out[n] = '\0';
}

static json_t *jmilli(int64_t m)
{
    char s[32];
    lnt_score_milli_format(m, s);
    return json_string(s);
}

static json_t *jtally(struct jb *b, int met, int total)
{
    json_t *o = json_object();
    put(b, o, "met", json_integer(met));
    put(b, o, "total", json_integer(total));
    return o;
}

static json_t *bbn_line_json(struct jb *b, const struct lnt_bbn_line *ln)
{
    json_t *o = json_object();
    char section[2] = {ln->section, '\0'};

    put(b, o, "id", json_string(ln->id));
    put(b, o, "section", json_string(section));
    put(b, o, "tier", json_string(lnt_bbn_tier_name(ln->tier)));
    put(b, o, "source", json_string(lnt_bbn_metric_name(ln->metric)));
    put(b, o, "status", json_string(lnt_bbn_status_name(ln->status)));
    put(b, o, "note", json_string(ln->note));
    put(b, o, "note_local", jlocal(ln->note));
    if (ln->metric != LNT_METRIC_FINDING && ln->first != 0) {
        put(b, o, "num", json_integer(ln->num));
        put(b, o, "den", json_integer(ln->den));
        put(b, o, "threshold_pct", json_integer(ln->threshold_pct));
        put(b, o, "first", jdate(ln->first));
        put(b, o, "last", jdate(ln->last));
        put(b, o, "trading_nights", json_integer(ln->nights_trading));
        put(b, o, "nights_seen", json_integer(ln->nights_seen));
    }
    if (ln->metric == LNT_METRIC_FINDING) {
        put(b, o, "finding_date", jdate(ln->finding_date));
        put(b, o, "valid_until", jdate(ln->finding_until));
        put(b, o, "finding_id", ln->finding_id != 0 ? json_integer(ln->finding_id) : json_null());
    }
    return o;
}

static json_t *bbn_json(struct jb *b, const struct lnt_bbn_result *r)
{
    json_t *o = json_object(), *lines = json_array();

    put(b, o, "scored", json_boolean(r->scored));
    put(b, o, "note", json_string(r->note));
    put(b, o, "accredited", json_boolean(r->accredited));
    put(b, o, "award", r->award[0] ? json_string(r->award) : json_null());
    put(b, o, "essential", jtally(b, r->essential_met, r->essential_total));
    put(b, o, "desired", jtally(b, r->desired_met, r->desired_total));
    put(b, o, "bonus", jtally(b, r->bonus_met, r->bonus_total));
    for (size_t i = 0; i < r->n_lines; i++)
        push(b, lines, bbn_line_json(b, &r->lines[i]));
    put(b, o, "criteria", lines);
    return o;
}

/* The people behind a door-licensing gap line (ref = its night), when the result has them. */
static void people_json(struct jb *b, json_t *o, const struct lnt_risk_part *p,
                        const struct lnt_risk_result *r)
{
    char d[LNT_DATE_STRLEN];
    json_t *list = NULL;

    for (size_t i = 0; p->kind == LNT_PART_GAP && i < r->n_people; i++) {
        const struct lnt_risk_person *x = &r->people[i];
        json_t *one;
        if (lnt_date_format(x->night, d) != LNT_OK || strcmp(d, p->ref) != 0)
            continue;
        if (list == NULL)
            list = json_array();
        one = json_object();
        put(b, one, "staff_id", json_string(x->staff_id));
        put(b, one, "name", json_string(x->name));
        put(b, one, "badge_serial", json_string(x->serial));
        put(b, one, "sia_status", json_string(x->sia_status));
        put(b, one, "listed", json_boolean(x->listed));
        push(b, list, one);
    }
    if (list != NULL)
        put(b, o, "people", list);
}

static json_t *part_json(struct jb *b, const struct lnt_risk_part *p,
                         const struct lnt_risk_result *r)
{
    json_t *o = json_object();
    char short_id[LNT_SCORE_SHORT_ID];
    int32_t night = 0;

    put(b, o, "kind", json_string(lnt_risk_part_kind_name(p->kind)));
    put(b, o, "ref", json_string(p->ref));
    put(b, o, "cause", json_string(p->cause));
    put(b, o, "cause_local", jlocal(p->cause));
    switch (lnt_risk_part_link(p, &night)) {
    case LNT_LINK_INCIDENT:
        lnt_score_short_id(p->ref, short_id);
        put(b, o, "incident", json_string(p->ref));
        put(b, o, "incident_short", json_string(short_id));
        break;
    case LNT_LINK_NIGHT:
        put(b, o, "night", jdate(night));
        break;
    case LNT_LINK_CRITERION:
        put(b, o, "criterion", json_string(p->ref));
        break;
    default:
        break;
    }
    put(b, o, "points_milli", json_integer(p->points_milli));
    put(b, o, "points", jmilli(p->points_milli));
    if (p->kind == LNT_PART_INCIDENT) {
        put(b, o, "base_milli", json_integer(p->base_milli));
        put(b, o, "age", json_integer(p->age));
        put(b, o, "decay_ppm", json_integer(p->decay_ppm));
        put(b, o, "decayed_milli", json_integer(p->decayed_milli));
        put(b, o, "credit_milli", json_integer(p->credit_milli));
        put(b, o, "mitigated_milli", json_integer(p->mitigated_milli));
    } else {
        put(b, o, "count", json_integer(p->count));
        put(b, o, "unit_milli", json_integer(p->unit_milli));
        people_json(b, o, p, r);
    }
    return o;
}

/* The points by cause, most first: the parts' points summed by lnt_risk_cause_of. */
static json_t *causes_json(struct jb *b, const struct lnt_risk_result *r)
{
    struct lnt_risk_cause_total t[LNT_SCORE_CAUSES];
    json_t *a = json_array();

    lnt_risk_causes(r, t);
    for (size_t i = 0; i < LNT_SCORE_CAUSES; i++) {
        json_t *o = json_object();
        put(b, o, "cause", json_string(lnt_risk_cause_name(t[i].cause)));
        put(b, o, "points_milli", json_integer(t[i].points_milli));
        put(b, o, "points", jmilli(t[i].points_milli));
        put(b, o, "lines", json_integer((json_int_t)t[i].lines));
        push(b, a, o);
    }
    return a;
}

/* Whether the venue has had its window, from when, and the silence flag. */
static void evidence_json(struct jb *b, json_t *o, const struct lnt_risk_result *r)
{
    json_t *silence = json_object();

    put(b, o, "scored", json_boolean(r->scored));
    put(b, o, "scored_note", json_string(r->scored_note));
    put(b, o, "window_nights", json_integer(r->window_nights));
    put(b, o, "evidence_from", jdate(r->evidence_from));
    put(b, silence, "flag", json_boolean(r->silence));
    put(b, silence, "note", json_string(r->silence_note));
    put(b, silence, "nights", json_integer(r->silent_nights));
    put(b, o, "silence", silence);
}

static json_t *risk_json(struct jb *b, const struct lnt_risk_result *r)
{
    json_t *o = json_object(), *parts = json_array(), *cap, *late, *trend, *review, *low;

    put(b, o, "total_milli", json_integer(r->total_milli));
    put(b, o, "total", jmilli(r->total_milli));
    put(b, o, "band", json_string(lnt_band_name(r->band)));
    /* the band from points and the floor a finding sets, apart; `band` is the worse of the two */
    put(b, o, "band_from_points", json_string(lnt_band_name(r->points_band)));
    put(b, o, "floor",
        r->cap_band != LNT_BAND_NONE ? json_string(lnt_band_name(r->cap_band)) : json_null());
    put(b, o, "floor_reason", json_string(r->cap_cause));
    /* the names before the floor was called one: kept for existing clients */
    put(b, o, "points_band", json_string(lnt_band_name(r->points_band)));
    if (r->cap_band != LNT_BAND_NONE) {
        cap = json_object();
        put(b, cap, "band", json_string(lnt_band_name(r->cap_band)));
        put(b, cap, "cause", json_string(r->cap_cause));
        put(b, cap, "cause_local", jlocal(r->cap_cause));
    } else {
        cap = json_null();
    }
    put(b, o, "cap", cap);
    late = json_object();
    put(b, late, "count", json_integer(r->late_reports));
    put(b, late, "note", json_string(r->late_note));
    put(b, o, "late_reports", late);
    put(b, o, "trading_nights", json_integer(r->trading_nights));
    put(b, o, "silent_nights", json_integer(r->silent_nights));
    put(b, o, "incidents", json_integer(r->incidents));
    put(b, o, "exposure", json_integer(r->exposure));
    put(b, o, "exposure_used", json_integer(r->exposure_used));
    trend = json_object();
    put(b, trend, "direction", json_string(lnt_trend_name(r->trend)));
    put(b, trend, "delta_milli", json_integer(r->trend_delta_milli));
    put(b, o, "trend", trend);
    review = json_object();
    put(b, review, "flag", json_boolean(r->review));
    put(b, review, "note", json_string(r->review_note));
    put(b, o, "review", review);
    low = json_object();
    put(b, low, "flag", json_boolean(r->low_reporting));
    put(b, low, "note", json_string(r->low_reporting_note));
    put(b, low, "expected_milli", json_integer(r->expected_milli));
    put(b, o, "low_reporting", low);
    evidence_json(b, o, r);
    for (size_t i = 0; i < r->n_parts; i++)
        push(b, parts, part_json(b, &r->parts[i], r));
    put(b, o, "parts", parts);
    put(b, o, "causes", causes_json(b, r));
    return o;
}

enum lnt_err lnt_score_to_json(const struct lnt_score_result *r, struct lnt_buf *out, char *err)
{
    struct jb b = {false};
    json_t *o = json_object(), *venue = json_object(), *window = json_object(),
           *rules = json_object();
    char at[LNT_TIME_STRLEN], at_local[LNT_LOCAL_TIME_STRLEN];
    char *text = NULL;
    enum lnt_err rc = LNT_OK;

    put(&b, venue, "id", json_integer(r->venue_id));
    put(&b, venue, "name", json_string(r->venue_name));
    put(&b, venue, "category", json_string(r->category));
    put(&b, venue, "capacity", json_integer(r->capacity));
    put(&b, o, "venue", venue);
    put(&b, rules, "bbn", json_string(r->bbn_version));
    put(&b, rules, "risk", json_string(r->risk_version));
    put(&b, o, "rules", rules);
    put(&b, window, "first", jdate(r->first_night));
    put(&b, window, "last", jdate(r->last_night));
    put(&b, window, "nights", json_integer(r->last_night - r->first_night + 1));
    put(&b, window, "type", json_string(lnt_score_window_name(r->window)));
    put(&b, o, "window", window);
    put(&b, o, "at", lnt_time_format(r->at, at) == LNT_OK ? json_string(at) : json_null());
    put(&b, o, "at_local",
        lnt_local_time_format(r->at, at_local) == LNT_OK ? json_string(at_local) : json_null());
    put(&b, o, "bbn", bbn_json(&b, &r->bbn));
    put(&b, o, "risk", risk_json(&b, &r->risk));
    if (!b.bad)
        text = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
    if (text == NULL) {
        /* json_string refuses invalid UTF-8, which names and notes could carry */
        rc = lnt_fail(err, LNT_ERR_NOMEM, "score: could not encode JSON (memory or invalid UTF-8)");
        goto out;
    }
    rc = lnt_buf_puts(out, text);
    if (rc != LNT_OK)
        lnt_fail(err, rc, "score: JSON over the output buffer's bound");
out:
    free(text);
    json_decref(o);
    return rc;
}

enum lnt_err lnt_score_to_text(const struct lnt_score_result *r, struct lnt_buf *out, char *err)
{
    struct lnt_buf b;
    char d1[LNT_DATE_STRLEN], d2[LNT_DATE_STRLEN], at[LNT_TIME_STRLEN], m[32], m2[32];
    const struct lnt_risk_result *k = &r->risk;
    char *local = NULL;
    enum lnt_err rc = LNT_OK;

    lnt_buf_init(&b, out->max > out->len ? out->max - out->len : 0);
    if (lnt_date_format(r->first_night, d1) != LNT_OK ||
        lnt_date_format(r->last_night, d2) != LNT_OK || lnt_time_format(r->at, at) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "score: window or time out of range");
    rc |= lnt_buf_printf(&b, "venue %lld %s (%s, capacity %d)\n", (long long)r->venue_id,
                         r->venue_name, r->category, r->capacity);
    rc |= lnt_buf_printf(&b, "at %s, nights %s..%s, rules %s + %s\n", at, d1, d2, r->bbn_version,
                         r->risk_version);
    rc |= lnt_buf_printf(&b, "\nBest Bar None: %s%s%s\n", r->bbn.note,
                         r->bbn.award[0] ? ", award " : "", r->bbn.award);
    for (size_t i = 0; i < r->bbn.n_lines; i++) {
        const struct lnt_bbn_line *ln = &r->bbn.lines[i];
        rc |= lnt_buf_printf(&b, "  %-6s %-9s %-14s %s\n", ln->id, lnt_bbn_tier_name(ln->tier),
                             lnt_bbn_status_name(ln->status), ln->note);
    }
    lnt_score_milli_format(k->total_milli, m);
    if (!k->scored)
        rc |= lnt_buf_printf(&b, "\nRisk: %s, %s points\n", k->scored_note, m);
    else
        rc |= lnt_buf_printf(&b, "\nRisk: %s, %s points (band from points: %s)\n",
                             lnt_band_name(k->band), m, lnt_band_name(k->points_band));
    if (k->cap_band != LNT_BAND_NONE)
        rc |= lnt_buf_printf(&b, "  at least %s because %s\n", lnt_band_name(k->cap_band),
                             k->cap_cause);
    rc |= lnt_buf_printf(&b,
                         "  %d trading nights, %d silent, %d incidents, exposure %lld "
                         "capacity-nights (used %lld)\n",
                         k->trading_nights, k->silent_nights, k->incidents, (long long)k->exposure,
                         (long long)k->exposure_used);
    for (size_t i = 0; i < k->n_parts; i++) {
        const struct lnt_risk_part *p = &k->parts[i];
        lnt_score_milli_format(p->points_milli, m);
        rc |= lnt_buf_printf(&b, "  %9s  %-8s %s\n", m, lnt_risk_part_kind_name(p->kind), p->cause);
        for (size_t j = 0; p->kind == LNT_PART_GAP && j < k->n_people; j++) {
            const struct lnt_risk_person *x = &k->people[j];
            char d[LNT_DATE_STRLEN];
            if (lnt_date_format(x->night, d) != LNT_OK || strcmp(d, p->ref) != 0)
                continue;
            rc |= lnt_buf_printf(&b, "  %9s  %-8s   %s (staff %s), badge %s, licence %s%s\n", "",
                                 "", x->name[0] ? x->name : "name not on the staff register",
                                 x->staff_id, x->serial, x->sia_status,
                                 x->listed ? " (the scheme's listing)" : "");
        }
    }
    lnt_score_milli_format(k->trend_delta_milli, m2);
    rc |= lnt_buf_printf(&b, "  trend: %s (%s)\n", lnt_trend_name(k->trend), m2);
    if (k->review)
        rc |= lnt_buf_printf(&b, "  REVIEW: %s\n", k->review_note);
    if (k->low_reporting)
        rc |= lnt_buf_printf(&b, "  DATA QUALITY: %s\n", k->low_reporting_note);
    if (k->silence)
        rc |= lnt_buf_printf(&b, "  DATA QUALITY: %s\n", k->silence_note);
    if (k->late_reports > 0)
        rc |= lnt_buf_printf(&b, "  DATA QUALITY: %s\n", k->late_note);
    /* for a person: every UTC time and ISO date in London's one human form, as on the pages */
    if (rc == LNT_OK && (local = malloc(b.len * 2 + 1)) == NULL)
        rc = LNT_ERR_NOMEM;
    if (rc == LNT_OK &&
        lnt_local_text(b.data != NULL ? b.data : "", local, b.len * 2 + 1) != LNT_OK)
        rc = LNT_ERR_TOO_LARGE;
    if (rc == LNT_OK)
        rc = lnt_buf_puts(out, local);
    if (rc == LNT_ERR_NOMEM)
        rc = lnt_fail(err, rc, "score: out of memory");
    else if (rc != LNT_OK)
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "score: text over the output buffer's bound");
    free(local);
    lnt_buf_release(&b);
    return rc;
}
