/* test_web_letters.c - a letter's signed PDF uploaded from the case file against a real lanternd
 * over HTTP: the multipart form stores it and the case file gives back the very same bytes; a
 * file that is not a PDF, a form without its security token and another authority's venue are
 * refused, and nothing is stored then. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "buf.h"
#include "lanternd.h"
#include "ltime.h"
#include "officer_client.h"
#include "store.h"
#include "store_casework.h"
#include "support.h"

#define PASSWORD "a long enough password"
#define PAT "pat@westham.gov.uk"
#define BOUNDARY "----LanternTestBoundary7MA4YWxk"
#define TEXT "Warning after the fight on Friday.\r\nPlease reply within 14 days."

static struct {
    char *dir, *db;
    struct lnt_test_lanternd server;
    int64_t crown, nova;
} g;

static int64_t add_venue(struct lnt_store *s, const char *name, const char *authority)
{
    struct lnt_venue v;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&v, 0, sizeof v);
    lnt_str_copy(v.name, sizeof v.name, name);
    v.category = LNT_VENUE_PUB;
    v.capacity = 300;
    lnt_str_copy(v.area, sizeof v.area, "Centre");
    lnt_str_copy(v.authority, sizeof v.authority, authority);
    if (lnt_store_venue_add(s, &v, err) != LNT_OK)
        fail_msg("venue: %s", err);
    return v.id;
}

static int setup(void **state)
{
    struct lnt_store *s = NULL;
    struct lnt_officer o;
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    g.dir = lnt_test_tmpdir();
    assert_non_null(g.dir);
    g.db = lnt_test_path(g.dir, "lantern.db");
    assert_int_equal(lnt_store_open(&s, g.db, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_init(s, "WTN", err), LNT_OK);
    g.crown = add_venue(s, "The Crown", "Westham");
    g.nova = add_venue(s, "Club Nova", "Eastham");
    memset(&o, 0, sizeof o);
    lnt_str_copy(o.email, sizeof o.email, PAT);
    lnt_str_copy(o.name, sizeof o.name, "Pat Officer");
    o.scope.role = LNT_OFFICER_OFFICER;
    lnt_str_copy(o.scope.authority, sizeof o.scope.authority, "Westham");
    if (lnt_store_officer_add(s, &o, PASSWORD, err) != LNT_OK)
        fail_msg("officer: %s", err);
    lnt_store_free(s);
    lnt_test_lanternd_start(&g.server, g.dir, g.db, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lnt_test_lanternd_stop(&g.server, SIGTERM);
    if (getenv("LNT_KEEP_TMP") == NULL)
        lnt_test_rmrf(g.dir);
    free(g.db);
    free(g.dir);
    return 0;
}

/* ---- requests ---- */

static CURL *login(void)
{
    CURL *c = lnt_test_officer_client();
    assert_int_equal(lnt_test_officer_login(c, g.server.base, PAT, PASSWORD, NULL, 0), 303);
    return c;
}

/* GET `path` into r (released by the caller), asserting `status`. */
static void get(CURL *c, const char *path, long status, struct lnt_test_page *r)
{
    lnt_test_officer_http(c, g.server.base, path, NULL, NULL, r);
    if (r->status != status)
        fail_msg("GET %s: %ld, expected %ld: %.300s", path, r->status, status, r->body.data);
}

static void csrf(CURL *c, int64_t venue, char *out, size_t size)
{
    struct lnt_test_page r;
    char path[64];

    snprintf(path, sizeof path, "/venues/%lld", (long long)venue);
    get(c, path, 200, &r);
    lnt_test_csrf_of(r.body.data, out, size);
    lnt_test_page_release(&r);
}

/* Appends a part to a multipart body; `filename` NULL for a field. */
static void part(struct lnt_buf *b, const char *name, const char *filename, const void *data,
                 size_t len)
{
    assert_int_equal(lnt_buf_printf(b,
                                    "--" BOUNDARY "\r\nContent-Disposition: form-data; "
                                    "name=\"%s\"",
                                    name),
                     LNT_OK);
    if (filename != NULL)
        assert_int_equal(
            lnt_buf_printf(b, "; filename=\"%s\"\r\nContent-Type: application/pdf", filename),
            LNT_OK);
    assert_int_equal(lnt_buf_puts(b, "\r\n\r\n"), LNT_OK);
    assert_int_equal(lnt_buf_append(b, data, len), LNT_OK);
    assert_int_equal(lnt_buf_puts(b, "\r\n"), LNT_OK);
}

