/* sq_rollups.c - the store on SQLite: rollup reads, venue summaries, volunteers, training coverage.
 */
#include "sq_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "night.h"

#define NIGHTS_MAX 4000 /* nights in one dense rollup read (about eleven years) */

#define NIGHT_COLS                                                                                 \
    "night, contacts, sign_ins, door_shifts, door_sia_ok, door_vuln_trained, angela_on_shift, "    \
    "staff_shifts, staff_bystander, open_shifts, incidents, incidents_within_hour, spiking, "      \
    "spiking_complete, angela, refused, stock_events"

/* Reads NIGHT_COLS (and, when with_cup, cup_level after them) into r. */
static void night_cols(sqlite3_stmt *st, struct lnt_night_rollup *r, bool with_cup)
{
    int32_t *f[] = {&r->contacts,
                    &r->sign_ins,
                    &r->door_shifts,
                    &r->door_sia_ok,
                    &r->door_vuln_trained,
                    &r->angela_on_shift,
                    &r->staff_shifts,
                    &r->staff_bystander,
                    &r->open_shifts,
                    &r->incidents,
                    &r->incidents_within_hour,
                    &r->spiking,
                    &r->spiking_complete,
                    &r->angela,
                    &r->refused,
                    &r->stock_events};

    r->night = sqlite3_column_int(st, 0);
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        *f[i] = sqlite3_column_int(st, (int)i + 1);
    if (with_cup && sqlite3_column_type(st, 17) != SQLITE_NULL) {
        r->cup_level = sqlite3_column_int(st, 17);
        r->cup_level_known = true;
    }
}

static enum lnt_err nights_range(int32_t first, int32_t last, char *err)
{
    if (last < first)
        return lnt_fail(err, LNT_ERR_INVALID, "last night is before the first");
    if ((int64_t)last - first + 1 > NIGHTS_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "at most %d nights in one read", NIGHTS_MAX);
    return LNT_OK;
}

/* Fills the dense array arr[0 .. last-first] for one venue on connection c. */
static enum lnt_err nights_fill(struct lnt_sq_conn *c, int64_t venue_id, int32_t first,
                                int32_t last, struct lnt_night_rollup *arr, char *err)
{
    size_t n = (size_t)(last - first) + 1;
    sqlite3_stmt *st;
    bool known = false;
    int32_t level = 0;
    int r;

    memset(arr, 0, n * sizeof *arr);
    for (size_t i = 0; i < n; i++)
        arr[i].night = first + (int32_t)i;
    st = lnt_sq_stmt(c,
                     "SELECT cup_level FROM rollup_night WHERE venue_id = ?1 AND night < ?2 "
                     "AND cup_level IS NOT NULL ORDER BY night DESC LIMIT 1",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, venue_id);
    sqlite3_bind_int(st, 2, first);
    if ((r = sqlite3_step(st)) == SQLITE_ROW) {
        known = true;
        level = sqlite3_column_int(st, 0);
    }
    sqlite3_reset(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return lnt_sq_fail(c->db, err, "reading the cup-cover level");
    st = lnt_sq_stmt(c,
                     "SELECT " NIGHT_COLS ", cup_level FROM rollup_night WHERE venue_id = ?1 "
                     "AND night BETWEEN ?2 AND ?3 ORDER BY night",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, venue_id);
    sqlite3_bind_int(st, 2, first);
    sqlite3_bind_int(st, 3, last);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        int32_t night = sqlite3_column_int(st, 0);
        night_cols(st, &arr[night - first], true);
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE)
        return lnt_sq_fail(c->db, err, "reading the nightly rollup");
    for (size_t i = 0; i < n; i++) {
        if (arr[i].cup_level_known) {
            known = true;
            level = arr[i].cup_level;
        } else {
            arr[i].cup_level_known = known;
            arr[i].cup_level = level;
        }
    }
    return LNT_OK;
}

