/* test_web_pack.c - the coordinator's league table, the case file's summary by cause and the
 * evidence pack, read from a real lanternd over HTTP (the PDF through poppler-utils). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "buf.h"
#include "codec.h"
#include "lanternd.h"
#include "ltime.h"
#include "night.h"
#include "officer_client.h"
#include "store.h"
#include "support.h"

#define PASSWORD "correct horse battery staple"
#define OFFICER "officer@north.example"
#define NIGHTS 100
#define PDFTOTEXT "/usr/bin/pdftotext"
#define PDFINFO "/usr/bin/pdfinfo"

/*
 * Four pubs trading Friday and Saturday nights, each with a door supervisor and a
 * bartender on every trading night of the last 100. Their Essentials are met by
 * findings and by the kiosk, so their awards follow from the Desired findings:
 *   Gold Arms    14 Desired findings + F2 and a Bonus: Gold
 *   Silver Star  8 Desired findings + F2 and a Bonus: Silver, 3 more Desired for Gold
 *   Bronze Bell  2 Desired findings + F2: Bronze
 *   Door Trouble nobody Ask-for-Angela trained (E1 not met), its door supervisor's licence
 *                expired: most of its points come from door licensing. Two incidents, one
 *                without an outcome.
 */
enum { GOLD, SILVER, BRONZE, DOOR, N_VENUES };
static const char *const names[N_VENUES] = {"Gold Arms", "Silver Star", "Bronze Bell",
                                            "Door Trouble"};
static const char *const essentials[] = {"A3", "A4", "A5", "B1", "B2", "C1", "D1", "F1"};
static const char *const desired[] = {"A7", "A8", "A9", "B3", "B4", "B5", "C2",
                                      "C3", "D2", "D3", "E5", "E6", "F3", "F4"};
static const size_t desired_found[N_VENUES] = {14, 8, 2, 0};

static struct {
    char *dir, *db, *pdf;
    struct lnt_test_lanternd server;
    CURL *curl;
    int64_t venue[N_VENUES];
    int64_t seq[N_VENUES], kiosk[N_VENUES];
} g;

/* ---- the town ---- */

static void badge(struct lnt_event *e, int v, enum lnt_event_type type, int64_t at, int64_t staff,
                  enum lnt_role role, enum lnt_sia_status sia)
{
    memset(e, 0, sizeof *e);
    e->seq = ++g.seq[v];
    lnt_uuid4(e->uuid);
    e->type = type;
    e->occurred_at = at;
    e->recorded_at = at + 60;
    snprintf(e->u.badge.staff_id, sizeof e->u.badge.staff_id, "%lld", (long long)staff);
    snprintf(e->u.badge.serial, sizeof e->u.badge.serial, "%016llx", (long long)staff);
    e->u.badge.role = role;
    if (role == LNT_ROLE_DOOR) {
        lnt_str_copy(e->u.badge.sia_number, sizeof e->u.badge.sia_number, "1234567812345678");
        e->u.badge.sia_expires = lnt_london_date(at) + (sia == LNT_SIA_VALID ? 300 : -10);
    }
    e->u.badge.sia_status = sia;
    e->u.badge.verdict = sia == LNT_SIA_EXPIRED ? LNT_VERDICT_RED : LNT_VERDICT_GREEN;
}

static void incident(struct lnt_event *e, int v, int64_t at, const char *outcome)
{
    memset(e, 0, sizeof *e);
    e->seq = ++g.seq[v];
    lnt_uuid4(e->uuid);
    e->type = LNT_EV_INCIDENT;
    e->occurred_at = at;
    e->recorded_at = at + 600;
    lnt_uuid4(e->u.incident.report_id);
    lnt_str_copy(e->u.incident.kind, sizeof e->u.incident.kind, "violence");
    e->u.incident.severity = 2;
    lnt_str_copy(e->u.incident.place, sizeof e->u.incident.place, "main bar");
    lnt_str_copy(e->u.incident.outcome, sizeof e->u.incident.outcome, outcome);
    e->u.incident.complete = true;
    e->u.incident.police_called = true;
    lnt_str_copy(e->u.incident.staff_id, sizeof e->u.incident.staff_id, "1");
}

