/* outbox.h - the kiosk's durable store (SQLite inside): identity, unsent events, set-aside events,
 * who is on shift. */
#ifndef LNT_OUTBOX_H
#define LNT_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badge.h"
#include "bounds.h"
#include "err.h"
#include "event.h"
#include "flows.h"
#include "wire.h"

/*
 * One database file, DATA_DIR/kiosk.db, in WAL mode with synchronous=FULL:
 * when a write function returns LNT_OK its transaction is on disk and
 * survives a power cut. The file holds the kiosk's secret key, so it is
 * created readable by its owner only.
 */
#define LNT_OUTBOX_FILE "kiosk.db"
/*
 * What can grow on the card is bounded: the WAL is checkpointed every LNT_OUTBOX_WAL_PAGES pages
 * and cut back to LNT_OUTBOX_WAL_MAX bytes after each checkpoint; events the server has are
 * deleted when it says so, and their space is reused. A new file has LNT_OUTBOX_PAGE_SIZE pages.
 */
#define LNT_OUTBOX_PAGE_SIZE 1024
#define LNT_OUTBOX_WAL_PAGES 512
#define LNT_OUTBOX_WAL_MAX 1048576
#define LNT_URL_MAX 512
#define LNT_TRUST_MAX 16     /* scheme signing keys a kiosk trusts at once */
#define LNT_REVOKED_MAX 4096 /* revoked badge serials a kiosk keeps */
#define LNT_BOX_PK_LEN 32

/*
 * Who this kiosk is and what it trusts. kiosk_id 0 means not enrolled yet.
 * The key pair is made on first open and never leaves the kiosk (only `pk`
 * is sent, at enrolment). The struct is large (about 34 KiB): keep it off
 * small stacks.
 */
struct lnt_identity {
    int64_t kiosk_id;
    uint8_t pk[LNT_SIGN_PK_LEN];
    uint8_t sk[LNT_SIGN_SK_LEN];
    char server_url[LNT_URL_MAX];
    char scheme[LNT_SCHEME_NAME_MAX + 1];
    int64_t venue_id;
    char venue_name[LNT_VENUE_NAME_MAX + 1]; /* whole: the server refuses longer names */
    size_t n_keys;
    struct lnt_trusted_key keys[LNT_TRUST_MAX];
    size_t n_revoked;
    uint8_t revoked[LNT_REVOKED_MAX][LNT_SERIAL_LEN];
    uint8_t box_pk[LNT_BOX_PK_LEN]; /* server's X25519 key for sealing incident details */
    int64_t server_time;            /* last time the server told us; the kiosk's clock floor */
    /* the scheme's door rules from the last sync (kept like the trust list) */
    struct lnt_required_training required;
    size_t n_sia_listed;
    struct lnt_sia_listed sia_listed[LNT_SIA_LISTED_MAX];
};

/* A trust view borrowing from `id` (valid while `id` lives and is unchanged). */
void lnt_outbox_identity_trust(const struct lnt_identity *id, struct lnt_trust *out);

struct lnt_outbox;

/*
 * Opens (creating when missing) DATA_DIR/kiosk.db, applies the schema, and
 * on first open makes the kiosk's Ed25519 key pair. `dir` must exist.
 * On error *out is left NULL and nothing is held.
 */
enum lnt_err lnt_outbox_open(const char *dir, struct lnt_outbox **out, char *err);
/* Closes the database. NULL is a no-op. */
void lnt_outbox_free(struct lnt_outbox *ob);

/* Reads the identity into *out (all of it). On error *out is zeroed. */
enum lnt_err lnt_outbox_identity_get(struct lnt_outbox *ob, struct lnt_identity *out, char *err);
/*
 * Replaces the stored identity (key pair, server, scheme, venue, trust keys,
 * revoked serials, box key, server time) in one transaction. The sequence
 * counter is not touched. On error nothing changed.
 */
enum lnt_err lnt_outbox_identity_set(struct lnt_outbox *ob, const struct lnt_identity *id,
                                     char *err);

/*
 * Saves `ev` as the next event: assigns ev->seq (from a counter that is
 * never reused, even after rows are deleted) and ev->uuid, sets
 * ev->recorded_at to now when it is 0, and stores the canonical JSON. For
 * sign_in / sign_out the on-shift table is updated in the same transaction.
 * Returns only after the commit is durable. On error nothing was saved and
 * ev->seq is 0.
 */
enum lnt_err lnt_outbox_append(struct lnt_outbox *ob, struct lnt_event *ev, char *err);

/*
 * As lnt_outbox_append, and in the same transaction keeps the kiosk's view:
 * an incident saved open (complete = false) is kept in the open reports with
 * `answered` (the questions answered so far) and `cond` (lnt_form_cond_pack);
 * one saved complete leaves them. Stock events move the believed stock level;
 * shift_start / shift_end put a volunteer on or off shift.
 */
enum lnt_err lnt_outbox_append_report(struct lnt_outbox *ob, struct lnt_event *ev,
                                      uint64_t answered, int64_t cond, char *err);

/* Up to `max` open reports, oldest first, into `out`; *n the count. */
enum lnt_err lnt_outbox_open_reports(struct lnt_outbox *ob, struct lnt_open_report *out, size_t max,
                                     size_t *n, char *err);
