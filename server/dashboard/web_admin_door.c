/* web_admin_door.c - Admin: the scheme's required training per role (`lanternctl training
 * require`), which kiosks receive at their next sync. */
#include "web_int.h"

#include <stdio.h>
#include <string.h>

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
