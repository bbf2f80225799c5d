/* wire_fast.c - the fast decoder for plain batches, straight into events without a
 * jansson tree; anything unusual is left to the full decoder (wire.c). */
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

/* ---- decode, fast path ----
 *
 * Batches from kiosks are plain: no escapes in strings, integers only, keys
 * the wire's own. Those are read here straight into the events, without
 * building a jansson tree (which was a quarter of the server's CPU at full
 * ingest). Anything else at all (an escape, a real number, a nested value
 * where none belongs, a missing, unknown or repeated key, a value out of
 * range, a syntax error) makes the fast path give up without deciding, and
 * the batch goes to the full decoder (wire.c), which accepts or refuses it and
 * says why. So the fast path only ever has to be right about what it
 * accepts: the tests hold it to giving exactly the events the full decoder
 * gives for the same text (tests/fuzz/fuzz_wire.c).
 */

struct scan {
    const char *p, *end;
};

/* One member of an event object, as read. */
struct member {
    const char *key;
    size_t key_len;
    enum { M_STRING, M_INTEGER, M_TRUE, M_FALSE, M_NULL, M_TALLIES } kind;
    const char *s; /* M_STRING: into the input, not terminated */
    size_t len;
    int64_t i; /* M_INTEGER */
    int32_t tallies[N_TALLIES];
};

static void skip_ws(struct scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
        s->p++;
}

/* Consumes `c` (after any whitespace) when it is next. */
static bool take(struct scan *s, char c)
{
    skip_ws(s);
    if (s->p < s->end && *s->p == c) {
        s->p++;
        return true;
    }
    return false;
}

/* A string with no escapes or control characters, valid UTF-8; points into the input. */
static bool scan_string(struct scan *s, const char **out, size_t *len)
{
    const char *start;

    if (!take(s, '"'))
        return false;
    start = s->p;
    while (s->p < s->end) {
        unsigned char c = (unsigned char)*s->p;
        size_t k;

        if (c == '"') {
            *out = start;
            *len = (size_t)(s->p - start);
            s->p++;
            return true;
        }
        if (c == '\\' || c < 0x20)
            return false;
        k = c < 0x80 ? 1 : lnt_wire_utf8_seq((const unsigned char *)s->p, (size_t)(s->end - s->p));
        if (k == 0)
            return false;
        s->p += k;
    }
    return false;
}

/* A non-negative JSON integer that fits int64_t (no sign, fraction or exponent). */
static bool scan_integer(struct scan *s, int64_t *out)
{
    int64_t v = 0;
    const char *start;

    skip_ws(s);
    start = s->p;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
        int d = *s->p - '0';
        if (v > (INT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
        s->p++;
    }
    if (s->p == start || (*start == '0' && s->p - start > 1))
        return false;
    if (s->p < s->end && (*s->p == '.' || *s->p == 'e' || *s->p == 'E'))
        return false;
    *out = v;
    return true;
}

static bool scan_word(struct scan *s, const char *w, size_t n)
{
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0)
        return false;
    s->p += n;
    return true;
}

static bool key_is(const char *key, size_t len, const char *name)
{
    return strlen(name) == len && memcmp(key, name, len) == 0;
}

/* {"water": 3, ...}: known tallies, each at most once, in range; the rest zero. */
static bool scan_tallies(struct scan *s, int32_t out[N_TALLIES])
{
    bool seen[N_TALLIES] = {false};

    memset(out, 0, N_TALLIES * sizeof out[0]);
    if (!take(s, '{'))
        return false;
    if (take(s, '}'))
        return true;
    do {
        const char *key;
        size_t len, i;
        int64_t v;

        if (!scan_string(s, &key, &len) || !take(s, ':') || !scan_integer(s, &v))
            return false;
        for (i = 0; i < N_TALLIES && !key_is(key, len, lnt_wire_tally_names[i]); i++)
            ;
        if (i == N_TALLIES || seen[i] || v > TALLY_MAX)
            return false;
        seen[i] = true;
        out[i] = (int32_t)v;
    } while (take(s, ','));
    return take(s, '}');
}