static void field(struct lnt_buf *b, const char *name, const char *value)
{
    part(b, name, NULL, value, strlen(value));
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    return lnt_buf_append(ctx, p, size * n) == LNT_OK ? size * n : 0;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
    struct lnt_test_page *r = ctx;
    size_t len = size * n;

    if (len > 10 && len < sizeof r->location + 10 && strncasecmp(p, "Location: ", 10) == 0) {
        memcpy(r->location, p + 10, len - 10);
        r->location[len - 10] = '\0';
        r->location[strcspn(r->location, "\r\n")] = '\0';
    }
    return len;
}

/* POSTs the multipart body b (closed and released here) to `path`; the reply into r. */
static void post(CURL *c, const char *path, struct lnt_buf *b, struct lnt_test_page *r)
{
    char url[LNT_TEST_URL_MAX];
    struct curl_slist *h =
        curl_slist_append(NULL, "Content-Type: multipart/form-data; boundary=" BOUNDARY);

    assert_int_equal(lnt_buf_puts(b, "--" BOUNDARY "--\r\n"), LNT_OK);
    memset(r, 0, sizeof *r);
    lnt_buf_init(&r->body, 16u << 20);
    snprintf(url, sizeof url, "%s%s", g.server.base, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, b->data);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)b->len);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)-1);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
    curl_slist_free_all(h);
    lnt_buf_release(b);
    if (r->body.data == NULL)
        lnt_buf_puts(&r->body, "");
}

/* A PDF of `len` bytes: its header, then bytes a form could trip on (CR LF, "--", NULs). */
static uint8_t *pdf(size_t len)
{
    static const char head[] = "%PDF-1.7\r\n%\xe2\xe3\xcf\xd3\r\n";
    uint8_t *b = malloc(len);

    assert_non_null(b);
    assert_true(len >= sizeof head);
    memcpy(b, head, sizeof head - 1);
    for (size_t i = sizeof head - 1; i < len; i++)
        b[i] = (uint8_t)("\r\n--" BOUNDARY "\0x"[(i * 7) % (sizeof BOUNDARY + 4)] ^ (i % 3));
    return b;
}

/* The form of the case file that records a letter, its security token `token` (NULL: none),
 * with `file` (len bytes) as the signed letter. */
static struct lnt_buf letter_form(const char *token, const void *file, size_t len,
                                  const char *filename)
{
    struct lnt_buf b;

    lnt_buf_init(&b, 8u << 20);
    if (token != NULL)
        field(&b, "csrf", token);
    field(&b, "type", "letter");
    field(&b, "plan", "");
    field(&b, "date", "2026-11-20");
    field(&b, "kind", "warning_letter");
    field(&b, "text", TEXT);
    part(&b, "pdf", filename, file, len);
    return b;
}

/* How many casework records the venue's case file lists. */
static int records(CURL *c, int64_t venue)
{
    struct lnt_test_page r;
    char path[64];
    int n = 0;

    snprintf(path, sizeof path, "/venues/%lld", (long long)venue);
    get(c, path, 200, &r);
    for (const char *p = r.body.data; (p = strstr(p, "<tr id=\"cw-")) != NULL; p++)
        n++;
    lnt_test_page_release(&r);
    return n;
}

/* ---- tests ---- */

