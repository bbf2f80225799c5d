/* test_store_hotspots.c - hot spots read from the rollups: trading-night rows, the harm ranking,
 * yearly totals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "ltime.h"
#include "night.h"
#include "store.h"
#include "store_hotspots.h"
#include "test_store_fixture.h"

#define H 3600

/* Inserts one report of `kind` at `at` from kiosk `k` (seq must rise per kiosk). */
static void report(struct sf *f, int64_t k, int64_t seq, int64_t at, const char *kind)
{
    char id[LNT_UUID_STRLEN];
    struct lnt_event e;

    lnt_uuid4(id);
    e = sf_incident(seq, at, at + 60, id, kind, true, "");
    sf_insert(f->s, k, at + 60, &e, 1);
}

/* Column of a London local hour in a night's row. */
static int col_of(int hour)
{
    for (int c = 0; c < LNT_HOT_HOURS; c++)
        if (lnt_hot_hour_of_column(c) == hour)
            return c;
    fail_msg("no column for hour %d", hour);
    return -1;
}

static void test_store_hotspots__friday_night_is_one_row(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "Club Nova", LNT_VENUE_NIGHTCLUB, "Riverside", "Westham");
    int64_t k = sf_kiosk(f->s, v);
    int64_t grid[7][LNT_HOT_HOURS];
    struct lnt_rollup_scope town = {0};
    char err[LNT_ERRBUF_SIZE] = "";
    /* SF_T0 is Friday 27 Nov 2026, 21:00 GMT */
    int64_t fri_2330 = SF_T0 + 2 * H + 1800, sat_0130 = SF_T0 + 4 * H + 1800;
    /* a July Friday night in BST: Sat 11 Jul 2026 01:30 BST is 00:30 UTC */
    int64_t jul_sat_0130 = lnt_days_from_civil(2026, 7, 11) * 86400LL + 1800;
    /* Saturday evening 19:00 GMT is Saturday night, not Friday's */
    int64_t sat_1900 = SF_T0 + 22 * H;

    report(f, k, 1, jul_sat_0130, "violence");
    report(f, k, 2, fri_2330, "violence");
    report(f, k, 3, sat_0130, "spiking");
    report(f, k, 4, sat_1900, "violence");

    assert_int_equal(lnt_store_hot_nights(f->s, &town, NULL, 0, SF_T0 + 30 * 86400LL, grid, err),
                     LNT_OK);
    /* Friday 23:30 and Saturday 01:30 are both Friday night: row 4, in the night's order */
    assert_int_equal(lnt_hot_hour_of_column(0), 6);
    assert_int_equal(grid[4][col_of(23)], 1);
    assert_int_equal(grid[4][col_of(1)], 1 + 1); /* November's and July's (BST) */
    assert_true(col_of(23) < col_of(1));
    assert_int_equal(grid[5][col_of(1)], 0);
    assert_int_equal(grid[5][col_of(19)], 1);
    int64_t total = 0;
    for (int d = 0; d < 7; d++)
        for (int c = 0; c < LNT_HOT_HOURS; c++)
            total += grid[d][c];
    assert_int_equal(total, 4);

    /* one kind only */
    assert_int_equal(
        lnt_store_hot_nights(f->s, &town, "spiking", 0, SF_T0 + 30 * 86400LL, grid, err), LNT_OK);
    assert_int_equal(grid[4][col_of(1)], 1);
    assert_int_equal(grid[4][col_of(23)], 0);
}

