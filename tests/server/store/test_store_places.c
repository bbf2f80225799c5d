/* test_store_places.c - the town's named public places, the street welfare log derived from
 * welfare events, and a manager's sign-out on the register. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "codec.h"
#include "store.h"
#include "store_places.h"
#include "test_store_fixture.h"

#define H 3600
#define SERIAL_A "a1b2c3d4e5f60718"

static void test_store_places__add_list_remove_with_clear_refusals(void **state)
{
    struct sf *f = *state;
    struct lnt_place *list = NULL;
    char err[LNT_ERRBUF_SIZE] = "", name[24];
    int64_t park = 0, street = 0, id = 0;
    size_t n = 0;

    assert_int_equal(lnt_store_place_add(f->s, "Market Street", SF_T0, &street, err), LNT_OK);
    assert_int_equal(lnt_store_place_add(f->s, "Castle Park", SF_T0, &park, err), LNT_OK);
    /* One name, one place: case does not make a second one. */
    assert_int_equal(lnt_store_place_add(f->s, "castle park", SF_T0, &id, err), LNT_ERR_EXISTS);
    assert_non_null(strstr(err, "castle park"));
    assert_int_equal(lnt_store_place_add(f->s, "", SF_T0, &id, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_store_place_add(f->s, " Taxi rank", SF_T0, &id, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_store_place_add(f->s, "Bus\nstation", SF_T0, &id, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_store_place_add(f->s, "A very long name for a place, longer than a button",
                                         SF_T0, &id, err),
                     LNT_ERR_TOO_LARGE);

    assert_int_equal(lnt_store_place_list(f->s, &list, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].name, "Castle Park"); /* by name */
    assert_int_equal(list[0].id, park);
    assert_string_equal(list[1].name, "Market Street");
    free(list);

    assert_int_equal(lnt_store_place_remove(f->s, park, err), LNT_OK);
    assert_int_equal(lnt_store_place_remove(f->s, park, err), LNT_ERR_NOT_FOUND);
    assert_int_equal(lnt_store_place_list(f->s, &list, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    free(list);

    /* As many as a kiosk can offer, then a clear no. */
    for (int i = 1; i < LNT_PLACES_MAX; i++) {
        snprintf(name, sizeof name, "Place %d", i);
        assert_int_equal(lnt_store_place_add(f->s, name, SF_T0, &id, err), LNT_OK);
    }
    assert_int_equal(lnt_store_place_add(f->s, "One too many", SF_T0, &id, err), LNT_ERR_TOO_LARGE);
    assert_non_null(strstr(err, "remove one"));
}

static struct lnt_event welfare(int64_t seq, int64_t at, const char *place, const char *what,
                                const char *outcome)
{
    struct lnt_event e;

    memset(&e, 0, sizeof e);
    e.seq = seq;
    e.type = LNT_EV_WELFARE;
    e.occurred_at = at;
    e.recorded_at = at + 30;
    lnt_uuid4(e.uuid);
    lnt_str_copy(e.u.welfare.staff_id, sizeof e.u.welfare.staff_id, "900");
    lnt_str_copy(e.u.welfare.place, sizeof e.u.welfare.place, place);
    lnt_str_copy(e.u.welfare.what, sizeof e.u.welfare.what, what);
    lnt_str_copy(e.u.welfare.outcome, sizeof e.u.welfare.outcome, outcome);
    return e;
}

static void test_store_places__welfare_events_are_logged_by_place_and_time(void **state)
{
    struct sf *f = *state;
    int64_t hub = sf_venue(f->s, "Safe Haven", LNT_VENUE_HUB, "Centre", "Westham");
    int64_t k = sf_kiosk(f->s, hub);
    struct lnt_welfare_row *rows = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    struct lnt_event ev[] = {
        welfare(1, SF_T0 + 2 * H, "Castle Park", "intoxicated", "taxi"),
        welfare(2, SF_T0 + 3 * H, "Market Street", "vulnerable_alone", "safe_space"),
        welfare(3, SF_T0 + 30 * H, "Castle Park", "injured", "ambulance"),
    };

    sf_insert(f->s, k, SF_T0 + 31 * H, ev, 3);
    assert_int_equal(lnt_store_welfare_list(f->s, SF_T0, SF_T0 + 24 * H, 0, 100, &rows, &n, err),
                     LNT_OK);
    assert_int_equal(n, 2); /* the third is the next night */
    assert_int_equal(rows[0].occurred_at, SF_T0 + 2 * H);
    assert_int_equal(rows[0].venue_id, hub);
    assert_int_equal(rows[0].kiosk_id, k);
    assert_string_equal(rows[0].staff_id, "900");
    assert_string_equal(rows[0].place, "Castle Park");
    assert_string_equal(rows[0].what, "intoxicated");
    assert_string_equal(rows[0].outcome, "taxi");
    assert_string_equal(rows[1].place, "Market Street");
    assert_string_equal(rows[1].outcome, "safe_space");
    free(rows);

    /* Sent again, it is a duplicate: logged once. */
    sf_insert(f->s, k, SF_T0 + 32 * H, ev, 1);
    assert_int_equal(lnt_store_welfare_list(f->s, 0, SF_T0 + 100 * H, 1, 100, &rows, &n, err),
                     LNT_OK);
    assert_int_equal(n, 2); /* offset 1 of 3 */
    assert_string_equal(rows[0].place, "Market Street");
    free(rows);
}

static void test_store_places__manager_sign_out_is_on_the_register(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    int64_t k = sf_kiosk(f->s, v);
    int64_t door = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    int64_t mgr = sf_staff(f->s, v, "Jo Manager", LNT_ROLE_MANAGER);
    struct lnt_shift *sh = NULL;
    char err[LNT_ERRBUF_SIZE] = "", by[24];
    size_t n = 0;
    struct lnt_event ev[] = {
        sf_badge(1, LNT_EV_SIGN_IN, SF_T0, door, SERIAL_A, LNT_ROLE_DOOR),
        sf_badge(2, LNT_EV_SIGN_OUT, SF_T0 + 5 * H, door, SERIAL_A, LNT_ROLE_DOOR),
        sf_badge(3, LNT_EV_SIGN_IN, SF_T0 + 20 * H, door, SERIAL_A, LNT_ROLE_DOOR),
        sf_badge(4, LNT_EV_SIGN_OUT, SF_T0 + 26 * H, door, SERIAL_A, LNT_ROLE_DOOR),
    };

    snprintf(by, sizeof by, "%lld", (long long)mgr);
    lnt_str_copy(ev[1].u.badge.signed_out_by, sizeof ev[1].u.badge.signed_out_by, by);
    sf_insert(f->s, k, SF_T0 + 27 * H, ev, 4);
    assert_int_equal(
        lnt_store_register_list(f->s, v, SF_T0 - H, SF_T0 + 48 * H, 0, 100, &sh, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(sh[0].off_at, SF_T0 + 5 * H);
    assert_string_equal(sh[0].off_by, by); /* the manager did it */
    assert_int_equal(sh[1].off_at, SF_T0 + 26 * H);
    assert_string_equal(sh[1].off_by, ""); /* they scanned out themselves */
    free(sh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_places__add_list_remove_with_clear_refusals,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_places__welfare_events_are_logged_by_place_and_time, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_places__manager_sign_out_is_on_the_register,
                                        sf_setup, sf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
