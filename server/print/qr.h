/* qr.h - renders text as a QR code image (libqrencode inside). */
#ifndef LNT_QR_H
#define LNT_QR_H

#include "err.h"
#include "image.h"

/*
 * Encodes `text` at error-correction level Q (alphanumeric mode when the
 * text allows it, which badge text always does), at most QR version
 * `max_version` (LNT_ERR_TOO_LARGE beyond), into a grey image with
 * `module_px` pixels per module and a quiet zone of `quiet` modules
 * (4 is the standard). Black modules are 0, white 255. Writes the version
 * used to *version_out when not NULL. The caller releases *out.
 */
enum lnt_err lnt_qr_render(const char *text, int max_version, int module_px, int quiet,
                           struct lnt_image *out, int *version_out, char *err);

#endif
