/* score_cache.c - recent venue scores by venue id: a direct-mapped table under one mutex. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "score_cache.h"

struct slot {
    int64_t venue_id; /* whose brief this is, when `have` */
    bool have;
    int64_t computed_at;
    uint64_t inval; /* tick of the latest invalidation of a venue mapping here */
    struct lnt_score_brief b;
};

struct lnt_score_cache {
    pthread_mutex_t mu;
    struct slot *slots;
    size_t mask;
    int ttl_s;
    uint64_t tick;      /* bumped by every invalidation */
    uint64_t all_inval; /* tick of the latest lnt_score_cache_invalidate_all */
    uint64_t hits, misses;
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
    c->mask = n - 1;
    c->ttl_s = ttl_s;
    *out = c;
    return LNT_OK;
}

void lnt_score_cache_free(struct lnt_score_cache *c)
{
    if (c == NULL)
        return;
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
    struct slot *s;

    if (c == NULL)
        return;
    pthread_mutex_lock(&c->mu);
    s = slot_of(c, venue_id);
    s->inval = ++c->tick;
    if (s->venue_id == venue_id)
        s->have = false;
    pthread_mutex_unlock(&c->mu);
}

void lnt_score_cache_invalidate_all(struct lnt_score_cache *c)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->mu);
    c->all_inval = ++c->tick;
    for (size_t i = 0; i <= c->mask; i++)
        c->slots[i].have = false;
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
