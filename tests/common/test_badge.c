/* test_badge.c - badges: issue and verify, every refusal reason, tampering, size budget, COSE
 * interop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cbor.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "badge.h"
#include "base45.h"
#include "buf.h"
#include "codec.h"
#include "cose.h"
#include "ltime.h"

#define NOW INT64_C(1795000000) /* 2026-11-18 */
#define RAW_MAX 400

static struct lnt_signing_key key;
static struct lnt_trusted_key trusted;
static struct lnt_trust trust;

static int setup(void **state)
{
    (void)state;
    if (lnt_crypto_init() != LNT_OK)
        return -1;
    lnt_badge_keygen(&key);
    memcpy(trusted.kid, key.kid, LNT_KID_LEN);
    memcpy(trusted.pk, key.pk, LNT_SIGN_PK_LEN);
    memset(&trust, 0, sizeof trust);
    trust.scheme = "WTN";
    trust.keys = &trusted;
    trust.n_keys = 1;
    return 0;
}

static int32_t date(const char *s)
{
    int32_t d = 0;
    assert_int_equal(lnt_date_parse(s, &d), LNT_OK);
    return d;
}

/* A door supervisor's claims, issued an hour ago for six months. */
static void door_claims(struct lnt_badge_claims *c)
{
    static const uint8_t serial[LNT_SERIAL_LEN] = {1, 2, 3, 4, 5, 6, 7, 8};

    memset(c, 0, sizeof *c);
    lnt_str_copy(c->issuer, sizeof c->issuer, "WTN");
    lnt_str_copy(c->subject, sizeof c->subject, "4711");
    memcpy(c->serial, serial, LNT_SERIAL_LEN);
    c->issued_at = NOW - 3600;
    c->expires_at = NOW + 180 * 86400;
    lnt_str_copy(c->name, sizeof c->name, "Zoë Adeyemi-Clarke");
    c->role = LNT_ROLE_DOOR;
    c->venue = 42;
    lnt_str_copy(c->sia_number, sizeof c->sia_number, "0123456789012345");
    c->sia_expires = date("2028-06-30");
    c->n_courses = 3;
    c->courses[0] = (struct lnt_badge_course){LNT_COURSE_SPIKING, date("2027-12-01")};
    c->courses[1] = (struct lnt_badge_course){LNT_COURSE_BYSTANDER, 0};
    c->courses[2] = (struct lnt_badge_course){LNT_COURSE_FIRST_AID, date("2029-01-31")};
}

static void issue_ok(const struct lnt_badge_claims *c, char *text, size_t size)
{
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc = lnt_badge_issue(c, &key, text, size, err);
    if (rc != LNT_OK)
        fail_msg("issue failed: %s", err);
}

/* COSE bytes of a badge's text. */
static size_t unwrap(const char *text, uint8_t *raw)
{
    size_t n = 0;
    assert_true(lnt_str_starts(text, LNT_BADGE_PREFIX));
    assert_int_equal(lnt_base45_decode(text + 5, strlen(text + 5), raw, RAW_MAX, &n), LNT_OK);
    return n;
}

static void wrap(const uint8_t *raw, size_t n, char *text, size_t size)
{
    memcpy(text, LNT_BADGE_PREFIX, 5);
    assert_int_equal(lnt_base45_encode(raw, n, text + 5, size - 5), LNT_OK);
}

static enum lnt_badge_reason verify_raw(const uint8_t *raw, size_t n, struct lnt_badge_claims *out)
{
    char text[2 * RAW_MAX];
    char err[LNT_ERRBUF_SIZE];
    wrap(raw, n, text, sizeof text);
    return lnt_badge_verify(text, &trust, NOW, out, err);
}

static bool all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0)
            return false;
    return true;
}

static void test_badge__round_trips_all_claims(void **state)
{
    struct lnt_badge_claims c;
    struct lnt_badge_claims got;
    char text[LNT_BADGE_MAX_TEXT + 1];
    char err[LNT_ERRBUF_SIZE];

    (void)state;
    door_claims(&c);
    issue_ok(&c, text, sizeof text);
    assert_int_equal(lnt_badge_verify(text, &trust, NOW, &got, err), LNT_BADGE_VALID);
    assert_string_equal(got.issuer, "WTN");
    assert_string_equal(got.subject, "4711");
    assert_memory_equal(got.serial, c.serial, LNT_SERIAL_LEN);
    assert_memory_equal(got.kid, key.kid, LNT_KID_LEN);
    assert_int_equal(got.issued_at, c.issued_at);
    assert_int_equal(got.expires_at, c.expires_at);
    assert_string_equal(got.name, "Zoë Adeyemi-Clarke");
    assert_int_equal(got.role, LNT_ROLE_DOOR);
    assert_int_equal(got.venue, 42);
    assert_string_equal(got.sia_number, "0123456789012345"); /* the leading zero survives */
    assert_int_equal(got.sia_expires, c.sia_expires);
    /* courses come back in code order */
    assert_int_equal(got.n_courses, 3);
    assert_int_equal(got.courses[0].course, LNT_COURSE_BYSTANDER);
    assert_int_equal(got.courses[0].expires, 0);
    assert_int_equal(got.courses[1].course, LNT_COURSE_SPIKING);
    assert_int_equal(got.courses[1].expires, date("2027-12-01"));
    assert_int_equal(got.courses[2].course, LNT_COURSE_FIRST_AID);
    assert_int_equal(got.courses[2].expires, date("2029-01-31"));

    /* A bar worker: no venue, no licence, no courses. */
    c.role = LNT_ROLE_BAR;
    c.venue = 0;
    c.sia_number[0] = '\0';
    c.sia_expires = 0;
    c.n_courses = 0;
    issue_ok(&c, text, sizeof text);
    assert_int_equal(lnt_badge_verify(text, &trust, NOW, &got, err), LNT_BADGE_VALID);
    assert_int_equal(got.role, LNT_ROLE_BAR);
    assert_int_equal(got.venue, 0);
    assert_string_equal(got.sia_number, "");
    assert_int_equal(got.sia_expires, 0);
    assert_int_equal(got.n_courses, 0);
}

