/* test_casework.c - an officer's casework on a venue in real headless Chromium, against a real
 * lanternd: record a visit, start an action plan with an item of their own due in the past, see
 * it overdue on the overview, mark it done with evidence, then find the visit and the night the
 * venue turned Red on the case file's timeline (and not as at the night before) and in the
 * evidence pack. Another authority's officer and the venue's manager see none of it. A signed
 * letter's PDF is chosen in the form's file input (a wrong file first, refused with what was
 * typed kept) and downloaded byte for byte from the case file. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "buf.h"
#include "lanternd.h"
#include "ltime.h"
#include "night.h"
#include "officer_client.h"
#include "store.h"
#include "store_casework.h"
#include "support.h"
#include "town.h"
#include "browser_session.h"
#include "webdriver.h"

#define URL_MAX 512
#define TOOL_TIMEOUT_MS 60000
#define VISIT_TEXT "Refusals log not kept; two door staff without tabards"
#define ITEM_TEXT "Keep a refusals log at the front door"

static struct {
    char *dir;
    char *db;
    struct lnt_test_lanternd server;
    struct lnt_wd *wd;
    struct town town;
    int32_t red_night; /* the night The Crown's score history turned Red */
} g;

/* The Crown's score history as the alert scan writes it: Amber when first recorded 20 nights
 * ago, Red 4 nights ago. */
static void score_history(int64_t now)
{
    struct lnt_store *s = NULL;
    struct lnt_score_change c;
    char err[LNT_ERRBUF_SIZE] = "";

    g.red_night = lnt_night_of(now) - 4;
    memset(&c, 0, sizeof c);
    c.venue_id = g.town.crown;
    c.at = (int64_t)(g.red_night - 16) * 86400 + 23 * 3600;
    c.band = 2;
    c.risk_milli = 14000;
    if (lnt_store_open(&s, g.db, err) != LNT_OK ||
        lnt_store_score_record(s, &c, NULL, err) != LNT_OK)
        fail_msg("score history: %s", err);
    c.at = (int64_t)g.red_night * 86400 + 23 * 3600;
    c.band = 3;
    c.risk_milli = 61000;
    if (lnt_store_score_record(s, &c, NULL, err) != LNT_OK)
        fail_msg("score history: %s", err);
    lnt_store_free(s);
}

static int setup(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    browser_scratch(&g.dir, &g.db, "town.db");
    if (town_build(g.db, lnt_time_now(), &g.town, err) != LNT_OK)
        fail_msg("building the test town: %s", err);
    score_history(lnt_time_now());
    browser_start(&g.server, &g.wd, g.dir, g.db, NULL, TOWN_PASSWORD);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    browser_stop(&g.server, &g.wd, &g.dir, &g.db);
    return 0;
}

/* ---- the browser ---- */

/* A date picker's value, as a person picking `days` would leave it. */
static void set_date(const char *id, int32_t days)
{
    char date[LNT_DATE_STRLEN];

    assert_int_equal(lnt_date_format(days, date), LNT_OK);
    set_value(id, date);
}

/* The record form of the case file: opened, `type` chosen. */
static void new_record(const char *type_value)
{
    char css[64];

    click("#casework-new summary");
    snprintf(css, sizeof css, "#cw-type option[value='%s']", type_value);
    click(css);
}

/* The id of the first casework row matching `css` ("cw-12" -> 12). */
static int64_t row_id(const char *css)
{
    char js[200], *out;
    int64_t id = 0;

    snprintf(js, sizeof js, "return parseInt(document.querySelector(\"%s\").id.slice(3), 10);",
             css);
    out = script(js);
    if (out == NULL || lnt_parse_i64(out, 1, INT64_MAX, &id) != LNT_OK)
        fail_msg("no casework row for %s (%s)", css, out != NULL ? out : "");
    free(out);
    return id;
}

