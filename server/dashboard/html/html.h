/* html.h - HTML output helpers whose names say the escaping context (text, attribute, URL). */
#ifndef LNT_HTML_H
#define LNT_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

/*
 * Pages are written front to back into a bounded lnt_buf through these
 * helpers; nothing that came from outside reaches the page except through
 * lnt_html_txt, lnt_html_attr or lnt_html_url. Errors are sticky: the first
 * failure (the buffer's cap, out of memory) is kept in h->err and every later
 * call does nothing, so a page writer checks once at the end.
 *
 * Text and attribute escaping also repair the input: a byte that is not part
 * of well-formed UTF-8 becomes U+FFFD, and control characters other than tab
 * and newline are dropped, so the page is always valid UTF-8.
 */
struct lnt_html {
    struct lnt_buf *out; /* borrowed */
    enum lnt_err err;    /* LNT_OK until something fails */
};

/* Writes into `out` (borrowed; appended to, never reset). */
void lnt_html_init(struct lnt_html *h, struct lnt_buf *out);

/* Markup written by the program itself: never pass outside data. */
void lnt_html_raw(struct lnt_html *h, const char *s);
/* Raw printf for markup and numbers; %s arguments must be program constants. */
void lnt_html_rawf(struct lnt_html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text content: & < > " ' escaped. NULL writes nothing. */
void lnt_html_txt(struct lnt_html *h, const char *s);
/* The first `n` bytes of `s` as text content (stops early at a NUL). */
void lnt_html_txtn(struct lnt_html *h, const char *s, size_t n);
/* printf, then escaped as text. Output is cut at 1 KiB. */
void lnt_html_txtf(struct lnt_html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A double-quoted attribute's value (without the quotes): text escaping plus newlines as &#10;. */
void lnt_html_attr(struct lnt_html *h, const char *s);
/* A URL path segment or query component: everything but A-Z a-z 0-9 - . _ ~ percent-encoded. */
void lnt_html_url(struct lnt_html *h, const char *s);
/* A whole attribute, ` name="value"`, with the value escaped. */
void lnt_html_attr_pair(struct lnt_html *h, const char *name, const char *value);
/* `<tag>text</tag>`; tag is a program constant. */
void lnt_html_tag_txt(struct lnt_html *h, const char *tag, const char *text);

/*
 * The length (1-4) of the well-formed UTF-8 sequence starting at s[0], of
 * at most `n` bytes; 0 when the bytes there are not well-formed (overlong,
 * surrogate, above U+10FFFF, truncated, stray continuation). Public for tests and CSV.
 */
size_t lnt_html_utf8_len(const char *s, size_t n);

#endif
