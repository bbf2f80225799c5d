/* app.c - the kiosk's state machine: badge scans and taps in, what to show and what to save out. */
#include "app.h"

#include <stdio.h>
#include <limits.h>
#include <string.h>

#include "app_int.h"
#include "buf.h"
#include "codec.h"
#include "ltime.h"
#include "night.h"
#include "strings.h"

int64_t lnt_app_idle_ms(const struct lnt_app *app)
{
    return app->cfg.idle_ms > 0 ? app->cfg.idle_ms : LNT_APP_IDLE_MS;
}

void lnt_app_init(struct lnt_app *app, const struct lnt_app_config *cfg, int64_t now_ms)
{
    memset(app, 0, sizeof *app);
    app->cfg = *cfg;
    app->last_input_ms = now_ms;
    lnt_app_go_idle(app, now_ms);
}

void lnt_app_set_config(struct lnt_app *app, const struct lnt_app_config *cfg)
{
    app->cfg = *cfg;
}

static void out_clear(struct lnt_app_out *out)
{
    memset(out, 0, sizeof *out);
}

enum lnt_sia_status lnt_app_sia_status(const struct lnt_badge_claims *claims, int64_t now,
                                       int32_t *days_left)
{
    int32_t left;

    *days_left = 0;
    if (claims->sia_number[0] != '\0' && claims->sia_expires != 0)
        *days_left = claims->sia_expires - lnt_london_date(now); /* dates are London's */
    if (claims->role != LNT_ROLE_DOOR)
        return LNT_SIA_NOT_REQUIRED;
    if (claims->sia_number[0] == '\0' || claims->sia_expires == 0)
        return LNT_SIA_MISSING;
    left = *days_left;
    if (left < 0) /* a licence is valid through its expiry date */
        return LNT_SIA_EXPIRED;
    if (left <= LNT_APP_EXPIRING_DAYS)
        return LNT_SIA_EXPIRING;
    return LNT_SIA_VALID;
}

enum lnt_sia_listing lnt_app_sia_listing(const struct lnt_sia_listed *listed, size_t n,
                                         const char *number, int32_t today, int32_t *from)
{
    *from = 0;
    if (listed == NULL || number[0] == '\0')
        return LNT_SIA_LISTED_VALID;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(listed[i].number, number) != 0)
            continue;
        *from = listed[i].from;
        /* a listing from a later date is not in force yet: the licence is as its dates say */
        return listed[i].from <= today ? listed[i].status : LNT_SIA_LISTED_VALID;
    }
    return LNT_SIA_LISTED_VALID;
}

/* Required courses of the badge's role that it lacks or holds out of date (LNT_COURSE_BIT). */
static uint32_t training_missing(const struct lnt_app *app, const struct lnt_badge_claims *c,
                                 int32_t today)
{
    const struct lnt_required_training *req = app->cfg.required;
    uint32_t need, have = 0;

    if (req == NULL || (unsigned)c->role >= LNT_ROLE_SLOTS)
        return 0;
    need = req->courses[c->role];
    for (size_t i = 0; i < c->n_courses && i < LNT_BADGE_MAX_COURSES; i++)
        if (c->courses[i].course > LNT_COURSE_NONE && c->courses[i].course <= LNT_COURSE__MAX &&
            (c->courses[i].expires == 0 || c->courses[i].expires >= today))
            have |= LNT_COURSE_BIT(c->courses[i].course);
    return need & ~have;
}

/* Words for "Needs ..." of a set of missing courses: the first in words, and how many more. */
static void needs_words(uint32_t missing, char *out, size_t size)
{
    const char *first = NULL;
    int more = 0;

    for (int k = LNT_COURSE_BYSTANDER; k <= LNT_COURSE__MAX; k++) {
        if ((missing & LNT_COURSE_BIT(k)) == 0)
            continue;
        if (first == NULL)
            first = lnt_str_course((enum lnt_course)k);
        else
            more++;
    }
    if (more > 0)
        lnt_strf(out, size, LNT_S_V_TRAINING_NEEDED_MORE, first, more);
    else
        lnt_strf(out, size, LNT_S_V_TRAINING_NEEDED, first != NULL ? first : "");
}

