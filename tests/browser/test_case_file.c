/* test_case_file.c - the case file as evidence, against a real lanternd over 127.0.0.1: one
 * incident shows the same London time on the page, in the CSV, in the evidence pack, in
 * lanternctl's text and in the API's local form; every score line links to a record that
 * resolves; tonight's incidents are listed but kept out of the scoring window. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>

#include "buf.h"
#include "codec.h"
#include "lanternd.h"
#include "ltime.h"
#include "night.h"
#include "officer_client.h"
#include "store.h"
#include "support.h"
#include "town.h"

#define TOOL_TIMEOUT_MS 60000
#define SHORT_ID 8 /* the case file's short form of a report id: its first 8 characters */

static struct {
    char *dir;
    char *db;
    struct town town;
    struct lnt_test_lanternd server;
    CURL *c; /* signed in as TOWN_OFFICER */
    char token[LNT_TOKEN_LEN + 1];
} g;

/* ---- set-up: one town and one lanternd for the suite (tests add records, never remove) ---- */

static int group_setup(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct lnt_token t;
    (void)state;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    g.dir = lnt_test_tmpdir();
    assert_non_null(g.dir);
    g.db = lnt_test_path(g.dir, "town.db");
    if (town_build(g.db, lnt_time_now(), &g.town, err) != LNT_OK)
        fail_msg("building the test town: %s", err);
    memset(&t, 0, sizeof t);
    lnt_str_copy(t.label, sizeof t.label, "case file");
    t.scope.role = LNT_OFFICER_OFFICER;
    lnt_str_copy(t.scope.authority, sizeof t.scope.authority, "Northtown");
    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    assert_int_equal(lnt_store_token_add(s, &t, lnt_time_now(), g.token, err), LNT_OK);
    lnt_store_free(s);
    lnt_test_lanternd_start(&g.server, g.dir, g.db, NULL);
    g.c = lnt_test_officer_client();
    assert_int_equal(
        lnt_test_officer_login(g.c, g.server.base, TOWN_OFFICER, TOWN_PASSWORD, NULL, 0), 303);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (g.c != NULL)
        curl_easy_cleanup(g.c);
    lnt_test_lanternd_stop(&g.server, SIGTERM);
    if (getenv("LNT_KEEP_TMP") == NULL && g.dir != NULL)
        lnt_test_rmrf(g.dir);
    free(g.db);
    free(g.dir);
    curl_global_cleanup();
    return 0;
}

/* ---- helpers ---- */

/* GET `path` as the signed-in officer (a token for /api/), asserting 200; the caller frees. */
static char *get(const char *path)
{
    struct lnt_test_page r;
    char *body;

    lnt_test_officer_http(g.c, g.server.base, path, NULL,
                          strncmp(path, "/api/", 5) == 0 ? g.token : NULL, &r);
    if (r.status != 200)
        fail_msg("GET %s: status %ld", path, r.status);
    body = strdup(r.body.data != NULL ? r.body.data : "");
    assert_non_null(body);
    lnt_buf_release(&r.body);
    return body;
}

/* The venue's case file. */
static char *case_file(int64_t venue)
{
    char path[64];
    snprintf(path, sizeof path, "/venues/%lld?incidents=all", (long long)venue);
    return get(path);
}

/* A copy of the part of `html` from `from` to the end of the first `to` after it. */
static char *cut(const char *html, const char *from, const char *to)
{
    const char *a = strstr(html, from), *b;
    char *out;

    if (a == NULL)
        fail_msg("`%s` is not on the page", from);
    b = strstr(a, to);
    assert_non_null(b);
    b += strlen(to);
    out = strndup(a, (size_t)(b - a));
    assert_non_null(out);
    return out;
}

/* true when `s` holds an RFC 3339 UTC time ("2026-09-12T00:25:00Z") anywhere. */
static bool has_rfc3339(const char *s)
{
    for (; *s != '\0'; s++) {
        int64_t t;
        char tmp[LNT_TIME_STRLEN];
        if (strnlen(s, LNT_TIME_STRLEN - 1) < LNT_TIME_STRLEN - 1 || s[10] != 'T' || s[19] != 'Z')
            continue;
        memcpy(tmp, s, LNT_TIME_STRLEN - 1);
        tmp[LNT_TIME_STRLEN - 1] = '\0';
        if (lnt_time_parse(tmp, &t) == LNT_OK)
            return true;
    }
    return false;
}

