/* screen_form.c - a guided flow's questions (quick picks, tick boxes, keypad, keyboard) and the
 * open-reports list. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "record.h"
#include "screen_int.h"

#define AREA_BOTTOM (BOTTOM_Y - 8)
#define GAP 8

static struct lnt_rgb flow_colour(enum lnt_flow f)
{
    switch (f) {
    case LNT_FLOW_ANGELA:
        return C_PURPLE;
    case LNT_FLOW_SPIKING:
        return C_TEAL;
    case LNT_FLOW_STOCK:
        return C_TEAL;
    case LNT_FLOW_SHIFT_START:
    case LNT_FLOW_SHIFT_END:
        return C_GREEN;
    case LNT_FLOW_WELFARE:
        return C_PURPLE;
    default:
        return C_BLUE;
    }
}

/* Band with the flow's name (and whose report is being finished); returns the next free y. */
static int header(struct lnt_draw_list *dl, const struct lnt_app *app, const struct lnt_step *s,
                  int text_w)
{
    int per_page, pages, q_w = text_w;
    const struct lnt_flow_def *def = lnt_flow_get(app->form.flow);
    char when[LNT_APP_DAY_TIME_LEN], ref[9];
    int y = BAR_H + 36;

    lnt_dl_rect(dl, 0, BAR_H, LNT_SCREEN_W, 36, flow_colour(app->form.flow));
    lnt_dl_text(dl, MARGIN, BAR_H, 360, 36, 20, true, LNT_ALIGN_LEFT, C_TEXT, "%s",
                lnt_str(def->title));
    if (app->form.earlier != 0) {
        /* The reference the first save showed, and when it happened (with its day). */
        lnt_app_day_time(app->form.occurred_at, when);
        lnt_app_short_ref(app->form.report_id, ref);
        if (ref[0] != '\0')
            lnt_dl_text_id(dl, 380, BAR_H, 400, 36, 18, false, LNT_ALIGN_RIGHT, C_TEXT,
                           LNT_S_COMPLETING_REF, ref, when);
        else
            lnt_dl_text_id(dl, 380, BAR_H, 400, 36, 18, false, LNT_ALIGN_RIGHT, C_TEXT,
                           LNT_S_COMPLETING, when);
    } else {
        lnt_dl_text(dl, 380, BAR_H, 400, 36, 18, false, LNT_ALIGN_RIGHT, C_TEXT, "%s",
                    app->badge.claims.name);
    }
    lnt_form_pages(&app->form, &per_page, &pages);
    if (pages > 1) {
        /* "2 of 3" beside the question: the list goes on under More. */
        lnt_dl_text_id(dl, 640, y + 4, 140, 34, 18, true, LNT_ALIGN_RIGHT, C_DIM, LNT_S_PAGE,
                       app->form.page + 1, pages);
        q_w -= 160;
    }
    y += 4 + lnt_dl_wrapped(dl, MARGIN, y + 4, q_w, 26, C_TEXT, true, lnt_str(s->question), 2);
    /* The reminder, big enough to read at arm's length, on every screen of choices (the
     * keypad's column has no room for it beside the time and its day). */
    if (def->reminder && (s->kind == LNT_STEP_PICK || s->kind == LNT_STEP_TICKS))
        y += 4 + lnt_dl_wrapped(dl, MARGIN, y + 2, text_w, 20, C_AMBER, true,
                                lnt_str(LNT_S_EVIDENCE_REMINDER), 2);
    return y + 6;
}

/* The band with the flow's name and the step's words beside it; returns the next free y. */
static int stepper_header(struct lnt_draw_list *dl, const struct lnt_app *app,
                          const struct lnt_step *s)
{
    lnt_dl_rect(dl, 0, BAR_H, LNT_SCREEN_W, 36, flow_colour(app->form.flow));
    lnt_dl_text(dl, MARGIN, BAR_H, 300, 36, 20, true, LNT_ALIGN_LEFT, C_TEXT, "%s",
                lnt_str(lnt_flow_get(app->form.flow)->title));
    lnt_dl_text(dl, 330, BAR_H, 450, 36, 20, true, LNT_ALIGN_RIGHT, C_TEXT, "%s",
                lnt_str(s->question));
    return BAR_H + 46;
}

