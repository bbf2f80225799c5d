/* store_registers.h - the store's registers: venues, staff, training, badges, kiosks, findings. */
#ifndef LNT_STORE_REGISTERS_H
#define LNT_STORE_REGISTERS_H

#include "store.h"

/*
 * Conventions (as in store.h): every change is one transaction with its audit
 * row; on error nothing is changed. Lists come back as arrays the caller
 * free()s (NULL with *n = 0 when empty). Times are unix seconds, dates days
 * since 1970-01-01. `now`/`at` arguments are the caller's clock so tests and
 * `--at` runs are reproducible.
 */

/* ---- venues ---- */

/* Bits for lnt_store_venue_edit's `fields`: which members of the given venue to apply. */
enum lnt_venue_field {
    LNT_VENUE_SET_NAME = 1 << 0,
    LNT_VENUE_SET_CATEGORY = 1 << 1,
    LNT_VENUE_SET_CAPACITY = 1 << 2,
    LNT_VENUE_SET_AREA = 1 << 3,
    LNT_VENUE_SET_AUTHORITY = 1 << 4, /* "" clears it */
    LNT_VENUE_SET_TRADING = 1 << 5,   /* "" = the default of the (new) category */
    LNT_VENUE_SET_CUP_THRESHOLD = 1 << 6,
    LNT_VENUE_SET_JOINED = 1 << 7, /* joined_on; 0 = back to its first kiosk's enrolment */
};

/*
 * Partial update of venue `id`: only the members named in `fields` are read
 * from `v` (v->id is ignored), each validated as on add. One audit row lists
 * what changed. LNT_ERR_NOT_FOUND for an unknown venue, LNT_ERR_INVALID for
 * a bad value or fields == 0, LNT_ERR_STATE for a closed venue.
 */
enum lnt_err lnt_store_venue_edit(struct lnt_store *s, int64_t id, const struct lnt_venue *v,
                                  unsigned fields, char *err);
/*
 * Marks venue `id` closed at `at` (> 0). Its history stays; its kiosks are
 * not revoked by this (revoke them explicitly). LNT_ERR_NOT_FOUND, or
 * LNT_ERR_STATE when it is already closed.
 */
enum lnt_err lnt_store_venue_close(struct lnt_store *s, int64_t id, int64_t at, char *err);
/*
 * Venues ordered by id. `authority` NULL or "" = every authority;
 * include_closed false leaves closed venues out. (lnt_store_venue_list in
 * store.h lists every venue, closed ones included.)
 */
enum lnt_err lnt_store_venue_list_by(struct lnt_store *s, const char *authority,
                                     bool include_closed, struct lnt_venue **out, size_t *n,
                                     char *err);

/* ---- staff ---- */

enum lnt_staff_field {
    LNT_STAFF_SET_NAME = 1 << 0,
    LNT_STAFF_SET_ROLE = 1 << 1,
    LNT_STAFF_SET_VENUE = 1 << 2,
    LNT_STAFF_SET_SIA = 1 << 3, /* sia_number and sia_expires together ("" and 0 clear it) */
};
/*
 * Partial update of staff member `id` (see lnt_venue_field). Badges already
 * issued are not changed: reissue them. LNT_ERR_NOT_FOUND for an unknown
 * staff member or new venue, LNT_ERR_INVALID for a bad value or fields == 0.
 */
enum lnt_err lnt_store_staff_edit(struct lnt_store *s, int64_t id, const struct lnt_staff *st,
                                  unsigned fields, char *err);
/*
 * Records that staff member `id` left at `at` (> 0). Their badges that are
 * still usable are revoked in the same transaction (reason "left").
 * LNT_ERR_NOT_FOUND, or LNT_ERR_STATE when they already left.
 */
enum lnt_err lnt_store_staff_leave(struct lnt_store *s, int64_t id, int64_t at, char *err);
/* Staff ordered by id; venue_id 0 = every venue; include_leavers false leaves leavers out. */
enum lnt_err lnt_store_staff_list_by(struct lnt_store *s, int64_t venue_id, bool include_leavers,
                                     struct lnt_staff **out, size_t *n, char *err);

/* ---- training ---- */

/*
 * Every training record of one staff member (not just the latest per
 * course), newest completion first. An unknown staff member gives an empty list.
 */
