/* watchdog.c - telling systemd the kiosk is alive: the one sd_notify seam, and a counting fake. */
#include "watchdog.h"

#include <stdbool.h>
#include <stdlib.h>
#include <systemd/sd-daemon.h>

#define DEFAULT_PING_MS 1000 /* when systemd does not say its interval */

struct lnt_watchdog {
    bool fake;
    bool enabled;     /* systemd asked for pings (WatchdogSec) */
    int64_t every_ms; /* ping interval: half of systemd's */
    int64_t last_ms;  /* last ping, monotonic; -1 = none yet */
    unsigned count[LNT_WD__COUNT];
};

static enum lnt_err make(bool fake, struct lnt_watchdog **out, char *err)
{
    struct lnt_watchdog *w = calloc(1, sizeof *w);
    uint64_t usec = 0;

    *out = NULL;
    if (w == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "watchdog: out of memory");
    w->fake = fake;
    w->last_ms = -1;
    w->every_ms = DEFAULT_PING_MS;
    if (fake) {
        w->enabled = true;
    } else if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        w->enabled = true;
        w->every_ms = (int64_t)(usec / 2000);
        if (w->every_ms < 1)
            w->every_ms = 1;
    }
    *out = w;
    return LNT_OK;
}

enum lnt_err lnt_watchdog_systemd_new(struct lnt_watchdog **out, char *err)
{
    return make(false, out, err);
}

enum lnt_err lnt_watchdog_fake_new(struct lnt_watchdog **out, char *err)
{
    return make(true, out, err);
}

void lnt_watchdog_free(struct lnt_watchdog *w)
{
    free(w);
}

static void notify(struct lnt_watchdog *w, enum lnt_wd_event e, const char *text)
{
    w->count[e]++;
    /* sd_notify returns 0 and does nothing when NOTIFY_SOCKET is not set. */
    if (!w->fake)
        sd_notify(0, text);
}

void lnt_watchdog_ready(struct lnt_watchdog *w)
{
    if (w != NULL)
        notify(w, LNT_WD_READY, "READY=1");
}

void lnt_watchdog_ping(struct lnt_watchdog *w, int64_t now_ms)
{
    if (w == NULL || !w->enabled)
        return;
    if (w->last_ms >= 0 && now_ms - w->last_ms < w->every_ms && now_ms >= w->last_ms)
        return;
    w->last_ms = now_ms;
    notify(w, LNT_WD_PING, "WATCHDOG=1");
}

void lnt_watchdog_stopping(struct lnt_watchdog *w)
{
    if (w != NULL)
        notify(w, LNT_WD_STOPPING, "STOPPING=1");
}

unsigned lnt_watchdog_fake_count(const struct lnt_watchdog *w, enum lnt_wd_event e)
{
    if (w == NULL || !w->fake || (unsigned)e >= LNT_WD__COUNT)
        return 0;
    return w->count[e];
}
