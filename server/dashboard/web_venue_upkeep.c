/* web_venue_upkeep.c - the case file's upkeep sections: cup-cover stock with its forecast,
 * kiosk health, and staff training coverage. */
#include "web_int.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ltime.h"
#include "night.h"

#define TRAINING_SOON_DAYS 30 /* a course running out this soon is amber */

#define KIOSK_STALE (2 * 86400)
#define STOCK_RATE_NIGHTS 28

/* Average cup covers handed out per night over the last STOCK_RATE_NIGHTS, in hundredths. */
static int64_t stock_rate_x100(struct web_req *r, int64_t venue_id)
{
    struct lnt_stock_entry *e = NULL;
    size_t n = 0;
    int64_t out = 0;

    if (lnt_store_stock_ledger(r->web->store, venue_id, r->now - STOCK_RATE_NIGHTS * 86400,
                               r->now + 1, 0, LNT_VIEW_MAX, &e, &n, NULL) != LNT_OK)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(e[i].kind, "handed_out") == 0 && e[i].quantity > 0)
            out += e[i].quantity;
    free(e);
    return out * 100 / STOCK_RATE_NIGHTS;
}

void web_venue_stock(struct web_req *r, const struct lnt_venue *v)
{
    struct lnt_stock_level st;
    int64_t rate;

    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"stock\" aria-labelledby=\"st-h\"><h2 "
                        "id=\"st-h\">Cup-cover stock</h2>");
    if (lnt_store_stock_get(r->web->store, v->id, &st, NULL) != LNT_OK || !st.known) {
        lnt_html_raw(&r->h, "<p class=\"empty\">No stock has been counted at this venue."
                            "</p></section>");
        return;
    }
    lnt_html_rawf(&r->h,
                  "<dl class=\"facts\"><dt>On hand</dt><dd id=\"stock-level\">%d %s</dd>"
                  "<dt>Minimum</dt><dd>%d</dd><dt>Last counted or moved</dt><dd>",
                  st.level,
                  st.level < st.threshold ? "<span class=\"status st-not_met\">below the "
                                            "minimum</span>"
                                          : "<span class=\"status st-met\">enough</span>",
                  st.threshold);
    web_time(&r->h, st.updated_at);
    lnt_html_raw(&r->h, "</dd><dt>Forecast</dt><dd id=\"stock-forecast\">");
    rate = stock_rate_x100(r, v->id);
    if (rate <= 0) {
        lnt_html_raw(&r->h, "none handed out in the last four weeks");
    } else {
        int64_t nights = st.level <= 0 ? 0 : (int64_t)st.level * 100 / rate;
        lnt_html_rawf(&r->h, "about %lld.%02lld a night; ", (long long)(rate / 100),
                      (long long)(rate % 100));
        if (nights == 0)
            lnt_html_raw(&r->h, "<span class=\"stale\">runs out tonight</span>");
        else {
            lnt_html_rawf(&r->h, "lasts about %lld nights (to ", (long long)nights);
            /* counted in trading nights from tonight's, as the stock report's runs_out */
            web_date(&r->h, lnt_night_of(r->now) + (int32_t)nights);
            lnt_html_raw(&r->h, ")");
        }
    }
    lnt_html_raw(&r->h, "</dd></dl></section>");
}

void web_venue_kiosks(struct web_req *r, const struct lnt_venue *v)
{
    struct lnt_kiosk *k = NULL;
    size_t n = 0;

    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"kiosks\" aria-labelledby=\"k-h\"><h2 "
                        "id=\"k-h\">Kiosk health</h2>");
    if (lnt_store_kiosk_list(r->web->store, v->id, &k, &n, NULL) != LNT_OK) {
        lnt_html_raw(&r->h, "<p class=\"empty\">Kiosks could not be read.</p></section>");
        return;
    }
    lnt_html_raw(&r->h, "<div class=\"table-wrap\"><table id=\"kiosk-table\"><thead><tr><th "
                        "scope=\"col\">Kiosk</th><th scope=\"col\">Last contact</th><th "
                        "scope=\"col\" class=\"num\">Unsent</th><th scope=\"col\">Sequence</th>"
                        "<th scope=\"col\">State</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        lnt_html_rawf(&r->h, "<tr><td>#%lld, enrolled ", (long long)k[i].id);
        web_time(&r->h, k[i].enrolled_at);
        lnt_html_raw(&r->h, "</td><td>");
        web_ago(r, k[i].last_seen, KIOSK_STALE);
        if (k[i].backlog >= 0)
            lnt_html_rawf(&r->h, "</td><td class=\"num\">%lld</td><td>", (long long)k[i].backlog);
        else
            lnt_html_raw(&r->h, "</td><td class=\"num\">&#8211;</td><td>");
        if (k[i].seq_gaps == 0 && k[i].seq_backwards == 0)
            lnt_html_raw(&r->h, "<span class=\"status st-met\">in order</span>");
        else
            lnt_html_rawf(&r->h,
                          "<span class=\"status st-not_evidenced\">%lld gaps, %lld "
                          "backwards</span>",
                          (long long)k[i].seq_gaps, (long long)k[i].seq_backwards);
        lnt_html_rawf(&r->h, "</td><td>%s</td></tr>",
                      k[i].revoked ? "<span class=\"status st-not_met\">revoked</span>"
                                   : "<span class=\"status st-met\">active</span>");
    }
    if (n == 0)
        lnt_html_raw(&r->h, "<tr><td colspan=\"5\" class=\"empty\">No kiosk is enrolled here."
                            "</td></tr>");
    lnt_html_raw(&r->h, "</tbody></table></div></section>");
    free(k);
}

