/* lanternd.c - the Lantern server: opens the store, serves the HTTP(S) API, purges old records
 * daily, stops on SIGINT/SIGTERM. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alerts.h"
#include "api.h"
#include "buf.h"
#include "codec.h"
#include "err.h"
#include "http.h"
#include "http_proxy.h"
#include "log.h"
#include "assets.h"
#include "notify.h"
#include "opts.h"
#include "score_api.h"
#include "score_cache.h"
#include "score_listen.h"
#include "ltime.h"
#include "routes.h"
#include "store.h"
#include "web.h"

#define HOST_MAX 256
#define PEM_MAX (256 * 1024) /* bytes of a certificate chain or key file */
#define PURGE_EVERY_S 86400
#define SCORE_CACHE_SLOTS 16384 /* venues whose scores lists reuse; more share slots */
#define SCORE_CACHE_TTL_S                                                                          \
    30 /* how old a cached score or league may be when nothing invalidated it */
/* Open files wanted: the seam's 1,024 connections, the database and its WAL, logs, with room. */
#define FILES_WANTED 4096
#define PASSWORD_MAX 1024 /* bytes of an SMTP password file */

/*
 * The SMTP password: the first line of `path` (at most PASSWORD_MAX bytes) into out.
 * false after logging why.
 */
static bool read_password(const char *path, char out[PASSWORD_MAX + 1])
{
    FILE *f = fopen(path, "rb");
    size_t n;

    out[0] = '\0';
    if (f == NULL) {
        lnt_error("--smtp-password-file %s: %s", path, strerror(errno));
        return false;
    }
    n = fread(out, 1, PASSWORD_MAX, f);
    fclose(f);
    out[n] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
    if (out[0] == '\0') {
        lnt_error("--smtp-password-file %s: the file is empty", path);
        return false;
    }
    return true;
}

/*
 * Reads a PEM file of at most PEM_MAX bytes into a new NUL-terminated string
 * (*out, the caller's to free). On error *out is NULL and `err` says why.
 */
static enum lnt_err read_pem(const char *path, const char *what, char **out, char *err)
{
    struct lnt_buf b;
    char chunk[4096];
    FILE *f = fopen(path, "rb");
    enum lnt_err rc = LNT_OK;
    size_t n;

    *out = NULL;
    lnt_buf_init(&b, PEM_MAX);
    if (f == NULL)
        return lnt_fail(err, LNT_ERR_IO, "%s %s: %s", what, path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        rc = lnt_buf_append(&b, chunk, n);
        if (rc != LNT_OK) {
            rc = lnt_fail(err, rc, "%s %s: over %d bytes: expected one PEM file", what, path,
                          PEM_MAX);
            goto out;
        }
    }
    if (ferror(f)) {
        rc = lnt_fail(err, LNT_ERR_IO, "%s %s: read failed", what, path);
        goto out;
    }
    if (b.data == NULL || strstr(b.data, "-----BEGIN ") == NULL) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "%s %s: not PEM (no -----BEGIN line)", what, path);
        goto out;
    }
    *out = lnt_buf_detach(&b, &n);
out:
    if (b.data != NULL) /* wipe: this may be a private key */
        memset(b.data, 0, b.len);
    lnt_buf_release(&b);
    fclose(f);
    return rc;
}

/* ---- the daily retention purge ---- */

struct purger {
    struct lnt_store *store;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
};

static void purge_once(struct lnt_store *store)
{
    struct lnt_retention policy;
    struct lnt_purge_counts c;
    char err[LNT_ERRBUF_SIZE] = "";

    lnt_retention_defaults(&policy);
    if (lnt_store_purge(store, lnt_time_now(), &policy, &c, err) != LNT_OK) {
        lnt_error("retention purge failed (will retry tomorrow): %s", err);
        return;
    }
    lnt_info("retention purge: %lld events, %lld register rows, %lld incident details, "
             "%lld incident parts, %lld incidents, %lld stock rows, %lld volunteer shifts, "
             "%lld flags, %lld audit rows, %lld sessions removed",
             (long long)(c.raw_events + c.conflicts), (long long)c.door_register,
             (long long)c.incident_details, (long long)c.incident_parts, (long long)c.incidents,
             (long long)c.stock_ledger, (long long)c.volunteer_shifts, (long long)c.flags,
             (long long)c.audit_log, (long long)(c.sessions + c.login_failures));
}

