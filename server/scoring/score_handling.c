/* score_handling.c - how a report's handling and timing count: credit, floor, A6's pattern. */
#include "score_handling_int.h"

#include <stdio.h>

#include "ltime.h"

bool lnt_score_by_the_book(const struct lnt_risk_kind *k, const struct lnt_score_incident *x)
{
    return x->complete && (!k->police_required || x->police_called);
}

bool lnt_score_saved_late(const struct lnt_risk_weights *w, const struct lnt_score_incident *x)
{
    return x->record_delay < 0 || x->record_delay > w->timely_seconds;
}

/*
 * The timely step rewards a prompt first save of a report not otherwise handled by the book; a
 * report handled by the book earns it however late it was saved, so a venue's own complete
 * report never costs more than silence: its lateness is a data-quality note (and, as a
 * pattern, A6), never points.
 */
int32_t lnt_score_credit(const struct lnt_risk_weights *w, const struct lnt_risk_kind *k,
                         const struct lnt_score_incident *x)
{
    bool police_ok = !k->police_required || x->police_called;
    bool timely = !lnt_score_saved_late(w, x) || lnt_score_by_the_book(k, x);

    return (x->complete ? w->credit_complete_milli : 0) + (timely ? w->credit_timely_milli : 0) +
           (police_ok ? w->credit_police_milli : 0);
}

/* 30 nights with none of the credit, 15 with half, none handled by the book: it fades with
 * handling and age, and ends at a configured age rather than at the window's edge. */
int64_t lnt_score_floor_nights(const struct lnt_risk_weights *w, const struct lnt_score_incident *x,
                               int32_t credit_milli)
{
    if (x->severity < w->serious_severity || credit_milli >= 1000)
        return 0;
    return ((int64_t)w->serious_nights * (1000 - credit_milli) + 500) / 1000;
}

void lnt_score_pattern(const struct lnt_bbn_criterion *c, struct lnt_bbn_line *ln)
{
    char d1[LNT_DATE_STRLEN] = "?", d2[LNT_DATE_STRLEN] = "?";
    int64_t failing = ln->den - ln->num;
    const char *what;

    if (c->min_failures <= 1 || ln->status != LNT_BBN_NOT_MET || failing >= c->min_failures ||
        ln->den <= 0)
        return;
    ln->status = LNT_BBN_MET;
    (void)lnt_date_format(ln->first, d1);
    (void)lnt_date_format(ln->last, d2);
    if (c->metric == LNT_METRIC_RECORDED_1H)
        what = failing == 1 ? "late report is" : "late reports are";
    else
        what = failing == 1 ? "miss is" : "misses are";
    snprintf(ln->note, sizeof ln->note,
             "%lld of %lld (%lld%%), below %d%% but %lld %s fewer than the %d that make a "
             "pattern, %s..%s",
             (long long)ln->num, (long long)ln->den, (long long)(ln->num * 100 / ln->den),
             c->threshold_pct, (long long)failing, what, c->min_failures, d1, d2);
}
