/* test_web_html.c - the HTML output helpers: escaping by context, UTF-8 repair, bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "html.h"

struct fx {
    struct lnt_buf b;
    struct lnt_html h;
};

static int setup(void **state)
{
    static struct fx f;
    lnt_buf_init(&f.b, 1 << 16);
    lnt_html_init(&f.h, &f.b);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    lnt_buf_release(&f->b);
    return 0;
}

static const char *out(struct fx *f)
{
    return f->b.data != NULL ? f->b.data : "";
}

static void test_web_html__txt_escapes_markup(void **state)
{
    struct fx *f = *state;
    lnt_html_txt(&f->h, "<script>alert('x')</script> & \"q\"");
    assert_int_equal(f->h.err, LNT_OK);
    assert_string_equal(out(f),
                        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
}

static void test_web_html__attr_cannot_break_out_of_quotes(void **state)
{
    struct fx *f = *state;
    lnt_html_raw(&f->h, "<a title=\"");
    lnt_html_attr(&f->h, "\" onmouseover=\"evil()\nx");
    lnt_html_raw(&f->h, "\">");
    assert_string_equal(out(f), "<a title=\"&quot; onmouseover=&quot;evil()&#10;x\">");
    /* exactly the two quotes the program wrote */
    size_t quotes = 0;
    for (const char *p = out(f); *p; p++)
        quotes += *p == '"';
    assert_int_equal(quotes, 2);
}

static void test_web_html__url_encodes_everything_reserved(void **state)
{
    struct fx *f = *state;
    lnt_html_url(&f->h, "High St & \"Riverside\"/?#=<>%\xc3\xa9");
    assert_string_equal(out(f), "High%20St%20%26%20%22Riverside%22%2F%3F%23%3D%3C%3E%25%C3%A9");
}

static void test_web_html__invalid_utf8_is_replaced(void **state)
{
    struct fx *f = *state;
    /* stray continuation, overlong '/', a surrogate, truncated sequence at the end */
    lnt_html_txt(&f->h, "a\x80"
                        "b\xc0\xaf"
                        "c\xed\xa0\x80"
                        "d\xe2\x82");
    assert_string_equal(out(f), "a\xef\xbf\xbd"
                                "b\xef\xbf\xbd\xef\xbf\xbd"
                                "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                                "d\xef\xbf\xbd\xef\xbf\xbd");
}

static void test_web_html__valid_utf8_and_newlines_pass_through(void **state)
{
    struct fx *f = *state;
    lnt_html_txt(&f->h, "Caf\xc3\xa9 \xe2\x82\xac"
                        "5\n\xf0\x9f\x8d\xba\ttab");
    assert_string_equal(out(f), "Caf\xc3\xa9 \xe2\x82\xac"
                                "5\n\xf0\x9f\x8d\xba\ttab");
}

static void test_web_html__control_characters_are_dropped(void **state)
{
    struct fx *f = *state;
    lnt_html_txt(&f->h, "a\x01\x1b[31mb\x7f"
                        "c\r");
    assert_string_equal(out(f), "a[31mbc");
}

static void test_web_html__txtn_stops_at_length(void **state)
{
    struct fx *f = *state;
    lnt_html_txtn(&f->h, "<b>bold</b>", 3);
    assert_string_equal(out(f), "&lt;b&gt;");
}

static void test_web_html__txtf_escapes_formatted_text(void **state)
{
    struct fx *f = *state;
    lnt_html_txtf(&f->h, "%s has %d", "<Crown & Anchor>", 3);
    assert_string_equal(out(f), "&lt;Crown &amp; Anchor&gt; has 3");
}

static void test_web_html__errors_are_sticky_at_the_cap(void **state)
{
    struct lnt_buf b;
    struct lnt_html h;
    (void)state;
    lnt_buf_init(&b, 16);
    lnt_html_init(&h, &b);
    lnt_html_raw(&h, "0123456789");
    assert_int_equal(h.err, LNT_OK);
    lnt_html_txt(&h, "&&&&"); /* 20 bytes escaped: over the cap */
    assert_int_equal(h.err, LNT_ERR_TOO_LARGE);
    lnt_html_raw(&h, "x"); /* would fit, but the writer has failed */
    assert_int_equal(h.err, LNT_ERR_TOO_LARGE);
    assert_true(b.len <= 16);
    assert_null(strchr(b.data, 'x'));
    lnt_buf_release(&b);
}

static void test_web_html__attr_pair_and_tag(void **state)
{
    struct fx *f = *state;
    lnt_html_raw(&f->h, "<input");
    lnt_html_attr_pair(&f->h, "value", "O'Neill's <Bar>");
    lnt_html_raw(&f->h, "/>");
    lnt_html_tag_txt(&f->h, "td", "5 > 3");
    assert_string_equal(out(f),
                        "<input value=\"O&#39;Neill&#39;s &lt;Bar&gt;\"/><td>5 &gt; 3</td>");
}

static void test_web_html__utf8_len_classifies(void **state)
{
    (void)state;
    assert_int_equal(lnt_html_utf8_len("A", 1), 1);
    assert_int_equal(lnt_html_utf8_len("\xc3\xa9", 2), 2);
    assert_int_equal(lnt_html_utf8_len("\xc3\xa9", 1), 0);
    assert_int_equal(lnt_html_utf8_len("\xe0\x80\x80", 3), 0);     /* overlong */
    assert_int_equal(lnt_html_utf8_len("\xf4\x90\x80\x80", 4), 0); /* above U+10FFFF */
    assert_int_equal(lnt_html_utf8_len("\xf0\x9f\x8d\xba", 4), 4);
    assert_int_equal(lnt_html_utf8_len("\xff", 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_web_html__txt_escapes_markup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_web_html__attr_cannot_break_out_of_quotes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_web_html__url_encodes_everything_reserved, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_web_html__invalid_utf8_is_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_web_html__valid_utf8_and_newlines_pass_through, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_web_html__control_characters_are_dropped, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_web_html__txtn_stops_at_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_web_html__txtf_escapes_formatted_text, setup,
                                        teardown),
        cmocka_unit_test(test_web_html__errors_are_sticky_at_the_cap),
        cmocka_unit_test_setup_teardown(test_web_html__attr_pair_and_tag, setup, teardown),
        cmocka_unit_test(test_web_html__utf8_len_classifies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
