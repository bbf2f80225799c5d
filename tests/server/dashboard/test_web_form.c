/* test_web_form.c - the dashboard's form parser, CSV cells and route ownership, without a server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "api.h" /* LNT_API_BODY_DEFAULT: the dashboard leaves other paths the same cap */
#include "store_casework.h"
#include "web_int.h"

static void test_web_form__decodes_fields(void **state)
{
    struct web_form f;
    const char body[] = "csrf=abc&email=a%40b.example&evidence=seen+%26+signed%0Aok&empty=&flag";
    (void)state;
    assert_int_equal(web_form_parse(&f, body, strlen(body), NULL), LNT_OK);
    assert_int_equal(f.n, 5);
    assert_string_equal(web_form_get(&f, "email"), "a@b.example");
    assert_string_equal(web_form_get(&f, "evidence"), "seen & signed\nok");
    assert_string_equal(web_form_get(&f, "empty"), "");
    assert_string_equal(web_form_get(&f, "flag"), "");
    assert_null(web_form_get(&f, "missing"));
    web_form_release(&f);
}

static void test_web_form__refuses_bad_encodings(void **state)
{
    static const char *const bad[] = {"a=%",      "a=%4",        "a=%zz", "a=%00",
                                      "a=%C0%AF", "a=%ED%A0%80", "a%=1"};
    char err[LNT_ERRBUF_SIZE];
    struct web_form f;
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(web_form_parse(&f, bad[i], strlen(bad[i]), err), LNT_ERR_INVALID);
        assert_int_equal(f.n, 0);
        assert_true(strlen(err) > 0);
    }
    assert_int_equal(web_form_parse(&f, "evidence=%zz", 12, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "`evidence`"));
}

static void test_web_form__bounds_the_number_of_fields(void **state)
{
    char body[WEB_FORM_FIELDS_MAX * 4 + 16] = "";
    struct web_form f;
    (void)state;
    for (int i = 0; i <= WEB_FORM_FIELDS_MAX; i++)
        memcpy(body + i * 4, "a=1&", 5);
    assert_int_equal(web_form_parse(&f, body, strlen(body), NULL), LNT_ERR_TOO_LARGE);
    assert_int_equal(f.n, 0);
}

static void test_web_form__csv_cells_are_quoted_and_defused(void **state)
{
    struct lnt_buf b;
    (void)state;
    lnt_buf_init(&b, 4096);
    web_csv_cell(&b, "plain", false);
    web_csv_cell(&b, "a,b", false);
    web_csv_cell(&b, "say \"hi\"", false);
    web_csv_cell(&b, "=HYPERLINK(\"x\")", false);
    web_csv_cell(&b, "-2+3", false);
    web_csv_cell(&b, "@sum", true);
    assert_string_equal(b.data, "plain,\"a,b\",\"say \"\"hi\"\"\",\"'=HYPERLINK(\"\"x\"\")\","
                                "\"'-2+3\",\"'@sum\"\r\n");
    lnt_buf_release(&b);
}

static void test_web_form__owns_dashboard_paths_only(void **state)
{
    (void)state;
    assert_true(lnt_web_owns("/"));
    assert_true(lnt_web_owns("/login"));
    assert_true(lnt_web_owns("/venues/12"));
    assert_true(lnt_web_owns("/assets/lantern.css"));
    assert_true(lnt_web_owns("/exports/venues.csv"));
    assert_true(lnt_web_owns("/stock"));
    assert_false(lnt_web_owns("/healthz"));
    assert_false(lnt_web_owns("/api/v1/events"));
    assert_false(lnt_web_owns("/metrics"));
    assert_false(lnt_web_owns("/venuesx"));
    assert_true(lnt_web_body_max(NULL, "POST", "/venues/1/findings") >= 2000 + 200);
    assert_int_equal(lnt_web_body_max(NULL, "POST", "/api/v1/events"), LNT_API_BODY_DEFAULT);
}

/* A multipart form's fields are read by the same rules; its files stay out of the fields. */
static void test_web_form__multipart_fields_without_files(void **state)
{
    static const char ct[] = "multipart/form-data; boundary=b";
    static const char good[] = "--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n"
                               "--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n"
                               "Caf\xc3\xa9\r\nline two\r\n"
                               "--b\r\nContent-Disposition: form-data; name=\"pdf\"; "
                               "filename=\"a.pdf\"\r\n\r\n%PDF-\xff\x00\r\n--b--\r\n";
    static const char bad[] = "--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n"
                              "\xff\xfe\r\n--b--\r\n";
    struct lnt_multipart m;
    struct web_form f;
    char err[LNT_ERRBUF_SIZE] = "";
    (void)state;

    assert_int_equal(web_form_parse_multipart(&f, &m, ct, good, sizeof good - 1, err), LNT_OK);
    assert_int_equal(f.n, 2);
    assert_string_equal(web_form_get(&f, "csrf"), "tok");
    assert_string_equal(web_form_get(&f, "text"), "Caf\xc3\xa9\r\nline two");
    assert_null(web_form_get(&f, "pdf"));
    assert_int_equal(m.n, 3);
    assert_int_equal(lnt_multipart_get(&m, "pdf")->len, 7);
    web_form_release(&f);

    assert_int_equal(web_form_parse_multipart(&f, &m, ct, bad, sizeof bad - 1, err),
                     LNT_ERR_INVALID);
    assert_non_null(strstr(err, "field `text`"));
    assert_int_equal(f.n, 0);
    assert_int_equal(m.n, 0);
}

/* Only the casework forms that may carry a letter's PDF take a body that large. */
static void test_web_form__casework_forms_take_a_pdf_sized_body(void **state)
{
    (void)state;
    assert_true(lnt_web_body_max(NULL, "POST", "/venues/12/casework") > LNT_CW_PDF_MAX);
    assert_true(lnt_web_body_max(NULL, "POST", "/venues/12/casework/7/edit") > LNT_CW_PDF_MAX);
    assert_int_equal(lnt_web_body_max(NULL, "POST", "/venues/12/casework/7/close"),
                     WEB_FORM_BODY_MAX);
    assert_int_equal(lnt_web_body_max(NULL, "POST", "/venues/12/findings"), WEB_FORM_BODY_MAX);
    assert_int_equal(lnt_web_body_max(NULL, "POST", "/venues/x/casework"), WEB_FORM_BODY_MAX);
    assert_int_equal(lnt_web_body_max(NULL, "POST", "/venues/12/casework/7/edit/x"),
                     WEB_FORM_BODY_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_web_form__multipart_fields_without_files),
        cmocka_unit_test(test_web_form__casework_forms_take_a_pdf_sized_body),
        cmocka_unit_test(test_web_form__decodes_fields),
        cmocka_unit_test(test_web_form__refuses_bad_encodings),
        cmocka_unit_test(test_web_form__bounds_the_number_of_fields),
        cmocka_unit_test(test_web_form__csv_cells_are_quoted_and_defused),
        cmocka_unit_test(test_web_form__owns_dashboard_paths_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
