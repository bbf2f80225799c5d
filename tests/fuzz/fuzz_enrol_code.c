/*
 * fuzz_enrol_code.c - fuzz target for enrolment codes: the kiosk's check of a
 * code scanned from an "LNTE:" QR code or given with --enroll
 * (lnt_sync_code_valid, kiosk/sync/sync.c) and the server's normalisation of the
 * code a kiosk sends (lnt_store_code_normalise and lnt_store_code_hash,
 * server/store/store.c), which decides which stored code it redeems.
 * Invariants, any of which failing aborts:
 *   - a code the kiosk accepts is 1..LNT_ENROLL_CODE_MAX letters, digits and dashes;
 *   - a code the server accepts normalises to 12 characters of the code alphabet, the
 *     same again when normalised again, when typed in lower case, and when written the
 *     way lanternctl prints codes ("ABCD-EFGH-JKMN"), which the kiosk accepts too;
 *   - it hashes as its normal form does; a code that does not normalise has no hash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "sync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX 256
#define QR_PREFIX "LNTE:" /* kiosk/kiosk.h: what an enrolment QR code starts with */

static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

static void kiosk_side(const char *code)
{
    size_t n = strlen(code);

    if (!lnt_sync_code_valid(code))
        return;
    if (n < 1 || n > LNT_ENROLL_CODE_MAX ||
        strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") != n)
        abort();
}

static void server_side(const char *code)
{
    char norm[LNT_ENROLL_CODE_CHARS + 1], again[LNT_ENROLL_CODE_CHARS + 1];
    char lower[FUZZ_MAX + 1], printed[LNT_ENROLL_CODE_LEN + 1];
    uint8_t h1[LNT_SHA256_LEN], h2[LNT_SHA256_LEN];
    size_t o = 0;

    if (lnt_store_code_normalise(code, norm) != LNT_OK) {
        if (lnt_store_code_hash(code, h1) != LNT_ERR_INVALID)
            abort();
        return;
    }
    if (strlen(norm) != LNT_ENROLL_CODE_CHARS || strspn(norm, alphabet) != LNT_ENROLL_CODE_CHARS)
        abort();
    if (lnt_store_code_normalise(norm, again) != LNT_OK || strcmp(again, norm) != 0)
        abort();
    for (size_t i = 0; code[i] != '\0'; i++)
        lower[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] - 'A' + 'a' : code[i]);
    lower[strlen(code)] = '\0';
    if (lnt_store_code_normalise(lower, again) != LNT_OK || strcmp(again, norm) != 0)
        abort();
    for (int i = 0; i < LNT_ENROLL_CODE_CHARS; i++) {
        if (i > 0 && i % 4 == 0)
            printed[o++] = '-';
        printed[o++] = norm[i];
    }
    printed[o] = '\0';
    if (!lnt_sync_code_valid(printed) || lnt_store_code_normalise(printed, again) != LNT_OK ||
        strcmp(again, norm) != 0)
        abort();
    if (lnt_store_code_hash(code, h1) != LNT_OK || lnt_store_code_hash(norm, h2) != LNT_OK ||
        memcmp(h1, h2, sizeof h1) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[FUZZ_MAX + 1];
    const char *code = text;

    if (size > FUZZ_MAX)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    /* as the kiosk takes a scanned QR text: the code follows the prefix */
    if (strncmp(text, QR_PREFIX, strlen(QR_PREFIX)) == 0)
        code += strlen(QR_PREFIX);
    kiosk_side(code);
    server_side(code);
    return 0;
}
