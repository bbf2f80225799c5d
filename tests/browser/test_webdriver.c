/* test_webdriver.c - the WebDriver client drives a real headless Chromium (no skipping). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "support.h"
#include "webdriver.h"

static const char page[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>WD test</title></head><body>"
    "<h1 id=\"h\">Hello</h1><form action=\"#done\"><input id=\"q\" name=\"q\">"
    "<button id=\"go\" type=\"submit\">Go</button></form><p class=\"x\">one</p>"
    "<p class=\"x\">two</p></body></html>";

static void test_webdriver__drives_chromium(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "";
    char *dir = lnt_test_tmpdir(), *html = NULL, *png = NULL, *text = NULL, *src = NULL;
    char url[600], elem[LNT_WD_ELEM_LEN], now[600];
    struct lnt_wd *wd = NULL;
    size_t n = 0;
    FILE *f;
    (void)state;

    assert_non_null(dir);
    html = lnt_test_path(dir, "page.html");
    png = lnt_test_path(dir, "shot.png");
    f = fopen(html, "w");
    assert_non_null(f);
    fputs(page, f);
    fclose(f);
    if (lnt_wd_start(&wd, dir, err) != LNT_OK)
        fail_msg("the browser tests need headless Chromium and it did not start: %s", err);
    snprintf(url, sizeof url, "file://%s", html);
    assert_int_equal(lnt_wd_navigate(wd, url, err), LNT_OK);
    assert_int_equal(lnt_wd_title(wd, now, sizeof now, err), LNT_OK);
    assert_string_equal(now, "WD test");
    assert_int_equal(lnt_wd_text_css(wd, "#h", &text, err), LNT_OK);
    assert_string_equal(text, "Hello");
    assert_int_equal(lnt_wd_count(wd, "p.x", &n, err), LNT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(lnt_wd_find(wd, "#nothing-here", elem, err), LNT_ERR_NOT_FOUND);
    assert_int_equal(lnt_wd_type_css(wd, "#q", "lantern", err), LNT_OK);
    assert_int_equal(lnt_wd_click_css(wd, "#go", err), LNT_OK);
    for (int tries = 0; tries < 100; tries++) { /* the submit navigates after the click returns */
        assert_int_equal(lnt_wd_current_url(wd, now, sizeof now, err), LNT_OK);
        if (strstr(now, "q=lantern") != NULL)
            break;
        usleep(100 * 1000);
    }
    assert_non_null(strstr(now, "q=lantern"));
    assert_int_equal(lnt_wd_source(wd, &src, err), LNT_OK);
    assert_non_null(strstr(src, "<h1 id=\"h\">Hello</h1>"));
    assert_int_equal(lnt_wd_screenshot_page(wd, 800, png, err), LNT_OK);
    {
        char *bytes = lnt_test_read_file(png);
        assert_non_null(bytes);
        assert_memory_equal(bytes, "\x89PNG", 4);
        free(bytes);
    }
    lnt_wd_free(wd);
    free(text);
    free(src);
    free(html);
    free(png);
    lnt_test_rmrf(dir);
    free(dir);
}

static void test_webdriver__missing_driver_is_a_clear_error(void **state)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_wd *wd = NULL;
    (void)state;
    setenv("CHROMEDRIVER", "/nonexistent/chromedriver", 1);
    assert_int_equal(lnt_wd_start(&wd, "/tmp", err), LNT_ERR_NOT_FOUND);
    assert_null(wd);
    assert_non_null(strstr(err, "chromium-driver"));
    unsetenv("CHROMEDRIVER");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_webdriver__drives_chromium),
        cmocka_unit_test(test_webdriver__missing_driver_is_a_clear_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
