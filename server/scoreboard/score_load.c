/* score_load.c - scores and task-force reports from the store: its rollups, registers and views. */
#include "score_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "night.h"
#include "store_events.h"
#include "store_registers.h"

#define WINDOWS 3            /* the window, the one before (trend), the one before that (review) */
#define INCIDENTS_MAX 100000 /* per venue over three windows; more is refused, not truncated */

/* Everything one venue's three windows read, in one place. */
struct venue_load {
    struct lnt_score_venue venue;
    int32_t base, last;             /* the nights loaded */
    struct lnt_score_night *nights; /* last - base + 1 */
    size_t n_nights;
    struct lnt_score_incident *incidents;
    size_t n_incidents, cap_incidents;
    struct lnt_score_finding *findings;
    size_t n_findings;
    struct lnt_shift *unlicensed; /* door shifts without a valid licence, by night */
    size_t n_unlicensed;
    enum lnt_err rc; /* from the incident walk */
};

static void venue_load_release(struct venue_load *l)
{
    free(l->nights);
    free(l->incidents);
    free(l->findings);
    free(l->unlicensed);
    memset(l, 0, sizeof *l);
}

static int add_incident(void *ctx, const struct lnt_incident *x)
{
    struct venue_load *l = ctx;
    struct lnt_score_incident *d;

    if (l->n_incidents == l->cap_incidents) {
        size_t cap = l->cap_incidents ? l->cap_incidents * 2 : 64;
        struct lnt_score_incident *v;
        if (cap > INCIDENTS_MAX) {
            l->rc = LNT_ERR_TOO_LARGE;
            return 1;
        }
        v = realloc(l->incidents, cap * sizeof *v);
        if (v == NULL) {
            l->rc = LNT_ERR_NOMEM;
            return 1;
        }
        l->incidents = v;
        l->cap_incidents = cap;
    }
    d = &l->incidents[l->n_incidents++];
    memset(d, 0, sizeof *d);
    lnt_str_copy(d->id, sizeof d->id, x->report_id);
    lnt_str_copy(d->kind, sizeof d->kind, x->kind);
    /* the wire codec bounds severity; a stored value outside 1..5 is clamped, never fatal */
    d->severity = x->severity < 1 ? 1 : x->severity > 5 ? 5 : x->severity;
    d->occurred_at = x->occurred_at;
    d->police_called = x->police_called;
    d->complete = x->complete;
    d->record_delay = x->first_recorded_at - x->occurred_at;
    return 0;
}

/* `first`: the first row loaded, which carries the level from before the rows; any other
 * row gives a level only when counted that night (scoring carries it, see score.c). */
static void fill_night(const struct lnt_night_rollup *r, int32_t threshold, bool first,
                       struct lnt_score_night *out)
{
    memset(out, 0, sizeof *out);
    out->night = r->night;
    out->contacts = r->contacts;
    out->door_shifts = r->door_shifts;
    out->door_shifts_sia_ok = r->door_sia_ok;
    out->door_shifts_vuln = r->door_vuln_trained;
    out->angela_on_shift = r->angela_on_shift > 0;
    out->staff_shifts = r->staff_shifts;
    out->staff_shifts_bystander = r->staff_bystander;
    out->shifts_open = r->open_shifts;
    out->incidents = r->incidents;
    out->incidents_recorded_1h = r->incidents_within_hour;
    out->spiking_reports = r->spiking;
    out->spiking_complete = r->spiking_complete;
    out->angela_requests = r->angela;
    out->badges_refused = r->refused;
    out->cup_level = r->cup_level_known && (first || r->stock_events > 0)
                         ? (r->cup_level > 0 ? r->cup_level : 0)
                         : -1;
    out->cup_threshold = threshold;
}

/*
 * The door shifts worked without a valid SIA licence over the nights loaded. The rollups
 * counted a shift by what its badge said at the sign-in; a licence the scheme lists as
 * suspended or revoked on the shift's date (listed then or since) makes it unlicensed too.
 */
static enum lnt_err unlicensed_load(struct lnt_store *s, int64_t venue_id, struct venue_load *l,
                                    char *err)
{
    enum lnt_err rc = lnt_store_door_unlicensed(s, venue_id, l->base, l->last, &l->unlicensed,
                                                &l->n_unlicensed, err);

    for (size_t i = 0; rc == LNT_OK && i < l->n_unlicensed; i++) {
        const struct lnt_shift *h = &l->unlicensed[i];
        if (!h->sia_listed)
            continue; /* the rollup counted it as unlicensed already */
        for (size_t k = 0; k < l->n_nights; k++)
            if (l->nights[k].night == h->night && l->nights[k].door_shifts_sia_ok > 0) {
                l->nights[k].door_shifts_sia_ok--;
                break;
            }
    }
    return rc;
}

