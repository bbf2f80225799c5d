/* event.h - the events a kiosk records and the server stores. */
#ifndef LNT_EVENT_H
#define LNT_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "badge.h"
#include "bounds.h"
#include "err.h"

#define LNT_UUID_STRLEN 37
#define LNT_BATCH_MAX 100            /* events in one batch */
#define LNT_BATCH_BODY_MAX (1 << 20) /* bytes in one batch body */
#define LNT_SEALED_MAX 4096          /* base64 text of sealed incident details */
#define LNT_SHORT_TEXT 48            /* quick-pick values: places, outcomes, kinds */

enum lnt_event_type {
    LNT_EV_NONE = 0,
    LNT_EV_SIGN_IN = 1,
    LNT_EV_SIGN_OUT = 2,
    LNT_EV_BADGE_REFUSED = 3,
    LNT_EV_INCIDENT = 4,
    LNT_EV_STOCK = 5,
    LNT_EV_SHIFT_START = 6,
    LNT_EV_SHIFT_END = 7,
    LNT_EV_WELFARE = 8,
    LNT_EV_DOOR_REFUSED = 9, /* a door supervisor without a valid licence, not signed in */
    LNT_EV__MAX = 9
};

/* Wire names: "sign_in", "sign_out", "badge_refused", "incident", "stock", "shift_start",
 * "shift_end", "welfare", "door_refused". */
const char *lnt_event_type_name(enum lnt_event_type t);
enum lnt_err lnt_event_type_parse(const char *s, enum lnt_event_type *out);

/* The verdict the kiosk showed: green (all in date), amber (something expires soon), red. */
enum lnt_verdict { LNT_VERDICT_GREEN = 1, LNT_VERDICT_AMBER = 2, LNT_VERDICT_RED = 3 };
const char *lnt_verdict_name(enum lnt_verdict v);
enum lnt_err lnt_verdict_parse(const char *s, enum lnt_verdict *out);

/* SIA licence state as read from the badge at the time of the scan. */
enum lnt_sia_status {
    LNT_SIA_NOT_REQUIRED = 1, /* not door staff */
    LNT_SIA_VALID = 2,
    LNT_SIA_EXPIRING = 3, /* valid, expires within 30 days */
    LNT_SIA_EXPIRED = 4,
    LNT_SIA_MISSING = 5,   /* door staff with no licence on the badge */
    LNT_SIA_SUSPENDED = 6, /* the scheme lists the licence as suspended (lnt_sia_listed) */
    LNT_SIA_REVOKED = 7    /* the scheme lists the licence as revoked */
};
const char *lnt_sia_status_name(enum lnt_sia_status s);
enum lnt_err lnt_sia_status_parse(const char *s, enum lnt_sia_status *out);

/* True for the states in which a door supervisor may work the door (valid, expiring). */
bool lnt_sia_status_ok(enum lnt_sia_status s);

/*
 * A licence number the scheme lists with a status from a date: suspended or
 * revoked (not valid from `from`), or valid again. Kept by the server
 * (`lanternctl sia set-status`) and sent to kiosks with the revocation list.
 */
enum lnt_sia_listing {
    LNT_SIA_LISTED_VALID = 0,
    LNT_SIA_LISTED_SUSPENDED = 1,
    LNT_SIA_LISTED_REVOKED = 2
};
/* "valid", "suspended", "revoked"; "unknown" otherwise. */
const char *lnt_sia_listing_name(enum lnt_sia_listing l);
enum lnt_err lnt_sia_listing_parse(const char *s, enum lnt_sia_listing *out);

struct lnt_sia_listed {
    char number[LNT_SIA_NUMBER_LEN + 1]; /* 16 digits */
    enum lnt_sia_listing status;
    int32_t from; /* days since epoch: the status holds from this date on */
};
#define LNT_SIA_LISTED_MAX 1024 /* listed licences a kiosk keeps */

/*
 * The scheme's required training: for each role (enum lnt_role as index), a
 * set of courses as bits (1u << enum lnt_course). A badge missing one, or
 * holding it out of date, is never GREEN.
 */
#define LNT_ROLE_SLOTS 5
#define LNT_COURSE_BIT(c) (UINT32_C(1) << (unsigned)(c))
struct lnt_required_training {
    bool known; /* false: nothing heard from the server yet */
    uint32_t courses[LNT_ROLE_SLOTS];
};

/* What a sign_in is for: the badge's role (the default), or other duties than the door. */
enum lnt_duty { LNT_DUTY_ROLE = 0, LNT_DUTY_OTHER = 1 };

