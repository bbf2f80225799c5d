/* web_inbox.c - the Alerts page: an officer's inbox (not acknowledged first, acknowledged with
 * who and when) and the settings of what to be told about (subscriptions). */
#include "../web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_alerts.h"

#define INBOX_PAGE 20 /* alerts one page shows: the waiting ones first */
#define INBOX_OFFSET_MAX 1000000

/* What each kind of alert tells, in an officer's words. */
static const char *kind_words(enum lnt_alert_kind k)
{
    switch (k) {
    case LNT_ALERT_VENUE_RED:
        return "A venue turns Red or is flagged for review";
    case LNT_ALERT_SERIOUS_REPORT:
        return "A spiking or sexual-offence report arrives";
    case LNT_ALERT_DOOR_REFUSED:
        return "A badge is refused at a door";
    case LNT_ALERT_UNLICENSED_OTHER_DUTIES:
        return "A door supervisor without a valid licence signs in for other duties";
    case LNT_ALERT_KIOSK_SILENT:
        return "A kiosk is silent on a trading night";
    case LNT_ALERT_CUP_COVERS_LOW:
        return "Cup covers fall below the minimum";
    }
    return "Unknown";
}

/* The venues this officer may see: their venue, their authority's, or all. Caller frees. */
static enum lnt_err venues_in_scope(struct web_req *r, struct lnt_venue **out, size_t *n, char *err)
{
    enum lnt_err rc;

    if (r->officer.scope.venue_id != 0) {
        *out = calloc(1, sizeof **out);
        *n = 0;
        if (*out == NULL)
            return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
        rc = lnt_store_venue_get(r->web->store, r->officer.scope.venue_id, *out, err);
        if (rc == LNT_OK)
            *n = 1;
        return rc;
    }
    return lnt_store_venue_list_by(r->web->store, web_scope_authority(r), false, out, n, err);
}

static const char *venue_name(const struct lnt_venue *v, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].id == id)
            return v[i].name;
    return "a venue no longer listed";
}

static void alert_row(struct web_req *r, const struct lnt_alert *a)
{
    lnt_html_rawf(&r->h, "<li class=\"alert%s\" id=\"alert-%lld\"><p class=\"alert-summary\">",
                  a->acked_at == 0 ? " alert-new" : "", (long long)a->id);
    lnt_html_txt(&r->h, a->summary);
    lnt_html_raw(&r->h, "</p><p class=\"muted\">Raised ");
    web_time(&r->h, a->raised_at);
    lnt_html_raw(&r->h, " &#183; <a href=\"");
    lnt_html_attr(&r->h, web_local_path(a->link) ? a->link : "/");
    lnt_html_raw(&r->h, "\">Look</a></p>");
    if (a->acked_at != 0) {
        lnt_html_raw(&r->h, "<p class=\"acked\">Acknowledged by ");
        lnt_html_txt(&r->h, a->acked_by);
        lnt_html_raw(&r->h, ", ");
        web_time(&r->h, a->acked_at);
        lnt_html_raw(&r->h, "</p>");
    } else {
        lnt_html_rawf(&r->h, "<form method=\"post\" action=\"/alerts/%lld/ack\">",
                      (long long)a->id);
        web_csrf_field(r);
        lnt_html_raw(&r->h, "<button type=\"submit\" class=\"ack\" aria-label=\"Acknowledge: ");
        lnt_html_attr(&r->h, a->summary);
        lnt_html_raw(&r->h, "\">Acknowledge</button></form>");
    }
    lnt_html_raw(&r->h, "</li>\n");
}

