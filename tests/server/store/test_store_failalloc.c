/*
 * test_store_failalloc.c - the server's store when memory runs out: opening and migrating a
 * real SQLite file, creating the scheme, storing a batch, reading views and audited reads, with
 * every allocation on each path failed in turn (support/failalloc.h). Each run ends in an error
 * or the right answer; afterwards the same file opens and holds exactly what was committed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "codec.h"
#include "failalloc.h"
#include "ltime.h"
#include "night.h"
#include "support.h"
#include "test_store_fixture.h"

/* Far more allocations than any path here makes: a loop that gets this far is not ending. */
#define SITES_MAX 200000

static void report_sites(const char *what, uint64_t n)
{
    if (lnt_fa_leaked())
        fail_msg("%s: memory leaked on a failure path (see the leak report above)", what);
    print_message("%s: %llu allocation sites\n", what, (unsigned long long)n);
}

/* An error from a failed allocation: a store error with words, never a claim about the data. */
static void assert_store_error(enum lnt_err rc, const char *err, uint64_t n)
{
    if (rc != LNT_ERR_NOMEM && rc != LNT_ERR_DB && rc != LNT_ERR_IO)
        fail_msg("allocation %llu failed: %s (%s)", (unsigned long long)n, lnt_strerror(rc), err);
    if (err[0] == '\0')
        fail_msg("allocation %llu failed: %s with no message", (unsigned long long)n,
                 lnt_strerror(rc));
}

/* ---- open, migrate, create the scheme ---- */

/*
 * Opening a store is SQLite parsing its schema on every connection (the writer, the readers,
 * the checkpointer): about 9,600 allocations for a migrated file and 60,000 for a new one (the
 * migrations), each run of the loop taking most of a second under ASan. Those two paths are
 * sampled: every one of the first and the last OPEN_EDGE allocations (the store's own set-up;
 * the checkpointer, whose failure the store survives without it) and OPEN_SAMPLES spread evenly
 * between, where SQLite returns the same error from the same calls. Everything else here,
 * creating the scheme included, is failed allocation by allocation.
 */
#define OPEN_EDGE 15
#define OPEN_SAMPLES 20

/* What a whole store looks like: its schema version and how many tables and indexes. */
struct shape {
    int64_t version, objects;
};

static void shape_of(const char *path, struct shape *out)
{
    out->version = sf_sql_int(path, "PRAGMA user_version");
    out->objects = sf_sql_int(path, "SELECT count(*) FROM sqlite_schema");
}

/* A failed open or init leaves a file that opens, migrated whole, with its scheme whole or absent.
 */
static void check_store_file(const char *path, const struct shape *want, uint64_t n)
{
    struct lnt_store *s = NULL;
    struct lnt_scheme sc;
    struct shape got;
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_store_open(&s, path, err) != LNT_OK)
        fail_msg("allocation %llu failed, then the store does not open: %s", (unsigned long long)n,
                 err);
    shape_of(path, &got);
    assert_int_equal(got.version, want->version);
    assert_int_equal(got.objects, want->objects);
    if (lnt_store_scheme_get(s, &sc, err) == LNT_ERR_NOT_FOUND &&
        lnt_store_scheme_init(s, "WTN", err) != LNT_OK)
        fail_msg("allocation %llu failed, then the scheme cannot be made: %s",
                 (unsigned long long)n, err);
    assert_int_equal(lnt_store_scheme_get(s, &sc, err), LNT_OK);
    assert_string_equal(sc.name, "WTN");
    if (lnt_store_keys_check(s, err) != LNT_OK)
        fail_msg("allocation %llu failed, then the keys are not whole: %s", (unsigned long long)n,
                 err);
    lnt_store_free(s);
}

/* A directory `name` under `top` holding a copy of `from` as lantern.db (none when NULL). */
static char *store_dir(const char *top, const char *name, const char *from)
{
    char *dir = lnt_test_path(top, name);
    char *path = lnt_test_path(dir, "lantern.db");

    assert_int_equal(mkdir(dir, 0700), 0);
    if (from != NULL) {
        FILE *in = fopen(from, "rb");
        FILE *out = fopen(path, "wb");
        char buf[8192];
        size_t k;

        assert_non_null(in);
        assert_non_null(out);
        while ((k = fread(buf, 1, sizeof buf, in)) > 0)
            assert_int_equal(fwrite(buf, 1, k, out), k);
        fclose(in);
        assert_int_equal(fclose(out), 0);
        assert_int_equal(chmod(path, 0600), 0);
    }
    free(path);
    return dir;
}

