/* web_stock.c - the Cup covers page: every venue's stock of drink covers in the officer's area and
 * when each runs out at its recent rate (the forecast `lanternctl report stock` prints). */
#include "web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ltime.h"
#include "night.h"
#include "score_load.h"

#define LOOKBACK_DAYS 28 /* as lanternctl report stock and GET /api/v1/reports/stock */
#define SOON_DAYS 7      /* a run-out within a week is marked */

/* Soonest run-out first, then below the minimum, then the rest; by name within each. */
struct stock_row {
    const struct lnt_score_stock *s;
    const char *name;
};

static int rank(const struct lnt_score_stock *s)
{
    if (s->forecast.days_left >= 0)
        return 0;
    return s->level.known && s->forecast.below_threshold ? 1 : 2;
}

static int row_cmp(const void *a, const void *b)
{
    const struct stock_row *x = a, *y = b;
    int rx = rank(x->s), ry = rank(y->s);

    if (rx != ry)
        return rx < ry ? -1 : 1;
    if (rx == 0 && x->s->forecast.days_left != y->s->forecast.days_left)
        return x->s->forecast.days_left < y->s->forecast.days_left ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* The venue's name from `v` (ordered by id), or "" when it is not there. */
static const char *venue_name(const struct lnt_venue *v, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].id == id)
            return v[i].name;
    return "";
}

static void stock_row_html(struct web_req *r, const struct stock_row *row)
{
    const struct lnt_score_stock *s = row->s;
    const struct lnt_report_stock *f = &s->forecast;

    lnt_html_rawf(&r->h, "<tr><th scope=\"row\"><a href=\"/venues/%lld\">",
                  (long long)s->level.venue_id);
    lnt_html_txt(&r->h, row->name);
    lnt_html_raw(&r->h, "</a></th><td class=\"num\" data-label=\"Covers\">");
    if (s->level.known)
        lnt_html_rawf(&r->h, "%d", (int)s->level.level);
    else
        lnt_html_raw(&r->h, "<span class=\"muted\">never counted</span>");
    lnt_html_rawf(&r->h, "</td><td class=\"num\" data-label=\"Minimum\">%d</td>",
                  (int)s->level.threshold);
    lnt_html_rawf(&r->h, "<td class=\"num\" data-label=\"Used a day\">%lld.%lld</td>",
                  (long long)(f->per_day_milli / 1000), (long long)(f->per_day_milli % 1000 / 100));
    lnt_html_raw(&r->h, "<td data-label=\"Runs out\">");
    if (f->days_left >= 0) {
        lnt_html_raw(&r->h, f->days_left <= SOON_DAYS ? "<span class=\"stale\">" : "<span>");
        web_date(&r->h, f->runs_out);
        lnt_html_rawf(&r->h, " (%s%d day%s)</span>", f->days_left == 0 ? "" : "in ",
                      (int)f->days_left, f->days_left == 1 ? "" : "s");
    } else {
        lnt_html_raw(&r->h, "<span class=\"muted\">not falling</span>");
    }
    lnt_html_raw(&r->h, "</td><td data-label=\"Last count\">");
    web_ago(r, s->level.updated_at, 14 * 86400);
    lnt_html_raw(&r->h, "</td><td data-label=\"State\">");
    if (!s->level.known)
        lnt_html_raw(&r->h, "<span class=\"muted\">no count yet</span>");
    else if (f->below_threshold)
        lnt_html_raw(&r->h, "<span class=\"stale\">below the minimum</span>");
    else
        lnt_html_raw(&r->h, "enough");
    lnt_html_raw(&r->h, "</td></tr>\n");
}

void web_stock(struct web_req *r)
{
    struct lnt_score_stock *s = NULL;
    struct lnt_venue *v = NULL;
    struct stock_row *rows = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0, nv = 0, below = 0, soon = 0;
    const char *authority = web_scope_authority(r);

    if (!web_can_see_town(r)) {
        web_error(r, 403, "Not available", "Cup-cover stock covers the whole town.");
        return;
    }
    if (lnt_score_stock_forecasts(r->web->store, authority, r->now, LOOKBACK_DAYS, &s, &n, err) !=
            LNT_OK ||
        lnt_store_venue_list_by(r->web->store, authority, false, &v, &nv, err) != LNT_OK) {
        lnt_error("dashboard: stock: %s", err);
        web_error(r, 500, "Something went wrong", "The cup-cover stock could not be read.");
        goto out;
    }
    rows = calloc(n > 0 ? n : 1, sizeof *rows);
    if (rows == NULL) {
        web_error(r, 500, "Something went wrong", "Out of memory.");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        rows[i].s = &s[i];
        rows[i].name = venue_name(v, nv, s[i].level.venue_id);
        below += s[i].level.known && s[i].forecast.below_threshold;
        soon += s[i].forecast.days_left >= 0 && s[i].forecast.days_left <= SOON_DAYS;
    }
    qsort(rows, n, sizeof *rows, row_cmp);
    web_page_begin(r, "Cup covers", "stock");
    lnt_html_raw(&r->h, "<h1>Cup covers</h1><p class=\"lede\">Anti-spiking cup covers held by "
                        "each venue");
    if (authority != NULL) {
        lnt_html_raw(&r->h, " in ");
        lnt_html_txt(&r->h, authority);
    }
    lnt_html_rawf(&r->h,
                  ", and when each runs out at the rate of the last %d days. Deliveries do "
                  "not count as use.</p><p id=\"stock-summary\">%zu venue%s below the minimum; "
                  "%zu run%s out within %d days.</p>",
                  LOOKBACK_DAYS, below, below == 1 ? "" : "s", soon, soon == 1 ? "s" : "",
                  SOON_DAYS);
    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"stock-h\"><h2 id=\"stock-h\">"
                        "By venue, soonest to run out first</h2><div class=\"table-wrap\"><table "
                        "id=\"stock-table\" class=\"cards\"><thead><tr><th scope=\"col\">Venue"
                        "</th><th scope=\"col\" class=\"num\">Covers</th><th scope=\"col\" "
                        "class=\"num\">Minimum</th><th scope=\"col\" class=\"num\">Used a day"
                        "</th><th scope=\"col\">Runs out</th><th scope=\"col\">Last count</th>"
                        "<th scope=\"col\">State</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++)
        stock_row_html(r, &rows[i]);
    if (n == 0)
        lnt_html_raw(&r->h, "<tr><td colspan=\"7\" class=\"empty\">No venues.</td></tr>");
    lnt_html_raw(&r->h, "</tbody></table></div></section>");
    web_page_end(r, 200);
out:
    free(rows);
    free(v);
    free(s);
}