/* The settings: each active subscription with a button to stop it, and the form to add one. */
static void settings(struct web_req *r, const struct lnt_alert_sub *s, size_t n,
                     const struct lnt_venue *v, size_t nv)
{
    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"subs-h\"><h2 id=\"subs-h\">"
                        "What to tell me</h2><ul id=\"subscriptions\" class=\"subs\">");
    for (size_t i = 0; i < n; i++) {
        lnt_html_raw(&r->h, "<li>");
        lnt_html_txt(&r->h, kind_words(s[i].kind));
        lnt_html_raw(&r->h, ": ");
        lnt_html_txt(&r->h, s[i].venue_id == 0 ? "every venue I can see"
                                               : venue_name(v, nv, s[i].venue_id));
        if (s[i].by_email)
            lnt_html_raw(&r->h, " (and by email)");
        lnt_html_rawf(&r->h, " <form method=\"post\" action=\"/alerts/subscriptions/%lld/end\">",
                      (long long)s[i].id);
        web_csrf_field(r);
        lnt_html_raw(&r->h, "<button type=\"submit\" aria-label=\"Stop: ");
        lnt_html_attr(&r->h, kind_words(s[i].kind));
        lnt_html_raw(&r->h, "\">Stop</button></form></li>");
    }
    if (n == 0)
        lnt_html_raw(&r->h, "<li class=\"empty\">Nothing yet: choose below.</li>");
    lnt_html_raw(&r->h, "</ul><form method=\"post\" action=\"/alerts/subscribe\" "
                        "class=\"subscribe\">");
    web_csrf_field(r);
    lnt_html_raw(&r->h, "<label for=\"kind\">Tell me when</label><select id=\"kind\" "
                        "name=\"kind\">");
    for (int k = 1; k <= LNT_ALERT__MAX; k++) {
        lnt_html_rawf(&r->h, "<option value=\"%s\">", lnt_alert_kind_name((enum lnt_alert_kind)k));
        lnt_html_txt(&r->h, kind_words((enum lnt_alert_kind)k));
        lnt_html_raw(&r->h, "</option>");
    }
    lnt_html_raw(&r->h, "</select><label for=\"venue\">At</label><select id=\"venue\" "
                        "name=\"venue\"><option value=\"0\">Every venue I can see</option>");
    for (size_t i = 0; i < nv; i++) {
        lnt_html_rawf(&r->h, "<option value=\"%lld\">", (long long)v[i].id);
        lnt_html_txt(&r->h, v[i].name);
        lnt_html_raw(&r->h, "</option>");
    }
    lnt_html_raw(&r->h, "</select><label><input type=\"checkbox\" name=\"by_email\" "
                        "value=\"1\"/> Also by email</label><button type=\"submit\" "
                        "id=\"subscribe\">Subscribe</button></form></section>");
}

void web_inbox(struct web_req *r)
{
    struct lnt_alert *a = NULL;
    struct lnt_alert_sub *s = NULL;
    struct lnt_venue *v = NULL;
    char err[LNT_ERRBUF_SIZE] = "", object[40];
    size_t n = 0, ns = 0, nv = 0;
    int64_t waiting = 0, offset = 0;
    const char *from = web_query(r, "offset");

    if (from != NULL && lnt_parse_i64(from, 0, INBOX_OFFSET_MAX, &offset) != LNT_OK)
        offset = 0; /* a malformed page number shows the first page */
    if (lnt_store_alert_inbox(r->web->store, r->officer.id, (size_t)offset, INBOX_PAGE, &a, &n,
                              err) != LNT_OK ||
        lnt_store_alert_unacked(r->web->store, r->officer.id, &waiting, err) != LNT_OK ||
        lnt_store_alert_subs(r->web->store, r->officer.id, &s, &ns, err) != LNT_OK ||
        venues_in_scope(r, &v, &nv, err) != LNT_OK) {
        lnt_error("dashboard: alerts: %s", err);
        web_error(r, 500, "Something went wrong", "The alerts could not be read.");
        goto out;
    }
    snprintf(object, sizeof object, "officer %lld", (long long)r->officer.id);
    web_audit(r, "alert.read", object, "the alerts page");
    r->alerts_waiting_read = true; /* the navigation shows this same count */
    r->alerts_waiting = waiting;
    web_page_begin(r, "Alerts", "alerts");
    lnt_html_rawf(&r->h,
                  "<h1>Alerts</h1><p class=\"lede\" id=\"inbox-count\">%lld waiting to be "
                  "acknowledged.</p>",
                  (long long)waiting);
    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"inbox-h\"><h2 id=\"inbox-h\">"
                        "Inbox, newest waiting first</h2><ul id=\"inbox\" class=\"alerts\">");
    for (size_t i = 0; i < n; i++)
        alert_row(r, &a[i]);
    if (n == 0)
        lnt_html_raw(&r->h, "<li class=\"empty\">No alerts.</li>");
    lnt_html_raw(&r->h, "</ul>");
    if (offset > 0 || n == INBOX_PAGE) {
        lnt_html_raw(&r->h, "<p class=\"pager\">");
        if (offset > 0)
            lnt_html_rawf(&r->h, "<a href=\"/alerts?offset=%lld\">Newer</a> ",
                          (long long)(offset > INBOX_PAGE ? offset - INBOX_PAGE : 0));
        if (n == INBOX_PAGE)
            lnt_html_rawf(&r->h, "<a href=\"/alerts?offset=%lld\">Older</a>",
                          (long long)offset + INBOX_PAGE);
        lnt_html_raw(&r->h, "</p>");
    }
    lnt_html_raw(&r->h, "</section>");
    settings(r, s, ns, v, nv);
    web_page_end(r, 200);
