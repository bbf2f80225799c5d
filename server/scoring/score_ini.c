/* score_ini.c - the one seam to inih: INI files read line by line, errors named file:line. */
#include "score_ini.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"

struct ini_run {
    FILE *f;
    const char *path;
    lnt_score_ini_fn fn;
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
    snprintf(r->msg, sizeof r->msg, "%s:%d: %s", r->path, r->line, msg);
}

/* fgets for inih that counts lines and refuses one that does not fit rather than splitting it. */
static char *read_line(char *str, int num, void *stream)
{
    struct ini_run *r = stream;
    size_t len;

    if (r->rc != LNT_OK || num < 2 || fgets(str, num, r->f) == NULL)
        return NULL;
    r->line++;
    len = strlen(str);
    if (len > 0 && str[len - 1] != '\n' && !feof(r->f)) {
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

enum lnt_err lnt_score_ini_parse(const char *path, lnt_score_ini_fn fn, void *ctx, char *err)
{
    struct ini_run r = {.path = path, .fn = fn, .ctx = ctx, .rc = LNT_OK};
    int bad;

    r.f = fopen(path, "r");
    if (r.f == NULL)
        return lnt_fail(err, LNT_ERR_IO, "%s: %s", path, strerror(errno));
    bad = ini_parse_stream(read_line, &r, on_entry, &r);
    if (r.rc == LNT_OK && ferror(r.f)) {
        r.line++;
        run_fail(&r, LNT_ERR_IO, "read error");
    }
    fclose(r.f);
    /* inih reports a line it could not parse only at the end; the earliest error wins */
    if (bad > 0 && (r.rc == LNT_OK || bad < r.rc_line))
        return lnt_fail(err, LNT_ERR_INVALID, "%s:%d: expected [section] or key = value", path,
                        bad);
    if (r.rc != LNT_OK)
        return lnt_fail(err, r.rc, "%s", r.msg);
    if (bad != 0)
        return lnt_fail(err, LNT_ERR_INVALID, "%s: could not be read", path);
    return LNT_OK;
}
