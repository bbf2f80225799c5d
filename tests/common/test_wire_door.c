/* test_wire_door.c - the wire's door fields: door_refused events and the optional `duty` and
 * `training_missing` of a sign-in, which older kiosks never send and older events never hold. */
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
#include "wire.h"

/* One event of `type` as an older kiosk sends it, with `extra` (", ..." or "") before the end. */
static char *batch(const char *type, const char *extra)
{
    struct lnt_buf b;

    lnt_buf_init(&b, 4096);
    assert_int_equal(
        lnt_buf_printf(&b,
                       "{\"kiosk_id\": 3, \"events\": [{\"seq\": 1, \"uuid\": "
                       "\"5f0c0000-0000-4000-8000-000000000001\", \"type\": \"%s\", "
                       "\"occurred_at\": \"2026-11-26T22:01:03Z\", \"recorded_at\": "
                       "\"2026-11-26T22:01:03Z\", \"staff_id\": \"12\", \"badge_serial\": "
                       "\"a1b2c3d4e5f60718\", \"role\": \"door\", \"sia_number\": "
                       "\"1234567812345678\", \"sia_expires\": \"2026-11-20\", \"sia_status\": "
                       "\"expired\", \"verdict\": \"red\"%s}]}",
                       type, extra),
        LNT_OK);
    return lnt_buf_detach(&b, NULL);
}

/* Decodes `json` (one event) with both decoders, which must agree; the event into *out. */
static enum lnt_err decode(const char *json, struct lnt_event *out, char *err)
{
    struct lnt_batch full = {0}, fast = {0};
    enum lnt_err rc = lnt_wire_batch_decode_full(json, strlen(json), &full, err);

    if (lnt_wire_batch_decode_fast(json, strlen(json), &fast)) {
        /* the fast path may only accept what the full decoder accepts, as it does */
        assert_int_equal(rc, LNT_OK);
        assert_memory_equal(fast.events, full.events, sizeof *full.events);
        lnt_batch_release(&fast);
    }
    if (rc == LNT_OK)
        *out = full.events[0];
    lnt_batch_release(&full);
    return rc;
}

/* Whether the fast decoder takes `json` (rather than leaving it to the full one). */
static bool fast_takes(const char *json)
{
    struct lnt_batch b = {0};
    bool taken = lnt_wire_batch_decode_fast(json, strlen(json), &b);

    lnt_batch_release(&b);
    return taken;
}

/* The canonical form of `ev`, checked against jansson's sorted dump of the same text. */
static char *canonical(const struct lnt_event *ev)
{
    struct lnt_buf b;
    char err[LNT_ERRBUF_SIZE] = "", *dumped;
    json_t *j;
    char *text;

    lnt_buf_init(&b, 1 << 16);
    assert_int_equal(lnt_wire_event_encode(ev, &b, err), LNT_OK);
    text = lnt_buf_detach(&b, NULL);
    j = json_loads(text, 0, NULL);
    assert_non_null(j);
    dumped = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(dumped, text);
    free(dumped);
    json_decref(j);
    return text;
}

static void test_wire_door__older_sign_ins_keep_their_canonical_form(void **state)
{
    char *json = batch("sign_in", ""), *text, err[LNT_ERRBUF_SIZE] = "";
    struct lnt_event ev;
    (void)state;

    assert_true(fast_takes(json)); /* the common case stays on the fast path */
    assert_int_equal(decode(json, &ev, err), LNT_OK);
    assert_int_equal(ev.u.badge.duty, LNT_DUTY_ROLE);
    assert_int_equal(ev.u.badge.training_missing, 0);
    text = canonical(&ev);
    /* nothing new is written for an event without the new fields */
    assert_null(strstr(text, "duty"));
    assert_null(strstr(text, "training_missing"));
    free(text);
    free(json);
}

