/* score.h - Best Bar None compliance and licensing risk for one venue: pure, explained, exact. */
#ifndef LNT_SCORE_H
#define LNT_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "buf.h"
#include "err.h"
#include "night.h"

/*
 * Two scores, each computed from a venue's evidence over a window of nights
 * by pure functions: the same rules and inputs give the same result, and the
 * same JSON, byte for byte. Points are integer milli-points (1 point = 1000)
 * and every share is compared as a cross-multiplication of integers, so an
 * explanation's parts sum to its total exactly and a boundary is a boundary.
 * The model, its defaults and a worked example are in docs/scoring.md.
 */

#define LNT_SCORE_ID_MAX 16        /* criterion ids: "A1", "E12" */
#define LNT_SCORE_NAME_MAX 32      /* versions, award names, incident kinds, metric names */
#define LNT_SCORE_TEXT_MAX 256     /* descriptions, evidence, causes */
#define LNT_SCORE_CATEGORY_MAX 16  /* "pub", "bar", "nightclub", "hub" */
#define LNT_SCORE_CRITERIA_MAX 200 /* criteria in one catalogue */
#define LNT_SCORE_AWARDS_MAX 8     /* rungs on an award ladder */
#define LNT_SCORE_KINDS_MAX 32     /* incident kinds with their own weight */
#define LNT_SCORE_EXPECT_MAX 8     /* categories with a reporting expectation */
#define LNT_SCORE_WINDOW_MAX 400   /* nights in any window */
#define LNT_SCORE_MISSING_MAX 64   /* a list of criterion ids: "A1, E1" */
#define LNT_SCORE_CAUSES 4 /* causes of risk points (enum lnt_risk_cause, score_summary.h) */

enum lnt_band { LNT_BAND_NONE = 0, LNT_BAND_GREEN = 1, LNT_BAND_AMBER = 2, LNT_BAND_RED = 3 };
/* "green", "amber", "red" ("none" for LNT_BAND_NONE). */
const char *lnt_band_name(enum lnt_band b);
/* Case-insensitive "green" / "amber" / "red". LNT_ERR_INVALID otherwise. */
enum lnt_err lnt_band_parse(const char *s, enum lnt_band *out);

/* ---- the rules: BBN catalogue (assets/bbn/criteria.ini) ---- */

enum lnt_bbn_tier { LNT_TIER_ESSENTIAL = 1, LNT_TIER_DESIRED = 2, LNT_TIER_BONUS = 3 };
const char *lnt_bbn_tier_name(enum lnt_bbn_tier t); /* "essential", "desired", "bonus" */

/* What the kiosks measure. Each is a share (numerator / denominator) over the criterion's window.
 */
enum lnt_bbn_metric {
    LNT_METRIC_FINDING = 0,      /* not a metric: an assessor's finding */
    LNT_METRIC_DOOR_SIA,         /* door shifts with a valid SIA licence / door shifts */
    LNT_METRIC_DOOR_VULN,        /* door shifts with in-date vulnerability training / door shifts */
    LNT_METRIC_ANGELA_NIGHTS,    /* trading nights with an Angela-trained person on shift / trading
                                    nights */
    LNT_METRIC_STAFF_BYSTANDER,  /* staff shifts with in-date bystander training / staff shifts */
    LNT_METRIC_SPIKING_COMPLETE, /* spiking reports with the protocol complete / spiking reports */
    LNT_METRIC_RECORDED_1H,      /* incidents first saved within the risk weights'
                                    timely_minutes / incidents, counted from the reports */
    LNT_METRIC_CUP_NIGHTS,       /* trading nights with cup covers at or above the minimum / trading
                                    nights */
    LNT_METRIC_REGISTER_COMPLETE, /* staff shifts signed out / staff shifts */
    LNT_METRIC__COUNT
};
/* "door_sia_share", ... ("finding" for LNT_METRIC_FINDING). */
const char *lnt_bbn_metric_name(enum lnt_bbn_metric m);
enum lnt_err lnt_bbn_metric_parse(const char *s, enum lnt_bbn_metric *out);

