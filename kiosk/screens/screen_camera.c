/* screen_camera.c - the camera on the idle screen: a small live view to aim a badge by. */
#include <string.h>

#include "screen_int.h"

#define VIEW_X 320
#define VIEW_Y 276
#define VIEW_W LNT_THUMB_W
#define VIEW_H LNT_THUMB_H

void lnt_thumb_make(const struct lnt_image *frame, struct lnt_thumb *out)
{
    int w, h;

    if (frame == NULL || frame->px == NULL || frame->w <= 0 || frame->h <= 0)
        return;
    /* The largest box of the frame's shape that fits, at least a pixel each way. */
    if ((int64_t)frame->w * LNT_THUMB_H >= (int64_t)frame->h * LNT_THUMB_W) {
        w = frame->w < LNT_THUMB_W ? frame->w : LNT_THUMB_W;
        h = (int)((int64_t)frame->h * w / frame->w);
    } else {
        h = frame->h < LNT_THUMB_H ? frame->h : LNT_THUMB_H;
        w = (int)((int64_t)frame->w * h / frame->h);
    }
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    for (int ty = 0; ty < h; ty++) {
        int y0 = (int)((int64_t)ty * frame->h / h), y1 = (int)((int64_t)(ty + 1) * frame->h / h);
        for (int tx = 0; tx < w; tx++) {
            int x0 = (int)((int64_t)tx * frame->w / w),
                x1 = (int)((int64_t)(tx + 1) * frame->w / w);
            uint64_t sum = 0, n = 0;
            /* Every pixel of a big box would cost a 1280x720 frame's worth each turn: a grid of
             * at most 4 x 4 samples per box is enough to aim by. */
            int sy = (y1 - y0 + 3) / 4, sx = (x1 - x0 + 3) / 4;
            for (int y = y0; y<y1; y += sy> 0 ? sy : 1)
                for (int x = x0; x<x1; x += sx> 0 ? sx : 1) {
                    sum += frame->px[(size_t)y * frame->stride + (size_t)x];
                    n++;
                }
            out->px[(size_t)ty * (size_t)w + (size_t)tx] = (uint8_t)(n > 0 ? sum / n : 0);
        }
    }
    out->w = w;
    out->h = h;
    out->seq++;
}

void lnt_screen_camera_view(struct lnt_draw_list *dl, const struct lnt_status *st)
{
    const struct lnt_thumb *t = st->camera;
    int w, h;

    if (t == NULL || t->w <= 0 || t->h <= 0)
        return;
    /* The picture keeps its shape inside the view, centred. */
    w = VIEW_W;
    h = t->h * VIEW_W / t->w;
    if (h > VIEW_H) {
        h = VIEW_H;
        w = t->w * VIEW_H / t->h;
    }
    lnt_dl_rect(dl, VIEW_X - 2, VIEW_Y - 2, VIEW_W + 4, VIEW_H + 4, C_GREY);
    lnt_dl_rect(dl, VIEW_X, VIEW_Y, VIEW_W, VIEW_H, C_BLACK);
    lnt_dl_image(dl, VIEW_X + (VIEW_W - w) / 2, VIEW_Y + (VIEW_H - h) / 2, w, h, t);
}
