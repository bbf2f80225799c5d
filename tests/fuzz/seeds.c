/*
 * seeds.c - writes the generated part of the seed corpus (tests/fuzz/corpus/)
 * with the project's own encoders and keys, so that every seed is an input the
 * real sender would make: event batches a kiosk sends, badges an issuer signs,
 * signed kiosk requests, base45 text, a server's sync reply. The hand-written
 * seeds (forms, headers, INI files, codes) sit beside them in the corpus.
 *
 *   fuzz_seeds CORPUS-DIR      (re)writes CORPUS-DIR/<target>/gen-*
 *
 * Deterministic: fixed keys and times, so the files only change when a format does.
 * Not run by the tests; run it by hand after changing a format (docs/reliability.md).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "badge.h"
#include "base45.h"
#include "buf.h"
#include "codec.h"
#include "cose.h"
#include "event.h"
#include "ltime.h"
#include "reqsig.h"
#include "wire.h"

#define T0 INT64_C(1795730463) /* 2026-11-26T22:01:03Z: the badge target's clock */

static const char *dir;

static void die(const char *what)
{
    fprintf(stderr, "fuzz_seeds: %s\n", what);
    exit(1);
}

static void put(const char *target, const char *name, const void *p, size_t n)
{
    char path[1024];
    FILE *f;

    if (snprintf(path, sizeof path, "%s/%s/gen-%s", dir, target, name) >= (int)sizeof path)
        die("path too long");
    f = fopen(path, "wb");
    if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0)
        die(path);
}

/* The same fixed keys as the targets: seed bytes first, first + 1, ... */
static void key_from(uint8_t first, uint8_t pk[32], uint8_t sk[64])
{
    uint8_t seed[32];
    for (int i = 0; i < 32; i++)
        seed[i] = (uint8_t)(first + i);
    if (crypto_sign_seed_keypair(pk, sk, seed) != 0)
        die("keypair");
}

/* ---- wire: batches of every event type ---- */

static void wire(void)
{
    struct lnt_event ev[7];
    struct lnt_buf b;
    char err[LNT_ERRBUF_SIZE];

    memset(ev, 0, sizeof ev);
    for (int i = 0; i < 7; i++) {
        ev[i].seq = 10 + i * 3;
        snprintf(ev[i].uuid, sizeof ev[i].uuid, "5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a%02u",
                 (unsigned)i % 100u);
        ev[i].type = (enum lnt_event_type)(i + 1);
        ev[i].occurred_at = T0 + i * 60;
        ev[i].recorded_at = T0 + i * 60 + 2;
    }
    for (int i = 0; i < 2; i++) {
        struct lnt_ev_badge *b2 = &ev[i].u.badge;
        lnt_str_copy(b2->staff_id, sizeof b2->staff_id, i == 0 ? "12" : "4021");
        lnt_str_copy(b2->serial, sizeof b2->serial, "a1b2c3d4e5f60718");
        b2->role = i == 0 ? LNT_ROLE_DOOR : LNT_ROLE_BAR;
        lnt_str_copy(b2->sia_number, sizeof b2->sia_number, i == 0 ? "1234567812345678" : "");
        b2->sia_expires = i == 0 ? lnt_days_from_civil(2027, 5, 1) : 0;
        b2->sia_status = i == 0 ? LNT_SIA_EXPIRING : LNT_SIA_NOT_REQUIRED;
        b2->verdict = i == 0 ? LNT_VERDICT_AMBER : LNT_VERDICT_GREEN;
    }
    ev[2].u.refused.reason = LNT_BADGE_REVOKED;
    lnt_str_copy(ev[3].u.incident.report_id, LNT_UUID_STRLEN,
                 "0d9e8f7a-6b5c-4d3e-9f1a-2b3c4d5e6f70");
    lnt_str_copy(ev[3].u.incident.kind, LNT_SHORT_TEXT, "angela");
    ev[3].u.incident.severity = 3;
    lnt_str_copy(ev[3].u.incident.place, LNT_SHORT_TEXT, "bar \"upstairs\" \xe2\x80\x93 back");
    lnt_str_copy(ev[3].u.incident.outcome, LNT_SHORT_TEXT, "taxi home");
    ev[3].u.incident.police_called = true;
    ev[3].u.incident.complete = true;
    lnt_str_copy(ev[3].u.incident.staff_id, 17, "12");
    lnt_str_copy(ev[3].u.incident.sealed, LNT_SEALED_MAX, "c2VhbGVkIGRldGFpbHM=");
    lnt_str_copy(ev[4].u.stock.kind, sizeof ev[4].u.stock.kind, "delivery");
    ev[4].u.stock.quantity = 500;
    lnt_str_copy(ev[4].u.stock.staff_id, 17, "7");
    for (int i = 5; i < 7; i++) {
        struct lnt_ev_shift *s = &ev[i].u.shift;
        lnt_str_copy(s->staff_id, sizeof s->staff_id, "900");
        lnt_str_copy(s->call_sign, sizeof s->call_sign, "Pastor 2");
        lnt_str_copy(s->team, sizeof s->team, "Street Pastors");
        s->team_size = 4;
        if (i == 6)
            for (int k = 0; k < 8; k++)
                s->tallies[k] = k * 5;
    }
    for (int i = 0; i < 7; i++) {
        char name[32];
        lnt_buf_init(&b, LNT_BATCH_BODY_MAX);
        if (lnt_wire_batch_encode(42, &ev[i], 1, &b, err) != LNT_OK)
            die(err);
        snprintf(name, sizeof name, "type-%d.json", i + 1);
        put("wire", name, b.data, b.len);
        lnt_buf_release(&b);
    }
    lnt_buf_init(&b, LNT_BATCH_BODY_MAX);
    if (lnt_wire_batch_encode(42, ev, 7, &b, err) != LNT_OK)
        die(err);
    put("wire", "every-type.json", b.data, b.len);
    lnt_buf_release(&b);
}