/* Number of open reports. */
enum lnt_err lnt_outbox_open_count(struct lnt_outbox *ob, int64_t *out, char *err);

/* A volunteer's running shift (call sign, team, team size) into *out; *found false if none. */
enum lnt_err lnt_outbox_shift_get(struct lnt_outbox *ob, const char *staff_id,
                                  struct lnt_ev_shift *out, bool *found, char *err);

/*
 * Small integer settings the kiosk keeps (setting the value already stored writes nothing):
 * "cup_threshold", "revoked_version", "stock_level". *found is false (and *value untouched) when
 * never set.
 */
#define LNT_SET_CUP_THRESHOLD "cup_threshold"
#define LNT_SET_REVOKED_VERSION "revoked_version"
#define LNT_SET_STOCK_LEVEL "stock_level"
#define LNT_SET_LAST_SYNC "last_sync" /* unix seconds of the last successful sync */
#define LNT_SET_CAPACITY "venue_capacity"
#define LNT_SET_NOTICES_MORE "door_notices_more" /* door notices beyond those kept */
enum lnt_err lnt_outbox_setting_get(struct lnt_outbox *ob, const char *key, int64_t *value,
                                    bool *found, char *err);
enum lnt_err lnt_outbox_setting_set(struct lnt_outbox *ob, const char *key, int64_t value,
                                    char *err);

/*
 * Reads up to `max` unsent events, oldest (lowest seq) first, into `out`
 * (caller's array); *n is the count. Nothing is removed.
 */
enum lnt_err lnt_outbox_peek(struct lnt_outbox *ob, struct lnt_event *out, size_t max, size_t *n,
                             char *err);

/*
 * Applies the server's reply in one transaction: accepted and duplicate
 * events are deleted; conflict and rejected events are moved to the aside
 * table with the server's reason. Results naming a seq not in the outbox
 * are ignored. On error nothing changed.
 */
enum lnt_err lnt_outbox_ack(struct lnt_outbox *ob, const struct lnt_ingest_result *r, size_t n,
                            char *err);

/* Number of unsent events. */
enum lnt_err lnt_outbox_count(struct lnt_outbox *ob, int64_t *out, char *err);
/* Number of events the server refused (conflict or rejected), kept aside. */
enum lnt_err lnt_outbox_aside_count(struct lnt_outbox *ob, int64_t *out, char *err);
/*
 * When the oldest unsent event was saved (unix seconds) and how old it is at
 * `now`. With nothing unsent both are 0.
 */
enum lnt_err lnt_outbox_oldest_age(struct lnt_outbox *ob, int64_t now, int64_t *created_at,
                                   int64_t *age, char *err);

/* Whether `staff_id` is on shift here; *since is when they signed in (0 when not on shift). */
enum lnt_err lnt_outbox_on_shift_get(struct lnt_outbox *ob, const char *staff_id, bool *on,
                                     int64_t *since, char *err);
enum lnt_err lnt_outbox_on_shift_set(struct lnt_outbox *ob, const char *staff_id, int64_t since,
                                     const char *serial, char *err);
/* Not being on shift is not an error. */
enum lnt_err lnt_outbox_on_shift_clear(struct lnt_outbox *ob, const char *staff_id, char *err);

/*
 * The register of sign-ins at this kiosk: the register line of each person
 * signed in (kept from their sign_in, dropped at their sign_out) and the name
 * their badge showed. lnt_outbox_on_shift_name records that name after the
 * sign_in is saved (the name is never sent: the server has its own register);
 * someone not signed in is left alone.
 */
enum lnt_err lnt_outbox_on_shift_name(struct lnt_outbox *ob, const char *staff_id, const char *name,
                                      char *err);
/* Up to `max` people signed in here, earliest first, into `out`; *n the count. */
enum lnt_err lnt_outbox_on_shift_list(struct lnt_outbox *ob, struct lnt_shift_person *out,
                                      size_t max, size_t *n, char *err);

/* A door supervisor turned away at the door, kept for the next manager's badge. */
struct lnt_outbox_notice {
    char name[LNT_BADGE_NAME_MAX + 1];
    int64_t at; /* unix seconds */
    int why;    /* enum lnt_sia_status */
};

/*
 * The notices waiting for a manager: replaces them all (n may be 0) and the
 * count of those not kept (`more`), in one transaction, so a pulled plug
 * loses none. LNT_ERR_IO when the card cannot be written.
 */
enum lnt_err lnt_outbox_notices_set(struct lnt_outbox *ob, const struct lnt_outbox_notice *in,
                                    size_t n, int more, char *err);
/* Up to `max` of them, oldest first, into `out`; *n the count, *more those not kept. */
enum lnt_err lnt_outbox_notices_get(struct lnt_outbox *ob, struct lnt_outbox_notice *out,
                                    size_t max, size_t *n, int *more, char *err);

/* The town's named public places from the last sync: replaces them all (n may be 0). The same
 * list as stored writes nothing. */
enum lnt_err lnt_outbox_places_set(struct lnt_outbox *ob, const char (*names)[LNT_SHORT_TEXT],
                                   size_t n, char *err);
/* Up to `max` of them, in the server's order, into `out`; *n the count. */
enum lnt_err lnt_outbox_places_get(struct lnt_outbox *ob, char (*out)[LNT_SHORT_TEXT], size_t max,
                                   size_t *n, char *err);

#endif
