/* watchdog.h - telling systemd the kiosk is alive (sd_notify), or a fake that counts, for tests. */
#ifndef LNT_WATCHDOG_H
#define LNT_WATCHDOG_H

#include <stdint.h>

#include "err.h"

enum lnt_wd_event { LNT_WD_READY = 0, LNT_WD_PING, LNT_WD_STOPPING, LNT_WD__COUNT };

struct lnt_watchdog;

/*
 * The systemd backend. Under a unit with WatchdogSec, pings are sent at
 * half the interval; without NOTIFY_SOCKET (not under systemd) every call
 * is a no-op. Never fails for want of systemd.
 */
enum lnt_err lnt_watchdog_systemd_new(struct lnt_watchdog **out, char *err);
/* A backend that counts what it was told. */
enum lnt_err lnt_watchdog_fake_new(struct lnt_watchdog **out, char *err);
void lnt_watchdog_free(struct lnt_watchdog *w);

/* Start-up is done: READY=1. */
void lnt_watchdog_ready(struct lnt_watchdog *w);
/* Called from the main loop every turn; sends WATCHDOG=1 when it is due at `now_ms` (monotonic). */
void lnt_watchdog_ping(struct lnt_watchdog *w, int64_t now_ms);
/* Shutting down: STOPPING=1. */
void lnt_watchdog_stopping(struct lnt_watchdog *w);

/* Fake backend only (0 for any other): how many of `e` were sent. */
unsigned lnt_watchdog_fake_count(const struct lnt_watchdog *w, enum lnt_wd_event e);

#endif