static void test_badge__every_flipped_byte_is_refused(void **state)
{
    static const uint8_t masks[] = {0x01, 0x80, 0xff};
    struct lnt_badge_claims c;
    struct lnt_badge_claims got;
    char text[LNT_BADGE_MAX_TEXT + 1];
    uint8_t raw[RAW_MAX];
    uint8_t bad[RAW_MAX];
    size_t n;
    size_t payload_len;
    size_t payload_off = 15;
    size_t sig_off;

    (void)state;
    door_claims(&c);
    issue_ok(&c, text, sizeof text);
    n = unwrap(text, raw);
    /* d2 84 49 <a2 01 27 04 44 kid*4> a0 58 LL <payload> 58 40 <sig> */
    assert_int_equal(raw[0], 0xd2);
    assert_int_equal(raw[13], 0x58);
    payload_len = raw[14];
    sig_off = payload_off + payload_len + 2;
    assert_int_equal(sig_off + 64, n);

    for (size_t i = 0; i < n; i++) {
        for (size_t m = 0; m < sizeof masks; m++) {
            enum lnt_badge_reason r;

            memcpy(bad, raw, n);
            bad[i] ^= masks[m];
            memset(&got, 0xaa, sizeof got);
            r = verify_raw(bad, n, &got);
            if (r == LNT_BADGE_VALID)
                fail_msg("byte %zu ^ 0x%02x still verifies", i, masks[m]);
            assert_true(all_zero(&got, sizeof got));
            if (i >= 8 && i < 12)
                assert_int_equal(r, LNT_BADGE_UNKNOWN_KEY);
            else if ((i >= payload_off && i < payload_off + payload_len) || i >= sig_off)
                assert_int_equal(r, LNT_BADGE_BAD_SIGNATURE);
            else
                assert_true(r == LNT_BADGE_MALFORMED || r == LNT_BADGE_UNKNOWN_KEY ||
                            r == LNT_BADGE_BAD_SIGNATURE);
        }
    }
}

static void test_badge__expired_and_not_yet_valid(void **state)
{
    struct lnt_badge_claims c;
    struct lnt_badge_claims got;
    char text[LNT_BADGE_MAX_TEXT + 1];
    char err[LNT_ERRBUF_SIZE];

    (void)state;
    door_claims(&c);
    issue_ok(&c, text, sizeof text);
    /* expiry is exclusive: at the second it expires it is refused */
    assert_int_equal(lnt_badge_verify(text, &trust, c.expires_at - 1, &got, err), LNT_BADGE_VALID);
    memset(&got, 0xaa, sizeof got);
    assert_int_equal(lnt_badge_verify(text, &trust, c.expires_at, &got, err), LNT_BADGE_EXPIRED);
    assert_true(all_zero(&got, sizeof got));
    assert_non_null(strstr(err, "expired at"));
    /* a kiosk clock a little behind the issuer's is tolerated, a lot is not */
    assert_int_equal(lnt_badge_verify(text, &trust, c.issued_at - LNT_BADGE_SKEW, &got, err),
                     LNT_BADGE_VALID);
    memset(&got, 0xaa, sizeof got);
    assert_int_equal(lnt_badge_verify(text, &trust, c.issued_at - LNT_BADGE_SKEW - 1, &got, err),
                     LNT_BADGE_NOT_YET_VALID);
    assert_true(all_zero(&got, sizeof got));
}

static void test_badge__unknown_key_id(void **state)
{
    struct lnt_signing_key other;
    struct lnt_trusted_key other_t;
    struct lnt_trust t = trust;
    struct lnt_badge_claims c;
    struct lnt_badge_claims got;
    char text[LNT_BADGE_MAX_TEXT + 1];
    char err[LNT_ERRBUF_SIZE];
    char kid_hex[9];

    (void)state;
    lnt_badge_keygen(&other);
    memcpy(other_t.kid, other.kid, LNT_KID_LEN);
    memcpy(other_t.pk, other.pk, LNT_SIGN_PK_LEN);
    t.keys = &other_t;
    door_claims(&c);
    issue_ok(&c, text, sizeof text);
    assert_int_equal(lnt_badge_verify(text, &t, NOW, &got, err), LNT_BADGE_UNKNOWN_KEY);
    lnt_hex_encode(key.kid, LNT_KID_LEN, kid_hex);
    assert_non_null(strstr(err, kid_hex));
    t.n_keys = 0;
    assert_int_equal(lnt_badge_verify(text, &t, NOW, &got, err), LNT_BADGE_UNKNOWN_KEY);
}

static void test_badge__other_key_claiming_trusted_kid_is_forged(void **state)
{
    struct lnt_signing_key forger;
    struct lnt_badge_claims c;
    struct lnt_badge_claims got;
    char text[LNT_BADGE_MAX_TEXT + 1];
    char err[LNT_ERRBUF_SIZE];

    (void)state;
    lnt_badge_keygen(&forger);
    memcpy(forger.kid, key.kid, LNT_KID_LEN);
    door_claims(&c);
    assert_int_equal(lnt_badge_issue(&c, &forger, text, sizeof text, err), LNT_OK);
    memset(&got, 0xaa, sizeof got);
    assert_int_equal(lnt_badge_verify(text, &trust, NOW, &got, err), LNT_BADGE_BAD_SIGNATURE);
    assert_true(all_zero(&got, sizeof got));
}

