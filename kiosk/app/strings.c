/* strings.c - every word the kiosk shows a person, and its quick-pick lists, in one table. */
#include "strings.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "event.h"

/* Symbols in DejaVu Sans, so that colour is never the only signal. */
#define SYM_OK "\xe2\x9c\x94"   /* U+2714 heavy check mark */
#define SYM_WARN "\xe2\x9a\xa0" /* U+26A0 warning sign */
#define SYM_NO "\xe2\x9c\x96"   /* U+2716 heavy multiplication x */
#define SYM_ON "\xe2\x97\x8f"   /* U+25CF black circle */
#define SYM_OFF "\xe2\x97\x8b"  /* U+25CB white circle */
#define DASH "\xe2\x80\x94"     /* U+2014 em dash */
#define ARROW_R "\xe2\x96\xb8"  /* U+25B8 small right triangle */
#define ARROW_L "\xe2\x97\x82"  /* U+25C2 small left triangle */

static const char *const table[LNT_S__COUNT] = {
    [LNT_S_NONE] = "",
    [LNT_S_ONLINE] = SYM_ON " Online",
    [LNT_S_OFFLINE] = SYM_OFF " Offline",
    [LNT_S_NOT_ENROLLED_BAR] = SYM_OFF " Not enrolled",
    [LNT_S_UNSENT] = "Unsent: %lld",
    [LNT_S_LAST_SYNC] = "Synced %s",
    [LNT_S_NEVER_SYNCED] = "Never synced",
    [LNT_S_ASIDE] = SYM_WARN " %lld set aside",
    [LNT_S_UNSENT_OLD] = SYM_WARN " %lld unsent over %lld h",

    [LNT_S_SHOW_BADGE] = "Show your badge",
    [LNT_S_SHOW_BADGE_HINT] = "Hold the QR code up to the camera, about a hand's width away",
    [LNT_S_ENROL_TITLE] = "Scan enrolment code",
    [LNT_S_ENROL_HINT] = "Ask your scheme administrator for this kiosk's set-up code",
    [LNT_S_CHECKING] = "Checking badge...",
    [LNT_S_SAVING] = "Saving...",

    [LNT_S_GREEN] = SYM_OK " GREEN",
    [LNT_S_AMBER] = SYM_WARN " AMBER",
    [LNT_S_RED] = SYM_NO " RED",
    [LNT_S_ON_SHIFT] = SYM_ON " On shift",
    [LNT_S_NOT_ON_SHIFT] = SYM_OFF " Not on shift",
    [LNT_S_STAFF_NO] = "%s " DASH " staff no. %s",
    [LNT_S_ROLE_DOOR] = "Door supervisor",
    [LNT_S_ROLE_BAR] = "Bar staff",
    [LNT_S_ROLE_MANAGER] = "Manager",
    [LNT_S_ROLE_VOLUNTEER] = "Volunteer",
    [LNT_S_ROLE_NONE] = "No role",
    [LNT_S_SIA_NONE] = SYM_NO " SIA licence: none on badge",
    [LNT_S_SIA_EXPIRED] = SYM_NO " SIA %s: EXPIRED %s",
    [LNT_S_SIA_EXPIRING] = SYM_WARN " SIA %s: expires %s (%d days left)",
    [LNT_S_SIA_VALID] = SYM_OK " SIA %s: valid until %s (%d days)",
    [LNT_S_SIA_NOT_REQUIRED] = "SIA licence: not required",
    [LNT_S_TRAINING_NONE] = "Training: none on badge",
    [LNT_S_COURSE_NO_EXPIRY] = SYM_OK " %s",
    [LNT_S_COURSE_EXPIRED] = SYM_NO " %s: expired %s",
    [LNT_S_COURSE_SOON] = SYM_WARN " %s: %d days left",
    [LNT_S_COURSE_TO] = SYM_OK " %s: to %s",
    [LNT_S_MORE_COURSES] = "+ %zu more",
    [LNT_S_V_ALL_IN_DATE] = "All in date",
    [LNT_S_V_NO_SIA] = "No SIA licence on this badge: may not work the door",
    [LNT_S_V_SIA_EXPIRED] = "SIA licence expired %s: may not work the door",
    [LNT_S_V_SIA_EXPIRING] = "SIA licence expires in %d day%s",
    [LNT_S_V_TRAINING_GONE] = "Training out of date: %s",
    [LNT_S_V_TRAINING_SOON] = "Training expires in %d day%s: %s",
    [LNT_S_NOT_SAVED] = "Not saved (%s). Try again; if it keeps failing, tell the manager.",

    [LNT_S_SIGN_IN] = "Sign in",
    [LNT_S_SIGN_OUT] = "Sign out",
    [LNT_S_START_SHIFT] = "Start shift",
    [LNT_S_END_SHIFT] = "End shift",
    [LNT_S_ANGELA] = "Ask for Angela",
    [LNT_S_SPIKING] = "Spiking",
    [LNT_S_INCIDENT] = "Other incident",
    [LNT_S_OPEN_REPORTS] = "Open reports (%zu)",
    [LNT_S_CUP_COVERS] = "Cup covers",
    [LNT_S_MORE_MENU] = "More " ARROW_R,
    [LNT_S_NOT_NOW] = "Not now",
    [LNT_S_BACK] = ARROW_L " Back",
    [LNT_S_MORE] = "More " ARROW_R,
    [LNT_S_NEXT] = "Next " ARROW_R,
    [LNT_S_SAVE] = "Save",
    [LNT_S_SAVE_LATER] = "Save, finish later",
    [LNT_S_OK] = "OK",
    [LNT_S_DONE] = "Done",
    [LNT_S_SKIP] = "Skip",
    [LNT_S_SPACE] = "Space",
    [LNT_S_DELETE] = "Delete",
    [LNT_S_TICK_HINT] = "Tick all that apply",
    [LNT_S_PAGE] = "%d of %d",

    [LNT_S_REFUSED_TITLE] = SYM_NO " BADGE NOT ACCEPTED",
    [LNT_S_REFUSED_NEXT] = "What to do:",

    [LNT_S_SAVED_TITLE] = SYM_OK " SAVED",
    [LNT_S_SAVED_NOTE] = "Saved " DASH " will reach the council's system when online.",
    [LNT_S_SAVED_REF] = "Reference: %s",
    [LNT_S_SAVED_SIGN_IN] = "Signed in",
    [LNT_S_SAVED_SIGN_OUT] = "Signed out",
    [LNT_S_SAVED_ANGELA] = "Ask for Angela recorded",
    [LNT_S_SAVED_SPIKING] = "Spiking report complete",
    [LNT_S_SAVED_SPIKING_OPEN] = "Spiking report saved OPEN",
    [LNT_S_SAVED_INCIDENT] = "Incident recorded",
    [LNT_S_SAVED_STOCK] = "Cup-cover stock recorded",
    [LNT_S_SAVED_SHIFT_START] = "Shift started",
    [LNT_S_SAVED_SHIFT_END] = "Shift ended",
    [LNT_S_SAVED_GENERIC] = "Saved",
    [LNT_S_SAVED_OPEN_NOTE] = SYM_WARN " Not finished: complete it under Open reports as soon as "
                                       "you can.",
    [LNT_S_STOCK_LOW] = SYM_WARN " Cup covers LOW: %lld left, below %lld. Order more.",
    [LNT_S_STOCK_LEVEL] = SYM_OK " Cup covers: %lld in stock",

    [LNT_S_Q_WHERE] = "Where in the venue?",
    [LNT_S_Q_WHEN] = "When did it happen?",
    [LNT_S_Q_WHEN_HHMM] = "What time? Four digits, 24-hour (2215)",
    [LNT_S_Q_ANGELA_ACTIONS] = "What was done?",
    [LNT_S_Q_ANGELA_OUTCOME] = "How did it end?",
    [LNT_S_Q_SYMPTOMS] = "Symptoms seen",
    [LNT_S_Q_EVIDENCE] = "Evidence",
    [LNT_S_Q_POLICE_TOLD] = "Police informed?",
    [LNT_S_Q_POLICE_REF] = "Police reference (if given)",
    [LNT_S_Q_AMBULANCE] = "Ambulance called?",
    [LNT_S_Q_TESTKIT] = "Test kit used?",
    [LNT_S_Q_CCTV] = "CCTV preserved?",
    [LNT_S_Q_CCTV_CAMERA] = "Which camera?",
    [LNT_S_Q_CCTV_RANGE] = "CCTV kept from when? Counted back from the incident",
    [LNT_S_Q_STAFF_ALERTED] = "Staff alerted to watch for others?",
    [LNT_S_Q_DESC_PERSON] = "The person: clothing, for CCTV",
    [LNT_S_Q_DESC_SUSPECT] = "Any suspect: description",
    [LNT_S_Q_SPIKING_OUTCOME] = "How did it end?",
    [LNT_S_Q_KIND] = "What happened?",
    [LNT_S_Q_SEVERITY] = "How serious?",
    [LNT_S_Q_INCIDENT_OUTCOME] = "How did it end?",
    [LNT_S_Q_POLICE_CALLED] = "Police called?",
    [LNT_S_Q_STOCK_KIND] = "Cup covers: what are you recording?",
    [LNT_S_Q_QUANTITY] = "How many?",
    [LNT_S_Q_TEAM_SIZE] = "How many in the team?",
    [LNT_S_Q_CALL_SIGN] = "Call sign",
    [LNT_S_Q_CALL_SIGN_TEXT] = "Type the call sign",
    [LNT_S_Q_BASE] = "Where is the team based?",
    [LNT_S_Q_LEADER] = "Who leads the shift?",
    [LNT_S_Q_TALLY0] = "Bottles of water given",
    [LNT_S_Q_TALLY1] = "Flip-flops given",
    [LNT_S_Q_TALLY2] = "Space blankets given",
    [LNT_S_Q_TALLY3] = "Bottles and glasses collected",
    [LNT_S_Q_TALLY4] = "First aid given",
    [LNT_S_Q_TALLY5] = "Calls from CCTV",
    [LNT_S_Q_TALLY6] = "Calls from police",
    [LNT_S_Q_TALLY7] = "Situations calmed",
    [LNT_S_EVIDENCE_REMINDER] =
        SYM_WARN " Some drugs leave the body within 12 hours: keep the drink, keep the CCTV, "
                 "tell the police now.",
    [LNT_S_REPORTS_TITLE] = "Open reports: pick one to finish",
    [LNT_S_REPORTS_NONE] = "No open reports. Everything is finished.",
    [LNT_S_REPORT_ITEM] = "%s %s, %s",
    [LNT_S_COMPLETING] = "Finishing the report from %s",
    [LNT_S_MENU_TITLE] = "More",
    [LNT_S_NUMBER_RANGE] = "%d to %d",
    [LNT_S_NUMBER_BAD] = SYM_NO " Enter a number from %d to %d",
    [LNT_S_TIME_BAD] = SYM_NO " Enter a time like 2215 (hours 00-23, minutes 00-59)",
    [LNT_S_TEXT_HINT] = "Keep it short: %d letters at most. No names of the person helped.",
    /* incident records: Angela, spiking and other incidents */
    [LNT_S_Q_WHO_ASKED] = "Who asked?",
    [LNT_S_Q_CONSCIOUS] = "Is the person conscious and responding?",
    [LNT_S_Q_POLICE_TOLD_AT] = "When were the police told? Four digits (2215), or Skip",
    [LNT_S_Q_WELFARE] = "Welfare given",
    [LNT_S_Q_DESC_CONCERN] = "Person causing concern: clothing, for CCTV",
    [LNT_S_Q_OTHER_TEXT] = "What happened? A few words",
    [LNT_S_SAVED_ANGELA_OPEN] = "Ask for Angela saved OPEN: outcome to follow",

    /* Hands: gloved, cold or hurried. */
    [LNT_S_DAY_MON] = "Mon",
    [LNT_S_DAY_TUE] = "Tue",
    [LNT_S_DAY_WED] = "Wed",
    [LNT_S_DAY_THU] = "Thu",
    [LNT_S_DAY_FRI] = "Fri",
    [LNT_S_DAY_SAT] = "Sat",
    [LNT_S_DAY_SUN] = "Sun",
    [LNT_S_DAY_TIME] = "%s %s",
    [LNT_S_TIME_LATER] = SYM_NO " %s is later than now (%s)",
    [LNT_S_TIME_NOW] = "It is now %s",
    [LNT_S_TIME_MEANS] = "That is %s",
    [LNT_S_IDLE_WARN] = SYM_WARN " Going back to the start in %d s " DASH " touch to stay",
    [LNT_S_DISCARD_Q] = "Discard this report?",
    [LNT_S_DISCARD_WHY] = "What you entered will not be saved.",
    [LNT_S_KEEP_GOING] = "Keep going",
    [LNT_S_DISCARD] = "Discard",
    [LNT_S_HAPPENED] = "Happened %s",
    [LNT_S_COMPLETING_REF] = "Finishing %s from %s",
    [LNT_S_VOLUNTEER_LINE] = "%s " DASH " call sign %s",
    [LNT_S_VOLUNTEER_ONLY] = "%s",
    /* camera */
    [LNT_S_CAMERA_DOWN] = SYM_WARN " The camera is not working",
    [LNT_S_CAMERA_DOWN_HINT] = "Badges cannot be read. Call the manager.",
    [LNT_S_NOBADGE_BUTTON] = "Report without badge",
    [LNT_S_NOBADGE_TITLE] = "Report without badge",
    [LNT_S_NOBADGE_NOTE] = "Recorded as unidentified staff and flagged for the manager.",
    [LNT_S_SAVED_SENT] = SYM_OK " Sent " DASH " the council's system has it.",
    [LNT_S_SAVED_SENDING] = "Saved " DASH " sending now.",
    [LNT_S_SAVED_PENDING] = "Saved on this kiosk " DASH " will send when online.",
    [LNT_S_AIM_HINT] = "Hold it still, a hand's width from the camera",
    [LNT_S_ASSIST] = SYM_WARN " Help asked for at the staff door, %s",
    [LNT_S_ASSIST_HINT] = "Show your badge here to answer it.",
    [LNT_S_NOBADGE_WHO] = "No badge: unidentified", /* fits a badge name (28 bytes) */
    /* managers, volunteers and street welfare at the kiosk */
    [LNT_S_MORE_OPEN] = "More (%lld open) " ARROW_R,
    [LNT_S_TEAM] = "On shift now",
    [LNT_S_TEAM_TITLE] = "On shift now: %zu",
    [LNT_S_TEAM_NONE] = "Nobody is signed in at this kiosk.",
    [LNT_S_TEAM_RATIO] = "%lld door supervisor%s for %lld: 1 per %lld",
    [LNT_S_TEAM_NO_DOOR] = SYM_WARN " No door supervisors signed in for %lld",
    [LNT_S_TEAM_ITEM] = "%s - %s, since %s",
    [LNT_S_TEAM_HINT] = "Tap someone who left without scanning to sign them out.",
    [LNT_S_CONFIRM_OUT] = "Sign out %s?",
    [LNT_S_CONFIRM_NOTE] = "Only when they have left without scanning out. The register will "
                           "say you signed them out.",
    [LNT_S_SIGN_THEM_OUT] = "Sign them out",
    [LNT_S_SAVED_SIGNED_OUT_FOR] = "%s signed out",
    [LNT_S_IDLE_STOCK_LOW] = SYM_WARN " Cup covers low: %lld left, below %lld. Restock.",
    [LNT_S_Q_RECOUNT] = "More than in stock? Count what is left",
    [LNT_S_TALLIES_HINT] = "Tap + for each one",
    [LNT_S_TALLIES_CHECK] = "Check your tallies, then save",
    [LNT_S_TALLY_LINE] = "%s: %d",
    [LNT_S_WELFARE] = "Street welfare",
    [LNT_S_Q_WELFARE_WHERE] = "Where in town?",
    [LNT_S_Q_WELFARE_WHAT] = "What happened?",
    [LNT_S_Q_WELFARE_OUTCOME] = "How did it end?",
    [LNT_S_WELFARE_NO_PLACES] = "No places yet: the scheme adds them with lanternctl place add, "
                                "then the kiosk syncs.",
    [LNT_S_SAVED_WELFARE] = "Street welfare recorded",

    /* ---- the verdict at the door: required training, licences not valid ---- */
    [LNT_S_CW_BYSTANDER] = "active bystander training",
    [LNT_S_CW_WAVE] = "bystander training (WAVE)",
    [LNT_S_CW_ANGELA] = "Ask for Angela training",
    [LNT_S_CW_SPIKING] = "spiking awareness",
    [LNT_S_CW_FIRST_AID] = "first aid",
    [LNT_S_CW_CONFLICT] = "conflict management",
    [LNT_S_CW_CHALLENGE25] = "Challenge 25",
    [LNT_S_CW_UNKNOWN] = "a course this kiosk does not know",
    [LNT_S_V_TRAINING_NEEDED] = "Needs %s",
    [LNT_S_V_TRAINING_NEEDED_MORE] = "Needs %s and %d more",
    [LNT_S_V_SIA_SUSPENDED] = "SIA licence suspended from %s: may not work the door",
    [LNT_S_V_SIA_REVOKED] = "SIA licence revoked from %s: may not work the door",
    [LNT_S_SIA_SUSPENDED] = SYM_NO " SIA %s: SUSPENDED from %s",
    [LNT_S_SIA_REVOKED] = SYM_NO " SIA %s: REVOKED from %s",
    [LNT_S_COURSE_NEEDED] = SYM_NO " %s: needed",
    [LNT_S_OTHER_DUTIES] = "Sign in for other duties",
    [LNT_S_TELL_MANAGER] = "Tell the manager",
    [LNT_S_SAVED_OTHER_DUTIES] = SYM_WARN " Signed in for other duties, NOT the door",
    [LNT_S_SAVED_DOOR_REFUSED] = SYM_NO " Not signed in. The manager will be told.",
    [LNT_S_SAVED_WARNING] = SYM_WARN " %s",
    [LNT_S_WHY_EXPIRED] = "licence expired",
    [LNT_S_WHY_MISSING] = "no licence on the badge",
    [LNT_S_WHY_SUSPENDED] = "licence suspended",
    [LNT_S_WHY_REVOKED] = "licence revoked",
    [LNT_S_NOTICE_DOOR] = SYM_WARN " %s could not be signed in on the door at %s " DASH " %s",
    [LNT_S_NOTICE_MORE] = "(+ %d more at the door: see the register)",
    [LNT_S_SAVED_TITLE_WARN] = SYM_WARN " SAVED " DASH " with a warning",
    [LNT_S_SAVED_TITLE_REFUSED] = SYM_NO " SAVED " DASH " NOT signed in on the door",
};

