/* html.c - HTML output helpers: escaping by context into a bounded buffer, errors sticky. */
#include "html.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define TXTF_MAX 1024

void lnt_html_init(struct lnt_html *h, struct lnt_buf *out)
{
    h->out = out;
    h->err = LNT_OK;
}

static void put(struct lnt_html *h, const char *p, size_t n)
{
    if (h->err == LNT_OK && n > 0)
        h->err = lnt_buf_append(h->out, p, n);
}

void lnt_html_raw(struct lnt_html *h, const char *s)
{
    if (s != NULL)
        put(h, s, strlen(s));
}

void lnt_html_rawf(struct lnt_html *h, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;

    if (h->err != LNT_OK)
        return;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        h->err = LNT_ERR_INVALID;
        return;
    }
    if ((size_t)n < sizeof small) {
        put(h, small, (size_t)n);
        return;
    }
    /* Long markup: format straight into the buffer. */
    {
        char big[4096];
        va_start(ap, fmt);
        n = vsnprintf(big, sizeof big, fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t)n >= sizeof big)
            h->err = LNT_ERR_TOO_LARGE;
        else
            put(h, big, (size_t)n);
    }
}

size_t lnt_html_utf8_len(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len;
    uint32_t cp, min;

    if (n == 0)
        return 0;
    if (u[0] < 0x80)
        return 1;
    if (u[0] >= 0xc2 && u[0] <= 0xdf) {
        len = 2;
        cp = u[0] & 0x1fu;
        min = 0x80;
    } else if (u[0] >= 0xe0 && u[0] <= 0xef) {
        len = 3;
        cp = u[0] & 0x0fu;
        min = 0x800;
    } else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
        len = 4;
        cp = u[0] & 0x07u;
        min = 0x10000;
    } else {
        return 0; /* continuation byte, 0xc0/0xc1 (always overlong) or above 0xf4 */
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xc0u) != 0x80u)
            return 0;
        cp = (cp << 6) | (u[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* Text escaping for content (`attr` false) or a double-quoted attribute value (`attr` true). */
static void escape(struct lnt_html *h, const char *s, size_t n, bool attr)
{
    size_t i = 0, run = 0; /* s[run..i) is clean and not yet written */

    while (i < n && s[i] != '\0' && h->err == LNT_OK) {
        unsigned char c = (unsigned char)s[i];
        const char *rep = NULL;
        size_t step = 1;

        switch (c) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        case '\n':
            rep = attr ? "&#10;" : NULL;
            break;
        case '\t':
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                rep = ""; /* dropped */
            } else if (c >= 0x80) {
                step = lnt_html_utf8_len(s + i, n - i);
                if (step == 0) {
                    rep = "\xef\xbf\xbd"; /* U+FFFD */
                    step = 1;
                }
            }
            break;
        }
        if (rep != NULL) {
            put(h, s + run, i - run);
            put(h, rep, strlen(rep));
            i += step;
            run = i;
        } else {
            i += step;
        }
    }
    put(h, s + run, i - run);
}

void lnt_html_txt(struct lnt_html *h, const char *s)
{
    if (s != NULL)
        escape(h, s, strlen(s), false);
}

void lnt_html_txtn(struct lnt_html *h, const char *s, size_t n)
{
    if (s != NULL)
        escape(h, s, n, false);
}

void lnt_html_txtf(struct lnt_html *h, const char *fmt, ...)
{
    char text[TXTF_MAX];
    va_list ap;
    int n;

    if (h->err != LNT_OK)
        return;
    va_start(ap, fmt);
    n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0) {
        h->err = LNT_ERR_INVALID;
        return;
    }
    escape(h, text, strlen(text), false);
}

void lnt_html_attr(struct lnt_html *h, const char *s)
{
    if (s != NULL)
        escape(h, s, strlen(s), true);
}

void lnt_html_url(struct lnt_html *h, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t run = 0, i = 0;

    if (s == NULL)
        return;
    for (; s[i] != '\0' && h->err == LNT_OK; i++) {
        unsigned char c = (unsigned char)s[i];
        char enc[3];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~')
            continue;
        put(h, s + run, i - run);
        enc[0] = '%';
        enc[1] = hex[c >> 4];
        enc[2] = hex[c & 15];
        put(h, enc, 3);
        run = i + 1;
    }
    put(h, s + run, i - run);
}

void lnt_html_attr_pair(struct lnt_html *h, const char *name, const char *value)
{
    lnt_html_raw(h, " ");
    lnt_html_raw(h, name);
    lnt_html_raw(h, "=\"");
    lnt_html_attr(h, value);
    lnt_html_raw(h, "\"");
}

void lnt_html_tag_txt(struct lnt_html *h, const char *tag, const char *text)
{
    lnt_html_rawf(h, "<%s>", tag);
    lnt_html_txt(h, text);
    lnt_html_rawf(h, "</%s>", tag);
}
