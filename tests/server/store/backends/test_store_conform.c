/* test_store_conform.c - the officers' reads answer alike on both backends: the same rows,
 * written with plain SQL into a SQLite file and a PostgreSQL database (a throwaway cluster the
 * suite starts), read through each backend's store functions, must give byte-identical results,
 * errors and messages (paging, order, empty windows and bad arguments included). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "codec.h"
#include "keyfile.h"
#include "ltime.h"
#include "night.h"
#include "pgcluster.h"
#include "store.h"
#include "store_hotspots.h"
#include "store_map.h"
#include "store_places.h"
#include "support.h"

static struct lnt_store *sq, *pq;
static char *dir, *sqpath;
static char uri[LNT_PG_URI_MAX];
static struct lnt_pg_cluster *cl;
static uint8_t box_pk[32];

static void sq_sql(const char *sql)
{
    sqlite3 *db = NULL;
    char *e = NULL;
    assert_int_equal(sqlite3_open(sqpath, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &e) != SQLITE_OK)
        fail_msg("sqlite %s: %s", sql, e);
    sqlite3_close(db);
}

static int64_t sq_int(const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    assert_int_equal(sqlite3_open(sqpath, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void both_sql(const char *sql)
{
    sq_sql(sql);
    lnt_pg_run(uri, sql);
}

/* Rows compared so far: each test fails if its data left its comparisons (nearly) empty. */
static size_t compared;

/* Fails naming the first differing row when two result arrays of n rows differ. */
static void same_rows(const char *what, const void *a, const void *b, size_t n, size_t size)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp((const char *)a + i * size, (const char *)b + i * size, size) != 0)
            fail_msg("%s: row %zu of %zu differs between SQLite and PostgreSQL", what, i, n);
    compared += n;
}
#define SAME(what, a, b, sz) same_rows((what), (a), (b), 1, (sz))

#define CHECK(call_sq, call_pq)                                                                    \
    do {                                                                                           \
        char e1[LNT_ERRBUF_SIZE] = "", e2[LNT_ERRBUF_SIZE] = "";                                   \
        enum lnt_err r1_, r2_;                                                                     \
        {                                                                                          \
            char *err = e1;                                                                        \
            struct lnt_store *s = sq;                                                              \
            r1_ = call_sq;                                                                         \
        }                                                                                          \
        {                                                                                          \
            char *err = e2;                                                                        \
            struct lnt_store *s = pq;                                                              \
            r2_ = call_pq;                                                                         \
        }                                                                                          \
        if (r1_ != r2_ || strcmp(e1, e2) != 0)                                                     \
            fail_msg("line %d: sqlite %d '%s' vs pg %d '%s'", __LINE__, r1_, e1, r2_, e2);         \
    } while (0)

static void seal(const char *text, char out[1024])
{
    uint8_t b[512];
    size_t n = strlen(text);
    crypto_box_seal(b, (const uint8_t *)text, n, box_pk);
    lnt_b64_encode(b, n + crypto_box_SEALBYTES, out);
}

