/* test_render.c - the SDL renderer with the dummy video driver: a badge screen drawn and saved as
 * PNG. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
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
    assert_int_equal(in.n_touch, 0);
    check_png(r, dir);
    /* A bad path is an error, not a crash. */
    assert_int_not_equal(lnt_render_save_png(r, "/nonexistent/dir/screen.png", err), LNT_OK);
    assert_true(err[0] != '\0');
    lnt_render_free(r);
    lnt_test_rmrf(dir);
    free(dir);
    free(dl);
}

/* Renders `dl` offscreen at w x h and reads it back as grey. */
static void render_at(const struct lnt_draw_list *dl, int w, int h, const char *dir,
                      struct lnt_image *out)
{
    char err[LNT_ERRBUF_SIZE] = "", name[32];
    struct lnt_render *r = NULL;
    char *path;
    int rw = 0, rh = 0;

    snprintf(name, sizeof name, "%dx%d.png", w, h);
    path = lnt_test_path(dir, name);
    assert_int_equal(lnt_render_new_sized(LNT_RENDER_OFFSCREEN, false, w, h, &r, err), LNT_OK);
    lnt_render_size(r, &rw, &rh);
    assert_int_equal(rw, w);
    assert_int_equal(rh, h);
    assert_int_equal(lnt_render_draw(r, dl, err), LNT_OK);
    assert_int_equal(lnt_render_save_png(r, path, err), LNT_OK);
    assert_int_equal(lnt_image_read_png(path, out, err), LNT_OK);
    assert_int_equal(out->w, w);
    assert_int_equal(out->h, h);
    lnt_render_free(r);
    free(path);
}

static int grey_at(const struct lnt_image *img, int x, int y)
{
    return img->px[(size_t)y * img->stride + (size_t)x];
}

static void test_render__same_screen_scaled_to_1024x600_and_1280x720(void **state)
{
    static const int sizes[][2] = {{1024, 600}, {1280, 720}};
    /* Logical points away from text: background, verdict banner, inside the primary button. */
    static const int points[][2] = {{5, 470}, {790, 100}, {30, 310}, {790, 10}};
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    struct lnt_image base = {0};
    char *dir = lnt_test_tmpdir();

    (void)state;
    assert_non_null(dl);
    badge_screen(dl);
    render_at(dl, LNT_SCREEN_W, LNT_SCREEN_H, dir, &base);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        struct lnt_image img = {0};
        int w = sizes[s][0], h = sizes[s][1];
        double k = (double)w / LNT_SCREEN_W < (double)h / LNT_SCREEN_H ? (double)w / LNT_SCREEN_W
                                                                       : (double)h / LNT_SCREEN_H;
        int ox = (int)((w - LNT_SCREEN_W * k) / 2), oy = (int)((h - LNT_SCREEN_H * k) / 2);

        render_at(dl, w, h, dir, &img);
        for (size_t p = 0; p < sizeof points / sizeof points[0]; p++) {
            int lx = points[p][0], ly = points[p][1];
            int px = ox + (int)(lx * k), py = oy + (int)(ly * k);
            int a = grey_at(&base, lx, ly), b = grey_at(&img, px, py);
            if (a - b > 2 || b - a > 2)
                fail_msg("%dx%d: logical (%d,%d) is %d, scaled (%d,%d) is %d", w, h, lx, ly, a, px,
                         py, b);
        }
        /* 1024x600 keeps the 5:3 shape with thin bars left and right; they stay black. */
        if (ox > 0)
            assert_int_equal(grey_at(&img, ox / 2, h / 2), 0);
        lnt_image_release(&img);
    }
    lnt_image_release(&base);
    lnt_test_rmrf(dir);
    free(dir);
    free(dl);
}

static void test_render__window_input_maps_back_to_the_logical_screen(void **state)
{
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_render *r = NULL;
    struct lnt_render_input in;
    SDL_Event ev;

    (void)state;
    assert_non_null(dl);
    assert_int_equal(lnt_render_new_sized(LNT_RENDER_WINDOW, false, 1024, 600, &r, err), LNT_OK);
    badge_screen(dl);
    assert_int_equal(lnt_render_draw(r, dl, err), LNT_OK);
    /* At 1024x600 the screen is scaled by 1.25 and centred: 12 px bars left and right. */
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_MOUSEBUTTONDOWN;
    ev.button.button = SDL_BUTTON_LEFT;
    ev.button.x = 12 + 125;
    ev.button.y = 250;
    SDL_PushEvent(&ev);
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_KEYDOWN;
    ev.key.keysym.sym = SDLK_F2;
    SDL_PushEvent(&ev);
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_TEXTINPUT;
    memcpy(ev.text.text, "B2\xc3\xa9", 5); /* the accented letter is not for a short field */
    SDL_PushEvent(&ev);
    lnt_render_poll(r, &in);
    assert_int_equal(in.n_touch, 1);
    assert_true(in.touch[0].down);
    assert_int_equal(in.touch[0].x, 100);
    assert_int_equal(in.touch[0].y, 200);
    assert_true(in.next_frame);
    assert_string_equal(in.text, "B2");
    /* The release comes with its own place: the app decides whether it is still the button. */
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_MOUSEBUTTONUP;
    ev.button.button = SDL_BUTTON_LEFT;
    ev.button.x = 12 + 250;
    ev.button.y = 250;
    SDL_PushEvent(&ev);
    lnt_render_poll(r, &in);
    assert_int_equal(in.n_touch, 1);
    assert_false(in.touch[0].down);
    assert_int_equal(in.touch[0].x, 200);
    /* A touch reported as a mouse click too counts once, as the touch. */
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_MOUSEBUTTONDOWN;
    ev.button.which = SDL_TOUCH_MOUSEID;
    ev.button.button = SDL_BUTTON_LEFT;
    SDL_PushEvent(&ev);
    lnt_render_poll(r, &in);
    assert_int_equal(in.n_touch, 0);
    /* One finger at a time: a second finger down while the first is held is no press. */
    memset(&ev, 0, sizeof ev);
    ev.type = SDL_FINGERDOWN;
    ev.tfinger.fingerId = 1;
    ev.tfinger.x = 0.5f;
    ev.tfinger.y = 0.5f;
    SDL_PushEvent(&ev);
    ev.tfinger.fingerId = 2;
    SDL_PushEvent(&ev);
    ev.type = SDL_FINGERUP;
    SDL_PushEvent(&ev); /* the second finger's release */
    ev.tfinger.fingerId = 1;
    SDL_PushEvent(&ev);
    lnt_render_poll(r, &in);
    assert_int_equal(in.n_touch, 2);
    assert_true(in.touch[0].down);
    assert_false(in.touch[1].down);
    assert_int_equal(in.touch[0].x, 400);
    assert_int_equal(in.touch[0].y, 240);
    lnt_render_free(r);
    free(dl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render__offscreen_badge_screen_to_png),
        cmocka_unit_test(test_render__window_with_dummy_driver),
        cmocka_unit_test(test_render__same_screen_scaled_to_1024x600_and_1280x720),
        cmocka_unit_test(test_render__window_input_maps_back_to_the_logical_screen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
