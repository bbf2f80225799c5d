/* web_admin_map.c - Admin's "Places and map" section: the register of public places (kind,
 * coordinates, authority), venues' coordinates, and the offline map's background image, uploaded
 * as multipart/form-data and checked by its magic bytes. */
#include "web_map_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ltime.h"

#define PART_FIELD_MAX 96 /* bytes of a text field in the upload form */

static const char *const kinds_order[] = {"park", "street", "taxi_rank", "transport_hub", "other"};

static void kind_select(struct web_req *r, const char *id, enum lnt_place_kind selected)
{
    lnt_html_rawf(&r->h, "<select id=\"%s\" name=\"kind\">", id);
    for (size_t k = 0; k < sizeof kinds_order / sizeof kinds_order[0]; k++) {
        enum lnt_place_kind pk = LNT_PLACE_OTHER;
        char ignored[LNT_ERRBUF_SIZE];
        (void)lnt_place_kind_parse(kinds_order[k], &pk, ignored);
        lnt_html_rawf(&r->h, "<option value=\"%s\"%s>%s</option>", kinds_order[k],
                      pk == selected ? " selected=\"selected\"" : "", lnt_place_kind_words(pk));
    }
    lnt_html_raw(&r->h, "</select>");
}

static void coord_value(struct web_req *r, const struct lnt_geo *g, bool lat)
{
    if (g->set)
        lnt_html_rawf(&r->h, " value=\"%.6f\"", lat ? g->lat : g->lon);
}

static void form_open(struct web_req *r, const char *action, const char *id, bool grid)
{
    lnt_html_rawf(&r->h, "<form method=\"post\" action=\"/admin/%s\" id=\"%s\" class=\"%s\">",
                  action, id, grid ? "form-grid" : "inline");
    web_csrf_field(r);
}

static void places_table(struct web_req *r, const struct lnt_place_info *p, size_t n)
{
    lnt_html_raw(&r->h, "<h3>Public places</h3><p class=\"muted\">Kiosks offer these by name for "
                        "the street welfare log. A place with a licensing authority takes "
                        "officers' records only from that authority's officers (and scheme-wide "
                        "ones); without one it is everyone's.</p><div class=\"table-wrap\"><table "
                        "id=\"admin-places\"><thead><tr><th scope=\"col\">Place</th><th "
                        "scope=\"col\">Kind, latitude, longitude, authority</th></tr></thead>"
                        "<tbody>");
    for (size_t i = 0; i < n; i++) {
        char id[32];
        lnt_html_raw(&r->h, "<tr><th scope=\"row\">");
        lnt_html_txt(&r->h, p[i].name);
        lnt_html_raw(&r->h, "</th><td>");
        snprintf(id, sizeof id, "place-edit-%lld", (long long)p[i].id);
        form_open(r, "place-edit", id, false);
        lnt_html_rawf(&r->h,
                      "<input type=\"hidden\" name=\"place\" value=\"%lld\"/><label "
                      "class=\"visually-hidden\" for=\"pk-%lld\">Kind of ",
                      (long long)p[i].id, (long long)p[i].id);
        lnt_html_txt(&r->h, p[i].name);
        lnt_html_raw(&r->h, "</label>");
        snprintf(id, sizeof id, "pk-%lld", (long long)p[i].id);
        kind_select(r, id, p[i].kind);
        lnt_html_rawf(&r->h,
                      "<label for=\"plat-%lld\">Lat</label><input type=\"text\" "
                      "inputmode=\"decimal\" size=\"10\" id=\"plat-%lld\" name=\"lat\"",
                      (long long)p[i].id, (long long)p[i].id);
        coord_value(r, &p[i].geo, true);
        lnt_html_rawf(&r->h,
                      "/><label for=\"plon-%lld\">Lon</label><input type=\"text\" "
                      "inputmode=\"decimal\" size=\"10\" id=\"plon-%lld\" name=\"lon\"",
                      (long long)p[i].id, (long long)p[i].id);
        coord_value(r, &p[i].geo, false);
        lnt_html_rawf(&r->h,
                      "/><label for=\"pa-%lld\">Authority</label><input type=\"text\" "
                      "size=\"14\" maxlength=\"80\" id=\"pa-%lld\" name=\"authority\"",
                      (long long)p[i].id, (long long)p[i].id);
        lnt_html_attr_pair(&r->h, "value", p[i].authority);
        lnt_html_raw(&r->h, "/><button type=\"submit\" class=\"secondary\">Save <span "
                            "class=\"visually-hidden\">");
        lnt_html_txt(&r->h, p[i].name);
        lnt_html_raw(&r->h, "</span></button></form></td></tr>");
    }
    if (n == 0)
        lnt_html_raw(&r->h, "<tr><td colspan=\"2\" class=\"empty\">No places yet.</td></tr>");
    lnt_html_raw(&r->h, "</tbody></table></div><h4>Add a place</h4>");
    form_open(r, "place-add", "place-add", true);
    lnt_html_rawf(&r->h,
                  "<div class=\"field\"><label for=\"pn-new\">Name</label><input "
                  "type=\"text\" id=\"pn-new\" name=\"name\" required=\"required\" "
                  "maxlength=\"%d\"/></div><div class=\"field\"><label for=\"pk-new\">"
                  "Kind</label>",
                  LNT_PLACE_NAME_MAX);
    kind_select(r, "pk-new", LNT_PLACE_STREET);
    lnt_html_raw(&r->h, "</div><div class=\"field\"><label for=\"plat-new\">Latitude</label><input "
                        "type=\"text\" inputmode=\"decimal\" id=\"plat-new\" name=\"lat\" "
                        "placeholder=\"51.4545\"/></div><div class=\"field\"><label "
                        "for=\"plon-new\">Longitude</label><input type=\"text\" "
                        "inputmode=\"decimal\" id=\"plon-new\" name=\"lon\" "
                        "placeholder=\"-2.5879\"/></div><div class=\"field\"><label "
                        "for=\"pa-new\">Licensing authority (blank: everyone's)</label><input "
                        "type=\"text\" id=\"pa-new\" name=\"authority\" maxlength=\"80\"/></div>"
                        "<button type=\"submit\">Add the place</button></form>");
}

