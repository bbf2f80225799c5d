/* web_places.c - the Street page: welfare records and officers' incidents counted per public
 * place and per trading night, filterable from lists, with the form an officer records a
 * public-place incident on; and the counting the map shares. */
#include "web_map_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "event.h"
#include "log.h"
#include "ltime.h"
#include "night.h"
#include "store_places.h"

#define WELFARE_PAGE 5000
#define WELFARE_MAX 200000 /* records read for one page at most */

/* ---- the filter ---- */

bool web_place_may_correct(const struct web_req *r, const struct lnt_place_incident *in)
{
    return in->superseded_by == 0 && lnt_place_scope_covers(&r->officer.scope, in->authority);
}

bool web_place_visible(const struct web_req *r, const char *authority)
{
    const char *mine = web_scope_authority(r);

    return mine == NULL || authority[0] == '\0' || strcmp(mine, authority) == 0;
}

void web_street_filter_read(struct web_req *r, struct web_street_filter *f)
{
    int32_t today = lnt_night_of(r->now);
    const char *place = web_query(r, "place"), *kind = web_query(r, "kind");

    memset(f, 0, sizeof *f);
    f->last = web_query_date(r, "to", today);
    f->first = web_query_date(r, "from", f->last - (WEB_STREET_NIGHTS_DEFAULT - 1));
    if (f->first > f->last) {
        int32_t t = f->first;
        f->first = f->last;
        f->last = t;
    }
    if (f->last - f->first >= WEB_STREET_NIGHTS_MAX)
        f->first = f->last - (WEB_STREET_NIGHTS_MAX - 1);
    if (place == NULL || lnt_parse_i64(place, 1, INT64_MAX, &f->place_id) != LNT_OK)
        f->place_id = 0;
    if (kind != NULL && (strcmp(kind, "welfare") == 0 || lnt_incident_kind_valid(kind)))
        lnt_str_copy(f->kind, sizeof f->kind, kind);
}

void web_street_query(const struct web_street_filter *f, char *out, size_t size)
{
    char from[LNT_DATE_STRLEN] = "", to[LNT_DATE_STRLEN] = "";

    lnt_date_format(f->first, from);
    lnt_date_format(f->last, to);
    snprintf(out, size, "from=%s&to=%s&place=%lld&kind=%s", from, to, (long long)f->place_id,
             f->kind);
}

void web_street_filter_form(struct web_req *r, const struct web_street_filter *f,
                            const struct web_street *st, const char *action)
{
    char from[LNT_DATE_STRLEN] = "", to[LNT_DATE_STRLEN] = "";

    lnt_date_format(f->first, from);
    lnt_date_format(f->last, to);
    lnt_html_rawf(&r->h,
                  "<form method=\"get\" action=\"%s\" class=\"filters\" id=\"street-filter\">"
                  "<div class=\"field\"><label for=\"f-from\">First night</label><input "
                  "type=\"date\" id=\"f-from\" name=\"from\" value=\"%s\"/></div><div "
                  "class=\"field\"><label for=\"f-to\">Last night</label><input type=\"date\" "
                  "id=\"f-to\" name=\"to\" value=\"%s\"/></div><div class=\"field\"><label "
                  "for=\"f-place\">Place</label><select id=\"f-place\" name=\"place\"><option "
                  "value=\"0\">Every place</option>",
                  action, from, to);
    for (size_t i = 0; i < st->n_places; i++) {
        lnt_html_rawf(&r->h, "<option value=\"%lld\"%s>", (long long)st->places[i].place.id,
                      st->places[i].place.id == f->place_id ? " selected=\"selected\"" : "");
        lnt_html_txt(&r->h, st->places[i].place.name);
        lnt_html_raw(&r->h, "</option>");
    }
    lnt_html_rawf(&r->h,
                  "</select></div><div class=\"field\"><label for=\"f-kind\">What</label><select "
                  "id=\"f-kind\" name=\"kind\"><option value=\"\">Everything</option><option "
                  "value=\"welfare\"%s>Street welfare records</option>",
                  strcmp(f->kind, "welfare") == 0 ? " selected=\"selected\"" : "");
    for (size_t k = 0; lnt_incident_kinds[k] != NULL; k++) {
        lnt_html_rawf(&r->h, "<option value=\"%s\"%s>Incidents: ", lnt_incident_kinds[k],
                      strcmp(f->kind, lnt_incident_kinds[k]) == 0 ? " selected=\"selected\"" : "");
        lnt_html_txt(&r->h, web_incident_words(WEB_INC_KIND, lnt_incident_kinds[k]));
        lnt_html_raw(&r->h, "</option>");
    }
    lnt_html_raw(&r->h, "</select></div><button type=\"submit\">Show</button></form>");
}

