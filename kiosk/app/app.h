/* app.h - the kiosk's state machine: badge scans and taps in, what to show and what to save out. */
#ifndef LNT_APP_H
#define LNT_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "badge.h"
#include "event.h"
#include "flows.h"

/*
 * Pure logic: no display, no database, no network. The caller feeds it
 * inputs (a decoded QR text, a tap on a button, typed text, a clock tick)
 * with the current wall-clock time in milliseconds, and gets back what to
 * save. The caller saves the event and then reports the outcome with
 * lnt_app_save_done(): only then does the machine show SAVED, so the screen
 * never claims a save that did not happen.
 */
#define LNT_APP_SAME_SCAN_MS 5000 /* the same badge within this is one scan */
#define LNT_APP_REFUSED_MS 5000   /* refusal screen, then idle */
#define LNT_APP_SAVED_MS 5000     /* saved screen, then idle */
#define LNT_APP_IDLE_MS 60000     /* default: no input for this long, back to idle */
#define LNT_APP_EXPIRING_DAYS 30  /* SIA or training expiring within this is amber */
#define LNT_APP_CUP_THRESHOLD 100 /* default cup-cover warning level */
#define LNT_APP_REPORTS_MAX 16    /* open reports listed */
#define LNT_APP_REPORTS_PAGE 4    /* open reports on one page of the list */
#define LNT_APP_NOTICES_MAX 4     /* door refusals kept for the next manager */
#define LNT_SEVERITY_ANGELA 2
#define LNT_SEVERITY_SPIKING 4

enum lnt_app_state {
    LNT_APP_IDLE = 0, /* "Show your badge" */
    LNT_APP_VERIFY,   /* a badge is being checked (passed through within one input) */
    LNT_APP_BADGE,    /* a valid badge: who, what they hold, verdict, actions */
    LNT_APP_SAVING,   /* an event was handed to the caller; waiting for lnt_app_save_done */
    LNT_APP_REFUSED,  /* a badge that did not verify: reason in plain words */
    LNT_APP_SAVED,    /* the record is durable in the outbox */
    LNT_APP_FORM,     /* a step of a guided flow */
    LNT_APP_MENU,     /* a manager's further actions */
    LNT_APP_REPORTS   /* open reports to finish */
};

/* Button ids on the screens. 0 is never a button. */
enum lnt_app_button {
    LNT_BTN_NONE = 0,
    LNT_BTN_PRIMARY = 1,      /* sign in / sign out (start / end shift for volunteers) */
    LNT_BTN_CANCEL = 2,       /* "Not now": back to idle without saving */
    LNT_BTN_DONE = 3,         /* on REFUSED and SAVED: back to idle */
    LNT_BTN_OTHER_DUTIES = 4, /* a door supervisor without a valid licence: not the door */
    LNT_BTN_TELL_MANAGER = 5, /* the same: not signed in, the manager is told */
    LNT_BTN_ANGELA = 10,
    LNT_BTN_SPIKING,
    LNT_BTN_INCIDENT,
    LNT_BTN_REPORTS,
    LNT_BTN_STOCK,
    LNT_BTN_MENU,
    LNT_BTN_BACK = 20,
    LNT_BTN_MORE,        /* next page of a list */
    LNT_BTN_NEXT,        /* ticks done: next question */
    LNT_BTN_SAVE,        /* save now (complete, or open to finish later) */
    LNT_BTN_OK,          /* keypad / keyboard entry done */
    LNT_BTN_DEL,         /* keypad / keyboard: delete the last character */
    LNT_BTN_ITEM0 = 100, /* item i of a list: LNT_BTN_ITEM0 + i */
    LNT_BTN_KEY0 = 200   /* a key: LNT_BTN_KEY0 + the ASCII character (32..126) */
};

/* Whether `staff_id` is on shift at this kiosk. Must not fail: answer false when unsure. */
typedef bool (*lnt_app_on_shift_fn)(void *ctx, const char *staff_id);
/* Up to `max` open reports into `out`; returns the count. May answer 0. */
typedef size_t (*lnt_app_reports_fn)(void *ctx, struct lnt_open_report *out, size_t max);
/* The running volunteer shift of `staff_id` (call sign, team, size) into *out; false if none. */
typedef bool (*lnt_app_shift_fn)(void *ctx, const char *staff_id, struct lnt_ev_shift *out);
/* Cup covers believed on hand, or -1 when never counted. */
typedef int64_t (*lnt_app_stock_fn)(void *ctx);

