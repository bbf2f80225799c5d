/* test_lanternctl_export.c - CSV exports, purge and backup through lanternctl. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codec.h"
#include "ltime.h"
#include "night.h"
#include "store.h"
#include "support.h"
#include "test_lanternctl_run.h"

#define MAX_ROWS 64
#define MAX_COLS 32

/* ---- a strict RFC 4180 reader: CRLF rows, quoted fields, doubled quotes ---- */

struct csv {
    size_t rows;
    size_t cols[MAX_ROWS];
    char *cell[MAX_ROWS][MAX_COLS];
};

static void csv_free(struct csv *c)
{
    for (size_t r = 0; r < c->rows; r++)
        for (size_t k = 0; k < c->cols[r]; k++)
            free(c->cell[r][k]);
}

static void csv_read(const char *path, struct csv *c)
{
    char *text = lnt_test_read_file(path), *p;
    char field[4096];
    size_t len;

    assert_non_null(text);
    memset(c, 0, sizeof *c);
    p = text;
    while (*p != '\0') {
        assert_true(c->rows < MAX_ROWS);
        for (;;) {
            len = 0;
            if (*p == '"') {
                for (p++;; p++) {
                    assert_true(*p != '\0'); /* an unterminated quote is malformed */
                    if (*p == '"' && p[1] == '"') {
                        field[len++] = '"';
                        p++;
                    } else if (*p == '"') {
                        p++;
                        break;
                    } else {
                        field[len++] = *p;
                    }
                    assert_true(len < sizeof field);
                }
            } else {
                while (*p != ',' && *p != '\r' && *p != '\0') {
                    assert_true(*p != '"' && *p != '\n'); /* bare quotes and LF are not allowed */
                    field[len++] = *p++;
                }
            }
            field[len] = '\0';
            assert_true(c->cols[c->rows] < MAX_COLS);
            c->cell[c->rows][c->cols[c->rows]++] = strdup(field);
            if (*p == ',') {
                p++;
                continue;
            }
            assert_memory_equal(p, "\r\n", 2); /* every row ends CRLF */
            p += 2;
            break;
        }
        c->rows++;
    }
    free(text);
}

/* The cell in data row `row` (0 = first after the header) under header `name`. */
static const char *cell(const struct csv *c, size_t row, const char *name)
{
    for (size_t k = 0; k < c->cols[0]; k++)
        if (strcmp(c->cell[0][k], name) == 0) {
            assert_true(row + 1 < c->rows);
            assert_int_equal(c->cols[row + 1], c->cols[0]);
            return c->cell[row + 1][k];
        }
    fail_msg("no column %s", name);
    return NULL;
}

/* ---- a town with a night of events ---- */

struct fixture_data {
    int32_t night; /* the recent night with events */
    char from[11], to[11];
};

static void fill_badge(struct lnt_event *e, const char *staff, enum lnt_role role, const char *sia)
{
    lnt_str_copy(e->u.badge.staff_id, sizeof e->u.badge.staff_id, staff);
    lnt_str_copy(e->u.badge.serial, sizeof e->u.badge.serial, "0011223344556677");
    e->u.badge.role = role;
    lnt_str_copy(e->u.badge.sia_number, sizeof e->u.badge.sia_number, sia);
    e->u.badge.sia_status = sia[0] ? LNT_SIA_VALID : LNT_SIA_NOT_REQUIRED;
    e->u.badge.verdict = LNT_VERDICT_GREEN;
}

static int64_t enrol(struct lnt_store *s, struct ctl_fix *f, const char *venue)
{
    char err[LNT_ERRBUF_SIZE] = "";
    uint8_t pk[LNT_SIGN_PK_LEN];
    struct lnt_kiosk k;
    json_t *o = ctl_json(f, "kiosk", "add", "--venue", venue, NULL);

    lnt_random(pk, sizeof pk);
    assert_int_equal(
        lnt_store_enroll_redeem(s, ctl_jstr(o, "enrollment_code"), pk, lnt_time_now(), &k, err),
        LNT_OK);
    json_decref(o);
    return k.id;
}