/* Lays out `k` buttons in the box: one column for three or fewer (except two), else two. */
static void grid_cell(int k, int i, int top, int bottom, int *x, int *y, int *w, int *h)
{
    int cols = (k <= 3 && k != 2) ? 1 : 2;
    int rows = (k + cols - 1) / cols;
    int cell_h = rows > 0 ? (bottom - top - (rows - 1) * GAP) / rows : 0;

    if (cell_h > 110)
        cell_h = 110;
    *w = (LNT_SCREEN_W - 2 * MARGIN - (cols - 1) * GAP) / cols;
    *h = cell_h;
    *x = MARGIN + (i % cols) * (*w + GAP);
    *y = top + (i / cols) * (cell_h + GAP);
}

static void list_step(struct lnt_draw_list *dl, const struct lnt_app *app, const struct lnt_step *s,
                      int top)
{
    const struct lnt_form *fm = &app->form;
    int per_page, pages, first, k, bottom = AREA_BOTTOM;
    size_t n = 0;
    bool save = lnt_form_offers_save(fm);

    lnt_list_items(s->list, &n);
    lnt_form_pages(fm, &per_page, &pages);
    first = fm->page * per_page;
    k = (int)n - first < per_page ? (int)n - first : per_page;
    if (app->save_error[0] != '\0') {
        lnt_dl_text(dl, MARGIN, bottom - 28, 760, 28, 20, true, LNT_ALIGN_LEFT, C_RED_FG, "%s",
                    app->save_error);
        bottom -= 32;
    }
    if (n == 0 && s->list == LNT_L_STREET_PLACES)
        lnt_dl_wrapped(dl, MARGIN, top + 10, 760, 24, C_AMBER, true,
                       lnt_str(LNT_S_WELFARE_NO_PLACES), 3);
    for (int i = 0; i < k; i++) {
        int item = first + i, x, y, w, h;
        char label[LNT_DRAW_TEXT_MAX];
        bool ticked = s->kind == LNT_STEP_TICKS && (fm->v[s->field] & (1 << item));

        grid_cell(k, i, top, bottom, &x, &y, &w, &h);
        if (s->kind == LNT_STEP_TICKS)
            snprintf(label, sizeof label, "%s %s", ticked ? SYM_BOX_TICK : SYM_BOX,
                     lnt_list_label(s->list, item));
        else
            snprintf(label, sizeof label, "%s", lnt_list_label(s->list, item));
        lnt_dl_button(dl, LNT_BTN_ITEM0 + item, x, y, w, h,
                      s->kind == LNT_STEP_TICKS ? (ticked ? C_GREEN : C_GREY) : C_BLUE, C_TEXT,
                      k > 4 ? 24 : 28, label);
    }
    lnt_dl_button(dl, LNT_BTN_BACK, MARGIN, BOTTOM_Y, 200, BUTTON_H, C_GREY, C_TEXT, 26,
                  lnt_str(LNT_S_BACK));
    if (save) {
        const struct lnt_flow_def *def = lnt_flow_get(fm->flow);
        lnt_dl_button(dl, LNT_BTN_SAVE, 230, BOTTOM_Y, 330, BUTTON_H,
                      def->early_open ? C_AMBER : C_GREEN, def->early_open ? C_BLACK : C_TEXT,
                      def->early_open ? 24 : 30,
                      lnt_str(def->early_open ? LNT_S_SAVE_LATER : LNT_S_SAVE));
    }
    if (s->kind == LNT_STEP_TICKS)
        lnt_dl_button(dl, fm->page + 1 < pages ? LNT_BTN_MORE : LNT_BTN_NEXT, 570, BOTTOM_Y, 210,
                      BUTTON_H, C_BLUE, C_TEXT, 26,
                      lnt_str(fm->page + 1 < pages ? LNT_S_MORE : LNT_S_NEXT));
    else if (pages > 1)
        lnt_dl_button(dl, LNT_BTN_MORE, 570, BOTTOM_Y, 210, BUTTON_H, C_BLUE, C_TEXT, 26,
                      lnt_str(LNT_S_MORE));
}

