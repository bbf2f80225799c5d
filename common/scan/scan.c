/* scan.c - finds QR codes in grey frames; the one file that talks to ZBar. */
#include "scan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zbar.h>

#include "enhance.h"
#include "finder.h"

/*
 * Most frames at a door show no badge, and ZBar's cost grows with what is
 * in view: a shelf of bottles costs it several times a bare wall. So ZBar
 * is only woken when our own finder look (finder.h, about a millisecond
 * for a 640x480 frame) sees two finder-like patterns that could be one
 * code's corners, or failing that a code-sized patch that changes colour
 * densely along rows and columns (a code whose finders blur or a steep angle
 * spoilt for our look, but not always for ZBar's). It then reads the box
 * those imply, first along every third row and column (a badge held up
 * plainly), then along all of them (a small or faint one); then takes second
 * looks at the box (second_looks: square-on, sharpened, binarised, enlarged);
 * and when all that finds nothing it reads the whole frame the same two ways
 * as ZBar alone would, so that no frame ZBar alone reads is missed once woken.
 * Not thread-safe: one scanner per thread. `copy` holds a frame only when its
 * rows are padded, because ZBar's Y800 format wants them packed; `crop`
 * holds the box.
 */
#define QUICK_DENSITY 3
#define RECTIFIED_MODULE_PX 4        /* a code drawn square-on gets this many pixels a module */
#define RECTIFIED_MAX_SIDE 2048      /* ... and is at most this many pixels a side */
#define SHARPEN_PCT 150              /* unsharp mask: add 1.5 times the detail back */
#define HARD_SHARPEN_PCT 500         /* ... or 5 times, for small modules badly blurred */
#define SMALL_MODULE 3.5             /* modules this small (px) get a look at twice the size */
#define UPSCALE_MAX_AREA (800 * 800) /* ... when the box is no larger */
#define SQUARE_ON_TRIES 4            /* triples of finders drawn square-on, at most */

