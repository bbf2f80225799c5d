/* officer_client.c - acting as an officer against a real lanternd: plain HTTP with a cookie jar,
 * the dashboard's login form and its CSRF field. */
#include "officer_client.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "err.h"

#define CSRF_FIELD "name=\"csrf\" value=\""

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    return lnt_buf_append(ctx, p, size * n) == LNT_OK ? size * n : 0;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
    struct lnt_test_page *r = ctx;
    size_t len = size * n;
    char line[1024];

    if (len >= sizeof line)
        return len;
    memcpy(line, p, len);
    line[len] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    if (strncasecmp(line, "Location: ", 10) == 0)
        lnt_str_copy(r->location, sizeof r->location, line + 10);
    else if (strncasecmp(line, "Content-Security-Policy: ", 25) == 0)
        lnt_str_copy(r->csp, sizeof r->csp, line + 25);
    else if (strncasecmp(line, "Set-Cookie: lnt_session", 23) == 0)
        lnt_str_copy(r->cookie, sizeof r->cookie, line + 12);
    return len;
}

CURL *lnt_test_officer_client(void)
{
    CURL *c = curl_easy_init();

    assert_non_null(c);
    curl_easy_setopt(c, CURLOPT_COOKIEFILE, ""); /* cookies in memory */
    return c;
}

void lnt_test_officer_http(CURL *curl, const char *base, const char *path, const char *body,
                           const char *bearer, struct lnt_test_page *r)
{
    char url[LNT_TEST_URL_MAX], auth[128];
    struct curl_slist *h = NULL;

    memset(r, 0, sizeof *r);
    lnt_buf_init(&r->body, 16u << 20);
    snprintf(url, sizeof url, "%s%s", base, path);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, r);
    if (bearer != NULL) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", bearer);
        h = curl_slist_append(h, auth);
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    if (body != NULL)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    else
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    assert_int_equal(curl_easy_perform(curl), CURLE_OK);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(h);
    if (r->body.data == NULL)
        lnt_buf_puts(&r->body, "");
}

void lnt_test_page_release(struct lnt_test_page *r)
{
    lnt_buf_release(&r->body);
}

void lnt_test_csrf_of(const char *html, char *out, size_t size)
{
    const char *p = html != NULL ? strstr(html, CSRF_FIELD) : NULL;
    size_t n;

    assert_non_null(p);
    p += strlen(CSRF_FIELD);
    n = strcspn(p, "\"");
    assert_true(n > 0 && n < size);
    memcpy(out, p, n);
    out[n] = '\0';
}

void lnt_test_login_body(CURL *curl, const char *base, const char *email, const char *password,
                         char *body, size_t size)
{
    struct lnt_test_page r;
    char token[128];
    char *e, *p;

    curl_easy_setopt(curl, CURLOPT_COOKIELIST, "ALL");
    lnt_test_officer_http(curl, base, "/login", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    lnt_test_csrf_of(r.body.data, token, sizeof token);
    lnt_test_page_release(&r);
    e = curl_easy_escape(curl, email, 0);
    p = curl_easy_escape(curl, password, 0);
    assert_non_null(e);
    assert_non_null(p);
    snprintf(body, size, "csrf=%s&email=%s&password=%s&next=", token, e, p);
    curl_free(e);
    curl_free(p);
}

long lnt_test_officer_login(CURL *curl, const char *base, const char *email, const char *password,
                            char *cookie, size_t cookie_size)
{
    struct lnt_test_page r;
    char body[512];
    long status;

    lnt_test_login_body(curl, base, email, password, body, sizeof body);
    lnt_test_officer_http(curl, base, "/login", body, NULL, &r);
    status = r.status;
    if (cookie != NULL)
        lnt_str_copy(cookie, cookie_size, r.cookie);
    lnt_test_page_release(&r);
    return status;
}
