/* pg_rollup_write.c - the rollup deltas of one ingest transaction on PostgreSQL: merged by key as
 * events are derived, and written at its end with one multi-row upsert per table (arrays
 * unnested, so one statement whatever the number of rows). */
#include "pg_int.h"

#include <stdlib.h>
#include <string.h>

#define LITERAL_MAX (4 * 1024 * 1024) /* bytes of one array parameter */

struct hour_delta {
    int64_t venue_id, hour;
    int type;
    char kind[LNT_SHORT_TEXT];
    int64_t count;
};
struct kind_delta {
    int64_t venue_id;
    int32_t night;
    char kind[LNT_SHORT_TEXT];
    int64_t count;
};

struct lnt_pg_rollups {
    struct hour_delta *hours;
    size_t n_hours, cap_hours;
    struct lnt_pg_night_delta *nights;
    size_t n_nights, cap_nights;
    struct kind_delta *kinds;
    size_t n_kinds, cap_kinds;
};

struct lnt_pg_rollups *lnt_pg_rollups_new(void)
{
    return calloc(1, sizeof(struct lnt_pg_rollups));
}

void lnt_pg_rollups_free(struct lnt_pg_rollups *r)
{
    if (r == NULL)
        return;
    free(r->hours);
    free(r->nights);
    free(r->kinds);
    free(r);
}

void lnt_pg_rollups_reset(struct lnt_pg_rollups *r)
{
    r->n_hours = r->n_nights = r->n_kinds = 0;
}

/* Room for one more element in *arr (n used of *cap, elem bytes each). */
static bool grow(void **arr, size_t *cap, size_t n, size_t elem)
{
    size_t want = *cap == 0 ? 64 : *cap * 2;
    void *p;

    if (n < *cap)
        return true;
    p = realloc(*arr, want * elem);
    if (p == NULL)
        return false;
    *arr = p;
    *cap = want;
    return true;
}

static int64_t hour_of(int64_t t)
{
    return t >= 0 ? t / 3600 : -((-t + 3599) / 3600);
}

enum lnt_err lnt_pg_rollups_hour(struct lnt_pg_rollups *r, int64_t venue_id, int64_t t, int type,
                                 const char *kind, int64_t delta, char *err)
{
    int64_t hour = hour_of(t);
    struct hour_delta *h;

    for (size_t i = r->n_hours; i-- > 0;) {
        h = &r->hours[i];
        if (h->venue_id == venue_id && h->hour == hour && h->type == type &&
            strcmp(h->kind, kind) == 0) {
            h->count += delta;
            return LNT_OK;
        }
    }
    if (!grow((void **)&r->hours, &r->cap_hours, r->n_hours, sizeof *r->hours))
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory counting events");
    h = &r->hours[r->n_hours++];
    h->venue_id = venue_id;
    h->hour = hour;
    h->type = type;
    (void)lnt_str_copy(h->kind, sizeof h->kind, kind);
    h->count = delta;
    return LNT_OK;
}

struct lnt_pg_night_delta *lnt_pg_rollups_night(struct lnt_pg_rollups *r, int64_t venue_id,
                                                int32_t night, char *err)
{
    struct lnt_pg_night_delta *nd;

    for (size_t i = r->n_nights; i-- > 0;)
        if (r->nights[i].venue_id == venue_id && r->nights[i].night == night)
            return &r->nights[i];
    if (!grow((void **)&r->nights, &r->cap_nights, r->n_nights, sizeof *r->nights)) {
        (void)lnt_fail(err, LNT_ERR_NOMEM, "out of memory counting events");
        return NULL;
    }
    nd = &r->nights[r->n_nights++];
    memset(nd, 0, sizeof *nd);
    nd->venue_id = venue_id;
    nd->night = night;
    return nd;
}

