/* ctl.h - what lanternctl's command files share: the run context, output records, option parsing.
 */
#ifndef LNT_CTL_H
#define LNT_CTL_H

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "store.h"

/* Exit codes: 0 done, 1 the command failed (bad value, missing record, I/O), 2 usage error. */
#define LNT_CTL_OK 0
#define LNT_CTL_FAIL 1
#define LNT_CTL_USAGE 2
/* Not an exit code: --help was given and the usage printed; main exits 0. */
#define LNT_CTL_HELP (-1)

#define LNT_CTL_MAX_OPTS 20

struct lnt_ctl {
    const char *db_path;
    const char *keys_path; /* --keys; NULL = the default beside the database */
    bool json;
    bool help;               /* --help */
    bool options_ended;      /* `--` came before the command: no more global options */
    const char *cmd_name;    /* "venue add", for messages */
    const char *cmd_usage;   /* the command's synopsis */
    struct lnt_store *store; /* opened by lnt_ctl_open */
};

/*
 * One output record. With --json: one compact JSON object on one line.
 * Otherwise `key: value` lines, or with `line` set (list items) one line of
 * key=value pairs, values quoted when they hold spaces or quotes.
 */
struct lnt_ctl_out {
    struct lnt_buf b;
    bool json;
    bool line;
    bool bad; /* an append failed: the record is not printed */
    int fields;
};

void lnt_ctl_out_begin(struct lnt_ctl_out *o, const struct lnt_ctl *c, bool line);
void lnt_ctl_out_str(struct lnt_ctl_out *o, const char *key, const char *val);
void lnt_ctl_out_int(struct lnt_ctl_out *o, const char *key, int64_t val);
void lnt_ctl_out_bool(struct lnt_ctl_out *o, const char *key, bool val);
/* RFC 3339 time; a date ("" / null for 0). */
void lnt_ctl_out_time(struct lnt_ctl_out *o, const char *key, int64_t t);
void lnt_ctl_out_date(struct lnt_ctl_out *o, const char *key, int32_t days);
/* `json` is already JSON (an object or array) for --json; `human` is shown otherwise. */
void lnt_ctl_out_raw(struct lnt_ctl_out *o, const char *key, const char *json, const char *human);
/* Writes the record to stdout and releases it. LNT_CTL_OK, or LNT_CTL_FAIL when output failed. */
int lnt_ctl_out_end(struct lnt_ctl_out *o);

