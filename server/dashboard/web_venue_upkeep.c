/* web_venue_upkeep.c - the case file's upkeep sections: cup-cover stock with its forecast, and
 * kiosk health. */
#include "web_int.h"

#include <stdlib.h>
#include <string.h>

#include "night.h"

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
