/* web_overview.c - the Overview page: the league table, the top high-risk premises, the town's
 * week. */
#include "web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casework/web_casework.h"
#include "log.h"
#include "ltime.h"

#define TOP_N 5
#define CONTACT_STALE (7 * 86400)

enum sort_key {
    SK_BAND,
    SK_NAME,
    SK_CATEGORY,
    SK_AREA,
    SK_AWARD,
    SK_ESSENTIALS,
    SK_NEXT,
    SK_TREND,
    SK_INCIDENTS,
    SK_CONTACT
};

static const struct {
    const char *name;
    enum sort_key key;
    const char *label;
    bool numeric;
} columns[] = {
    {"name", SK_NAME, "Venue", false},
    {"category", SK_CATEGORY, "Category", false},
    {"area", SK_AREA, "Area", false},
    {"award", SK_AWARD, "BBN award", false},
    {"essentials", SK_ESSENTIALS, "Essentials met", true},
    {"next", SK_NEXT, "For the next award", false},
    {"band", SK_BAND, "Risk band", false},
    {"trend", SK_TREND, "Trend", false},
    {"incidents", SK_INCIDENTS, "Incidents", true},
    {"contact", SK_CONTACT, "Last kiosk contact", false},
};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

struct view {
    const char *category, *area, *band;
    const char *essentials; /* "all": every Essential met; "missing": some not; else no filter */
    enum sort_key key;
    bool desc;
    const char *sort_name;
    int64_t page;
};

static _Thread_local enum sort_key cmp_key;

static int trend_rank(enum lnt_trend t)
{
    return t == LNT_TREND_WORSE ? 3 : t == LNT_TREND_STEADY ? 2 : t == LNT_TREND_BETTER ? 1 : 0;
}

/* Not assessed < not accredited < accredited < each award by its rank on the ladder. */
static int award_rank(const struct lnt_league_row *r)
{
    return !r->scored || !r->bbn_scored ? 0
           : r->score.award[0] != '\0'  ? 3 + r->award_rank
           : r->score.accredited        ? 2
                                        : 1;
}

static bool essentials_known(const struct lnt_league_row *r)
{
    return r->scored && r->bbn_scored && r->score.essential_total > 0;
}

/* Essentials met as a share, in parts per thousand; -1 when not assessed. */
static int essentials_share(const struct lnt_league_row *r)
{
    return essentials_known(r) ? r->score.essential_met * 1000 / r->score.essential_total : -1;
}

/* Further from the next award sorts first: Essentials missing weigh most, then Desired, Bonus. */
static int next_distance(const struct lnt_league_row *r)
{
    switch (r->next.state) {
    case LNT_NEXT_NEEDS:
        return 1 + r->next.essentials * 10000 + r->next.desired * 100 + r->next.bonus;
    case LNT_NEXT_BEYOND:
        return 1000000;
    case LNT_NEXT_TOP:
        return 0;
    case LNT_NEXT_NONE:
        break;
    }
    return -1;
}

/* Ascending order by cmp_key, ties broken by risk (higher first) then name. */
static int cmp_rows(const void *a, const void *b)
{
    const struct lnt_league_row *x = *(const struct lnt_league_row *const *)a;
    const struct lnt_league_row *y = *(const struct lnt_league_row *const *)b;
    int c = 0;

    switch (cmp_key) {
    case SK_BAND:
        c = (int)x->score.band - (int)y->score.band;
        if (c == 0)
            c = x->score.total_milli < y->score.total_milli
                    ? -1
                    : x->score.total_milli > y->score.total_milli;
        break;
    case SK_NAME:
        break;
    case SK_CATEGORY:
        c = strcmp(lnt_venue_category_name(x->s.venue.category),
                   lnt_venue_category_name(y->s.venue.category));
        break;
    case SK_AREA:
        c = strcmp(x->s.venue.area, y->s.venue.area);
        break;
    case SK_AWARD:
        c = award_rank(x) - award_rank(y);
        break;
    case SK_ESSENTIALS:
        c = essentials_share(x) - essentials_share(y);
        break;
    case SK_NEXT:
        c = next_distance(y) - next_distance(x); /* ascending: furthest from the next award last */
        break;
    case SK_TREND:
        c = trend_rank(x->score.trend) - trend_rank(y->score.trend);
        break;
    case SK_INCIDENTS:
        c = x->s.incidents - y->s.incidents;
        break;
    case SK_CONTACT:
        c = x->s.last_contact < y->s.last_contact ? -1 : x->s.last_contact > y->s.last_contact;
        break;
    }
    if (c == 0)
        c = strcmp(x->s.venue.name, y->s.venue.name);
    if (c == 0)
        c = x->s.venue.id < y->s.venue.id ? -1 : x->s.venue.id > y->s.venue.id;
    return c;
}

