/* test_base45.c - RFC 9285 base45: the RFC's examples, damaged text, round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base45.h"
#include "codec.h"

static void check_pair(const char *bytes, const char *text)
{
    char enc[64];
    uint8_t dec[64];
    size_t n = 0;

    assert_int_equal(lnt_base45_encode((const uint8_t *)bytes, strlen(bytes), enc, sizeof enc),
                     LNT_OK);
    assert_string_equal(enc, text);
    assert_int_equal(strlen(enc), LNT_BASE45_LEN(strlen(bytes)));
    assert_int_equal(lnt_base45_decode(text, strlen(text), dec, sizeof dec, &n), LNT_OK);
    assert_int_equal(n, strlen(bytes));
    assert_memory_equal(dec, bytes, n);
}

static void test_base45__rfc9285_examples(void **state)
{
    (void)state;
    check_pair("AB", "BB8");
    check_pair("Hello!!", "%69 VD92EX0");
    check_pair("base-45", "UJCLQE7W581");
    check_pair("ietf!", "QED8WEX0");
}

static void test_base45__empty_input(void **state)
{
    char enc[4] = "xyz";
    uint8_t dec[4];
    size_t n = 99;

    (void)state;
    assert_int_equal(lnt_base45_encode(NULL, 0, enc, sizeof enc), LNT_OK);
    assert_string_equal(enc, "");
    assert_int_equal(lnt_base45_decode("", 0, dec, sizeof dec, &n), LNT_OK);
    assert_int_equal(n, 0);
}

static void test_base45__rejects_characters_outside_alphabet(void **state)
{
    static const char *const bad[] = {"bb8", "BB#", "B=8", "QED8WEX\n", "ABC\0EF", "%69 VD92EX_"};
    uint8_t dec[16];
    size_t n = 99;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t len = i == 4 ? 6 : strlen(bad[i]);
        if (len % 3 == 1)
            len--; /* keep the length valid so the character is what fails */
        assert_int_equal(lnt_base45_decode(bad[i], len, dec, sizeof dec, &n), LNT_ERR_INVALID);
        assert_int_equal(n, 0);
    }
}

static void test_base45__rejects_dangling_character(void **state)
{
    uint8_t dec[16];
    size_t n = 99;

    (void)state;
    assert_int_equal(lnt_base45_decode("BB8A", 4, dec, sizeof dec, &n), LNT_ERR_INVALID);
    assert_int_equal(lnt_base45_decode("A", 1, dec, sizeof dec, &n), LNT_ERR_INVALID);
    assert_int_equal(n, 0);
}

static void test_base45__rejects_group_over_range(void **state)
{
    uint8_t dec[16];
    size_t n = 99;

    (void)state;
    /* GGW = 16 + 16*45 + 32*2025 = 65536 */
    assert_int_equal(lnt_base45_decode("GGW", 3, dec, sizeof dec, &n), LNT_ERR_INVALID);
    /* FGW = 65535 is the largest group */
    assert_int_equal(lnt_base45_decode("FGW", 3, dec, sizeof dec, &n), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(dec[0], 0xff);
    assert_int_equal(dec[1], 0xff);
    /* A final pair over 255: "::" = 44 + 44*45 */
    assert_int_equal(lnt_base45_decode("BB8::", 5, dec, sizeof dec, &n), LNT_ERR_INVALID);
    assert_int_equal(lnt_base45_decode("U5", 2, dec, sizeof dec, &n), LNT_OK); /* 30+5*45=255 */
    assert_int_equal(dec[0], 0xff);
    assert_int_equal(lnt_base45_decode("V5", 2, dec, sizeof dec, &n), LNT_ERR_INVALID);
}

static void test_base45__bounds_are_enforced(void **state)
{
    char enc[4];
    uint8_t dec[1];
    size_t n = 99;

    (void)state;
    /* "AB" needs 3 characters plus the NUL */
    assert_int_equal(lnt_base45_encode((const uint8_t *)"AB", 2, enc, 3), LNT_ERR_TOO_LARGE);
    assert_int_equal(lnt_base45_encode((const uint8_t *)"AB", 2, enc, 4), LNT_OK);
    assert_int_equal(lnt_base45_decode("BB8", 3, dec, sizeof dec, &n), LNT_ERR_TOO_LARGE);
    assert_int_equal(n, 0);
}

static void test_base45__round_trips_random_lengths(void **state)
{
    uint8_t in[300];
    uint8_t back[300];
    char text[LNT_BASE45_LEN(300) + 1];
    size_t n = 0;

    (void)state;
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    for (size_t len = 0; len <= sizeof in; len++) {
        lnt_random(in, len);
        if (len >= 2) { /* make sure the extremes are hit too */
            in[0] = 0xff;
            in[1] = 0xff;
        }
        assert_int_equal(lnt_base45_encode(in, len, text, sizeof text), LNT_OK);
        assert_int_equal(strlen(text), LNT_BASE45_LEN(len));
        assert_int_equal(lnt_base45_decode(text, strlen(text), back, sizeof back, &n), LNT_OK);
        assert_int_equal(n, len);
        if (len > 0)
            assert_memory_equal(back, in, len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base45__rfc9285_examples),
        cmocka_unit_test(test_base45__empty_input),
        cmocka_unit_test(test_base45__rejects_characters_outside_alphabet),
        cmocka_unit_test(test_base45__rejects_dangling_character),
        cmocka_unit_test(test_base45__rejects_group_over_range),
        cmocka_unit_test(test_base45__bounds_are_enforced),
        cmocka_unit_test(test_base45__round_trips_random_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
