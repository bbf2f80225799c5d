/* web_volunteers.c - the Volunteers page: shifts, hours and tallies by month and team. */
#include "web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ltime.h"
#include "night.h"
#include "svg.h"

#define MONTHS 12
#define RECENT_DAYS 28

static const char *const tally_names[LNT_TALLIES] = {
    "Water",     "Flip-flops", "Space blankets", "Bottles and glasses",
    "First aid", "CCTV calls", "Police calls",   "Situations calmed"};
static const char *const month_names[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* The words the kiosk shows for a base code; a code it does not know as it is. */
static const char *base_words(const char *code)
{
    static const char *const words[][2] = {{"safe_haven", "Safe haven"},
                                           {"bus", "Welfare bus"},
                                           {"partner_venue", "Partner venue"},
                                           {"patrol", "On patrol"}};

    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(code, words[i][0]) == 0)
            return words[i][1];
    return code;
}

/* A team's name, or a muted "not given" (kiosks ask for the base, not a team name). */
static void team_cell(struct lnt_html *h, const char *team)
{
    if (team[0] != '\0')
        lnt_html_txt(h, team);
    else
        lnt_html_raw(h, "<span class=\"muted\">not given</span>");
}

static void recent(struct web_req *r, const struct lnt_rollup_scope *scope)
{
    struct lnt_volunteer_shift *vs = NULL;
    size_t n = 0;

    lnt_html_rawf(&r->h,
                  "<section class=\"panel\" aria-labelledby=\"rec-h\"><h2 id=\"rec-h\">"
                  "Shifts in the last %d days</h2>",
                  RECENT_DAYS);
    if (lnt_store_volunteer_list(r->web->store, scope, NULL, r->now - RECENT_DAYS * 86400,
                                 r->now + 1, 0, 200, &vs, &n, NULL) != LNT_OK) {
        lnt_html_raw(&r->h, "<p class=\"empty\">They could not be read.</p></section>");
        return;
    }
    lnt_html_raw(&r->h, "<div class=\"table-wrap\"><table id=\"shift-table\" data-sortable=\"1\">"
                        "<thead><tr><th scope=\"col\"><a href=\"#\">Started</a></th><th "
                        "scope=\"col\"><a href=\"#\">Team</a></th><th scope=\"col\"><a href=\"#\">"
                        "Base</a></th><th scope=\"col\"><a href=\"#\">Call sign</a></th><th "
                        "scope=\"col\">Leads</th><th scope=\"col\" class=\"num\"><a href=\"#\">"
                        "People</a></th><th scope=\"col\">Ended</th></tr></thead><tbody>");
    for (size_t i = n; i-- > 0;) {
        lnt_html_rawf(&r->h, "<tr><td data-sort=\"%lld\">", (long long)vs[i].start_at);
        web_time(&r->h, vs[i].start_at);
        lnt_html_raw(&r->h, "</td><td>");
        team_cell(&r->h, vs[i].team);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, base_words(vs[i].base));
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, vs[i].call_sign);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_raw(&r->h, strcmp(vs[i].leader, "self") == 0    ? "yes"
                            : strcmp(vs[i].leader, "other") == 0 ? "no"
                                                                 : "");
        lnt_html_rawf(&r->h, "</td><td class=\"num\">%d</td><td>", vs[i].team_size);
        if (vs[i].end_at == 0 && r->now - vs[i].start_at < 16 * 3600)
            lnt_html_raw(&r->h, "<span class=\"muted\">on shift</span>");
        else if (vs[i].end_at == 0)
            lnt_html_raw(&r->h, "<span class=\"stale\">never ended</span>");
        else
            web_time(&r->h, vs[i].end_at);
        lnt_html_raw(&r->h, "</td></tr>");
    }
    if (n == 0)
        lnt_html_raw(&r->h, "<tr><td colspan=\"7\" class=\"empty\">No shifts.</td></tr>");
    lnt_html_raw(&r->h, "</tbody></table></div></section>");
    free(vs);
}

