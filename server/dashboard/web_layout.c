/* web_layout.c - the dashboard's page layout (assets/web/layout.html's slots) and shared bits of
 * markup. */
#include "web_int.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "ltime.h"
#include "night.h"
#include "store_alerts.h"

/* Embedded from assets/web/layout.html by cmake (lnt_embed). */
extern const unsigned char lnt_web_layout[];
extern const size_t lnt_web_layout_len;

/* ---- incidents' clear fields in words ---- */

struct code_words {
    const char *code, *words;
};

/* As the kiosk's strings.c says them, so that the case file reads as the door staff chose. */
static const struct code_words kinds[] = {{"angela", "Ask for Angela"},
                                          {"spiking", "Spiking"},
                                          {"violence_injury", "Violence: injury"},
                                          {"violence", "Violence: no injury"},
                                          {"sexual", "Sexual harassment or assault"},
                                          {"weapons", "Weapon"},
                                          {"drugs", "Drugs"},
                                          {"disorder", "Disorder"},
                                          {"medical", "Medical or welfare"},
                                          {"ejection", "Ejection or refusal"},
                                          {"theft", "Theft"},
                                          {"other", "Other"},
                                          {NULL, NULL}};
static const struct code_words places[] = {{"bar", "Bar"},
                                           {"dance_floor", "Dance floor"},
                                           {"toilets", "Toilets"},
                                           {"smoking_area", "Smoking area"},
                                           {"entrance", "Entrance"},
                                           {"outside", "Outside the venue"},
                                           {NULL, NULL}};
static const struct code_words outcomes[] = {{"left_safely", "Left safely with friends"},
                                             {"taxi_home", "Taxi or lift home"},
                                             {"police", "Police took over"},
                                             {"stayed", "Stayed, felt safe"},
                                             {"other", "Other"},
                                             {"not_known", "Not known yet"},
                                             {"home_friends", "Home with friends"},
                                             {"hospital", "Hospital"},
                                             {"recovering", "Recovering here"},
                                             {"resolved", "Resolved on site"},
                                             {"ejected", "Person ejected"},
                                             {"medical", "First aid or ambulance"},
                                             {NULL, NULL}};

const char *web_incident_words(enum web_inc_field f, const char *code)
{
    const struct code_words *t = f == WEB_INC_KIND ? kinds : f == WEB_INC_PLACE ? places : outcomes;

    for (size_t i = 0; t[i].code != NULL; i++)
        if (strcmp(t[i].code, code) == 0)
            return t[i].words;
    return code;
}

/* ---- time and badges ---- */

/* Every time and date a page shows comes from common/night.h's one human form. */
void web_time_text(int64_t t, char *out, size_t size)
{
    char local[LNT_LOCAL_TIME_STRLEN];

    if (t <= 0 || lnt_local_time_format(t, local) != LNT_OK)
        lnt_str_copy(out, size, "never");
    else
        lnt_str_copy(out, size, local);
}

void web_time(struct lnt_html *h, int64_t t)
{
    char iso[LNT_TIME_STRLEN], local[LNT_LOCAL_TIME_STRLEN];

    if (t <= 0 || lnt_time_format(t, iso) != LNT_OK || lnt_local_time_format(t, local) != LNT_OK) {
        lnt_html_raw(h, "never");
        return;
    }
    lnt_html_rawf(h, "<time datetime=\"%s\">%s</time>", iso, local);
}

void web_date(struct lnt_html *h, int32_t days)
{
    char local[LNT_LOCAL_DATE_STRLEN];

    if (days <= 0 || lnt_local_date_format(days, local) != LNT_OK) {
        lnt_html_raw(h, "none");
        return;
    }
    lnt_html_raw(h, local);
}

