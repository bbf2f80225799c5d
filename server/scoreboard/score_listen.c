/* score_listen.c - one change, forgotten by every lanternd's score cache: said by the store
 * itself as the change commits (store_changes.h), heard by a thread per server. */
#include "score_listen.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "store_changes.h"

#define WAIT_MS 1000 /* how long one wait lasts: how soon a stop is noticed */

_Static_assert(LNT_SCORE_CACHE_ALL == LNT_STORE_CHANGED_ALL, "one id for every venue");

struct lnt_score_listener {
    struct lnt_score_cache *cache;
    struct lnt_store *store;
    pthread_t thread;
    pthread_mutex_t mu;
    bool stop; /* under mu */
};

static bool stopping(struct lnt_score_listener *l)
{
    bool stop;

    pthread_mutex_lock(&l->mu);
    stop = l->stop;
    pthread_mutex_unlock(&l->mu);
    return stop;
}

static void *listen_main(void *arg)
{
    struct lnt_score_listener *l = arg;
    int64_t ids[LNT_STORE_CHANGES_MAX];
    bool lost = false;

    while (!stopping(l)) {
        char err[LNT_ERRBUF_SIZE] = "";
        size_t n = 0;
        enum lnt_err rc =
            lnt_store_changes_wait(l->store, WAIT_MS, ids, LNT_STORE_CHANGES_MAX, &n, err);

        if (rc != LNT_OK) {
            if (!lost)
                lnt_warn("scores: not hearing the other servers' changes (cached scores expire "
                         "on their own meanwhile): %s",
                         err);
            lost = true;
            sleep(1);
            continue;
        }
        if (lost)
            lnt_info("scores: hearing the other servers' changes again");
        lost = false;
        for (size_t i = 0; i < n; i++)
            lnt_score_cache_invalidate(l->cache, ids[i]);
    }
    return NULL;
}

enum lnt_err lnt_score_listener_start(struct lnt_score_listener **out, struct lnt_score_cache *c,
                                      struct lnt_store *s, char *err)
{
    struct lnt_score_listener *l;
    int64_t first[1];
    size_t n = 0;
    enum lnt_err rc;

    *out = NULL;
    /* the first wait says whether there is anything to hear before a thread is spent; any
     * other failure (the database away for now) is the thread's to retry and report */
    rc = lnt_store_changes_wait(s, 0, first, 1, &n, err);
    if (rc == LNT_ERR_UNSUPPORTED)
        return rc;
    err[0] = '\0';
    l = calloc(1, sizeof *l);
    if (l == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory starting the score listener");
    l->cache = c;
    l->store = s;
    pthread_mutex_init(&l->mu, NULL);
    if (pthread_create(&l->thread, NULL, listen_main, l) != 0) {
        pthread_mutex_destroy(&l->mu);
        free(l);
        return lnt_fail(err, LNT_ERR_INTERNAL, "cannot start the score listener thread");
    }
    *out = l;
    return LNT_OK;
}

void lnt_score_listener_stop(struct lnt_score_listener *l)
{
    if (l == NULL)
        return;
    pthread_mutex_lock(&l->mu);
    l->stop = true;
    pthread_mutex_unlock(&l->mu);
    pthread_join(l->thread, NULL);
    pthread_mutex_destroy(&l->mu);
    free(l);
}
