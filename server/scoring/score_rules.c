/* score_rules.c - loading the BBN criteria catalogue and the risk weights from their INI files. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "score.h"
#include "inifile.h"

static enum lnt_err want_int(const char *key, const char *v, int64_t min, int64_t max, int *out,
                             char *err)
{
    int64_t x;
    if (lnt_parse_i64(v, min, max, &x) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "%s: `%s`: expected a whole number %lld..%lld", key,
                        v, (long long)min, (long long)max);
    *out = (int)x;
    return LNT_OK;
}

static enum lnt_err want_milli(const char *key, const char *v, int64_t min, int64_t max,
                               int64_t *out, char *err)
{
    char a[32], b[32];
    if (lnt_score_milli_parse(v, min, max, out) != LNT_OK) {
        lnt_score_milli_format(min, a);
        lnt_score_milli_format(max, b);
        return lnt_fail(err, LNT_ERR_INVALID,
                        "%s: `%s`: expected a number %s..%s with at most 3 decimals", key, v, a, b);
    }
    return LNT_OK;
}

static enum lnt_err want_text(const char *key, const char *v, char *dst, size_t size, char *err)
{
    if (v[0] == '\0')
        return lnt_fail(err, LNT_ERR_INVALID, "%s: empty", key);
    if (lnt_str_copy(dst, size, v) != LNT_OK)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "%s: longer than %zu bytes", key, size - 1);
    return LNT_OK;
}

/* "[criterion A1]" -> "A1" when `section` starts with `word` and a space. */
static const char *section_arg(const char *section, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(section, word, n) != 0 || section[n] != ' ')
        return NULL;
    section += n;
    while (*section == ' ')
        section++;
    return section;
}

/* ---- the BBN catalogue ---- */

struct cat_load {
    struct lnt_bbn_catalogue *c;
    struct lnt_bbn_criterion *cur; /* the criterion being read */
    bool cur_text_seen;
    unsigned cur_keys; /* bit per key of the current criterion already given */
    struct lnt_bbn_award *award;
    bool version_seen;
    bool awards_given;
    char seen_source[LNT_SCORE_CRITERIA_MAX];
};

static enum lnt_err cat_criterion_start(struct cat_load *l, const char *id, int line, char *err)
{
    struct lnt_bbn_catalogue *c = l->c;
    struct lnt_bbn_criterion *cr;

    if (l->cur && strcmp(l->cur->id, id) == 0)
        return LNT_OK;
    if (id[0] == '\0' || strlen(id) >= LNT_SCORE_ID_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "[criterion %s]: id must be 1..%d bytes", id,
                        LNT_SCORE_ID_MAX - 1);
    for (const char *p = id; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_')
            return lnt_fail(err, LNT_ERR_INVALID,
                            "[criterion %s]: id may hold letters, digits, . - _ only", id);
    if (lnt_bbn_catalogue_find(c, id) != NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "[criterion %s]: defined twice", id);
    if (c->n_criteria == LNT_SCORE_CRITERIA_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "more than %d criteria", LNT_SCORE_CRITERIA_MAX);
    cr = &c->criteria[c->n_criteria++];
    memset(cr, 0, sizeof *cr);
    lnt_str_copy(cr->id, sizeof cr->id, id);
    cr->threshold_pct = -1;
    cr->window = 0;
    cr->min_evidence = 1;
    cr->min_failures = 1;
    cr->min_share_pct = -1; /* the catalogue's min_evidence_share */
    cr->line = line;
    l->cur = cr;
    l->cur_text_seen = false;
    l->cur_keys = 0;
    return LNT_OK;
}

static enum lnt_err cat_criterion_key(struct cat_load *l, const char *key, const char *v, char *err)
{
    static const char *const once[] = {
        "section",           "tier",         "source",  "threshold",  "window",
        "min_evidence",      "valid_months", "if_none", "categories", "min_failures",
        "min_evidence_share"};
    struct lnt_bbn_criterion *cr = l->cur;

