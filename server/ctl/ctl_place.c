/* ctl_place.c - `lanternctl place add|edit|list|remove` (the town's named public places, which
 * the hub kiosks offer for the street welfare log, with their kind, coordinates and authority),
 * `place record|correct|incidents` (officers' records of incidents in public places) and
 * `map image` (the offline map's background). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ctl.h"
#include "event.h"
#include "ltime.h"
#include "store_auth.h"
#include "store_map.h"

/* A coordinate as a JSON number (6 decimals, about 10 cm), or null. */
static void out_coord(struct lnt_ctl_out *o, const char *key, bool set, double deg)
{
    char num[32];

    if (!set) {
        lnt_ctl_out_raw(o, key, "null", "none");
        return;
    }
    snprintf(num, sizeof num, "%.6f", deg);
    lnt_ctl_out_raw(o, key, num, num);
}

static void out_place(struct lnt_ctl_out *o, const struct lnt_place_info *p)
{
    lnt_ctl_out_int(o, "id", p->id);
    lnt_ctl_out_str(o, "name", p->name);
    lnt_ctl_out_str(o, "kind", lnt_place_kind_name(p->kind));
    out_coord(o, "lat", p->geo.set, p->geo.lat);
    out_coord(o, "lon", p->geo.set, p->geo.lon);
    lnt_ctl_out_str(o, "authority", p->authority);
    lnt_ctl_out_time(o, "created_at", p->created_at);
}

enum { P_NAME, P_KIND, P_LAT, P_LON, P_AUTHORITY, P_PLACE };

/* Applies --kind, --lat/--lon and --authority (those given) to *p; counts them in *changed. */
static int place_fields(const char *const v[LNT_CTL_MAX_OPTS], struct lnt_place_info *p,
                        int *changed)
{
    char err[LNT_ERRBUF_SIZE] = "";

    *changed = 0;
    if (v[P_KIND] != NULL) {
        if (lnt_place_kind_parse(v[P_KIND], &p->kind, err) != LNT_OK)
            return lnt_ctl_fail("--kind: %s", err);
        (*changed)++;
    }
    if (v[P_LAT] != NULL || v[P_LON] != NULL) {
        if (lnt_geo_parse(v[P_LAT], v[P_LON], &p->geo, err) != LNT_OK ||
            (v[P_LAT] == NULL) != (v[P_LON] == NULL))
            return lnt_ctl_fail("--lat/--lon: %s",
                                err[0] != '\0' ? err : "give both, or both \"\" to clear them");
        (*changed)++;
    }
    if (v[P_AUTHORITY] != NULL) {
        if (lnt_str_copy(p->authority, sizeof p->authority, v[P_AUTHORITY]) != LNT_OK)
            return lnt_ctl_fail("--authority: at most %d bytes", LNT_AUTHORITY_MAX);
        (*changed)++;
    }
    return LNT_CTL_OK;
}

#define PLACE_OPTS                                                                                 \
    {"name", required_argument, NULL, P_NAME}, {"kind", required_argument, NULL, P_KIND},          \
        {"lat", required_argument, NULL, P_LAT}, {"lon", required_argument, NULL, P_LON},          \
    {                                                                                              \
        "authority", required_argument, NULL, P_AUTHORITY                                          \
    }

