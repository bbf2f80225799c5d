/* opts.c - lanternd's settings: defaults, then the configuration file, then the command line. */
#include "opts.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "buf.h"
#include "err.h"
#include "http_proxy.h"

#define THREADS_MAX 256
#define THREADS_PER_CPU 8
#define THREADS_MIN 8
#define ALERT_INTERVAL_DEFAULT 60 /* seconds between scans for alerts */
#define NOTIFY_INTERVAL_S 30      /* how often the alert queue is run, by default */
#define NOTIFY_INTERVAL_MAX 3600  /* ... at most */
#define NAME_MAX_LEN 48           /* "--" and the longest option name */

/* Long options without a one-letter code: the alert delivery settings. */
enum {
    OPT_SMTP_URL = 256,
    OPT_SMTP_FROM,
    OPT_SMTP_USER,
    OPT_SMTP_PASSWORD_FILE,
    OPT_SMTP_CA_FILE,
    OPT_PUBLIC_URL,
    OPT_NOTIFY_INTERVAL,
    OPT_DIGEST_AFTER,
    OPT_DIGEST_MINUTES,
};

void lnt_lanternd_usage(FILE *f)
{
    fputs("usage: lanternd [--config FILE] [--db PATH] [--keys PATH] [--listen HOST:PORT]\n"
          "                [--port-file FILE] [--threads N] [--tls-cert FILE --tls-key FILE]\n"
          "                [--insecure-http] [--trusted-proxy ADDR[,ADDR...]]\n"
          "                [--alert-interval S] [--alert-silent-minutes M]\n"
          "  --config FILE      read settings from FILE (default " LANTERND_CONF ", if it\n"
          "                     exists): `option = value` lines for the options below, flags\n"
          "                     `= true`; the command line wins\n"
          "  --db PATH          database (default var/lantern.db)\n"
          "  --keys PATH        the scheme's secret keys, readable by this user only\n"
          "                     (default keys/NAME.keys beside the database NAME.db)\n"
          "  --listen HOST:PORT address to serve on (default 127.0.0.1:8080; port 0 = any free)\n"
          "  --port-file FILE   after listening, write the bound port number to FILE\n"
          "  --threads N        HTTP worker threads (default: 8 per CPU, at least 8)\n"
          "  --tls-cert FILE    serve HTTPS with this PEM certificate (chain)\n"
          "  --tls-key FILE     ... and this PEM private key\n"
          "  --insecure-http    allow plain HTTP on a non-loopback address\n"
          "  --trusted-proxy A  reverse proxies in front (IP addresses, comma-separated):\n"
          "                     from them, believe X-Forwarded-For and X-Forwarded-Proto\n"
          "  --alert-interval S look for things to alert officers to every S seconds\n"
          "                     (default 60)\n"
          "  --alert-silent-minutes M  a trading venue's kiosk not heard from for M minutes\n"
          "                     raises kiosk_silent (default 30)\n"
          "alert delivery (docs/admin.md, \"Alerts by email and webhook\"):\n"
          "  --smtp-url URL     smtp://HOST:PORT (STARTTLS required) or smtps://HOST:PORT\n"
          "  --smtp-from ADDR   the From address of alert emails\n"
          "  --smtp-user USER   log in to the SMTP server as USER...\n"
          "  --smtp-password-file FILE  ...with the password in FILE\n"
          "  --smtp-ca-file FILE  trust these CA certificates (PEM) for the SMTP server\n"
          "  --public-url URL   the dashboard's address, put before each alert's link\n"
          "  --notify-interval S  run the alert queue every S seconds (default 30)\n"
          "  --alert-digest-after N  more than N emails to one officer in the window...\n"
          "  --alert-digest-minutes M  ...of M minutes are held and sent as one digest\n"
          "                     (defaults 5 and 15)\n",
          f);
}

static const struct option longopts[] = {
    {"config", required_argument, NULL, 'C'},
    {"db", required_argument, NULL, 'd'},
    {"listen", required_argument, NULL, 'l'},
    {"port-file", required_argument, NULL, 'p'},
    {"threads", required_argument, NULL, 't'},
    {"insecure-http", no_argument, NULL, 'I'},
    {"help", no_argument, NULL, 'h'},
    {"tls-cert", required_argument, NULL, 'c'},
    {"tls-key", required_argument, NULL, 'k'},
    {"version", no_argument, NULL, 'V'},
    {"trusted-proxy", required_argument, NULL, 'P'},
    {"keys", required_argument, NULL, 'K'},
    {"alert-interval", required_argument, NULL, 'A'},
    {"alert-silent-minutes", required_argument, NULL, 'S'},
    {"smtp-url", required_argument, NULL, OPT_SMTP_URL},
    {"smtp-from", required_argument, NULL, OPT_SMTP_FROM},
    {"smtp-user", required_argument, NULL, OPT_SMTP_USER},
    {"smtp-password-file", required_argument, NULL, OPT_SMTP_PASSWORD_FILE},
    {"smtp-ca-file", required_argument, NULL, OPT_SMTP_CA_FILE},
    {"public-url", required_argument, NULL, OPT_PUBLIC_URL},
    {"notify-interval", required_argument, NULL, OPT_NOTIFY_INTERVAL},
    {"alert-digest-after", required_argument, NULL, OPT_DIGEST_AFTER},
    {"alert-digest-minutes", required_argument, NULL, OPT_DIGEST_MINUTES},
    {NULL, 0, NULL, 0},
};

