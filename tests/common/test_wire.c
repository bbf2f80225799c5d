/* test_wire.c - the JSON wire codec: round trips, canonical form, and every way a batch is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "buf.h"
#include "ltime.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern unsigned long fuzz_wire_fast_accepted;

#define T0 1795730463 /* 2026-11-26T22:01:03Z */

/* One valid sign_in event as a kiosk would send it; the malformed cases edit this text. */
#define SIGN_IN                                                                                    \
    "{\"seq\": 1, \"uuid\": \"5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b\", \"type\": \"sign_in\", "     \
    "\"occurred_at\": \"2026-11-26T22:01:03Z\", \"recorded_at\": \"2026-11-26T22:01:03Z\", "       \
    "\"staff_id\": \"12\", \"badge_serial\": \"a1b2c3d4e5f60718\", \"role\": \"door\", "           \
    "\"sia_number\": \"1234567812345678\", \"sia_expires\": \"2027-05-01\", "                      \
    "\"sia_status\": \"valid\", \"verdict\": \"green\"}"

/* One event of every type, seq 1..7, as the kiosk would fill them. */
static size_t every_type(struct lnt_event ev[7])
{
    memset(ev, 0, 7 * sizeof *ev);
    for (int i = 0; i < 7; i++) {
        ev[i].seq = 10 + i * 3;
        snprintf(ev[i].uuid, sizeof ev[i].uuid, "5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a%02u",
                 (unsigned)i % 100u);
        ev[i].type = (enum lnt_event_type)(i + 1);
        ev[i].occurred_at = T0 + i * 60;
        ev[i].recorded_at = T0 + i * 60 + 2;
    }
    for (int i = 0; i < 2; i++) {
        struct lnt_ev_badge *b = &ev[i].u.badge;
        lnt_str_copy(b->staff_id, sizeof b->staff_id, i == 0 ? "12" : "4021");
        lnt_str_copy(b->serial, sizeof b->serial, "a1b2c3d4e5f60718");
        b->role = i == 0 ? LNT_ROLE_DOOR : LNT_ROLE_BAR;
        lnt_str_copy(b->sia_number, sizeof b->sia_number, i == 0 ? "1234567812345678" : "");
        b->sia_expires = i == 0 ? lnt_days_from_civil(2027, 5, 1) : 0;
        b->sia_status = i == 0 ? LNT_SIA_EXPIRING : LNT_SIA_NOT_REQUIRED;
        b->verdict = i == 0 ? LNT_VERDICT_AMBER : LNT_VERDICT_GREEN;
    }
    ev[2].u.refused.reason = LNT_BADGE_REVOKED;
    lnt_str_copy(ev[3].u.incident.report_id, LNT_UUID_STRLEN,
                 "0d9e8f7a-6b5c-4d3e-9f1a-2b3c4d5e6f70");
    lnt_str_copy(ev[3].u.incident.kind, LNT_SHORT_TEXT, "angela");
    ev[3].u.incident.severity = 3;
    lnt_str_copy(ev[3].u.incident.place, LNT_SHORT_TEXT, "bar \"upstairs\" – back");
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
    return 7;
}

/* "{"kiosk_id":3,"events":[EVENTS]}" in a malloc'd string. */
static char *batch_of(const char *events)
{
    struct lnt_buf b;
    lnt_buf_init(&b, 4 * LNT_BATCH_BODY_MAX);
    assert_int_equal(lnt_buf_printf(&b, "{\"kiosk_id\": 3, \"events\": [%s]}", events), LNT_OK);
    return lnt_buf_detach(&b, NULL);
}

/* `s` with the first `from` replaced by `to`, malloc'd; the test fails if `from` is absent. */
static char *replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    struct lnt_buf b;

    assert_non_null(at);
    lnt_buf_init(&b, 4 * LNT_BATCH_BODY_MAX);
    assert_int_equal(lnt_buf_append(&b, s, (size_t)(at - s)), LNT_OK);
    assert_int_equal(lnt_buf_puts(&b, to), LNT_OK);
    assert_int_equal(lnt_buf_puts(&b, at + strlen(from)), LNT_OK);
    return lnt_buf_detach(&b, NULL);
}

/* Decodes `body`, expecting code `rc` and exactly `msg`. */
static void refused(const char *body, enum lnt_err rc, const char *msg)
{
    struct lnt_batch b = {.kiosk_id = -1};
    char err[LNT_ERRBUF_SIZE] = "";

    assert_int_equal(lnt_wire_batch_decode(body, strlen(body), &b, err), rc);
    assert_string_equal(err, msg);
    assert_int_equal(b.kiosk_id, -1); /* untouched on error */
    assert_null(b.events);
}

/* The sign_in event with `from` replaced by `to`, in a batch, must be refused with `msg`. */
static void refused_edit(const char *from, const char *to, const char *msg)
{
    char *ev = replace(SIGN_IN, from, to);
    char *body = batch_of(ev);
    refused(body, LNT_ERR_INVALID, msg);
    free(body);
    free(ev);
}

/* The sign_in event made a sign_out, with `extra` (`, "key": value`) added at its end. */
static char *sign_out_with(const char *extra)
{
    char *out = replace(SIGN_IN, "\"sign_in\"", "\"sign_out\"");
    char *more = replace(out, "\"verdict\": \"green\"}", extra);

    free(out);
    return more;
}

static void test_wire__sign_out_by_a_manager_is_optional_and_kept(void **state)
{
    struct lnt_batch fast = {0}, full = {0};
    char err[LNT_ERRBUF_SIZE] = "";
    char *old = sign_out_with("\"verdict\": \"green\"}");
    char *by = sign_out_with("\"verdict\": \"green\", \"signed_out_by\": \"40\"}");
    char *body_old = batch_of(old), *body_by = batch_of(by);
    struct lnt_buf text;
    (void)state;

    /* An older kiosk's sign_out, without the field, is read by both decoders: no one signed
     * them out but themselves. */
    assert_true(lnt_wire_batch_decode_fast(body_old, strlen(body_old), &fast));
    assert_int_equal(lnt_wire_batch_decode_full(body_old, strlen(body_old), &full, err), LNT_OK);
    assert_string_equal(fast.events[0].u.badge.signed_out_by, "");
    assert_string_equal(full.events[0].u.badge.signed_out_by, "");
    /* ... and is written back exactly as before: its canonical form has no new key. */
    lnt_buf_init(&text, LNT_BATCH_BODY_MAX);
    assert_int_equal(lnt_wire_event_encode(&full.events[0], &text, err), LNT_OK);
    assert_null(strstr(text.data, "signed_out_by"));
    lnt_buf_release(&text);
    lnt_batch_release(&fast);
    lnt_batch_release(&full);

    /* A manager's sign_out says who did it, and keeps saying it through a round trip. */
    assert_true(lnt_wire_batch_decode_fast(body_by, strlen(body_by), &fast));
    assert_int_equal(lnt_wire_batch_decode_full(body_by, strlen(body_by), &full, err), LNT_OK);
    assert_string_equal(fast.events[0].u.badge.signed_out_by, "40");
    assert_string_equal(full.events[0].u.badge.signed_out_by, "40");
    lnt_buf_init(&text, LNT_BATCH_BODY_MAX);
    assert_int_equal(lnt_wire_event_encode(&full.events[0], &text, err), LNT_OK);
    assert_non_null(strstr(text.data, "\"signed_out_by\":\"40\""));
    lnt_buf_release(&text);
    lnt_batch_release(&fast);
    lnt_batch_release(&full);
    free(body_old);
    free(body_by);
    free(old);
    free(by);

    /* Twice is refused, not guessed at; and it is text like any staff id. */
    old = sign_out_with("\"verdict\": \"green\", \"signed_out_by\": \"40\", "
                        "\"signed_out_by\": \"41\"}");
    body_old = batch_of(old);
    assert_false(lnt_wire_batch_decode_fast(body_old, strlen(body_old), &fast));
    free(body_old);
    free(old);
    old = sign_out_with("\"verdict\": \"green\", \"signed_out_by\": 40}");
    body_old = batch_of(old);
    refused(body_old, LNT_ERR_INVALID, "event 0: field `signed_out_by`: expected a string");
    free(body_old);
    free(old);
}

