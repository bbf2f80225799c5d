/* svg.c - server-rendered SVG charts: heatmap, lines, bars; pure, escaped through html.c. */
#include "svg.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const day_names[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const day_long[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};

/* Viridis in five steps: ordered in lightness, distinguishable with every common colour-vision
 * deficiency; class 0 (nothing counted) is a plain light grey. Text colours keep AA contrast. */
static const char *const heat_fill[6] = {"#f4f4f4", "#fde725", "#5ec962",
                                         "#21918c", "#3b528b", "#440154"};
static const char *const heat_ink[6] = {"#111111", "#111111", "#111111",
                                        "#111111", "#ffffff", "#ffffff"};

/* Okabe-Ito hues darkened where needed for 3:1 against white, each with its own marker and dash. */
static const char *const series_colour[LNT_SVG_SERIES_MAX] = {"#0072B2", "#D55E00", "#009E73",
                                                              "#CC79A7", "#000000", "#8a5a00"};
static const char *const series_dash[LNT_SVG_SERIES_MAX] = {"",        "7 4", "2 3",
                                                            "9 3 2 3", "4 4", "12 4"};

#define HM_LEFT 48
#define HM_TOP 30
#define HM_CELL_W 26
#define HM_CELL_H 24
#define HM_WIDTH (HM_LEFT + 24 * HM_CELL_W + 8)
#define HM_HEIGHT (HM_TOP + 7 * HM_CELL_H + 74)

/* "12" for whole numbers, "2.5" otherwise. */
static void fmt_num(double v, char out[32])
{
    if (!isfinite(v))
        v = 0;
    if (fabs(v - round(v)) < 1e-9 && fabs(v) < 1e15)
        snprintf(out, 32, "%.0f", v);
    else
        snprintf(out, 32, "%.1f", v);
}

/* Writes `s` as text, cut after `max_chars` characters (never inside a UTF-8 sequence) with an
 * ellipsis. */
static void txt_cut(struct lnt_html *h, const char *s, size_t max_chars)
{
    size_t i = 0, chars = 0, n = s != NULL ? strlen(s) : 0;

    while (i < n && chars < max_chars) {
        size_t k = lnt_html_utf8_len(s + i, n - i);
        i += k == 0 ? 1 : k;
        chars++;
    }
    lnt_html_txtn(h, s, i);
    if (i < n)
        lnt_html_raw(h, "\xe2\x80\xa6");
}

static void open_svg(struct lnt_html *h, const char *id, const char *title, int w, int height,
                     const char *cls)
{
    lnt_html_rawf(h,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart %s\" viewBox=\"0 0 %d "
                  "%d\" role=\"img\" aria-labelledby=\"%s-t\"",
                  cls, w, height, id);
    lnt_html_attr_pair(h, "id", id);
    lnt_html_raw(h, "><title id=\"");
    lnt_html_attr(h, id);
    lnt_html_raw(h, "-t\">");
    lnt_html_txt(h, title);
    lnt_html_raw(h, "</title>\n");
}

int lnt_svg_heat_class(int64_t count, int64_t max)
{
    int64_t k;

    if (count <= 0 || max <= 0)
        return 0;
    if (count >= max)
        return 5;
    k = (count * 5 + max - 1) / max;
    return k < 1 ? 1 : k > 5 ? 5 : (int)k;
}