/* ---- badge: QR text (even first byte) and bare claims (odd first byte) ---- */

static void badge_one(const char *name, enum lnt_role role, int n_courses, const char *sia)
{
    struct lnt_signing_key k;
    struct lnt_badge_claims c;
    struct lnt_cose_sign1 m;
    char text[LNT_BADGE_MAX_TEXT + 1], err[LNT_ERRBUF_SIZE], file[64];
    uint8_t cose[512], in[1 + LNT_BADGE_MAX_TEXT];
    size_t n = 0;

    key_from(1, k.pk, k.sk);
    lnt_badge_kid(k.pk, k.kid);
    memset(&c, 0, sizeof c);
    lnt_str_copy(c.issuer, sizeof c.issuer, "WTN");
    lnt_str_copy(c.subject, sizeof c.subject, "4242");
    for (int i = 0; i < LNT_SERIAL_LEN; i++)
        c.serial[i] = (uint8_t)(0x10 + i);
    c.issued_at = T0 - 86400;
    c.expires_at = c.issued_at + 300 * 86400;
    lnt_str_copy(c.name, sizeof c.name, name);
    c.role = role;
    c.venue = 7;
    lnt_str_copy(c.sia_number, sizeof c.sia_number, sia);
    if (sia[0] != '\0' && lnt_date_parse("2028-01-31", &c.sia_expires) != LNT_OK)
        die("date");
    c.n_courses = (uint8_t)n_courses;
    for (int i = 0; i < n_courses; i++)
        c.courses[i] = (struct lnt_badge_course){(enum lnt_course)(i + 1), 21000 + i};
    if (lnt_badge_issue(&c, &k, text, sizeof text, err) != LNT_OK)
        die(err);
    in[0] = 0;
    memcpy(in + 1, text, strlen(text));
    snprintf(file, sizeof file, "qr-%s", lnt_role_name(role));
    put("badge", file, in, 1 + strlen(text));
    /* the claims inside, for the target to sign itself */
    if (lnt_base45_decode(text + strlen(LNT_BADGE_PREFIX), strlen(text) - strlen(LNT_BADGE_PREFIX),
                          cose, sizeof cose, &n) != LNT_OK ||
        lnt_cose_sign1_decode(cose, n, &m, err) != LNT_OK)
        die("badge did not decode");
    in[0] = 1;
    memcpy(in + 1, m.payload, m.payload_len);
    snprintf(file, sizeof file, "claims-%s", lnt_role_name(role));
    put("badge", file, in, 1 + m.payload_len);
}

static void badge(void)
{
    badge_one("Dee Okafor", LNT_ROLE_DOOR, 2, "0123456789012345");
    badge_one("Sam Lee", LNT_ROLE_BAR, 0, "");
    badge_one("Zo\xc3\xab Brontë-Smythe", LNT_ROLE_VOLUNTEER, 3, "");
    badge_one("A", LNT_ROLE_MANAGER, 6, "");
}

