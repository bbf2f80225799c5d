/* notify.c - one pass of the alert delivery queue: enqueue, digests, claim, send, record with
 * backoff. Each delivery is marked sending (committed) before it is handed over and sent or
 * failed right after: a process killed in between leaves it sending, and the next start marks
 * it failed rather than send it again (at most once at the SMTP and HTTP boundaries). */
#include "notify_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define CLAIM_BATCH 16
#define PASS_MAX 4096 /* deliveries one pass sends at most: the rest wait for the next */

void lnt_notify_config_default(struct lnt_notify_config *c)
{
    memset(c, 0, sizeof *c);
    c->policy.digest_after = 5;
    c->policy.window_s = 15 * 60;
    c->timeout_s = 30;
}

int64_t lnt_notify_retry_at(int64_t created_at, int attempts, int64_t now)
{
    int64_t wait = LNT_NOTIFY_RETRY_FIRST_S;

    for (int i = 1; i < attempts && wait < LNT_NOTIFY_RETRY_MAX_S; i++)
        wait *= 2;
    if (wait > LNT_NOTIFY_RETRY_MAX_S)
        wait = LNT_NOTIFY_RETRY_MAX_S;
    if (now + wait > created_at + LNT_NOTIFY_GIVE_UP_S)
        return 0;
    return now + wait;
}

/* Sends one claimed delivery: LNT_OK when it went, else why not in err. */
static enum lnt_err send_one(struct lnt_store *s, const struct lnt_notify_config *c,
                             const struct lnt_delivery *d, int64_t now, char *err)
{
    struct lnt_alert_brief *items = NULL;
    struct lnt_buf msg;
    size_t n = 0;
    enum lnt_err rc;

    if (d->channel == LNT_CHANNEL_WEBHOOK)
        return lnt_webhook_post(c, d, now, err);
    lnt_buf_init(&msg, LNT_MAIL_MAX);
    if (d->digest) {
        rc = lnt_store_delivery_items(s, d->id, &items, &n, err);
        if (rc != LNT_OK)
            goto out;
    }
    rc = lnt_mail_compose(c, d, items, n, now, &msg, err);
    if (rc == LNT_OK)
        rc = lnt_smtp_send(c, d->target, msg.data, msg.len, err);
out:
    free(items);
    lnt_buf_release(&msg);
    return rc;
}

/* Sends a claimed batch and records each result. */
static enum lnt_err send_batch(struct lnt_store *s, const struct lnt_notify_config *c,
                               const struct lnt_delivery *d, size_t n, int64_t now,
                               struct lnt_notify_counts *counts, char *err)
{
    char why[LNT_ERRBUF_SIZE];
    enum lnt_err rc = LNT_OK, sent;
    int64_t retry;

    for (size_t i = 0; i < n && rc == LNT_OK; i++) {
        why[0] = '\0';
        sent = send_one(s, c, &d[i], now, why);
        retry = sent == LNT_OK || sent == LNT_ERR_STATE
                    ? 0
                    : lnt_notify_retry_at(d[i].created_at, d[i].attempts, now);
        rc = lnt_store_delivery_done(s, d[i].id, now, sent == LNT_OK, retry, why, err);
        if (sent == LNT_OK) {
            counts->sent++;
        } else if (retry > 0) {
            counts->retried++;
            lnt_warn("alert delivery %" PRId64 " (%s) failed, retrying at %" PRId64 ": %s", d[i].id,
                     lnt_channel_name(d[i].channel), retry, why);
        } else {
            counts->failed++;
            lnt_error("alert delivery %" PRId64 " (%s) failed for good after %d attempts: %s",
                      d[i].id, lnt_channel_name(d[i].channel), d[i].attempts, why);
        }
    }
    return rc;
}

enum lnt_err lnt_notify_run(struct lnt_store *s, const struct lnt_notify_config *c, int64_t now,
                            struct lnt_notify_counts *counts, char *err)
{
    struct lnt_delivery *d = NULL;
    size_t n = 0, done = 0;
    enum lnt_err rc;

    memset(counts, 0, sizeof *counts);
    rc = lnt_store_delivery_enqueue(s, now, &c->policy, &counts->enqueued, err);
    if (rc == LNT_OK)
        rc = lnt_store_delivery_digest(s, now, &counts->digests, err);
    while (rc == LNT_OK && done < PASS_MAX) {
        rc = lnt_store_delivery_claim(s, now, CLAIM_BATCH, &d, &n, err);
        if (rc != LNT_OK || n == 0)
            break;
        rc = send_batch(s, c, d, n, now, counts, err);
        lnt_store_delivery_free(d, n);
        d = NULL;
        done += n;
    }
    return rc;
}
