/* web_score.c - the dashboard's scores: one venue through score_load.c (as the API's), leagues
 * through the one score cache (score_cache.h) that the API and the dashboard share. */
#include "web_int.h"

#include <string.h>

#include "ltime.h"

#include "score_cache.h"
#include "score_load.h"

void web_window(const struct lnt_web *w, int64_t at, int32_t *first, int32_t *last)
{
    lnt_league_window(w->rules, at, first, last);
}

enum lnt_err web_score_venue(struct lnt_web *w, const struct lnt_venue *v, int64_t at,
                             struct lnt_score_result *out, char *err)
{
    memset(out, 0, sizeof *out);
    if (w->rules == NULL)
        return lnt_fail(err, LNT_ERR_STATE, "no scoring rules are loaded");
    return lnt_score_load_venue(w->store, w->rules, v->id, at, out, err);
}

enum lnt_err web_league_get(struct lnt_web *w, const char *authority, int64_t at,
                            struct lnt_league **out, char *err)
{
    return lnt_score_cache_league(w->score_cache, w->store, w->rules, authority, at, out, err);
}

enum lnt_err web_league_one(struct lnt_web *w, int64_t venue_id, int64_t at,
                            struct lnt_league **out, char *err)
{
    return lnt_league_one(w->store, w->rules, venue_id, at, out, err);
}

void web_score_people(struct web_req *r, const struct lnt_score_result *s,
                      const struct lnt_risk_part *p)
{
    char d[LNT_DATE_STRLEN];

    if (p->kind != LNT_PART_GAP || !web_can_read_register(r))
        return;
    for (size_t i = 0; i < s->risk.n_people; i++) {
        const struct lnt_risk_person *x = &s->risk.people[i];
        if (lnt_date_format(x->night, d) != LNT_OK || strcmp(d, p->ref) != 0)
            continue;
        lnt_html_raw(&r->h, "<br/><span class=\"sia-person\">");
        lnt_html_txt(&r->h, x->name[0] != '\0' ? x->name : "name not on the staff register");
        lnt_html_raw(&r->h, " (staff ");
        lnt_html_txt(&r->h, x->staff_id);
        lnt_html_raw(&r->h, "), badge ");
        lnt_html_txt(&r->h, x->serial);
        lnt_html_raw(&r->h, ", licence ");
        lnt_html_txt(&r->h, x->sia_status);
        if (x->listed)
            lnt_html_raw(&r->h, " (the scheme&#8217;s listing; the badge said valid)");
        lnt_html_raw(&r->h, "</span>");
    }
}