    for (unsigned i = 0; i < sizeof once / sizeof once[0]; i++)
        if (strcmp(key, once[i]) == 0) {
            if (l->cur_keys & (1u << i))
                return lnt_fail(err, LNT_ERR_INVALID, "%s: given twice", key);
            l->cur_keys |= 1u << i;
        }
    if (strcmp(key, "text") == 0) {
        if (!l->cur_text_seen) {
            l->cur_text_seen = true;
            return want_text(key, v, cr->text, sizeof cr->text, err);
        }
        /* an indented continuation line */
        size_t n = strlen(cr->text);
        if (n + 1 + strlen(v) >= sizeof cr->text)
            return lnt_fail(err, LNT_ERR_TOO_LARGE, "text: longer than %zu bytes",
                            sizeof cr->text - 1);
        cr->text[n] = ' ';
        lnt_str_copy(cr->text + n + 1, sizeof cr->text - n - 1, v);
        return LNT_OK;
    }
    if (strcmp(key, "section") == 0) {
        if (strlen(v) != 1 || v[0] < 'A' || v[0] > 'F')
            return lnt_fail(err, LNT_ERR_INVALID, "section: `%s`: expected one of A B C D E F", v);
        cr->section = v[0];
        return LNT_OK;
    }
    if (strcmp(key, "tier") == 0) {
        for (int t = LNT_TIER_ESSENTIAL; t <= LNT_TIER_BONUS; t++)
            if (strcasecmp(v, lnt_bbn_tier_name((enum lnt_bbn_tier)t)) == 0) {
                cr->tier = (enum lnt_bbn_tier)t;
                return LNT_OK;
            }
        return lnt_fail(err, LNT_ERR_INVALID, "tier: `%s`: expected essential, desired or bonus",
                        v);
    }
    if (strcmp(key, "source") == 0) {
        l->seen_source[cr - l->c->criteria] = 1;
        if (strcmp(v, "finding") == 0) {
            cr->metric = LNT_METRIC_FINDING;
            return LNT_OK;
        }
        if (lnt_bbn_metric_parse(v, &cr->metric) == LNT_OK)
            return LNT_OK;
        return lnt_fail(err, LNT_ERR_INVALID,
                        "source: `%s`: expected finding or a metric (door_sia_share, "
                        "door_vuln_share, angela_nights_share, staff_bystander_share, "
                        "spiking_complete_share, recorded_1h_share, cup_nights_share, "
                        "register_complete_share)",
                        v);
    }
    if (strcmp(key, "threshold") == 0)
        return want_int(key, v, 0, 100, &cr->threshold_pct, err);
    if (strcmp(key, "window") == 0)
        return want_int(key, v, 1, LNT_SCORE_WINDOW_MAX, &cr->window, err);
    if (strcmp(key, "min_evidence") == 0)
        return want_int(key, v, 1, 100000, &cr->min_evidence, err);
    if (strcmp(key, "min_evidence_share") == 0)
        return want_int(key, v, 1, 100, &cr->min_share_pct, err);
    if (strcmp(key, "valid_months") == 0)
        return want_int(key, v, 1, 120, &cr->valid_months, err);
    if (strcmp(key, "min_failures") == 0)
        return want_int(key, v, 1, 100000, &cr->min_failures, err);
    if (strcmp(key, "if_none") == 0) {
        if (strcmp(v, "not_applicable") == 0)
            cr->na_when_none = true;
        else if (strcmp(v, "not_evidenced") == 0)
            cr->na_when_none = false;
        else
            return lnt_fail(err, LNT_ERR_INVALID,
                            "if_none: `%s`: expected not_evidenced or not_applicable", v);
        return LNT_OK;
    }
    if (strcmp(key, "categories") == 0) {
        char tmp[sizeof cr->categories];
        size_t j = 0;
        for (const char *p = v; *p; p++) /* canonical: no spaces */
            if (*p != ' ' && j + 1 < sizeof tmp)
                tmp[j++] = *p;
        tmp[j] = '\0';
        if (strlen(v) >= sizeof tmp)
            return lnt_fail(err, LNT_ERR_TOO_LARGE, "categories: too long");
        lnt_str_copy(cr->categories, sizeof cr->categories, tmp);
        return LNT_OK;
    }
    return lnt_fail(err, LNT_ERR_INVALID, "unknown key `%s` in a criterion", key);
}

static enum lnt_err cat_award_key(struct cat_load *l, const char *key, const char *v, char *err)
{
    struct lnt_bbn_award *a = l->award;
    if (strcmp(key, "rank") == 0)
        return want_int(key, v, 1, 100, &a->rank, err);
    if (strcmp(key, "desired_pct") == 0)
        return want_int(key, v, 0, 100, &a->desired_pct, err);
    if (strcmp(key, "bonus_min") == 0)
        return want_int(key, v, 0, LNT_SCORE_CRITERIA_MAX, &a->bonus_min, err);
    if (strcmp(key, "other_pct") == 0)
        return want_int(key, v, 0, 100, &a->other_pct, err);
    return lnt_fail(err, LNT_ERR_INVALID,
                    "unknown key `%s` in an award: expected rank, desired_pct, bonus_min or "
                    "other_pct",
                    key);
}

static enum lnt_err cat_entry(void *ctx, const char *section, const char *key, const char *v,
                              int line, char *err)
{
    struct cat_load *l = ctx;
    struct lnt_bbn_catalogue *c = l->c;
    const char *arg;

    if (strcmp(section, "catalogue") == 0) {
        if (strcmp(key, "version") == 0) {
            l->version_seen = true;
            return want_text(key, v, c->version, sizeof c->version, err);
        }
        if (strcmp(key, "name") == 0)
            return want_text(key, v, c->name, sizeof c->name, err);
        if (strcmp(key, "finding_valid_months") == 0)
            return want_int(key, v, 1, 120, &c->finding_valid_months, err);
        if (strcmp(key, "min_evidence_share") == 0)
            return want_int(key, v, 1, 100, &c->min_evidence_share, err);
        return lnt_fail(err, LNT_ERR_INVALID, "unknown key `%s` in [catalogue]", key);
    }
    if ((arg = section_arg(section, "award")) != NULL) {
        if (l->award == NULL || strcmp(l->award->name, arg) != 0) {
            for (size_t i = 0; i < c->n_awards; i++)
                if (strcmp(c->awards[i].name, arg) == 0)
                    return lnt_fail(err, LNT_ERR_INVALID, "[award %s]: defined twice", arg);
            if (c->n_awards == LNT_SCORE_AWARDS_MAX)
                return lnt_fail(err, LNT_ERR_TOO_LARGE, "more than %d awards",
                                LNT_SCORE_AWARDS_MAX);
            l->award = &c->awards[c->n_awards++];
            memset(l->award, 0, sizeof *l->award);
            if (want_text("award name", arg, l->award->name, sizeof l->award->name, err) != LNT_OK)
                return LNT_ERR_INVALID;
            l->awards_given = true;
        }
        return cat_award_key(l, key, v, err);
    }
    if ((arg = section_arg(section, "criterion")) != NULL) {
        enum lnt_err rc = cat_criterion_start(l, arg, line, err);
        return rc != LNT_OK ? rc : cat_criterion_key(l, key, v, err);
    }
    return lnt_fail(err, LNT_ERR_INVALID,
                    "unknown section [%s]: expected [catalogue], [award NAME] or [criterion ID]",
                    section);
}

static int award_cmp(const void *a, const void *b)
{
    const struct lnt_bbn_award *x = a, *y = b;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

/* Checks what a line-by-line read cannot: required keys, consistency. */
static enum lnt_err cat_check(struct cat_load *l, const char *path, char *err)
{
    struct lnt_bbn_catalogue *c = l->c;

    if (!l->version_seen)
        return lnt_fail(err, LNT_ERR_INVALID, "%s: [catalogue] version: missing", path);
    if (c->n_criteria == 0)
        return lnt_fail(err, LNT_ERR_INVALID, "%s: no [criterion ID] sections", path);
    for (size_t i = 0; i < c->n_criteria; i++) {
        struct lnt_bbn_criterion *cr = &c->criteria[i];
        const char *missing = NULL;
        if (cr->section == 0)
            missing = "section";
        else if (cr->tier == 0)
            missing = "tier";
        else if (cr->text[0] == '\0')
            missing = "text";
        else if (!l->seen_source[i])
            missing = "source";
        else if (cr->metric != LNT_METRIC_FINDING && cr->threshold_pct < 0)
            missing = "threshold";
        if (missing)
            return lnt_fail(err, LNT_ERR_INVALID, "%s:%d: criterion %s: %s: missing", path,
                            cr->line, cr->id, missing);
        if (cr->metric == LNT_METRIC_FINDING && (cr->threshold_pct >= 0 || cr->window > 0 ||
                                                 cr->min_failures > 1 || cr->min_share_pct >= 0))
            return lnt_fail(err, LNT_ERR_INVALID,
                            "%s:%d: criterion %s: threshold, window, min_failures and "
                            "min_evidence_share are for metrics, not findings",
                            path, cr->line, cr->id);
        if (cr->min_share_pct < 0)
            cr->min_share_pct = c->min_evidence_share;
        if (cr->metric == LNT_METRIC_FINDING && cr->valid_months == 0)
            cr->valid_months = c->finding_valid_months;
        if (cr->metric != LNT_METRIC_FINDING && cr->window == 0)
            cr->window = 90;
    }
    if (!l->awards_given) {
        static const struct lnt_bbn_award ladder[3] = {
            {"Bronze", 1, 0, 0, 0}, {"Silver", 2, 50, 0, 0}, {"Gold", 3, 75, 1, 0}};
        memcpy(c->awards, ladder, sizeof ladder);
        c->n_awards = 3;
    }
    for (size_t i = 0; i < c->n_awards; i++)
        if (c->awards[i].rank == 0)
            return lnt_fail(err, LNT_ERR_INVALID, "%s: [award %s] rank: missing", path,
                            c->awards[i].name);
    qsort(c->awards, c->n_awards, sizeof c->awards[0], award_cmp);
    for (size_t i = 1; i < c->n_awards; i++) {
        const struct lnt_bbn_award *lo = &c->awards[i - 1], *hi = &c->awards[i];
        if (hi->rank == lo->rank)
            return lnt_fail(err, LNT_ERR_INVALID, "%s: awards %s and %s share rank %d", path,
                            lo->name, hi->name, hi->rank);
        /* a rung no harder than the one below it would be reached whenever that one is */
        if (hi->desired_pct <= lo->desired_pct && hi->bonus_min <= lo->bonus_min &&
            hi->other_pct <= lo->other_pct)
            return lnt_fail(err, LNT_ERR_INVALID,
                            "%s: [award %s] (rank %d) asks for no more than [award %s] (rank %d): "
                            "raise its desired_pct, bonus_min or other_pct",
                            path, hi->name, hi->rank, lo->name, lo->rank);
    }
    return LNT_OK;
}

enum lnt_err lnt_bbn_catalogue_parse(const char *path, const char *text, size_t len,
                                     struct lnt_bbn_catalogue **out, char *err)
{
    struct cat_load l;
    struct lnt_bbn_catalogue *c = NULL;
    enum lnt_err rc;

    *out = NULL;
    memset(&l, 0, sizeof l);
    c = calloc(1, sizeof *c);
    if (c == NULL || (c->criteria = calloc(LNT_SCORE_CRITERIA_MAX, sizeof *c->criteria)) == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "%s: out of memory", path);
        goto out;
    }
    c->finding_valid_months = 12;
    c->min_evidence_share = 50;
    l.c = c;
    rc = lnt_ini_parse_mem(path, text, len, cat_entry, &l, err);
    if (rc == LNT_OK)
        rc = cat_check(&l, path, err);
    if (rc == LNT_OK) {
        *out = c;
        c = NULL; /* the caller's now */
    }
out:
    lnt_bbn_catalogue_free(c);
    return rc;
}

enum lnt_err lnt_bbn_catalogue_load(const char *path, struct lnt_bbn_catalogue **out, char *err)
{
    char *text = NULL;
    size_t len = 0;
    enum lnt_err rc;

