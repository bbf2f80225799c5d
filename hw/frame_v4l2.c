/* frame_v4l2.c - camera frames straight from a V4L2 device (memory-mapped), as grey; the device
 * is reached through a table of system calls (v4l2_int.h) so tests can script one. */
#include "frame_impl.h"
#include "v4l2_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buf.h"

#define V4L2_BUFFERS 4
#define FRAME_WAIT_MS 2000

/* ---- the system's calls ---- */

static int sys_open(void *ctx, const char *path, int flags)
{
    (void)ctx;
    return open(path, flags);
}

static int sys_close(void *ctx, int fd)
{
    (void)ctx;
    return close(fd);
}

static int sys_ioctl(void *ctx, int fd, unsigned long req, void *arg)
{
    (void)ctx;
    return ioctl(fd, req, arg);
}

static void *sys_mmap(void *ctx, size_t len, int fd, off_t offset)
{
    (void)ctx;
    return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
}

static int sys_munmap(void *ctx, void *addr, size_t len)
{
    (void)ctx;
    return munmap(addr, len);
}

static int sys_poll(void *ctx, int fd, int timeout_ms)
{
    struct pollfd p = {fd, POLLIN, 0};

    (void)ctx;
    return poll(&p, 1, timeout_ms);
}

const struct lnt_v4l2_io lnt_v4l2_sys = {NULL,     sys_open,   sys_close, sys_ioctl,
                                         sys_mmap, sys_munmap, sys_poll};

/* ---- the frame source ---- */

struct mapped {
    void *start;
    size_t len;
};

struct frames_v4l2 {
    struct lnt_frame_source base;
    const struct lnt_v4l2_io *io; /* borrowed */
    char dev[256];
    int fd;
    int step, offset; /* where each pixel's luma is in a row (lnt_v4l2_luma) */
    struct lnt_v4l2_report report;
    struct mapped bufs[V4L2_BUFFERS];
    unsigned n_bufs;
    bool streaming;
    struct lnt_image frame;
};

static int xioctl(const struct lnt_v4l2_io *io, int fd, unsigned long req, void *arg)
{
    int r;

    do
        r = io->ioctl(io->ctx, fd, req, arg);
    while (r == -1 && errno == EINTR);
    return r;
}

static enum lnt_err v4l2_next(struct lnt_frame_source *src, const struct lnt_image **frame,
                              bool *eof, char *err)
{
    struct frames_v4l2 *v = (struct frames_v4l2 *)src;
    const struct lnt_v4l2_io *io = v->io;
    struct v4l2_buffer b;
    const uint8_t *in;
    size_t min_bytes;

    (void)eof;
    for (;;) {
        int r = io->poll(io->ctx, v->fd, FRAME_WAIT_MS);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return lnt_fail(err, LNT_ERR_IO, "camera %s: %s", v->dev, strerror(errno));
        if (r == 0)
            return lnt_fail(err, LNT_ERR_TIMEOUT, "camera %s: no frame for %d ms", v->dev,
                            FRAME_WAIT_MS);
        memset(&b, 0, sizeof b);
        b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        b.memory = V4L2_MEMORY_MMAP;
        if (xioctl(io, v->fd, VIDIOC_DQBUF, &b) == 0)
            break;
        if (errno != EAGAIN)
            return lnt_fail(err, LNT_ERR_IO, "camera %s: %s (unplugged?)", v->dev, strerror(errno));
    }
    if (b.index >= v->n_bufs)
        return lnt_fail(err, LNT_ERR_IO, "camera %s: driver gave buffer %u of %u", v->dev, b.index,
                        v->n_bufs);
    in = v->bufs[b.index].start;
    /* The luma of the last row ends at its last pixel; a short buffer keeps the last frame. */
    min_bytes = (size_t)v->report.bytesperline * (size_t)(v->frame.h - 1) +
                (size_t)(v->frame.w - 1) * (size_t)v->step + (size_t)v->offset + 1;
    if (b.bytesused >= min_bytes && b.bytesused <= v->bufs[b.index].len) {
        for (int y = 0; y < v->frame.h; y++) {
            const uint8_t *row = in + (size_t)y * v->report.bytesperline + v->offset;
            uint8_t *out = v->frame.px + (size_t)y * v->frame.stride;
            if (v->step == 1) {
                memcpy(out, row, (size_t)v->frame.w);
            } else {
                /* YUYV, UYVY: every other byte is luma, which is all a QR decoder needs. */
                for (int x = 0; x < v->frame.w; x++)
                    out[x] = row[(size_t)x * (size_t)v->step];
            }
        }
    }
    if (xioctl(io, v->fd, VIDIOC_QBUF, &b) != 0)
        return lnt_fail(err, LNT_ERR_IO, "camera %s: requeue: %s", v->dev, strerror(errno));
    *frame = &v->frame;
    return LNT_OK;
}

static void v4l2_free(struct lnt_frame_source *src)
{
    struct frames_v4l2 *v = (struct frames_v4l2 *)src;
    const struct lnt_v4l2_io *io = v->io;
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

    if (v->streaming)
        xioctl(io, v->fd, VIDIOC_STREAMOFF, &type);
    for (unsigned i = 0; i < v->n_bufs; i++)
        if (v->bufs[i].start != NULL)
            io->munmap(io->ctx, v->bufs[i].start, v->bufs[i].len);
    if (v->fd >= 0)
        io->close(io->ctx, v->fd);
    lnt_image_release(&v->frame);
    free(v);
}