static bool keep(const struct view *v, const struct lnt_league_row *r)
{
    if (v->category != NULL && v->category[0] != '\0' &&
        strcmp(v->category, lnt_venue_category_name(r->s.venue.category)) != 0)
        return false;
    if (v->area != NULL && v->area[0] != '\0' && strcmp(v->area, r->s.venue.area) != 0)
        return false;
    if (v->band != NULL && v->band[0] != '\0') {
        enum lnt_band b;
        if (lnt_band_parse(v->band, &b) == LNT_OK
                ? r->score.band != b
                : strcmp(v->band, "none") != 0 || r->score.band != LNT_BAND_NONE)
            return false;
    }
    if (v->essentials != NULL && strcmp(v->essentials, "all") == 0)
        return essentials_known(r) && r->score.essential_met == r->score.essential_total;
    if (v->essentials != NULL && strcmp(v->essentials, "missing") == 0)
        return essentials_known(r) && r->score.essential_met < r->score.essential_total;
    return true;
}

/* "?sort=..&dir=..&category=..&area=..&band=..&page=.." with the given sort and page. */
static void view_link(struct lnt_html *h, const struct view *v, const char *sort, bool desc,
                      int64_t page)
{
    lnt_html_raw(h, "/?sort=");
    lnt_html_url(h, sort);
    lnt_html_raw(h, desc ? "&amp;dir=desc" : "&amp;dir=asc");
    if (v->category != NULL && v->category[0] != '\0') {
        lnt_html_raw(h, "&amp;category=");
        lnt_html_url(h, v->category);
    }
    if (v->area != NULL && v->area[0] != '\0') {
        lnt_html_raw(h, "&amp;area=");
        lnt_html_url(h, v->area);
    }
    if (v->band != NULL && v->band[0] != '\0') {
        lnt_html_raw(h, "&amp;band=");
        lnt_html_url(h, v->band);
    }
    if (v->essentials != NULL && v->essentials[0] != '\0') {
        lnt_html_raw(h, "&amp;essentials=");
        lnt_html_url(h, v->essentials);
    }
    if (page > 1)
        lnt_html_rawf(h, "&amp;page=%lld", (long long)page);
}

static void award_cell(struct lnt_html *h, const struct lnt_league_row *r)
{
    if (!r->scored)
        lnt_html_raw(h, "<span class=\"muted\">not scored</span>");
    else if (!r->bbn_scored)
        lnt_html_raw(h, "<span class=\"muted\">not assessed (hub)</span>");
    else if (r->score.award[0] != '\0')
        lnt_html_txt(h, r->score.award);
    else if (r->score.accredited)
        lnt_html_raw(h, "Accredited");
    else
        lnt_html_raw(h, "Not accredited");
}

static void essentials_cell(struct lnt_html *h, const struct lnt_league_row *r)
{
    if (!essentials_known(r)) {
        lnt_html_raw(h, "<span class=\"muted\">&#8212;</span>");
        return;
    }
    lnt_html_rawf(h, "<span class=\"%s\">%d of %d</span>",
                  r->score.essential_met == r->score.essential_total ? "status st-met"
                                                                     : "status st-not_met",
                  r->score.essential_met, r->score.essential_total);
}

static void next_cell(struct lnt_html *h, const struct lnt_league_row *r)
{
    char text[LNT_SCORE_TEXT_MAX];

    lnt_bbn_next_text(&r->next, text, sizeof text);
    if (text[0] == '\0')
        lnt_html_raw(h, "<span class=\"muted\">&#8212;</span>");
    else
        lnt_html_txt(h, text);
}

static void flags_cell(struct lnt_html *h, const struct lnt_league_row *r)
{
    if (r->score.review)
        lnt_html_raw(h, " <span class=\"flag\" title=\"Two Red windows in a row\">consider "
                        "review</span>");
    if (r->score.low_reporting)
        lnt_html_raw(h, " <span class=\"flag flag-info\" title=\"Fewer reports than venues of "
                        "its kind and size make\">low reporting</span>");
}

