/* web_place_record.c - one officer's record of an incident in a public place: its history (every
 * version, who corrected it, when and why) and the form that corrects it. A correction is a new
 * record superseding the old, which is kept; only an officer whose scope covers the record may
 * make one, and every view and correction is audited. */
#include "web_map_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "log.h"
#include "ltime.h"
#include "night.h"

/*
 * The history of record params[0] when this officer may see it (*h is then the caller's to
 * free, the current version last); else the page is written (404, or 403 with an audit row)
 * and false.
 */
static bool history_load(struct web_req *r, int64_t *id, struct lnt_place_incident **h, size_t *n)
{
    char err[LNT_ERRBUF_SIZE] = "", object[48];
    enum lnt_err rc;

    *h = NULL;
    *n = 0;
    if (!web_param_id(r, 0, id))
        return false;
    snprintf(object, sizeof object, "place incident %lld", (long long)*id);
    if (!web_can_see_town(r)) {
        web_audit(r, "access.refused", object, "venue account");
        web_error(r, 403, "Not available", "The street records cover the whole town.");
        return false;
    }
    rc = lnt_store_place_incident_history(r->web->store, *id, h, n, err);
    if (rc == LNT_ERR_NOT_FOUND) {
        web_error(r, 404, "Not found", "There is no such record.");
        return false;
    }
    if (rc != LNT_OK) {
        lnt_error("dashboard: street record: %s", err);
        web_error(r, 500, "Something went wrong", "The record could not be read.");
        return false;
    }
    for (size_t i = 0; i < *n; i++)
        if (!web_place_visible(r, (*h)[i].authority)) {
            web_audit(r, "access.refused", object, "another authority's record");
            web_error(r, 403, "Not allowed", "That record belongs to another licensing authority.");
            free(*h);
            *h = NULL;
            return false;
        }
    return true;
}

static void versions_table(struct web_req *r, const struct lnt_place_incident *h, size_t n)
{
    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"pv-h\"><h2 id=\"pv-h\">Its "
                        "history</h2><p class=\"muted\">Every version is kept: a correction is a "
                        "new version, saying who made it, when and why.</p><div "
                        "class=\"table-wrap\"><table id=\"record-history\"><thead><tr><th "
                        "scope=\"col\">Version</th><th scope=\"col\">When it happened</th><th "
                        "scope=\"col\">What</th><th scope=\"col\">Note</th><th scope=\"col\">"
                        "Recorded by</th><th scope=\"col\">Why it was corrected</th><th "
                        "scope=\"col\">Status</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const struct lnt_place_incident *v = &h[i];
        lnt_html_rawf(&r->h,
                      "<tr data-record=\"%lld\" class=\"%s\"><th scope=\"row\">%zu "
                      "<span class=\"muted\">(#%lld)</span></th><td>",
                      (long long)v->id, v->superseded_by != 0 ? "superseded" : "current", i + 1,
                      (long long)v->id);
        web_time(&r->h, v->occurred_at);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, web_incident_words(WEB_INC_KIND, v->kind));
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, v->note);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, v->recorded_by);
        lnt_html_raw(&r->h, ", ");
        web_time(&r->h, v->recorded_at);
        lnt_html_raw(&r->h, "</td><td class=\"reason\">");
        if (v->supersedes != 0)
            lnt_html_txt(&r->h, v->reason[0] != '\0' ? v->reason : "(no reason recorded)");
        else
            lnt_html_raw(&r->h, "<span class=\"muted\">first record</span>");
        lnt_html_raw(&r->h, "</td><td>");
        if (v->superseded_by != 0) {
            lnt_html_rawf(&r->h, "Superseded by version %zu, ", i + 2);
            web_time(&r->h, v->superseded_at);
        } else {
            lnt_html_raw(&r->h, "<strong>Current</strong>");
        }
        lnt_html_raw(&r->h, "</td></tr>");
    }
    lnt_html_raw(&r->h, "</tbody></table></div></section>");
}

/* The correction form, prefilled with the current version `cur`. */
static void correct_form(struct web_req *r, const struct lnt_place_incident *cur)
{
    char date[LNT_DATE_STRLEN] = "", time[8];
    int64_t local = cur->occurred_at + lnt_london_offset(cur->occurred_at);
    int64_t sec = ((local % 86400) + 86400) % 86400;

    lnt_date_format(lnt_london_date(cur->occurred_at), date);
    snprintf(time, sizeof time, "%02d:%02d", (int)(sec / 3600), (int)(sec % 3600 / 60));
    lnt_html_rawf(&r->h,
                  "<section class=\"panel\" id=\"correct\" aria-labelledby=\"pc-h\"><h2 "
                  "id=\"pc-h\">Correct this record</h2><p class=\"muted\">The correction "
                  "replaces it on the Street page and the map; this version stays in the "
                  "history. Say why: the reason is kept with the correction.</p><form "
                  "method=\"post\" id=\"place-correct\" class=\"form-grid\" "
                  "action=\"/street/records/%lld/correct\">",
                  (long long)cur->id);
    web_csrf_field(r);
    lnt_html_rawf(&r->h,
                  "<div class=\"field\"><label for=\"pc-date\">Date (YYYY-MM-DD)</label><input "
                  "type=\"text\" id=\"pc-date\" name=\"date\" value=\"%s\" required=\"required\" "
                  "pattern=\"[0-9]{4}-[0-9]{2}-[0-9]{2}\"/></div><div class=\"field\"><label "
                  "for=\"pc-time\">Time, UK (HH:MM)</label><input type=\"text\" id=\"pc-time\" "
                  "name=\"time\" value=\"%s\" required=\"required\" pattern=\"[0-9]{2}:[0-9]{2}\"/>"
                  "</div><div class=\"field\"><label for=\"pc-kind\">What happened</label><select "
                  "id=\"pc-kind\" name=\"kind\">",
                  date, time);
    for (size_t k = 0; lnt_incident_kinds[k] != NULL; k++) {
        lnt_html_rawf(&r->h, "<option value=\"%s\"%s>", lnt_incident_kinds[k],
                      strcmp(cur->kind, lnt_incident_kinds[k]) == 0 ? " selected=\"selected\""
                                                                    : "");
        lnt_html_txt(&r->h, web_incident_words(WEB_INC_KIND, lnt_incident_kinds[k]));
        lnt_html_raw(&r->h, "</option>");
    }
    lnt_html_rawf(&r->h,
                  "</select></div><div class=\"field\"><label for=\"pc-note\">Note (no names)"
                  "</label><input type=\"text\" id=\"pc-note\" name=\"note\" maxlength=\"%d\" "
                  "value=\"",
                  LNT_PLACE_NOTE_MAX);
    lnt_html_attr(&r->h, cur->note);
    lnt_html_rawf(&r->h,
                  "\"/></div><div class=\"field\"><label for=\"pc-reason\">Why it is corrected"
                  "</label><input type=\"text\" id=\"pc-reason\" name=\"reason\" maxlength=\"%d\" "
                  "required=\"required\"/></div><button type=\"submit\">Correct it</button></form>"
                  "</section>",
                  LNT_PLACE_NOTE_MAX);
}