static void town(struct ctl_fix *f, struct fixture_data *d)
{
    char err[LNT_ERRBUF_SIZE] = "", sia_exp[11];
    struct lnt_store *s = NULL;
    struct lnt_event ev[8];
    struct lnt_ingest_result res[8];
    int64_t k1, k2, base;

    ctl_init(f);
    json_decref(ctl_json(f, "venue", "add", "--name", "The Crown", "--category", "pub",
                         "--capacity", "300", "--area", "High Street", "--authority", "Kingsbridge",
                         NULL));
    json_decref(ctl_json(f, "venue", "add", "--name", "Safe Haven", "--category", "hub",
                         "--capacity", "40", "--area", "High Street", "--authority", "Avon Vale",
                         NULL));
    json_decref(ctl_json(f, "staff", "add", "--venue", "1", "--name", "Sam Okafor", "--role",
                         "door", "--sia", "1234567812345678", "--sia-expiry",
                         ctl_date(300, sia_exp), NULL));
    json_decref(ctl_json(f, "staff", "add", "--venue", "1", "--name", "Priya, \"P\" Raman",
                         "--role", "bar", NULL));
    json_decref(
        ctl_json(f, "staff", "add", "--venue", "2", "--name", "Ruth", "--role", "volunteer", NULL));

    d->night = lnt_date_of(lnt_time_now()) - 10;
    assert_int_equal(lnt_date_format(d->night - 1, d->from), LNT_OK);
    assert_int_equal(lnt_date_format(d->night + 1, d->to), LNT_OK);
    base = (int64_t)d->night * 86400 + 21 * 3600; /* 21:00 UTC: the evening of that night */

    assert_int_equal(lnt_store_open(&s, f->db, err), LNT_OK);
    k1 = enrol(s, f, "1");
    k2 = enrol(s, f, "2");
    memset(ev, 0, sizeof ev);
    for (int i = 0; i < 8; i++) {
        ev[i].seq = i + 1;
        lnt_uuid4(ev[i].uuid);
        ev[i].occurred_at = ev[i].recorded_at = base + i * 60;
    }
    /* a shift 800 days ago, for the purge */
    ev[0].type = LNT_EV_SIGN_IN;
    ev[0].occurred_at = ev[0].recorded_at = base - 800 * 86400;
    fill_badge(&ev[0], "1", LNT_ROLE_DOOR, "1234567812345678");
    ev[1].type = LNT_EV_SIGN_IN;
    fill_badge(&ev[1], "1", LNT_ROLE_DOOR, "1234567812345678");
    ev[2].type = LNT_EV_SIGN_IN;
    fill_badge(&ev[2], "2", LNT_ROLE_BAR, "");
    ev[3].type = LNT_EV_INCIDENT;
    lnt_uuid4(ev[3].u.incident.report_id);
    lnt_str_copy(ev[3].u.incident.kind, sizeof ev[3].u.incident.kind, "violence");
    ev[3].u.incident.severity = 4;
    lnt_str_copy(ev[3].u.incident.place, sizeof ev[3].u.incident.place, "bar, \"upstairs\"");
    lnt_str_copy(ev[3].u.incident.outcome, sizeof ev[3].u.incident.outcome, "=HYPERLINK(1)");
    ev[3].u.incident.police_called = true;
    ev[3].u.incident.complete = true;
    lnt_str_copy(ev[3].u.incident.staff_id, sizeof ev[3].u.incident.staff_id, "1");
    lnt_str_copy(ev[3].u.incident.sealed, sizeof ev[3].u.incident.sealed,
                 "c2VjcmV0IGRldGFpbHMgb2YgdGhlIHZpY3RpbQ==");
    ev[4].type = LNT_EV_STOCK;
    lnt_str_copy(ev[4].u.stock.kind, sizeof ev[4].u.stock.kind, "count");
    ev[4].u.stock.quantity = 40;
    lnt_str_copy(ev[4].u.stock.staff_id, sizeof ev[4].u.stock.staff_id, "1");
    ev[5].type = LNT_EV_SIGN_OUT;
    ev[5].occurred_at = ev[5].recorded_at = base + 2 * 3600 + 60; /* two hours after signing in */
    fill_badge(&ev[5], "1", LNT_ROLE_DOOR, "1234567812345678");
    assert_int_equal(lnt_store_events_insert(s, k1, lnt_time_now(), ev, 6, res, err), LNT_OK);
    for (int i = 0; i < 6; i++)
        assert_int_equal(res[i].status, LNT_INGEST_ACCEPTED);

    memset(ev, 0, sizeof ev);
    for (int i = 0; i < 2; i++) {
        ev[i].seq = i + 1;
        lnt_uuid4(ev[i].uuid);
        ev[i].type = i == 0 ? LNT_EV_SHIFT_START : LNT_EV_SHIFT_END;
        ev[i].occurred_at = ev[i].recorded_at = base + i * 5 * 3600;
        lnt_str_copy(ev[i].u.shift.staff_id, sizeof ev[i].u.shift.staff_id, "3");
        lnt_str_copy(ev[i].u.shift.team, sizeof ev[i].u.shift.team, "Street Pastors");
        lnt_str_copy(ev[i].u.shift.call_sign, sizeof ev[i].u.shift.call_sign, "SP1");
        lnt_str_copy(ev[i].u.shift.base, sizeof ev[i].u.shift.base, "safe_haven");
        lnt_str_copy(ev[i].u.shift.leader, sizeof ev[i].u.shift.leader, "self");
        ev[i].u.shift.team_size = 4;
    }
    ev[1].u.shift.tallies[0] = 23; /* water */
    assert_int_equal(lnt_store_events_insert(s, k2, lnt_time_now(), ev, 2, res, err), LNT_OK);
    lnt_store_free(s);
}