/* sign_in, sign_out, door_refused: one line of the door-supervisor / staff register. */
struct lnt_ev_badge {
    char staff_id[LNT_STAFF_ID_MAX + 1]; /* badge subject */
    char serial[LNT_SERIAL_LEN * 2 + 1]; /* badge serial, hex */
    enum lnt_role role;
    char sia_number[LNT_SIA_NUMBER_LEN + 1]; /* "" when none */
    int32_t sia_expires;                     /* days since epoch, 0 = none */
    enum lnt_sia_status sia_status;
    enum lnt_verdict verdict;
    /* sign_out only, optional on the wire ("" = absent): the manager who signed this person out
     * because they left without scanning. Older kiosks never send it. */
    char signed_out_by[LNT_STAFF_ID_MAX + 1];
    /* optional on the wire (absent: zero), sign_in and door_refused only */
    enum lnt_duty duty;        /* "other" on the wire: signed in for other duties */
    uint32_t training_missing; /* required courses absent or lapsed: LNT_COURSE_BIT set */
};

/* badge_refused: a badge that failed verification. Nothing personal: the badge is not trusted. */
struct lnt_ev_refused {
    enum lnt_badge_reason reason;
};

/*
 * The incident kinds, one vocabulary for the kiosk's picks, the wire codec
 * (which refuses any other), scoring weights and reports: "angela",
 * "spiking", "violence_injury", "violence" (no injury), "sexual" (harassment
 * or assault), "weapons", "drugs", "disorder", "medical" (medical or
 * welfare), "ejection" (ejection or refusal), "theft", "other" (described in the sealed
 * details). NULL-terminated.
 */
extern const char *const lnt_incident_kinds[];
bool lnt_incident_kind_valid(const char *kind);

/* incident: Ask for Angela, spiking, and other incidents. Shaped here; completed by the kiosk work.
 */
struct lnt_ev_incident {
    char report_id[LNT_UUID_STRLEN]; /* same for the first save and every later completion */
    char kind[LNT_SHORT_TEXT];       /* "angela", "spiking", "violence", ... */
    int severity;                    /* 1 (low) .. 5 (serious) */
    char place[LNT_SHORT_TEXT];
    char outcome[LNT_SHORT_TEXT];
    bool police_called;
    bool complete;                       /* false: saved as open, to be completed */
    char staff_id[LNT_STAFF_ID_MAX + 1]; /* who recorded it */
    char sealed[LNT_SEALED_MAX]; /* base64 crypto_box_seal of the details JSON, "" if none */
};

/*
 * The staff_id of an incident recorded without a badge (the kiosk's camera
 * was down): nobody's id, so the server flags every such save for the
 * manager to name who it was.
 */
#define LNT_STAFF_UNIDENTIFIED "unidentified"

/* stock: cup covers. */
struct lnt_ev_stock {
    char kind[16]; /* "count", "delivery", "handed_out" */
    int32_t quantity;
    char staff_id[LNT_STAFF_ID_MAX + 1];
};

/*
 * shift_start, shift_end: NTE volunteers. Tallies are only meaningful on shift_end.
 * `base` (where the team works: safe_haven, bus, partner_venue, patrol) and `leader`
 * (self, other) are optional on the wire ("" = absent); kiosks before them packed both
 * into `team` as "base:<code>;leader:<code>", which the server still reads.
 */
struct lnt_ev_shift {
    char staff_id[LNT_STAFF_ID_MAX + 1];
    char call_sign[LNT_SHORT_TEXT];
    char team[LNT_SHORT_TEXT];
    char base[LNT_SHORT_TEXT];
    char leader[LNT_SHORT_TEXT];
    int32_t team_size;
    int32_t tallies[8]; /* water, flip_flops, blankets, bottles, first_aid, cctv_calls,
                           police_calls, calmed */
};

/*
 * welfare: street welfare at a hub kiosk, town-wide. `place` is one of the town's named public
 * places (synced from the server); `what` one of lnt_welfare_whats, `outcome` one of
 * lnt_welfare_outcomes. Nothing about the person helped.
 */
struct lnt_ev_welfare {
    char staff_id[LNT_STAFF_ID_MAX + 1]; /* who recorded it */
    char place[LNT_SHORT_TEXT];
    char what[24];
    char outcome[24];
};

/* "intoxicated", "injured", "distressed", "vulnerable_alone", "lost_belongings", "other". */
extern const char *const lnt_welfare_whats[];
/* "taxi", "friends", "safe_space", "ambulance", "police". */
extern const char *const lnt_welfare_outcomes[];

struct lnt_event {
    int64_t seq; /* strictly increasing per kiosk, from 1 */
    char uuid[LNT_UUID_STRLEN];
    enum lnt_event_type type;
    int64_t occurred_at; /* unix seconds: when it happened */
    int64_t recorded_at; /* unix seconds: when the kiosk saved it */
    union {
        struct lnt_ev_badge badge; /* sign_in, sign_out */
        struct lnt_ev_refused refused;
        struct lnt_ev_incident incident;
        struct lnt_ev_stock stock;
        struct lnt_ev_shift shift;
        struct lnt_ev_welfare welfare;
    } u;
};

#endif
