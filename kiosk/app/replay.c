/* replay.c - scripted input for lantern-kiosk --replay: scan, tap, press, release, type, wait,
 * shot, button. */
#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static const struct {
    const char *name;
    enum lnt_replay_op op;
} commands[] = {
    {"scan", LNT_REPLAY_SCAN},       {"tap", LNT_REPLAY_TAP},       {"type", LNT_REPLAY_TYPE},
    {"wait", LNT_REPLAY_WAIT},       {"shot", LNT_REPLAY_SHOT},     {"press", LNT_REPLAY_PRESS},
    {"release", LNT_REPLAY_RELEASE}, {"button", LNT_REPLAY_BUTTON},
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

enum lnt_err lnt_replay_parse_line(const char *line, struct lnt_replay_step *out, char *err)
{
    char word[16];
    size_t n = 0, len;
    const char *arg;

    memset(out, 0, sizeof *out);
    while (is_space(*line))
        line++;
    if (*line == '\0' || *line == '#')
        return LNT_ERR_NOT_FOUND;
    while (line[n] != '\0' && !is_space(line[n]) && n + 1 < sizeof word) {
        word[n] = line[n];
        n++;
    }
    word[n] = '\0';
    arg = line + n;
    if (*arg != '\0' && !is_space(*arg))
        return lnt_fail(err, LNT_ERR_INVALID, "unknown command `%.20s`", line);
    while (is_space(*arg))
        arg++;
    len = strlen(arg);
    while (len > 0 && is_space(arg[len - 1]))
        len--;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(word, commands[i].name) == 0)
            out->op = commands[i].op;
    if (out->op == 0)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "unknown command `%s` (expected scan, tap, press, release, type, wait, "
                        "shot or button)",
                        word);
    if (len == 0 && (out->op == LNT_REPLAY_PRESS || out->op == LNT_REPLAY_RELEASE))
        return LNT_OK; /* where the finger last was */
    if (len == 0)
        return lnt_fail(err, LNT_ERR_INVALID, "%s: needs an argument", word);
    if (len >= sizeof out->arg)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "%s: argument longer than %zu bytes", word,
                        sizeof out->arg - 1);
    memcpy(out->arg, arg, len);
    out->arg[len] = '\0';
    if (out->op == LNT_REPLAY_WAIT &&
        lnt_parse_i64(out->arg, 0, LNT_REPLAY_WAIT_MAX, &out->ms) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "wait `%.20s`: expected milliseconds, 0 to %d",
                        out->arg, LNT_REPLAY_WAIT_MAX);
    if (out->op == LNT_REPLAY_BUTTON && strcmp(out->arg, "down") != 0 &&
        strcmp(out->arg, "up") != 0)
        return lnt_fail(err, LNT_ERR_INVALID, "button `%.20s`: expected down or up", out->arg);
    if (out->op == LNT_REPLAY_SHOT && (len < 5 || strcmp(out->arg + len - 4, ".png") != 0))
        return lnt_fail(err, LNT_ERR_INVALID, "shot `%.40s`: expected a FILE.png", out->arg);
    return LNT_OK;
}

/* Makes `arg` relative to the script's directory, unless it is absolute. */
static enum lnt_err resolve(const char *script, struct lnt_replay_step *st)
{
    char joined[LNT_REPLAY_LINE_MAX];
    const char *slash = strrchr(script, '/');
    int n;

    if (st->arg[0] == '/' || slash == NULL)
        return LNT_OK;
    n = snprintf(joined, sizeof joined, "%.*s/%s", (int)(slash - script), script, st->arg);
    if (n < 0 || (size_t)n >= sizeof joined)
        return LNT_ERR_TOO_LARGE;
    memcpy(st->arg, joined, (size_t)n + 1);
    return LNT_OK;
}

enum lnt_err lnt_replay_load(const char *path, struct lnt_replay *out, char *err)
{
    char line[LNT_REPLAY_LINE_MAX + 2], why[LNT_ERRBUF_SIZE];
    FILE *f = NULL;
    enum lnt_err rc = LNT_OK;
    int lineno = 0;

    memset(out, 0, sizeof *out);
    if (lnt_str_copy(out->path, sizeof out->path, path) != LNT_OK)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "replay script path too long");
    f = fopen(path, "r");
    if (f == NULL)
        return lnt_fail(err, LNT_ERR_IO, "%s: %s", path, strerror(errno));
    out->steps = calloc(64, sizeof *out->steps);
    if (out->steps == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t cap = 64; fgets(line, sizeof line, f) != NULL;) {
        struct lnt_replay_step st;
        size_t len = strlen(line);

        lineno++;
        if (len > 0 && line[len - 1] != '\n' && !feof(f)) {
            rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "%s:%d: line longer than %d bytes", path, lineno,
                          LNT_REPLAY_LINE_MAX);
            goto out;
        }
        rc = lnt_replay_parse_line(line, &st, why);
        if (rc == LNT_ERR_NOT_FOUND) {
            rc = LNT_OK;
            continue;
        }
        if (rc != LNT_OK) {
            lnt_fail(err, rc, "%s:%d: %s", path, lineno, why);
            goto out;
        }
        st.line = lineno;
        if ((st.op == LNT_REPLAY_SCAN || st.op == LNT_REPLAY_SHOT) &&
            resolve(path, &st) != LNT_OK) {
            rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "%s:%d: path too long", path, lineno);
            goto out;
        }
        if (out->n == LNT_REPLAY_STEPS_MAX) {
            rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "%s: more than %d steps", path,
                          LNT_REPLAY_STEPS_MAX);
            goto out;
        }
        if (out->n == cap) {
            struct lnt_replay_step *p = realloc(out->steps, cap * 2 * sizeof *p);
            if (p == NULL) {
                rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
                goto out;
            }
            out->steps = p;
            cap *= 2;
        }
        out->steps[out->n++] = st;
    }
    if (ferror(f))
        rc = lnt_fail(err, LNT_ERR_IO, "%s: read error", path);

out:
    fclose(f);
    if (rc != LNT_OK)
        lnt_replay_release(out);
    return rc;
}

void lnt_replay_release(struct lnt_replay *r)
{
    free(r->steps);
    r->steps = NULL;
    r->n = 0;
}