static void test_store_hotspots__harm_ranks_violence_above_paperwork(void **state)
{
    struct sf *f = *state;
    int64_t busy = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    int64_t harm = sf_venue(f->s, "Club Nova", LNT_VENUE_NIGHTCLUB, "Riverside", "Westham");
    int64_t quiet = sf_venue(f->s, "The Mill", LNT_VENUE_BAR, "Riverside", "Eastham");
    int64_t kb = sf_kiosk(f->s, busy), kh = sf_kiosk(f->s, harm);
    struct lnt_hot_venue *rows = NULL;
    struct lnt_rollup_scope town = {0}, west = {.authority = "Westham"},
                            river = {.area = "Riverside"};
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    int32_t night = lnt_night_of(SF_T0);

    /* The Crown: six ejections and medical calls, no harm; Club Nova: an assault and a spiking */
    for (int i = 0; i < 6; i++)
        report(f, kb, i + 1, SF_T0 + i * 60, i % 2 ? "ejection" : "medical");
    report(f, kh, 1, SF_T0, "violence_injury");
    report(f, kh, 2, SF_T0 + 5 * H, "spiking");      /* 02:00 Saturday: still Friday night */
    report(f, kh, 3, SF_T0 + 3 * 86400LL, "sexual"); /* outside the night asked for */

    assert_int_equal(lnt_store_hot_venues(f->s, &town, night, night, &rows, &n, err), LNT_OK);
    assert_int_equal(n, 3);
    assert_int_equal(rows[0].venue.id, harm);
    assert_int_equal(rows[0].harm_points, 3 + 3);
    assert_int_equal(rows[0].harm_reports, 2);
    assert_int_equal(rows[0].reports, 2);
    assert_int_equal(rows[1].venue.id, busy);
    assert_int_equal(rows[1].reports, 6);
    assert_int_equal(rows[1].harm_points, 0);
    assert_int_equal(rows[2].venue.id, quiet);
    assert_int_equal(rows[2].reports, 0);
    for (int i = 0; lnt_incident_kinds[i] != NULL; i++) {
        if (strcmp(lnt_incident_kinds[i], "spiking") == 0)
            assert_int_equal(rows[0].kinds[i], 1);
        if (strcmp(lnt_incident_kinds[i], "ejection") == 0)
            assert_int_equal(rows[1].kinds[i], 3);
    }
    free(rows);

    /* the week: the sexual offence moves Club Nova further ahead */
    assert_int_equal(lnt_store_hot_venues(f->s, &west, night, night + 6, &rows, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].harm_points, 9);
    free(rows);
    assert_int_equal(lnt_store_hot_venues(f->s, &river, night, night + 6, &rows, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].venue.id, harm);
    assert_int_equal(rows[1].venue.id, quiet);
    free(rows);

    assert_int_equal(lnt_store_hot_venues(f->s, &town, night, night - 1, &rows, &n, err),
                     LNT_ERR_INVALID);
}