static void venues_form(struct web_req *r)
{
    struct lnt_venue *v = NULL;
    struct lnt_venue_geo *g = NULL;
    size_t nv = 0, ng = 0;

    if (lnt_store_venue_list(r->web->store, &v, &nv, NULL) != LNT_OK ||
        lnt_store_venue_geo_list(r->web->store, &g, &ng, NULL) != LNT_OK) {
        lnt_html_raw(&r->h, "<p class=\"empty\">The venues could not be read.</p>");
        goto out;
    }
    lnt_html_raw(&r->h, "<h3>Venues on the map</h3><p class=\"muted\">");
    lnt_html_rawf(&r->h,
                  "%zu of %zu venues have coordinates. Leave both blank to take a venue off "
                  "the map.</p>",
                  ng, nv);
    form_open(r, "venue-coords", "venue-coords", true);
    lnt_html_raw(&r->h, "<div class=\"field\"><label for=\"vc-venue\">Venue</label><select "
                        "id=\"vc-venue\" name=\"venue\">");
    for (size_t i = 0; i < nv; i++) {
        bool has = false;
        for (size_t k = 0; k < ng; k++)
            has = has || g[k].venue_id == v[i].id;
        if (v[i].closed_at != 0)
            continue;
        lnt_html_rawf(&r->h, "<option value=\"%lld\">", (long long)v[i].id);
        lnt_html_txt(&r->h, v[i].name);
        lnt_html_raw(&r->h, has ? " (on the map)</option>" : "</option>");
    }
    lnt_html_raw(&r->h, "</select></div><div class=\"field\"><label for=\"vc-lat\">Latitude"
                        "</label><input type=\"text\" inputmode=\"decimal\" id=\"vc-lat\" "
                        "name=\"lat\"/></div><div class=\"field\"><label for=\"vc-lon\">Longitude"
                        "</label><input type=\"text\" inputmode=\"decimal\" id=\"vc-lon\" "
                        "name=\"lon\"/></div><button type=\"submit\">Set the position</button>"
                        "</form>");
out:
    free(v);
    free(g);
}