/* The town this week against the same nights a year ago (52 weeks: same weekdays). */
static void town_week(struct web_req *r, const struct lnt_league *l)
{
    const struct {
        const char *label;
        size_t off;
    } stats[] = {
        {"Incidents reported", offsetof(struct lnt_night_rollup, incidents)},
        {"Ask for Angela", offsetof(struct lnt_night_rollup, angela)},
        {"Spiking reports", offsetof(struct lnt_night_rollup, spiking)},
        {"Door-supervisor shifts", offsetof(struct lnt_night_rollup, door_shifts)},
        {"Badges refused", offsetof(struct lnt_night_rollup, refused)},
    };

    if (!l->week_ok) {
        lnt_html_raw(&r->h, "<p class=\"empty\">The town's figures could not be read.</p>");
        return;
    }
    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"week-h\"><h2 id=\"week-h\">"
                        "The town this week</h2><p class=\"muted\">Nights ");
    web_date(&r->h, l->last_night - 6);
    lnt_html_raw(&r->h, " to ");
    web_date(&r->h, l->last_night);
    lnt_html_raw(&r->h, ", against the same nights last year.</p><dl class=\"stats\" "
                        "id=\"town-week\">");
    for (size_t i = 0; i < sizeof stats / sizeof stats[0]; i++) {
        int32_t a, b;
        memcpy(&a, (const char *)&l->week_now + stats[i].off, sizeof a);
        memcpy(&b, (const char *)&l->week_before + stats[i].off, sizeof b);
        /* no kiosk spoke on those nights: a zero there is no data, not a quiet week */
        if (l->week_before.contacts == 0)
            lnt_html_rawf(&r->h,
                          "<div class=\"stat\"><dt>%s</dt><dd>%d<span class=\"vs\">no data "
                          "last year</span></dd></div>",
                          stats[i].label, a);
        else
            lnt_html_rawf(&r->h,
                          "<div class=\"stat\"><dt>%s</dt><dd>%d<span class=\"vs\">%d last "
                          "year (%s%d)</span></dd></div>",
                          stats[i].label, a, b, a - b >= 0 ? "+" : "", a - b);
    }
    lnt_html_raw(&r->h, "</dl></section>");
}

/* ", 270.000 from door licensing": where most of a venue's points come from. */
static void top_cause(struct lnt_html *h, const struct lnt_league_row *row)
{
    struct lnt_risk_cause_total t[LNT_SCORE_CAUSES];
    char pts[32];

    lnt_risk_causes_of_brief(&row->score, t);
    if (t[0].points_milli <= 0)
        return;
    lnt_score_milli_format(t[0].points_milli, pts);
    lnt_html_raw(h, ", <span class=\"top-cause\">");
    lnt_html_txt(h, pts);
    lnt_html_raw(h, " from ");
    lnt_html_txt(h, lnt_risk_cause_phrase(t[0].cause));
    lnt_html_raw(h, "</span>");
}

static void top_premises(struct web_req *r, struct lnt_league_row **sorted, size_t n)
{
    size_t shown = 0;

    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"top-h\"><h2 id=\"top-h\">"
                        "Top high-risk premises</h2><ol id=\"top-risk\">");
    for (size_t i = 0; i < n && shown < TOP_N; i++) {
        const struct lnt_league_row *row = sorted[n - 1 - i]; /* sorted ascending by band */
        char pts[32];
        if (!row->scored || row->score.band == LNT_BAND_GREEN || row->score.band == LNT_BAND_NONE)
            continue;
        lnt_score_milli_format(row->score.total_milli, pts);
        lnt_html_rawf(&r->h, "<li><a href=\"/venues/%lld\">", (long long)row->s.venue.id);
        lnt_html_txt(&r->h, row->s.venue.name);
        lnt_html_raw(&r->h, "</a> ");
        web_band(&r->h, row->score.band);
        lnt_html_raw(&r->h, " <span class=\"muted\">");
        lnt_html_txt(&r->h, pts);
        lnt_html_raw(&r->h, " points");
        top_cause(&r->h, row);
        lnt_html_rawf(&r->h, "; %d incident%s", row->s.incidents, row->s.incidents == 1 ? "" : "s");
        lnt_html_raw(&r->h, "</span> ");
        web_trend(&r->h, row->score.trend);
        flags_cell(&r->h, row);
        lnt_html_raw(&r->h, "</li>");
        shown++;
    }
    lnt_html_raw(&r->h, "</ol>");
    if (shown == 0)
        lnt_html_raw(&r->h, "<p class=\"empty\">No venue is Amber or Red in this window.</p>");
    lnt_html_raw(&r->h, "</section>");
}

