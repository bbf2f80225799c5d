/* screen.c - the kiosk's screens as a list of draw commands at a logical 800x480 (no SDL here). */
#include "screen.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ltime.h"

#define BAR_H 40
#define MARGIN 20
#define BUTTON_H 80
#define BUTTON_Y (LNT_SCREEN_H - BUTTON_H - 12)

static const struct lnt_rgb C_BG = {0x14, 0x16, 0x1c};
static const struct lnt_rgb C_BAR = {0x2a, 0x2d, 0x36};
static const struct lnt_rgb C_TEXT = {0xf2, 0xf2, 0xf2};
static const struct lnt_rgb C_DIM = {0xa8, 0xad, 0xb8};
static const struct lnt_rgb C_BLACK = {0x10, 0x10, 0x10};
static const struct lnt_rgb C_GREEN = {0x1e, 0x8e, 0x3e};
static const struct lnt_rgb C_AMBER = {0xf5, 0xa6, 0x23};
static const struct lnt_rgb C_RED = {0xc6, 0x28, 0x28};
static const struct lnt_rgb C_BLUE = {0x1f, 0x5f, 0xbf};
static const struct lnt_rgb C_GREY = {0x4a, 0x4e, 0x5a};

/* Symbols in DejaVu Sans, so the verdict never rests on colour alone. */
#define SYM_OK "\xe2\x9c\x94"   /* U+2714 heavy check mark */
#define SYM_WARN "\xe2\x9a\xa0" /* U+26A0 warning sign */
#define SYM_NO "\xe2\x9c\x96"   /* U+2716 heavy multiplication x */
#define SYM_ON "\xe2\x97\x8f"   /* U+25CF black circle */
#define SYM_OFF "\xe2\x97\x8b"  /* U+25CB white circle */
#define DASH "\xe2\x80\x94"     /* U+2014 em dash */

static struct lnt_draw *add(struct lnt_draw_list *dl, enum lnt_draw_kind kind, int x, int y, int w,
                            int h)
{
    struct lnt_draw *d;

    /* The screens below stay well under the cap; past it, extra commands are dropped, never
     * overrun. */
    if (dl->n >= LNT_DRAW_MAX)
        return NULL;
    d = &dl->cmd[dl->n++];
    memset(d, 0, sizeof *d);
    d->kind = kind;
    d->x = x;
    d->y = y;
    d->w = w;
    d->h = h;
    return d;
}