void web_volunteers(struct web_req *r)
{
    struct lnt_volunteer_month *vm = NULL;
    struct lnt_svg_bar bars[MONTHS];
    struct lnt_rollup_scope scope;
    char labels[MONTHS][12], err[LNT_ERRBUF_SIZE] = "", object[96];
    double hours[MONTHS] = {0};
    int32_t today = lnt_london_date(r->now);
    int y0, m0, d0;
    size_t n = 0;

    if (!web_can_see_town(r)) {
        web_error(r, 403, "Not available", "Volunteer figures cover the whole town.");
        return;
    }
    /* team call signs identify volunteers: only the hubs in scope, and the read is audited, one
     * row per page naming the scope read */
    lnt_scope_volunteers(&r->officer.scope, 0, &scope);
    if (scope.authority != NULL)
        snprintf(object, sizeof object, "volunteer shifts, authority %s", scope.authority);
    else
        snprintf(object, sizeof object, "volunteer shifts, whole scheme");
    web_audit(r, "volunteers.view", object, r->http->path);
    lnt_civil_from_days(today, &y0, &m0, &d0);
    {
        int y = y0, m = m0 - (MONTHS - 1);
        while (m < 1) {
            m += 12;
            y--;
        }
        if (lnt_store_volunteer_months(r->web->store, &scope, lnt_days_from_civil(y, m, 1), today,
                                       &vm, &n, err) != LNT_OK) {
            lnt_error("dashboard: volunteers: %s", err);
            web_error(r, 500, "Something went wrong", "The volunteer figures could not be read.");
            return;
        }
    }
    for (int i = 0; i < MONTHS; i++) {
        int y = y0, m = m0 - (MONTHS - 1 - i);
        while (m < 1) {
            m += 12;
            y--;
        }
        snprintf(labels[i], sizeof labels[i], "%s %d", month_names[m - 1], y);
        for (size_t k = 0; k < n; k++)
            if (vm[k].year == y && vm[k].month == m)
                hours[i] += (double)vm[k].person_seconds / 3600.0;
        bars[i].label = labels[i];
        bars[i].value = (double)(int64_t)(hours[i] * 10 + 0.5) / 10;
    }
    web_page_begin(r, "Volunteers", "volunteers");
    lnt_html_raw(&r->h, "<h1>Volunteers</h1><p class=\"lede\">Street pastors, marshals and "
                        "safe-haven teams: hours given and what they did, by month and team.</p>"
                        "<section class=\"panel\" aria-labelledby=\"vh-h\"><h2 id=\"vh-h\">"
                        "Volunteer hours by month</h2>");
    lnt_svg_bars(&r->h, "vol-hours", "Volunteer person-hours by month", "person-hours", bars,
                 MONTHS);
    lnt_html_raw(&r->h, "</section><section class=\"panel\" aria-labelledby=\"vt-h\"><h2 "
                        "id=\"vt-h\">By month and team</h2><div class=\"table-wrap\"><table "
                        "id=\"volunteer-table\"><thead><tr><th scope=\"col\">Month</th><th "
                        "scope=\"col\">Team</th><th scope=\"col\">Base</th><th scope=\"col\" "
                        "class=\"num\">Shifts</th><th "
                        "scope=\"col\" class=\"num\">Person-hours</th>");
    for (int t = 0; t < LNT_TALLIES; t++)
        lnt_html_rawf(&r->h, "<th scope=\"col\" class=\"num\">%s</th>", tally_names[t]);
    lnt_html_raw(&r->h, "</tr></thead><tbody>");
    for (size_t k = n; k-- > 0;) {
        lnt_html_rawf(&r->h, "<tr><td class=\"nowrap\">%s %d</td><td>",
                      vm[k].month >= 1 && vm[k].month <= 12 ? month_names[vm[k].month - 1] : "?",
                      vm[k].year);
        team_cell(&r->h, vm[k].team);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, base_words(vm[k].base));
        lnt_html_rawf(&r->h, "</td><td class=\"num\">%d</td><td class=\"num\">%.1f</td>",
                      vm[k].shifts, (double)vm[k].person_seconds / 3600.0);
        for (int t = 0; t < LNT_TALLIES; t++)
            lnt_html_rawf(&r->h, "<td class=\"num\">%lld</td>", (long long)vm[k].tallies[t]);
        lnt_html_raw(&r->h, "</tr>\n");
    }
    if (n == 0)
        lnt_html_rawf(&r->h,
                      "<tr><td colspan=\"%d\" class=\"empty\">No volunteer shifts in "
                      "the last twelve months.</td></tr>",
                      5 + LNT_TALLIES);
    lnt_html_raw(&r->h, "</tbody></table></div></section>");
    recent(r, &scope);
    web_page_end(r, 200);
    free(vm);
}
