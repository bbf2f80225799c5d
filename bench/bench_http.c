/* bench_http.c - what the HTTP benchmarks share: starting a server on a port it picks, and
 * timing series of GET requests from concurrent keep-alive clients, printed as table rows. */
#include "bench_http.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"

int64_t lnt_bench_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

void lnt_bench_sort(int64_t *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp64);
}

int64_t lnt_bench_pct(const int64_t *sorted, size_t n, int p)
{
    size_t i = (n * (size_t)p + 99) / 100;
    return n == 0 ? 0 : sorted[i == 0 ? 0 : i - 1];
}

double lnt_bench_pct_ms(const int64_t *sorted, size_t n, int p)
{
    return (double)lnt_bench_pct(sorted, n, p) / 1000.0;
}

/* ---- servers ---- */

pid_t lnt_bench_server_start(const char *const argv[], const char *port_file, const char *log,
                             const char *log_level, unsigned *port, char *err)
{
    char text[32] = "";
    int64_t p;
    pid_t pid;

    unlink(port_file);
    pid = fork();
    if (pid < 0) {
        lnt_fail(err, LNT_ERR_IO, "fork: cannot start %s", argv[0]);
        return -1;
    }
    if (pid == 0) {
        if (freopen(log, "a", stderr) == NULL)
            _exit(127);
        setenv("LANTERN_LOG", log_level, 1);
        execv(argv[0], (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    for (int i = 0; i < 600; i++) {
        FILE *f = fopen(port_file, "r");
        if (f != NULL) {
            if (fgets(text, sizeof text, f) == NULL)
                text[0] = '\0';
            fclose(f);
            text[strcspn(text, "\n")] = '\0';
            if (lnt_parse_i64(text, 1, 65535, &p) == LNT_OK) {
                *port = (unsigned)p;
                return pid;
            }
        }
        usleep(50 * 1000);
    }
    kill(pid, SIGKILL);
    lnt_fail(err, LNT_ERR_IO, "%s did not start; see its log %s", argv[0], log);
    return -1;
}

pid_t lnt_bench_lanternd_start(const char *lanternd, const char *db, const char *keys,
                               const char *dir, unsigned *port, char *err)
{
    char port_file[4200], log[4200];
    const char *argv[] = {lanternd,      "--db",    db,   "--listen", "127.0.0.1:0",
                          "--port-file", port_file, NULL, NULL,       NULL};

    if (keys != NULL) {
        argv[7] = "--keys";
        argv[8] = keys;
    }
    snprintf(port_file, sizeof port_file, "%s/port", dir);
    snprintf(log, sizeof log, "%s/lanternd.log", dir);
    return lnt_bench_server_start(argv, port_file, log, "warn", port, err);
}

/* ---- the load: C threads, each with its own keep-alive connection ---- */

static size_t sink(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n;
}

static void *client_main(void *arg)
{
    struct lnt_bench_series *s = arg;
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    char url[256], auth[128];

    if (s->token != NULL) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", s->token);
        h = curl_slist_append(h, auth);
    }
    for (;;) {
        size_t i;
        long status = 0;
        curl_off_t got = 0;
        int64_t t0;

        pthread_mutex_lock(&s->mu);
        i = s->next < s->n ? s->next++ : s->n;
        pthread_mutex_unlock(&s->mu);
        if (i == s->n)
            break;
        snprintf(url, sizeof url, "%s%s", s->base, s->paths[i]);
        t0 = lnt_bench_now_us();
        if (c != NULL) {
            curl_easy_setopt(c, CURLOPT_URL, url);
            curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
            curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
            curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
            if (curl_easy_perform(c) != CURLE_OK)
                status = -1;
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
            curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &got);
        }
        s->us[i] = lnt_bench_now_us() - t0;
        pthread_mutex_lock(&s->mu);
        s->bytes += (size_t)got;
        if (status != 200) {
            if (s->errors++ == 0)
                fprintf(stderr, "%s: %s: %s %ld\n", s->prog, url,
                        c != NULL ? "HTTP" : "no curl handle", status);
        }
        pthread_mutex_unlock(&s->mu);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return NULL;
}

enum lnt_err lnt_bench_series_init(struct lnt_bench_series *s, const char *prog, const char *name,
                                   const char *token, size_t n, const char *base, char *err)
{
    memset(s, 0, sizeof *s);
    s->prog = prog;
    s->name = name;
    s->token = token;
    s->n = n;
    s->base = base;
    s->paths = calloc(n, sizeof *s->paths);
    if (s->paths == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory for %zu paths", n);
    return LNT_OK;
}

void lnt_bench_series_release(struct lnt_bench_series *s)
{
    free(s->paths);
    free(s->us);
    s->paths = NULL;
    s->us = NULL;
}

void lnt_bench_print_header(void)
{
    printf("\n| request | n | conns | p50 | p99 | max | req/s | bytes | errors |\n"
           "|---|---|---|---|---|---|---|---|---|\n");
}

enum lnt_err lnt_bench_run(struct lnt_bench_series *s, int conns, char *err)
{
    pthread_t th[LNT_BENCH_CONNS_MAX];
    int64_t t0 = lnt_bench_now_us(), wall;
    enum lnt_err rc = LNT_OK;
    int started = 0;

    if (conns < 1 || conns > LNT_BENCH_CONNS_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "connections: %d, expected 1 to %d", conns,
                        LNT_BENCH_CONNS_MAX);
    s->us = calloc(s->n, sizeof *s->us);
    if (s->us == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory for %zu latencies", s->n);
    if (pthread_mutex_init(&s->mu, NULL) != 0) {
        rc = lnt_fail(err, LNT_ERR_IO, "pthread_mutex_init");
        goto out;
    }
    for (; started < conns; started++)
        if (pthread_create(&th[started], NULL, client_main, s) != 0) {
            rc = lnt_fail(err, LNT_ERR_IO, "pthread_create");
            break;
        }
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&s->mu);
    if (rc != LNT_OK)
        goto out;
    wall = lnt_bench_now_us() - t0;
    lnt_bench_sort(s->us, s->n);
    printf("| %s | %zu | %d | %.2f ms | %.2f ms | %.2f ms | %.0f/s | %zu B | %d |\n", s->name, s->n,
           conns, lnt_bench_pct_ms(s->us, s->n, 50), lnt_bench_pct_ms(s->us, s->n, 99),
           s->n ? (double)s->us[s->n - 1] / 1000.0 : 0.0, (double)s->n * 1e6 / (double)wall,
           s->n ? s->bytes / s->n : 0, s->errors);
    fflush(stdout);
out:
    free(s->us);
    s->us = NULL;
    return rc;
}