static void test_badge__two_trusted_keys_sharing_a_kid_both_work(void **state)
{
    struct lnt_signing_key second;
    struct lnt_trusted_key keys[2];
    struct lnt_trust t = trust;
    struct lnt_badge_claims c;
    struct lnt_badge_claims got;
    char text[LNT_BADGE_MAX_TEXT + 1];
    char err[LNT_ERRBUF_SIZE];

    (void)state;
    lnt_badge_keygen(&second);
    memcpy(second.kid, key.kid, LNT_KID_LEN); /* a 4-byte collision */
    keys[0] = trusted;
    memcpy(keys[1].kid, key.kid, LNT_KID_LEN);
    memcpy(keys[1].pk, second.pk, LNT_SIGN_PK_LEN);
    t.keys = keys;
    t.n_keys = 2;
    door_claims(&c);
    assert_int_equal(lnt_badge_issue(&c, &second, text, sizeof text, err), LNT_OK);
    assert_int_equal(lnt_badge_verify(text, &t, NOW, &got, err), LNT_BADGE_VALID);
}

static void test_badge__not_lantern_bad_encoding_oversized(void **state)
{
    char text[600];
    char err[LNT_ERRBUF_SIZE];
    struct lnt_badge_claims got;

    (void)state;
    assert_int_equal(lnt_badge_verify("HC1:NCFOXN%TS3DH", &trust, NOW, &got, err),
                     LNT_BADGE_NOT_LANTERN);
    assert_int_equal(lnt_badge_verify("https://example.org/", &trust, NOW, &got, err),
                     LNT_BADGE_NOT_LANTERN);
    assert_int_equal(lnt_badge_verify("lnt1:BB8", &trust, NOW, &got, err), LNT_BADGE_NOT_LANTERN);
    assert_int_equal(lnt_badge_verify("", &trust, NOW, &got, err), LNT_BADGE_NOT_LANTERN);
    assert_int_equal(lnt_badge_verify(NULL, &trust, NOW, &got, err), LNT_BADGE_NOT_LANTERN);

    assert_int_equal(lnt_badge_verify("LNT1:bb8", &trust, NOW, &got, err), LNT_BADGE_BAD_ENCODING);
    assert_int_equal(lnt_badge_verify("LNT1:BB8A", &trust, NOW, &got, err), LNT_BADGE_BAD_ENCODING);
    assert_int_equal(lnt_badge_verify("LNT1:GGW", &trust, NOW, &got, err), LNT_BADGE_BAD_ENCODING);
    assert_non_null(strstr(err, "base45"));
    assert_int_equal(lnt_badge_verify("LNT1:", &trust, NOW, &got, err), LNT_BADGE_MALFORMED);

    /* length is judged before content: 297 characters of anything is oversized */
    memcpy(text, "LNT1:", 5);
    memset(text + 5, 'a', LNT_BADGE_MAX_TEXT - 5 + 1);
    text[LNT_BADGE_MAX_TEXT + 1] = '\0';
    assert_int_equal(lnt_badge_verify(text, &trust, NOW, &got, err), LNT_BADGE_OVERSIZED);
    memset(text + 5, 'A', sizeof text - 6);
    text[sizeof text - 1] = '\0';
    assert_int_equal(lnt_badge_verify(text, &trust, NOW, &got, err), LNT_BADGE_OVERSIZED);
    /* exactly at the limit it is decoded (and is garbage) */
    text[LNT_BADGE_MAX_TEXT] = '\0';
    assert_int_equal(lnt_badge_verify(text, &trust, NOW, &got, err), LNT_BADGE_MALFORMED);
}

static void test_badge__revoked_serial(void **state)
{
    const uint8_t revoked[2][LNT_SERIAL_LEN] = {{9, 9, 9, 9, 9, 9, 9, 9}, {1, 2, 3, 4, 5, 6, 7, 8}};
    struct lnt_trust t = trust;
    struct lnt_badge_claims c;
    struct lnt_badge_claims got;
    char text[LNT_BADGE_MAX_TEXT + 1];
    char err[LNT_ERRBUF_SIZE];

    (void)state;
    door_claims(&c);
    issue_ok(&c, text, sizeof text);
    t.revoked = revoked;
    t.n_revoked = 1;
    assert_int_equal(lnt_badge_verify(text, &t, NOW, &got, err), LNT_BADGE_VALID);
    t.n_revoked = 2;
    memset(&got, 0xaa, sizeof got);
    assert_int_equal(lnt_badge_verify(text, &t, NOW, &got, err), LNT_BADGE_REVOKED);
    assert_true(all_zero(&got, sizeof got));
    assert_non_null(strstr(err, "0102030405060708"));
}

static void test_badge__wrong_scheme(void **state)
{
    struct lnt_trust t = trust;
    struct lnt_badge_claims c;
    struct lnt_badge_claims got;
    char text[LNT_BADGE_MAX_TEXT + 1];
    char err[LNT_ERRBUF_SIZE];

    (void)state;
    door_claims(&c);
    lnt_str_copy(c.issuer, sizeof c.issuer, "BRX");
    issue_ok(&c, text, sizeof text);
    memset(&got, 0xaa, sizeof got);
    assert_int_equal(lnt_badge_verify(text, &t, NOW, &got, err), LNT_BADGE_WRONG_SCHEME);
    assert_true(all_zero(&got, sizeof got));
    assert_non_null(strstr(err, "BRX"));
    t.scheme = "BRX";
    assert_int_equal(lnt_badge_verify(text, &t, NOW, &got, err), LNT_BADGE_VALID);
}

