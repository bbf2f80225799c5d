/* test_v4l2.c - the V4L2 camera's set-up against scripted devices that answer as a UVC webcam,
 * a cheap fixed-focus webcam and the Pi's camera do: the format and size chosen, the exposure
 * and focus controls set, and frames turned to grey, through the same code a real camera runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <linux/videodev2.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "frame.h"
#include "log.h"
#include "support.h"
#include "v4l2_int.h"

#define FAKE_DEV "/dev/video-fake"
#define FAKE_FD 42
#define MAX_FMTS 8
#define MAX_SIZES 8
#define MAX_CTLS 10
#define MAX_BUFS 4

/* ---- a scripted camera ---- */

struct fake_fmt {
    uint32_t fourcc;
    struct v4l2_frmsizeenum sizes[MAX_SIZES]; /* type and size fields only */
    int n_sizes;                              /* 0: the driver lists none */
};

struct fake_ctl {
    struct v4l2_queryctrl q;
    uint32_t menu_mask;    /* MENU / INTEGER_MENU: the indices that exist */
    const int64_t *values; /* INTEGER_MENU: each index's value */
    int refuse;            /* errno for S_CTRL, 0 takes it */
    int32_t value;
    int sets;
};

struct fake_cam {
    struct fake_fmt fmts[MAX_FMTS];
    int n_fmts;
    struct fake_ctl ctls[MAX_CTLS];
    int n_ctls;
    int unlisted_w, unlisted_h; /* what S_FMT gives when the driver lists no sizes */
    /* what the kiosk did */
    struct v4l2_pix_format set;
    int s_fmt_calls;
    bool open, streaming;
    uint8_t *bufs[MAX_BUFS];
    unsigned n_bufs, next_buf;
    const struct lnt_image *scene; /* what the camera sees: each frame shows it */
};

static struct fake_ctl *find_ctl(struct fake_cam *c, uint32_t id)
{
    for (int i = 0; i < c->n_ctls; i++)
        if (c->ctls[i].q.id == id)
            return &c->ctls[i];
    return NULL;
}

static struct fake_fmt *find_fmt(struct fake_cam *c, uint32_t fourcc)
{
    for (int i = 0; i < c->n_fmts; i++)
        if (c->fmts[i].fourcc == fourcc)
            return &c->fmts[i];
    return NULL;
}

static bool planar(uint32_t f)
{
    return f == V4L2_PIX_FMT_NV12 || f == V4L2_PIX_FMT_NV21 || f == V4L2_PIX_FMT_YUV420 ||
           f == V4L2_PIX_FMT_YVU420 || f == V4L2_PIX_FMT_GREY;
}

/* S_FMT as a driver does it: an unknown format becomes its first, a size its nearest. */
static void fake_s_fmt(struct fake_cam *c, struct v4l2_format *f)
{
    struct fake_fmt *m = find_fmt(c, f->fmt.pix.pixelformat);
    uint32_t w = f->fmt.pix.width, h = f->fmt.pix.height;

    if (m == NULL)
        m = &c->fmts[0];
    if (m->n_sizes == 0) {
        w = (uint32_t)c->unlisted_w;
        h = (uint32_t)c->unlisted_h;
    } else if (m->sizes[0].type == V4L2_FRMSIZE_TYPE_DISCRETE) {
        bool listed = false;
        for (int i = 0; i < m->n_sizes; i++)
            listed |= m->sizes[i].discrete.width == w && m->sizes[i].discrete.height == h;
        if (!listed) {
            w = m->sizes[0].discrete.width;
            h = m->sizes[0].discrete.height;
        }
    } else {
        const struct v4l2_frmsize_stepwise *s = &m->sizes[0].stepwise;
        w = w < s->min_width ? s->min_width : w > s->max_width ? s->max_width : w;
        h = h < s->min_height ? s->min_height : h > s->max_height ? s->max_height : h;
    }
    f->fmt.pix.pixelformat = m->fourcc;
    f->fmt.pix.width = w;
    f->fmt.pix.height = h;
    f->fmt.pix.bytesperline = planar(m->fourcc) ? w : 2 * w;
    f->fmt.pix.sizeimage = m->fourcc == V4L2_PIX_FMT_GREY ? w * h
                           : planar(m->fourcc)            ? w * h * 3 / 2
                                                          : 2 * w * h;
    c->set = f->fmt.pix;
    c->s_fmt_calls++;
}