/* The next allocation to fail on a sampled path of `total`: see OPEN_EDGE. */
static uint64_t next_sample(uint64_t n, uint64_t total)
{
    uint64_t step = (total - 2 * OPEN_EDGE) / OPEN_SAMPLES;

    if (n < OPEN_EDGE || n >= total - OPEN_EDGE || step < 1)
        return n + 1;
    return n + step < total - OPEN_EDGE ? n + step : total - OPEN_EDGE;
}

/*
 * Opens the store at `from` copied (a new file when NULL) and creates its scheme, failing
 * allocations in the open (`in_open`, sampled) or only in the scheme's creation (every one).
 * Afterwards the file opens whole, and the store's blocks are all freed. Returns the runs.
 */
static uint64_t open_loop(const char *top, const char *from, bool in_open, const struct shape *want,
                          const char *what)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    uint64_t total = 0, n, runs = 0;

    if (in_open) {
        char *dir = store_dir(top, "count", from);
        char *path = lnt_test_path(dir, "lantern.db");

        lnt_fa_reset();
        assert_int_equal(lnt_store_open(&s, path, err), LNT_OK);
        total = lnt_fa_count();
        lnt_store_free(s);
        lnt_test_rmrf(dir);
        free(path);
        free(dir);
        assert_true(total > 2 * OPEN_EDGE + OPEN_SAMPLES);
    }
    for (n = 1; n < SITES_MAX; runs++) {
        char name[32];
        char *dir, *path;
        size_t live;
        enum lnt_err rc;

        snprintf(name, sizeof name, "n%llu", (unsigned long long)n);
        dir = store_dir(top, name, from);
        path = lnt_test_path(dir, "lantern.db");
        live = lnt_fa_live();
        s = NULL;
        err[0] = '\0';
        if (in_open)
            lnt_fa_arm(n, false);
        rc = lnt_store_open(&s, path, err);
        if (in_open)
            lnt_fa_disarm();
        else
            lnt_fa_arm(n, false);
        if (rc == LNT_OK)
            rc = lnt_store_scheme_init(s, "WTN", err);
        lnt_fa_disarm();
        if (rc != LNT_OK)
            assert_store_error(rc, err, n);
        lnt_store_free(s);
        if (lnt_fa_live() != live)
            fail_msg("allocation %llu failed: %zu blocks left behind", (unsigned long long)n,
                     lnt_fa_live() - live);
        check_store_file(path, want, n);
        lnt_test_rmrf(dir);
        free(path);
        free(dir);
        if (!lnt_fa_hit())
            break;
        n = in_open ? next_sample(n, total) : n + 1;
    }
    assert_true(n < SITES_MAX);
    if (in_open) /* failed up to the last allocation of the open, then past it */
        assert_true(n > total);
    report_sites(what, n - 1);
    print_message("%s: %llu runs\n", what, (unsigned long long)runs);
    return runs;
}

/* Opening (creating, migrating) a new file, sampled. */
static void test_store_failalloc__open_new(void **state)
{
    char *top = lnt_test_tmpdir();
    char *ref = lnt_test_path(top, "ref.db");
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct shape want;
    (void)state;

    assert_int_equal(lnt_store_open(&s, ref, err), LNT_OK);
    lnt_store_free(s);
    shape_of(ref, &want);
    assert_true(want.version > 0 && want.objects > 0);
    open_loop(top, NULL, true, &want, "open new (sampled)");
    lnt_test_rmrf(top);
    free(ref);
    free(top);
}

/* Opening a migrated file without a scheme (what `lanternctl init` meets), sampled. */
static void test_store_failalloc__open_existing(void **state)
{
    char *top = lnt_test_tmpdir();
    char *ref = lnt_test_path(top, "ref.db");
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct shape want;
    (void)state;

    assert_int_equal(lnt_store_open(&s, ref, err), LNT_OK);
    lnt_store_free(s);
    shape_of(ref, &want);
    open_loop(top, ref, true, &want, "open existing (sampled)");
    lnt_test_rmrf(top);
    free(ref);
    free(top);
}

/* Creating the scheme: keys in the key file and in the database, whole or not at all. */
static void test_store_failalloc__scheme_init(void **state)
{
    char *top = lnt_test_tmpdir();
    char *ref = lnt_test_path(top, "ref.db");
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct shape want;
    (void)state;

    assert_int_equal(lnt_store_open(&s, ref, err), LNT_OK);
    lnt_store_free(s);
    shape_of(ref, &want);
    open_loop(top, ref, false, &want, "scheme init");
    lnt_test_rmrf(top);
    free(ref);
    free(top);
}

