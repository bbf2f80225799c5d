/* test_lanternctl_run.c - running lanternctl as a real process in the CLI suites. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "codec.h"
#include "ltime.h"
#include "night.h"
#include "support.h"
#include "test_lanternctl_run.h"

#define MAX_ARGS 40

int ctl_setup(void **state)
{
    struct ctl_fix *f = calloc(1, sizeof *f);

    assert_non_null(f);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    f->dir = lnt_test_tmpdir();
    assert_non_null(f->dir);
    f->db = lnt_test_path(f->dir, "var/lantern.db");
    assert_int_equal(lnt_str_copy(f->bin, sizeof f->bin, lnt_test_bin("lanternctl")), LNT_OK);
    *state = f;
    return 0;
}

int ctl_teardown(void **state)
{
    struct ctl_fix *f = *state;

    lnt_test_rmrf(f->dir);
    free(f->db);
    free(f->dir);
    free(f);
    return 0;
}

char *ctl_path(struct ctl_fix *f, const char *name)
{
    char *p = lnt_test_path(f->dir, name);
    assert_non_null(p);
    return p;
}

void ctl_run_release(struct ctl_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

static void vexec(struct ctl_fix *f, bool json, const char *input, struct ctl_run *r,
                  const char *first, va_list ap)
{
    const char *argv[MAX_ARGS];
    struct lnt_proc_result pr;
    size_t n = 0;

    argv[n++] = f->bin;
    argv[n++] = "--db";
    argv[n++] = f->db;
    if (json)
        argv[n++] = "--json";
    for (const char *a = first; a != NULL; a = va_arg(ap, const char *)) {
        assert_true(n < MAX_ARGS - 1);
        argv[n++] = a;
    }
    argv[n] = NULL;
    assert_int_equal(lnt_proc_run(argv, input, CTL_TIMEOUT_MS, &pr), 0);
    assert_false(pr.timed_out);
    r->status = pr.status;
    r->out = pr.out;
    r->err = pr.err;
}

void ctl_exec(struct ctl_fix *f, bool json, const char *input, struct ctl_run *r, const char *first,
              ...)
{
    va_list ap;
    va_start(ap, first);
    vexec(f, json, input, r, first, ap);
    va_end(ap);
}

static json_t *one_object(struct ctl_run *r, const char *first)
{
    json_error_t je;
    json_t *obj;

    if (r->status != 0)
        fail_msg("%s: exit %d: %s", first, r->status, r->err);
    obj = json_loads(r->out, 0, &je);
    if (obj == NULL || !json_is_object(obj))
        fail_msg("%s: stdout is not one JSON object: %s (%s)", first, r->out, je.text);
    ctl_run_release(r);
    return obj;
}

json_t *ctl_json(struct ctl_fix *f, const char *first, ...)
{
    struct ctl_run r;
    va_list ap;

    va_start(ap, first);
    vexec(f, true, NULL, &r, first, ap);
    va_end(ap);
    return one_object(&r, first);
}

json_t *ctl_json_in(struct ctl_fix *f, const char *input, const char *first, ...)
{
    struct ctl_run r;
    va_list ap;

    va_start(ap, first);
    vexec(f, true, input, &r, first, ap);
    va_end(ap);
    return one_object(&r, first);
}

json_t *ctl_json_lines(struct ctl_fix *f, const char *first, ...)
{
    struct ctl_run r;
    json_t *arr = json_array();
    va_list ap;
    char *line, *nl;

    va_start(ap, first);
    vexec(f, true, NULL, &r, first, ap);
    va_end(ap);
    if (r.status != 0)
        fail_msg("%s: exit %d: %s", first, r.status, r.err);
    for (line = r.out; *line != '\0'; line = nl + 1) {
        json_error_t je;
        json_t *o;
        nl = strchr(line, '\n');
        if (nl == NULL)
            fail_msg("%s: last line not terminated: %s", first, line);
        *nl = '\0';
        o = json_loads(line, 0, &je);
        if (o == NULL || !json_is_object(o))
            fail_msg("%s: a line is not a JSON object: %s", first, line);
        json_array_append_new(arr, o);
    }
    ctl_run_release(&r);
    return arr;
}

static void vexpect(struct ctl_fix *f, const char *input, int status, const char *needle,
                    const char *first, va_list ap)
{
    struct ctl_run r;

    vexec(f, true, input, &r, first, ap);
    if (r.status != status)
        fail_msg("%s: exit %d, expected %d; stderr: %s", first, r.status, status, r.err);
    if (!lnt_str_starts(r.err, "lanternctl: "))
        fail_msg("%s: stderr does not start with the program name: %s", first, r.err);
    if (strstr(r.err, needle) == NULL)
        fail_msg("%s: stderr does not mention '%s': %s", first, needle, r.err);
    if (status == 1) {
        if (strchr(r.err, '\n') != r.err + strlen(r.err) - 1)
            fail_msg("%s: expected one line on stderr: %s", first, r.err);
        assert_string_equal(r.out, "");
    } else {
        assert_non_null(strstr(r.err, "usage:"));
    }
    ctl_run_release(&r);
}

void ctl_expect_fail(struct ctl_fix *f, int status, const char *needle, const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    vexpect(f, NULL, status, needle, first, ap);
    va_end(ap);
}

void ctl_expect_fail_in(struct ctl_fix *f, const char *input, int status, const char *needle,
                        const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    vexpect(f, input, status, needle, first, ap);
    va_end(ap);
}

const char *ctl_jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (s == NULL)
        fail_msg("no string field `%s`", key);
    return s;
}

int64_t ctl_jint(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        fail_msg("no integer field `%s`", key);
    return json_integer_value(v);
}

void ctl_init(struct ctl_fix *f)
{
    json_decref(ctl_json(f, "init", "--scheme", "WTN", NULL));
}

const char *ctl_date(int delta, char out[11])
{
    assert_int_equal(lnt_date_format(lnt_london_date(lnt_time_now()) + delta, out), LNT_OK);
    return out;
}
