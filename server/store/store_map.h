/* store_map.h - the public places as a register (kind, coordinates, authority), venues'
 * coordinates, officers' records of incidents in public places and the offline map's image. */
#ifndef LNT_STORE_MAP_H
#define LNT_STORE_MAP_H

#include <stdbool.h>

#include "store.h"
#include "store_auth.h"
#include "store_places.h"

/* ---- coordinates ---- */

/* A WGS84 position; set false = none recorded (lat and lon are then ignored). */
struct lnt_geo {
    bool set;
    double lat; /* -90 .. 90, degrees north */
    double lon; /* -180 .. 180, degrees east */
};
/*
 * LNT_OK when g is unset, or set with finite lat in [-90, 90] and lon in
 * [-180, 180]; else LNT_ERR_INVALID naming which. Thread-safe.
 */
enum lnt_err lnt_geo_check(const struct lnt_geo *g, char *err);
/*
 * Parses decimal degrees ("51.4545", "-2.5879"): both given (then checked
 * as lnt_geo_check), or both "" / NULL (unset). One without the other, or
 * anything but a plain decimal number, is LNT_ERR_INVALID. Thread-safe.
 */
enum lnt_err lnt_geo_parse(const char *lat, const char *lon, struct lnt_geo *out, char *err);

/* ---- the register of places ---- */

enum lnt_place_kind {
    LNT_PLACE_PARK = 1,
    LNT_PLACE_STREET,
    LNT_PLACE_TAXI_RANK,
    LNT_PLACE_TRANSPORT_HUB,
    LNT_PLACE_OTHER,
    LNT_PLACE__MAX = LNT_PLACE_OTHER
};
/* "park", "street", "taxi_rank", "transport_hub", "other" (stored and sent); "other" for a bad
 * value. */
const char *lnt_place_kind_name(enum lnt_place_kind k);
/* "Park", "Street", "Taxi rank", "Transport hub", "Other" (shown). */
const char *lnt_place_kind_words(enum lnt_place_kind k);
/* A name as lnt_place_kind_name gives it, or with '-' or ' ' for '_'; LNT_ERR_INVALID lists the
 * kinds. */
enum lnt_err lnt_place_kind_parse(const char *s, enum lnt_place_kind *out, char *err);

/* A place with everything the register keeps about it. */
struct lnt_place_info {
    int64_t id;
    char name[LNT_PLACE_NAME_MAX + 1];
    enum lnt_place_kind kind;
    struct lnt_geo geo;
    char authority[LNT_AUTHORITY_MAX + 1]; /* "" = the whole scheme's */
    int64_t created_at;
};
/* Every place, by name; *out is the caller's to free. Thread-safe. */
enum lnt_err lnt_store_place_info_list(struct lnt_store *s, struct lnt_place_info **out, size_t *n,
                                       char *err);
/* One place. LNT_ERR_NOT_FOUND. Thread-safe. */
enum lnt_err lnt_store_place_info_get(struct lnt_store *s, int64_t id, struct lnt_place_info *out,
                                      char *err);
/*
 * Sets place p->id's kind, coordinates and authority (its name and creation
 * time are not changed), with an audit row naming what changed.
 * LNT_ERR_NOT_FOUND, LNT_ERR_INVALID (bad kind, coordinates or authority text).
 * Thread-safe.
 */
enum lnt_err lnt_store_place_edit(struct lnt_store *s, const struct lnt_place_info *p, char *err);

/* ---- venues' coordinates ---- */

struct lnt_venue_geo {
    int64_t venue_id;
    struct lnt_geo geo; /* always set in a list */
};
/*
 * Sets (g->set) or clears venue `venue_id`'s coordinates, with an audit row.
 * LNT_ERR_NOT_FOUND for no such venue, LNT_ERR_INVALID for bad coordinates.
 * Thread-safe.
 */
enum lnt_err lnt_store_venue_geo_set(struct lnt_store *s, int64_t venue_id, const struct lnt_geo *g,
                                     int64_t now, char *err);
/* Every venue that has coordinates, by venue id; *out is the caller's to free. Thread-safe. */
enum lnt_err lnt_store_venue_geo_list(struct lnt_store *s, struct lnt_venue_geo **out, size_t *n,
                                      char *err);

/* ---- officers' records of incidents in public places ---- */

#define LNT_PLACE_NOTE_MAX 280        /* bytes of a note: what happened, never who it happened to */
#define LNT_PLACE_INCIDENTS_MAX 20000 /* rows one list returns at most */

struct lnt_place_incident {
    int64_t id;
    int64_t place_id;
    char place_name[LNT_PLACE_NAME_MAX + 1]; /* as the place was named when recorded */
    char authority[LNT_AUTHORITY_MAX + 1];   /* the place's, else the recording officer's */
    int64_t occurred_at;
    int32_t night; /* lnt_night_of(occurred_at) */
    char kind[32]; /* one of lnt_incident_kinds */
    char note[LNT_PLACE_NOTE_MAX + 1];
    int64_t officer_id;
    char recorded_by[LNT_EMAIL_MAX + 1];
    int64_t recorded_at;
    int64_t supersedes;    /* the record this one corrects; 0 = none */
    int64_t superseded_by; /* 0 = current */
    int64_t superseded_at;
    char reason[LNT_PLACE_NOTE_MAX + 1]; /* why this record corrects `supersedes`; "" = none */
};

/*
 * Whether an officer of `scope` may record and see public-place incidents at
 * a place of authority `place_authority`: admins, licensing officers and
 * police, scheme-wide or of that authority (a place of no authority is
 * everyone's). Venue managers and assessors never. Thread-safe.
 */
