/*
 * hot_sum.h - the sums behind the hot-spot reads, written once for both backends (private to
 * the store). A backend reads the incident-report rows of its hourly rollup (rollup_hour: type
 * incident, kind set, count not 0) for the venues in scope over some UTC hours and hands each
 * row to `add`; what it reads and how is its own (sqlite/casework/sq_hotspots.c,
 * pg/casework/pg_hotspots.c), what the rows add up to is decided here.
 */
#ifndef LNT_HOT_SUM_H
#define LNT_HOT_SUM_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store_hotspots.h"

/* One row of the hourly rollup: `count` reports of `kind` at venue `venue_id` in UTC hour
 * number `hour` (unix time / 3600). */
typedef void (*lnt_hot_add_fn)(void *ctx, int64_t venue_id, int64_t hour, const char *kind,
                               int64_t count);

/* A backend's walk: hands `add` each row for the venues in `scope` (NULL = all) in UTC hours
 * [h_from, h_to), of `kind` (NULL = every kind); `s` is the backend's store. */
typedef enum lnt_err (*lnt_hot_walk_fn)(void *s, const struct lnt_rollup_scope *scope,
                                        const char *kind, int64_t h_from, int64_t h_to,
                                        lnt_hot_add_fn add, void *ctx, char *err);
/* A backend's venue list (lnt_store_venue_list_by, closed venues included): the venues of
 * `authority` (NULL = all) into *out (the caller frees it) and *n. */
typedef enum lnt_err (*lnt_hot_venues_fn)(void *s, const char *authority, struct lnt_venue **out,
                                          size_t *n, char *err);

/* lnt_store_hot_nights, lnt_store_hot_venues and lnt_store_hot_years (store_hotspots.h) over a
 * backend's walk and venue list. */
enum lnt_err lnt_hot_nights(lnt_hot_walk_fn walk, void *s, const struct lnt_rollup_scope *scope,
                            const char *kind, int64_t from, int64_t to,
                            int64_t out[7][LNT_HOT_HOURS], char *err);
enum lnt_err lnt_hot_venues(lnt_hot_walk_fn walk, lnt_hot_venues_fn list, void *s,
                            const struct lnt_rollup_scope *scope, int32_t first_night,
                            int32_t last_night, struct lnt_hot_venue **out, size_t *n, char *err);
enum lnt_err lnt_hot_years(lnt_hot_walk_fn walk, void *s, const struct lnt_rollup_scope *scope,
                           int32_t first_night, int32_t last_night, struct lnt_hot_year **out,
                           size_t *n, char *err);

#endif
