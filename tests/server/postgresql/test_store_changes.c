/* test_store_changes.c - servers on one database hearing each other's changes
 * (store_changes.h): run as test_store_changes on SQLite, where there is no other server, and
 * as test_store_changes_pg on PostgreSQL, where a second store stands for a second lanternd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "score_cache.h"
#include "score_listen.h"
#include "ltime.h"
#include "store.h"
#include "store_changes.h"
#include "support.h"
#include "test_store_fixture.h"

/* A second server's store on f's database. */
static struct lnt_store *other_server(const struct sf *f)
{
    struct lnt_store *o = NULL;
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_store_open_keys(&o, f->path, f->keys, err) != LNT_OK)
        fail_msg("open: %s", err);
    return o;
}

/* Starts listening: the first wait says "everything", as nothing was heard before it. */
static void listen_on(struct lnt_store *o)
{
    int64_t ids[8];
    size_t n = 0;
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_store_changes_wait(o, 0, ids, 8, &n, err) != LNT_OK)
        fail_msg("listen: %s", err);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], LNT_STORE_CHANGED_ALL);
}

/* Waits (up to 10 s) until `want` venue ids have been heard; returns how many came. */
static size_t hear(struct lnt_store *o, int64_t *ids, size_t cap, size_t want)
{
    size_t got = 0;
    char err[LNT_ERRBUF_SIZE] = "";

    for (int i = 0; i < 20 && got < want; i++) {
        size_t n = 0;
        if (lnt_store_changes_wait(o, 500, ids + got, cap - got, &n, err) != LNT_OK)
            fail_msg("wait: %s", err);
        got += n;
    }
    return got;
}

static bool has(const int64_t *ids, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

static void test_store_changes__another_server_hears_which_venues_changed(void **state)
{
    struct sf *f = *state;
    struct lnt_store *o = other_server(f);
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t ids[8];
    size_t n = 0;

    listen_on(o);
    /* nothing changed: a short wait hears nothing */
    assert_int_equal(lnt_store_changes_wait(o, 50, ids, 8, &n, err), LNT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(lnt_store_changed(f->s, 7, err), LNT_OK);
    assert_int_equal(lnt_store_changed(f->s, 7, err), LNT_OK);
    assert_int_equal(lnt_store_changed(f->s, 9, err), LNT_OK);
    n = hear(o, ids, 8, 2);
    assert_int_equal(n, 2); /* 7 once, however often it was said */
    assert_true(has(ids, n, 7));
    assert_true(has(ids, n, 9));
    /* and a server hears its own, so one code path serves both */
    assert_int_equal(lnt_store_changed(o, 11, err), LNT_OK);
    n = hear(o, ids, 8, 1);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 11);
    lnt_store_free(o);
}

static void test_store_changes__more_venues_than_room_mean_every_venue(void **state)
{
    struct sf *f = *state;
    struct lnt_store *o = other_server(f);
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t ids[4];
    size_t n;

    listen_on(o);
    for (int64_t v = 1; v <= 40; v++)
        assert_int_equal(lnt_store_changed(f->s, v, err), LNT_OK);
    n = hear(o, ids, 4, 1);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], LNT_STORE_CHANGED_ALL);
    lnt_store_free(o);
}

static void test_store_changes__a_lost_listener_reconnects_and_says_everything(void **state)
{
    struct sf *f = *state;
    struct lnt_store *o = other_server(f);
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t ids[8];
    size_t n = 9;

    listen_on(o);
    /* the server drops the listening connection (a restart, a failover) */
    assert_int_equal(sf_sql_int(f->path, "SELECT count(pg_terminate_backend(pid)) FROM "
                                         "pg_stat_activity WHERE query = 'LISTEN lantern_changes'"),
                     1);
    assert_int_equal(lnt_store_changes_wait(o, 5000, ids, 8, &n, err), LNT_ERR_NET);
    assert_int_equal(n, 0);
    assert_non_null(strstr(err, "listening for other servers' changes"));
    /* whatever was said meanwhile went unheard: the next wait reconnects and says everything */
    assert_int_equal(lnt_store_changed(f->s, 5, err), LNT_OK);
    assert_int_equal(lnt_store_changes_wait(o, 0, ids, 8, &n, err), LNT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], LNT_STORE_CHANGED_ALL);
    assert_int_equal(lnt_store_changed(f->s, 6, err), LNT_OK);
    n = hear(o, ids, 8, 1);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 6);
    lnt_store_free(o);
}

