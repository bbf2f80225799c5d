/* app_flow.c - the state machine's guided flows: Angela, spiking, incidents, stock, volunteer
 * shifts, open reports. */
#include <stdio.h>
#include <string.h>

#include "app_int.h"
#include "buf.h"
#include "codec.h"
#include "record.h"

static bool may_report(const struct lnt_app *app)
{
    enum lnt_role r = app->badge.claims.role;
    return r == LNT_ROLE_DOOR || r == LNT_ROLE_BAR || r == LNT_ROLE_MANAGER;
}

static bool is_manager(const struct lnt_app *app)
{
    return app->badge.claims.role == LNT_ROLE_MANAGER;
}

static const struct lnt_step *cur_step(const struct lnt_app *app)
{
    const struct lnt_flow_def *def = lnt_flow_get(app->form.flow);

    if (def == NULL || app->form.step < 0 || app->form.step >= def->n_steps)
        return NULL;
    return &def->steps[app->form.step];
}

/* Moves to step `i` with a clean page and entry. */
static void go_step(struct lnt_app *app, int i)
{
    app->form.step = i;
    app->form.page = 0;
    app->form.entry[0] = '\0';
    app->form.entry_bad = false;
    app->entry_why[0] = '\0';
    app->save_error[0] = '\0';
}

static void start(struct lnt_app *app, enum lnt_flow flow, int64_t now_ms)
{
    memset(&app->form, 0, sizeof app->form);
    app->form.flow = flow;
    go_step(app, lnt_form_next(&app->form, -1));
    lnt_app_enter(app, LNT_APP_FORM, now_ms);
}

/* Builds the flow's event into `out` (complete or open); false, with save_error set, on failure. */
static bool build(struct lnt_app *app, bool complete, int64_t now_ms, struct lnt_app_out *out)
{
    struct lnt_ev_shift running;
    const struct lnt_ev_shift *run = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc;

    if (app->form.report_id[0] == '\0' &&
        (app->form.flow == LNT_FLOW_ANGELA || app->form.flow == LNT_FLOW_SPIKING ||
         app->form.flow == LNT_FLOW_INCIDENT))
        lnt_uuid7(lnt_app_wall(app, now_ms) * 1000 + now_ms % 1000, app->form.report_id);
    memset(&running, 0, sizeof running);
    if (app->form.flow == LNT_FLOW_SHIFT_END && app->cfg.shift_info != NULL &&
        app->cfg.shift_info(app->cfg.on_shift_ctx, app->badge.claims.subject, &running))
        run = &running;
    rc = lnt_record_build(&app->form, app->badge.claims.subject, run, complete,
                          lnt_app_wall(app, now_ms), app->cfg.box_pk, &out->ev, err);
    if (rc != LNT_OK) {
        memset(&out->ev, 0, sizeof out->ev);
        lnt_str_copy(app->save_error, sizeof app->save_error, err); /* cut short on screen */
        return false;
    }
    out->save = true;
    out->answered = app->form.answered;
    out->cond = lnt_form_cond_pack(&app->form);
    if (app->form.flow == LNT_FLOW_STOCK && (app->form.answered & LNT_FIELD_BIT(LNT_F_RECOUNT))) {
        out->recount_set = true;
        out->recount = app->form.v[LNT_F_RECOUNT];
    }
    app->save_error[0] = '\0';
    return true;
}

/* Hands the flow's event to the caller; SAVED follows lnt_app_save_done. */
static void save(struct lnt_app *app, bool complete, int64_t now_ms, struct lnt_app_out *out)
{
    if (!build(app, complete, now_ms, out))
        return;
    app->saving_from = LNT_APP_FORM;
    lnt_app_enter(app, LNT_APP_SAVING, now_ms);
}

/* The current step is answered: on to the next, or save at the end. */
static void advance(struct lnt_app *app, int64_t now_ms, struct lnt_app_out *out)
{
    int next = lnt_form_next(&app->form, app->form.step);

    if (next < 0) {
        save(app, lnt_form_complete(&app->form), now_ms, out);
        return;
    }
    go_step(app, next);
}

static void answer(struct lnt_app *app, enum lnt_field f, int32_t v)
{
    app->form.v[f] = v;
    app->form.answered |= LNT_FIELD_BIT(f);
}