enum lnt_err lnt_store_rollup_nights(struct lnt_store *s, int64_t venue_id, int32_t first_night,
                                     int32_t last_night, struct lnt_night_rollup **out, size_t *n,
                                     char *err)
{
    struct lnt_night_rollup *arr;
    struct lnt_sq_conn *c;
    enum lnt_err rc = nights_range(first_night, last_night, err);

    *out = NULL;
    *n = 0;
    if (rc != LNT_OK)
        return rc;
    arr = calloc((size_t)(last_night - first_night) + 1, sizeof *arr);
    if (arr == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading rollups");
    c = lnt_sq_rbegin(s);
    rc = lnt_sq_exec(c->db, "BEGIN", err);
    if (rc == LNT_OK)
        rc = nights_fill(c, venue_id, first_night, last_night, arr, err);
    lnt_sq_rend(s, c);
    if (rc != LNT_OK) {
        free(arr);
        return rc;
    }
    *out = arr;
    *n = (size_t)(last_night - first_night) + 1;
    return LNT_OK;
}

enum lnt_err lnt_store_rollup_nights_each(struct lnt_store *s, const char *authority,
                                          int32_t first_night, int32_t last_night,
                                          int (*fn)(void *ctx, const struct lnt_venue *v,
                                                    const struct lnt_night_rollup *nights,
                                                    size_t n),
                                          void *ctx, char *err)
{
    struct lnt_venue *venues = NULL;
    struct lnt_night_rollup *arr = NULL;
    struct lnt_sq_conn *c = NULL;
    size_t nv = 0, n;
    enum lnt_err rc = nights_range(first_night, last_night, err);

    if (rc != LNT_OK)
        return rc;
    n = (size_t)(last_night - first_night) + 1;
    arr = calloc(n, sizeof *arr);
    if (arr == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading rollups");
    rc = lnt_store_venue_list_by(s, authority, true, &venues, &nv, err);
    if (rc != LNT_OK)
        goto out;
    c = lnt_sq_rbegin(s);
    /* one snapshot for every venue */
    rc = lnt_sq_exec(c->db, "BEGIN", err);
    for (size_t i = 0; rc == LNT_OK && i < nv; i++) {
        rc = nights_fill(c, venues[i].id, first_night, last_night, arr, err);
        if (rc == LNT_OK && fn(ctx, &venues[i], arr, n) != 0)
            break;
    }
    lnt_sq_rend(s, c);
out:
    free(venues);
    free(arr);
    return rc;
}

/* ---- scoped sums ---- */

/* Scope bound as ?1 venue, ?2 area, ?3 authority. */
#define SCOPE_VENUES                                                                               \
    "(?1 = 0 OR venue_id = ?1) AND (?2 = '' AND ?3 = '' OR venue_id IN (SELECT id FROM venues "    \
    "WHERE (?2 = '' OR area = ?2) AND (?3 = '' OR authority = ?3))) "

static void bind_scope(sqlite3_stmt *st, const struct lnt_rollup_scope *sc)
{
    sqlite3_bind_int64(st, 1, sc != NULL ? sc->venue_id : 0);
    sqlite3_bind_text(st, 2, sc != NULL && sc->area != NULL ? sc->area : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, sc != NULL && sc->authority != NULL ? sc->authority : "", -1,
                      SQLITE_STATIC);
}

enum lnt_err lnt_store_rollup_totals(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                     int32_t first_night, int32_t last_night,
                                     struct lnt_night_rollup *out, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = LNT_OK;
    sqlite3_stmt *st;
    int r;

#define TOTALS_SQL                                                                                 \
    "SELECT 0, total(contacts), total(sign_ins), total(door_shifts), total(door_sia_ok), "         \
    "total(door_vuln_trained), total(angela_on_shift), total(staff_shifts), "                      \
    "total(staff_bystander), total(open_shifts), total(incidents), "                               \
    "total(incidents_within_hour), total(spiking), total(spiking_complete), total(angela), "       \
    "total(refused), total(stock_events) FROM rollup_night WHERE night BETWEEN ?4 AND ?5 AND "
    memset(out, 0, sizeof *out);
    /* One venue reads its own rows by primary key; "?1 = 0 OR venue_id = ?1" cannot use it and
     * would walk every venue's nights. Its area and authority are looked up by id, not by
     * scanning venues. */
    if (scope != NULL && scope->venue_id != 0)
        st = lnt_sq_stmt(c,
                         TOTALS_SQL "venue_id = ?1 AND (?2 = '' OR ?2 = (SELECT area FROM venues "
                                    "WHERE id = ?1)) AND (?3 = '' OR ?3 = (SELECT authority FROM "
                                    "venues WHERE id = ?1))",
                         err);
    else
        st = lnt_sq_stmt(c, TOTALS_SQL SCOPE_VENUES, err);
#undef TOTALS_SQL
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    bind_scope(st, scope);
    sqlite3_bind_int(st, 4, first_night);
    sqlite3_bind_int(st, 5, last_night);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        night_cols(st, out, false);
    else
        rc = lnt_sq_fail(c->db, err, "summing the nightly rollup");
    out->night = 0;
out:
    lnt_sq_rend(s, c);
    return rc;
}

/* The first whole hour at or after t. */
static int64_t hour_ceil(int64_t t)
{
    return t >= 0 ? (t + 3599) / 3600 : -((-t) / 3600);
}

/* Runs the hourly-rollup query for a scope; calls add(ctx, hour, type, kind, count) per row. */
static enum lnt_err hours_walk(struct lnt_store *s, const struct lnt_rollup_scope *scope, int type,
                               const char *kind, int64_t from, int64_t to,
                               void (*add)(void *ctx, int64_t hour, int type, const char *kind,
                                           int64_t count),
                               void *ctx, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    bool by_venue = scope != NULL && scope->venue_id != 0;
    enum lnt_err rc = LNT_OK;
    sqlite3_stmt *st;
    int r;

    /* ?6 type (0 = any), ?7 kind: NULL = any, '' = event rows, '*' = every report kind */
    st = by_venue ? lnt_sq_stmt(c,
                                "SELECT hour, type, kind, count FROM rollup_hour "
                                "WHERE venue_id = ?1 AND ?2 = ?2 AND ?3 = ?3 AND hour >= ?4 "
                                "AND hour < ?5 AND (?6 = 0 OR type = ?6) AND (?7 IS NULL OR "
                                "kind = ?7 OR (?7 = '*' AND kind <> '')) AND count <> 0 "
                                "ORDER BY hour",
                                err)
                  : lnt_sq_stmt(c,
                                "SELECT hour, type, kind, count FROM rollup_hour "
                                "WHERE hour >= ?4 AND hour < ?5 AND (?6 = 0 OR type = ?6) AND "
                                "(?7 IS NULL OR kind = ?7 OR (?7 = '*' AND kind <> '')) AND "
                                "count <> 0 AND " SCOPE_VENUES "ORDER BY hour",
                                err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    bind_scope(st, scope);
    sqlite3_bind_int64(st, 4, hour_ceil(from));
    sqlite3_bind_int64(st, 5, hour_ceil(to));
    sqlite3_bind_int(st, 6, type);
    if (kind != NULL)
        sqlite3_bind_text(st, 7, kind, -1, SQLITE_STATIC);
    while ((r = sqlite3_step(st)) == SQLITE_ROW)
        add(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1),
            (const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3));
    if (r != SQLITE_DONE)
        rc = lnt_sq_fail(c->db, err, "reading the hourly rollup");
out:
    lnt_sq_rend(s, c);
    return rc;
}

/* London local time of the start of a UTC hour number. */
static int64_t local_of_hour(int64_t hour)
{
    int64_t t = hour * 3600;
    return t + lnt_london_offset(t);
}

static void how_add(void *ctx, int64_t hour, int type, const char *kind, int64_t count)
{
    int64_t(*grid)[24] = ctx;
    int64_t local = local_of_hour(hour);
    int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int h = (int)((local - day * 86400) / 3600);

    (void)type;
    (void)kind;
    grid[lnt_weekday((int32_t)day)][h] += count;
}

enum lnt_err lnt_store_rollup_hour_of_week(struct lnt_store *s,
                                           const struct lnt_rollup_scope *scope,
                                           enum lnt_event_type type, const char *kind, int64_t from,
                                           int64_t to, int64_t out[7][24], char *err)
{
    const char *k = "";

    memset(out, 0, 7 * sizeof out[0]);
    if (type < LNT_EV_SIGN_IN || type > LNT_EV__MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "event type %d is not known", (int)type);
    if (type == LNT_EV_INCIDENT)
        k = kind != NULL && kind[0] != '\0' ? kind : "*";
    return hours_walk(s, scope, (int)type, k, from, to, how_add, out, err);
}

struct months_ctx {
    struct lnt_month_count *arr;
    size_t n, cap, month_start; /* entries from month_start on are the current month's */
    enum lnt_err rc;
    char *err;
};

static void months_add(void *ctx, int64_t hour, int type, const char *kind, int64_t count)
{
    struct months_ctx *m = ctx;
    int64_t local = local_of_hour(hour);
    int32_t day = (int32_t)(local >= 0 ? local / 86400 : -((-local + 86399) / 86400));
    int y, mo, d;
    struct lnt_month_count *e;

    if (m->rc != LNT_OK)
        return;
    lnt_civil_from_days(day, &y, &mo, &d);
    if (m->n > m->month_start &&
        (m->arr[m->month_start].year != y || m->arr[m->month_start].month != mo))
        m->month_start = m->n;
    for (size_t i = m->month_start; i < m->n; i++) {
        e = &m->arr[i];
        if ((int)e->type == type && strcmp(e->kind, kind != NULL ? kind : "") == 0) {
            e->count += count;
            return;
        }
    }
    m->rc = lnt_sq_grow((void **)&m->arr, &m->cap, m->n, sizeof *m->arr, m->err);
    if (m->rc != LNT_OK)
        return;
    e = &m->arr[m->n++];
    memset(e, 0, sizeof *e);
    e->year = y;
    e->month = mo;
    e->type = (enum lnt_event_type)type;
    (void)lnt_str_copy(e->kind, sizeof e->kind, kind != NULL ? kind : "");
    e->count = count;
}

static int month_cmp(const void *a, const void *b)
{
    const struct lnt_month_count *x = a, *y = b;

    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    if (x->month != y->month)
        return x->month < y->month ? -1 : 1;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    return strcmp(x->kind, y->kind);
}

enum lnt_err lnt_store_rollup_months(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                     int64_t from, int64_t to, struct lnt_month_count **out,
                                     size_t *n, char *err)
{
    struct months_ctx m = {.err = err};
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = hours_walk(s, scope, 0, NULL, from, to, months_add, &m, err);
    if (rc == LNT_OK)
        rc = m.rc;
    if (rc != LNT_OK) {
        free(m.arr);
        return rc;
    }
    if (m.n > 1)
        qsort(m.arr, m.n, sizeof *m.arr, month_cmp);
    *out = m.arr;
    *n = m.n;
    return LNT_OK;
}

static void repeat_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_repeat_location *r = elem;

    r->venue_id = sqlite3_column_int64(st, 0);
    lnt_sq_text(r->kind, sizeof r->kind, st, 1);
    r->nights = sqlite3_column_int(st, 2);
    r->reports = sqlite3_column_int(st, 3);
}

enum lnt_err lnt_store_repeat_locations(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                        int32_t first_night, int32_t last_night, int min_nights,
                                        size_t limit, struct lnt_repeat_location **out, size_t *n,
                                        char *err)
{
    struct lnt_sq_conn *c;
    sqlite3_stmt *st;
    enum lnt_err rc = lnt_sq_page_begin(s, limit, (void **)out, n, &c, err);

    if (rc != LNT_OK)
        return rc;
    st = lnt_sq_stmt(
        c,
        "SELECT venue_id, kind, count(*) AS nights, sum(count) AS reports "
        "FROM rollup_night_kind WHERE night BETWEEN ?4 AND ?5 AND count > 0 AND " SCOPE_VENUES
        "GROUP BY venue_id, kind HAVING count(*) >= ?6 "
        "ORDER BY nights DESC, reports DESC, venue_id, kind LIMIT ?7",
        err);
    rc = LNT_ERR_DB;
    if (st != NULL) {
        bind_scope(st, scope);
        sqlite3_bind_int(st, 4, first_night);
        sqlite3_bind_int(st, 5, last_night);
        sqlite3_bind_int(st, 6, min_nights);
        sqlite3_bind_int64(st, 7, (int64_t)limit);
        rc = lnt_sq_list(c->db, st, sizeof **out, repeat_row, (void **)out, n, err,
                         "finding repeat locations");
    }
    lnt_sq_rend(s, c);
    return rc;
}

/* ---- venue summaries ---- */

#define SUMMARY_COLS                                                                               \
    LNT_SQ_VENUE_COLS ", (SELECT total(incidents) FROM rollup_night r WHERE r.venue_id = v.id "    \
                      "AND r.night BETWEEN ?3 AND ?4), (SELECT coalesce(max(last_seen), 0) FROM "  \
                      "kiosks k WHERE k.venue_id = v.id), (SELECT count(*) FROM kiosks k WHERE "   \
                      "k.venue_id = v.id AND k.revoked = 0), l.level, coalesce(l.updated_at, 0) "

static void summary_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_venue_summary *v = elem;
    int c = LNT_SQ_VENUE_NCOLS;

    lnt_sq_venue_row_at(st, 0, &v->venue);
    v->incidents = sqlite3_column_int(st, c);
    v->last_contact = sqlite3_column_int64(st, c + 1);
    v->kiosks = sqlite3_column_int(st, c + 2);
    v->stock.venue_id = v->venue.id;
    v->stock.threshold = v->venue.cup_cover_threshold;
    v->stock.known = sqlite3_column_type(st, c + 3) != SQLITE_NULL;
    v->stock.level = sqlite3_column_int(st, c + 3);
    v->stock.updated_at = sqlite3_column_int64(st, c + 4);
}

