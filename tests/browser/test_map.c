/* test_map.c - the offline map and the Street page in real headless Chromium against a real
 * lanternd: the scheme admin registers a public place, puts a venue on the map and uploads a
 * picture of the town centre with its corners; a licensing officer records an incident in the
 * park and finds it on the map and in the Street list. The picture is drawn here with cairo. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <cmocka.h>

#include "buf.h"
#include "lanternd.h"
#include "officer_client.h"
#include "ltime.h"
#include "store.h"
#include "store_map.h"
#include "support.h"
#include "town.h"
#include "browser_session.h"
#include "webdriver.h"
#include "xmlcheck.h"

#define URL_MAX 512

static struct {
    char *dir, *db, *png;
    struct lnt_test_lanternd server;
    struct lnt_wd *wd;
    struct town town;
} g;

/* A small town-centre plan: a river, two streets, a park, the station. */
static void draw_town(const char *path)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 480, 360);
    cairo_t *cr = cairo_create(s);

    cairo_set_source_rgb(cr, 0.96, 0.95, 0.92);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0.62, 0.78, 0.90); /* the river */
    cairo_set_line_width(cr, 26);
    cairo_move_to(cr, 0, 300);
    cairo_curve_to(cr, 160, 250, 300, 340, 480, 280);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.70, 0.85, 0.65); /* the park */
    cairo_rectangle(cr, 300, 40, 140, 100);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 1, 1, 1); /* the streets */
    cairo_set_line_width(cr, 14);
    cairo_move_to(cr, 0, 180);
    cairo_line_to(cr, 480, 180);
    cairo_move_to(cr, 220, 0);
    cairo_line_to(cr, 220, 360);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.55, 0.55, 0.6); /* the station */
    cairo_rectangle(cr, 40, 60, 90, 50);
    cairo_fill(cr);
    assert_int_equal(cairo_surface_write_to_png(s, path), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

static int setup(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    browser_scratch(&g.dir, &g.db, "town.db");
    g.png = lnt_test_path(g.dir, "town-centre.png");
    draw_town(g.png);
    if (town_build(g.db, lnt_time_now(), &g.town, err) != LNT_OK)
        fail_msg("building the test town: %s", err);
    browser_start(&g.server, &g.wd, g.dir, g.db, NULL, TOWN_PASSWORD);
    assert_int_equal(lnt_wd_window_size(g.wd, 1280, 1000, err), LNT_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    browser_stop(&g.server, &g.wd, &g.dir, &g.db);
    free(g.png);
    return 0;
}

static void test_map__admin_uploads_officer_records_and_sees_it_on_the_map(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "", css[160], *json = NULL;
    (void)state;

    /* The scheme admin: a place in the register, a venue on the map, the picture. */
    browser_login(TOWN_ADMIN);
    go("/admin#places");
    type("#pn-new", "Castle Park");
    click("#pk-new option[value='park']");
    type("#plat-new", "51.4560");
    type("#plon-new", "-2.5880");
    click("#place-add button[type='submit']");
    assert_text_has("#places-done", "Saved");
    assert_text_has("#admin-places", "Castle Park");

    snprintf(css, sizeof css, "#vc-venue option[value='%lld']", (long long)g.town.crown);
    click(css);
    type("#vc-lat", "51.4540");
    type("#vc-lon", "-2.5930");
    click("#venue-coords button[type='submit']");
    assert_text_has("#places-done", "Saved");

    type("#mi-file", g.png);
    type("#mi-lat1", "51.4590");
    type("#mi-lon1", "-2.5960");
    type("#mi-lat2", "51.4500");
    type("#mi-lon2", "-2.5830");
    click("#map-image button[type='submit']");
    assert_text_has("#places-done", "Saved");
    assert_text_has("#map-image-now", "PNG image, 480 by 360 pixels");

    /* A licensing officer of Northtown records a fight in the park. */
    browser_login(TOWN_OFFICER);
    go("/street");
    click("#pi-place option:nth-child(1)");
    click("#pi-kind option[value='violence']");
    type("#pi-note", "Two men fighting by the bandstand");
    click("#place-incident button[type='submit']");
    assert_text_has("#street-done", "recorded");
    assert_text_has("#street-incidents", "Two men fighting by the bandstand");
    assert_text_has("#street-incidents", "Violence: no injury");
    assert_text_has("#street-places", "Castle Park");

    /* The map: the picture under a hot-spot layer, the park with its one record. */
    go("/map");
    assert_text_has("h1", "Map");
    assert_int_equal(count("#hotspot-map image"), 1);
    assert_int_equal(count("#hotspot-map g.spot.place[data-name='Castle Park'][data-count='1']"),
                     1);
    assert_int_equal(count("#hotspot-map g.spot.venue[data-name='The Crown']"), 1);
    assert_text_has("#map-points", "Castle Park");
    /* the picture came from the dashboard itself and drew */
    for (int tries = 0; tries < 50; tries++) {
        free(json);
        json = NULL;
        assert_int_equal(lnt_wd_execute(g.wd,
                                        "var i = new Image(); i.src = '/map/image'; "
                                        "return i.complete ? i.naturalWidth : 0;",
                                        &json, err),
                         LNT_OK);
        if (strcmp(json, "480") == 0)
            break;
        usleep(100 * 1000);
    }
    assert_string_equal(json, "480");
    free(json);

    /* Filtered from the lists: welfare only leaves the park's count at nothing. */
    go("/map?kind=welfare");
    assert_int_equal(count("#hotspot-map g.spot.place[data-name='Castle Park'][data-count='0']"),
                     1);
}

/* The Street page, the map and Admin are well-formed markup, with a venue whose name is markup
 * escaped in the SVG's labels and titles. */
static void test_map__pages_are_well_formed_with_any_names(void **state)
{
    static const char *const paths[] = {"/street", "/map", "/map?kind=welfare", "/admin"};
    CURL *c = lnt_test_officer_client();
    struct lnt_test_page r;
    char csrf[128], body[256];
    (void)state;

    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_ADMIN, TOWN_PASSWORD, NULL, 0),
                     303);
    lnt_test_officer_http(c, g.server.base, "/admin", NULL, NULL, &r);
    lnt_test_csrf_of(r.body.data, csrf, sizeof csrf);
    lnt_test_page_release(&r);
    snprintf(body, sizeof body, "csrf=%s&venue=%lld&lat=51.4520&lon=-2.5900", csrf,
             (long long)g.town.anchor);
    lnt_test_officer_http(c, g.server.base, "/admin/venue-coords", body, NULL, &r);
    assert_int_equal(r.status, 303);
    lnt_test_page_release(&r);
    /* a position off the globe is refused with a reason */
    snprintf(body, sizeof body, "csrf=%s&venue=%lld&lat=95&lon=-2.5900", csrf,
             (long long)g.town.anchor);
    lnt_test_officer_http(c, g.server.base, "/admin/venue-coords", body, NULL, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body.data, "latitude"));
    lnt_test_page_release(&r);

    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        char why[200] = "";
        lnt_test_officer_http(c, g.server.base, paths[i], NULL, NULL, &r);
        if (r.status != 200)
            fail_msg("%s: status %ld: %.400s", paths[i], r.status, r.body.data);
        if (!lnt_xml_check(r.body.data, why, sizeof why))
            fail_msg("%s is not well-formed: %s", paths[i], why);
        assert_null(strstr(r.body.data, "<Anchor>"));
        if (strncmp(paths[i], "/map", 4) == 0)
            assert_non_null(
                strstr(r.body.data, "data-name=\"The &lt;Anchor&gt; &amp; &quot;Co&quot;\""));
        lnt_test_page_release(&r);
    }
    curl_easy_cleanup(c);
}

