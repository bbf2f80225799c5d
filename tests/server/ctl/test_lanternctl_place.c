/* test_lanternctl_place.c - `lanternctl place add|edit|list|remove|record|correct|incidents`,
 * `venue edit --lat --lon` and `map image`, run as a real process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_lanternctl_run.h"

static void test_lanternctl_place__add_list_remove(void **state)
{
    struct ctl_fix *f = *state;
    json_t *o, *list;
    int64_t park;
    char id[24];

    ctl_init(f);
    o = ctl_json(f, "place", "add", "--name", "Castle Park", NULL);
    assert_string_equal(ctl_jstr(o, "name"), "Castle Park");
    park = ctl_jint(o, "id");
    json_decref(o);
    json_decref(ctl_json(f, "place", "add", "--name", "Taxi rank, High Street", NULL));

    list = ctl_json_lines(f, "place", "list", NULL);
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(ctl_jstr(json_array_get(list, 0), "name"), "Castle Park");
    assert_string_equal(ctl_jstr(json_array_get(list, 1), "name"), "Taxi rank, High Street");
    json_decref(list);

    /* Clear refusals: the same name again, no name, an unknown place. */
    ctl_expect_fail(f, 1, "exists already", "place", "add", "--name", "CASTLE PARK", NULL);
    ctl_expect_fail(f, 2, "--name is required", "place", "add", NULL);
    ctl_expect_fail(f, 1, "must not be empty", "place", "add", "--name", "", NULL);
    ctl_expect_fail(f, 1, "not found", "place", "remove", "--place", "999", NULL);

    snprintf(id, sizeof id, "%lld", (long long)park);
    o = ctl_json(f, "place", "remove", "--place", id, NULL);
    assert_true(json_is_true(json_object_get(o, "removed")));
    json_decref(o);
    list = ctl_json_lines(f, "place", "list", NULL);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);
}

static void test_lanternctl_place__kind_and_coordinates(void **state)
{
    struct ctl_fix *f = *state;
    json_t *o, *list;
    char id[24];

    ctl_init(f);
    o = ctl_json(f, "place", "add", "--name", "Station Taxi Rank", "--kind", "taxi rank", "--lat",
                 "51.4491", "--lon", "-2.5812", NULL);
    assert_string_equal(ctl_jstr(o, "kind"), "taxi_rank");
    assert_true(json_real_value(json_object_get(o, "lat")) > 51.449);
    snprintf(id, sizeof id, "%lld", (long long)ctl_jint(o, "id"));
    json_decref(o);
    /* A bad kind or a position off the globe is refused before anything is added. */
    ctl_expect_fail(f, 1, "place kind must be", "place", "add", "--name", "Car park", "--kind",
                    "car_park", NULL);
    ctl_expect_fail(f, 1, "latitude", "place", "add", "--name", "Nowhere", "--lat", "123", "--lon",
                    "0", NULL);
    ctl_expect_fail(f, 1, "both", "place", "add", "--name", "Half", "--lat", "51", NULL);
    list = ctl_json_lines(f, "place", "list", NULL);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);

    o = ctl_json(f, "place", "edit", "--place", id, "--kind", "transport_hub", "--authority",
                 "Kingsbridge", "--lat", "", "--lon", "", NULL);
    assert_string_equal(ctl_jstr(o, "kind"), "transport_hub");
    assert_true(json_is_null(json_object_get(o, "lat")));
    assert_string_equal(ctl_jstr(o, "authority"), "Kingsbridge");
    json_decref(o);
    ctl_expect_fail(f, 2, "nothing to change", "place", "edit", "--place", id, NULL);

    /* Venues take coordinates through venue edit. */
    o = ctl_json(f, "venue", "add", "--name", "The Anchor", "--category", "pub", "--capacity",
                 "120", "--area", "Harbourside", NULL);
    snprintf(id, sizeof id, "%lld", (long long)ctl_jint(o, "id"));
    json_decref(o);
    o = ctl_json(f, "venue", "edit", "--venue", id, "--lat", "51.4500", "--lon", "-2.5900", NULL);
    assert_true(json_real_value(json_object_get(o, "lon")) < -2.589);
    json_decref(o);
    ctl_expect_fail(f, 1, "longitude", "venue", "edit", "--venue", id, "--lat", "51", "--lon",
                    "-999", NULL);
}

#define PASSWORD "correct horse battery"

static void officer(struct ctl_fix *f, const char *email, const char *role, const char *authority)
{
    json_decref(ctl_json_in(f, PASSWORD "\n", "officer", "add", "--email", email, "--name", "Sgt",
                            "--role", role, "--authority", authority, NULL));
}

