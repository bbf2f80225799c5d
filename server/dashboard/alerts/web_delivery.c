/* web_delivery.c - Admin: how alerts leave by email and webhook. The queue at a glance, the
 * deliveries that failed or are being retried (with the server's last answer), and each
 * authority's webhook, set (its secret shown once) and cleared here as with `lanternctl alert
 * webhook`. */
#include "../web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codec.h"
#include "store_notify.h"

#define TROUBLES_SHOWN 20

static void counts_table(struct web_req *r, const struct lnt_delivery_stats *st)
{
    static const enum lnt_delivery_state shown[] = {LNT_DELIVERY_SENT, LNT_DELIVERY_PENDING,
                                                    LNT_DELIVERY_HELD, LNT_DELIVERY_FAILED};
    static const char *const words[] = {"Sent", "Waiting or retrying", "Held for a digest",
                                        "Failed"};

    lnt_html_raw(&r->h, "<div class=\"table-wrap\"><table id=\"admin-delivery-counts\"><thead>"
                        "<tr><th scope=\"col\">Channel</th>");
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
        lnt_html_rawf(&r->h, "<th scope=\"col\">%s</th>", words[i]);
    lnt_html_raw(&r->h, "</tr></thead><tbody>");
    for (int c = 0; c < LNT_CHANNEL_COUNT; c++) {
        lnt_html_rawf(&r->h, "<tr data-channel=\"%s\"><th scope=\"row\">%s</th>",
                      lnt_channel_name((enum lnt_channel)c), c == 0 ? "Email" : "Webhook");
        for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
            lnt_html_rawf(&r->h, "<td data-state=\"%s\">%lld</td>",
                          lnt_delivery_state_name(shown[i]), (long long)st->count[c][shown[i]]);
        lnt_html_raw(&r->h, "</tr>");
    }
    lnt_html_raw(&r->h, "</tbody></table></div>");
}

static void troubles_table(struct web_req *r)
{
    struct lnt_delivery_row *d = NULL;
    size_t n = 0;

    if (lnt_store_delivery_troubles(r->web->store, TROUBLES_SHOWN, &d, &n, NULL) != LNT_OK) {
        lnt_html_raw(&r->h, "<p class=\"empty\">The failed deliveries could not be read.</p>");
        return;
    }
    if (n == 0) {
        lnt_html_raw(&r->h, "<p class=\"empty\" id=\"admin-delivery-ok\">No delivery has failed."
                            "</p>");
        free(d);
        return;
    }
    lnt_html_raw(&r->h, "<h3>Failed and retrying</h3><div class=\"table-wrap\"><table "
                        "id=\"admin-delivery-failures\"><thead><tr><th scope=\"col\">Alert</th>"
                        "<th scope=\"col\">To</th><th scope=\"col\">State</th><th scope=\"col\">"
                        "Attempts</th><th scope=\"col\">Next try</th><th scope=\"col\">Last "
                        "answer</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        if (d[i].alert_id != 0)
            lnt_html_rawf(&r->h, "<tr><td>%lld</td><td>", (long long)d[i].alert_id);
        else
            lnt_html_raw(&r->h, "<tr><td>digest</td><td>");
        lnt_html_txt(&r->h, d[i].target);
        lnt_html_rawf(&r->h, " <span class=\"muted\">(%s)</span></td><td>%s</td><td>%d</td><td>",
                      lnt_channel_name(d[i].channel),
                      d[i].state == LNT_DELIVERY_FAILED ? "failed, given up" : "retrying",
                      d[i].attempts);
        if (d[i].state == LNT_DELIVERY_FAILED)
            lnt_html_raw(&r->h, "none");
        else
            web_time(&r->h, d[i].next_at);
        lnt_html_raw(&r->h, "</td><td>");
        lnt_html_txt(&r->h, d[i].last_error);
        lnt_html_raw(&r->h, "</td></tr>");
    }
    lnt_html_raw(&r->h, "</tbody></table></div>");
    free(d);
}

