/* score_cache.h - the one cache of scores in lanternd: venues' headline scores for the API's
 * lists and the league tables for the dashboard, with one invalidation that every writer calls. */
#ifndef LNT_SCORE_CACHE_H
#define LNT_SCORE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "score.h"
#include "score_league.h"
#include "store.h"

/*
 * Two kinds of entry, each reused for at most `ttl_s` seconds of the
 * caller's clock:
 *   - briefs (struct lnt_score_brief, score.h) by venue id, for the API's
 *     venue lists: a bounded direct-mapped table; venue ids that share a slot
 *     evict each other, which costs a rescore, never a wrong answer;
 *   - leagues (score_league.h) by authority, for the dashboard's pages.
 *
 * Whoever writes anything a score reads calls lnt_score_cache_invalidate:
 * the events route for a kiosk's batch, the findings route and the
 * dashboard's finding form for a finding, the dashboard's admin forms for
 * venue edits. It forgets the venue's brief (every brief for
 * LNT_SCORE_CACHE_ALL) and every league, so the next request of either kind
 * sees the change; a score computed from data read before the call is never
 * served as fresh after it (the tickets below).
 *
 * Every function is safe from several threads at once and does nothing
 * (get: misses; league: builds afresh) on a NULL cache.
 */
struct lnt_score_cache;

#define LNT_SCORE_CACHE_ALL 0 /* lnt_score_cache_invalidate: every venue */

#define LNT_SCORE_CACHE_SLOTS_MAX (1u << 20)

/*
 * A cache of `slots` brief entries (rounded up to a power of two, 1..LNT_SCORE_CACHE_SLOTS_MAX)
 * keeping briefs and leagues for `ttl_s` (>= 1) seconds. LNT_ERR_INVALID for bounds out of range,
 * LNT_ERR_NOMEM; *out is NULL on error. Free with lnt_score_cache_free.
 */
enum lnt_err lnt_score_cache_new(struct lnt_score_cache **out, size_t slots, int ttl_s, char *err);
/* Waits for background league rebuilds to end, then frees the cache. NULL is a no-op. */
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
/*
 * The one invalidation: forgets venue `venue_id`'s brief (every brief for
 * LNT_SCORE_CACHE_ALL) and every league, and any of them being computed now.
 * Call it after storing anything a score reads.
 */
void lnt_score_cache_invalidate(struct lnt_score_cache *c, int64_t venue_id);
/* Brief lookups that hit and that missed since the cache was made. */
void lnt_score_cache_stats(struct lnt_score_cache *c, uint64_t *hits, uint64_t *misses);

/*
 * The league of `authority` (NULL/"" = the whole scheme) at `at`, scored
 * with `rules` (NULL = unscored) from store `s`: one reference in *out, which
 * the caller drops with lnt_league_release. A league built within the TTL and
 * not invalidated since is shared as it is. A stale one is rebuilt in the
 * request, unless it has over LNT_SCORE_LEAGUE_LARGE venues: then it is
 * served once more while a background thread rebuilds it, so only the first
 * request for a large town waits for every venue to be scored (about 0.35 ms
 * a venue, docs/benchmarks.md). Which way is decided by size, never by a
 * clock, so a small town's pages always show the latest writes. Up to
 * LNT_SCORE_LEAGUE_SLOTS authorities are kept; the oldest gives way. Errors as
 * lnt_league_build; *out is NULL on error. `s` and `rules` must outlive the
 * cache (a background rebuild may still read them until lnt_score_cache_free).
 */
#define LNT_SCORE_LEAGUE_SLOTS 8
#define LNT_SCORE_LEAGUE_LARGE 500 /* venues */
enum lnt_err lnt_score_cache_league(struct lnt_score_cache *c, struct lnt_store *s,
                                    const struct lnt_score_rules *rules, const char *authority,
                                    int64_t at, struct lnt_league **out, char *err);

#endif