enum lnt_err lnt_store_venue_summaries(struct lnt_store *s, const char *authority,
                                       bool include_closed, int32_t first_night, int32_t last_night,
                                       size_t offset, size_t limit, struct lnt_venue_summary **out,
                                       size_t *n, char *err)
{
    struct lnt_sq_conn *c;
    sqlite3_stmt *st;
    enum lnt_err rc = lnt_sq_page_begin(s, limit, (void **)out, n, &c, err);

    if (rc != LNT_OK)
        return rc;
    st = lnt_sq_stmt(c,
                     "SELECT " SUMMARY_COLS "FROM venues v LEFT JOIN stock_levels l "
                     "ON l.venue_id = v.id WHERE (?1 = '' OR v.authority = ?1) "
                     "AND (?2 OR v.closed_at = 0) ORDER BY v.id LIMIT ?5 OFFSET ?6",
                     err);
    rc = LNT_ERR_DB;
    if (st != NULL) {
        sqlite3_bind_text(st, 1, authority != NULL ? authority : "", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, include_closed);
        sqlite3_bind_int(st, 3, first_night);
        sqlite3_bind_int(st, 4, last_night);
        sqlite3_bind_int64(st, 5, (int64_t)limit);
        sqlite3_bind_int64(st, 6, (int64_t)offset);
        rc = lnt_sq_list(c->db, st, sizeof **out, summary_row, (void **)out, n, err,
                         "listing venues");
    }
    lnt_sq_rend(s, c);
    return rc;
}