/* One frame of the scene in the set format: luma where the format keeps it, chroma grey. */
static void fake_fill(struct fake_cam *c, uint8_t *buf)
{
    uint32_t f = c->set.pixelformat;

    memset(buf, 128, c->set.sizeimage);
    for (uint32_t y = 0; y < c->set.height; y++)
        for (uint32_t x = 0; x < c->set.width; x++) {
            uint8_t v = c->scene != NULL ? c->scene->px[y * c->scene->stride + x] : 0;
            size_t row = (size_t)y * c->set.bytesperline;
            if (f == V4L2_PIX_FMT_YUYV)
                buf[row + 2 * x] = v;
            else if (f == V4L2_PIX_FMT_UYVY)
                buf[row + 2 * x + 1] = v;
            else
                buf[row + x] = v;
        }
}

static int fake_ctl_ioctl(struct fake_cam *c, unsigned long req, void *arg)
{
    if (req == VIDIOC_QUERYCTRL) {
        struct v4l2_queryctrl *q = arg;
        struct fake_ctl *k = find_ctl(c, q->id);
        if (k == NULL)
            return errno = EINVAL, -1;
        *q = k->q;
        return 0;
    }
    if (req == VIDIOC_QUERYMENU) {
        struct v4l2_querymenu *m = arg;
        struct fake_ctl *k = find_ctl(c, m->id);
        if (k == NULL || m->index > 31 || !(k->menu_mask & (1u << m->index)))
            return errno = EINVAL, -1;
        if (k->values != NULL)
            m->value = k->values[m->index];
        return 0;
    }
    if (req == VIDIOC_S_CTRL) {
        struct v4l2_control *s = arg;
        struct fake_ctl *k = find_ctl(c, s->id);
        if (k == NULL)
            return errno = EINVAL, -1;
        if (k->refuse != 0)
            return errno = k->refuse, -1;
        if (s->value < k->q.minimum || s->value > k->q.maximum ||
            ((k->q.type == V4L2_CTRL_TYPE_MENU || k->q.type == V4L2_CTRL_TYPE_INTEGER_MENU) &&
             !(k->menu_mask & (1u << s->value))))
            return errno = ERANGE, -1;
        k->value = s->value;
        k->sets++;
        return 0;
    }
    return errno = ENOTTY, -1;
}

static int fake_ioctl(void *ctx, int fd, unsigned long req, void *arg)
{
    struct fake_cam *c = ctx;

    assert_int_equal(fd, FAKE_FD);
    assert_true(c->open);
    switch (req) {
    case VIDIOC_QUERYCAP: {
        struct v4l2_capability *cap = arg;
        cap->capabilities = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING | V4L2_CAP_DEVICE_CAPS;
        cap->device_caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
        return 0;
    }
    case VIDIOC_ENUM_FMT: {
        struct v4l2_fmtdesc *d = arg;
        if (d->type != V4L2_BUF_TYPE_VIDEO_CAPTURE || d->index >= (uint32_t)c->n_fmts)
            return errno = EINVAL, -1;
        d->pixelformat = c->fmts[d->index].fourcc;
        return 0;
    }
    case VIDIOC_ENUM_FRAMESIZES: {
        struct v4l2_frmsizeenum *s = arg;
        struct fake_fmt *m = find_fmt(c, s->pixel_format);
        uint32_t i = s->index;
        if (m == NULL || i >= (uint32_t)m->n_sizes)
            return errno = EINVAL, -1;
        *s = m->sizes[i];
        s->index = i;
        s->pixel_format = m->fourcc;
        return 0;
    }
    case VIDIOC_S_FMT:
        fake_s_fmt(c, arg);
        return 0;
    case VIDIOC_REQBUFS: {
        struct v4l2_requestbuffers *r = arg;
        r->count = r->count > MAX_BUFS ? MAX_BUFS : r->count;
        c->n_bufs = r->count;
        for (unsigned i = 0; i < c->n_bufs; i++) {
            c->bufs[i] = calloc(1, c->set.sizeimage);
            assert_non_null(c->bufs[i]);
        }
        return 0;
    }
    case VIDIOC_QUERYBUF: {
        struct v4l2_buffer *b = arg;
        b->length = c->set.sizeimage;
        b->m.offset = b->index * 4096u;
        return 0;
    }
    case VIDIOC_QBUF:
        return 0;
    case VIDIOC_DQBUF: {
        struct v4l2_buffer *b = arg;
        b->index = c->next_buf;
        c->next_buf = (c->next_buf + 1) % c->n_bufs;
        fake_fill(c, c->bufs[b->index]);
        b->bytesused = c->set.sizeimage;
        return 0;
    }
    case VIDIOC_STREAMON:
        c->streaming = true;
        return 0;
    case VIDIOC_STREAMOFF:
        c->streaming = false;
        return 0;
    default:
        return fake_ctl_ioctl(c, req, arg);
    }
}

