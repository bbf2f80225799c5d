/* test_web_svg.c - the dashboard's SVG charts: well-formed, every cell and label present, escaped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "browser/xmlcheck.h"
#include "svg.h"

static struct lnt_buf b;
static struct lnt_html h;

static int setup(void **state)
{
    (void)state;
    lnt_buf_init(&b, 1 << 20);
    lnt_html_init(&h, &b);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lnt_buf_release(&b);
    return 0;
}

static void assert_well_formed(const char *s)
{
    char why[200] = "";
    if (!lnt_xml_check(s, why, sizeof why))
        fail_msg("not well-formed: %s", why);
}

static void test_web_svg__heatmap_has_168_cells_labels_and_legend(void **state)
{
    static struct lnt_svg_heatmap m = {
        .id = "hm", .title = "Incidents: <Riverside & Co>", .unit = "incidents"};
    (void)state;
    memset(m.counts, 0, sizeof m.counts);
    m.counts[4][23] = 10; /* Friday 23:00 */
    m.counts[5][1] = 4;   /* Saturday 01:00 */
    m.counts[0][12] = 1;
    lnt_svg_heatmap(&h, &m);
    assert_int_equal(h.err, LNT_OK);
    assert_well_formed(b.data);
    assert_int_equal(lnt_count(b.data, "<g class=\"cell\""), 168);
    assert_non_null(strstr(b.data, "Incidents: &lt;Riverside &amp; Co&gt;"));
    assert_non_null(strstr(b.data, "<title>Friday 23:00-23:59: 10 incidents</title>"));
    assert_non_null(strstr(b.data, "<title>Saturday 01:00-01:59: 4 incidents</title>"));
    assert_non_null(strstr(b.data, "role=\"img\""));
    for (int d = 0; d < 7; d++) {
        static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
        char want[32];
        snprintf(want, sizeof want, ">%s</text>", days[d]);
        assert_non_null(strstr(b.data, want));
    }
    assert_non_null(strstr(b.data, ">00</text>"));
    assert_non_null(strstr(b.data, ">23</text>"));
    assert_non_null(strstr(b.data, "hour of the day"));
    /* the busiest cell is in the darkest class and shows its number */
    assert_non_null(strstr(b.data, "data-day=\"4\" data-hour=\"23\" data-count=\"10\""));
    assert_non_null(
        strstr(b.data, "fill=\"#440154\"/><text x=\"659\" y=\"142\" fill=\"#ffffff\">10</text>"));
    /* legend names the ranges */
    assert_non_null(strstr(b.data, ">none</text>"));
    assert_non_null(strstr(b.data, ">9-10</text>"));
}

static void test_web_svg__heat_classes_span_the_range(void **state)
{
    (void)state;
    assert_int_equal(lnt_svg_heat_class(0, 10), 0);
    assert_int_equal(lnt_svg_heat_class(1, 10), 1);
    assert_int_equal(lnt_svg_heat_class(2, 10), 1);
    assert_int_equal(lnt_svg_heat_class(3, 10), 2);
    assert_int_equal(lnt_svg_heat_class(10, 10), 5);
    assert_int_equal(lnt_svg_heat_class(1, 1), 5);
    assert_int_equal(lnt_svg_heat_class(-3, 10), 0);
    assert_int_equal(lnt_svg_heat_class(5, 0), 0);
}

static void test_web_svg__empty_heatmap_is_still_well_formed(void **state)
{
    static struct lnt_svg_heatmap m = {.id = "e", .title = "Nothing", .unit = "incidents"};
    (void)state;
    lnt_svg_heatmap(&h, &m);
    assert_int_equal(h.err, LNT_OK);
    assert_well_formed(b.data);
    assert_int_equal(lnt_count(b.data, "<g class=\"cell\""), 168);
    assert_int_equal(lnt_count(b.data, "#440154"), 0);
    assert_non_null(strstr(b.data, "0 incidents in all"));
}

static void test_web_svg__lines_have_a_point_per_month_and_a_legend(void **state)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr"};
    static const double violence[] = {3, 5, 2, 8};
    static const double spiking[] = {1, 0, 1, 2};
    const struct lnt_svg_series series[] = {{"violence", violence}, {"spiking <drink>", spiking}};
    struct lnt_svg_lines c = {.id = "tr",
                              .title = "Monthly incidents",
                              .y_label = "incidents per month",
                              .n_points = 4,
                              .x_labels = months,
                              .series = series,
                              .n_series = 2};
    (void)state;
    lnt_svg_lines(&h, &c);
    assert_int_equal(h.err, LNT_OK);
    assert_well_formed(b.data);
    assert_int_equal(lnt_count(b.data, "<g class=\"point\">"), 8);
    assert_non_null(strstr(b.data, "<title>Apr, violence: 8</title>"));
    assert_non_null(strstr(b.data, "spiking &lt;drink&gt;"));
    assert_non_null(strstr(b.data, ">incidents per month</text>"));
    assert_non_null(strstr(b.data, "stroke-dasharray=\"7 4\"")); /* second series is dashed */
}

