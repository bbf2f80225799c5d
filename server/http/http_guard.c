/* http_guard.c - ends connections too slow to keep: a head deadline, a body rate, eviction. */
#include "http_guard.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "log.h"

#define LOG_EVERY_US 5000000 /* the guard's log line, at most this often */

enum phase {
    PHASE_HEAD, /* waiting for a request head: just connected, or a reply was sent */
    PHASE_BODY, /* the head arrived; the body is arriving */
    PHASE_BUSY, /* the request is complete: handled and answered, not watched */
};

struct lnt_http_guard_conn {
    int fd;
    enum phase phase;
    int64_t since_us;    /* when the phase started */
    uint64_t body_bytes; /* in PHASE_BODY */
    size_t slot;         /* index in guard->conns */
    bool cut;            /* shut down already; waiting for libmicrohttpd to close it */
};

struct lnt_http_guard {
    struct lnt_http_guard_limits lim;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    bool thread_started;
    bool stop;                          /* guarded by mu */
    struct lnt_http_guard_conn **conns; /* registered connections; guarded by mu */
    size_t n, cap;
    struct lnt_http_guard_conn **scratch; /* eviction candidates, cap entries; guard thread only */
    uint64_t n_head, n_body, n_evicted;   /* cut so far, for the log; guarded by mu */
};

static int64_t mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Shuts `c`'s socket down (once); libmicrohttpd sees the client gone and closes it. Under mu. */
static void cut(struct lnt_http_guard_conn *c)
{
    if (c->cut)
        return;
    c->cut = true;
    shutdown(c->fd, SHUT_RDWR);
}

/* Oldest first. */
static int by_since(const void *a, const void *b)
{
    const struct lnt_http_guard_conn *x = *(struct lnt_http_guard_conn *const *)a;
    const struct lnt_http_guard_conn *y = *(struct lnt_http_guard_conn *const *)b;

    return (x->since_us > y->since_us) - (x->since_us < y->since_us);
}

/* One look at every connection. Under mu. */
static void sweep(struct lnt_http_guard *g, int64_t now)
{
    const struct lnt_http_guard_limits *l = &g->lim;
    size_t open = 0, m = 0;

    for (size_t i = 0; i < g->n; i++) {
        struct lnt_http_guard_conn *c = g->conns[i];
        int64_t age = now - c->since_us;

        if (c->cut)
            continue;
        if (c->phase == PHASE_HEAD && age > l->head_us) {
            cut(c);
            g->n_head++;
            continue;
        }
        if (c->phase == PHASE_BODY &&
            (age > l->body_us ||
             (age > l->grace_us &&
              c->body_bytes < l->min_rate * (uint64_t)(age - l->grace_us) / 1000000))) {
            cut(c);
            g->n_body++;
            continue;
        }
        open++;
        if (c->phase == PHASE_HEAD && age >= l->min_age_us)
            g->scratch[m++] = c;
    }
    if (open > l->high_water && m > 0) {
        size_t k = 0;
        qsort(g->scratch, m, sizeof *g->scratch, by_since);
        for (; k < m && open > l->low_water; k++, open--)
            cut(g->scratch[k]);
        g->n_evicted += k;
    }
}