static int fake_open(void *ctx, const char *path, int flags)
{
    struct fake_cam *c = ctx;

    (void)flags;
    if (strcmp(path, FAKE_DEV) != 0)
        return errno = ENOENT, -1;
    c->open = true;
    return FAKE_FD;
}

static int fake_close(void *ctx, int fd)
{
    struct fake_cam *c = ctx;

    assert_int_equal(fd, FAKE_FD);
    c->open = false;
    return 0;
}

static void *fake_mmap(void *ctx, size_t len, int fd, off_t offset)
{
    struct fake_cam *c = ctx;

    (void)fd;
    assert_true(len == c->set.sizeimage);
    return c->bufs[offset / 4096];
}

static int fake_munmap(void *ctx, void *addr, size_t len)
{
    (void)ctx;
    (void)addr;
    (void)len;
    return 0;
}

static int fake_poll(void *ctx, int fd, int timeout_ms)
{
    (void)ctx;
    (void)fd;
    (void)timeout_ms;
    return 1;
}

static struct lnt_v4l2_io fake_io(struct fake_cam *c)
{
    struct lnt_v4l2_io io = {c,         fake_open,   fake_close, fake_ioctl,
                             fake_mmap, fake_munmap, fake_poll};
    return io;
}

static void fake_release(struct fake_cam *c)
{
    for (unsigned i = 0; i < c->n_bufs; i++)
        free(c->bufs[i]);
    c->n_bufs = 0;
}

/* ---- building the cameras ---- */

static void add_fmt(struct fake_cam *c, uint32_t fourcc)
{
    c->fmts[c->n_fmts++].fourcc = fourcc;
}

static void add_size(struct fake_cam *c, uint32_t w, uint32_t h)
{
    struct fake_fmt *m = &c->fmts[c->n_fmts - 1];
    struct v4l2_frmsizeenum *s = &m->sizes[m->n_sizes++];

    s->type = V4L2_FRMSIZE_TYPE_DISCRETE;
    s->discrete.width = w;
    s->discrete.height = h;
}

static void add_range(struct fake_cam *c, uint32_t max_w, uint32_t max_h)
{
    struct fake_fmt *m = &c->fmts[c->n_fmts - 1];
    struct v4l2_frmsizeenum *s = &m->sizes[m->n_sizes++];

    s->type = V4L2_FRMSIZE_TYPE_STEPWISE;
    s->stepwise = (struct v4l2_frmsize_stepwise){32, max_w, 2, 32, max_h, 2};
}

static struct fake_ctl *add_ctl(struct fake_cam *c, uint32_t id, uint32_t type, int32_t min,
                                int32_t max, int32_t step, int32_t def)
{
    struct fake_ctl *k = &c->ctls[c->n_ctls++];

    k->q.id = id;
    k->q.type = type;
    k->q.minimum = min;
    k->q.maximum = max;
    k->q.step = step;
    k->q.default_value = def;
    k->value = def;
    return k;
}

/* A UVC webcam with autofocus (a Logitech C920's answers): MJPEG and YUYV up to 1080p; manual
 * and aperture-priority exposure only, as UVC cameras have. */
static void uvc_720p(struct fake_cam *c)
{
    memset(c, 0, sizeof *c);
    add_fmt(c, V4L2_PIX_FMT_MJPEG);
    add_size(c, 1920, 1080);
    add_size(c, 1280, 720);
    add_fmt(c, V4L2_PIX_FMT_YUYV);
    add_size(c, 640, 480);
    add_size(c, 160, 120);
    add_size(c, 320, 240);
    add_size(c, 800, 600);
    add_size(c, 1280, 720);
    add_size(c, 1920, 1080);
    add_ctl(c, V4L2_CID_EXPOSURE_AUTO, V4L2_CTRL_TYPE_MENU, 0, 3, 1, 3)->menu_mask =
        (1u << V4L2_EXPOSURE_MANUAL) | (1u << V4L2_EXPOSURE_APERTURE_PRIORITY);
    add_ctl(c, V4L2_CID_EXPOSURE_AUTO_PRIORITY, V4L2_CTRL_TYPE_BOOLEAN, 0, 1, 1, 0);
    add_ctl(c, V4L2_CID_EXPOSURE_ABSOLUTE, V4L2_CTRL_TYPE_INTEGER, 3, 2047, 1, 250);
    add_ctl(c, V4L2_CID_GAIN, V4L2_CTRL_TYPE_INTEGER, 0, 255, 1, 0);
    add_ctl(c, V4L2_CID_FOCUS_AUTO, V4L2_CTRL_TYPE_BOOLEAN, 0, 1, 1, 1);
    add_ctl(c, V4L2_CID_FOCUS_ABSOLUTE, V4L2_CTRL_TYPE_INTEGER, 0, 250, 5, 0);
}

