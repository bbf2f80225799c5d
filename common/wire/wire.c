/* wire.c - the JSON wire codec for event batches: the full decoder (jansson, saying what is
 * wrong), the direct writer of the canonical form, and the entry points that try the fast
 * decoder (wire_fast.c) first. Replies are in wire_reply.c. */
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

/* ---- decode: JSON value -> struct member ---- */

static enum lnt_err expected(const struct lnt_wire_field *f, char *err)
{
    if (f->kind == K_INT)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "field `%s`: expected an integer from %" PRId64 " to %" PRId64, f->name,
                        f->min, f->max);
    return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: expected %s", f->name,
                    f->en != NULL ? f->en->expect : f->expect);
}

/*
 * Copies string `v` into dst[size]. A string that does not fit is refused,
 * never truncated. Returns LNT_ERR_INVALID naming the field otherwise.
 */
static enum lnt_err get_string(const struct lnt_wire_field *f, const json_t *v, char *dst,
                               size_t size, char *err)
{
    size_t n;
    const char *s;

    if (!json_is_string(v))
        return expected(f, err);
    n = json_string_length(v);
    s = json_string_value(v);
    if (n >= size) {
        if (f->kind == K_TEXT || f->kind == K_SEALED)
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: longer than %zu bytes", f->name,
                            size - 1);
        return expected(f, err);
    }
    if (memchr(s, '\0', n) != NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: contains a NUL character", f->name);
    memcpy(dst, s, n);
    dst[n] = '\0';
    return LNT_OK;
}

static enum lnt_err get_tallies(const struct lnt_wire_field *f, json_t *v, int32_t out[N_TALLIES],
                                char *err)
{
    const char *key;
    json_t *item;
    char shown[SHOW_MAX];

    if (!json_is_object(v))
        return expected(f, err);
    json_object_foreach(v, key, item)
    {
        size_t i;
        int64_t x = 0;
        for (i = 0; i < N_TALLIES; i++)
            if (strcmp(lnt_wire_tally_names[i], key) == 0)
                break;
        if (i == N_TALLIES) {
            lnt_wire_show(key, shown, sizeof shown);
            return lnt_fail(err, LNT_ERR_INVALID, "field `tallies`: unknown tally `%s`", shown);
        }
        if (!lnt_wire_get_int(item, 0, f->max, &x))
            return lnt_fail(err, LNT_ERR_INVALID,
                            "field `tallies.%s`: expected an integer from 0 to %" PRId64, key,
                            f->max);
        out[i] = (int32_t)x;
    }
    return LNT_OK;
}

/* An array of course names, each once, into a set of LNT_COURSE_BIT. */
static enum lnt_err get_courses(const struct lnt_wire_field *f, const json_t *v, uint32_t *out,
                                char *err)
{
    size_t i;
    json_t *item;
    uint32_t set = 0;

    if (!json_is_array(v))
        return expected(f, err);
    json_array_foreach(v, i, item)
    {
        enum lnt_course c;
        const char *name = json_string_value(item);

        if (name == NULL || lnt_course_parse(name, &c) != LNT_OK || c == LNT_COURSE_NONE ||
            (set & LNT_COURSE_BIT(c)) != 0)
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: item %zu: expected %s", f->name, i,
                            f->expect);
        set |= LNT_COURSE_BIT(c);
    }
    *out = set;
    return LNT_OK;
}

