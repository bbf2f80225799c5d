/* app_int.h - the state machine's private parts; calls go app.c -> app_flow.c -> app_state.c. */
#ifndef LNT_APP_INT_H
#define LNT_APP_INT_H

#include "app.h"

/* ---- app_state.c: used by app.c and app_flow.c ---- */

/* Now in state `s`, since `now_ms`. */
void lnt_app_enter(struct lnt_app *app, enum lnt_app_state s, int64_t now_ms);
/* Back to idle, forgetting everything personal. */
void lnt_app_go_idle(struct lnt_app *app, int64_t now_ms);
/* Notes the screen now up: when it is not the one noted last, it appeared at `now_ms`. */
void lnt_app_note_screen(struct lnt_app *app, int64_t now_ms);
/* Wall-clock seconds at `now_ms`, never below the configured clock floor. */
int64_t lnt_app_wall(const struct lnt_app *app, int64_t now_ms);

/* ---- app_flow.c: used by app.c ---- */

/* Taps in FORM, MENU and REPORTS, and the flow buttons of BADGE. */
void lnt_app_flow_tap(struct lnt_app *app, int id, int64_t now_ms, struct lnt_app_out *out);
/*
 * The idle time ran out in FORM: for a report flow with answers given in
 * this visit (Ask for Angela: once a place is picked), puts an open report
 * (complete = false) of them in `out` and returns true. The state is left
 * as it is; the caller goes idle. False: nothing worth keeping, or it could
 * not be built (no sealing key).
 */
bool lnt_app_flow_timeout(struct lnt_app *app, int64_t now_ms, struct lnt_app_out *out);
/* Typing on a FORM step with an entry. */
bool lnt_app_flow_type(struct lnt_app *app, const char *text, int64_t now_ms);

#endif
