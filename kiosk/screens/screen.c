/* screen.c - picks the screen for the app's state under the status bar; draws the small ones. */
#include "screen.h"

#include "screen_int.h"

static void status_bar(struct lnt_draw_list *dl, const struct lnt_status *st)
{
    char clock[LNT_APP_DAY_TIME_LEN], synced[LNT_APP_DAY_TIME_LEN];

    lnt_dl_rect(dl, 0, 0, LNT_SCREEN_W, BAR_H, C_BAR);
    if (!st->enrolled)
        lnt_dl_text_id(dl, 10, 0, 150, BAR_H, 18, true, LNT_ALIGN_LEFT, C_AMBER,
                       LNT_S_NOT_ENROLLED_BAR);
    else if (st->online)
        lnt_dl_text_id(dl, 10, 0, 150, BAR_H, 18, true, LNT_ALIGN_LEFT, C_TEXT, LNT_S_ONLINE);
    else
        lnt_dl_text_id(dl, 10, 0, 150, BAR_H, 18, true, LNT_ALIGN_LEFT, C_AMBER, LNT_S_OFFLINE);
    /* Anything waiting over an hour is flagged: the network or the server needs a look. */
    if (st->unsent > 0 && st->unsent_age > LNT_UNSENT_WARN_S)
        lnt_dl_text_id(dl, 160, 0, 170, BAR_H, 18, true, LNT_ALIGN_LEFT, C_AMBER, LNT_S_UNSENT_OLD,
                       (long long)st->unsent, (long long)(st->unsent_age / 3600));
    else
        lnt_dl_text_id(dl, 160, 0, 170, BAR_H, 18, false, LNT_ALIGN_LEFT, C_TEXT, LNT_S_UNSENT,
                       (long long)st->unsent);
    /* Every time shown carries its day: at 2 a.m. "22:40" alone could be either night. */
    lnt_app_day_time(st->last_sync, synced);
    if (st->last_sync > 0)
        lnt_dl_text_id(dl, 335, 0, 160, BAR_H, 18, false, LNT_ALIGN_LEFT, C_TEXT, LNT_S_LAST_SYNC,
                       synced);
    else
        lnt_dl_text_id(dl, 335, 0, 160, BAR_H, 18, false, LNT_ALIGN_LEFT, C_DIM,
                       LNT_S_NEVER_SYNCED);
    if (st->aside > 0)
        lnt_dl_text_id(dl, 500, 0, 150, BAR_H, 18, true, LNT_ALIGN_LEFT, C_AMBER, LNT_S_ASIDE,
                       (long long)st->aside);
    lnt_app_day_time(st->now, clock);
    lnt_dl_text(dl, 655, 0, 135, BAR_H, 22, true, LNT_ALIGN_RIGHT, C_TEXT, "%s", clock);
}

/* The last seconds before idle, over the status bar (where there is nothing to tap). */
static void idle_warning(struct lnt_draw_list *dl, const struct lnt_app *app)
{
    if (app->idle_warn_s <= 0 || app->state == LNT_APP_IDLE || app->state == LNT_APP_SAVING ||
        app->state == LNT_APP_REFUSED || app->state == LNT_APP_SAVED)
        return;
    lnt_dl_rect(dl, 0, 0, LNT_SCREEN_W, BAR_H, C_AMBER);
    lnt_dl_text_id(dl, MARGIN, 0, LNT_SCREEN_W - 2 * MARGIN, BAR_H, 22, true, LNT_ALIGN_CENTRE,
                   C_BLACK, LNT_S_IDLE_WARN, app->idle_warn_s);
}

static void screen_refused(struct lnt_draw_list *dl, const struct lnt_app *app)
{
    int h;

    lnt_dl_rect(dl, 0, BAR_H, LNT_SCREEN_W, 64, C_RED);
    lnt_dl_text_id(dl, MARGIN, BAR_H, 760, 64, 34, true, LNT_ALIGN_LEFT, C_TEXT,
                   LNT_S_REFUSED_TITLE);
    h = lnt_dl_wrapped(dl, MARGIN, 120, 760, 30, C_TEXT, true, lnt_str_refused(app->refused), 2);
    lnt_dl_text_id(dl, MARGIN, 132 + h, 760, 34, 24, false, LNT_ALIGN_LEFT, C_DIM,
                   LNT_S_REFUSED_NEXT);
    lnt_dl_wrapped(dl, MARGIN, 168 + h, 760, 26, C_TEXT, false, lnt_str_refused_next(app->refused),
                   3);
    lnt_dl_button(dl, LNT_BTN_DONE, 540, BOTTOM_Y, 240, BUTTON_H, C_GREY, C_TEXT, 30,
                  lnt_str(LNT_S_OK));
}

