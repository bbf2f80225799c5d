/* store_notify.h - the alert delivery queue: each raised alert enqueued once for email and
 * webhook, held into digests over a recipient's rate limit, claimed, sent and recorded; and
 * the webhook each authority's systems take alerts at. */
#ifndef LNT_STORE_NOTIFY_H
#define LNT_STORE_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_alerts.h" /* the bounds of an alert's summary and link: one home */

#define LNT_DELIVERY_TARGET_MAX 254 /* bytes of an email address or a webhook URL */
#define LNT_DELIVERY_ERROR_MAX 200  /* bytes of the last error kept with a delivery */
#define LNT_ALERT_KIND_MAX 31
#define LNT_WEBHOOK_SECRET_LEN 32 /* bytes of an HMAC-SHA256 key */

enum lnt_channel { LNT_CHANNEL_EMAIL, LNT_CHANNEL_WEBHOOK, LNT_CHANNEL_COUNT };
enum lnt_delivery_state {
    LNT_DELIVERY_PENDING,
    LNT_DELIVERY_HELD,
    LNT_DELIVERY_SENDING,
    LNT_DELIVERY_SENT,
    LNT_DELIVERY_FAILED,
    LNT_DELIVERY_DIGESTED,
    LNT_DELIVERY_STATE_COUNT
};
/* "email", "webhook"; "pending", "held", ...: the names stored and shown in /metrics. */
const char *lnt_channel_name(enum lnt_channel c);
const char *lnt_delivery_state_name(enum lnt_delivery_state s);

/* The alert a delivery carries (alerts of schema 11: a summary and a link, no detail). */
struct lnt_alert_brief {
    int64_t id;
    char kind[LNT_ALERT_KIND_MAX + 1];
    char authority[LNT_AUTHORITY_MAX + 1];
    int64_t venue_id;
    char summary[LNT_ALERT_SUMMARY_MAX + 1];
    char link[LNT_ALERT_LINK_MAX + 1];
    int64_t raised_at;
};

/* One message to send, as claimed by lnt_store_delivery_claim. */
struct lnt_delivery {
    int64_t id;
    enum lnt_channel channel;
    char target[LNT_DELIVERY_TARGET_MAX + 1]; /* email address or webhook URL */
    int attempts;                             /* including the one now claimed */
    int64_t created_at;
    bool digest;                  /* a digest: its alerts come from lnt_store_delivery_items */
    struct lnt_alert_brief alert; /* the alert (id 0 for a digest) */
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN]; /* the webhook's signing key; zero for email */
    /* why the webhook's secret could not be opened (no key file, the wrong one): "" when it was */
    char secret_error[LNT_DELIVERY_ERROR_MAX + 1];
};

/* Rate limit per email recipient: more than `digest_after` emails in `window_s` are held. */
struct lnt_notify_policy {
    int digest_after; /* default 5 */
    int64_t window_s; /* default 900 */
};

/*
 * Enqueues every alert raised since the last call, in one transaction with
 * moving the cursor past them, so each alert is enqueued exactly once: one
 * email per inbox row with by_email set whose officer is enabled, one webhook
 * post per alert whose authority has a webhook. An email over the recipient's
 * rate limit is held until the end of the window. *added counts the rows
 * added. LNT_ERR_DB. Thread-safe.
 */
enum lnt_err lnt_store_delivery_enqueue(struct lnt_store *s, int64_t now,
                                        const struct lnt_notify_policy *p, size_t *added,
                                        char *err);
/*
 * Gathers each recipient's held emails whose window has ended (next_at <=
 * now) into one digest delivery, due now; the held rows become digested.
 * *digests counts the digests made. LNT_ERR_DB. Thread-safe.
 */
enum lnt_err lnt_store_delivery_digest(struct lnt_store *s, int64_t now, size_t *digests,
                                       char *err);
/*
 * Claims up to `max` deliveries due at `now` (pending, next_at <= now),
 * oldest first: marks them sending and counts the attempt, in one
 * transaction, and returns them in *out (the caller's to free, after wiping
 * the secrets with lnt_store_delivery_free). LNT_ERR_DB, LNT_ERR_NOMEM.
 * Thread-safe; two senders never claim the same row.
 */
