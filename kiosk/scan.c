/* scan.c - finds QR codes in grey frames; the one file that talks to ZBar. */
#include "scan.h"

#include <stdlib.h>
#include <string.h>
#include <zbar.h>

/*
 * Two ZBar image scanners, reused for every frame: a quick one that looks
 * along every third row and column, and a thorough one that looks along all
 * of them. Most frames at a door show no badge; the quick look costs a
 * quarter of the thorough one and finds a badge held up plainly. Only a
 * frame with enough sharp edges to hold a code gets the thorough look too.
 * Not thread-safe: one scanner per thread. `copy` holds a frame only when
 * its rows are padded, because ZBar's Y800 format wants them packed.
 */
#define QUICK_DENSITY 3
#define EDGE_STEP 16    /* a grey-level jump this big between neighbours is an edge */
#define EDGE_ROW_STEP 8 /* rows sampled for edges */
#define BUSY_RATIO 128  /* one edge in this many sampled pixels could be a QR code */

struct lnt_scanner {
    zbar_image_scanner_t *zs;    /* thorough */
    zbar_image_scanner_t *quick; /* every third line */
    uint8_t *copy;
    size_t copy_size;
};

/* QR only, binary data as decoded, no result cache (the kiosk de-duplicates). */
static int configure(zbar_image_scanner_t *zs, int density)
{
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
    free(s);
}

/* Returns the frame's pixels packed (stride == w): borrowed when they already are. */
static const uint8_t *packed_pixels(struct lnt_scanner *s, const struct lnt_image *frame)
{
    size_t w = (size_t)frame->w, need = w * (size_t)frame->h;

    if (frame->stride == w)
        return frame->px;
    if (s->copy_size < need) {
        uint8_t *p = realloc(s->copy, need);
        if (p == NULL)
            return NULL;
        s->copy = p;
        s->copy_size = need;
    }
    for (int y = 0; y < frame->h; y++)
        memcpy(s->copy + (size_t)y * w, frame->px + (size_t)y * frame->stride, w);
    return s->copy;
}

/* Whether the frame has enough sharp edges to hold a QR code (sampled rows only: cheap). */
static bool looks_busy(const uint8_t *px, int w, int h)
{
    int64_t edges = 0;
    int64_t sampled = (int64_t)w * ((h + EDGE_ROW_STEP / 2) / EDGE_ROW_STEP);

    for (int y = EDGE_ROW_STEP / 2; y < h; y += EDGE_ROW_STEP) {
        const uint8_t *row = px + (size_t)y * (size_t)w;
        for (int x = 1; x < w; x++) {
            int d = (int)row[x] - (int)row[x - 1];
            edges += d >= EDGE_STEP || d <= -EDGE_STEP;
        }
        if (edges * BUSY_RATIO >= sampled)
            return true;
    }
    return false;
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

enum lnt_err lnt_scanner_scan(struct lnt_scanner *s, const struct lnt_image *frame, char *out,
                              size_t out_size, bool *found, char *err)
{
    zbar_image_t *zi = NULL;
    const zbar_symbol_t *sym;
    const uint8_t *px;
    const char *data;
    unsigned len;
    enum lnt_err rc = LNT_OK;
    int n;

    *found = false;
    if (out_size > 0)
        out[0] = '\0';
    if (frame->px == NULL || frame->w <= 0 || frame->h <= 0 || frame->stride < (size_t)frame->w)
        return lnt_fail(err, LNT_ERR_INVALID, "scanner: bad frame %dx%d, stride %zu", frame->w,
                        frame->h, frame->stride);
    if (frame->w > LNT_IMAGE_MAX_DIM || frame->h > LNT_IMAGE_MAX_DIM)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "scanner: frame %dx%d is over %d pixels a side",
                        frame->w, frame->h, LNT_IMAGE_MAX_DIM);
    px = packed_pixels(s, frame);
    if (px == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "scanner: out of memory for a %dx%d frame", frame->w,
                        frame->h);

    zi = zbar_image_create();
    if (zi == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "scanner: out of memory");
    zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(zi, (unsigned)frame->w, (unsigned)frame->h);
    /* Borrowed: no cleanup handler, so ZBar never frees or copies the pixels. */
    zbar_image_set_data(zi, px, (unsigned long)frame->w * (unsigned long)frame->h, NULL);

    sym = scan_with(s->quick, zi, &n);
    if (sym == NULL && n >= 0 && looks_busy(px, frame->w, frame->h))
        sym = scan_with(s->zs, zi, &n);
    if (n < 0) {
        rc = lnt_fail(err, LNT_ERR_INTERNAL, "scanner: ZBar failed on a %dx%d frame", frame->w,
                      frame->h);
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
