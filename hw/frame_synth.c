/* frame_synth.c - a synthetic frame source for tests: given images centred on grey frames. */
#include "frame_impl.h"

#include <stdlib.h>
#include <string.h>

/* Mid grey, so a code's own white quiet zone stands out as it would on a badge. */
#define SYNTH_BACKGROUND 160

struct frames_synth {
    struct lnt_frame_source base;
    const struct lnt_image **images; /* our array; the images are borrowed */
    int n;
    int next;
    int fail_from; /* reads from this frame on fail; -1 = never */
    struct lnt_image frame;
};

/* Copies `img` centred onto `frame`, clipped to it. */
static void blit_centred(struct lnt_image *frame, const struct lnt_image *img)
{
    int dx = (frame->w - img->w) / 2, dy = (frame->h - img->h) / 2;
    int x0 = dx < 0 ? -dx : 0, y0 = dy < 0 ? -dy : 0;
    int cw = img->w - x0 < frame->w ? img->w - x0 : frame->w;
    int ch = img->h - y0 < frame->h ? img->h - y0 : frame->h;

    if (dx < 0)
        dx = 0;
    if (dy < 0)
        dy = 0;
    for (int y = 0; y < ch; y++)
        memcpy(frame->px + (size_t)(dy + y) * frame->stride + (size_t)dx,
               img->px + (size_t)(y0 + y) * img->stride + (size_t)x0, (size_t)cw);
}

static enum lnt_err synth_next(struct lnt_frame_source *src, const struct lnt_image **frame,
                               bool *eof, char *err)
{
    struct frames_synth *fs = (struct frames_synth *)src;
    const struct lnt_image *img;

    if (fs->fail_from >= 0 && fs->next >= fs->fail_from)
        return lnt_fail(err, LNT_ERR_IO, "frames: synthetic camera unplugged at frame %d",
                        fs->fail_from);
    if (fs->next >= fs->n) {
        *eof = true;
        return LNT_OK;
    }
    img = fs->images != NULL ? fs->images[fs->next] : NULL;
    fs->next++;
    memset(fs->frame.px, SYNTH_BACKGROUND, fs->frame.stride * (size_t)fs->frame.h);
    if (img != NULL && img->px != NULL && img->w > 0 && img->h > 0)
        blit_centred(&fs->frame, img);
    *frame = &fs->frame;
    return LNT_OK;
}

static void synth_free(struct lnt_frame_source *src)
{
    struct frames_synth *fs = (struct frames_synth *)src;

    free(fs->images);
    lnt_image_release(&fs->frame);
    free(fs);
}

static const struct lnt_frame_ops synth_ops = {"synth", synth_next, synth_free};

enum lnt_err lnt_frames_synth_new(int w, int h, const struct lnt_image *const *images, int n,
                                  struct lnt_frame_source **out, char *err)
{
    struct frames_synth *fs;
    enum lnt_err rc;

    *out = NULL;
    if (n < 0)
        return lnt_fail(err, LNT_ERR_INVALID, "frames: %d synthetic frames", n);
    fs = calloc(1, sizeof *fs);
    if (fs == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "frames: out of memory");
    fs->base.ops = &synth_ops;
    fs->fail_from = -1;
    rc = lnt_image_init(&fs->frame, w, h, SYNTH_BACKGROUND);
    if (rc != LNT_OK) {
        rc = lnt_fail(err, rc, "frames: cannot make %dx%d synthetic frames", w, h);
        goto out_free;
    }
    if (images != NULL && n > 0) {
        fs->images = calloc((size_t)n, sizeof *fs->images);
        if (fs->images == NULL) {
            rc = lnt_fail(err, LNT_ERR_NOMEM, "frames: out of memory");
            goto out_free;
        }
        memcpy(fs->images, images, (size_t)n * sizeof *fs->images);
    }
    fs->n = n;
    *out = &fs->base;
    return LNT_OK;

out_free:
    synth_free(&fs->base);
    return rc;
}

enum lnt_err lnt_frames_synth_fail_from(struct lnt_frame_source *src, int i, char *err)
{
    struct frames_synth *fs = (struct frames_synth *)src;

    if (src == NULL || src->ops != &synth_ops)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "frames: only a synthetic source can be made to fail");
    fs->fail_from = fs->next + (i > 0 ? i : 0);
    return LNT_OK;
}