/* ---- counting ---- */

void web_street_release(struct web_street *st)
{
    free(st->places);
    free(st->nights);
    free(st->incidents);
    memset(st, 0, sizeof *st);
}

/* Adds n to place index `pi` on `night` (a new row when there is none yet). */
static enum lnt_err night_add(struct web_street *st, size_t *cap, int64_t place_id, int32_t night,
                              bool welfare, char *err)
{
    size_t i;

    for (i = 0; i < st->n_nights; i++)
        if (st->nights[i].place_id == place_id && st->nights[i].night == night)
            break;
    if (i == st->n_nights) {
        if (st->n_nights == *cap) {
            size_t ncap = *cap == 0 ? 64 : *cap * 2;
            struct web_street_night *p = realloc(st->nights, ncap * sizeof *p);
            if (p == NULL)
                return lnt_fail(err, LNT_ERR_NOMEM, "out of memory counting nights");
            st->nights = p;
            *cap = ncap;
        }
        memset(&st->nights[i], 0, sizeof st->nights[i]);
        st->nights[i].place_id = place_id;
        st->nights[i].night = night;
        st->n_nights++;
    }
    if (welfare)
        st->nights[i].welfare++;
    else
        st->nights[i].incidents++;
    return LNT_OK;
}

static struct web_street_place *place_by_id(struct web_street *st, int64_t id)
{
    for (size_t i = 0; i < st->n_places; i++)
        if (st->places[i].place.id == id)
            return &st->places[i];
    return NULL;
}

static struct web_street_place *place_by_name(struct web_street *st, const char *name)
{
    for (size_t i = 0; i < st->n_places; i++)
        if (strcasecmp(st->places[i].place.name, name) == 0)
            return &st->places[i];
    return NULL;
}

/* Whether a welfare record's hub is in this officer's scope. */
static bool hub_in_scope(const struct web_req *r, const struct lnt_venue *v, size_t nv,
                         int64_t venue_id)
{
    const char *mine = web_scope_authority(r);

    if (mine == NULL)
        return true;
    for (size_t i = 0; i < nv; i++)
        if (v[i].id == venue_id)
            return strcmp(v[i].authority, mine) == 0;
    return false;
}

static enum lnt_err count_welfare(struct web_req *r, const struct web_street_filter *f,
                                  struct web_street *st, size_t *cap, char *err)
{
    struct lnt_venue *v = NULL;
    size_t nv = 0;
    enum lnt_err rc = lnt_store_venue_list(r->web->store, &v, &nv, err);
    int64_t from = web_night_start(f->first), to = web_night_start(f->last + 1);

    for (size_t offset = 0; rc == LNT_OK && offset < WELFARE_MAX; offset += WELFARE_PAGE) {
        struct lnt_welfare_row *w = NULL;
        size_t n = 0;
        rc = lnt_store_welfare_list(r->web->store, from, to, offset, WELFARE_PAGE, &w, &n, err);
        for (size_t i = 0; rc == LNT_OK && i < n; i++) {
            struct web_street_place *p = place_by_name(st, w[i].place);
            if (p == NULL || !hub_in_scope(r, v, nv, w[i].venue_id) ||
                (f->place_id != 0 && p->place.id != f->place_id))
                continue;
            p->welfare++;
            rc = night_add(st, cap, p->place.id, lnt_night_of(w[i].occurred_at), true, err);
        }
        free(w);
        if (n < WELFARE_PAGE)
            break;
    }
    free(v);
    return rc;
}