int lnt_ctl_place_add(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {PLACE_OPTS, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_place_info p = {0};
    struct lnt_ctl_out o;
    int rc, changed = 0;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[P_NAME] == NULL)
        return lnt_ctl_usage(c, "place add: --name is required");
    p.kind = LNT_PLACE_OTHER;
    if ((rc = place_fields(v, &p, &changed)) != LNT_CTL_OK)
        return rc;
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK || (rc = lnt_ctl_need_scheme(c)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_place_add(c->store, v[P_NAME], lnt_time_now(), &p.id, err) != LNT_OK)
        return lnt_ctl_fail("place add: %s", err);
    if (changed > 0 && lnt_store_place_edit(c->store, &p, err) != LNT_OK)
        return lnt_ctl_fail("place add: %s (the place was added as \"other\" without them: "
                            "place edit --place %lld)",
                            err, (long long)p.id);
    if (lnt_store_place_info_get(c->store, p.id, &p, err) != LNT_OK)
        return lnt_ctl_fail("place add: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    out_place(&o, &p);
    return lnt_ctl_out_end(&o);
}

int lnt_ctl_place_edit(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {
        PLACE_OPTS, {"place", required_argument, NULL, P_PLACE}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_place_info p;
    struct lnt_ctl_out o;
    int64_t id;
    int rc, changed = 0;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[P_PLACE] == NULL)
        return lnt_ctl_usage(c, "place edit: --place is required");
    if (v[P_NAME] != NULL)
        return lnt_ctl_usage(c, "place edit: a place keeps its name (kiosks and welfare records "
                                "use it): add a new place instead");
    if ((rc = lnt_ctl_parse_id("place", v[P_PLACE], &id)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_place_info_get(c->store, id, &p, err) != LNT_OK)
        return lnt_ctl_fail("place edit: %s", err);
    if ((rc = place_fields(v, &p, &changed)) != LNT_CTL_OK)
        return rc;
    if (changed == 0)
        return lnt_ctl_usage(c, "place edit: nothing to change: give --kind, --lat/--lon or "
                                "--authority");
    if (lnt_store_place_edit(c->store, &p, err) != LNT_OK)
        return lnt_ctl_fail("place edit: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    out_place(&o, &p);
    return lnt_ctl_out_end(&o);
}

int lnt_ctl_place_list(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_place_info *list = NULL;
    size_t n = 0;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_place_info_list(c->store, &list, &n, err) != LNT_OK)
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

/* ---- officers' records of incidents in public places ---- */

static void out_incident(struct lnt_ctl_out *o, const struct lnt_place_incident *in)
{
    lnt_ctl_out_int(o, "id", in->id);
    lnt_ctl_out_int(o, "place_id", in->place_id);
    lnt_ctl_out_str(o, "place", in->place_name);
    lnt_ctl_out_str(o, "authority", in->authority);
    lnt_ctl_out_time(o, "occurred_at", in->occurred_at);
    lnt_ctl_out_date(o, "night", in->night);
    lnt_ctl_out_str(o, "kind", in->kind);
    lnt_ctl_out_str(o, "note", in->note);
    lnt_ctl_out_str(o, "recorded_by", in->recorded_by);
    lnt_ctl_out_time(o, "recorded_at", in->recorded_at);
    lnt_ctl_out_int(o, "supersedes", in->supersedes);
    lnt_ctl_out_int(o, "superseded_by", in->superseded_by);
    lnt_ctl_out_str(o, "reason", in->reason);
}

enum { R_PLACE, R_AT, R_KIND, R_OFFICER, R_NOTE, R_INCIDENT, R_REASON };

/* Reads --at, --kind, --note and --officer into *in and *off (the store must be open). */
static int incident_fields(struct lnt_ctl *c, const char *cmd,
                           const char *const v[LNT_CTL_MAX_OPTS], struct lnt_place_incident *in,
                           struct lnt_officer *off)
{
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_time_parse(v[R_AT], &in->occurred_at) != LNT_OK)
        return lnt_ctl_fail("--at: `%s`: expected an RFC 3339 time such as "
                            "2026-11-28T01:30:00Z",
                            v[R_AT]);
    if (lnt_str_copy(in->kind, sizeof in->kind, v[R_KIND]) != LNT_OK ||
        !lnt_incident_kind_valid(in->kind))
        return lnt_ctl_fail("--kind: `%s`: expected one of angela, spiking, violence_injury, "
                            "violence, sexual, weapons, drugs, disorder, medical, ejection, "
                            "theft, other",
                            v[R_KIND]);
    if (v[R_NOTE] != NULL && lnt_str_copy(in->note, sizeof in->note, v[R_NOTE]) != LNT_OK)
        return lnt_ctl_fail("--note: at most %d bytes", LNT_PLACE_NOTE_MAX);
    in->recorded_at = lnt_time_now();
    if (lnt_store_officer_get(c->store, v[R_OFFICER], off, err) != LNT_OK)
        return lnt_ctl_fail("%s: --officer: %s", cmd, err);
    if (off->disabled_at != 0)
        return lnt_ctl_fail("%s: --officer: the account %s is disabled", cmd, off->email);
    return LNT_CTL_OK;
}

#define INCIDENT_OPTS                                                                              \
    {"at", required_argument, NULL, R_AT}, {"kind", required_argument, NULL, R_KIND},              \
        {"note", required_argument, NULL, R_NOTE},                                                 \
    {                                                                                              \
        "officer", required_argument, NULL, R_OFFICER                                              \
    }

int lnt_ctl_place_record(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"place", required_argument, NULL, R_PLACE}, INCIDENT_OPTS, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_place_incident in = {0};
    struct lnt_officer off;
    struct lnt_ctl_out o;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_require(c, opts, v, R_PLACE, R_OFFICER)) != LNT_CTL_OK)
        return rc;
    if (v[R_NOTE] == NULL)
        v[R_NOTE] = "";
    if ((rc = lnt_ctl_parse_id("place", v[R_PLACE], &in.place_id)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK ||
        (rc = incident_fields(c, "place record", v, &in, &off)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_place_incident_add(c->store, &off, &in, err) != LNT_OK)
        return lnt_ctl_fail("place record: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    out_incident(&o, &in);
    return lnt_ctl_out_end(&o);
}

int lnt_ctl_place_correct(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"incident", required_argument, NULL, R_INCIDENT},
                                         {"reason", required_argument, NULL, R_REASON},
                                         INCIDENT_OPTS,
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_place_incident in = {0};
    struct lnt_officer off;
    struct lnt_ctl_out o;
    int64_t old_id;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_require(c, opts, v, R_AT, R_OFFICER)) != LNT_CTL_OK)
        return rc;
    if (v[R_INCIDENT] == NULL)
        return lnt_ctl_usage(c, "place correct: --incident is required");
    if (v[R_REASON] == NULL || v[R_REASON][0] == '\0')
        return lnt_ctl_usage(c, "place correct: --reason is required: say what was wrong");
    if (lnt_str_copy(in.reason, sizeof in.reason, v[R_REASON]) != LNT_OK)
        return lnt_ctl_fail("--reason: at most %d bytes", LNT_PLACE_NOTE_MAX);
    if (v[R_NOTE] == NULL)
        v[R_NOTE] = "";
    if ((rc = lnt_ctl_parse_id("incident", v[R_INCIDENT], &old_id)) != LNT_CTL_OK ||
        (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK ||
        (rc = incident_fields(c, "place correct", v, &in, &off)) != LNT_CTL_OK)
        return rc;
    if (lnt_store_place_incident_supersede(c->store, &off, old_id, &in, err) != LNT_OK)
        return lnt_ctl_fail("place correct: %s", err);
    lnt_ctl_out_begin(&o, c, false);
    out_incident(&o, &in);
    return lnt_ctl_out_end(&o);
}