struct lnt_bbn_criterion {
    char id[LNT_SCORE_ID_MAX];
    char section; /* 'A'..'F' */
    enum lnt_bbn_tier tier;
    char text[LNT_SCORE_TEXT_MAX];
    enum lnt_bbn_metric metric; /* LNT_METRIC_FINDING: evidenced by an assessor's finding */
    int threshold_pct;          /* metric: met when num * 100 >= threshold_pct * den */
    int window;                 /* metric: nights, ending with the scoring window's last night */
    int min_evidence;           /* metric: a denominator below this is "not evidenced" */
    int min_failures;    /* metric: "not met" needs at least this many failing (den - num); a share
                            below the threshold with fewer is "met": a pattern, not one slip (1) */
    int min_share_pct;   /* metric: the kiosk must have seen at least this share of the window's
                            trading nights before the criterion can be met or not met */
    bool na_when_none;   /* metric: a zero denominator on a kiosk that traded is "not applicable" */
    int valid_months;    /* finding: months a finding stays valid when it gives no date */
    char categories[64]; /* "" = every category; else a comma list it applies to */
    int line;            /* where it starts in the catalogue */
};

struct lnt_bbn_award {
    char name[LNT_SCORE_NAME_MAX];
    int rank;        /* higher is better; the ladder is sorted by it */
    int desired_pct; /* at least this share of applicable Desired criteria met */
    int bonus_min;   /* and at least this many Bonus criteria met */
    int other_pct;   /* and at least this share of all applicable Desired and Bonus criteria
                        together ("Essentials plus a share of all other marks"); 0 = none */
};

struct lnt_bbn_catalogue {
    char version[LNT_SCORE_NAME_MAX];
    char name[LNT_SCORE_TEXT_MAX];
    int finding_valid_months;
    int min_evidence_share; /* [catalogue] default for each metric's min_share_pct (50) */
    struct lnt_bbn_criterion *criteria; /* owned */
    size_t n_criteria;
    struct lnt_bbn_award awards[LNT_SCORE_AWARDS_MAX]; /* ascending rank */
    size_t n_awards;
};

/*
 * Loads a catalogue from an INI file (format in docs/scoring.md). On error
 * returns LNT_ERR_IO (unreadable), LNT_ERR_INVALID or LNT_ERR_TOO_LARGE with a
 * message naming file:line, and *out stays NULL. The caller frees *out.
 */
enum lnt_err lnt_bbn_catalogue_load(const char *path, struct lnt_bbn_catalogue **out, char *err);
/* As lnt_bbn_catalogue_load, from `len` bytes of INI text named `path` in messages. Thread-safe. */
enum lnt_err lnt_bbn_catalogue_parse(const char *path, const char *text, size_t len,
                                     struct lnt_bbn_catalogue **out, char *err);
void lnt_bbn_catalogue_free(struct lnt_bbn_catalogue *c); /* NULL is a no-op */
/* The criterion with `id`, or NULL. */
const struct lnt_bbn_criterion *lnt_bbn_catalogue_find(const struct lnt_bbn_catalogue *c,
                                                       const char *id);

/* ---- the rules: risk weights (assets/risk/weights.ini) ---- */

struct lnt_risk_kind {
    char name[LNT_SCORE_NAME_MAX]; /* "violence"; "*" = any kind not listed */
    int32_t weight_milli;          /* multiplies the severity points */
    bool police_required;          /* the book for this kind includes calling the police */
};

struct lnt_risk_expect {
    char category[LNT_SCORE_CATEGORY_MAX];
    int64_t rate_milli; /* incidents expected per reference exposure */
};

/* How the scoring window runs ([rules] window): the last window_days nights, or the police
   quarter so far (Jan-Mar, Apr-Jun, Jul-Sep, Oct-Dec), as a force's traffic-light points do. */
enum lnt_score_window_kind { LNT_WINDOW_ROLLING = 0, LNT_WINDOW_QUARTER };
#define LNT_QUARTER_NIGHTS_MAX 92 /* Jul-Sep and Oct-Dec */