/* `html` without its tags: what a reader sees (attributes such as datetime="..." dropped). */
static char *visible(const char *html)
{
    char *out = malloc(strlen(html) + 1), *o = out;
    bool in_tag = false;

    assert_non_null(out);
    for (const char *p = html; *p != '\0'; p++) {
        if (*p == '<')
            in_tag = true;
        else if (*p == '>')
            in_tag = false;
        else if (!in_tag)
            *o++ = *p;
    }
    *o = '\0';
    return out;
}

/* Runs lanternctl on the town with the given arguments (NULL-terminated); returns its stdout. */
static char *lanternctl(const char *first, ...)
{
    const char *argv[16];
    struct lnt_proc_result r;
    size_t k = 0;
    va_list ap;
    char *out;

    argv[k++] = lnt_test_bin("lanternctl");
    argv[k++] = "--db";
    argv[k++] = g.db;
    va_start(ap, first);
    for (const char *a = first; a != NULL && k < 15; a = va_arg(ap, const char *))
        argv[k++] = a;
    va_end(ap);
    argv[k] = NULL;
    assert_int_equal(lnt_proc_run(argv, NULL, TOOL_TIMEOUT_MS, &r), 0);
    if (r.status != 0)
        fail_msg("lanternctl %s failed (%d): %s", first, r.status, r.err);
    out = strdup(r.out);
    assert_non_null(out);
    lnt_proc_result_release(&r);
    return out;
}

/* The text poppler's pdftotext reads from the venue's evidence pack, its runs of whitespace
 * (line breaks where a line wrapped) as one space. */
static char *pack_text(int64_t venue)
{
    const char *argv[] = {"/usr/bin/pdftotext", NULL, "-", NULL};
    struct lnt_test_page r;
    struct lnt_proc_result pr;
    char path[96], *file = lnt_test_path(g.dir, "pack.pdf"), *out, *o;
    FILE *f;

    snprintf(path, sizeof path, "/venues/%lld/evidence.pdf", (long long)venue);
    lnt_test_officer_http(g.c, g.server.base, path, NULL, NULL, &r);
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
        bool space = *p == ' ' || *p == '\n' || *p == '\t' || *p == '\f' || *p == '\r';
        if (space && (o == out || o[-1] == ' '))
            continue;
        *o++ = space ? ' ' : *p;
    }
    *o = '\0';
    return out;
}

/* The incident `report_id` of `venue` as the store holds it. */
static int64_t occurred_at(int64_t venue, const char *report_id)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct lnt_incident_filter f = {0};
    struct lnt_incident *inc = NULL;
    int64_t at = 0;
    size_t n = 0;

    f.venue_id = venue;
    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    assert_int_equal(lnt_store_incident_list(s, &f, 0, 1000, &inc, &n, err), LNT_OK);
    for (size_t i = 0; i < n; i++)
        if (strcmp(inc[i].report_id, report_id) == 0)
            at = inc[i].occurred_at;
    free(inc);
    lnt_store_free(s);
    assert_true(at > 0);
    return at;
}

/* The row of the page's incident table for `report_id`. */
static char *incident_row(const char *html, const char *report_id)
{
    char anchor[96];
    snprintf(anchor, sizeof anchor, "id=\"inc-%s\"", report_id);
    return cut(html, anchor, "</tr>");
}

/* The line of `csv` that holds `needle`. */
static char *csv_line(const char *csv, const char *needle)
{
    const char *p = strstr(csv, needle), *a, *b;
    char *out;

    if (p == NULL)
        fail_msg("`%s` is not in the CSV", needle);
    for (a = p; a > csv && a[-1] != '\n'; a--)
        ;
    b = strstr(p, "\r\n");
    assert_non_null(b);
    out = strndup(a, (size_t)(b - a));
    assert_non_null(out);
    return out;
}

/* true when `s` ends with `suffix`. */
static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* ---- one time, everywhere ---- */