void lnt_svg_heatmap(struct lnt_html *h, const struct lnt_svg_heatmap *m)
{
    const char *unit = m->unit != NULL ? m->unit : "";
    const char *const *names = m->row_names != NULL ? m->row_names : day_names;
    const char *const *longs = m->row_long != NULL ? m->row_long : day_long;
    bool nights = m->row_names != NULL;
    int first = m->first_hour >= 0 && m->first_hour < 24 ? m->first_hour : 0;
    int left = nights ? HM_LEFT + 28 : HM_LEFT; /* room for "Fri night" */
    int64_t max = 0, total = 0;
    int legend_x;

    for (int d = 0; d < 7; d++)
        for (int hr = 0; hr < 24; hr++) {
            int64_t c = m->counts[d][hr] > 0 ? m->counts[d][hr] : 0;
            max = c > max ? c : max;
            total += c;
        }
    /* nights are named at both ends: a phone scrolled to the small hours still sees which */
    open_svg(h, m->id, m->title, HM_WIDTH - HM_LEFT + left + (nights ? left - 8 : 0), HM_HEIGHT,
             "heatmap");
    lnt_html_rawf(h, "<desc>");
    lnt_html_txtf(
        h, "%lld %s in all; the busiest hour has %lld. %s", (long long)total, unit, (long long)max,
        nights ? "Rows are trading nights, Monday night first; columns are the hours of "
                 "the night in order, local time."
               : "Rows are days, Monday first; columns are hours of the day, local time.");
    lnt_html_raw(h, "</desc>\n");
    /* hour labels above the grid, day labels to its left */
    lnt_html_raw(h, "<g class=\"axis\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">");
    for (int hr = 0; hr < 24; hr++)
        lnt_html_rawf(h, "<text x=\"%d\" y=\"%d\">%02d</text>", left + hr * HM_CELL_W + 12,
                      HM_TOP - 8, (first + hr) % 24);
    lnt_html_raw(h, "</g>\n<g class=\"axis\" font-size=\"12\" text-anchor=\"end\" fill=\"#333\">");
    for (int d = 0; d < 7; d++)
        lnt_html_rawf(h, "<text x=\"%d\" y=\"%d\">%s</text>", left - 8, HM_TOP + d * HM_CELL_H + 16,
                      names[d]);
    if (nights) {
        lnt_html_raw(h, "</g>\n<g class=\"axis\" font-size=\"12\" text-anchor=\"start\" "
                        "fill=\"#333\">");
        for (int d = 0; d < 7; d++)
            lnt_html_rawf(h, "<text x=\"%d\" y=\"%d\">%s</text>", left + 24 * HM_CELL_W + 8,
                          HM_TOP + d * HM_CELL_H + 16, names[d]);
    }
    lnt_html_raw(h, "</g>\n<g class=\"cells\" font-size=\"11\" text-anchor=\"middle\">");
    for (int d = 0; d < 7; d++) {
        for (int hr = 0; hr < 24; hr++) {
            int64_t c = m->counts[d][hr] > 0 ? m->counts[d][hr] : 0;
            int k = lnt_svg_heat_class(c, max);
            int x = left + hr * HM_CELL_W, y = HM_TOP + d * HM_CELL_H;
            lnt_html_rawf(h,
                          "<g class=\"cell\" data-day=\"%d\" data-hour=\"%d\" data-count=\"%lld\">",
                          d, (first + hr) % 24, (long long)c);
            lnt_html_raw(h, "<title>");
            lnt_html_txtf(h, "%s %02d:00-%02d:59: %lld %s", longs[d], (first + hr) % 24,
                          (first + hr) % 24, (long long)c, unit);
            lnt_html_raw(h, "</title>");
            lnt_html_rawf(h,
                          "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"2\" "
                          "fill=\"%s\"/>",
                          x + 1, y + 1, HM_CELL_W - 2, HM_CELL_H - 2, heat_fill[k]);
            if (c > 0)
                lnt_html_rawf(h, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%lld</text>", x + 13, y + 16,
                              heat_ink[k], (long long)c);
            lnt_html_raw(h, "</g>");
        }
        lnt_html_raw(h, "\n");
    }
    lnt_html_raw(h, "</g>\n");
    lnt_html_rawf(h,
                  "<text class=\"axis-title\" x=\"%d\" y=\"%d\" font-size=\"12\" "
                  "text-anchor=\"middle\" fill=\"#333\">hour of the %s (local time)</text>\n",
                  left + 12 * HM_CELL_W, HM_TOP + 7 * HM_CELL_H + 18, nights ? "night" : "day");
    /* legend: one swatch per non-empty class, with the counts it covers */
    legend_x = left;
    lnt_html_rawf(h, "<g class=\"legend\" font-size=\"12\" fill=\"#333\"><text x=\"%d\" y=\"%d\">",
                  legend_x, HM_TOP + 7 * HM_CELL_H + 48);
    lnt_html_txt(h, unit);
    lnt_html_raw(h, ":</text>");
    legend_x += 80;
    for (int k = 0; k <= 5; k++) {
        char label[48];
        if (k == 0) {
            snprintf(label, sizeof label, "none");
        } else {
            int64_t lo = (int64_t)(k - 1) * max / 5 + 1, hi = (int64_t)k * max / 5;
            if (max <= 0 || lo > hi)
                continue;
            if (lo == hi)
                snprintf(label, sizeof label, "%lld", (long long)lo);
            else
                snprintf(label, sizeof label, "%lld-%lld", (long long)lo, (long long)hi);
        }
        lnt_html_rawf(h,
                      "<rect x=\"%d\" y=\"%d\" width=\"18\" height=\"18\" rx=\"2\" fill=\"%s\" "
                      "stroke=\"#999\" stroke-width=\"0.5\"/><text x=\"%d\" y=\"%d\">%s</text>",
                      legend_x, HM_TOP + 7 * HM_CELL_H + 34, heat_fill[k], legend_x + 24,
                      HM_TOP + 7 * HM_CELL_H + 48, label);
        legend_x += 24 + 8 * (int)strlen(label) + 18;
    }
    lnt_html_raw(h, "</g>\n</svg>\n");
}

/* A "nice" axis maximum and step (1, 2 or 5 times a power of ten) covering `max` in about 4 steps.
 */
static void nice_axis(double max, double *top, double *step)
{
    double raw, mag, f;

    if (!(max > 0))
        max = 1;
    raw = max / 4.0;
    mag = pow(10.0, floor(log10(raw)));
    f = raw / mag;
    *step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    if (*step < 1)
        *step = 1; /* counts: whole-number gridlines */
    *top = ceil(max / *step) * *step;
}

/* Marker `k` centred at (x, y), in `colour`. */
static void marker(struct lnt_html *h, size_t k, double x, double y, const char *colour)
{
    switch (k % 6) {
    case 0:
        lnt_html_rawf(h, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>", x, y, colour);
        break;
    case 1:
        lnt_html_rawf(h, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"%s\"/>",
                      x - 4, y - 4, colour);
        break;
    case 2:
        lnt_html_rawf(h, "<path d=\"M%.1f %.1fl5 9h-10z\" fill=\"%s\"/>", x, y - 5, colour);
        break;
    case 3:
        lnt_html_rawf(h, "<path d=\"M%.1f %.1fl5 5-5 5-5-5z\" fill=\"%s\"/>", x, y - 5, colour);
        break;
    case 4:
        lnt_html_rawf(h,
                      "<path d=\"M%.1f %.1fh10M%.1f %.1fv10\" stroke=\"%s\" stroke-width=\"3\"/>",
                      x - 5, y, x, y - 5, colour);
        break;
    default:
        lnt_html_rawf(h, "<path d=\"M%.1f %.1fl5 -9h-10z\" fill=\"%s\"/>", x, y + 5, colour);
        break;
    }
}

#define LN_LEFT 52
#define LN_RIGHT 30
#define LN_TOP 16
#define LN_PLOT_H 200
#define LN_WIDTH 680

void lnt_svg_lines(struct lnt_html *h, const struct lnt_svg_lines *c)
{
    size_t np = c->n_points > LNT_SVG_POINTS_MAX ? LNT_SVG_POINTS_MAX : c->n_points;
    size_t ns = c->n_series > LNT_SVG_SERIES_MAX ? LNT_SVG_SERIES_MAX : c->n_series;
    size_t legend_rows = (ns + 2) / 3, every;
    double max = 0, top, step, plot_w = LN_WIDTH - LN_LEFT - LN_RIGHT, dx;
    int height = LN_TOP + LN_PLOT_H + 44 + (int)legend_rows * 22 + 8;
    char num[32];

    for (size_t s = 0; s < ns; s++)
        for (size_t i = 0; i < np; i++)
            max = c->series[s].values[i] > max ? c->series[s].values[i] : max;
    nice_axis(max, &top, &step);
    dx = np > 1 ? plot_w / (double)(np - 1) : 0;
    every = (np + 11) / 12;
    if (every == 0)
        every = 1;

    open_svg(h, c->id, c->title, LN_WIDTH, height, "lines");
    lnt_html_raw(h, "<desc>");
    lnt_html_txt(h, c->y_label);
    lnt_html_raw(h,
                 "</desc>\n<g class=\"grid\" font-size=\"11\" fill=\"#333\" text-anchor=\"end\">");
    for (double v = 0; v <= top + 1e-9; v += step) {
        double y = LN_TOP + LN_PLOT_H - v / top * LN_PLOT_H;
        fmt_num(v, num);
        lnt_html_rawf(h,
                      "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#d0d0d0\"/>"
                      "<text x=\"%d\" y=\"%.1f\">%s</text>",
                      LN_LEFT, LN_WIDTH - LN_RIGHT, y, y, LN_LEFT - 6, y + 4, num);
    }
    lnt_html_raw(h,
                 "</g>\n<g class=\"axis\" font-size=\"11\" fill=\"#333\" text-anchor=\"middle\">");
    for (size_t i = 0; i < np; i += every) {
        lnt_html_rawf(h, "<text x=\"%.1f\" y=\"%d\">", LN_LEFT + dx * (double)i,
                      LN_TOP + LN_PLOT_H + 16);
        lnt_html_txt(h, c->x_labels[i]);
        lnt_html_raw(h, "</text>");
    }
    lnt_html_rawf(h,
                  "</g>\n<text class=\"axis-title\" x=\"%d\" y=\"%d\" font-size=\"12\" "
                  "fill=\"#333\" text-anchor=\"middle\">",
                  LN_LEFT + (int)plot_w / 2, LN_TOP + LN_PLOT_H + 34);
    lnt_html_txt(h, c->y_label);
    lnt_html_raw(h, "</text>\n");
    for (size_t s = 0; s < ns; s++) {
        const struct lnt_svg_series *se = &c->series[s];
        lnt_html_raw(h, "<g class=\"series\"");
        lnt_html_attr_pair(h, "data-name", se->name);
        lnt_html_rawf(h, "><path fill=\"none\" stroke=\"%s\" stroke-width=\"2\"", series_colour[s]);
        if (series_dash[s][0] != '\0')
            lnt_html_rawf(h, " stroke-dasharray=\"%s\"", series_dash[s]);
        lnt_html_raw(h, " d=\"");
        for (size_t i = 0; i < np; i++)
            lnt_html_rawf(h, "%s%.1f %.1f", i == 0 ? "M" : " L", LN_LEFT + dx * (double)i,
                          LN_TOP + LN_PLOT_H - se->values[i] / top * LN_PLOT_H);
        lnt_html_raw(h, "\"/>");
        for (size_t i = 0; i < np; i++) {
            fmt_num(se->values[i], num);
            lnt_html_raw(h, "<g class=\"point\"><title>");
            lnt_html_txt(h, c->x_labels[i]);
            lnt_html_raw(h, ", ");
            lnt_html_txt(h, se->name);
            lnt_html_rawf(h, ": %s</title>", num);
            marker(h, s, LN_LEFT + dx * (double)i,
                   LN_TOP + LN_PLOT_H - se->values[i] / top * LN_PLOT_H, series_colour[s]);
            lnt_html_raw(h, "</g>");
        }
        lnt_html_raw(h, "</g>\n");
    }
    lnt_html_raw(h, "<g class=\"legend\" font-size=\"12\" fill=\"#333\">");
    for (size_t s = 0; s < ns; s++) {
        int x = LN_LEFT + (int)(s % 3) * 200, y = LN_TOP + LN_PLOT_H + 56 + (int)(s / 3) * 22;
        lnt_html_rawf(h, "<path d=\"M%d %dh28\" stroke=\"%s\" stroke-width=\"2\"", x, y,
                      series_colour[s]);
        if (series_dash[s][0] != '\0')
            lnt_html_rawf(h, " stroke-dasharray=\"%s\"", series_dash[s]);
        lnt_html_raw(h, "/>");
        marker(h, s, x + 14, y, series_colour[s]);
        lnt_html_rawf(h, "<text x=\"%d\" y=\"%d\">", x + 36, y + 4);
        lnt_html_txt(h, c->series[s].name);
        lnt_html_raw(h, "</text>");
    }
    lnt_html_raw(h, "</g>\n</svg>\n");
}

#define BAR_LABEL_W 150
#define BAR_ROW_H 26
#define BAR_WIDTH 520
#define BAR_MAX_W 300

void lnt_svg_bars(struct lnt_html *h, const char *id, const char *title, const char *unit,
                  const struct lnt_svg_bar *bars, size_t n)
{
    double max = 0, total = 0;
    size_t top = 0;
    char num[32];

    for (size_t i = 0; i < n; i++) {
        double v = bars[i].value > 0 ? bars[i].value : 0;
        if (v > max) {
            max = v;
            top = i;
        }
        total += v;
    }
    open_svg(h, id, title, BAR_WIDTH, (int)n * BAR_ROW_H + 8, "bars");
    /* what the bars say, in words: a screen reader reads it with the title */
    lnt_html_raw(h, "<desc>");
    if (n == 0 || max <= 0) {
        lnt_html_raw(h, "No ");
        lnt_html_txt(h, unit);
        lnt_html_rawf(h, " in any of the %zu bars.", n);
    } else {
        fmt_num(total, num);
        lnt_html_rawf(h, "%zu bars, %s ", n, num);
        lnt_html_txt(h, unit);
        lnt_html_raw(h, " in all; the largest is ");
        lnt_html_txt(h, bars[top].label);
        fmt_num(max, num);
        lnt_html_rawf(h, " with %s.", num);
    }
    lnt_html_raw(h, "</desc>\n<g font-size=\"12\" fill=\"#222\">");
    for (size_t i = 0; i < n; i++) {
        double v = bars[i].value > 0 ? bars[i].value : 0;
        double w = max > 0 ? v / max * BAR_MAX_W : 0;
        int y = 4 + (int)i * BAR_ROW_H;
        fmt_num(v, num);
        lnt_html_raw(h, "<g class=\"bar\"><title>");
        lnt_html_txt(h, bars[i].label);
        lnt_html_rawf(h, ": %s ", num);
        lnt_html_txt(h, unit);
        lnt_html_rawf(h, "</title><text x=\"%d\" y=\"%d\" text-anchor=\"end\">", BAR_LABEL_W - 8,
                      y + 16);
        txt_cut(h, bars[i].label, 24);
        lnt_html_rawf(h,
                      "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                      "fill=\"#1d4e89\"/><text x=\"%.1f\" y=\"%d\">%s</text></g>\n",
                      BAR_LABEL_W, y + 2, w, BAR_ROW_H - 8, BAR_LABEL_W + w + 6, y + 16, num);
    }
    lnt_html_raw(h, "</g>\n</svg>\n");
}

/* ---- hot-spot map ---- */

#define SPOT_FONT 13
#define SPOT_LABEL_CHARS 28

/* The characters txt_cut(s, max) writes, its ellipsis included. */
static size_t cut_chars(const char *s, size_t max_chars)
{
    size_t i = 0, chars = 0, n = s != NULL ? strlen(s) : 0;

    while (i < n && chars < max_chars) {
        size_t k = lnt_html_utf8_len(s + i, n - i);
        i += k == 0 ? 1 : k;
        chars++;
    }
    return chars + (i < n ? 1 : 0);
}

static double spot_radius(int64_t count, int64_t max)
{
    int64_t c = count > 0 ? count : 0;
    return 5.0 + (max > 0 ? 20.0 * sqrt((double)c / (double)max) : 0.0);
}

/* The label (or a keyed spot's number) where lnt_svg_labels_place put it, with its leader. */
static void spot_label(struct lnt_html *h, const struct lnt_svg_spot *s,
                       const struct lnt_svg_label_out *o)
{
    if (o->box.w <= 0) /* keyed, and not even its number found room: the list names it */
        return;
    if (o->line)
        lnt_html_rawf(h,
                      "<line class=\"leader\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                      "stroke=\"#333\" stroke-width=\"1\"/>",
                      o->line_x1, o->line_y1, o->line_x2, o->line_y2);
    if (s->href != NULL) {
        lnt_html_raw(h, "<a");
        lnt_html_attr_pair(h, "href", s->href);
        lnt_html_raw(h, ">");
    }
    lnt_html_rawf(h,
                  "<text x=\"%.1f\" y=\"%.1f\" class=\"%s\" data-box=\"%.1f %.1f %.1f %.1f\" "
                  "fill=\"#111\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">",
                  o->box.x + 1.5, o->box.y + 0.8 * o->box.h,
                  o->how == LNT_SVG_LABEL_KEYED ? "spot-key" : "spot-label", o->box.x, o->box.y,
                  o->box.w, o->box.h);
    if (o->how == LNT_SVG_LABEL_KEYED)
        lnt_html_rawf(h, "%d", o->key);
    else
        txt_cut(h, s->label, SPOT_LABEL_CHARS);
    lnt_html_raw(h, "</text>");
    if (s->href != NULL)
        lnt_html_raw(h, "</a>");
}

/* The numbered list under the map naming the spots whose labels found no room. */
static void spot_key(struct lnt_html *h, const struct lnt_svg_spots *m,
                     const struct lnt_svg_label_out *o)
{
    int keys = 0;

    for (size_t i = 0; i < m->n; i++)
        if (o[i].how == LNT_SVG_LABEL_KEYED && o[i].key > keys)
            keys = o[i].key;
    if (keys == 0)
        return;
    lnt_html_raw(h, "<ol class=\"map-key\"");
    lnt_html_raw(h, " id=\"");
    lnt_html_attr(h, m->id);
    lnt_html_raw(h, "-key\" aria-label=\"Numbered on the map\">");
    for (int k = 1; k <= keys; k++)
        for (size_t i = 0; i < m->n; i++) {
            if (o[i].how != LNT_SVG_LABEL_KEYED || o[i].key != k)
                continue;
            lnt_html_rawf(h, "<li value=\"%d\">", k);
            if (m->spots[i].href != NULL) {
                lnt_html_raw(h, "<a");
                lnt_html_attr_pair(h, "href", m->spots[i].href);
                lnt_html_raw(h, ">");
            }
            lnt_html_txt(h, m->spots[i].label);
            if (m->spots[i].href != NULL)
                lnt_html_raw(h, "</a>");
            lnt_html_rawf(h, ": %lld ", (long long)(m->spots[i].count > 0 ? m->spots[i].count : 0));
            lnt_html_txt(h, m->unit);
            lnt_html_raw(h, "</li>");
        }
    lnt_html_raw(h, "</ol>\n");
}

void lnt_svg_spots(struct lnt_html *h, const struct lnt_svg_spots *m)
{
    int64_t max = 0, total = 0;
    char num[32];
    struct lnt_svg_label_in *lin = calloc(m->n > 0 ? m->n : 1, sizeof *lin);
    struct lnt_svg_label_out *lout = calloc(m->n > 0 ? m->n : 1, sizeof *lout);

    for (size_t i = 0; i < m->n; i++) {
        if (m->spots[i].count > max)
            max = m->spots[i].count;
        total += m->spots[i].count > 0 ? m->spots[i].count : 0;
    }
    if (lin == NULL || lout == NULL) {
        free(lin);
        free(lout);
        if (h->err == LNT_OK)
            h->err = LNT_ERR_NOMEM;
        return;
    }
    for (size_t i = 0; i < m->n; i++) {
        lin[i].x = m->spots[i].x * m->width;
        lin[i].y = m->spots[i].y * m->height;
        lin[i].r = spot_radius(m->spots[i].count, max);
        lin[i].chars = cut_chars(m->spots[i].label, SPOT_LABEL_CHARS);
    }
    lnt_svg_labels_place(lin, m->n, SPOT_FONT, m->width, m->height, lout);
    open_svg(h, m->id, m->title, m->width, m->height, "map");
    lnt_html_raw(h, "<desc>");
    if (m->n == 0) {
        lnt_html_raw(h, "Nothing with coordinates to show.");
    } else {
        fmt_num((double)total, num);
        lnt_html_rawf(h, "%zu places and venues, %s ", m->n, num);
        lnt_html_txt(h, m->unit);
        lnt_html_raw(h, " in all:");
        for (size_t i = 0; i < m->n; i++) {
            lnt_html_raw(h, i == 0 ? " " : "; ");
            lnt_html_txt(h, m->spots[i].label);
            lnt_html_rawf(h, " %lld", (long long)m->spots[i].count);
        }
        lnt_html_raw(h, ".");
    }
    lnt_html_raw(h, "</desc>\n");
    if (m->image_href != NULL) {
        lnt_html_rawf(h,
                      "<image x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
                      "preserveAspectRatio=\"none\"",
                      m->width, m->height);
        lnt_html_attr_pair(h, "href", m->image_href);
        lnt_html_raw(h, "/>\n");
    } else {
        lnt_html_rawf(h,
                      "<rect class=\"grid\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
                      "fill=\"#fafafa\" stroke=\"#999\"/><g stroke=\"#ddd\">",
                      m->width, m->height);
        for (int k = 1; k < 10; k++)
            lnt_html_rawf(h,
                          "<line x1=\"%d\" y1=\"0\" x2=\"%d\" y2=\"%d\"/><line x1=\"0\" "
                          "y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
                          m->width * k / 10, m->width * k / 10, m->height, m->height * k / 10,
                          m->width, m->height * k / 10);
        lnt_html_raw(h, "</g>\n");
    }
    lnt_html_rawf(h, "<g font-size=\"%d\">", SPOT_FONT);
    for (size_t i = 0; i < m->n; i++) {
        const struct lnt_svg_spot *s = &m->spots[i];
        double x = lin[i].x, y = lin[i].y, r = lin[i].r;
        int64_t c = s->count > 0 ? s->count : 0;
        bool venue = s->kind != NULL && strcmp(s->kind, "venue") == 0;
        int cls = lnt_svg_heat_class(c, max);

        lnt_html_raw(h, "<g class=\"spot ");
        lnt_html_attr(h, venue ? "venue" : "place");
        lnt_html_rawf(h, "\" data-count=\"%lld\"", (long long)c);
        lnt_html_attr_pair(h, "data-name", s->label);
        if (lout[i].how == LNT_SVG_LABEL_KEYED)
            lnt_html_rawf(h, " data-key=\"%d\"", lout[i].key);
        lnt_html_raw(h, "><title>");
        lnt_html_txt(h, s->label);
        lnt_html_rawf(h, " (%s): %lld ", venue ? "venue" : "public place", (long long)c);
        lnt_html_txt(h, m->unit);
        lnt_html_raw(h, "</title>");
        if (venue)
            lnt_html_rawf(h,
                          "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                          "fill=\"%s\" fill-opacity=\"0.85\" stroke=\"#111\"/>",
                          x - r, y - r, 2 * r, 2 * r, heat_fill[cls]);
        else
            lnt_html_rawf(h,
                          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" "
                          "fill-opacity=\"0.85\" stroke=\"#111\"/>",
                          x, y, r, heat_fill[cls]);
        lnt_html_rawf(h,
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">%lld</text>",
                      x, y + 4.5, heat_ink[cls], (long long)c);
        spot_label(h, s, &lout[i]);
        lnt_html_raw(h, "</g>\n");
    }
    lnt_html_raw(h, "</g>\n</svg>\n");
    spot_key(h, m, lout);
    free(lin);
    free(lout);
}