const char *lnt_str(enum lnt_sid id)
{
    if ((unsigned)id >= LNT_S__COUNT || table[id] == NULL)
        return "";
    return table[id];
}

void lnt_strf(char *out, size_t size, enum lnt_sid id, ...)
{
    va_list ap;

    if (size == 0)
        return;
    va_start(ap, id);
    vsnprintf(out, size, lnt_str(id), ap);
    va_end(ap);
}

static const char *const refused[LNT_BADGE__COUNT] = {
    [LNT_BADGE_VALID] = "Badge accepted.",
    [LNT_BADGE_NOT_LANTERN] = "This is not a Lantern staff badge.",
    [LNT_BADGE_BAD_ENCODING] = "The code could not be read: it may be damaged or covered.",
    [LNT_BADGE_OVERSIZED] = "This code is too long to be a staff badge.",
    [LNT_BADGE_MALFORMED] = "This badge is damaged or was not made properly.",
    [LNT_BADGE_UNKNOWN_KEY] = "This kiosk does not know who issued this badge.",
    [LNT_BADGE_BAD_SIGNATURE] = "This badge has been altered or is not genuine.",
    [LNT_BADGE_EXPIRED] = "This badge has expired.",
    [LNT_BADGE_NOT_YET_VALID] = "This badge is not valid yet.",
    [LNT_BADGE_REVOKED] = "This badge has been cancelled.",
    [LNT_BADGE_WRONG_SCHEME] = "This badge is from another town's scheme.",
};

