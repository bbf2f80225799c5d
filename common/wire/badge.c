/* badge.c - staff badges: CWT claims in a COSE_Sign1, issued and verified (docs/badge-format.md).
 */
#include "badge.h"

#include "base45.h"
#include "buf.h"
#include "codec.h"
#include "cose.h"
#include "ltime.h"

#include <assert.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(LNT_KID_LEN == LNT_COSE_KID_LEN, "badge kid is the COSE kid");

/* CWT claim keys (RFC 8392) and Lantern's private claim (private-use range, below -65536). */
#define CWT_ISS 1
#define CWT_SUB 2
#define CWT_EXP 4
#define CWT_IAT 6
#define CWT_CTI 7
#define LNT_CLAIM_ARG 65536u /* CBOR negative integer argument: -1 - 65536 = -65537 */
/* Where the decoder files the private claim among the small keys it tracks in a bit set. */
#define KEY_LANTERN 31

/* Keys inside the private claim. */
#define LC_NAME 1
#define LC_ROLE 2
#define LC_VENUE 3
#define LC_SIA_NUMBER 4
#define LC_SIA_EXPIRES 5
#define LC_TRAINING 6

#define SIA_DIGITS 16
#define SIA_MAX UINT64_C(9999999999999999)
#define PREFIX_LEN (sizeof LNT_BADGE_PREFIX - 1)
/* COSE bytes of the longest text a verifier accepts. */
#define MAX_COSE_BYTES ((LNT_BADGE_MAX_TEXT - PREFIX_LEN) / 3 * 2 + 1)

static const char *const role_names[] = {"none", "door", "bar", "manager", "volunteer"};

static const char *const course_names[] = {"none",    "bystander", "wave",     "angela",
                                           "spiking", "first-aid", "conflict", "challenge25"};

const char *lnt_role_name(enum lnt_role r)
{
    if ((unsigned)r > LNT_ROLE_VOLUNTEER)
        return "unknown";
    return role_names[r];
}

enum lnt_err lnt_role_parse(const char *s, enum lnt_role *out)
{
    for (unsigned r = LNT_ROLE_DOOR; s != NULL && r <= LNT_ROLE_VOLUNTEER; r++) {
        if (strcmp(s, role_names[r]) == 0) {
            *out = (enum lnt_role)r;
            return LNT_OK;
        }
    }
    return LNT_ERR_INVALID;
}

const char *lnt_course_name(enum lnt_course c)
{
    if ((unsigned)c > LNT_COURSE__MAX)
        return "unknown";
    return course_names[c];
}

enum lnt_err lnt_course_parse(const char *s, enum lnt_course *out)
{
    for (unsigned c = LNT_COURSE_BYSTANDER; s != NULL && c <= LNT_COURSE__MAX; c++) {
        if (strcmp(s, course_names[c]) == 0) {
            *out = (enum lnt_course)c;
            return LNT_OK;
        }
    }
    return LNT_ERR_INVALID;
}

static const char *const reason_codes[LNT_BADGE__COUNT] = {
    [LNT_BADGE_VALID] = "valid",
    [LNT_BADGE_NOT_LANTERN] = "not_lantern",
    [LNT_BADGE_BAD_ENCODING] = "bad_encoding",
    [LNT_BADGE_OVERSIZED] = "oversized",
    [LNT_BADGE_MALFORMED] = "malformed",
    [LNT_BADGE_UNKNOWN_KEY] = "unknown_key",
    [LNT_BADGE_BAD_SIGNATURE] = "bad_signature",
    [LNT_BADGE_EXPIRED] = "expired",
    [LNT_BADGE_NOT_YET_VALID] = "not_yet_valid",
    [LNT_BADGE_REVOKED] = "revoked",
    [LNT_BADGE_WRONG_SCHEME] = "wrong_scheme",
};