/* ---- a batch ---- */

#define BATCH 6

/* A night's batch from a new kiosk: a sign-in and out, an incident, stock, a volunteer shift. */
static void batch_of(struct lnt_event ev[BATCH], int64_t staff)
{
    char report[LNT_UUID_STRLEN];

    lnt_uuid4(report);
    ev[0] = sf_badge(1, LNT_EV_SIGN_IN, SF_T0, staff, "a1b2c3d4e5f60718", LNT_ROLE_DOOR);
    ev[1] = sf_incident(2, SF_T0 + 600, SF_T0 + 700, report, "angela", true, "");
    ev[2] = sf_stock(3, SF_T0 + 900, "handed_out", 12);
    ev[3] = sf_shift(4, LNT_EV_SHIFT_START, SF_T0 + 1000, 900, "Street Pastors", 0);
    ev[4] = sf_shift(5, LNT_EV_SHIFT_END, SF_T0 + 5000, 900, "Street Pastors", 3);
    ev[5] = sf_badge(6, LNT_EV_SIGN_OUT, SF_T0 + 9000, staff, "a1b2c3d4e5f60718", LNT_ROLE_DOOR);
}

static int64_t stored_events(const char *path, int64_t kiosk)
{
    char sql[96];

    snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE kiosk_id = %lld",
             (long long)kiosk);
    return sf_sql_int(path, sql);
}

/* A batch that fails stores none of itself; sent again, all of it, once. */
static void test_store_failalloc__ingest_all_or_nothing(void **state)
{
    struct sf *f = *state;
    int64_t venue = sf_venue(f->s, "The Lamb", LNT_VENUE_PUB, "Centre", "Westminster");
    int64_t staff = sf_staff(f->s, venue, "Ada Door", LNT_ROLE_DOOR);
    char err[LNT_ERRBUF_SIZE] = "";
    uint64_t n;

    sf_badge_issue(f->s, staff, "a1b2c3d4e5f60718", SF_T0 - 86400);
    for (n = 1; n < SITES_MAX; n++) {
        struct lnt_event ev[BATCH];
        struct lnt_ingest_result res[BATCH];
        int64_t kiosk = sf_kiosk(f->s, venue);
        enum lnt_err rc;

        batch_of(ev, staff);
        memset(res, 0, sizeof res);
        err[0] = '\0';
        lnt_fa_arm(n, false);
        rc = lnt_store_events_insert(f->s, kiosk, SF_T0 + 9100, ev, BATCH, res, err);
        lnt_fa_disarm();
        if (rc != LNT_OK) {
            assert_store_error(rc, err, n);
            if (stored_events(f->path, kiosk) != 0)
                fail_msg("allocation %llu failed: %lld of the batch stored", (unsigned long long)n,
                         (long long)stored_events(f->path, kiosk));
            memset(res, 0, sizeof res);
            rc = lnt_store_events_insert(f->s, kiosk, SF_T0 + 9100, ev, BATCH, res, err);
            if (rc != LNT_OK)
                fail_msg("allocation %llu failed, then the batch cannot be stored: %s",
                         (unsigned long long)n, err);
        }
        for (size_t i = 0; i < BATCH; i++)
            if (res[i].status != LNT_INGEST_ACCEPTED)
                fail_msg("allocation %llu: event %zu: status %d (%s)", (unsigned long long)n, i,
                         (int)res[i].status, res[i].reason);
        assert_int_equal(stored_events(f->path, kiosk), BATCH);
        /* Sent once more: all duplicates, nothing stored twice. */
        assert_int_equal(lnt_store_events_insert(f->s, kiosk, SF_T0 + 9200, ev, BATCH, res, err),
                         LNT_OK);
        for (size_t i = 0; i < BATCH; i++)
            assert_int_equal(res[i].status, LNT_INGEST_DUPLICATE);
        assert_int_equal(stored_events(f->path, kiosk), BATCH);
        if (!lnt_fa_hit())
            break;
    }
    assert_true(n < SITES_MAX);
    report_sites("ingest", n - 1);
    /* And the file, reopened, holds every batch once. */
    sf_reopen(f);
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM events"), (int64_t)n * BATCH);
}

/* ---- views and audited reads ---- */

