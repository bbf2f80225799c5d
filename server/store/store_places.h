/* store_places.h - the town's named public places and the street welfare log kept at them. */
#ifndef LNT_STORE_PLACES_H
#define LNT_STORE_PLACES_H

#include "store.h"

#define LNT_PLACE_NAME_MAX 47 /* bytes; fits a kiosk's quick-pick value (LNT_SHORT_TEXT) */
#define LNT_PLACES_MAX 24     /* places a town keeps: all of them fit a kiosk's pick list */

/* A named public place: a park, a street, a taxi rank. */
struct lnt_place {
    int64_t id;
    char name[LNT_PLACE_NAME_MAX + 1];
    int64_t created_at;
};

/*
 * Adds a place named `name` (1 to LNT_PLACE_NAME_MAX bytes of UTF-8 text
 * without control characters), with an audit row; *id is its id.
 * LNT_ERR_INVALID for a bad name, LNT_ERR_EXISTS when a place has that name
 * already (case aside), LNT_ERR_TOO_LARGE when the town has LNT_PLACES_MAX.
 * Thread-safe.
 */
enum lnt_err lnt_store_place_add(struct lnt_store *s, const char *name, int64_t now, int64_t *id,
                                 char *err);
/* Every place, by name; *out is the caller's to free. Thread-safe. */
enum lnt_err lnt_store_place_list(struct lnt_store *s, struct lnt_place **out, size_t *n,
                                  char *err);
/*
 * Removes place `id` (welfare records keep the name they were made with), with an
 * audit row. LNT_ERR_NOT_FOUND when there is no such place. Thread-safe.
 */
enum lnt_err lnt_store_place_remove(struct lnt_store *s, int64_t id, char *err);

/* One street welfare record, as the kiosk sent it. */
struct lnt_welfare_row {
    int64_t occurred_at;
    int64_t venue_id; /* the hub whose kiosk recorded it */
    int64_t kiosk_id;
    char staff_id[LNT_STAFF_ID_MAX + 1];
    char place[LNT_SHORT_TEXT];
    char what[24];
    char outcome[24];
};

/*
 * Welfare records with occurred_at in [from, to), oldest first, rows
 * [offset, offset + limit) of them; *out is the caller's to free. Thread-safe.
 */
enum lnt_err lnt_store_welfare_list(struct lnt_store *s, int64_t from, int64_t to, size_t offset,
                                    size_t limit, struct lnt_welfare_row **out, size_t *n,
                                    char *err);

#endif
