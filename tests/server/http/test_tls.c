/* test_tls.c - HTTPS served by the HTTP seam and by lanternd, checked with a throwaway CA made by
 * the `openssl` command and a libcurl client pinned to it. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "buf.h"
#include "codec.h"
#include "http.h"
#include "log.h"
#include "store.h"
#include "support.h"

struct fixture {
    char *dir;
    char *ca;       /* the CA that signed the server's certificate */
    char *other_ca; /* an unrelated CA */
    char *cert;     /* server certificate for 127.0.0.1 and localhost */
    char *key;
    char *other_key; /* a key that does not match `cert` */
    struct lnt_http *http;
    uint16_t port;
};

/* Runs openssl with `args` (NULL-terminated, after the program name) in f->dir; fails the test
 * on error. */
static void openssl(const struct fixture *f, const char *const *args)
{
    const char *argv[32];
    struct lnt_proc_result r;
    size_t n = 0;

    argv[n++] = "/usr/bin/openssl";
    for (; *args != NULL && n < 31; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    if (access(argv[0], X_OK) != 0)
        fail_msg("openssl is not installed (scripts/install-deps installs it)");
    assert_int_equal(lnt_proc_run(argv, NULL, 60000, &r), 0);
    if (r.status != 0)
        fail_msg("openssl %s failed (%d): %s", args[0] ? args[0] : "", r.status, r.err);
    lnt_proc_result_release(&r);
    (void)f;
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_true(fputs(text, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
}

/* A self-signed CA: key at `key_path`, certificate at `pem_path`. */
static void make_ca(const struct fixture *f, const char *key_path, const char *pem_path,
                    const char *cn)
{
    char subj[128];
    const char *args[] = {"req",
                          "-x509",
                          "-newkey",
                          "ec",
                          "-pkeyopt",
                          "ec_paramgen_curve:P-256",
                          "-nodes",
                          "-keyout",
                          key_path,
                          "-out",
                          pem_path,
                          "-days",
                          "2",
                          "-subj",
                          subj,
                          "-addext",
                          "basicConstraints=critical,CA:TRUE",
                          "-addext",
                          "keyUsage=critical,keyCertSign,cRLSign",
                          NULL};
    snprintf(subj, sizeof subj, "/CN=%s", cn);
    openssl(f, args);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char *ca_key, *other_ca_key, *csr, *ext;

    assert_non_null(f);
    lnt_log_init("test_tls", LNT_LOG_WARN);
    f->dir = lnt_test_tmpdir();
    assert_non_null(f->dir);
    f->ca = lnt_test_path(f->dir, "ca.pem");
    f->other_ca = lnt_test_path(f->dir, "other-ca.pem");
    f->cert = lnt_test_path(f->dir, "server.pem");
    f->key = lnt_test_path(f->dir, "server.key");
    f->other_key = lnt_test_path(f->dir, "other.key");
    ca_key = lnt_test_path(f->dir, "ca.key");
    other_ca_key = lnt_test_path(f->dir, "other-ca.key");
    csr = lnt_test_path(f->dir, "server.csr");
    ext = lnt_test_path(f->dir, "server.ext");

    make_ca(f, ca_key, f->ca, "Lantern Test CA");
    make_ca(f, other_ca_key, f->other_ca, "Somebody Else's CA");
    {
        const char *args[] = {
            "req",  "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
            f->key, "-out",    csr,  "-subj",    "/CN=127.0.0.1",           NULL};
        openssl(f, args);
    }
    write_file(ext, "basicConstraints=CA:FALSE\n"
                    "keyUsage=critical,digitalSignature\n"
                    "extendedKeyUsage=serverAuth\n"
                    "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    {
        const char *args[] = {
            "x509", "-req",  "-in",   csr, "-CA",      f->ca, "-CAkey", ca_key, "-CAcreateserial",
            "-out", f->cert, "-days", "2", "-extfile", ext,   NULL};
        openssl(f, args);
    }
    {
        const char *args[] = {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                              "-out",    f->other_key, NULL};
        openssl(f, args);
    }
    free(ext);
    free(csr);
    free(other_ca_key);
    free(ca_key);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    lnt_http_stop(f->http);
    lnt_test_rmrf(f->dir);
    free(f->other_key);
    free(f->key);
    free(f->cert);
    free(f->other_ca);
    free(f->ca);
    free(f->dir);
    free(f);
    return 0;
}

static void hello(void *ctx, const struct lnt_http_request *req, struct lnt_http_response *resp)
{
    (void)ctx;
    lnt_buf_reset(&resp->body);
    lnt_buf_printf(&resp->body, "{\"tls\":%s}", lnt_http_is_tls(req) ? "true" : "false");
    resp->status = 200;
}

/* Starts the seam with TLS from the fixture's files (or `key` instead of the server key). */
static enum lnt_err start_tls(struct fixture *f, const char *key, char *err)
{
    struct lnt_http_config cfg;
    char *cert_pem = lnt_test_read_file(f->cert);
    char *key_pem = lnt_test_read_file(key);
    enum lnt_err rc;

    assert_non_null(cert_pem);
    assert_non_null(key_pem);
    memset(&cfg, 0, sizeof cfg);
    cfg.host = "127.0.0.1";
    cfg.threads = 2;
    cfg.handler = hello;
    cfg.tls_cert_pem = cert_pem;
    cfg.tls_key_pem = key_pem;
    rc = lnt_http_start(&f->http, &cfg, err);
    /* The seam keeps its own copies. */
    memset(key_pem, 0, strlen(key_pem));
    free(key_pem);
    free(cert_pem);
    if (rc == LNT_OK)
        f->port = lnt_http_port(f->http);
    return rc;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    struct lnt_buf *b = ctx;
    return lnt_buf_append(b, p, size * n) == LNT_OK ? size * n : 0;
}

/* GETs `url` trusting only `cafile`; returns curl's result, filling *status and `body`. */
static CURLcode get(const char *url, const char *cafile, long *status, struct lnt_buf *body)
{
    CURL *c = curl_easy_init();
    CURLcode cc;

    assert_non_null(c);
    *status = 0;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    if (cafile != NULL) {
        curl_easy_setopt(c, CURLOPT_CAINFO, cafile);
        curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
    }
    cc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_easy_cleanup(c);
    return cc;
}

static void test_tls__client_pinned_to_the_ca_gets_through(void **state)
{
    struct fixture *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    char url[128];
    struct lnt_buf body;
    long status;
    CURLcode cc;

    if (start_tls(f, f->key, err) != LNT_OK)
        fail_msg("TLS start: %s", err);
    lnt_buf_init(&body, 4096);
    snprintf(url, sizeof url, "https://127.0.0.1:%u/healthz", (unsigned)f->port);
    cc = get(url, f->ca, &status, &body);
    if (cc != CURLE_OK)
        fail_msg("%s: %s", url, curl_easy_strerror(cc));
    assert_int_equal(status, 200);
    assert_string_equal(body.data, "{\"tls\":true}");
    lnt_buf_reset(&body);

    /* The certificate names localhost too. */
    snprintf(url, sizeof url, "https://localhost:%u/healthz", (unsigned)f->port);
    cc = get(url, f->ca, &status, &body);
    assert_int_equal(cc, CURLE_OK);
    assert_int_equal(status, 200);
    lnt_buf_release(&body);
}

struct source {
    size_t left;
};

static size_t on_read(char *p, size_t size, size_t n, void *ctx)
{
    struct source *src = ctx;
    size_t k = size * n < src->left ? size * n : src->left;
    memset(p, ' ', k);
    src->left -= k;
    return k;
}

/* Over TLS, a chunked body three times its bound (4 KiB here) still gets its 413 problem. */
static void test_tls__chunked_body_over_limit_413(void **state)
{
    struct fixture *f = *state;
    struct source src = {3 * 4096};
    struct curl_slist *h = curl_slist_append(NULL, "Transfer-Encoding: chunked");
    char err[LNT_ERRBUF_SIZE] = "", url[128];
    struct lnt_buf body;
    long status = 0;
    CURL *c = curl_easy_init();
    CURLcode cc;

    assert_non_null(c);
    if (start_tls(f, f->key, err) != LNT_OK)
        fail_msg("TLS start: %s", err);
    lnt_buf_init(&body, 4096);
    snprintf(url, sizeof url, "https://127.0.0.1:%u/api/v1/events", (unsigned)f->port);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &src);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_CAINFO, f->ca);
    curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
    cc = curl_easy_perform(c);
    if (cc != CURLE_OK)
        fail_msg("%s: %s", url, curl_easy_strerror(cc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    assert_int_equal(status, 413);
    assert_non_null(body.data);
    assert_non_null(strstr(body.data, "\"status\":413"));
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    lnt_buf_release(&body);
}

static void test_tls__client_without_the_ca_refuses_the_server(void **state)
{
    struct fixture *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    char url[128];
    struct lnt_buf body;
    long status;

    assert_int_equal(start_tls(f, f->key, err), LNT_OK);
    lnt_buf_init(&body, 4096);
    snprintf(url, sizeof url, "https://127.0.0.1:%u/healthz", (unsigned)f->port);
    assert_int_equal(get(url, f->other_ca, &status, &body), CURLE_PEER_FAILED_VERIFICATION);
    assert_int_equal(status, 0);
    assert_int_equal(body.len, 0);
    lnt_buf_release(&body);
}

static void test_tls__plain_http_to_the_tls_port_fails(void **state)
{
    struct fixture *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";
    char url[128];
    struct lnt_buf body;
    long status;
    CURLcode cc;

    assert_int_equal(start_tls(f, f->key, err), LNT_OK);
    lnt_buf_init(&body, 4096);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/healthz", (unsigned)f->port);
    cc = get(url, NULL, &status, &body);
    assert_int_not_equal(cc, CURLE_OK);
    assert_int_not_equal(status, 200);
    assert_int_equal(body.len, 0);

    /* And the server still serves HTTPS afterwards. */
    snprintf(url, sizeof url, "https://127.0.0.1:%u/healthz", (unsigned)f->port);
    assert_int_equal(get(url, f->ca, &status, &body), CURLE_OK);
    assert_int_equal(status, 200);
    lnt_buf_release(&body);
}

static void test_tls__key_that_does_not_match_is_refused(void **state)
{
    struct fixture *f = *state;
    char err[LNT_ERRBUF_SIZE] = "";

    assert_int_not_equal(start_tls(f, f->other_key, err), LNT_OK);
    assert_null(f->http);
    assert_non_null(strstr(err, "certificate"));
}

static void test_tls__cert_without_key_is_refused(void **state)
{
    struct fixture *f = *state;
    struct lnt_http_config cfg;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&cfg, 0, sizeof cfg);
    cfg.handler = hello;
    cfg.tls_cert_pem = "-----BEGIN CERTIFICATE-----\n";
    assert_int_equal(lnt_http_start(&f->http, &cfg, err), LNT_ERR_INVALID);
    assert_null(f->http);
    assert_non_null(strstr(err, "private key"));
}

/* ---- lanternd ---- */

static char *make_db(const char *dir)
{
    struct lnt_store *s = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    char *path = lnt_test_path(dir, "lantern.db");

    assert_int_equal(lnt_crypto_init(), LNT_OK);
    assert_int_equal(lnt_store_open(&s, path, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_init(s, "WTN", err), LNT_OK);
    lnt_store_free(s);
    return path;
}

static void test_tls__lanternd_serves_https(void **state)
{
    struct fixture *f = *state;
    char *db = make_db(f->dir);
    char *port_file = lnt_test_path(f->dir, "port");
    char *log = lnt_test_path(f->dir, "lanternd.log");
    char bin[1024], url[128];
    const char *argv[] = {bin,     "--db",      db,     "--listen",    "127.0.0.1:0", "--tls-cert",
                          f->cert, "--tls-key", f->key, "--port-file", port_file,     NULL};
    struct lnt_buf body;
    char *text, *logtext;
    int64_t port;
    long status;
    pid_t pid;

    lnt_str_copy(bin, sizeof bin, lnt_test_bin("lanternd"));
    pid = lnt_proc_spawn(argv, log);
    assert_true(pid > 0);
    if (!lnt_test_wait_file(port_file, 20000)) {
        lnt_proc_stop(pid, SIGKILL);
        logtext = lnt_test_read_file(log);
        fail_msg("lanternd wrote no port file; its log:\n%s", logtext ? logtext : "");
    }
    text = lnt_test_read_file(port_file);
    text[strcspn(text, "\n")] = '\0';
    assert_int_equal(lnt_parse_i64(text, 1, 65535, &port), LNT_OK);
    free(text);

    lnt_buf_init(&body, 4096);
    snprintf(url, sizeof url, "https://127.0.0.1:%lld/healthz", (long long)port);
    assert_int_equal(get(url, f->ca, &status, &body), CURLE_OK);
    assert_int_equal(status, 200);
    assert_non_null(strstr(body.data, "\"ok\""));
    lnt_buf_reset(&body);
    snprintf(url, sizeof url, "http://127.0.0.1:%lld/healthz", (long long)port);
    assert_int_not_equal(get(url, NULL, &status, &body), CURLE_OK);
    lnt_buf_release(&body);

    lnt_proc_stop(pid, SIGTERM);
    logtext = lnt_test_read_file(log);
    assert_non_null(logtext);
    assert_non_null(strstr(logtext, "listening on https://127.0.0.1:"));
    free(logtext);
    free(log);
    free(port_file);
    free(db);
}

static void test_tls__lanternd_needs_both_cert_and_key(void **state)
{
    struct fixture *f = *state;
    char *db = make_db(f->dir);
    char *junk = lnt_test_path(f->dir, "junk.pem");
    char bin[1024];
    const char *argv[] = {bin,          "--db",  db,   "--listen", "127.0.0.1:0",
                          "--tls-cert", f->cert, NULL, NULL,       NULL};
    struct lnt_proc_result r;

    lnt_str_copy(bin, sizeof bin, lnt_test_bin("lanternd"));
    assert_int_equal(lnt_proc_run(argv, NULL, 20000, &r), 0);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--tls-key"));
    lnt_proc_result_release(&r);

    /* A key file that is not PEM is named. */
    write_file(junk, "not a key\n");
    argv[7] = "--tls-key";
    argv[8] = junk;
    assert_int_equal(lnt_proc_run(argv, NULL, 20000, &r), 0);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "not PEM"));
    lnt_proc_result_release(&r);
    free(junk);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tls__client_pinned_to_the_ca_gets_through, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tls__chunked_body_over_limit_413, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tls__client_without_the_ca_refuses_the_server, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tls__plain_http_to_the_tls_port_fails, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tls__key_that_does_not_match_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tls__cert_without_key_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tls__lanternd_serves_https, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tls__lanternd_needs_both_cert_and_key, setup,
                                        teardown),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
