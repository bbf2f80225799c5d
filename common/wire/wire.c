/* wire.c - the JSON wire codec for event batches and their replies: a fast path for plain
 * batches, jansson for everything else, and a direct writer of the canonical form. */
#include "wire.h"

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

/* Integers on the wire are json_int_t; every value we keep must fit both ways. */
_Static_assert(sizeof(json_int_t) == sizeof(int64_t), "json_int_t must be 64 bits");
/* Enum, int and bool fields are read and written through memcpy of these sizes. */
_Static_assert(sizeof(enum lnt_role) == sizeof(int), "enum size");
_Static_assert(sizeof(enum lnt_verdict) == sizeof(int), "enum size");
_Static_assert(sizeof(enum lnt_sia_status) == sizeof(int), "enum size");
_Static_assert(sizeof(enum lnt_badge_reason) == sizeof(int), "enum size");
_Static_assert(sizeof(int) == sizeof(int32_t), "int must be 32 bits");

#define TIME_TEXT_MAX 64 /* longest RFC 3339 text worth parsing */
#define SHOW_MAX 40      /* how much of an unknown key a message repeats */
#define QUANTITY_MAX 1000000
#define TEAM_SIZE_MAX 100
#define TALLY_MAX 100000
#define N_TALLIES 8
/* What RFC 3339 text can say (years 0001..9999): checked before formatting caller values. */
#define TIME_MIN INT64_C(-62135596800) /* 0001-01-01T00:00:00Z */
#define TIME_MAX INT64_C(253402300799) /* 9999-12-31T23:59:59Z */
#define DATE_MAX 2932896               /* 9999-12-31 */

/* ---- text checks shared by decode and encode ---- */

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when it is not one (overlong, surrogate, >
 * U+10FFFF). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned cp, min;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2, cp = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, cp = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/*
 * NULL when `s` (NUL-terminated within `size` bytes) is acceptable free text of
 * at least `min_len` bytes: UTF-8 without control characters. Otherwise what is wrong.
 */
static const char *text_problem(const char *s, size_t size, size_t min_len)
{
    size_t n = strnlen(s, size);
    const unsigned char *u = (const unsigned char *)s;

    if (n == size)
        return "not terminated within its bound";
    if (n < min_len)
        return "must not be empty";
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(u + i, n - i);
        if (k == 0)
            return "not valid UTF-8";
        if (u[i] < 0x20 || u[i] == 0x7f)
            return "contains a control character";
        i += k;
    }
    return NULL;
}

/* Copies `s` into `out` of `size` bytes for a message: printable ASCII only, shortened with "...".
 */
static void show(const char *s, char *out, size_t size)
{
    size_t o = 0;

    for (size_t i = 0; s[i] != '\0'; i++) {
        if (o + 4 >= size) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        out[o++] = s[i] >= ' ' && s[i] <= '~' ? s[i] : '?';
    }
    out[o] = '\0';
}

static bool is_lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* RFC 4122 text: 8-4-4-4-12 lower-case hex digits. */
static bool uuid_ok(const char *s)
{
    for (size_t i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_lower_hex(s[i]))
            return false;
    }
    return s[36] == '\0';
}

static bool serial_ok(const char *s)
{
    for (size_t i = 0; i < LNT_SERIAL_LEN * 2; i++)
        if (!is_lower_hex(s[i]))
            return false;
    return s[LNT_SERIAL_LEN * 2] == '\0';
}