/* Decodes one field's value `v` (never NULL) into `ev`. */
static enum lnt_err get_field(const struct lnt_wire_field *f, json_t *v, struct lnt_event *ev,
                              char *err)
{
    char *p = (char *)ev + f->off;
    char tmp[TIME_TEXT_MAX];
    const char *problem;
    int64_t x = 0;
    int32_t x32, days = 0;
    int e = 0;
    bool b;
    enum lnt_err rc;

    switch (f->kind) {
    case K_TYPE:
        return LNT_OK; /* read first, by the caller */
    case K_SEQ:
        if (!lnt_wire_get_int(v, f->min, f->max, &x))
            return expected(f, err);
        memcpy(p, &x, sizeof x);
        return LNT_OK;
    case K_TIME:
        if (get_string(f, v, tmp, sizeof tmp, err) != LNT_OK || !lnt_wire_time_ok(tmp, &x))
            return expected(f, err);
        memcpy(p, &x, sizeof x);
        return LNT_OK;
    case K_DATE:
        if (json_is_null(v)) {
            days = 0;
        } else if (get_string(f, v, tmp, sizeof tmp, err) != LNT_OK ||
                   lnt_date_parse(tmp, &days) != LNT_OK || days < 1) {
            return expected(f, err);
        }
        memcpy(p, &days, sizeof days);
        return LNT_OK;
    case K_INT:
        if (!lnt_wire_get_int(v, f->min, f->max, &x))
            return expected(f, err);
        x32 = (int32_t)x;
        memcpy(p, &x32, sizeof x32);
        return LNT_OK;
    case K_BOOL:
        if (!json_is_boolean(v))
            return expected(f, err);
        b = json_is_true(v);
        memcpy(p, &b, sizeof b);
        return LNT_OK;
    case K_ENUM:
        if (get_string(f, v, tmp, sizeof tmp, err) != LNT_OK || !f->en->parse(tmp, &e))
            return expected(f, err);
        memcpy(p, &e, sizeof e);
        return LNT_OK;
    case K_TALLIES:
        return get_tallies(f, v, (int32_t *)(void *)p, err);
    case K_COURSES:
        return get_courses(f, v, (uint32_t *)(void *)p, err);
    case K_UUID:
    case K_TEXT:
    case K_CHOICE:
    case K_SERIAL:
    case K_SIA_NUMBER:
    case K_SEALED:
        break;
    }
    rc = get_string(f, v, p, f->size, err);
    if (rc != LNT_OK)
        return rc;
    switch (f->kind) {
    case K_UUID:
        return lnt_wire_uuid_ok(p) ? LNT_OK : expected(f, err);
    case K_CHOICE:
        return lnt_wire_in_list(f->choices, p) ? LNT_OK : expected(f, err);
    case K_SERIAL:
        return lnt_wire_serial_ok(p) ? LNT_OK : expected(f, err);
    case K_SIA_NUMBER:
        return lnt_wire_sia_number_ok(p) ? LNT_OK : expected(f, err);
    case K_SEALED:
        return lnt_wire_sealed_ok(p) ? LNT_OK : expected(f, err);
    default:
        problem = lnt_wire_text_problem(p, f->size, (size_t)f->min);
        if (problem != NULL)
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: %s", f->name, problem);
        return LNT_OK;
    }
}

static enum lnt_err get_fields(const struct lnt_wire_field *t, size_t n, json_t *obj,
                               struct lnt_event *ev, char *err)
{
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(obj, t[i].name);
        enum lnt_err rc;
        if (v == NULL && t[i].optional)
            continue; /* stays zero */
        if (v == NULL)
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: missing", t[i].name);
        rc = get_field(&t[i], v, ev, err);
        if (rc != LNT_OK)
            return rc;
    }
    return LNT_OK;
}

/*
 * Decodes one event object into *out (zeroed first). On error *out holds
 * whatever was read so far and `err` says which field was wrong.
 */
static enum lnt_err event_from_json(json_t *obj, struct lnt_event *out, char *err)
{
    const struct lnt_wire_field *own;
    size_t n_own = 0;
    const char *key;
    json_t *v;
    enum lnt_event_type type;
    char shown[SHOW_MAX];
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    if (!json_is_object(obj))
        return lnt_fail(err, LNT_ERR_INVALID, "expected a JSON object");
    v = json_object_get(obj, "type");
    if (v == NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "field `type`: missing");
    if (!json_is_string(v) || lnt_event_type_parse(json_string_value(v), &type) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "field `type`: expected %s", TYPE_EXPECT);
    own = lnt_wire_type_fields(type, &n_own);
    if (own == NULL)
        return lnt_fail(err, LNT_ERR_INTERNAL, "field `type`: no fields for this type");
    out->type = type;
    json_object_foreach(obj, key, v)
    {
        if (!lnt_wire_in_table(lnt_wire_common_fields, COUNT(lnt_wire_common_fields), key) &&
            !lnt_wire_in_table(own, n_own, key)) {
            lnt_wire_show(key, shown, sizeof shown);
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: not a field of a %s event", shown,
                            lnt_event_type_name(type));
        }
    }
    rc = get_fields(lnt_wire_common_fields, COUNT(lnt_wire_common_fields), obj, out, err);
    if (rc == LNT_OK)
        rc = get_fields(own, n_own, obj, out, err);
    return rc;
}

/* ---- encode: struct -> canonical JSON text ----
 *
 * The canonical form is exactly what jansson's json_dumps(JSON_COMPACT |
 * JSON_SORT_KEYS) writes for the same object: keys in byte (strcmp) order,
 * no spaces, strings as UTF-8 with only '"', '\\' and control characters
 * escaped. It is written here directly, without building a jansson object
 * first: the server encodes every event it stores, and building and dumping
 * an object was most of that cost. test_wire checks each type against
 * jansson's own dump of the same text.
 */