enum lnt_err lnt_store_venue_detail(struct lnt_store *s, int64_t venue_id, int32_t first_night,
                                    int32_t last_night, struct lnt_venue_detail *out, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    struct lnt_rollup_scope scope = {.venue_id = venue_id};
    enum lnt_err rc = LNT_OK;
    sqlite3_stmt *st;
    int r;

    memset(out, 0, sizeof *out);
    st = lnt_sq_stmt(
        c,
        "SELECT " SUMMARY_COLS ", (SELECT count(*) FROM staff p WHERE p.venue_id = "
        "v.id AND p.left_at = 0), (SELECT count(*) FROM shifts sh WHERE "
        "sh.venue_id = v.id AND sh.off_at IS NULL), (SELECT total(sh.badge_flag = 1) FROM "
        "shifts sh WHERE sh.venue_id = v.id AND sh.badge_flag <> 0 AND sh.night "
        "BETWEEN ?3 AND ?4), (SELECT total(sh.badge_flag = 2) FROM shifts sh WHERE "
        "sh.venue_id = v.id AND sh.badge_flag <> 0 AND sh.night BETWEEN ?3 AND ?4) "
        "FROM venues v "
        "LEFT JOIN stock_levels l ON l.venue_id = v.id WHERE v.id = ?1 "
        "AND ?2 = ?2",
        err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, venue_id);
    sqlite3_bind_int(st, 2, 0);
    sqlite3_bind_int(st, 3, first_night);
    sqlite3_bind_int(st, 4, last_night);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        summary_row(st, &out->summary);
        out->staff = sqlite3_column_int(st, LNT_SQ_VENUE_NCOLS + 5);
        out->open_shifts = sqlite3_column_int(st, LNT_SQ_VENUE_NCOLS + 6);
        out->revoked_sign_ins = sqlite3_column_int(st, LNT_SQ_VENUE_NCOLS + 7);
        out->unknown_serial_sign_ins = sqlite3_column_int(st, LNT_SQ_VENUE_NCOLS + 8);
    } else if (r == SQLITE_DONE) {
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "venue %" PRId64 " not found", venue_id);
    } else {
        rc = lnt_sq_fail(c->db, err, "reading the venue");
    }
