/* screen.c - the kiosk's screens as a list of draw commands at a logical 800x480 (no SDL here):
 * helpers, status bar, idle, refused, saved, and finding buttons. */
#include "screen.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "ltime.h"
#include "night.h"
#include "screen_int.h"

static struct lnt_draw *add(struct lnt_draw_list *dl, enum lnt_draw_kind kind, int x, int y, int w,
                            int h)
{
    struct lnt_draw *d;

    /* The screens stay under the cap (a test checks each); past it, commands are dropped, never
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

void lnt_dl_rect(struct lnt_draw_list *dl, int x, int y, int w, int h, struct lnt_rgb bg)
{
    struct lnt_draw *d = add(dl, LNT_DRAW_RECT, x, y, w, h);
    if (d != NULL)
        d->bg = bg;
}

static void text_v(struct lnt_draw_list *dl, int x, int y, int w, int h, int size, bool bold,
                   enum lnt_align align, struct lnt_rgb fg, const char *fmt, va_list ap)
{
    char line[LNT_DRAW_TEXT_MAX * 2];
    struct lnt_draw *d = add(dl, LNT_DRAW_TEXT, x, y, w, h);

    if (d == NULL)
        return;
    vsnprintf(line, sizeof line, fmt, ap);
    set_text(d, line);
    d->size = size;
    d->bold = bold;
    d->align = align;
    d->fg = fg;
}

void lnt_dl_text(struct lnt_draw_list *dl, int x, int y, int w, int h, int size, bool bold,
                 enum lnt_align align, struct lnt_rgb fg, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    text_v(dl, x, y, w, h, size, bold, align, fg, fmt, ap);
    va_end(ap);
}

void lnt_dl_text_id(struct lnt_draw_list *dl, int x, int y, int w, int h, int size, bool bold,
                    enum lnt_align align, struct lnt_rgb fg, enum lnt_sid id, ...)
{
    va_list ap;

    va_start(ap, id);
    text_v(dl, x, y, w, h, size, bold, align, fg, lnt_str(id), ap);
    va_end(ap);
}

void lnt_dl_button(struct lnt_draw_list *dl, int id, int x, int y, int w, int h, struct lnt_rgb bg,
                   struct lnt_rgb fg, int size, const char *label)
{
    struct lnt_draw *d =
        add(dl, LNT_DRAW_BUTTON, x, y, w, h < LNT_BUTTON_MIN_H ? LNT_BUTTON_MIN_H : h);
    if (d == NULL)
        return;
    d->id = id;
    d->bg = bg;
    d->fg = fg;
    d->size = size;
    d->bold = true;
    d->align = LNT_ALIGN_CENTRE;
    set_text(d, label);
}

/*
 * Width is estimated from the font size (DejaVu Sans averages about 0.55 em,
 * bold a little more); the renderer shrinks or clips whatever still overflows.
 */
int lnt_dl_wrapped(struct lnt_draw_list *dl, int x, int y, int w, int size, struct lnt_rgb fg,
                   bool bold, const char *s, int max_lines)
{
    int per_line = w * 20 / (size * (bold ? 12 : 11));
    int line_h = size * 4 / 3;
    int lines = 0;

    if (per_line < 8)
        per_line = 8;
    while (*s != '\0' && lines < max_lines) {
        size_t len = strlen(s), cut = len;
        char buf[LNT_DRAW_TEXT_MAX];

        if (cut > (size_t)per_line) {
            cut = (size_t)per_line;
            while (cut > 0 && s[cut] != ' ')
                cut--;
            if (cut == 0)
                cut = (size_t)per_line;
        }
        if (cut >= sizeof buf)
            cut = sizeof buf - 1;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--; /* never split a UTF-8 sequence */
        memcpy(buf, s, cut);
        buf[cut] = '\0';
        lnt_dl_text(dl, x, y + lines * line_h, w, line_h, size, bold, LNT_ALIGN_LEFT, fg, "%s",
                    buf);
        s += cut;
        while (*s == ' ')
            s++;
        lines++;
    }
    return lines * line_h;
}

void lnt_dl_hhmm(int64_t t, char out[8])
{
    int64_t local, sod;

    if (t <= 0) {
        snprintf(out, 8, "--:--");
        return;
    }
    local = t + lnt_london_offset(t);
    sod = (local % 86400 + 86400) % 86400;
    snprintf(out, 8, "%02d:%02d", (int)(sod / 3600), (int)(sod / 60 % 60));
}

static void status_bar(struct lnt_draw_list *dl, const struct lnt_status *st)
{
    char clock[8], synced[8];

    lnt_dl_rect(dl, 0, 0, LNT_SCREEN_W, BAR_H, C_BAR);
    if (!st->enrolled)
        lnt_dl_text_id(dl, 10, 0, 150, BAR_H, 18, true, LNT_ALIGN_LEFT, C_AMBER,
                       LNT_S_NOT_ENROLLED_BAR);
    else if (st->online)
        lnt_dl_text_id(dl, 10, 0, 150, BAR_H, 18, true, LNT_ALIGN_LEFT, C_TEXT, LNT_S_ONLINE);
    else
        lnt_dl_text_id(dl, 10, 0, 150, BAR_H, 18, true, LNT_ALIGN_LEFT, C_AMBER, LNT_S_OFFLINE);
    /* Anything waiting over an hour is flagged: the network or the server needs a look. */
    if (st->unsent > 0 && st->unsent_age > LNT_UNSENT_WARN_S)
        lnt_dl_text_id(dl, 160, 0, 170, BAR_H, 17, true, LNT_ALIGN_LEFT, C_AMBER, LNT_S_UNSENT_OLD,
                       (long long)st->unsent, (long long)(st->unsent_age / 3600));
    else
        lnt_dl_text_id(dl, 160, 0, 170, BAR_H, 18, false, LNT_ALIGN_LEFT, C_TEXT, LNT_S_UNSENT,
                       (long long)st->unsent);
    lnt_dl_hhmm(st->last_sync, synced);
    if (st->last_sync > 0)
        lnt_dl_text_id(dl, 335, 0, 175, BAR_H, 18, false, LNT_ALIGN_LEFT, C_TEXT, LNT_S_LAST_SYNC,
                       synced);
    else
        lnt_dl_text_id(dl, 335, 0, 175, BAR_H, 18, false, LNT_ALIGN_LEFT, C_DIM,
                       LNT_S_NEVER_SYNCED);
    if (st->aside > 0)
        lnt_dl_text_id(dl, 510, 0, 180, BAR_H, 18, true, LNT_ALIGN_LEFT, C_AMBER, LNT_S_ASIDE,
                       (long long)st->aside);
    lnt_dl_hhmm(st->now, clock);
    lnt_dl_text(dl, 700, 0, 90, BAR_H, 22, true, LNT_ALIGN_RIGHT, C_TEXT, "%s", clock);
}

static void screen_refused(struct lnt_draw_list *dl, const struct lnt_app *app)
{
    int h;

    lnt_dl_rect(dl, 0, BAR_H, LNT_SCREEN_W, 64, C_RED);
    lnt_dl_text_id(dl, MARGIN, BAR_H, 760, 64, 34, true, LNT_ALIGN_LEFT, C_TEXT,
                   LNT_S_REFUSED_TITLE);
    h = lnt_dl_wrapped(dl, MARGIN, 120, 760, 30, C_TEXT, true, lnt_str_refused(app->refused), 2);
    lnt_dl_text_id(dl, MARGIN, 132 + h, 760, 34, 24, false, LNT_ALIGN_LEFT, C_DIM,
                   LNT_S_REFUSED_NEXT);
    lnt_dl_wrapped(dl, MARGIN, 168 + h, 760, 26, C_TEXT, false, lnt_str_refused_next(app->refused),
                   3);
    lnt_dl_button(dl, LNT_BTN_DONE, 540, BOTTOM_Y, 240, BUTTON_H, C_GREY, C_TEXT, 30,
                  lnt_str(LNT_S_OK));
}

static enum lnt_sid saved_words(const struct lnt_app *app)
{
    switch (app->saved_type) {
    case LNT_EV_SIGN_IN:
        return LNT_S_SAVED_SIGN_IN;
    case LNT_EV_SIGN_OUT:
        return LNT_S_SAVED_SIGN_OUT;
    case LNT_EV_STOCK:
        return LNT_S_SAVED_STOCK;
    case LNT_EV_SHIFT_START:
        return LNT_S_SAVED_SHIFT_START;
    case LNT_EV_SHIFT_END:
        return LNT_S_SAVED_SHIFT_END;
    case LNT_EV_INCIDENT:
        if (app->saved_flow == LNT_FLOW_ANGELA)
            return LNT_S_SAVED_ANGELA;
        if (app->saved_flow == LNT_FLOW_SPIKING)
            return app->saved_open ? LNT_S_SAVED_SPIKING_OPEN : LNT_S_SAVED_SPIKING;
        return LNT_S_SAVED_INCIDENT;
    default:
        return LNT_S_SAVED_GENERIC;
    }
}

static void screen_saved(struct lnt_draw_list *dl, const struct lnt_app *app)
{
    int64_t threshold = app->cfg.cup_threshold > 0 ? app->cfg.cup_threshold : LNT_APP_CUP_THRESHOLD;

    lnt_dl_rect(dl, 0, BAR_H, LNT_SCREEN_W, 64, C_GREEN);
    lnt_dl_text_id(dl, MARGIN, BAR_H, 760, 64, 34, true, LNT_ALIGN_LEFT, C_TEXT, LNT_S_SAVED_TITLE);
    lnt_dl_text_id(dl, MARGIN, 112, 760, 40, 28, false, LNT_ALIGN_LEFT, C_TEXT, saved_words(app));
    lnt_dl_text(dl, MARGIN, 154, 760, 50, 36, true, LNT_ALIGN_LEFT, C_TEXT, "%s",
                app->badge.claims.name);
    lnt_dl_wrapped(dl, MARGIN, 212, 760, 22, C_TEXT, false, lnt_str(LNT_S_SAVED_NOTE), 2);
    lnt_dl_text_id(dl, MARGIN, 248, 760, 34, 24, false, LNT_ALIGN_LEFT, C_DIM, LNT_S_SAVED_REF,
                   app->saved_ref);
    if (app->saved_open) {
        lnt_dl_rect(dl, MARGIN, 322, 760, 56, C_AMBER);
        lnt_dl_text_id(dl, MARGIN + 10, 322, 740, 56, 20, true, LNT_ALIGN_LEFT, C_BLACK,
                       LNT_S_SAVED_OPEN_NOTE);
    }
    if (app->saved_type == LNT_EV_STOCK && app->saved_stock >= 0) {
        if (app->saved_stock < threshold) {
            lnt_dl_rect(dl, MARGIN, 322, 760, 56, C_AMBER);
            lnt_dl_text_id(dl, MARGIN + 10, 322, 740, 56, 22, true, LNT_ALIGN_LEFT, C_BLACK,
                           LNT_S_STOCK_LOW, (long long)app->saved_stock, (long long)threshold);
        } else {
            lnt_dl_text_id(dl, MARGIN, 322, 760, 40, 22, false, LNT_ALIGN_LEFT, C_TEXT,
                           LNT_S_STOCK_LEVEL, (long long)app->saved_stock);
        }
    }
    lnt_dl_button(dl, LNT_BTN_DONE, 540, BOTTOM_Y, 240, BUTTON_H, C_GREY, C_TEXT, 30,
                  lnt_str(LNT_S_DONE));
}

static void screen_idle(struct lnt_draw_list *dl, const struct lnt_status *st)
{
    lnt_dl_text_id(dl, 0, 150, LNT_SCREEN_W, 70, 52, true, LNT_ALIGN_CENTRE, C_TEXT,
                   st->enrolled ? LNT_S_SHOW_BADGE : LNT_S_ENROL_TITLE);
    lnt_dl_text_id(dl, 0, 230, LNT_SCREEN_W, 40, 22, false, LNT_ALIGN_CENTRE, C_DIM,
                   st->enrolled ? LNT_S_SHOW_BADGE_HINT : LNT_S_ENROL_HINT);
    if (st->venue != NULL && st->venue[0] != '\0')
        lnt_dl_text(dl, 0, 400, LNT_SCREEN_W, 40, 22, false, LNT_ALIGN_CENTRE, C_DIM, "%s",
                    st->venue);
}

void lnt_screen_build(const struct lnt_app *app, const struct lnt_status *st,
                      struct lnt_draw_list *out)
{
    out->n = 0;
    lnt_dl_rect(out, 0, 0, LNT_SCREEN_W, LNT_SCREEN_H, C_BG);
    status_bar(out, st);
    switch (app->state) {
    case LNT_APP_IDLE:
        screen_idle(out, st);
        break;
    case LNT_APP_VERIFY:
        lnt_dl_text_id(out, 0, 200, LNT_SCREEN_W, 60, 40, true, LNT_ALIGN_CENTRE, C_TEXT,
                       LNT_S_CHECKING);
        break;
    case LNT_APP_BADGE:
        lnt_screen_badge(out, app, st);
        break;
    case LNT_APP_MENU:
        lnt_screen_menu(out, app, st);
        break;
    case LNT_APP_FORM:
        lnt_screen_form(out, app);
        break;
    case LNT_APP_REPORTS:
        lnt_screen_reports(out, app);
        break;
    case LNT_APP_SAVING:
        lnt_dl_text_id(out, 0, 200, LNT_SCREEN_W, 60, 40, true, LNT_ALIGN_CENTRE, C_TEXT,
                       LNT_S_SAVING);
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

/* The label without a leading symbol-and-space or a trailing space-and-symbol ("\u25C2 Back",
 * "More \u25B8"), into `out`. */
static void bare_label(const char *s, char *out, size_t size)
{
    const char *sp;
    size_t n;

    if ((unsigned char)s[0] >= 0x80 && (sp = strchr(s, ' ')) != NULL && sp - s <= 4)
        s = sp + 1;
    lnt_str_copy(out, size, s);
    n = strlen(out);
    sp = strrchr(out, ' ');
    if (sp != NULL && (unsigned char)sp[1] >= 0x80 && n - (size_t)(sp - out) <= 5)
        out[sp - out] = '\0';
}

int lnt_screen_find_label(const struct lnt_draw_list *dl, const char *label)
{
    char bare[LNT_DRAW_TEXT_MAX];
    size_t n = strlen(label);

    /* "Spiking*": the first button whose label starts so (open reports carry their time). */
    if (n > 1 && label[n - 1] == '*') {
        for (size_t i = 0; i < dl->n; i++) {
            if (dl->cmd[i].kind != LNT_DRAW_BUTTON)
                continue;
            bare_label(dl->cmd[i].text, bare, sizeof bare);
            if (strncmp(dl->cmd[i].text, label, n - 1) == 0 || strncmp(bare, label, n - 1) == 0)
                return dl->cmd[i].id;
        }
        return LNT_BTN_NONE;
    }
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < dl->n; i++) {
            const struct lnt_draw *d = &dl->cmd[i];
            if (d->kind != LNT_DRAW_BUTTON)
                continue;
            if (pass == 0 && strcmp(d->text, label) == 0)
                return d->id;
            bare_label(d->text, bare, sizeof bare);
            if (pass == 1 && strcmp(bare, label) == 0)
                return d->id;
        }
    return LNT_BTN_NONE;
}

size_t lnt_screen_buttons(const struct lnt_draw_list *dl)
{
    size_t n = 0;

    for (size_t i = 0; i < dl->n; i++)
        n += dl->cmd[i].kind == LNT_DRAW_BUTTON;
    return n;
}
