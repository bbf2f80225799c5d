/*
 * test_kiosk_records.c - the incident records staff make on the kiosk (Ask for Angela, spiking,
 * other incidents), played by the real lantern-kiosk against a real lanternd on 127.0.0.1; what
 * the server stored is then read back as an officer would: the API (sealed details opened) and
 * the venue's case file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "ltime.h"
#include "officer_client.h"
#include "test_kiosk_town.h"

#define EMAIL "j.patel@westham.example"
#define PASSWORD "lamp posts at dusk 42"

struct records {
    struct town *town;
    char token[128]; /* an officer's API token, the whole scheme */
};

static int setup(void **state)
{
    struct records *rec = calloc(1, sizeof *rec);

    assert_non_null(rec);
    rec->town = town_new();
    town_start_server(rec->town);
    *state = rec;
    return 0;
}

static int teardown(void **state)
{
    struct records *rec = *state;

    town_free(rec->town);
    free(rec);
    return 0;
}

/* Taps in a replay script: lines that start "tap ". */
static int taps_in(const char *script)
{
    int n = 0;

    for (const char *p = script; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
        if (*p == '\n')
            p++;
        n += strncmp(p, "tap ", 4) == 0;
    }
    return n;
}

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("no string `%s`", key);
    return json_string_value(v);
}

static bool flag(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_boolean(v))
        fail_msg("no boolean `%s`", key);
    return json_is_true(v);
}

/* GET `path` of the API as an officer (a token for the whole scheme); the reply's JSON. */
static json_t *api(struct records *rec, const char *path)
{
    CURL *curl = lnt_test_officer_client();
    struct lnt_test_page page;
    json_t *j;

    if (rec->token[0] == '\0') {
        json_t *o = town_ctl(
            rec->town, NULL,
            (const char *[]){"token", "add", "--role", "officer", "--label", "licensing", NULL});
        snprintf(rec->token, sizeof rec->token, "%s", str(o, "token"));
        json_decref(o);
    }
    lnt_test_officer_http(curl, rec->town->url, path, NULL, rec->token, &page);
    if (page.status != 200)
        fail_msg("GET %s: %ld %s", path, page.status, page.body.data);
    j = json_loads(page.body.data, 0, NULL);
    assert_non_null(j);
    lnt_test_page_release(&page);
    curl_easy_cleanup(curl);
    return j;
}

/* The opened details of report `id`: {"details": ..., "parts": [...]} (decref it). */
static json_t *details_of(struct records *rec, const char *id)
{
    char path[128];

    snprintf(path, sizeof path, "/api/v1/incidents/%s/details", id);
    return api(rec, path);
}

/* answers.`key` of a part's (or the latest) details, or NULL. */
static json_t *answer(json_t *details, const char *key)
{
    return json_object_get(json_object_get(details, "answers"), key);
}

/* The case file of the town's venue as an officer signed in to the dashboard sees it. */
static char *case_file(struct records *rec)
{
    static const char *const add[] = {"officer",  "add",    "--email", EMAIL, "--name",
                                      "J. Patel", "--role", "officer", NULL};
    CURL *curl = lnt_test_officer_client();
    struct lnt_test_page page;
    char *html;
    json_t *list = api(rec, "/api/v1/venues"),
           *v = json_array_get(json_object_get(list, "venues"), 0);
    char path[64];

    assert_non_null(v);
    snprintf(path, sizeof path, "/venues/%lld",
             (long long)json_integer_value(json_object_get(v, "id")));
    json_decref(list);
    json_decref(town_ctl(rec->town, PASSWORD "\n" PASSWORD "\n", add));
    assert_int_equal(lnt_test_officer_login(curl, rec->town->url, EMAIL, PASSWORD, NULL, 0), 303);
    lnt_test_officer_http(curl, rec->town->url, path, NULL, NULL, &page);
    assert_int_equal(page.status, 200);
    html = strdup(page.body.data);
    assert_non_null(html);
    lnt_test_page_release(&page);
    curl_easy_cleanup(curl);
    return html;
}

/* The <tbody> of the case file's incident table (a pointer into `html`, cut after it). */
static const char *incident_rows(char *html)
{
    char *table = strstr(html, "id=\"incident-table\""), *end;

    assert_non_null(table);
    end = strstr(table, "</table>");
    assert_non_null(end);
    *end = '\0';
    return table;
}

