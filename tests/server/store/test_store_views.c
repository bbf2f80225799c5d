/* test_store_views.c - read views: incidents and their audited details, rollup reads, venue
 * summaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codec.h"
#include "ltime.h"
#include "night.h"
#include "store.h"
#include "test_store_fixture.h"

#define H 3600
#define R1 "11111111-1111-4111-8111-111111111111"
#define R2 "22222222-2222-4222-8222-222222222222"
#define R3 "33333333-3333-4333-8333-333333333333"

static int32_t friday(void)
{
    return lnt_days_from_civil(2026, 11, 27);
}

/* Seals `text` to the scheme's box key as a kiosk would, base64 into out. */
static void seal(struct sf *f, const char *text, char out[LNT_SEALED_MAX])
{
    struct lnt_scheme sc;
    uint8_t box[512];
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = strlen(text);

    assert_true(n + crypto_box_SEALBYTES <= sizeof box);
    assert_int_equal(lnt_store_scheme_get(f->s, &sc, err), LNT_OK);
    assert_int_equal(crypto_box_seal(box, (const uint8_t *)text, n, sc.box_pk), 0);
    lnt_b64_encode(box, n + crypto_box_SEALBYTES, out);
}

static void test_store_views__incident_details_are_read_with_an_audit_row(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    int64_t k = sf_kiosk(f->s, v);
    char sealed[LNT_SEALED_MAX], got[LNT_SEALED_MAX], details[256];
    struct lnt_incident inc, *list = NULL;
    struct lnt_incident_filter flt = {.authority = "Westham"};
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0, len = 0;

    seal(f, "{\"what\":\"drink tasted odd\"}", sealed);
    struct lnt_event ev[] = {sf_incident(1, SF_T0, SF_T0 + 600, R1, "spiking", true, sealed),
                             sf_incident(2, SF_T0 + H, SF_T0 + H, R2, "angela", true, "")};
    sf_insert(f->s, k, SF_T0 + H, ev, 2);

    /* lists never carry the details */
    assert_int_equal(lnt_store_incident_list(f->s, &flt, 0, 10, &list, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].report_id, R2); /* newest first */
    assert_true(list[1].has_details);
    assert_false(list[0].has_details);
    free(list);
    flt.authority = "Eastham";
    assert_int_equal(lnt_store_incident_list(f->s, &flt, 0, 10, &list, &n, err), LNT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = "
                                         "'incident.read'"),
                     0);

    assert_int_equal(lnt_store_incident_details(f->s, R1, "officer@westham.gov.uk", &inc, got, err),
                     LNT_OK);
    assert_string_equal(got, sealed);
    assert_string_equal(inc.kind, "spiking");
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = "
                                         "'incident.read' AND actor = 'officer@westham.gov.uk' "
                                         "AND object = '" R1 "'"),
                     1);
    /* an unknown report reads nothing and audits nothing */
    assert_int_equal(lnt_store_incident_details(f->s, R3, "x", &inc, got, err), LNT_ERR_NOT_FOUND);
    assert_string_equal(got, "");
    assert_int_equal(lnt_store_incident_details(f->s, R1, "", &inc, got, err), LNT_ERR_INVALID);

    assert_int_equal(lnt_store_incident_open(f->s, R1, "police@force.uk", &inc, details,
                                             sizeof details, &len, err),
                     LNT_OK);
    assert_string_equal(details, "{\"what\":\"drink tasted odd\"}");
    assert_int_equal(len, strlen(details));
    assert_int_equal(
        lnt_store_incident_open(f->s, R1, "police@force.uk", &inc, details, 8, &len, err),
        LNT_ERR_TOO_LARGE);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = "
                                         "'incident.read'"),
                     3);
    /* none held: opens to "" and is still audited */
    assert_int_equal(
        lnt_store_incident_open(f->s, R2, "p", &inc, details, sizeof details, &len, err), LNT_OK);
    assert_int_equal(len, 0);
    assert_string_equal(details, "");
}

/*
 * A spiking report saved to finish later, then completed: the officer opening
 * it reads every save, in the order received, each with its own details.
 */