static void test_case_file__an_incident_reads_the_same_time_everywhere(void **state)
{
    const char *id = g.town.sealed_report;
    char want[LNT_LOCAL_TIME_STRLEN], short_id[SHORT_ID + 1], crown[24], path[96], *html, *row,
        *risk, *risk_text, *csv, *line, *text, *pack, *api, paper[128], ref[32];
    int64_t at = occurred_at(g.town.crown, id);
    (void)state;

    assert_int_equal(lnt_local_time_format(at, want), LNT_OK);
    memcpy(short_id, id, SHORT_ID);
    short_id[SHORT_ID] = '\0';
    snprintf(crown, sizeof crown, "%lld", (long long)g.town.crown);
    snprintf(ref, sizeof ref, "#%s", short_id);

    /* the case file: the incident table and the score line name the same minute and zone */
    html = case_file(g.town.crown);
    row = incident_row(html, id);
    assert_non_null(strstr(row, ref));
    if (strstr(row, want) == NULL)
        fail_msg("the incident table does not say %s: %s", want, row);
    free(row);
    risk = cut(html, "<table id=\"risk-parts\"", "</table>");
    risk_text = visible(risk);
    if (has_rfc3339(risk_text))
        fail_msg("a score line still shows a UTC time: %s", risk_text);
    row = cut(strstr(risk, ref) != NULL ? strstr(risk, ref) : risk, ref, "</tr>");
    if (strstr(row, want) == NULL)
        fail_msg("the score line for incident %s does not say %s: %s", short_id, want, row);
    free(row);
    free(risk_text);
    free(risk);
    free(html);

    /* the CSV export */
    csv = get("/exports/incidents.csv");
    line = csv_line(csv, id);
    if (strstr(line, want) == NULL)
        fail_msg("incidents.csv does not say %s: %s", want, line);
    free(line);
    free(csv);

    /* lanternctl's text explanation */
    text = lanternctl("score", "--venue", crown, NULL);
    if (strstr(text, want) == NULL || has_rfc3339(text))
        fail_msg("lanternctl score does not say %s in London time: %s", want, text);
    free(text);

    /* the evidence pack, as a PDF reader extracts it: the incident list and the score line */
    pack = pack_text(g.town.crown);
    snprintf(paper, sizeof paper, "%s %s", ref, want);
    if (strstr(pack, paper) == NULL)
        fail_msg("the evidence pack does not list `%s`: %.2000s", paper, pack);
    if (strstr(strstr(pack, paper) + 1, want) == NULL || has_rfc3339(pack))
        fail_msg("the pack's score line for %s does not say %s: %.3000s", ref, want, pack);
    free(pack);

    /* the API: RFC 3339 UTC for programs, and the same local form beside it */
    snprintf(path, sizeof path, "/api/v1/venues/%lld/incidents", (long long)g.town.crown);
    api = get(path);
    {
        json_error_t e;
        json_t *o = json_loads(api, 0, &e), *list, *x;
        char utc[LNT_TIME_STRLEN];
        size_t i;
        bool found = false;
        assert_non_null(o);
        assert_int_equal(lnt_time_format(at, utc), LNT_OK);
        list = json_object_get(o, "incidents");
        assert_true(json_is_array(list));
        json_array_foreach(list, i, x)
        {
            if (strcmp(json_string_value(json_object_get(x, "report_id")), id) != 0)
                continue;
            found = true;
            assert_string_equal(json_string_value(json_object_get(x, "occurred_at")), utc);
            assert_string_equal(json_string_value(json_object_get(x, "occurred_at_local")), want);
        }
        assert_true(found);
        json_decref(o);
    }
    free(api);
}

/* ---- every line links to its record ---- */

/* The string member `key` of `o`; fails the test when there is none. */
static const char *jstr(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    if (v == NULL)
        fail_msg("the score JSON has no string `%s` here", key);
    return v;
}

/* Checks that `href` (as written in the page, &amp; and all) resolves: a 200 page holding the
 * fragment's id; `page` is the case file itself, for links within it. */
