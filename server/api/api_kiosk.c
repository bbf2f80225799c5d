/* api_kiosk.c - the kiosks' routes: enrolment, signed event batches and the signed sync. */
#include "api.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "codec.h"
#include "log.h"
#include "ltime.h"
#include "reqsig.h"
#include "score_cache.h"
#include "store_places.h"
#include "wire.h"

#define ENROLL_CODE_MAX 32 /* generous: codes are 14 characters, dashes optional, any case */
#define HDR_BACKLOG LNT_HDR_BACKLOG     /* optional: events waiting in the kiosk's outbox */
#define HDR_FLAGGED "X-Lantern-Flagged" /* in a batch reply: sign-ins stored but flagged */
#define BACKLOG_MAX 1000000000

static int64_t mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- POST /api/v1/enroll ---- */

/* Reads {"code": "...", "public_key": "<base64>"}; on failure fills a 400 problem and returns
 * false. */
static bool parse_enroll(const struct lnt_http_request *req, char code[ENROLL_CODE_MAX + 1],
                         uint8_t pk[LNT_SIGN_PK_LEN], struct lnt_http_response *resp)
{
    json_t *root, *val;
    json_error_t jerr;
    const char *key, *code_s = NULL, *pk_s = NULL;
    size_t pk_len = 0;
    bool ok = false;

    root = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        lnt_http_problem(resp, 400, "body is not valid JSON: %s (line %d, column %d)", jerr.text,
                         jerr.line, jerr.column);
        return false;
    }
    if (!json_is_object(root)) {
        lnt_http_problem(resp, 400, "body must be a JSON object with `code` and `public_key`");
        goto out;
    }
    json_object_foreach(root, key, val)
    {
        const char **slot;
        if (strcmp(key, "code") == 0) {
            slot = &code_s;
        } else if (strcmp(key, "public_key") == 0) {
            slot = &pk_s;
        } else {
            lnt_http_problem(
                resp, 400, "unknown field `%.64s`: only `code` and `public_key` are allowed", key);
            goto out;
        }
        if (!json_is_string(val)) {
            lnt_http_problem(resp, 400, "field `%s`: expected a string", key);
            goto out;
        }
        *slot = json_string_value(val);
    }
    if (code_s == NULL || pk_s == NULL) {
        lnt_http_problem(resp, 400, "missing field `%s`", code_s == NULL ? "code" : "public_key");
        goto out;
    }
    if (*code_s == '\0' || lnt_str_copy(code, ENROLL_CODE_MAX + 1, code_s) != LNT_OK) {
        lnt_http_problem(resp, 400, "field `code`: expected an enrolment code like ABCD-EFGH-JKLM");
        goto out;
    }
    if (strlen(pk_s) > LNT_B64_LEN(LNT_SIGN_PK_LEN) ||
        lnt_b64_decode(pk_s, pk, LNT_SIGN_PK_LEN, &pk_len) != LNT_OK || pk_len != LNT_SIGN_PK_LEN) {
        lnt_http_problem(resp, 400,
                         "field `public_key`: expected base64 of a %d-byte Ed25519 public key",
                         LNT_SIGN_PK_LEN);
        goto out;
    }
    ok = true;
out:
    json_decref(root);
    return ok;
}

/* The enrolment reply (docs/api.md); NULL when out of memory. */
static json_t *enroll_reply(const struct lnt_kiosk *kiosk, const struct lnt_venue *venue,
                            const struct lnt_scheme *scheme, const struct lnt_trusted_key *keys,
                            size_t n_keys, const uint8_t (*revoked)[LNT_SERIAL_LEN],
                            size_t n_revoked, int64_t now)
{
    json_t *trust = json_array(), *rev = json_array(), *reply = NULL;
    char b64[LNT_B64_LEN(LNT_SIGN_PK_LEN)];
    char hex[LNT_HEX_LEN(LNT_SERIAL_LEN)];
    char when[LNT_TIME_STRLEN];
    const char *category = lnt_venue_category_name(venue->category);

    if (trust == NULL || rev == NULL || lnt_time_format(now, when) != LNT_OK)
        goto out;
    for (size_t i = 0; i < n_keys; i++) {
        char kid[LNT_HEX_LEN(LNT_KID_LEN)];
        lnt_hex_encode(keys[i].kid, LNT_KID_LEN, kid);
        lnt_b64_encode(keys[i].pk, LNT_SIGN_PK_LEN, b64);
        if (json_array_append_new(trust, json_pack("{s:s, s:s}", "kid", kid, "public_key", b64)) !=
            0)
            goto out;
    }
    for (size_t i = 0; i < n_revoked; i++) {
        lnt_hex_encode(revoked[i], LNT_SERIAL_LEN, hex);
        if (json_array_append_new(rev, json_string(hex)) != 0)
            goto out;
    }
    lnt_b64_encode(scheme->box_pk, sizeof scheme->box_pk, b64);
    reply =
        json_pack("{s:I, s:{s:I, s:s, s:s}, s:s, s:O, s:O, s:s, s:s}", "kiosk_id",
                  (json_int_t)kiosk->id, "venue", "id", (json_int_t)venue->id, "name", venue->name,
                  "category", category != NULL ? category : "unknown", "scheme", scheme->name,
                  "trust", trust, "revoked", rev, "box_public_key", b64, "server_time", when);
out:
    json_decref(trust);
    json_decref(rev);
    return reply;
}