static bool scan_value(struct scan *s, struct member *m)
{
    skip_ws(s);
    if (s->p >= s->end)
        return false;
    switch (*s->p) {
    case '"':
        m->kind = M_STRING;
        return scan_string(s, &m->s, &m->len);
    case '{':
        m->kind = M_TALLIES;
        return scan_tallies(s, m->tallies);
    case 't':
        m->kind = M_TRUE;
        return scan_word(s, "true", 4);
    case 'f':
        m->kind = M_FALSE;
        return scan_word(s, "false", 5);
    case 'n':
        m->kind = M_NULL;
        return scan_word(s, "null", 4);
    default:
        m->kind = M_INTEGER;
        return scan_integer(s, &m->i);
    }
}

/* Copies a member's string into dst[size] when it fits, NUL-terminated. */
static bool member_text(const struct member *m, char *dst, size_t size)
{
    if (m->kind != M_STRING || m->len >= size)
        return false;
    memcpy(dst, m->s, m->len);
    dst[m->len] = '\0';
    return true;
}

/* What get_field accepts, and the same value; false for anything else. */
static bool fast_field(const struct lnt_wire_field *f, const struct member *m, struct lnt_event *ev)
{
    char *p = (char *)ev + f->off;
    char tmp[TIME_TEXT_MAX];
    int64_t x = 0;
    int32_t x32, days = 0;
    int e = 0;
    bool b;

    switch (f->kind) {
    case K_TYPE:
        return true; /* read first */
    case K_SEQ:
        if (m->kind != M_INTEGER || m->i < f->min || m->i > f->max)
            return false;
        memcpy(p, &m->i, sizeof m->i);
        return true;
    case K_INT:
        if (m->kind != M_INTEGER || m->i < f->min || m->i > f->max)
            return false;
        x32 = (int32_t)m->i;
        memcpy(p, &x32, sizeof x32);
        return true;
    case K_BOOL:
        if (m->kind != M_TRUE && m->kind != M_FALSE)
            return false;
        b = m->kind == M_TRUE;
        memcpy(p, &b, sizeof b);
        return true;
    case K_TIME:
        if (!member_text(m, tmp, sizeof tmp) || !lnt_wire_time_ok(tmp, &x))
            return false;
        memcpy(p, &x, sizeof x);
        return true;
    case K_DATE:
        if (m->kind != M_NULL &&
            (!member_text(m, tmp, sizeof tmp) || lnt_date_parse(tmp, &days) != LNT_OK || days < 1))
            return false;
        memcpy(p, &days, sizeof days);
        return true;
    case K_ENUM:
        if (!member_text(m, tmp, sizeof tmp) || !f->en->parse(tmp, &e))
            return false;
        memcpy(p, &e, sizeof e);
        return true;
    case K_TALLIES:
        if (m->kind != M_TALLIES)
            return false;
        memcpy(p, m->tallies, sizeof m->tallies);
        return true;
    case K_UUID:
        return member_text(m, p, f->size) && lnt_wire_uuid_ok(p);
    case K_CHOICE:
        return member_text(m, p, f->size) && lnt_wire_in_list(f->choices, p);
    case K_SERIAL:
        return member_text(m, p, f->size) && lnt_wire_serial_ok(p);
    case K_SIA_NUMBER:
        return member_text(m, p, f->size) && lnt_wire_sia_number_ok(p);
    case K_SEALED:
        return member_text(m, p, f->size) && lnt_wire_sealed_ok(p);
    case K_TEXT:
        return member_text(m, p, f->size) &&
               lnt_wire_text_problem(p, f->size, (size_t)f->min) == NULL;
    case K_COURSES:
        return false; /* an array: the full decoder's */
    }
    return false;
}

/* The member named `name` when exactly one has that name; NULL otherwise. */
static const struct member *member_named(const struct member *m, size_t n, const char *name)
{
    const struct member *found = NULL;
    size_t len = strlen(name);

    for (size_t i = 0; i < n; i++) {
        if (m[i].key_len != len || memcmp(m[i].key, name, len) != 0)
            continue;
        if (found != NULL)
            return NULL;
        found = &m[i];
    }
    return found;
}

