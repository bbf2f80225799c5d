/* store_events.h - what the store derives from events, and the read views over it. */
#ifndef LNT_STORE_EVENTS_H
#define LNT_STORE_EVENTS_H

#include "store.h"

/*
 * lnt_store_events_insert (store.h) keeps, in the same transaction as the
 * raw events, everything below; no view here scans raw events.
 *
 * Derivation rules, per accepted event (duplicates and conflicts derive nothing):
 * - sign_in: a shift row (door/staff register) at the kiosk's venue, open
 *   (off_at 0). Training flags come from the server's training register for
 *   the shift's night (a course counts when completed <= night <= expires, or
 *   it does not expire), looked up by the badge subject as a staff id.
 *   A sign_in while already on shift opens another shift and closes nothing.
 *   The badge serial is looked up in the badge register: a serial revoked at
 *   or before the sign_in (LNT_SIGNIN_REVOKED) or never issued
 *   (LNT_SIGNIN_UNKNOWN_SERIAL) is stored on the shift (badge_flag) and raises
 *   a LNT_FLAG_REVOKED_BADGE / LNT_FLAG_UNKNOWN_SERIAL flag; the shift is
 *   stored and counted all the same (the kiosk may have been offline).
 *   A sign_in whose badge (serial and subject) has a shift at another venue
 *   that began in the 16 hours before it and was not signed out before it
 *   raises a LNT_FLAG_COPIED_BADGE flag (whichever kiosk synced first, as
 *   long as the earlier shift's sign_in is stored before the later one's).
 * - sign_out: closes the staff member's latest open shift at that venue that
 *   began in the 24 hours up to it; with none, a LNT_FLAG_UNMATCHED_SIGN_OUT
 *   flag (an older open shift stays open: "never signed out" is the truth).
 * - incident: one row per report_id, owned by the venue of the kiosk whose
 *   save arrived first; a save from another venue's kiosk is refused before
 *   it is stored (LNT_INGEST_REJECTED with not_owner set, and an
 *   "incident.conflict" audit row). The row follows the save received last
 *   (the server's order of receipt; the kiosk's recorded_at orders nothing).
 *   occurred_at, first_recorded_at, night and within_hour come from the first
 *   save received and stay; a save without sealed details keeps the details
 *   already held. Every save is also kept as a part (incident_parts), with
 *   its recorded_at, the server's receipt time, its kiosk and its details.
 * - stock: a ledger row; "count" sets the venue's level, "delivery" adds,
 *   "handed_out" subtracts (levels may go negative: it shows a missed count).
 *   Applied in arrival order.
 * - shift_start / shift_end: a volunteer shift at the (hub) venue; shift_end
 *   closes the staff member's latest open volunteer shift there, or stores a
 *   shift with start_at 0 and raises LNT_FLAG_UNMATCHED_SHIFT_END.
 * - every accepted event: the kiosk's seq is checked against its last_seq
 *   (gap: seq > last_seq + 1; backwards: seq < last_seq), counted on the kiosk
 *   and flagged; conflicts are flagged as LNT_FLAG_CONFLICT.
 * - an event's uuid is stored once: the same uuid again under another seq of
 *   the same kiosk is a duplicate when its canonical JSON (seq aside) is the
 *   stored one's, else a conflict; from another kiosk it is always a conflict.
 *
 * Rollups (aggregates without personal data; never purged):
 * (a) per venue, UTC hour (unix time / 3600), event type and kind: rows with
 *     kind "" count accepted events of that type whose occurred_at falls in
 *     the hour; rows of type LNT_EV_INCIDENT with a kind count incident
 *     reports (one per report_id, at its first occurred_at, under its latest kind).
 * (b) per venue and night (lnt_night_of of the event's occurred_at, or of the
 *     shift's on_at): struct lnt_night_rollup.
 */

#define LNT_VIEW_MAX 1000 /* rows one paged view returns at most */

/* ---- door / staff register ---- */

