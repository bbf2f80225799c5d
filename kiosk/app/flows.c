/* flows.c - the kiosk's guided forms as data: which questions each flow asks, in what order. */
#include "flows.h"

#include <string.h>

#define MAX_TARGETS 6 /* at most six choices on a screen */
#define NOCOND LNT_F_NONE, 0
#define YES 0 /* item 0 of LNT_L_YESNO */
#define NO 1

#define PICK(f, q, l)                                                                              \
    {                                                                                              \
        LNT_STEP_PICK, f, q, l, NOCOND, 0, 0, false, NOCOND                                        \
    }
#define PICK_IF(f, q, l, c, v)                                                                     \
    {                                                                                              \
        LNT_STEP_PICK, f, q, l, c, v, 0, 0, false, NOCOND                                          \
    }
#define TICKS(f, q, l)                                                                             \
    {                                                                                              \
        LNT_STEP_TICKS, f, q, l, NOCOND, 0, 0, false, NOCOND                                       \
    }
#define NUMBER(f, q, lo, hi)                                                                       \
    {                                                                                              \
        LNT_STEP_NUMBER, f, q, LNT_L_NONE, NOCOND, lo, hi, false, NOCOND                           \
    }
#define TIME_IF(f, q, c, v)                                                                        \
    {                                                                                              \
        LNT_STEP_TIME, f, q, LNT_L_NONE, c, v, 0, 2359, false, NOCOND                              \
    }
#define PICK_UNLESS(f, q, l, u, v)                                                                 \
    {                                                                                              \
        LNT_STEP_PICK, f, q, l, NOCOND, 0, 0, false, u, v                                          \
    }
#define TIME_OPT_IF(f, q, c, v)                                                                    \
    {                                                                                              \
        LNT_STEP_TIME, f, q, LNT_L_NONE, c, v, 0, 2359, true, NOCOND                               \
    }
#define TEXT(f, q, opt)                                                                            \
    {                                                                                              \
        LNT_STEP_TEXT, f, q, LNT_L_NONE, NOCOND, 0, LNT_SHORT_TEXT - 1, opt, NOCOND                \
    }
#define TEXT_IF(f, q, c, v, opt)                                                                   \
    {                                                                                              \
        LNT_STEP_TEXT, f, q, LNT_L_NONE, c, v, 0, LNT_SHORT_TEXT - 1, opt, NOCOND                  \
    }

/*
 * Three taps from the badge: [Ask for Angela], a place, [Save, finish later] on the police
 * question; the rest is there when there is time. Until an outcome is given the report stays
 * open, so it is never left without one.
 */
static const struct lnt_step angela[] = {
    PICK(LNT_F_PLACE, LNT_S_Q_WHERE, LNT_L_PLACES),
    PICK(LNT_F_POLICE, LNT_S_Q_POLICE_CALLED, LNT_L_YESNO),
    PICK(LNT_F_WHO_ASKED, LNT_S_Q_WHO_ASKED, LNT_L_WHO_ASKED),
    TICKS(LNT_F_ACTIONS, LNT_S_Q_ANGELA_ACTIONS, LNT_L_ANGELA_ACTIONS),
    PICK(LNT_F_AMBULANCE, LNT_S_Q_AMBULANCE, LNT_L_YESNO),
    PICK(LNT_F_WHEN, LNT_S_Q_WHEN, LNT_L_WHEN),
    TIME_IF(LNT_F_WHEN_HHMM, LNT_S_Q_WHEN_HHMM, LNT_F_WHEN, 4),
    TEXT(LNT_F_DESC_CONCERN, LNT_S_Q_DESC_CONCERN, true),
    PICK(LNT_F_OUTCOME, LNT_S_Q_ANGELA_OUTCOME, LNT_L_ANGELA_OUTCOMES),
};

/*
 * The record the trade bodies' guidance asks for, in the order things happen at the bar; an
 * ambulance first when the person is not responding.
 */
