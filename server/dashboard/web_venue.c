/* web_venue.c - a venue's case file: BBN criteria, risk points, incidents, register, training,
 * findings (stock and kiosks: web_venue_upkeep.c). */
#include "web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casework/web_casework.h"
#include "log.h"
#include "ltime.h"
#include "night.h"

#define INCIDENTS_SHOWN 25 /* the latest; ?incidents=all shows up to INCIDENTS_ALL */
#define INCIDENTS_ALL 1000
#define REGISTER_SHOWN 200
#define FLAGS_SHOWN 50          /* the latest flags on the case file */
#define REGISTER_LINK_NIGHTS 92 /* the longest range the register page shows */

/* The instant night `night` begins (06:00 London time on its date). */
int64_t web_night_start(int32_t night)
{
    int64_t t = (int64_t)night * 86400 + LNT_NIGHT_CUTOFF_MIN * 60;
    return t - lnt_london_offset(t);
}

/* Reads a "YYYY-MM-DD" query argument as a night, or `dflt`. */
int32_t web_query_date(struct web_req *r, const char *name, int32_t dflt)
{
    const char *s = web_query(r, name);
    int32_t d;
    return s != NULL && lnt_date_parse(s, &d) == LNT_OK ? d : dflt;
}

static void date_value(struct lnt_html *h, int32_t days)
{
    char d[LNT_DATE_STRLEN];
    if (lnt_date_format(days, d) == LNT_OK)
        lnt_html_raw(h, d);
}

void web_local_txt(struct lnt_html *h, const char *text)
{
    size_t size = strlen(text) * 2 + 1;
    char *local = malloc(size);

    if (local == NULL) {
        lnt_html_txt(h, text);
        return;
    }
    (void)lnt_local_text(text, local, size); /* twice the length always fits */
    lnt_html_txt(h, local);
    free(local);
}

/* A link to the door register of nights [from, to] (a register shows at most
 * REGISTER_LINK_NIGHTS: a longer range links to its last nights). */
static void register_link(struct web_req *r, int64_t venue_id, int32_t from, int32_t to)
{
    bool link = web_can_read_register(r); /* else the night in words, not a 403 */

    if (to - from + 1 > REGISTER_LINK_NIGHTS)
        from = to - REGISTER_LINK_NIGHTS + 1;
    if (link) {
        lnt_html_rawf(
            &r->h, "<a class=\"record\" href=\"/venues/%lld/register?from=", (long long)venue_id);
        date_value(&r->h, from);
        lnt_html_raw(&r->h, "&amp;to=");
        date_value(&r->h, to);
        lnt_html_raw(&r->h, "\">");
    }
    if (from == to) {
        lnt_html_raw(&r->h, "register, night of ");
        web_date(&r->h, from);
    } else {
        lnt_html_raw(&r->h, "register, nights ");
        web_date(&r->h, from);
        lnt_html_raw(&r->h, " to ");
        web_date(&r->h, to);
    }
    if (link)
        lnt_html_raw(&r->h, "</a>");
}

/* A link to an incident's row in the case file's incident table, shown by its short id. */
static void incident_link(struct web_req *r, int64_t venue_id, const char *report_id)
{
    char short_id[LNT_SCORE_SHORT_ID];

    lnt_score_short_id(report_id, short_id);
    lnt_html_rawf(&r->h, "<a class=\"record\" href=\"/venues/%lld?incidents=all#inc-",
                  (long long)venue_id);
    lnt_html_url(&r->h, report_id);
    lnt_html_raw(&r->h, "\"");
    lnt_html_attr_pair(&r->h, "title", report_id);
    lnt_html_raw(&r->h, ">incident #");
    lnt_html_txt(&r->h, short_id);
    lnt_html_raw(&r->h, "</a>");
}