static void test_store_hotspots__yearly_totals_by_trading_night(void **state)
{
    struct sf *f = *state;
    int64_t a = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    int64_t b = sf_venue(f->s, "Club Nova", LNT_VENUE_NIGHTCLUB, "Riverside", "Westham");
    int64_t ka = sf_kiosk(f->s, a), kb = sf_kiosk(f->s, b);
    struct lnt_hot_year *y = NULL;
    struct lnt_rollup_scope town = {0};
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    /* 01:30 GMT on 1 Jan 2026 belongs to New Year's Eve night, 2025 */
    int64_t nye = lnt_days_from_civil(2026, 1, 1) * 86400LL + H + 1800;

    report(f, ka, 1, nye, "violence");
    report(f, ka, 2, SF_T0, "violence_injury");
    report(f, ka, 3, SF_T0 + 60, "theft");
    report(f, kb, 1, SF_T0 + 120, "spiking");

    assert_int_equal(lnt_store_hot_years(f->s, &town, lnt_days_from_civil(2025, 6, 1),
                                         lnt_night_of(SF_T0), &y, &n, err),
                     LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(y[0].year, 2025);
    assert_int_equal(y[0].reports, 1);
    assert_int_equal(y[0].harm_points, 2);
    assert_int_equal(y[0].first_night, lnt_days_from_civil(2025, 6, 1));
    assert_int_equal(y[0].last_night, lnt_days_from_civil(2025, 12, 31));
    assert_int_equal(y[1].year, 2026);
    assert_int_equal(y[1].reports, 3);
    assert_int_equal(y[1].harm_reports, 2);
    assert_int_equal(y[1].venues_reporting, 2);
    assert_int_equal(y[1].nights_reporting, 1);
    assert_int_equal(y[1].last_night, lnt_night_of(SF_T0));
    free(y);
}

/* A filter's area is one of the open venues' areas of the authority, or a clear no listing
 * them in byte order (capitals first), as the reader sees them in the filter's list. */
static void test_store_hotspots__area_filter_names_the_choices(void **state)
{
    struct sf *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t docks;

    sf_venue(f->s, "Club Nova", LNT_VENUE_NIGHTCLUB, "Riverside", "Westham");
    sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    sf_venue(f->s, "The Mill", LNT_VENUE_BAR, "harbour", "Eastham");
    docks = sf_venue(f->s, "The Wharf", LNT_VENUE_PUB, "Docks", "Westham");
    assert_int_equal(lnt_store_venue_close(f->s, docks, SF_T0, err), LNT_OK);

    assert_int_equal(lnt_store_hot_area_check(f->s, "Westham", "Riverside", err), LNT_OK);
    assert_int_equal(lnt_store_hot_area_check(f->s, NULL, "harbour", err), LNT_OK);
    assert_int_equal(lnt_store_hot_area_check(f->s, "Westham", "harbour", err), LNT_ERR_NOT_FOUND);
    assert_string_equal(err, "no area \"harbour\": choose one of Centre, Riverside");
    /* a closed venue's area is no longer a choice; nor is a near miss of a name */
    assert_int_equal(lnt_store_hot_area_check(f->s, "", "Docks", err), LNT_ERR_NOT_FOUND);
    assert_string_equal(err, "no area \"Docks\": choose one of Centre, Riverside, harbour");
    assert_int_equal(lnt_store_hot_area_check(f->s, NULL, "riverside", err), LNT_ERR_NOT_FOUND);
    assert_int_equal(lnt_store_hot_area_check(f->s, "Northham", "Centre", err), LNT_ERR_NOT_FOUND);
    assert_string_equal(err, "no area \"Centre\": choose one of (none)");
}

/* One venue's hot spots are its own: the other venues' reports are not in its grid or years. */
static void test_store_hotspots__one_venue_counts_only_its_own(void **state)
{
    struct sf *f = *state;
    int64_t a = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    int64_t b = sf_venue(f->s, "Club Nova", LNT_VENUE_NIGHTCLUB, "Centre", "Westham");
    int64_t ka = sf_kiosk(f->s, a), kb = sf_kiosk(f->s, b);
    int64_t grid[7][LNT_HOT_HOURS];
    struct lnt_rollup_scope crown = {.venue_id = a};
    struct lnt_hot_year *y = NULL;
    struct lnt_hot_venue *rows = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    int32_t night = lnt_night_of(SF_T0);
    size_t n = 0;

    report(f, ka, 1, SF_T0 + 2 * H + 1800, "weapons"); /* Friday 23:30 */
    report(f, kb, 1, SF_T0 + 2 * H + 1800, "violence");
    report(f, kb, 2, SF_T0 + 3 * H, "violence");

    assert_int_equal(
        lnt_store_hot_nights(f->s, &crown, NULL, SF_T0 - 86400, SF_T0 + 86400, grid, err), LNT_OK);
    assert_int_equal(grid[4][col_of(23)], 1);
    assert_int_equal(grid[4][col_of(0)], 0); /* Club Nova's, at midnight */
    assert_int_equal(lnt_store_hot_years(f->s, &crown, night, night, &y, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(y[0].reports, 1);
    assert_int_equal(y[0].harm_points, 2);
    assert_int_equal(y[0].venues_reporting, 1);
    free(y);
    assert_int_equal(lnt_store_hot_venues(f->s, &crown, night, night, &rows, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].venue.id, a);
    assert_string_equal(rows[0].venue.name, "The Crown");
    assert_int_equal(rows[0].harm_reports, 1);
    free(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(test_store_hotspots__##name, sf_setup, sf_teardown)
        T(friday_night_is_one_row),        T(harm_ranks_violence_above_paperwork),
        T(yearly_totals_by_trading_night), T(area_filter_names_the_choices),
        T(one_venue_counts_only_its_own),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