void web_ago(struct web_req *r, int64_t t, int64_t stale_after)
{
    int64_t age = r->now - t;
    bool stale = t <= 0 || age > stale_after;

    if (stale)
        lnt_html_raw(&r->h, "<span class=\"stale\">");
    if (t <= 0)
        lnt_html_raw(&r->h, "never");
    else if (age < 120)
        lnt_html_raw(&r->h, "just now");
    else if (age < 2 * 3600)
        lnt_html_rawf(&r->h, "%lld min ago", (long long)(age / 60));
    else if (age < 2 * 86400)
        lnt_html_rawf(&r->h, "%lld h ago", (long long)(age / 3600));
    else
        lnt_html_rawf(&r->h, "%lld days ago", (long long)(age / 86400));
    if (stale)
        lnt_html_raw(&r->h, "</span>");
}

void web_band(struct lnt_html *h, enum lnt_band b)
{
    switch (b) {
    case LNT_BAND_GREEN:
        lnt_html_raw(h, "<span class=\"band band-green\">Green</span>");
        break;
    case LNT_BAND_AMBER:
        lnt_html_raw(h, "<span class=\"band band-amber\">Amber</span>");
        break;
    case LNT_BAND_RED:
        lnt_html_raw(h, "<span class=\"band band-red\">Red</span>");
        break;
    default:
        lnt_html_raw(h, "<span class=\"band band-none\">Not scored</span>");
        break;
    }
}

void web_band_scored(struct lnt_html *h, enum lnt_band b, bool scored, int window_nights)
{
    if (scored) {
        web_band(h, b);
        return;
    }
    lnt_html_rawf(h,
                  "<span class=\"band band-none\">not yet scored &#8212; %d night%s of "
                  "evidence</span>",
                  window_nights, window_nights == 1 ? "" : "s");
}

void web_trend(struct lnt_html *h, enum lnt_trend t)
{
    switch (t) {
    case LNT_TREND_WORSE:
        lnt_html_raw(h, "<span class=\"trend trend-worse\">&#8599; worse</span>");
        break;
    case LNT_TREND_BETTER:
        lnt_html_raw(h, "<span class=\"trend trend-better\">&#8600; better</span>");
        break;
    case LNT_TREND_STEADY:
        lnt_html_raw(h, "<span class=\"trend trend-steady\">&#8594; steady</span>");
        break;
    default:
        lnt_html_raw(h, "<span class=\"trend trend-none\">&#8211; no history</span>");
        break;
    }
}

void web_bbn_status(struct lnt_html *h, enum lnt_bbn_status s)
{
    switch (s) {
    case LNT_BBN_MET:
        lnt_html_raw(h, "<span class=\"status st-met\">Met</span>");
        break;
    case LNT_BBN_NOT_MET:
        lnt_html_raw(h, "<span class=\"status st-not_met\">Not met</span>");
        break;
    case LNT_BBN_NOT_EVIDENCED:
        lnt_html_raw(h, "<span class=\"status st-not_evidenced\">Not evidenced</span>");
        break;
    default:
        lnt_html_raw(h, "<span class=\"status st-not_applicable\">Not applicable</span>");
        break;
    }
}

/* ---- layout ---- */

/* Writes the template from `*pos` up to the next slot and returns the slot's name (or NULL at the
 * end), leaving *pos after it. */
static const char *layout_next(struct lnt_html *h, size_t *pos, char name[16])
{
    const char *t = (const char *)lnt_web_layout;
    const char *open = strstr(t + *pos, "{{"), *close;

    if (open == NULL) {
        lnt_html_raw(h, t + *pos);
        *pos = lnt_web_layout_len;
        return NULL;
    }
    close = strstr(open, "}}");
    if (close == NULL || (size_t)(close - open - 2) >= 16) {
        lnt_html_raw(h, t + *pos);
        *pos = lnt_web_layout_len;
        return NULL;
    }
    {
        struct lnt_buf *b = h->out;
        if (h->err == LNT_OK)
            h->err = lnt_buf_append(b, t + *pos, (size_t)(open - (t + *pos)));
    }
    memcpy(name, open + 2, (size_t)(close - open - 2));
    name[close - open - 2] = '\0';
    *pos = (size_t)(close + 2 - t);
    return name;
}

