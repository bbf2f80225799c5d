/* notify_fixture.c - see notify_fixture.h. */
#include "notify_fixture.h"

#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <sqlite3.h>

#include "codec.h"
#include "support.h"

#define PYTHON "/usr/bin/python3" /* Debian's, where python3-aiosmtpd is installed */

static void make_cert(struct nf *f)
{
    const char *argv[] = {"/usr/bin/openssl",
                          "req",
                          "-x509",
                          "-newkey",
                          "rsa:2048",
                          "-nodes",
                          "-keyout",
                          f->key,
                          "-out",
                          f->cert,
                          "-days",
                          "3650",
                          "-subj",
                          "/CN=127.0.0.1",
                          "-addext",
                          "subjectAltName=IP:127.0.0.1",
                          NULL};
    struct lnt_proc_result r;

    assert_int_equal(lnt_proc_run(argv, NULL, 60000, &r), 0);
    if (r.status != 0)
        fail_msg("openssl: %s", r.err);
    lnt_proc_result_release(&r);
}

int nf_setup(void **state)
{
    struct nf *f = calloc(1, sizeof *f);
    char err[LNT_ERRBUF_SIZE] = "";

    assert_non_null(f);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    f->dir = lnt_test_tmpdir();
    f->path = lnt_test_path(f->dir, "lantern.db");
    f->inbox = lnt_test_path(f->dir, "inbox");
    assert_int_equal(mkdir(f->inbox, 0700), 0);
    if (lnt_store_open(&f->s, f->path, err) != LNT_OK)
        fail_msg("open: %s", err);
    snprintf(f->cert, sizeof f->cert, "%s/cert.pem", f->dir);
    snprintf(f->key, sizeof f->key, "%s/key.pem", f->dir);
    make_cert(f);
    lnt_notify_config_default(&f->cfg);
    f->cfg.smtp_from = "lantern@wtn.example.org";
    f->cfg.public_url = "https://lantern.wtn.example.org";
    f->cfg.timeout_s = 20;
    *state = f;
    return 0;
}

int nf_teardown(void **state)
{
    struct nf *f = *state;

    if (f->sink > 0)
        lnt_proc_stop(f->sink, SIGTERM);
    lnt_store_free(f->s);
    if (getenv("LNT_KEEP_TMP") == NULL)
        lnt_test_rmrf(f->dir);
    free(f->dir);
    free(f->path);
    free(f->inbox);
    free(f);
    return 0;
}

void nf_reopen(struct nf *f)
{
    char err[LNT_ERRBUF_SIZE] = "";

    if (f->s != NULL)
        lnt_store_free(f->s);
    f->s = NULL;
    if (lnt_store_open(&f->s, f->path, err) != LNT_OK)
        fail_msg("reopen: %s", err);
}

