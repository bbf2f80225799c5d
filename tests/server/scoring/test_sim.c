/* test_sim.c - lantern-sim plays a small town through a real lanternd on 127.0.0.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "codec.h"
#include "ltime.h"
#include "store.h"
#include "support.h"

#define TIMEOUT_MS 120000

struct town {
    char *dir;
    char *db;
    char *log;
    char url[64];
    pid_t server;
};

static void start_town(struct town *t, const char *name)
{
    char file[64];
    char *port_file, *port;
    struct lnt_proc_result r;

    snprintf(file, sizeof file, "%s.db", name);
    t->db = lnt_test_path(t->dir, file);
    snprintf(file, sizeof file, "%s.log", name);
    t->log = lnt_test_path(t->dir, file);
    snprintf(file, sizeof file, "%s.port", name);
    port_file = lnt_test_path(t->dir, file);

    const char *init[] = {
        lnt_test_bin("lanternctl"), "--db", t->db, "init", "--scheme", "SIM", NULL};
    assert_int_equal(lnt_proc_run(init, NULL, TIMEOUT_MS, &r), 0);
    assert_int_equal(r.status, 0);
    lnt_proc_result_release(&r);

    const char *argv[] = {lnt_test_bin("lanternd"),
                          "--db",
                          t->db,
                          "--listen",
                          "127.0.0.1:0",
                          "--port-file",
                          port_file,
                          NULL};
    t->server = lnt_proc_spawn(argv, t->log);
    assert_true(t->server > 0);
    if (!lnt_test_wait_file(port_file, 15000))
        fail_msg("lanternd did not start: %s", lnt_test_read_file(t->log));
    port = lnt_test_read_file(port_file);
    port[strcspn(port, "\r\n")] = '\0';
    snprintf(t->url, sizeof t->url, "http://127.0.0.1:%s", port);
    free(port);
    free(port_file);
}

static void stop_town(struct town *t)
{
    if (t->server > 0)
        lnt_proc_stop(t->server, SIGTERM);
    t->server = 0;
    free(t->db);
    free(t->log);
    t->db = t->log = NULL;
}

static int setup(void **state)
{
    struct town *t = calloc(2, sizeof *t);

    assert_non_null(t);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    t[0].dir = lnt_test_tmpdir();
    t[1].dir = t[0].dir;
    assert_non_null(t[0].dir);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct town *t = *state;

    stop_town(&t[0]);
    stop_town(&t[1]);
    lnt_test_rmrf(t[0].dir);
    free(t[0].dir);
    free(t);
    return 0;
}

/* Runs lantern-sim on town `t` with --json; returns the summary (caller decrefs). */
static json_t *sim(struct town *t, const char *seed, const char *end)
{
    const char *argv[] = {lnt_test_bin("lantern-sim"),
                          "--db",
                          t->db,
                          "--server",
                          t->url,
                          "--venues",
                          "5",
                          "--days",
                          "14",
                          "--end",
                          end,
                          "--seed",
                          seed,
                          "--json",
                          NULL};
    struct lnt_proc_result r;
    json_error_t je;
    json_t *j;

    assert_int_equal(lnt_proc_run(argv, NULL, TIMEOUT_MS, &r), 0);
    if (r.status != 0)
        fail_msg("lantern-sim failed (%d): %s\nserver log: %s", r.status, r.err,
                 lnt_test_read_file(t->log));
    /* piped: no progress bar on stderr */
    assert_string_equal(r.err, "");
    j = json_loads(r.out, 0, &je);
    if (j == NULL)
        fail_msg("lantern-sim printed no JSON: %s", r.out);
    lnt_proc_result_release(&r);
    return j;
}

static int64_t jint(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("no integer `%s` in the summary", key);
    return json_integer_value(v);
}

struct tally {
    int64_t by_type[LNT_EV__MAX + 1];
    int64_t total;
    int64_t venues_seen[64];
};

static int count_event(void *ctx, const struct lnt_stored_event *e)
{
    struct tally *t = ctx;

    t->by_type[e->ev.type]++;
    t->total++;
    if (e->venue_id > 0 && e->venue_id < 64)
        t->venues_seen[e->venue_id]++;
    return 0;
}

