/* wire.c - the JSON wire codec for event batches and their replies (jansson inside). */
#include "wire.h"

#include "codec.h"
#include "ltime.h"

#include <inttypes.h>
#include <jansson.h>
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

#define DUMP_FLAGS (JSON_COMPACT | JSON_SORT_KEYS)
#define TIME_TEXT_MAX 64    /* longest RFC 3339 text worth parsing */
#define SHOW_MAX 40         /* how much of an unknown key a message repeats */
#define QUANTITY_MAX 1000000
#define TEAM_SIZE_MAX 100
#define TALLY_MAX 100000
#define N_TALLIES 8
/* What RFC 3339 text can say (years 0001..9999): checked before formatting caller values. */
#define TIME_MIN INT64_C(-62135596800) /* 0001-01-01T00:00:00Z */
#define TIME_MAX INT64_C(253402300799) /* 9999-12-31T23:59:59Z */
#define DATE_MAX 2932896               /* 9999-12-31 */

/* ---- text checks shared by decode and encode ---- */

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when it is not one (overlong, surrogate, > U+10FFFF). */
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

/* Copies `s` into `out` of `size` bytes for a message: printable ASCII only, shortened with "...". */
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

static const struct enum_def role_def = {role_name, role_parse, "one of door, bar, manager, volunteer"};
static const struct enum_def sia_def = {
    sia_name, sia_parse, "one of not_required, valid, expiring, expired, missing"};
static const struct enum_def verdict_def = {verdict_name, verdict_parse, "one of green, amber, red"};
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
    K_SERIAL,     /* char[17], 16 lower-case hex digits */
    K_SIA_NUMBER, /* char[17], "" or 16 digits */
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
#define F(nm, k, m, lo, hi, e, c, x) {nm, k, EV_OFF(m), EV_SIZE(m), lo, hi, e, c, x}
#define TEXT(nm, m, min_len) F(nm, K_TEXT, m, min_len, 0, NULL, NULL, "a string")
#define ENUMF(nm, m, def) F(nm, K_ENUM, m, 0, 0, &def, NULL, NULL)
#define INTF(nm, m, lo, hi) F(nm, K_INT, m, lo, hi, NULL, NULL, NULL)
#define BOOLF(nm, m) F(nm, K_BOOL, m, 0, 0, NULL, NULL, "true or false")
#define UUIDF(nm, m) F(nm, K_UUID, m, 0, 0, NULL, NULL, "a lower-case RFC 4122 UUID")

static const char *const stock_kinds[] = {"count", "delivery", "handed_out", NULL};
static const char *const tally_names[N_TALLIES] = {
    "water", "flip_flops", "blankets", "bottles", "first_aid", "cctv_calls", "police_calls", "calmed"};

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
    F("kind", K_CHOICE, u.stock.kind, 0, 0, NULL, stock_kinds, "one of count, delivery, handed_out"),
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
        return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: expected an integer from %" PRId64
                        " to %" PRId64, f->name, f->min, f->max);
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

static enum lnt_err get_tallies(const struct field *f, json_t *v, int32_t out[N_TALLIES],
                                char *err)
{
    const char *key;
    json_t *item;
    char shown[SHOW_MAX];

    if (!json_is_object(v))
        return expected(f, err);
    json_object_foreach(v, key, item) {
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
                            "field `tallies.%s`: expected an integer from 0 to %" PRId64, key, f->max);
        out[i] = (int32_t)x;
    }
    return LNT_OK;
}

