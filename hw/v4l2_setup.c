/* v4l2_setup.c - setting up a V4L2 camera for the door: the format and size the scanner can use,
 * then exposure and focus for a dim corridor. A control the camera lacks is never fatal. */
#include "v4l2_int.h"

#include <errno.h>
#include <linux/videodev2.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "log.h"

#define ENUM_MAX 64 /* formats, sizes or menu items looked at */

/* The formats the scanner takes, best first: where the luma of pixel x is in a row. */
static const struct {
    uint32_t fourcc;
    int step, offset;
} luma_formats[] = {
    {V4L2_PIX_FMT_GREY, 1, 0},   {V4L2_PIX_FMT_YUYV, 2, 0}, {V4L2_PIX_FMT_UYVY, 2, 1},
    {V4L2_PIX_FMT_NV12, 1, 0},   {V4L2_PIX_FMT_NV21, 1, 0}, {V4L2_PIX_FMT_YUV420, 1, 0},
    {V4L2_PIX_FMT_YVU420, 1, 0},
};
#define N_LUMA (sizeof luma_formats / sizeof luma_formats[0])

bool lnt_v4l2_luma(uint32_t pixfmt, int *step, int *offset)
{
    for (size_t i = 0; i < N_LUMA; i++)
        if (luma_formats[i].fourcc == pixfmt) {
            *step = luma_formats[i].step;
            *offset = luma_formats[i].offset;
            return true;
        }
    return false;
}

void lnt_v4l2_fourcc(uint32_t f, char out[5])
{
    for (int i = 0; i < 4; i++) {
        char c = (char)((f >> (8 * i)) & 0xff);
        out[i] = c >= 32 && c < 127 ? c : '?';
    }
    out[4] = '\0';
}

static int xioctl(const struct lnt_v4l2_io *io, int fd, unsigned long req, void *arg)
{
    int r;

    do
        r = io->ioctl(io->ctx, fd, req, arg);
    while (r == -1 && errno == EINTR);
    return r;
}

/* ---- format and size ---- */

struct pick {
    uint32_t fourcc; /* 0: none yet */
    int w, h;
    int64_t dist; /* -1 exact; else how far the area is from the one asked for */
};

/* A size `fourcc` offers: kept when nearer than the pick so far (ties keep the earlier). */
static void consider(struct pick *p, uint32_t fourcc, int64_t w, int64_t h, int want_w, int want_h)
{
    int64_t dist;

    if (w <= 0 || h <= 0 || w > LNT_IMAGE_MAX_DIM || h > LNT_IMAGE_MAX_DIM)
        return;
    dist = w * h - (int64_t)want_w * want_h;
    if (dist < 0)
        dist = -dist;
    if (w == want_w && h == want_h)
        dist = -1;
    if (p->fourcc != 0 && dist >= p->dist)
        return;
    p->fourcc = fourcc;
    p->w = (int)w;
    p->h = (int)h;
    p->dist = dist;
}

/* `want` within [min, max], on the step from min. */
static int64_t on_step(int64_t want, int64_t min, int64_t max, int64_t step)
{
    if (step < 1)
        step = 1;
    if (want <= min)
        return min;
    if (want >= max)
        return max;
    return min + (want - min) / step * step;
}

/* The sizes `fourcc` offers, each considered. A driver that does not list them is taken to
 * offer the size asked for (S_FMT then says what it gives). */
static void sizes_of(const struct lnt_v4l2_io *io, int fd, uint32_t fourcc, int want_w, int want_h,
                     struct pick *p)
{
    struct v4l2_frmsizeenum s;

    for (uint32_t i = 0; i < ENUM_MAX; i++) {
        memset(&s, 0, sizeof s);
        s.index = i;
        s.pixel_format = fourcc;
        if (xioctl(io, fd, VIDIOC_ENUM_FRAMESIZES, &s) != 0) {
            if (i == 0) {
                consider(p, fourcc, want_w, want_h, want_w, want_h);
                if (p->fourcc == fourcc && p->dist == -1)
                    p->dist = 0; /* not known to be exact: a listed exact size wins */
            }
            return;
        }
        if (s.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
            consider(p, fourcc, s.discrete.width, s.discrete.height, want_w, want_h);
            continue;
        }
        consider(p, fourcc,
                 on_step(want_w, s.stepwise.min_width, s.stepwise.max_width,
                         s.type == V4L2_FRMSIZE_TYPE_STEPWISE ? s.stepwise.step_width : 1),
                 on_step(want_h, s.stepwise.min_height, s.stepwise.max_height,
                         s.type == V4L2_FRMSIZE_TYPE_STEPWISE ? s.stepwise.step_height : 1),
                 want_w, want_h);
        return; /* a range is one entry */
    }
}

