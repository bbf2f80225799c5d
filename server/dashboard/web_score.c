/* web_score.c - the dashboard's scores (through score_load.c, as the API's) and the cached league.
 */
#include "web_int.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ltime.h"
#include "night.h"
#include "score_load.h"

#define SLOW_BUILD_MS 200 /* a league slower than this to build is refreshed in the background */

struct web_league_priv {
    struct web_league pub;
    atomic_int refs;
    unsigned generation; /* w->generation when its build started */
    int64_t build_ms;
    bool refreshing; /* a background rebuild is under way (guarded by w->lock) */
};

static int window_days(const struct lnt_web *w)
{
    return w->rules != NULL && w->rules->risk != NULL && w->rules->risk->window_days > 0
               ? w->rules->risk->window_days
               : WEB_WINDOW_DEFAULT;
}

void web_window(const struct lnt_web *w, int64_t at, int32_t *first, int32_t *last)
{
    lnt_score_window(at, window_days(w), first, last);
}

enum lnt_err web_score_venue(struct lnt_web *w, const struct lnt_venue *v, int64_t at,
                             struct lnt_score_result *out, char *err)
{
    memset(out, 0, sizeof *out);
    if (w->rules == NULL)
        return lnt_fail(err, LNT_ERR_STATE, "no scoring rules are loaded");
    return lnt_score_load_venue(w->store, w->rules, v->id, at, out, err);
}

void web_league_release(struct web_league *l)
{
    struct web_league_priv *p = (struct web_league_priv *)l;

    if (p == NULL)
        return;
    if (atomic_fetch_sub(&p->refs, 1) == 1) {
        free(p->pub.rows);
        free(p);
    }
}

static struct web_league_priv *league_new(void)
{
    struct web_league_priv *p = calloc(1, sizeof *p);
    if (p != NULL)
        atomic_init(&p->refs, 1);
    return p;
}

static int cmp_rank_id(const void *a, const void *b)
{
    const struct lnt_rank_venue *x = a, *y = b;
    return x->venue_id < y->venue_id ? -1 : x->venue_id > y->venue_id;
}

/* Summaries of every open venue in scope, joined with the scoring's ranking. */
static enum lnt_err league_build(struct lnt_web *w, const char *authority, int64_t at,
                                 struct web_league_priv **out, char *err)
{
    struct web_league_priv *p = league_new();
    struct lnt_rank_venue *rank = NULL;
    size_t n_rank = 0;
    int32_t first, last;
    enum lnt_err rc = LNT_OK;

