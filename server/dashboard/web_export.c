/* web_export.c - Exports: CSV for every table, each download audited. */
#include "web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ltime.h"
#include "night.h"

/* Past this the export stops and is refused: no row is longer than the margin left. */
#define CSV_MAX (LNT_HTTP_RESPONSE_MAX - 16384)

void web_csv_cell(struct lnt_buf *b, const char *s, bool last)
{
    bool quote = false;

    if (s == NULL)
        s = "";
    /* a cell a spreadsheet would run as a formula starts with a quote mark instead */
    if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')
        quote = true;
    for (const char *p = s; *p != '\0' && !quote; p++)
        quote = *p == ',' || *p == '"' || *p == '\n' || *p == '\r';
    if (quote) {
        lnt_buf_puts(b, "\"");
        if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
            s[0] == '\r')
            lnt_buf_puts(b, "'");
        for (const char *p = s; *p != '\0'; p++) {
            if (*p == '"')
                lnt_buf_puts(b, "\"\"");
            else
                lnt_buf_append(b, p, 1);
        }
        lnt_buf_puts(b, "\"");
    } else {
        lnt_buf_puts(b, s);
    }
    lnt_buf_puts(b, last ? "\r\n" : ",");
}

static void cell_i(struct lnt_buf *b, int64_t v, bool last)
{
    lnt_buf_printf(b, "%lld%s", (long long)v, last ? "\r\n" : ",");
}

/* Times and dates as a person reads them on the pages: London local with its zone. */
static void cell_time(struct lnt_buf *b, int64_t t, bool last)
{
    char s[LNT_LOCAL_TIME_STRLEN] = "";
    if (t > 0)
        (void)lnt_local_time_format(t, s);
    web_csv_cell(b, s, last);
}

static void cell_date(struct lnt_buf *b, int32_t d, bool last)
{
    char s[LNT_LOCAL_DATE_STRLEN] = "";
    if (d > 0 && d != INT32_MAX)
        (void)lnt_local_date_format(d, s);
    web_csv_cell(b, d == INT32_MAX ? "no expiry" : s, last);
}

static void csv_begin(struct web_req *r, const char *filename)
{
    char disp[128];

    lnt_buf_reset(&r->resp->body);
    lnt_str_copy(r->resp->content_type, sizeof r->resp->content_type, "text/csv; charset=utf-8");
    snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", filename);
    web_header(r, "Content-Disposition", disp);
}

static void csv_end(struct web_req *r, const char *what)
{
    if (r->resp->body.len >= CSV_MAX) {
        web_error(r, 413, "Too large", "The export is too large; choose a shorter range.");
        return;
    }
    web_audit(r, "export", what, r->http->path);
    r->resp->status = 200;
}

void web_exports(struct web_req *r)
{
    static const struct {
        const char *href, *label, *note;
        bool town;
    } items[] = {
        {"/exports/venues.csv", "League table", "every venue in your scope with its scores", false},
        {"/exports/incidents.csv", "Incidents", "the scoring window, without sealed details",
         false},
        {"/exports/stock.csv", "Cup-cover stock", "current levels", false},
        {"/exports/kiosks.csv", "Kiosks", "health of every kiosk", false},
        {"/exports/volunteers.csv", "Volunteers", "shifts, hours and tallies by month and team",
         true},
    };

    web_page_begin(r, "Exports", "exports");
    lnt_html_raw(&r->h, "<h1>Exports</h1><p class=\"lede\">CSV files open in any spreadsheet. "
                        "Every download is recorded in the audit log.</p><div class=\"panel\">"
                        "<ul id=\"export-list\">");
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        if (items[i].town && !web_can_see_town(r))
            continue;
        lnt_html_rawf(&r->h, "<li><a href=\"%s\">%s</a> <span class=\"muted\">%s</span></li>",
                      items[i].href, items[i].label, items[i].note);
    }
    if (web_can_admin(r))
        lnt_html_raw(&r->h, "<li><a href=\"/exports/audit.csv\">Audit log</a> <span "
                            "class=\"muted\">the latest 1000 entries</span></li>");
    lnt_html_raw(&r->h, "</ul><p>For one venue, its case file has the door register, findings "
                        "and training as CSV, and its evidence pack as a PDF.</p>");
    if (r->officer.scope.venue_id != 0)
        lnt_html_rawf(&r->h,
                      "<p><a href=\"/exports/register.csv?venue=%lld\">Door register, "
                      "last seven nights</a></p>",
                      (long long)r->officer.scope.venue_id);
    lnt_html_raw(&r->h, "</div>");
    web_page_end(r, 200);
}

