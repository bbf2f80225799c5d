/* test_image.c - grey images and PNG reading/writing, including damaged files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <png.h>

#include "image.h"
#include "support.h"

struct fixture {
    char *dir;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    if (f == NULL)
        return -1;
    f->dir = lnt_test_tmpdir();
    if (f->dir == NULL) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    lnt_test_rmrf(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* A path in the fixture's directory; static storage, one at a time is enough here. */
static const char *tmp_path(void **state, const char *name)
{
    static char path[4096];
    struct fixture *f = *state;

    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    return path;
}

static bool file_exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *fp = fopen(path, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(p, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
}

static uint8_t *read_bytes(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    uint8_t *p;
    long len;

    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    len = ftell(fp);
    assert_true(len > 0);
    rewind(fp);
    p = malloc((size_t)len);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)len, fp), (size_t)len);
    fclose(fp);
    *n = (size_t)len;
    return p;
}

/*
 * Writes a PNG of any colour type and bit depth with plain libpng, so the
 * reader is tested against files it did not write itself. `rows` is packed
 * as libpng expects for that type and depth.
 */
static int write_raw_png(const char *path, int w, int h, int color, int depth, const uint8_t *data,
                         size_t rowbytes, const png_color *palette, int npalette)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    FILE *fp = fopen(path, "wb");

    if (png == NULL || info == NULL || fp == NULL)
        return -1;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        fclose(fp);
        return -1;
    }
    png_init_io(png, fp);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, color, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (palette != NULL)
        png_set_PLTE(png, info, palette, npalette);
    png_write_info(png, info);
    for (int y = 0; y < h; y++)
        png_write_row(png, data + (size_t)y * rowbytes);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return fclose(fp);
}

/* A deterministic, badly compressible grey test card. */
static void fill_pattern(struct lnt_image *img, uint32_t seed)
{
    uint32_t s = seed;

    for (int y = 0; y < img->h; y++)
        for (int x = 0; x < img->w; x++) {
            s = s * 1664525u + 1013904223u;
            img->px[(size_t)y * img->stride + (size_t)x] = (uint8_t)(s >> 24);
        }
}

static void test_image__init_bounds(void **state)
{
    struct lnt_image img;

    (void)state;
    assert_int_equal(lnt_image_init(&img, 3, 2, 7), LNT_OK);
    assert_int_equal(img.w, 3);
    assert_int_equal(img.h, 2);
    assert_true(img.stride >= 3);
    for (int i = 0; i < 6; i++)
        assert_int_equal(img.px[i], 7);
    lnt_image_release(&img);
    assert_null(img.px);
    lnt_image_release(&img); /* twice is harmless */

    assert_int_equal(lnt_image_init(&img, 0, 10, 0), LNT_ERR_INVALID);
    assert_null(img.px);
    assert_int_equal(lnt_image_init(&img, LNT_IMAGE_MAX_DIM + 1, 1, 0), LNT_ERR_TOO_LARGE);
    assert_null(img.px);
}

static void test_image__grey_round_trip(void **state)
{
    const char *path = tmp_path(state, "grey.png");
    struct lnt_image img, back;
    char err[LNT_ERRBUF_SIZE] = "";
    char tmp[4200];

    assert_int_equal(lnt_image_init(&img, 37, 23, 0), LNT_OK);
    fill_pattern(&img, 1);
    img.px[0] = 0;
    img.px[1] = 255;
    assert_int_equal(lnt_image_write_png(path, &img, err), LNT_OK);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    assert_false(file_exists(tmp));

    assert_int_equal(lnt_image_read_png(path, &back, err), LNT_OK);
    assert_int_equal(back.w, 37);
    assert_int_equal(back.h, 23);
    for (int y = 0; y < img.h; y++)
        assert_memory_equal(back.px + (size_t)y * back.stride, img.px + (size_t)y * img.stride, 37);
    lnt_image_release(&back);

    /* Overwriting replaces the file as a whole. */
    fill_pattern(&img, 2);
    assert_int_equal(lnt_image_write_png(path, &img, err), LNT_OK);
    assert_int_equal(lnt_image_read_png(path, &back, err), LNT_OK);
    assert_memory_equal(back.px, img.px, 37 * 23);
    lnt_image_release(&back);
    lnt_image_release(&img);
}

static void test_image__write_respects_stride(void **state)
{
    const char *path = tmp_path(state, "stride.png");
    uint8_t px[2 * 8] = {1, 2, 3, 99, 99, 99, 99, 99, 4, 5, 6, 99, 99, 99, 99, 99};
    struct lnt_image img = {.w = 3, .h = 2, .stride = 8, .px = px};
    struct lnt_image back;
    const uint8_t want[6] = {1, 2, 3, 4, 5, 6};

    assert_int_equal(lnt_image_write_png(path, &img, NULL), LNT_OK);
    assert_int_equal(lnt_image_read_png(path, &back, NULL), LNT_OK);
    assert_int_equal(back.w, 3);
    assert_int_equal(back.h, 2);
    assert_memory_equal(back.px, want, 3);
    assert_memory_equal(back.px + back.stride, want + 3, 3);
    lnt_image_release(&back);
}

