/* web_trends.c - Hot spots and trends: the filters, the heatmap by trading night, monthly trends,
 * rankings by harm and risk, areas, repeat locations, years and authorities (hotspots/). */
#include "web_int.h"

#include "hotspots/web_hot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ltime.h"
#include "night.h"
#include "svg.h"

#define REPEAT_MIN_NIGHTS 3
#define REPEAT_SHOWN 20
#define AREAS_MAX 64

struct area_row {
    char area[LNT_AREA_MAX + 1];
    int venues, red, amber, incidents;
    int64_t risk_milli;
};

static void areas(struct web_req *r, const struct lnt_league *l)
{
    struct area_row *a = calloc(AREAS_MAX, sizeof *a);
    struct lnt_svg_bar bars[AREAS_MAX];
    size_t n = 0;

    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"areas-h\"><h2 "
                        "id=\"areas-h\">Areas ranked by risk</h2>");
    if (a == NULL) {
        lnt_html_raw(&r->h, "<p class=\"empty\">Out of memory.</p></section>");
        return;
    }
    for (size_t i = 0; i < l->n; i++) {
        const struct lnt_league_row *row = &l->rows[i];
        size_t j;
        for (j = 0; j < n; j++)
            if (strcmp(a[j].area, row->s.venue.area) == 0)
                break;
        if (j == n) {
            if (n == AREAS_MAX)
                continue;
            lnt_str_copy(a[n].area, sizeof a[n].area, row->s.venue.area);
            n++;
        }
        a[j].venues++;
        a[j].red += row->score.band == LNT_BAND_RED;
        a[j].amber += row->score.band == LNT_BAND_AMBER;
        a[j].incidents += row->s.incidents;
        a[j].risk_milli += row->score.total_milli;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (a[j].risk_milli > a[i].risk_milli) {
                struct area_row t = a[i];
                a[i] = a[j];
                a[j] = t;
            }
    for (size_t i = 0; i < n; i++) {
        bars[i].label = a[i].area[0] != '\0' ? a[i].area : "(no area)";
        bars[i].value = (double)a[i].risk_milli / 1000.0;
    }
    if (n > 0)
        lnt_svg_bars(&r->h, "areas", "Risk points by area", "risk points", bars, n);
    lnt_html_raw(&r->h, "<div class=\"table-wrap\"><table id=\"areas-table\"><thead><tr><th "
                        "scope=\"col\">Area</th><th scope=\"col\" class=\"num\">Venues</th><th "
                        "scope=\"col\" class=\"num\">Red</th><th scope=\"col\" class=\"num\">"
                        "Amber</th><th scope=\"col\" class=\"num\">Incidents</th><th "
                        "scope=\"col\" class=\"num\">Risk points</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        char pts[32];
        lnt_score_milli_format(a[i].risk_milli, pts);
        lnt_html_raw(&r->h, "<tr><td><a href=\"/trends?area=");
        lnt_html_url(&r->h, a[i].area);
        lnt_html_raw(&r->h, "\">");
        lnt_html_txt(&r->h, bars[i].label);
        lnt_html_rawf(&r->h,
                      "</a></td><td class=\"num\">%d</td><td class=\"num\">%d</td><td "
                      "class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">%s"
                      "</td></tr>",
                      a[i].venues, a[i].red, a[i].amber, a[i].incidents, pts);
    }
    if (n == 0)
        lnt_html_raw(&r->h, "<tr><td colspan=\"6\" class=\"empty\">No venues.</td></tr>");
    lnt_html_raw(&r->h, "</tbody></table></div></section>");
    free(a);
}

static const char *venue_name(const struct lnt_league *l, int64_t id)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->rows[i].s.venue.id == id)
            return l->rows[i].s.venue.name;
    return NULL;
}