static const char *const refused_next[LNT_BADGE__COUNT] = {
    [LNT_BADGE_VALID] = "",
    [LNT_BADGE_NOT_LANTERN] = "Show the staff badge from your scheme, not another QR code.",
    [LNT_BADGE_BAD_ENCODING] = "Hold the badge flat and still and try again. If it keeps "
                               "failing, use the paper register and ask for a reprint.",
    [LNT_BADGE_OVERSIZED] = "Show the staff badge from your scheme.",
    [LNT_BADGE_MALFORMED] = "Use the paper register tonight and ask the manager for a new badge.",
    [LNT_BADGE_UNKNOWN_KEY] = "If the badge is new the kiosk may need to update: tell the "
                              "manager. Use the paper register tonight.",
    [LNT_BADGE_BAD_SIGNATURE] = "Do not accept it. Tell the manager.",
    [LNT_BADGE_EXPIRED] = "Use the paper register tonight and ask the manager for a new badge.",
    [LNT_BADGE_NOT_YET_VALID] = "Check the kiosk's date and time, or ask the manager.",
    [LNT_BADGE_REVOKED] = "A newer badge was issued or this one was reported lost. Use the new "
                          "badge or see the manager.",
    [LNT_BADGE_WRONG_SCHEME] = "It is not valid here. Use the paper register and tell the "
                               "manager.",
};

