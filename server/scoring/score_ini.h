/* score_ini.h - the one seam to inih: INI files read line by line, errors named file:line. */
#ifndef LNT_SCORE_INI_H
#define LNT_SCORE_INI_H

#include "err.h"

#define LNT_SCORE_INI_LINE_MAX 199 /* bytes in one line, newline excluded */

/*
 * Called for each `key = value` in `section` ("" before any section) at
 * `line`. Returns LNT_OK, or an error code with a message in `err` (no
 * file:line: the caller adds it). A value continued on indented lines comes
 * as further calls with the same key.
 */
typedef enum lnt_err (*lnt_score_ini_fn)(void *ctx, const char *section, const char *key,
                                         const char *value, int line, char *err);

/*
 * Reads `path`, calling `fn` for each entry, and stops reporting at the first
 * error: LNT_ERR_IO when the file cannot be read, LNT_ERR_INVALID for a line
 * that is not INI or is too long, or the code `fn` returned; the message
 * starts "path:line: ". Entries before the error have been passed to `fn`.
 */
enum lnt_err lnt_score_ini_parse(const char *path, lnt_score_ini_fn fn, void *ctx, char *err);

#endif
