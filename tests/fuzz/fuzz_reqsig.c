/*
 * fuzz_reqsig.c - fuzz target for the signature headers of kiosk requests
 * (common/wire/reqsig.c): lnt_reqsig_headers_parse, which lanternd runs on the
 * X-Lantern-Kiosk, -Time, -Signature and -Signature-Version values of every
 * kiosk request, and lnt_reqsig_verify / lnt_reqsig_verify2 on the rest of
 * the request (method, path, query, X-Lantern-Backlog, body).
 *
 * Input: one flags byte (bit i set: field i absent, for the four headers, the
 * query and the backlog), then KIOSK \n TIME \n SIGNATURE \n VERSION \n
 * METHOD \n PATH \n QUERY \n BACKLOG \n BODY. Invariants, any of which
 * failing aborts:
 *   - refused headers are LNT_ERR_BAD_SIGNATURE with a message and zero output; accepted
 *     ones are in range (kiosk >= 1, time 0..LNT_REQSIG_TIME_MAX, version 1 or 2);
 *   - checking a signature ends in LNT_OK, LNT_ERR_EXPIRED or LNT_ERR_BAD_SIGNATURE, and
 *     a fuzzed signature that verifies is the one the key makes for that request;
 *   - what signs, verifies (at the signing time) and its headers parse back; it expires
 *     LNT_REQSIG_MAX_SKEW + 1 seconds later; a version 2 signature is not a version 1
 *     one nor the reverse; one byte more of body breaks it;
 *   - what cannot be signed never verifies.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codec.h"
#include "reqsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX 8192
#define N_FIELDS 8

static uint8_t pk[LNT_SIGN_PK_LEN], sk[LNT_SIGN_SK_LEN];
static int ready;

static void setup(void)
{
    uint8_t seed[32];

    if (ready)
        return;
    if (lnt_crypto_init() != LNT_OK)
        abort();
    for (int i = 0; i < 32; i++)
        seed[i] = (uint8_t)(0x40 + i); /* a fixed key, so that crashes reproduce */
    if (crypto_sign_seed_keypair(pk, sk, seed) != 0)
        abort();
    ready = 1;
}

static int checked(enum lnt_err rc)
{
    return rc == LNT_OK || rc == LNT_ERR_EXPIRED || rc == LNT_ERR_BAD_SIGNATURE;
}