/* Whether `c` may be typed on step `s` (keypad: digits; keyboard: printable ASCII). */
static bool key_ok(const struct lnt_step *s, int c)
{
    if (s->kind == LNT_STEP_NUMBER || s->kind == LNT_STEP_TIME)
        return c >= '0' && c <= '9';
    return s->kind == LNT_STEP_TEXT && c >= 32 && c <= 126;
}

static size_t entry_max(const struct lnt_step *s)
{
    if (s->kind == LNT_STEP_TIME)
        return 4;
    if (s->kind == LNT_STEP_NUMBER)
        return 7;
    return s->max > 0 && (size_t)s->max < LNT_SHORT_TEXT ? (size_t)s->max : LNT_SHORT_TEXT - 1;
}

static void key(struct lnt_app *app, const struct lnt_step *s, int c)
{
    size_t n = strlen(app->form.entry);

    if (!key_ok(s, c) || n >= entry_max(s))
        return;
    /* No leading spaces, no double spaces: what is typed with gloves is trimmed as it goes. */
    if (c == ' ' && (n == 0 || app->form.entry[n - 1] == ' '))
        return;
    app->form.entry[n] = (char)c;
    app->form.entry[n + 1] = '\0';
    app->form.entry_bad = false;
    app->entry_why[0] = '\0';
}

/* The index of the stock flow's recount step, or -1. */
static int recount_step(const struct lnt_form *fm)
{
    const struct lnt_flow_def *def = lnt_flow_get(fm->flow);

    for (int i = 0; def != NULL && i < def->n_steps; i++)
        if (def->steps[i].field == LNT_F_RECOUNT)
            return i;
    return -1;
}

/* Whether `v` cup covers handed out is more than the kiosk believes are in stock. */
static bool over_stock(const struct lnt_app *app, const struct lnt_step *s, int64_t v)
{
    int64_t level;

    if (app->form.flow != LNT_FLOW_STOCK || s->field != LNT_F_QUANTITY ||
        strcmp(lnt_list_code(LNT_L_STOCK_KINDS, app->form.v[LNT_F_STOCK_KIND]), "handed_out") !=
            0 ||
        app->cfg.stock_level == NULL || recount_step(&app->form) < 0)
        return false;
    level = app->cfg.stock_level(app->cfg.on_shift_ctx);
    return level >= 0 && v > level;
}

/* OK on a keypad or keyboard: checks the entry and answers the step with it. */
static void entry_done(struct lnt_app *app, const struct lnt_step *s, int64_t now_ms,
                       struct lnt_app_out *out)
{
    struct lnt_form *fm = &app->form;
    size_t n = strlen(fm->entry);
    int64_t v = 0;

    app->entry_why[0] = '\0';
    while (n > 0 && fm->entry[n - 1] == ' ')
        fm->entry[--n] = '\0';
    switch (s->kind) {
    case LNT_STEP_NUMBER:
        /* An empty keypad means none, where none is allowed (tallies). */
        if (n == 0 && s->min == 0)
            v = 0;
        else if (lnt_parse_i64(fm->entry, s->min, s->max, &v) != LNT_OK) {
            fm->entry_bad = true;
            return;
        }
        answer(app, s->field, (int32_t)v);
        if (over_stock(app, s, v)) {
            /* Handing out more than the kiosk believes is there: the level is wrong, so ask
             * for a count rather than silently reaching 0. */
            go_step(app, recount_step(fm));
            return;
        }
        break;
    case LNT_STEP_TIME: {
        int64_t now = lnt_app_wall(app, now_ms), at = 0;
        if (n == 0 && s->optional)
            break; /* not known: skipped, nothing answered */
        if (n < 3 || lnt_parse_i64(fm->entry, 0, 2359, &v) != LNT_OK || v % 100 > 59) {
            fm->entry_bad = true;
            return;
        }
        /* A time still to come tonight is a slip of the finger, not last night: say so. */
        if (lnt_record_typed_time((int32_t)v, now, &at) != LNT_OK) {
            char then[LNT_APP_DAY_TIME_LEN], at_now[LNT_APP_DAY_TIME_LEN];
            lnt_app_day_time(at, then);
            lnt_app_day_time(now, at_now);
            lnt_strf(app->entry_why, sizeof app->entry_why, LNT_S_TIME_LATER, then, at_now);
            fm->entry_bad = true;
            return;
        }
        answer(app, s->field, (int32_t)v);
        break;
    }
    case LNT_STEP_TEXT:
        if (n == 0 && !s->optional) {
            fm->entry_bad = true;
            return;
        }
        lnt_str_copy(fm->text[s->field], sizeof fm->text[s->field], fm->entry);
        answer(app, s->field, 0);
        break;
    case LNT_STEP_PICK:
    case LNT_STEP_TICKS:
    case LNT_STEP_STEPPERS:
    case LNT_STEP_SUMMARY:
        return;
    }
    advance(app, now_ms, out);
}