static const char *const reason_texts[LNT_BADGE__COUNT] = {
    [LNT_BADGE_VALID] = "Badge accepted.",
    [LNT_BADGE_NOT_LANTERN] = "That is not a Lantern staff badge. Show the badge from your scheme.",
    [LNT_BADGE_BAD_ENCODING] =
        "The badge could not be read; the code may be damaged or partly covered. Hold it flat "
        "and still and try again, or sign in by hand and ask your manager for a reprint.",
    [LNT_BADGE_OVERSIZED] =
        "That code is too long to be a Lantern staff badge. Show the badge from your scheme.",
    [LNT_BADGE_MALFORMED] =
        "This badge is damaged or was not made properly, so it cannot be checked. You can "
        "still be signed in by hand; ask your manager for a new badge.",
    [LNT_BADGE_UNKNOWN_KEY] =
        "This kiosk does not recognise who issued this badge. If the badge is new, the kiosk "
        "may need to update: ask the manager. You can still be signed in by hand.",
    [LNT_BADGE_BAD_SIGNATURE] =
        "This badge has been altered or is not genuine. Do not accept it; tell the manager.",
    [LNT_BADGE_EXPIRED] = "This badge has expired. Ask your manager for a new badge; you can "
                          "still be signed in by hand.",
    [LNT_BADGE_NOT_YET_VALID] =
        "This badge is not valid yet. Check the kiosk's date and time are right, or ask the "
        "manager; you can still be signed in by hand.",
    [LNT_BADGE_REVOKED] = "This badge has been cancelled (a newer one was issued, or it was "
                          "reported lost). Use your new badge or see the manager.",
    [LNT_BADGE_WRONG_SCHEME] = "This badge is from another town's scheme; it is not valid here. "
                               "You can still be signed in by hand.",
};

const char *lnt_badge_reason_code(enum lnt_badge_reason r)
{
    if ((unsigned)r >= LNT_BADGE__COUNT)
        return "unknown";
    return reason_codes[r];
}

const char *lnt_badge_reason_text(enum lnt_badge_reason r)
{
    if ((unsigned)r >= LNT_BADGE__COUNT)
        return "This badge could not be checked. You can still be signed in by hand.";
    return reason_texts[r];
}

void lnt_badge_kid(const uint8_t pk[LNT_SIGN_PK_LEN], uint8_t kid[LNT_KID_LEN])
{
    uint8_t h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, pk, LNT_SIGN_PK_LEN);
    memcpy(kid, h, LNT_KID_LEN);
}

void lnt_badge_keygen(struct lnt_signing_key *out)
{
    if (lnt_crypto_init() != LNT_OK)
        abort(); /* libsodium cannot run here at all: no key can be made safely */
    crypto_sign_keypair(out->pk, out->sk);
    lnt_badge_kid(out->pk, out->kid);
}

/* ---- text checks, shared by issue (LNT_ERR_INVALID) and verify (malformed) ---- */

/* true when p[0..n) is UTF-8 without overlongs, surrogates or control characters. */
static bool utf8_printable(const uint8_t *p, size_t n)
{
    size_t i = 0;

    while (i < n) {
        uint32_t cp;
        size_t extra;

        if (p[i] < 0x80) {
            if (p[i] < 0x20 || p[i] == 0x7f)
                return false;
            i++;
            continue;
        }
        if ((p[i] & 0xe0) == 0xc0) {
            cp = p[i] & 0x1f;
            extra = 1;
        } else if ((p[i] & 0xf0) == 0xe0) {
            cp = p[i] & 0x0f;
            extra = 2;
        } else if ((p[i] & 0xf8) == 0xf0) {
            cp = p[i] & 0x07;
            extra = 3;
        } else {
            return false;
        }
        if (n - i <= extra)
            return false;
        for (size_t k = 1; k <= extra; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (p[i + k] & 0x3f);
        }
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
            (extra == 3 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
            (cp >= 0x80 && cp < 0xa0))
            return false;
        i += extra + 1;
    }
    return true;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Issuer: 1-16 printable ASCII characters without spaces. */
static bool issuer_ok(const char *s, size_t n)
{
    if (n == 0 || n >= sizeof((struct lnt_badge_claims *)0)->issuer)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x21 || s[i] > 0x7e)
            return false;
    return true;
}

static bool subject_ok(const char *s, size_t n)
{
    return n > 0 && n < sizeof((struct lnt_badge_claims *)0)->subject && all_digits(s, n);
}

static bool name_ok(const char *s, size_t n)
{
    return n > 0 && n < sizeof((struct lnt_badge_claims *)0)->name &&
           utf8_printable((const uint8_t *)s, n);
}

/* Length of a NUL-terminated field of `size` bytes, or `size` when it has no terminator. */
static size_t field_len(const char *s, size_t size)
{
    const char *nul = memchr(s, '\0', size);
    return nul == NULL ? size : (size_t)(nul - s);
}

