/* officer_client.h - acting as an officer against a real lanternd: plain HTTP with a cookie jar,
 * the dashboard's login form and its CSRF field. */
#ifndef LNT_TEST_OFFICER_CLIENT_H
#define LNT_TEST_OFFICER_CLIENT_H

#include <stddef.h>

#include <curl/curl.h>

#include "buf.h"

#define LNT_TEST_URL_MAX 512

/* One reply, with the headers a browser would hide. Release with lnt_test_page_release(). */
struct lnt_test_page {
    long status;
    struct lnt_buf body;             /* always NUL-terminated after a request */
    char location[LNT_TEST_URL_MAX]; /* Location, "" when absent */
    char csp[512];                   /* Content-Security-Policy, "" when absent */
    char cookie[256];                /* the Set-Cookie line for lnt_session (from "lnt_session") */
};

/* A new easy handle with an in-memory cookie jar; the caller frees it (curl_easy_cleanup).
 * Fails the running cmocka test when curl cannot make one. */
CURL *lnt_test_officer_client(void);

/*
 * One request on `curl` (which keeps its cookies) to base+path: a GET when `body` is NULL, else a
 * form POST of `body`; with "Authorization: Bearer `bearer`" unless NULL. Fills `r` (the caller
 * releases it). Fails the running test when there is no reply. Thread-safe for distinct handles.
 */
void lnt_test_officer_http(CURL *curl, const char *base, const char *path, const char *body,
                           const char *bearer, struct lnt_test_page *r);

void lnt_test_page_release(struct lnt_test_page *r);

/* The value of the first hidden csrf field in `html` into `out`; fails the test when there is
 * none, it is empty, or it does not fit in `size`. */
void lnt_test_csrf_of(const char *html, char *out, size_t size);

/*
 * Forgets `curl`'s cookies, fetches the login form (asserting 200) and writes into `body` the
 * form POST that signs in as `email` with `password`. Thread-safe for distinct handles.
 */
void lnt_test_login_body(CURL *curl, const char *base, const char *email, const char *password,
                         char *body, size_t size);

/*
 * Signs `curl` in as `email` through the login form (forgetting any cookies it had); returns the
 * status of the POST (303 when signed in) and, unless `cookie` is NULL, the session's Set-Cookie
 * value ("" when none) into `cookie`.
 */
long lnt_test_officer_login(CURL *curl, const char *base, const char *email, const char *password,
                            char *cookie, size_t cookie_size);

#endif
