/* score_handling_int.h - how a report's handling and timing count: credit, floor, A6's pattern. */
#ifndef LNT_SCORE_HANDLING_INT_H
#define LNT_SCORE_HANDLING_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "score.h"

/*
 * The rules that keep reporting from ever costing a venue more than silence
 * (docs/scoring.md "Reporting never hurts"). Pure functions of their
 * arguments; thread-safe.
 */

/* Complete, and the police called where the kind's book needs them. */
bool lnt_score_by_the_book(const struct lnt_risk_kind *k, const struct lnt_score_incident *x);
/* First saved after the weights' timely_minutes (or with a delay below zero). */
bool lnt_score_saved_late(const struct lnt_risk_weights *w, const struct lnt_score_incident *x);
/*
 * The share (milli) of the report's points its handling removes: complete, timely, police.
 * A report handled by the book earns the timely share however late it was saved.
 */
int32_t lnt_score_credit(const struct lnt_risk_weights *w, const struct lnt_risk_kind *k,
                         const struct lnt_score_incident *x);
/*
 * Nights a serious report with `credit_milli` sets its floor for, counted back from the
 * window's last night: serious_nights x the share of credit it missed. 0 = none (not serious,
 * or handled by the book).
 */
int64_t lnt_score_floor_nights(const struct lnt_risk_weights *w, const struct lnt_score_incident *x,
                               int32_t credit_milli);
/*
 * A metric line `ln` of criterion `c` below its threshold turns "met" when fewer than
 * c->min_failures of what it measured failed: a slip, not a pattern. Its note says so.
 */
void lnt_score_pattern(const struct lnt_bbn_criterion *c, struct lnt_bbn_line *ln);

#endif