static void handle_enroll(struct lnt_api *api, const struct lnt_http_request *req,
                          const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    char code[ENROLL_CODE_MAX + 1];
    char err[LNT_ERRBUF_SIZE] = "";
    uint8_t pk[LNT_SIGN_PK_LEN];
    struct lnt_scheme scheme;
    struct lnt_kiosk kiosk;
    struct lnt_venue venue;
    struct lnt_trusted_key *keys = NULL;
    uint8_t(*revoked)[LNT_SERIAL_LEN] = NULL;
    size_t n_keys = 0, n_revoked = 0;
    json_t *reply = NULL;
    int64_t now = lnt_api_now(api);
    enum lnt_err rc;

    (void)params;
    memset(&scheme, 0, sizeof scheme);
    if (!parse_enroll(req, code, pk, resp))
        goto out;

    /* Everything the reply needs is read before the code is spent. */
    if ((rc = lnt_store_scheme_get(api->store, &scheme, err)) != LNT_OK ||
        (rc = lnt_store_trust_keys(api->store, &keys, &n_keys, err)) != LNT_OK ||
        (rc = lnt_store_badge_revoked(api->store, &revoked, &n_revoked, err)) != LNT_OK) {
        lnt_error("enroll: %s", err);
        lnt_http_problem(resp, 500,
                         "the server could not read its trust list (%s); try again later",
                         lnt_strerror(rc));
        goto out;
    }

    rc = lnt_store_enroll_redeem(api->store, code, pk, now, &kiosk, err);
    if (rc == LNT_ERR_NOT_FOUND) {
        lnt_http_problem(resp, 404,
                         "enrolment code is unknown or has already been used: ask the scheme "
                         "admin for a new one (`lanternctl kiosk add --venue ID`)");
        goto out;
    }
    if (rc == LNT_ERR_EXPIRED) {
        lnt_http_problem(resp, 410,
                         "enrolment code has expired: ask the scheme admin for a new one "
                         "(`lanternctl kiosk add --venue ID`)");
        goto out;
    }
    if (rc == LNT_ERR_INVALID) {
        lnt_http_problem(resp, 400, "%s", err);
        goto out;
    }
    if (rc != LNT_OK) {
        lnt_error("enroll: %s", err);
        lnt_http_problem(resp, 500, "the server could not enrol the kiosk (%s); try again later",
                         lnt_strerror(rc));
        goto out;
    }
    if ((rc = lnt_store_venue_get(api->store, kiosk.venue_id, &venue, err)) != LNT_OK) {
        lnt_error("enroll: kiosk %lld: venue %lld: %s", (long long)kiosk.id,
                  (long long)kiosk.venue_id, err);
        lnt_http_problem(resp, 500, "kiosk %lld was enrolled but its venue could not be read (%s)",
                         (long long)kiosk.id, lnt_strerror(rc));
        goto out;
    }
    reply = enroll_reply(&kiosk, &venue, &scheme, keys, n_keys,
                         (const uint8_t(*)[LNT_SERIAL_LEN])revoked, n_revoked, now);
    /* a new kiosk applies the door rules from its first badge, before its first sync */
    if (reply != NULL && (rc = lnt_api_door_rules(api, reply, err)) != LNT_OK) {
        lnt_error("enroll: kiosk %lld: %s", (long long)kiosk.id, err);
        lnt_http_problem(resp, 500,
                         "kiosk %lld was enrolled but the door rules could not be read (%s)",
                         (long long)kiosk.id, lnt_strerror(rc));
        goto out;
    }
    lnt_api_reply_wire_json(resp, 201, reply);
    if (resp->status == 201)
        lnt_info("enrolled kiosk %lld at venue %lld", (long long)kiosk.id, (long long)venue.id);
out:
    json_decref(reply);
    free(revoked);
    free(keys);
    lnt_api_wipe(&scheme, sizeof scheme);
}

