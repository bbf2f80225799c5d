/* test_scan.c - the QR scanner on camera-like frames: sizes, contrast, noise, bounds. */
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

struct fixture {
    struct lnt_scanner *scanner;
    char text[320];      /* a badge-like QR text */
    struct lnt_image qr; /* `text` at 4 px per module */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    if (f == NULL || lnt_scanner_new(&f->scanner, NULL) != LNT_OK)
        return -1;
    /* Every base45 character, then more, to a typical badge length. */
    memcpy(f->text, "LNT1:", 5);
    for (size_t i = 0; i < 180; i++)
        f->text[5 + i] = base45_alphabet[(i * 11u) % 45u];
    f->text[185] = '\0';
    if (lnt_qr_render(f->text, 12, 4, 4, &f->qr, NULL, NULL) != LNT_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    lnt_image_release(&f->qr);
    lnt_scanner_free(f->scanner);
    free(f);
    return 0;
}

/* A w x h frame of `bg` with `img` pasted at (x, y). */
static void make_frame(struct lnt_image *frame, int w, int h, uint8_t bg,
                       const struct lnt_image *img, int x, int y)
{
    assert_int_equal(lnt_image_init(frame, w, h, bg), LNT_OK);
    for (int r = 0; r < img->h; r++)
        memcpy(frame->px + (size_t)(y + r) * frame->stride + (size_t)x,
               img->px + (size_t)r * img->stride, (size_t)img->w);
}

static void expect_text(struct fixture *f, const struct lnt_image *frame)
{
    char got[512];
    char err[LNT_ERRBUF_SIZE] = "";
    bool found = false;

    assert_int_equal(lnt_scanner_scan(f->scanner, frame, got, sizeof got, &found, err), LNT_OK);
    assert_true(found);
    assert_string_equal(got, f->text);
}

static void test_scan__empty_frame_finds_nothing(void **state)
{
    struct fixture *f = *state;
    struct lnt_image frame;
    char got[64] = "junk";
    char err[LNT_ERRBUF_SIZE] = "";
    bool found = true;

    assert_int_equal(lnt_image_init(&frame, 640, 480, 128), LNT_OK);
    assert_int_equal(lnt_scanner_scan(f->scanner, &frame, got, sizeof got, &found, err), LNT_OK);
    assert_false(found);
    assert_string_equal(got, "");
    lnt_image_release(&frame);
}

static void test_scan__finds_code_in_vga_frame(void **state)
{
    struct fixture *f = *state;
    struct lnt_image frame;

    assert_true(f->qr.w < 480);
    make_frame(&frame, 640, 480, 120, &f->qr, 100, 30);
    expect_text(f, &frame);

    /* The scanner is reused and keeps no cache: nothing, then the same code again. */
    struct lnt_image empty;
    char got[64];
    bool found = true;
    assert_int_equal(lnt_image_init(&empty, 640, 480, 120), LNT_OK);
    assert_int_equal(lnt_scanner_scan(f->scanner, &empty, got, sizeof got, &found, NULL), LNT_OK);
    assert_false(found);
    expect_text(f, &frame);
    expect_text(f, &frame);
    lnt_image_release(&empty);
    lnt_image_release(&frame);
}

static void test_scan__finds_code_in_hd_frame(void **state)
{
    struct fixture *f = *state;
    struct lnt_image frame;

    make_frame(&frame, 1280, 720, 90, &f->qr, 700, 250);
    expect_text(f, &frame);
    lnt_image_release(&frame);
}

static void test_scan__low_contrast(void **state)
{
    struct fixture *f = *state;
    struct lnt_image frame;

    make_frame(&frame, 640, 480, 130, &f->qr, 150, 40);
    /* Black to 90, white to 160: a dim kiosk corner under a warm light. */
    for (size_t i = 0; i < frame.stride * (size_t)frame.h; i++)
        frame.px[i] = (uint8_t)(90 + frame.px[i] * 70 / 255);
    expect_text(f, &frame);
    lnt_image_release(&frame);
}

static void test_scan__small_faint_code_gets_the_thorough_look(void **state)
{
    struct fixture *f = *state;
    struct lnt_image small, frame;

    /* 3 px per module and a contrast of 50 grey levels: the quick look (every third line) misses
     * it; the frame's edges earn it the thorough look, which finds it. */
    assert_int_equal(lnt_qr_render(f->text, 12, 3, 4, &small, NULL, NULL), LNT_OK);
    make_frame(&frame, 640, 480, 255, &small, 200, 100);
    for (size_t i = 0; i < frame.stride * (size_t)frame.h; i++)
        frame.px[i] = (uint8_t)(110 + frame.px[i] * 50 / 255);
    expect_text(f, &frame);
    lnt_image_release(&frame);
    lnt_image_release(&small);
}

static void test_scan__noisy_frame(void **state)
{
    struct fixture *f = *state;
    struct lnt_image frame;
    uint32_t s = 12345;

    make_frame(&frame, 640, 480, 110, &f->qr, 60, 60);
    for (size_t i = 0; i < frame.stride * (size_t)frame.h; i++) {
        int v;
        s = s * 1664525u + 1013904223u;
        v = frame.px[i] + (int)(s >> 27) * 4 - 60; /* -60 .. +64 */
        frame.px[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
    expect_text(f, &frame);
    lnt_image_release(&frame);
}

static void test_scan__padded_rows(void **state)
{
    struct fixture *f = *state;
    struct lnt_image frame, padded;

    make_frame(&frame, 640, 480, 120, &f->qr, 100, 30);
    /* The same pixels with 64 bytes of garbage at the end of every row. */
    padded.w = frame.w;
    padded.h = frame.h;
    padded.stride = (size_t)frame.w + 64;
    padded.px = malloc(padded.stride * (size_t)padded.h);
    assert_non_null(padded.px);
    for (int y = 0; y < frame.h; y++) {
        memcpy(padded.px + (size_t)y * padded.stride, frame.px + (size_t)y * frame.stride,
               (size_t)frame.w);
        memset(padded.px + (size_t)y * padded.stride + (size_t)frame.w, y & 1 ? 0 : 255, 64);
    }
    expect_text(f, &padded);
    free(padded.px);
    lnt_image_release(&frame);
}

static void test_scan__output_too_small(void **state)
{
    struct fixture *f = *state;
    struct lnt_image frame;
    char got[185]; /* the text is 185 characters: no room for the NUL */
    char err[LNT_ERRBUF_SIZE] = "";
    bool found = true;

    make_frame(&frame, 640, 480, 120, &f->qr, 100, 30);
    assert_int_equal(lnt_scanner_scan(f->scanner, &frame, got, sizeof got, &found, err),
                     LNT_ERR_TOO_LARGE);
    assert_false(found);
    assert_non_null(strstr(err, "185 bytes"));
    lnt_image_release(&frame);
}

static void test_scan__every_base45_character(void **state)
{
    struct fixture *f = *state;
    struct lnt_image qr, frame;
    char text[64], got[128];
    bool found = false;

    snprintf(text, sizeof text, "LNT1:%s", base45_alphabet);
    assert_int_equal(lnt_qr_render(text, 12, 4, 4, &qr, NULL, NULL), LNT_OK);
    make_frame(&frame, 640, 480, 120, &qr, 200, 100);
    assert_int_equal(lnt_scanner_scan(f->scanner, &frame, got, sizeof got, &found, NULL), LNT_OK);
    assert_true(found);
    assert_int_equal(strlen(got), strlen(text));
    assert_memory_equal(got, text, strlen(text) + 1);
    lnt_image_release(&frame);
    lnt_image_release(&qr);
}

static void test_scan__bytes_come_back_raw(void **state)
{
    struct fixture *f = *state;
    struct lnt_image qr, frame;
    /* Latin-1 bytes: a charset-guessing decoder would hand back UTF-8 instead. */
    const char text[] = "caf\xe9 \xa3"
                        "5 \xff";
    char got[64];
    bool found = false;

    assert_int_equal(lnt_qr_render(text, 12, 4, 4, &qr, NULL, NULL), LNT_OK);
    make_frame(&frame, 640, 480, 120, &qr, 200, 100);
    assert_int_equal(lnt_scanner_scan(f->scanner, &frame, got, sizeof got, &found, NULL), LNT_OK);
    assert_true(found);
    assert_int_equal(strlen(got), strlen(text));
    assert_memory_equal(got, text, sizeof text);
    lnt_image_release(&frame);
    lnt_image_release(&qr);
}

static void test_scan__bad_frame_is_refused(void **state)
{
    struct fixture *f = *state;
    uint8_t px[4] = {0};
    struct lnt_image frame = {.w = 4, .h = 1, .stride = 2, .px = px};
    char got[16];
    char err[LNT_ERRBUF_SIZE] = "";
    bool found = true;

    assert_int_equal(lnt_scanner_scan(f->scanner, &frame, got, sizeof got, &found, err),
                     LNT_ERR_INVALID);
    assert_false(found);
    frame.px = NULL;
    frame.stride = 4;
    assert_int_equal(lnt_scanner_scan(f->scanner, &frame, got, sizeof got, &found, err),
                     LNT_ERR_INVALID);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_scan__empty_frame_finds_nothing),
        T(test_scan__finds_code_in_vga_frame),
        T(test_scan__finds_code_in_hd_frame),
        T(test_scan__low_contrast),
        T(test_scan__small_faint_code_gets_the_thorough_look),
        T(test_scan__noisy_frame),
        T(test_scan__padded_rows),
        T(test_scan__output_too_small),
        T(test_scan__every_base45_character),
        T(test_scan__bytes_come_back_raw),
        T(test_scan__bad_frame_is_refused),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
