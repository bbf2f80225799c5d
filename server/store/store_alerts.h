/* store_alerts.h - alerts: what an officer asked to be told about (subscriptions), each thing
 * that happened raised once (alerts), and the inbox that holds it until it is acknowledged. */
#ifndef LNT_STORE_ALERTS_H
#define LNT_STORE_ALERTS_H

#include "store.h"

/*
 * The tables are schema 11 (assets/sql/sqlite/011_alerts.sql); email and webhook
 * delivery read them as they are. An alert and its inbox rows are written in one
 * transaction, and an alert is raised at most once: its dedup text names the thing that
 * happened. Nothing is ever deleted: a subscription is ended, an inbox row acknowledged.
 * Every function is thread-safe.
 */

enum lnt_alert_kind {
    LNT_ALERT_VENUE_RED = 1,               /* a venue turned Red or was flagged for review */
    LNT_ALERT_SERIOUS_REPORT = 2,          /* a spiking or sexual-offence report arrived */
    LNT_ALERT_DOOR_REFUSED = 3,            /* a badge refused at a door */
    LNT_ALERT_UNLICENSED_OTHER_DUTIES = 4, /* a door supervisor without a valid licence
                                              signed in for other duties */
    LNT_ALERT_KIOSK_SILENT = 5,            /* a kiosk not heard from on a trading night */
    LNT_ALERT_CUP_COVERS_LOW = 6,          /* cup-cover stock below the venue's threshold */
    LNT_ALERT__MAX = 6
};
/* "venue_red", "serious_report", "door_refused", "unlicensed_other_duties", "kiosk_silent",
 * "cup_covers_low"; NULL out of range. */
const char *lnt_alert_kind_name(enum lnt_alert_kind k);
/* LNT_ERR_INVALID (no message) for any other text. */
enum lnt_err lnt_alert_kind_parse(const char *s, enum lnt_alert_kind *out);

#define LNT_ALERT_DEDUP_MAX 95
#define LNT_ALERT_SUMMARY_MAX 255
#define LNT_ALERT_LINK_MAX 127

/* ---- subscriptions ---- */

struct lnt_alert_sub {
    int64_t id;
    int64_t officer_id;
    enum lnt_alert_kind kind;
    int64_t venue_id; /* 0 = every venue the officer may see */
    bool by_email;
    int64_t created_at;
    int64_t ended_at; /* 0 = active */
    size_t caught_up; /* set by lnt_store_alert_subscribe: tonight's alerts put in the inbox */
};
/*
 * Subscribes officer sub->officer_id to sub->kind for sub->venue_id at `now`, with an
 * audit row "alert.subscribe" by `actor` (NULL = the store's actor). Fills sub->id and
 * sub->created_at. In the same transaction the officer's inbox catches up: every alert of
 * sub->kind (at sub->venue_id, or any venue the officer's scope covers when 0) raised on the
 * trading night of `now` (common/night.c) up to `now` is put in it, counted in sub->caught_up;
 * inbox only, never emailed or posted, and never twice (an alert already in the inbox, from
 * another or an earlier subscription, is left as it is, acknowledged or not). Alerts carry no
 * end of their own: every alert raised tonight still stands.
 * LNT_ERR_NOT_FOUND for an unknown officer or venue, LNT_ERR_FORBIDDEN for
 * a disabled officer or a venue outside the officer's scope, LNT_ERR_INVALID for a bad
 * kind, LNT_ERR_EXISTS when the officer already has that subscription active.
 */
enum lnt_err lnt_store_alert_subscribe(struct lnt_store *s, struct lnt_alert_sub *sub,
                                       const char *actor, int64_t now, char *err);
/*
 * Ends subscription `id` of officer `officer_id` at `now` (audited "alert.unsubscribe").
 * LNT_ERR_NOT_FOUND when the officer has no such subscription, LNT_ERR_STATE when it has
 * ended already.
 */
enum lnt_err lnt_store_alert_unsubscribe(struct lnt_store *s, int64_t officer_id, int64_t id,
                                         const char *actor, int64_t now, char *err);
/* Subscription `id`, whichever officer's, ended or not. LNT_ERR_NOT_FOUND, LNT_ERR_DB. */
enum lnt_err lnt_store_alert_sub_get(struct lnt_store *s, int64_t id, struct lnt_alert_sub *out,
                                     char *err);
/* The active subscriptions of `officer_id` (0 = every officer), by id. */
enum lnt_err lnt_store_alert_subs(struct lnt_store *s, int64_t officer_id,
                                  struct lnt_alert_sub **out, size_t *n, char *err);

/* ---- alerts and the inbox ---- */