#define WELFARE                                                                                    \
    "{\"seq\": 3, \"uuid\": \"5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2c\", \"type\": \"welfare\", "     \
    "\"occurred_at\": \"2026-11-26T23:40:00Z\", \"recorded_at\": \"2026-11-26T23:41:00Z\", "       \
    "\"staff_id\": \"900\", \"place\": \"Castle Park\", \"what\": \"vulnerable_alone\", "          \
    "\"outcome\": \"safe_space\"}"

static void test_wire__welfare_events_round_trip_and_refuse_unknown_words(void **state)
{
    struct lnt_batch b = {0};
    struct lnt_batch back = {0};
    struct lnt_buf text;
    char err[LNT_ERRBUF_SIZE] = "";
    char *body = batch_of(WELFARE), *edited, *eb;
    (void)state;

    assert_int_equal(lnt_wire_batch_decode(body, strlen(body), &b, err), LNT_OK);
    assert_int_equal(b.events[0].type, LNT_EV_WELFARE);
    assert_string_equal(b.events[0].u.welfare.place, "Castle Park");
    assert_string_equal(b.events[0].u.welfare.what, "vulnerable_alone");
    assert_string_equal(b.events[0].u.welfare.outcome, "safe_space");
    lnt_buf_init(&text, LNT_BATCH_BODY_MAX);
    assert_int_equal(lnt_wire_batch_encode(3, b.events, 1, &text, err), LNT_OK);
    assert_int_equal(lnt_wire_batch_decode_full(text.data, text.len, &back, err), LNT_OK);
    assert_string_equal(back.events[0].u.welfare.place, "Castle Park");
    assert_string_equal(back.events[0].u.welfare.outcome, "safe_space");
    lnt_buf_release(&text);
    lnt_batch_release(&b);
    lnt_batch_release(&back);
    free(body);

    edited = replace(WELFARE, "\"vulnerable_alone\"", "\"drunk\"");
    eb = batch_of(edited);
    refused(eb, LNT_ERR_INVALID,
            "event 0: field `what`: expected one of intoxicated, injured, distressed, "
            "vulnerable_alone, lost_belongings, other");
    free(eb);
    free(edited);
    edited = replace(WELFARE, "\"safe_space\"", "\"home\"");
    eb = batch_of(edited);
    refused(eb, LNT_ERR_INVALID,
            "event 0: field `outcome`: expected one of taxi, friends, safe_space, ambulance, "
            "police");
    free(eb);
    free(edited);
    edited = replace(WELFARE, "\"Castle Park\"", "\"\"");
    eb = batch_of(edited);
    refused(eb, LNT_ERR_INVALID, "event 0: field `place`: must not be empty");
    free(eb);
    free(edited);
}

static void test_wire__every_type_round_trips(void **state)
{
    struct lnt_event ev[7];
    size_t n = every_type(ev);
    struct lnt_batch b = {0};
    struct lnt_buf out;
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    lnt_buf_init(&out, LNT_BATCH_BODY_MAX);
    assert_int_equal(lnt_wire_batch_encode(3, ev, n, &out, err), LNT_OK);
    assert_int_equal(lnt_wire_batch_decode(out.data, out.len, &b, err), LNT_OK);
    assert_int_equal(b.kiosk_id, 3);
    assert_int_equal(b.n, n);
    for (size_t i = 0; i < n; i++)
        assert_memory_equal(&b.events[i], &ev[i], sizeof ev[i]);
    lnt_batch_release(&b);
    assert_null(b.events);
    lnt_buf_release(&out);
}

static void test_wire__sign_in_has_the_documented_form(void **state)
{
    char *body = batch_of(SIGN_IN);
    struct lnt_batch b = {0};
    struct lnt_buf out;
    char err[LNT_ERRBUF_SIZE] = "";
    const struct lnt_ev_badge *bd;
    (void)state;

    assert_int_equal(lnt_wire_batch_decode(body, strlen(body), &b, err), LNT_OK);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.events[0].type, LNT_EV_SIGN_IN);
    assert_int_equal(b.events[0].occurred_at, T0);
    bd = &b.events[0].u.badge;
    assert_string_equal(bd->staff_id, "12");
    assert_string_equal(bd->serial, "a1b2c3d4e5f60718");
    assert_int_equal(bd->role, LNT_ROLE_DOOR);
    assert_int_equal(bd->sia_expires, lnt_days_from_civil(2027, 5, 1));
    assert_int_equal(bd->sia_status, LNT_SIA_VALID);
    assert_int_equal(bd->verdict, LNT_VERDICT_GREEN);

    lnt_buf_init(&out, 4096);
    assert_int_equal(lnt_wire_event_encode(&b.events[0], &out, err), LNT_OK);
    assert_string_equal(
        out.data, "{\"badge_serial\":\"a1b2c3d4e5f60718\",\"occurred_at\":\"2026-11-26T22:01:03Z\","
                  "\"recorded_at\":\"2026-11-26T22:01:03Z\",\"role\":\"door\",\"seq\":1,"
                  "\"sia_expires\":\"2027-05-01\",\"sia_number\":\"1234567812345678\","
                  "\"sia_status\":\"valid\",\"staff_id\":\"12\",\"type\":\"sign_in\","
                  "\"uuid\":\"5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b\",\"verdict\":\"green\"}");
    lnt_buf_release(&out);
    lnt_batch_release(&b);
    free(body);
}

