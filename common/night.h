/* night.h - local time in Europe/London and trading nights that run past midnight. */
#ifndef LNT_NIGHT_H
#define LNT_NIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/*
 * Lantern's towns are in the UK, so local time is Europe/London, computed
 * here from the rule in force since 1996 (BST from 01:00 UTC on the last
 * Sunday of March to 01:00 UTC on the last Sunday of October) with no
 * dependence on the machine's TZ or tzdata.
 *
 * A night belongs to the evening it starts on: the trading day runs from
 * 06:00 to 06:00 local time, so 02:30 on a Saturday is Friday night.
 * Nights and dates are days since 1970-01-01, as in ltime.h.
 */
#define LNT_NIGHT_CUTOFF_MIN (6 * 60)

/* Seconds to add to UTC for London local time at `t`: 0 or 3600. */
int lnt_london_offset(int64_t t);
/* The night (local evening date) that instant `t` belongs to. */
int32_t lnt_night_of(int64_t t);
/*
 * The London calendar date of instant `t` (midnight to midnight local time),
 * the "today" of anything dated by a person: an assessor's finding, a
 * training record, a licence expiry. Unlike lnt_night_of it turns at 00:00.
 */
int32_t lnt_london_date(int64_t t);
/*
 * The instant with the same London wall-clock time as `t`, `days` calendar
 * days earlier (negative: later). Across a clock change that is 23 or 25
 * hours a day, not 24. A wall-clock time the spring change skips maps to
 * the instant an hour later; one the autumn change repeats, to the first
 * (BST) instance.
 */
int64_t lnt_london_days_before(int64_t t, int days);
/*
 * The last second of trading night `night`: 05:59:59 London time on the next
 * morning (06:00 is the next night's first second). Across a clock change
 * that morning's offset is the one in force then. Thread-safe.
 */
int64_t lnt_night_end(int32_t night);
/*
 * The one reading of an "as at" argument, for the API's and the dashboard's
 * `at`: an RFC 3339 instant as it is, or a date "YYYY-MM-DD" meaning the end
 * of that trading night (lnt_night_end). LNT_ERR_INVALID for anything else.
 * *night_out (may be NULL) is the date's night, or 0 for an instant. Thread-safe.
 */
enum lnt_err lnt_as_at_parse(const char *s, int64_t *at, int32_t *night_out);
/* Day of week of a date: 0 = Monday ... 6 = Sunday. */
int lnt_weekday(int32_t days);

/*
 * The one way a person is shown a time or a date: London local time with its
 * zone, on pages, in CSV, in the evidence pack and in lanternctl's text.
 * Machines (the JSON API, the wire) keep RFC 3339 UTC (ltime.h).
 */
/* "Sat 12 Sep 2026, 01:25 BST" plus NUL, with room to spare (the compiler counts int fields). */
#define LNT_LOCAL_TIME_STRLEN 48
/* "Sat 12 Sep 2026" plus NUL, with room to spare. */
#define LNT_LOCAL_DATE_STRLEN 20
/*
 * Writes instant `t` as London wall-clock time with the zone in force then
 * ("BST" or "GMT"), to the minute: "Sat 12 Sep 2026, 01:25 BST". The hour the
 * autumn change repeats reads 01:xx BST, then 01:xx GMT. LNT_ERR_INVALID
 * (out = "") outside years 1-9999. Thread-safe.
 */
enum lnt_err lnt_local_time_format(int64_t t, char out[LNT_LOCAL_TIME_STRLEN]);
/* Writes a calendar date (days since the epoch) as "Sat 12 Sep 2026". LNT_ERR_INVALID (out = "")
 * outside years 1-9999. Thread-safe. */
enum lnt_err lnt_local_date_format(int32_t days, char out[LNT_LOCAL_DATE_STRLEN]);
/*
 * Copies text meant for a person (a score explanation line, a note) into out,
 * rewriting each RFC 3339 UTC time in it ("2026-09-12T00:25:00Z") as
 * lnt_local_time_format does and each bare date ("2026-09-12") as
 * lnt_local_date_format does; everything else is copied as it is. Always
 * NUL-terminates; LNT_ERR_TOO_LARGE when the result was cut to fit (at a
 * UTF-8 character boundary). Thread-safe.
 */
enum lnt_err lnt_local_text(const char *in, char *out, size_t size);

/*
 * When a venue trades, per day of the week the night starts on. A pattern
 * is one or more segments separated by ';': days then hours, e.g.
 *   "Thu-Sat 20:00-03:00; Sun 18:00-23:30"
 * Days are Mon Tue Wed Thu Fri Sat Sun, as single days, ranges (Fri-Sun,
 * wrapping allowed: Sat-Mon) or comma lists (Fri,Sat). Close at or before
 * open means past midnight. Minutes are from local midnight of the night's
 * date; close may exceed 1440.
 */
struct lnt_trading {
    bool open[7];     /* Monday = 0 */
    int open_min[7];  /* 0..1439 */
    int close_min[7]; /* open_min < close_min <= open_min + 1440 */
};

/* LNT_ERR_INVALID with a message naming the bad part ("segment 2: `Fry`: expected a day"). */
enum lnt_err lnt_trading_parse(const char *s, struct lnt_trading *out, char *err);
/* Writes the canonical text of `t` ("Thu-Sat 20:00-03:00; Sun 18:00-23:30") into out. */
enum lnt_err lnt_trading_format(const struct lnt_trading *t, char *out, size_t size);
/* A default pattern by venue category name: "pub", "bar", "nightclub", "hub". */
const char *lnt_trading_default(const char *category);
/* true when `night` is a trading night under `t`. */
bool lnt_trading_is_night(const struct lnt_trading *t, int32_t night);
/* Trading nights in [first, last] inclusive. */
int lnt_trading_count(const struct lnt_trading *t, int32_t first, int32_t last);

#endif
