/* http_proxy.h - trusted reverse proxies: which peers they are, and the client each forwards. */
#ifndef LNT_HTTP_PROXY_H
#define LNT_HTTP_PROXY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "err.h"

#define LNT_PROXY_MAX 16

/* Addresses of trusted proxies; IPv4 ones are kept as IPv4-mapped IPv6. */
struct lnt_proxy_list {
    size_t n;
    struct in6_addr addr[LNT_PROXY_MAX];
};

/*
 * Parses "127.0.0.1,::1" (commas, optional spaces; NULL or "" = none) into
 * *out. LNT_ERR_INVALID naming the entry that is not an IP address, or when
 * there are more than LNT_PROXY_MAX.
 */
enum lnt_err lnt_proxy_list_parse(const char *spec, struct lnt_proxy_list *out, char *err);
/* true when `sa` (AF_INET or AF_INET6) is one of the list's. */
bool lnt_proxy_trusted(const struct lnt_proxy_list *l, const struct sockaddr *sa);
/*
 * The client a trusted proxy forwarded, from its X-Forwarded-For value:
 * walking from the right (each proxy appends the address it saw), the first
 * address that is not itself a trusted proxy, written as text to out. False,
 * out untouched, when the value is NULL, names no such address, or an entry
 * on the way is not an IP address (anything to the left of the first hop a
 * trusted proxy vouches for may be made up by the client, so nothing there is
 * believed past a malformed entry).
 */
bool lnt_proxy_client(const struct lnt_proxy_list *l, const char *xff, char *out, size_t size);
/* true when the last entry of an X-Forwarded-Proto value is "https" (case-insensitive). */
bool lnt_proxy_says_https(const char *xfp);

#endif
