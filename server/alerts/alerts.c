/* alerts.c - one scan: what is new since the cursors, and tonight's state of every trading
 * venue, raised as alerts (each once, by its dedup text); each venue's score changes recorded
 * in its score history from the same scoring that raises venue_red. */
#include "alerts.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "night.h"
#include "score.h"
#include "score_load.h"
#include "store_casework.h"

#define PAGE 200 /* source rows read at a time */

/* What a person reads first: the kind of thing, never what the report says. */
static const char *label(enum lnt_alert_kind k)
{
    switch (k) {
    case LNT_ALERT_VENUE_RED:
        return "Red band or review flag";
    case LNT_ALERT_SERIOUS_REPORT:
        return "Serious incident report";
    case LNT_ALERT_DOOR_REFUSED:
        return "Badge refused at the door";
    case LNT_ALERT_UNLICENSED_OTHER_DUTIES:
        return "Door supervisor without a valid licence on other duties";
    case LNT_ALERT_KIOSK_SILENT:
        return "Kiosk not heard from";
    case LNT_ALERT_CUP_COVERS_LOW:
        return "Cup covers below threshold";
    }
    return "Alert";
}

void lnt_alerts_summary(enum lnt_alert_kind k, const char *venue_name, int64_t at, char *out,
                        size_t size)
{
    char when[LNT_LOCAL_TIME_STRLEN];

    if (lnt_local_time_format(at, when) != LNT_OK)
        lnt_str_copy(when, sizeof when, "unknown time");
    snprintf(out, size, "%s at %s, %s", label(k), venue_name, when);
}

/* The venues, looked up by id for the names in summaries. */
struct venues {
    struct lnt_venue *v;
    size_t n;
};

static const struct lnt_venue *venue_find(const struct venues *vs, int64_t id)
{
    for (size_t i = 0; i < vs->n; i++)
        if (vs->v[i].id == id)
            return &vs->v[i];
    return NULL;
}

/* Raises kind `k` at venue `venue_id` for instant `at`, with dedup and link as given. */
static enum lnt_err raise_one(struct lnt_store *s, const struct venues *vs, enum lnt_alert_kind k,
                              int64_t venue_id, int64_t at, int64_t raised_at, const char *dedup,
                              const char *link, size_t *raised, char *err)
{
    const struct lnt_venue *v = venue_find(vs, venue_id);
    struct lnt_alert a;
    int64_t id = 0;
    enum lnt_err rc;

    memset(&a, 0, sizeof a);
    a.kind = k;
    a.venue_id = venue_id;
    a.raised_at = raised_at;
    lnt_str_copy(a.dedup, sizeof a.dedup, dedup);
    lnt_str_copy(a.link, sizeof a.link, link);
    if (v != NULL)
        lnt_str_copy(a.authority, sizeof a.authority, v->authority);
    lnt_alerts_summary(k, v != NULL ? v->name : "an unknown venue", at, a.summary,
                       sizeof a.summary);
    rc = lnt_store_alert_raise(s, &a, &id, NULL, err);
    if (rc == LNT_OK && id != 0 && raised != NULL)
        (*raised)++;
    return rc;
}

typedef enum lnt_err (*source_fn)(struct lnt_store *s, int64_t after, size_t limit,
                                  struct lnt_alert_source **out, size_t *n, int64_t *upto,
                                  char *err);

/* Walks one source from its cursor to its end, raising each thing, moving the cursor. */
static enum lnt_err walk(struct lnt_store *s, const struct venues *vs, const char *cursor,
                         source_fn fn, const char *what, int64_t now, size_t *raised, char *err)
{
    struct lnt_alert_source *src = NULL;
    char dedup[LNT_ALERT_DEDUP_MAX + 1], link[LNT_ALERT_LINK_MAX + 1];
    int64_t after = 0, upto = 0;
    size_t n = 0;
    enum lnt_err rc = lnt_store_alert_cursor_get(s, cursor, &after, err);

    while (rc == LNT_OK) {
        rc = fn(s, after, PAGE, &src, &n, &upto, err);
        for (size_t i = 0; rc == LNT_OK && i < n; i++) {
            const char *kind = lnt_alert_kind_name(src[i].kind);
            bool reg = src[i].kind == LNT_ALERT_DOOR_REFUSED ||
                       src[i].kind == LNT_ALERT_UNLICENSED_OTHER_DUTIES;

            if (kind == NULL)
                continue;
            snprintf(dedup, sizeof dedup, "%s:%s:%" PRId64, kind, what, src[i].key);
            snprintf(link, sizeof link, "/venues/%" PRId64 "%s", src[i].venue_id,
                     reg ? "/register" : "");
            rc = raise_one(s, vs, src[i].kind, src[i].venue_id, src[i].at, now, dedup, link, raised,
                           err);
        }
        free(src);
        src = NULL;
        if (rc != LNT_OK || upto <= after)
            break;
        /* after the alerts: a crash in between raises nothing twice (the dedup) */
        rc = lnt_store_alert_cursor_set(s, cursor, upto, err);
        after = upto;
    }
    return rc;
}