static int night_cmp(const void *a, const void *b)
{
    const struct web_street_night *x = a, *y = b;

    if (x->night != y->night)
        return x->night > y->night ? -1 : 1;
    return x->place_id < y->place_id ? -1 : x->place_id > y->place_id;
}

enum lnt_err web_street_count(struct web_req *r, const struct web_street_filter *f,
                              struct web_street *st, char *err)
{
    struct lnt_place_info *all = NULL;
    struct lnt_place_incident_filter pf = {0};
    size_t n = 0, cap = 0;
    enum lnt_err rc;

    memset(st, 0, sizeof *st);
    rc = lnt_store_place_info_list(r->web->store, &all, &n, err);
    if (rc != LNT_OK)
        return rc;
    st->places = calloc(n > 0 ? n : 1, sizeof *st->places);
    if (st->places == NULL) {
        free(all);
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory listing places");
    }
    for (size_t i = 0; i < n; i++)
        if (web_place_visible(r, all[i].authority))
            st->places[st->n_places++].place = all[i];
    free(all);

    if (f->kind[0] == '\0' || strcmp(f->kind, "welfare") == 0)
        rc = count_welfare(r, f, st, &cap, err);
    if (rc == LNT_OK) {
        pf.authority = web_scope_authority(r);
        pf.place_id = f->place_id;
        pf.kind = f->kind[0] != '\0' && strcmp(f->kind, "welfare") != 0 ? f->kind : NULL;
        pf.first_night = f->first;
        pf.last_night = f->last;
        if (strcmp(f->kind, "welfare") != 0)
            rc = lnt_store_place_incident_list(r->web->store, &pf, &st->incidents, &st->n_incidents,
                                               err);
    }
    for (size_t i = 0; rc == LNT_OK && i < st->n_incidents; i++) {
        struct web_street_place *p = place_by_id(st, st->incidents[i].place_id);
        if (p == NULL)
            continue;
        p->incidents++;
        rc = night_add(st, &cap, p->place.id, st->incidents[i].night, false, err);
    }
    if (rc != LNT_OK) {
        web_street_release(st);
        return rc;
    }
    if (st->n_nights > 1)
        qsort(st->nights, st->n_nights, sizeof *st->nights, night_cmp);
    return LNT_OK;
}

/* ---- the page ---- */

static void place_totals(struct web_req *r, const struct web_street *st,
                         const struct web_street_filter *f)
{
    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"sp-h\"><h2 id=\"sp-h\">By "
                        "place</h2><div class=\"table-wrap\"><table id=\"street-places\" "
                        "data-sortable=\"1\"><thead><tr><th scope=\"col\"><a href=\"#\">Place</a>"
                        "</th><th scope=\"col\">Kind</th><th scope=\"col\" class=\"num\"><a "
                        "href=\"#\">Welfare records</a></th><th scope=\"col\" class=\"num\"><a "
                        "href=\"#\">Officers' incidents</a></th><th scope=\"col\" class=\"num\">"
                        "<a href=\"#\">Total</a></th></tr></thead><tbody>");
    for (size_t i = 0; i < st->n_places; i++) {
        const struct web_street_place *p = &st->places[i];
        if (f->place_id != 0 && p->place.id != f->place_id)
            continue;
        lnt_html_rawf(&r->h, "<tr data-place=\"%lld\"><th scope=\"row\">", (long long)p->place.id);
        lnt_html_txt(&r->h, p->place.name);
        lnt_html_raw(&r->h, "</th><td>");
        lnt_html_txt(&r->h, lnt_place_kind_words(p->place.kind));
        lnt_html_rawf(&r->h,
                      "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td "
                      "class=\"num\">%lld</td></tr>",
                      (long long)p->welfare, (long long)p->incidents,
                      (long long)(p->welfare + p->incidents));
    }
    if (st->n_places == 0)
        lnt_html_raw(&r->h, "<tr><td colspan=\"5\" class=\"empty\">No public places are "
                            "registered yet: Admin adds them.</td></tr>");
    lnt_html_raw(&r->h, "</tbody></table></div></section>");
}

