/* err.h - Lantern's one error enum, its strerror, and the caller's error buffer. */
#ifndef LNT_ERR_H
#define LNT_ERR_H

#include <stddef.h>

/*
 * Every fallible function returns enum lnt_err. Human detail goes into a
 * caller-supplied error buffer `char *err` of LNT_ERRBUF_SIZE bytes, which
 * may be NULL when the caller only wants the code. Messages are one line and
 * name what was wrong ("event 17: field `occurred_at`: expected RFC 3339 time").
 */
#define LNT_ERRBUF_SIZE 256

enum lnt_err {
    LNT_OK = 0,
    LNT_ERR_NOMEM,     /* allocation failed */
    LNT_ERR_INVALID,   /* malformed input */
    LNT_ERR_TOO_LARGE, /* input or output over its bound */
    LNT_ERR_NOT_FOUND, /* no such record */
    LNT_ERR_EXISTS,    /* record already exists */
    LNT_ERR_CONFLICT,  /* same key, different content */
    LNT_ERR_IO,        /* file or device error */
    LNT_ERR_DB,        /* database error */
    LNT_ERR_NET,       /* network error: unreachable, reset, bad reply */
    LNT_ERR_CRYPTO,    /* cryptographic operation failed */
    LNT_ERR_BAD_SIGNATURE,
    LNT_ERR_EXPIRED,
    LNT_ERR_NOT_YET_VALID,
    LNT_ERR_UNKNOWN_KEY,
    LNT_ERR_REVOKED,
    LNT_ERR_UNAUTHORIZED, /* who you are is not known or not proven */
    LNT_ERR_FORBIDDEN,    /* known, but not allowed */
    LNT_ERR_TIMEOUT,
    LNT_ERR_STATE,       /* not allowed in the current state */
    LNT_ERR_INTERNAL,    /* a bug: an invariant did not hold */
    LNT_ERR_UNSUPPORTED, /* this build or backend does not do that (yet) */
    LNT_ERR__COUNT
};

/* Returns a short static description of `e` ("out of memory"); never NULL. */
const char *lnt_strerror(enum lnt_err e);

/*
 * Formats a message into `err` (when not NULL) and returns `code`, so that
 *     return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: expected a string", k);
 * both reports and returns.
 */
enum lnt_err lnt_fail(char *err, enum lnt_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Prepends context to the message already in `err` ("event 17: " + message)
 * and returns `code`. Leaves `err` alone when it is NULL.
 */
enum lnt_err lnt_fail_prefix(char *err, enum lnt_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