/* Whether leaving the flow now would lose something entered in this visit. */
static bool part_done(const struct lnt_app *app)
{
    const struct lnt_form *fm = &app->form;
    const struct lnt_step *s = cur_step(app);

    if ((fm->answered & ~fm->earlier) != 0 || fm->entry[0] != '\0')
        return true;
    return s != NULL && s->kind == LNT_STEP_TICKS && fm->v[s->field] != 0;
}

/* Out of the flow, nothing saved: back where it was started. */
static void leave(struct lnt_app *app, int64_t now_ms)
{
    struct lnt_form *fm = &app->form;

    if (fm->earlier != 0) {
        memset(fm, 0, sizeof *fm);
        lnt_app_enter(app, LNT_APP_REPORTS, now_ms);
        return;
    }
    memset(fm, 0, sizeof *fm);
    app->save_error[0] = '\0';
    lnt_app_enter(app, lnt_app_unidentified(app) ? LNT_APP_NOBADGE : LNT_APP_BADGE, now_ms);
}

static void back(struct lnt_app *app, int64_t now_ms)
{
    struct lnt_form *fm = &app->form;
    int prev;

    if (fm->page > 0) {
        fm->page--;
        return;
    }
    prev = lnt_form_prev(fm, fm->step);
    if (prev >= 0) {
        go_step(app, prev);
        return;
    }
    /* Before the first question. A report part told is not thrown away on one tap: ask. */
    if (part_done(app)) {
        app->confirm_discard = true;
        return;
    }
    leave(app, now_ms);
}

static void form_tap(struct lnt_app *app, int id, int64_t now_ms, struct lnt_app_out *out)
{
    const struct lnt_step *s = cur_step(app);
    struct lnt_form *fm = &app->form;
    int per_page, pages;
    size_t n_items = 0;

    if (s == NULL)
        return;
    if (app->confirm_discard) {
        /* "Discard this report?": only its two answers count. */
        if (id == LNT_BTN_KEEP_GOING)
            app->confirm_discard = false;
        else if (id == LNT_BTN_DISCARD)
            leave(app, now_ms);
        return;
    }
    lnt_form_pages(fm, &per_page, &pages);
    lnt_list_items(s->list, &n_items);
    if (id == LNT_BTN_BACK) {
        back(app, now_ms);
    } else if (id == LNT_BTN_MORE && pages > 1) {
        fm->page = (fm->page + 1) % pages;
    } else if (id == LNT_BTN_NEXT && s->kind == LNT_STEP_TICKS) {
        answer(app, s->field, fm->v[s->field]);
        advance(app, now_ms, out);
    } else if (s->kind == LNT_STEP_STEPPERS && id >= LNT_BTN_MINUS0 &&
               id < LNT_BTN_PLUS0 + (int)n_items &&
               (id < LNT_BTN_MINUS0 + (int)n_items || id >= LNT_BTN_PLUS0)) {
        bool plus = id >= LNT_BTN_PLUS0;
        int32_t *v = &fm->v[s->field + (id - (plus ? LNT_BTN_PLUS0 : LNT_BTN_MINUS0))];
        if (plus && *v < s->max)
            (*v)++;
        else if (!plus && *v > 0)
            (*v)--;
    } else if (id == LNT_BTN_NEXT && s->kind == LNT_STEP_STEPPERS) {
        for (size_t i = 0; i < n_items; i++) /* none is an answer too */
            answer(app, (enum lnt_field)(s->field + (int)i), fm->v[s->field + (int)i]);
        advance(app, now_ms, out);
    } else if (id == LNT_BTN_SAVE && s->kind == LNT_STEP_SUMMARY) {
        advance(app, now_ms, out);
    } else if (id == LNT_BTN_SAVE && lnt_form_offers_save(fm)) {
        const struct lnt_flow_def *def = lnt_flow_get(fm->flow);
        if (s->kind == LNT_STEP_TICKS) /* what is ticked on screen counts */
            answer(app, s->field, fm->v[s->field]);
        save(app, !def->early_open && lnt_form_complete(fm), now_ms, out);
    } else if (id >= LNT_BTN_ITEM0 && id < LNT_BTN_ITEM0 + (int)n_items &&
               (s->kind == LNT_STEP_PICK || s->kind == LNT_STEP_TICKS)) {
        int i = id - LNT_BTN_ITEM0;
        /* Only what is on the current page can be tapped. */
        if (i / (per_page > 0 ? per_page : 1) != fm->page)
            return;
        if (s->kind == LNT_STEP_TICKS) {
            fm->v[s->field] ^= (int32_t)(1u << i);
            return;
        }
        answer(app, s->field, i);
        advance(app, now_ms, out);
    } else if (id >= LNT_BTN_KEY0 + 32 && id <= LNT_BTN_KEY0 + 126) {
        key(app, s, id - LNT_BTN_KEY0);
    } else if (id == LNT_BTN_DEL) {
        size_t n = strlen(fm->entry);
        if (n > 0)
            fm->entry[n - 1] = '\0';
        fm->entry_bad = false;
        app->entry_why[0] = '\0';
    } else if (id == LNT_BTN_OK) {
        entry_done(app, s, now_ms, out);
    }
}

