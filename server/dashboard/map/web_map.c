/* web_map.c - the offline map: venues and public places as a hot-spot layer in SVG over the
 * scheme's own background image of the town centre (or a plain grid without one), filterable like
 * the Street page; and the image itself, served from the store. No outside tiles, no network. */
#include "web_map_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "log.h"
#include "night.h"
#include "svg.h"

#define MAP_W 1000 /* viewBox width; the height follows the image or the points */
#define MAP_H_MAX 1400
#define GRID_PAD 0.1        /* a share of the span added round the points on the plain grid */
#define GRID_MIN_SPAN 0.004 /* degrees: one point, or points close together, still get a map */

/* One point for the map and its table. */
struct spot {
    char label[LNT_VENUE_NAME_MAX + 1];
    bool venue;
    int64_t id;
    struct lnt_geo geo;
    int64_t count;
    char href[32];
};

struct venue_counts {
    int64_t *ids;
    int64_t *counts;
    size_t n;
};

static int count_incident(void *ctx, const struct lnt_incident *inc)
{
    struct venue_counts *vc = ctx;

    for (size_t i = 0; i < vc->n; i++)
        if (vc->ids[i] == inc->venue_id) {
            vc->counts[i]++;
            break;
        }
    return 0;
}

/* The venues in scope with coordinates, with their incidents over the filter, appended to *sp. */
static enum lnt_err venue_spots(struct web_req *r, const struct web_street_filter *f,
                                struct spot **sp, size_t *n, size_t *cap, char *err)
{
    struct lnt_venue *v = NULL;
    struct lnt_venue_geo *g = NULL;
    size_t nv = 0, ng = 0, first = *n;
    struct venue_counts vc = {0};
    struct lnt_incident_filter inc = {0};
    const char *mine = web_scope_authority(r);
    enum lnt_err rc;

    if (f->place_id != 0) /* one place asked for: venues are not part of the answer */
        return LNT_OK;
    rc = lnt_store_venue_list(r->web->store, &v, &nv, err);
    if (rc == LNT_OK)
        rc = lnt_store_venue_geo_list(r->web->store, &g, &ng, err);
    for (size_t i = 0; rc == LNT_OK && i < nv; i++) {
        struct lnt_geo *pos = NULL;
        if (v[i].closed_at != 0 || (mine != NULL && strcmp(v[i].authority, mine) != 0))
            continue;
        for (size_t k = 0; k < ng; k++)
            if (g[k].venue_id == v[i].id)
                pos = &g[k].geo;
        if (pos == NULL)
            continue;
        if (*n == *cap) {
            size_t ncap = *cap == 0 ? 32 : *cap * 2;
            struct spot *p = realloc(*sp, ncap * sizeof *p);
            if (p == NULL) {
                rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
                break;
            }
            *sp = p;
            *cap = ncap;
        }
        memset(&(*sp)[*n], 0, sizeof **sp);
        lnt_str_copy((*sp)[*n].label, sizeof(*sp)[*n].label, v[i].name);
        (*sp)[*n].venue = true;
        (*sp)[*n].id = v[i].id;
        (*sp)[*n].geo = *pos;
        snprintf((*sp)[*n].href, sizeof(*sp)[*n].href, "/venues/%lld", (long long)v[i].id);
        (*n)++;
    }
    free(v);
    free(g);
    if (rc != LNT_OK || *n == first || strcmp(f->kind, "welfare") == 0)
        return rc;
    vc.n = *n - first;
    vc.ids = calloc(vc.n, sizeof *vc.ids);
    vc.counts = calloc(vc.n, sizeof *vc.counts);
    if (vc.ids == NULL || vc.counts == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < vc.n; i++)
        vc.ids[i] = (*sp)[first + i].id;
    inc.authority = mine;
    inc.kind = f->kind[0] != '\0' ? f->kind : NULL;
    inc.from = web_night_start(f->first);
    inc.to = web_night_start(f->last + 1);
    rc = lnt_store_incident_each(r->web->store, &inc, count_incident, &vc, err);
    for (size_t i = 0; rc == LNT_OK && i < vc.n; i++)
        (*sp)[first + i].count = vc.counts[i];
out:
    free(vc.ids);
    free(vc.counts);
    return rc;
}