bool lnt_place_scope_covers(const struct lnt_scope *scope, const char *place_authority);

/*
 * Records in->kind (one of lnt_incident_kinds), in->note (0..LNT_PLACE_NOTE_MAX
 * bytes of text without control characters) at in->occurred_at (not after
 * in->recorded_at) at place in->place_id, by `officer` (its id, email and
 * scope), with an audit row in the same transaction. Fills id, night,
 * place_name, authority, officer_id and recorded_by. LNT_ERR_NOT_FOUND (no
 * such place), LNT_ERR_FORBIDDEN (outside the officer's scope),
 * LNT_ERR_INVALID naming the bad field. Thread-safe.
 */
enum lnt_err lnt_store_place_incident_add(struct lnt_store *s, const struct lnt_officer *officer,
                                          struct lnt_place_incident *in, char *err);
/*
 * Corrects record `old_id`: `in` is recorded as lnt_store_place_incident_add
 * does (at the old record's place: in->place_id is ignored) with supersedes =
 * old_id and in->reason (1..LNT_PLACE_NOTE_MAX bytes of text: why), and the
 * old record is kept, marked superseded_by the new one at in->recorded_at;
 * the audit row names both and the reason. LNT_ERR_NOT_FOUND,
 * LNT_ERR_FORBIDDEN (the old record is outside the officer's scope),
 * LNT_ERR_STATE (already superseded), LNT_ERR_INVALID (no reason, or a bad
 * field, named). Thread-safe.
 */
enum lnt_err lnt_store_place_incident_supersede(struct lnt_store *s,
                                                const struct lnt_officer *officer, int64_t old_id,
                                                struct lnt_place_incident *in, char *err);

/* What to list; zero fields do not filter. */
struct lnt_place_incident_filter {
    const char *authority; /* this authority's records and those of no authority; NULL = all */
    int64_t place_id;
    const char *kind;
    int32_t first_night, last_night; /* both 0 = every night */
    bool with_superseded;            /* false = current records only */
};
/* Records by night then occurred_at, at most LNT_PLACE_INCIDENTS_MAX; *out is the caller's to
 * free. Thread-safe. */
enum lnt_err lnt_store_place_incident_list(struct lnt_store *s,
                                           const struct lnt_place_incident_filter *f,
                                           struct lnt_place_incident **out, size_t *n, char *err);

/*
 * Record `id` and every version of it (the records it corrects and those that
 * correct it), oldest first; the current version is the one with
 * superseded_by 0. *out is the caller's to free. The caller checks the scope
 * (lnt_place_scope_covers on the records' authority). LNT_ERR_NOT_FOUND when
 * there is no record `id`. Thread-safe.
 */
enum lnt_err lnt_store_place_incident_history(struct lnt_store *s, int64_t id,
                                              struct lnt_place_incident **out, size_t *n,
                                              char *err);

/* ---- the offline map's background image ---- */

#define LNT_MAP_IMAGE_MAX (2u << 20) /* bytes of the uploaded image */
#define LNT_MAP_IMAGE_SIDE_MAX 8192  /* pixels, either side */

/* The WGS84 box the image shows: north > south, east > west. */
struct lnt_map_box {
    double north, south, west, east;
};
/*
 * The box with corners (lat1, lon1) and (lat2, lon2), either two opposite
 * corners in any order. LNT_ERR_INVALID when a corner is not a valid position
 * (lnt_geo_check) or the corners share a latitude or longitude. Thread-safe.
 */
enum lnt_err lnt_map_box_from_corners(double lat1, double lon1, double lat2, double lon2,
                                      struct lnt_map_box *out, char *err);
/*
 * Reads what `data` (len bytes) is by its magic bytes and header: a PNG
 * (signature, IHDR) or a baseline/progressive JPEG (SOI, a SOF marker). Fills
 * *mime ("image/png" or "image/jpeg", static) and the pixel size.
 * LNT_ERR_TOO_LARGE over LNT_MAP_IMAGE_MAX bytes or LNT_MAP_IMAGE_SIDE_MAX
 * pixels; LNT_ERR_INVALID for anything else (saying it is not a PNG or JPEG).
 * Thread-safe.
 */
enum lnt_err lnt_map_image_sniff(const uint8_t *data, size_t len, const char **mime, int32_t *width,
                                 int32_t *height, char *err);

struct lnt_map_image {
    char mime[16];
    uint8_t *data; /* owned: free() */
    size_t len;
    int32_t width, height;
    struct lnt_map_box box;
    int64_t uploaded_at;
    char uploaded_by[LNT_EMAIL_MAX + 8];
};
/*
 * Replaces the map's image with `data` (checked with lnt_map_image_sniff) and
 * its box, uploaded by `actor` (an audit actor such as "web:a@b" or "cli"),
 * with an audit row. LNT_ERR_INVALID, LNT_ERR_TOO_LARGE. Thread-safe.
 */
enum lnt_err lnt_store_map_image_set(struct lnt_store *s, const uint8_t *data, size_t len,
                                     const struct lnt_map_box *box, const char *actor, int64_t now,
                                     char *err);
/*
 * The current image; with_data false leaves out->data NULL (the box and size
 * only). LNT_ERR_NOT_FOUND when none was uploaded. Release with
 * lnt_map_image_release. Thread-safe.
 */
enum lnt_err lnt_store_map_image_get(struct lnt_store *s, bool with_data, struct lnt_map_image *out,
                                     char *err);
void lnt_map_image_release(struct lnt_map_image *m);

#endif