static void setup_data(void)
{
    char err[LNT_ERRBUF_SIZE] = "";
    const char *names[] = {"The Crown", "Club Nova", "Bar One", "Safe Haven"};
    const char *areas[] = {"Centre", "Riverside", "Centre", "Centre"};
    const char *auths[] = {"Westham", "Eastham", "Westham", "Westham"};
    static char sql[40000], s1[1024], s2[1024];

    for (int i = 0; i < 4; i++) {
        struct lnt_venue v;
        memset(&v, 0, sizeof v);
        lnt_str_copy(v.name, sizeof v.name, names[i]);
        v.category = i == 3 ? LNT_VENUE_HUB : LNT_VENUE_PUB;
        v.capacity = 100 + i;
        lnt_str_copy(v.area, sizeof v.area, areas[i]);
        lnt_str_copy(v.authority, sizeof v.authority, auths[i]);
        v.joined_on = i == 2 ? 20000 : 0;
        struct lnt_venue w = v;
        assert_int_equal(lnt_store_venue_add(sq, &v, err), LNT_OK);
        assert_int_equal(lnt_store_venue_add(pq, &w, err), LNT_OK);
        assert_int_equal(v.id, w.id);
    }
    both_sql("UPDATE venues SET created_at = 1000, closed_at = 5 WHERE id = 3; UPDATE venues SET "
             "created_at = 1000");
    sq_sql("INSERT INTO kiosks (id, venue_id, pk, enrolled_at, last_seen, revoked) VALUES "
           "(1, 1, x'0101010101010101010101010101010101010101010101010101010101010101', "
           "1795000000, 1795813300, 0),"
           "(2, 1, x'0202020202020202020202020202020202020202020202020202020202020202', "
           "1795000500, 1795813900, 1),"
           "(3, 2, x'0303030303030303030303030303030303030303030303030303030303030303', "
           "1795100000, 0, 0)");
    lnt_pg_run(uri, "INSERT INTO kiosks (id, venue_id, pk, enrolled_at, last_seen, revoked) VALUES "
                    "(1, 1, '\\x0101010101010101010101010101010101010101010101010101010101010101', "
                    "1795000000, 1795813300, 0),"
                    "(2, 1, '\\x0202020202020202020202020202020202020202020202020202020202020202', "
                    "1795000500, 1795813900, 1),"
                    "(3, 2, '\\x0303030303030303030303030303030303030303030303030303030303030303', "
                    "1795100000, 0, 0)");
    both_sql("INSERT INTO staff (id, venue_id, name, role, sia_number, sia_expires, created_at, "
             "left_at) VALUES "
             "(1, 1, 'Sam Door', 1, '1234567812345678', 20700, 1, 0),"
             "(2, 1, 'Jo Bar', 2, '', 0, 1, 0),"
             "(3, 1, 'Old Hand', 2, '', 0, 1, 99),"
             "(4, 2, 'Al Door', 1, '8765432187654321', 20700, 1, 0)");
    both_sql("INSERT INTO training (id, staff_id, course, completed, expires, created_at) VALUES "
             "(1, 1, 2, 20000, 20300, 1), (2, 1, 2, 20100, 20400, 1), (3, 1, 3, 20000, 0, 1),"
             "(4, 2, 2, 20050, 20200, 1), (5, 3, 2, 20050, 20200, 1), (6, 4, 1, 20000, 20500, 1)");
    both_sql(
        "INSERT INTO sia_history (number, from_day, status, note, set_at, set_by) VALUES "
        "('1234567812345678', 20780, 1, '', 1, 'x'), ('1234567812345678', 20790, 2, '', 1, 'x'),"
        "('8765432187654321', 20700, 0, '', 1, 'x')");
    /* shifts around 2026-11-27 (night 20784) */
    both_sql("INSERT INTO shifts (id, venue_id, kiosk_id, staff_id, serial, role, sia_number, "
             "sia_status, verdict, "
             "on_at, off_at, night, vuln_trained, angela_trained, bystander_trained, sia_ok, "
             "badge_flag, off_by, "
             "training_missing, duty) VALUES "
             "(1, 1, 1, '1', 'a1', 1, '1234567812345678', 0, 0, 1795813200, 1795831200, 20784, 1, "
             "1, 0, 1, 0, '', 0, 0),"
             "(2, 1, 1, '2', 'b2', 2, '', 0, 0, 1795813300, NULL, 20784, 0, 1, 1, 1, 1, '', 4, 1),"
             "(3, 1, 1, '01', 'a1', 1, '1234567812345678', 0, 0, 1795399200, 1795410000, 20779, 1, "
             "0, 0, 1, 2, '7', 0, 0),"
             "(4, 1, 1, 'x9', 'zz', 1, '', 3, 1, 1795813250, NULL, 20784, 0, 0, 0, 0, 0, '', 0, 0),"
             "(5, 2, 3, '4', 'c3', 1, '8765432187654321', 0, 0, 1795813200, NULL, 20784, 0, 0, 0, "
             "1, 0, '', 0, 0),"
             "(6, 1, 1, '1', 'a1', 1, '1234567812345678', 0, 0, 1796331600, NULL, 20790, 0, 0, 0, "
             "1, 0, '', 0, 0)");
    both_sql(
        "INSERT INTO flags (id, kind, venue_id, other_venue_id, kiosk_id, staff_id, serial, at, "
        "seq, other) VALUES "
        "(1, 1, 1, 2, 1, '1', 'a1', 1795813200, 3, 0), (2, 2, 2, 0, 3, '', '', 1795813200, 4, 9),"
        "(3, 1, 1, 0, 1, '2', 'b2', 1795813500, 5, 1), (4, 3, 4, 1, 1, '', '', 1795700000, 1, 0)");
    seal("{\"what\":\"odd\"}", s1);
    seal("{\"outcome\":\"ambulance\"}", s2);
    snprintf(sql, sizeof sql,
             "INSERT INTO incidents (id, report_id, venue_id, kiosk_id, kind, severity, place, "
             "outcome, police_called, "
             "complete, staff_id, occurred_at, first_recorded_at, updated_at, latest_seq, updates, "
             "night, within_hour, sealed) VALUES "
             "(1, '11111111-1111-4111-8111-111111111111', 1, 1, 'spiking', 2, 'bar', 'ok', 1, 1, "
             "'1', 1795813200, 1795813300, 1795813400, 3, 2, 20784, 1, '%s'),"
             "(2, '22222222-2222-4222-8222-222222222222', 1, 1, 'angela', 1, 'door', '', 0, 0, "
             "'2', 1795816800, 1795816800, 1795816800, 4, 1, 20784, 0, NULL),"
             "(3, '33333333-3333-4333-8333-333333333333', 2, 3, 'violence', 3, '', '', 0, 1, '4', "
             "1795816800, 1795816800, 1795816800, 5, 1, 20784, 1, ''),"
             "(4, '44444444-4444-4444-8444-444444444444', 3, 1, 'violence', 3, '', '', 0, 1, '4', "
             "1795700000, 1795700000, 1795700000, 5, 1, 20783, 1, 'Zm9v');"
             "INSERT INTO incident_parts (id, incident_id, kiosk_id, seq, recorded_at, "
             "received_at, complete, sealed) VALUES "
             "(1, 1, 1, 2, 1795813300, 1795813310, 0, '%s'), (2, 1, 1, 3, 1795813400, 1795813410, "
             "1, 'Zm9v'),"
             "(3, 1, 1, 4, 1795813500, 1795813510, 1, NULL)",
             s2, s1);
    both_sql(sql);
    both_sql("INSERT INTO stock_levels (venue_id, level, updated_at) VALUES (1, 120, 1795813200), "
             "(2, 0, 1795813000);"
             "INSERT INTO stock_ledger (id, venue_id, kiosk_id, at, kind, quantity, level_after, "
             "staff_id) VALUES "
             "(1, 1, 1, 1795813200, 'count', 120, 120, '1'), (2, 1, 1, 1795813100, 'delivery', 50, "
             "100, '2'),"
             "(3, 2, 3, 1795813000, 'count', 0, 0, '4')");
    both_sql("INSERT INTO rollup_night (venue_id, night, contacts, sign_ins, door_shifts, "
             "door_sia_ok, door_vuln_trained, "
             "angela_on_shift, staff_shifts, staff_bystander, open_shifts, incidents, "
             "incidents_within_hour, spiking, "
             "spiking_complete, angela, refused, stock_events, cup_level) VALUES "
             "(1, 20780, 5, 2, 1, 1, 1, 1, 2, 1, 0, 1, 1, 0, 0, 1, 0, 1, 80),"
             "(1, 20784, 9, 3, 2, 1, 1, 1, 3, 1, 2, 2, 1, 1, 1, 1, 1, 2, 120),"
             "(1, 20785, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL),"
             "(2, 20784, 4, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1, 0),"
             "(3, 20783, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, NULL)");
    both_sql("INSERT INTO rollup_hour (venue_id, hour, type, kind, count) VALUES "
             "(1, 498837, 4, '', 2), (1, 498837, 4, 'spiking', 1), (1, 498838, 4, 'angela', 1),"
             "(1, 498837, 1, '', 3), (2, 498838, 4, '', 1), (2, 498838, 4, 'violence', 1),"
             "(3, 498805, 4, 'violence', 1), (3, 498805, 4, '', 1), (1, 496000, 4, 'Angela', 2),"
             "(1, 496000, 4, 'zeta', 0), (2, 490000, 2, '', 7)");
    both_sql("INSERT INTO rollup_night_kind (venue_id, night, kind, count) VALUES "
             "(1, 20780, 'angela', 1), (1, 20784, 'angela', 1), (1, 20784, 'spiking', 1),"
             "(2, 20784, 'violence', 1), (2, 20785, 'violence', 2), (3, 20783, 'violence', 1),"
             "(3, 20784, 'Violence', 1), (3, 20785, 'Violence', 1), (1, 20785, 'b', 0)");
    both_sql("INSERT INTO volunteer_shifts (id, venue_id, kiosk_id, staff_id, call_sign, team, "
             "team_size, start_at, end_at, "
             "at, night, water, flip_flops, blankets, bottles, first_aid, cctv_calls, "
             "police_calls, calmed, base, leader) VALUES "
             "(1, 4, 1, '9', 'S1', 'street', 3, 1795813200, 1795830000, 1795813200, 20784, 4, 1, "
             "0, 2, 1, 0, 0, 1, 'bus', 'self'),"
             "(2, 4, 1, '9', 'S2', 'Street', 2, 1795813200, 0, 1795813200, 20784, 1, 0, 0, 0, 0, "
             "0, 0, 0, 'patrol', ''),"
             "(3, 4, 1, '8', 'S3', 'street', 0, 1793000000, 1793010000, 1793000000, 20751, 2, 2, "
             "2, 2, 2, 2, 2, 2, 'bus', 'other'),"
             "(4, 1, 1, '7', 'S4', 'pastors', 2, 1795813300, 1795820000, 1795813300, 20784, 0, 0, "
             "1, 0, 0, 0, 0, 0, 'safe_haven', '')");
    both_sql("INSERT INTO welfare (id, venue_id, kiosk_id, seq, staff_id, place, what, outcome, "
             "occurred_at) VALUES "
             "(1, 4, 1, 1, '9', 'Castle Park', 'intoxicated', 'taxi', 1795820000),"
             "(2, 4, 1, 2, '9', 'Market St', 'injured', 'ambulance', 1795810000),"
             "(3, 4, 1, 3, '9', 'Castle Park', 'alone', 'home', 1795820000)");
}

