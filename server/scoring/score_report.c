/* score_report.c - hot spots and trends for the task force: pure functions over rollups, as JSON.
 */
#include "score_report.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"
#include "night.h"

static const char *const day_names[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const tally_names[LNT_REPORT_TALLIES] = {
    "water",     "flip_flops", "blankets",     "bottles",
    "first_aid", "cctv_calls", "police_calls", "calmed"};

/* ---- JSON plumbing: a sticky failure flag, then one dump ---- */

struct jb {
    bool bad;
};

static void put(struct jb *b, json_t *obj, const char *key, json_t *v)
{
    if (obj == NULL || v == NULL || json_object_set_new(obj, key, v) != 0)
        b->bad = true;
}

static void push(struct jb *b, json_t *arr, json_t *v)
{
    if (arr == NULL || v == NULL || json_array_append_new(arr, v) != 0)
        b->bad = true;
}

/* Dumps and frees `o`; appends to `out` or leaves it as it was. */
static enum lnt_err finish(struct jb *b, json_t *o, struct lnt_buf *out, const char *what,
                           char *err)
{
    char *text = b->bad ? NULL : json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
    enum lnt_err rc;
    json_decref(o);
    if (text == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "%s: could not encode JSON", what);
    rc = lnt_buf_puts(out, text);
    free(text);
    if (rc != LNT_OK)
        return lnt_fail(err, rc, "%s: JSON over the output buffer's bound", what);
    return LNT_OK;
}

static json_t *month_text(int year, int month)
{
    char s[16];
    snprintf(s, sizeof s, "%04d-%02d", year, month);
    return json_string(s);
}

/* London local month of instant t, as year * 12 + (month - 1). */
static int month_index(int64_t t)
{
    int y, m, d;
    lnt_civil_from_days(lnt_date_of(t + lnt_london_offset(t)), &y, &m, &d);
    return y * 12 + m - 1;
}

/* ---- ranking ---- */

void lnt_report_rank_from(const struct lnt_score_result *r, const char *area,
                          struct lnt_rank_venue *out)
{
    memset(out, 0, sizeof *out);
    out->venue_id = r->venue_id;
    lnt_str_copy(out->name, sizeof out->name, r->venue_name);
    lnt_str_copy(out->area, sizeof out->area, area ? area : "");
    lnt_str_copy(out->category, sizeof out->category, r->category);
    lnt_score_brief_of(r, &out->score);
}

static int rank_cmp(const void *a, const void *b)
{
    const struct lnt_rank_venue *x = a, *y = b;
    if (x->score.band != y->score.band)
        return x->score.band > y->score.band ? -1 : 1;
    if (x->score.total_milli != y->score.total_milli)
        return x->score.total_milli > y->score.total_milli ? -1 : 1;
    return (x->venue_id > y->venue_id) - (x->venue_id < y->venue_id);
}

void lnt_report_rank_sort(struct lnt_rank_venue *v, size_t n)
{
    if (n > 1)
        qsort(v, n, sizeof *v, rank_cmp);
}

static int area_cmp(const void *a, const void *b)
{
    const struct lnt_rank_area *x = a, *y = b;
    if (x->mean_milli != y->mean_milli)
        return x->mean_milli > y->mean_milli ? -1 : 1;
    return strcmp(x->area, y->area);
}

enum lnt_err lnt_report_rank_areas(const struct lnt_rank_venue *v, size_t n,
                                   struct lnt_rank_area **out, size_t *n_out, char *err)
{
    struct lnt_rank_area *a = NULL;
    size_t na = 0;

    *out = NULL;
    *n_out = 0;
    if (n == 0)
        return LNT_OK;
    a = calloc(n, sizeof *a);
    if (a == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "areas: out of memory");
    for (size_t i = 0; i < n; i++) {
        struct lnt_rank_area *ar = NULL;
        for (size_t k = 0; k < na && ar == NULL; k++)
            if (strcmp(a[k].area, v[i].area) == 0)
                ar = &a[k];
        if (ar == NULL) {
            ar = &a[na++];
            lnt_str_copy(ar->area, sizeof ar->area, v[i].area);
        }
        ar->venues++;
        ar->total_milli += v[i].score.total_milli;
        ar->red += v[i].score.band == LNT_BAND_RED;
        ar->amber += v[i].score.band == LNT_BAND_AMBER;
        ar->green += v[i].score.band == LNT_BAND_GREEN;
    }
    for (size_t k = 0; k < na; k++)
        a[k].mean_milli = (a[k].total_milli + a[k].venues / 2) / a[k].venues;
    qsort(a, na, sizeof *a, area_cmp);
    *out = a;
    *n_out = na;
    return LNT_OK;
}

enum lnt_err lnt_report_rank_json(const struct lnt_rank_venue *v, size_t n, size_t top_n,
                                  const struct lnt_rank_area *areas, size_t n_areas,
                                  struct lnt_buf *out, char *err)
{
    struct jb b = {false};
    json_t *o = json_object(), *top = json_array(), *aj = json_array();

    for (size_t i = 0; i < n && i < top_n; i++) {
        json_t *e = json_object();
        put(&b, e, "rank", json_integer((json_int_t)i + 1));
        put(&b, e, "venue_id", json_integer(v[i].venue_id));
        put(&b, e, "name", json_string(v[i].name));
        put(&b, e, "area", json_string(v[i].area));
        put(&b, e, "category", json_string(v[i].category));
        put(&b, e, "band", json_string(lnt_band_name(v[i].score.band)));
        put(&b, e, "total_milli", json_integer(v[i].score.total_milli));
        put(&b, e, "trend", json_string(lnt_trend_name(v[i].score.trend)));
        put(&b, e, "accredited", json_boolean(v[i].score.accredited));
        put(&b, e, "award", v[i].score.award[0] ? json_string(v[i].score.award) : json_null());
        put(&b, e, "review", json_boolean(v[i].score.review));
        put(&b, e, "low_reporting", json_boolean(v[i].score.low_reporting));
        push(&b, top, e);
    }
    for (size_t i = 0; i < n_areas; i++) {
        json_t *e = json_object();
        put(&b, e, "area", json_string(areas[i].area));
        put(&b, e, "venues", json_integer(areas[i].venues));
        put(&b, e, "red", json_integer(areas[i].red));
        put(&b, e, "amber", json_integer(areas[i].amber));
        put(&b, e, "green", json_integer(areas[i].green));
        put(&b, e, "total_milli", json_integer(areas[i].total_milli));
        put(&b, e, "mean_milli", json_integer(areas[i].mean_milli));
        push(&b, aj, e);
    }
    put(&b, o, "top", top);
    put(&b, o, "areas", aj);
    put(&b, o, "venues", json_integer((json_int_t)n));
    return finish(&b, o, out, "ranking", err);
}

/* ---- hour of week, months, repeats ---- */

void lnt_report_hour_of_week(const struct lnt_report_hour *rows, size_t n, const char *kind,
                             int64_t out[7][24])
{
    memset(out, 0, sizeof(int64_t[7][24]));
    for (size_t i = 0; i < n; i++) {
        int64_t t = rows[i].hour * 3600;
        int64_t local = t + lnt_london_offset(t);
        int32_t day = lnt_date_of(local);
        if (kind && kind[0] && strcmp(rows[i].kind, kind) != 0)
            continue;
        out[lnt_weekday(day)][(local - (int64_t)day * 86400) / 3600] += rows[i].count;
    }
}

enum lnt_err lnt_report_hour_of_week_json(const int64_t t[7][24], struct lnt_buf *out, char *err)
{
    struct jb b = {false};
    json_t *o = json_object(), *days = json_array(), *rows = json_array(), *peak = json_object();
    int64_t total = 0, best = -1;
    int bd = 0, bh = 0;

    for (int d = 0; d < 7; d++) {
        json_t *row = json_array();
        push(&b, days, json_string(day_names[d]));
        for (int h = 0; h < 24; h++) {
            push(&b, row, json_integer(t[d][h]));
            total += t[d][h];
            if (t[d][h] > best) {
                best = t[d][h];
                bd = d;
                bh = h;
            }
        }
        push(&b, rows, row);
    }
    put(&b, peak, "day", json_string(day_names[bd]));
    put(&b, peak, "hour", json_integer(bh));
    put(&b, peak, "count", json_integer(best));
    put(&b, o, "days", days);
    put(&b, o, "rows", rows);
    put(&b, o, "total", json_integer(total));
    put(&b, o, "peak", total > 0 ? peak : json_null());
    if (total == 0)
        json_decref(peak);
    return finish(&b, o, out, "hour of week", err);
}

static int kind_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

enum lnt_err lnt_report_months_build(const struct lnt_report_hour *rows, size_t n, int64_t from,
                                     int64_t to, struct lnt_report_months *out, char *err)
{
    int m0 = month_index(from), m1 = month_index(to);
    size_t cap = 0;

    memset(out, 0, sizeof *out);
    if (m1 < m0 || m1 - m0 + 1 > LNT_REPORT_MONTHS_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "months: span of %d months: expected 1..%d",
                        m1 - m0 + 1, LNT_REPORT_MONTHS_MAX);
    out->first_year = m0 / 12;
    out->first_month = m0 % 12 + 1;
    out->n_months = m1 - m0 + 1;
    /* the kinds, always including the two the task force tracks */
    cap = n + 2;
    out->kinds = calloc(cap, sizeof *out->kinds);
    if (out->kinds == NULL)
        goto nomem;
    lnt_str_copy(out->kinds[out->n_kinds++], LNT_REPORT_KIND_MAX, "angela");
    lnt_str_copy(out->kinds[out->n_kinds++], LNT_REPORT_KIND_MAX, "spiking");
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t k = 0; k < out->n_kinds && !seen; k++)
            seen = strcmp(out->kinds[k], rows[i].kind) == 0;
        if (!seen)
            lnt_str_copy(out->kinds[out->n_kinds++], LNT_REPORT_KIND_MAX, rows[i].kind);
    }
    qsort(out->kinds, out->n_kinds, sizeof *out->kinds, kind_cmp);
    out->counts = calloc((size_t)out->n_months * out->n_kinds, sizeof *out->counts);
    if (out->counts == NULL)
        goto nomem;
    for (size_t i = 0; i < n; i++) {
        int64_t t = rows[i].hour * 3600;
        int mi = month_index(t) - m0;
        char *hit;
        if (t < from || t > to || mi < 0 || mi >= out->n_months)
            continue;
        hit = bsearch(rows[i].kind, out->kinds, out->n_kinds, sizeof *out->kinds, kind_cmp);
        if (hit)
            out->counts[(size_t)mi * out->n_kinds + (size_t)(((char(*)[LNT_REPORT_KIND_MAX])hit) -
                                                             out->kinds)] += rows[i].count;
    }
    return LNT_OK;