/* "Oct 2027": training dates to the month keep the coverage table narrow enough for a phone. */
static void month_year(struct lnt_html *h, int32_t days)
{
    static const char *const m3[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y, m, d;
    lnt_civil_from_days(days, &y, &m, &d);
    lnt_html_rawf(h, "%s %d", m3[m - 1], y);
}

static void course_cell(struct lnt_html *h, int32_t expires, int32_t today)
{
    if (expires == 0) {
        lnt_html_raw(h, "<span class=\"muted\">none</span>");
    } else if (expires == INT32_MAX) {
        lnt_html_raw(h, "<span class=\"status st-met\">no expiry</span>");
    } else if (expires < today) {
        lnt_html_raw(h, "<span class=\"status st-not_met\" title=\"");
        web_date(h, expires);
        lnt_html_raw(h, "\">expired ");
        month_year(h, expires);
        lnt_html_raw(h, "</span>");
    } else {
        lnt_html_raw(h, expires - today <= TRAINING_SOON_DAYS
                            ? "<span class=\"status st-not_evidenced\" title=\""
                            : "<span class=\"status st-met\" title=\"");
        web_date(h, expires);
        lnt_html_raw(h, "\">");
        month_year(h, expires);
        lnt_html_raw(h, "</span>");
    }
}

void web_venue_training_section(struct web_req *r, const struct lnt_venue *v)
{
    struct lnt_training_coverage *tc = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    int32_t today = lnt_london_date(r->now);
    size_t n = 0;

    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"training\" aria-labelledby=\"tr-h\"><h2 "
                        "id=\"tr-h\">Training coverage</h2>");
    if (lnt_store_training_coverage(r->web->store, v->id, &tc, &n, err) != LNT_OK) {
        lnt_error("dashboard: training: %s", err);
        lnt_html_raw(&r->h, "<p class=\"empty\">Training records could not be read.</p>"
                            "</section>");
        return;
    }
    lnt_html_raw(&r->h, "<p class=\"muted\">Each course's latest record: the month it runs out "
                        "(amber within 30 days). Hover a month for the exact date.");
    if (!web_can_read_register(r)) /* names are the register's, like the register itself */
        lnt_html_raw(&r->h, " Staff are numbered: their names are for those who may read the "
                            "door register.");
    lnt_html_raw(&r->h, "</p>");
    lnt_html_raw(&r->h, "<div class=\"table-wrap\"><table id=\"training-table\" "
                        "class=\"compact\"><thead><tr><th "
                        "scope=\"col\">Staff</th><th scope=\"col\">Role</th><th scope=\"col\">"
                        "SIA licence</th>");
    for (int c = 1; c <= LNT_COURSE__MAX; c++) {
        lnt_html_raw(&r->h, "<th scope=\"col\">");
        lnt_html_txt(&r->h, lnt_course_name((enum lnt_course)c));
        lnt_html_raw(&r->h, "</th>");
    }
    lnt_html_raw(&r->h, "</tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        lnt_html_raw(&r->h, "<tr><td class=\"nowrap\">");
        if (web_can_read_register(r))
            lnt_html_txt(&r->h, tc[i].name);
        else
            lnt_html_rawf(&r->h, "Staff member %zu", i + 1);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, lnt_role_name(tc[i].role));
        lnt_html_raw(&r->h, "</td><td>");
        if (tc[i].role == LNT_ROLE_DOOR || tc[i].sia_expires != 0)
            course_cell(&r->h, tc[i].sia_expires, today);
        else
            lnt_html_raw(&r->h, "<span class=\"muted\">not needed</span>");
        lnt_html_raw(&r->h, "</td>");
        for (int c = 1; c <= LNT_COURSE__MAX; c++) {
            lnt_html_raw(&r->h, "<td>");
            course_cell(&r->h, tc[i].expires[c], today);
            lnt_html_raw(&r->h, "</td>");
        }
        lnt_html_raw(&r->h, "</tr>\n");
    }
    if (n == 0)
        lnt_html_rawf(&r->h,
                      "<tr><td colspan=\"%d\" class=\"empty\">No current staff on "
                      "record.</td></tr>",
                      3 + LNT_COURSE__MAX);
    lnt_html_rawf(&r->h,
                  "</tbody></table></div><p class=\"no-print\"><a "
                  "href=\"/exports/training.csv?venue=%lld\">Training as CSV</a></p>"
                  "</section>",
                  (long long)v->id);
    free(tc);
}
