/* render_sdl.h - draws a screen's command list with SDL2 and SDL2_ttf and turns touches into taps:
 * the one SDL seam. */
#ifndef LNT_RENDER_SDL_H
#define LNT_RENDER_SDL_H

#include <stdbool.h>

#include "err.h"
#include "screen.h"

#define LNT_FONT_REGULAR "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define LNT_FONT_BOLD "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

struct lnt_render;

enum lnt_render_mode {
    LNT_RENDER_WINDOW,   /* a window (full screen on the kiosk; SDL_VIDEODRIVER=dummy works) */
    LNT_RENDER_OFFSCREEN /* a software surface, no video driver */
};

/*
 * Starts SDL (video only for a window) and SDL_ttf and opens both fonts.
 * A missing font is LNT_ERR_IO naming the file and the package that has it.
 * On error *out is NULL and SDL is shut down again.
 */
enum lnt_err lnt_render_new(enum lnt_render_mode mode, bool fullscreen, struct lnt_render **out,
                            char *err);
/*
 * As lnt_render_new with an output of w x h pixels (the window's first size,
 * or the offscreen surface). The screens are laid out at a logical 800x480:
 * the renderer scales every coordinate and font size by the largest factor
 * that fits (1.25 at 1024x600, 1.5 at 1280x720), centres the result, and
 * maps taps back, so text is drawn at the output's resolution, not stretched.
 */
enum lnt_err lnt_render_new_sized(enum lnt_render_mode mode, bool fullscreen, int w, int h,
                                  struct lnt_render **out, char *err);
/* Closes the window and shuts SDL down. NULL is a no-op. */
void lnt_render_free(struct lnt_render *r);

/* Draws `dl` and presents it. An unchanged list is not drawn again (until the window needs it). */
enum lnt_err lnt_render_draw(struct lnt_render *r, const struct lnt_draw_list *dl, char *err);

#define LNT_RENDER_TOUCH_MAX 16 /* presses and releases kept from one poll */

/* A finger (or the left mouse button) going down or coming up, in logical 800x480 coordinates. */
struct lnt_render_touch {
    bool down; /* false: released */
    int x, y;
};

/* What happened since the last poll. */
struct lnt_render_input {
    bool quit; /* window closed or Escape */
    size_t n_touch;
    struct lnt_render_touch touch[LNT_RENDER_TOUCH_MAX]; /* in the order they happened */
    bool next_frame; /* F2: show the camera the next demo badge */
    char text[32];   /* typed on a physical keyboard (ASCII), "" when nothing */
    bool key_delete; /* Backspace */
    bool key_ok;     /* Return */
};

/*
 * Drains pending window events; returns the presses and releases of one finger
 * at a time (a touch, or the mouse, never both for one touch: a second finger
 * while the first is down is ignored, and a release is always reported for a
 * reported press) and whether the window asked to close. What makes a press
 * and release a tap is the app's to decide (lnt_app_press, lnt_app_release).
 * Offscreen: nothing.
 */
void lnt_render_poll(struct lnt_render *r, struct lnt_render_input *in);

/* The output's size in pixels. */
void lnt_render_size(const struct lnt_render *r, int *w, int *h);

/* Writes the last drawn frame as an RGB PNG. On error no file is left. */
enum lnt_err lnt_render_save_png(struct lnt_render *r, const char *path, char *err);

#endif