static void nav_item(struct web_req *r, const char *href, const char *label, const char *id,
                     const char *active)
{
    lnt_html_raw(&r->h, "<li><a href=\"");
    lnt_html_raw(&r->h, href);
    lnt_html_raw(&r->h, "\"");
    if (active != NULL && strcmp(active, id) == 0)
        lnt_html_raw(&r->h, " aria-current=\"page\"");
    lnt_html_rawf(&r->h, ">%s</a></li>", label);
}

/* The officer's alerts not yet acknowledged, for the nav; 0 (logged) when unreadable. */
static int64_t alerts_waiting(struct web_req *r)
{
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t n = 0;

    if (r->alerts_waiting_read)
        return r->alerts_waiting;
    if (lnt_store_alert_unacked(r->web->store, r->officer.id, &n, err) != LNT_OK) {
        lnt_error("dashboard: alerts waiting: %s", err);
        return 0;
    }
    return n;
}

static void write_nav(struct web_req *r, const char *active)
{
    if (!r->logged_in)
        return;
    lnt_html_raw(&r->h, "<nav aria-label=\"Main\"><ul class=\"nav\">");
    if (web_can_see_town(r)) {
        nav_item(r, "/", "Overview", "overview", active);
        nav_item(r, "/trends", "Hot spots &amp; trends", "trends", active);
        nav_item(r, "/street", "Street", "street", active);
        nav_item(r, "/map", "Map", "map", active);
        nav_item(r, "/volunteers", "Volunteers", "volunteers", active);
        nav_item(r, "/stock", "Cup covers", "stock", active);
    } else {
        char href[48];
        snprintf(href, sizeof href, "/venues/%lld", (long long)r->officer.scope.venue_id);
        nav_item(r, href, "My venue", "venue", active);
    }
    nav_item(r, "/exports", "Exports", "exports", active);
    {
        int64_t waiting = alerts_waiting(r);
        char label[160];

        if (waiting > 0)
            snprintf(label, sizeof label,
                     "Alerts <span class=\"count\" id=\"alert-count\">%lld</span>"
                     "<span class=\"visually-hidden\"> waiting</span>",
                     (long long)waiting);
        else
            snprintf(label, sizeof label, "Alerts");
        nav_item(r, "/alerts", label, "alerts", active);
    }
    if (web_can_admin(r))
        nav_item(r, "/admin", "Admin", "admin", active);
    lnt_html_raw(&r->h, "</ul></nav>");
}

static void write_user(struct web_req *r)
{
    if (!r->logged_in)
        return;
    lnt_html_raw(&r->h, "<div class=\"who\"><span>");
    lnt_html_txt(&r->h, r->officer.name);
    lnt_html_raw(&r->h, " <span class=\"muted-inv\">(");
    lnt_html_txt(&r->h, lnt_officer_role_name(r->officer.scope.role));
    if (r->officer.scope.authority[0] != '\0') {
        lnt_html_raw(&r->h, ", ");
        lnt_html_txt(&r->h, r->officer.scope.authority);
    }
    lnt_html_raw(&r->h, ")</span></span><form method=\"post\" action=\"/logout\">");
    web_csrf_field(r);
    lnt_html_raw(&r->h, "<button type=\"submit\" id=\"logout\">Sign out</button></form></div>");
}

void web_page_begin(struct web_req *r, const char *title, const char *active)
{
    char name[16];
    size_t pos = 0;
    const char *slot;

    lnt_buf_reset(&r->resp->body);
    lnt_html_init(&r->h, &r->resp->body);
    lnt_str_copy(r->resp->content_type, sizeof r->resp->content_type, "text/html; charset=utf-8");
    while ((slot = layout_next(&r->h, &pos, name)) != NULL) {
        if (strcmp(slot, "title") == 0)
            lnt_html_txt(&r->h, title);
        else if (strcmp(slot, "nav") == 0)
            write_nav(r, active);
        else if (strcmp(slot, "user") == 0) {
            web_period_control(r);
            write_user(r);
        } else if (strcmp(slot, "main") == 0)
            break;
    }
    r->layout_pos = pos;
    web_period_banner(r, active);
}

