/* cose.h - COSE_Sign1 (RFC 9052) with EdDSA/Ed25519, and the CBOR building and bounded decoding
 * the badge relies on. */
#ifndef LNT_COSE_H
#define LNT_COSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cbor.h>

#include "err.h"

#define LNT_COSE_TAG_SIGN1 18
#define LNT_COSE_ALG_EDDSA (-8)
#define LNT_COSE_KID_LEN 4
#define LNT_COSE_SIG_LEN 64
#define LNT_COSE_MAX_PROTECTED 32
#define LNT_COSE_MAX_PAYLOAD 256
/* Deepest nesting any of our structures needs is 4; anything deeper is hostile. */
#define LNT_CBOR_MAX_DEPTH 8

/* A decoded COSE_Sign1. Copies, not views: it owns nothing and needs no release. */
struct lnt_cose_sign1 {
    uint8_t protected_hdr[LNT_COSE_MAX_PROTECTED]; /* the bstr's bytes exactly as received */
    size_t protected_len;
    uint8_t kid[LNT_COSE_KID_LEN];
    uint8_t payload[LNT_COSE_MAX_PAYLOAD];
    size_t payload_len;
    uint8_t sig[LNT_COSE_SIG_LEN];
};

/*
 * Writes tag 18 [ <<{1: -8, 4: kid}>>, {}, payload, signature ] into `out` of
 * `max` bytes and its length to *out_len. The signature is Ed25519 by `sk`
 * (libsodium's 64-byte secret key) over Sig_structure "Signature1" with empty
 * external_aad. LNT_ERR_TOO_LARGE when it does not fit, LNT_ERR_NOMEM or
 * LNT_ERR_CRYPTO otherwise; *out_len is 0 on error.
 */
enum lnt_err lnt_cose_sign1_encode(const uint8_t *payload, size_t n,
                                   const uint8_t kid[LNT_COSE_KID_LEN], const uint8_t sk[64],
                                   uint8_t *out, size_t max, size_t *out_len, char *err);

/*
 * Parses a COSE_Sign1 (tagged 18 or untagged) whose protected header is exactly
 * {1: -8, 4: bstr of LNT_COSE_KID_LEN}. Checks structure only: nothing in it is
 * authentic until lnt_cose_sign1_verify says so. LNT_ERR_INVALID with a message
 * on any deviation; *out is zeroed then.
 */
enum lnt_err lnt_cose_sign1_decode(const uint8_t *in, size_t n, struct lnt_cose_sign1 *out,
                                   char *err);

/* LNT_OK when m->sig is a valid Ed25519 signature by `pk` over m's Sig_structure;
 * LNT_ERR_BAD_SIGNATURE otherwise. */
enum lnt_err lnt_cose_sign1_verify(const struct lnt_cose_sign1 *m, const uint8_t pk[32], char *err);

/*
 * Decodes exactly one CBOR item filling all `n` bytes. Before libcbor sees the
 * bytes they are checked to be well formed with definite lengths only, every
 * declared length within the input, nesting at most LNT_CBOR_MAX_DEPTH, and no
 * floats or simple values. (libcbor 0.8 also refuses tags it has no meaning
 * for, 6-20 among them; lnt_cose_sign1_decode reads tag 18 itself.) On success *out is a new
 * reference the caller must cbor_decref; on error it is NULL (LNT_ERR_INVALID, or LNT_ERR_NOMEM).
 */
enum lnt_err lnt_cbor_decode(const uint8_t *p, size_t n, cbor_item_t **out, char *err);

/* A new unsigned integer item of the shortest width for v (canonical encoding), or NULL. */
cbor_item_t *lnt_cbor_uint(uint64_t v);

/*
 * Building items: each takes over the caller's reference to `value` (and
 * `key`), releasing it whether or not the add succeeds, so that a chain of
 *     ok = lnt_cbor_put(map, lnt_cbor_uint(1), cbor_build_stringn(s, n)) && ...
 * leaks nothing. false when an item is NULL (a failed build) or the definite
 * array or map is full.
 */
bool lnt_cbor_push(cbor_item_t *array, cbor_item_t *value);
bool lnt_cbor_put(cbor_item_t *map, cbor_item_t *key, cbor_item_t *value);

/* Serialises `item` into `out` of `max` bytes. LNT_ERR_TOO_LARGE or LNT_ERR_NOMEM; *out_len is 0
 * then. */
enum lnt_err lnt_cbor_encode(const cbor_item_t *item, uint8_t *out, size_t max, size_t *out_len,
                             char *err);

#endif