out:
    lnt_sq_rend(s, c);
    if (rc == LNT_OK)
        rc = lnt_store_rollup_totals(s, &scope, first_night, last_night, &out->totals, err);
    return rc;
}

/* ---- volunteers ---- */

#define VOLUNTEER_COLS                                                                             \
    "id, venue_id, kiosk_id, staff_id, call_sign, team, team_size, start_at, end_at, night, "      \
    "water, flip_flops, blankets, bottles, first_aid, cctv_calls, police_calls, calmed, base, "    \
    "leader"

static void volunteer_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_volunteer_shift *v = elem;

    v->id = sqlite3_column_int64(st, 0);
    v->venue_id = sqlite3_column_int64(st, 1);
    v->kiosk_id = sqlite3_column_int64(st, 2);
    lnt_sq_text(v->staff_id, sizeof v->staff_id, st, 3);
    lnt_sq_text(v->call_sign, sizeof v->call_sign, st, 4);
    lnt_sq_text(v->team, sizeof v->team, st, 5);
    v->team_size = sqlite3_column_int(st, 6);
    v->start_at = sqlite3_column_int64(st, 7);
    v->end_at = sqlite3_column_int64(st, 8);
    v->night = sqlite3_column_int(st, 9);
    for (int i = 0; i < LNT_TALLIES; i++)
        v->tallies[i] = sqlite3_column_int(st, 10 + i);
    lnt_sq_text(v->base, sizeof v->base, st, 10 + LNT_TALLIES);
    lnt_sq_text(v->leader, sizeof v->leader, st, 11 + LNT_TALLIES);
}

