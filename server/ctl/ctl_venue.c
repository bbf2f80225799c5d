/* ctl_venue.c - `lanternctl venue add|edit|list|close` and assessors' findings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ltime.h"
#include "night.h"
#include "store_map.h"

#define THRESHOLD_MAX 1000000

static void out_venue(struct lnt_ctl_out *o, const struct lnt_venue *v)
{
    lnt_ctl_out_int(o, "id", v->id);
    lnt_ctl_out_str(o, "name", v->name);
    lnt_ctl_out_str(o, "category", lnt_venue_category_name(v->category));
    lnt_ctl_out_int(o, "capacity", v->capacity);
    lnt_ctl_out_str(o, "area", v->area);
    lnt_ctl_out_str(o, "authority", v->authority);
    lnt_ctl_out_str(o, "trading", v->trading);
    lnt_ctl_out_int(o, "cup_cover_threshold", v->cup_cover_threshold);
    lnt_ctl_out_date(o, "joined", v->joined_on);
    lnt_ctl_out_date(o, "evidence_from", v->evidence_from);
    lnt_ctl_out_time(o, "created_at", v->created_at);
    lnt_ctl_out_bool(o, "closed", v->closed_at != 0);
    if (v->closed_at != 0)
        lnt_ctl_out_time(o, "closed_at", v->closed_at);
}

/* The venue's map position as venue edit set it: numbers, or null when cleared. */
static void out_geo(struct lnt_ctl_out *o, const struct lnt_geo *g)
{
    char lat[32], lon[32];

    snprintf(lat, sizeof lat, "%.6f", g->lat);
    snprintf(lon, sizeof lon, "%.6f", g->lon);
    lnt_ctl_out_raw(o, "lat", g->set ? lat : "null", g->set ? lat : "none");
    lnt_ctl_out_raw(o, "lon", g->set ? lon : "null", g->set ? lon : "none");
}

/* Reads the options venue add and venue edit share into *v, setting bits in *fields. */
enum {
    O_NAME,
    O_CATEGORY,
    O_CAPACITY,
    O_AREA,
    O_AUTHORITY,
    O_TRADING,
    O_THRESHOLD,
    O_JOINED,
    O_VENUE,
    O_LAT,
    O_LON
};

static int venue_fields(const char *const v[LNT_CTL_MAX_OPTS], struct lnt_venue *ven,
                        unsigned *fields)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_trading tr;
    int64_t n;
    int rc;

    *fields = 0;
    if (v[O_NAME] != NULL) {
        if (v[O_NAME][0] == '\0' || lnt_str_copy(ven->name, sizeof ven->name, v[O_NAME]) != LNT_OK)
            return lnt_ctl_fail("--name: expected 1 to %zu bytes", sizeof ven->name - 1);
        *fields |= LNT_VENUE_SET_NAME;
    }
    if (v[O_CATEGORY] != NULL) {
        if (lnt_venue_category_parse(v[O_CATEGORY], &ven->category) != LNT_OK)
            return lnt_ctl_fail("--category: expected pub, bar, nightclub or hub, got '%s'",
                                v[O_CATEGORY]);
        *fields |= LNT_VENUE_SET_CATEGORY;
    }
    if (v[O_CAPACITY] != NULL) {
        if ((rc = lnt_ctl_parse_int("capacity", v[O_CAPACITY], 0, 1000000, &n)) != LNT_CTL_OK)
            return rc;
        ven->capacity = (int32_t)n;
        *fields |= LNT_VENUE_SET_CAPACITY;
    }
    if (v[O_AREA] != NULL) {
        if (lnt_str_copy(ven->area, sizeof ven->area, v[O_AREA]) != LNT_OK)
            return lnt_ctl_fail("--area: at most %zu bytes", sizeof ven->area - 1);
        *fields |= LNT_VENUE_SET_AREA;
    }
    if (v[O_AUTHORITY] != NULL) {
        if (lnt_str_copy(ven->authority, sizeof ven->authority, v[O_AUTHORITY]) != LNT_OK)
            return lnt_ctl_fail("--authority: at most %d bytes", LNT_AUTHORITY_MAX);
        *fields |= LNT_VENUE_SET_AUTHORITY;
    }
    if (v[O_TRADING] != NULL) {
        if (v[O_TRADING][0] != '\0' && lnt_trading_parse(v[O_TRADING], &tr, err) != LNT_OK)
            return lnt_ctl_fail("--trading: %s (e.g. \"Thu-Sat 20:00-03:00; Sun 18:00-23:30\")",
                                err);
        if (lnt_str_copy(ven->trading, sizeof ven->trading, v[O_TRADING]) != LNT_OK)
            return lnt_ctl_fail("--trading: at most %d bytes", LNT_TRADING_MAX);
        *fields |= LNT_VENUE_SET_TRADING;
    }
    if (v[O_THRESHOLD] != NULL) {
        if ((rc = lnt_ctl_parse_int("cup-cover-threshold", v[O_THRESHOLD], 1, THRESHOLD_MAX, &n)) !=
            LNT_CTL_OK)
            return rc;
        ven->cup_cover_threshold = (int32_t)n;
        *fields |= LNT_VENUE_SET_CUP_THRESHOLD;
    }
    if (v[O_JOINED] != NULL) {
        /* "enrolment" clears it: the window starts with the first kiosk's enrolment again */
        ven->joined_on = 0;
        if (strcmp(v[O_JOINED], "enrolment") != 0 &&
            (rc = lnt_ctl_parse_date("joined", v[O_JOINED], &ven->joined_on)) != LNT_CTL_OK)
            return rc;
        *fields |= LNT_VENUE_SET_JOINED;
    }
    return LNT_CTL_OK;
}