static int setup(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "", *kpath;
    struct lnt_box_key b;

    (void)state;
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    dir = lnt_test_tmpdir();
    sqpath = lnt_test_path(dir, "lantern.db");
    kpath = lnt_test_path(dir, "lantern.keys");
    crypto_box_keypair(b.pk, b.sk);
    memcpy(box_pk, b.pk, 32);
    if (lnt_keyfile_add(kpath, NULL, 0, &b, 1, err) != LNT_OK)
        fail_msg("keys: %s", err);
    cl = lnt_pg_cluster_start();
    lnt_pg_cluster_db(cl, uri);
    if (lnt_store_open_keys(&sq, sqpath, kpath, err) != LNT_OK)
        fail_msg("sq: %s", err);
    if (lnt_store_open_keys(&pq, uri, kpath, err) != LNT_OK)
        fail_msg("pg: %s", err);
    free(kpath);
    setup_data();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lnt_store_free(sq);
    lnt_store_free(pq);
    lnt_pg_cluster_stop(cl);
    lnt_test_rmrf(dir);
    return 0;
}

#define LIST(T, call_args_sq, call_args_pq, name)                                                  \
    do {                                                                                           \
        T *a = NULL, *b = NULL;                                                                    \
        size_t na = 0, nb = 0;                                                                     \
        CHECK(call_args_sq, call_args_pq);                                                         \
        if (na != nb)                                                                              \
            fail_msg("%s: %zu rows vs %zu", name, na, nb);                                         \
        same_rows(name, a, b, na, sizeof *a);                                                      \
        free(a);                                                                                   \
        free(b);                                                                                   \
    } while (0)

