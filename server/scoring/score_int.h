/* score_int.h - inside the scoring: a venue's nights laid out densely for the criteria and risk. */
#ifndef LNT_SCORE_INT_H
#define LNT_SCORE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "score.h"

/*
 * Every night the scoring looks at, from `base` (the earliest night any
 * criterion or the risk window needs) to the window's last night. Missing
 * nights are zeros. cup_level/cup_threshold carry the last count forward so
 * that a night the kiosk was in use without a count has the stock last seen.
 * A silent trading night has no count and ends the carrying (the stock after
 * it is unknown until counted again); nor does a count from before the venue
 * joined carry into its window.
 */
struct lnt_score_span {
    int32_t base;
    int n;
    struct lnt_score_night *night; /* n rows, night[i].night == base + i */
    bool *trading;
};

/*
 * Lays out `in`'s nights over the longest window the rules need (checking
 * every row's counts: LNT_ERR_INVALID names the night), or LNT_ERR_NOMEM.
 * Release *sp with lnt_score_span_release, also after an error.
 */
enum lnt_err lnt_score_span_build(const struct lnt_score_rules *rules,
                                  const struct lnt_score_input *in, struct lnt_score_span *sp,
                                  char *err);
void lnt_score_span_release(struct lnt_score_span *sp);

#endif