/* Starts `script` with args, waits for its port file; returns the port. */
static unsigned start_sink(struct nf *f, const char *script, const char *const *args)
{
    char py[1024], port_file[1024], log[1024];
    const char *argv[12];
    size_t n = 0;
    char *text;
    int64_t port = 0;

    snprintf(py, sizeof py, "%s", lnt_test_src(script));
    snprintf(port_file, sizeof port_file, "%s/sink.port", f->dir);
    snprintf(log, sizeof log, "%s/sink.log", f->dir);
    argv[n++] = PYTHON;
    argv[n++] = py;
    argv[n++] = port_file;
    argv[n++] = f->inbox;
    for (size_t i = 0; args != NULL && args[i] != NULL; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    f->sink = lnt_proc_spawn(argv, log);
    assert_true(f->sink > 0);
    if (!lnt_test_wait_file(port_file, 30000)) {
        text = lnt_test_read_file(log);
        fail_msg("%s did not start: %s", script, text != NULL ? text : "");
    }
    text = lnt_test_read_file(port_file);
    assert_non_null(text);
    text[strcspn(text, "\r\n")] = '\0';
    assert_int_equal(lnt_parse_i64(text, 1, 65535, &port), LNT_OK);
    free(text);
    return (unsigned)port;
}

void nf_smtp_start(struct nf *f)
{
    const char *args[] = {f->cert, f->key, NULL};
    unsigned port = start_sink(f, "tests/support/smtp_sink.py", args);

    snprintf(f->url, sizeof f->url, "smtp://127.0.0.1:%u", port);
    f->cfg.smtp_url = f->url;
    f->cfg.smtp_ca_file = f->cert;
}

void nf_smtp_start_login(struct nf *f, const char *user, const char *password_file)
{
    const char *args[] = {f->cert, f->key, user, password_file, NULL};
    unsigned port = start_sink(f, "tests/support/smtp_sink.py", args);

    snprintf(f->url, sizeof f->url, "smtp://127.0.0.1:%u", port);
    f->cfg.smtp_url = f->url;
    f->cfg.smtp_ca_file = f->cert;
}

void nf_write_secret(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    assert_int_equal(chmod(path, 0600), 0);
    assert_true(fputs(text, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
}

void nf_webhook_start(struct nf *f)
{
    unsigned port = start_sink(f, "tests/support/webhook_sink.py", NULL);

    snprintf(f->url, sizeof f->url, "http://127.0.0.1:%u/hook", port);
}

int64_t nf_sql_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

void nf_sql_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    char *msg = NULL;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

/* Runs `sql` (with ?1..?n bound from texts, then integers) on its own connection. */
static int64_t sql_write(const char *path, const char *sql, const char *const *texts,
                         const int64_t *ints, size_t n_ints)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t id;
    int i = 1;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    for (; texts != NULL && texts[i - 1] != NULL; i++)
        sqlite3_bind_text(st, i, texts[i - 1], -1, SQLITE_STATIC);
    for (size_t k = 0; k < n_ints; k++, i++)
        sqlite3_bind_int64(st, i, ints[k]);
    if (sqlite3_step(st) != SQLITE_DONE)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    id = sqlite3_last_insert_rowid(db);
    sqlite3_close(db);
    return id;
}

int64_t nf_officer(const char *path, const char *email, const char *authority)
{
    const char *texts[] = {email, authority, NULL};
    const int64_t ints[] = {NF_T0};

    return sql_write(path,
                     "INSERT INTO officers (email, name, role, authority, pwhash, created_at) "
                     "VALUES (?1, 'Officer', 2, ?2, '-', ?3)",
                     texts, ints, 1);
}

int64_t nf_alert(const char *path, const char *dedup, const char *authority, const char *summary,
                 const char *link, int64_t raised_at, int64_t officer, bool by_email)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t id;

    /* one transaction: the alert and its inbox row together, as the raising side writes them */
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO alerts (kind, dedup, authority, venue_id, "
                                        "summary, link, raised_at) VALUES ('serious_report', ?1, "
                                        "?2, 7, ?3, ?4, ?5)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, dedup, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, authority, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, summary, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, link, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, raised_at);
    if (sqlite3_step(st) != SQLITE_DONE)
        fail_msg("alert: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    id = sqlite3_last_insert_rowid(db);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO alert_inbox (alert_id, officer_id, by_email) "
                                        "VALUES (?1, ?2, ?3)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, officer);
    sqlite3_bind_int(st, 3, by_email);
    if (sqlite3_step(st) != SQLITE_DONE)
        fail_msg("inbox: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    return id;
}

size_t nf_count(const struct nf *f, const char *prefix)
{
    DIR *d = opendir(f->inbox);
    struct dirent *e;
    size_t n = 0, len = strlen(prefix);

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, prefix, len) == 0 && strstr(e->d_name, ".tmp") == NULL)
            n++;
    closedir(d);
    return n;
}

char *nf_read(const struct nf *f, const char *name)
{
    char *path = lnt_test_path(f->inbox, name);
    char *text = lnt_test_read_file(path);

    if (text == NULL)
        fail_msg("no %s", path);
    free(path);
    return text;
}

char *nf_read_path(const char *path)
{
    char *text = lnt_test_read_file(path);

    if (text == NULL)
        fail_msg("no %s", path);
    return text;
}

void nf_switch(const struct nf *f, const char *name, bool on)
{
    char *path = lnt_test_path(f->inbox, name);
    FILE *fp;

    if (on) {
        fp = fopen(path, "w");
        assert_non_null(fp);
        fclose(fp);
    } else {
        unlink(path);
    }
    free(path);
}

struct lnt_notify_counts nf_run(struct nf *f, int64_t now)
{
    struct lnt_notify_counts c;
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_notify_run(f->s, &f->cfg, now, &c, err) != LNT_OK)
        fail_msg("notify run: %s", err);
    return c;
}
