/* notify.h - delivering raised alerts: email over SMTP with STARTTLS, signed webhook posts,
 * digests over a recipient's rate limit, retries with backoff, and the thread that runs them. */
#ifndef LNT_NOTIFY_H
#define LNT_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store.h"
#include "store_notify.h"

#define LNT_NOTIFY_RETRY_FIRST_S 60      /* the first retry, doubling each time... */
#define LNT_NOTIFY_RETRY_MAX_S 3600      /* ...up to an hour apart... */
#define LNT_NOTIFY_GIVE_UP_S (24 * 3600) /* ...until a day after it was queued: then failed */

/* How alerts leave. Strings are borrowed for the life of the sender. */
struct lnt_notify_config {
    const char *smtp_url;      /* smtp://host:port (STARTTLS required) or smtps://; NULL: no
                                  email (emails fail and are retried until one is set) */
    const char *smtp_from;     /* the From address */
    const char *smtp_user;     /* NULL: no login */
    const char *smtp_password; /* with smtp_user */
    const char *smtp_ca_file;  /* CA certificates to trust (PEM); NULL: the system's */
    const char *public_url;    /* the dashboard's base URL, put before each alert's link */
    struct lnt_notify_policy policy;
    long timeout_s; /* for one SMTP exchange or webhook post */
};

/* Defaults: no SMTP, digest after 5 emails in 15 minutes, 30 s timeout. */
void lnt_notify_config_default(struct lnt_notify_config *c);

/*
 * Whether `url` (named `what` in the message, e.g. "--smtp-url") may be used: LNT_ERR_INVALID
 * when a password is written into it (smtps://user:pass@host), which would show wherever the
 * URL is shown; the message says to use --smtp-password-file. The URL itself is not echoed.
 * Thread-safe.
 */
enum lnt_err lnt_notify_url_check(const char *what, const char *url, char *err);
/*
 * `url` as it may be shown in a log line, an error or a page: with any user part
 * ("user@", "user:pass@") left out. Always NUL-terminated (cut to fit; "" for NULL).
 * Thread-safe.
 */
void lnt_notify_url_shown(const char *url, char *out, size_t size);

/* What one run did. */
struct lnt_notify_counts {
    size_t enqueued, digests, sent, retried, failed;
};

/*
 * One pass of the queue at `now`: enqueues new alerts, makes due digests,
 * and sends every due delivery, recording each result (sent; a retry at the
 * backoff; failed after LNT_NOTIFY_GIVE_UP_S). A delivery that fails is a
 * result, not an error: LNT_ERR_DB (and the others of the store) only when
 * the queue itself could not be read or written. Thread-safe: claims are
 * atomic, so passes running side by side never send the same delivery.
 */
enum lnt_err lnt_notify_run(struct lnt_store *s, const struct lnt_notify_config *c, int64_t now,
                            struct lnt_notify_counts *counts, char *err);

/*
 * When a delivery queued at created_at, after its attempts-th failed attempt
 * at now, is tried again: 0 = give up.
 */
int64_t lnt_notify_retry_at(int64_t created_at, int attempts, int64_t now);

/* ---- the background sender ---- */

struct lnt_notifier;
/*
 * Marks deliveries a previous process left sending as failed (never sent
 * twice), then starts a thread that runs the queue every interval_s seconds
 * on the wall clock. `c` and `s` are borrowed until lnt_notifier_stop.
 * LNT_ERR_NOMEM, LNT_ERR_INTERNAL (no thread), or the store's errors.
 */
enum lnt_err lnt_notifier_start(struct lnt_notifier **out, struct lnt_store *s,
                                const struct lnt_notify_config *c, int interval_s, char *err);
/* Wakes the thread, waits for the pass under way to end, frees it. NULL is a no-op. */
void lnt_notifier_stop(struct lnt_notifier *n);

#endif