    if (p == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    web_window(w, at, &first, &last);
    p->pub.first_night = first;
    p->pub.last_night = last;
    p->pub.built_at = at;
    lnt_str_copy(p->pub.authority, sizeof p->pub.authority, authority != NULL ? authority : "");

    for (size_t offset = 0;; offset += LNT_VIEW_MAX) {
        struct lnt_venue_summary *s = NULL;
        struct web_league_row *grown;
        size_t n = 0;
        if ((rc = lnt_store_venue_summaries(w->store, authority, false, first, last, offset,
                                            LNT_VIEW_MAX, &s, &n, err)) != LNT_OK)
            goto out;
        if (n > 0) {
            grown = realloc(p->pub.rows, (p->pub.n + n) * sizeof *grown);
            if (grown == NULL) {
                free(s);
                rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
                goto out;
            }
            p->pub.rows = grown;
            for (size_t i = 0; i < n; i++) {
                memset(&p->pub.rows[p->pub.n + i], 0, sizeof p->pub.rows[0]);
                p->pub.rows[p->pub.n + i].s = s[i];
            }
            p->pub.n += n;
        }
        free(s);
        if (n < LNT_VIEW_MAX)
            break;
    }
    {
        /* the town this week against the same nights a year ago (52 weeks: same weekdays) */
        struct lnt_rollup_scope scope = {0};
        scope.authority = authority;
        p->pub.week_ok = lnt_store_rollup_totals(w->store, &scope, last - 6, last, &p->pub.week_now,
                                                 NULL) == LNT_OK &&
                         lnt_store_rollup_totals(w->store, &scope, last - 6 - 364, last - 364,
                                                 &p->pub.week_before, NULL) == LNT_OK;
    }
    if (w->rules == NULL || p->pub.n == 0)
        goto out;
    if ((rc = lnt_score_load_rank(w->store, w->rules, authority, at, &rank, &n_rank, err)) !=
        LNT_OK)
        goto out;
    qsort(rank, n_rank, sizeof *rank, cmp_rank_id);
    for (size_t i = 0; i < p->pub.n; i++) {
        struct web_league_row *row = &p->pub.rows[i];
        struct lnt_rank_venue key, *hit;
        key.venue_id = row->s.venue.id;
        hit = bsearch(&key, rank, n_rank, sizeof *rank, cmp_rank_id);
        if (hit == NULL)
            continue;
        row->scored = true;
        row->band = hit->band;
        row->risk_milli = hit->total_milli;
        row->bbn_scored = row->s.venue.category != LNT_VENUE_HUB;
        row->accredited = hit->accredited;
        lnt_str_copy(row->award, sizeof row->award, hit->award);
        row->trend = hit->trend;
        row->review = hit->review;
        row->low_reporting = hit->low_reporting;
    }
out:
    free(rank);
    if (rc != LNT_OK) {
        web_league_release(&p->pub);
        return rc;
    }
    *out = p;
    return LNT_OK;
}

/* Puts `p` in the cache for its authority (replacing the old entry), unless invalidated since. */
static void league_install(struct lnt_web *w, struct web_league_priv *p)
{
    const size_t slots = sizeof w->cache / sizeof w->cache[0];
    size_t slot = slots, oldest = 0;

    for (size_t i = 0; i < slots; i++) {
        struct web_league *c = w->cache[i];
        if (c != NULL && strcmp(c->authority, p->pub.authority) == 0) {
            slot = i;
            break;
        }
        if (c == NULL || (w->cache[oldest] != NULL && c->built_at < w->cache[oldest]->built_at))
            oldest = i;
    }
    if (slot == slots)
        slot = oldest;
    web_league_release(w->cache[slot]);
    atomic_fetch_add(&p->refs, 1);
    w->cache[slot] = &p->pub;
}

static enum lnt_err league_build_timed(struct lnt_web *w, const char *key, int64_t at,
                                       unsigned generation, struct web_league_priv **out, char *err)
{
    int64_t t0 = lnt_mono_ms();
    enum lnt_err rc = league_build(w, key[0] != '\0' ? key : NULL, at, out, err);

    if (rc == LNT_OK) {
        (*out)->generation = generation;
        (*out)->build_ms = lnt_mono_ms() - t0;
    }
    return rc;
}

struct refresh {
    struct lnt_web *w;
    char key[LNT_AUTHORITY_MAX + 1];
    int64_t at;
    unsigned generation;
};

static void *refresh_main(void *arg)
{
    struct refresh *job = arg;
    struct lnt_web *w = job->w;
    struct web_league_priv *p = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc = league_build_timed(w, job->key, job->at, job->generation, &p, err);

    pthread_mutex_lock(&w->lock);
    for (size_t i = 0; i < sizeof w->cache / sizeof w->cache[0]; i++) {
        struct web_league_priv *c = (struct web_league_priv *)w->cache[i];
        if (c != NULL && strcmp(c->pub.authority, job->key) == 0)
            c->refreshing = false;
    }
    if (rc == LNT_OK)
        league_install(w, p);
    else
        lnt_warn("dashboard: refreshing the league: %s", err);
    w->refreshers--;
    pthread_cond_broadcast(&w->idle);
    pthread_mutex_unlock(&w->lock);
    if (p != NULL)
        web_league_release(&p->pub);
    free(job);
    return NULL;
}

/* Starts a background rebuild of `c` (w->lock held). false when one could not be started. */
static bool refresh_start(struct lnt_web *w, struct web_league_priv *c, int64_t at)
{
    struct refresh *job;
    pthread_attr_t attr;
    pthread_t t;
    bool ok;

    if (c->refreshing)
        return true;
    if (w->stopping || (job = calloc(1, sizeof *job)) == NULL)
        return false;
    job->w = w;
    lnt_str_copy(job->key, sizeof job->key, c->pub.authority);
    job->at = at;
    job->generation = w->generation;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    ok = pthread_create(&t, &attr, refresh_main, job) == 0;
    pthread_attr_destroy(&attr);
    if (!ok) {
        free(job);
        return false;
    }
    c->refreshing = true;
    w->refreshers++;
    return true;
}

/*
 * The cache: a fresh league is shared as it is; a stale one that was slow
 * to build is served while a background thread rebuilds it (so only the
 * very first request for an authority pays for scoring every venue); a
 * stale one that was quick to build is rebuilt in the request.
 */
enum lnt_err web_league_get(struct lnt_web *w, const char *authority, int64_t at,
                            struct web_league **out, char *err)
{
    const char *key = authority != NULL ? authority : "";
    struct web_league_priv *p = NULL;
    unsigned generation;
    enum lnt_err rc;

