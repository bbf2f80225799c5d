/* web_asat.c - the "as at" date every dashboard page carries (?at=): its reading, the header's
 * control, the banner and the window line, and the date carried on the page's links and forms.
 * Called by web.c and the layout; calls only the request, form and score helpers. */
#include "../web_int.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "ltime.h"
#include "night.h"

/* The page's time and date words, written here rather than through the layout's helpers:
 * the layout calls this file, so this file calls nothing of the layout's. */
static void local_time(struct lnt_html *h, int64_t t)
{
    char iso[LNT_TIME_STRLEN], local[LNT_LOCAL_TIME_STRLEN];

    if (lnt_time_format(t, iso) != LNT_OK || lnt_local_time_format(t, local) != LNT_OK)
        return;
    lnt_html_rawf(h, "<time datetime=\"%s\">%s</time>", iso, local);
}

static void local_date(struct lnt_html *h, int32_t days)
{
    char local[LNT_LOCAL_DATE_STRLEN];

    if (lnt_local_date_format(days, local) == LNT_OK)
        lnt_html_raw(h, local);
}

/* ---- as at: one reading of ?at= for the whole request ---- */

bool web_period_begin(struct web_req *r, const char **heading, const char **detail)
{
    const char *s = web_query(r, "at");
    int64_t at;
    int32_t night;

    r->live_now = r->now;
    r->as_at = 0;
    r->as_at_text[0] = '\0';
    if (s == NULL || s[0] == '\0' ||
        (strcmp(r->http->method, "GET") != 0 && strcmp(r->http->method, "HEAD") != 0))
        return true;
    if (lnt_as_at_parse(s, &at, &night) != LNT_OK) {
        *heading = "Not a date";
        *detail = "The \"as at\" date must be a date such as 2026-11-14 (or an RFC 3339 time).";
        return false;
    }
    if (night == 0)
        night = lnt_night_of(at);
    if (night > lnt_night_of(r->now)) {
        *heading = "A date in the future";
        *detail = "The \"as at\" date is after tonight: pick a date up to today.";
        return false;
    }
    if (at >= r->now)
        return true; /* tonight, still running: the page as it is now */
    r->now = at;
    r->as_at = night;
    if (s[10] == '\0')
        (void)lnt_date_format(night, r->as_at_text);
    else
        (void)lnt_time_format(at, r->as_at_text);
    return true;
}

/* The page's own path and query without `at` (and without `drop`, may be NULL), escaped for an
 * attribute: where "today" and the date control lead. */
static void path_without(struct web_req *r, const char *drop, bool hidden_fields)
{
    struct web_form q;
    char err[LNT_ERRBUF_SIZE];
    bool first = true;

    memset(&q, 0, sizeof q);
    if (!hidden_fields)
        lnt_html_attr(&r->h, r->http->path);
    if (web_form_parse(&q, r->http->query, strlen(r->http->query), err) != LNT_OK)
        return;
    for (size_t i = 0; i < q.n; i++) {
        if (strcmp(q.key[i], "at") == 0 || (drop != NULL && strcmp(q.key[i], drop) == 0))
            continue;
        if (hidden_fields) {
            lnt_html_raw(&r->h, "<input type=\"hidden\" name=\"");
            lnt_html_attr(&r->h, q.key[i]);
            lnt_html_raw(&r->h, "\" value=\"");
            lnt_html_attr(&r->h, q.value[i]);
            lnt_html_raw(&r->h, "\"/>");
            continue;
        }
        lnt_html_raw(&r->h, first ? "?" : "&amp;");
        lnt_html_url(&r->h, q.key[i]);
        lnt_html_raw(&r->h, "=");
        lnt_html_url(&r->h, q.value[i]);
        first = false;
    }
    web_form_release(&q);
}

void web_period_control(struct web_req *r)
{
    char d[LNT_DATE_STRLEN], today[LNT_DATE_STRLEN];

    if (r->live_now == 0)
        r->live_now = r->now; /* a page written before web_period_begin ran */
    if (!r->logged_in ||
        (strcmp(r->http->method, "GET") != 0 && strcmp(r->http->method, "HEAD") != 0) ||
        lnt_date_format(lnt_night_of(r->live_now), today) != LNT_OK)
        return;
    if (r->as_at == 0 || lnt_date_format(r->as_at, d) != LNT_OK)
        lnt_str_copy(d, sizeof d, today);
    lnt_html_raw(&r->h, "<form class=\"asat\" method=\"get\" data-period=\"control\" action=\"");
    lnt_html_attr(&r->h, r->http->path);
    lnt_html_raw(&r->h, "\">");
    path_without(r, NULL, true);
    lnt_html_rawf(&r->h,
                  "<label for=\"asat-date\">As at</label><input type=\"date\" id=\"asat-date\" "
                  "name=\"at\" value=\"%s\" max=\"%s\" required=\"required\"/>"
                  "<button type=\"submit\" id=\"asat-show\">Show</button>",
                  d, today);
    if (r->as_at != 0) {
        lnt_html_raw(&r->h, "<a class=\"asat-live\" data-period=\"live\" href=\"");
        path_without(r, NULL, false);
        lnt_html_raw(&r->h, "\">Today</a>");
    }
    lnt_html_raw(&r->h, "</form>");
}

