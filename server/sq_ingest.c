/* sq_ingest.c - the store on SQLite: event batches, stored once each, in one transaction with what
 * they derive. */
#include "sq_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

#define CONFLICT_REASON "stored before with different content"

/* ---- the batch ---- */

/* The staff id an event names, or NULL. */
static const char *event_staff(const struct lnt_event *e)
{
    const char *id = NULL;

    switch (e->type) {
    case LNT_EV_SIGN_IN:
    case LNT_EV_SIGN_OUT:
        id = e->u.badge.staff_id;
        break;
    case LNT_EV_INCIDENT:
        id = e->u.incident.staff_id;
        break;
    case LNT_EV_STOCK:
        id = e->u.stock.staff_id;
        break;
    case LNT_EV_SHIFT_START:
    case LNT_EV_SHIFT_END:
        id = e->u.shift.staff_id;
        break;
    default:
        break;
    }
    return id != NULL && id[0] != '\0' ? id : NULL;
}

/*
 * The canonical JSON of a batch's events, made before the write lock is
 * taken: encoding is most of an event's CPU time outside SQLite and needs no
 * database, so concurrent batches encode side by side and only the database
 * work is serialised.
 */
struct encoded {
    struct lnt_buf text;       /* every body, one after the other */
    size_t end[LNT_BATCH_MAX]; /* body i is text[end[i-1] .. end[i]) */
};

/*
 * Fills `enc` for ev[0..n). On error err names the event ("event 3: seq 4:
 * ...") and `enc` holds the bodies before it; the caller releases enc->text
 * either way.
 */
static enum lnt_err encode_batch(const struct lnt_event *ev, size_t n, struct encoded *enc,
                                 char *err)
{
    /* an event encodes to at most LNT_BATCH_BODY_MAX bytes, so this bound is never the limit */
    lnt_buf_init(&enc->text, (size_t)LNT_BATCH_MAX * LNT_BATCH_BODY_MAX);
    for (size_t i = 0; i < n; i++) {
        enum lnt_err rc;

        if (ev[i].seq < 1)
            return lnt_fail(err, LNT_ERR_INVALID, "event %zu: seq %" PRId64 ": must be at least 1",
                            i, ev[i].seq);
        rc = lnt_wire_event_encode(&ev[i], &enc->text, err);
        if (rc != LNT_OK)
            return lnt_fail_prefix(err, rc, "event %zu: seq %" PRId64 ": ", i, ev[i].seq);
        enc->end[i] = enc->text.len;
    }
    return LNT_OK;
}

/* Stores one event (its canonical JSON already made) inside the open transaction and says what
 * became of it. */
static enum lnt_err insert_one(struct lnt_store *s, const struct lnt_sq_origin *o, int64_t now,
                               const struct lnt_event *e, const char *body, size_t body_len,
                               struct lnt_ingest_result *res, char *err)
{
    const char *staff = event_staff(e);
    sqlite3_stmt *st;
    enum lnt_err rc;
    bool same;
    int r;

