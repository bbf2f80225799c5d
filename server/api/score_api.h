/* score_api.h - the scoring side of the officer API (api_score.c). */
#ifndef LNT_SCORE_API_H
#define LNT_SCORE_API_H

#include <stdint.h>

#include "api.h"

/*
 * The api->venue_score hook: sets "score" on a venue's JSON object to
 * {"band", "total_milli", "trend", "accredited", "award"} at the server's
 * clock, or leaves it null when the venue cannot be scored (logged).
 * Safe from several threads at once. lanternd installs it with
 *     api.venue_score = lnt_api_score_venue_summary;
 */
void lnt_api_score_venue_summary(struct lnt_api *api, int64_t venue_id, struct json_t *venue);

struct lnt_http_response;
struct lnt_score_rules;
/* The scoring rules, loaded once per process; NULL with a 500 problem in `resp` when they cannot
 * be. */
const struct lnt_score_rules *lnt_api_score_rules(struct lnt_http_response *resp);

#endif
