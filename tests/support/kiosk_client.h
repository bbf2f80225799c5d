/* kiosk_client.h - acting as an enrolled kiosk against a real lanternd: enrolment and signed
 * requests. */
#ifndef LNT_TEST_KIOSK_CLIENT_H
#define LNT_TEST_KIOSK_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include <curl/curl.h>
#include <sodium.h>

#include "reqsig.h"

struct lnt_test_kiosk {
    int64_t id;                             /* the server's kiosk id */
    uint8_t pk[crypto_sign_PUBLICKEYBYTES]; /* the kiosk's signing key pair */
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    uint8_t box_pk[crypto_box_PUBLICKEYBYTES]; /* the scheme's sealing key, from the reply */
};

/*
 * Gives `k` a fresh signing key pair and enrols it at `base` ("http://127.0.0.1:PORT") with
 * enrolment code `code`, on a connection of its own. Fails the running cmocka test unless the
 * server answers 201 with a kiosk id and the scheme's sealing key. Thread-safe for distinct `k`
 * once curl_global_init has run (cmocka's first easy handle runs it otherwise).
 */
void lnt_test_kiosk_enroll(const char *base, const char *code, struct lnt_test_kiosk *k);

/*
 * The request signature headers a kiosk sends: X-Lantern-Kiosk, X-Lantern-Time and
 * X-Lantern-Signature over `parts`, signed with `sk` as kiosk `kiosk_id` at `ts`; `version` 1
 * signs method, path and body only (as kiosks before request signature version 2 did), 2 signs
 * all of `parts` (common/wire/reqsig.h) and adds X-Lantern-Signature-Version: 2. Then
 * X-Lantern-Backlog when parts->backlog is not NULL, and Content-Type: application/json when
 * `json`. The caller owns the list (curl_slist_free_all). Fails the running test when signing
 * fails. Thread-safe.
 */
struct curl_slist *lnt_test_kiosk_headers(const uint8_t *sk, int64_t kiosk_id, int64_t ts,
                                          int version, const struct lnt_reqsig_parts *parts,
                                          bool json);

#endif
