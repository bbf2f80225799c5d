/* notify_url.c - the SMTP and webhook URLs as they may be shown: a password written into a URL
 * is refused, and any user part is left out wherever a URL is logged or put in an error. */
#include "notify.h"

#include <string.h>

#include "buf.h"

/* The user part of `url` ("user:pass" in smtps://user:pass@host/): its start and length. */
static bool userinfo(const char *url, const char **start, size_t *len)
{
    const char *p = strstr(url, "://"), *at = NULL;

    if (p == NULL)
        return false;
    p += 3;
    /* the authority runs to the path, query or fragment; its user part to the last '@' */
    for (const char *q = p; *q != '\0' && *q != '/' && *q != '?' && *q != '#'; q++)
        if (*q == '@')
            at = q;
    if (at == NULL)
        return false;
    *start = p;
    *len = (size_t)(at - p);
    return true;
}

enum lnt_err lnt_notify_url_check(const char *what, const char *url, char *err)
{
    const char *u;
    size_t n;

    if (userinfo(url, &u, &n) && memchr(u, ':', n) != NULL)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "%s holds a password, which would show wherever the URL is shown: "
                        "put the password in --smtp-password-file and the user in --smtp-user "
                        "instead",
                        what);
    return LNT_OK;
}

void lnt_notify_url_shown(const char *url, char *out, size_t size)
{
    const char *u;
    size_t n, head;

    if (size == 0)
        return;
    if (url == NULL) {
        out[0] = '\0';
        return;
    }
    if (!userinfo(url, &u, &n)) {
        lnt_str_copy(out, size, url);
        return;
    }
    head = (size_t)(u - url);
    if (head >= size)
        head = size - 1;
    memcpy(out, url, head);
    out[head] = '\0';
    /* what follows the '@': the host and the rest */
    lnt_str_copy(out + head, size - head, u + n + 1);
}