struct views {
    int64_t venue;
    char report[LNT_UUID_STRLEN];
    struct lnt_shift *shifts;
    size_t n_shifts;
    struct lnt_incident *incidents;
    size_t n_incidents;
    struct lnt_night_rollup totals;
};

/* Reads the views; LNT_OK with every answer in *v, or the first error. */
static enum lnt_err read_views(struct lnt_store *s, struct views *v, char *err)
{
    struct lnt_incident_filter filter = {.venue_id = v->venue};
    struct lnt_rollup_scope scope = {.venue_id = v->venue};
    int32_t night = lnt_night_of(SF_T0);
    enum lnt_err rc;

    v->shifts = NULL;
    v->incidents = NULL;
    rc = lnt_store_register_list(s, v->venue, SF_T0 - 86400, SF_T0 + 86400, 0, 100, &v->shifts,
                                 &v->n_shifts, err);
    if (rc == LNT_OK)
        rc = lnt_store_incident_list(s, &filter, 0, 100, &v->incidents, &v->n_incidents, err);
    if (rc == LNT_OK)
        rc = lnt_store_rollup_totals(s, &scope, night - 1, night + 1, &v->totals, err);
    return rc;
}

static void views_release(struct views *v)
{
    free(v->shifts);
    free(v->incidents);
    v->shifts = NULL;
    v->incidents = NULL;
}

/* The register, the incidents and the night's totals: an error or the same answers. */
static void test_store_failalloc__views(void **state)
{
    struct sf *f = *state;
    struct lnt_event ev[BATCH];
    struct views want = {0};
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t staff, kiosk;
    uint64_t n;

    want.venue = sf_venue(f->s, "The Lamb", LNT_VENUE_PUB, "Centre", "Westminster");
    staff = sf_staff(f->s, want.venue, "Ada Door", LNT_ROLE_DOOR);
    kiosk = sf_kiosk(f->s, want.venue);
    batch_of(ev, staff);
    sf_insert(f->s, kiosk, SF_T0 + 9100, ev, BATCH);
    if (read_views(f->s, &want, err) != LNT_OK)
        fail_msg("views: %s", err);
    assert_int_equal(want.n_shifts, 1);
    assert_int_equal(want.n_incidents, 1);

    for (n = 1; n < SITES_MAX; n++) {
        struct views got = {.venue = want.venue};
        enum lnt_err rc;

        err[0] = '\0';
        lnt_fa_arm(n, false);
        rc = read_views(f->s, &got, err);
        lnt_fa_disarm();
        if (rc == LNT_OK) {
            assert_int_equal(got.n_shifts, want.n_shifts);
            assert_memory_equal(got.shifts, want.shifts, want.n_shifts * sizeof *got.shifts);
            assert_int_equal(got.n_incidents, want.n_incidents);
            assert_memory_equal(got.incidents, want.incidents,
                                want.n_incidents * sizeof *got.incidents);
            assert_memory_equal(&got.totals, &want.totals, sizeof got.totals);
        } else {
            assert_store_error(rc, err, n);
        }
        views_release(&got);
        if (!lnt_fa_hit())
            break;
    }
    assert_true(n < SITES_MAX);
    report_sites("views", n - 1);
    views_release(&want);
}

/* An audited read of an incident's details: no audit row, no details; one row per read given. */
static void test_store_failalloc__audited_read(void **state)
{
    struct sf *f = *state;
    struct lnt_event ev[BATCH];
    struct lnt_incident inc;
    char *sealed = calloc(1, LNT_SEALED_MAX);
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t venue, staff, kiosk, rows;
    uint64_t n;

    assert_non_null(sealed);
    venue = sf_venue(f->s, "The Lamb", LNT_VENUE_PUB, "Centre", "Westminster");
    staff = sf_staff(f->s, venue, "Ada Door", LNT_ROLE_DOOR);
    kiosk = sf_kiosk(f->s, venue);
    batch_of(ev, staff);
    lnt_str_copy(ev[1].u.incident.sealed, LNT_SEALED_MAX, "c2VhbGVkIGRldGFpbHM=");
    sf_insert(f->s, kiosk, SF_T0 + 9100, ev, BATCH);
    rows = sf_sql_int(f->path, "SELECT count(*) FROM audit_log");

    for (n = 1; n < SITES_MAX; n++) {
        int64_t after;
        enum lnt_err rc;

        err[0] = '\0';
        sealed[0] = '\0';
        lnt_fa_arm(n, false);
        rc = lnt_store_incident_details(f->s, ev[1].u.incident.report_id, "officer 7", &inc, sealed,
                                        err);
        lnt_fa_disarm();
        after = sf_sql_int(f->path, "SELECT count(*) FROM audit_log");
        if (rc == LNT_OK) {
            assert_string_equal(sealed, "c2VhbGVkIGRldGFpbHM=");
            assert_string_equal(inc.kind, "angela");
            assert_int_equal(after, rows + 1);
        } else {
            assert_store_error(rc, err, n);
            assert_string_equal(sealed, "");
            assert_int_equal(after, rows);
        }
        rows = after;
        if (!lnt_fa_hit())
            break;
    }
    assert_true(n < SITES_MAX);
    report_sites("audited read", n - 1);
    free(sealed);
}

