/* web_admin_door.c - Admin: the scheme's required training per role (`lanternctl training
 * require`), which kiosks receive at their next sync, and the SIA licence statuses the badge
 * cannot know about (`lanternctl sia set-status|clear|import`), which scoring reads. */
#include "web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "score_cache.h"
#include "sia_import.h"

static const char *const role_words[] = {"", "Door supervisors", "Bar staff", "Managers",
                                         "Volunteers"};

void web_admin_door_section(struct web_req *r)
{
    struct lnt_required_training req;

    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"required\"><h2>Required training</h2>"
                        "<p class=\"muted\">Kiosks show a badge without its role's required "
                        "training, or with it out of date, as AMBER and name the course; the "
                        "sign-in records what was missing. Kiosks pick changes up at their next "
                        "sync. The SIA licence is a separate rule for door supervisors.</p>");
    if (lnt_store_required_get(r->web->store, &req, NULL) != LNT_OK) {
        lnt_html_raw(&r->h, "<p class=\"empty\">The required training could not be read.</p>"
                            "</section>");
        return;
    }
    lnt_html_raw(&r->h, "<div class=\"table-wrap\"><table id=\"admin-required\"><thead><tr><th "
                        "scope=\"col\">Role</th><th scope=\"col\">Required</th></tr></thead>"
                        "<tbody>");
    for (int role = LNT_ROLE_DOOR; role <= LNT_ROLE_VOLUNTEER; role++) {
        bool any = false;
        lnt_html_rawf(&r->h, "<tr data-role=\"%s\"><td>%s</td><td>",
                      lnt_role_name((enum lnt_role)role), role_words[role]);
        for (int c = LNT_COURSE_BYSTANDER; c <= LNT_COURSE__MAX; c++) {
            const char *name = lnt_course_name((enum lnt_course)c);
            if ((req.courses[role] & LNT_COURSE_BIT(c)) == 0)
                continue;
            any = true;
            lnt_html_rawf(&r->h, "<form method=\"post\" action=\"/admin/training-unrequire\" "
                                 "class=\"inline training-unrequire\">");
            web_csrf_field(r);
            lnt_html_rawf(&r->h,
                          "<input type=\"hidden\" name=\"role\" value=\"%s\"/><input "
                          "type=\"hidden\" name=\"course\" value=\"%s\"/>%s <button "
                          "type=\"submit\" class=\"secondary\" aria-label=\"No longer require %s "
                          "of %s\">Remove</button></form> ",
                          lnt_role_name((enum lnt_role)role), name, name, name, role_words[role]);
        }
        if (!any)
            lnt_html_raw(&r->h, "<span class=\"muted\">nothing</span>");
        lnt_html_raw(&r->h, "</td></tr>");
    }
    lnt_html_raw(&r->h, "</tbody></table></div><h3>Require a course</h3>"
                        "<form method=\"post\" action=\"/admin/training-require\" "
                        "id=\"training-require\" class=\"form-grid\">");
    web_csrf_field(r);
    lnt_html_raw(&r->h, "<div class=\"field\"><label for=\"rq-role\">Role</label><select "
                        "id=\"rq-role\" name=\"role\">");
    for (int role = LNT_ROLE_DOOR; role <= LNT_ROLE_VOLUNTEER; role++)
        lnt_html_rawf(&r->h, "<option value=\"%s\">%s</option>", lnt_role_name((enum lnt_role)role),
                      role_words[role]);
    lnt_html_raw(&r->h, "</select></div><div class=\"field\"><label for=\"rq-course\">Course"
                        "</label><select id=\"rq-course\" name=\"course\">");
    for (int c = LNT_COURSE_BYSTANDER; c <= LNT_COURSE__MAX; c++)
        lnt_html_rawf(&r->h, "<option>%s</option>", lnt_course_name((enum lnt_course)c));
    lnt_html_raw(&r->h, "</select></div><button type=\"submit\">Require it</button></form>"
                        "</section>");
}