/* The box the points span, padded, for the plain grid. */
static void grid_box(const struct spot *sp, size_t n, struct lnt_map_box *b)
{
    double mid_lat, mid_lon, half_lat, half_lon;

    b->north = -90, b->south = 90, b->west = 180, b->east = -180;
    for (size_t i = 0; i < n; i++) {
        b->north = fmax(b->north, sp[i].geo.lat);
        b->south = fmin(b->south, sp[i].geo.lat);
        b->east = fmax(b->east, sp[i].geo.lon);
        b->west = fmin(b->west, sp[i].geo.lon);
    }
    mid_lat = (b->north + b->south) / 2;
    mid_lon = (b->east + b->west) / 2;
    half_lat = fmax((b->north - b->south) * (0.5 + GRID_PAD), GRID_MIN_SPAN / 2);
    half_lon = fmax((b->east - b->west) * (0.5 + GRID_PAD), GRID_MIN_SPAN / 2);
    b->north = mid_lat + half_lat;
    b->south = mid_lat - half_lat;
    b->east = mid_lon + half_lon;
    b->west = mid_lon - half_lon;
}

static bool in_box(const struct lnt_map_box *b, const struct lnt_geo *g)
{
    return g->lat <= b->north && g->lat >= b->south && g->lon >= b->west && g->lon <= b->east;
}

static void points_table(struct web_req *r, const struct spot *sp, size_t n,
                         const struct lnt_map_box *box)
{
    lnt_html_raw(&r->h, "<section class=\"panel\" aria-labelledby=\"mt-h\"><h2 id=\"mt-h\">The "
                        "map's points</h2><div class=\"table-wrap\"><table id=\"map-points\" "
                        "data-sortable=\"1\"><thead><tr><th scope=\"col\"><a href=\"#\">Name</a>"
                        "</th><th scope=\"col\">Type</th><th scope=\"col\" class=\"num\"><a "
                        "href=\"#\">Count</a></th><th scope=\"col\">Position</th></tr></thead>"
                        "<tbody>");
    for (size_t i = 0; i < n; i++) {
        lnt_html_raw(&r->h, "<tr><th scope=\"row\">");
        lnt_html_txt(&r->h, sp[i].label);
        lnt_html_rawf(&r->h,
                      "</th><td>%s</td><td class=\"num\">%lld</td><td>%.5f, %.5f%s</td></tr>",
                      sp[i].venue ? "Venue" : "Public place", (long long)sp[i].count, sp[i].geo.lat,
                      sp[i].geo.lon,
                      in_box(box, &sp[i].geo) ? ""
                                              : " <span class=\"muted\">(outside the map)"
                                                "</span>");
    }
    if (n == 0)
        lnt_html_raw(&r->h, "<tr><td colspan=\"4\" class=\"empty\">No venue or place in view has "
                            "coordinates yet: Admin adds them.</td></tr>");
    lnt_html_raw(&r->h, "</tbody></table></div></section>");
}

