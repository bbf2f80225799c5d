/* web_casework.c - casework on the case file: the records with their forms, the timeline beside
 * the incidents and score changes, a record's history page and a letter's PDF; the overview's
 * overdue action items; the evidence pack's casework section. The forms post to
 * web_casework_form.c. */
#include "web_casework.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ltime.h"
#include "night.h"
#include "store_casework.h"

#define TIMELINE_MAX 60 /* entries on the case file's timeline */
#define TIMELINE_INCIDENTS 30

bool web_can_casework(const struct web_req *r)
{
    return r->officer.scope.role != LNT_OFFICER_VENUE && r->officer.scope.venue_id == 0;
}

const char *web_casework_words(const char *code)
{
    static const char *const words[][2] = {
        {"visit", "Visit"},
        {"letter", "Letter"},
        {"plan", "Action plan"},
        {"item", "Action item"},
        {"note", "Note"},
        {"review", "Licence review"},
        {"bbn_assessment", "Best Bar None assessment"},
        {"licensing_inspection", "Licensing inspection"},
        {"police_visit", "Police visit"},
        {"test_purchase", "Test purchase"},
        {"advice_letter", "Advice letter"},
        {"warning_letter", "Warning letter"},
        {"final_warning", "Final warning"},
        {"other", "Other letter"},
        {"open", "Open"},
        {"done", "Done"},
        {"dropped", "Dropped"},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(words[i][0], code) == 0)
            return words[i][1];
    return code;
}

static void iso_date(struct lnt_html *h, int32_t days)
{
    int y, m, d;

    if (days <= 0)
        return;
    lnt_civil_from_days(days, &y, &m, &d);
    lnt_html_rawf(h, "%04d-%02d-%02d", y, m, d);
}

/* The heading words of a record: "Police visit", "Action plan: Twelve-week plan". */
static void record_title(const struct lnt_casework *c, char *out, size_t size)
{
    const char *what = c->kind[0] != '\0' ? web_casework_words(c->kind)
                                          : web_casework_words(lnt_cw_type_name(c->type));
    if (c->type == LNT_CW_PLAN)
        snprintf(out, size, "Action plan: %s", c->title);
    else
        snprintf(out, size, "%s", what);
}

/* ---- forms ---- */

static void input(struct web_req *r, const char *id, const char *name, const char *label,
                  const char *type, const char *value)
{
    lnt_html_rawf(&r->h,
                  "<div class=\"field\"><label for=\"%s\">%s</label><input type=\"%s\" "
                  "id=\"%s\" name=\"%s\"",
                  id, label, type, id, name);
    lnt_html_attr_pair(&r->h, "value", value != NULL ? value : "");
    lnt_html_raw(&r->h, "/></div>");
}

static void date_input(struct web_req *r, const char *id, const char *name, const char *label,
                       int32_t days)
{
    lnt_html_rawf(&r->h,
                  "<div class=\"field\"><label for=\"%s\">%s</label><input type=\"date\" "
                  "id=\"%s\" name=\"%s\" value=\"",
                  id, label, id, name);
    iso_date(&r->h, days);
    lnt_html_raw(&r->h, "\"/></div>");
}

static void textarea(struct web_req *r, const char *id, const char *name, const char *label,
                     const char *value)
{
    lnt_html_rawf(&r->h,
                  "<div class=\"field\"><label for=\"%s\">%s</label><textarea id=\"%s\" "
                  "name=\"%s\" maxlength=\"%d\">",
                  id, label, id, name, LNT_CW_TEXT_MAX);
    lnt_html_txt(&r->h, value != NULL ? value : "");
    lnt_html_raw(&r->h, "</textarea></div>");
}

static void option(struct web_req *r, const char *value, const char *words, bool selected)
{
    lnt_html_raw(&r->h, "<option");
    lnt_html_attr_pair(&r->h, "value", value);
    lnt_html_raw(&r->h, selected ? " selected=\"selected\">" : ">");
    lnt_html_txt(&r->h, words);
    lnt_html_raw(&r->h, "</option>");
}

