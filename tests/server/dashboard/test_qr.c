/* test_qr.c - QR rendering, checked by decoding the result with the kiosk's scanner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "qr.h"
#include "scan.h"

static const char base45_alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* "LNT1:" + `n` base45 characters cycling through the alphabet, from `seed`. */
static void badge_text(char *out, size_t n, unsigned seed)
{
    memcpy(out, "LNT1:", 5);
    for (size_t i = 0; i < n; i++)
        out[5 + i] = base45_alphabet[(seed + i * 7u) % 45u];
    out[5 + n] = '\0';
}

static void decode(const struct lnt_image *img, char *out, size_t size)
{
    struct lnt_scanner *s = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    bool found = false;

    assert_int_equal(lnt_scanner_new(&s, err), LNT_OK);
    assert_int_equal(lnt_scanner_scan(s, img, out, size, &found, err), LNT_OK);
    assert_true(found);
    lnt_scanner_free(s);
}

static void test_qr__decodes_back_to_text(void **state)
{
    char text[64], got[512];
    struct lnt_image img;
    char err[LNT_ERRBUF_SIZE] = "";
    int version = 0;

    (void)state;
    badge_text(text, 40, 3);
    assert_int_equal(lnt_qr_render(text, 12, 4, 4, &img, &version, err), LNT_OK);
    assert_in_range(version, 1, 12);
    decode(&img, got, sizeof got);
    assert_string_equal(got, text);
    lnt_image_release(&img);

    /* Lower case is kept (not folded to alphanumeric upper case). */
    assert_int_equal(lnt_qr_render("https://lantern.example/k?c=Ab9", 12, 3, 4, &img, NULL, err),
                     LNT_OK);
    decode(&img, got, sizeof got);
    assert_string_equal(got, "https://lantern.example/k?c=Ab9");
    lnt_image_release(&img);
}

static void test_qr__image_size_follows_version(void **state)
{
    struct lnt_image img;
    char err[LNT_ERRBUF_SIZE] = "";
    int version = 0;

    (void)state;
    assert_int_equal(lnt_qr_render("LNT1:ABC", 12, 3, 4, &img, &version, err), LNT_OK);
    assert_int_equal(version, 1);
    assert_int_equal(img.w, (17 + 4 * 1 + 2 * 4) * 3);
    assert_int_equal(img.h, img.w);
    /* Quiet zone white, top-left finder pattern's corner black. */
    for (int x = 0; x < 4 * 3; x++)
        assert_int_equal(img.px[(size_t)x * img.stride + (size_t)x], 255);
    assert_int_equal(img.px[(size_t)(4 * 3) * img.stride + 4 * 3], 0);
    lnt_image_release(&img);

    char text[320];
    badge_text(text, 200, 1);
    for (int px = 1; px <= 5; px += 2) {
        for (int quiet = 0; quiet <= 4; quiet += 4) {
            assert_int_equal(lnt_qr_render(text, 40, px, quiet, &img, &version, err), LNT_OK);
            assert_int_equal(img.w, (17 + 4 * version + 2 * quiet) * px);
            assert_int_equal(img.h, img.w);
            lnt_image_release(&img);
        }
    }
}

static void test_qr__largest_badge_fits_version_12(void **state)
{
    char text[300], got[512];
    struct lnt_image img;
    char err[LNT_ERRBUF_SIZE] = "";
    int version = 0;

    (void)state;
    badge_text(text, 291, 11); /* 296 characters in all */
    assert_int_equal(strlen(text), 296);
    assert_int_equal(lnt_qr_render(text, 12, 4, 4, &img, &version, err), LNT_OK);
    assert_int_equal(version, 12);
    decode(&img, got, sizeof got);
    assert_string_equal(got, text);
    lnt_image_release(&img);
}

static void test_qr__too_long_is_refused(void **state)
{
    char text[420];
    struct lnt_image img;
    char err[LNT_ERRBUF_SIZE] = "";
    int version = -1;

    (void)state;
    badge_text(text, 395, 5); /* 400 characters */
    assert_int_equal(lnt_qr_render(text, 12, 4, 4, &img, &version, err), LNT_ERR_TOO_LARGE);
    assert_non_null(strstr(err, "needs QR version 15, at most 12 allowed"));
    assert_null(img.px);
    assert_int_equal(version, -1);

    /* One character over version 12's capacity is already too many. */
    badge_text(text, 292, 5);
    assert_int_equal(lnt_qr_render(text, 12, 4, 4, &img, NULL, err), LNT_ERR_TOO_LARGE);
    assert_non_null(strstr(err, "needs QR version 13, at most 12 allowed"));
}

static void test_qr__bad_arguments(void **state)
{
    struct lnt_image img;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    assert_int_equal(lnt_qr_render("", 12, 4, 4, &img, NULL, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_qr_render("A", 0, 4, 4, &img, NULL, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_qr_render("A", 41, 4, 4, &img, NULL, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_qr_render("A", 12, 0, 4, &img, NULL, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_qr_render("A", 12, 4, -1, &img, NULL, err), LNT_ERR_INVALID);
    /* An image over the size limit is refused, not allocated. */
    assert_int_equal(lnt_qr_render("A", 12, 1000, 4, &img, NULL, err), LNT_ERR_TOO_LARGE);
    assert_null(img.px);

    /* More text than any QR code holds is refused before encoding. */
    char *big = malloc(20001);
    assert_non_null(big);
    memset(big, '7', 20000);
    big[20000] = '\0';
    assert_int_equal(lnt_qr_render(big, 40, 1, 4, &img, NULL, err), LNT_ERR_TOO_LARGE);
    assert_non_null(strstr(err, "over 7089 characters"));
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qr__decodes_back_to_text),
        cmocka_unit_test(test_qr__image_size_follows_version),
        cmocka_unit_test(test_qr__largest_badge_fits_version_12),
        cmocka_unit_test(test_qr__too_long_is_refused),
        cmocka_unit_test(test_qr__bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
