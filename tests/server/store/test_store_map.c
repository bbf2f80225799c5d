/* test_store_map.c - the places register's kinds, coordinates and authority, venues'
 * coordinates, officers' public-place incidents (superseded, never deleted, scoped) and the map's
 * background image (checked by its magic bytes and bounded). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "night.h"
#include "store.h"
#include "store_map.h"
#include "test_store_fixture.h"

#define H 3600

static struct lnt_officer officer(int64_t id, enum lnt_officer_role role, const char *authority)
{
    struct lnt_officer o;

    memset(&o, 0, sizeof o);
    o.id = id;
    snprintf(o.email, sizeof o.email, "officer%lld@example.org", (long long)id);
    o.scope.role = role;
    lnt_str_copy(o.scope.authority, sizeof o.scope.authority, authority);
    return o;
}

static void test_store_map__coordinates_are_validated(void **state)
{
    struct lnt_geo g;
    char err[LNT_ERRBUF_SIZE] = "";

    (void)state;
    assert_int_equal(lnt_geo_parse("51.4545", "-2.5879", &g, err), LNT_OK);
    assert_true(g.set);
    assert_true(g.lat > 51.45 && g.lat < 51.46);
    assert_true(g.lon < -2.58 && g.lon > -2.59);
    assert_int_equal(lnt_geo_parse("", "", &g, err), LNT_OK);
    assert_false(g.set);
    /* One without the other, off the globe, or not a number: a clear no. */
    assert_int_equal(lnt_geo_parse("51.4", "", &g, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "both"));
    assert_int_equal(lnt_geo_parse("91", "0", &g, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "latitude"));
    assert_int_equal(lnt_geo_parse("51", "-180.5", &g, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "longitude"));
    assert_int_equal(lnt_geo_parse("51.4N", "2", &g, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_geo_parse("nan", "2", &g, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_geo_parse("1e3", "2", &g, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_geo_parse(".", "2", &g, err), LNT_ERR_INVALID);
}

static void test_store_map__places_keep_kind_coordinates_and_authority(void **state)
{
    struct sf *f = *state;
    struct lnt_place_info p, *list = NULL;
    enum lnt_place_kind k;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t rank = 0, park = 0;
    size_t n = 0;

    assert_int_equal(lnt_store_place_add(f->s, "Station Taxi Rank", SF_T0, &rank, err), LNT_OK);
    assert_int_equal(lnt_store_place_add(f->s, "Castle Park", SF_T0, &park, err), LNT_OK);
    /* A new place is "other" with no coordinates until it is edited. */
    assert_int_equal(lnt_store_place_info_get(f->s, rank, &p, err), LNT_OK);
    assert_int_equal(p.kind, LNT_PLACE_OTHER);
    assert_false(p.geo.set);

    assert_int_equal(lnt_place_kind_parse("taxi rank", &k, err), LNT_OK);
    assert_int_equal(k, LNT_PLACE_TAXI_RANK);
    assert_int_equal(lnt_place_kind_parse("Transport-Hub", &k, err), LNT_OK);
    assert_int_equal(k, LNT_PLACE_TRANSPORT_HUB);
    assert_int_equal(lnt_place_kind_parse("car park", &k, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "taxi_rank"));

    p.kind = LNT_PLACE_TAXI_RANK;
    p.geo = (struct lnt_geo){true, 51.4490, -2.5810};
    lnt_str_copy(p.authority, sizeof p.authority, "Northshire");
    assert_int_equal(lnt_store_place_edit(f->s, &p, err), LNT_OK);
    p.geo = (struct lnt_geo){true, 95.0, 0.0};
    assert_int_equal(lnt_store_place_edit(f->s, &p, err), LNT_ERR_INVALID);
    p.id = 999;
    p.geo.lat = 51.0;
    assert_int_equal(lnt_store_place_edit(f->s, &p, err), LNT_ERR_NOT_FOUND);

    assert_int_equal(lnt_store_place_info_list(f->s, &list, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[1].name, "Station Taxi Rank");
    assert_int_equal(list[1].kind, LNT_PLACE_TAXI_RANK);
    assert_true(list[1].geo.set);
    assert_true(list[1].geo.lat > 51.448 && list[1].geo.lat < 51.450);
    assert_string_equal(list[1].authority, "Northshire"); /* the refused edit changed nothing */
    assert_int_equal(list[0].kind, LNT_PLACE_OTHER);
    free(list);
    /* The kiosks' list of places is as it was: id and name. */
    {
        struct lnt_place *plain = NULL;
        assert_int_equal(lnt_store_place_list(f->s, &plain, &n, err), LNT_OK);
        assert_int_equal(n, 2);
        assert_string_equal(plain[1].name, "Station Taxi Rank");
        free(plain);
    }
    assert_int_equal(
        sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = 'place.edit'"), 1);
}

static void test_store_map__venue_coordinates_set_and_cleared(void **state)
{
    struct sf *f = *state;
    struct lnt_venue_geo *list = NULL;
    struct lnt_geo g = {true, 51.4540, -2.5920}, bad = {true, 0.0, 200.0}, none = {0};
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t v = sf_venue(f->s, "The Anchor", LNT_VENUE_PUB, "Harbourside", "Northshire");
    size_t n = 0;

    assert_int_equal(lnt_store_venue_geo_set(f->s, v, &g, SF_T0, err), LNT_OK);
    assert_int_equal(lnt_store_venue_geo_set(f->s, v, &bad, SF_T0, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_store_venue_geo_set(f->s, 999, &g, SF_T0, err), LNT_ERR_NOT_FOUND);
    assert_int_equal(lnt_store_venue_geo_list(f->s, &list, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].venue_id, v);
    assert_true(list[0].geo.lon < -2.59 && list[0].geo.lon > -2.593);
    free(list);
    assert_int_equal(lnt_store_venue_geo_set(f->s, v, &none, SF_T0, err), LNT_OK);
    assert_int_equal(lnt_store_venue_geo_list(f->s, &list, &n, err), LNT_OK);
    assert_int_equal(n, 0);
    free(list);
}

static struct lnt_place_incident incident(int64_t place, int64_t at, const char *kind,
                                          const char *note)
{
    struct lnt_place_incident in;

    memset(&in, 0, sizeof in);
    in.place_id = place;
    in.occurred_at = at;
    in.recorded_at = at + H;
    lnt_str_copy(in.kind, sizeof in.kind, kind);
    lnt_str_copy(in.note, sizeof in.note, note);
    return in;
}

static void test_store_map__officer_incidents_are_superseded_not_deleted(void **state)
{
    struct sf *f = *state;
    struct lnt_officer sgt = officer(7, LNT_OFFICER_POLICE, "Northshire");
    struct lnt_place_incident in, fix, again, *list = NULL;
    struct lnt_place_incident_filter all = {0};
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t park = 0;
    size_t n = 0;

    assert_int_equal(lnt_store_place_add(f->s, "Castle Park", SF_T0, &park, err), LNT_OK);
    /* 01:30 on Saturday belongs to Friday's trading night. */
    in = incident(park, SF_T0 + 4 * H + 1800, "violence", "Fight near the bandstand");
    assert_int_equal(lnt_store_place_incident_add(f->s, &sgt, &in, err), LNT_OK);
    assert_int_equal(in.night, lnt_night_of(SF_T0));
    assert_string_equal(in.place_name, "Castle Park");
    assert_string_equal(in.authority, "Northshire"); /* the place has none: the officer's */
    assert_string_equal(in.recorded_by, "officer7@example.org");

    fix = incident(park, SF_T0 + 4 * H, "violence_injury", "Fight near the bandstand, one hurt");
    lnt_str_copy(fix.reason, sizeof fix.reason, "One was hurt after all");
    assert_int_equal(lnt_store_place_incident_supersede(f->s, &sgt, in.id, &fix, err), LNT_OK);
    assert_int_equal(fix.supersedes, in.id);
    /* A record corrected once is corrected through its correction. */
    again = incident(park, SF_T0 + 4 * H, "other", "");
    lnt_str_copy(again.reason, sizeof again.reason, "Wrong kind");
    assert_int_equal(lnt_store_place_incident_supersede(f->s, &sgt, in.id, &again, err),
                     LNT_ERR_STATE);
    assert_non_null(strstr(err, "corrected already"));

    assert_int_equal(lnt_store_place_incident_list(f->s, &all, &list, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].kind, "violence_injury");
    free(list);
    all.with_superseded = true;
    assert_int_equal(lnt_store_place_incident_list(f->s, &all, &list, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(list[1].superseded_by, fix.id);
    assert_string_equal(list[1].kind, "violence");
    free(list);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM place_incidents"), 2);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action LIKE "
                                         "'place.incident.%'"),
                     2);

    /* Bad input: a clear no, nothing stored. */
    again = incident(park, SF_T0, "fisticuffs", "");
    assert_int_equal(lnt_store_place_incident_add(f->s, &sgt, &again, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "fisticuffs"));
    again = incident(park, SF_T0, "theft", "line\nbreak");
    assert_int_equal(lnt_store_place_incident_add(f->s, &sgt, &again, err), LNT_ERR_INVALID);
    again = incident(park, SF_T0, "theft", "");
    again.recorded_at = SF_T0 - 60;
    assert_int_equal(lnt_store_place_incident_add(f->s, &sgt, &again, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "future"));
    again = incident(999, SF_T0, "theft", "");
    assert_int_equal(lnt_store_place_incident_add(f->s, &sgt, &again, err), LNT_ERR_NOT_FOUND);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM place_incidents"), 2);
}

/* A correction says why; the record's history, read from any of its versions, keeps every
 * version with who corrected it, when and why. */
static void test_store_map__correction_needs_a_reason_and_keeps_the_history(void **state)
{
    struct sf *f = *state;
    struct lnt_officer pc = officer(7, LNT_OFFICER_POLICE, "Northshire");
    struct lnt_officer sgt = officer(8, LNT_OFFICER_OFFICER, "Northshire");
    struct lnt_place_incident in, fix, fix2, *h = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t park = 0;
    size_t n = 0;

    assert_int_equal(lnt_store_place_add(f->s, "Castle Park", SF_T0, &park, err), LNT_OK);
    in = incident(park, SF_T0 + H, "theft", "Phone taken by the gate");
    assert_int_equal(lnt_store_place_incident_add(f->s, &pc, &in, err), LNT_OK);

    /* No reason, or one with a line break: refused, naming the reason; nothing stored. */
    fix = incident(park, SF_T0 + H, "disorder", "Phone taken by the gate");
    assert_int_equal(lnt_store_place_incident_supersede(f->s, &sgt, in.id, &fix, err),
                     LNT_ERR_INVALID);
    assert_non_null(strstr(err, "reason"));
    lnt_str_copy(fix.reason, sizeof fix.reason, "two\nlines");
    assert_int_equal(lnt_store_place_incident_supersede(f->s, &sgt, in.id, &fix, err),
                     LNT_ERR_INVALID);
    assert_non_null(strstr(err, "reason"));
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM place_incidents"), 1);

    lnt_str_copy(fix.reason, sizeof fix.reason, "CCTV shows a scuffle, nothing stolen");
    assert_int_equal(lnt_store_place_incident_supersede(f->s, &sgt, in.id, &fix, err), LNT_OK);
    fix2 = incident(park, SF_T0 + H + 600, "disorder", "Scuffle by the gate");
    fix2.recorded_at = SF_T0 + 3 * H;
    lnt_str_copy(fix2.reason, sizeof fix2.reason, "Time from the CCTV");
    assert_int_equal(lnt_store_place_incident_supersede(f->s, &pc, fix.id, &fix2, err), LNT_OK);

    /* From any version: all three, oldest first, each saying who, when and why. */
    for (int from = 0; from < 3; from++) {
        int64_t id = from == 0 ? in.id : from == 1 ? fix.id : fix2.id;
        assert_int_equal(lnt_store_place_incident_history(f->s, id, &h, &n, err), LNT_OK);
        assert_int_equal(n, 3);
        assert_int_equal(h[0].id, in.id);
        assert_string_equal(h[0].kind, "theft");
        assert_string_equal(h[0].reason, "");
        assert_int_equal(h[0].superseded_by, fix.id);
        assert_int_equal(h[1].supersedes, in.id);
        assert_string_equal(h[1].recorded_by, "officer8@example.org");
        assert_string_equal(h[1].reason, "CCTV shows a scuffle, nothing stolen");
        assert_int_equal(h[1].superseded_by, fix2.id);
        assert_int_equal(h[1].superseded_at, SF_T0 + 3 * H);
        assert_int_equal(h[2].superseded_by, 0);
        assert_string_equal(h[2].reason, "Time from the CCTV");
        free(h);
    }
    assert_int_equal(lnt_store_place_incident_history(f->s, 999, &h, &n, err), LNT_ERR_NOT_FOUND);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = "
                                         "'place.incident.supersede' AND detail LIKE "
                                         "'%CCTV shows a scuffle%'"),
                     1);
}

static void test_store_map__incidents_are_scoped_to_the_officers_authority(void **state)
{
    struct sf *f = *state;
    struct lnt_officer north = officer(1, LNT_OFFICER_OFFICER, "Northshire");
    struct lnt_officer south = officer(2, LNT_OFFICER_POLICE, "Southshire");
    struct lnt_officer admin = officer(3, LNT_OFFICER_ADMIN, "");
    struct lnt_officer assessor = officer(4, LNT_OFFICER_ASSESSOR, "");
    struct lnt_place_info p;
    struct lnt_place_incident in, *list = NULL;
    struct lnt_place_incident_filter fl = {0};
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t rank = 0;
    size_t n = 0;

    assert_int_equal(lnt_store_place_add(f->s, "Station Taxi Rank", SF_T0, &rank, err), LNT_OK);
    assert_int_equal(lnt_store_place_info_get(f->s, rank, &p, err), LNT_OK);
    lnt_str_copy(p.authority, sizeof p.authority, "Northshire");
    assert_int_equal(lnt_store_place_edit(f->s, &p, err), LNT_OK);

    in = incident(rank, SF_T0, "disorder", "");
    assert_int_equal(lnt_store_place_incident_add(f->s, &north, &in, err), LNT_OK);
    in = incident(rank, SF_T0, "disorder", "");
    assert_int_equal(lnt_store_place_incident_add(f->s, &south, &in, err), LNT_ERR_FORBIDDEN);
    assert_non_null(strstr(err, "outside your authority"));
    in = incident(rank, SF_T0, "disorder", "");
    assert_int_equal(lnt_store_place_incident_add(f->s, &assessor, &in, err), LNT_ERR_FORBIDDEN);
    in = incident(rank, SF_T0 + H, "theft", "");
    assert_int_equal(lnt_store_place_incident_add(f->s, &admin, &in, err), LNT_OK);
    /* Southshire may not correct Northshire's record either. */
    in = incident(rank, SF_T0, "other", "");
    lnt_str_copy(in.reason, sizeof in.reason, "Not a disorder");
    assert_int_equal(lnt_store_place_incident_supersede(f->s, &south, 1, &in, err),
                     LNT_ERR_FORBIDDEN);

    fl.authority = "Southshire";
    assert_int_equal(lnt_store_place_incident_list(f->s, &fl, &list, &n, err), LNT_OK);
    assert_int_equal(n, 0);
    free(list);
    fl.authority = "Northshire";
    assert_int_equal(lnt_store_place_incident_list(f->s, &fl, &list, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    free(list);
    fl.kind = "theft";
    assert_int_equal(lnt_store_place_incident_list(f->s, &fl, &list, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    free(list);
}

/* The register lists places by name whatever its case (as the kiosks' list does), and a
 * position comes back exactly as it was stored. */
static void test_store_map__places_by_name_and_positions_exact(void **state)
{
    struct sf *f = *state;
    struct lnt_place_info p, *list = NULL;
    struct lnt_venue_geo *vg = NULL;
    struct lnt_geo at = {true, 51.123456789012345, -2.987654321098765};
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t rank = 0, bus = 0, park = 0;
    int64_t v = sf_venue(f->s, "The Anchor", LNT_VENUE_PUB, "Harbourside", "Northshire");
    size_t n = 0;

    assert_int_equal(lnt_store_place_add(f->s, "Station Taxi Rank", SF_T0, &rank, err), LNT_OK);
    assert_int_equal(lnt_store_place_add(f->s, "bus station", SF_T0, &bus, err), LNT_OK);
    assert_int_equal(lnt_store_place_add(f->s, "Castle Park", SF_T0, &park, err), LNT_OK);
    assert_int_equal(lnt_store_place_info_get(f->s, bus, &p, err), LNT_OK);
    p.kind = LNT_PLACE_TRANSPORT_HUB;
    p.geo = at;
    assert_int_equal(lnt_store_place_edit(f->s, &p, err), LNT_OK);
    assert_int_equal(lnt_store_venue_geo_set(f->s, v, &at, SF_T0, err), LNT_OK);

    assert_int_equal(lnt_store_place_info_list(f->s, &list, &n, err), LNT_OK);
    assert_int_equal(n, 3);
    assert_string_equal(list[0].name, "bus station");
    assert_string_equal(list[1].name, "Castle Park");
    assert_string_equal(list[2].name, "Station Taxi Rank");
    assert_int_equal(list[0].kind, LNT_PLACE_TRANSPORT_HUB);
    assert_true(list[0].geo.set && list[0].geo.lat == at.lat && list[0].geo.lon == at.lon);
    assert_int_equal(list[0].created_at, SF_T0);
    free(list);
    assert_int_equal(lnt_store_venue_geo_list(f->s, &vg, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_true(vg[0].geo.lat == at.lat && vg[0].geo.lon == at.lon);
    free(vg);
    assert_int_equal(lnt_store_place_info_get(f->s, 999, &p, err), LNT_ERR_NOT_FOUND);
    assert_string_equal(err, "place 999 not found");
}

/* Two officers correcting one record at the same moment: one correction is made, the other is
 * told the record was corrected already; no record is corrected twice. */
struct racer {
    struct lnt_store *s;
    pthread_barrier_t *start;
    struct lnt_officer o;
    int64_t old_id;
    struct lnt_place_incident in;
    enum lnt_err rc;
    char err[LNT_ERRBUF_SIZE];
};

static void *racer_main(void *arg)
{
    struct racer *r = arg;

    pthread_barrier_wait(r->start);
    r->rc = lnt_store_place_incident_supersede(r->s, &r->o, r->old_id, &r->in, r->err);
    return NULL;
}

static void test_store_map__two_corrections_at_once_one_is_made(void **state)
{
    struct sf *f = *state;
    struct lnt_officer pc = officer(7, LNT_OFFICER_POLICE, "Northshire");
    struct lnt_place_incident in;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t park = 0;
    enum { ROUNDS = 5 };

    assert_int_equal(lnt_store_place_add(f->s, "Castle Park", SF_T0, &park, err), LNT_OK);
    for (int round = 0; round < ROUNDS; round++) {
        pthread_barrier_t start;
        struct racer r[2];
        pthread_t th[2];

        in = incident(park, SF_T0 + round * H, "theft", "Phone taken by the gate");
        assert_int_equal(lnt_store_place_incident_add(f->s, &pc, &in, err), LNT_OK);
        assert_int_equal(pthread_barrier_init(&start, NULL, 2), 0);
        for (int i = 0; i < 2; i++) {
            memset(&r[i], 0, sizeof r[i]);
            r[i].s = f->s;
            r[i].start = &start;
            r[i].o = officer(10 + i, LNT_OFFICER_OFFICER, "Northshire");
            r[i].old_id = in.id;
            r[i].in = incident(park, SF_T0 + round * H, i == 0 ? "disorder" : "other", "");
            lnt_str_copy(r[i].in.reason, sizeof r[i].in.reason, "Nothing was taken");
            assert_int_equal(pthread_create(&th[i], NULL, racer_main, &r[i]), 0);
        }
        for (int i = 0; i < 2; i++)
            assert_int_equal(pthread_join(th[i], NULL), 0);
        pthread_barrier_destroy(&start);
        assert_true((r[0].rc == LNT_OK && r[1].rc == LNT_ERR_STATE) ||
                    (r[0].rc == LNT_ERR_STATE && r[1].rc == LNT_OK));
        assert_non_null(strstr(r[r[0].rc == LNT_OK ? 1 : 0].err, "corrected already"));
    }
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM place_incidents"), 2 * ROUNDS);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM place_incidents WHERE "
                                         "superseded_by <> 0"),
                     ROUNDS);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = "
                                         "'place.incident.supersede'"),
                     ROUNDS);
}

/* A PNG header: signature and IHDR with the given size. */
static size_t png(uint8_t *b, uint32_t w, uint32_t h)
{
    static const uint8_t head[16] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n',
                                     0,    0,   0,   13,  'I',  'H',  'D',  'R'};
    memcpy(b, head, sizeof head);
    b[16] = (uint8_t)(w >> 24), b[17] = (uint8_t)(w >> 16), b[18] = (uint8_t)(w >> 8),
    b[19] = (uint8_t)w;
    b[20] = (uint8_t)(h >> 24), b[21] = (uint8_t)(h >> 16), b[22] = (uint8_t)(h >> 8),
    b[23] = (uint8_t)h;
    memset(b + 24, 0, 9);
    return 33;
}

static void test_store_map__image_checked_by_magic_bytes_and_size(void **state)
{
    struct sf *f = *state;
    static const uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 4,   0, 0, 0xFF, 0xC0, 0,
                                   11,   8,    0,    120,  0, 200, 1, 1, 0x11, 0};
    uint8_t b[64];
    uint8_t *big;
    struct lnt_map_box box;
    struct lnt_map_image m;
    const char *mime;
    int32_t w, h;
    char err[LNT_ERRBUF_SIZE] = "";

    assert_int_equal(lnt_map_image_sniff(jpeg, sizeof jpeg, &mime, &w, &h, err), LNT_OK);
    assert_string_equal(mime, "image/jpeg");
    assert_int_equal(w, 200);
    assert_int_equal(h, 120);
    assert_int_equal(
        lnt_map_image_sniff((const uint8_t *)"GIF89a..........", 16, &mime, &w, &h, err),
        LNT_ERR_INVALID);
    assert_non_null(strstr(err, "PNG or JPEG"));
    png(b, 9000, 10);
    assert_int_equal(lnt_map_image_sniff(b, 33, &mime, &w, &h, err), LNT_ERR_TOO_LARGE);

    /* Corners in any order make the same box; a flat box is refused. */
    assert_int_equal(lnt_map_box_from_corners(51.44, -2.58, 51.46, -2.60, &box, err), LNT_OK);
    assert_true(box.north > box.south && box.east > box.west);
    assert_int_equal(lnt_map_box_from_corners(51.44, -2.58, 51.44, -2.60, &box, err),
                     LNT_ERR_INVALID);
    assert_int_equal(lnt_map_box_from_corners(51.44, -2.58, 51.46, -2.60, &box, err), LNT_OK);

    assert_int_equal(lnt_store_map_image_get(f->s, false, &m, err), LNT_ERR_NOT_FOUND);
    big = calloc(1, LNT_MAP_IMAGE_MAX + 1);
    assert_non_null(big);
    png(big, 100, 100);
    assert_int_equal(
        lnt_store_map_image_set(f->s, big, LNT_MAP_IMAGE_MAX + 1, &box, "cli", SF_T0, err),
        LNT_ERR_TOO_LARGE);
    free(big);
    assert_int_equal(lnt_store_map_image_set(f->s, jpeg, 3, &box, "cli", SF_T0, err),
                     LNT_ERR_INVALID);
    assert_int_equal(lnt_store_map_image_get(f->s, false, &m, err), LNT_ERR_NOT_FOUND);

    assert_int_equal(lnt_store_map_image_set(f->s, b, png(b, 640, 480), &box, "cli", SF_T0, err),
                     LNT_OK);
    assert_int_equal(lnt_store_map_image_get(f->s, true, &m, err), LNT_OK);
    assert_string_equal(m.mime, "image/png");
    assert_int_equal(m.width, 640);
    assert_int_equal(m.height, 480);
    assert_int_equal(m.len, 33);
    assert_memory_equal(m.data, b, 33);
    assert_true(m.box.north > 51.459 && m.box.west < -2.599);
    lnt_map_image_release(&m);
    assert_int_equal(
        sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = 'map.image'"), 1);
}

/* A new image replaces the old one, and what is read back is the bytes uploaded, every byte
 * value included; the box and size are there without the bytes. */
static void test_store_map__image_replaced_and_kept_byte_for_byte(void **state)
{
    struct sf *f = *state;
    static const uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 4,   0, 0, 0xFF, 0xC0, 0,
                                   11,   8,    0,    120,  0, 200, 1, 1, 0x11, 0};
    uint8_t img[33 + 1024];
    struct lnt_map_box box;
    struct lnt_map_image m;
    char err[LNT_ERRBUF_SIZE] = "";

    png(img, 320, 240);
    for (size_t i = 33; i < sizeof img; i++)
        img[i] = (uint8_t)(i * 7);
    assert_int_equal(lnt_map_box_from_corners(51.46, -2.60, 51.44, -2.58, &box, err), LNT_OK);
    assert_int_equal(
        lnt_store_map_image_set(f->s, img, sizeof img, &box, "web:a@example.org", SF_T0, err),
        LNT_OK);
    assert_int_equal(lnt_store_map_image_get(f->s, true, &m, err), LNT_OK);
    assert_int_equal(m.len, sizeof img);
    assert_memory_equal(m.data, img, sizeof img);
    assert_string_equal(m.uploaded_by, "web:a@example.org");
    assert_int_equal(m.uploaded_at, SF_T0);
    assert_true(m.box.north == box.north && m.box.south == box.south && m.box.west == box.west &&
                m.box.east == box.east);
    lnt_map_image_release(&m);
    assert_int_equal(lnt_store_map_image_get(f->s, false, &m, err), LNT_OK);
    assert_null(m.data);
    assert_int_equal(m.len, 0);
    assert_int_equal(m.width, 320);
    lnt_map_image_release(&m);

    assert_int_equal(lnt_store_map_image_set(f->s, jpeg, sizeof jpeg, &box, "cli", SF_T0 + H, err),
                     LNT_OK);
    assert_int_equal(lnt_store_map_image_get(f->s, true, &m, err), LNT_OK);
    assert_string_equal(m.mime, "image/jpeg");
    assert_int_equal(m.len, sizeof jpeg);
    assert_memory_equal(m.data, jpeg, sizeof jpeg);
    assert_int_equal(m.width, 200);
    assert_string_equal(m.uploaded_by, "cli");
    lnt_map_image_release(&m);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM map_image"), 1);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log WHERE action = "
                                         "'map.image' AND actor = 'web:a@example.org'"),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_map__coordinates_are_validated),
        cmocka_unit_test_setup_teardown(test_store_map__places_keep_kind_coordinates_and_authority,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_map__venue_coordinates_set_and_cleared, sf_setup,
                                        sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_map__officer_incidents_are_superseded_not_deleted, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_map__correction_needs_a_reason_and_keeps_the_history, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_map__incidents_are_scoped_to_the_officers_authority, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_map__image_checked_by_magic_bytes_and_size,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_map__places_by_name_and_positions_exact,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_map__two_corrections_at_once_one_is_made,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_map__image_replaced_and_kept_byte_for_byte,
                                        sf_setup, sf_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