/* The value the page's script `body` returns, as JSON text (the caller frees). */
static char *run(const char *body)
{
    char err[LNT_ERRBUF_SIZE] = "", *out = NULL;
    if (lnt_wd_execute(g.wd, body, &out, err) != LNT_OK)
        fail_msg("script: %s", err);
    return out;
}

/* The licensing officer corrects the record of the fight from the Street page, saying why; the
 * old version stays in the history. Southvale's officer sees neither the record nor a link to
 * it, and is refused at its address. */
static void test_map__officer_corrects_a_street_record_with_a_reason(void **state)
{
    char *json, url[160];
    (void)state;

    browser_login(TOWN_OFFICER);
    go("/street");
    assert_text_has("#street-incidents", "Two men fighting by the bandstand");
    assert_int_equal(count("#street-incidents a.correct"), 1);
    json = run("return document.querySelector('#street-incidents a.correct')"
               ".getAttribute('aria-label');");
    assert_non_null(strstr(json, "Correct the record of "));
    assert_non_null(strstr(json, " at Castle Park"));
    free(json);
    json = run("return document.querySelector('#street-incidents a.correct').getAttribute('href')"
               ".replace('#correct', '');");
    snprintf(url, sizeof url, "%.*s", (int)strlen(json) - 2, json + 1);
    free(json);
    click("#street-incidents a.correct");
    /* the form holds the record as it is */
    assert_text_has("#pc-h", "Correct this record");
    json = run("return document.querySelector('#pc-note').value + '|' + "
               "document.querySelector('#pc-kind').value;");
    assert_string_equal(json, "\"Two men fighting by the bandstand|violence\"");
    free(json);
    click("#pc-kind option[value='violence_injury']");
    type("#pc-reason", "One of them was cut: seen at the hospital");
    click("#place-correct button[type='submit']");
    assert_text_has("#record-done", "correction was recorded");
    assert_text_has("#record-history tr.superseded", "Violence: no injury");
    assert_text_has("#record-history tr.superseded", "Superseded by version 2");
    assert_text_has("#record-history tr.current", "One of them was cut: seen at the hospital");
    assert_text_has("#record-history tr.current", TOWN_OFFICER);
    go("/street");
    assert_text_has("#street-incidents", "(corrected)");

    /* Southvale: no record, no link; its address refused */
    browser_login(TOWN_SOUTH);
    go("/street");
    assert_int_equal(count("#street-incidents a[href^='/street/records/']"), 0);
    go(url);
    assert_text_has("h1", "Not allowed");
    assert_int_equal(count("#place-correct"), 0);
}