#define VENUE_OPTS                                                                                 \
    {"name", required_argument, NULL, O_NAME}, {"category", required_argument, NULL, O_CATEGORY},  \
        {"capacity", required_argument, NULL, O_CAPACITY},                                         \
        {"area", required_argument, NULL, O_AREA},                                                 \
        {"authority", required_argument, NULL, O_AUTHORITY},                                       \
        {"trading", required_argument, NULL, O_TRADING},                                           \
        {"cup-cover-threshold", required_argument, NULL, O_THRESHOLD},                             \
    {                                                                                              \
        "joined", required_argument, NULL, O_JOINED                                                \
    }

int lnt_ctl_venue_add(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {VENUE_OPTS, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_venue ven = {0};
    struct lnt_ctl_out o;
    unsigned fields;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if ((rc = lnt_ctl_require(c, opts, v, O_NAME, O_AREA)) != LNT_CTL_OK)
        return rc;
    if ((rc = venue_fields(v, &ven, &fields)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK || (rc = lnt_ctl_need_scheme(c)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_venue_add(c->store, &ven, err) != LNT_OK)
        return lnt_ctl_fail("venue add: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    out_venue(&o, &ven);
    return lnt_ctl_out_end(&o);
}

int lnt_ctl_venue_edit(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {VENUE_OPTS,
                                         {"venue", required_argument, NULL, O_VENUE},
                                         {"lat", required_argument, NULL, O_LAT},
                                         {"lon", required_argument, NULL, O_LON},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_venue ven = {0};
    struct lnt_geo geo = {0};
    struct lnt_ctl_out o;
    unsigned fields;
    bool set_geo = false;
    int64_t id;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[O_VENUE] == NULL)
        return lnt_ctl_usage(c, "venue edit: --venue is required");
    if ((rc = lnt_ctl_parse_id("venue", v[O_VENUE], &id)) != LNT_CTL_OK ||
        (rc = venue_fields(v, &ven, &fields)) != LNT_CTL_OK)
        return rc;
    if (v[O_LAT] != NULL || v[O_LON] != NULL) {
        /* both "" clear them */
        if (v[O_LAT] == NULL || v[O_LON] == NULL ||
            lnt_geo_parse(v[O_LAT], v[O_LON], &geo, err) != LNT_OK)
            return lnt_ctl_fail("--lat/--lon: %s",
                                err[0] != '\0' ? err : "give both, or both \"\" to clear them");
        set_geo = true;
    }
    if (fields == 0 && !set_geo)
        return lnt_ctl_usage(c, "venue edit: nothing to change: give at least one field");
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if ((fields != 0 && lnt_store_venue_edit(c->store, id, &ven, fields, err) != LNT_OK) ||
        (set_geo && lnt_store_venue_geo_set(c->store, id, &geo, lnt_time_now(), err) != LNT_OK) ||
        lnt_store_venue_get(c->store, id, &ven, err) != LNT_OK)
        return lnt_ctl_fail("venue edit: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    out_venue(&o, &ven);
    if (set_geo)
        out_geo(&o, &geo);
    return lnt_ctl_out_end(&o);
}

int lnt_ctl_venue_list(struct lnt_ctl *c, int argc, char **argv)
{
    enum { L_AUTHORITY, L_CATEGORY, L_AREA, L_CLOSED };
    static const struct option opts[] = {{"authority", required_argument, NULL, L_AUTHORITY},
                                         {"category", required_argument, NULL, L_CATEGORY},
                                         {"area", required_argument, NULL, L_AREA},
                                         {"closed", no_argument, NULL, L_CLOSED},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_venue *list = NULL;
    enum lnt_venue_category cat = 0;
    size_t n = 0;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[L_CATEGORY] != NULL && lnt_venue_category_parse(v[L_CATEGORY], &cat) != LNT_OK)
        return lnt_ctl_fail("--category: expected pub, bar, nightclub or hub, got '%s'",
                            v[L_CATEGORY]);
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    /* closed venues are listed only when asked for: their history stays, they no longer trade */
    if (lnt_store_venue_list_by(c->store, v[L_AUTHORITY], v[L_CLOSED] != NULL, &list, &n, err) !=
        LNT_OK)
        return lnt_ctl_fail("venue list: %s", err);
    for (size_t i = 0; i < n && rc == LNT_CTL_OK; i++) {
        struct lnt_ctl_out o;
        if ((cat != 0 && list[i].category != cat) ||
            (v[L_AREA] != NULL && strcmp(list[i].area, v[L_AREA]) != 0))
            continue;
        lnt_ctl_out_begin(&o, c, true);
        out_venue(&o, &list[i]);
        rc = lnt_ctl_out_end(&o);
    }
    free(list);
    return rc;
}

int lnt_ctl_venue_close(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"venue", required_argument, NULL, 0}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_venue ven;
    struct lnt_ctl_out o;
    int64_t id;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[0] == NULL)
        return lnt_ctl_usage(c, "venue close: --venue is required");
    if ((rc = lnt_ctl_parse_id("venue", v[0], &id)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_venue_close(c->store, id, lnt_time_now(), err) != LNT_OK ||
        lnt_store_venue_get(c->store, id, &ven, err) != LNT_OK)
        return lnt_ctl_fail("venue close: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    out_venue(&o, &ven);
    return lnt_ctl_out_end(&o);
}

/* ---- assessors' findings ---- */

static void out_finding(struct lnt_ctl_out *o, const struct lnt_finding *f)
{
    lnt_ctl_out_int(o, "id", f->id);
    lnt_ctl_out_int(o, "venue_id", f->venue_id);
    lnt_ctl_out_str(o, "criterion", f->criterion);
    lnt_ctl_out_bool(o, "met", f->met);
    lnt_ctl_out_str(o, "evidence", f->evidence);
    lnt_ctl_out_str(o, "assessor", f->assessor);
    lnt_ctl_out_date(o, "date", f->found_on);
    lnt_ctl_out_date(o, "valid_until", f->valid_until);
    lnt_ctl_out_time(o, "recorded_at", f->recorded_at);
}

int lnt_ctl_finding_add(struct lnt_ctl *c, int argc, char **argv)
{
    enum { F_VENUE, F_CRITERION, F_MET, F_EVIDENCE, F_ASSESSOR, F_DATE, F_VALID };
    static const struct option opts[] = {{"venue", required_argument, NULL, F_VENUE},
                                         {"criterion", required_argument, NULL, F_CRITERION},
                                         {"met", required_argument, NULL, F_MET},
                                         {"evidence", required_argument, NULL, F_EVIDENCE},
                                         {"assessor", required_argument, NULL, F_ASSESSOR},
                                         {"date", required_argument, NULL, F_DATE},
                                         {"valid-until", required_argument, NULL, F_VALID},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_finding *f = NULL;
    struct lnt_ctl_out o;
    int32_t today = lnt_london_date(lnt_time_now());
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if ((rc = lnt_ctl_require(c, opts, v, F_VENUE, F_ASSESSOR)) != LNT_CTL_OK)
        return rc;
    f = calloc(1, sizeof *f);
    if (f == NULL)
        return lnt_ctl_fail("out of memory");
    if ((rc = lnt_ctl_parse_id("venue", v[F_VENUE], &f->venue_id)) != LNT_CTL_OK)
        goto out;
    rc = LNT_CTL_FAIL;
    if (strcmp(v[F_MET], "yes") != 0 && strcmp(v[F_MET], "no") != 0) {
        lnt_ctl_fail("--met: expected yes or no, got '%s'", v[F_MET]);
        goto out;
    }
    f->met = strcmp(v[F_MET], "yes") == 0;
    if (lnt_str_copy(f->criterion, sizeof f->criterion, v[F_CRITERION]) != LNT_OK) {
        lnt_ctl_fail("--criterion: at most %d bytes", LNT_CRITERION_MAX);
        goto out;
    }
    if (lnt_str_copy(f->evidence, sizeof f->evidence, v[F_EVIDENCE]) != LNT_OK) {
        lnt_ctl_fail("--evidence: at most %d bytes", LNT_EVIDENCE_MAX);
        goto out;
    }
    if (v[F_ASSESSOR][0] == '\0' ||
        lnt_str_copy(f->assessor, sizeof f->assessor, v[F_ASSESSOR]) != LNT_OK) {
        lnt_ctl_fail("--assessor: expected 1 to %zu bytes", sizeof f->assessor - 1);
        goto out;
    }
    f->found_on = today;
    if (v[F_DATE] != NULL && lnt_ctl_parse_date("date", v[F_DATE], &f->found_on) != LNT_CTL_OK)
        goto out;
    if (f->found_on > today) {
        lnt_ctl_fail("--date: %s is in the future", v[F_DATE]);
        goto out;
    }
    if (v[F_VALID] != NULL &&
        lnt_ctl_parse_date("valid-until", v[F_VALID], &f->valid_until) != LNT_CTL_OK)
        goto out;
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        goto out;
    if (lnt_store_finding_add(c->store, f, lnt_time_now(), err) != LNT_OK) {
        rc = lnt_ctl_fail("finding add: %s", err);
        goto out;
    }
    lnt_ctl_out_begin(&o, c, false);
    out_finding(&o, f);
    rc = lnt_ctl_out_end(&o);
out:
    free(f);
    return rc;
}

int lnt_ctl_finding_list(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"venue", required_argument, NULL, 0}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_finding *list = NULL;
    struct lnt_venue ven;
    size_t n = 0;
    int64_t id;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[0] == NULL)
        return lnt_ctl_usage(c, "finding list: --venue is required");
    if ((rc = lnt_ctl_parse_id("venue", v[0], &id)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_venue_get(c->store, id, &ven, err) != LNT_OK ||
        lnt_store_finding_list(c->store, id, &list, &n, err) != LNT_OK)
        return lnt_ctl_fail("finding list: %s", err);
    for (size_t i = 0; i < n && rc == LNT_CTL_OK; i++) {
        struct lnt_ctl_out o;
        lnt_ctl_out_begin(&o, c, true);
        out_finding(&o, &list[i]);
        rc = lnt_ctl_out_end(&o);
    }
    free(list);
    return rc;
}
