/* screen.c - picks the screen for the app's state under the status bar; draws the small ones. */
#include "screen.h"

#include "screen_int.h"

static void status_bar(struct lnt_draw_list *dl, const struct lnt_status *st)
{
    char clock[8], synced[8];

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
        lnt_dl_text_id(dl, 160, 0, 170, BAR_H, 17, true, LNT_ALIGN_LEFT, C_AMBER, LNT_S_UNSENT_OLD,
                       (long long)st->unsent, (long long)(st->unsent_age / 3600));
    else
        lnt_dl_text_id(dl, 160, 0, 170, BAR_H, 18, false, LNT_ALIGN_LEFT, C_TEXT, LNT_S_UNSENT,
                       (long long)st->unsent);
    lnt_dl_hhmm(st->last_sync, synced);
    if (st->last_sync > 0)
        lnt_dl_text_id(dl, 335, 0, 175, BAR_H, 18, false, LNT_ALIGN_LEFT, C_TEXT, LNT_S_LAST_SYNC,
                       synced);
    else
        lnt_dl_text_id(dl, 335, 0, 175, BAR_H, 18, false, LNT_ALIGN_LEFT, C_DIM,
                       LNT_S_NEVER_SYNCED);
    if (st->aside > 0)
        lnt_dl_text_id(dl, 510, 0, 180, BAR_H, 18, true, LNT_ALIGN_LEFT, C_AMBER, LNT_S_ASIDE,
                       (long long)st->aside);
    lnt_dl_hhmm(st->now, clock);
    lnt_dl_text(dl, 700, 0, 90, BAR_H, 22, true, LNT_ALIGN_RIGHT, C_TEXT, "%s", clock);
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
    case LNT_EV_INCIDENT:
        if (app->saved_flow == LNT_FLOW_ANGELA)
            return LNT_S_SAVED_ANGELA;
        if (app->saved_flow == LNT_FLOW_SPIKING)
            return app->saved_open ? LNT_S_SAVED_SPIKING_OPEN : LNT_S_SAVED_SPIKING;
        return LNT_S_SAVED_INCIDENT;
    default:
        return LNT_S_SAVED_GENERIC;
    }
}

static void screen_saved(struct lnt_draw_list *dl, const struct lnt_app *app)
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
    lnt_dl_text_id(dl, MARGIN, 112, 760, 40, 28, warn, LNT_ALIGN_LEFT, C_TEXT, saved_words(app));
    if (warn) {
        lnt_dl_rect(dl, MARGIN, 322, 760, 56, refused ? C_RED : C_AMBER);
        lnt_dl_text_id(dl, MARGIN + 10, 322, 740, 56, 20, true, LNT_ALIGN_LEFT,
                       refused ? C_TEXT : C_BLACK, LNT_S_SAVED_WARNING, app->badge.verdict_words);
    }
    lnt_dl_text(dl, MARGIN, 154, 760, 50, 36, true, LNT_ALIGN_LEFT, C_TEXT, "%s",
                app->badge.claims.name);
    lnt_dl_wrapped(dl, MARGIN, 212, 760, 22, C_TEXT, false, lnt_str(LNT_S_SAVED_NOTE), 2);
    lnt_dl_text_id(dl, MARGIN, 248, 760, 34, 24, false, LNT_ALIGN_LEFT, C_DIM, LNT_S_SAVED_REF,
                   app->saved_ref);
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

static void screen_idle(struct lnt_draw_list *dl, const struct lnt_status *st)
{
    lnt_dl_text_id(dl, 0, 150, LNT_SCREEN_W, 70, 52, true, LNT_ALIGN_CENTRE, C_TEXT,
                   st->enrolled ? LNT_S_SHOW_BADGE : LNT_S_ENROL_TITLE);
    lnt_dl_text_id(dl, 0, 230, LNT_SCREEN_W, 40, 22, false, LNT_ALIGN_CENTRE, C_DIM,
                   st->enrolled ? LNT_S_SHOW_BADGE_HINT : LNT_S_ENROL_HINT);
    if (st->venue != NULL && st->venue[0] != '\0')
        lnt_dl_text(dl, 0, 400, LNT_SCREEN_W, 40, 22, false, LNT_ALIGN_CENTRE, C_DIM, "%s",
                    st->venue);
}

void lnt_screen_build(const struct lnt_app *app, const struct lnt_status *st,
                      struct lnt_draw_list *out)
{
    out->n = 0;
    lnt_dl_rect(out, 0, 0, LNT_SCREEN_W, LNT_SCREEN_H, C_BG);
    status_bar(out, st);
    switch (app->state) {
    case LNT_APP_IDLE:
        screen_idle(out, st);
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
        lnt_screen_form(out, app);
        break;
    case LNT_APP_REPORTS:
        lnt_screen_reports(out, app);
        break;
    case LNT_APP_SAVING:
        lnt_dl_text_id(out, 0, 200, LNT_SCREEN_W, 60, 40, true, LNT_ALIGN_CENTRE, C_TEXT,
                       LNT_S_SAVING);
        break;
    case LNT_APP_REFUSED:
        screen_refused(out, app);
        break;
    case LNT_APP_SAVED:
        screen_saved(out, app);
        break;
    }
}