/* A sign-in's badge as the scheme's badge register has it at the sign-in (shifts.badge_flag). */
enum lnt_signin_flag {
    LNT_SIGNIN_OK = 0,             /* issued, and not revoked before the sign-in */
    LNT_SIGNIN_REVOKED = 1,        /* revoked at or before the sign-in */
    LNT_SIGNIN_UNKNOWN_SERIAL = 2, /* a serial the scheme never issued */
    LNT_SIGNIN_FLAG__MAX = 2
};
/* "revoked", "unknown_serial"; NULL for LNT_SIGNIN_OK and out-of-range values. */
const char *lnt_signin_flag_name(enum lnt_signin_flag f);

struct lnt_shift {
    int64_t id;
    int64_t venue_id;
    int64_t kiosk_id;
    char staff_id[LNT_STAFF_ID_MAX + 1]; /* badge subject */
    char staff_name[LNT_STAFF_NAME_MAX +
                    1]; /* from the staff register; "" when the id is not known there */
    char serial[LNT_SERIAL_LEN * 2 + 1]; /* badge serial, hex */
    enum lnt_role role;
    char sia_number[LNT_SIA_NUMBER_LEN + 1];
    enum lnt_sia_status sia_status;
    enum lnt_verdict verdict;
    int64_t on_at;
    int64_t off_at;    /* 0 = never signed out (an open shift) */
    int32_t night;     /* lnt_night_of(on_at) */
    bool vuln_trained; /* WAVE or bystander training in date on the night */
    bool angela_trained;
    bool bystander_trained;
    bool sia_ok;                       /* sia_status valid or expiring */
    enum lnt_signin_flag badge_flag;   /* what the server knows of the badge at on_at */
    char off_by[LNT_STAFF_ID_MAX + 1]; /* the manager who signed them out; "" = they did */
    uint32_t training_missing;         /* required courses the kiosk found absent or lapsed */
    enum lnt_duty duty;                /* LNT_DUTY_OTHER: signed in for other duties */
    bool sia_listed; /* door shift the badge called valid, on a licence the scheme lists as
                        suspended or revoked on its date: sia_status says which, sia_ok false */
};
/*
 * The SIA licence as a register shows it: "not required" for every role but
 * door; for door staff "valid" (expiring soon included), "expired",
 * "suspended", "revoked" or "missing" (no licence on the badge). Never NULL.
 */
const char *lnt_shift_licence_word(const struct lnt_shift *s);
/*
 * The register of venue `venue_id` for shifts with on_at in [from, to),
 * ordered by on_at then id, joined with staff names. offset/limit page it;
 * limit is 1..LNT_VIEW_MAX (LNT_ERR_INVALID otherwise). A door shift on a
 * licence the scheme lists as suspended or revoked on its date shows that
 * status (lnt_store_door_unlicensed), whenever the listing was made.
 */
enum lnt_err lnt_store_register_list(struct lnt_store *s, int64_t venue_id, int64_t from,
                                     int64_t to, size_t offset, size_t limit,
                                     struct lnt_shift **out, size_t *n, char *err);
/*
 * The door shifts of venue `venue_id` on nights [first, last] that were worked
 * without a valid SIA licence: the badge said so (sia_ok false as stored), or
 * the scheme lists the licence suspended or revoked on the London date the
 * shift began (sia_status then says which, sia_ok is false and sia_listed
 * true), whenever that word was given. Ordered by night, then on_at. The
 * caller frees *out. LNT_ERR_TOO_LARGE beyond LNT_SQ_LIST_MAX rows, LNT_ERR_DB.
 */
enum lnt_err lnt_store_door_unlicensed(struct lnt_store *s, int64_t venue_id, int32_t first,
                                       int32_t last, struct lnt_shift **out, size_t *n, char *err);

/* ---- flags: copied badges and other anomalies ---- */

