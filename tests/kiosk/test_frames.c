/* test_frames.c - frame sources: a directory of PNG files and the synthetic source. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "log.h"
#include "support.h"

static void write_grey(const char *dir, const char *name, int w, int h, uint8_t fill)
{
    char *path = lnt_test_path(dir, name);
    struct lnt_image img;

    assert_non_null(path);
    assert_int_equal(lnt_image_init(&img, w, h, fill), LNT_OK);
    assert_int_equal(lnt_image_write_png(path, &img, NULL), LNT_OK);
    lnt_image_release(&img);
    free(path);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char *path = lnt_test_path(dir, name);
    FILE *fp;

    assert_non_null(path);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
    free(path);
}

/* Takes the next frame and checks its size and first pixel. */
static void expect_frame(struct lnt_frame_source *src, int w, int h, uint8_t px0)
{
    const struct lnt_image *frame = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    bool eof = true;

    assert_int_equal(lnt_frame_next(src, &frame, &eof, err), LNT_OK);
    assert_false(eof);
    assert_non_null(frame);
    assert_int_equal(frame->w, w);
    assert_int_equal(frame->h, h);
    assert_int_equal(frame->px[0], px0);
}

static void expect_eof(struct lnt_frame_source *src)
{
    const struct lnt_image *frame = NULL;
    bool eof = false;

    assert_int_equal(lnt_frame_next(src, &frame, &eof, NULL), LNT_OK);
    assert_true(eof);
    assert_null(frame);
}

static void test_frames__dir_in_name_order_skipping_bad_files(void **state)
{
    char *dir = lnt_test_tmpdir();
    struct lnt_frame_source *src = NULL;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    assert_non_null(dir);
    /* Written out of order; the sizes and fills tell the frames apart. */
    write_grey(dir, "frame-003.png", 30, 10, 33);
    write_grey(dir, "frame-001.png", 10, 10, 11);
    write_text(dir, "frame-002.png", "not a png at all");
    write_grey(dir, "frame-002b.PNG", 20, 10, 22);
    write_text(dir, "notes.txt", "ignored");
    write_grey(dir, "frame-004.png.bak", 40, 10, 44);

    assert_int_equal(lnt_frames_dir_open(dir, &src, err), LNT_OK);
    expect_frame(src, 10, 10, 11);
    expect_frame(src, 20, 10, 22); /* frame-002.png is skipped, not fatal */
    expect_frame(src, 30, 10, 33);
    expect_eof(src);
    expect_eof(src); /* and stays at the end */
    lnt_frame_source_free(src);

    lnt_test_rmrf(dir);
    free(dir);
}

static void test_frames__dir_empty_and_missing(void **state)
{
    char *dir = lnt_test_tmpdir();
    char *missing;
    struct lnt_frame_source *src = NULL;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    assert_non_null(dir);
    assert_int_equal(lnt_frames_dir_open(dir, &src, err), LNT_OK);
    expect_eof(src);
    lnt_frame_source_free(src);

    missing = lnt_test_path(dir, "gone");
    src = (struct lnt_frame_source *)1;
    assert_int_equal(lnt_frames_dir_open(missing, &src, err), LNT_ERR_IO);
    assert_null(src);
    assert_non_null(strstr(err, "gone"));
    free(missing);

    lnt_frame_source_free(NULL);
    lnt_test_rmrf(dir);
    free(dir);
}

static void test_frames__synth_places_images_then_ends(void **state)
{
    struct lnt_image a, b;
    const struct lnt_image *images[3] = {&a, NULL, &b};
    struct lnt_frame_source *src = NULL;
    const struct lnt_image *frame = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    bool eof = true;

    (void)state;
    assert_int_equal(lnt_image_init(&a, 4, 2, 0), LNT_OK);
    assert_int_equal(lnt_image_init(&b, 30, 30, 255), LNT_OK); /* larger than the frame */
    assert_int_equal(lnt_frames_synth_new(10, 8, images, 3, &src, err), LNT_OK);

    /* Frame 0: `a` centred at (3, 3), the rest background. */
    assert_int_equal(lnt_frame_next(src, &frame, &eof, err), LNT_OK);
    assert_false(eof);
    assert_int_equal(frame->w, 10);
    assert_int_equal(frame->h, 8);
    uint8_t bg = frame->px[0];
    assert_true(bg != 0 && bg != 255);
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 10; x++) {
            bool in = x >= 3 && x < 7 && y >= 3 && y < 5;
            assert_int_equal(frame->px[(size_t)y * frame->stride + (size_t)x], in ? 0 : bg);
        }

    /* Frame 1: empty. */
    assert_int_equal(lnt_frame_next(src, &frame, &eof, err), LNT_OK);
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 10; x++)
            assert_int_equal(frame->px[(size_t)y * frame->stride + (size_t)x], bg);

    /* Frame 2: `b` is clipped to fill the whole frame. */
    assert_int_equal(lnt_frame_next(src, &frame, &eof, err), LNT_OK);
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 10; x++)
            assert_int_equal(frame->px[(size_t)y * frame->stride + (size_t)x], 255);

    expect_eof(src);
    lnt_frame_source_free(src);
    lnt_image_release(&a);
    lnt_image_release(&b);
}

static void test_frames__synth_refuses_bad_sizes(void **state)
{
    struct lnt_frame_source *src = NULL;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    assert_int_equal(lnt_frames_synth_new(0, 480, NULL, 1, &src, err), LNT_ERR_INVALID);
    assert_null(src);
    assert_int_equal(lnt_frames_synth_new(640, LNT_IMAGE_MAX_DIM + 1, NULL, 1, &src, err),
                     LNT_ERR_TOO_LARGE);
    assert_int_equal(lnt_frames_synth_new(640, 480, NULL, -1, &src, err), LNT_ERR_INVALID);

    /* No images at all: empty frames. */
    assert_int_equal(lnt_frames_synth_new(64, 48, NULL, 2, &src, err), LNT_OK);
    expect_frame(src, 64, 48, 160);
    expect_frame(src, 64, 48, 160);
    expect_eof(src);
    lnt_frame_source_free(src);
}

int main(void)
{
    lnt_log_init("test_frames", LNT_LOG_WARN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames__dir_in_name_order_skipping_bad_files),
        cmocka_unit_test(test_frames__dir_empty_and_missing),
        cmocka_unit_test(test_frames__synth_places_images_then_ends),
        cmocka_unit_test(test_frames__synth_refuses_bad_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
