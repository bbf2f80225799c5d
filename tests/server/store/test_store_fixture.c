/* test_store_fixture.c - a store in a temp dir and event builders, shared by the test_store_*
 * suites. */
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
#include "ltime.h"
#include "pgcluster.h"
#include "support.h"
#include "test_store_fixture.h"

/* The PostgreSQL cluster of a NAME_pg run: one per run, a database per test; NULL on SQLite. */
static struct lnt_pg_cluster *cluster;

bool sf_on_postgresql(void)
{
    const char *b = getenv("LNT_TEST_STORE");

    return b != NULL && strcmp(b, "postgresql") == 0;
}

static void cluster_stop(void)
{
    lnt_pg_cluster_stop(cluster);
    cluster = NULL;
}

/* Starts the run's cluster and migrates the database every test's is a copy of. */
static void cluster_start(void)
{
    char uri[LNT_PG_URI_MAX], err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;

    cluster = lnt_pg_cluster_start();
    if (atexit(cluster_stop) != 0)
        fail_msg("atexit");
    lnt_pg_cluster_db(cluster, uri);
    if (lnt_store_open(&s, uri, err) != LNT_OK)
        fail_msg("open %s: %s", uri, err);
    lnt_store_free(s);
    lnt_pg_cluster_set_template(cluster);
}

int sf_setup(void **state)
{
    struct sf *f = calloc(1, sizeof *f);
    char err[LNT_ERRBUF_SIZE] = "";

    assert_non_null(f);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    f->dir = lnt_test_tmpdir();
    assert_non_null(f->dir);
    if (sf_on_postgresql()) {
        char uri[LNT_PG_URI_MAX];
        if (cluster == NULL)
            cluster_start();
        lnt_pg_cluster_db(cluster, uri);
        f->path = strdup(uri);
        f->keys = lnt_test_path(f->dir, "keys/lantern.keys"); /* as SQLite's default */
    } else {
        f->path = lnt_test_path(f->dir, "lantern.db");
    }
    assert_non_null(f->path);
    if (lnt_store_open_keys(&f->s, f->path, f->keys, err) != LNT_OK)
        fail_msg("open: %s", err);
    if (lnt_store_scheme_init(f->s, "WTN", err) != LNT_OK)
        fail_msg("scheme: %s", err);
    *state = f;
    return 0;
}

int sf_teardown(void **state)
{
    struct sf *f = *state;

    lnt_store_free(f->s);
    lnt_test_rmrf(f->dir);
    free(f->keys);
    free(f->path);
    free(f->dir);
    free(f);
    return 0;
}

void sf_reopen(struct sf *f)
{
    char err[LNT_ERRBUF_SIZE] = "";

    lnt_store_free(f->s);
    f->s = NULL;
    if (lnt_store_open_keys(&f->s, f->path, f->keys, err) != LNT_OK)
        fail_msg("reopen: %s", err);
}

int64_t sf_sql_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    if (lnt_store_is_postgresql(path))
        return lnt_pg_int(path, sql);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

int64_t sf_venue(struct lnt_store *s, const char *name, enum lnt_venue_category cat,
                 const char *area, const char *authority)
{
    struct lnt_venue v;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&v, 0, sizeof v);
    (void)lnt_str_copy(v.name, sizeof v.name, name);
    v.category = cat;
    v.capacity = 400;
    (void)lnt_str_copy(v.area, sizeof v.area, area);
    (void)lnt_str_copy(v.authority, sizeof v.authority, authority);
    if (lnt_store_venue_add(s, &v, err) != LNT_OK)
        fail_msg("venue: %s", err);
    return v.id;
}

int64_t sf_staff(struct lnt_store *s, int64_t venue, const char *name, enum lnt_role role)
{
    struct lnt_staff st;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&st, 0, sizeof st);
    st.venue_id = venue;
    (void)lnt_str_copy(st.name, sizeof st.name, name);
    st.role = role;
    if (role == LNT_ROLE_DOOR) {
        (void)lnt_str_copy(st.sia_number, sizeof st.sia_number, "1234567812345678");
        st.sia_expires = lnt_days_from_civil(2027, 6, 1);
    }
    if (lnt_store_staff_add(s, &st, err) != LNT_OK)
        fail_msg("staff: %s", err);
    return st.id;
}

int64_t sf_kiosk(struct lnt_store *s, int64_t venue)
{
    char code[LNT_ENROLL_CODE_LEN + 1], err[LNT_ERRBUF_SIZE] = "";
    uint8_t pk[LNT_SIGN_PK_LEN];
    struct lnt_kiosk k;

    lnt_random(pk, sizeof pk);
    if (lnt_store_enroll_code_add(s, venue, lnt_time_now() + 600, code, err) != LNT_OK ||
        lnt_store_enroll_redeem(s, code, pk, lnt_time_now(), &k, err) != LNT_OK)
        fail_msg("kiosk: %s", err);
    return k.id;
}

