/* notify_int.h - the sender's parts, shared by the files of server/notify; not public. */
#ifndef LNT_NOTIFY_INT_H
#define LNT_NOTIFY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "notify.h"

#define LNT_MAIL_MAX (64 * 1024) /* bytes of one email or webhook body */
#define LNT_URL_SHOWN_MAX 512    /* bytes of a URL as named in an error (cut to fit) */

/*
 * Writes the email of delivery d (an alert, or a digest of `items`) to out:
 * headers (From, To, Subject, Date, Message-ID) and a plain-text body of
 * summaries and dashboard links only. LNT_ERR_TOO_LARGE, LNT_ERR_NOMEM.
 */
enum lnt_err lnt_mail_compose(const struct lnt_notify_config *c, const struct lnt_delivery *d,
                              const struct lnt_alert_brief *items, size_t n_items, int64_t now,
                              struct lnt_buf *out, char *err);

/*
 * The libcurl SMTP seam: sends `msg` (len bytes, CRLF lines) from c->smtp_from to
 * `to` over c->smtp_url, requiring TLS. LNT_ERR_INVALID without a server,
 * LNT_ERR_NET when the server could not be reached or refused (err names it).
 */
enum lnt_err lnt_smtp_send(const struct lnt_notify_config *c, const char *to, const char *msg,
                           size_t len, char *err);

/*
 * POSTs the alert of d to d->target as JSON signed with d->secret, at `now`.
 * LNT_ERR_NET when unreachable or not answered 2xx; LNT_ERR_STATE when the
 * webhook has been cleared since.
 */
enum lnt_err lnt_webhook_post(const struct lnt_notify_config *c, const struct lnt_delivery *d,
                              int64_t now, char *err);
/* The JSON body of an alert's post (the signed bytes). */
enum lnt_err lnt_webhook_body(const struct lnt_notify_config *c, const struct lnt_alert_brief *a,
                              struct lnt_buf *out);
/* "sha256=" and the HMAC-SHA256 of the body under `secret`, in lower-case hex, into out. */
void lnt_webhook_sign(const uint8_t secret[LNT_WEBHOOK_SECRET_LEN], const char *body, size_t len,
                      char out[7 + 64 + 1]);

#endif
