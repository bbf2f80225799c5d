/* test_base.c - errors, bounded buffers, time and text codecs in common/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>

#include "buf.h"
#include "codec.h"
#include "err.h"
#include "ltime.h"

static void test_base__fail_formats_and_prefixes(void **state)
{
    char err[LNT_ERRBUF_SIZE];
    (void)state;
    assert_int_equal(lnt_fail(err, LNT_ERR_INVALID, "field `%s`: expected a string", "name"),
                     LNT_ERR_INVALID);
    assert_string_equal(err, "field `name`: expected a string");
    assert_int_equal(lnt_fail_prefix(err, LNT_ERR_INVALID, "event %d: ", 17), LNT_ERR_INVALID);
    assert_string_equal(err, "event 17: field `name`: expected a string");
    assert_int_equal(lnt_fail(NULL, LNT_ERR_IO, "ignored"), LNT_ERR_IO);
    assert_string_equal(lnt_strerror(LNT_ERR_NOMEM), "out of memory");
    assert_string_equal(lnt_strerror((enum lnt_err)999), "unknown error");
}

static void test_base__long_messages_are_truncated_not_overrun(void **state)
{
    char err[LNT_ERRBUF_SIZE + 8];
    char big[600];
    (void)state;
    memset(err, 'Z', sizeof err);
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    lnt_fail(err, LNT_ERR_INVALID, "%s", big);
    assert_int_equal(strlen(err), LNT_ERRBUF_SIZE - 1);
    lnt_fail_prefix(err, LNT_ERR_INVALID, "prefix: ");
    assert_int_equal(strlen(err), LNT_ERRBUF_SIZE - 1);
    assert_memory_equal(err, "prefix: xxx", 11);
    assert_int_equal(err[LNT_ERRBUF_SIZE], 'Z');
}

static void test_base__buf_respects_its_cap(void **state)
{
    struct lnt_buf b;
    (void)state;
    lnt_buf_init(&b, 10);
    assert_int_equal(lnt_buf_puts(&b, "hello"), LNT_OK);
    assert_int_equal(lnt_buf_printf(&b, "%d", 1234), LNT_OK);
    assert_string_equal(b.data, "hello1234");
    assert_int_equal(lnt_buf_puts(&b, "ab"), LNT_ERR_TOO_LARGE);
    assert_string_equal(b.data, "hello1234"); /* unchanged on failure */
    assert_int_equal(lnt_buf_printf(&b, "%s", "xy"), LNT_ERR_TOO_LARGE);
    assert_int_equal(lnt_buf_puts(&b, "!"), LNT_OK);
    assert_int_equal(b.len, 10);
    lnt_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    lnt_buf_release(&b);
}

/* JSON strings are written as jansson writes them (the wire's canonical form), and jansson reads
 * them back to the same text: every control character, quotes, backslashes, UTF-8, DEL. */
static void test_base__json_strings_match_jansson(void **state)
{
    static const char *const texts[] = {"",
                                        "plain",
                                        "say \"hi\"",
                                        "back\\slash",
                                        "tab\there",
                                        "line\nbreak\r\n",
                                        "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x8d\xba",
                                        "del\x7f",
                                        "</script>"};
    char ctl[40];
    struct lnt_buf b;
    (void)state;

    for (int c = 1; c < 0x20; c++) /* every control character, once each */
        ctl[c - 1] = (char)c;
    ctl[0x1f] = '\0';
    lnt_buf_init(&b, 4096);
    for (size_t i = 0; i <= sizeof texts / sizeof texts[0]; i++) {
        const char *s = i < sizeof texts / sizeof texts[0] ? texts[i] : ctl;
        json_t *j = json_string(s);
        char *want = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
        json_t *back;

        lnt_buf_reset(&b);
        assert_int_equal(lnt_buf_put_json_str(&b, s), LNT_OK);
        assert_string_equal(b.data, want);
        back = json_loads(b.data, JSON_DECODE_ANY, NULL);
        assert_non_null(back);
        assert_string_equal(json_string_value(back), s);
        json_decref(back);
        free(want);
        json_decref(j);
    }
    lnt_buf_release(&b);
}