/* The hubs of a volunteer scope, bound as ?1 venue and ?2 authority. */
#define VOLUNTEER_SCOPE                                                                            \
    "(?1 = 0 OR venue_id = ?1) AND (?2 = '' OR venue_id IN "                                       \
    "(SELECT id FROM venues WHERE authority = ?2))"

static void volunteer_bind_scope(sqlite3_stmt *st, const struct lnt_rollup_scope *sc)
{
    sqlite3_bind_int64(st, 1, sc != NULL ? sc->venue_id : 0);
    sqlite3_bind_text(st, 2, sc != NULL && sc->authority != NULL ? sc->authority : "", -1,
                      SQLITE_STATIC);
}

enum lnt_err lnt_store_volunteer_list(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                      const char *team, int64_t from, int64_t to, size_t offset,
                                      size_t limit, struct lnt_volunteer_shift **out, size_t *n,
                                      char *err)
{
    struct lnt_sq_conn *c;
    sqlite3_stmt *st;
    enum lnt_err rc = lnt_sq_page_begin(s, limit, (void **)out, n, &c, err);

    if (rc != LNT_OK)
        return rc;
    st = lnt_sq_stmt(c,
                     "SELECT " VOLUNTEER_COLS " FROM volunteer_shifts WHERE " VOLUNTEER_SCOPE
                     " AND (?3 = '' OR team = ?3) AND at >= ?4 AND at < ?5 "
                     "ORDER BY at, id LIMIT ?6 OFFSET ?7",
                     err);
    rc = LNT_ERR_DB;
    if (st != NULL) {
        volunteer_bind_scope(st, scope);
        sqlite3_bind_text(st, 3, team != NULL ? team : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, from);
        sqlite3_bind_int64(st, 5, lnt_sq_upper(to));
        sqlite3_bind_int64(st, 6, (int64_t)limit);
        sqlite3_bind_int64(st, 7, (int64_t)offset);
        rc = lnt_sq_list(c->db, st, sizeof **out, volunteer_row, (void **)out, n, err,
                         "listing volunteer shifts");
    }
    lnt_sq_rend(s, c);
    return rc;
}

