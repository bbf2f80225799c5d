/* web_score.c - the dashboard's scores: one venue through score_load.c (as the API's), leagues
 * through the one score cache (score_cache.h) that the API and the dashboard share. */
#include "web_int.h"

#include <string.h>

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