static void kind_select(struct web_req *r, const char *id, enum lnt_cw_type t, const char *cur)
{
    static const char *const visit[] = {"bbn_assessment", "licensing_inspection", "police_visit",
                                        "test_purchase"};
    static const char *const letter[] = {"advice_letter", "warning_letter", "final_warning",
                                         "other"};

    lnt_html_rawf(&r->h,
                  "<div class=\"field\"><label for=\"%s\">Kind (visits and letters)"
                  "</label><select id=\"%s\" name=\"kind\">",
                  id, id);
    if (t == 0)
        option(r, "", "None (plans, items, notes, reviews)", true);
    if (t == 0 || t == LNT_CW_VISIT) {
        lnt_html_raw(&r->h, "<optgroup label=\"Visit\">");
        for (size_t i = 0; i < 4; i++)
            option(r, visit[i], web_casework_words(visit[i]), strcmp(cur, visit[i]) == 0);
        lnt_html_raw(&r->h, "</optgroup>");
    }
    if (t == 0 || t == LNT_CW_LETTER) {
        lnt_html_raw(&r->h, "<optgroup label=\"Letter\">");
        for (size_t i = 0; i < 4; i++)
            option(r, letter[i], web_casework_words(letter[i]), strcmp(cur, letter[i]) == 0);
        lnt_html_raw(&r->h, "</optgroup>");
    }
    lnt_html_raw(&r->h, "</select></div>");
}

/* Officers who may own an item at venue v: active, not venue managers, whose scope covers it. */
static void owner_select(struct web_req *r, const char *id, const struct lnt_venue *v, int64_t cur)
{
    struct lnt_officer *o = NULL;
    size_t n = 0;

    lnt_html_rawf(&r->h,
                  "<div class=\"field\"><label for=\"%s\">Owner (action items)</label>"
                  "<select id=\"%s\" name=\"owner\">",
                  id, id);
    if (lnt_store_officer_list(r->web->store, &o, &n, NULL) == LNT_OK)
        for (size_t i = 0; i < n; i++) {
            char val[24];
            if (o[i].disabled_at != 0 || o[i].scope.role == LNT_OFFICER_VENUE ||
                (o[i].scope.authority[0] != '\0' &&
                 strcmp(o[i].scope.authority, v->authority) != 0))
                continue;
            snprintf(val, sizeof val, "%lld", (long long)o[i].id);
            option(r, val, o[i].name, cur != 0 ? o[i].id == cur : o[i].id == r->officer.id);
        }
    free(o);
    lnt_html_raw(&r->h, "</select></div>");
}

static void status_select(struct web_req *r, const char *id, const char *cur)
{
    static const char *const states[] = {"open", "done", "dropped"};

    lnt_html_rawf(&r->h,
                  "<div class=\"field\"><label for=\"%s\">Status (action items)</label>"
                  "<select id=\"%s\" name=\"status\">",
                  id, id);
    for (size_t i = 0; i < 3; i++)
        option(r, states[i], web_casework_words(states[i]), strcmp(cur, states[i]) == 0);
    lnt_html_raw(&r->h, "</select></div>");
}

static void findings_value(const struct lnt_casework *c, char *out, size_t size)
{
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; i < c->n_findings && used < size; i++) {
        int w =
            snprintf(out + used, size - used, "%s%lld", i ? "," : "", (long long)c->findings[i]);
        used += w > 0 ? (size_t)w : 0;
    }
}

/* The fields of type t (all of them for the form that records a new one, t 0), ids prefixed. */
static void fields(struct web_req *r, const struct lnt_venue *v, const struct lnt_casework *c,
                   const char *pre)
{
    enum lnt_cw_type t = c->type;
    char id[40], findings[LNT_CW_FINDINGS_MAX * 21 + 1];

#define ID(name) (snprintf(id, sizeof id, "%s-%s", pre, name), id)
    if (t != LNT_CW_PLAN && t != LNT_CW_NOTE)
        date_input(r, ID("date"), "date",
                   t == LNT_CW_ITEM     ? "Due date"
                   : t == LNT_CW_REVIEW ? "Date of the application"
                   : t == 0 ? "Date (of the visit or letter; an item's due date; a review's "
                              "application)"
                            : "Date",
                   c->on);
    if (t == 0 || t == LNT_CW_VISIT || t == LNT_CW_LETTER)
        kind_select(r, ID("kind"), t, c->kind);
    if (t == 0 || t == LNT_CW_PLAN)
        input(r, ID("title"), "title", "Title (action plans)", "text", c->title);
    textarea(r, ID("text"), "text",
             t == LNT_CW_VISIT    ? "What was found"
             : t == LNT_CW_LETTER ? "Text of the letter"
             : t == LNT_CW_ITEM   ? "What is to be done"
             : t == 0             ? "Text (what a visit found, a letter, a note, an item's task)"
                                  : "Text",
             c->text);
    if (t == 0 || t == LNT_CW_LETTER) {
        lnt_html_rawf(&r->h,
                      "<div class=\"field\"><label for=\"%s\">%s, a PDF of at most %d MiB%s"
                      "</label><input type=\"file\" id=\"%s\" name=\"pdf\" "
                      "accept=\"application/pdf\"/></div>",
                      ID("pdf"),
                      c->pdf_sha256[0] != '\0' ? "Replace the signed letter" : "The signed letter",
                      LNT_CW_PDF_MAX >> 20,
                      c->pdf_sha256[0] != '\0' ? " (leave empty to keep it)"
                      : t == 0                 ? " (letters)"
                                               : "",
                      id);
    }
    if (t == 0 || t == LNT_CW_VISIT) {
        input(r, ID("officers"), "officers", "Officers on the visit", "text", c->officers);
        findings_value(c, findings, sizeof findings);
        input(r, ID("findings"), "findings", "Linked finding ids (visits, e.g. 12,14)", "text",
              findings);
    }
    if (t == 0 || t == LNT_CW_ITEM) {
        owner_select(r, ID("owner"), v, c->owner_id);
        status_select(r, ID("status"), c->status[0] != '\0' ? c->status : "open");
        textarea(r, ID("evidence"), "evidence", "Evidence of completion (action items)",
                 c->evidence);
    }
    if (t == 0 || t == LNT_CW_REVIEW) {
        date_input(r, ID("hearing"), "hearing", "Hearing date (reviews)", c->hearing_on);
        input(r, ID("outcome"), "outcome", "Outcome (reviews)", "text", c->outcome);
        textarea(r, ID("conditions"), "conditions", "Conditions added or changed (reviews)",
                 c->conditions);
    }
#undef ID
}