nomem:
    lnt_report_months_release(out);
    return lnt_fail(err, LNT_ERR_NOMEM, "months: out of memory");
}

void lnt_report_months_release(struct lnt_report_months *m)
{
    free(m->kinds);
    free(m->counts);
    memset(m, 0, sizeof *m);
}

int64_t lnt_report_months_get(const struct lnt_report_months *m, int month, const char *kind)
{
    for (size_t k = 0; k < m->n_kinds; k++)
        if (strcmp(m->kinds[k], kind) == 0 && month >= 0 && month < m->n_months)
            return m->counts[(size_t)month * m->n_kinds + k];
    return 0;
}

enum lnt_err lnt_report_months_json(const struct lnt_report_months *m, struct lnt_buf *out,
                                    char *err)
{
    struct jb b = {false};
    json_t *o = json_object(), *months = json_array(), *kinds = json_object(),
           *totals = json_array();

    for (int i = 0; i < m->n_months; i++) {
        int idx = m->first_year * 12 + m->first_month - 1 + i;
        int64_t total = 0;
        push(&b, months, month_text(idx / 12, idx % 12 + 1));
        for (size_t k = 0; k < m->n_kinds; k++)
            total += m->counts[(size_t)i * m->n_kinds + k];
        push(&b, totals, json_integer(total));
    }
    for (size_t k = 0; k < m->n_kinds; k++) {
        json_t *series = json_array();
        for (int i = 0; i < m->n_months; i++)
            push(&b, series, json_integer(m->counts[(size_t)i * m->n_kinds + k]));
        if (strcmp(m->kinds[k], "angela") == 0 || strcmp(m->kinds[k], "spiking") == 0)
            put(&b, o, m->kinds[k], json_deep_copy(series));
        put(&b, kinds, m->kinds[k], series);
    }
    put(&b, o, "months", months);
    put(&b, o, "kinds", kinds);
    put(&b, o, "totals", totals);
    return finish(&b, o, out, "months", err);
}

