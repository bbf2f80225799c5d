/* browser_session.c - one home for the set-up and verbs the browser suites share: lanternd and
 * Chromium started and stopped, and go/click/type/... failing the running cmocka test. */
#include "browser_session.h"

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

#include "buf.h"
#include "support.h"

#define URL_MAX 512

/* The session the verbs act on: set by browser_start(), cleared by browser_stop(). */
static struct {
    struct lnt_wd *wd;
    const char *base;     /* the lanternd's, in the caller's struct lnt_test_lanternd */
    const char *password; /* static storage */
} bs;

void browser_scratch(char **dir, char **db, const char *db_name)
{
    *dir = lnt_test_tmpdir();
    assert_non_null(*dir);
    *db = lnt_test_path(*dir, db_name);
}

void browser_start(struct lnt_test_lanternd *server, struct lnt_wd **wd, const char *dir,
                   const char *db, const char *const *args, const char *password)
{
    char err[LNT_ERRBUF_SIZE] = "";

    lnt_test_lanternd_start(server, dir, db, args);
    if (lnt_wd_start(wd, dir, err) != LNT_OK)
        fail_msg("this suite needs headless Chromium (Debian's chromium and chromium-driver) "
                 "and it did not start: %s",
                 err);
    bs.wd = *wd;
    bs.base = server->base;
    bs.password = password;
}

void browser_stop(struct lnt_test_lanternd *server, struct lnt_wd **wd, char **dir, char **db)
{
    memset(&bs, 0, sizeof bs);
    lnt_wd_free(*wd);
    *wd = NULL;
    lnt_test_lanternd_stop(server, SIGTERM);
    if (dir != NULL) {
        if (getenv("LNT_KEEP_TMP") == NULL)
            lnt_test_rmrf(*dir);
        free(*dir);
        *dir = NULL;
    }
    if (db != NULL) {
        free(*db);
        *db = NULL;
    }
}

/* ---- the verbs ---- */

void go(const char *path)
{
    char url[URL_MAX], err[LNT_ERRBUF_SIZE] = "";

    snprintf(url, sizeof url, "%s%s", bs.base, path);
    if (lnt_wd_navigate(bs.wd, url, err) != LNT_OK)
        fail_msg("navigate %s: %s", path, err);
}

void click(const char *css)
{
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_wd_click_css(bs.wd, css, err) != LNT_OK)
        fail_msg("click %s: %s", css, err);
}

void type(const char *css, const char *text)
{
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_wd_type_css(bs.wd, css, text, err) != LNT_OK)
        fail_msg("type into %s: %s", css, err);
}

size_t count(const char *css)
{
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;

    if (lnt_wd_count(bs.wd, css, &n, err) != LNT_OK)
        fail_msg("count %s: %s", css, err);
    return n;
}

char *text_when(const char *css, const char *want)
{
    char err[LNT_ERRBUF_SIZE] = "", *t = NULL;

    for (int tries = 0; tries < 100; tries++) {
        free(t);
        t = NULL;
        if (lnt_wd_text_css(bs.wd, css, &t, err) == LNT_OK && (want == NULL || strstr(t, want)))
            return t;
        usleep(100 * 1000);
    }
    fail_msg("`%s` shows \"%.300s\", which lacks \"%s\" (%s)", css, t != NULL ? t : "",
             want != NULL ? want : "", err);
    return NULL;
}

void assert_text_has(const char *css, const char *want)
{
    free(text_when(css, want));
}

char *script(const char *js)
{
    char err[LNT_ERRBUF_SIZE] = "", *out = NULL;

    if (lnt_wd_execute(bs.wd, js, &out, err) != LNT_OK)
        fail_msg("script %s: %s", js, err);
    return out;
}

void set_value(const char *id, const char *value)
{
    char js[256];

    snprintf(js, sizeof js, "document.getElementById('%s').value = '%s'; return true;", id, value);
    free(script(js));
}

void current_path(char *out, size_t size)
{
    char url[URL_MAX], err[LNT_ERRBUF_SIZE] = "";

    assert_int_equal(lnt_wd_current_url(bs.wd, url, sizeof url, err), LNT_OK);
    lnt_str_copy(out, size, lnt_str_starts(url, bs.base) ? url + strlen(bs.base) : url);
}

void wait_path(const char *prefix, const char *want, char *out, size_t size)
{
    for (int tries = 0; tries < 100; tries++) {
        current_path(out, size);
        if (lnt_str_starts(out, prefix) && strstr(out, want) != NULL)
            return;
        usleep(100 * 1000);
    }
    fail_msg("the browser is at %s, not at %s...%s", out, prefix, want);
}

void browser_login(const char *email)
{
    char err[LNT_ERRBUF_SIZE] = "";

    assert_int_equal(lnt_wd_delete_cookies(bs.wd, err), LNT_OK);
    go("/login");
    type("#email", email);
    type("#password", bs.password);
    click("#sign-in");
    assert_text_has(".who", "Sign out");
}