static void *guard_main(void *arg)
{
    struct lnt_http_guard *g = arg;
    uint64_t head = 0, body = 0, evicted = 0;
    int64_t logged_us = 0;

    pthread_mutex_lock(&g->mu);
    while (!g->stop) {
        struct timespec until;
        int64_t t = mono_us() + g->lim.period_us;

        until.tv_sec = (time_t)(t / 1000000);
        until.tv_nsec = (long)(t % 1000000) * 1000;
        pthread_cond_timedwait(&g->cv, &g->mu, &until);
        if (g->stop)
            break;
        t = mono_us();
        sweep(g, t);
        /* At most one line per LOG_EVERY_US, and only when something was cut. */
        if ((g->n_head != head || g->n_body != body || g->n_evicted != evicted) &&
            t - logged_us >= LOG_EVERY_US) {
            lnt_warn("http: cut off for slowness: %llu connections with their request head, "
                     "%llu with their body; %llu dropped to make room (%zu open now)",
                     (unsigned long long)(g->n_head - head), (unsigned long long)(g->n_body - body),
                     (unsigned long long)(g->n_evicted - evicted), g->n);
            head = g->n_head;
            body = g->n_body;
            evicted = g->n_evicted;
            logged_us = t;
        }
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

enum lnt_err lnt_http_guard_start(struct lnt_http_guard **out,
                                  const struct lnt_http_guard_limits *lim, char *err)
{
    struct lnt_http_guard *g = calloc(1, sizeof *g);
    pthread_condattr_t ca;

    if (g == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "http: out of memory");
    g->lim = *lim;
    pthread_mutex_init(&g->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&g->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&g->thread, NULL, guard_main, g) != 0) {
        lnt_http_guard_free(g);
        return lnt_fail(err, LNT_ERR_INTERNAL, "http: cannot start the connection guard thread");
    }
    g->thread_started = true;
    *out = g;
    return LNT_OK;
}

void lnt_http_guard_halt(struct lnt_http_guard *g)
{
    if (g == NULL || !g->thread_started)
        return;
    pthread_mutex_lock(&g->mu);
    g->stop = true;
    pthread_cond_signal(&g->cv);
    pthread_mutex_unlock(&g->mu);
    pthread_join(g->thread, NULL);
    g->thread_started = false;
}

void lnt_http_guard_free(struct lnt_http_guard *g)
{
    if (g == NULL)
        return;
    lnt_http_guard_halt(g);
    for (size_t i = 0; i < g->n; i++)
        free(g->conns[i]);
    free(g->conns);
    free(g->scratch);
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
    free(g);
}

struct lnt_http_guard_conn *lnt_http_guard_open(struct lnt_http_guard *g, int fd)
{
    struct lnt_http_guard_conn *c = calloc(1, sizeof *c);

    if (c == NULL)
        return NULL;
    c->fd = fd;
    c->phase = PHASE_HEAD;
    c->since_us = mono_us();
    pthread_mutex_lock(&g->mu);
    if (g->n == g->cap) {
        size_t cap = g->cap != 0 ? g->cap * 2 : 256;
        struct lnt_http_guard_conn **a = realloc(g->conns, cap * sizeof *a);
        struct lnt_http_guard_conn **s = a != NULL ? realloc(g->scratch, cap * sizeof *s) : NULL;
        if (a != NULL)
            g->conns = a;
        if (s == NULL) {
            pthread_mutex_unlock(&g->mu);
            free(c);
            return NULL;
        }
        g->scratch = s;
        g->cap = cap;
    }
    c->slot = g->n;
    g->conns[g->n++] = c;
    if (g->n > g->lim.high_water)
        pthread_cond_signal(&g->cv); /* look now rather than at the next period */
    pthread_mutex_unlock(&g->mu);
    return c;
}

static void set_phase(struct lnt_http_guard *g, struct lnt_http_guard_conn *c, enum phase p)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&g->mu);
    c->phase = p;
    c->since_us = mono_us();
    c->body_bytes = 0;
    pthread_mutex_unlock(&g->mu);
}

void lnt_http_guard_head_done(struct lnt_http_guard *g, struct lnt_http_guard_conn *c)
{
    set_phase(g, c, PHASE_BODY);
}

void lnt_http_guard_body(struct lnt_http_guard *g, struct lnt_http_guard_conn *c, size_t n)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&g->mu);
    c->body_bytes += n;
    pthread_mutex_unlock(&g->mu);
}

void lnt_http_guard_busy(struct lnt_http_guard *g, struct lnt_http_guard_conn *c)
{
    set_phase(g, c, PHASE_BUSY);
}

void lnt_http_guard_idle(struct lnt_http_guard *g, struct lnt_http_guard_conn *c)
{
    set_phase(g, c, PHASE_HEAD);
}

void lnt_http_guard_close(struct lnt_http_guard *g, struct lnt_http_guard_conn *c)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&g->mu);
    if (c->slot < g->n && g->conns[c->slot] == c) {
        g->conns[c->slot] = g->conns[--g->n];
        g->conns[c->slot]->slot = c->slot;
    }
    pthread_mutex_unlock(&g->mu);
    free(c);
}
