/* screen.h - the kiosk's screens as a list of draw commands at a logical 800x480 (no SDL here). */
#ifndef LNT_KIOSK_SCREEN_H
#define LNT_KIOSK_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "image.h"

#define LNT_SCREEN_W 800
#define LNT_SCREEN_H 480
#define LNT_BUTTON_MIN_H 64 /* a gloved thumb */
#define LNT_DRAW_MAX 112
#define LNT_DRAW_TEXT_MAX 128

enum lnt_draw_kind { LNT_DRAW_RECT = 1, LNT_DRAW_TEXT, LNT_DRAW_BUTTON, LNT_DRAW_IMAGE };
enum lnt_align { LNT_ALIGN_LEFT = 0, LNT_ALIGN_CENTRE, LNT_ALIGN_RIGHT };

struct lnt_rgb {
    uint8_t r, g, b;
};

#define LNT_THUMB_W 160
#define LNT_THUMB_H 120

/* A small grey picture of the camera's latest frame, to aim a badge by. Plain data. */
struct lnt_thumb {
    int w, h;     /* at most LNT_THUMB_W x LNT_THUMB_H; 0 x 0: no frame yet */
    uint32_t seq; /* frames made into it: a new frame is a new picture */
    uint8_t px[LNT_THUMB_W * LNT_THUMB_H]; /* row-major, `w` bytes a row */
};

/*
 * Makes `out` a thumbnail of `frame`: the whole frame shrunk (each pixel the
 * mean of its box) to fit LNT_THUMB_W x LNT_THUMB_H with its shape kept,
 * and seq counted on. A frame without pixels leaves `out` as it was.
 */
void lnt_thumb_make(const struct lnt_image *frame, struct lnt_thumb *out);

/*
 * One command. RECT fills (x,y,w,h) with `bg`. TEXT draws one line of
 * `text` in `fg` at `size` px, aligned within the box horizontally and
 * centred vertically, clipped to the box. BUTTON is a filled box in `bg`
 * with its label in `fg`, centred; `id` is what a tap inside it reports.
 * IMAGE draws the grey picture `image` (borrowed) scaled into the box; its
 * `id` is the picture's seq, so a new frame is a changed screen.
 */
struct lnt_draw {
    enum lnt_draw_kind kind;
    int x, y, w, h;
    struct lnt_rgb fg, bg;
    int size;
    bool bold;
    enum lnt_align align;
    int id;
    char text[LNT_DRAW_TEXT_MAX];
    const struct lnt_thumb *image; /* IMAGE only */
};

/* Fixed storage: building a screen allocates nothing. */
struct lnt_draw_list {
    size_t n;
    struct lnt_draw cmd[LNT_DRAW_MAX];
};

/* What the status bar says. It never guesses: these come from the outbox and the last sync. */
struct lnt_status {
    bool enrolled;
    bool online;          /* the last sync attempt reached the server */
    int64_t unsent;       /* events in the outbox */
    int64_t unsent_age;   /* seconds the oldest unsent event has waited, 0 = none */
    int64_t aside;        /* events the server refused, kept on the kiosk */
    int64_t last_sync;    /* unix seconds of the last successful sync, 0 = never */
    int64_t now;          /* unix seconds, for the clock */
    const char *venue;    /* may be NULL */
    int64_t open_reports; /* reports saved open, to be finished */
    /* The camera's latest frame for the idle screen (borrowed); NULL: none. */
    const struct lnt_thumb *camera;
    bool stock_known;      /* cup covers have been counted at this kiosk */
    int64_t stock_level;   /* cup covers believed on hand, when stock_known */
    int64_t cup_threshold; /* the warning level; 0: LNT_APP_CUP_THRESHOLD */
};

#define LNT_UNSENT_WARN_S 3600 /* the status bar flags anything unsent for longer */

/* Builds the screen for `app` with the status bar into `out` (replacing its contents). */
void lnt_screen_build(const struct lnt_app *app, const struct lnt_status *st,
                      struct lnt_draw_list *out);

/* The id of the button under logical point (x, y), or LNT_BTN_NONE. */
int lnt_screen_hit(const struct lnt_draw_list *dl, int x, int y);

/*
 * The id of the button whose visible label is `label`: exactly, or without a
 * leading or trailing symbol (a tick box's "\u2610 Bar" answers to "Bar",
 * "More \u25B8" to "More").
 * Case matters. LNT_BTN_NONE when no button has it.
 */
int lnt_screen_find_label(const struct lnt_draw_list *dl, const char *label);

/* Number of buttons on the screen. */
size_t lnt_screen_buttons(const struct lnt_draw_list *dl);

#endif