static void export(struct ctl_fix *f, const struct fixture_data *d, const char *what,
                   const char *path, int64_t rows)
{
    json_t *o = ctl_json(f, "export", what, "--from", d->from, "--to", d->to, "--csv", path, NULL);
    assert_string_equal(ctl_jstr(o, "export"), what);
    if (ctl_jint(o, "rows") != rows)
        fail_msg("export %s: %lld rows, expected %lld", what, (long long)ctl_jint(o, "rows"),
                 (long long)rows);
    json_decref(o);
}

static void test_lanternctl_export__door_register(void **state)
{
    struct ctl_fix *f = *state;
    struct fixture_data d;
    char *path = ctl_path(f, "register.csv");
    char night[LNT_LOCAL_DATE_STRLEN];
    struct csv c;

    town(f, &d);
    export(f, &d, "door-register", path, 2);
    csv_read(path, &c);
    assert_int_equal(c.rows, 3);
    assert_string_equal(c.cell[0][0], "venue_id");
    /* dates read as the dashboard prints them ("Sat 12 Sep 2026") */
    assert_int_equal(lnt_local_date_format(d.night, night), LNT_OK);
    for (size_t r = 0; r < 2; r++) {
        bool door = strcmp(cell(&c, r, "role"), "door") == 0;
        assert_string_equal(cell(&c, r, "venue"), "The Crown");
        assert_string_equal(cell(&c, r, "night"), night);
        /* the town's sign-ins show a badge serial the scheme never issued */
        assert_string_equal(cell(&c, r, "badge_flag"), "unknown_serial");
        if (door) {
            assert_string_equal(cell(&c, r, "name"), "Sam Okafor");
            assert_string_equal(cell(&c, r, "sia_number"), "1234567812345678");
            assert_string_equal(cell(&c, r, "sia_licence"), "valid");
            assert_string_equal(cell(&c, r, "signed_out"), "yes");
            assert_string_equal(cell(&c, r, "hours"), "2.00");
        } else {
            /* commas and quotes in a name survive the round trip */
            assert_string_equal(cell(&c, r, "name"), "Priya, \"P\" Raman");
            /* bar staff need no SIA licence: never "no" */
            assert_string_equal(cell(&c, r, "sia_licence"), "not required");
            assert_string_equal(cell(&c, r, "signed_out"), "no");
            assert_string_equal(cell(&c, r, "off_duty"), "");
        }
    }
    csv_free(&c);
    free(path);
}

