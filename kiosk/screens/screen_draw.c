/* screen_draw.c - draw lists: adding rectangles, text and buttons, finding a button again; the
 * words for a role. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
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

void lnt_dl_image(struct lnt_draw_list *dl, int x, int y, int w, int h, const struct lnt_thumb *t)
{
    struct lnt_draw *d = add(dl, LNT_DRAW_IMAGE, x, y, w, h);

    if (d == NULL)
        return;
    d->image = t;
    d->id = (int)(t->seq & 0x7fffffffu); /* a new frame changes the list: it is drawn again */
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

enum lnt_sid lnt_screen_role_words(enum lnt_role r)
{
    switch (r) {
    case LNT_ROLE_DOOR:
        return LNT_S_ROLE_DOOR;
    case LNT_ROLE_BAR:
        return LNT_S_ROLE_BAR;
    case LNT_ROLE_MANAGER:
        return LNT_S_ROLE_MANAGER;
    case LNT_ROLE_VOLUNTEER:
        return LNT_S_ROLE_VOLUNTEER;
    case LNT_ROLE_NONE:
        break;
    }
    return LNT_S_ROLE_NONE;
}