/* true when venue `v` trades on night `night` and is open for business. */
static bool trading_night(const struct lnt_venue *v, int32_t night, struct lnt_trading *t)
{
    char ignored[LNT_ERRBUF_SIZE];

    if (v->closed_at != 0 || lnt_trading_parse(v->trading, t, ignored) != LNT_OK)
        return false;
    return lnt_trading_is_night(t, night);
}

/* The instants the venue opens and closes on `night` (a trading night of t). */
static void trading_hours(const struct lnt_trading *t, int32_t night, int64_t *open, int64_t *close)
{
    int wd = lnt_weekday(night);
    /* local midnight of the night's date: the UTC midnight less the offset then */
    int64_t midnight = (int64_t)night * 86400;

    midnight -= lnt_london_offset(midnight);
    *open = midnight + (int64_t)t->open_min[wd] * 60;
    *close = midnight + (int64_t)t->close_min[wd] * 60;
    /* across a clock change in the small hours the close is an hour out; close enough for a
     * silence of many minutes, never a second alert (dedup per night) */
}

static void night_text(int32_t night, char out[LNT_DATE_STRLEN])
{
    if (lnt_date_format(night, out) != LNT_OK)
        lnt_str_copy(out, LNT_DATE_STRLEN, "0000-00-00");
}

/* kiosk_silent: every kiosk of a venue in its trading hours, silent for `minutes`. */
static enum lnt_err scan_silent(struct lnt_store *s, const struct venues *vs, int minutes,
                                int64_t now, size_t *raised, char *err)
{
    struct lnt_kiosk *k = NULL;
    struct lnt_trading t;
    char dedup[LNT_ALERT_DEDUP_MAX + 1], link[LNT_ALERT_LINK_MAX + 1], day[LNT_DATE_STRLEN];
    int32_t night = lnt_night_of(now);
    size_t n = 0;
    enum lnt_err rc = lnt_store_kiosk_list(s, 0, &k, &n, err);

    for (size_t i = 0; rc == LNT_OK && i < n; i++) {
        const struct lnt_venue *v = venue_find(vs, k[i].venue_id);
        int64_t open, close, heard;

        if (k[i].revoked || v == NULL || !trading_night(v, night, &t))
            continue;
        trading_hours(&t, night, &open, &close);
        if (now < open || now >= close)
            continue;
        heard = k[i].last_seen > open ? k[i].last_seen : open;
        if (k[i].enrolled_at > heard)
            heard = k[i].enrolled_at;
        if (now - heard < (int64_t)minutes * 60)
            continue;
        night_text(night, day);
        snprintf(dedup, sizeof dedup, "kiosk_silent:%" PRId64 ":%s", k[i].id, day);
        snprintf(link, sizeof link, "/venues/%" PRId64, v->id);
        rc = raise_one(s, vs, LNT_ALERT_KIOSK_SILENT, v->id, heard, now, dedup, link, raised, err);
    }
    free(k);
    return rc;
}

/* cup_covers_low: a trading venue whose counted stock is below its threshold. */
static enum lnt_err scan_stock(struct lnt_store *s, const struct venues *vs, int64_t now,
                               size_t *raised, char *err)
{
    struct lnt_stock_level *l = NULL;
    struct lnt_trading t;
    char dedup[LNT_ALERT_DEDUP_MAX + 1], day[LNT_DATE_STRLEN];
    int32_t night = lnt_night_of(now);
    size_t n = 0;
    enum lnt_err rc = lnt_store_stock_levels(s, NULL, &l, &n, err);

    for (size_t i = 0; rc == LNT_OK && i < n; i++) {
        const struct lnt_venue *v = venue_find(vs, l[i].venue_id);

        if (!l[i].known || l[i].level >= l[i].threshold || v == NULL ||
            !trading_night(v, night, &t))
            continue;
        night_text(night, day);
        snprintf(dedup, sizeof dedup, "cup_covers_low:%" PRId64 ":%s", v->id, day);
        rc = raise_one(s, vs, LNT_ALERT_CUP_COVERS_LOW, v->id, l[i].updated_at, now, dedup,
                       "/stock", raised, err);
    }
    free(l);
    return rc;
}

/* Red, or flagged for review: what venue_red is raised for. */
static bool red_standing(int band, bool review)
{
    return band == LNT_BAND_RED || review;
}

/*
 * The standing of venue `venue_id` at `now` into *c (venue, time, band, review, award, points,
 * the rules' versions). *scored false for a venue that cannot be scored (a bad trading
 * pattern): it has no standing to record. Store errors and LNT_ERR_NOMEM as they come.
 */
