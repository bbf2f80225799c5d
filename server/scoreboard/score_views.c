/* score_views.c - the task force's reports from the store: hot spots, trends, volunteers, stock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "night.h"
#include "score_load.h"
#include "store_events.h"

#define REPEATS_MAX 100
#define PAGES_MAX 100 /* of LNT_VIEW_MAX rows: a report over more is refused, not cut */

/* Appends `"key":` then the JSON in `part` to `out`. */
static enum lnt_err splice(struct lnt_buf *out, bool first, const char *key,
                           const struct lnt_buf *part)
{
    enum lnt_err rc = lnt_buf_printf(out, "%s\"%s\":", first ? "" : ",", key);
    return rc != LNT_OK ? rc : lnt_buf_append(out, part->data, part->len);
}

enum lnt_err lnt_score_report_hotspots(struct lnt_store *s, const struct lnt_score_rules *rules,
                                       const char *authority, int64_t at, size_t top_n,
                                       int min_nights, struct lnt_buf *out, char *err)
{
    struct lnt_rank_venue *rank = NULL;
    struct lnt_rank_area *areas = NULL;
    struct lnt_repeat_location *rep = NULL;
    struct lnt_report_repeat *rr = NULL;
    struct lnt_rollup_scope scope = {.authority = authority};
    struct lnt_buf p_rank, p_rep, p_how, whole;
    size_t n = 0, na = 0, nrep = 0, before = out->len;
    int64_t how[7][24];
    int32_t first, last;
    char d1[LNT_DATE_STRLEN], d2[LNT_DATE_STRLEN], ts[LNT_TIME_STRLEN];
    enum lnt_err rc;

    lnt_buf_init(&p_rank, out->max);
    lnt_buf_init(&p_rep, out->max);
    lnt_buf_init(&p_how, out->max);
    lnt_buf_init(&whole, out->max);
    lnt_score_rules_window(rules->risk, at, 0, &first, &last);
    if (lnt_date_format(first, d1) != LNT_OK || lnt_date_format(last, d2) != LNT_OK ||
        lnt_time_format(at, ts) != LNT_OK) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "hot spots: time out of range");
        goto out;
    }
    rc = lnt_score_load_rank(s, rules, authority, at, &rank, &n, err);
    if (rc == LNT_OK)
        rc = lnt_report_rank_areas(rank, n, &areas, &na, err);
    if (rc == LNT_OK)
        rc = lnt_report_rank_json(rank, n, top_n, areas, na, &p_rank, err);
    if (rc == LNT_OK)
        rc = lnt_store_repeat_locations(s, &scope, first, last, min_nights, REPEATS_MAX, &rep,
                                        &nrep, err);
    if (rc == LNT_OK && nrep > 0 && (rr = calloc(nrep, sizeof *rr)) == NULL)
        rc = lnt_fail(err, LNT_ERR_NOMEM, "hot spots: out of memory");
    for (size_t i = 0; rc == LNT_OK && i < nrep; i++) {
        rr[i].venue_id = rep[i].venue_id;
        lnt_str_copy(rr[i].kind, sizeof rr[i].kind, rep[i].kind);
        rr[i].nights = rep[i].nights;
        rr[i].reports = rep[i].reports;
    }
    if (rc == LNT_OK)
        rc = lnt_report_repeats_json(rr, nrep, &p_rep, err);
    if (rc == LNT_OK)
        rc = lnt_store_rollup_hour_of_week(s, &scope, LNT_EV_INCIDENT, NULL, (int64_t)first * 86400,
                                           at, how, err);
    if (rc == LNT_OK)
        rc = lnt_report_hour_of_week_json((const int64_t(*)[24])how, &p_how, err);
    if (rc != LNT_OK)
        goto out;
    /* keys in sorted order, as every other JSON here */
    if ((rc = lnt_buf_printf(&whole, "{\"at\":\"%s\"", ts)) != LNT_OK ||
        (rc = splice(&whole, false, "hour_of_week", &p_how)) != LNT_OK ||
        (rc = splice(&whole, false, "ranking", &p_rank)) != LNT_OK ||
        (rc = splice(&whole, false, "repeats", &p_rep)) != LNT_OK ||
        (rc = lnt_buf_printf(&whole, ",\"window\":{\"first\":\"%s\",\"last\":\"%s\"}}", d1, d2)) !=
            LNT_OK ||
        (rc = lnt_buf_append(out, whole.data, whole.len)) != LNT_OK)
        rc = lnt_fail(err, rc, "hot spots: over the output bound");
out:
    if (rc != LNT_OK)
        out->len = before;
    lnt_buf_release(&p_rank);
    lnt_buf_release(&p_rep);
    lnt_buf_release(&p_how);
    lnt_buf_release(&whole);
    free(rank);
    free(areas);
    free(rep);
    free(rr);
    return rc;
}

enum lnt_err lnt_score_report_trends(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                     int64_t from, int64_t to, struct lnt_buf *out, char *err)
{
    struct lnt_month_count *mc = NULL;
    struct lnt_report_hour *rows = NULL;
    struct lnt_report_months m = {0};
    size_t n = 0, k = 0;
    enum lnt_err rc;

