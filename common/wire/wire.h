/* wire.h - the JSON wire codec for event batches and their replies (jansson inside). */
#ifndef LNT_WIRE_H
#define LNT_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "event.h"

/*
 * A batch on the wire (docs/api.md):
 *   {"kiosk_id": 3, "events": [ {event}, ... ]}
 * Strict: unknown fields, duplicate keys, wrong types, missing required fields
 * and out-of-range values are LNT_ERR_INVALID with a message naming the event
 * index and field ("event 17: field `occurred_at`: expected RFC 3339 time").
 * Bounded: more than LNT_BATCH_MAX events or a body over LNT_BATCH_BODY_MAX
 * bytes is LNT_ERR_TOO_LARGE.
 */
struct lnt_batch {
    int64_t kiosk_id;
    size_t n;
    struct lnt_event *events; /* owned; lnt_batch_release frees */
};

void lnt_batch_release(struct lnt_batch *b);

/* Parses `len` bytes of JSON into *out (which the caller releases on LNT_OK; untouched on error).
 */
enum lnt_err lnt_wire_batch_decode(const char *json, size_t len, struct lnt_batch *out, char *err);
/*
 * The two decoders behind lnt_wire_batch_decode, apart for the tests that hold
 * them to each other. The fast one reads only plain, well-formed batches (no
 * escapes in strings, integers only) and returns false, deciding nothing and
 * leaving *out untouched, for anything else; the full one reads anything and
 * says what was wrong. Where both accept a text they give the same events.
 */
bool lnt_wire_batch_decode_fast(const char *json, size_t len, struct lnt_batch *out);
enum lnt_err lnt_wire_batch_decode_full(const char *json, size_t len, struct lnt_batch *out,
                                        char *err);
/* Appends the batch's JSON to `out`. */
enum lnt_err lnt_wire_batch_encode(int64_t kiosk_id, const struct lnt_event *ev, size_t n,
                                   struct lnt_buf *out, char *err);

/*
 * One event as canonical JSON (keys sorted, compact), the form the server
 * stores and compares on a duplicate (kiosk_id, seq). Appends to `out`.
 */
enum lnt_err lnt_wire_event_encode(const struct lnt_event *ev, struct lnt_buf *out, char *err);
/* Parses one event object (as produced above). */
enum lnt_err lnt_wire_event_decode(const char *json, size_t len, struct lnt_event *out, char *err);

/* The server's reply to a batch, after commit. */
enum lnt_ingest_status {
    LNT_INGEST_ACCEPTED = 1,  /* stored now */
    LNT_INGEST_DUPLICATE = 2, /* stored before, same content: the kiosk may forget it */
    LNT_INGEST_CONFLICT = 3,  /* stored before with different content: recorded, not merged */
    LNT_INGEST_REJECTED = 4   /* not stored, with a reason */
};

struct lnt_ingest_result {
    int64_t seq;
    enum lnt_ingest_status status;
    char reason[160];
    /* server side, never on the wire: rejected as a save of another venue's incident report */
    bool not_owner;
    /* the server's own note, never on the wire: an accepted sign_in whose badge the server
     * flagged (enum lnt_signin_flag in server/store/store_events.h), 0 when none */
    int badge_flag;
};

/*
 *   {"accepted": [1,2], "duplicates": [3], "conflicts": [{"seq":4,"reason":"..."}],
 *    "rejected": [{"seq":5,"reason":"..."}]}
 */
enum lnt_err lnt_wire_reply_encode(const struct lnt_ingest_result *r, size_t n, struct lnt_buf *out,
                                   char *err);
/*
 * Parses a reply into `out` (capacity `max`), writing the count to *n. A 409
 * problem document (type, title, status, detail, instance) carrying the four
 * lists is read as the same reply.
 */
enum lnt_err lnt_wire_reply_decode(const char *json, size_t len, struct lnt_ingest_result *out,
                                   size_t max, size_t *n, char *err);

#endif
