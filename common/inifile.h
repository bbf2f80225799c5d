/* inifile.h - the one seam to inih: INI text read line by line, errors named file:line. */
#ifndef LNT_INIFILE_H
#define LNT_INIFILE_H

#include <stddef.h>

#include "err.h"

#define LNT_INI_LINE_MAX 199     /* bytes in one line, newline excluded */
#define LNT_INI_FILE_MAX 1048576 /* bytes in one INI file */

/*
 * Called for each `key = value` in `section` ("" before any section) at
 * `line`. Returns LNT_OK, or an error code with a message in `err` (no
 * file:line: the caller adds it). A value continued on indented lines comes
 * as further calls with the same key.
 */
typedef enum lnt_err (*lnt_ini_fn)(void *ctx, const char *section, const char *key,
                                   const char *value, int line, char *err);

/*
 * Reads `path`, calling `fn` for each entry, and stops reporting at the first
 * error: LNT_ERR_IO when the file cannot be read, LNT_ERR_INVALID for a line
 * that is not INI or is too long, or the code `fn` returned; the message
 * starts "path:line: ". Entries before the error have been passed to `fn`.
 */
enum lnt_err lnt_ini_parse(const char *path, lnt_ini_fn fn, void *ctx, char *err);

/*
 * As lnt_ini_parse, over `len` bytes of `text` already in memory (no
 * NUL needed) named `name` in messages. Never LNT_ERR_IO. Thread-safe as
 * far as `fn` is.
 */
enum lnt_err lnt_ini_parse_mem(const char *name, const char *text, size_t len, lnt_ini_fn fn,
                               void *ctx, char *err);

/*
 * Reads the whole of `path` into *text (NUL-terminated, *len bytes without
 * the NUL; the caller frees it). LNT_ERR_IO when it cannot be read,
 * LNT_ERR_TOO_LARGE over LNT_INI_FILE_MAX bytes, LNT_ERR_NOMEM; *text
 * is NULL on error.
 */
enum lnt_err lnt_ini_read(const char *path, char **text, size_t *len, char *err);

#endif
