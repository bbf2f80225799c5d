/* web_heatmap.c - the Trends page's heatmap by trading night: a row per night of the week
 * (Friday night takes in the small hours of Saturday), columns the night's hours in order. */
#include "web_hot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "svg.h"

static const char *const night_names[7] = {"Mon night", "Tue night", "Wed night", "Thu night",
                                           "Fri night", "Sat night", "Sun night"};
static const char *const night_long[7] = {"Monday night",   "Tuesday night", "Wednesday night",
                                          "Thursday night", "Friday night",  "Saturday night",
                                          "Sunday night"};

static void table(struct web_req *r, int64_t counts[7][24])
{
    lnt_html_raw(&r->h, "<details class=\"data\"><summary>The heatmap's figures as a table"
                        "</summary><div class=\"table-wrap\"><table class=\"hourly\" "
                        "id=\"heatmap-table\"><thead><tr><th scope=\"col\">Night</th>");
    for (int c = 0; c < LNT_HOT_HOURS; c++)
        lnt_html_rawf(&r->h, "<th scope=\"col\">%02d</th>", lnt_hot_hour_of_column(c));
    lnt_html_raw(&r->h, "</tr></thead><tbody>");
    for (int d = 0; d < 7; d++) {
        lnt_html_rawf(&r->h, "<tr><th scope=\"row\">%s</th>", night_names[d]);
        for (int c = 0; c < LNT_HOT_HOURS; c++)
            lnt_html_rawf(&r->h, "<td>%lld</td>", (long long)counts[d][c]);
        lnt_html_raw(&r->h, "</tr>");
    }
    lnt_html_raw(&r->h, "</tbody></table></div></details>");
}

void web_hot_heatmap(struct web_req *r, const struct lnt_rollup_scope *scope,
                     const struct web_hot_filters *f, const char *where)
{
    static struct lnt_svg_heatmap zero;
    struct lnt_svg_heatmap *hm = malloc(sizeof *hm);
    char err[LNT_ERRBUF_SIZE] = "", title[200];

    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"hm-h\"><h2 id=\"hm-h\">");
    if (hm == NULL) {
        lnt_html_raw(&r->h, "Heatmap</h2><p class=\"empty\">Out of memory.</p></section>");
        return;
    }
    *hm = zero;
    snprintf(title, sizeof title, "%s by trading night and hour, last %lld days: %s",
             f->kind != NULL ? web_incident_words(WEB_INC_KIND, f->kind) : "Incidents",
             (long long)f->days, where);
    lnt_html_txt(&r->h, title);
    lnt_html_raw(&r->h, "</h2>");
    if (lnt_store_hot_nights(r->web->store, scope, f->kind, r->now - f->days * 86400, r->now + 1,
                             hm->counts, err) != LNT_OK) {
        lnt_error("dashboard: heatmap: %s", err);
        lnt_html_raw(&r->h, "<p class=\"empty\">The heatmap could not be read.</p></section>");
        free(hm);
        return;
    }
    hm->id = "heatmap";
    hm->title = title;
    hm->unit = "incidents";
    hm->row_names = night_names;
    hm->row_long = night_long;
    hm->first_hour = lnt_hot_hour_of_column(0);
    lnt_html_raw(&r->h, "<p class=\"muted\">A trading night runs from 06:00 to 06:00 the next "
                        "morning: an incident at 01:30 on a Saturday is Friday night's.</p>"
                        "<div class=\"chart-scroll\">");
    lnt_svg_heatmap(&r->h, hm);
    lnt_html_raw(&r->h, "</div>");
    table(r, hm->counts);
    lnt_html_raw(&r->h, "</section>");
    free(hm);
}