/* Names the people behind the scored window's unlicensed door shifts (see score.h). */
static enum lnt_err people_fill(const struct venue_load *l, struct lnt_score_result *out, char *err)
{
    size_t n = 0;

    for (size_t i = 0; i < l->n_unlicensed; i++)
        n +=
            l->unlicensed[i].night >= out->first_night && l->unlicensed[i].night <= out->last_night;
    if (n == 0)
        return LNT_OK;
    out->risk.people = calloc(n, sizeof *out->risk.people);
    if (out->risk.people == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "scoring: out of memory");
    for (size_t i = 0; i < l->n_unlicensed; i++) {
        const struct lnt_shift *h = &l->unlicensed[i];
        struct lnt_risk_person *p;
        const char *st = lnt_sia_status_name(h->sia_status);
        if (h->night < out->first_night || h->night > out->last_night)
            continue;
        p = &out->risk.people[out->risk.n_people++];
        p->night = h->night;
        lnt_str_copy(p->staff_id, sizeof p->staff_id, h->staff_id);
        lnt_str_copy(p->name, sizeof p->name, h->staff_name);
        lnt_str_copy(p->serial, sizeof p->serial, h->serial);
        lnt_str_copy(p->sia_status, sizeof p->sia_status, st != NULL ? st : "unknown");
        p->listed = h->sia_listed;
    }
    return LNT_OK;
}

void lnt_score_load_hide_people(struct lnt_score_result *r)
{
    free(r->risk.people);
    r->risk.people = NULL;
    r->risk.n_people = 0;
}

static enum lnt_err venue_load(struct lnt_store *s, const struct lnt_score_rules *rules,
                               const struct lnt_venue *v, int32_t last, struct venue_load *l,
                               char *err)
{
    struct lnt_night_rollup *rows = NULL;
    struct lnt_finding *f = NULL;
    struct lnt_incident_filter filter = {.venue_id = v->id};
    size_t n = 0, nf = 0;
    int w = lnt_score_window_span(rules->risk), span = w;
    enum lnt_err rc;

    memset(l, 0, sizeof *l);
    for (size_t i = 0; i < rules->bbn->n_criteria; i++)
        if (rules->bbn->criteria[i].window > span)
            span = rules->bbn->criteria[i].window;
    l->last = last;
    l->base = last - (WINDOWS - 1) * w - span + 1;
    l->venue.id = v->id;
    lnt_str_copy(l->venue.name, sizeof l->venue.name, v->name);
    lnt_str_copy(l->venue.category, sizeof l->venue.category, lnt_venue_category_name(v->category));
    lnt_str_copy(l->venue.area, sizeof l->venue.area, v->area);
    l->venue.capacity = v->capacity;
    /* no kiosk, no contact and no date from the scheme: it has not joined yet */
    l->venue.joined = v->evidence_from != 0 ? v->evidence_from : last + 1;
    if (lnt_trading_parse(v->trading[0] ? v->trading : lnt_trading_default(l->venue.category),
                          &l->venue.trading, err) != LNT_OK)
        return lnt_fail_prefix(err, LNT_ERR_INVALID, "venue %lld: trading: ", (long long)v->id);

    rc = lnt_store_rollup_nights(s, v->id, l->base, last, &rows, &n, err);
    if (rc != LNT_OK)
        goto out;
    l->nights = calloc(n ? n : 1, sizeof *l->nights);
    if (l->nights == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "scoring: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        fill_night(&rows[i], v->cup_cover_threshold, i == 0, &l->nights[i]);
    l->n_nights = n;
    rc = unlicensed_load(s, v->id, l, err);
    if (rc != LNT_OK)
        goto out;

    /* a night starts at 06:00 local on its date: a day's margin either side covers it */
    filter.from = (int64_t)(l->base - 1) * 86400;
    filter.to = (int64_t)(last + 2) * 86400;
    rc = lnt_store_incident_each(s, &filter, add_incident, l, err);
    if (rc == LNT_OK && l->rc != LNT_OK)
        rc = lnt_fail(err, l->rc, "venue %lld: %s incidents to score", (long long)v->id,
                      l->rc == LNT_ERR_TOO_LARGE ? "too many" : "no memory for its");
    if (rc != LNT_OK)
        goto out;

    rc = lnt_store_finding_list(s, v->id, &f, &nf, err);
    if (rc != LNT_OK)
        goto out;
    l->findings = calloc(nf ? nf : 1, sizeof *l->findings);
    if (l->findings == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "scoring: out of memory");
        goto out;
    }
    for (size_t i = 0; i < nf; i++) {
        struct lnt_score_finding *d = &l->findings[i];
        d->id = f[i].id;
        lnt_str_copy(d->criterion, sizeof d->criterion, f[i].criterion);
        d->met = f[i].met;
        lnt_str_copy(d->evidence, sizeof d->evidence, f[i].evidence); /* cut to fit: a note */
        lnt_str_copy(d->assessor, sizeof d->assessor, f[i].assessor);
        d->date = f[i].found_on;
        d->valid_until = f[i].valid_until;
    }
    l->n_findings = nf;
out:
    free(rows);
    free(f);
    return rc;
}