enum lnt_err lnt_v4l2_negotiate(const struct lnt_v4l2_io *io, int fd, const char *dev, int w, int h,
                                struct lnt_v4l2_report *r, char *err)
{
    uint32_t offered[ENUM_MAX];
    size_t n = 0;
    struct pick p = {0, 0, 0, 0};
    struct v4l2_format f;
    char names[ENUM_MAX * 5 + 1] = "", got[5], asked[5];
    int step, offset;

    for (uint32_t i = 0; i < ENUM_MAX; i++) {
        struct v4l2_fmtdesc d;
        memset(&d, 0, sizeof d);
        d.index = i;
        d.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        if (xioctl(io, fd, VIDIOC_ENUM_FMT, &d) != 0)
            break;
        offered[n++] = d.pixelformat;
    }
    for (size_t k = 0; k < N_LUMA; k++)
        for (size_t i = 0; i < n; i++)
            if (offered[i] == luma_formats[k].fourcc)
                sizes_of(io, fd, offered[i], w, h, &p);
    if (p.fourcc == 0) {
        size_t at = 0;
        for (size_t i = 0; i < n && at + 6 < sizeof names; i++) {
            lnt_v4l2_fourcc(offered[i], got);
            at += (size_t)snprintf(names + at, sizeof names - at, "%s%s", i ? " " : "", got);
        }
        return lnt_fail(err, LNT_ERR_IO,
                        "camera %s: offers no format the scanner takes (it offers: %s; "
                        "wanted GREY, YUYV, UYVY, NV12, NV21, YU12 or YV12)",
                        dev, n > 0 ? names : "none");
    }
    memset(&f, 0, sizeof f);
    f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    f.fmt.pix.width = (uint32_t)p.w;
    f.fmt.pix.height = (uint32_t)p.h;
    f.fmt.pix.pixelformat = p.fourcc;
    f.fmt.pix.field = V4L2_FIELD_NONE;
    lnt_v4l2_fourcc(p.fourcc, asked);
    if (xioctl(io, fd, VIDIOC_S_FMT, &f) != 0)
        return lnt_fail(err, LNT_ERR_IO, "camera %s: refused %s %dx%d: %s", dev, asked, p.w, p.h,
                        strerror(errno));
    lnt_v4l2_fourcc(f.fmt.pix.pixelformat, got);
    if (!lnt_v4l2_luma(f.fmt.pix.pixelformat, &step, &offset) || f.fmt.pix.width == 0 ||
        f.fmt.pix.height == 0 || f.fmt.pix.width > LNT_IMAGE_MAX_DIM ||
        f.fmt.pix.height > LNT_IMAGE_MAX_DIM)
        return lnt_fail(err, LNT_ERR_IO, "camera %s: asked for %s %dx%d, was given %s %ux%u", dev,
                        asked, p.w, p.h, got, f.fmt.pix.width, f.fmt.pix.height);
    r->pixfmt = f.fmt.pix.pixelformat;
    r->w = (int)f.fmt.pix.width;
    r->h = (int)f.fmt.pix.height;
    r->exact = r->w == w && r->h == h;
    r->bytesperline = f.fmt.pix.bytesperline;
    if (r->bytesperline < (uint32_t)((r->w - 1) * step + offset + 1))
        r->bytesperline = (uint32_t)(r->w * step);
    if (r->exact)
        lnt_info("camera %s: %s %dx%d", dev, got, r->w, r->h);
    else
        lnt_info("camera %s: %s %dx%d, the nearest it offers to %dx%d", dev, got, r->w, r->h, w, h);
    return LNT_OK;
}

/* ---- controls ---- */

static const char *const ctl_names[LNT_CTL__COUNT] = {
    "exposure mode", "exposure priority", "exposure bias",  "exposure time",
    "gain",          "autofocus",         "focus distance",
};

const char *lnt_v4l2_ctl_name(enum lnt_v4l2_ctl c)
{
    return (unsigned)c < LNT_CTL__COUNT ? ctl_names[c] : "?";
}

