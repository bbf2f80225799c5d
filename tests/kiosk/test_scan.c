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
#include <zbar.h>

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

/* ---- Photos of badges: turned, tilted, out of focus, dim, grainy (as bench_kiosk makes) ---- */

#define PW 640
#define PH 480

/* A badge-length text (284 characters, as a real badge's), different for each `seed`. */
static void badge_text(char *t, size_t size, unsigned seed)
{
    size_t n = 284 < size - 1 ? 284 : size - 1;

    memcpy(t, "LNT1:", 5);
    for (size_t i = 5; i < n; i++)
        t[i] = base45_alphabet[(i * 7u + seed * 13u + (i * i) % 11u) % 45u];
    t[n] = '\0';
}

static uint8_t bilinear(const struct lnt_image *img, double x, double y, uint8_t outside)
{
    int x0 = (int)floor(x), y0 = (int)floor(y);
    double fx = x - x0, fy = y - y0;
    const uint8_t *p;

    if (x0 < 0 || y0 < 0 || x0 + 1 >= img->w || y0 + 1 >= img->h)
        return outside;
    p = img->px + (size_t)y0 * img->stride + (size_t)x0;
    return (uint8_t)((1 - fx) * (1 - fy) * p[0] + fx * (1 - fy) * p[1] +
                     (1 - fx) * fy * p[img->stride] + fx * fy * p[img->stride + 1] + 0.5);
}

/*
 * `text` at `module_px`, centred on a 640x480 wall, the card turned `rot` degrees in the picture
 * and tilted `tilt` degrees about its upright axis (a pinhole 700 px from the picture).
 */
static void photo(const char *text, int module_px, double rot, double tilt, struct lnt_image *out)
{
    struct lnt_image code;
    double a = rot * 3.141592653589793 / 180, b = tilt * 3.141592653589793 / 180, f = 700;

    assert_int_equal(lnt_qr_render(text, 12, module_px, 4, &code, NULL, NULL), LNT_OK);
    assert_int_equal(lnt_image_init(out, PW, PH, 170), LNT_OK);
    for (int y = 0; y < PH; y++)
        for (int x = 0; x < PW; x++) {
            double dx = x - PW / 2.0, dy = y - PH / 2.0, sx, sy, u, v;
            /* Tilt: where the ray through (dx, dy) meets the turned card. */
            sx = dx * f / (f * cos(b) - dx * sin(b));
            sy = dy * (f + sx * sin(b)) / f;
            u = cos(a) * sx + sin(a) * sy;
            v = -sin(a) * sx + cos(a) * sy;
            out->px[(size_t)y * out->stride + (size_t)x] =
                bilinear(&code, u + code.w / 2.0, v + code.h / 2.0, 170);
        }
    lnt_image_release(&code);
}

/* A lens out of focus: a Gaussian of `sigma` pixels. */
static void defocus(struct lnt_image *img, double sigma)
{
    double k[16], sum = 0;
    int r = (int)ceil(3 * sigma);
    double *tmp = malloc(sizeof *tmp * (size_t)img->w * (size_t)img->h);

    assert_non_null(tmp);
    assert_true(r < 16);
    for (int i = 0; i <= r; i++) {
        k[i] = exp(-(double)(i * i) / (2 * sigma * sigma));
        sum += i == 0 ? k[i] : 2 * k[i];
    }
    for (int y = 0; y < img->h; y++)
        for (int x = 0; x < img->w; x++) {
            double v = 0;
            for (int i = -r; i <= r; i++) {
                int xi = x + i < 0 ? 0 : x + i >= img->w ? img->w - 1 : x + i;
                v += k[abs(i)] * img->px[(size_t)y * img->stride + (size_t)xi];
            }
            tmp[(size_t)y * (size_t)img->w + (size_t)x] = v / sum;
        }
    for (int y = 0; y < img->h; y++)
        for (int x = 0; x < img->w; x++) {
            double v = 0;
            for (int i = -r; i <= r; i++) {
                int yi = y + i < 0 ? 0 : y + i >= img->h ? img->h - 1 : y + i;
                v += k[abs(i)] * tmp[(size_t)yi * (size_t)img->w + (size_t)x];
            }
            img->px[(size_t)y * img->stride + (size_t)x] = (uint8_t)(v / sum + 0.5);
        }
    free(tmp);
}

