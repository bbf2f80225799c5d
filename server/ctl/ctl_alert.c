/* ctl_alert.c - `lanternctl alert subscribe|unsubscribe|list`: what an officer is alerted to
 * (the inbox itself is read on the dashboard and the API). */
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ltime.h"
#include "store_alerts.h"

enum { A_OFFICER, A_KIND, A_VENUE, A_EMAIL, A_SUB };

static void out_sub(struct lnt_ctl_out *o, const struct lnt_alert_sub *s, const char *email)
{
    lnt_ctl_out_int(o, "id", s->id);
    lnt_ctl_out_str(o, "officer", email);
    lnt_ctl_out_str(o, "kind", lnt_alert_kind_name(s->kind) ? lnt_alert_kind_name(s->kind) : "");
    lnt_ctl_out_int(o, "venue", s->venue_id);
    lnt_ctl_out_bool(o, "by_email", s->by_email);
    lnt_ctl_out_time(o, "created_at", s->created_at);
}

/* The officer named by --officer (an email). */
static int officer_of(struct lnt_ctl *c, const char *cmd, const char *email,
                      struct lnt_officer *out)
{
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_store_officer_get(c->store, email, out, err) != LNT_OK)
        return lnt_ctl_fail("%s: %s", cmd, err);
    return LNT_CTL_OK;
}

int lnt_ctl_alert_subscribe(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"officer", required_argument, NULL, A_OFFICER},
                                         {"kind", required_argument, NULL, A_KIND},
                                         {"venue", required_argument, NULL, A_VENUE},
                                         {"email", no_argument, NULL, A_EMAIL},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_alert_sub sub = {0};
    struct lnt_officer off;
    struct lnt_ctl_out o;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[A_OFFICER] == NULL || v[A_KIND] == NULL)
        return lnt_ctl_usage(c, "alert subscribe: --officer and --kind are required");
    if (lnt_alert_kind_parse(v[A_KIND], &sub.kind) != LNT_OK)
        return lnt_ctl_usage(c, "alert subscribe: --kind: expected venue_red, serious_report, "
                                "door_refused, unlicensed_other_duties, kiosk_silent or "
                                "cup_covers_low");
    if (v[A_VENUE] != NULL &&
        (rc = lnt_ctl_parse_id("venue", v[A_VENUE], &sub.venue_id)) != LNT_CTL_OK)
        return rc;
    sub.by_email = v[A_EMAIL] != NULL;
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK ||
        (rc = officer_of(c, "alert subscribe", v[A_OFFICER], &off)) != LNT_CTL_OK)
        return rc;
    sub.officer_id = off.id;
    if (lnt_store_alert_subscribe(c->store, &sub, NULL, lnt_time_now(), err) != LNT_OK)
        return lnt_ctl_fail("alert subscribe: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    out_sub(&o, &sub, off.email);
    /* alerts raised earlier tonight, now in the inbox (never emailed) */
    lnt_ctl_out_int(&o, "tonight_in_inbox", (int64_t)sub.caught_up);
    return lnt_ctl_out_end(&o);
}

int lnt_ctl_alert_unsubscribe(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"officer", required_argument, NULL, A_OFFICER},
                                         {"subscription", required_argument, NULL, A_SUB},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_officer off;
    struct lnt_ctl_out o;
    int64_t id;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[A_OFFICER] == NULL || v[A_SUB] == NULL)
        return lnt_ctl_usage(c, "alert unsubscribe: --officer and --subscription are required");
    if ((rc = lnt_ctl_parse_id("subscription", v[A_SUB], &id)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK ||
        (rc = officer_of(c, "alert unsubscribe", v[A_OFFICER], &off)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_alert_unsubscribe(c->store, off.id, id, NULL, lnt_time_now(), err) != LNT_OK)
        return lnt_ctl_fail("alert unsubscribe: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_int(&o, "id", id);
    lnt_ctl_out_bool(&o, "ended", true);
    return lnt_ctl_out_end(&o);
}

int lnt_ctl_alert_list(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"officer", required_argument, NULL, A_OFFICER}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_alert_sub *subs = NULL;
    struct lnt_officer off, *all = NULL;
    size_t n = 0, na = 0;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    memset(&off, 0, sizeof off);
    if (v[A_OFFICER] != NULL &&
        (rc = officer_of(c, "alert list", v[A_OFFICER], &off)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_alert_subs(c->store, off.id, &subs, &n, err) != LNT_OK ||
        lnt_store_officer_list(c->store, &all, &na, err) != LNT_OK) {
        free(subs);
        return lnt_ctl_fail("alert list: %s", err);
    }
    for (size_t i = 0; i < n && rc == LNT_CTL_OK; i++) {
        const char *email = "";
        struct lnt_ctl_out o;

        for (size_t j = 0; j < na; j++)
            if (all[j].id == subs[i].officer_id)
                email = all[j].email;
        lnt_ctl_out_begin(&o, c, true);
        out_sub(&o, &subs[i], email);
        rc = lnt_ctl_out_end(&o);
    }
    free(all);
    free(subs);
    return rc;
}
