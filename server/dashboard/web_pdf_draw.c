/* web_pdf_draw.c - drawing the evidence pack (cairo, A4): wrapped text, facts, table rows,
 * sections a reader can jump to, links, and "page X of Y" footers. */
#include "web_int.h"

#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>

#define PAGE_W WEB_PDF_PAGE_W
#define PAGE_H 842.0
#define MARGIN WEB_PDF_MARGIN
#define FONT "DejaVu Sans"

static cairo_status_t pdf_write(void *ctx, const unsigned char *data, unsigned int len)
{
    return lnt_buf_append(ctx, data, len) == LNT_OK ? CAIRO_STATUS_SUCCESS
                                                    : CAIRO_STATUS_WRITE_ERROR;
}

/* The first pass only measures: its bytes go nowhere. */
static cairo_status_t pdf_discard(void *ctx, const unsigned char *data, unsigned int len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return CAIRO_STATUS_SUCCESS;
}

enum lnt_err web_pdf_open(struct web_pdf *p, struct lnt_buf *out, const char *footer,
                          const struct web_pdf *measured, char *err)
{
    memset(p, 0, sizeof *p);
    p->surface = out != NULL
                     ? cairo_pdf_surface_create_for_stream(pdf_write, out, PAGE_W, PAGE_H)
                     : cairo_pdf_surface_create_for_stream(pdf_discard, NULL, PAGE_W, PAGE_H);
    if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(p->surface);
        p->surface = NULL;
        return lnt_fail(err, LNT_ERR_NOMEM, "pdf: the surface could not be made");
    }
    cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, "Lantern evidence pack");
    cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "Lantern");
    p->cr = cairo_create(p->surface);
    p->y = MARGIN;
    p->page = 1;
    lnt_str_copy(p->footer, sizeof p->footer, footer);
    if (measured != NULL) {
        p->pages = measured->page;
        memcpy(p->known, measured->seen, sizeof p->known);
        p->n_known = measured->n_seen;
    }
    return LNT_OK;
}

static void draw_footer(struct web_pdf *p)
{
    char text[300];

    cairo_select_font_face(p->cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(p->cr, 8);
    cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
    if (p->pages > 0)
        snprintf(text, sizeof text, "%s - page %d of %d", p->footer, p->page, p->pages);
    else
        snprintf(text, sizeof text, "%s - page %d", p->footer, p->page);
    cairo_move_to(p->cr, MARGIN, PAGE_H - 25);
    cairo_show_text(p->cr, text);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
}

enum lnt_err web_pdf_close(struct web_pdf *p, char *err)
{
    enum lnt_err rc = LNT_OK;

    if (p->surface == NULL)
        return lnt_fail(err, LNT_ERR_STATE, "pdf: not open");
    draw_footer(p);
    cairo_destroy(p->cr);
    cairo_surface_finish(p->surface);
    if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS)
        rc = lnt_fail(err, LNT_ERR_IO, "pdf: %s",
                      cairo_status_to_string(cairo_surface_status(p->surface)));
    cairo_surface_destroy(p->surface);
    p->surface = NULL;
    p->cr = NULL;
    return rc;
}

void web_pdf_page_break(struct web_pdf *p)
{
    draw_footer(p);
    cairo_show_page(p->cr);
    p->page++;
    p->y = MARGIN;
}

void web_pdf_need(struct web_pdf *p, double h)
{
    if (p->y + h > PAGE_H - MARGIN)
        web_pdf_page_break(p);
}