/* true when all n bytes at p are zero: the one serial the format says never occurs. */
static bool all_zero(const uint8_t *p, size_t n)
{
    uint8_t any = 0;
    for (size_t i = 0; i < n; i++)
        any |= p[i];
    return any == 0;
}

static enum lnt_err check_claims(const struct lnt_badge_claims *c, char *err)
{
    size_t n;

    n = field_len(c->issuer, sizeof c->issuer);
    if (!issuer_ok(c->issuer, n))
        return lnt_fail(err, LNT_ERR_INVALID,
                        "badge: issuer must be the scheme code, 1-16 printable characters");
    n = field_len(c->subject, sizeof c->subject);
    if (!subject_ok(c->subject, n))
        return lnt_fail(err, LNT_ERR_INVALID, "badge: subject must be the staff id, 1-16 digits");
    n = field_len(c->name, sizeof c->name);
    if (!name_ok(c->name, n))
        return lnt_fail(err, LNT_ERR_INVALID,
                        "badge: name must be 1-%d bytes of UTF-8 without control characters",
                        LNT_BADGE_NAME_MAX);
    if (c->role < LNT_ROLE_DOOR || c->role > LNT_ROLE_VOLUNTEER)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "badge: role must be door, bar, manager or volunteer");
    if (all_zero(c->serial, LNT_SERIAL_LEN))
        return lnt_fail(err, LNT_ERR_INVALID,
                        "badge: serial is all zero (fill it with lnt_random)");
    if (c->issued_at < 0)
        return lnt_fail(err, LNT_ERR_INVALID, "badge: issued-at %" PRId64 " is before 1970",
                        c->issued_at);
    if (c->expires_at <= c->issued_at)
        return lnt_fail(err, LNT_ERR_INVALID, "badge: expiry must be after issued-at");
    if (c->expires_at - c->issued_at > LNT_BADGE_MAX_VALIDITY)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "badge: valid for %" PRId64 " days, more than the 397-day (13 month) limit",
                        (c->expires_at - c->issued_at + 86399) / 86400);
    n = field_len(c->sia_number, sizeof c->sia_number);
    if (n != 0 && (n != SIA_DIGITS || !all_digits(c->sia_number, n)))
        return lnt_fail(err, LNT_ERR_INVALID, "badge: SIA licence number must be 16 digits");
    if (n != 0 && c->sia_expires <= 0)
        return lnt_fail(err, LNT_ERR_INVALID, "badge: SIA licence number given without its expiry");
    if (n == 0 && c->sia_expires != 0)
        return lnt_fail(err, LNT_ERR_INVALID, "badge: SIA expiry given without a licence number");
    if (c->n_courses > LNT_BADGE_MAX_COURSES)
        return lnt_fail(err, LNT_ERR_INVALID, "badge: %zu training courses, at most %d",
                        c->n_courses, LNT_BADGE_MAX_COURSES);
    for (size_t i = 0; i < c->n_courses; i++) {
        if (c->courses[i].course < LNT_COURSE_BYSTANDER || c->courses[i].course > LNT_COURSE__MAX)
            return lnt_fail(err, LNT_ERR_INVALID,
                            "badge: training course %zu has an unknown code %d", i + 1,
                            (int)c->courses[i].course);
        if (c->courses[i].expires < 0)
            return lnt_fail(err, LNT_ERR_INVALID, "badge: training course %s has a negative expiry",
                            lnt_course_name(c->courses[i].course));
        for (size_t j = 0; j < i; j++)
            if (c->courses[j].course == c->courses[i].course)
                return lnt_fail(err, LNT_ERR_INVALID, "badge: training course %s listed twice",
                                lnt_course_name(c->courses[i].course));
    }
    return LNT_OK;
}

/* ---- encoding ---- */

static int course_cmp(const void *a, const void *b)
{
    const struct lnt_badge_course *x = a;
    const struct lnt_badge_course *y = b;
    return (x->course > y->course) - (x->course < y->course);
}