static void image_form(struct web_req *r)
{
    struct lnt_map_image img;
    bool has = lnt_store_map_image_get(r->web->store, false, &img, NULL) == LNT_OK;

    lnt_html_raw(&r->h, "<h3>The map's background</h3>");
    if (has) {
        lnt_html_rawf(&r->h,
                      "<p id=\"map-image-now\">Now: a %s image, %d by %d pixels, showing "
                      "latitude %.5f to %.5f and longitude %.5f to %.5f, uploaded ",
                      strcmp(img.mime, "image/png") == 0 ? "PNG" : "JPEG", img.width, img.height,
                      img.box.south, img.box.north, img.box.west, img.box.east);
        web_time(&r->h, img.uploaded_at);
        lnt_html_raw(&r->h, ".</p>");
    } else {
        lnt_html_raw(&r->h, "<p id=\"map-image-now\">None yet: the map draws its points on a "
                            "plain grid.</p>");
    }
    lnt_html_rawf(&r->h,
                  "<p class=\"muted\">A PNG or JPEG of the town centre, at most %u KiB and %d "
                  "pixels a side, drawn by the scheme (no outside map tiles are used), with the "
                  "latitude and longitude of two opposite corners.</p><form method=\"post\" "
                  "action=\"/admin/map-image\" enctype=\"multipart/form-data\" id=\"map-image\" "
                  "class=\"form-grid\">",
                  LNT_MAP_IMAGE_MAX / 1024, LNT_MAP_IMAGE_SIDE_MAX);
    web_csrf_field(r);
    lnt_html_raw(&r->h, "<div class=\"field\"><label for=\"mi-file\">Image</label><input "
                        "type=\"file\" id=\"mi-file\" name=\"image\" accept=\"image/png,"
                        "image/jpeg\" required=\"required\"/></div><div class=\"field\"><label "
                        "for=\"mi-lat1\">Corner 1 latitude</label><input type=\"text\" "
                        "id=\"mi-lat1\" name=\"lat1\" required=\"required\"/></div><div "
                        "class=\"field\"><label for=\"mi-lon1\">Corner 1 longitude</label><input "
                        "type=\"text\" id=\"mi-lon1\" name=\"lon1\" required=\"required\"/></div>"
                        "<div class=\"field\"><label for=\"mi-lat2\">Corner 2 latitude</label>"
                        "<input type=\"text\" id=\"mi-lat2\" name=\"lat2\" required=\"required\"/>"
                        "</div><div class=\"field\"><label for=\"mi-lon2\">Corner 2 longitude"
                        "</label><input type=\"text\" id=\"mi-lon2\" name=\"lon2\" "
                        "required=\"required\"/></div><button type=\"submit\">Upload</button>"
                        "</form>");
}

void web_admin_map_section(struct web_req *r)
{
    struct lnt_place_info *p = NULL;
    const char *done = web_query(r, "done");
    size_t n = 0;

    lnt_html_raw(&r->h, "<section class=\"panel\" id=\"places\"><h2>Places and map</h2>");
    if (done != NULL && (strcmp(done, "place-edit") == 0 || strcmp(done, "place-add") == 0 ||
                         strcmp(done, "venue-coords") == 0 || strcmp(done, "map-image") == 0))
        lnt_html_raw(&r->h, "<div class=\"notice ok\" role=\"status\" id=\"places-done\">Saved: "
                            "the map and the Street page show it now.</div>");
    if (lnt_store_place_info_list(r->web->store, &p, &n, NULL) != LNT_OK)
        lnt_html_raw(&r->h, "<p class=\"empty\">The places could not be read.</p>");
    else
        places_table(r, p, n);
    free(p);
    venues_form(r);
    image_form(r);
    lnt_html_raw(&r->h, "</section>");
}

/* ---- actions ---- */

static const char *form_str(struct web_req *r, const char *name)
{
    const char *s = web_form_get(&r->form, name);
    return s != NULL ? s : "";
}

static void saved(struct web_req *r, const char *action, const char *object)
{
    char where[64], audit[40];

    snprintf(audit, sizeof audit, "admin.%s", action);
    web_audit(r, audit, object, "");
    snprintf(where, sizeof where, "/admin?done=%s#places", action);
    web_redirect(r, where);
}

/* Kind, coordinates and authority from the form into *p; false (400 written) when bad. */
static bool place_form(struct web_req *r, struct lnt_place_info *p)
{
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_place_kind_parse(form_str(r, "kind"), &p->kind, err) != LNT_OK ||
        lnt_geo_parse(form_str(r, "lat"), form_str(r, "lon"), &p->geo, err) != LNT_OK) {
        web_error(r, 400, "Not saved", err);
        return false;
    }
    if (lnt_str_copy(p->authority, sizeof p->authority, form_str(r, "authority")) != LNT_OK) {
        web_error(r, 400, "Not saved", "The authority is too long.");
        return false;
    }
    return true;
}