/* A cheap fixed-focus webcam: YUYV at VGA and below, 720p only as MJPEG; no focus controls. */
static void uvc_vga(struct fake_cam *c)
{
    memset(c, 0, sizeof *c);
    add_fmt(c, V4L2_PIX_FMT_MJPEG);
    add_size(c, 1280, 720);
    add_size(c, 640, 480);
    add_fmt(c, V4L2_PIX_FMT_YUYV);
    add_size(c, 640, 480);
    add_size(c, 352, 288);
    add_size(c, 320, 240);
    add_size(c, 160, 120);
    add_ctl(c, V4L2_CID_EXPOSURE_AUTO, V4L2_CTRL_TYPE_MENU, 0, 3, 1, 3)->menu_mask =
        (1u << V4L2_EXPOSURE_MANUAL) | (1u << V4L2_EXPOSURE_APERTURE_PRIORITY);
    add_ctl(c, V4L2_CID_EXPOSURE_AUTO_PRIORITY, V4L2_CTRL_TYPE_BOOLEAN, 0, 1, 1, 0);
    add_ctl(c, V4L2_CID_EXPOSURE_ABSOLUTE, V4L2_CTRL_TYPE_INTEGER, 1, 5000, 1, 156);
    add_ctl(c, V4L2_CID_GAIN, V4L2_CTRL_TYPE_INTEGER, 0, 100, 1, 32);
}

/* The Pi's camera through its V4L2 driver (bcm2835-v4l2's answers): planar YU12 first, sizes
 * as a range, full-auto exposure, the bias as an integer menu in thirds of an EV, no gain
 * (ISO instead) and no focus. */
static const int64_t pi_bias[] = {-4000, -3667, -3333, -3000, -2667, -2333, -2000, -1667, -1333,
                                  -1000, -667,  -333,  0,     333,   667,   1000,  1333,  1667,
                                  2000,  2333,  2667,  3000,  3333,  3667,  4000};

static void pi_camera(struct fake_cam *c)
{
    struct fake_ctl *k;

    memset(c, 0, sizeof *c);
    add_fmt(c, V4L2_PIX_FMT_YUV420);
    add_range(c, 2592, 1944);
    add_fmt(c, V4L2_PIX_FMT_YUYV);
    add_range(c, 2592, 1944);
    add_fmt(c, V4L2_PIX_FMT_RGB24);
    add_range(c, 2592, 1944);
    add_fmt(c, V4L2_PIX_FMT_JPEG);
    add_range(c, 2592, 1944);
    add_fmt(c, V4L2_PIX_FMT_NV12);
    add_range(c, 2592, 1944);
    add_ctl(c, V4L2_CID_EXPOSURE_AUTO, V4L2_CTRL_TYPE_MENU, 0, 3, 1, 0)->menu_mask =
        (1u << V4L2_EXPOSURE_AUTO) | (1u << V4L2_EXPOSURE_MANUAL);
    add_ctl(c, V4L2_CID_EXPOSURE_ABSOLUTE, V4L2_CTRL_TYPE_INTEGER, 1, 10000, 1, 1000);
    k = add_ctl(c, V4L2_CID_AUTO_EXPOSURE_BIAS, V4L2_CTRL_TYPE_INTEGER_MENU, 0, 24, 1, 12);
    k->menu_mask = (1u << 25) - 1;
    k->values = pi_bias;
}

static const struct lnt_v4l2_report *open_ok(struct fake_cam *c, struct lnt_v4l2_io *io,
                                             const struct lnt_camera_settings *s,
                                             struct lnt_frame_source **src)
{
    char err[LNT_ERRBUF_SIZE] = "";
    const struct lnt_v4l2_report *r;

    *io = fake_io(c);
    assert_int_equal(lnt_frames_v4l2_open_io(io, FAKE_DEV, s, src, err), LNT_OK);
    assert_string_equal(err, "");
    r = lnt_frames_v4l2_report(*src);
    assert_non_null(r);
    assert_true(c->streaming);
    return r;
}

static void close_cam(struct fake_cam *c, struct lnt_frame_source *src)
{
    lnt_frame_source_free(src);
    assert_false(c->open);
    assert_false(c->streaming);
    fake_release(c);
}

static int32_t value_of(struct fake_cam *c, uint32_t id)
{
    struct fake_ctl *k = find_ctl(c, id);

    assert_non_null(k);
    return k->value;
}

/* ---- the tests ---- */

