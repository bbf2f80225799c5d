/* web_trends.c - Hot spots and trends: the hour-of-week heatmap, monthly trends, areas, repeat
 * locations. */
#include "web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ltime.h"
#include "night.h"
#include "svg.h"

#define MONTHS 12
#define KINDS_MAX LNT_SVG_SERIES_MAX
#define REPEAT_MIN_NIGHTS 3
#define REPEAT_SHOWN 20
#define AREAS_MAX 64

static const char *const month_names[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct kind_total {
    char kind[LNT_SHORT_TEXT];
    int64_t total;
    double per_month[MONTHS];
};

struct area_row {
    char area[LNT_AREA_MAX + 1];
    int venues, red, amber, incidents;
    int64_t risk_milli;
};

static void heatmap_table(struct web_req *r, int64_t counts[7][24])
{
    static const char *const days[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

    lnt_html_raw(&r->h, "<details class=\"data\"><summary>The heatmap's figures as a table"
                        "</summary><div class=\"table-wrap\"><table class=\"hourly\"><thead><tr>"
                        "<th scope=\"col\">Day</th>");
    for (int hr = 0; hr < 24; hr++)
        lnt_html_rawf(&r->h, "<th scope=\"col\">%02d</th>", hr);
    lnt_html_raw(&r->h, "</tr></thead><tbody>");
    for (int d = 0; d < 7; d++) {
        lnt_html_rawf(&r->h, "<tr><th scope=\"row\">%s</th>", days[d]);
        for (int hr = 0; hr < 24; hr++)
            lnt_html_rawf(&r->h, "<td>%lld</td>", (long long)counts[d][hr]);
        lnt_html_raw(&r->h, "</tr>");
    }
    lnt_html_raw(&r->h, "</tbody></table></div></details>");
}

/* Months from (y, m) back MONTHS - 1 months: index of (year, month) or -1. */
static int month_index(int y0, int m0, int y, int m)
{
    int k = (y0 - y) * 12 + (m0 - m);
    return k >= 0 && k < MONTHS ? MONTHS - 1 - k : -1;
}

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

/*
 * Incident counts per kind and month (of the MONTHS to (y0, m0)) from the
 * rollup rows, the most frequent kind first; at most `max` kinds. Returns how many.
 */
static size_t count_kinds(const struct lnt_month_count *mc, size_t n, int y0, int m0,
                          struct kind_total *kinds, size_t max)
{
    size_t n_kinds = 0;

    memset(kinds, 0, max * sizeof *kinds);
    for (size_t i = 0; i < n; i++) {
        int k = month_index(y0, m0, mc[i].year, mc[i].month);
        size_t j;
        if (mc[i].type != LNT_EV_INCIDENT || mc[i].kind[0] == '\0' || k < 0)
            continue;
        for (j = 0; j < n_kinds; j++)
            if (strcmp(kinds[j].kind, mc[i].kind) == 0)
                break;
        if (j == n_kinds) {
            if (n_kinds == max)
                continue;
            lnt_str_copy(kinds[n_kinds].kind, sizeof kinds[0].kind, mc[i].kind);
            n_kinds++;
        }
        kinds[j].total += mc[i].count;
        kinds[j].per_month[k] += (double)mc[i].count;
    }
    for (size_t i = 0; i < n_kinds; i++)
        for (size_t j = i + 1; j < n_kinds; j++)
            if (kinds[j].total > kinds[i].total) {
                struct kind_total t = kinds[i];
                kinds[i] = kinds[j];
                kinds[j] = t;
            }
    return n_kinds;
}

/* The chart of the first KINDS_MAX kinds, and every kind's figures as a table below it. */
static void monthly_figures(struct web_req *r, const struct kind_total *kinds, size_t n_kinds,
                            const char *const labels[MONTHS])
{
    struct lnt_svg_series series[KINDS_MAX];
    struct lnt_svg_lines c;
    size_t ns = n_kinds < KINDS_MAX ? n_kinds : KINDS_MAX;

    for (size_t i = 0; i < ns; i++) {
        series[i].name = kinds[i].kind;
        series[i].values = kinds[i].per_month;
    }
    memset(&c, 0, sizeof c);
    c.id = "monthly";
    c.title = "Incidents per month by type, last twelve months";
    c.y_label = "incidents per month";
    c.n_points = MONTHS;
    c.x_labels = labels;
    c.series = series;
    c.n_series = ns;
    lnt_svg_lines(&r->h, &c);
    lnt_html_raw(&r->h, "<details class=\"data\"><summary>The figures as a table</summary><div "
                        "class=\"table-wrap\"><table id=\"monthly-table\"><thead><tr><th "
                        "scope=\"col\">Type</th>");
    for (int i = 0; i < MONTHS; i++) {
        lnt_html_raw(&r->h, "<th scope=\"col\" class=\"num\">");
        lnt_html_txt(&r->h, labels[i]);
        lnt_html_raw(&r->h, "</th>");
    }
    lnt_html_raw(&r->h, "</tr></thead><tbody>");
    for (size_t k = 0; k < n_kinds; k++) {
        lnt_html_raw(&r->h, "<tr><th scope=\"row\">");
        lnt_html_txt(&r->h, kinds[k].kind);
        lnt_html_raw(&r->h, "</th>");
        for (int i = 0; i < MONTHS; i++)
            lnt_html_rawf(&r->h, "<td class=\"num\">%.0f</td>", kinds[k].per_month[i]);
        lnt_html_raw(&r->h, "</tr>");
    }
    lnt_html_raw(&r->h, "</tbody></table></div></details>");
}

/* Monthly trends by incident type over the last twelve months (London), as a chart and table. */
static void monthly(struct web_req *r, const struct lnt_rollup_scope *scope)
{
    struct lnt_month_count *mc = NULL;
    struct kind_total kinds[32];
    char err[LNT_ERRBUF_SIZE] = "", labels[MONTHS][12];
    const char *xl[MONTHS];
    size_t n = 0, n_kinds;
    int y0, m0, d0, y, m;
    int64_t from;

    lnt_civil_from_days(lnt_london_date(r->now), &y0, &m0, &d0);
    months_back(y0, m0, MONTHS - 1, &y, &m);
    from = web_night_start(lnt_days_from_civil(y, m, 1));
    for (int i = 0; i < MONTHS; i++) {
        months_back(y0, m0, MONTHS - 1 - i, &y, &m);
        snprintf(labels[i], sizeof labels[i], "%s %02d", month_names[m - 1], y % 100);
        xl[i] = labels[i];
    }
    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"mon-h\"><h2 id=\"mon-h\">"
                        "Monthly trends by incident type</h2>");
    if (lnt_store_rollup_months(r->web->store, scope, from, r->now + 1, &mc, &n, err) != LNT_OK) {
        lnt_error("dashboard: months: %s", err);
        lnt_html_raw(&r->h, "<p class=\"empty\">The monthly figures could not be read.</p>"
                            "</section>");
        return;
    }
    n_kinds = count_kinds(mc, n, y0, m0, kinds, sizeof kinds / sizeof kinds[0]);
    free(mc);
    if (n_kinds == 0)
        lnt_html_raw(&r->h, "<p class=\"empty\">No incidents in the last twelve months.</p>");
    else
        monthly_figures(r, kinds, n_kinds, xl);
    lnt_html_raw(&r->h, "</section>");
}

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
    lnt_html_raw(&r->h, "<div class=\"table-wrap\"><table id=\"repeat-table\"><thead><tr><th "
                        "scope=\"col\">Venue</th><th scope=\"col\">Type</th><th scope=\"col\" "
                        "class=\"num\">Nights</th><th scope=\"col\" class=\"num\">Reports</th>"
                        "</tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const char *name = venue_name(l, rl[i].venue_id);
        lnt_html_rawf(&r->h, "<tr><td><a href=\"/venues/%lld\">", (long long)rl[i].venue_id);
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
    lnt_html_raw(&r->h, "</tbody></table></div></section>");
    free(rl);
}

void web_trends(struct web_req *r)
{
    static struct lnt_svg_heatmap zero;
    struct lnt_svg_heatmap *hm = NULL;
    struct lnt_rollup_scope scope = {0};
    struct lnt_league *l = NULL;
    struct lnt_venue v;
    char err[LNT_ERRBUF_SIZE] = "", title[200];
    const char *area = web_query(r, "area"), *kind = web_query(r, "kind"),
               *venue = web_query(r, "venue");
    int64_t venue_id = 0, days = 90;
    const char *days_q = web_query(r, "days");

    if (!web_can_see_town(r)) {
        web_error(r, 403, "Not available",
                  "Hot spots cover the whole town; your account covers "
                  "one venue.");
        return;
    }
    if (days_q != NULL && lnt_parse_i64(days_q, 7, 366, &days) != LNT_OK)
        days = 90;
    if (venue != NULL && venue[0] != '\0') {
        if (lnt_parse_i64(venue, 1, INT64_MAX, &venue_id) != LNT_OK) {
            web_error(r, 404, "No such venue", "There is no venue with that number.");
            return;
        }
        if (!web_venue_in_scope(r, venue_id, &v))
            return;
    }
    if (kind != NULL && (kind[0] == '\0' || strlen(kind) >= LNT_SHORT_TEXT))
        kind = NULL;
    if (area != NULL && (area[0] == '\0' || strlen(area) > 64))
        area = NULL;
    scope.authority = web_scope_authority(r);
    scope.area = venue_id != 0 ? NULL : area;
    scope.venue_id = venue_id;
    if (web_league_get(r->web, web_scope_authority(r), r->now, &l, err) != LNT_OK) {
        lnt_error("dashboard: trends: %s", err);
        web_error(r, 500, "Something went wrong", "The figures could not be read.");
        return;
    }
    hm = malloc(sizeof *hm);
    if (hm == NULL) {
        web_error(r, 503, "Busy", "The server is short of memory.");
        goto out;
    }
    *hm = zero;
    if (lnt_store_rollup_hour_of_week(r->web->store, &scope, LNT_EV_INCIDENT, kind,
                                      r->now - days * 86400, r->now + 1, hm->counts,
                                      err) != LNT_OK) {
        lnt_error("dashboard: hour of week: %s", err);
        web_error(r, 500, "Something went wrong", "The hour-of-week figures could not be read.");
        goto out;
    }
    snprintf(title, sizeof title, "%s by hour of the week, last %lld days: %s",
             kind != NULL ? kind : "Incidents", (long long)days,
             venue_id != 0  ? v.name
             : area != NULL ? area
                            : "the whole town");
    hm->id = "heatmap";
    hm->title = title;
    hm->unit = "incidents";

    web_page_begin(r, "Hot spots and trends", "trends");
    lnt_html_raw(&r->h, "<h1>Hot spots and trends</h1><form method=\"get\" action=\"/trends\" "
                        "class=\"filters\" id=\"trend-filters\"><div><label for=\"t-area\">Area"
                        "</label><input type=\"text\" id=\"t-area\" name=\"area\" maxlength=\"64\" "
                        "value=\"");
    lnt_html_attr(&r->h, area);
    lnt_html_raw(&r->h, "\"/></div><div><label for=\"t-venue\">Venue number</label><input "
                        "type=\"number\" id=\"t-venue\" name=\"venue\" min=\"1\" value=\"");
    if (venue_id != 0)
        lnt_html_rawf(&r->h, "%lld", (long long)venue_id);
    lnt_html_raw(&r->h, "\"/></div><div><label for=\"t-kind\">Incident type</label><input "
                        "type=\"text\" id=\"t-kind\" name=\"kind\" maxlength=\"47\" value=\"");
    lnt_html_attr(&r->h, kind);
    lnt_html_rawf(&r->h,
                  "\"/></div><div><label for=\"t-days\">Days</label><select id=\"t-days\" "
                  "name=\"days\"><option value=\"28\"%s>28</option><option value=\"90\"%s>"
                  "90</option><option value=\"365\"%s>365</option></select></div><div>"
                  "<button type=\"submit\">Show</button></div></form>",
                  days == 28 ? " selected=\"selected\"" : "",
                  days == 90 ? " selected=\"selected\"" : "",
                  days == 365 ? " selected=\"selected\"" : "");
    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"hm-h\"><h2 id=\"hm-h\">");
    lnt_html_txt(&r->h, title);
    lnt_html_raw(&r->h, "</h2>");
    lnt_svg_heatmap(&r->h, hm);
    heatmap_table(r, hm->counts);
    lnt_html_raw(&r->h, "</section>");
    monthly(r, &scope);
    lnt_html_raw(&r->h, "<div class=\"grid\">");
    areas(r, l);
    repeats(r, &scope, l);
    lnt_html_raw(&r->h, "</div>");
    web_period_compare(r, &scope, NULL);
    web_page_end(r, 200);
out:
    free(hm);
    lnt_league_release(l);
}
