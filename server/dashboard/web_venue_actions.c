/* web_venue_actions.c - the printable door register, opening sealed incident details, findings. */
#include "web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "log.h"
#include "ltime.h"
#include "night.h"
#include "score_cache.h"

#define REGISTER_NIGHTS_MAX 92 /* one printable register covers at most a quarter */
#define DETAILS_MAX 8192

void web_register(struct web_req *r)
{
    struct lnt_venue v;
    struct lnt_shift *sh = NULL;
    char err[LNT_ERRBUF_SIZE] = "", object[32];
    int32_t first, last, from, to;
    size_t n = 0;
    int64_t id;

    if (!web_param_id(r, 0, &id) || !web_venue_in_scope(r, id, &v))
        return;
    if (!web_can_read_register(r)) {
        web_audit(r, "access.refused", r->http->path, "may not read the door register");
        web_error(r, 403, "Not allowed", "Your account cannot see the door register.");
        return;
    }
    web_window(r->web, r->now, &first, &last);
    from = web_query_date(r, "from", last - 6);
    to = web_query_date(r, "to", last);
    if (to < from || to - from + 1 > REGISTER_NIGHTS_MAX) {
        web_error(r, 400, "Choose a shorter range",
                  "A register covers from 1 to 92 nights, with the first night before the last.");
        return;
    }
    if (lnt_store_register_list(r->web->store, id, web_night_start(from), web_night_start(to + 1),
                                0, LNT_VIEW_MAX, &sh, &n, err) != LNT_OK) {
        lnt_error("dashboard: register: %s", err);
        web_error(r, 500, "Something went wrong", "The register could not be read.");
        return;
    }
    snprintf(object, sizeof object, "venue %lld", (long long)id);
    web_audit(r, "register.view", object, r->http->path);
    web_page_begin(r, "Door register", r->officer.scope.venue_id != 0 ? "venue" : "overview");
    lnt_html_rawf(&r->h, "<p class=\"crumbs\"><a href=\"/venues/%lld\">", (long long)id);
    lnt_html_txt(&r->h, v.name);
    lnt_html_raw(&r->h, "</a> &#8250; Door register</p><h1>Door-supervisor register: ");
    lnt_html_txt(&r->h, v.name);
    lnt_html_raw(&r->h, "</h1><p class=\"lede\">Nights ");
    web_date(&r->h, from);
    lnt_html_raw(&r->h, " to ");
    web_date(&r->h, to);
    lnt_html_raw(&r->h, " (each night runs 06:00 to 06:00, London time). Printed ");
    web_time(&r->h, r->now);
    lnt_html_raw(&r->h, " by ");
    lnt_html_txt(&r->h, r->officer.name);
    lnt_html_rawf(&r->h,
                  ".</p><p class=\"no-print\"><button type=\"button\" data-print=\"1\" "
                  "class=\"secondary\">Print</button> <a class=\"button secondary\" "
                  "href=\"/exports/register.csv?venue=%lld&amp;from=",
                  (long long)id);
    {
        char d[LNT_DATE_STRLEN];
        if (lnt_date_format(from, d) == LNT_OK)
            lnt_html_raw(&r->h, d);
        lnt_html_raw(&r->h, "&amp;to=");
        if (lnt_date_format(to, d) == LNT_OK)
            lnt_html_raw(&r->h, d);
    }
    lnt_html_raw(&r->h,
                 "\">Download CSV</a></p><div class=\"panel\"><div class=\"table-wrap\">"
                 "<table id=\"register-table\"><thead><tr><th scope=\"col\">Signed in</th>"
                 "<th scope=\"col\">Signed out</th><th scope=\"col\">Name</th><th "
                 "scope=\"col\">Role</th><th scope=\"col\">SIA licence</th><th scope=\"col\">"
                 "Licence status</th><th scope=\"col\">Training on the night</th><th "
                 "scope=\"col\">Badge</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const struct lnt_shift *s = &sh[i];
        lnt_html_raw(&r->h, "<tr><td>");
        web_time(&r->h, s->on_at);
        lnt_html_raw(&r->h, "</td><td>");
        if (s->off_at == 0)
            lnt_html_raw(&r->h, "<span class=\"stale\">not signed out</span>");
        else
            web_time(&r->h, s->off_at);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, s->staff_name[0] != '\0' ? s->staff_name : s->staff_id);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, lnt_role_name(s->role));
        if (s->duty == LNT_DUTY_OTHER)
            lnt_html_raw(&r->h, " <span class=\"status st-not_met\">other duties, not the "
                                "door</span>");
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, s->sia_number[0] != '\0' ? s->sia_number : "none");
        lnt_html_raw(&r->h, "</td><td>");
        if (s->role != LNT_ROLE_DOOR)
            lnt_html_raw(&r->h, "<span class=\"muted\">not required</span>");
        else
            lnt_html_rawf(&r->h, "<span class=\"status st-%s\">%s</span>",
                          s->sia_ok ? "met" : "not_met", lnt_shift_licence_word(s));
        if (s->sia_listed)
            lnt_html_raw(&r->h, " <span class=\"muted\">(the scheme&#8217;s listing)</span>");
        lnt_html_rawf(&r->h, "</td><td>%s%s%s", s->vuln_trained ? "vulnerability " : "",
                      s->angela_trained ? "Ask-for-Angela " : "",
                      s->bystander_trained ? "bystander" : "");
        web_training_missing(&r->h, s->training_missing);
        lnt_html_raw(&r->h, "</td><td>");
        web_badge_flag(&r->h, s->badge_flag);
        lnt_html_raw(&r->h, "</td></tr>\n");
    }
    if (n == 0)
        lnt_html_raw(&r->h, "<tr><td colspan=\"8\" class=\"empty\">Nobody signed in on these "
                            "nights.</td></tr>");
    lnt_html_rawf(&r->h, "</tbody></table></div><p class=\"muted\">%zu shifts%s.</p></div>", n,
                  n == LNT_VIEW_MAX ? " (the first 1000: choose a shorter range for the rest)"
                                    : "");
    web_page_end(r, 200);
    free(sh);
}