void web_map_page(struct web_req *r)
{
    struct web_street_filter f;
    struct web_street st;
    struct lnt_map_image img;
    struct lnt_map_box box;
    struct lnt_svg_spot *draw = NULL;
    struct lnt_svg_spots m = {0};
    struct spot *sp = NULL;
    size_t n = 0, cap = 0, nd = 0;
    char err[LNT_ERRBUF_SIZE] = "", object[128], q[160];
    const char *mine = web_scope_authority(r);
    bool has_image = false;
    enum lnt_err rc;

    if (!web_can_see_town(r)) {
        web_audit(r, "access.refused", "/map", "venue account");
        web_error(r, 403, "Not available", "The map covers the whole town.");
        return;
    }
    web_street_filter_read(r, &f);
    if (web_street_count(r, &f, &st, err) != LNT_OK) {
        lnt_error("dashboard: map: %s", err);
        web_error(r, 500, "Something went wrong", "The map's records could not be read.");
        return;
    }
    rc = LNT_OK;
    for (size_t i = 0; rc == LNT_OK && i < st.n_places; i++) {
        const struct web_street_place *p = &st.places[i];
        if (!p->place.geo.set || (f.place_id != 0 && p->place.id != f.place_id))
            continue;
        if (n == cap) {
            size_t ncap = cap == 0 ? 32 : cap * 2;
            struct spot *np = realloc(sp, ncap * sizeof *np);
            if (np == NULL) {
                rc = LNT_ERR_NOMEM;
                break;
            }
            sp = np;
            cap = ncap;
        }
        memset(&sp[n], 0, sizeof sp[n]);
        lnt_str_copy(sp[n].label, sizeof sp[n].label, p->place.name);
        sp[n].id = p->place.id;
        sp[n].geo = p->place.geo;
        sp[n].count = p->welfare + p->incidents;
        snprintf(sp[n].href, sizeof sp[n].href, "/street?place=%lld", (long long)p->place.id);
        n++;
    }
    if (rc == LNT_OK)
        rc = venue_spots(r, &f, &sp, &n, &cap, err);
    if (rc != LNT_OK) {
        lnt_error("dashboard: map: %s", err);
        web_error(r, 500, "Something went wrong", "The map's points could not be read.");
        goto out;
    }
    has_image = lnt_store_map_image_get(r->web->store, false, &img, err) == LNT_OK;
    if (has_image)
        box = img.box;
    else
        grid_box(sp, n, &box);
    m.width = MAP_W;
    if (has_image) {
        m.height = (int)((double)MAP_W * img.height / img.width);
    } else {
        /* as wide as it is tall on the ground: a degree of longitude is cos(lat) of one of
         * latitude */
        double k = cos((box.north + box.south) / 2 * M_PI / 180.0);
        m.height = (int)(MAP_W * (box.north - box.south) / ((box.east - box.west) * k));
    }
    if (m.height < 200)
        m.height = 200;
    if (m.height > MAP_H_MAX)
        m.height = MAP_H_MAX;
    draw = calloc(n > 0 ? n : 1, sizeof *draw);
    if (draw == NULL) {
        web_error(r, 500, "Something went wrong", "Out of memory.");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (!in_box(&box, &sp[i].geo))
            continue;
        draw[nd].label = sp[i].label;
        draw[nd].kind = sp[i].venue ? "venue" : "place";
        draw[nd].x = (sp[i].geo.lon - box.west) / (box.east - box.west);
        draw[nd].y = (box.north - sp[i].geo.lat) / (box.north - box.south);
        draw[nd].count = sp[i].count;
        draw[nd].href = sp[i].href;
        nd++;
    }
    m.id = "hotspot-map";
    m.title = "Hot spots: venues' incidents, and welfare records and officers' incidents at "
              "public places";
    m.unit = "records";
    m.image_href = has_image ? "/map/image" : NULL;
    m.spots = draw;
    m.n = nd;

    snprintf(object, sizeof object, "map, %s%s", mine != NULL ? "authority " : "whole scheme",
             mine != NULL ? mine : "");
    web_audit(r, "map.view", object, r->http->path);
    web_street_query(&f, q, sizeof q);
    web_page_begin(r, "Map", "map");
    lnt_html_raw(&r->h, "<h1>Map</h1><p class=\"lede\">Where things happen: venues (squares) by "
                        "their incidents, public places (circles) by welfare records and "
                        "officers' incidents. Larger and darker means more.</p>");
    web_street_filter_form(r, &f, &st, "/map");
    lnt_html_raw(&r->h, "<p class=\"no-print\"><a href=\"/street?");
    lnt_html_attr(&r->h, q);
    lnt_html_raw(&r->h, "\">The same as lists</a></p><section class=\"panel map-panel\" "
                        "aria-labelledby=\"mp-h\"><h2 id=\"mp-h\">");
    lnt_html_raw(&r->h, has_image ? "Over the town centre"
                                  : "On a plain grid (no background "
                                    "image uploaded)");
    lnt_html_raw(&r->h, "</h2>");
    lnt_svg_spots(&r->h, &m);
    lnt_html_raw(&r->h, "</section>");
    points_table(r, sp, n, &box);
    web_page_end(r, 200);
out:
    free(draw);
    free(sp);
    web_street_release(&st);
}

void web_map_image(struct web_req *r)
{
    struct lnt_map_image img;
    char err[LNT_ERRBUF_SIZE] = "";

    if (!web_can_see_town(r)) {
        web_error(r, 403, "Not available", "The map covers the whole town.");
        return;
    }
    if (lnt_store_map_image_get(r->web->store, true, &img, err) != LNT_OK) {
        web_error(r, 404, "Not found", "No map image has been uploaded.");
        return;
    }
    lnt_buf_reset(&r->resp->body);
    if (lnt_buf_append(&r->resp->body, img.data, img.len) != LNT_OK) {
        r->resp->status = 500;
    } else {
        lnt_str_copy(r->resp->content_type, sizeof r->resp->content_type, img.mime);
        r->resp->status = 200;
    }
    lnt_map_image_release(&img);
}