/* A string that does not fit leaves the buffer as it was. */
static void test_base__json_string_over_the_cap_changes_nothing(void **state)
{
    struct lnt_buf b;
    (void)state;

    lnt_buf_init(&b, 12);
    assert_int_equal(lnt_buf_puts(&b, "{\"a\":"), LNT_OK);
    assert_int_equal(lnt_buf_put_json_str(&b, "a\nb"), LNT_OK); /* "a\nb" is 6 bytes */
    assert_string_equal(b.data, "{\"a\":\"a\\nb\"");
    lnt_buf_truncate(&b, 5);
    assert_int_equal(lnt_buf_put_json_str(&b, "\x01\x02"), LNT_ERR_TOO_LARGE);
    assert_string_equal(b.data, "{\"a\":");
    lnt_buf_release(&b);
}

static void test_base__str_copy_and_parse(void **state)
{
    char small[4];
    int64_t v = 42;
    (void)state;
    assert_int_equal(lnt_str_copy(small, sizeof small, "abc"), LNT_OK);
    assert_int_equal(lnt_str_copy(small, sizeof small, "abcd"), LNT_ERR_TOO_LARGE);
    assert_string_equal(small, "abc");
    assert_int_equal(lnt_parse_i64("123", 0, 1000, &v), LNT_OK);
    assert_int_equal(v, 123);
    assert_int_equal(lnt_parse_i64("-5", -10, 10, &v), LNT_OK);
    assert_int_equal(v, -5);
    assert_int_equal(lnt_parse_i64("12x", 0, 1000, &v), LNT_ERR_INVALID);
    assert_int_equal(lnt_parse_i64(" 12", 0, 1000, &v), LNT_ERR_INVALID);
    assert_int_equal(lnt_parse_i64("", 0, 1000, &v), LNT_ERR_INVALID);
    assert_int_equal(lnt_parse_i64("1001", 0, 1000, &v), LNT_ERR_INVALID);
    assert_int_equal(lnt_parse_i64("99999999999999999999", 0, INT64_MAX, &v), LNT_ERR_INVALID);
    assert_int_equal(v, -5);
}

static void test_base__rfc3339_round_trip_and_offsets(void **state)
{
    char s[LNT_TIME_STRLEN];
    int64_t t = 0;
    (void)state;
    assert_int_equal(lnt_time_parse("2026-11-26T22:01:03Z", &t), LNT_OK);
    assert_int_equal(t, 1795730463);
    assert_int_equal(lnt_time_format(t, s), LNT_OK);
    assert_string_equal(s, "2026-11-26T22:01:03Z");
    assert_int_equal(lnt_time_parse("2026-11-26T23:01:03.999+01:00", &t), LNT_OK);
    assert_int_equal(t, 1795730463);
    assert_int_equal(lnt_time_parse("1970-01-01T00:00:00Z", &t), LNT_OK);
    assert_int_equal(t, 0);
    assert_int_equal(lnt_time_parse("2024-02-29T00:00:00Z", &t), LNT_OK);
    assert_int_equal(lnt_time_parse("2023-02-29T00:00:00Z", &t), LNT_ERR_INVALID);
    assert_int_equal(lnt_time_parse("2026-11-26 22:01:03Z", &t), LNT_ERR_INVALID);
    assert_int_equal(lnt_time_parse("2026-11-26T22:01:03", &t), LNT_ERR_INVALID);
    assert_int_equal(lnt_time_parse("2026-11-26T24:00:00Z", &t), LNT_ERR_INVALID);
    assert_int_equal(lnt_time_parse("2026-11-26T22:01:03Zjunk", &t), LNT_ERR_INVALID);
    assert_int_equal(lnt_time_format(-1, s), LNT_OK);
    assert_string_equal(s, "1969-12-31T23:59:59Z");
    /* the first and last seconds RFC 3339 can write, and either side of them */
    assert_int_equal(lnt_time_format(INT64_C(-62135596800), s), LNT_OK);
    assert_string_equal(s, "0001-01-01T00:00:00Z");
    assert_int_equal(lnt_time_format(INT64_C(253402300799), s), LNT_OK);
    assert_string_equal(s, "9999-12-31T23:59:59Z");
    assert_int_equal(lnt_time_format(INT64_C(-62135596801), s), LNT_ERR_INVALID);
    assert_string_equal(s, "");
    assert_int_equal(lnt_time_format(INT64_C(253402300800), s), LNT_ERR_INVALID);
    assert_string_equal(s, "");
}

