/* test_lanternctl_admin.c - venues, staff, training, badges, keys and kiosks through lanternctl. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "ltime.h"
#include "store.h"
#include "test_lanternctl_run.h"

static void venue(struct ctl_fix *f, const char *name, const char *cat, const char *area,
                  const char *authority)
{
    json_decref(ctl_json(f, "venue", "add", "--name", name, "--category", cat, "--capacity", "200",
                         "--area", area, "--authority", authority, NULL));
}

static size_t count_lines(json_t *arr)
{
    return json_array_size(arr);
}

static void test_lanternctl_admin__venue_add_edit_list_close(void **state)
{
    struct ctl_fix *f = *state;
    json_t *o, *l;

    ctl_init(f);
    o = ctl_json(f, "venue", "add", "--name", "The Crown", "--category", "pub", "--capacity", "300",
                 "--area", "High Street", "--authority", "Kingsbridge", "--trading",
                 "Fri,Sat 20:00-03:00", "--cup-cover-threshold", "150", NULL);
    assert_int_equal(ctl_jint(o, "id"), 1);
    assert_string_equal(ctl_jstr(o, "authority"), "Kingsbridge");
    assert_string_equal(ctl_jstr(o, "trading"), "Fri-Sat 20:00-03:00"); /* canonical form */
    assert_int_equal(ctl_jint(o, "cup_cover_threshold"), 150);
    assert_true(json_is_false(json_object_get(o, "closed")));
    json_decref(o);
    /* without a pattern, the category's default */
    o = ctl_json(f, "venue", "add", "--name", "Velvet", "--category", "nightclub", "--capacity",
                 "900", "--area", "Quayside", NULL);
    assert_string_equal(ctl_jstr(o, "trading"), "Thu-Sat 22:00-04:00");
    assert_int_equal(ctl_jint(o, "cup_cover_threshold"), LNT_CUP_COVER_THRESHOLD_DEFAULT);
    json_decref(o);
    venue(f, "Quay Bar", "bar", "Quayside", "Avon Vale");

    ctl_expect_fail(f, 1, "--trading: segment 1", "venue", "add", "--name", "X", "--category",
                    "bar", "--capacity", "10", "--area", "A", "--trading", "Fry 20:00-03:00", NULL);
    ctl_expect_fail(f, 1, "--cup-cover-threshold", "venue", "add", "--name", "X", "--category",
                    "bar", "--capacity", "10", "--area", "A", "--cup-cover-threshold", "0", NULL);

    o = ctl_json(f, "venue", "edit", "--venue", "2", "--capacity", "1200", "--authority",
                 "Kingsbridge", NULL);
    assert_int_equal(ctl_jint(o, "capacity"), 1200);
    assert_string_equal(ctl_jstr(o, "authority"), "Kingsbridge");
    assert_string_equal(ctl_jstr(o, "name"), "Velvet"); /* untouched */
    json_decref(o);
    ctl_expect_fail(f, 2, "nothing to change", "venue", "edit", "--venue", "2", NULL);
    ctl_expect_fail(f, 2, "--venue is required", "venue", "edit", "--capacity", "3", NULL);
    ctl_expect_fail(f, 1, "venue 9 not found", "venue", "edit", "--venue", "9", "--capacity", "3",
                    NULL);

    l = ctl_json_lines(f, "venue", "list", "--authority", "Kingsbridge", NULL);
    assert_int_equal(count_lines(l), 2);
    json_decref(l);
    l = ctl_json_lines(f, "venue", "list", "--category", "bar", NULL);
    assert_int_equal(count_lines(l), 1);
    assert_string_equal(ctl_jstr(json_array_get(l, 0), "name"), "Quay Bar");
    json_decref(l);
    l = ctl_json_lines(f, "venue", "list", "--area", "Quayside", NULL);
    assert_int_equal(count_lines(l), 2);
    json_decref(l);
    ctl_expect_fail(f, 1, "--category", "venue", "list", "--category", "casino", NULL);

    o = ctl_json(f, "venue", "close", "--venue", "1", NULL);
    assert_true(json_is_true(json_object_get(o, "closed")));
    assert_true(strlen(ctl_jstr(o, "closed_at")) == 20);
    json_decref(o);
    l = ctl_json_lines(f, "venue", "list", NULL);
    assert_int_equal(count_lines(l), 2); /* a closed venue drops out of the list ... */
    json_decref(l);
    l = ctl_json_lines(f, "venue", "list", "--closed", NULL);
    assert_int_equal(count_lines(l), 3); /* ... but its history stays */
    json_decref(l);
    ctl_expect_fail(f, 1, "already closed", "venue", "close", "--venue", "1", NULL);
    ctl_expect_fail(f, 1, "venue edit", "venue", "edit", "--venue", "1", "--capacity", "5", NULL);
}

