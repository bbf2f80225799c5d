/* screen_staff.c - what managers and volunteers do at the kiosk: who is on shift (with the
 * door-supervisor ratio), signing someone out, the tallies on one screen, the stock warning. */
#include <stdio.h>
#include <string.h>

#include "screen_int.h"

#define STEP_W 64   /* a stepper's - button: a gloved thumb */
#define ROW_STEP 78 /* rows of steppers */

/* "3 door supervisors for 250: 1 per 83", amber when there is none; nothing without a capacity. */
static void ratio_line(struct lnt_draw_list *dl, const struct lnt_app *app, int y)
{
    int64_t per = 0, doors = lnt_app_door_count(app, &per);

    if (app->cfg.capacity <= 0)
        return;
    if (doors == 0)
        lnt_dl_text_id(dl, MARGIN, y, 760, 34, 22, true, LNT_ALIGN_LEFT, C_AMBER,
                       LNT_S_TEAM_NO_DOOR, (long long)app->cfg.capacity);
    else
        lnt_dl_text_id(dl, MARGIN, y, 760, 34, 22, true, LNT_ALIGN_LEFT, C_TEXT, LNT_S_TEAM_RATIO,
                       (long long)doors, doors == 1 ? "" : "s", (long long)app->cfg.capacity,
                       (long long)per);
}

void lnt_screen_team(struct lnt_draw_list *dl, const struct lnt_app *app)
{
    int pages = lnt_app_team_pages(app);
    int first = app->team_page * LNT_APP_TEAM_PAGE;

    lnt_dl_rect(dl, 0, BAR_H, LNT_SCREEN_W, 36, C_BLUE);
    lnt_dl_text_id(dl, MARGIN, BAR_H, 400, 36, 20, true, LNT_ALIGN_LEFT, C_TEXT, LNT_S_TEAM_TITLE,
                   app->n_team);
    lnt_dl_text(dl, 420, BAR_H, 360, 36, 18, false, LNT_ALIGN_RIGHT, C_TEXT, "%s",
                app->badge.claims.name);
    ratio_line(dl, app, BAR_H + 40);
    if (app->n_team == 0)
        lnt_dl_wrapped(dl, MARGIN, 150, 760, 26, C_TEXT, false, lnt_str(LNT_S_TEAM_NONE), 2);
    else
        lnt_dl_text_id(dl, MARGIN, BAR_H + 74, 760, 24, 17, false, LNT_ALIGN_LEFT, C_DIM,
                       LNT_S_TEAM_HINT);
    for (int i = first; i < first + LNT_APP_TEAM_PAGE && i < (int)app->n_team; i++) {
        const struct lnt_shift_person *p = &app->team[i];
        char label[LNT_DRAW_TEXT_MAX], since[8];

        lnt_dl_hhmm(p->since, since);
        lnt_strf(label, sizeof label, LNT_S_TEAM_ITEM, p->name[0] != '\0' ? p->name : p->staff_id,
                 lnt_str(lnt_screen_role_words(p->role)), since);
        lnt_dl_button(dl, LNT_BTN_ITEM0 + i, MARGIN, 136 + (i - first) * 66, 760, 64, C_GREY,
                      C_TEXT, 22, label);
    }
    lnt_dl_button(dl, LNT_BTN_BACK, MARGIN, BOTTOM_Y, 200, BUTTON_H, C_GREY, C_TEXT, 26,
                  lnt_str(LNT_S_BACK));
    if (pages > 1) {
        lnt_dl_text_id(dl, 330, BOTTOM_Y, 200, BUTTON_H, 18, false, LNT_ALIGN_CENTRE, C_DIM,
                       LNT_S_PAGE, app->team_page + 1, pages);
        lnt_dl_button(dl, LNT_BTN_MORE, 570, BOTTOM_Y, 210, BUTTON_H, C_BLUE, C_TEXT, 26,
                      lnt_str(LNT_S_MORE));
    }
}

void lnt_screen_confirm(struct lnt_draw_list *dl, const struct lnt_app *app)
{
    const struct lnt_shift_person *p =
        (size_t)app->team_pick < app->n_team ? &app->team[app->team_pick] : NULL;

    lnt_dl_rect(dl, 0, BAR_H, LNT_SCREEN_W, 36, C_BLUE);
    lnt_dl_text_id(dl, MARGIN, BAR_H, 760, 36, 20, true, LNT_ALIGN_LEFT, C_TEXT, LNT_S_TEAM);
    if (p == NULL)
        return;
    lnt_dl_text_id(dl, MARGIN, 110, 760, 56, 36, true, LNT_ALIGN_LEFT, C_TEXT, LNT_S_CONFIRM_OUT,
                   p->name[0] != '\0' ? p->name : p->staff_id);
    lnt_dl_text_id(dl, MARGIN, 170, 760, 30, 22, false, LNT_ALIGN_LEFT, C_DIM, LNT_S_STAFF_NO,
                   lnt_str(lnt_screen_role_words(p->role)), p->staff_id);
    lnt_dl_wrapped(dl, MARGIN, 214, 760, 22, C_TEXT, false, lnt_str(LNT_S_CONFIRM_NOTE), 3);
    if (app->save_error[0] != '\0')
        lnt_dl_text(dl, MARGIN, 320, 760, 30, 20, true, LNT_ALIGN_LEFT, C_RED_FG, "%s",
                    app->save_error);
    lnt_dl_button(dl, LNT_BTN_BACK, MARGIN, BOTTOM_Y, 240, BUTTON_H, C_GREY, C_TEXT, 26,
                  lnt_str(LNT_S_BACK));
    lnt_dl_button(dl, LNT_BTN_SIGN_OUT_FOR, 420, BOTTOM_Y, 360, BUTTON_H, C_BLUE, C_TEXT, 28,
                  lnt_str(LNT_S_SIGN_THEM_OUT));
}