/* ---- signed requests ---- */

/*
 * The one answer to a signature that does not check, whatever the reason:
 * unknown kiosk, revoked kiosk or wrong signature look the same to a caller
 * who does not hold the kiosk's key.
 */
#define BAD_SIGNATURE_DETAIL                                                                       \
    "request signature does not verify: the kiosk is not enrolled on this server, has been "       \
    "revoked, or signed something other than this request"

/*
 * A valid Ed25519 public key whose secret half nobody keeps (made from a
 * fixed seed and thrown away): a request naming an unknown kiosk is checked
 * against it, so that it costs the same time as one naming a known kiosk.
 */
static const uint8_t nobody_pk[LNT_SIGN_PK_LEN] = {
    0xf2, 0x8b, 0xf8, 0x9c, 0xdd, 0xc6, 0xb5, 0x7f, 0xe6, 0xa3, 0x9a, 0x8e, 0xbe, 0xe8, 0x74, 0x06,
    0x7f, 0xc1, 0xdc, 0x68, 0xae, 0x84, 0xa1, 0x91, 0x41, 0x25, 0xed, 0x5b, 0xeb, 0x8e, 0xa8, 0x06,
};

/* Who signed a request, when, and how much of it the signature covers. */
struct signer {
    struct lnt_kiosk kiosk;
    int64_t ts;         /* X-Lantern-Time, as signed */
    bool covers_extras; /* version 2: the query string and X-Lantern-Backlog are signed */
};

/*
 * Checks the request signature headers against the kiosk's stored key.
 * On success fills *out; otherwise fills a 401 (or 500) problem and returns
 * false. An unknown kiosk, a revoked one and a signature that does not
 * verify all get the same 401 (BAD_SIGNATURE_DETAIL), after the same work;
 * only a request its kiosk's key verifies learns that the kiosk is revoked
 * or that its clock is off. A version 1 signature (no X-Lantern-Signature-Version)
 * covers neither the query nor the backlog header: the caller must not act
 * on them.
 */
static bool authenticate(struct lnt_api *api, const struct lnt_http_request *req, int64_t now,
                         struct signer *out, struct lnt_http_response *resp)
{
    const char *h_kiosk = lnt_http_header(req, LNT_HDR_KIOSK);
    const char *h_time = lnt_http_header(req, LNT_HDR_TIME);
    const char *h_sig = lnt_http_header(req, LNT_HDR_SIGNATURE);
    const char *h_ver = lnt_http_header(req, LNT_HDR_SIG_VERSION);
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_reqsig_headers hdrs;
    struct lnt_reqsig_parts parts;
    struct lnt_kiosk kiosk;
    const uint8_t *pk;
    int64_t id, ts;
    bool v2, known;
    enum lnt_err rc;

