/* image.h - 8-bit grey images and PNG files (libpng inside). */
#ifndef LNT_IMAGE_H
#define LNT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define LNT_IMAGE_MAX_DIM 8192

/* Grey, 8 bits per pixel, row-major, `stride` bytes per row. The caller owns `px`. */
struct lnt_image {
    int w, h;
    size_t stride;
    uint8_t *px;
};

/* Allocates a w x h image filled with `fill`. */
enum lnt_err lnt_image_init(struct lnt_image *img, int w, int h, uint8_t fill);
void lnt_image_release(struct lnt_image *img);

/*
 * Reads any PNG (grey, RGB, palette, alpha, 16-bit) as 8-bit grey
 * (alpha composited on white). Larger than LNT_IMAGE_MAX_DIM either way is
 * LNT_ERR_TOO_LARGE; a damaged file LNT_ERR_INVALID; missing LNT_ERR_IO.
 */
enum lnt_err lnt_image_read_png(const char *path, struct lnt_image *out, char *err);
/* Writes a grey PNG, via a temporary file renamed into place. */
enum lnt_err lnt_image_write_png(const char *path, const struct lnt_image *img, char *err);
/* Writes 8-bit RGB pixels (3 bytes each, `stride` bytes per row) as PNG. */
enum lnt_err lnt_image_write_png_rgb(const char *path, int w, int h, const uint8_t *rgb,
                                     size_t stride, char *err);

#endif