/* The largest badge a door supervisor realistically carries must fit QR version 12-Q. */
static void test_badge__worst_case_door_badge_fits(void **state)
{
    struct lnt_badge_claims c;
    struct lnt_badge_claims got;
    char text[LNT_BADGE_MAX_TEXT + 1];
    char err[LNT_ERRBUF_SIZE];

    (void)state;
    door_claims(&c);
    lnt_str_copy(c.subject, sizeof c.subject, "999999"); /* six-digit staff id */
    memset(c.serial, 0xff, LNT_SERIAL_LEN);
    lnt_str_copy(c.name, sizeof c.name, "Aleksandra Wiśniewska-Monte"); /* 28 bytes */
    assert_int_equal(strlen(c.name), LNT_BADGE_NAME_MAX);
    c.venue = 65535; /* a county's worth of venues */
    lnt_str_copy(c.sia_number, sizeof c.sia_number, "9999999999999999");
    c.sia_expires = date("2029-12-31");
    c.issued_at = INT64_C(4000000000); /* 2096: still a 4-byte time */
    c.expires_at = c.issued_at + LNT_BADGE_MAX_VALIDITY;
    c.n_courses = 4;
    c.courses[0] = (struct lnt_badge_course){LNT_COURSE_WAVE, date("2099-12-31")};
    c.courses[1] = (struct lnt_badge_course){LNT_COURSE_ANGELA, date("2099-12-31")};
    c.courses[2] = (struct lnt_badge_course){LNT_COURSE_SPIKING, date("2099-12-31")};
    c.courses[3] = (struct lnt_badge_course){LNT_COURSE_FIRST_AID, date("2099-12-31")};
    issue_ok(&c, text, sizeof text);
    print_message("worst-case door badge: %zu characters\n", strlen(text));
    assert_true(strlen(text) <= LNT_BADGE_MAX_TEXT);
    assert_int_equal(lnt_badge_verify(text, &trust, c.issued_at, &got, err), LNT_BADGE_VALID);
    assert_string_equal(got.name, c.name);
    assert_int_equal(got.n_courses, 4);
}

static void test_badge__issue_refuses_too_large(void **state)
{
    struct lnt_badge_claims c;
    char text[LNT_BADGE_MAX_TEXT + 1];
    char big[1024];
    char err[LNT_ERRBUF_SIZE];

    (void)state;
    door_claims(&c);
    lnt_str_copy(c.issuer, sizeof c.issuer, "WESTONSUPERMARE1");
    lnt_str_copy(c.subject, sizeof c.subject, "1234567890123456");
    lnt_str_copy(c.name, sizeof c.name, "Aleksandra Wiśniewska-Montgomer");
    c.venue = 4000000000u;
    c.n_courses = 7;
    for (size_t i = 0; i < 7; i++)
        c.courses[i] = (struct lnt_badge_course){(enum lnt_course)(i + 1), date("2028-01-01")};
    assert_int_equal(lnt_badge_issue(&c, &key, big, sizeof big, err), LNT_ERR_TOO_LARGE);
    assert_non_null(strstr(err, "characters"));
    assert_non_null(strstr(err, "296"));
    assert_string_equal(big, "");

    /* a badge that fits the format but not the caller's buffer */
    door_claims(&c);
    assert_int_equal(lnt_badge_issue(&c, &key, text, 40, err), LNT_ERR_TOO_LARGE);
    assert_non_null(strstr(err, "40-byte buffer"));
}

static void test_badge__issue_refuses_bad_claims(void **state)
{
    struct lnt_badge_claims c;
    char text[LNT_BADGE_MAX_TEXT + 1];
    char err[LNT_ERRBUF_SIZE];
    int bad;

    (void)state;
    for (bad = 0; bad < 19; bad++) {
        const char *expect = NULL;

        door_claims(&c);
        switch (bad) {
        case 0:
            c.issuer[0] = '\0';
            expect = "issuer";
            break;
        case 1:
            c.subject[0] = '\0';
            expect = "subject";
            break;
        case 2:
            lnt_str_copy(c.subject, sizeof c.subject, "47a1");
            expect = "subject";
            break;
        case 3:
            c.role = LNT_ROLE_NONE;
            expect = "role";
            break;
        case 4:
            c.role = (enum lnt_role)9;
            expect = "role";
            break;
        case 5:
            c.expires_at = c.issued_at;
            expect = "expiry";
            break;
        case 6:
            c.expires_at = c.issued_at - 1;
            expect = "expiry";
            break;
        case 7:
            c.expires_at = c.issued_at + LNT_BADGE_MAX_VALIDITY + 1;
            expect = "13 month";
            break;
        case 8:
            c.n_courses = LNT_BADGE_MAX_COURSES + 1;
            expect = "courses";
            break;
        case 9:
            lnt_str_copy(c.sia_number, sizeof c.sia_number, "123456789012345");
            expect = "16 digits";
            break;
        case 10:
            lnt_str_copy(c.sia_number, sizeof c.sia_number, "12345678901234X5");
            expect = "16 digits";
            break;
        case 11:
            c.name[0] = '\0';
            expect = "name";
            break;
        case 12:
            lnt_str_copy(c.name, sizeof c.name, "Bad\xc3");
            expect = "name";
            break;
        case 13:
            lnt_str_copy(c.name, sizeof c.name, "Tab\there");
            expect = "name";
            break;
        case 14:
            memset(c.serial, 0, sizeof c.serial);
            expect = "serial";
            break;
        case 15:
            c.courses[1].course = c.courses[0].course;
            expect = "twice";
            break;
        case 16:
            c.courses[0].course = (enum lnt_course)99;
            expect = "unknown code";
            break;
        case 17:
            c.sia_expires = 0;
            expect = "expiry";
            break;
        case 18:
            memset(c.issuer, 'W', sizeof c.issuer);
            expect = "issuer";
            break; /* no NUL */
        }
        err[0] = '\0';
        lnt_str_copy(text, sizeof text, "stale");
        if (lnt_badge_issue(&c, &key, text, sizeof text, err) != LNT_ERR_INVALID)
            fail_msg("case %d was not refused", bad);
        if (strstr(err, expect) == NULL)
            fail_msg("case %d: message \"%s\" does not mention \"%s\"", bad, err, expect);
        assert_string_equal(text, "");
    }
}

/* ---- claims payloads signed by the trusted key: strict parsing after the signature ---- */

struct w {
    uint8_t b[RAW_MAX];
    size_t n;
};