    if (lnt_reqsig_headers_parse(h_kiosk, h_time, h_sig, h_ver, &hdrs, err) != LNT_OK) {
        lnt_http_problem(resp, 401, "%s", err);
        return false;
    }
    id = hdrs.kiosk_id;
    ts = hdrs.ts;
    v2 = hdrs.version == 2;
    rc = lnt_store_kiosk_get(api->store, id, &kiosk, err);
    if (rc != LNT_OK && rc != LNT_ERR_NOT_FOUND) {
        lnt_error("%s: kiosk %lld: %s", req->path, (long long)id, err);
        lnt_http_problem(resp, 500, "the server could not look up kiosk %lld (%s)", (long long)id,
                         lnt_strerror(rc));
        return false;
    }
    known = rc == LNT_OK;
    /* Nothing is said about the kiosk until its own key has verified the request. */
    memset(&parts, 0, sizeof parts);
    parts.method = req->method;
    parts.path = req->path;
    parts.query = req->query;
    parts.backlog = lnt_http_header(req, HDR_BACKLOG);
    parts.body = req->body;
    parts.len = req->body_len;
    pk = known ? kiosk.pk : nobody_pk;
    rc = v2 ? lnt_reqsig_verify2(pk, id, ts, now, &parts, h_sig, err)
            : lnt_reqsig_verify(pk, id, ts, now, req->method, req->path, req->body, req->body_len,
                                h_sig, err);
    if (!known || (rc != LNT_OK && rc != LNT_ERR_EXPIRED)) {
        /* The log may say why; the caller may not. */
        lnt_warn("%s: kiosk %lld: refused: %s", req->path, (long long)id,
                 !known          ? "not enrolled"
                 : kiosk.revoked ? "revoked, and the signature does not verify"
                                 : err);
        lnt_http_problem(resp, 401, BAD_SIGNATURE_DETAIL);
        return false;
    }
    if (kiosk.revoked) {
        lnt_http_problem(resp, 401, "kiosk %lld has been revoked: ask the scheme admin",
                         (long long)id);
        return false;
    }
    if (rc == LNT_ERR_EXPIRED) {
        lnt_http_problem(resp, 401,
                         "stale request time: %s is %lld s from the server's clock (at most %d "
                         "allowed); check the kiosk's clock",
                         LNT_HDR_TIME, (long long)(ts - now), LNT_REQSIG_MAX_SKEW);
        return false;
    }
    out->kiosk = kiosk;
    out->ts = ts;
    out->covers_extras = v2;
    return true;
}

/*
 * Records the outbox backlog a version 2 signed request reported, if it did;
 * the header of a version 1 request is not signed and is ignored. A report
 * signed earlier than the one recorded is ignored too, so that replaying an
 * old request (within the clock window) cannot turn the backlog back; the
 * report is dated by its signed time, never later than the server's clock.
 * A malformed header fills a 400 problem and returns false; a store failure
 * is only logged (telemetry must not cost the kiosk its request).
 */
static bool note_backlog(struct lnt_api *api, const struct lnt_http_request *req,
                         const struct signer *who, int64_t now, struct lnt_http_response *resp)
{
    const char *h = lnt_http_header(req, HDR_BACKLOG);
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t backlog, at = who->ts < now ? who->ts : now;

    if (h == NULL || !who->covers_extras)
        return true;
    if (lnt_parse_i64(h, 0, BACKLOG_MAX, &backlog) != LNT_OK) {
        lnt_http_problem(resp, 400, "header %s: expected a count of events from 0 to %d",
                         HDR_BACKLOG, BACKLOG_MAX);
        return false;
    }
    if (who->kiosk.backlog_at > 0 && who->ts < who->kiosk.backlog_at)
        return true; /* older than what is recorded: a replay, or overtaken */
    if (lnt_store_kiosk_backlog(api->store, who->kiosk.id, backlog, at, err) != LNT_OK)
        lnt_warn("%s: kiosk %lld: backlog not recorded: %s", req->path, (long long)who->kiosk.id,
                 err);
    return true;
}

/* ---- POST /api/v1/events ---- */

/*
 * Turns the batch reply in resp->body into a 409 problem (RFC 9457) that
 * keeps the four lists as extension members: a kiosk learns from the
 * problem's detail that it tried to change another venue's incident report,
 * and from the lists what became of every event, the refused one under
 * `rejected` and the rest as usual. Leaves the plain reply when the problem
 * cannot be built.
 */
static void owner_problem(struct lnt_http_response *resp, const struct lnt_ingest_result *results,
                          size_t n, size_t first)
{
    json_t *root = json_loadb(resp->body.data, resp->body.len, 0, NULL);
    char detail[320];
    char *text = NULL;
    size_t refused = 0;

    for (size_t i = 0; i < n; i++)
        refused += results[i].not_owner;
    snprintf(detail, sizeof detail,
             "event %zu: seq %lld: %s (%zu such event%s; the rest of the "
             "batch is answered in the lists)",
             first, (long long)results[first].seq, results[first].reason, refused,
             refused == 1 ? "" : "s");
    if (root == NULL || json_object_set_new(root, "type", json_string("about:blank")) != 0 ||
        json_object_set_new(root, "title", json_string(lnt_http_reason(409))) != 0 ||
        json_object_set_new(root, "status", json_integer(409)) != 0 ||
        json_object_set_new(root, "detail", json_string(detail)) != 0 ||
        (text = json_dumps(root, JSON_COMPACT)) == NULL) {
        lnt_error("events: the refusal could not be written as a problem; plain reply sent");
        goto out;
    }
    lnt_buf_reset(&resp->body);
    if (lnt_buf_puts(&resp->body, text) != LNT_OK) {
        lnt_http_problem(resp, 500,
                         "the batch was stored but the reply could not be built; "
                         "send it again to learn the outcome");
        goto out;
    }
    resp->status = 409;
    lnt_str_copy(resp->content_type, sizeof resp->content_type, "application/problem+json");
out:
    free(text);
    json_decref(root);
}