struct night_row {
    int64_t venue_id;
    const char *kind;
    int32_t night;
    int64_t count;
};

static int night_row_cmp(const void *a, const void *b)
{
    const struct night_row *x = a, *y = b;
    int c;
    if (x->venue_id != y->venue_id)
        return x->venue_id < y->venue_id ? -1 : 1;
    if ((c = strcmp(x->kind, y->kind)) != 0)
        return c;
    return (x->night > y->night) - (x->night < y->night);
}

static int repeat_cmp(const void *a, const void *b)
{
    const struct lnt_report_repeat *x = a, *y = b;
    if (x->nights != y->nights)
        return x->nights > y->nights ? -1 : 1;
    if (x->reports != y->reports)
        return x->reports > y->reports ? -1 : 1;
    if (x->venue_id != y->venue_id)
        return x->venue_id < y->venue_id ? -1 : 1;
    return strcmp(x->kind, y->kind);
}

enum lnt_err lnt_report_repeats(const struct lnt_report_hour *rows, size_t n, int min_nights,
                                struct lnt_report_repeat **out, size_t *n_out, char *err)
{
    struct night_row *nr = NULL;
    struct lnt_report_repeat *r = NULL;
    size_t nn = 0, k = 0;

    *out = NULL;
    *n_out = 0;
    if (n == 0)
        return LNT_OK;
    nr = calloc(n, sizeof *nr);
    r = calloc(n, sizeof *r);
    if (nr == NULL || r == NULL) {
        free(nr);
        free(r);
        return lnt_fail(err, LNT_ERR_NOMEM, "repeat locations: out of memory");
    }
    for (size_t i = 0; i < n; i++)
        if (rows[i].count > 0)
            nr[nn++] = (struct night_row){rows[i].venue_id, rows[i].kind,
                                          lnt_night_of(rows[i].hour * 3600), rows[i].count};
    qsort(nr, nn, sizeof *nr, night_row_cmp);
    for (size_t i = 0; i < nn;) {
        size_t j = i;
        struct lnt_report_repeat cur = {.venue_id = nr[i].venue_id};
        lnt_str_copy(cur.kind, sizeof cur.kind, nr[i].kind);
        while (j < nn && nr[j].venue_id == cur.venue_id && strcmp(nr[j].kind, cur.kind) == 0) {
            cur.nights += j == i || nr[j].night != nr[j - 1].night;
            cur.reports += nr[j].count;
            j++;
        }
        if (cur.nights >= min_nights)
            r[k++] = cur;
        i = j;
    }
    free(nr);
    if (k == 0) {
        free(r);
        return LNT_OK;
    }
    qsort(r, k, sizeof *r, repeat_cmp);
    *out = r;
    *n_out = k;
    return LNT_OK;
}