void web_period_window_words(struct web_req *r, int64_t at)
{
    const struct lnt_risk_weights *w = r->web->rules != NULL ? r->web->rules->risk : NULL;
    int32_t first, last;

    web_window(r->web, at, &first, &last);
    if (w != NULL && w->window == LNT_WINDOW_QUARTER)
        lnt_html_raw(&r->h, "the police quarter so far (the scheme counts by quarter), ");
    else
        lnt_html_rawf(&r->h, "a rolling %d nights, ", last - first + 1);
    local_date(&r->h, first);
    lnt_html_raw(&r->h, " to ");
    local_date(&r->h, last);
}

static bool shows_scores(const char *active)
{
    static const char *const pages[] = {"overview", "venue", "trends", "exports"};
    for (size_t i = 0; active != NULL && i < sizeof pages / sizeof pages[0]; i++)
        if (strcmp(active, pages[i]) == 0)
            return true;
    return false;
}

void web_period_banner(struct web_req *r, const char *active)
{
    char d[LNT_LOCAL_DATE_STRLEN];

    if (r->logged_in && r->web->rules != NULL && shows_scores(active)) {
        lnt_html_raw(&r->h, "<p class=\"muted window-line\" id=\"score-window\">Scores count ");
        web_period_window_words(r, r->now);
        lnt_html_raw(&r->h, ".</p>");
    }
    if (r->as_at == 0 || lnt_local_date_format(r->as_at, d) != LNT_OK)
        return;
    lnt_html_raw(&r->h, "<p class=\"asat-banner\" id=\"as-at\"><strong>As at ");
    if (r->as_at_text[10] != '\0')
        local_time(&r->h, r->now);
    else
        lnt_html_txt(&r->h, d);
    lnt_html_raw(&r->h, "</strong> &#8212; the evidence and the scores as they stood at ");
    local_time(&r->h, r->now);
    lnt_html_raw(&r->h, r->as_at_text[10] != '\0'
                            ? ". Nothing after it is counted. "
                            : ", the end of that trading night. Nothing after it is counted. ");
    lnt_html_raw(&r->h, "<a data-period=\"live\" href=\"");
    path_without(r, NULL, false);
    lnt_html_raw(&r->h, "\">Back to today</a></p>");
}

/* ---- carrying ?at= through the page's links and forms ---- */

/* The end of the tag that starts at `p` (its '>'), or NULL. Attribute values are escaped, so a
 * '>' inside one is written as &gt;. */
static const char *tag_end(const char *p, const char *end)
{
    const char *e = memchr(p, '>', (size_t)(end - p));
    return e;
}

static const char *in_tag(const char *p, const char *e, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *q = p; q + n <= e; q++)
        if (memcmp(q, needle, n) == 0)
            return q;
    return NULL;
}

/* true for an href this page should carry the date on: a path of this site, not an asset, not
 * one that already says its own date. */
static bool carries(const char *v, const char *ve)
{
    size_t n = (size_t)(ve - v);
    if (n == 0 || v[0] != '/' || (n > 1 && v[1] == '/'))
        return false;
    if (n >= 8 && memcmp(v, "/assets/", 8) == 0)
        return false;
    for (const char *q = v; q + 3 <= ve; q++)
        if ((q[0] == '?' || q[0] == ';') && memcmp(q + 1, "at=", 3) == 0)
            return false;
    return true;
}

/* true for the sign-in and sign-out forms' actions: a session is not as at any date. */
static bool signs_in_or_out(const char *v, const char *ve)
{
    size_t n = (size_t)(ve - v);
    return (n >= 6 && memcmp(v, "/login", 6) == 0) || (n >= 7 && memcmp(v, "/logout", 7) == 0);
}

enum lnt_err web_period_links(struct web_req *r)
{
    struct lnt_buf *body = &r->resp->body, out;
    const char *p, *end, *from;
    char at_q[64], hidden[96];
    enum lnt_err rc = LNT_OK;

