/* web_pdf.c - a venue's evidence pack as a PDF, ready for a licensing sub-committee: a one-page
 * summary, then the risk lines by cause, the criteria, the incidents, the door register and the
 * findings of the scoring window. Drawn by web_pdf_draw.c. */
#include "web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casework/web_casework.h"
#include "log.h"
#include "ltime.h"
#include "night.h"
#include "score_summary.h"

#define INCIDENTS_IN_PACK 500
#define UNLICENSED_IN_PACK 300 /* shifts without a valid licence, listed one by one */
#define LINE_MAX_TEXT (LNT_EVIDENCE_MAX + 600)

/* What every section reads. */
struct pack {
    struct web_req *r;
    const struct lnt_venue *v;
    const struct lnt_score_result *s;
    bool scored;
    int32_t first, last;                   /* the scoring window's nights */
    char as_at[LNT_LOCAL_TIME_STRLEN + 8]; /* "As at Sat 12 Sep 2026"; "" for a pack of today */
    struct lnt_risk_cause_total causes[LNT_SCORE_CAUSES];
};

/* Times, dates and score text in common/night.h's one human form, as on the pages:
 * "Sat 12 Sep 2026, 01:25 BST", "Sat 12 Sep 2026". */
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

/* Score text with its UTC times and ISO dates in the same form; cut to fit `size`. */
static const char *fmt_text(const char *text, char *out, size_t size)
{
    (void)lnt_local_text(text, out, size);
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

/* "cause-door_licensing": where a cause's lines start. */
static void cause_dest(enum lnt_risk_cause c, char out[24])
{
    snprintf(out, 24, "cause-%s", lnt_risk_cause_name(c));
}

/* "87.8%" of the total, rounded to a tenth. */
static void share_text(int64_t part, int64_t total, char out[48])
{
    int64_t permille = total > 0 ? (part * 1000 + total / 2) / total : 0;
    snprintf(out, 48, "%lld.%lld%%", (long long)(permille / 10), (long long)(permille % 10));
}

/* "page 3", or "" while measuring. */
static void page_text(const struct web_pdf *p, const char *dest, char out[16])
{
    int page = web_pdf_dest_page(p, dest);
    if (page > 0)
        snprintf(out, 16, "page %d", page);
    else
        out[0] = '\0';
}

/* ---- page 1: the summary ---- */

static void summary_facts(struct pack *k, struct web_pdf *p)
{
    const struct lnt_score_result *s = k->s;
    char buf[LINE_MAX_TEXT], total[32], d1[LNT_LOCAL_DATE_STRLEN], d2[LNT_LOCAL_DATE_STRLEN],
        note[2 * LNT_SCORE_TEXT_MAX];
    struct lnt_score_brief b;
    struct lnt_bbn_next next;

    snprintf(buf, sizeof buf, "%s: %s in %s; licensing authority %s; capacity %d; trades %s",
             k->v->name, lnt_venue_category_name(k->v->category), k->v->area,
             k->v->authority[0] != '\0' ? k->v->authority : "not recorded", k->v->capacity,
             k->v->trading);
    web_pdf_fact(p, "Venue", buf);
    fmt_date(k->first, d1);
    fmt_date(k->last, d2);
    snprintf(buf, sizeof buf, "the nights of %s to %s (%d nights), each 06:00 to 06:00 London time",
             d1, d2, k->last - k->first + 1);
    web_pdf_fact(p, "Period", buf);
    if (!k->scored) {
        web_pdf_fact(p, "Scores", "This venue could not be scored.");
        return;
    }
    lnt_score_milli_format(s->risk.total_milli, total);
    snprintf(buf, sizeof buf, "%s: %s points (%s from the points alone)%s%s%s",
             band_word(s->risk.band), total, band_word(s->risk.points_band),
             s->risk.cap_band != LNT_BAND_NONE ? "; at least " : "",
             s->risk.cap_band != LNT_BAND_NONE ? band_word(s->risk.cap_band) : "",
             s->risk.cap_band != LNT_BAND_NONE ? " because " : "");
    if (s->risk.cap_band != LNT_BAND_NONE) {
        size_t len = strlen(buf);
        char cause[2 * LNT_SCORE_TEXT_MAX];
        snprintf(buf + len, sizeof buf - len, "%s",
                 fmt_text(s->risk.cap_cause, cause, sizeof cause));
    }
    web_pdf_fact(p, "Risk band", buf);
    if (k->causes[0].points_milli > 0) {
        char pts[32], share[48];
        lnt_score_milli_format(k->causes[0].points_milli, pts);
        share_text(k->causes[0].points_milli, s->risk.total_milli, share);
        snprintf(buf, sizeof buf, "Most of the points come from %s: %s of %s (%s).",
                 lnt_risk_cause_phrase(k->causes[0].cause), pts, total, share);
    } else {
        snprintf(buf, sizeof buf, "Nothing counted against this venue in the window.");
    }
    web_pdf_fact(p, "Why", buf);
    if (!s->bbn.scored)
        fmt_text(s->bbn.note, buf, sizeof buf);
    else
        snprintf(buf, sizeof buf, "%s: Essentials %d of %d, Desired %d of %d, Bonus %d of %d",
                 s->bbn.award[0] != '\0' ? s->bbn.award
                 : s->bbn.accredited     ? "Accredited, no award"
                                         : "Not accredited",
                 s->bbn.essential_met, s->bbn.essential_total, s->bbn.desired_met,
                 s->bbn.desired_total, s->bbn.bonus_met, s->bbn.bonus_total);
    web_pdf_fact(p, "Best Bar None", buf);
    lnt_score_brief_of(s, &b);
    lnt_bbn_next_award(k->r->web->rules->bbn, &b, &next);
    lnt_bbn_next_text(&next, buf, sizeof buf);
    if (buf[0] != '\0')
        web_pdf_fact(p, "Next award", buf);
    if (s->risk.review)
        web_pdf_fact(p, "Flag", fmt_text(s->risk.review_note, note, sizeof note));
    if (s->risk.low_reporting)
        web_pdf_fact(p, "Flag", fmt_text(s->risk.low_reporting_note, note, sizeof note));
}

static void summary_page(struct pack *k, struct web_pdf *p)
{
    static const struct {
        const char *dest, *title;
    } sections[] = {
        {"causes", "Risk points by cause, line by line"},
        {"criteria", "Best Bar None criteria"},
        {"incidents", "Incidents in the window"},
        {"register", "Door register for the window"},
        {"findings", "Assessor findings"},
        {"casework", "Casework"},
    };
    char buf[LINE_MAX_TEXT], when[LNT_LOCAL_TIME_STRLEN], page[16];

    web_pdf_para(p, "Lantern evidence pack", 10, false);
    web_pdf_para(p, k->v->name, 20, true);
    if (k->as_at[0] != '\0') {
        fmt_time(k->r->now, when, sizeof when);
        web_pdf_para(p, k->as_at, 14, true);
        snprintf(buf, sizeof buf,
                 "The evidence and the scores as they stood at %s%s: nothing after it is "
                 "counted, and each casework record reads as it did then.",
                 when, k->r->as_at_text[10] == '\0' ? ", the end of that trading night" : "");
        web_pdf_para(p, buf, 9, false);
    }
    fmt_time(k->r->live_now != 0 ? k->r->live_now : k->r->now, when, sizeof when);
    snprintf(buf, sizeof buf,
             "Prepared %s by %s for a licence review or a Best Bar None assessment. Every time "
             "in this pack is London time, with its zone, as on the dashboard.",
             when, k->r->officer.name);
    web_pdf_para(p, buf, 9, false);
    web_pdf_heading(p, "Summary", "summary");
    summary_facts(k, p);
    if (k->scored) {
        web_pdf_subheading(p, "Points by cause", NULL);
        for (size_t i = 0; i < LNT_SCORE_CAUSES; i++) {
            char pts[32], share[48], dest[24];
            lnt_score_milli_format(k->causes[i].points_milli, pts);
            share_text(k->causes[i].points_milli, k->s->risk.total_milli, share);
            snprintf(buf, sizeof buf, "%s: %s points (%s), %zu line%s",
                     lnt_risk_cause_label(k->causes[i].cause), pts, share, k->causes[i].lines,
                     k->causes[i].lines == 1 ? "" : "s");
            cause_dest(k->causes[i].cause, dest);
            page_text(p, dest, page);
            web_pdf_link(p, WEB_PDF_MARGIN, buf, dest, page, 9.5);
        }
    }
    web_pdf_subheading(p, "Contents", NULL);
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        if (!k->scored && i < 2)
            continue;
        page_text(p, sections[i].dest, page);
        web_pdf_link(p, WEB_PDF_MARGIN, sections[i].title, sections[i].dest, page, 9.5);
    }
    web_pdf_page_break(p);
}

