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
#define LNT_APP_SAME_SCAN_MS 5000  /* the same badge within this is one scan */
#define LNT_APP_REFUSED_MS 5000    /* refusal screen, then idle */
#define LNT_APP_SAVED_MS 5000      /* saved screen, then idle */
#define LNT_APP_IDLE_MS 60000      /* default: no input for this long, back to idle */
#define LNT_APP_EXPIRING_DAYS 30   /* SIA or training expiring within this is amber */
#define LNT_APP_CUP_THRESHOLD 100  /* default cup-cover warning level */
#define LNT_APP_REPORTS_MAX 16     /* open reports listed */
#define LNT_APP_REPORTS_PAGE 4     /* open reports on one page of the list */
#define LNT_APP_SETTLE_MS 350      /* a new screen ignores touches this long (a glove's bounce) */
#define LNT_APP_IDLE_WARN_MS 10000 /* the idle countdown is shown this long before idle */
#define LNT_APP_AIM_MS 1000        /* a code in view but unread this long: say how to hold it */
#define LNT_APP_TEAM_MAX 32        /* people listed as on shift */
#define LNT_APP_TEAM_PAGE 4        /* of them on one page */
#define LNT_APP_NOTICES_MAX 4      /* door refusals kept for the next manager */
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
    LNT_APP_REPORTS,  /* open reports to finish */
    LNT_APP_NOBADGE,  /* camera down: which report to record without a badge */
    LNT_APP_TEAM,     /* a manager's view of who is on shift, with the door-supervisor ratio */
    LNT_APP_CONFIRM   /* a manager signing out someone who left without scanning */
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
    LNT_BTN_NOBADGE = 70, /* on IDLE while the camera is down: report without a badge */
    LNT_BTN_BACK = 20,
    LNT_BTN_MORE, /* next page of a list */
    LNT_BTN_NEXT, /* ticks done: next question */
    LNT_BTN_SAVE, /* save now (complete, or open to finish later) */
    LNT_BTN_OK,   /* keypad / keyboard entry done */
    LNT_BTN_DEL,  /* keypad / keyboard: delete the last character */
    /* Asking before a part-done report is thrown away. */
    LNT_BTN_KEEP_GOING = 60, /* "Keep going": back to the question */
    LNT_BTN_DISCARD,         /* "Discard": leave the report unsaved */
    LNT_BTN_TEAM = 30,       /* a manager's "On shift now" */
    LNT_BTN_WELFARE,         /* street welfare */
    LNT_BTN_SIGN_OUT_FOR,    /* on CONFIRM: sign the chosen person out */
    LNT_BTN_ITEM0 = 100,     /* item i of a list: LNT_BTN_ITEM0 + i */
    LNT_BTN_KEY0 = 200,      /* a key: LNT_BTN_KEY0 + the ASCII character (32..126) */
    LNT_BTN_MINUS0 = 400,    /* tally i one less: LNT_BTN_MINUS0 + i */
    LNT_BTN_PLUS0 = 420      /* tally i one more: LNT_BTN_PLUS0 + i */
};

/* Whether `staff_id` is on shift at this kiosk. Must not fail: answer false when unsure. */
typedef bool (*lnt_app_on_shift_fn)(void *ctx, const char *staff_id);
/* Up to `max` open reports into `out`; returns the count. May answer 0. */
typedef size_t (*lnt_app_reports_fn)(void *ctx, struct lnt_open_report *out, size_t max);
/* The running volunteer shift of `staff_id` (call sign, team, size) into *out; false if none. */
typedef bool (*lnt_app_shift_fn)(void *ctx, const char *staff_id, struct lnt_ev_shift *out);
/* Cup covers believed on hand, or -1 when never counted. */
typedef int64_t (*lnt_app_stock_fn)(void *ctx);
/* Up to `max` people signed in at this kiosk into `out`, earliest first; returns the count. */
typedef size_t (*lnt_app_team_fn)(void *ctx, struct lnt_shift_person *out, size_t max);

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
    lnt_app_team_fn team;  /* may be NULL: nobody listed */
    int64_t capacity;      /* the venue's capacity from the sync reply; 0 when not known */
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
    size_t n_team; /* in TEAM and CONFIRM */
    struct lnt_shift_person team[LNT_APP_TEAM_MAX];
    int team_page;
    int team_pick;                          /* in CONFIRM: the index into team */
    char saved_for[LNT_BADGE_NAME_MAX + 1]; /* in SAVED: whom a manager signed out */
    /* Duplicate-scan suppression. */
    char last_text[LNT_BADGE_MAX_TEXT + 1];
    int64_t last_seen_ms;
    bool held; /* last_text was in the previous frame */
    /* Hands: settling screens, taps on release, the idle countdown, asking before discarding. */
    int64_t shown_since_ms; /* when the screen now up (state, step, page, dialog) appeared */
    uint64_t shown_key;     /* which screen that is (app_state.c) */
    int pressed;            /* button a counting press went down on; LNT_BTN_NONE otherwise */
    int64_t pressed_shown;  /* shown_since_ms of the screen that press was on */
    int idle_warn_s;        /* > 0: seconds left before idle, in the last LNT_APP_IDLE_WARN_MS */
    bool confirm_discard;   /* FORM: "Discard this report?" is up */
    char entry_why[96];     /* FORM: why the last OK on a keypad was refused, in words */
    int64_t saved_at;       /* in SAVED: when the saved report happened; 0 when not a report */
    char call_sign[48];     /* BADGE: a volunteer's call sign on a running shift, "" otherwise */
    /* The camera: set by lnt_app_camera; IDLE offers a report without a badge while it is down. */
    bool camera_down;
    /* Aiming: set by lnt_app_aim; IDLE says how to hold a badge while aim_hint is set. */
    int64_t aim_since_ms; /* the first frame of this run with a code seen but not read; 0 none */
    bool aim_hint;
    /* In SAVED: the record's seq, and whether the server has it (lnt_app_sent). */
    int64_t saved_seq;
    bool saved_sent;
    /* The assist button: unix seconds of the press no badge has answered yet; 0 none. */
    int64_t assist_at;
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
    /* stock: after saving `ev` (more handed out than believed in stock), save a count of
     * `recount` cup covers by the same person at the same time */
    bool recount_set;
    int32_t recount;
};

