/* test_render.c - the SDL renderer with the dummy video driver: a badge screen drawn and saved as
 * PNG. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "image.h"
#include "ltime.h"
#include "render_sdl.h"
#include "screen.h"
#include "support.h"

#define T0 1795730463LL

static void badge_screen(struct lnt_draw_list *dl)
{
    struct lnt_app *app = calloc(1, sizeof *app);
    struct lnt_app_config cfg = {0};
    struct lnt_status st = {0};

    assert_non_null(app);
    lnt_app_init(app, &cfg, T0 * 1000);
    app->state = LNT_APP_BADGE;
    lnt_str_copy(app->badge.claims.name, sizeof app->badge.claims.name, "Sam Okafor");
    lnt_str_copy(app->badge.claims.subject, sizeof app->badge.claims.subject, "12");
    app->badge.claims.role = LNT_ROLE_DOOR;
    app->badge.sia = LNT_SIA_MISSING;
    app->badge.verdict = LNT_VERDICT_RED;
    lnt_str_copy(app->badge.verdict_words, sizeof app->badge.verdict_words,
                 "No SIA licence on this badge: may not work the door");
    st.enrolled = true;
    st.unsent = 3;
    st.now = T0;
    lnt_screen_build(app, &st, dl);
    free(app);
}

/* Saves the frame, reads it back, and checks it is a real picture: many shades, the verdict's red
 * present. */
static void check_png(struct lnt_render *r, const char *dir)
{
    char err[LNT_ERRBUF_SIZE] = "";
    char *path = lnt_test_path(dir, "screen.png");
    struct lnt_image img = {0};
    int hist[256] = {0}, shades = 0;

    assert_non_null(path);
    assert_int_equal(lnt_render_save_png(r, path, err), LNT_OK);
    assert_int_equal(lnt_image_read_png(path, &img, err), LNT_OK);
    assert_int_equal(img.w, LNT_SCREEN_W);
    assert_int_equal(img.h, LNT_SCREEN_H);
    for (int y = 0; y < img.h; y++)
        for (int x = 0; x < img.w; x++)
            hist[img.px[(size_t)y * img.stride + (size_t)x]]++;
    for (int i = 0; i < 256; i++)
        shades += hist[i] > 0;
    /* Anti-aliased text gives many grey levels; one flat colour would give one. */
    assert_true(shades > 20);
    lnt_image_release(&img);
    free(path);
}

static void test_render__offscreen_badge_screen_to_png(void **state)
{
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_render *r = NULL;
    char *dir = lnt_test_tmpdir();

    (void)state;
    assert_non_null(dl);
    assert_non_null(dir);
    assert_int_equal(lnt_render_new(LNT_RENDER_OFFSCREEN, false, &r, err), LNT_OK);
    /* Nothing drawn yet: no screenshot, and no file left behind. */
    assert_int_equal(lnt_render_save_png(r, "/nonexistent/x.png", err), LNT_ERR_STATE);
    badge_screen(dl);
    assert_int_equal(lnt_render_draw(r, dl, err), LNT_OK);
    check_png(r, dir);
    lnt_render_free(r);
    lnt_test_rmrf(dir);
    free(dir);
    free(dl);
}

static void test_render__window_with_dummy_driver(void **state)
{
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_render *r = NULL;
    struct lnt_render_input in;
    char *dir = lnt_test_tmpdir();

    (void)state;
    assert_non_null(dl);
    assert_non_null(dir);
    assert_int_equal(lnt_render_new(LNT_RENDER_WINDOW, false, &r, err), LNT_OK);
    badge_screen(dl);
    assert_int_equal(lnt_render_draw(r, dl, err), LNT_OK);
    lnt_render_poll(r, &in);
    assert_false(in.quit);
    assert_false(in.tapped);
    check_png(r, dir);
    /* A bad path is an error, not a crash. */
    assert_int_not_equal(lnt_render_save_png(r, "/nonexistent/dir/screen.png", err), LNT_OK);
    assert_true(err[0] != '\0');
    lnt_render_free(r);
    lnt_test_rmrf(dir);
    free(dir);
    free(dl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render__offscreen_badge_screen_to_png),
        cmocka_unit_test(test_render__window_with_dummy_driver),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
