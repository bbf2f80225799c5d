/* screen_badge.c - the badge result (who, SIA, training, verdict, actions) and a manager's menu. */
#include <stdio.h>
#include <string.h>

#include "ltime.h"
#include "screen_int.h"

#define ROW1_Y 300
#define ROW2_Y 386
#define ROW_H 76

static enum lnt_sid role_words(enum lnt_role r)
{
    switch (r) {
    case LNT_ROLE_DOOR:
        return LNT_S_ROLE_DOOR;
    case LNT_ROLE_BAR:
        return LNT_S_ROLE_BAR;
    case LNT_ROLE_MANAGER:
        return LNT_S_ROLE_MANAGER;
    case LNT_ROLE_VOLUNTEER:
        return LNT_S_ROLE_VOLUNTEER;
    case LNT_ROLE_NONE:
        break;
    }
    return LNT_S_ROLE_NONE;
}

static void verdict_banner(struct lnt_draw_list *dl, enum lnt_verdict v, const char *words)
{
    struct lnt_rgb bg = v == LNT_VERDICT_GREEN ? C_GREEN : v == LNT_VERDICT_AMBER ? C_AMBER : C_RED;
    struct lnt_rgb fg = v == LNT_VERDICT_AMBER ? C_BLACK : C_TEXT;
    enum lnt_sid word = v == LNT_VERDICT_GREEN   ? LNT_S_GREEN
                        : v == LNT_VERDICT_AMBER ? LNT_S_AMBER
                                                 : LNT_S_RED;

    lnt_dl_rect(dl, 0, BAR_H, LNT_SCREEN_W, 64, bg);
    lnt_dl_text_id(dl, MARGIN, BAR_H, 200, 64, 34, true, LNT_ALIGN_LEFT, fg, word);
    lnt_dl_text(dl, 220, BAR_H, LNT_SCREEN_W - 220 - MARGIN, 64, 20, true, LNT_ALIGN_LEFT, fg, "%s",
                words);
}

/*
 * A licence number as the screen shows it, to anyone standing at the door: all
 * but its last four digits hidden, in groups of four ("\u2022\u2022\u2022\u2022 ... 5678").
 */
static void masked(const char *number, char *out, size_t size)
{
    size_t n = strlen(number), used = 0;

    out[0] = '\0';
    for (size_t i = 0; i < n && used + 5 < size; i++) {
        if (i > 0 && (n - i) % 4 == 0)
            out[used++] = ' ';
        if (i + 4 < n) {
            memcpy(out + used, SYM_HIDDEN, sizeof SYM_HIDDEN - 1);
            used += sizeof SYM_HIDDEN - 1;
        } else {
            out[used++] = number[i];
        }
        out[used] = '\0';
    }
}

static void sia_line(struct lnt_draw_list *dl, const struct lnt_app_badge *b, int y)
{
    const struct lnt_badge_claims *c = &b->claims;
    char date[LNT_DATE_STRLEN] = "", number[64];

    if (c->sia_expires != 0)
        lnt_date_format(c->sia_expires, date);
    masked(c->sia_number, number, sizeof number);
    switch (b->sia) {
    case LNT_SIA_MISSING:
        lnt_dl_text_id(dl, MARGIN, y, 760, 30, 21, true, LNT_ALIGN_LEFT, C_RED_FG, LNT_S_SIA_NONE);
        break;
    case LNT_SIA_EXPIRED:
        lnt_dl_text_id(dl, MARGIN, y, 760, 30, 21, true, LNT_ALIGN_LEFT, C_RED_FG,
                       LNT_S_SIA_EXPIRED, number, date);
        break;
    case LNT_SIA_EXPIRING:
        lnt_dl_text_id(dl, MARGIN, y, 760, 30, 21, true, LNT_ALIGN_LEFT, C_AMBER,
                       LNT_S_SIA_EXPIRING, number, date, (int)b->sia_days_left);
        break;
    case LNT_SIA_VALID:
        lnt_dl_text_id(dl, MARGIN, y, 760, 30, 21, false, LNT_ALIGN_LEFT, C_TEXT, LNT_S_SIA_VALID,
                       number, date, (int)b->sia_days_left);
        break;
    case LNT_SIA_NOT_REQUIRED:
        lnt_dl_text_id(dl, MARGIN, y, 760, 30, 21, false, LNT_ALIGN_LEFT, C_DIM,
                       LNT_S_SIA_NOT_REQUIRED);
        break;
    }
}