static enum lnt_sid saved_words(const struct lnt_app *app)
{
    switch (app->saved_type) {
    case LNT_EV_SIGN_IN:
        return app->saved_duty == LNT_DUTY_OTHER ? LNT_S_SAVED_OTHER_DUTIES : LNT_S_SAVED_SIGN_IN;
    case LNT_EV_DOOR_REFUSED:
        return LNT_S_SAVED_DOOR_REFUSED;
    case LNT_EV_SIGN_OUT:
        return LNT_S_SAVED_SIGN_OUT;
    case LNT_EV_STOCK:
        return LNT_S_SAVED_STOCK;
    case LNT_EV_SHIFT_START:
        return LNT_S_SAVED_SHIFT_START;
    case LNT_EV_SHIFT_END:
        return LNT_S_SAVED_SHIFT_END;
    case LNT_EV_WELFARE:
        return LNT_S_SAVED_WELFARE;
    case LNT_EV_INCIDENT:
        if (app->saved_flow == LNT_FLOW_ANGELA)
            return app->saved_open ? LNT_S_SAVED_ANGELA_OPEN : LNT_S_SAVED_ANGELA;
        if (app->saved_flow == LNT_FLOW_SPIKING)
            return app->saved_open ? LNT_S_SAVED_SPIKING_OPEN : LNT_S_SAVED_SPIKING;
        return LNT_S_SAVED_INCIDENT;
    default:
        return LNT_S_SAVED_GENERIC;
    }
}

static enum lnt_sid saved_note(const struct lnt_app *app, const struct lnt_status *st)
{
    if (app->saved_sent)
        return LNT_S_SAVED_SENT;
    return st->online ? LNT_S_SAVED_SENDING : LNT_S_SAVED_PENDING;
}

static void screen_saved(struct lnt_draw_list *dl, const struct lnt_app *app,
                         const struct lnt_status *st)
{
    int64_t threshold = app->cfg.cup_threshold > 0 ? app->cfg.cup_threshold : LNT_APP_CUP_THRESHOLD;

    /* A sign-in that was not GREEN, or a door supervisor turned from the door, is never a plain
     * green SAVED: the title, its colour and a line repeat the warning. */
    bool refused = app->saved_type == LNT_EV_DOOR_REFUSED;
    bool warn =
        refused || (app->saved_type == LNT_EV_SIGN_IN &&
                    (app->badge.verdict != LNT_VERDICT_GREEN || app->saved_duty == LNT_DUTY_OTHER));

    lnt_dl_rect(dl, 0, BAR_H, LNT_SCREEN_W, 64, refused ? C_RED : warn ? C_AMBER : C_GREEN);
    lnt_dl_text_id(dl, MARGIN, BAR_H, 760, 64, warn ? 28 : 34, true, LNT_ALIGN_LEFT,
                   warn && !refused ? C_BLACK : C_TEXT,
                   refused ? LNT_S_SAVED_TITLE_REFUSED
                   : warn  ? LNT_S_SAVED_TITLE_WARN
                           : LNT_S_SAVED_TITLE);
    if (app->saved_for[0] != '\0') /* a manager signed someone else out */
        lnt_dl_text_id(dl, MARGIN, 112, 760, 40, 28, true, LNT_ALIGN_LEFT, C_TEXT,
                       LNT_S_SAVED_SIGNED_OUT_FOR, app->saved_for);
    else
        lnt_dl_text_id(dl, MARGIN, 112, 760, 40, 28, warn, LNT_ALIGN_LEFT, C_TEXT,
                       saved_words(app));
    if (warn) {
        lnt_dl_rect(dl, MARGIN, 322, 760, 56, refused ? C_RED : C_AMBER);
        lnt_dl_text_id(dl, MARGIN + 10, 322, 740, 56, 20, true, LNT_ALIGN_LEFT,
                       refused ? C_TEXT : C_BLACK, LNT_S_SAVED_WARNING, app->badge.verdict_words);
    }
    lnt_dl_text(dl, MARGIN, 154, 760, 50, 36, true, LNT_ALIGN_LEFT, C_TEXT, "%s",
                app->badge.claims.name);
    /* Never "sent" before the server said so; "when online" only while it cannot be reached. */
    lnt_dl_wrapped(dl, MARGIN, 212, 760, 22, C_TEXT, app->saved_sent, lnt_str(saved_note(app, st)),
                   2);
    lnt_dl_text_id(dl, MARGIN, 248, 760, 34, 24, false, LNT_ALIGN_LEFT, C_DIM, LNT_S_SAVED_REF,
                   app->saved_ref);
    if (app->saved_at > 0) {
        char when[LNT_APP_DAY_TIME_LEN];
        lnt_app_day_time(app->saved_at, when);
        lnt_dl_text_id(dl, MARGIN, 284, 760, 34, 24, false, LNT_ALIGN_LEFT, C_TEXT, LNT_S_HAPPENED,
                       when);
    }
    if (app->saved_open) {
        lnt_dl_rect(dl, MARGIN, 322, 760, 56, C_AMBER);
        lnt_dl_text_id(dl, MARGIN + 10, 322, 740, 56, 20, true, LNT_ALIGN_LEFT, C_BLACK,
                       LNT_S_SAVED_OPEN_NOTE);
    }
    if (app->saved_type == LNT_EV_STOCK && app->saved_stock >= 0) {
        if (app->saved_stock < threshold) {
            lnt_dl_rect(dl, MARGIN, 322, 760, 56, C_AMBER);
            lnt_dl_text_id(dl, MARGIN + 10, 322, 740, 56, 22, true, LNT_ALIGN_LEFT, C_BLACK,
                           LNT_S_STOCK_LOW, (long long)app->saved_stock, (long long)threshold);
        } else {
            lnt_dl_text_id(dl, MARGIN, 322, 760, 40, 22, false, LNT_ALIGN_LEFT, C_TEXT,
                           LNT_S_STOCK_LEVEL, (long long)app->saved_stock);
        }
    }
    lnt_dl_button(dl, LNT_BTN_DONE, 540, BOTTOM_Y, 240, BUTTON_H, C_GREY, C_TEXT, 30,
                  lnt_str(LNT_S_DONE));
}