/* The input for the window `back` windows before the one at `at` (the rules' window: rolling
 * nights or police quarters, lnt_score_rules_window). */
static void window_input(const struct venue_load *l, const struct lnt_risk_weights *w, int back,
                         int64_t at, struct lnt_score_input *in)
{
    memset(in, 0, sizeof *in);
    in->venue = l->venue;
    lnt_score_rules_window(w, at, back, &in->first_night, &in->last_night);
    /* the instant that window was scored at: findings and incidents after it do not count.
       Windows are London nights, so step back by London calendar days: the same wall-clock
       time, 23 or 25 hours a day across a clock change */
    in->at = lnt_london_days_before(at, (int)(l->last - in->last_night));
    in->nights = l->nights;
    in->n_nights = l->n_nights;
    in->incidents = l->incidents;
    in->n_incidents = l->n_incidents;
    in->findings = l->findings;
    in->n_findings = l->n_findings;
}

static enum lnt_err score_loaded(const struct lnt_score_rules *rules, const struct venue_load *l,
                                 int64_t at, struct lnt_score_result *out, char *err)
{
    const struct lnt_risk_weights *w = rules->risk;
    struct lnt_score_input in;
    struct lnt_score_result prev;
    enum lnt_band prev2 = LNT_BAND_NONE;
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    window_input(l, w, 2, at, &in);
    rc = lnt_score_venue(rules, &in, &prev, err);
    prev2 = prev.risk.band;
    lnt_score_result_release(&prev);
    if (rc != LNT_OK)
        return rc;
    window_input(l, w, 1, at, &in);
    rc = lnt_score_venue(rules, &in, &prev, err);
    if (rc != LNT_OK) {
        lnt_score_result_release(&prev);
        return rc;
    }
    window_input(l, w, 0, at, &in);
    in.prev.known = prev.risk.scored; /* a window before joining is no baseline */
    in.prev.band = prev.risk.band;
    in.prev.total_milli = prev.risk.total_milli;
    in.prev2_band = prev2;
    lnt_score_result_release(&prev);
    rc = lnt_score_venue(rules, &in, out, err);
    return rc == LNT_OK ? people_fill(l, out, err) : rc;
}

enum lnt_err lnt_score_load_venue(struct lnt_store *s, const struct lnt_score_rules *rules,
                                  int64_t venue_id, int64_t at, struct lnt_score_result *out,
                                  char *err)
{
    struct lnt_venue v;
    struct venue_load l;
    int32_t first, last;
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    rc = lnt_store_venue_get(s, venue_id, &v, err);
    if (rc != LNT_OK)
        return rc;
    lnt_score_rules_window(rules->risk, at, 0, &first, &last);
    rc = venue_load(s, rules, &v, last, &l, err);
    if (rc == LNT_OK)
        rc = score_loaded(rules, &l, at, out, err);
    venue_load_release(&l);
    return rc;
}

enum lnt_err lnt_score_load_rank(struct lnt_store *s, const struct lnt_score_rules *rules,
                                 const char *authority, int64_t at, struct lnt_rank_venue **out,
                                 size_t *n_out, char *err)
{
    struct lnt_venue *v = NULL;
    struct lnt_rank_venue *r = NULL;
    size_t n = 0;
    int32_t first, last;
    enum lnt_err rc;

    *out = NULL;
    *n_out = 0;
    lnt_score_rules_window(rules->risk, at, 0, &first, &last);
    rc = lnt_store_venue_list_by(s, authority, false, &v, &n, err);
    if (rc != LNT_OK || n == 0)
        goto out;
    r = calloc(n, sizeof *r);
    if (r == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "ranking: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        struct venue_load l;
        struct lnt_score_result res;
        memset(&res, 0, sizeof res);
        rc = venue_load(s, rules, &v[i], last, &l, err);
        if (rc == LNT_OK)
            rc = score_loaded(rules, &l, at, &res, err);
        if (rc == LNT_OK)
            lnt_report_rank_from(&res, v[i].area, &r[i]);
        lnt_score_result_release(&res);
        venue_load_release(&l);
        if (rc != LNT_OK)
            goto out;
    }
    lnt_report_rank_sort(r, n);
    *out = r;
    *n_out = n;
    r = NULL;
out:
    free(r);
    free(v);
    return rc;
}