static enum lnt_err feed(struct lnt_store *s, int v, int64_t now, const struct lnt_event *ev,
                         size_t n, char *err)
{
    struct lnt_ingest_result res[LNT_BATCH_MAX];
    for (size_t i = 0; i < n; i += LNT_BATCH_MAX) {
        size_t m = n - i < LNT_BATCH_MAX ? n - i : LNT_BATCH_MAX;
        enum lnt_err rc = lnt_store_events_insert(s, g.kiosk[v], now, ev + i, m, res, err);
        if (rc != LNT_OK)
            return rc;
    }
    return LNT_OK;
}

static enum lnt_err finding(struct lnt_store *s, int v, const char *criterion, int32_t today,
                            int64_t now, char *err)
{
    struct lnt_finding f;
    memset(&f, 0, sizeof f);
    f.venue_id = g.venue[v];
    lnt_str_copy(f.criterion, sizeof f.criterion, criterion);
    f.met = true;
    lnt_str_copy(f.evidence, sizeof f.evidence, "Seen on the assessment visit");
    lnt_str_copy(f.assessor, sizeof f.assessor, "Ann Assessor");
    f.found_on = today - 30;
    return lnt_store_finding_add(s, &f, now, err);
}

/* One venue: its staff and training, its kiosk, its nights, its findings. */
static enum lnt_err venue_build(struct lnt_store *s, int v, int64_t now, char *err)
{
    static struct lnt_event ev[NIGHTS * 4 + 4];
    int32_t today = lnt_london_date(now), tonight = lnt_night_of(now);
    struct lnt_venue ve;
    struct lnt_staff st;
    struct lnt_training tr;
    struct lnt_kiosk k;
    char code[LNT_ENROLL_CODE_LEN + 1];
    uint8_t pk[LNT_SIGN_PK_LEN];
    int64_t staff[2];
    size_t n = 0;
    enum lnt_err rc;

