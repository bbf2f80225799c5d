/* render_sdl.c - draws a screen's command list with SDL2 and SDL2_ttf and turns touches into taps:
 * the one SDL seam. */
#include "render_sdl.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

#define FONT_CACHE 16

struct font_slot {
    int size;
    bool bold;
    TTF_Font *font;
};

struct lnt_render {
    enum lnt_render_mode mode;
    bool sdl_up, ttf_up;
    SDL_Window *win;
    SDL_Surface *surface; /* offscreen target */
    SDL_Renderer *ren;
    struct font_slot fonts[FONT_CACHE];
    size_t n_fonts;
    struct lnt_draw_list last; /* redrawn before reading pixels back */
    bool have_last;
    int out_w, out_h; /* output in pixels */
    float scale;      /* logical to physical */
    int ox, oy;       /* where the logical screen starts on the output */
    bool dirty;       /* the window lost its pixels (exposed, resized): draw even if unchanged */
    /* The one finger (or mouse button) being followed from press to release. */
    bool held;
    bool held_mouse;     /* the mouse, rather than a finger */
    SDL_FingerID finger; /* when a finger */
};

static enum lnt_err sdl_fail(char *err, const char *what)
{
    return lnt_fail(err, LNT_ERR_IO, "%s: %s", what, SDL_GetError());
}

/* Fails early, with the file and the package that provides it, when a font is missing. */
static enum lnt_err check_font(const char *path, char *err)
{
    TTF_Font *f = TTF_OpenFont(path, 12);
    if (f == NULL)
        return lnt_fail(err, LNT_ERR_IO,
                        "font %s: cannot open (%s); install the fonts-dejavu-core package", path,
                        TTF_GetError());
    TTF_CloseFont(f);
    return LNT_OK;
}

static TTF_Font *font_get(struct lnt_render *r, int size, bool bold)
{
    TTF_Font *f;

    if (size < 6)
        size = 6;
    if (size > 200)
        size = 200;
    for (size_t i = 0; i < r->n_fonts; i++)
        if (r->fonts[i].size == size && r->fonts[i].bold == bold)
            return r->fonts[i].font;
    f = TTF_OpenFont(bold ? LNT_FONT_BOLD : LNT_FONT_REGULAR, size);
    if (f == NULL)
        return NULL;
    if (r->n_fonts == FONT_CACHE) {
        /* The screens use a handful of sizes; evicting the oldest keeps the cache bounded
         * regardless. */
        TTF_CloseFont(r->fonts[0].font);
        memmove(&r->fonts[0], &r->fonts[1], sizeof r->fonts[0] * (FONT_CACHE - 1));
        r->n_fonts--;
    }
    r->fonts[r->n_fonts].size = size;
    r->fonts[r->n_fonts].bold = bold;
    r->fonts[r->n_fonts].font = f;
    r->n_fonts++;
    return f;
}

/* Scale and offset for the current output size: the largest factor that fits, centred. */
static void layout(struct lnt_render *r)
{
    int w = 0, h = 0;
    float sx, sy;

    if (SDL_GetRendererOutputSize(r->ren, &w, &h) != 0 || w <= 0 || h <= 0) {
        w = LNT_SCREEN_W;
        h = LNT_SCREEN_H;
    }
    r->out_w = w;
    r->out_h = h;
    sx = (float)w / (float)LNT_SCREEN_W;
    sy = (float)h / (float)LNT_SCREEN_H;
    r->scale = sx < sy ? sx : sy;
    r->ox = (int)(((float)w - (float)LNT_SCREEN_W * r->scale) / 2.0f);
    r->oy = (int)(((float)h - (float)LNT_SCREEN_H * r->scale) / 2.0f);
}

static int px_x(const struct lnt_render *r, int x)
{
    return r->ox + (int)((float)x * r->scale + 0.5f);
}

static int px_y(const struct lnt_render *r, int y)
{
    return r->oy + (int)((float)y * r->scale + 0.5f);
}

/* A logical box in output pixels; edges are scaled, not sizes, so neighbours never gap. */
static SDL_Rect px_box(const struct lnt_render *r, int x, int y, int w, int h)
{
    SDL_Rect b;

    b.x = px_x(r, x);
    b.y = px_y(r, y);
    b.w = px_x(r, x + w) - b.x;
    b.h = px_y(r, y + h) - b.y;
    return b;
}

enum lnt_err lnt_render_new(enum lnt_render_mode mode, bool fullscreen, struct lnt_render **out,
                            char *err)
{
    return lnt_render_new_sized(mode, fullscreen, LNT_SCREEN_W, LNT_SCREEN_H, out, err);
}

enum lnt_err lnt_render_new_sized(enum lnt_render_mode mode, bool fullscreen, int w, int h,
                                  struct lnt_render **out, char *err)
{
    struct lnt_render *r;
    enum lnt_err rc = LNT_OK;