out:
    free(v);
    free(s);
    free(a);
}

/* The officer's own name for the record of who acknowledged: their email, cut to fit. */
static void who(const struct web_req *r, char out[64])
{
    snprintf(out, 64, "%.63s", r->officer.email);
}

/* Answers a store refusal of a form on this page, or goes back to the page. */
static void done(struct web_req *r, enum lnt_err rc, const char *err)
{
    if (rc == LNT_OK) {
        web_redirect(r, "/alerts");
        return;
    }
    if (rc == LNT_ERR_NOT_FOUND || rc == LNT_ERR_STATE || rc == LNT_ERR_EXISTS ||
        rc == LNT_ERR_INVALID || rc == LNT_ERR_FORBIDDEN) {
        web_error(r,
                  rc == LNT_ERR_FORBIDDEN   ? 403
                  : rc == LNT_ERR_NOT_FOUND ? 404
                  : rc == LNT_ERR_INVALID   ? 400
                                            : 409,
                  "Not done", err);
        return;
    }
    lnt_error("dashboard: alerts: %s", err);
    web_error(r, 500, "Something went wrong", "The change could not be stored.");
}

/* POST /alerts/{id}/ack */
void web_inbox_ack(struct web_req *r)
{
    char err[LNT_ERRBUF_SIZE] = "", by[64];
    int64_t id;

    if (!web_param_id(r, 0, &id))
        return;
    who(r, by);
    done(r, lnt_store_alert_ack(r->web->store, r->officer.id, id, by, r->now, err), err);
}

/* POST /alerts/subscribe: kind, venue (0 = every venue in scope), by_email */
void web_inbox_subscribe(struct web_req *r)
{
    struct lnt_alert_sub sub;
    char err[LNT_ERRBUF_SIZE] = "";
    const char *venue = web_form_get(&r->form, "venue");
    enum lnt_err rc;

    memset(&sub, 0, sizeof sub);
    sub.officer_id = r->officer.id;
    if (lnt_alert_kind_parse(web_form_get(&r->form, "kind"), &sub.kind) != LNT_OK) {
        web_error(r, 400, "Not done", "Choose what to be told about from the list.");
        return;
    }
    if (venue != NULL && lnt_parse_i64(venue, 0, INT64_MAX, &sub.venue_id) != LNT_OK) {
        web_error(r, 400, "Not done", "Choose a venue from the list.");
        return;
    }
    sub.by_email = web_form_get(&r->form, "by_email") != NULL;
    rc = lnt_store_alert_subscribe(r->web->store, &sub, r->actor, r->now, err);
    if (rc == LNT_ERR_FORBIDDEN) {
        char object[32];
        snprintf(object, sizeof object, "venue %lld", (long long)sub.venue_id);
        web_audit(r, "access.refused", object, "alert subscription outside the officer's scope");
    }
    done(r, rc, err);
}

/* POST /alerts/subscriptions/{id}/end */
void web_inbox_end(struct web_req *r)
{
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t id;

    if (!web_param_id(r, 0, &id))
        return;
    done(r, lnt_store_alert_unsubscribe(r->web->store, r->officer.id, id, r->actor, r->now, err),
         err);
}