/* Whether venue v's brief is still cached at `now`. */
static bool cached(struct lnt_score_cache *c, int64_t v, int64_t now)
{
    struct lnt_score_brief b;
    uint64_t ticket = 0;

    return lnt_score_cache_get(c, v, now, &b, &ticket);
}

static void cache_brief(struct lnt_score_cache *c, int64_t v, int64_t now)
{
    struct lnt_score_brief b;
    uint64_t ticket = 0;

    memset(&b, 0, sizeof b);
    assert_false(lnt_score_cache_get(c, v, now, &b, &ticket));
    lnt_score_cache_put(c, v, ticket, now, &b);
    assert_true(cached(c, v, now));
}

/* A finding for venue v (criterion B4, met), as an assessor records it. */
static struct lnt_finding finding(int64_t v)
{
    struct lnt_finding fd;

    memset(&fd, 0, sizeof fd);
    fd.venue_id = v;
    (void)lnt_str_copy(fd.criterion, sizeof fd.criterion, "B4");
    fd.met = true;
    (void)lnt_str_copy(fd.evidence, sizeof fd.evidence, "Written drugs policy seen");
    (void)lnt_str_copy(fd.assessor, sizeof fd.assessor, "J. Assessor");
    fd.found_on = lnt_days_from_civil(2026, 3, 15);
    return fd;
}

static void test_store_changes__a_score_another_server_changed_is_forgotten_here(void **state)
{
    struct sf *f = *state;
    struct lnt_store *o = other_server(f);
    struct lnt_score_cache *c = NULL;
    struct lnt_score_listener *l = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t a = sf_venue(o, "The Anchor", LNT_VENUE_PUB, "Centre", "");
    int64_t b = sf_venue(o, "The Bell", LNT_VENUE_PUB, "Centre", "");
    struct lnt_finding fd = finding(a);
    int i;

    assert_int_equal(lnt_score_cache_new(&c, 64, 3600, err), LNT_OK);
    if (lnt_score_listener_start(&l, c, f->s, err) != LNT_OK)
        fail_msg("listener: %s", err);
    cache_brief(c, a, SF_T0);
    cache_brief(c, b, SF_T0);
    /* the other server records a finding at venue a: the store says so as it commits */
    assert_int_equal(lnt_store_finding_add(o, &fd, SF_T0, err), LNT_OK);
    for (i = 0; i < 100 && cached(c, a, SF_T0); i++)
        usleep(100 * 1000);
    assert_false(cached(c, a, SF_T0));
    assert_true(cached(c, b, SF_T0)); /* only what changed */
    /* and an SIA listing, which any venue's door register may read */
    assert_int_equal(lnt_store_sia_set(o, "1234567812345678", LNT_SIA_LISTED_REVOKED,
                                       lnt_days_from_civil(2026, 3, 1), err),
                     LNT_OK);
    for (i = 0; i < 100 && cached(c, b, SF_T0); i++)
        usleep(100 * 1000);
    assert_false(cached(c, b, SF_T0));
    lnt_score_listener_stop(l);
    lnt_score_cache_free(c);
    lnt_store_free(o);
}

/* Waits until venue `want` is heard; every venue heard on the way goes to ids[0..*n). */
static void hear_venue(struct lnt_store *o, int64_t want, int64_t *ids, size_t cap, size_t *n)
{
    *n = 0;
    while (!has(ids, *n, want)) {
        size_t got = hear(o, ids + *n, cap - *n, 1);
        if (got == 0)
            fail_msg("venue %lld was never heard", (long long)want);
        *n += got;
    }
}

static void test_store_changes__a_write_is_heard_when_it_commits_only(void **state)
{
    struct sf *f = *state;
    struct lnt_store *o = other_server(f);
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    struct lnt_finding gone = finding(v + 100), fd = finding(v);
    int64_t ids[8];
    size_t n = 0;

    listen_on(o);
    /* a finding for a venue there is not: refused, and its transaction rolled back */
    assert_int_equal(lnt_store_finding_add(f->s, &gone, SF_T0, err), LNT_ERR_NOT_FOUND);
    /* then one that is stored: heard, and nothing before it (notifications come in the order
     * of their commits) */
    assert_int_equal(lnt_store_finding_add(f->s, &fd, SF_T0, err), LNT_OK);
    hear_venue(o, v, ids, 8, &n);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], v);
    lnt_store_free(o);
}