static void w_head(struct w *w, unsigned major, uint64_t arg)
{
    uint8_t mt = (uint8_t)(major << 5);
    if (arg < 24) {
        w->b[w->n++] = (uint8_t)(mt | arg);
    } else if (arg <= 0xff) {
        w->b[w->n++] = mt | 24;
        w->b[w->n++] = (uint8_t)arg;
    } else if (arg <= 0xffff) {
        w->b[w->n++] = mt | 25;
        w->b[w->n++] = (uint8_t)(arg >> 8);
        w->b[w->n++] = (uint8_t)arg;
    } else if (arg <= 0xffffffffu) {
        w->b[w->n++] = mt | 26;
        for (int s = 24; s >= 0; s -= 8)
            w->b[w->n++] = (uint8_t)(arg >> s);
    } else {
        w->b[w->n++] = mt | 27;
        for (int s = 56; s >= 0; s -= 8)
            w->b[w->n++] = (uint8_t)(arg >> s);
    }
}

static void w_raw(struct w *w, const void *p, size_t n)
{
    memcpy(w->b + w->n, p, n);
    w->n += n;
}

static void w_text(struct w *w, const char *s)
{
    w_head(w, 3, strlen(s));
    w_raw(w, s, strlen(s));
}

static void w_bytes(struct w *w, const void *p, size_t n)
{
    w_head(w, 2, n);
    w_raw(w, p, n);
}

enum variant {
    V_GOOD,
    V_NO_SUB,
    V_ISS_UINT,
    V_DUP_EXP,
    V_EXTRA_TOP,
    V_EXTRA_PRIVATE,
    V_ROLE_9,
    V_CTI_7,
    V_TRAILING,
    V_NAME_BSTR,
    V_NO_PRIVATE,
    V_DUP_COURSE,
    V_UNKNOWN_COURSE,
    V_TEXT_KEY,
    V_EXP_BEFORE_IAT,
    V_INDEFINITE,
    V_FLOAT_EXP,
    V_BAD_UTF8,
    V_NEG_EXP,
    V_SIA_NO_EXPIRY,
    V_ZERO_SERIAL,       /* the format says an all-zero serial never occurs */
    V_FLOAT_UNKNOWN_TOP, /* a float or simple value in claims we do not know is ignored */
    V_FLOAT_UNKNOWN_PRIVATE,
    V_SIMPLE_UNKNOWN,
    V_FLOAT_ROLE,   /* ... but never accepted in place of a known claim */
    V_SHORT_SIMPLE, /* one-byte simple value below 32: not well formed */
    V__COUNT
};

