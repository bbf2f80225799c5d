/* frame.h - camera frame sources behind one interface: image files, synthetic, (later) V4L2. */
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

#endif