/* Black to `lo`, white to `hi`, then grain of about +-`grain`, the same for the same seed. */
static void dim(struct lnt_image *img, int lo, int hi, int grain, uint32_t seed)
{
    for (int y = 0; y < img->h; y++)
        for (int x = 0; x < img->w; x++) {
            uint8_t *p = img->px + (size_t)y * img->stride + (size_t)x;
            int v = lo + *p * (hi - lo) / 255;
            seed = seed * 1664525u + 1013904223u;
            v += grain > 0 ? (int)((seed >> 16) % (uint32_t)(2 * grain + 1)) - grain : 0;
            *p = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
}

/* Whether ZBar alone, reading the whole frame as zbarimg does (QR only), finds `text`. */
static bool zbar_alone_reads(const struct lnt_image *frame, const char *text)
{
    zbar_image_scanner_t *zs = zbar_image_scanner_create();
    zbar_image_t *zi = zbar_image_create();
    const zbar_symbol_t *sym;
    bool read = false;

    assert_non_null(zs);
    assert_non_null(zi);
    zbar_image_scanner_set_config(zs, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(zs, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    assert_int_equal(frame->stride, (size_t)frame->w);
    zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(zi, (unsigned)frame->w, (unsigned)frame->h);
    zbar_image_set_data(zi, frame->px, (unsigned long)frame->w * (unsigned long)frame->h, NULL);
    if (zbar_scan_image(zs, zi) > 0)
        for (sym = zbar_image_first_symbol(zi); sym != NULL; sym = zbar_symbol_next(sym))
            read |= strcmp(zbar_symbol_get_data(sym), text) == 0;
    zbar_image_destroy(zi);
    zbar_image_scanner_destroy(zs);
    return read;
}

/* Whether the scanner reads `text` from `frame`. */
static bool scanner_reads(struct lnt_scanner *s, const struct lnt_image *frame, const char *text)
{
    char got[512];
    bool found = false;

    assert_int_equal(lnt_scanner_scan(s, frame, got, sizeof got, &found, NULL), LNT_OK);
    return found && strcmp(got, text) == 0;
}

static void test_scan__every_frame_zbar_alone_reads_is_read(void **state)
{
    struct fixture *f = *state;
    int zbar_read = 0;

    /* Small modules, out of focus a little, turned: the finder look can miss these codes' finders
     * while ZBar, reading the whole frame, gets them. Whatever ZBar alone reads, so must we. */
    for (unsigned k = 0; k < 8; k++) {
        struct lnt_image frame;
        char text[300];
        badge_text(text, sizeof text, k);
        photo(text, 3, 50 + 5 * k, 0, &frame);
        defocus(&frame, 1.0);
        dim(&frame, 0, 255, 3, k);
        if (zbar_alone_reads(&frame, text)) {
            zbar_read++;
            if (!scanner_reads(f->scanner, &frame, text))
                fail_msg("frame %u: ZBar alone reads it, the scanner does not", k);
        }
        lnt_image_release(&frame);
    }
    assert_true(zbar_read >= 4);
}

static void test_scan__out_of_focus_sigma_2_at_4px_is_read(void **state)
{
    struct fixture *f = *state;

    /* Modules smeared over twice their width: ZBar alone reads none of these. */
    for (unsigned k = 0; k < 3; k++) {
        struct lnt_image frame;
        char text[300];
        badge_text(text, sizeof text, k);
        photo(text, 4, 0, 0, &frame);
        defocus(&frame, 2.0);
        dim(&frame, 0, 255, 2, k);
        if (!scanner_reads(f->scanner, &frame, text))
            fail_msg("frame %u not read", k);
        lnt_image_release(&frame);
    }
}

static void test_scan__card_tilted_30_degrees_is_read(void **state)
{
    struct fixture *f = *state;

    /* Held at an angle to a wide lens: one side a fifth further away than the other. */
    for (unsigned k = 0; k < 3; k++) {
        struct lnt_image frame;
        char text[300];
        badge_text(text, sizeof text, k);
        photo(text, 4, 0, k == 1 ? -30 : 30, &frame);
        dim(&frame, 0, 255, 2, k);
        if (!scanner_reads(f->scanner, &frame, text))
            fail_msg("frame %u not read", k);
        lnt_image_release(&frame);
    }
}

static void test_scan__low_contrast_out_of_focus_small_code_is_read(void **state)
{
    struct fixture *f = *state;

    /* 3 px a module, slightly out of focus, black at 110 and white at 150: a dim corner. */
    for (unsigned k = 0; k < 6; k++) {
        struct lnt_image frame;
        char text[300];
        badge_text(text, sizeof text, k);
        photo(text, 3, 0, 0, &frame);
        defocus(&frame, 1.0);
        dim(&frame, 110, 150, 3, k);
        if (!scanner_reads(f->scanner, &frame, text))
            fail_msg("frame %u not read", k);
        lnt_image_release(&frame);
    }
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
        T(test_scan__every_frame_zbar_alone_reads_is_read),
        T(test_scan__out_of_focus_sigma_2_at_4px_is_read),
        T(test_scan__card_tilted_30_degrees_is_read),
        T(test_scan__low_contrast_out_of_focus_small_code_is_read),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
