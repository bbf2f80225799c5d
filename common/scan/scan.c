/* scan.c - finds QR codes in grey frames; the one file that talks to ZBar. */
#include "scan.h"

#include <stdlib.h>
#include <string.h>
#include <zbar.h>

#include "finder.h"

/*
 * Most frames at a door show no badge, and ZBar's cost grows with what is
 * in view: a shelf of bottles costs it several times a bare wall. So ZBar
 * is only woken when our own finder look (finder.h, under a millisecond
 * for a 640x480 frame) sees two finder-like patterns that could be one
 * code's corners. It then reads the box those finders imply, first along every
 * third row and column (a badge held up plainly), then along all of them (a
 * small or faint one); when that finds nothing (a finder missed, a wrong
 * guess at the box) it reads the whole frame the same two ways. Not
 * thread-safe: one scanner per thread. `copy` holds a frame only when its
 * rows are padded, because ZBar's Y800 format wants them packed; `crop`
 * holds the box.
 */
#define QUICK_DENSITY 3

struct lnt_scanner {
    zbar_image_scanner_t *zs;    /* thorough */
    zbar_image_scanner_t *quick; /* every third line */
    uint8_t *copy;
    size_t copy_size;
    uint8_t *crop;
    size_t crop_size;
    struct lnt_scanner_stats stats;
};

/*
 * QR only, binary data as decoded, no result cache (the kiosk de-duplicates), no D-Bus. With
 * D-Bus on, libzbar announces every code it reads on the system bus, connecting afresh each
 * time, and prints "Connection Error (...)" and "Connection Null" on stderr wherever there is no
 * system bus (a kiosk, a container); zbarimg turns it on unless given --nodbus. We keep a badge's
 * text off the bus, and stderr clean, whatever a build's default. A libzbar built without D-Bus
 * answers 1 (nothing to turn off), so the answer is not checked.
 */
static int configure(zbar_image_scanner_t *zs, int density)
{
    (void)zbar_image_scanner_request_dbus(zs, 0);
    if (zbar_image_scanner_set_config(zs, ZBAR_NONE, ZBAR_CFG_ENABLE, 0) != 0 ||
        zbar_image_scanner_set_config(zs, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1) != 0 ||
        zbar_image_scanner_set_config(zs, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1) != 0 ||
        zbar_image_scanner_set_config(zs, ZBAR_NONE, ZBAR_CFG_X_DENSITY, density) != 0 ||
        zbar_image_scanner_set_config(zs, ZBAR_NONE, ZBAR_CFG_Y_DENSITY, density) != 0)
        return -1;
    zbar_image_scanner_enable_cache(zs, 0);
    return 0;
}

enum lnt_err lnt_scanner_new(struct lnt_scanner **out, char *err)
{
    struct lnt_scanner *s;
    enum lnt_err rc;

    *out = NULL;
    s = calloc(1, sizeof *s);
    if (s == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "scanner: out of memory");
    s->zs = zbar_image_scanner_create();
    s->quick = zbar_image_scanner_create();
    if (s->zs == NULL || s->quick == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "scanner: cannot create the ZBar scanner");
        goto out_free;
    }
    /*
     * QR only: fewer false reads and less work per frame. BINARY hands back
     * the decoded bytes as they are, instead of ZBar guessing a character set
     * and converting.
     */
    if (configure(s->zs, 1) != 0 || configure(s->quick, QUICK_DENSITY) != 0) {
        rc = lnt_fail(err, LNT_ERR_INTERNAL, "scanner: ZBar refused the QR-only configuration");
        goto out_free;
    }
    *out = s;
    return LNT_OK;

out_free:
    lnt_scanner_free(s);
    return rc;
}

void lnt_scanner_free(struct lnt_scanner *s)
{
    if (s == NULL)
        return;
    if (s->zs != NULL)
        zbar_image_scanner_destroy(s->zs);
    if (s->quick != NULL)
        zbar_image_scanner_destroy(s->quick);
    free(s->copy);
    free(s->crop);
    free(s);
}

void lnt_scanner_stats(const struct lnt_scanner *s, struct lnt_scanner_stats *out)
{
    *out = s->stats;
}

/* Grows `*buf` to hold `need` bytes; false when out of memory (the old buffer is kept). */
static bool reserve(uint8_t **buf, size_t *size, size_t need)
{
    uint8_t *p;

    if (*size >= need)
        return true;
    p = realloc(*buf, need);
    if (p == NULL)
        return false;
    *buf = p;
    *size = need;
    return true;
}

/* Returns the frame's pixels packed (stride == w): borrowed when they already are. */
static const uint8_t *packed_pixels(struct lnt_scanner *s, const struct lnt_image *frame)
{
    size_t w = (size_t)frame->w, need = w * (size_t)frame->h;

    if (frame->stride == w)
        return frame->px;
    if (!reserve(&s->copy, &s->copy_size, need))
        return NULL;
    for (int y = 0; y < frame->h; y++)
        memcpy(s->copy + (size_t)y * w, frame->px + (size_t)y * frame->stride, w);
    return s->copy;
}

