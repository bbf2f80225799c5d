/* base45.h - RFC 9285 base45, the QR-alphanumeric-safe encoding of bytes. */
#ifndef LNT_BASE45_H
#define LNT_BASE45_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Text length (without NUL) for n bytes. */
#define LNT_BASE45_LEN(n) (((n) / 2) * 3 + ((n) % 2) * 2)

/* Encodes n bytes into `out` of `out_size` bytes (NUL-terminated). LNT_ERR_TOO_LARGE if it does not
 * fit. */
enum lnt_err lnt_base45_encode(const uint8_t *in, size_t n, char *out, size_t out_size);
/* Decodes `len` characters into at most `max` bytes. LNT_ERR_INVALID for characters outside
 * the alphabet, a dangling single character, or a group over 65535; LNT_ERR_TOO_LARGE over max. */
enum lnt_err lnt_base45_decode(const char *in, size_t len, uint8_t *out, size_t max,
                               size_t *out_len);

#endif