static int vmonth_cmp(const void *a, const void *b)
{
    const struct lnt_volunteer_month *x = a, *y = b;

    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    if (x->month != y->month)
        return x->month < y->month ? -1 : 1;
    if (strcmp(x->team, y->team) != 0)
        return strcmp(x->team, y->team);
    return strcmp(x->base, y->base);
}

enum lnt_err lnt_store_volunteer_months(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                        int32_t first_night, int32_t last_night,
                                        struct lnt_volunteer_month **out, size_t *n, char *err)
{
    struct lnt_volunteer_shift *shifts = NULL;
    struct lnt_volunteer_month *arr = NULL;
    size_t ns = 0, cap = 0, cnt = 0;
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = LNT_ERR_DB;
    sqlite3_stmt *st;

    *out = NULL;
    *n = 0;
    st = lnt_sq_stmt(c,
                     "SELECT " VOLUNTEER_COLS " FROM volunteer_shifts WHERE " VOLUNTEER_SCOPE
                     " AND night BETWEEN ?3 AND ?4 ORDER BY night, team",
                     err);
    if (st != NULL) {
        volunteer_bind_scope(st, scope);
        sqlite3_bind_int(st, 3, first_night);
        sqlite3_bind_int(st, 4, last_night);
        rc = lnt_sq_list(c->db, st, sizeof *shifts, volunteer_row, (void **)&shifts, &ns, err,
                         "reading volunteer shifts");
    }
    lnt_sq_rend(s, c);
    for (size_t i = 0; rc == LNT_OK && i < ns; i++) {
        const struct lnt_volunteer_shift *v = &shifts[i];
        struct lnt_volunteer_month *m = NULL;
        int y, mo, d;

        lnt_civil_from_days(v->night, &y, &mo, &d);
        for (size_t j = 0; j < cnt && m == NULL; j++)
            if (arr[j].year == y && arr[j].month == mo && strcmp(arr[j].team, v->team) == 0 &&
                strcmp(arr[j].base, v->base) == 0)
                m = &arr[j];
        if (m == NULL) {
            rc = lnt_sq_grow((void **)&arr, &cap, cnt, sizeof *arr, err);
            if (rc != LNT_OK)
                break;
            m = &arr[cnt++];
            memset(m, 0, sizeof *m);
            m->year = y;
            m->month = mo;
            (void)lnt_str_copy(m->team, sizeof m->team, v->team);
            (void)lnt_str_copy(m->base, sizeof m->base, v->base);
        }
        m->shifts++;
        if (v->start_at != 0 && v->end_at > v->start_at)
            m->person_seconds += (v->end_at - v->start_at) * (v->team_size > 0 ? v->team_size : 1);
        for (int t = 0; t < LNT_TALLIES; t++)
            m->tallies[t] += v->tallies[t];
    }
    free(shifts);
    if (rc != LNT_OK) {
        free(arr);
        return rc;
    }
    if (cnt > 1)
        qsort(arr, cnt, sizeof *arr, vmonth_cmp);
    *out = arr;
    *n = cnt;
    return LNT_OK;
}

