/* test_store_migrate.c - `lanternctl migrate --to postgresql://...`: a populated SQLite store
 * copied into a throwaway PostgreSQL cluster's database and checked (every table's rows, the
 * venues and events as the store reads them, ids carrying on, scores), and the refusals: a
 * target holding data, an unreachable one, a copy failing half-way (nothing kept). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "codec.h"
#include "ltime.h"
#include "pgcluster.h"
#include "score_load.h"
#include "store.h"
#include "support.h"
#include "test_store_fixture.h"

/* Free text with what COPY's text format escapes, and more than ASCII, as a SQL literal's
 * inside (the quote doubled). */
#define ODD_SQL "tab\there, new\nline, back\\slash, quote'' \"x\", Caf\xc3\xa9 \xe2\x82\xac"

static struct lnt_pg_cluster *cluster;

static int group_setup(void **state)
{
    (void)state;
    cluster = lnt_pg_cluster_start();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    lnt_pg_cluster_stop(cluster);
    return 0;
}

/* Runs sqlite SQL on the store's file, as another process would. */
static void sq_run(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    char *msg = NULL;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

/* A county in small: venues, staff and training, badges, kiosks, a night of events of every
 * kind (and what ingest derives from them), coordinates (doubles) and odd text. */
static void populate(struct sf *f)
{
    static const char *const serials[] = {"a1b2c3d4e5f60710", "a1b2c3d4e5f60711",
                                          "a1b2c3d4e5f60712"};
    static const char *const report[] = {"5b0e7c1e-0d6a-4d1e-9a51-3f1f4c2b7a01",
                                         "5b0e7c1e-0d6a-4d1e-9a51-3f1f4c2b7a02",
                                         "5b0e7c1e-0d6a-4d1e-9a51-3f1f4c2b7a03"};
    int64_t v[3], staff[3], kiosk[3];
    struct lnt_event ev[8];
    const char *serial;

    v[0] = sf_venue(f->s, "The Anchor", LNT_VENUE_PUB, "Quayside", "Exeter");
    v[1] = sf_venue(f->s, "Club Nova", LNT_VENUE_NIGHTCLUB, "High Street", "Exeter");
    v[2] = sf_venue(f->s, "Bar Ten", LNT_VENUE_BAR, "Harbour", "Plymouth");
    for (int i = 0; i < 3; i++) {
        staff[i] = sf_staff(f->s, v[i], "Sam Door", LNT_ROLE_DOOR);
        (void)sf_staff(f->s, v[i], "Alex Bar", LNT_ROLE_BAR);
        sf_training(f->s, staff[i], LNT_COURSE_WAVE, lnt_days_from_civil(2026, 3, 1), 0);
        serial = serials[i];
        sf_badge_issue(f->s, staff[i], serial, SF_T0 - 86400);
        kiosk[i] = sf_kiosk(f->s, v[i]);
        ev[0] = sf_badge(1, LNT_EV_SIGN_IN, SF_T0 + 60, staff[i], serial, LNT_ROLE_DOOR);
        ev[1] = sf_refused(2, SF_T0 + 600);
        ev[2] = sf_stock(3, SF_T0 + 700, "count", 40);
        ev[3] = sf_incident(4, SF_T0 + 3600, SF_T0 + 3700, report[i], "violence", true, NULL);
        ev[4] = sf_shift(5, LNT_EV_SHIFT_START, SF_T0 + 900, staff[i], "Street Pastors", 12);
        ev[5] = sf_shift(6, LNT_EV_SHIFT_END, SF_T0 + 7200, staff[i], "Street Pastors", 12);
        ev[6] = sf_badge(7, LNT_EV_SIGN_OUT, SF_T0 + 9000, staff[i], serial, LNT_ROLE_DOOR);
        sf_insert(f->s, kiosk[i], SF_T0 + 9100, ev, 7);
    }
    sq_run(f->path, "INSERT INTO venue_coords (venue_id, lat, lon, updated_at) VALUES "
                    "(1, 50.718412345678901, -3.5339, 1795813200), (2, 0.1, 1e-7, 1795813201)");
    sq_run(f->path, "INSERT INTO audit_log (at, actor, action, object, detail) VALUES "
                    "(1795813300, 'admin', 'note', 'venue 1', '" ODD_SQL "')");
}

/* lanternctl --db DB --json migrate --to URI; its exit status, stdout and stderr in r. */
static void migrate(struct sf *f, const char *to, struct lnt_proc_result *r)
{
    char bin[4096];
    const char *argv[] = {bin, "--db", f->path, "--json", "migrate", "--to", to, NULL};

    (void)lnt_str_copy(bin, sizeof bin, lnt_test_bin("lanternctl"));
    assert_int_equal(lnt_proc_run(argv, NULL, 120000, r), 0);
}

/* The last line of lanternctl's output: the summary. */
static json_t *summary(const char *out)
{
    const char *last = out, *p;
    json_error_t je;
    json_t *j;

    for (p = out; *p != '\0'; p++)
        if (*p == '\n' && p[1] != '\0')
            last = p + 1;
    j = json_loads(last, JSON_DISABLE_EOF_CHECK, &je);
    if (j == NULL)
        fail_msg("not JSON: %s", last);
    return j;
}

static int64_t pg_count(const char *uri, const char *table)
{
    char sql[128];

    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    return lnt_pg_int(uri, sql);
}

static int64_t sq_count(const char *path, const char *table)
{
    char sql[128];

    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    return sf_sql_int(path, sql);
}

struct seen {
    size_t n;
    char uuid[64][LNT_UUID_STRLEN];
};

static int remember(void *ctx, const struct lnt_stored_event *e)
{
    struct seen *s = ctx;

    if (s->n < 64)
        (void)lnt_str_copy(s->uuid[s->n], sizeof s->uuid[0], e->ev.uuid);
    s->n++;
    return 0;
}

static void test_store_migrate__copies_and_checks_every_table(void **state)
{
    static const char *const tables[] = {
        "venues",           "staff",        "training",     "badges",    "kiosks",
        "events",           "shifts",       "flags",        "incidents", "stock_ledger",
        "audit_log",        "venue_coords", "signing_keys", "counters",  "required_training",
        "volunteer_shifts", "rollup_night"};
    struct sf *f = *state;
    struct lnt_proc_result r;
    struct lnt_store *pg = NULL;
    struct lnt_venue *va = NULL, *vb = NULL, extra;
    struct seen ea = {0}, eb = {0};
    struct lnt_score_rules rules = {0};
    struct lnt_score_result sr;
    char uri[LNT_PG_URI_MAX], err[LNT_ERRBUF_SIZE] = "";
    size_t na = 0, nb = 0;
    enum lnt_err score_rc;
    json_t *sum;

    populate(f);
    lnt_pg_cluster_db_empty(cluster, uri);
    migrate(f, uri, &r);
    if (r.status != 0)
        fail_msg("migrate failed (%d): %s", r.status, r.err);
    sum = summary(r.out);
    assert_true(json_integer_value(json_object_get(sum, "tables")) >= 40);
    assert_non_null(strstr(r.out, "\"events\""));

    /* counted again here, apart from lanternctl's own check */
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        int64_t n = sq_count(f->path, tables[i]);
        if (n != pg_count(uri, tables[i]))
            fail_msg("%s: SQLite %" PRId64 " rows, PostgreSQL %" PRId64, tables[i], n,
                     pg_count(uri, tables[i]));
    }
    assert_int_equal(pg_count(uri, "events"), 21);
    assert_true(pg_count(uri, "shifts") >= 3);
    assert_int_equal(lnt_pg_int(uri, "SELECT count(*) FROM audit_log WHERE detail = "
                                     "E'tab\\there, new\\nline, back\\\\slash, quote'' \"x\", "
                                     "Caf\xc3\xa9 \xe2\x82\xac'"),
                     1);
    assert_int_equal(lnt_pg_int(uri, "SELECT count(*) FROM venue_coords WHERE "
                                     "lat = 50.718412345678901::float8 AND lon = -3.5339"),
                     1);

    /* the store on PostgreSQL reads the same venues and events */
    if (lnt_store_open(&pg, uri, err) != LNT_OK)
        fail_msg("open: %s", err);
    assert_int_equal(lnt_store_venue_list(f->s, &va, &na, err), LNT_OK);
    assert_int_equal(lnt_store_venue_list(pg, &vb, &nb, err), LNT_OK);
    assert_int_equal(na, 3);
    assert_int_equal(nb, na);
    for (size_t i = 0; i < na; i++) {
        assert_int_equal(vb[i].id, va[i].id);
        assert_string_equal(vb[i].name, va[i].name);
        assert_string_equal(vb[i].area, va[i].area);
        assert_int_equal(vb[i].created_at, va[i].created_at);
    }
    assert_int_equal(lnt_store_events_each(f->s, 0, 0, remember, &ea, err), LNT_OK);
    assert_int_equal(lnt_store_events_each(pg, 0, 0, remember, &eb, err), LNT_OK);
    assert_int_equal(eb.n, ea.n);
    for (size_t i = 0; i < ea.n && i < 64; i++)
        assert_string_equal(eb.uuid[i], ea.uuid[i]);
    /* ids handed out on PostgreSQL carry on after the copied ones */
    memset(&extra, 0, sizeof extra);
    (void)lnt_str_copy(extra.name, sizeof extra.name, "The New One");
    (void)lnt_str_copy(extra.area, sizeof extra.area, "Quayside");
    extra.category = LNT_VENUE_PUB;
    extra.capacity = 80;
    assert_int_equal(lnt_store_venue_add(pg, &extra, err), LNT_OK);
    assert_int_equal(extra.id, 4);

    /* scores: compared for every venue where PostgreSQL computes them; where it cannot yet,
     * the output says so rather than claiming a check that did not happen */
    memset(&sr, 0, sizeof sr);
    assert_int_equal(lnt_score_load_rules(&rules, err), LNT_OK);
    score_rc = lnt_score_load_venue(pg, &rules, va[0].id, lnt_time_now(), &sr, err);
    if (score_rc == LNT_ERR_UNSUPPORTED) {
        const char *note = json_string_value(json_object_get(sum, "scores"));
        assert_non_null(note);
        assert_non_null(strstr(note, "not compared"));
        assert_non_null(strstr(note, "not available on PostgreSQL"));
        assert_null(json_object_get(sum, "scores_equal"));
    } else {
        assert_int_equal(score_rc, LNT_OK);
        assert_int_equal(json_integer_value(json_object_get(sum, "scores_equal")), 3);
    }
    lnt_score_result_release(&sr);
    lnt_score_rules_release(&rules);
    free(va);
    free(vb);
    lnt_store_free(pg);
    json_decref(sum);
    lnt_proc_result_release(&r);
}

