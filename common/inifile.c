/* inifile.c - the one seam to inih: INI text read line by line, errors named file:line. */
#include "inifile.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

struct ini_run {
    const char *text; /* borrowed: the whole INI text */
    size_t len;
    size_t pos; /* bytes handed to inih so far */
    const char *path;
    lnt_ini_fn fn;
    void *ctx;
    int line;        /* lines handed to inih so far */
    enum lnt_err rc; /* the first error */
    int rc_line;
    char msg[LNT_ERRBUF_SIZE];
};

static void run_fail(struct ini_run *r, enum lnt_err rc, const char *msg)
{
    if (r->rc != LNT_OK)
        return;
    r->rc = rc;
    r->rc_line = r->line;
    /* a message cut at LNT_ERRBUF_SIZE is still worth having */
    if (snprintf(r->msg, sizeof r->msg, "%s:%d: %s", r->path, r->line, msg) < 0)
        r->msg[0] = '\0';
}

/*
 * fgets over the text for inih: the next line with its newline, at most
 * num - 1 bytes. Counts lines and refuses one that does not fit rather than
 * splitting it.
 */
static char *read_line(char *str, int num, void *stream)
{
    struct ini_run *r = stream;
    size_t room, n = 0;

    if (r->rc != LNT_OK || num < 2 || r->pos >= r->len)
        return NULL;
    room = (size_t)num - 1;
    while (n < room && r->pos + n < r->len && r->text[r->pos + n] != '\n')
        n++;
    if (n < room && r->pos + n < r->len)
        n++; /* the newline */
    memcpy(str, r->text + r->pos, n);
    str[n] = '\0';
    r->pos += n;
    r->line++;
    if (str[n - 1] != '\n' && r->pos < r->len) {
        char msg[64];
        snprintf(msg, sizeof msg, "line longer than %d bytes", num - 2);
        run_fail(r, LNT_ERR_INVALID, msg);
        return NULL;
    }
    return str;
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
    struct ini_run *r = user;
    char msg[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc;

    if (r->rc != LNT_OK)
        return 0;
    rc = r->fn(r->ctx, section, name, value, r->line, msg);
    if (rc != LNT_OK) {
        run_fail(r, rc, msg[0] ? msg : lnt_strerror(rc));
        return 0;
    }
    return 1;
}

enum lnt_err lnt_ini_parse_mem(const char *name, const char *text, size_t len, lnt_ini_fn fn,
                               void *ctx, char *err)
{
    struct ini_run r = {.text = text, .len = len, .path = name, .fn = fn, .ctx = ctx, .rc = LNT_OK};
    int bad;

    if (text == NULL && len > 0)
        return lnt_fail(err, LNT_ERR_INVALID, "%s: no text", name);
    bad = ini_parse_stream(read_line, &r, on_entry, &r);
    /* inih reports a line it could not parse only at the end; the earliest error wins */
    if (bad > 0 && (r.rc == LNT_OK || bad < r.rc_line))
        return lnt_fail(err, LNT_ERR_INVALID, "%s:%d: expected [section] or key = value", name,
                        bad);
    if (r.rc != LNT_OK)
        return lnt_fail(err, r.rc, "%s", r.msg);
    if (bad != 0)
        return lnt_fail(err, LNT_ERR_INVALID, "%s: could not be read", name);
    return LNT_OK;
}

enum lnt_err lnt_ini_read(const char *path, char **text, size_t *len, char *err)
{
    enum lnt_err rc = LNT_OK;
    FILE *f;
    char *buf = NULL;
    size_t n = 0;

    *text = NULL;
    *len = 0;
    f = fopen(path, "r");
    if (f == NULL)
        return lnt_fail(err, LNT_ERR_IO, "%s: %s", path, strerror(errno));
    buf = malloc(LNT_INI_FILE_MAX + 2);
    if (buf == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "%s: out of memory", path);
        goto out;
    }
    n = fread(buf, 1, LNT_INI_FILE_MAX + 1, f);
    if (ferror(f)) {
        rc = lnt_fail(err, LNT_ERR_IO, "%s: read error", path);
        goto out;
    }
    if (n > LNT_INI_FILE_MAX) {
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "%s: larger than %d bytes", path, LNT_INI_FILE_MAX);
        goto out;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    buf = NULL; /* the caller's now */
out:
    free(buf);
    fclose(f);
    return rc;
}

enum lnt_err lnt_ini_parse(const char *path, lnt_ini_fn fn, void *ctx, char *err)
{
    char *text = NULL;
    size_t len = 0;
    enum lnt_err rc;

    rc = lnt_ini_read(path, &text, &len, err);
    if (rc == LNT_OK)
        rc = lnt_ini_parse_mem(path, text, len, fn, ctx, err);
    free(text);
    return rc;
}
