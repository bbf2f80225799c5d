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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map__admin_uploads_officer_records_and_sees_it_on_the_map),
        cmocka_unit_test(test_map__pages_are_well_formed_with_any_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