/* Builds Lantern's private claim map; NULL when out of memory. Claims are already checked. */
static cbor_item_t *build_lantern(const struct lnt_badge_claims *c)
{
    struct lnt_badge_course sorted[LNT_BADGE_MAX_COURSES];
    bool sia = c->sia_number[0] != '\0';
    size_t n = 2 + (c->venue != 0) + (sia ? 2 : 0) + (c->n_courses > 0);
    cbor_item_t *map = cbor_new_definite_map(n);
    cbor_item_t *training = NULL;
    bool ok;

    if (map == NULL)
        return NULL;
    ok = lnt_cbor_put(map, lnt_cbor_uint(LC_NAME), cbor_build_stringn(c->name, strlen(c->name))) &&
         lnt_cbor_put(map, lnt_cbor_uint(LC_ROLE), lnt_cbor_uint((uint64_t)c->role));
    if (ok && c->venue != 0)
        ok = lnt_cbor_put(map, lnt_cbor_uint(LC_VENUE), lnt_cbor_uint(c->venue));
    if (ok && sia) {
        uint64_t number = 0;
        for (size_t i = 0; i < SIA_DIGITS; i++)
            number = number * 10 + (uint64_t)(c->sia_number[i] - '0');
        ok = lnt_cbor_put(map, lnt_cbor_uint(LC_SIA_NUMBER), lnt_cbor_uint(number)) &&
             lnt_cbor_put(map, lnt_cbor_uint(LC_SIA_EXPIRES),
                          lnt_cbor_uint((uint64_t)c->sia_expires));
    }
    if (ok && c->n_courses > 0) {
        memcpy(sorted, c->courses, c->n_courses * sizeof sorted[0]);
        qsort(sorted, c->n_courses, sizeof sorted[0], course_cmp);
        training = cbor_new_definite_map(c->n_courses);
        ok = training != NULL;
        for (size_t i = 0; ok && i < c->n_courses; i++)
            ok = lnt_cbor_put(training, lnt_cbor_uint((uint64_t)sorted[i].course),
                              lnt_cbor_uint((uint64_t)sorted[i].expires));
        if (ok) {
            ok = lnt_cbor_put(map, lnt_cbor_uint(LC_TRAINING), training);
            training = NULL; /* released by put */
        }
    }
    if (!ok) {
        if (training != NULL)
            cbor_decref(&training);
        cbor_decref(&map);
    }
    return map;
}

static enum lnt_err encode_claims(const struct lnt_badge_claims *c, uint8_t *out, size_t max,
                                  size_t *out_len, char *err)
{
    cbor_item_t *map = cbor_new_definite_map(6);
    enum lnt_err rc;

    if (map == NULL ||
        !lnt_cbor_put(map, lnt_cbor_uint(CWT_ISS),
                      cbor_build_stringn(c->issuer, strlen(c->issuer))) ||
        !lnt_cbor_put(map, lnt_cbor_uint(CWT_SUB),
                      cbor_build_stringn(c->subject, strlen(c->subject))) ||
        !lnt_cbor_put(map, lnt_cbor_uint(CWT_EXP), lnt_cbor_uint((uint64_t)c->expires_at)) ||
        !lnt_cbor_put(map, lnt_cbor_uint(CWT_IAT), lnt_cbor_uint((uint64_t)c->issued_at)) ||
        !lnt_cbor_put(map, lnt_cbor_uint(CWT_CTI),
                      cbor_build_bytestring(c->serial, LNT_SERIAL_LEN)) ||
        !lnt_cbor_put(map, cbor_build_negint32(LNT_CLAIM_ARG), build_lantern(c))) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "badge: out of memory encoding claims");
        goto out;
    }
    rc = lnt_cbor_encode(map, out, max, out_len, err);
out:
    if (map != NULL)
        cbor_decref(&map);
    return rc;
}