void web_place_record_page(struct web_req *r)
{
    struct lnt_place_incident *h = NULL, *cur;
    size_t n = 0;
    int64_t id;
    char object[48];

    if (!history_load(r, &id, &h, &n))
        return;
    cur = &h[n - 1];
    snprintf(object, sizeof object, "place incident %lld", (long long)id);
    web_audit(r, "street.record.read", object, "a record's history");
    web_page_begin(r, "Street record", "street");
    lnt_html_raw(&r->h, "<p class=\"no-print\"><a href=\"/street\">Street</a></p><h1>A record at ");
    lnt_html_txt(&r->h, cur->place_name);
    lnt_html_raw(&r->h, "</h1>");
    if (web_query(r, "done") != NULL)
        lnt_html_raw(&r->h, "<div class=\"notice ok\" role=\"status\" id=\"record-done\">The "
                            "correction was recorded; the version before it is kept below.</div>");
    lnt_html_raw(&r->h, "<p class=\"lede\">");
    lnt_html_txt(&r->h, web_incident_words(WEB_INC_KIND, cur->kind));
    lnt_html_raw(&r->h, ", ");
    web_time(&r->h, cur->occurred_at);
    lnt_html_raw(&r->h, " (the night of ");
    web_date(&r->h, cur->night);
    lnt_html_raw(&r->h, ").</p>");
    versions_table(r, h, n);
    if (web_place_may_correct(r, cur))
        correct_form(r, cur);
    web_page_end(r, 200);
    free(h);
}

void web_place_record_correct(struct web_req *r)
{
    struct lnt_place_incident *h = NULL, in;
    const char *kind = web_form_get(&r->form, "kind"), *note = web_form_get(&r->form, "note");
    const char *reason = web_form_get(&r->form, "reason");
    char err[LNT_ERRBUF_SIZE] = "", object[48], detail[48], where[64];
    size_t n = 0;
    int64_t id;
    enum lnt_err rc;

    if (!history_load(r, &id, &h, &n))
        return;
    snprintf(object, sizeof object, "place incident %lld", (long long)id);
    rc = lnt_place_scope_covers(&r->officer.scope, h[n - 1].authority) ? LNT_OK : LNT_ERR_FORBIDDEN;
    free(h);
    if (rc != LNT_OK) {
        web_audit(r, "access.refused", object, "role may not correct street records");
        web_error(r, 403, "Not allowed", "Only officers and police correct street records.");
        return;
    }
    memset(&in, 0, sizeof in);
    in.recorded_at = r->now;
    if (!web_local_instant(web_form_get(&r->form, "date"), web_form_get(&r->form, "time"),
                           &in.occurred_at)) {
        web_error(r, 400, "Not corrected", "Give the date as YYYY-MM-DD and the time as HH:MM.");
        return;
    }
    if (reason == NULL || reason[0] == '\0') {
        web_error(r, 400, "Not corrected", "Say why the record is corrected.");
        return;
    }
    if (kind == NULL || lnt_str_copy(in.kind, sizeof in.kind, kind) != LNT_OK ||
        (note != NULL && lnt_str_copy(in.note, sizeof in.note, note) != LNT_OK) ||
        lnt_str_copy(in.reason, sizeof in.reason, reason) != LNT_OK) {
        web_error(r, 400, "Not corrected", "The kind, the note or the reason is too long.");
        return;
    }
    rc = lnt_store_place_incident_supersede(r->web->store, &r->officer, id, &in, err);
    if (rc == LNT_ERR_FORBIDDEN) {
        web_audit(r, "access.refused", object, "another authority's record");
        web_error(r, 403, "Not allowed", "That record belongs to another licensing authority.");
        return;
    }
    if (rc == LNT_ERR_STATE) {
        web_error(r, 409, "Not corrected",
                  "The record was corrected already: correct the current version.");
        return;
    }
    if (rc != LNT_OK) {
        if (rc != LNT_ERR_INVALID)
            lnt_error("dashboard: street correct: %s", err);
        web_error(r, rc == LNT_ERR_INVALID ? 400 : 500, "Not corrected", err);
        return;
    }
    snprintf(detail, sizeof detail, "corrected by place incident %lld", (long long)in.id);
    web_audit(r, "street.correct", object, detail);
    snprintf(where, sizeof where, "/street/records/%lld?done=1", (long long)in.id);
    web_redirect(r, where);
}
