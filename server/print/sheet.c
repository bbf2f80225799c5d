/* sheet.c - badge sheets for A4 card stock; the one file that talks to cairo (and its fontconfig).
 */
#include "sheet.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "image.h"
#include "ltime.h"
#include "night.h"
#include "qr.h"

#define PT_PER_MM (72.0 / 25.4)
#define MM_PER_PT (25.4 / 72.0)
#define GUTTER_MM 8.0
#define MARGIN_X_MM ((LNT_SHEET_PAGE_W_MM - LNT_SHEET_COLS * LNT_SHEET_CARD_W_MM - GUTTER_MM) / 2)
#define MARGIN_Y_MM ((LNT_SHEET_PAGE_H_MM - LNT_SHEET_ROWS * LNT_SHEET_CARD_H_MM - GUTTER_MM) / 2)
#define QUIET_MODULES 4
#define PAD_MM 5.0   /* text inset from the card's sides */
#define BAND_MM 18.0 /* the coloured role band at the top */
#define MARK_GAP_MM 1.0
#define MARK_LEN_MM 2.5 /* two marks meet no closer than 1 mm in an 8 mm gutter */
#define FONT "DejaVu Sans"
#define PATH_MAX_LEN 4096

struct rgb {
    double r, g, b;
};

/* Role colours, each dark enough for white text at AA contrast; the role is also written out. */
static struct rgb role_colour(enum lnt_role r)
{
    switch (r) {
    case LNT_ROLE_DOOR:
        return (struct rgb){0.09, 0.20, 0.42};
    case LNT_ROLE_BAR:
        return (struct rgb){0.00, 0.38, 0.38};
    case LNT_ROLE_MANAGER:
        return (struct rgb){0.36, 0.16, 0.42};
    case LNT_ROLE_VOLUNTEER:
        return (struct rgb){0.62, 0.26, 0.00};
    default:
        return (struct rgb){0.25, 0.25, 0.25};
    }
}

static const char *role_title(enum lnt_role r)
{
    switch (r) {
    case LNT_ROLE_DOOR:
        return "DOOR SUPERVISOR";
    case LNT_ROLE_BAR:
        return "BAR STAFF";
    case LNT_ROLE_MANAGER:
        return "MANAGER";
    case LNT_ROLE_VOLUNTEER:
        return "NTE VOLUNTEER";
    default:
        return "STAFF";
    }
}

size_t lnt_sheet_pages(size_t n)
{
    return n == 0 ? 1 : (n + LNT_SHEET_PER_PAGE - 1) / LNT_SHEET_PER_PAGE;
}

void lnt_sheet_card_origin(size_t slot, double *x_mm, double *y_mm)
{
    size_t col = slot % LNT_SHEET_COLS, row = (slot / LNT_SHEET_COLS) % LNT_SHEET_ROWS;

    *x_mm = MARGIN_X_MM + (double)col * (LNT_SHEET_CARD_W_MM + GUTTER_MM);
    *y_mm = MARGIN_Y_MM + (double)row * (LNT_SHEET_CARD_H_MM + GUTTER_MM);
}

enum lnt_err lnt_sheet_page_path(const char *path, enum lnt_sheet_format fmt, size_t page,
                                 char *out, size_t size)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    int n;

    if (page == 0 || fmt == LNT_SHEET_PDF)
        return lnt_str_copy(out, size, path);
    if (dot == NULL || (slash != NULL && dot < slash) || dot == path ||
        (slash != NULL && dot == slash + 1))
        n = snprintf(out, size, "%s-%zu", path, page + 1);
    else
        n = snprintf(out, size, "%.*s-%zu%s", (int)(dot - path), path, page + 1, dot);
    return n < 0 || (size_t)n >= size ? LNT_ERR_TOO_LARGE : LNT_OK;
}

/* "31 Mar 2028" */
static void pretty_date(int32_t days, char *out, size_t size)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y, m, d;

    lnt_civil_from_days(days, &y, &m, &d);
    snprintf(out, size, "%d %s %d", d, months[(m - 1) % 12], y);
}

/* Font size in points; the drawing unit is the millimetre. */
static void font(cairo_t *cr, double pt, bool bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, pt * MM_PER_PT);
}

static double text_width(cairo_t *cr, const char *s)
{
    cairo_text_extents_t ext;

    cairo_text_extents(cr, s, &ext);
    return ext.x_advance;
}