/* Prints `prefix`, the message and a newline to stderr: every line below starts so. */
void lnt_ctl_vsay(const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Prints "lanternctl: <message>" to stderr and returns LNT_CTL_FAIL. */
int lnt_ctl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "lanternctl: <message>" then the command's usage to stderr and returns LNT_CTL_USAGE. */
int lnt_ctl_usage(const struct lnt_ctl *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prints "lanternctl: warning: <message>" to stderr. */
void lnt_ctl_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The global options --db, --keys, --json and --help (-h), ended by {0}. Their
 * `val`s are the characters 'd', 'k', 'j' and 'h', clear of any command's.
 */
extern const struct option lnt_ctl_global_opts[];
/*
 * Applies global option `val` (with its argument, or NULL) to `c`. NULL when
 * taken, else a one-line problem ("--db: the path must not be empty").
 */
const char *lnt_ctl_global(struct lnt_ctl *c, int val, const char *arg);

/*
 * Parses a subcommand's options. Each option's `val` is its index into
 * `vals` (at most LNT_CTL_MAX_OPTS), which receives the argument text ("" for
 * a flag given without one; NULL when the option is absent). The global
 * options are taken here too, in any order with the command's own, unless
 * `--` came before the command; `--` ends the options.
 * Unknown, repeated or argument-less options and stray arguments are usage
 * errors (message printed). Returns LNT_CTL_OK, LNT_CTL_USAGE, or
 * LNT_CTL_HELP after printing the command's usage for --help.
 */
int lnt_ctl_getopt(struct lnt_ctl *c, int argc, char **argv, const struct option *opts,
                   const char *vals[LNT_CTL_MAX_OPTS]);

/*
 * LNT_CTL_OK when options `first` to `last` (indexes into `opts` and `vals`,
 * as lnt_ctl_getopt filled them) were all given; else a usage error naming
 * the first one missing ("venue add: --name is required").
 */
int lnt_ctl_require(const struct lnt_ctl *c, const struct option *opts,
                    const char *const vals[LNT_CTL_MAX_OPTS], int first, int last);

/* Parse option values, printing a one-line error naming the option on failure (LNT_CTL_FAIL). */
int lnt_ctl_parse_id(const char *opt, const char *s, int64_t *out);
int lnt_ctl_parse_int(const char *opt, const char *s, int64_t min, int64_t max, int64_t *out);
int lnt_ctl_parse_date(const char *opt, const char *s, int32_t *out);

/*
 * Opens the store at c->db_path (creating its directory). With `scheme`
 * not NULL, also loads the scheme and refuses an uninitialised database.
 * Prints the error; returns LNT_CTL_OK or LNT_CTL_FAIL.
 */
int lnt_ctl_open(struct lnt_ctl *c, struct lnt_scheme *scheme);
/*
 * Records a read of personal or incident data in the audit log (actor: the
 * store's, "lanternctl (uid N)"): `action` ("staff.read", ...), `object` the
 * scope read ("venue 3", "all venues"), `detail` may be "". One row per
 * command, before anything is printed: when it fails the command prints its
 * error and nothing else. Needs lnt_ctl_open first. LNT_CTL_OK or LNT_CTL_FAIL.
 */
int lnt_ctl_audit_read(struct lnt_ctl *c, const char *action, const char *object,
                       const char *detail);
/*
 * As lnt_ctl_open(c, scheme), and fills scheme->key's secret half from the
 * key file, for commands that sign badges. Prints the error (which names the
 * key file); LNT_CTL_OK or LNT_CTL_FAIL. The caller wipes *scheme.
 */
int lnt_ctl_open_signing(struct lnt_ctl *c, struct lnt_scheme *scheme);

/* Writes `text` as a QR code PNG at `path` (8 px per module, quiet zone 4, at most version 12). */
int lnt_ctl_write_qr(const char *text, const char *path, int *version_out);

/* Opens the store and refuses an uninitialised database, like lnt_ctl_open(c, &scheme). */
int lnt_ctl_need_scheme(struct lnt_ctl *c);

/*
 * The commands. Each takes its subcommand's words as argv[0] and its options
 * after, prints its result, and returns an exit code (LNT_CTL_*).
 */
/* ctl_venue.c */
int lnt_ctl_venue_add(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_venue_edit(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_venue_list(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_venue_close(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_finding_add(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_finding_list(struct lnt_ctl *c, int argc, char **argv);
/* ctl_alert.c */
int lnt_ctl_alert_subscribe(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_alert_unsubscribe(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_alert_list(struct lnt_ctl *c, int argc, char **argv);
/* ctl_webhook.c: `alert webhook set|clear|list` */
int lnt_ctl_alert_webhook(struct lnt_ctl *c, int argc, char **argv);
/* ctl_place.c */
int lnt_ctl_place_add(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_place_list(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_place_remove(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_place_edit(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_place_record(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_place_correct(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_place_incidents(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_map_image(struct lnt_ctl *c, int argc, char **argv);
/* ctl_casework.c */
int lnt_ctl_casework_add(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_casework_edit(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_casework_close(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_casework_list(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_casework_show(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_casework_history(struct lnt_ctl *c, int argc, char **argv);
/* ctl_staff.c */
int lnt_ctl_staff_add(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_staff_edit(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_staff_list(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_staff_leave(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_training_add(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_training_list(struct lnt_ctl *c, int argc, char **argv);
/* ctl_door.c */
int lnt_ctl_training_require(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_training_unrequire(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_training_required(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_sia_set_status(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_sia_list(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_sia_clear(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_sia_import(struct lnt_ctl *c, int argc, char **argv);
/* ctl_kiosk.c */
int lnt_ctl_kiosk_add(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_kiosk_list(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_kiosk_revoke(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_key_show(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_key_rotate(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_key_rotate_sealing(struct lnt_ctl *c, int argc, char **argv);
/* ctl_officer.c */
int lnt_ctl_officer_add(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_officer_list(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_officer_disable(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_token_add(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_token_list(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_token_revoke(struct lnt_ctl *c, int argc, char **argv);
/* ctl_export.c: argv[0] of export is door-register, incidents, stock or volunteers */
int lnt_ctl_export(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_purge(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_backup(struct lnt_ctl *c, int argc, char **argv);
/* ctl_migrate.c: migrate --to postgresql://... */
int lnt_ctl_migrate(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_audit_list(struct lnt_ctl *c, int argc, char **argv);
/* ctl_badge.c */
int lnt_ctl_badge_list(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_badge_revoke(struct lnt_ctl *c, int argc, char **argv);

/* badge issue / badge verify (ctl_badge.c). */
int lnt_ctl_badge_issue(struct lnt_ctl *c, int argc, char **argv);
int lnt_ctl_badge_verify(struct lnt_ctl *c, int argc, char **argv);

/* badge sheet (ctl_sheet.c). */
int lnt_ctl_badge_sheet(struct lnt_ctl *c, int argc, char **argv);

#endif
