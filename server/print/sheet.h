/* sheet.h - printable badge sheets for A4 card stock: PDF, SVG or PNG (cairo inside). */
#ifndef LNT_SHEET_H
#define LNT_SHEET_H

#include <stddef.h>
#include <stdint.h>

#include "badge.h"
#include "bounds.h"
#include "err.h"

/*
 * An A4 page holds LNT_SHEET_COLS x LNT_SHEET_ROWS portrait cards of
 * LNT_SHEET_CARD_W_MM x LNT_SHEET_CARD_H_MM with cut marks at every corner.
 * The card is sized around the QR code, not the other way round: a
 * version-12 badge code printed at 55 mm (0.85 mm a module, 4-module quiet
 * zone on top) is what a 640x480 kiosk camera reads at arm's length, and a
 * CR80 credit card (85.6 x 54 mm) cannot hold that and a readable name.
 * Four cards of 92 x 132 mm fit A4 with 9-12 mm margins for printers that
 * cannot print to the edge, and slip into a standard lanyard pouch.
 */
#define LNT_SHEET_COLS 2
#define LNT_SHEET_ROWS 2
#define LNT_SHEET_PER_PAGE (LNT_SHEET_COLS * LNT_SHEET_ROWS)
#define LNT_SHEET_PAGE_W_MM 210.0
#define LNT_SHEET_PAGE_H_MM 297.0
#define LNT_SHEET_CARD_W_MM 92.0
#define LNT_SHEET_CARD_H_MM 132.0
#define LNT_SHEET_QR_MM 55.0  /* the code itself, quiet zone not included */
#define LNT_SHEET_PNG_DPI 300 /* PNG pages: enough for a scanner to read every code */
#define LNT_SHEET_MAX_CARDS 1000

/* What one card shows. Text is UTF-8; empty fields are left off the card. */
struct lnt_sheet_card {
    char scheme[LNT_SCHEME_NAME_MAX + 1];
    char name[LNT_STAFF_NAME_MAX + 1];
    enum lnt_role role;
    char venue[LNT_VENUE_NAME_MAX + 1];
    char sia_number[LNT_SIA_NUMBER_LEN + 1]; /* 16 digits, shown in groups of four; "" when none */
    int32_t sia_expires;                     /* days since epoch, 0 = none */
    int64_t expires_at;                      /* the badge's expiry, unix seconds */
    char training[128]; /* in-date courses as words ("WAVE, First aid"); "" when none */
    char serial[LNT_SERIAL_LEN * 2 + 1];
    char qr_text[LNT_BADGE_MAX_TEXT + 1];
};

enum lnt_sheet_format { LNT_SHEET_PDF = 1, LNT_SHEET_SVG = 2, LNT_SHEET_PNG = 3 };

/* Pages needed for `n` cards (at least 1). */
size_t lnt_sheet_pages(size_t n);

/*
 * The file that holds page `page` (0-based) when writing to `path`: a PDF
 * keeps every page in `path`; SVG and PNG write page 0 to `path` and page k
 * to "<stem>-<k+1>.<ext>" ("badges.svg", "badges-2.svg"). LNT_ERR_TOO_LARGE
 * when it does not fit `size`.
 */
enum lnt_err lnt_sheet_page_path(const char *path, enum lnt_sheet_format fmt, size_t page,
                                 char *out, size_t size);

/*
 * Lays out `n` cards (1..LNT_SHEET_MAX_CARDS) in order, LNT_SHEET_PER_PAGE
 * to a page, and writes the file(s) named by lnt_sheet_page_path. Each QR
 * code is drawn as filled vector rectangles from the encoder's modules.
 * Each file is written to a temporary name and renamed into place, so a
 * failure leaves no half-written sheet (earlier pages of an SVG/PNG set may
 * remain). LNT_ERR_INVALID for bad arguments or a QR text that cannot be
 * encoded, LNT_ERR_IO when a file cannot be written.
 */
enum lnt_err lnt_sheet_write(const char *path, enum lnt_sheet_format fmt,
                             const struct lnt_sheet_card *cards, size_t n, char *err);

/*
 * Frees cairo's process-wide caches (fonts). Call once when no sheet is being
 * written, before exit, so leak checkers see a clean process. Optional.
 */
void lnt_sheet_cleanup(void);

/* The top-left corner of card slot `slot` (0..LNT_SHEET_PER_PAGE-1) on its page, in mm. */
void lnt_sheet_card_origin(size_t slot, double *x_mm, double *y_mm);

#endif
