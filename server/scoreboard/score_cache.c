/* score_cache.c - the one cache of scores: venue briefs in a direct-mapped table and leagues by
 * authority, under one mutex, forgotten together by lnt_score_cache_invalidate. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "score_cache.h"

struct slot {
    int64_t venue_id; /* whose brief this is, when `have` */
    bool have;
    int64_t computed_at;
    uint64_t inval; /* tick of the latest invalidation of a venue mapping here */
    struct lnt_score_brief b;
};

/* A league of one authority. */
struct league_slot {
    struct lnt_league *l; /* one reference, or NULL */
    uint64_t ticket;      /* c->tick when its build started: stale once the tick moves on */
    bool refreshing;      /* a background rebuild is under way */
};

struct lnt_score_cache {
    pthread_mutex_t mu;
    pthread_cond_t idle; /* signalled when a background rebuild ends */
    struct slot *slots;
    size_t mask;
    int ttl_s;
    uint64_t tick;      /* bumped by every invalidation */
    uint64_t all_inval; /* tick of the latest invalidation of every venue */
    uint64_t hits, misses;
    struct league_slot leagues[LNT_SCORE_LEAGUE_SLOTS];
    unsigned refreshers; /* background rebuilds running */
    bool stopping;
};

enum lnt_err lnt_score_cache_new(struct lnt_score_cache **out, size_t slots, int ttl_s, char *err)
{
    struct lnt_score_cache *c;
    size_t n = 1;

    *out = NULL;
    if (slots < 1 || slots > LNT_SCORE_CACHE_SLOTS_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "score cache: %zu slots: expected 1..%u", slots,
                        LNT_SCORE_CACHE_SLOTS_MAX);
    if (ttl_s < 1)
        return lnt_fail(err, LNT_ERR_INVALID, "score cache: ttl %d s: expected at least 1", ttl_s);
    while (n < slots)
        n <<= 1;
    c = calloc(1, sizeof *c);
    if (c == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "score cache: out of memory");
    c->slots = calloc(n, sizeof *c->slots);
    if (c->slots == NULL || pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c->slots);
        free(c);
        return lnt_fail(err, LNT_ERR_NOMEM, "score cache: out of memory");
    }
    if (pthread_cond_init(&c->idle, NULL) != 0) {
        pthread_mutex_destroy(&c->mu);
        free(c->slots);
        free(c);
        return lnt_fail(err, LNT_ERR_NOMEM, "score cache: cannot make its condition");
    }
    c->mask = n - 1;
    c->ttl_s = ttl_s;
    *out = c;
    return LNT_OK;
}

void lnt_score_cache_free(struct lnt_score_cache *c)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->mu);
    c->stopping = true;
    while (c->refreshers > 0)
        pthread_cond_wait(&c->idle, &c->mu);
    pthread_mutex_unlock(&c->mu);
    for (size_t i = 0; i < LNT_SCORE_LEAGUE_SLOTS; i++)
        lnt_league_release(c->leagues[i].l);
    pthread_cond_destroy(&c->idle);
    pthread_mutex_destroy(&c->mu);
    free(c->slots);
    free(c);
}

static struct slot *slot_of(struct lnt_score_cache *c, int64_t venue_id)
{
    return &c->slots[(uint64_t)venue_id & c->mask];
}

bool lnt_score_cache_get(struct lnt_score_cache *c, int64_t venue_id, int64_t now,
                         struct lnt_score_brief *out, uint64_t *ticket)
{
    struct slot *s;
    bool hit;

    *ticket = 0;
    if (c == NULL)
        return false;
    pthread_mutex_lock(&c->mu);
    s = slot_of(c, venue_id);
    hit = s->have && s->venue_id == venue_id && now >= s->computed_at &&
          now - s->computed_at < c->ttl_s;
    if (hit) {
        *out = s->b;
        c->hits++;
    } else {
        *ticket = c->tick;
        c->misses++;
    }
    pthread_mutex_unlock(&c->mu);
    return hit;
}

void lnt_score_cache_put(struct lnt_score_cache *c, int64_t venue_id, uint64_t ticket, int64_t now,
                         const struct lnt_score_brief *b)
{
    struct slot *s;

    if (c == NULL)
        return;
    pthread_mutex_lock(&c->mu);
    s = slot_of(c, venue_id);
    if (c->all_inval <= ticket && s->inval <= ticket) {
        s->venue_id = venue_id;
        s->have = true;
        s->computed_at = now;
        s->b = *b;
    }
    pthread_mutex_unlock(&c->mu);
}

void lnt_score_cache_invalidate(struct lnt_score_cache *c, int64_t venue_id)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->mu);
    ++c->tick; /* every league, and every league being built, is stale from now on */
    if (venue_id == LNT_SCORE_CACHE_ALL) {
        c->all_inval = c->tick;
        for (size_t i = 0; i <= c->mask; i++)
            c->slots[i].have = false;
    } else {
        struct slot *s = slot_of(c, venue_id);
        s->inval = c->tick;
        if (s->venue_id == venue_id)
            s->have = false;
    }
    pthread_mutex_unlock(&c->mu);
}

