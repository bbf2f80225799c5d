/* browser_session.h - what every browser suite does around its walks: a scratch folder, a real
 * lanternd on it, headless Chromium, and the short verbs a walk through the dashboard is written
 * in (go, click, type, ...). */
#ifndef LNT_BROWSER_SESSION_H
#define LNT_BROWSER_SESSION_H

#include <stddef.h>

#include "lanternd.h"
#include "webdriver.h"

/*
 * A fresh scratch folder (*dir) and the path of a database `db_name` inside it (*db); the caller
 * owns both strings and hands them back to browser_stop(). Fails the running test when the
 * folder cannot be made.
 */
void browser_scratch(char **dir, char **db, const char *db_name);

/*
 * Starts lanternd on `db` with `dir` as its folder and `args` as its further options (a
 * NULL-terminated list, or NULL), then headless Chromium with its profile under `dir`, and points
 * the verbs below at the two. `password` (static storage) is what browser_login() types. Fails
 * the running test, naming the Debian packages to install, when Chromium does not start.
 * A suite has one session at a time: not thread-safe (cmocka set-up calls it).
 */
void browser_start(struct lnt_test_lanternd *server, struct lnt_wd **wd, const char *dir,
                   const char *db, const char *const *args, const char *password);

/*
 * Ends what browser_start() started: Chromium, then lanternd (SIGTERM). With `dir` given, removes
 * it (kept when LNT_KEEP_TMP is set, to read lanternd.log after a failure) and frees *dir and *db,
 * setting them to NULL. *wd is NULL afterwards. Safe after a set-up that stopped half way.
 */
void browser_stop(struct lnt_test_lanternd *server, struct lnt_wd **wd, char **dir, char **db);

/* ---- the verbs: each acts on the session browser_start() bound and fails the test on error ----
 */

/* Opens `path` (from "/") on lanternd. */
void go(const char *path);
void click(const char *css);
/* Clears the field matching `css`, then types `text`. */
void type(const char *css, const char *text);
/* How many elements match `css`. */
size_t count(const char *css);
/*
 * The text of `css`, waiting (up to 10 s) for it to contain `want` (NULL: just to exist): a click
 * that submits a form returns before the next page has loaded. The caller frees it.
 */
char *text_when(const char *css, const char *want);
/* text_when(), the text not kept. */
void assert_text_has(const char *css, const char *want);
/* Runs `js` (a function body) in the page; its return value as JSON text (the caller frees). */
char *script(const char *js);
/* Sets a form control's value as a date picker or a select would (the picker's own typing order
 * depends on the browser's locale). */
void set_value(const char *id, const char *value);
/* The browser's address less lanternd's base ("/venues/3?as_at=..."), into out. */
void current_path(char *out, size_t size);
/* Waits (up to 10 s) until the browser's path starts with `prefix` and contains `want`. */
void wait_path(const char *prefix, const char *want, char *out, size_t size);
/* Signs in as `email` with the session's password, from no cookies, and waits for the page. */
void browser_login(const char *email);

#endif