/* Fills the badge view: SIA state, days left, verdict and its words. */
static void judge(struct lnt_app *app, const struct lnt_badge_claims *c, int64_t now)
{
    struct lnt_app_badge *b = &app->badge;
    int32_t today = lnt_london_date(now);
    const char *course_soon = NULL, *course_gone = NULL;
    int32_t soonest = 0;
    char date[LNT_DATE_STRLEN] = "";
    enum lnt_sia_listing listed;

    memset(b, 0, sizeof *b);
    b->claims = *c;
    b->sia = lnt_app_sia_status(c, now, &b->sia_days_left);
    /* A licence the scheme has suspended or revoked is no licence, whatever its dates. */
    listed = lnt_app_sia_listing(app->cfg.sia_listed, app->cfg.n_sia_listed, c->sia_number, today,
                                 &b->sia_listed_from);
    if (b->sia != LNT_SIA_NOT_REQUIRED && b->sia != LNT_SIA_MISSING &&
        listed != LNT_SIA_LISTED_VALID)
        b->sia = listed == LNT_SIA_LISTED_REVOKED ? LNT_SIA_REVOKED : LNT_SIA_SUSPENDED;
    b->training_missing = training_missing(app, c, today);
    for (size_t i = 0; i < c->n_courses && i < LNT_BADGE_MAX_COURSES; i++) {
        int32_t left;
        if (c->courses[i].expires == 0)
            continue;
        left = c->courses[i].expires - today;
        b->course_days_left[i] = left;
        if (left < 0 && course_gone == NULL)
            course_gone = lnt_str_course(c->courses[i].course);
        else if (left >= 0 && left <= LNT_APP_EXPIRING_DAYS &&
                 (course_soon == NULL || left < soonest)) {
            course_soon = lnt_str_course(c->courses[i].course);
            soonest = left;
        }
    }

    if (b->sia == LNT_SIA_MISSING) {
        b->verdict = LNT_VERDICT_RED;
        lnt_strf(b->verdict_words, sizeof b->verdict_words, LNT_S_V_NO_SIA);
    } else if (b->sia == LNT_SIA_SUSPENDED || b->sia == LNT_SIA_REVOKED) {
        b->verdict = LNT_VERDICT_RED;
        lnt_date_format(b->sia_listed_from, date);
        lnt_strf(b->verdict_words, sizeof b->verdict_words,
                 b->sia == LNT_SIA_REVOKED ? LNT_S_V_SIA_REVOKED : LNT_S_V_SIA_SUSPENDED, date);
    } else if (b->sia == LNT_SIA_EXPIRED) {
        b->verdict = LNT_VERDICT_RED;
        lnt_date_format(c->sia_expires, date);
        lnt_strf(b->verdict_words, sizeof b->verdict_words, LNT_S_V_SIA_EXPIRED, date);
    } else if (b->training_missing != 0) {
        /* Never "All in date" while the scheme's required training is not held in date. */
        b->verdict = LNT_VERDICT_AMBER;
        needs_words(b->training_missing, b->verdict_words, sizeof b->verdict_words);
    } else if (b->sia == LNT_SIA_EXPIRING) {
        b->verdict = LNT_VERDICT_AMBER;
        lnt_strf(b->verdict_words, sizeof b->verdict_words, LNT_S_V_SIA_EXPIRING,
                 (int)b->sia_days_left, b->sia_days_left == 1 ? "" : "s");
    } else if (course_gone != NULL) {
        b->verdict = LNT_VERDICT_AMBER;
        lnt_strf(b->verdict_words, sizeof b->verdict_words, LNT_S_V_TRAINING_GONE, course_gone);
    } else if (course_soon != NULL) {
        b->verdict = LNT_VERDICT_AMBER;
        lnt_strf(b->verdict_words, sizeof b->verdict_words, LNT_S_V_TRAINING_SOON, (int)soonest,
                 soonest == 1 ? "" : "s", course_soon);
    } else {
        b->verdict = LNT_VERDICT_GREEN;
        lnt_strf(b->verdict_words, sizeof b->verdict_words, LNT_S_V_ALL_IN_DATE);
    }
}

bool lnt_app_door_blocked(const struct lnt_app *app)
{
    const struct lnt_app_badge *b = &app->badge;

    return app->state == LNT_APP_BADGE && b->claims.role == LNT_ROLE_DOOR && !b->on_shift &&
           !lnt_sia_status_ok(b->sia);
}

