/* sq_batch.c - the rollup deltas of one ingest batch: merged by key as events are derived, and
 * written with one upsert per key when the batch is flushed. */
#include "sq_int.h"

#include <stdlib.h>
#include <string.h>

#define HOUR_SLOTS 256
#define NIGHT_SLOTS 128
#define KIND_SLOTS 128

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

/*
 * Rollup changes of one batch, merged by key and written with one upsert per
 * key at the end: a batch of 100 events from one kiosk touches a handful of rows.
 */
struct lnt_sq_batch {
    struct hour_delta hours[HOUR_SLOTS];
    size_t n_hours;
    struct lnt_sq_night_delta nights[NIGHT_SLOTS];
    size_t n_nights;
    struct kind_delta kinds[KIND_SLOTS];
    size_t n_kinds;
};

enum lnt_err lnt_sq_batch_new(struct lnt_store *s, char *err)
{
    s->batch = calloc(1, sizeof *s->batch);
    return s->batch != NULL ? LNT_OK
                            : lnt_fail(err, LNT_ERR_NOMEM, "out of memory opening the store");
}

void lnt_sq_batch_free(struct lnt_store *s)
{
    free(s->batch);
    s->batch = NULL;
}

void lnt_sq_batch_reset(struct lnt_store *s)
{
    struct lnt_sq_batch *b = s->batch;

    b->n_hours = b->n_nights = b->n_kinds = 0;
}

enum lnt_err lnt_sq_batch_flush(struct lnt_store *s, char *err)
{
    struct lnt_sq_batch *b = s->batch;
    sqlite3_stmt *st;
    enum lnt_err rc = LNT_OK;

    for (size_t i = 0; rc == LNT_OK && i < b->n_hours; i++) {
        const struct hour_delta *h = &b->hours[i];
        if (h->count == 0)
            continue;
        st = lnt_sq_stmt(&s->w,
                         "INSERT INTO rollup_hour (venue_id, hour, type, kind, count) "
                         "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (venue_id, hour, type, kind) "
                         "DO UPDATE SET count = count + excluded.count",
                         err);
        if (st == NULL)
            return LNT_ERR_DB;
        sqlite3_bind_int64(st, 1, h->venue_id);
        sqlite3_bind_int64(st, 2, h->hour);
        sqlite3_bind_int(st, 3, h->type);
        sqlite3_bind_text(st, 4, h->kind, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, h->count);
        rc = lnt_sq_done(s->w.db, st, err, "updating the hourly rollup");
    }
    for (size_t i = 0; rc == LNT_OK && i < b->n_nights; i++) {
        const struct lnt_sq_night_delta *nd = &b->nights[i];
        st = lnt_sq_stmt(
            &s->w,
            "INSERT INTO rollup_night (venue_id, night, contacts, sign_ins, door_shifts, "
            "door_sia_ok, door_vuln_trained, angela_on_shift, staff_shifts, staff_bystander, "
            "open_shifts, incidents, incidents_within_hour, spiking, spiking_complete, angela, "
            "refused, stock_events, cup_level) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
            "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19) ON CONFLICT (venue_id, night) DO UPDATE "
            "SET contacts = contacts + excluded.contacts, sign_ins = sign_ins + excluded.sign_ins, "
            "door_shifts = door_shifts + excluded.door_shifts, "
            "door_sia_ok = door_sia_ok + excluded.door_sia_ok, "
            "door_vuln_trained = door_vuln_trained + excluded.door_vuln_trained, "
            "angela_on_shift = angela_on_shift + excluded.angela_on_shift, "
            "staff_shifts = staff_shifts + excluded.staff_shifts, "
            "staff_bystander = staff_bystander + excluded.staff_bystander, "
            "open_shifts = open_shifts + excluded.open_shifts, "
            "incidents = incidents + excluded.incidents, "
            "incidents_within_hour = incidents_within_hour + excluded.incidents_within_hour, "
            "spiking = spiking + excluded.spiking, "
            "spiking_complete = spiking_complete + excluded.spiking_complete, "
            "angela = angela + excluded.angela, refused = refused + excluded.refused, "
            "stock_events = stock_events + excluded.stock_events, "
            "cup_level = coalesce(excluded.cup_level, cup_level)",
            err);
        if (st == NULL)
            return LNT_ERR_DB;
        sqlite3_bind_int64(st, 1, nd->venue_id);
        sqlite3_bind_int(st, 2, nd->night);
        for (int c = 0; c < NC__N; c++)
            sqlite3_bind_int(st, 3 + c, nd->d[c]);
        if (nd->has_cup)
            sqlite3_bind_int(st, 3 + NC__N, nd->cup);
        else
            sqlite3_bind_null(st, 3 + NC__N);
        rc = lnt_sq_done(s->w.db, st, err, "updating the nightly rollup");
    }
    for (size_t i = 0; rc == LNT_OK && i < b->n_kinds; i++) {
        const struct kind_delta *k = &b->kinds[i];
        if (k->count == 0)
            continue;
        st = lnt_sq_stmt(&s->w,
                         "INSERT INTO rollup_night_kind (venue_id, night, kind, count) "
                         "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (venue_id, night, kind) "
                         "DO UPDATE SET count = count + excluded.count",
                         err);
        if (st == NULL)
            return LNT_ERR_DB;
        sqlite3_bind_int64(st, 1, k->venue_id);
        sqlite3_bind_int(st, 2, k->night);
        sqlite3_bind_text(st, 3, k->kind, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, k->count);
        rc = lnt_sq_done(s->w.db, st, err, "updating the incident-kind rollup");
    }
    lnt_sq_batch_reset(s);
    return rc;
}

