/* screen_badge.c - the badge result (who, SIA, training, verdict, actions) and a manager's menu. */
#include <stdio.h>
#include <string.h>

#include "ltime.h"
#include "screen_int.h"

#define ROW1_Y 300
#define ROW2_Y 386
#define ROW_H 76

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
    case LNT_SIA_SUSPENDED:
    case LNT_SIA_REVOKED:
        lnt_date_format(b->sia_listed_from, date);
        lnt_dl_text_id(dl, MARGIN, y, 760, 30, 21, true, LNT_ALIGN_LEFT, C_RED_FG,
                       b->sia == LNT_SIA_REVOKED ? LNT_S_SIA_REVOKED : LNT_S_SIA_SUSPENDED, number,
                       date);
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

/* Required courses the badge does not carry at all: they are listed first, as needed. */
static size_t absent_required(const struct lnt_app_badge *b, enum lnt_course out[LNT_COURSE__MAX])
{
    uint32_t absent = b->training_missing;
    size_t n = 0;

    for (size_t i = 0; i < b->claims.n_courses && i < LNT_BADGE_MAX_COURSES; i++)
        if (b->claims.courses[i].course > LNT_COURSE_NONE &&
            b->claims.courses[i].course <= LNT_COURSE__MAX)
            absent &= ~LNT_COURSE_BIT(b->claims.courses[i].course);
    for (int k = LNT_COURSE_BYSTANDER; k <= LNT_COURSE__MAX; k++)
        if ((absent & LNT_COURSE_BIT(k)) != 0)
            out[n++] = (enum lnt_course)k;
    return n;
}

/* Each course in words with its expiry (required ones missing first), two to a row, `rows`
 * rows (1 or 2). */
static void training(struct lnt_draw_list *dl, const struct lnt_app_badge *b, int y, size_t rows)
{
    const struct lnt_badge_claims *c = &b->claims;
    enum lnt_course absent[LNT_COURSE__MAX];
    size_t n_absent = absent_required(b, absent), total = n_absent + c->n_courses;
    size_t room = rows * 2 - (rows == 1 && total > 2 ? 1 : 0);
    size_t shown = total < room ? total : room;

    if (total == 0) {
        lnt_dl_text_id(dl, MARGIN, y, 760, 26, 19, false, LNT_ALIGN_LEFT, C_DIM,
                       LNT_S_TRAINING_NONE);
        return;
    }
    for (size_t k = 0; k < shown; k++) {
        int x = MARGIN + (int)(k % 2) * 385, yy = y + (int)(k / 2) * 26;
        size_t i = k - n_absent;
        const char *name;
        int32_t left;
        char date[LNT_DATE_STRLEN] = "";

        if (k < n_absent) {
            lnt_dl_text_id(dl, x, yy, 375, 26, 18, true, LNT_ALIGN_LEFT, C_AMBER,
                           LNT_S_COURSE_NEEDED, lnt_str_course(absent[k]));
            continue;
        }
        name = lnt_str_course(c->courses[i].course);
        left = b->course_days_left[i];
        if (c->courses[i].expires != 0)
            lnt_date_format(c->courses[i].expires, date);
        if (c->courses[i].expires == 0)
            lnt_dl_text_id(dl, x, yy, 375, 26, 18, false, LNT_ALIGN_LEFT, C_TEXT,
                           LNT_S_COURSE_NO_EXPIRY, name);
        else if (left < 0)
            lnt_dl_text_id(dl, x, yy, 375, 26, 18, true, LNT_ALIGN_LEFT, C_AMBER,
                           LNT_S_COURSE_EXPIRED, name, date);
        else if (left <= LNT_APP_EXPIRING_DAYS)
            lnt_dl_text_id(dl, x, yy, 375, 26, 18, true, LNT_ALIGN_LEFT, C_AMBER, LNT_S_COURSE_SOON,
                           name, (int)left);
        else
            lnt_dl_text_id(dl, x, yy, 375, 26, 18, false, LNT_ALIGN_LEFT, C_TEXT, LNT_S_COURSE_TO,
                           name, date);
    }
    if (total > shown && rows == 1)
        lnt_dl_text_id(dl, MARGIN + 385, y, 375, 26, 18, false, LNT_ALIGN_LEFT, C_DIM,
                       LNT_S_MORE_COURSES, total - shown);
    else if (total > shown)
        lnt_dl_text_id(dl, MARGIN, y + 52, 760, 24, 18, false, LNT_ALIGN_LEFT, C_DIM,
                       LNT_S_MORE_COURSES, total - shown);
}