static void webhooks_table(struct web_req *r)
{
    struct lnt_webhook *w = NULL;
    size_t n = 0;

    lnt_html_raw(&r->h, "<h3>Webhooks</h3><p class=\"muted\">A force's own system can take an "
                        "authority's alerts as signed JSON posts; docs/admin.md says how it "
                        "checks the signature.</p>");
    if (lnt_store_webhook_list(r->web->store, &w, &n, NULL) == LNT_OK && n > 0) {
        lnt_html_raw(&r->h, "<div class=\"table-wrap\"><table id=\"admin-webhooks\"><thead><tr>"
                            "<th scope=\"col\">Authority</th><th scope=\"col\">Posts to</th>"
                            "<th scope=\"col\">Set</th><th scope=\"col\"></th></tr></thead>"
                            "<tbody>");
        for (size_t i = 0; i < n; i++) {
            lnt_html_raw(&r->h, "<tr><td>");
            lnt_html_txt(&r->h, w[i].authority);
            lnt_html_raw(&r->h, "</td><td>");
            lnt_html_txt(&r->h, w[i].url);
            lnt_html_raw(&r->h, "</td><td>");
            web_time(&r->h, w[i].created_at);
            lnt_html_raw(&r->h, "</td><td><form method=\"post\" action=\"/admin/webhook-clear\" "
                                "class=\"inline\">");
            web_csrf_field(r);
            lnt_html_raw(&r->h, "<input type=\"hidden\" name=\"authority\" value=\"");
            lnt_html_txt(&r->h, w[i].authority);
            lnt_html_raw(&r->h, "\"/><button type=\"submit\" class=\"secondary\" aria-label=\""
                                "Clear the webhook of ");
            lnt_html_txt(&r->h, w[i].authority);
            lnt_html_raw(&r->h, "\">Clear</button></form></td></tr>");
        }
        lnt_html_raw(&r->h, "</tbody></table></div>");
    }
    free(w);
    lnt_html_raw(&r->h, "<form method=\"post\" action=\"/admin/webhook-set\" id=\"webhook-set\" "
                        "class=\"form-grid\">");
    web_csrf_field(r);
    lnt_html_raw(
        &r->h,
        "<div class=\"field\"><label for=\"wh-authority\">Licensing authority"
        "</label><input id=\"wh-authority\" name=\"authority\" type=\"text\" "
        "required=\"required\" maxlength=\"80\"/></div><div class=\"field\">"
        "<label for=\"wh-url\">Post to (https://...)</label><input id=\"wh-url\" "
        "name=\"url\" type=\"text\" inputmode=\"url\" required=\"required\" maxlength=\"254\"/>"
        "</div><button type=\"submit\">Set the webhook</button></form>");
}

void web_admin_delivery_section(struct web_req *r)
{
    struct lnt_delivery_stats st;

    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"alerts\"><h2>Alert delivery</h2><p "
                        "class=\"muted\">Alerts leave by email and by webhook with a summary "
                        "and a link only. A refused delivery is tried again after a minute, "
                        "then at doubling intervals up to an hour, for a day.</p>");
    if (lnt_store_delivery_stats(r->web->store, &st, NULL) == LNT_OK)
        counts_table(r, &st);
    else
        lnt_html_raw(&r->h, "<p class=\"empty\">The delivery queue could not be read.</p>");
    troubles_table(r);
    webhooks_table(r);
    lnt_html_raw(&r->h, "</section>");
}

/* Shows the new secret once, with what to do with it. */
static void secret_page(struct web_req *r, const char *authority, const char *url, const char *hex)
{
    web_page_begin(r, "Webhook set", "admin");
    lnt_html_raw(&r->h, "<h1>Webhook set</h1><p>Alerts of <strong>");
    lnt_html_txt(&r->h, authority);
    lnt_html_raw(&r->h, "</strong> are now posted to <code>");
    lnt_html_txt(&r->h, url);
    lnt_html_raw(&r->h, "</code>. Give the force this secret by a safe route: it is shown "
                        "only now, and their system checks each post's "
                        "<code>X-Lantern-Signature</code> with it.</p><p><code "
                        "id=\"webhook-secret\">");
    lnt_html_txt(&r->h, hex);
    lnt_html_raw(&r->h, "</code></p><p><a href=\"/admin#alerts\">Back to Admin</a></p>");
    web_page_end(r, 200);
}

static void act_set(struct web_req *r)
{
    const char *authority = web_form_get(&r->form, "authority");
    const char *url = web_form_get(&r->form, "url");
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN];
    char hex[2 * LNT_WEBHOOK_SECRET_LEN + 1], err[LNT_ERRBUF_SIZE] = "";

    if (authority == NULL || url == NULL ||
        lnt_store_webhook_set(r->web->store, r->actor, authority, url, r->now, secret, err) !=
            LNT_OK) {
        web_error(r, 400, "Not done", err[0] != '\0' ? err : "Give an authority and a URL.");
        return;
    }
    lnt_hex_encode(secret, sizeof secret, hex);
    sodium_memzero(secret, sizeof secret);
    secret_page(r, authority, url, hex);
    sodium_memzero(hex, sizeof hex);
}

static void act_clear(struct web_req *r)
{
    const char *authority = web_form_get(&r->form, "authority");
    char err[LNT_ERRBUF_SIZE] = "";

    if (authority == NULL ||
        lnt_store_webhook_clear(r->web->store, r->actor, authority, r->now, err) != LNT_OK) {
        web_error(r, 400, "Not done", err[0] != '\0' ? err : "Choose a webhook to clear.");
        return;
    }
    web_redirect(r, "/admin?done=webhook-clear#alerts");
}

bool web_admin_act_delivery(struct web_req *r, const char *action)
{
    if (strcmp(action, "webhook-set") == 0)
        act_set(r);
    else if (strcmp(action, "webhook-clear") == 0)
        act_clear(r);
    else
        return false;
    return true;
}