    *out = NULL;
    if (w < 160 || h < 96 || w > 8192 || h > 8192)
        return lnt_fail(err, LNT_ERR_INVALID, "screen size %dx%d: expected 160x96 to 8192x8192", w,
                        h);
    r = calloc(1, sizeof *r);
    if (r == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    r->mode = mode;

    /* One touch must be one tap: no mouse events synthesised from touches. */
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    if (SDL_Init(mode == LNT_RENDER_WINDOW ? SDL_INIT_VIDEO : 0) != 0) {
        rc = sdl_fail(err, "SDL_Init");
        goto out;
    }
    r->sdl_up = true;
    if (TTF_Init() != 0) {
        rc = lnt_fail(err, LNT_ERR_IO, "TTF_Init: %s", TTF_GetError());
        goto out;
    }
    r->ttf_up = true;
    if ((rc = check_font(LNT_FONT_REGULAR, err)) != LNT_OK ||
        (rc = check_font(LNT_FONT_BOLD, err)) != LNT_OK)
        goto out;

    if (mode == LNT_RENDER_WINDOW) {
        Uint32 flags = SDL_WINDOW_SHOWN | SDL_WINDOW_RESIZABLE |
                       (fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
        r->win = SDL_CreateWindow("Lantern", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
                                  flags);
        if (r->win == NULL) {
            rc = sdl_fail(err, "SDL_CreateWindow");
            goto out;
        }
        r->ren = SDL_CreateRenderer(r->win, -1, 0);
        if (r->ren == NULL) {
            rc = sdl_fail(err, "SDL_CreateRenderer");
            goto out;
        }
        if (fullscreen)
            SDL_ShowCursor(SDL_DISABLE);
        SDL_StartTextInput();
    } else {
        r->surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888);
        if (r->surface == NULL) {
            rc = sdl_fail(err, "SDL_CreateRGBSurface");
            goto out;
        }
        r->ren = SDL_CreateSoftwareRenderer(r->surface);
        if (r->ren == NULL) {
            rc = sdl_fail(err, "SDL_CreateSoftwareRenderer");
            goto out;
        }
    }
    SDL_SetRenderDrawBlendMode(r->ren, SDL_BLENDMODE_BLEND);
    layout(r);

out:
    if (rc != LNT_OK) {
        lnt_render_free(r);
        return rc;
    }
    *out = r;
    return LNT_OK;
}

void lnt_render_free(struct lnt_render *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n_fonts; i++)
        TTF_CloseFont(r->fonts[i].font);
    if (r->ren != NULL)
        SDL_DestroyRenderer(r->ren);
    if (r->surface != NULL)
        SDL_FreeSurface(r->surface);
    if (r->win != NULL)
        SDL_DestroyWindow(r->win);
    if (r->ttf_up)
        TTF_Quit();
    if (r->sdl_up)
        SDL_Quit();
    free(r);
}

/* Fills a box already in output pixels. */
static void fill_px(struct lnt_render *r, SDL_Rect box, struct lnt_rgb c)
{
    SDL_SetRenderDrawColor(r->ren, c.r, c.g, c.b, 255);
    SDL_RenderFillRect(r->ren, &box);
}

/* One line of text in its box; a string the font cannot render is skipped with a log-free no-op. */
static void draw_text(struct lnt_render *r, const struct lnt_draw *d)
{
    SDL_Color fg = {d->fg.r, d->fg.g, d->fg.b, 255};
    SDL_Rect box = px_box(r, d->x, d->y, d->w, d->h), dst;
    SDL_Surface *s = NULL;
    SDL_Texture *t = NULL;
    TTF_Font *f;
    int pad = d->kind == LNT_DRAW_BUTTON ? (int)(8.0f * r->scale) : 0;
    int size0 = (int)((float)d->size * r->scale + 0.5f);

    if (d->text[0] == '\0' || (f = font_get(r, size0, d->bold)) == NULL)
        return;
    /* A long name shrinks (to 60% at most) rather than lose its end; past that it is clipped. */
    for (int size = size0, w = 0; size > size0 * 3 / 5; size -= 2) {
        TTF_Font *smaller;
        if (TTF_SizeUTF8(f, d->text, &w, NULL) != 0 || w <= box.w - 2 * pad)
            break;
        smaller = font_get(r, size - 2, d->bold);
        if (smaller == NULL)
            break;
        f = smaller;
    }
    s = TTF_RenderUTF8_Blended(f, d->text, fg);
    if (s == NULL)
        return;
    t = SDL_CreateTextureFromSurface(r->ren, s);
    if (t == NULL)
        goto out;
    dst.w = s->w;
    dst.h = s->h;
    dst.y = box.y + (box.h - s->h) / 2;
    if (d->align == LNT_ALIGN_CENTRE)
        dst.x = box.x + (box.w - s->w) / 2;
    else if (d->align == LNT_ALIGN_RIGHT)
        dst.x = box.x + box.w - s->w;
    else
        dst.x = box.x;
    if (dst.x < box.x + pad)
        dst.x = box.x + pad; /* too wide: keep the start readable, clip the end */
    SDL_RenderSetClipRect(r->ren, &box);
    SDL_RenderCopy(r->ren, t, NULL, &dst);
    SDL_RenderSetClipRect(r->ren, NULL);

out:
    if (t != NULL)
        SDL_DestroyTexture(t);
    SDL_FreeSurface(s);
}