/* Copies at most LNT_DRAW_TEXT_MAX-1 bytes, never splitting a UTF-8 sequence. */
static void set_text(struct lnt_draw *d, const char *s)
{
    size_t n = strlen(s);

    if (n >= sizeof d->text) {
        n = sizeof d->text - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(d->text, s, n);
    d->text[n] = '\0';
}

static void rect(struct lnt_draw_list *dl, int x, int y, int w, int h, struct lnt_rgb bg)
{
    struct lnt_draw *d = add(dl, LNT_DRAW_RECT, x, y, w, h);
    if (d != NULL)
        d->bg = bg;
}

static void text(struct lnt_draw_list *dl, int x, int y, int w, int h, int size, bool bold,
                 enum lnt_align align, struct lnt_rgb fg, const char *fmt, ...)
    __attribute__((format(printf, 10, 11)));

static void text(struct lnt_draw_list *dl, int x, int y, int w, int h, int size, bool bold,
                 enum lnt_align align, struct lnt_rgb fg, const char *fmt, ...)
{
    char line[LNT_DRAW_TEXT_MAX * 2];
    struct lnt_draw *d = add(dl, LNT_DRAW_TEXT, x, y, w, h);
    va_list ap;

    if (d == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    set_text(d, line);
    d->size = size;
    d->bold = bold;
    d->align = align;
    d->fg = fg;
}

static void button(struct lnt_draw_list *dl, int id, int x, int y, int w, int h, struct lnt_rgb bg,
                   struct lnt_rgb fg, const char *label)
{
    struct lnt_draw *d =
        add(dl, LNT_DRAW_BUTTON, x, y, w, h < LNT_BUTTON_MIN_H ? LNT_BUTTON_MIN_H : h);
    if (d == NULL)
        return;
    d->id = id;
    d->bg = bg;
    d->fg = fg;
    d->size = 32;
    d->bold = true;
    d->align = LNT_ALIGN_CENTRE;
    set_text(d, label);
}

/*
 * Plain words over up to `max_lines` lines, breaking at spaces. Width is
 * estimated from the font size (DejaVu Sans averages about 0.55 em); the
 * renderer clips whatever still overflows.
 */
static int wrapped(struct lnt_draw_list *dl, int x, int y, int w, int size, struct lnt_rgb fg,
                   const char *s, int max_lines)
{
    int per_line = w * 20 / (size * 11);
    int line_h = size * 4 / 3;
    int lines = 0;

    while (*s != '\0' && lines < max_lines) {
        size_t len = strlen(s), cut = len;
        char buf[LNT_DRAW_TEXT_MAX];

        if (per_line < 8)
            per_line = 8;
        if (cut > (size_t)per_line) {
            cut = (size_t)per_line;
            while (cut > 0 && s[cut] != ' ')
                cut--;
            if (cut == 0)
                cut = (size_t)per_line;
        }
        if (cut >= sizeof buf)
            cut = sizeof buf - 1;
        memcpy(buf, s, cut);
        buf[cut] = '\0';
        text(dl, x, y + lines * line_h, w, line_h, size, false, LNT_ALIGN_LEFT, fg, "%s", buf);
        s += cut;
        while (*s == ' ')
            s++;
        lines++;
    }
    return lines * line_h;
}

static void hhmm(int64_t t, char out[8])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (t <= 0 || localtime_r(&tt, &tm) == NULL) {
        snprintf(out, 8, "--:--");
        return;
    }
    snprintf(out, 8, "%02d:%02d", tm.tm_hour % 24, tm.tm_min % 60);
}

static void status_bar(struct lnt_draw_list *dl, const struct lnt_status *st)
{
    char clock[8], synced[8];

    rect(dl, 0, 0, LNT_SCREEN_W, BAR_H, C_BAR);
    if (!st->enrolled)
        text(dl, 10, 0, 150, BAR_H, 18, true, LNT_ALIGN_LEFT, C_AMBER, SYM_OFF " Not enrolled");
    else if (st->online)
        text(dl, 10, 0, 150, BAR_H, 18, true, LNT_ALIGN_LEFT, C_TEXT, SYM_ON " Online");
    else
        text(dl, 10, 0, 150, BAR_H, 18, true, LNT_ALIGN_LEFT, C_AMBER, SYM_OFF " Offline");
    text(dl, 160, 0, 140, BAR_H, 18, false, LNT_ALIGN_LEFT, C_TEXT, "Unsent: %lld",
         (long long)st->unsent);
    hhmm(st->last_sync, synced);
    if (st->last_sync > 0)
        text(dl, 300, 0, 190, BAR_H, 18, false, LNT_ALIGN_LEFT, C_TEXT, "Last sync %s", synced);
    else
        text(dl, 300, 0, 190, BAR_H, 18, false, LNT_ALIGN_LEFT, C_DIM, "Never synced");
    if (st->aside > 0)
        text(dl, 490, 0, 210, BAR_H, 18, true, LNT_ALIGN_LEFT, C_AMBER, SYM_WARN " %lld set aside",
             (long long)st->aside);
    hhmm(st->now, clock);
    text(dl, 700, 0, 90, BAR_H, 22, true, LNT_ALIGN_RIGHT, C_TEXT, "%s", clock);
}

static const char *role_words(enum lnt_role r)
{
    switch (r) {
    case LNT_ROLE_DOOR:
        return "Door supervisor";
    case LNT_ROLE_BAR:
        return "Bar staff";
    case LNT_ROLE_MANAGER:
        return "Manager";
    case LNT_ROLE_VOLUNTEER:
        return "Volunteer";
    case LNT_ROLE_NONE:
        break;
    }
    return "No role";
}

static void verdict_banner(struct lnt_draw_list *dl, enum lnt_verdict v, const char *words)
{
    struct lnt_rgb bg = v == LNT_VERDICT_GREEN ? C_GREEN : v == LNT_VERDICT_AMBER ? C_AMBER : C_RED;
    struct lnt_rgb fg = v == LNT_VERDICT_AMBER ? C_BLACK : C_TEXT;
    const char *word = v == LNT_VERDICT_GREEN   ? SYM_OK " GREEN"
                       : v == LNT_VERDICT_AMBER ? SYM_WARN " AMBER"
                                                : SYM_NO " RED";

    rect(dl, 0, BAR_H, LNT_SCREEN_W, 64, bg);
    text(dl, MARGIN, BAR_H, 200, 64, 34, true, LNT_ALIGN_LEFT, fg, "%s", word);
    text(dl, 220, BAR_H, LNT_SCREEN_W - 220 - MARGIN, 64, 20, true, LNT_ALIGN_LEFT, fg, "%s",
         words);
}

static void sia_line(struct lnt_draw_list *dl, const struct lnt_app_badge *b, int y)
{
    const struct lnt_badge_claims *c = &b->claims;
    char date[LNT_DATE_STRLEN] = "";

    if (c->sia_expires != 0)
        lnt_date_format(c->sia_expires, date);
    switch (b->sia) {
    case LNT_SIA_MISSING:
        text(dl, MARGIN, y, 760, 32, 22, true, LNT_ALIGN_LEFT, C_RED,
             SYM_NO " SIA licence: none on badge");
        break;
    case LNT_SIA_EXPIRED:
        text(dl, MARGIN, y, 760, 32, 22, true, LNT_ALIGN_LEFT, C_RED, SYM_NO " SIA %s: EXPIRED %s",
             c->sia_number, date);
        break;
    case LNT_SIA_EXPIRING:
        text(dl, MARGIN, y, 760, 32, 22, true, LNT_ALIGN_LEFT, C_AMBER,
             SYM_WARN " SIA %s: expires %s (%d days left)", c->sia_number, date,
             (int)b->sia_days_left);
        break;
    case LNT_SIA_VALID:
        text(dl, MARGIN, y, 760, 32, 22, false, LNT_ALIGN_LEFT, C_TEXT,
             SYM_OK " SIA %s: valid until %s (%d days)", c->sia_number, date,
             (int)b->sia_days_left);
        break;
    case LNT_SIA_NOT_REQUIRED:
        text(dl, MARGIN, y, 760, 32, 22, false, LNT_ALIGN_LEFT, C_DIM, "SIA licence: not required");
        break;
    }
}

static void training(struct lnt_draw_list *dl, const struct lnt_app_badge *b, int y)
{
    const struct lnt_badge_claims *c = &b->claims;
    size_t shown = c->n_courses < 4 ? c->n_courses : 4;

    if (c->n_courses == 0) {
        text(dl, MARGIN, y, 760, 28, 20, false, LNT_ALIGN_LEFT, C_DIM, "Training: none on badge");
        return;
    }
    for (size_t i = 0; i < shown; i++) {
        int x = MARGIN + (int)(i % 2) * 380, yy = y + (int)(i / 2) * 28;
        const char *name = lnt_course_name(c->courses[i].course);
        int32_t left = b->course_days_left[i];
        char date[LNT_DATE_STRLEN] = "";

        if (c->courses[i].expires == 0)
            text(dl, x, yy, 370, 28, 20, false, LNT_ALIGN_LEFT, C_TEXT, SYM_OK " %s", name);
        else if (left < 0) {
            lnt_date_format(c->courses[i].expires, date);
            text(dl, x, yy, 370, 28, 20, true, LNT_ALIGN_LEFT, C_AMBER, SYM_NO " %s: expired %s",
                 name, date);
        } else if (left <= LNT_APP_EXPIRING_DAYS)
            text(dl, x, yy, 370, 28, 20, true, LNT_ALIGN_LEFT, C_AMBER,
                 SYM_WARN " %s: %d days left", name, (int)left);
        else {
            lnt_date_format(c->courses[i].expires, date);
            text(dl, x, yy, 370, 28, 20, false, LNT_ALIGN_LEFT, C_TEXT, SYM_OK " %s: to %s", name,
                 date);
        }
    }
    if (c->n_courses > shown)
        text(dl, MARGIN, y + 56, 760, 24, 18, false, LNT_ALIGN_LEFT, C_DIM, "+ %zu more course%s",
             c->n_courses - shown, c->n_courses - shown == 1 ? "" : "s");
}

static void screen_badge(struct lnt_draw_list *dl, const struct lnt_app *app)
{
    const struct lnt_app_badge *b = &app->badge;

    verdict_banner(dl, b->verdict, b->verdict_words);
    text(dl, MARGIN, 112, 560, 48, 38, true, LNT_ALIGN_LEFT, C_TEXT, "%s", b->claims.name);
    text(dl, 580, 112, 200, 48, 20, true, LNT_ALIGN_RIGHT, b->on_shift ? C_GREEN : C_DIM, "%s",
         b->on_shift ? SYM_ON " On shift" : SYM_OFF " Not on shift");
    text(dl, MARGIN, 160, 760, 30, 22, false, LNT_ALIGN_LEFT, C_DIM, "%s " DASH " staff no. %s",
         role_words(b->claims.role), b->claims.subject);
    sia_line(dl, b, 194);
    training(dl, b, 232);
    if (app->save_error[0] != '\0')
        text(dl, MARGIN, 352, 760, 32, 20, true, LNT_ALIGN_LEFT, C_RED, SYM_NO " %s",
             app->save_error);
    button(dl, LNT_BTN_PRIMARY, MARGIN, BUTTON_Y, 500, BUTTON_H, b->on_shift ? C_BLUE : C_GREEN,
           C_TEXT, lnt_app_primary_label(app));
    button(dl, LNT_BTN_CANCEL, 540, BUTTON_Y, 240, BUTTON_H, C_GREY, C_TEXT, "Not now");
}

static void screen_refused(struct lnt_draw_list *dl, const struct lnt_app *app)
{
    rect(dl, 0, BAR_H, LNT_SCREEN_W, 64, C_RED);
    text(dl, MARGIN, BAR_H, 760, 64, 34, true, LNT_ALIGN_LEFT, C_TEXT,
         SYM_NO " BADGE NOT ACCEPTED");
    wrapped(dl, MARGIN, 130, 760, 28, C_TEXT, lnt_badge_reason_text(app->refused), 6);
    button(dl, LNT_BTN_DONE, 540, BUTTON_Y, 240, BUTTON_H, C_GREY, C_TEXT, "OK");
}

static void screen_saved(struct lnt_draw_list *dl, const struct lnt_app *app)
{
    const char *what = app->saved_type == LNT_EV_SIGN_IN    ? "Signed in"
                       : app->saved_type == LNT_EV_SIGN_OUT ? "Signed out"
                                                            : "Saved";

    rect(dl, 0, BAR_H, LNT_SCREEN_W, 64, C_GREEN);
    text(dl, MARGIN, BAR_H, 760, 64, 34, true, LNT_ALIGN_LEFT, C_TEXT, SYM_OK " SAVED");
    text(dl, MARGIN, 116, 760, 40, 28, false, LNT_ALIGN_LEFT, C_TEXT, "%s:", what);
    text(dl, MARGIN, 156, 760, 50, 36, true, LNT_ALIGN_LEFT, C_TEXT, "%s", app->badge.claims.name);
    wrapped(dl, MARGIN, 220, 760, 24, C_TEXT,
            "Saved " DASH " will reach the council's system when online.", 2);
    text(dl, MARGIN, 290, 760, 36, 24, false, LNT_ALIGN_LEFT, C_DIM, "Reference: %s",
         app->saved_ref);
    button(dl, LNT_BTN_DONE, 540, BUTTON_Y, 240, BUTTON_H, C_GREY, C_TEXT, "Done");
}

static void screen_idle(struct lnt_draw_list *dl, const struct lnt_status *st)
{
    text(dl, 0, 150, LNT_SCREEN_W, 70, 52, true, LNT_ALIGN_CENTRE, C_TEXT,
         st->enrolled ? "Show your badge" : "Not enrolled");
    text(dl, 0, 230, LNT_SCREEN_W, 40, 24, false, LNT_ALIGN_CENTRE, C_DIM,
         st->enrolled ? "Hold the QR code up to the camera, about a hand's width away"
                      : "Show the enrolment code from lanternctl kiosk add");
    if (st->venue != NULL && st->venue[0] != '\0')
        text(dl, 0, 400, LNT_SCREEN_W, 40, 22, false, LNT_ALIGN_CENTRE, C_DIM, "%s", st->venue);
}

void lnt_screen_build(const struct lnt_app *app, const struct lnt_status *st,
                      struct lnt_draw_list *out)
{
    out->n = 0;
    rect(out, 0, 0, LNT_SCREEN_W, LNT_SCREEN_H, C_BG);
    status_bar(out, st);
    switch (app->state) {
    case LNT_APP_IDLE:
        screen_idle(out, st);
        break;
    case LNT_APP_VERIFY:
        text(out, 0, 200, LNT_SCREEN_W, 60, 40, true, LNT_ALIGN_CENTRE, C_TEXT,
             "Checking badge...");
        break;
    case LNT_APP_BADGE:
        screen_badge(out, app);
        break;
    case LNT_APP_SAVING:
        text(out, 0, 200, LNT_SCREEN_W, 60, 40, true, LNT_ALIGN_CENTRE, C_TEXT, "Saving...");
        break;
    case LNT_APP_REFUSED:
        screen_refused(out, app);
        break;
    case LNT_APP_SAVED:
        screen_saved(out, app);
        break;
    }
}

int lnt_screen_hit(const struct lnt_draw_list *dl, int x, int y)
{
    /* Later commands are drawn on top, so they win. */
    for (size_t i = dl->n; i-- > 0;) {
        const struct lnt_draw *d = &dl->cmd[i];
        if (d->kind == LNT_DRAW_BUTTON && x >= d->x && x < d->x + d->w && y >= d->y &&
            y < d->y + d->h)
            return d->id;
    }
    return LNT_BTN_NONE;
}