    *out = NULL;
    rc = lnt_ini_read(path, &text, &len, err);
    if (rc == LNT_OK)
        rc = lnt_bbn_catalogue_parse(path, text, len, out, err);
    free(text);
    return rc;
}

void lnt_bbn_catalogue_free(struct lnt_bbn_catalogue *c)
{
    if (c == NULL)
        return;
    free(c->criteria);
    free(c);
}

const struct lnt_bbn_criterion *lnt_bbn_catalogue_find(const struct lnt_bbn_catalogue *c,
                                                       const char *id)
{
    for (size_t i = 0; i < c->n_criteria; i++)
        if (strcmp(c->criteria[i].id, id) == 0)
            return &c->criteria[i];
    return NULL;
}

/* ---- risk weights ---- */

enum wtype { W_INT, W_I64, W_MILLI, W_CAP, W_TEXT, W_WINDOW };

struct wkey {
    const char *section;
    const char *key;
    enum wtype type;
    size_t off;
    int64_t min, max; /* W_MILLI: in milli */
};

#define WOFF(f) offsetof(struct lnt_risk_weights, f)
static const struct wkey wkeys[] = {
    {"rules", "version", W_TEXT, WOFF(version), 0, 0},
    {"rules", "window_days", W_INT, WOFF(window_days), 1, LNT_SCORE_WINDOW_MAX},
    {"rules", "window", W_WINDOW, WOFF(window), 0, 0},
    {"rules", "min_window_nights", W_INT, WOFF(min_window_nights), 0, LNT_SCORE_WINDOW_MAX},
    {"rules", "half_life_days", W_INT, WOFF(half_life_days), 1, 3650},
    {"rules", "reference_exposure", W_I64, WOFF(reference_exposure), 1, 1000000000},
    {"rules", "min_exposure", W_I64, WOFF(min_exposure), 1, 1000000000},
    {"severity", "1", W_MILLI, WOFF(severity_milli[1]), 0, 100000},
    {"severity", "2", W_MILLI, WOFF(severity_milli[2]), 0, 100000},
    {"severity", "3", W_MILLI, WOFF(severity_milli[3]), 0, 100000},
    {"severity", "4", W_MILLI, WOFF(severity_milli[4]), 0, 100000},
    {"severity", "5", W_MILLI, WOFF(severity_milli[5]), 0, 100000},
    {"handling", "complete", W_MILLI, WOFF(credit_complete_milli), 0, 1000},
    {"handling", "timely", W_MILLI, WOFF(credit_timely_milli), 0, 1000},
    {"handling", "police", W_MILLI, WOFF(credit_police_milli), 0, 1000},
    {"handling", "timely_minutes", W_INT, WOFF(timely_seconds), 1, 10080},
    {"gaps", "essential_unmet", W_MILLI, WOFF(gap_essential_unmet_milli), 0, 1000000},
    {"gaps", "essential_not_evidenced", W_MILLI, WOFF(gap_essential_unevidenced_milli), 0, 1000000},
    {"gaps", "door_shift_without_sia", W_MILLI, WOFF(gap_sia_shift_milli), 0, 1000000},
    {"gaps", "silent_night", W_MILLI, WOFF(gap_silent_night_milli), 0, 1000000},
    {"bands", "amber", W_MILLI, WOFF(amber_milli), 1, 1000000000},
    {"bands", "red", W_MILLI, WOFF(red_milli), 1, 1000000000},
    {"caps", "essential_unmet", W_CAP, WOFF(cap_essential_unmet), 0, 0},
    {"caps", "essential_not_evidenced", W_CAP, WOFF(cap_essential_unevidenced), 0, 0},
    {"caps", "door_shift_without_sia", W_CAP, WOFF(cap_sia_shift), 0, 0},
    {"caps", "serious_unhandled", W_CAP, WOFF(cap_serious_unhandled), 0, 0},
    {"caps", "serious_severity", W_INT, WOFF(serious_severity), 1, 5},
    {"caps", "serious_nights", W_INT, WOFF(serious_nights), 0, LNT_SCORE_WINDOW_MAX},
    {"caps", "silent_nights", W_CAP, WOFF(cap_silent), 0, 0},
    {"caps", "silent_nights_pct", W_INT, WOFF(cap_silent_pct), 1, 100},
    {"trend", "tolerance", W_MILLI, WOFF(trend_tolerance_milli), 0, 1000000000},
    {"reporting", "fraction_pct", W_INT, WOFF(low_fraction_pct), 0, 100},
    {"reporting", "min_exposure", W_I64, WOFF(low_min_exposure), 0, 1000000000},
};
#define N_WKEYS (sizeof wkeys / sizeof wkeys[0])

struct w_load {
    struct lnt_risk_weights *w;
    bool seen[N_WKEYS];
    struct lnt_risk_kind *kind;
    bool kind_weight_seen;
    int kind_line;
};

static enum lnt_err w_scalar(struct w_load *l, const struct wkey *k, const char *v, char *err)
{
    char *base = (char *)l->w;
    char name[64];
    int64_t m = 0;
    int i = 0;

