/*
 * test_offline_week.c - a kiosk whose server is away for seven trading nights: 20,000 records
 * saved through the real outbox while the sync thread (stepped on a simulated clock) keeps
 * failing; the card stays bounded, the status bar shows the backlog, and when the real lanternd
 * on 127.0.0.1 comes back every record reaches it exactly once.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "app.h"
#include "codec.h"
#include "lanternd.h"
#include "log.h"
#include "ltime.h"
#include "outbox.h"
#include "screen.h"
#include "store.h"
#include "support.h"
#include "sync.h"
#include "syncer.h"

#define NIGHTS 7
#define RECORDS 20000
#define NIGHT_S (24 * 3600)
#define OPEN_S (12 * 3600) /* 18:00 to 06:00; the rest of the day the kiosk is idle */
/*
 * The bound on the card: the WAL never over LNT_OUTBOX_WAL_MAX, and the outbox file at most
 * RECORD_BOUND bytes for each record waiting plus FILE_FIXED for everything else.
 */
#define RECORD_BOUND 1024
#define FILE_FIXED (256 * 1024)
/* What an idle day online may add to the WAL: 48 small commits of a few 1 KiB pages (every
 * refresh rewriting the lists, as the sync thread once did, is megabytes). */
#define IDLE_DAY_BOUND (256 * 1024)

static int64_t size_of(const char *dir, const char *name)
{
    char *path = lnt_test_path(dir, name);
    struct stat st;
    int64_t n = stat(path, &st) == 0 ? (int64_t)st.st_size : 0;

    free(path);
    return n;
}

/* Record i of the week: sign-ins and sign-outs, incidents, stock and volunteer shifts. */
static void make_record(struct lnt_event *ev, int i, int64_t at)
{
    memset(ev, 0, sizeof *ev);
    ev->occurred_at = ev->recorded_at = at;
    switch (i % 10) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
        ev->type = i % 2 ? LNT_EV_SIGN_OUT : LNT_EV_SIGN_IN;
        snprintf(ev->u.badge.staff_id, sizeof ev->u.badge.staff_id, "%d", 100 + (i / 2) % 12);
        snprintf(ev->u.badge.serial, sizeof ev->u.badge.serial, "a1b2c3d4%08x", (i / 2) % 12);
        ev->u.badge.role = LNT_ROLE_DOOR;
        lnt_str_copy(ev->u.badge.sia_number, sizeof ev->u.badge.sia_number, "1234567812345678");
        ev->u.badge.sia_expires = 22000;
        ev->u.badge.sia_status = LNT_SIA_VALID;
        ev->u.badge.verdict = LNT_VERDICT_GREEN;
        break;
    case 6:
    case 7:
        ev->type = LNT_EV_INCIDENT;
        lnt_uuid7(at * 1000 + i % 1000, ev->u.incident.report_id);
        lnt_str_copy(ev->u.incident.kind, sizeof ev->u.incident.kind,
                     i % 20 == 6 ? "angela" : "disorder");
        lnt_str_copy(ev->u.incident.place, sizeof ev->u.incident.place, "bar");
        lnt_str_copy(ev->u.incident.staff_id, sizeof ev->u.incident.staff_id, "101");
        ev->u.incident.severity = 3;
        ev->u.incident.complete = true;
        break;
    case 8:
        ev->type = LNT_EV_STOCK;
        lnt_str_copy(ev->u.stock.kind, sizeof ev->u.stock.kind, "handed_out");
        ev->u.stock.quantity = 5;
        lnt_str_copy(ev->u.stock.staff_id, sizeof ev->u.stock.staff_id, "101");
        break;
    default:
        ev->type = i % 20 == 9 ? LNT_EV_SHIFT_START : LNT_EV_SHIFT_END;
        lnt_str_copy(ev->u.shift.staff_id, sizeof ev->u.shift.staff_id, "200");
        lnt_str_copy(ev->u.shift.call_sign, sizeof ev->u.shift.call_sign, "Bravo");
        lnt_str_copy(ev->u.shift.team, sizeof ev->u.shift.team, "Street Pastors");
        ev->u.shift.team_size = 4;
        break;
    }
}