const char *lnt_str_course(enum lnt_course c)
{
    switch (c) {
    case LNT_COURSE_BYSTANDER:
        return lnt_str(LNT_S_CW_BYSTANDER);
    case LNT_COURSE_WAVE:
        return lnt_str(LNT_S_CW_WAVE);
    case LNT_COURSE_ANGELA:
        return lnt_str(LNT_S_CW_ANGELA);
    case LNT_COURSE_SPIKING:
        return lnt_str(LNT_S_CW_SPIKING);
    case LNT_COURSE_FIRST_AID:
        return lnt_str(LNT_S_CW_FIRST_AID);
    case LNT_COURSE_CONFLICT:
        return lnt_str(LNT_S_CW_CONFLICT);
    case LNT_COURSE_CHALLENGE25:
        return lnt_str(LNT_S_CW_CHALLENGE25);
    case LNT_COURSE_NONE:
        break;
    }
    return lnt_str(LNT_S_CW_UNKNOWN);
}

const char *lnt_str_refused(enum lnt_badge_reason r)
{
    if ((unsigned)r >= LNT_BADGE__COUNT)
        return "This badge could not be checked.";
    return refused[r];
}

const char *lnt_str_refused_next(enum lnt_badge_reason r)
{
    if ((unsigned)r >= LNT_BADGE__COUNT)
        return "Use the paper register and tell the manager.";
    return refused_next[r];
}