static const struct lnt_step spiking[] = {
    PICK(LNT_F_CONSCIOUS, LNT_S_Q_CONSCIOUS, LNT_L_YESNO),
    PICK_IF(LNT_F_AMBULANCE, LNT_S_Q_AMBULANCE, LNT_L_YESNO, LNT_F_CONSCIOUS, NO),
    PICK(LNT_F_WHEN, LNT_S_Q_WHEN, LNT_L_WHEN),
    TIME_IF(LNT_F_WHEN_HHMM, LNT_S_Q_WHEN_HHMM, LNT_F_WHEN, 4),
    PICK(LNT_F_PLACE, LNT_S_Q_WHERE, LNT_L_PLACES),
    TICKS(LNT_F_SYMPTOMS, LNT_S_Q_SYMPTOMS, LNT_L_SYMPTOMS),
    TICKS(LNT_F_EVIDENCE, LNT_S_Q_EVIDENCE, LNT_L_EVIDENCE),
    PICK(LNT_F_POLICE_TOLD, LNT_S_Q_POLICE_TOLD, LNT_L_YESNO),
    TEXT_IF(LNT_F_POLICE_REF, LNT_S_Q_POLICE_REF, LNT_F_POLICE_TOLD, YES, true),
    TIME_OPT_IF(LNT_F_POLICE_TOLD_AT, LNT_S_Q_POLICE_TOLD_AT, LNT_F_POLICE_TOLD, YES),
    PICK(LNT_F_AMBULANCE, LNT_S_Q_AMBULANCE, LNT_L_YESNO), /* unless asked first */
    TICKS(LNT_F_WELFARE, LNT_S_Q_WELFARE, LNT_L_WELFARE),
    PICK(LNT_F_TESTKIT, LNT_S_Q_TESTKIT, LNT_L_TESTKIT),
    PICK(LNT_F_CCTV, LNT_S_Q_CCTV, LNT_L_YESNO),
    TEXT_IF(LNT_F_CCTV_CAMERA, LNT_S_Q_CCTV_CAMERA, LNT_F_CCTV, YES, true),
    PICK_IF(LNT_F_CCTV_RANGE, LNT_S_Q_CCTV_RANGE, LNT_L_CCTV_RANGE, LNT_F_CCTV, YES),
    PICK(LNT_F_STAFF_ALERTED, LNT_S_Q_STAFF_ALERTED, LNT_L_YESNO),
    TEXT(LNT_F_DESC_PERSON, LNT_S_Q_DESC_PERSON, true),
    TEXT(LNT_F_DESC_SUSPECT, LNT_S_Q_DESC_SUSPECT, true),
    PICK(LNT_F_OUTCOME, LNT_S_Q_SPIKING_OUTCOME, LNT_L_SPIKING_OUTCOMES),
};

#define KIND_OTHER 9     /* "other" in LNT_L_INCIDENT_KINDS */
#define OUTCOME_POLICE 2 /* "police" (took over) in LNT_L_INCIDENT_OUTCOMES */

static const struct lnt_step incident[] = {
    PICK(LNT_F_KIND, LNT_S_Q_KIND, LNT_L_INCIDENT_KINDS),
    TEXT_IF(LNT_F_OTHER_TEXT, LNT_S_Q_OTHER_TEXT, LNT_F_KIND, KIND_OTHER, false),
    PICK(LNT_F_SEVERITY, LNT_S_Q_SEVERITY, LNT_L_SEVERITY),
    PICK(LNT_F_PLACE, LNT_S_Q_WHERE, LNT_L_PLACES),
    PICK(LNT_F_WHEN, LNT_S_Q_WHEN, LNT_L_WHEN),
    TIME_IF(LNT_F_WHEN_HHMM, LNT_S_Q_WHEN_HHMM, LNT_F_WHEN, 4),
    PICK(LNT_F_OUTCOME, LNT_S_Q_INCIDENT_OUTCOME, LNT_L_INCIDENT_OUTCOMES),
    /* "Police took over" says it already */
    PICK_UNLESS(LNT_F_POLICE, LNT_S_Q_POLICE_CALLED, LNT_L_YESNO, LNT_F_OUTCOME, OUTCOME_POLICE),
};

/* The recount is never asked in order (its condition never holds): the app goes to it when more
 * are handed out than the kiosk believes are in stock. */
static const struct lnt_step stock[] = {
    PICK(LNT_F_STOCK_KIND, LNT_S_Q_STOCK_KIND, LNT_L_STOCK_KINDS),
    NUMBER(LNT_F_QUANTITY, LNT_S_Q_QUANTITY, 0, 1000000),
    {LNT_STEP_NUMBER, LNT_F_RECOUNT, LNT_S_Q_RECOUNT, LNT_L_NONE, LNT_F_STOCK_KIND, -1, 0, 1000000,
     false, NOCOND},
};