static void export_venues(struct web_req *r)
{
    struct lnt_league *l = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_buf *b = &r->resp->body;
    enum lnt_err rc = r->officer.scope.venue_id != 0
                          ? web_league_one(r->web, r->officer.scope.venue_id, r->now, &l, err)
                          : web_league_get(r->web, web_scope_authority(r), r->now, &l, err);

    if (rc != LNT_OK) {
        web_error(r, 500, "Something went wrong", "The league table could not be built.");
        return;
    }
    csv_begin(r, "venues.csv");
    lnt_buf_puts(b, "id,name,category,area,authority,capacity,risk_band,risk_points,bbn_award,"
                    "accredited,trend,incidents,last_contact,review,low_reporting\r\n");
    for (size_t i = 0; i < l->n; i++) {
        const struct lnt_league_row *w = &l->rows[i];
        char pts[32];
        lnt_score_milli_format(w->score.total_milli, pts);
        cell_i(b, w->s.venue.id, false);
        web_csv_cell(b, w->s.venue.name, false);
        web_csv_cell(b, lnt_venue_category_name(w->s.venue.category), false);
        web_csv_cell(b, w->s.venue.area, false);
        web_csv_cell(b, w->s.venue.authority, false);
        cell_i(b, w->s.venue.capacity, false);
        web_csv_cell(b, lnt_band_name(w->score.band), false);
        web_csv_cell(b, w->scored ? pts : "", false);
        web_csv_cell(b, w->score.award, false);
        web_csv_cell(b, w->score.accredited ? "yes" : "no", false);
        web_csv_cell(b, lnt_trend_name(w->score.trend), false);
        cell_i(b, w->s.incidents, false);
        cell_time(b, w->s.last_contact, false);
        web_csv_cell(b, w->score.review ? "yes" : "no", false);
        web_csv_cell(b, w->score.low_reporting ? "yes" : "no", true);
    }
    lnt_league_release(l);
    csv_end(r, "venues.csv");
}

struct inc_ctx {
    struct lnt_buf *b;
    int32_t last; /* the scoring window's last night: later ones are tonight's */
};

static int inc_row(void *ctx, const struct lnt_incident *x)
{
    struct lnt_buf *b = ((struct inc_ctx *)ctx)->b;
    char short_id[LNT_SCORE_SHORT_ID];
    web_csv_cell(b, x->report_id, false);
    cell_i(b, x->venue_id, false);
    cell_time(b, x->occurred_at, false);
    web_csv_cell(b, x->kind, false);
    cell_i(b, x->severity, false);
    web_csv_cell(b, x->place, false);
    web_csv_cell(b, x->outcome, false);
    web_csv_cell(b, x->police_called ? "yes" : "no", false);
    web_csv_cell(b, x->complete ? "yes" : "no", false);
    web_csv_cell(b, x->within_hour ? "yes" : "no", false);
    cell_i(b, x->updates, false);
    lnt_score_short_id(x->report_id, short_id);
    web_csv_cell(b, short_id, false);
    web_csv_cell(b, lnt_night_of(x->occurred_at) <= ((struct inc_ctx *)ctx)->last ? "yes" : "no",
                 true);
    return b->len >= CSV_MAX ? 1 : 0;
}

static bool export_venue(struct web_req *r, struct lnt_venue *v);

static void export_incidents(struct web_req *r)
{
    struct lnt_incident_filter f = {0};
    struct inc_ctx c = {&r->resp->body, 0};
    struct lnt_venue v;
    char err[LNT_ERRBUF_SIZE] = "";
    int32_t first, last;

    web_window(r->web, r->now, &first, &last);
    c.last = last;
    f.venue_id = r->officer.scope.venue_id;
    f.authority = web_scope_authority(r);
    /* ?venue= narrows to one venue in scope (refused and audited otherwise) */
    if (web_query(r, "venue") != NULL) {
        if (!export_venue(r, &v))
            return;
        f.venue_id = v.id;
    }
    f.from = web_night_start(first);
    f.to = r->now + 1; /* as at a past date, nothing after it */
    csv_begin(r, "incidents.csv");
    lnt_buf_puts(c.b, "report_id,venue_id,occurred_at,kind,severity,place,outcome,police_called,"
                      "protocol_complete,recorded_within_hour,saves,ref,in_scoring_window\r\n");
    if (lnt_store_incident_each(r->web->store, &f, inc_row, &c, err) != LNT_OK) {
        lnt_error("dashboard: export incidents: %s", err);
        web_error(r, 500, "Something went wrong", "The incidents could not be read.");
        return;
    }
    csv_end(r, "incidents.csv");
}