static void test_store_views__every_save_of_a_report_is_opened_in_order(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    int64_t k = sf_kiosk(f->s, v);
    char first[LNT_SEALED_MAX], last[LNT_SEALED_MAX], details[256];
    struct lnt_incident inc;
    struct lnt_incident_part *parts = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0, len = 0;

    seal(f, "{\"symptoms\":\"dizzy, could not stand\"}", first);
    seal(f, "{\"outcome\":\"ambulance called\"}", last);
    struct lnt_event open[] = {sf_incident(1, SF_T0, SF_T0 + 600, R1, "spiking", false, first)};
    /* a save whose details were damaged on the way hides nothing of the others */
    struct lnt_event damaged[] = {sf_incident(2, SF_T0, SF_T0 + 900, R1, "spiking", false, "Zm9v")};
    struct lnt_event done[] = {sf_incident(3, SF_T0, SF_T0 + 2 * H, R1, "spiking", true, last)};
    sf_insert(f->s, k, SF_T0 + 700, open, 1);
    sf_insert(f->s, k, SF_T0 + 1000, damaged, 1);
    sf_insert(f->s, k, SF_T0 + 2 * H + 5, done, 1);

    if (lnt_store_incident_open_parts(f->s, R1, "officer@westham.gov.uk", &inc, details,
                                      sizeof details, &len, &parts, &n, err) != LNT_OK)
        fail_msg("open: %s", err);
    assert_string_equal(details, "{\"outcome\":\"ambulance called\"}");
    assert_int_equal(inc.updates, 3);
    assert_int_equal(n, 3);
    assert_int_equal(parts[0].state, LNT_PART_OPENED);
    assert_string_equal(parts[0].details, "{\"symptoms\":\"dizzy, could not stand\"}");
    assert_int_equal(parts[0].len, strlen(parts[0].details));
    assert_false(parts[0].complete);
    assert_int_equal(parts[0].recorded_at, SF_T0 + 600);
    assert_int_equal(parts[0].received_at, SF_T0 + 700);
    assert_int_equal(parts[0].kiosk_id, k);
    assert_int_equal(parts[0].seq, 1);
    assert_int_equal(parts[1].state, LNT_PART_DAMAGED);
    assert_string_equal(parts[1].details, "");
    assert_int_equal(parts[1].received_at, SF_T0 + 1000);
    assert_int_equal(parts[2].state, LNT_PART_OPENED);
    assert_string_equal(parts[2].details, "{\"outcome\":\"ambulance called\"}");
    assert_true(parts[2].complete);
    assert_int_equal(parts[2].recorded_at, SF_T0 + 2 * H);
    assert_int_equal(parts[2].received_at, SF_T0 + 2 * H + 5);
    lnt_store_incident_parts_free(parts, n);
    /* one reading, one audit row */
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = "
                                         "'incident.read' AND object = '" R1 "'"),
                     1);
    /* an unknown report: no parts, nothing audited */
    assert_int_equal(lnt_store_incident_open_parts(f->s, R3, "x", &inc, details, sizeof details,
                                                   &len, &parts, &n, err),
                     LNT_ERR_NOT_FOUND);
    assert_null(parts);
    assert_int_equal(n, 0);
}