/* A manager's badge takes the door refusals waiting for one: they are shown once. */
static void hand_notices(struct lnt_app *app)
{
    struct lnt_app_badge *b = &app->badge;

    if (b->claims.role != LNT_ROLE_MANAGER || (app->n_pending == 0 && app->pending_more == 0))
        return;
    memcpy(b->notices, app->pending, sizeof b->notices);
    b->n_notices = app->n_pending;
    b->notices_more = app->pending_more;
    memset(app->pending, 0, sizeof app->pending);
    app->n_pending = 0;
    app->pending_more = 0;
}

void lnt_app_notices_restore(struct lnt_app *app, const struct lnt_app_notice *in, size_t n,
                             int more)
{
    size_t keep = n < LNT_APP_NOTICES_MAX ? n : LNT_APP_NOTICES_MAX;

    memset(app->pending, 0, sizeof app->pending);
    if (keep > 0)
        memcpy(app->pending, in, keep * sizeof in[0]);
    app->n_pending = keep;
    app->pending_more = more > 0 ? more : 0;
    if (n - keep <= (size_t)(INT_MAX - app->pending_more))
        app->pending_more += (int)(n - keep);
}

/* Keeps a door refusal for the next manager (the oldest kept, later ones counted). */
static void note_refusal(struct lnt_app *app, int64_t at)
{
    struct lnt_app_notice *n;

    if (app->n_pending == LNT_APP_NOTICES_MAX) {
        app->pending_more++;
        return;
    }
    n = &app->pending[app->n_pending++];
    lnt_str_copy(n->name, sizeof n->name, app->badge.claims.name);
    n->at = at;
    n->why = app->badge.sia;
}

/* True when `text` is the badge already being handled (and records the sighting). */
static bool same_scan(struct lnt_app *app, const char *text, int64_t now_ms)
{
    bool same = strlen(text) <= LNT_BADGE_MAX_TEXT && strcmp(text, app->last_text) == 0 &&
                app->last_seen_ms != 0 &&
                (app->held || (now_ms >= app->last_seen_ms &&
                               now_ms - app->last_seen_ms < LNT_APP_SAME_SCAN_MS));

    /* Texts too long to keep are never "the same": they are refused as oversized each time. */
    lnt_str_copy(app->last_text, sizeof app->last_text, text);
    app->last_seen_ms = now_ms;
    app->held = true;
    return same;
}

void lnt_app_scan(struct lnt_app *app, const char *text, int64_t now_ms, struct lnt_app_out *out)
{
    static const struct lnt_trust no_trust = {"", NULL, 0, NULL, 0};
    struct lnt_badge_claims claims;
    enum lnt_badge_reason reason;
    const struct lnt_trust *trust = app->cfg.trust ? app->cfg.trust : &no_trust;
    int64_t now = lnt_app_wall(app, now_ms);

    out_clear(out);
    if (text == NULL) {
        app->held = false;
        return;
    }
    if (same_scan(app, text, now_ms))
        return;
    /* Someone half-way through a form is not interrupted by a badge passing the camera. */
    if (app->state == LNT_APP_SAVING || app->state == LNT_APP_FORM || app->state == LNT_APP_MENU ||
        app->state == LNT_APP_REPORTS || app->state == LNT_APP_TEAM ||
        app->state == LNT_APP_CONFIRM)
        return;
    /* NOBADGE gives way: the camera is back and a real badge says who it is. */

    app->last_input_ms = now_ms;
    lnt_app_enter(app, LNT_APP_VERIFY, now_ms);
    reason = lnt_badge_verify(text, trust, now, &claims, NULL);
    if (reason != LNT_BADGE_VALID) {
        /* Nothing from an unverified badge is kept or recorded: only why it failed. */
        lnt_app_go_idle(app, now_ms);
        app->refused = reason;
        lnt_app_enter(app, LNT_APP_REFUSED, now_ms);
        out->save = true;
        out->ev.type = LNT_EV_BADGE_REFUSED;
        out->ev.occurred_at = now;
        out->ev.recorded_at = now;
        out->ev.u.refused.reason = reason;
        return;
    }
    judge(app, &claims, now);
    app->badge.on_shift =
        app->cfg.on_shift ? app->cfg.on_shift(app->cfg.on_shift_ctx, claims.subject) : false;
    app->call_sign[0] = '\0';
    if (claims.role == LNT_ROLE_VOLUNTEER && app->cfg.shift_info != NULL) {
        struct lnt_ev_shift running;
        memset(&running, 0, sizeof running);
        if (app->cfg.shift_info(app->cfg.on_shift_ctx, claims.subject, &running))
            lnt_str_copy(app->call_sign, sizeof app->call_sign, running.call_sign);
    }
    hand_notices(app);
    app->save_error[0] = '\0';
    app->assist_at = 0; /* whoever came to the door answers the assist button */
    lnt_app_enter(app, LNT_APP_BADGE, now_ms);
}