void web_page_end(struct web_req *r, int status)
{
    char name[16];
    size_t pos = r->layout_pos;
    const char *slot;

    while ((slot = layout_next(&r->h, &pos, name)) != NULL)
        if (strcmp(slot, "version") == 0)
            lnt_html_txt(&r->h, LNT_VERSION);
    if (r->h.err == LNT_OK)
        r->h.err = web_period_links(r);
    if (r->h.err != LNT_OK) {
        lnt_error("dashboard: page %s could not be written: %s", r->http->path,
                  lnt_strerror(r->h.err));
        lnt_buf_reset(&r->resp->body);
        lnt_buf_puts(&r->resp->body, "<!DOCTYPE html><title>Error</title><p>The page was too "
                                     "large or the server ran out of memory.</p>");
        r->resp->status = 500;
        return;
    }
    r->resp->status = status;
}

void web_error(struct web_req *r, int status, const char *heading, const char *detail)
{
    web_page_begin(r, heading, NULL);
    lnt_html_raw(&r->h, "<h1>");
    lnt_html_txt(&r->h, heading);
    lnt_html_raw(&r->h, "</h1><div class=\"panel\"><p>");
    lnt_html_txt(&r->h, detail);
    lnt_html_raw(&r->h, "</p><p><a href=\"/\">Back to the overview</a></p></div>");
    web_page_end(r, status);
}

void web_redirect(struct web_req *r, const char *location)
{
    char dated[WEB_NEXT_MAX + 64];

    location = web_period_location(r, location, dated, sizeof dated);
    lnt_buf_reset(&r->resp->body);
    lnt_html_init(&r->h, &r->resp->body);
    web_header(r, "Location", location);
    lnt_str_copy(r->resp->content_type, sizeof r->resp->content_type, "text/html; charset=utf-8");
    lnt_html_raw(&r->h, "<!DOCTYPE html><title>See other</title><p><a href=\"");
    lnt_html_attr(&r->h, location);
    lnt_html_raw(&r->h, "\">Continue</a></p>");
    r->resp->status = 303;
}

void web_csrf_field(struct web_req *r)
{
    lnt_html_raw(&r->h, "<input type=\"hidden\" name=\"csrf\" value=\"");
    lnt_html_attr(&r->h, r->session.csrf);
    lnt_html_raw(&r->h, "\"/>");
}

/* ---- answers that end in a page: an id from the path, a venue in scope ---- */

bool web_param_id(struct web_req *r, size_t i, int64_t *out)
{
    if (i >= r->n_params || lnt_parse_i64(r->params[i], 1, INT64_MAX, out) != LNT_OK) {
        web_error(r, 404, "Not found", "There is no such page.");
        return false;
    }
    return true;
}

bool web_venue_in_scope(struct web_req *r, int64_t id, struct lnt_venue *v)
{
    char err[LNT_ERRBUF_SIZE] = "", object[32];
    enum lnt_err rc = lnt_store_venue_get(r->web->store, id, v, err);
    const struct lnt_scope *sc = &r->officer.scope;

    if (rc == LNT_ERR_NOT_FOUND) {
        web_error(r, 404, "No such venue", "There is no venue with that number.");
        return false;
    }
    if (rc != LNT_OK) {
        lnt_error("dashboard: venue %lld: %s", (long long)id, err);
        web_error(r, 500, "Something went wrong", "The venue could not be read.");
        return false;
    }
    if ((sc->venue_id != 0 && sc->venue_id != id) ||
        (sc->authority[0] != '\0' && strcmp(sc->authority, v->authority) != 0)) {
        snprintf(object, sizeof object, "venue %lld", (long long)id);
        web_audit(r, "access.refused", object, r->http->path);
        web_error(r, 403, "Not yours to see",
                  "This venue is outside your area. The attempt has been recorded.");
        return false;
    }
    return true;
}
