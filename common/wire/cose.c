/* cose.c - COSE_Sign1 with Ed25519 over libcbor, and a bounds check run before libcbor sees
 * untrusted bytes. */
#include "cose.h"

#include <sodium.h>
#include <stdbool.h>
#include <string.h>

static const char sig_context[] = "Signature1";

/* Largest Sig_structure: header, context, both bstrs with their heads, empty external_aad. */
#define TBS_MAX (16 + sizeof sig_context + LNT_COSE_MAX_PROTECTED + LNT_COSE_MAX_PAYLOAD)

/*
 * Reads the head of the item at p[0..n): returns its length (1-9) and the
 * argument in *arg, or 0 when the input ends inside it or it uses an
 * indefinite length (31) or a reserved value (28-30).
 */
static size_t read_head(const uint8_t *p, size_t n, uint64_t *arg)
{
    uint8_t ai;
    size_t width;

    if (n == 0)
        return 0;
    ai = p[0] & 0x1f;
    if (ai < 24) {
        *arg = ai;
        return 1;
    }
    if (ai > 27)
        return 0;
    width = (size_t)1 << (ai - 24);
    if (n < 1 + width)
        return 0;
    *arg = 0;
    for (size_t i = 0; i < width; i++)
        *arg = *arg << 8 | p[1 + i];
    return 1 + width;
}

/*
 * Length of the one well-formed item at p[0..n), or 0 when it is not well
 * formed, uses an indefinite length, nests deeper
 * than LNT_CBOR_MAX_DEPTH, or declares more content than the input holds.
 * libcbor allocates arrays and maps by their declared size before reading
 * them, so this runs first and keeps a hostile length from ever reaching it.
 */
static size_t item_length(const uint8_t *p, size_t n, int depth)
{
    uint8_t major;
    uint64_t arg = 0;
    size_t head;

    if (depth > LNT_CBOR_MAX_DEPTH)
        return 0;
    head = read_head(p, n, &arg);
    if (head == 0)
        return 0;
    major = p[0] >> 5;

    switch (major) {
    case 0: /* unsigned */
    case 1: /* negative */
        return head;
    case 2: /* byte string */
    case 3: /* text string */
        if (arg > n - head)
            return 0;
        return head + (size_t)arg;
    case 4: /* array */
    case 5: /* map */ {
        size_t off = head;
        /* Every element takes at least one byte: this bounds the loop before it starts. */
        if (arg > n - head)
            return 0;
        for (uint64_t i = 0; i < (major == 5 ? 2 * arg : arg); i++) {
            size_t k = item_length(p + off, n - off, depth + 1);
            if (k == 0)
                return 0;
            off += k;
        }
        return off;
    }
    case 6: /* tag */ {
        size_t k = item_length(p + head, n - head, depth + 1);
        return k == 0 ? 0 : head + k;
    }
    default: /* 7: floats and simple values */
        /* None of our structures uses them, but a claim we do not know may: its
         * value is skipped, as the badge format asks. A one-byte simple value
         * below 32 is not well formed (RFC 8949 section 3.3). */
        if ((p[0] & 0x1f) == 24 && arg < 32)
            return 0;
        return head;
    }
}

enum lnt_err lnt_cbor_decode(const uint8_t *p, size_t n, cbor_item_t **out, char *err)
{
    struct cbor_load_result res;
    cbor_item_t *item = NULL;
    size_t len;

    *out = NULL;
    len = item_length(p, n, 0);
    if (len == 0)
        return lnt_fail(
            err, LNT_ERR_INVALID,
            "CBOR: not well formed (or indefinite, too deep, or a length past the end)");
    if (len != n)
        return lnt_fail(err, LNT_ERR_INVALID, "CBOR: %zu bytes after the end of the item", n - len);
    memset(&res, 0, sizeof res);
    item = cbor_load(p, n, &res);
    if (item == NULL || res.error.code != CBOR_ERR_NONE) {
        if (item != NULL)
            cbor_decref(&item);
        if (res.error.code == CBOR_ERR_MEMERROR)
            return lnt_fail(err, LNT_ERR_NOMEM, "CBOR: out of memory");
        return lnt_fail(err, LNT_ERR_INVALID, "CBOR: decoder error %d at byte %zu",
                        (int)res.error.code, res.error.position);
    }
    if (res.read != n) {
        cbor_decref(&item);
        return lnt_fail(err, LNT_ERR_INVALID, "CBOR: %zu bytes after the end of the item",
                        n - res.read);
    }
    *out = item;
    return LNT_OK;
}

