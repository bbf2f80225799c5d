/* sia_import.h - a CSV of SIA licence numbers and statuses: every row checked, the bad ones
 * named by line, the good ones recorded in one transaction. lanternctl and the dashboard share
 * it (`lanternctl sia import`, the admin page's import). */
#ifndef LNT_SIA_IMPORT_H
#define LNT_SIA_IMPORT_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "store.h"

#define LNT_SIA_IMPORT_BYTES_MAX (1 << 20) /* one file */
#define LNT_SIA_IMPORT_ROWS_MAX 4096       /* rows in one file */
#define LNT_SIA_IMPORT_PROBLEMS_MAX 64     /* bad rows described; the rest are only counted */

struct lnt_sia_import {
    struct lnt_sia_entry *rows; /* the good rows, in file order (owned) */
    size_t n_rows;
    size_t n_bad;            /* rows not imported */
    struct lnt_buf problems; /* "line 4: ...\n" for each of the first bad rows */
    size_t changed;          /* after lnt_sia_import_record: rows that changed something */
};

/*
 * Reads `len` bytes of CSV: one licence a line as number,status,from[,note]
 * (status valid, suspended or revoked, any case; from YYYY-MM-DD; spaces
 * inside the number are ignored; fields may be double-quoted as in RFC 4180).
 * Blank lines and a first line naming the columns ("number,...") are skipped.
 * A bad row (wrong field count, a number that is not 16 digits, an unknown
 * status, a bad date, a note over LNT_SIA_NOTE_MAX bytes or with control
 * characters, a number and date given twice) is counted and described by its
 * line number in out->problems, never fatal. Fills *out (release it, also
 * after an error). LNT_ERR_TOO_LARGE for a text over LNT_SIA_IMPORT_BYTES_MAX
 * or more than LNT_SIA_IMPORT_ROWS_MAX rows; LNT_ERR_NOMEM. Thread-safe.
 */
enum lnt_err lnt_sia_import_parse(const char *text, size_t len, struct lnt_sia_import *out,
                                  char *err);
/*
 * Records the good rows with lnt_store_sia_put (one transaction, idempotent,
 * each change audited by `actor`, NULL = the store's actor) and sets
 * imp->changed. Its errors.
 */
enum lnt_err lnt_sia_import_record(struct lnt_store *s, const char *actor,
                                   struct lnt_sia_import *imp, char *err);
void lnt_sia_import_release(struct lnt_sia_import *imp);

#endif