static void add_form(struct web_req *r, const struct lnt_venue *v, const struct lnt_casework *list,
                     size_t n)
{
    static const char *const types[] = {"visit", "letter", "plan", "item", "note", "review"};
    struct lnt_casework *blank = calloc(1, sizeof *blank);

    if (blank == NULL)
        return;
    lnt_html_rawf(&r->h,
                  "<details class=\"no-print\" id=\"casework-new\"><summary>Record casework"
                  "</summary><form method=\"post\" action=\"/venues/%lld/casework\" "
                  "enctype=\"multipart/form-data\" id=\"casework-form\">",
                  (long long)v->id);
    web_csrf_field(r);
    lnt_html_raw(&r->h, "<div class=\"field\"><label for=\"cw-type\">Record</label><select "
                        "id=\"cw-type\" name=\"type\">");
    for (size_t i = 0; i < 6; i++)
        option(r, types[i], web_casework_words(types[i]), i == 0);
    lnt_html_raw(&r->h, "</select></div><div class=\"field\"><label for=\"cw-plan\">Plan "
                        "(action items)</label><select id=\"cw-plan\" name=\"plan\">");
    option(r, "", "None", true);
    for (size_t i = 0; i < n; i++)
        if (list[i].type == LNT_CW_PLAN && list[i].closed_at == 0 && list[i].superseded_at == 0) {
            char val[24];
            snprintf(val, sizeof val, "%lld", (long long)list[i].id);
            option(r, val, list[i].title, false);
        }
    lnt_html_raw(&r->h, "</select></div>");
    fields(r, v, blank, "cw");
    lnt_html_raw(&r->h, "<button type=\"submit\" id=\"casework-record\">Record</button></form>"
                        "<p class=\"muted\">A letter's PDF can also be attached with "
                        "<code>lanternctl casework edit --pdf</code> or the API (docs/api.md)."
                        "</p></details>");
    free(blank);
}

/* The instant the casework is read at: the as-at instant, or 0 for each record's current
 * version. */
static int64_t cw_at(const struct web_req *r)
{
    return r->as_at != 0 ? r->now : 0;
}