/* The sign_in / sign_out / door_refused record of the badge on screen. */
static void badge_event(const struct lnt_app *app, enum lnt_event_type type, int64_t now,
                        struct lnt_event *ev)
{
    const struct lnt_app_badge *b = &app->badge;
    struct lnt_ev_badge *e = &ev->u.badge;

    ev->type = type;
    ev->occurred_at = now;
    ev->recorded_at = now;
    lnt_str_copy(e->staff_id, sizeof e->staff_id, b->claims.subject);
    lnt_hex_encode(b->claims.serial, LNT_SERIAL_LEN, e->serial);
    e->role = b->claims.role;
    lnt_str_copy(e->sia_number, sizeof e->sia_number, b->claims.sia_number);
    e->sia_expires = b->claims.sia_number[0] != '\0' ? b->claims.sia_expires : 0;
    e->sia_status = b->sia;
    e->verdict = b->verdict;
    if (type != LNT_EV_SIGN_OUT)
        e->training_missing = b->training_missing;
}

/* Hands a badge record to the caller to save; SAVED follows lnt_app_save_done. */
static void save_badge_event(struct lnt_app *app, enum lnt_event_type type, enum lnt_duty duty,
                             int64_t now_ms, struct lnt_app_out *out)
{
    app->last_input_ms = now_ms;
    badge_event(app, type, lnt_app_wall(app, now_ms), &out->ev);
    out->ev.u.badge.duty = duty;
    out->save = true;
    app->save_error[0] = '\0';
    app->saving_from = LNT_APP_BADGE;
    lnt_app_enter(app, LNT_APP_SAVING, now_ms);
}

static bool is_volunteer(const struct lnt_app *app)
{
    return app->badge.claims.role == LNT_ROLE_VOLUNTEER;
}

static void tap(struct lnt_app *app, int id, int64_t now_ms, struct lnt_app_out *out)
{
    switch (app->state) {
    case LNT_APP_BADGE:
        if (lnt_app_door_blocked(app) &&
            (id == LNT_BTN_OTHER_DUTIES || id == LNT_BTN_TELL_MANAGER)) {
            /* Not the door without a valid licence: other duties, or the manager is told. */
            if (id == LNT_BTN_OTHER_DUTIES)
                save_badge_event(app, LNT_EV_SIGN_IN, LNT_DUTY_OTHER, now_ms, out);
            else
                save_badge_event(app, LNT_EV_DOOR_REFUSED, LNT_DUTY_ROLE, now_ms, out);
        } else if (id == LNT_BTN_PRIMARY && !is_volunteer(app)) {
            /* A door supervisor without a valid licence has no "Sign in" on the door. */
            if (!lnt_app_door_blocked(app))
                save_badge_event(app, app->badge.on_shift ? LNT_EV_SIGN_OUT : LNT_EV_SIGN_IN,
                                 LNT_DUTY_ROLE, now_ms, out);
        } else if (id == LNT_BTN_CANCEL) {
            app->last_input_ms = now_ms;
            lnt_app_go_idle(app, now_ms);
        } else {
            /* The flows, and a volunteer's start / end shift. */
            lnt_app_flow_tap(app, id, now_ms, out);
        }
        break;
    case LNT_APP_FORM:
    case LNT_APP_MENU:
    case LNT_APP_REPORTS:
    case LNT_APP_NOBADGE:
    case LNT_APP_TEAM:
    case LNT_APP_CONFIRM:
        lnt_app_flow_tap(app, id, now_ms, out);
        break;
    case LNT_APP_REFUSED:
    case LNT_APP_SAVED:
        if (id == LNT_BTN_DONE) {
            app->last_input_ms = now_ms;
            lnt_app_go_idle(app, now_ms);
        }
        break;
    case LNT_APP_IDLE:
        if (id == LNT_BTN_NOBADGE && app->camera_down) {
            /* Who it is cannot be read: the record says so, and the server flags it. */
            app->last_input_ms = now_ms;
            memset(&app->badge, 0, sizeof app->badge);
            lnt_str_copy(app->badge.claims.subject, sizeof app->badge.claims.subject,
                         LNT_STAFF_UNIDENTIFIED);
            lnt_str_copy(app->badge.claims.name, sizeof app->badge.claims.name,
                         lnt_str(LNT_S_NOBADGE_WHO));
            lnt_app_enter(app, LNT_APP_NOBADGE, now_ms);
        }
        break;
    case LNT_APP_VERIFY:
    case LNT_APP_SAVING:
        break;
    }
}

