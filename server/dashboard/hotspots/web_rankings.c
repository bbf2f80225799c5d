/* web_rankings.c - the Trends page's rankings: venues by harm (violence, sexual offences,
 * spiking, weighted and explained) beside their rank by risk points, yearly totals and averages,
 * and authorities side by side for scheme-wide officers. */
#include "web_hot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "log.h"
#include "ltime.h"
#include "night.h"
#include "score_summary.h"

#define HARM_SHOWN 20
#define AUTHORITIES_MAX 32

/* ---- the first few rows on a phone ---- */

bool web_hot_all_rows(struct web_req *r)
{
    const char *v = web_query(r, "rows");
    return v != NULL && strcmp(v, "all") == 0;
}

const char *web_hot_row_class(struct web_req *r, size_t i)
{
    return i >= WEB_HOT_PHONE_ROWS && !web_hot_all_rows(r) ? " class=\"more\"" : "";
}

void web_hot_show_all(struct web_req *r, const char *id, const char *anchor, size_t n,
                      const char *noun)
{
    if (n <= WEB_HOT_PHONE_ROWS || web_hot_all_rows(r))
        return;
    /* the same page with every row, its filters and date kept: no script needed */
    lnt_html_rawf(&r->h, "<p class=\"phone-only\" id=\"%s\"><a href=\"/trends?", id);
    lnt_html_attr(&r->h, r->http->query);
    lnt_html_rawf(&r->h, "%srows=all#%s\">Show all %zu %s</a></p>",
                  r->http->query[0] != '\0' ? "&amp;" : "", anchor, n, noun);
}

/* Reports of `code` in a row. */
static int64_t kind_count(const struct lnt_hot_venue *v, const char *code)
{
    for (int i = 0; i < LNT_HOT_KINDS && lnt_incident_kinds[i] != NULL; i++)
        if (strcmp(lnt_incident_kinds[i], code) == 0)
            return v->kinds[i];
    return 0;
}

/* 1-based rank of venue `id` by risk points in the league, 0 when not in it. */
static int risk_rank(const struct lnt_league *l, int64_t id, const struct lnt_league_row **row)
{
    const struct lnt_league_row *me = NULL;
    int rank = 1;

    for (size_t i = 0; i < l->n; i++)
        if (l->rows[i].s.venue.id == id)
            me = &l->rows[i];
    *row = me;
    if (me == NULL || !me->scored)
        return 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->rows[i].scored && l->rows[i].score.total_milli > me->score.total_milli)
            rank++;
    return rank;
}

static void explain(struct web_req *r)
{
    lnt_html_raw(&r->h, "<p class=\"muted\" id=\"harm-explained\">Harm points: ");
    for (size_t i = 0; lnt_hot_harm_weights[i].kind != NULL; i++)
        lnt_html_rawf(&r->h, "%s%s %d", i > 0 ? ", " : "", lnt_hot_harm_weights[i].words,
                      lnt_hot_harm_weights[i].weight);
    lnt_html_raw(&r->h, " per report; every other type 0. Risk points also count paperwork "
                        "(late or incomplete reports, door supervisors without a licence, silent "
                        "kiosks, Essentials not evidenced), so a venue can rank high by risk with "
                        "little harm, and the other way round.</p>");
}