static void test_lanternctl_place__officer_incidents_recorded_corrected_scoped(void **state)
{
    struct ctl_fix *f = *state;
    json_t *o, *list;
    char id[24], rec[24];

    ctl_init(f);
    o = ctl_json(f, "place", "add", "--name", "Castle Park", "--kind", "park", "--authority",
                 "Kingsbridge", NULL);
    snprintf(id, sizeof id, "%lld", (long long)ctl_jint(o, "id"));
    json_decref(o);
    officer(f, "sgt@kingsbridge.example", "police", "Kingsbridge");
    officer(f, "sgt@elsewhere.example", "police", "Elsewhere");

    /* 01:30 on a Saturday is Friday's trading night. */
    o = ctl_json(f, "place", "record", "--place", id, "--at", "2026-11-28T01:30:00Z", "--kind",
                 "violence", "--note", "Fight by the bandstand", "--officer",
                 "sgt@kingsbridge.example", NULL);
    assert_string_equal(ctl_jstr(o, "night"), "2026-11-27");
    assert_string_equal(ctl_jstr(o, "recorded_by"), "sgt@kingsbridge.example");
    snprintf(rec, sizeof rec, "%lld", (long long)ctl_jint(o, "id"));
    json_decref(o);
    ctl_expect_fail(f, 1, "outside your authority", "place", "record", "--place", id, "--at",
                    "2026-11-28T01:30:00Z", "--kind", "theft", "--officer", "sgt@elsewhere.example",
                    NULL);
    ctl_expect_fail(f, 1, "--kind", "place", "record", "--place", id, "--at",
                    "2026-11-28T01:30:00Z", "--kind", "brawl", "--officer",
                    "sgt@kingsbridge.example", NULL);

    /* a correction says why */
    ctl_expect_fail(f, 2, "--reason", "place", "correct", "--incident", rec, "--at",
                    "2026-11-28T01:10:00Z", "--kind", "violence_injury", "--officer",
                    "sgt@kingsbridge.example", NULL);
    o = ctl_json(f, "place", "correct", "--incident", rec, "--reason", "One was hurt", "--at",
                 "2026-11-28T01:10:00Z", "--kind", "violence_injury", "--officer",
                 "sgt@kingsbridge.example", NULL);
    assert_int_equal(ctl_jint(o, "supersedes"), strtoll(rec, NULL, 10));
    assert_string_equal(ctl_jstr(o, "reason"), "One was hurt");
    json_decref(o);
    ctl_expect_fail(f, 1, "corrected already", "place", "correct", "--incident", rec, "--reason",
                    "Wrong kind", "--at", "2026-11-28T01:10:00Z", "--kind", "other", "--officer",
                    "sgt@kingsbridge.example", NULL);

    list = ctl_json_lines(f, "place", "incidents", NULL);
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(ctl_jstr(json_array_get(list, 0), "kind"), "violence_injury");
    json_decref(list);
    list = ctl_json_lines(f, "place", "incidents", "--all", NULL);
    assert_int_equal(json_array_size(list), 2); /* the superseded record is kept */
    json_decref(list);
    list = ctl_json_lines(f, "place", "incidents", "--authority", "Elsewhere", NULL);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
}

static void test_lanternctl_place__map_image_png_only_and_bounded(void **state)
{
    struct ctl_fix *f = *state;
    static const unsigned char png[33] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',
                                          0,    0,   0,   13,  'I',  'H',  'D',  'R',
                                          0,    0,   2,   0,   0,    0,    1,    0x80};
    char *good = ctl_path(f, "town.png"), *gif = ctl_path(f, "town.gif");
    FILE *fp;
    json_t *o;

    ctl_init(f);
    fp = fopen(good, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(png, 1, sizeof png, fp), sizeof png);
    fclose(fp);
    fp = fopen(gif, "wb");
    assert_non_null(fp);
    fputs("GIF89a not a map", fp);
    fclose(fp);

    ctl_expect_fail(f, 1, "PNG or JPEG", "map", "image", "--file", gif, "--lat1", "51.46", "--lon1",
                    "-2.60", "--lat2", "51.44", "--lon2", "-2.57", NULL);
    ctl_expect_fail(f, 1, "corners", "map", "image", "--file", good, "--lat1", "51.46", "--lon1",
                    "-2.60", "--lat2", "51.46", "--lon2", "-2.57", NULL);
    o = ctl_json(f, "map", "image", "--file", good, "--lat1", "51.44", "--lon1", "-2.57", "--lat2",
                 "51.46", "--lon2", "-2.60", NULL);
    assert_string_equal(ctl_jstr(o, "type"), "image/png");
    assert_int_equal(ctl_jint(o, "width"), 512);
    assert_int_equal(ctl_jint(o, "height"), 384);
    assert_true(json_real_value(json_object_get(o, "north")) > 51.459);
    json_decref(o);
    free(good);
    free(gif);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lanternctl_place__add_list_remove, ctl_setup,
                                        ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_place__kind_and_coordinates, ctl_setup,
                                        ctl_teardown),
        cmocka_unit_test_setup_teardown(
            test_lanternctl_place__officer_incidents_recorded_corrected_scoped, ctl_setup,
            ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_place__map_image_png_only_and_bounded,
                                        ctl_setup, ctl_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