/*
 * Names the sign-ins stored but flagged for their badge in the reply's
 * X-Lantern-Flagged header ("12 revoked, 15 unknown_serial"), as many as fit,
 * then "and N more". No header when none was flagged.
 */
static void flagged_header(struct lnt_http_response *resp, const struct lnt_ingest_result *r,
                           size_t n)
{
    char value[sizeof resp->headers[0].value] = "", item[64];
    size_t len = 0, more = 0;

    for (size_t i = 0; i < n; i++) {
        const char *why = lnt_signin_flag_name((enum lnt_signin_flag)r[i].badge_flag);
        int k;
        if (why == NULL)
            continue;
        k = snprintf(item, sizeof item, "%s%lld %s", len > 0 ? ", " : "", (long long)r[i].seq, why);
        /* room is kept for ", and 100 more" */
        if (more > 0 || k < 0 || len + (size_t)k + 16 >= sizeof value) {
            more++;
            continue;
        }
        memcpy(value + len, item, (size_t)k + 1);
        len += (size_t)k;
    }
    if (more > 0)
        snprintf(value + len, sizeof value - len, ", and %zu more", more);
    if (len > 0)
        (void)lnt_http_response_header(resp, HDR_FLAGGED, value);
}

/*
 * Decodes the body into *batch and checks it is this kiosk's and within
 * LNT_BATCH_MAX. false with a 400, 413 or 500 problem otherwise (and nothing
 * to release); on true the caller releases *batch.
 */
static bool read_batch(const struct lnt_http_request *req, int64_t kiosk_id,
                       struct lnt_batch *batch, struct lnt_http_response *resp)
{
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc = lnt_wire_batch_decode(req->body, req->body_len, batch, err);

    if (rc == LNT_ERR_TOO_LARGE || rc == LNT_ERR_INVALID) {
        lnt_http_problem(resp, rc == LNT_ERR_TOO_LARGE ? 413 : 400, "%s", err);
        return false;
    }
    if (rc != LNT_OK) {
        lnt_http_problem(resp, 500, "the server could not read the batch (%s)", lnt_strerror(rc));
        return false;
    }
    if (batch->kiosk_id != kiosk_id) {
        lnt_http_problem(resp, 400, "field `kiosk_id` (%lld) does not match header %s (%lld)",
                         (long long)batch->kiosk_id, LNT_HDR_KIOSK, (long long)kiosk_id);
    } else if (batch->n > LNT_BATCH_MAX) {
        lnt_http_problem(resp, 413, "%zu events in one batch: at most %d", batch->n, LNT_BATCH_MAX);
    } else {
        return true;
    }
    lnt_batch_release(batch);
    return false;
}

/*
 * Stores the batch's events in one transaction and fills results[i] for
 * each (batch->n of them). Events from the far future are refused one by one
 * and the rest compacted to the front of batch->events; recorded_at is
 * bounded as occurred_at is: a kiosk's claim, never more than a day ahead.
 * On error nothing was stored: a 500 problem is in `resp`.
 */
static bool store_batch(struct lnt_api *api, int64_t kiosk_id, int64_t now, struct lnt_batch *batch,
                        struct lnt_ingest_result *results, struct lnt_http_response *resp)
{
    struct lnt_ingest_result *sub = calloc(batch->n + 1, sizeof *sub);
    size_t *map = calloc(batch->n + 1, sizeof *map), m = 0;
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc = LNT_OK;
    bool ok = false;

