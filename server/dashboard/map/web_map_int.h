/* web_map_int.h - what the Street page, the map and Admin's places section share: the
 * filter from lists (period, place, kind) and the counts per public place and trading night. */
#ifndef LNT_WEB_MAP_INT_H
#define LNT_WEB_MAP_INT_H

#include "../web_int.h"
#include "store_map.h"

#define WEB_STREET_NIGHTS_DEFAULT 90
#define WEB_STREET_NIGHTS_MAX 731 /* a period longer than two years is cut to its last two */
#define WEB_MAP_UPLOAD_PATH "/admin/map-image"
#define WEB_MAP_UPLOAD_BODY_MAX (LNT_MAP_IMAGE_MAX + 65536) /* the image and the form around it */

/* The hot-spot filter, read from the query: each value is one of the lists the form offers. */
struct web_street_filter {
    int32_t first, last; /* nights, inclusive */
    int64_t place_id;    /* 0 = every place */
    char kind[32];       /* "" = everything, "welfare", or one of lnt_incident_kinds */
};

/* One public place with its counts over the filter's period. */
struct web_street_place {
    struct lnt_place_info place;
    int64_t welfare;
    int64_t incidents;
};
/* One place on one trading night with something counted. */
struct web_street_night {
    int64_t place_id;
    int32_t night;
    int64_t welfare;
    int64_t incidents;
};
/* Everything the Street page and the map count; release with web_street_release. */
struct web_street {
    struct web_street_place *places; /* the places this officer may see, by name */
    size_t n_places;
    struct web_street_night *nights; /* by night, newest first, then place name */
    size_t n_nights;
    struct lnt_place_incident *incidents; /* the officers' records in the period, current only */
    size_t n_incidents;
};

/* Whether this officer may see a place of authority `authority` (web_places.c). */
bool web_place_visible(const struct web_req *r, const char *authority);
/* Reads ?from=&to=&place=&kind= (values outside the lists are ignored) (web_places.c). */
void web_street_filter_read(struct web_req *r, struct web_street_filter *f);
/* The filter form (GET to `action`) with its select lists; `places` as web_street_count gave. */
void web_street_filter_form(struct web_req *r, const struct web_street_filter *f,
                            const struct web_street *st, const char *action);
/*
 * Counts welfare records (from the hubs in this officer's scope) and officers'
 * public-place incidents (in scope) per visible place and per trading night
 * over the filter. LNT_ERR_DB / LNT_ERR_NOMEM (err filled); *st is empty then.
 */
enum lnt_err web_street_count(struct web_req *r, const struct web_street_filter *f,
                              struct web_street *st, char *err);
void web_street_release(struct web_street *st);
/* "from=...&to=...&place=...&kind=..." of the filter, for links between the two pages. */
void web_street_query(const struct web_street_filter *f, char *out, size_t size);
/* "YYYY-MM-DD" and "HH:MM" London time as an instant; false when either is malformed or NULL
 * (web_places.c). */
bool web_local_instant(const char *date, const char *hm, int64_t *out);
/* Whether this officer may correct record `in`: it is current and the officer's scope covers it
 * (lnt_place_scope_covers) (web_places.c). */
bool web_place_may_correct(const struct web_req *r, const struct lnt_place_incident *in);

/* ---- pages ---- */

void web_street_page(struct web_req *r);         /* GET /street (web_places.c) */
void web_place_incident_post(struct web_req *r); /* POST /street/record */
/* GET /street/records/{id}: a record's history and, for who may, its correction form; POST
 * /street/records/{id}/correct (web_place_record.c). */
void web_place_record_page(struct web_req *r);
void web_place_record_correct(struct web_req *r);
void web_map_page(struct web_req *r);  /* GET /map (web_map.c) */
void web_map_image(struct web_req *r); /* GET /map/image */
/* Admin's "Places and map" section, and its actions place-edit, venue-coords and map-image
 * (false for another action) (web_admin_map.c). map-image reads a multipart/form-data body. */
void web_admin_map_section(struct web_req *r);
bool web_admin_act_map(struct web_req *r, const char *action);

#endif
