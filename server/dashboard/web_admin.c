/* web_admin.c - Admin: venues, staff, training, badges, kiosks and officer accounts, by form. */
#include "web_int.h"
#include "map/web_map_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "log.h"
#include "ltime.h"
#include "night.h"
#include "qr.h"
#include "score_cache.h"
#include "sheet.h"
#include "staff_badge.h"

#define ENROL_VALID (7 * 86400)
#define SHEET_MAX (4u << 20)

static const char *const notices[][2] = {
    {"venue-add", "The venue was added."},
    {"venue-close", "The venue was closed."},
    {"staff-add", "The staff member was added."},
    {"staff-leave", "The leaver was recorded and "
                    "their badges revoked."},
    {"training-add", "The training was recorded."},
    {"badge-revoke", "The badge was revoked."},
    {"kiosk-revoke", "The kiosk was revoked."},
    {"officer-add", "The account was made."},
    {"officer-disable", "The account was disabled and its sessions ended."},
    {"training-require", "The required training was changed: kiosks take it at their next sync."},
    {"sia-set", "The licence's status was recorded: kiosks take it at their next sync, scores at "
                "once."},
    {"sia-clear", "The status was taken back."},
    {"webhook-clear", "The webhook was cleared: that authority's alerts are no longer posted."},
};

/* ---- the page ---- */

static void venue_options(struct web_req *r, const struct lnt_venue *v, size_t n, int64_t selected)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i].closed_at != 0)
            continue;
        lnt_html_rawf(&r->h, "<option value=\"%lld\"%s>", (long long)v[i].id,
                      v[i].id == selected ? " selected=\"selected\"" : "");
        lnt_html_txt(&r->h, v[i].name);
        lnt_html_raw(&r->h, "</option>");
    }
}

/* A labelled input; `name` is the form field's name (NULL = the same as `id`). */
static void field(struct web_req *r, const char *id, const char *label, const char *type,
                  const char *extra)
{
    const char *dash = strchr(id, '-');
    const char *name = dash != NULL && dash - id <= 2 ? dash + 1 : id; /* "s-name" -> "name" */

    lnt_html_rawf(&r->h,
                  "<div class=\"field\"><label for=\"%s\">%s</label><input type=\"%s\" "
                  "id=\"%s\" name=\"%s\" %s/></div>",
                  id, label, type, id, name, extra);
}

/* A form posting to /admin/ACTION; `grid` lays its fields out in columns (the add forms). */
static void form_open(struct web_req *r, const char *action, bool grid)
{
    if (grid)
        lnt_html_rawf(&r->h,
                      "<form method=\"post\" action=\"/admin/%s\" id=\"%s\" "
                      "class=\"form-grid\">",
                      action, action);
    else
        lnt_html_rawf(&r->h, "<form method=\"post\" action=\"/admin/%s\" class=\"inline %s\">",
                      action, action);
    web_csrf_field(r);
}

static void venues_section(struct web_req *r, const struct lnt_venue *v, size_t n)
{
    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"venues\"><h2>Venues</h2><div "
                        "class=\"table-wrap\"><table id=\"admin-venues\"><thead><tr><th "
                        "scope=\"col\">#</th><th scope=\"col\">Name</th><th scope=\"col\">"
                        "Category</th><th scope=\"col\">Area</th><th scope=\"col\">Authority</th>"
                        "<th scope=\"col\" class=\"num\">Capacity</th><th scope=\"col\">State</th>"
                        "</tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        lnt_html_rawf(&r->h, "<tr><td>%lld</td><td><a href=\"/venues/%lld\">", (long long)v[i].id,
                      (long long)v[i].id);
        lnt_html_txt(&r->h, v[i].name);
        lnt_html_raw(&r->h, "</a></td><td>");
        lnt_html_txt(&r->h, lnt_venue_category_name(v[i].category));
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, v[i].area);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, v[i].authority);
        lnt_html_rawf(&r->h, "</td><td class=\"num\">%d</td><td>", v[i].capacity);
        if (v[i].closed_at != 0) {
            lnt_html_raw(&r->h, "closed");
        } else {
            form_open(r, "venue-close", false);
            lnt_html_rawf(&r->h,
                          "<input type=\"hidden\" name=\"venue\" value=\"%lld\"/><button "
                          "type=\"submit\" class=\"secondary\">Close</button></form>",
                          (long long)v[i].id);
        }
        lnt_html_raw(&r->h, "</td></tr>");
    }
    lnt_html_raw(&r->h, "</tbody></table></div><h3>Add a venue</h3>");
    form_open(r, "venue-add", true);
    field(r, "name", "Name", "text", "required=\"required\" maxlength=\"80\"");
    lnt_html_raw(&r->h, "<div class=\"field\"><label for=\"category\">Category</label><select "
                        "id=\"category\" name=\"category\"><option>pub</option><option>bar"
                        "</option><option>nightclub</option><option>hub</option></select></div>");
    field(r, "capacity", "Capacity", "number", "min=\"1\" max=\"100000\" required=\"required\"");
    field(r, "area", "Area", "text", "maxlength=\"64\"");
    field(r, "authority", "Licensing authority", "text", "maxlength=\"80\"");
    field(r, "trading", "Trading pattern (blank for the category's usual)", "text",
          "maxlength=\"127\" placeholder=\"Thu-Sat 20:00-03:00\"");
    lnt_html_raw(&r->h, "<button type=\"submit\">Add the venue</button></form></section>");
}

