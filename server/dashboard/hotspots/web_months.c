/* web_months.c - the Trends page's monthly figures: every incident kind, twelve months, on two
 * charts of at most six lines each (harm, then the rest), the current month marked as part. */
#include "web_hot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "log.h"
#include "ltime.h"
#include "night.h"
#include "svg.h"

#define MONTHS 12
#define KINDS 12 /* lnt_incident_kinds */

static const char *const month_names[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* The two charts: the kinds of harm (with Ask for Angela), then everything else. */
static const char *const harm_kinds[] = {"violence_injury", "violence", "sexual",
                                         "spiking",         "weapons",  "angela"};
static const char *const other_kinds[] = {"drugs",    "disorder", "medical",
                                          "ejection", "theft",    "other"};

struct kind_row {
    const char *code;
    double per_month[MONTHS];
};

/* The month `back` months before (y0, m0), into *y and *m. */
static void months_back(int y0, int m0, int back, int *y, int *m)
{
    *y = y0;
    *m = m0 - back;
    while (*m < 1) {
        *m += 12;
        (*y)--;
    }
}

static int month_index(int y0, int m0, int y, int m)
{
    int k = (y0 - y) * 12 + (m0 - m);
    return k >= 0 && k < MONTHS ? MONTHS - 1 - k : -1;
}

static const char *ordinal(int d)
{
    if (d % 100 >= 11 && d % 100 <= 13)
        return "th";
    return d % 10 == 1 ? "st" : d % 10 == 2 ? "nd" : d % 10 == 3 ? "rd" : "th";
}

static struct kind_row *row_of(struct kind_row *rows, const char *code)
{
    for (size_t i = 0; i < KINDS && rows[i].code != NULL; i++)
        if (strcmp(rows[i].code, code) == 0)
            return &rows[i];
    return NULL;
}

static void chart(struct web_req *r, const char *id, const char *title, struct kind_row *rows,
                  const char *const *codes, size_t n, const char *const labels[MONTHS])
{
    struct lnt_svg_series series[LNT_SVG_SERIES_MAX];
    struct lnt_svg_lines c;

    for (size_t i = 0; i < n && i < LNT_SVG_SERIES_MAX; i++) {
        series[i].name = web_incident_words(WEB_INC_KIND, codes[i]);
        series[i].values = row_of(rows, codes[i])->per_month;
    }
    memset(&c, 0, sizeof c);
    c.id = id;
    c.title = title;
    c.y_label = "incidents per month";
    c.n_points = MONTHS;
    c.x_labels = labels;
    c.series = series;
    c.n_series = n;
    lnt_svg_lines(&r->h, &c);
}

/* labels: the table's ("Dec 26 (to the 5th)"); axis: the charts' ("Dec 26*"), short enough not
 * to run off the chart's edge. */
static void figures(struct web_req *r, struct kind_row *rows, const char *const labels[MONTHS],
                    const char *const axis[MONTHS])
{
    lnt_html_raw(&r->h, "<div class=\"grid\"><div class=\"chart-scroll\">");
    chart(r, "monthly", "Harm, and Ask for Angela, per month", rows, harm_kinds,
          sizeof harm_kinds / sizeof harm_kinds[0], axis);
    lnt_html_raw(&r->h, "</div><div class=\"chart-scroll\">");
    chart(r, "monthly-other", "Every other type per month", rows, other_kinds,
          sizeof other_kinds / sizeof other_kinds[0], axis);
    lnt_html_raw(&r->h, "</div></div><details class=\"data\"><summary>The figures as a table"
                        "</summary><div class=\"table-wrap\"><table id=\"monthly-table\"><thead>"
                        "<tr><th scope=\"col\">Type</th>");
    for (int i = 0; i < MONTHS; i++) {
        lnt_html_raw(&r->h, "<th scope=\"col\" class=\"num\">");
        lnt_html_txt(&r->h, labels[i]);
        lnt_html_raw(&r->h, "</th>");
    }
    lnt_html_raw(&r->h, "</tr></thead><tbody>");
    for (size_t k = 0; k < KINDS && rows[k].code != NULL; k++) {
        lnt_html_rawf(&r->h, "<tr data-kind=\"%s\"><th scope=\"row\">", rows[k].code);
        lnt_html_txt(&r->h, web_incident_words(WEB_INC_KIND, rows[k].code));
        lnt_html_raw(&r->h, "</th>");
        for (int i = 0; i < MONTHS; i++)
            lnt_html_rawf(&r->h, "<td class=\"num\">%.0f</td>", rows[k].per_month[i]);
        lnt_html_raw(&r->h, "</tr>");
    }
    lnt_html_raw(&r->h, "</tbody></table></div></details>");
}

void web_hot_months(struct web_req *r, const struct lnt_rollup_scope *scope)
{
    struct lnt_month_count *mc = NULL;
    struct kind_row rows[KINDS];
    char err[LNT_ERRBUF_SIZE] = "", labels[MONTHS][32], shorts[MONTHS][16];
    const char *xl[MONTHS], *xs[MONTHS];
    size_t n = 0;
    int y0, m0, d0, y, m, dl, ml, yl;
    int64_t from;

    memset(rows, 0, sizeof rows);
    for (size_t i = 0; i < KINDS && lnt_incident_kinds[i] != NULL; i++)
        rows[i].code = lnt_incident_kinds[i];
    lnt_civil_from_days(lnt_london_date(r->now), &y0, &m0, &d0);
    /* the current month is part of a month unless today is its last day */
    lnt_civil_from_days(lnt_london_date(r->now) + 1, &yl, &ml, &dl);
    months_back(y0, m0, MONTHS - 1, &y, &m);
    from = web_night_start(lnt_days_from_civil(y, m, 1));
    for (int i = 0; i < MONTHS; i++) {
        months_back(y0, m0, MONTHS - 1 - i, &y, &m);
        snprintf(shorts[i], sizeof shorts[i], "%s %02d%s", month_names[m - 1], y % 100,
                 i == MONTHS - 1 && dl != 1 ? "*" : "");
        if (i == MONTHS - 1 && dl != 1)
            snprintf(labels[i], sizeof labels[i], "%s %02d (to the %d%s)", month_names[m - 1],
                     y % 100, d0, ordinal(d0));
        else
            snprintf(labels[i], sizeof labels[i], "%s %02d", month_names[m - 1], y % 100);
        xl[i] = labels[i];
        xs[i] = shorts[i];
    }
    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"mon-h\"><h2 id=\"mon-h\">"
                        "Monthly trends by incident type</h2>");
    if (lnt_store_rollup_months(r->web->store, scope, from, r->now + 1, &mc, &n, err) != LNT_OK) {
        lnt_error("dashboard: months: %s", err);
        lnt_html_raw(&r->h, "<p class=\"empty\">The monthly figures could not be read.</p>"
                            "</section>");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        int k = month_index(y0, m0, mc[i].year, mc[i].month);
        struct kind_row *row;
        if (mc[i].type != LNT_EV_INCIDENT || mc[i].kind[0] == '\0' || k < 0 ||
            (row = row_of(rows, mc[i].kind)) == NULL)
            continue;
        row->per_month[k] += (double)mc[i].count;
    }
    free(mc);
    lnt_html_raw(&r->h, "<p class=\"muted\" id=\"monthly-note\">Every type of incident, last "
                        "twelve months.");
    if (dl != 1) {
        lnt_html_raw(&r->h, " ");
        lnt_html_txt(&r->h, xs[MONTHS - 1]);
        lnt_html_raw(&r->h, " is a part month: ");
        lnt_html_txt(&r->h, labels[MONTHS - 1]);
        lnt_html_raw(&r->h, ".");
    }
    lnt_html_raw(&r->h, "</p>");
    figures(r, rows, xl, xs);
    lnt_html_raw(&r->h, "</section>");
}
