/* test_lanternctl.c - the admin CLI, run as a real process against a temporary database. */
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

#include <jansson.h>

#include "codec.h"
#include "image.h"
#include "ltime.h"
#include "scan.h"
#include "store.h"
#include "support.h"

#define MAX_ARGS 24
#define TIMEOUT_MS 30000

struct fixture {
    char *dir;
    char *db;
    char bin[4096];
};

struct run {
    int status;
    char *out;
    char *err;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    assert_non_null(f);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    f->dir = lnt_test_tmpdir();
    assert_non_null(f->dir);
    f->db = lnt_test_path(f->dir, "var/lantern.db");
    assert_int_equal(lnt_str_copy(f->bin, sizeof f->bin, lnt_test_bin("lanternctl")), LNT_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    lnt_test_rmrf(f->dir);
    free(f->db);
    free(f->dir);
    free(f);
    return 0;
}

static void run_release(struct run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* Runs `lanternctl --db DB [--json] args... (NULL-terminated)`; the caller releases *r. */
static void vrun(struct fixture *f, bool json, struct run *r, const char *first, va_list ap)
{
    const char *argv[MAX_ARGS];
    struct lnt_proc_result pr;
    size_t n = 0;

    argv[n++] = f->bin;
    argv[n++] = "--db";
    argv[n++] = f->db;
    if (json)
        argv[n++] = "--json";
    for (const char *a = first; a != NULL; a = va_arg(ap, const char *)) {
        assert_true(n < MAX_ARGS - 1);
        argv[n++] = a;
    }
    argv[n] = NULL;
    assert_int_equal(lnt_proc_run(argv, NULL, TIMEOUT_MS, &pr), 0);
    assert_false(pr.timed_out);
    r->status = pr.status;
    r->out = pr.out;
    r->err = pr.err;
}

static void run(struct fixture *f, struct run *r, const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    vrun(f, false, r, first, ap);
    va_end(ap);
}

/* Runs with --json, expects exit 0 and one JSON object on stdout, and returns it (caller decrefs).
 */
static json_t *run_json(struct fixture *f, const char *first, ...)
{
    struct run r;
    json_error_t je;
    json_t *obj;
    va_list ap;

    va_start(ap, first);
    vrun(f, true, &r, first, ap);
    va_end(ap);
    if (r.status != 0)
        fail_msg("%s: exit %d: %s", first, r.status, r.err);
    obj = json_loads(r.out, 0, &je);
    if (obj == NULL || !json_is_object(obj))
        fail_msg("%s: stdout is not one JSON object: %s (%s)", first, r.out, je.text);
    run_release(&r);
    return obj;
}

/* Runs with --json and expects failure with `status`; stderr must be one line naming `needle`. */
static void expect_fail(struct fixture *f, int status, const char *needle, const char *first, ...)
{
    struct run r;
    va_list ap;

    va_start(ap, first);
    vrun(f, true, &r, first, ap);
    va_end(ap);
    if (r.status != status)
        fail_msg("%s: exit %d, expected %d; stderr: %s", first, r.status, status, r.err);
    assert_true(lnt_str_starts(r.err, "lanternctl: "));
    if (strstr(r.err, needle) == NULL)
        fail_msg("%s: stderr does not mention '%s': %s", first, needle, r.err);
    if (status == 1) /* one line exactly, and nothing on stdout */
        assert_ptr_equal(strchr(r.err, '\n'), r.err + strlen(r.err) - 1);
    else
        assert_non_null(strstr(r.err, "usage:"));
    run_release(&r);
}

static const char *jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (s == NULL)
        fail_msg("no string field `%s`", key);
    return s;
}

static int64_t jint(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("no integer field `%s`", key);
    return json_integer_value(v);
}

static void init_scheme(struct fixture *f)
{
    json_decref(run_json(f, "init", "--scheme", "WTN", NULL));
}

/* A date `delta` days from today, as text. */
static void date_from_today(int delta, char out[LNT_DATE_STRLEN])
{
    assert_int_equal(lnt_date_format(lnt_date_of(lnt_time_now()) + delta, out), LNT_OK);
}

/* Venue 1 and a licensed door supervisor with in-date Angela and lapsed WAVE training. */
static int64_t door_staff(struct fixture *f)
{
    char sia_exp[LNT_DATE_STRLEN], done[LNT_DATE_STRLEN], old[LNT_DATE_STRLEN],
        lapsed[LNT_DATE_STRLEN];
    json_t *o;
    int64_t id;

    date_from_today(300, sia_exp);
    date_from_today(-30, done);
    date_from_today(-500, old);
    date_from_today(-135, lapsed);
    json_decref(run_json(f, "venue", "add", "--name", "The Crown", "--category", "pub",
                         "--capacity", "300", "--area", "Town Centre", NULL));
    o = run_json(f, "staff", "add", "--venue", "1", "--name", "Sam Okafor", "--role", "door",
                 "--sia", "1234-5678-1234-5678", "--sia-expiry", sia_exp, NULL);
    id = jint(o, "id");
    json_decref(o);
    json_decref(run_json(f, "training", "add", "--staff", "1", "--course", "angela", "--completed",
                         done, NULL));
    json_decref(run_json(f, "training", "add", "--staff", "1", "--course", "wave", "--completed",
                         old, "--expires", lapsed, NULL));
    return id;
}

/* ---- tests ---- */

static void test_lanternctl__init_and_key_show(void **state)
{
    struct fixture *f = *state;
    uint8_t bytes[64];
    size_t n = 0;
    json_t *a, *b;

    a = run_json(f, "init", "--scheme", "WTN-2", NULL);
    assert_string_equal(jstr(a, "scheme"), "WTN-2");
    assert_int_equal(strlen(jstr(a, "kid")), 8);
    b = run_json(f, "key", "show", NULL);
    assert_string_equal(jstr(b, "kid"), jstr(a, "kid"));
    assert_string_equal(jstr(b, "public_key"), jstr(a, "public_key"));
    assert_int_equal(lnt_b64_decode(jstr(b, "box_public_key"), bytes, sizeof bytes, &n), LNT_OK);
    assert_int_equal(n, 32);
    json_decref(a);
    json_decref(b);

    /* the database's directory was created for it */
    struct stat st;
    assert_int_equal(stat(f->db, &st), 0);
    expect_fail(f, 1, "already initialised", "init", "--scheme", "OTHER", NULL);
}

static void test_lanternctl__uninitialised_db_is_refused(void **state)
{
    struct fixture *f = *state;

    expect_fail(f, 1, "not initialised", "venue", "add", "--name", "X", "--category", "pub",
                "--capacity", "10", "--area", "A", NULL);
    expect_fail(f, 1, "not initialised", "key", "show", NULL);
    expect_fail(f, 1, "scheme name", "init", "--scheme", "lower", NULL);
}

static void test_lanternctl__usage_errors_exit_2(void **state)
{
    struct fixture *f = *state;
    struct run r;

    init_scheme(f);
    run(f, &r, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "no command"));
    run_release(&r);
    expect_fail(f, 2, "unknown command 'frob'", "frob", NULL);
    expect_fail(f, 2, "unknown subcommand", "venue", "delete", NULL);
    expect_fail(f, 2, "--name is required", "venue", "add", "--category", "pub", "--capacity", "1",
                "--area", "A", NULL);
    expect_fail(f, 2, "unknown option --colour", "venue", "list", "--colour", NULL);
    expect_fail(f, 2, "given twice", "venue", "add", "--name", "A", "--name", "B", NULL);
    expect_fail(f, 2, "exactly one", "badge", "verify", "--text", "x", "--image", "y", NULL);
    expect_fail(f, 2, "--sia-expiry", "staff", "add", "--venue", "1", "--name", "A", "--role",
                "door", "--sia", "1234567812345678", NULL);
}