enum lnt_flag_kind {
    LNT_FLAG_COPIED_BADGE = 1,        /* one badge on shift at two venues at once */
    LNT_FLAG_UNMATCHED_SIGN_OUT = 2,  /* sign_out with no open shift */
    LNT_FLAG_UNMATCHED_SHIFT_END = 3, /* volunteer shift_end with no open shift */
    LNT_FLAG_SEQ_GAP = 4,             /* seq jumped: events may be missing */
    LNT_FLAG_SEQ_BACKWARDS = 5,       /* seq went below the highest seen */
    LNT_FLAG_CONFLICT = 6,            /* same (kiosk, seq) or uuid, different content */
    LNT_FLAG_REVOKED_BADGE = 7,       /* sign_in with a badge revoked before it */
    LNT_FLAG_UNKNOWN_SERIAL = 8,      /* sign_in with a badge serial the scheme never issued */
    LNT_FLAG_UNIDENTIFIED_STAFF = 9,  /* an incident saved without a badge (camera down) */
    LNT_FLAG_DOOR_REFUSED = 10,       /* door_refused: not signed in on the door, no licence */
    LNT_FLAG_SIA_NOT_VALID = 11,      /* a door supervisor signed in without a valid licence */
    LNT_FLAG__MAX = 11
};
/* "copied_badge", "unmatched_sign_out", "unmatched_shift_end", "seq_gap", "seq_backwards",
 * "conflict", "revoked_badge", "unknown_serial", "unidentified_staff", "door_refused",
 * "sia_not_valid". */
const char *lnt_flag_kind_name(enum lnt_flag_kind k);
enum lnt_err lnt_flag_kind_parse(const char *s, enum lnt_flag_kind *out);

struct lnt_flag {
    int64_t id;
    enum lnt_flag_kind kind;
    int64_t venue_id;
    int64_t other_venue_id; /* copied_badge: the venue of the other open shift; conflict: the
                               venue of the stored event a uuid collided with, when another;
                               else 0 */
    int64_t kiosk_id;
    char staff_id[LNT_STAFF_ID_MAX + 1]; /* "" when not about a person */
    char serial[LNT_SERIAL_LEN * 2 + 1]; /* badge flags: the badge, hex; else "" */
    int64_t at;                          /* occurred_at of the event that raised it */
    int64_t seq;   /* the event's seq (0 for sign-ins flagged by the schema 4 migration) */
    int64_t other; /* copied_badge: the other shift's id; seq flags: last_seq before;
                      conflict on a uuid: the stored event's seq; revoked_badge,
                      unknown_serial and sia_not_valid: the flagged shift's id;
                      door_refused: the licence's state (enum lnt_sia_status) */
};
/*
 * Flags with `at` in [from, to), newest first. venue_id 0 = every venue (a
 * copied badge is listed under both of its venues); kind 0 = every kind.
 */
enum lnt_err lnt_store_flag_list(struct lnt_store *s, int64_t venue_id, enum lnt_flag_kind kind,
                                 int64_t from, int64_t to, size_t offset, size_t limit,
                                 struct lnt_flag **out, size_t *n, char *err);

/* ---- incidents ---- */

/*
 * The hour behind an incident's `within_hour` flag and the nights' `incidents_within_hour`,
 * which lists, exports and tallies show. Scores do not read them: they compare each report's
 * stored delay (first_recorded_at - occurred_at) with the risk weights' timely_minutes.
 */
#define LNT_INCIDENT_HOUR 3600

struct lnt_incident {
    char report_id[LNT_UUID_STRLEN];
    int64_t venue_id;
    int64_t kiosk_id;
    char kind[LNT_SHORT_TEXT];
    int severity;
    char place[LNT_SHORT_TEXT];
    char outcome[LNT_SHORT_TEXT];
    bool police_called;
    bool complete;
    char staff_id[LNT_STAFF_ID_MAX + 1];
    int64_t occurred_at;       /* of the first save */
    int64_t first_recorded_at; /* the kiosk's recorded_at of the first save */
    int64_t updated_at;        /* the kiosk's recorded_at of the save received last */
    int32_t updates;           /* saves received, >= 1 */
    int32_t night;             /* lnt_night_of(occurred_at) */
    bool within_hour;          /* first_recorded_at - occurred_at <= LNT_INCIDENT_HOUR */
    bool has_details;          /* sealed details are held (not purged, not empty) */
};

