/* kiosk_client.c - acting as an enrolled kiosk against a real lanternd: enrolment and signed
 * requests. */
#include "kiosk_client.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "badge.h"
#include "buf.h"
#include "codec.h"
#include "err.h"

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    return lnt_buf_append(ctx, p, size * n) == LNT_OK ? size * n : 0;
}

void lnt_test_kiosk_enroll(const char *base, const char *code, struct lnt_test_kiosk *k)
{
    char b64[LNT_B64_LEN(LNT_SIGN_PK_LEN)], body[256], url[256];
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    struct lnt_buf out;
    const char *box;
    long status = 0;
    size_t n = 0;
    CURLcode cc;
    json_t *j;
    CURL *c = curl_easy_init();

    assert_non_null(c);
    crypto_sign_keypair(k->pk, k->sk);
    lnt_b64_encode(k->pk, LNT_SIGN_PK_LEN, b64);
    snprintf(body, sizeof body, "{\"code\": \"%s\", \"public_key\": \"%s\"}", code, b64);
    snprintf(url, sizeof url, "%s/api/v1/enroll", base);
    lnt_buf_init(&out, 1u << 20);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    cc = curl_easy_perform(c);
    if (cc != CURLE_OK)
        fail_msg("POST /api/v1/enroll: %s", curl_easy_strerror(cc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    if (status != 201)
        fail_msg("POST /api/v1/enroll: %ld %.*s", status, (int)out.len,
                 out.data != NULL ? out.data : "");
    j = json_loadb(out.data, out.len, 0, NULL);
    assert_non_null(j);
    k->id = json_integer_value(json_object_get(j, "kiosk_id"));
    assert_true(k->id > 0);
    box = json_string_value(json_object_get(j, "box_public_key"));
    assert_non_null(box);
    assert_int_equal(lnt_b64_decode(box, k->box_pk, sizeof k->box_pk, &n), LNT_OK);
    assert_int_equal(n, sizeof k->box_pk);
    json_decref(j);
    lnt_buf_release(&out);
}

struct curl_slist *lnt_test_kiosk_headers(const uint8_t *sk, int64_t kiosk_id, int64_t ts,
                                          int version, const struct lnt_reqsig_parts *parts,
                                          bool json)
{
    char sig[LNT_REQSIG_B64_LEN], line[256];
    struct curl_slist *h = NULL;

    if (version == 2)
        assert_int_equal(lnt_reqsig_sign2(sk, kiosk_id, ts, parts, sig), LNT_OK);
    else
        assert_int_equal(lnt_reqsig_sign(sk, kiosk_id, ts, parts->method, parts->path, parts->body,
                                         parts->len, sig),
                         LNT_OK);
    snprintf(line, sizeof line, "%s: %lld", LNT_HDR_KIOSK, (long long)kiosk_id);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "%s: %lld", LNT_HDR_TIME, (long long)ts);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "%s: %s", LNT_HDR_SIGNATURE, sig);
    h = curl_slist_append(h, line);
    if (version == 2)
        h = curl_slist_append(h, LNT_HDR_SIG_VERSION ": 2");
    if (parts->backlog != NULL) {
        snprintf(line, sizeof line, "%s: %s", LNT_HDR_BACKLOG, parts->backlog);
        h = curl_slist_append(h, line);
    }
    if (json)
        h = curl_slist_append(h, "Content-Type: application/json");
    return h;
}