static void test_lanternctl_admin__staff_edit_list_leave(void **state)
{
    struct ctl_fix *f = *state;
    char sia[11];
    char *png = ctl_path(f, "b.png");
    struct ctl_run r;
    json_t *o, *l, *badge;

    ctl_init(f);
    venue(f, "The Crown", "pub", "High Street", "Kingsbridge");
    venue(f, "Velvet", "nightclub", "Quayside", "Kingsbridge");
    json_decref(
        ctl_json(f, "staff", "add", "--venue", "1", "--name", "Sam Okafor", "--role", "bar", NULL));
    json_decref(
        ctl_json(f, "staff", "add", "--venue", "1", "--name", "Dee", "--role", "manager", NULL));

    /* becomes a door supervisor at Velvet, with a licence */
    ctl_exec(f, true, NULL, &r, "staff", "edit", "--staff", "1", "--role", "door", "--venue", "2",
             "--sia", "1234 5678 1234 5678", "--sia-expiry", ctl_date(500, sia), NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "reissue")); /* badges already printed do not change */
    o = json_loads(r.out, 0, NULL);
    assert_non_null(o);
    assert_string_equal(ctl_jstr(o, "role"), "door");
    assert_int_equal(ctl_jint(o, "venue_id"), 2);
    assert_string_equal(ctl_jstr(o, "sia_number"), "1234567812345678");
    assert_string_equal(ctl_jstr(o, "sia_expires"), sia);
    json_decref(o);
    ctl_run_release(&r);
    o = ctl_json(f, "staff", "edit", "--staff", "1", "--no-sia", NULL);
    assert_string_equal(ctl_jstr(o, "sia_number"), "");
    assert_true(json_is_null(json_object_get(o, "sia_expires")));
    json_decref(o);
    ctl_expect_fail(f, 2, "go together", "staff", "edit", "--staff", "1", "--sia",
                    "1234567812345678", NULL);
    ctl_expect_fail(f, 2, "nothing to change", "staff", "edit", "--staff", "1", NULL);
    ctl_expect_fail(f, 1, "--role", "staff", "edit", "--staff", "1", "--role", "bouncer", NULL);
    ctl_expect_fail(f, 1, "not found", "staff", "edit", "--staff", "1", "--venue", "77", NULL);
    ctl_expect_fail(f, 1, "not found", "staff", "edit", "--staff", "42", "--name", "X", NULL);

    l = ctl_json_lines(f, "staff", "list", "--venue", "1", NULL);
    assert_int_equal(count_lines(l), 1);
    assert_string_equal(ctl_jstr(json_array_get(l, 0), "name"), "Dee");
    json_decref(l);
    l = ctl_json_lines(f, "staff", "list", "--role", "door", NULL);
    assert_int_equal(count_lines(l), 1);
    json_decref(l);

    /* leaving revokes the badge the person holds */
    badge = ctl_json(f, "badge", "issue", "--staff", "1", "--png", png, NULL);
    o = ctl_json(f, "staff", "leave", "--staff", "1", NULL);
    assert_true(json_is_true(json_object_get(o, "left")));
    assert_int_equal(ctl_jint(o, "badges_revoked"), 1);
    json_decref(o);
    ctl_exec(f, true, NULL, &r, "badge", "verify", "--text", ctl_jstr(badge, "qr_text"), NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "\"revoked\""));
    ctl_run_release(&r);
    json_decref(badge);
    l = ctl_json_lines(f, "staff", "list", NULL);
    assert_int_equal(count_lines(l), 1);
    json_decref(l);
    l = ctl_json_lines(f, "staff", "list", "--all", NULL);
    assert_int_equal(count_lines(l), 2);
    json_decref(l);
    ctl_expect_fail(f, 1, "staff leave", "staff", "leave", "--staff", "1", NULL);
    ctl_expect_fail(f, 1, "venue 5 not found", "staff", "list", "--venue", "5", NULL);
    free(png);
}

