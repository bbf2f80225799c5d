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
    bool dirty; /* the window lost its pixels (exposed, resized): draw even if unchanged */
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

enum lnt_err lnt_render_new(enum lnt_render_mode mode, bool fullscreen, struct lnt_render **out,
                            char *err)
{
    struct lnt_render *r;
    enum lnt_err rc = LNT_OK;

    *out = NULL;
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
        Uint32 flags = SDL_WINDOW_SHOWN | (fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
        r->win = SDL_CreateWindow("Lantern", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                  LNT_SCREEN_W, LNT_SCREEN_H, flags);
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
    } else {
        r->surface = SDL_CreateRGBSurfaceWithFormat(0, LNT_SCREEN_W, LNT_SCREEN_H, 32,
                                                    SDL_PIXELFORMAT_RGB888);
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
    /* The screens are laid out at 800x480; SDL scales, letterboxes, and maps pointer events back.
     */
    if (SDL_RenderSetLogicalSize(r->ren, LNT_SCREEN_W, LNT_SCREEN_H) != 0) {
        rc = sdl_fail(err, "SDL_RenderSetLogicalSize");
        goto out;
    }
    SDL_SetRenderDrawBlendMode(r->ren, SDL_BLENDMODE_BLEND);

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

static void fill(struct lnt_render *r, int x, int y, int w, int h, struct lnt_rgb c)
{
    SDL_Rect box = {x, y, w, h};
    SDL_SetRenderDrawColor(r->ren, c.r, c.g, c.b, 255);
    SDL_RenderFillRect(r->ren, &box);
}

/* One line of text in its box; a string the font cannot render is skipped with a log-free no-op. */
static void draw_text(struct lnt_render *r, const struct lnt_draw *d)
{
    SDL_Color fg = {d->fg.r, d->fg.g, d->fg.b, 255};
    SDL_Rect box = {d->x, d->y, d->w, d->h}, dst;
    SDL_Surface *s = NULL;
    SDL_Texture *t = NULL;
    TTF_Font *f;

    if (d->text[0] == '\0' || (f = font_get(r, d->size, d->bold)) == NULL)
        return;
    /* A long name shrinks (to 60% at most) rather than lose its end; past that it is clipped. */
    for (int size = d->size, w = 0; size > d->size * 3 / 5; size -= 2) {
        TTF_Font *smaller;
        if (TTF_SizeUTF8(f, d->text, &w, NULL) != 0 || w <= d->w)
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
    dst.y = d->y + (d->h - s->h) / 2;
    if (d->align == LNT_ALIGN_CENTRE)
        dst.x = d->x + (d->w - s->w) / 2;
    else if (d->align == LNT_ALIGN_RIGHT)
        dst.x = d->x + d->w - s->w;
    else
        dst.x = d->x;
    if (dst.x < d->x)
        dst.x = d->x; /* too wide: keep the start readable, clip the end */
    SDL_RenderSetClipRect(r->ren, &box);
    SDL_RenderCopy(r->ren, t, NULL, &dst);
    SDL_RenderSetClipRect(r->ren, NULL);

out:
    if (t != NULL)
        SDL_DestroyTexture(t);
    SDL_FreeSurface(s);
}

static void draw_list(struct lnt_render *r, const struct lnt_draw_list *dl)
{
    SDL_SetRenderDrawColor(r->ren, 0, 0, 0, 255);
    SDL_RenderClear(r->ren);
    for (size_t i = 0; i < dl->n && i < LNT_DRAW_MAX; i++) {
        const struct lnt_draw *d = &dl->cmd[i];
        switch (d->kind) {
        case LNT_DRAW_RECT:
            fill(r, d->x, d->y, d->w, d->h, d->bg);
            break;
        case LNT_DRAW_BUTTON: {
            struct lnt_rgb edge = {(uint8_t)(d->bg.r / 2 + 100), (uint8_t)(d->bg.g / 2 + 100),
                                   (uint8_t)(d->bg.b / 2 + 100)};
            fill(r, d->x, d->y, d->w, d->h, edge);
            fill(r, d->x + 3, d->y + 3, d->w - 6, d->h - 6, d->bg);
            draw_text(r, d);
            break;
        }
        case LNT_DRAW_TEXT:
            draw_text(r, d);
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

void lnt_render_poll(struct lnt_render *r, struct lnt_render_input *in)
{
    SDL_Event ev;

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
            break;
        case SDL_MOUSEBUTTONDOWN:
            /* A touch screen also reports its touches as mouse clicks; the finger event counts, not
             * this. */
            if (ev.button.which == SDL_TOUCH_MOUSEID || ev.button.button != SDL_BUTTON_LEFT ||
                in->tapped)
                break;
            in->tapped = true;
            in->x = ev.button.x; /* logical: SDL maps it through SDL_RenderSetLogicalSize */
            in->y = ev.button.y;
            break;
        case SDL_FINGERDOWN:
            if (in->tapped)
                break;
            /* The renderer's event watch normalises finger positions to the logical size. */
            in->tapped = true;
            in->x = (int)(ev.tfinger.x * (float)LNT_SCREEN_W);
            in->y = (int)(ev.tfinger.y * (float)LNT_SCREEN_H);
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
    /* Without the logical size the viewport is the whole output, letterbox bars included. */
    SDL_RenderSetLogicalSize(r->ren, 0, 0);
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
    SDL_RenderSetLogicalSize(r->ren, LNT_SCREEN_W, LNT_SCREEN_H);
    SDL_RenderPresent(r->ren);
    free(rgb);
    return rc;
}
