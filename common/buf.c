/* buf.c - bounded growable byte buffers and bounded string helpers. */
#include "buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lnt_buf_init(struct lnt_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void lnt_buf_release(struct lnt_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void lnt_buf_reset(struct lnt_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

void lnt_buf_truncate(struct lnt_buf *b, size_t len)
{
    if (len >= b->len)
        return;
    b->len = len;
    b->data[len] = '\0';
}

static enum lnt_err reserve(struct lnt_buf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (extra > b->max || b->len > b->max - extra)
        return LNT_ERR_TOO_LARGE;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return LNT_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    p = realloc(b->data, cap);
    if (p == NULL)
        return LNT_ERR_NOMEM;
    b->data = p;
    b->cap = cap;
    return LNT_OK;
}

enum lnt_err lnt_buf_append(struct lnt_buf *b, const void *p, size_t n)
{
    enum lnt_err rc = reserve(b, n);
    if (rc != LNT_OK)
        return rc;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return LNT_OK;
}

enum lnt_err lnt_buf_puts(struct lnt_buf *b, const char *s)
{
    return lnt_buf_append(b, s, strlen(s));
}

/* The escape for byte `c` in a JSON string ("" when it stands for itself), as jansson writes it. */
static size_t json_escape(unsigned char c, char esc[6])
{
    static const char hex[] = "0123456789ABCDEF";

    if (c >= 0x20 && c != '"' && c != '\\')
        return 0;
    esc[0] = '\\';
    switch (c) {
    case '"':
    case '\\':
        esc[1] = (char)c;
        return 2;
    case '\b':
        esc[1] = 'b';
        return 2;
    case '\f':
        esc[1] = 'f';
        return 2;
    case '\n':
        esc[1] = 'n';
        return 2;
    case '\r':
        esc[1] = 'r';
        return 2;
    case '\t':
        esc[1] = 't';
        return 2;
    default:
        memcpy(esc + 1, "u00", 3);
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 0xf];
        return 6;
    }
}

enum lnt_err lnt_buf_put_json_str(struct lnt_buf *b, const char *s)
{
    size_t start = b->len;
    const char *run = s;
    enum lnt_err rc = lnt_buf_append(b, "\"", 1);

    /* plain runs are copied whole: most strings have nothing to escape */
    for (; rc == LNT_OK && *s != '\0'; s++) {
        char esc[6];
        size_t k = json_escape((unsigned char)*s, esc);

        if (k == 0)
            continue;
        rc = lnt_buf_append(b, run, (size_t)(s - run));
        if (rc == LNT_OK)
            rc = lnt_buf_append(b, esc, k);
        run = s + 1;
    }
    if (rc == LNT_OK)
        rc = lnt_buf_append(b, run, (size_t)(s - run));
    if (rc == LNT_OK)
        rc = lnt_buf_append(b, "\"", 1);
    if (rc != LNT_OK)
        lnt_buf_truncate(b, start);
    return rc;
}

enum lnt_err lnt_buf_printf(struct lnt_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    enum lnt_err rc;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return LNT_ERR_INVALID;
    rc = reserve(b, (size_t)n);
    if (rc != LNT_OK)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return LNT_OK;
}

char *lnt_buf_detach(struct lnt_buf *b, size_t *len_out)
{
    char *p = b->data;
    if (p == NULL) {
        p = calloc(1, 1);
        if (len_out != NULL)
            *len_out = 0;
        return p;
    }
    if (len_out != NULL)
        *len_out = b->len;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

enum lnt_err lnt_str_copy(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (size == 0)
        return LNT_ERR_TOO_LARGE;
    if (n >= size) {
        memcpy(dst, src, size - 1);
        dst[size - 1] = '\0';
        return LNT_ERR_TOO_LARGE;
    }
    memcpy(dst, src, n + 1);
    return LNT_OK;
}

enum lnt_err lnt_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    char *end = NULL;
    long long v;

    if (s == NULL || *s == '\0' || *s == ' ' || *s == '\t' || *s == '+')
        return LNT_ERR_INVALID;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return LNT_ERR_INVALID;
    *out = (int64_t)v;
    return LNT_OK;
}

bool lnt_str_starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}