static void test_lanternctl_admin__training_list(void **state)
{
    struct ctl_fix *f = *state;
    char old[11], recent[11], lapsed[11];
    json_t *l;

    ctl_init(f);
    venue(f, "The Crown", "pub", "High Street", "Kingsbridge");
    json_decref(
        ctl_json(f, "staff", "add", "--venue", "1", "--name", "Sam", "--role", "bar", NULL));
    json_decref(ctl_json(f, "training", "add", "--staff", "1", "--course", "wave", "--completed",
                         ctl_date(-700, old), NULL));
    json_decref(ctl_json(f, "training", "add", "--staff", "1", "--course", "wave", "--completed",
                         ctl_date(-20, recent), NULL));
    json_decref(ctl_json(f, "training", "add", "--staff", "1", "--course", "angela", "--completed",
                         old, "--expires", ctl_date(-5, lapsed), NULL));

    l = ctl_json_lines(f, "training", "list", "--staff", "1", NULL);
    assert_int_equal(count_lines(l), 2); /* the latest per course */
    for (size_t i = 0; i < 2; i++) {
        json_t *t = json_array_get(l, i);
        if (strcmp(ctl_jstr(t, "course"), "wave") == 0) {
            assert_string_equal(ctl_jstr(t, "completed"), recent);
            assert_true(json_is_true(json_object_get(t, "in_date")));
        } else {
            assert_string_equal(ctl_jstr(t, "expires"), lapsed);
            assert_true(json_is_false(json_object_get(t, "in_date")));
        }
    }
    json_decref(l);
    l = ctl_json_lines(f, "training", "list", "--staff", "1", "--history", NULL);
    assert_int_equal(count_lines(l), 3);
    json_decref(l);
    ctl_expect_fail(f, 1, "staff member 4 not found", "training", "list", "--staff", "4", NULL);
    ctl_expect_fail(f, 2, "--staff is required", "training", "list", NULL);
}

/* Training completed today on the London calendar is accepted at any hour (00:30 BST included). */
static void test_lanternctl_admin__training_completed_today_is_accepted(void **state)
{
    struct ctl_fix *f = *state;
    char today[11], tomorrow[11];
    json_t *l;

    ctl_date(0, today);
    ctl_date(1, tomorrow);
    ctl_init(f);
    venue(f, "The Crown", "pub", "High Street", "Kingsbridge");
    json_decref(
        ctl_json(f, "staff", "add", "--venue", "1", "--name", "Sam", "--role", "bar", NULL));
    json_decref(ctl_json(f, "training", "add", "--staff", "1", "--course", "wave", "--completed",
                         today, NULL));
    ctl_expect_fail(f, 1, "in the future", "training", "add", "--staff", "1", "--course", "angela",
                    "--completed", tomorrow, NULL);
    l = ctl_json_lines(f, "training", "list", "--staff", "1", NULL);
    assert_int_equal(count_lines(l), 1);
    assert_string_equal(ctl_jstr(json_array_get(l, 0), "completed"), today);
    assert_true(json_is_true(json_object_get(json_array_get(l, 0), "in_date")));
    json_decref(l);
}

static void test_lanternctl_admin__badge_list_and_revoke(void **state)
{
    struct ctl_fix *f = *state;
    char *png = ctl_path(f, "b.png");
    struct ctl_run r;
    json_t *a, *b, *l, *o;

    ctl_init(f);
    venue(f, "The Crown", "pub", "High Street", "Kingsbridge");
    json_decref(
        ctl_json(f, "staff", "add", "--venue", "1", "--name", "Sam", "--role", "bar", NULL));
    a = ctl_json(f, "badge", "issue", "--staff", "1", "--png", png, NULL);
    b = ctl_json(f, "badge", "issue", "--staff", "1", "--png", png, NULL);
    l = ctl_json_lines(f, "badge", "list", "--staff", "1", NULL);
    assert_int_equal(count_lines(l), 2);
    for (size_t i = 0; i < 2; i++) {
        json_t *x = json_array_get(l, i);
        bool first = strcmp(ctl_jstr(x, "serial"), ctl_jstr(a, "serial")) == 0;
        assert_string_equal(ctl_jstr(x, "status"), first ? "revoked" : "valid");
        if (first)
            assert_string_equal(ctl_jstr(x, "revoke_reason"), "reissued");
    }
    json_decref(l);

    o = ctl_json(f, "badge", "revoke", "--serial", ctl_jstr(b, "serial"), "--reason", "lost", NULL);
    assert_string_equal(ctl_jstr(o, "reason"), "lost");
    assert_true(ctl_jint(o, "revocation_version") >= 2);
    json_decref(o);
    ctl_exec(f, true, NULL, &r, "badge", "verify", "--text", ctl_jstr(b, "qr_text"), NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "\"revoked\""));
    ctl_run_release(&r);
    ctl_expect_fail(f, 1, "already revoked", "badge", "revoke", "--serial", ctl_jstr(b, "serial"),
                    NULL);
    ctl_expect_fail(f, 1, "--serial: expected 16 hex digits", "badge", "revoke", "--serial", "xyz",
                    NULL);
    ctl_expect_fail(f, 1, "not found", "badge", "revoke", "--serial", "0000000000000000", NULL);
    ctl_expect_fail(f, 1, "staff member 3 not found", "badge", "list", "--staff", "3", NULL);
    json_decref(a);
    json_decref(b);
    free(png);
}