static void act_place_edit(struct web_req *r)
{
    struct lnt_place_info p;
    char err[LNT_ERRBUF_SIZE] = "", object[32];
    int64_t id;
    enum lnt_err rc;

    if (lnt_parse_i64(form_str(r, "place"), 1, INT64_MAX, &id) != LNT_OK ||
        lnt_store_place_info_get(r->web->store, id, &p, err) != LNT_OK) {
        web_error(r, 404, "Not found", "There is no such place.");
        return;
    }
    if (!place_form(r, &p))
        return;
    rc = lnt_store_place_edit(r->web->store, &p, err);
    if (rc != LNT_OK) {
        web_error(r, rc == LNT_ERR_INVALID ? 400 : 500, "Not saved", err);
        return;
    }
    snprintf(object, sizeof object, "place %lld", (long long)id);
    saved(r, "place-edit", object);
}

static void act_place_add(struct web_req *r)
{
    struct lnt_place_info p;
    char err[LNT_ERRBUF_SIZE] = "", object[32];
    enum lnt_err rc;

    memset(&p, 0, sizeof p);
    if (!place_form(r, &p))
        return;
    rc = lnt_store_place_add(r->web->store, form_str(r, "name"), r->now, &p.id, err);
    if (rc == LNT_OK)
        rc = lnt_store_place_edit(r->web->store, &p, err);
    if (rc != LNT_OK) {
        web_error(r, rc == LNT_ERR_DB ? 500 : 400, "Not saved", err);
        return;
    }
    snprintf(object, sizeof object, "place %lld", (long long)p.id);
    saved(r, "place-add", object);
}

static void act_venue_coords(struct web_req *r)
{
    struct lnt_geo g;
    char err[LNT_ERRBUF_SIZE] = "", object[32];
    int64_t id;
    enum lnt_err rc;

    if (lnt_parse_i64(form_str(r, "venue"), 1, INT64_MAX, &id) != LNT_OK) {
        web_error(r, 400, "Not saved", "Choose a venue.");
        return;
    }
    if (lnt_geo_parse(form_str(r, "lat"), form_str(r, "lon"), &g, err) != LNT_OK) {
        web_error(r, 400, "Not saved", err);
        return;
    }
    rc = lnt_store_venue_geo_set(r->web->store, id, &g, r->now, err);
    if (rc != LNT_OK) {
        web_error(r,
                  rc == LNT_ERR_NOT_FOUND ? 404
                  : rc == LNT_ERR_INVALID ? 400
                                          : 500,
                  "Not saved", err);
        return;
    }
    snprintf(object, sizeof object, "venue %lld", (long long)id);
    saved(r, "venue-coords", object);
}

/* ---- the upload: multipart/form-data (RFC 7578) ---- */

static const char *find(const char *hay, size_t n, const char *needle, size_t m)
{
    if (m == 0 || n < m)
        return NULL;
    for (size_t i = 0; i + m <= n; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, m) == 0)
            return hay + i;
    return NULL;
}

struct upload {
    char csrf[PART_FIELD_MAX], lat1[PART_FIELD_MAX], lon1[PART_FIELD_MAX], lat2[PART_FIELD_MAX],
        lon2[PART_FIELD_MAX];
    const char *image;
    size_t image_len;
    bool has_image;
};

/* Copies a text part into its field; false when it is too long. */
static bool text_part(char *dst, const char *v, size_t len)
{
    if (len >= PART_FIELD_MAX || memchr(v, '\0', len) != NULL)
        return false;
    memcpy(dst, v, len);
    dst[len] = '\0';
    return true;
}