static const char *place_name(const struct web_street *st, int64_t id)
{
    for (size_t i = 0; i < st->n_places; i++)
        if (st->places[i].place.id == id)
            return st->places[i].place.name;
    return "";
}

static void by_night(struct web_req *r, const struct web_street *st)
{
    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"sn-h\"><h2 id=\"sn-h\">By "
                        "trading night</h2><p class=\"muted\">A night runs from 06:00 to 06:00 the "
                        "next morning: 01:30 on Saturday counts for Friday night.</p><div "
                        "class=\"table-wrap\"><table id=\"street-nights\"><thead><tr><th "
                        "scope=\"col\">Night</th><th scope=\"col\">Place</th><th scope=\"col\" "
                        "class=\"num\">Welfare records</th><th scope=\"col\" class=\"num\">"
                        "Officers' incidents</th></tr></thead><tbody>");
    for (size_t i = 0; i < st->n_nights && i < 500; i++) {
        lnt_html_raw(&r->h, "<tr><td>");
        web_date(&r->h, st->nights[i].night);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, place_name(st, st->nights[i].place_id));
        lnt_html_rawf(&r->h, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>",
                      (long long)st->nights[i].welfare, (long long)st->nights[i].incidents);
    }
    if (st->n_nights == 0)
        lnt_html_raw(&r->h, "<tr><td colspan=\"4\" class=\"empty\">Nothing recorded in public "
                            "places in this period.</td></tr>");
    lnt_html_raw(&r->h, "</tbody></table></div></section>");
}

static void incident_list(struct web_req *r, const struct web_street *st)
{
    char when[64];

    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"si-h\"><h2 id=\"si-h\">"
                        "Officers' records</h2><div class=\"table-wrap\"><table "
                        "id=\"street-incidents\"><thead><tr><th scope=\"col\">When</th><th "
                        "scope=\"col\">Place</th><th scope=\"col\">What</th><th scope=\"col\">"
                        "Note</th><th scope=\"col\">Recorded by</th><th scope=\"col\">"
                        "Record</th></tr></thead><tbody>");
    for (size_t i = st->n_incidents; i-- > 0;) {
        const struct lnt_place_incident *in = &st->incidents[i];
        lnt_html_rawf(&r->h, "<tr data-record=\"%lld\"><td>", (long long)in->id);
        web_time(&r->h, in->occurred_at);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, in->place_name);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, web_incident_words(WEB_INC_KIND, in->kind));
        if (in->supersedes != 0)
            lnt_html_raw(&r->h, " <span class=\"muted\">(corrected)</span>");
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, in->note);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, in->recorded_by);
        /* each link named for a screen reader: the record it opens */
        web_time_text(in->occurred_at, when, sizeof when);
        if (web_place_may_correct(r, in))
            lnt_html_rawf(&r->h,
                          "</td><td><a class=\"correct\" href=\"/street/records/%lld#correct\" "
                          "aria-label=\"Correct the record of ",
                          (long long)in->id);
        else
            lnt_html_rawf(&r->h,
                          "</td><td><a class=\"history\" href=\"/street/records/%lld\" "
                          "aria-label=\"History of the record of ",
                          (long long)in->id);
        lnt_html_attr(&r->h, when);
        lnt_html_raw(&r->h, " at ");
        lnt_html_attr(&r->h, in->place_name);
        lnt_html_raw(&r->h, web_place_may_correct(r, in) ? "\">Correct</a>" : "\">History</a>");
        lnt_html_raw(&r->h, "</td></tr>");
    }
    if (st->n_incidents == 0)
        lnt_html_raw(&r->h, "<tr><td colspan=\"6\" class=\"empty\">No officers' records in this "
                            "period.</td></tr>");
    lnt_html_raw(&r->h, "</tbody></table></div></section>");
}

static bool may_record(const struct web_req *r)
{
    enum lnt_officer_role role = r->officer.scope.role;

    return role == LNT_OFFICER_ADMIN || role == LNT_OFFICER_OFFICER || role == LNT_OFFICER_POLICE;
}