/* ---- quick picks ---- */

static const struct lnt_pick yesno[] = {{"yes", "Yes"}, {"no", "No"}, {"dont_know", "Don't know"}};
static const struct lnt_pick when[] = {{"0", "Now"},
                                       {"15", "15 min ago"},
                                       {"30", "30 min ago"},
                                       {"60", "1 hour ago"},
                                       {"earlier", "Earlier: set time"}};
static const struct lnt_pick places[] = {
    {"bar", "Bar"},           {"dance_floor", "Dance floor"},
    {"toilets", "Toilets"},   {"smoking_area", "Smoking area"},
    {"entrance", "Entrance"}, {"outside", "Outside the venue"}};
static const struct lnt_pick angela_actions[] = {{"out_of_sight", "Moved out of sight"},
                                                 {"taxi_or_call", "Offered taxi or a call"},
                                                 {"asked_wishes", "Asked what they want"},
                                                 {"asked_to_leave", "Other person asked to leave"},
                                                 {"kept_apart", "Not left in their sight"}};
/* "Not known yet" on the first page: the report then stays open until the outcome is given. */
static const struct lnt_pick angela_outcomes[] = {{"left_safely", "Left safely with friends"},
                                                  {"taxi_home", "Taxi or lift home"},
                                                  {"police", "Police took over"},
                                                  {"not_known", "Not known yet"},
                                                  {"stayed", "Stayed, felt safe"},
                                                  {"other", "Other"}};