static void claims_payload(struct w *w, enum variant v)
{
    static const uint8_t serial[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    static const uint8_t zero[8] = {0};
    size_t top = 6 - (v == V_NO_SUB) - (v == V_NO_PRIVATE) + (v == V_EXTRA_TOP) + (v == V_DUP_EXP) +
                 (v == V_TEXT_KEY) + (v == V_FLOAT_UNKNOWN_TOP) + (v == V_SIMPLE_UNKNOWN) +
                 (v == V_SHORT_SIMPLE);
    size_t priv =
        5 + (v == V_EXTRA_PRIVATE) - (v == V_SIA_NO_EXPIRY) + (v == V_FLOAT_UNKNOWN_PRIVATE);

    w->n = 0;
    if (v == V_INDEFINITE)
        w_raw(w, "\xbf", 1);
    else
        w_head(w, 5, top);
    w_head(w, 0, 1);
    if (v == V_ISS_UINT)
        w_head(w, 0, 7);
    else
        w_text(w, "WTN");
    if (v != V_NO_SUB) {
        w_head(w, 0, 2);
        w_text(w, "4711");
    }
    w_head(w, 0, 4);
    if (v == V_FLOAT_EXP)
        w_raw(w, "\xfa\x4f\x00\x00\x00", 5);
    else if (v == V_NEG_EXP)
        w_head(w, 1, 5);
    else
        w_head(w, 0, (uint64_t)(v == V_EXP_BEFORE_IAT ? NOW - 7200 : NOW + 86400));
    if (v == V_DUP_EXP) {
        w_head(w, 0, 4);
        w_head(w, 0, (uint64_t)(NOW + 2 * 86400));
    }
    w_head(w, 0, 6);
    w_head(w, 0, (uint64_t)(NOW - 3600));
    w_head(w, 0, 7);
    w_bytes(w, v == V_ZERO_SERIAL ? zero : serial, v == V_CTI_7 ? 7 : 8);
    if (v == V_FLOAT_UNKNOWN_TOP) {
        w_head(w, 0, 99);
        w_raw(w, "\xfb\x40\x09\x21\xfb\x54\x44\x2d\x18", 9); /* double 3.14159... */
    }
    if (v == V_SIMPLE_UNKNOWN) {
        w_text(w, "flags");
        w_raw(w, "\xf5", 1); /* true */
    }
    if (v == V_SHORT_SIMPLE) {
        w_head(w, 0, 98);
        w_raw(w, "\xf8\x10", 2);
    }
    if (v == V_EXTRA_TOP) {
        w_head(w, 0, 99);
        w_text(w, "from a newer issuer");
    }
    if (v == V_TEXT_KEY) {
        w_text(w, "note");
        w_head(w, 4, 0);
    }
    if (v != V_NO_PRIVATE) {
        w_head(w, 1, 65536);
        w_head(w, 5, priv);
        w_head(w, 0, 1);
        if (v == V_NAME_BSTR)
            w_bytes(w, "Sam", 3);
        else if (v == V_BAD_UTF8)
            w_text(w, "Sam \xff");
        else
            w_text(w, "Sam");
        w_head(w, 0, 2);
        if (v == V_FLOAT_ROLE)
            w_raw(w, "\xf9\x3c\x00", 3); /* half 1.0 */
        else
            w_head(w, 0, v == V_ROLE_9 ? 9 : 1);
        w_head(w, 0, 4);
        w_head(w, 0, UINT64_C(1012345678901234));
        if (v != V_SIA_NO_EXPIRY) {
            w_head(w, 0, 5);
            w_head(w, 0, 21000);
        }
        w_head(w, 0, 6);
        w_head(w, 5, 2);
        w_head(w, 0, v == V_UNKNOWN_COURSE ? 42 : 2);
        w_head(w, 0, 21000);
        w_head(w, 0, v == V_DUP_COURSE ? 2 : 5);
        w_head(w, 0, 0);
        if (v == V_EXTRA_PRIVATE) {
            w_head(w, 0, 9);
            w_head(w, 4, 0);
        }
        if (v == V_FLOAT_UNKNOWN_PRIVATE) {
            w_head(w, 0, 10);
            w_raw(w, "\xfa\x3f\xc0\x00\x00", 5); /* single 1.5 */
        }
    }
    if (v == V_INDEFINITE)
        w_raw(w, "\xff", 1);
    if (v == V_TRAILING)
        w_raw(w, "\x00", 1);
}

static enum lnt_badge_reason verify_signed_payload(const struct w *p, struct lnt_badge_claims *out,
                                                   char *err)
{
    uint8_t raw[RAW_MAX];
    char text[2 * RAW_MAX];
    size_t n = 0;

    assert_int_equal(lnt_cose_sign1_encode(p->b, p->n, key.kid, key.sk, raw, sizeof raw, &n, NULL),
                     LNT_OK);
    wrap(raw, n, text, sizeof text);
    return lnt_badge_verify(text, &trust, NOW, out, err);
}

static void test_badge__signed_claims_are_parsed_strictly(void **state)
{
    struct w p;
    struct lnt_badge_claims got;
    char err[LNT_ERRBUF_SIZE];

    (void)state;
    for (int v = 0; v < V__COUNT; v++) {
        enum lnt_badge_reason want;
        enum lnt_badge_reason r;

        switch (v) {
        case V_GOOD:
        case V_EXTRA_TOP:
        case V_EXTRA_PRIVATE:
        case V_UNKNOWN_COURSE:
        case V_TEXT_KEY:
        case V_FLOAT_UNKNOWN_TOP:
        case V_FLOAT_UNKNOWN_PRIVATE:
        case V_SIMPLE_UNKNOWN:
            want = LNT_BADGE_VALID; /* unknown claims are ignored, whatever their type */
            break;
        default:
            want = LNT_BADGE_MALFORMED;
        }
        claims_payload(&p, (enum variant)v);
        memset(&got, 0xaa, sizeof got);
        err[0] = '\0';
        r = verify_signed_payload(&p, &got, err);
        if (r != want)
            fail_msg("variant %d: %s (%s), wanted %s", v, lnt_badge_reason_code(r), err,
                     lnt_badge_reason_code(want));
        if (want != LNT_BADGE_VALID) {
            assert_true(all_zero(&got, sizeof got));
            assert_true(strlen(err) > 0);
        }
    }
    claims_payload(&p, V_GOOD);
    assert_int_equal(verify_signed_payload(&p, &got, err), LNT_BADGE_VALID);
    assert_string_equal(got.sia_number, "1012345678901234");
    assert_int_equal(got.n_courses, 2);
    claims_payload(&p, V_UNKNOWN_COURSE);
    assert_int_equal(verify_signed_payload(&p, &got, err), LNT_BADGE_VALID);
    assert_int_equal(got.n_courses, 1);
    assert_int_equal(got.courses[0].course, LNT_COURSE_FIRST_AID);
}

static void test_badge__hostile_cose_structures_are_malformed(void **state)
{
    struct lnt_badge_claims c;
    struct lnt_badge_claims got;
    char text[LNT_BADGE_MAX_TEXT + 1];
    uint8_t raw[RAW_MAX];
    uint8_t bad[RAW_MAX];
    size_t n;

    (void)state;
    door_claims(&c);
    c.n_courses = 0;
    lnt_str_copy(c.name, sizeof c.name, "Sam");
    issue_ok(&c, text, sizeof text);
    n = unwrap(text, raw);

    /* untagged COSE_Sign1 is accepted */
    assert_int_equal(verify_raw(raw + 1, n - 1, &got), LNT_BADGE_VALID);
    /* a trailing byte after the structure */
    memcpy(bad, raw, n);
    bad[n] = 0x00;
    assert_int_equal(verify_raw(bad, n + 1, &got), LNT_BADGE_MALFORMED);
    /* another tag (98 = COSE_Sign) */
    bad[0] = 0xd8;
    bad[1] = 98;
    memcpy(bad + 2, raw + 1, n - 1);
    assert_int_equal(verify_raw(bad, n + 1, &got), LNT_BADGE_MALFORMED);
    /* an array declaring four billion elements must not reach the allocator */
    assert_int_equal(
        verify_raw((const uint8_t *)"\xd2\x9b\x00\x00\x00\x00\xff\xff\xff\xff", 10, &got),
        LNT_BADGE_MALFORMED);
    assert_int_equal(verify_raw((const uint8_t *)"\xd2\x9a\xff\xff\xff\xff\x40", 7, &got),
                     LNT_BADGE_MALFORMED);
    /* a byte string declaring more than is there */
    assert_int_equal(verify_raw((const uint8_t *)"\xd2\x84\x5a\x7f\xff\xff\xff", 7, &got),
                     LNT_BADGE_MALFORMED);
    /* deep nesting */
    memset(bad, 0x81, 150);
    bad[150] = 0x00;
    assert_int_equal(verify_raw(bad, 151, &got), LNT_BADGE_MALFORMED);
    /* indefinite-length array */
    bad[0] = 0xd2;
    bad[1] = 0x9f;
    memcpy(bad + 2, raw + 2, n - 2);
    bad[n] = 0xff;
    assert_int_equal(verify_raw(bad, n + 1, &got), LNT_BADGE_MALFORMED);
    /* array of three */
    memcpy(bad, raw, n);
    bad[1] = 0x83;
    assert_int_equal(verify_raw(bad, n - 66, &got), LNT_BADGE_MALFORMED);
}

/* Independent of cose.c: the bytes are plain RFC 9052 any COSE library can check. */
static void test_badge__structure_is_standard_cose(void **state)
{
    struct lnt_badge_claims c;
    char text[LNT_BADGE_MAX_TEXT + 1];
    uint8_t raw[RAW_MAX];
    size_t n;
    struct cbor_load_result res;
    cbor_item_t *arr;
    cbor_item_t *prot;
    cbor_item_t *payload;
    cbor_item_t **items;
    struct cbor_pair *pairs;
    struct w tbs = {.n = 0};
    bool found_private = false;

    (void)state;
    door_claims(&c);
    issue_ok(&c, text, sizeof text);
    n = unwrap(text, raw);

    /* tag 18 in its one-byte form; libcbor 0.8 will not load tags it does not know */
    assert_int_equal(raw[0], 0xd2);
    arr = cbor_load(raw + 1, n - 1, &res);
    assert_non_null(arr);
    assert_int_equal(res.read, n - 1);
    assert_true(cbor_isa_array(arr));
    assert_int_equal(cbor_array_size(arr), 4);
    items = cbor_array_handle(arr);
    assert_true(cbor_isa_bytestring(items[0]));
    assert_true(cbor_isa_map(items[1]));
    assert_int_equal(cbor_map_size(items[1]), 0);
    assert_true(cbor_isa_bytestring(items[2]));
    assert_true(cbor_isa_bytestring(items[3]));
    assert_int_equal(cbor_bytestring_length(items[3]), 64);

    /* protected: {1: -8, 4: kid} */
    prot = cbor_load(cbor_bytestring_handle(items[0]), cbor_bytestring_length(items[0]), &res);
    assert_non_null(prot);
    assert_int_equal(cbor_map_size(prot), 2);
    pairs = cbor_map_handle(prot);
    assert_int_equal(cbor_get_int(pairs[0].key), 1);
    assert_true(cbor_isa_negint(pairs[0].value));
    assert_int_equal(cbor_get_int(pairs[0].value), 7); /* -1 - 7 = -8, EdDSA */
    assert_int_equal(cbor_get_int(pairs[1].key), 4);
    assert_int_equal(cbor_bytestring_length(pairs[1].value), 4);
    assert_memory_equal(cbor_bytestring_handle(pairs[1].value), key.kid, 4);

    /* payload: a CWT claims map with iss and the private claim -65537 */
    payload = cbor_load(cbor_bytestring_handle(items[2]), cbor_bytestring_length(items[2]), &res);
    assert_non_null(payload);
    assert_true(cbor_isa_map(payload));
    pairs = cbor_map_handle(payload);
    assert_int_equal(cbor_get_int(pairs[0].key), 1);
    assert_int_equal(cbor_string_length(pairs[0].value), 3);
    assert_memory_equal(cbor_string_handle(pairs[0].value), "WTN", 3);
    for (size_t i = 0; i < cbor_map_size(payload); i++)
        if (cbor_isa_negint(pairs[i].key) && cbor_get_int(pairs[i].key) == 65536)
            found_private = true;
    assert_true(found_private);

    /* Sig_structure = ["Signature1", protected, h'', payload], written by hand */
    w_head(&tbs, 4, 4);
    w_text(&tbs, "Signature1");
    w_bytes(&tbs, cbor_bytestring_handle(items[0]), cbor_bytestring_length(items[0]));
    w_bytes(&tbs, "", 0);
    w_bytes(&tbs, cbor_bytestring_handle(items[2]), cbor_bytestring_length(items[2]));
    assert_int_equal(
        crypto_sign_verify_detached(cbor_bytestring_handle(items[3]), tbs.b, tbs.n, key.pk), 0);
    tbs.b[tbs.n - 1] ^= 1;
    assert_int_not_equal(
        crypto_sign_verify_detached(cbor_bytestring_handle(items[3]), tbs.b, tbs.n, key.pk), 0);

    cbor_decref(&payload);
    cbor_decref(&prot);
    cbor_decref(&arr);
}

/* The worked example in docs/badge-format.md. */
#define EXAMPLE_TEXT                                                                               \
    "LNT1:RRQ+D9P60CO0S%CV 08CK*PA+70 1BZ%9UZCA46UF6FN0LSDOX3WY07NDN.FJ-0*JK2YOA3TG+0/"            \
    "E7V50V30280FOA ZD 1A4EC04EIB0FH0GN0300$DJ$43.AM0T0YMAY$0V50.B0VIA0T03LA27B "                  \
    "DDJD2C97$BEO/UC649U1BLNGSA6KJJ6C%5CFXRX39G+RL*7R75BMEAQ3Y5UFIGD46HQBGODQETTD0CUFI9SR*6LR9P/"  \
    "NNQT"
#define EXAMPLE_PK "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664"

static void example_key(struct lnt_signing_key *k)
{
    uint8_t seed[32];
    for (int i = 0; i < 32; i++)
        seed[i] = (uint8_t)(i + 1);
    assert_int_equal(crypto_sign_seed_keypair(k->pk, k->sk, seed), 0);
    lnt_badge_kid(k->pk, k->kid);
}

static void example_claims(struct lnt_badge_claims *c)
{
    static const uint8_t serial[8] = {0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18};

    memset(c, 0, sizeof *c);
    lnt_str_copy(c->issuer, sizeof c->issuer, "WTN");
    lnt_str_copy(c->subject, sizeof c->subject, "10427");
    memcpy(c->serial, serial, 8);
    assert_int_equal(lnt_time_parse("2026-11-01T18:00:00Z", &c->issued_at), LNT_OK);
    assert_int_equal(lnt_time_parse("2027-05-01T18:00:00Z", &c->expires_at), LNT_OK);
    lnt_str_copy(c->name, sizeof c->name, "Sam Okafor");
    c->role = LNT_ROLE_DOOR;
    c->venue = 12;
    lnt_str_copy(c->sia_number, sizeof c->sia_number, "1012345678901234");
    c->sia_expires = date("2028-03-31");
    c->n_courses = 3;
    c->courses[0] = (struct lnt_badge_course){LNT_COURSE_WAVE, date("2027-09-30")};
    c->courses[1] = (struct lnt_badge_course){LNT_COURSE_FIRST_AID, date("2028-01-15")};
    c->courses[2] = (struct lnt_badge_course){LNT_COURSE_BYSTANDER, 0};
}

static void test_badge__documented_example_verifies(void **state)
{
    struct lnt_signing_key k;
    struct lnt_trusted_key tk;
    struct lnt_trust t = {.scheme = "WTN", .keys = &tk, .n_keys = 1};
    struct lnt_badge_claims c;
    struct lnt_badge_claims got;
    char pk_hex[65];
    char kid_hex[9];
    char text[LNT_BADGE_MAX_TEXT + 1];
    char err[LNT_ERRBUF_SIZE];
    int64_t now = 0;

    (void)state;
    example_key(&k);
    lnt_hex_encode(k.pk, 32, pk_hex);
    assert_string_equal(pk_hex, EXAMPLE_PK);
    lnt_hex_encode(k.kid, 4, kid_hex);
    assert_string_equal(kid_hex, "65b60673");
    memcpy(tk.kid, k.kid, 4);
    memcpy(tk.pk, k.pk, 32);

    assert_int_equal(lnt_time_parse("2026-11-28T21:30:00Z", &now), LNT_OK);
    assert_int_equal(lnt_badge_verify(EXAMPLE_TEXT, &t, now, &got, err), LNT_BADGE_VALID);
    example_claims(&c);
    memcpy(c.kid, k.kid, 4);
    /* courses come back sorted by code: bystander, wave, first-aid */
    assert_string_equal(got.name, "Sam Okafor");
    assert_string_equal(got.sia_number, c.sia_number);
    assert_int_equal(got.n_courses, 3);
    assert_int_equal(got.courses[0].course, LNT_COURSE_BYSTANDER);
    assert_int_equal(got.courses[1].course, LNT_COURSE_WAVE);
    assert_int_equal(got.courses[2].course, LNT_COURSE_FIRST_AID);
    assert_int_equal(got.courses[2].expires, date("2028-01-15"));
    assert_int_equal(got.issued_at, c.issued_at);
    assert_int_equal(got.expires_at, c.expires_at);
    assert_memory_equal(got.serial, c.serial, 8);

    /* Ed25519 is deterministic: issuing the same claims reproduces the text byte for byte. */
    assert_int_equal(lnt_badge_issue(&c, &k, text, sizeof text, err), LNT_OK);
    assert_string_equal(text, EXAMPLE_TEXT);
}

static void test_badge__names_and_reasons(void **state)
{
    enum lnt_role role;
    enum lnt_course course;

    (void)state;
    for (int r = LNT_ROLE_DOOR; r <= LNT_ROLE_VOLUNTEER; r++) {
        assert_int_equal(lnt_role_parse(lnt_role_name((enum lnt_role)r), &role), LNT_OK);
        assert_int_equal(role, r);
    }
    assert_string_equal(lnt_role_name(LNT_ROLE_DOOR), "door");
    assert_string_equal(lnt_role_name(LNT_ROLE_NONE), "none");
    assert_int_equal(lnt_role_parse("none", &role), LNT_ERR_INVALID);
    assert_int_equal(lnt_role_parse("Door", &role), LNT_ERR_INVALID);
    assert_int_equal(lnt_role_parse("", &role), LNT_ERR_INVALID);
    for (int c = LNT_COURSE_BYSTANDER; c <= LNT_COURSE__MAX; c++) {
        assert_int_equal(lnt_course_parse(lnt_course_name((enum lnt_course)c), &course), LNT_OK);
        assert_int_equal(course, c);
    }
    assert_string_equal(lnt_course_name(LNT_COURSE_FIRST_AID), "first-aid");
    assert_string_equal(lnt_course_name(LNT_COURSE_CHALLENGE25), "challenge25");
    assert_int_equal(lnt_course_parse("first aid", &course), LNT_ERR_INVALID);
    assert_int_equal(lnt_course_parse("none", &course), LNT_ERR_INVALID);

    assert_string_equal(lnt_badge_reason_code(LNT_BADGE_NOT_YET_VALID), "not_yet_valid");
    assert_string_equal(lnt_badge_reason_code(LNT_BADGE_WRONG_SCHEME), "wrong_scheme");
    for (int r = 0; r < LNT_BADGE__COUNT; r++) {
        const char *text = lnt_badge_reason_text((enum lnt_badge_reason)r);
        assert_true(strlen(text) > 10);
        for (int q = 0; q < r; q++) {
            assert_string_not_equal(text, lnt_badge_reason_text((enum lnt_badge_reason)q));
            assert_string_not_equal(lnt_badge_reason_code((enum lnt_badge_reason)r),
                                    lnt_badge_reason_code((enum lnt_badge_reason)q));
        }
    }
    assert_non_null(strstr(lnt_badge_reason_text(LNT_BADGE_EXPIRED), "expired"));
    assert_string_equal(lnt_badge_reason_code(LNT_BADGE__COUNT), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_badge__round_trips_all_claims),
        cmocka_unit_test(test_badge__every_flipped_byte_is_refused),
        cmocka_unit_test(test_badge__expired_and_not_yet_valid),
        cmocka_unit_test(test_badge__unknown_key_id),
        cmocka_unit_test(test_badge__other_key_claiming_trusted_kid_is_forged),
        cmocka_unit_test(test_badge__two_trusted_keys_sharing_a_kid_both_work),
        cmocka_unit_test(test_badge__not_lantern_bad_encoding_oversized),
        cmocka_unit_test(test_badge__revoked_serial),
        cmocka_unit_test(test_badge__wrong_scheme),
        cmocka_unit_test(test_badge__worst_case_door_badge_fits),
        cmocka_unit_test(test_badge__issue_refuses_too_large),
        cmocka_unit_test(test_badge__issue_refuses_bad_claims),
        cmocka_unit_test(test_badge__signed_claims_are_parsed_strictly),
        cmocka_unit_test(test_badge__hostile_cose_structures_are_malformed),
        cmocka_unit_test(test_badge__structure_is_standard_cose),
        cmocka_unit_test(test_badge__documented_example_verifies),
        cmocka_unit_test(test_badge__names_and_reasons),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
