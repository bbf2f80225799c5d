/* web_compare.c - two periods side by side on the overview, the case file and trends: this
 * quarter against the last, a night against the same weekday a year before, or a chosen pair. */
#include "../web_int.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "ltime.h"
#include "night.h"

/* ---- two periods side by side ---- */

int32_t web_period_weekday_on_or_before(int32_t night, int weekday)
{
    return night - (lnt_weekday(night) - weekday + 7) % 7;
}

void web_period_quarters(int32_t last, struct web_span *a, struct web_span *b)
{
    int32_t q = lnt_score_quarter_start(last), prev = lnt_score_quarter_start(q - 1);

    a->first = q;
    a->last = last;
    /* the same stretch of the quarter before: as many nights from its start, within it */
    b->first = prev;
    b->last = prev + (last - q) < q - 1 ? prev + (last - q) : q - 1;
}

void web_period_last_year(int32_t night, struct web_span *a, struct web_span *b)
{
    a->first = a->last = night;
    b->first = b->last = night - WEB_WEEKS_52;
}

/* A date argument: true with *out set, or false with *bad = true when present but no date. */
static bool date_arg(struct web_req *r, const char *name, int32_t *out, bool *bad)
{
    const char *s = web_query(r, name);
    if (s == NULL || s[0] == '\0')
        return false;
    if (lnt_date_parse(s, out) != LNT_OK) {
        *bad = true;
        return false;
    }
    return true;
}

enum web_compare web_period_pair(struct web_req *r, int32_t last, struct web_span *a,
                                 struct web_span *b, char *why, size_t size)
{
    const char *c = web_query(r, "compare");
    int32_t night;
    bool bad = false;

    why[0] = '\0';
    if (c == NULL || c[0] == '\0')
        return WEB_COMPARE_NONE;
    if (strcmp(c, "quarter") == 0) {
        web_period_quarters(last, a, b);
        return WEB_COMPARE_QUARTER;
    }
    if (strcmp(c, "lastyear") == 0) {
        /* the chosen night, else the last Friday night finished */
        if (!date_arg(r, "night", &night, &bad))
            night = web_period_weekday_on_or_before(last, 4);
        if (bad || night > last) {
            lnt_str_copy(why, size,
                         "The night to compare must be a date up to the last "
                         "finished night.");
            return WEB_COMPARE_BAD;
        }
        web_period_last_year(night, a, b);
        return WEB_COMPARE_LASTYEAR;
    }
    if (strcmp(c, "pair") == 0) {
        if (!date_arg(r, "a_from", &a->first, &bad) || !date_arg(r, "a_to", &a->last, &bad) ||
            !date_arg(r, "b_from", &b->first, &bad) || !date_arg(r, "b_to", &b->last, &bad)) {
            lnt_str_copy(why, size, "Give both periods, each from a date to a date.");
            return WEB_COMPARE_BAD;
        }
        if (a->first > a->last || b->first > b->last) {
            lnt_str_copy(why, size, "Each period must start on or before its last night.");
            return WEB_COMPARE_BAD;
        }
        if (a->last > last || b->last > last) {
            lnt_str_copy(why, size, "Both periods must end by the last finished night.");
            return WEB_COMPARE_BAD;
        }
        if (a->last - a->first >= WEB_COMPARE_NIGHTS_MAX ||
            b->last - b->first >= WEB_COMPARE_NIGHTS_MAX) {
            snprintf(why, size, "A period may be at most %d nights.", WEB_COMPARE_NIGHTS_MAX);
            return WEB_COMPARE_BAD;
        }
        return WEB_COMPARE_PAIR;
    }
    lnt_str_copy(why, size,
                 "Choose what to compare: this quarter, a night against last year, "
                 "or two periods.");
    return WEB_COMPARE_BAD;
}

/* "Thu 1 Oct 2026 to Fri 4 Dec 2026 (65 nights)", or one night's date. */
static void span_words(struct lnt_html *h, const struct web_span *s)
{
    web_date(h, s->first);
    if (s->last != s->first) {
        lnt_html_raw(h, " to ");
        web_date(h, s->last);
        lnt_html_rawf(h, " (%d nights)", s->last - s->first + 1);
    } else {
        lnt_html_raw(h, " night");
    }
}

/* The change from b to a in numbers and words: "+3, up 50%", "no change", "up from none". */
static void change_words(struct lnt_html *h, int64_t a, int64_t b)
{
    if (a == b) {
        lnt_html_raw(h, "no change");
        return;
    }
    lnt_html_rawf(h, "%s%lld, ", a > b ? "+" : "&#8722;", (long long)(a > b ? a - b : b - a));
    if (b == 0)
        lnt_html_raw(h, "up from none");
    else
        lnt_html_rawf(h, "%s %lld%%", a > b ? "up" : "down",
                      (long long)(((a > b ? a - b : b - a) * 100 + b / 2) / b));
}