    memset(&ve, 0, sizeof ve);
    lnt_str_copy(ve.name, sizeof ve.name, names[v]);
    ve.category = LNT_VENUE_PUB;
    ve.capacity = 200;
    lnt_str_copy(ve.area, sizeof ve.area, "High Street");
    lnt_str_copy(ve.authority, sizeof ve.authority, "Northtown");
    lnt_str_copy(ve.trading, sizeof ve.trading, "Fri-Sat 20:00-03:00");
    if ((rc = lnt_store_venue_add(s, &ve, err)) != LNT_OK)
        return rc;
    g.venue[v] = ve.id;
    for (int i = 0; i < 2; i++) {
        memset(&st, 0, sizeof st);
        st.venue_id = ve.id;
        snprintf(st.name, sizeof st.name, "%s %s", i == 0 ? "Rex" : "Bea",
                 v == DOOR ? "Doorman" : names[v]);
        st.role = i == 0 ? LNT_ROLE_DOOR : LNT_ROLE_BAR;
        if (i == 0) {
            lnt_str_copy(st.sia_number, sizeof st.sia_number, "1234567812345678");
            st.sia_expires = v == DOOR ? today - 200 : today + 300;
        }
        if ((rc = lnt_store_staff_add(s, &st, err)) != LNT_OK)
            return rc;
        staff[i] = st.id;
        memset(&tr, 0, sizeof tr);
        tr.staff_id = st.id;
        tr.completed = today - NIGHTS - 50;
        tr.course = LNT_COURSE_BYSTANDER;
        tr.expires = today + 300;
        if ((rc = lnt_store_training_add(s, &tr, err)) != LNT_OK)
            return rc;
        tr.course = LNT_COURSE_ANGELA;
        tr.expires = 0;
        if (v != DOOR && (rc = lnt_store_training_add(s, &tr, err)) != LNT_OK)
            return rc;
    }
    lnt_random(pk, sizeof pk);
    if ((rc = lnt_store_enroll_code_add(s, ve.id, now + 3600, code, err)) != LNT_OK ||
        (rc = lnt_store_enroll_redeem(s, code, pk, now - (NIGHTS + 2) * 86400, &k, err)) != LNT_OK)
        return rc;
    g.kiosk[v] = k.id;
    for (int32_t night = tonight - NIGHTS; night < tonight; night++) {
        int64_t evening = (int64_t)night * 86400 + 21 * 3600; /* 21:00 UTC: that night */
        int wd = lnt_weekday(night);
        if (wd != 4 && wd != 5)
            continue;
        badge(&ev[n++], v, LNT_EV_SIGN_IN, evening, staff[0], LNT_ROLE_DOOR,
              v == DOOR ? LNT_SIA_EXPIRED : LNT_SIA_VALID);
        badge(&ev[n++], v, LNT_EV_SIGN_IN, evening + 60, staff[1], LNT_ROLE_BAR,
              LNT_SIA_NOT_REQUIRED);
        badge(&ev[n++], v, LNT_EV_SIGN_OUT, evening + 6 * 3600, staff[0], LNT_ROLE_DOOR,
              v == DOOR ? LNT_SIA_EXPIRED : LNT_SIA_VALID);
        badge(&ev[n++], v, LNT_EV_SIGN_OUT, evening + 6 * 3600 + 60, staff[1], LNT_ROLE_BAR,
              LNT_SIA_NOT_REQUIRED);
    }
    if (v == DOOR) {
        incident(&ev[n++], v, now - 10 * 86400, "");
        incident(&ev[n++], v, now - 17 * 86400, "resolved on site");
    }
    if ((rc = feed(s, v, now, ev, n, err)) != LNT_OK)
        return rc;
    for (size_t i = 0; i < sizeof essentials / sizeof essentials[0]; i++)
        if ((rc = finding(s, v, essentials[i], today, now, err)) != LNT_OK)
            return rc;
    for (size_t i = 0; i < desired_found[v]; i++)
        if ((rc = finding(s, v, desired[i], today, now, err)) != LNT_OK)
            return rc;
    if ((v == GOLD || v == SILVER) && (rc = finding(s, v, "A10", today, now, err)) != LNT_OK)
        return rc;
    return LNT_OK;
}

static enum lnt_err town_build(int64_t now, char *err)
{
    struct lnt_store *s = NULL;
    struct lnt_officer o;
    enum lnt_err rc;

    if ((rc = lnt_crypto_init()) != LNT_OK)
        return lnt_fail(err, rc, "crypto init");
    if ((rc = lnt_store_open(&s, g.db, err)) != LNT_OK)
        return rc;
    lnt_store_set_actor(s, "test town");
    rc = lnt_store_scheme_init(s, "TEST", err);
    for (int v = 0; v < N_VENUES && rc == LNT_OK; v++)
        rc = venue_build(s, v, now, err);
    if (rc == LNT_OK) {
        memset(&o, 0, sizeof o);
        lnt_str_copy(o.email, sizeof o.email, OFFICER);
        lnt_str_copy(o.name, sizeof o.name, "Olu Officer");
        o.scope.role = LNT_OFFICER_OFFICER;
        lnt_str_copy(o.scope.authority, sizeof o.scope.authority, "Northtown");
        rc = lnt_store_officer_add(s, &o, PASSWORD, err);
    }
    lnt_store_free(s);
    return rc;
}

static int setup(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    g.dir = lnt_test_tmpdir();
    assert_non_null(g.dir);
    g.db = lnt_test_path(g.dir, "town.db");
    g.pdf = lnt_test_path(g.dir, "pack.pdf");
    if (town_build(lnt_time_now(), err) != LNT_OK)
        fail_msg("building the test town: %s", err);
    lnt_test_lanternd_start(&g.server, g.dir, g.db, NULL);
    g.curl = lnt_test_officer_client();
    assert_int_equal(lnt_test_officer_login(g.curl, g.server.base, OFFICER, PASSWORD, NULL, 0),
                     303);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    curl_easy_cleanup(g.curl);
    lnt_test_lanternd_stop(&g.server, SIGTERM);
    if (getenv("LNT_KEEP_TMP") == NULL)
        lnt_test_rmrf(g.dir);
    free(g.db);
    free(g.pdf);
    free(g.dir);
    return 0;
}