/* The first QR symbol ZBar found in `zi` with `zs`, or NULL; n < 0 on failure. */
static const zbar_symbol_t *scan_with(zbar_image_scanner_t *zs, zbar_image_t *zi, int *n)
{
    const zbar_symbol_t *sym;

    *n = zbar_scan_image(zs, zi);
    if (*n <= 0)
        return NULL;
    for (sym = zbar_image_first_symbol(zi); sym != NULL; sym = zbar_symbol_next(sym))
        if (zbar_symbol_get_type(sym) == ZBAR_QRCODE)
            return sym;
    return NULL;
}

/*
 * Reads `w` x `h` packed pixels with ZBar, the quick scanner and then, if it found nothing, the
 * thorough one. *found and `out` as lnt_scanner_scan. The pixels are borrowed.
 */
static enum lnt_err read_code(struct lnt_scanner *s, const uint8_t *px, int w, int h, char *out,
                              size_t out_size, bool *found, char *err)
{
    zbar_image_t *zi = NULL;
    const zbar_symbol_t *sym;
    const char *data;
    unsigned len;
    enum lnt_err rc = LNT_OK;
    int n;

    zi = zbar_image_create();
    if (zi == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "scanner: out of memory");
    zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(zi, (unsigned)w, (unsigned)h);
    /* Borrowed: no cleanup handler, so ZBar never frees or copies the pixels. */
    zbar_image_set_data(zi, px, (unsigned long)w * (unsigned long)h, NULL);

    sym = scan_with(s->quick, zi, &n);
    if (sym == NULL && n >= 0)
        sym = scan_with(s->zs, zi, &n);
    if (n < 0) {
        rc = lnt_fail(err, LNT_ERR_INTERNAL, "scanner: ZBar failed on a %dx%d frame", w, h);
        goto out;
    }
    if (sym == NULL)
        goto out;

    data = zbar_symbol_get_data(sym);
    len = zbar_symbol_get_data_length(sym);
    if (data == NULL || memchr(data, '\0', len) != NULL) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "scanner: QR code holds binary data, not text");
        goto out;
    }
    if ((size_t)len >= out_size) {
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "scanner: QR text of %u bytes does not fit %zu", len,
                      out_size);
        goto out;
    }
    memcpy(out, data, len);
    out[len] = '\0';
    *found = true;
out:
    zbar_image_destroy(zi);
    return rc;
}

enum lnt_err lnt_scanner_scan(struct lnt_scanner *s, const struct lnt_image *frame, char *out,
                              size_t out_size, bool *found, char *err)
{
    struct lnt_finder_look look;
    const uint8_t *px;
    enum lnt_err rc;

    *found = false;
    if (out_size > 0)
        out[0] = '\0';
    if (frame->px == NULL || frame->w <= 0 || frame->h <= 0 || frame->stride < (size_t)frame->w)
        return lnt_fail(err, LNT_ERR_INVALID, "scanner: bad frame %dx%d, stride %zu", frame->w,
                        frame->h, frame->stride);
    if (frame->w > LNT_IMAGE_MAX_DIM || frame->h > LNT_IMAGE_MAX_DIM)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "scanner: frame %dx%d is over %d pixels a side",
                        frame->w, frame->h, LNT_IMAGE_MAX_DIM);
    s->stats.frames++;
    lnt_finder_look(frame, &look);
    if (!look.worth_decoding) {
        s->stats.skipped++;
        return LNT_OK;
    }

    if (look.x0 > 0 || look.y0 > 0 || look.x1 < frame->w || look.y1 < frame->h) {
        int w = look.x1 - look.x0, h = look.y1 - look.y0;
        if (!reserve(&s->crop, &s->crop_size, (size_t)w * (size_t)h))
            return lnt_fail(err, LNT_ERR_NOMEM, "scanner: out of memory for a %dx%d box", w, h);
        for (int y = 0; y < h; y++)
            memcpy(s->crop + (size_t)y * (size_t)w,
                   frame->px + (size_t)(look.y0 + y) * frame->stride + (size_t)look.x0, (size_t)w);
        s->stats.boxed++;
        rc = read_code(s, s->crop, w, h, out, out_size, found, err);
        if (rc != LNT_OK || *found)
            goto out;
    }

    px = packed_pixels(s, frame);
    if (px == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "scanner: out of memory for a %dx%d frame", frame->w,
                        frame->h);
    s->stats.whole++;
    rc = read_code(s, px, frame->w, frame->h, out, out_size, found, err);
out:
    s->stats.found += *found;
    return rc;
}
