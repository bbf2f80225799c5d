/* place_map.c - the parts of the places register and the offline map that need no database:
 * coordinates, place kinds, who may record at a place, and reading an image's header. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "store_int.h"
#include "store_map.h"

/* ---- coordinates ---- */

enum lnt_err lnt_geo_check(const struct lnt_geo *g, char *err)
{
    if (!g->set)
        return LNT_OK;
    if (!isfinite(g->lat) || g->lat < -90.0 || g->lat > 90.0)
        return lnt_fail(err, LNT_ERR_INVALID, "latitude must be between -90 and 90 degrees");
    if (!isfinite(g->lon) || g->lon < -180.0 || g->lon > 180.0)
        return lnt_fail(err, LNT_ERR_INVALID, "longitude must be between -180 and 180 degrees");
    return LNT_OK;
}

/* A plain decimal number: an optional '-', digits, an optional '.' and digits; 1..24 bytes. */
static bool decimal(const char *s, double *out)
{
    size_t i = 0, digits = 0;
    char *end = NULL;

    if (strlen(s) > 24)
        return false;
    if (s[i] == '-' || s[i] == '+')
        i++;
    for (; s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (s[i] == '.')
        for (i++; s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    if (s[i] != '\0' || digits == 0)
        return false;
    *out = strtod(s, &end);
    return end != NULL && *end == '\0';
}

enum lnt_err lnt_geo_parse(const char *lat, const char *lon, struct lnt_geo *out, char *err)
{
    bool has_lat = lat != NULL && lat[0] != '\0', has_lon = lon != NULL && lon[0] != '\0';

    memset(out, 0, sizeof *out);
    if (!has_lat && !has_lon)
        return LNT_OK;
    if (!has_lat || !has_lon)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "give both latitude and longitude, or neither to clear them");
    if (!decimal(lat, &out->lat))
        return lnt_fail(err, LNT_ERR_INVALID,
                        "latitude must be decimal degrees such as 51.4545, not \"%.24s\"", lat);
    if (!decimal(lon, &out->lon))
        return lnt_fail(err, LNT_ERR_INVALID,
                        "longitude must be decimal degrees such as -2.5879, not \"%.24s\"", lon);
    out->set = true;
    return lnt_geo_check(out, err);
}

/* ---- place kinds ---- */

static const char *const kind_names[] = {[LNT_PLACE_PARK] = "park",
                                         [LNT_PLACE_STREET] = "street",
                                         [LNT_PLACE_TAXI_RANK] = "taxi_rank",
                                         [LNT_PLACE_TRANSPORT_HUB] = "transport_hub",
                                         [LNT_PLACE_OTHER] = "other"};
static const char *const kind_words[] = {[LNT_PLACE_PARK] = "Park",
                                         [LNT_PLACE_STREET] = "Street",
                                         [LNT_PLACE_TAXI_RANK] = "Taxi rank",
                                         [LNT_PLACE_TRANSPORT_HUB] = "Transport hub",
                                         [LNT_PLACE_OTHER] = "Other"};

const char *lnt_place_kind_name(enum lnt_place_kind k)
{
    return k >= LNT_PLACE_PARK && k <= LNT_PLACE__MAX ? kind_names[k] : "other";
}

const char *lnt_place_kind_words(enum lnt_place_kind k)
{
    return k >= LNT_PLACE_PARK && k <= LNT_PLACE__MAX ? kind_words[k] : "Other";
}

enum lnt_err lnt_place_kind_parse(const char *s, enum lnt_place_kind *out, char *err)
{
    char norm[24];
    size_t i;

    for (i = 0; s[i] != '\0' && i + 1 < sizeof norm; i++)
        norm[i] = s[i] == '-' || s[i] == ' '
                      ? '_'
                      : (char)(s[i] | (s[i] >= 'A' && s[i] <= 'Z' ? 0x20 : 0));
    norm[i] = '\0';
    if (s[i] == '\0')
        for (int k = LNT_PLACE_PARK; k <= LNT_PLACE__MAX; k++)
            if (strcmp(norm, kind_names[k]) == 0) {
                *out = (enum lnt_place_kind)k;
                return LNT_OK;
            }
    return lnt_fail(err, LNT_ERR_INVALID,
                    "place kind must be park, street, taxi_rank, transport_hub or other");
}

bool lnt_place_scope_covers(const struct lnt_scope *scope, const char *place_authority)
{
    if (scope->role != LNT_OFFICER_ADMIN && scope->role != LNT_OFFICER_OFFICER &&
        scope->role != LNT_OFFICER_POLICE)
        return false;
    if (scope->venue_id != 0)
        return false;
    return scope->authority[0] == '\0' || place_authority[0] == '\0' ||
           strcmp(scope->authority, place_authority) == 0;
}

enum lnt_err lnt_place_authority_check(const char *a, char *err)
{
    if (a[0] == '\0')
        return LNT_OK;
    if (a[0] == ' ' || a[strlen(a) - 1] == ' ')
        return lnt_fail(err, LNT_ERR_INVALID, "authority must not begin or end with a space");
    return lnt_store_text_check("authority", a, LNT_AUTHORITY_MAX, err);
}

/* ---- officers' records of incidents in public places ---- */

enum lnt_err lnt_place_incident_check(const struct lnt_place_incident *in, bool correction,
                                      char *err)
{
    enum lnt_err rc;

    if (!lnt_incident_kind_valid(in->kind))
        return lnt_fail(err, LNT_ERR_INVALID, "unknown incident kind \"%.31s\"", in->kind);
    if (in->note[0] != '\0') {
        rc = lnt_store_text_check("note", in->note, LNT_PLACE_NOTE_MAX, err);
        if (rc != LNT_OK)
            return rc == LNT_ERR_TOO_LARGE ? LNT_ERR_INVALID : rc;
    }
    if (in->occurred_at <= 0)
        return lnt_fail(err, LNT_ERR_INVALID, "the incident needs a date and time");
    if (in->occurred_at > in->recorded_at)
        return lnt_fail(err, LNT_ERR_INVALID, "the incident's time is in the future");
    if (!correction)
        return LNT_OK;
    if (in->reason[0] == '\0')
        return lnt_fail(err, LNT_ERR_INVALID, "a correction needs a reason: say what was wrong");
    rc = lnt_store_text_check("reason", in->reason, LNT_PLACE_NOTE_MAX, err);
    return rc == LNT_ERR_TOO_LARGE ? LNT_ERR_INVALID : rc;
}

/* ---- the map's box and image ---- */

enum lnt_err lnt_map_box_from_corners(double lat1, double lon1, double lat2, double lon2,
                                      struct lnt_map_box *out, char *err)
{
    struct lnt_geo a = {true, lat1, lon1}, b = {true, lat2, lon2};
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    if ((rc = lnt_geo_check(&a, err)) != LNT_OK || (rc = lnt_geo_check(&b, err)) != LNT_OK)
        return rc;
    if (lat1 == lat2 || lon1 == lon2)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "the two corners must be opposite: their latitudes and their longitudes "
                        "must differ");
    out->north = lat1 > lat2 ? lat1 : lat2;
    out->south = lat1 > lat2 ? lat2 : lat1;
    out->east = lon1 > lon2 ? lon1 : lon2;
    out->west = lon1 > lon2 ? lon2 : lon1;
    return LNT_OK;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

/* The frame size from a JPEG's first SOF marker; false when there is none to be found. */
static bool jpeg_size(const uint8_t *d, size_t len, uint32_t *w, uint32_t *h)
{
    size_t i = 2;

    while (i + 4 <= len) {
        uint8_t m;
        uint32_t seg;

        if (d[i] != 0xFF)
            return false;
        m = d[i + 1];
        if (m == 0xFF) { /* fill byte */
            i++;
            continue;
        }
        if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
            i += 2;
            continue;
        }
        if (m == 0xD9 || m == 0xDA) /* end of image, or the scan began before any frame */
            return false;
        seg = be16(d + i + 2);
        if (seg < 2 || i + 2 + seg > len)
            return false;
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (seg < 7)
                return false;
            *h = be16(d + i + 5);
            *w = be16(d + i + 7);
            return true;
        }
        i += 2 + seg;
    }
    return false;
}

