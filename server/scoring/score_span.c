/* score_span.c - the scoring window (rolling nights or police quarters), and a venue's nightly
 * rollups laid out densely over it, cup counts carried as far as they are evidence. */
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "score_int.h"

static void date_text(int32_t days, char out[LNT_DATE_STRLEN])
{
    if (lnt_date_format(days, out) != LNT_OK)
        lnt_str_copy(out, LNT_DATE_STRLEN, "?");
}

void lnt_score_window(int64_t at, int days, int32_t *first, int32_t *last)
{
    *last = lnt_night_of(at) - 1;
    *first = *last - days + 1;
}

int32_t lnt_score_quarter_start(int32_t night)
{
    int y, m, d;
    lnt_civil_from_days(night, &y, &m, &d);
    return lnt_days_from_civil(y, (m - 1) / 3 * 3 + 1, 1);
}

void lnt_score_rules_window(const struct lnt_risk_weights *w, int64_t at, int back, int32_t *first,
                            int32_t *last)
{
    int32_t l = lnt_night_of(at) - 1;

    if (w == NULL || w->window != LNT_WINDOW_QUARTER) {
        int days = w != NULL && w->window_days > 0 ? w->window_days : 90;
        *last = l - back * days;
        *first = *last - days + 1;
        return;
    }
    for (int i = 0; i < back; i++)
        l = lnt_score_quarter_start(l) - 1;
    *last = l;
    *first = lnt_score_quarter_start(l);
}

int lnt_score_window_span(const struct lnt_risk_weights *w)
{
    return w->window == LNT_WINDOW_QUARTER ? LNT_QUARTER_NIGHTS_MAX : w->window_days;
}

const char *lnt_score_window_name(enum lnt_score_window_kind k)
{
    return k == LNT_WINDOW_QUARTER ? "quarter" : "rolling";
}

enum lnt_err lnt_score_window_parse(const char *s, enum lnt_score_window_kind *out)
{
    if (strcmp(s, "rolling") == 0)
        *out = LNT_WINDOW_ROLLING;
    else if (strcmp(s, "quarter") == 0)
        *out = LNT_WINDOW_QUARTER;
    else
        return LNT_ERR_INVALID;
    return LNT_OK;
}

enum lnt_err lnt_score_span_build(const struct lnt_score_rules *rules,
                                  const struct lnt_score_input *in, struct lnt_score_span *sp,
                                  char *err)
{
    int n = in->last_night - in->first_night + 1;
    int32_t seed_night = INT32_MIN;
    int32_t seed_level = -1, seed_threshold = 0;

    for (size_t i = 0; i < rules->bbn->n_criteria; i++)
        if (rules->bbn->criteria[i].window > n)
            n = rules->bbn->criteria[i].window;
    sp->base = in->last_night - n + 1;
    sp->n = n;
    sp->night = calloc((size_t)n, sizeof *sp->night);
    sp->trading = calloc((size_t)n, sizeof *sp->trading);
    if (sp->night == NULL || sp->trading == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "scoring: out of memory");
    for (int i = 0; i < n; i++) {
        sp->night[i].night = sp->base + i;
        sp->night[i].cup_level = -2; /* not given */
        sp->trading[i] = lnt_trading_is_night(&in->venue.trading, sp->base + i);
    }
    for (size_t i = 0; i < in->n_nights; i++) {
        const struct lnt_score_night *r = &in->nights[i];
        const int32_t counts[] = {r->contacts,
                                  r->door_shifts,
                                  r->door_shifts_sia_ok,
                                  r->door_shifts_vuln,
                                  r->angela_on_shift,
                                  r->staff_shifts,
                                  r->staff_shifts_bystander,
                                  r->shifts_open,
                                  r->incidents,
                                  r->incidents_recorded_1h,
                                  r->spiking_reports,
                                  r->spiking_complete,
                                  r->angela_requests,
                                  r->badges_refused};
        char d[LNT_DATE_STRLEN];
        date_text(r->night, d);
        for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++)
            if (counts[k] < 0)
                return lnt_fail(err, LNT_ERR_INVALID, "night %s: negative count", d);
        if (r->door_shifts_sia_ok > r->door_shifts || r->door_shifts_vuln > r->door_shifts ||
            r->staff_shifts_bystander > r->staff_shifts || r->shifts_open > r->staff_shifts ||
            r->incidents_recorded_1h > r->incidents || r->spiking_complete > r->spiking_reports)
            return lnt_fail(err, LNT_ERR_INVALID, "night %s: a part exceeds its whole", d);
        if (r->night > in->last_night)
            continue;
        if (r->night < sp->base) {
            if (r->cup_level >= 0 && r->night > seed_night && r->night >= in->venue.joined) {
                seed_night = r->night;
                seed_level = r->cup_level;
                seed_threshold = r->cup_threshold;
            }
            continue;
        }
        struct lnt_score_night *dst = &sp->night[r->night - sp->base];
        if (dst->cup_level != -2)
            return lnt_fail(err, LNT_ERR_INVALID, "night %s: given twice", d);
        *dst = *r;
    }
    for (int i = 0; i < n; i++) {
        struct lnt_score_night *r = &sp->night[i];
        if (r->cup_level == -2 || r->night < in->venue.joined)
            r->cup_level = -1;
        if (r->cup_level >= 0) {
            seed_level = r->cup_level;
            seed_threshold = r->cup_threshold;
        } else if (sp->trading[i] && r->contacts == 0) {
            seed_level = -1; /* silent: the count before it is no evidence after it */
        } else {
            r->cup_level = seed_level;
            r->cup_threshold = seed_threshold;
        }
    }
    return LNT_OK;
}

void lnt_score_span_release(struct lnt_score_span *sp)
{
    free(sp->night);
    free(sp->trading);
}