enum lnt_err lnt_pg_rollups_kind(struct lnt_pg_rollups *r, int64_t venue_id, int32_t night,
                                 const char *kind, int64_t delta, char *err)
{
    struct kind_delta *k;

    for (size_t i = r->n_kinds; i-- > 0;) {
        k = &r->kinds[i];
        if (k->venue_id == venue_id && k->night == night && strcmp(k->kind, kind) == 0) {
            k->count += delta;
            return LNT_OK;
        }
    }
    if (!grow((void **)&r->kinds, &r->cap_kinds, r->n_kinds, sizeof *r->kinds))
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory counting incidents");
    k = &r->kinds[r->n_kinds++];
    k->venue_id = venue_id;
    k->night = night;
    (void)lnt_str_copy(k->kind, sizeof k->kind, kind);
    k->count = delta;
    return LNT_OK;
}

/* ---- writing them ---- */

static int cmp_i64(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}

static int cmp_hour(const void *a, const void *b)
{
    const struct hour_delta *x = a, *y = b;
    int c = cmp_i64(x->venue_id, y->venue_id);

    if (c == 0)
        c = cmp_i64(x->hour, y->hour);
    if (c == 0)
        c = cmp_i64(x->type, y->type);
    return c != 0 ? c : strcmp(x->kind, y->kind);
}

static int cmp_night(const void *a, const void *b)
{
    const struct lnt_pg_night_delta *x = a, *y = b;
    int c = cmp_i64(x->venue_id, y->venue_id);

    return c != 0 ? c : cmp_i64(x->night, y->night);
}

static int cmp_kind(const void *a, const void *b)
{
    const struct kind_delta *x = a, *y = b;
    int c = cmp_i64(x->venue_id, y->venue_id);

    if (c == 0)
        c = cmp_i64(x->night, y->night);
    return c != 0 ? c : strcmp(x->kind, y->kind);
}

/* Array literals, one per column: "{1,2,3}", "{\"a\",\"b\"}". */
struct cols {
    struct lnt_buf b[LNT_PG_NC__N + 3];
    size_t n;
    enum lnt_err rc;
};

static void cols_init(struct cols *c, size_t n)
{
    c->n = n;
    c->rc = LNT_OK;
    for (size_t i = 0; i < n; i++) {
        lnt_buf_init(&c->b[i], LITERAL_MAX);
        if (c->rc == LNT_OK)
            c->rc = lnt_buf_puts(&c->b[i], "{");
    }
}

static void sep(struct cols *c, size_t col)
{
    if (c->rc == LNT_OK && c->b[col].len > 1)
        c->rc = lnt_buf_puts(&c->b[col], ",");
}

static void put_i64(struct cols *c, size_t col, int64_t v)
{
    sep(c, col);
    if (c->rc == LNT_OK)
        c->rc = lnt_buf_printf(&c->b[col], "%" PRId64, v);
}

static void put_null(struct cols *c, size_t col)
{
    sep(c, col);
    if (c->rc == LNT_OK)
        c->rc = lnt_buf_puts(&c->b[col], "NULL");
}

static void put_text(struct cols *c, size_t col, const char *s)
{
    sep(c, col);
    if (c->rc == LNT_OK)
        c->rc = lnt_buf_puts(&c->b[col], "\"");
    for (; c->rc == LNT_OK && *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            c->rc = lnt_buf_puts(&c->b[col], "\\");
        if (c->rc == LNT_OK)
            c->rc = lnt_buf_append(&c->b[col], s, 1);
    }
    if (c->rc == LNT_OK)
        c->rc = lnt_buf_puts(&c->b[col], "\"");
}

/* Closes the literals and runs `sql` with them as $1..$n: on pg, or queued on pipe when given
 * (libpq copies the parameters as it queues them). */
