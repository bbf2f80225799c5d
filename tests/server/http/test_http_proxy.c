/* test_http_proxy.c - behind a reverse proxy: whose X-Forwarded-For is believed, and what the
 * handler is told, over real loopback HTTP. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "buf.h"
#include "http.h"
#include "http_proxy.h"
#include "support.h"

/* ---- the list and the header, alone ---- */

static struct lnt_proxy_list list_of(const char *spec)
{
    struct lnt_proxy_list l;
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_proxy_list_parse(spec, &l, err) != LNT_OK)
        fail_msg("%s: %s", spec, err);
    return l;
}

static void test_http_proxy__list_parses_or_says_what_is_wrong(void **state)
{
    struct lnt_proxy_list l;
    char err[LNT_ERRBUF_SIZE] = "";
    struct sockaddr_in v4 = {.sin_family = AF_INET};
    struct sockaddr_in6 v6 = {.sin6_family = AF_INET6};
    (void)state;

    l = list_of("127.0.0.1, ::1 ,10.0.0.5");
    assert_int_equal(l.n, 3);
    inet_pton(AF_INET, "10.0.0.5", &v4.sin_addr);
    assert_true(lnt_proxy_trusted(&l, (struct sockaddr *)&v4));
    inet_pton(AF_INET, "10.0.0.6", &v4.sin_addr);
    assert_false(lnt_proxy_trusted(&l, (struct sockaddr *)&v4));
    inet_pton(AF_INET6, "::1", &v6.sin6_addr);
    assert_true(lnt_proxy_trusted(&l, (struct sockaddr *)&v6));
    /* the same IPv4 proxy seen on a dual-stack socket */
    inet_pton(AF_INET6, "::ffff:127.0.0.1", &v6.sin6_addr);
    assert_true(lnt_proxy_trusted(&l, (struct sockaddr *)&v6));
    assert_int_equal(list_of(NULL).n, 0);
    assert_int_equal(list_of("").n, 0);

    assert_int_equal(lnt_proxy_list_parse("127.0.0.1,proxy.local", &l, err), LNT_ERR_INVALID);
    assert_string_equal(err, "trusted proxies: `proxy.local` is not an IP address");
    assert_int_equal(lnt_proxy_list_parse("127.0.0.1,", &l, err), LNT_ERR_INVALID);
    assert_string_equal(err, "trusted proxies: `` is not an IP address");
    assert_int_equal(lnt_proxy_list_parse("10.0.0.0/8", &l, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_proxy_list_parse("1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.4,1.1.1.5,1.1.1.6,"
                                          "1.1.1.7,1.1.1.8,1.1.1.9,1.1.1.10,1.1.1.11,1.1.1.12,"
                                          "1.1.1.13,1.1.1.14,1.1.1.15,1.1.1.16,1.1.1.17",
                                          &l, err),
                     LNT_ERR_INVALID);
    assert_string_equal(err, "trusted proxies: at most 16 addresses");
}

static void test_http_proxy__client_is_the_first_untrusted_hop_from_the_right(void **state)
{
    struct lnt_proxy_list l = list_of("127.0.0.1,10.0.0.5");
    char out[64] = "untouched";
    (void)state;

    assert_true(lnt_proxy_client(&l, "203.0.113.7", out, sizeof out));
    assert_string_equal(out, "203.0.113.7");
    /* whatever the client wrote itself stands to the left and is not believed */
    assert_true(lnt_proxy_client(&l, "1.2.3.4, 203.0.113.7", out, sizeof out));
    assert_string_equal(out, "203.0.113.7");
    /* two proxies: the inner one's own entry is skipped */
    assert_true(lnt_proxy_client(&l, "198.51.100.2, 10.0.0.5", out, sizeof out));
    assert_string_equal(out, "198.51.100.2");
    assert_true(lnt_proxy_client(&l, " 2001:db8::1 ", out, sizeof out));
    assert_string_equal(out, "2001:db8::1");
    assert_true(lnt_proxy_client(&l, "::ffff:198.51.100.9", out, sizeof out));
    assert_string_equal(out, "198.51.100.9");

    lnt_str_copy(out, sizeof out, "untouched");
    assert_false(lnt_proxy_client(&l, NULL, out, sizeof out));
    assert_false(lnt_proxy_client(&l, "", out, sizeof out));
    assert_false(lnt_proxy_client(&l, "10.0.0.5", out, sizeof out)); /* only proxies */
    assert_false(lnt_proxy_client(&l, "203.0.113.7:5555", out, sizeof out));
    assert_false(lnt_proxy_client(&l, "nonsense, 10.0.0.5", out, sizeof out));
    assert_string_equal(out, "untouched");

    assert_true(lnt_proxy_says_https("https"));
    assert_true(lnt_proxy_says_https("http, HTTPS"));
    assert_false(lnt_proxy_says_https("https, http"));
    assert_false(lnt_proxy_says_https(NULL));
    assert_false(lnt_proxy_says_https("httpsx"));
}

/* ---- over HTTP ---- */

static void echo(void *ctx, const struct lnt_http_request *req, struct lnt_http_response *resp)
{
    char peer[64];

    (void)ctx;
    lnt_http_peer(req, peer, sizeof peer);
    lnt_buf_reset(&resp->body);
    lnt_buf_printf(&resp->body, "%s %s", peer, lnt_http_is_tls(req) ? "tls" : "plain");
    resp->status = 200;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    return lnt_buf_append(ctx, p, size * n) == LNT_OK ? size * n : 0;
}

/* What the handler said about a request carrying `h1` and `h2` (either may be NULL). */
static void ask(uint16_t port, const char *h1, const char *h2, char *out, size_t size)
{
    CURL *c = curl_easy_init();
    struct curl_slist *headers = NULL;
    struct lnt_buf body;
    char url[64];

    assert_non_null(c);
    lnt_buf_init(&body, 4096);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/who", port);
    if (h1 != NULL)
        headers = curl_slist_append(headers, h1);
    if (h2 != NULL)
        headers = curl_slist_append(headers, h2);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    snprintf(out, size, "%s", body.data != NULL ? body.data : "");
    lnt_buf_release(&body);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
}

static struct lnt_http *serve(const char *proxies)
{
    struct lnt_http_config cfg;
    struct lnt_http *h = NULL;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&cfg, 0, sizeof cfg);
    cfg.host = "127.0.0.1";
    cfg.handler = echo;
    cfg.trusted_proxies = proxies;
    if (lnt_http_start(&h, &cfg, err) != LNT_OK)
        fail_msg("start: %s", err);
    return h;
}