static void test_web_svg__lines_cap_series_and_points(void **state)
{
    static const char *labels[LNT_SVG_POINTS_MAX + 5];
    static double vals[LNT_SVG_POINTS_MAX + 5];
    struct lnt_svg_series series[LNT_SVG_SERIES_MAX + 2];
    struct lnt_svg_lines c = {.id = "cap",
                              .title = "t",
                              .y_label = "y",
                              .n_points = LNT_SVG_POINTS_MAX + 5,
                              .x_labels = labels,
                              .series = series,
                              .n_series = LNT_SVG_SERIES_MAX + 2};
    (void)state;
    for (size_t i = 0; i < LNT_SVG_POINTS_MAX + 5; i++) {
        labels[i] = "m";
        vals[i] = (double)i;
    }
    for (size_t s = 0; s < LNT_SVG_SERIES_MAX + 2; s++)
        series[s] = (struct lnt_svg_series){"s", vals};
    lnt_svg_lines(&h, &c);
    assert_int_equal(h.err, LNT_OK);
    assert_well_formed(b.data);
    assert_int_equal(lnt_count(b.data, "<g class=\"point\">"),
                     LNT_SVG_SERIES_MAX * LNT_SVG_POINTS_MAX);
}

static void test_web_svg__bars_show_values_and_cut_long_labels(void **state)
{
    const struct lnt_svg_bar bars[] = {
        {"Riverside", 12},
        {"High Street & Market Square, the long way round", 3.5},
        {"<none>", 0},
    };
    (void)state;
    lnt_svg_bars(&h, "areas", "Areas by risk", "points", bars, 3);
    assert_int_equal(h.err, LNT_OK);
    assert_well_formed(b.data);
    assert_int_equal(lnt_count(b.data, "<g class=\"bar\">"), 3);
    assert_non_null(strstr(b.data, "<title>Riverside: 12 points</title>"));
    assert_non_null(strstr(b.data, ">12</text>"));
    assert_non_null(strstr(b.data, ">3.5</text>"));
    assert_non_null(strstr(b.data, "High Street &amp; Market Squ\xe2\x80\xa6</text>"));
    assert_non_null(strstr(b.data, "&lt;none&gt;"));
    /* the largest bar is the full width */
    assert_non_null(strstr(b.data, "width=\"300.0\""));
}

static void test_web_svg__bars_carry_a_text_description(void **state)
{
    const struct lnt_svg_bar bars[] = {{"Riverside", 12}, {"Old Town", 3.5}, {"<Quay>", 20}};
    const struct lnt_svg_bar none[] = {{"Jan 2026", 0}, {"Feb 2026", 0}};
    (void)state;
    lnt_svg_bars(&h, "areas", "Areas by risk", "points", bars, 3);
    assert_int_equal(h.err, LNT_OK);
    assert_well_formed(b.data);
    /* the chart says in words what a sighted reader sees: how many, how much, which is largest */
    assert_non_null(strstr(b.data, "<desc>3 bars, 35.5 points in all; the largest is &lt;Quay&gt; "
                                   "with 20.</desc>"));
    lnt_buf_reset(&b);
    lnt_html_init(&h, &b);
    lnt_svg_bars(&h, "vol-hours", "Volunteer hours", "person-hours", none, 2);
    assert_int_equal(h.err, LNT_OK);
    assert_non_null(strstr(b.data, "<desc>No person-hours in any of the 2 bars.</desc>"));
}

/* ---- the hot-spot map's labels ---- */

static const char *const cluster_names[8] = {"The Anchor",   "Velvet",       "The White Hart",
                                             "Quayside Bar", "Copper Rooms", "Tap & Barrel",
                                             "The Gin Room", "Neon Lounge"};

/* Eight venues within a few metres of each other (a pixel or two apart on a town-centre map),
 * with two more nearby and markers of every size. */
static size_t cluster(struct lnt_svg_label_in *in)
{
    for (size_t i = 0; i < 8; i++) {
        in[i].x = 480 + (double)(i % 3) * 1.5;
        in[i].y = 300 + (double)(i / 3) * 1.5;
        in[i].r = 5 + (double)(i * 37 % 21);
        in[i].chars = strlen(cluster_names[i]);
    }
    in[8] = (struct lnt_svg_label_in){530, 300, 12, 11};
    in[9] = (struct lnt_svg_label_in){480, 340, 5, 17};
    return 10;
}

static struct lnt_svg_box marker_box(const struct lnt_svg_label_in *m)
{
    return (struct lnt_svg_box){m->x - m->r, m->y - m->r, 2 * m->r, 2 * m->r};
}

/* No placed label overlaps another or any marker, and each stays on the w by h map. */
static void assert_labels_clear(const struct lnt_svg_label_in *in,
                                const struct lnt_svg_label_out *out, size_t n, double w, double ht)
{
    for (size_t i = 0; i < n; i++) {
        if (out[i].box.w <= 0)
            continue;
        assert_true(out[i].box.x >= 0 && out[i].box.y >= 0);
        assert_true(out[i].box.x + out[i].box.w <= w && out[i].box.y + out[i].box.h <= ht);
        for (size_t j = 0; j < n; j++) {
            struct lnt_svg_box m = marker_box(&in[j]);
            if (lnt_svg_box_overlap(&out[i].box, &m))
                fail_msg("label %zu covers marker %zu", i, j);
            if (j != i && out[j].box.w > 0 && lnt_svg_box_overlap(&out[i].box, &out[j].box))
                fail_msg("labels %zu and %zu overlap", i, j);
        }
    }
}