    memset(res, 0, sizeof *res);
    res->seq = e->seq;
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO events (kiosk_id, seq, uuid, type, venue_id, staff_id, "
                     "occurred_at, received_at, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                     "ON CONFLICT (kiosk_id, seq) DO NOTHING",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, o->kiosk_id);
    sqlite3_bind_int64(st, 2, e->seq);
    sqlite3_bind_text(st, 3, e->uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, (int)e->type);
    sqlite3_bind_int64(st, 5, o->venue_id);
    if (staff != NULL)
        sqlite3_bind_text(st, 6, staff, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 6);
    sqlite3_bind_int64(st, 7, e->occurred_at);
    sqlite3_bind_int64(st, 8, now);
    sqlite3_bind_text(st, 9, body, (int)body_len, SQLITE_STATIC);
    rc = lnt_sq_done(s->w.db, st, err, "storing an event");
    if (rc != LNT_OK)
        return lnt_fail_prefix(err, rc, "seq %" PRId64 ": ", e->seq);
    if (sqlite3_changes(s->w.db) == 1) {
        res->status = LNT_INGEST_ACCEPTED;
        return LNT_OK;
    }

    /* stored before: the same canonical JSON is a duplicate, anything else a conflict */
    st = lnt_sq_stmt(&s->w, "SELECT body FROM events WHERE kiosk_id = ?1 AND seq = ?2", err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, o->kiosk_id);
    sqlite3_bind_int64(st, 2, e->seq);
    r = sqlite3_step(st);
    if (r != SQLITE_ROW) {
        sqlite3_reset(st);
        return r == SQLITE_DONE ? lnt_fail(err, LNT_ERR_INTERNAL,
                                           "seq %" PRId64 ": neither stored nor found", e->seq)
                                : lnt_sq_fail(s->w.db, err, "comparing an event");
    }
    same = (size_t)sqlite3_column_bytes(st, 0) == body_len &&
           memcmp(sqlite3_column_blob(st, 0), body, body_len) == 0;
    sqlite3_reset(st);
    if (same) {
        res->status = LNT_INGEST_DUPLICATE;
        return LNT_OK;
    }
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO event_conflicts (kiosk_id, seq, received_at, body) "
                     "VALUES (?1, ?2, ?3, ?4)",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, o->kiosk_id);
    sqlite3_bind_int64(st, 2, e->seq);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_text(st, 4, body, (int)body_len, SQLITE_STATIC);
    rc = lnt_sq_done(s->w.db, st, err, "recording a conflict");
    if (rc != LNT_OK)
        return rc;
    res->status = LNT_INGEST_CONFLICT;
    (void)lnt_str_copy(res->reason, sizeof res->reason, CONFLICT_REASON);
    return lnt_sq_flag(s, LNT_FLAG_CONFLICT, o, 0, NULL, NULL, e->occurred_at, e->seq, 0, err);
}

/* The kiosk's venue and last_seq; refuses unknown and revoked kiosks. */
static enum lnt_err kiosk_for_ingest(struct lnt_store *s, int64_t kiosk_id, int64_t *venue_id,
                                     int64_t *last_seq, char *err)
{
    sqlite3_stmt *st =
        lnt_sq_stmt(&s->w, "SELECT venue_id, revoked, last_seq FROM kiosks WHERE id = ?1", err);
    enum lnt_err rc = LNT_OK;
    int r;

    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, kiosk_id);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        *venue_id = sqlite3_column_int64(st, 0);
        *last_seq = sqlite3_column_int64(st, 2);
        if (sqlite3_column_int(st, 1) != 0)
            rc = lnt_fail(err, LNT_ERR_FORBIDDEN, "kiosk %" PRId64 " is revoked", kiosk_id);
    } else {
        rc = r == SQLITE_DONE
                 ? lnt_fail(err, LNT_ERR_NOT_FOUND, "kiosk %" PRId64 " not found", kiosk_id)
                 : lnt_sq_fail(s->w.db, err, "reading the kiosk");
    }
    sqlite3_reset(st);
    return rc;
}

enum lnt_err lnt_store_events_insert(struct lnt_store *s, int64_t kiosk_id, int64_t now,
                                     const struct lnt_event *ev, size_t n,
                                     struct lnt_ingest_result *results, char *err)
{
    struct lnt_sq_origin o = {.kiosk_id = kiosk_id};
    int64_t last = 0, gaps = 0, backwards = 0, max_seq = 0;
    struct encoded *enc;
    enum lnt_err rc, rc_enc;
    sqlite3_stmt *st;

