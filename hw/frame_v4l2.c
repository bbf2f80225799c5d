/* frame_v4l2.c - camera frames straight from a V4L2 device (YUYV or GREY, memory-mapped), as grey.
 */
#include "frame_impl.h"

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

struct mapped {
    void *start;
    size_t len;
};

struct frames_v4l2 {
    struct lnt_frame_source base;
    char dev[256];
    int fd;
    uint32_t pixfmt; /* V4L2_PIX_FMT_YUYV or V4L2_PIX_FMT_GREY */
    uint32_t bytesperline;
    struct mapped bufs[V4L2_BUFFERS];
    unsigned n_bufs;
    bool streaming;
    struct lnt_image frame;
};

static int xioctl(int fd, unsigned long req, void *arg)
{
    int r;

    do
        r = ioctl(fd, req, arg);
    while (r == -1 && errno == EINTR);
    return r;
}

/* Whether the device offers pixel format `want` for capture. */
static bool offers(int fd, uint32_t want)
{
    struct v4l2_fmtdesc d;

    for (uint32_t i = 0; i < 64; i++) {
        memset(&d, 0, sizeof d);
        d.index = i;
        d.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        if (xioctl(fd, VIDIOC_ENUM_FMT, &d) != 0)
            return false;
        if (d.pixelformat == want)
            return true;
    }
    return false;
}

/* Asks for w x h; true when the device took exactly that. */
static bool try_size(struct frames_v4l2 *v, int w, int h)
{
    struct v4l2_format f;

    memset(&f, 0, sizeof f);
    f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    f.fmt.pix.width = (uint32_t)w;
    f.fmt.pix.height = (uint32_t)h;
    f.fmt.pix.pixelformat = v->pixfmt;
    f.fmt.pix.field = V4L2_FIELD_NONE;
    if (xioctl(v->fd, VIDIOC_S_FMT, &f) != 0)
        return false;
    if (f.fmt.pix.pixelformat != v->pixfmt || f.fmt.pix.width == 0 || f.fmt.pix.height == 0 ||
        f.fmt.pix.width > LNT_IMAGE_MAX_DIM || f.fmt.pix.height > LNT_IMAGE_MAX_DIM)
        return false;
    v->bytesperline = f.fmt.pix.bytesperline;
    if (v->bytesperline == 0)
        v->bytesperline = f.fmt.pix.width * (v->pixfmt == V4L2_PIX_FMT_YUYV ? 2 : 1);
    lnt_image_release(&v->frame);
    if (lnt_image_init(&v->frame, (int)f.fmt.pix.width, (int)f.fmt.pix.height, 0) != LNT_OK)
        return false;
    return (int)f.fmt.pix.width == w && (int)f.fmt.pix.height == h;
}

static enum lnt_err v4l2_next(struct lnt_frame_source *src, const struct lnt_image **frame,
                              bool *eof, char *err)
{
    struct frames_v4l2 *v = (struct frames_v4l2 *)src;
    struct v4l2_buffer b;
    struct pollfd p = {v->fd, POLLIN, 0};
    const uint8_t *in;
    size_t min_bytes;

    (void)eof;
    for (;;) {
        int r = poll(&p, 1, FRAME_WAIT_MS);
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
        if (xioctl(v->fd, VIDIOC_DQBUF, &b) == 0)
            break;
        if (errno != EAGAIN)
            return lnt_fail(err, LNT_ERR_IO, "camera %s: %s (unplugged?)", v->dev, strerror(errno));
    }
    if (b.index >= v->n_bufs)
        return lnt_fail(err, LNT_ERR_IO, "camera %s: driver gave buffer %u of %u", v->dev, b.index,
                        v->n_bufs);
    in = v->bufs[b.index].start;
    min_bytes = (size_t)v->bytesperline * (size_t)(v->frame.h - 1) +
                (size_t)v->frame.w * (v->pixfmt == V4L2_PIX_FMT_YUYV ? 2 : 1);
    if (b.bytesused >= min_bytes && b.bytesused <= v->bufs[b.index].len) {
        for (int y = 0; y < v->frame.h; y++) {
            const uint8_t *row = in + (size_t)y * v->bytesperline;
            uint8_t *out = v->frame.px + (size_t)y * v->frame.stride;
            if (v->pixfmt == V4L2_PIX_FMT_GREY) {
                memcpy(out, row, (size_t)v->frame.w);
            } else {
                /* YUYV: every other byte is luma, which is all a QR decoder needs. */
                for (int x = 0; x < v->frame.w; x++)
                    out[x] = row[2 * x];
            }
        }
    }
    if (xioctl(v->fd, VIDIOC_QBUF, &b) != 0)
        return lnt_fail(err, LNT_ERR_IO, "camera %s: requeue: %s", v->dev, strerror(errno));
    *frame = &v->frame;
    return LNT_OK;
}