/* The camera is down: say so where the badge prompt was, and offer the one thing that cannot
 * wait for it. */
static void camera_down(struct lnt_draw_list *dl)
{
    lnt_dl_rect(dl, MARGIN, 64, 760, 96, C_AMBER);
    lnt_dl_text_id(dl, MARGIN + 16, 68, 728, 48, 32, true, LNT_ALIGN_LEFT, C_BLACK,
                   LNT_S_CAMERA_DOWN);
    lnt_dl_text_id(dl, MARGIN + 16, 114, 728, 40, 24, false, LNT_ALIGN_LEFT, C_BLACK,
                   LNT_S_CAMERA_DOWN_HINT);
}

/* The assist button was pressed: a red band with the time, at `y`; the hint where there is
 * room for it. */
static void assist_band(struct lnt_draw_list *dl, const struct lnt_app *app, int y, bool hint)
{
    char when[LNT_APP_DAY_TIME_LEN];

    lnt_app_day_time(app->assist_at, when);
    lnt_dl_rect(dl, MARGIN, y, 760, hint ? 84 : 44, C_RED);
    lnt_dl_text_id(dl, MARGIN + 12, y + 2, 736, 40, 24, true, LNT_ALIGN_LEFT, C_TEXT, LNT_S_ASSIST,
                   when);
    if (hint)
        lnt_dl_text_id(dl, MARGIN + 12, y + 42, 736, 40, 22, false, LNT_ALIGN_LEFT, C_TEXT,
                       LNT_S_ASSIST_HINT);
}