static void header(struct web_req *r, const struct lnt_venue *v, const struct lnt_score_result *s,
                   bool scored)
{
    lnt_html_raw(&r->h, "<p class=\"crumbs\">");
    if (web_can_see_town(r))
        lnt_html_raw(&r->h, "<a href=\"/\">Overview</a> &#8250; ");
    lnt_html_raw(&r->h, "Case file</p><h1 id=\"venue-name\">");
    lnt_html_txt(&r->h, v->name);
    lnt_html_raw(&r->h, "</h1><div class=\"grid\"><section class=\"panel\"><dl class=\"facts\">"
                        "<dt>Category</dt><dd>");
    lnt_html_txt(&r->h, lnt_venue_category_name(v->category));
    lnt_html_raw(&r->h, "</dd><dt>Area</dt><dd>");
    lnt_html_txt(&r->h, v->area);
    lnt_html_raw(&r->h, "</dd><dt>Licensing authority</dt><dd>");
    lnt_html_txt(&r->h, v->authority[0] != '\0' ? v->authority : "not recorded");
    lnt_html_rawf(&r->h, "</dd><dt>Capacity</dt><dd>%d</dd><dt>Trades</dt><dd>", v->capacity);
    lnt_html_txt(&r->h, v->trading);
    lnt_html_raw(&r->h, "</dd>");
    if (v->closed_at != 0) {
        lnt_html_raw(&r->h, "<dt>Closed</dt><dd>");
        web_time(&r->h, v->closed_at);
        lnt_html_raw(&r->h, "</dd>");
    }
    lnt_html_raw(&r->h, "</dl></section><section class=\"panel\" aria-label=\"Scores\"><dl "
                        "class=\"facts\" id=\"scores\"><dt>Risk band</dt><dd id=\"risk-band\">");
    if (scored)
        web_band_scored(&r->h, s->risk.band, s->risk.scored, s->risk.window_nights);
    else
        web_band(&r->h, LNT_BAND_NONE);
    lnt_html_raw(&r->h, "</dd><dt>Trend</dt><dd>");
    web_trend(&r->h, scored ? s->risk.trend : LNT_TREND_NONE);
    lnt_html_raw(&r->h, "</dd><dt>Best Bar None</dt><dd id=\"bbn-award\">");
    if (!scored)
        lnt_html_raw(&r->h, "not scored");
    else if (!s->bbn.scored)
        lnt_html_txt(&r->h, s->bbn.note);
    else if (s->bbn.award[0] != '\0')
        lnt_html_txt(&r->h, s->bbn.award);
    else
        lnt_html_raw(&r->h, s->bbn.accredited ? "Accredited" : "Not accredited");
    if (scored && s->bbn.scored)
        lnt_html_rawf(&r->h,
                      " <span class=\"muted\">(Essentials %d of %d, Desired %d of %d, "
                      "Bonus %d)</span>",
                      s->bbn.essential_met, s->bbn.essential_total, s->bbn.desired_met,
                      s->bbn.desired_total, s->bbn.bonus_met);
    lnt_html_raw(&r->h, "</dd>");
    if (scored) {
        lnt_html_raw(&r->h, "<dt>Window</dt><dd>");
        web_date(&r->h, s->first_night);
        lnt_html_raw(&r->h, " to ");
        web_date(&r->h, s->last_night);
        lnt_html_raw(&r->h, "</dd><dt>Rules</dt><dd>BBN ");
        lnt_html_txt(&r->h, s->bbn_version);
        lnt_html_raw(&r->h, ", risk ");
        lnt_html_txt(&r->h, s->risk_version);
        lnt_html_raw(&r->h, "</dd>");
    }
    lnt_html_raw(&r->h, "</dl>");
    if (scored && s->risk.review) {
        lnt_html_raw(&r->h, "<p><span class=\"flag\">Consider licence review</span> ");
        web_local_txt(&r->h, s->risk.review_note);
        lnt_html_raw(&r->h, "</p>");
    }
    if (scored && s->risk.low_reporting) {
        lnt_html_raw(&r->h, "<p><span class=\"flag flag-info\">Low reporting</span> ");
        web_local_txt(&r->h, s->risk.low_reporting_note);
        lnt_html_raw(&r->h, "</p>");
    }
    lnt_html_rawf(&r->h,
                  "<p class=\"no-print\"><a class=\"button secondary\" "
                  "href=\"/venues/%lld/evidence.pdf\" id=\"evidence-pdf\">Evidence pack "
                  "(PDF)</a>",
                  (long long)v->id);
    if (web_can_read_register(r)) /* no button that would only answer 403 */
        lnt_html_rawf(&r->h,
                      " <a class=\"button secondary\" href=\"/venues/%lld/register\">"
                      "Door register</a>",
                      (long long)v->id);
    lnt_html_raw(&r->h, "</p></section></div>");
}