struct lnt_app_config {
    const struct lnt_trust *trust;   /* borrowed; may change between inputs */
    int64_t clock_floor;             /* unix seconds; verification never uses an earlier time */
    lnt_app_on_shift_fn on_shift;    /* may be NULL: nobody is ever on shift */
    void *on_shift_ctx;              /* the context of every callback here */
    lnt_app_reports_fn open_reports; /* may be NULL: none */
    lnt_app_shift_fn shift_info;     /* may be NULL */
    lnt_app_stock_fn stock_level;    /* may be NULL */
    int64_t idle_ms;                 /* 0: LNT_APP_IDLE_MS */
    const uint8_t *box_pk; /* server's sealing key (32 bytes), borrowed; NULL: not known */
    int64_t cup_threshold; /* 0: LNT_APP_CUP_THRESHOLD */
    /* The scheme's rules from the last sync, borrowed; may change between inputs. */
    const struct lnt_required_training *required; /* NULL: no training required */
    const struct lnt_sia_listed *sia_listed;      /* licences suspended or revoked */
    size_t n_sia_listed;
};

/* A door supervisor who could not be signed in on the door, for the next manager to see. */
struct lnt_app_notice {
    char name[LNT_BADGE_NAME_MAX + 1];
    int64_t at;              /* unix seconds */
    enum lnt_sia_status why; /* expired, missing, suspended, revoked */
};

/* What a valid badge showed: filled in BADGE and the flows, zeroed in IDLE. */
struct lnt_app_badge {
    struct lnt_badge_claims claims;
    enum lnt_sia_status sia;
    int32_t sia_days_left;                           /* meaningful when the badge has a licence */
    int32_t course_days_left[LNT_BADGE_MAX_COURSES]; /* per claims.courses; < 0 expired */
    enum lnt_verdict verdict;
    char verdict_words[96];    /* why the verdict, in plain words */
    bool on_shift;             /* decides the primary action */
    uint32_t training_missing; /* required for the role, absent or lapsed: LNT_COURSE_BIT */
    int32_t sia_listed_from;   /* sia SUSPENDED / REVOKED: from this day */
    /* a manager's badge: door refusals since the last manager scan (shown once) */
    size_t n_notices;
    int notices_more; /* beyond those kept */
    struct lnt_app_notice notices[LNT_APP_NOTICES_MAX];
};

/* The machine. Fields are read by the screen; only lnt_app_* functions write them. */
struct lnt_app {
    struct lnt_app_config cfg;
    enum lnt_app_state state;
    int64_t state_since_ms; /* when the current state began */
    int64_t last_input_ms;  /* last accepted scan, tap or key */
    struct lnt_app_badge badge;
    enum lnt_badge_reason refused; /* in REFUSED */
    char saved_ref[16];            /* in SAVED: short reference for the record */
    enum lnt_event_type saved_type;
    enum lnt_duty saved_duty; /* in SAVED after a sign_in: other duties than the door */
    enum lnt_flow saved_flow;
    bool saved_open;                /* the saved report is open, to be finished later */
    int64_t saved_stock;            /* cup covers on hand after a stock save, -1 unknown */
    char save_error[96];            /* set when the last save failed; shown on BADGE / FORM */
    struct lnt_form form;           /* in FORM, and while SAVING from a flow */
    enum lnt_app_state saving_from; /* where a failed save goes back to */
    size_t n_reports;               /* in REPORTS */
    struct lnt_open_report reports[LNT_APP_REPORTS_MAX];
    int reports_page;
    /* Duplicate-scan suppression. */
    char last_text[LNT_BADGE_MAX_TEXT + 1];
    int64_t last_seen_ms;
    bool held; /* last_text was in the previous frame */
    /* Door refusals waiting for a manager's badge; kept through idle. */
    size_t n_pending;
    int pending_more;
    struct lnt_app_notice pending[LNT_APP_NOTICES_MAX];
};

