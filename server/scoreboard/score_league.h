/* score_league.h - the league table: every open venue of an authority with its headline score and
 * the week's figures, read from the store and scored. */
#ifndef LNT_SCORE_LEAGUE_H
#define LNT_SCORE_LEAGUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "score.h"
#include "score_summary.h"
#include "store.h"

#define LNT_LEAGUE_WINDOW_DEFAULT 90 /* nights, when no risk rules are loaded */

/* One venue of the league: its summary from the store and, when it could be scored, its score. */
struct lnt_league_row {
    struct lnt_venue_summary s;
    bool scored;     /* false: `score` is all zero ("not scored") */
    bool bbn_scored; /* the BBN side applies (not a hub) */
    struct lnt_score_brief score;
    int award_rank;           /* the award's rank on the catalogue's ladder; 0 = none */
    struct lnt_bbn_next next; /* what the next award needs (lnt_bbn_next_award) */
};
/* Fills row->award_rank and row->next from row->score and `rules`' ladder (none without rules).
 * Pure; never fails. */
void lnt_league_row_finish(const struct lnt_score_rules *rules, struct lnt_league_row *row);

/*
 * Immutable once built, and shared: a league handed out by the cache
 * (score_cache.h) may be read by several threads at once. Take a reference
 * with lnt_league_hold; drop it with lnt_league_release.
 */
struct lnt_league {
    struct lnt_league_row *rows; /* owned */
    size_t n;
    int32_t first_night, last_night; /* the scoring window */
    int64_t built_at;
    char authority[LNT_AUTHORITY_MAX + 1]; /* "" = the whole scheme */
    bool week_ok; /* the town's last seven nights, and the same nights 52 weeks before */
    struct lnt_night_rollup week_now, week_before;
};

/* The scoring window [first, last] of nights at `at`: the risk rules' window (90 nights without
 * rules). */
void lnt_league_window(const struct lnt_score_rules *rules, int64_t at, int32_t *first,
                       int32_t *last);

/*
 * Builds the league of `authority` (NULL/"" = the whole scheme) at `at`:
 * every open venue's summary, joined with its score when `rules` is not NULL.
 * One reference in *out (NULL on error). Store errors as they come,
 * LNT_ERR_NOMEM. Thread-safe as the store is.
 */
enum lnt_err lnt_league_build(struct lnt_store *s, const struct lnt_score_rules *rules,
                              const char *authority, int64_t at, struct lnt_league **out,
                              char *err);
/* A league of one venue (what a venue manager sees), never cached. As lnt_league_build, plus
 * LNT_ERR_NOT_FOUND for an unknown venue. */
enum lnt_err lnt_league_one(struct lnt_store *s, const struct lnt_score_rules *rules,
                            int64_t venue_id, int64_t at, struct lnt_league **out, char *err);

/* Another reference to `l` (returned). Thread-safe. */
struct lnt_league *lnt_league_hold(struct lnt_league *l);
/* Drops one reference; the last frees the league. NULL is a no-op. Thread-safe. */
void lnt_league_release(struct lnt_league *l);

#endif