struct lnt_risk_weights {
    char version[LNT_SCORE_NAME_MAX];
    int window_days;                   /* the rolling window's nights */
    enum lnt_score_window_kind window; /* optional in the file: rolling */
    int min_window_nights;             /* fewer nights since joining: "not yet scored", no band */
    int half_life_days;
    int64_t reference_exposure; /* capacity-nights the points are scaled to */
    int64_t min_exposure;       /* smaller exposures are treated as this */
    int64_t severity_milli[6];  /* points per severity 1..5 ([0] unused) */
    struct lnt_risk_kind kinds[LNT_SCORE_KINDS_MAX];
    size_t n_kinds;
    /* Handling credits: what share of an incident's points each step of the book removes. */
    int32_t credit_complete_milli;
    int32_t credit_timely_milli;
    int32_t credit_police_milli;
    int32_t timely_seconds; /* [handling] timely_minutes: also what A6 (recorded_1h_share) reads */
    /* Compliance and data gaps, points each. */
    int64_t gap_essential_unmet_milli;
    int64_t gap_essential_unevidenced_milli;
    int64_t gap_sia_shift_milli;
    int64_t gap_silent_night_milli;
    /* Bands on the total. */
    int64_t amber_milli;
    int64_t red_milli;
    /* Floors ([caps] in the file): the band a venue is at least while it has such a finding
       (LNT_BAND_NONE = none). */
    enum lnt_band cap_essential_unmet;
    enum lnt_band cap_essential_unevidenced;
    enum lnt_band cap_sia_shift;
    enum lnt_band cap_serious_unhandled;
    int serious_severity;
    /* A serious incident not handled by the book sets its floor while it is younger than
       serious_nights x the share of its credit it missed, in nights: 30 nights unhandled,
       15 when half handled, none when handled by the book. Optional in the file (30). */
    int serious_nights;
    enum lnt_band cap_silent;
    int cap_silent_pct;
    /* Trend and flags. */
    int64_t trend_tolerance_milli;
    struct lnt_risk_expect expect[LNT_SCORE_EXPECT_MAX];
    size_t n_expect;
    int low_fraction_pct;
    int64_t low_min_exposure;
    /* Derived at load: decay by age in nights, parts per million. */
    int32_t decay_ppm[LNT_SCORE_WINDOW_MAX];
};

/* As lnt_bbn_catalogue_load, for weights. The caller frees *out with free(). */
enum lnt_err lnt_risk_weights_load(const char *path, struct lnt_risk_weights **out, char *err);
/* As lnt_risk_weights_load, from `len` bytes of INI text named `path` in messages. Thread-safe. */
enum lnt_err lnt_risk_weights_parse(const char *path, const char *text, size_t len,
                                    struct lnt_risk_weights **out, char *err);

/* The default files under `dir` (a source tree or install prefix): assets/bbn/criteria.ini and
 * assets/risk/weights.ini. Both or neither are loaded. */
struct lnt_score_rules {
    struct lnt_bbn_catalogue *bbn;
    struct lnt_risk_weights *risk;
};
enum lnt_err lnt_score_rules_load(struct lnt_score_rules *out, const char *bbn_path,
                                  const char *risk_path, char *err);
void lnt_score_rules_release(struct lnt_score_rules *r);

/* ---- inputs: one venue over a window ---- */

struct lnt_score_venue {
    int64_t id;
    char name[LNT_VENUE_NAME_MAX + 1];
    char category[LNT_SCORE_CATEGORY_MAX];
    char area[LNT_AREA_MAX + 1];
    int32_t capacity;
    struct lnt_trading trading;
    /* The first night of its evidence: when it joined (its first kiosk's enrolment, or a
     * start date the scheme set). Nights before it are outside every window: not silent,
     * not exposure, no gaps. 0 = joined before any window. */
    int32_t joined;
};

/* One night's rollup for the venue. Rows may come in any order; a missing night is all zeros. */
struct lnt_score_night {
    int32_t night;    /* days since epoch of the evening it starts on */
    int32_t contacts; /* requests from the venue's kiosks that night */
    int32_t door_shifts;
    int32_t door_shifts_sia_ok;
    int32_t door_shifts_vuln; /* with in-date WAVE or bystander training */
    int32_t angela_on_shift;  /* 1 when an Angela-trained person was on shift */
    int32_t staff_shifts;     /* every shift, door shifts included */
    int32_t staff_shifts_bystander;
    int32_t shifts_open; /* signed in, never signed out */
    /* A6 recounts these two from the reports (`incidents`, their record_delay against
       timely_minutes): the values given here are checked, not used */
    int32_t incidents;
    int32_t incidents_recorded_1h;
    int32_t spiking_reports;
    int32_t spiking_complete;
    int32_t angela_requests;
    int32_t badges_refused;
    int32_t cup_level;     /* last count that night, -1 = not counted */
    int32_t cup_threshold; /* the venue's minimum stock */
};