static void record_form(struct web_req *r, const struct web_street *st)
{
    char date[LNT_DATE_STRLEN] = "", time[8];
    int64_t local = r->now + lnt_london_offset(r->now);
    int64_t sec = ((local % 86400) + 86400) % 86400;

    if (!may_record(r) || st->n_places == 0)
        return;
    lnt_date_format(lnt_london_date(r->now), date);
    snprintf(time, sizeof time, "%02d:%02d", (int)(sec / 3600), (int)(sec % 3600 / 60));
    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"sr-h\"><h2 id=\"sr-h\">Record "
                        "an incident in a public place</h2><p class=\"muted\">What happened and "
                        "where; never who it happened to. A mistake is corrected by a new record, "
                        "the old one is kept.</p><form method=\"post\" id=\"place-incident\" "
                        "class=\"form-grid\" action=\"/street/record\">");
    web_csrf_field(r);
    lnt_html_raw(&r->h, "<div class=\"field\"><label for=\"pi-place\">Place</label><select "
                        "id=\"pi-place\" name=\"place\">");
    for (size_t i = 0; i < st->n_places; i++) {
        lnt_html_rawf(&r->h, "<option value=\"%lld\">", (long long)st->places[i].place.id);
        lnt_html_txt(&r->h, st->places[i].place.name);
        lnt_html_raw(&r->h, "</option>");
    }
    lnt_html_rawf(&r->h,
                  "</select></div><div class=\"field\"><label for=\"pi-date\">Date "
                  "(YYYY-MM-DD)</label><input type=\"text\" id=\"pi-date\" name=\"date\" "
                  "value=\"%s\" required=\"required\" pattern=\"[0-9]{4}-[0-9]{2}-[0-9]{2}\"/>"
                  "</div><div class=\"field\"><label for=\"pi-time\">Time, UK (HH:MM)</label>"
                  "<input type=\"text\" id=\"pi-time\" name=\"time\" value=\"%s\" "
                  "required=\"required\" pattern=\"[0-9]{2}:[0-9]{2}\"/></div><div "
                  "class=\"field\"><label for=\"pi-kind\">What happened</label><select "
                  "id=\"pi-kind\" name=\"kind\">",
                  date, time);
    for (size_t k = 0; lnt_incident_kinds[k] != NULL; k++) {
        lnt_html_rawf(&r->h, "<option value=\"%s\">", lnt_incident_kinds[k]);
        lnt_html_txt(&r->h, web_incident_words(WEB_INC_KIND, lnt_incident_kinds[k]));
        lnt_html_raw(&r->h, "</option>");
    }
    lnt_html_rawf(&r->h,
                  "</select></div><div class=\"field\"><label for=\"pi-note\">Note (no names)"
                  "</label><input type=\"text\" id=\"pi-note\" name=\"note\" maxlength=\"%d\"/>"
                  "</div><button type=\"submit\">Record it</button></form></section>",
                  LNT_PLACE_NOTE_MAX);
}

void web_street_page(struct web_req *r)
{
    struct web_street_filter f;
    struct web_street st;
    char err[LNT_ERRBUF_SIZE] = "", object[128], q[160];
    const char *mine = web_scope_authority(r);

    if (!web_can_see_town(r)) {
        web_audit(r, "access.refused", "/street", "venue account");
        web_error(r, 403, "Not available", "The street figures cover the whole town.");
        return;
    }
    web_street_filter_read(r, &f);
    if (web_street_count(r, &f, &st, err) != LNT_OK) {
        lnt_error("dashboard: street: %s", err);
        web_error(r, 500, "Something went wrong", "The street records could not be read.");
        return;
    }
    snprintf(object, sizeof object, "public places, %s%s",
             mine != NULL ? "authority " : "whole scheme", mine != NULL ? mine : "");
    web_audit(r, "street.view", object, r->http->path);
    web_street_query(&f, q, sizeof q);
    web_page_begin(r, "Street", "street");
    lnt_html_raw(&r->h, "<h1>Street</h1><p class=\"lede\">The town's public places: street "
                        "welfare records from the volunteers' hubs and officers' own records of "
                        "incidents, by place and by trading night.</p>");
    if (web_query(r, "done") != NULL)
        lnt_html_raw(&r->h, "<div class=\"notice ok\" role=\"status\" id=\"street-done\">The "
                            "incident was recorded.</div>");
    web_street_filter_form(r, &f, &st, "/street");
    lnt_html_raw(&r->h, "<p class=\"no-print\"><a href=\"/map?");
    lnt_html_attr(&r->h, q);
    lnt_html_raw(&r->h, "\">See these on the map</a></p>");
    place_totals(r, &st, &f);
    by_night(r, &st);
    incident_list(r, &st);
    record_form(r, &st);
    web_page_end(r, 200);
    web_street_release(&st);
}

