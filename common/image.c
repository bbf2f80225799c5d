/* image.c - 8-bit grey images and PNG files; the one file that talks to libpng. */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/*
 * Everything a libpng read or write holds, kept outside the frame that calls
 * setjmp(): fields changed between setjmp() and a longjmp() would otherwise be
 * indeterminate after the jump. The guarded functions only take a pointer to it.
 */
struct png_job {
    png_structp png;
    png_infop info;
    FILE *fp;
    uint8_t *scratch;          /* decoded rows before conversion to grey */
    png_bytep *rows;           /* row pointers into `scratch` or the caller's pixels */
    char msg[LNT_ERRBUF_SIZE]; /* libpng's last error message */
};

static void on_png_error(png_structp png, png_const_charp msg)
{
    struct png_job *job = png_get_error_ptr(png);

    snprintf(job->msg, sizeof job->msg, "%s", msg != NULL ? msg : "libpng error");
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp msg)
{
    /* Warnings (unknown chunks, bad gamma and the like) do not stop a read. */
    (void)png;
    (void)msg;
}

enum lnt_err lnt_image_init(struct lnt_image *img, int w, int h, uint8_t fill)
{
    memset(img, 0, sizeof *img);
    if (w <= 0 || h <= 0)
        return LNT_ERR_INVALID;
    if (w > LNT_IMAGE_MAX_DIM || h > LNT_IMAGE_MAX_DIM)
        return LNT_ERR_TOO_LARGE;
    img->px = malloc((size_t)w * (size_t)h);
    if (img->px == NULL)
        return LNT_ERR_NOMEM;
    memset(img->px, fill, (size_t)w * (size_t)h);
    img->w = w;
    img->h = h;
    img->stride = (size_t)w;
    return LNT_OK;
}

void lnt_image_release(struct lnt_image *img)
{
    if (img == NULL)
        return;
    free(img->px);
    memset(img, 0, sizeof *img);
}

/*
 * The libpng part of a read. Returns LNT_OK with `out` filled, or an error
 * code with job->msg / err saying why. Whatever it allocated stays in `job`
 * (or `out`) for the caller to free, whichever way it returns.
 */
static enum lnt_err read_guarded(struct png_job *job, const char *path, struct lnt_image *out,
                                 char *err)
{
    png_uint_32 w, h;
    int depth, color, channels;
    size_t rowbytes;

    if (setjmp(png_jmpbuf(job->png)))
        return lnt_fail(err, LNT_ERR_INVALID, "%s: damaged PNG: %s", path, job->msg);

    png_init_io(job->png, job->fp);
    png_set_sig_bytes(job->png, 8);
    /* Our own bound below reports TOO_LARGE; libpng's smaller default would say "damaged". */
    png_set_user_limits(job->png, 0x7fffffffu, 0x7fffffffu);
    png_read_info(job->png, job->info);
    png_get_IHDR(job->png, job->info, &w, &h, &depth, &color, NULL, NULL, NULL);
    if (w > LNT_IMAGE_MAX_DIM || h > LNT_IMAGE_MAX_DIM)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "%s: image is %lux%lu, at most %dx%d allowed", path,
                        (unsigned long)w, (unsigned long)h, LNT_IMAGE_MAX_DIM, LNT_IMAGE_MAX_DIM);

    /* To 8-bit grey, or 8-bit grey + alpha which is composited below. */
    png_set_expand(job->png);
    png_set_strip_16(job->png);
    if (color & PNG_COLOR_MASK_COLOR)
        png_set_rgb_to_gray_fixed(job->png, 1, -1, -1);
    png_set_interlace_handling(job->png);
    png_read_update_info(job->png, job->info);

    channels = png_get_channels(job->png, job->info);
    rowbytes = png_get_rowbytes(job->png, job->info);
    if (png_get_bit_depth(job->png, job->info) != 8 || (channels != 1 && channels != 2) ||
        rowbytes != (size_t)w * (size_t)channels)
        return lnt_fail(err, LNT_ERR_INVALID, "%s: unsupported PNG layout (%d channels)", path,
                        channels);

    /* Grey rows go straight into the result; grey + alpha goes through `scratch`. */
    if (lnt_image_init(out, (int)w, (int)h, 255) != LNT_OK)
        return lnt_fail(err, LNT_ERR_NOMEM, "%s: out of memory for a %lux%lu image", path,
                        (unsigned long)w, (unsigned long)h);
    job->rows = malloc(sizeof *job->rows * h);
    if (channels == 2)
        job->scratch = malloc(rowbytes * h);
    if (job->rows == NULL || (channels == 2 && job->scratch == NULL))
        return lnt_fail(err, LNT_ERR_NOMEM, "%s: out of memory for a %lux%lu image", path,
                        (unsigned long)w, (unsigned long)h);
    for (png_uint_32 y = 0; y < h; y++)
        job->rows[y] =
            channels == 1 ? out->px + (size_t)y * out->stride : job->scratch + (size_t)y * rowbytes;
    png_read_image(job->png, job->rows);
    png_read_end(job->png, NULL);

    if (channels == 1)
        return LNT_OK;
    for (png_uint_32 y = 0; y < h; y++) {
        const uint8_t *src = job->rows[y];
        uint8_t *dst = out->px + (size_t)y * out->stride;

        for (png_uint_32 x = 0; x < w; x++) {
            unsigned g = src[2 * x], a = src[2 * x + 1];
            /* Over white: g*a + 255*(1-a), rounded. */
            dst[x] = (uint8_t)((g * a + 255u * (255u - a) + 127u) / 255u);
        }
    }
    return LNT_OK;
}