struct lnt_score_incident {
    char id[40]; /* report id, named in the explanation */
    char kind[LNT_SCORE_NAME_MAX];
    int severity; /* 1..5 */
    int64_t occurred_at;
    bool police_called;   /* by the venue */
    bool complete;        /* the protocol for its kind completed */
    int64_t record_delay; /* seconds from occurred_at to the first save */
};

struct lnt_score_finding {
    int64_t id; /* the register's finding id, carried to the line that uses it (0 = none) */
    char criterion[LNT_SCORE_ID_MAX];
    bool met;
    char evidence[LNT_SCORE_TEXT_MAX];
    char assessor[81];
    int32_t date;        /* days since epoch */
    int32_t valid_until; /* days since epoch, last valid day; 0 = date + the criterion's validity */
};

struct lnt_score_prev {
    bool known;
    enum lnt_band band;
    int64_t total_milli;
};

struct lnt_score_input {
    struct lnt_score_venue venue;
    int64_t at;          /* the scoring instant */
    int32_t first_night; /* the window, inclusive */
    int32_t last_night;
    const struct lnt_score_night *nights;
    size_t n_nights;
    const struct lnt_score_incident *incidents;
    size_t n_incidents;
    const struct lnt_score_finding *findings;
    size_t n_findings;
    struct lnt_score_prev prev; /* the window before this one */
    enum lnt_band prev2_band;   /* the window before that; LNT_BAND_NONE = unknown */
};

/* The window of `days` nights ending with the last night that has finished at `at`. */
void lnt_score_window(int64_t at, int days, int32_t *first, int32_t *last);
/* The first night of the police quarter (Jan-Mar, Apr-Jun, Jul-Sep, Oct-Dec) holding `night`.
 * Thread-safe. */
int32_t lnt_score_quarter_start(int32_t night);
/*
 * The scoring window of weights `w` at `at`: window_days nights ending with
 * the last finished night (rolling), or from the first night of that night's
 * quarter to it (quarter). `back` > 0 gives the window that many windows
 * earlier (the trend's and the review's): rolling, window_days nights earlier
 * each; quarter, whole quarters before. Thread-safe.
 */
void lnt_score_rules_window(const struct lnt_risk_weights *w, int64_t at, int back, int32_t *first,
                            int32_t *last);
/* The most nights a window of `w` holds (window_days, or 92 for quarters). */
int lnt_score_window_span(const struct lnt_risk_weights *w);
/* "rolling" or "quarter": the file's word for a kind of window (and JSON's window.type). */
const char *lnt_score_window_name(enum lnt_score_window_kind k);
/* Parses "rolling" or "quarter"; LNT_ERR_INVALID otherwise. */
enum lnt_err lnt_score_window_parse(const char *s, enum lnt_score_window_kind *out);

/* ---- results ---- */

enum lnt_bbn_status {
    LNT_BBN_MET = 1,
    LNT_BBN_NOT_MET = 2,
    LNT_BBN_NOT_EVIDENCED = 3,
    LNT_BBN_NOT_APPLICABLE = 4
};
const char *lnt_bbn_status_name(enum lnt_bbn_status s); /* "met", "not_met", ... */

struct lnt_bbn_line {
    char id[LNT_SCORE_ID_MAX];
    char section;
    enum lnt_bbn_tier tier;
    enum lnt_bbn_metric metric;
    enum lnt_bbn_status status;
    int64_t num, den; /* metric: the figures behind the share */
    int threshold_pct;
    int32_t first, last;  /* metric: the nights measured (from the venue's joining) */
    int nights_trading;   /* metric: trading nights in first..last */
    int nights_seen;      /* metric: ... on which the kiosk was in contact */
    int32_t finding_date; /* finding: the one used (0 = none) */
    int64_t finding_id;   /* finding: its register id (0 = none or not from a register) */
    int32_t finding_until;
    char note[LNT_SCORE_TEXT_MAX]; /* why, in words: evidence, assessor, or what was missing */
};

struct lnt_bbn_result {
    bool scored; /* false for a hub: `note` says why */
    char note[LNT_SCORE_TEXT_MAX];
    bool accredited;
    char award[LNT_SCORE_NAME_MAX]; /* "" when none */
    int essential_met, essential_total;
    int desired_met, desired_total; /* applicable ones */
    int bonus_met, bonus_total;
    struct lnt_bbn_line *lines; /* owned; catalogue order */
    size_t n_lines;
};