static void test_lanternctl__venues(void **state)
{
    struct fixture *f = *state;
    struct run r;
    json_t *o;

    init_scheme(f);
    o = run_json(f, "venue", "add", "--name", "The \"Crown\"", "--category", "nightclub",
                 "--capacity", "900", "--area", "Quayside", NULL);
    assert_int_equal(jint(o, "id"), 1);
    json_decref(o);
    o = run_json(f, "venue", "add", "--name", "Hub", "--category", "hub", "--capacity", "0",
                 "--area", "Market Sq", NULL);
    assert_int_equal(jint(o, "id"), 2);
    json_decref(o);

    expect_fail(f, 1, "--category", "venue", "add", "--name", "X", "--category", "casino",
                "--capacity", "10", "--area", "A", NULL);
    expect_fail(f, 1, "--capacity", "venue", "add", "--name", "X", "--category", "pub",
                "--capacity", "12abc", "--area", "A", NULL);

    /* one JSON object per line */
    const char *argv[] = {f->bin, "--db", f->db, "--json", "venue", "list", NULL};
    struct lnt_proc_result pr;
    assert_int_equal(lnt_proc_run(argv, NULL, TIMEOUT_MS, &pr), 0);
    assert_int_equal(pr.status, 0);
    char *nl = strchr(pr.out, '\n');
    assert_non_null(nl);
    *nl = '\0';
    o = json_loads(pr.out, 0, NULL);
    assert_non_null(o);
    assert_string_equal(jstr(o, "name"), "The \"Crown\"");
    assert_string_equal(jstr(o, "category"), "nightclub");
    assert_int_equal(jint(o, "capacity"), 900);
    json_decref(o);
    o = json_loads(nl + 1, 0, NULL);
    assert_non_null(o);
    assert_string_equal(jstr(o, "area"), "Market Sq");
    json_decref(o);
    lnt_proc_result_release(&pr);

    /* human form: one line per venue */
    run(f, &r, "venue", "list", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "id=2 name=Hub category=hub"));
    run_release(&r);
}