enum lnt_err lnt_image_read_png(const char *path, struct lnt_image *out, char *err)
{
    struct png_job job;
    unsigned char sig[8];
    enum lnt_err rc;
    size_t n;

    memset(&job, 0, sizeof job);
    memset(out, 0, sizeof *out);
    job.fp = fopen(path, "rb");
    if (job.fp == NULL)
        return lnt_fail(err, LNT_ERR_IO, "%s: %s", path, strerror(errno));
    n = fread(sig, 1, sizeof sig, job.fp);
    if (n != sizeof sig) {
        if (ferror(job.fp))
            rc = lnt_fail(err, LNT_ERR_IO, "%s: %s", path, strerror(errno));
        else
            rc = lnt_fail(err, LNT_ERR_INVALID, "%s: not a PNG file (only %zu bytes)", path, n);
        goto out_close;
    }
    if (png_sig_cmp(sig, 0, sizeof sig) != 0) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "%s: not a PNG file (bad signature)", path);
        goto out_close;
    }
    job.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &job, on_png_error, on_png_warning);
    if (job.png != NULL)
        job.info = png_create_info_struct(job.png);
    if (job.png == NULL || job.info == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "%s: cannot set up the PNG reader", path);
        goto out_png;
    }
    rc = read_guarded(&job, path, out, err);
    if (rc != LNT_OK)
        lnt_image_release(out);
out_png:
    png_destroy_read_struct(job.png != NULL ? &job.png : NULL, job.info != NULL ? &job.info : NULL,
                            NULL);
    free(job.rows);
    free(job.scratch);
out_close:
    fclose(job.fp);
    return rc;
}

