/* test_lanternctl_run.h - running lanternctl as a real process in the CLI suites. */
#ifndef LNT_TEST_LANTERNCTL_RUN_H
#define LNT_TEST_LANTERNCTL_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#define CTL_TIMEOUT_MS 60000

struct ctl_fix {
    char *dir; /* a fresh temporary directory, removed by ctl_teardown */
    char *db;  /* dir/var/lantern.db */
    char bin[4096];
};

struct ctl_run {
    int status;
    char *out;
    char *err;
};

/* cmocka setup/teardown: *state is a struct ctl_fix. */
int ctl_setup(void **state);
int ctl_teardown(void **state);

/* "dir/name", allocated. */
char *ctl_path(struct ctl_fix *f, const char *name);

/*
 * Runs `lanternctl --db DB [--json] args...` (NULL-terminated) with `input`
 * (may be NULL) on stdin. The caller releases *r with ctl_run_release.
 */
void ctl_exec(struct ctl_fix *f, bool json, const char *input, struct ctl_run *r, const char *first,
              ...);
void ctl_run_release(struct ctl_run *r);

/* --json, exit 0, exactly one JSON object on stdout: returned (caller decrefs). */
json_t *ctl_json(struct ctl_fix *f, const char *first, ...);
/* The same with `input` on stdin. */
json_t *ctl_json_in(struct ctl_fix *f, const char *input, const char *first, ...);
/* --json, exit 0, one JSON object per line (none is fine): returned as an array (caller decrefs).
 */
json_t *ctl_json_lines(struct ctl_fix *f, const char *first, ...);
/*
 * --json, expects exit `status`; stderr starts "lanternctl: " and mentions
 * `needle`; exit 1 is one line and nothing on stdout, exit 2 shows the usage.
 */
void ctl_expect_fail(struct ctl_fix *f, int status, const char *needle, const char *first, ...);
void ctl_expect_fail_in(struct ctl_fix *f, const char *input, int status, const char *needle,
                        const char *first, ...);

const char *ctl_jstr(json_t *o, const char *key);
int64_t ctl_jint(json_t *o, const char *key);

/* init --scheme WTN */
void ctl_init(struct ctl_fix *f);
/* The London date `delta` days from today, on the clock lanternctl reads, as YYYY-MM-DD in out. */
const char *ctl_date(int delta, char out[11]);

#endif