/* A <select> of the distinct values `get` returns across the league, with `current` selected. */
static void filter_select(struct web_req *r, const char *name, const char *label,
                          const struct lnt_league *l,
                          const char *(*get)(const struct lnt_league_row *), const char *current)
{
    const char **seen = calloc(l->n + 1, sizeof *seen);
    size_t n_seen = 0;

    lnt_html_rawf(&r->h,
                  "<div><label for=\"f-%s\">%s</label><select id=\"f-%s\" name=\"%s\">"
                  "<option value=\"\">All</option>",
                  name, label, name, name);
    for (size_t i = 0; seen != NULL && i < l->n; i++) {
        const char *v = get(&l->rows[i]);
        bool dup = v[0] == '\0';
        for (size_t k = 0; k < n_seen && !dup; k++)
            dup = strcmp(seen[k], v) == 0;
        if (!dup)
            seen[n_seen++] = v;
    }
    for (size_t i = 0; i < n_seen; i++) {
        size_t best = i;
        for (size_t k = i + 1; k < n_seen; k++)
            if (strcmp(seen[k], seen[best]) < 0)
                best = k;
        {
            const char *t = seen[i];
            seen[i] = seen[best];
            seen[best] = t;
        }
        lnt_html_raw(&r->h, "<option");
        lnt_html_attr_pair(&r->h, "value", seen[i]);
        if (current != NULL && strcmp(current, seen[i]) == 0)
            lnt_html_raw(&r->h, " selected=\"selected\"");
        lnt_html_raw(&r->h, ">");
        lnt_html_txt(&r->h, seen[i]);
        lnt_html_raw(&r->h, "</option>");
    }
    lnt_html_raw(&r->h, "</select></div>");
    free(seen);
}

static const char *get_category(const struct lnt_league_row *r)
{
    return lnt_venue_category_name(r->s.venue.category);
}

static const char *get_area(const struct lnt_league_row *r)
{
    return r->s.venue.area;
}