struct lnt_scanner {
    zbar_image_scanner_t *zs;    /* thorough */
    zbar_image_scanner_t *quick; /* every third line */
    uint8_t *copy;
    size_t copy_size;
    uint8_t *crop;
    size_t crop_size;
    uint8_t *work, *work2; /* second looks at the box (enhance.h) */
    size_t work_size, work2_size;
    uint32_t *sum;   /* their summed-area table */
    size_t sum_size; /* entries */
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
    free(s->work);
    free(s->work2);
    free(s->sum);
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

/* Grows s->sum to `need` entries; false when out of memory (the old table is kept). */
static bool reserve_sum(struct lnt_scanner *s, size_t need)
{
    uint32_t *p;

    if (s->sum_size >= need)
        return true;
    p = realloc(s->sum, need * sizeof *p);
    if (p == NULL)
        return false;
    s->sum = p;
    s->sum_size = need;
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
 * Reads `w` x `h` packed pixels with `zs`, or when that is NULL with the quick scanner and then,
 * if it found nothing, the thorough one. *found and `out` as lnt_scanner_scan. The pixels are
 * borrowed.
 */
static enum lnt_err read_with(struct lnt_scanner *s, zbar_image_scanner_t *zs, const uint8_t *px,
                              int w, int h, char *out, size_t out_size, bool *found, char *err)
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

    sym = scan_with(zs != NULL ? zs : s->quick, zi, &n);
    if (sym == NULL && n >= 0 && zs == NULL)
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

/*
 * The three corners as printed, from three finders that could be one code's: the corner finder
 * faces the longest side, and the other two are told apart by which way round they go.
 */
static void corners_of(const struct lnt_finder_look *look, const size_t idx[3],
                       struct lnt_code_corners *cc)
{
    const struct lnt_finder c[3] = {look->c[idx[0]], look->c[idx[1]], look->c[idx[2]]};
    double d01 = hypot(c[0].x - c[1].x, c[0].y - c[1].y);
    double d02 = hypot(c[0].x - c[2].x, c[0].y - c[2].y);
    double d12 = hypot(c[1].x - c[2].x, c[1].y - c[2].y);
    size_t a = d12 >= d01 && d12 >= d02 ? 0 : d02 >= d01 ? 1 : 2;
    size_t b = (a + 1) % 3, e = (a + 2) % 3, k[3];

    /* Printed, tl -> tr turned clockwise (y down) points at bl. */
    if ((c[b].x - c[a].x) * (c[e].y - c[a].y) - (c[b].y - c[a].y) * (c[e].x - c[a].x) < 0) {
        size_t t = b;
        b = e;
        e = t;
    }
    k[0] = a;
    k[1] = b;
    k[2] = e;
    for (size_t i = 0; i < 3; i++) {
        cc->x[i] = c[k[i]].x;
        cc->y[i] = c[k[i]].y;
        cc->m[i] = c[k[i]].module;
    }
}

/*
 * Reads the code whose finders are look->c[idx[0..2]] drawn square-on, at the module sizes seen
 * and, when `both`, once more assuming the far side a little nearer. *found and `out` as
 * lnt_scanner_scan.
 */
static enum lnt_err square_on(struct lnt_scanner *s, const struct lnt_image *frame,
                              const struct lnt_finder_look *look, const size_t idx[3], bool both,
                              char *out, size_t out_size, bool *found, char *err)
{
    struct lnt_code_corners cc;
    /* The far finder's modules tend to look a little small, so the second try leans nearer. */
    const double bias[2] = {0, -0.1};
    enum lnt_err rc = LNT_OK;
    int side;

    corners_of(look, idx, &cc);
    side = lnt_enhance_rectified_side(&cc, RECTIFIED_MODULE_PX, RECTIFIED_MAX_SIDE);
    if (side <= 0)
        return LNT_OK;
    if (!reserve(&s->work, &s->work_size, (size_t)side * (size_t)side))
        return lnt_fail(err, LNT_ERR_NOMEM, "scanner: out of memory for a %dx%d square", side,
                        side);
    for (size_t i = 0; i < (both ? 2u : 1u) && !*found && rc == LNT_OK; i++) {
        lnt_enhance_rectify(frame, &cc, RECTIFIED_MODULE_PX, bias[i], bias[i], side, s->work);
        rc = read_with(s, s->zs, s->work, side, side, out, out_size, found, err);
    }
    return rc;
}

/*
 * Second looks at the box's `w` x `h` pixels in s->crop, the thorough scanner only, until one
 * reads: the code square-on (when finders that make a code's corner are known: `look`),
 * sharpened, binarised against the local mean; for small modules twice the size sharpened,
 * then sharpened hard, then sharpened twice over; and last square-on again from the other
 * triples of finders that could be a code's. `module` is the module size the finders saw, 0
 * when unknown. *found and `out` as lnt_scanner_scan.
 */
static enum lnt_err second_looks(struct lnt_scanner *s, const struct lnt_image *frame,
                                 const struct lnt_finder_look *look, int w, int h, double module,
                                 char *out, size_t out_size, bool *found, char *err)
{
    size_t area = (size_t)w * (size_t)h, triples[SQUARE_ON_TRIES][3], n_triples = 0;
    enum lnt_err rc = LNT_OK;
    int r;

    if (look != NULL)
        n_triples = lnt_finder_triples(look, triples, SQUARE_ON_TRIES);
    if (n_triples > 0) {
        rc = square_on(s, frame, look, triples[0], true, out, out_size, found, err);
        if (rc != LNT_OK || *found)
            return rc;
    }
    if (!reserve(&s->work, &s->work_size, area) ||
        !reserve_sum(s, area + (size_t)w + (size_t)h + 1))
        return lnt_fail(err, LNT_ERR_NOMEM, "scanner: out of memory for a %dx%d box", w, h);

    /* A module or so around: the blur's spread. */
    r = module >= 4 ? (int)(module / 2 + 0.5) : 2;
    lnt_enhance_sharpen(s->crop, w, h, r, SHARPEN_PCT, s->sum, s->work);
    rc = read_with(s, s->zs, s->work, w, h, out, out_size, found, err);
    if (rc != LNT_OK || *found)
        return rc;

    /* The mean of a few modules around: the light across the code does not matter. */
    r = module > 0 ? (int)(1.5 * module + 0.5) : 6;
    r = r < 2 ? 2 : r > 16 ? 16 : r;
    lnt_enhance_binarise(s->crop, w, h, r, s->sum, s->work);
    rc = read_with(s, s->zs, s->work, w, h, out, out_size, found, err);
    if (rc != LNT_OK || *found)
        return rc;

    if ((module <= 0 || module < SMALL_MODULE) && area <= UPSCALE_MAX_AREA) {
        if (!reserve(&s->work, &s->work_size, 4 * area) ||
            !reserve(&s->work2, &s->work2_size, 4 * area) ||
            !reserve_sum(s, 4 * area + 2 * (size_t)w + 2 * (size_t)h + 1))
            return lnt_fail(err, LNT_ERR_NOMEM, "scanner: out of memory for a %dx%d box", w, h);
        lnt_enhance_upscale2(s->crop, w, h, s->work2);
        lnt_enhance_sharpen(s->work2, 2 * w, 2 * h, 4, SHARPEN_PCT, s->sum, s->work);
        rc = read_with(s, s->zs, s->work, 2 * w, 2 * h, out, out_size, found, err);
        /* Blur as wide as the small modules themselves: sharpen much harder, or twice over. */
        if (rc == LNT_OK && !*found) {
            lnt_enhance_sharpen(s->crop, w, h, 2, HARD_SHARPEN_PCT, s->sum, s->work);
            rc = read_with(s, s->zs, s->work, w, h, out, out_size, found, err);
        }
        if (rc == LNT_OK && !*found) {
            lnt_enhance_sharpen(s->crop, w, h, 2, SHARPEN_PCT, s->sum, s->work2);
            lnt_enhance_sharpen(s->work2, w, h, 2, SHARPEN_PCT, s->sum, s->work);
            rc = read_with(s, s->zs, s->work, w, h, out, out_size, found, err);
        }
    }
    for (size_t t = 1; t < n_triples && rc == LNT_OK && !*found; t++)
        rc = square_on(s, frame, look, triples[t], false, out, out_size, found, err);
    return rc;
}

/* Copies [x0, x1) x [y0, y1) of `frame` into s->crop, packed. */
static bool crop_to(struct lnt_scanner *s, const struct lnt_image *frame, int x0, int y0, int x1,
                    int y1)
{
    int w = x1 - x0, h = y1 - y0;

    if (!reserve(&s->crop, &s->crop_size, (size_t)w * (size_t)h))
        return false;
    for (int y = 0; y < h; y++)
        memcpy(s->crop + (size_t)y * (size_t)w,
               frame->px + (size_t)(y0 + y) * frame->stride + (size_t)x0, (size_t)w);
    return true;
}

static enum lnt_err read_code(struct lnt_scanner *s, const uint8_t *px, int w, int h, char *out,
                              size_t out_size, bool *found, char *err)
{
    return read_with(s, NULL, px, w, h, out, out_size, found, err);
}

enum lnt_err lnt_scanner_scan(struct lnt_scanner *s, const struct lnt_image *frame, char *out,
                              size_t out_size, bool *found, char *err)
{
    struct lnt_finder_look look;
    const uint8_t *px;
    enum lnt_err rc;
    int x0, y0, x1, y1;
    double module = 0;

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
    if (look.worth_decoding) {
        x0 = look.x0;
        y0 = look.y0;
        x1 = look.x1;
        y1 = look.y1;
        for (size_t i = 0; i < look.n_corners; i++)
            module += look.c[i].module / (double)look.n_corners;
    } else if (look.textured) {
        s->stats.textured++;
        x0 = look.tx0;
        y0 = look.ty0;
        x1 = look.tx1;
        y1 = look.ty1;
    } else {
        s->stats.skipped++;
        return LNT_OK;
    }

    if (x0 > 0 || y0 > 0 || x1 < frame->w || y1 < frame->h) {
        int w = x1 - x0, h = y1 - y0;
        if (!crop_to(s, frame, x0, y0, x1, y1))
            return lnt_fail(err, LNT_ERR_NOMEM, "scanner: out of memory for a %dx%d box", w, h);
        s->stats.boxed++;
        rc = read_code(s, s->crop, w, h, out, out_size, found, err);
        if (rc == LNT_OK && !*found) {
            rc = second_looks(s, frame, look.worth_decoding ? &look : NULL, w, h, module, out,
                              out_size, found, err);
            s->stats.second += *found;
        }
        if (rc != LNT_OK || *found)
            goto out;
    }

    /* Whatever the box gave, ZBar's own look at the whole frame: never fewer reads than ZBar. */
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