bool lnt_app_flow_type(struct lnt_app *app, const char *text, int64_t now_ms)
{
    const struct lnt_step *s = cur_step(app);

    if (s == NULL || app->confirm_discard ||
        (s->kind != LNT_STEP_NUMBER && s->kind != LNT_STEP_TIME && s->kind != LNT_STEP_TEXT))
        return false;
    app->last_input_ms = now_ms;
    for (const char *p = text; *p != '\0'; p++)
        key(app, s, (unsigned char)*p);
    return true;
}

/* Loads the open reports and shows them. */
static void show_reports(struct lnt_app *app, int64_t now_ms)
{
    app->n_reports = 0;
    if (app->cfg.open_reports != NULL)
        app->n_reports =
            app->cfg.open_reports(app->cfg.on_shift_ctx, app->reports, LNT_APP_REPORTS_MAX);
    if (app->n_reports > LNT_APP_REPORTS_MAX)
        app->n_reports = LNT_APP_REPORTS_MAX;
    app->reports_page = 0;
    lnt_app_enter(app, LNT_APP_REPORTS, now_ms);
}

/* Takes up an open report where it was left: only the questions not yet answered are asked. */
static void resume(struct lnt_app *app, const struct lnt_open_report *r, int64_t now_ms)
{
    static const enum lnt_list outcomes[LNT_FLOW__COUNT] = {
        [LNT_FLOW_ANGELA] = LNT_L_ANGELA_OUTCOMES,
        [LNT_FLOW_SPIKING] = LNT_L_SPIKING_OUTCOMES,
        [LNT_FLOW_INCIDENT] = LNT_L_INCIDENT_OUTCOMES,
    };
    struct lnt_form *fm = &app->form;
    int place = lnt_list_find(LNT_L_PLACES, r->place);
    int kind = lnt_list_find(LNT_L_INCIDENT_KINDS, r->kind), outcome;

    memset(fm, 0, sizeof *fm);
    fm->flow = lnt_flow_of_kind(r->kind);
    lnt_str_copy(fm->report_id, sizeof fm->report_id, r->report_id);
    fm->occurred_at = r->occurred_at;
    fm->answered = fm->earlier = r->answered & ~LNT_FIELD_BIT(LNT_F_NONE);
    lnt_form_cond_unpack(fm, r->cond);
    /* The clear fields of the earlier save, so that this one (which the server takes as the
     * latest word) repeats them rather than blanking them. */
    if (place >= 0)
        fm->v[LNT_F_PLACE] = place;
    if (kind >= 0)
        fm->v[LNT_F_KIND] = kind;
    if (r->severity >= 1 && r->severity <= 5)
        fm->v[LNT_F_SEVERITY] = r->severity - 1;
    outcome = lnt_list_find(outcomes[fm->flow], r->outcome);
    if (outcome >= 0)
        fm->v[LNT_F_OUTCOME] = outcome;
    fm->police_earlier = r->police_called;
    fm->v[LNT_F_POLICE] = r->police_called ? 0 : 1; /* "yes" : "no", when it was asked */
    if (fm->flow == LNT_FLOW_SPIKING && r->police_called)
        fm->v[LNT_F_POLICE_TOLD] = 0; /* "yes" */
    /* An outcome "not known yet" was no answer: it is asked again until it is known. */
    if (!lnt_form_complete(fm)) {
        const struct lnt_flow_def *def = lnt_flow_get(fm->flow);
        fm->answered &= ~LNT_FIELD_BIT(def->until);
        fm->earlier &= ~LNT_FIELD_BIT(def->until);
    }
    lnt_app_enter(app, LNT_APP_FORM, now_ms);
    go_step(app, lnt_form_next(fm, -1));
}