static void test_store_conform__views_answer_as_on_sqlite(void **state)
{
    size_t before = compared;

    (void)state;
    for (int64_t v = 0; v <= 5; v++) {
        LIST(struct lnt_shift, lnt_store_register_list(s, v, 0, 0, 0, 100, &a, &na, err),
             lnt_store_register_list(s, v, 0, 0, 0, 100, &b, &nb, err), "register");
        LIST(struct lnt_shift,
             lnt_store_register_list(s, v, 1795813200, 1795813300, 0, 100, &a, &na, err),
             lnt_store_register_list(s, v, 1795813200, 1795813300, 0, 100, &b, &nb, err),
             "register win");
        LIST(struct lnt_shift, lnt_store_register_list(s, v, 0, 0, 1, 2, &a, &na, err),
             lnt_store_register_list(s, v, 0, 0, 1, 2, &b, &nb, err), "register page");
        LIST(struct lnt_shift, lnt_store_door_unlicensed(s, v, 20770, 20800, &a, &na, err),
             lnt_store_door_unlicensed(s, v, 20770, 20800, &b, &nb, err), "unlicensed");
        for (int k = 0; k < 4; k++)
            LIST(struct lnt_flag,
                 lnt_store_flag_list(s, v, (enum lnt_flag_kind)k, 0, 0, 0, 10, &a, &na, err),
                 lnt_store_flag_list(s, v, (enum lnt_flag_kind)k, 0, 0, 0, 10, &b, &nb, err),
                 "flags");
        LIST(struct lnt_stock_entry, lnt_store_stock_ledger(s, v, 0, 0, 0, 10, &a, &na, err),
             lnt_store_stock_ledger(s, v, 0, 0, 0, 10, &b, &nb, err), "ledger");
        {
            struct lnt_stock_level x, y;
            CHECK(lnt_store_stock_get(s, v, &x, err), lnt_store_stock_get(s, v, &y, err));
            SAME("stock", &x, &y, sizeof x);
        }
    }
    LIST(struct lnt_shift, lnt_store_register_list(s, 1, 0, 0, 0, 0, &a, &na, err),
         lnt_store_register_list(s, 1, 0, 0, 0, 0, &b, &nb, err), "register bad page");
    LIST(struct lnt_flag, lnt_store_flag_list(s, 0, 0, 0, 0, 0, 1001, &a, &na, err),
         lnt_store_flag_list(s, 0, 0, 0, 0, 0, 1001, &b, &nb, err), "flags bad page");
    LIST(struct lnt_flag, lnt_store_flag_list(s, 0, 0, 1795813200, 1795813500, 0, 10, &a, &na, err),
         lnt_store_flag_list(s, 0, 0, 1795813200, 1795813500, 0, 10, &b, &nb, err), "flags win");
    LIST(struct lnt_stock_level, lnt_store_stock_levels(s, NULL, &a, &na, err),
         lnt_store_stock_levels(s, NULL, &b, &nb, err), "levels");
    LIST(struct lnt_stock_level, lnt_store_stock_levels(s, "Westham", &a, &na, err),
         lnt_store_stock_levels(s, "Westham", &b, &nb, err), "levels W");
    const char *auths[] = {NULL, "", "Westham", "Eastham", "Nowhere"};
    const char *kinds[] = {NULL, "violence", "spiking"};
    for (int v = 0; v < 4; v++)
        for (int ai = 0; ai < 5; ai++)
            for (int ki = 0; ki < 3; ki++) {
                struct lnt_incident_filter f = {
                    .venue_id = v, .authority = auths[ai], .kind = kinds[ki]};
                LIST(struct lnt_incident, lnt_store_incident_list(s, &f, 0, 10, &a, &na, err),
                     lnt_store_incident_list(s, &f, 0, 10, &b, &nb, err), "incidents");
                LIST(struct lnt_incident, lnt_store_incident_list(s, &f, 1, 1, &a, &na, err),
                     lnt_store_incident_list(s, &f, 1, 1, &b, &nb, err), "incidents p");
                f.from = 1795813200;
                f.to = 1795816800;
                LIST(struct lnt_incident, lnt_store_incident_list(s, &f, 0, 10, &a, &na, err),
                     lnt_store_incident_list(s, &f, 0, 10, &b, &nb, err), "incidents w");
            }
    const char *ids[] = {"11111111-1111-4111-8111-111111111111",
                         "22222222-2222-4222-8222-222222222222",
                         "33333333-3333-4333-8333-333333333333",
                         "44444444-4444-4444-8444-444444444444",
                         "55555555-5555-4555-8555-555555555555",
                         "",
                         "x"};
    for (int i = 0; i < 7; i++) {
        struct lnt_incident x, y;
        char *s1 = calloc(1, LNT_SEALED_MAX), *s2 = calloc(1, LNT_SEALED_MAX);
        char d1[256], d2[256];
        size_t l1 = 0, l2 = 0, n1 = 0, n2 = 0;
        struct lnt_incident_part *p1 = NULL, *p2 = NULL;
        CHECK(lnt_store_incident_get(s, ids[i], &x, err),
              lnt_store_incident_get(s, ids[i], &y, err));
        SAME("inc get", &x, &y, sizeof x);
        memset(&x, 0, sizeof x);
        memset(&y, 0, sizeof y);
        CHECK(lnt_store_incident_details(s, ids[i], "off", &x, s1, err),
              lnt_store_incident_details(s, ids[i], "off", &y, s2, err));
        SAME("inc det", &x, &y, sizeof x);
        assert_string_equal(s1, s2);
        CHECK(lnt_store_incident_open(s, ids[i], "off", &x, d1, sizeof d1, &l1, err),
              lnt_store_incident_open(s, ids[i], "off", &y, d2, sizeof d2, &l2, err));
        assert_string_equal(d1, d2);
        assert_int_equal(l1, l2);
        CHECK(lnt_store_incident_open(s, ids[i], "off", &x, d1, 8, &l1, err),
              lnt_store_incident_open(s, ids[i], "off", &y, d2, 8, &l2, err));
        CHECK(
            lnt_store_incident_open_parts(s, ids[i], "off", &x, d1, sizeof d1, &l1, &p1, &n1, err),
            lnt_store_incident_open_parts(s, ids[i], "off", &y, d2, sizeof d2, &l2, &p2, &n2, err));
        assert_int_equal(n1, n2);
        same_rows("parts", p1, p2, n1, sizeof *p1);
        lnt_store_incident_parts_free(p1, n1);
        lnt_store_incident_parts_free(p2, n2);
        CHECK(lnt_store_incident_open(s, ids[i], "", &x, d1, sizeof d1, &l1, err),
              lnt_store_incident_open(s, ids[i], "", &y, d2, sizeof d2, &l2, err));
        free(s1);
        free(s2);
    }
    /* one audit row per reading, on both */
    assert_int_equal(
        lnt_pg_int(uri, "SELECT count(*) FROM audit_log WHERE action = 'incident.read'"), 16);
    assert_int_equal(sq_int("SELECT count(*) FROM audit_log WHERE action = 'incident.read'"), 16);
    assert_true(compared - before > 20);
}

