/* codec.h - hex and base64 text encodings of bytes (base64 via libsodium). */
#ifndef LNT_CODEC_H
#define LNT_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Size of the hex text (with NUL) for n bytes. */
#define LNT_HEX_LEN(n) ((n)*2 + 1)
/* Size of the standard padded base64 text (with NUL) for n bytes. */
#define LNT_B64_LEN(n) ((((n) + 2) / 3) * 4 + 1)

/* Lower-case hex. `out` holds LNT_HEX_LEN(n) bytes. */
void lnt_hex_encode(const uint8_t *in, size_t n, char *out);
/* Exactly `n` bytes from 2n hex digits (either case); LNT_ERR_INVALID otherwise. */
enum lnt_err lnt_hex_decode(const char *hex, uint8_t *out, size_t n);

/* Standard base64 with padding (RFC 4648 section 4). `out` holds LNT_B64_LEN(n). */
void lnt_b64_encode(const uint8_t *in, size_t n, char *out);
/*
 * Decodes standard padded base64 into at most `max` bytes, writing the count
 * to *len. LNT_ERR_INVALID on bad text, LNT_ERR_TOO_LARGE when over `max`.
 */
enum lnt_err lnt_b64_decode(const char *b64, uint8_t *out, size_t max, size_t *len);

/* Fills `out` with n bytes from the system's CSPRNG. */
void lnt_random(uint8_t *out, size_t n);
/* Random RFC 4122 version 4 UUID text, lower case, 36 characters plus NUL. */
void lnt_uuid4(char out[37]);
/*
 * RFC 9562 version 7 UUID text: `unix_ms` (milliseconds since the epoch,
 * clamped to 0..2^48-1) in the first 48 bits, then 74 random bits. Ids made
 * later sort later, so an index on them grows at its end (incident report
 * ids: the server's unique index on them stays append-mostly) while staying
 * as hard to guess as version 4's 122 random bits are for this use.
 */
void lnt_uuid7(int64_t unix_ms, char out[37]);

/* Must be called once before any crypto (calls sodium_init); safe to call again. */
enum lnt_err lnt_crypto_init(void);

#endif