void web_admin_act_required(struct web_req *r, bool required)
{
    char err[LNT_ERRBUF_SIZE] = "", object[48];
    const char *role_s = web_form_get(&r->form, "role");
    const char *course_s = web_form_get(&r->form, "course");
    enum lnt_role role;
    enum lnt_course course;

    if (role_s == NULL || course_s == NULL || lnt_role_parse(role_s, &role) != LNT_OK ||
        role == LNT_ROLE_NONE || lnt_course_parse(course_s, &course) != LNT_OK ||
        course == LNT_COURSE_NONE) {
        web_error(r, 400, "Not done", "Choose a role and a course.");
        return;
    }
    if (lnt_store_required_set(r->web->store, role, course, required, NULL, err) != LNT_OK) {
        web_error(r, 400, "Not done", err[0] != '\0' ? err : "The change was not made.");
        return;
    }
    snprintf(object, sizeof object, "%s: %s", lnt_role_name(role), lnt_course_name(course));
    web_audit(r, required ? "admin.training-require" : "admin.training-unrequire", object, "");
    web_redirect(r, "/admin?done=training-require#required");
}

/* ---- SIA licence statuses ---- */

static void date_value(struct lnt_html *h, int32_t days)
{
    char d[LNT_DATE_STRLEN];
    if (lnt_date_format(days, d) == LNT_OK)
        lnt_html_raw(h, d);
}

static void sia_row(struct web_req *r, const struct lnt_sia_entry *e)
{
    const char *status = lnt_sia_listing_name(e->l.status);

    lnt_html_rawf(&r->h,
                  "<tr data-number=\"%s\"><td>%s</td><td><span class=\"status st-%s\">%s"
                  "</span></td><td>",
                  e->l.number, e->l.number, e->l.status == LNT_SIA_LISTED_VALID ? "met" : "not_met",
                  status);
    web_date(&r->h, e->l.from);
    lnt_html_raw(&r->h, "</td><td>");
    lnt_html_txt(&r->h, e->note);
    lnt_html_raw(&r->h, "</td><td>");
    lnt_html_txt(&r->h, e->set_by);
    lnt_html_raw(&r->h, ", ");
    web_time(&r->h, e->set_at);
    lnt_html_raw(&r->h, "</td><td><form method=\"post\" action=\"/admin/sia-clear\" "
                        "class=\"inline sia-clear\">");
    web_csrf_field(r);
    lnt_html_rawf(&r->h,
                  "<input type=\"hidden\" name=\"number\" value=\"%s\"/><input "
                  "type=\"hidden\" name=\"from\" value=\"",
                  e->l.number);
    date_value(&r->h, e->l.from);
    lnt_html_rawf(&r->h,
                  "\"/><button type=\"submit\" class=\"secondary\" aria-label=\"Take back "
                  "the status of %s from ",
                  e->l.number);
    date_value(&r->h, e->l.from);
    lnt_html_raw(&r->h, "\">Take back</button></form></td></tr>");
}