enum lnt_err lnt_store_training_history(struct lnt_store *s, int64_t staff_id,
                                        struct lnt_training **out, size_t *n, char *err);

/* ---- badges ---- */

/* Badges of staff member `staff_id` (0 = every badge), newest issued first. */
enum lnt_err lnt_store_badge_list(struct lnt_store *s, int64_t staff_id,
                                  struct lnt_badge_record **out, size_t *n, char *err);
/*
 * Revokes badge `serial` at `now`: the revocation counter is incremented and
 * its new value stored as the badge's revoke_version (written to
 * *version_out when not NULL). `reason` is 1-80 bytes of text.
 * LNT_ERR_NOT_FOUND for an unknown serial, LNT_ERR_STATE when already revoked.
 */
enum lnt_err lnt_store_badge_revoke(struct lnt_store *s, const uint8_t serial[LNT_SERIAL_LEN],
                                    const char *reason, int64_t now, int64_t *version_out,
                                    char *err);
/*
 * Serials revoked with revoke_version > `since` whose badges have not expired
 * at `now`, in version order, for GET /api/v1/kiosk/sync; *version_out is the
 * current value of the counter (what the kiosk sends as `since` next time;
 * 0 when nothing was ever revoked). since = 0 gives the full list.
 * Reissues (lnt_store_badge_add) and leavers advance the counter too.
 */
enum lnt_err lnt_store_badge_revoked_since(struct lnt_store *s, int64_t since, int64_t now,
                                           uint8_t (**out)[LNT_SERIAL_LEN], size_t *n,
                                           int64_t *version_out, char *err);

/* ---- kiosks ---- */

/* Kiosks (with their health fields) ordered by id; venue_id 0 = every venue. */
enum lnt_err lnt_store_kiosk_list(struct lnt_store *s, int64_t venue_id, struct lnt_kiosk **out,
                                  size_t *n, char *err);
/*
 * Records the outbox backlog (>= 0) kiosk `id` reported at `now` (a sync or
 * batch header). Not audited: it is telemetry. LNT_ERR_NOT_FOUND.
 */
enum lnt_err lnt_store_kiosk_backlog(struct lnt_store *s, int64_t id, int64_t backlog, int64_t now,
                                     char *err);
/*
 * Revokes kiosk `id` at `now`: lnt_store_events_insert refuses it from then
 * on (LNT_ERR_FORBIDDEN). LNT_ERR_NOT_FOUND, LNT_ERR_STATE when already revoked.
 */
enum lnt_err lnt_store_kiosk_revoke(struct lnt_store *s, int64_t id, int64_t now, char *err);

/* ---- assessor findings (Best Bar None criteria not measured by kiosks) ---- */

#define LNT_CRITERION_MAX 32  /* bytes of a criterion id, [A-Za-z0-9._-] */
#define LNT_EVIDENCE_MAX 2000 /* bytes of evidence text */

struct lnt_finding {
    int64_t id;
    int64_t venue_id;
    char criterion[LNT_CRITERION_MAX + 1]; /* catalogue id, e.g. "E3" */
    bool met;
    char evidence[LNT_EVIDENCE_MAX + 1]; /* may be "" */
    char assessor[81];
    int32_t found_on;    /* date of the assessment */
    int32_t valid_until; /* last date it counts; 0 on add = found_on + 12 months - 1 day */
    int64_t recorded_at; /* filled by add */
};
/*
 * Records a finding; fills f->id, f->recorded_at (= now) and a defaulted
 * f->valid_until. LNT_ERR_NOT_FOUND for an unknown venue, LNT_ERR_INVALID
 * for a bad criterion id, text, or valid_until before found_on.
 */
enum lnt_err lnt_store_finding_add(struct lnt_store *s, struct lnt_finding *f, int64_t now,
                                   char *err);
/*
 * Findings for venue `venue_id`, newest found_on first (then newest id). The
 * one that counts for a criterion on a date D is the first in this order with
 * found_on <= D <= valid_until.
 */
enum lnt_err lnt_store_finding_list(struct lnt_store *s, int64_t venue_id, struct lnt_finding **out,
                                    size_t *n, char *err);

/* ---- the door rules: required training per role, SIA licences listed as not valid ---- */

