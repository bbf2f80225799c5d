/* ctl_out.c - lanternctl's plumbing: output records, error lines, option parsing, opening the
 * store. */
#include "ctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "ltime.h"
#include "night.h"
#include "qr.h"

#define OUT_MAX (1 << 20) /* one record; an event body is the largest thing printed */

static void put(struct lnt_ctl_out *o, const char *s)
{
    if (lnt_buf_puts(&o->b, s) != LNT_OK)
        o->bad = true;
}

void lnt_ctl_out_begin(struct lnt_ctl_out *o, const struct lnt_ctl *c, bool line)
{
    lnt_buf_init(&o->b, OUT_MAX);
    o->json = c->json;
    o->line = line;
    o->bad = false;
    o->fields = 0;
    if (o->json)
        put(o, "{");
}

/* Human text values: shown as they are, quoted in one-line records when they would be ambiguous. */
static void human_value(struct lnt_ctl_out *o, const char *s)
{
    if (!o->line || (s[0] != '\0' && strpbrk(s, " \t\"\\=") == NULL))
        put(o, s);
    else if (lnt_buf_put_json_str(&o->b, s) != LNT_OK)
        o->bad = true;
}

static void key(struct lnt_ctl_out *o, const char *k)
{
    if (o->json) {
        if (o->fields > 0)
            put(o, ",");
        if (lnt_buf_put_json_str(&o->b, k) != LNT_OK)
            o->bad = true;
        put(o, ":");
    } else {
        if (o->line && o->fields > 0)
            put(o, " ");
        put(o, k);
        put(o, o->line ? "=" : ": ");
    }
    o->fields++;
}

static void end_field(struct lnt_ctl_out *o)
{
    if (!o->json && !o->line)
        put(o, "\n");
}

void lnt_ctl_out_str(struct lnt_ctl_out *o, const char *k, const char *val)
{
    key(o, k);
    if (!o->json)
        human_value(o, val);
    else if (lnt_buf_put_json_str(&o->b, val) != LNT_OK)
        o->bad = true;
    end_field(o);
}

void lnt_ctl_out_int(struct lnt_ctl_out *o, const char *k, int64_t val)
{
    char num[24];

    snprintf(num, sizeof num, "%lld", (long long)val);
    key(o, k);
    put(o, num);
    end_field(o);
}

void lnt_ctl_out_bool(struct lnt_ctl_out *o, const char *k, bool val)
{
    key(o, k);
    put(o, val ? "true" : "false");
    end_field(o);
}

void lnt_ctl_out_time(struct lnt_ctl_out *o, const char *k, int64_t t)
{
    char s[LNT_LOCAL_TIME_STRLEN > LNT_TIME_STRLEN ? LNT_LOCAL_TIME_STRLEN : LNT_TIME_STRLEN];

    /* JSON for programs keeps RFC 3339 UTC; text for people reads as the pages do */
    if ((o->json ? lnt_time_format(t, s) : lnt_local_time_format(t, s)) != LNT_OK)
        (void)lnt_str_copy(s, sizeof s, "");
    lnt_ctl_out_str(o, k, s);
}

void lnt_ctl_out_date(struct lnt_ctl_out *o, const char *k, int32_t days)
{
    char s[LNT_LOCAL_DATE_STRLEN > LNT_DATE_STRLEN ? LNT_LOCAL_DATE_STRLEN : LNT_DATE_STRLEN] = "";

    if (days != 0 &&
        (o->json ? lnt_date_format(days, s) : lnt_local_date_format(days, s)) == LNT_OK) {
        lnt_ctl_out_str(o, k, s);
        return;
    }
    key(o, k);
    put(o, o->json ? "null" : o->line ? "-" : "none");
    end_field(o);
}

void lnt_ctl_out_raw(struct lnt_ctl_out *o, const char *k, const char *json, const char *human)
{
    key(o, k);
    if (o->json)
        put(o, json);
    else
        human_value(o, human);
    end_field(o);
}

int lnt_ctl_out_end(struct lnt_ctl_out *o)
{
    int rc = LNT_CTL_OK;

    if (o->json)
        put(o, "}\n");
    else if (o->line)
        put(o, "\n");
    /* a record that hit its bound is not printed at all: half a record would mislead */
    if (o->bad || o->b.data == NULL)
        rc = lnt_ctl_fail("output record too large or out of memory");
    else if (fwrite(o->b.data, 1, o->b.len, stdout) != o->b.len || fflush(stdout) != 0)
        rc = lnt_ctl_fail("writing to standard output: %s", strerror(errno));
    lnt_buf_release(&o->b);
    return rc;
}