/* Each course with its expiry, three to a row, two rows. */
static void training(struct lnt_draw_list *dl, const struct lnt_app_badge *b, int y)
{
    const struct lnt_badge_claims *c = &b->claims;
    size_t shown = c->n_courses < 6 ? c->n_courses : 6;

    if (c->n_courses == 0) {
        lnt_dl_text_id(dl, MARGIN, y, 760, 26, 19, false, LNT_ALIGN_LEFT, C_DIM,
                       LNT_S_TRAINING_NONE);
        return;
    }
    for (size_t i = 0; i < shown; i++) {
        int x = MARGIN + (int)(i % 3) * 255, yy = y + (int)(i / 3) * 26;
        const char *name = lnt_course_name(c->courses[i].course);
        int32_t left = b->course_days_left[i];
        char date[LNT_DATE_STRLEN] = "";

        if (c->courses[i].expires != 0)
            lnt_date_format(c->courses[i].expires, date);
        if (c->courses[i].expires == 0)
            lnt_dl_text_id(dl, x, yy, 250, 26, 18, false, LNT_ALIGN_LEFT, C_TEXT,
                           LNT_S_COURSE_NO_EXPIRY, name);
        else if (left < 0)
            lnt_dl_text_id(dl, x, yy, 250, 26, 18, true, LNT_ALIGN_LEFT, C_AMBER,
                           LNT_S_COURSE_EXPIRED, name, date);
        else if (left <= LNT_APP_EXPIRING_DAYS)
            lnt_dl_text_id(dl, x, yy, 250, 26, 18, true, LNT_ALIGN_LEFT, C_AMBER, LNT_S_COURSE_SOON,
                           name, (int)left);
        else
            lnt_dl_text_id(dl, x, yy, 250, 26, 18, false, LNT_ALIGN_LEFT, C_TEXT, LNT_S_COURSE_TO,
                           name, date);
    }
    if (c->n_courses > shown)
        lnt_dl_text_id(dl, MARGIN, y + 52, 760, 24, 18, false, LNT_ALIGN_LEFT, C_DIM,
                       LNT_S_MORE_COURSES, c->n_courses - shown);
}

/* "Open reports (N)", amber while any wait to be finished. */
static void open_reports_button(struct lnt_draw_list *dl, int x, int y, int w, int h, int size,
                                const struct lnt_status *st)
{
    char label[48];

    lnt_strf(label, sizeof label, LNT_S_OPEN_REPORTS, (size_t)st->open_reports);
    lnt_dl_button(dl, LNT_BTN_REPORTS, x, y, w, h, st->open_reports > 0 ? C_AMBER : C_GREY,
                  st->open_reports > 0 ? C_BLACK : C_TEXT, size, label);
}

/* The actions a badge's role allows: the role is the badge's, never chosen here. */
static void actions(struct lnt_draw_list *dl, const struct lnt_app *app,
                    const struct lnt_status *st)
{
    const struct lnt_app_badge *b = &app->badge;
    struct lnt_rgb primary = b->on_shift ? C_BLUE : C_GREEN;

    if (b->claims.role == LNT_ROLE_VOLUNTEER) {
        lnt_dl_button(dl, LNT_BTN_PRIMARY, MARGIN, ROW1_Y + 40, 330, ROW_H + 20, primary, C_TEXT,
                      32, lnt_app_primary_label(app));
        lnt_dl_button(dl, LNT_BTN_WELFARE, 360, ROW1_Y + 40, 250, ROW_H + 20, C_PURPLE, C_TEXT, 26,
                      lnt_str(LNT_S_WELFARE));
        lnt_dl_button(dl, LNT_BTN_CANCEL, 620, ROW1_Y + 40, 160, ROW_H + 20, C_GREY, C_TEXT, 24,
                      lnt_str(LNT_S_NOT_NOW));
        return;
    }
    lnt_dl_button(dl, LNT_BTN_PRIMARY, MARGIN, ROW1_Y, 300, ROW_H, primary, C_TEXT, 32,
                  lnt_app_primary_label(app));
    if (b->claims.role == LNT_ROLE_NONE) {
        lnt_dl_button(dl, LNT_BTN_CANCEL, 540, ROW2_Y, 240, ROW_H, C_GREY, C_TEXT, 26,
                      lnt_str(LNT_S_NOT_NOW));
        return;
    }
    lnt_dl_button(dl, LNT_BTN_ANGELA, 330, ROW1_Y, 220, ROW_H, C_PURPLE, C_TEXT, 22,
                  lnt_str(LNT_S_ANGELA));
    lnt_dl_button(dl, LNT_BTN_SPIKING, 560, ROW1_Y, 220, ROW_H, C_TEAL, C_TEXT, 24,
                  lnt_str(LNT_S_SPIKING));
    lnt_dl_button(dl, LNT_BTN_INCIDENT, MARGIN, ROW2_Y, 250, ROW_H, C_BLUE, C_TEXT, 22,
                  lnt_str(LNT_S_INCIDENT));
    /* A manager's and bar staff's sixth choice is a menu (cup covers, open reports, ...): six at
     * most on a screen. It says how many reports wait, amber, as the open-reports button does. */
    if (lnt_app_may_stock(app)) {
        char label[48];
        if (st->open_reports > 0)
            lnt_strf(label, sizeof label, LNT_S_MORE_OPEN, (long long)st->open_reports);
        else
            lnt_strf(label, sizeof label, LNT_S_MORE_MENU);
        lnt_dl_button(dl, LNT_BTN_MENU, 280, ROW2_Y, 260, ROW_H,
                      st->open_reports > 0 ? C_AMBER : C_GREY,
                      st->open_reports > 0 ? C_BLACK : C_TEXT, 22, label);
    } else
        open_reports_button(dl, 280, ROW2_Y, 260, ROW_H, 22, st);
    lnt_dl_button(dl, LNT_BTN_CANCEL, 550, ROW2_Y, 230, ROW_H, C_GREY, C_TEXT, 26,
                  lnt_str(LNT_S_NOT_NOW));
}