/* lanternctl --db DB --keys KEYS ARGS...: exits 0. */
static void ctl(const struct sf *f, const char *const *args)
{
    const char *argv[24] = {lnt_test_bin("lanternctl"), "--db", f->path, "--keys", f->keys};
    struct lnt_proc_result r;
    size_t n = 5;

    for (; *args != NULL && n < 23; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    assert_int_equal(lnt_proc_run(argv, NULL, 60000, &r), 0);
    if (r.status != 0)
        fail_msg("lanternctl %s %s: exit %d: %s", argv[5], argv[6], r.status, r.err);
    lnt_proc_result_release(&r);
}

static void test_store_changes__lanternctl_edits_are_heard(void **state)
{
    struct sf *f = *state;
    struct lnt_store *o = other_server(f);
    int64_t v = sf_venue(f->s, "The Crown", LNT_VENUE_PUB, "Centre", "");
    char id[24];
    int64_t ids[8];
    size_t n = 0;

    snprintf(id, sizeof id, "%lld", (long long)v);
    listen_on(o);
    /* an officer records a finding with lanternctl: every lanternd on the database hears it */
    ctl(f, (const char *const[]){"finding", "add", "--venue", id, "--criterion", "B4", "--met",
                                 "yes", "--evidence", "Written drugs policy seen", "--assessor",
                                 "J. Assessor", "--date", "2026-03-15", NULL});
    hear_venue(o, v, ids, 8, &n);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM findings"), 1);
    lnt_store_free(o);
}

static void test_store_changes__one_sqlite_server_has_no_one_to_tell(void **state)
{
    struct sf *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t ids[8];
    size_t n = 9;

    assert_int_equal(lnt_store_changed(f->s, 7, err), LNT_OK);
    assert_int_equal(lnt_store_changes_wait(f->s, 0, ids, 8, &n, err), LNT_ERR_UNSUPPORTED);
    assert_int_equal(n, 0);
    assert_non_null(strstr(err, "served by one lanternd"));
    /* lanternd starts no listener */
    {
        struct lnt_score_cache *c = NULL;
        struct lnt_score_listener *l = (struct lnt_score_listener *)&n;
        assert_int_equal(lnt_score_cache_new(&c, 64, 60, err), LNT_OK);
        assert_int_equal(lnt_score_listener_start(&l, c, f->s, err), LNT_ERR_UNSUPPORTED);
        assert_null(l);
        lnt_score_cache_free(c);
    }
}

static void test_store_changes__bad_arguments_are_refused(void **state)
{
    struct sf *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t ids[8];
    size_t n = 9;

    assert_int_equal(lnt_store_changed(f->s, -3, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "-3"));
    if (sf_on_postgresql()) {
        assert_int_equal(lnt_store_changes_wait(f->s, 0, ids, 0, &n, err), LNT_ERR_INVALID);
        assert_int_equal(n, 0);
        assert_int_equal(lnt_store_changes_wait(f->s, 0, ids, LNT_STORE_CHANGES_MAX + 1, &n, err),
                         LNT_ERR_INVALID);
    }
}

int main(void)
{
    const struct CMUnitTest postgresql[] = {
        cmocka_unit_test_setup_teardown(
            test_store_changes__another_server_hears_which_venues_changed, sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_changes__more_venues_than_room_mean_every_venue,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_changes__a_lost_listener_reconnects_and_says_everything, sf_setup,
            sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_changes__bad_arguments_are_refused, sf_setup,
                                        sf_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_changes__a_score_another_server_changed_is_forgotten_here, sf_setup,
            sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_changes__a_write_is_heard_when_it_commits_only,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_changes__lanternctl_edits_are_heard, sf_setup,
                                        sf_teardown),
    };
    const struct CMUnitTest sqlite[] = {
        cmocka_unit_test_setup_teardown(test_store_changes__one_sqlite_server_has_no_one_to_tell,
                                        sf_setup, sf_teardown),
        cmocka_unit_test_setup_teardown(test_store_changes__bad_arguments_are_refused, sf_setup,
                                        sf_teardown),
    };

    if (sf_on_postgresql())
        return cmocka_run_group_tests_name("test_store_changes_pg", postgresql, NULL, NULL);
    return cmocka_run_group_tests(sqlite, NULL, NULL);
}