void lnt_ctl_vsay(const char *prefix, const char *fmt, va_list ap)
{
    fputs(prefix, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int lnt_ctl_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    lnt_ctl_vsay("lanternctl: ", fmt, ap);
    va_end(ap);
    return LNT_CTL_FAIL;
}

void lnt_ctl_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    lnt_ctl_vsay("lanternctl: warning: ", fmt, ap);
    va_end(ap);
}

#define USAGE_GLOBALS "usage: lanternctl [--db PATH] [--keys PATH] [--json]"

int lnt_ctl_usage(const struct lnt_ctl *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    lnt_ctl_vsay("lanternctl: ", fmt, ap);
    va_end(ap);
    fprintf(stderr, USAGE_GLOBALS " %s\n", c->cmd_usage);
    return LNT_CTL_USAGE;
}

const struct option lnt_ctl_global_opts[] = {{"db", required_argument, NULL, 'd'},
                                             {"keys", required_argument, NULL, 'k'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {0}};
#define N_GLOBALS (sizeof lnt_ctl_global_opts / sizeof lnt_ctl_global_opts[0] - 1)

const char *lnt_ctl_global(struct lnt_ctl *c, int val, const char *arg)
{
    switch (val) {
    case 'd':
        if (arg[0] == '\0')
            return "--db: the path must not be empty";
        c->db_path = arg;
        return NULL;
    case 'k':
        if (arg[0] == '\0')
            return "--keys: the path must not be empty";
        c->keys_path = arg;
        return NULL;
    case 'j':
        c->json = true;
        return NULL;
    case 'h':
        c->help = true;
        return NULL;
    default:
        return "option table is wrong";
    }
}

/* The command's options followed by the global ones (unless `--` ended those), into `all`. */
static bool merge_options(const struct lnt_ctl *c, const struct option *opts,
                          struct option all[LNT_CTL_MAX_OPTS + N_GLOBALS + 1])
{
    size_t n = 0;

    for (; opts[n].name != NULL; n++) {
        if (n >= LNT_CTL_MAX_OPTS || opts[n].val < 0 || opts[n].val >= LNT_CTL_MAX_OPTS)
            return false;
        all[n] = opts[n];
    }
    for (size_t g = 0; g < N_GLOBALS && !c->options_ended; g++)
        all[n++] = lnt_ctl_global_opts[g];
    all[n] = (struct option){0};
    return true;
}

int lnt_ctl_getopt(struct lnt_ctl *c, int argc, char **argv, const struct option *opts,
                   const char *vals[LNT_CTL_MAX_OPTS])
{
    struct option all[LNT_CTL_MAX_OPTS + N_GLOBALS + 1];
    const char *bad;
    int ch;

    for (int i = 0; i < LNT_CTL_MAX_OPTS; i++)
        vals[i] = NULL;
    if (!merge_options(c, opts, all))
        return lnt_ctl_usage(c, "%s: option table is wrong", c->cmd_name);
    opterr = 0;
    optind = 0; /* glibc: start afresh for this argument vector */
    while ((ch = getopt_long(argc, argv, c->options_ended ? "+:" : "+:h", all, NULL)) != -1) {
        if (ch == '?')
            return lnt_ctl_usage(c, "%s: unknown option %s", c->cmd_name, argv[optind - 1]);
        if (ch == ':')
            return lnt_ctl_usage(c, "%s: option %s needs a value", c->cmd_name, argv[optind - 1]);
        if (ch >= LNT_CTL_MAX_OPTS) { /* a global option, given after the command */
            if ((bad = lnt_ctl_global(c, ch, optarg)) != NULL)
                return lnt_ctl_usage(c, "%s", bad);
            if (c->help) {
                printf(USAGE_GLOBALS " %s\n", c->cmd_usage);
                return LNT_CTL_HELP;
            }
            continue;
        }
        if (vals[ch] != NULL)
            return lnt_ctl_usage(c, "%s: option --%s given twice", c->cmd_name, opts[ch].name);
        vals[ch] = optarg != NULL ? optarg : ""; /* a flag without a value reads as "" */
    }
    if (optind < argc)
        return lnt_ctl_usage(c, "%s: unexpected argument '%s'", c->cmd_name, argv[optind]);
    return LNT_CTL_OK;
}

int lnt_ctl_require(const struct lnt_ctl *c, const struct option *opts,
                    const char *const vals[LNT_CTL_MAX_OPTS], int first, int last)
{
    for (int i = first; i <= last; i++)
        if (vals[i] == NULL)
            return lnt_ctl_usage(c, "%s: --%s is required", c->cmd_name, opts[i].name);
    return LNT_CTL_OK;
}

int lnt_ctl_parse_int(const char *opt, const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (lnt_parse_i64(s, min, max, out) != LNT_OK)
        return lnt_ctl_fail("--%s: expected a whole number from %lld to %lld, got '%s'", opt,
                            (long long)min, (long long)max, s);
    return LNT_CTL_OK;
}

int lnt_ctl_parse_id(const char *opt, const char *s, int64_t *out)
{
    if (lnt_parse_i64(s, 1, INT64_MAX, out) != LNT_OK)
        return lnt_ctl_fail("--%s: expected an id (a positive whole number), got '%s'", opt, s);
    return LNT_CTL_OK;
}

int lnt_ctl_parse_date(const char *opt, const char *s, int32_t *out)
{
    int32_t d;
    char back[LNT_DATE_STRLEN];

    /* the round trip refuses dates that do not exist, such as 2026-02-30 */
    if (lnt_date_parse(s, &d) != LNT_OK || lnt_date_format(d, back) != LNT_OK ||
        strcmp(back, s) != 0 || d <= 0)
        return lnt_ctl_fail("--%s: expected a date YYYY-MM-DD after 1970, got '%s'", opt, s);
    *out = d;
    return LNT_CTL_OK;
}

/* mkdir -p of the directory part of `path`. */
static int make_parent(const char *path)
{
    char dir[4096];
    char *slash;

    if (lnt_str_copy(dir, sizeof dir, path) != LNT_OK)
        return lnt_ctl_fail("--db: path is longer than %zu bytes", sizeof dir - 1);
    slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return LNT_CTL_OK;
    *slash = '\0';
    for (char *p = dir + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0750) != 0 && errno != EEXIST)
            return lnt_ctl_fail("creating directory %s: %s", dir, strerror(errno));
        *p = '/';
    }
    if (mkdir(dir, 0750) != 0 && errno != EEXIST)
        return lnt_ctl_fail("creating directory %s: %s", dir, strerror(errno));
    return LNT_CTL_OK;
}