enum lnt_err lnt_store_delivery_claim(struct lnt_store *s, int64_t now, size_t max,
                                      struct lnt_delivery **out, size_t *n, char *err);
void lnt_store_delivery_free(struct lnt_delivery *d, size_t n);
/* The alerts of digest `digest_id`, oldest first; *out is the caller's to free. Thread-safe. */
enum lnt_err lnt_store_delivery_items(struct lnt_store *s, int64_t digest_id,
                                      struct lnt_alert_brief **out, size_t *n, char *err);
/*
 * Records the end of an attempt on a claimed (sending) delivery: sent at
 * `now` when ok; else pending again at retry_at with `error` kept, or failed
 * for good when retry_at is 0. LNT_ERR_NOT_FOUND when the row is not being
 * sent. Thread-safe.
 */
enum lnt_err lnt_store_delivery_done(struct lnt_store *s, int64_t id, int64_t now, bool ok,
                                     int64_t retry_at, const char *error, char *err);
/*
 * At start-up: deliveries a stopped or killed sender left sending are marked
 * failed ("interrupted"), never sent again: the server may have taken them.
 * *n counts them. Thread-safe.
 */
enum lnt_err lnt_store_delivery_recover(struct lnt_store *s, int64_t now, size_t *n, char *err);

/* What /metrics and the admin page show. */
struct lnt_delivery_stats {
    int64_t count[LNT_CHANNEL_COUNT][LNT_DELIVERY_STATE_COUNT];
    int64_t queued;         /* pending, held and sending */
    int64_t oldest_pending; /* created_at of the oldest queued row, 0 when none */
};
enum lnt_err lnt_store_delivery_stats(struct lnt_store *s, struct lnt_delivery_stats *out,
                                      char *err);

/* A delivery as the admin page lists it. */
struct lnt_delivery_row {
    int64_t id;
    int64_t alert_id;
    enum lnt_channel channel;
    enum lnt_delivery_state state;
    char target[LNT_DELIVERY_TARGET_MAX + 1];
    int attempts;
    int64_t created_at;
    int64_t next_at;
    char last_error[LNT_DELIVERY_ERROR_MAX + 1];
};
/* The `limit` most recent deliveries that failed or are retrying, newest first. Thread-safe. */
enum lnt_err lnt_store_delivery_troubles(struct lnt_store *s, size_t limit,
                                         struct lnt_delivery_row **out, size_t *n, char *err);

/* ---- webhooks ---- */

struct lnt_webhook {
    char authority[LNT_AUTHORITY_MAX + 1];
    char url[LNT_DELIVERY_TARGET_MAX + 1];
    int64_t created_at;
};
/*
 * Sets the webhook of `authority` to `url` (http:// or https://, at most
 * LNT_DELIVERY_TARGET_MAX bytes, no spaces, no user or password) with a new random secret,
 * written to `secret` for the admin to hand to the force; the previous one ends.
 * The database keeps the secret only sealed (crypto_secretbox) with a wrapping key held in
 * the key file (lnt_store_open_keys), one made and added to it on first need: a copy of the
 * database or a backup does not reveal it. Audited under `actor` (NULL: the store's).
 * LNT_ERR_INVALID for a bad authority or URL; the key file's errors (LNT_ERR_FORBIDDEN,
 * LNT_ERR_INVALID, LNT_ERR_IO) when the wrapping key cannot be had; on PostgreSQL also
 * LNT_ERR_UNKNOWN_KEY when the server names no key file (--keys) or there is none at its path
 * (the scheme's key file is never made there). Thread-safe.
 */
enum lnt_err lnt_store_webhook_set(struct lnt_store *s, const char *actor, const char *authority,
                                   const char *url, int64_t now,
                                   uint8_t secret[LNT_WEBHOOK_SECRET_LEN], char *err);
/* Ends the webhook of `authority`, audited under `actor` (NULL: the store's).
 * LNT_ERR_NOT_FOUND when it has none. Thread-safe. */
enum lnt_err lnt_store_webhook_clear(struct lnt_store *s, const char *actor, const char *authority,
                                     int64_t now, char *err);
/* The current webhooks, by authority (no secrets); *out is the caller's to free. */
enum lnt_err lnt_store_webhook_list(struct lnt_store *s, struct lnt_webhook **out, size_t *n,
                                    char *err);

#endif