/* The evidence pack as pdftotext reads it, runs of whitespace as one space. */
static char *pack_text(CURL *c, int64_t venue)
{
    const char *argv[] = {"/usr/bin/pdftotext", NULL, "-", NULL};
    struct lnt_test_page r;
    struct lnt_proc_result pr;
    char path[96], *file = lnt_test_path(g.dir, "pack.pdf"), *out, *o;
    FILE *f;

    snprintf(path, sizeof path, "/venues/%lld/evidence.pdf", (long long)venue);
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    f = fopen(file, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(r.body.data, 1, r.body.len, f), r.body.len);
    assert_int_equal(fclose(f), 0);
    lnt_buf_release(&r.body);
    argv[1] = file;
    assert_int_equal(lnt_proc_run(argv, NULL, TOOL_TIMEOUT_MS, &pr), 0);
    assert_int_equal(pr.status, 0);
    out = strdup(pr.out);
    assert_non_null(out);
    lnt_proc_result_release(&pr);
    free(file);
    o = out;
    for (const char *p = out; *p != '\0'; p++) {
        int space = *p == ' ' || *p == '\n' || *p == '\t' || *p == '\f' || *p == '\r';
        if (space && (o == out || o[-1] == ' '))
            continue;
        *o++ = space ? ' ' : *p;
    }
    *o = '\0';
    return out;
}

static int audit_rows(const char *action, const char *actor)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct lnt_audit_entry *a = NULL;
    size_t n = 0;
    int hits = 0;

    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    assert_int_equal(lnt_store_audit_list(s, 0, 0, 0, 1000, &a, &n, err), LNT_OK);
    for (size_t i = 0; i < n; i++)
        hits += strcmp(a[i].action, action) == 0 && strcmp(a[i].actor, actor) == 0;
    free(a);
    lnt_store_free(s);
    return hits;
}

/* ---- the walk ---- */

