/* http_multipart.h - a bounded, strict multipart/form-data parser (RFC 7578, RFC 2046). */
#ifndef LNT_HTTP_MULTIPART_H
#define LNT_HTTP_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define LNT_MULTIPART_BOUNDARY_MAX 70  /* bytes of a boundary (RFC 2046) */
#define LNT_MULTIPART_PARTS_MAX 32     /* parts in one body */
#define LNT_MULTIPART_LINE_MAX 1024    /* bytes of one header line of a part, CRLF excluded */
#define LNT_MULTIPART_HEADERS_MAX 8    /* header lines of one part */
#define LNT_MULTIPART_NAME_MAX 64      /* bytes of a field's name */
#define LNT_MULTIPART_FILENAME_MAX 255 /* bytes of a file's name, its folders left out */
#define LNT_MULTIPART_TYPE_MAX 127     /* bytes of a part's Content-Type */

/* One part. The strings are the parser's own; `data` points into the body given. */
struct lnt_multipart_part {
    char name[LNT_MULTIPART_NAME_MAX + 1];
    bool is_file; /* the part carried a filename parameter (an empty one too) */
    /* the file's own name, without any folder a client sent ("C:\x\a.pdf" is "a.pdf"); "" for
     * a field or a file input left empty */
    char filename[LNT_MULTIPART_FILENAME_MAX + 1];
    char content_type[LNT_MULTIPART_TYPE_MAX + 1]; /* as sent, "" when none */
    const char *data; /* borrowed from the body: valid while the body is */
    size_t len;
};

struct lnt_multipart {
    size_t n;
    struct lnt_multipart_part part[LNT_MULTIPART_PARTS_MAX];
};

/* true when Content-Type value `content_type` (may be NULL) is multipart/form-data. */
bool lnt_multipart_is(const char *content_type);

/*
 * Splits `body` (len bytes, already bounded by the server's body limit) by the boundary of
 * `content_type` into out's parts, in order, without copying their bytes. Strict: a missing,
 * empty or overlong boundary (more than LNT_MULTIPART_BOUNDARY_MAX bytes), a body without its
 * first or closing delimiter, a delimiter line with anything after it, a part without
 * `Content-Disposition: form-data; name="..."`, a header line longer than
 * LNT_MULTIPART_LINE_MAX or more than LNT_MULTIPART_HEADERS_MAX of them, a folded header line,
 * a name, filename or type that does not fit or holds a control character, the same name
 * twice, or more than LNT_MULTIPART_PARTS_MAX parts: LNT_ERR_INVALID with one sentence naming
 * what was wrong, and out empty. A preamble before the first delimiter and an epilogue after
 * the closing one are ignored (RFC 2046). Thread-safe (touches only its arguments).
 */
enum lnt_err lnt_multipart_parse(const char *content_type, const char *body, size_t len,
                                 struct lnt_multipart *out, char *err);

/* The part named `name`, or NULL. */
const struct lnt_multipart_part *lnt_multipart_get(const struct lnt_multipart *m, const char *name);

#endif