static void font(struct web_pdf *p, double size, bool bold)
{
    cairo_select_font_face(p->cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(p->cr, size);
}

/* The bytes of s[start..] that fit in `width` as whole words (at least one piece). */
static size_t fit(struct web_pdf *p, const char *s, size_t start, size_t n, double width)
{
    char line[512];
    size_t end = start, best = 0;
    cairo_text_extents_t ext;

    while (end < n && end - start < sizeof line - 1) {
        size_t next = end;
        while (next < n && s[next] != ' ')
            next++;
        if (next - start >= sizeof line)
            break;
        memcpy(line, s + start, next - start);
        line[next - start] = '\0';
        cairo_text_extents(p->cr, line, &ext);
        if (ext.x_advance > width && best > 0)
            break;
        best = next - start;
        end = next < n ? next + 1 : next;
        if (ext.x_advance > width)
            break;
    }
    if (best == 0)
        best = n - start < sizeof line - 1 ? n - start : sizeof line - 1;
    /* never cut a UTF-8 sequence */
    while (best > 0 && best < n - start && ((unsigned char)s[start + best] & 0xc0) == 0x80)
        best--;
    return best;
}

void web_pdf_text(struct web_pdf *p, double x, double width, const char *s, double size, bool bold)
{
    char line[512];
    size_t start = 0, n = strlen(s);

    font(p, size, bold);
    while (start < n) {
        size_t len = fit(p, s, start, n, width);
        memcpy(line, s + start, len);
        line[len] = '\0';
        web_pdf_need(p, size * 1.35);
        font(p, size, bold);
        cairo_move_to(p->cr, x, p->y + size);
        cairo_show_text(p->cr, line);
        p->y += size * 1.35;
        start += len;
        while (start < n && s[start] == ' ')
            start++;
    }
}

void web_pdf_para(struct web_pdf *p, const char *s, double size, bool bold)
{
    cairo_tag_begin(p->cr, "P", NULL);
    web_pdf_text(p, MARGIN, PAGE_W - 2 * MARGIN, s, size, bold);
    cairo_tag_end(p->cr, "P");
}

/* Remembers that `dest` starts on this page (for the contents of the next pass). */
static void dest_seen(struct web_pdf *p, const char *dest)
{
    if (p->n_seen >= WEB_PDF_DESTS)
        return;
    lnt_str_copy(p->seen[p->n_seen].name, sizeof p->seen[0].name, dest);
    p->seen[p->n_seen].page = p->page;
    p->n_seen++;
}

int web_pdf_dest_page(const struct web_pdf *p, const char *dest)
{
    for (size_t i = 0; i < p->n_known; i++)
        if (strcmp(p->known[i].name, dest) == 0)
            return p->known[i].page;
    return 0;
}

/* A heading of `size` points, a destination named `dest` when not NULL, and a rule under it. */
static void heading_at(struct web_pdf *p, const char *s, const char *dest, double size,
                       const char *tag)
{
    char attrs[80];

    web_pdf_need(p, size * 3 + 20);
    p->y += size * 0.8;
    if (dest != NULL) {
        dest_seen(p, dest);
        snprintf(attrs, sizeof attrs, "name='%s' y=%.1f", dest, p->y);
        cairo_tag_begin(p->cr, CAIRO_TAG_DEST, attrs);
    }
    cairo_tag_begin(p->cr, tag, NULL);
    web_pdf_text(p, MARGIN, PAGE_W - 2 * MARGIN, s, size, true);
    cairo_tag_end(p->cr, tag);
    if (dest != NULL)
        cairo_tag_end(p->cr, CAIRO_TAG_DEST);
    cairo_set_line_width(p->cr, size >= 12 ? 0.6 : 0.3);
    cairo_move_to(p->cr, MARGIN, p->y + 2);
    cairo_line_to(p->cr, PAGE_W - MARGIN, p->y + 2);
    cairo_stroke(p->cr);
    p->y += size * 0.6;
}

void web_pdf_heading(struct web_pdf *p, const char *s, const char *dest)
{
    heading_at(p, s, dest, 13, "H1");
}

void web_pdf_subheading(struct web_pdf *p, const char *s, const char *dest)
{
    heading_at(p, s, dest, 10.5, "H2");
}

void web_pdf_fact(struct web_pdf *p, const char *label, const char *value)
{
    double y = p->y, y_label;

    web_pdf_need(p, 9.5 * 1.35);
    y = p->y;
    cairo_tag_begin(p->cr, "P", NULL);
    web_pdf_text(p, MARGIN, 130, label, 9.5, true);
    y_label = p->y;
    p->y = y;
    web_pdf_text(p, MARGIN + 140, PAGE_W - 2 * MARGIN - 140, value, 9.5, false);
    if (y_label > p->y)
        p->y = y_label;
    cairo_tag_end(p->cr, "P");
}

/* How many lines `s` takes at `width`. */
static int lines_of(struct web_pdf *p, const char *s, double width, double size, bool bold)
{
    size_t start = 0, n = strlen(s);
    int lines = 0;

    font(p, size, bold);
    while (start < n) {
        start += fit(p, s, start, n, width);
        while (start < n && s[start] == ' ')
            start++;
        lines++;
    }
    return lines;
}

void web_pdf_row(struct web_pdf *p, const char *const *cells, const double *widths, size_t n,
                 double size, bool bold)
{
    double x = MARGIN, y, bottom;
    int lines = 1;

    for (size_t i = 0; i < n; i++) {
        int k = lines_of(p, cells[i], widths[i] - 6, size, bold);
        if (k > lines)
            lines = k;
    }
    web_pdf_need(p, lines * size * 1.35 + 1);
    y = bottom = p->y;
    cairo_tag_begin(p->cr, "P", NULL);
    for (size_t i = 0; i < n; i++) {
        p->y = y;
        web_pdf_text(p, x, widths[i] - 6, cells[i], size, bold);
        if (p->y > bottom)
            bottom = p->y;
        x += widths[i];
    }
    cairo_tag_end(p->cr, "P");
    p->y = bottom + 1;
}

void web_pdf_link(struct web_pdf *p, double x, const char *text, const char *dest,
                  const char *right, double size)
{
    char attrs[80];
    cairo_text_extents_t ext;

    web_pdf_need(p, size * 1.35);
    font(p, size, false);
    snprintf(attrs, sizeof attrs, "dest='%s'", dest);
    cairo_tag_begin(p->cr, "P", NULL);
    cairo_tag_begin(p->cr, CAIRO_TAG_LINK, attrs);
    cairo_set_source_rgb(p->cr, 0.05, 0.25, 0.6);
    cairo_move_to(p->cr, x, p->y + size);
    cairo_show_text(p->cr, text);
    cairo_text_extents(p->cr, text, &ext);
    cairo_set_line_width(p->cr, 0.4);
    cairo_move_to(p->cr, x, p->y + size + 1.5);
    cairo_line_to(p->cr, x + ext.x_advance, p->y + size + 1.5);
    cairo_stroke(p->cr);
    cairo_tag_end(p->cr, CAIRO_TAG_LINK);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    if (right != NULL && right[0] != '\0') {
        cairo_text_extents(p->cr, right, &ext);
        cairo_move_to(p->cr, PAGE_W - MARGIN - ext.x_advance, p->y + size);
        cairo_show_text(p->cr, right);
    }
    cairo_tag_end(p->cr, "P");
    p->y += size * 1.35;
}

void web_pdf_gap(struct web_pdf *p, double h)
{
    p->y += h;
}