static const struct lnt_pick symptoms[] = {{"confusion", "Confusion"},
                                           {"nausea", "Nausea"},
                                           {"vomiting", "Vomiting"},
                                           {"hallucinations", "Hallucinations"},
                                           {"disorientation", "Disorientation"},
                                           {"loss_of_speech", "Loss of speech"},
                                           {"paranoia", "Paranoia"},
                                           {"poor_coordination", "Poor coordination"},
                                           {"unconscious", "Unconscious"}};
static const struct lnt_pick evidence[] = {{"vessel_secured", "Their drink kept"},
                                           {"suspect_vessel", "Suspect's glass seized"},
                                           {"needle", "Needle suspected"}};
static const struct lnt_pick testkit[] = {{"not_used", "Not used"},
                                          {"positive", "Used: positive"},
                                          {"negative", "Used: negative"},
                                          {"no_result", "Used: no result"}};
/* Counted back from when it happened, not from when the report is saved. */
static const struct lnt_pick cctv_range[] = {{"30", "From 30 min before it"},
                                             {"60", "From 1 hour before it"},
                                             {"120", "From 2 hours before it"},
                                             {"night", "Whole night"}};
static const struct lnt_pick spiking_outcomes[] = {{"home_friends", "Home with friends"},
                                                   {"hospital", "Hospital"},
                                                   {"police", "Police took over"},
                                                   {"recovering", "Recovering here"}};
