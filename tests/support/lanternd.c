/* lanternd.c - a real lanternd for a test: started on 127.0.0.1 on a port it picks itself. */
#include "lanternd.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "err.h"
#include "support.h"

#define MAX_EXTRA 16

void lnt_test_lanternd_start(struct lnt_test_lanternd *d, const char *dir, const char *db,
                             const char *const *extra)
{
    lnt_test_lanternd_start_port(d, dir, db, 0, extra);
}

void lnt_test_lanternd_start_port(struct lnt_test_lanternd *d, const char *dir, const char *db,
                                  uint16_t port_wanted, const char *const *extra)
{
    const char *argv[8 + MAX_EXTRA];
    char bin[1024], port_file[1024], listen[32], *text;
    int64_t port = 0;
    size_t n = 0;

    memset(d, 0, sizeof *d);
    snprintf(bin, sizeof bin, "%s", lnt_test_bin("lanternd"));
    snprintf(port_file, sizeof port_file, "%s/port", dir);
    snprintf(d->log, sizeof d->log, "%s/lanternd.log", dir);
    snprintf(listen, sizeof listen, "127.0.0.1:%u", (unsigned)port_wanted);
    argv[n++] = bin;
    argv[n++] = "--db";
    argv[n++] = db;
    argv[n++] = "--listen";
    argv[n++] = listen;
    argv[n++] = "--port-file";
    argv[n++] = port_file;
    for (size_t i = 0; extra != NULL && extra[i] != NULL; i++) {
        if (i == MAX_EXTRA)
            fail_msg("lanternd: more than %d extra arguments", MAX_EXTRA);
        argv[n++] = extra[i];
    }
    argv[n] = NULL;
    /* A port file left by an earlier run in the same directory is not this daemon's port. */
    unlink(port_file);
    d->pid = lnt_proc_spawn(argv, d->log);
    assert_true(d->pid > 0);
    if (!lnt_test_wait_file(port_file, 20000)) {
        lnt_test_lanternd_stop(d, SIGKILL);
        text = lnt_test_read_file(d->log);
        fail_msg("lanternd wrote no port file; its log:\n%s", text != NULL ? text : "");
    }
    text = lnt_test_read_file(port_file);
    assert_non_null(text);
    text[strcspn(text, "\r\n")] = '\0';
    assert_int_equal(lnt_parse_i64(text, 1, 65535, &port), LNT_OK);
    free(text);
    d->port = (uint16_t)port;
    snprintf(d->base, sizeof d->base, "http://127.0.0.1:%u", (unsigned)d->port);
}

void lnt_test_lanternd_stop(struct lnt_test_lanternd *d, int sig)
{
    if (d->pid > 0)
        lnt_proc_stop(d->pid, sig);
    d->pid = 0;
}