static void test_web_letters__pdf_uploaded_from_case_file_downloads_byte_identical(void **state)
{
    CURL *c = login();
    size_t len = LNT_CW_PDF_MAX - 1000, len2 = 5000; /* far beyond an ordinary form's limit */
    uint8_t *file = pdf(len), *file2 = pdf(len2);
    char token[128], path[128], want[96];
    struct lnt_test_page r;
    struct lnt_buf b;
    long long record = 0;
    (void)state;

    csrf(c, g.crown, token, sizeof token);
    b = letter_form(token, file, len, "warning-signed.pdf");
    snprintf(path, sizeof path, "/venues/%lld/casework", (long long)g.crown);
    post(c, path, &b, &r);
    if (r.status != 303)
        fail_msg("record: %ld: %.400s", r.status, r.body.data);
    {
        const char *hash = strstr(r.location, "#cw-");
        assert_non_null(hash);
        record = strtoll(hash + 4, NULL, 10);
        assert_true(record > 0);
    }
    lnt_test_page_release(&r);

    /* the case file links the letter with its size, and the text typed beside it */
    snprintf(path, sizeof path, "/venues/%lld", (long long)g.crown);
    get(c, path, 200, &r);
    snprintf(want, sizeof want,
             "/venues/%lld/casework/%lld/letter.pdf\">The letter (PDF, %zu bytes)",
             (long long)g.crown, record, len);
    assert_non_null(strstr(r.body.data, want));
    assert_non_null(strstr(r.body.data, "Warning after the fight on Friday."));
    lnt_test_page_release(&r);

    snprintf(path, sizeof path, "/venues/%lld/casework/%lld/letter.pdf", (long long)g.crown,
             record);
    get(c, path, 200, &r);
    assert_int_equal(r.body.len, len);
    assert_memory_equal(r.body.data, file, len);
    lnt_test_page_release(&r);

    /* a signed copy replaces it: a new version; the first stays in the history */
    csrf(c, g.crown, token, sizeof token);
    lnt_buf_init(&b, 1u << 20);
    field(&b, "csrf", token);
    part(&b, "pdf", "countersigned.pdf", file2, len2);
    snprintf(path, sizeof path, "/venues/%lld/casework/%lld/edit", (long long)g.crown, record);
    post(c, path, &b, &r);
    assert_int_equal(r.status, 303);
    lnt_test_page_release(&r);
    snprintf(path, sizeof path, "/venues/%lld/casework/%lld/letter.pdf", (long long)g.crown,
             record);
    get(c, path, 200, &r);
    assert_int_equal(r.body.len, len2);
    assert_memory_equal(r.body.data, file2, len2);
    lnt_test_page_release(&r);
    snprintf(path, sizeof path, "/venues/%lld/casework/%lld/letter.pdf?version=1",
             (long long)g.crown, record);
    get(c, path, 200, &r);
    assert_int_equal(r.body.len, len);
    assert_memory_equal(r.body.data, file, len);
    lnt_test_page_release(&r);

    /* an edit with the file input left empty keeps the PDF */
    csrf(c, g.crown, token, sizeof token);
    lnt_buf_init(&b, 1u << 20);
    field(&b, "csrf", token);
    field(&b, "text", "Reply received.");
    part(&b, "pdf", "", "", 0);
    snprintf(path, sizeof path, "/venues/%lld/casework/%lld/edit", (long long)g.crown, record);
    post(c, path, &b, &r);
    assert_int_equal(r.status, 303);
    lnt_test_page_release(&r);
    snprintf(path, sizeof path, "/venues/%lld/casework/%lld/letter.pdf", (long long)g.crown,
             record);
    get(c, path, 200, &r);
    assert_int_equal(r.body.len, len2);
    lnt_test_page_release(&r);

    free(file);
    free(file2);
    curl_easy_cleanup(c);
}

