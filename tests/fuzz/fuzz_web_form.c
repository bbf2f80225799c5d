/*
 * fuzz_web_form.c - fuzz target for the dashboard's form body parser
 * (server/dashboard/web_form.c, web_form_parse), which reads every POST an officer's
 * browser (or anyone who reaches the port) sends as
 * application/x-www-form-urlencoded. Invariants, any of which failing aborts:
 *   - a refused body leaves the form empty, with LNT_ERR_INVALID or LNT_ERR_TOO_LARGE;
 *   - an accepted one has at most WEB_FORM_FIELDS_MAX fields, each name and value
 *     well-formed UTF-8 without NULs, inside the form's own storage, together no
 *     longer than the body;
 *   - web_form_get finds each name's first value;
 *   - the fields percent-encoded again parse back to the very same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "web_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX (2 * WEB_FORM_BODY_MAX)

static void utf8_or_abort(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t k = lnt_html_utf8_len(s + i, n - i);
        if (k == 0)
            abort();
        i += k;
    }
}

static int inside(const struct web_form *f, const char *p)
{
    return p >= f->storage && p + strlen(p) < f->storage + f->storage_len;
}

/* Appends s percent-encoded (all but unreserved characters) at *o. */
static void encode(const char *s, char *out, size_t *o)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            out[(*o)++] = (char)*p;
        } else {
            out[(*o)++] = '%';
            out[(*o)++] = hex[*p >> 4];
            out[(*o)++] = hex[*p & 15];
        }
    }
}

static int same(const struct web_form *a, const struct web_form *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->key[i], b->key[i]) != 0 || strcmp(a->value[i], b->value[i]) != 0)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct web_form empty;
    struct web_form f, g;
    char err[LNT_ERRBUF_SIZE];
    char *again = NULL;
    size_t total = 0, o = 0;
    enum lnt_err rc;

    if (size > FUZZ_MAX)
        return 0;
    rc = web_form_parse(&f, (const char *)data, size, err);
    if (rc != LNT_OK) {
        if ((rc != LNT_ERR_INVALID && rc != LNT_ERR_TOO_LARGE) || memcmp(&f, &empty, sizeof f))
            abort();
        return 0;
    }
    if (f.n > WEB_FORM_FIELDS_MAX || (size == 0 && f.n != 0))
        abort();
    for (size_t i = 0; i < f.n; i++) {
        const char *v = web_form_get(&f, f.key[i]);
        size_t first = 0;
        if (!inside(&f, f.key[i]) || !inside(&f, f.value[i]))
            abort();
        utf8_or_abort(f.key[i]);
        utf8_or_abort(f.value[i]);
        total += strlen(f.key[i]) + strlen(f.value[i]);
        while (strcmp(f.key[first], f.key[i]) != 0)
            first++;
        if (v != f.value[first])
            abort();
    }
    if (total > size)
        abort();
    /* Encoded again, each byte at most three: the same fields come back. */
    again = malloc(3 * total + 2 * f.n + 1);
    if (again == NULL)
        abort();
    for (size_t i = 0; i < f.n; i++) {
        if (i > 0)
            again[o++] = '&';
        encode(f.key[i], again, &o);
        again[o++] = '=';
        encode(f.value[i], again, &o);
    }
    if (web_form_parse(&g, again, o, err) != LNT_OK || !same(&f, &g))
        abort();
    web_form_release(&g);
    free(again);
    web_form_release(&f);
    return 0;
}