/* ---- the sections ---- */

/* Every line of the risk points, grouped by cause, most points first. */
static void pack_causes(struct pack *k, struct web_pdf *p)
{
    const struct lnt_risk_result *risk = &k->s->risk;
    char buf[LINE_MAX_TEXT], pts[32], dest[24], ref[48], cause[2 * LNT_SCORE_TEXT_MAX];

    web_pdf_heading(p, "Risk points by cause, line by line", "causes");
    for (size_t c = 0; c < LNT_SCORE_CAUSES; c++) {
        const struct lnt_risk_cause_total *t = &k->causes[c];
        lnt_score_milli_format(t->points_milli, pts);
        snprintf(buf, sizeof buf, "%s: %s points, %zu line%s", lnt_risk_cause_label(t->cause), pts,
                 t->lines, t->lines == 1 ? "" : "s");
        cause_dest(t->cause, dest);
        web_pdf_subheading(p, buf, dest);
        for (size_t i = 0; i < risk->n_parts; i++) {
            const struct lnt_risk_part *rp = &risk->parts[i];
            if (lnt_risk_cause_of(rp) != t->cause)
                continue;
            lnt_score_milli_format(rp->points_milli, pts);
            if (lnt_risk_part_link(rp, NULL) == LNT_LINK_INCIDENT) {
                char short_id[LNT_SCORE_SHORT_ID];
                lnt_score_short_id(rp->ref, short_id);
                snprintf(ref, sizeof ref, "#%s", short_id);
            } else {
                fmt_text(rp->ref, ref, sizeof ref);
            }
            snprintf(buf, sizeof buf, "%s points - %s: %s", pts, ref,
                     fmt_text(rp->cause, cause, sizeof cause));
            web_pdf_para(p, buf, 9, false);
        }
        if (t->lines == 0)
            web_pdf_para(p, "Nothing from this cause.", 9, false);
    }
    lnt_score_milli_format(risk->total_milli, pts);
    snprintf(buf, sizeof buf, "Total: %s points.", pts);
    web_pdf_gap(p, 4);
    web_pdf_para(p, buf, 9.5, true);
}