    if (sub == NULL || map == NULL) {
        lnt_http_problem(resp, 500, "out of memory; nothing was stored");
        goto out;
    }
    for (size_t i = 0; i < batch->n; i++) {
        const struct lnt_event *ev = &batch->events[i];
        const char *late = ev->occurred_at > now + LNT_FUTURE_MAX   ? "occurred_at"
                           : ev->recorded_at > now + LNT_FUTURE_MAX ? "recorded_at"
                                                                    : NULL;
        results[i].seq = ev->seq;
        if (late != NULL) {
            results[i].status = LNT_INGEST_REJECTED;
            snprintf(results[i].reason, sizeof results[i].reason,
                     "%s is more than a day in the future", late);
            continue;
        }
        if (m != i)
            batch->events[m] = batch->events[i];
        map[m++] = i;
    }
    if (m > 0)
        rc = lnt_store_events_insert(api->store, kiosk_id, now, batch->events, m, sub, err);
    if (rc != LNT_OK) {
        lnt_error("events: kiosk %lld: %s", (long long)kiosk_id, err);
        lnt_http_problem(resp, 500,
                         "the server could not store the batch (%s); nothing was stored: "
                         "send it again later",
                         lnt_strerror(rc));
        goto out;
    }
    for (size_t j = 0; j < m; j++)
        results[map[j]] = sub[j];
    ok = true;
out:
    free(map);
    free(sub);
    return ok;
}

/* What a batch's outcome adds up to, for the reply, the log and the metrics. */
struct tally {
    bool conflict;
    size_t not_owner;   /* the first event refused as another venue's report, or SIZE_MAX */
    uint64_t counts[5]; /* by enum lnt_ingest_status */
    uint64_t flagged[LNT_SIGNIN_FLAG__MAX + 1];
};

/* Counts the results; logs every flagged sign-in (stored all the same, but never silently). */
static void tally_results(int64_t kiosk_id, const struct lnt_ingest_result *results, size_t n,
                          struct tally *t)
{
    memset(t, 0, sizeof *t);
    t->not_owner = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        const char *why = lnt_signin_flag_name((enum lnt_signin_flag)results[i].badge_flag);
        t->conflict = t->conflict || results[i].status == LNT_INGEST_CONFLICT;
        if (results[i].not_owner && t->not_owner == SIZE_MAX)
            t->not_owner = i;
        if (results[i].status >= LNT_INGEST_ACCEPTED && results[i].status <= LNT_INGEST_REJECTED)
            t->counts[results[i].status]++;
        if (why == NULL)
            continue;
        t->flagged[results[i].badge_flag]++;
        lnt_warn("events: kiosk %lld: seq %lld: sign-in flagged: %s", (long long)kiosk_id,
                 (long long)results[i].seq, why);
    }
}

static void handle_events(struct lnt_api *api, const struct lnt_http_request *req,
                          const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct lnt_batch batch = {0};
    struct lnt_ingest_result *results = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t kiosk_id = 0, now = lnt_api_now(api);
    struct signer who;
    struct tally t;
    bool have_batch = false;
    int64_t start_us = mono_us();
    enum lnt_err rc;

    (void)params;
    if (!authenticate(api, req, now, &who, resp) || !note_backlog(api, req, &who, now, resp))
        goto out;
    kiosk_id = who.kiosk.id;
    if (!(have_batch = read_batch(req, kiosk_id, &batch, resp)))
        goto out;
    results = calloc(batch.n + 1, sizeof *results);
    if (results == NULL) {
        lnt_http_problem(resp, 500, "out of memory; nothing was stored");
        goto out;
    }
    if (!store_batch(api, kiosk_id, now, &batch, results, resp))
        goto out;
    tally_results(kiosk_id, results, batch.n, &t);
    if (t.counts[LNT_INGEST_ACCEPTED] > 0) /* its score may move: lists and leagues forget it */
        lnt_score_cache_invalidate(api->score_cache, who.kiosk.venue_id);

    lnt_buf_reset(&resp->body);
    rc = lnt_wire_reply_encode(results, batch.n, &resp->body, err);
    if (rc != LNT_OK) {
        lnt_error("events: kiosk %lld: reply: %s", (long long)kiosk_id, err);
        lnt_http_problem(resp, 500,
                         "the batch was stored but the reply could not be built (%s); "
                         "send it again to learn the outcome",
                         lnt_strerror(rc));
        goto out;
    }
    resp->status = t.conflict ? 409 : 200;
    lnt_str_copy(resp->content_type, sizeof resp->content_type, "application/json");
    flagged_header(resp, results, batch.n);
    lnt_metrics_signins_flagged(&api->metrics, t.flagged[LNT_SIGNIN_REVOKED],
                                t.flagged[LNT_SIGNIN_UNKNOWN_SERIAL]);
    if (t.not_owner != SIZE_MAX) {
        lnt_warn("events: kiosk %lld (venue %lld): %s", (long long)kiosk_id,
                 (long long)who.kiosk.venue_id, results[t.not_owner].reason);
        owner_problem(resp, results, batch.n, t.not_owner);
    }
    lnt_metrics_batch(&api->metrics, t.counts[LNT_INGEST_ACCEPTED], t.counts[LNT_INGEST_DUPLICATE],
                      t.counts[LNT_INGEST_CONFLICT], t.counts[LNT_INGEST_REJECTED],
                      (uint64_t)(mono_us() - start_us));
out:
    free(results);
    if (have_batch)
        lnt_batch_release(&batch);
}