/* A manager's badge: who could not be signed in on the door since the last manager scan (the
 * latest in words, over two lines; how many more). */
static void notices(struct lnt_draw_list *dl, const struct lnt_app_badge *b, int y)
{
    char hhmm[8], line[160] = "", more[64] = "";
    enum lnt_sid why;
    size_t n;

    if (b->n_notices == 0 && b->notices_more == 0)
        return;
    lnt_dl_rect(dl, 0, y, LNT_SCREEN_W, 60, C_AMBER);
    if (b->n_notices > 0) {
        const struct lnt_app_notice *latest = &b->notices[b->n_notices - 1];
        why = latest->why == LNT_SIA_MISSING     ? LNT_S_WHY_MISSING
              : latest->why == LNT_SIA_SUSPENDED ? LNT_S_WHY_SUSPENDED
              : latest->why == LNT_SIA_REVOKED   ? LNT_S_WHY_REVOKED
                                                 : LNT_S_WHY_EXPIRED;
        lnt_dl_hhmm(latest->at, hhmm);
        lnt_strf(line, sizeof line, LNT_S_NOTICE_DOOR, latest->name, hhmm, lnt_str(why));
    }
    if (b->n_notices > 1 || b->notices_more > 0)
        lnt_strf(more, sizeof more, LNT_S_NOTICE_MORE, (int)(b->n_notices - 1) + b->notices_more);
    n = strlen(line);
    if (more[0] != '\0' && n + 2 < sizeof line)
        snprintf(line + n, sizeof line - n, " %s", more);
    lnt_dl_wrapped(dl, MARGIN, y + 2, 760, 18, C_BLACK, true, line, 2);
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

    if (lnt_app_door_blocked(app)) {
        /* No licence, no door: what a venue does instead. Never a green "Sign in". */
        lnt_dl_button(dl, LNT_BTN_OTHER_DUTIES, MARGIN, ROW1_Y, 370, ROW_H, C_BLUE, C_TEXT, 26,
                      lnt_str(LNT_S_OTHER_DUTIES));
        lnt_dl_button(dl, LNT_BTN_TELL_MANAGER, 410, ROW1_Y, 370, ROW_H, C_RED, C_TEXT, 26,
                      lnt_str(LNT_S_TELL_MANAGER));
        /* the reports stay at hand (six choices at most: Open reports waits for the next
         * badge) */
        lnt_dl_button(dl, LNT_BTN_ANGELA, MARGIN, ROW2_Y, 195, ROW_H, C_PURPLE, C_TEXT, 20,
                      lnt_str(LNT_S_ANGELA));
        lnt_dl_button(dl, LNT_BTN_SPIKING, 215, ROW2_Y, 180, ROW_H, C_TEAL, C_TEXT, 22,
                      lnt_str(LNT_S_SPIKING));
        lnt_dl_button(dl, LNT_BTN_INCIDENT, 405, ROW2_Y, 195, ROW_H, C_BLUE, C_TEXT, 20,
                      lnt_str(LNT_S_INCIDENT));
        lnt_dl_button(dl, LNT_BTN_CANCEL, 610, ROW2_Y, 170, ROW_H, C_GREY, C_TEXT, 24,
                      lnt_str(LNT_S_NOT_NOW));
        return;
    }
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
                       LNT_S_VOLUNTEER_LINE, lnt_str(lnt_screen_role_words(b->claims.role)),
                       app->call_sign);
    else if (b->claims.role == LNT_ROLE_VOLUNTEER)
        lnt_dl_text_id(dl, MARGIN, 150, 760, 28, 20, false, LNT_ALIGN_LEFT, C_DIM,
                       LNT_S_VOLUNTEER_ONLY, lnt_str(lnt_screen_role_words(b->claims.role)));
    else
        lnt_dl_text_id(dl, MARGIN, 150, 760, 28, 20, false, LNT_ALIGN_LEFT, C_DIM, LNT_S_STAFF_NO,
                       lnt_str(lnt_screen_role_words(b->claims.role)), b->claims.subject);
    sia_line(dl, b, 180);
    /* A manager's notices take the second row of courses. */
    training(dl, b, 212, b->n_notices > 0 || b->notices_more > 0 ? 1 : 2);
    notices(dl, b, 238);
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