/* Purges at start-up and then every PURGE_EVERY_S until told to stop. */
static void *purger_main(void *arg)
{
    struct purger *p = arg;
    struct timespec deadline;

    pthread_mutex_lock(&p->lock);
    while (!p->stop) {
        pthread_mutex_unlock(&p->lock);
        purge_once(p->store);
        pthread_mutex_lock(&p->lock);
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += PURGE_EVERY_S;
        while (!p->stop && pthread_cond_timedwait(&p->wake, &p->lock, &deadline) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* Starts the purge thread; false (nothing started) when it cannot. */
static bool purger_start(struct purger *p, pthread_t *thread, struct lnt_store *store)
{
    pthread_condattr_t ca;

    p->store = store;
    p->stop = false;
    if (pthread_mutex_init(&p->lock, NULL) != 0)
        return false;
    if (pthread_condattr_init(&ca) != 0 || pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&p->wake, &ca) != 0) {
        pthread_mutex_destroy(&p->lock);
        return false;
    }
    pthread_condattr_destroy(&ca);
    if (pthread_create(thread, NULL, purger_main, p) != 0) {
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->lock);
        return false;
    }
    return true;
}

/* Wakes the purge thread, waits for it (an ongoing purge finishes first), frees what it used. */
static void purger_stop(struct purger *p, pthread_t thread)
{
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    pthread_join(thread, NULL);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
}

/* ---- alerts ---- */

/* The alert scanner and the scoring rules venue_red reads. */
struct alerting {
    struct lnt_score_rules rules;
    bool have_rules;
    struct lnt_alerts_runner *runner; /* NULL = not running */
};

/* Starts the scanner; without it (logged) officers get no new alerts. */
static void alerting_start(struct alerting *a, struct lnt_store *store, const struct options *o)
{
    struct lnt_alerts_config cfg = {.silent_minutes = o->alert_silent_minutes, .rules = NULL};
    char err[LNT_ERRBUF_SIZE] = "";

    memset(a, 0, sizeof *a);
    a->have_rules = lnt_score_load_rules(&a->rules, err) == LNT_OK;
    if (!a->have_rules)
        lnt_warn("alerts: no venue_red alerts without the scoring rules: %s", err);
    else
        cfg.rules = &a->rules;
    if (lnt_alerts_start(&a->runner, store, &cfg, o->alert_interval, err) != LNT_OK)
        lnt_error("alerts: %s: officers will not be alerted", err);
}

static void alerting_stop(struct alerting *a)
{
    lnt_alerts_stop(a->runner);
    a->runner = NULL;
    if (a->have_rules)
        lnt_score_rules_release(&a->rules);
    a->have_rules = false;
}

/* Writes "PORT\n" to `path` through a temporary file and rename, so readers never see half of it.
 */
static enum lnt_err write_port_file(const char *path, unsigned port, char *err)
{
    char tmp[PATH_MAX];
    char text[16];
    int fd = -1, len;
    enum lnt_err rc = LNT_OK;

    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= sizeof tmp)
        return lnt_fail(err, LNT_ERR_INVALID, "port file path is too long: %s", path);
    len = snprintf(text, sizeof text, "%u\n", port);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = lnt_fail(err, LNT_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
        goto out;
    }
    if (write(fd, text, (size_t)len) != len || fsync(fd) != 0) {
        rc = lnt_fail(err, LNT_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
        goto out_unlink;
    }
    if (close(fd) != 0) {
        fd = -1;
        rc = lnt_fail(err, LNT_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
        goto out_unlink;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        rc = lnt_fail(err, LNT_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        goto out_unlink;
    }
    goto out;
out_unlink:
    unlink(tmp);
out:
    if (fd >= 0)
        close(fd);
    return rc;
}

/*
 * Raises the soft limit on open files towards FILES_WANTED (never past the
 * hard limit): the usual soft limit of 1,024 would run out before the HTTP
 * seam's connection limit does. Says so when it cannot.
 */
static void raise_file_limit(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= FILES_WANTED)
        return;
    rl.rlim_cur = rl.rlim_max < FILES_WANTED ? rl.rlim_max : FILES_WANTED;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < FILES_WANTED)
        lnt_warn("open files are limited to %llu (wanted %d): under a connection flood, "
                 "accepting may fail; raise `ulimit -Hn` or LimitNOFILE=",
                 (unsigned long long)rl.rlim_cur, FILES_WANTED);
}

/*
 * Parses --listen into host and *port, refuses plain HTTP off loopback
 * unless allowed, and reads the TLS files (into *cert_pem and *key_pem, the
 * caller's to free; NULL without TLS). 0, or LANTERND_EXIT_USAGE after logging why.
 */
static int check_listen(const struct options *o, char host[HOST_MAX], uint16_t *port,
                        char **cert_pem, char **key_pem)
{
    char err[LNT_ERRBUF_SIZE] = "";

    *cert_pem = NULL;
    *key_pem = NULL;
    if (lnt_http_parse_listen(o->listen, host, HOST_MAX, port, err) != LNT_OK) {
        lnt_error("--listen: %s", err);
        return LANTERND_EXIT_USAGE;
    }
    if (o->tls_cert == NULL && !o->insecure_http && !lnt_http_host_is_loopback(host)) {
        lnt_error("refusing plain HTTP on %s, which is not a loopback address: give "
                  "--tls-cert and --tls-key, or serve through a TLS proxy and pass "
                  "--insecure-http",
                  host);
        return LANTERND_EXIT_USAGE;
    }
    if (o->tls_cert != NULL && (read_pem(o->tls_cert, "--tls-cert", cert_pem, err) != LNT_OK ||
                                read_pem(o->tls_key, "--tls-key", key_pem, err) != LNT_OK)) {
        lnt_error("%s", err);
        free(*cert_pem);
        *cert_pem = NULL;
        return LANTERND_EXIT_USAGE;
    }
    return 0;
}

/*
 * Opens the database with its keys and checks that it is initialised and
 * that its keys work: a server that could not open incident details or sign
 * badges is not started. false (logged, nothing open) otherwise.
 */
static bool open_store(const struct options *o, struct lnt_store **out)
{
    struct lnt_scheme scheme;
    char err[LNT_ERRBUF_SIZE] = "", db[LNT_ERRBUF_SIZE];
    enum lnt_err rc;

    *out = NULL;
    /* a postgresql:// URI may carry a password: never in a log line */
    lnt_notify_url_shown(o->db, db, sizeof db);
    if (!lnt_store_is_postgresql(o->db) && access(o->db, F_OK) != 0) {
        lnt_error("no database at %s: run `lanternctl init --scheme NAME` first", db);
        return false;
    }
    if (lnt_store_open_keys(out, o->db, o->keys, err) != LNT_OK) {
        lnt_error("cannot open %s: %s", db, err);
        return false;
    }
    rc = lnt_store_scheme_get(*out, &scheme, err);
    memset(&scheme, 0, sizeof scheme); /* only its existence matters here */
    if (rc == LNT_ERR_NOT_FOUND)
        lnt_error("database %s is not initialised: run `lanternctl init --scheme NAME` first", db);
    else if (rc != LNT_OK)
        lnt_error("cannot read the scheme from %s: %s", db, err);
    else if ((rc = lnt_store_keys_check(*out, err)) != LNT_OK)
        lnt_error("%s", err);
    if (rc != LNT_OK) {
        lnt_store_free(*out);
        *out = NULL;
        return false;
    }
    return true;
}

/*
 * Blocks SIGINT and SIGTERM before any thread starts, so every thread
 * inherits the mask and only sigwait sees them; ignores SIGPIPE.
 */
static bool block_stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, set, NULL) != 0) {
        lnt_error("cannot block signals");
        return false;
    }
    signal(SIGPIPE, SIG_IGN);
    return true;
}