static void league_table(struct web_req *r, const struct lnt_league *l, const struct view *v,
                         struct lnt_league_row **rows, size_t n)
{
    const int64_t pages = n == 0 ? 1 : (int64_t)((n + WEB_PAGE_SIZE - 1) / WEB_PAGE_SIZE);
    const int64_t page = v->page > pages ? pages : v->page;
    const size_t start = (size_t)(page - 1) * WEB_PAGE_SIZE;
    static const char *const bands[] = {"red", "amber", "green", "none"};
    static const char *const band_labels[] = {"Red", "Amber", "Green", "Not scored"};

    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"league-h\"><h2 "
                        "id=\"league-h\">League table</h2><form method=\"get\" action=\"/\" "
                        "class=\"filters\" id=\"filters\">");
    filter_select(r, "category", "Category", l, get_category, v->category);
    filter_select(r, "area", "Area", l, get_area, v->area);
    lnt_html_raw(&r->h, "<div><label for=\"f-band\">Risk band</label><select id=\"f-band\" "
                        "name=\"band\"><option value=\"\">All</option>");
    for (size_t i = 0; i < 4; i++) {
        lnt_html_rawf(&r->h, "<option value=\"%s\"%s>%s</option>", bands[i],
                      v->band != NULL && strcmp(v->band, bands[i]) == 0 ? " selected=\"selected\""
                                                                        : "",
                      band_labels[i]);
    }
    lnt_html_raw(&r->h, "</select></div>");
    lnt_html_rawf(
        &r->h,
        "<div><label for=\"f-essentials\">Essentials</label><select "
        "id=\"f-essentials\" name=\"essentials\"><option value=\"\">All</option>"
        "<option value=\"all\"%s>All met</option><option value=\"missing\"%s>"
        "Some missing</option></select></div>",
        v->essentials != NULL && strcmp(v->essentials, "all") == 0 ? " selected=\"selected\"" : "",
        v->essentials != NULL && strcmp(v->essentials, "missing") == 0 ? " selected=\"selected\""
                                                                       : "");
    lnt_html_raw(&r->h, "<input type=\"hidden\" name=\"sort\" value=\"");
    lnt_html_attr(&r->h, v->sort_name);
    lnt_html_rawf(&r->h, "\"/><input type=\"hidden\" name=\"dir\" value=\"%s\"/>",
                  v->desc ? "desc" : "asc");
    lnt_html_raw(&r->h, "<div><button type=\"submit\" id=\"apply\">Apply</button> <a "
                        "href=\"/\" class=\"button secondary\">Clear</a></div></form>");
    lnt_html_rawf(&r->h, "<p class=\"muted\" id=\"league-count\">%zu of %zu venues</p>", n, l->n);
    lnt_html_raw(&r->h,
                 "<div class=\"table-wrap\"><table id=\"league\" class=\"cards\"><thead><tr>");
    for (size_t c = 0; c < N_COLUMNS; c++) {
        bool current = columns[c].key == v->key;
        bool next_desc = current ? !v->desc
                                 : (columns[c].key == SK_BAND || columns[c].key == SK_INCIDENTS ||
                                    columns[c].key == SK_TREND || columns[c].key == SK_AWARD ||
                                    columns[c].key == SK_ESSENTIALS);
        lnt_html_rawf(&r->h, "<th scope=\"col\"%s aria-sort=\"%s\"><a id=\"sort-%s\" href=\"",
                      columns[c].numeric ? " class=\"num\"" : "",
                      current ? (v->desc ? "descending" : "ascending") : "none", columns[c].name);
        view_link(&r->h, v, columns[c].name, next_desc, 1);
        lnt_html_rawf(&r->h, "\">%s</a></th>", columns[c].label);
    }
    lnt_html_raw(&r->h, "</tr></thead><tbody>");
    for (size_t i = start; i < n && i < start + WEB_PAGE_SIZE; i++) {
        const struct lnt_league_row *row = rows[i];
        lnt_html_rawf(&r->h, "<tr data-venue=\"%lld\"><td><a href=\"/venues/%lld\">",
                      (long long)row->s.venue.id, (long long)row->s.venue.id);
        lnt_html_txt(&r->h, row->s.venue.name);
        lnt_html_raw(&r->h, "</a>");
        flags_cell(&r->h, row);
        lnt_html_raw(&r->h, "</td><td data-label=\"Category\">");
        lnt_html_txt(&r->h, lnt_venue_category_name(row->s.venue.category));
        lnt_html_raw(&r->h, "</td><td data-label=\"Area\">");
        lnt_html_txt(&r->h, row->s.venue.area);
        lnt_html_raw(&r->h, "</td><td data-label=\"BBN award\">");
        award_cell(&r->h, row);
        lnt_html_raw(&r->h, "</td><td class=\"num\" data-label=\"Essentials met\">");
        essentials_cell(&r->h, row);
        lnt_html_raw(&r->h, "</td><td data-label=\"For the next award\">");
        next_cell(&r->h, row);
        lnt_html_raw(&r->h, "</td><td data-label=\"Risk band\">");
        if (row->scored)
            web_band_scored(&r->h, row->score.band, row->score.scored, row->score.window_nights);
        else
            web_band(&r->h, LNT_BAND_NONE);
        lnt_html_raw(&r->h, "</td><td data-label=\"Trend\">");
        web_trend(&r->h, row->score.trend);
        lnt_html_rawf(&r->h,
                      "</td><td class=\"num\" data-label=\"Incidents\">%d</td><td "
                      "data-label=\"Last kiosk contact\">",
                      row->s.incidents);
        web_ago(r, row->s.last_contact, CONTACT_STALE);
        lnt_html_raw(&r->h, "</td></tr>\n");
    }
    if (n == 0)
        lnt_html_raw(&r->h, "<tr><td colspan=\"10\" class=\"empty\">No venue matches these "
                            "filters.</td></tr>");
    lnt_html_raw(&r->h, "</tbody></table></div>");
    if (pages > 1) {
        lnt_html_raw(&r->h, "<nav class=\"pager\" aria-label=\"Pages\"><p>");
        if (page > 1) {
            lnt_html_raw(&r->h, "<a rel=\"prev\" href=\"");
            view_link(&r->h, v, v->sort_name, v->desc, page - 1);
            lnt_html_raw(&r->h, "\">&#8592; Previous</a> ");
        }
        lnt_html_rawf(&r->h, "Page %lld of %lld", (long long)page, (long long)pages);
        if (page < pages) {
            lnt_html_raw(&r->h, " <a rel=\"next\" href=\"");
            view_link(&r->h, v, v->sort_name, v->desc, page + 1);
            lnt_html_raw(&r->h, "\">Next &#8594;</a>");
        }
        lnt_html_raw(&r->h, "</p></nav>");
    }
    lnt_html_raw(&r->h, "</section>");
}