static void test_wire__canonical_encoding_is_stable(void **state)
{
    struct lnt_event ev[7], back;
    size_t n = every_type(ev);
    struct lnt_buf one, two;
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    lnt_buf_init(&one, 1 << 16);
    lnt_buf_init(&two, 1 << 16);
    for (size_t i = 0; i < n; i++) {
        lnt_buf_reset(&one);
        lnt_buf_reset(&two);
        assert_int_equal(lnt_wire_event_encode(&ev[i], &one, err), LNT_OK);
        assert_int_equal(lnt_wire_event_decode(one.data, one.len, &back, err), LNT_OK);
        assert_memory_equal(&back, &ev[i], sizeof back);
        assert_int_equal(lnt_wire_event_encode(&back, &two, err), LNT_OK);
        assert_string_equal(one.data, two.data);
    }
    /* Same event written differently: spaces, key order, a time with an offset. */
    {
        const char *loose = "{ \"type\" : \"stock\", \"staff_id\":\"7\", \"quantity\": 500,"
                            " \"kind\":\"delivery\", \"seq\":22,"
                            " \"recorded_at\":\"2026-11-26T23:05:05+01:00\","
                            " \"occurred_at\":\"2026-11-26T22:05:03.999Z\","
                            " \"uuid\":\"5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a04\" }";
        lnt_buf_reset(&one);
        lnt_buf_reset(&two);
        assert_int_equal(lnt_wire_event_decode(loose, strlen(loose), &back, err), LNT_OK);
        assert_int_equal(lnt_wire_event_encode(&back, &one, err), LNT_OK);
        assert_int_equal(lnt_wire_event_encode(&ev[4], &two, err), LNT_OK);
        assert_string_equal(one.data, two.data);
    }
    lnt_buf_release(&two);
    lnt_buf_release(&one);
}

/* `text` must be exactly what jansson writes for the same value with sorted keys, compactly. */
static void assert_jansson_form(const char *text, size_t len)
{
    json_error_t je;
    json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    char *again;

    assert_non_null(v);
    again = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    assert_non_null(again);
    assert_string_equal(text, again);
    free(again);
    json_decref(v);
}

static void test_wire__canonical_text_is_jansson_sorted_compact(void **state)
{
    static const char *const texts[] = {
        "",
        "bar \"upstairs\" \\ back",
        "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x8d\xba",
        "a/b <c> & 'd'",
        "\xe2\x80\xa8 line separator",
        "\\\\\"\"",
    };
    struct lnt_event ev[7];
    size_t n = every_type(ev);
    struct lnt_ingest_result r[3] = {
        {.seq = 9, .status = LNT_INGEST_REJECTED, .reason = "a \"quoted\" \\ reason \xc3\xa9"},
        {.seq = 4, .status = LNT_INGEST_ACCEPTED},
        {.seq = 7, .status = LNT_INGEST_CONFLICT, .reason = "stored before"},
    };
    struct lnt_buf out;
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    lnt_buf_init(&out, LNT_BATCH_BODY_MAX);
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        lnt_str_copy(ev[3].u.incident.place, LNT_SHORT_TEXT, texts[k]);
        lnt_str_copy(ev[3].u.incident.outcome, LNT_SHORT_TEXT, texts[(k + 1) % 6]);
        lnt_str_copy(ev[5].u.shift.call_sign, sizeof ev[5].u.shift.call_sign, texts[k]);
        ev[6].u.shift.tallies[k] = (int32_t)(k * 1000 + 7);
        ev[6].seq = (int64_t)k * 1000000007 + 100;
        for (size_t i = 0; i < n; i++) {
            lnt_buf_reset(&out);
            assert_int_equal(lnt_wire_event_encode(&ev[i], &out, err), LNT_OK);
            assert_jansson_form(out.data, out.len);
        }
        lnt_buf_reset(&out);
        assert_int_equal(lnt_wire_batch_encode(INT64_MAX - (int64_t)k, ev, n, &out, err), LNT_OK);
        assert_jansson_form(out.data, out.len);
        lnt_buf_reset(&out);
        lnt_str_copy(r[2].reason, sizeof r[2].reason, texts[k]);
        assert_int_equal(lnt_wire_reply_encode(r, 3, &out, err), LNT_OK);
        assert_jansson_form(out.data, out.len);
    }
    /* a failed encode leaves what the buffer held */
    lnt_buf_reset(&out);
    assert_int_equal(lnt_buf_puts(&out, "kept"), LNT_OK);
    ev[4].u.stock.quantity = -1;
    assert_int_equal(lnt_wire_event_encode(&ev[4], &out, err), LNT_ERR_INVALID);
    assert_string_equal(out.data, "kept");
    lnt_buf_release(&out);
}

/* The fast decoder reads what kiosks send and leaves everything unusual to the full one. */
static void test_wire__fast_decoder_reads_plain_batches_only(void **state)
{
    static const struct {
        const char *from, *to;
    } unusual[] = {
        {"\"staff_id\": \"12\"", "\"staff_id\": \"1\\u0032\""}, /* an escape */
        {"\"seq\": 1", "\"seq\": 1.0"},                         /* a real */
        {"\"seq\": 1", "\"seq\": 1, \"seq\": 1"},               /* a repeated key */
        {"\"role\": \"door\"", "\"role\": \"door\", \"x\": 1"}, /* an unknown key */
        {"\"role\": \"door\", ", ""},                           /* a missing key */
        {"\"sia_expires\": \"2027-05-01\"", "\"sia_expires\": [\"2027-05-01\"]"},
        {"\"verdict\": \"green\"}", "\"verdict\": \"green\"} "}, /* still plain: see below */
    };
    struct lnt_batch fast = {.kiosk_id = -1}, full = {0};
    char err[LNT_ERRBUF_SIZE] = "";
    char *body = batch_of(SIGN_IN);
    (void)state;

    /* spaces between tokens are plain JSON: read fast, and the same as the full decoder */
    assert_true(lnt_wire_batch_decode_fast(body, strlen(body), &fast));
    assert_int_equal(lnt_wire_batch_decode_full(body, strlen(body), &full, err), LNT_OK);
    assert_int_equal(fast.kiosk_id, full.kiosk_id);
    assert_int_equal(fast.n, 1);
    assert_memory_equal(fast.events, full.events, sizeof *fast.events);
    lnt_batch_release(&fast);
    lnt_batch_release(&full);
    free(body);
    for (size_t i = 0; i < sizeof unusual / sizeof unusual[0]; i++) {
        char *ev = replace(SIGN_IN, unusual[i].from, unusual[i].to);
        struct lnt_batch b = {.kiosk_id = -1};
        bool plain = i == sizeof unusual / sizeof unusual[0] - 1;

        body = batch_of(ev);
        assert_int_equal(lnt_wire_batch_decode_fast(body, strlen(body), &b), plain);
        if (!plain) {
            assert_int_equal(b.kiosk_id, -1); /* untouched */
            assert_null(b.events);
        }
        lnt_batch_release(&b);
        /* the escape is still a good batch, read by the full decoder */
        if (i == 0) {
            assert_int_equal(lnt_wire_batch_decode(body, strlen(body), &b, err), LNT_OK);
            assert_string_equal(b.events[0].u.badge.staff_id, "12");
            lnt_batch_release(&b);
        }
        free(body);
        free(ev);
    }
}

