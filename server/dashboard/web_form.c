/* web_form.c - bounded parsing of the dashboard's form bodies: application/x-www-form-urlencoded,
 * and multipart/form-data (the fields and files of a form that uploads a file). */
#include "web_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..n) into out (at most n bytes plus NUL). false on a bad escape, a NUL, or bad UTF-8.
 */
static bool decode(const char *s, size_t n, char *out)
{
    size_t j = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[j++] = ' ';
        } else if (s[i] == '%') {
            int hi, lo;
            if (i + 2 >= n)
                return false;
            hi = hexval(s[i + 1]);
            lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return false;
            out[j++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (s[i] == '\0') {
            return false;
        } else {
            out[j++] = s[i];
        }
    }
    out[j] = '\0';
    for (size_t i = 0; i < j;) {
        size_t k = lnt_html_utf8_len(out + i, j - i);
        if (k == 0)
            return false;
        i += k;
    }
    return true;
}

enum lnt_err web_form_parse(struct web_form *f, const char *body, size_t len, char *err)
{
    char *out;
    size_t i = 0;

    memset(f, 0, sizeof *f);
    if (len == 0 || body == NULL)
        return LNT_OK;
    f->storage_len = len * 2 + 2; /* each field decodes to at most its own length, plus two NULs */
    f->storage = malloc(f->storage_len);
    if (f->storage == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    out = f->storage;
    while (i < len) {
        size_t end = i, eq;
        while (end < len && body[end] != '&')
            end++;
        for (eq = i; eq < end && body[eq] != '='; eq++)
            ;
        if (end > i) {
            if (f->n == WEB_FORM_FIELDS_MAX) {
                web_form_release(f);
                return lnt_fail(err, LNT_ERR_TOO_LARGE, "the form has more than %d fields",
                                WEB_FORM_FIELDS_MAX);
            }
            if (!decode(body + i, eq - i, out)) {
                web_form_release(f);
                return lnt_fail(err, LNT_ERR_INVALID, "field %zu: a name is badly encoded",
                                f->n + 1);
            }
            f->key[f->n] = out;
            out += strlen(out) + 1;
            if (!decode(body + (eq < end ? eq + 1 : end), eq < end ? end - eq - 1 : 0, out)) {
                char name[33];
                lnt_str_copy(name, sizeof name, f->key[f->n]); /* cut: it is only for the message */
                web_form_release(f);
                return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: the value is badly encoded",
                                name);
            }
            f->value[f->n] = out;
            out += strlen(out) + 1;
            f->n++;
        }
        i = end + 1;
    }
    return LNT_OK;
}

void web_form_release(struct web_form *f)
{
    if (f->storage != NULL) {
        volatile char *p = f->storage; /* passwords pass through here */
        for (size_t i = 0; i < f->storage_len; i++)
            p[i] = 0;
    }
    free(f->storage);
    memset(f, 0, sizeof *f);
}

const char *web_form_get(const struct web_form *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->key[i], key) == 0)
            return f->value[i];
    return NULL;
}

enum lnt_err web_form_parse_multipart(struct web_form *f, struct lnt_multipart *m,
                                      const char *content_type, const char *body, size_t len,
                                      char *err)
{
    char *out;
    enum lnt_err rc;

    memset(f, 0, sizeof *f);
    rc = lnt_multipart_parse(content_type, body, len, m, err);
    if (rc != LNT_OK)
        return rc;
    /* the names and values are parts of the body; a NUL after each */
    f->storage_len = len + 2 * LNT_MULTIPART_PARTS_MAX + 1;
    f->storage = malloc(f->storage_len);
    if (f->storage == NULL) {
        memset(m, 0, sizeof *m);
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    }
    out = f->storage;
    for (size_t i = 0; i < m->n; i++) {
        const struct lnt_multipart_part *p = &m->part[i];
        size_t nlen = strlen(p->name);
        bool ok = memchr(p->data, '\0', p->len) == NULL;

        if (p->is_file)
            continue;
        for (size_t k = 0; ok && k < p->len;) {
            size_t w = lnt_html_utf8_len(p->data + k, p->len - k);
            ok = w != 0;
            k += w;
        }
        for (size_t k = 0; ok && k < nlen;) {
            size_t w = lnt_html_utf8_len(p->name + k, nlen - k);
            ok = w != 0;
            k += w;
        }
        if (!ok) {
            char name[33];
            lnt_str_copy(name, sizeof name, p->name); /* cut: it is only for the message */
            web_form_release(f);
            memset(m, 0, sizeof *m);
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: the value is not UTF-8 text", name);
        }
        memcpy(out, p->name, nlen + 1);
        f->key[f->n] = out;
        out += nlen + 1;
        memcpy(out, p->data, p->len);
        out[p->len] = '\0';
        f->value[f->n] = out;
        out += p->len + 1;
        f->n++;
    }
    return LNT_OK;
}

const struct lnt_multipart_part *web_form_file(const struct web_req *r, const char *name)
{
    const struct lnt_multipart_part *p =
        r->parts != NULL ? lnt_multipart_get(r->parts, name) : NULL;

    return p != NULL && p->is_file ? p : NULL;
}