void web_overview(struct web_req *r)
{
    struct lnt_league *l = NULL;
    struct lnt_league_row **rows = NULL, **by_band = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    struct view v;
    const char *sort = web_query(r, "sort"), *dir = web_query(r, "dir"),
               *page = web_query(r, "page");
    size_t n = 0;

    if (!web_can_see_town(r)) {
        char where[48];
        snprintf(where, sizeof where, "/venues/%lld", (long long)r->officer.scope.venue_id);
        web_redirect(r, where);
        return;
    }
    memset(&v, 0, sizeof v);
    v.category = web_query(r, "category");
    v.area = web_query(r, "area");
    v.band = web_query(r, "band");
    v.essentials = web_query(r, "essentials");
    v.key = SK_BAND;
    v.desc = true;
    v.sort_name = "band";
    for (size_t c = 0; sort != NULL && c < N_COLUMNS; c++)
        if (strcmp(sort, columns[c].name) == 0) {
            v.key = columns[c].key;
            v.sort_name = columns[c].name;
            v.desc = false;
        }
    if (dir != NULL)
        v.desc = strcmp(dir, "desc") == 0;
    if (page == NULL || lnt_parse_i64(page, 1, 1000000, &v.page) != LNT_OK)
        v.page = 1;

    if (web_league_get(r->web, web_scope_authority(r), r->now, &l, err) != LNT_OK) {
        lnt_error("dashboard: league: %s", err);
        web_error(r, 500, "Something went wrong", "The league table could not be built.");
        return;
    }
    rows = calloc(l->n + 1, sizeof *rows);
    by_band = calloc(l->n + 1, sizeof *by_band);
    if (rows == NULL || by_band == NULL) {
        web_error(r, 503, "Busy", "The server is short of memory. Try again in a moment.");
        goto out;
    }
    for (size_t i = 0; i < l->n; i++) {
        by_band[i] = &l->rows[i];
        if (keep(&v, &l->rows[i]))
            rows[n++] = &l->rows[i];
    }
    cmp_key = SK_BAND;
    qsort(by_band, l->n, sizeof *by_band, cmp_rows);
    cmp_key = v.key;
    qsort(rows, n, sizeof *rows, cmp_rows);
    if (v.desc)
        for (size_t i = 0; i < n / 2; i++) {
            struct lnt_league_row *t = rows[i];
            rows[i] = rows[n - 1 - i];
            rows[n - 1 - i] = t;
        }

    web_page_begin(r, "Overview", "overview");
    lnt_html_raw(&r->h, "<h1>Overview</h1><p class=\"lede\">");
    if (web_scope_authority(r) != NULL) {
        lnt_html_txt(&r->h, web_scope_authority(r));
        lnt_html_raw(&r->h, " &#183; ");
    }
    lnt_html_rawf(&r->h, "scores over the %d nights ", l->last_night - l->first_night + 1);
    web_date(&r->h, l->first_night);
    lnt_html_raw(&r->h, " to ");
    web_date(&r->h, l->last_night);
    if (r->web->rules == NULL)
        lnt_html_raw(&r->h, " &#183; <strong>scoring rules are not loaded: bands are not "
                            "shown</strong>");
    lnt_html_raw(&r->h, "</p>");
    web_casework_overdue(r);
    lnt_html_raw(&r->h, "<div class=\"grid\">");
    top_premises(r, by_band, l->n);
    town_week(r, l);
    lnt_html_raw(&r->h, "</div>");
    league_table(r, l, &v, rows, n);
    {
        struct lnt_rollup_scope scope = {.authority = web_scope_authority(r)};
        web_period_compare(r, &scope, NULL);
    }
    web_page_end(r, 200);
out:
    free(rows);
    free(by_band);
    lnt_league_release(l);
}