static void test_wire__tallies_default_to_zero(void **state)
{
    char *body;
    struct lnt_batch b = {0};
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    body = batch_of("{\"seq\": 4, \"uuid\": \"5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b\", "
                    "\"type\": \"shift_end\", \"occurred_at\": \"2026-11-27T03:00:00Z\", "
                    "\"recorded_at\": \"2026-11-27T03:00:00Z\", \"staff_id\": \"900\", "
                    "\"call_sign\": \"\", \"team\": \"Marshals\", \"team_size\": 2, "
                    "\"tallies\": {\"water\": 14, \"calmed\": 3}}");
    assert_int_equal(lnt_wire_batch_decode(body, strlen(body), &b, err), LNT_OK);
    assert_int_equal(b.events[0].u.shift.tallies[0], 14);
    assert_int_equal(b.events[0].u.shift.tallies[1], 0);
    assert_int_equal(b.events[0].u.shift.tallies[7], 3);
    lnt_batch_release(&b);
    free(body);
}

static void test_wire__shift_base_and_leader_are_optional_fields(void **state)
{
    struct lnt_batch b = {0};
    struct lnt_buf out;
    char err[LNT_ERRBUF_SIZE] = "";
    char *body;
    (void)state;

    body = batch_of("{\"seq\": 4, \"uuid\": \"5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b\", "
                    "\"type\": \"shift_start\", \"occurred_at\": \"2026-11-27T21:00:00Z\", "
                    "\"recorded_at\": \"2026-11-27T21:00:00Z\", \"staff_id\": \"900\", "
                    "\"call_sign\": \"Bravo\", \"team\": \"\", \"team_size\": 4, "
                    "\"tallies\": {}, \"base\": \"safe_haven\", \"leader\": \"self\"}");
    assert_int_equal(lnt_wire_batch_decode(body, strlen(body), &b, err), LNT_OK);
    assert_string_equal(b.events[0].u.shift.base, "safe_haven");
    assert_string_equal(b.events[0].u.shift.leader, "self");
    /* written back out with them; without them, as before they existed */
    lnt_buf_init(&out, 1u << 16);
    assert_int_equal(lnt_wire_event_encode(&b.events[0], &out, err), LNT_OK);
    assert_non_null(strstr(out.data, "\"base\":\"safe_haven\""));
    b.events[0].u.shift.base[0] = b.events[0].u.shift.leader[0] = '\0';
    lnt_buf_reset(&out);
    assert_int_equal(lnt_wire_event_encode(&b.events[0], &out, err), LNT_OK);
    assert_null(strstr(out.data, "base"));
    assert_null(strstr(out.data, "leader"));
    lnt_buf_release(&out);
    lnt_batch_release(&b);
    free(body);

    /* an older kiosk's shift, with neither: accepted, both empty */
    body = batch_of("{\"seq\": 5, \"uuid\": \"5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2c\", "
                    "\"type\": \"shift_start\", \"occurred_at\": \"2026-11-27T21:00:00Z\", "
                    "\"recorded_at\": \"2026-11-27T21:00:00Z\", \"staff_id\": \"900\", "
                    "\"call_sign\": \"Bravo\", \"team\": \"base:bus;leader:other\", "
                    "\"team_size\": 4, \"tallies\": {}}");
    assert_int_equal(lnt_wire_batch_decode(body, strlen(body), &b, err), LNT_OK);
    assert_string_equal(b.events[0].u.shift.team, "base:bus;leader:other");
    assert_string_equal(b.events[0].u.shift.base, "");
    lnt_batch_release(&b);
    free(body);
}

static void test_wire__refuses_malformed_top_level(void **state)
{
    char *body;
    (void)state;

    refused("[{\"kiosk_id\": 3}]", LNT_ERR_INVALID, "body: expected a JSON object");
    refused("\"events\"", LNT_ERR_INVALID, "body: expected a JSON object");
    refused("{\"events\": [" SIGN_IN "]}", LNT_ERR_INVALID, "field `kiosk_id`: missing");
    refused("{\"kiosk_id\": 0, \"events\": [" SIGN_IN "]}", LNT_ERR_INVALID,
            "field `kiosk_id`: expected a positive integer");
    refused("{\"kiosk_id\": \"3\", \"events\": [" SIGN_IN "]}", LNT_ERR_INVALID,
            "field `kiosk_id`: expected a positive integer");
    refused("{\"kiosk_id\": 3.0, \"events\": [" SIGN_IN "]}", LNT_ERR_INVALID,
            "field `kiosk_id`: expected a positive integer");
    refused("{\"kiosk_id\": 3}", LNT_ERR_INVALID, "field `events`: missing");
    refused("{\"kiosk_id\": 3, \"events\": {}}", LNT_ERR_INVALID,
            "field `events`: expected an array of events");
    refused("{\"kiosk_id\": 3, \"events\": [" SIGN_IN "], \"venue\": 1}", LNT_ERR_INVALID,
            "field `venue`: unknown field");
    refused("{\"kiosk_id\": 3, \"events\": [" SIGN_IN "], \"a\\nb\": 1}", LNT_ERR_INVALID,
            "field `a?b`: unknown field");
    refused("{\"kiosk_id\": 3, \"events\": []}", LNT_ERR_INVALID,
            "field `events`: expected at least one event");
    refused("{\"kiosk_id\": 3, \"events\": [1]}", LNT_ERR_INVALID,
            "event 0: expected a JSON object");
    body = batch_of(SIGN_IN "," SIGN_IN);
    refused(body, LNT_ERR_INVALID, "event 1: field `seq`: 1 is not greater than the 1 before it");
    free(body);
}

static void test_wire__refuses_what_is_not_json(void **state)
{
    char *body;
    (void)state;

    refused("", LNT_ERR_INVALID,
            "not valid JSON: line 1, column 0: unexpected token near end of file");
    refused("kiosk", LNT_ERR_INVALID,
            "not valid JSON: line 1, column 5: invalid token near 'kiosk'");
    refused("{\"kiosk_id\": 3, \"events\": [", LNT_ERR_INVALID,
            "not valid JSON: line 1, column 27: ']' expected near end of file");
    refused("{\"kiosk_id\": 3, \"kiosk_id\": 4, \"events\": [" SIGN_IN "]}", LNT_ERR_INVALID,
            "not valid JSON: line 1, column 26: duplicate object key near '\"kiosk_id\"'");
    body = replace(SIGN_IN, "\"seq\": 1,", "\"seq\": 1, \"seq\": 2,");
    {
        char *b2 = batch_of(body);
        refused(b2, LNT_ERR_INVALID,
                "not valid JSON: line 1, column 43: duplicate object key near '\"seq\"'");
        free(b2);
    }
    free(body);
    refused("{\"kiosk_id\": 99999999999999999999, \"events\": []}", LNT_ERR_INVALID,
            "not valid JSON: line 1, column 33: too big integer near '99999999999999999999'");
}