static int cmp_uuid(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The uuids lanternd stored for `kiosk_id`, sorted, into `out` (room for `max`); the count. */
static size_t server_uuids(const char *db, int64_t kiosk_id, char (*out)[LNT_UUID_STRLEN],
                           size_t max)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    size_t n = 0;

    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    assert_int_equal(
        sqlite3_prepare_v2(h, "SELECT uuid FROM events WHERE kiosk_id = ?", -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_int64(st, 1, kiosk_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        assert_true(n < max);
        lnt_str_copy(out[n++], LNT_UUID_STRLEN, (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    qsort(out, n, LNT_UUID_STRLEN, cmp_uuid);
    return n;
}

/* The status bar as the kiosk draws it at `now` (lnt_kiosk_build_screen's sources). */
static void status_bar(struct lnt_outbox *ob, struct lnt_syncer *sy, int64_t now,
                       struct lnt_draw_list *dl, int64_t *unsent, int64_t *since)
{
    struct lnt_app *app = calloc(1, sizeof *app);
    struct lnt_app_config cfg = {0};
    struct lnt_syncer_status ss;
    struct lnt_status st = {0};

    assert_non_null(app);
    lnt_app_init(app, &cfg, now * 1000);
    lnt_syncer_status(sy, &ss);
    st.enrolled = ss.enrolled;
    st.online = ss.online;
    st.last_sync = ss.last_sync;
    st.now = now;
    assert_int_equal(lnt_outbox_count(ob, &st.unsent, NULL), LNT_OK);
    assert_int_equal(lnt_outbox_oldest_age(ob, now, since, &st.unsent_age, NULL), LNT_OK);
    lnt_screen_build(app, &st, dl);
    *unsent = st.unsent;
    free(app);
}

static const char *find_text(const struct lnt_draw_list *dl, const char *needle)
{
    for (size_t i = 0; i < dl->n; i++)
        if (dl->cmd[i].kind == LNT_DRAW_TEXT && strstr(dl->cmd[i].text, needle) != NULL)
            return dl->cmd[i].text;
    return NULL;
}

static void test_offline_week__bounded_shown_and_delivered_exactly_once(void **state)
{
    char *dir = lnt_test_tmpdir(), *db = lnt_test_path(dir, "lantern.db");
    char *kdir = lnt_test_path(dir, "kiosk"), code[LNT_ENROLL_CODE_LEN + 1], port[16];
    char(*sent)[LNT_UUID_STRLEN] = calloc(RECORDS + 1, LNT_UUID_STRLEN);
    char(*got)[LNT_UUID_STRLEN] = calloc(RECORDS + 1, LNT_UUID_STRLEN);
    struct lnt_identity *id = calloc(1, sizeof *id);
    struct lnt_draw_list *dl = calloc(1, sizeof *dl);
    struct lnt_test_lanternd d;
    struct lnt_store *s = NULL;
    struct lnt_outbox *ob = NULL;
    struct lnt_syncer *sy = NULL;
    struct lnt_sync *cl = NULL;
    struct lnt_syncer_status ss;
    struct lnt_venue v = {0};
    struct lnt_event ev;
    char err[LNT_ERRBUF_SIZE] = "", want[64], listen[32];
    int64_t start = lnt_time_now() - NIGHTS * NIGHT_S, now = start, unsent = 0, since = 0;
    int64_t wal_max = 0, peak_file = 0, kiosk_id;
    size_t n = 0;
    int made = 0;

    (void)state;
    assert_non_null(sent);
    assert_non_null(got);
    assert_non_null(id);
    assert_non_null(dl);
    assert_int_equal(mkdir(kdir, 0700), 0);

    /* The scheme's server with a venue and an enrolment code; the kiosk enrols while it is up
     * and syncs once. */
    lnt_str_copy(v.name, sizeof v.name, "The Crown");
    v.category = (enum lnt_venue_category)1;
    v.capacity = 250;
    lnt_str_copy(v.area, sizeof v.area, "High Street");
    if (lnt_store_open(&s, db, err) != LNT_OK || lnt_store_scheme_init(s, "WTN", err) != LNT_OK ||
        lnt_store_venue_add(s, &v, err) != LNT_OK ||
        lnt_store_enroll_code_add(s, v.id, lnt_time_now() + 3600, code, err) != LNT_OK)
        fail_msg("server database: %s", err);
    lnt_store_free(s);
    lnt_test_lanternd_start(&d, dir, db, NULL);
    assert_int_equal(lnt_outbox_open(kdir, &ob, err), LNT_OK);
    assert_int_equal(lnt_outbox_identity_get(ob, id, err), LNT_OK);
    assert_int_equal(lnt_sync_new(&cl, err), LNT_OK);
    if (lnt_sync_enroll(cl, d.base, code, id, err) != LNT_OK)
        fail_msg("enrolment: %s", err);
    assert_int_equal(lnt_outbox_identity_set(ob, id, err), LNT_OK);
    kiosk_id = id->kiosk_id;
    lnt_sync_free(cl);
    assert_int_equal(lnt_syncer_open(kdir, NULL, &sy, err), LNT_OK);
    lnt_syncer_step(sy, now * 1000, now);
    lnt_syncer_status(sy, &ss);
    assert_true(ss.online);
    assert_true(ss.last_sync > 0);

    /* The server goes away for a week; the kiosk goes on saving. */
    snprintf(port, sizeof port, "%u", (unsigned)d.port);
    lnt_test_lanternd_stop(&d, SIGTERM);
    for (int night = 0; night < NIGHTS; night++) {
        int64_t t0 = start + (int64_t)night * NIGHT_S;
        int per_night = RECORDS / NIGHTS + (night < RECORDS % NIGHTS);
        int64_t gap = OPEN_S / per_night;

        int j = 0; /* this night's records so far; record j is due at t0 + j * gap */

        /* The sync thread's round every 5 minutes while open, every 15 while idle (a week of
         * failed connections at the thread's own pace of one a minute is the slow part of this
         * test and proves nothing more). */
        for (int64_t t = 0, step = 300; t < NIGHT_S; t += step) {
            step = t < OPEN_S ? 300 : 900;
            while (j < per_night && j * gap < t + step) {
                make_record(&ev, made, t0 + j * gap);
                if (lnt_outbox_append(ob, &ev, err) != LNT_OK)
                    fail_msg("record %d: %s", made, err);
                lnt_str_copy(sent[made], LNT_UUID_STRLEN, ev.uuid);
                made++;
                j++;
                if (size_of(kdir, "kiosk.db-wal") > wal_max)
                    wal_max = size_of(kdir, "kiosk.db-wal");
            }
            now = t0 + t + step - 1;
            lnt_syncer_step(sy, now * 1000, now);
        }
        /* Bounded at the end of every night: the WAL by its limit, the file by what waits. */
        if (size_of(kdir, "kiosk.db") > peak_file)
            peak_file = size_of(kdir, "kiosk.db");
        if (peak_file > (int64_t)made * RECORD_BOUND + FILE_FIXED)
            fail_msg("night %d: outbox %lld bytes for %d records waiting", night + 1,
                     (long long)peak_file, made);
    }
    assert_int_equal(made, RECORDS);
    print_message("outbox with %d records waiting: kiosk.db %lld bytes (bound %lld), WAL at most "
                  "%lld bytes (bound %d)\n",
                  made, (long long)peak_file, (long long)made * RECORD_BOUND + FILE_FIXED,
                  (long long)wal_max, LNT_OUTBOX_WAL_MAX);
    assert_true(wal_max > 0);
    if (wal_max > LNT_OUTBOX_WAL_MAX)
        fail_msg("the WAL reached %lld bytes (bound %d)", (long long)wal_max, LNT_OUTBOX_WAL_MAX);

    /* Staff see the backlog: how many wait and since when, flagged, and the kiosk offline. */
    status_bar(ob, sy, now, dl, &unsent, &since);
    assert_int_equal(unsent, RECORDS);
    assert_int_equal(since, start);
    snprintf(want, sizeof want, "%d unsent over %lld h", RECORDS,
             (long long)((now - start) / 3600));
    if (find_text(dl, want) == NULL)
        fail_msg("the status bar does not say \"%s\"", want);
    assert_non_null(strstr(find_text(dl, want), "\xe2\x9a\xa0"));
    assert_non_null(find_text(dl, "Offline"));
    lnt_syncer_status(sy, &ss);
    assert_false(ss.online);
    assert_int_equal(ss.sent_total, 0);
    assert_true(ss.last_error[0] != '\0');

    /* The server is back where it was: within the backoff's longest wait everything goes. */
    snprintf(listen, sizeof listen, "127.0.0.1:%s", port);
    lnt_test_lanternd_start(&d, dir, db, (const char *const[]){"--listen", listen, NULL});
    for (int64_t t = 0; t <= LNT_BACKOFF_MAX_MS / 1000 + 1; t++) {
        now += 1;
        lnt_syncer_step(sy, now * 1000, now);
    }
    lnt_syncer_status(sy, &ss);
    if (!ss.online)
        fail_msg("still offline with the server back: %s", ss.last_error);
    assert_int_equal(ss.sent_total, RECORDS);
    assert_int_equal(ss.aside_total, 0);
    status_bar(ob, sy, now, dl, &unsent, &since);
    assert_int_equal(unsent, 0);
    assert_non_null(find_text(dl, "Unsent: 0"));

    /* Exactly once: the server holds each of the 20,000, and nothing else. */
    n = server_uuids(db, kiosk_id, got, RECORDS + 1);
    assert_int_equal(n, RECORDS);
    qsort(sent, RECORDS, LNT_UUID_STRLEN, cmp_uuid);
    for (size_t i = 0; i < RECORDS; i++)
        if (strcmp(sent[i], got[i]) != 0)
            fail_msg("record %s is not on the server, or %s is there twice", sent[i], got[i]);

    /* The space the sent records took is used again: a further thousand records, sent as they
     * come, add nothing to the file. */
    peak_file = size_of(kdir, "kiosk.db");
    for (int i = 0; i < 1000; i++) {
        make_record(&ev, i, now);
        assert_int_equal(lnt_outbox_append(ob, &ev, err), LNT_OK);
        if (i % 100 == 99) {
            now += 60;
            lnt_syncer_step(sy, now * 1000, now);
        }
    }
    now += 60;
    lnt_syncer_step(sy, now * 1000, now);
    assert_int_equal(lnt_outbox_count(ob, &unsent, NULL), LNT_OK);
    assert_int_equal(unsent, 0);
    assert_true(size_of(kdir, "kiosk.db") <= peak_file);

    lnt_syncer_stop(sy);
    lnt_outbox_free(ob);
    lnt_test_lanternd_stop(&d, SIGTERM);
    memset(id, 0, sizeof *id);
    free(id);
    free(dl);
    free(sent);
    free(got);
    lnt_test_rmrf(dir);
    free(kdir);
    free(db);
    free(dir);
}

/*
 * An idle day online: the sync thread refreshes its lists every 5 minutes and hears nothing new.
 * What it writes to the card is the last sync time hourly and the clock floor hourly, not the
 * unchanged lists and settings at every refresh.
 */
static void test_offline_week__an_idle_day_online_writes_little(void **state)
{
    char *dir = lnt_test_tmpdir(), *db = lnt_test_path(dir, "lantern.db");
    char *kdir = lnt_test_path(dir, "kiosk"), code[LNT_ENROLL_CODE_LEN + 1];
    struct lnt_identity *id = calloc(1, sizeof *id);
    struct lnt_test_lanternd d;
    struct lnt_store *s = NULL;
    struct lnt_outbox *ob = NULL;
    struct lnt_syncer *sy = NULL;
    struct lnt_sync *cl = NULL;
    struct lnt_syncer_status ss;
    struct lnt_venue v = {0};
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t now = lnt_time_now() - NIGHT_S, wal_before, wal_after;

    (void)state;
    assert_non_null(id);
    assert_int_equal(mkdir(kdir, 0700), 0);
    lnt_str_copy(v.name, sizeof v.name, "The Crown");
    v.category = (enum lnt_venue_category)1;
    v.capacity = 250;
    lnt_str_copy(v.area, sizeof v.area, "High Street");
    if (lnt_store_open(&s, db, err) != LNT_OK || lnt_store_scheme_init(s, "WTN", err) != LNT_OK ||
        lnt_store_venue_add(s, &v, err) != LNT_OK ||
        lnt_store_enroll_code_add(s, v.id, lnt_time_now() + 3600, code, err) != LNT_OK)
        fail_msg("server database: %s", err);
    lnt_store_free(s);
    lnt_test_lanternd_start(&d, dir, db, NULL);
    assert_int_equal(lnt_outbox_open(kdir, &ob, err), LNT_OK);
    assert_int_equal(lnt_outbox_identity_get(ob, id, err), LNT_OK);
    assert_int_equal(lnt_sync_new(&cl, err), LNT_OK);
    if (lnt_sync_enroll(cl, d.base, code, id, err) != LNT_OK)
        fail_msg("enrolment: %s", err);
    assert_int_equal(lnt_outbox_identity_set(ob, id, err), LNT_OK);
    lnt_sync_free(cl);
    assert_int_equal(lnt_syncer_open(kdir, NULL, &sy, err), LNT_OK);
    /* The first round stores what it learns; from then on nothing changes on the server. */
    lnt_syncer_step(sy, now * 1000, now);
    wal_before = size_of(kdir, "kiosk.db-wal");
    for (int64_t t = 0; t < NIGHT_S; t += LNT_SYNCER_REFRESH_MS / 1000) {
        now += LNT_SYNCER_REFRESH_MS / 1000;
        lnt_syncer_step(sy, now * 1000, now);
    }
    lnt_syncer_status(sy, &ss);
    if (!ss.online)
        fail_msg("the server did not answer: %s", ss.last_error);
    assert_true(ss.last_sync >= now - LNT_SYNCER_SAVE_SYNC_S);
    /* 288 refreshes: at most two small commits an hour, well short of a checkpoint. */
    wal_after = size_of(kdir, "kiosk.db-wal");
    print_message("an idle day online: the WAL grew by %lld bytes\n",
                  (long long)(wal_after - wal_before));
    assert_true(wal_after >= wal_before);
    assert_true(wal_after - wal_before <= IDLE_DAY_BOUND);

    lnt_syncer_stop(sy);
    lnt_outbox_free(ob);
    lnt_test_lanternd_stop(&d, SIGTERM);
    memset(id, 0, sizeof *id);
    free(id);
    lnt_test_rmrf(dir);
    free(kdir);
    free(db);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offline_week__bounded_shown_and_delivered_exactly_once),
        cmocka_unit_test(test_offline_week__an_idle_day_online_writes_little),
    };

    lnt_log_init("lantern-kiosk", LNT_LOG_ERROR); /* a week of "sync failed" is expected here */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
