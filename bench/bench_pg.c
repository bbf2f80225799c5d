/* bench_pg.c - a throwaway PostgreSQL cluster for a benchmark run (bench_pg.h). */
#include "bench_pg.h"

#include <dirent.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PG_BIN "/usr/lib/postgresql/15/bin"

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench PostgreSQL cluster: %s%s%s\n", what, detail[0] ? ": " : "", detail);
    exit(1);
}

/* Runs a PostgreSQL program through the shell (as postgres when we are root). */
static void run_pg(const char *cmd)
{
    char line[16384];

    snprintf(line, sizeof line, "%s%s >/dev/null", geteuid() == 0 ? "runuser -u postgres -- " : "",
             cmd);
    if (system(line) != 0)
        die("failed (is PostgreSQL 15 installed? scripts/install-deps)", cmd);
}

void bench_pg_start(struct bench_pg *c, const char *dir)
{
    char cmd[4096], conf[1100];
    FILE *f;

    memset(c, 0, sizeof *c);
    if (strlen(dir) >= sizeof c->dir - 64)
        die("directory name too long", dir);
    snprintf(c->dir, sizeof c->dir, "%s", dir);
    if (mkdir(c->dir, 0700) != 0)
        die("cannot make", c->dir);
    if (geteuid() == 0) {
        struct passwd *pw = getpwnam("postgres");
        if (pw == NULL || chown(c->dir, pw->pw_uid, pw->pw_gid) != 0)
            die("no postgres user to run the cluster as (scripts/install-deps)", "");
    }
    c->port = 40000 + (int)(getpid() % 20000);
    snprintf(cmd, sizeof cmd,
             PG_BIN "/initdb -D %s/data -A trust -U postgres --no-sync -E UTF8 --locale=C", c->dir);
    run_pg(cmd);
    snprintf(conf, sizeof conf, "%s/data/postgresql.conf", c->dir);
    f = fopen(conf, "a");
    if (f == NULL)
        die("cannot append to", conf);
    /* durable commits, as in production; memory and log sizes for a machine of its own */
    fprintf(f,
            "\nlisten_addresses = ''\nport = %d\nunix_socket_directories = '%s'\n"
            "fsync = on\nsynchronous_commit = on\nfull_page_writes = on\n"
            "shared_buffers = 256MB\nmax_wal_size = 4GB\n"
            /* the server's time per statement, for bench_pg_statements */
            "shared_preload_libraries = 'pg_stat_statements'\n"
            "pg_stat_statements.track_planning = on\n",
            c->port, c->dir);
    fclose(f);
    snprintf(cmd, sizeof cmd, PG_BIN "/pg_ctl -D %s/data -l %s/log -w -t 60 start", c->dir, c->dir);
    run_pg(cmd);
    snprintf(c->uri, sizeof c->uri, "postgresql://postgres@/postgres?host=%s&port=%d", c->dir,
             c->port);
}

void bench_pg_stop(struct bench_pg *c)
{
    char cmd[4096];

    snprintf(cmd, sizeof cmd, PG_BIN "/pg_ctl -D %s/data -m fast -w stop", c->dir);
    run_pg(cmd);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", c->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench PostgreSQL cluster: cannot remove %s\n", c->dir);
}