static void test_kiosk_records__angela_in_three_taps(void **state)
{
    struct records *rec = *state;
    static const char script[] =
        "scan door.png\ntap Ask for Angela\ntap Bar\ntap Save, finish later\n";
    json_t *inc, *ev, *d;

    assert_int_equal(taps_in(script), 3); /* badge, then three taps */
    town_play(rec->town, script, true);
    inc = town_events_of(rec->town, "incident");
    assert_int_equal(json_array_size(inc), 1);
    ev = json_array_get(inc, 0);
    assert_string_equal(str(ev, "kind"), "angela");
    assert_string_equal(str(ev, "place"), "bar");
    assert_string_equal(str(ev, "outcome"), "");
    assert_false(flag(ev, "complete")); /* no outcome yet: open until one is given */
    d = details_of(rec, str(ev, "report_id"));
    assert_string_equal(json_string_value(answer(json_object_get(d, "details"), "place")), "bar");
    assert_null(answer(json_object_get(d, "details"), "outcome"));
    json_decref(d);
    json_decref(inc);
}

static void test_kiosk_records__angela_outcome_not_known_then_completed(void **state)
{
    struct records *rec = *state;
    json_t *inc, *first, *second, *d, *parts, *p0, *list;
    char path[96];
    char *html;

    town_play(rec->town,
              "scan door.png\ntap Ask for Angela\ntap More\ntap Outside the venue\ntap Yes\n"
              "tap A friend\ntap More\ntap Next\ntap No\ntap 15 min ago\ntype GREY HOODIE, CAP\n"
              "tap OK\ntap Not known yet\ntap Done\n",
              true);
    /* It waits under Open reports; someone else gives the outcome from there. */
    town_play(rec->town,
              "scan door2.png\ntap Open reports (1)\ntap Ask for Angela*\ntap Taxi or lift home\n"
              "tap Done\n",
              false);
    inc = town_events_of(rec->town, "incident");
    assert_int_equal(json_array_size(inc), 2);
    first = json_array_get(inc, 0);
    second = json_array_get(inc, 1);
    assert_string_equal(str(first, "report_id"), str(second, "report_id"));
    assert_string_equal(str(first, "outcome"), "not_known");
    assert_false(flag(first, "complete"));
    assert_true(flag(first, "police_called"));
    assert_string_equal(str(second, "outcome"), "taxi_home");
    assert_true(flag(second, "complete"));
    assert_true(flag(second, "police_called")); /* the first save's answer stands */
    assert_string_equal(str(second, "place"), "outside");
    assert_string_equal(str(second, "occurred_at"), str(first, "occurred_at"));

    /* What the officer reads: one report, complete, its two saves' sealed answers opened. */
    d = details_of(rec, str(first, "report_id"));
    assert_true(flag(d, "complete"));
    assert_string_equal(str(d, "outcome"), "taxi_home");
    parts = json_object_get(d, "parts");
    assert_int_equal(json_array_size(parts), 2);
    p0 = json_object_get(json_array_get(parts, 0), "details");
    assert_string_equal(json_string_value(answer(p0, "who_asked")), "friend");
    assert_string_equal(json_string_value(answer(p0, "police_called")), "yes");
    assert_string_equal(json_string_value(answer(p0, "ambulance")), "no");
    assert_string_equal(json_string_value(answer(p0, "concern_description")), "GREY HOODIE, CAP");
    assert_string_equal(json_string_value(answer(p0, "outcome")), "not_known");
    assert_string_equal(
        json_string_value(answer(json_object_get(json_array_get(parts, 1), "details"), "outcome")),
        "taxi_home");
    snprintf(path, sizeof path, "/api/v1/venues/%lld/incidents",
             (long long)json_integer_value(json_object_get(d, "venue_id")));
    json_decref(d);
    list = api(rec, path);
    assert_int_equal(json_array_size(json_object_get(list, "incidents")), 1);
    assert_true(flag(json_array_get(json_object_get(list, "incidents"), 0), "complete"));
    json_decref(list);
    json_decref(inc);

    /* The case file says it in the kiosk's words. */
    html = case_file(rec);
    {
        const char *rows = incident_rows(html);
        assert_non_null(strstr(rows, "Ask for Angela"));
        assert_non_null(strstr(rows, "Outside the venue"));
        assert_non_null(strstr(rows, "Taxi or lift home"));
        assert_null(strstr(rows, "taxi_home"));
    }
    free(html);
}

