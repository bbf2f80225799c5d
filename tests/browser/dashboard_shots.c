/* dashboard_shots.c - signs in to a running dashboard and saves a PNG of every page
 * (docs/dashboard). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "support.h"
#include "webdriver.h"

#define DESKTOP_W 1280
#define PHONE_W 390

struct shot {
    const char *file;
    const char *path; /* after "/venues/ID" when `venue` is set; with a #anchor, the window
                         scrolled there is shot, not the whole page */
    bool venue;
    int width;
    const char *click; /* a button to press after loading, or NULL */
    const char *only;  /* show only this section of the page (and the heading), or NULL */
};

static int fail(const char *what, const char *err)
{
    fprintf(stderr, "dashboard-shots: %s: %s\n", what, err);
    return 1;
}

/* Waits up to 10 s for `css` to exist. */
static int wait_for(struct lnt_wd *wd, const char *css)
{
    char e[LNT_WD_ELEM_LEN];
    for (int i = 0; i < 100; i++) {
        if (lnt_wd_find(wd, css, e, NULL) == LNT_OK)
            return 0;
        usleep(100 * 1000);
    }
    return -1;
}

int main(int argc, char **argv)
{
    static const struct shot shots[] = {
        {"01-login.png", "/login", false, DESKTOP_W, NULL, NULL},
        {"02-overview.png", "/", false, DESKTOP_W, NULL, NULL},
        {"14-inbox.png", "/alerts", false, DESKTOP_W, NULL, NULL},
        {"03-venue.png", "", true, DESKTOP_W, NULL, NULL},
        {"04-register.png", "/register", true, DESKTOP_W, NULL, NULL},
        {"05-incident-details.png", "", true, DESKTOP_W, "button.open-details", NULL},
        {"06-trends.png", "/trends", false, DESKTOP_W, NULL, NULL},
        {"07-volunteers.png", "/volunteers", false, DESKTOP_W, NULL, NULL},
        {"08-admin.png", "/admin", false, DESKTOP_W, NULL, NULL},
        {"09-exports.png", "/exports", false, DESKTOP_W, NULL, NULL},
        {"10-overview-phone.png", "/", false, PHONE_W, NULL, NULL},
        {"11-venue-phone.png", "", true, PHONE_W, NULL, NULL},
        {"13-casework.png", "", true, DESKTOP_W, NULL, "#casework"},
        {"19-letter-upload.png", "", true, DESKTOP_W, "#casework-new summary", "#casework"},
        {"15-compare.png", "/?compare=quarter#compare", false, DESKTOP_W, NULL, NULL},
        {"16-trends-phone.png", "/trends", false, PHONE_W, NULL, NULL},
        {"17-map.png", "/map", false, DESKTOP_W, NULL, NULL},
    };
    char err[LNT_ERRBUF_SIZE] = "", url[600], path[256], file[600];
    struct lnt_wd *wd = NULL;
    const char *only = getenv("LANTERN_SHOTS_ONLY"); /* one file's name: shoot just that */
    char *work, *json = NULL;
    long long venue;
    int rc = 1, failed = 0;

    if (argc != 5) {
        fprintf(stderr, "usage: dashboard-shots BASE_URL EMAIL PASSWORD OUT_DIR\n");
        return 2;
    }
    venue = 0;
    work = lnt_test_tmpdir();
    if (work == NULL)
        return fail("temporary directory", "cannot make one");
    if (lnt_wd_start(&wd, work, err) != LNT_OK) {
        rc = fail("headless Chromium", err);
        goto out;
    }
    for (size_t i = 0; i < sizeof shots / sizeof shots[0]; i++) {
        const struct shot *s = &shots[i];
        if (i == 1) { /* sign in once the login page has been taken */
            snprintf(url, sizeof url, "%s/login", argv[1]);
            if (lnt_wd_navigate(wd, url, err) != LNT_OK ||
                lnt_wd_type_css(wd, "#email", argv[2], err) != LNT_OK ||
                lnt_wd_type_css(wd, "#password", argv[3], err) != LNT_OK ||
                lnt_wd_click_css(wd, "#sign-in", err) != LNT_OK || wait_for(wd, ".who") != 0) {
                rc = fail("sign in", err[0] != '\0' ? err : "no signed-in page appeared");
                goto out;
            }
            /* the case file shown is the venue with the most incidents */
            snprintf(url, sizeof url, "%s/?sort=incidents&dir=desc", argv[1]);
            if (lnt_wd_navigate(wd, url, err) != LNT_OK ||
                lnt_wd_execute(wd,
                               "return document.querySelector('#league tbody tr')"
                               ".getAttribute('data-venue');",
                               &json, err) != LNT_OK) {
                rc = fail("finding a venue", err);
                goto out;
            }
            venue = strtoll(json + (json[0] == '"'), NULL, 10);
            free(json);
            json = NULL;
        }
        /* LANTERN_SHOTS_ONLY=17-map.png takes that one page alone (after signing in) */
        if (only != NULL && strcmp(only, s->file) != 0)
            continue;
        if (s->venue)
            snprintf(path, sizeof path, "/venues/%lld%s", venue, s->path);
        else
            snprintf(path, sizeof path, "%s", s->path);
        snprintf(url, sizeof url, "%s%s", argv[1], path);
        if (lnt_wd_window_size(wd, s->width, 900, err) != LNT_OK ||
            lnt_wd_navigate(wd, url, err) != LNT_OK) {
            rc = fail(path, err);
            goto out;
        }
        if (s->click != NULL) {
            if (wait_for(wd, s->click) != 0) {
                fprintf(stderr, "dashboard-shots: %s: no `%s` on %s; skipped\n", s->file, s->click,
                        path);
                continue;
            }
            /* an incident's details open a page; anything else opens in place */
            if (lnt_wd_click_css(wd, s->click, err) != LNT_OK ||
                (strcmp(s->click, "button.open-details") == 0 &&
                 wait_for(wd, "#incident-facts") != 0)) {
                rc = fail(s->click, err[0] != '\0' ? err : "the details page did not appear");
                goto out;
            }
        }
        if (s->only != NULL) {
            char js[600];
            /* every other part of the page along the way up to <main> hidden */
            snprintf(js, sizeof js,
                     "var e = document.querySelector('%s');"
                     "for (; e && e.parentElement && e.tagName !== 'MAIN'; e = e.parentElement)"
                     "  for (const x of e.parentElement.children)"
                     "    if (x !== e && x.tagName !== 'H1') x.style.display = 'none';"
                     "return 1;",
                     s->only);
            if (wait_for(wd, s->only) != 0 || lnt_wd_execute(wd, js, &json, err) != LNT_OK) {
                fprintf(stderr, "dashboard-shots: %s: no `%s` on %s; skipped\n", s->file, s->only,
                        path);
                continue;
            }
            free(json);
            json = NULL;
        }
        snprintf(file, sizeof file, "%s/%s", argv[4], s->file);
        /* one page too slow to shoot on a busy machine does not cost the others theirs */
        if ((strchr(s->path, '#') != NULL
                 ? lnt_wd_screenshot(wd, file, err)
                 : lnt_wd_screenshot_page(wd, s->width, file, err)) != LNT_OK) {
            failed = fail(file, err);
            continue;
        }
        printf("%s\n", file);
    }
    rc = failed;
out:
    lnt_wd_free(wd);
    lnt_test_rmrf(work);
    free(work);
    return rc;
}