static const struct lnt_frame_ops v4l2_ops = {"v4l2", v4l2_next, v4l2_free};

static enum lnt_err start_streaming(struct frames_v4l2 *v, char *err)
{
    const struct lnt_v4l2_io *io = v->io;
    struct v4l2_requestbuffers req;
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

    memset(&req, 0, sizeof req);
    req.count = V4L2_BUFFERS;
    req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    req.memory = V4L2_MEMORY_MMAP;
    if (xioctl(io, v->fd, VIDIOC_REQBUFS, &req) != 0 || req.count < 1)
        return lnt_fail(err, LNT_ERR_IO, "camera %s: cannot get capture buffers: %s", v->dev,
                        strerror(errno));
    v->n_bufs = req.count < V4L2_BUFFERS ? req.count : V4L2_BUFFERS;
    for (unsigned i = 0; i < v->n_bufs; i++) {
        struct v4l2_buffer b;
        void *start;
        memset(&b, 0, sizeof b);
        b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        b.memory = V4L2_MEMORY_MMAP;
        b.index = i;
        if (xioctl(io, v->fd, VIDIOC_QUERYBUF, &b) != 0)
            return lnt_fail(err, LNT_ERR_IO, "camera %s: buffer %u: %s", v->dev, i,
                            strerror(errno));
        start = io->mmap(io->ctx, b.length, v->fd, (off_t)b.m.offset);
        if (start == MAP_FAILED)
            return lnt_fail(err, LNT_ERR_IO, "camera %s: mmap: %s", v->dev, strerror(errno));
        v->bufs[i].start = start;
        v->bufs[i].len = b.length;
        if (xioctl(io, v->fd, VIDIOC_QBUF, &b) != 0)
            return lnt_fail(err, LNT_ERR_IO, "camera %s: queue: %s", v->dev, strerror(errno));
    }
    if (xioctl(io, v->fd, VIDIOC_STREAMON, &type) != 0)
        return lnt_fail(err, LNT_ERR_IO, "camera %s: cannot start: %s", v->dev, strerror(errno));
    v->streaming = true;
    return LNT_OK;
}

enum lnt_err lnt_frames_v4l2_open_io(const struct lnt_v4l2_io *io, const char *dev,
                                     const struct lnt_camera_settings *s,
                                     struct lnt_frame_source **out, char *err)
{
    struct lnt_camera_settings defaults;
    struct frames_v4l2 *v;
    struct v4l2_capability cap;
    enum lnt_err rc = LNT_OK;
    uint32_t caps;

    *out = NULL;
    if (s == NULL) {
        lnt_camera_settings_default(&defaults);
        s = &defaults;
    }
    v = calloc(1, sizeof *v);
    if (v == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "camera: out of memory");
    v->base.ops = &v4l2_ops;
    v->io = io;
    v->fd = -1;
    if (lnt_str_copy(v->dev, sizeof v->dev, dev) != LNT_OK) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "camera: device path too long");
        goto out;
    }
    v->fd = io->open(io->ctx, dev, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (v->fd < 0) {
        rc = lnt_fail(err, LNT_ERR_IO,
                      "camera %s: cannot open: %s (is the camera plugged in? `ls /dev/video*` "
                      "lists the cameras)",
                      dev, strerror(errno));
        goto out;
    }
    memset(&cap, 0, sizeof cap);
    if (xioctl(io, v->fd, VIDIOC_QUERYCAP, &cap) != 0) {
        rc = lnt_fail(err, LNT_ERR_IO, "camera %s: not a V4L2 device: %s", dev, strerror(errno));
        goto out;
    }
    caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING)) {
        rc = lnt_fail(err, LNT_ERR_IO, "camera %s: cannot capture video by streaming", dev);
        goto out;
    }
    /* More pixels per QR module where the camera has them. */
    rc = lnt_v4l2_negotiate(io, v->fd, v->dev, s->width, s->height, &v->report, err);
    if (rc != LNT_OK)
        goto out;
    lnt_v4l2_luma(v->report.pixfmt, &v->step, &v->offset);
    if (lnt_image_init(&v->frame, v->report.w, v->report.h, 0) != LNT_OK) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "camera: out of memory");
        goto out;
    }
    /* The format first: some drivers reset their controls when it changes. */
    lnt_v4l2_controls(io, v->fd, v->dev, s, &v->report);
    rc = start_streaming(v, err);

out:
    if (rc != LNT_OK) {
        v4l2_free(&v->base);
        return rc;
    }
    *out = &v->base;
    return LNT_OK;
}

enum lnt_err lnt_frames_v4l2_open(const char *dev, const struct lnt_camera_settings *s,
                                  struct lnt_frame_source **out, char *err)
{
    return lnt_frames_v4l2_open_io(&lnt_v4l2_sys, dev, s, out, err);
}

const struct lnt_v4l2_report *lnt_frames_v4l2_report(const struct lnt_frame_source *src)
{
    if (src == NULL || src->ops != &v4l2_ops)
        return NULL;
    return &((const struct frames_v4l2 *)src)->report;
}