/* Each type's fields (common ones included) in key order; filled once. */
static const struct lnt_wire_field *sorted_fields[LNT_EV__MAX + 1][EVENT_FIELDS_MAX];
static size_t sorted_count[LNT_EV__MAX + 1];
static pthread_once_t sorted_once = PTHREAD_ONCE_INIT;

static int field_cmp(const void *a, const void *b)
{
    const struct lnt_wire_field *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

static void sort_fields(void)
{
    for (int t = LNT_EV_NONE + 1; t <= LNT_EV__MAX; t++) {
        size_t n_own = 0, n = 0;
        const struct lnt_wire_field *own = lnt_wire_type_fields((enum lnt_event_type)t, &n_own);

        for (size_t i = 0; i < COUNT(lnt_wire_common_fields); i++)
            sorted_fields[t][n++] = &lnt_wire_common_fields[i];
        for (size_t i = 0; i < n_own && n < EVENT_FIELDS_MAX; i++)
            sorted_fields[t][n++] = &own[i];
        qsort(sorted_fields[t], n, sizeof sorted_fields[t][0], field_cmp);
        sorted_count[t] = n;
    }
}

static enum lnt_err put_tallies(const struct lnt_wire_field *f, const int32_t *v,
                                struct lnt_wire_text *t, char *err)
{
    /* lnt_wire_tally_names in key order */
    static const int order[N_TALLIES] = {2, 3, 7, 5, 4, 1, 6, 0};

    lnt_wire_put_raw(t, "{", 1);
    for (size_t k = 0; k < N_TALLIES; k++) {
        int i = order[k];
        if (v[i] < 0 || v[i] > f->max)
            return lnt_fail(err, LNT_ERR_INVALID,
                            "field `tallies.%s`: expected an integer from 0 to %" PRId64,
                            lnt_wire_tally_names[i], f->max);
        if (k > 0)
            lnt_wire_put_raw(t, ",", 1);
        lnt_wire_put_key(t, lnt_wire_tally_names[i]);
        lnt_wire_put_int(t, v[i]);
    }
    lnt_wire_put_raw(t, "}", 1);
    return LNT_OK;
}

/* The course names of a set, in code order. */
static enum lnt_err put_courses(const struct lnt_wire_field *f, uint32_t set,
                                struct lnt_wire_text *t, char *err)
{
    bool first = true;

    if ((set & ~(LNT_COURSE_BIT(LNT_COURSE__MAX + 1) - LNT_COURSE_BIT(LNT_COURSE_BYSTANDER))) != 0)
        return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: expected %s", f->name, f->expect);
    lnt_wire_put_raw(t, "[", 1);
    for (int c = LNT_COURSE_BYSTANDER; c <= LNT_COURSE__MAX; c++) {
        if ((set & LNT_COURSE_BIT(c)) == 0)
            continue;
        if (!first)
            lnt_wire_put_raw(t, ",", 1);
        lnt_wire_put_str(t, lnt_course_name((enum lnt_course)c));
        first = false;
    }
    lnt_wire_put_raw(t, "]", 1);
    return LNT_OK;
}

/* True when an optional field holds zero: it is left out. */
static bool left_out(const struct lnt_wire_field *f, const struct lnt_event *ev)
{
    const unsigned char *p = (const unsigned char *)ev + f->off;

    if (!f->optional)
        return false;
    if (f->kind == K_TEXT)
        return p[0] == '\0'; /* "" is absent, whatever follows its end */
    for (size_t i = 0; i < f->size; i++)
        if (p[i] != 0)
            return false;
    return true;
}

/* Validates one member of `ev` exactly as decoding would, then writes `"name":value`. */
static enum lnt_err put_field(const struct lnt_wire_field *f, const struct lnt_event *ev,
                              struct lnt_wire_text *t, char *err)
{
    const char *p = (const char *)ev + f->off;
    char tmp[LNT_TIME_STRLEN];
    const char *name, *problem;
    int64_t x;
    int32_t x32;
    int e, back = 0;
    bool b;
    bool ok = true;

    lnt_wire_put_key(t, f->name);
    switch (f->kind) {
    case K_TYPE:
        lnt_wire_put_str(t, lnt_event_type_name(ev->type));
        return LNT_OK;
    case K_SEQ:
        memcpy(&x, p, sizeof x);
        if (x < f->min)
            return expected(f, err);
        lnt_wire_put_int(t, x);
        return LNT_OK;
    case K_TIME:
        memcpy(&x, p, sizeof x);
        if (x < TIME_MIN || x > TIME_MAX || lnt_time_format(x, tmp) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: time out of range", f->name);
        lnt_wire_put_str(t, tmp);
        return LNT_OK;
    case K_DATE:
        memcpy(&x32, p, sizeof x32);
        if (x32 == 0) {
            lnt_wire_put_raw(t, "null", 4);
            return LNT_OK;
        }
        if (x32 < 0 || x32 > DATE_MAX || lnt_date_format(x32, tmp) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: date out of range", f->name);
        lnt_wire_put_str(t, tmp);
        return LNT_OK;
    case K_INT:
        memcpy(&x32, p, sizeof x32);
        if (x32 < f->min || x32 > f->max)
            return expected(f, err);
        lnt_wire_put_int(t, x32);
        return LNT_OK;
    case K_BOOL:
        memcpy(&b, p, sizeof b);
        lnt_wire_put_lit(t, b ? "true" : "false");
        return LNT_OK;
    case K_ENUM:
        memcpy(&e, p, sizeof e);
        name = f->en->name(e);
        if (name == NULL || !f->en->parse(name, &back) || back != e)
            return expected(f, err);
        lnt_wire_put_str(t, name);
        return LNT_OK;
    case K_TALLIES:
        return put_tallies(f, (const int32_t *)(const void *)p, t, err);
    case K_COURSES: {
        uint32_t set;
        memcpy(&set, p, sizeof set);
        return put_courses(f, set, t, err);
    }
    case K_UUID:
    case K_TEXT:
    case K_CHOICE:
    case K_SERIAL:
    case K_SIA_NUMBER:
    case K_SEALED:
        break;
    }
    problem = lnt_wire_text_problem(p, f->size, f->kind == K_TEXT ? (size_t)f->min : 0);
    if (problem != NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: %s", f->name, problem);
    switch (f->kind) {
    case K_UUID:
        ok = lnt_wire_uuid_ok(p);
        break;
    case K_CHOICE:
        ok = lnt_wire_in_list(f->choices, p);
        break;
    case K_SERIAL:
        ok = lnt_wire_serial_ok(p);
        break;
    case K_SIA_NUMBER:
        ok = lnt_wire_sia_number_ok(p);
        break;
    case K_SEALED:
        ok = lnt_wire_sealed_ok(p);
        break;
    default:
        break;
    }
    if (!ok)
        return expected(f, err);
    lnt_wire_put_str(t, p);
    return LNT_OK;
}

/* Writes the canonical JSON object of `ev`. */
static enum lnt_err put_event(const struct lnt_event *ev, struct lnt_wire_text *t, char *err)
{
    size_t n;

    if (ev->type <= LNT_EV_NONE || ev->type > LNT_EV__MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "field `type`: expected %s", TYPE_EXPECT);
    pthread_once(&sorted_once, sort_fields);
    n = sorted_count[ev->type];
    lnt_wire_put_raw(t, "{", 1);
    for (size_t i = 0, written = 0; i < n; i++) {
        const struct lnt_wire_field *f = sorted_fields[ev->type][i];
        enum lnt_err rc;
        if (left_out(f, ev))
            continue;
        if (written++ > 0)
            lnt_wire_put_raw(t, ",", 1);
        rc = put_field(f, ev, t, err);
        if (rc != LNT_OK)
            return rc;
    }
    lnt_wire_put_raw(t, "}", 1);
    return LNT_OK;
}

/* ---- batches ---- */

void lnt_batch_release(struct lnt_batch *b)
{
    if (b == NULL)
        return;
    free(b->events);
    b->events = NULL;
    b->n = 0;
}

enum lnt_err lnt_wire_batch_decode_full(const char *json, size_t len, struct lnt_batch *out,
                                        char *err)
{
    json_t *root = NULL, *kid, *arr;
    struct lnt_event *evs = NULL;
    const char *key;
    json_t *v;
    char shown[SHOW_MAX];
    int64_t kiosk_id = 0;
    size_t n;
    enum lnt_err rc;

    rc = lnt_wire_load(json, len, LNT_BATCH_BODY_MAX, &root, err);
    if (rc != LNT_OK)
        goto out;
    if (!json_is_object(root)) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "body: expected a JSON object");
        goto out;
    }
    json_object_foreach(root, key, v)
    {
        if (strcmp(key, "kiosk_id") != 0 && strcmp(key, "events") != 0) {
            lnt_wire_show(key, shown, sizeof shown);
            rc = lnt_fail(err, LNT_ERR_INVALID, "field `%s`: unknown field", shown);
            goto out;
        }
    }
    kid = json_object_get(root, "kiosk_id");
    if (kid == NULL) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "field `kiosk_id`: missing");
        goto out;
    }
    if (!lnt_wire_get_int(kid, 1, INT64_MAX, &kiosk_id)) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "field `kiosk_id`: expected a positive integer");
        goto out;
    }
    arr = json_object_get(root, "events");
    if (arr == NULL) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "field `events`: missing");
        goto out;
    }
    if (!json_is_array(arr)) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "field `events`: expected an array of events");
        goto out;
    }
    n = json_array_size(arr);
    if (n == 0) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "field `events`: expected at least one event");
        goto out;
    }
    if (n > LNT_BATCH_MAX) {
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "field `events`: %zu events, at most %d in a batch",
                      n, LNT_BATCH_MAX);
        goto out;
    }
    evs = calloc(n, sizeof *evs);
    if (evs == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory for %zu events", n);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        rc = event_from_json(json_array_get(arr, i), &evs[i], err);
        if (rc != LNT_OK) {
            lnt_fail_prefix(err, rc, "event %zu: ", i);
            goto out;
        }
        if (i > 0 && evs[i].seq <= evs[i - 1].seq) {
            rc = lnt_fail(err, LNT_ERR_INVALID,
                          "event %zu: field `seq`: %" PRId64 " is not greater than the %" PRId64
                          " before it",
                          i, evs[i].seq, evs[i - 1].seq);
            goto out;
        }
    }
    out->kiosk_id = kiosk_id;
    out->n = n;
    out->events = evs;
    evs = NULL; /* owned by *out now */