void web_hot_rankings(struct web_req *r, const struct lnt_rollup_scope *scope,
                      const struct lnt_league *l)
{
    struct lnt_hot_venue *rows = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0, shown = 0;

    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"harm-h\"><h2 id=\"harm-h\">"
                        "Venues ranked by harm, beside their rank by risk</h2>");
    explain(r);
    if (lnt_store_hot_venues(r->web->store, scope, l->first_night, l->last_night, &rows, &n, err) !=
        LNT_OK) {
        lnt_error("dashboard: harm ranking: %s", err);
        lnt_html_raw(&r->h, "<p class=\"empty\">The ranking could not be read.</p></section>");
        return;
    }
    lnt_html_raw(
        &r->h,
        "<div class=\"table-wrap\"><table id=\"harm-table\" class=\"cards phone-few\"><thead><tr>"
        "<th scope=\"col\">Venue, by harm</th><th scope=\"col\" class=\"num\">"
        "Violence</th><th scope=\"col\" class=\"num\">Sexual</th><th scope=\"col\" "
        "class=\"num\">Spiking</th><th scope=\"col\" class=\"num\">Weapons</th><th "
        "scope=\"col\" class=\"num\">Harm points</th><th scope=\"col\" class=\"num\">"
        "All reports</th><th scope=\"col\" class=\"num\">By risk</th><th scope=\"col\" "
        "class=\"num\">Risk points</th><th scope=\"col\" class=\"num\">of which "
        "paperwork</th></tr></thead><tbody>");
    for (size_t i = 0; i < n && shown < HARM_SHOWN; i++) {
        const struct lnt_league_row *lr;
        int rr = risk_rank(l, rows[i].venue.id, &lr);
        char pts[32] = "-", paper[32] = "-";
        if (lr == NULL) /* closed since: not in the league */
            continue;
        if (rr > 0) {
            lnt_score_milli_format(lr->score.total_milli, pts);
            lnt_score_milli_format(
                lr->score.total_milli - lr->score.cause_milli[LNT_CAUSE_INCIDENTS], paper);
        }
        shown++;
        /* past the first few, a phone leaves the rows out until asked (lantern.css) */
        lnt_html_rawf(&r->h, "<tr data-venue=\"%lld\"%s><td>%zu. <a href=\"/venues/%lld\">",
                      (long long)rows[i].venue.id, web_hot_row_class(r, shown - 1), shown,
                      (long long)rows[i].venue.id);
        lnt_html_txt(&r->h, rows[i].venue.name);
        lnt_html_rawf(
            &r->h,
            "</a></td><td class=\"num\" data-label=\"Violence\">%lld</td><td "
            "class=\"num\" data-label=\"Sexual\">%lld</td><td class=\"num\" "
            "data-label=\"Spiking\">%lld</td><td class=\"num\" data-label=\"Weapons\">"
            "%lld</td><td class=\"num harm\" data-label=\"Harm points\">%lld</td><td "
            "class=\"num\" data-label=\"All reports\">%lld</td><td class=\"num risk-rank\" "
            "data-label=\"By risk\">",
            (long long)(kind_count(&rows[i], "violence_injury") + kind_count(&rows[i], "violence")),
            (long long)kind_count(&rows[i], "sexual"), (long long)kind_count(&rows[i], "spiking"),
            (long long)kind_count(&rows[i], "weapons"), (long long)rows[i].harm_points,
            (long long)rows[i].reports);
        if (rr > 0)
            lnt_html_rawf(&r->h, "%d", rr);
        else
            lnt_html_raw(&r->h, "not scored");
        lnt_html_rawf(&r->h,
                      "</td><td class=\"num\" data-label=\"Risk points\">%s</td><td "
                      "class=\"num\" data-label=\"paperwork\">%s</td></tr>",
                      pts, paper);
    }
    if (shown == 0)
        lnt_html_raw(&r->h, "<tr><td colspan=\"10\" class=\"empty\">No venues.</td></tr>");
    lnt_html_raw(&r->h, "</tbody></table></div>");
    web_hot_show_all(r, "harm-all", "harm-h", shown, "venues");
    if (n > shown)
        lnt_html_rawf(&r->h, "<p class=\"muted\">The first %d venues by harm.</p>", HARM_SHOWN);
    lnt_html_raw(&r->h, "</section>");
    free(rows);
}

void web_hot_years(struct web_req *r, const struct lnt_rollup_scope *scope, int64_t n_venues)
{
    struct lnt_hot_year *y = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    int32_t today = lnt_night_of(r->now);
    int yy, m, d;

    lnt_civil_from_days(today, &yy, &m, &d);
    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"years-h\"><h2 id=\"years-h\">"
                        "Year by year</h2><p class=\"muted\">Incident reports per year of trading "
                        "nights; this year so far. Averages are per venue open now in the view, "
                        "and per night of the year so far.</p>");
    if (lnt_store_hot_years(r->web->store, scope, lnt_days_from_civil(yy - 2, 1, 1), today, &y, &n,
                            err) != LNT_OK) {
        lnt_error("dashboard: years: %s", err);
        lnt_html_raw(&r->h, "<p class=\"empty\">They could not be read.</p></section>");
        return;
    }
    lnt_html_raw(&r->h, "<div class=\"table-wrap\"><table id=\"years-table\"><thead><tr><th "
                        "scope=\"col\">Year</th><th scope=\"col\" class=\"num\">Reports</th><th "
                        "scope=\"col\" class=\"num\">Harm reports</th><th scope=\"col\" "
                        "class=\"num\">Harm points</th><th scope=\"col\" class=\"num\">Venues "
                        "reporting</th><th scope=\"col\" class=\"num\">Per venue</th><th "
                        "scope=\"col\" class=\"num\">Per night</th></tr></thead><tbody>");
    /* from the first year with a report (or this year) on, newest first */
    size_t first = 0;
    while (first + 1 < n && y[first].reports == 0)
        first++;
    for (size_t i = n; i-- > first;) {
        int32_t nights = y[i].last_night - y[i].first_night + 1;
        lnt_html_rawf(&r->h,
                      "<tr data-year=\"%d\"><th scope=\"row\">%d%s</th><td class=\"num\">%lld"
                      "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td "
                      "class=\"num\">%d</td><td class=\"num\">%.1f</td><td class=\"num\">%.2f"
                      "</td></tr>",
                      y[i].year, y[i].year, y[i].year == yy ? " (so far)" : "",
                      (long long)y[i].reports, (long long)y[i].harm_reports,
                      (long long)y[i].harm_points, y[i].venues_reporting,
                      n_venues > 0 ? (double)y[i].reports / (double)n_venues : 0.0,
                      nights > 0 ? (double)y[i].reports / nights : 0.0);
    }
    lnt_html_raw(&r->h, "</tbody></table></div></section>");
    free(y);
}