cbor_item_t *lnt_cbor_uint(uint64_t v)
{
    if (v <= UINT8_MAX)
        return cbor_build_uint8((uint8_t)v);
    if (v <= UINT16_MAX)
        return cbor_build_uint16((uint16_t)v);
    if (v <= UINT32_MAX)
        return cbor_build_uint32((uint32_t)v);
    return cbor_build_uint64(v);
}

enum lnt_err lnt_cbor_encode(const cbor_item_t *item, uint8_t *out, size_t max, size_t *out_len,
                             char *err)
{
    size_t n;

    *out_len = 0;
    if (item == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "CBOR: out of memory building an item");
    n = cbor_serialize(item, out, max);
    if (n == 0)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "CBOR: encoding is over %zu bytes", max);
    *out_len = n;
    return LNT_OK;
}

bool lnt_cbor_push(cbor_item_t *array, cbor_item_t *value)
{
    bool ok = value != NULL && cbor_array_push(array, value);

    if (value != NULL)
        cbor_decref(&value);
    return ok;
}

bool lnt_cbor_put(cbor_item_t *map, cbor_item_t *key, cbor_item_t *value)
{
    bool ok = key != NULL && value != NULL &&
              cbor_map_add(map, (struct cbor_pair){.key = key, .value = value});

    if (key != NULL)
        cbor_decref(&key);
    if (value != NULL)
        cbor_decref(&value);
    return ok;
}

/* Sig_structure = ["Signature1", protected, h'', payload] (RFC 9052 section 4.4). */
static enum lnt_err sig_structure(const uint8_t *prot, size_t prot_len, const uint8_t *payload,
                                  size_t payload_len, uint8_t *out, size_t max, size_t *out_len,
                                  char *err)
{
    static const uint8_t none[1] = {0};
    cbor_item_t *arr = cbor_new_definite_array(4);
    enum lnt_err rc;

    *out_len = 0;
    if (arr == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "COSE: out of memory");
    if (!lnt_cbor_push(arr, cbor_build_stringn(sig_context, sizeof sig_context - 1)) ||
        !lnt_cbor_push(arr, cbor_build_bytestring(prot, prot_len)) ||
        !lnt_cbor_push(arr, cbor_build_bytestring(none, 0)) ||
        !lnt_cbor_push(arr, cbor_build_bytestring(payload, payload_len))) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "COSE: out of memory building Sig_structure");
        goto out_arr;
    }
    rc = lnt_cbor_encode(arr, out, max, out_len, err);
out_arr:
    cbor_decref(&arr);
    return rc;
}