static bool sia_number_ok(const char *s)
{
    if (s[0] == '\0')
        return true;
    for (size_t i = 0; i < 16; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return s[16] == '\0';
}

static bool sealed_ok(const char *s)
{
    uint8_t bytes[LNT_SEALED_MAX / 4 * 3];
    size_t n = 0;
    return s[0] == '\0' || lnt_b64_decode(s, bytes, sizeof bytes, &n) == LNT_OK;
}

/* A time we can write back exactly: parses, and formats (years 1..9999 in UTC). */
static bool time_ok(const char *s, int64_t *out)
{
    char check[LNT_TIME_STRLEN];
    int64_t t;

    if (lnt_time_parse(s, &t) != LNT_OK || lnt_time_format(t, check) != LNT_OK)
        return false;
    *out = t;
    return true;
}

/* ---- enums ---- */

struct enum_def {
    const char *(*name)(int v);
    bool (*parse)(const char *s, int *out);
    const char *expect;
};

static const char *role_name(int v)
{
    return lnt_role_name((enum lnt_role)v);
}

static bool role_parse(const char *s, int *out)
{
    enum lnt_role r;
    if (lnt_role_parse(s, &r) != LNT_OK || r == LNT_ROLE_NONE)
        return false;
    *out = (int)r;
    return true;
}

static const char *sia_name(int v)
{
    return lnt_sia_status_name((enum lnt_sia_status)v);
}

static bool sia_parse(const char *s, int *out)
{
    enum lnt_sia_status v;
    if (lnt_sia_status_parse(s, &v) != LNT_OK)
        return false;
    *out = (int)v;
    return true;
}

static const char *verdict_name(int v)
{
    return lnt_verdict_name((enum lnt_verdict)v);
}

static bool verdict_parse(const char *s, int *out)
{
    enum lnt_verdict v;
    if (lnt_verdict_parse(s, &v) != LNT_OK)
        return false;
    *out = (int)v;
    return true;
}

static const char *reason_name(int v)
{
    if (v <= LNT_BADGE_VALID || v >= LNT_BADGE__COUNT)
        return NULL;
    return lnt_badge_reason_code((enum lnt_badge_reason)v);
}

/* Every refusal reason; "valid" is not a reason to refuse. */
static bool reason_parse(const char *s, int *out)
{
    for (int r = LNT_BADGE_VALID + 1; r < LNT_BADGE__COUNT; r++) {
        const char *name = lnt_badge_reason_code((enum lnt_badge_reason)r);
        if (name != NULL && strcmp(name, s) == 0) {
            *out = r;
            return true;
        }
    }
    return false;
}

static const struct enum_def role_def = {role_name, role_parse,
                                         "one of door, bar, manager, volunteer"};
static const struct enum_def sia_def = {sia_name, sia_parse,
                                        "one of not_required, valid, expiring, expired, missing"};
static const struct enum_def verdict_def = {verdict_name, verdict_parse,
                                            "one of green, amber, red"};
static const struct enum_def reason_def = {
    reason_name, reason_parse,
    "one of not_lantern, bad_encoding, oversized, malformed, unknown_key, bad_signature, "
    "expired, not_yet_valid, revoked, wrong_scheme"};

#define TYPE_EXPECT                                                                                \
    "one of sign_in, sign_out, badge_refused, incident, stock, shift_start, shift_end"

/* ---- the field tables: one row per wire field, in the order they are checked ---- */

enum kind {
    K_SEQ,        /* int64 >= 1 */
    K_UUID,       /* char[LNT_UUID_STRLEN] */
    K_TYPE,       /* enum lnt_event_type, read before the others */
    K_TIME,       /* int64 unix seconds <-> RFC 3339 */
    K_TEXT,       /* char[size], at least `min` bytes */
    K_CHOICE,     /* char[size], one of `choices` */
    K_SERIAL,     /* char[LNT_SERIAL_LEN * 2 + 1], 16 lower-case hex digits */
    K_SIA_NUMBER, /* char[LNT_SIA_NUMBER_LEN + 1], "" or 16 digits */
    K_DATE,       /* int32 days since epoch <-> "YYYY-MM-DD", 0 <-> null */
    K_ENUM,       /* int-sized enum through `en` */
    K_INT,        /* int32 in [min, max] */
    K_BOOL,       /* bool */
    K_SEALED,     /* char[LNT_SEALED_MAX], "" or base64 */
    K_TALLIES     /* int32[8] <-> object of named counts */
};

struct field {
    const char *name;
    enum kind kind;
    size_t off;  /* within struct lnt_event */
    size_t size; /* of the member */
    int64_t min, max;
    const struct enum_def *en;
    const char *const *choices; /* NULL-terminated */
    const char *expect;         /* what a wrong value should have been */
};

#define EV_OFF(m) offsetof(struct lnt_event, m)
#define EV_SIZE(m) sizeof(((struct lnt_event *)NULL)->m)
#define F(nm, k, m, lo, hi, e, c, x)                                                               \
    {                                                                                              \
        nm, k, EV_OFF(m), EV_SIZE(m), lo, hi, e, c, x                                              \
    }
#define TEXT(nm, m, min_len) F(nm, K_TEXT, m, min_len, 0, NULL, NULL, "a string")
#define ENUMF(nm, m, def) F(nm, K_ENUM, m, 0, 0, &def, NULL, NULL)
#define INTF(nm, m, lo, hi) F(nm, K_INT, m, lo, hi, NULL, NULL, NULL)
#define BOOLF(nm, m) F(nm, K_BOOL, m, 0, 0, NULL, NULL, "true or false")
#define UUIDF(nm, m) F(nm, K_UUID, m, 0, 0, NULL, NULL, "a lower-case RFC 4122 UUID")

static const char *const stock_kinds[] = {"count", "delivery", "handed_out", NULL};
static const char *const tally_names[N_TALLIES] = {"water",        "flip_flops", "blankets",
                                                   "bottles",      "first_aid",  "cctv_calls",
                                                   "police_calls", "calmed"};

static const struct field common_fields[] = {
    F("seq", K_SEQ, seq, 1, INT64_MAX, NULL, NULL, "a positive integer"),
    UUIDF("uuid", uuid),
    F("type", K_TYPE, type, 0, 0, NULL, NULL, TYPE_EXPECT),
    F("occurred_at", K_TIME, occurred_at, 0, 0, NULL, NULL, "RFC 3339 time"),
    F("recorded_at", K_TIME, recorded_at, 0, 0, NULL, NULL, "RFC 3339 time"),
};

static const struct field badge_fields[] = {
    TEXT("staff_id", u.badge.staff_id, 1),
    F("badge_serial", K_SERIAL, u.badge.serial, 0, 0, NULL, NULL, "16 lower-case hex digits"),
    ENUMF("role", u.badge.role, role_def),
    F("sia_number", K_SIA_NUMBER, u.badge.sia_number, 0, 0, NULL, NULL, "16 digits or \"\""),
    F("sia_expires", K_DATE, u.badge.sia_expires, 0, 0, NULL, NULL,
      "a date (YYYY-MM-DD) after 1970-01-01, or null"),
    ENUMF("sia_status", u.badge.sia_status, sia_def),
    ENUMF("verdict", u.badge.verdict, verdict_def),
};

static const struct field refused_fields[] = {
    ENUMF("reason", u.refused.reason, reason_def),
};

static const struct field incident_fields[] = {
    UUIDF("report_id", u.incident.report_id),
    F("kind", K_CHOICE, u.incident.kind, 0, 0, NULL, lnt_incident_kinds,
      "one of angela, spiking, violence_injury, violence, sexual, weapons, drugs, disorder, "
      "medical, ejection, theft"),
    INTF("severity", u.incident.severity, 1, 5),
    TEXT("place", u.incident.place, 0),
    TEXT("outcome", u.incident.outcome, 0),
    BOOLF("police_called", u.incident.police_called),
    BOOLF("complete", u.incident.complete),
    TEXT("staff_id", u.incident.staff_id, 1),
    F("sealed", K_SEALED, u.incident.sealed, 0, 0, NULL, NULL, "base64 text or \"\""),
};

static const struct field stock_fields[] = {
    F("kind", K_CHOICE, u.stock.kind, 0, 0, NULL, stock_kinds,
      "one of count, delivery, handed_out"),
    INTF("quantity", u.stock.quantity, 0, QUANTITY_MAX),
    TEXT("staff_id", u.stock.staff_id, 1),
};

static const struct field shift_fields[] = {
    TEXT("staff_id", u.shift.staff_id, 1),
    TEXT("call_sign", u.shift.call_sign, 0),
    TEXT("team", u.shift.team, 0),
    INTF("team_size", u.shift.team_size, 1, TEAM_SIZE_MAX),
    F("tallies", K_TALLIES, u.shift.tallies, 0, TALLY_MAX, NULL, NULL, "an object of counts"),
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The type's own fields, or NULL for a type that is not one of the enum's. */
static const struct field *type_fields(enum lnt_event_type t, size_t *n)
{
    switch (t) {
    case LNT_EV_SIGN_IN:
    case LNT_EV_SIGN_OUT:
        *n = COUNT(badge_fields);
        return badge_fields;
    case LNT_EV_BADGE_REFUSED:
        *n = COUNT(refused_fields);
        return refused_fields;
    case LNT_EV_INCIDENT:
        *n = COUNT(incident_fields);
        return incident_fields;
    case LNT_EV_STOCK:
        *n = COUNT(stock_fields);
        return stock_fields;
    case LNT_EV_SHIFT_START:
    case LNT_EV_SHIFT_END:
        *n = COUNT(shift_fields);
        return shift_fields;
    case LNT_EV_NONE:
        break;
    }
    *n = 0;
    return NULL;
}

static bool in_table(const struct field *t, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, key) == 0)
            return true;
    return false;
}