struct walk {
    char buf[8192];
    size_t len;
};

static int walk_inc(void *ctx, const struct lnt_incident *inc)
{
    struct walk *w = ctx;
    w->len += (size_t)snprintf(w->buf + w->len, sizeof w->buf - w->len, "%s/%" PRId64 ";",
                               inc->report_id, inc->venue_id);
    return 0;
}

static int walk_nights(void *ctx, const struct lnt_venue *v, const struct lnt_night_rollup *n,
                       size_t cnt)
{
    struct walk *w = ctx;
    w->len += (size_t)snprintf(w->buf + w->len, sizeof w->buf - w->len, "%" PRId64 "%s:%d", v->id,
                               v->name, v->evidence_from);
    for (size_t i = 0; i < cnt; i++)
        w->len +=
            (size_t)snprintf(w->buf + w->len, sizeof w->buf - w->len, ",%d/%d/%d/%d", n[i].contacts,
                             n[i].incidents, n[i].cup_level, n[i].cup_level_known);
    return 0;
}

static void test_store_conform__rollups_answer_as_on_sqlite(void **state)
{
    size_t before = compared;

    (void)state;
    struct walk w1, w2;
    const char *auths[] = {NULL, "Westham", "Eastham"};
    for (int ai = 0; ai < 3; ai++) {
        struct lnt_incident_filter f = {.authority = auths[ai]};
        memset(&w1, 0, sizeof w1);
        memset(&w2, 0, sizeof w2);
        CHECK(lnt_store_incident_each(s, &f, walk_inc, &w1, err),
              lnt_store_incident_each(s, &f, walk_inc, &w2, err));
        assert_string_equal(w1.buf, w2.buf);
        memset(&w1, 0, sizeof w1);
        memset(&w2, 0, sizeof w2);
        CHECK(lnt_store_rollup_nights_each(s, auths[ai], 20779, 20786, walk_nights, &w1, err),
              lnt_store_rollup_nights_each(s, auths[ai], 20779, 20786, walk_nights, &w2, err));
        assert_string_equal(w1.buf, w2.buf);
    }
    for (int64_t v = 0; v <= 4; v++) {
        LIST(struct lnt_night_rollup, lnt_store_rollup_nights(s, v, 20781, 20786, &a, &na, err),
             lnt_store_rollup_nights(s, v, 20781, 20786, &b, &nb, err), "nights");
        struct lnt_venue_detail x, y;
        CHECK(lnt_store_venue_detail(s, v, 20779, 20786, &x, err),
              lnt_store_venue_detail(s, v, 20779, 20786, &y, err));
        SAME("detail", &x, &y, sizeof x);
        LIST(struct lnt_training_coverage, lnt_store_training_coverage(s, v, &a, &na, err),
             lnt_store_training_coverage(s, v, &b, &nb, err), "coverage");
    }
    LIST(struct lnt_night_rollup, lnt_store_rollup_nights(s, 1, 20786, 20781, &a, &na, err),
         lnt_store_rollup_nights(s, 1, 20786, 20781, &b, &nb, err), "nights bad");
    LIST(struct lnt_night_rollup, lnt_store_rollup_nights(s, 1, 0, 20781, &a, &na, err),
         lnt_store_rollup_nights(s, 1, 0, 20781, &b, &nb, err), "nights big");
    struct lnt_rollup_scope scopes[] = {{0},
                                        {.venue_id = 1},
                                        {.venue_id = 2},
                                        {.area = "Centre"},
                                        {.authority = "Westham"},
                                        {.area = "Centre", .authority = "Eastham"},
                                        {.venue_id = 1, .area = "Riverside"},
                                        {.venue_id = 4, .authority = "Westham"}};
    for (size_t i = 0; i < sizeof scopes / sizeof scopes[0]; i++) {
        struct lnt_rollup_scope *sc = &scopes[i];
        struct lnt_night_rollup x, y;
        int64_t g1[7][24], g2[7][24];
        CHECK(lnt_store_rollup_totals(s, sc, 20779, 20786, &x, err),
              lnt_store_rollup_totals(s, sc, 20779, 20786, &y, err));
        SAME("totals", &x, &y, sizeof x);
        for (int t = 0; t <= 5; t++) {
            const char *ks[] = {NULL, "", "angela", "violence"};
            for (int k = 0; k < 4; k++) {
                CHECK(lnt_store_rollup_hour_of_week(s, sc, (enum lnt_event_type)t, ks[k], 0, 0, g1,
                                                    err),
                      lnt_store_rollup_hour_of_week(s, sc, (enum lnt_event_type)t, ks[k], 0, 0, g2,
                                                    err));
                SAME("how", g1, g2, sizeof g1);
                CHECK(lnt_store_rollup_hour_of_week(s, sc, (enum lnt_event_type)t, ks[k],
                                                    1795813200, 1795830000, g1, err),
                      lnt_store_rollup_hour_of_week(s, sc, (enum lnt_event_type)t, ks[k],
                                                    1795813200, 1795830000, g2, err));
                SAME("how", g1, g2, sizeof g1);
            }
        }
        LIST(struct lnt_month_count, lnt_store_rollup_months(s, sc, 0, 1800000000, &a, &na, err),
             lnt_store_rollup_months(s, sc, 0, 1800000000, &b, &nb, err), "months");
        for (int mn = 0; mn < 3; mn++)
            LIST(struct lnt_repeat_location,
                 lnt_store_repeat_locations(s, sc, 20770, 20790, mn, 10, &a, &na, err),
                 lnt_store_repeat_locations(s, sc, 20770, 20790, mn, 10, &b, &nb, err), "repeat");
        LIST(struct lnt_repeat_location,
             lnt_store_repeat_locations(s, sc, 20770, 20790, 1, 0, &a, &na, err),
             lnt_store_repeat_locations(s, sc, 20770, 20790, 1, 0, &b, &nb, err), "repeat bad");
        LIST(struct lnt_volunteer_shift,
             lnt_store_volunteer_list(s, sc, NULL, 0, 0, 0, 10, &a, &na, err),
             lnt_store_volunteer_list(s, sc, NULL, 0, 0, 0, 10, &b, &nb, err), "vol");
        LIST(struct lnt_volunteer_shift,
             lnt_store_volunteer_list(s, sc, "street", 0, 0, 0, 10, &a, &na, err),
             lnt_store_volunteer_list(s, sc, "street", 0, 0, 0, 10, &b, &nb, err), "vol street");
        LIST(struct lnt_volunteer_month,
             lnt_store_volunteer_months(s, sc, 20700, 20800, &a, &na, err),
             lnt_store_volunteer_months(s, sc, 20700, 20800, &b, &nb, err), "vol months");
    }
    LIST(struct lnt_volunteer_shift,
         lnt_store_volunteer_list(s, NULL, NULL, 0, 0, 1, 2, &a, &na, err),
         lnt_store_volunteer_list(s, NULL, NULL, 0, 0, 1, 2, &b, &nb, err), "vol null");
    for (int ai = 0; ai < 3; ai++)
        for (int inc = 0; inc < 2; inc++) {
            LIST(struct lnt_venue_summary,
                 lnt_store_venue_summaries(s, auths[ai], inc, 20779, 20786, 0, 10, &a, &na, err),
                 lnt_store_venue_summaries(s, auths[ai], inc, 20779, 20786, 0, 10, &b, &nb, err),
                 "summaries");
            LIST(struct lnt_venue_summary,
                 lnt_store_venue_summaries(s, auths[ai], inc, 20779, 20786, 1, 1, &a, &na, err),
                 lnt_store_venue_summaries(s, auths[ai], inc, 20779, 20786, 1, 1, &b, &nb, err),
                 "summaries p");
        }
    assert_true(compared - before > 20);
}