static void test_v4l2__uvc_camera_gives_720p_with_auto_exposure_and_autofocus(void **state)
{
    struct fake_cam c;
    struct lnt_v4l2_io io;
    struct lnt_frame_source *src = NULL;
    const struct lnt_v4l2_report *r;

    (void)state;
    uvc_720p(&c);
    r = open_ok(&c, &io, NULL, &src);
    /* 720p in YUYV, not the MJPEG listed first, and asked for once. */
    assert_int_equal(c.set.pixelformat, V4L2_PIX_FMT_YUYV);
    assert_int_equal(c.set.width, 1280);
    assert_int_equal(c.set.height, 720);
    assert_int_equal(c.s_fmt_calls, 1);
    assert_true(r->exact);
    /* Auto exposure is aperture priority on UVC; the frame rate may drop for light. */
    assert_int_equal(value_of(&c, V4L2_CID_EXPOSURE_AUTO), V4L2_EXPOSURE_APERTURE_PRIORITY);
    assert_int_equal(value_of(&c, V4L2_CID_EXPOSURE_AUTO_PRIORITY), 1);
    assert_int_equal(r->ctl[LNT_CTL_EXPOSURE_BIAS].outcome, LNT_CTL_LACKING);
    assert_int_equal(value_of(&c, V4L2_CID_FOCUS_AUTO), 1);
    assert_int_equal(find_ctl(&c, V4L2_CID_FOCUS_AUTO)->sets, 1);
    /* Manual settings are left alone. */
    assert_int_equal(r->ctl[LNT_CTL_EXPOSURE_TIME].outcome, LNT_CTL_UNTOUCHED);
    assert_int_equal(find_ctl(&c, V4L2_CID_EXPOSURE_ABSOLUTE)->sets, 0);
    assert_int_equal(find_ctl(&c, V4L2_CID_GAIN)->sets, 0);
    assert_int_equal(find_ctl(&c, V4L2_CID_FOCUS_ABSOLUTE)->sets, 0);
    close_cam(&c, src);
}

static void test_v4l2__camera_without_720p_takes_the_nearest_size_it_can_scan(void **state)
{
    struct fake_cam c;
    struct lnt_v4l2_io io;
    struct lnt_frame_source *src = NULL;
    const struct lnt_v4l2_report *r;
    const struct lnt_image *frame = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    bool eof = false;

    (void)state;
    uvc_vga(&c);
    r = open_ok(&c, &io, NULL, &src);
    /* 720p exists only as MJPEG, which the scanner cannot read: VGA in YUYV. */
    assert_int_equal(c.set.pixelformat, V4L2_PIX_FMT_YUYV);
    assert_int_equal(c.set.width, 640);
    assert_int_equal(c.set.height, 480);
    assert_false(r->exact);
    assert_int_equal(lnt_frame_next(src, &frame, &eof, err), LNT_OK);
    assert_int_equal(frame->w, 640);
    assert_int_equal(frame->h, 480);
    close_cam(&c, src);

    /* A size asked for in the settings that the camera lists is taken as it is. */
    {
        struct lnt_camera_settings s;
        lnt_camera_settings_default(&s);
        s.width = 320;
        s.height = 240;
        uvc_720p(&c);
        r = open_ok(&c, &io, &s, &src);
        assert_int_equal(c.set.width, 320);
        assert_int_equal(c.set.height, 240);
        assert_true(r->exact);
        close_cam(&c, src);
    }
}

static void test_v4l2__pi_camera_range_gives_720p_and_the_nearest_bias(void **state)
{
    struct fake_cam c;
    struct lnt_v4l2_io io;
    struct lnt_frame_source *src = NULL;
    struct lnt_camera_settings s;
    const struct lnt_v4l2_report *r;

    (void)state;
    lnt_camera_settings_default(&s);
    s.bias_mev = 700; /* +0.7 EV: the menu has +0.667 */
    pi_camera(&c);
    r = open_ok(&c, &io, &s, &src);
    /* YUYV is preferred over the YU12 listed first; 720p is within its range. */
    assert_int_equal(c.set.pixelformat, V4L2_PIX_FMT_YUYV);
    assert_int_equal(c.set.width, 1280);
    assert_int_equal(c.set.height, 720);
    assert_true(r->exact);
    assert_int_equal(value_of(&c, V4L2_CID_EXPOSURE_AUTO), V4L2_EXPOSURE_AUTO);
    assert_int_equal(pi_bias[value_of(&c, V4L2_CID_AUTO_EXPOSURE_BIAS)], 667);
    assert_int_equal(r->ctl[LNT_CTL_EXPOSURE_PRIORITY].outcome, LNT_CTL_LACKING);
    assert_int_equal(r->ctl[LNT_CTL_FOCUS_AUTO].outcome, LNT_CTL_LACKING);
    close_cam(&c, src);

    /* Manual on the Pi: the time is set; it has no gain control, which is not fatal. */
    s.exposure = LNT_CAM_EXPOSURE_MANUAL;
    s.exposure_us = 33300;
    s.gain_pct = 80;
    pi_camera(&c);
    r = open_ok(&c, &io, &s, &src);
    assert_int_equal(value_of(&c, V4L2_CID_EXPOSURE_AUTO), V4L2_EXPOSURE_MANUAL);
    assert_int_equal(value_of(&c, V4L2_CID_EXPOSURE_ABSOLUTE), 333);
    assert_int_equal(r->ctl[LNT_CTL_GAIN].outcome, LNT_CTL_LACKING);
    assert_int_equal(find_ctl(&c, V4L2_CID_AUTO_EXPOSURE_BIAS)->sets, 0);
    close_cam(&c, src);
}

