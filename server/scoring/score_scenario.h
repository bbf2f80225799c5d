/* score_scenario.h - a small town written by hand as an INI file, turned into scoring inputs. */
#ifndef LNT_SCORE_SCENARIO_H
#define LNT_SCORE_SCENARIO_H

#include "score.h"

/*
 * Golden scenarios (tests/data/scoring/) and what-if runs describe venues,
 * their nights, incidents and findings in a few lines each; the format is in
 * tests/data/scoring/README.md. Incidents are folded into their nights'
 * rollups (a report is also a contact, an incident, a spiking report...), so
 * a scenario cannot contradict itself.
 */
struct lnt_score_scenario_venue {
    struct lnt_score_input in; /* arrays below, owned */
    struct lnt_score_night *nights;
    struct lnt_score_incident *incidents;
    struct lnt_score_finding *findings;
    int line; /* of its [venue N] section */
};

struct lnt_score_scenario {
    int64_t at;
    struct lnt_score_scenario_venue *venues; /* in id order */
    size_t n_venues;
};

/*
 * Reads `path`. The window of each venue is the rules' risk window ending
 * before `at`; nights are generated for it and for the longest criterion
 * window. LNT_ERR_IO, LNT_ERR_INVALID or LNT_ERR_TOO_LARGE with file:line;
 * *out stays NULL then. The caller frees *out.
 */
enum lnt_err lnt_score_scenario_load(const char *path, const struct lnt_score_rules *rules,
                                     struct lnt_score_scenario **out, char *err);
void lnt_score_scenario_free(struct lnt_score_scenario *s); /* NULL is a no-op */
/* The venue with `id`, or NULL. */
struct lnt_score_scenario_venue *lnt_score_scenario_venue(struct lnt_score_scenario *s, int64_t id);

#endif