static void test_wire_door__duty_and_missing_training_round_trip(void **state)
{
    char *json = batch("sign_in", ", \"duty\": \"other\", \"training_missing\": [\"first-aid\", "
                                  "\"wave\"]"),
         *text, err[LNT_ERRBUF_SIZE] = "";
    struct lnt_event ev, back;
    (void)state;

    assert_int_equal(decode(json, &ev, err), LNT_OK);
    assert_int_equal(ev.u.badge.duty, LNT_DUTY_OTHER);
    assert_int_equal(ev.u.badge.training_missing,
                     LNT_COURSE_BIT(LNT_COURSE_WAVE) | LNT_COURSE_BIT(LNT_COURSE_FIRST_AID));
    text = canonical(&ev);
    /* courses in code order, whatever order they came in */
    assert_non_null(strstr(text, "\"training_missing\":[\"wave\",\"first-aid\"]"));
    assert_non_null(strstr(text, "\"duty\":\"other\""));
    assert_int_equal(lnt_wire_event_decode(text, strlen(text), &back, err), LNT_OK);
    assert_memory_equal(&back, &ev, sizeof ev);
    free(text);
    free(json);
}

static void test_wire_door__door_refused_is_a_badge_event(void **state)
{
    char *json = batch("door_refused", ""), *text, err[LNT_ERRBUF_SIZE] = "";
    struct lnt_event ev;
    (void)state;

    {
        char *duty_only = batch("sign_in", ", \"duty\": \"other\"");
        assert_true(fast_takes(duty_only));
        free(duty_only);
    }

    assert_int_equal(decode(json, &ev, err), LNT_OK);
    assert_int_equal(ev.type, LNT_EV_DOOR_REFUSED);
    assert_string_equal(ev.u.badge.staff_id, "12");
    assert_int_equal(ev.u.badge.sia_status, LNT_SIA_EXPIRED);
    text = canonical(&ev);
    assert_non_null(strstr(text, "\"type\":\"door_refused\""));
    free(text);
    free(json);
}

static void test_wire_door__bad_optional_fields_are_refused_by_name(void **state)
{
    static const struct {
        const char *extra, *msg;
    } bad[] = {
        {", \"duty\": \"door\"", "event 0: field `duty`: expected other (or leave the field out)"},
        {", \"duty\": 1", "event 0: field `duty`: expected other (or leave the field out)"},
        {", \"training_missing\": \"wave\"", "event 0: field `training_missing`: expected an array "
                                             "of course names"},
        {", \"training_missing\": [\"wave\", \"wave\"]",
         "event 0: field `training_missing`: item 1: expected an array of course names"},
        {", \"training_missing\": [\"juggling\"]",
         "event 0: field `training_missing`: item 0: expected an array of course names"},
        {", \"training_missing\": [\"none\"]",
         "event 0: field `training_missing`: item 0: expected an array of course names"},
        {", \"sia_status\": \"lapsed\"", NULL}, /* a repeated key: refused before the fields */
    };
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *json = batch("sign_in", bad[i].extra), err[LNT_ERRBUF_SIZE] = "";
        struct lnt_event ev;

        assert_int_equal(decode(json, &ev, err), LNT_ERR_INVALID);
        if (bad[i].msg != NULL && strncmp(err, bad[i].msg, strlen(bad[i].msg)) != 0)
            fail_msg("%s: got \"%s\"", bad[i].extra, err);
        free(json);
    }
}

static void test_wire_door__encoder_refuses_courses_that_do_not_exist(void **state)
{
    char *json = batch("sign_in", ""), err[LNT_ERRBUF_SIZE] = "";
    struct lnt_event ev;
    struct lnt_buf b;
    (void)state;

    assert_int_equal(decode(json, &ev, err), LNT_OK);
    ev.u.badge.training_missing = LNT_COURSE_BIT(LNT_COURSE__MAX + 1);
    lnt_buf_init(&b, 1 << 16);
    assert_int_equal(lnt_wire_event_encode(&ev, &b, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "training_missing"));
    ev.u.badge.training_missing = LNT_COURSE_BIT(LNT_COURSE_NONE);
    assert_int_equal(lnt_wire_event_encode(&ev, &b, err), LNT_ERR_INVALID);
    lnt_buf_release(&b);
    free(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire_door__older_sign_ins_keep_their_canonical_form),
        cmocka_unit_test(test_wire_door__duty_and_missing_training_round_trip),
        cmocka_unit_test(test_wire_door__door_refused_is_a_badge_event),
        cmocka_unit_test(test_wire_door__bad_optional_fields_are_refused_by_name),
        cmocka_unit_test(test_wire_door__encoder_refuses_courses_that_do_not_exist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
