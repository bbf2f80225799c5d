/* reqsig.h - signatures on kiosk requests: who sent it, when, and that nothing was altered. */
#ifndef LNT_REQSIG_H
#define LNT_REQSIG_H

#include <stddef.h>
#include <stdint.h>

#include "badge.h"
#include "err.h"

/*
 * Every kiosk request carries the headers
 *   X-Lantern-Kiosk: <kiosk id, decimal>
 *   X-Lantern-Time: <unix seconds, decimal>
 *   X-Lantern-Signature: <base64 Ed25519 signature>
 *   X-Lantern-Signature-Version: 2          (absent: version 1)
 * Version 2 signs everything the server acts on:
 *   "LNT2-REQ\n" METHOD "\n" PATH "\n" QUERY "\n" KIOSK_ID "\n" TIME "\n" BACKLOG "\n"
 *   hex(SHA-256(body))
 * QUERY is the query string exactly as sent, without the '?' ("" when none);
 * BACKLOG is the X-Lantern-Backlog header's value exactly as sent ("" when
 * the header is absent). Version 1 (kiosks from before version 2) signs
 *   "LNT1-REQ\n" METHOD "\n" PATH "\n" KIOSK_ID "\n" TIME "\n" hex(SHA-256(body))
 * only, so the server must not act on a version 1 request's query or
 * backlog. PATH is the request path without query string. The server refuses
 * a time more than LNT_REQSIG_MAX_SKEW seconds from its own clock.
 */
#define LNT_REQSIG_MAX_SKEW 300
#define LNT_REQSIG_B64_LEN 89     /* base64 of 64 bytes plus NUL */
#define LNT_REQSIG_QUERY_MAX 1024 /* bytes of query string a version 2 signature covers */
#define LNT_REQSIG_BACKLOG_MAX 32 /* bytes of X-Lantern-Backlog a version 2 signature covers */
#define LNT_HDR_KIOSK "X-Lantern-Kiosk"
#define LNT_HDR_TIME "X-Lantern-Time"
#define LNT_HDR_SIGNATURE "X-Lantern-Signature"
#define LNT_HDR_SIG_VERSION "X-Lantern-Signature-Version"
#define LNT_HDR_BACKLOG "X-Lantern-Backlog"
#define LNT_REQSIG_TIME_MAX INT64_C(253402300799) /* 9999-12-31T23:59:59Z */

/* The signature headers of a kiosk request, parsed. */
struct lnt_reqsig_headers {
    int64_t kiosk_id; /* >= 1 */
    int64_t ts;       /* 0..LNT_REQSIG_TIME_MAX */
    const char *sig;  /* borrowed: the X-Lantern-Signature value, shorter than LNT_REQSIG_B64_LEN */
    int version;      /* 1 (no X-Lantern-Signature-Version) or 2 */
};

/*
 * Parses the values of the X-Lantern-Kiosk, X-Lantern-Time,
 * X-Lantern-Signature and X-Lantern-Signature-Version headers as received
 * (NULL for one that is absent; only the version may be). LNT_OK, or
 * LNT_ERR_BAD_SIGNATURE with a message naming the header that is missing or
 * malformed; *out is all zero on error. Does not check the signature itself
 * (lnt_reqsig_verify, lnt_reqsig_verify2). Thread-safe.
 */
enum lnt_err lnt_reqsig_headers_parse(const char *kiosk, const char *time, const char *sig,
                                      const char *version, struct lnt_reqsig_headers *out,
                                      char *err);

/* What a version 2 signature covers besides the kiosk id and the time. Borrowed pointers. */
struct lnt_reqsig_parts {
    const char *method;  /* 1..16 upper-case letters */
    const char *path;    /* '/' and printable ASCII, no query */
    const char *query;   /* as sent, without '?'; NULL or "" for none; printable ASCII */
    const char *backlog; /* X-Lantern-Backlog as sent; NULL when absent; printable ASCII */
    const void *body;    /* may be NULL when len is 0 */
    size_t len;
};

enum lnt_err lnt_reqsig_sign(const uint8_t sk[LNT_SIGN_SK_LEN], int64_t kiosk_id, int64_t ts,
                             const char *method, const char *path, const void *body, size_t len,
                             char out[LNT_REQSIG_B64_LEN]);

/*
 * LNT_OK when `sig_b64` is a valid signature by `pk` and |now - ts| is within
 * LNT_REQSIG_MAX_SKEW; LNT_ERR_EXPIRED for a stale or future time,
 * LNT_ERR_BAD_SIGNATURE otherwise, with detail in `err`.
 */
enum lnt_err lnt_reqsig_verify(const uint8_t pk[LNT_SIGN_PK_LEN], int64_t kiosk_id, int64_t ts,
                               int64_t now, const char *method, const char *path, const void *body,
                               size_t len, const char *sig_b64, char *err);

/*
 * Version 2 of the above: signs and checks the "LNT2-REQ" text, which also
 * covers the query string and the backlog header. Same errors: for sign2,
 * LNT_ERR_INVALID also for a query or backlog that is too long or not
 * printable ASCII; for verify2, LNT_OK, LNT_ERR_EXPIRED (checked after the
 * signature), LNT_ERR_BAD_SIGNATURE. Thread-safe.
 */
enum lnt_err lnt_reqsig_sign2(const uint8_t sk[LNT_SIGN_SK_LEN], int64_t kiosk_id, int64_t ts,
                              const struct lnt_reqsig_parts *parts, char out[LNT_REQSIG_B64_LEN]);
enum lnt_err lnt_reqsig_verify2(const uint8_t pk[LNT_SIGN_PK_LEN], int64_t kiosk_id, int64_t ts,
                                int64_t now, const struct lnt_reqsig_parts *parts,
                                const char *sig_b64, char *err);

#endif
