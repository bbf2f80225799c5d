/* strings.h - every word the kiosk shows a person, and its quick-pick lists, in one table. */
#ifndef LNT_KIOSK_STRINGS_H
#define LNT_KIOSK_STRINGS_H

#include <stddef.h>

#include "badge.h"

/*
 * Text ids. The words live in strings.c only, so wording can be changed (or
 * translated) in one place; a test checks that every id has words.
 */
enum lnt_sid {
    LNT_S_NONE = 0,
    /* status bar */
    LNT_S_ONLINE,
    LNT_S_OFFLINE,
    LNT_S_NOT_ENROLLED_BAR,
    LNT_S_UNSENT,    /* "Unsent: %lld" */
    LNT_S_LAST_SYNC, /* "Synced %s" day and time */
    LNT_S_NEVER_SYNCED,
    LNT_S_ASIDE,      /* "%lld set aside" */
    LNT_S_UNSENT_OLD, /* "%lld unsent over %lld h" */
    /* idle, enrolment, transient */
    LNT_S_SHOW_BADGE,
    LNT_S_SHOW_BADGE_HINT,
    LNT_S_ENROL_TITLE,
    LNT_S_ENROL_HINT,
    LNT_S_CHECKING,
    LNT_S_SAVING,
    /* badge result */
    LNT_S_GREEN,
    LNT_S_AMBER,
    LNT_S_RED,
    LNT_S_ON_SHIFT,
    LNT_S_NOT_ON_SHIFT,
    LNT_S_STAFF_NO, /* "%s - staff no. %s" */
    LNT_S_ROLE_DOOR,
    LNT_S_ROLE_BAR,
    LNT_S_ROLE_MANAGER,
    LNT_S_ROLE_VOLUNTEER,
    LNT_S_ROLE_NONE,
    LNT_S_SIA_NONE,     /* door staff, no licence on the badge */
    LNT_S_SIA_EXPIRED,  /* "SIA %s: EXPIRED %s" */
    LNT_S_SIA_EXPIRING, /* "SIA %s: expires %s (%d days left)" */
    LNT_S_SIA_VALID,    /* "SIA %s: valid until %s (%d days)" */
    LNT_S_SIA_NOT_REQUIRED,
    LNT_S_TRAINING_NONE,
    LNT_S_COURSE_NO_EXPIRY, /* "%s" */
    LNT_S_COURSE_EXPIRED,   /* "%s: expired %s" */
    LNT_S_COURSE_SOON,      /* "%s: %d days left" */
    LNT_S_COURSE_TO,        /* "%s: to %s" */
    LNT_S_MORE_COURSES,     /* "+ %zu more" */
    LNT_S_V_ALL_IN_DATE,
    LNT_S_V_NO_SIA,
    LNT_S_V_SIA_EXPIRED,   /* "... %s ..." date */
    LNT_S_V_SIA_EXPIRING,  /* "%d day%s" */
    LNT_S_V_TRAINING_GONE, /* "%s" course */
    LNT_S_V_TRAINING_SOON, /* "%d day%s: %s" */
    LNT_S_NOT_SAVED,       /* "%s" error words */
    /* actions */
    LNT_S_SIGN_IN,
    LNT_S_SIGN_OUT,
    LNT_S_START_SHIFT,
    LNT_S_END_SHIFT,
    LNT_S_ANGELA,
    LNT_S_SPIKING,
    LNT_S_INCIDENT,
    LNT_S_OPEN_REPORTS, /* "Open reports (%zu)" */
    LNT_S_CUP_COVERS,
    LNT_S_MORE_MENU,
    LNT_S_NOT_NOW,
    LNT_S_BACK,
    LNT_S_MORE,
    LNT_S_NEXT,
    LNT_S_SAVE,
    LNT_S_SAVE_LATER,
    LNT_S_OK,
    LNT_S_DONE,
    LNT_S_SKIP,
    LNT_S_SPACE,
    LNT_S_DELETE,
    LNT_S_TICK_HINT,
    LNT_S_PAGE, /* "%d of %d" */
    /* refused */
    LNT_S_REFUSED_TITLE,
    LNT_S_REFUSED_NEXT, /* heading for what to do */
    /* saved */
    LNT_S_SAVED_TITLE,
    LNT_S_SAVED_NOTE,
    LNT_S_SAVED_REF, /* "Reference: %s" */
    LNT_S_SAVED_SIGN_IN,
    LNT_S_SAVED_SIGN_OUT,
    LNT_S_SAVED_ANGELA,
    LNT_S_SAVED_SPIKING,
    LNT_S_SAVED_SPIKING_OPEN,
    LNT_S_SAVED_INCIDENT,
    LNT_S_SAVED_STOCK,
    LNT_S_SAVED_SHIFT_START,
    LNT_S_SAVED_SHIFT_END,
    LNT_S_SAVED_GENERIC,
    LNT_S_SAVED_OPEN_NOTE,
    LNT_S_STOCK_LOW,   /* "%lld left, below %lld" */
    LNT_S_STOCK_LEVEL, /* "%lld in stock" */
    /* flows: titles and questions */
    LNT_S_Q_WHERE,
    LNT_S_Q_WHEN,
    LNT_S_Q_WHEN_HHMM,
    LNT_S_Q_ANGELA_ACTIONS,
    LNT_S_Q_ANGELA_OUTCOME,
    LNT_S_Q_SYMPTOMS,
    LNT_S_Q_EVIDENCE,
    LNT_S_Q_POLICE_TOLD,
    LNT_S_Q_POLICE_REF,
    LNT_S_Q_AMBULANCE,
    LNT_S_Q_TESTKIT,
    LNT_S_Q_CCTV,
    LNT_S_Q_CCTV_CAMERA,
    LNT_S_Q_CCTV_RANGE,
    LNT_S_Q_STAFF_ALERTED,
    LNT_S_Q_DESC_PERSON,
    LNT_S_Q_DESC_SUSPECT,
    LNT_S_Q_SPIKING_OUTCOME,
    LNT_S_Q_KIND,
    LNT_S_Q_SEVERITY,
    LNT_S_Q_INCIDENT_OUTCOME,
    LNT_S_Q_POLICE_CALLED,
    LNT_S_Q_STOCK_KIND,
    LNT_S_Q_QUANTITY,
    LNT_S_Q_TEAM_SIZE,
    LNT_S_Q_CALL_SIGN,
    LNT_S_Q_CALL_SIGN_TEXT,
    LNT_S_Q_BASE,
    LNT_S_Q_LEADER,
    LNT_S_Q_TALLY0,
    LNT_S_Q_TALLY1,
    LNT_S_Q_TALLY2,
    LNT_S_Q_TALLY3,
    LNT_S_Q_TALLY4,
    LNT_S_Q_TALLY5,
    LNT_S_Q_TALLY6,
    LNT_S_Q_TALLY7,
    LNT_S_EVIDENCE_REMINDER,
    LNT_S_REPORTS_TITLE,
    LNT_S_REPORTS_NONE,
    LNT_S_REPORT_ITEM, /* "%s %s, %s" kind, time, place */
    LNT_S_COMPLETING,  /* "Completing the report from %s" */
    LNT_S_MENU_TITLE,
    LNT_S_NUMBER_RANGE, /* "%d to %d" */
    LNT_S_NUMBER_BAD,   /* "Enter a number from %d to %d" */
    LNT_S_TIME_BAD,
    LNT_S_TEXT_HINT, /* "Keep it short: %d letters at most" */
    /* incident records: Angela, spiking and other incidents */
    LNT_S_Q_WHO_ASKED,
    LNT_S_Q_CONSCIOUS,
    LNT_S_Q_POLICE_TOLD_AT,
    LNT_S_Q_WELFARE,
    LNT_S_Q_DESC_CONCERN,
    LNT_S_Q_OTHER_TEXT,
    LNT_S_SAVED_ANGELA_OPEN,
    /* Hands: gloved, cold or hurried (settling taps, typed times with their day, the idle
     * countdown, asking before discarding, contrast, plain wording). */
    LNT_S_DAY_MON, /* ... LNT_S_DAY_MON + 6 is Sunday, as lnt_weekday counts */
    LNT_S_DAY_TUE,
    LNT_S_DAY_WED,
    LNT_S_DAY_THU,
    LNT_S_DAY_FRI,
    LNT_S_DAY_SAT,
    LNT_S_DAY_SUN,
    LNT_S_DAY_TIME,    /* "%s %s" day, HH:MM */
    LNT_S_TIME_LATER,  /* "%s is later than now (%s)" */
    LNT_S_TIME_NOW,    /* "It is now %s" */
    LNT_S_TIME_MEANS,  /* "That is %s" */
    LNT_S_IDLE_WARN,   /* "Going back to the start in %d s ..." */
    LNT_S_DISCARD_Q,   /* "Discard this report?" */
    LNT_S_DISCARD_WHY, /* what discarding loses */
    LNT_S_KEEP_GOING,
    LNT_S_DISCARD,
    LNT_S_HAPPENED,       /* "Happened %s" */
    LNT_S_COMPLETING_REF, /* "Finishing %s from %s" ref, day and time */
    LNT_S_VOLUNTEER_LINE, /* "%s — call sign %s" */
    LNT_S_VOLUNTEER_ONLY, /* "%s" role, no call sign yet */
    /* camera: a camera that is down, reports without a badge, aiming, what was sent */
    LNT_S_CAMERA_DOWN,
    LNT_S_CAMERA_DOWN_HINT,
    LNT_S_NOBADGE_BUTTON,
    LNT_S_NOBADGE_TITLE,
    LNT_S_NOBADGE_NOTE,
    LNT_S_NOBADGE_WHO,
    LNT_S_AIM_HINT,
    LNT_S_ASSIST,      /* "Help asked for at the staff door, %s" day and time */
    LNT_S_ASSIST_HINT, /* how to answer it */
    LNT_S_SAVED_SENT,
    LNT_S_SAVED_SENDING,
    LNT_S_SAVED_PENDING,
    /* managers, volunteers and street welfare at the kiosk */
    LNT_S_MORE_OPEN,  /* "More (%lld open)" */
    LNT_S_TEAM,       /* "On shift now" */
    LNT_S_TEAM_TITLE, /* "On shift now: %zu" */
    LNT_S_TEAM_NONE,
    LNT_S_TEAM_RATIO,   /* "%lld door supervisor%s for %lld: 1 per %lld" */
    LNT_S_TEAM_NO_DOOR, /* "No door supervisors signed in for %lld" */
    LNT_S_TEAM_ITEM,    /* "%s - %s, since %s" name, role, time */
    LNT_S_TEAM_HINT,
    LNT_S_CONFIRM_OUT, /* "Sign out %s?" */
    LNT_S_CONFIRM_NOTE,
    LNT_S_SIGN_THEM_OUT,
    LNT_S_SAVED_SIGNED_OUT_FOR, /* "%s signed out" */
    LNT_S_IDLE_STOCK_LOW,       /* "Cup covers low: %lld left, below %lld" */
    LNT_S_Q_RECOUNT,
    LNT_S_TALLIES_HINT,
    LNT_S_TALLIES_CHECK,
    LNT_S_TALLY_LINE, /* "%s: %d" */
    LNT_S_WELFARE,
    LNT_S_Q_WELFARE_WHERE,
    LNT_S_Q_WELFARE_WHAT,
    LNT_S_Q_WELFARE_OUTCOME,
    LNT_S_WELFARE_NO_PLACES,
    LNT_S_SAVED_WELFARE,
    /* ---- the verdict at the door: required training, licences not valid ---- */
    LNT_S_CW_BYSTANDER, /* course words: "active bystander training" */
    LNT_S_CW_WAVE,
    LNT_S_CW_ANGELA,
    LNT_S_CW_SPIKING,
    LNT_S_CW_FIRST_AID,
    LNT_S_CW_CONFLICT,
    LNT_S_CW_CHALLENGE25,
    LNT_S_CW_UNKNOWN,
    LNT_S_V_TRAINING_NEEDED,      /* "Needs %s" course words */
    LNT_S_V_TRAINING_NEEDED_MORE, /* "Needs %s and %d more" */
    LNT_S_V_SIA_SUSPENDED,        /* "... %s ..." date */
    LNT_S_V_SIA_REVOKED,          /* "... %s ..." date */
    LNT_S_SIA_SUSPENDED,          /* "SIA %s: SUSPENDED from %s" */
    LNT_S_SIA_REVOKED,            /* "SIA %s: REVOKED from %s" */
    LNT_S_COURSE_NEEDED,          /* "%s: needed" course words */
    LNT_S_OTHER_DUTIES,
    LNT_S_TELL_MANAGER,
    LNT_S_SAVED_OTHER_DUTIES,
    LNT_S_SAVED_DOOR_REFUSED,
    LNT_S_SAVED_WARNING, /* "%s" the verdict's words */
    LNT_S_WHY_EXPIRED,
    LNT_S_WHY_MISSING,
    LNT_S_WHY_SUSPENDED,
    LNT_S_WHY_REVOKED,
    LNT_S_NOTICE_DOOR, /* "%s could not be signed in on the door at %s - %s" name, time, why */
    LNT_S_NOTICE_MORE, /* "+ %d more" */
    LNT_S_SAVED_TITLE_WARN,
    LNT_S_SAVED_TITLE_REFUSED,
    LNT_S__COUNT
};