/* One record's row: what, when, its state, and its edit and close forms. */
static void record_row(struct web_req *r, const struct lnt_venue *v, const struct lnt_casework *c)
{
    char title[LNT_CW_SHORT_MAX + 32], pre[24], label[LNT_CW_SHORT_MAX + 48];

    record_title(c, title, sizeof title);
    lnt_html_rawf(&r->h, "<tr id=\"cw-%lld\"%s><td data-label=\"Date\">", (long long)c->id,
                  c->type == LNT_CW_ITEM ? " class=\"cw-item\"" : "");
    if (c->on > 0)
        web_date(&r->h, c->on);
    else
        web_time(&r->h, c->created_at);
    lnt_html_raw(&r->h, "</td><td data-label=\"Record\"><strong>");
    lnt_html_txt(&r->h, title);
    lnt_html_raw(&r->h, "</strong>");
    if (c->text[0] != '\0') {
        lnt_html_raw(&r->h, "<br/>");
        lnt_html_txt(&r->h, c->text);
    }
    if (c->type == LNT_CW_VISIT) {
        lnt_html_raw(&r->h, "<br/><span class=\"muted\">Officers: ");
        lnt_html_txt(&r->h, c->officers);
        for (size_t i = 0; i < c->n_findings; i++)
            lnt_html_rawf(&r->h, "%s<a href=\"#finding-%lld\">finding %lld</a>",
                          i == 0 ? "; linked " : ", ", (long long)c->findings[i],
                          (long long)c->findings[i]);
        lnt_html_raw(&r->h, "</span>");
    }
    if (c->type == LNT_CW_ITEM && c->evidence[0] != '\0') {
        lnt_html_raw(&r->h, "<br/><span class=\"muted\">Evidence: ");
        lnt_html_txt(&r->h, c->evidence);
        lnt_html_raw(&r->h, "</span>");
    }
    if (c->type == LNT_CW_REVIEW) {
        lnt_html_raw(&r->h, "<br/><span class=\"muted\">Hearing ");
        web_date(&r->h, c->hearing_on);
        lnt_html_raw(&r->h, ". Outcome: ");
        lnt_html_txt(&r->h, c->outcome[0] != '\0' ? c->outcome : "not yet");
        if (c->conditions[0] != '\0') {
            lnt_html_raw(&r->h, ". Conditions: ");
            lnt_html_txt(&r->h, c->conditions);
        }
        lnt_html_raw(&r->h, "</span>");
    }
    if (c->pdf_sha256[0] != '\0')
        lnt_html_rawf(&r->h,
                      "<br/><a href=\"/venues/%lld/casework/%lld/letter.pdf\">The letter (PDF, "
                      "%lld bytes)</a>",
                      (long long)v->id, (long long)c->id, (long long)c->pdf_size);
    lnt_html_raw(&r->h, "</td><td data-label=\"State\">");
    if (c->closed_at != 0)
        lnt_html_raw(&r->h, "<span class=\"status st-closed\">Closed</span>");
    else if (c->type == LNT_CW_ITEM) {
        lnt_html_txt(&r->h, web_casework_words(c->status));
        if (strcmp(c->status, "open") == 0 && c->on < lnt_london_date(r->now))
            lnt_html_raw(&r->h, " <span class=\"status st-not_met\">overdue</span>");
    } else
        lnt_html_raw(&r->h, "Open");
    lnt_html_rawf(&r->h, "<br/><span class=\"muted\">version %d by ", (int)c->version);
    lnt_html_txt(&r->h, c->by);
    lnt_html_rawf(&r->h,
                  "</span><br/><a href=\"/venues/%lld/casework/%lld\">History</a></td>"
                  "<td data-label=\"Change\" class=\"no-print\">",
                  (long long)v->id, (long long)c->id);
    if (c->superseded_at != 0)
        /* as at a past date, a record changed since: its forms would write over the later text */
        lnt_html_raw(&r->h, "<span class=\"muted\">Changed since this date: see its history "
                            "or today's page.</span>");
    else if (c->closed_at == 0) {
        snprintf(pre, sizeof pre, "cw%lld", (long long)c->id);
        snprintf(label, sizeof label, "Edit %s", title);
        lnt_html_raw(&r->h, "<details><summary");
        lnt_html_attr_pair(&r->h, "aria-label", label);
        lnt_html_rawf(&r->h,
                      ">Edit</summary><form method=\"post\" action=\"/venues/%lld/casework/"
                      "%lld/edit\"%s>",
                      (long long)v->id, (long long)c->id,
                      c->type == LNT_CW_LETTER ? " enctype=\"multipart/form-data\"" : "");
        web_csrf_field(r);
        fields(r, v, c, pre);
        lnt_html_rawf(&r->h,
                      "<button type=\"submit\" id=\"%s-save\">Save a new version</button>"
                      "</form></details><form method=\"post\" class=\"inline\" "
                      "action=\"/venues/%lld/casework/%lld/close\">",
                      pre, (long long)v->id, (long long)c->id);
        web_csrf_field(r);
        snprintf(label, sizeof label, "Close %s", title);
        lnt_html_rawf(&r->h, "<button type=\"submit\" class=\"secondary\" id=\"%s-close\"", pre);
        lnt_html_attr_pair(&r->h, "aria-label", label);
        lnt_html_raw(&r->h, ">Close</button></form>");
    }
    lnt_html_raw(&r->h, "</td></tr>\n");
}