void lnt_screen_badge(struct lnt_draw_list *dl, const struct lnt_app *app,
                      const struct lnt_status *st)
{
    const struct lnt_app_badge *b = &app->badge;

    verdict_banner(dl, b->verdict, b->verdict_words);
    lnt_dl_text(dl, MARGIN, 106, 560, 46, 36, true, LNT_ALIGN_LEFT, C_TEXT, "%s", b->claims.name);
    lnt_dl_text_id(dl, 580, 106, 200, 46, 20, true, LNT_ALIGN_RIGHT,
                   b->on_shift ? C_GREEN_FG : C_DIM,
                   b->on_shift ? LNT_S_ON_SHIFT : LNT_S_NOT_ON_SHIFT);
    /* A volunteer goes by a call sign on the night, not a staff number. */
    if (b->claims.role == LNT_ROLE_VOLUNTEER && app->call_sign[0] != '\0')
        lnt_dl_text_id(dl, MARGIN, 150, 760, 28, 20, false, LNT_ALIGN_LEFT, C_DIM,
                       LNT_S_VOLUNTEER_LINE, lnt_str(role_words(b->claims.role)), app->call_sign);
    else if (b->claims.role == LNT_ROLE_VOLUNTEER)
        lnt_dl_text_id(dl, MARGIN, 150, 760, 28, 20, false, LNT_ALIGN_LEFT, C_DIM,
                       LNT_S_VOLUNTEER_ONLY, lnt_str(role_words(b->claims.role)));
    else
        lnt_dl_text_id(dl, MARGIN, 150, 760, 28, 20, false, LNT_ALIGN_LEFT, C_DIM, LNT_S_STAFF_NO,
                       lnt_str(role_words(b->claims.role)), b->claims.subject);
    sia_line(dl, b, 180);
    training(dl, b, 212);
    if (app->save_error[0] != '\0')
        lnt_dl_text(dl, MARGIN, 266, 760, 30, 20, true, LNT_ALIGN_LEFT, C_RED_FG, "%s",
                    app->save_error);
    actions(dl, app, st);
}

void lnt_screen_menu(struct lnt_draw_list *dl, const struct lnt_app *app,
                     const struct lnt_status *st)
{
    lnt_dl_text(dl, MARGIN, BAR_H + 10, 760, 50, 30, true, LNT_ALIGN_LEFT, C_TEXT, "%s",
                app->badge.claims.name);
    lnt_dl_text_id(dl, MARGIN, BAR_H + 60, 760, 36, 24, false, LNT_ALIGN_LEFT, C_DIM,
                   LNT_S_MENU_TITLE);
    lnt_dl_button(dl, LNT_BTN_STOCK, MARGIN, 150, 370, 100, C_TEAL, C_TEXT, 30,
                  lnt_str(LNT_S_CUP_COVERS));
    open_reports_button(dl, 410, 150, 370, 100, 28, st);
    lnt_dl_button(dl, LNT_BTN_WELFARE, MARGIN, 262, 370, 100, C_PURPLE, C_TEXT, 28,
                  lnt_str(LNT_S_WELFARE));
    if (app->badge.claims.role == LNT_ROLE_MANAGER)
        lnt_dl_button(dl, LNT_BTN_TEAM, 410, 262, 370, 100, C_BLUE, C_TEXT, 28,
                      lnt_str(LNT_S_TEAM));
    lnt_dl_button(dl, LNT_BTN_BACK, MARGIN, BOTTOM_Y, 240, BUTTON_H, C_GREY, C_TEXT, 26,
                  lnt_str(LNT_S_BACK));
}