static void staff_section(struct web_req *r, const struct lnt_venue *v, size_t nv, int64_t venue)
{
    struct lnt_staff *st = NULL;
    size_t n = 0;

    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"staff\"><h2>Staff, training and badges"
                        "</h2><form method=\"get\" action=\"/admin\" class=\"filters\"><div><label "
                        "for=\"staff-venue\">Venue</label><select id=\"staff-venue\" "
                        ">");
    venue_options(r, v, nv, venue);
    lnt_html_raw(&r->h, "</select></div><div><button type=\"submit\" class=\"secondary\">Show "
                        "staff</button></div></form>");
    if (venue != 0 &&
        lnt_store_staff_list_by(r->web->store, venue, false, &st, &n, NULL) == LNT_OK) {
        lnt_html_raw(&r->h, "<div class=\"table-wrap\"><table id=\"admin-staff\"><thead><tr><th "
                            "scope=\"col\">#</th><th scope=\"col\">Name</th><th scope=\"col\">Role"
                            "</th><th scope=\"col\">SIA</th><th scope=\"col\">Badges</th><th "
                            "scope=\"col\">Actions</th></tr></thead><tbody>");
        for (size_t i = 0; i < n; i++) {
            struct lnt_badge_record *b = NULL;
            size_t nb = 0;
            lnt_html_rawf(&r->h, "<tr><td>%lld</td><td>", (long long)st[i].id);
            lnt_html_txt(&r->h, st[i].name);
            lnt_html_raw(&r->h, "</td><td>");
            lnt_html_txt(&r->h, lnt_role_name(st[i].role));
            lnt_html_raw(&r->h, "</td><td>");
            lnt_html_txt(&r->h, st[i].sia_number[0] != '\0' ? st[i].sia_number : "none");
            lnt_html_raw(&r->h, "</td><td>");
            if (lnt_store_badge_list(r->web->store, st[i].id, &b, &nb, NULL) == LNT_OK)
                for (size_t k = 0; k < nb; k++) {
                    char serial[LNT_HEX_LEN(LNT_SERIAL_LEN)];
                    lnt_hex_encode(b[k].serial, LNT_SERIAL_LEN, serial);
                    lnt_html_raw(&r->h, "<div><code>");
                    lnt_html_txt(&r->h, serial);
                    lnt_html_raw(&r->h, "</code> ");
                    if (b[k].revoked_at != 0) {
                        lnt_html_raw(&r->h, "<span class=\"muted\">revoked (");
                        lnt_html_txt(&r->h, b[k].revoke_reason);
                        lnt_html_raw(&r->h, ")</span>");
                    } else if (b[k].expires_at < r->now) {
                        lnt_html_raw(&r->h, "<span class=\"muted\">expired</span>");
                    } else {
                        form_open(r, "badge-revoke", false);
                        lnt_html_raw(&r->h, "<input type=\"hidden\" name=\"serial\" value=\"");
                        lnt_html_attr(&r->h, serial);
                        lnt_html_raw(&r->h, "\"/><button type=\"submit\" class=\"secondary\">Revoke"
                                            "</button></form>");
                    }
                    lnt_html_raw(&r->h, "</div>");
                }
            free(b);
            lnt_html_raw(&r->h, "</td><td>");
            form_open(r, "badge-issue", false);
            lnt_html_rawf(&r->h,
                          "<input type=\"hidden\" name=\"staff\" value=\"%lld\"/><button "
                          "type=\"submit\">Issue badge (PDF sheet)</button></form> ",
                          (long long)st[i].id);
            form_open(r, "staff-leave", false);
            lnt_html_rawf(&r->h,
                          "<input type=\"hidden\" name=\"staff\" value=\"%lld\"/><button "
                          "type=\"submit\" class=\"secondary\">Left</button></form></td>"
                          "</tr>",
                          (long long)st[i].id);
        }
        if (n == 0)
            lnt_html_raw(&r->h, "<tr><td colspan=\"6\" class=\"empty\">No current staff.</td>"
                                "</tr>");
        lnt_html_raw(&r->h, "</tbody></table></div>");
    }
    free(st);
    lnt_html_raw(&r->h, "<div class=\"grid\"><div><h3>Add a staff member</h3>");
    form_open(r, "staff-add", true);
    lnt_html_raw(&r->h, "<div class=\"field\"><label for=\"s-venue\">Venue</label><select "
                        "id=\"s-venue\" name=\"venue\">");
    venue_options(r, v, nv, venue);
    lnt_html_raw(&r->h, "</select></div>");
    field(r, "s-name", "Name", "text", "required=\"required\" maxlength=\"80\"");
    lnt_html_raw(&r->h, "<div class=\"field\"><label for=\"s-role\">Role</label><select "
                        "id=\"s-role\" name=\"role\"><option>door</option><option>bar</option>"
                        "<option>manager</option><option>volunteer</option></select></div>");
    field(r, "sia", "SIA licence number (door staff)", "text", "maxlength=\"16\"");
    field(r, "sia_expiry", "SIA licence expiry", "date", "");
    lnt_html_raw(&r->h, "<button type=\"submit\">Add</button></form></div><div><h3>Record "
                        "training</h3>");
    form_open(r, "training-add", true);
    field(r, "t-staff", "Staff number", "number", "min=\"1\" required=\"required\"");
    lnt_html_raw(&r->h, "<div class=\"field\"><label for=\"course\">Course</label><select "
                        "id=\"course\" name=\"course\">");
    for (int c = 1; c <= LNT_COURSE__MAX; c++) {
        lnt_html_raw(&r->h, "<option>");
        lnt_html_txt(&r->h, lnt_course_name((enum lnt_course)c));
        lnt_html_raw(&r->h, "</option>");
    }
    lnt_html_raw(&r->h, "</select></div>");
    field(r, "completed", "Completed on", "date", "required=\"required\"");
    field(r, "expires", "Expires on (blank: does not expire)", "date", "");
    lnt_html_raw(&r->h, "<button type=\"submit\">Record</button></form></div></div></section>");
}