enum lnt_risk_part_kind { LNT_PART_INCIDENT = 1, LNT_PART_GAP = 2, LNT_PART_DATA = 3 };
const char *lnt_risk_part_kind_name(enum lnt_risk_part_kind k); /* "incident", "gap", "data" */

/*
 * One line of the risk explanation. For an incident the points are worked
 * in stages, each rounded to the milli-point: base (severity points x kind
 * weight), decayed (x decay_ppm / 10^6), mitigated (x (1000 - credit) / 1000),
 * points (x reference exposure / exposure used). Gap and data lines give
 * count x unit.
 */
struct lnt_risk_part {
    enum lnt_risk_part_kind kind;
    char ref[40]; /* incident id, criterion id, or night date */
    char cause[LNT_SCORE_TEXT_MAX];
    int64_t points_milli;
    /* incidents */
    int64_t base_milli;
    int32_t age; /* nights before the window's last night */
    int32_t decay_ppm;
    int64_t decayed_milli;
    int32_t credit_milli;
    int64_t mitigated_milli;
    /* gaps and data */
    int64_t count;
    int64_t unit_milli;
};

/*
 * A door shift without a valid SIA licence behind the gap line for its night
 * (the part whose ref is that night's date): who worked it, on which badge,
 * and the licence's status. Personal data: the pure scoring never fills it;
 * score_load.c does, and whoever shows a result to someone who may not read
 * the venue's register removes it first (lnt_score_load_hide_people).
 */
struct lnt_risk_person {
    int32_t night;
    char staff_id[48];
    char name[96];       /* "" when not in the staff register */
    char serial[40];     /* badge serial, hex */
    char sia_status[16]; /* "expired", "missing", "suspended", "revoked", ... */
    bool listed;         /* the badge said valid; the scheme's listing says not */
};

enum lnt_trend {
    LNT_TREND_NONE = 0,
    LNT_TREND_BETTER = 1,
    LNT_TREND_STEADY = 2,
    LNT_TREND_WORSE = 3
};
const char *lnt_trend_name(enum lnt_trend t); /* "none", "better", "steady", "worse" */

struct lnt_risk_result {
    /* false while the venue has fewer than the weights' min_window_nights nights since it
     * joined: "not yet scored — N nights of evidence", band LNT_BAND_NONE, no review */
    bool scored;
    char scored_note[LNT_SCORE_TEXT_MAX]; /* "" when scored */
    int32_t evidence_from;     /* the window's first night counted (the window's, or joining) */
    int window_nights;         /* nights from evidence_from to the window's last */
    int64_t total_milli;       /* == the sum of parts[].points_milli */
    enum lnt_band points_band; /* the band from points alone ("band_from_points") */
    enum lnt_band cap_band;    /* the floor: the worst single finding's; LNT_BAND_NONE = none */
    char cap_cause[LNT_SCORE_TEXT_MAX]; /* the floor's reason: "at least Amber because ..." */
    enum lnt_band band;                 /* the worse of the two */
    int trading_nights;
    int silent_nights;
    int incidents;    /* in the window */
    int late_reports; /* of them, first saved after timely_minutes: a data-quality note */
    char late_note[LNT_SCORE_TEXT_MAX];
    int64_t exposure;      /* capacity x trading nights */
    int64_t exposure_used; /* at least the weights' minimum */
    enum lnt_trend trend;
    int64_t trend_delta_milli; /* total - previous total */
    bool review;               /* two consecutive Red windows */
    char review_note[LNT_SCORE_TEXT_MAX];
    bool low_reporting; /* fewer reports than the category's expectation */
    char low_reporting_note[LNT_SCORE_TEXT_MAX];
    bool silence; /* a data-quality flag: silent trading nights in the window (any) */
    char silence_note[LNT_SCORE_TEXT_MAX];
    int64_t expected_milli;      /* incidents expected for this exposure */
    struct lnt_risk_part *parts; /* owned */
    size_t n_parts;
    struct lnt_risk_person *people; /* owned; may be NULL (none, or not shown) */
    size_t n_people;
};