static void test_wire__refuses_oversized_batches(void **state)
{
    struct lnt_buf b;
    char *big;
    size_t len;
    (void)state;

    /* 101 events. */
    lnt_buf_init(&b, LNT_BATCH_BODY_MAX);
    assert_int_equal(lnt_buf_puts(&b, "{\"kiosk_id\": 3, \"events\": ["), LNT_OK);
    for (int i = 1; i <= LNT_BATCH_MAX + 1; i++) {
        char *ev, seq[32];
        snprintf(seq, sizeof seq, "\"seq\": %d,", i);
        ev = replace(SIGN_IN, "\"seq\": 1,", seq);
        assert_int_equal(lnt_buf_printf(&b, "%s%s", i > 1 ? "," : "", ev), LNT_OK);
        free(ev);
    }
    assert_int_equal(lnt_buf_puts(&b, "]}"), LNT_OK);
    refused(b.data, LNT_ERR_TOO_LARGE, "field `events`: 101 events, at most 100 in a batch");
    lnt_buf_release(&b);

    /* One byte over 1 MiB, even though it is all whitespace after a valid batch. */
    big = batch_of(SIGN_IN);
    len = strlen(big);
    big = realloc(big, LNT_BATCH_BODY_MAX + 2);
    assert_non_null(big);
    memset(big + len, ' ', LNT_BATCH_BODY_MAX + 1 - len);
    big[LNT_BATCH_BODY_MAX + 1] = '\0';
    refused(big, LNT_ERR_TOO_LARGE, "body is 1048577 bytes, at most 1048576");
    /* Exactly 1 MiB is fine. */
    {
        struct lnt_batch ok = {0};
        assert_int_equal(lnt_wire_batch_decode(big, LNT_BATCH_BODY_MAX, &ok, NULL), LNT_OK);
        lnt_batch_release(&ok);
    }
    free(big);
}

static void test_wire__refuses_malformed_events(void **state)
{
    (void)state;

    refused_edit("\"verdict\": \"green\"", "\"verdict\": \"green\", \"colour\": \"red\"",
                 "event 0: field `colour`: not a field of a sign_in event");
    refused_edit("\"verdict\": \"green\"", "\"verdict\": \"green\", \"reason\": \"expired\"",
                 "event 0: field `reason`: not a field of a sign_in event");
    refused_edit(", \"verdict\": \"green\"", "", "event 0: field `verdict`: missing");
    refused_edit("\"seq\": 1, ", "", "event 0: field `seq`: missing");
    refused_edit("\"type\": \"sign_in\", ", "", "event 0: field `type`: missing");
    refused_edit("\"type\": \"sign_in\"", "\"type\": \"sign_up\"",
                 "event 0: field `type`: expected one of sign_in, sign_out, badge_refused, "
                 "incident, stock, shift_start, shift_end, welfare, door_refused");
    refused_edit("\"seq\": 1", "\"seq\": \"1\"",
                 "event 0: field `seq`: expected a positive integer");
    refused_edit("\"seq\": 1", "\"seq\": -4", "event 0: field `seq`: expected a positive integer");
    refused_edit("\"seq\": 1", "\"seq\": 0", "event 0: field `seq`: expected a positive integer");
    refused_edit("\"staff_id\": \"12\"", "\"staff_id\": 12",
                 "event 0: field `staff_id`: expected a string");
    refused_edit("\"occurred_at\": \"2026-11-26T22:01:03Z\"",
                 "\"occurred_at\": \"2026-11-26 22:01:03\"",
                 "event 0: field `occurred_at`: expected RFC 3339 time");
    refused_edit("\"recorded_at\": \"2026-11-26T22:01:03Z\"", "\"recorded_at\": 1795730463",
                 "event 0: field `recorded_at`: expected RFC 3339 time");
    refused_edit("\"occurred_at\": \"2026-11-26T22:01:03Z\"",
                 "\"occurred_at\": \"0001-01-01T00:00:00+01:00\"",
                 "event 0: field `occurred_at`: expected RFC 3339 time");
    refused_edit("\"sia_expires\": \"2027-05-01\"", "\"sia_expires\": \"2027-02-30\"",
                 "event 0: field `sia_expires`: expected a date (YYYY-MM-DD) after 1970-01-01, "
                 "or null");
    refused_edit("\"sia_expires\": \"2027-05-01\"", "\"sia_expires\": \"1970-01-01\"",
                 "event 0: field `sia_expires`: expected a date (YYYY-MM-DD) after 1970-01-01, "
                 "or null");
    refused_edit("\"verdict\": \"green\"", "\"verdict\": \"purple\"",
                 "event 0: field `verdict`: expected one of green, amber, red");
    refused_edit("\"role\": \"door\"", "\"role\": \"none\"",
                 "event 0: field `role`: expected one of door, bar, manager, volunteer");
    refused_edit("\"sia_status\": \"valid\"", "\"sia_status\": \"VALID\"",
                 "event 0: field `sia_status`: expected one of not_required, valid, expiring, "
                 "expired, missing, suspended, revoked");
    refused_edit("\"staff_id\": \"12\"", "\"staff_id\": \"12345678901234567\"",
                 "event 0: field `staff_id`: longer than 16 bytes");
    refused_edit("\"staff_id\": \"12\"", "\"staff_id\": \"\"",
                 "event 0: field `staff_id`: must not be empty");
    refused_edit("\"staff_id\": \"12\"", "\"staff_id\": \"1\\t2\"",
                 "event 0: field `staff_id`: contains a control character");
    refused_edit("\"staff_id\": \"12\"", "\"staff_id\": \"1\\u00002\"",
                 "not valid JSON: line 1, column 205: \\u0000 is not allowed without "
                 "JSON_ALLOW_NUL near '\"1\\u00002\"'");
    refused_edit("\"badge_serial\": \"a1b2c3d4e5f60718\"", "\"badge_serial\": \"A1B2C3D4E5F60718\"",
                 "event 0: field `badge_serial`: expected 16 lower-case hex digits");
    refused_edit("\"badge_serial\": \"a1b2c3d4e5f60718\"", "\"badge_serial\": \"a1b2c3d4e5f6071\"",
                 "event 0: field `badge_serial`: expected 16 lower-case hex digits");
    refused_edit("\"sia_number\": \"1234567812345678\"", "\"sia_number\": \"1234-5678\"",
                 "event 0: field `sia_number`: expected 16 digits or \"\"");
    refused_edit("\"uuid\": \"5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b\"",
                 "\"uuid\": \"5f0c1a2b3c4d4e5f8a6b7c8d9e0f1a2b\"",
                 "event 0: field `uuid`: expected a lower-case RFC 4122 UUID");
    refused_edit("\"uuid\": \"5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b\"",
                 "\"uuid\": \"5f0c1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2g\"",
                 "event 0: field `uuid`: expected a lower-case RFC 4122 UUID");
}