/* ---- reading pages ---- */

/* GET `path` as the officer; the body (caller frees), asserting 200. */
static char *get(const char *path)
{
    struct lnt_test_page r;
    char *body;

    lnt_test_officer_http(g.curl, g.server.base, path, NULL, NULL, &r);
    if (r.status != 200)
        fail_msg("GET %s: %ld", path, r.status);
    body = strdup(r.body.data);
    assert_non_null(body);
    lnt_test_page_release(&r);
    return body;
}

/* The league table's row of venue v: from its <tr data-venue="id"> to its </tr> (caller frees). */
static char *league_row(const char *html, int v)
{
    char key[48];
    const char *a, *b;
    char *row;

    snprintf(key, sizeof key, "<tr data-venue=\"%lld\">", (long long)g.venue[v]);
    a = strstr(html, key);
    if (a == NULL)
        return NULL;
    b = strstr(a, "</tr>");
    assert_non_null(b);
    row = strndup(a, (size_t)(b - a));
    assert_non_null(row);
    return row;
}

/* Where venue v's row is in the table (SIZE_MAX when absent). */
static size_t row_at(const char *html, int v)
{
    char key[48];
    const char *a;
    snprintf(key, sizeof key, "<tr data-venue=\"%lld\">", (long long)g.venue[v]);
    a = strstr(html, key);
    return a != NULL ? (size_t)(a - html) : SIZE_MAX;
}