/* The libpng part of a write; `job->fp` is open. */
static enum lnt_err write_guarded(struct png_job *job, const char *path, int w, int h,
                                  const uint8_t *px, size_t stride, int color, char *err)
{
    if (setjmp(png_jmpbuf(job->png)))
        return lnt_fail(err, LNT_ERR_IO, "%s: writing PNG: %s", path, job->msg);

    job->rows = malloc(sizeof *job->rows * (size_t)h);
    if (job->rows == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "%s: out of memory", path);
    for (int y = 0; y < h; y++)
        /* libpng's row type is not const, but a writer only reads the rows. */
        job->rows[y] = (png_bytep)(uintptr_t)(px + (size_t)y * stride);
    png_init_io(job->png, job->fp);
    png_set_IHDR(job->png, job->info, (png_uint_32)w, (png_uint_32)h, 8, color, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(job->png, job->info);
    png_write_image(job->png, job->rows);
    png_write_end(job->png, NULL);
    return LNT_OK;
}

/* fsync()s the directory holding `path`, so that a rename into it is durable. Best effort. */
static void sync_parent_dir(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    int fd;

    if (slash == NULL) {
        dir[0] = '.';
        dir[1] = '\0';
    } else if (slash == path) {
        dir[0] = '/';
        dir[1] = '\0';
    } else {
        size_t n = (size_t)(slash - path);
        if (n >= sizeof dir)
            return;
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    (void)fsync(fd);
    close(fd);
}

/*
 * Writes `px` (1 or 3 bytes per pixel) as PNG to PATH.tmp, fsyncs it and renames
 * it over `path`. On failure `path` is untouched and the temporary file removed.
 */
static enum lnt_err write_png(const char *path, int w, int h, const uint8_t *px, size_t stride,
                              int channels, char *err)
{
    struct png_job job;
    char tmp[PATH_MAX];
    enum lnt_err rc;
    int fd = -1;
    int n;

    memset(&job, 0, sizeof job);
    if (w <= 0 || h <= 0 || px == NULL || stride < (size_t)w * (size_t)channels)
        return lnt_fail(err, LNT_ERR_INVALID, "%s: cannot write a %dx%d image with stride %zu",
                        path, w, h, stride);
    if (w > LNT_IMAGE_MAX_DIM || h > LNT_IMAGE_MAX_DIM)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "%s: image is %dx%d, at most %dx%d allowed", path,
                        w, h, LNT_IMAGE_MAX_DIM, LNT_IMAGE_MAX_DIM);
    n = snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return lnt_fail(err, LNT_ERR_INVALID, "%s: path too long", path);

    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return lnt_fail(err, LNT_ERR_IO, "%s: %s", tmp, strerror(errno));
    job.fp = fdopen(fd, "wb");
    if (job.fp == NULL) {
        rc = lnt_fail(err, LNT_ERR_IO, "%s: %s", tmp, strerror(errno));
        close(fd);
        goto out_unlink;
    }
    fd = -1; /* owned by job.fp now */

    job.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &job, on_png_error, on_png_warning);
    if (job.png != NULL)
        job.info = png_create_info_struct(job.png);
    if (job.png == NULL || job.info == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "%s: cannot set up the PNG writer", path);
        goto out_png;
    }
    rc = write_guarded(&job, path, w, h, px, stride,
                       channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, err);
    if (rc != LNT_OK)
        goto out_png;
    if (fflush(job.fp) != 0 || fsync(fileno(job.fp)) != 0) {
        rc = lnt_fail(err, LNT_ERR_IO, "%s: %s", tmp, strerror(errno));
        goto out_png;
    }

out_png:
    png_destroy_write_struct(job.png != NULL ? &job.png : NULL,
                             job.info != NULL ? &job.info : NULL);
    free(job.rows);
    if (fclose(job.fp) != 0 && rc == LNT_OK)
        rc = lnt_fail(err, LNT_ERR_IO, "%s: %s", tmp, strerror(errno));
    if (rc == LNT_OK && rename(tmp, path) != 0)
        rc = lnt_fail(err, LNT_ERR_IO, "%s: rename from %s: %s", path, tmp, strerror(errno));
    if (rc == LNT_OK) {
        sync_parent_dir(path);
        return LNT_OK;
    }
out_unlink:
    unlink(tmp);
    return rc;
}

enum lnt_err lnt_image_write_png(const char *path, const struct lnt_image *img, char *err)
{
    return write_png(path, img->w, img->h, img->px, img->stride, 1, err);
}

enum lnt_err lnt_image_write_png_rgb(const char *path, int w, int h, const uint8_t *rgb,
                                     size_t stride, char *err)
{
    return write_png(path, w, h, rgb, stride, 3, err);
}
