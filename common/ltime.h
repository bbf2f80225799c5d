/* ltime.h - wall-clock and monotonic time, RFC 3339 and calendar dates, all UTC. */
#ifndef LNT_LTIME_H
#define LNT_LTIME_H

#include <stdint.h>

#include "err.h"

/* "2026-11-26T22:01:03Z" plus NUL. */
#define LNT_TIME_STRLEN 21
/* "2026-11-26" plus NUL. */
#define LNT_DATE_STRLEN 11

/* Seconds since the Unix epoch, UTC (CLOCK_REALTIME). */
int64_t lnt_time_now(void);
/* Milliseconds on a clock that never goes backwards (CLOCK_MONOTONIC). */
int64_t lnt_mono_ms(void);

/* Writes `t` as RFC 3339 UTC with a Z suffix. Times before year 1 or after 9999 become
 * LNT_ERR_INVALID. */
enum lnt_err lnt_time_format(int64_t t, char out[LNT_TIME_STRLEN]);
/*
 * Parses RFC 3339 ("2026-11-26T22:01:03Z", "2026-11-26T22:01:03.250+01:00");
 * fractions are dropped. Returns LNT_ERR_INVALID on anything else, leaving *out alone.
 */
enum lnt_err lnt_time_parse(const char *s, int64_t *out);

/* Calendar dates are days since 1970-01-01. */
enum lnt_err lnt_date_parse(const char *s, int32_t *days_out);
enum lnt_err lnt_date_format(int32_t days, char out[LNT_DATE_STRLEN]);
/* Days since the epoch of the UTC date that contains `t`. */
int32_t lnt_date_of(int64_t t);
/* Days since the epoch for a proleptic Gregorian date (month 1-12). */
int32_t lnt_days_from_civil(int y, int m, int d);
void lnt_civil_from_days(int32_t days, int *y, int *m, int *d);

#endif