/* The venue named by ?venue= when in scope (venue managers: their own by default). */
static bool export_venue(struct web_req *r, struct lnt_venue *v)
{
    const char *q = web_query(r, "venue");
    int64_t id = r->officer.scope.venue_id;

    if (q != NULL && lnt_parse_i64(q, 1, INT64_MAX, &id) != LNT_OK)
        id = 0;
    if (id == 0) {
        web_error(r, 400, "Which venue?", "Add ?venue= with the venue's number.");
        return false;
    }
    return web_venue_in_scope(r, id, v);
}

static void export_register(struct web_req *r)
{
    struct lnt_venue v;
    struct lnt_shift *sh = NULL;
    struct lnt_buf *b = &r->resp->body;
    char err[LNT_ERRBUF_SIZE] = "";
    int32_t first, last, from, to;
    size_t n = 0;

    if (!export_venue(r, &v))
        return;
    if (!web_can_read_register(r)) {
        web_audit(r, "access.refused", r->http->path, "may not read the door register");
        web_error(r, 403, "Not allowed", "Your account cannot see the door register.");
        return;
    }
    web_window(r->web, r->now, &first, &last);
    from = web_query_date(r, "from", last - 6);
    to = web_query_date(r, "to", last);
    if (to < from || to - from > 366) {
        web_error(r, 400, "Choose a shorter range", "Up to a year of nights, first before last.");
        return;
    }
    csv_begin(r, "register.csv");
    lnt_buf_puts(
        b, "shift_id,venue_id,night,signed_in,signed_out,staff_id,name,role,sia_number,"
           "sia_licence,vulnerability_trained,angela_trained,bystander_trained,badge_flag\r\n");
    for (size_t off = 0;; off += LNT_VIEW_MAX) {
        free(sh);
        sh = NULL;
        if (lnt_store_register_list(r->web->store, v.id, web_night_start(from),
                                    web_night_start(to + 1), off, LNT_VIEW_MAX, &sh, &n,
                                    err) != LNT_OK) {
            web_error(r, 500, "Something went wrong", "The register could not be read.");
            return;
        }
        for (size_t i = 0; i < n; i++) {
            cell_i(b, sh[i].id, false);
            cell_i(b, sh[i].venue_id, false);
            cell_date(b, sh[i].night, false);
            cell_time(b, sh[i].on_at, false);
            cell_time(b, sh[i].off_at, false);
            web_csv_cell(b, sh[i].staff_id, false);
            web_csv_cell(b, sh[i].staff_name, false);
            web_csv_cell(b, lnt_role_name(sh[i].role), false);
            web_csv_cell(b, sh[i].sia_number, false);
            web_csv_cell(b, lnt_shift_licence_word(&sh[i]), false);
            web_csv_cell(b, sh[i].vuln_trained ? "yes" : "no", false);
            web_csv_cell(b, sh[i].angela_trained ? "yes" : "no", false);
            web_csv_cell(b, sh[i].bystander_trained ? "yes" : "no", false);
            web_csv_cell(b,
                         lnt_signin_flag_name(sh[i].badge_flag) != NULL
                             ? lnt_signin_flag_name(sh[i].badge_flag)
                             : "",
                         true);
        }
        if (n < LNT_VIEW_MAX || b->len >= CSV_MAX)
            break;
    }
    free(sh);
    csv_end(r, "register.csv");
}