enum lnt_err lnt_cose_sign1_encode(const uint8_t *payload, size_t n,
                                   const uint8_t kid[LNT_COSE_KID_LEN], const uint8_t sk[64],
                                   uint8_t *out, size_t max, size_t *out_len, char *err)
{
    uint8_t prot[LNT_COSE_MAX_PROTECTED];
    uint8_t tbs[TBS_MAX];
    uint8_t sig[LNT_COSE_SIG_LEN];
    size_t prot_len = 0;
    size_t tbs_len = 0;
    cbor_item_t *hdr = NULL;
    cbor_item_t *arr = NULL;
    cbor_item_t *tagged = NULL;
    enum lnt_err rc;

    *out_len = 0;
    if (n > LNT_COSE_MAX_PAYLOAD)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "COSE: payload of %zu bytes is over %d", n,
                        LNT_COSE_MAX_PAYLOAD);

    hdr = cbor_new_definite_map(2);
    if (hdr == NULL ||
        !lnt_cbor_put(hdr, lnt_cbor_uint(1), cbor_build_negint8(-1 - LNT_COSE_ALG_EDDSA)) ||
        !lnt_cbor_put(hdr, lnt_cbor_uint(4), cbor_build_bytestring(kid, LNT_COSE_KID_LEN))) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "COSE: out of memory building the protected header");
        goto out;
    }
    rc = lnt_cbor_encode(hdr, prot, sizeof prot, &prot_len, err);
    if (rc != LNT_OK)
        goto out;
    rc = sig_structure(prot, prot_len, payload, n, tbs, sizeof tbs, &tbs_len, err);
    if (rc != LNT_OK)
        goto out;
    if (crypto_sign_detached(sig, NULL, tbs, tbs_len, sk) != 0) {
        rc = lnt_fail(err, LNT_ERR_CRYPTO, "COSE: Ed25519 signing failed");
        goto out;
    }

    arr = cbor_new_definite_array(4);
    if (arr == NULL || !lnt_cbor_push(arr, cbor_build_bytestring(prot, prot_len)) ||
        !lnt_cbor_push(arr, cbor_new_definite_map(0)) ||
        !lnt_cbor_push(arr, cbor_build_bytestring(payload, n)) ||
        !lnt_cbor_push(arr, cbor_build_bytestring(sig, sizeof sig))) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "COSE: out of memory building COSE_Sign1");
        goto out;
    }
    tagged = cbor_build_tag(LNT_COSE_TAG_SIGN1, arr);
    if (tagged == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "COSE: out of memory building COSE_Sign1");
        goto out;
    }
    rc = lnt_cbor_encode(tagged, out, max, out_len, err);
out:
    if (tagged != NULL)
        cbor_decref(&tagged);
    if (arr != NULL)
        cbor_decref(&arr);
    if (hdr != NULL)
        cbor_decref(&hdr);
    return rc;
}

/* Checks the protected header map is exactly {1: -8, 4: kid} and copies the kid. */
static enum lnt_err parse_protected(const uint8_t *p, size_t n, uint8_t kid[LNT_COSE_KID_LEN],
                                    char *err)
{
    cbor_item_t *map = NULL;
    struct cbor_pair *pairs;
    bool have_alg = false;
    bool have_kid = false;
    enum lnt_err rc;

    rc = lnt_cbor_decode(p, n, &map, err);
    if (rc != LNT_OK) {
        lnt_fail_prefix(err, rc, "COSE protected header: ");
        goto out;
    }
    rc = LNT_ERR_INVALID;
    if (!cbor_isa_map(map) || cbor_map_size(map) != 2) {
        lnt_fail(err, rc, "COSE protected header: expected a map of alg and kid");
        goto out;
    }
    pairs = cbor_map_handle(map);
    for (size_t i = 0; i < 2; i++) {
        const cbor_item_t *k = pairs[i].key;
        const cbor_item_t *v = pairs[i].value;

        if (!cbor_isa_uint(k)) {
            lnt_fail(err, rc, "COSE protected header: unexpected label");
            goto out;
        }
        if (cbor_get_int(k) == 1 && !have_alg) {
            if (!cbor_isa_negint(v) || cbor_get_int(v) != (uint64_t)(-1 - LNT_COSE_ALG_EDDSA)) {
                lnt_fail(err, rc, "COSE protected header: alg is not EdDSA (-8)");
                goto out;
            }
            have_alg = true;
        } else if (cbor_get_int(k) == 4 && !have_kid) {
            if (!cbor_isa_bytestring(v) || !cbor_bytestring_is_definite(v) ||
                cbor_bytestring_length(v) != LNT_COSE_KID_LEN) {
                lnt_fail(err, rc, "COSE protected header: kid is not a %d-byte bstr",
                         LNT_COSE_KID_LEN);
                goto out;
            }
            memcpy(kid, cbor_bytestring_handle(v), LNT_COSE_KID_LEN);
            have_kid = true;
        } else {
            lnt_fail(err, rc, "COSE protected header: unexpected or repeated label %llu",
                     (unsigned long long)cbor_get_int(k));
            goto out;
        }
    }
    rc = LNT_OK;
out:
    if (map != NULL)
        cbor_decref(&map);
    return rc;
}

static bool is_bstr(const cbor_item_t *it)
{
    return cbor_isa_bytestring(it) && cbor_bytestring_is_definite(it);
}