static void test_store_views__hour_of_week_and_months(void **state)
{
    struct sf *f = *state;
    int64_t v1 = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    int64_t v2 = sf_venue(f->s, "Club Nova", LNT_VENUE_NIGHTCLUB, "Riverside", "Westham");
    int64_t k1 = sf_kiosk(f->s, v1), k2 = sf_kiosk(f->s, v2);
    int64_t grid[7][24];
    struct lnt_rollup_scope town = {0}, area = {.area = "Riverside"};
    struct lnt_month_count *m = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    /* Friday 23:30 London (GMT in November); a July Saturday 00:30 BST = Friday 23:30 UTC */
    int64_t july = lnt_days_from_civil(2026, 7, 11) * 86400LL - 1800;

    struct lnt_event a[] = {
        sf_incident(1, SF_T0 + 2 * H + 1800, SF_T0 + 3 * H, R1, "angela", true, ""),
        sf_incident(2, july, july + 60, R2, "violence", true, "")};
    struct lnt_event b[] = {
        sf_incident(1, SF_T0 + 2 * H + 1800, SF_T0 + 3 * H, R3, "angela", true, "")};
    sf_insert(f->s, k1, SF_T0 + 3 * H, a, 2);
    sf_insert(f->s, k2, SF_T0 + 3 * H, b, 1);

    assert_int_equal(lnt_store_rollup_hour_of_week(f->s, &town, LNT_EV_INCIDENT, "angela", 0,
                                                   SF_T0 + 30 * 86400, grid, err),
                     LNT_OK);
    assert_int_equal(grid[4][23], 2); /* Friday, 23:00 */
    assert_int_equal(lnt_store_rollup_hour_of_week(f->s, &area, LNT_EV_INCIDENT, NULL, 0,
                                                   SF_T0 + 30 * 86400, grid, err),
                     LNT_OK);
    assert_int_equal(grid[4][23], 1);
    /* BST moves the UTC hour: 23:30 UTC in July is Saturday 00:30 local */
    assert_int_equal(lnt_store_rollup_hour_of_week(f->s, &town, LNT_EV_INCIDENT, "violence", 0,
                                                   SF_T0 + 30 * 86400, grid, err),
                     LNT_OK);
    assert_int_equal(grid[5][0], 1);
    assert_int_equal(grid[4][23], 0);

    assert_int_equal(lnt_store_rollup_months(f->s, &town, 0, SF_T0 + 30 * 86400, &m, &n, err),
                     LNT_OK);
    /* July: one incident event and one violence report; November: two events, two angela reports */
    assert_int_equal(n, 4);
    assert_int_equal(m[0].month, 7);
    assert_string_equal(m[0].kind, "");
    assert_int_equal(m[0].count, 1);
    assert_int_equal(m[1].month, 7);
    assert_string_equal(m[1].kind, "violence");
    assert_int_equal(m[3].month, 11);
    assert_string_equal(m[3].kind, "angela");
    assert_int_equal(m[3].count, 2);
    free(m);
}

static void test_store_views__repeat_locations_and_totals(void **state)
{
    struct sf *f = *state;
    int64_t v1 = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    int64_t v2 = sf_venue(f->s, "Club Nova", LNT_VENUE_NIGHTCLUB, "Riverside", "Eastham");
    int64_t k1 = sf_kiosk(f->s, v1), k2 = sf_kiosk(f->s, v2);
    struct lnt_repeat_location *rl = NULL;
    struct lnt_rollup_scope west = {.authority = "Westham"}, all = {0};
    struct lnt_night_rollup tot;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    for (int night = 0; night < 3; night++) {
        char id[LNT_UUID_STRLEN];
        int64_t t = SF_T0 + night * 86400LL;
        lnt_uuid4(id);
        struct lnt_event e = sf_incident(night + 1, t, t + 60, id, "violence", true, "");
        sf_insert(f->s, k1, t, &e, 1);
    }
    struct lnt_event once = sf_incident(1, SF_T0, SF_T0 + 60, R1, "violence", true, "");
    sf_insert(f->s, k2, SF_T0, &once, 1);

    assert_int_equal(
        lnt_store_repeat_locations(f->s, &all, friday(), friday() + 10, 2, 10, &rl, &n, err),
        LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rl[0].venue_id, v1);
    assert_int_equal(rl[0].nights, 3);
    free(rl);
    assert_int_equal(lnt_store_rollup_totals(f->s, &west, friday(), friday() + 10, &tot, err),
                     LNT_OK);
    assert_int_equal(tot.incidents, 3);
    assert_int_equal(tot.incidents_within_hour, 3);
    assert_int_equal(lnt_store_rollup_totals(f->s, &all, friday(), friday(), &tot, err), LNT_OK);
    assert_int_equal(tot.incidents, 2);
    assert_int_equal(tot.contacts, 2);
}

struct each_ctx {
    int venues;
    int incidents;
};

