/* score_cache.h - recent venue scores shared by lanternd's API and dashboard, so a list of venues
 * is not rescored on every request. */
#ifndef LNT_SCORE_CACHE_H
#define LNT_SCORE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "score.h"

/*
 * What a list shows of a venue's score: the headline of a struct
 * lnt_score_result (risk band, points, trend; BBN accreditation and award).
 */
struct lnt_score_brief {
    enum lnt_band band;
    int64_t total_milli;
    enum lnt_trend trend;
    bool accredited;
    char award[LNT_SCORE_NAME_MAX]; /* "" = no award */
};

/*
 * A bounded table of briefs by venue id, each reused for at most `ttl_s`
 * seconds of the caller's clock. Writers of anything a score reads call
 * lnt_score_cache_invalidate (one venue: a batch of its events) or
 * lnt_score_cache_invalidate_all (findings, venue edits); a score computed
 * from data read before such a call is never installed after it (see the
 * ticket below). Direct-mapped: venue ids that share a slot evict each other,
 * which costs a rescore, never a wrong answer. Every function is safe from
 * several threads at once and does nothing (get: misses) on a NULL cache.
 */
struct lnt_score_cache;

#define LNT_SCORE_CACHE_SLOTS_MAX (1u << 20)

/*
 * A cache of `slots` entries (rounded up to a power of two, 1..LNT_SCORE_CACHE_SLOTS_MAX)
 * keeping briefs for `ttl_s` (>= 1) seconds. LNT_ERR_INVALID for bounds out of range,
 * LNT_ERR_NOMEM; *out is NULL on error. Free with lnt_score_cache_free.
 */
enum lnt_err lnt_score_cache_new(struct lnt_score_cache **out, size_t slots, int ttl_s, char *err);
/* NULL is a no-op. */
void lnt_score_cache_free(struct lnt_score_cache *c);

/*
 * true with *out filled when venue `venue_id` has a brief computed within
 * the TTL of `now` and not invalidated since. On a miss, *ticket is what to
 * pass to lnt_score_cache_put with the brief the caller then computes.
 */
bool lnt_score_cache_get(struct lnt_score_cache *c, int64_t venue_id, int64_t now,
                         struct lnt_score_brief *out, uint64_t *ticket);
/*
 * Keeps `b` for `venue_id` as computed at `now`, unless the venue (or all)
 * was invalidated after `ticket` was handed out: then the brief may be
 * stale and is dropped.
 */
void lnt_score_cache_put(struct lnt_score_cache *c, int64_t venue_id, uint64_t ticket, int64_t now,
                         const struct lnt_score_brief *b);
/* Forgets venue `venue_id`'s brief, and any being computed now. */
void lnt_score_cache_invalidate(struct lnt_score_cache *c, int64_t venue_id);
/* Forgets every brief, and any being computed now. */
void lnt_score_cache_invalidate_all(struct lnt_score_cache *c);
/* Lookups that hit and that missed since the cache was made. */
void lnt_score_cache_stats(struct lnt_score_cache *c, uint64_t *hits, uint64_t *misses);

#endif