enum lnt_err lnt_badge_issue(const struct lnt_badge_claims *claims,
                             const struct lnt_signing_key *key, char *out, size_t out_size,
                             char *err)
{
    uint8_t payload[LNT_COSE_MAX_PAYLOAD];
    uint8_t cose[LNT_COSE_MAX_PAYLOAD + 128];
    size_t payload_len = 0;
    size_t cose_len = 0;
    size_t text_len;
    enum lnt_err rc;

    assert(claims != NULL && key != NULL && out != NULL);
    if (out_size > 0)
        out[0] = '\0';
    if (lnt_crypto_init() != LNT_OK)
        return lnt_fail(err, LNT_ERR_CRYPTO, "badge: libsodium failed to initialise");
    rc = check_claims(claims, err);
    if (rc != LNT_OK)
        return rc;
    rc = encode_claims(claims, payload, sizeof payload, &payload_len, err);
    if (rc == LNT_OK)
        rc = lnt_cose_sign1_encode(payload, payload_len, key->kid, key->sk, cose, sizeof cose,
                                   &cose_len, err);
    if (rc != LNT_OK)
        return rc == LNT_ERR_TOO_LARGE
                   ? lnt_fail(err, rc, "badge: claims are far over the size a badge can carry")
                   : rc;
    text_len = PREFIX_LEN + LNT_BASE45_LEN(cose_len);
    if (text_len > LNT_BADGE_MAX_TEXT)
        return lnt_fail(err, LNT_ERR_TOO_LARGE,
                        "badge: would be %zu characters, %zu over the %d a QR code can hold; "
                        "shorten the name or drop a course",
                        text_len, text_len - LNT_BADGE_MAX_TEXT, LNT_BADGE_MAX_TEXT);
    if (text_len + 1 > out_size)
        return lnt_fail(err, LNT_ERR_TOO_LARGE,
                        "badge: %zu characters do not fit a %zu-byte buffer", text_len, out_size);
    memcpy(out, LNT_BADGE_PREFIX, PREFIX_LEN);
    rc = lnt_base45_encode(cose, cose_len, out + PREFIX_LEN, out_size - PREFIX_LEN);
    if (rc != LNT_OK) {
        out[0] = '\0';
        return lnt_fail(err, LNT_ERR_INTERNAL, "badge: base45 encoding failed after sizing");
    }
    return LNT_OK;
}

/* ---- decoding (only ever of a payload whose signature has been checked) ---- */

/* true when two map keys are the same integer or the same text. */
static bool same_key(const cbor_item_t *a, const cbor_item_t *b)
{
    if (cbor_typeof(a) != cbor_typeof(b))
        return false;
    if (cbor_isa_uint(a) || cbor_isa_negint(a))
        return cbor_get_int(a) == cbor_get_int(b);
    if (cbor_isa_string(a))
        return cbor_string_length(a) == cbor_string_length(b) &&
               memcmp(cbor_string_handle(a), cbor_string_handle(b), cbor_string_length(a)) == 0;
    return false;
}

/* Claim maps: keys are integers or text, each at most once. */
static enum lnt_err check_map(const cbor_item_t *map, const char *what, char *err)
{
    struct cbor_pair *pairs;
    size_t n;

    if (!cbor_isa_map(map) || !cbor_map_is_definite(map))
        return lnt_fail(err, LNT_ERR_INVALID, "badge %s: not a map", what);
    n = cbor_map_size(map);
    pairs = cbor_map_handle(map);
    for (size_t i = 0; i < n; i++) {
        const cbor_item_t *k = pairs[i].key;
        if (!cbor_isa_uint(k) && !cbor_isa_negint(k) && !cbor_isa_string(k))
            return lnt_fail(err, LNT_ERR_INVALID, "badge %s: key %zu is not an integer or text",
                            what, i + 1);
        for (size_t j = 0; j < i; j++)
            if (same_key(pairs[j].key, k))
                return lnt_fail(err, LNT_ERR_INVALID, "badge %s: key %zu repeats an earlier key",
                                what, i + 1);
    }
    return LNT_OK;
}

/* Small unsigned key of a pair, or -1 for any other key (ignored by the caller). */
static int64_t uint_key(const cbor_item_t *k)
{
    if (!cbor_isa_uint(k) || cbor_get_int(k) >= KEY_LANTERN)
        return -1;
    return (int64_t)cbor_get_int(k);
}

static enum lnt_err get_uint(const cbor_item_t *v, uint64_t max, const char *what, uint64_t *out,
                             char *err)
{
    if (!cbor_isa_uint(v))
        return lnt_fail(err, LNT_ERR_INVALID, "badge claim %s: expected an unsigned integer", what);
    if (cbor_get_int(v) > max)
        return lnt_fail(err, LNT_ERR_INVALID, "badge claim %s: %llu is over %llu", what,
                        (unsigned long long)cbor_get_int(v), (unsigned long long)max);
    *out = cbor_get_int(v);
    return LNT_OK;
}

/* Copies a text claim into dst[size] after `ok` accepts it. */
static enum lnt_err get_text(const cbor_item_t *v, bool (*ok)(const char *, size_t),
                             const char *what, char *dst, size_t size, char *err)
{
    size_t n;

    if (!cbor_isa_string(v) || !cbor_string_is_definite(v))
        return lnt_fail(err, LNT_ERR_INVALID, "badge claim %s: expected text", what);
    n = cbor_string_length(v);
    if (n >= size || !ok((const char *)cbor_string_handle(v), n) ||
        memchr(cbor_string_handle(v), '\0', n) != NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "badge claim %s: text is not acceptable", what);
    memcpy(dst, cbor_string_handle(v), n);
    dst[n] = '\0';
    return LNT_OK;
}