/* Under a time being typed: what it means, with its day, or what is wrong with it. */
static void time_hint(struct lnt_draw_list *dl, const struct lnt_app *app,
                      const struct lnt_status *st, int y)
{
    const struct lnt_form *fm = &app->form;
    char when[LNT_APP_DAY_TIME_LEN];
    int64_t hhmm = 0, at = 0;

    if (fm->entry_bad) {
        lnt_dl_wrapped(dl, MARGIN, y, 370, 20, C_RED_FG, true,
                       app->entry_why[0] != '\0' ? app->entry_why : lnt_str(LNT_S_TIME_BAD), 3);
        return;
    }
    if (strlen(fm->entry) >= 3 && lnt_parse_i64(fm->entry, 0, 2359, &hhmm) == LNT_OK &&
        hhmm % 100 <= 59 && lnt_record_typed_time((int32_t)hhmm, st->now, &at) == LNT_OK) {
        lnt_app_day_time(at, when);
        lnt_dl_text_id(dl, MARGIN, y, 370, 30, 22, true, LNT_ALIGN_LEFT, C_TEXT, LNT_S_TIME_MEANS,
                       when);
    } else {
        lnt_app_day_time(st->now, when);
        lnt_dl_text_id(dl, MARGIN, y, 370, 30, 22, false, LNT_ALIGN_LEFT, C_DIM, LNT_S_TIME_NOW,
                       when);
    }
}

static void keypad_step(struct lnt_draw_list *dl, const struct lnt_app *app,
                        const struct lnt_step *s, const struct lnt_status *st, int top)
{
    static const char keys[] = "123456789D0K";
    const struct lnt_form *fm = &app->form;

    lnt_dl_rect(dl, MARGIN, top + 4, 370, 80, C_BAR);
    lnt_dl_text(dl, MARGIN + 16, top + 4, 340, 80, 48, true, LNT_ALIGN_LEFT, C_TEXT, "%s",
                fm->entry[0] != '\0' ? fm->entry
                                     : (s->kind == LNT_STEP_NUMBER && s->min == 0 ? "0" : ""));
    if (s->kind == LNT_STEP_TIME)
        time_hint(dl, app, st, top + 92);
    else if (fm->entry_bad)
        lnt_dl_text_id(dl, MARGIN, top + 92, 370, 30, 20, true, LNT_ALIGN_LEFT, C_RED_FG,
                       LNT_S_NUMBER_BAD, (int)s->min, (int)s->max);
    else if (s->kind == LNT_STEP_NUMBER)
        lnt_dl_text_id(dl, MARGIN, top + 92, 370, 30, 20, false, LNT_ALIGN_LEFT, C_DIM,
                       LNT_S_NUMBER_RANGE, (int)s->min, (int)s->max);
    for (int i = 0; i < 12; i++) {
        int x = 414 + (i % 3) * 124, y = BAR_H + 48 + (i / 3) * 86;
        char label[8];
        int id;
        struct lnt_rgb bg = C_BLUE;

        if (keys[i] == 'D') {
            id = LNT_BTN_DEL;
            snprintf(label, sizeof label, "%s", lnt_str(LNT_S_DELETE));
            bg = C_GREY;
        } else if (keys[i] == 'K') {
            id = LNT_BTN_OK;
            snprintf(label, sizeof label, "%s",
                     lnt_str(fm->entry[0] == '\0' && s->optional ? LNT_S_SKIP : LNT_S_OK));
            bg = C_GREEN;
        } else {
            id = LNT_BTN_KEY0 + keys[i];
            snprintf(label, sizeof label, "%c", keys[i]);
        }
        lnt_dl_button(dl, id, x, y, 116, 80, bg, C_TEXT, keys[i] == 'D' ? 22 : 34, label);
    }
    lnt_dl_button(dl, LNT_BTN_BACK, MARGIN, BOTTOM_Y, 200, BUTTON_H, C_GREY, C_TEXT, 26,
                  lnt_str(LNT_S_BACK));
}