static void test_v4l2__manual_exposure_and_fixed_focus_are_set_in_the_cameras_units(void **state)
{
    struct fake_cam c;
    struct lnt_v4l2_io io;
    struct lnt_frame_source *src = NULL;
    struct lnt_camera_settings s;
    const struct lnt_v4l2_report *r;

    (void)state;
    lnt_camera_settings_default(&s);
    s.exposure = LNT_CAM_EXPOSURE_MANUAL; /* 20 ms by default */
    s.gain_pct = 50;
    s.focus_pct = 40;
    uvc_720p(&c);
    r = open_ok(&c, &io, &s, &src);
    assert_int_equal(value_of(&c, V4L2_CID_EXPOSURE_AUTO), V4L2_EXPOSURE_MANUAL);
    assert_int_equal(value_of(&c, V4L2_CID_EXPOSURE_ABSOLUTE), 200); /* 100 us units */
    assert_int_equal(value_of(&c, V4L2_CID_GAIN), 128);              /* half of 0..255 */
    assert_int_equal(value_of(&c, V4L2_CID_FOCUS_AUTO), 0);
    assert_int_equal(value_of(&c, V4L2_CID_FOCUS_ABSOLUTE), 100); /* 40% of 0..250, step 5 */
    /* Auto-only controls untouched. */
    assert_int_equal(find_ctl(&c, V4L2_CID_EXPOSURE_AUTO_PRIORITY)->sets, 0);
    assert_int_equal(r->ctl[LNT_CTL_EXPOSURE_BIAS].outcome, LNT_CTL_UNTOUCHED);
    close_cam(&c, src);

    /* Out of the camera's range: the nearest it takes; the gain by default is its own. */
    s.exposure_us = LNT_CAM_EXPOSURE_MAX_US;
    s.gain_pct = LNT_CAM_DEFAULT;
    s.focus_pct = 100;
    uvc_720p(&c);
    find_ctl(&c, V4L2_CID_GAIN)->q.default_value = 64;
    (void)open_ok(&c, &io, &s, &src);
    assert_int_equal(value_of(&c, V4L2_CID_EXPOSURE_ABSOLUTE), 2047);
    assert_int_equal(value_of(&c, V4L2_CID_GAIN), 64);
    assert_int_equal(value_of(&c, V4L2_CID_FOCUS_ABSOLUTE), 250);
    close_cam(&c, src);

    /* Light is not wanted over frame rate: said so to the camera. */
    lnt_camera_settings_default(&s);
    s.priority = LNT_CAM_PRIORITY_FRAME_RATE;
    uvc_720p(&c);
    find_ctl(&c, V4L2_CID_EXPOSURE_AUTO_PRIORITY)->value = 1;
    (void)open_ok(&c, &io, &s, &src);
    assert_int_equal(value_of(&c, V4L2_CID_EXPOSURE_AUTO_PRIORITY), 0);
    close_cam(&c, src);
}

/* Runs `fn` with stderr going to a file, and returns what it wrote (free it). */
static char *stderr_of(void (*fn)(void *), void *arg)
{
    char *dir = lnt_test_tmpdir(), *path = lnt_test_path(dir, "stderr"), *text;
    FILE *f;
    int saved;

    fflush(stderr);
    saved = dup(2);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_true(dup2(fileno(f), 2) >= 0);
    fn(arg);
    fflush(stderr);
    assert_true(dup2(saved, 2) >= 0);
    close(saved);
    fclose(f);
    text = lnt_test_read_file(path);
    assert_non_null(text);
    lnt_test_rmrf(dir);
    free(path);
    free(dir);
    return text;
}