static const struct lnt_pick incident_kinds[] = {{"violence_injury", "Violence: injury"},
                                                 {"violence", "Violence: no injury"},
                                                 {"sexual", "Sexual harassment or assault"},
                                                 {"weapons", "Weapon"},
                                                 {"drugs", "Drugs"},
                                                 {"disorder", "Disorder"},
                                                 {"medical", "Medical or welfare"},
                                                 {"ejection", "Ejection or refusal"},
                                                 {"theft", "Theft"},
                                                 {"other", "Other"}};
/* Each level in words, so that two people pick the same number for the same night. */
static const struct lnt_pick severity[] = {{"1", "1 Minor - no one hurt"},
                                           {"2", "2 Low - threats, upset"},
                                           {"3", "3 Moderate - minor injury"},
                                           {"4", "4 High - injury, first aid"},
                                           {"5", "5 Serious - weapon or hospital"}};
static const struct lnt_pick incident_outcomes[] = {{"resolved", "Resolved on site"},
                                                    {"ejected", "Person ejected"},
                                                    {"police", "Police took over"},
                                                    {"medical", "First aid or ambulance"},
                                                    {"other", "Other"}};
static const struct lnt_pick stock_kinds[] = {
    {"count", "Count on hand"}, {"delivery", "Delivery received"}, {"handed_out", "Handed out"}};
static const struct lnt_pick call_signs[] = {{"Alpha", "Alpha"},
                                             {"Bravo", "Bravo"},
                                             {"Charlie", "Charlie"},
                                             {"Delta", "Delta"},
                                             {"", "Type one"}};
static const struct lnt_pick bases[] = {{"safe_haven", "Safe haven"},
                                        {"bus", "Welfare bus"},
                                        {"partner_venue", "Partner venue"},
                                        {"patrol", "On patrol"}};
static const struct lnt_pick leader[] = {{"self", "I lead this shift"},
                                         {"other", "Someone else leads"}};
/* incident records */
static const struct lnt_pick who_asked[] = {
    {"person", "The person"}, {"friend", "A friend"}, {"staff", "Staff noticed"}};
static const struct lnt_pick welfare[] = {
    {"safe_space", "Safe space"}, {"with_friends", "With friends"}, {"first_aid", "First aid"}};

/* managers, volunteers and street welfare at the kiosk */
static const struct lnt_pick tallies[] = {{"water", "Water"},         {"flip_flops", "Flip-flops"},
                                          {"blankets", "Blankets"},   {"bottles", "Bottles"},
                                          {"first_aid", "First aid"}, {"cctv_calls", "CCTV calls"},
                                          {"police_calls", "Police"}, {"calmed", "Calmed"}};
static const struct lnt_pick welfare_what[] = {
    {"intoxicated", "Intoxicated"},         {"injured", "Injured"},
    {"distressed", "Distressed"},           {"vulnerable_alone", "Vulnerable, alone"},
    {"lost_belongings", "Lost belongings"}, {"other", "Other"}};
