/* opts.h - lanternd's settings: /etc/lantern/lanternd.conf (or --config FILE), then the
 * command line, which wins. */
#ifndef LNT_LANTERND_OPTS_H
#define LNT_LANTERND_OPTS_H

#include <stdbool.h>
#include <stdio.h>

#include "conf.h"
#include "notify.h"

#define LANTERND_CONF LNT_CONF_DIR "/lanternd.conf"
#define LANTERND_EXIT_USAGE 2

struct options {
    const char *db;
    const char *keys;
    const char *listen;
    const char *port_file;
    const char *tls_cert;
    const char *tls_key;
    const char *trusted_proxies;
    unsigned threads;
    bool insecure_http;
    int alert_interval;              /* seconds */
    int alert_silent_minutes;        /* 0 = the default */
    struct lnt_notify_config notify; /* how alerts leave (server/notify) */
    const char *smtp_password_file;
    int notify_interval_s;
    struct lnt_conf conf; /* owns the values read from the file, which the fields above borrow */
};

/*
 * Fills *o: the defaults, then the configuration file (`--config PATH`, else LANTERND_CONF if
 * it exists), then argv. Returns 0, or LANTERND_EXIT_USAGE with a one-line reason in `err`
 * ("FILE:LINE: option: ..." for a line of the file, "--option: ..." for the command line;
 * empty when getopt_long has already said what was wrong). --help and --version print and
 * exit(0). The strings in *o borrow argv and o->conf: call lnt_lanternd_opts_release after.
 * Uses getopt_long: not thread-safe.
 */
int lnt_lanternd_opts_parse(int argc, char **argv, struct options *o, char *err);

/* Frees what the file's settings hold. */
void lnt_lanternd_opts_release(struct options *o);

/* The --help text. */
void lnt_lanternd_usage(FILE *f);

#endif
