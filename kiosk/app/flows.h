/* flows.h - the kiosk's guided forms as data: which questions each flow asks, in what order. */
#ifndef LNT_KIOSK_FLOWS_H
#define LNT_KIOSK_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "strings.h"

enum lnt_flow {
    LNT_FLOW_NONE = 0,
    LNT_FLOW_ANGELA,
    LNT_FLOW_SPIKING,
    LNT_FLOW_INCIDENT,
    LNT_FLOW_STOCK,
    LNT_FLOW_SHIFT_START,
    LNT_FLOW_SHIFT_END,
    LNT_FLOW_WELFARE, /* street welfare at a hub kiosk */
    LNT_FLOW__COUNT
};

/* Answer slots. Fewer than 64, so a set of them is one uint64_t (bit 1 << field). */
enum lnt_field {
    LNT_F_NONE = 0,
    LNT_F_WHEN,
    LNT_F_WHEN_HHMM,
    LNT_F_PLACE,
    LNT_F_ACTIONS,
    LNT_F_OUTCOME,
    LNT_F_KIND,
    LNT_F_SEVERITY,
    LNT_F_POLICE,
    LNT_F_SYMPTOMS,
    LNT_F_EVIDENCE,
    LNT_F_POLICE_TOLD,
    LNT_F_POLICE_REF,
    LNT_F_AMBULANCE,
    LNT_F_TESTKIT,
    LNT_F_CCTV,
    LNT_F_CCTV_CAMERA,
    LNT_F_CCTV_RANGE,
    LNT_F_STAFF_ALERTED,
    LNT_F_DESC_PERSON,
    LNT_F_DESC_SUSPECT,
    LNT_F_STOCK_KIND,
    LNT_F_QUANTITY,
    LNT_F_TEAM_SIZE,
    LNT_F_CALL_SIGN,
    LNT_F_CALL_SIGN_TEXT,
    LNT_F_BASE,
    LNT_F_LEADER,
    LNT_F_TALLY0, /* ... LNT_F_TALLY0 + 7, in the wire's tally order */
    /* Incident records. After the tallies, so that the bits of open reports kept by an older
     * kiosk keep their meaning. */
    LNT_F_WHO_ASKED = LNT_F_TALLY0 + 8,
    LNT_F_CONSCIOUS,
    LNT_F_POLICE_TOLD_AT,
    LNT_F_WELFARE,
    LNT_F_DESC_CONCERN,
    LNT_F_OTHER_TEXT,
    /* Cup covers and the street welfare log. */
    LNT_F_RECOUNT, /* cup covers counted after handing out more than known */
    LNT_F_WELFARE_PLACE,
    LNT_F_WELFARE_WHAT,
    LNT_F_WELFARE_OUTCOME,
    LNT_F__COUNT
};

#define LNT_FIELD_BIT(f) ((uint64_t)1 << (unsigned)(f))

enum lnt_step_kind {
    LNT_STEP_PICK = 1, /* one of a list; picking moves on */
    LNT_STEP_TICKS,    /* any of a list, then Next */
    LNT_STEP_NUMBER,   /* on-screen keypad */
    LNT_STEP_TIME,     /* keypad, HHMM local time */
    LNT_STEP_TEXT,     /* short-text keyboard */
    LNT_STEP_STEPPERS, /* the eight tallies on one screen, each with - and + (field: the first) */
    LNT_STEP_SUMMARY   /* what is about to be saved, with Save and Back */
};

struct lnt_step {
    enum lnt_step_kind kind;
    enum lnt_field field;
    enum lnt_sid question;
    enum lnt_list list;  /* PICK, TICKS */
    enum lnt_field cond; /* asked only when this field's answer is cond_val (LNT_F_NONE: always) */
    int32_t cond_val;
    int32_t min, max; /* NUMBER bounds; TEXT: max bytes */
    bool optional;    /* TEXT, TIME: may be left empty */
    /* Not asked when this field's answer is unless_val (LNT_F_NONE: no such rule): what an earlier
     * answer already says is not asked again. */
    enum lnt_field unless;
    int32_t unless_val;
};
/*
 * A field may be asked by more than one step (the ambulance comes first when the person is not
 * responding, later otherwise): the first step of the field whose conditions hold asks it, and
 * the later ones are not asked.
 */