void web_admin_sia_section(struct web_req *r)
{
    struct lnt_sia_entry *e = NULL;
    size_t n = 0;

    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"sia\"><h2>SIA licence statuses</h2>"
                        "<p class=\"muted\">A badge knows only its licence's expiry. A licence the "
                        "SIA has suspended or revoked is listed here from a date: kiosks treat it "
                        "as expired from that date at their next sync, and scores count every "
                        "door shift worked on it from that date as one without a valid licence, "
                        "whenever it is listed. A licence valid again is listed valid from the "
                        "date it was restored; take a status back only when it was given in "
                        "error.</p>");
    if (lnt_store_sia_entries(r->web->store, &e, &n, NULL) != LNT_OK) {
        lnt_html_raw(&r->h, "<p class=\"empty\">The licence statuses could not be read.</p>");
    } else if (n == 0) {
        lnt_html_raw(&r->h, "<p class=\"empty\" id=\"sia-none\">No licence is listed.</p>");
    } else {
        lnt_html_raw(&r->h, "<div class=\"table-wrap\"><table id=\"admin-sia\"><thead><tr><th "
                            "scope=\"col\">Licence</th><th scope=\"col\">Status</th><th "
                            "scope=\"col\">From</th><th scope=\"col\">Note</th><th "
                            "scope=\"col\">Set by</th><th scope=\"col\"></th></tr></thead><tbody>");
        for (size_t i = 0; i < n; i++)
            sia_row(r, &e[i]);
        lnt_html_raw(&r->h, "</tbody></table></div>");
    }
    free(e);
    lnt_html_raw(&r->h, "<h3>List a licence</h3><form method=\"post\" action=\"/admin/sia-set\" "
                        "id=\"sia-set\" class=\"form-grid\">");
    web_csrf_field(r);
    lnt_html_raw(&r->h,
                 "<div class=\"field\"><label for=\"sia-number\">Licence number (16 digits)"
                 "</label><input type=\"text\" id=\"sia-number\" name=\"number\" "
                 "required=\"required\" inputmode=\"numeric\" pattern=\"[0-9 ]{16,19}\"/></div>"
                 "<div class=\"field\"><label for=\"sia-status\">Status</label><select "
                 "id=\"sia-status\" name=\"status\"><option>suspended</option><option>revoked"
                 "</option><option>valid</option></select></div><div class=\"field\"><label "
                 "for=\"sia-from\">From</label><input type=\"date\" id=\"sia-from\" "
                 "name=\"from\" required=\"required\"/></div><div class=\"field\"><label "
                 "for=\"sia-note\">Note (optional)</label><input type=\"text\" id=\"sia-note\" "
                 "name=\"note\" maxlength=\"200\"/></div><button type=\"submit\">List it</button>"
                 "</form><h3>Import a list</h3><form method=\"post\" action=\"/admin/sia-import\" "
                 "id=\"sia-import\">");
    web_csrf_field(r);
    lnt_html_raw(&r->h,
                 "<p class=\"muted\">A CSV file, one licence a line: "
                 "<code>number,status,from,note</code> (status valid, suspended or revoked; from "
                 "as YYYY-MM-DD; the note may be left out). Every row is checked; bad rows are "
                 "named by their line and the good ones are imported together. Importing the "
                 "same file again changes nothing.</p><div class=\"field\"><label "
                 "for=\"sia-file\">CSV file</label><input type=\"file\" id=\"sia-file\" "
                 "accept=\".csv,text/csv\" data-fill=\"sia-csv\"/></div><div class=\"field\">"
                 "<label for=\"sia-csv\">or its text</label><textarea id=\"sia-csv\" name=\"csv\" "
                 "rows=\"6\" required=\"required\"></textarea></div><button type=\"submit\">"
                 "Import</button></form></section>");
}

/* The change is made (the store audited it under the officer's name, as every admin form is
 * audited as admin.<action> too): scores read it, so every cached score and league is stale. */
static void sia_done(struct web_req *r, const char *action, const char *number)
{
    char where[64], audit[40];

    snprintf(audit, sizeof audit, "admin.%s", action);
    web_audit(r, audit, number, "");
    lnt_score_cache_invalidate(r->web->score_cache, LNT_SCORE_CACHE_ALL);
    snprintf(where, sizeof where, "/admin?done=%s#sia", action);
    web_redirect(r, where);
}

/* The number from a form: 16 digits, spaces ignored. */
static bool form_number(struct web_req *r, char out[LNT_SIA_NUMBER_LEN + 1])
{
    const char *s = web_form_get(&r->form, "number");
    size_t k = 0;

    for (; s != NULL && *s != '\0'; s++) {
        if (*s == ' ')
            continue;
        if (*s < '0' || *s > '9' || k == LNT_SIA_NUMBER_LEN)
            return false;
        out[k++] = *s;
    }
    out[k] = '\0';
    return k == LNT_SIA_NUMBER_LEN;
}

static void act_sia_set(struct web_req *r)
{
    struct lnt_sia_entry e;
    const char *status = web_form_get(&r->form, "status");
    const char *from = web_form_get(&r->form, "from");
    const char *note = web_form_get(&r->form, "note");
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&e, 0, sizeof e);
    if (!form_number(r, e.l.number)) {
        web_error(r, 400, "Not done", "An SIA licence number is 16 digits.");
        return;
    }
    if (status == NULL || lnt_sia_listing_parse(status, &e.l.status) != LNT_OK) {
        web_error(r, 400, "Not done", "Choose suspended, revoked or valid.");
        return;
    }
    if (from == NULL || lnt_date_parse(from, &e.l.from) != LNT_OK) {
        web_error(r, 400, "Not done", "Give the date the status holds from, as YYYY-MM-DD.");
        return;
    }
    if (note != NULL && lnt_str_copy(e.note, sizeof e.note, note) != LNT_OK) {
        web_error(r, 400, "Not done", "The note is at most 200 characters.");
        return;
    }
    if (lnt_store_sia_put(r->web->store, r->actor, &e, 1, NULL, err) != LNT_OK) {
        web_error(r, 400, "Not done",
                  strncmp(err, "row 0: ", 7) == 0 ? err + 7 : (err[0] ? err : "Not listed."));
        return;
    }
    sia_done(r, "sia-set", e.l.number);
}

