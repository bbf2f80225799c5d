/* ltime.c - wall-clock and monotonic time, RFC 3339 and calendar dates, all UTC. */
#include "ltime.h"

#include "buf.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t lnt_time_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

int64_t lnt_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Civil-calendar conversions after the well-known era-based method: exact for all proleptic
 * Gregorian dates. */
int32_t lnt_days_from_civil(int y, int m, int d)
{
    int era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

void lnt_civil_from_days(int32_t days, int *y, int *m, int *d)
{
    int32_t z = days + 719468;
    int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    int32_t doe = z - era * 146097;
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int32_t mp = (5 * doy + 2) / 153;
    int32_t dd = doy - (153 * mp + 2) / 5 + 1;
    int32_t mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

static int floor_div(int64_t a, int64_t b)
{
    return (int)(a / b - ((a % b != 0) && ((a < 0) != (b < 0))));
}

int32_t lnt_date_of(int64_t t)
{
    return (int32_t)floor_div(t, 86400);
}

/* Writes v (0 <= v < 10^width) as exactly `width` decimal digits, no terminator. */
static void put_digits(char *out, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* "YYYY-MM-DD" into out[0..10), no terminator; false (out[0] = NUL) outside years 1-9999. */
static bool put_date(char *out, int32_t days)
{
    int y, m, d;

    lnt_civil_from_days(days, &y, &m, &d);
    if (y < 1 || y > 9999) {
        out[0] = '\0';
        return false;
    }
    put_digits(out, y, 4);
    out[4] = '-';
    put_digits(out + 5, m, 2);
    out[7] = '-';
    put_digits(out + 8, d, 2);
    return true;
}

enum lnt_err lnt_time_format(int64_t t, char out[LNT_TIME_STRLEN])
{
    int32_t days = lnt_date_of(t);
    int64_t secs = t - (int64_t)days * 86400;

    if (!put_date(out, days))
        return LNT_ERR_INVALID;
    out[10] = 'T';
    put_digits(out + 11, (int)(secs / 3600), 2);
    out[13] = ':';
    put_digits(out + 14, (int)(secs / 60 % 60), 2);
    out[16] = ':';
    put_digits(out + 17, (int)(secs % 60), 2);
    memcpy(out + 19, "Z", 2);
    return LNT_OK;
}

/* Reads exactly `n` digits at *p, advancing it. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

static bool parse_date_part(const char **p, int *y, int *m, int *d)
{
    if (!digits(p, 4, y) || **p != '-')
        return false;
    (*p)++;
    if (!digits(p, 2, m) || **p != '-')
        return false;
    (*p)++;
    if (!digits(p, 2, d))
        return false;
    return *y >= 1 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= days_in_month(*y, *m);
}

enum lnt_err lnt_date_parse(const char *s, int32_t *days_out)
{
    const char *p = s;
    int y, m, d;
    if (s == NULL || !parse_date_part(&p, &y, &m, &d) || *p != '\0')
        return LNT_ERR_INVALID;
    *days_out = lnt_days_from_civil(y, m, d);
    return LNT_OK;
}

enum lnt_err lnt_date_format(int32_t days, char out[LNT_DATE_STRLEN])
{
    if (!put_date(out, days))
        return LNT_ERR_INVALID;
    out[10] = '\0';
    return LNT_OK;
}

enum lnt_err lnt_time_parse(const char *s, int64_t *out)
{
    const char *p = s;
    int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 1;
    int64_t t;

    if (s == NULL || !parse_date_part(&p, &y, &mo, &d))
        return LNT_ERR_INVALID;
    if (*p != 'T' && *p != 't')
        return LNT_ERR_INVALID;
    p++;
    if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi) || *p++ != ':' ||
        !digits(&p, 2, &sec))
        return LNT_ERR_INVALID;
    if (h > 23 || mi > 59 || sec > 60)
        return LNT_ERR_INVALID;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return LNT_ERR_INVALID;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        p++;
        if (!digits(&p, 2, &oh) || *p++ != ':' || !digits(&p, 2, &om) || oh > 23 || om > 59)
            return LNT_ERR_INVALID;
    } else {
        return LNT_ERR_INVALID;
    }
    if (*p != '\0')
        return LNT_ERR_INVALID;
    if (sec == 60)
        sec = 59; /* leap second: clamp, we never need sub-second truth */
    t = (int64_t)lnt_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    t -= (int64_t)sign * (oh * 3600 + om * 60);
    *out = t;
    return LNT_OK;
}
