/* alerts_run.c - the background scanner: lnt_alerts_scan every interval on its own thread. */
#include "alerts.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"
#include "ltime.h"

struct lnt_alerts_runner {
    struct lnt_store *store;
    struct lnt_alerts_config cfg;
    int interval_s;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
};

static void scan_once(struct lnt_alerts_runner *r)
{
    char err[LNT_ERRBUF_SIZE] = "";
    size_t raised = 0;

    if (lnt_alerts_scan(r->store, &r->cfg, lnt_time_now(), &raised, err) != LNT_OK)
        lnt_error("alerts: scan failed (will retry): %s", err);
    else if (raised > 0)
        lnt_info("alerts: %zu raised", raised);
}

static void *runner_main(void *arg)
{
    struct lnt_alerts_runner *r = arg;
    struct timespec deadline;

    pthread_mutex_lock(&r->lock);
    while (!r->stop) {
        pthread_mutex_unlock(&r->lock);
        scan_once(r);
        pthread_mutex_lock(&r->lock);
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += r->interval_s;
        while (!r->stop && pthread_cond_timedwait(&r->wake, &r->lock, &deadline) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

enum lnt_err lnt_alerts_start(struct lnt_alerts_runner **out, struct lnt_store *s,
                              const struct lnt_alerts_config *cfg, int interval_s, char *err)
{
    struct lnt_alerts_runner *r;
    pthread_condattr_t ca;
    enum lnt_err rc = LNT_OK;

    *out = NULL;
    if (interval_s < 1 || interval_s > 86400)
        return lnt_fail(err, LNT_ERR_INVALID, "the alert interval must be 1 to 86400 seconds");
    r = calloc(1, sizeof *r);
    if (r == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory for the alert scanner");
    r->store = s;
    if (cfg != NULL)
        r->cfg = *cfg;
    r->interval_s = interval_s;
    if (pthread_mutex_init(&r->lock, NULL) != 0) {
        free(r);
        return lnt_fail(err, LNT_ERR_IO, "cannot make the alert scanner's lock");
    }
    if (pthread_condattr_init(&ca) != 0 || pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&r->wake, &ca) != 0) {
        rc = lnt_fail(err, LNT_ERR_IO, "cannot make the alert scanner's condition");
        goto out_lock;
    }
    pthread_condattr_destroy(&ca);
    if (pthread_create(&r->thread, NULL, runner_main, r) != 0) {
        rc = lnt_fail(err, LNT_ERR_IO, "cannot start the alert scanner");
        pthread_cond_destroy(&r->wake);
        goto out_lock;
    }
    *out = r;
    return LNT_OK;
out_lock:
    pthread_mutex_destroy(&r->lock);
    free(r);
    return rc;
}

void lnt_alerts_stop(struct lnt_alerts_runner *r)
{
    if (r == NULL)
        return;
    pthread_mutex_lock(&r->lock);
    r->stop = true;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
    pthread_cond_destroy(&r->wake);
    pthread_mutex_destroy(&r->lock);
    free(r);
}