/* What to list; zero fields do not filter (to = 0 means no upper bound). */
struct lnt_incident_filter {
    int64_t venue_id;
    const char *authority; /* venues of one licensing authority */
    const char *kind;
    int64_t from, to; /* occurred_at in [from, to) */
};
/* Incidents without their sealed details, newest occurred_at first. limit 1..LNT_VIEW_MAX. */
enum lnt_err lnt_store_incident_list(struct lnt_store *s, const struct lnt_incident_filter *f,
                                     size_t offset, size_t limit, struct lnt_incident **out,
                                     size_t *n, char *err);
/*
 * Calls fn for every incident matching `f`, ordered by venue_id then
 * occurred_at (for bulk scoring). fn must not call the store; a non-zero
 * return stops the walk (not an error).
 */
enum lnt_err lnt_store_incident_each(struct lnt_store *s, const struct lnt_incident_filter *f,
                                     int (*fn)(void *ctx, const struct lnt_incident *inc),
                                     void *ctx, char *err);
/*
 * One incident by report id, without its sealed details and without an audit
 * row (for finding its venue before scope checks and audited reads). An
 * indexed lookup: its cost does not grow with the number of incidents.
 * LNT_ERR_NOT_FOUND for an unknown or malformed report id. Thread-safe.
 */
enum lnt_err lnt_store_incident_get(struct lnt_store *s, const char *report_id,
                                    struct lnt_incident *out, char *err);
/*
 * One incident with its sealed details (base64 text of crypto_box_seal, as
 * the kiosk sent it; "" when none or purged) copied into `sealed` (NUL
 * terminated, LNT_SEALED_MAX bytes). The read and an audit row naming
 * `actor` ("incident.read", object = report_id) are one write transaction:
 * no audit row, no details. LNT_ERR_NOT_FOUND for an unknown report_id (and
 * nothing audited), LNT_ERR_INVALID for a NULL or empty actor.
 */
enum lnt_err lnt_store_incident_details(struct lnt_store *s, const char *report_id,
                                        const char *actor, struct lnt_incident *out,
                                        char sealed[LNT_SEALED_MAX], char *err);
/*
 * As lnt_store_incident_details, and also opens the details with the
 * scheme's sealing key (crypto_box_seal_open): the plaintext (the kiosk's
 * details JSON) goes to `details` (NUL terminated, at most size - 1 bytes;
 * *len_out its length). "" when there are none. LNT_ERR_CRYPTO when they do
 * not open, LNT_ERR_TOO_LARGE when `details` is too small. The plaintext is
 * the caller's to wipe (lnt_store_wipe). The audit row is written either way.
 */
enum lnt_err lnt_store_incident_open(struct lnt_store *s, const char *report_id, const char *actor,
                                     struct lnt_incident *out, char *details, size_t size,
                                     size_t *len_out, char *err);

/* One save of an incident report, kept as sent: a report saved "finish later" and completed
 * afterwards has two. */
struct lnt_incident_part {
    int64_t kiosk_id;
    int64_t seq;
    int64_t recorded_at; /* the kiosk's claim (never more than a day ahead of receipt) */
    int64_t received_at; /* the server's clock when the save arrived */
    bool complete;       /* false: saved to finish later */
    enum {
        LNT_PART_NONE,   /* the save carried no details */
        LNT_PART_OPENED, /* details holds them */
        LNT_PART_DAMAGED /* they did not open with the scheme's key */
    } state;
    size_t len;                   /* of details */
    char details[LNT_SEALED_MAX]; /* the kiosk's details JSON, NUL terminated; "" unless opened */
};
/*
 * As lnt_store_incident_open, and also every part of the report in the order
 * the server received them (*parts, *n_parts; the read is the same audited
 * transaction), each opened on its own. Parts are kept as long as the
 * report's sealed details (store_admin.h). parts and n_parts must not be
 * NULL; on LNT_OK and on LNT_ERR_CRYPTO (the latest details do not open) the
 * list is the caller's to release with lnt_store_incident_parts_free, on any
 * other error it is NULL. Reports saved before parts were kept whose raw
 * events had already been purged have none.
 */