static int count_each(void *ctx, const struct lnt_venue *v, const struct lnt_night_rollup *nights,
                      size_t n)
{
    struct each_ctx *c = ctx;

    (void)v;
    c->venues++;
    for (size_t i = 0; i < n; i++)
        c->incidents += nights[i].incidents;
    return 0;
}

static void test_store_views__venue_summaries_detail_and_coverage(void **state)
{
    struct sf *f = *state;
    int64_t v1 = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "Westham");
    int64_t v2 = sf_venue(f->s, "Club Nova", LNT_VENUE_NIGHTCLUB, "Riverside", "Eastham");
    int64_t k1 = sf_kiosk(f->s, v1);
    int64_t door = sf_staff(f->s, v1, "Sam Door", LNT_ROLE_DOOR);
    struct lnt_venue_summary *sum = NULL;
    struct lnt_venue_detail det;
    struct lnt_training_coverage *cov = NULL;
    struct each_ctx ec = {0};
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    (void)v2;
    sf_training(f->s, door, LNT_COURSE_WAVE, friday() - 10, friday() + 300);
    sf_training(f->s, door, LNT_COURSE_ANGELA, friday() - 10, 0);
    struct lnt_event ev[] = {
        sf_badge(1, LNT_EV_SIGN_IN, SF_T0, door, "a1b2c3d4e5f60718", LNT_ROLE_DOOR),
        sf_incident(2, SF_T0 + H, SF_T0 + H, R1, "angela", true, ""),
        sf_stock(3, SF_T0 + H, "count", 120),
    };
    sf_insert(f->s, k1, SF_T0 + 2 * H, ev, 3);

    assert_int_equal(
        lnt_store_venue_summaries(f->s, NULL, true, friday() - 7, friday(), 0, 10, &sum, &n, err),
        LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(sum[0].incidents, 1);
    assert_int_equal(sum[0].last_contact, SF_T0 + 2 * H);
    assert_int_equal(sum[0].kiosks, 1);
    assert_true(sum[0].stock.known);
    assert_int_equal(sum[0].stock.level, 120);
    assert_int_equal(sum[1].incidents, 0);
    assert_int_equal(sum[1].last_contact, 0);
    free(sum);
    assert_int_equal(
        lnt_store_venue_summaries(f->s, "Eastham", true, friday(), friday(), 0, 10, &sum, &n, err),
        LNT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(sum[0].venue.name, "Club Nova");
    free(sum);
    assert_int_equal(
        lnt_store_venue_summaries(f->s, NULL, true, 0, 0, 0, LNT_VIEW_MAX + 1, &sum, &n, err),
        LNT_ERR_INVALID);

    assert_int_equal(lnt_store_venue_detail(f->s, v1, friday(), friday(), &det, err), LNT_OK);
    assert_int_equal(det.staff, 1);
    assert_int_equal(det.open_shifts, 1);
    assert_int_equal(det.totals.sign_ins, 1);
    assert_int_equal(det.totals.angela, 1);
    assert_int_equal(lnt_store_venue_detail(f->s, 999, friday(), friday(), &det, err),
                     LNT_ERR_NOT_FOUND);

    assert_int_equal(lnt_store_training_coverage(f->s, v1, &cov, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cov[0].expires[LNT_COURSE_WAVE], friday() + 300);
    assert_int_equal(cov[0].expires[LNT_COURSE_ANGELA], INT32_MAX);
    assert_int_equal(cov[0].expires[LNT_COURSE_BYSTANDER], 0);
    free(cov);

    assert_int_equal(
        lnt_store_rollup_nights_each(f->s, NULL, friday() - 1, friday() + 1, count_each, &ec, err),
        LNT_OK);
    assert_int_equal(ec.venues, 2);
    assert_int_equal(ec.incidents, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(test_store_views__##name, sf_setup, sf_teardown)
        T(incident_details_are_read_with_an_audit_row),
        T(every_save_of_a_report_is_opened_in_order),
        T(hour_of_week_and_months),
        T(repeat_locations_and_totals),
        T(venue_summaries_detail_and_coverage),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