static void kiosks_section(struct web_req *r, const struct lnt_venue *v, size_t nv)
{
    struct lnt_kiosk *k = NULL;
    size_t n = 0;

    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"kiosks\"><h2>Kiosks</h2>");
    if (lnt_store_kiosk_list(r->web->store, 0, &k, &n, NULL) == LNT_OK) {
        lnt_html_raw(&r->h, "<div class=\"table-wrap\"><table id=\"admin-kiosks\"><thead><tr><th "
                            "scope=\"col\">#</th><th scope=\"col\">Venue</th><th scope=\"col\">"
                            "Last contact</th><th scope=\"col\" class=\"num\">Unsent</th><th "
                            "scope=\"col\">Sequence</th><th scope=\"col\">State</th></tr></thead>"
                            "<tbody>");
        for (size_t i = 0; i < n; i++) {
            const char *venue = "";
            for (size_t j = 0; j < nv; j++)
                if (v[j].id == k[i].venue_id)
                    venue = v[j].name;
            lnt_html_rawf(&r->h, "<tr><td>%lld</td><td>", (long long)k[i].id);
            lnt_html_txt(&r->h, venue);
            lnt_html_raw(&r->h, "</td><td>");
            web_ago(r, k[i].last_seen, 2 * 86400);
            lnt_html_rawf(&r->h,
                          "</td><td class=\"num\">%lld</td><td>%lld gaps, %lld backwards"
                          "</td><td>",
                          (long long)(k[i].backlog < 0 ? 0 : k[i].backlog),
                          (long long)k[i].seq_gaps, (long long)k[i].seq_backwards);
            if (k[i].revoked) {
                lnt_html_raw(&r->h, "<span class=\"status st-not_met\">revoked</span>");
            } else {
                form_open(r, "kiosk-revoke", false);
                lnt_html_rawf(&r->h,
                              "<input type=\"hidden\" name=\"kiosk\" value=\"%lld\"/>"
                              "<button type=\"submit\" class=\"secondary\">Revoke</button>"
                              "</form>",
                              (long long)k[i].id);
            }
            lnt_html_raw(&r->h, "</td></tr>");
        }
        lnt_html_raw(&r->h, "</tbody></table></div>");
    }
    free(k);
    lnt_html_raw(&r->h, "<h3>Enrol a kiosk</h3>");
    form_open(r, "kiosk-enrol", true);
    lnt_html_raw(&r->h, "<div class=\"field\"><label for=\"k-venue\">Venue</label><select "
                        "id=\"k-venue\" name=\"venue\">");
    venue_options(r, v, nv, 0);
    lnt_html_raw(&r->h, "</select></div><button type=\"submit\">Make an enrolment code</button>"
                        "</form></section>");
}

