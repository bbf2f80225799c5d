/* conf.c - a program's configuration file, over the one seam to inih (inifile.c). */
#include "conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inifile.h"

/* What one read needs from the entry callback. */
struct conf_run {
    struct lnt_conf *c;
    const struct option *opts;
    const int *not_here;
};

static const struct option *find_option(const struct option *opts, const char *name, size_t len)
{
    for (; opts->name != NULL; opts++)
        if (strlen(opts->name) == len && strncmp(opts->name, name, len) == 0)
            return opts;
    return NULL;
}

static bool listed(const int *codes, int code)
{
    for (; codes != NULL && *codes != 0; codes++)
        if (*codes == code)
            return true;
    return false;
}

void lnt_conf_locate(int argc, char *const *argv, const struct option *opts,
                     const char *default_path, const char **path, bool *required)
{
    *path = default_path;
    *required = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *eq;
        const struct option *o;

        if (strcmp(a, "--") == 0)
            return;
        if (strncmp(a, "--", 2) != 0)
            continue;
        eq = strchr(a + 2, '=');
        o = find_option(opts, a + 2, eq != NULL ? (size_t)(eq - a - 2) : strlen(a + 2));
        if (o == NULL || o->has_arg != required_argument)
            continue;
        if (strcmp(o->name, "config") == 0) {
            if (eq != NULL) {
                *path = eq + 1;
                *required = true;
            } else if (i + 1 < argc) {
                *path = argv[i + 1];
                *required = true;
            }
        }
        if (eq == NULL)
            i++; /* the option's value, whatever it looks like */
    }
}

static enum lnt_err on_entry(void *ctx, const char *section, const char *key, const char *value,
                             int line, char *err)
{
    struct conf_run *r = ctx;
    struct lnt_conf *c = r->c;
    const struct option *o = find_option(r->opts, key, strlen(key));
    struct lnt_conf_entry *e;

    if (section[0] != '\0')
        return lnt_fail(err, LNT_ERR_INVALID,
                        "[%s]: expected `option = value` lines, without sections", section);
    if (o == NULL || listed(r->not_here, o->val))
        return lnt_fail(err, LNT_ERR_INVALID, "unknown option `%s`%s", key,
                        o == NULL ? "" : " (only on the command line)");
    if (o->has_arg == no_argument) {
        if (strcmp(value, "false") == 0)
            return LNT_OK;
        if (strcmp(value, "true") != 0)
            return lnt_fail(err, LNT_ERR_INVALID, "%s = `%.40s`: expected true or false", key,
                            value);
    } else if (value[0] == '\0') {
        return lnt_fail(err, LNT_ERR_INVALID, "%s: expected a value after `=`", key);
    }
    if (c->n == LNT_CONF_ENTRIES_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "over %d settings", LNT_CONF_ENTRIES_MAX);
    if (c->entries == NULL) {
        c->entries = calloc(LNT_CONF_ENTRIES_MAX, sizeof *c->entries);
        if (c->entries == NULL)
            return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    }
    e = &c->entries[c->n];
    e->value = strdup(value);
    if (e->value == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    e->code = o->val;
    e->line = line;
    e->name = o->name;
    c->n++;
    return LNT_OK;
}

enum lnt_err lnt_conf_read(struct lnt_conf *c, const char *path, bool required,
                           const struct option *opts, const int *not_here, char *err)
{
    struct conf_run r = {.c = c, .opts = opts, .not_here = not_here};

    lnt_conf_release(c);
    if (strlen(path) >= sizeof c->path)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "configuration file path too long: %.60s...", path);
    memcpy(c->path, path, strlen(path) + 1);
    if (!required && access(path, F_OK) != 0 && errno == ENOENT)
        return LNT_OK; /* no file: the defaults and the command line */
    return lnt_ini_parse(path, on_entry, &r, err);
}

const char *lnt_conf_where(const struct lnt_conf *c, size_t i, char buf[LNT_CONF_WHERE_MAX])
{
    if (snprintf(buf, LNT_CONF_WHERE_MAX, "%s:%d: %s", c->path, c->entries[i].line,
                 c->entries[i].name) < 0)
        buf[0] = '\0';
    return buf;
}

void lnt_conf_release(struct lnt_conf *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++)
        free(c->entries[i].value);
    free(c->entries);
    c->entries = NULL;
    c->n = 0;
}