static void keyboard_step(struct lnt_draw_list *dl, const struct lnt_app *app,
                          const struct lnt_step *s)
{
    static const char *const rows[4] = {"1234567890", "QWERTYUIOP", "ASDFGHJKL/", "ZXCVBNM,.-"};
    const struct lnt_form *fm = &app->form;
    const struct lnt_flow_def *def = lnt_flow_get(fm->flow);

    lnt_dl_rect(dl, 0, BAR_H, LNT_SCREEN_W, 40, flow_colour(fm->flow));
    lnt_dl_text(dl, MARGIN, BAR_H, 230, 40, 18, true, LNT_ALIGN_LEFT, C_TEXT, "%s",
                lnt_str(def->title));
    lnt_dl_text(dl, 250, BAR_H, 530, 40, 22, true, LNT_ALIGN_RIGHT, C_TEXT, "%s",
                lnt_str(s->question));
    lnt_dl_rect(dl, MARGIN, 84, 760, 46, C_BAR);
    if (fm->entry[0] != '\0') {
        lnt_dl_text(dl, MARGIN + 10, 84, 670, 46, 28, true, LNT_ALIGN_LEFT, C_TEXT, "%s_",
                    fm->entry);
        lnt_dl_text(dl, 690, 84, 80, 46, 20, false, LNT_ALIGN_RIGHT, C_DIM, "%zu/%d",
                    strlen(fm->entry), (int)s->max);
    } else if (fm->entry_bad) {
        lnt_dl_text(dl, MARGIN + 10, 84, 740, 46, 20, true, LNT_ALIGN_LEFT, C_RED_FG, "%s",
                    lnt_str(s->question));
    } else {
        lnt_dl_text_id(dl, MARGIN + 10, 84, 740, 46, 20, false, LNT_ALIGN_LEFT, C_DIM,
                       LNT_S_TEXT_HINT, (int)s->max);
    }
    for (int r = 0; r < 4; r++)
        for (int i = 0; rows[r][i] != '\0'; i++) {
            char label[2] = {rows[r][i], '\0'};
            lnt_dl_button(dl, LNT_BTN_KEY0 + rows[r][i], MARGIN + i * 76, 134 + r * 67, 74, 64,
                          C_GREY, C_TEXT, 26, label);
        }
    lnt_dl_button(dl, LNT_BTN_BACK, MARGIN, 402, 160, 64, C_GREY, C_TEXT, 24, lnt_str(LNT_S_BACK));
    lnt_dl_button(dl, LNT_BTN_KEY0 + ' ', 188, 402, 260, 64, C_GREY, C_TEXT, 24,
                  lnt_str(LNT_S_SPACE));
    lnt_dl_button(dl, LNT_BTN_DEL, 456, 402, 150, 64, C_GREY, C_TEXT, 22, lnt_str(LNT_S_DELETE));
    lnt_dl_button(dl, LNT_BTN_OK, 614, 402, 166, 64, C_GREEN, C_TEXT, 28,
                  lnt_str(fm->entry[0] == '\0' && s->optional ? LNT_S_SKIP : LNT_S_OK));
}

/* "Discard this report?": Keep going where Back was (a second tap of Back keeps the report),
 * Discard across the screen from it. */
static void discard_question(struct lnt_draw_list *dl, const struct lnt_app *app)
{
    const struct lnt_flow_def *def = lnt_flow_get(app->form.flow);

    lnt_dl_rect(dl, 0, BAR_H, LNT_SCREEN_W, 36, flow_colour(app->form.flow));
    lnt_dl_text(dl, MARGIN, BAR_H, 360, 36, 20, true, LNT_ALIGN_LEFT, C_TEXT, "%s",
                lnt_str(def->title));
    lnt_dl_text_id(dl, MARGIN, 150, 760, 60, 40, true, LNT_ALIGN_LEFT, C_TEXT, LNT_S_DISCARD_Q);
    lnt_dl_wrapped(dl, MARGIN, 220, 760, 26, C_TEXT, false, lnt_str(LNT_S_DISCARD_WHY), 2);
    lnt_dl_button(dl, LNT_BTN_KEEP_GOING, MARGIN, BOTTOM_Y, 370, BUTTON_H, C_GREEN, C_TEXT, 30,
                  lnt_str(LNT_S_KEEP_GOING));
    lnt_dl_button(dl, LNT_BTN_DISCARD, 410, BOTTOM_Y, 370, BUTTON_H, C_RED, C_TEXT, 30,
                  lnt_str(LNT_S_DISCARD));
}