/* Downloads venue v's evidence pack into g.pdf. */
static void fetch_pack(int v)
{
    struct lnt_test_page r;
    char path[64];
    FILE *f;

    snprintf(path, sizeof path, "/venues/%lld/evidence.pdf", (long long)g.venue[v]);
    lnt_test_officer_http(g.curl, g.server.base, path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(lnt_str_starts(r.body.data, "%PDF-"));
    f = fopen(g.pdf, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(r.body.data, 1, r.body.len, f), r.body.len);
    assert_int_equal(fclose(f), 0);
    lnt_test_page_release(&r);
}

/* The text of pages [first, last] of g.pdf (0, 0: every page), by pdftotext (caller frees). */
static char *pdf_text(int first, int last)
{
    char f[16], l[16];
    const char *all[] = {PDFTOTEXT, g.pdf, "-", NULL};
    const char *some[] = {PDFTOTEXT, "-f", f, "-l", l, g.pdf, "-", NULL};
    struct lnt_proc_result r;
    char *out;

    snprintf(f, sizeof f, "%d", first);
    snprintf(l, sizeof l, "%d", last);
    if (lnt_proc_run(first > 0 ? some : all, NULL, 30000, &r) != 0 || r.status != 0)
        fail_msg("pdftotext failed (poppler-utils, scripts/install-deps): %s",
                 r.err != NULL ? r.err : "");
    out = r.out;
    r.out = NULL;
    lnt_proc_result_release(&r);
    return out;
}

/* pdfinfo with `opt` (NULL: none) on g.pdf (caller frees). */
static char *pdf_info(const char *opt)
{
    const char *plain[] = {PDFINFO, g.pdf, NULL};
    const char *with[] = {PDFINFO, opt, g.pdf, NULL};
    struct lnt_proc_result r;
    char *out;

    if (lnt_proc_run(opt != NULL ? with : plain, NULL, 30000, &r) != 0 || r.status != 0)
        fail_msg("pdfinfo failed (poppler-utils, scripts/install-deps): %s",
                 r.err != NULL ? r.err : "");
    out = r.out;
    r.out = NULL;
    lnt_proc_result_release(&r);
    return out;
}

/* The bytes of `path` (a PDF holds NULs: not a string); the caller frees. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data;
    long size;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    assert_true(size > 0);
    rewind(f);
    data = malloc((size_t)size);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *len = (size_t)size;
    return data;
}

/* How many times `what` occurs in the `len` bytes at `data`. */
static size_t count_bytes(const char *data, size_t len, const char *what)
{
    size_t n = 0, w = strlen(what);
    for (size_t i = 0; i + w <= len; i++)
        n += memcmp(data + i, what, w) == 0;
    return n;
}

static int pdf_pages(void)
{
    char *info = pdf_info(NULL);
    const char *p = strstr(info, "Pages:");
    int64_t n = 0;
    char digits[16];
    size_t k = 0;

    assert_non_null(p);
    p += strlen("Pages:");
    while (*p == ' ')
        p++;
    while (*p >= '0' && *p <= '9' && k < sizeof digits - 1)
        digits[k++] = *p++;
    digits[k] = '\0';
    assert_int_equal(lnt_parse_i64(digits, 1, 1000, &n), LNT_OK);
    free(info);
    return (int)n;
}

/* ---- the coordinator's view ---- */

static void test_web_pack__sorting_by_award_ranks_gold_above_silver_above_bronze(void **state)
{
    char *html = get("/?sort=award&dir=desc");
    (void)state;
    /* by name Silver would come first; by rank Gold does */
    assert_true(row_at(html, GOLD) < row_at(html, SILVER));
    assert_true(row_at(html, SILVER) < row_at(html, BRONZE));
    assert_true(row_at(html, BRONZE) < row_at(html, DOOR));
    free(html);
    html = get("/?sort=award&dir=asc");
    assert_true(row_at(html, DOOR) < row_at(html, BRONZE));
    assert_true(row_at(html, BRONZE) < row_at(html, SILVER));
    assert_true(row_at(html, SILVER) < row_at(html, GOLD));
    free(html);
}

static void test_web_pack__league_says_essentials_met_and_what_the_next_award_needs(void **state)
{
    char *html = get("/"), *row;
    (void)state;
    assert_non_null(strstr(html, ">Essentials met</a>"));
    row = league_row(html, SILVER);
    assert_non_null(row);
    assert_non_null(strstr(row, "10 of 10"));
    assert_non_null(strstr(row, "3 more Desired for Gold")); /* 9 of 16 met, Gold needs 12 */
    free(row);
    row = league_row(html, BRONZE);
    assert_non_null(strstr(row, "5 more Desired for Silver")); /* 3 of 16, Silver needs 8 */
    free(row);
    row = league_row(html, DOOR);
    assert_non_null(strstr(row, "9 of 10"));
    assert_non_null(strstr(row, "one Essential: E1 for Bronze"));
    free(row);
    row = league_row(html, GOLD);
    assert_non_null(strstr(row, "Gold: the top award"));
    free(row);
    free(html);
}

static void test_web_pack__essentials_filter_keeps_complete_or_missing_venues(void **state)
{
    char *html = get("/?essentials=missing");
    (void)state;
    assert_true(row_at(html, DOOR) != SIZE_MAX);
    assert_true(row_at(html, GOLD) == SIZE_MAX && row_at(html, SILVER) == SIZE_MAX &&
                row_at(html, BRONZE) == SIZE_MAX);
    assert_non_null(strstr(html, "value=\"missing\" selected=\"selected\""));
    free(html);
    html = get("/?essentials=all");
    assert_true(row_at(html, DOOR) == SIZE_MAX);
    assert_true(row_at(html, GOLD) != SIZE_MAX && row_at(html, SILVER) != SIZE_MAX &&
                row_at(html, BRONZE) != SIZE_MAX);
    free(html);
}

static void test_web_pack__overview_names_the_top_cause_and_a_year_without_data(void **state)
{
    char *html = get("/"), *top, *week;
    char key[48];
    (void)state;
    snprintf(key, sizeof key, "<a href=\"/venues/%lld\">", (long long)g.venue[DOOR]);
    top = strstr(strstr(html, "id=\"top-risk\""), key);
    assert_non_null(top);
    assert_non_null(strstr(top, " from door licensing"));
    assert_true(strstr(top, " from door licensing") < strstr(top, "</li>"));
    /* the town is 100 nights old: the same week last year has no data, not zero incidents */
    week = strstr(html, "id=\"town-week\"");
    assert_non_null(week);
    assert_non_null(strstr(week, "no data last year"));
    assert_null(strstr(week, " last year (+"));
    free(html);
}

static void test_web_pack__case_file_opens_with_points_by_cause(void **state)
{
    char path[64], *html, *summary, *bbn, *first_cause;
    (void)state;
    snprintf(path, sizeof path, "/venues/%lld", (long long)g.venue[DOOR]);
    html = get(path);
    summary = strstr(html, "id=\"summary\"");
    bbn = strstr(html, "id=\"bbn\"");
    assert_non_null(summary);
    assert_true(bbn == NULL || summary < bbn);
    first_cause = strstr(summary, "<tr data-cause=\"");
    assert_non_null(first_cause);
    assert_true(lnt_str_starts(first_cause, "<tr data-cause=\"door_licensing\""));
    assert_non_null(strstr(summary, "href=\"#register\""));
    assert_non_null(strstr(summary, "one Essential: E1 for Bronze"));
    free(html);
}

/* ---- the evidence pack ---- */

static void test_web_pack__evidence_pack_opens_with_a_one_page_summary(void **state)
{
    char *page1, *rest;
    (void)state;
    fetch_pack(DOOR);
    page1 = pdf_text(1, 1);
    assert_non_null(strstr(page1, "Door Trouble"));
    assert_non_null(strstr(page1, "Summary"));
    assert_non_null(strstr(page1, "Period"));
    assert_non_null(strstr(page1, "Risk band"));
    assert_non_null(strstr(page1, "Best Bar None"));
    assert_non_null(strstr(page1, "Why"));
    assert_non_null(strstr(page1, "Most of the points come from door licensing"));
    assert_non_null(strstr(page1, "one Essential: E1 for Bronze"));
    assert_non_null(strstr(page1, "Points by cause"));
    /* the causes, most points first */
    assert_non_null(strstr(page1, "Door licensing:"));
    assert_true(strstr(page1, "Door licensing:") < strstr(page1, "Incidents:"));
    /* the lines themselves are not on the summary page */
    assert_null(strstr(page1, "door-supervisor shift without a valid SIA licence"));
    rest = pdf_text(2, pdf_pages());
    assert_non_null(strstr(rest, "door-supervisor shift without a valid SIA licence"));
    free(page1);
    free(rest);
}

static void test_web_pack__every_page_says_page_x_of_y(void **state)
{
    int pages;
    (void)state;
    fetch_pack(DOOR);
    pages = pdf_pages();
    assert_true(pages >= 3);
    for (int i = 1; i <= pages; i++) {
        char want[48], *text = pdf_text(i, i);
        snprintf(want, sizeof want, "page %d of %d", i, pages);
        if (strstr(text, want) == NULL)
            fail_msg("page %d lacks \"%s\"", i, want);
        free(text);
    }
}

static void test_web_pack__sections_group_lines_by_cause_with_the_door_register(void **state)
{
    char *text, *door, *incidents, *silence, *register_;
    (void)state;
    fetch_pack(DOOR);
    text = pdf_text(0, 0);
    door = strstr(text, "Door licensing: ");
    door = door != NULL ? strstr(door + 1, "Door licensing: ") : NULL; /* the section's */
    assert_non_null(door);
    incidents = strstr(door, "Incidents: ");
    silence = strstr(door, "Silence (data gaps): ");
    assert_non_null(incidents);
    assert_non_null(silence);
    /* every unlicensed-shift line sits under its cause, before the next cause starts */
    for (const char *p = strstr(text, "without a valid SIA licence on the night"); p != NULL;
         p = strstr(p + 1, "without a valid SIA licence on the night"))
        assert_true(p > door && p < incidents);
    register_ = strstr(text, "Door register for the window");
    register_ = register_ != NULL ? strstr(register_ + 1, "Door register for the window") : NULL;
    assert_non_null(register_);
    assert_non_null(strstr(register_, "Shifts without a valid SIA licence"));
    assert_non_null(strstr(register_, "Rex Doorman"));
    assert_non_null(strstr(register_, "licence expired"));
    assert_non_null(strstr(register_, "Door shifts night by night"));
    free(text);
}

static void test_web_pack__incidents_have_no_empty_outcome_and_one_time_form(void **state)
{
    char *text, *inc;
    const char *p;
    (void)state;
    fetch_pack(DOOR);
    text = pdf_text(0, 0);
    assert_null(strstr(text, "Outcome: ."));
    inc = strstr(text, "Incidents in the window");
    inc = inc != NULL ? strstr(inc + 1, "Incidents in the window") : NULL;
    assert_non_null(inc);
    {
        /* the lines as one text: a phrase may wrap */
        char *flat = strdup(inc);
        assert_non_null(flat);
        for (char *c = flat; *c != '\0'; c++)
            if (*c == '\n')
                *c = ' ';
        if (strstr(flat, "No outcome recorded yet.") == NULL || strstr(flat, "Outcome: ") == NULL)
            fail_msg("the pack's incidents: %.1500s", inc);
        free(flat);
    }
    /* each incident line starts with its short id and the one time form of every page:
     * "#3f2a9c1e  Sat 12 Sep 2026, 01:25 BST  ..." */
    p = strstr(inc, "severity 2");
    assert_non_null(p);
    while (p > inc && p[-1] != '\n')
        p--;
    assert_true(p[0] == '#' && p[9] == ' ');
    p += 9;
    while (*p == ' ')
        p++;
    {
        /* "Sat 12 Sep 2026, 01:25 BST" or "Thu 3 Dec 2026, 16:45 GMT": the day has 1 or 2
         * digits */
        const char *comma = strstr(p, ", ");
        assert_true(p[3] == ' ' && comma != NULL && comma - p <= 16 && comma[4] == ':');
        assert_true(lnt_str_starts(comma + 8, "GMT") || lnt_str_starts(comma + 8, "BST"));
    }
    free(text);
}

static void test_web_pack__summary_links_to_its_sections(void **state)
{
    static const char *const dests[] = {"summary",         "causes",        "cause-door_licensing",
                                        "cause-incidents", "cause-silence", "cause-compliance",
                                        "criteria",        "incidents",     "register",
                                        "findings"};
    char *dest_list, *raw, *info;
    size_t links = 0, len = 0;
    (void)state;
    fetch_pack(DOOR);
    dest_list = pdf_info("-dests");
    for (size_t i = 0; i < sizeof dests / sizeof dests[0]; i++) {
        char want[48];
        snprintf(want, sizeof want, "\"%s\"", dests[i]);
        if (strstr(dest_list, want) == NULL)
            fail_msg("no destination %s in:\n%s", want, dest_list);
    }
    /* the summary's destination is on page 1, the sections after it */
    assert_non_null(strstr(dest_list, "   1 [ XYZ"));
    raw = read_all(g.pdf, &len);
    /* the four causes and the five sections are links on page 1; the document is tagged */
    links = count_bytes(raw, len, "/Subtype /Link");
    assert_true(links >= 9);
    assert_true(count_bytes(raw, len, "/StructTreeRoot") > 0);
    info = pdf_info(NULL);
    assert_non_null(strstr(info, "Lantern evidence pack"));
    free(info);
    free(raw);
    free(dest_list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_web_pack__sorting_by_award_ranks_gold_above_silver_above_bronze),
        cmocka_unit_test(test_web_pack__league_says_essentials_met_and_what_the_next_award_needs),
        cmocka_unit_test(test_web_pack__essentials_filter_keeps_complete_or_missing_venues),
        cmocka_unit_test(test_web_pack__overview_names_the_top_cause_and_a_year_without_data),
        cmocka_unit_test(test_web_pack__case_file_opens_with_points_by_cause),
        cmocka_unit_test(test_web_pack__evidence_pack_opens_with_a_one_page_summary),
        cmocka_unit_test(test_web_pack__every_page_says_page_x_of_y),
        cmocka_unit_test(test_web_pack__sections_group_lines_by_cause_with_the_door_register),
        cmocka_unit_test(test_web_pack__incidents_have_no_empty_outcome_and_one_time_form),
        cmocka_unit_test(test_web_pack__summary_links_to_its_sections),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return cmocka_run_group_tests(tests, setup, teardown);
}
