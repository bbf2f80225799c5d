/* wire_json.c - JSON in and out for the wire codec: the canonical writer (the same bytes
 * jansson's compact, sorted dump gives) and bounded reading with jansson. */
#include "wire_int.h"

#include "codec.h"
#include "ltime.h"

#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lnt_wire_put_raw(struct lnt_wire_text *t, const char *s, size_t n)
{
    if (t->rc == LNT_OK)
        t->rc = lnt_buf_append(t->b, s, n);
}

void lnt_wire_put_lit(struct lnt_wire_text *t, const char *s)
{
    lnt_wire_put_raw(t, s, strlen(s));
}

/* A JSON string, escaped as jansson escapes it. */
void lnt_wire_put_str(struct lnt_wire_text *t, const char *s)
{
    if (t->rc == LNT_OK)
        t->rc = lnt_buf_put_json_str(t->b, s);
}

void lnt_wire_put_int(struct lnt_wire_text *t, int64_t v)
{
    char digits[24];
    size_t i = sizeof digits;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    do {
        digits[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        digits[--i] = '-';
    lnt_wire_put_raw(t, digits + i, sizeof digits - i);
}

/* `"name":` (field and tally names are plain identifiers: nothing to escape). */
void lnt_wire_put_key(struct lnt_wire_text *t, const char *name)
{
    lnt_wire_put_raw(t, "\"", 1);
    lnt_wire_put_lit(t, name);
    lnt_wire_put_raw(t, "\":", 2);
}

/*
 * Ends a write that began at out->len == start: on any error the buffer is
 * put back as it was; text over `limit` bytes is TOO_LARGE.
 */
enum lnt_err lnt_wire_text_end(struct lnt_wire_text *t, size_t start, size_t limit, enum lnt_err rc,
                               char *err)
{
    size_t n = t->b->len - start;

    if (rc == LNT_OK && t->rc != LNT_OK)
        rc =
            t->rc == LNT_ERR_NOMEM
                ? lnt_fail(err, LNT_ERR_NOMEM, "out of memory writing JSON")
                : lnt_fail(err, t->rc, "output buffer cannot take the JSON (%zu bytes written)", n);
    else if (rc == LNT_OK && n > limit)
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "JSON is %zu bytes, at most %zu", n, limit);
    if (rc != LNT_OK)
        lnt_buf_truncate(t->b, start);
    return rc;
}

/*
 * jansson reports most failed allocations while parsing as syntax errors
 * ("string or '}' expected") or as nothing at all, and where its lexer
 * cannot grow a string it drops the byte and parses on, returning a document
 * with damaged text. A batch refused as malformed is set aside by its kiosk,
 * and damaged text must never be stored, so its allocations are watched
 * here: json_nomem says whether one failed during this thread's last parse.
 * (Plain malloc and free: other jansson users in the process are unaffected.)
 */
static _Thread_local bool json_nomem;
static pthread_once_t json_allocs_once = PTHREAD_ONCE_INIT;

static void *json_alloc(size_t n)
{
    void *p = malloc(n);

    if (p == NULL)
        json_nomem = true;
    return p;
}

static void json_release(void *p)
{
    free(p);
}

static void json_allocs_install(void)
{
    json_set_alloc_funcs(json_alloc, json_release);
}

/* Parses at most `max` bytes of JSON (any top-level value) into *out; the caller decrefs. */
enum lnt_err lnt_wire_load(const char *json, size_t len, size_t max, json_t **out, char *err)
{
    json_error_t je;
    char shown[sizeof je.text];
    json_t *root;

    *out = NULL;
    if (len > max)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "body is %zu bytes, at most %zu", len, max);
    if (json == NULL)
        json = "";
    pthread_once(&json_allocs_once, json_allocs_install);
    json_nomem = false;
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (root != NULL && json_nomem) {
        json_decref(root);
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading JSON");
    }
    if (root == NULL) {
        if (json_error_code(&je) == json_error_out_of_memory || json_nomem)
            return lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading JSON");
        lnt_wire_show(je.text, shown, sizeof shown);
        return lnt_fail(err, LNT_ERR_INVALID, "not valid JSON: line %d, column %d: %s", je.line,
                        je.column, shown);
    }
    *out = root;
    return LNT_OK;
}

/* Reads integer `v` in [min, max]; the range is checked before any narrowing. */
bool lnt_wire_get_int(const json_t *v, int64_t min, int64_t max, int64_t *out)
{
    json_int_t x;
    if (!json_is_integer(v))
        return false;
    x = json_integer_value(v);
    if (x < min || x > max)
        return false;
    *out = (int64_t)x;
    return true;
}