    *out = NULL;
    pthread_mutex_lock(&w->lock);
    generation = w->generation;
    for (size_t i = 0; i < sizeof w->cache / sizeof w->cache[0]; i++) {
        struct web_league_priv *c = (struct web_league_priv *)w->cache[i];
        bool fresh;
        if (c == NULL || strcmp(c->pub.authority, key) != 0)
            continue;
        fresh = c->generation == generation && at >= c->pub.built_at &&
                at - c->pub.built_at < w->league_ttl_s;
        if (fresh || (c->build_ms > SLOW_BUILD_MS && refresh_start(w, c, at))) {
            atomic_fetch_add(&c->refs, 1);
            *out = &c->pub;
        }
        break;
    }
    pthread_mutex_unlock(&w->lock);
    if (*out != NULL)
        return LNT_OK;

    rc = league_build_timed(w, key, at, generation, &p, err);
    if (rc != LNT_OK)
        return rc;
    pthread_mutex_lock(&w->lock);
    if (w->generation == generation)
        league_install(w, p);
    pthread_mutex_unlock(&w->lock);
    *out = &p->pub;
    return LNT_OK;
}

enum lnt_err web_league_one(struct lnt_web *w, int64_t venue_id, int64_t at,
                            struct web_league **out, char *err)
{
    struct web_league_priv *p = league_new();
    struct lnt_venue_detail d;
    struct lnt_score_result res;
    int32_t first, last;
    enum lnt_err rc;

    *out = NULL;
    memset(&res, 0, sizeof res);
    if (p == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    web_window(w, at, &first, &last);
    rc = lnt_store_venue_detail(w->store, venue_id, first, last, &d, err);
    if (rc != LNT_OK) {
        web_league_release(&p->pub);
        return rc;
    }
    p->pub.rows = calloc(1, sizeof *p->pub.rows);
    if (p->pub.rows == NULL) {
        web_league_release(&p->pub);
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    }
    p->pub.n = 1;
    p->pub.rows[0].s = d.summary;
    p->pub.first_night = first;
    p->pub.last_night = last;
    p->pub.built_at = at;
    if (w->rules != NULL && web_score_venue(w, &d.summary.venue, at, &res, err) == LNT_OK) {
        struct web_league_row *row = &p->pub.rows[0];
        row->scored = true;
        row->band = res.risk.band;
        row->risk_milli = res.risk.total_milli;
        row->bbn_scored = res.bbn.scored;
        row->accredited = res.bbn.accredited;
        lnt_str_copy(row->award, sizeof row->award, res.bbn.award);
        row->trend = res.risk.trend;
        row->review = res.risk.review;
        row->low_reporting = res.risk.low_reporting;
    }
    lnt_score_result_release(&res);
    *out = &p->pub;
    return LNT_OK;
}