/*
 * The kiosk's details JSON as a list of its fields (arrays joined), with the raw text below, in
 * a div with id `id` (NULL: none).
 */
static void details_list(struct web_req *r, const char *id, const char *details, size_t len)
{
    json_t *j = json_loadb(details, len, 0, NULL);
    const char *key;
    json_t *v;

    if (id != NULL)
        lnt_html_rawf(&r->h, "<div id=\"%s\">", id);
    else
        lnt_html_raw(&r->h, "<div class=\"part-details\">");
    if (json_is_object(j)) {
        lnt_html_raw(&r->h, "<dl class=\"facts\">");
        json_object_foreach(j, key, v)
        {
            lnt_html_raw(&r->h, "<dt>");
            lnt_html_txt(&r->h, key);
            lnt_html_raw(&r->h, "</dt><dd>");
            if (json_is_string(v)) {
                lnt_html_txt(&r->h, json_string_value(v));
            } else if (json_is_array(v)) {
                size_t i;
                json_t *e;
                json_array_foreach(v, i, e)
                {
                    char *t = json_is_string(e) ? NULL : json_dumps(e, JSON_ENCODE_ANY);
                    if (i > 0)
                        lnt_html_raw(&r->h, "; ");
                    lnt_html_txt(&r->h, t != NULL ? t : json_string_value(e));
                    free(t);
                }
            } else {
                char *t = json_dumps(v, JSON_ENCODE_ANY);
                lnt_html_txt(&r->h, t);
                free(t);
            }
            lnt_html_raw(&r->h, "</dd>");
        }
        lnt_html_raw(&r->h, "</dl>");
    }
    lnt_html_raw(&r->h, "<details class=\"data\"><summary>As the kiosk sent them</summary><pre "
                        "class=\"details\">");
    lnt_html_txtn(&r->h, details, len);
    lnt_html_raw(&r->h, "</pre></details></div>");
    json_decref(j);
}