static void act_sia_clear(struct web_req *r)
{
    const char *from = web_form_get(&r->form, "from");
    char number[LNT_SIA_NUMBER_LEN + 1], err[LNT_ERRBUF_SIZE] = "";
    int32_t day = 0;

    if (!form_number(r, number) || from == NULL || lnt_date_parse(from, &day) != LNT_OK) {
        web_error(r, 400, "Not done", "Choose a listed licence's status to take back.");
        return;
    }
    if (lnt_store_sia_clear(r->web->store, r->actor, number, day, err) != LNT_OK) {
        web_error(r, 400, "Not done", err[0] ? err : "Nothing was taken back.");
        return;
    }
    sia_done(r, "sia-clear", number);
}

/* Imports the posted CSV text and shows what came of every row. */
static void act_sia_import(struct web_req *r)
{
    const char *csv = web_form_get(&r->form, "csv");
    struct lnt_sia_import imp;
    char err[LNT_ERRBUF_SIZE] = "";

    if (csv == NULL || csv[0] == '\0') {
        web_error(r, 400, "Not done", "Choose a CSV file or paste its text.");
        return;
    }
    if (lnt_sia_import_parse(csv, strlen(csv), &imp, err) != LNT_OK ||
        lnt_sia_import_record(r->web->store, r->actor, &imp, err) != LNT_OK) {
        lnt_sia_import_release(&imp);
        web_error(r, 400, "Nothing was imported", err);
        return;
    }
    {
        char detail[96];
        snprintf(detail, sizeof detail, "%zu rows, %zu changed, %zu bad", imp.n_rows, imp.changed,
                 imp.n_bad);
        web_audit(r, "admin.sia-import", "SIA licences", detail);
    }
    if (imp.changed > 0)
        lnt_score_cache_invalidate(r->web->score_cache, LNT_SCORE_CACHE_ALL);
    web_page_begin(r, "SIA licence import", "admin");
    lnt_html_rawf(&r->h,
                  "<p class=\"crumbs\"><a href=\"/admin#sia\">Admin</a> &#8250; SIA licence "
                  "import</p><h1>SIA licence import</h1><div class=\"notice %s\" role=\"status\" "
                  "id=\"sia-import-result\">%zu row%s imported (%zu changed something, the rest "
                  "were listed so already); %zu bad row%s not imported.</div>",
                  imp.n_bad > 0 ? "error" : "ok", imp.n_rows, imp.n_rows == 1 ? "" : "s",
                  imp.changed, imp.n_bad, imp.n_bad == 1 ? "" : "s");
    if (imp.n_bad > 0) {
        lnt_html_raw(&r->h, "<h2>Bad rows</h2><pre id=\"sia-import-problems\">");
        if (imp.problems.data != NULL)
            lnt_html_txt(&r->h, imp.problems.data);
        if (imp.n_bad > LNT_SIA_IMPORT_PROBLEMS_MAX)
            lnt_html_rawf(&r->h, "and %zu more\n", imp.n_bad - LNT_SIA_IMPORT_PROBLEMS_MAX);
        lnt_html_raw(&r->h, "</pre><p>Correct those lines and import the file again: the rows "
                            "already imported will not change.</p>");
    }
    lnt_html_raw(&r->h, "<p><a class=\"button secondary\" href=\"/admin#sia\">Back to Admin</a>"
                        "</p>");
    web_page_end(r, 200);
    lnt_sia_import_release(&imp);
}

bool web_admin_act_sia(struct web_req *r, const char *action)
{
    if (strcmp(action, "sia-set") == 0)
        act_sia_set(r);
    else if (strcmp(action, "sia-clear") == 0)
        act_sia_clear(r);
    else if (strcmp(action, "sia-import") == 0)
        act_sia_import(r);
    else
        return false;
    return true;
}