void lnt_app_tap(struct lnt_app *app, int id, int64_t now_ms, struct lnt_app_out *out)
{
    out_clear(out);
    tap(app, id, now_ms, out);
    lnt_app_note_screen(app, now_ms);
}

bool lnt_app_settled(const struct lnt_app *app, int64_t now_ms)
{
    return now_ms - app->shown_since_ms >= LNT_APP_SETTLE_MS;
}

void lnt_app_press(struct lnt_app *app, int id, int64_t now_ms)
{
    /* Any touch, on a button or not, says someone is here. */
    app->last_input_ms = now_ms;
    app->idle_warn_s = 0;
    /* A press on a screen that has only just appeared is the last screen's tap bouncing. */
    app->pressed = lnt_app_settled(app, now_ms) ? id : LNT_BTN_NONE;
    app->pressed_shown = app->shown_since_ms;
}

void lnt_app_release(struct lnt_app *app, int id, int64_t now_ms, struct lnt_app_out *out)
{
    int pressed = app->pressed;

    out_clear(out);
    app->pressed = LNT_BTN_NONE;
    /* Slid off the button, or the screen changed under the finger (a timeout): no tap. */
    if (pressed == LNT_BTN_NONE || pressed != id || app->pressed_shown != app->shown_since_ms)
        return;
    lnt_app_tap(app, id, now_ms, out);
}

void lnt_app_camera(struct lnt_app *app, bool working)
{
    app->camera_down = !working;
}

void lnt_app_assist(struct lnt_app *app, int64_t now_ms)
{
    if (app->assist_at == 0)
        app->assist_at = lnt_app_wall(app, now_ms);
}

void lnt_app_aim(struct lnt_app *app, bool seen, bool read, int64_t now_ms)
{
    if (!seen || read) {
        app->aim_since_ms = 0;
        app->aim_hint = false;
        return;
    }
    if (app->aim_since_ms == 0 || now_ms < app->aim_since_ms)
        app->aim_since_ms = now_ms;
    app->aim_hint = now_ms - app->aim_since_ms >= LNT_APP_AIM_MS;
}

void lnt_app_sent(struct lnt_app *app, int64_t sent_seq, int64_t aside_seq)
{
    if (app->state != LNT_APP_SAVED || app->saved_seq < 1 || app->saved_sent)
        return;
    app->saved_sent = sent_seq >= app->saved_seq && aside_seq < app->saved_seq;
}

bool lnt_app_type(struct lnt_app *app, const char *text, int64_t now_ms)
{
    if (app->state != LNT_APP_FORM)
        return false;
    return lnt_app_flow_type(app, text, now_ms);
}