static void test_lanternctl__staff_and_training(void **state)
{
    struct fixture *f = *state;
    struct run r;
    json_t *o;

    init_scheme(f);
    json_decref(run_json(f, "venue", "add", "--name", "The Crown", "--category", "pub",
                         "--capacity", "300", "--area", "Centre", NULL));
    expect_fail(f, 1, "venue 99 not found", "staff", "add", "--venue", "99", "--name", "A",
                "--role", "bar", NULL);
    expect_fail(f, 1, "--sia", "staff", "add", "--venue", "1", "--name", "A", "--role", "door",
                "--sia", "1234 5678", "--sia-expiry", "2027-01-01", NULL);
    expect_fail(f, 1, "--sia-expiry", "staff", "add", "--venue", "1", "--name", "A", "--role",
                "door", "--sia", "1234567812345678", "--sia-expiry", "2027-13-01", NULL);
    expect_fail(f, 1, "--role", "staff", "add", "--venue", "1", "--name", "A", "--role", "bouncer",
                NULL);

    /* door staff without a licence: recorded, with a warning */
    run(f, &r, "staff", "add", "--venue", "1", "--name", "Sam", "--role", "door", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "id: 1\n"));
    assert_non_null(strstr(r.err, "warning"));
    assert_non_null(strstr(r.err, "SIA"));
    run_release(&r);

    expect_fail(f, 1, "--completed", "training", "add", "--staff", "1", "--course", "wave",
                "--completed", "2025-02-30", NULL);
    expect_fail(f, 1, "--course", "training", "add", "--staff", "1", "--course", "juggling",
                "--completed", "2025-02-01", NULL);
    expect_fail(f, 1, "staff member 7 not found", "training", "add", "--staff", "7", "--course",
                "wave", "--completed", "2025-02-01", NULL);
    /* the default expiry is twelve months on; a leap day falls back to 28 February */
    o = run_json(f, "training", "add", "--staff", "1", "--course", "first-aid", "--completed",
                 "2024-02-29", NULL);
    assert_string_equal(jstr(o, "expires"), "2025-02-28");
    assert_string_equal(jstr(o, "course"), "first-aid");
    json_decref(o);
    o = run_json(f, "training", "add", "--staff", "1", "--course", "wave", "--completed",
                 "2025-03-10", NULL);
    assert_string_equal(jstr(o, "expires"), "2026-03-10");
    json_decref(o);
}

