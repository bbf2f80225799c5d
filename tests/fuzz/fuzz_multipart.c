/*
 * fuzz_multipart.c - fuzz target for the multipart/form-data parser
 * (server/http/http_multipart.c, lnt_multipart_parse), which reads every form
 * with a file an officer's browser (or anyone who reaches the port) posts, and
 * the dashboard's reading of its fields (web_form_parse_multipart,
 * server/dashboard/web_form.c). The input is "CONTENT-TYPE\nBODY" (no newline:
 * the body alone, boundary "X"). Invariants, any of which failing aborts:
 *   - a refused body leaves no parts, with LNT_ERR_INVALID and a message;
 *   - an accepted one has at most LNT_MULTIPART_PARTS_MAX parts, in order, each
 *     inside the body and after the one before; names non-empty, unique and found
 *     by lnt_multipart_get; names, filenames and types NUL-terminated within their
 *     fields, without control characters; a filename without '/' or '\';
 *   - the parts written out again in the plain form parse back to the same parts;
 *   - the dashboard's form holds exactly the parts that are not files, as sent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "http_multipart.h"
#include "web_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX 65536

static void text_or_abort(const char *s, size_t size, bool may_be_empty)
{
    size_t n = strnlen(s, size);

    if (n == size || (n == 0 && !may_be_empty))
        abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            abort();
}

/* Appends s as the inside of a quoted-string. */
static void quoted(struct lnt_buf *b, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            lnt_buf_append(b, "\\", 1);
        lnt_buf_append(b, s, 1);
    }
}

static bool same_part(const struct lnt_multipart_part *a, const struct lnt_multipart_part *b)
{
    return strcmp(a->name, b->name) == 0 && a->is_file == b->is_file &&
           strcmp(a->filename, b->filename) == 0 && strcmp(a->content_type, b->content_type) == 0 &&
           a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct lnt_multipart m, again;
    char ct[LNT_MULTIPART_LINE_MAX + 2], boundary[32], err[LNT_ERRBUF_SIZE];
    const char *body = (const char *)data, *prev_end;
    const uint8_t *nl;
    size_t len = size;
    struct lnt_buf out;
    enum lnt_err rc;

    if (size > FUZZ_MAX)
        return 0;
    nl = memchr(data, '\n', size < sizeof ct - 1 ? size : sizeof ct - 1);
    if (nl != NULL) {
        size_t n = (size_t)(nl - data);
        memcpy(ct, data, n);
        ct[n] = '\0';
        body = (const char *)nl + 1;
        len = size - n - 1;
    } else {
        memcpy(ct, "multipart/form-data; boundary=X", sizeof "multipart/form-data; boundary=X");
    }
    err[0] = '\0';
    rc = lnt_multipart_parse(ct, body, len, &m, err);
    if (rc != LNT_OK) {
        if (rc != LNT_ERR_INVALID || m.n != 0 || err[0] == '\0')
            abort();
        return 0;
    }
    if (m.n > LNT_MULTIPART_PARTS_MAX)
        abort();
    prev_end = body;
    for (size_t i = 0; i < m.n; i++) {
        const struct lnt_multipart_part *p = &m.part[i];
        text_or_abort(p->name, sizeof p->name, false);
        text_or_abort(p->filename, sizeof p->filename, true);
        text_or_abort(p->content_type, sizeof p->content_type, true);
        if (strchr(p->filename, '/') != NULL || strchr(p->filename, '\\') != NULL ||
            (!p->is_file && p->filename[0] != '\0'))
            abort();
        if (p->data < prev_end || p->data + p->len > body + len)
            abort();
        prev_end = p->data + p->len;
        if (lnt_multipart_get(&m, p->name) != p)
            abort();
    }

    /* written out again in the plain form, with a boundary found in no part */
    for (unsigned u = 0;; u++) {
        char delim[LNT_MULTIPART_BOUNDARY_MAX + 8];
        size_t dl;
        bool clash = false;
        snprintf(boundary, sizeof boundary, "fuzzb%u", u);
        dl = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", boundary);
        for (size_t i = 0; i < m.n && !clash; i++)
            for (size_t k = 0; !clash && k + dl <= m.part[i].len; k++)
                clash = memcmp(m.part[i].data + k, delim, dl) == 0;
        if (!clash)
            break;
    }
    snprintf(ct, sizeof ct, "multipart/form-data; boundary=%s", boundary);
    lnt_buf_init(&out, 4 * FUZZ_MAX);
    for (size_t i = 0; i < m.n; i++) {
        const struct lnt_multipart_part *p = &m.part[i];
        lnt_buf_printf(&out, "--%s\r\nContent-Disposition: form-data; name=\"", boundary);
        quoted(&out, p->name);
        lnt_buf_puts(&out, "\"");
        if (p->is_file) {
            lnt_buf_puts(&out, "; filename=\"");
            quoted(&out, p->filename);
            lnt_buf_puts(&out, "\"");
        }
        lnt_buf_puts(&out, "\r\n");
        if (p->content_type[0] != '\0')
            lnt_buf_printf(&out, "Content-Type: %s\r\n", p->content_type);
        lnt_buf_puts(&out, "\r\n");
        lnt_buf_append(&out, p->data, p->len);
        lnt_buf_puts(&out, "\r\n");
    }
    if (lnt_buf_printf(&out, "--%s--\r\n", boundary) != LNT_OK)
        abort();
    if (lnt_multipart_parse(ct, out.data, out.len, &again, err) != LNT_OK || again.n != m.n)
        abort();
    for (size_t i = 0; i < m.n; i++)
        if (!same_part(&m.part[i], &again.part[i]))
            abort();

    /* the dashboard's fields: the parts that are not files, as sent (or a refusal) */
    {
        struct web_form f;
        size_t k = 0;
        rc = web_form_parse_multipart(&f, &again, ct, out.data, out.len, err);
        if (rc == LNT_OK) {
            for (size_t i = 0; i < again.n; i++) {
                const struct lnt_multipart_part *p = &again.part[i];
                if (p->is_file)
                    continue;
                if (k >= f.n || strcmp(f.key[k], p->name) != 0 || strlen(f.value[k]) != p->len ||
                    memcmp(f.value[k], p->data, p->len) != 0)
                    abort();
                k++;
            }
            if (k != f.n)
                abort();
        } else if (rc != LNT_ERR_INVALID || f.n != 0 || f.storage != NULL) {
            abort();
        }
        web_form_release(&f);
    }
    lnt_buf_release(&out);
    return 0;
}