int lnt_ctl_place_incidents(struct lnt_ctl *c, int argc, char **argv)
{
    enum { I_PLACE, I_FROM, I_TO, I_AUTHORITY, I_KIND, I_ALL };
    static const struct option opts[] = {{"place", required_argument, NULL, I_PLACE},
                                         {"from", required_argument, NULL, I_FROM},
                                         {"to", required_argument, NULL, I_TO},
                                         {"authority", required_argument, NULL, I_AUTHORITY},
                                         {"kind", required_argument, NULL, I_KIND},
                                         {"all", no_argument, NULL, I_ALL},
                                         {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_place_incident_filter f = {0};
    struct lnt_place_incident *list = NULL;
    size_t n = 0;
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if ((v[I_PLACE] != NULL &&
         (rc = lnt_ctl_parse_id("place", v[I_PLACE], &f.place_id)) != LNT_CTL_OK) ||
        (v[I_FROM] != NULL &&
         (rc = lnt_ctl_parse_date("from", v[I_FROM], &f.first_night)) != LNT_CTL_OK) ||
        (v[I_TO] != NULL && (rc = lnt_ctl_parse_date("to", v[I_TO], &f.last_night)) != LNT_CTL_OK))
        return rc;
    if (v[I_FROM] != NULL && v[I_TO] == NULL)
        f.last_night = INT32_MAX - 1;
    if (v[I_TO] != NULL && v[I_FROM] == NULL)
        f.first_night = INT32_MIN + 1;
    f.authority = v[I_AUTHORITY];
    f.kind = v[I_KIND];
    f.with_superseded = v[I_ALL] != NULL;
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK ||
        (rc = lnt_ctl_audit_read(c, "place.incidents.read",
                                 f.authority != NULL ? f.authority : "all public places", "")) !=
            LNT_CTL_OK)
        return rc;
    if (lnt_store_place_incident_list(c->store, &f, &list, &n, err) != LNT_OK)
        return lnt_ctl_fail("place incidents: %s", err);
    for (size_t i = 0; i < n && rc == LNT_CTL_OK; i++) {
        struct lnt_ctl_out o;
        lnt_ctl_out_begin(&o, c, true);
        out_incident(&o, &list[i]);
        rc = lnt_ctl_out_end(&o);
    }
    free(list);
    return rc;
}

/* ---- the map's background image ---- */

int lnt_ctl_map_image(struct lnt_ctl *c, int argc, char **argv)
{
    enum { M_FILE, M_LAT1, M_LON1, M_LAT2, M_LON2 };
    static const struct option opts[] = {
        {"file", required_argument, NULL, M_FILE}, {"lat1", required_argument, NULL, M_LAT1},
        {"lon1", required_argument, NULL, M_LON1}, {"lat2", required_argument, NULL, M_LAT2},
        {"lon2", required_argument, NULL, M_LON2}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    char err[LNT_ERRBUF_SIZE] = "", chunk[8192];
    struct lnt_geo a, b;
    struct lnt_map_box box;
    struct lnt_map_image m;
    struct lnt_ctl_out o;
    struct lnt_buf data;
    FILE *f = NULL;
    size_t got;
    int rc;

    lnt_buf_init(&data, LNT_MAP_IMAGE_MAX);
    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK ||
        (rc = lnt_ctl_require(c, opts, v, M_FILE, M_LON2)) != LNT_CTL_OK)
        goto out;
    if (lnt_geo_parse(v[M_LAT1], v[M_LON1], &a, err) != LNT_OK ||
        lnt_geo_parse(v[M_LAT2], v[M_LON2], &b, err) != LNT_OK ||
        lnt_map_box_from_corners(a.lat, a.lon, b.lat, b.lon, &box, err) != LNT_OK) {
        rc = lnt_ctl_fail("map image: corners: %s", err);
        goto out;
    }
    f = fopen(v[M_FILE], "rb");
    if (f == NULL) {
        rc = lnt_ctl_fail("map image: %s: %s", v[M_FILE], strerror(errno));
        goto out;
    }
    while (rc == LNT_CTL_OK && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (lnt_buf_append(&data, chunk, got) != LNT_OK)
            rc = lnt_ctl_fail("map image: %s: over %u bytes, the most a map image may be",
                              v[M_FILE], LNT_MAP_IMAGE_MAX);
    if (rc == LNT_CTL_OK && ferror(f))
        rc = lnt_ctl_fail("map image: %s: read failed", v[M_FILE]);
    if (rc != LNT_CTL_OK || (rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        goto out;
    if (lnt_store_map_image_set(c->store, (const uint8_t *)data.data, data.len, &box, NULL,
                                lnt_time_now(), err) != LNT_OK ||
        lnt_store_map_image_get(c->store, false, &m, err) != LNT_OK) {
        rc = lnt_ctl_fail("map image: %s: %s", v[M_FILE], err);
        goto out;
    }
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_str(&o, "type", m.mime);
    lnt_ctl_out_int(&o, "width", m.width);
    lnt_ctl_out_int(&o, "height", m.height);
    lnt_ctl_out_int(&o, "bytes", (int64_t)data.len);
    out_coord(&o, "north", true, m.box.north);
    out_coord(&o, "south", true, m.box.south);
    out_coord(&o, "west", true, m.box.west);
    out_coord(&o, "east", true, m.box.east);
    rc = lnt_ctl_out_end(&o);
out:
    if (f != NULL)
        fclose(f);
    lnt_buf_release(&data);
    return rc;
}