/* Each Best Bar None criterion: its text, its status and what was seen. */
static void pack_criteria(struct pack *k, struct web_pdf *p)
{
    char buf[LINE_MAX_TEXT];
    const double indent = 12;

    web_pdf_heading(p, "Best Bar None criteria", "criteria");
    if (!k->s->bbn.scored) {
        web_pdf_para(p, k->s->bbn.note, 9, false);
        return;
    }
    for (size_t i = 0; i < k->s->bbn.n_lines; i++) {
        const struct lnt_bbn_line *ln = &k->s->bbn.lines[i];
        const struct lnt_bbn_criterion *c = lnt_bbn_catalogue_find(k->r->web->rules->bbn, ln->id);
        snprintf(buf, sizeof buf, "%s (%s) - %s", ln->id, lnt_bbn_tier_name(ln->tier),
                 status_word(ln->status));
        web_pdf_need(p, 30);
        web_pdf_para(p, buf, 9.5, true);
        if (c != NULL)
            web_pdf_text(p, WEB_PDF_MARGIN + indent, WEB_PDF_WIDTH - indent, c->text, 9, false);
        /* the note says what was seen: the share against its threshold, or the finding */
        if (ln->note[0] != '\0')
            fmt_text(ln->note, buf, sizeof buf);
        else if (ln->metric != LNT_METRIC_FINDING && ln->den > 0)
            snprintf(buf, sizeof buf, "%lld of %lld (needs %d%%)", (long long)ln->num,
                     (long long)ln->den, ln->threshold_pct);
        else
            buf[0] = '\0';
        if (buf[0] != '\0')
            web_pdf_text(p, WEB_PDF_MARGIN + indent, WEB_PDF_WIDTH - indent, buf, 9, false);
        web_pdf_gap(p, 3);
    }
}

