/* qr.c - renders text as a QR code image; the one file that talks to libqrencode. */
#include "qr.h"

#include <errno.h>
#include <qrencode.h>
#include <string.h>

#define QR_MAX_VERSION 40
/* The most any QR code holds: 7089 digits at version 40, level L. */
#define QR_MAX_CHARS 7089

enum lnt_err lnt_qr_render(const char *text, int max_version, int module_px, int quiet,
                           struct lnt_image *out, int *version_out, char *err)
{
    QRcode *qr = NULL;
    enum lnt_err rc;
    int side;

    memset(out, 0, sizeof *out);
    if (text == NULL || text[0] == '\0')
        return lnt_fail(err, LNT_ERR_INVALID, "qr: nothing to encode");
    if (strnlen(text, QR_MAX_CHARS + 1) > QR_MAX_CHARS)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "qr: text over %d characters", QR_MAX_CHARS);
    if (max_version < 1 || max_version > QR_MAX_VERSION)
        return lnt_fail(err, LNT_ERR_INVALID, "qr: max version %d is not in 1..%d", max_version,
                        QR_MAX_VERSION);
    if (module_px < 1 || module_px > LNT_IMAGE_MAX_DIM)
        return lnt_fail(err, LNT_ERR_INVALID, "qr: %d pixels per module is not in 1..%d", module_px,
                        LNT_IMAGE_MAX_DIM);
    if (quiet < 0 || quiet > LNT_IMAGE_MAX_DIM)
        return lnt_fail(err, LNT_ERR_INVALID, "qr: quiet zone of %d modules is not in 0..%d", quiet,
                        LNT_IMAGE_MAX_DIM);

    /* Case sensitive, so upper-case base45 stays in alphanumeric mode and is not folded. */
    errno = 0;
    qr = QRcode_encodeString(text, 0, QR_ECLEVEL_Q, QR_MODE_8, 1);
    if (qr == NULL) {
        if (errno == ERANGE)
            return lnt_fail(err, LNT_ERR_TOO_LARGE,
                            "qr: %zu characters do not fit any QR version at level Q",
                            strlen(text));
        if (errno == ENOMEM)
            return lnt_fail(err, LNT_ERR_NOMEM, "qr: out of memory");
        return lnt_fail(err, LNT_ERR_INVALID, "qr: cannot encode the text: %s",
                        strerror(errno != 0 ? errno : EINVAL));
    }
    if (qr->version > max_version) {
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "qr: needs QR version %d, at most %d allowed",
                      qr->version, max_version);
        goto out;
    }
    /* Bounded above, so the product cannot overflow an int. */
    if ((qr->width + 2 * quiet) > LNT_IMAGE_MAX_DIM / module_px) {
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE,
                      "qr: %d modules at %d pixels each exceed the %d pixel image limit",
                      qr->width + 2 * quiet, module_px, LNT_IMAGE_MAX_DIM);
        goto out;
    }
    side = (qr->width + 2 * quiet) * module_px;
    rc = lnt_image_init(out, side, side, 255);
    if (rc != LNT_OK) {
        rc = lnt_fail(err, rc, "qr: cannot allocate a %dx%d image", side, side);
        goto out;
    }
    for (int my = 0; my < qr->width; my++) {
        for (int mx = 0; mx < qr->width; mx++) {
            if ((qr->data[my * qr->width + mx] & 1) == 0)
                continue;
            int x0 = (quiet + mx) * module_px, y0 = (quiet + my) * module_px;
            for (int y = y0; y < y0 + module_px; y++)
                memset(out->px + (size_t)y * out->stride + (size_t)x0, 0, (size_t)module_px);
        }
    }
    if (version_out != NULL)
        *version_out = qr->version;
out:
    QRcode_free(qr);
    return rc;
}
