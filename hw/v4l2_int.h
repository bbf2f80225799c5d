/* v4l2_int.h - the few system calls the V4L2 camera makes, behind a table (the real one, or a
 * scripted device in tests), and what opening a camera chose and set; private to hw/. */
#ifndef LNT_V4L2_INT_H
#define LNT_V4L2_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "frame.h"

/*
 * Each call answers as the system call of the same name does: -1 (MAP_FAILED
 * for mmap) with errno set on failure. poll waits for `fd` to be readable:
 * > 0 readable, 0 timed out, -1 failed. `ctx` is the table's own.
 */
struct lnt_v4l2_io {
    void *ctx;
    int (*open)(void *ctx, const char *path, int flags);
    int (*close)(void *ctx, int fd);
    int (*ioctl)(void *ctx, int fd, unsigned long req, void *arg);
    void *(*mmap)(void *ctx, size_t len, int fd, off_t offset);
    int (*munmap)(void *ctx, void *addr, size_t len);
    int (*poll)(void *ctx, int fd, int timeout_ms);
};

/* The system's calls. */
extern const struct lnt_v4l2_io lnt_v4l2_sys;

/* The controls the kiosk sets, in the order it sets them. */
enum lnt_v4l2_ctl {
    LNT_CTL_EXPOSURE_MODE = 0, /* V4L2_CID_EXPOSURE_AUTO */
    LNT_CTL_EXPOSURE_PRIORITY, /* V4L2_CID_EXPOSURE_AUTO_PRIORITY (auto) */
    LNT_CTL_EXPOSURE_BIAS,     /* V4L2_CID_AUTO_EXPOSURE_BIAS (auto) */
    LNT_CTL_EXPOSURE_TIME,     /* V4L2_CID_EXPOSURE_ABSOLUTE (manual) */
    LNT_CTL_GAIN,              /* V4L2_CID_GAIN (manual) */
    LNT_CTL_FOCUS_AUTO,        /* V4L2_CID_FOCUS_AUTO */
    LNT_CTL_FOCUS_DISTANCE,    /* V4L2_CID_FOCUS_ABSOLUTE (fixed focus) */
    LNT_CTL__COUNT
};

enum lnt_v4l2_outcome {
    LNT_CTL_UNTOUCHED = 0, /* not wanted with these settings */
    LNT_CTL_SET,           /* set to `value` */
    LNT_CTL_LACKING,       /* the camera has no such control (or it is disabled) */
    LNT_CTL_REFUSED        /* the camera would not take `value` */
};

/* What opening a camera chose and set. */
struct lnt_v4l2_report {
    uint32_t pixfmt; /* V4L2_PIX_FMT_* */
    int w, h;
    bool exact;            /* the size asked for */
    uint32_t bytesperline; /* of a row of luma */
    struct {
        enum lnt_v4l2_outcome outcome;
        int32_t value; /* what was set, or tried: the camera's own units (a menu's index) */
    } ctl[LNT_CTL__COUNT];
};

/* Whether the scanner takes `pixfmt`, and where pixel x's luma is in a row: x * step + offset. */
bool lnt_v4l2_luma(uint32_t pixfmt, int *step, int *offset);
/* "YUYV" for V4L2_PIX_FMT_YUYV. */
void lnt_v4l2_fourcc(uint32_t fourcc, char out[5]);

/* The control's name as the log says it ("exposure time"). */
const char *lnt_v4l2_ctl_name(enum lnt_v4l2_ctl c);

/*
 * Picks and sets the capture format on the open device `fd`: among the
 * formats the scanner takes (frame.h), the size w x h where one offers it,
 * else the nearest (by area) that one offers; the first in frame.h's order
 * when several do. Fills the format part of *r. LNT_ERR_IO when the camera
 * offers no such format or refuses the one picked (the message names `dev`
 * and what it offers).
 */
enum lnt_err lnt_v4l2_negotiate(const struct lnt_v4l2_io *io, int fd, const char *dev, int w, int h,
                                struct lnt_v4l2_report *r, char *err);

/*
 * Sets the exposure and focus controls `s` asks for, each once, in the order
 * of enum lnt_v4l2_ctl, and fills the control part of *r. A control that is
 * lacking or refused is logged (one line each) and left as it is. Never fails.
 */
void lnt_v4l2_controls(const struct lnt_v4l2_io *io, int fd, const char *dev,
                       const struct lnt_camera_settings *s, struct lnt_v4l2_report *r);

/* Opens `dev` through `io` (borrowed: it must outlive the source), as lnt_frames_v4l2_open. */
enum lnt_err lnt_frames_v4l2_open_io(const struct lnt_v4l2_io *io, const char *dev,
                                     const struct lnt_camera_settings *s,
                                     struct lnt_frame_source **out, char *err);

/* What the V4L2 source `src` chose and set; NULL for any other source. */
const struct lnt_v4l2_report *lnt_frames_v4l2_report(const struct lnt_frame_source *src);

#endif