struct authority_row {
    char name[LNT_AUTHORITY_MAX + 1];
    int venues, red, amber;
    int64_t reports, harm_points, risk_milli;
};

void web_hot_authorities(struct web_req *r, const struct lnt_league *l)
{
    struct authority_row *a;
    struct lnt_hot_venue *rows = NULL;
    struct lnt_rollup_scope all = {0};
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0, na = 0;

    /* a comparison of authorities is for the scheme: an authority's officer sees their own */
    if (web_scope_authority(r) != NULL)
        return;
    a = calloc(AUTHORITIES_MAX, sizeof *a);
    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"auth-h\"><h2 id=\"auth-h\">"
                        "Authorities compared</h2>");
    if (a == NULL || lnt_store_hot_venues(r->web->store, &all, l->first_night, l->last_night, &rows,
                                          &n, err) != LNT_OK) {
        lnt_error("dashboard: authorities: %s", a == NULL ? "out of memory" : err);
        lnt_html_raw(&r->h, "<p class=\"empty\">They could not be read.</p></section>");
        free(a);
        return;
    }
    for (size_t i = 0; i < l->n; i++) {
        const struct lnt_league_row *lr = &l->rows[i];
        size_t j;
        for (j = 0; j < na; j++)
            if (strcmp(a[j].name, lr->s.venue.authority) == 0)
                break;
        if (j == na) {
            if (na == AUTHORITIES_MAX)
                continue;
            lnt_str_copy(a[na++].name, sizeof a[0].name, lr->s.venue.authority);
        }
        a[j].venues++;
        a[j].red += lr->score.band == LNT_BAND_RED;
        a[j].amber += lr->score.band == LNT_BAND_AMBER;
        a[j].risk_milli += lr->score.total_milli;
        for (size_t k = 0; k < n; k++)
            if (rows[k].venue.id == lr->s.venue.id) {
                a[j].reports += rows[k].reports;
                a[j].harm_points += rows[k].harm_points;
            }
    }
    for (size_t i = 0; i < na; i++)
        for (size_t j = i + 1; j < na; j++)
            if (a[j].harm_points * a[i].venues > a[i].harm_points * a[j].venues) {
                struct authority_row t = a[i];
                a[i] = a[j];
                a[j] = t;
            }
    lnt_html_raw(&r->h, "<p class=\"muted\">Open venues of each authority over the scoring "
                        "window, most harm per venue first.</p><div class=\"table-wrap\"><table "
                        "id=\"authority-table\"><thead><tr><th scope=\"col\">Authority</th><th "
                        "scope=\"col\" class=\"num\">Venues</th><th scope=\"col\" class=\"num\">"
                        "Red</th><th scope=\"col\" class=\"num\">Amber</th><th scope=\"col\" "
                        "class=\"num\">Reports</th><th scope=\"col\" class=\"num\">Harm points"
                        "</th><th scope=\"col\" class=\"num\">Harm per venue</th><th scope=\"col\" "
                        "class=\"num\">Risk points per venue</th></tr></thead><tbody>");
    for (size_t i = 0; i < na; i++) {
        char pts[32];
        lnt_score_milli_format(a[i].venues > 0 ? a[i].risk_milli / a[i].venues : 0, pts);
        lnt_html_raw(&r->h, "<tr><th scope=\"row\">");
        lnt_html_txt(&r->h, a[i].name[0] != '\0' ? a[i].name : "(none)");
        lnt_html_rawf(&r->h,
                      "</th><td class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">"
                      "%d</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td "
                      "class=\"num\">%.1f</td><td class=\"num\">%s</td></tr>",
                      a[i].venues, a[i].red, a[i].amber, (long long)a[i].reports,
                      (long long)a[i].harm_points,
                      a[i].venues > 0 ? (double)a[i].harm_points / a[i].venues : 0.0, pts);
    }
    lnt_html_raw(&r->h, "</tbody></table></div></section>");
    free(rows);
    free(a);
}
