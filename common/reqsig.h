/* reqsig.h - signatures on kiosk requests: who sent it, when, and that nothing was altered. */
#ifndef LNT_REQSIG_H
#define LNT_REQSIG_H

#include <stddef.h>
#include <stdint.h>

#include "badge.h"
#include "err.h"

/*
 * Every kiosk request carries three headers:
 *   X-Lantern-Kiosk: <kiosk id, decimal>
 *   X-Lantern-Time: <unix seconds, decimal>
 *   X-Lantern-Signature: <base64 Ed25519 signature>
 * over the text
 *   "LNT1-REQ\n" METHOD "\n" PATH "\n" KIOSK_ID "\n" TIME "\n" hex(SHA-256(body))
 * PATH is the request path without query string. The server refuses a time
 * more than LNT_REQSIG_MAX_SKEW seconds from its own clock.
 */
#define LNT_REQSIG_MAX_SKEW 300
#define LNT_REQSIG_B64_LEN 89 /* base64 of 64 bytes plus NUL */
#define LNT_HDR_KIOSK "X-Lantern-Kiosk"
#define LNT_HDR_TIME "X-Lantern-Time"
#define LNT_HDR_SIGNATURE "X-Lantern-Signature"

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

#endif
