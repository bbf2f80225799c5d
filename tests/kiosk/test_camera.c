/* test_camera.c - the door camera: missing at start, unplugged mid-night, back again; the kiosk
 * keeps trying with a growing wait and never stops for it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "camera.h"
#include "log.h"

/* A camera that is missing for the first `missing` opens, then gives `frames` frames each time it
 * is opened, failing after `fail_after` of them (-1: never). */
struct fake {
    int missing;
    int frames;
    int fail_after;
    int opens_tried;
};

static enum lnt_err fake_open(void *ctx, struct lnt_frame_source **out, char *err)
{
    struct fake *f = ctx;
    enum lnt_err rc;

    f->opens_tried++;
    if (f->missing > 0) {
        f->missing--;
        return lnt_fail(err, LNT_ERR_IO, "camera /dev/video9: no such device");
    }
    rc = lnt_frames_synth_new(32, 24, NULL, f->frames, out, err);
    if (rc == LNT_OK && f->fail_after >= 0)
        rc = lnt_frames_synth_fail_from(*out, f->fail_after, err);
    return rc;
}

static bool turn(struct lnt_camera *c, int64_t now)
{
    const struct lnt_image *frame = (const struct lnt_image *)1;

    lnt_camera_next(c, now, &frame);
    return frame != NULL;
}

static void test_camera__missing_at_start_is_retried_with_backoff_then_works(void **state)
{
    struct fake f = {.missing = 3, .frames = 100, .fail_after = -1};
    struct lnt_camera *c = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t t = 5000;

    (void)state;
    assert_int_equal(lnt_camera_new(fake_open, &f, &c, err), LNT_OK);
    assert_false(lnt_camera_working(c));
    /* First turn: tried at once, missing; no frame, and the problem is kept for the screen. */
    assert_false(turn(c, t));
    assert_int_equal(f.opens_tried, 1);
    assert_false(lnt_camera_working(c));
    assert_non_null(strstr(lnt_camera_problem(c), "/dev/video9"));
    assert_int_equal(lnt_camera_retry_at(c), t + LNT_CAMERA_RETRY_MIN_MS);
    /* Turns before the wait is over do not touch the device. */
    assert_false(turn(c, t + LNT_CAMERA_RETRY_MIN_MS - 1));
    assert_int_equal(f.opens_tried, 1);
    /* Then 1 s, 2 s, 4 s: the wait doubles. */
    t += LNT_CAMERA_RETRY_MIN_MS;
    assert_false(turn(c, t));
    assert_int_equal(f.opens_tried, 2);
    assert_int_equal(lnt_camera_retry_at(c), t + 2 * LNT_CAMERA_RETRY_MIN_MS);
    t += 2 * LNT_CAMERA_RETRY_MIN_MS;
    assert_false(turn(c, t));
    assert_int_equal(f.opens_tried, 3);
    assert_int_equal(lnt_camera_retry_at(c), t + 4 * LNT_CAMERA_RETRY_MIN_MS);
    /* Plugged in: the next due open works and frames flow. */
    t += 4 * LNT_CAMERA_RETRY_MIN_MS;
    assert_true(turn(c, t));
    assert_true(lnt_camera_working(c));
    assert_string_equal(lnt_camera_problem(c), "");
    assert_int_equal(lnt_camera_retry_at(c), 0);
    assert_int_equal(lnt_camera_opens(c), 1);
    assert_true(turn(c, t + 33));
    lnt_camera_free(c);
}

static void test_camera__wait_stops_growing_at_the_cap(void **state)
{
    struct fake f = {.missing = 1000, .frames = 1, .fail_after = -1};
    struct lnt_camera *c = NULL;
    int64_t t = 0, wait = 0;

    (void)state;
    assert_int_equal(lnt_camera_new(fake_open, &f, &c, NULL), LNT_OK);
    for (int i = 0; i < 20; i++) {
        assert_false(turn(c, t));
        wait = lnt_camera_retry_at(c) - t;
        assert_true(wait <= LNT_CAMERA_RETRY_MAX_MS);
        t = lnt_camera_retry_at(c);
    }
    /* All night long it keeps trying, at least twice a minute. */
    assert_int_equal(wait, LNT_CAMERA_RETRY_MAX_MS);
    assert_int_equal(f.opens_tried, 20);
    lnt_camera_free(c);
}

static void test_camera__unplugged_mid_night_goes_down_then_comes_back(void **state)
{
    struct fake f = {.missing = 0, .frames = 1000, .fail_after = 5};
    struct lnt_camera *c = NULL;
    int64_t t = 1000;

    (void)state;
    assert_int_equal(lnt_camera_new(fake_open, &f, &c, NULL), LNT_OK);
    for (int i = 0; i < 5; i++)
        assert_true(turn(c, t += 33));
    assert_true(lnt_camera_working(c));
    /* Pulled out: a failed read is not yet "down" (one bad frame happens), but it is not
     * working either; LNT_CAMERA_FAILS_MAX in a row close it. */
    assert_false(turn(c, t += 33));
    assert_false(lnt_camera_working(c));
    for (int i = 1; i < LNT_CAMERA_FAILS_MAX; i++)
        assert_false(turn(c, t += 33));
    assert_false(lnt_camera_working(c));
    assert_non_null(strstr(lnt_camera_problem(c), "unplugged"));
    assert_int_equal(lnt_camera_retry_at(c), t + LNT_CAMERA_RETRY_MIN_MS);
    /* Plugged back in: it is opened again at the due time and works. */
    f.fail_after = -1;
    assert_false(turn(c, t + 10));
    assert_true(turn(c, t + LNT_CAMERA_RETRY_MIN_MS));
    assert_true(lnt_camera_working(c));
    assert_int_equal(lnt_camera_opens(c), 2);
    lnt_camera_free(c);
}

static void test_camera__a_good_frame_resets_the_wait(void **state)
{
    struct fake f = {.missing = 2, .frames = 1000, .fail_after = 1};
    struct lnt_camera *c = NULL;
    int64_t t = 0;

    (void)state;
    assert_int_equal(lnt_camera_new(fake_open, &f, &c, NULL), LNT_OK);
    assert_false(turn(c, t));
    t = lnt_camera_retry_at(c);
    assert_false(turn(c, t));
    t = lnt_camera_retry_at(c); /* waited 1 s then 2 s: the next wait would be 4 s */
    assert_true(turn(c, t));    /* opened, one good frame */
    for (int i = 0; i < LNT_CAMERA_FAILS_MAX; i++)
        assert_false(turn(c, t += 33));
    /* Unplugged after working: back to the shortest wait. */
    assert_int_equal(lnt_camera_retry_at(c), t + LNT_CAMERA_RETRY_MIN_MS);
    lnt_camera_free(c);
}

int main(void)
{
    lnt_log_init("test_camera", LNT_LOG_QUIET);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_camera__missing_at_start_is_retried_with_backoff_then_works),
        cmocka_unit_test(test_camera__wait_stops_growing_at_the_cap),
        cmocka_unit_test(test_camera__unplugged_mid_night_goes_down_then_comes_back),
        cmocka_unit_test(test_camera__a_good_frame_resets_the_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