/* Every save of the report, oldest first: when, from which kiosk, and what it said. */
static void parts_section(struct web_req *r, const struct lnt_incident_part *parts, size_t n)
{
    if (n == 0)
        return;
    lnt_html_rawf(&r->h, "<h2>Saves, as received (%zu)</h2><ol id=\"incident-parts\">", n);
    for (size_t i = 0; i < n; i++) {
        const struct lnt_incident_part *p = &parts[i];
        lnt_html_raw(&r->h, "<li class=\"part\"><p>Saved ");
        web_time(&r->h, p->recorded_at);
        lnt_html_rawf(&r->h, " on kiosk %lld, received ", (long long)p->kiosk_id);
        web_time(&r->h, p->received_at);
        lnt_html_raw(&r->h, p->complete ? " &#8212; complete</p>" : " &#8212; to finish later</p>");
        if (p->state == LNT_PART_OPENED)
            details_list(r, NULL, p->details, p->len);
        else if (p->state == LNT_PART_DAMAGED)
            lnt_html_raw(&r->h, "<p class=\"notice error\">These details do not open with this "
                                "scheme's key.</p>");
        else
            lnt_html_raw(&r->h, "<p class=\"empty\">No details in this save.</p>");
        lnt_html_raw(&r->h, "</li>");
    }
    lnt_html_raw(&r->h, "</ol>");
}

void web_incident_open(struct web_req *r)
{
    struct lnt_venue v;
    struct lnt_incident inc;
    char err[LNT_ERRBUF_SIZE] = "", *details = NULL;
    struct lnt_incident_part *parts = NULL;
    size_t len = 0, n_parts = 0;
    int64_t id;
    enum lnt_err rc;

    if (!web_param_id(r, 0, &id) || !web_venue_in_scope(r, id, &v))
        return;
    if (!web_can_open_incidents(r)) {
        web_audit(r, "access.refused", r->params[1], "incident details: role may not open them");
        web_error(r, 403, "Not allowed",
                  "Your role cannot open incident details. The attempt has been recorded.");
        return;
    }
    /* the incident must belong to the venue in the address: scope was checked on that venue */
    rc = lnt_store_incident_get(r->web->store, r->params[1], &inc, err);
    if (rc != LNT_OK && rc != LNT_ERR_NOT_FOUND) {
        lnt_error("dashboard: incident lookup: %s", err);
        web_error(r, 500, "Cannot open", "The incident could not be looked up.");
        return;
    }
    if (rc == LNT_ERR_NOT_FOUND || inc.venue_id != id) {
        web_error(r, 404, "No such incident", "That incident is not recorded at this venue.");
        return;
    }
    details = calloc(1, DETAILS_MAX);
    if (details == NULL) {
        web_error(r, 503, "Busy", "The server is short of memory.");
        return;
    }
    rc = lnt_store_incident_open_parts(r->web->store, r->params[1], r->actor, &inc, details,
                                       DETAILS_MAX, &len, &parts, &n_parts, err);
    if (rc != LNT_OK && rc != LNT_ERR_CRYPTO) {
        lnt_error("dashboard: incident open: %s", err);
        web_error(r, rc == LNT_ERR_NOT_FOUND ? 404 : 500, "Cannot open",
                  "The incident's details could not be opened.");
        goto out;
    }
    web_page_begin(r, "Incident details", "overview");
    lnt_html_rawf(&r->h, "<p class=\"crumbs\"><a href=\"/venues/%lld#incidents\">", (long long)id);
    lnt_html_txt(&r->h, v.name);
    lnt_html_raw(&r->h, "</a> &#8250; Incident</p><h1>Incident details</h1><div "
                        "class=\"notice\">Opening these details has been recorded in the audit "
                        "log under your name.</div><div class=\"panel\"><dl class=\"facts\" "
                        "id=\"incident-facts\"><dt>Report</dt><dd>");
    lnt_html_txt(&r->h, inc.report_id);
    lnt_html_raw(&r->h, "</dd><dt>Type</dt><dd>");
    lnt_html_txt(&r->h, web_incident_words(WEB_INC_KIND, inc.kind));
    lnt_html_raw(&r->h, "</dd><dt>When</dt><dd>");
    web_time(&r->h, inc.occurred_at);
    lnt_html_rawf(&r->h, "</dd><dt>Severity</dt><dd>%d</dd><dt>Place</dt><dd>", inc.severity);
    lnt_html_txt(&r->h, web_incident_words(WEB_INC_PLACE, inc.place));
    lnt_html_raw(&r->h, "</dd><dt>Outcome</dt><dd>");
    lnt_html_txt(&r->h, inc.outcome[0] != '\0' ? web_incident_words(WEB_INC_OUTCOME, inc.outcome)
                                               : "none yet");
    lnt_html_raw(&r->h, inc.complete ? "" : " (report open: to be finished on the kiosk)");
    lnt_html_rawf(&r->h, "</dd><dt>Police</dt><dd>%s</dd><dt>Saves</dt><dd>%d, last ",
                  inc.police_called ? "called" : "not called", inc.updates);
    web_time(&r->h, inc.updated_at);
    lnt_html_raw(&r->h, "</dd></dl><h2>Details</h2>");
    if (rc == LNT_ERR_CRYPTO)
        lnt_html_raw(&r->h, "<p class=\"notice error\">The sealed details do not open with this "
                            "scheme's key.</p>");
    else if (len == 0)
        lnt_html_raw(&r->h, "<p class=\"empty\">No details are held (none were given, or they "
                            "have passed their retention period).</p>");
    else
        details_list(r, "incident-details", details, len);
    parts_section(r, parts, n_parts);
    lnt_html_raw(&r->h, "</div>");
    web_page_end(r, 200);
out : {
    volatile char *p = details;
    for (size_t i = 0; p != NULL && i < DETAILS_MAX; i++)
        p[i] = 0;
}
    free(details);
    lnt_store_incident_parts_free(parts, n_parts);
}

