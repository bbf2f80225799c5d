/*
 * test_badge_fuzz.c - runs the badge fuzz target (tests/fuzz/fuzz_badge.c) over deterministic
 * mutations of real badges in the ordinary suite, so hostile QR text and hostile signed claims
 * are exercised under ASan/UBSan on every `make test`, not only in fuzzing campaigns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "badge.h"
#include "buf.h"
#include "base45.h"
#include "codec.h"
#include "cose.h"
#include "ltime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

/* A door badge signed by the fuzz target's fixed key (seed 01..20). */
static void issue(char *text, size_t size)
{
    struct lnt_signing_key k;
    struct lnt_badge_claims c;
    uint8_t seed[32];
    char err[LNT_ERRBUF_SIZE];

    for (int i = 0; i < 32; i++)
        seed[i] = (uint8_t)(i + 1);
    assert_int_equal(crypto_sign_seed_keypair(k.pk, k.sk, seed), 0);
    lnt_badge_kid(k.pk, k.kid);
    memset(&c, 0, sizeof c);
    lnt_str_copy(c.issuer, sizeof c.issuer, "WTN");
    lnt_str_copy(c.subject, sizeof c.subject, "4242");
    for (int i = 0; i < LNT_SERIAL_LEN; i++)
        c.serial[i] = (uint8_t)(0x10 + i);
    c.issued_at = INT64_C(1795730463) - 86400;
    c.expires_at = c.issued_at + 300 * 86400;
    lnt_str_copy(c.name, sizeof c.name, "Dee Okafor");
    c.role = LNT_ROLE_DOOR;
    c.venue = 7;
    lnt_str_copy(c.sia_number, sizeof c.sia_number, "0123456789012345");
    assert_int_equal(lnt_date_parse("2028-01-31", &c.sia_expires), LNT_OK);
    c.n_courses = 2;
    c.courses[0] = (struct lnt_badge_course){LNT_COURSE_WAVE, 21000};
    c.courses[1] = (struct lnt_badge_course){LNT_COURSE_ANGELA, 0};
    assert_int_equal(lnt_badge_issue(&c, &k, text, size, err), LNT_OK);
}

static void mutate(uint8_t *p, size_t *n, size_t max)
{
    switch (next() % 5) {
    case 0: /* flip a bit */
        p[next() % *n] ^= (uint8_t)(1u << (next() % 8));
        break;
    case 1: /* set a byte to an interesting value */
        p[next() % *n] = (uint8_t)((const uint8_t[]){0x00, 0xff, 0x7f, 0x80, 0x1f, 0x9f, 0xbf,
                                                     0xdf}[next() % 8]);
        break;
    case 2: /* truncate */
        *n = 1 + next() % *n;
        break;
    case 3: /* duplicate a run */
        if (*n < max / 2) {
            size_t at = next() % *n, len = 1 + next() % (*n - at);
            memmove(p + at + len, p + at, *n - at);
            *n += len;
        }
        break;
    default: /* delete a byte */
        if (*n > 1) {
            size_t at = next() % *n;
            memmove(p + at, p + at + 1, *n - at - 1);
            (*n)--;
        }
        break;
    }
}

static void test_badge_fuzz__mutated_qr_text_never_crashes(void **state)
{
    char text[LNT_BADGE_MAX_TEXT + 1];
    uint8_t buf[1024];
    (void)state;

    issue(text, sizeof text);
    buf[0] = 0;
    memcpy(buf + 1, text, strlen(text));
    /* The unmutated badge goes through the target too (valid path). */
    assert_int_equal(LLVMFuzzerTestOneInput(buf, strlen(text) + 1), 0);
    for (int i = 0; i < 3000; i++) {
        size_t n = strlen(text);
        memcpy(buf + 1, text, n);
        for (int m = 1 + (int)(next() % 3); m > 0; m--)
            mutate(buf + 1, &n, sizeof buf - 1);
        assert_int_equal(LLVMFuzzerTestOneInput(buf, n + 1), 0);
    }
}

static void test_badge_fuzz__mutated_signed_claims_never_crash(void **state)
{
    char text[LNT_BADGE_MAX_TEXT + 1];
    uint8_t cose[512];
    size_t cose_len = 0;
    struct lnt_cose_sign1 m;
    uint8_t buf[512];
    (void)state;

    issue(text, sizeof text);
    assert_int_equal(lnt_base45_decode(text + 5, strlen(text) - 5, cose, sizeof cose, &cose_len),
                     LNT_OK);
    assert_int_equal(lnt_cose_sign1_decode(cose, cose_len, &m, NULL), LNT_OK);
    buf[0] = 1;
    memcpy(buf + 1, m.payload, m.payload_len);
    assert_int_equal(LLVMFuzzerTestOneInput(buf, m.payload_len + 1), 0);
    for (int i = 0; i < 3000; i++) {
        size_t n = m.payload_len;
        memcpy(buf + 1, m.payload, n);
        for (int k = 1 + (int)(next() % 3); k > 0; k--)
            mutate(buf + 1, &n, 200);
        assert_int_equal(LLVMFuzzerTestOneInput(buf, n + 1), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_badge_fuzz__mutated_qr_text_never_crashes),
        cmocka_unit_test(test_badge_fuzz__mutated_signed_claims_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