static void export_findings(struct web_req *r)
{
    struct lnt_venue v;
    struct lnt_finding *f = NULL;
    struct lnt_buf *b = &r->resp->body;
    size_t n = 0;

    if (!export_venue(r, &v))
        return;
    if (lnt_store_finding_list(r->web->store, v.id, &f, &n, NULL) != LNT_OK) {
        web_error(r, 500, "Something went wrong", "The findings could not be read.");
        return;
    }
    csv_begin(r, "findings.csv");
    lnt_buf_puts(b, "id,venue_id,criterion,met,evidence,assessor,found_on,valid_until\r\n");
    for (size_t i = 0; i < n; i++) {
        cell_i(b, f[i].id, false);
        cell_i(b, f[i].venue_id, false);
        web_csv_cell(b, f[i].criterion, false);
        web_csv_cell(b, f[i].met ? "yes" : "no", false);
        web_csv_cell(b, f[i].evidence, false);
        web_csv_cell(b, f[i].assessor, false);
        cell_date(b, f[i].found_on, false);
        cell_date(b, f[i].valid_until, true);
    }
    free(f);
    csv_end(r, "findings.csv");
}

static void export_training(struct web_req *r)
{
    struct lnt_venue v;
    struct lnt_training_coverage *tc = NULL;
    struct lnt_buf *b = &r->resp->body;
    size_t n = 0;

    if (!export_venue(r, &v))
        return;
    if (lnt_store_training_coverage(r->web->store, v.id, &tc, &n, NULL) != LNT_OK) {
        web_error(r, 500, "Something went wrong", "Training could not be read.");
        return;
    }
    csv_begin(r, "training.csv");
    lnt_buf_puts(b, "staff_id,name,role,sia_expires");
    for (int c = 1; c <= LNT_COURSE__MAX; c++)
        lnt_buf_printf(b, ",%s", lnt_course_name((enum lnt_course)c));
    lnt_buf_puts(b, "\r\n");
    for (size_t i = 0; i < n; i++) {
        if (web_can_read_register(r)) {
            cell_i(b, tc[i].staff_id, false);
            web_csv_cell(b, tc[i].name, false);
        } else { /* numbered, as on the case file: names are the register's */
            lnt_buf_puts(b, ",");
            lnt_buf_printf(b, "Staff member %zu,", i + 1);
        }
        web_csv_cell(b, lnt_role_name(tc[i].role), false);
        cell_date(b, tc[i].sia_expires, false);
        for (int c = 1; c <= LNT_COURSE__MAX; c++)
            cell_date(b, tc[i].expires[c], c == LNT_COURSE__MAX);
    }
    free(tc);
    csv_end(r, "training.csv");
}

static void export_stock(struct web_req *r)
{
    struct lnt_stock_level *st = NULL;
    struct lnt_buf *b = &r->resp->body;
    size_t n = 0;

    if (lnt_store_stock_levels(r->web->store, web_scope_authority(r), &st, &n, NULL) != LNT_OK) {
        web_error(r, 500, "Something went wrong", "Stock could not be read.");
        return;
    }
    csv_begin(r, "stock.csv");
    lnt_buf_puts(b, "venue_id,level,counted,threshold,updated_at\r\n");
    for (size_t i = 0; i < n; i++) {
        if (r->officer.scope.venue_id != 0 && st[i].venue_id != r->officer.scope.venue_id)
            continue;
        cell_i(b, st[i].venue_id, false);
        cell_i(b, st[i].level, false);
        web_csv_cell(b, st[i].known ? "yes" : "no", false);
        cell_i(b, st[i].threshold, false);
        cell_time(b, st[i].updated_at, true);
    }
    free(st);
    csv_end(r, "stock.csv");
}

static void export_kiosks(struct web_req *r)
{
    struct lnt_kiosk *k = NULL;
    struct lnt_venue *venues = NULL;
    struct lnt_buf *b = &r->resp->body;
    size_t n = 0, nv = 0;

    if (lnt_store_kiosk_list(r->web->store, r->officer.scope.venue_id, &k, &n, NULL) != LNT_OK ||
        lnt_store_venue_list_by(r->web->store, web_scope_authority(r), true, &venues, &nv, NULL) !=
            LNT_OK) {
        free(k);
        web_error(r, 500, "Something went wrong", "Kiosks could not be read.");
        return;
    }
    csv_begin(r, "kiosks.csv");
    lnt_buf_puts(b, "kiosk_id,venue_id,enrolled_at,last_seen,last_seq,backlog,seq_gaps,"
                    "seq_backwards,revoked\r\n");
    for (size_t i = 0; i < n; i++) {
        bool in_scope = false;
        for (size_t j = 0; j < nv && !in_scope; j++)
            in_scope = venues[j].id == k[i].venue_id;
        if (!in_scope)
            continue;
        cell_i(b, k[i].id, false);
        cell_i(b, k[i].venue_id, false);
        cell_time(b, k[i].enrolled_at, false);
        cell_time(b, k[i].last_seen, false);
        cell_i(b, k[i].last_seq, false);
        cell_i(b, k[i].backlog, false);
        cell_i(b, k[i].seq_gaps, false);
        cell_i(b, k[i].seq_backwards, false);
        web_csv_cell(b, k[i].revoked ? "yes" : "no", true);
    }
    free(k);
    free(venues);
    csv_end(r, "kiosks.csv");
}