static bool in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i] != NULL; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

/* ---- decode: JSON value -> struct member ---- */

static enum lnt_err expected(const struct field *f, char *err)
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
static enum lnt_err get_string(const struct field *f, const json_t *v, char *dst, size_t size,
                               char *err)
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

/* Reads integer `v` in [min, max]; the range is checked before any narrowing. */
static bool get_int(const json_t *v, int64_t min, int64_t max, int64_t *out)
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

static enum lnt_err get_tallies(const struct field *f, json_t *v, int32_t out[N_TALLIES], char *err)
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
            if (strcmp(tally_names[i], key) == 0)
                break;
        if (i == N_TALLIES) {
            show(key, shown, sizeof shown);
            return lnt_fail(err, LNT_ERR_INVALID, "field `tallies`: unknown tally `%s`", shown);
        }
        if (!get_int(item, 0, f->max, &x))
            return lnt_fail(err, LNT_ERR_INVALID,
                            "field `tallies.%s`: expected an integer from 0 to %" PRId64, key,
                            f->max);
        out[i] = (int32_t)x;
    }
    return LNT_OK;
}

/* Decodes one field's value `v` (never NULL) into `ev`. */
static enum lnt_err get_field(const struct field *f, json_t *v, struct lnt_event *ev, char *err)
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
        if (!get_int(v, f->min, f->max, &x))
            return expected(f, err);
        memcpy(p, &x, sizeof x);
        return LNT_OK;
    case K_TIME:
        if (get_string(f, v, tmp, sizeof tmp, err) != LNT_OK || !time_ok(tmp, &x))
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
        if (!get_int(v, f->min, f->max, &x))
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
        return uuid_ok(p) ? LNT_OK : expected(f, err);
    case K_CHOICE:
        return in_list(f->choices, p) ? LNT_OK : expected(f, err);
    case K_SERIAL:
        return serial_ok(p) ? LNT_OK : expected(f, err);
    case K_SIA_NUMBER:
        return sia_number_ok(p) ? LNT_OK : expected(f, err);
    case K_SEALED:
        return sealed_ok(p) ? LNT_OK : expected(f, err);
    default:
        problem = text_problem(p, f->size, (size_t)f->min);
        if (problem != NULL)
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: %s", f->name, problem);
        return LNT_OK;
    }
}