static const struct lnt_step shift_start[] = {
    NUMBER(LNT_F_TEAM_SIZE, LNT_S_Q_TEAM_SIZE, 1, 100),
    PICK(LNT_F_CALL_SIGN, LNT_S_Q_CALL_SIGN, LNT_L_CALL_SIGNS),
    TEXT_IF(LNT_F_CALL_SIGN_TEXT, LNT_S_Q_CALL_SIGN_TEXT, LNT_F_CALL_SIGN, 4, false),
    PICK(LNT_F_BASE, LNT_S_Q_BASE, LNT_L_BASES),
    PICK(LNT_F_LEADER, LNT_S_Q_LEADER, LNT_L_LEADER),
};

/* All eight tallies on one screen of steppers, then a summary to check before saving. */
static const struct lnt_step shift_end[] = {
    {LNT_STEP_STEPPERS, LNT_F_TALLY0, LNT_S_TALLIES_HINT, LNT_L_TALLIES, NOCOND, 0, 100000, false,
     NOCOND},
    {LNT_STEP_SUMMARY, LNT_F_NONE, LNT_S_TALLIES_CHECK, LNT_L_TALLIES, NOCOND, 0, 0, false, NOCOND},
};

static const struct lnt_step welfare[] = {
    PICK(LNT_F_WELFARE_PLACE, LNT_S_Q_WELFARE_WHERE, LNT_L_STREET_PLACES),
    PICK(LNT_F_WELFARE_WHAT, LNT_S_Q_WELFARE_WHAT, LNT_L_WELFARE_WHAT),
    PICK(LNT_F_WELFARE_OUTCOME, LNT_S_Q_WELFARE_OUTCOME, LNT_L_WELFARE_OUTCOMES),
};

#define STEPS(a) a, (int)(sizeof a / sizeof a[0])
static const struct lnt_flow_def flows[LNT_FLOW__COUNT] = {
    [LNT_FLOW_ANGELA] = {LNT_S_ANGELA, STEPS(angela), 1, true, false, LNT_F_OUTCOME},
    [LNT_FLOW_SPIKING] = {LNT_S_SPIKING, STEPS(spiking), 5, true, true, LNT_F_NONE},
    [LNT_FLOW_INCIDENT] = {LNT_S_INCIDENT, STEPS(incident), -1, false, false, LNT_F_NONE},
    [LNT_FLOW_STOCK] = {LNT_S_CUP_COVERS, STEPS(stock), -1, false, false, LNT_F_NONE},
    [LNT_FLOW_SHIFT_START] = {LNT_S_START_SHIFT, STEPS(shift_start), -1, false, false, LNT_F_NONE},
    [LNT_FLOW_SHIFT_END] = {LNT_S_END_SHIFT, STEPS(shift_end), -1, false, false, LNT_F_NONE},
    [LNT_FLOW_WELFARE] = {LNT_S_WELFARE, STEPS(welfare), -1, false, false, LNT_F_NONE},
};
#undef STEPS

const struct lnt_flow_def *lnt_flow_get(enum lnt_flow f)
{
    if (f <= LNT_FLOW_NONE || f >= LNT_FLOW__COUNT)
        return NULL;
    return &flows[f];
}

enum lnt_flow lnt_flow_of_kind(const char *kind)
{
    if (strcmp(kind, "spiking") == 0)
        return LNT_FLOW_SPIKING;
    if (strcmp(kind, "angela") == 0)
        return LNT_FLOW_ANGELA;
    return LNT_FLOW_INCIDENT;
}

/* Whether `f` is answered with `v`. */
static bool is(const struct lnt_form *fm, enum lnt_field f, int32_t v)
{
    return (fm->answered & LNT_FIELD_BIT(f)) && fm->v[f] == v;
}

/* Whether step `s`'s own conditions hold, whatever was answered in an earlier save. */
static bool conds_hold(const struct lnt_form *fm, const struct lnt_step *s)
{
    if (s->cond != LNT_F_NONE && !is(fm, s->cond, s->cond_val))
        return false;
    return s->unless == LNT_F_NONE || !is(fm, s->unless, s->unless_val);
}

bool lnt_form_applies(const struct lnt_form *fm, int i)
{
    const struct lnt_flow_def *def = lnt_flow_get(fm->flow);
    const struct lnt_step *s;

    if (def == NULL || i < 0 || i >= def->n_steps)
        return false;
    s = &def->steps[i];
    if ((fm->earlier & LNT_FIELD_BIT(s->field)) || !conds_hold(fm, s))
        return false;
    for (int j = 0; j < i; j++) /* asked already by an earlier step */
        if (def->steps[j].field == s->field && conds_hold(fm, &def->steps[j]))
            return false;
    return true;
}