/* Shrinks the current font (down to `min_pt`) until `s` fits `width` mm. */
static void fit(cairo_t *cr, const char *s, double pt, double min_pt, bool bold, double width)
{
    font(cr, pt, bold);
    while (pt > min_pt && text_width(cr, s) > width) {
        pt -= 0.5;
        font(cr, pt, bold);
    }
}

/* Draws `s` with its baseline at y: align -1 left at x, 0 centred on x, 1 right-aligned to x. */
static void text_at(cairo_t *cr, const char *s, double x, double y, int align)
{
    double w = align == -1 ? 0 : text_width(cr, s);

    cairo_move_to(cr, align == -1 ? x : align == 0 ? x - w / 2 : x - w, y);
    cairo_show_text(cr, s);
}

/* The QR code as one filled path of module runs, so no renderer shows seams between modules. */
static enum lnt_err draw_qr(cairo_t *cr, const char *text, double x, double y, double side,
                            char *err)
{
    struct lnt_image img = {0};
    double mod, quiet;
    enum lnt_err rc;

    rc = lnt_qr_render(text, 12, 1, 0, &img, NULL, err);
    if (rc != LNT_OK)
        return rc;
    mod = side / img.w;
    quiet = QUIET_MODULES * mod;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x - quiet, y - quiet, side + 2 * quiet, side + 2 * quiet);
    cairo_fill(cr);
    cairo_new_path(cr);
    for (int row = 0; row < img.h; row++) {
        const uint8_t *px = img.px + (size_t)row * img.stride;
        for (int col = 0; col < img.w;) {
            int end = col;
            if (px[col] != 0) {
                col++;
                continue;
            }
            while (end < img.w && px[end] == 0)
                end++;
            cairo_rectangle(cr, x + col * mod, y + row * mod, (end - col) * mod, mod);
            col = end;
        }
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_fill(cr);
    lnt_image_release(&img);
    return LNT_OK;
}

static void cut_marks(cairo_t *cr, double x, double y)
{
    const double xs[2] = {x, x + LNT_SHEET_CARD_W_MM}, ys[2] = {y, y + LNT_SHEET_CARD_H_MM};

    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.15);
    for (int i = 0; i < 2; i++) {
        double dx = i == 0 ? -1 : 1;
        for (int j = 0; j < 2; j++) {
            double dy = j == 0 ? -1 : 1;
            /* horizontal mark beside the corner, vertical mark above/below it */
            cairo_move_to(cr, xs[i] + dx * MARK_GAP_MM, ys[j]);
            cairo_line_to(cr, xs[i] + dx * (MARK_GAP_MM + MARK_LEN_MM), ys[j]);
            cairo_move_to(cr, xs[i], ys[j] + dy * MARK_GAP_MM);
            cairo_line_to(cr, xs[i], ys[j] + dy * (MARK_GAP_MM + MARK_LEN_MM));
        }
    }
    cairo_stroke(cr);
}

/* One label: value row of the details block. */
static void detail(cairo_t *cr, double x, double y, const char *label, const char *value)
{
    font(cr, 7.5, false);
    cairo_set_source_rgb(cr, 0.38, 0.38, 0.38);
    text_at(cr, label, x + PAD_MM, y, -1);
    font(cr, 9.5, true);
    cairo_set_source_rgb(cr, 0.10, 0.10, 0.10);
    text_at(cr, value, x + LNT_SHEET_CARD_W_MM - PAD_MM, y, 1);
}

