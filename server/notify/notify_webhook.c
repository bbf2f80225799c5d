/* notify_webhook.c - an alert POSTed as JSON to an authority's webhook, signed with its shared
 * secret: X-Lantern-Signature: sha256=<HMAC-SHA256 of the body, hex>, X-Lantern-Timestamp. */
#include "notify_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "codec.h"
#include "ltime.h"

enum lnt_err lnt_webhook_body(const struct lnt_notify_config *c, const struct lnt_alert_brief *a,
                              struct lnt_buf *out)
{
    const char *base = c->public_url != NULL ? c->public_url : "";
    char link[LNT_ALERT_LINK_MAX + 512], when[LNT_TIME_STRLEN];
    size_t blen = strlen(base);
    enum lnt_err rc;

    if (strncmp(a->link, "http://", 7) == 0 || strncmp(a->link, "https://", 8) == 0)
        blen = 0;
    else if (blen > 0 && base[blen - 1] == '/' && a->link[0] == '/')
        blen--;
    snprintf(link, sizeof link, "%.*s%s", (int)blen, base, a->link);
    if (lnt_time_format(a->raised_at, when) != LNT_OK)
        when[0] = '\0';
    rc = lnt_buf_puts(out, "{\"kind\":");
    if (rc == LNT_OK)
        rc = lnt_buf_put_json_str(out, a->kind);
    if (rc == LNT_OK)
        rc = lnt_buf_puts(out, ",\"summary\":");
    if (rc == LNT_OK)
        rc = lnt_buf_put_json_str(out, a->summary);
    if (rc == LNT_OK)
        rc = lnt_buf_puts(out, ",\"link\":");
    if (rc == LNT_OK)
        rc = lnt_buf_put_json_str(out, link);
    if (rc == LNT_OK)
        rc = lnt_buf_printf(out,
                            ",\"venue_id\":%" PRId64 ",\"raised_at\":\"%s\",\"id\":%" PRId64 "}",
                            a->venue_id, when, a->id);
    return rc;
}

void lnt_webhook_sign(const uint8_t secret[LNT_WEBHOOK_SECRET_LEN], const char *body, size_t len,
                      char out[7 + 64 + 1])
{
    uint8_t mac[crypto_auth_hmacsha256_BYTES];

    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, secret, LNT_WEBHOOK_SECRET_LEN);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&st, mac);
    memcpy(out, "sha256=", 7);
    lnt_hex_encode(mac, sizeof mac, out + 7);
    sodium_memzero(&st, sizeof st);
}

/* Swallows the receiver's answer: only its status matters. */
static size_t discard_cb(char *p, size_t size, size_t nmemb, void *arg)
{
    (void)p;
    (void)arg;
    return size * nmemb;
}

static bool secret_set(const uint8_t *s)
{
    uint8_t any = 0;

    for (size_t i = 0; i < LNT_WEBHOOK_SECRET_LEN; i++)
        any |= s[i];
    return any != 0;
}

enum lnt_err lnt_webhook_post(const struct lnt_notify_config *c, const struct lnt_delivery *d,
                              int64_t now, char *err)
{
    struct lnt_buf body;
    struct curl_slist *h = NULL, *more;
    char sig[7 + 64 + 1], sig_h[32 + sizeof sig], ts_h[64], why[CURL_ERROR_SIZE] = "";
    char shown[LNT_URL_SHOWN_MAX];
    enum lnt_err rc;
    CURL *curl = NULL;
    CURLcode cc;
    long status = 0;

    lnt_buf_init(&body, LNT_MAIL_MAX);
    if (d->secret_error[0] != '\0') {
        /* no post without the secret: retried, so a restart with the right key file sends it */
        rc = lnt_fail(err, LNT_ERR_UNKNOWN_KEY, "%s", d->secret_error);
        goto out;
    }
    if (!secret_set(d->secret)) {
        rc = lnt_fail(err, LNT_ERR_STATE, "the webhook of \"%s\" has been cleared or replaced",
                      d->alert.authority);
        goto out;
    }
    rc = lnt_webhook_body(c, &d->alert, &body);
    if (rc != LNT_OK) {
        rc = lnt_fail(err, rc, "writing the webhook body of alert %" PRId64, d->alert.id);
        goto out;
    }
    lnt_webhook_sign(d->secret, body.data, body.len, sig);
    snprintf(sig_h, sizeof sig_h, "X-Lantern-Signature: %s", sig);
    snprintf(ts_h, sizeof ts_h, "X-Lantern-Timestamp: %" PRId64, now);
    h = curl_slist_append(NULL, "Content-Type: application/json");
    if (h != NULL && (more = curl_slist_append(h, sig_h)) != NULL &&
        (more = curl_slist_append(h, ts_h)) != NULL)
        more = curl_slist_append(h, "Expect:");
    else
        more = NULL;
    curl = curl_easy_init();
    if (more == NULL || curl == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory posting a webhook");
        goto out;
    }
    curl_easy_setopt(curl, CURLOPT_URL, d->target);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)body.len);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard_cb);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, c->timeout_s > 0 ? c->timeout_s : 30L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, why);
    cc = curl_easy_perform(curl);
    lnt_notify_url_shown(d->target, shown, sizeof shown);
    if (cc != CURLE_OK) {
        rc = lnt_fail(err, LNT_ERR_NET, "webhook %s: %s", shown,
                      why[0] != '\0' ? why : curl_easy_strerror(cc));
        goto out;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299)
        rc = lnt_fail(err, LNT_ERR_NET, "webhook %s answered HTTP %ld", shown, status);
out:
    if (curl != NULL)
        curl_easy_cleanup(curl);
    curl_slist_free_all(h);
    lnt_buf_release(&body);
    return rc;
}