static void bbn_section(struct web_req *r, const struct lnt_score_result *s, int64_t venue_id)
{
    const struct lnt_bbn_catalogue *cat = r->web->rules->bbn;

    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"bbn\" aria-labelledby=\"bbn-h\"><h2 "
                        "id=\"bbn-h\">Best Bar None criteria</h2>");
    if (!s->bbn.scored) {
        lnt_html_raw(&r->h, "<p>");
        lnt_html_txt(&r->h, s->bbn.note);
        lnt_html_raw(&r->h, "</p></section>");
        return;
    }
    lnt_html_raw(
        &r->h,
        "<div class=\"table-wrap\"><table id=\"bbn-table\" class=\"cards\" data-sortable=\"1\">"
        "<thead><tr><th scope=\"col\"><a href=\"#bbn\">Criterion</a></th>"
        "<th scope=\"col\"><a href=\"#bbn\">Tier</a></th><th scope=\"col\">"
        "<a href=\"#bbn\">Status</a></th><th scope=\"col\">Evidence</th></tr>"
        "</thead><tbody>");
    for (size_t i = 0; i < s->bbn.n_lines; i++) {
        const struct lnt_bbn_line *ln = &s->bbn.lines[i];
        const struct lnt_bbn_criterion *c = lnt_bbn_catalogue_find(cat, ln->id);
        char anchor[LNT_SCORE_ID_MAX + 8];
        snprintf(anchor, sizeof anchor, "crit-%s", ln->id);
        lnt_html_raw(&r->h, "<tr");
        lnt_html_attr_pair(&r->h, "id", anchor);
        lnt_html_attr_pair(&r->h, "data-criterion", ln->id);
        lnt_html_raw(&r->h, "><td><strong>");
        lnt_html_txt(&r->h, ln->id);
        lnt_html_rawf(&r->h, "</strong> <span class=\"muted\">(section %c)</span><br/>",
                      ln->section >= 'A' && ln->section <= 'F' ? ln->section : '?');
        lnt_html_txt(&r->h, c != NULL ? c->text : "");
        lnt_html_raw(&r->h, "</td><td data-label=\"Tier\">");
        lnt_html_txt(&r->h, lnt_bbn_tier_name(ln->tier));
        lnt_html_raw(&r->h, "</td><td class=\"bbn-status\" data-label=\"Status\">");
        web_bbn_status(&r->h, ln->status);
        lnt_html_raw(&r->h, "</td><td data-label=\"Evidence\">");
        if (ln->metric == LNT_METRIC_FINDING && ln->finding_date != 0) {
            if (ln->finding_id != 0)
                lnt_html_rawf(&r->h, "<a class=\"record\" href=\"#finding-%lld\">",
                              (long long)ln->finding_id);
            lnt_html_raw(&r->h, "Finding of ");
            web_date(&r->h, ln->finding_date);
            lnt_html_raw(&r->h, ln->finding_id != 0 ? "</a>, valid to " : ", valid to ");
            web_date(&r->h, ln->finding_until);
            lnt_html_raw(&r->h, ". ");
        }
        web_local_txt(&r->h, ln->note);
        if (ln->metric != LNT_METRIC_FINDING && ln->first != 0 && ln->last >= ln->first) {
            lnt_html_raw(&r->h, "<br/>");
            register_link(r, venue_id, ln->first, ln->last);
        }
        lnt_html_raw(&r->h, "</td></tr>\n");
    }
    lnt_html_raw(&r->h, "</tbody></table></div></section>");
}

