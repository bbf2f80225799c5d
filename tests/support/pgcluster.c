/* pgcluster.c - a throwaway PostgreSQL cluster for a test (pgcluster.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "pgcluster.h"
#include "support.h"

#define PG_BIN_DEFAULT "/usr/lib/postgresql/15/bin"
#define RUNUSER "/usr/sbin/runuser"

static const char *pg_bin(const char *prog, char *buf, size_t size)
{
    const char *dir = getenv("LNT_PG_BIN");

    snprintf(buf, size, "%s/%s", dir != NULL && dir[0] != '\0' ? dir : PG_BIN_DEFAULT, prog);
    return buf;
}

/* Runs a PostgreSQL program (as "postgres" when we are root); fails the test when it fails. */
static void run_pg(const char *what, const char *const args[])
{
    const char *argv[24];
    struct lnt_proc_result r;
    size_t n = 0;

    if (geteuid() == 0) {
        argv[n++] = RUNUSER;
        argv[n++] = "-u";
        argv[n++] = "postgres";
        argv[n++] = "--";
    }
    for (size_t i = 0; args[i] != NULL && n + 1 < sizeof argv / sizeof argv[0]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    if (lnt_proc_run(argv, NULL, 60000, &r) != 0)
        fail_msg("PostgreSQL test cluster: cannot run %s: run scripts/install-deps", argv[0]);
    if (r.status != 0)
        fail_msg("PostgreSQL test cluster: %s failed (status %d): %s%s", what, r.status, r.err,
                 r.out);
    lnt_proc_result_release(&r);
}

struct lnt_pg_cluster *lnt_pg_cluster_start(void)
{
    struct lnt_pg_cluster *c = calloc(1, sizeof *c);
    char initdb[512], pg_ctl[512], conf_line[1024];
    char *data, *log, *conf;
    struct passwd *pw = NULL;
    FILE *f;

    assert_non_null(c);
    if (access(pg_bin("initdb", initdb, sizeof initdb), X_OK) != 0 ||
        access(pg_bin("pg_ctl", pg_ctl, sizeof pg_ctl), X_OK) != 0)
        fail_msg("PostgreSQL 15 server programs not found (%s): run scripts/install-deps, which "
                 "installs the postgresql package (or set LNT_PG_BIN)",
                 initdb);
    if (geteuid() == 0) {
        pw = getpwnam("postgres");
        if (pw == NULL)
            fail_msg("PostgreSQL refuses to run as root and there is no \"postgres\" user to run "
                     "the test cluster as: run scripts/install-deps");
    }
    c->dir = lnt_test_tmpdir();
    assert_non_null(c->dir);
    /* the server, running as postgres, owns its directory; we (root) can still remove it */
    if (pw != NULL && chown(c->dir, pw->pw_uid, pw->pw_gid) != 0)
        fail_msg("PostgreSQL test cluster: chown %s failed", c->dir);
    c->port = 20000 + (int)(getpid() % 20000);
    data = lnt_test_path(c->dir, "data");
    log = lnt_test_path(c->dir, "log");
    conf = lnt_test_path(data, "postgresql.conf");
    {
        /* --no-sync: initdb's own files of a throwaway cluster; the server itself syncs
         * every commit (fsync, synchronous_commit on: the defaults, as in production) */
        const char *args[] = {initdb,     "-D",        data, "-A",   "trust",      "-U",
                              "postgres", "--no-sync", "-E", "UTF8", "--locale=C", NULL};
        run_pg("initdb", args);
    }
    f = fopen(conf, "a");
    if (f == NULL)
        fail_msg("PostgreSQL test cluster: cannot append to %s", conf);
    snprintf(conf_line, sizeof conf_line,
             "\nlisten_addresses = ''\nport = %d\nunix_socket_directories = '%s'\n"
             "fsync = on\nsynchronous_commit = on\nmax_connections = 60\n"
             "shared_buffers = 32MB\n",
             c->port, c->dir);
    fputs(conf_line, f);
    fclose(f);
    {
        const char *args[] = {pg_ctl, "-D", data, "-l", log, "-w", "-t", "60", "start", NULL};
        run_pg("pg_ctl start", args);
    }
    snprintf(c->uri, sizeof c->uri, "postgresql://postgres@/postgres?host=%s&port=%d", c->dir,
             c->port);
    free(conf);
    free(log);
    free(data);
    return c;
}

void lnt_pg_cluster_stop(struct lnt_pg_cluster *c)
{
    char pg_ctl[512];
    char *data;

    if (c == NULL)
        return;
    data = lnt_test_path(c->dir, "data");
    {
        const char *args[] = {pg_bin("pg_ctl", pg_ctl, sizeof pg_ctl),
                              "-D",
                              data,
                              "-m",
                              "immediate",
                              "-w",
                              "stop",
                              NULL};
        run_pg("pg_ctl stop", args);
    }
    free(data);
    lnt_test_rmrf(c->dir);
    free(c->dir);
    free(c);
}

void lnt_pg_run(const char *uri, const char *sql)
{
    PGconn *pg = PQconnectdb(uri);
    PGresult *r;

    if (PQstatus(pg) != CONNECTION_OK)
        fail_msg("connecting to %s: %s", uri, PQerrorMessage(pg));
    r = PQexec(pg, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(pg));
    PQclear(r);
    PQfinish(pg);
}

int64_t lnt_pg_int(const char *uri, const char *sql)
{
    PGconn *pg = PQconnectdb(uri);
    PGresult *r;
    int64_t v = -1;

    if (PQstatus(pg) != CONNECTION_OK)
        fail_msg("connecting to %s: %s", uri, PQerrorMessage(pg));
    r = PQexec(pg, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(pg));
    if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    PQfinish(pg);
    return v;
}

static void make_db(struct lnt_pg_cluster *c, unsigned tmpl, char out[LNT_PG_URI_MAX])
{
    char sql[96];
    PGconn *pg = PQconnectdb(c->uri);
    PGresult *r = NULL;

    if (PQstatus(pg) != CONNECTION_OK)
        fail_msg("connecting to %s: %s", c->uri, PQerrorMessage(pg));
    c->dbs++;
    if (tmpl != 0)
        snprintf(sql, sizeof sql, "CREATE DATABASE t%u TEMPLATE t%u", c->dbs, tmpl);
    else
        snprintf(sql, sizeof sql, "CREATE DATABASE t%u", c->dbs);
    /* the template's last user may still be leaving (its server process ends after the
     * client has hung up): a moment later it is free */
    for (int tries = 0; tries < 100; tries++) {
        PQclear(r);
        r = PQexec(pg, sql);
        if (PQresultStatus(r) == PGRES_COMMAND_OK)
            break;
        usleep(50 * 1000);
    }
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(pg));
    PQclear(r);
    PQfinish(pg);
    snprintf(out, LNT_PG_URI_MAX, "postgresql://postgres@/t%u?host=%s&port=%d", c->dbs, c->dir,
             c->port);
}

void lnt_pg_cluster_db(struct lnt_pg_cluster *c, char out[LNT_PG_URI_MAX])
{
    make_db(c, c->tmpl, out);
}

void lnt_pg_cluster_db_empty(struct lnt_pg_cluster *c, char out[LNT_PG_URI_MAX])
{
    make_db(c, 0, out);
}

void lnt_pg_cluster_set_template(struct lnt_pg_cluster *c)
{
    c->tmpl = c->dbs;
}