static void test_wire__names_the_event_index(void **state)
{
    struct lnt_buf b;
    (void)state;

    lnt_buf_init(&b, LNT_BATCH_BODY_MAX);
    assert_int_equal(lnt_buf_puts(&b, "{\"kiosk_id\": 3, \"events\": ["), LNT_OK);
    for (int i = 0; i < 20; i++) {
        char *ev, seq[32];
        char *ev2;
        snprintf(seq, sizeof seq, "\"seq\": %d,", i + 1);
        ev = replace(SIGN_IN, "\"seq\": 1,", seq);
        ev2 = replace(ev, "\"occurred_at\": \"2026-11-26T22:01:03Z\"",
                      i == 17 ? "\"occurred_at\": \"yesterday\""
                              : "\"occurred_at\": \"2026-11-26T22:01:03Z\"");
        assert_int_equal(lnt_buf_printf(&b, "%s%s", i > 0 ? "," : "", ev2), LNT_OK);
        free(ev2);
        free(ev);
    }
    assert_int_equal(lnt_buf_puts(&b, "]}"), LNT_OK);
    refused(b.data, LNT_ERR_INVALID, "event 17: field `occurred_at`: expected RFC 3339 time");
    lnt_buf_release(&b);
}

/* Each other event type's own fields, refused the same way. */
static void test_wire__refuses_malformed_other_types(void **state)
{
    struct lnt_event ev[7];
    struct lnt_buf out;
    char *body;
    (void)state;

    every_type(ev);
    lnt_buf_init(&out, 1 << 16);
    struct {
        int which;
        const char *from, *to, *msg;
    } cases[] = {
        {2, "\"reason\":\"revoked\"", "\"reason\":\"valid\"",
         "event 0: field `reason`: expected one of not_lantern, bad_encoding, oversized, "
         "malformed, unknown_key, bad_signature, expired, not_yet_valid, revoked, wrong_scheme"},
        {2, "\"reason\":\"revoked\"", "\"reason\":\"revoked\",\"staff_id\":\"12\"",
         "event 0: field `staff_id`: not a field of a badge_refused event"},
        {3, "\"severity\":3", "\"severity\":6",
         "event 0: field `severity`: expected an integer from 1 to 5"},
        {3, "\"police_called\":true", "\"police_called\":1",
         "event 0: field `police_called`: expected true or false"},
        {3, "\"complete\":true,", "", "event 0: field `complete`: missing"},
        {3, "\"sealed\":\"c2VhbGVkIGRldGFpbHM=\"", "\"sealed\":\"c2VhbGVkIGRldGFpbHM\"",
         "event 0: field `sealed`: expected base64 text or \"\""},
        {3, "\"report_id\":\"0d9e8f7a", "\"report_id\":\"xd9e8f7a",
         "event 0: field `report_id`: expected a lower-case RFC 4122 UUID"},
        {3, "\"kind\":\"angela\"", "\"kind\":\"\"",
         "event 0: field `kind`: expected one of angela, spiking, violence_injury, violence, "
         "sexual, "
         "weapons, drugs, disorder, medical, ejection, theft, other"},
        {3, "\"place\":\"", "\"place\":\"0123456789012345678901234567890123456789012345678",
         "event 0: field `place`: longer than 47 bytes"},
        {4, "\"kind\":\"delivery\"", "\"kind\":\"stolen\"",
         "event 0: field `kind`: expected one of count, delivery, handed_out"},
        {4, "\"quantity\":500", "\"quantity\":-1",
         "event 0: field `quantity`: expected an integer from 0 to 1000000"},
        {4, "\"quantity\":500", "\"quantity\":4294967296",
         "event 0: field `quantity`: expected an integer from 0 to 1000000"},
        {6, "\"water\":0", "\"water\":-2",
         "event 0: field `tallies.water`: expected an integer from 0 to 100000"},
        {6, "\"water\":0", "\"water\":0,\"umbrellas\":1",
         "event 0: field `tallies`: unknown tally `umbrellas`"},
        {6, "\"tallies\":{", "\"tallies\":[{", "not valid JSON"},
        {5, "\"team_size\":4", "\"team_size\":0",
         "event 0: field `team_size`: expected an integer from 1 to 100"},
        {5,
         ",\"tallies\":{\"blankets\":0,\"bottles\":0,\"calmed\":0,\"cctv_calls\":0,"
         "\"first_aid\":0,\"flip_flops\":0,\"police_calls\":0,\"water\":0}",
         "", "event 0: field `tallies`: missing"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *edited;
        lnt_buf_reset(&out);
        assert_int_equal(lnt_wire_event_encode(&ev[cases[i].which], &out, NULL), LNT_OK);
        edited = replace(out.data, cases[i].from, cases[i].to);
        body = batch_of(edited);
        if (strcmp(cases[i].msg, "not valid JSON") == 0) {
            struct lnt_batch b = {0};
            char err[LNT_ERRBUF_SIZE] = "";
            assert_int_equal(lnt_wire_batch_decode(body, strlen(body), &b, err), LNT_ERR_INVALID);
            assert_true(lnt_str_starts(err, "not valid JSON"));
        } else {
            refused(body, LNT_ERR_INVALID, cases[i].msg);
        }
        free(body);
        free(edited);
    }
    lnt_buf_release(&out);
}

static void test_wire__encode_refuses_what_decode_would(void **state)
{
    struct lnt_event ev[7];
    struct lnt_buf out;
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    lnt_buf_init(&out, LNT_BATCH_BODY_MAX);
    every_type(ev);
    ev[0].u.badge.role = LNT_ROLE_NONE;
    assert_int_equal(lnt_wire_event_encode(&ev[0], &out, err), LNT_ERR_INVALID);
    assert_string_equal(err, "field `role`: expected one of door, bar, manager, volunteer");

    every_type(ev);
    ev[1].u.badge.staff_id[0] = '\0';
    assert_int_equal(lnt_wire_batch_encode(3, ev, 7, &out, err), LNT_ERR_INVALID);
    assert_string_equal(err, "event 1: field `staff_id`: must not be empty");

    every_type(ev);
    memset(ev[3].u.incident.kind, 'x', sizeof ev[3].u.incident.kind);
    assert_int_equal(lnt_wire_event_encode(&ev[3], &out, err), LNT_ERR_INVALID);
    assert_string_equal(err, "field `kind`: not terminated within its bound");

    every_type(ev);
    lnt_str_copy(ev[3].u.incident.place, LNT_SHORT_TEXT, "bar \xff");
    assert_int_equal(lnt_wire_event_encode(&ev[3], &out, err), LNT_ERR_INVALID);
    assert_string_equal(err, "field `place`: not valid UTF-8");

    every_type(ev);
    ev[0].occurred_at = INT64_MAX;
    assert_int_equal(lnt_wire_event_encode(&ev[0], &out, err), LNT_ERR_INVALID);
    assert_string_equal(err, "field `occurred_at`: time out of range");
    every_type(ev);
    ev[0].u.badge.sia_expires = INT32_MAX;
    assert_int_equal(lnt_wire_event_encode(&ev[0], &out, err), LNT_ERR_INVALID);
    assert_string_equal(err, "field `sia_expires`: date out of range");

    every_type(ev);
    ev[4].seq = ev[3].seq;
    assert_int_equal(lnt_wire_batch_encode(3, ev, 7, &out, err), LNT_ERR_INVALID);
    assert_string_equal(err, "event 4: field `seq`: 19 is not greater than the 19 before it");

    every_type(ev);
    ev[2].type = LNT_EV_NONE;
    assert_int_equal(lnt_wire_event_encode(&ev[2], &out, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_wire_batch_encode(0, ev, 7, &out, err), LNT_ERR_INVALID);
    assert_string_equal(err, "field `kiosk_id`: expected a positive integer");
    assert_int_equal(lnt_wire_batch_encode(3, ev, 0, &out, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_wire_batch_encode(3, ev, LNT_BATCH_MAX + 1, &out, err), LNT_ERR_TOO_LARGE);
    assert_int_equal(out.len, 0); /* nothing was written by any refusal */

    /* A buffer too small for the batch is TOO_LARGE and left as it was. */
    every_type(ev);
    lnt_buf_release(&out);
    lnt_buf_init(&out, 100);
    assert_int_equal(lnt_wire_batch_encode(3, ev, 7, &out, err), LNT_ERR_TOO_LARGE);
    assert_int_equal(out.len, 0);
    lnt_buf_release(&out);
}

static void test_wire__reply_round_trips(void **state)
{
    struct lnt_ingest_result r[5] = {
        {.seq = 1, .status = LNT_INGEST_ACCEPTED},
        {.seq = 2, .status = LNT_INGEST_ACCEPTED},
        {.seq = 3, .status = LNT_INGEST_DUPLICATE},
        {.seq = 4, .status = LNT_INGEST_CONFLICT, .reason = "stored before with different content"},
        {.seq = 5,
         .status = LNT_INGEST_REJECTED,
         .reason = "occurred_at is more than a day in the future"},
    };
    struct lnt_ingest_result back[5];
    struct lnt_buf out;
    size_t n = 0;
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    lnt_buf_init(&out, 1 << 16);
    assert_int_equal(lnt_wire_reply_encode(r, 5, &out, err), LNT_OK);
    assert_string_equal(out.data,
                        "{\"accepted\":[1,2],\"conflicts\":[{\"reason\":\"stored before with "
                        "different content\",\"seq\":4}],\"duplicates\":[3],\"rejected\":[{"
                        "\"reason\":\"occurred_at is more than a day in the future\",\"seq\":5}]}");
    assert_int_equal(lnt_wire_reply_decode(out.data, out.len, back, 5, &n, err), LNT_OK);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(back[i].seq, r[i].seq);
        assert_int_equal(back[i].status, r[i].status);
        assert_string_equal(back[i].reason, r[i].reason);
    }
    /* An empty reply is a valid reply. */
    lnt_buf_reset(&out);
    assert_int_equal(lnt_wire_reply_encode(r, 0, &out, err), LNT_OK);
    assert_string_equal(out.data,
                        "{\"accepted\":[],\"conflicts\":[],\"duplicates\":[],\"rejected\":[]}");
    /* An unprintable byte in a reason is shown as '?', not a failure. */
    lnt_buf_reset(&out);
    lnt_str_copy(r[4].reason, sizeof r[4].reason, "bad\nline \xc3");
    assert_int_equal(lnt_wire_reply_encode(&r[4], 1, &out, err), LNT_OK);
    assert_non_null(strstr(out.data, "\"bad?line ?\""));
    lnt_buf_release(&out);
}

/*
 * The server answers a batch holding a save of another venue's incident report
 * with a 409 problem document that carries the four lists: the kiosk reads it
 * as a reply, refused event and all.
 */
static void test_wire__problem_reply_with_lists_decodes(void **state)
{
    static const char json[] =
        "{\"accepted\":[1],\"conflicts\":[],\"duplicates\":[],\"rejected\":[{\"reason\":"
        "\"incident 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b belongs to another venue: this kiosk may "
        "not change it; not stored\",\"seq\":2}],\"type\":\"about:blank\",\"title\":\"Conflict\","
        "\"status\":409,\"detail\":\"event 1: seq 2: incident 0190a1b2-c3d4-7e5f-8a9b-"
        "0c1d2e3f4a5b belongs to another venue\"}";
    struct lnt_ingest_result back[4];
    size_t n = 0;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    if (lnt_wire_reply_decode(json, strlen(json), back, 4, &n, err) != LNT_OK)
        fail_msg("decode: %s", err);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        if (back[i].seq == 1) {
            assert_int_equal(back[i].status, LNT_INGEST_ACCEPTED);
        } else {
            assert_int_equal(back[i].seq, 2);
            assert_int_equal(back[i].status, LNT_INGEST_REJECTED);
            assert_non_null(strstr(back[i].reason, "belongs to another venue"));
        }
    }
}

static void reply_refused(const char *json, size_t max, enum lnt_err rc, const char *msg)
{
    struct lnt_ingest_result back[4];
    size_t n = 99;
    char err[LNT_ERRBUF_SIZE] = "";

    assert_true(max <= 4);
    assert_int_equal(lnt_wire_reply_decode(json, strlen(json), back, max, &n, err), rc);
    assert_string_equal(err, msg);
    assert_int_equal(n, 99);
}

#define EMPTY_LISTS "\"conflicts\": [], \"duplicates\": [], \"rejected\": []"

static void test_wire__refuses_malformed_reply(void **state)
{
    (void)state;

    reply_refused("<html>", 4, LNT_ERR_INVALID,
                  "not valid JSON: line 1, column 1: invalid token near '<'");
    reply_refused("[]", 4, LNT_ERR_INVALID, "reply: expected a JSON object");
    reply_refused("{\"accepted\": [1], \"duplicates\": [], \"rejected\": []}", 4, LNT_ERR_INVALID,
                  "field `conflicts`: missing");
    reply_refused("{\"accepted\": [1], \"ok\": true, " EMPTY_LISTS "}", 4, LNT_ERR_INVALID,
                  "field `ok`: unknown field");
    reply_refused("{\"accepted\": 1, " EMPTY_LISTS "}", 4, LNT_ERR_INVALID,
                  "field `accepted`: expected an array");
    reply_refused("{\"accepted\": [1, 0], " EMPTY_LISTS "}", 4, LNT_ERR_INVALID,
                  "field `accepted[1]`: expected a positive integer");
    reply_refused("{\"accepted\": [1, 2, 3, 4, 5], " EMPTY_LISTS "}", 4, LNT_ERR_TOO_LARGE,
                  "reply lists more than 4 events");
    reply_refused(
        "{\"accepted\": [1, 2], \"duplicates\": [2], \"conflicts\": [], \"rejected\": []}", 4,
        LNT_ERR_INVALID, "reply lists seq 2 more than once");
    reply_refused("{\"accepted\": [], \"duplicates\": [], \"conflicts\": [7], \"rejected\": []}", 4,
                  LNT_ERR_INVALID, "field `conflicts[0]`: expected an object with seq and reason");
    reply_refused("{\"accepted\": [], \"duplicates\": [], \"conflicts\": [], "
                  "\"rejected\": [{\"seq\": 5}]}",
                  4, LNT_ERR_INVALID, "field `rejected[0].reason`: expected a string");
    reply_refused("{\"accepted\": [], \"duplicates\": [], \"conflicts\": [], "
                  "\"rejected\": [{\"seq\": 5, \"reason\": \"x\", \"why\": 1}]}",
                  4, LNT_ERR_INVALID, "field `rejected[0].why`: unknown field");
    reply_refused("{\"accepted\": [], \"duplicates\": [], \"conflicts\": [], "
                  "\"rejected\": [{\"seq\": 5, \"reason\": \"0123456789012345678901234567890123"
                  "456789012345678901234567890123456789012345678901234567890123456789012345678901"
                  "2345678901234567890123456789012345678901234567890123456789\"}]}",
                  4, LNT_ERR_INVALID, "field `rejected[0].reason`: longer than 159 bytes");
    reply_refused("{\"accepted\": [], \"duplicates\": [], \"conflicts\": [], "
                  "\"rejected\": [{\"seq\": 5, \"reason\": \"a\\u001bb\"}]}",
                  4, LNT_ERR_INVALID, "field `rejected[0].reason`: contains a control character");
}

/* A tiny deterministic generator, so that a failure here can be replayed. */
static uint32_t next(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Runs the fuzz target over 800 deterministic mutations of `valid`; asserts both outcomes occur. */
static void mutate_and_check(const struct lnt_buf *valid, uint32_t seed)
{
    static const char specials[] = "\"{}[],:\\0-9.eE \x00\x7f\xc3\xff";
    uint8_t *m;
    int decoded = 0, refused_n = 0;

    m = malloc(valid->len * 2 + 1);
    assert_non_null(m);

    /* Every truncation. */
    for (size_t len = 0; len <= valid->len; len++)
        assert_int_equal(LLVMFuzzerTestOneInput((const uint8_t *)valid->data, len), 0);

    for (int round = 0; round < 800; round++) {
        size_t len = valid->len, at;
        struct lnt_batch b = {0};
        memcpy(m, valid->data, len);
        for (int k = 0, flips = 1 + (int)(next(&seed) % 3); k < flips; k++) {
            at = next(&seed) % len;
            switch (next(&seed) % 5) {
            case 4: /* a digit or letter for another: often still valid, so the round trip runs */
                if (m[at] >= '0' && m[at] <= '9')
                    m[at] = (uint8_t)('0' + next(&seed) % 10);
                else if (m[at] >= 'a' && m[at] <= 'z')
                    m[at] = (uint8_t)('a' + next(&seed) % 26);
                break;
            case 0: /* flip a bit */
                m[at] ^= (uint8_t)(1u << (next(&seed) % 8));
                break;
            case 1: /* a character that matters to JSON */
                m[at] = (uint8_t)specials[next(&seed) % (sizeof specials - 1)];
                break;
            case 2: /* repeat a stretch */
            {
                size_t n = 1 + next(&seed) % 64;
                if (n > len - at)
                    n = len - at;
                memmove(m + at + n, m + at, len - at);
                len += n;
                break;
            }
            default: /* cut a stretch out */
            {
                size_t n = 1 + next(&seed) % 16;
                if (n > len - at)
                    n = len - at;
                memmove(m + at, m + at + n, len - at - n);
                len -= n;
                if (len == 0)
                    len = 1;
                break;
            }
            }
            if (len > valid->len * 2 - 64)
                len = valid->len;
        }
        assert_int_equal(LLVMFuzzerTestOneInput(m, len), 0);
        if (lnt_wire_batch_decode((const char *)m, len, &b, NULL) == LNT_OK)
            decoded++;
        else
            refused_n++;
        lnt_batch_release(&b);
    }
    print_message("mutations: %d decoded, %d refused\n", decoded, refused_n);
    /* Both outcomes happened, so both paths of the target ran. */
    assert_true(decoded > 20);
    assert_true(refused_n > 400);
    free(m);
}

static void test_wire__survives_mutations(void **state)
{
    struct lnt_event ev[7];
    struct lnt_buf valid;
    unsigned long fast_before = fuzz_wire_fast_accepted;
    (void)state;

    every_type(ev);
    lnt_buf_init(&valid, LNT_BATCH_BODY_MAX);
    /* as encoded, with escaped quotes in a place name: only the full decoder reads it */
    assert_int_equal(lnt_wire_batch_encode(3, ev, 7, &valid, NULL), LNT_OK);
    mutate_and_check(&valid, 0x1a2b3c4d);
    assert_int_equal(fuzz_wire_fast_accepted, fast_before);
    /* plain, as most batches are: the fast decoder reads it and is held to the full one */
    lnt_str_copy(ev[3].u.incident.place, LNT_SHORT_TEXT, "bar upstairs \xe2\x80\x93 back");
    lnt_buf_reset(&valid);
    assert_int_equal(lnt_wire_batch_encode(3, ev, 7, &valid, NULL), LNT_OK);
    mutate_and_check(&valid, 0x5e6f7a8b);
    print_message("fast decoder accepted %lu\n", fuzz_wire_fast_accepted - fast_before);
    assert_true(fuzz_wire_fast_accepted - fast_before > 20);
    lnt_buf_release(&valid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire__every_type_round_trips),
        cmocka_unit_test(test_wire__sign_in_has_the_documented_form),
        cmocka_unit_test(test_wire__canonical_encoding_is_stable),
        cmocka_unit_test(test_wire__canonical_text_is_jansson_sorted_compact),
        cmocka_unit_test(test_wire__fast_decoder_reads_plain_batches_only),
        cmocka_unit_test(test_wire__tallies_default_to_zero),
        cmocka_unit_test(test_wire__shift_base_and_leader_are_optional_fields),
        cmocka_unit_test(test_wire__refuses_malformed_top_level),
        cmocka_unit_test(test_wire__refuses_what_is_not_json),
        cmocka_unit_test(test_wire__refuses_oversized_batches),
        cmocka_unit_test(test_wire__refuses_malformed_events),
        cmocka_unit_test(test_wire__names_the_event_index),
        cmocka_unit_test(test_wire__refuses_malformed_other_types),
        cmocka_unit_test(test_wire__encode_refuses_what_decode_would),
        cmocka_unit_test(test_wire__reply_round_trips),
        cmocka_unit_test(test_wire__problem_reply_with_lists_decodes),
        cmocka_unit_test(test_wire__refuses_malformed_reply),
        cmocka_unit_test(test_wire__survives_mutations),
        cmocka_unit_test(test_wire__sign_out_by_a_manager_is_optional_and_kept),
        cmocka_unit_test(test_wire__welfare_events_round_trip_and_refuse_unknown_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