static void risk_section(struct web_req *r, const struct lnt_score_result *s, int64_t venue_id)
{
    char total[32], pts[32];

    lnt_score_milli_format(s->risk.total_milli, total);
    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"risk\" aria-labelledby=\"risk-h\"><h2 "
                        "id=\"risk-h\">Licensing risk</h2><p>");
    web_band_scored(&r->h, s->risk.band, s->risk.scored, s->risk.window_nights);
    lnt_html_raw(&r->h, " <strong id=\"risk-total\">");
    lnt_html_txt(&r->h, total);
    lnt_html_raw(&r->h, " points</strong>. Band from points: ");
    web_band(&r->h, s->risk.points_band);
    if (s->risk.cap_band != LNT_BAND_NONE) {
        lnt_html_raw(&r->h, "; at least ");
        web_band(&r->h, s->risk.cap_band);
        lnt_html_raw(&r->h, " because ");
        web_local_txt(&r->h, s->risk.cap_cause);
    }
    lnt_html_rawf(&r->h,
                  ".</p><p class=\"muted\">%d trading nights, %d with a silent kiosk; "
                  "%d incidents; exposure %lld capacity-nights.</p>",
                  s->risk.trading_nights, s->risk.silent_nights, s->risk.incidents,
                  (long long)s->risk.exposure);
    lnt_html_rawf(&r->h,
                  "<details class=\"data\"%s><summary>Every point, line by line (%zu "
                  "lines)</summary>",
                  s->risk.n_parts <= 12 ? " open=\"open\"" : "", s->risk.n_parts);
    lnt_html_raw(&r->h, "<div class=\"table-wrap\"><table id=\"risk-parts\"><thead><tr><th "
                        "scope=\"col\">Kind</th><th scope=\"col\">What</th><th scope=\"col\">Why"
                        "</th><th scope=\"col\" class=\"num\">Points</th></tr></thead><tbody>");
    for (size_t i = 0; i < s->risk.n_parts; i++) {
        const struct lnt_risk_part *p = &s->risk.parts[i];
        char anchor[sizeof p->ref + 8];
        int32_t night = 0;
        lnt_score_milli_format(p->points_milli, pts);
        lnt_html_raw(&r->h, "<tr><td>");
        lnt_html_txt(&r->h, lnt_risk_part_kind_name(p->kind));
        lnt_html_raw(&r->h, "</td><td class=\"ref\">");
        switch (lnt_risk_part_link(p, &night)) {
        case LNT_LINK_INCIDENT:
            incident_link(r, venue_id, p->ref);
            break;
        case LNT_LINK_NIGHT:
            register_link(r, venue_id, night, night);
            break;
        case LNT_LINK_CRITERION:
            snprintf(anchor, sizeof anchor, "crit-%s", p->ref);
            lnt_html_raw(&r->h, "<a class=\"record\" href=\"#");
            lnt_html_url(&r->h, anchor);
            lnt_html_raw(&r->h, "\">");
            lnt_html_txt(&r->h, p->ref);
            lnt_html_raw(&r->h, "</a>");
            break;
        default:
            lnt_html_txt(&r->h, p->ref);
            break;
        }
        lnt_html_raw(&r->h, "</td><td>");
        web_local_txt(&r->h, p->cause);
        web_score_people(r, s, p);
        if (p->kind == LNT_PART_INCIDENT) {
            char base[32], dec[32], mit[32];
            lnt_score_milli_format(p->base_milli, base);
            lnt_score_milli_format(p->decayed_milli, dec);
            lnt_score_milli_format(p->mitigated_milli, mit);
            lnt_html_rawf(&r->h,
                          "<br/><span class=\"muted\">base %s, %d nights old: %s after "
                          "decay, %s after handling credit</span>",
                          base, p->age, dec, mit);
        } else if (p->count > 0) {
            char unit[32];
            lnt_score_milli_format(p->unit_milli, unit);
            lnt_html_rawf(&r->h, "<br/><span class=\"muted\">%lld &#215; %s</span>",
                          (long long)p->count, unit);
        }
        lnt_html_rawf(&r->h, "</td><td class=\"num\">%s</td></tr>\n", pts);
    }
    if (s->risk.n_parts == 0)
        lnt_html_raw(&r->h, "<tr><td colspan=\"4\" class=\"empty\">Nothing counted against "
                            "this venue in the window.</td></tr>");
    lnt_html_rawf(&r->h,
                  "</tbody><tfoot><tr><th scope=\"row\" colspan=\"3\">Total</th><td "
                  "class=\"num\"><strong>%s</strong></td></tr></tfoot></table></div>"
                  "</details></section>",
                  total);
}

/* "Open details" named for a screen reader: the report's kind, time and the start of its id. */
static void details_button(struct lnt_html *h, const struct lnt_incident *x)
{
    char when[48], label[160];

    web_time_text(x->occurred_at, when, sizeof when);
    snprintf(label, sizeof label, "Open details: %s, %s, report %.8s",
             web_incident_words(WEB_INC_KIND, x->kind), when, x->report_id);
    lnt_html_raw(h, "<button type=\"submit\" class=\"secondary open-details\" aria-label=\"");
    lnt_html_attr(h, label);
    lnt_html_raw(h, "\">Open details</button></form>");
}

/*
 * The venue's incidents from the first night of the scoring window, newest
 * first. The window ends with the last finished night (`last`): an incident
 * of tonight's unfinished night is listed, marked as not yet in the window.
 * Each row carries its report's short id and an anchor (inc-<report id>) the
 * score lines link to.
 */
