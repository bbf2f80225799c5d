/*
 * fuzz_score_ini.c - fuzz target for the scoring rules files (common/inifile.c,
 * server/scoring/score_rules.c): the INI reader and the loaders of the BBN criteria
 * catalogue and the risk weights, through the same parse-from-memory entry
 * points the file loaders use. The first byte chooses (mod 3): the catalogue,
 * the weights, or the bare INI reader; the rest is the file.
 * Invariants, any of which failing aborts:
 *   - an error names the file ("rules.ini:...") and leaves no result;
 *   - an accepted catalogue has 1..LNT_SCORE_CRITERIA_MAX criteria, each in range
 *     (section A-F, tier, metric, threshold 0..100 and a window for metrics, months for
 *     findings), found by its id, and an award ladder strictly ascending by rank;
 *   - accepted weights have bands red above amber, severities not decreasing, a window
 *     and half-life in range, a "*" kind, and full weight for the newest night;
 *   - the same text loads to the same result twice;
 *   - the bare reader passes entries in line order, never after the handler said stop,
 *     and accepts no line longer than LNT_INI_LINE_MAX.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "score.h"
#include "inifile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX 65536
#define NAME "rules.ini"

static void error_or_abort(enum lnt_err rc, const char *err)
{
    if (rc != LNT_ERR_INVALID && rc != LNT_ERR_TOO_LARGE)
        abort();
    if (strncmp(err, NAME ":", strlen(NAME ":")) != 0)
        abort();
}

static int bounded(const char *s, size_t size)
{
    return memchr(s, 0, size) != NULL;
}

static void catalogue(const char *text, size_t len)
{
    struct lnt_bbn_catalogue *c = NULL, *again = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc;

    rc = lnt_bbn_catalogue_parse(NAME, text, len, &c, err);
    if (rc != LNT_OK) {
        error_or_abort(rc, err);
        if (c != NULL)
            abort();
        return;
    }
    if (c == NULL || c->n_criteria < 1 || c->n_criteria > LNT_SCORE_CRITERIA_MAX ||
        c->n_awards < 1 || c->n_awards > LNT_SCORE_AWARDS_MAX ||
        !bounded(c->version, sizeof c->version) || !bounded(c->name, sizeof c->name))
        abort();
    for (size_t i = 0; i < c->n_criteria; i++) {
        const struct lnt_bbn_criterion *cr = &c->criteria[i], *found;
        if (!bounded(cr->id, sizeof cr->id) || !bounded(cr->text, sizeof cr->text) ||
            !bounded(cr->categories, sizeof cr->categories) || cr->text[0] == '\0' ||
            cr->section < 'A' || cr->section > 'F' || cr->tier < LNT_TIER_ESSENTIAL ||
            cr->tier > LNT_TIER_BONUS || (unsigned)cr->metric >= LNT_METRIC__COUNT)
            abort();
        if (cr->metric == LNT_METRIC_FINDING
                ? cr->valid_months < 1
                : cr->threshold_pct < 0 || cr->threshold_pct > 100 || cr->window < 1 ||
                      cr->window > LNT_SCORE_WINDOW_MAX)
            abort();
        found = lnt_bbn_catalogue_find(c, cr->id);
        if (found == NULL || strcmp(found->id, cr->id) != 0)
            abort();
    }
    for (size_t i = 0; i < c->n_awards; i++)
        if (!bounded(c->awards[i].name, sizeof c->awards[i].name) ||
            (i > 0 && c->awards[i].rank <= c->awards[i - 1].rank))
            abort();
    if (lnt_bbn_catalogue_parse(NAME, text, len, &again, err) != LNT_OK ||
        again->n_criteria != c->n_criteria || again->n_awards != c->n_awards ||
        memcmp(again->criteria, c->criteria, c->n_criteria * sizeof *c->criteria) != 0 ||
        memcmp(again->awards, c->awards, sizeof c->awards) != 0)
        abort();
    lnt_bbn_catalogue_free(again);
    lnt_bbn_catalogue_free(c);
}

static void weights(const char *text, size_t len)
{
    struct lnt_risk_weights *w = NULL, *again = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc;
    int star = 0;

    rc = lnt_risk_weights_parse(NAME, text, len, &w, err);
    if (rc != LNT_OK) {
        error_or_abort(rc, err);
        if (w != NULL)
            abort();
        return;
    }
    if (w == NULL || w->red_milli <= w->amber_milli || w->window_days < 1 ||
        w->window_days > LNT_SCORE_WINDOW_MAX || w->half_life_days < 1 ||
        w->n_kinds > LNT_SCORE_KINDS_MAX || w->n_expect > LNT_SCORE_EXPECT_MAX ||
        w->decay_ppm[0] != 1000000 || !bounded(w->version, sizeof w->version))
        abort();
    for (int s = 2; s <= 5; s++)
        if (w->severity_milli[s] < w->severity_milli[s - 1])
            abort();
    for (size_t i = 0; i < w->n_kinds; i++) {
        if (!bounded(w->kinds[i].name, sizeof w->kinds[i].name))
            abort();
        star |= strcmp(w->kinds[i].name, "*") == 0;
    }
    if (!star)
        abort();
    if (lnt_risk_weights_parse(NAME, text, len, &again, err) != LNT_OK ||
        memcmp(again, w, sizeof *w) != 0)
        abort();
    free(again);
    free(w);
}

struct raw {
    int last_line;
    int max_line;
    int calls;
    int stop_at; /* the handler refuses this call (1-based); 0: never */
    int stopped;
};

static enum lnt_err raw_entry(void *ctx, const char *section, const char *key, const char *value,
                              int line, char *err)
{
    struct raw *r = ctx;

    if (r->stopped || line < 1 || line < r->last_line || line > r->max_line ||
        strlen(section) > LNT_INI_LINE_MAX || strlen(key) > LNT_INI_LINE_MAX ||
        strlen(value) > LNT_INI_LINE_MAX)
        abort();
    r->last_line = line;
    if (++r->calls == r->stop_at) {
        r->stopped = 1;
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "enough");
    }
    return LNT_OK;
}

static void bare(const char *text, size_t len, int stop_at)
{
    struct raw r = {.max_line = 1, .stop_at = stop_at};
    char err[LNT_ERRBUF_SIZE] = "";
    size_t line_len = 0, longest = 0;
    enum lnt_err rc;

    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            r.max_line++;
            line_len = 0;
        } else if (++line_len > longest) {
            longest = line_len;
        }
    }
    rc = lnt_ini_parse_mem(NAME, text, len, raw_entry, &r, err);
    if (rc != LNT_OK) {
        error_or_abort(rc, err);
        if (rc == LNT_ERR_TOO_LARGE && !r.stopped)
            abort();
        return;
    }
    if (r.stopped || longest > LNT_INI_LINE_MAX)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data + 1;

    if (size < 1 || size > FUZZ_MAX)
        return 0;
    switch (data[0] % 3) {
    case 0:
        catalogue(text, size - 1);
        break;
    case 1:
        weights(text, size - 1);
        break;
    default:
        bare(text, size - 1, data[0] / 3 % 8);
        break;
    }
    return 0;
}
