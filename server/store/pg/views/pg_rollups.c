/* pg_rollups.c - the store on PostgreSQL: rollup reads, venue summaries, volunteers, training
 * coverage, as sqlite/sq_rollups.c. */
#include "pg_int.h"

#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "night.h"

#define NIGHTS_MAX 4000 /* nights in one dense rollup read (about eleven years) */

#define NIGHT_COLS                                                                                 \
    "night, contacts, sign_ins, door_shifts, door_sia_ok, door_vuln_trained, angela_on_shift, "    \
    "staff_shifts, staff_bystander, open_shifts, incidents, incidents_within_hour, spiking, "      \
    "spiking_complete, angela, refused, stock_events"

/* A read of several statements sees one snapshot, as a SQLite read transaction does. */
#define SNAPSHOT "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"

/* Reads NIGHT_COLS (and, when with_cup, cup_level after them) of row `row` into n. */
static void night_cols(const PGresult *r, int row, struct lnt_night_rollup *n, bool with_cup)
{
    int32_t *f[] = {&n->contacts,
                    &n->sign_ins,
                    &n->door_shifts,
                    &n->door_sia_ok,
                    &n->door_vuln_trained,
                    &n->angela_on_shift,
                    &n->staff_shifts,
                    &n->staff_bystander,
                    &n->open_shifts,
                    &n->incidents,
                    &n->incidents_within_hour,
                    &n->spiking,
                    &n->spiking_complete,
                    &n->angela,
                    &n->refused,
                    &n->stock_events};

    n->night = (int32_t)lnt_pg_i64(r, row, 0);
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        *f[i] = (int32_t)lnt_pg_i64(r, row, (int)i + 1);
    if (with_cup && !lnt_pg_null(r, row, 17)) {
        n->cup_level = (int32_t)lnt_pg_i64(r, row, 17);
        n->cup_level_known = true;
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

/* Fills the dense array arr[0 .. last-first] for one venue on connection pg. */
static enum lnt_err nights_fill(PGconn *pg, int64_t venue_id, int32_t first, int32_t last,
                                struct lnt_night_rollup *arr, char *err)
{
    size_t n = (size_t)(last - first) + 1;
    struct lnt_pg_params p;
    PGresult *r = NULL;
    bool known = false;
    int32_t level = 0;
    enum lnt_err rc;

    memset(arr, 0, n * sizeof *arr);
    for (size_t i = 0; i < n; i++)
        arr[i].night = first + (int32_t)i;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, venue_id);
    lnt_pg_p_i64(&p, first);
    lnt_pg_p_i64(&p, last);
    /* the level carried in from before the first night, then the nights themselves */
    rc = lnt_pg_exec(
        pg,
        "(SELECT $2::bigint - 1 AS night, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
        "cup_level FROM rollup_night WHERE venue_id = $1::bigint AND night < "
        "$2::bigint AND cup_level IS NOT NULL ORDER BY night DESC LIMIT 1) "
        "UNION ALL (SELECT " NIGHT_COLS ", cup_level FROM rollup_night WHERE "
        "venue_id = $1::bigint AND night BETWEEN $2::bigint AND $3::bigint "
        "ORDER BY night)",
        &p, &r, err, "reading the nightly rollup");
    if (rc != LNT_OK)
        return rc;
    for (int i = 0, rows = PQntuples(r); i < rows; i++) {
        int64_t night = lnt_pg_i64(r, i, 0);
        if (night < first && !lnt_pg_null(r, i, 17)) {
            known = true;
            level = (int32_t)lnt_pg_i64(r, i, 17);
        } else if (night >= first && night <= last) {
            night_cols(r, i, &arr[night - first], true);
        }
    }
    PQclear(r);
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
    PGconn *pg = NULL;
    enum lnt_err rc = nights_range(first_night, last_night, err);

    *out = NULL;
    *n = 0;
    if (rc != LNT_OK)
        return rc;
    arr = calloc((size_t)(last_night - first_night) + 1, sizeof *arr);
    if (arr == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading rollups");
    rc = lnt_pg_take(s, &pg, err);
    if (rc == LNT_OK) {
        rc = nights_fill(pg, venue_id, first_night, last_night, arr, err);
        lnt_pg_give(s, pg);
    }
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
    PGconn *pg = NULL;
    size_t nv = 0, n;
    enum lnt_err rc = nights_range(first_night, last_night, err);

    if (rc != LNT_OK)
        return rc;
    n = (size_t)(last_night - first_night) + 1;
    arr = calloc(n, sizeof *arr);
    if (arr == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading rollups");
    rc = lnt_store_venue_list_by(s, authority, true, &venues, &nv, err);
    if (rc == LNT_OK)
        rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        goto out;
    /* one snapshot for every venue */
    rc = lnt_pg_exec(pg, SNAPSHOT, NULL, NULL, err, "starting a read");
    for (size_t i = 0; rc == LNT_OK && i < nv; i++) {
        rc = nights_fill(pg, venues[i].id, first_night, last_night, arr, err);
        if (rc == LNT_OK && fn(ctx, &venues[i], arr, n) != 0)
            break;
    }
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
out:
    free(venues);
    free(arr);
    return rc;
}

/* ---- scoped sums ---- */

/* Scope as $1 venue, $2 area, $3 authority. */
#define SCOPE_VENUES                                                                               \
    "($1::bigint = 0 OR venue_id = $1::bigint) AND ($2::text = '' AND $3::text = '' OR "           \
    "venue_id IN (SELECT id FROM venues WHERE ($2::text = '' OR area = $2::text) AND "             \
    "($3::text = '' OR authority = $3::text))) "

static void scope_params(struct lnt_pg_params *p, const struct lnt_rollup_scope *sc)
{
    lnt_pg_p_init(p);
    lnt_pg_p_i64(p, sc != NULL ? sc->venue_id : 0);
    lnt_pg_p_text(p, sc != NULL && sc->area != NULL ? sc->area : "");
    lnt_pg_p_text(p, sc != NULL && sc->authority != NULL ? sc->authority : "");
}

enum lnt_err lnt_store_rollup_totals(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                     int32_t first_night, int32_t last_night,
                                     struct lnt_night_rollup *out, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;

/* each sum as SQLite's total() read as an integer: 0 over no rows */
#define TOTALS_SQL                                                                                 \
    "SELECT 0, coalesce(sum(contacts), 0)::bigint, coalesce(sum(sign_ins), 0)::bigint, "           \
    "coalesce(sum(door_shifts), 0)::bigint, coalesce(sum(door_sia_ok), 0)::bigint, "               \
    "coalesce(sum(door_vuln_trained), 0)::bigint, coalesce(sum(angela_on_shift), 0)::bigint, "     \
    "coalesce(sum(staff_shifts), 0)::bigint, coalesce(sum(staff_bystander), 0)::bigint, "          \
    "coalesce(sum(open_shifts), 0)::bigint, coalesce(sum(incidents), 0)::bigint, "                 \
    "coalesce(sum(incidents_within_hour), 0)::bigint, coalesce(sum(spiking), 0)::bigint, "         \
    "coalesce(sum(spiking_complete), 0)::bigint, coalesce(sum(angela), 0)::bigint, "               \
    "coalesce(sum(refused), 0)::bigint, coalesce(sum(stock_events), 0)::bigint FROM "              \
    "rollup_night WHERE night BETWEEN $4::bigint AND $5::bigint AND "
    memset(out, 0, sizeof *out);
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    scope_params(&p, scope);
    lnt_pg_p_i64(&p, first_night);
    lnt_pg_p_i64(&p, last_night);
    /* One venue reads its own rows by primary key; its area and authority are looked up by id,
     * not by scanning venues. */
    rc = lnt_pg_exec(pg,
                     scope != NULL && scope->venue_id != 0 ? TOTALS_SQL
                         "venue_id = $1::bigint AND ($2::text = '' OR $2::text = "
                         "(SELECT area FROM venues WHERE id = $1::bigint)) AND "
                         "($3::text = '' OR $3::text = (SELECT authority FROM venues "
                         "WHERE id = $1::bigint))"
                                                           : TOTALS_SQL SCOPE_VENUES,
                     &p, &r, err, "summing the nightly rollup");
#undef TOTALS_SQL
    lnt_pg_give(s, pg);
    if (rc == LNT_OK && PQntuples(r) == 1)
        night_cols(r, 0, out, false);
    out->night = 0;
    PQclear(r);
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
    bool by_venue = scope != NULL && scope->venue_id != 0;
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    char k[256]; /* a kind as stored; kinds are far shorter */
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    scope_params(&p, scope);
    lnt_pg_p_i64(&p, hour_ceil(from));
    lnt_pg_p_i64(&p, hour_ceil(to));
    lnt_pg_p_i64(&p, type);
    lnt_pg_p_text(&p, kind);
    /* $6 type (0 = any), $7 kind: NULL = any, '' = event rows, '*' = every report kind */
    rc = lnt_pg_exec(pg,
                     by_venue ? "SELECT hour, type, kind, count FROM rollup_hour WHERE venue_id = "
                                "$1::bigint AND $2::text = $2::text AND $3::text = $3::text AND "
                                "hour >= $4::bigint AND hour < $5::bigint AND ($6::bigint = 0 OR "
                                "type = $6::bigint) AND ($7::text IS NULL OR kind = $7::text OR "
                                "($7::text = '*' AND kind <> '')) AND count <> 0 ORDER BY hour"
                              : "SELECT hour, type, kind, count FROM rollup_hour WHERE hour >= "
                                "$4::bigint AND hour < $5::bigint AND ($6::bigint = 0 OR type = "
                                "$6::bigint) AND ($7::text IS NULL OR kind = $7::text OR "
                                "($7::text = '*' AND kind <> '')) AND count <> 0 "
                                "AND " SCOPE_VENUES "ORDER BY hour",
                     &p, &r, err, "reading the hourly rollup");
    lnt_pg_give(s, pg);
    if (rc != LNT_OK)
        return rc;
    for (int i = 0, rows = PQntuples(r); i < rows; i++) {
        lnt_pg_text(r, i, 2, k, sizeof k);
        add(ctx, lnt_pg_i64(r, i, 0), (int)lnt_pg_i64(r, i, 1), k, lnt_pg_i64(r, i, 3));
    }
    PQclear(r);
    return LNT_OK;
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
    m->rc = lnt_pg_grow((void **)&m->arr, &m->cap, m->n, sizeof *m->arr, m->err);
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

static void repeat_row(const PGresult *r, int row, void *elem)
{
    struct lnt_repeat_location *l = elem;

    l->venue_id = lnt_pg_i64(r, row, 0);
    lnt_pg_text(r, row, 1, l->kind, sizeof l->kind);
    l->nights = (int)lnt_pg_i64(r, row, 2);
    l->reports = (int)lnt_pg_i64(r, row, 3);
}

enum lnt_err lnt_store_repeat_locations(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                        int32_t first_night, int32_t last_night, int min_nights,
                                        size_t limit, struct lnt_repeat_location **out, size_t *n,
                                        char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_page_check(limit, err);

    *out = NULL;
    *n = 0;
    if (rc == LNT_OK)
        rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    scope_params(&p, scope);
    lnt_pg_p_i64(&p, first_night);
    lnt_pg_p_i64(&p, last_night);
    lnt_pg_p_i64(&p, min_nights);
    lnt_pg_p_i64(&p, (int64_t)limit);
    /* kinds in byte order, as SQLite's BINARY collation whatever the database's locale */
    rc =
        lnt_pg_list(pg,
                    "SELECT venue_id, kind, count(*) AS nights, sum(count)::bigint AS reports "
                    "FROM rollup_night_kind WHERE night BETWEEN $4::bigint AND $5::bigint AND "
                    "count > 0 AND " SCOPE_VENUES "GROUP BY venue_id, kind HAVING count(*) >= "
                    "$6::bigint ORDER BY nights DESC, reports DESC, venue_id, kind COLLATE \"C\" "
                    "LIMIT $7::bigint",
                    &p, sizeof **out, repeat_row, (void **)out, n, err, "finding repeat locations");
    lnt_pg_give(s, pg);
    return rc;
}

/* ---- venue summaries ---- */

/* The columns of a venue as pg_venues.c reads them, then the summary's, the nights being
 * parameters `first` and `last`. */
#define SUMMARY_COLS(first, last)                                                                  \
    "v.id, v.name, v.category, v.capacity, v.area, v.created_at, v.authority, v.trading, "         \
    "v.cup_cover_threshold, v.closed_at, v.joined_on, (SELECT min(k0.enrolled_at) FROM kiosks k0 " \
    "WHERE k0.venue_id = v.id), (SELECT min(r0.night) FROM rollup_night r0 WHERE r0.venue_id = "   \
    "v.id AND r0.contacts > 0), (SELECT coalesce(sum(incidents), 0)::bigint FROM rollup_night r "  \
    "WHERE r.venue_id = v.id AND r.night BETWEEN " first " AND " last "), (SELECT "                \
    "coalesce(max(last_seen), 0) FROM kiosks k WHERE k.venue_id = v.id), (SELECT count(*) FROM "   \
    "kiosks k WHERE k.venue_id = v.id AND k.revoked = 0), l.level, coalesce(l.updated_at, 0) "
#define VENUE_NCOLS 13

static void summary_row(const PGresult *r, int row, void *elem)
{
    struct lnt_venue_summary *s = elem;
    struct lnt_venue *v = &s->venue;
    int c = VENUE_NCOLS;

    memset(v, 0, sizeof *v);
    v->id = lnt_pg_i64(r, row, 0);
    lnt_pg_text(r, row, 1, v->name, sizeof v->name);
    v->category = (enum lnt_venue_category)lnt_pg_i64(r, row, 2);
    v->capacity = (int32_t)lnt_pg_i64(r, row, 3);
    lnt_pg_text(r, row, 4, v->area, sizeof v->area);
    v->created_at = lnt_pg_i64(r, row, 5);
    lnt_pg_text(r, row, 6, v->authority, sizeof v->authority);
    lnt_pg_text(r, row, 7, v->trading, sizeof v->trading);
    v->cup_cover_threshold = (int32_t)lnt_pg_i64(r, row, 8);
    v->closed_at = lnt_pg_i64(r, row, 9);
    v->joined_on = (int32_t)lnt_pg_i64(r, row, 10);
    if (v->joined_on > 0) {
        v->evidence_from = v->joined_on;
    } else {
        /* the first kiosk's enrolment, or the first night with contact if earlier */
        if (!lnt_pg_null(r, row, 11))
            v->evidence_from = lnt_night_of(lnt_pg_i64(r, row, 11));
        if (!lnt_pg_null(r, row, 12) &&
            (v->evidence_from == 0 || lnt_pg_i64(r, row, 12) < v->evidence_from))
            v->evidence_from = (int32_t)lnt_pg_i64(r, row, 12);
    }
    s->incidents = (int32_t)lnt_pg_i64(r, row, c);
    s->last_contact = lnt_pg_i64(r, row, c + 1);
    s->kiosks = (int32_t)lnt_pg_i64(r, row, c + 2);
    s->stock.venue_id = v->id;
    s->stock.threshold = v->cup_cover_threshold;
    s->stock.known = !lnt_pg_null(r, row, c + 3);
    s->stock.level = (int32_t)lnt_pg_i64(r, row, c + 3);
    s->stock.updated_at = lnt_pg_i64(r, row, c + 4);
}

enum lnt_err lnt_store_venue_summaries(struct lnt_store *s, const char *authority,
                                       bool include_closed, int32_t first_night, int32_t last_night,
                                       size_t offset, size_t limit, struct lnt_venue_summary **out,
                                       size_t *n, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_page_check(limit, err);

    *out = NULL;
    *n = 0;
    if (rc == LNT_OK)
        rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, authority != NULL ? authority : "");
    lnt_pg_p_i64(&p, include_closed);
    lnt_pg_p_i64(&p, first_night);
    lnt_pg_p_i64(&p, last_night);
    lnt_pg_p_i64(&p, (int64_t)limit);
    lnt_pg_p_i64(&p, offset > INT64_MAX ? INT64_MAX : (int64_t)offset);
    rc = lnt_pg_list(
        pg,
        "SELECT " SUMMARY_COLS(
            "$3::bigint",
            "$4::bigint") "FROM venues v LEFT JOIN "
                          "stock_levels l ON l.venue_id = v.id WHERE ($1::text = '' OR v.authority "
                          "= "
                          "$1::text) AND ($2::bigint <> 0 OR v.closed_at = 0) ORDER BY v.id "
                          "LIMIT $5::bigint OFFSET $6::bigint",
        &p, sizeof **out, summary_row, (void **)out, n, err, "listing venues");
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_venue_detail(struct lnt_store *s, int64_t venue_id, int32_t first_night,
                                    int32_t last_night, struct lnt_venue_detail *out, char *err)
{
    struct lnt_rollup_scope scope = {.venue_id = venue_id};
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, venue_id);
    lnt_pg_p_i64(&p, first_night);
    lnt_pg_p_i64(&p, last_night);
    rc = lnt_pg_exec(
        pg,
        "SELECT " SUMMARY_COLS("$2::bigint",
                               "$3::bigint") ", (SELECT count(*) FROM staff p WHERE "
                                             "p.venue_id = v.id AND p.left_at = 0), (SELECT "
                                             "count(*) FROM shifts sh WHERE sh.venue_id "
                                             "= v.id AND sh.off_at IS NULL), (SELECT count(*) FROM "
                                             "shifts sh WHERE sh.venue_id = v.id "
                                             "AND sh.badge_flag = 1 AND sh.night BETWEEN "
                                             "$2::bigint AND $3::bigint), (SELECT count(*) "
                                             "FROM shifts sh WHERE sh.venue_id = v.id AND "
                                             "sh.badge_flag = 2 AND sh.night BETWEEN "
                                             "$2::bigint AND $3::bigint) FROM venues v LEFT JOIN "
                                             "stock_levels l ON l.venue_id = v.id "
                                             "WHERE v.id = $1::bigint",
        &p, &r, err, "reading the venue");
    lnt_pg_give(s, pg);
    if (rc == LNT_OK && PQntuples(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "venue %" PRId64 " not found", venue_id);
    if (rc == LNT_OK) {
        summary_row(r, 0, &out->summary);
        out->staff = (int32_t)lnt_pg_i64(r, 0, VENUE_NCOLS + 5);
        out->open_shifts = (int32_t)lnt_pg_i64(r, 0, VENUE_NCOLS + 6);
        out->revoked_sign_ins = (int32_t)lnt_pg_i64(r, 0, VENUE_NCOLS + 7);
        out->unknown_serial_sign_ins = (int32_t)lnt_pg_i64(r, 0, VENUE_NCOLS + 8);
    }
    PQclear(r);
    if (rc == LNT_OK)
        rc = lnt_store_rollup_totals(s, &scope, first_night, last_night, &out->totals, err);
    return rc;
}

/* ---- volunteers ---- */

#define VOLUNTEER_COLS                                                                             \
    "id, venue_id, kiosk_id, staff_id, call_sign, team, team_size, start_at, end_at, night, "      \
    "water, flip_flops, blankets, bottles, first_aid, cctv_calls, police_calls, calmed, base, "    \
    "leader"

static void volunteer_row(const PGresult *r, int row, void *elem)
{
    struct lnt_volunteer_shift *v = elem;

    v->id = lnt_pg_i64(r, row, 0);
    v->venue_id = lnt_pg_i64(r, row, 1);
    v->kiosk_id = lnt_pg_i64(r, row, 2);
    lnt_pg_text(r, row, 3, v->staff_id, sizeof v->staff_id);
    lnt_pg_text(r, row, 4, v->call_sign, sizeof v->call_sign);
    lnt_pg_text(r, row, 5, v->team, sizeof v->team);
    v->team_size = (int32_t)lnt_pg_i64(r, row, 6);
    v->start_at = lnt_pg_i64(r, row, 7);
    v->end_at = lnt_pg_i64(r, row, 8);
    v->night = (int32_t)lnt_pg_i64(r, row, 9);
    for (int i = 0; i < LNT_TALLIES; i++)
        v->tallies[i] = (int32_t)lnt_pg_i64(r, row, 10 + i);
    lnt_pg_text(r, row, 10 + LNT_TALLIES, v->base, sizeof v->base);
    lnt_pg_text(r, row, 11 + LNT_TALLIES, v->leader, sizeof v->leader);
}

/* The hubs of a volunteer scope, as $1 venue and $2 authority. */
#define VOLUNTEER_SCOPE                                                                            \
    "($1::bigint = 0 OR venue_id = $1::bigint) AND ($2::text = '' OR venue_id IN "                 \
    "(SELECT id FROM venues WHERE authority = $2::text))"

static void volunteer_scope_params(struct lnt_pg_params *p, const struct lnt_rollup_scope *sc)
{
    lnt_pg_p_init(p);
    lnt_pg_p_i64(p, sc != NULL ? sc->venue_id : 0);
    lnt_pg_p_text(p, sc != NULL && sc->authority != NULL ? sc->authority : "");
}

enum lnt_err lnt_store_volunteer_list(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                      const char *team, int64_t from, int64_t to, size_t offset,
                                      size_t limit, struct lnt_volunteer_shift **out, size_t *n,
                                      char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_page_check(limit, err);

    *out = NULL;
    *n = 0;
    if (rc == LNT_OK)
        rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    volunteer_scope_params(&p, scope);
    lnt_pg_p_text(&p, team != NULL ? team : "");
    lnt_pg_p_i64(&p, from);
    lnt_pg_p_i64(&p, lnt_pg_upper(to));
    lnt_pg_p_i64(&p, (int64_t)limit);
    lnt_pg_p_i64(&p, offset > INT64_MAX ? INT64_MAX : (int64_t)offset);
    rc = lnt_pg_list(pg,
                     "SELECT " VOLUNTEER_COLS " FROM volunteer_shifts WHERE " VOLUNTEER_SCOPE
                     " AND ($3::text = '' OR team = $3::text) AND at >= $4::bigint AND at < "
                     "$5::bigint ORDER BY at, id LIMIT $6::bigint OFFSET $7::bigint",
                     &p, sizeof **out, volunteer_row, (void **)out, n, err,
                     "listing volunteer shifts");
    lnt_pg_give(s, pg);
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
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    volunteer_scope_params(&p, scope);
    lnt_pg_p_i64(&p, first_night);
    lnt_pg_p_i64(&p, last_night);
    rc = lnt_pg_list(pg,
                     "SELECT " VOLUNTEER_COLS " FROM volunteer_shifts WHERE " VOLUNTEER_SCOPE
                     " AND night BETWEEN $3::bigint AND $4::bigint ORDER BY night, "
                     "team COLLATE \"C\"",
                     &p, sizeof *shifts, volunteer_row, (void **)&shifts, &ns, err,
                     "reading volunteer shifts");
    lnt_pg_give(s, pg);
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
            rc = lnt_pg_grow((void **)&arr, &cap, cnt, sizeof *arr, err);
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

static void coverage_row(const PGresult *r, int row, void *elem)
{
    struct lnt_training_coverage *t = elem;

    t->staff_id = lnt_pg_i64(r, row, 0);
    lnt_pg_text(r, row, 1, t->name, sizeof t->name);
    t->role = (enum lnt_role)lnt_pg_i64(r, row, 2);
    t->sia_expires = (int32_t)lnt_pg_i64(r, row, 3);
}

enum lnt_err lnt_store_training_coverage(struct lnt_store *s, int64_t venue_id,
                                         struct lnt_training_coverage **out, size_t *n, char *err)
{
    struct lnt_training_coverage *arr = NULL;
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    size_t cnt = 0, j = 0;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, venue_id);
    /* the staff and their training from one snapshot */
    rc = lnt_pg_exec(pg, SNAPSHOT, NULL, NULL, err, "starting a read");
    if (rc == LNT_OK)
        rc = lnt_pg_list(pg,
                         "SELECT id, name, role, sia_expires FROM staff WHERE venue_id = "
                         "$1::bigint AND left_at = 0 ORDER BY id",
                         &p, sizeof *arr, coverage_row, (void **)&arr, &cnt, err, "listing staff");
    /* newest first within (staff, course): the first row of each pair is the one that counts */
    if (rc == LNT_OK && cnt > 0)
        rc = lnt_pg_exec(pg,
                         "SELECT t.staff_id, t.course, t.expires FROM training t JOIN staff p "
                         "ON p.id = t.staff_id WHERE p.venue_id = $1::bigint AND p.left_at = 0 "
                         "ORDER BY t.staff_id, t.course, t.completed DESC, t.id DESC",
                         &p, &r, err, "reading training");
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    for (int i = 0, rows = r != NULL ? PQntuples(r) : 0; rc == LNT_OK && i < rows; i++) {
        int64_t sid = lnt_pg_i64(r, i, 0);
        int64_t course = lnt_pg_i64(r, i, 1);
        int32_t expires = (int32_t)lnt_pg_i64(r, i, 2);
        while (j < cnt && arr[j].staff_id < sid)
            j++;
        if (j == cnt || arr[j].staff_id != sid || course < 1 || course > LNT_COURSE__MAX ||
            arr[j].expires[course] != 0)
            continue;
        arr[j].expires[course] = expires != 0 ? expires : INT32_MAX;
    }
    PQclear(r);
    if (rc != LNT_OK) {
        free(arr);
        return rc;
    }
    *out = arr;
    *n = cnt;
    return LNT_OK;
}