void web_casework_again(struct web_req *r, const struct lnt_venue *v, const struct lnt_casework *c,
                        int status, const char *message)
{
    char pre[24];

    web_page_begin(r, "Not saved", "venues");
    lnt_html_raw(&r->h, "<h1>Not saved</h1><div class=\"notice error\" role=\"alert\" "
                        "id=\"casework-error\"><p>");
    lnt_html_txt(&r->h, message);
    lnt_html_raw(&r->h, "</p></div><section class=\"panel\"><h2>");
    lnt_html_txt(&r->h, c->id == 0 ? "Record it again" : "Save it again");
    lnt_html_raw(&r->h, "</h2><p class=\"muted\">What you typed is below; a file has to be "
                        "chosen again.</p>");
    if (c->id == 0)
        lnt_html_rawf(&r->h, "<form method=\"post\" action=\"/venues/%lld/casework\"",
                      (long long)v->id);
    else
        lnt_html_rawf(&r->h, "<form method=\"post\" action=\"/venues/%lld/casework/%lld/edit\"",
                      (long long)v->id, (long long)c->id);
    lnt_html_raw(&r->h, " enctype=\"multipart/form-data\" id=\"casework-again\">");
    web_csrf_field(r);
    if (c->id == 0) {
        lnt_html_raw(&r->h, "<input type=\"hidden\" name=\"type\"");
        lnt_html_attr_pair(&r->h, "value", lnt_cw_type_name(c->type));
        lnt_html_raw(&r->h, "/>");
        if (c->plan_id != 0)
            lnt_html_rawf(&r->h, "<input type=\"hidden\" name=\"plan\" value=\"%lld\"/>",
                          (long long)c->plan_id);
    }
    snprintf(pre, sizeof pre, "cwa%lld", (long long)c->id);
    fields(r, v, c, pre);
    lnt_html_rawf(&r->h,
                  "<button type=\"submit\" id=\"casework-again-save\">%s</button></form>"
                  "<p><a href=\"/venues/%lld#casework\">Back to the case file</a></p></section>",
                  c->id == 0 ? "Record" : "Save a new version", (long long)v->id);
    web_page_end(r, status);
}

/* ---- the timeline: casework beside incidents and score changes, newest first ---- */

struct tl_entry {
    int64_t at;   /* for ordering: an incident's time, a record's date at noon UTC */
    bool dated;   /* a record: show its date, not a time */
    int64_t link; /* a record's id, 0 for an incident or a score change */
    char what[LNT_CW_SHORT_MAX + 48];
    char report_id[40];
    char href[48]; /* a score change: the case file as at its night; "" otherwise */
};

static int tl_cmp(const void *a, const void *b)
{
    const struct tl_entry *x = a, *y = b;
    return x->at < y->at ? 1 : x->at > y->at ? -1 : 0;
}