static void test_lanternctl__badge_issue_and_verify_image(void **state)
{
    struct fixture *f = *state;
    char *png = lnt_test_path(f->dir, "badge.png");
    json_t *o, *v, *courses;

    init_scheme(f);
    door_staff(f);
    o = run_json(f, "badge", "issue", "--staff", "1", "--png", png, "--valid-days", "30", NULL);
    assert_int_equal(strlen(jstr(o, "serial")), 16);
    assert_true(lnt_str_starts(jstr(o, "qr_text"), "LNT1:"));
    assert_true(jint(o, "qr_version") >= 1 && jint(o, "qr_version") <= 12);

    v = run_json(f, "badge", "verify", "--image", png, NULL);
    assert_true(json_is_true(json_object_get(v, "valid")));
    assert_string_equal(jstr(v, "name"), "Sam Okafor");
    assert_string_equal(jstr(v, "role"), "door");
    assert_string_equal(jstr(v, "subject"), "1");
    assert_string_equal(jstr(v, "sia_number"), "1234567812345678");
    assert_string_equal(jstr(v, "serial"), jstr(o, "serial"));
    assert_string_equal(jstr(v, "expires_at"), jstr(o, "expires_at"));
    assert_string_equal(jstr(v, "issuer"), "WTN");
    courses = json_object_get(v, "courses");
    /* the in-date course is carried, the lapsed one is not */
    assert_int_equal(json_array_size(courses), 1);
    assert_string_equal(jstr(json_array_get(courses, 0), "course"), "angela");
    json_decref(v);
    json_decref(o);

    expect_fail(f, 1, "--valid-days", "badge", "issue", "--staff", "1", "--png", png,
                "--valid-days", "398", NULL);
    expect_fail(f, 1, "staff member 5 not found", "badge", "issue", "--staff", "5", "--png", png,
                NULL);
    free(png);
}

/* Changes one base45 character inside the signature (the last bytes of the COSE structure). */
static void tamper(char *text)
{
    static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    size_t body = strlen(text) - 5;
    size_t pos = 5 + 3 * (body / 3 - 10); /* the low digit of a group 30 characters from the end */
    size_t d = (size_t)(strchr(alphabet, text[pos]) - alphabet);

    /* lowering the low digit keeps the group a valid base45 number, one less */
    text[pos] = alphabet[d > 0 ? d - 1 : d + 1];
}

static void test_lanternctl__reissue_revokes_and_tampering_is_caught(void **state)
{
    struct fixture *f = *state;
    char *png = lnt_test_path(f->dir, "badge.png");
    char text[512];
    struct run r;
    json_t *first, *second, *v;

    init_scheme(f);
    door_staff(f);
    first = run_json(f, "badge", "issue", "--staff", "1", "--png", png, NULL);
    second = run_json(f, "badge", "issue", "--staff", "1", "--png", png, NULL);
    assert_string_not_equal(jstr(first, "serial"), jstr(second, "serial"));

    /* the first badge is revoked: --json still prints the verdict, and the exit is 1 */
    const char *argv[] = {
        f->bin, "--db", f->db, "--json", "badge", "verify", "--text", jstr(first, "qr_text"), NULL};
    struct lnt_proc_result pr;
    assert_int_equal(lnt_proc_run(argv, NULL, TIMEOUT_MS, &pr), 0);
    assert_int_equal(pr.status, 1);
    v = json_loads(pr.out, 0, NULL);
    assert_non_null(v);
    assert_true(json_is_false(json_object_get(v, "valid")));
    assert_string_equal(jstr(v, "reason"), "revoked");
    assert_true(strlen(jstr(v, "message")) > 0);
    json_decref(v);
    lnt_proc_result_release(&pr);

    v = run_json(f, "badge", "verify", "--text", jstr(second, "qr_text"), NULL);
    assert_true(json_is_true(json_object_get(v, "valid")));
    json_decref(v);

    assert_int_equal(lnt_str_copy(text, sizeof text, jstr(second, "qr_text")), LNT_OK);
    tamper(text);
    run(f, &r, "badge", "verify", "--text", text, NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "valid: false\n"));
    assert_non_null(strstr(r.out, "reason: bad_signature\n"));
    run_release(&r);

    run(f, &r, "badge", "verify", "--text", "https://example.com/", NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.out, "reason: not_lantern\n"));
    run_release(&r);

    json_decref(first);
    json_decref(second);
    free(png);
}

