/* test_reqsig.c - signed kiosk requests: what verifies, and every alteration that must not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "codec.h"
#include "reqsig.h"

#define KIOSK 3
#define NOW 1795738863
#define BODY "{\"kiosk_id\":3,\"events\":[]}"
#define PATH "/api/v1/events"

static uint8_t pk[LNT_SIGN_PK_LEN], sk[LNT_SIGN_SK_LEN];
static uint8_t other_pk[LNT_SIGN_PK_LEN], other_sk[LNT_SIGN_SK_LEN];

static int setup(void **state)
{
    (void)state;
    if (lnt_crypto_init() != LNT_OK)
        return -1;
    crypto_sign_keypair(pk, sk);
    crypto_sign_keypair(other_pk, other_sk);
    return 0;
}

static void sign_body(int64_t ts, char sig[LNT_REQSIG_B64_LEN])
{
    assert_int_equal(lnt_reqsig_sign(sk, KIOSK, ts, "POST", PATH, BODY, strlen(BODY), sig), LNT_OK);
    assert_int_equal(strlen(sig), LNT_REQSIG_B64_LEN - 1);
}

static void test_reqsig__signed_request_verifies(void **state)
{
    char sig[LNT_REQSIG_B64_LEN];
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    sign_body(NOW, sig);
    assert_int_equal(
        lnt_reqsig_verify(pk, KIOSK, NOW, NOW, "POST", PATH, BODY, strlen(BODY), sig, err), LNT_OK);
    /* An empty body, given as NULL. */
    assert_int_equal(lnt_reqsig_sign(sk, KIOSK, NOW, "GET", "/api/v1/trust", NULL, 0, sig), LNT_OK);
    assert_int_equal(
        lnt_reqsig_verify(pk, KIOSK, NOW, NOW, "GET", "/api/v1/trust", "", 0, sig, err), LNT_OK);
}