struct lnt_alert {
    int64_t id;
    enum lnt_alert_kind kind;
    char dedup[LNT_ALERT_DEDUP_MAX + 1]; /* "serious_report:incident:340" */
    char authority[LNT_AUTHORITY_MAX + 1];
    int64_t venue_id;
    char summary[LNT_ALERT_SUMMARY_MAX + 1]; /* kind, venue, local time: no incident detail */
    char link[LNT_ALERT_LINK_MAX + 1];       /* the dashboard path to look */
    int64_t raised_at;
    /* as an inbox row of one officer (lnt_store_alert_inbox) */
    int64_t acked_at; /* 0 = not acknowledged */
    char acked_by[64];
};
/*
 * Raises alert `a` at a->raised_at, unless an alert with its dedup was raised before, and
 * in the same transaction gives it an inbox row for every active officer with an active
 * subscription of its kind whose venue is a->venue_id or 0 and whose scope covers the
 * venue (its venue, its authority = a->authority, or the whole scheme); by_email is set
 * when any of the officer's matching subscriptions asks for email. *id is the new alert's
 * id, or 0 when it had been raised already (nothing written); *recipients (may be NULL)
 * the inbox rows written. LNT_ERR_INVALID for an empty or too long dedup, summary or
 * link, LNT_ERR_DB.
 */
enum lnt_err lnt_store_alert_raise(struct lnt_store *s, const struct lnt_alert *a, int64_t *id,
                                   size_t *recipients, char *err);
/* Whether an alert with `dedup` has been raised: 1 yes, 0 no, -1 error (err set). */
int lnt_store_alert_raised(struct lnt_store *s, const char *dedup, char *err);
/*
 * The inbox of `officer_id`: not acknowledged first, then newest first; rows
 * [offset, offset + limit), limit 1..LNT_VIEW_MAX (LNT_ERR_INVALID otherwise).
 */
enum lnt_err lnt_store_alert_inbox(struct lnt_store *s, int64_t officer_id, size_t offset,
                                   size_t limit, struct lnt_alert **out, size_t *n, char *err);
/* Alert `id` as raised (acked_at 0), whichever inboxes hold it. LNT_ERR_NOT_FOUND, LNT_ERR_DB. */
enum lnt_err lnt_store_alert_get(struct lnt_store *s, int64_t id, struct lnt_alert *out, char *err);
/* How many of `officer_id`'s inbox rows are not acknowledged. */
enum lnt_err lnt_store_alert_unacked(struct lnt_store *s, int64_t officer_id, int64_t *count,
                                     char *err);
/*
 * Acknowledges alert `alert_id` in `officer_id`'s inbox at `now`, recording `actor`
 * (who, 1-63 bytes) and an audit row "alert.ack". LNT_ERR_NOT_FOUND when the alert is not
 * in that inbox, LNT_ERR_STATE when acknowledged already.
 */
enum lnt_err lnt_store_alert_ack(struct lnt_store *s, int64_t officer_id, int64_t alert_id,
                                 const char *actor, int64_t now, char *err);

/* ---- what the raising reads: things new since a cursor ---- */

/* Named cursors the raising keeps (counters table): the last source row looked at. */
#define LNT_ALERT_CURSOR_REPORTS "alerts.incident_parts"
#define LNT_ALERT_CURSOR_FLAGS "alerts.flags"
#define LNT_ALERT_CURSOR_REFUSALS "alerts.events"
enum lnt_err lnt_store_alert_cursor_get(struct lnt_store *s, const char *name, int64_t *out,
                                        char *err);
enum lnt_err lnt_store_alert_cursor_set(struct lnt_store *s, const char *name, int64_t value,
                                        char *err);

/* One thing that may deserve an alert, as a source table has it. */
struct lnt_alert_source {
    int64_t row; /* the source row (cursor value) */
    int64_t key; /* what dedup names: an incident id, a flag id, an event id */
    enum lnt_alert_kind kind;
    int64_t venue_id;
    int64_t at; /* when it happened */
};
/*
 * At most `limit` (1..LNT_VIEW_MAX) things after cursor `after`, oldest first; *upto is
 * where the next look starts (the last row looked at, matching or not):
 *  reports:  saves of spiking or sexual-offence reports (incident_parts; key = incident id)
 *  flags:    revoked badge, unknown serial and door refusal flags (door_refused), and a
 *            door supervisor's sign-in without a valid licence for other duties
 *            (unlicensed_other_duties); key = flag id
 *  refusals: badge_refused events (a badge the kiosk refused: expired, bad signature,
 *            revoked); key = event id, kind door_refused
 */
enum lnt_err lnt_store_alert_new_reports(struct lnt_store *s, int64_t after, size_t limit,
                                         struct lnt_alert_source **out, size_t *n, int64_t *upto,
                                         char *err);
enum lnt_err lnt_store_alert_new_flags(struct lnt_store *s, int64_t after, size_t limit,
                                       struct lnt_alert_source **out, size_t *n, int64_t *upto,
                                       char *err);
enum lnt_err lnt_store_alert_new_refusals(struct lnt_store *s, int64_t after, size_t limit,
                                          struct lnt_alert_source **out, size_t *n, int64_t *upto,
                                          char *err);

#endif
