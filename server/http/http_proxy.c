/* http_proxy.c - trusted reverse proxies: which peers they are, and the client each forwards. */
#include "http_proxy.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "buf.h"

#define ENTRY_MAX 64 /* longest entry worth parsing: an IPv6 address is at most 45 */

/* The IPv4-mapped IPv6 form (::ffff:a.b.c.d) of an IPv4 address. */
static void v4_mapped(const struct in_addr *v4, struct in6_addr *out)
{
    memset(out, 0, sizeof *out);
    out->s6_addr[10] = 0xff;
    out->s6_addr[11] = 0xff;
    memcpy(&out->s6_addr[12], v4, 4);
}

/* Parses one address (IPv4 or IPv6 text, no port) into IPv6 form. */
static bool parse_addr(const char *s, struct in6_addr *out)
{
    struct in_addr v4;

    if (inet_pton(AF_INET6, s, out) == 1)
        return true;
    if (inet_pton(AF_INET, s, &v4) != 1)
        return false;
    v4_mapped(&v4, out);
    return true;
}

/* The address as text, IPv4-mapped ones as plain IPv4, as the socket peer would be written. */
static bool show_addr(const struct in6_addr *a, char *out, size_t size)
{
    if (IN6_IS_ADDR_V4MAPPED(a))
        return inet_ntop(AF_INET, &a->s6_addr[12], out, (socklen_t)size) != NULL;
    return inet_ntop(AF_INET6, a, out, (socklen_t)size) != NULL;
}

static bool in_list(const struct lnt_proxy_list *l, const struct in6_addr *a)
{
    for (size_t i = 0; i < l->n; i++)
        if (memcmp(&l->addr[i], a, sizeof *a) == 0)
            return true;
    return false;
}

/* Copies s[0..n) without surrounding spaces or tabs into out[ENTRY_MAX]; false if it does not fit.
 */
static bool trimmed(const char *s, size_t n, char out[ENTRY_MAX])
{
    while (n > 0 && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= ENTRY_MAX)
        return false;
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

enum lnt_err lnt_proxy_list_parse(const char *spec, struct lnt_proxy_list *out, char *err)
{
    const char *p = spec;

    memset(out, 0, sizeof *out);
    if (spec == NULL || spec[0] == '\0')
        return LNT_OK;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma != NULL ? (size_t)(comma - p) : strlen(p);
        char entry[ENTRY_MAX];

        if (out->n == LNT_PROXY_MAX)
            return lnt_fail(err, LNT_ERR_INVALID, "trusted proxies: at most %d addresses",
                            LNT_PROXY_MAX);
        if (!trimmed(p, n, entry) || !parse_addr(entry, &out->addr[out->n]))
            return lnt_fail(err, LNT_ERR_INVALID, "trusted proxies: `%.*s` is not an IP address",
                            (int)(n < 60 ? n : 60), p);
        out->n++;
        if (comma == NULL)
            return LNT_OK;
        p = comma + 1;
    }
}

bool lnt_proxy_trusted(const struct lnt_proxy_list *l, const struct sockaddr *sa)
{
    struct in6_addr a;

    if (l->n == 0 || sa == NULL)
        return false;
    if (sa->sa_family == AF_INET6) {
        memcpy(&a, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, sizeof a);
    } else if (sa->sa_family == AF_INET) {
        v4_mapped(&((const struct sockaddr_in *)(const void *)sa)->sin_addr, &a);
    } else {
        return false;
    }
    return in_list(l, &a);
}

bool lnt_proxy_client(const struct lnt_proxy_list *l, const char *xff, char *out, size_t size)
{
    const char *end;

    if (xff == NULL || size == 0)
        return false;
    end = xff + strlen(xff);
    while (end > xff) {
        const char *start = end;
        char entry[ENTRY_MAX];
        struct in6_addr a;

        while (start > xff && start[-1] != ',')
            start--;
        if (!trimmed(start, (size_t)(end - start), entry) || !parse_addr(entry, &a))
            return false;
        if (!in_list(l, &a))
            return show_addr(&a, out, size);
        end = start > xff ? start - 1 : start;
    }
    return false;
}

bool lnt_proxy_says_https(const char *xfp)
{
    const char *last;
    char entry[ENTRY_MAX];

    if (xfp == NULL)
        return false;
    last = strrchr(xfp, ',');
    last = last != NULL ? last + 1 : xfp;
    return trimmed(last, strlen(last), entry) && strcasecmp(entry, "https") == 0;
}