static enum lnt_err get_fields(const struct field *t, size_t n, json_t *obj, struct lnt_event *ev,
                               char *err)
{
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(obj, t[i].name);
        enum lnt_err rc;
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
    const struct field *own;
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
    own = type_fields(type, &n_own);
    if (own == NULL)
        return lnt_fail(err, LNT_ERR_INTERNAL, "field `type`: no fields for this type");
    out->type = type;
    json_object_foreach(obj, key, v)
    {
        if (!in_table(common_fields, COUNT(common_fields), key) && !in_table(own, n_own, key)) {
            show(key, shown, sizeof shown);
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: not a field of a %s event", shown,
                            lnt_event_type_name(type));
        }
    }
    rc = get_fields(common_fields, COUNT(common_fields), obj, out, err);
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

#define EVENT_FIELDS_MAX 16

/* Each type's fields (common ones included) in key order; filled once. */
static const struct field *sorted_fields[LNT_EV__MAX + 1][EVENT_FIELDS_MAX];
static size_t sorted_count[LNT_EV__MAX + 1];
static pthread_once_t sorted_once = PTHREAD_ONCE_INIT;

static int field_cmp(const void *a, const void *b)
{
    const struct field *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

static void sort_fields(void)
{
    for (int t = LNT_EV_NONE + 1; t <= LNT_EV__MAX; t++) {
        size_t n_own = 0, n = 0;
        const struct field *own = type_fields((enum lnt_event_type)t, &n_own);

        for (size_t i = 0; i < COUNT(common_fields); i++)
            sorted_fields[t][n++] = &common_fields[i];
        for (size_t i = 0; i < n_own && n < EVENT_FIELDS_MAX; i++)
            sorted_fields[t][n++] = &own[i];
        qsort(sorted_fields[t], n, sizeof sorted_fields[t][0], field_cmp);
        sorted_count[t] = n;
    }
}

_Static_assert(COUNT(common_fields) + COUNT(incident_fields) <= EVENT_FIELDS_MAX,
               "EVENT_FIELDS_MAX too small");
_Static_assert(COUNT(common_fields) + COUNT(badge_fields) <= EVENT_FIELDS_MAX,
               "EVENT_FIELDS_MAX too small");

/* Text being written; the first buffer failure sticks and is reported once, at the end. */
struct text {
    struct lnt_buf *b;
    enum lnt_err rc;
};

static void put_raw(struct text *t, const char *s, size_t n)
{
    if (t->rc == LNT_OK)
        t->rc = lnt_buf_append(t->b, s, n);
}

static void put_lit(struct text *t, const char *s)
{
    put_raw(t, s, strlen(s));
}

/* A JSON string, escaped as jansson escapes it. */
static void put_str(struct text *t, const char *s)
{
    if (t->rc == LNT_OK)
        t->rc = lnt_buf_put_json_str(t->b, s);
}

static void put_int(struct text *t, int64_t v)
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
    put_raw(t, digits + i, sizeof digits - i);
}

/* `"name":` (field and tally names are plain identifiers: nothing to escape). */
static void put_key(struct text *t, const char *name)
{
    put_raw(t, "\"", 1);
    put_lit(t, name);
    put_raw(t, "\":", 2);
}

static enum lnt_err put_tallies(const struct field *f, const int32_t *v, struct text *t, char *err)
{
    /* tally_names in key order */
    static const int order[N_TALLIES] = {2, 3, 7, 5, 4, 1, 6, 0};