/* A grey picture scaled into its box (smoothly: it is a photograph, not text). */
static void draw_image(struct lnt_render *r, const struct lnt_draw *d)
{
    const struct lnt_thumb *t = d->image;
    SDL_Texture *tex;
    SDL_Rect box = px_box(r, d->x, d->y, d->w, d->h);
    uint8_t *rgb;

    if (t == NULL || t->w <= 0 || t->h <= 0 || t->w > LNT_THUMB_W || t->h > LNT_THUMB_H)
        return;
    rgb = malloc((size_t)t->w * (size_t)t->h * 3);
    if (rgb == NULL)
        return;
    for (size_t i = 0; i < (size_t)t->w * (size_t)t->h; i++)
        rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = t->px[i];
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    tex = SDL_CreateTexture(r->ren, SDL_PIXELFORMAT_RGB24, SDL_TEXTUREACCESS_STATIC, t->w, t->h);
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest"); /* text stays crisp */
    if (tex != NULL && SDL_UpdateTexture(tex, NULL, rgb, t->w * 3) == 0)
        SDL_RenderCopy(r->ren, tex, NULL, &box);
    if (tex != NULL)
        SDL_DestroyTexture(tex);
    free(rgb);
}

static void draw_list(struct lnt_render *r, const struct lnt_draw_list *dl)
{
    layout(r);
    SDL_SetRenderDrawColor(r->ren, 0, 0, 0, 255);
    SDL_RenderClear(r->ren);
    for (size_t i = 0; i < dl->n && i < LNT_DRAW_MAX; i++) {
        const struct lnt_draw *d = &dl->cmd[i];
        switch (d->kind) {
        case LNT_DRAW_RECT:
            fill_px(r, px_box(r, d->x, d->y, d->w, d->h), d->bg);
            break;
        case LNT_DRAW_BUTTON: {
            struct lnt_rgb edge = {(uint8_t)(d->bg.r / 2 + 100), (uint8_t)(d->bg.g / 2 + 100),
                                   (uint8_t)(d->bg.b / 2 + 100)};
            SDL_Rect b = px_box(r, d->x, d->y, d->w, d->h);
            int e = (int)(3.0f * r->scale + 0.5f);
            fill_px(r, b, edge);
            b.x += e;
            b.y += e;
            b.w -= 2 * e;
            b.h -= 2 * e;
            fill_px(r, b, d->bg);
            draw_text(r, d);
            break;
        }
        case LNT_DRAW_TEXT:
            draw_text(r, d);
            break;
        case LNT_DRAW_IMAGE:
            draw_image(r, d);
            break;
        }
    }
}

static bool same_list(const struct lnt_draw_list *a, const struct lnt_draw_list *b)
{
    /* Commands are zeroed before they are filled, so padding compares equal too. */
    return a->n == b->n && a->n <= LNT_DRAW_MAX &&
           memcmp(a->cmd, b->cmd, a->n * sizeof a->cmd[0]) == 0;
}

enum lnt_err lnt_render_draw(struct lnt_render *r, const struct lnt_draw_list *dl, char *err)
{
    (void)err;
    /* Text is rasterised on every draw; an unchanged screen (most frames) costs nothing instead. */
    if (r->have_last && !r->dirty && same_list(dl, &r->last))
        return LNT_OK;
    if (dl != &r->last)
        memcpy(&r->last, dl, sizeof r->last);
    r->have_last = true;
    r->dirty = false;
    draw_list(r, dl);
    SDL_RenderPresent(r->ren);
    return LNT_OK;
}

void lnt_render_size(const struct lnt_render *r, int *w, int *h)
{
    *w = r->out_w;
    *h = r->out_h;
}

/* Output pixels to logical coordinates (may fall outside 800x480 in the letterbox). */
static void to_logical(const struct lnt_render *r, float px, float py, int *x, int *y)
{
    *x = (int)((px - (float)r->ox) / r->scale);
    *y = (int)((py - (float)r->oy) / r->scale);
}

