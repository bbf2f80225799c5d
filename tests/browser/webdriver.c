/* webdriver.c - a small W3C WebDriver client (libcurl + jansson) driving chromedriver for tests. */
#include "webdriver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "buf.h"
#include "codec.h"
#include "support.h"

#define REPLY_MAX (64u << 20) /* screenshots of long pages are large */
#define START_WAIT_MS 15000
#define URL_MAX 512

struct lnt_wd {
    pid_t driver;
    unsigned port;
    char session[128];
    char base[64];
    CURL *curl;
};

static unsigned free_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    unsigned port = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return 0;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    struct lnt_buf *b = ctx;
    return lnt_buf_append(b, p, size * n) == LNT_OK ? size * n : 0;
}

/*
 * One request: `method` on base + `path` with `body` (JSON text or NULL).
 * On LNT_OK *reply (may be NULL) owns the parsed reply's "value". A WebDriver
 * error becomes LNT_ERR_NOT_FOUND for "no such element", else LNT_ERR_NET,
 * with the driver's message.
 */
static enum lnt_err call(struct lnt_wd *wd, const char *method, const char *path, const char *body,
                         json_t **reply, char *err)
{
    char url[URL_MAX];
    struct lnt_buf b;
    struct curl_slist *hdrs = NULL;
    json_t *j = NULL, *value;
    json_error_t jerr;
    long status = 0;
    CURLcode cc;
    enum lnt_err rc = LNT_OK;

    if (reply != NULL)
        *reply = NULL;
    if ((size_t)snprintf(url, sizeof url, "%s%s", wd->base, path) >= sizeof url)
        return lnt_fail(err, LNT_ERR_INVALID, "webdriver: path too long: %s", path);
    lnt_buf_init(&b, REPLY_MAX);
    curl_easy_reset(wd->curl);
    curl_easy_setopt(wd->curl, CURLOPT_URL, url);
    curl_easy_setopt(wd->curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(wd->curl, CURLOPT_TIMEOUT, (long)LNT_WD_TIMEOUT_S);
    curl_easy_setopt(wd->curl, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(wd->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(wd->curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(wd->curl, CURLOPT_WRITEDATA, &b);
    hdrs = curl_slist_append(hdrs, "Content-Type: application/json; charset=utf-8");
    curl_easy_setopt(wd->curl, CURLOPT_HTTPHEADER, hdrs);
    if (body != NULL || strcmp(method, "POST") == 0) {
        curl_easy_setopt(wd->curl, CURLOPT_POSTFIELDS, body != NULL ? body : "{}");
    }
    cc = curl_easy_perform(wd->curl);
    if (cc != CURLE_OK) {
        rc = lnt_fail(err, cc == CURLE_OPERATION_TIMEDOUT ? LNT_ERR_TIMEOUT : LNT_ERR_NET,
                      "webdriver %s %s: %s", method, path, curl_easy_strerror(cc));
        goto out;
    }
    curl_easy_getinfo(wd->curl, CURLINFO_RESPONSE_CODE, &status);
    j = json_loadb(b.data != NULL ? b.data : "", b.len, 0, &jerr);
    value = j != NULL ? json_object_get(j, "value") : NULL;
    if (status != 200) {
        const char *e = json_string_value(json_object_get(value, "error"));
        const char *m = json_string_value(json_object_get(value, "message"));
        rc = lnt_fail(
            err, e != NULL && strcmp(e, "no such element") == 0 ? LNT_ERR_NOT_FOUND : LNT_ERR_NET,
            "webdriver %s %s: HTTP %ld: %s: %.160s", method, path, status, e != NULL ? e : "error",
            m != NULL ? m : "(no message)");
        goto out;
    }
    if (value == NULL) {
        rc = lnt_fail(err, LNT_ERR_NET, "webdriver %s %s: reply has no value", method, path);
        goto out;
    }
    if (reply != NULL)
        *reply = json_incref(value);
out:
    json_decref(j);
    curl_slist_free_all(hdrs);
    lnt_buf_release(&b);
    return rc;
}

/* `path` with the session prefix. */
static enum lnt_err scall(struct lnt_wd *wd, const char *method, const char *suffix,
                          const char *body, json_t **reply, char *err)
{
    char path[URL_MAX];
    if ((size_t)snprintf(path, sizeof path, "/session/%s%s", wd->session, suffix) >= sizeof path)
        return lnt_fail(err, LNT_ERR_INVALID, "webdriver: path too long");
    return call(wd, method, path, body, reply, err);
}

/* Serialises `j` (stolen) to text; NULL on allocation failure. */
static char *dump(json_t *j)
{
    char *s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return s;
}

enum lnt_err lnt_wd_start(struct lnt_wd **out, const char *workdir, char *err)
{
    const char *driver =
        getenv("CHROMEDRIVER") != NULL ? getenv("CHROMEDRIVER") : "/usr/bin/chromedriver";
    const char *browser = getenv("CHROMIUM") != NULL ? getenv("CHROMIUM") : "/usr/bin/chromium";
    char port_arg[32], log_path[URL_MAX], profile[URL_MAX], profile_arg[URL_MAX + 32],
        downloads[URL_MAX];
    const char *argv[4];
    struct lnt_wd *wd = NULL;
    json_t *caps = NULL, *reply = NULL;
    char *body = NULL;
    enum lnt_err rc = LNT_OK;
    int waited;

    if (access(driver, X_OK) != 0)
        return lnt_fail(err, LNT_ERR_NOT_FOUND,
                        "%s not found: install Debian's chromium-driver (scripts/install-deps)",
                        driver);
    if (access(browser, X_OK) != 0)
        return lnt_fail(err, LNT_ERR_NOT_FOUND,
                        "%s not found: install Debian's chromium (scripts/install-deps)", browser);
    wd = calloc(1, sizeof *wd);
    if (wd == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    wd->driver = -1;
    wd->curl = curl_easy_init();
    wd->port = free_port();
    if (wd->curl == NULL || wd->port == 0) {
        rc = lnt_fail(err, LNT_ERR_NET, "cannot set up libcurl or find a free port");
        goto fail;
    }
    snprintf(wd->base, sizeof wd->base, "http://127.0.0.1:%u", wd->port);
    snprintf(port_arg, sizeof port_arg, "--port=%u", wd->port);
    snprintf(log_path, sizeof log_path, "%s/chromedriver.log", workdir);
    snprintf(profile, sizeof profile, "%s/profile", workdir);
    snprintf(profile_arg, sizeof profile_arg, "--user-data-dir=%s", profile);
    mkdir(profile, 0700);
    snprintf(downloads, sizeof downloads, "%s/downloads", workdir);
    mkdir(downloads, 0700);
    argv[0] = driver;
    argv[1] = port_arg;
    argv[2] = "--allowed-ips=127.0.0.1";
    argv[3] = NULL;
    wd->driver = lnt_proc_spawn(argv, log_path);
    if (wd->driver < 0) {
        rc = lnt_fail(err, LNT_ERR_IO, "cannot start %s", driver);
        goto fail;
    }
    /* wait until the driver answers /status */
    for (waited = 0;; waited += 100) {
        json_t *st = NULL;
        if (call(wd, "GET", "/status", NULL, &st, NULL) == LNT_OK) {
            json_decref(st);
            break;
        }
        if (waited >= START_WAIT_MS || lnt_proc_wait(wd->driver, 0) != -1) {
            rc = lnt_fail(err, LNT_ERR_TIMEOUT,
                          "chromedriver did not answer on port %u within %d ms (log: %s)", wd->port,
                          START_WAIT_MS, log_path);
            goto fail;
        }
        usleep(100 * 1000);
    }
    caps = json_pack("{s:{s:{s:{s:s,s:[s,s,s,s,s,s,s,s,s,s,s],s:{s:s,s:b}}}}}", "capabilities",
                     "alwaysMatch", "goog:chromeOptions", "binary", browser, "args", "--headless",
                     "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run",
                     "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--force-device-scale-factor=1", profile_arg, "prefs",
                     "download.default_directory", downloads, "download.prompt_for_download", 0);
    body = dump(caps);
    if (body == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
        goto fail;
    }
    rc = call(wd, "POST", "/session", body, &reply, err);
    if (rc != LNT_OK) {
        lnt_fail_prefix(err, rc,
                        "Chromium would not start a headless session (see %s): ", log_path);
        goto fail;
    }
    {
        const char *id = json_string_value(json_object_get(reply, "sessionId"));
        if (id == NULL || lnt_str_copy(wd->session, sizeof wd->session, id) != LNT_OK) {
            rc = lnt_fail(err, LNT_ERR_NET, "webdriver: new session reply has no sessionId");
            goto fail;
        }
    }
    json_decref(reply);
    free(body);
    *out = wd;
    return LNT_OK;
fail:
    json_decref(reply);
    free(body);
    lnt_wd_free(wd);
    return rc;
}

void lnt_wd_free(struct lnt_wd *wd)
{
    if (wd == NULL)
        return;
    if (wd->session[0] != '\0')
        scall(wd, "DELETE", "", NULL, NULL, NULL);
    if (wd->driver > 0)
        lnt_proc_stop(wd->driver, SIGTERM);
    if (wd->curl != NULL)
        curl_easy_cleanup(wd->curl);
    free(wd);
}

enum lnt_err lnt_wd_navigate(struct lnt_wd *wd, const char *url, char *err)
{
    char *body = dump(json_pack("{s:s}", "url", url));
    enum lnt_err rc;

    if (body == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    rc = scall(wd, "POST", "/url", body, NULL, err);
    free(body);
    return rc;
}

/* A string-valued GET into out. */
static enum lnt_err get_string(struct lnt_wd *wd, const char *suffix, char *out, size_t size,
                               char *err)
{
    json_t *v = NULL;
    enum lnt_err rc = scall(wd, "GET", suffix, NULL, &v, err);

    if (rc == LNT_OK) {
        const char *s = json_string_value(v);
        if (s == NULL)
            rc = lnt_fail(err, LNT_ERR_NET, "webdriver GET %s: not a string", suffix);
        else if (lnt_str_copy(out, size, s) != LNT_OK)
            rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "webdriver GET %s: reply too long", suffix);
    }
    json_decref(v);
    return rc;
}

enum lnt_err lnt_wd_current_url(struct lnt_wd *wd, char *out, size_t size, char *err)
{
    return get_string(wd, "/url", out, size, err);
}

enum lnt_err lnt_wd_title(struct lnt_wd *wd, char *out, size_t size, char *err)
{
    return get_string(wd, "/title", out, size, err);
}

/* A string-valued reply, duplicated. */
static enum lnt_err dup_string(json_t *v, const char *what, char **out, char *err)
{
    const char *s = json_string_value(v);
    if (s == NULL)
        return lnt_fail(err, LNT_ERR_NET, "webdriver %s: not a string", what);
    *out = strdup(s);
    return *out != NULL ? LNT_OK : lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
}

enum lnt_err lnt_wd_source(struct lnt_wd *wd, char **out, char *err)
{
    json_t *v = NULL;
    enum lnt_err rc = scall(wd, "GET", "/source", NULL, &v, err);

    if (rc == LNT_OK)
        rc = dup_string(v, "source", out, err);
    json_decref(v);
    return rc;
}

/* The W3C element reference inside `v`: the value of its one "element-6066-..." key. */
static const char *elem_ref(json_t *v)
{
    const char *key;
    json_t *val;

    json_object_foreach(v, key, val)
    {
        if (strncmp(key, "element-", 8) == 0)
            return json_string_value(val);
    }
    return NULL;
}

enum lnt_err lnt_wd_find(struct lnt_wd *wd, const char *css, char elem[LNT_WD_ELEM_LEN], char *err)
{
    char *body = dump(json_pack("{s:s,s:s}", "using", "css selector", "value", css));
    json_t *v = NULL;
    enum lnt_err rc;

    if (body == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    rc = scall(wd, "POST", "/element", body, &v, err);
    if (rc == LNT_OK) {
        const char *id = elem_ref(v);
        if (id == NULL || lnt_str_copy(elem, LNT_WD_ELEM_LEN, id) != LNT_OK)
            rc = lnt_fail(err, LNT_ERR_NET, "webdriver: bad element reference for `%s`", css);
    } else if (rc == LNT_ERR_NOT_FOUND) {
        lnt_fail(err, rc, "no element matches `%s`", css);
    }
    json_decref(v);
    free(body);
    return rc;
}

enum lnt_err lnt_wd_count(struct lnt_wd *wd, const char *css, size_t *n, char *err)
{
    char *body = dump(json_pack("{s:s,s:s}", "using", "css selector", "value", css));
    json_t *v = NULL;
    enum lnt_err rc;

    if (body == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    rc = scall(wd, "POST", "/elements", body, &v, err);
    if (rc == LNT_OK)
        *n = json_array_size(v);
    json_decref(v);
    free(body);
    return rc;
}

enum lnt_err lnt_wd_click(struct lnt_wd *wd, const char *elem, char *err)
{
    char suffix[LNT_WD_ELEM_LEN + 32];
    snprintf(suffix, sizeof suffix, "/element/%s/click", elem);
    return scall(wd, "POST", suffix, "{}", NULL, err);
}

enum lnt_err lnt_wd_send_keys(struct lnt_wd *wd, const char *elem, const char *text, char *err)
{
    char suffix[LNT_WD_ELEM_LEN + 32];
    char *body = dump(json_pack("{s:s}", "text", text));
    enum lnt_err rc;

    if (body == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    snprintf(suffix, sizeof suffix, "/element/%s/clear", elem);
    rc = scall(wd, "POST", suffix, "{}", NULL, err);
    if (rc == LNT_OK) {
        snprintf(suffix, sizeof suffix, "/element/%s/value", elem);
        rc = scall(wd, "POST", suffix, body, NULL, err);
    }
    free(body);
    return rc;
}

enum lnt_err lnt_wd_choose_file(struct lnt_wd *wd, const char *elem, const char *path, char *err)
{
    char suffix[LNT_WD_ELEM_LEN + 32];
    char *body = dump(json_pack("{s:s}", "text", path));
    enum lnt_err rc;

    if (body == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    snprintf(suffix, sizeof suffix, "/element/%s/value", elem);
    rc = scall(wd, "POST", suffix, body, NULL, err);
    free(body);
    return rc;
}

enum lnt_err lnt_wd_text(struct lnt_wd *wd, const char *elem, char **out, char *err)
{
    char suffix[LNT_WD_ELEM_LEN + 32];
    json_t *v = NULL;
    enum lnt_err rc;

    snprintf(suffix, sizeof suffix, "/element/%s/text", elem);
    rc = scall(wd, "GET", suffix, NULL, &v, err);
    if (rc == LNT_OK)
        rc = dup_string(v, "element text", out, err);
    json_decref(v);
    return rc;
}

enum lnt_err lnt_wd_click_css(struct lnt_wd *wd, const char *css, char *err)
{
    char e[LNT_WD_ELEM_LEN];
    enum lnt_err rc = lnt_wd_find(wd, css, e, err);
    return rc == LNT_OK ? lnt_wd_click(wd, e, err) : rc;
}

enum lnt_err lnt_wd_type_css(struct lnt_wd *wd, const char *css, const char *text, char *err)
{
    char e[LNT_WD_ELEM_LEN];
    enum lnt_err rc = lnt_wd_find(wd, css, e, err);
    return rc == LNT_OK ? lnt_wd_send_keys(wd, e, text, err) : rc;
}

enum lnt_err lnt_wd_text_css(struct lnt_wd *wd, const char *css, char **out, char *err)
{
    char e[LNT_WD_ELEM_LEN];
    enum lnt_err rc = lnt_wd_find(wd, css, e, err);
    return rc == LNT_OK ? lnt_wd_text(wd, e, out, err) : rc;
}

enum lnt_err lnt_wd_execute(struct lnt_wd *wd, const char *script, char **json_out, char *err)
{
    char *body = dump(json_pack("{s:s,s:[]}", "script", script, "args"));
    json_t *v = NULL;
    enum lnt_err rc;

    if (body == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    rc = scall(wd, "POST", "/execute/sync", body, &v, err);
    if (rc == LNT_OK && json_out != NULL) {
        *json_out = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (*json_out == NULL)
            rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    }
    json_decref(v);
    free(body);
    return rc;
}

enum lnt_err lnt_wd_window_size(struct lnt_wd *wd, int width, int height, char *err)
{
    char *body = dump(json_pack("{s:i,s:i}", "width", width, "height", height));
    enum lnt_err rc;

    if (body == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    rc = scall(wd, "POST", "/window/rect", body, NULL, err);
    free(body);
    return rc;
}

enum lnt_err lnt_wd_delete_cookies(struct lnt_wd *wd, char *err)
{
    return scall(wd, "DELETE", "/cookie", NULL, NULL, err);
}

enum lnt_err lnt_wd_screenshot(struct lnt_wd *wd, const char *path, char *err)
{
    json_t *v = NULL;
    uint8_t *png = NULL;
    size_t len = 0, max;
    const char *b64;
    FILE *f = NULL;
    enum lnt_err rc = scall(wd, "GET", "/screenshot", NULL, &v, err);

    if (rc != LNT_OK)
        goto out;
    b64 = json_string_value(v);
    if (b64 == NULL) {
        rc = lnt_fail(err, LNT_ERR_NET, "webdriver screenshot: not a string");
        goto out;
    }
    max = strlen(b64) / 4 * 3 + 3;
    png = malloc(max);
    if (png == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (lnt_b64_decode(b64, png, max, &len) != LNT_OK) {
        rc = lnt_fail(err, LNT_ERR_NET, "webdriver screenshot: bad base64");
        goto out;
    }
    f = fopen(path, "wb");
    if (f == NULL || fwrite(png, 1, len, f) != len) {
        rc = lnt_fail(err, LNT_ERR_IO, "cannot write %s: %s", path, strerror(errno));
        goto out;
    }
out:
    if (f != NULL && fclose(f) != 0 && rc == LNT_OK)
        rc = lnt_fail(err, LNT_ERR_IO, "cannot write %s", path);
    free(png);
    json_decref(v);
    return rc;
}

enum lnt_err lnt_wd_screenshot_page(struct lnt_wd *wd, int width, const char *path, char *err)
{
    char *h = NULL;
    int64_t height = 900;
    enum lnt_err rc = lnt_wd_window_size(wd, width, 900, err);

    if (rc == LNT_OK)
        rc = lnt_wd_execute(wd, "return document.documentElement.scrollHeight;", &h, err);
    if (rc == LNT_OK && (lnt_parse_i64(h, 1, INT64_MAX, &height) != LNT_OK))
        height = 900;
    if (height > 16000) /* Chromium's largest window */
        height = 16000;
    free(h);
    /* the window's outer size includes a little chrome even when headless */
    if (rc == LNT_OK)
        rc = lnt_wd_window_size(wd, width, (int)height + 16, err);
    if (rc == LNT_OK)
        rc = lnt_wd_screenshot(wd, path, err);
    return rc;
}