static void export_volunteers(struct web_req *r)
{
    struct lnt_volunteer_month *vm = NULL;
    struct lnt_buf *b = &r->resp->body;
    struct lnt_rollup_scope scope;
    int32_t today = lnt_london_date(r->now);
    size_t n = 0;

    if (!web_can_see_town(r)) {
        web_error(r, 403, "Not available", "Volunteer figures cover the whole town.");
        return;
    }
    lnt_scope_volunteers(&r->officer.scope, 0, &scope);
    if (lnt_store_volunteer_months(r->web->store, &scope, today - 400, today, &vm, &n, NULL) !=
        LNT_OK) {
        web_error(r, 500, "Something went wrong", "Volunteer figures could not be read.");
        return;
    }
    csv_begin(r, "volunteers.csv");
    lnt_buf_puts(b, "year,month,team,shifts,person_hours,water,flip_flops,blankets,bottles,"
                    "first_aid,cctv_calls,police_calls,calmed,base\r\n");
    for (size_t i = 0; i < n; i++) {
        cell_i(b, vm[i].year, false);
        cell_i(b, vm[i].month, false);
        web_csv_cell(b, vm[i].team, false);
        cell_i(b, vm[i].shifts, false);
        lnt_buf_printf(b, "%.2f,", (double)vm[i].person_seconds / 3600.0);
        for (int t = 0; t < LNT_TALLIES; t++)
            cell_i(b, vm[i].tallies[t], false);
        web_csv_cell(b, vm[i].base, true);
    }
    free(vm);
    csv_end(r, "volunteers.csv");
}

static void export_audit(struct web_req *r)
{
    struct lnt_audit_entry *a = NULL;
    struct lnt_buf *b = &r->resp->body;
    size_t n = 0;

    if (!web_can_admin(r)) {
        web_audit(r, "access.refused", "audit.csv", "not an admin");
        web_error(r, 403, "Not allowed", "Only administrators can export the audit log.");
        return;
    }
    if (lnt_store_audit_list(r->web->store, 0, 0, 0, LNT_VIEW_MAX, &a, &n, NULL) != LNT_OK) {
        web_error(r, 500, "Something went wrong", "The audit log could not be read.");
        return;
    }
    csv_begin(r, "audit.csv");
    lnt_buf_puts(b, "id,at,actor,action,object,detail\r\n");
    for (size_t i = 0; i < n; i++) {
        cell_i(b, a[i].id, false);
        cell_time(b, a[i].at, false);
        web_csv_cell(b, a[i].actor, false);
        web_csv_cell(b, a[i].action, false);
        web_csv_cell(b, a[i].object, false);
        web_csv_cell(b, a[i].detail, true);
    }
    free(a);
    csv_end(r, "audit.csv");
}

void web_export_csv(struct web_req *r)
{
    static const struct {
        const char *name;
        void (*fn)(struct web_req *r);
    } exports[] = {
        {"venues.csv", export_venues},     {"incidents.csv", export_incidents},
        {"register.csv", export_register}, {"findings.csv", export_findings},
        {"training.csv", export_training}, {"stock.csv", export_stock},
        {"kiosks.csv", export_kiosks},     {"volunteers.csv", export_volunteers},
        {"audit.csv", export_audit},
    };

    for (size_t i = 0; i < sizeof exports / sizeof exports[0]; i++)
        if (strcmp(r->params[0], exports[i].name) == 0) {
            exports[i].fn(r);
            return;
        }
    web_error(r, 404, "Not found", "There is no such export.");
}