static void assert_resolves(const char *page, const char *href)
{
    char url[512], frag[160] = "", want[200];
    const char *hash = strchr(href, '#');
    size_t o = 0;
    char *body;

    for (const char *p = href; *p != '\0' && p != hash && o + 1 < sizeof url; p++) {
        if (strncmp(p, "&amp;", 5) == 0) {
            url[o++] = '&';
            p += 4;
        } else {
            url[o++] = *p;
        }
    }
    url[o] = '\0';
    if (hash != NULL)
        snprintf(frag, sizeof frag, "%s", hash + 1);
    body = o == 0 ? strdup(page) : get(url);
    assert_non_null(body);
    if (frag[0] != '\0') {
        snprintf(want, sizeof want, "id=\"%s\"", frag);
        if (strstr(body, want) == NULL)
            fail_msg("link %s: no element %s at its target", href, want);
    }
    free(body);
}

/* Every href of class="record" links in `html`, each checked once, and how many rows of the
 * table `table_id` lack one. */
static size_t check_record_links(const char *html, const char *page, size_t *rows_without)
{
    char *table = cut(html, "<tbody>", "</tbody>");
    size_t links = 0;
    const char *row = table;

    *rows_without = 0;
    while ((row = strstr(row, "<tr")) != NULL) {
        const char *end = strstr(row, "</tr>"), *a = row;
        bool linked = false;
        assert_non_null(end);
        while ((a = strstr(a, "class=\"record\" href=\"")) != NULL && a < end) {
            char href[400];
            const char *h = a + strlen("class=\"record\" href=\"");
            size_t n = strcspn(h, "\"");
            assert_true(n < sizeof href);
            memcpy(href, h, n);
            href[n] = '\0';
            assert_resolves(page, href);
            linked = true;
            links++;
            a = h + n;
        }
        if (!linked)
            (*rows_without)++;
        row = end;
    }
    free(table);
    return links;
}

static void test_case_file__every_score_line_links_to_a_record_that_resolves(void **state)
{
    const int64_t venues[] = {g.town.crown, g.town.velvet, g.town.quay};
    size_t incident_lines = 0, night_lines = 0, finding_lines = 0;
    (void)state;

    for (size_t v = 0; v < sizeof venues / sizeof venues[0]; v++) {
        char id[24], *html = case_file(venues[v]), *risk, *bbn, *js;
        size_t without, links, metric = 0, findings = 0;
        json_t *o, *x;
        json_error_t e;
        size_t i;

        /* the JSON names the record of every line: incident, night, criterion or finding */
        snprintf(id, sizeof id, "%lld", (long long)venues[v]);
        js = lanternctl("--json", "score", "--venue", id, NULL);
        o = json_loads(js, 0, &e);
        assert_non_null(o);
        json_array_foreach(json_object_get(json_object_get(o, "risk"), "parts"), i, x)
        {
            const char *kind = jstr(x, "kind");
            const char *ref = jstr(x, "ref");
            if (strcmp(kind, "incident") == 0) {
                char s[SHORT_ID + 1];
                memcpy(s, ref, SHORT_ID);
                s[SHORT_ID] = '\0';
                assert_string_equal(jstr(x, "incident"), ref);
                assert_string_equal(jstr(x, "incident_short"), s);
                incident_lines++;
            } else if (json_object_get(x, "night") != NULL) {
                assert_string_equal(jstr(x, "night"), ref);
                night_lines++;
            } else {
                assert_string_equal(jstr(x, "criterion"), ref);
            }
            assert_false(has_rfc3339(jstr(x, "cause_local")));
        }
        json_array_foreach(json_object_get(json_object_get(o, "bbn"), "criteria"), i, x)
        {
            if (strcmp(jstr(x, "source"), "finding") != 0) {
                if (json_is_string(json_object_get(x, "first")))
                    metric++; /* the nights it measured */
            } else if (json_is_integer(json_object_get(x, "finding_id"))) {
                findings++;
                finding_lines++;
            }
        }
        json_decref(o);
        free(js);

        /* on the page: every risk line links, and every link leads to its record */
        risk = cut(html, "<table id=\"risk-parts\"", "</table>");
        links = check_record_links(risk, html, &without);
        if (strstr(risk, "class=\"empty\"") == NULL && without != 0)
            fail_msg("venue %s: %zu risk lines link to no record", id, without);
        free(risk);
        /* every criterion the kiosk measures links to its nights' register; every one resting
           on a finding, to the finding */
        bbn = cut(html, "<table id=\"bbn-table\"", "</table>");
        links = check_record_links(bbn, html, &without);
        assert_int_equal(links, metric + findings);
        free(bbn);
        free(html);
    }
    /* the town has each kind of line: incidents, a night's register, a finding */
    assert_true(incident_lines > 0);
    assert_true(night_lines > 0);
    assert_true(finding_lines > 0);
}

