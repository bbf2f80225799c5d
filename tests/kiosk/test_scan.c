/* test_scan.c - the QR scanner on camera-like frames: sizes, contrast, noise, bounds, and the
 * finder look that keeps ZBar asleep on frames without a code. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "finder.h"
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

    /* 3 px per module and a contrast of 50 grey levels: a look along every third line misses it;
     * the finders earn it a look along every line of its box, which finds it. */
    assert_int_equal(lnt_qr_render(f->text, 12, 3, 4, &small, NULL, NULL), LNT_OK);
    make_frame(&frame, 640, 480, 255, &small, 200, 100);
    for (size_t i = 0; i < frame.stride * (size_t)frame.h; i++)
        frame.px[i] = (uint8_t)(110 + frame.px[i] * 50 / 255);
    expect_text(f, &frame);
    lnt_image_release(&frame);
    lnt_image_release(&small);
}

/* A bar's back wall: 160 blocks of every grey, 8 to 98 px wide, the same for the same seed. */
static void busy_frame(struct lnt_image *frame, uint32_t seed)
{
    uint32_t s = seed;

#define NEXT(n) ((s = s * 1664525u + 1013904223u), (int)((s >> 8) % (uint32_t)(n)))
    assert_int_equal(lnt_image_init(frame, 640, 480, 90), LNT_OK);
    for (int b = 0; b < 160; b++) {
        int w = 8 + NEXT(90), h = 8 + NEXT(120);
        int x0 = NEXT(640 - w), y0 = NEXT(480 - h);
        uint8_t g = (uint8_t)(20 + NEXT(220));
        for (int y = y0; y < y0 + h; y++)
            memset(frame->px + (size_t)y * frame->stride + (size_t)x0, g, (size_t)w);
    }
    /* Sensor noise, +-3. */
    for (size_t i = 0; i < frame->stride * (size_t)frame->h; i++) {
        int v = frame->px[i] + NEXT(7) - 3;
        frame->px[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
#undef NEXT
}

static void test_scan__busy_frames_without_a_code_never_wake_zbar(void **state)
{
    struct fixture *f = *state;
    struct lnt_scanner_stats st;
    struct lnt_finder_look look;
    char got[64];
    bool found = true;

    for (uint32_t seed = 1; seed <= 40; seed++) {
        struct lnt_image frame;
        busy_frame(&frame, seed);
        lnt_finder_look(&frame, &look);
        if (look.worth_decoding)
            fail_msg("busy frame %u: %zu paired finder-like places", (unsigned)seed, look.n_paired);
        assert_int_equal(lnt_scanner_scan(f->scanner, &frame, got, sizeof got, &found, NULL),
                         LNT_OK);
        assert_false(found);
        lnt_image_release(&frame);
    }
    lnt_scanner_stats(f->scanner, &st);
    assert_int_equal(st.frames, 40);
    assert_int_equal(st.skipped, 40);
    assert_int_equal(st.boxed + st.whole, 0);
}

static void test_scan__grainy_bare_wall_never_wakes_zbar(void **state)
{
    struct fixture *f = *state;
    struct lnt_scanner_stats st;
    uint32_t s = 99;

    /* A dim venue: the camera's gain up, grain of about 10, 20 and 30 grey levels. */
    for (int grain = 1; grain <= 3; grain++) {
        struct lnt_image frame;
        char got[64];
        bool found = true;
        assert_int_equal(lnt_image_init(&frame, 640, 480, 0), LNT_OK);
        for (int y = 0; y < frame.h; y++)
            for (int x = 0; x < frame.w; x++) {
                int v = 140 + x / 16 + y / 24;
                for (int k = 0; k < 4; k++) { /* four uniforms: near enough Gaussian */
                    s = s * 1664525u + 1013904223u;
                    v += ((int)(s >> 24) - 128) * grain * 10 / 148;
                }
                frame.px[(size_t)y * frame.stride + (size_t)x] = (uint8_t)(v < 0     ? 0
                                                                           : v > 255 ? 255
                                                                                     : v);
            }
        assert_int_equal(lnt_scanner_scan(f->scanner, &frame, got, sizeof got, &found, NULL),
                         LNT_OK);
        assert_false(found);
        lnt_image_release(&frame);
    }
    lnt_scanner_stats(f->scanner, &st);
    assert_int_equal(st.frames, 3);
    assert_int_equal(st.skipped, 3);
}

static void test_scan__small_badge_in_a_busy_frame_is_found(void **state)
{
    struct fixture *f = *state;
    struct lnt_scanner_stats st;
    struct lnt_image small;

    /* 3 px per module, held up in front of the shelves, in several places. */
    assert_int_equal(lnt_qr_render(f->text, 12, 3, 4, &small, NULL, NULL), LNT_OK);
    for (uint32_t seed = 1; seed <= 5; seed++) {
        struct lnt_image frame;
        int x = 20 + (int)seed * 70, y = 10 + (int)seed * 40;
        busy_frame(&frame, seed);
        for (int r = 0; r < small.h && y + r < frame.h; r++)
            memcpy(frame.px + (size_t)(y + r) * frame.stride + (size_t)x,
                   small.px + (size_t)r * small.stride, (size_t)small.w);
        expect_text(f, &frame);
        lnt_image_release(&frame);
    }
    lnt_scanner_stats(f->scanner, &st);
    assert_int_equal(st.frames, 5);
    assert_int_equal(st.skipped, 0);
    assert_int_equal(st.found, 5);
    /* Each was read in its box: the whole frame was never needed. */
    assert_int_equal(st.boxed, 5);
    assert_int_equal(st.whole, 0);
    lnt_image_release(&small);
}

static void test_scan__finder_look_finds_the_three_corners_and_the_box(void **state)
{
    struct fixture *f = *state;
    struct lnt_finder_look look;
    struct lnt_image frame;
    /* 4 px per module, 4 modules of margin: finder centres 4 + 3.5 modules in from each side. */
    const double in = 7.5 * 4, far = f->qr.w - 7.5 * 4;
    const double want[3][2] = {{100 + in, 30 + in}, {100 + far, 30 + in}, {100 + in, 30 + far}};

    make_frame(&frame, 640, 480, 120, &f->qr, 100, 30);
    lnt_finder_look(&frame, &look);
    assert_true(look.worth_decoding);
    assert_false(look.crowded);
    assert_int_equal(look.n_paired, 3);
    for (size_t k = 0; k < 3; k++) {
        bool seen = false;
        for (size_t i = 0; i < look.n_paired; i++)
            seen |= fabs(look.c[i].x - want[k][0]) < 3 && fabs(look.c[i].y - want[k][1]) < 3 &&
                    fabs(look.c[i].module - 4) < 1;
        if (!seen)
            fail_msg("no finder found near (%.0f, %.0f)", want[k][0], want[k][1]);
    }
    /* The box holds the whole code and little else. */
    assert_true(look.x0 <= 100 + 16 && look.y0 <= 30 + 16);
    assert_true(look.x1 >= 100 + f->qr.w - 16 && look.y1 >= 30 + f->qr.h - 16);
    assert_true((look.x1 - look.x0) * (look.y1 - look.y0) < 2 * f->qr.w * f->qr.h);
    lnt_image_release(&frame);
}

static void test_scan__one_finder_alone_is_not_worth_decoding(void **state)
{
    struct fixture *f = *state;
    struct lnt_finder_look look;
    struct lnt_image frame, corner;
    struct lnt_scanner_stats st;
    char got[64];
    bool found = true;

    /* The top-left 11 x 11 modules of the code: one finder and its surroundings. */
    corner = f->qr;
    corner.w = corner.h = 11 * 4 + 16;
    make_frame(&frame, 640, 480, 200, &corner, 300, 200);
    lnt_finder_look(&frame, &look);
    assert_true(look.n >= 1); /* it is seen */
    assert_int_equal(look.n_paired, 0);
    assert_false(look.worth_decoding);
    assert_int_equal(lnt_scanner_scan(f->scanner, &frame, got, sizeof got, &found, NULL), LNT_OK);
    assert_false(found);
    lnt_scanner_stats(f->scanner, &st);
    assert_int_equal(st.skipped, 1);
    lnt_image_release(&frame);
}

static void test_scan__two_badges_in_view_one_is_read(void **state)
{
    struct fixture *f = *state;
    struct lnt_scanner_stats st;
    struct lnt_image frame;

    /* Six finders: the box is built from the three that make one code's corner. */
    make_frame(&frame, 1280, 720, 150, &f->qr, 40, 100);
    for (int r = 0; r < f->qr.h; r++)
        memcpy(frame.px + (size_t)(300 + r) * frame.stride + 800,
               f->qr.px + (size_t)r * f->qr.stride, (size_t)f->qr.w);
    expect_text(f, &frame);
    lnt_scanner_stats(f->scanner, &st);
    assert_int_equal(st.boxed, 1);
    assert_int_equal(st.whole, 0);
    lnt_image_release(&frame);
}

static void test_scan__frames_too_small_for_a_code(void **state)
{
    struct fixture *f = *state;
    struct lnt_finder_look look;
    uint8_t px[8 * 8];
    struct lnt_image tiny = {.w = 8, .h = 8, .stride = 8, .px = px};
    char got[16];
    bool found = true;

    memset(px, 0, sizeof px);
    lnt_finder_look(&tiny, &look);
    assert_false(look.worth_decoding);
    assert_int_equal(look.x1, 8);
    assert_int_equal(lnt_scanner_scan(f->scanner, &tiny, got, sizeof got, &found, NULL), LNT_OK);
    assert_false(found);
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

static void test_scan__reading_a_badge_prints_nothing_on_stderr(void **state)
{
    struct fixture *f = *state;
    struct lnt_scanner *s = NULL;
    struct lnt_image frame;
    char got[512], said[256];
    bool found = false;
    int pipefd[2], saved;
    ssize_t n;

    /* libzbar, asked to, announces each code on the system bus and complains on stderr where there
     * is none. The kiosk starts a scanner and reads a badge: stderr stays empty. */
    make_frame(&frame, 640, 480, 120, &f->qr, 100, 30);
    fflush(stderr);
    assert_int_equal(pipe(pipefd), 0);
    saved = dup(2);
    assert_true(saved >= 0);
    assert_int_equal(dup2(pipefd[1], 2), 2);
    assert_int_equal(lnt_scanner_new(&s, NULL), LNT_OK);
    assert_int_equal(lnt_scanner_scan(s, &frame, got, sizeof got, &found, NULL), LNT_OK);
    lnt_scanner_free(s);
    fflush(stderr);
    assert_int_equal(dup2(saved, 2), 2);
    close(saved);
    close(pipefd[1]);
    n = read(pipefd[0], said, sizeof said - 1);
    close(pipefd[0]);
    lnt_image_release(&frame);
    assert_true(found);
    assert_string_equal(got, f->text);
    assert_true(n >= 0);
    said[n] = '\0';
    if (n > 0)
        fail_msg("the scanner wrote to stderr: %s", said);
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
        T(test_scan__busy_frames_without_a_code_never_wake_zbar),
        T(test_scan__grainy_bare_wall_never_wakes_zbar),
        T(test_scan__small_badge_in_a_busy_frame_is_found),
        T(test_scan__finder_look_finds_the_three_corners_and_the_box),
        T(test_scan__one_finder_alone_is_not_worth_decoding),
        T(test_scan__two_badges_in_view_one_is_read),
        T(test_scan__frames_too_small_for_a_code),
        T(test_scan__reading_a_badge_prints_nothing_on_stderr),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