/* What an input asks the caller to do. */
struct lnt_app_out {
    bool save;           /* save `ev` in the outbox, then call lnt_app_save_done */
    struct lnt_event ev; /* seq and uuid left for the outbox to assign */
    uint64_t answered;   /* incidents: every question answered so far (for an open report) */
    int64_t cond;        /* incidents: lnt_form_cond_pack of the answers */
};

/* Starts in IDLE. `cfg` is copied. */
void lnt_app_init(struct lnt_app *app, const struct lnt_app_config *cfg, int64_t now_ms);

/* Updates the trust view, clock floor and settings (after a sync or enrolment). */
void lnt_app_set_config(struct lnt_app *app, const struct lnt_app_config *cfg);

/*
 * One camera frame's QR text, or NULL when the frame had no code. The same
 * text in consecutive frames, or again within LNT_APP_SAME_SCAN_MS of its
 * last sighting, is one scan and is ignored. A scan verifies the badge:
 * valid goes to BADGE (leaving any unsaved flow); anything else to REFUSED
 * with a badge_refused event to save (reason code only). Ignored while SAVING.
 */
void lnt_app_scan(struct lnt_app *app, const char *text, int64_t now_ms, struct lnt_app_out *out);

/* A tap on button `id` (a screen's button). Unknown ids for the state are ignored. */
void lnt_app_tap(struct lnt_app *app, int id, int64_t now_ms, struct lnt_app_out *out);

/*
 * Text typed on a keypad or keyboard step (a physical keyboard, or a replay
 * script). Characters the step does not take are dropped. Returns false when
 * the screen has no text entry (nothing changed).
 */
bool lnt_app_type(struct lnt_app *app, const char *text, int64_t now_ms);

/*
 * Time passing: REFUSED and SAVED return to IDLE after their delay; any state
 * after the idle time without input, forgetting everything personal. When
 * that idle time runs out in a spiking or other-incident report with answers
 * given, or an Ask for Angela with a place picked, `out` asks for what was
 * entered to be saved as an OPEN report (complete = false, sealed as usual:
 * it then shows under "Open reports"). The screen does not wait for that
 * save: it is IDLE already, and lnt_app_save_done changes nothing.
 */
void lnt_app_tick(struct lnt_app *app, int64_t now_ms, struct lnt_app_out *out);

/*
 * The caller's report on the event from the last output: `rc` from the
 * outbox, `saved` the event as stored (seq and uuid filled). From SAVING, LNT_OK
 * goes to SAVED; an error goes back to where the save was asked for, with
 * save_error set so the person can try again. In other states (a refusal
 * record) nothing changes.
 */
void lnt_app_save_done(struct lnt_app *app, enum lnt_err rc, const struct lnt_event *saved,
                       int64_t now_ms);

/* Label of the primary action in BADGE: "Sign in" / "Sign out" ("Start shift" / "End shift"). */
const char *lnt_app_primary_label(const struct lnt_app *app);

/*
 * True on BADGE for a door supervisor not on shift whose licence is not valid
 * (missing, expired, suspended or revoked): "Sign in" is not offered, only
 * "Sign in for other duties" (a sign_in with duty "other") and "Tell the
 * manager" (a door_refused event). Both leave a notice for the next manager's
 * badge.
 */
bool lnt_app_door_blocked(const struct lnt_app *app);

/*
 * The listing of licence `number` in force on day `today` (days since epoch),
 * from `listed[0..n)`: LNT_SIA_LISTED_VALID when not listed or not yet in
 * force; *from is the listing's date.
 */
enum lnt_sia_listing lnt_app_sia_listing(const struct lnt_sia_listed *listed, size_t n,
                                         const char *number, int32_t today, int32_t *from);

/* SIA state of `claims` on the date of `now` (unix seconds), with days left when there is a
 * licence. */
enum lnt_sia_status lnt_app_sia_status(const struct lnt_badge_claims *claims, int64_t now,
                                       int32_t *days_left);

/* The idle timeout in force. */
int64_t lnt_app_idle_ms(const struct lnt_app *app);

/* Pages in the list of open reports (LNT_APP_REPORTS_PAGE to a page); 0 when there are none. */
int lnt_app_reports_pages(const struct lnt_app *app);

#endif
