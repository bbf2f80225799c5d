/* scan.h - finds QR codes in grey camera frames (ZBar inside, QR only). */
#ifndef LNT_SCAN_H
#define LNT_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "image.h"

/*
 * The one seam to ZBar. Used by lantern-kiosk for camera frames and by
 * `lanternctl badge verify --image`, so both read badges the same way.
 * ZBar is restricted to QR codes; the text is returned as decoded, without
 * ZBar's binary-mode character-set guessing.
 */
struct lnt_scanner;

enum lnt_err lnt_scanner_new(struct lnt_scanner **out, char *err);
/* NULL is a no-op. */
void lnt_scanner_free(struct lnt_scanner *s);

/*
 * Looks for a QR code in `frame`. On LNT_OK, *found says whether one was
 * seen; if so its text is in `out` (NUL-terminated; LNT_ERR_TOO_LARGE when it
 * does not fit `out_size`). With several codes in a frame, the first ZBar reports.
 * A frame without two finder-like patterns that could belong to one code, nor
 * a code-sized patch that changes colour densely both ways (finder.h), is
 * answered "nothing" without waking ZBar. Otherwise ZBar reads the box those
 * imply; then, if that found nothing, second looks at the box (the code seen
 * square-on, sharpened, binarised, enlarged: enhance.h); then the whole frame,
 * as ZBar alone would. So a frame ZBar alone reads is read, unless the look
 * answered "nothing" (which bench_kiosk counts on every render it makes).
 */
enum lnt_err lnt_scanner_scan(struct lnt_scanner *s, const struct lnt_image *frame, char *out,
                              size_t out_size, bool *found, char *err);

/* What a scanner has done since lnt_scanner_new: for tests, benchmarks and the log. */
struct lnt_scanner_stats {
    uint64_t frames;   /* lnt_scanner_scan calls with a valid frame */
    uint64_t skipped;  /* frames ruled out by the finder look: ZBar not called */
    uint64_t textured; /* frames without finders for the look, woken by a code-like patch */
    uint64_t boxed;    /* frames ZBar looked at in the code's box only, or first */
    uint64_t second;   /* frames read from the box only on a second look (enhance.h) */
    uint64_t whole;    /* frames ZBar looked at whole (no box, or the box gave nothing) */
    uint64_t found;    /* frames a code was read from */
};

void lnt_scanner_stats(const struct lnt_scanner *s, struct lnt_scanner_stats *out);

#endif