static void test_base__dates(void **state)
{
    char s[LNT_DATE_STRLEN];
    int32_t d = 0;
    (void)state;
    assert_int_equal(lnt_date_parse("2027-05-01", &d), LNT_OK);
    assert_int_equal(lnt_date_format(d, s), LNT_OK);
    assert_string_equal(s, "2027-05-01");
    assert_int_equal(lnt_date_format(lnt_days_from_civil(1, 1, 1), s), LNT_OK);
    assert_string_equal(s, "0001-01-01");
    assert_int_equal(lnt_date_format(lnt_days_from_civil(1, 1, 1) - 1, s), LNT_ERR_INVALID);
    assert_string_equal(s, "");
    assert_int_equal(lnt_date_parse("1970-01-02", &d), LNT_OK);
    assert_int_equal(d, 1);
    assert_int_equal(lnt_date_of(86399), 0);
    assert_int_equal(lnt_date_of(-1), -1);
    assert_int_equal(lnt_date_parse("2027-13-01", &d), LNT_ERR_INVALID);
    assert_int_equal(lnt_date_parse("2027-5-01", &d), LNT_ERR_INVALID);
    /* every day for 400 years round-trips */
    for (int32_t day = -1000; day < 146097; day += 7) {
        int y, m, dd;
        lnt_civil_from_days(day, &y, &m, &dd);
        assert_int_equal(lnt_days_from_civil(y, m, dd), day);
    }
}

static void test_base__hex_and_base64(void **state)
{
    const uint8_t bytes[] = {0x00, 0x01, 0xab, 0xff};
    char hex[LNT_HEX_LEN(4)];
    char b64[LNT_B64_LEN(4)];
    uint8_t back[8];
    size_t n = 0;
    char uuid[37];
    (void)state;
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    lnt_hex_encode(bytes, 4, hex);
    assert_string_equal(hex, "0001abff");
    assert_int_equal(lnt_hex_decode("0001ABFF", back, 4), LNT_OK);
    assert_memory_equal(back, bytes, 4);
    assert_int_equal(lnt_hex_decode("0001ab", back, 4), LNT_ERR_INVALID);
    assert_int_equal(lnt_hex_decode("0001abzz", back, 4), LNT_ERR_INVALID);
    lnt_b64_encode(bytes, 4, b64);
    assert_string_equal(b64, "AAGr/w==");
    assert_int_equal(lnt_b64_decode(b64, back, sizeof back, &n), LNT_OK);
    assert_int_equal(n, 4);
    assert_memory_equal(back, bytes, 4);
    assert_int_equal(lnt_b64_decode("AAGr/w=", back, sizeof back, &n), LNT_ERR_INVALID);
    assert_int_equal(lnt_b64_decode("AAG*/w==", back, sizeof back, &n), LNT_ERR_INVALID);
    assert_int_equal(lnt_b64_decode("AAGr/wAAGr/w", back, 4, &n), LNT_ERR_TOO_LARGE);
    lnt_uuid4(uuid);
    assert_int_equal(strlen(uuid), 36);
    assert_int_equal(uuid[14], '4');
    assert_true(strchr("89ab", uuid[19]) != NULL);
}

static void test_base__uuid7_sorts_by_time(void **state)
{
    char a[37], b[37], c[37];
    (void)state;

    /* 2026-11-26T22:01:03.250Z: its milliseconds are the first 48 bits */
    lnt_uuid7(INT64_C(1795730463250), a);
    assert_int_equal(strlen(a), 36);
    assert_true(strncmp(a, "01a219e0-5a12-7", 15) == 0);
    assert_true(strchr("89ab", a[19]) != NULL);
    assert_int_equal(a[8], '-');
    assert_int_equal(a[23], '-');
    /* a millisecond later sorts later, whatever the random bits */
    for (int i = 0; i < 100; i++) {
        lnt_uuid7(INT64_C(1795730463250), b);
        lnt_uuid7(INT64_C(1795730463251), c);
        assert_true(strcmp(b, c) < 0);
        assert_true(strcmp(a, c) < 0);
    }
    /* the same millisecond twice still gives two ids */
    assert_string_not_equal(a, b);
    /* out-of-range times are clamped, never wrapped */
    lnt_uuid7(-5, b);
    assert_true(strncmp(b, "00000000-0000-7", 15) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base__fail_formats_and_prefixes),
        cmocka_unit_test(test_base__uuid7_sorts_by_time),
        cmocka_unit_test(test_base__long_messages_are_truncated_not_overrun),
        cmocka_unit_test(test_base__buf_respects_its_cap),
        cmocka_unit_test(test_base__str_copy_and_parse),
        cmocka_unit_test(test_base__json_strings_match_jansson),
        cmocka_unit_test(test_base__json_string_over_the_cap_changes_nothing),
        cmocka_unit_test(test_base__rfc3339_round_trip_and_offsets),
        cmocka_unit_test(test_base__dates),
        cmocka_unit_test(test_base__hex_and_base64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