static void incidents_section(struct web_req *r, const struct lnt_venue *v, int32_t first,
                              int32_t last)
{
    struct lnt_incident_filter f = {0};
    struct lnt_incident *inc = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    bool can_open = web_can_open_incidents(r);
    bool all = web_query(r, "incidents") != NULL;

    f.venue_id = v->id;
    f.from = web_night_start(first);
    f.to = r->now + 1; /* as at a past date, nothing after it */
    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"incidents\" aria-labelledby=\"inc-h\">"
                        "<h2 id=\"inc-h\">Incidents</h2>");
    if (lnt_store_incident_list(r->web->store, &f, 0, all ? INCIDENTS_ALL : INCIDENTS_SHOWN + 1,
                                &inc, &n, err) != LNT_OK) {
        lnt_error("dashboard: incidents: %s", err);
        lnt_html_raw(&r->h, "<p class=\"empty\">The incidents could not be read.</p></section>");
        return;
    }
    lnt_html_raw(&r->h, "<p class=\"muted\" id=\"incident-window\">Newest first, from the "
                        "scoring window's first night. The window (");
    web_date(&r->h, first);
    lnt_html_raw(&r->h, " to ");
    web_date(&r->h, last);
    lnt_html_raw(&r->h,
                 ") ends with the last finished night: an incident of tonight's night is "
                 "listed but counts only once the night is over. Ref is the start of the "
                 "report id, as the score lines print it. Details are sealed on the kiosk; ");
    lnt_html_raw(&r->h, can_open ? "opening them is recorded in the audit log.</p>"
                                 : "your role cannot open them.</p>");
    lnt_html_raw(
        &r->h,
        "<div class=\"table-wrap\"><table id=\"incident-table\" class=\"cards\"><thead><tr><th "
        "scope=\"col\">Ref</th><th scope=\"col\">When</th><th scope=\"col\">Type</th><th "
        "scope=\"col\" class=\"num\">Severity</th><th scope=\"col\">Place</th><th "
        "scope=\"col\">Handling</th><th scope=\"col\">Details</th></tr></thead>"
        "<tbody>");
    for (size_t i = 0; i < n && (all || i < INCIDENTS_SHOWN); i++) {
        const struct lnt_incident *x = &inc[i];
        bool in_window = lnt_night_of(x->occurred_at) <= last;
        char short_id[LNT_SCORE_SHORT_ID], anchor[sizeof x->report_id + 8];
        lnt_score_short_id(x->report_id, short_id);
        snprintf(anchor, sizeof anchor, "inc-%s", x->report_id);
        lnt_html_raw(&r->h, "<tr");
        lnt_html_attr_pair(&r->h, "id", anchor);
        lnt_html_rawf(&r->h, " data-window=\"%s\"><td class=\"ref\" data-label=\"Ref\"><code",
                      in_window ? "in" : "tonight");
        lnt_html_attr_pair(&r->h, "title", x->report_id);
        lnt_html_raw(&r->h, ">#");
        lnt_html_txt(&r->h, short_id);
        lnt_html_raw(&r->h, "</code></td><td data-label=\"When\">");
        web_time(&r->h, x->occurred_at);
        if (!in_window)
            lnt_html_raw(&r->h, "<br/><span class=\"status st-not_evidenced\">tonight: not yet "
                                "in the scoring window</span>");
        lnt_html_raw(&r->h, "</td><td data-label=\"Type\">");
        lnt_html_txt(&r->h, web_incident_words(WEB_INC_KIND, x->kind));
        lnt_html_rawf(&r->h,
                      "</td><td class=\"num\" data-label=\"Severity\">%d</td><td "
                      "data-label=\"Place\">",
                      x->severity);
        lnt_html_txt(&r->h, web_incident_words(WEB_INC_PLACE, x->place));
        lnt_html_raw(&r->h, "</td><td data-label=\"Handling\">");
        lnt_html_txt(&r->h, x->outcome[0] != '\0' ? web_incident_words(WEB_INC_OUTCOME, x->outcome)
                                                  : "No outcome yet");
        lnt_html_rawf(&r->h,
                      "<br/><span class=\"muted\">police %s &#183; protocol %s &#183; "
                      "recorded %s</span>",
                      x->police_called ? "called" : "not called",
                      x->complete ? "complete" : "open, to finish on the kiosk",
                      x->within_hour ? "within the hour" : "late");
        lnt_html_raw(&r->h, "</td><td data-label=\"Details\">");
        if (!x->has_details) {
            lnt_html_raw(&r->h, "<span class=\"muted\">none held</span>");
        } else if (can_open) {
            lnt_html_rawf(&r->h,
                          "<form method=\"post\" class=\"inline\" action=\"/venues/%lld/"
                          "incidents/",
                          (long long)v->id);
            lnt_html_url(&r->h, x->report_id);
            lnt_html_raw(&r->h, "/open\">");
            web_csrf_field(r);
            details_button(&r->h, x);
        } else {
            lnt_html_raw(&r->h, "<span class=\"sealed\">sealed</span>");
        }
        lnt_html_raw(&r->h, "</td></tr>\n");
    }
    if (n == 0)
        lnt_html_raw(&r->h, "<tr><td colspan=\"7\" class=\"empty\">No incidents in the "
                            "window.</td></tr>");
    lnt_html_raw(&r->h, "</tbody></table></div>");
    if (!all && n > INCIDENTS_SHOWN)
        lnt_html_rawf(&r->h,
                      "<p><a href=\"/venues/%lld?incidents=all#incidents\" "
                      "id=\"all-incidents\">Every incident in the window</a></p>",
                      (long long)v->id);
    lnt_html_raw(&r->h, "</section>");
    free(inc);
}