void lnt_app_save_done(struct lnt_app *app, enum lnt_err rc, const struct lnt_event *saved,
                       int64_t now_ms)
{
    if (app->state != LNT_APP_SAVING)
        return;
    if (rc != LNT_OK || saved == NULL) {
        lnt_strf(app->save_error, sizeof app->save_error, LNT_S_NOT_SAVED,
                 lnt_strerror(rc != LNT_OK ? rc : LNT_ERR_INTERNAL));
        lnt_app_enter(app,
                      app->saving_from == LNT_APP_FORM || app->saving_from == LNT_APP_CONFIRM
                          ? app->saving_from
                          : LNT_APP_BADGE,
                      now_ms);
        return;
    }
    /* Enough for a person to quote, and found in the server's record. A report's comes from its
     * report id, the same for its first save and its completion (its events' ids differ). */
    lnt_app_short_ref(saved->type == LNT_EV_INCIDENT && saved->u.incident.report_id[0] != '\0'
                          ? saved->u.incident.report_id
                          : saved->uuid,
                      app->saved_ref);
    app->saved_at = saved->type == LNT_EV_INCIDENT ? saved->occurred_at : 0;
    app->saved_type = saved->type;
    app->saved_seq = saved->seq;
    app->saved_sent = false;
    app->saved_duty = LNT_DUTY_ROLE;
    if (saved->type == LNT_EV_SIGN_IN || saved->type == LNT_EV_DOOR_REFUSED) {
        app->saved_duty = saved->u.badge.duty;
        if (saved->type == LNT_EV_DOOR_REFUSED || saved->u.badge.duty == LNT_DUTY_OTHER)
            note_refusal(app, saved->occurred_at);
    }
    app->saved_flow = app->saving_from == LNT_APP_FORM ? app->form.flow : LNT_FLOW_NONE;
    app->saved_open = saved->type == LNT_EV_INCIDENT && !saved->u.incident.complete;
    app->saved_stock = -1;
    app->saved_for[0] = '\0';
    if (app->saving_from == LNT_APP_CONFIRM && (size_t)app->team_pick < app->n_team)
        lnt_str_copy(app->saved_for, sizeof app->saved_for, app->team[app->team_pick].name);
    if (saved->type == LNT_EV_STOCK && app->cfg.stock_level != NULL)
        app->saved_stock = app->cfg.stock_level(app->cfg.on_shift_ctx);
    /* The answers are in the outbox (sealed); they need not stay in memory. */
    memset(&app->form, 0, sizeof app->form);
    lnt_app_enter(app, LNT_APP_SAVED, now_ms);
}

/* The last seconds before idle, counted down on screen so that a person can touch to stay. */
static void idle_countdown(struct lnt_app *app, int64_t now_ms)
{
    int64_t idle = lnt_app_idle_ms(app), left = idle - (now_ms - app->last_input_ms);
    int64_t warn = idle / 2 < LNT_APP_IDLE_WARN_MS ? idle / 2 : LNT_APP_IDLE_WARN_MS;

    app->idle_warn_s = left <= warn ? (int)((left + 999) / 1000) : 0;
}

void lnt_app_tick(struct lnt_app *app, int64_t now_ms, struct lnt_app_out *out)
{
    out_clear(out);
    app->idle_warn_s = 0;
    /* The wall clock may be stepped back (NTP, a fixed RTC): restart the timers rather than hang.
     */
    if (now_ms < app->state_since_ms)
        app->state_since_ms = now_ms;
    if (now_ms < app->last_input_ms)
        app->last_input_ms = now_ms;
    if (now_ms < app->shown_since_ms)
        app->shown_since_ms = now_ms;

    switch (app->state) {
    case LNT_APP_REFUSED:
        if (now_ms - app->state_since_ms >= LNT_APP_REFUSED_MS)
            lnt_app_go_idle(app, now_ms);
        break;
    case LNT_APP_SAVED:
        if (now_ms - app->state_since_ms >= LNT_APP_SAVED_MS)
            lnt_app_go_idle(app, now_ms);
        break;
    case LNT_APP_BADGE:
    case LNT_APP_VERIFY:
    case LNT_APP_FORM:
    case LNT_APP_MENU:
    case LNT_APP_REPORTS:
    case LNT_APP_NOBADGE:
    case LNT_APP_TEAM:
    case LNT_APP_CONFIRM:
        if (now_ms - app->last_input_ms < lnt_app_idle_ms(app)) {
            idle_countdown(app, now_ms);
            break;
        }
        /* A report half-told is kept as an open report (sealed like any other), so it is not
         * lost when someone is called away; then nothing personal is left on screen. */
        lnt_app_flow_timeout(app, now_ms, out);
        lnt_app_go_idle(app, now_ms);
        break;
    case LNT_APP_IDLE:
    case LNT_APP_SAVING:
        break;
    }
}

const char *lnt_app_primary_label(const struct lnt_app *app)
{
    if (is_volunteer(app))
        return lnt_str(app->badge.on_shift ? LNT_S_END_SHIFT : LNT_S_START_SHIFT);
    return lnt_str(app->badge.on_shift ? LNT_S_SIGN_OUT : LNT_S_SIGN_IN);
}