static size_t count(const char *text, const char *what)
{
    size_t n = 0;

    for (const char *p = text; (p = strstr(p, what)) != NULL; p++)
        n++;
    return n;
}

struct run {
    struct fake_cam *c;
    const struct lnt_camera_settings *s;
    struct lnt_frame_source *src;
    enum lnt_err rc;
    char err[LNT_ERRBUF_SIZE];
};

static void open_run(void *arg)
{
    struct run *r = arg;
    struct lnt_v4l2_io io = fake_io(r->c);

    r->rc = lnt_frames_v4l2_open_io(&io, FAKE_DEV, r->s, &r->src, r->err);
    /* The io table only needs to outlive the source for its calls: close here. */
    lnt_frame_source_free(r->src);
    r->src = NULL;
}

static void test_v4l2__a_camera_without_focus_starts_and_says_so_once(void **state)
{
    struct fake_cam c;
    struct run run = {&c, NULL, NULL, LNT_OK, ""};
    char *said;

    (void)state;
    lnt_log_init("test_v4l2", LNT_LOG_INFO);
    uvc_vga(&c);
    said = stderr_of(open_run, &run);
    assert_int_equal(run.rc, LNT_OK);
    /* One line for the missing autofocus, one for the size, one for what was set. */
    assert_int_equal(count(said, "has no autofocus control"), 1);
    assert_int_equal(count(said, "YUYV 640x480, the nearest it offers to 1280x720"), 1);
    assert_int_equal(count(said, "set exposure mode 3, exposure priority 1"), 1);
    assert_int_equal(count(said, "\n"), 4); /* and the lacking exposure bias */
    free(said);
    lnt_log_init("test_v4l2", LNT_LOG_QUIET);
    fake_release(&c);
}

static void test_v4l2__a_control_the_camera_refuses_is_skipped_not_fatal(void **state)
{
    struct fake_cam c;
    struct lnt_v4l2_io io;
    struct lnt_frame_source *src = NULL;
    struct lnt_camera_settings s;
    const struct lnt_v4l2_report *r;
    const struct lnt_image *frame = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    bool eof = false;

    (void)state;
    lnt_camera_settings_default(&s);
    s.exposure = LNT_CAM_EXPOSURE_MANUAL;
    uvc_720p(&c);
    find_ctl(&c, V4L2_CID_EXPOSURE_ABSOLUTE)->refuse = EACCES; /* inactive in the camera */
    find_ctl(&c, V4L2_CID_FOCUS_AUTO)->refuse = EBUSY;
    r = open_ok(&c, &io, &s, &src);
    assert_int_equal(r->ctl[LNT_CTL_EXPOSURE_TIME].outcome, LNT_CTL_REFUSED);
    assert_int_equal(r->ctl[LNT_CTL_EXPOSURE_TIME].value, 200);
    assert_int_equal(value_of(&c, V4L2_CID_EXPOSURE_ABSOLUTE), 250); /* as it was */
    assert_int_equal(r->ctl[LNT_CTL_FOCUS_AUTO].outcome, LNT_CTL_REFUSED);
    /* The rest was still set, and frames come. */
    assert_int_equal(value_of(&c, V4L2_CID_EXPOSURE_AUTO), V4L2_EXPOSURE_MANUAL);
    assert_int_equal(r->ctl[LNT_CTL_GAIN].outcome, LNT_CTL_SET);
    assert_int_equal(lnt_frame_next(src, &frame, &eof, err), LNT_OK);
    assert_non_null(frame);
    close_cam(&c, src);

    /* A camera whose exposure menu has no automatic mode at all. */
    uvc_720p(&c);
    find_ctl(&c, V4L2_CID_EXPOSURE_AUTO)->menu_mask = 1u << V4L2_EXPOSURE_MANUAL;
    r = open_ok(&c, &io, NULL, &src);
    assert_int_equal(r->ctl[LNT_CTL_EXPOSURE_MODE].outcome, LNT_CTL_REFUSED);
    assert_int_equal(find_ctl(&c, V4L2_CID_EXPOSURE_AUTO)->sets, 0);
    close_cam(&c, src);
}

static void test_v4l2__a_driver_that_lists_no_sizes_is_taken_at_its_word(void **state)
{
    struct fake_cam c;
    struct lnt_v4l2_io io;
    struct lnt_frame_source *src = NULL;
    const struct lnt_v4l2_report *r;

    (void)state;
    memset(&c, 0, sizeof c);
    add_fmt(&c, V4L2_PIX_FMT_GREY);
    c.unlisted_w = 752;
    c.unlisted_h = 480;
    r = open_ok(&c, &io, NULL, &src);
    assert_int_equal(c.set.width, 752); /* asked 1280x720, given this */
    assert_int_equal(r->w, 752);
    assert_int_equal(r->h, 480);
    assert_false(r->exact);
    /* No controls at all: every one lacking, none fatal. */
    for (int i = 0; i < LNT_CTL__COUNT; i++)
        assert_true(r->ctl[i].outcome == LNT_CTL_LACKING || r->ctl[i].outcome == LNT_CTL_UNTOUCHED);
    close_cam(&c, src);
}