static void test_lanternctl_export__incidents_never_carry_details(void **state)
{
    struct ctl_fix *f = *state;
    struct fixture_data d;
    char *path = ctl_path(f, "incidents.csv"), *text;
    struct csv c;
    json_t *o;

    town(f, &d);
    export(f, &d, "incidents", path, 1);
    text = lnt_test_read_file(path);
    assert_null(strstr(text, "c2VjcmV0")); /* the sealed details never appear */
    assert_null(strstr(text, "sealed"));
    free(text);
    csv_read(path, &c);
    assert_string_equal(cell(&c, 0, "kind"), "violence");
    assert_string_equal(cell(&c, 0, "place"), "bar, \"upstairs\"");
    /* what a spreadsheet would run as a formula is defused */
    assert_string_equal(cell(&c, 0, "outcome"), "'=HYPERLINK(1)");
    assert_string_equal(cell(&c, 0, "police_called"), "yes");
    assert_string_equal(cell(&c, 0, "severity"), "4");
    csv_free(&c);

    /* scope: the hub has no incidents, nor has the other authority */
    o = ctl_json(f, "export", "incidents", "--from", d.from, "--to", d.to, "--venue", "2", "--csv",
                 path, NULL);
    assert_int_equal(ctl_jint(o, "rows"), 0);
    assert_string_equal(ctl_jstr(o, "scope"), "venue 2");
    json_decref(o);
    o = ctl_json(f, "export", "incidents", "--from", d.from, "--to", d.to, "--authority",
                 "Avon Vale", "--csv", path, NULL);
    assert_int_equal(ctl_jint(o, "rows"), 0);
    json_decref(o);
    csv_read(path, &c);
    assert_int_equal(c.rows, 1); /* the header alone */
    csv_free(&c);
    free(path);
}

static void test_lanternctl_export__stock_and_volunteers(void **state)
{
    struct ctl_fix *f = *state;
    struct fixture_data d;
    char *path = ctl_path(f, "x.csv");
    struct csv c;

    town(f, &d);
    export(f, &d, "stock", path, 1);
    csv_read(path, &c);
    assert_string_equal(cell(&c, 0, "kind"), "count");
    assert_string_equal(cell(&c, 0, "level_after"), "40");
    csv_free(&c);
    export(f, &d, "volunteers", path, 1);
    csv_read(path, &c);
    assert_string_equal(cell(&c, 0, "team"), "Street Pastors");
    assert_string_equal(cell(&c, 0, "water"), "23");
    assert_string_equal(cell(&c, 0, "hours"), "5.00");
    assert_string_equal(cell(&c, 0, "venue"), "Safe Haven");
    assert_string_equal(cell(&c, 0, "base"), "safe_haven");
    assert_string_equal(cell(&c, 0, "leader"), "self");
    csv_free(&c);
    free(path);
}

