/* web_pdf.c - a venue's evidence pack as a PDF (cairo): the case file, ready for a licence review.
 */
#include "web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "log.h"
#include "ltime.h"
#include "night.h"

#define PAGE_W 595.0 /* A4 in points */
#define PAGE_H 842.0
#define MARGIN 50.0
#define FONT "DejaVu Sans"
#define PDF_MAX (8u << 20)
#define INCIDENTS_IN_PACK 200

struct pdf {
    cairo_surface_t *surface;
    cairo_t *cr;
    struct lnt_buf *out;
    double y;
    int page;
    char footer[160];
};

static cairo_status_t pdf_write(void *ctx, const unsigned char *data, unsigned int len)
{
    return lnt_buf_append(ctx, data, len) == LNT_OK ? CAIRO_STATUS_SUCCESS
                                                    : CAIRO_STATUS_WRITE_ERROR;
}

static void footer(struct pdf *p)
{
    char text[200];
    cairo_select_font_face(p->cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(p->cr, 8);
    cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
    snprintf(text, sizeof text, "%s - page %d", p->footer, p->page);
    cairo_move_to(p->cr, MARGIN, PAGE_H - 25);
    cairo_show_text(p->cr, text);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void need(struct pdf *p, double h)
{
    if (p->y + h <= PAGE_H - MARGIN)
        return;
    footer(p);
    cairo_show_page(p->cr);
    p->page++;
    p->y = MARGIN;
}

/* Writes `text` wrapped to `width` at x, in `size` points, bold or not, advancing y. */
static void text(struct pdf *p, double x, double width, const char *s, double size, bool bold)
{
    char line[512];
    size_t start = 0, n = strlen(s);

    cairo_select_font_face(p->cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(p->cr, size);
    while (start < n) {
        size_t end = start, best = 0;
        cairo_text_extents_t ext;
        /* the longest run of whole words that fits */
        while (end < n && end - start < sizeof line - 1) {
            size_t next = end;
            while (next < n && s[next] != ' ')
                next++;
            if (next - start >= sizeof line)
                break;
            memcpy(line, s + start, next - start);
            line[next - start] = '\0';
            cairo_text_extents(p->cr, line, &ext);
            if (ext.x_advance > width && best > 0)
                break;
            best = next - start;
            end = next < n ? next + 1 : next;
            if (ext.x_advance > width)
                break;
        }
        if (best == 0)
            best = n - start < sizeof line - 1 ? n - start : sizeof line - 1;
        while (best > 0 && best < n - start && ((unsigned char)s[start + best] & 0xc0) == 0x80)
            best--;
        memcpy(line, s + start, best);
        line[best] = '\0';
        need(p, size * 1.35);
        cairo_move_to(p->cr, x, p->y + size);
        cairo_show_text(p->cr, line);
        p->y += size * 1.35;
        start += best;
        while (start < n && s[start] == ' ')
            start++;
    }
}

static void heading(struct pdf *p, const char *s)
{
    need(p, 40);
    p->y += 10;
    text(p, MARGIN, PAGE_W - 2 * MARGIN, s, 13, true);
    cairo_set_line_width(p->cr, 0.6);
    cairo_move_to(p->cr, MARGIN, p->y + 2);
    cairo_line_to(p->cr, PAGE_W - MARGIN, p->y + 2);
    cairo_stroke(p->cr);
    p->y += 8;
}

/* Two columns: a label and its value. */
static void fact(struct pdf *p, const char *label, const char *value)
{
    double y = p->y;
    text(p, MARGIN, 130, label, 9.5, true);
    p->y = y;
    text(p, MARGIN + 140, PAGE_W - 2 * MARGIN - 140, value, 9.5, false);
}

/* Times, dates and score text in common/night.h's one human form, as on the pages. */
static void fmt_time(int64_t t, char *out, size_t size)
{
    char local[LNT_LOCAL_TIME_STRLEN];

    if (t <= 0 || lnt_local_time_format(t, local) != LNT_OK)
        lnt_str_copy(out, size, "never");
    else
        lnt_str_copy(out, size, local);
}

static void fmt_date(int32_t days, char out[LNT_LOCAL_DATE_STRLEN])
{
    if (days <= 0 || lnt_local_date_format(days, out) != LNT_OK)
        lnt_str_copy(out, LNT_LOCAL_DATE_STRLEN, "none");
}

static const char *fmt_text(const char *text, char *out, size_t size)
{
    (void)lnt_local_text(text, out, size); /* cut to fit: the buffers hold twice a line */
    return out;
}

static const char *band_word(enum lnt_band b)
{
    return b == LNT_BAND_GREEN   ? "GREEN"
           : b == LNT_BAND_AMBER ? "AMBER"
           : b == LNT_BAND_RED   ? "RED"
                                 : "not scored";
}

static const char *status_word(enum lnt_bbn_status s)
{
    return s == LNT_BBN_MET             ? "MET"
           : s == LNT_BBN_NOT_MET       ? "NOT MET"
           : s == LNT_BBN_NOT_EVIDENCED ? "NOT EVIDENCED"
                                        : "NOT APPLICABLE";
}

/* A paragraph across the page's full width. */
static void para(struct pdf *p, const char *s, double size, bool bold)
{
    text(p, MARGIN, PAGE_W - 2 * MARGIN, s, size, bold);
}

/* The title, who prepared the pack, and the venue's register entry. */
static void pack_venue(struct web_req *r, struct pdf *p, const struct lnt_venue *v)
{
    char buf[LNT_EVIDENCE_MAX + 600], when[LNT_LOCAL_TIME_STRLEN];

    para(p, "Lantern evidence pack", 10, false);
    para(p, v->name, 20, true);
    fmt_time(r->now, when, sizeof when);
    snprintf(buf, sizeof buf,
             "Prepared %s by %s for a licence review or a Best Bar "
             "None assessment.",
             when, r->officer.name);
    para(p, buf, 9, false);

    heading(p, "The venue");
    snprintf(buf, sizeof buf, "%lld", (long long)v->id);
    fact(p, "Venue number", buf);
    fact(p, "Category", lnt_venue_category_name(v->category));
    fact(p, "Area", v->area);
    fact(p, "Licensing authority", v->authority[0] != '\0' ? v->authority : "not recorded");
    snprintf(buf, sizeof buf, "%d", v->capacity);
    fact(p, "Capacity", buf);
    fact(p, "Trades", v->trading);
}

/* The scores in brief: window, risk band and points, Best Bar None, flags. */
static void pack_summary(struct pdf *p, const struct lnt_score_result *s)
{
    char buf[LNT_EVIDENCE_MAX + 600], total[32], d1[LNT_LOCAL_DATE_STRLEN],
        d2[LNT_LOCAL_DATE_STRLEN], cap[2 * LNT_SCORE_TEXT_MAX];

    fmt_date(s->first_night, d1);
    fmt_date(s->last_night, d2);
    snprintf(buf, sizeof buf, "nights %s to %s (BBN rules %s, risk rules %s)", d1, d2,
             s->bbn_version, s->risk_version);
    fact(p, "Window", buf);
    lnt_score_milli_format(s->risk.total_milli, total);
    snprintf(buf, sizeof buf, "%s, %s points (band from points: %s); trend %s%s%s%s%s",
             band_word(s->risk.band), total, band_word(s->risk.points_band),
             lnt_trend_name(s->risk.trend), s->risk.cap_band != LNT_BAND_NONE ? "; at least " : "",
             s->risk.cap_band != LNT_BAND_NONE ? band_word(s->risk.cap_band) : "",
             s->risk.cap_band != LNT_BAND_NONE ? " because " : "",
             s->risk.cap_band != LNT_BAND_NONE ? fmt_text(s->risk.cap_cause, cap, sizeof cap) : "");
    fact(p, "Licensing risk", buf);
    if (!s->bbn.scored)
        snprintf(buf, sizeof buf, "%s", s->bbn.note);
    else
        snprintf(buf, sizeof buf, "%s; Essentials %d of %d, Desired %d of %d, Bonus %d",
                 s->bbn.award[0] != '\0' ? s->bbn.award
                 : s->bbn.accredited     ? "accredited"
                                         : "not accredited",
                 s->bbn.essential_met, s->bbn.essential_total, s->bbn.desired_met,
                 s->bbn.desired_total, s->bbn.bonus_met);
    fact(p, "Best Bar None", buf);
    if (s->risk.review)
        fact(p, "Flag", fmt_text(s->risk.review_note, cap, sizeof cap));
    if (s->risk.low_reporting)
        fact(p, "Flag", fmt_text(s->risk.low_reporting_note, cap, sizeof cap));
}

/* Each Best Bar None criterion: its text, its status and what the kiosk saw. */
static void pack_criteria(struct web_req *r, struct pdf *p, const struct lnt_score_result *s)
{
    char buf[LNT_EVIDENCE_MAX + 600], note[2 * LNT_SCORE_TEXT_MAX];

    heading(p, "Best Bar None criteria");
    for (size_t i = 0; i < s->bbn.n_lines; i++) {
        const struct lnt_bbn_line *ln = &s->bbn.lines[i];
        const struct lnt_bbn_criterion *c = lnt_bbn_catalogue_find(r->web->rules->bbn, ln->id);
        snprintf(buf, sizeof buf, "%s (%s) - %s", ln->id, lnt_bbn_tier_name(ln->tier),
                 status_word(ln->status));
        need(p, 30);
        para(p, buf, 9.5, true);
        if (c != NULL)
            text(p, MARGIN + 12, PAGE_W - 2 * MARGIN - 12, c->text, 9, false);
        if (ln->metric != LNT_METRIC_FINDING && ln->den > 0) {
            snprintf(buf, sizeof buf, "%lld of %lld (needs %d%%). %s", (long long)ln->num,
                     (long long)ln->den, ln->threshold_pct, fmt_text(ln->note, note, sizeof note));
            text(p, MARGIN + 12, PAGE_W - 2 * MARGIN - 12, buf, 9, false);
        } else if (ln->note[0] != '\0') {
            text(p, MARGIN + 12, PAGE_W - 2 * MARGIN - 12, fmt_text(ln->note, note, sizeof note), 9,
                 false);
        }
        p->y += 3;
    }
}

/* Every line of the risk points, and their total. */
static void pack_risk(struct pdf *p, const struct lnt_score_result *s)
{
    char buf[LNT_EVIDENCE_MAX + 600], pts[32], ref[48], cause[2 * LNT_SCORE_TEXT_MAX];

    heading(p, "Risk points, line by line");
    for (size_t i = 0; i < s->risk.n_parts; i++) {
        const struct lnt_risk_part *rp = &s->risk.parts[i];
        lnt_score_milli_format(rp->points_milli, pts);
        if (lnt_risk_part_link(rp, NULL) == LNT_LINK_INCIDENT) {
            char short_id[LNT_SCORE_SHORT_ID];
            lnt_score_short_id(rp->ref, short_id);
            snprintf(ref, sizeof ref, "#%s", short_id);
        } else {
            fmt_text(rp->ref, ref, sizeof ref);
        }
        snprintf(buf, sizeof buf, "%s points - %s %s: %s", pts, lnt_risk_part_kind_name(rp->kind),
                 ref, fmt_text(rp->cause, cause, sizeof cause));
        para(p, buf, 9, false);
    }
    if (s->risk.n_parts == 0)
        para(p, "Nothing counted against this venue.", 9, false);
    lnt_score_milli_format(s->risk.total_milli, pts);
    snprintf(buf, sizeof buf, "Total: %s points.", pts);
    para(p, buf, 9.5, true);
}

/* The incidents of the window (of the last 90 nights without a score), summary rows only. */
static void pack_incidents(struct web_req *r, struct pdf *p, const struct lnt_venue *v,
                           const struct lnt_score_result *s, bool scored)
{
    char buf[LNT_EVIDENCE_MAX + 600], when[LNT_LOCAL_TIME_STRLEN], short_id[LNT_SCORE_SHORT_ID];
    struct lnt_incident_filter f = {0};
    struct lnt_incident *inc = NULL;
    size_t n = 0;

    heading(p, "Incidents in the window (sealed details not included)");
    f.venue_id = v->id;
    f.from = web_night_start(scored ? s->first_night : lnt_night_of(r->now) - 90);
    if (lnt_store_incident_list(r->web->store, &f, 0, INCIDENTS_IN_PACK, &inc, &n, NULL) ==
        LNT_OK) {
        for (size_t i = 0; i < n; i++) {
            fmt_time(inc[i].occurred_at, when, sizeof when);
            lnt_score_short_id(inc[i].report_id, short_id);
            snprintf(buf, sizeof buf,
                     "#%s  %s  %s, severity %d, %s. Outcome: %s. Police %s; protocol "
                     "%s; recorded %s.",
                     short_id, when, web_incident_words(WEB_INC_KIND, inc[i].kind), inc[i].severity,
                     web_incident_words(WEB_INC_PLACE, inc[i].place),
                     inc[i].outcome[0] != '\0' ? web_incident_words(WEB_INC_OUTCOME, inc[i].outcome)
                                               : "none yet",
                     inc[i].police_called ? "called" : "not called",
                     inc[i].complete ? "complete" : "open",
                     inc[i].within_hour ? "within the hour" : "late");
            para(p, buf, 9, false);
        }
        if (n == 0)
            para(p, "None.", 9, false);
    }
    free(inc);
}

/* The assessors' findings on record, with their evidence. */
static void pack_findings(struct web_req *r, struct pdf *p, const struct lnt_venue *v)
{
    char buf[LNT_EVIDENCE_MAX + 600], d1[LNT_LOCAL_DATE_STRLEN], d2[LNT_LOCAL_DATE_STRLEN];
    struct lnt_finding *fnd = NULL;
    size_t n = 0;

    heading(p, "Assessor findings");
    if (lnt_store_finding_list(r->web->store, v->id, &fnd, &n, NULL) == LNT_OK) {
        for (size_t i = 0; i < n; i++) {
            fmt_date(fnd[i].found_on, d1);
            fmt_date(fnd[i].valid_until, d2);
            snprintf(buf, sizeof buf, "%s %s on %s by %s (valid to %s): %s", fnd[i].criterion,
                     fnd[i].met ? "MET" : "NOT MET", d1, fnd[i].assessor, d2,
                     fnd[i].evidence[0] != '\0' ? fnd[i].evidence : "no evidence text");
            para(p, buf, 9, false);
        }
        if (n == 0)
            para(p, "None recorded.", 9, false);
    }
    free(fnd);
}

/* The whole evidence pack, section by section. */
static void pack(struct web_req *r, struct pdf *p, const struct lnt_venue *v,
                 const struct lnt_score_result *s, bool scored)
{
    pack_venue(r, p, v);
    heading(p, "Scores");
    if (!scored) {
        para(p, "This venue could not be scored.", 9.5, false);
    } else {
        pack_summary(p, s);
        if (s->bbn.scored)
            pack_criteria(r, p, s);
        pack_risk(p, s);
    }
    pack_incidents(r, p, v, s, scored);
    pack_findings(r, p, v);
    footer(p);
}

void web_evidence_pdf(struct web_req *r)
{
    struct lnt_venue v;
    struct lnt_score_result s;
    struct pdf p;
    char err[LNT_ERRBUF_SIZE] = "", object[32], disp[80];
    bool scored = false;
    int64_t id;

    memset(&s, 0, sizeof s);
    memset(&p, 0, sizeof p);
    if (!web_param_id(r, 0, &id) || !web_venue_in_scope(r, id, &v))
        return;
    if (r->web->rules != NULL && web_score_venue(r->web, &v, r->now, &s, err) == LNT_OK)
        scored = true;
    lnt_buf_reset(&r->resp->body);
    p.out = &r->resp->body;
    p.surface = cairo_pdf_surface_create_for_stream(pdf_write, p.out, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_TITLE, "Lantern evidence pack");
    cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATOR, "Lantern");
    p.cr = cairo_create(p.surface);
    p.y = MARGIN;
    p.page = 1;
    snprintf(p.footer, sizeof p.footer, "Lantern evidence pack: venue %lld", (long long)id);
    pack(r, &p, &v, &s, scored);
    cairo_destroy(p.cr);
    cairo_surface_finish(p.surface);
    if (cairo_surface_status(p.surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(p.surface);
        lnt_score_result_release(&s);
        web_error(r, 500, "Something went wrong", "The evidence pack could not be drawn.");
        return;
    }
    cairo_surface_destroy(p.surface);
    lnt_score_result_release(&s);
    snprintf(object, sizeof object, "venue %lld", (long long)id);
    web_audit(r, "export", object, "evidence pack PDF");
    lnt_str_copy(r->resp->content_type, sizeof r->resp->content_type, "application/pdf");
    snprintf(disp, sizeof disp, "attachment; filename=\"evidence-venue-%lld.pdf\"", (long long)id);
    web_header(r, "Content-Disposition", disp);
    r->resp->status = 200;
}
