/* lanternd.h - a real lanternd for a test: started on 127.0.0.1 on a port it picks itself. */
#ifndef LNT_TEST_LANTERND_H
#define LNT_TEST_LANTERND_H

#include <stdint.h>
#include <sys/types.h>

struct lnt_test_lanternd {
    pid_t pid;      /* 0 when not running */
    uint16_t port;  /* the port it listens on */
    char base[64];  /* "http://127.0.0.1:PORT", no trailing '/' */
    char log[1024]; /* "dir/lanternd.log": its stdout and stderr */
};

/*
 * Starts "$LNT_BIN_DIR/lanternd --db `db` --listen 127.0.0.1:0 --port-file dir/port" followed
 * by `extra` (a NULL-terminated list of further arguments, or NULL for none), its output
 * appended to dir/lanternd.log, and waits up to 20 s for the port it chose (a port file left
 * in dir by an earlier start is removed first, so a restart in the same directory works). Fails the
 * running cmocka test, showing the daemon's log, when it does not come up. The caller stops it with
 * lnt_test_lanternd_stop(). Not thread-safe (a test's set-up calls it).
 */
void lnt_test_lanternd_start(struct lnt_test_lanternd *d, const char *dir, const char *db,
                             const char *const *extra);

/* The same on a port chosen by the caller (0: lanternd's choice), as when it is restarted
 * behind a proxy that knows its port. */
void lnt_test_lanternd_start_port(struct lnt_test_lanternd *d, const char *dir, const char *db,
                                  uint16_t port, const char *const *extra);
/* Sends `sig` and waits for the daemon to end (SIGKILL after 5 s); a no-op when not running. */
void lnt_test_lanternd_stop(struct lnt_test_lanternd *d, int sig);

#endif