    if (n > LNT_BATCH_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "batch of %zu events, at most %d allowed", n,
                        LNT_BATCH_MAX);
    enc = malloc(sizeof *enc);
    if (enc == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory storing a batch");
    rc_enc = encode_batch(ev, n, enc, err);
    lnt_sq_wlock(s);
    lnt_sq_batch_reset(s);
    rc = lnt_sq_begin(s, err);
    if (rc == LNT_OK)
        rc = kiosk_for_ingest(s, kiosk_id, &o.venue_id, &last, err);
    /* an unknown or revoked kiosk is the first thing to say; then a bad event (err holds it) */
    if (rc == LNT_OK)
        rc = rc_enc;
    if (rc != LNT_OK)
        goto out;

    for (size_t i = 0; i < n && rc == LNT_OK; i++) {
        const struct lnt_event *e = &ev[i];
        size_t start = i == 0 ? 0 : enc->end[i - 1];
        rc = insert_one(s, &o, now, e, enc->text.data + start, enc->end[i] - start, &results[i],
                        err);
        if (rc != LNT_OK) {
            rc = lnt_fail_prefix(err, rc, "event %zu: ", i);
            break;
        }
        if (results[i].status != LNT_INGEST_ACCEPTED)
            continue;
        if (e->seq > last + 1) {
            gaps++;
            rc = lnt_sq_flag(s, LNT_FLAG_SEQ_GAP, &o, 0, NULL, NULL, e->occurred_at, e->seq, last,
                             err);
        } else if (e->seq < last) {
            backwards++;
            rc = lnt_sq_flag(s, LNT_FLAG_SEQ_BACKWARDS, &o, 0, NULL, NULL, e->occurred_at, e->seq,
                             last, err);
        }
        if (e->seq > last)
            last = e->seq;
        if (e->seq > max_seq)
            max_seq = e->seq;
        if (rc == LNT_OK)
            rc = lnt_sq_derive(s, &o, e, err);
        if (rc != LNT_OK)
            rc = lnt_fail_prefix(err, rc, "event %zu: ", i);
    }
    if (rc == LNT_OK)
        rc = lnt_sq_batch_flush(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "UPDATE kiosks SET last_seen = ?2, last_seq = max(last_seq, ?3), "
                     "seq_gaps = seq_gaps + ?4, seq_backwards = seq_backwards + ?5, "
                     "last_anomaly_at = CASE WHEN ?4 + ?5 > 0 THEN ?2 ELSE last_anomaly_at END "
                     "WHERE id = ?1",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, kiosk_id);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, max_seq);
    sqlite3_bind_int64(st, 4, gaps);
    sqlite3_bind_int64(st, 5, backwards);
    rc = lnt_sq_done(s->w.db, st, err, "updating the kiosk");
    if (rc == LNT_OK)
        rc = lnt_sq_commit(s, err);
out:
    if (rc != LNT_OK) {
        lnt_sq_rollback(s);
        lnt_sq_batch_reset(s);
    }
    lnt_sq_wunlock(s);
    lnt_buf_release(&enc->text);
    free(enc);
    return rc;
}

enum lnt_err lnt_sq_replay_events(struct lnt_store *s, char *err)
{
    sqlite3_stmt *st = NULL;
    struct lnt_event *e;
    enum lnt_err rc;
    int r = SQLITE_DONE;

    e = malloc(sizeof *e);
    if (e == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory replaying events");
    lnt_sq_batch_reset(s);
    rc = lnt_sq_prepare(s->w.db, "SELECT id, kiosk_id, venue_id, body FROM events ORDER BY id", &st,
                        err);
    while (rc == LNT_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        struct lnt_sq_origin o = {.kiosk_id = sqlite3_column_int64(st, 1),
                                  .venue_id = sqlite3_column_int64(st, 2)};
        const char *body = (const char *)sqlite3_column_text(st, 3);
        rc = lnt_wire_event_decode(body != NULL ? body : "", (size_t)sqlite3_column_bytes(st, 3), e,
                                   err);
        if (rc != LNT_OK) {
            rc = lnt_fail_prefix(err, LNT_ERR_DB, "stored event %" PRId64 " does not decode: ",
                                 (int64_t)sqlite3_column_int64(st, 0));
            break;
        }
        rc = lnt_sq_derive(s, &o, e, err);
    }
    if (rc == LNT_OK && r != SQLITE_DONE)
        rc = lnt_sq_fail(s->w.db, err, "replaying events");
    if (rc == LNT_OK)
        rc = lnt_sq_batch_flush(s, err);
    lnt_sq_batch_reset(s);
    sqlite3_finalize(st);
    free(e);
    return rc;
}
