/* wire_fields.c - what the wire allows: the checks on text, the enums' names, and the field
 * tables that drive the decoders and the encoder alike. */
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

/* Integers on the wire are json_int_t; every value we keep must fit both ways. */
_Static_assert(sizeof(json_int_t) == sizeof(int64_t), "json_int_t must be 64 bits");
/* Enum, int and bool fields are read and written through memcpy of these sizes. */
_Static_assert(sizeof(enum lnt_role) == sizeof(int), "enum size");
_Static_assert(sizeof(enum lnt_verdict) == sizeof(int), "enum size");
_Static_assert(sizeof(enum lnt_sia_status) == sizeof(int), "enum size");
_Static_assert(sizeof(enum lnt_badge_reason) == sizeof(int), "enum size");
_Static_assert(sizeof(int) == sizeof(int32_t), "int must be 32 bits");

/* ---- text checks shared by decode and encode ---- */

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when it is not one (overlong, surrogate, >
 * U+10FFFF). */
size_t lnt_wire_utf8_seq(const unsigned char *s, size_t n)
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
const char *lnt_wire_text_problem(const char *s, size_t size, size_t min_len)
{
    size_t n = strnlen(s, size);
    const unsigned char *u = (const unsigned char *)s;

    if (n == size)
        return "not terminated within its bound";
    if (n < min_len)
        return "must not be empty";
    for (size_t i = 0; i < n;) {
        size_t k = lnt_wire_utf8_seq(u + i, n - i);
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
void lnt_wire_show(const char *s, char *out, size_t size)
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
bool lnt_wire_uuid_ok(const char *s)
{
    for (size_t i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_lower_hex(s[i]))
            return false;
    }
    return s[36] == '\0';
}

bool lnt_wire_serial_ok(const char *s)
{
    for (size_t i = 0; i < LNT_SERIAL_LEN * 2; i++)
        if (!is_lower_hex(s[i]))
            return false;
    return s[LNT_SERIAL_LEN * 2] == '\0';
}

bool lnt_wire_sia_number_ok(const char *s)
{
    if (s[0] == '\0')
        return true;
    for (size_t i = 0; i < 16; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return s[16] == '\0';
}

bool lnt_wire_sealed_ok(const char *s)
{
    uint8_t bytes[LNT_SEALED_MAX / 4 * 3];
    size_t n = 0;
    return s[0] == '\0' || lnt_b64_decode(s, bytes, sizeof bytes, &n) == LNT_OK;
}

/* A time we can write back exactly: parses, and formats (years 1..9999 in UTC). */
bool lnt_wire_time_ok(const char *s, int64_t *out)
{
    char check[LNT_TIME_STRLEN];
    int64_t t;

    if (lnt_time_parse(s, &t) != LNT_OK || lnt_time_format(t, check) != LNT_OK)
        return false;
    *out = t;
    return true;
}

/* ---- enums ---- */

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

static const char *duty_name(int v)
{
    return v == LNT_DUTY_OTHER ? "other" : NULL;
}

static bool duty_parse(const char *s, int *out)
{
    if (strcmp(s, "other") != 0)
        return false;
    *out = LNT_DUTY_OTHER;
    return true;
}

static const struct lnt_wire_enum role_def = {role_name, role_parse,
                                              "one of door, bar, manager, volunteer"};
static const struct lnt_wire_enum sia_def = {
    sia_name, sia_parse,
    "one of not_required, valid, expiring, expired, missing, suspended, revoked"};
static const struct lnt_wire_enum duty_def = {duty_name, duty_parse,
                                              "other (or leave the field out)"};
static const struct lnt_wire_enum verdict_def = {verdict_name, verdict_parse,
                                                 "one of green, amber, red"};
static const struct lnt_wire_enum reason_def = {
    reason_name, reason_parse,
    "one of not_lantern, bad_encoding, oversized, malformed, unknown_key, bad_signature, "
    "expired, not_yet_valid, revoked, wrong_scheme"};

/* ---- the field tables: one row per wire field, in the order they are checked ---- */

#define EV_OFF(m) offsetof(struct lnt_event, m)
#define EV_SIZE(m) sizeof(((struct lnt_event *)NULL)->m)
#define F(nm, k, m, lo, hi, e, c, x)                                                               \
    {                                                                                              \
        nm, k, EV_OFF(m), EV_SIZE(m), lo, hi, e, c, x, false                                       \
    }
/* An optional field: absent means zero, and a zero value is left out when encoding, so the
 * canonical form of an event without it is what it was before the field existed. */
#define OPT(nm, k, m, e, x)                                                                        \
    {                                                                                              \
        nm, k, EV_OFF(m), EV_SIZE(m), 0, 0, e, NULL, x, true                                       \
    }
#define TEXT(nm, m, min_len) F(nm, K_TEXT, m, min_len, 0, NULL, NULL, "a string")
#define ENUMF(nm, m, def) F(nm, K_ENUM, m, 0, 0, &def, NULL, NULL)
#define INTF(nm, m, lo, hi) F(nm, K_INT, m, lo, hi, NULL, NULL, NULL)
#define BOOLF(nm, m) F(nm, K_BOOL, m, 0, 0, NULL, NULL, "true or false")
#define OPT_TEXT(nm, m)                                                                            \
    {                                                                                              \
        nm, K_TEXT, EV_OFF(m), EV_SIZE(m), 0, 0, NULL, NULL, "a string", true                      \
    }
#define UUIDF(nm, m) F(nm, K_UUID, m, 0, 0, NULL, NULL, "a lower-case RFC 4122 UUID")

static const char *const stock_kinds[] = {"count", "delivery", "handed_out", NULL};
const char *const lnt_wire_tally_names[N_TALLIES] = {"water",        "flip_flops", "blankets",
                                                     "bottles",      "first_aid",  "cctv_calls",
                                                     "police_calls", "calmed"};

const struct lnt_wire_field lnt_wire_common_fields[] = {
    F("seq", K_SEQ, seq, 1, INT64_MAX, NULL, NULL, "a positive integer"),
    UUIDF("uuid", uuid),
    F("type", K_TYPE, type, 0, 0, NULL, NULL, TYPE_EXPECT),
    F("occurred_at", K_TIME, occurred_at, 0, 0, NULL, NULL, "RFC 3339 time"),
    F("recorded_at", K_TIME, recorded_at, 0, 0, NULL, NULL, "RFC 3339 time"),
};

static const struct lnt_wire_field badge_fields[] = {
    TEXT("staff_id", u.badge.staff_id, 1),
    F("badge_serial", K_SERIAL, u.badge.serial, 0, 0, NULL, NULL, "16 lower-case hex digits"),
    ENUMF("role", u.badge.role, role_def),
    F("sia_number", K_SIA_NUMBER, u.badge.sia_number, 0, 0, NULL, NULL, "16 digits or \"\""),
    F("sia_expires", K_DATE, u.badge.sia_expires, 0, 0, NULL, NULL,
      "a date (YYYY-MM-DD) after 1970-01-01, or null"),
    ENUMF("sia_status", u.badge.sia_status, sia_def),
    ENUMF("verdict", u.badge.verdict, verdict_def),
    OPT_TEXT("signed_out_by", u.badge.signed_out_by),
    OPT("duty", K_ENUM, u.badge.duty, &duty_def, NULL),
    OPT("training_missing", K_COURSES, u.badge.training_missing, NULL,
        "an array of course names (bystander, wave, angela, spiking, first-aid, conflict, "
        "challenge25), each once"),
};

static const struct lnt_wire_field refused_fields[] = {
    ENUMF("reason", u.refused.reason, reason_def),
};

static const struct lnt_wire_field incident_fields[] = {
    UUIDF("report_id", u.incident.report_id),
    F("kind", K_CHOICE, u.incident.kind, 0, 0, NULL, lnt_incident_kinds,
      "one of angela, spiking, violence_injury, violence, sexual, weapons, drugs, disorder, "
      "medical, ejection, theft, other"),
    INTF("severity", u.incident.severity, 1, 5),
    TEXT("place", u.incident.place, 0),
    TEXT("outcome", u.incident.outcome, 0),
    BOOLF("police_called", u.incident.police_called),
    BOOLF("complete", u.incident.complete),
    TEXT("staff_id", u.incident.staff_id, 1),
    F("sealed", K_SEALED, u.incident.sealed, 0, 0, NULL, NULL, "base64 text or \"\""),
};

static const struct lnt_wire_field stock_fields[] = {
    F("kind", K_CHOICE, u.stock.kind, 0, 0, NULL, stock_kinds,
      "one of count, delivery, handed_out"),
    INTF("quantity", u.stock.quantity, 0, QUANTITY_MAX),
    TEXT("staff_id", u.stock.staff_id, 1),
};

static const struct lnt_wire_field shift_fields[] = {
    TEXT("staff_id", u.shift.staff_id, 1),
    TEXT("call_sign", u.shift.call_sign, 0),
    TEXT("team", u.shift.team, 0),
    INTF("team_size", u.shift.team_size, 1, TEAM_SIZE_MAX),
    F("tallies", K_TALLIES, u.shift.tallies, 0, TALLY_MAX, NULL, NULL, "an object of counts"),
    OPT_TEXT("base", u.shift.base),
    OPT_TEXT("leader", u.shift.leader),
};

static const struct lnt_wire_field welfare_fields[] = {
    TEXT("staff_id", u.welfare.staff_id, 1),
    TEXT("place", u.welfare.place, 1),
    F("what", K_CHOICE, u.welfare.what, 0, 0, NULL, lnt_welfare_whats,
      "one of intoxicated, injured, distressed, vulnerable_alone, lost_belongings, other"),
    F("outcome", K_CHOICE, u.welfare.outcome, 0, 0, NULL, lnt_welfare_outcomes,
      "one of taxi, friends, safe_space, ambulance, police"),
};

/* The type's own fields, or NULL for a type that is not one of the enum's. */
const struct lnt_wire_field *lnt_wire_type_fields(enum lnt_event_type t, size_t *n)
{
    switch (t) {
    case LNT_EV_SIGN_IN:
    case LNT_EV_SIGN_OUT:
    case LNT_EV_DOOR_REFUSED:
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
    case LNT_EV_WELFARE:
        *n = COUNT(welfare_fields);
        return welfare_fields;
    case LNT_EV_NONE:
        break;
    }
    *n = 0;
    return NULL;
}

bool lnt_wire_in_table(const struct lnt_wire_field *t, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, key) == 0)
            return true;
    return false;
}

bool lnt_wire_in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i] != NULL; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

_Static_assert(COUNT(lnt_wire_common_fields) + COUNT(incident_fields) <= EVENT_FIELDS_MAX,
               "EVENT_FIELDS_MAX too small");
_Static_assert(COUNT(lnt_wire_common_fields) + COUNT(badge_fields) <= EVENT_FIELDS_MAX,
               "EVENT_FIELDS_MAX too small");

_Static_assert(COUNT(lnt_wire_common_fields) == COMMON_FIELDS, "COMMON_FIELDS");