int lnt_ctl_audit_read(struct lnt_ctl *c, const char *action, const char *object,
                       const char *detail)
{
    char err[LNT_ERRBUF_SIZE] = "";

    if (lnt_store_audit_append(c->store, NULL, action, object, detail, err) != LNT_OK)
        return lnt_ctl_fail("%s: the read could not be recorded in the audit log, so nothing "
                            "is shown: %s",
                            c->cmd_name != NULL ? c->cmd_name : action, err);
    return LNT_CTL_OK;
}

int lnt_ctl_open(struct lnt_ctl *c, struct lnt_scheme *scheme)
{
    char err[LNT_ERRBUF_SIZE] = "";
    char actor[64];
    enum lnt_err rc;

    if (c->store == NULL) {
        /* a SQLite file's directory is made; a PostgreSQL database is the server's */
        if (!lnt_store_is_postgresql(c->db_path) && make_parent(c->db_path) != LNT_CTL_OK)
            return LNT_CTL_FAIL;
        if (lnt_store_open_keys(&c->store, c->db_path, c->keys_path, err) != LNT_OK)
            return lnt_ctl_fail("%s", err);
        snprintf(actor, sizeof actor, "lanternctl (uid %lu)", (unsigned long)getuid());
        lnt_store_set_actor(c->store, actor);
    }
    if (scheme == NULL)
        return LNT_CTL_OK;
    rc = lnt_store_scheme_get(c->store, scheme, err);
    if (rc == LNT_ERR_NOT_FOUND)
        return lnt_ctl_fail(
            "database %s is not initialised: run 'lanternctl --db %s init --scheme NAME'",
            c->db_path, c->db_path);
    if (rc != LNT_OK)
        return lnt_ctl_fail("%s", err);
    return LNT_CTL_OK;
}

int lnt_ctl_open_signing(struct lnt_ctl *c, struct lnt_scheme *scheme)
{
    char err[LNT_ERRBUF_SIZE] = "";
    int rc = lnt_ctl_open(c, scheme);

    if (rc != LNT_CTL_OK)
        return rc;
    if (lnt_store_signing_key(c->store, &scheme->key, err) != LNT_OK)
        return lnt_ctl_fail("%s: cannot sign: %s", c->cmd_name != NULL ? c->cmd_name : "badge",
                            err);
    return LNT_CTL_OK;
}

int lnt_ctl_need_scheme(struct lnt_ctl *c)
{
    struct lnt_scheme sc;
    int rc = lnt_ctl_open(c, &sc);

    memset(&sc, 0, sizeof sc);
    return rc;
}

int lnt_ctl_write_qr(const char *text, const char *path, int *version_out)
{
    struct lnt_image img = {0};
    char err[LNT_ERRBUF_SIZE] = "";
    int rc = LNT_CTL_OK;

    if (lnt_qr_render(text, 12, 8, 4, &img, version_out, err) != LNT_OK) {
        rc = lnt_ctl_fail("drawing the QR code: %s", err);
        goto out;
    }
    if (lnt_image_write_png(path, &img, err) != LNT_OK)
        rc = lnt_ctl_fail("writing %s: %s", path, err);
out:
    lnt_image_release(&img);
    return rc;
}