/* Options only the command line takes. */
static const int command_line_only[] = {'C', 'h', 'V', 0};

static void options_default(struct options *o)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    memset(o, 0, sizeof *o);
    o->db = "var/lantern.db";
    o->listen = "127.0.0.1:8080";
    o->alert_interval = ALERT_INTERVAL_DEFAULT;
    /*
     * A worker storing a batch waits for the disk (synchronous=FULL), and each
     * worker answers its connections one request at a time. With several
     * workers per CPU, batches arriving on other workers meanwhile queue and
     * are committed together, and a request rarely waits behind another on
     * the same worker (docs/benchmarks.md, "Server: ingest").
     */
    o->threads = cpus < 1                               ? THREADS_MIN
                 : cpus * THREADS_PER_CPU > THREADS_MAX ? THREADS_MAX
                 : cpus * THREADS_PER_CPU < THREADS_MIN ? THREADS_MIN
                                                        : (unsigned)(cpus * THREADS_PER_CPU);
    lnt_notify_config_default(&o->notify);
    o->notify_interval_s = NOTIFY_INTERVAL_S;
}

/* The alert delivery options: LNT_OK, LNT_ERR_INVALID with `err` naming `what`, or
 * LNT_ERR_NOT_FOUND for another option. */
static enum lnt_err set_notify_option(struct options *o, int c, const char *arg, const char *what,
                                      char *err)
{
    int64_t n;
    int max = c == OPT_NOTIFY_INTERVAL ? NOTIFY_INTERVAL_MAX : 1440;

    switch (c) {
    case OPT_SMTP_URL:
    case OPT_PUBLIC_URL:
        if (strncmp(arg, c == OPT_SMTP_URL ? "smtp://" : "http://", 7) != 0 &&
            strncmp(arg, c == OPT_SMTP_URL ? "smtps://" : "https://", 8) != 0)
            return lnt_fail(err, LNT_ERR_INVALID, "%s: expected %s", what,
                            c == OPT_SMTP_URL ? "smtp://HOST:PORT or smtps://HOST:PORT"
                                              : "an http:// or https:// address");
        if (c == OPT_SMTP_URL && lnt_notify_url_check(what, arg, err) != LNT_OK)
            return LNT_ERR_INVALID;
        *(c == OPT_SMTP_URL ? &o->notify.smtp_url : &o->notify.public_url) = arg;
        return LNT_OK;
    case OPT_SMTP_FROM:
        o->notify.smtp_from = arg;
        return LNT_OK;
    case OPT_SMTP_USER:
        o->notify.smtp_user = arg;
        return LNT_OK;
    case OPT_SMTP_PASSWORD_FILE:
        o->smtp_password_file = arg;
        return LNT_OK;
    case OPT_SMTP_CA_FILE:
        o->notify.smtp_ca_file = arg;
        return LNT_OK;
    case OPT_NOTIFY_INTERVAL:
    case OPT_DIGEST_AFTER:
    case OPT_DIGEST_MINUTES:
        if (lnt_parse_i64(arg, 1, max, &n) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "%s: expected a number from 1 to %d", what, max);
        if (c == OPT_NOTIFY_INTERVAL)
            o->notify_interval_s = (int)n;
        else if (c == OPT_DIGEST_AFTER)
            o->notify.policy.digest_after = (int)n;
        else
            o->notify.policy.window_s = n * 60;
        return LNT_OK;
    default:
        return LNT_ERR_NOT_FOUND;
    }
}

/* Applies option `c` (longopts' code) with `arg`: LNT_OK, or LNT_ERR_INVALID with `err` saying
 * why, naming the option as `what` ("--threads", or the file's line). */
