/* lanternd.c - the Lantern server: opens the store, serves the HTTP API, stops on SIGINT/SIGTERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "buf.h"
#include "codec.h"
#include "err.h"
#include "http.h"
#include "log.h"
#include "store.h"

#define EXIT_USAGE 2
#define HOST_MAX 256
#define THREADS_MAX 256

struct options {
    const char *db;
    const char *listen;
    const char *port_file;
    unsigned threads;
    bool insecure_http;
};

static void usage(FILE *f)
{
    fputs("usage: lanternd [--db PATH] [--listen HOST:PORT] [--port-file FILE] [--threads N]\n"
          "                [--insecure-http]\n"
          "  --db PATH          database (default var/lantern.db)\n"
          "  --listen HOST:PORT address to serve on (default 127.0.0.1:8080; port 0 = any free)\n"
          "  --port-file FILE   after listening, write the bound port number to FILE\n"
          "  --threads N        HTTP worker threads (default: number of CPUs)\n"
          "  --insecure-http    allow plain HTTP on a non-loopback address\n",
          f);
}

/* Returns 0 with *o filled, or EXIT_USAGE after printing why. */
static int parse_args(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},        {"listen", required_argument, NULL, 'l'},
        {"port-file", required_argument, NULL, 'p'}, {"threads", required_argument, NULL, 't'},
        {"insecure-http", no_argument, NULL, 'I'},   {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},         {NULL, 0, NULL, 0},
    };
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int64_t n;
    int c;

    o->db = "var/lantern.db";
    o->listen = "127.0.0.1:8080";
    o->port_file = NULL;
    o->threads = cpus < 1 ? 1 : cpus > THREADS_MAX ? THREADS_MAX : (unsigned)cpus;
    o->insecure_http = false;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'l':
            o->listen = optarg;
            break;
        case 'p':
            o->port_file = optarg;
            break;
        case 't':
            if (lnt_parse_i64(optarg, 1, THREADS_MAX, &n) != LNT_OK) {
                fprintf(stderr, "lanternd: --threads: expected a number from 1 to %d\n",
                        THREADS_MAX);
                return EXIT_USAGE;
            }
            o->threads = (unsigned)n;
            break;
        case 'I':
            o->insecure_http = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        case 'V':
            puts("lanternd " LNT_VERSION);
            exit(0);
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "lanternd: unexpected argument `%s`\n", argv[optind]);
        usage(stderr);
        return EXIT_USAGE;
    }
    return 0;
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

int main(int argc, char **argv)
{
    struct options opt;
    struct lnt_store *store = NULL;
    struct lnt_http *http = NULL;
    struct lnt_http_config cfg;
    struct lnt_scheme scheme;
    struct lnt_api api;
    char host[HOST_MAX];
    char err[LNT_ERRBUF_SIZE] = "";
    uint16_t port = 0;
    sigset_t stop_signals;
    int sig = 0, status = 1, urc;
    enum lnt_err rc;

    lnt_log_init("lanternd", LNT_LOG_INFO);
    urc = parse_args(argc, argv, &opt);
    if (urc != 0)
        return urc;
    if (lnt_http_parse_listen(opt.listen, host, sizeof host, &port, err) != LNT_OK) {
        lnt_error("--listen: %s", err);
        return EXIT_USAGE;
    }
    if (!opt.insecure_http && !lnt_http_host_is_loopback(host)) {
        lnt_error("refusing plain HTTP on %s, which is not a loopback address: TLS is not built "
                  "in yet; serve through a TLS proxy and pass --insecure-http",
                  host);
        return EXIT_USAGE;
    }
    if (lnt_crypto_init() != LNT_OK) {
        lnt_error("cannot initialise the crypto library");
        return 1;
    }
    if (access(opt.db, F_OK) != 0) {
        lnt_error("no database at %s: run `lanternctl init --scheme NAME` first", opt.db);
        return 1;
    }
    if (lnt_store_open(&store, opt.db, err) != LNT_OK) {
        lnt_error("cannot open %s: %s", opt.db, err);
        goto out;
    }
    rc = lnt_store_scheme_get(store, &scheme, err);
    memset(&scheme, 0, sizeof scheme); /* only its existence matters here */
    if (rc == LNT_ERR_NOT_FOUND) {
        lnt_error("database %s is not initialised: run `lanternctl init --scheme NAME` first",
                  opt.db);
        goto out_store;
    }
    if (rc != LNT_OK) {
        lnt_error("cannot read the scheme from %s: %s", opt.db, err);
        goto out_store;
    }

    /* Blocked before any thread starts, so every thread inherits the mask and only sigwait sees
     * them. */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &stop_signals, NULL) != 0) {
        lnt_error("cannot block signals");
        goto out_store;
    }
    signal(SIGPIPE, SIG_IGN);

    lnt_api_init(&api, store);
    memset(&cfg, 0, sizeof cfg);
    cfg.host = host;
    cfg.port = port;
    cfg.threads = opt.threads;
    lnt_api_http_config(&api, &cfg);
    if (lnt_http_start(&http, &cfg, err) != LNT_OK) {
        lnt_error("%s", err);
        goto out_store;
    }
    port = lnt_http_port(http);
    if (opt.port_file != NULL && write_port_file(opt.port_file, port, err) != LNT_OK) {
        lnt_error("--port-file: %s", err);
        goto out_http;
    }
    lnt_info("listening on http://%s%s%s:%u", strchr(host, ':') ? "[" : "", host,
             strchr(host, ':') ? "]" : "", (unsigned)port);

    if (sigwait(&stop_signals, &sig) != 0) {
        lnt_error("sigwait failed");
        goto out_http;
    }
    lnt_info("stopping on %s", sig == SIGINT ? "SIGINT" : "SIGTERM");
    status = 0;
out_http:
    lnt_http_stop(http);
out_store:
    lnt_store_free(store);
out:
    if (status == 0)
        lnt_info("stopped");
    return status;
}
