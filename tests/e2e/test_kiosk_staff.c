/*
 * test_kiosk_staff.c - what managers and volunteers do at the kiosk, played by the real
 * lantern-kiosk against a real lanternd on 127.0.0.1: a manager signing out someone who left,
 * bar staff handing out more cups than in stock, a volunteer's stepper tallies, street welfare
 * at a place synced from the server. What the server stored is then checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store.h"
#include "store_places.h"
#include "test_kiosk_town.h"

/* lanternctl --db DB ARGS... must succeed. */
static void ctl(struct town *t, const char *a, const char *b, const char *c, const char *d)
{
    const char *argv[] = {lnt_test_bin("lanternctl"), "--db", t->db, a, b, c, d, NULL};
    struct lnt_proc_result r;

    assert_int_equal(lnt_proc_run(argv, NULL, 30000, &r), 0);
    if (r.status != 0)
        fail_msg("lanternctl %s %s failed (%d): %s", a, b, r.status, r.err);
    lnt_proc_result_release(&r);
}

static struct lnt_store *open_store(struct town *t)
{
    struct lnt_store *s = NULL;
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_store_open(&s, t->db, err) != LNT_OK)
        fail_msg("store: %s", err);
    return s;
}

static void test_kiosk_staff__manager_signs_out_a_door_supervisor_who_left(void **state)
{
    struct town *t = *state;
    struct lnt_store *s;
    struct lnt_shift *sh = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    json_t *out;
    size_t n = 0;

    /* The door supervisor signs in and leaves without scanning; the manager, from the list of
     * who is on shift, signs them out. */
    town_play(t,
              "scan door.png\ntap Sign in\ntap Done\n"
              "scan bar.png\ntap Sign in\ntap Done\n"
              "scan manager.png\ntap More\ntap On shift now\n"
              "tap Aleksandra Kowalczyk-Brown*\ntap Sign them out\ntap Done\n",
              true);
    out = town_events_of(t, "sign_out");
    assert_int_equal(json_array_size(out), 1);
    assert_string_equal(town_str(json_array_get(out, 0), "staff_id"), t->staff[DOOR]);
    assert_string_equal(town_str(json_array_get(out, 0), "role"), "door");
    assert_string_equal(town_str(json_array_get(out, 0), "sia_number"), "1234567812345678");
    assert_string_equal(town_str(json_array_get(out, 0), "signed_out_by"), t->staff[MANAGER]);
    json_decref(out);

    /* The register line is closed, and says the manager closed it; bar staff stay on. */
    s = open_store(t);
    assert_int_equal(lnt_store_register_list(s, 1, 0, INT64_MAX / 2, 0, 100, &sh, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(sh[0].staff_id, t->staff[DOOR]);
    assert_true(sh[0].off_at != 0);
    assert_string_equal(sh[0].off_by, t->staff[MANAGER]);
    assert_string_equal(sh[1].staff_id, t->staff[BAR]);
    assert_int_equal(sh[1].off_at, 0);
    free(sh);
    lnt_store_free(s);
}

static void test_kiosk_staff__bar_staff_hand_out_more_cups_than_in_stock(void **state)
{
    struct town *t = *state;
    json_t *stock;

    /* 20 counted; 50 handed out is more than that, so the kiosk asks for a count: 4 left. */
    town_play(
        t,
        "scan bar.png\ntap More\ntap Cup covers\ntap Count on hand\ntype 20\ntap OK\ntap Done\n"
        "wait 5100\n"
        "scan bar.png\ntap More\ntap Cup covers\ntap Handed out\ntype 50\ntap OK\n"
        "type 4\ntap OK\ntap Done\n",
        true);
    stock = town_events_of(t, "stock");
    assert_int_equal(json_array_size(stock), 3);
    assert_string_equal(town_str(json_array_get(stock, 0), "kind"), "count");
    assert_int_equal(town_num(json_array_get(stock, 0), "quantity"), 20);
    assert_string_equal(town_str(json_array_get(stock, 1), "kind"), "handed_out");
    assert_int_equal(town_num(json_array_get(stock, 1), "quantity"), 50);
    assert_string_equal(town_str(json_array_get(stock, 2), "kind"), "count");
    assert_int_equal(town_num(json_array_get(stock, 2), "quantity"), 4);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(town_str(json_array_get(stock, i), "staff_id"), t->staff[BAR]);
    json_decref(stock);
}

static void test_kiosk_staff__volunteer_tallies_with_steppers(void **state)
{
    struct town *t = *state;
    json_t *end, *tallies;

    town_play(t,
              "scan volunteer.png\ntap Start shift\ntype 3\ntap OK\ntap Alpha\ntap On patrol\n"
              "tap Someone else leads\ntap Done\n"
              "wait 5100\n"
              "scan volunteer.png\ntap End shift\n"
              "tap + Water\ntap + Water\ntap + Water\ntap + Blankets\ntap - \ntap + First aid\n"
              "tap + Calmed\ntap + Calmed\ntap Next\ntap Back\ntap + Calmed\ntap Next\ntap Save\n"
              "tap Done\n",
              true);
    end = town_events_of(t, "shift_end");
    assert_int_equal(json_array_size(end), 1);
    assert_string_equal(town_str(json_array_get(end, 0), "call_sign"), "Alpha");
    tallies = json_object_get(json_array_get(end, 0), "tallies");
    assert_int_equal(town_num(tallies, "water"), 2); /* the first "-" took one back */
    assert_int_equal(town_num(tallies, "blankets"), 1);
    assert_int_equal(town_num(tallies, "first_aid"), 1);
    assert_int_equal(town_num(tallies, "calmed"), 3);
    assert_int_equal(town_num(tallies, "bottles"), 0);
    json_decref(end);
}

static void test_kiosk_staff__street_welfare_at_a_synced_place(void **state)
{
    struct town *t = *state;
    struct lnt_store *s;
    struct lnt_welfare_row *rows = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    json_t *w;
    size_t n = 0;

    ctl(t, "place", "add", "--name", "Castle Park");
    ctl(t, "place", "add", "--name", "Taxi rank, Market Street");
    /* Enrol; the run ends once its sign-in is sent, and every sync round refreshes (places
     * included) before it sends. Then, places known, log one. */
    town_play(t, "scan door.png\ntap Sign in\ntap Done\n", true);
    town_play(t,
              "scan volunteer.png\ntap Street welfare\ntap Castle Park\ntap Vulnerable, alone\n"
              "tap Safe space\ntap Done\n",
              false);
    w = town_events_of(t, "welfare");
    assert_int_equal(json_array_size(w), 1);
    assert_string_equal(town_str(json_array_get(w, 0), "place"), "Castle Park");
    assert_string_equal(town_str(json_array_get(w, 0), "what"), "vulnerable_alone");
    assert_string_equal(town_str(json_array_get(w, 0), "outcome"), "safe_space");
    assert_string_equal(town_str(json_array_get(w, 0), "staff_id"), t->staff[VOLUNTEER]);
    json_decref(w);

    /* Stored in the welfare log, where the hot-spot map will read it. */
    s = open_store(t);
    assert_int_equal(lnt_store_welfare_list(s, 0, INT64_MAX / 2, 0, 100, &rows, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].place, "Castle Park");
    assert_string_equal(rows[0].outcome, "safe_space");
    free(rows);
    lnt_store_free(s);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, town_setup, town_teardown)
    const struct CMUnitTest tests[] = {
        T(test_kiosk_staff__manager_signs_out_a_door_supervisor_who_left),
        T(test_kiosk_staff__bar_staff_hand_out_more_cups_than_in_stock),
        T(test_kiosk_staff__volunteer_tallies_with_steppers),
        T(test_kiosk_staff__street_welfare_at_a_synced_place),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