/* Starts in IDLE. `cfg` is copied. */
void lnt_app_init(struct lnt_app *app, const struct lnt_app_config *cfg, int64_t now_ms);

/*
 * Puts back the door refusals that were waiting for a manager's badge when
 * the kiosk stopped (kept on the card by the caller): the first
 * LNT_APP_NOTICES_MAX of `n`, the rest and `more` counted. Call after
 * lnt_app_init, before any input.
 */
void lnt_app_notices_restore(struct lnt_app *app, const struct lnt_app_notice *in, size_t n,
                             int more);

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

/*
 * A tap on button `id` (a screen's button) that is known to be meant: a key on
 * a physical keyboard, or a completed touch from lnt_app_release. Unknown ids
 * for the state are ignored.
 */
void lnt_app_tap(struct lnt_app *app, int id, int64_t now_ms, struct lnt_app_out *out);

/*
 * Touch, as a finger or a mouse gives it: down on button `id` (LNT_BTN_NONE:
 * on no button), then up over `id`. A tap counts on release, when the finger
 * comes up over the button it went down on, on the same screen, and went down
 * after that screen had been up for LNT_APP_SETTLE_MS: a bounce or a double
 * tap does not fall through to the next screen. Any press is input (it keeps
 * the screen from going idle, which is how "touch to stay" works). The tap
 * itself is lnt_app_tap, so `out` is as it says.
 */
void lnt_app_press(struct lnt_app *app, int id, int64_t now_ms);
void lnt_app_release(struct lnt_app *app, int id, int64_t now_ms, struct lnt_app_out *out);
/* Whether a press at `now_ms` would count: the screen has settled. */
bool lnt_app_settled(const struct lnt_app *app, int64_t now_ms);

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

/*
 * The camera is working (or not). While it is not, IDLE takes a tap on
 * LNT_BTN_NOBADGE to NOBADGE, where Ask for Angela, spiking or another
 * incident is recorded as by LNT_STAFF_UNIDENTIFIED (and flagged by the
 * server); nothing else can be done without a badge.
 */
void lnt_app_camera(struct lnt_app *app, bool working);

/*
 * The assist button at the staff door was pressed: someone there wants a
 * member of staff. The idle screen says so, with the time of the first
 * press, until a valid badge is shown (whoever comes answers it); further
 * presses meanwhile keep that time. Nothing else changes: a form being
 * filled in is not interrupted, and nothing is saved.
 */
void lnt_app_assist(struct lnt_app *app, int64_t now_ms);

/*
 * What the scanner made of one camera frame: `seen` a code (its finder
 * patterns), `read` its text. After LNT_APP_AIM_MS of frames with a code
 * seen and never read, aim_hint is set (the idle screen then says how to
 * hold it); a frame read, or one with no code in view, clears it.
 */
void lnt_app_aim(struct lnt_app *app, bool seen, bool read, int64_t now_ms);

/*
 * What the sync reports: the highest seq the server took (`sent_seq`) and
 * refused (`aside_seq`). In SAVED, the record shown is marked sent once
 * sent_seq reaches its seq and aside_seq does not (the screen then says
 * "Sent"); it can change while the screen is up. Nothing else changes.
 */
void lnt_app_sent(struct lnt_app *app, int64_t sent_seq, int64_t aside_seq);

/* Whether the person at the kiosk is the unidentified staff of a report without a badge. */
bool lnt_app_unidentified(const struct lnt_app *app);

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

#define LNT_APP_DAY_TIME_LEN 24 /* "Sat 04:00" and room to spare */

/* "Sat 04:00": London day and time of unix seconds `t` ("--:--" for 0 or before). */
void lnt_app_day_time(int64_t t, char out[LNT_APP_DAY_TIME_LEN]);

/* The short reference a person quotes for a saved record: the last 8 hex digits of `uuid`,
 * in capitals ("" when it is not a UUID). A report's comes from its report id, so it stays
 * the same from its first save to its completion. */
void lnt_app_short_ref(const char *uuid, char out[9]);

/* The idle timeout in force. */
int64_t lnt_app_idle_ms(const struct lnt_app *app);

/* Pages in the list of open reports (LNT_APP_REPORTS_PAGE to a page); 0 when there are none. */
int lnt_app_reports_pages(const struct lnt_app *app);

/* Pages in the list of people on shift (LNT_APP_TEAM_PAGE to a page); 0 when there are none. */
int lnt_app_team_pages(const struct lnt_app *app);

/*
 * Door supervisors among app->team, and people per supervisor at the
 * venue's capacity (capacity / doors, rounded down; 0 when either is 0).
 */
int64_t lnt_app_door_count(const struct lnt_app *app, int64_t *per_door);

/* Whether the badge on screen may record cup covers: bar staff and managers. */
bool lnt_app_may_stock(const struct lnt_app *app);

#endif