static void compare_form(struct web_req *r, enum web_compare kind, const struct web_span *a,
                         const struct web_span *b)
{
    static const char *const drop[] = {"compare", "night", "a_from", "a_to", "b_from", "b_to"};
    struct web_form q;
    char err[LNT_ERRBUF_SIZE], d[4][LNT_DATE_STRLEN] = {"", "", "", ""};
    const int32_t days[4] = {a->first, a->last, b->first, b->last};

    lnt_html_raw(&r->h, "<form method=\"get\" class=\"filters\" id=\"compare-form\" "
                        "data-period=\"compare\" action=\"");
    lnt_html_attr(&r->h, r->http->path);
    lnt_html_raw(&r->h, "\">");
    memset(&q, 0, sizeof q);
    if (web_form_parse(&q, r->http->query, strlen(r->http->query), err) == LNT_OK)
        for (size_t i = 0; i < q.n; i++) {
            bool skip = false;
            for (size_t k = 0; k < sizeof drop / sizeof drop[0]; k++)
                skip |= strcmp(q.key[i], drop[k]) == 0;
            if (skip)
                continue;
            lnt_html_raw(&r->h, "<input type=\"hidden\" name=\"");
            lnt_html_attr(&r->h, q.key[i]);
            lnt_html_raw(&r->h, "\" value=\"");
            lnt_html_attr(&r->h, q.value[i]);
            lnt_html_raw(&r->h, "\"/>");
        }
    web_form_release(&q);
    if (kind == WEB_COMPARE_PAIR)
        for (int i = 0; i < 4; i++)
            (void)lnt_date_format(days[i], d[i]);
    lnt_html_rawf(
        &r->h,
        "<div><label for=\"cmp-kind\">Compare</label><select id=\"cmp-kind\" name=\"compare\">"
        "<option value=\"quarter\"%s>This quarter against the last</option>"
        "<option value=\"lastyear\"%s>Last Friday night against the same Friday last "
        "year</option><option value=\"pair\"%s>Two periods I choose</option></select></div>"
        "<div><label for=\"cmp-a-from\">First period from</label><input type=\"date\" "
        "id=\"cmp-a-from\" name=\"a_from\" value=\"%s\"/></div><div><label for=\"cmp-a-to\">to"
        "</label><input type=\"date\" id=\"cmp-a-to\" name=\"a_to\" value=\"%s\"/></div>"
        "<div><label for=\"cmp-b-from\">Second period from</label><input type=\"date\" "
        "id=\"cmp-b-from\" name=\"b_from\" value=\"%s\"/></div><div><label for=\"cmp-b-to\">to"
        "</label><input type=\"date\" id=\"cmp-b-to\" name=\"b_to\" value=\"%s\"/></div>",
        kind == WEB_COMPARE_QUARTER ? " selected=\"selected\"" : "",
        kind == WEB_COMPARE_LASTYEAR ? " selected=\"selected\"" : "",
        kind == WEB_COMPARE_PAIR ? " selected=\"selected\"" : "", d[0], d[1], d[2], d[3]);
    lnt_html_raw(&r->h, "<div><button type=\"submit\" id=\"compare-show\">Compare</button></div>"
                        "<p class=\"muted\">The dates are used for two periods you choose.</p>"
                        "</form>");
}

/* The risk points and band of `venue` at the end of `s` (as at its last night). */
static void venue_score_cell(struct web_req *r, const struct lnt_venue *v, const struct web_span *s,
                             int64_t *points, bool *ok)
{
    struct lnt_score_result res;
    char err[LNT_ERRBUF_SIZE] = "", pts[32];

    *ok = false;
    if (r->web->rules == NULL ||
        web_score_venue(r->web, v, lnt_night_end(s->last), &res, err) != LNT_OK) {
        lnt_html_raw(&r->h, "<td class=\"num\">not scored</td>");
        return;
    }
    lnt_score_milli_format(res.risk.total_milli, pts);
    lnt_html_raw(&r->h, "<td class=\"num\">");
    lnt_html_txt(&r->h, pts);
    lnt_html_raw(&r->h, " ");
    web_band_scored(&r->h, res.risk.band, res.risk.scored, res.risk.window_nights);
    lnt_html_raw(&r->h, "</td>");
    *points = res.risk.total_milli;
    *ok = true;
    lnt_score_result_release(&res);
}