    if (r->as_at == 0 || body->data == NULL)
        return LNT_OK;
    snprintf(at_q, sizeof at_q, "at=%s", r->as_at_text);
    snprintf(hidden, sizeof hidden, "<input type=\"hidden\" name=\"at\" value=\"%s\"/>",
             r->as_at_text);
    lnt_buf_init(&out, body->max);
    p = from = body->data;
    end = body->data + body->len;
    while (rc == LNT_OK && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        const char *e = tag_end(p, end), *h, *v, *ve;
        if (e == NULL)
            break;
        if ((size_t)(end - p) > 3 && memcmp(p, "<a ", 3) == 0 && !in_tag(p, e, "data-period=") &&
            (h = in_tag(p, e, " href=\"")) != NULL) {
            v = h + 7;
            ve = memchr(v, '"', (size_t)(e - v));
            if (ve != NULL && carries(v, ve)) {
                const char *hash = memchr(v, '#', (size_t)(ve - v));
                const char *cut = hash != NULL ? hash : ve;
                bool has_q = memchr(v, '?', (size_t)(cut - v)) != NULL;
                rc = lnt_buf_append(&out, from, (size_t)(cut - from));
                if (rc == LNT_OK)
                    rc = lnt_buf_puts(&out, has_q ? "&amp;" : "?");
                if (rc == LNT_OK)
                    rc = lnt_buf_puts(&out, at_q);
                from = cut;
            }
        } else if ((size_t)(end - p) > 6 && memcmp(p, "<form ", 6) == 0 &&
                   !in_tag(p, e, "data-period=") && in_tag(p, e, "method=\"get\"") != NULL) {
            rc = lnt_buf_append(&out, from, (size_t)(e + 1 - from));
            if (rc == LNT_OK)
                rc = lnt_buf_puts(&out, hidden);
            from = e + 1;
        } else if ((size_t)(end - p) > 6 && memcmp(p, "<form ", 6) == 0 &&
                   !in_tag(p, e, "data-period=") && in_tag(p, e, "method=\"post\"") != NULL &&
                   (h = in_tag(p, e, " action=\"")) != NULL) {
            /* a POST form: the date rides on its action's query, so the redirect after it
               (web_period_location) lands on the page as at the same date */
            v = h + 9;
            ve = memchr(v, '"', (size_t)(e - v));
            if (ve != NULL && carries(v, ve) && !signs_in_or_out(v, ve)) {
                const char *hash = memchr(v, '#', (size_t)(ve - v));
                const char *cut = hash != NULL ? hash : ve;
                bool has_q = memchr(v, '?', (size_t)(cut - v)) != NULL;
                rc = lnt_buf_append(&out, from, (size_t)(cut - from));
                if (rc == LNT_OK)
                    rc = lnt_buf_puts(&out, has_q ? "&amp;" : "?");
                if (rc == LNT_OK)
                    rc = lnt_buf_puts(&out, at_q);
                from = cut;
            }
        }
        p = e + 1;
    }
    if (rc == LNT_OK)
        rc = lnt_buf_append(&out, from, (size_t)(end - from));
    if (rc != LNT_OK) {
        lnt_buf_release(&out);
        return rc;
    }
    lnt_buf_release(body);
    *body = out;
    lnt_html_init(&r->h, body);
    return LNT_OK;
}

/* ---- keeping the date across a POST and its redirect ---- */

/* The `at` a POST carried (its action's query, else a form field), checked by the GET pages'
 * rule and written again in its normal form into out ("" when none, unreadable or live). */
static void posted_at(struct web_req *r, char out[40])
{
    const char *s = web_query(r, "at");
    int64_t at;
    int32_t night;

    out[0] = '\0';
    if (strcmp(r->http->method, "POST") != 0)
        return;
    if (s == NULL || s[0] == '\0')
        s = web_form_get(&r->form, "at");
    if (s == NULL || s[0] == '\0' || lnt_as_at_parse(s, &at, &night) != LNT_OK)
        return;
    if (at >= r->live_now || (night != 0 && night >= lnt_night_of(r->live_now)))
        return; /* tonight, or later: the live page */
    if (night != 0)
        (void)lnt_date_format(night, out);
    else
        (void)lnt_time_format(at, out);
}

const char *web_period_location(struct web_req *r, const char *location, char *out, size_t size)
{
    char at[40];
    const char *hash, *q;
    size_t cut;
    int w;

    if (r->live_now == 0)
        r->live_now = r->now;
    posted_at(r, at);
    if (at[0] == '\0' || location[0] != '/' || location[1] == '/' ||
        lnt_str_starts(location, "/login") || lnt_str_starts(location, "/logout"))
        return location;
    hash = strchr(location, '#');
    cut = hash != NULL ? (size_t)(hash - location) : strlen(location);
    for (q = strchr(location, '?'); q != NULL && (size_t)(q - location) < cut;
         q = strchr(q + 1, '&'))
        if (strncmp(q + 1, "at=", 3) == 0)
            return location; /* it names its own date */
    w = snprintf(out, size, "%.*s%cat=%s%s", (int)cut, location,
                 memchr(location, '?', cut) != NULL ? '&' : '?', at, hash != NULL ? hash : "");
    if (w < 0 || (size_t)w >= size)
        return location;
    return out;
}