/* The audit log's own writer and its list: a row is written whole or not at all. */
static void test_store_failalloc__audit(void **state)
{
    struct sf *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t rows = sf_sql_int(f->path, "SELECT count(*) FROM audit_log");
    uint64_t n;

    for (n = 1; n < SITES_MAX; n++) {
        struct lnt_audit_entry *list = NULL;
        size_t k = 0;
        char detail[64];
        int64_t after;
        enum lnt_err rc;

        snprintf(detail, sizeof detail, "export %llu", (unsigned long long)n);
        err[0] = '\0';
        lnt_fa_arm(n, false);
        rc = lnt_store_audit_append(f->s, "officer 7", "export.csv", "venue 1", detail, err);
        if (rc == LNT_OK)
            rc = lnt_store_audit_list(f->s, 0, 0, 0, 10, &list, &k, err);
        lnt_fa_disarm();
        after = sf_sql_int(f->path, "SELECT count(*) FROM audit_log");
        if (rc == LNT_OK) {
            assert_true(k >= 1);
            assert_string_equal(list[0].detail, detail);
            assert_string_equal(list[0].actor, "officer 7");
        } else {
            assert_store_error(rc, err, n);
        }
        assert_true(after == rows || after == rows + 1);
        rows = after;
        free(list);
        if (!lnt_fa_hit())
            break;
    }
    assert_true(n < SITES_MAX);
    report_sites("audit", n - 1);
}

/* The seam itself: the store's allocations and SQLite's reach the counter. */
static void test_store_failalloc__allocations_are_counted(void **state)
{
    struct sf *f = *state;
    int64_t rows = 0;
    char err[LNT_ERRBUF_SIZE] = "";

    lnt_fa_reset();
    assert_int_equal(lnt_store_audit_append(f->s, NULL, "test.count", "", "", err), LNT_OK);
    assert_true(lnt_fa_count() > 0);
    rows = sf_sql_int(f->path, "SELECT count(*) FROM audit_log");
    lnt_fa_arm(1, true);
    assert_int_not_equal(lnt_store_audit_append(f->s, NULL, "test.count", "", "", err), LNT_OK);
    lnt_fa_disarm();
    assert_true(lnt_fa_hit());
    assert_int_equal(sf_sql_int(f->path, "SELECT count(*) FROM audit_log"), rows);
}

/*
 * The blocks alive before the fixture is set up. A store keeps SQLite's caches while open, so
 * its tests compare the count once the fixture (the store with it) is torn down.
 */
static size_t live_before;

static int setup(void **state)
{
    live_before = lnt_fa_live();
    return sf_setup(state);
}

/* A failed assertion leaves the loop armed: disarm before the fixture is torn down. */
static int teardown(void **state)
{
    lnt_fa_disarm();
    sf_teardown(state);
    if (lnt_fa_live() != live_before) {
        print_error("%zu blocks left behind after the store was closed\n",
                    lnt_fa_live() - live_before);
        return -1;
    }
    return 0;
}

static int disarm(void **state)
{
    (void)state;
    lnt_fa_disarm();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_failalloc__allocations_are_counted, setup,
                                        teardown),
        cmocka_unit_test_teardown(test_store_failalloc__open_new, disarm),
        cmocka_unit_test_teardown(test_store_failalloc__open_existing, disarm),
        cmocka_unit_test_teardown(test_store_failalloc__scheme_init, disarm),
        cmocka_unit_test_setup_teardown(test_store_failalloc__ingest_all_or_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store_failalloc__views, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_failalloc__audited_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_failalloc__audit, setup, teardown),
    };

    if (!lnt_fa_install()) {
        fprintf(stderr, "test_store_failalloc: SQLite was initialised before the allocator\n");
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
