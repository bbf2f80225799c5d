/* ctl_place.c - `lanternctl place add|list|remove`: the town's named public places, which the
 * hub kiosks offer for the street welfare log. */
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ltime.h"
#include "store_places.h"

static void out_place(struct lnt_ctl_out *o, const struct lnt_place *p)
{
    lnt_ctl_out_int(o, "id", p->id);
    lnt_ctl_out_str(o, "name", p->name);
    lnt_ctl_out_time(o, "created_at", p->created_at);
}

int lnt_ctl_place_add(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"name", required_argument, NULL, 0}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_place p = {0};
    struct lnt_ctl_out o;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[0] == NULL)
        return lnt_ctl_usage(c, "place add: --name is required");
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK || (rc = lnt_ctl_need_scheme(c)) != LNT_CTL_OK)
        return rc;
    p.created_at = lnt_time_now();
    if (lnt_store_place_add(c->store, v[0], p.created_at, &p.id, err) != LNT_OK)
        return lnt_ctl_fail("place add: %s", err);
    lnt_str_copy(p.name, sizeof p.name, v[0]);
    lnt_ctl_out_begin(&o, c, false);
    out_place(&o, &p);
    return lnt_ctl_out_end(&o);
}

int lnt_ctl_place_list(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_place *list = NULL;
    size_t n = 0;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_place_list(c->store, &list, &n, err) != LNT_OK)
        return lnt_ctl_fail("place list: %s", err);
    for (size_t i = 0; i < n && rc == LNT_CTL_OK; i++) {
        struct lnt_ctl_out o;
        lnt_ctl_out_begin(&o, c, true);
        out_place(&o, &list[i]);
        rc = lnt_ctl_out_end(&o);
    }
    free(list);
    return rc;
}

int lnt_ctl_place_remove(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"place", required_argument, NULL, 0}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_ctl_out o;
    int64_t id;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[0] == NULL)
        return lnt_ctl_usage(c, "place remove: --place is required");
    if ((rc = lnt_ctl_parse_id("place", v[0], &id)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_place_remove(c->store, id, err) != LNT_OK)
        return lnt_ctl_fail("place remove: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_int(&o, "id", id);
    lnt_ctl_out_bool(&o, "removed", true);
    return lnt_ctl_out_end(&o);
}