void lnt_score_cache_stats(struct lnt_score_cache *c, uint64_t *hits, uint64_t *misses)
{
    *hits = 0;
    *misses = 0;
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->mu);
    *hits = c->hits;
    *misses = c->misses;
    pthread_mutex_unlock(&c->mu);
}

/* ---- leagues ---- */

/* The slot holding `key`'s league, or NULL (c->mu held). */
static struct league_slot *league_find(struct lnt_score_cache *c, const char *key)
{
    for (size_t i = 0; i < LNT_SCORE_LEAGUE_SLOTS; i++)
        if (c->leagues[i].l != NULL && strcmp(c->leagues[i].l->authority, key) == 0)
            return &c->leagues[i];
    return NULL;
}

/*
 * Keeps `l` (built from data read after `ticket`) in its
 * authority's slot, or the oldest, unless the slot holds a league read later
 * (c->mu held). A league invalidated while it was built is kept all the same
 * when it is newer than the slot's, but never counts as fresh (its ticket is
 * behind c->tick): a large town whose kiosks send batches during every
 * background rebuild still sees each rebuild.
 */
static void league_install(struct lnt_score_cache *c, struct lnt_league *l, uint64_t ticket)
{
    struct league_slot *slot = league_find(c, l->authority);

    if (slot != NULL && slot->ticket > ticket)
        return;
    for (size_t i = 0; slot == NULL && i < LNT_SCORE_LEAGUE_SLOTS; i++)
        if (c->leagues[i].l == NULL)
            slot = &c->leagues[i];
    if (slot == NULL) { /* every slot is taken: the oldest league gives way */
        slot = &c->leagues[0];
        for (size_t i = 1; i < LNT_SCORE_LEAGUE_SLOTS; i++)
            if (c->leagues[i].l->built_at < slot->l->built_at)
                slot = &c->leagues[i];
    }
    lnt_league_release(slot->l);
    slot->l = lnt_league_hold(l);
    slot->ticket = ticket;
    slot->refreshing = false;
}

struct refresh {
    struct lnt_score_cache *c;
    struct lnt_store *store;
    const struct lnt_score_rules *rules;
    char key[LNT_AUTHORITY_MAX + 1];
    int64_t at;
    uint64_t ticket;
};

static void *refresh_main(void *arg)
{
    struct refresh *job = arg;
    struct lnt_score_cache *c = job->c;
    struct lnt_league *l = NULL;
    struct league_slot *slot;
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc = lnt_league_build(job->store, job->rules, job->key, job->at, &l, err);

    pthread_mutex_lock(&c->mu);
    if ((slot = league_find(c, job->key)) != NULL)
        slot->refreshing = false;
    if (rc == LNT_OK)
        league_install(c, l, job->ticket);
    else
        lnt_warn("score cache: rebuilding the league: %s", err);
    c->refreshers--;
    pthread_cond_broadcast(&c->idle);
    pthread_mutex_unlock(&c->mu);
    lnt_league_release(l);
    free(job);
    return NULL;
}

/* Starts a background rebuild of `slot` (c->mu held). false when one could not be started. */
static bool refresh_start(struct lnt_score_cache *c, struct league_slot *slot, struct lnt_store *s,
                          const struct lnt_score_rules *rules, int64_t at)
{
    struct refresh *job;
    pthread_attr_t attr;
    pthread_t t;
    bool ok;

    if (slot->refreshing)
        return true;
    if (c->stopping || (job = calloc(1, sizeof *job)) == NULL)
        return false;
    job->c = c;
    job->store = s;
    job->rules = rules;
    lnt_str_copy(job->key, sizeof job->key, slot->l->authority);
    job->at = at;
    job->ticket = c->tick;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    ok = pthread_create(&t, &attr, refresh_main, job) == 0;
    pthread_attr_destroy(&attr);
    if (!ok) {
        free(job);
        return false;
    }
    slot->refreshing = true;
    c->refreshers++;
    return true;
}

enum lnt_err lnt_score_cache_league(struct lnt_score_cache *c, struct lnt_store *s,
                                    const struct lnt_score_rules *rules, const char *authority,
                                    int64_t at, struct lnt_league **out, char *err)
{
    const char *key = authority != NULL ? authority : "";
    struct league_slot *slot;
    uint64_t ticket;
    enum lnt_err rc;

    *out = NULL;
    if (c == NULL)
        return lnt_league_build(s, rules, key, at, out, err);
    pthread_mutex_lock(&c->mu);
    ticket = c->tick;
    slot = league_find(c, key);
    if (slot != NULL) {
        bool fresh =
            slot->ticket == c->tick && at >= slot->l->built_at && at - slot->l->built_at < c->ttl_s;
        if (fresh || (slot->l->n > LNT_SCORE_LEAGUE_LARGE && refresh_start(c, slot, s, rules, at)))
            *out = lnt_league_hold(slot->l);
    }
    pthread_mutex_unlock(&c->mu);
    if (*out != NULL)
        return LNT_OK;

    rc = lnt_league_build(s, rules, key, at, out, err);
    if (rc != LNT_OK)
        return rc;
    pthread_mutex_lock(&c->mu);
    league_install(c, *out, ticket);
    pthread_mutex_unlock(&c->mu);
    return LNT_OK;
}
