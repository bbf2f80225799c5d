/* wire_int.h - the JSON wire codec's insides, shared by the wire*.c files beside it: the
 * limits, the field tables that drive every decoder and the encoder, the checks on text, and
 * the canonical JSON writer. Not part of wire.h. */
#ifndef LNT_WIRE_INT_H
#define LNT_WIRE_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "wire.h"

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
#define EVENT_FIELDS_MAX 16            /* fields of one event type, the common ones included */
#define COMMON_FIELDS 5                /* seq, uuid, type, occurred_at, recorded_at */
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- enums and the field tables (wire_fields.c) ---- */

/* An enum field's names: `name` NULL for a value that has none, `parse` false for a word that
 * is not one; `expect` is what a wrong value should have been. */
struct lnt_wire_enum {
    const char *(*name)(int v);
    bool (*parse)(const char *s, int *out);
    const char *expect;
};

#define TYPE_EXPECT                                                                                \
    "one of sign_in, sign_out, badge_refused, incident, stock, shift_start, shift_end, "           \
    "welfare, door_refused"

enum lnt_wire_kind {
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
    K_TALLIES,    /* int32[8] <-> object of named counts */
    K_COURSES     /* uint32 of LNT_COURSE_BIT <-> array of course names, each once */
};

struct lnt_wire_field {
    const char *name;
    enum lnt_wire_kind kind;
    size_t off;  /* within struct lnt_event */
    size_t size; /* of the member */
    int64_t min, max;
    const struct lnt_wire_enum *en;
    const char *const *choices; /* NULL-terminated */
    const char *expect;         /* what a wrong value should have been */
    bool optional; /* may be absent (then zero); left out of the canonical form when zero */
};

/* Every event's own fields; the tally names, in the order of lnt_event's tallies. */
extern const struct lnt_wire_field lnt_wire_common_fields[COMMON_FIELDS];
extern const char *const lnt_wire_tally_names[N_TALLIES];
/* The type's own fields, or NULL for a type that is not one of the enum's. */
const struct lnt_wire_field *lnt_wire_type_fields(enum lnt_event_type t, size_t *n);
bool lnt_wire_in_table(const struct lnt_wire_field *t, size_t n, const char *key);
bool lnt_wire_in_list(const char *const *list, const char *s);

/* ---- checks on text (wire_fields.c) ---- */

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
size_t lnt_wire_utf8_seq(const unsigned char *s, size_t n);
/* What is wrong with `size` bytes of text that must be at least min_len long, or NULL. */
const char *lnt_wire_text_problem(const char *s, size_t size, size_t min_len);
/* Copies at most SHOW_MAX printable bytes of s into out, for an error message. */
void lnt_wire_show(const char *s, char *out, size_t size);
bool lnt_wire_uuid_ok(const char *s);
bool lnt_wire_serial_ok(const char *s);
bool lnt_wire_sia_number_ok(const char *s);
bool lnt_wire_sealed_ok(const char *s);
/* An RFC 3339 time in [TIME_MIN, TIME_MAX] as unix seconds. */
bool lnt_wire_time_ok(const char *s, int64_t *out);

/* ---- JSON in and out (wire_json.c) ---- */

/* Text being written; the first buffer failure sticks and is reported once, at the end. */
struct lnt_wire_text {
    struct lnt_buf *b;
    enum lnt_err rc;
};

void lnt_wire_put_raw(struct lnt_wire_text *t, const char *s, size_t n);
void lnt_wire_put_lit(struct lnt_wire_text *t, const char *s);
/* A JSON string, escaped as jansson escapes it. */
void lnt_wire_put_str(struct lnt_wire_text *t, const char *s);
void lnt_wire_put_int(struct lnt_wire_text *t, int64_t v);
/* `"name":` (field and tally names are plain identifiers: nothing to escape). */
void lnt_wire_put_key(struct lnt_wire_text *t, const char *name);
/* Ends a write that began at out->len == start: on any error the buffer is put back as it
 * was; text over `limit` bytes is TOO_LARGE. */
enum lnt_err lnt_wire_text_end(struct lnt_wire_text *t, size_t start, size_t limit, enum lnt_err rc,
                               char *err);
/* Parses at most `max` bytes of JSON (any top-level value) into *out; the caller decrefs. */
enum lnt_err lnt_wire_load(const char *json, size_t len, size_t max, json_t **out, char *err);
/* Reads integer `v` in [min, max]; the range is checked before any narrowing. */
bool lnt_wire_get_int(const json_t *v, int64_t min, int64_t max, int64_t *out);

/* ---- the fast decoder (wire_fast.c) is declared in wire.h ---- */

#endif