enum lnt_err lnt_report_repeats_json(const struct lnt_report_repeat *r, size_t n,
                                     struct lnt_buf *out, char *err)
{
    struct jb b = {false};
    json_t *o = json_object(), *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_object();
        put(&b, e, "venue_id", json_integer(r[i].venue_id));
        put(&b, e, "kind", json_string(r[i].kind));
        put(&b, e, "nights", json_integer(r[i].nights));
        put(&b, e, "reports", json_integer(r[i].reports));
        push(&b, list, e);
    }
    put(&b, o, "repeat_locations", list);
    return finish(&b, o, out, "repeat locations", err);
}

/* ---- volunteers ---- */

enum lnt_err lnt_report_volunteers(const struct lnt_report_shift *s, size_t n,
                                   struct lnt_report_volunteer_month **out, size_t *n_out,
                                   char *err)
{
    struct lnt_report_volunteer_month *m = NULL;
    int lo = 0, hi = 0;
    bool any = false;

    *out = NULL;
    *n_out = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t t = s[i].start_at ? s[i].start_at : s[i].end_at;
        int mi;
        if (t == 0)
            continue;
        mi = month_index(t);
        lo = any && lo < mi ? lo : mi;
        hi = any && hi > mi ? hi : mi;
        any = true;
    }
    if (!any)
        return LNT_OK;
    if (hi - lo + 1 > LNT_REPORT_MONTHS_MAX * 10)
        return lnt_fail(err, LNT_ERR_INVALID, "volunteers: shifts span %d months", hi - lo + 1);
    m = calloc((size_t)(hi - lo + 1), sizeof *m);
    if (m == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "volunteers: out of memory");
    for (int i = 0; i <= hi - lo; i++) {
        m[i].year = (lo + i) / 12;
        m[i].month = (lo + i) % 12 + 1;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t t = s[i].start_at ? s[i].start_at : s[i].end_at;
        struct lnt_report_volunteer_month *mm;
        if (t == 0)
            continue;
        mm = &m[month_index(t) - lo];
        mm->shifts++;
        if (s[i].start_at && s[i].end_at > s[i].start_at)
            mm->person_minutes +=
                (s[i].end_at - s[i].start_at) / 60 * (s[i].team_size > 0 ? s[i].team_size : 1);
        for (int k = 0; k < LNT_REPORT_TALLIES; k++)
            mm->tallies[k] += s[i].tallies[k] > 0 ? s[i].tallies[k] : 0;
    }
    *out = m;
    *n_out = (size_t)(hi - lo + 1);
    return LNT_OK;
}

