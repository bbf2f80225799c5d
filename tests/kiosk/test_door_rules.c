/* test_door_rules.c - the door rules on the kiosk: taken from a sync reply (required training,
 * listed SIA licences), refused in words when malformed, and kept in the kiosk's database like
 * the trust list so that they hold after a restart and offline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "outbox.h"
#include "support.h"
#include "sync.h"

struct world {
    char *dir;
    struct lnt_identity *id;
};

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof *w);

    assert_non_null(w);
    w->dir = lnt_test_tmpdir();
    w->id = calloc(1, sizeof *w->id);
    assert_non_null(w->id);
    lnt_str_copy(w->id->scheme, sizeof w->id->scheme, "WTN");
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;

    lnt_test_rmrf(w->dir);
    free(w->dir);
    free(w->id);
    free(w);
    return 0;
}

/* A sync reply with no keys or revocations and `extra` (", ..." or "") at its end. */
static void reply(char *out, size_t size, const char *extra)
{
    snprintf(out, size,
             "{\"server_time\": \"2026-11-27T01:00:00Z\", \"scheme\": \"WTN\", \"trust\": [], "
             "\"revocations\": {\"version\": 0, \"full\": true, \"serials\": []}%s}",
             extra);
}

static void test_door_rules__a_sync_reply_sets_the_rules(void **state)
{
    struct world *w = *state;
    struct lnt_sync_settings set;
    char body[1024], err[LNT_ERRBUF_SIZE] = "";

    reply(body, sizeof body,
          ", \"required_training\": {\"door\": [\"wave\", \"conflict\"], \"bar\": [], "
          "\"manager\": [\"wave\", \"tightrope\"]}, \"sia_listed\": [{\"number\": "
          "\"1234567812345678\", \"status\": \"suspended\", \"from\": \"2026-11-20\"}]");
    assert_int_equal(lnt_sync_parse_refresh(body, strlen(body), w->id, &set, err), LNT_OK);
    assert_true(w->id->required.known);
    assert_int_equal(w->id->required.courses[LNT_ROLE_DOOR],
                     LNT_COURSE_BIT(LNT_COURSE_WAVE) | LNT_COURSE_BIT(LNT_COURSE_CONFLICT));
    assert_int_equal(w->id->required.courses[LNT_ROLE_BAR], 0);
    /* a course this kiosk does not know is left out, not a reason to refuse the reply */
    assert_int_equal(w->id->required.courses[LNT_ROLE_MANAGER], LNT_COURSE_BIT(LNT_COURSE_WAVE));
    assert_int_equal(w->id->n_sia_listed, 1);
    assert_string_equal(w->id->sia_listed[0].number, "1234567812345678");
    assert_int_equal(w->id->sia_listed[0].status, LNT_SIA_LISTED_SUSPENDED);

    /* a reply from an older server, without them, leaves them as they were */
    reply(body, sizeof body, "");
    assert_int_equal(lnt_sync_parse_refresh(body, strlen(body), w->id, &set, err), LNT_OK);
    assert_true(w->id->required.known);
    assert_int_equal(w->id->n_sia_listed, 1);
    /* the list is always whole: an empty one clears it */
    reply(body, sizeof body, ", \"sia_listed\": []");
    assert_int_equal(lnt_sync_parse_refresh(body, strlen(body), w->id, &set, err), LNT_OK);
    assert_int_equal(w->id->n_sia_listed, 0);
}

static void test_door_rules__malformed_rules_change_nothing(void **state)
{
    struct world *w = *state;
    struct lnt_sync_settings set;
    static const struct {
        const char *extra, *needle;
    } bad[] = {
        {", \"required_training\": [\"wave\"]", "required_training"},
        {", \"required_training\": {\"doorman\": [\"wave\"]}", "required_training"},
        {", \"required_training\": {\"door\": [7]}", "required_training.door"},
        {", \"sia_listed\": [{\"number\": \"12345\", \"status\": \"suspended\", \"from\": "
         "\"2026-11-20\"}]",
         "sia_listed 0"},
        {", \"sia_listed\": [{\"number\": \"1234567812345678\", \"status\": \"lapsed\", "
         "\"from\": \"2026-11-20\"}]",
         "sia_listed 0"},
        {", \"sia_listed\": {}", "sia_listed"},
    };
    char body[1024];

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[LNT_ERRBUF_SIZE] = "";
        reply(body, sizeof body, bad[i].extra);
        assert_int_equal(lnt_sync_parse_refresh(body, strlen(body), w->id, &set, err),
                         LNT_ERR_INVALID);
        if (strstr(err, bad[i].needle) == NULL)
            fail_msg("%s: \"%s\" does not name %s", bad[i].extra, err, bad[i].needle);
        assert_false(w->id->required.known);
        assert_int_equal(w->id->n_sia_listed, 0);
    }
}

static void test_door_rules__kept_through_a_restart(void **state)
{
    struct world *w = *state;
    struct lnt_outbox *ob = NULL;
    struct lnt_identity *back = calloc(1, sizeof *back);
    char err[LNT_ERRBUF_SIZE] = "";

    assert_non_null(back);
    assert_int_equal(lnt_outbox_open(w->dir, &ob, err), LNT_OK);
    assert_int_equal(lnt_outbox_identity_get(ob, w->id, err), LNT_OK);
    assert_false(w->id->required.known); /* a fresh kiosk has heard nothing */
    w->id->required.known = true;
    w->id->required.courses[LNT_ROLE_VOLUNTEER] = LNT_COURSE_BIT(LNT_COURSE_FIRST_AID);
    lnt_str_copy(w->id->sia_listed[0].number, sizeof w->id->sia_listed[0].number,
                 "8765432187654321");
    w->id->sia_listed[0].status = LNT_SIA_LISTED_REVOKED;
    w->id->sia_listed[0].from = 20500;
    w->id->n_sia_listed = 1;
    assert_int_equal(lnt_outbox_identity_set(ob, w->id, err), LNT_OK);
    lnt_outbox_free(ob);

    ob = NULL;
    assert_int_equal(lnt_outbox_open(w->dir, &ob, err), LNT_OK);
    assert_int_equal(lnt_outbox_identity_get(ob, back, err), LNT_OK);
    assert_true(back->required.known);
    assert_int_equal(back->required.courses[LNT_ROLE_VOLUNTEER],
                     LNT_COURSE_BIT(LNT_COURSE_FIRST_AID));
    assert_int_equal(back->required.courses[LNT_ROLE_DOOR], 0);
    assert_int_equal(back->n_sia_listed, 1);
    assert_string_equal(back->sia_listed[0].number, "8765432187654321");
    assert_int_equal(back->sia_listed[0].status, LNT_SIA_LISTED_REVOKED);
    assert_int_equal(back->sia_listed[0].from, 20500);
    lnt_outbox_free(ob);
    free(back);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_door_rules__a_sync_reply_sets_the_rules),
        T(test_door_rules__malformed_rules_change_nothing),
        T(test_door_rules__kept_through_a_restart),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