static enum lnt_err decode_training(const cbor_item_t *map, struct lnt_badge_claims *c, char *err)
{
    struct cbor_pair *pairs;
    enum lnt_err rc = check_map(map, "training", err);

    if (rc != LNT_OK)
        return rc;
    pairs = cbor_map_handle(map);
    for (size_t i = 0; i < cbor_map_size(map); i++) {
        uint64_t code = 0;
        uint64_t days = 0;

        rc = get_uint(pairs[i].key, UINT32_MAX, "training course code", &code, err);
        if (rc == LNT_OK)
            rc = get_uint(pairs[i].value, INT32_MAX, "training expiry", &days, err);
        if (rc != LNT_OK)
            return rc;
        /* Courses added after this kiosk was built are skipped, not refused. */
        if (code < LNT_COURSE_BYSTANDER || code > LNT_COURSE__MAX)
            continue;
        assert(c->n_courses < LNT_BADGE_MAX_COURSES); /* keys are unique and there are 7 codes */
        c->courses[c->n_courses].course = (enum lnt_course)code;
        c->courses[c->n_courses].expires = (int32_t)days;
        c->n_courses++;
    }
    return LNT_OK;
}

static enum lnt_err decode_lantern(const cbor_item_t *map, struct lnt_badge_claims *c, char *err)
{
    struct cbor_pair *pairs;
    bool have_name = false;
    bool have_role = false;
    bool have_sia = false;
    bool have_sia_exp = false;
    uint64_t v = 0;
    enum lnt_err rc = check_map(map, "Lantern claim", err);

    if (rc != LNT_OK)
        return rc;
    pairs = cbor_map_handle(map);
    for (size_t i = 0; rc == LNT_OK && i < cbor_map_size(map); i++) {
        const cbor_item_t *val = pairs[i].value;

        switch (uint_key(pairs[i].key)) {
        case LC_NAME:
            rc = get_text(val, name_ok, "name", c->name, sizeof c->name, err);
            have_name = true;
            break;
        case LC_ROLE:
            rc = get_uint(val, LNT_ROLE_VOLUNTEER, "role", &v, err);
            if (rc == LNT_OK && v == LNT_ROLE_NONE)
                rc = lnt_fail(err, LNT_ERR_INVALID, "badge claim role: 0 is not a role");
            c->role = (enum lnt_role)v;
            have_role = true;
            break;
        case LC_VENUE:
            rc = get_uint(val, UINT32_MAX, "venue", &v, err);
            c->venue = (uint32_t)v;
            break;
        case LC_SIA_NUMBER:
            rc = get_uint(val, SIA_MAX, "SIA licence number", &v, err);
            snprintf(c->sia_number, sizeof c->sia_number, "%016" PRIu64, v);
            have_sia = true;
            break;
        case LC_SIA_EXPIRES:
            rc = get_uint(val, INT32_MAX, "SIA expiry", &v, err);
            if (rc == LNT_OK && v == 0)
                rc = lnt_fail(err, LNT_ERR_INVALID, "badge claim SIA expiry: 0 is not a date");
            c->sia_expires = (int32_t)v;
            have_sia_exp = true;
            break;
        case LC_TRAINING:
            rc = decode_training(val, c, err);
            break;
        default:
            break; /* unknown claims are for newer kiosks */
        }
    }
    if (rc != LNT_OK)
        return rc;
    if (!have_name || !have_role)
        return lnt_fail(err, LNT_ERR_INVALID, "badge: Lantern claim lacks %s",
                        have_name ? "the role" : "the name");
    if (have_sia != have_sia_exp)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "badge: SIA licence number and expiry must come together");
    return LNT_OK;
}

static bool is_lantern_key(const cbor_item_t *k)
{
    return cbor_isa_negint(k) && cbor_get_int(k) == LNT_CLAIM_ARG;
}

static enum lnt_err decode_claims(const uint8_t *p, size_t n, struct lnt_badge_claims *c, char *err)
{
    cbor_item_t *map = NULL;
    struct cbor_pair *pairs;
    unsigned seen = 0; /* bit per required claim */
    uint64_t v = 0;
    enum lnt_err rc;