static void test_store_migrate__refuses_target_holding_data(void **state)
{
    struct sf *f = *state;
    struct lnt_proc_result r;
    char uri[LNT_PG_URI_MAX];

    populate(f);
    lnt_pg_cluster_db_empty(cluster, uri);
    migrate(f, uri, &r);
    assert_int_equal(r.status, 0);
    lnt_proc_result_release(&r);
    /* again into the same database: refused, nothing added */
    migrate(f, uri, &r);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "already holds data"));
    assert_non_null(strstr(r.err, "nothing was copied"));
    assert_string_equal(r.out, "");
    assert_int_equal(pg_count(uri, "events"), 21);
    assert_int_equal(pg_count(uri, "venues"), 3);
    lnt_proc_result_release(&r);
}

static void test_store_migrate__unreachable_target_is_one_clear_line(void **state)
{
    struct sf *f = *state;
    struct lnt_proc_result r;
    char uri[LNT_PG_URI_MAX];

    populate(f);
    snprintf(uri, sizeof uri, "postgresql://postgres@/lantern?host=%s/nowhere&port=5999", f->dir);
    migrate(f, uri, &r);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "lanternctl: migrate: the target: PostgreSQL: "));
    assert_non_null(strstr(r.err, "nowhere"));
    assert_non_null(strchr(r.err, '\n'));
    assert_string_equal(strchr(r.err, '\n'), "\n");
    assert_string_equal(r.out, "");
    lnt_proc_result_release(&r);

    /* not a PostgreSQL URI at all: a usage error */
    migrate(f, "/var/lib/lantern/other.db", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--to postgresql://"));
    lnt_proc_result_release(&r);
}