static void officers_section(struct web_req *r)
{
    struct lnt_officer *o = NULL;
    size_t n = 0;

    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"officers\"><h2>Officer accounts</h2>");
    if (lnt_store_officer_list(r->web->store, &o, &n, NULL) == LNT_OK) {
        lnt_html_raw(&r->h, "<div class=\"table-wrap\"><table id=\"admin-officers\"><thead><tr>"
                            "<th scope=\"col\">Email</th><th scope=\"col\">Name</th><th "
                            "scope=\"col\">Role</th><th scope=\"col\">Sees</th><th scope=\"col\">"
                            "Last sign-in</th><th scope=\"col\">State</th></tr></thead><tbody>");
        for (size_t i = 0; i < n; i++) {
            lnt_html_raw(&r->h, "<tr><td>");
            lnt_html_txt(&r->h, o[i].email);
            lnt_html_raw(&r->h, "</td><td>");
            lnt_html_txt(&r->h, o[i].name);
            lnt_html_raw(&r->h, "</td><td>");
            lnt_html_txt(&r->h, lnt_officer_role_name(o[i].scope.role));
            lnt_html_raw(&r->h, "</td><td>");
            if (o[i].scope.venue_id != 0)
                lnt_html_rawf(&r->h, "venue %lld", (long long)o[i].scope.venue_id);
            else if (o[i].scope.authority[0] != '\0')
                lnt_html_txt(&r->h, o[i].scope.authority);
            else
                lnt_html_raw(&r->h, "the whole scheme");
            lnt_html_raw(&r->h, "</td><td>");
            web_time(&r->h, o[i].last_login_at);
            lnt_html_raw(&r->h, "</td><td>");
            if (o[i].disabled_at != 0) {
                lnt_html_raw(&r->h, "disabled");
            } else if (o[i].id != r->officer.id) {
                form_open(r, "officer-disable", false);
                lnt_html_rawf(&r->h,
                              "<input type=\"hidden\" name=\"officer\" value=\"%lld\"/>"
                              "<button type=\"submit\" class=\"secondary\">Disable"
                              "</button></form>",
                              (long long)o[i].id);
            } else {
                lnt_html_raw(&r->h, "you");
            }
            lnt_html_raw(&r->h, "</td></tr>");
        }
        lnt_html_raw(&r->h, "</tbody></table></div>");
    }
    free(o);
    lnt_html_raw(&r->h, "<h3>Make an account</h3>");
    form_open(r, "officer-add", true);
    field(r, "o-email", "Email", "email", "required=\"required\" maxlength=\"254\"");
    field(r, "o-name", "Name", "text", "required=\"required\" maxlength=\"80\"");
    lnt_html_raw(&r->h, "<div class=\"field\"><label for=\"o-role\">Role</label><select "
                        "id=\"o-role\" name=\"role\"><option>officer</option><option>police"
                        "</option><option>assessor</option><option>venue</option><option>admin"
                        "</option></select></div>");
    field(r, "o-authority", "Licensing authority (officer, police, assessor)", "text",
          "maxlength=\"80\"");
    field(r, "o-venue", "Venue number (venue managers)", "number", "min=\"1\"");
    field(r, "o-password", "Password (at least 12 characters)", "password",
          "required=\"required\" minlength=\"12\" autocomplete=\"new-password\"");
    lnt_html_raw(&r->h, "<button type=\"submit\">Make the account</button></form></section>");
}