    snprintf(name, sizeof name, "[%s] %s", k->section, k->key);
    switch (k->type) {
    case W_TEXT:
        return want_text(name, v, base + k->off, LNT_SCORE_NAME_MAX, err);
    case W_WINDOW:
        if (lnt_score_window_parse(v, &l->w->window) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "%s: `%s`: expected rolling or quarter", name, v);
        return LNT_OK;
    case W_INT:
        if (want_int(name, v, k->min, k->max, &i, err) != LNT_OK)
            return LNT_ERR_INVALID;
        if (strcmp(k->key, "timely_minutes") == 0)
            i *= 60;
        memcpy(base + k->off, &i, sizeof i);
        return LNT_OK;
    case W_I64:
        if (lnt_parse_i64(v, k->min, k->max, &m) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "%s: `%s`: expected a whole number %lld..%lld",
                            name, v, (long long)k->min, (long long)k->max);
        memcpy(base + k->off, &m, sizeof m);
        return LNT_OK;
    case W_MILLI:
        if (want_milli(name, v, k->min, k->max, &m, err) != LNT_OK)
            return LNT_ERR_INVALID;
        if (k->max <= 1000) { /* credits are int32_t */
            int32_t m32 = (int32_t)m;
            memcpy(base + k->off, &m32, sizeof m32);
        } else {
            memcpy(base + k->off, &m, sizeof m);
        }
        return LNT_OK;
    case W_CAP: {
        enum lnt_band b = LNT_BAND_NONE;
        if (strcmp(v, "none") != 0 && (lnt_band_parse(v, &b) != LNT_OK || b == LNT_BAND_GREEN))
            return lnt_fail(err, LNT_ERR_INVALID, "%s: `%s`: expected amber, red or none", name, v);
        memcpy(base + k->off, &b, sizeof b);
        return LNT_OK;
    }
    }
    return LNT_ERR_INTERNAL;
}

static enum lnt_err w_entry(void *ctx, const char *section, const char *key, const char *v,
                            int line, char *err)
{
    struct w_load *l = ctx;
    struct lnt_risk_weights *w = l->w;
    const char *arg;

    if ((arg = section_arg(section, "kind")) != NULL) {
        if (l->kind == NULL || strcmp(l->kind->name, arg) != 0) {
            if (l->kind && !l->kind_weight_seen)
                return lnt_fail(err, LNT_ERR_INVALID, "[kind %s] (line %d): weight: missing",
                                l->kind->name, l->kind_line);
            for (size_t i = 0; i < w->n_kinds; i++)
                if (strcmp(w->kinds[i].name, arg) == 0)
                    return lnt_fail(err, LNT_ERR_INVALID, "[kind %s]: defined twice", arg);
            if (w->n_kinds == LNT_SCORE_KINDS_MAX)
                return lnt_fail(err, LNT_ERR_TOO_LARGE, "more than %d kinds", LNT_SCORE_KINDS_MAX);
            l->kind = &w->kinds[w->n_kinds++];
            memset(l->kind, 0, sizeof *l->kind);
            if (want_text("kind name", arg, l->kind->name, sizeof l->kind->name, err) != LNT_OK)
                return LNT_ERR_INVALID;
            l->kind_weight_seen = false;
            l->kind_line = line;
        }
        if (strcmp(key, "weight") == 0) {
            int64_t m = 0;
            if (want_milli("weight", v, 0, 100000, &m, err) != LNT_OK)
                return LNT_ERR_INVALID;
            l->kind->weight_milli = (int32_t)m;
            l->kind_weight_seen = true;
            return LNT_OK;
        }
        if (strcmp(key, "police") == 0) {
            if (strcmp(v, "required") == 0)
                l->kind->police_required = true;
            else if (strcmp(v, "not_required") == 0)
                l->kind->police_required = false;
            else
                return lnt_fail(err, LNT_ERR_INVALID,
                                "police: `%s`: expected required or not_required", v);
            return LNT_OK;
        }
        return lnt_fail(err, LNT_ERR_INVALID, "unknown key `%s` in [kind %s]", key, arg);
    }
    if (strcmp(section, "expected") == 0) {
        struct lnt_risk_expect *e;
        if (w->n_expect == LNT_SCORE_EXPECT_MAX)
            return lnt_fail(err, LNT_ERR_TOO_LARGE, "more than %d categories in [expected]",
                            LNT_SCORE_EXPECT_MAX);
        e = &w->expect[w->n_expect];
        if (want_text("category", key, e->category, sizeof e->category, err) != LNT_OK)
            return LNT_ERR_INVALID;
        for (size_t i = 0; i < w->n_expect; i++)
            if (strcmp(w->expect[i].category, key) == 0)
                return lnt_fail(err, LNT_ERR_INVALID, "[expected] %s: given twice", key);
        if (want_milli(key, v, 0, 1000000, &e->rate_milli, err) != LNT_OK)
            return LNT_ERR_INVALID;
        w->n_expect++;
        return LNT_OK;
    }
    for (size_t i = 0; i < N_WKEYS; i++) {
        if (strcmp(wkeys[i].section, section) != 0 || strcmp(wkeys[i].key, key) != 0)
            continue;
        if (l->seen[i])
            return lnt_fail(err, LNT_ERR_INVALID, "[%s] %s: given twice", section, key);
        l->seen[i] = true;
        return w_scalar(l, &wkeys[i], v, err);
    }
    return lnt_fail(err, LNT_ERR_INVALID, "unknown key `%s` in [%s]", key, section);
}

/* Keys a weights file may leave out (added after files were written): the default set in
 * lnt_risk_weights_parse stands. */
static bool w_optional(const struct wkey *k)
{
    return k->off == WOFF(serious_nights) || k->off == WOFF(min_window_nights) ||
           k->off == WOFF(window);
}

static enum lnt_err w_check(struct w_load *l, const char *path, char *err)
{
    struct lnt_risk_weights *w = l->w;
    bool any = false;
    char sum[32];