enum lnt_err lnt_store_incident_open_parts(struct lnt_store *s, const char *report_id,
                                           const char *actor, struct lnt_incident *out,
                                           char *details, size_t size, size_t *len_out,
                                           struct lnt_incident_part **parts, size_t *n_parts,
                                           char *err);
/* Wipes and frees a list from lnt_store_incident_open_parts. NULL is a no-op. */
void lnt_store_incident_parts_free(struct lnt_incident_part *parts, size_t n);

/* ---- cup-cover stock ---- */

struct lnt_stock_level {
    int64_t venue_id;
    int32_t level;      /* current level (0 when never counted) */
    bool known;         /* false: no stock event ever */
    int64_t updated_at; /* occurred_at of the latest stock event, 0 = never */
    int32_t threshold;  /* the venue's cup_cover_threshold */
};
struct lnt_stock_entry {
    int64_t id;
    int64_t venue_id;
    int64_t at;    /* occurred_at */
    char kind[16]; /* "count", "delivery", "handed_out" */
    int32_t quantity;
    int32_t level_after;
    char staff_id[LNT_STAFF_ID_MAX + 1];
};
/* LNT_ERR_NOT_FOUND for an unknown venue; a venue without stock events gives known = false. */
enum lnt_err lnt_store_stock_get(struct lnt_store *s, int64_t venue_id, struct lnt_stock_level *out,
                                 char *err);
/* Current level of every venue (of `authority`, NULL/"" = all), ordered by venue id. */
enum lnt_err lnt_store_stock_levels(struct lnt_store *s, const char *authority,
                                    struct lnt_stock_level **out, size_t *n, char *err);
/* Ledger of one venue with at in [from, to), oldest first. limit 1..LNT_VIEW_MAX. */
enum lnt_err lnt_store_stock_ledger(struct lnt_store *s, int64_t venue_id, int64_t from, int64_t to,
                                    size_t offset, size_t limit, struct lnt_stock_entry **out,
                                    size_t *n, char *err);

/* ---- volunteer shifts ---- */

#define LNT_TALLIES                                                                                \
    8 /* as struct lnt_ev_shift: water, flip_flops, blankets, bottles, first_aid,                  \
         cctv_calls, police_calls, calmed */
struct lnt_volunteer_shift {
    int64_t id;
    int64_t venue_id; /* the hub */
    int64_t kiosk_id;
    char staff_id[LNT_STAFF_ID_MAX + 1];
    char call_sign[LNT_SHORT_TEXT];
    char team[LNT_SHORT_TEXT];   /* "" when the kiosk did not ask (see base) */
    char base[LNT_SHORT_TEXT];   /* where the team works: safe_haven, bus, ...; "" = not said */
    char leader[LNT_SHORT_TEXT]; /* self, other; "" = not said */
    int32_t team_size;
    int64_t start_at; /* 0 = shift_end without a start */
    int64_t end_at;   /* 0 = not ended yet */
    int32_t night;    /* lnt_night_of(start_at, or end_at when no start) */
    int32_t tallies[LNT_TALLIES];
};
/*
 * The one scope rule of every volunteer view (the API's lists and reports, the
 * Volunteers page, the exports): call signs and times identify volunteers, so a
 * reader sees the shifts of hubs inside its own scope and no others. A venue's
 * token or manager sees its venue's hub only, an authority's officer the hubs of
 * that authority, a scheme officer every hub; `venue_id` (0 = none) narrows
 * further and never widens. Fills *out for lnt_store_volunteer_list and
 * lnt_store_volunteer_months; out->authority borrows who->authority, so `who`
 * must outlive *out. `who` NULL = the whole scheme (lanternctl on the server).
 * Thread-safe.
 */