void web_admin(struct web_req *r)
{
    struct lnt_venue *v = NULL;
    const char *done = web_query(r, "done");
    const char *vq = web_query(r, "venue");
    int64_t venue = 0;
    size_t n = 0;

    if (!web_can_admin(r)) {
        web_audit(r, "access.refused", "/admin", "not an admin");
        web_error(r, 403, "Not allowed", "Only the scheme's administrators can use Admin.");
        return;
    }
    if (lnt_store_venue_list(r->web->store, &v, &n, NULL) != LNT_OK) {
        web_error(r, 500, "Something went wrong", "The venues could not be read.");
        return;
    }
    if (vq != NULL && lnt_parse_i64(vq, 1, INT64_MAX, &venue) != LNT_OK)
        venue = 0;
    /* officer accounts (and a venue's staff when one is chosen) are personal data */
    {
        char object[64];
        if (venue != 0)
            snprintf(object, sizeof object, "officer accounts, staff of venue %lld",
                     (long long)venue);
        else
            snprintf(object, sizeof object, "officer accounts, SIA licences");
        web_audit(r, "admin.view", object, r->http->path);
    }
    if (venue == 0 && n > 0)
        venue = v[0].id;
    web_page_begin(r, "Admin", "admin");
    lnt_html_raw(&r->h, "<h1>Admin</h1><p class=\"lede\">Everything here is also a "
                        "<code>lanternctl</code> command; each change is recorded in the audit "
                        "log under your name.</p>");
    for (size_t i = 0; done != NULL && i < sizeof notices / sizeof notices[0]; i++)
        if (strcmp(done, notices[i][0]) == 0)
            lnt_html_rawf(&r->h,
                          "<div class=\"notice ok\" role=\"status\" id=\"admin-done\">%s"
                          "</div>",
                          notices[i][1]);
    lnt_html_raw(&r->h,
                 "<p class=\"no-print\"><a href=\"#venues\">Venues</a> &#183; <a "
                 "href=\"#staff\">Staff and badges</a> &#183; <a href=\"#required\">"
                 "Required training</a> &#183; <a href=\"#sia\">SIA licences</a> "
                 "&#183; <a href=\"#places\">Places and map</a> &#183; <a href=\"#kiosks\">Kiosks"
                 "</a> &#183; <a href=\"#officers\">Officer accounts</a> &#183; <a "
                 "href=\"#alerts\">Alert delivery</a></p>");
    venues_section(r, v, n);
    staff_section(r, v, n, venue);
    web_admin_door_section(r);
    web_admin_sia_section(r);
    web_admin_map_section(r);
    kiosks_section(r, v, n);
    officers_section(r);
    web_admin_delivery_section(r);
    web_page_end(r, 200);
    free(v);
}

/* ---- actions ---- */

static bool form_id(struct web_req *r, const char *name, int64_t *out)
{
    const char *s = web_form_get(&r->form, name);
    return s != NULL && lnt_parse_i64(s, 1, INT64_MAX, out) == LNT_OK;
}

static const char *form_str(struct web_req *r, const char *name)
{
    const char *s = web_form_get(&r->form, name);
    return s != NULL ? s : "";
}

static void done(struct web_req *r, const char *action, const char *anchor, const char *object)
{
    char where[96];
    char audit[40];

    snprintf(audit, sizeof audit, "admin.%s", action);
    web_audit(r, audit, object, "");
    /* venues, kiosks or officers changed: every cached score and league may be stale */
    lnt_score_cache_invalidate(r->web->score_cache, LNT_SCORE_CACHE_ALL);
    snprintf(where, sizeof where, "/admin?done=%s#%s", action, anchor);
    web_redirect(r, where);
}

static void refuse(struct web_req *r, const char *err)
{
    web_error(r, 400, "Not done", err[0] != '\0' ? err : "The form was not complete.");
}

static void act_venue_add(struct web_req *r)
{
    struct lnt_venue v;
    char err[LNT_ERRBUF_SIZE] = "", object[32];
    int64_t cap;

    memset(&v, 0, sizeof v);
    if (lnt_venue_category_parse(form_str(r, "category"), &v.category) != LNT_OK ||
        lnt_parse_i64(form_str(r, "capacity"), 1, 100000, &cap) != LNT_OK ||
        lnt_str_copy(v.name, sizeof v.name, form_str(r, "name")) != LNT_OK ||
        lnt_str_copy(v.area, sizeof v.area, form_str(r, "area")) != LNT_OK ||
        lnt_str_copy(v.authority, sizeof v.authority, form_str(r, "authority")) != LNT_OK ||
        lnt_str_copy(v.trading, sizeof v.trading, form_str(r, "trading")) != LNT_OK) {
        refuse(r, "Give a name (up to 80 characters), a category and a capacity from 1 to "
                  "100000.");
        return;
    }
    v.capacity = (int32_t)cap;
    if (lnt_store_venue_add(r->web->store, &v, err) != LNT_OK) {
        refuse(r, err);
        return;
    }
    snprintf(object, sizeof object, "venue %lld", (long long)v.id);
    done(r, "venue-add", "venues", object);
}

