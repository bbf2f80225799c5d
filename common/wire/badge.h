/* badge.h - staff badges: signed claims (COSE_Sign1, Ed25519, CBOR) as QR text "LNT1:" + base45. */
#ifndef LNT_BADGE_H
#define LNT_BADGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "err.h"

/* The format is specified in docs/badge-format.md; this header is its C face. */
#define LNT_BADGE_PREFIX "LNT1:"
/* The whole QR text (prefix included) fits QR version 12 at level Q in alphanumeric mode. */
#define LNT_BADGE_MAX_TEXT 296
#define LNT_BADGE_MAX_COURSES 8
#define LNT_BADGE_MAX_VALIDITY (397 * 86400) /* 13 months */
#define LNT_BADGE_SKEW 300    /* seconds of clock difference tolerated on issued-at */
#define LNT_BADGE_NAME_MAX 28 /* bytes of display name: longer names are cut by the issuer */
#define LNT_KID_LEN 4
#define LNT_SERIAL_LEN 8
#define LNT_SIGN_PK_LEN 32
#define LNT_SIGN_SK_LEN 64

enum lnt_role {
    LNT_ROLE_NONE = 0,
    LNT_ROLE_DOOR = 1,
    LNT_ROLE_BAR = 2,
    LNT_ROLE_MANAGER = 3,
    LNT_ROLE_VOLUNTEER = 4
};

enum lnt_course {
    LNT_COURSE_NONE = 0,
    LNT_COURSE_BYSTANDER = 1,
    LNT_COURSE_WAVE = 2,
    LNT_COURSE_ANGELA = 3,
    LNT_COURSE_SPIKING = 4,
    LNT_COURSE_FIRST_AID = 5,
    LNT_COURSE_CONFLICT = 6,
    LNT_COURSE_CHALLENGE25 = 7,
    LNT_COURSE__MAX = 7
};

/* "door", "bar", "manager", "volunteer"; "none" for LNT_ROLE_NONE. */
const char *lnt_role_name(enum lnt_role r);
/* LNT_ERR_INVALID for anything not one of the names above (except "none"). */
enum lnt_err lnt_role_parse(const char *s, enum lnt_role *out);
/* "bystander", "wave", "angela", "spiking", "first-aid", "conflict", "challenge25". */
const char *lnt_course_name(enum lnt_course c);
enum lnt_err lnt_course_parse(const char *s, enum lnt_course *out);

struct lnt_badge_course {
    enum lnt_course course;
    int32_t expires; /* days since 1970-01-01 (UTC date), 0 = does not expire */
};

/* The claims a badge carries. Text fields are UTF-8, NUL-terminated, bounded. */
struct lnt_badge_claims {
    char issuer[LNT_SCHEME_NAME_MAX + 1]; /* scheme code, e.g. "WTN" (CWT iss) */
    char subject[LNT_STAFF_ID_MAX + 1];   /* staff id as decimal text (CWT sub) */
    uint8_t serial[LNT_SERIAL_LEN];       /* random, unique per badge (CWT cti) */
    uint8_t kid[LNT_KID_LEN];             /* key id that signed it (filled by verify) */
    int64_t issued_at;                    /* unix seconds (CWT iat) */
    int64_t expires_at;                   /* unix seconds (CWT exp) */
    char name[LNT_BADGE_NAME_MAX + 1];    /* display name, UTF-8 */
    enum lnt_role role;
    uint32_t venue; /* home venue id, 0 = none */
    char sia_number[LNT_SIA_NUMBER_LEN +
                    1];  /* 16 digits, or "" when not a licensed door supervisor */
    int32_t sia_expires; /* days since epoch, 0 when no licence */
    size_t n_courses;
    struct lnt_badge_course courses[LNT_BADGE_MAX_COURSES];
};

/* A scheme signing key. kid = first LNT_KID_LEN bytes of SHA-256(public key). */
struct lnt_signing_key {
    uint8_t kid[LNT_KID_LEN];
    uint8_t pk[LNT_SIGN_PK_LEN];
    uint8_t sk[LNT_SIGN_SK_LEN];
};

struct lnt_trusted_key {
    uint8_t kid[LNT_KID_LEN];
    uint8_t pk[LNT_SIGN_PK_LEN];
};

/* What a verifier trusts: the scheme's code, its keys, and revoked serials. Borrowed, not owned. */
struct lnt_trust {
    const char *scheme;
    const struct lnt_trusted_key *keys;
    size_t n_keys;
    const uint8_t (*revoked)[LNT_SERIAL_LEN];
    size_t n_revoked;
};

enum lnt_badge_reason {
    LNT_BADGE_VALID = 0,
    LNT_BADGE_NOT_LANTERN,   /* no LNT1: prefix: some other QR code */
    LNT_BADGE_BAD_ENCODING,  /* base45 text is damaged */
    LNT_BADGE_OVERSIZED,     /* longer than any badge can be */
    LNT_BADGE_MALFORMED,     /* COSE or claims structure wrong */
    LNT_BADGE_UNKNOWN_KEY,   /* signed by a key this kiosk does not trust */
    LNT_BADGE_BAD_SIGNATURE, /* altered or forged */
    LNT_BADGE_EXPIRED,
    LNT_BADGE_NOT_YET_VALID,
    LNT_BADGE_REVOKED,
    LNT_BADGE_WRONG_SCHEME, /* a real badge, from another scheme */
    LNT_BADGE__COUNT
};

/* Machine code of a reason: "valid", "not_lantern", "bad_encoding", "oversized", "malformed",
 * "unknown_key", "bad_signature", "expired", "not_yet_valid", "revoked", "wrong_scheme". */
const char *lnt_badge_reason_code(enum lnt_badge_reason r);
/* Plain words for the person at the door: what is wrong and what to do next. */
const char *lnt_badge_reason_text(enum lnt_badge_reason r);

/* Makes a new Ed25519 scheme key and its kid. */
void lnt_badge_keygen(struct lnt_signing_key *out);
/* kid of a public key. */
void lnt_badge_kid(const uint8_t pk[LNT_SIGN_PK_LEN], uint8_t kid[LNT_KID_LEN]);

/*
 * Signs `claims` with `key` and writes the QR text ("LNT1:...") into `out` of
 * `out_size` bytes. Fails with LNT_ERR_INVALID (bad claims: empty issuer,
 * expiry not after issue or over 13 months) or LNT_ERR_TOO_LARGE (text over
 * LNT_BADGE_MAX_TEXT; the message says by how much).
 */
enum lnt_err lnt_badge_issue(const struct lnt_badge_claims *claims,
                             const struct lnt_signing_key *key, char *out, size_t out_size,
                             char *err);

/*
 * Verifies QR text against `trust` at time `now`. The signature is checked
 * before any claim is trusted. Returns LNT_BADGE_VALID and fills *out, or the
 * first reason to refuse (with detail in `err`); *out is zeroed on refusal
 * except that nothing from an unverified badge is ever written to it. Running
 * out of memory is LNT_BADGE_MALFORMED ("cannot be checked"), with `err`
 * saying so, never a verdict on the badge's signature.
 */
enum lnt_badge_reason lnt_badge_verify(const char *text, const struct lnt_trust *trust, int64_t now,
                                       struct lnt_badge_claims *out, char *err);

#endif