/* The incidents of the window, summary rows only (sealed details stay sealed). */
static void pack_incidents(struct pack *k, struct web_pdf *p)
{
    char buf[LINE_MAX_TEXT], when[LNT_LOCAL_TIME_STRLEN], outcome[LNT_SHORT_TEXT + 40],
        short_id[LNT_SCORE_SHORT_ID];
    struct lnt_incident_filter f = {0};
    struct lnt_incident *inc = NULL;
    size_t n = 0;

    web_pdf_heading(p, "Incidents in the window", "incidents");
    web_pdf_para(p, "Newest first. Sealed details are not included.", 9, false);
    f.venue_id = k->v->id;
    f.from = web_night_start(k->first);
    f.to = web_night_start(k->last + 1);
    if (lnt_store_incident_list(k->r->web->store, &f, 0, INCIDENTS_IN_PACK, &inc, &n, NULL) !=
        LNT_OK) {
        web_pdf_para(p, "The incidents could not be read.", 9, false);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const char *words = web_incident_words(WEB_INC_OUTCOME, inc[i].outcome);
        if (words[strspn(words, " .")] != '\0') /* never "Outcome: ." */
            snprintf(outcome, sizeof outcome, "Outcome: %s.", words);
        else
            snprintf(outcome, sizeof outcome, "No outcome recorded yet.");
        fmt_time(inc[i].occurred_at, when, sizeof when);
        lnt_score_short_id(inc[i].report_id, short_id);
        snprintf(buf, sizeof buf,
                 "#%s  %s  %s, severity %d, %s. %s Police %s; protocol %s; recorded %s. Report %s.",
                 short_id, when, web_incident_words(WEB_INC_KIND, inc[i].kind), inc[i].severity,
                 web_incident_words(WEB_INC_PLACE, inc[i].place), outcome,
                 inc[i].police_called ? "called" : "not called",
                 inc[i].complete ? "complete" : "open",
                 inc[i].within_hour ? "within the hour" : "late", inc[i].report_id);
        web_pdf_para(p, buf, 9, false);
    }
    if (n == 0)
        web_pdf_para(p, "None.", 9, false);
    else if (n == INCIDENTS_IN_PACK)
        web_pdf_para(p, "The newest 500 only: the rest are on the case file.", 9, false);
    free(inc);
}

/* Door shifts of the window, night by night, and every shift without a valid licence by name. */
struct register_tally {
    int32_t door[LNT_SCORE_WINDOW_MAX], bad[LNT_SCORE_WINDOW_MAX];
    int64_t shifts, unlicensed;
};

static void register_shift(struct pack *k, struct web_pdf *p, const struct lnt_shift *sh,
                           struct register_tally *t)
{
    static const double w[] = {110, 130, 110, 145};
    char on[40], status[80], who[LNT_STAFF_NAME_MAX + LNT_STAFF_ID_MAX + 16];
    const char *cells[4];
    int32_t i = sh->night - k->first;

    if (sh->role != LNT_ROLE_DOOR || sh->duty == LNT_DUTY_OTHER || i < 0 ||
        i >= LNT_SCORE_WINDOW_MAX)
        return;
    t->shifts++;
    t->door[i]++;
    if (sh->sia_ok)
        return;
    t->bad[i]++;
    /* names and badges only for a reader of the door register (not an assessor) */
    if (++t->unlicensed > UNLICENSED_IN_PACK || !web_can_read_register(k->r))
        return;
    fmt_time(sh->on_at, on, sizeof on);
    snprintf(who, sizeof who, "%s (badge %s)",
             sh->staff_name[0] != '\0' ? sh->staff_name : sh->staff_id, sh->staff_id);
    snprintf(status, sizeof status, "licence %s", lnt_sia_status_name(sh->sia_status));
    cells[0] = on;
    cells[1] = who;
    cells[2] = sh->sia_number[0] != '\0' ? sh->sia_number : "no licence number";
    cells[3] = status;
    web_pdf_row(p, cells, w, 4, 8.5, false);
}