static void test_web_letters__not_a_pdf_is_refused_and_the_typed_fields_kept(void **state)
{
    CURL *c = login();
    static const char text[] = "Dear manager,\r\nthis is a Word file.";
    uint8_t *big = pdf(LNT_CW_PDF_MAX + 1);
    char token[128], path[64];
    struct lnt_test_page r;
    struct lnt_buf b;
    int before = records(c, g.crown);
    (void)state;

    csrf(c, g.crown, token, sizeof token);
    b = letter_form(token, text, sizeof text - 1, "letter.docx");
    snprintf(path, sizeof path, "/venues/%lld/casework", (long long)g.crown);
    post(c, path, &b, &r);
    assert_int_equal(r.status, 415);
    assert_non_null(strstr(r.body.data, "The file &quot;letter.docx&quot; was not attached: the "
                                        "attachment is not a PDF"));
    /* the form again, as typed: the text, the kind chosen, the date */
    assert_non_null(strstr(r.body.data, "id=\"casework-again\""));
    assert_non_null(strstr(r.body.data, "Warning after the fight on Friday."));
    assert_non_null(strstr(r.body.data, "value=\"warning_letter\" selected=\"selected\""));
    assert_non_null(strstr(r.body.data, "value=\"2026-11-20\""));
    assert_non_null(strstr(r.body.data, "type=\"file\""));
    lnt_test_page_release(&r);

    /* larger than the API takes */
    b = letter_form(token, big, LNT_CW_PDF_MAX + 1, "huge.pdf");
    post(c, path, &b, &r);
    assert_int_equal(r.status, 413);
    assert_non_null(strstr(r.body.data, "at most 2097152 allowed"));
    lnt_test_page_release(&r);

    /* a PDF on a visit */
    lnt_buf_init(&b, 1u << 20);
    field(&b, "csrf", token);
    field(&b, "type", "visit");
    field(&b, "date", "2026-11-20");
    field(&b, "kind", "police_visit");
    field(&b, "officers", "PC Lee");
    field(&b, "text", "Door staff fine.");
    part(&b, "pdf", "visit.pdf", "%PDF-1.4\n", 9);
    post(c, path, &b, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body.data, "Only a letter or warning carries a PDF"));
    assert_non_null(strstr(r.body.data, "PC Lee"));
    lnt_test_page_release(&r);

    /* a malformed body: the parser's sentence */
    lnt_buf_init(&b, 1u << 20);
    field(&b, "csrf", token);
    field(&b, "csrf", token);
    post(c, path, &b, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body.data, "The form sends the field `csrf` twice."));
    lnt_test_page_release(&r);

    assert_int_equal(records(c, g.crown), before);
    free(big);
    curl_easy_cleanup(c);
}

static void test_web_letters__multipart_without_its_security_token_is_refused(void **state)
{
    CURL *c = login();
    uint8_t *file = pdf(4096);
    char path[64];
    struct lnt_test_page r;
    struct lnt_buf b;
    int before = records(c, g.crown);
    (void)state;

    snprintf(path, sizeof path, "/venues/%lld/casework", (long long)g.crown);
    b = letter_form(NULL, file, 4096, "letter.pdf");
    post(c, path, &b, &r);
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body.data, "valid security token"));
    lnt_test_page_release(&r);
    b = letter_form("not-the-sessions-token", file, 4096, "letter.pdf");
    post(c, path, &b, &r);
    assert_int_equal(r.status, 403);
    lnt_test_page_release(&r);
    /* the token as a file part is no token */
    {
        char token[128];
        csrf(c, g.crown, token, sizeof token);
        lnt_buf_init(&b, 1u << 20);
        part(&b, "csrf", "token.txt", token, strlen(token));
        field(&b, "type", "note");
        field(&b, "text", "A note.");
        post(c, path, &b, &r);
        assert_int_equal(r.status, 403);
        lnt_test_page_release(&r);
    }
    assert_int_equal(records(c, g.crown), before);
    free(file);
    curl_easy_cleanup(c);
}

static void test_web_letters__other_authoritys_venue_is_refused(void **state)
{
    CURL *c = login();
    uint8_t *file = pdf(4096);
    char token[128], path[64];
    struct lnt_test_page r;
    struct lnt_buf b;
    (void)state;

    csrf(c, g.crown, token, sizeof token);
    snprintf(path, sizeof path, "/venues/%lld/casework", (long long)g.nova);
    b = letter_form(token, file, 4096, "letter.pdf");
    post(c, path, &b, &r);
    assert_int_equal(r.status, 403);
    assert_null(strstr(r.body.data, "Club Nova"));
    lnt_test_page_release(&r);
    snprintf(path, sizeof path, "/venues/%lld", (long long)g.nova);
    get(c, path, 403, &r);
    lnt_test_page_release(&r);
    free(file);
    curl_easy_cleanup(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_web_letters__pdf_uploaded_from_case_file_downloads_byte_identical),
        cmocka_unit_test(test_web_letters__not_a_pdf_is_refused_and_the_typed_fields_kept),
        cmocka_unit_test(test_web_letters__multipart_without_its_security_token_is_refused),
        cmocka_unit_test(test_web_letters__other_authoritys_venue_is_refused),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return cmocka_run_group_tests(tests, setup, teardown);
}
