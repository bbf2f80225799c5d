/*
 * fuzz_xff.c - fuzz target for the reverse-proxy headers (server/http/http_proxy.c):
 * X-Forwarded-For, which decides which client address the rate limits and
 * the audit log see, X-Forwarded-Proto, and the trusted-proxy list from the
 * configuration. The input is "PROXIES\nX-FORWARDED-FOR" (no newline: the
 * proxy list is 127.0.0.1,::1). Invariants, any of which failing aborts:
 *   - a proxy list has at most LNT_PROXY_MAX addresses, also when it is refused
 *     (lanternd does not start with a refused list; the default list is used then);
 *   - a client found is an IP address, written NUL-terminated within the
 *     buffer given (also a buffer too small for it), and is not a trusted proxy;
 *   - appending a trusted proxy's own hop ("..., 127.0.0.1") changes nothing:
 *     the same client, or none;
 *   - X-Forwarded-Proto is https exactly when its last entry is "https".
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX 4096

static int is_trusted_text(const struct lnt_proxy_list *l, const char *text)
{
    struct sockaddr_in6 sa6;
    struct sockaddr_in sa4;

    memset(&sa6, 0, sizeof sa6);
    memset(&sa4, 0, sizeof sa4);
    if (inet_pton(AF_INET, text, &sa4.sin_addr) == 1) {
        sa4.sin_family = AF_INET;
        return lnt_proxy_trusted(l, (const struct sockaddr *)(const void *)&sa4);
    }
    if (inet_pton(AF_INET6, text, &sa6.sin6_addr) == 1) {
        sa6.sin6_family = AF_INET6;
        return lnt_proxy_trusted(l, (const struct sockaddr *)(const void *)&sa6);
    }
    abort(); /* not an IP address at all */
}

/* The last comma-separated entry of s without spaces and tabs around it is "https". */
static int last_is_https(const char *s)
{
    const char *last = strrchr(s, ',');
    size_t n;

    last = last != NULL ? last + 1 : s;
    while (*last == ' ' || *last == '\t')
        last++;
    n = strlen(last);
    while (n > 0 && (last[n - 1] == ' ' || last[n - 1] == '\t'))
        n--;
    return n == 5 && strncasecmp(last, "https", 5) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lnt_proxy_list l;
    char text[FUZZ_MAX + 1], err[LNT_ERRBUF_SIZE], client[INET6_ADDRSTRLEN],
        again[INET6_ADDRSTRLEN];
    char *small, *longer, *xff = text;
    const char *spec = "127.0.0.1,::1";
    size_t xlen;
    bool found;

    if (size > FUZZ_MAX)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    xlen = strlen(text);
    {
        char *nl = memchr(text, '\n', xlen);
        if (nl != NULL) {
            *nl = '\0';
            spec = text;
            xff = nl + 1;
        }
    }
    if (lnt_proxy_list_parse(spec, &l, err) != LNT_OK) {
        if (l.n > LNT_PROXY_MAX || err[0] == '\0')
            abort();
        if (lnt_proxy_list_parse("127.0.0.1,::1", &l, err) != LNT_OK)
            abort();
    }
    if (l.n > LNT_PROXY_MAX)
        abort();

    memset(client, 'x', sizeof client);
    found = lnt_proxy_client(&l, xff, client, sizeof client);
    if (found) {
        if (memchr(client, 0, sizeof client) == NULL || is_trusted_text(&l, client))
            abort();
    }
    /* A buffer too small for most addresses: cut or refused, never overrun. */
    small = malloc(4);
    if (small == NULL)
        abort();
    if (lnt_proxy_client(&l, xff, small, 4) && memchr(small, 0, 4) == NULL)
        abort();
    free(small);
    /* The trusted proxy's own hop on the right changes nothing. */
    if (l.n > 0) {
        char hop[INET6_ADDRSTRLEN];
        size_t n = strlen(xff);
        struct in6_addr a = l.addr[0];
        if (IN6_IS_ADDR_V4MAPPED(&a)) {
            if (inet_ntop(AF_INET, &a.s6_addr[12], hop, sizeof hop) == NULL)
                abort();
        } else if (inet_ntop(AF_INET6, &a, hop, sizeof hop) == NULL) {
            abort();
        }
        longer = malloc(n + strlen(hop) + 3);
        if (longer == NULL)
            abort();
        memcpy(longer, xff, n);
        memcpy(longer + n, ", ", 2);
        memcpy(longer + n + 2, hop, strlen(hop) + 1);
        if (lnt_proxy_client(&l, longer, again, sizeof again) != found ||
            (found && strcmp(again, client) != 0))
            abort();
        free(longer);
    }
    if (lnt_proxy_says_https(xff) != (last_is_https(xff) != 0))
        abort();
    return 0;
}
