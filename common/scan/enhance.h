/* enhance.h - second looks at a code's box: sharpened, binarised, enlarged, or seen square-on. */
#ifndef LNT_ENHANCE_H
#define LNT_ENHANCE_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"

/*
 * What the scanner hands ZBar when the box as the camera saw it gave nothing.
 * ZBar's line scanner finds edges from the slope between pixels: a lens out of
 * focus flattens a 4 px module's slopes below its threshold, a light's
 * reflection squeezes one part of a code into a few grey levels, and 3 px
 * modules leave it too few pixels per module. Its QR reader also gives up on a
 * card tilted 20 degrees or more. Each function here makes one new picture
 * from packed grey pixels (stride == width; rectify reads the frame itself);
 * none allocates, fails or keeps anything between calls: every buffer is the
 * caller's. Pure code, no ZBar.
 */

/*
 * Unsharp mask: dst = src + amount_pct% of (src - the mean of the (2r+1)^2 box around it),
 * clamped to 0..255. `sum` is scratch of (w + 1) * (h + 1) entries.
 */
void lnt_enhance_sharpen(const uint8_t *src, int w, int h, int r, int amount_pct, uint32_t *sum,
                         uint8_t *dst);

/*
 * Local-mean binarisation: a pixel is black (0) when darker than the mean of the (2r+1)^2 box
 * around it, else white (255). `sum` as lnt_enhance_sharpen.
 */
void lnt_enhance_binarise(const uint8_t *src, int w, int h, int r, uint32_t *sum, uint8_t *dst);

/* Twice the size, bilinear: dst is 2w x 2h. */
void lnt_enhance_upscale2(const uint8_t *src, int w, int h, uint8_t *dst);

/*
 * A code seen square-on. The three finder centres, in frame pixels, with the module size seen at
 * each: tl the corner one, tr along the code's first row, bl along its first column (so that
 * tr - tl turned 90 degrees clockwise points at bl, as printed). A module size smaller at one
 * finder than at another means that corner is further from the camera; with that, the three
 * centres fix the card's plane.
 */
struct lnt_code_corners {
    double x[3], y[3]; /* tl, tr, bl */
    double m[3];       /* module size at each, pixels */
};

/*
 * The side of the square lnt_enhance_rectify draws `c` into at `module_px` pixels a module
 * (quiet zone included), or 0 when the corners make no sensible code or the square would not fit
 * `max_side`.
 */
int lnt_enhance_rectified_side(const struct lnt_code_corners *c, int module_px, int max_side);

/*
 * Draws the code at `c` in `frame` square-on into dst (side x side, side from
 * lnt_enhance_rectified_side for the same arguments). depth_bias_x and _y are added to the
 * depths the module sizes suggest at tr and bl against tl (0 for as seen; a second try with a
 * little less covers module sizes misjudged at the far side). Outside the frame reads as white.
 */
void lnt_enhance_rectify(const struct lnt_image *frame, const struct lnt_code_corners *c,
                         int module_px, double depth_bias_x, double depth_bias_y, int side,
                         uint8_t *dst);

#endif