static void pack_register(struct pack *k, struct web_pdf *p)
{
    static const double w[] = {110, 100, 100, 100};
    static const char *const head[] = {"Night", "Door shifts", "Licence valid", "Not valid"};
    static const char *const shift_head[] = {"Signed in", "Door supervisor", "SIA licence",
                                             "Status"};
    static const double shift_w[] = {110, 130, 110, 145};
    struct register_tally *t = calloc(1, sizeof *t);
    char buf[LINE_MAX_TEXT];
    bool ok = t != NULL;

    web_pdf_heading(p, "Door register for the window", "register");
    web_pdf_para(p,
                 "Door-supervisor shifts signed in at the kiosk, by the night they began. "
                 "The whole register, every role, is on the dashboard's door register page.",
                 9, false);
    web_pdf_subheading(p, "Shifts without a valid SIA licence", "register-unlicensed");
    web_pdf_row(p, shift_head, shift_w, 4, 8.5, true);
    for (size_t offset = 0; ok;) {
        struct lnt_shift *sh = NULL;
        size_t n = 0;
        if (lnt_store_register_list(k->r->web->store, k->v->id, web_night_start(k->first),
                                    web_night_start(k->last + 1), offset, LNT_VIEW_MAX, &sh, &n,
                                    NULL) != LNT_OK) {
            ok = false;
            break;
        }
        for (size_t i = 0; i < n; i++)
            register_shift(k, p, &sh[i], t);
        free(sh);
        if (n < LNT_VIEW_MAX)
            break;
        offset += n;
    }
    if (!ok) {
        web_pdf_para(p, "The register could not be read.", 9, false);
        free(t);
        return;
    }
    if (t->unlicensed == 0)
        web_pdf_para(p, "None: every door shift had a valid licence.", 9, false);
    else if (!web_can_read_register(k->r))
        web_pdf_para(p, "Who worked them is shown only to officers who may read the door register.",
                     9, false);
    else if (t->unlicensed > UNLICENSED_IN_PACK) {
        snprintf(buf, sizeof buf, "The first %d of %lld; the rest are in the door register.",
                 UNLICENSED_IN_PACK, (long long)t->unlicensed);
        web_pdf_para(p, buf, 9, false);
    }
    web_pdf_subheading(p, "Door shifts night by night", NULL);
    snprintf(buf, sizeof buf, "%lld door shifts in the window, %lld without a valid licence.",
             (long long)t->shifts, (long long)t->unlicensed);
    web_pdf_para(p, buf, 9, false);
    web_pdf_row(p, head, w, 4, 8.5, true);
    for (int32_t i = 0; i <= k->last - k->first && i < LNT_SCORE_WINDOW_MAX; i++) {
        char night[LNT_LOCAL_DATE_STRLEN], a[16], b[16], c[16];
        const char *cells[4] = {night, a, b, c};
        if (t->door[i] == 0)
            continue;
        fmt_date(k->first + i, night);
        snprintf(a, sizeof a, "%d", t->door[i]);
        snprintf(b, sizeof b, "%d", t->door[i] - t->bad[i]);
        snprintf(c, sizeof c, "%d", t->bad[i]);
        web_pdf_row(p, cells, w, 4, 8.5, false);
    }
    free(t);
}

/* The assessors' findings on record, with their evidence. */
static void pack_findings(struct pack *k, struct web_pdf *p)
{
    char buf[LINE_MAX_TEXT], d1[LNT_LOCAL_DATE_STRLEN], d2[LNT_LOCAL_DATE_STRLEN];
    struct lnt_finding *fnd = NULL;
    size_t n = 0;

    web_pdf_heading(p, "Assessor findings", "findings");
    if (lnt_store_finding_list(k->r->web->store, k->v->id, &fnd, &n, NULL) != LNT_OK) {
        web_pdf_para(p, "The findings could not be read.", 9, false);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        fmt_date(fnd[i].found_on, d1);
        fmt_date(fnd[i].valid_until, d2);
        snprintf(buf, sizeof buf, "%s %s on %s by %s (valid to %s): %s", fnd[i].criterion,
                 fnd[i].met ? "MET" : "NOT MET", d1, fnd[i].assessor, d2,
                 fnd[i].evidence[0] != '\0' ? fnd[i].evidence : "no evidence text");
        web_pdf_para(p, buf, 9, false);
    }
    if (n == 0)
        web_pdf_para(p, "None recorded.", 9, false);
    free(fnd);
}

