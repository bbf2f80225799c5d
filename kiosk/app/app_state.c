/* app_state.c - the state machine's shared bookkeeping: state, idle, clock, pages of reports
 * and of people on shift, who is at the kiosk. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "app_int.h"
#include "night.h"
#include "strings.h"

int64_t lnt_app_wall(const struct lnt_app *app, int64_t now_ms)
{
    int64_t now = now_ms / 1000;
    /* A kiosk with a flat RTC battery may boot in 1970; never judge badges before the server's last
     * word. */
    return now < app->cfg.clock_floor ? app->cfg.clock_floor : now;
}

/* What is on screen, as far as where its buttons are: a change moves them under the finger. */
static uint64_t screen_key(const struct lnt_app *app)
{
    uint64_t key = (uint64_t)app->state;

    if (app->state == LNT_APP_FORM) {
        key |= (uint64_t)(app->form.flow & 0xff) << 8;
        key |= (uint64_t)((app->form.step + 1) & 0xff) << 16;
        key |= (uint64_t)(app->form.page & 0xff) << 24;
        key |= (uint64_t)app->confirm_discard << 32;
    } else if (app->state == LNT_APP_REPORTS) {
        key |= (uint64_t)(app->reports_page & 0xff) << 8;
    }
    return key;
}

void lnt_app_note_screen(struct lnt_app *app, int64_t now_ms)
{
    uint64_t key = screen_key(app);

    if (key == app->shown_key)
        return;
    app->shown_key = key;
    app->shown_since_ms = now_ms;
}

void lnt_app_enter(struct lnt_app *app, enum lnt_app_state s, int64_t now_ms)
{
    app->state = s;
    app->state_since_ms = now_ms;
    app->confirm_discard = false;
    /* A new state is a new screen even when it looks like the last one (another badge). */
    app->shown_key = screen_key(app);
    app->shown_since_ms = now_ms;
}

void lnt_app_go_idle(struct lnt_app *app, int64_t now_ms)
{
    memset(&app->badge, 0, sizeof app->badge);
    memset(&app->form, 0, sizeof app->form);
    memset(app->reports, 0, sizeof app->reports);
    app->n_reports = 0;
    app->reports_page = 0;
    memset(app->team, 0, sizeof app->team);
    app->n_team = 0;
    app->team_page = 0;
    app->team_pick = 0;
    app->saved_for[0] = '\0';
    app->refused = LNT_BADGE_VALID;
    app->saved_ref[0] = '\0';
    app->saved_type = LNT_EV_NONE;
    app->saved_duty = LNT_DUTY_ROLE;
    app->saved_flow = LNT_FLOW_NONE;
    app->saved_open = false;
    app->saved_stock = -1;
    app->saved_seq = 0;
    app->saved_sent = false;
    app->save_error[0] = '\0';
    app->entry_why[0] = '\0';
    app->saved_at = 0;
    app->idle_warn_s = 0;
    app->call_sign[0] = '\0';
    lnt_app_enter(app, LNT_APP_IDLE, now_ms);
}

int lnt_app_reports_pages(const struct lnt_app *app)
{
    return ((int)app->n_reports + LNT_APP_REPORTS_PAGE - 1) / LNT_APP_REPORTS_PAGE;
}

void lnt_app_day_time(int64_t t, char out[LNT_APP_DAY_TIME_LEN])
{
    int64_t local, sod;
    char hhmm[8];

    if (t <= 0) {
        snprintf(out, LNT_APP_DAY_TIME_LEN, "--:--");
        return;
    }
    local = t + lnt_london_offset(t);
    sod = (local % 86400 + 86400) % 86400;
    snprintf(hhmm, sizeof hhmm, "%02d:%02d", (int)(sod / 3600), (int)(sod / 60 % 60));
    lnt_strf(out, LNT_APP_DAY_TIME_LEN, LNT_S_DAY_TIME,
             lnt_str((enum lnt_sid)(LNT_S_DAY_MON + lnt_weekday(lnt_london_date(t)))), hhmm);
}

void lnt_app_short_ref(const char *uuid, char out[9])
{
    size_t n = strlen(uuid);

    out[0] = '\0';
    if (n < 8)
        return;
    for (size_t i = 0; i < 8; i++) {
        if (!isxdigit((unsigned char)uuid[n - 8 + i])) {
            out[0] = '\0';
            return;
        }
        out[i] = (char)toupper((unsigned char)uuid[n - 8 + i]);
    }
    out[8] = '\0';
}

bool lnt_app_unidentified(const struct lnt_app *app)
{
    return strcmp(app->badge.claims.subject, LNT_STAFF_UNIDENTIFIED) == 0;
}

int lnt_app_team_pages(const struct lnt_app *app)
{
    return ((int)app->n_team + LNT_APP_TEAM_PAGE - 1) / LNT_APP_TEAM_PAGE;
}

int64_t lnt_app_door_count(const struct lnt_app *app, int64_t *per_door)
{
    int64_t doors = 0;

    for (size_t i = 0; i < app->n_team && i < LNT_APP_TEAM_MAX; i++)
        doors += app->team[i].role == LNT_ROLE_DOOR;
    *per_door = doors > 0 && app->cfg.capacity > 0 ? app->cfg.capacity / doors : 0;
    return doors;
}

bool lnt_app_may_stock(const struct lnt_app *app)
{
    return app->badge.claims.role == LNT_ROLE_BAR || app->badge.claims.role == LNT_ROLE_MANAGER;
}