static void timeline(struct web_req *r, const struct lnt_venue *v, const struct lnt_casework *list,
                     size_t n)
{
    struct lnt_incident_filter f = {0};
    struct lnt_incident *inc = NULL;
    struct lnt_score_change *sc = NULL;
    struct tl_entry *e = calloc(n + TIMELINE_INCIDENTS + WEB_SCORE_CHANGES_MAX, sizeof *e);
    size_t k = 0, ni = 0, ns = 0;

    if (e == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        char title[LNT_CW_SHORT_MAX + 32];
        if (list[i].created_at > r->now) /* as at a past date: not yet recorded then */
            continue;
        record_title(&list[i], title, sizeof title);
        e[k].at = list[i].on > 0 ? (int64_t)list[i].on * 86400 + 43200 : list[i].created_at;
        e[k].dated = list[i].on > 0;
        e[k].link = list[i].id;
        if (list[i].type == LNT_CW_ITEM)
            snprintf(e[k].what, sizeof e[k].what, "Action item due: %.120s%s", list[i].text,
                     list[i].closed_at != 0 ? " (closed)" : "");
        else
            snprintf(e[k].what, sizeof e[k].what, "%s%s", title,
                     list[i].closed_at != 0 ? " (closed)" : "");
        k++;
    }
    f.venue_id = v->id;
    f.to = r->now + 1; /* as at a past date, nothing after it */
    if (lnt_store_incident_list(r->web->store, &f, 0, TIMELINE_INCIDENTS, &inc, &ni, NULL) ==
        LNT_OK)
        for (size_t i = 0; i < ni; i++) {
            e[k].at = inc[i].occurred_at;
            snprintf(e[k].what, sizeof e[k].what, "Incident: %s",
                     web_incident_words(WEB_INC_KIND, inc[i].kind));
            lnt_str_copy(e[k].report_id, sizeof e[k].report_id, inc[i].report_id);
            k++;
        }
    free(inc);
    /* score changes up to the page's date: the scan's record of the band over time */
    if (lnt_store_score_history(r->web->store, v->id, r->now, WEB_SCORE_CHANGES_MAX, &sc, &ns,
                                NULL) == LNT_OK)
        for (size_t i = 0; i < ns; i++) {
            e[k].at = sc[i].at;
            web_score_change_words(&sc[i], e[k].what, sizeof e[k].what);
            web_score_change_href(&sc[i], e[k].href, sizeof e[k].href);
            k++;
        }
    free(sc);
    qsort(e, k, sizeof *e, tl_cmp);
    lnt_html_raw(&r->h, "<h3 id=\"timeline-h\">Timeline</h3><p class=\"muted\">Casework beside "
                        "the latest incidents and score changes, newest first (an action item "
                        "by its due date; a score change links to the case file as it stood "
                        "that night). The score's band and trend are at the top of this page."
                        "</p><ol "
                        "class=\"timeline\" id=\"timeline\" "
                        "aria-labelledby=\"timeline-h\">");
    for (size_t i = 0; i < k && i < TIMELINE_MAX; i++) {
        lnt_html_raw(&r->h, "<li>");
        if (e[i].dated)
            web_date(&r->h, (int32_t)(e[i].at / 86400));
        else
            web_time(&r->h, e[i].at);
        lnt_html_raw(&r->h, " &#8212; ");
        if (e[i].link != 0)
            lnt_html_rawf(&r->h, "<a href=\"#cw-%lld\">", (long long)e[i].link);
        else if (e[i].href[0] != '\0') {
            /* its own date: the as-at rewriting (data-period) leaves it alone */
            lnt_html_raw(&r->h, "<a class=\"score-change\" data-period=\"change\" href=\"");
            lnt_html_attr(&r->h, e[i].href);
            lnt_html_raw(&r->h, "\">");
        } else {
            lnt_html_raw(&r->h, "<a href=\"#inc-");
            lnt_html_attr(&r->h, e[i].report_id);
            lnt_html_raw(&r->h, "\">");
        }
        lnt_html_txt(&r->h, e[i].what);
        lnt_html_raw(&r->h, "</a></li>");
    }
    if (k == 0)
        lnt_html_raw(&r->h, "<li class=\"empty\">Nothing yet.</li>");
    lnt_html_raw(&r->h, "</ol>");
    free(e);
}

void web_casework_section(struct web_req *r, const struct lnt_venue *v)
{
    struct lnt_casework *list = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    if (!web_can_casework(r))
        return;
    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"casework\" aria-labelledby=\"cw-h\">"
                        "<h2 id=\"cw-h\">Casework</h2>");
    if (web_query(r, "saved") != NULL && strcmp(web_query(r, "saved"), "casework") == 0)
        lnt_html_rawf(&r->h,
                      "<div class=\"notice ok\" role=\"status\" id=\"casework-saved\">"
                      "Saved. Earlier versions stay in each record's history.%s</div>",
                      r->as_at != 0 ? " The change is dated today, so this page, as at an "
                                      "earlier date, does not show it yet."
                                    : "");
    if (lnt_store_cw_list_at(r->web->store, v->id, cw_at(r), &list, &n, err) != LNT_OK) {
        lnt_error("dashboard: casework: %s", err);
        lnt_html_raw(&r->h, "<p class=\"empty\">The casework could not be read.</p></section>");
        return;
    }
    add_form(r, v, list, n);
    lnt_html_raw(&r->h, "<div class=\"table-wrap\"><table id=\"casework-table\" class=\"cards\">"
                        "<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Record</th>"
                        "<th scope=\"col\">State</th><th scope=\"col\" class=\"no-print\">"
                        "Change</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++)
        record_row(r, v, &list[i]);
    if (n == 0)
        lnt_html_raw(&r->h, "<tr><td colspan=\"4\" class=\"empty\">No casework recorded."
                            "</td></tr>");
    lnt_html_raw(&r->h, "</tbody></table></div>");
    timeline(r, v, list, n);
    lnt_html_raw(&r->h, "</section>");
    free(list);
}

/* ---- a record's history and a letter's PDF ---- */

/* The record params[1] of venue params[0], for an officer who may see it; false with the page
 * written otherwise. */
static bool record_of(struct web_req *r, struct lnt_venue *v, struct lnt_casework *c)
{
    int64_t vid, id;

    if (!web_param_id(r, 0, &vid) || !web_venue_in_scope(r, vid, v) || !web_param_id(r, 1, &id))
        return false;
    if (!web_can_casework(r)) {
        web_audit(r, "access.refused", "casework", "role may not see casework");
        web_error(r, 403, "Not allowed", "Your role cannot see the partnership's casework.");
        return false;
    }
    if (lnt_store_cw_get(r->web->store, id, c, NULL) != LNT_OK || c->venue_id != vid) {
        web_error(r, 404, "Not found", "This venue has no such casework record.");
        return false;
    }
    return true;
}