static void test_kiosk_records__spiking_with_an_unconscious_person(void **state)
{
    struct records *rec = *state;
    json_t *inc, *ev, *d, *a;
    int64_t occurred = 0, from = 0;

    /* Not responding: the ambulance is the next question, and not asked again later (a second
     * "Ambulance called?" would leave "Safe space" unfound and fail the replay). */
    town_play(rec->town,
              "scan door.png\ntap Spiking\ntap No\ntap Yes\ntap Now\ntap Dance floor\n"
              "tap More\ntap More\ntap Unconscious\ntap Next\ntap Next\n"
              "tap Yes\ntype CAD 9/26\ntap OK\ntap Skip\n"
              "tap Safe space\ntap First aid\ntap Next\ntap Not used\n"
              "tap Yes\ntype DF 1\ntap OK\ntap From 30 min before it\ntap Don't know\n"
              "tap Skip\ntap Skip\ntap Hospital\n",
              true);
    inc = town_events_of(rec->town, "incident");
    assert_int_equal(json_array_size(inc), 1);
    ev = json_array_get(inc, 0);
    assert_string_equal(str(ev, "kind"), "spiking");
    assert_string_equal(str(ev, "place"), "dance_floor");
    assert_string_equal(str(ev, "outcome"), "hospital");
    assert_true(flag(ev, "police_called"));
    assert_true(flag(ev, "complete"));
    d = details_of(rec, str(ev, "report_id"));
    a = json_object_get(d, "details");
    assert_string_equal(json_string_value(answer(a, "conscious")), "no");
    assert_string_equal(json_string_value(answer(a, "ambulance")), "yes");
    assert_string_equal(json_string_value(json_array_get(answer(a, "symptoms"), 0)), "unconscious");
    assert_string_equal(json_string_value(answer(a, "police_reference")), "CAD 9/26");
    assert_null(answer(a, "police_informed_at")); /* skipped: any typed time depends on the hour */
    assert_int_equal(json_array_size(answer(a, "welfare")), 2);
    assert_string_equal(json_string_value(answer(a, "staff_alerted")), "dont_know");
    /* The CCTV window counts back from when it happened. */
    assert_int_equal(lnt_time_parse(str(ev, "occurred_at"), &occurred), LNT_OK);
    assert_int_equal(lnt_time_parse(json_string_value(answer(a, "cctv_from")), &from), LNT_OK);
    assert_int_equal(from, occurred - 30 * 60);
    json_decref(d);
    json_decref(inc);
}

static void test_kiosk_records__other_incident_outside_the_venue(void **state)
{
    struct records *rec = *state;
    json_t *inc, *ev, *d;
    char *html;

    /* Police took over: "Police called?" is not asked, so the replay ends at the outcome. */
    town_play(rec->town,
              "scan bar.png\ntap Other incident\ntap More\ntap More\ntap Other\n"
              "type CAR ALARM, CROWD AT DOOR\ntap OK\ntap 3 Moderate*\ntap More\n"
              "tap Outside the venue\ntap Now\ntap Police took over\ntap Done\n",
              true);
    inc = town_events_of(rec->town, "incident");
    assert_int_equal(json_array_size(inc), 1);
    ev = json_array_get(inc, 0);
    assert_string_equal(str(ev, "kind"), "other");
    assert_int_equal(json_integer_value(json_object_get(ev, "severity")), 3);
    assert_string_equal(str(ev, "place"), "outside");
    assert_string_equal(str(ev, "outcome"), "police");
    assert_true(flag(ev, "police_called"));
    assert_true(flag(ev, "complete"));
    assert_null(strstr(str(ev, "sealed"), "ALARM"));
    d = details_of(rec, str(ev, "report_id"));
    assert_string_equal(
        json_string_value(answer(json_object_get(d, "details"), "other_description")),
        "CAR ALARM, CROWD AT DOOR");
    assert_null(answer(json_object_get(d, "details"), "police_called"));
    json_decref(d);
    json_decref(inc);

    html = case_file(rec);
    {
        const char *rows = incident_rows(html);
        assert_non_null(strstr(rows, "data-label=\"Type\">Other<"));
        assert_non_null(strstr(rows, "Outside the venue"));
        assert_non_null(strstr(rows, "Police took over"));
        assert_non_null(strstr(rows, "police called"));
    }
    free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kiosk_records__angela_in_three_taps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_records__angela_outcome_not_known_then_completed,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_records__spiking_with_an_unconscious_person,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_records__other_incident_outside_the_venue, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