static void test_store_conform__places_answer_as_on_sqlite(void **state)
{
    size_t before = compared;

    (void)state;
    int64_t i1 = 0, i2 = 0;
    const char *names[] = {"Market Street",
                           "castle park",
                           "Castle Park",
                           "",
                           " x",
                           "Bus\nstation",
                           "A very long name for a place, longer than a button",
                           "Zebra",
                           "apple",
                           "Äpfel"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        CHECK(lnt_store_place_add(s, names[i], 100, &i1, err),
              lnt_store_place_add(s, names[i], 100, &i2, err));
        assert_int_equal(i1, i2);
    }
    LIST(struct lnt_place, lnt_store_place_list(s, &a, &na, err),
         lnt_store_place_list(s, &b, &nb, err), "places");
    CHECK(lnt_store_place_remove(s, 2, err), lnt_store_place_remove(s, 2, err));
    CHECK(lnt_store_place_remove(s, 2, err), lnt_store_place_remove(s, 2, err));
    LIST(struct lnt_place, lnt_store_place_list(s, &a, &na, err),
         lnt_store_place_list(s, &b, &nb, err), "places");
    for (int i = 0; i < 70; i++) {
        char nm[24];
        snprintf(nm, sizeof nm, "Place %d", i);
        CHECK(lnt_store_place_add(s, nm, 100, &i1, err), lnt_store_place_add(s, nm, 100, &i2, err));
    }
    LIST(struct lnt_welfare_row, lnt_store_welfare_list(s, 0, 1800000000, 0, 100, &a, &na, err),
         lnt_store_welfare_list(s, 0, 1800000000, 0, 100, &b, &nb, err), "welfare");
    LIST(struct lnt_welfare_row, lnt_store_welfare_list(s, 0, 1800000000, 1, 1, &a, &na, err),
         lnt_store_welfare_list(s, 0, 1800000000, 1, 1, &b, &nb, err), "welfare p");
    LIST(struct lnt_welfare_row,
         lnt_store_welfare_list(s, 1795820000, 1800000000, 0, SIZE_MAX, &a, &na, err),
         lnt_store_welfare_list(s, 1795820000, 1800000000, 0, SIZE_MAX, &b, &nb, err),
         "welfare big");
    /* every add and removal that went through is audited alike */
    assert_int_equal(lnt_pg_int(uri, "SELECT count(*) FROM audit_log WHERE action LIKE 'place.%'"),
                     sq_int("SELECT count(*) FROM audit_log WHERE action LIKE 'place.%'"));
    assert_true(compared - before >= 15);
}

