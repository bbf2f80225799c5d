/* support.h - helpers for tests that run Lantern's programs: temp dirs, processes, files. */
#ifndef LNT_TEST_SUPPORT_H
#define LNT_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A fresh directory under $TMPDIR (or /tmp); the caller frees the string and removes the tree. */
char *lnt_test_tmpdir(void);
/* rm -rf, without running a shell. NULL is a no-op. */
void lnt_test_rmrf(const char *path);
/* "$LNT_BIN_DIR/name" in a static buffer (one per call site is fine: copy it if you keep two). */
const char *lnt_test_bin(const char *name);
/* "$LNT_SOURCE_DIR/rel" in a static buffer. */
const char *lnt_test_src(const char *rel);
/* path joined as "dir/name" into a newly allocated string. */
char *lnt_test_path(const char *dir, const char *name);

struct lnt_proc_result {
    int status; /* exit code; 128 + signal number if killed; -1 if it could not run or timed out */
    bool timed_out;
    char *out; /* everything written to stdout, NUL-terminated */
    char *err; /* everything written to stderr, NUL-terminated */
};

/*
 * Runs argv[0] (a path) with argv, feeding `input` (may be NULL) to its stdin,
 * capturing stdout and stderr, killing it after `timeout_ms`. Returns 0 when it
 * ran (look at r->status), -1 when it could not be started.
 */
int lnt_proc_run(const char *const argv[], const char *input, int timeout_ms,
                 struct lnt_proc_result *r);
void lnt_proc_result_release(struct lnt_proc_result *r);

/* Starts argv in the background with stdout+stderr appended to `log_path` (NULL: inherit). Returns
 * pid or -1. */
pid_t lnt_proc_spawn(const char *const argv[], const char *log_path);
/* Waits up to timeout_ms; returns exit status as lnt_proc_run does, or -1 on timeout (process left
 * running). */
int lnt_proc_wait(pid_t pid, int timeout_ms);
/* Sends `sig`, then waits for the process to end (SIGKILL after 5 s if it has not). */
void lnt_proc_stop(pid_t pid, int sig);

/* Waits until `path` exists and is non-empty, up to timeout_ms. Returns true when it does. */
bool lnt_test_wait_file(const char *path, int timeout_ms);
/* Whole file as a NUL-terminated string (caller frees), or NULL. */
char *lnt_test_read_file(const char *path);
/*
 * "YYYY-MM-DD": the London date `days` days after today (before, when
 * negative), today being read from the clock the programs under test read,
 * so that a date a test gives them is in the past or future at any hour.
 */
void lnt_test_date(int days, char out[11]);

#endif