static void test_lanternctl_admin__key_rotate_keeps_old_badges_valid(void **state)
{
    struct ctl_fix *f = *state;
    char *png = ctl_path(f, "b.png");
    json_t *before, *rot, *after, *shown, *keys, *v, *old_badge, *new_badge;

    ctl_init(f);
    venue(f, "The Crown", "pub", "High Street", "Kingsbridge");
    json_decref(
        ctl_json(f, "staff", "add", "--venue", "1", "--name", "Sam", "--role", "bar", NULL));
    json_decref(
        ctl_json(f, "staff", "add", "--venue", "1", "--name", "Ann", "--role", "bar", NULL));
    before = ctl_json(f, "key", "show", NULL);
    old_badge = ctl_json(f, "badge", "issue", "--staff", "1", "--png", png, NULL);

    rot = ctl_json(f, "key", "rotate", NULL);
    assert_string_equal(ctl_jstr(rot, "retired_kid"), ctl_jstr(before, "kid"));
    assert_string_not_equal(ctl_jstr(rot, "kid"), ctl_jstr(before, "kid"));

    shown = ctl_json(f, "key", "show", NULL);
    assert_string_equal(ctl_jstr(shown, "kid"), ctl_jstr(rot, "kid"));
    keys = json_object_get(shown, "keys");
    assert_int_equal(json_array_size(keys), 2); /* kiosks keep trusting the old key */
    for (size_t i = 0; i < 2; i++) {
        json_t *k = json_array_get(keys, i);
        bool current = strcmp(ctl_jstr(k, "kid"), ctl_jstr(rot, "kid")) == 0;
        assert_true(json_is_boolean(json_object_get(k, "current")));
        assert_int_equal(json_is_true(json_object_get(k, "current")), current);
        if (!current)
            assert_true(strlen(ctl_jstr(k, "trusted_until")) == 20);
    }

    /* the badge signed before still verifies; a new one is signed by the new key */
    v = ctl_json(f, "badge", "verify", "--text", ctl_jstr(old_badge, "qr_text"), NULL);
    assert_string_equal(ctl_jstr(v, "kid"), ctl_jstr(before, "kid"));
    json_decref(v);
    new_badge = ctl_json(f, "badge", "issue", "--staff", "2", "--png", png, NULL);
    v = ctl_json(f, "badge", "verify", "--text", ctl_jstr(new_badge, "qr_text"), NULL);
    assert_string_equal(ctl_jstr(v, "kid"), ctl_jstr(rot, "kid"));
    json_decref(v);
    after = ctl_json(f, "key", "rotate", NULL);
    json_decref(after);
    ctl_expect_fail(f, 2, "unexpected argument", "key", "rotate", "now", NULL);

    json_decref(before);
    json_decref(rot);
    json_decref(shown);
    json_decref(old_badge);
    json_decref(new_badge);
    free(png);
}