/* Splits the body into its parts; false with err for anything that is not a well-formed form. */
static bool multipart(const struct lnt_http_request *req, struct upload *u, char *err)
{
    const char *ct = lnt_http_header(req, "Content-Type");
    const char *b = ct != NULL ? strstr(ct, "boundary=") : NULL;
    char delim[96];
    size_t dlen, blen;
    const char *p, *end = req->body + req->body_len;

    memset(u, 0, sizeof *u);
    if (ct == NULL || !lnt_str_starts(ct, "multipart/form-data") || b == NULL) {
        lnt_fail(err, LNT_ERR_INVALID, "The upload must be sent as a file form.");
        return false;
    }
    b += strlen("boundary=");
    if (*b == '"')
        b++;
    blen = strcspn(b, "\";, ");
    if (blen == 0 || blen > 70) {
        lnt_fail(err, LNT_ERR_INVALID, "The upload's form boundary is not valid.");
        return false;
    }
    snprintf(delim, sizeof delim, "\r\n--%.*s", (int)blen, b);
    dlen = strlen(delim);
    /* the body starts with the delimiter without its leading CRLF */
    if (req->body_len < dlen - 2 || memcmp(req->body, delim + 2, dlen - 2) != 0) {
        lnt_fail(err, LNT_ERR_INVALID, "The upload's form is not well formed.");
        return false;
    }
    p = req->body + dlen - 2;
    for (int parts = 0; parts < 16; parts++) {
        const char *head, *head_end, *value, *next, *name;
        size_t vlen, hlen;

        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return true; /* the closing delimiter */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            break;
        head = p + 2;
        head_end = find(head, (size_t)(end - head), "\r\n\r\n", 4);
        if (head_end == NULL)
            break;
        hlen = (size_t)(head_end - head);
        value = head_end + 4;
        next = find(value, (size_t)(end - value), delim, dlen);
        if (next == NULL)
            break;
        vlen = (size_t)(next - value);
        name = find(head, hlen, "name=\"", 6);
        if (name != NULL) {
            size_t left = hlen - (size_t)(name + 6 - head);
            const char *nm = name + 6, *q = memchr(nm, '"', left);
            size_t nlen = q != NULL ? (size_t)(q - nm) : 0;
            bool ok = true;
#define IS(s) (nlen == strlen(s) && memcmp(nm, s, nlen) == 0)
            if (IS("csrf"))
                ok = text_part(u->csrf, value, vlen);
            else if (IS("lat1"))
                ok = text_part(u->lat1, value, vlen);
            else if (IS("lon1"))
                ok = text_part(u->lon1, value, vlen);
            else if (IS("lat2"))
                ok = text_part(u->lat2, value, vlen);
            else if (IS("lon2"))
                ok = text_part(u->lon2, value, vlen);
            else if (IS("image")) {
                u->image = value;
                u->image_len = vlen;
                u->has_image = true;
            }
#undef IS
            if (!ok) {
                lnt_fail(err, LNT_ERR_INVALID, "A field of the upload's form is too long.");
                return false;
            }
        }
        p = next + dlen;
    }
    lnt_fail(err, LNT_ERR_INVALID, "The upload's form is not well formed.");
    return false;
}

static void act_map_image(struct web_req *r)
{
    struct upload u;
    struct lnt_geo a, b;
    struct lnt_map_box box;
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc;

    if (!multipart(r->http, &u, err)) {
        web_error(r, 400, "Not uploaded", err);
        return;
    }
    /* web.c leaves this form's security token to us: it is inside the multipart body */
    if (u.csrf[0] == '\0' || !web_secret_equal(u.csrf, r->session.csrf)) {
        web_audit(r, "csrf.refused", r->http->path, u.csrf[0] == '\0' ? "no token" : "wrong token");
        web_error(r, 403, "Form refused",
                  "This form did not carry a valid security token. Go back, reload the page and "
                  "try again.");
        return;
    }
    if (!u.has_image || u.image_len == 0) {
        web_error(r, 400, "Not uploaded", "Choose a PNG or JPEG image to upload.");
        return;
    }
    if (lnt_geo_parse(u.lat1, u.lon1, &a, err) != LNT_OK ||
        lnt_geo_parse(u.lat2, u.lon2, &b, err) != LNT_OK || !a.set || !b.set ||
        lnt_map_box_from_corners(a.lat, a.lon, b.lat, b.lon, &box, err) != LNT_OK) {
        web_error(r, 400, "Not uploaded",
                  err[0] != '\0' ? err : "Give the latitude and longitude of both corners.");
        return;
    }
    rc = lnt_store_map_image_set(r->web->store, (const uint8_t *)u.image, u.image_len, &box,
                                 r->actor, r->now, err);
    if (rc == LNT_ERR_TOO_LARGE) {
        web_error(r, 413, "Not uploaded", err);
        return;
    }
    if (rc != LNT_OK) {
        web_error(r, rc == LNT_ERR_INVALID ? 415 : 500, "Not uploaded", err);
        return;
    }
    saved(r, "map-image", "map");
}

bool web_admin_act_map(struct web_req *r, const char *action)
{
    if (strcmp(action, "place-edit") == 0)
        act_place_edit(r);
    else if (strcmp(action, "place-add") == 0)
        act_place_add(r);
    else if (strcmp(action, "venue-coords") == 0)
        act_venue_coords(r);
    else if (strcmp(action, "map-image") == 0)
        act_map_image(r);
    else
        return false;
    return true;
}
