/* codec.c - hex and base64 text encodings of bytes, randomness, UUIDs. */
#include "codec.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

void lnt_hex_encode(const uint8_t *in, size_t n, char *out)
{
    sodium_bin2hex(out, LNT_HEX_LEN(n), in, n);
}

enum lnt_err lnt_hex_decode(const char *hex, uint8_t *out, size_t n)
{
    size_t got = 0;
    const char *end = NULL;

    if (strlen(hex) != n * 2)
        return LNT_ERR_INVALID;
    if (sodium_hex2bin(out, n, hex, n * 2, NULL, &got, &end) != 0 || got != n || *end != '\0')
        return LNT_ERR_INVALID;
    return LNT_OK;
}

void lnt_b64_encode(const uint8_t *in, size_t n, char *out)
{
    sodium_bin2base64(out, LNT_B64_LEN(n), in, n, sodium_base64_VARIANT_ORIGINAL);
}

enum lnt_err lnt_b64_decode(const char *b64, uint8_t *out, size_t max, size_t *len)
{
    size_t tlen = strlen(b64);
    const char *end = NULL;

    if (tlen % 4 != 0)
        return LNT_ERR_INVALID;
    if (tlen / 4 * 3 > max + 2)
        return LNT_ERR_TOO_LARGE;
    if (sodium_base642bin(out, max, b64, tlen, NULL, len, &end, sodium_base64_VARIANT_ORIGINAL) !=
            0 ||
        *end != '\0')
        return tlen / 4 * 3 > max ? LNT_ERR_TOO_LARGE : LNT_ERR_INVALID;
    return LNT_OK;
}

void lnt_random(uint8_t *out, size_t n)
{
    randombytes_buf(out, n);
}

/* Sets the version nibble and the RFC variant bits, and writes the 8-4-4-4-12 text. */
static void uuid_text(uint8_t b[16], unsigned version, char out[37])
{
    char hex[33];

    b[6] = (uint8_t)((b[6] & 0x0f) | (version << 4));
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    sodium_bin2hex(hex, sizeof hex, b, 16);
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

void lnt_uuid4(char out[37])
{
    uint8_t b[16];

    randombytes_buf(b, sizeof b);
    uuid_text(b, 4, out);
}

void lnt_uuid7(int64_t unix_ms, char out[37])
{
    uint64_t ms = unix_ms < 0 ? 0 : (uint64_t)unix_ms & UINT64_C(0xffffffffffff);
    uint8_t b[16];

    for (int i = 0; i < 6; i++)
        b[i] = (uint8_t)(ms >> (40 - 8 * i));
    randombytes_buf(b + 6, sizeof b - 6);
    uuid_text(b, 7, out);
}

enum lnt_err lnt_crypto_init(void)
{
    return sodium_init() < 0 ? LNT_ERR_CRYPTO : LNT_OK;
}