static enum lnt_err cols_run(struct cols *c, PGconn *pg, struct lnt_pg_pipe *pipe, const char *sql,
                             char *err, const char *what)
{
    struct lnt_pg_params *p = NULL;
    enum lnt_err rc;

    for (size_t i = 0; i < c->n && c->rc == LNT_OK; i++)
        c->rc = lnt_buf_append(&c->b[i], "}", 2); /* with its terminator */
    rc = c->rc != LNT_OK ? lnt_fail(err, LNT_ERR_NOMEM, "%s: out of memory", what) : LNT_OK;
    if (rc == LNT_OK && (p = malloc(sizeof *p)) == NULL)
        rc = lnt_fail(err, LNT_ERR_NOMEM, "%s: out of memory", what);
    if (rc == LNT_OK) {
        lnt_pg_p_init(p);
        for (size_t i = 0; i < c->n; i++)
            lnt_pg_p_text(p, c->b[i].data);
        rc = pipe != NULL ? lnt_pg_pipe_send(pipe, sql, p, NULL, NULL, 0)
                          : lnt_pg_exec(pg, sql, p, NULL, err, what);
    }
    free(p);
    for (size_t i = 0; i < c->n; i++)
        lnt_buf_release(&c->b[i]);
    return rc;
}

static enum lnt_err flush_hours(struct lnt_pg_rollups *r, PGconn *pg, struct lnt_pg_pipe *pipe,
                                char *err)
{
    struct cols c;
    size_t rows = 0;

    if (r->n_hours == 0)
        return LNT_OK;
    qsort(r->hours, r->n_hours, sizeof *r->hours, cmp_hour);
    cols_init(&c, 5);
    for (size_t i = 0; i < r->n_hours; i++) {
        const struct hour_delta *h = &r->hours[i];
        if (h->count == 0)
            continue;
        put_i64(&c, 0, h->venue_id);
        put_i64(&c, 1, h->hour);
        put_i64(&c, 2, h->type);
        put_text(&c, 3, h->kind);
        put_i64(&c, 4, h->count);
        rows++;
    }
    if (rows == 0) {
        for (size_t i = 0; i < c.n; i++)
            lnt_buf_release(&c.b[i]);
        return LNT_OK;
    }
    return cols_run(&c, pg, pipe,
                    "INSERT INTO rollup_hour (venue_id, hour, type, kind, count) SELECT * FROM "
                    "unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[]) "
                    "ON CONFLICT (venue_id, hour, type, kind) "
                    "DO UPDATE SET count = rollup_hour.count + excluded.count",
                    err, "updating the hourly rollup");
}

static enum lnt_err flush_nights(struct lnt_pg_rollups *r, PGconn *pg, struct lnt_pg_pipe *pipe,
                                 char *err)
{
    struct cols c;

    if (r->n_nights == 0)
        return LNT_OK;
    qsort(r->nights, r->n_nights, sizeof *r->nights, cmp_night);
    cols_init(&c, LNT_PG_NC__N + 3);
    for (size_t i = 0; i < r->n_nights; i++) {
        const struct lnt_pg_night_delta *nd = &r->nights[i];
        put_i64(&c, 0, nd->venue_id);
        put_i64(&c, 1, nd->night);
        for (int k = 0; k < LNT_PG_NC__N; k++)
            put_i64(&c, 2 + (size_t)k, nd->d[k]);
        if (nd->has_cup)
            put_i64(&c, 2 + LNT_PG_NC__N, nd->cup);
        else
            put_null(&c, 2 + LNT_PG_NC__N);
    }
    return cols_run(
        &c, pg, pipe,
        "INSERT INTO rollup_night AS r (venue_id, night, contacts, sign_ins, door_shifts, "
        "door_sia_ok, door_vuln_trained, angela_on_shift, staff_shifts, staff_bystander, "
        "open_shifts, incidents, incidents_within_hour, spiking, spiking_complete, angela, "
        "refused, stock_events, cup_level) SELECT * FROM unnest($1::bigint[], $2::bigint[], "
        "$3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], "
        "$9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], "
        "$15::bigint[], $16::bigint[], $17::bigint[], $18::bigint[], $19::bigint[]) "
        "ON CONFLICT (venue_id, night) DO UPDATE "
        "SET contacts = r.contacts + excluded.contacts, sign_ins = r.sign_ins + excluded.sign_ins, "
        "door_shifts = r.door_shifts + excluded.door_shifts, "
        "door_sia_ok = r.door_sia_ok + excluded.door_sia_ok, "
        "door_vuln_trained = r.door_vuln_trained + excluded.door_vuln_trained, "
        "angela_on_shift = r.angela_on_shift + excluded.angela_on_shift, "
        "staff_shifts = r.staff_shifts + excluded.staff_shifts, "
        "staff_bystander = r.staff_bystander + excluded.staff_bystander, "
        "open_shifts = r.open_shifts + excluded.open_shifts, "
        "incidents = r.incidents + excluded.incidents, "
        "incidents_within_hour = r.incidents_within_hour + excluded.incidents_within_hour, "
        "spiking = r.spiking + excluded.spiking, "
        "spiking_complete = r.spiking_complete + excluded.spiking_complete, "
        "angela = r.angela + excluded.angela, refused = r.refused + excluded.refused, "
        "stock_events = r.stock_events + excluded.stock_events, "
        "cup_level = coalesce(excluded.cup_level, r.cup_level)",
        err, "updating the nightly rollup");
}