static void test_store_migrate__failure_half_way_keeps_nothing(void **state)
{
    struct sf *f = *state;
    struct lnt_proc_result r;
    char uri[LNT_PG_URI_MAX];

    populate(f);
    /* a value PostgreSQL will not take, in a table copied after venues and kiosks */
    sq_run(f->path, "UPDATE events SET received_at = 'not a time' WHERE id = 21");
    lnt_pg_cluster_db_empty(cluster, uri);
    migrate(f, uri, &r);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "copying events"));
    assert_non_null(strstr(r.err, "nothing was copied"));
    lnt_proc_result_release(&r);
    assert_int_equal(pg_count(uri, "venues"), 0);
    assert_int_equal(pg_count(uri, "kiosks"), 0);
    assert_int_equal(pg_count(uri, "events"), 0);

    /* put right, the same target takes the copy */
    sq_run(f->path, "UPDATE events SET received_at = 1795822300 WHERE id = 21");
    migrate(f, uri, &r);
    if (r.status != 0)
        fail_msg("migrate failed (%d): %s", r.status, r.err);
    assert_int_equal(pg_count(uri, "events"), 21);
    lnt_proc_result_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_migrate__copies_and_checks_every_table, sf_setup,
                                        sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_migrate__refuses_target_holding_data, sf_setup,
                                        sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_migrate__unreachable_target_is_one_clear_line,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_migrate__failure_half_way_keeps_nothing,
                                        sf_setup, sf_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