/* Hot spots over the same hourly rollup: every scope, kind and window, bad ranges included. */
static void test_store_conform__hot_spots_answer_as_on_sqlite(void **state)
{
    size_t before = compared;
    struct lnt_rollup_scope scopes[] = {{0},
                                        {.venue_id = 1},
                                        {.venue_id = 3},
                                        {.area = "Centre"},
                                        {.authority = "Westham"},
                                        {.area = "Riverside", .authority = "Westham"},
                                        {.venue_id = 2, .authority = "Eastham"}};
    const char *kinds[] = {NULL, "", "spiking", "Angela", "violence", "nope"};
    const int64_t win[][2] = {{0, 1800000000}, {1795813200, 1795820000}, {1795820000, 0}};
    const int32_t nights[][2] = {{20700, 20800}, {20784, 20784}, {20785, 20784}, {0, 20800}};

    (void)state;
    for (size_t i = 0; i < sizeof scopes / sizeof scopes[0]; i++) {
        struct lnt_rollup_scope *sc = &scopes[i];
        int64_t g1[7][LNT_HOT_HOURS], g2[7][LNT_HOT_HOURS];
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
            for (size_t w = 0; w < sizeof win / sizeof win[0]; w++) {
                CHECK(lnt_store_hot_nights(s, sc, kinds[k], win[w][0], win[w][1], g1, err),
                      lnt_store_hot_nights(s, sc, kinds[k], win[w][0], win[w][1], g2, err));
                SAME("hot nights", g1, g2, sizeof g1);
            }
        for (size_t n = 0; n < sizeof nights / sizeof nights[0]; n++) {
            LIST(struct lnt_hot_venue,
                 lnt_store_hot_venues(s, sc, nights[n][0], nights[n][1], &a, &na, err),
                 lnt_store_hot_venues(s, sc, nights[n][0], nights[n][1], &b, &nb, err),
                 "hot venues");
            LIST(struct lnt_hot_year,
                 lnt_store_hot_years(s, sc, nights[n][0], nights[n][1], &a, &na, err),
                 lnt_store_hot_years(s, sc, nights[n][0], nights[n][1], &b, &nb, err), "hot years");
        }
    }
    const char *auths[] = {NULL, "", "Westham", "Eastham", "Nowhere"};
    const char *areas[] = {"Centre", "Riverside", "centre", "", "Docks"};
    for (size_t ai = 0; ai < sizeof auths / sizeof auths[0]; ai++)
        for (size_t ar = 0; ar < sizeof areas / sizeof areas[0]; ar++)
            CHECK(lnt_store_hot_area_check(s, auths[ai], areas[ar], err),
                  lnt_store_hot_area_check(s, auths[ai], areas[ar], err));
    assert_true(compared - before > 100);
}

static struct lnt_officer conform_officer(int64_t id, enum lnt_officer_role role,
                                          const char *authority)
{
    struct lnt_officer o;

    memset(&o, 0, sizeof o);
    o.id = id;
    snprintf(o.email, sizeof o.email, "officer%" PRId64 "@example.org", id);
    o.scope.role = role;
    lnt_str_copy(o.scope.authority, sizeof o.scope.authority, authority);
    return o;
}

/* The places register, venues' positions, public-place records and the map's image: the same
 * answers, refusals and messages, the same rows after them, the same audit rows. */