static void test_lanternctl__verify_image_without_a_code(void **state)
{
    struct fixture *f = *state;
    char *png = lnt_test_path(f->dir, "blank.png");
    struct lnt_image img;

    init_scheme(f);
    assert_int_equal(lnt_image_init(&img, 200, 200, 255), LNT_OK);
    assert_int_equal(lnt_image_write_png(png, &img, NULL), LNT_OK);
    lnt_image_release(&img);
    expect_fail(f, 1, "no QR code", "badge", "verify", "--image", png, NULL);
    expect_fail(f, 1, "--image", "badge", "verify", "--image", "/nonexistent/badge.png", NULL);
    free(png);
}

static void test_lanternctl__kiosk_add_and_events_list(void **state)
{
    struct fixture *f = *state;
    char *png = lnt_test_path(f->dir, "enrol.png");
    char scanned[128], want[64], err[LNT_ERRBUF_SIZE] = "";
    struct lnt_scanner *sc = NULL;
    struct lnt_image img;
    struct lnt_store *s = NULL;
    struct lnt_kiosk k;
    uint8_t pk[LNT_SIGN_PK_LEN];
    bool found = false;
    struct run r;
    json_t *o;

    init_scheme(f);
    expect_fail(f, 1, "venue 1 not found", "kiosk", "add", "--venue", "1", NULL);
    json_decref(run_json(f, "venue", "add", "--name", "The Crown", "--category", "pub",
                         "--capacity", "300", "--area", "Centre", NULL));

    /* nothing stored yet: nothing printed, success */
    run(f, &r, "events", "list", NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    run_release(&r);

    o = run_json(f, "kiosk", "add", "--venue", "1", "--png", png, NULL);
    assert_int_equal(strlen(jstr(o, "enrollment_code")), LNT_ENROLL_CODE_LEN);
    snprintf(want, sizeof want, "LNTE:%s", jstr(o, "enrollment_code"));
    assert_int_equal(lnt_image_read_png(png, &img, err), LNT_OK);
    assert_int_equal(lnt_scanner_new(&sc, err), LNT_OK);
    assert_int_equal(lnt_scanner_scan(sc, &img, scanned, sizeof scanned, &found, err), LNT_OK);
    assert_true(found);
    assert_string_equal(scanned, want);
    lnt_scanner_free(sc);
    lnt_image_release(&img);

    /* a kiosk enrols with that code and sends two events */
    lnt_random(pk, sizeof pk);
    assert_int_equal(lnt_store_open(&s, f->db, err), LNT_OK);
    assert_int_equal(
        lnt_store_enroll_redeem(s, jstr(o, "enrollment_code"), pk, lnt_time_now(), &k, err),
        LNT_OK);
    struct lnt_event ev[2];
    struct lnt_ingest_result res[2];
    memset(ev, 0, sizeof ev);
    for (int i = 0; i < 2; i++) {
        ev[i].seq = i + 1;
        lnt_uuid4(ev[i].uuid);
        ev[i].type = LNT_EV_STOCK;
        ev[i].occurred_at = ev[i].recorded_at = 1795738863 + i * 86400;
        lnt_str_copy(ev[i].u.stock.kind, sizeof ev[i].u.stock.kind, "count");
        ev[i].u.stock.quantity = 40 + i;
        lnt_str_copy(ev[i].u.stock.staff_id, sizeof ev[i].u.stock.staff_id, "3");
    }
    assert_int_equal(lnt_store_events_insert(s, k.id, lnt_time_now(), ev, 2, res, err), LNT_OK);
    lnt_store_free(s);
    json_decref(o);

    const char *argv[] = {f->bin, "--db",    f->db,        "--json", "events",
                          "list", "--since", "2026-11-28", NULL};
    struct lnt_proc_result pr;
    assert_int_equal(lnt_proc_run(argv, NULL, TIMEOUT_MS, &pr), 0);
    assert_int_equal(pr.status, 0);
    assert_non_null(strchr(pr.out, '\n'));
    if (strchr(pr.out, '\n') != pr.out + strlen(pr.out) - 1)
        fail_msg("expected one line: %s", pr.out);
    o = json_loads(pr.out, 0, NULL);
    assert_non_null(o);
    assert_int_equal(jint(o, "kiosk_id"), k.id);
    assert_int_equal(jint(o, "venue_id"), 1);
    json_t *e = json_object_get(o, "event");
    assert_int_equal(jint(e, "seq"), 2);
    assert_int_equal(jint(e, "quantity"), 41);
    assert_string_equal(jstr(e, "type"), "stock");
    json_decref(o);
    lnt_proc_result_release(&pr);

    run(f, &r, "events", "list", "--venue", "1", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "type=stock"));
    assert_non_null(strchr(strchr(r.out, '\n') + 1, '\n'));
    run_release(&r);
    expect_fail(f, 1, "--since", "events", "list", "--since", "last tuesday", NULL);
    expect_fail(f, 1, "venue 4 not found", "events", "list", "--venue", "4", NULL);
    free(png);
}