void web_badge_flag(struct lnt_html *h, enum lnt_signin_flag f)
{
    if (f == LNT_SIGNIN_REVOKED)
        lnt_html_raw(h, "<span class=\"status st-not_met\">revoked before this sign-in</span>");
    else if (f == LNT_SIGNIN_UNKNOWN_SERIAL)
        lnt_html_raw(h, "<span class=\"status st-not_met\">never issued by the scheme</span>");
    else
        lnt_html_raw(h, "<span class=\"muted\">issued</span>");
}

void web_training_missing(struct lnt_html *h, uint32_t missing)
{
    bool first = true;

    if (missing == 0)
        return;
    lnt_html_raw(h, " <span class=\"status st-not_met\">required, missing at sign-in: ");
    for (int c = LNT_COURSE_BYSTANDER; c <= LNT_COURSE__MAX; c++) {
        if ((missing & LNT_COURSE_BIT(c)) == 0)
            continue;
        lnt_html_raw(h, first ? "" : ", ");
        lnt_html_txt(h, lnt_course_name((enum lnt_course)c));
        first = false;
    }
    lnt_html_raw(h, "</span>");
}

/* What each kind of flag means, for a reader of the case file. */
static const char *flag_text(enum lnt_flag_kind k)
{
    switch (k) {
    case LNT_FLAG_COPIED_BADGE:
        return "Badge on shift at two venues at once";
    case LNT_FLAG_UNMATCHED_SIGN_OUT:
        return "Sign-out with no sign-in";
    case LNT_FLAG_UNMATCHED_SHIFT_END:
        return "Volunteer shift ended without a start";
    case LNT_FLAG_SEQ_GAP:
        return "Kiosk records missing (sequence gap)";
    case LNT_FLAG_SEQ_BACKWARDS:
        return "Kiosk sequence went backwards";
    case LNT_FLAG_CONFLICT:
        return "Record sent again with different content (kept aside)";
    case LNT_FLAG_REVOKED_BADGE:
        return "Sign-in with a revoked badge";
    case LNT_FLAG_UNKNOWN_SERIAL:
        return "Sign-in with a badge the scheme never issued";
    case LNT_FLAG_UNIDENTIFIED_STAFF:
        return "Report saved without a badge while the kiosk's camera was down";
    case LNT_FLAG_DOOR_REFUSED:
        return "Door supervisor without a valid SIA licence: not signed in on the door";
    case LNT_FLAG_SIA_NOT_VALID:
        return "Door supervisor signed in without a valid SIA licence";
    default:
        return "Anomaly";
    }
}

/* Flags raised at the venue (or naming it) over the window, newest first. */
static void flags_section(struct web_req *r, const struct lnt_venue *v, int32_t first)
{
    struct lnt_flag *fl = NULL;
    size_t n = 0;

    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"flags\" aria-labelledby=\"fl-h\"><h2 "
                        "id=\"fl-h\">Records to check</h2>");
    if (lnt_store_flag_list(r->web->store, v->id, 0, web_night_start(first), 0, 0, FLAGS_SHOWN, &fl,
                            &n, NULL) != LNT_OK) {
        lnt_html_raw(&r->h, "<p class=\"empty\">Flags could not be read.</p></section>");
        return;
    }
    if (n == 0) {
        lnt_html_raw(&r->h, "<p class=\"empty\">Nothing flagged in the window.</p></section>");
        return;
    }
    lnt_html_raw(&r->h, "<div class=\"table-wrap\"><table id=\"flag-table\"><thead><tr><th "
                        "scope=\"col\">When</th><th scope=\"col\">What</th><th "
                        "scope=\"col\">Staff</th><th scope=\"col\">Badge</th><th "
                        "scope=\"col\">Kiosk</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        lnt_html_rawf(&r->h, "<tr data-kind=\"%s\"><td>", lnt_flag_kind_name(fl[i].kind));
        web_time(&r->h, fl[i].at);
        lnt_html_raw(&r->h, "</td><td><span class=\"flag\">");
        lnt_html_txt(&r->h, flag_text(fl[i].kind));
        lnt_html_raw(&r->h, "</span>");
        if (fl[i].other_venue_id != 0)
            lnt_html_rawf(
                &r->h, " <span class=\"muted\">(with venue #%lld)</span>",
                (long long)(fl[i].other_venue_id != v->id ? fl[i].other_venue_id : fl[i].venue_id));
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, fl[i].staff_id);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, fl[i].serial);
        lnt_html_rawf(&r->h, "</td><td>#%lld, seq %lld</td></tr>", (long long)fl[i].kiosk_id,
                      (long long)fl[i].seq);
    }
    lnt_html_raw(&r->h, "</tbody></table></div>");
    if (n == FLAGS_SHOWN)
        lnt_html_rawf(&r->h,
                      "<p class=\"muted\">The latest %d; the rest are in "
                      "<code>/api/v1/flags</code>.</p>",
                      FLAGS_SHOWN);
    lnt_html_raw(&r->h, "</section>");
    free(fl);
}

