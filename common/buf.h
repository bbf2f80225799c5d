/* buf.h - bounded growable byte buffers and bounded string helpers. */
#ifndef LNT_BUF_H
#define LNT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/*
 * A growable buffer with a hard cap. `data` is always NUL-terminated (the
 * terminator is not counted in `len`), so text can be used directly.
 * Appending past `max` fails with LNT_ERR_TOO_LARGE and leaves the buffer as
 * it was. The caller owns the struct; lnt_buf_release frees the storage.
 */
struct lnt_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
};

/* Empty buffer that may hold at most `max` bytes. Allocates nothing. */
void lnt_buf_init(struct lnt_buf *b, size_t max);
/* Frees the storage; the buffer is empty (and reusable) afterwards. */
void lnt_buf_release(struct lnt_buf *b);
/* Forgets the contents, keeps the storage. */
void lnt_buf_reset(struct lnt_buf *b);
/* Forgets everything after the first `len` bytes (no-op when len >= b->len). */
void lnt_buf_truncate(struct lnt_buf *b, size_t len);
/* LNT_ERR_TOO_LARGE or LNT_ERR_NOMEM leave the buffer unchanged. */
enum lnt_err lnt_buf_append(struct lnt_buf *b, const void *p, size_t n);
enum lnt_err lnt_buf_puts(struct lnt_buf *b, const char *s);
enum lnt_err lnt_buf_printf(struct lnt_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * Appends `s` as a JSON string, quotes included, escaped exactly as jansson's
 * json_dumps escapes it: '"', '\\' and the control characters below 0x20 only
 * (\b \f \n \r \t, the rest as \u00XX); every other byte is copied as it is
 * (`s` is UTF-8). The canonical wire form relies on this. LNT_ERR_TOO_LARGE or
 * LNT_ERR_NOMEM leave the buffer unchanged. Not thread-safe on one buffer.
 */
enum lnt_err lnt_buf_put_json_str(struct lnt_buf *b, const char *s);
/* Hands the storage to the caller (free() it); the buffer is empty after. */
char *lnt_buf_detach(struct lnt_buf *b, size_t *len_out);

/*
 * Copies `src` into `dst` of `size` bytes, always NUL-terminating.
 * Returns LNT_ERR_TOO_LARGE (with `dst` holding the truncated prefix) when
 * `src` does not fit.
 */
enum lnt_err lnt_str_copy(char *dst, size_t size, const char *src);

/*
 * Parses a whole decimal integer in [min, max]: no leading spaces, no
 * trailing garbage. Returns LNT_ERR_INVALID and leaves *out alone otherwise.
 */
enum lnt_err lnt_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* true when `s` starts with `prefix`. */
bool lnt_str_starts(const char *s, const char *prefix);

#endif
