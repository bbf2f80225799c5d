/* base45.c - RFC 9285 base45: two bytes become three characters of the QR alphanumeric set. */
#include "base45.h"

static const char alphabet[45] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* Value of a base45 character, or -1 when it is outside the alphabet. */
static int digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    switch (c) {
    case ' ':
        return 36;
    case '$':
        return 37;
    case '%':
        return 38;
    case '*':
        return 39;
    case '+':
        return 40;
    case '-':
        return 41;
    case '.':
        return 42;
    case '/':
        return 43;
    case ':':
        return 44;
    default:
        return -1;
    }
}

/* Writes nothing and returns LNT_ERR_TOO_LARGE when the text and its NUL do not fit. */
enum lnt_err lnt_base45_encode(const uint8_t *in, size_t n, char *out, size_t out_size)
{
    size_t o = 0;

    if (n > (SIZE_MAX - 1) / 2 || LNT_BASE45_LEN(n) + 1 > out_size)
        return LNT_ERR_TOO_LARGE;
    for (size_t i = 0; i + 1 < n; i += 2) {
        unsigned v = (unsigned)in[i] * 256u + in[i + 1];
        out[o++] = alphabet[v % 45];
        out[o++] = alphabet[(v / 45) % 45];
        out[o++] = alphabet[v / 2025];
    }
    if (n % 2) {
        unsigned v = in[n - 1];
        out[o++] = alphabet[v % 45];
        out[o++] = alphabet[v / 45];
    }
    out[o] = '\0';
    return LNT_OK;
}

/*
 * On error *out_len is 0 and `out` may hold a partial result. Groups are checked
 * against their ranges (65535 for three characters, 255 for a final two) so that
 * every byte string has exactly one encoding.
 */
enum lnt_err lnt_base45_decode(const char *in, size_t len, uint8_t *out, size_t max,
                               size_t *out_len)
{
    size_t o = 0;

    *out_len = 0;
    if (len % 3 == 1)
        return LNT_ERR_INVALID;
    if (len / 3 * 2 + (len % 3 == 2) > max)
        return LNT_ERR_TOO_LARGE;
    for (size_t i = 0; i < len; i += 3) {
        size_t group = len - i >= 3 ? 3 : 2;
        unsigned v = 0;
        unsigned scale = 1;

        for (size_t k = 0; k < group; k++) {
            int d = digit(in[i + k]);
            if (d < 0)
                return LNT_ERR_INVALID;
            v += (unsigned)d * scale;
            scale *= 45;
        }
        if (group == 3) {
            if (v > 0xffff)
                return LNT_ERR_INVALID;
            out[o++] = (uint8_t)(v >> 8);
            out[o++] = (uint8_t)(v & 0xff);
        } else {
            if (v > 0xff)
                return LNT_ERR_INVALID;
            out[o++] = (uint8_t)v;
        }
    }
    *out_len = o;
    return LNT_OK;
}