static void test_lanternctl_admin__kiosk_list_and_revoke(void **state)
{
    struct ctl_fix *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct lnt_kiosk k;
    struct lnt_event ev = {0};
    struct lnt_ingest_result res;
    uint8_t pk[LNT_SIGN_PK_LEN];
    json_t *o, *l;

    ctl_init(f);
    venue(f, "The Crown", "pub", "High Street", "Kingsbridge");
    venue(f, "Velvet", "nightclub", "Quayside", "Kingsbridge");
    o = ctl_json(f, "kiosk", "add", "--venue", "1", NULL);
    json_decref(ctl_json(f, "kiosk", "add", "--venue", "2", NULL));

    /* one kiosk enrols and reports */
    lnt_random(pk, sizeof pk);
    assert_int_equal(lnt_store_open(&s, f->db, err), LNT_OK);
    assert_int_equal(
        lnt_store_enroll_redeem(s, ctl_jstr(o, "enrollment_code"), pk, lnt_time_now(), &k, err),
        LNT_OK);
    ev.seq = 1;
    lnt_uuid4(ev.uuid);
    ev.type = LNT_EV_STOCK;
    ev.occurred_at = ev.recorded_at = lnt_time_now() - 60;
    lnt_str_copy(ev.u.stock.kind, sizeof ev.u.stock.kind, "count");
    ev.u.stock.quantity = 40;
    lnt_str_copy(ev.u.stock.staff_id, sizeof ev.u.stock.staff_id, "1");
    assert_int_equal(lnt_store_events_insert(s, k.id, lnt_time_now(), &ev, 1, &res, err), LNT_OK);
    lnt_store_free(s);
    json_decref(o);

    l = ctl_json_lines(f, "kiosk", "list", NULL);
    assert_int_equal(count_lines(l), 1); /* the second code was never redeemed: no kiosk yet */
    o = json_array_get(l, 0);
    assert_int_equal(ctl_jint(o, "venue_id"), 1);
    assert_int_equal(ctl_jint(o, "last_seq"), 1);
    assert_string_equal(ctl_jstr(o, "health"), "ok");
    json_decref(l);
    l = ctl_json_lines(f, "kiosk", "list", "--venue", "2", NULL);
    assert_int_equal(count_lines(l), 0);
    json_decref(l);

    char id[16];
    snprintf(id, sizeof id, "%lld", (long long)k.id);
    o = ctl_json(f, "kiosk", "revoke", "--kiosk", id, NULL);
    assert_true(json_is_true(json_object_get(o, "revoked")));
    assert_string_equal(ctl_jstr(o, "health"), "revoked");
    json_decref(o);
    ctl_expect_fail(f, 1, "already revoked", "kiosk", "revoke", "--kiosk", id, NULL);
    ctl_expect_fail(f, 1, "not found", "kiosk", "revoke", "--kiosk", "99", NULL);
    ctl_expect_fail(f, 2, "--kiosk is required", "kiosk", "revoke", NULL);

    /* a revoked kiosk's events are refused by the store */
    assert_int_equal(lnt_store_open(&s, f->db, err), LNT_OK);
    ev.seq = 2;
    lnt_uuid4(ev.uuid);
    assert_int_equal(lnt_store_events_insert(s, k.id, lnt_time_now(), &ev, 1, &res, err),
                     LNT_ERR_FORBIDDEN);
    lnt_store_free(s);
}

static void test_lanternctl_admin__help_lists_every_command(void **state)
{
    struct ctl_fix *f = *state;
    const char *want[] = {"venue edit",           "venue close", "staff leave", "training list",
                          "badge revoke",         "badge list",  "kiosk list",  "key rotate",
                          "officer add",          "token add",   "finding add", "export incidents",
                          "export door-register", "purge",       "backup --to", "audit list"};
    struct ctl_run r;

    ctl_exec(f, false, NULL, &r, "--help", NULL);
    assert_int_equal(r.status, 0);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (strstr(r.out, want[i]) == NULL)
            fail_msg("--help does not mention '%s'", want[i]);
    ctl_run_release(&r);
    ctl_expect_fail(f, 2, "unknown subcommand 'shred'", "kiosk", "shred", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lanternctl_admin__venue_add_edit_list_close, ctl_setup,
                                        ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_admin__staff_edit_list_leave, ctl_setup,
                                        ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_admin__training_list, ctl_setup,
                                        ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_admin__training_completed_today_is_accepted,
                                        ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_admin__badge_list_and_revoke, ctl_setup,
                                        ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_admin__key_rotate_keeps_old_badges_valid,
                                        ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_admin__kiosk_list_and_revoke, ctl_setup,
                                        ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_admin__help_lists_every_command, ctl_setup,
                                        ctl_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