enum lnt_err lnt_report_volunteers_json(const struct lnt_report_volunteer_month *m, size_t n,
                                        struct lnt_buf *out, char *err)
{
    struct jb b = {false};
    json_t *o = json_object(), *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_object(), *t = json_object();
        put(&b, e, "month", month_text(m[i].year, m[i].month));
        put(&b, e, "shifts", json_integer(m[i].shifts));
        put(&b, e, "person_minutes", json_integer(m[i].person_minutes));
        for (int k = 0; k < LNT_REPORT_TALLIES; k++)
            put(&b, t, tally_names[k], json_integer(m[i].tallies[k]));
        put(&b, e, "tallies", t);
        push(&b, list, e);
    }
    put(&b, o, "months", list);
    return finish(&b, o, out, "volunteers", err);
}

/* ---- stock ---- */

void lnt_report_stock_forecast(int64_t venue_id, int32_t level, int32_t threshold,
                               const struct lnt_report_stock_point *p, size_t n, int64_t from,
                               int64_t now, struct lnt_report_stock *out)
{
    int64_t start = 0, span;
    bool have_prev = false;
    int32_t prev = 0;

    memset(out, 0, sizeof *out);
    out->venue_id = venue_id;
    out->level = level;
    out->threshold = threshold;
    out->below_threshold = level < threshold;
    out->days_left = -1;
    for (size_t i = 0; i < n; i++) {
        if (p[i].at < from || p[i].at > now)
            continue;
        if (!have_prev)
            start = p[i].at;
        else if (p[i].level_after < prev)
            out->used += prev - p[i].level_after;
        prev = p[i].level_after;
        have_prev = true;
    }
    span = now - (start > from ? start : from);
    if (out->used <= 0 || span <= 0)
        return;
    out->per_day_milli = out->used * 1000 * 86400 / span;
    if (out->per_day_milli <= 0)
        return;
    out->days_left = level <= 0 ? 0 : (int32_t)((int64_t)level * 1000 / out->per_day_milli);
    out->runs_out = lnt_night_of(now) + out->days_left;
}

enum lnt_err lnt_report_stock_json(const struct lnt_report_stock *s, size_t n, struct lnt_buf *out,
                                   char *err)
{
    struct jb b = {false};
    json_t *o = json_object(), *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_object();
        char d[LNT_DATE_STRLEN];
        put(&b, e, "venue_id", json_integer(s[i].venue_id));
        put(&b, e, "level", json_integer(s[i].level));
        put(&b, e, "threshold", json_integer(s[i].threshold));
        put(&b, e, "below_threshold", json_boolean(s[i].below_threshold));
        put(&b, e, "used", json_integer(s[i].used));
        put(&b, e, "per_day_milli", json_integer(s[i].per_day_milli));
        put(&b, e, "days_left", s[i].days_left >= 0 ? json_integer(s[i].days_left) : json_null());
        put(&b, e, "runs_out",
            s[i].days_left >= 0 && lnt_date_format(s[i].runs_out, d) == LNT_OK ? json_string(d)
                                                                               : json_null());
        push(&b, list, e);
    }
    put(&b, o, "stock", list);
    return finish(&b, o, out, "stock", err);
}