void web_casework_history(struct web_req *r)
{
    struct lnt_venue v;
    struct lnt_casework *c = calloc(1, sizeof *c), *h = NULL;
    char object[32], title[LNT_CW_SHORT_MAX + 32];
    size_t n = 0;

    if (c == NULL || !record_of(r, &v, c))
        goto out;
    if (lnt_store_cw_history(r->web->store, c->id, &h, &n, NULL) != LNT_OK) {
        web_error(r, 500, "Something went wrong", "The history could not be read.");
        goto out;
    }
    snprintf(object, sizeof object, "venue %lld", (long long)v.id);
    web_audit(r, "casework.read", object, "a record's history");
    record_title(c, title, sizeof title);
    web_page_begin(r, title, "overview");
    lnt_html_raw(&r->h, "<h1>");
    lnt_html_txt(&r->h, title);
    lnt_html_rawf(&r->h, "</h1><p><a href=\"/venues/%lld#cw-%lld\">Back to the case file of ",
                  (long long)v.id, (long long)c->id);
    lnt_html_txt(&r->h, v.name);
    lnt_html_raw(&r->h, "</a></p><p class=\"muted\">Every version, oldest first. Nothing is "
                        "deleted: an edit writes a new version and the one before is kept.</p>"
                        "<div class=\"table-wrap\"><table id=\"history-table\"><thead><tr><th "
                        "scope=\"col\">Version</th><th scope=\"col\">Written</th><th "
                        "scope=\"col\">By</th><th scope=\"col\">Date</th><th scope=\"col\">Text"
                        "</th><th scope=\"col\">State</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        lnt_html_rawf(&r->h, "<tr><td>%d</td><td>", (int)h[i].version);
        web_time(&r->h, h[i].at);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, h[i].by);
        lnt_html_raw(&r->h, "</td><td>");
        web_date(&r->h, h[i].on);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, h[i].text);
        if (h[i].type == LNT_CW_ITEM) {
            lnt_html_raw(&r->h, "<br/><span class=\"muted\">");
            lnt_html_txt(&r->h, web_casework_words(h[i].status));
            if (h[i].evidence[0] != '\0') {
                lnt_html_raw(&r->h, ": ");
                lnt_html_txt(&r->h, h[i].evidence);
            }
            lnt_html_raw(&r->h, "</span>");
        }
        if (h[i].pdf_sha256[0] != '\0')
            lnt_html_rawf(&r->h,
                          "<br/><a href=\"/venues/%lld/casework/%lld/letter.pdf?version=%d\">PDF"
                          "</a>",
                          (long long)v.id, (long long)c->id, (int)h[i].version);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_raw(&r->h, h[i].closed_at != 0       ? "closed"
                            : h[i].superseded_at != 0 ? "superseded"
                                                      : "current");
        lnt_html_raw(&r->h, "</td></tr>");
    }
    lnt_html_raw(&r->h, "</tbody></table></div>");
    web_page_end(r, 200);
out:
    free(h);
    free(c);
}

void web_casework_letter_pdf(struct web_req *r)
{
    struct lnt_venue v;
    struct lnt_casework *c = calloc(1, sizeof *c);
    char object[32], disp[96];
    uint8_t *pdf = NULL;
    size_t n = 0;
    int32_t version = 0;
    const char *vq = web_query(r, "version");
    int64_t ver = 0;

    if (c == NULL || !record_of(r, &v, c))
        goto out;
    if (vq != NULL && lnt_parse_i64(vq, 1, INT32_MAX, &ver) == LNT_OK)
        version = (int32_t)ver;
    if (lnt_store_cw_pdf(r->web->store, c->id, version, &pdf, &n, NULL) != LNT_OK) {
        web_error(r, 404, "Not found", "This record has no letter attached at that version.");
        goto out;
    }
    snprintf(object, sizeof object, "venue %lld", (long long)v.id);
    web_audit(r, "casework.pdf", object, "a letter's PDF");
    lnt_buf_reset(&r->resp->body);
    if (lnt_buf_append(&r->resp->body, pdf, n) != LNT_OK) {
        web_error(r, 500, "Something went wrong", "The letter does not fit a reply.");
        goto out;
    }
    lnt_str_copy(r->resp->content_type, sizeof r->resp->content_type, "application/pdf");
    snprintf(disp, sizeof disp, "attachment; filename=\"letter-%lld.pdf\"", (long long)c->id);
    web_header(r, "Content-Disposition", disp);
    r->resp->status = 200;
out:
    free(pdf);
    free(c);
}