struct lnt_flow_def {
    enum lnt_sid title;
    const struct lnt_step *steps;
    int n_steps;
    int early_save;  /* first step that offers a Save button before the end; -1: none */
    bool early_open; /* that early save leaves the report open (to finish later) */
    bool reminder;   /* show the evidence-is-time-critical reminder */
    /* The report stays open until this field has an answer other than "not_known" (LNT_F_NONE:
     * no such field); the early save then leaves it open too. */
    enum lnt_field until;
};

/* The definition of `f`; NULL for LNT_FLOW_NONE or an unknown flow. */
const struct lnt_flow_def *lnt_flow_get(enum lnt_flow f);

/* The flow a report of this kind on the wire comes from: "angela", "spiking", else an incident's
 * own kind ("violence", "drugs", ...). */
enum lnt_flow lnt_flow_of_kind(const char *kind);

/* Answers being collected. Plain data: zero it to start a flow. */
struct lnt_form {
    enum lnt_flow flow;
    int step;                /* index into the flow's steps */
    int page;                /* page of a long list */
    uint64_t answered;       /* fields with an answer */
    uint64_t earlier;        /* fields answered in an earlier save of this report (resumed) */
    int32_t v[LNT_F__COUNT]; /* pick index, tick mask or number */
    char text[LNT_F__COUNT][LNT_SHORT_TEXT]; /* TEXT answers */
    char entry[LNT_SHORT_TEXT];              /* what is being typed on this step */
    bool entry_bad;                          /* the last OK was refused (shown on screen) */
    char report_id[LNT_UUID_STRLEN];         /* "" until the first save */
    int64_t occurred_at;                     /* fixed by an earlier save; 0 = from the answers */
    bool police_earlier;                     /* an earlier save said the police were called */
};

/* Whether step `i` is asked: its condition holds and it was not answered in an earlier save. */
bool lnt_form_applies(const struct lnt_form *fm, int i);
/* The first step after `i` that applies, or -1 at the end. lnt_form_next(fm, -1) is the first. */
int lnt_form_next(const struct lnt_form *fm, int i);
/* The last step before `i` that applies, or -1 at the start. */
int lnt_form_prev(const struct lnt_form *fm, int i);
/* Whether step `i` is the last one that applies. */
bool lnt_form_is_last(const struct lnt_form *fm, int i);
/* Whether a save now would finish the report: its flow's `until` field is answered and known. */
bool lnt_form_complete(const struct lnt_form *fm);
/* Whether the current step shows an early Save button. */
bool lnt_form_offers_save(const struct lnt_form *fm);

/*
 * Layout of a list step on the screen: at most six targets in all, Back
 * included. Gives the items per page and the page count for the current step.
 */
void lnt_form_pages(const struct lnt_form *fm, int *per_page, int *pages);

/* Whether `f` was answered "yes" (a LNT_L_YESNO pick, item 0). */
bool lnt_form_yes(const struct lnt_form *fm, enum lnt_field f);

/*
 * The values of the few pick fields later questions depend on, packed in an
 * integer (4 bits each), so a report saved open can be resumed without
 * keeping any of its sensitive answers on the kiosk.
 */
int64_t lnt_form_cond_pack(const struct lnt_form *fm);
void lnt_form_cond_unpack(struct lnt_form *fm, int64_t packed);

/*
 * A report saved open, as the kiosk keeps it until it is finished: only the
 * parts that also go on the wire in the clear, which questions were answered,
 * and the packed condition values. The sensitive answers were sealed to the
 * server and are not kept here.
 */
struct lnt_open_report {
    char report_id[LNT_UUID_STRLEN];
    char kind[LNT_SHORT_TEXT];
    char place[LNT_SHORT_TEXT];
    char outcome[LNT_SHORT_TEXT];
    int severity;
    bool police_called;
    int64_t occurred_at;
    uint64_t answered;
    int64_t cond;
    char staff_id[LNT_STAFF_ID_MAX + 1]; /* who started it */
};

/* Someone signed in at this kiosk, from its own register of sign-ins. */
struct lnt_shift_person {
    char staff_id[LNT_STAFF_ID_MAX + 1];
    char name[LNT_BADGE_NAME_MAX + 1]; /* as the badge said at sign-in; "" when not known */
    char serial[LNT_SERIAL_LEN * 2 + 1];
    enum lnt_role role;
    char sia_number[LNT_SIA_NUMBER_LEN + 1];
    int32_t sia_expires;
    enum lnt_sia_status sia_status;
    enum lnt_verdict verdict;
    int64_t since; /* unix seconds */
};

#endif