/* ---- GET /api/v1/kiosk/sync ---- */

/*
 * The revocations part of the sync reply. `since` is the version the kiosk
 * last saw (0 when it sent none). A version the server has never reached
 * (a database restored from an older backup) gets the full list, as 0 does.
 */
static json_t *sync_revocations(struct lnt_api *api, int64_t since, int64_t now, char *err,
                                enum lnt_err *rc)
{
    uint8_t(*revoked)[LNT_SERIAL_LEN] = NULL;
    size_t n = 0;
    int64_t version = 0;
    json_t *serials = NULL, *out = NULL;
    char hex[LNT_HEX_LEN(LNT_SERIAL_LEN)];
    bool full = since == 0;

    *rc = lnt_store_badge_revoked_since(api->store, since, now, &revoked, &n, &version, err);
    if (*rc == LNT_OK && since > version) {
        free(revoked);
        revoked = NULL;
        full = true;
        *rc = lnt_store_badge_revoked_since(api->store, 0, now, &revoked, &n, &version, err);
    }
    if (*rc != LNT_OK)
        goto out;
    *rc = LNT_ERR_NOMEM;
    serials = json_array();
    if (serials == NULL)
        goto out;
    for (size_t i = 0; i < n; i++) {
        lnt_hex_encode(revoked[i], LNT_SERIAL_LEN, hex);
        if (json_array_append_new(serials, json_string(hex)) != 0)
            goto out;
    }
    out = json_pack("{s:I, s:b, s:O}", "version", (json_int_t)version, "full", full, "serials",
                    serials);
    if (out != NULL)
        *rc = LNT_OK;
out:
    json_decref(serials);
    free(revoked);
    return out;
}

static json_t *sync_trust(struct lnt_api *api, char *err, enum lnt_err *rc)
{
    struct lnt_trusted_key *keys = NULL;
    size_t n = 0;
    json_t *trust = NULL;
    char b64[LNT_B64_LEN(LNT_SIGN_PK_LEN)];
    char kid[LNT_HEX_LEN(LNT_KID_LEN)];

    *rc = lnt_store_trust_keys(api->store, &keys, &n, err);
    if (*rc != LNT_OK)
        goto out;
    *rc = LNT_ERR_NOMEM;
    trust = json_array();
    if (trust == NULL)
        goto out;
    for (size_t i = 0; i < n; i++) {
        lnt_hex_encode(keys[i].kid, LNT_KID_LEN, kid);
        lnt_b64_encode(keys[i].pk, LNT_SIGN_PK_LEN, b64);
        if (json_array_append_new(trust, json_pack("{s:s, s:s}", "kid", kid, "public_key", b64)) !=
            0) {
            json_decref(trust);
            trust = NULL;
            goto out;
        }
    }
    *rc = LNT_OK;
out:
    free(keys);
    return trust;
}

/* The town's named public places, for the street welfare log: ["Castle Park", ...]. */
static json_t *sync_places(struct lnt_api *api, char *err, enum lnt_err *rc)
{
    struct lnt_place *places = NULL;
    size_t n = 0;
    json_t *arr = NULL;

    *rc = lnt_store_place_list(api->store, &places, &n, err);
    if (*rc != LNT_OK)
        goto out;
    *rc = LNT_ERR_NOMEM;
    arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++)
        if (json_array_append_new(arr, json_string(places[i].name)) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    if (arr != NULL)
        *rc = LNT_OK;
out:
    free(places);
    return arr;
}

