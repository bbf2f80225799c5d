/* test_store_resend.c - events sent again: duplicates and conflicts, including events stored
 * before schema 3, and which error a bad batch gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "codec.h"
#include "store.h"
#include "store_admin.h"
#include "support.h"
#include "test_store_fixture.h"

#define SERIAL_A "a1b2c3d4e5f60718"

struct collected {
    struct lnt_stored_event ev[16];
    size_t n;
};

static int collect(void *ctx, const struct lnt_stored_event *e)
{
    struct collected *c = ctx;

    if (c->n < sizeof c->ev / sizeof c->ev[0])
        c->ev[c->n++] = *e;
    return 0;
}

/*
 * A schema-1 database (tests/data/store/v1.sql) kept a hash of each event's
 * body; schema 3 compares the bodies themselves. Kiosks resend whatever they
 * have not seen acknowledged, so an event stored by an older Lantern must
 * still be a duplicate when it comes again, and a changed one a conflict.
 */
static void test_store_resend__events_stored_before_schema_3_are_known_when_sent_again(void **state)
{
    char *dir = lnt_test_tmpdir(), *path, *sql;
    struct lnt_store *s = NULL;
    sqlite3 *db = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    struct collected *c = calloc(1, sizeof *c);
    struct lnt_ingest_result res[2];
    struct lnt_event again[2];

    (void)state;
    assert_non_null(c);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    assert_non_null(dir);
    path = lnt_test_path(dir, "old.db");
    sql = lnt_test_read_file(lnt_test_src("tests/data/store/v1.sql"));
    assert_non_null(sql);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    free(sql);
    if (lnt_store_open(&s, path, err) != LNT_OK)
        fail_msg("open: %s", err);
    assert_int_equal(sf_sql_int(path, "PRAGMA user_version"), LNT_STORE_SCHEMA_VERSION);
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM pragma_table_info('events') "
                                      "WHERE name = 'body_sha256'"),
                     0);

    assert_int_equal(lnt_store_events_each(s, 0, 0, collect, c, err), LNT_OK);
    assert_true(c->n >= 2);
    assert_int_equal(c->ev[0].ev.seq, 1);
    assert_int_equal(c->ev[0].ev.type, LNT_EV_SIGN_IN);
    again[0] = c->ev[0].ev;
    again[1] = c->ev[1].ev;
    assert_int_equal(again[1].type, LNT_EV_SIGN_IN);
    /* the same person, a minute later: not what was stored */
    again[1].occurred_at += 60;
    assert_int_equal(
        lnt_store_events_insert(s, c->ev[0].kiosk_id, SF_T0 + 86400, again, 2, res, err), LNT_OK);
    assert_int_equal(res[0].status, LNT_INGEST_DUPLICATE);
    assert_int_equal(res[1].status, LNT_INGEST_CONFLICT);
    assert_string_equal(res[1].reason, "stored before with different content");
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM event_conflicts"), 1);
    /* neither touched the door register */
    assert_int_equal(sf_sql_int(path, "SELECT count(*) FROM shifts"), 3);

    lnt_store_free(s);
    lnt_test_rmrf(dir);
    free(path);
    free(dir);
    free(c);
}

/* Within one batch too: the second copy of a seq is compared with the first. */
static void test_store_resend__same_seq_twice_in_one_batch(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, v);
    int64_t door = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    struct lnt_ingest_result res[3];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_event ev[3] = {
        sf_badge(1, LNT_EV_SIGN_IN, SF_T0, door, SERIAL_A, LNT_ROLE_DOOR),
        sf_badge(1, LNT_EV_SIGN_IN, SF_T0, door, SERIAL_A, LNT_ROLE_DOOR),
        sf_badge(1, LNT_EV_SIGN_IN, SF_T0, door, SERIAL_A, LNT_ROLE_DOOR),
    };

    ev[1] = ev[0]; /* the very same event, uuid and all */
    ev[2] = ev[0];
    ev[2].u.badge.verdict = LNT_VERDICT_AMBER;
    assert_int_equal(lnt_store_events_insert(f->s, k, SF_T0, ev, 3, res, err), LNT_OK);
    assert_int_equal(res[0].status, LNT_INGEST_ACCEPTED);
    assert_int_equal(res[1].status, LNT_INGEST_DUPLICATE);
    assert_int_equal(res[2].status, LNT_INGEST_CONFLICT);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM events"), 1);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM shifts"), 1);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM flags WHERE kind = 6"), 1);
}

/*
 * Events are encoded before the store is locked; what a bad batch is told
 * must not change for that: an unknown kiosk first, then the first bad
 * event, and nothing of the batch kept.
 */
static void test_store_resend__bad_batch_errors_and_nothing_is_kept(void **state)
{
    struct sf *f = *state;
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    int64_t k = sf_kiosk(f->s, v);
    int64_t door = sf_staff(f->s, v, "Sam Door", LNT_ROLE_DOOR);
    struct lnt_ingest_result res[3];
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_event ev[3] = {
        sf_badge(1, LNT_EV_SIGN_IN, SF_T0, door, SERIAL_A, LNT_ROLE_DOOR),
        sf_badge(0, LNT_EV_SIGN_OUT, SF_T0 + 60, door, SERIAL_A, LNT_ROLE_DOOR),
        sf_badge(3, LNT_EV_SIGN_OUT, SF_T0 + 120, door, "not-a-serial", LNT_ROLE_DOOR),
    };

    assert_int_equal(lnt_store_events_insert(f->s, k + 100, SF_T0, ev, 3, res, err),
                     LNT_ERR_NOT_FOUND);
    assert_non_null(strstr(err, "kiosk"));
    assert_int_equal(lnt_store_events_insert(f->s, k, SF_T0, ev, 3, res, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "event 1: seq 0"));
    ev[1].seq = 2;
    assert_int_equal(lnt_store_events_insert(f->s, k, SF_T0, ev, 3, res, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "event 2: seq 3"));
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM events"), 0);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM shifts"), 0);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM rollup_night"), 0);
    /* and the good part goes in once mended */
    (void)lnt_str_copy(ev[2].u.badge.serial, sizeof ev[2].u.badge.serial, SERIAL_A);
    assert_int_equal(lnt_store_events_insert(f->s, k, SF_T0, ev, 3, res, err), LNT_OK);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM events"), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_resend__same_seq_twice_in_one_batch, sf_setup,
                                        sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_resend__bad_batch_errors_and_nothing_is_kept,
                                        sf_setup, sf_teardown),
    };
    /* upgrades of older SQLite files: nothing of the kind on PostgreSQL, whose databases start
     * empty at the newest schema (or are copied from a SQLite file at it) */
    const struct CMUnitTest sqlite_files[] = {
        cmocka_unit_test(
            test_store_resend__events_stored_before_schema_3_are_known_when_sent_again),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);

    if (!sf_on_postgresql())
        failed +=
            cmocka_run_group_tests_name("test_store_resend_sqlite_files", sqlite_files, NULL, NULL);
    return failed;
}