static void test_casework__officer_visit_plan_overdue_done_timeline_and_pack(void **state)
{
    int32_t today = lnt_london_date(lnt_time_now());
    char path[128], css[96], day[LNT_DATE_STRLEN], err[LNT_ERRBUF_SIZE] = "", *pack, *text;
    int64_t item;
    CURL *c;
    (void)state;

    browser_login(TOWN_OFFICER);
    snprintf(path, sizeof path, "/venues/%lld", (long long)g.town.crown);
    go(path);
    assert_text_has("#casework", "Warning letter");

    /* the visit */
    new_record("visit");
    set_date("cw-date", today - 6);
    click("#cw-kind option[value='licensing_inspection']");
    type("#cw-officers", "Olu Officer, PC Shah");
    type("#cw-text", VISIT_TEXT);
    click("#casework-record");
    assert_text_has("#casework-saved", "Saved");
    assert_text_has("#casework-table", "Licensing inspection");
    assert_text_has("#casework-table", VISIT_TEXT);

    /* the twelve-week plan, and an item of its own owner's, due three days ago */
    new_record("plan");
    type("#cw-title", "Twelve-week plan after Amber");
    click("#casework-record");
    assert_text_has("#casework-table", "Action plan: Twelve-week plan after Amber");
    new_record("item");
    click("#cw-plan option:nth-child(2)");
    set_date("cw-date", today - 3);
    type("#cw-text", ITEM_TEXT);
    click("#casework-record");
    assert_text_has("#casework-table", ITEM_TEXT);
    item = row_id("#casework-table tr.cw-item");

    /* the overview tells its owner it is overdue */
    go("/");
    assert_text_has("#overdue-items", ITEM_TEXT);
    assert_text_has("#overdue-items", "The Crown");
    snprintf(css, sizeof css, "#overdue-items a[href$='#cw-%lld']", (long long)item);
    click(css);
    assert_text_has("#casework-table", ITEM_TEXT);

    /* done needs evidence; with it, the item is done and no longer overdue */
    snprintf(css, sizeof css, "#cw-%lld details summary", (long long)item);
    click(css);
    snprintf(css, sizeof css, "#cw%lld-status option[value='done']", (long long)item);
    click(css);
    snprintf(css, sizeof css, "#cw%lld-evidence", (long long)item);
    type(css, "Log seen at the door, 14 entries since the plan began");
    snprintf(css, sizeof css, "#cw%lld-save", (long long)item);
    click(css);
    assert_text_has("#casework-saved", "Saved");
    snprintf(css, sizeof css, "#cw-%lld", (long long)item);
    assert_text_has(css, "Done");
    assert_text_has(css, "14 entries");
    go("/");
    assert_text_has("h1", "Overview");
    assert_int_equal(count("#overdue-items"), 0);

    /* the first version of the item stays in its history */
    snprintf(path, sizeof path, "/venues/%lld/casework/%lld", (long long)g.town.crown,
             (long long)item);
    go(path);
    assert_text_has("#history-table", "superseded");
    assert_text_has("#history-table", "current");

    /* the timeline lists the visit beside the incidents */
    snprintf(path, sizeof path, "/venues/%lld", (long long)g.town.crown);
    go(path);
    assert_text_has("#timeline", "Licensing inspection");
    assert_text_has("#timeline", "Incident:");

    /* and the night The Crown turned Red, linking to the case file as it stood that night */
    assert_text_has("#timeline", "Band Amber \u2192 Red, 61 risk points");
    assert_int_equal(lnt_date_format(g.red_night, day), LNT_OK);
    snprintf(css, sizeof css, "#timeline a.score-change[href$='?at=%s']", day);
    click(css);
    assert_text_has("#as-at", "As at");
    assert_text_has("#timeline", "Band Amber \u2192 Red, 61 risk points");
    /* as at the night before, it is Amber as first recorded and the turn to Red is not there */
    assert_int_equal(lnt_date_format(g.red_night - 1, day), LNT_OK);
    snprintf(path, sizeof path, "/venues/%lld?at=%s", (long long)g.town.crown, day);
    go(path);
    assert_text_has("#timeline", "Band Amber, 14 risk points, first recorded");
    text = NULL;
    if (lnt_wd_text_css(g.wd, "#timeline", &text, err) != LNT_OK)
        fail_msg("timeline: %s", err);
    assert_null(strstr(text, "Red, 61 risk points"));
    free(text);

    /* and so does the evidence pack */
    c = lnt_test_officer_client();
    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_OFFICER, TOWN_PASSWORD, NULL, 0),
                     303);
    pack = pack_text(c, g.town.crown);
    assert_non_null(strstr(pack, "Casework"));
    assert_non_null(strstr(pack, "Licensing inspection"));
    assert_non_null(strstr(pack, VISIT_TEXT));
    assert_non_null(strstr(pack, "Log seen at the door"));
    assert_non_null(strstr(pack, "Score changes"));
    assert_non_null(strstr(pack, "61 risk points"));
    free(pack);

    /* who changed what, and when, is in the audit log */
    assert_int_equal(audit_rows("casework.add", "web:" TOWN_OFFICER), 3);
    assert_int_equal(audit_rows("casework.edit", "web:" TOWN_OFFICER), 1);

    /* Southvale's officer and the Crown's own manager see none of it */
    assert_int_equal(lnt_test_officer_login(c, g.server.base, TOWN_SOUTH, TOWN_PASSWORD, NULL, 0),
                     303);
    {
        struct lnt_test_page r;
        snprintf(path, sizeof path, "/venues/%lld/casework/%lld", (long long)g.town.crown,
                 (long long)item);
        lnt_test_officer_http(c, g.server.base, path, NULL, NULL, &r);
        assert_int_equal(r.status, 403);
        assert_null(strstr(r.body.data, ITEM_TEXT));
        lnt_buf_release(&r.body);
    }
    curl_easy_cleanup(c);
    browser_login(TOWN_MANAGER);
    snprintf(path, sizeof path, "/venues/%lld", (long long)g.town.crown);
    go(path);
    assert_text_has("h1", "The Crown");
    assert_int_equal(count("#casework"), 0);
    snprintf(path, sizeof path, "/venues/%lld/casework/%lld", (long long)g.town.crown,
             (long long)item);
    go(path);
    assert_text_has("h1", "Not allowed");
}