static void test_image__rgb_becomes_grey(void **state)
{
    const char *path = tmp_path(state, "rgb.png");
    /* white, black, red, green, blue, mid grey */
    const uint8_t rgb[18] = {255, 255, 255, 0, 0, 0,   255, 0,   0,
                             0,   255, 0,   0, 0, 255, 128, 128, 128};
    struct lnt_image back;
    char err[LNT_ERRBUF_SIZE] = "";

    assert_int_equal(lnt_image_write_png_rgb(path, 6, 1, rgb, sizeof rgb, err), LNT_OK);
    assert_int_equal(lnt_image_read_png(path, &back, err), LNT_OK);
    assert_int_equal(back.w, 6);
    assert_int_equal(back.h, 1);
    assert_int_equal(back.px[0], 255);
    assert_int_equal(back.px[1], 0);
    /* Luminance weights: green is by far the brightest primary, blue the darkest. */
    assert_in_range(back.px[2], 45, 80);
    assert_in_range(back.px[3], 140, 190);
    assert_in_range(back.px[4], 10, 30);
    assert_in_range(back.px[5], 126, 130);
    lnt_image_release(&back);
}

static void test_image__rgba_composited_on_white(void **state)
{
    const char *path = tmp_path(state, "rgba.png");
    /* opaque black, transparent black, half-transparent black, opaque white */
    const uint8_t rgba[16] = {0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 128, 255, 255, 255, 255};
    struct lnt_image back;
    char err[LNT_ERRBUF_SIZE] = "";

    assert_int_equal(write_raw_png(path, 4, 1, PNG_COLOR_TYPE_RGBA, 8, rgba, sizeof rgba, NULL, 0),
                     0);
    assert_int_equal(lnt_image_read_png(path, &back, err), LNT_OK);
    assert_int_equal(back.w, 4);
    assert_int_equal(back.px[0], 0);
    assert_int_equal(back.px[1], 255);
    assert_in_range(back.px[2], 125, 129);
    assert_int_equal(back.px[3], 255);
    lnt_image_release(&back);
}

static void test_image__other_depths_and_palettes(void **state)
{
    struct lnt_image back;
    char err[LNT_ERRBUF_SIZE] = "";

    /* 16-bit grey: the high byte survives. */
    const uint8_t g16[6] = {0x00, 0x00, 0x80, 0x01, 0xff, 0xff};
    assert_int_equal(write_raw_png(tmp_path(state, "g16.png"), 3, 1, PNG_COLOR_TYPE_GRAY, 16, g16,
                                   sizeof g16, NULL, 0),
                     0);
    assert_int_equal(lnt_image_read_png(tmp_path(state, "g16.png"), &back, err), LNT_OK);
    assert_int_equal(back.px[0], 0);
    assert_int_equal(back.px[1], 0x80);
    assert_int_equal(back.px[2], 0xff);
    lnt_image_release(&back);

    /* 1-bit grey, as a plain black-and-white QR file often is: 0b10100000 -> 255, 0, 255, 0. */
    const uint8_t g1[1] = {0xa0};
    assert_int_equal(
        write_raw_png(tmp_path(state, "g1.png"), 4, 1, PNG_COLOR_TYPE_GRAY, 1, g1, 1, NULL, 0), 0);
    assert_int_equal(lnt_image_read_png(tmp_path(state, "g1.png"), &back, err), LNT_OK);
    const uint8_t want1[4] = {255, 0, 255, 0};
    assert_int_equal(back.w, 4);
    assert_memory_equal(back.px, want1, 4);
    lnt_image_release(&back);

    /* A palette of black and white. */
    const png_color pal[2] = {{0, 0, 0}, {255, 255, 255}};
    const uint8_t idx[3] = {1, 0, 1};
    assert_int_equal(write_raw_png(tmp_path(state, "pal.png"), 3, 1, PNG_COLOR_TYPE_PALETTE, 8, idx,
                                   sizeof idx, pal, 2),
                     0);
    assert_int_equal(lnt_image_read_png(tmp_path(state, "pal.png"), &back, err), LNT_OK);
    const uint8_t wantp[3] = {255, 0, 255};
    assert_memory_equal(back.px, wantp, 3);
    lnt_image_release(&back);
}