    rc = lnt_cbor_decode(p, n, &map, err);
    if (rc != LNT_OK) {
        lnt_fail_prefix(err, rc, "badge claims: ");
        goto out;
    }
    rc = check_map(map, "claims", err);
    if (rc != LNT_OK)
        goto out;
    pairs = cbor_map_handle(map);
    for (size_t i = 0; rc == LNT_OK && i < cbor_map_size(map); i++) {
        const cbor_item_t *val = pairs[i].value;
        int64_t key = is_lantern_key(pairs[i].key) ? KEY_LANTERN : uint_key(pairs[i].key);

        switch (key) {
        case CWT_ISS:
            rc = get_text(val, issuer_ok, "iss", c->issuer, sizeof c->issuer, err);
            break;
        case CWT_SUB:
            rc = get_text(val, subject_ok, "sub", c->subject, sizeof c->subject, err);
            break;
        case CWT_EXP:
            rc = get_uint(val, INT64_MAX, "exp", &v, err);
            c->expires_at = (int64_t)v;
            break;
        case CWT_IAT:
            rc = get_uint(val, INT64_MAX, "iat", &v, err);
            c->issued_at = (int64_t)v;
            break;
        case CWT_CTI:
            if (!cbor_isa_bytestring(val) || !cbor_bytestring_is_definite(val) ||
                cbor_bytestring_length(val) != LNT_SERIAL_LEN)
                rc = lnt_fail(err, LNT_ERR_INVALID, "badge claim cti: expected %d bytes",
                              LNT_SERIAL_LEN);
            else if (all_zero(cbor_bytestring_handle(val), LNT_SERIAL_LEN))
                rc = lnt_fail(err, LNT_ERR_INVALID, "badge claim cti: serial is all zero");
            else
                memcpy(c->serial, cbor_bytestring_handle(val), LNT_SERIAL_LEN);
            break;
        case KEY_LANTERN:
            rc = decode_lantern(val, c, err);
            break;
        default:
            continue; /* claims this version does not use */
        }
        seen |= 1u << key;
    }
    if (rc != LNT_OK)
        goto out;
    rc = LNT_ERR_INVALID;
    if (!(seen & 1u << KEY_LANTERN))
        lnt_fail(err, rc, "badge claims: the Lantern claim (-65537) is missing");
    else if (!(seen & 1u << CWT_ISS) || !(seen & 1u << CWT_SUB) || !(seen & 1u << CWT_EXP) ||
             !(seen & 1u << CWT_IAT) || !(seen & 1u << CWT_CTI))
        lnt_fail(err, rc, "badge claims: one of iss, sub, exp, iat, cti is missing");
    else if (c->expires_at <= c->issued_at || c->expires_at - c->issued_at > LNT_BADGE_MAX_VALIDITY)
        lnt_fail(err, rc, "badge claims: validity is not within 13 months after issue");
    else
        rc = LNT_OK;
out:
    if (map != NULL)
        cbor_decref(&map);
    return rc;
}

static bool is_revoked(const struct lnt_trust *trust, const uint8_t serial[LNT_SERIAL_LEN])
{
    for (size_t i = 0; i < trust->n_revoked; i++)
        if (memcmp(trust->revoked[i], serial, LNT_SERIAL_LEN) == 0)
            return true;
    return false;
}

/* Formats `t` for a message; "?" when out of the printable range. */
static const char *when(int64_t t, char buf[LNT_TIME_STRLEN])
{
    if (lnt_time_format(t, buf) != LNT_OK)
        lnt_str_copy(buf, LNT_TIME_STRLEN, "?");
    return buf;
}

enum lnt_badge_reason lnt_badge_verify(const char *text, const struct lnt_trust *trust, int64_t now,
                                       struct lnt_badge_claims *out, char *err)
{
    uint8_t raw[MAX_COSE_BYTES];
    size_t raw_len = 0;
    size_t len;
    struct lnt_cose_sign1 msg;
    struct lnt_badge_claims c;
    char hex[LNT_HEX_LEN(LNT_SERIAL_LEN)];
    char t1[LNT_TIME_STRLEN];
    bool kid_known = false;
    bool signed_ok = false;
    enum lnt_err rc;
    enum lnt_badge_reason r;

    assert(trust != NULL && trust->scheme != NULL && out != NULL);
    memset(out, 0, sizeof *out);
    memset(&c, 0, sizeof c);
    if (err != NULL)
        err[0] = '\0';