static enum lnt_err set_option(struct options *o, int c, const char *arg, const char *what,
                               char *err)
{
    struct lnt_proxy_list check;
    char why[LNT_ERRBUF_SIZE] = "";
    int64_t n;
    enum lnt_err rc = set_notify_option(o, c, arg, what, err);

    if (rc != LNT_ERR_NOT_FOUND)
        return rc;
    switch (c) {
    case 'd':
        o->db = arg;
        return LNT_OK;
    case 'K':
        if (arg[0] == '\0')
            return lnt_fail(err, LNT_ERR_INVALID, "%s: the path must not be empty", what);
        o->keys = arg;
        return LNT_OK;
    case 'l':
        o->listen = arg;
        return LNT_OK;
    case 'p':
        o->port_file = arg;
        return LNT_OK;
    case 't':
        if (lnt_parse_i64(arg, 1, THREADS_MAX, &n) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "%s: expected a number from 1 to %d", what,
                            THREADS_MAX);
        o->threads = (unsigned)n;
        return LNT_OK;
    case 'I':
        o->insecure_http = true;
        return LNT_OK;
    case 'A':
        if (lnt_parse_i64(arg, 1, 86400, &n) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "%s: expected seconds from 1 to 86400", what);
        o->alert_interval = (int)n;
        return LNT_OK;
    case 'S':
        if (lnt_parse_i64(arg, 1, LNT_ALERTS_SILENT_MIN_MAX, &n) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "%s: expected minutes from 1 to %d", what,
                            LNT_ALERTS_SILENT_MIN_MAX);
        o->alert_silent_minutes = (int)n;
        return LNT_OK;
    case 'P':
        if (lnt_proxy_list_parse(arg, &check, why) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "%s: %s", what, why);
        o->trusted_proxies = arg;
        return LNT_OK;
    case 'c':
        o->tls_cert = arg;
        return LNT_OK;
    case 'k':
        o->tls_key = arg;
        return LNT_OK;
    case 'C':
        return LNT_OK; /* read before the rest */
    case 'h':
        lnt_lanternd_usage(stdout);
        exit(0);
    case 'V':
        puts("lanternd " LNT_VERSION);
        exit(0);
    default:
        return lnt_fail(err, LNT_ERR_INVALID, "see `lanternd --help`");
    }
}

/* "--NAME" of the option whose code is `c`. */
static const char *flag_name(int c, char buf[NAME_MAX_LEN])
{
    for (const struct option *o = longopts; o->name != NULL; o++)
        if (o->val == c) {
            snprintf(buf, NAME_MAX_LEN, "--%s", o->name);
            return buf;
        }
    return "option";
}

/* The settings the configuration file holds, applied to *o. */
static int apply_file(int argc, char **argv, struct options *o, char *err)
{
    char where[LNT_CONF_WHERE_MAX];
    const char *path;
    bool required;

    lnt_conf_locate(argc, argv, longopts, LANTERND_CONF, &path, &required);
    if (lnt_conf_read(&o->conf, path, required, longopts, command_line_only, err) != LNT_OK)
        return LANTERND_EXIT_USAGE;
    for (size_t i = 0; i < o->conf.n; i++) {
        const struct lnt_conf_entry *e = &o->conf.entries[i];
        if (set_option(o, e->code, e->value, lnt_conf_where(&o->conf, i, where), err) != LNT_OK)
            return LANTERND_EXIT_USAGE;
    }
    return 0;
}

/* The two halves of a pair given alone: 0, or LANTERND_EXIT_USAGE with `err` saying which. */
static int check_pairs(const struct options *o, char *err)
{
    if ((o->tls_cert == NULL) != (o->tls_key == NULL)) {
        lnt_fail(err, LNT_ERR_INVALID, "%s needs %s too",
                 o->tls_cert != NULL ? "--tls-cert" : "--tls-key",
                 o->tls_cert != NULL ? "--tls-key" : "--tls-cert");
        return LANTERND_EXIT_USAGE;
    }
    if ((o->notify.smtp_user == NULL) != (o->smtp_password_file == NULL)) {
        lnt_fail(err, LNT_ERR_INVALID, "%s needs %s too",
                 o->notify.smtp_user != NULL ? "--smtp-user" : "--smtp-password-file",
                 o->notify.smtp_user != NULL ? "--smtp-password-file" : "--smtp-user");
        return LANTERND_EXIT_USAGE;
    }
    if (o->notify.smtp_url != NULL && o->notify.smtp_from == NULL) {
        lnt_fail(err, LNT_ERR_INVALID, "--smtp-url needs --smtp-from too");
        return LANTERND_EXIT_USAGE;
    }
    return 0;
}

int lnt_lanternd_opts_parse(int argc, char **argv, struct options *o, char *err)
{
    char name[NAME_MAX_LEN];
    int c;

    err[0] = '\0';
    options_default(o);
    if (apply_file(argc, argv, o, err) != 0)
        return LANTERND_EXIT_USAGE;
    optind = 0; /* glibc: start afresh, as a caller may parse more than once */
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == '?' || c == ':') {
            err[0] = '\0'; /* getopt_long has said what */
            return LANTERND_EXIT_USAGE;
        }
        if (set_option(o, c, optarg, flag_name(c, name), err) != LNT_OK)
            return LANTERND_EXIT_USAGE;
    }
    if (optind < argc) {
        lnt_fail(err, LNT_ERR_INVALID, "unexpected argument `%s` (see --help)", argv[optind]);
        return LANTERND_EXIT_USAGE;
    }
    return check_pairs(o, err);
}

void lnt_lanternd_opts_release(struct options *o)
{
    lnt_conf_release(&o->conf);
}
