/* enhance.c - second looks at a code's box: sharpened, binarised, enlarged, or seen square-on. */
#include "enhance.h"

#include <math.h>
#include <string.h>

#define QUIET_MODULES 5 /* white drawn around a rectified code: the standard's 4 and one more */
#define MAX_DEPTH 0.6   /* one corner at most this much nearer or further than another */

/*
 * Summed-area table of src into sum ((w + 1) x (h + 1), first row and column 0). Unsigned
 * arithmetic wraps, and a box's sum is a difference of four entries, so it comes out right for
 * any frame size as long as one box's true sum fits 32 bits (the boxes here, 33 x 33 at most,
 * are far from it).
 */
static void summed_area(const uint8_t *src, int w, int h, uint32_t *sum)
{
    size_t sw = (size_t)w + 1;

    memset(sum, 0, sw * sizeof *sum);
    for (int y = 0; y < h; y++) {
        uint32_t row = 0;
        uint32_t *s = sum + (size_t)(y + 1) * sw;
        const uint32_t *above = s - sw;
        s[0] = 0;
        for (int x = 0; x < w; x++) {
            row += src[(size_t)y * (size_t)w + (size_t)x];
            s[x + 1] = above[x + 1] + row;
        }
    }
}

/* The sum over the box of radius r around (x, y), clipped to the picture; its area in *n. */
static uint32_t box_sum(const uint32_t *sum, int w, int h, int x, int y, int r, uint32_t *n)
{
    size_t sw = (size_t)w + 1;
    int x0 = x - r < 0 ? 0 : x - r, x1 = x + r + 1 > w ? w : x + r + 1;
    int y0 = y - r < 0 ? 0 : y - r, y1 = y + r + 1 > h ? h : y + r + 1;

    *n = (uint32_t)((x1 - x0) * (y1 - y0));
    return sum[(size_t)y1 * sw + (size_t)x1] - sum[(size_t)y0 * sw + (size_t)x1] -
           sum[(size_t)y1 * sw + (size_t)x0] + sum[(size_t)y0 * sw + (size_t)x0];
}

void lnt_enhance_sharpen(const uint8_t *src, int w, int h, int r, int amount_pct, uint32_t *sum,
                         uint8_t *dst)
{
    summed_area(src, w, h, sum);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t n, s = box_sum(sum, w, h, x, y, r, &n);
            int p = src[(size_t)y * (size_t)w + (size_t)x];
            /* p + amount * (p - s / n), in integers: scaled by 100 n. */
            int64_t v = (int64_t)p * 100 * n + (int64_t)amount_pct * ((int64_t)p * n - s);
            v /= (int64_t)100 * n;
            dst[(size_t)y * (size_t)w + (size_t)x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
}

void lnt_enhance_binarise(const uint8_t *src, int w, int h, int r, uint32_t *sum, uint8_t *dst)
{
    summed_area(src, w, h, sum);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t n, s = box_sum(sum, w, h, x, y, r, &n);
            uint32_t p = src[(size_t)y * (size_t)w + (size_t)x];
            dst[(size_t)y * (size_t)w + (size_t)x] = p * n < s ? 0 : 255;
        }
}

/* The source row or column below (*lo) and above (*hi) output position i, and the weight of *hi
 * in quarters: an output pixel's centre falls a quarter of a source pixel from one. */
static void taps(int i, int n, int *lo, int *hi, int *w_hi)
{
    int k = i / 2;

    if (i % 2 == 0) {
        *lo = k - 1;
        *hi = k;
        *w_hi = 3;
    } else {
        *lo = k;
        *hi = k + 1;
        *w_hi = 1;
    }
    *lo = *lo < 0 ? 0 : *lo;
    *hi = *hi > n - 1 ? n - 1 : *hi;
}