enum lnt_err lnt_cose_sign1_decode(const uint8_t *in, size_t n, struct lnt_cose_sign1 *out,
                                   char *err)
{
    cbor_item_t *root = NULL;
    const cbor_item_t *arr;
    cbor_item_t **items;
    size_t skip = 0;
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    /*
     * The tag is read here rather than by libcbor: 0.8 refuses tags it has no
     * meaning for, 18 among them. Whatever follows must then be the array.
     */
    if (n > 0 && in[0] >> 5 == 6) {
        uint64_t tag = 0;
        size_t head = read_head(in, n, &tag);

        if (head == 0 || tag != LNT_COSE_TAG_SIGN1) {
            rc = lnt_fail(err, LNT_ERR_INVALID, "COSE_Sign1: tag %llu, expected %d",
                          (unsigned long long)tag, LNT_COSE_TAG_SIGN1);
            goto out;
        }
        skip = head;
    }
    rc = lnt_cbor_decode(in + skip, n - skip, &root, err);
    if (rc != LNT_OK) {
        lnt_fail_prefix(err, rc, "COSE_Sign1: ");
        goto out;
    }
    rc = LNT_ERR_INVALID;
    arr = root;
    if (!cbor_isa_array(arr) || !cbor_array_is_definite(arr) || cbor_array_size(arr) != 4) {
        lnt_fail(err, rc, "COSE_Sign1: expected an array of 4");
        goto out;
    }
    items = cbor_array_handle(arr);
    if (!is_bstr(items[0]) || cbor_bytestring_length(items[0]) == 0 ||
        cbor_bytestring_length(items[0]) > LNT_COSE_MAX_PROTECTED) {
        lnt_fail(err, rc, "COSE_Sign1: protected header is not a bstr of 1..%d bytes",
                 LNT_COSE_MAX_PROTECTED);
        goto out;
    }
    if (!cbor_isa_map(items[1])) {
        lnt_fail(err, rc, "COSE_Sign1: unprotected header is not a map");
        goto out;
    }
    if (!is_bstr(items[2]) || cbor_bytestring_length(items[2]) > LNT_COSE_MAX_PAYLOAD) {
        lnt_fail(err, rc, "COSE_Sign1: payload is not a bstr of at most %d bytes",
                 LNT_COSE_MAX_PAYLOAD);
        goto out;
    }
    if (!is_bstr(items[3]) || cbor_bytestring_length(items[3]) != LNT_COSE_SIG_LEN) {
        lnt_fail(err, rc, "COSE_Sign1: signature is not a bstr of %d bytes", LNT_COSE_SIG_LEN);
        goto out;
    }
    out->protected_len = cbor_bytestring_length(items[0]);
    memcpy(out->protected_hdr, cbor_bytestring_handle(items[0]), out->protected_len);
    out->payload_len = cbor_bytestring_length(items[2]);
    if (out->payload_len > 0)
        memcpy(out->payload, cbor_bytestring_handle(items[2]), out->payload_len);
    memcpy(out->sig, cbor_bytestring_handle(items[3]), LNT_COSE_SIG_LEN);
    rc = parse_protected(out->protected_hdr, out->protected_len, out->kid, err);
out:
    if (root != NULL)
        cbor_decref(&root);
    if (rc != LNT_OK)
        memset(out, 0, sizeof *out);
    return rc;
}

enum lnt_err lnt_cose_sign1_verify(const struct lnt_cose_sign1 *m, const uint8_t pk[32], char *err)
{
    uint8_t tbs[TBS_MAX];
    size_t tbs_len = 0;
    enum lnt_err rc;

    rc = sig_structure(m->protected_hdr, m->protected_len, m->payload, m->payload_len, tbs,
                       sizeof tbs, &tbs_len, err);
    if (rc != LNT_OK)
        return rc;
    if (crypto_sign_verify_detached(m->sig, tbs, tbs_len, pk) != 0)
        return lnt_fail(err, LNT_ERR_BAD_SIGNATURE,
                        "COSE_Sign1: Ed25519 signature does not verify");
    return LNT_OK;
}
