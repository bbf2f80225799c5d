/* http_multipart.c - splits a multipart/form-data body (RFC 7578) into its parts, in place:
 * names, filenames and types are copied into bounded fields, the bytes of each part are
 * pointed at, never copied. Anything not well formed is refused with one sentence. */
#include "http_multipart.h"

#include <string.h>
#include <strings.h>

#include "buf.h"

#define ATTR_MAX 32 /* bytes of a parameter's name ("boundary", "filename") */

static bool is_ctl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

/* RFC 9110 tchar */
static bool is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* RFC 2046 bchars (space allowed, but not last) */
static bool is_bchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("'()+_,-./:=? ", c) != NULL);
}

static const char *skip_ows(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* The first `needle` (m bytes, starting with CR and holding no other CR) in hay[0..n). Linear:
 * a partial match cannot hide the start of the next. */
static const char *find(const char *hay, size_t n, const char *needle, size_t m)
{
    const char *p = hay, *end = hay + n;

    while ((size_t)(end - p) >= m) {
        const char *cr = memchr(p, '\r', (size_t)(end - p) - m + 1);
        if (cr == NULL)
            return NULL;
        if (memcmp(cr, needle, m) == 0)
            return cr;
        p = cr + 1;
    }
    return NULL;
}

/*
 * Reads the next `; attr=value` of a header value at *s (up to end): 1 with attr lower-cased
 * and the value unquoted into val (NUL-terminated, vsize at least end - *s + 1), 0 at the end,
 * -1 when it is not well formed. In a quoted value \" and \\ stand for " and \; any other
 * backslash is kept, as a Windows path a client may send holds them.
 */
static int next_param(const char **s, const char *end, char attr[ATTR_MAX], char *val, size_t vsize)
{
    const char *p = skip_ows(*s, end);
    size_t a = 0, v = 0;

    if (p == end)
        return 0;
    if (*p != ';')
        return -1;
    p = skip_ows(p + 1, end);
    if (p == end)
        return 0;
    while (p < end && is_tchar((unsigned char)*p)) {
        if (a + 1 >= ATTR_MAX)
            return -1;
        attr[a++] = (char)((*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
        p++;
    }
    attr[a] = '\0';
    if (a == 0 || p == end || *p != '=')
        return -1;
    p++;
    if (p < end && *p == '"') {
        for (p++;;) {
            unsigned char c;
            if (p == end)
                return -1; /* no closing quote */
            c = (unsigned char)*p++;
            if (c == '"')
                break;
            if (c == '\\' && p < end && (*p == '"' || *p == '\\'))
                c = (unsigned char)*p++;
            if ((is_ctl(c) && c != '\t') || v + 1 >= vsize)
                return -1;
            val[v++] = (char)c;
        }
    } else {
        while (p < end && *p != ';' && *p != ' ' && *p != '\t') {
            if (is_ctl((unsigned char)*p) || *p == '"' || v + 1 >= vsize)
                return -1;
            val[v++] = *p++;
        }
        if (v == 0)
            return -1;
    }
    val[v] = '\0';
    *s = p;
    return 1;
}

/* true when [p, end) starts with `word` (case-insensitive) followed by its end, OWS or ';'. */
static bool starts_word(const char *p, const char *end, const char *word, const char **after)
{
    size_t n = strlen(word);

    p = skip_ows(p, end);
    if ((size_t)(end - p) < n || strncasecmp(p, word, n) != 0)
        return false;
    p += n;
    if (p < end && *p != ';' && *p != ' ' && *p != '\t')
        return false;
    *after = p;
    return true;
}

bool lnt_multipart_is(const char *content_type)
{
    const char *after;

    return content_type != NULL && starts_word(content_type, content_type + strlen(content_type),
                                               "multipart/form-data", &after);
}

/* The boundary of a Content-Type value into b (LNT_MULTIPART_BOUNDARY_MAX + 1 bytes). */
static enum lnt_err boundary_of(const char *ct, char *b, char *err)
{
    char attr[ATTR_MAX], val[LNT_MULTIPART_LINE_MAX + 1];
    const char *p, *end;
    bool seen = false;
    size_t n;
    int rc;

    if (ct == NULL || !lnt_multipart_is(ct))
        return lnt_fail(err, LNT_ERR_INVALID, "The form is not sent as multipart/form-data.");
    if (strlen(ct) > LNT_MULTIPART_LINE_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "The form's Content-Type is longer than %d bytes.",
                        LNT_MULTIPART_LINE_MAX);
    end = ct + strlen(ct);
    (void)starts_word(ct, end, "multipart/form-data", &p);
    while ((rc = next_param(&p, end, attr, val, sizeof val)) == 1) {
        if (strcmp(attr, "boundary") != 0)
            continue;
        if (seen)
            return lnt_fail(err, LNT_ERR_INVALID, "The form's Content-Type has two boundaries.");
        seen = true;
        n = strlen(val);
        if (n == 0)
            return lnt_fail(err, LNT_ERR_INVALID, "The form's boundary is empty.");
        if (n > LNT_MULTIPART_BOUNDARY_MAX)
            return lnt_fail(err, LNT_ERR_INVALID, "The form's boundary is longer than %d bytes.",
                            LNT_MULTIPART_BOUNDARY_MAX);
        for (size_t i = 0; i < n; i++)
            if (!is_bchar((unsigned char)val[i]) || (i == n - 1 && val[i] == ' '))
                return lnt_fail(err, LNT_ERR_INVALID,
                                "The form's boundary holds a character a boundary may not.");
        memcpy(b, val, n + 1);
    }
    if (rc < 0)
        return lnt_fail(err, LNT_ERR_INVALID, "The form's Content-Type is not well formed.");
    if (!seen)
        return lnt_fail(err, LNT_ERR_INVALID, "The form's Content-Type names no boundary.");
    return LNT_OK;
}

/* Copies val into dst (size bytes) when it fits and holds no control character. */
static bool fits(char *dst, size_t size, const char *val)
{
    for (const char *p = val; *p != '\0'; p++)
        if (is_ctl((unsigned char)*p))
            return false;
    return lnt_str_copy(dst, size, val) == LNT_OK;
}

/* Content-Disposition of a part (the header line's value, [p, end)) into its name and file. */
static enum lnt_err disposition(const char *p, const char *end, struct lnt_multipart_part *part,
                                size_t no, char *err)
{
    char attr[ATTR_MAX], val[LNT_MULTIPART_LINE_MAX + 1];
    bool has_name = false;
    int rc;

    if (!starts_word(p, end, "form-data", &p))
        return lnt_fail(err, LNT_ERR_INVALID, "Part %zu of the form is not form-data.", no);
    while ((rc = next_param(&p, end, attr, val, sizeof val)) == 1) {
        if (strcmp(attr, "name") == 0) {
            if (has_name)
                return lnt_fail(err, LNT_ERR_INVALID, "Part %zu of the form is named twice.", no);
            has_name = true;
            if (val[0] == '\0' || !fits(part->name, sizeof part->name, val))
                return lnt_fail(err, LNT_ERR_INVALID,
                                "Part %zu of the form has an empty or unreadable name, or one "
                                "longer than %d bytes.",
                                no, LNT_MULTIPART_NAME_MAX);
        } else if (strcmp(attr, "filename") == 0) {
            const char *base = val;
            if (part->is_file)
                return lnt_fail(err, LNT_ERR_INVALID, "Part %zu of the form has two filenames.",
                                no);
            part->is_file = true;
            for (const char *q = val; *q != '\0'; q++)
                if (*q == '/' || *q == '\\')
                    base = q + 1;
            if (!fits(part->filename, sizeof part->filename, base))
                return lnt_fail(err, LNT_ERR_INVALID,
                                "The file of part %zu has a name longer than %d bytes or with a "
                                "control character.",
                                no, LNT_MULTIPART_FILENAME_MAX);
        }
    }
    if (rc < 0)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "The Content-Disposition of part %zu of the form is not well formed.", no);
    if (!has_name)
        return lnt_fail(err, LNT_ERR_INVALID, "Part %zu of the form has no name.", no);
    return LNT_OK;
}

/* The headers of a part from *pp up to its blank line; *pp is left after that line. */
static enum lnt_err headers(const char **pp, const char *end, struct lnt_multipart_part *part,
                            size_t no, char *err)
{
    const char *p = *pp;
    bool has_cd = false, has_ct = false;

    for (size_t lines = 0;; lines++) {
        size_t room = (size_t)(end - p),
               scan = room < LNT_MULTIPART_LINE_MAX + 2 ? room : LNT_MULTIPART_LINE_MAX + 2;
        const char *eol = find(p, scan, "\r\n", 2), *colon, *v;
        char hname[ATTR_MAX];
        size_t hn;

        if (eol == NULL && scan == room)
            return lnt_fail(err, LNT_ERR_INVALID, "The form ends inside the headers of part %zu.",
                            no);
        if (eol == NULL)
            return lnt_fail(err, LNT_ERR_INVALID,
                            "A header line of part %zu of the form is longer than %d bytes.", no,
                            LNT_MULTIPART_LINE_MAX);
        if (eol == p)
            break; /* the blank line */
        if (lines == LNT_MULTIPART_HEADERS_MAX)
            return lnt_fail(err, LNT_ERR_INVALID, "Part %zu of the form has more than %d headers.",
                            no, LNT_MULTIPART_HEADERS_MAX);
        if (*p == ' ' || *p == '\t' || (end - eol > 2 && (eol[2] == ' ' || eol[2] == '\t')))
            return lnt_fail(err, LNT_ERR_INVALID, "Part %zu of the form has a folded header line.",
                            no);
        for (const char *q = p; q < eol; q++)
            if (is_ctl((unsigned char)*q) && *q != '\t')
                return lnt_fail(err, LNT_ERR_INVALID,
                                "A header of part %zu of the form holds a control character.", no);
        colon = memchr(p, ':', (size_t)(eol - p));
        hn = colon != NULL ? (size_t)(colon - p) : 0;
        for (size_t i = 0; i < hn; i++)
            if (!is_tchar((unsigned char)p[i]))
                hn = 0;
        if (hn == 0)
            return lnt_fail(err, LNT_ERR_INVALID, "A header of part %zu of the form has no name.",
                            no);
        v = skip_ows(colon + 1, eol);
        if (hn < sizeof hname) {
            memcpy(hname, p, hn);
            hname[hn] = '\0';
        } else {
            hname[0] = '\0'; /* a header no one reads */
        }
        if (strcasecmp(hname, "Content-Disposition") == 0) {
            enum lnt_err rc;
            if (has_cd)
                return lnt_fail(err, LNT_ERR_INVALID,
                                "Part %zu of the form has two Content-Disposition headers.", no);
            has_cd = true;
            rc = disposition(v, eol, part, no, err);
            if (rc != LNT_OK)
                return rc;
        } else if (strcasecmp(hname, "Content-Type") == 0) {
            size_t n = (size_t)(eol - v);
            while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
                n--;
            if (has_ct || n > LNT_MULTIPART_TYPE_MAX)
                return lnt_fail(err, LNT_ERR_INVALID,
                                "Part %zu of the form has two Content-Types or one longer than "
                                "%d bytes.",
                                no, LNT_MULTIPART_TYPE_MAX);
            has_ct = true;
            /* a tab inside the value is whitespace, as a space is: kept as a space, so the
             * type shown and stored holds no control character */
            for (size_t i = 0; i < n; i++)
                part->content_type[i] = v[i] == '\t' ? ' ' : v[i];
            part->content_type[n] = '\0';
        }
        p = eol + 2;
    }
    if (!has_cd)
        return lnt_fail(err, LNT_ERR_INVALID, "Part %zu of the form has no Content-Disposition.",
                        no);
    *pp = p + 2;
    return LNT_OK;
}

enum lnt_err lnt_multipart_parse(const char *content_type, const char *body, size_t len,
                                 struct lnt_multipart *out, char *err)
{
    char b[LNT_MULTIPART_BOUNDARY_MAX + 1], delim[LNT_MULTIPART_BOUNDARY_MAX + 5];
    const char *p, *end = body + len;
    size_t dlen;
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    rc = boundary_of(content_type, b, err);
    if (rc != LNT_OK)
        goto out;
    /* the delimiter is CRLF "--" boundary; the body's first one may go without its CRLF */
    dlen = strlen(b) + 4;
    memcpy(delim, "\r\n--", 4);
    memcpy(delim + 4, b, dlen - 4);
    if (body == NULL)
        len = 0;
    if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
        p = body + dlen - 2;
    } else {
        p = len > 0 ? find(body, len, delim, dlen) : NULL;
        if (p == NULL) {
            rc = lnt_fail(err, LNT_ERR_INVALID, "The form has no boundary line.");
            goto out;
        }
        p += dlen;
    }
    for (;;) {
        struct lnt_multipart_part *part;
        const char *next;

        /* after a delimiter: "--" closes the body; else transport padding, then CRLF */
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            break;
        p = skip_ows(p, end);
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
            rc = lnt_fail(err, LNT_ERR_INVALID,
                          end - p < 2 ? "The form ends before its closing boundary."
                                      : "A boundary line of the form has something after the "
                                        "boundary.");
            goto out;
        }
        p += 2;
        if (out->n == LNT_MULTIPART_PARTS_MAX) {
            rc = lnt_fail(err, LNT_ERR_INVALID, "The form has more than %d parts.",
                          LNT_MULTIPART_PARTS_MAX);
            goto out;
        }
        part = &out->part[out->n];
        rc = headers(&p, end, part, out->n + 1, err);
        if (rc != LNT_OK)
            goto out;
        for (size_t i = 0; i < out->n; i++)
            if (strcmp(out->part[i].name, part->name) == 0) {
                rc = lnt_fail(err, LNT_ERR_INVALID, "The form sends the field `%s` twice.",
                              part->name);
                goto out;
            }
        next = find(p, (size_t)(end - p), delim, dlen);
        if (next == NULL) {
            rc = lnt_fail(err, LNT_ERR_INVALID, "The form ends before its closing boundary.");
            goto out;
        }
        part->data = p;
        part->len = (size_t)(next - p);
        out->n++;
        p = next + dlen;
    }
    rc = LNT_OK;
out:
    if (rc != LNT_OK)
        memset(out, 0, sizeof *out);
    return rc;
}

const struct lnt_multipart_part *lnt_multipart_get(const struct lnt_multipart *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->part[i].name, name) == 0)
            return &m->part[i];
    return NULL;
}
