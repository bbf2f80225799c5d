/* bench_http.h - what the HTTP benchmarks share: starting a server on a port it picks, and
 * timing series of GET requests from concurrent keep-alive clients, printed as table rows. */
#ifndef LNT_BENCH_HTTP_H
#define LNT_BENCH_HTTP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define LNT_BENCH_CONNS_MAX 64

/* CLOCK_MONOTONIC in microseconds. Thread-safe. */
int64_t lnt_bench_now_us(void);

/* Sorts `n` latencies ascending, in place. */
void lnt_bench_sort(int64_t *v, size_t n);

/* The p-th percentile (nearest rank) of `n` sorted values; 0 when n is 0. */
int64_t lnt_bench_pct(const int64_t *sorted, size_t n, int p);
/* The same of microsecond values, in milliseconds. */
double lnt_bench_pct_ms(const int64_t *sorted, size_t n, int p);

/*
 * Starts argv[0] (a path) with argv, its stderr appended to `log` and LANTERN_LOG set to
 * `log_level`, and waits up to 30 s for it to write its port into `port_file` (removed first).
 * Returns the pid with *port set, or -1 with `err` set (LNT_ERR_IO: it could not be started or
 * wrote no port; it is killed). Not thread-safe (it forks).
 */
pid_t lnt_bench_server_start(const char *const argv[], const char *port_file, const char *log,
                             const char *log_level, unsigned *port, char *err);

/* lanternd `lanternd` on `db` (a SQLite path or a postgresql:// URI) with the scheme's key
 * file `keys` (--keys; NULL: lanternd's default beside a SQLite file), listening on 127.0.0.1,
 * with its port file and log in `dir` ("dir/port", "dir/lanternd.log") and warnings only; as
 * lnt_bench_server_start. */
pid_t lnt_bench_lanternd_start(const char *lanternd, const char *db, const char *keys,
                               const char *dir, unsigned *port, char *err);

/* One series of GET requests, all answered 200 when nothing went wrong. */
struct lnt_bench_series {
    const char *prog;   /* the benchmark's name, for its error lines */
    const char *name;   /* the row's first column */
    const char *token;  /* bearer token, NULL = none */
    const char *base;   /* "http://127.0.0.1:PORT" */
    char (*paths)[128]; /* [n], owned: filled in by the caller after init */
    size_t n;
    int64_t *us; /* [n] client-side latency, during a run */
    size_t bytes;
    size_t next; /* the next request to send; guarded by mu */
    pthread_mutex_t mu;
    int errors; /* requests not answered 200, over all runs */
};

/* Sets up `s` for `n` requests (paths all empty). Borrowed strings must outlive `s`.
 * LNT_ERR_NOMEM. Release with lnt_bench_series_release(). */
enum lnt_err lnt_bench_series_init(struct lnt_bench_series *s, const char *prog, const char *name,
                                   const char *token, size_t n, const char *base, char *err);
void lnt_bench_series_release(struct lnt_bench_series *s);

/* The header of the table lnt_bench_run() prints rows of. */
void lnt_bench_print_header(void);

/*
 * Sends every request of `s` from `conns` (1..LNT_BENCH_CONNS_MAX) threads at once, each with
 * its own keep-alive connection, and prints one table row: n, conns, p50, p99, max, requests per
 * second, mean bytes, errors. The first failed request is named on stderr. LNT_ERR_NOMEM,
 * LNT_ERR_INVALID (conns out of range), LNT_ERR_IO (a thread could not be started).
 */
enum lnt_err lnt_bench_run(struct lnt_bench_series *s, int conns, char *err);

#endif
