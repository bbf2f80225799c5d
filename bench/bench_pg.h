/* bench_pg.h - a throwaway PostgreSQL cluster for a benchmark run: initdb and pg_ctl on a
 * private unix socket directory (no TCP), durable commits (fsync and synchronous_commit on, as
 * in production), stopped and removed at the end. The logic of tests/support/pgcluster.c,
 * without the test framework. */
#ifndef LNT_BENCH_PG_H
#define LNT_BENCH_PG_H

#include <libpq-fe.h>

#define BENCH_PG_URI_MAX 1200

struct bench_pg {
    char dir[1024]; /* holds data/, the socket and the server's log */
    int port;
    char uri[BENCH_PG_URI_MAX]; /* of its "postgres" database */
};

/* Starts a cluster under `dir` (made here; as root, handed to the postgres user, since
 * PostgreSQL refuses to run as root); exits with what to install when it cannot. */
void bench_pg_start(struct bench_pg *c, const char *dir);
/* Stops the server and removes its files. */
void bench_pg_stop(struct bench_pg *c);
/* Creates database `name` and writes its URI to out. */
void bench_pg_db(struct bench_pg *c, const char *name, char out[BENCH_PG_URI_MAX]);
/* A connection to `uri`; exits when there is none. */
PGconn *bench_pg_connect(const char *uri);
/* CPU time (user + system, microseconds) the cluster's processes have used so far: the server
 * side of what a client's statements cost, which the client's own CPU time does not show. */
long long bench_pg_cpu_us(const struct bench_pg *c);
/* The `top` statements by the server's time spent running them in the database of `uri`
 * (pg_stat_statements, loaded by bench_pg_start), as a table on stdout, with the time per
 * batch of 100 events stored there. */
void bench_pg_statements(const char *uri, int top);
/* Runs `sql` on pg; exits with the server's message when it fails. */
void bench_pg_exec(PGconn *pg, const char *sql);

#endif
