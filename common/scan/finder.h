/* finder.h - a cheap look for QR finder patterns, so the decoder only wakes for frames that may
 * hold a code. */
#ifndef LNT_FINDER_H
#define LNT_FINDER_H

#include <stdbool.h>
#include <stddef.h>

#include "image.h"

/*
 * Every QR code has three finder patterns (the big squares in its corners):
 * along any line through one's centre, dark, light, dark, light, dark in
 * the proportions 1:1:3:1:1. This module looks for them along a sample of
 * rows and columns, each pixel judged dark or light against the mean of its
 * neighbours on the line (so a dim corner, a lamp or a gradient do not
 * matter), and keeps the places where a row and a column agree. A frame is
 * worth decoding when at least two of those could be corners of one code:
 * each seen along enough lines for its size, similar module sizes, 8 to 200
 * modules apart. The box to decode is built from three that make a code's
 * corner (or the only two). Pure code: no ZBar, no allocation, nothing kept
 * between calls.
 *
 * The same walk counts, per 16 px cell, how often the colour changes along
 * the rows and along the columns. A code does so every two modules or so both
 * ways; a lens out of focus or a steep angle can spoil its finders for this
 * look while ZBar, which follows the slopes between pixels, still reads it.
 * So a code-sized patch of cells busy both ways is reported too (`textured`),
 * and the scanner gives ZBar a look at it.
 */
#define LNT_FINDER_MAX 16 /* candidates reported */

/* One finder-like place: centre in frame pixels, module size in pixels. */
struct lnt_finder {
    double x, y;
    double module;
    int votes;   /* row-and-column agreements merged into it */
    bool paired; /* it and another candidate could be corners of one code */
};

/* What lnt_finder_look saw. In `c`, paired candidates come first, and of those the ones the box
 * was built from. */
struct lnt_finder_look {
    size_t n; /* candidates in `c` */
    struct lnt_finder c[LNT_FINDER_MAX];
    size_t n_paired;        /* candidates with `paired` set (may be more than n) */
    bool crowded;           /* too many finder-like runs to sort out */
    bool worth_decoding;    /* crowded, or n_paired >= 2 */
    int x0, y0, x1, y1;     /* the code's box, margins included: [x0, x1) x [y0, y1); the whole
                               frame when unsure */
    size_t n_corners;       /* the box was built from c[0 .. n_corners): 3, 2 or 0 */
    bool textured;          /* a code-sized patch changes colour densely along rows and columns */
    int tx0, ty0, tx1, ty1; /* the largest such patch, a cell of margin around: [tx0, tx1) x ... */
};

/*
 * Looks at `img` (any size up to LNT_IMAGE_MAX_DIM a side, any stride) and
 * fills *out. Never fails: a frame too small to hold a code is simply not
 * worth decoding. `img` is only read.
 */
void lnt_finder_look(const struct lnt_image *img, struct lnt_finder_look *out);

/*
 * Up to `max` (at most LNT_FINDER_TRIPLES_MAX) triples of indices into look->c that could be one
 * code's three finders, the most-seen first: the box's own three, then the others a second look
 * may try when a data pattern that looks like a finder took a real one's place. Returns how many.
 */
#define LNT_FINDER_TRIPLES_MAX 8
size_t lnt_finder_triples(const struct lnt_finder_look *look, size_t (*out)[3], size_t max);

#endif