static void screen_idle(struct lnt_draw_list *dl, const struct lnt_app *app,
                        const struct lnt_status *st)
{
    if (st->enrolled && app->camera_down) {
        camera_down(dl);
        if (app->assist_at > 0)
            assist_band(dl, app, 350, false);
        lnt_dl_button(dl, LNT_BTN_NOBADGE, 160, 200, 480, 96, C_PURPLE, C_TEXT, 30,
                      lnt_str(LNT_S_NOBADGE_BUTTON));
        lnt_dl_text_id(dl, 0, 300, LNT_SCREEN_W, 36, 20, false, LNT_ALIGN_CENTRE, C_DIM,
                       LNT_S_NOBADGE_NOTE);
        if (st->venue != NULL && st->venue[0] != '\0')
            lnt_dl_text(dl, 0, 400, LNT_SCREEN_W, 40, 22, false, LNT_ALIGN_CENTRE, C_DIM, "%s",
                        st->venue);
        return;
    }
    if (st->enrolled && app->assist_at > 0)
        assist_band(dl, app, BAR_H + 16, true);
    lnt_dl_text_id(dl, 0, 150, LNT_SCREEN_W, 70, 52, true, LNT_ALIGN_CENTRE, C_TEXT,
                   st->enrolled ? LNT_S_SHOW_BADGE : LNT_S_ENROL_TITLE);
    /* A code in view that will not read: say how to hold it, where the hint was. */
    if (app->aim_hint)
        lnt_dl_text_id(dl, 0, 230, LNT_SCREEN_W, 40, 24, true, LNT_ALIGN_CENTRE, C_AMBER,
                       LNT_S_AIM_HINT);
    else
        lnt_dl_text_id(dl, 0, 230, LNT_SCREEN_W, 40, 22, false, LNT_ALIGN_CENTRE, C_DIM,
                       st->enrolled ? LNT_S_SHOW_BADGE_HINT : LNT_S_ENROL_HINT);
    lnt_screen_camera_view(dl, st);
    if (st->venue != NULL && st->venue[0] != '\0')
        lnt_dl_text(dl, 0, 400, LNT_SCREEN_W, 40, 22, false, LNT_ALIGN_CENTRE, C_DIM, "%s",
                    st->venue);
    /* Stays until a delivery or a count brings the stock back to the threshold. */
    if (st->enrolled)
        lnt_screen_stock_warning(dl, st);
}

/* NOBADGE: the three reports that never wait for a camera. */
static void screen_nobadge(struct lnt_draw_list *dl)
{
    lnt_dl_text_id(dl, MARGIN, BAR_H + 10, 760, 50, 32, true, LNT_ALIGN_LEFT, C_TEXT,
                   LNT_S_NOBADGE_TITLE);
    lnt_dl_text_id(dl, MARGIN, BAR_H + 60, 760, 36, 22, false, LNT_ALIGN_LEFT, C_DIM,
                   LNT_S_NOBADGE_NOTE);
    lnt_dl_button(dl, LNT_BTN_ANGELA, MARGIN, 160, 240, 120, C_PURPLE, C_TEXT, 26,
                  lnt_str(LNT_S_ANGELA));
    lnt_dl_button(dl, LNT_BTN_SPIKING, 280, 160, 240, 120, C_TEAL, C_TEXT, 26,
                  lnt_str(LNT_S_SPIKING));
    lnt_dl_button(dl, LNT_BTN_INCIDENT, 540, 160, 240, 120, C_BLUE, C_TEXT, 24,
                  lnt_str(LNT_S_INCIDENT));
    lnt_dl_button(dl, LNT_BTN_BACK, MARGIN, BOTTOM_Y, 240, BUTTON_H, C_GREY, C_TEXT, 26,
                  lnt_str(LNT_S_BACK));
}

void lnt_screen_build(const struct lnt_app *app, const struct lnt_status *st,
                      struct lnt_draw_list *out)
{
    out->n = 0;
    lnt_dl_rect(out, 0, 0, LNT_SCREEN_W, LNT_SCREEN_H, C_BG);
    status_bar(out, st);
    switch (app->state) {
    case LNT_APP_IDLE:
        screen_idle(out, app, st);
        break;
    case LNT_APP_VERIFY:
        lnt_dl_text_id(out, 0, 200, LNT_SCREEN_W, 60, 40, true, LNT_ALIGN_CENTRE, C_TEXT,
                       LNT_S_CHECKING);
        break;
    case LNT_APP_BADGE:
        lnt_screen_badge(out, app, st);
        break;
    case LNT_APP_MENU:
        lnt_screen_menu(out, app, st);
        break;
    case LNT_APP_FORM:
        lnt_screen_form(out, app, st);
        break;
    case LNT_APP_REPORTS:
        lnt_screen_reports(out, app);
        break;
    case LNT_APP_TEAM:
        lnt_screen_team(out, app);
        break;
    case LNT_APP_CONFIRM:
        lnt_screen_confirm(out, app);
        break;
    case LNT_APP_SAVING:
        lnt_dl_text_id(out, 0, 200, LNT_SCREEN_W, 60, 40, true, LNT_ALIGN_CENTRE, C_TEXT,
                       LNT_S_SAVING);
        break;
    case LNT_APP_REFUSED:
        screen_refused(out, app);
        break;
    case LNT_APP_SAVED:
        screen_saved(out, app, st);
        break;
    case LNT_APP_NOBADGE:
        screen_nobadge(out);
        break;
    }
    idle_warning(out, app);
}
