/* sia_import.c - a CSV of SIA licence numbers and statuses: every row checked, the bad ones
 * named by line, the good ones recorded in one transaction. */
#include "sia_import.h"

#include <stdlib.h>
#include <string.h>

#include "ltime.h"

#define FIELDS_MAX 5 /* one more than a row may have, to say there were too many */
#define FIELD_MAX (LNT_SIA_NOTE_MAX + 1)

struct row {
    char f[FIELDS_MAX][FIELD_MAX + 1];
    size_t n;
    bool cut; /* a field was longer than FIELD_MAX */
};

/*
 * Splits the line starting at text[*pos] into fields, advancing *pos past its end (a quoted
 * field may hold line breaks). false when a quote is left open.
 */
static bool split(const char *text, size_t len, size_t *pos, size_t *line, struct row *r)
{
    size_t i = *pos, k = 0;
    bool quoted = false, closed = true;

    memset(r, 0, sizeof *r);
    r->n = 1;
    for (; i < len; i++) {
        char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < len && text[i + 1] == '"') {
                i++;
            } else if (c == '"') {
                quoted = false;
                closed = true;
                continue;
            } else if (c == '\n') {
                (*line)++;
            }
        } else if (c == '"' && k == 0) {
            quoted = true;
            closed = false;
            continue;
        } else if (c == ',') {
            if (r->n < FIELDS_MAX)
                r->n++;
            k = 0;
            continue;
        } else if (c == '\n') {
            break;
        } else if (c == '\r') {
            continue;
        }
        if (r->n <= FIELDS_MAX && k < FIELD_MAX)
            r->f[r->n - 1][k++] = c;
        else
            r->cut = true;
    }
    *pos = i < len ? i + 1 : len;
    return closed;
}

static void trim(char *s)
{
    size_t a = 0, n = strlen(s);

    while (s[a] == ' ' || s[a] == '\t')
        a++;
    while (n > a && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    memmove(s, s + a, n - a);
    s[n - a] = '\0';
}

static void bad(struct lnt_sia_import *out, size_t line, const char *what, const char *value)
{
    out->n_bad++;
    if (out->n_bad > LNT_SIA_IMPORT_PROBLEMS_MAX)
        return;
    if (value != NULL)
        lnt_buf_printf(&out->problems, "line %zu: %s '%.40s'\n", line, what, value);
    else
        lnt_buf_printf(&out->problems, "line %zu: %s\n", line, what);
}

/* Checks one row; true fills *e. */
static bool row_check(struct lnt_sia_import *out, size_t line, struct row *r,
                      struct lnt_sia_entry *e)
{
    char number[FIELD_MAX + 1];
    size_t k = 0;

    memset(e, 0, sizeof *e);
    for (size_t i = 0; i < r->n; i++)
        trim(r->f[i]);
    if (r->n < 3 || r->n > 4) {
        bad(out, line, "expected 3 or 4 fields (number,status,from[,note])", NULL);
        return false;
    }
    for (const char *p = r->f[0]; *p != '\0'; p++)
        if (*p != ' ')
            number[k++] = *p;
    number[k] = '\0';
    if (k != LNT_SIA_NUMBER_LEN || strspn(number, "0123456789") != k) {
        bad(out, line, "an SIA licence number is 16 digits, got", r->f[0]);
        return false;
    }
    memcpy(e->l.number, number, k + 1);
    for (char *p = r->f[1]; *p != '\0'; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    if (lnt_sia_listing_parse(r->f[1], &e->l.status) != LNT_OK) {
        bad(out, line, "status: expected valid, suspended or revoked, got", r->f[1]);
        return false;
    }
    if (lnt_date_parse(r->f[2], &e->l.from) != LNT_OK || e->l.from < 1) {
        bad(out, line, "from: expected a date YYYY-MM-DD, got", r->f[2]);
        return false;
    }
    if (r->n == 4) {
        if (r->cut || strlen(r->f[3]) > LNT_SIA_NOTE_MAX) {
            bad(out, line, "the note is over 200 bytes", NULL);
            return false;
        }
        for (const unsigned char *p = (const unsigned char *)r->f[3]; *p != '\0'; p++)
            if (*p < 0x20 || *p == 0x7f) {
                bad(out, line, "the note holds a control character or line break", NULL);
                return false;
            }
        memcpy(e->note, r->f[3], strlen(r->f[3]) + 1);
    }
    for (size_t i = 0; i < out->n_rows; i++)
        if (strcmp(out->rows[i].l.number, e->l.number) == 0 && out->rows[i].l.from == e->l.from) {
            bad(out, line, "this licence and date are given on an earlier line too:", number);
            return false;
        }
    return true;
}

enum lnt_err lnt_sia_import_parse(const char *text, size_t len, struct lnt_sia_import *out,
                                  char *err)
{
    size_t pos = 0, line = 0, cap = 0;
    bool first = true;
    struct row r;
    enum lnt_err rc = LNT_OK;

    memset(out, 0, sizeof *out);
    lnt_buf_init(&out->problems, 16384);
    if (len > LNT_SIA_IMPORT_BYTES_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "the file is over %d bytes",
                        LNT_SIA_IMPORT_BYTES_MAX);
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* a byte-order mark, as spreadsheets write */
    while (pos < len && rc == LNT_OK) {
        struct lnt_sia_entry e;
        size_t at = ++line;
        if (!split(text, len, &pos, &line, &r)) {
            bad(out, at, "a quoted field is not closed", NULL);
            break;
        }
        if (r.n == 1 && r.f[0][strspn(r.f[0], " \t")] == '\0')
            continue; /* blank */
        if (first) {
            first = false;
            trim(r.f[0]);
            if (strcmp(r.f[0], "number") == 0 || strcmp(r.f[0], "Number") == 0)
                continue; /* the column names */
        }
        if (out->n_rows + out->n_bad >= LNT_SIA_IMPORT_ROWS_MAX) {
            rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "the file has more than %d rows",
                          LNT_SIA_IMPORT_ROWS_MAX);
            break;
        }
        if (!row_check(out, at, &r, &e))
            continue;
        if (out->n_rows == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct lnt_sia_entry *v = realloc(out->rows, ncap * sizeof *v);
            if (v == NULL) {
                rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading the import");
                break;
            }
            out->rows = v;
            cap = ncap;
        }
        out->rows[out->n_rows++] = e;
    }
    return rc;
}

enum lnt_err lnt_sia_import_record(struct lnt_store *s, const char *actor,
                                   struct lnt_sia_import *imp, char *err)
{
    imp->changed = 0;
    if (imp->n_rows == 0)
        return LNT_OK;
    return lnt_store_sia_put(s, actor, imp->rows, imp->n_rows, &imp->changed, err);
}

void lnt_sia_import_release(struct lnt_sia_import *imp)
{
    free(imp->rows);
    lnt_buf_release(&imp->problems);
    memset(imp, 0, sizeof *imp);
}
