/* support.c - helpers for tests that run Lantern's programs: temp dirs, processes, files. */
#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ltime.h"
#include "night.h"

char *lnt_test_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    char *dir;

    snprintf(tmpl, sizeof tmpl, "%s/lantern-test-XXXXXX", base && *base ? base : "/tmp");
    dir = mkdtemp(tmpl);
    return dir ? strdup(dir) : NULL;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : 0;
}

void lnt_test_rmrf(const char *path)
{
    if (path != NULL)
        nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *lnt_test_bin(const char *name)
{
    static char buf[4][1024];
    static int next;
    const char *dir = getenv("LNT_BIN_DIR");
    char *b = buf[next++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s", dir ? dir : "./bin", name);
    return b;
}

const char *lnt_test_src(const char *rel)
{
    static char buf[4][1024];
    static int next;
    const char *dir = getenv("LNT_SOURCE_DIR");
    char *b = buf[next++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s", dir ? dir : ".", rel);
    return b;
}

char *lnt_test_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int decode_status(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return -1;
}

struct sink {
    char *data;
    size_t len, cap;
};

static void sink_add(struct sink *s, const char *p, size_t n)
{
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->len + n + 1)
            cap *= 2;
        char *d = realloc(s->data, cap);
        if (d == NULL)
            abort();
        s->data = d;
        s->cap = cap;
    }
    memcpy(s->data + s->len, p, n);
    s->len += n;
    s->data[s->len] = '\0';
}

int lnt_proc_run(const char *const argv[], const char *input, int timeout_ms,
                 struct lnt_proc_result *r)
{
    int in[2], out[2], err[2];
    struct sink so = {0}, se = {0};
    size_t in_off = 0, in_len = input ? strlen(input) : 0;
    int64_t deadline = now_ms() + timeout_ms;
    pid_t pid;
    int st = 0;

    memset(r, 0, sizeof *r);
    if (pipe(in) != 0 || pipe(out) != 0 || pipe(err) != 0)
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        close(err[0]);
        close(err[1]);
        execv(argv[0], (char *const *)(uintptr_t)argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (in_len == 0) {
        close(in[1]);
        in[1] = -1;
    }
    signal(SIGPIPE, SIG_IGN);
    while (out[0] >= 0 || err[0] >= 0) {
        struct pollfd p[3];
        int np = 0, left = (int)(deadline - now_ms());
        if (left <= 0) {
            r->timed_out = true;
            kill(pid, SIGKILL);
            break;
        }
        if (out[0] >= 0)
            p[np++] = (struct pollfd){.fd = out[0], .events = POLLIN};
        if (err[0] >= 0)
            p[np++] = (struct pollfd){.fd = err[0], .events = POLLIN};
        if (in[1] >= 0)
            p[np++] = (struct pollfd){.fd = in[1], .events = POLLOUT};
        if (poll(p, (nfds_t)np, left) < 0 && errno != EINTR)
            break;
        for (int i = 0; i < np; i++) {
            char buf[8192];
            if (p[i].revents == 0)
                continue;
            if (p[i].fd == in[1]) {
                ssize_t w = write(in[1], input + in_off, in_len - in_off);
                if (w > 0)
                    in_off += (size_t)w;
                if (w < 0 || in_off == in_len) {
                    close(in[1]);
                    in[1] = -1;
                }
                continue;
            }
            ssize_t n = read(p[i].fd, buf, sizeof buf);
            if (n > 0) {
                sink_add(p[i].fd == out[0] ? &so : &se, buf, (size_t)n);
            } else {
                if (p[i].fd == out[0]) {
                    close(out[0]);
                    out[0] = -1;
                } else {
                    close(err[0]);
                    err[0] = -1;
                }
            }
        }
    }
    if (in[1] >= 0)
        close(in[1]);
    if (out[0] >= 0)
        close(out[0]);
    if (err[0] >= 0)
        close(err[0]);
    waitpid(pid, &st, 0);
    r->status = r->timed_out ? -1 : decode_status(st);
    sink_add(&so, "", 0);
    sink_add(&se, "", 0);
    r->out = so.data;
    r->err = se.data;
    return 0;
}

void lnt_proc_result_release(struct lnt_proc_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

pid_t lnt_proc_spawn(const char *const argv[], const char *log_path)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    if (log_path != NULL) {
        int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
        dup2(devnull, 0);
        close(devnull);
    }
    execv(argv[0], (char *const *)(uintptr_t)argv);
    fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

int lnt_proc_wait(pid_t pid, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    int st;
    for (;;) {
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid)
            return decode_status(st);
        if (w < 0)
            return -1;
        if (now_ms() >= deadline)
            return -1;
        usleep(10000);
    }
}

void lnt_proc_stop(pid_t pid, int sig)
{
    if (pid <= 0)
        return;
    kill(pid, sig);
    if (lnt_proc_wait(pid, 5000) == -1) {
        kill(pid, SIGKILL);
        lnt_proc_wait(pid, 5000);
    }
}

bool lnt_test_wait_file(const char *path, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    struct stat st;
    while (now_ms() < deadline) {
        if (stat(path, &st) == 0 && st.st_size > 0)
            return true;
        usleep(10000);
    }
    return false;
}

char *lnt_test_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct sink s = {0};
    char buf[8192];
    size_t n;
    if (f == NULL)
        return NULL;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sink_add(&s, buf, n);
    fclose(f);
    sink_add(&s, "", 0);
    return s.data;
}

void lnt_test_date(int days, char out[11])
{
    if (lnt_date_format(lnt_london_date(lnt_time_now()) + days, out) != LNT_OK)
        out[0] = '\0';
}