/* Runs `lanternctl args...` (NULL-terminated) exactly as given: no options added. */
static void run_line(struct fixture *f, struct run *r, const char *first, ...)
{
    const char *argv[MAX_ARGS];
    struct lnt_proc_result pr;
    size_t n = 0;
    va_list ap;

    argv[n++] = f->bin;
    va_start(ap, first);
    for (const char *a = first; a != NULL; a = va_arg(ap, const char *)) {
        assert_true(n < MAX_ARGS - 1);
        argv[n++] = a;
    }
    va_end(ap);
    argv[n] = NULL;
    assert_int_equal(lnt_proc_run(argv, NULL, TIMEOUT_MS, &pr), 0);
    assert_false(pr.timed_out);
    r->status = pr.status;
    r->out = pr.out;
    r->err = pr.err;
}

/* Each line of r->out is a JSON object with `key`; returns how many lines there were. */
static int json_lines_with(const struct run *r, const char *key)
{
    int lines = 0;

    for (const char *p = r->out; *p != '\0'; lines++) {
        const char *nl = strchr(p, '\n');
        json_t *o;

        assert_non_null(nl);
        o = json_loadb(p, (size_t)(nl - p), 0, NULL);
        if (o == NULL || json_object_get(o, key) == NULL)
            fail_msg("not a JSON object with \"%s\": %.*s", key, (int)(nl - p), p);
        json_decref(o);
        p = nl + 1;
    }
    return lines;
}

