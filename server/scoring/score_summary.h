/* score_summary.h - a score in brief for a reader: its points by cause, and what a venue needs for
 * its next Best Bar None award. Pure functions over a result and the catalogue's ladder. */
#ifndef LNT_SCORE_SUMMARY_H
#define LNT_SCORE_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "score.h"

/*
 * Where a venue's risk points come from. Every line of the explanation has
 * exactly one cause, so the causes' points sum to the total:
 *   incidents   an incident line;
 *   door        a night's door-supervisor shifts without a valid SIA licence (a gap line that
 *               names a night);
 *   silence     a trading night with no word from the kiosk (a data line);
 *   compliance  an Essential not met or not evidenced, by the kiosk or an assessor's finding
 *               (a gap line that names a criterion).
 */
enum lnt_risk_cause {
    LNT_CAUSE_INCIDENTS = 0,
    LNT_CAUSE_DOOR = 1,
    LNT_CAUSE_SILENCE = 2,
    LNT_CAUSE_COMPLIANCE = 3
};
/* "incidents", "door_licensing", "silence", "compliance". */
const char *lnt_risk_cause_name(enum lnt_risk_cause c);
/* "Incidents", "Door licensing", "Silence (data gaps)", "Compliance gaps and findings". */
const char *lnt_risk_cause_label(enum lnt_risk_cause c);
/* The same in a sentence: "incidents", "door licensing", "silence (data gaps)", "compliance gaps
 * and findings". */
const char *lnt_risk_cause_phrase(enum lnt_risk_cause c);
/* The cause of one line. Never fails. */
enum lnt_risk_cause lnt_risk_cause_of(const struct lnt_risk_part *p);

struct lnt_risk_cause_total {
    enum lnt_risk_cause cause;
    int64_t points_milli;
    size_t lines;
};
/*
 * The points of `r` by cause, every cause once, most points first (ties in
 * enum order). The points sum to r->total_milli. Never fails; thread-safe.
 */
void lnt_risk_causes(const struct lnt_risk_result *r,
                     struct lnt_risk_cause_total out[LNT_SCORE_CAUSES]);
/* As lnt_risk_causes, from a brief's cause_milli (lines are 0). */
void lnt_risk_causes_of_brief(const struct lnt_score_brief *b,
                              struct lnt_risk_cause_total out[LNT_SCORE_CAUSES]);

/* Fills b's summary fields (bbn_scored, the tallies, essential_missing, cause_milli) from `r`:
 * lnt_score_brief_of calls it. Never fails. */
void lnt_score_summary_fill(const struct lnt_score_result *r, struct lnt_score_brief *b);

/* ---- the next award ---- */

enum lnt_bbn_next_state {
    LNT_NEXT_NONE = 0,  /* not assessed (a hub), or the ladder has no rung */
    LNT_NEXT_NEEDS = 1, /* `award` is the next rung and the counts say what it needs */
    LNT_NEXT_TOP = 2,   /* holds the top rung */
    LNT_NEXT_BEYOND = 3 /* the next rung needs more Desired or Bonus than apply to the venue */
};

struct lnt_bbn_next {
    enum lnt_bbn_next_state state;
    char award[LNT_SCORE_NAME_MAX];            /* NEEDS, BEYOND: the next rung; TOP: the one held */
    int essentials;                            /* Essentials still to meet */
    char essential_ids[LNT_SCORE_MISSING_MAX]; /* which: "A1, E1" */
    int desired;                               /* more Desired to meet */
    int bonus;                                 /* more Bonus to meet */
    int other; /* more of any Desired or Bonus (a rung asking a share of all other marks) */
};

/*
 * What a venue with brief `b` needs for the next rung of `cat`'s ladder: the
 * rung above the award it holds (the first rung when it holds none), with the
 * Essentials it still has to meet (none once accredited) and how many more
 * Desired and Bonus criteria that rung asks for, counted as the scoring counts
 * them (met x 100 >= desired_pct x applicable). Pure; never fails.
 */
void lnt_bbn_next_award(const struct lnt_bbn_catalogue *cat, const struct lnt_score_brief *b,
                        struct lnt_bbn_next *out);
/*
 * The next award in words into out: "3 more Desired for Gold", "one Essential: E1 for Bronze",
 * "2 Essentials: A1, E1 and 1 more Desired for Silver", "Gold: the top award",
 * "Gold is out of reach: more Desired than apply", "" for LNT_NEXT_NONE. Cut at `size`.
 */
void lnt_bbn_next_text(const struct lnt_bbn_next *n, char *out, size_t size);

/* The rank of award `name` on `cat`'s ladder (0 for "" or a name not on it). */
int lnt_bbn_award_rank(const struct lnt_bbn_catalogue *cat, const char *name);

#endif