static void test_store_conform__map_records_answer_as_on_sqlite(void **state)
{
    size_t before = compared;
    const char *names[] = {"Taxi Rank", "bandstand", "Harbour Steps"};
    int64_t ids[3];
    struct lnt_officer officers[] = {conform_officer(1, LNT_OFFICER_POLICE, "Westham"),
                                     conform_officer(2, LNT_OFFICER_OFFICER, "Eastham"),
                                     conform_officer(3, LNT_OFFICER_ADMIN, ""),
                                     conform_officer(4, LNT_OFFICER_ASSESSOR, "")};
    const char *kinds[] = {"violence", "theft", "fisticuffs"};
    const char *auths[] = {NULL, "Westham", "Eastham"};
    static const uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 4,   0, 0, 0xFF, 0xC0, 0,
                                   11,   8,    0,    120,  0, 200, 1, 1, 0x11, 0};
    struct lnt_map_box box = {51.46, 51.44, -2.60, -2.58};

    (void)state;
    /* the places test may have filled the register: make room by removing its oldest place
     * (SQLite gives a new row the highest id plus one, PostgreSQL the sequence's next: the
     * two agree while the newest place stays) */
    for (size_t i = 0; i < 3; i++) {
        struct lnt_place *list = NULL;
        size_t n = 0, oldest = 0;
        int64_t i1 = 0, i2 = 0;
        char e[LNT_ERRBUF_SIZE];
        assert_int_equal(lnt_store_place_list(sq, &list, &n, e), LNT_OK);
        for (size_t j = 1; j < n; j++)
            if (list[j].id < list[oldest].id)
                oldest = j;
        if (n >= LNT_PLACES_MAX)
            CHECK(lnt_store_place_remove(s, list[oldest].id, err),
                  lnt_store_place_remove(s, list[oldest].id, err));
        free(list);
        CHECK(lnt_store_place_add(s, names[i], 100, &i1, err),
              lnt_store_place_add(s, names[i], 100, &i2, err));
        assert_int_equal(i1, i2);
        assert_true(i1 > 0);
        ids[i] = i1;
    }
    /* edits: good ones, and refusals for a bad kind, position, authority or place */
    for (int e = 0; e < 7; e++) {
        struct lnt_place_info p;
        memset(&p, 0, sizeof p);
        p.id = e == 5 ? 99999 : ids[e % 3];
        p.kind = e == 3 ? (enum lnt_place_kind)9 : (enum lnt_place_kind)(LNT_PLACE_PARK + e % 5);
        p.geo = (struct lnt_geo){e != 1, e == 4 ? 91.0 : 51.4 + e * 0.012345678901, -2.6 + e};
        lnt_str_copy(p.authority, sizeof p.authority,
                     e == 0   ? "Westham"
                     : e == 6 ? " Eastham"
                              : "");
        CHECK(lnt_store_place_edit(s, &p, err), lnt_store_place_edit(s, &p, err));
    }
    LIST(struct lnt_place_info, lnt_store_place_info_list(s, &a, &na, err),
         lnt_store_place_info_list(s, &b, &nb, err), "place info");
    for (size_t i = 0; i < 3; i++) {
        struct lnt_place_info x, y;
        memset(&x, 0, sizeof x);
        memset(&y, 0, sizeof y);
        CHECK(lnt_store_place_info_get(s, ids[i], &x, err),
              lnt_store_place_info_get(s, ids[i], &y, err));
        SAME("place info", &x, &y, sizeof x);
    }
    /* venues' positions: set, moved, cleared, refused */
    for (int64_t v = 1; v <= 5; v++) {
        struct lnt_geo g = {v != 2, 51.0 + v / 7.0, -2.0 - v / 3.0};
        if (v == 4)
            g.lon = 181.0;
        CHECK(lnt_store_venue_geo_set(s, v, &g, 100 + v, err),
              lnt_store_venue_geo_set(s, v, &g, 100 + v, err));
    }
    LIST(struct lnt_venue_geo, lnt_store_venue_geo_list(s, &a, &na, err),
         lnt_store_venue_geo_list(s, &b, &nb, err), "venue geo");
    /* records by each officer at each place, each kind; then corrections of some */
    int64_t made[64];
    size_t nmade = 0;
    for (size_t o = 0; o < 4; o++)
        for (size_t pl = 0; pl < 3; pl++)
            for (size_t k = 0; k < 3; k++) {
                struct lnt_place_incident x, y;
                memset(&x, 0, sizeof x);
                x.place_id = ids[pl];
                x.occurred_at = 1795813200 + (int64_t)(o * 9 + pl * 3 + k) * 3000;
                x.recorded_at = 1795900000;
                lnt_str_copy(x.kind, sizeof x.kind, kinds[k]);
                lnt_str_copy(x.note, sizeof x.note, k == 1 ? "By the gate" : "");
                y = x;
                CHECK(lnt_store_place_incident_add(s, &officers[o], &x, err),
                      lnt_store_place_incident_add(s, &officers[o], &y, err));
                SAME("place incident", &x, &y, sizeof x);
                if (x.id != 0 && nmade < 64)
                    made[nmade++] = x.id;
            }
    assert_true(nmade > 4);
    for (size_t i = 0; i < nmade; i++) {
        for (int twice = 0; twice < 2; twice++) {
            struct lnt_place_incident x, y;
            memset(&x, 0, sizeof x);
            x.occurred_at = 1795813200;
            x.recorded_at = 1795950000 + (int64_t)i;
            lnt_str_copy(x.kind, sizeof x.kind, "disorder");
            lnt_str_copy(x.reason, sizeof x.reason, i % 3 == 2 ? "" : "Seen on CCTV");
            y = x;
            CHECK(lnt_store_place_incident_supersede(s, &officers[i % 4], made[i], &x, err),
                  lnt_store_place_incident_supersede(s, &officers[i % 4], made[i], &y, err));
            SAME("correction", &x, &y, sizeof x);
        }
    }
    for (size_t ai = 0; ai < 3; ai++)
        for (int sup = 0; sup < 2; sup++) {
            struct lnt_place_incident_filter f = {.authority = auths[ai], .with_superseded = sup};
            LIST(struct lnt_place_incident, lnt_store_place_incident_list(s, &f, &a, &na, err),
                 lnt_store_place_incident_list(s, &f, &b, &nb, err), "place incidents");
            f.place_id = ids[1];
            f.kind = "disorder";
            f.first_night = 20784;
            f.last_night = 20785;
            LIST(struct lnt_place_incident, lnt_store_place_incident_list(s, &f, &a, &na, err),
                 lnt_store_place_incident_list(s, &f, &b, &nb, err), "place incidents f");
        }
    for (int64_t id = 0; id <= (int64_t)nmade * 2 + 1; id++)
        LIST(struct lnt_place_incident, lnt_store_place_incident_history(s, id, &a, &na, err),
             lnt_store_place_incident_history(s, id, &b, &nb, err), "history");
    /* the map's image: none, refused, stored, replaced */
    for (int step = 0; step < 4; step++) {
        struct lnt_map_image x, y;
        if (step == 1)
            CHECK(lnt_store_map_image_set(s, jpeg, 3, &box, "cli", 100, err),
                  lnt_store_map_image_set(s, jpeg, 3, &box, "cli", 100, err));
        if (step >= 2)
            CHECK(lnt_store_map_image_set(s, jpeg, sizeof jpeg, &box,
                                          step == 2 ? "web:a@example.org" : NULL, 100 + step, err),
                  lnt_store_map_image_set(s, jpeg, sizeof jpeg, &box,
                                          step == 2 ? "web:a@example.org" : NULL, 100 + step, err));
        CHECK(lnt_store_map_image_get(s, true, &x, err), lnt_store_map_image_get(s, true, &y, err));
        assert_string_equal(x.mime, y.mime);
        assert_int_equal(x.len, y.len);
        assert_true(x.len == 0 || memcmp(x.data, y.data, x.len) == 0);
        assert_true(x.width == y.width && x.height == y.height && x.uploaded_at == y.uploaded_at);
        assert_true(memcmp(&x.box, &y.box, sizeof x.box) == 0);
        assert_string_equal(x.uploaded_by, y.uploaded_by);
        compared++;
        lnt_map_image_release(&x);
        lnt_map_image_release(&y);
    }
    static const char *const audited[] = {
        "SELECT count(*) FROM audit_log WHERE action LIKE 'place.%'",
        "SELECT count(*) FROM audit_log WHERE action = 'venue.coords'",
        "SELECT count(*) FROM audit_log WHERE action = 'map.image'",
        "SELECT count(*) FROM audit_log WHERE action = 'map.image' AND actor = 'web:a@example.org'",
        "SELECT count(*) FROM audit_log WHERE action = 'place.incident.supersede' AND detail LIKE "
        "'%Seen on CCTV'"};
    for (size_t i = 0; i < sizeof audited / sizeof audited[0]; i++)
        assert_int_equal(lnt_pg_int(uri, audited[i]), sq_int(audited[i]));
    assert_true(compared - before > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_conform__views_answer_as_on_sqlite),
        cmocka_unit_test(test_store_conform__rollups_answer_as_on_sqlite),
        cmocka_unit_test(test_store_conform__places_answer_as_on_sqlite),
        cmocka_unit_test(test_store_conform__hot_spots_answer_as_on_sqlite),
        cmocka_unit_test(test_store_conform__map_records_answer_as_on_sqlite),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