void web_period_compare(struct web_req *r, const struct lnt_rollup_scope *scope,
                        const struct lnt_venue *venue)
{
    static const struct {
        const char *label;
        size_t off;
    } figures[] = {
        {"Incidents reported", offsetof(struct lnt_night_rollup, incidents)},
        {"Spiking reports", offsetof(struct lnt_night_rollup, spiking)},
        {"Ask for Angela", offsetof(struct lnt_night_rollup, angela)},
        {"Door-supervisor shifts", offsetof(struct lnt_night_rollup, door_shifts)},
        {"Badges refused at the door", offsetof(struct lnt_night_rollup, refused)},
        {"Kiosk contacts (how much was seen)", offsetof(struct lnt_night_rollup, contacts)},
    };
    struct lnt_night_rollup ta, tb;
    struct web_span a = {0, 0}, b = {0, 0};
    char why[160], err[LNT_ERRBUF_SIZE] = "";
    int32_t last = lnt_night_of(r->now) - 1;
    enum web_compare kind = web_period_pair(r, last, &a, &b, why, sizeof why);

    lnt_html_raw(&r->h, "<section class=\"panel compare\" id=\"compare\" aria-labelledby="
                        "\"compare-h\"><h2 id=\"compare-h\">Compare two periods</h2>");
    compare_form(r, kind, &a, &b);
    if (kind == WEB_COMPARE_NONE) {
        lnt_html_raw(&r->h, "</section>");
        return;
    }
    if (kind == WEB_COMPARE_BAD) {
        lnt_html_raw(&r->h, "<p class=\"notice error\" id=\"compare-error\">");
        lnt_html_txt(&r->h, why);
        lnt_html_raw(&r->h, "</p></section>");
        return;
    }
    if (lnt_store_rollup_totals(r->web->store, scope, a.first, a.last, &ta, err) != LNT_OK ||
        lnt_store_rollup_totals(r->web->store, scope, b.first, b.last, &tb, err) != LNT_OK) {
        lnt_error("dashboard: compare: %s", err);
        lnt_html_raw(&r->h, "<p class=\"empty\">The figures could not be read.</p></section>");
        return;
    }
    lnt_html_raw(&r->h, "<table class=\"compare\" id=\"compare-table\"><caption>");
    span_words(&r->h, &a);
    lnt_html_raw(&r->h, kind == WEB_COMPARE_QUARTER    ? ", this quarter so far, against "
                        : kind == WEB_COMPARE_LASTYEAR ? " against the same night 52 weeks "
                                                         "before, "
                                                       : " against ");
    span_words(&r->h, &b);
    if (kind == WEB_COMPARE_QUARTER)
        lnt_html_raw(&r->h, ", the same nights of the quarter before");
    lnt_html_raw(&r->h, "</caption><thead><tr><th scope=\"col\">Figure</th><th scope=\"col\" "
                        "class=\"num\">");
    lnt_html_raw(&r->h, kind == WEB_COMPARE_QUARTER    ? "This quarter"
                        : kind == WEB_COMPARE_LASTYEAR ? "That night"
                                                       : "First period");
    lnt_html_raw(&r->h, "</th><th scope=\"col\" class=\"num\">");
    lnt_html_raw(&r->h, kind == WEB_COMPARE_QUARTER    ? "Quarter before"
                        : kind == WEB_COMPARE_LASTYEAR ? "A year before"
                                                       : "Second period");
    lnt_html_raw(&r->h, "</th><th scope=\"col\" class=\"num\">Change</th></tr></thead><tbody>");
    for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++) {
        int32_t x, y;
        memcpy(&x, (const char *)&ta + figures[i].off, sizeof x);
        memcpy(&y, (const char *)&tb + figures[i].off, sizeof y);
        lnt_html_rawf(&r->h,
                      "<tr><th scope=\"row\">%s</th><td class=\"num\">%d</td><td "
                      "class=\"num\">%d</td><td class=\"num change\">",
                      figures[i].label, x, y);
        /* no kiosk spoke then: a zero is no data, not a quiet period */
        if (tb.contacts == 0 && figures[i].off != offsetof(struct lnt_night_rollup, contacts))
            lnt_html_raw(&r->h, "no data for the second period");
        else
            change_words(&r->h, x, y);
        lnt_html_raw(&r->h, "</td></tr>");
    }
    {
        int32_t gx = ta.door_shifts - ta.door_sia_ok, gy = tb.door_shifts - tb.door_sia_ok;
        lnt_html_rawf(&r->h,
                      "<tr><th scope=\"row\">Door shifts without a valid licence</th><td "
                      "class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num change\">",
                      gx, gy);
        change_words(&r->h, gx, gy);
        lnt_html_raw(&r->h, "</td></tr>");
    }
    if (venue != NULL) {
        int64_t pa = 0, pb = 0;
        bool oka, okb;
        lnt_html_raw(&r->h, "<tr><th scope=\"row\">Risk points at the period&#8217;s end</th>");
        venue_score_cell(r, venue, &a, &pa, &oka);
        venue_score_cell(r, venue, &b, &pb, &okb);
        lnt_html_raw(&r->h, "<td class=\"num change\">");
        if (oka && okb && pa != pb) {
            char d[32];
            lnt_score_milli_format(pa > pb ? pa - pb : pb - pa, d);
            lnt_html_raw(&r->h, pa > pb ? "+" : "&#8722;");
            lnt_html_txt(&r->h, d);
            lnt_html_raw(&r->h, pa > pb ? ", more points" : ", fewer points");
        } else {
            lnt_html_raw(&r->h, oka && okb ? "no change" : "&#8211;");
        }
        lnt_html_raw(&r->h, "</td></tr>");
    }
    lnt_html_raw(&r->h, "</tbody></table></section>");
}
