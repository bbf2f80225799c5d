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

/*
 * A V4L2 camera (e.g. "/dev/video0"), read directly with V4L2 ioctls and
 * memory-mapped buffers: GREY or YUYV, at 1280x720 where the camera offers
 * it, else 640x480, handed out as grey. A missing or unusable device is
 * LNT_ERR_IO with a message that says which and what to check. next() waits
 * up to 2 s for a frame (LNT_ERR_TIMEOUT after); it never reaches eof.
 */
enum lnt_err lnt_frames_v4l2_open(const char *dev, struct lnt_frame_source **out, char *err);

#endif
