/* notify_mail.c - the email of an alert or a digest: headers and a plain-text body of
 * summaries and dashboard links. Nothing of an incident's detail is ever put in. */
#include "notify_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "codec.h"

#define SUBJECT_TEXT_MAX 120 /* bytes of summary in a subject line */

/* Appends s with every control character (CR and LF above all) made a space. */
static enum lnt_err put_line_text(struct lnt_buf *b, const char *s, size_t max)
{
    char one[1];
    enum lnt_err rc = LNT_OK;

    for (size_t i = 0; s[i] != '\0' && i < max && rc == LNT_OK; i++) {
        one[0] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i];
        rc = lnt_buf_append(b, one, 1);
    }
    return rc;
}

/* The link a reader follows: the public base URL before a dashboard path. */
static enum lnt_err put_link(struct lnt_buf *b, const struct lnt_notify_config *c, const char *link)
{
    const char *base = c->public_url != NULL ? c->public_url : "";
    size_t blen = strlen(base);
    enum lnt_err rc = LNT_OK;

    if (strncmp(link, "http://", 7) != 0 && strncmp(link, "https://", 8) != 0) {
        if (blen > 0 && base[blen - 1] == '/' && link[0] == '/')
            blen--;
        rc = lnt_buf_append(b, base, blen);
    }
    if (rc == LNT_OK)
        rc = put_line_text(b, link, LNT_ALERT_LINK_MAX);
    return rc;
}

static bool ascii_printable(const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i] != '\0'; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
            return false;
    return true;
}

/*
 * "Subject: Lantern alert: <summary>", the summary cut at a character boundary; RFC 2047
 * encoded (UTF-8, base64) when it is not plain ASCII.
 */
static enum lnt_err put_subject(struct lnt_buf *b, const char *text)
{
    char cut[SUBJECT_TEXT_MAX + 1], b64[((SUBJECT_TEXT_MAX + 2) / 3) * 4 + 1];
    size_t n = strlen(text);

    if (n > SUBJECT_TEXT_MAX) {
        n = SUBJECT_TEXT_MAX;
        while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
            n--;
    }
    memcpy(cut, text, n);
    cut[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)cut[i] < 0x20 || cut[i] == 0x7f)
            cut[i] = ' ';
    if (ascii_printable(cut, n))
        return lnt_buf_printf(b, "Subject: Lantern alert: %s\r\n", cut);
    lnt_b64_encode((const uint8_t *)cut, n, b64);
    return lnt_buf_printf(b, "Subject: Lantern alert: =?UTF-8?B?%s?=\r\n", b64);
}

/* The domain of an address, for Message-ID: after its '@', else "lantern.invalid". */
static const char *domain_of(const char *addr)
{
    const char *at = addr != NULL ? strrchr(addr, '@') : NULL;

    return at != NULL && at[1] != '\0' ? at + 1 : "lantern.invalid";
}

enum lnt_err lnt_mail_compose(const struct lnt_notify_config *c, const struct lnt_delivery *d,
                              const struct lnt_alert_brief *items, size_t n_items, int64_t now,
                              struct lnt_buf *out, char *err)
{
    const char *from = c->smtp_from != NULL ? c->smtp_from : "lantern@localhost";
    char date[64], subject[64];
    struct tm tm;
    time_t t = (time_t)now;
    enum lnt_err rc;

    if (gmtime_r(&t, &tm) == NULL ||
        strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm) == 0)
        return lnt_fail(err, LNT_ERR_INVALID, "time %" PRId64 " cannot be written", now);
    rc = lnt_buf_puts(out, "From: ");
    if (rc == LNT_OK)
        rc = put_line_text(out, from, LNT_DELIVERY_TARGET_MAX);
    if (rc == LNT_OK)
        rc = lnt_buf_puts(out, "\r\nTo: ");
    if (rc == LNT_OK)
        rc = put_line_text(out, d->target, LNT_DELIVERY_TARGET_MAX);
    if (rc == LNT_OK)
        rc = lnt_buf_printf(out,
                            "\r\nDate: %s\r\nMessage-ID: <lantern.%" PRId64 ".%" PRId64 "@%s>\r\n",
                            date, d->id, d->created_at, domain_of(from));
    if (rc == LNT_OK && d->digest) {
        snprintf(subject, sizeof subject, "%zu alerts", n_items);
        rc = put_subject(out, subject);
    } else if (rc == LNT_OK) {
        rc = put_subject(out, d->alert.summary);
    }
    if (rc == LNT_OK)
        rc = lnt_buf_puts(out, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                               "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated"
                               "\r\n\r\n");
    if (rc == LNT_OK && d->digest)
        rc = lnt_buf_printf(out,
                            "%zu alerts came in faster than one email each; here they are "
                            "together.\r\n\r\n",
                            n_items);
    for (size_t i = 0; rc == LNT_OK && i < (d->digest ? n_items : 1); i++) {
        const struct lnt_alert_brief *a = d->digest ? &items[i] : &d->alert;

        rc = put_line_text(out, a->summary, LNT_ALERT_SUMMARY_MAX);
        if (rc == LNT_OK)
            rc = lnt_buf_puts(out, "\r\n");
        if (rc == LNT_OK)
            rc = put_link(out, c, a->link);
        if (rc == LNT_OK)
            rc = lnt_buf_puts(out, "\r\n\r\n");
    }
    if (rc == LNT_OK)
        rc = lnt_buf_puts(out, "Open the link and sign in to the Lantern dashboard for more.\r\n"
                               "-- \r\nLantern\r\n");
    if (rc != LNT_OK)
        return lnt_fail(err, rc, "composing the email of delivery %" PRId64, d->id);
    return LNT_OK;
}