static void v4l2_free(struct lnt_frame_source *src)
{
    struct frames_v4l2 *v = (struct frames_v4l2 *)src;
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

    if (v->streaming)
        xioctl(v->fd, VIDIOC_STREAMOFF, &type);
    for (unsigned i = 0; i < v->n_bufs; i++)
        if (v->bufs[i].start != NULL && v->bufs[i].start != MAP_FAILED)
            munmap(v->bufs[i].start, v->bufs[i].len);
    if (v->fd >= 0)
        close(v->fd);
    lnt_image_release(&v->frame);
    free(v);
}

static const struct lnt_frame_ops v4l2_ops = {"v4l2", v4l2_next, v4l2_free};

static enum lnt_err start_streaming(struct frames_v4l2 *v, char *err)
{
    struct v4l2_requestbuffers req;
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

    memset(&req, 0, sizeof req);
    req.count = V4L2_BUFFERS;
    req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    req.memory = V4L2_MEMORY_MMAP;
    if (xioctl(v->fd, VIDIOC_REQBUFS, &req) != 0 || req.count < 1)
        return lnt_fail(err, LNT_ERR_IO, "camera %s: cannot get capture buffers: %s", v->dev,
                        strerror(errno));
    v->n_bufs = req.count < V4L2_BUFFERS ? req.count : V4L2_BUFFERS;
    for (unsigned i = 0; i < v->n_bufs; i++) {
        struct v4l2_buffer b;
        memset(&b, 0, sizeof b);
        b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        b.memory = V4L2_MEMORY_MMAP;
        b.index = i;
        if (xioctl(v->fd, VIDIOC_QUERYBUF, &b) != 0)
            return lnt_fail(err, LNT_ERR_IO, "camera %s: buffer %u: %s", v->dev, i,
                            strerror(errno));
        v->bufs[i].len = b.length;
        v->bufs[i].start =
            mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, b.m.offset);
        if (v->bufs[i].start == MAP_FAILED) {
            v->bufs[i].start = NULL;
            return lnt_fail(err, LNT_ERR_IO, "camera %s: mmap: %s", v->dev, strerror(errno));
        }
        if (xioctl(v->fd, VIDIOC_QBUF, &b) != 0)
            return lnt_fail(err, LNT_ERR_IO, "camera %s: queue: %s", v->dev, strerror(errno));
    }
    if (xioctl(v->fd, VIDIOC_STREAMON, &type) != 0)
        return lnt_fail(err, LNT_ERR_IO, "camera %s: cannot start: %s", v->dev, strerror(errno));
    v->streaming = true;
    return LNT_OK;
}

enum lnt_err lnt_frames_v4l2_open(const char *dev, struct lnt_frame_source **out, char *err)
{
    struct frames_v4l2 *v;
    struct v4l2_capability cap;
    enum lnt_err rc = LNT_OK;
    uint32_t caps;

    *out = NULL;
    v = calloc(1, sizeof *v);
    if (v == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "camera: out of memory");
    v->base.ops = &v4l2_ops;
    v->fd = -1;
    if (lnt_str_copy(v->dev, sizeof v->dev, dev) != LNT_OK) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "camera: device path too long");
        goto out;
    }
    v->fd = open(dev, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (v->fd < 0) {
        rc = lnt_fail(err, LNT_ERR_IO,
                      "camera %s: cannot open: %s (is the camera plugged in? `ls /dev/video*` "
                      "lists the cameras)",
                      dev, strerror(errno));
        goto out;
    }
    memset(&cap, 0, sizeof cap);
    if (xioctl(v->fd, VIDIOC_QUERYCAP, &cap) != 0) {
        rc = lnt_fail(err, LNT_ERR_IO, "camera %s: not a V4L2 device: %s", dev, strerror(errno));
        goto out;
    }
    caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING)) {
        rc = lnt_fail(err, LNT_ERR_IO, "camera %s: cannot capture video by streaming", dev);
        goto out;
    }
    if (offers(v->fd, V4L2_PIX_FMT_GREY))
        v->pixfmt = V4L2_PIX_FMT_GREY;
    else if (offers(v->fd, V4L2_PIX_FMT_YUYV))
        v->pixfmt = V4L2_PIX_FMT_YUYV;
    else {
        rc = lnt_fail(err, LNT_ERR_IO, "camera %s: offers neither YUYV nor GREY frames", dev);
        goto out;
    }
    /* More pixels per QR module where the camera has them; 640x480 otherwise. */
    if (!try_size(v, 1280, 720) && !try_size(v, 640, 480) && v->frame.px == NULL) {
        rc = lnt_fail(err, LNT_ERR_IO, "camera %s: refused both 1280x720 and 640x480", dev);
        goto out;
    }
    rc = start_streaming(v, err);

out:
    if (rc != LNT_OK) {
        v4l2_free(&v->base);
        return rc;
    }
    *out = &v->base;
    return LNT_OK;
}
