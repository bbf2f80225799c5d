/* score_league.c - the league table built from the store: venue summaries joined with scores. */
#include "score_league.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "score_load.h"

struct league_priv {
    struct lnt_league pub; /* first: a struct lnt_league * is a struct league_priv * */
    atomic_int refs;
};

void lnt_league_window(const struct lnt_score_rules *rules, int64_t at, int32_t *first,
                       int32_t *last)
{
    if (rules == NULL || rules->risk == NULL || rules->risk->window_days <= 0) {
        lnt_score_window(at, LNT_LEAGUE_WINDOW_DEFAULT, first, last);
        return;
    }
    lnt_score_rules_window(rules->risk, at, 0, first, last);
}

void lnt_league_row_finish(const struct lnt_score_rules *rules, struct lnt_league_row *row)
{
    const struct lnt_bbn_catalogue *cat = rules != NULL ? rules->bbn : NULL;

    row->award_rank = row->scored ? lnt_bbn_award_rank(cat, row->score.award) : 0;
    memset(&row->next, 0, sizeof row->next);
    if (row->scored && row->bbn_scored)
        lnt_bbn_next_award(cat, &row->score, &row->next);
}

static struct lnt_league *league_new(void)
{
    struct league_priv *p = calloc(1, sizeof *p);

    if (p == NULL)
        return NULL;
    atomic_init(&p->refs, 1);
    return &p->pub;
}

struct lnt_league *lnt_league_hold(struct lnt_league *l)
{
    atomic_fetch_add(&((struct league_priv *)l)->refs, 1);
    return l;
}

void lnt_league_release(struct lnt_league *l)
{
    struct league_priv *p = (struct league_priv *)l;

    if (p == NULL)
        return;
    if (atomic_fetch_sub(&p->refs, 1) == 1) {
        free(p->pub.rows);
        free(p);
    }
}

static int cmp_rank_id(const void *a, const void *b)
{
    const struct lnt_rank_venue *x = a, *y = b;
    return x->venue_id < y->venue_id ? -1 : x->venue_id > y->venue_id;
}

/* Appends every open venue's summary over the league's window, LNT_VIEW_MAX rows at a time. */
static enum lnt_err add_summaries(struct lnt_store *s, const char *authority, struct lnt_league *l,
                                  char *err)
{
    for (size_t offset = 0;; offset += LNT_VIEW_MAX) {
        struct lnt_venue_summary *v = NULL;
        struct lnt_league_row *grown;
        size_t n = 0;
        enum lnt_err rc = lnt_store_venue_summaries(
            s, authority, false, l->first_night, l->last_night, offset, LNT_VIEW_MAX, &v, &n, err);
        if (rc != LNT_OK)
            return rc;
        if (n > 0) {
            grown = realloc(l->rows, (l->n + n) * sizeof *grown);
            if (grown == NULL) {
                free(v);
                return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
            }
            l->rows = grown;
            for (size_t i = 0; i < n; i++) {
                memset(&l->rows[l->n + i], 0, sizeof l->rows[0]);
                l->rows[l->n + i].s = v[i];
            }
            l->n += n;
        }
        free(v);
        if (n < LNT_VIEW_MAX)
            return LNT_OK;
    }
}

/* Joins the rows with the scheme's ranking of the same venues. */
static enum lnt_err add_scores(struct lnt_store *s, const struct lnt_score_rules *rules,
                               const char *authority, int64_t at, struct lnt_league *l, char *err)
{
    struct lnt_rank_venue *rank = NULL;
    size_t n_rank = 0;
    enum lnt_err rc = lnt_score_load_rank(s, rules, authority, at, &rank, &n_rank, err);

    if (rc != LNT_OK)
        return rc;
    qsort(rank, n_rank, sizeof *rank, cmp_rank_id);
    for (size_t i = 0; i < l->n; i++) {
        struct lnt_league_row *row = &l->rows[i];
        struct lnt_rank_venue key, *hit;
        key.venue_id = row->s.venue.id;
        hit = bsearch(&key, rank, n_rank, sizeof *rank, cmp_rank_id);
        if (hit == NULL)
            continue;
        row->scored = true;
        row->bbn_scored = row->s.venue.category != LNT_VENUE_HUB;
        row->score = hit->score;
        lnt_league_row_finish(rules, row);
    }
    free(rank);
    return LNT_OK;
}

enum lnt_err lnt_league_build(struct lnt_store *s, const struct lnt_score_rules *rules,
                              const char *authority, int64_t at, struct lnt_league **out, char *err)
{
    struct lnt_league *l = league_new();
    struct lnt_rollup_scope scope = {0};
    enum lnt_err rc;

    *out = NULL;
    if (l == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    if (authority != NULL && authority[0] == '\0')
        authority = NULL;
    lnt_league_window(rules, at, &l->first_night, &l->last_night);
    l->built_at = at;
    lnt_str_copy(l->authority, sizeof l->authority, authority != NULL ? authority : "");
    rc = add_summaries(s, authority, l, err);
    if (rc != LNT_OK)
        goto out;
    /* the town this week against the same nights a year ago (52 weeks: same weekdays) */
    scope.authority = authority;
    l->week_ok = lnt_store_rollup_totals(s, &scope, l->last_night - 6, l->last_night, &l->week_now,
                                         NULL) == LNT_OK &&
                 lnt_store_rollup_totals(s, &scope, l->last_night - 6 - 364, l->last_night - 364,
                                         &l->week_before, NULL) == LNT_OK;
    if (rules != NULL && l->n > 0)
        rc = add_scores(s, rules, authority, at, l, err);
out:
    if (rc != LNT_OK) {
        lnt_league_release(l);
        return rc;
    }
    *out = l;
    return LNT_OK;
}

enum lnt_err lnt_league_one(struct lnt_store *s, const struct lnt_score_rules *rules,
                            int64_t venue_id, int64_t at, struct lnt_league **out, char *err)
{
    struct lnt_league *l = league_new();
    struct lnt_venue_detail d;
    struct lnt_score_result res;
    char score_err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc;

    *out = NULL;
    memset(&res, 0, sizeof res);
    if (l == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    lnt_league_window(rules, at, &l->first_night, &l->last_night);
    l->built_at = at;
    rc = lnt_store_venue_detail(s, venue_id, l->first_night, l->last_night, &d, err);
    if (rc != LNT_OK) {
        lnt_league_release(l);
        return rc;
    }
    l->rows = calloc(1, sizeof *l->rows);
    if (l->rows == NULL) {
        lnt_league_release(l);
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    }
    l->n = 1;
    l->rows[0].s = d.summary;
    /* a venue that cannot be scored is still listed, as "not scored" */
    if (rules != NULL && lnt_score_load_venue(s, rules, venue_id, at, &res, score_err) == LNT_OK) {
        l->rows[0].scored = true;
        l->rows[0].bbn_scored = res.bbn.scored;
        lnt_score_brief_of(&res, &l->rows[0].score);
        lnt_league_row_finish(rules, &l->rows[0]);
    }
    lnt_score_result_release(&res);
    *out = l;
    return LNT_OK;
}
