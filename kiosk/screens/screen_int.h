/* screen_int.h - layout, colours and the parts of the screens: screen.c -> the rest -> draw. */
#ifndef LNT_SCREEN_INT_H
#define LNT_SCREEN_INT_H

#include "screen.h"
#include "strings.h"

#define BAR_H 40
#define MARGIN 20
#define BUTTON_H 72
#define BOTTOM_Y (LNT_SCREEN_H - BUTTON_H - 8)

#define C_BG ((struct lnt_rgb){0x14, 0x16, 0x1c})
#define C_BAR ((struct lnt_rgb){0x2a, 0x2d, 0x36})
#define C_TEXT ((struct lnt_rgb){0xf2, 0xf2, 0xf2})
#define C_DIM ((struct lnt_rgb){0xa8, 0xad, 0xb8})
#define C_BLACK ((struct lnt_rgb){0x10, 0x10, 0x10})
#define C_GREEN ((struct lnt_rgb){0x17, 0x75, 0x33}) /* white on it: 5.2:1 */
#define C_AMBER ((struct lnt_rgb){0xf5, 0xa6, 0x23})
#define C_RED ((struct lnt_rgb){0xc6, 0x28, 0x28})
#define C_BLUE ((struct lnt_rgb){0x1f, 0x5f, 0xbf})
#define C_GREY ((struct lnt_rgb){0x4a, 0x4e, 0x5a})
#define C_PURPLE ((struct lnt_rgb){0x6a, 0x3d, 0x9a})
#define C_TEAL ((struct lnt_rgb){0x0f, 0x6e, 0x73})
/* Text in a colour on the dark background: lighter than the fills, at least 4.5:1 on C_BAR. */
#define C_RED_FG ((struct lnt_rgb){0xff, 0x75, 0x70})
#define C_GREEN_FG ((struct lnt_rgb){0x4c, 0xd1, 0x6e})

#define SYM_BOX "\xe2\x98\x90"      /* U+2610 ballot box */
#define SYM_BOX_TICK "\xe2\x98\x91" /* U+2611 ballot box with check */
#define SYM_HIDDEN "\xe2\x80\xa2"   /* U+2022 bullet: a hidden digit */

/* ---- screen_draw.c: adding to a draw list; used by every screen file ---- */

/* A filled box. */
void lnt_dl_rect(struct lnt_draw_list *dl, int x, int y, int w, int h, struct lnt_rgb bg);
/* One line of text, printf-style; cut short, never overrun. */
void lnt_dl_text(struct lnt_draw_list *dl, int x, int y, int w, int h, int size, bool bold,
                 enum lnt_align align, struct lnt_rgb fg, const char *fmt, ...)
    __attribute__((format(printf, 10, 11)));
/* As lnt_dl_text, with the words of string id `id` (see strings.h) as the format. */
void lnt_dl_text_id(struct lnt_draw_list *dl, int x, int y, int w, int h, int size, bool bold,
                    enum lnt_align align, struct lnt_rgb fg, enum lnt_sid id, ...);
/* A button of at least LNT_BUTTON_MIN_H; `size` is the label's font size. */
void lnt_dl_button(struct lnt_draw_list *dl, int id, int x, int y, int w, int h, struct lnt_rgb bg,
                   struct lnt_rgb fg, int size, const char *label);
/* The picture `t` (borrowed; it must outlive the list) scaled into the box. */
void lnt_dl_image(struct lnt_draw_list *dl, int x, int y, int w, int h, const struct lnt_thumb *t);
/* Plain words over up to `max_lines` lines, breaking at spaces; returns the height used. */
int lnt_dl_wrapped(struct lnt_draw_list *dl, int x, int y, int w, int size, struct lnt_rgb fg,
                   bool bold, const char *s, int max_lines);
/* "HH:MM" local (Europe/London) time of unix seconds `t`, "--:--" for 0. */
void lnt_dl_hhmm(int64_t t, char out[8]);
/* The words for a role: "Door supervisor", "Bar staff", ... */
enum lnt_sid lnt_screen_role_words(enum lnt_role r);

/* ---- screen_camera.c: the camera's parts of the idle screen; used by screen.c ---- */

/* The small live view under the badge prompt, when there is a frame to show. */
void lnt_screen_camera_view(struct lnt_draw_list *dl, const struct lnt_status *st);

/* ---- screen_badge.c and screen_form.c: the larger screens; used by screen.c ---- */

/* BADGE: who, SIA, training, verdict and the actions the role allows. */
void lnt_screen_badge(struct lnt_draw_list *dl, const struct lnt_app *app,
                      const struct lnt_status *st);
/* MENU: a manager's further actions. */
void lnt_screen_menu(struct lnt_draw_list *dl, const struct lnt_app *app,
                     const struct lnt_status *st);
/* FORM: the current step of a flow (quick picks, tick boxes, keypad, keyboard), or the question
 * whether to discard it. */
void lnt_screen_form(struct lnt_draw_list *dl, const struct lnt_app *app,
                     const struct lnt_status *st);
/* REPORTS: the open reports to finish, a page at a time. */
void lnt_screen_reports(struct lnt_draw_list *dl, const struct lnt_app *app);

/* ---- screen_staff.c: what managers and volunteers do; used by screen.c and screen_form.c ---- */

/* TEAM: who is on shift, the door-supervisor ratio; tap one to sign them out. */
void lnt_screen_team(struct lnt_draw_list *dl, const struct lnt_app *app);
/* CONFIRM: "Sign out NAME?" */
void lnt_screen_confirm(struct lnt_draw_list *dl, const struct lnt_app *app);
/* A STEPPERS step (the eight tallies with - and +) or a SUMMARY step, below the band at `top`. */
void lnt_screen_steppers(struct lnt_draw_list *dl, const struct lnt_app *app,
                         const struct lnt_step *s, int top);
/* The idle screen's standing cup-cover warning, when stock is known and below the threshold. */
void lnt_screen_stock_warning(struct lnt_draw_list *dl, const struct lnt_status *st);

#endif