struct lnt_scope;
struct lnt_rollup_scope;
void lnt_scope_volunteers(const struct lnt_scope *who, int64_t venue_id,
                          struct lnt_rollup_scope *out);
/*
 * Volunteer shifts with start (or, without one, end) in [from, to), oldest
 * first, of the hubs in `scope` (NULL = every hub; its venue_id and authority
 * both apply, its area is ignored); team NULL/"" = every team. limit 1..LNT_VIEW_MAX.
 */
enum lnt_err lnt_store_volunteer_list(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                      const char *team, int64_t from, int64_t to, size_t offset,
                                      size_t limit, struct lnt_volunteer_shift **out, size_t *n,
                                      char *err);

struct lnt_volunteer_month {
    int year, month; /* London local month of the shift's night */
    char team[LNT_SHORT_TEXT];
    char base[LNT_SHORT_TEXT]; /* rows are per team and base */
    int32_t shifts;
    int64_t person_seconds; /* sum of (end - start) x team_size over completed shifts */
    int64_t tallies[LNT_TALLIES];
};
/* Monthly totals per team and base for shifts of the hubs in `scope` (as
 * lnt_store_volunteer_list) whose night is in [first_night, last_night], by month, team, base. */
enum lnt_err lnt_store_volunteer_months(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                        int32_t first_night, int32_t last_night,
                                        struct lnt_volunteer_month **out, size_t *n, char *err);

/* ---- rollups ---- */

/* Rollup (b): one venue, one night. Counts are of things that began that night. */
struct lnt_night_rollup {
    int32_t night;
    int32_t contacts; /* accepted events from the venue's kiosks */
    int32_t sign_ins;
    int32_t door_shifts;       /* shifts with role door */
    int32_t door_sia_ok;       /* ... with sia_ok */
    int32_t door_vuln_trained; /* ... with vuln_trained */
    int32_t angela_on_shift;   /* shifts (any role) with angela_trained; > 0 = someone was on */
    int32_t staff_shifts;      /* all shifts, any role */
    int32_t staff_bystander;   /* ... with bystander_trained */
    int32_t open_shifts;       /* shifts of that night not signed out (now) */
    int32_t incidents;         /* reports (first occurred that night) */
    int32_t incidents_within_hour;
    int32_t spiking;          /* reports of kind "spiking" */
    int32_t spiking_complete; /* ... marked complete */
    int32_t angela;           /* reports of kind "angela" */
    int32_t refused;          /* badge_refused events */
    int32_t stock_events;
    int32_t cup_level;    /* last level that night, else carried forward from earlier nights */
    bool cup_level_known; /* false: no stock event that night or before */
};
/*
 * Venue `venue_id`'s nights [first_night, last_night] as a dense array of
 * last - first + 1 entries (zeros for nights without activity), cup_level
 * carried forward. At most 4000 nights (LNT_ERR_TOO_LARGE).
 */
enum lnt_err lnt_store_rollup_nights(struct lnt_store *s, int64_t venue_id, int32_t first_night,
                                     int32_t last_night, struct lnt_night_rollup **out, size_t *n,
                                     char *err);
/*
 * The same for every venue (of `authority`, NULL/"" = all; closed ones
 * included), one call of fn per venue in id order with its dense array of
 * nights (borrowed for the call). fn must not call the store; a non-zero
 * return stops the walk (not an error). For rescoring many venues at once.
 */
enum lnt_err lnt_store_rollup_nights_each(struct lnt_store *s, const char *authority,
                                          int32_t first_night, int32_t last_night,
                                          int (*fn)(void *ctx, const struct lnt_venue *v,
                                                    const struct lnt_night_rollup *nights,
                                                    size_t n),
                                          void *ctx, char *err);

/* Where a town-level view looks: zero/NULL fields do not filter (all zero = the whole scheme). */
struct lnt_rollup_scope {
    int64_t venue_id;
    const char *area;
    const char *authority;
};
/* Column sums of rollup (b) over the scope and nights [first, last]; cup_level fields are 0/false.
 */