/* Writes `len` bytes to a new file in the test's folder; its path (the caller frees). */
static char *write_file(const char *name, const void *data, size_t len)
{
    char *path = lnt_test_path(g.dir, name);
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void choose_file(const char *css, const char *path)
{
    char err[LNT_ERRBUF_SIZE] = "", e[LNT_WD_ELEM_LEN];
    if (lnt_wd_find(g.wd, css, e, err) != LNT_OK ||
        lnt_wd_choose_file(g.wd, e, path, err) != LNT_OK)
        fail_msg("choose %s in %s: %s", path, css, err);
}

static void test_casework__officer_attaches_signed_letter_pdf_and_downloads_it(void **state)
{
    static const char text[] = "Final warning after the door refusals of last Friday";
    static const char not_pdf[] = "PK\x03\x04 a word processor's file, not a PDF";
    uint8_t letter[3000];
    char path[128], css[96], *pdf_path, *bad_path, *got;
    int64_t record;
    (void)state;

    /* a signed PDF with the bytes a form could trip on: CR LF, "--", NUL, high bytes */
    memcpy(letter, "%PDF-1.7\r\n%\xe2\xe3\xcf\xd3\r\n", 16);
    for (size_t i = 16; i < sizeof letter; i++)
        letter[i] = (uint8_t)("\r\n--\0signed\xff"[i % 12] + (i / 12) % 2);
    pdf_path = write_file("final-warning signed.pdf", letter, sizeof letter);
    bad_path = write_file("final-warning.docx", not_pdf, sizeof not_pdf - 1);

    browser_login(TOWN_OFFICER);
    snprintf(path, sizeof path, "/venues/%lld", (long long)g.town.crown);
    go(path);

    /* the wrong file first: refused with a sentence, what was typed kept */
    new_record("letter");
    set_date("cw-date", lnt_london_date(lnt_time_now()) - 1);
    click("#cw-kind option[value='final_warning']");
    type("#cw-text", text);
    choose_file("#cw-pdf", bad_path);
    click("#casework-record");
    assert_text_has("#casework-error", "final-warning.docx");
    assert_text_has("#casework-error", "not a PDF");
    got = script("return document.querySelector('#casework-again textarea[name=text]').value;");
    assert_non_null(strstr(got, text));
    free(got);
    got = script("return document.querySelector('#casework-again select[name=kind]').value;");
    assert_string_equal(got, "\"final_warning\"");
    free(got);

    /* the signed PDF chosen on that same form records the letter */
    choose_file("#casework-again input[type=file]", pdf_path);
    click("#casework-again-save");
    assert_text_has("#casework-saved", "Saved");
    assert_text_has("#casework-table", "Final warning");
    assert_text_has("#casework-table", "The letter (PDF, 3000 bytes)");
    got = script("return Array.from(document.querySelectorAll('#casework-table tbody tr'))"
                 ".find(function (tr) { return tr.textContent.indexOf('Final warning') >= 0; })"
                 ".id.slice(3);");
    record = strtoll(got + 1, NULL, 10);
    assert_true(record > 0);
    free(got);

    /* downloaded through the case file's link, it is the very same bytes */
    snprintf(css, sizeof css, "#cw-%lld a[href$='letter.pdf']", (long long)record);
    click(css);
    snprintf(path, sizeof path, "downloads/letter-%lld.pdf", (long long)record);
    got = lnt_test_path(g.dir, path);
    {
        uint8_t back[sizeof letter + 1];
        size_t n = 0;
        for (int tries = 0; tries < 200 && n != sizeof letter; tries++) {
            FILE *f = fopen(got, "rb"); /* Chromium renames it into place when complete */
            n = 0;
            if (f != NULL) {
                n = fread(back, 1, sizeof back, f);
                fclose(f);
            }
            if (n != sizeof letter)
                usleep(100 * 1000);
        }
        if (n != sizeof letter)
            fail_msg("%s: %zu bytes downloaded, %zu expected", got, n, sizeof letter);
        assert_memory_equal(back, letter, sizeof letter);
    }
    free(got);
    assert_int_equal(audit_rows("casework.pdf", "web:" TOWN_OFFICER), 1);
    free(pdf_path);
    free(bad_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_casework__officer_visit_plan_overdue_done_timeline_and_pack),
        cmocka_unit_test(test_casework__officer_attaches_signed_letter_pdf_and_downloads_it),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return cmocka_run_group_tests(tests, setup, teardown);
}