/* The control `id` as the camera describes it; false (and one log line) when it has none. */
static bool query(const struct lnt_v4l2_io *io, int fd, const char *dev, struct lnt_v4l2_report *r,
                  enum lnt_v4l2_ctl which, uint32_t id, struct v4l2_queryctrl *q)
{
    memset(q, 0, sizeof *q);
    q->id = id;
    if (xioctl(io, fd, VIDIOC_QUERYCTRL, q) == 0 && !(q->flags & V4L2_CTRL_FLAG_DISABLED))
        return true;
    r->ctl[which].outcome = LNT_CTL_LACKING;
    lnt_info("camera %s: has no %s control; left as the camera has it", dev, ctl_names[which]);
    return false;
}

static bool menu_has(const struct lnt_v4l2_io *io, int fd, uint32_t id, int32_t index,
                     int64_t *value)
{
    struct v4l2_querymenu m;

    memset(&m, 0, sizeof m);
    m.id = id;
    m.index = (uint32_t)index;
    if (xioctl(io, fd, VIDIOC_QUERYMENU, &m) != 0)
        return false;
    if (value != NULL)
        *value = m.value;
    return true;
}

/* `v` within the control's range, on its step. */
static int32_t fit(const struct v4l2_queryctrl *q, int64_t v)
{
    int64_t step = q->step > 0 ? q->step : 1, off;

    if (v <= q->minimum)
        return q->minimum;
    if (v >= q->maximum)
        return q->maximum;
    off = (v - q->minimum + step / 2) / step * step;
    return (int32_t)(q->minimum + off > q->maximum ? q->maximum : q->minimum + off);
}

/* `pct` of the control's range, on its step. */
static int32_t percent_of(const struct v4l2_queryctrl *q, int pct)
{
    int64_t span = (int64_t)q->maximum - q->minimum;

    return fit(q, q->minimum + (span * pct + 50) / 100);
}

static void set(const struct lnt_v4l2_io *io, int fd, const char *dev, struct lnt_v4l2_report *r,
                enum lnt_v4l2_ctl which, uint32_t id, int32_t value)
{
    struct v4l2_control c = {.id = id, .value = value};

    r->ctl[which].value = value;
    if (xioctl(io, fd, VIDIOC_S_CTRL, &c) == 0) {
        r->ctl[which].outcome = LNT_CTL_SET;
        return;
    }
    r->ctl[which].outcome = LNT_CTL_REFUSED;
    lnt_warn("camera %s: would not set %s to %ld: %s; left as the camera has it", dev,
             ctl_names[which], (long)value, strerror(errno));
}

/* The first of `modes` (V4L2_EXPOSURE_*, ended by -1) the camera's menu has, or -1. */
static int32_t exposure_mode(const struct lnt_v4l2_io *io, int fd, const struct v4l2_queryctrl *q,
                             const int32_t *modes)
{
    for (; *modes >= 0; modes++)
        if (*modes >= q->minimum && *modes <= q->maximum &&
            (q->type != V4L2_CTRL_TYPE_MENU || menu_has(io, fd, q->id, *modes, NULL)))
            return *modes;
    return -1;
}

/* An integer-menu bias: the item nearest `mev`. */
static int32_t bias_item(const struct lnt_v4l2_io *io, int fd, const struct v4l2_queryctrl *q,
                         int64_t mev)
{
    int32_t best = q->minimum;
    int64_t best_d = -1, v;

    for (int32_t i = q->minimum; i <= q->maximum && i - q->minimum < ENUM_MAX; i++) {
        int64_t d;
        if (!menu_has(io, fd, q->id, i, &v))
            continue;
        d = v > mev ? v - mev : mev - v;
        if (best_d < 0 || d < best_d) {
            best = i;
            best_d = d;
        }
    }
    return best;
}

