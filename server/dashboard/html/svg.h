/* svg.h - server-rendered SVG charts: the hour-of-week heatmap, monthly lines, bar charts. */
#ifndef LNT_SVG_H
#define LNT_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "html.h"

/*
 * Pure functions that write inline <svg> markup through an lnt_html writer
 * (so every label is escaped). Charts are readable without JavaScript and
 * without colour: every value is also printed or carried in a <title> the
 * browser shows on hover and a screen reader reads, colours come from
 * colour-blind-safe scales, and series differ by marker and dash as well as
 * hue. Each chart scales with its container (viewBox, no fixed width).
 * `id` prefixes the element ids in the chart and must be unique on the page
 * ([A-Za-z0-9_-], program constant).
 */

/* Incidents (or anything counted) by day of the week and hour: day 0 = Monday, hour 0 =
 * 00:00-00:59. */
struct lnt_svg_heatmap {
    const char *id;
    const char *title; /* "Incidents by hour of the week: Riverside" */
    const char *unit;  /* plural noun for titles: "incidents" */
    int64_t counts[7][24];
    /* Optional (NULL/0 = calendar days from midnight): the rows' short and long names (7 each,
     * e.g. trading nights "Fri night"), and the hour of column 0, so that column c is hour
     * (first_hour + c) % 24 and counts[d][c] is that column's count. */
    const char *const *row_names;
    const char *const *row_long;
    int first_hour;
};
void lnt_svg_heatmap(struct lnt_html *h, const struct lnt_svg_heatmap *m);
/* Which of the heatmap's 6 colour classes (0 = none, 1..5 by share of `max`) a count falls in. */
int lnt_svg_heat_class(int64_t count, int64_t max);

#define LNT_SVG_SERIES_MAX 6
#define LNT_SVG_POINTS_MAX 36

struct lnt_svg_series {
    const char *name;     /* "violence" */
    const double *values; /* n_points values, >= 0 */
};

/* Lines over shared x labels (months), one per series, with a legend. */
struct lnt_svg_lines {
    const char *id;
    const char *title;
    const char *y_label; /* "incidents per month" */
    size_t n_points;     /* at most LNT_SVG_POINTS_MAX; more are ignored */
    const char *const *x_labels;
    const struct lnt_svg_series *series;
    size_t n_series; /* at most LNT_SVG_SERIES_MAX; more are ignored */
};
void lnt_svg_lines(struct lnt_html *h, const struct lnt_svg_lines *c);

struct lnt_svg_bar {
    const char *label;
    double value; /* >= 0 */
};
/* Horizontal bars, longest = largest value, each labelled with its value. */
void lnt_svg_bars(struct lnt_html *h, const char *id, const char *title, const char *unit,
                  const struct lnt_svg_bar *bars, size_t n);

/* One point of a hot-spot map: a venue or a public place, at x, y in [0, 1] across the map from
 * its top left corner. */
struct lnt_svg_spot {
    const char *label; /* "Castle Park" */
    const char *kind;  /* "venue" or "place": a class, and the marker's shape */
    double x, y;
    int64_t count;
    const char *href; /* a program-built link for the label (NULL = none) */
};
/* Venues and places as circles sized by count (square markers for venues), labelled, each with a
 * <title>, over a background image (image_href, program-built, drawn across the whole map) or a
 * plain grid when image_href is NULL. The <desc> names every spot and its count. */
struct lnt_svg_spots {
    const char *id;
    const char *title;
    const char *unit;       /* "records" */
    int width, height;      /* the map's size in viewBox units */
    const char *image_href; /* NULL = a plain grid */
    const struct lnt_svg_spot *spots;
    size_t n;
};
void lnt_svg_spots(struct lnt_html *h, const struct lnt_svg_spots *m);

/* ---- placing the map's labels (svg_labels.c) ---- */

/* An axis-aligned box in viewBox units: x, y its top left corner. */
struct lnt_svg_box {
    double x, y, w, h;
};
/* Whether two boxes share any area (touching edges do not). */
bool lnt_svg_box_overlap(const struct lnt_svg_box *a, const struct lnt_svg_box *b);

/* One marker to label: its centre, its half-size (radius, or half a square's side) and the
 * label's length in characters. */
struct lnt_svg_label_in {
    double x, y, r;
    size_t chars;
};
enum lnt_svg_label_how {
    LNT_SVG_LABEL_RIGHT,  /* beside the marker, to its right */
    LNT_SVG_LABEL_LEFT,   /* to its left */
    LNT_SVG_LABEL_ABOVE,  /* centred above it */
    LNT_SVG_LABEL_BELOW,  /* centred below it */
    LNT_SVG_LABEL_LEADER, /* further off, with a line from the marker's edge to the label */
    LNT_SVG_LABEL_KEYED   /* no room: the marker is numbered, its name is in a list under the map */
};
/* Where a label went. For KEYED, `box` holds the number's own small label (placed as a label
 * is, leader included; w = 0 when even that found no room) and `key` its number (1, 2, ...). */
struct lnt_svg_label_out {
    enum lnt_svg_label_how how;
    struct lnt_svg_box box;  /* the text's box; the text's baseline is box.y + 0.8 box.h */
    double line_x1, line_y1; /* LEADER (and a keyed number's leader): the line's ends */
    double line_x2, line_y2;
    bool line; /* a leader line is drawn */
    int key;   /* KEYED: the number, 1-based in the order keyed */
};
/* The width a label of `chars` characters takes at `font_size`: 0.62 em a character (a
 * DejaVu Sans average with room to spare) plus the white halo round the text. */
double lnt_svg_label_width(size_t chars, double font_size);
/*
 * Places the labels of n markers on a w by h map, greedily, larger markers
 * first (then by index): for each, the first of right, left, above and below
 * whose box overlaps no marker, no label placed before it and stays on the
 * map; else the nearest free spot on rings further out, with a leader line;
 * else it is keyed (numbered, and its number placed the same way). No two
 * placed boxes overlap, nor does any overlap any marker's box. The same
 * input always gives the same output. Pure and thread-safe; out has n
 * entries.
 */
void lnt_svg_labels_place(const struct lnt_svg_label_in *in, size_t n, double font_size, double w,
                          double h, struct lnt_svg_label_out *out);

#endif