/* The words for `id`; never NULL ("" only for LNT_S_NONE). */
const char *lnt_str(enum lnt_sid id);
/*
 * Formats the words for `id` (a printf format, as its comment in this header
 * says) into `out`, truncated to `size`. The arguments must match that
 * comment; every such id is exercised by the screen tests.
 */
void lnt_strf(char *out, size_t size, enum lnt_sid id, ...);

/* Plain words for a training course ("bystander training (WAVE)"); never NULL. */
const char *lnt_str_course(enum lnt_course c);

/* Plain words for a refused badge: what is wrong, and what to do next. */
const char *lnt_str_refused(enum lnt_badge_reason r);
const char *lnt_str_refused_next(enum lnt_badge_reason r);

/* A quick pick: `code` goes on the wire (or into sealed details), `label` on the button. */
struct lnt_pick {
    const char *code;
    const char *label;
};

enum lnt_list {
    LNT_L_NONE = 0,
    LNT_L_YESNO, /* item 0 is "yes", 1 "no", 2 "don't know" */
    LNT_L_WHEN,  /* item 4 is "earlier: set time" */
    LNT_L_PLACES,
    LNT_L_ANGELA_ACTIONS, /* item 5 is "police called" */
    LNT_L_ANGELA_OUTCOMES,
    LNT_L_SYMPTOMS,
    LNT_L_EVIDENCE,
    LNT_L_TESTKIT,
    LNT_L_CCTV_RANGE,
    LNT_L_SPIKING_OUTCOMES,
    LNT_L_INCIDENT_KINDS,
    LNT_L_SEVERITY,
    LNT_L_INCIDENT_OUTCOMES,
    LNT_L_STOCK_KINDS, /* codes are the wire's stock kinds */
    LNT_L_CALL_SIGNS,  /* the last item is "type one" */
    LNT_L_BASES,
    LNT_L_LEADER, /* item 0 is "I lead" */
    /* incident records */
    LNT_L_WHO_ASKED,
    LNT_L_WELFARE,
    /* managers, volunteers and street welfare at the kiosk */
    LNT_L_TALLIES,          /* codes are the wire's tally names, in its order */
    LNT_L_STREET_PLACES,    /* the town's places from the last sync (lnt_list_set_street_places) */
    LNT_L_WELFARE_WHAT,     /* codes are lnt_welfare_whats */
    LNT_L_WELFARE_OUTCOMES, /* codes are lnt_welfare_outcomes */
    LNT_L__COUNT
};

/* At most this many items in any list (a tick mask fits in 32 bits). */
#define LNT_LIST_MAX 12

/* Items of list `l` into *n; NULL (and *n = 0) for LNT_L_NONE or an unknown list. */
const struct lnt_pick *lnt_list_items(enum lnt_list l, size_t *n);
/* Index of `code` in list `l`, or -1. */
int lnt_list_find(enum lnt_list l, const char *code);
/* Label of item `i` of list `l`, or "" when out of range. */
const char *lnt_list_label(enum lnt_list l, int i);
/* Code of item `i` of list `l`, or "" when out of range. */
const char *lnt_list_code(enum lnt_list l, int i);

#define LNT_STREET_PLACES_MAX 24 /* places a town keeps (the server's bound too) */
/*
 * Sets the items of LNT_L_STREET_PLACES (code and label both the place's
 * name), copying at most LNT_STREET_PLACES_MAX names of LNT_SHORT_TEXT bytes.
 * The list is one for the process: call it from the thread that runs the
 * screens (the kiosk's main loop), never while another reads the lists.
 */
void lnt_list_set_street_places(const char (*names)[48], size_t n);

#endif