enum lnt_err lnt_store_rollup_totals(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                     int32_t first_night, int32_t last_night,
                                     struct lnt_night_rollup *out, char *err);
/*
 * Hour-of-week table (Monday = 0, London local hour) over [from, to) from
 * rollup (a). For LNT_EV_INCIDENT, counts reports of `kind` (NULL/"" = every
 * kind); for other types counts events (kind ignored). out is zeroed first.
 */
enum lnt_err lnt_store_rollup_hour_of_week(struct lnt_store *s,
                                           const struct lnt_rollup_scope *scope,
                                           enum lnt_event_type type, const char *kind, int64_t from,
                                           int64_t to, int64_t out[7][24], char *err);

struct lnt_month_count {
    int year, month; /* London local calendar month */
    enum lnt_event_type type;
    char kind[LNT_SHORT_TEXT]; /* "" = events of `type`; else incident reports of that kind */
    int64_t count;
};
/* Monthly counts over [from, to) from rollup (a), ordered by month, type, kind. */
enum lnt_err lnt_store_rollup_months(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                     int64_t from, int64_t to, struct lnt_month_count **out,
                                     size_t *n, char *err);

struct lnt_repeat_location {
    int64_t venue_id;
    char kind[LNT_SHORT_TEXT];
    int32_t nights; /* distinct nights with at least one report of the kind */
    int32_t reports;
};
/*
 * Venues with reports of one kind on at least `min_nights` nights in
 * [first_night, last_night], most nights first; at most `limit` (1..LNT_VIEW_MAX).
 */
enum lnt_err lnt_store_repeat_locations(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                        int32_t first_night, int32_t last_night, int min_nights,
                                        size_t limit, struct lnt_repeat_location **out, size_t *n,
                                        char *err);

/* ---- venue views for the API and dashboard ---- */

struct lnt_venue_summary {
    struct lnt_venue venue;
    int32_t incidents;    /* reports on nights [first_night, last_night] */
    int64_t last_contact; /* latest last_seen of its kiosks, 0 = never */
    int32_t kiosks;       /* not revoked */
    struct lnt_stock_level stock;
};
/*
 * Summaries of venues (of `authority`, NULL/"" = all; include_closed as
 * lnt_store_venue_list_by), ordered by id, paged (limit 1..LNT_VIEW_MAX).
 */
enum lnt_err lnt_store_venue_summaries(struct lnt_store *s, const char *authority,
                                       bool include_closed, int32_t first_night, int32_t last_night,
                                       size_t offset, size_t limit, struct lnt_venue_summary **out,
                                       size_t *n, char *err);

struct lnt_venue_detail {
    struct lnt_venue_summary summary;
    int32_t staff;                   /* current (not left) */
    int32_t open_shifts;             /* shifts open now */
    int32_t revoked_sign_ins;        /* sign-ins on the nights with a revoked badge */
    int32_t unknown_serial_sign_ins; /* ... with a badge serial the scheme never issued */
    struct lnt_night_rollup totals;  /* rollup (b) sums over the nights */
};
/* One venue's detail for nights [first_night, last_night]. LNT_ERR_NOT_FOUND. */
enum lnt_err lnt_store_venue_detail(struct lnt_store *s, int64_t venue_id, int32_t first_night,
                                    int32_t last_night, struct lnt_venue_detail *out, char *err);

/* Training coverage: one row per current staff member of a venue. */
struct lnt_training_coverage {
    int64_t staff_id;
    char name[LNT_STAFF_NAME_MAX + 1];
    enum lnt_role role;
    int32_t sia_expires;                  /* 0 = none */
    int32_t expires[LNT_COURSE__MAX + 1]; /* per course: latest record's expiry; 0 = none,
                                             INT32_MAX = does not expire */
};
/* Current staff of `venue_id` ordered by id, with their latest record per course. */
enum lnt_err lnt_store_training_coverage(struct lnt_store *s, int64_t venue_id,
                                         struct lnt_training_coverage **out, size_t *n, char *err);

#endif