/* Signs `p` as `version` and checks everything a good signature must do. */
static void sign_and_check(int version, int64_t id, int64_t ts, const struct lnt_reqsig_parts *p,
                           const char *fuzzed_sig, enum lnt_err fuzzed_rc)
{
    char sig[LNT_REQSIG_B64_LEN], kiosk[24], time[24], err[LNT_ERRBUF_SIZE];
    struct lnt_reqsig_headers h;
    enum lnt_err rc;

    rc = version == 2 ? lnt_reqsig_sign2(sk, id, ts, p, sig)
                      : lnt_reqsig_sign(sk, id, ts, p->method, p->path, p->body, p->len, sig);
    if (rc != LNT_OK) {
        /* could not be signed: nothing verifies */
        if (rc != LNT_ERR_INVALID || sig[0] != '\0' || fuzzed_rc != LNT_ERR_BAD_SIGNATURE)
            abort();
        return;
    }
    if (fuzzed_rc == LNT_OK && strcmp(fuzzed_sig, sig) != 0) {
        uint8_t a[80], b[80];
        size_t na = 0, nb = 0;
        /* another spelling of the same bytes is all that may differ */
        if (lnt_b64_decode(fuzzed_sig, a, sizeof a, &na) != LNT_OK ||
            lnt_b64_decode(sig, b, sizeof b, &nb) != LNT_OK || na != nb || memcmp(a, b, na) != 0)
            abort();
    }
    if (strlen(sig) >= LNT_REQSIG_B64_LEN)
        abort();
    if (version == 2) {
        if (lnt_reqsig_verify2(pk, id, ts, ts, p, sig, err) != LNT_OK ||
            lnt_reqsig_verify(pk, id, ts, ts, p->method, p->path, p->body, p->len, sig, err) !=
                LNT_ERR_BAD_SIGNATURE)
            abort();
        if (ts <= LNT_REQSIG_TIME_MAX - LNT_REQSIG_MAX_SKEW - 1 &&
            lnt_reqsig_verify2(pk, id, ts, ts + LNT_REQSIG_MAX_SKEW + 1, p, sig, err) !=
                LNT_ERR_EXPIRED)
            abort();
    } else {
        if (lnt_reqsig_verify(pk, id, ts, ts, p->method, p->path, p->body, p->len, sig, err) !=
                LNT_OK ||
            lnt_reqsig_verify2(pk, id, ts, ts, p, sig, err) != LNT_ERR_BAD_SIGNATURE)
            abort();
    }
    /* one byte more of body */
    {
        struct lnt_reqsig_parts more = *p;
        uint8_t *body = malloc(p->len + 1);
        if (body == NULL)
            abort();
        if (p->len > 0)
            memcpy(body, p->body, p->len);
        body[p->len] = 'x';
        more.body = body;
        more.len = p->len + 1;
        if (lnt_reqsig_verify2(pk, id, ts, ts, &more, sig, err) != LNT_ERR_BAD_SIGNATURE)
            abort();
        free(body);
    }
    /* the headers a kiosk would send parse back to the same */
    snprintf(kiosk, sizeof kiosk, "%" PRId64, id);
    snprintf(time, sizeof time, "%" PRId64, ts);
    if (lnt_reqsig_headers_parse(kiosk, time, sig, version == 2 ? "2" : NULL, &h, err) != LNT_OK ||
        h.kiosk_id != id || h.ts != ts || h.sig != sig || h.version != version)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct lnt_reqsig_headers zero;
    char *copy, *field[N_FIELDS], err[LNT_ERRBUF_SIZE] = "";
    struct lnt_reqsig_headers h;
    struct lnt_reqsig_parts p;
    const char *body = "";
    size_t body_len = 0, pos = 1;
    unsigned flags;
    int64_t id = 1, ts = 1800000000;
    enum lnt_err rc, rc1, rc2;

    setup();
    if (size < 1 || size > FUZZ_MAX)
        return 0;
    flags = data[0];
    copy = malloc(size + 1);
    if (copy == NULL)
        abort();
    memcpy(copy, data, size);
    copy[size] = '\0';
    for (int i = 0; i < N_FIELDS; i++) {
        char *nl = pos < size ? memchr(copy + pos, '\n', size - pos) : NULL;
        field[i] = copy + (pos < size ? pos : size);
        if (nl == NULL) {
            pos = size;
            continue;
        }
        *nl = '\0';
        pos = (size_t)(nl - copy) + 1;
    }
    if (pos < size) {
        body = copy + pos;
        body_len = size - pos;
    }

    rc = lnt_reqsig_headers_parse((flags & 1) ? NULL : field[0], (flags & 2) ? NULL : field[1],
                                  (flags & 4) ? NULL : field[2], (flags & 8) ? NULL : field[3], &h,
                                  err);
    if (rc != LNT_OK) {
        if (rc != LNT_ERR_BAD_SIGNATURE || err[0] == '\0' || memcmp(&h, &zero, sizeof h) != 0)
            abort();
    } else {
        if (h.kiosk_id < 1 || h.ts < 0 || h.ts > LNT_REQSIG_TIME_MAX || h.sig != field[2] ||
            strlen(h.sig) >= LNT_REQSIG_B64_LEN || (h.version != 1 && h.version != 2) ||
            (h.version == 2) != ((flags & 8) == 0))
            abort();
        id = h.kiosk_id;
        ts = h.ts;
    }

    memset(&p, 0, sizeof p);
    p.method = field[4];
    p.path = field[5];
    p.query = (flags & 16) ? NULL : field[6];
    p.backlog = (flags & 32) ? NULL : field[7];
    p.body = body;
    p.len = body_len;
    rc2 = lnt_reqsig_verify2(pk, id, ts, ts, &p, field[2], err);
    rc1 = lnt_reqsig_verify(pk, id, ts, ts, p.method, p.path, p.body, p.len, field[2], err);
    if (!checked(rc1) || !checked(rc2))
        abort();
    sign_and_check(2, id, ts, &p, field[2], rc2);
    sign_and_check(1, id, ts, &p, field[2], rc1);
    free(copy);
    return 0;
}