long long bench_pg_cpu_us(const struct bench_pg *c)
{
    char path[1200], line[1024];
    long long postmaster = 0, total = 0, tick = sysconf(_SC_CLK_TCK);
    struct dirent *d;
    DIR *proc;
    FILE *f;

    snprintf(path, sizeof path, "%s/data/postmaster.pid", c->dir);
    f = fopen(path, "r");
    if (f == NULL || fgets(line, sizeof line, f) == NULL)
        die("cannot read", path);
    fclose(f);
    postmaster = strtoll(line, NULL, 10);
    proc = opendir("/proc");
    if (proc == NULL)
        die("cannot read /proc", "");
    while ((d = readdir(proc)) != NULL) {
        long long pid = strtoll(d->d_name, NULL, 10), ppid = 0, ut = 0, st = 0;
        char *p;

        if (pid <= 0)
            continue;
        snprintf(path, sizeof path, "/proc/%lld/stat", pid);
        f = fopen(path, "r");
        if (f == NULL)
            continue;
        if (fgets(line, sizeof line, f) == NULL || (p = strrchr(line, ')')) == NULL) {
            fclose(f);
            continue;
        }
        fclose(f);
        /* fields after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt
         * majflt cmajflt utime stime */
        p += 2;
        for (int field = 3; field <= 15 && p != NULL; field++) {
            if (field == 4)
                ppid = strtoll(p, NULL, 10);
            else if (field == 14)
                ut = strtoll(p, NULL, 10);
            else if (field == 15)
                st = strtoll(p, NULL, 10);
            p = strchr(p, ' ');
            if (p != NULL)
                p++;
        }
        if (pid == postmaster || ppid == postmaster)
            total += ut + st;
    }
    closedir(proc);
    return total * 1000000 / tick;
}

PGconn *bench_pg_connect(const char *uri)
{
    PGconn *pg = PQconnectdb(uri);

    if (PQstatus(pg) != CONNECTION_OK)
        die("cannot connect", PQerrorMessage(pg));
    return pg;
}

void bench_pg_exec(PGconn *pg, const char *sql)
{
    PGresult *r = PQexec(pg, sql);

    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        die(sql, PQerrorMessage(pg));
    PQclear(r);
}

void bench_pg_db(struct bench_pg *c, const char *name, char out[BENCH_PG_URI_MAX])
{
    char sql[256];
    PGconn *pg = bench_pg_connect(c->uri);

    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", name);
    bench_pg_exec(pg, sql);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    bench_pg_exec(pg, sql);
    PQfinish(pg);
    snprintf(out, BENCH_PG_URI_MAX, "postgresql://postgres@/%s?host=%s&port=%d", name, c->dir,
             c->port);
}

void bench_pg_statements(const char *uri, int top)
{
    PGconn *pg = bench_pg_connect(uri);
    char sql[1024];
    PGresult *r;
    double batches;

    bench_pg_exec(pg, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    r = PQexec(pg, "SELECT count(*) / 100.0 FROM events");
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        die("counting events", PQerrorMessage(pg));
    batches = strtod(PQgetvalue(r, 0, 0), NULL);
    PQclear(r);
    snprintf(
        sql, sizeof sql,
        "SELECT calls, total_exec_time, total_exec_time / nullif(calls, 0), "
        "100.0 * total_exec_time / sum(total_exec_time) OVER (), rows, "
        "left(regexp_replace(query, '[\\s|]+', ' ', 'g'), 120), total_plan_time / nullif(calls, 0) "
        "FROM pg_stat_statements "
        "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "ORDER BY total_exec_time DESC LIMIT %d",
        top);
    r = PQexec(pg, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        die("reading pg_stat_statements", PQerrorMessage(pg));
    printf(
        "\n| calls | total ms | ms per call | planning ms per call | ms per batch | share | rows "
        "| statement |\n|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < PQntuples(r); i++)
        printf("| %s | %.0f | %.3f | %.3f | %.3f | %.1f%% | %s | `%s` |\n", PQgetvalue(r, i, 0),
               strtod(PQgetvalue(r, i, 1), NULL), strtod(PQgetvalue(r, i, 2), NULL),
               strtod(PQgetvalue(r, i, 6), NULL),
               batches > 0 ? strtod(PQgetvalue(r, i, 1), NULL) / batches : 0.0,
               strtod(PQgetvalue(r, i, 3), NULL), PQgetvalue(r, i, 4), PQgetvalue(r, i, 5));
    printf("\n(%.0f batches of 100 stored in this database, warm-up and every run included)\n",
           batches);
    PQclear(r);
    PQfinish(pg);
}
