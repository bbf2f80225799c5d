/* app_state.c - the state machine's shared bookkeeping: state, idle, clock, pages of reports. */
#include <string.h>

#include "app_int.h"

int64_t lnt_app_wall(const struct lnt_app *app, int64_t now_ms)
{
    int64_t now = now_ms / 1000;
    /* A kiosk with a flat RTC battery may boot in 1970; never judge badges before the server's last
     * word. */
    return now < app->cfg.clock_floor ? app->cfg.clock_floor : now;
}

void lnt_app_enter(struct lnt_app *app, enum lnt_app_state s, int64_t now_ms)
{
    app->state = s;
    app->state_since_ms = now_ms;
}

void lnt_app_go_idle(struct lnt_app *app, int64_t now_ms)
{
    memset(&app->badge, 0, sizeof app->badge);
    memset(&app->form, 0, sizeof app->form);
    memset(app->reports, 0, sizeof app->reports);
    app->n_reports = 0;
    app->reports_page = 0;
    app->refused = LNT_BADGE_VALID;
    app->saved_ref[0] = '\0';
    app->saved_type = LNT_EV_NONE;
    app->saved_duty = LNT_DUTY_ROLE;
    app->saved_flow = LNT_FLOW_NONE;
    app->saved_open = false;
    app->saved_stock = -1;
    app->save_error[0] = '\0';
    lnt_app_enter(app, LNT_APP_IDLE, now_ms);
}

int lnt_app_reports_pages(const struct lnt_app *app)
{
    return ((int)app->n_reports + LNT_APP_REPORTS_PAGE - 1) / LNT_APP_REPORTS_PAGE;
}