    for (size_t i = 0; i < N_WKEYS; i++)
        if (!l->seen[i] && !w_optional(&wkeys[i]))
            return lnt_fail(err, LNT_ERR_INVALID, "%s: [%s] %s: missing", path, wkeys[i].section,
                            wkeys[i].key);
    if (w->min_window_nights > w->window_days)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "%s: [rules] min_window_nights (%d) is over window_days (%d): no venue "
                        "could be scored",
                        path, w->min_window_nights, w->window_days);
    /* no reward for avoiding assessment (docs/scoring.md) */
    if (w->gap_essential_unevidenced_milli < w->gap_essential_unmet_milli) {
        char a[32];
        lnt_score_milli_format(w->gap_essential_unevidenced_milli, sum);
        lnt_score_milli_format(w->gap_essential_unmet_milli, a);
        return lnt_fail(err, LNT_ERR_INVALID,
                        "%s: [gaps] essential_not_evidenced (%s) is below essential_unmet (%s): "
                        "a venue would gain by avoiding assessment",
                        path, sum, a);
    }
    if (w->cap_essential_unevidenced < w->cap_essential_unmet)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "%s: [caps] essential_not_evidenced (%s) is milder than essential_unmet "
                        "(%s): a venue would gain by avoiding assessment",
                        path, lnt_band_name(w->cap_essential_unevidenced),
                        lnt_band_name(w->cap_essential_unmet));
    if (l->kind && !l->kind_weight_seen)
        return lnt_fail(err, LNT_ERR_INVALID, "%s:%d: [kind %s] weight: missing", path,
                        l->kind_line, l->kind->name);
    for (size_t i = 0; i < w->n_kinds; i++)
        any |= strcmp(w->kinds[i].name, "*") == 0;
    if (!any)
        return lnt_fail(err, LNT_ERR_INVALID, "%s: [kind *] (for kinds not listed): missing", path);
    for (int s = 2; s <= 5; s++)
        if (w->severity_milli[s] < w->severity_milli[s - 1])
            return lnt_fail(err, LNT_ERR_INVALID, "%s: [severity] %d is below %d", path, s, s - 1);
    if (w->credit_complete_milli + w->credit_timely_milli + w->credit_police_milli != 1000) {
        lnt_score_milli_format(
            w->credit_complete_milli + w->credit_timely_milli + w->credit_police_milli, sum);
        return lnt_fail(err, LNT_ERR_INVALID,
                        "%s: [handling] complete + timely + police must be 1, so that a report "
                        "handled by the book carries no points; they sum to %s",
                        path, sum);
    }
    if (w->red_milli <= w->amber_milli)
        return lnt_fail(err, LNT_ERR_INVALID, "%s: [bands] red must be above amber", path);
    for (int age = 0; age < LNT_SCORE_WINDOW_MAX; age++)
        w->decay_ppm[age] = (int32_t)llround(1e6 * exp2(-(double)age / (double)w->half_life_days));
    return LNT_OK;
}