    put_raw(t, "{", 1);
    for (size_t k = 0; k < N_TALLIES; k++) {
        int i = order[k];
        if (v[i] < 0 || v[i] > f->max)
            return lnt_fail(err, LNT_ERR_INVALID,
                            "field `tallies.%s`: expected an integer from 0 to %" PRId64,
                            tally_names[i], f->max);
        if (k > 0)
            put_raw(t, ",", 1);
        put_key(t, tally_names[i]);
        put_int(t, v[i]);
    }
    put_raw(t, "}", 1);
    return LNT_OK;
}

/* Validates one member of `ev` exactly as decoding would, then writes `"name":value`. */
static enum lnt_err put_field(const struct field *f, const struct lnt_event *ev, struct text *t,
                              char *err)
{
    const char *p = (const char *)ev + f->off;
    char tmp[LNT_TIME_STRLEN];
    const char *name, *problem;
    int64_t x;
    int32_t x32;
    int e, back = 0;
    bool b;
    bool ok = true;

    put_key(t, f->name);
    switch (f->kind) {
    case K_TYPE:
        put_str(t, lnt_event_type_name(ev->type));
        return LNT_OK;
    case K_SEQ:
        memcpy(&x, p, sizeof x);
        if (x < f->min)
            return expected(f, err);
        put_int(t, x);
        return LNT_OK;
    case K_TIME:
        memcpy(&x, p, sizeof x);
        if (x < TIME_MIN || x > TIME_MAX || lnt_time_format(x, tmp) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: time out of range", f->name);
        put_str(t, tmp);
        return LNT_OK;
    case K_DATE:
        memcpy(&x32, p, sizeof x32);
        if (x32 == 0) {
            put_raw(t, "null", 4);
            return LNT_OK;
        }
        if (x32 < 0 || x32 > DATE_MAX || lnt_date_format(x32, tmp) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: date out of range", f->name);
        put_str(t, tmp);
        return LNT_OK;
    case K_INT:
        memcpy(&x32, p, sizeof x32);
        if (x32 < f->min || x32 > f->max)
            return expected(f, err);
        put_int(t, x32);
        return LNT_OK;
    case K_BOOL:
        memcpy(&b, p, sizeof b);
        put_lit(t, b ? "true" : "false");
        return LNT_OK;
    case K_ENUM:
        memcpy(&e, p, sizeof e);
        name = f->en->name(e);
        if (name == NULL || !f->en->parse(name, &back) || back != e)
            return expected(f, err);
        put_str(t, name);
        return LNT_OK;
    case K_TALLIES:
        return put_tallies(f, (const int32_t *)(const void *)p, t, err);
    case K_UUID:
    case K_TEXT:
    case K_CHOICE:
    case K_SERIAL:
    case K_SIA_NUMBER:
    case K_SEALED:
        break;
    }
    problem = text_problem(p, f->size, f->kind == K_TEXT ? (size_t)f->min : 0);
    if (problem != NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: %s", f->name, problem);
    switch (f->kind) {
    case K_UUID:
        ok = uuid_ok(p);
        break;
    case K_CHOICE:
        ok = in_list(f->choices, p);
        break;
    case K_SERIAL:
        ok = serial_ok(p);
        break;
    case K_SIA_NUMBER:
        ok = sia_number_ok(p);
        break;
    case K_SEALED:
        ok = sealed_ok(p);
        break;
    default:
        break;
    }
    if (!ok)
        return expected(f, err);
    put_str(t, p);
    return LNT_OK;
}

/* Writes the canonical JSON object of `ev`. */
static enum lnt_err put_event(const struct lnt_event *ev, struct text *t, char *err)
{
    size_t n;

    if (ev->type <= LNT_EV_NONE || ev->type > LNT_EV__MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "field `type`: expected %s", TYPE_EXPECT);
    pthread_once(&sorted_once, sort_fields);
    n = sorted_count[ev->type];
    put_raw(t, "{", 1);
    for (size_t i = 0; i < n; i++) {
        enum lnt_err rc;
        if (i > 0)
            put_raw(t, ",", 1);
        rc = put_field(sorted_fields[ev->type][i], ev, t, err);
        if (rc != LNT_OK)
            return rc;
    }
    put_raw(t, "}", 1);
    return LNT_OK;
}

/*
 * Ends a write that began at out->len == start: on any error the buffer is
 * put back as it was; text over `limit` bytes is TOO_LARGE.
 */
static enum lnt_err text_end(struct text *t, size_t start, size_t limit, enum lnt_err rc, char *err)
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

/* Parses at most `max` bytes of JSON (any top-level value) into *out; the caller decrefs. */
static enum lnt_err load(const char *json, size_t len, size_t max, json_t **out, char *err)
{
    json_error_t je;
    char shown[sizeof je.text];
    json_t *root;

    *out = NULL;
    if (len > max)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "body is %zu bytes, at most %zu", len, max);
    if (json == NULL)
        json = "";
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (root == NULL) {
        if (json_error_code(&je) == json_error_out_of_memory)
            return lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading JSON");
        show(je.text, shown, sizeof shown);
        return lnt_fail(err, LNT_ERR_INVALID, "not valid JSON: line %d, column %d: %s", je.line,
                        je.column, shown);
    }
    *out = root;
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

    rc = load(json, len, LNT_BATCH_BODY_MAX, &root, err);
    if (rc != LNT_OK)
        goto out;
    if (!json_is_object(root)) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "body: expected a JSON object");
        goto out;
    }
    json_object_foreach(root, key, v)
    {
        if (strcmp(key, "kiosk_id") != 0 && strcmp(key, "events") != 0) {
            show(key, shown, sizeof shown);
            rc = lnt_fail(err, LNT_ERR_INVALID, "field `%s`: unknown field", shown);
            goto out;
        }
    }
    kid = json_object_get(root, "kiosk_id");
    if (kid == NULL) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "field `kiosk_id`: missing");
        goto out;
    }
    if (!get_int(kid, 1, INT64_MAX, &kiosk_id)) {
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

/* ---- decode, fast path ----
 *
 * Batches from kiosks are plain: no escapes in strings, integers only, keys
 * the wire's own. Those are read here straight into the events, without
 * building a jansson tree (which was a quarter of the server's CPU at full
 * ingest). Anything else at all (an escape, a real number, a nested value
 * where none belongs, a missing, unknown or repeated key, a value out of
 * range, a syntax error) makes the fast path give up without deciding, and
 * the batch goes to the full decoder above, which accepts or refuses it and
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
        k = c < 0x80 ? 1 : utf8_seq((const unsigned char *)s->p, (size_t)(s->end - s->p));
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
        for (i = 0; i < N_TALLIES && !key_is(key, len, tally_names[i]); i++)
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
static bool fast_field(const struct field *f, const struct member *m, struct lnt_event *ev)
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
        if (!member_text(m, tmp, sizeof tmp) || !time_ok(tmp, &x))
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
        return member_text(m, p, f->size) && uuid_ok(p);
    case K_CHOICE:
        return member_text(m, p, f->size) && in_list(f->choices, p);
    case K_SERIAL:
        return member_text(m, p, f->size) && serial_ok(p);
    case K_SIA_NUMBER:
        return member_text(m, p, f->size) && sia_number_ok(p);
    case K_SEALED:
        return member_text(m, p, f->size) && sealed_ok(p);
    case K_TEXT:
        return member_text(m, p, f->size) && text_problem(p, f->size, (size_t)f->min) == NULL;
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

/* Fills every field of `t` from the members; false when one is missing or not acceptable. */
static bool fast_fields(const struct field *t, size_t n_t, const struct member *m, size_t n,
                        struct lnt_event *ev)
{
    for (size_t i = 0; i < n_t; i++) {
        const struct member *v = member_named(m, n, t[i].name);
        if (v == NULL || !fast_field(&t[i], v, ev))
            return false;
    }
    return true;
}

static bool fast_event(struct scan *s, struct lnt_event *ev)
{
    struct member m[EVENT_FIELDS_MAX];
    const struct member *type_m;
    const struct field *own;
    size_t n = 0, n_own = 0;
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
    own = type_fields(type, &n_own);
    /* every field present exactly once (member_named) and nothing else: no unknown keys */
    if (own == NULL || n != COUNT(common_fields) + n_own)
        return false;
    ev->type = type;
    return fast_fields(common_fields, COUNT(common_fields), m, n, ev) &&
           fast_fields(own, n_own, m, n, ev);
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

enum lnt_err lnt_wire_batch_decode(const char *json, size_t len, struct lnt_batch *out, char *err)
{
    if (lnt_wire_batch_decode_fast(json, len, out))
        return LNT_OK;
    return lnt_wire_batch_decode_full(json, len, out, err);
}

enum lnt_err lnt_wire_batch_encode(int64_t kiosk_id, const struct lnt_event *ev, size_t n,
                                   struct lnt_buf *out, char *err)
{
    struct text t = {out, LNT_OK};
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
    put_lit(&t, "{\"events\":[");
    for (size_t i = 0; i < n && rc == LNT_OK; i++) {
        if (i > 0 && ev[i].seq <= ev[i - 1].seq) {
            rc = lnt_fail(err, LNT_ERR_INVALID,
                          "event %zu: field `seq`: %" PRId64 " is not greater than the %" PRId64
                          " before it",
                          i, ev[i].seq, ev[i - 1].seq);
            break;
        }
        if (i > 0)
            put_raw(&t, ",", 1);
        rc = put_event(&ev[i], &t, err);
        if (rc != LNT_OK)
            lnt_fail_prefix(err, rc, "event %zu: ", i);
    }
    put_lit(&t, "],\"kiosk_id\":");
    put_int(&t, kiosk_id);
    put_raw(&t, "}", 1);
    return text_end(&t, start, LNT_BATCH_BODY_MAX, rc, err);
}

enum lnt_err lnt_wire_event_encode(const struct lnt_event *ev, struct lnt_buf *out, char *err)
{
    struct text t = {out, LNT_OK};
    size_t start = out->len;

    return text_end(&t, start, LNT_BATCH_BODY_MAX, put_event(ev, &t, err), err);
}

enum lnt_err lnt_wire_event_decode(const char *json, size_t len, struct lnt_event *out, char *err)
{
    json_t *root = NULL;
    struct lnt_event *ev = NULL;
    enum lnt_err rc;

    rc = load(json, len, LNT_BATCH_BODY_MAX, &root, err);
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

/* ---- replies ---- */

struct reply_list {
    const char *key;
    enum lnt_ingest_status status;
    bool with_reason;
};

/* In this order on decode, too. */
static const struct reply_list reply_lists[] = {
    {"accepted", LNT_INGEST_ACCEPTED, false},
    {"duplicates", LNT_INGEST_DUPLICATE, false},
    {"conflicts", LNT_INGEST_CONFLICT, true},
    {"rejected", LNT_INGEST_REJECTED, true},
};

#define REASON_SIZE sizeof(((struct lnt_ingest_result *)NULL)->reason)

/* Copies `s` into `out` (REASON_SIZE), replacing bytes that are not printable UTF-8 with '?'. */
static void clean_reason(const char *s, char *out)
{
    size_t n = strnlen(s, REASON_SIZE - 1);
    const unsigned char *u = (const unsigned char *)s;

    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(u + i, n - i);
        if (k == 0 || u[i] < 0x20 || u[i] == 0x7f) {
            out[i++] = '?';
            continue;
        }
        memcpy(out + i, s + i, k);
        i += k;
    }
    out[n] = '\0';
}

/*
 * Reasons are for people, so an unprintable byte in one becomes '?' rather
 * than failing the whole reply; a bad seq or status is a bug (LNT_ERR_INVALID).
 */
enum lnt_err lnt_wire_reply_encode(const struct lnt_ingest_result *r, size_t n, struct lnt_buf *out,
                                   char *err)
{
    /* the lists in key order, as the other encoders write */
    static const enum lnt_ingest_status order[] = {LNT_INGEST_ACCEPTED, LNT_INGEST_CONFLICT,
                                                   LNT_INGEST_DUPLICATE, LNT_INGEST_REJECTED};
    struct text t = {out, LNT_OK};
    size_t start = out->len;
    char reason[REASON_SIZE];

    for (size_t i = 0; i < n; i++) {
        if (r[i].status < LNT_INGEST_ACCEPTED || r[i].status > LNT_INGEST_REJECTED)
            return lnt_fail(err, LNT_ERR_INVALID, "result %zu: status %d is not an ingest status",
                            i, (int)r[i].status);
        if (r[i].seq < 1)
            return lnt_fail(err, LNT_ERR_INVALID,
                            "result %zu: field `seq`: expected a positive integer", i);
    }
    put_raw(&t, "{", 1);
    for (size_t k = 0; k < COUNT(order); k++) {
        const struct reply_list *l = &reply_lists[order[k] - 1];
        bool first = true;

        if (k > 0)
            put_raw(&t, ",", 1);
        put_key(&t, l->key);
        put_raw(&t, "[", 1);
        for (size_t i = 0; i < n; i++) {
            if (r[i].status != l->status)
                continue;
            if (!first)
                put_raw(&t, ",", 1);
            first = false;
            if (l->with_reason) {
                clean_reason(r[i].reason, reason);
                put_lit(&t, "{\"reason\":");
                put_str(&t, reason);
                put_lit(&t, ",\"seq\":");
                put_int(&t, r[i].seq);
                put_raw(&t, "}", 1);
            } else {
                put_int(&t, r[i].seq);
            }
        }
        put_raw(&t, "]", 1);
    }
    put_raw(&t, "}", 1);
    return text_end(&t, start, LNT_BATCH_BODY_MAX, LNT_OK, err);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Reads one item of a reply list into *res; `where` names it in messages ("conflicts[2]"). */
static enum lnt_err reply_item(const struct reply_list *l, json_t *item, const char *where,
                               struct lnt_ingest_result *res, char *err)
{
    const char *key;
    json_t *v, *seq, *reason;
    char shown[SHOW_MAX];
    const char *problem;
    size_t len;

    memset(res, 0, sizeof *res);
    res->status = l->status;
    if (!l->with_reason) {
        if (!get_int(item, 1, INT64_MAX, &res->seq))
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: expected a positive integer", where);
        return LNT_OK;
    }
    if (!json_is_object(item))
        return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: expected an object with seq and reason",
                        where);
    json_object_foreach(item, key, v)
    {
        if (strcmp(key, "seq") != 0 && strcmp(key, "reason") != 0) {
            show(key, shown, sizeof shown);
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s.%s`: unknown field", where, shown);
        }
    }
    seq = json_object_get(item, "seq");
    reason = json_object_get(item, "reason");
    if (seq == NULL || !get_int(seq, 1, INT64_MAX, &res->seq))
        return lnt_fail(err, LNT_ERR_INVALID, "field `%s.seq`: expected a positive integer", where);
    if (reason == NULL || !json_is_string(reason))
        return lnt_fail(err, LNT_ERR_INVALID, "field `%s.reason`: expected a string", where);
    len = json_string_length(reason);
    if (len >= sizeof res->reason)
        return lnt_fail(err, LNT_ERR_INVALID, "field `%s.reason`: longer than %zu bytes", where,
                        sizeof res->reason - 1);
    memcpy(res->reason, json_string_value(reason), len);
    res->reason[len] = '\0';
    problem = strlen(res->reason) != len ? "contains a NUL character"
                                         : text_problem(res->reason, sizeof res->reason, 0);
    if (problem != NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "field `%s.reason`: %s", where, problem);
    return LNT_OK;
}

/*
 * A reply that refuses part of a batch (a save of another venue's incident
 * report) is a problem document (RFC 9457) carrying the four lists: its
 * members are read past, the lists are what counts.
 */
static bool is_problem_member(const char *key)
{
    static const char *const members[] = {"type", "title", "status", "detail", "instance"};

    for (size_t i = 0; i < COUNT(members); i++)
        if (strcmp(key, members[i]) == 0)
            return true;
    return false;
}

/* On error *n is left alone and `out` may hold part of the reply. */
enum lnt_err lnt_wire_reply_decode(const char *json, size_t len, struct lnt_ingest_result *out,
                                   size_t max, size_t *n, char *err)
{
    json_t *root = NULL;
    int64_t *seqs = NULL;
    const char *key;
    json_t *v;
    char shown[SHOW_MAX], where[SHOW_MAX];
    size_t count = 0;
    enum lnt_err rc;

    rc = load(json, len, LNT_BATCH_BODY_MAX, &root, err);
    if (rc != LNT_OK)
        goto out;
    if (!json_is_object(root)) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "reply: expected a JSON object");
        goto out;
    }
    json_object_foreach(root, key, v)
    {
        size_t k;
        for (k = 0; k < COUNT(reply_lists); k++)
            if (strcmp(key, reply_lists[k].key) == 0)
                break;
        if (k == COUNT(reply_lists) && !is_problem_member(key)) {
            show(key, shown, sizeof shown);
            rc = lnt_fail(err, LNT_ERR_INVALID, "field `%s`: unknown field", shown);
            goto out;
        }
    }
    for (size_t k = 0; k < COUNT(reply_lists); k++) {
        const struct reply_list *l = &reply_lists[k];
        json_t *arr = json_object_get(root, l->key);
        if (arr == NULL) {
            rc = lnt_fail(err, LNT_ERR_INVALID, "field `%s`: missing", l->key);
            goto out;
        }
        if (!json_is_array(arr)) {
            rc = lnt_fail(err, LNT_ERR_INVALID, "field `%s`: expected an array", l->key);
            goto out;
        }
        for (size_t i = 0; i < json_array_size(arr); i++) {
            if (count >= max) {
                rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "reply lists more than %zu events", max);
                goto out;
            }
            snprintf(where, sizeof where, "%s[%zu]", l->key, i);
            rc = reply_item(l, json_array_get(arr, i), where, &out[count], err);
            if (rc != LNT_OK)
                goto out;
            count++;
        }
    }
    if (count > 1) {
        seqs = malloc(count * sizeof *seqs);
        if (seqs == NULL) {
            rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < count; i++)
            seqs[i] = out[i].seq;
        qsort(seqs, count, sizeof *seqs, cmp_i64);
        for (size_t i = 1; i < count; i++) {
            if (seqs[i] == seqs[i - 1]) {
                rc = lnt_fail(err, LNT_ERR_INVALID, "reply lists seq %" PRId64 " more than once",
                              seqs[i]);
                goto out;
            }
        }
    }
    *n = count;
out:
    free(seqs);
    json_decref(root);
    return rc;
}
