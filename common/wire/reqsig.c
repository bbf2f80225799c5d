/* reqsig.c - Ed25519 signatures on kiosk requests (libsodium), text versions 1 and 2. */
#include "reqsig.h"

#include "buf.h"
#include "codec.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define METHOD_MAX 16
#define PATH_MAX_LEN 1024
/* "LNT2-REQ\n" + method + path + query + two int64 + backlog + 64 hex digits + separators,
 * with room to spare. */
#define MSG_MAX                                                                                    \
    (16 + METHOD_MAX + PATH_MAX_LEN + LNT_REQSIG_QUERY_MAX + 2 * 21 + LNT_REQSIG_BACKLOG_MAX +     \
     64 + 16)

/* A method is 1..16 upper-case letters. */
static bool method_ok(const char *m)
{
    size_t n = strnlen(m, METHOD_MAX + 1);
    if (n == 0 || n > METHOD_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (m[i] < 'A' || m[i] > 'Z')
            return false;
    return true;
}

/* Printable ASCII without spaces, at most `max` bytes ("" allowed when min is 0). */
static bool text_ok(const char *p, size_t min, size_t max)
{
    size_t n = strnlen(p, max + 1);
    if (n < min || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (p[i] <= ' ' || p[i] > '~')
            return false;
    return true;
}

/* A path starts with '/', is printable ASCII without spaces, and has no query string. */
static bool path_ok(const char *p)
{
    return text_ok(p, 1, PATH_MAX_LEN) && p[0] == '/' && strchr(p, '?') == NULL;
}

/*
 * Writes the signed text of `version` (1 or 2) into `msg` (MSG_MAX bytes)
 * and its length to *len; version 1 leaves out query and backlog.
 * LNT_ERR_INVALID (with a message) for a part that cannot appear in it.
 */
static enum lnt_err signed_text(int version, int64_t kiosk_id, int64_t ts,
                                const struct lnt_reqsig_parts *p, char msg[MSG_MAX],
                                size_t *msg_len, char *err)
{
    uint8_t digest[crypto_hash_sha256_BYTES];
    char hex[LNT_HEX_LEN(crypto_hash_sha256_BYTES)];
    static const uint8_t empty[1];
    const char *query = p->query != NULL ? p->query : "";
    int n;

    if (p->method == NULL || !method_ok(p->method))
        return lnt_fail(err, LNT_ERR_INVALID, "request method: expected 1 to %d upper-case letters",
                        METHOD_MAX);
    if (p->path == NULL || !path_ok(p->path))
        return lnt_fail(err, LNT_ERR_INVALID,
                        "request path: expected '/' and up to %d printable characters, no query",
                        PATH_MAX_LEN);
    if (version == 2 && !text_ok(query, 0, LNT_REQSIG_QUERY_MAX))
        return lnt_fail(err, LNT_ERR_INVALID,
                        "query string: expected up to %d printable characters, no spaces",
                        LNT_REQSIG_QUERY_MAX);
    if (version == 2 && p->backlog != NULL && !text_ok(p->backlog, 0, LNT_REQSIG_BACKLOG_MAX))
        return lnt_fail(err, LNT_ERR_INVALID,
                        "%s: expected up to %d printable characters, no spaces", LNT_HDR_BACKLOG,
                        LNT_REQSIG_BACKLOG_MAX);
    if (p->body == NULL && p->len > 0)
        return lnt_fail(err, LNT_ERR_INVALID, "request body: NULL with a length of %zu", p->len);
    crypto_hash_sha256(digest, p->body != NULL ? p->body : empty, p->len);
    lnt_hex_encode(digest, sizeof digest, hex);
    if (version == 2)
        n = snprintf(msg, MSG_MAX, "LNT2-REQ\n%s\n%s\n%s\n%" PRId64 "\n%" PRId64 "\n%s\n%s",
                     p->method, p->path, query, kiosk_id, ts, p->backlog != NULL ? p->backlog : "",
                     hex);
    else
        n = snprintf(msg, MSG_MAX, "LNT1-REQ\n%s\n%s\n%" PRId64 "\n%" PRId64 "\n%s", p->method,
                     p->path, kiosk_id, ts, hex);
    if (n < 0 || n >= MSG_MAX)
        return lnt_fail(err, LNT_ERR_INTERNAL, "signed text does not fit %d bytes", MSG_MAX);
    *msg_len = (size_t)n;
    return LNT_OK;
}

/* Signs the text of `version`, writing base64 into `out` ("" on error). */
static enum lnt_err sign_version(int version, const uint8_t sk[LNT_SIGN_SK_LEN], int64_t kiosk_id,
                                 int64_t ts, const struct lnt_reqsig_parts *p,
                                 char out[LNT_REQSIG_B64_LEN])
{
    char msg[MSG_MAX];
    size_t msg_len = 0;
    uint8_t sig[crypto_sign_BYTES];
    enum lnt_err rc;

    out[0] = '\0';
    if (lnt_crypto_init() != LNT_OK)
        return LNT_ERR_CRYPTO;
    rc = signed_text(version, kiosk_id, ts, p, msg, &msg_len, NULL);
    if (rc != LNT_OK)
        return rc;
    if (crypto_sign_detached(sig, NULL, (const unsigned char *)msg, msg_len, sk) != 0)
        return LNT_ERR_CRYPTO;
    lnt_b64_encode(sig, sizeof sig, out);
    return LNT_OK;
}

/*
 * Signs a request with the kiosk's secret key, writing base64 into `out`.
 * LNT_ERR_INVALID for a bad method or path, LNT_ERR_CRYPTO when libsodium
 * cannot start; `out` is an empty string on error.
 */
enum lnt_err lnt_reqsig_sign(const uint8_t sk[LNT_SIGN_SK_LEN], int64_t kiosk_id, int64_t ts,
                             const char *method, const char *path, const void *body, size_t len,
                             char out[LNT_REQSIG_B64_LEN])
{
    struct lnt_reqsig_parts p = {method, path, NULL, NULL, body, len};

    return sign_version(1, sk, kiosk_id, ts, &p, out);
}

enum lnt_err lnt_reqsig_sign2(const uint8_t sk[LNT_SIGN_SK_LEN], int64_t kiosk_id, int64_t ts,
                              const struct lnt_reqsig_parts *parts, char out[LNT_REQSIG_B64_LEN])
{
    return sign_version(2, sk, kiosk_id, ts, parts, out);
}

/*
 * The signature is checked before the clock, so that only the holder of the
 * kiosk's key learns that its clock is off (and by how much); anyone else gets
 * LNT_ERR_BAD_SIGNATURE.
 */
static enum lnt_err verify_version(int version, const uint8_t pk[LNT_SIGN_PK_LEN], int64_t kiosk_id,
                                   int64_t ts, int64_t now, const struct lnt_reqsig_parts *p,
                                   const char *sig_b64, char *err)
{
    char msg[MSG_MAX];
    size_t msg_len = 0;
    uint8_t sig[crypto_sign_BYTES + 3];
    size_t sig_len = 0;
    uint64_t off;
    enum lnt_err rc;

    if (lnt_crypto_init() != LNT_OK)
        return lnt_fail(err, LNT_ERR_CRYPTO, "libsodium did not start");
    if (sig_b64 == NULL || sig_b64[0] == '\0')
        return lnt_fail(err, LNT_ERR_BAD_SIGNATURE, "%s: missing", LNT_HDR_SIGNATURE);
    if (strnlen(sig_b64, LNT_REQSIG_B64_LEN) >= LNT_REQSIG_B64_LEN)
        return lnt_fail(err, LNT_ERR_BAD_SIGNATURE, "%s: longer than %d characters",
                        LNT_HDR_SIGNATURE, LNT_REQSIG_B64_LEN - 1);
    rc = lnt_b64_decode(sig_b64, sig, sizeof sig, &sig_len);
    if (rc != LNT_OK)
        return lnt_fail(err, LNT_ERR_BAD_SIGNATURE, "%s: not valid base64", LNT_HDR_SIGNATURE);
    if (sig_len != crypto_sign_BYTES)
        return lnt_fail(err, LNT_ERR_BAD_SIGNATURE, "%s: %zu bytes, expected %d", LNT_HDR_SIGNATURE,
                        sig_len, crypto_sign_BYTES);
    rc = signed_text(version, kiosk_id, ts, p, msg, &msg_len, err);
    if (rc != LNT_OK)
        return lnt_fail_prefix(err, LNT_ERR_BAD_SIGNATURE, "cannot check the signature: ");
    if (crypto_sign_verify_detached(sig, (const unsigned char *)msg, msg_len, pk) != 0)
        return lnt_fail(err, LNT_ERR_BAD_SIGNATURE,
                        "%s: does not match this request and kiosk %" PRId64, LNT_HDR_SIGNATURE,
                        kiosk_id);
    /* Unsigned arithmetic: the distance between any two int64 values fits in uint64. */
    off = ts > now ? (uint64_t)ts - (uint64_t)now : (uint64_t)now - (uint64_t)ts;
    if (off > LNT_REQSIG_MAX_SKEW)
        return lnt_fail(err, LNT_ERR_EXPIRED,
                        "%s: %" PRIu64 " s %s the server's clock (at most %d s allowed)",
                        LNT_HDR_TIME, off, ts > now ? "ahead of" : "behind", LNT_REQSIG_MAX_SKEW);
    return LNT_OK;
}

enum lnt_err lnt_reqsig_verify(const uint8_t pk[LNT_SIGN_PK_LEN], int64_t kiosk_id, int64_t ts,
                               int64_t now, const char *method, const char *path, const void *body,
                               size_t len, const char *sig_b64, char *err)
{
    struct lnt_reqsig_parts p = {method, path, NULL, NULL, body, len};

    return verify_version(1, pk, kiosk_id, ts, now, &p, sig_b64, err);
}

enum lnt_err lnt_reqsig_verify2(const uint8_t pk[LNT_SIGN_PK_LEN], int64_t kiosk_id, int64_t ts,
                                int64_t now, const struct lnt_reqsig_parts *parts,
                                const char *sig_b64, char *err)
{
    return verify_version(2, pk, kiosk_id, ts, now, parts, sig_b64, err);
}

enum lnt_err lnt_reqsig_headers_parse(const char *kiosk, const char *time, const char *sig,
                                      const char *version, struct lnt_reqsig_headers *out,
                                      char *err)
{
    enum lnt_err rc = LNT_OK;

    memset(out, 0, sizeof *out);
    if (kiosk == NULL || time == NULL || sig == NULL) {
        rc =
            lnt_fail(err, LNT_ERR_BAD_SIGNATURE, "missing header %s: kiosk requests must be signed",
                     kiosk == NULL  ? LNT_HDR_KIOSK
                     : time == NULL ? LNT_HDR_TIME
                                    : LNT_HDR_SIGNATURE);
        goto out;
    }
    if (lnt_parse_i64(kiosk, 1, INT64_MAX, &out->kiosk_id) != LNT_OK) {
        rc = lnt_fail(err, LNT_ERR_BAD_SIGNATURE,
                      "header %s: expected a kiosk id (a positive integer)", LNT_HDR_KIOSK);
        goto out;
    }
    if (lnt_parse_i64(time, 0, LNT_REQSIG_TIME_MAX, &out->ts) != LNT_OK) {
        rc = lnt_fail(err, LNT_ERR_BAD_SIGNATURE, "header %s: expected unix seconds", LNT_HDR_TIME);
        goto out;
    }
    if (strnlen(sig, LNT_REQSIG_B64_LEN) >= LNT_REQSIG_B64_LEN) {
        rc = lnt_fail(err, LNT_ERR_BAD_SIGNATURE, "header %s: expected a base64 Ed25519 signature",
                      LNT_HDR_SIGNATURE);
        goto out;
    }
    if (version != NULL && strcmp(version, "2") != 0) {
        rc = lnt_fail(err, LNT_ERR_BAD_SIGNATURE,
                      "header %s: expected 2 (or no header, for version 1)", LNT_HDR_SIG_VERSION);
        goto out;
    }
    out->sig = sig;
    out->version = version != NULL ? 2 : 1;
out:
    if (rc != LNT_OK)
        memset(out, 0, sizeof *out);
    return rc;
}