void lnt_screen_form(struct lnt_draw_list *dl, const struct lnt_app *app,
                     const struct lnt_status *st)
{
    const struct lnt_flow_def *def = lnt_flow_get(app->form.flow);
    const struct lnt_step *s;

    if (def == NULL || app->form.step < 0 || app->form.step >= def->n_steps)
        return;
    if (app->confirm_discard) {
        discard_question(dl, app);
        return;
    }
    s = &def->steps[app->form.step];
    switch (s->kind) {
    case LNT_STEP_PICK:
    case LNT_STEP_TICKS:
        list_step(dl, app, s, header(dl, app, s, 760));
        break;
    case LNT_STEP_NUMBER:
    case LNT_STEP_TIME:
        keypad_step(dl, app, s, st, header(dl, app, s, 370));
        break;
    case LNT_STEP_TEXT:
        keyboard_step(dl, app, s);
        break;
    case LNT_STEP_STEPPERS:
    case LNT_STEP_SUMMARY:
        lnt_screen_steppers(dl, app, s, stepper_header(dl, app, s));
        break;
    }
}

/* "Spiking Fri 22:14, Dance floor": what, when, where; nothing about the person. */
static void report_label(const struct lnt_open_report *r, char *out, size_t size)
{
    char when[LNT_APP_DAY_TIME_LEN];
    const char *kind;
    enum lnt_flow flow = lnt_flow_of_kind(r->kind);
    int place = lnt_list_find(LNT_L_PLACES, r->place);
    int k = lnt_list_find(LNT_L_INCIDENT_KINDS, r->kind);

    lnt_app_day_time(r->occurred_at, when);
    if (flow == LNT_FLOW_SPIKING)
        kind = lnt_str(LNT_S_SPIKING);
    else if (flow == LNT_FLOW_ANGELA)
        kind = lnt_str(LNT_S_ANGELA);
    else
        kind = k >= 0 ? lnt_list_label(LNT_L_INCIDENT_KINDS, k) : r->kind;
    lnt_strf(out, size, LNT_S_REPORT_ITEM, kind, when,
             place >= 0 ? lnt_list_label(LNT_L_PLACES, place) : r->place);
}

void lnt_screen_reports(struct lnt_draw_list *dl, const struct lnt_app *app)
{
    int pages = lnt_app_reports_pages(app);
    int first = app->reports_page * LNT_APP_REPORTS_PAGE;

    lnt_dl_rect(dl, 0, BAR_H, LNT_SCREEN_W, 36, C_AMBER);
    lnt_dl_text_id(dl, MARGIN, BAR_H, 760, 36, 20, true, LNT_ALIGN_LEFT, C_BLACK,
                   LNT_S_REPORTS_TITLE);
    if (app->n_reports == 0)
        lnt_dl_wrapped(dl, MARGIN, 140, 760, 28, C_TEXT, false, lnt_str(LNT_S_REPORTS_NONE), 2);
    for (int i = first; i < first + LNT_APP_REPORTS_PAGE && i < (int)app->n_reports; i++) {
        char label[LNT_DRAW_TEXT_MAX];
        report_label(&app->reports[i], label, sizeof label);
        lnt_dl_button(dl, LNT_BTN_ITEM0 + i, MARGIN, 86 + (i - first) * 76, 760, 68, C_BLUE, C_TEXT,
                      26, label);
    }
    lnt_dl_button(dl, LNT_BTN_BACK, MARGIN, BOTTOM_Y, 200, BUTTON_H, C_GREY, C_TEXT, 26,
                  lnt_str(LNT_S_BACK));
    if (pages > 1) {
        lnt_dl_text_id(dl, 330, BOTTOM_Y, 200, BUTTON_H, 18, false, LNT_ALIGN_CENTRE, C_DIM,
                       LNT_S_PAGE, app->reports_page + 1, pages);
        lnt_dl_button(dl, LNT_BTN_MORE, 570, BOTTOM_Y, 210, BUTTON_H, C_BLUE, C_TEXT, 26,
                      lnt_str(LNT_S_MORE));
    }
}