static void test_web_svg__map_labels_of_a_tight_cluster_never_overlap(void **state)
{
    struct lnt_svg_label_in in[10];
    struct lnt_svg_label_out out[10], again[10];
    size_t n = cluster(in), beside = 0, leader = 0;
    (void)state;

    lnt_svg_labels_place(in, n, 13, 1000, 750, out);
    assert_labels_clear(in, out, n, 1000, 750);
    for (size_t i = 0; i < n; i++) {
        /* on a map this size every name finds room: none is reduced to a number */
        assert_int_not_equal(out[i].how, LNT_SVG_LABEL_KEYED);
        assert_true(out[i].box.w >= lnt_svg_label_width(in[i].chars, 13));
        beside += out[i].how <= LNT_SVG_LABEL_BELOW;
        leader += out[i].how == LNT_SVG_LABEL_LEADER;
        if (out[i].how == LNT_SVG_LABEL_LEADER) {
            /* the line starts on its own marker's edge and ends on its label's box */
            assert_true(fabs(hypot(out[i].line_x1 - in[i].x, out[i].line_y1 - in[i].y) - in[i].r) <
                        0.01);
            assert_true(out[i].line_x2 >= out[i].box.x - 0.01 &&
                        out[i].line_x2 <= out[i].box.x + out[i].box.w + 0.01);
            assert_true(out[i].line_y2 >= out[i].box.y - 0.01 &&
                        out[i].line_y2 <= out[i].box.y + out[i].box.h + 0.01);
        }
    }
    /* the largest marker is labelled first, beside it; the rest of the cluster goes out on
     * leaders */
    {
        size_t big = 0;
        for (size_t i = 1; i < n; i++)
            big = in[i].r > in[big].r ? i : big;
        assert_true(out[big].how <= LNT_SVG_LABEL_BELOW);
    }
    assert_true(beside >= 3);
    assert_true(leader >= 4);
    /* the same input, the same map */
    lnt_svg_labels_place(in, n, 13, 1000, 750, again);
    assert_memory_equal(out, again, sizeof out);
}

static void test_web_svg__map_labels_without_room_are_numbered_in_a_key(void **state)
{
    struct lnt_svg_spot spots[40];
    char names[40][32], *key;
    struct lnt_svg_spots m = {0};
    size_t labels, keys;
    (void)state;

    /* forty places on a map the size of a stamp */
    for (size_t i = 0; i < 40; i++) {
        snprintf(names[i], sizeof names[i], "Place number %zu <%zu>", i + 1, i + 1);
        spots[i] = (struct lnt_svg_spot){
            names[i],   "place", 0.3 + (double)(i % 5) * 0.1, 0.3 + (double)(i / 5) * 0.05,
            (int64_t)i, NULL};
    }
    m.id = "crowded";
    m.title = "Crowded";
    m.unit = "records";
    m.width = 300;
    m.height = 200;
    m.spots = spots;
    m.n = 40;
    lnt_svg_spots(&h, &m);
    assert_int_equal(h.err, LNT_OK);
    key = strstr(b.data, "<ol class=\"map-key\" id=\"crowded-key\"");
    assert_non_null(key);
    *key = '\0'; /* the SVG alone */
    assert_well_formed(b.data);
    labels = lnt_count(b.data, "class=\"spot-label\"");
    keys = lnt_count(b.data, " data-key=\"");
    assert_true(keys > 0);
    assert_int_equal(labels + keys, 40);
    *key = '<';
    /* every keyed spot is in the list, by its number, escaped */
    assert_int_equal(lnt_count(key, "<li value=\""), keys);
    assert_non_null(strstr(key, "<li value=\"1\">Place number"));
    assert_non_null(strstr(key, "&lt;"));
    {
        char last[32];
        snprintf(last, sizeof last, "<li value=\"%zu\">", keys);
        assert_non_null(strstr(key, last));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_web_svg__map_labels_of_a_tight_cluster_never_overlap),
        cmocka_unit_test_setup_teardown(test_web_svg__map_labels_without_room_are_numbered_in_a_key,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_web_svg__bars_carry_a_text_description, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_web_svg__heatmap_has_168_cells_labels_and_legend,
                                        setup, teardown),
        cmocka_unit_test(test_web_svg__heat_classes_span_the_range),
        cmocka_unit_test_setup_teardown(test_web_svg__empty_heatmap_is_still_well_formed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_web_svg__lines_have_a_point_per_month_and_a_legend,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_web_svg__lines_cap_series_and_points, setup, teardown),
        cmocka_unit_test_setup_teardown(test_web_svg__bars_show_values_and_cut_long_labels, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