static void exposure(const struct lnt_v4l2_io *io, int fd, const char *dev,
                     const struct lnt_camera_settings *s, struct lnt_v4l2_report *r)
{
    /* Auto: full auto, else aperture priority (what UVC cameras call auto: the shutter is). */
    static const int32_t auto_modes[] = {V4L2_EXPOSURE_AUTO, V4L2_EXPOSURE_APERTURE_PRIORITY, -1};
    static const int32_t manual_modes[] = {V4L2_EXPOSURE_MANUAL, V4L2_EXPOSURE_SHUTTER_PRIORITY,
                                           -1};
    bool manual = s->exposure == LNT_CAM_EXPOSURE_MANUAL;
    struct v4l2_queryctrl q;

    if (query(io, fd, dev, r, LNT_CTL_EXPOSURE_MODE, V4L2_CID_EXPOSURE_AUTO, &q)) {
        int32_t mode = exposure_mode(io, fd, &q, manual ? manual_modes : auto_modes);
        if (mode >= 0) {
            set(io, fd, dev, r, LNT_CTL_EXPOSURE_MODE, q.id, mode);
        } else {
            r->ctl[LNT_CTL_EXPOSURE_MODE].outcome = LNT_CTL_REFUSED;
            r->ctl[LNT_CTL_EXPOSURE_MODE].value = -1;
            lnt_warn("camera %s: offers no %s exposure; left as the camera has it", dev,
                     manual ? "manual" : "automatic");
        }
    }
    if (!manual) {
        if (query(io, fd, dev, r, LNT_CTL_EXPOSURE_PRIORITY, V4L2_CID_EXPOSURE_AUTO_PRIORITY, &q))
            set(io, fd, dev, r, LNT_CTL_EXPOSURE_PRIORITY, q.id,
                s->priority == LNT_CAM_PRIORITY_LIGHT ? 1 : 0);
        if (query(io, fd, dev, r, LNT_CTL_EXPOSURE_BIAS, V4L2_CID_AUTO_EXPOSURE_BIAS, &q))
            set(io, fd, dev, r, LNT_CTL_EXPOSURE_BIAS, q.id,
                q.type == V4L2_CTRL_TYPE_INTEGER_MENU ? bias_item(io, fd, &q, s->bias_mev)
                                                      : fit(&q, s->bias_mev));
        return;
    }
    /* V4L2_CID_EXPOSURE_ABSOLUTE counts 100 us. */
    if (query(io, fd, dev, r, LNT_CTL_EXPOSURE_TIME, V4L2_CID_EXPOSURE_ABSOLUTE, &q))
        set(io, fd, dev, r, LNT_CTL_EXPOSURE_TIME, q.id, fit(&q, (s->exposure_us + 50) / 100));
    if (query(io, fd, dev, r, LNT_CTL_GAIN, V4L2_CID_GAIN, &q))
        set(io, fd, dev, r, LNT_CTL_GAIN, q.id,
            s->gain_pct == LNT_CAM_DEFAULT ? q.default_value : percent_of(&q, s->gain_pct));
}

static void focus(const struct lnt_v4l2_io *io, int fd, const char *dev,
                  const struct lnt_camera_settings *s, struct lnt_v4l2_report *r)
{
    bool fixed = s->focus_pct != LNT_CAM_DEFAULT;
    struct v4l2_queryctrl q;

    if (query(io, fd, dev, r, LNT_CTL_FOCUS_AUTO, V4L2_CID_FOCUS_AUTO, &q))
        set(io, fd, dev, r, LNT_CTL_FOCUS_AUTO, q.id, fixed ? 0 : 1);
    /* V4L2: larger values focus closer, so 100% is the closest the lens goes. */
    if (fixed && query(io, fd, dev, r, LNT_CTL_FOCUS_DISTANCE, V4L2_CID_FOCUS_ABSOLUTE, &q))
        set(io, fd, dev, r, LNT_CTL_FOCUS_DISTANCE, q.id, percent_of(&q, s->focus_pct));
}

void lnt_v4l2_controls(const struct lnt_v4l2_io *io, int fd, const char *dev,
                       const struct lnt_camera_settings *s, struct lnt_v4l2_report *r)
{
    char said[LNT_ERRBUF_SIZE] = "";
    size_t at = 0;

    for (int i = 0; i < LNT_CTL__COUNT; i++)
        r->ctl[i].outcome = LNT_CTL_UNTOUCHED;
    exposure(io, fd, dev, s, r);
    focus(io, fd, dev, s, r);
    for (int i = 0; i < LNT_CTL__COUNT && at < sizeof said; i++) {
        int n;
        if (r->ctl[i].outcome != LNT_CTL_SET)
            continue;
        n = snprintf(said + at, sizeof said - at, "%s%s %ld", at ? ", " : "", ctl_names[i],
                     (long)r->ctl[i].value);
        if (n < 0)
            break;
        at += (size_t)n;
    }
    if (at > 0)
        lnt_info("camera %s: set %s", dev, said);
}

void lnt_camera_settings_default(struct lnt_camera_settings *s)
{
    memset(s, 0, sizeof *s);
    s->width = LNT_CAM_WIDTH;
    s->height = LNT_CAM_HEIGHT;
    s->exposure = LNT_CAM_EXPOSURE_AUTO;
    s->bias_mev = 0;
    s->priority = LNT_CAM_PRIORITY_LIGHT;
    s->exposure_us = LNT_CAM_EXPOSURE_US;
    s->gain_pct = LNT_CAM_DEFAULT;
    s->focus_pct = LNT_CAM_DEFAULT;
}