static void test_http_proxy__handler_sees_the_client_a_trusted_proxy_names(void **state)
{
    struct lnt_http *h = serve("127.0.0.1");
    char said[128];
    (void)state;

    ask(lnt_http_port(h), "X-Forwarded-For: 1.2.3.4, 203.0.113.7", "X-Forwarded-Proto: https", said,
        sizeof said);
    assert_string_equal(said, "203.0.113.7 tls");
    ask(lnt_http_port(h), NULL, NULL, said, sizeof said);
    assert_string_equal(said, "127.0.0.1 plain");
    ask(lnt_http_port(h), "X-Forwarded-For: not an address", "X-Forwarded-Proto: http", said,
        sizeof said);
    assert_string_equal(said, "127.0.0.1 plain");
    lnt_http_stop(h);
}

static void test_http_proxy__without_trusted_proxies_the_headers_are_ignored(void **state)
{
    struct lnt_http *h = serve(NULL);
    struct lnt_http *other = serve("10.9.8.7"); /* trusts a proxy, but not this peer */
    char said[128];
    (void)state;

    ask(lnt_http_port(h), "X-Forwarded-For: 203.0.113.7", "X-Forwarded-Proto: https", said,
        sizeof said);
    assert_string_equal(said, "127.0.0.1 plain");
    ask(lnt_http_port(other), "X-Forwarded-For: 203.0.113.7", "X-Forwarded-Proto: https", said,
        sizeof said);
    assert_string_equal(said, "127.0.0.1 plain");
    lnt_http_stop(other);
    lnt_http_stop(h);
}

static void test_http_proxy__lanternd_refuses_a_proxy_that_is_not_an_address(void **state)
{
    const char *argv[] = {lnt_test_bin("lanternd"), "--trusted-proxy", "127.0.0.1,gateway", NULL};
    struct lnt_proc_result r;
    (void)state;

    assert_int_equal(lnt_proc_run(argv, NULL, 10000, &r), 0);
    assert_int_equal(r.status, 2);
    assert_non_null(
        strstr(r.err, "--trusted-proxy: trusted proxies: `gateway` is not an IP address"));
    lnt_proc_result_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_proxy__list_parses_or_says_what_is_wrong),
        cmocka_unit_test(test_http_proxy__client_is_the_first_untrusted_hop_from_the_right),
        cmocka_unit_test(test_http_proxy__handler_sees_the_client_a_trusted_proxy_names),
        cmocka_unit_test(test_http_proxy__without_trusted_proxies_the_headers_are_ignored),
        cmocka_unit_test(test_http_proxy__lanternd_refuses_a_proxy_that_is_not_an_address),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