/* Two columns of four: [-] count [+ Water]. */
static void steppers(struct lnt_draw_list *dl, const struct lnt_app *app, const struct lnt_step *s,
                     int top)
{
    size_t n = 0;

    lnt_list_items(s->list, &n);
    for (size_t i = 0; i < n && i < 8; i++) {
        int x = MARGIN + (int)(i / 4) * 390, y = top + (int)(i % 4) * ROW_STEP;
        int32_t v = app->form.v[s->field + (int)i];
        char label[LNT_DRAW_TEXT_MAX];

        lnt_dl_button(dl, LNT_BTN_MINUS0 + (int)i, x, y, STEP_W, 70, C_GREY, C_TEXT, 34, "-");
        lnt_dl_text(dl, x + STEP_W, y, 80, 70, 32, true, LNT_ALIGN_CENTRE, C_TEXT, "%d", (int)v);
        snprintf(label, sizeof label, "+ %s", lnt_list_label(s->list, (int)i));
        lnt_dl_button(dl, LNT_BTN_PLUS0 + (int)i, x + STEP_W + 80, y, 226, 70,
                      v > 0 ? C_GREEN : C_BLUE, C_TEXT, 22, label);
    }
    lnt_dl_button(dl, LNT_BTN_BACK, MARGIN, BOTTOM_Y, 200, BUTTON_H, C_GREY, C_TEXT, 26,
                  lnt_str(LNT_S_BACK));
    lnt_dl_button(dl, LNT_BTN_NEXT, 570, BOTTOM_Y, 210, BUTTON_H, C_BLUE, C_TEXT, 26,
                  lnt_str(LNT_S_NEXT));
}

/* The eight tallies as they will be saved, two columns. */
static void summary(struct lnt_draw_list *dl, const struct lnt_app *app, const struct lnt_step *s,
                    int top)
{
    size_t n = 0;

    lnt_list_items(s->list, &n);
    for (size_t i = 0; i < n && i < 8; i++) {
        int32_t v = app->form.v[LNT_F_TALLY0 + (int)i];
        lnt_dl_text_id(dl, MARGIN + (int)(i / 4) * 390, top + (int)(i % 4) * 52, 370, 48, 28, v > 0,
                       LNT_ALIGN_LEFT, v > 0 ? C_TEXT : C_DIM, LNT_S_TALLY_LINE,
                       lnt_list_label(s->list, (int)i), (int)v);
    }
    if (app->save_error[0] != '\0')
        lnt_dl_text(dl, MARGIN, BOTTOM_Y - 34, 760, 30, 20, true, LNT_ALIGN_LEFT, C_RED_FG, "%s",
                    app->save_error);
    lnt_dl_button(dl, LNT_BTN_BACK, MARGIN, BOTTOM_Y, 200, BUTTON_H, C_GREY, C_TEXT, 26,
                  lnt_str(LNT_S_BACK));
    lnt_dl_button(dl, LNT_BTN_SAVE, 480, BOTTOM_Y, 300, BUTTON_H, C_GREEN, C_TEXT, 30,
                  lnt_str(LNT_S_SAVE));
}

void lnt_screen_steppers(struct lnt_draw_list *dl, const struct lnt_app *app,
                         const struct lnt_step *s, int top)
{
    if (s->kind == LNT_STEP_SUMMARY)
        summary(dl, app, s, top);
    else
        steppers(dl, app, s, top);
}

void lnt_screen_stock_warning(struct lnt_draw_list *dl, const struct lnt_status *st)
{
    int64_t threshold = st->cup_threshold > 0 ? st->cup_threshold : LNT_APP_CUP_THRESHOLD;

    if (!st->stock_known || st->stock_level >= threshold)
        return;
    lnt_dl_rect(dl, MARGIN, 300, 760, 60, C_AMBER);
    lnt_dl_text_id(dl, MARGIN + 12, 300, 736, 60, 22, true, LNT_ALIGN_LEFT, C_BLACK,
                   LNT_S_IDLE_STOCK_LOW, (long long)st->stock_level, (long long)threshold);
}