/* ---- training coverage ---- */

static void coverage_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_training_coverage *t = elem;

    t->staff_id = sqlite3_column_int64(st, 0);
    lnt_sq_text(t->name, sizeof t->name, st, 1);
    t->role = (enum lnt_role)sqlite3_column_int(st, 2);
    t->sia_expires = sqlite3_column_int(st, 3);
}

enum lnt_err lnt_store_training_coverage(struct lnt_store *s, int64_t venue_id,
                                         struct lnt_training_coverage **out, size_t *n, char *err)
{
    struct lnt_training_coverage *arr = NULL;
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    size_t cnt = 0, j = 0;
    enum lnt_err rc;
    sqlite3_stmt *st;
    int r;

    *out = NULL;
    *n = 0;
    rc = lnt_sq_exec(c->db, "BEGIN", err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(c,
                     "SELECT id, name, role, sia_expires FROM staff WHERE venue_id = ?1 "
                     "AND left_at = 0 ORDER BY id",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, venue_id);
    rc = lnt_sq_list(c->db, st, sizeof *arr, coverage_row, (void **)&arr, &cnt, err,
                     "listing staff");
    if (rc != LNT_OK || cnt == 0)
        goto out;
    /* newest first within (staff, course): the first row of each pair is the one that counts */
    st = lnt_sq_stmt(c,
                     "SELECT t.staff_id, t.course, t.expires FROM training t JOIN staff p "
                     "ON p.id = t.staff_id WHERE p.venue_id = ?1 AND p.left_at = 0 "
                     "ORDER BY t.staff_id, t.course, t.completed DESC, t.id DESC",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, venue_id);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t sid = sqlite3_column_int64(st, 0);
        int course = sqlite3_column_int(st, 1);
        int32_t expires = sqlite3_column_int(st, 2);
        while (j < cnt && arr[j].staff_id < sid)
            j++;
        if (j == cnt || arr[j].staff_id != sid || course < 1 || course > LNT_COURSE__MAX ||
            arr[j].expires[course] != 0)
            continue;
        arr[j].expires[course] = expires != 0 ? expires : INT32_MAX;
    }
    if (r != SQLITE_DONE)
        rc = lnt_sq_fail(c->db, err, "reading training");
out:
    lnt_sq_rend(s, c);
    if (rc != LNT_OK) {
        free(arr);
        return rc;
    }
    *out = arr;
    *n = cnt;
    return LNT_OK;
}