/*
 * The scheme's required training, every role (known is true). Thread-safe.
 * LNT_ERR_DB on failure.
 */
enum lnt_err lnt_store_required_get(struct lnt_store *s, struct lnt_required_training *out,
                                    char *err);
/*
 * Makes `course` required (or not) for `role` (not LNT_ROLE_NONE), audited as
 * training.require / training.unrequire; *changed says whether it was not
 * already so (may be NULL). LNT_ERR_INVALID for an unknown role or course,
 * LNT_ERR_DB. Thread-safe.
 */
enum lnt_err lnt_store_required_set(struct lnt_store *s, enum lnt_role role, enum lnt_course course,
                                    bool required, bool *changed, char *err);
/*
 * Lists SIA licence `number` (16 digits) as `status` from day `from` (days
 * since epoch): lnt_store_sia_put of one row without a note, by the store's
 * actor. LNT_ERR_INVALID for a bad number, status or date; LNT_ERR_DB.
 * Thread-safe.
 */
enum lnt_err lnt_store_sia_set(struct lnt_store *s, const char *number, enum lnt_sia_listing status,
                               int32_t from, char *err);
/*
 * The list kiosks receive: per listed number, the word in force on today's
 * London date, or the first one to come when none is in force yet; by number,
 * into a new array (*out, the caller frees; NULL when none). At most
 * LNT_SIA_LISTED_MAX are listed (LNT_ERR_TOO_LARGE beyond: the kiosks could
 * not keep more). Thread-safe.
 */
enum lnt_err lnt_store_sia_listed(struct lnt_store *s, struct lnt_sia_listed **out, size_t *n,
                                  char *err);

/* ---- SIA licence statuses the badge cannot know about: the scheme's word, with history ---- */

#define LNT_SIA_NOTE_MAX 200 /* bytes of a listing's note */

/* One word on a licence: its status from a date, why, and who said so. */
struct lnt_sia_entry {
    struct lnt_sia_listed l;
    char note[LNT_SIA_NOTE_MAX + 1]; /* may be "" */
    int64_t set_at;                  /* filled by the store */
    char set_by[64];                 /* the audit actor; filled by the store */
};

/*
 * Records `n` words on licences in one transaction. A licence's history holds
 * one word per from-date; a word for a number and date already there replaces
 * it, and one equal to it (status and note) changes nothing, so importing the
 * same rows again is a no-op. Each change is audited as sia.set-status by
 * `actor` (NULL = the store's actor). *changed (may be NULL) counts the rows
 * that changed something. Every row is checked before any is written:
 * LNT_ERR_INVALID names the first bad row ("row 3: ...", 0-based) and nothing
 * is written; LNT_ERR_TOO_LARGE when more than LNT_SIA_LISTED_MAX licences
 * would be listed; LNT_ERR_DB. Thread-safe.
 */
enum lnt_err lnt_store_sia_put(struct lnt_store *s, const char *actor,
                               const struct lnt_sia_entry *rows, size_t n, size_t *changed,
                               char *err);
/*
 * Takes back the word on licence `number` from day `from` (0: every word on
 * it, taking it off the list): for a word given in error. To end a suspension,
 * give a word "valid" from its end instead, which keeps the suspension in the
 * history. Audited as sia.clear by `actor` (NULL = the store's actor).
 * LNT_ERR_NOT_FOUND when there is no such word, LNT_ERR_INVALID for a bad
 * number or date, LNT_ERR_DB. Thread-safe.
 */
enum lnt_err lnt_store_sia_clear(struct lnt_store *s, const char *actor, const char *number,
                                 int32_t from, char *err);
/*
 * Every word on every listed licence with its note and author, by number then
 * date, into a new array (*out, the caller frees; NULL when none). Thread-safe.
 */
enum lnt_err lnt_store_sia_entries(struct lnt_store *s, struct lnt_sia_entry **out, size_t *n,
                                   char *err);
/*
 * The scheme's word on licence `number` in force on London date `day`: the
 * history row with the latest from-date on or before it; LNT_SIA_LISTED_VALID
 * when there is none. LNT_ERR_DB. Thread-safe.
 */
enum lnt_err lnt_store_sia_status_on(struct lnt_store *s, const char *number, int32_t day,
                                     enum lnt_sia_listing *out, char *err);

#endif