static int64_t hour_of(int64_t t)
{
    return t >= 0 ? t / 3600 : -((-t + 3599) / 3600);
}

enum lnt_err lnt_sq_batch_add_hour(struct lnt_store *s, int64_t venue_id, int64_t t, int type,
                                   const char *kind, int64_t delta, char *err)
{
    struct lnt_sq_batch *b = s->batch;
    int64_t hour = hour_of(t);
    enum lnt_err rc;

    for (size_t i = 0; i < b->n_hours; i++) {
        struct hour_delta *h = &b->hours[i];
        if (h->venue_id == venue_id && h->hour == hour && h->type == type &&
            strcmp(h->kind, kind) == 0) {
            h->count += delta;
            return LNT_OK;
        }
    }
    if (b->n_hours == HOUR_SLOTS && (rc = lnt_sq_batch_flush(s, err)) != LNT_OK)
        return rc;
    struct hour_delta *h = &b->hours[b->n_hours++];
    h->venue_id = venue_id;
    h->hour = hour;
    h->type = type;
    (void)lnt_str_copy(h->kind, sizeof h->kind, kind);
    h->count = delta;
    return LNT_OK;
}

struct lnt_sq_night_delta *lnt_sq_batch_night(struct lnt_store *s, int64_t venue_id, int32_t night,
                                              char *err)
{
    struct lnt_sq_batch *b = s->batch;
    struct lnt_sq_night_delta *nd;

    for (size_t i = 0; i < b->n_nights; i++)
        if (b->nights[i].venue_id == venue_id && b->nights[i].night == night)
            return &b->nights[i];
    if (b->n_nights == NIGHT_SLOTS && lnt_sq_batch_flush(s, err) != LNT_OK)
        return NULL;
    nd = &b->nights[b->n_nights++];
    memset(nd, 0, sizeof *nd);
    nd->venue_id = venue_id;
    nd->night = night;
    return nd;
}

enum lnt_err lnt_sq_batch_add_kind(struct lnt_store *s, int64_t venue_id, int32_t night,
                                   const char *kind, int64_t delta, char *err)
{
    struct lnt_sq_batch *b = s->batch;
    enum lnt_err rc;

    for (size_t i = 0; i < b->n_kinds; i++) {
        struct kind_delta *k = &b->kinds[i];
        if (k->venue_id == venue_id && k->night == night && strcmp(k->kind, kind) == 0) {
            k->count += delta;
            return LNT_OK;
        }
    }
    if (b->n_kinds == KIND_SLOTS && (rc = lnt_sq_batch_flush(s, err)) != LNT_OK)
        return rc;
    struct kind_delta *k = &b->kinds[b->n_kinds++];
    k->venue_id = venue_id;
    k->night = night;
    (void)lnt_str_copy(k->kind, sizeof k->kind, kind);
    k->count = delta;
    return LNT_OK;
}
