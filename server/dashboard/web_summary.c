/* web_summary.c - the case file's summary: a venue's points by cause, each linked to the records
 * behind it, and what its next Best Bar None award needs. */
#include "web_int.h"

#include <stdio.h>
#include <string.h>

#include "score_summary.h"

/* Where the case file keeps the records behind each cause. */
static const char *cause_anchor(enum lnt_risk_cause c)
{
    switch (c) {
    case LNT_CAUSE_INCIDENTS:
        return "incidents";
    case LNT_CAUSE_DOOR:
        return "register";
    case LNT_CAUSE_SILENCE:
        return "kiosks";
    case LNT_CAUSE_COMPLIANCE:
        return "bbn";
    }
    return "risk";
}

void web_score_summary(struct web_req *r, const struct lnt_score_result *s)
{
    struct lnt_risk_cause_total t[LNT_SCORE_CAUSES];
    struct lnt_score_brief b;
    struct lnt_bbn_next next;
    char total[32], pts[32], text[LNT_SCORE_TEXT_MAX];

    lnt_risk_causes(&s->risk, t);
    lnt_score_brief_of(s, &b);
    lnt_score_milli_format(s->risk.total_milli, total);
    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"summary\" aria-labelledby=\"sum-h\"><h2 "
                        "id=\"sum-h\">Summary by cause</h2><p id=\"summary-lede\">");
    web_band(&r->h, s->risk.band);
    lnt_html_raw(&r->h, " ");
    lnt_html_txt(&r->h, total);
    lnt_html_raw(&r->h, " points");
    if (t[0].points_milli > 0) {
        lnt_score_milli_format(t[0].points_milli, pts);
        lnt_html_raw(&r->h, ", most of them from <strong id=\"top-cause\">");
        lnt_html_txt(&r->h, lnt_risk_cause_phrase(t[0].cause));
        lnt_html_raw(&r->h, "</strong> (");
        lnt_html_txt(&r->h, pts);
        lnt_html_raw(&r->h, ")");
    }
    lnt_html_raw(&r->h, ".</p><div class=\"table-wrap\"><table id=\"cause-table\"><thead><tr><th "
                        "scope=\"col\">Cause</th><th scope=\"col\" class=\"num\">Lines</th><th "
                        "scope=\"col\" class=\"num\">Points</th><th scope=\"col\" "
                        "class=\"num\">Share</th><th scope=\"col\">Records</th></tr></thead>"
                        "<tbody>");
    for (size_t i = 0; i < LNT_SCORE_CAUSES; i++) {
        int64_t share =
            s->risk.total_milli > 0
                ? (t[i].points_milli * 1000 + s->risk.total_milli / 2) / s->risk.total_milli
                : 0;
        lnt_score_milli_format(t[i].points_milli, pts);
        lnt_html_rawf(&r->h, "<tr data-cause=\"%s\"><th scope=\"row\">",
                      lnt_risk_cause_name(t[i].cause));
        lnt_html_txt(&r->h, lnt_risk_cause_label(t[i].cause));
        lnt_html_rawf(&r->h,
                      "</th><td class=\"num\">%zu</td><td class=\"num\">%s</td><td "
                      "class=\"num\">%lld.%lld%%</td><td><a href=\"#%s\">the records</a></td>"
                      "</tr>",
                      t[i].lines, pts, (long long)(share / 10), (long long)(share % 10),
                      cause_anchor(t[i].cause));
    }
    lnt_html_rawf(&r->h,
                  "</tbody><tfoot><tr><th scope=\"row\">Total</th><td class=\"num\">%zu</td><td "
                  "class=\"num\"><strong>%s</strong></td><td></td><td><a href=\"#risk\">every "
                  "line</a></td></tr></tfoot></table></div>",
                  s->risk.n_parts, total);
    lnt_bbn_next_award(r->web->rules->bbn, &b, &next);
    lnt_bbn_next_text(&next, text, sizeof text);
    if (text[0] != '\0') {
        lnt_html_raw(&r->h, "<p id=\"next-award\"><strong>For the next award:</strong> ");
        lnt_html_txt(&r->h, text);
        lnt_html_raw(&r->h, "</p>");
    }
    lnt_html_raw(&r->h, "</section>");
}