/* What lanternd serves: the API, the dashboard, the score cache they share, the router over them.
 */
struct parts {
    struct lnt_api api;
    struct lnt_score_cache *score_cache; /* owned; NULL = scores computed afresh */
    struct lnt_score_listener *listener; /* owned; NULL = no other server to hear */
    struct lnt_web *web;                 /* owned; NULL = the dashboard is not served */
    struct lnt_routes routes;
};

/* Makes the parts over `store` and points cfg's handlers at the router. Never fails: a part
 * that cannot be made is left out, with a warning. */
static void parts_start(struct parts *p, struct lnt_store *store, const char *db,
                        struct lnt_http_config *cfg)
{
    char err[LNT_ERRBUF_SIZE] = "";

    lnt_api_init(&p->api, store);
    p->api.db_path = db;
    p->api.venue_score = lnt_api_score_venue_summary; /* listed venues carry band and award */
    /* the one cache of scores: the API's venue lists and the dashboard's leagues */
    p->score_cache = NULL;
    if (lnt_score_cache_new(&p->score_cache, SCORE_CACHE_SLOTS, SCORE_CACHE_TTL_S, err) != LNT_OK)
        lnt_warn("scores are computed afresh on every request: %s", err);
    p->api.score_cache = p->score_cache;
    /* several lanternd on one PostgreSQL database: each forgets what another changed; on
     * SQLite (LNT_ERR_UNSUPPORTED) there is one server and nothing to hear */
    p->listener = NULL;
    if (p->score_cache != NULL) {
        enum lnt_err rc = lnt_score_listener_start(&p->listener, p->score_cache, store, err);
        if (rc == LNT_OK)
            lnt_info("scores: cached scores follow the other servers' changes");
        else if (rc != LNT_ERR_UNSUPPORTED)
            lnt_warn("scores: not hearing the other servers' changes (cached scores expire "
                     "after %d s): %s",
                     SCORE_CACHE_TTL_S, err);
    }
    p->web = NULL;
    if (lnt_web_attach(&p->web, store, p->score_cache, err) != LNT_OK)
        lnt_warn("the dashboard is not served: %s", err);
    p->routes.api = &p->api;
    p->routes.web = p->web; /* the dashboard and the API on the same server */
    lnt_routes_http_config(&p->routes, cfg);
}