struct lnt_score_result {
    char bbn_version[LNT_SCORE_NAME_MAX];
    char risk_version[LNT_SCORE_NAME_MAX];
    int64_t venue_id;
    char venue_name[LNT_VENUE_NAME_MAX + 1];
    char category[LNT_SCORE_CATEGORY_MAX];
    int32_t capacity;
    int64_t at;
    int32_t first_night, last_night;
    enum lnt_score_window_kind window; /* the rules' kind of window (as JSON window.type) */
    struct lnt_bbn_result bbn;
    struct lnt_risk_result risk;
};

/*
 * Scores one venue. Reads only `rules` and `in`; fills *out, which the
 * caller releases with lnt_score_result_release (also after an error).
 * LNT_ERR_INVALID for an input out of its bounds (a window longer than
 * LNT_SCORE_WINDOW_MAX, a severity outside 1..5, negative counts), with a
 * message naming it; LNT_ERR_NOMEM.
 */
enum lnt_err lnt_score_venue(const struct lnt_score_rules *rules, const struct lnt_score_input *in,
                             struct lnt_score_result *out, char *err);
void lnt_score_result_release(struct lnt_score_result *r);

/*
 * A venue's headline score: what a list of venues shows of a struct
 * lnt_score_result (risk band, points, trend and review flags; BBN
 * accreditation and award). The one struct for it: the officer API's venue
 * lists, the ranking (lnt_rank_venue) and the dashboard's league table all
 * carry this.
 */
struct lnt_score_brief {
    bool scored;       /* false: "not yet scored", band LNT_BAND_NONE */
    int window_nights; /* nights of evidence (see struct lnt_risk_result) */
    enum lnt_band band;
    int64_t total_milli;
    enum lnt_trend trend;
    bool review;        /* two consecutive Red windows */
    bool low_reporting; /* fewer reports than the category's expectation */
    bool accredited;
    char award[LNT_SCORE_NAME_MAX]; /* "" = no award */
    /* What the league table shows beside the headline (score_summary.h). */
    bool bbn_scored; /* the BBN side applies (not a hub) */
    int essential_met, essential_total, desired_met, desired_total, bonus_met, bonus_total;
    char essential_missing[LNT_SCORE_MISSING_MAX]; /* "A1, E1": Essentials not met or evidenced */
    int64_t cause_milli[LNT_SCORE_CAUSES];         /* points by cause, enum lnt_risk_cause */
};
/* The headline of `r`. Never fails. */
void lnt_score_brief_of(const struct lnt_score_result *r, struct lnt_score_brief *out);

/*
 * Appends the result as one compact JSON object with sorted keys (stable:
 * the same result gives the same bytes). Points are integers in milli-points
 * (`*_milli`), dates "YYYY-MM-DD", times RFC 3339. On error the buffer is
 * left as it was.
 */
enum lnt_err lnt_score_to_json(const struct lnt_score_result *r, struct lnt_buf *out, char *err);
/* Appends a plain-text explanation, one line per criterion and risk part, for a terminal. */
enum lnt_err lnt_score_to_text(const struct lnt_score_result *r, struct lnt_buf *out, char *err);

/*
 * The record behind a line, so a reader can check one against the other:
 * an incident line names its report (id in `ref`), a door-licensing or
 * silent-night line the night whose register it counts (*night), an
 * Essentials line the criterion (`ref`), whose own line points at the nights'
 * register or at the finding (lnt_bbn_line.finding_id). Thread-safe.
 */
enum lnt_score_link { LNT_LINK_NONE = 0, LNT_LINK_INCIDENT, LNT_LINK_NIGHT, LNT_LINK_CRITERION };
enum lnt_score_link lnt_risk_part_link(const struct lnt_risk_part *p, int32_t *night);
/* The short form of an incident's report id that pages and paper print beside it: its first
 * LNT_SCORE_SHORT_ID - 1 characters ("3f2a9c1e" of "3f2a9c1e-..."). */
#define LNT_SCORE_SHORT_ID 9
void lnt_score_short_id(const char *report_id, char out[LNT_SCORE_SHORT_ID]);

/* Writes milli-points as a decimal ("12.345", "-0.500") into out. */
void lnt_score_milli_format(int64_t milli, char out[32]);
/* Parses "12", "12.5", "-0.125" (at most 3 decimals) into milli. LNT_ERR_INVALID otherwise. */
enum lnt_err lnt_score_milli_parse(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
