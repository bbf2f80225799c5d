/* err.c - error strings and the error-buffer helpers. */
#include "err.h"

#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const messages[LNT_ERR__COUNT] = {
    [LNT_OK] = "ok",
    [LNT_ERR_NOMEM] = "out of memory",
    [LNT_ERR_INVALID] = "invalid input",
    [LNT_ERR_TOO_LARGE] = "too large",
    [LNT_ERR_NOT_FOUND] = "not found",
    [LNT_ERR_EXISTS] = "already exists",
    [LNT_ERR_CONFLICT] = "conflict",
    [LNT_ERR_IO] = "input/output error",
    [LNT_ERR_DB] = "database error",
    [LNT_ERR_NET] = "network error",
    [LNT_ERR_CRYPTO] = "cryptographic error",
    [LNT_ERR_BAD_SIGNATURE] = "bad signature",
    [LNT_ERR_EXPIRED] = "expired",
    [LNT_ERR_NOT_YET_VALID] = "not yet valid",
    [LNT_ERR_UNKNOWN_KEY] = "unknown key",
    [LNT_ERR_REVOKED] = "revoked",
    [LNT_ERR_UNAUTHORIZED] = "unauthorized",
    [LNT_ERR_FORBIDDEN] = "forbidden",
    [LNT_ERR_TIMEOUT] = "timed out",
    [LNT_ERR_STATE] = "not allowed now",
    [LNT_ERR_INTERNAL] = "internal error",
    [LNT_ERR_UNSUPPORTED] = "not supported",
};

const char *lnt_strerror(enum lnt_err e)
{
    if ((unsigned)e >= LNT_ERR__COUNT || messages[e] == NULL)
        return "unknown error";
    return messages[e];
}

enum lnt_err lnt_fail(char *err, enum lnt_err code, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, LNT_ERRBUF_SIZE, fmt, ap);
        va_end(ap);
    }
    return code;
}

enum lnt_err lnt_fail_prefix(char *err, enum lnt_err code, const char *fmt, ...)
{
    char prefix[LNT_ERRBUF_SIZE];
    char old[LNT_ERRBUF_SIZE];
    va_list ap;

    if (err == NULL)
        return code;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    size_t plen;

    memcpy(old, err, sizeof old);
    old[sizeof old - 1] = '\0';
    plen = strlen(prefix);
    memcpy(err, prefix, plen + 1);
    /* Truncation is fine: the start of a message says the most. */
    lnt_str_copy(err + plen, LNT_ERRBUF_SIZE - plen, old);
    return code;
}
