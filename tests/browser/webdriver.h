/* webdriver.h - a small W3C WebDriver client for tests: chromedriver + headless Chromium. */
#ifndef LNT_WEBDRIVER_H
#define LNT_WEBDRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/*
 * One chromedriver process on 127.0.0.1 (a free port) with one browser
 * session: headless Chromium with a fresh profile directory. Every command
 * is bounded by LNT_WD_TIMEOUT_S. Element references are the opaque ids the
 * driver hands out (LNT_WD_ELEM_LEN bytes with the NUL).
 */
#define LNT_WD_TIMEOUT_S 30
#define LNT_WD_ELEM_LEN 128

struct lnt_wd;

/*
 * Starts chromedriver (CHROMEDRIVER in the environment, else
 * /usr/bin/chromedriver) and a session whose profile lives under `workdir`
 * (which must exist; the caller removes it). Driver output goes to
 * workdir/chromedriver.log; files the browser downloads go to
 * workdir/downloads/. On error nothing is left running and `err`
 * says what failed in words a person can act on (missing package, browser
 * that would not start, with the driver's message).
 */
enum lnt_err lnt_wd_start(struct lnt_wd **out, const char *workdir, char *err);
/* Ends the session, stops chromedriver. NULL is a no-op. */
void lnt_wd_free(struct lnt_wd *wd);

enum lnt_err lnt_wd_navigate(struct lnt_wd *wd, const char *url, char *err);
/* The address the browser is at now. */
enum lnt_err lnt_wd_current_url(struct lnt_wd *wd, char *out, size_t size, char *err);
enum lnt_err lnt_wd_title(struct lnt_wd *wd, char *out, size_t size, char *err);
/* The page's current DOM as HTML; the caller frees *out. */
enum lnt_err lnt_wd_source(struct lnt_wd *wd, char **out, char *err);

/* The first element matching the CSS selector; LNT_ERR_NOT_FOUND when there is none. */
enum lnt_err lnt_wd_find(struct lnt_wd *wd, const char *css, char elem[LNT_WD_ELEM_LEN], char *err);
/* How many elements match. */
enum lnt_err lnt_wd_count(struct lnt_wd *wd, const char *css, size_t *n, char *err);
enum lnt_err lnt_wd_click(struct lnt_wd *wd, const char *elem, char *err);
/* Clears the field, then types `text`. */
enum lnt_err lnt_wd_send_keys(struct lnt_wd *wd, const char *elem, const char *text, char *err);
/* Chooses the file at absolute `path` in <input type=file> `elem`, as a person picking it would
 * (its keys, without clearing the input first). */
enum lnt_err lnt_wd_choose_file(struct lnt_wd *wd, const char *elem, const char *path, char *err);
/* The rendered text of an element; the caller frees *out. */
enum lnt_err lnt_wd_text(struct lnt_wd *wd, const char *elem, char **out, char *err);
/* Shortcuts: find by css, then act. */
enum lnt_err lnt_wd_click_css(struct lnt_wd *wd, const char *css, char *err);
enum lnt_err lnt_wd_type_css(struct lnt_wd *wd, const char *css, const char *text, char *err);
enum lnt_err lnt_wd_text_css(struct lnt_wd *wd, const char *css, char **out, char *err);

/* Runs `script` (a function body) in the page; its return value as JSON text (caller frees). */
enum lnt_err lnt_wd_execute(struct lnt_wd *wd, const char *script, char **json_out, char *err);
enum lnt_err lnt_wd_window_size(struct lnt_wd *wd, int width, int height, char *err);
enum lnt_err lnt_wd_delete_cookies(struct lnt_wd *wd, char *err);
/* Saves the viewport as a PNG at `path`. */
enum lnt_err lnt_wd_screenshot(struct lnt_wd *wd, const char *path, char *err);
/* Sizes the window to the whole page (at `width`), then saves it as a PNG. */
enum lnt_err lnt_wd_screenshot_page(struct lnt_wd *wd, int width, const char *path, char *err);

#endif