/* The signature is over exactly the text docs/api.md gives, so any Ed25519 library can check it. */
static void test_reqsig__signs_the_documented_text(void **state)
{
    char sig_b64[LNT_REQSIG_B64_LEN];
    uint8_t sig[crypto_sign_BYTES], digest[crypto_hash_sha256_BYTES];
    char hex[LNT_HEX_LEN(crypto_hash_sha256_BYTES)], text[512];
    size_t len = 0;
    int n;
    (void)state;

    sign_body(NOW, sig_b64);
    assert_int_equal(lnt_b64_decode(sig_b64, sig, sizeof sig, &len), LNT_OK);
    assert_int_equal(len, sizeof sig);
    crypto_hash_sha256(digest, (const uint8_t *)BODY, strlen(BODY));
    lnt_hex_encode(digest, sizeof digest, hex);
    n = snprintf(text, sizeof text, "LNT1-REQ\nPOST\n/api/v1/events\n3\n1795738863\n%s", hex);
    assert_int_equal(crypto_sign_verify_detached(sig, (const uint8_t *)text, (size_t)n, pk), 0);
    /* The hash is lower-case hex: upper case would be a different text. */
    for (char *p = text + n - 64; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    assert_int_not_equal(crypto_sign_verify_detached(sig, (const uint8_t *)text, (size_t)n, pk), 0);
}

static void expect_bad(const uint8_t *key, int64_t kiosk, int64_t ts, const char *method,
                       const char *path, const char *body, const char *sig, const char *msg)
{
    char err[LNT_ERRBUF_SIZE] = "";
    assert_int_equal(
        lnt_reqsig_verify(key, kiosk, ts, NOW, method, path, body, strlen(body), sig, err),
        LNT_ERR_BAD_SIGNATURE);
    assert_string_equal(err, msg);
}

static void test_reqsig__refuses_each_alteration(void **state)
{
    char sig[LNT_REQSIG_B64_LEN];
    const char *mismatch = "X-Lantern-Signature: does not match this request and kiosk 3";
    (void)state;

    sign_body(NOW, sig);
    expect_bad(pk, KIOSK, NOW, "POST", PATH, "{\"kiosk_id\":4,\"events\":[]}", sig, mismatch);
    expect_bad(pk, KIOSK, NOW, "POST", PATH, BODY " ", sig, mismatch);
    expect_bad(pk, KIOSK, NOW, "PUT", PATH, BODY, sig, mismatch);
    expect_bad(pk, KIOSK, NOW, "POST", "/api/v1/event", BODY, sig, mismatch);
    expect_bad(pk, KIOSK, NOW + 1, "POST", PATH, BODY, sig, mismatch);
    expect_bad(pk, 4, NOW, "POST", PATH, BODY, sig,
               "X-Lantern-Signature: does not match this request and kiosk 4");
    expect_bad(other_pk, KIOSK, NOW, "POST", PATH, BODY, sig, mismatch);
    /* A signature by another kiosk's key over the very same request. */
    assert_int_equal(lnt_reqsig_sign(other_sk, KIOSK, NOW, "POST", PATH, BODY, strlen(BODY), sig),
                     LNT_OK);
    expect_bad(pk, KIOSK, NOW, "POST", PATH, BODY, sig, mismatch);
    /* A path the signer could not have signed. */
    sign_body(NOW, sig);
    expect_bad(pk, KIOSK, NOW, "POST", "/api/v1/events?x=1", BODY, sig,
               "cannot check the signature: request path: expected '/' and up to 1024 printable "
               "characters, no query");
}

static void test_reqsig__refuses_garbage_signatures(void **state)
{
    char sig[LNT_REQSIG_B64_LEN], b64[LNT_B64_LEN(70)];
    uint8_t raw[70] = {0};
    (void)state;

    expect_bad(pk, KIOSK, NOW, "POST", PATH, BODY, "", "X-Lantern-Signature: missing");
    expect_bad(pk, KIOSK, NOW, "POST", PATH, BODY, "not base64 at all!!",
               "X-Lantern-Signature: not valid base64");
    sign_body(NOW, sig);
    sig[10] = '*';
    expect_bad(pk, KIOSK, NOW, "POST", PATH, BODY, sig, "X-Lantern-Signature: not valid base64");
    lnt_b64_encode(raw, 63, b64);
    expect_bad(pk, KIOSK, NOW, "POST", PATH, BODY, b64,
               "X-Lantern-Signature: 63 bytes, expected 64");
    lnt_b64_encode(raw, 65, b64);
    expect_bad(pk, KIOSK, NOW, "POST", PATH, BODY, b64,
               "X-Lantern-Signature: 65 bytes, expected 64");
    lnt_b64_encode(raw, 70, b64);
    expect_bad(pk, KIOSK, NOW, "POST", PATH, BODY, b64,
               "X-Lantern-Signature: longer than 88 characters");
    lnt_b64_encode(raw, 64, b64);
    expect_bad(pk, KIOSK, NOW, "POST", PATH, BODY, b64,
               "X-Lantern-Signature: does not match this request and kiosk 3");
    expect_bad(pk, KIOSK, NOW, "POST", PATH, BODY, NULL, "X-Lantern-Signature: missing");
}

static void test_reqsig__refuses_clock_skew_both_ways(void **state)
{
    char sig[LNT_REQSIG_B64_LEN];
    char err[LNT_ERRBUF_SIZE] = "";
    const size_t len = strlen(BODY);
    (void)state;

    /* 300 s either way is still fine. */
    sign_body(NOW - LNT_REQSIG_MAX_SKEW, sig);
    assert_int_equal(
        lnt_reqsig_verify(pk, KIOSK, NOW - 300, NOW, "POST", PATH, BODY, len, sig, err), LNT_OK);
    sign_body(NOW + LNT_REQSIG_MAX_SKEW, sig);
    assert_int_equal(
        lnt_reqsig_verify(pk, KIOSK, NOW + 300, NOW, "POST", PATH, BODY, len, sig, err), LNT_OK);

    sign_body(NOW - 301, sig);
    assert_int_equal(
        lnt_reqsig_verify(pk, KIOSK, NOW - 301, NOW, "POST", PATH, BODY, len, sig, err),
        LNT_ERR_EXPIRED);
    assert_string_equal(err,
                        "X-Lantern-Time: 301 s behind the server's clock (at most 300 s allowed)");
    sign_body(NOW + 3600, sig);
    assert_int_equal(
        lnt_reqsig_verify(pk, KIOSK, NOW + 3600, NOW, "POST", PATH, BODY, len, sig, err),
        LNT_ERR_EXPIRED);
    assert_string_equal(
        err, "X-Lantern-Time: 3600 s ahead of the server's clock (at most 300 s allowed)");
    /* Extremes do not overflow. */
    sign_body(INT64_MIN, sig);
    assert_int_equal(
        lnt_reqsig_verify(pk, KIOSK, INT64_MIN, INT64_MAX, "POST", PATH, BODY, len, sig, err),
        LNT_ERR_EXPIRED);
    assert_string_equal(err, "X-Lantern-Time: 18446744073709551615 s behind the server's clock "
                             "(at most 300 s allowed)");
    /* A stale request with a bad signature says only that the signature is bad. */
    sign_body(NOW - 1000, sig);
    assert_int_equal(
        lnt_reqsig_verify(other_pk, KIOSK, NOW - 1000, NOW, "POST", PATH, BODY, len, sig, err),
        LNT_ERR_BAD_SIGNATURE);
}

static void test_reqsig__sign_refuses_bad_method_or_path(void **state)
{
    char sig[LNT_REQSIG_B64_LEN] = "x";
    (void)state;

    assert_int_equal(lnt_reqsig_sign(sk, KIOSK, NOW, "post", PATH, NULL, 0, sig), LNT_ERR_INVALID);
    assert_string_equal(sig, "");
    assert_int_equal(lnt_reqsig_sign(sk, KIOSK, NOW, "POST\nX", PATH, NULL, 0, sig),
                     LNT_ERR_INVALID);
    assert_int_equal(lnt_reqsig_sign(sk, KIOSK, NOW, "POST", "api/v1/events", NULL, 0, sig),
                     LNT_ERR_INVALID);
    assert_int_equal(lnt_reqsig_sign(sk, KIOSK, NOW, "POST", "/a b", NULL, 0, sig),
                     LNT_ERR_INVALID);
    assert_int_equal(lnt_reqsig_sign(sk, KIOSK, NOW, "POST", PATH, NULL, 5, sig), LNT_ERR_INVALID);
}

/* ---- version 2: the query string and the backlog header are signed too ---- */

#define SYNC "/api/v1/kiosk/sync"

static struct lnt_reqsig_parts sync_parts(const char *query, const char *backlog)
{
    struct lnt_reqsig_parts p = {"GET", SYNC, query, backlog, "", 0};
    return p;
}

/* The version 2 text is exactly the one docs/api.md gives (its example, byte for byte). */
static void test_reqsig__v2_signs_the_documented_text(void **state)
{
    static const char text[] =
        "LNT2-REQ\nGET\n/api/v1/kiosk/sync\nrevoked_since=41\n3\n1795738863\n0\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    struct lnt_reqsig_parts p = sync_parts("revoked_since=41", "0");
    char sig_b64[LNT_REQSIG_B64_LEN];
    uint8_t sig[crypto_sign_BYTES];
    size_t len = 0;
    (void)state;

    assert_int_equal(lnt_reqsig_sign2(sk, KIOSK, NOW, &p, sig_b64), LNT_OK);
    assert_int_equal(lnt_b64_decode(sig_b64, sig, sizeof sig, &len), LNT_OK);
    assert_int_equal(len, sizeof sig);
    assert_int_equal(crypto_sign_verify_detached(sig, (const uint8_t *)text, strlen(text), pk), 0);
}

static void expect_bad2(const struct lnt_reqsig_parts *p, const char *sig, const char *msg)
{
    char err[LNT_ERRBUF_SIZE] = "";

    assert_int_equal(lnt_reqsig_verify2(pk, KIOSK, NOW, NOW, p, sig, err), LNT_ERR_BAD_SIGNATURE);
    assert_string_equal(err, msg);
}

static void test_reqsig__v2_covers_query_and_backlog(void **state)
{
    const char *mismatch = "X-Lantern-Signature: does not match this request and kiosk 3";
    struct lnt_reqsig_parts p = sync_parts("revoked_since=41", "12"), q;
    char sig[LNT_REQSIG_B64_LEN], sig1[LNT_REQSIG_B64_LEN];
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    assert_int_equal(lnt_reqsig_sign2(sk, KIOSK, NOW, &p, sig), LNT_OK);
    assert_int_equal(lnt_reqsig_verify2(pk, KIOSK, NOW, NOW, &p, sig, err), LNT_OK);
    q = sync_parts("revoked_since=0", "12");
    expect_bad2(&q, sig, mismatch);
    q = sync_parts("", "12");
    expect_bad2(&q, sig, mismatch);
    q = sync_parts(NULL, "12");
    expect_bad2(&q, sig, mismatch);
    q = sync_parts("revoked_since=41", "0");
    expect_bad2(&q, sig, mismatch);
    q = sync_parts("revoked_since=41", NULL); /* the header left out */
    expect_bad2(&q, sig, mismatch);
    q = sync_parts("revoked_since=41&x", "12");
    expect_bad2(&q, sig, mismatch);

    /* No query and no backlog: NULL and "" are the same query, absent is not the same backlog. */
    p = sync_parts(NULL, NULL);
    assert_int_equal(lnt_reqsig_sign2(sk, KIOSK, NOW, &p, sig), LNT_OK);
    q = sync_parts("", NULL);
    assert_int_equal(lnt_reqsig_verify2(pk, KIOSK, NOW, NOW, &q, sig, err), LNT_OK);

    /* A version 1 signature does not pass as version 2, nor the other way round. */
    assert_int_equal(lnt_reqsig_sign(sk, KIOSK, NOW, "GET", SYNC, "", 0, sig1), LNT_OK);
    expect_bad2(&p, sig1, mismatch);
    expect_bad(pk, KIOSK, NOW, "GET", SYNC, "", sig, mismatch);
}

static void test_reqsig__v2_refuses_unprintable_query_or_backlog(void **state)
{
    struct lnt_reqsig_parts p = sync_parts("a b", NULL);
    char sig[LNT_REQSIG_B64_LEN] = "x";
    char big[LNT_REQSIG_QUERY_MAX + 2];
    (void)state;

    assert_int_equal(lnt_reqsig_sign2(sk, KIOSK, NOW, &p, sig), LNT_ERR_INVALID);
    assert_string_equal(sig, "");
    p = sync_parts("x=1\n", NULL);
    assert_int_equal(lnt_reqsig_sign2(sk, KIOSK, NOW, &p, sig), LNT_ERR_INVALID);
    p = sync_parts(NULL, "1\n2");
    assert_int_equal(lnt_reqsig_sign2(sk, KIOSK, NOW, &p, sig), LNT_ERR_INVALID);
    p = sync_parts(NULL, "123456789012345678901234567890123");
    assert_int_equal(lnt_reqsig_sign2(sk, KIOSK, NOW, &p, sig), LNT_ERR_INVALID);
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    p = sync_parts(big, NULL);
    assert_int_equal(lnt_reqsig_sign2(sk, KIOSK, NOW, &p, sig), LNT_ERR_INVALID);
    big[sizeof big - 2] = '\0'; /* exactly the bound */
    assert_int_equal(lnt_reqsig_sign2(sk, KIOSK, NOW, &p, sig), LNT_OK);
}

/* The headers as lanternd receives them: each refusal names the header that is wrong. */
static void test_reqsig__headers_name_what_is_wrong(void **state)
{
    static const struct {
        const char *kiosk, *time, *sig, *version, *named;
    } bad[] = {
        {NULL, "1", "c2ln", NULL, "missing header " LNT_HDR_KIOSK},
        {"1", NULL, "c2ln", NULL, "missing header " LNT_HDR_TIME},
        {"1", "1", NULL, NULL, "missing header " LNT_HDR_SIGNATURE},
        {"0", "1", "c2ln", NULL, "header " LNT_HDR_KIOSK ": expected a kiosk id"},
        {"+7", "1", "c2ln", NULL, "header " LNT_HDR_KIOSK ": expected a kiosk id"},
        {"7 ", "1", "c2ln", NULL, "header " LNT_HDR_KIOSK ": expected a kiosk id"},
        {"7", "-1", "c2ln", NULL, "header " LNT_HDR_TIME ": expected unix seconds"},
        {"7", "253402300800", "c2ln", NULL, "header " LNT_HDR_TIME ": expected unix seconds"},
        {"7", "1", "c2ln", "1", "header " LNT_HDR_SIG_VERSION ": expected 2"},
    };
    char long_sig[LNT_REQSIG_B64_LEN + 1], err[LNT_ERRBUF_SIZE];
    struct lnt_reqsig_headers h;
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&h, 0x5a, sizeof h);
        assert_int_equal(lnt_reqsig_headers_parse(bad[i].kiosk, bad[i].time, bad[i].sig,
                                                  bad[i].version, &h, err),
                         LNT_ERR_BAD_SIGNATURE);
        assert_non_null(strstr(err, bad[i].named));
        assert_int_equal(h.kiosk_id, 0);
        assert_null(h.sig);
    }
    memset(long_sig, 'A', sizeof long_sig - 1);
    long_sig[sizeof long_sig - 1] = '\0';
    assert_int_equal(lnt_reqsig_headers_parse("7", "1", long_sig, NULL, &h, err),
                     LNT_ERR_BAD_SIGNATURE);
    assert_non_null(strstr(err, "header " LNT_HDR_SIGNATURE ": expected a base64"));

    assert_int_equal(lnt_reqsig_headers_parse("42", "253402300799", "c2ln", "2", &h, err), LNT_OK);
    assert_int_equal(h.kiosk_id, 42);
    assert_int_equal(h.ts, INT64_C(253402300799));
    assert_string_equal(h.sig, "c2ln");
    assert_int_equal(h.version, 2);
    assert_int_equal(lnt_reqsig_headers_parse("42", "0", "c2ln", NULL, &h, err), LNT_OK);
    assert_int_equal(h.version, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reqsig__signed_request_verifies),
        cmocka_unit_test(test_reqsig__signs_the_documented_text),
        cmocka_unit_test(test_reqsig__refuses_each_alteration),
        cmocka_unit_test(test_reqsig__refuses_garbage_signatures),
        cmocka_unit_test(test_reqsig__refuses_clock_skew_both_ways),
        cmocka_unit_test(test_reqsig__sign_refuses_bad_method_or_path),
        cmocka_unit_test(test_reqsig__v2_signs_the_documented_text),
        cmocka_unit_test(test_reqsig__v2_covers_query_and_backlog),
        cmocka_unit_test(test_reqsig__v2_refuses_unprintable_query_or_backlog),
        cmocka_unit_test(test_reqsig__headers_name_what_is_wrong),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
