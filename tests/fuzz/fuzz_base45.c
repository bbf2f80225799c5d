/*
 * fuzz_base45.c - fuzz target for the base45 decoder (common/wire/base45.c), which
 * reads the text of every badge QR code before anything else does.
 * Invariants, any of which failing aborts:
 *   - text that decodes re-encodes to exactly the same text (one encoding per byte string);
 *   - the decoded length is what the text length says, and a buffer one byte short is
 *     LNT_ERR_TOO_LARGE rather than a partial result;
 *   - refused text reports a length of 0;
 *   - the input taken as bytes encodes to LNT_BASE45_LEN characters of the alphabet and
 *     decodes back to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base45.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX 4096

static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

static void text_in(const uint8_t *data, size_t size)
{
    static uint8_t out[FUZZ_MAX];
    static char again[FUZZ_MAX * 2];
    size_t len = 0, len2 = 99;
    enum lnt_err rc;

    rc = lnt_base45_decode((const char *)data, size, out, sizeof out, &len);
    if (rc != LNT_OK) {
        if (len != 0 || (rc != LNT_ERR_INVALID && rc != LNT_ERR_TOO_LARGE))
            abort();
        return;
    }
    if (len != size / 3 * 2 + (size % 3 == 2))
        abort();
    if (lnt_base45_encode(out, len, again, sizeof again) != LNT_OK || strlen(again) != size ||
        memcmp(again, data, size) != 0)
        abort();
    if (len > 0 &&
        (lnt_base45_decode((const char *)data, size, out, len - 1, &len2) != LNT_ERR_TOO_LARGE ||
         len2 != 0))
        abort();
}

static void bytes_in(const uint8_t *data, size_t size)
{
    static char text[FUZZ_MAX * 2];
    static uint8_t back[FUZZ_MAX];
    size_t len = 0, tlen = LNT_BASE45_LEN(size);

    if (lnt_base45_encode(data, size, text, sizeof text) != LNT_OK || strlen(text) != tlen ||
        strspn(text, alphabet) != tlen)
        abort();
    /* exactly the room it needs, and one byte less */
    if (tlen > 0 && lnt_base45_encode(data, size, text, tlen) != LNT_ERR_TOO_LARGE)
        abort();
    if (lnt_base45_decode(text, tlen, back, sizeof back, &len) != LNT_OK || len != size ||
        memcmp(back, data, size) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX)
        return 0;
    text_in(data, size);
    bytes_in(data, size);
    return 0;
}
