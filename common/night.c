/* night.c - local time in Europe/London and trading nights that run past midnight. */
#include "night.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "ltime.h"

static const char *const day_names[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

int lnt_weekday(int32_t days)
{
    /* 1970-01-01 was a Thursday (3 with Monday = 0). */
    int w = (int)((days % 7 + 7 + 3) % 7);
    return w;
}

/* 01:00 UTC on the last Sunday of `month` (3 or 10) of `year`, as unix seconds. */
static int64_t last_sunday_0100(int year, int month)
{
    int32_t last = lnt_days_from_civil(year, month, 31);
    int32_t sunday = last - (lnt_weekday(last) + 1) % 7;
    return (int64_t)sunday * 86400 + 3600;
}

int lnt_london_offset(int64_t t)
{
    int y, m, d;
    lnt_civil_from_days(lnt_date_of(t), &y, &m, &d);
    if (m < 3 || m > 10)
        return 0;
    return t >= last_sunday_0100(y, 3) && t < last_sunday_0100(y, 10) ? 3600 : 0;
}

int32_t lnt_night_of(int64_t t)
{
    int64_t local = t + lnt_london_offset(t);
    return lnt_date_of(local - (int64_t)LNT_NIGHT_CUTOFF_MIN * 60);
}

int32_t lnt_london_date(int64_t t)
{
    return lnt_date_of(t + lnt_london_offset(t));
}

int64_t lnt_london_days_before(int64_t t, int days)
{
    /* wall-clock seconds, stepped by whole days, then back to UTC */
    int64_t local = t + lnt_london_offset(t) - (int64_t)days * 86400;
    return lnt_london_offset(local - 3600) == 3600 ? local - 3600 : local;
}

int64_t lnt_night_end(int32_t night)
{
    int64_t t = (int64_t)(night + 1) * 86400 + LNT_NIGHT_CUTOFF_MIN * 60;
    return t - lnt_london_offset(t - 3600) - 1;
}

enum lnt_err lnt_as_at_parse(const char *s, int64_t *at, int32_t *night_out)
{
    int32_t day;

    if (night_out != NULL)
        *night_out = 0;
    if (s == NULL)
        return LNT_ERR_INVALID;
    if (lnt_time_parse(s, at) == LNT_OK)
        return LNT_OK;
    if (lnt_date_parse(s, &day) != LNT_OK)
        return LNT_ERR_INVALID;
    *at = lnt_night_end(day);
    if (night_out != NULL)
        *night_out = day;
    return LNT_OK;
}

/* ---- the one human form of a time ---- */

static const char *const month_names[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

enum lnt_err lnt_local_date_format(int32_t days, char out[LNT_LOCAL_DATE_STRLEN])
{
    int y, m, d;

    lnt_civil_from_days(days, &y, &m, &d);
    out[0] = '\0';
    if (y < 1 || y > 9999)
        return LNT_ERR_INVALID;
    snprintf(out, LNT_LOCAL_DATE_STRLEN, "%s %d %s %d", day_names[lnt_weekday(days)], d,
             month_names[m - 1], y);
    return LNT_OK;
}

enum lnt_err lnt_local_time_format(int64_t t, char out[LNT_LOCAL_TIME_STRLEN])
{
    int offset = lnt_london_offset(t);
    int64_t local = t + offset;
    int32_t days = lnt_date_of(local);
    int mins = (int)((local - (int64_t)days * 86400) / 60);
    char date[LNT_LOCAL_DATE_STRLEN];

    out[0] = '\0';
    if (lnt_local_date_format(days, date) != LNT_OK)
        return LNT_ERR_INVALID;
    snprintf(out, LNT_LOCAL_TIME_STRLEN, "%s, %02d:%02d %s", date, mins / 60, mins % 60,
             offset != 0 ? "BST" : "GMT");
    return LNT_OK;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A character that glues a date-like run into something else: an id, a longer number. */
static bool is_word(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

/* true when s[0..n) is n digits with '-' at 4 and 7 ("YYYY-MM-DD" when n = 10). */
static bool date_shape(const char *s)
{
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7 ? s[i] != '-' : !is_digit(s[i]))
            return false;
    }
    return true;
}

/* At s (which starts with a date's shape): the length of an RFC 3339 UTC time or a bare date
 * there, with its local form in `local`; 0 when it is neither (a longer number, a bad date). */
static size_t local_token(const char *s, char *local, size_t size)
{
    char tmp[LNT_TIME_STRLEN];
    int64_t t;
    int32_t d;

    if (strnlen(s, LNT_TIME_STRLEN) >= LNT_TIME_STRLEN - 1 && s[10] == 'T' && s[19] == 'Z' &&
        !is_word(s[20])) {
        memcpy(tmp, s, LNT_TIME_STRLEN - 1);
        tmp[LNT_TIME_STRLEN - 1] = '\0';
        if (lnt_time_parse(tmp, &t) == LNT_OK &&
            lnt_local_time_format(t, local) == LNT_OK) /* local has LNT_LOCAL_TIME_STRLEN */
            return LNT_TIME_STRLEN - 1;
        return 0;
    }
    if (is_word(s[10]))
        return 0;
    memcpy(tmp, s, 10);
    tmp[10] = '\0';
    if (lnt_date_parse(tmp, &d) != LNT_OK || size < LNT_LOCAL_DATE_STRLEN ||
        lnt_local_date_format(d, local) != LNT_OK)
        return 0;
    return 10;
}

enum lnt_err lnt_local_text(const char *in, char *out, size_t size)
{
    size_t o = 0;
    bool cut = false;

    if (size == 0)
        return LNT_ERR_TOO_LARGE;
    for (const char *p = in; *p != '\0' && !cut;) {
        char local[LNT_LOCAL_TIME_STRLEN];
        const char *piece = p;
        size_t take = 1, len = 1;

        if (is_digit(*p) && (p == in || !is_word(p[-1])) && strnlen(p, 10) == 10 && date_shape(p) &&
            (take = local_token(p, local, sizeof local)) > 0) {
            piece = local;
            len = strlen(local);
        } else {
            take = 1;
        }
        if (o + len >= size) {
            cut = true;
            break;
        }
        memcpy(out + o, piece, len);
        o += len;
        p += take;
    }
    if (cut) { /* do not leave half a UTF-8 character at the end */
        size_t start = o, want;
        while (start > 0 && ((unsigned char)out[start - 1] & 0xc0) == 0x80)
            start--;
        if (start > 0) {
            unsigned char lead = (unsigned char)out[start - 1];
            want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
            if (o - (start - 1) < want)
                o = start - 1;
        }
    }
    out[o] = '\0';
    return cut ? LNT_ERR_TOO_LARGE : LNT_OK;
}

static int parse_day(const char *s, size_t n)
{
    for (int i = 0; i < 7; i++)
        if (n == 3 && strncmp(s, day_names[i], 3) == 0)
            return i;
    return -1;
}

static bool parse_hhmm(const char *s, int *out)
{
    if (strlen(s) != 5 || s[2] != ':')
        return false;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9'))
            return false;
    int h = (s[0] - '0') * 10 + (s[1] - '0');
    int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 23 || m > 59)
        return false;
    *out = h * 60 + m;
    return true;
}

/* Parses one "Days HH:MM-HH:MM" segment (already trimmed) into t. */
static enum lnt_err parse_segment(const char *seg, int idx, struct lnt_trading *t, char *err)
{
    char days[64], hours[32], from[8], to[8];
    const char *sp = strchr(seg, ' ');
    const char *dash;
    bool sel[7] = {false};
    int open, close;

    if (sp == NULL || (size_t)(sp - seg) >= sizeof days || strlen(sp + 1) >= sizeof hours)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "segment %d: `%s`: expected days then hours, like \"Fri-Sat 20:00-03:00\"",
                        idx, seg);
    memcpy(days, seg, (size_t)(sp - seg));
    days[sp - seg] = '\0';
    lnt_str_copy(hours, sizeof hours, sp + 1);

    dash = strchr(hours, '-');
    if (dash == NULL || (size_t)(dash - hours) >= sizeof from || strlen(dash + 1) >= sizeof to)
        return lnt_fail(err, LNT_ERR_INVALID, "segment %d: `%s`: expected hours like 20:00-03:00",
                        idx, hours);
    memcpy(from, hours, (size_t)(dash - hours));
    from[dash - hours] = '\0';
    lnt_str_copy(to, sizeof to, dash + 1);
    if (!parse_hhmm(from, &open) || !parse_hhmm(to, &close))
        return lnt_fail(err, LNT_ERR_INVALID, "segment %d: `%s`: expected hours like 20:00-03:00",
                        idx, hours);
    if (close <= open)
        close += 1440;

    for (char *p = days; *p != '\0';) {
        char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        int a, b;
        if (n == 7 && p[3] == '-') {
            a = parse_day(p, 3);
            b = parse_day(p + 4, 3);
        } else {
            a = b = parse_day(p, n);
        }
        if (a < 0 || b < 0)
            return lnt_fail(err, LNT_ERR_INVALID,
                            "segment %d: `%.*s`: expected a day (Mon..Sun) or a range (Fri-Sun)",
                            idx, (int)n, p);
        for (int d = a;; d = (d + 1) % 7) {
            sel[d] = true;
            if (d == b)
                break;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    for (int d = 0; d < 7; d++) {
        if (!sel[d])
            continue;
        if (t->open[d])
            return lnt_fail(err, LNT_ERR_INVALID, "segment %d: %s is already given", idx,
                            day_names[d]);
        t->open[d] = true;
        t->open_min[d] = open;
        t->close_min[d] = close;
    }
    return LNT_OK;
}

enum lnt_err lnt_trading_parse(const char *s, struct lnt_trading *out, char *err)
{
    struct lnt_trading t;
    char seg[128];
    int idx = 1;

    memset(&t, 0, sizeof t);
    if (s == NULL || *s == '\0')
        return lnt_fail(err, LNT_ERR_INVALID, "trading pattern is empty");
    for (const char *p = s; *p != '\0'; idx++) {
        const char *semi = strchr(p, ';');
        size_t n = semi ? (size_t)(semi - p) : strlen(p);
        while (n > 0 && *p == ' ') {
            p++;
            n--;
        }
        while (n > 0 && p[n - 1] == ' ')
            n--;
        if (n == 0 || n >= sizeof seg)
            return lnt_fail(err, LNT_ERR_INVALID,
                            "segment %d: expected days then hours, like \"Fri-Sat 20:00-03:00\"",
                            idx);
        memcpy(seg, p, n);
        seg[n] = '\0';
        enum lnt_err rc = parse_segment(seg, idx, &t, err);
        if (rc != LNT_OK)
            return rc;
        p = semi ? semi + 1 : p + strlen(p);
    }
    *out = t;
    return LNT_OK;
}

enum lnt_err lnt_trading_format(const struct lnt_trading *t, char *out, size_t size)
{
    struct lnt_buf b;
    bool done[7] = {false};
    enum lnt_err rc = LNT_OK;

    lnt_buf_init(&b, 256);
    for (int d = 0; d < 7 && rc == LNT_OK; d++) {
        if (!t->open[d] || done[d])
            continue;
        /* Group consecutive days with the same hours into a range. */
        int e = d;
        while (e + 1 < 7 && t->open[e + 1] && t->open_min[e + 1] == t->open_min[d] &&
               t->close_min[e + 1] == t->close_min[d])
            e++;
        for (int k = d; k <= e; k++)
            done[k] = true;
        int c = t->close_min[d] % 1440;
        if (b.len > 0)
            rc = lnt_buf_puts(&b, "; ");
        if (rc == LNT_OK && e > d)
            rc = lnt_buf_printf(&b, "%s-%s", day_names[d], day_names[e]);
        else if (rc == LNT_OK)
            rc = lnt_buf_puts(&b, day_names[d]);
        if (rc == LNT_OK)
            rc = lnt_buf_printf(&b, " %02d:%02d-%02d:%02d", t->open_min[d] / 60,
                                t->open_min[d] % 60, c / 60, c % 60);
    }
    if (rc == LNT_OK)
        rc = lnt_str_copy(out, size, b.data ? b.data : "");
    lnt_buf_release(&b);
    return rc;
}

const char *lnt_trading_default(const char *category)
{
    if (strcmp(category, "nightclub") == 0)
        return "Thu-Sat 22:00-04:00";
    if (strcmp(category, "bar") == 0)
        return "Wed-Sat 18:00-02:00";
    if (strcmp(category, "hub") == 0)
        return "Fri-Sat 21:00-04:00";
    return "Mon-Thu 11:00-23:00; Fri-Sat 11:00-01:00; Sun 12:00-22:30";
}

bool lnt_trading_is_night(const struct lnt_trading *t, int32_t night)
{
    return t->open[lnt_weekday(night)];
}

int lnt_trading_count(const struct lnt_trading *t, int32_t first, int32_t last)
{
    int n = 0;
    for (int32_t d = first; d <= last; d++)
        n += t->open[lnt_weekday(d)];
    return n;
}
