/* ctl_webhook.c - `lanternctl alert webhook set|clear|list`: where an authority's alerts are
 * POSTed for a force's own systems, and the shared secret that signs them. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codec.h"
#include "ctl.h"
#include "ltime.h"
#include "store_notify.h"

static int webhook_set(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"authority", required_argument, NULL, 0}, {"url", required_argument, NULL, 1}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN];
    char hex[2 * LNT_WEBHOOK_SECRET_LEN + 1], err[LNT_ERRBUF_SIZE] = "";
    struct lnt_ctl_out o;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[0] == NULL || v[1] == NULL)
        return lnt_ctl_usage(c, "alert webhook set: --authority and --url are required");
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK || (rc = lnt_ctl_need_scheme(c)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_webhook_set(c->store, NULL, v[0], v[1], lnt_time_now(), secret, err) != LNT_OK)
        return lnt_ctl_fail("alert webhook set: %s", err);
    lnt_hex_encode(secret, sizeof secret, hex);
    sodium_memzero(secret, sizeof secret);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_str(&o, "authority", v[0]);
    lnt_ctl_out_str(&o, "url", v[1]);
    lnt_ctl_out_str(&o, "secret", hex); /* shown this once: give it to the force */
    sodium_memzero(hex, sizeof hex);
    return lnt_ctl_out_end(&o);
}

static int webhook_clear(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"authority", required_argument, NULL, 0}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_ctl_out o;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[0] == NULL)
        return lnt_ctl_usage(c, "alert webhook clear: --authority is required");
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_webhook_clear(c->store, NULL, v[0], lnt_time_now(), err) != LNT_OK)
        return lnt_ctl_fail("alert webhook clear: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_str(&o, "authority", v[0]);
    lnt_ctl_out_bool(&o, "cleared", true);
    return lnt_ctl_out_end(&o);
}

static int webhook_list(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_webhook *list = NULL;
    size_t n = 0;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_webhook_list(c->store, &list, &n, err) != LNT_OK)
        return lnt_ctl_fail("alert webhook list: %s", err);
    for (size_t i = 0; i < n && rc == LNT_CTL_OK; i++) {
        struct lnt_ctl_out o;
        lnt_ctl_out_begin(&o, c, true);
        lnt_ctl_out_str(&o, "authority", list[i].authority);
        lnt_ctl_out_str(&o, "url", list[i].url);
        lnt_ctl_out_time(&o, "set_at", list[i].created_at);
        rc = lnt_ctl_out_end(&o);
    }
    free(list);
    return rc;
}

int lnt_ctl_alert_webhook(struct lnt_ctl *c, int argc, char **argv)
{
    /* argv[0] is "webhook"; the action is the next word, its options after it */
    if (argc < 2)
        return lnt_ctl_usage(c, "alert webhook: expected set, clear or list");
    if (strcmp(argv[1], "set") == 0)
        return webhook_set(c, argc - 1, argv + 1);
    if (strcmp(argv[1], "clear") == 0)
        return webhook_clear(c, argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return webhook_list(c, argc - 1, argv + 1);
    return lnt_ctl_usage(c, "alert webhook: expected set, clear or list, not '%s'", argv[1]);
}