void web_finding_post(struct web_req *r)
{
    struct lnt_venue v;
    struct lnt_finding f;
    char err[LNT_ERRBUF_SIZE] = "", where[64], object[32];
    const char *criterion = web_form_get(&r->form, "criterion");
    const char *met = web_form_get(&r->form, "met");
    const char *evidence = web_form_get(&r->form, "evidence");
    const char *found_on = web_form_get(&r->form, "found_on");
    const struct lnt_bbn_criterion *c;
    int64_t id;

    if (!web_param_id(r, 0, &id) || !web_venue_in_scope(r, id, &v))
        return;
    if (!web_can_record_findings(r)) {
        web_audit(r, "access.refused", "finding", "role may not record findings");
        web_error(r, 403, "Not allowed", "Your role cannot record assessor findings.");
        return;
    }
    memset(&f, 0, sizeof f);
    f.venue_id = id;
    c = criterion != NULL && r->web->rules != NULL
            ? lnt_bbn_catalogue_find(r->web->rules->bbn, criterion)
            : NULL;
    if (c == NULL || c->metric != LNT_METRIC_FINDING) {
        web_error(r, 400, "Not recorded",
                  "Choose a criterion that an assessor's finding evidences.");
        return;
    }
    if (met == NULL || (strcmp(met, "1") != 0 && strcmp(met, "0") != 0)) {
        web_error(r, 400, "Not recorded", "Say whether the criterion is met or not met.");
        return;
    }
    if (evidence != NULL && strlen(evidence) > LNT_EVIDENCE_MAX) {
        web_error(r, 400, "Not recorded", "The evidence is longer than 2000 characters.");
        return;
    }
    if (found_on == NULL || lnt_date_parse(found_on, &f.found_on) != LNT_OK ||
        f.found_on > lnt_london_date(r->now)) {
        web_error(r, 400, "Not recorded", "Give the date of the assessment (not in the future).");
        return;
    }
    lnt_str_copy(f.criterion, sizeof f.criterion, c->id);
    f.met = strcmp(met, "1") == 0;
    lnt_str_copy(f.evidence, sizeof f.evidence, evidence != NULL ? evidence : "");
    lnt_str_copy(f.assessor, sizeof f.assessor, r->officer.name);
    if (lnt_store_finding_add(r->web->store, &f, r->now, err) != LNT_OK) {
        web_error(r, 400, "Not recorded", err);
        return;
    }
    snprintf(object, sizeof object, "venue %lld", (long long)id);
    web_audit(r, "finding.add", object, c->id);
    lnt_score_cache_invalidate(r->web->score_cache, id); /* its score, and every league */
    snprintf(where, sizeof where, "/venues/%lld?saved=finding#findings", (long long)id);
    web_redirect(r, where);
}
