/* conf.h - a program's configuration file: `option = value` lines for its long options. */
#ifndef LNT_CONF_H
#define LNT_CONF_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define LNT_CONF_DIR "/etc/lantern" /* where each program's default file is */
#define LNT_CONF_ENTRIES_MAX 256    /* settings in one file */
#define LNT_CONF_WHERE_MAX 640      /* bytes of "FILE:LINE: option" with its NUL */

/* One setting read from the file: the option's code (its getopt `val`), a copy of the value
 * ("true" for a flag set to true; a flag set to false is not an entry) and where it was. */
struct lnt_conf_entry {
    int code;
    int line;
    const char *name; /* borrowed from the option table */
    char *value;      /* owned */
};

/* The settings of one file, in file order (a later line for the same option wins, as on a
 * command line). Owned by the caller, zeroed ({0}) before its first read; lnt_conf_release
 * frees the values. */
struct lnt_conf {
    char path[512];
    struct lnt_conf_entry *entries; /* owned */
    size_t n;
};

/*
 * Which file a program reads: `--config PATH` (or --config=PATH) in argv, told apart from an
 * option's value with `opts` (the program's getopt_long table, which must list "config"),
 * else `default_path`. *required is true when the command line named it. Scanning stops
 * at "--". Never fails; a --config without a value is left for getopt_long to refuse.
 */
void lnt_conf_locate(int argc, char *const *argv, const struct option *opts,
                     const char *default_path, const char **path, bool *required);

/*
 * Reads `path` into *c (which it first empties): each line `option = value` for an entry of
 * `opts` other than those whose codes are in `not_here` (a list ended by 0: --config,
 * --help, ...). A file that does not exist is no settings unless `required`.
 * LNT_ERR_IO (a required file missing, or unreadable), LNT_ERR_INVALID (an unknown option,
 * a section, a flag not true or false, an option without its value, a line that is not
 * INI), LNT_ERR_TOO_LARGE (over LNT_CONF_ENTRIES_MAX settings or the seam's bounds),
 * LNT_ERR_NOMEM; `err` then starts "FILE:LINE: " where there is a line to name. Checking
 * each value is the program's: it applies the entries with lnt_conf_where naming them.
 * Not thread-safe on one *c.
 */
enum lnt_err lnt_conf_read(struct lnt_conf *c, const char *path, bool required,
                           const struct option *opts, const int *not_here, char *err);

/* "FILE:LINE: NAME" for entry i, for messages about its value. Returns `buf`. */
const char *lnt_conf_where(const struct lnt_conf *c, size_t i, char buf[LNT_CONF_WHERE_MAX]);

/* Frees what *c owns and leaves it empty. NULL-safe. */
void lnt_conf_release(struct lnt_conf *c);

#endif