static enum lnt_err flush_kinds(struct lnt_pg_rollups *r, PGconn *pg, struct lnt_pg_pipe *pipe,
                                char *err)
{
    struct cols c;
    size_t rows = 0;

    if (r->n_kinds == 0)
        return LNT_OK;
    qsort(r->kinds, r->n_kinds, sizeof *r->kinds, cmp_kind);
    cols_init(&c, 4);
    for (size_t i = 0; i < r->n_kinds; i++) {
        const struct kind_delta *k = &r->kinds[i];
        if (k->count == 0)
            continue;
        put_i64(&c, 0, k->venue_id);
        put_i64(&c, 1, k->night);
        put_text(&c, 2, k->kind);
        put_i64(&c, 3, k->count);
        rows++;
    }
    if (rows == 0) {
        for (size_t i = 0; i < c.n; i++)
            lnt_buf_release(&c.b[i]);
        return LNT_OK;
    }
    return cols_run(&c, pg, pipe,
                    "INSERT INTO rollup_night_kind (venue_id, night, kind, count) SELECT * FROM "
                    "unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[]) "
                    "ON CONFLICT (venue_id, night, kind) "
                    "DO UPDATE SET count = rollup_night_kind.count + excluded.count",
                    err, "updating the incident-kind rollup");
}

/* Tells every server on the database, when the transaction commits, whose scores these rollups
 * change: each venue with an hour counted (every accepted event counts in its hour), once. The
 * hours are in venue order (flush_hours sorted them). */
static enum lnt_err flush_changed(struct lnt_pg_rollups *r, PGconn *pg, struct lnt_pg_pipe *pipe,
                                  char *err)
{
    struct cols c;

    if (r->n_hours == 0)
        return LNT_OK;
    cols_init(&c, 1);
    for (size_t i = 0; i < r->n_hours; i++)
        if (i == 0 || r->hours[i].venue_id != r->hours[i - 1].venue_id)
            put_i64(&c, 0, r->hours[i].venue_id);
    return cols_run(&c, pg, pipe,
                    "SELECT pg_notify('" LNT_PG_CHANNEL "', v::text) FROM unnest($1::bigint[]) v",
                    err, "telling the other servers of the changes");
}

static enum lnt_err flush(struct lnt_pg_rollups *r, PGconn *pg, struct lnt_pg_pipe *pipe, char *err)
{
    enum lnt_err rc = flush_hours(r, pg, pipe, err);

    if (rc == LNT_OK)
        rc = flush_changed(r, pg, pipe, err);
    if (rc == LNT_OK)
        rc = flush_nights(r, pg, pipe, err);
    if (rc == LNT_OK)
        rc = flush_kinds(r, pg, pipe, err);
    lnt_pg_rollups_reset(r);
    return rc;
}

enum lnt_err lnt_pg_rollups_flush(struct lnt_pg_rollups *r, PGconn *pg, char *err)
{
    return flush(r, pg, NULL, err);
}

enum lnt_err lnt_pg_rollups_queue(struct lnt_pg_rollups *r, struct lnt_pg_pipe *p)
{
    enum lnt_err rc = flush(r, p->pg, p, p->err);

    if (rc != LNT_OK && p->rc == LNT_OK)
        p->rc = rc;
    return p->rc;
}