/* ---- tonight is not in the window ---- */

/* A new kiosk at `venue` records an incident at `at`; its report id into `report_id`. */
static void record_incident(int64_t venue, int64_t at, char report_id[LNT_UUID_STRLEN])
{
    char err[LNT_ERRBUF_SIZE] = "", code[LNT_ENROLL_CODE_LEN + 1];
    uint8_t pk[LNT_SIGN_PK_LEN];
    struct lnt_store *s = NULL;
    struct lnt_kiosk k;
    struct lnt_event e;
    struct lnt_ingest_result res;
    int64_t now = lnt_time_now();

    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    lnt_random(pk, sizeof pk);
    assert_int_equal(lnt_store_enroll_code_add(s, venue, now + 3600, code, err), LNT_OK);
    assert_int_equal(lnt_store_enroll_redeem(s, code, pk, now, &k, err), LNT_OK);
    memset(&e, 0, sizeof e);
    e.seq = 1;
    lnt_uuid4(e.uuid);
    e.type = LNT_EV_INCIDENT;
    e.occurred_at = at;
    e.recorded_at = at;
    lnt_uuid4(e.u.incident.report_id);
    lnt_str_copy(e.u.incident.kind, sizeof e.u.incident.kind, "violence");
    e.u.incident.severity = 4;
    lnt_str_copy(e.u.incident.place, sizeof e.u.incident.place, "main bar");
    lnt_str_copy(e.u.incident.outcome, sizeof e.u.incident.outcome, "resolved on site");
    e.u.incident.police_called = true;
    e.u.incident.complete = true;
    lnt_str_copy(e.u.incident.staff_id, sizeof e.u.incident.staff_id, "1");
    assert_int_equal(lnt_store_events_insert(s, k.id, now, &e, 1, &res, err), LNT_OK);
    lnt_str_copy(report_id, LNT_UUID_STRLEN, e.u.incident.report_id);
    lnt_store_free(s);
}

static void test_case_file__tonight_is_listed_but_not_in_the_scoring_window(void **state)
{
    char tonight[LNT_UUID_STRLEN], short_id[SHORT_ID + 1], *html, *row, *risk, *csv, *line;
    int64_t now = lnt_time_now();
    (void)state;

    /* an incident of tonight's night, which has not finished: the window ends with last night */
    record_incident(g.town.crown, now, tonight);
    memcpy(short_id, tonight, SHORT_ID);
    short_id[SHORT_ID] = '\0';
    html = case_file(g.town.crown);
    row = incident_row(html, tonight);
    assert_non_null(strstr(row, "data-window=\"tonight\""));
    if (strstr(row, "not yet in the scoring window") == NULL)
        fail_msg("tonight's incident is not marked as outside the window: %s", row);
    free(row);
    /* an incident of three nights ago is in the window, and not marked */
    row = incident_row(html, g.town.sealed_report);
    assert_non_null(strstr(row, "data-window=\"in\""));
    assert_null(strstr(row, "not yet in the scoring window"));
    free(row);
    /* nor does tonight's count in the score */
    risk = cut(html, "<table id=\"risk-parts\"", "</table>");
    assert_null(strstr(risk, short_id));
    free(risk);
    free(html);

    csv = get("/exports/incidents.csv");
    line = csv_line(csv, tonight);
    assert_true(ends_with(line, ",no"));
    free(line);
    line = csv_line(csv, g.town.sealed_report);
    assert_true(ends_with(line, ",yes"));
    free(line);
    free(csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_file__an_incident_reads_the_same_time_everywhere),
        cmocka_unit_test(test_case_file__every_score_line_links_to_a_record_that_resolves),
        cmocka_unit_test(test_case_file__tonight_is_listed_but_not_in_the_scoring_window),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