static enum lnt_err draw_card(cairo_t *cr, const struct lnt_sheet_card *c, double x, double y,
                              char *err)
{
    const double w = LNT_SHEET_CARD_W_MM, inner = w - 2 * PAD_MM;
    struct rgb col = role_colour(c->role);
    char line[128], date[32];
    double qr_y, row_y, qr_x = x + (w - LNT_SHEET_QR_MM) / 2;
    enum lnt_err rc;

    /* a faint outline helps cutting by hand; the marks are for the guillotine */
    cairo_set_source_rgb(cr, 0.82, 0.82, 0.82);
    cairo_set_line_width(cr, 0.1);
    cairo_rectangle(cr, x, y, w, LNT_SHEET_CARD_H_MM);
    cairo_stroke(cr);

    cairo_set_source_rgb(cr, col.r, col.g, col.b);
    cairo_rectangle(cr, x, y, w, BAND_MM);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    snprintf(line, sizeof line, "LANTERN  \xc2\xb7  %s", c->scheme);
    fit(cr, line, 7.5, 5, true, inner);
    text_at(cr, line, x + PAD_MM, y + 6.5, -1);
    fit(cr, role_title(c->role), 14, 8, true, inner);
    text_at(cr, role_title(c->role), x + PAD_MM, y + 14.0, -1);

    cairo_set_source_rgb(cr, 0.07, 0.07, 0.07);
    fit(cr, c->name, 17, 8, true, inner);
    text_at(cr, c->name, x + w / 2, y + BAND_MM + 9.0, 0);
    if (c->venue[0] != '\0') {
        cairo_set_source_rgb(cr, 0.33, 0.33, 0.33);
        fit(cr, c->venue, 10, 6, false, inner);
        text_at(cr, c->venue, x + w / 2, y + BAND_MM + 14.5, 0);
    }

    qr_y = y + BAND_MM + 20.0;
    if ((rc = draw_qr(cr, c->qr_text, qr_x, qr_y, LNT_SHEET_QR_MM, err)) != LNT_OK)
        return rc;

    /* the quiet zone of a version-12 code is 3.4 mm; the details start below it */
    row_y = qr_y + LNT_SHEET_QR_MM + 8.0;
    if (c->sia_number[0] != '\0') {
        const char *s = c->sia_number;
        snprintf(line, sizeof line, "%.4s %.4s %.4s %.4s", s, s + 4, s + 8, s + 12);
        detail(cr, x, row_y, "SIA licence", line);
        row_y += 4.6;
        if (c->sia_expires != 0) {
            pretty_date(c->sia_expires, date, sizeof date);
            detail(cr, x, row_y, "SIA licence expires", date);
            row_y += 4.6;
        }
    } else if (c->role == LNT_ROLE_DOOR) {
        detail(cr, x, row_y, "SIA licence", "NONE RECORDED");
        row_y += 4.6;
    }
    pretty_date(lnt_london_date(c->expires_at), date, sizeof date); /* read in London */
    detail(cr, x, row_y, "Badge valid until", date);
    row_y += 5.6;
    font(cr, 7.5, false);
    cairo_set_source_rgb(cr, 0.38, 0.38, 0.38);
    text_at(cr, "Training in date when issued", x + PAD_MM, row_y, -1);
    cairo_set_source_rgb(cr, 0.10, 0.10, 0.10);
    fit(cr, c->training[0] != '\0' ? c->training : "none", 8.5, 5.5, true, inner);
    text_at(cr, c->training[0] != '\0' ? c->training : "none", x + PAD_MM, row_y + 4.2, -1);

    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    font(cr, 6.5, false);
    snprintf(line, sizeof line, "Serial %s", c->serial);
    text_at(cr, line, x + PAD_MM, y + LNT_SHEET_CARD_H_MM - 3.5, -1);
    text_at(cr, "Scan at the staff-door kiosk", x + w - PAD_MM, y + LNT_SHEET_CARD_H_MM - 3.5, 1);
    return LNT_OK;
}

static void page_footer(cairo_t *cr, size_t page, size_t pages)
{
    char line[160];

    snprintf(line, sizeof line,
             "Lantern badge sheet  \xc2\xb7  page %zu of %zu  \xc2\xb7  print at 100%% (no "
             "scaling) on A4 card, then cut on the marks",
             page + 1, pages);
    cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
    font(cr, 6.5, false);
    text_at(cr, line, LNT_SHEET_PAGE_W_MM / 2, LNT_SHEET_PAGE_H_MM - 4.5, 0);
}

/* Draws one page's cards onto `cr`, whose unit is already the millimetre. */
static enum lnt_err draw_page(cairo_t *cr, const struct lnt_sheet_card *cards, size_t n,
                              size_t page, size_t pages, char *err)
{
    size_t first = page * LNT_SHEET_PER_PAGE;
    enum lnt_err rc;

    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    for (size_t slot = 0; slot < LNT_SHEET_PER_PAGE && first + slot < n; slot++) {
        double x, y;
        lnt_sheet_card_origin(slot, &x, &y);
        if ((rc = draw_card(cr, &cards[first + slot], x, y, err)) != LNT_OK)
            return lnt_fail_prefix(err, rc, "card %zu: ", first + slot + 1);
        cut_marks(cr, x, y);
    }
    page_footer(cr, page, pages);
    return LNT_OK;
}

/* Checks a surface or context status, naming the file. */
static enum lnt_err cairo_check(cairo_status_t st, const char *path, char *err)
{
    if (st == CAIRO_STATUS_SUCCESS)
        return LNT_OK;
    if (st == CAIRO_STATUS_NO_MEMORY)
        return lnt_fail(err, LNT_ERR_NOMEM, "%s: out of memory", path);
    return lnt_fail(err, LNT_ERR_IO, "%s: %s", path, cairo_status_to_string(st));
}