enum lnt_err lnt_map_image_sniff(const uint8_t *data, size_t len, const char **mime, int32_t *width,
                                 int32_t *height, char *err)
{
    static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    uint32_t w = 0, h = 0;

    *mime = NULL;
    *width = *height = 0;
    if (len > LNT_MAP_IMAGE_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "the image is %zu bytes, at most %u allowed", len,
                        LNT_MAP_IMAGE_MAX);
    if (len >= 24 && memcmp(data, png_sig, sizeof png_sig) == 0 &&
        memcmp(data + 12, "IHDR", 4) == 0) {
        w = be32(data + 16);
        h = be32(data + 20);
        *mime = "image/png";
    } else if (len >= 4 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) {
        if (!jpeg_size(data, len, &w, &h))
            return lnt_fail(err, LNT_ERR_INVALID, "the JPEG image has no readable frame size");
        *mime = "image/jpeg";
    } else {
        return lnt_fail(err, LNT_ERR_INVALID, "the image must be a PNG or JPEG file");
    }
    if (w == 0 || h == 0) {
        *mime = NULL;
        return lnt_fail(err, LNT_ERR_INVALID, "the image has no pixels");
    }
    if (w > LNT_MAP_IMAGE_SIDE_MAX || h > LNT_MAP_IMAGE_SIDE_MAX) {
        *mime = NULL;
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "the image is %ux%u pixels, at most %d a side", w,
                        h, LNT_MAP_IMAGE_SIDE_MAX);
    }
    *width = (int32_t)w;
    *height = (int32_t)h;
    return LNT_OK;
}

void lnt_map_image_release(struct lnt_map_image *m)
{
    free(m->data);
    m->data = NULL;
    m->len = 0;
}