/* ---- the overview: my overdue action items ---- */

void web_casework_overdue(struct web_req *r)
{
    struct lnt_casework *items = NULL;
    size_t n = 0;

    if (!web_can_casework(r) ||
        lnt_store_cw_overdue(r->web->store, r->officer.id, lnt_london_date(r->now),
                             r->as_at != 0 ? r->now : 0, &r->officer.scope, &items, &n,
                             NULL) != LNT_OK ||
        n == 0) {
        free(items);
        return;
    }
    lnt_html_rawf(&r->h,
                  "<section class=\"panel\" id=\"overdue-items\" aria-labelledby=\"od-h\"><h2 "
                  "id=\"od-h\">Your overdue action items (%zu)</h2><ul>",
                  n);
    for (size_t i = 0; i < n; i++) {
        struct lnt_venue v;
        if (lnt_store_venue_get(r->web->store, items[i].venue_id, &v, NULL) != LNT_OK)
            continue;
        lnt_html_rawf(&r->h, "<li><a href=\"/venues/%lld#cw-%lld\">", (long long)v.id,
                      (long long)items[i].id);
        lnt_html_txt(&r->h, v.name);
        lnt_html_raw(&r->h, "</a>: ");
        lnt_html_txt(&r->h, items[i].text);
        lnt_html_raw(&r->h, " <span class=\"status st-not_met\">due ");
        web_date(&r->h, items[i].on);
        lnt_html_raw(&r->h, "</span></li>");
    }
    lnt_html_raw(&r->h, "</ul></section>");
    free(items);
}

/* ---- the evidence pack ---- */

void web_casework_pack(struct web_req *r, const struct lnt_venue *v, struct web_pdf *p)
{
    struct lnt_casework *list = NULL;
    char buf[2 * LNT_CW_TEXT_MAX + 512], title[LNT_CW_SHORT_MAX + 32], date[LNT_LOCAL_DATE_STRLEN];
    size_t n = 0;

    web_pdf_heading(p, "Casework", "casework");
    if (!web_can_casework(r)) {
        web_pdf_para(p, "Not included: the partnership's casework is not shown to a venue.", 9,
                     false);
        return;
    }
    if (lnt_store_cw_list_at(r->web->store, v->id, cw_at(r), &list, &n, NULL) != LNT_OK) {
        web_pdf_para(p, "The casework could not be read.", 9, false);
        return;
    }
    web_pdf_para(p,
                 r->as_at != 0 ? "Each record as it stood at the date of this pack (later "
                                 "changes are in its history on the dashboard), newest first; "
                                 "a plan's items follow it."
                               : "Each record as it stands now (its history is on the "
                                 "dashboard), newest first; a plan's items follow it.",
                 9, false);
    for (size_t i = 0; i < n; i++) {
        const struct lnt_casework *c = &list[i];
        record_title(c, title, sizeof title);
        if (c->on <= 0 || lnt_local_date_format(c->on, date) != LNT_OK)
            lnt_str_copy(date, sizeof date, "undated");
        if (c->type == LNT_CW_VISIT)
            snprintf(buf, sizeof buf, "%s, %s, by %s: %s%s", date, title, c->officers, c->text,
                     c->closed_at != 0 ? " (closed)" : "");
        else if (c->type == LNT_CW_ITEM)
            snprintf(buf, sizeof buf, "    Item due %s (%s): %s%s%s", date,
                     web_casework_words(c->status), c->text,
                     c->evidence[0] != '\0' ? ". Evidence: " : "", c->evidence);
        else if (c->type == LNT_CW_REVIEW)
            snprintf(buf, sizeof buf, "%s, %s. Outcome: %s. Conditions: %s", date, title,
                     c->outcome[0] != '\0' ? c->outcome : "not yet",
                     c->conditions[0] != '\0' ? c->conditions : "none recorded");
        else
            snprintf(buf, sizeof buf, "%s, %s%s%s%s%s", date, title, c->text[0] ? ": " : "",
                     c->text, c->pdf_sha256[0] ? " (letter attached as a PDF)" : "",
                     c->closed_at != 0 ? " (closed)" : "");
        web_pdf_para(p, buf, 9, c->type != LNT_CW_ITEM);
    }
    if (n == 0)
        web_pdf_para(p, "None recorded.", 9, false);
    free(list);
    web_score_changes_pack(r, v, p);
}