/* "As at Sat 12 Sep 2026" (or "As at Sat 12 Sep 2026, 21:00 BST" for an instant) for a pack
 * made as at a past date, the dashboard banner's words; "" for a pack of today. */
static void as_at_words(const struct web_req *r, char *out, size_t size)
{
    char local[LNT_LOCAL_TIME_STRLEN];

    out[0] = '\0';
    if (r->as_at == 0)
        return;
    if (r->as_at_text[10] != '\0' ? lnt_local_time_format(r->now, local) != LNT_OK
                                  : lnt_local_date_format(r->as_at, local) != LNT_OK)
        return;
    snprintf(out, size, "As at %s", local);
}

/* One pass over the whole pack. */
static void pack_draw(struct pack *k, struct web_pdf *p)
{
    summary_page(k, p);
    if (k->scored) {
        pack_causes(k, p);
        pack_criteria(k, p);
    }
    pack_incidents(k, p);
    pack_register(k, p);
    pack_findings(k, p);
    web_casework_pack(k->r, k->v, p);
}

void web_evidence_pdf(struct web_req *r)
{
    struct lnt_venue v;
    struct lnt_score_result s;
    struct web_pdf *measure = NULL, *p = NULL;
    struct pack k;
    char err[LNT_ERRBUF_SIZE] = "", object[32], disp[80], footer[200];
    int64_t id;

    memset(&s, 0, sizeof s);
    memset(&k, 0, sizeof k);
    if (!web_param_id(r, 0, &id) || !web_venue_in_scope(r, id, &v))
        return;
    k.r = r;
    k.v = &v;
    k.s = &s;
    web_window(r->web, r->now, &k.first, &k.last);
    if (r->web->rules != NULL && web_score_venue(r->web, &v, r->now, &s, err) == LNT_OK) {
        k.scored = true;
        k.first = s.first_night;
        k.last = s.last_night;
        lnt_risk_causes(&s.risk, k.causes);
    }
    as_at_words(r, k.as_at, sizeof k.as_at);
    snprintf(footer, sizeof footer, "Lantern evidence pack: %s (venue %lld)%s%s", v.name,
             (long long)id, k.as_at[0] != '\0' ? ", " : "", k.as_at);
    measure = calloc(1, sizeof *measure);
    p = calloc(1, sizeof *p);
    if (measure == NULL || p == NULL) {
        web_error(r, 503, "Busy", "The server is short of memory. Try again in a moment.");
        goto out;
    }
    /* first pass: where the sections fall and how many pages; second: the bytes */
    if (web_pdf_open(measure, NULL, footer, NULL, err) != LNT_OK)
        goto fail;
    pack_draw(&k, measure);
    if (web_pdf_close(measure, err) != LNT_OK)
        goto fail;
    lnt_buf_reset(&r->resp->body);
    if (web_pdf_open(p, &r->resp->body, footer, measure, err) != LNT_OK)
        goto fail;
    pack_draw(&k, p);
    if (web_pdf_close(p, err) != LNT_OK)
        goto fail;
    snprintf(object, sizeof object, "venue %lld", (long long)id);
    web_audit(r, "export", object, "evidence pack PDF");
    lnt_str_copy(r->resp->content_type, sizeof r->resp->content_type, "application/pdf");
    snprintf(disp, sizeof disp, "attachment; filename=\"evidence-venue-%lld.pdf\"", (long long)id);
    web_header(r, "Content-Disposition", disp);
    r->resp->status = 200;
    goto out;
fail:
    lnt_error("dashboard: evidence pack, venue %lld: %s", (long long)id, err);
    web_error(r, 500, "Something went wrong", "The evidence pack could not be drawn.");
out:
    free(measure);
    free(p);
    lnt_score_result_release(&s);
}
