/* store_int.h - helpers shared by the store's backends; not part of the store interface. */
#ifndef LNT_STORE_INT_H
#define LNT_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Characters of an enrolment code without its dashes. */
#define LNT_ENROLL_CODE_CHARS 12
#define LNT_SHA256_LEN 32

/* A fresh random code, formatted "ABCD-EFGH-JKMN" from the unambiguous alphabet. */
void lnt_store_code_generate(char out[LNT_ENROLL_CODE_LEN + 1]);
/*
 * The normalised form of a code as typed: upper case, dashes (and spaces)
 * removed, exactly 12 characters of the alphabet. LNT_ERR_INVALID otherwise,
 * with `out` undefined.
 */
enum lnt_err lnt_store_code_normalise(const char *code, char out[LNT_ENROLL_CODE_CHARS + 1]);
/* SHA-256 of the normalised code: the only form a code is stored in. */
enum lnt_err lnt_store_code_hash(const char *code, uint8_t out[LNT_SHA256_LEN]);

void lnt_store_sha256(const void *p, size_t n, uint8_t out[LNT_SHA256_LEN]);
/* A new X25519 key pair for crypto_box_seal. */
void lnt_store_box_keygen(uint8_t pk[32], uint8_t sk[32]);
/* Overwrites secret bytes in a way the compiler keeps. */
void lnt_store_wipe(void *p, size_t n);

/* LNT_OK for 1-16 characters of [A-Z0-9-]; LNT_ERR_INVALID with a message otherwise. */
enum lnt_err lnt_store_scheme_name_check(const char *name, char *err);
/* LNT_OK for "" or exactly 16 digits. */
enum lnt_err lnt_store_sia_check(const char *sia, char *err);
/* LNT_OK for non-empty valid UTF-8 of at most max_bytes without control characters. */
enum lnt_err lnt_store_text_check(const char *what, const char *s, size_t max_bytes, char *err);

/* Base64url without padding (RFC 4648 section 5) of n bytes; out holds LNT_B64URL_LEN(n). */
#define LNT_B64URL_LEN(n) (((n)*4 + 2) / 3 + 1)
void lnt_store_b64url(const uint8_t *in, size_t n, char *out);
/*
 * Checks an email address as typed (1-254 bytes, one '@' with text either
 * side, no spaces or control characters) and writes it lower-cased to out
 * (LNT_EMAIL_MAX + 1 bytes). LNT_ERR_INVALID with a message otherwise.
 */
enum lnt_err lnt_store_email_norm(const char *email, char *out, char *err);
/* LNT_OK for a scope its role allows (see struct lnt_scope), LNT_ERR_INVALID otherwise. */
enum lnt_err lnt_store_scope_check(const struct lnt_scope *sc, char *err);

#endif