static void act_venue_close(struct web_req *r)
{
    char err[LNT_ERRBUF_SIZE] = "", object[32];
    int64_t id;

    if (!form_id(r, "venue", &id) ||
        lnt_store_venue_close(r->web->store, id, r->now, err) != LNT_OK) {
        refuse(r, err);
        return;
    }
    snprintf(object, sizeof object, "venue %lld", (long long)id);
    done(r, "venue-close", "venues", object);
}

static void act_staff_add(struct web_req *r)
{
    struct lnt_staff st;
    char err[LNT_ERRBUF_SIZE] = "", object[32];
    const char *expiry = form_str(r, "sia_expiry");

    memset(&st, 0, sizeof st);
    if (!form_id(r, "venue", &st.venue_id) ||
        lnt_role_parse(form_str(r, "role"), &st.role) != LNT_OK ||
        lnt_str_copy(st.name, sizeof st.name, form_str(r, "name")) != LNT_OK ||
        lnt_str_copy(st.sia_number, sizeof st.sia_number, form_str(r, "sia")) != LNT_OK ||
        (expiry[0] != '\0' && lnt_date_parse(expiry, &st.sia_expires) != LNT_OK)) {
        refuse(r, "Give a venue, a name, a role, and for door staff a 16-digit SIA licence "
                  "number with its expiry date.");
        return;
    }
    if (lnt_store_staff_add(r->web->store, &st, err) != LNT_OK) {
        refuse(r, err);
        return;
    }
    snprintf(object, sizeof object, "staff %lld", (long long)st.id);
    done(r, "staff-add", "staff", object);
}

static void act_staff_leave(struct web_req *r)
{
    char err[LNT_ERRBUF_SIZE] = "", object[32];
    int64_t id;

    if (!form_id(r, "staff", &id) ||
        lnt_store_staff_leave(r->web->store, id, r->now, err) != LNT_OK) {
        refuse(r, err);
        return;
    }
    snprintf(object, sizeof object, "staff %lld", (long long)id);
    done(r, "staff-leave", "staff", object);
}

static void act_training_add(struct web_req *r)
{
    struct lnt_training t;
    char err[LNT_ERRBUF_SIZE] = "", object[32];
    const char *expires = form_str(r, "expires");

    memset(&t, 0, sizeof t);
    if (!form_id(r, "staff", &t.staff_id) ||
        lnt_course_parse(form_str(r, "course"), &t.course) != LNT_OK ||
        lnt_date_parse(form_str(r, "completed"), &t.completed) != LNT_OK ||
        (expires[0] != '\0' && lnt_date_parse(expires, &t.expires) != LNT_OK)) {
        refuse(r, "Give a staff number, a course and the date it was completed.");
        return;
    }
    if (lnt_store_training_add(r->web->store, &t, err) != LNT_OK) {
        refuse(r, err);
        return;
    }
    snprintf(object, sizeof object, "staff %lld", (long long)t.staff_id);
    done(r, "training-add", "staff", object);
}

static void act_badge_revoke(struct web_req *r)
{
    uint8_t serial[LNT_SERIAL_LEN];
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_hex_decode(form_str(r, "serial"), serial, sizeof serial) != LNT_OK ||
        lnt_store_badge_revoke(r->web->store, serial, "revoked from the dashboard", r->now, NULL,
                               err) != LNT_OK) {
        refuse(r, err);
        return;
    }
    done(r, "badge-revoke", "staff", form_str(r, "serial"));
}

/* Fills the printed card for the badge signed into `cl`. */
static void badge_card(struct lnt_sheet_card *card, const struct lnt_scheme *sc,
                       const struct lnt_staff *st, const struct lnt_venue *v,
                       const struct lnt_badge_claims *cl)
{
    (void)lnt_str_copy(card->scheme, sizeof card->scheme, sc->name);
    (void)lnt_str_copy(card->name, sizeof card->name, st->name);
    card->role = st->role;
    (void)lnt_str_copy(card->venue, sizeof card->venue, v->name);
    (void)lnt_str_copy(card->sia_number, sizeof card->sia_number, st->sia_number);
    card->sia_expires = st->sia_expires;
    card->expires_at = cl->expires_at;
    lnt_hex_encode(cl->serial, LNT_SERIAL_LEN, card->serial);
}

/*
 * Answers with the sheet at `path` as a PDF download. False when it cannot
 * be read back or does not fit the response: the caller answers with an error.
 */