/* Writes pages [first, last) to one file `tmp`. */
static enum lnt_err write_file(const char *tmp, enum lnt_sheet_format fmt,
                               const struct lnt_sheet_card *cards, size_t n, size_t first,
                               size_t last, char *err)
{
    const double pw = LNT_SHEET_PAGE_W_MM * PT_PER_MM, ph = LNT_SHEET_PAGE_H_MM * PT_PER_MM;
    const double px_per_mm = LNT_SHEET_PNG_DPI / 25.4;
    cairo_surface_t *sf = NULL;
    cairo_t *cr = NULL;
    enum lnt_err rc = LNT_OK;
    size_t pages = lnt_sheet_pages(n);

    if (fmt == LNT_SHEET_PDF) {
        sf = cairo_pdf_surface_create(tmp, pw, ph);
    } else if (fmt == LNT_SHEET_SVG) {
        sf = cairo_svg_surface_create(tmp, pw, ph);
    } else {
        sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
                                        (int)(LNT_SHEET_PAGE_W_MM * px_per_mm + 0.5),
                                        (int)(LNT_SHEET_PAGE_H_MM * px_per_mm + 0.5));
    }
    if ((rc = cairo_check(cairo_surface_status(sf), tmp, err)) != LNT_OK)
        goto out;
    if (fmt == LNT_SHEET_PDF) {
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, "Lantern badges");
        cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "Lantern");
    }
    cr = cairo_create(sf);
    if (fmt == LNT_SHEET_PNG)
        cairo_scale(cr, px_per_mm, px_per_mm);
    else
        cairo_scale(cr, PT_PER_MM, PT_PER_MM);
    for (size_t p = first; p < last; p++) {
        if ((rc = draw_page(cr, cards, n, p, pages, err)) != LNT_OK)
            goto out;
        if (fmt == LNT_SHEET_PDF)
            cairo_show_page(cr);
    }
    if ((rc = cairo_check(cairo_status(cr), tmp, err)) != LNT_OK)
        goto out;
    if (fmt == LNT_SHEET_PNG) {
        cairo_surface_flush(sf);
        rc = cairo_check(cairo_surface_write_to_png(sf, tmp), tmp, err);
        goto out;
    }
    cairo_surface_finish(sf);
    rc = cairo_check(cairo_surface_status(sf), tmp, err);
out:
    cairo_destroy(cr);
    cairo_surface_destroy(sf);
    return rc;
}

enum lnt_err lnt_sheet_write(const char *path, enum lnt_sheet_format fmt,
                             const struct lnt_sheet_card *cards, size_t n, char *err)
{
    char file[PATH_MAX_LEN], tmp[PATH_MAX_LEN + 8];
    size_t pages;
    enum lnt_err rc;

    if (path == NULL || path[0] == '\0')
        return lnt_fail(err, LNT_ERR_INVALID, "sheet: no file name");
    if (fmt != LNT_SHEET_PDF && fmt != LNT_SHEET_SVG && fmt != LNT_SHEET_PNG)
        return lnt_fail(err, LNT_ERR_INVALID, "sheet: unknown format %d", (int)fmt);
    if (n == 0 || n > LNT_SHEET_MAX_CARDS)
        return lnt_fail(err, LNT_ERR_INVALID, "sheet: %zu cards: expected 1 to %d", n,
                        LNT_SHEET_MAX_CARDS);
    pages = lnt_sheet_pages(n);
    for (size_t p = 0; p < pages; p++) {
        if (lnt_sheet_page_path(path, fmt, p, file, sizeof file) != LNT_OK)
            return lnt_fail(err, LNT_ERR_TOO_LARGE, "sheet: file name too long: %s", path);
        snprintf(tmp, sizeof tmp, "%s.tmp", file);
        rc = write_file(tmp, fmt, cards, n, fmt == LNT_SHEET_PDF ? 0 : p,
                        fmt == LNT_SHEET_PDF ? pages : p + 1, err);
        if (rc == LNT_OK && rename(tmp, file) != 0)
            rc = lnt_fail(err, LNT_ERR_IO, "%s: %s", file, strerror(errno));
        if (rc != LNT_OK) {
            (void)unlink(tmp);
            return rc;
        }
        if (fmt == LNT_SHEET_PDF)
            break;
    }
    return LNT_OK;
}

void lnt_sheet_cleanup(void)
{
    cairo_debug_reset_static_data();
    FcFini(); /* cairo's text goes through fontconfig, which keeps its configuration until told */
}