/* One stock count from a freshly enrolled kiosk at venue 1, so that `events list` has a line. */
static void one_event(struct fixture *f)
{
    char err[LNT_ERRBUF_SIZE] = "";
    uint8_t pk[LNT_SIGN_PK_LEN];
    struct lnt_store *s = NULL;
    struct lnt_kiosk k;
    struct lnt_event ev;
    struct lnt_ingest_result res;
    json_t *o = run_json(f, "kiosk", "add", "--venue", "1", NULL);

    lnt_random(pk, sizeof pk);
    assert_int_equal(lnt_store_open(&s, f->db, err), LNT_OK);
    assert_int_equal(
        lnt_store_enroll_redeem(s, jstr(o, "enrollment_code"), pk, lnt_time_now(), &k, err),
        LNT_OK);
    memset(&ev, 0, sizeof ev);
    ev.seq = 1;
    lnt_uuid4(ev.uuid);
    ev.type = LNT_EV_STOCK;
    ev.occurred_at = ev.recorded_at = 1795738863;
    lnt_str_copy(ev.u.stock.kind, sizeof ev.u.stock.kind, "count");
    ev.u.stock.quantity = 40;
    lnt_str_copy(ev.u.stock.staff_id, sizeof ev.u.stock.staff_id, "3");
    assert_int_equal(lnt_store_events_insert(s, k.id, lnt_time_now(), &ev, 1, &res, err), LNT_OK);
    lnt_store_free(s);
    json_decref(o);
}

/* --db, --keys, --json and --help go before the command, between its words or after it. */
static void test_lanternctl__global_options_go_anywhere_on_the_line(void **state)
{
    struct fixture *f = *state;
    struct run r;

    init_scheme(f);
    run_line(f, &r, "venue", "add", "--name", "The Crown", "--json", "--category", "pub",
             "--capacity", "300", "--area", "Centre", "--db", f->db, NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(json_lines_with(&r, "name"), 1);
    run_release(&r);
    one_event(f);

    /* the README's example, with the database named after the command too */
    run_line(f, &r, "events", "list", "--json", "--db", f->db, NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(json_lines_with(&r, "event"), 1);
    run_release(&r);
    run_line(f, &r, "events", "list", "--db", f->db, NULL); /* without it: key=value lines */
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "type=stock"));
    run_release(&r);

    /* between the words, and still before the command */
    run_line(f, &r, "venue", "--json", "--db", f->db, "list", NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(json_lines_with(&r, "name"), 1);
    run_release(&r);
    run_line(f, &r, "--json", "--db", f->db, "venue", "list", NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(json_lines_with(&r, "name"), 1);
    run_release(&r);

    /* an option's value is never read as an option */
    run_line(f, &r, "--db", f->db, "venue", "edit", "--venue", "1", "--name", "--json", NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "name: --json"));
    run_release(&r);

    /* the command's own help, on standard output */
    run_line(f, &r, "venue", "list", "--help", NULL);
    assert_int_equal(r.status, 0);
    assert_true(lnt_str_starts(r.out, "usage: lanternctl [--db PATH]"));
    assert_non_null(strstr(r.out, "venue list [--authority NAME]"));
    run_release(&r);
}

/* `--` ends the options: what follows is the command, never an option. */
static void test_lanternctl__double_dash_ends_the_options(void **state)
{
    struct fixture *f = *state;
    struct run r;

    init_scheme(f);
    json_decref(run_json(f, "venue", "add", "--name", "The Crown", "--category", "pub",
                         "--capacity", "300", "--area", "Centre", NULL));
    run_line(f, &r, "--db", f->db, "--json", "--", "venue", "list", NULL);
    assert_int_equal(r.status, 0);
    assert_int_equal(json_lines_with(&r, "name"), 1);
    run_release(&r);
    run_line(f, &r, "--db", f->db, "--", "venue", "list", "--json", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unknown option --json"));
    assert_string_equal(r.out, "");
    run_release(&r);
    run_line(f, &r, "--db", f->db, "venue", "list", "--", "--json", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unexpected argument '--json'"));
    run_release(&r);
    run_line(f, &r, "--db", f->db, "venue", "--", "--json", "list", NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unknown subcommand '--json'"));
    run_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lanternctl__init_and_key_show, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl__uninitialised_db_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl__usage_errors_exit_2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl__global_options_go_anywhere_on_the_line,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl__double_dash_ends_the_options, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl__venues, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl__staff_and_training, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl__badge_issue_and_verify_image, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl__reissue_revokes_and_tampering_is_caught,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl__verify_image_without_a_code, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_lanternctl__kiosk_add_and_events_list, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