out:
    free(evs);
    json_decref(root);
    return rc;
}

enum lnt_err lnt_wire_batch_decode(const char *json, size_t len, struct lnt_batch *out, char *err)
{
    if (lnt_wire_batch_decode_fast(json, len, out))
        return LNT_OK;
    return lnt_wire_batch_decode_full(json, len, out, err);
}

enum lnt_err lnt_wire_batch_encode(int64_t kiosk_id, const struct lnt_event *ev, size_t n,
                                   struct lnt_buf *out, char *err)
{
    struct lnt_wire_text t = {out, LNT_OK};
    size_t start = out->len;
    enum lnt_err rc = LNT_OK;

    if (kiosk_id < 1)
        return lnt_fail(err, LNT_ERR_INVALID, "field `kiosk_id`: expected a positive integer");
    if (n == 0 || ev == NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "field `events`: expected at least one event");
    if (n > LNT_BATCH_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "field `events`: %zu events, at most %d in a batch",
                        n, LNT_BATCH_MAX);
    /* keys in order: "events" < "kiosk_id" */
    lnt_wire_put_lit(&t, "{\"events\":[");
    for (size_t i = 0; i < n && rc == LNT_OK; i++) {
        if (i > 0 && ev[i].seq <= ev[i - 1].seq) {
            rc = lnt_fail(err, LNT_ERR_INVALID,
                          "event %zu: field `seq`: %" PRId64 " is not greater than the %" PRId64
                          " before it",
                          i, ev[i].seq, ev[i - 1].seq);
            break;
        }
        if (i > 0)
            lnt_wire_put_raw(&t, ",", 1);
        rc = put_event(&ev[i], &t, err);
        if (rc != LNT_OK)
            lnt_fail_prefix(err, rc, "event %zu: ", i);
    }
    lnt_wire_put_lit(&t, "],\"kiosk_id\":");
    lnt_wire_put_int(&t, kiosk_id);
    lnt_wire_put_raw(&t, "}", 1);
    return lnt_wire_text_end(&t, start, LNT_BATCH_BODY_MAX, rc, err);
}

enum lnt_err lnt_wire_event_encode(const struct lnt_event *ev, struct lnt_buf *out, char *err)
{
    struct lnt_wire_text t = {out, LNT_OK};
    size_t start = out->len;

    return lnt_wire_text_end(&t, start, LNT_BATCH_BODY_MAX, put_event(ev, &t, err), err);
}

enum lnt_err lnt_wire_event_decode(const char *json, size_t len, struct lnt_event *out, char *err)
{
    json_t *root = NULL;
    struct lnt_event *ev = NULL;
    enum lnt_err rc;

    rc = lnt_wire_load(json, len, LNT_BATCH_BODY_MAX, &root, err);
    if (rc != LNT_OK)
        goto out;
    ev = malloc(sizeof *ev);
    if (ev == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = event_from_json(root, ev, err);
    if (rc == LNT_OK)
        *out = *ev;
out:
    free(ev);
    json_decref(root);
    return rc;
}