static void test_image__missing_file_is_io(void **state)
{
    struct lnt_image back = {.w = 5};
    char err[LNT_ERRBUF_SIZE] = "";

    assert_int_equal(lnt_image_read_png(tmp_path(state, "nope.png"), &back, err), LNT_ERR_IO);
    assert_non_null(strstr(err, "nope.png"));
    assert_null(back.px);
    assert_int_equal(back.w, 0);
}

static void test_image__not_a_png_is_invalid(void **state)
{
    const char *path = tmp_path(state, "text.png");
    const char text[] = "this is not a picture of anything at all\n";
    struct lnt_image back;
    char err[LNT_ERRBUF_SIZE] = "";

    write_bytes(path, text, sizeof text - 1);
    assert_int_equal(lnt_image_read_png(path, &back, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "not a PNG"));
    assert_null(back.px);

    write_bytes(path, "", 0);
    assert_int_equal(lnt_image_read_png(path, &back, err), LNT_ERR_INVALID);
    assert_null(back.px);
}

static void test_image__truncated_is_invalid(void **state)
{
    const char *path = tmp_path(state, "cut.png");
    struct lnt_image img, back;
    char err[LNT_ERRBUF_SIZE] = "";
    uint8_t *bytes;
    size_t n;

    assert_int_equal(lnt_image_init(&img, 64, 64, 0), LNT_OK);
    fill_pattern(&img, 3);
    assert_int_equal(lnt_image_write_png(path, &img, err), LNT_OK);
    lnt_image_release(&img);
    bytes = read_bytes(path, &n);

    /* Cut inside the pixel data, inside the header, and just before the end chunk. */
    const size_t cuts[] = {n / 2, 20, 12, n - 12};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        write_bytes(path, bytes, cuts[i]);
        err[0] = '\0';
        assert_int_equal(lnt_image_read_png(path, &back, err), LNT_ERR_INVALID);
        assert_null(back.px);
        assert_true(err[0] != '\0');
    }
    free(bytes);
}

static void test_image__corrupt_data_is_invalid(void **state)
{
    const char *path = tmp_path(state, "bad.png");
    struct lnt_image img, back;
    char err[LNT_ERRBUF_SIZE] = "";
    uint8_t *bytes;
    size_t n;

    assert_int_equal(lnt_image_init(&img, 64, 64, 0), LNT_OK);
    fill_pattern(&img, 4);
    assert_int_equal(lnt_image_write_png(path, &img, err), LNT_OK);
    lnt_image_release(&img);
    bytes = read_bytes(path, &n);
    bytes[n / 2] ^= 0x5a; /* inside IDAT: the chunk's CRC no longer matches */
    write_bytes(path, bytes, n);
    assert_int_equal(lnt_image_read_png(path, &back, err), LNT_ERR_INVALID);
    assert_null(back.px);
    free(bytes);
}

static void test_image__oversized_is_too_large(void **state)
{
    const char *path = tmp_path(state, "wide.png");
    const int w = LNT_IMAGE_MAX_DIM + 8;
    uint8_t *row = calloc((size_t)w, 1);
    struct lnt_image back;
    char err[LNT_ERRBUF_SIZE] = "";

    assert_non_null(row);
    assert_int_equal(write_raw_png(path, w, 1, PNG_COLOR_TYPE_GRAY, 8, row, (size_t)w, NULL, 0), 0);
    free(row);
    assert_int_equal(lnt_image_read_png(path, &back, err), LNT_ERR_TOO_LARGE);
    assert_non_null(strstr(err, "8200x1"));
    assert_null(back.px);
}

static void test_image__write_failure_leaves_nothing(void **state)
{
    const char *path = tmp_path(state, "no/such/dir/out.png");
    struct lnt_image img;
    char err[LNT_ERRBUF_SIZE] = "";

    assert_int_equal(lnt_image_init(&img, 4, 4, 0), LNT_OK);
    assert_int_equal(lnt_image_write_png(path, &img, err), LNT_ERR_IO);
    assert_non_null(strstr(err, "out.png"));
    assert_false(file_exists(path));

    /* An image that is not one is refused before any file is made. */
    struct lnt_image bad = {.w = 4, .h = 4, .stride = 2, .px = img.px};
    path = tmp_path(state, "bad.png");
    assert_int_equal(lnt_image_write_png(path, &bad, err), LNT_ERR_INVALID);
    assert_false(file_exists(path));
    lnt_image_release(&img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_image__init_bounds),
        cmocka_unit_test_setup_teardown(test_image__grey_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image__write_respects_stride, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image__rgb_becomes_grey, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image__rgba_composited_on_white, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image__other_depths_and_palettes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image__missing_file_is_io, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image__not_a_png_is_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image__truncated_is_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image__corrupt_data_is_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image__oversized_is_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_image__write_failure_leaves_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