static void test_lanternctl_export__audited_and_errors(void **state)
{
    struct ctl_fix *f = *state;
    struct fixture_data d;
    char *path = ctl_path(f, "x.csv");
    struct stat st;
    json_t *l;

    town(f, &d);
    export(f, &d, "stock", path, 1);
    export(f, &d, "incidents", path, 1);
    l = ctl_json_lines(f, "audit", "list", "--action", "export.", NULL);
    assert_int_equal(json_array_size(l), 2);
    assert_string_equal(ctl_jstr(json_array_get(l, 0), "action"), "export.incidents");
    assert_non_null(strstr(ctl_jstr(json_array_get(l, 0), "detail"), "1 rows"));
    json_decref(l);

    ctl_expect_fail(f, 1, "is before --from", "export", "stock", "--from", d.to, "--to", d.from,
                    "--csv", path, NULL);
    ctl_expect_fail(f, 2, "--csv is required", "export", "stock", "--from", d.from, "--to", d.to,
                    NULL);
    ctl_expect_fail(f, 2, "not both", "export", "stock", "--from", d.from, "--to", d.to, "--venue",
                    "1", "--authority", "K", "--csv", path, NULL);
    ctl_expect_fail(f, 1, "venue 9 not found", "export", "door-register", "--from", d.from, "--to",
                    d.to, "--venue", "9", "--csv", path, NULL);
    ctl_expect_fail(f, 1, "--from", "export", "stock", "--from", "yesterday", "--to", d.to, "--csv",
                    path, NULL);
    ctl_expect_fail(f, 2, "unknown subcommand 'cats'", "export", "cats", NULL);
    ctl_expect_fail(f, 1, "--csv", "export", "stock", "--from", d.from, "--to", d.to, "--csv",
                    "/nonexistent/dir/x.csv", NULL);
    assert_int_equal(stat("/nonexistent/dir/x.csv", &st), -1);
    free(path);
}

static int count_events(void *ctx, const struct lnt_stored_event *e)
{
    (void)e;
    (*(int *)ctx)++;
    return 0;
}

static void test_lanternctl_export__backup_and_purge(void **state)
{
    struct ctl_fix *f = *state;
    struct fixture_data d;
    char *copy = ctl_path(f, "backup.db");
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct lnt_venue *venues = NULL;
    size_t n = 0;
    int events = 0;
    struct ctl_run r;
    json_t *o;

    town(f, &d);
    o = ctl_json(f, "backup", "--to", copy, NULL);
    assert_string_equal(ctl_jstr(o, "file"), copy);
    assert_true(ctl_jint(o, "bytes") > 0);
    json_decref(o);
    /* the copy opens on its own and holds the data */
    assert_int_equal(lnt_store_open(&s, copy, err), LNT_OK);
    assert_int_equal(lnt_store_venue_list(s, &venues, &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(venues[0].name, "The Crown");
    assert_int_equal(lnt_store_events_each(s, 0, INT64_MIN, count_events, &events, err), LNT_OK);
    assert_int_equal(events, 8);
    free(venues);
    lnt_store_free(s);
    ctl_expect_fail(f, 1, "already exists", "backup", "--to", copy, NULL);
    ctl_expect_fail(f, 2, "--to FILE is required", "backup", NULL);

    /* piped: the command is quiet on stderr (no progress bar) */
    ctl_exec(f, true, NULL, &r, "purge", NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    o = json_loads(r.out, 0, NULL);
    assert_non_null(o);
    ctl_run_release(&r);
    /* the shift from 800 days ago leaves the register; its raw event arrived today and stays */
    assert_int_equal(ctl_jint(o, "raw_events"), 0);
    assert_int_equal(ctl_jint(o, "door_register"), 1);
    assert_int_equal(ctl_jint(o, "incidents"), 0);
    json_decref(o);
    o = ctl_json(f, "purge", NULL);
    assert_int_equal(ctl_jint(o, "raw_events"), 0); /* nothing more the second time */
    json_decref(o);
    free(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lanternctl_export__door_register, ctl_setup,
                                        ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_export__incidents_never_carry_details,
                                        ctl_setup, ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_export__stock_and_volunteers, ctl_setup,
                                        ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_export__audited_and_errors, ctl_setup,
                                        ctl_teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl_export__backup_and_purge, ctl_setup,
                                        ctl_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
