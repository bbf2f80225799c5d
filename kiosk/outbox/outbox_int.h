/* outbox_int.h - the outbox's private parts; calls go outbox.c -> outbox_state.c -> outbox_db.c. */
#ifndef LNT_OUTBOX_INT_H
#define LNT_OUTBOX_INT_H

#include <sqlite3.h>

#include "outbox.h"

struct lnt_outbox {
    sqlite3 *db;
};

/* ---- outbox_db.c: used by outbox.c and outbox_state.c ---- */

/* LNT_ERR_DB with "kiosk database: WHAT: " and SQLite's last message. */
enum lnt_err lnt_outbox_db_fail(struct lnt_outbox *ob, char *err, const char *what);
/* Runs SQL without results. */
enum lnt_err lnt_outbox_exec(struct lnt_outbox *ob, const char *sql, char *err);
/* On error *st is NULL. */
enum lnt_err lnt_outbox_prepare(struct lnt_outbox *ob, const char *sql, sqlite3_stmt **st,
                                char *err);
/* Runs a statement that returns no rows; finalizes it. */
enum lnt_err lnt_outbox_step_done(struct lnt_outbox *ob, sqlite3_stmt *st, char *err,
                                  const char *what);
/* Ends the open transaction, keeping none of it; never fails (nothing to report). */
void lnt_outbox_rollback(struct lnt_outbox *ob);
/* The one integer `sql` selects (a count, a minimum) into *out; 0 and LNT_ERR_DB on failure. */
enum lnt_err lnt_outbox_query_int(struct lnt_outbox *ob, const char *sql, int64_t *out, char *err,
                                  const char *what);

/* ---- outbox_state.c: used by outbox.c ---- */

/*
 * Inside the append transaction: keeps the kiosk's own view in step with the
 * event just saved (who is on shift, volunteer shifts, cup-cover stock, open
 * reports), so that the view and the outbox never disagree after a crash.
 */
enum lnt_err lnt_outbox_track(struct lnt_outbox *ob, const struct lnt_event *ev, uint64_t answered,
                              int64_t cond, char *err);

#endif