bool lnt_form_complete(const struct lnt_form *fm)
{
    const struct lnt_flow_def *def = lnt_flow_get(fm->flow);
    const struct lnt_step *s = NULL;

    if (def == NULL || def->until == LNT_F_NONE)
        return true;
    if (!(fm->answered & LNT_FIELD_BIT(def->until)))
        return false;
    for (int i = 0; i < def->n_steps && s == NULL; i++)
        if (def->steps[i].field == def->until)
            s = &def->steps[i];
    return s == NULL || strcmp(lnt_list_code(s->list, fm->v[def->until]), "not_known") != 0;
}

int lnt_form_next(const struct lnt_form *fm, int i)
{
    const struct lnt_flow_def *def = lnt_flow_get(fm->flow);

    if (def == NULL)
        return -1;
    for (int j = i + 1; j < def->n_steps; j++)
        if (lnt_form_applies(fm, j))
            return j;
    return -1;
}

int lnt_form_prev(const struct lnt_form *fm, int i)
{
    for (int j = i - 1; j >= 0; j--)
        if (lnt_form_applies(fm, j))
            return j;
    return -1;
}

bool lnt_form_is_last(const struct lnt_form *fm, int i)
{
    return lnt_form_next(fm, i) < 0;
}

bool lnt_form_offers_save(const struct lnt_form *fm)
{
    const struct lnt_flow_def *def = lnt_flow_get(fm->flow);
    const struct lnt_step *s;

    if (def == NULL || def->early_save < 0 || fm->step < def->early_save ||
        fm->step >= def->n_steps || lnt_form_is_last(fm, fm->step))
        return false;
    s = &def->steps[fm->step];
    /* The keypad and keyboard screens are full already; their OK moves on. */
    return s->kind == LNT_STEP_PICK || s->kind == LNT_STEP_TICKS;
}

void lnt_form_pages(const struct lnt_form *fm, int *per_page, int *pages)
{
    const struct lnt_flow_def *def = lnt_flow_get(fm->flow);
    const struct lnt_step *s;
    size_t n = 0;
    int slots;

    *per_page = 0;
    *pages = 1;
    if (def == NULL || fm->step < 0 || fm->step >= def->n_steps)
        return;
    s = &def->steps[fm->step];
    if (s->kind != LNT_STEP_PICK && s->kind != LNT_STEP_TICKS)
        return;
    lnt_list_items(s->list, &n);
    /* Back always; Save when offered; ticks need Next (which is More on all but the last page). */
    slots =
        MAX_TARGETS - 1 - (lnt_form_offers_save(fm) ? 1 : 0) - (s->kind == LNT_STEP_TICKS ? 1 : 0);
    if ((int)n <= slots) {
        *per_page = (int)n;
        return;
    }
    /* Picks need a More button of their own; ticks share the Next slot. */
    *per_page = s->kind == LNT_STEP_PICK ? slots - 1 : slots;
    if (*per_page < 1)
        *per_page = 1;
    *pages = ((int)n + *per_page - 1) / *per_page;
}

bool lnt_form_yes(const struct lnt_form *fm, enum lnt_field f)
{
    return (fm->answered & LNT_FIELD_BIT(f)) && fm->v[f] == YES;
}

/* Pick fields that later questions depend on, or that a resumed report needs for its clear part. */
static const enum lnt_field cond_fields[] = {LNT_F_WHEN, LNT_F_POLICE_TOLD, LNT_F_CCTV,
                                             LNT_F_CALL_SIGN, LNT_F_CONSCIOUS};

int64_t lnt_form_cond_pack(const struct lnt_form *fm)
{
    int64_t packed = 0;

    for (size_t i = 0; i < sizeof cond_fields / sizeof cond_fields[0]; i++) {
        enum lnt_field f = cond_fields[i];
        if ((fm->answered & LNT_FIELD_BIT(f)) && fm->v[f] >= 0 && fm->v[f] < 15)
            packed |= (int64_t)(fm->v[f] + 1) << (4 * i);
    }
    return packed;
}

void lnt_form_cond_unpack(struct lnt_form *fm, int64_t packed)
{
    for (size_t i = 0; i < sizeof cond_fields / sizeof cond_fields[0]; i++) {
        int32_t v = (int32_t)((packed >> (4 * i)) & 0xf);
        if (v > 0) {
            fm->v[cond_fields[i]] = v - 1;
            fm->answered |= LNT_FIELD_BIT(cond_fields[i]);
        }
    }
}