static void reports_tap(struct lnt_app *app, int id, int64_t now_ms)
{
    int pages = lnt_app_reports_pages(app);

    if (id == LNT_BTN_BACK) {
        lnt_app_enter(app, LNT_APP_BADGE, now_ms);
    } else if (id == LNT_BTN_MORE && pages > 1) {
        app->reports_page = (app->reports_page + 1) % pages;
    } else if (id >= LNT_BTN_ITEM0 && id < LNT_BTN_ITEM0 + (int)app->n_reports &&
               (id - LNT_BTN_ITEM0) / LNT_APP_REPORTS_PAGE == app->reports_page) {
        struct lnt_open_report r = app->reports[id - LNT_BTN_ITEM0];
        resume(app, &r, now_ms);
        if (app->form.step < 0) /* nothing left to ask: it only needs saving as complete */
            app->form.step = 0;
    }
}

/* Loads who is signed in here and shows them (a manager's view). */
static void show_team(struct lnt_app *app, int64_t now_ms)
{
    app->n_team = 0;
    if (app->cfg.team != NULL)
        app->n_team = app->cfg.team(app->cfg.on_shift_ctx, app->team, LNT_APP_TEAM_MAX);
    if (app->n_team > LNT_APP_TEAM_MAX)
        app->n_team = LNT_APP_TEAM_MAX;
    app->team_page = 0;
    lnt_app_enter(app, LNT_APP_TEAM, now_ms);
}

static void team_tap(struct lnt_app *app, int id, int64_t now_ms)
{
    int pages = lnt_app_team_pages(app);

    if (id == LNT_BTN_BACK) {
        lnt_app_enter(app, LNT_APP_MENU, now_ms);
    } else if (id == LNT_BTN_MORE && pages > 1) {
        app->team_page = (app->team_page + 1) % pages;
    } else if (id >= LNT_BTN_ITEM0 && id < LNT_BTN_ITEM0 + (int)app->n_team &&
               (id - LNT_BTN_ITEM0) / LNT_APP_TEAM_PAGE == app->team_page) {
        app->team_pick = id - LNT_BTN_ITEM0;
        app->save_error[0] = '\0';
        lnt_app_enter(app, LNT_APP_CONFIRM, now_ms);
    }
}

/*
 * The sign_out of the person picked, as their own scan would have made it from
 * the register line of their sign-in, saying which manager did it.
 */
static void sign_out_for(struct lnt_app *app, int64_t now_ms, struct lnt_app_out *out)
{
    const struct lnt_shift_person *p;
    struct lnt_ev_badge *b = &out->ev.u.badge;
    int64_t now = lnt_app_wall(app, now_ms);

    if (!is_manager(app) || app->team_pick < 0 || (size_t)app->team_pick >= app->n_team)
        return;
    p = &app->team[app->team_pick];
    memset(&out->ev, 0, sizeof out->ev);
    out->ev.type = LNT_EV_SIGN_OUT;
    out->ev.occurred_at = now;
    out->ev.recorded_at = now;
    lnt_str_copy(b->staff_id, sizeof b->staff_id, p->staff_id);
    lnt_str_copy(b->serial, sizeof b->serial, p->serial);
    b->role = p->role;
    lnt_str_copy(b->sia_number, sizeof b->sia_number, p->sia_number);
    b->sia_expires = p->sia_number[0] != '\0' ? p->sia_expires : 0;
    b->sia_status = p->sia_status;
    b->verdict = p->verdict;
    lnt_str_copy(b->signed_out_by, sizeof b->signed_out_by, app->badge.claims.subject);
    out->save = true;
    app->save_error[0] = '\0';
    app->saving_from = LNT_APP_CONFIRM;
    lnt_app_enter(app, LNT_APP_SAVING, now_ms);
}