static void handle_sync(struct lnt_api *api, const struct lnt_http_request *req,
                        const struct lnt_api_params *params, struct lnt_http_response *resp)
{
    struct signer who;
    const struct lnt_kiosk *kiosk = &who.kiosk;
    struct lnt_scheme scheme;
    struct lnt_venue venue;
    char err[LNT_ERRBUF_SIZE] = "";
    char when[LNT_TIME_STRLEN];
    char box[LNT_B64_LEN(32)];
    const char *since_s = lnt_http_query(req, "revoked_since");
    const char *category;
    int64_t now = lnt_api_now(api), since = 0;
    json_t *trust = NULL, *revocations = NULL, *reply = NULL, *places = NULL;
    enum lnt_err rc;

    (void)params;
    memset(&scheme, 0, sizeof scheme);
    if (!authenticate(api, req, now, &who, resp) || !note_backlog(api, req, &who, now, resp))
        goto out;
    /* A version 1 signature does not cover the query: such a kiosk gets the full list. */
    if (!who.covers_extras)
        since_s = NULL;
    if (since_s != NULL && lnt_parse_i64(since_s, 0, INT64_MAX, &since) != LNT_OK) {
        lnt_http_problem(resp, 400,
                         "query `revoked_since`: expected a version number (an integer >= 0) "
                         "from an earlier sync");
        goto out;
    }
    if ((rc = lnt_store_scheme_get(api->store, &scheme, err)) != LNT_OK ||
        (rc = lnt_store_venue_get(api->store, kiosk->venue_id, &venue, err)) != LNT_OK) {
        lnt_error("sync: kiosk %lld: %s", (long long)kiosk->id, err);
        lnt_http_problem(resp, 500, "the server could not read the kiosk's settings (%s)",
                         lnt_strerror(rc));
        goto out;
    }
    trust = sync_trust(api, err, &rc);
    if (trust != NULL)
        revocations = sync_revocations(api, since, now, err, &rc);
    if (revocations != NULL)
        places = sync_places(api, err, &rc);
    if (trust == NULL || revocations == NULL || places == NULL) {
        lnt_error("sync: kiosk %lld: %s", (long long)kiosk->id, err[0] ? err : lnt_strerror(rc));
        lnt_http_problem(resp, 500,
                         "the server could not read its trust list (%s); try again later",
                         lnt_strerror(rc));
        goto out;
    }
    if (lnt_time_format(now, when) != LNT_OK) {
        lnt_http_problem(resp, 500, "the server's clock is out of range");
        goto out;
    }
    lnt_b64_encode(scheme.box_pk, sizeof scheme.box_pk, box);
    category = lnt_venue_category_name(venue.category);
    reply = json_pack("{s:s, s:s, s:O, s:O, s:{s:I, s:s, s:s, s:I, s:I}, s:s, s:O}", "server_time",
                      when, "scheme", scheme.name, "trust", trust, "revocations", revocations,
                      "venue", "id", (json_int_t)venue.id, "name", venue.name, "category",
                      category != NULL ? category : "unknown", "capacity",
                      (json_int_t)venue.capacity, "cup_cover_threshold",
                      (json_int_t)(venue.cup_cover_threshold > 0 ? venue.cup_cover_threshold
                                                                 : LNT_CUP_COVER_THRESHOLD_DEFAULT),
                      "box_public_key", box, "places", places);
    /* the door rules go with the revocations: a kiosk offline for days still applies them */
    if (reply != NULL && (rc = lnt_api_door_rules(api, reply, err)) != LNT_OK) {
        lnt_error("sync: kiosk %lld: %s", (long long)kiosk->id, err);
        lnt_http_problem(resp, 500, "the server could not read its door rules (%s)",
                         lnt_strerror(rc));
        goto out;
    }
    lnt_api_reply_wire_json(resp, 200, reply);
out:
    json_decref(reply);
    json_decref(places);
    json_decref(revocations);
    json_decref(trust);
    lnt_api_wipe(&scheme, sizeof scheme);
}

static const struct lnt_api_route routes[] = {
    {"POST", "/api/v1/enroll", LNT_ENROLL_BODY_MAX, handle_enroll},
    {"POST", "/api/v1/events", LNT_BATCH_BODY_MAX, handle_events},
    {"GET", "/api/v1/kiosk/sync", LNT_API_BODY_DEFAULT, handle_sync},
};

const struct lnt_api_routes lnt_api_kiosk_routes = {routes, sizeof routes / sizeof routes[0]};