void sf_badge_issue(struct lnt_store *s, int64_t staff, const char *serial, int64_t issued_at)
{
    struct lnt_badge_record b = {
        .staff_id = staff, .issued_at = issued_at, .expires_at = issued_at + 390 * 86400};
    struct lnt_trusted_key *keys = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    assert_int_equal(lnt_hex_decode(serial, b.serial, sizeof b.serial), LNT_OK);
    if (lnt_store_trust_keys(s, &keys, &n, err) != LNT_OK || n == 0)
        fail_msg("trust keys: %s", err);
    memcpy(b.kid, keys[0].kid, sizeof b.kid);
    free(keys);
    if (lnt_store_badge_add(s, &b, err) != LNT_OK)
        fail_msg("badge %s: %s", serial, err);
}

void sf_training(struct lnt_store *s, int64_t staff, enum lnt_course c, int32_t completed,
                 int32_t expires)
{
    struct lnt_training t = {
        .staff_id = staff, .course = c, .completed = completed, .expires = expires};
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_store_training_add(s, &t, err) != LNT_OK)
        fail_msg("training: %s", err);
}

void sf_insert(struct lnt_store *s, int64_t kiosk, int64_t now, const struct lnt_event *ev,
               size_t n)
{
    struct lnt_ingest_result res[LNT_BATCH_MAX];
    char err[LNT_ERRBUF_SIZE] = "";

    assert_true(n <= LNT_BATCH_MAX);
    if (lnt_store_events_insert(s, kiosk, now, ev, n, res, err) != LNT_OK)
        fail_msg("insert: %s", err);
}

static struct lnt_event base(int64_t seq, enum lnt_event_type type, int64_t at)
{
    struct lnt_event e;

    memset(&e, 0, sizeof e);
    e.seq = seq;
    lnt_uuid4(e.uuid);
    e.type = type;
    e.occurred_at = at;
    e.recorded_at = at;
    return e;
}

struct lnt_event sf_badge(int64_t seq, enum lnt_event_type type, int64_t at, int64_t staff,
                          const char *serial, enum lnt_role role)
{
    struct lnt_event e = base(seq, type, at);

    snprintf(e.u.badge.staff_id, sizeof e.u.badge.staff_id, "%lld", (long long)staff);
    (void)lnt_str_copy(e.u.badge.serial, sizeof e.u.badge.serial, serial);
    e.u.badge.role = role;
    if (role == LNT_ROLE_DOOR) {
        (void)lnt_str_copy(e.u.badge.sia_number, sizeof e.u.badge.sia_number, "1234567812345678");
        e.u.badge.sia_expires = lnt_days_from_civil(2027, 6, 1);
        e.u.badge.sia_status = LNT_SIA_VALID;
    } else {
        e.u.badge.sia_status = LNT_SIA_NOT_REQUIRED;
    }
    e.u.badge.verdict = LNT_VERDICT_GREEN;
    return e;
}

struct lnt_event sf_incident(int64_t seq, int64_t at, int64_t recorded, const char *report_id,
                             const char *kind, bool complete, const char *sealed)
{
    struct lnt_event e = base(seq, LNT_EV_INCIDENT, at);
    struct lnt_ev_incident *in = &e.u.incident;

    e.recorded_at = recorded;
    (void)lnt_str_copy(in->report_id, sizeof in->report_id, report_id);
    (void)lnt_str_copy(in->kind, sizeof in->kind, kind);
    in->severity = 3;
    (void)lnt_str_copy(in->place, sizeof in->place, "bar");
    (void)lnt_str_copy(in->outcome, sizeof in->outcome, complete ? "resolved" : "open");
    in->complete = complete;
    (void)lnt_str_copy(in->staff_id, sizeof in->staff_id, "1");
    (void)lnt_str_copy(in->sealed, sizeof in->sealed, sealed != NULL ? sealed : "");
    return e;
}

struct lnt_event sf_stock(int64_t seq, int64_t at, const char *kind, int32_t qty)
{
    struct lnt_event e = base(seq, LNT_EV_STOCK, at);

    (void)lnt_str_copy(e.u.stock.kind, sizeof e.u.stock.kind, kind);
    e.u.stock.quantity = qty;
    (void)lnt_str_copy(e.u.stock.staff_id, sizeof e.u.stock.staff_id, "1");
    return e;
}

struct lnt_event sf_shift(int64_t seq, enum lnt_event_type type, int64_t at, int64_t staff,
                          const char *team, int32_t water)
{
    struct lnt_event e = base(seq, type, at);

    snprintf(e.u.shift.staff_id, sizeof e.u.shift.staff_id, "%lld", (long long)staff);
    (void)lnt_str_copy(e.u.shift.call_sign, sizeof e.u.shift.call_sign, "Pastor 1");
    (void)lnt_str_copy(e.u.shift.team, sizeof e.u.shift.team, team);
    e.u.shift.team_size = 3;
    if (type == LNT_EV_SHIFT_END)
        e.u.shift.tallies[0] = water;
    return e;
}

struct lnt_event sf_refused(int64_t seq, int64_t at)
{
    struct lnt_event e = base(seq, LNT_EV_BADGE_REFUSED, at);

    e.u.refused.reason = LNT_BADGE_EXPIRED;
    return e;
}