static void register_preview(struct web_req *r, const struct lnt_venue *v, int32_t last)
{
    int32_t from = web_query_date(r, "reg_from", last - 6), to = web_query_date(r, "reg_to", last);

    lnt_html_rawf(&r->h,
                  "<section class=\"panel\" id=\"register\" aria-labelledby=\"reg-h\">"
                  "<h2 id=\"reg-h\">Door-supervisor register</h2><form method=\"get\" "
                  "class=\"filters\" action=\"/venues/%lld/register\"><div><label "
                  "for=\"reg-from\">First night</label><input type=\"date\" id=\"reg-from\" "
                  "name=\"from\" value=\"",
                  (long long)v->id);
    date_value(&r->h, from);
    lnt_html_raw(&r->h, "\"/></div><div><label for=\"reg-to\">Last night</label><input "
                        "type=\"date\" id=\"reg-to\" name=\"to\" value=\"");
    date_value(&r->h, to);
    lnt_html_raw(&r->h, "\"/></div><div><button type=\"submit\" id=\"show-register\">Show the "
                        "register</button></div></form><p class=\"muted\">Every sign-in and "
                        "sign-out with the SIA licence seen, ready to print for an "
                        "inspection.</p></section>");
}

static void finding_form(struct web_req *r, const struct lnt_venue *v)
{
    const struct lnt_bbn_catalogue *cat = r->web->rules != NULL ? r->web->rules->bbn : NULL;
    struct lnt_finding *f = NULL;
    size_t n = 0;

    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"findings\" aria-labelledby=\"f-h\"><h2 "
                        "id=\"f-h\">Assessor findings</h2>");
    if (web_query(r, "saved") != NULL)
        lnt_html_raw(&r->h, "<div class=\"notice ok\" role=\"status\" id=\"finding-saved\">The "
                            "finding was recorded and the scores above include it.</div>");
    if (cat != NULL && web_can_record_findings(r) && v->closed_at == 0) {
        lnt_html_rawf(&r->h,
                      "<form method=\"post\" action=\"/venues/%lld/findings\" "
                      "id=\"finding-form\" class=\"no-print\">",
                      (long long)v->id);
        web_csrf_field(r);
        lnt_html_raw(&r->h, "<div class=\"field\"><label for=\"criterion\">Criterion</label>"
                            "<select id=\"criterion\" name=\"criterion\" required=\"required\">");
        for (size_t i = 0; i < cat->n_criteria; i++) {
            const struct lnt_bbn_criterion *c = &cat->criteria[i];
            char label[96];
            size_t len;
            if (c->metric != LNT_METRIC_FINDING)
                continue;
            lnt_html_raw(&r->h, "<option");
            lnt_html_attr_pair(&r->h, "value", c->id);
            lnt_html_raw(&r->h, ">");
            lnt_html_txt(&r->h, c->id);
            lnt_html_raw(&r->h, ": ");
            len = strlen(c->text) < 80 ? strlen(c->text) : 80;
            while (len > 0 && len < strlen(c->text) && ((unsigned char)c->text[len] & 0xc0) == 0x80)
                len--;
            snprintf(label, sizeof label, "%.*s%s", (int)len, c->text,
                     len < strlen(c->text) ? "..." : "");
            lnt_html_txt(&r->h, label);
            lnt_html_raw(&r->h, "</option>");
        }
        lnt_html_raw(&r->h, "</select></div><fieldset class=\"radios\"><legend>Finding</legend>"
                            "<label><input type=\"radio\" name=\"met\" value=\"1\" id=\"met-yes\" "
                            "checked=\"checked\"/> Met</label><label><input type=\"radio\" "
                            "name=\"met\" value=\"0\" id=\"met-no\"/> Not met</label></fieldset>"
                            "<div class=\"field\"><label for=\"evidence\">Evidence seen</label>"
                            "<textarea id=\"evidence\" name=\"evidence\" maxlength=\"2000\">"
                            "</textarea></div><div class=\"field\"><label for=\"found-on\">Date of "
                            "the assessment</label><input type=\"date\" id=\"found-on\" "
                            "name=\"found_on\" value=\"");
        date_value(&r->h, lnt_london_date(r->now));
        lnt_html_raw(&r->h, "\"/></div><button type=\"submit\" id=\"record-finding\">Record the "
                            "finding</button></form>");
    }
    if (lnt_store_finding_list(r->web->store, v->id, &f, &n, NULL) == LNT_OK && n > 0) {
        lnt_html_raw(&r->h, "<h3>Recorded</h3><div class=\"table-wrap\"><table "
                            "id=\"finding-table\"><thead><tr><th scope=\"col\">Date</th><th "
                            "scope=\"col\">Criterion</th><th scope=\"col\">Finding</th><th "
                            "scope=\"col\">Evidence</th><th scope=\"col\">Assessor</th><th "
                            "scope=\"col\">Valid to</th></tr></thead><tbody>");
        for (size_t i = 0; i < n; i++) {
            lnt_html_rawf(&r->h, "<tr id=\"finding-%lld\"><td>", (long long)f[i].id);
            web_date(&r->h, f[i].found_on);
            lnt_html_raw(&r->h, "</td><td>");
            lnt_html_txt(&r->h, f[i].criterion);
            lnt_html_raw(&r->h, "</td><td>");
            web_bbn_status(&r->h, f[i].met ? LNT_BBN_MET : LNT_BBN_NOT_MET);
            lnt_html_raw(&r->h, "</td><td>");
            lnt_html_txt(&r->h, f[i].evidence);
            lnt_html_raw(&r->h, "</td><td>");
            lnt_html_txt(&r->h, f[i].assessor);
            lnt_html_raw(&r->h, "</td><td>");
            web_date(&r->h, f[i].valid_until);
            lnt_html_raw(&r->h, "</td></tr>");
        }
        lnt_html_raw(&r->h, "</tbody></table></div>");
    } else if (!web_can_record_findings(r)) {
        lnt_html_raw(&r->h, "<p class=\"empty\">No findings recorded.</p>");
    }
    free(f);
    lnt_html_rawf(&r->h,
                  "<p class=\"no-print\"><a href=\"/exports/findings.csv?venue=%lld\">"
                  "Findings as CSV</a></p></section>",
                  (long long)v->id);
}