    rc = lnt_store_rollup_months(s, scope, from, to, &mc, &n, err);
    if (rc == LNT_OK && n > 0 && (rows = calloc(n, sizeof *rows)) == NULL)
        rc = lnt_fail(err, LNT_ERR_NOMEM, "trends: out of memory");
    for (size_t i = 0; rc == LNT_OK && i < n; i++) {
        /* a month's count, placed inside that month and inside [from, to) */
        int64_t t = (int64_t)lnt_days_from_civil(mc[i].year, mc[i].month, 15) * 86400 + 43200;
        if (mc[i].type != LNT_EV_INCIDENT || mc[i].kind[0] == '\0')
            continue;
        t = t < from ? from : t >= to ? to - 1 : t;
        rows[k].hour = t / 3600;
        lnt_str_copy(rows[k].kind, sizeof rows[k].kind, mc[i].kind);
        rows[k++].count = mc[i].count;
    }
    if (rc == LNT_OK)
        rc = lnt_report_months_build(rows, k, from, to - 1, &m, err);
    if (rc == LNT_OK)
        rc = lnt_report_months_json(&m, out, err);
    lnt_report_months_release(&m);
    free(rows);
    free(mc);
    return rc;
}

enum lnt_err lnt_score_report_volunteers(struct lnt_store *s, const struct lnt_rollup_scope *scope,
                                         int64_t from, int64_t to, struct lnt_buf *out, char *err)
{
    struct lnt_report_shift *sh = NULL;
    struct lnt_report_volunteer_month *m = NULL;
    size_t n = 0, nm = 0;
    enum lnt_err rc = LNT_OK;

    for (int page = 0; rc == LNT_OK; page++) {
        struct lnt_volunteer_shift *v = NULL;
        size_t got = 0;
        struct lnt_report_shift *grown;
        if (page == PAGES_MAX) {
            rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "volunteers: more than %d shifts in the range",
                          PAGES_MAX * LNT_VIEW_MAX);
            break;
        }
        rc = lnt_store_volunteer_list(s, scope, NULL, from, to, (size_t)page * LNT_VIEW_MAX,
                                      LNT_VIEW_MAX, &v, &got, err);
        if (rc == LNT_OK && got > 0) {
            grown = realloc(sh, (n + got) * sizeof *sh);
            if (grown == NULL) {
                rc = lnt_fail(err, LNT_ERR_NOMEM, "volunteers: out of memory");
            } else {
                sh = grown;
                for (size_t i = 0; i < got; i++) {
                    struct lnt_report_shift *d = &sh[n++];
                    d->start_at = v[i].start_at;
                    d->end_at = v[i].end_at;
                    d->team_size = v[i].team_size;
                    memcpy(d->tallies, v[i].tallies, sizeof d->tallies);
                }
            }
        }
        free(v);
        if (got < LNT_VIEW_MAX)
            break;
    }
    if (rc == LNT_OK)
        rc = lnt_report_volunteers(sh, n, &m, &nm, err);
    if (rc == LNT_OK)
        rc = lnt_report_volunteers_json(m, nm, out, err);
    free(sh);
    free(m);
    return rc;
}

enum lnt_err lnt_score_stock_forecasts(struct lnt_store *s, const char *authority, int64_t at,
                                       int lookback_days, struct lnt_score_stock **out, size_t *n,
                                       char *err)
{
    struct lnt_stock_level *lv = NULL;
    struct lnt_score_stock *fc = NULL;
    int64_t from = at - (int64_t)lookback_days * 86400;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_store_stock_levels(s, authority, &lv, n, err);
    if (rc == LNT_OK && (fc = calloc(*n > 0 ? *n : 1, sizeof *fc)) == NULL)
        rc = lnt_fail(err, LNT_ERR_NOMEM, "stock: out of memory");
    for (size_t i = 0; rc == LNT_OK && i < *n; i++) {
        struct lnt_stock_entry *e = NULL;
        struct lnt_report_stock_point *p = NULL;
        size_t ne = 0;
        rc = lnt_store_stock_ledger(s, lv[i].venue_id, from, at + 1, 0, LNT_VIEW_MAX, &e, &ne, err);
        if (rc == LNT_OK && ne > 0 && (p = calloc(ne, sizeof *p)) == NULL)
            rc = lnt_fail(err, LNT_ERR_NOMEM, "stock: out of memory");
        for (size_t k = 0; rc == LNT_OK && k < ne; k++) {
            p[k].at = e[k].at;
            p[k].level_after = e[k].level_after;
        }
        /* more than a page of stock entries in the lookback: the first page sets the rate */
        if (rc == LNT_OK) {
            fc[i].level = lv[i];
            lnt_report_stock_forecast(lv[i].venue_id, lv[i].known ? lv[i].level : 0,
                                      lv[i].threshold, p, ne, from, at, &fc[i].forecast);
        }
        free(p);
        free(e);
    }
    free(lv);
    if (rc != LNT_OK) {
        free(fc);
        *n = 0;
        return rc;
    }
    *out = fc;
    return LNT_OK;
}

enum lnt_err lnt_score_report_stock(struct lnt_store *s, const char *authority, int64_t at,
                                    int lookback_days, struct lnt_buf *out, char *err)
{
    struct lnt_score_stock *ss = NULL;
    struct lnt_report_stock *fc = NULL;
    size_t n = 0;
    enum lnt_err rc;

    rc = lnt_score_stock_forecasts(s, authority, at, lookback_days, &ss, &n, err);
    if (rc == LNT_OK && (fc = calloc(n > 0 ? n : 1, sizeof *fc)) == NULL)
        rc = lnt_fail(err, LNT_ERR_NOMEM, "stock: out of memory");
    for (size_t i = 0; rc == LNT_OK && i < n; i++)
        fc[i] = ss[i].forecast;
    if (rc == LNT_OK)
        rc = lnt_report_stock_json(fc, n, out, err);
    free(fc);
    free(ss);
    return rc;
}