/* ---- recording ---- */

bool web_local_instant(const char *date, const char *hm, int64_t *out)
{
    int32_t day;
    int64_t h, m;
    char hh[3], mm[3];

    if (date == NULL || hm == NULL || lnt_date_parse(date, &day) != LNT_OK || strlen(hm) != 5 ||
        hm[2] != ':')
        return false;
    hh[0] = hm[0], hh[1] = hm[1], hh[2] = '\0';
    mm[0] = hm[3], mm[1] = hm[4], mm[2] = '\0';
    if (lnt_parse_i64(hh, 0, 23, &h) != LNT_OK || lnt_parse_i64(mm, 0, 59, &m) != LNT_OK)
        return false;
    *out = (int64_t)day * 86400 + h * 3600 + m * 60;
    *out -= lnt_london_offset(*out);
    return true;
}

void web_place_incident_post(struct web_req *r)
{
    struct lnt_place_incident in;
    char err[LNT_ERRBUF_SIZE] = "", object[48];
    const char *place = web_form_get(&r->form, "place"), *note = web_form_get(&r->form, "note");
    const char *kind = web_form_get(&r->form, "kind");
    int64_t id = 0;
    enum lnt_err rc;

    memset(&in, 0, sizeof in);
    if (place == NULL || lnt_parse_i64(place, 1, INT64_MAX, &id) != LNT_OK) {
        web_error(r, 400, "Not recorded", "Choose a place from the list.");
        return;
    }
    if (!may_record(r)) {
        web_audit(r, "access.refused", r->http->path, "role may not record street incidents");
        web_error(r, 403, "Not allowed", "Only officers and police record street incidents.");
        return;
    }
    in.place_id = id;
    in.recorded_at = r->now;
    if (!web_local_instant(web_form_get(&r->form, "date"), web_form_get(&r->form, "time"),
                           &in.occurred_at)) {
        web_error(r, 400, "Not recorded", "Give the date as YYYY-MM-DD and the time as HH:MM.");
        return;
    }
    if (kind == NULL || lnt_str_copy(in.kind, sizeof in.kind, kind) != LNT_OK ||
        (note != NULL && lnt_str_copy(in.note, sizeof in.note, note) != LNT_OK)) {
        web_error(r, 400, "Not recorded", "The kind or the note is too long.");
        return;
    }
    rc = lnt_store_place_incident_add(r->web->store, &r->officer, &in, err);
    if (rc == LNT_ERR_FORBIDDEN) {
        snprintf(object, sizeof object, "place %lld", (long long)id);
        web_audit(r, "access.refused", object, "another authority's place");
        web_error(r, 403, "Not allowed", "That place belongs to another licensing authority.");
        return;
    }
    if (rc == LNT_ERR_NOT_FOUND) {
        web_error(r, 404, "Not found", "There is no such place.");
        return;
    }
    if (rc != LNT_OK) {
        web_error(r, rc == LNT_ERR_INVALID ? 400 : 500, "Not recorded", err);
        return;
    }
    snprintf(object, sizeof object, "place incident %lld", (long long)in.id);
    web_audit(r, "street.record", object, in.kind);
    web_redirect(r, "/street?done=1");
}