/* Decodes one field's value `v` (never NULL) into `ev`. */
static enum lnt_err get_field(const struct field *f, json_t *v, struct lnt_event *ev,
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

static enum lnt_err get_fields(const struct field *t, size_t n, json_t *obj,
                               struct lnt_event *ev, char *err)
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
    json_object_foreach(obj, key, v) {
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

/* ---- encode: struct member -> JSON value ---- */

static enum lnt_err put(json_t *obj, const char *name, json_t *v)
{
    /* json_object_set_new takes `v` even when it fails, and fails on NULL. */
    return json_object_set_new(obj, name, v) == 0 ? LNT_OK : LNT_ERR_NOMEM;
}

static enum lnt_err put_tallies(const struct field *f, const int32_t *t, json_t *obj, char *err)
{
    json_t *o = json_object();
    enum lnt_err rc = o != NULL ? LNT_OK : LNT_ERR_NOMEM;

    for (size_t i = 0; rc == LNT_OK && i < N_TALLIES; i++) {
        if (t[i] < 0 || t[i] > f->max)
            rc = lnt_fail(err, LNT_ERR_INVALID,
                          "field `tallies.%s`: expected an integer from 0 to %" PRId64,
                          tally_names[i], f->max);
        else
            rc = put(o, tally_names[i], json_integer(t[i]));
    }
    if (rc != LNT_OK) {
        json_decref(o);
        return rc;
    }
    return put(obj, f->name, o);
}

/* Validates one member of `ev` exactly as decoding would, then adds it to `obj`. */
static enum lnt_err put_field(const struct field *f, const struct lnt_event *ev, json_t *obj,
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

    switch (f->kind) {
    case K_TYPE:
        return put(obj, f->name, json_string(lnt_event_type_name(ev->type)));
    case K_SEQ:
        memcpy(&x, p, sizeof x);
        if (x < f->min)
            return expected(f, err);
        return put(obj, f->name, json_integer((json_int_t)x));
    case K_TIME:
        memcpy(&x, p, sizeof x);
        if (x < TIME_MIN || x > TIME_MAX || lnt_time_format(x, tmp) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: time out of range", f->name);
        return put(obj, f->name, json_string(tmp));
    case K_DATE:
        memcpy(&x32, p, sizeof x32);
        if (x32 == 0)
            return put(obj, f->name, json_null());
        if (x32 < 0 || x32 > DATE_MAX || lnt_date_format(x32, tmp) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "field `%s`: date out of range", f->name);
        return put(obj, f->name, json_string(tmp));
    case K_INT:
        memcpy(&x32, p, sizeof x32);
        if (x32 < f->min || x32 > f->max)
            return expected(f, err);
        return put(obj, f->name, json_integer(x32));
    case K_BOOL:
        memcpy(&b, p, sizeof b);
        return put(obj, f->name, json_boolean(b));
    case K_ENUM:
        memcpy(&e, p, sizeof e);
        name = f->en->name(e);
        if (name == NULL || !f->en->parse(name, &back) || back != e)
            return expected(f, err);
        return put(obj, f->name, json_string(name));
    case K_TALLIES:
        return put_tallies(f, (const int32_t *)(const void *)p, obj, err);
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
    return put(obj, f->name, json_string(p));
}

/* Builds the JSON object of `ev` into *out (caller decrefs); *out is NULL on error. */
static enum lnt_err event_to_json(const struct lnt_event *ev, json_t **out, char *err)
{
    const struct field *own;
    size_t n_own = 0;
    json_t *obj = NULL;
    enum lnt_err rc = LNT_OK;

    *out = NULL;
    own = type_fields(ev->type, &n_own);
    if (own == NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "field `type`: expected %s", TYPE_EXPECT);
    obj = json_object();
    if (obj == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    for (size_t i = 0; rc == LNT_OK && i < COUNT(common_fields); i++)
        rc = put_field(&common_fields[i], ev, obj, err);
    for (size_t i = 0; rc == LNT_OK && i < n_own; i++)
        rc = put_field(&own[i], ev, obj, err);
    if (rc != LNT_OK) {
        if (rc == LNT_ERR_NOMEM)
            lnt_fail(err, rc, "out of memory");
        json_decref(obj);
        return rc;
    }
    *out = obj;
    return LNT_OK;
}

/* Appends canonical text of `v` to `out`; TOO_LARGE when over `limit` or the buffer's bound. */
static enum lnt_err dump(const json_t *v, size_t limit, struct lnt_buf *out, char *err)
{
    char *text = json_dumps(v, DUMP_FLAGS);
    size_t n;
    enum lnt_err rc;

    if (text == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory writing JSON");
    n = strlen(text);
    if (n > limit) {
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "JSON is %zu bytes, at most %zu", n, limit);
        goto out;
    }
    rc = lnt_buf_append(out, text, n);
    if (rc != LNT_OK)
        lnt_fail(err, rc, "output buffer cannot take %zu more bytes", n);
out:
    free(text);
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

enum lnt_err lnt_wire_batch_decode(const char *json, size_t len, struct lnt_batch *out, char *err)
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
    json_object_foreach(root, key, v) {
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
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "field `events`: %zu events, at most %d in a batch", n,
                      LNT_BATCH_MAX);
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

enum lnt_err lnt_wire_batch_encode(int64_t kiosk_id, const struct lnt_event *ev, size_t n,
                                   struct lnt_buf *out, char *err)
{
    json_t *root = NULL, *arr = NULL, *obj = NULL;
    enum lnt_err rc = LNT_OK;

    if (kiosk_id < 1)
        return lnt_fail(err, LNT_ERR_INVALID, "field `kiosk_id`: expected a positive integer");
    if (n == 0 || ev == NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "field `events`: expected at least one event");
    if (n > LNT_BATCH_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "field `events`: %zu events, at most %d in a batch",
                        n, LNT_BATCH_MAX);
    root = json_object();
    arr = json_array();
    if (root == NULL || arr == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && ev[i].seq <= ev[i - 1].seq) {
            rc = lnt_fail(err, LNT_ERR_INVALID,
                          "event %zu: field `seq`: %" PRId64 " is not greater than the %" PRId64
                          " before it",
                          i, ev[i].seq, ev[i - 1].seq);
            goto out;
        }
        rc = event_to_json(&ev[i], &obj, err);
        if (rc != LNT_OK) {
            lnt_fail_prefix(err, rc, "event %zu: ", i);
            goto out;
        }
        if (json_array_append_new(arr, obj) != 0) {
            rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    if (put(root, "kiosk_id", json_integer((json_int_t)kiosk_id)) != LNT_OK ||
        json_object_set(root, "events", arr) != 0) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = dump(root, LNT_BATCH_BODY_MAX, out, err);
out:
    json_decref(arr);
    json_decref(root);
    return rc;
}

enum lnt_err lnt_wire_event_encode(const struct lnt_event *ev, struct lnt_buf *out, char *err)
{
    json_t *obj = NULL;
    enum lnt_err rc = event_to_json(ev, &obj, err);

    if (rc != LNT_OK)
        return rc;
    rc = dump(obj, LNT_BATCH_BODY_MAX, out, err);
    json_decref(obj);
    return rc;
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
    json_t *root = NULL, *lists[COUNT(reply_lists)] = {NULL};
    char reason[REASON_SIZE];
    enum lnt_err rc = LNT_OK;

    root = json_object();
    if (root == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < COUNT(reply_lists); k++) {
        lists[k] = json_array();
        if (lists[k] == NULL || json_object_set(root, reply_lists[k].key, lists[k]) != 0) {
            rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t k = (size_t)r[i].status - 1;
        json_t *item;
        if (r[i].status < LNT_INGEST_ACCEPTED || r[i].status > LNT_INGEST_REJECTED) {
            rc = lnt_fail(err, LNT_ERR_INVALID, "result %zu: status %d is not an ingest status", i,
                          (int)r[i].status);
            goto out;
        }
        if (r[i].seq < 1) {
            rc = lnt_fail(err, LNT_ERR_INVALID, "result %zu: field `seq`: expected a positive integer",
                          i);
            goto out;
        }
        if (reply_lists[k].with_reason) {
            clean_reason(r[i].reason, reason);
            item = json_pack("{sIss}", "seq", (json_int_t)r[i].seq, "reason", reason);
        } else {
            item = json_integer((json_int_t)r[i].seq);
        }
        if (json_array_append_new(lists[k], item) != 0) {
            rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
            goto out;
        }
    }
    rc = dump(root, LNT_BATCH_BODY_MAX, out, err);
out:
    for (size_t k = 0; k < COUNT(lists); k++)
        json_decref(lists[k]);
    json_decref(root);
    return rc;
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
    json_object_foreach(item, key, v) {
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
    json_object_foreach(root, key, v) {
        size_t k;
        for (k = 0; k < COUNT(reply_lists); k++)
            if (strcmp(key, reply_lists[k].key) == 0)
                break;
        if (k == COUNT(reply_lists)) {
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