/* Window coordinates to output pixels (they differ on high-DPI displays). */
static void window_to_output(struct lnt_render *r, float wx, float wy, float *px, float *py)
{
    int ww = 0, wh = 0;

    SDL_GetWindowSize(r->win, &ww, &wh);
    *px = ww > 0 ? wx * (float)r->out_w / (float)ww : wx;
    *py = wh > 0 ? wy * (float)r->out_h / (float)wh : wy;
}

/* Adds a press or release at output pixel (px, py). Past the cap (more than a finger can do in a
 * frame) the rest is dropped: a press without its release is replaced by the next press. */
static void touch(struct lnt_render *r, struct lnt_render_input *in, bool down, float px, float py)
{
    struct lnt_render_touch *t;

    if (in->n_touch == LNT_RENDER_TOUCH_MAX)
        return;
    t = &in->touch[in->n_touch++];
    t->down = down;
    to_logical(r, px, py, &t->x, &t->y);
}

void lnt_render_poll(struct lnt_render *r, struct lnt_render_input *in)
{
    SDL_Event ev;
    float px, py;

    memset(in, 0, sizeof *in);
    if (r->mode != LNT_RENDER_WINDOW)
        return;
    while (SDL_PollEvent(&ev)) {
        switch (ev.type) {
        case SDL_QUIT:
            in->quit = true;
            break;
        case SDL_WINDOWEVENT:
            r->dirty = true;
            break;
        case SDL_KEYDOWN:
            if (ev.key.keysym.sym == SDLK_ESCAPE)
                in->quit = true;
            else if (ev.key.keysym.sym == SDLK_F2)
                in->next_frame = true;
            else if (ev.key.keysym.sym == SDLK_BACKSPACE)
                in->key_delete = true;
            else if (ev.key.keysym.sym == SDLK_RETURN || ev.key.keysym.sym == SDLK_KP_ENTER)
                in->key_ok = true;
            break;
        case SDL_TEXTINPUT: {
            size_t n = strlen(in->text);
            for (const char *p = ev.text.text; *p != '\0' && n + 1 < sizeof in->text; p++)
                if ((unsigned char)*p >= 32 && (unsigned char)*p < 127)
                    in->text[n++] = *p;
            in->text[n] = '\0';
            break;
        }
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            /* A touch screen also reports its touches as mouse clicks; the finger event counts, not
             * this. */
            if (ev.button.which == SDL_TOUCH_MOUSEID || ev.button.button != SDL_BUTTON_LEFT)
                break;
            if (ev.type == SDL_MOUSEBUTTONDOWN ? r->held : !(r->held && r->held_mouse))
                break;
            r->held = ev.type == SDL_MOUSEBUTTONDOWN;
            r->held_mouse = true;
            window_to_output(r, (float)ev.button.x, (float)ev.button.y, &px, &py);
            touch(r, in, r->held, px, py);
            break;
        case SDL_FINGERDOWN:
        case SDL_FINGERUP:
            /* One finger at a time: a second one (a palm, a knuckle) while the first is down is
             * not a tap. */
            if (ev.type == SDL_FINGERDOWN
                    ? r->held
                    : !(r->held && !r->held_mouse && r->finger == ev.tfinger.fingerId))
                break;
            r->held = ev.type == SDL_FINGERDOWN;
            r->held_mouse = false;
            r->finger = ev.tfinger.fingerId;
            /* Finger positions are 0..1 across the whole output. */
            touch(r, in, r->held, ev.tfinger.x * (float)r->out_w, ev.tfinger.y * (float)r->out_h);
            break;
        default:
            break;
        }
    }
}

enum lnt_err lnt_render_save_png(struct lnt_render *r, const char *path, char *err)
{
    uint8_t *rgb = NULL;
    enum lnt_err rc = LNT_OK;
    int w = 0, h = 0;

    if (!r->have_last)
        return lnt_fail(err, LNT_ERR_STATE, "screenshot: nothing drawn yet");
    /* Pixels are only defined between drawing and presenting, so draw again and read before
     * presenting. */
    draw_list(r, &r->last);
    if (SDL_GetRendererOutputSize(r->ren, &w, &h) != 0 || w <= 0 || h <= 0) {
        rc = sdl_fail(err, "screenshot: output size");
        goto out;
    }
    rgb = malloc((size_t)w * (size_t)h * 3);
    if (rgb == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "screenshot: out of memory");
        goto out;
    }
    if (SDL_RenderReadPixels(r->ren, NULL, SDL_PIXELFORMAT_RGB24, rgb, w * 3) != 0) {
        rc = sdl_fail(err, "screenshot: SDL_RenderReadPixels");
        goto out;
    }
    rc = lnt_image_write_png_rgb(path, w, h, rgb, (size_t)w * 3, err);

out:
    SDL_RenderPresent(r->ren);
    free(rgb);
    return rc;
}