static void test_sim__small_town_reaches_the_store(void **state)
{
    struct town *t = *state;
    char end[LNT_DATE_STRLEN], err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct tally tally = {0};
    struct lnt_venue *venues = NULL;
    struct lnt_kiosk *kiosks = NULL;
    struct lnt_incident *inc = NULL;
    size_t n_venues = 0, n_kiosks = 0, n_inc = 0;
    bool hub = false, club = false;
    json_t *sum, *events;

    assert_int_equal(lnt_date_format(lnt_date_of(lnt_time_now()) - 10, end), LNT_OK);
    start_town(&t[0], "a");
    sum = sim(&t[0], "7", end);
    assert_int_equal(jint(sum, "venues"), 5);
    assert_int_equal(jint(sum, "kiosks"), 5);
    assert_true(jint(sum, "sent") > 100);
    assert_int_equal(jint(sum, "accepted"), jint(sum, "sent"));
    assert_int_equal(jint(sum, "duplicates"), 0);
    assert_int_equal(jint(sum, "rejected"), 0);
    assert_true(jint(sum, "batches") >= jint(sum, "sent") / 100);

    /* everything the sim says it sent is in the database, type by type */
    assert_int_equal(lnt_store_open(&s, t[0].db, err), LNT_OK);
    assert_int_equal(lnt_store_events_each(s, 0, INT64_MIN, count_event, &tally, err), LNT_OK);
    assert_int_equal(tally.total, jint(sum, "sent"));
    events = json_object_get(sum, "events");
    for (int ty = 1; ty <= LNT_EV__MAX; ty++)
        assert_int_equal(tally.by_type[ty],
                         jint(events, lnt_event_type_name((enum lnt_event_type)ty)));
    assert_true(tally.by_type[LNT_EV_SIGN_IN] > 0);
    assert_true(tally.by_type[LNT_EV_SHIFT_START] > 0); /* the hub's volunteers */

    /* the town has a hub and a nightclub, every venue enrolled a kiosk */
    assert_int_equal(lnt_store_venue_list(s, &venues, &n_venues, err), LNT_OK);
    assert_int_equal(n_venues, 5);
    for (size_t i = 0; i < n_venues; i++) {
        hub = hub || venues[i].category == LNT_VENUE_HUB;
        club = club || venues[i].category == LNT_VENUE_NIGHTCLUB;
        assert_true(venues[i].authority[0] != '\0');
    }
    assert_true(hub && club);
    assert_int_equal(lnt_store_kiosk_list(s, 0, &kiosks, &n_kiosks, err), LNT_OK);
    assert_int_equal(n_kiosks, 5);
    for (size_t i = 0; i < n_kiosks; i++)
        assert_true(kiosks[i].last_seq > 0 || kiosks[i].last_seen == 0);

    /* one incident row per report, however many saves it took */
    struct lnt_incident_filter f = {0};
    assert_int_equal(lnt_store_incident_list(s, &f, 0, LNT_VIEW_MAX, &inc, &n_inc, err), LNT_OK);
    assert_int_equal((int64_t)n_inc, jint(sum, "reports"));

    free(inc);
    free(kiosks);
    free(venues);
    lnt_store_free(s);
    json_decref(sum);
}

static void test_sim__same_seed_same_town(void **state)
{
    struct town *t = *state;
    char end[LNT_DATE_STRLEN];
    json_t *a, *b, *c;

    assert_int_equal(lnt_date_format(lnt_date_of(lnt_time_now()) - 3, end), LNT_OK);
    start_town(&t[0], "first");
    start_town(&t[1], "second");
    a = sim(&t[0], "42", end);
    b = sim(&t[1], "42", end);
    if (!json_equal(a, b)) {
        char *x = json_dumps(a, 0), *y = json_dumps(b, 0);
        fail_msg("same seed, different towns:\n%s\n%s", x, y);
    }
    /* another seed on the same server: another town, other nights */
    c = sim(&t[1], "43", end);
    assert_false(json_equal(a, c));
    json_decref(a);
    json_decref(b);
    json_decref(c);
}

static void test_sim__errors(void **state)
{
    struct town *t = *state;
    struct lnt_proc_result r;
    char *db = lnt_test_path(t[0].dir, "none.db");

    /* nothing listens on port 9 of loopback: a clear failure, exit 1 */
    const char *down[] = {lnt_test_bin("lantern-sim"),
                          "--db",
                          db,
                          "--server",
                          "http://127.0.0.1:9",
                          "--venues",
                          "2",
                          "--days",
                          "2",
                          NULL};
    assert_int_equal(lnt_proc_run(down, NULL, TIMEOUT_MS, &r), 0);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "lantern-sim: "));
    assert_non_null(strstr(r.err, "127.0.0.1:9"));
    lnt_proc_result_release(&r);

    const char *bad[] = {
        lnt_test_bin("lantern-sim"), "--server", "http://127.0.0.1:9", "--venues", "0", NULL};
    assert_int_equal(lnt_proc_run(bad, NULL, TIMEOUT_MS, &r), 0);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--venues"));
    lnt_proc_result_release(&r);

    const char *future[] = {
        lnt_test_bin("lantern-sim"), "--server", "http://127.0.0.1:9", "--end", "2999-01-01", NULL};
    assert_int_equal(lnt_proc_run(future, NULL, TIMEOUT_MS, &r), 0);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "future"));
    lnt_proc_result_release(&r);

    /* --end is a London date: today is never "in the future", even at 00:30 BST when the UTC
       date is still yesterday's (here the run goes on to fail on the server being down) */
    {
        char today[11], tomorrow[11];
        lnt_test_date(0, today);
        lnt_test_date(1, tomorrow);
        const char *now_end[] = {lnt_test_bin("lantern-sim"),
                                 "--db",
                                 db,
                                 "--server",
                                 "http://127.0.0.1:9",
                                 "--venues",
                                 "2",
                                 "--days",
                                 "2",
                                 "--end",
                                 today,
                                 NULL};
        assert_int_equal(lnt_proc_run(now_end, NULL, TIMEOUT_MS, &r), 0);
        if (r.status != 1 || strstr(r.err, "future") != NULL)
            fail_msg("--end %s (today in London): exit %d: %s", today, r.status, r.err);
        lnt_proc_result_release(&r);
        now_end[10] = tomorrow;
        assert_int_equal(lnt_proc_run(now_end, NULL, TIMEOUT_MS, &r), 0);
        assert_int_equal(r.status, 2);
        assert_non_null(strstr(r.err, "future"));
        lnt_proc_result_release(&r);
    }

    const char *noserver[] = {lnt_test_bin("lantern-sim"), "--db", db, NULL};
    assert_int_equal(lnt_proc_run(noserver, NULL, TIMEOUT_MS, &r), 0);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--server is required"));
    lnt_proc_result_release(&r);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sim__small_town_reaches_the_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sim__same_seed_same_town, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sim__errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
