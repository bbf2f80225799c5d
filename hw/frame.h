/* frame.h - camera frame sources behind one interface: V4L2 camera, image files, synthetic. */
#ifndef LNT_FRAME_H
#define LNT_FRAME_H

#include <stdbool.h>

#include "err.h"
#include "image.h"

struct lnt_frame_source;

/*
 * Gives the next grey frame. The frame is borrowed: valid until the next call
 * or until the source is freed. *eof is set (and no frame given) when a
 * finite source has run out.
 */
enum lnt_err lnt_frame_next(struct lnt_frame_source *src, const struct lnt_image **frame, bool *eof,
                            char *err);
/* NULL is a no-op. */
void lnt_frame_source_free(struct lnt_frame_source *src);

/*
 * Every *.png file in `dir`, in name order, each given once as a frame.
 * A file that cannot be read is logged and skipped, not fatal.
 */
enum lnt_err lnt_frames_dir_open(const char *dir, struct lnt_frame_source **out, char *err);

/*
 * A synthetic source for tests: `n` frames of w x h, where frame i shows the
 * image `images[i]` (borrowed; NULL = an empty grey frame) centred on a grey
 * background. Then eof.
 */
enum lnt_err lnt_frames_synth_new(int w, int h, const struct lnt_image *const *images, int n,
                                  struct lnt_frame_source **out, char *err);

/*
 * Synthetic sources only: after `i` more frames (0: at once), every read
 * fails with LNT_ERR_IO, as a camera pulled out mid-night does. Any other
 * source: LNT_ERR_INVALID.
 */
enum lnt_err lnt_frames_synth_fail_from(struct lnt_frame_source *src, int i, char *err);

/* How the door camera is set up for a dim corridor (kiosk.conf, the command line). */
enum lnt_cam_exposure {
    LNT_CAM_EXPOSURE_AUTO = 0, /* the camera's automatic exposure (default) */
    LNT_CAM_EXPOSURE_MANUAL    /* a fixed exposure time and gain */
};
enum lnt_cam_priority {
    LNT_CAM_PRIORITY_LIGHT = 0, /* auto exposure may lower the frame rate for light (default) */
    LNT_CAM_PRIORITY_FRAME_RATE /* auto exposure keeps the frame rate */
};

#define LNT_CAM_WIDTH 1280 /* the size asked for by default */
#define LNT_CAM_HEIGHT 720
#define LNT_CAM_EXPOSURE_US 20000 /* manual default: 20 ms, two cycles of 50 Hz lighting */
#define LNT_CAM_BIAS_MAX_MEV 4000 /* exposure bias within +-4 EV */
#define LNT_CAM_EXPOSURE_MAX_US 1000000
#define LNT_CAM_DEFAULT (-1) /* gain: the camera's own default; focus: continuous auto */

struct lnt_camera_settings {
    int width, height;              /* asked for; the nearest usable size if not offered */
    enum lnt_cam_exposure exposure; /* auto or manual */
    int bias_mev;                   /* auto: exposure compensation, 1/1000 EV (0: none) */
    enum lnt_cam_priority priority; /* auto: light or frame rate first */
    int exposure_us;                /* manual: exposure time in microseconds */
    int gain_pct;                   /* manual: 0..100 of the camera's gain range, or DEFAULT */
    int focus_pct;                  /* DEFAULT: continuous autofocus; 0..100 of the camera's
                                       focus range, fixed, 100 the closest */
};

/* The defaults above: 1280x720, auto exposure preferring light, no bias, continuous focus. */
void lnt_camera_settings_default(struct lnt_camera_settings *s);

/*
 * A V4L2 camera (e.g. "/dev/video0"), read directly with V4L2 ioctls and
 * memory-mapped buffers, handed out as grey. The size `s` asks for (NULL: the
 * defaults) where the camera offers it in a format the scanner takes (GREY,
 * YUYV, UYVY, NV12, NV21, YU12, YV12), else the nearest such size; then the
 * exposure and focus controls of `s`. What was chosen is logged in one line;
 * a control the camera lacks or refuses is one log line and left as it is,
 * never an error. A missing or unusable device is LNT_ERR_IO with a message
 * that says which and what to check. next() waits up to 2 s for a frame
 * (LNT_ERR_TIMEOUT after); it never reaches eof.
 */
enum lnt_err lnt_frames_v4l2_open(const char *dev, const struct lnt_camera_settings *s,
                                  struct lnt_frame_source **out, char *err);

#endif