static void test_v4l2__a_camera_with_no_format_to_scan_is_a_clear_error(void **state)
{
    struct fake_cam c;
    struct lnt_v4l2_io io;
    struct lnt_frame_source *src = (struct lnt_frame_source *)1;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    memset(&c, 0, sizeof c);
    add_fmt(&c, V4L2_PIX_FMT_MJPEG);
    add_size(&c, 1280, 720);
    add_fmt(&c, V4L2_PIX_FMT_H264);
    add_size(&c, 1280, 720);
    io = fake_io(&c);
    assert_int_equal(lnt_frames_v4l2_open_io(&io, FAKE_DEV, NULL, &src, err), LNT_ERR_IO);
    assert_null(src);
    assert_non_null(strstr(err, FAKE_DEV));
    assert_non_null(strstr(err, "it offers: MJPG H264"));
    assert_non_null(strstr(err, "YUYV"));
    assert_int_equal(c.s_fmt_calls, 0);
    assert_false(c.open); /* closed again */

    /* A device path that is not there names itself. */
    assert_int_equal(lnt_frames_v4l2_open_io(&io, "/dev/video-none", NULL, &src, err), LNT_ERR_IO);
    assert_non_null(strstr(err, "/dev/video-none: cannot open"));
    fake_release(&c);
}

/* The frames the kiosk scans are the scene, pixel for pixel, whatever the format. */
static void expect_scene(uint32_t fourcc)
{
    struct fake_cam c;
    struct lnt_v4l2_io io;
    struct lnt_frame_source *src = NULL;
    struct lnt_image scene;
    const struct lnt_image *frame = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    bool eof = false;

    memset(&c, 0, sizeof c);
    add_fmt(&c, fourcc);
    add_size(&c, 320, 240);
    assert_int_equal(lnt_image_init(&scene, 320, 240, 0), LNT_OK);
    for (int y = 0; y < scene.h; y++)
        for (int x = 0; x < scene.w; x++)
            scene.px[(size_t)y * scene.stride + (size_t)x] = (uint8_t)((x * 7 + y * 13) & 0xff);
    c.scene = &scene;
    (void)open_ok(&c, &io, NULL, &src);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(lnt_frame_next(src, &frame, &eof, err), LNT_OK);
        assert_false(eof);
        assert_int_equal(frame->w, 320);
        assert_int_equal(frame->h, 240);
        for (int y = 0; y < frame->h; y++)
            assert_memory_equal(frame->px + (size_t)y * frame->stride,
                                scene.px + (size_t)y * scene.stride, (size_t)frame->w);
    }
    close_cam(&c, src);
    lnt_image_release(&scene);
}

static void test_v4l2__frames_come_out_grey_from_every_format_it_takes(void **state)
{
    (void)state;
    expect_scene(V4L2_PIX_FMT_YUYV);
    expect_scene(V4L2_PIX_FMT_UYVY);
    expect_scene(V4L2_PIX_FMT_GREY);
    expect_scene(V4L2_PIX_FMT_NV12);
    expect_scene(V4L2_PIX_FMT_YUV420);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v4l2__uvc_camera_gives_720p_with_auto_exposure_and_autofocus),
        cmocka_unit_test(test_v4l2__camera_without_720p_takes_the_nearest_size_it_can_scan),
        cmocka_unit_test(test_v4l2__pi_camera_range_gives_720p_and_the_nearest_bias),
        cmocka_unit_test(test_v4l2__manual_exposure_and_fixed_focus_are_set_in_the_cameras_units),
        cmocka_unit_test(test_v4l2__a_camera_without_focus_starts_and_says_so_once),
        cmocka_unit_test(test_v4l2__a_control_the_camera_refuses_is_skipped_not_fatal),
        cmocka_unit_test(test_v4l2__a_driver_that_lists_no_sizes_is_taken_at_its_word),
        cmocka_unit_test(test_v4l2__a_camera_with_no_format_to_scan_is_a_clear_error),
        cmocka_unit_test(test_v4l2__frames_come_out_grey_from_every_format_it_takes),
    };
    lnt_log_init("test_v4l2", LNT_LOG_QUIET);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
