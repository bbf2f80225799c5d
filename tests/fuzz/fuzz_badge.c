/*
 * fuzz_badge.c - libFuzzer target for badge verification, the parser every kiosk runs on
 * whatever a camera sees. Two ways in, chosen by the first input byte:
 *   even: the rest is QR text, verified as the kiosk would;
 *   odd:  the rest is a claims payload, wrapped in a COSE_Sign1 signed by the trusted key,
 *         so the fuzzer reaches the claims parser that sits behind the signature check.
 * Invariants: never crash; a refusal leaves the output claims all zero; a valid badge has
 * text fields that are NUL-terminated within their bounds.
 *
 * The ctest fuzz_badge replays tests/fuzz/corpus/badge/ with it; `scripts/fuzz badge`
 * runs it under libFuzzer (docs/reliability.md). tests/common/test_badge_fuzz.c also runs
 * this function over deterministic mutations in the ordinary suite.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "badge.h"
#include "base45.h"
#include "codec.h"
#include "cose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lnt_signing_key key;
static struct lnt_trusted_key trusted;
static int ready;

static void setup(void)
{
    uint8_t seed[32];
    if (ready)
        return;
    if (lnt_crypto_init() != LNT_OK)
        abort();
    for (int i = 0; i < 32; i++)
        seed[i] = (uint8_t)(i + 1);
    /* A fixed key, so that crashes reproduce. */
    if (crypto_sign_seed_keypair(key.pk, key.sk, seed) != 0)
        abort();
    lnt_badge_kid(key.pk, key.kid);
    memcpy(trusted.kid, key.kid, LNT_KID_LEN);
    memcpy(trusted.pk, key.pk, LNT_SIGN_PK_LEN);
    ready = 1;
}

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0)
            return 0;
    return 1;
}

static void check(const char *text)
{
    static const uint8_t revoked[1][LNT_SERIAL_LEN] = {{1, 2, 3, 4, 5, 6, 7, 8}};
    struct lnt_trust trust = {
        .scheme = "WTN", .keys = &trusted, .n_keys = 1, .revoked = revoked, .n_revoked = 1};
    struct lnt_badge_claims out;
    char err[LNT_ERRBUF_SIZE];
    enum lnt_badge_reason r;

    memset(&out, 0xa5, sizeof out);
    r = lnt_badge_verify(text, &trust, INT64_C(1795730463), &out, err);
    if ((unsigned)r >= LNT_BADGE__COUNT)
        abort();
    if (r != LNT_BADGE_VALID) {
        if (!all_zero(&out, sizeof out))
            abort();
        return;
    }
    if (memchr(out.issuer, 0, sizeof out.issuer) == NULL ||
        memchr(out.subject, 0, sizeof out.subject) == NULL ||
        memchr(out.name, 0, sizeof out.name) == NULL ||
        memchr(out.sia_number, 0, sizeof out.sia_number) == NULL ||
        out.n_courses > LNT_BADGE_MAX_COURSES)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[1024];
    uint8_t cose[512];
    size_t cose_len = 0;

    setup();
    if (size == 0)
        return 0;
    if ((data[0] & 1) == 0) {
        size_t n = size - 1 < sizeof text - 1 ? size - 1 : sizeof text - 1;
        memcpy(text, data + 1, n);
        text[n] = '\0';
        check(text);
        return 0;
    }
    if (lnt_cose_sign1_encode(data + 1, size - 1, key.kid, key.sk, cose, sizeof cose, &cose_len,
                              NULL) != LNT_OK)
        return 0;
    memcpy(text, LNT_BADGE_PREFIX, 5);
    if (lnt_base45_encode(cose, cose_len, text + 5, sizeof text - 5) != LNT_OK)
        return 0;
    check(text);
    return 0;
}
