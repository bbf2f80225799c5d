/* notify_smtp.c - the libcurl SMTP seam: one message to one recipient, TLS required
 * (STARTTLS on smtp://, implicit TLS on smtps://). */
#include "notify_int.h"

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

struct reader {
    const char *p;
    size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
    struct reader *r = arg;
    size_t n = size * nmemb < r->left ? size * nmemb : r->left;

    memcpy(dst, r->p, n);
    r->p += n;
    r->left -= n;
    return n;
}

enum lnt_err lnt_smtp_send(const struct lnt_notify_config *c, const char *to, const char *msg,
                           size_t len, char *err)
{
    struct reader r = {msg, len};
    struct curl_slist *rcpt = NULL;
    char from[LNT_DELIVERY_TARGET_MAX + 3], addr[LNT_DELIVERY_TARGET_MAX + 3];
    char why[CURL_ERROR_SIZE] = "", shown[LNT_URL_SHOWN_MAX];
    enum lnt_err rc = LNT_OK;
    CURL *curl = NULL;
    CURLcode cc;
    long code = 0;

    if (c->smtp_url == NULL || c->smtp_url[0] == '\0')
        return lnt_fail(err, LNT_ERR_INVALID, "no SMTP server is configured (--smtp-url)");
    snprintf(from, sizeof from, "<%s>", c->smtp_from != NULL ? c->smtp_from : "");
    snprintf(addr, sizeof addr, "<%s>", to);
    curl = curl_easy_init();
    if (curl == NULL || (rcpt = curl_slist_append(NULL, addr)) == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory sending an email");
        goto out;
    }
    curl_easy_setopt(curl, CURLOPT_URL, c->smtp_url);
    curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    if (c->smtp_ca_file != NULL)
        curl_easy_setopt(curl, CURLOPT_CAINFO, c->smtp_ca_file);
    if (c->smtp_user != NULL) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, c->smtp_user);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, c->smtp_password != NULL ? c->smtp_password : "");
    }
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(curl, CURLOPT_READDATA, &r);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, c->timeout_s > 0 ? c->timeout_s : 30L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, why);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    cc = curl_easy_perform(curl);
    if (cc != CURLE_OK) {
        /* named without any user part, and without the password libcurl never puts in `why` */
        lnt_notify_url_shown(c->smtp_url, shown, sizeof shown);
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
        if (code >= 400)
            rc = lnt_fail(err, LNT_ERR_NET, "the mail server %s refused it with %ld%s", shown, code,
                          code == 535  ? " (the login was refused: check --smtp-user and "
                                         "--smtp-password-file)"
                          : code < 500 ? " (busy or not ready)"
                                       : "");
        else
            rc = lnt_fail(err, LNT_ERR_NET, "the mail server %s: %s", shown,
                          why[0] != '\0' ? why : curl_easy_strerror(cc));
    }
out:
    curl_slist_free_all(rcpt);
    if (curl != NULL)
        curl_easy_cleanup(curl);
    return rc;
}