void lnt_app_flow_tap(struct lnt_app *app, int id, int64_t now_ms, struct lnt_app_out *out)
{
    app->last_input_ms = now_ms;
    switch (app->state) {
    case LNT_APP_BADGE:
        if (app->badge.claims.role == LNT_ROLE_VOLUNTEER) {
            if (id == LNT_BTN_PRIMARY)
                start(app, app->badge.on_shift ? LNT_FLOW_SHIFT_END : LNT_FLOW_SHIFT_START, now_ms);
            else if (id == LNT_BTN_WELFARE)
                start(app, LNT_FLOW_WELFARE, now_ms);
            return;
        }
        if (!may_report(app))
            return;
        if (id == LNT_BTN_ANGELA)
            start(app, LNT_FLOW_ANGELA, now_ms);
        else if (id == LNT_BTN_SPIKING)
            start(app, LNT_FLOW_SPIKING, now_ms);
        else if (id == LNT_BTN_INCIDENT)
            start(app, LNT_FLOW_INCIDENT, now_ms);
        else if (id == LNT_BTN_REPORTS)
            show_reports(app, now_ms);
        else if (id == LNT_BTN_MENU && lnt_app_may_stock(app))
            lnt_app_enter(app, LNT_APP_MENU, now_ms);
        else if (id == LNT_BTN_STOCK && lnt_app_may_stock(app))
            start(app, LNT_FLOW_STOCK, now_ms);
        break;
    case LNT_APP_MENU:
        if (id == LNT_BTN_STOCK)
            start(app, LNT_FLOW_STOCK, now_ms);
        else if (id == LNT_BTN_REPORTS)
            show_reports(app, now_ms);
        else if (id == LNT_BTN_WELFARE)
            start(app, LNT_FLOW_WELFARE, now_ms);
        else if (id == LNT_BTN_TEAM && is_manager(app))
            show_team(app, now_ms);
        else if (id == LNT_BTN_BACK)
            lnt_app_enter(app, LNT_APP_BADGE, now_ms);
        break;
    case LNT_APP_REPORTS:
        reports_tap(app, id, now_ms);
        break;
    case LNT_APP_NOBADGE:
        /* The three reports that must never wait for a camera; nothing else without a badge. */
        if (id == LNT_BTN_ANGELA)
            start(app, LNT_FLOW_ANGELA, now_ms);
        else if (id == LNT_BTN_SPIKING)
            start(app, LNT_FLOW_SPIKING, now_ms);
        else if (id == LNT_BTN_INCIDENT)
            start(app, LNT_FLOW_INCIDENT, now_ms);
        else if (id == LNT_BTN_BACK)
            lnt_app_go_idle(app, now_ms);
        break;
    case LNT_APP_TEAM:
        team_tap(app, id, now_ms);
        break;
    case LNT_APP_CONFIRM:
        if (id == LNT_BTN_BACK)
            lnt_app_enter(app, LNT_APP_TEAM, now_ms);
        else if (id == LNT_BTN_SIGN_OUT_FOR)
            sign_out_for(app, now_ms, out);
        break;
    case LNT_APP_FORM:
        form_tap(app, id, now_ms, out);
        break;
    default:
        break;
    }
}

bool lnt_app_flow_timeout(struct lnt_app *app, int64_t now_ms, struct lnt_app_out *out)
{
    struct lnt_form *fm = &app->form;
    const struct lnt_step *s = cur_step(app);

    if (app->state != LNT_APP_FORM ||
        (fm->flow != LNT_FLOW_SPIKING && fm->flow != LNT_FLOW_INCIDENT &&
         fm->flow != LNT_FLOW_ANGELA))
        return false;
    /* Boxes ticked on the screen left behind were meant, as with Save. */
    if (s != NULL && s->kind == LNT_STEP_TICKS && fm->v[s->field] != 0)
        answer(app, s->field, fm->v[s->field]);
    if ((fm->answered & ~fm->earlier) == 0)
        return false; /* nothing entered this time */
    if (fm->flow == LNT_FLOW_ANGELA && !(fm->answered & LNT_FIELD_BIT(LNT_F_PLACE)))
        return false; /* Ask for Angela is a record once it has a place */
    if (fm->flow == LNT_FLOW_INCIDENT && !(fm->answered & LNT_FIELD_BIT(LNT_F_KIND)))
        return false;
    return build(app, false, now_ms, out);
}