static bool send_pdf(struct web_req *r, const char *path)
{
    FILE *f = fopen(path, "rb");
    char *pdf = malloc(SHEET_MAX);
    size_t len = 0;
    bool ok = false;

    if (f != NULL && pdf != NULL && (len = fread(pdf, 1, SHEET_MAX, f)) > 0 && len < SHEET_MAX) {
        lnt_buf_reset(&r->resp->body);
        ok = lnt_buf_append(&r->resp->body, pdf, len) == LNT_OK;
    }
    if (f != NULL)
        fclose(f);
    free(pdf);
    if (!ok)
        return false;
    lnt_str_copy(r->resp->content_type, sizeof r->resp->content_type, "application/pdf");
    web_header(r, "Content-Disposition", "attachment; filename=\"badge.pdf\"");
    r->resp->status = 200;
    return true;
}

/*
 * Signs a badge for staff member `staff` (what it carries: lnt_staff_badge_sign),
 * records it once its sheet is made, and answers with that printable PDF sheet.
 */
static void act_badge_issue(struct web_req *r)
{
    struct lnt_scheme sc;
    struct lnt_staff st;
    struct lnt_venue v;
    struct lnt_badge_claims cl;
    struct lnt_sheet_card card;
    char err[LNT_ERRBUF_SIZE] = "", dir[] = "/tmp/lantern-sheet-XXXXXX", path[64], object[48];
    int64_t id;

    memset(&sc, 0, sizeof sc);
    memset(&card, 0, sizeof card);
    if (!form_id(r, "staff", &id) || lnt_store_staff_get(r->web->store, id, &st, err) != LNT_OK ||
        lnt_store_venue_get(r->web->store, st.venue_id, &v, err) != LNT_OK ||
        lnt_store_scheme_get(r->web->store, &sc, err) != LNT_OK ||
        lnt_store_signing_key(r->web->store, &sc.key, err) != LNT_OK ||
        lnt_staff_badge_sign(r->web->store, &sc, &st, r->now, LNT_STAFF_BADGE_DEFAULT_DAYS, &cl,
                             card.qr_text, sizeof card.qr_text, err) != LNT_OK) {
        refuse(r, err);
        goto out;
    }
    badge_card(&card, &sc, &st, &v, &cl);
    if (mkdtemp(dir) == NULL) {
        refuse(r, "cannot make a temporary directory for the sheet");
        goto out;
    }
    snprintf(path, sizeof path, "%s/badge.pdf", dir);
    if (lnt_sheet_write(path, LNT_SHEET_PDF, &card, 1, err) != LNT_OK) {
        refuse(r, err);
        goto out_dir;
    }
    /* recorded only once printable: recording also revokes the person's earlier badges */
    if (lnt_staff_badge_record(r->web->store, &cl, st.id, err) != LNT_OK) {
        refuse(r, err);
        goto out_file;
    }
    snprintf(object, sizeof object, "badge %s", card.serial);
    web_audit(r, "admin.badge-issue", object, st.name);
    if (!send_pdf(r, path))
        refuse(r, "the sheet was made but could not be read back; issue the badge again");
out_file:
    unlink(path);
out_dir:
    rmdir(dir);
out:
    memset(&sc, 0, sizeof sc);
}

/* Shows a fresh one-time enrolment code with its QR code, drawn as SVG squares. */
static void act_kiosk_enrol(struct web_req *r)
{
    char code[LNT_ENROLL_CODE_LEN + 1], err[LNT_ERRBUF_SIZE] = "", object[32];
    struct lnt_venue v;
    struct lnt_image img = {0};
    int64_t id;

    if (!form_id(r, "venue", &id) || lnt_store_venue_get(r->web->store, id, &v, err) != LNT_OK ||
        lnt_store_enroll_code_add(r->web->store, id, r->now + ENROL_VALID, code, err) != LNT_OK) {
        refuse(r, err);
        return;
    }
    snprintf(object, sizeof object, "venue %lld", (long long)id);
    web_audit(r, "admin.kiosk-enrol", object, "");
    web_page_begin(r, "Enrol a kiosk", "admin");
    lnt_html_raw(&r->h, "<h1>Enrol a kiosk at ");
    lnt_html_txt(&r->h, v.name);
    lnt_html_raw(&r->h, "</h1><div class=\"panel\"><p>Type this code on the new kiosk, or hold "
                        "the QR code up to its camera. It works once, for seven days.</p><p "
                        "id=\"enrol-code\"><strong>");
    lnt_html_txt(&r->h, code);
    lnt_html_raw(&r->h, "</strong></p>");
    if (lnt_qr_render(code, 10, 1, 4, &img, NULL, err) == LNT_OK) {
        lnt_html_rawf(&r->h,
                      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
                      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"QR code of the "
                      "enrolment code\" shape-rendering=\"crispEdges\"><rect width=\"%d\" "
                      "height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
                      img.w, img.h, img.w, img.h);
        for (int y = 0; y < img.h; y++)
            for (int x = 0; x < img.w; x++)
                if (img.px[(size_t)y * img.stride + (size_t)x] < 128)
                    lnt_html_rawf(&r->h, "M%d %dh1v1h-1z", x, y);
        lnt_html_raw(&r->h, "\"/></svg>");
        lnt_image_release(&img);
    }
    lnt_html_raw(&r->h, "<p><a href=\"/admin#kiosks\">Back to Admin</a></p></div>");
    web_page_end(r, 200);
}