static const struct lnt_pick welfare_outcomes[] = {{"taxi", "Taxi home"},
                                                   {"friends", "Back with friends"},
                                                   {"safe_space", "Safe space"},
                                                   {"ambulance", "Ambulance"},
                                                   {"police", "Police"}};
static char street_names[LNT_STREET_PLACES_MAX][48];
_Static_assert(sizeof street_names[0] == LNT_SHORT_TEXT, "a place's name is a quick-pick value");
static struct lnt_pick street_places[LNT_STREET_PLACES_MAX];
static size_t n_street_places;

#define LIST(a)                                                                                    \
    {                                                                                              \
        a, sizeof a / sizeof a[0]                                                                  \
    }
static const struct {
    const struct lnt_pick *items;
    size_t n;
} lists[LNT_L__COUNT] = {
    [LNT_L_NONE] = {NULL, 0},
    [LNT_L_YESNO] = LIST(yesno),
    [LNT_L_WHEN] = LIST(when),
    [LNT_L_PLACES] = LIST(places),
    [LNT_L_ANGELA_ACTIONS] = LIST(angela_actions),
    [LNT_L_ANGELA_OUTCOMES] = LIST(angela_outcomes),
    [LNT_L_SYMPTOMS] = LIST(symptoms),
    [LNT_L_EVIDENCE] = LIST(evidence),
    [LNT_L_TESTKIT] = LIST(testkit),
    [LNT_L_CCTV_RANGE] = LIST(cctv_range),
    [LNT_L_SPIKING_OUTCOMES] = LIST(spiking_outcomes),
    [LNT_L_INCIDENT_KINDS] = LIST(incident_kinds),
    [LNT_L_SEVERITY] = LIST(severity),
    [LNT_L_INCIDENT_OUTCOMES] = LIST(incident_outcomes),
    [LNT_L_STOCK_KINDS] = LIST(stock_kinds),
    [LNT_L_CALL_SIGNS] = LIST(call_signs),
    [LNT_L_BASES] = LIST(bases),
    [LNT_L_LEADER] = LIST(leader),
    [LNT_L_WHO_ASKED] = LIST(who_asked),
    [LNT_L_WELFARE] = LIST(welfare),
    [LNT_L_TALLIES] = LIST(tallies),
    [LNT_L_STREET_PLACES] = {NULL, 0}, /* dynamic: see lnt_list_items */
    [LNT_L_WELFARE_WHAT] = LIST(welfare_what),
    [LNT_L_WELFARE_OUTCOMES] = LIST(welfare_outcomes),
};
#undef LIST

const struct lnt_pick *lnt_list_items(enum lnt_list l, size_t *n)
{
    if ((unsigned)l >= LNT_L__COUNT) {
        *n = 0;
        return NULL;
    }
    if (l == LNT_L_STREET_PLACES) {
        *n = n_street_places;
        return n_street_places > 0 ? street_places : NULL;
    }
    *n = lists[l].n;
    return lists[l].items;
}

void lnt_list_set_street_places(const char (*names)[48], size_t n)
{
    n_street_places = 0;
    for (size_t i = 0; i < n && n_street_places < LNT_STREET_PLACES_MAX; i++) {
        if (names[i][0] == '\0')
            continue;
        lnt_str_copy(street_names[n_street_places], sizeof street_names[0], names[i]);
        street_places[n_street_places].code = street_names[n_street_places];
        street_places[n_street_places].label = street_names[n_street_places];
        n_street_places++;
    }
}

int lnt_list_find(enum lnt_list l, const char *code)
{
    size_t n;
    const struct lnt_pick *p = lnt_list_items(l, &n);

    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].code, code) == 0)
            return (int)i;
    return -1;
}

const char *lnt_list_label(enum lnt_list l, int i)
{
    size_t n;
    const struct lnt_pick *p = lnt_list_items(l, &n);

    return i >= 0 && (size_t)i < n ? p[i].label : "";
}

const char *lnt_list_code(enum lnt_list l, int i)
{
    size_t n;
    const struct lnt_pick *p = lnt_list_items(l, &n);

    return i >= 0 && (size_t)i < n ? p[i].code : "";
}
