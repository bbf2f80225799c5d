/* notify_thread.c - lanternd's background sender: a pass of the queue every interval, on the
 * wall clock, until stopped. */
#include "notify_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"
#include "ltime.h"

struct lnt_notifier {
    struct lnt_store *store;
    const struct lnt_notify_config *config;
    int interval_s;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
};

static void *notifier_main(void *arg)
{
    struct lnt_notifier *n = arg;
    struct lnt_notify_counts counts;
    struct timespec deadline;
    char err[LNT_ERRBUF_SIZE];

    pthread_mutex_lock(&n->lock);
    while (!n->stop) {
        pthread_mutex_unlock(&n->lock);
        err[0] = '\0';
        if (lnt_notify_run(n->store, n->config, lnt_time_now(), &counts, err) != LNT_OK)
            lnt_error("alert delivery: %s (will try again)", err);
        pthread_mutex_lock(&n->lock);
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += n->interval_s;
        while (!n->stop && pthread_cond_timedwait(&n->wake, &n->lock, &deadline) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&n->lock);
    return NULL;
}

enum lnt_err lnt_notifier_start(struct lnt_notifier **out, struct lnt_store *s,
                                const struct lnt_notify_config *c, int interval_s, char *err)
{
    struct lnt_notifier *n;
    pthread_condattr_t ca;
    size_t stale = 0;
    enum lnt_err rc;

    *out = NULL;
    rc = lnt_store_delivery_recover(s, lnt_time_now(), &stale, err);
    if (rc != LNT_OK)
        return rc;
    if (stale > 0)
        lnt_warn("%zu alert deliveries were being sent when the server stopped: marked failed, "
                 "not sent again (see the admin page)",
                 stale);
    n = calloc(1, sizeof *n);
    if (n == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory starting the alert sender");
    n->store = s;
    n->config = c;
    n->interval_s = interval_s > 0 ? interval_s : 1;
    if (pthread_mutex_init(&n->lock, NULL) != 0) {
        free(n);
        return lnt_fail(err, LNT_ERR_INTERNAL, "cannot start the alert sender");
    }
    if (pthread_condattr_init(&ca) != 0 || pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&n->wake, &ca) != 0) {
        pthread_mutex_destroy(&n->lock);
        free(n);
        return lnt_fail(err, LNT_ERR_INTERNAL, "cannot start the alert sender");
    }
    pthread_condattr_destroy(&ca);
    if (pthread_create(&n->thread, NULL, notifier_main, n) != 0) {
        pthread_cond_destroy(&n->wake);
        pthread_mutex_destroy(&n->lock);
        free(n);
        return lnt_fail(err, LNT_ERR_INTERNAL, "cannot start the alert sender thread");
    }
    *out = n;
    return LNT_OK;
}

void lnt_notifier_stop(struct lnt_notifier *n)
{
    if (n == NULL)
        return;
    pthread_mutex_lock(&n->lock);
    n->stop = true;
    pthread_cond_signal(&n->wake);
    pthread_mutex_unlock(&n->lock);
    pthread_join(n->thread, NULL);
    pthread_cond_destroy(&n->wake);
    pthread_mutex_destroy(&n->lock);
    free(n);
}