enum lnt_err lnt_risk_weights_parse(const char *path, const char *text, size_t len,
                                    struct lnt_risk_weights **out, char *err)
{
    struct w_load l;
    enum lnt_err rc;

    *out = NULL;
    memset(&l, 0, sizeof l);
    l.w = calloc(1, sizeof *l.w);
    if (l.w == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "%s: out of memory", path);
    l.w->serious_nights = 30; /* optional keys' defaults */
    l.w->min_window_nights = 28;
    rc = lnt_ini_parse_mem(path, text, len, w_entry, &l, err);
    if (rc == LNT_OK)
        rc = w_check(&l, path, err);
    if (rc == LNT_OK) {
        *out = l.w;
        l.w = NULL; /* the caller's now */
    }
    free(l.w);
    return rc;
}

enum lnt_err lnt_risk_weights_load(const char *path, struct lnt_risk_weights **out, char *err)
{
    char *text = NULL;
    size_t len = 0;
    enum lnt_err rc;

    *out = NULL;
    rc = lnt_ini_read(path, &text, &len, err);
    if (rc == LNT_OK)
        rc = lnt_risk_weights_parse(path, text, len, out, err);
    free(text);
    return rc;
}

enum lnt_err lnt_score_rules_load(struct lnt_score_rules *out, const char *bbn_path,
                                  const char *risk_path, char *err)
{
    enum lnt_err rc;

    out->bbn = NULL;
    out->risk = NULL;
    rc = lnt_bbn_catalogue_load(bbn_path, &out->bbn, err);
    if (rc == LNT_OK)
        rc = lnt_risk_weights_load(risk_path, &out->risk, err);
    if (rc != LNT_OK)
        lnt_score_rules_release(out);
    return rc;
}

void lnt_score_rules_release(struct lnt_score_rules *r)
{
    lnt_bbn_catalogue_free(r->bbn);
    free(r->risk);
    r->bbn = NULL;
    r->risk = NULL;
}