void web_venue(struct web_req *r)
{
    struct lnt_venue v;
    struct lnt_score_result s;
    char err[LNT_ERRBUF_SIZE] = "";
    bool scored = false;
    int32_t first, last;
    int64_t id;

    memset(&s, 0, sizeof s);
    if (!web_param_id(r, 0, &id) || !web_venue_in_scope(r, id, &v))
        return;
    web_window(r->web, r->now, &first, &last);
    if (r->web->rules != NULL) {
        if (web_score_venue(r->web, &v, r->now, &s, err) == LNT_OK)
            scored = true;
        else
            lnt_warn("dashboard: venue %lld: scoring: %s", (long long)id, err);
    }
    /* the page lists the venue's incidents, door register and staff: one audit row for it all */
    {
        char object[32];
        snprintf(object, sizeof object, "venue %lld", (long long)id);
        web_audit(r, "venue.view", object, "incidents, door register, staff training");
    }
    web_page_begin(r, v.name, r->officer.scope.venue_id != 0 ? "venue" : "overview");
    header(r, &v, &s, scored);
    if (scored) {
        web_score_summary(r, &s);
        bbn_section(r, &s, v.id);
        risk_section(r, &s, v.id);
    } else {
        lnt_html_raw(&r->h, "<div class=\"notice error\">This venue could not be scored");
        if (err[0] != '\0') {
            lnt_html_raw(&r->h, ": ");
            lnt_html_txt(&r->h, err);
        }
        lnt_html_raw(&r->h, ".</div>");
    }
    incidents_section(r, &v, first, last);
    web_casework_section(r, &v);
    flags_section(r, &v, first);
    if (web_can_read_register(r))
        register_preview(r, &v, last);
    lnt_html_raw(&r->h, "<div class=\"grid\">");
    web_venue_stock(r, &v);
    web_venue_kiosks(r, &v);
    lnt_html_raw(&r->h, "</div>");
    web_venue_training_section(r, &v);
    finding_form(r, &v);
    {
        struct lnt_rollup_scope scope = {.venue_id = v.id};
        web_period_compare(r, &scope, &v);
    }
    web_page_end(r, 200);
    lnt_score_result_release(&s);
}