/* After the server has stopped. */
static void parts_stop(struct parts *p)
{
    lnt_web_detach(p->web);
    lnt_score_listener_stop(p->listener);
    lnt_score_cache_free(p->score_cache);
}

int main(int argc, char **argv)
{
    struct options opt;
    struct lnt_store *store = NULL;
    struct lnt_http *http = NULL;
    struct lnt_http_config cfg;
    struct parts parts;
    struct purger purger;
    struct alerting alerting;
    pthread_t purge_thread;
    struct lnt_notifier *notifier = NULL;
    char password[PASSWORD_MAX + 1] = "";
    bool purging = false, started = false, alerts_on = false;
    char *cert_pem = NULL, *key_pem = NULL;
    char host[HOST_MAX];
    char err[LNT_ERRBUF_SIZE] = "";
    uint16_t port = 0;
    sigset_t stop_signals;
    int sig = 0, status = 1, urc;
    enum lnt_err rc;

    lnt_log_init("lanternd", LNT_LOG_INFO);
    urc = lnt_lanternd_opts_parse(argc, argv, &opt, err);
    if (urc != 0 && err[0] != '\0')
        fprintf(stderr, "lanternd: %s\n", err);
    else if (urc != 0)
        lnt_lanternd_usage(stderr);
    if (urc == 0)
        urc = check_listen(&opt, host, &port, &cert_pem, &key_pem);
    if (urc != 0) {
        lnt_lanternd_opts_release(&opt);
        return urc;
    }
    if (lnt_crypto_init() != LNT_OK) {
        lnt_error("cannot initialise the crypto library");
        goto out;
    }
    if (opt.smtp_password_file != NULL && !read_password(opt.smtp_password_file, password))
        goto out;
    opt.notify.smtp_password = password;
    /* before the store: opening it starts its checkpoint thread, which must not take SIGTERM */
    if (!block_stop_signals(&stop_signals) || !open_store(&opt, &store))
        goto out;

    memset(&cfg, 0, sizeof cfg);
    cfg.host = host;
    cfg.port = port;
    cfg.threads = opt.threads;
    cfg.tls_cert_pem = cert_pem;
    cfg.tls_key_pem = key_pem;
    cfg.trusted_proxies = opt.trusted_proxies;
    parts_start(&parts, store, opt.db, &cfg);
    started = true;
    raise_file_limit();
    rc = lnt_http_start(&http, &cfg, err);
    if (key_pem != NULL)
        memset(key_pem, 0, strlen(key_pem)); /* the seam has its own copy now */
    if (rc != LNT_OK) {
        lnt_error("%s", err);
        goto out;
    }
    port = lnt_http_port(http);
    if (opt.port_file != NULL && write_port_file(opt.port_file, port, err) != LNT_OK) {
        lnt_error("--port-file: %s", err);
        goto out_http;
    }
    lnt_info("listening on %s://%s%s%s:%u", cert_pem != NULL ? "https" : "http",
             strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", (unsigned)port);
    purging = purger_start(&purger, &purge_thread, store);
    if (!purging)
        lnt_warn("cannot start the retention purge thread: old records will not be purged");
    alerting_start(&alerting, store, &opt);
    alerts_on = true;
    if (lnt_notifier_start(&notifier, store, &opt.notify, opt.notify_interval_s, err) != LNT_OK)
        lnt_error("alerts will not be emailed or posted: %s", err);
    else if (opt.notify.smtp_url == NULL)
        lnt_info("no --smtp-url: alert emails wait (and are retried) until one is given");

    if (sigwait(&stop_signals, &sig) != 0) {
        lnt_error("sigwait failed");
        goto out_http;
    }
    lnt_info("stopping on %s", sig == SIGINT ? "SIGINT" : "SIGTERM");
    status = 0;
out_http:
    if (alerts_on)
        alerting_stop(&alerting);
    lnt_notifier_stop(notifier);
    if (purging)
        purger_stop(&purger, purge_thread);
    lnt_http_stop(http);
out:
    if (started)
        parts_stop(&parts);
    lnt_store_free(store);
    free(key_pem);
    free(cert_pem);
    explicit_bzero(password, sizeof password);
    lnt_lanternd_opts_release(&opt);
    if (status == 0)
        lnt_info("stopped");
    return status;
}
