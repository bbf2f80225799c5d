/* camera.h - the door camera as the kiosk sees it: opened when it can be, reopened with backoff
 * when it is missing or fails, never a reason to stop. */
#ifndef LNT_CAMERA_H
#define LNT_CAMERA_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "frame.h"
#include "image.h"

#define LNT_CAMERA_RETRY_MIN_MS 1000  /* first wait before opening again */
#define LNT_CAMERA_RETRY_MAX_MS 30000 /* the wait doubles up to this */
#define LNT_CAMERA_FAILS_MAX 3        /* frames failed in a row before the camera is reopened */

/* Opens the camera's frame source (e.g. lnt_frames_v4l2_open on a device path). */
typedef enum lnt_err (*lnt_camera_open_fn)(void *ctx, struct lnt_frame_source **out, char *err);

struct lnt_camera;

/*
 * A camera opened through `open(ctx)` (ctx borrowed; it must outlive the
 * camera). Nothing is opened yet: the first lnt_camera_next() tries. Only
 * LNT_ERR_NOMEM.
 */
enum lnt_err lnt_camera_new(lnt_camera_open_fn open, void *ctx, struct lnt_camera **out, char *err);
/* NULL is a no-op. */
void lnt_camera_free(struct lnt_camera *c);

/*
 * One turn of the main loop at monotonic `now_ms`: opens the camera when it
 * is closed and a retry is due, then reads a frame. *frame is the frame
 * (borrowed until the next call) or NULL when there is none this turn: the
 * camera is down and waiting to retry, or it just failed. A failed open, or
 * LNT_CAMERA_FAILS_MAX failed (or ended) reads in a row, closes the camera
 * and schedules the next open after a wait that starts at
 * LNT_CAMERA_RETRY_MIN_MS and doubles up to LNT_CAMERA_RETRY_MAX_MS; a frame
 * read resets it. Never fails: problems are logged once per change and kept
 * for lnt_camera_problem(). Not thread-safe.
 */
void lnt_camera_next(struct lnt_camera *c, int64_t now_ms, const struct lnt_image **frame);

/* Whether the camera is open and was not failing at the last turn. False before the first turn. */
bool lnt_camera_working(const struct lnt_camera *c);
/* Why it is not working ("" when it is). Borrowed. */
const char *lnt_camera_problem(const struct lnt_camera *c);
/* Monotonic ms of the next open while down; 0 while working. */
int64_t lnt_camera_retry_at(const struct lnt_camera *c);
/* How many times the camera was opened successfully (tests, the log). */
unsigned lnt_camera_opens(const struct lnt_camera *c);

#endif