    if (text == NULL || !lnt_str_starts(text, LNT_BADGE_PREFIX)) {
        lnt_fail(err, LNT_ERR_INVALID, "badge: text does not start with " LNT_BADGE_PREFIX);
        return LNT_BADGE_NOT_LANTERN;
    }
    len = strnlen(text, LNT_BADGE_MAX_TEXT + 1);
    if (len > LNT_BADGE_MAX_TEXT) {
        lnt_fail(err, LNT_ERR_TOO_LARGE, "badge: text is over %d characters", LNT_BADGE_MAX_TEXT);
        return LNT_BADGE_OVERSIZED;
    }
    rc = lnt_base45_decode(text + PREFIX_LEN, len - PREFIX_LEN, raw, sizeof raw, &raw_len);
    if (rc != LNT_OK) {
        lnt_fail(err, rc, "badge: text after " LNT_BADGE_PREFIX " is not valid base45");
        return LNT_BADGE_BAD_ENCODING;
    }
    if (lnt_cose_sign1_decode(raw, raw_len, &msg, err) != LNT_OK)
        return LNT_BADGE_MALFORMED;
    if (lnt_crypto_init() != LNT_OK) {
        lnt_fail(err, LNT_ERR_CRYPTO, "badge: libsodium failed to initialise");
        return LNT_BADGE_BAD_SIGNATURE;
    }
    /* Four-byte kids can collide: try every trusted key that carries this one. */
    for (size_t i = 0; i < trust->n_keys && !signed_ok; i++) {
        if (memcmp(trust->keys[i].kid, msg.kid, LNT_KID_LEN) != 0)
            continue;
        kid_known = true;
        rc = lnt_cose_sign1_verify(&msg, trust->keys[i].pk, NULL);
        /* Not checked is not forged: the door is told the badge cannot be checked, as when
         * decoding it runs out of memory, never that it is not genuine. */
        if (rc == LNT_ERR_NOMEM) {
            lnt_fail(err, LNT_ERR_NOMEM, "badge: out of memory checking the signature");
            return LNT_BADGE_MALFORMED;
        }
        signed_ok = rc == LNT_OK;
    }
    if (!kid_known) {
        char kid_hex[LNT_HEX_LEN(LNT_KID_LEN)];
        lnt_hex_encode(msg.kid, LNT_KID_LEN, kid_hex);
        lnt_fail(err, LNT_ERR_UNKNOWN_KEY, "badge: key id %s is not in the trust list", kid_hex);
        return LNT_BADGE_UNKNOWN_KEY;
    }
    if (!signed_ok) {
        lnt_fail(err, LNT_ERR_BAD_SIGNATURE, "badge: signature does not verify");
        return LNT_BADGE_BAD_SIGNATURE;
    }

    /* From here on the payload is authentic; it is still parsed strictly. */
    if (decode_claims(msg.payload, msg.payload_len, &c, err) != LNT_OK) {
        r = LNT_BADGE_MALFORMED;
        goto out;
    }
    memcpy(c.kid, msg.kid, LNT_KID_LEN);
    lnt_hex_encode(c.serial, LNT_SERIAL_LEN, hex);
    if (strcmp(c.issuer, trust->scheme) != 0) {
        lnt_fail(err, LNT_ERR_FORBIDDEN, "badge %s: issued by scheme %s, this kiosk is in %s", hex,
                 c.issuer, trust->scheme);
        r = LNT_BADGE_WRONG_SCHEME;
    } else if (is_revoked(trust, c.serial)) {
        lnt_fail(err, LNT_ERR_REVOKED, "badge %s: serial is revoked", hex);
        r = LNT_BADGE_REVOKED;
    } else if (c.expires_at <= now) {
        lnt_fail(err, LNT_ERR_EXPIRED, "badge %s: expired at %s", hex, when(c.expires_at, t1));
        r = LNT_BADGE_EXPIRED;
    } else if (c.issued_at > now + LNT_BADGE_SKEW) {
        lnt_fail(err, LNT_ERR_NOT_YET_VALID, "badge %s: issued at %s, in the future", hex,
                 when(c.issued_at, t1));
        r = LNT_BADGE_NOT_YET_VALID;
    } else {
        *out = c;
        r = LNT_BADGE_VALID;
    }
out:
    sodium_memzero(&c, sizeof c);
    return r;
}