/* ---- base45: the encodings of a few byte strings ---- */

static void base45(void)
{
    static const char *const in[] = {"",        "A",     "AB",       "Hello!!",
                                     "base-45", "ietf!", "\xff\xff", "\x00\x00\x00"};
    static const size_t len[] = {0, 1, 2, 7, 7, 5, 2, 3};
    char out[64], name[16];

    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        if (lnt_base45_encode((const uint8_t *)in[i], len[i], out, sizeof out) != LNT_OK)
            die("base45");
        snprintf(name, sizeof name, "%zu", i);
        put("base45", name, out, strlen(out));
    }
}

/* ---- reqsig: signed requests as a kiosk sends them ---- */

static void reqsig_one(const char *name, int version, int64_t id, int64_t ts, const char *method,
                       const char *path, const char *query, const char *backlog, const char *body)
{
    struct lnt_reqsig_parts p = {method, path, query, backlog, body, strlen(body)};
    uint8_t pk[32], sk[64];
    char sig[LNT_REQSIG_B64_LEN], out[4096];
    int n;
    unsigned flags =
        (version == 1 ? 8u : 0u) | (query == NULL ? 16u : 0u) | (backlog == NULL ? 32u : 0u);

    key_from(0x40, pk, sk);
    if ((version == 2
             ? lnt_reqsig_sign2(sk, id, ts, &p, sig)
             : lnt_reqsig_sign(sk, id, ts, method, path, body, strlen(body), sig)) != LNT_OK)
        die("reqsig");
    n = snprintf(out, sizeof out, "%c%" PRId64 "\n%" PRId64 "\n%s\n%s\n%s\n%s\n%s\n%s\n%s",
                 (char)flags, id, ts, sig, version == 2 ? "2" : "", method, path,
                 query ? query : "", backlog ? backlog : "", body);
    if (n < 0 || (size_t)n >= sizeof out)
        die("reqsig seed too long");
    put("reqsig", name, out, (size_t)n);
}

static void reqsig(void)
{
    reqsig_one("v2-batch", 2, 42, T0, "POST", "/api/v1/events", NULL, "17",
               "{\"kiosk_id\":42,\"events\":[]}");
    reqsig_one("v2-sync", 2, 42, T0, "GET", "/api/v1/kiosk/sync", "revoked_since=3", NULL, "");
    reqsig_one("v2-base", 2, 9007199254740993, 0, "GET", "/lantern/api/v1/kiosk/sync", "", "0", "");
    reqsig_one("v1-batch", 1, 1, 253402300799, "POST", "/api/v1/events", NULL, NULL, "{}");
}

/* ---- kiosk_sync: a server's sync reply ---- */

static void kiosk_sync(void)
{
    uint8_t pk[32], sk[64], kid[LNT_KID_LEN], box[32];
    char kid_hex[LNT_KID_LEN * 2 + 1], pk64[64], box64[64], when[LNT_TIME_STRLEN];
    json_t *root;
    char *text;

    key_from(1, pk, sk);
    lnt_badge_kid(pk, kid);
    lnt_hex_encode(kid, LNT_KID_LEN, kid_hex);
    lnt_b64_encode(pk, 32, pk64);
    memset(box, 0x5a, sizeof box);
    lnt_b64_encode(box, 32, box64);
    if (lnt_time_format(T0, when) != LNT_OK)
        die("time");
    for (int full = 0; full < 2; full++) {
        root =
            json_pack("{s:s, s:s, s:[{s:s, s:s}], s:{s:i, s:b, s:[s, s]}, s:{s:s, s:i, s:i}, s:s}",
                      "server_time", when, "scheme", "WTN", "trust", "kid", kid_hex, "public_key",
                      pk64, "revocations", "version", 5, "full", full, "serials",
                      "1111111111111111", "a1b2c3d4e5f60718", "venue", "name", "The Lamb & Flag",
                      "cup_cover_threshold", 40, "capacity", 250, "box_public_key", box64);
        text = root ? json_dumps(root, JSON_COMPACT) : NULL;
        if (text == NULL)
            die("json");
        put("kiosk_sync", full ? "full.json" : "added.json", text, strlen(text));
        free(text);
        json_decref(root);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS-DIR\n", argv[0]);
        return 2;
    }
    dir = argv[1];
    if (lnt_crypto_init() != LNT_OK)
        die("libsodium did not start");
    wire();
    badge();
    base45();
    reqsig();
    kiosk_sync();
    return 0;
}