static void repeats(struct web_req *r, const struct lnt_rollup_scope *scope,
                    const struct lnt_league *l)
{
    struct lnt_repeat_location *rl = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    lnt_html_rawf(&r->h,
                  "<section class=\"panel\" aria-labelledby=\"rep-h\"><h2 id=\"rep-h\">"
                  "Repeat locations</h2><p class=\"muted\">Venues with reports of the same "
                  "type on %d or more nights in the window.</p>",
                  REPEAT_MIN_NIGHTS);
    if (lnt_store_repeat_locations(r->web->store, scope, l->first_night, l->last_night,
                                   REPEAT_MIN_NIGHTS, REPEAT_SHOWN, &rl, &n, err) != LNT_OK) {
        lnt_error("dashboard: repeat locations: %s", err);
        lnt_html_raw(&r->h, "<p class=\"empty\">They could not be read.</p></section>");
        return;
    }
    lnt_html_raw(
        &r->h,
        "<div class=\"table-wrap\"><table id=\"repeat-table\" class=\"phone-few\"><thead><tr><th "
        "scope=\"col\">Venue</th><th scope=\"col\">Type</th><th scope=\"col\" "
        "class=\"num\">Nights</th><th scope=\"col\" class=\"num\">Reports</th>"
        "</tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const char *name = venue_name(l, rl[i].venue_id);
        lnt_html_rawf(&r->h, "<tr%s><td><a href=\"/venues/%lld\">", web_hot_row_class(r, i),
                      (long long)rl[i].venue_id);
        if (name != NULL)
            lnt_html_txt(&r->h, name);
        else
            lnt_html_rawf(&r->h, "venue %lld", (long long)rl[i].venue_id);
        lnt_html_raw(&r->h, "</a></td><td>");
        lnt_html_txt(&r->h, rl[i].kind);
        lnt_html_rawf(&r->h, "</td><td class=\"num\">%d</td><td class=\"num\">%d</td></tr>",
                      rl[i].nights, rl[i].reports);
    }
    if (n == 0)
        lnt_html_raw(&r->h, "<tr><td colspan=\"4\" class=\"empty\">None in this window.</td>"
                            "</tr>");
    lnt_html_raw(&r->h, "</tbody></table></div>");
    web_hot_show_all(r, "repeat-all", "rep-h", n, "repeat locations");
    lnt_html_raw(&r->h, "</section>");
    free(rl);
}

void web_trends(struct web_req *r)
{
    struct web_hot_filters f;
    struct lnt_rollup_scope scope = {0};
    struct lnt_league *l = NULL;
    char err[LNT_ERRBUF_SIZE] = "";

    if (!web_can_see_town(r)) {
        web_error(r, 403, "Not available",
                  "Hot spots cover the whole town; your account covers "
                  "one venue.");
        return;
    }
    if (!web_hot_filters_read(r, &f))
        goto out;
    scope.authority = web_scope_authority(r);
    scope.area = f.venue != NULL ? NULL : f.area;
    scope.venue_id = f.venue != NULL ? f.venue->id : 0;
    if (web_league_get(r->web, web_scope_authority(r), r->now, &l, err) != LNT_OK) {
        lnt_error("dashboard: trends: %s", err);
        web_error(r, 500, "Something went wrong", "The figures could not be read.");
        goto out;
    }

    web_page_begin(r, "Hot spots and trends", "trends");
    lnt_html_raw(&r->h, "<h1>Hot spots and trends</h1>");
    web_hot_filters_form(r, &f);
    web_hot_heatmap(r, &scope, &f,
                    f.venue != NULL  ? f.venue->name
                    : f.area != NULL ? f.area
                                     : "the whole town");
    web_hot_months(r, &scope);
    web_hot_rankings(r, &scope, l);
    lnt_html_raw(&r->h, "<div class=\"grid\">");
    areas(r, l);
    repeats(r, &scope, l);
    lnt_html_raw(&r->h, "</div>");
    web_hot_years(r, &scope, (int64_t)f.n_venues);
    web_hot_authorities(r, l);
    web_period_compare(r, &scope, NULL);
    web_page_end(r, 200);
out:
    web_hot_filters_release(&f);
    lnt_league_release(l);
}