/* Fills every field of `t` from the members, counting those used in *used; false when a
 * required one is missing (or repeated) or one is not acceptable. An optional field given twice
 * is not counted, so the caller's count of members finds it. */
static bool fast_fields(const struct lnt_wire_field *t, size_t n_t, const struct member *m,
                        size_t n, struct lnt_event *ev, size_t *used)
{
    for (size_t i = 0; i < n_t; i++) {
        const struct member *v = member_named(m, n, t[i].name);
        if (v == NULL && t[i].optional)
            continue;
        if (v == NULL || !fast_field(&t[i], v, ev))
            return false;
        (*used)++;
    }
    return true;
}

static bool fast_event(struct scan *s, struct lnt_event *ev)
{
    struct member m[EVENT_FIELDS_MAX];
    const struct member *type_m;
    const struct lnt_wire_field *own;
    size_t n = 0, n_own = 0, used = 0;
    char tmp[TIME_TEXT_MAX];
    enum lnt_event_type type;

    if (!take(s, '{'))
        return false;
    do {
        if (n == EVENT_FIELDS_MAX)
            return false;
        if (!scan_string(s, &m[n].key, &m[n].key_len) || !take(s, ':') || !scan_value(s, &m[n]))
            return false;
        n++;
    } while (take(s, ','));
    if (!take(s, '}'))
        return false;

    memset(ev, 0, sizeof *ev);
    type_m = member_named(m, n, "type");
    if (type_m == NULL || !member_text(type_m, tmp, sizeof tmp) ||
        lnt_event_type_parse(tmp, &type) != LNT_OK)
        return false;
    own = lnt_wire_type_fields(type, &n_own);
    if (own == NULL)
        return false;
    ev->type = type;
    /* every required field present exactly once (member_named), and nothing else: every
     * member was used, so no unknown or repeated keys */
    return fast_fields(lnt_wire_common_fields, COUNT(lnt_wire_common_fields), m, n, ev, &used) &&
           fast_fields(own, n_own, m, n, ev, &used) && used == n;
}

/* [event, ...] into evs[LNT_BATCH_MAX]: at least one, at most LNT_BATCH_MAX, seq rising. */
static bool fast_events(struct scan *s, struct lnt_event *evs, size_t *n)
{
    *n = 0;
    if (!take(s, '['))
        return false;
    do {
        if (*n == LNT_BATCH_MAX || !fast_event(s, &evs[*n]))
            return false;
        if (*n > 0 && evs[*n].seq <= evs[*n - 1].seq)
            return false;
        (*n)++;
    } while (take(s, ','));
    return take(s, ']');
}

bool lnt_wire_batch_decode_fast(const char *json, size_t len, struct lnt_batch *out)
{
    struct scan s = {json, json + len};
    struct lnt_event *evs;
    bool seen_kiosk = false, seen_events = false, ok = false;
    int64_t kiosk_id = 0;
    size_t n = 0;

    if (json == NULL || len > LNT_BATCH_BODY_MAX)
        return false;
    evs = malloc(LNT_BATCH_MAX * sizeof *evs);
    if (evs == NULL)
        return false;
    if (!take(&s, '{'))
        goto out;
    do {
        const char *key;
        size_t key_len;

        if (!scan_string(&s, &key, &key_len) || !take(&s, ':'))
            goto out;
        if (key_is(key, key_len, "kiosk_id") && !seen_kiosk) {
            seen_kiosk = true;
            if (!scan_integer(&s, &kiosk_id) || kiosk_id < 1)
                goto out;
        } else if (key_is(key, key_len, "events") && !seen_events) {
            seen_events = true;
            if (!fast_events(&s, evs, &n))
                goto out;
        } else {
            goto out;
        }
    } while (take(&s, ','));
    if (!take(&s, '}') || !seen_kiosk || !seen_events)
        goto out;
    skip_ws(&s);
    if (s.p != s.end)
        goto out;
    ok = true;
out:
    if (!ok) {
        free(evs);
        return false;
    }
    /* shrinking never moves the events, and never fails in a way that loses them */
    out->events = realloc(evs, n * sizeof *evs);
    if (out->events == NULL)
        out->events = evs;
    out->kiosk_id = kiosk_id;
    out->n = n;
    return true;
}