void lnt_enhance_upscale2(const uint8_t *src, int w, int h, uint8_t *dst)
{
    size_t sw = (size_t)w, dw = 2 * sw;

    for (int y = 0; y < 2 * h; y++) {
        int y0, y1, wy;
        const uint8_t *r0, *r1;
        taps(y, h, &y0, &y1, &wy);
        r0 = src + (size_t)y0 * sw;
        r1 = src + (size_t)y1 * sw;
        for (int x = 0; x < 2 * w; x++) {
            int x0, x1, wx;
            unsigned v;
            taps(x, w, &x0, &x1, &wx);
            v = (unsigned)((4 - wy) * ((4 - wx) * r0[x0] + wx * r0[x1]) +
                           wy * ((4 - wx) * r1[x0] + wx * r1[x1]));
            dst[(size_t)y * dw + (size_t)x] = (uint8_t)((v + 8) / 16);
        }
    }
}

/* Modules between tl and the other two finder centres, as the code is printed; 0 if unlike a
 * code. */
static double modules_across(const struct lnt_code_corners *c)
{
    double a = hypot(c->x[1] - c->x[0], c->y[1] - c->y[0]) / ((c->m[0] + c->m[1]) / 2);
    double b = hypot(c->x[2] - c->x[0], c->y[2] - c->y[0]) / ((c->m[0] + c->m[2]) / 2);

    if (!(c->m[0] > 0 && c->m[1] > 0 && c->m[2] > 0) || a < 7 || b < 7 || a > 2 * b || b > 2 * a)
        return 0;
    return (a + b) / 2;
}

int lnt_enhance_rectified_side(const struct lnt_code_corners *c, int module_px, int max_side)
{
    double n = modules_across(c), side;

    if (n <= 0 || module_px <= 0)
        return 0;
    side = (n + 7 + 2 * QUIET_MODULES) * module_px;
    return side > max_side ? 0 : (int)ceil(side);
}

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/*
 * Seen through a pinhole, a point of the card at (s, t) (tl at 0, tr at (1, 0), bl at (0, 1))
 * lands at (tl + s (1 + g) tr - s tl + t (1 + h) bl - t tl) / (1 + g s + h t), where 1 + g s + h t
 * is its depth against tl's. That maps the three centres where they were seen, and sizes there
 * go as 1 / depth: so g = m_tl / m_tr - 1 and h = m_tl / m_bl - 1.
 */
void lnt_enhance_rectify(const struct lnt_image *frame, const struct lnt_code_corners *c,
                         int module_px, double depth_bias_x, double depth_bias_y, int side,
                         uint8_t *dst)
{
    double n = modules_across(c), span = n * module_px;
    double q = (3.5 + QUIET_MODULES) * module_px;
    double g = clampd(c->m[0] / c->m[1] - 1 + depth_bias_x, -MAX_DEPTH, MAX_DEPTH);
    double h = clampd(c->m[0] / c->m[2] - 1 + depth_bias_y, -MAX_DEPTH, MAX_DEPTH);
    double ax = (1 + g) * c->x[1] - c->x[0], ay = (1 + g) * c->y[1] - c->y[0];
    double bx = (1 + h) * c->x[2] - c->x[0], by = (1 + h) * c->y[2] - c->y[0];

    for (int v = 0; v < side; v++)
        for (int u = 0; u < side; u++) {
            double s = (u + 0.5 - q) / span, t = (v + 0.5 - q) / span;
            double d = 1 + g * s + h * t, fx, fy;
            int x0, y0;
            uint8_t *o = dst + (size_t)v * (size_t)side + (size_t)u;
            if (n <= 0 || d < 0.2) {
                *o = 255;
                continue;
            }
            fx = (c->x[0] + s * ax + t * bx) / d - 0.5;
            fy = (c->y[0] + s * ay + t * by) / d - 0.5;
            if (!(fx >= 0 && fy >= 0 && fx < frame->w - 1 && fy < frame->h - 1)) {
                *o = 255;
                continue;
            }
            x0 = (int)fx;
            y0 = (int)fy;
            fx -= x0;
            fy -= y0;
            {
                const uint8_t *p = frame->px + (size_t)y0 * frame->stride + (size_t)x0;
                double top = p[0] + fx * (p[1] - p[0]);
                double bot = p[frame->stride] + fx * (p[frame->stride + 1] - p[frame->stride]);
                *o = (uint8_t)(top + fy * (bot - top) + 0.5);
            }
        }
}