static void act_kiosk_revoke(struct web_req *r)
{
    char err[LNT_ERRBUF_SIZE] = "", object[32];
    int64_t id;

    if (!form_id(r, "kiosk", &id) ||
        lnt_store_kiosk_revoke(r->web->store, id, r->now, err) != LNT_OK) {
        refuse(r, err);
        return;
    }
    snprintf(object, sizeof object, "kiosk %lld", (long long)id);
    done(r, "kiosk-revoke", "kiosks", object);
}

static void act_officer_add(struct web_req *r)
{
    struct lnt_officer o;
    char err[LNT_ERRBUF_SIZE] = "";
    const char *venue = form_str(r, "venue");

    memset(&o, 0, sizeof o);
    if (lnt_officer_role_parse(form_str(r, "role"), &o.scope.role) != LNT_OK ||
        lnt_str_copy(o.email, sizeof o.email, form_str(r, "email")) != LNT_OK ||
        lnt_str_copy(o.name, sizeof o.name, form_str(r, "name")) != LNT_OK ||
        lnt_str_copy(o.scope.authority, sizeof o.scope.authority, form_str(r, "authority")) !=
            LNT_OK ||
        (venue[0] != '\0' && lnt_parse_i64(venue, 1, INT64_MAX, &o.scope.venue_id) != LNT_OK)) {
        refuse(r, "Give an email address, a name, a role and where the account may look.");
        return;
    }
    if (o.scope.role != LNT_OFFICER_VENUE)
        o.scope.venue_id = 0;
    else
        o.scope.authority[0] = '\0';
    if (lnt_store_officer_add(r->web->store, &o, form_str(r, "password"), err) != LNT_OK) {
        refuse(r, err);
        return;
    }
    done(r, "officer-add", "officers", o.email);
}

static void act_officer_disable(struct web_req *r)
{
    char err[LNT_ERRBUF_SIZE] = "", object[32];
    int64_t id;

    if (!form_id(r, "officer", &id) || id == r->officer.id ||
        lnt_store_officer_disable(r->web->store, id, r->now, err) != LNT_OK) {
        refuse(r, err[0] != '\0' ? err : "You cannot disable your own account here.");
        return;
    }
    snprintf(object, sizeof object, "officer %lld", (long long)id);
    done(r, "officer-disable", "officers", object);
}

void web_admin_post(struct web_req *r)
{
    static const struct {
        const char *name;
        void (*fn)(struct web_req *r);
    } actions[] = {
        {"venue-add", act_venue_add},
        {"venue-close", act_venue_close},
        {"staff-add", act_staff_add},
        {"staff-leave", act_staff_leave},
        {"training-add", act_training_add},
        {"badge-issue", act_badge_issue},
        {"badge-revoke", act_badge_revoke},
        {"kiosk-enrol", act_kiosk_enrol},
        {"kiosk-revoke", act_kiosk_revoke},
        {"officer-add", act_officer_add},
        {"officer-disable", act_officer_disable},
    };

    if (!web_can_admin(r)) {
        web_audit(r, "access.refused", r->http->path, "not an admin");
        web_error(r, 403, "Not allowed", "Only the scheme's administrators can use Admin.");
        return;
    }
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
        if (strcmp(r->params[0], actions[i].name) == 0) {
            actions[i].fn(r);
            return;
        }
    if (web_admin_act_sia(r, r->params[0]) || web_admin_act_map(r, r->params[0]) ||
        web_admin_act_delivery(r, r->params[0]))
        return;
    if (strcmp(r->params[0], "training-require") == 0 ||
        strcmp(r->params[0], "training-unrequire") == 0) {
        web_admin_act_required(r, strcmp(r->params[0], "training-require") == 0);
        return;
    }
    web_error(r, 404, "Not found", "There is no such action.");
}