/* Eight venues a few metres apart: in the browser's own rendering, with its real fonts, no
 * label covers another label or any marker. */
static void test_map__labels_of_close_venues_stay_clear_in_the_browser(void **state)
{
    static const char *const names[8] = {"Cluster One",   "Cluster Two",  "Cluster Three",
                                         "Cluster Four",  "Cluster Five", "Cluster Six",
                                         "Cluster Seven", "Cluster Eight"};
    char err[LNT_ERRBUF_SIZE] = "", *json;
    struct lnt_store *s = NULL;
    (void)state;

    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    for (int i = 0; i < 8; i++) {
        struct lnt_venue v;
        struct lnt_geo geo = {true, 51.4545 + (i % 3) * 0.00002, -2.5900 + (i / 3) * 0.00002};
        memset(&v, 0, sizeof v);
        lnt_str_copy(v.name, sizeof v.name, names[i]);
        v.category = LNT_VENUE_BAR;
        v.capacity = 150;
        lnt_str_copy(v.area, sizeof v.area, "Riverside");
        lnt_str_copy(v.authority, sizeof v.authority, "Northtown");
        assert_int_equal(lnt_store_venue_add(s, &v, err), LNT_OK);
        assert_int_equal(lnt_store_venue_geo_set(s, v.id, &geo, lnt_time_now(), err), LNT_OK);
    }
    lnt_store_free(s);
    browser_login(TOWN_ADMIN);
    go("/map");
    assert_int_equal(count("#hotspot-map g.spot[data-name^='Cluster']"), 8);
    json = run("var svg = document.querySelector('#hotspot-map');"
               "var box = function (e) { var b = e.getBBox(); return [b.x, b.y, b.width, "
               "b.height]; };"
               "var hit = function (a, b) { return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && "
               "a[1] < b[1] + b[3] && b[1] < a[1] + a[3]; };"
               "var labels = Array.from(svg.querySelectorAll('text.spot-label, text.spot-key'))"
               ".map(box);"
               "var marks = Array.from(svg.querySelectorAll('g.spot > rect, g.spot > circle'))"
               ".map(box);"
               "var bad = [];"
               "for (var i = 0; i < labels.length; i++) {"
               "  for (var j = i + 1; j < labels.length; j++) if (hit(labels[i], labels[j])) "
               "    bad.push('labels ' + i + ' ' + j);"
               "  for (var k = 0; k < marks.length; k++) if (hit(labels[i], marks[k])) "
               "    bad.push('label ' + i + ' marker ' + k);"
               "}"
               "return labels.length + ':' + bad.join(',');");
    /* every spot is named on the map (none had to go to the key) and nothing overlaps */
    assert_string_equal(json, "\"11:\"");
    free(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map__admin_uploads_officer_records_and_sees_it_on_the_map),
        cmocka_unit_test(test_map__pages_are_well_formed_with_any_names),
        cmocka_unit_test(test_map__officer_corrects_a_street_record_with_a_reason),
        cmocka_unit_test(test_map__labels_of_close_venues_stay_clear_in_the_browser),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