static enum lnt_err standing_at(struct lnt_store *s, const struct lnt_score_rules *rules,
                                int64_t venue_id, int64_t now, struct lnt_score_change *c,
                                bool *scored, char *err)
{
    struct lnt_score_result *r = calloc(1, sizeof *r);
    struct lnt_score_brief b;
    enum lnt_err rc;

    *scored = false;
    memset(c, 0, sizeof *c);
    if (r == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory scoring a venue");
    rc = lnt_score_load_venue(s, rules, venue_id, now, r, err);
    if (rc == LNT_OK) {
        lnt_score_brief_of(r, &b);
        c->venue_id = venue_id;
        c->at = now;
        c->band = b.scored ? (int)b.band : LNT_BAND_NONE;
        c->review = b.scored && b.review;
        lnt_str_copy(c->award, sizeof c->award, b.award);
        c->risk_milli = b.total_milli;
        lnt_str_copy(c->risk_version, sizeof c->risk_version, r->risk_version);
        lnt_str_copy(c->bbn_version, sizeof c->bbn_version, r->bbn_version);
        *scored = true;
    } else if (rc != LNT_ERR_DB && rc != LNT_ERR_TIMEOUT && rc != LNT_ERR_NOMEM) {
        rc = LNT_OK; /* a venue that cannot be scored has no standing; not an error of the scan */
    }
    lnt_score_result_release(r);
    free(r);
    return rc;
}

/*
 * Score history and venue_red, from one scoring of each open venue at `now`: a standing that
 * differs from the venue's newest score-history row is appended to it (store_casework.h), and
 * a change into Red or the review flag from a recorded standing that was neither raises
 * venue_red (once a night, by its dedup). A venue with no row yet gets its standing recorded
 * as its first, without an alert: on an upgraded database the first scan records where every
 * venue stands and raises nothing for what was so before. The alert is raised before the row
 * is written, so a failure between the two raises again at the next scan (the dedup keeps it
 * to one that night) rather than never.
 */
static enum lnt_err scan_scores(struct lnt_store *s, const struct venues *vs,
                                const struct lnt_score_rules *rules, int64_t now, size_t *raised,
                                char *err)
{
    char dedup[LNT_ALERT_DEDUP_MAX + 1], link[LNT_ALERT_LINK_MAX + 1], day[LNT_DATE_STRLEN];
    struct lnt_score_change cur, prev;
    enum lnt_err rc = LNT_OK;

    night_text(lnt_night_of(now), day);
    for (size_t i = 0; rc == LNT_OK && i < vs->n; i++) {
        const struct lnt_venue *v = &vs->v[i];
        bool scored = false, found = false;

        if (v->closed_at != 0)
            continue;
        rc = standing_at(s, rules, v->id, now, &cur, &scored, err);
        if (rc != LNT_OK || !scored)
            continue;
        rc = lnt_store_score_latest(s, v->id, &prev, &found, err);
        if (rc != LNT_OK)
            break;
        if (found && red_standing(cur.band, cur.review) && !red_standing(prev.band, prev.review) &&
            now >= prev.at) {
            snprintf(dedup, sizeof dedup, "venue_red:%" PRId64 ":%s", v->id, day);
            snprintf(link, sizeof link, "/venues/%" PRId64, v->id);
            rc = raise_one(s, vs, LNT_ALERT_VENUE_RED, v->id, now, now, dedup, link, raised, err);
        }
        /* the same standing as recorded: no write at all (the store checks again inside its
         * transaction, for two scans at once) */
        if (rc == LNT_OK && (!found || cur.band != prev.band || cur.review != prev.review ||
                             strcmp(cur.award, prev.award) != 0))
            rc = lnt_store_score_record(s, &cur, NULL, err);
    }
    return rc;
}

enum lnt_err lnt_alerts_scan(struct lnt_store *s, const struct lnt_alerts_config *cfg, int64_t now,
                             size_t *raised, char *err)
{
    struct venues vs = {NULL, 0};
    size_t count = 0;
    int minutes = cfg != NULL && cfg->silent_minutes > 0 ? cfg->silent_minutes
                                                         : LNT_ALERTS_SILENT_MIN_DEFAULT;
    enum lnt_err rc = lnt_store_venue_list(s, &vs.v, &vs.n, err);

    if (rc == LNT_OK)
        rc = walk(s, &vs, LNT_ALERT_CURSOR_REPORTS, lnt_store_alert_new_reports, "incident", now,
                  &count, err);
    if (rc == LNT_OK)
        rc = walk(s, &vs, LNT_ALERT_CURSOR_FLAGS, lnt_store_alert_new_flags, "flag", now, &count,
                  err);
    if (rc == LNT_OK)
        rc = walk(s, &vs, LNT_ALERT_CURSOR_REFUSALS, lnt_store_alert_new_refusals, "event", now,
                  &count, err);
    if (rc == LNT_OK)
        rc = scan_silent(s, &vs, minutes, now, &count, err);
    if (rc == LNT_OK)
        rc = scan_stock(s, &vs, now, &count, err);
    if (rc == LNT_OK && cfg != NULL && cfg->rules != NULL)
        rc = scan_scores(s, &vs, cfg->rules, now, &count, err);
    free(vs.v);
    if (raised != NULL)
        *raised = count;
    return rc;
}
