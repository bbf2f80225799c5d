/* pgcluster.c - a throwaway PostgreSQL cluster for a test (pgcluster.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <signal.h>
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

/* Appends `text` to the cluster's postgresql.conf (a later line wins over an earlier one). */
static void append_conf(const char *data, const char *file, const char *text)
{
    char *conf = lnt_test_path(data, file);
    FILE *f = fopen(conf, "a");

    if (f == NULL)
        fail_msg("PostgreSQL test cluster: cannot append to %s", conf);
    fputs(text, f);
    fclose(f);
    free(conf);
}

/* Where the cluster listens: its socket directory and private port, no TCP. */
static void set_listen(struct lnt_pg_cluster *c, const char *data, const char *extra)
{
    char line[1024];

    snprintf(line, sizeof line,
             "\nlisten_addresses = ''\nport = %d\nunix_socket_directories = '%s'\n%s", c->port,
             c->dir, extra);
    append_conf(data, "postgresql.conf", line);
}

static void start_server(struct lnt_pg_cluster *c, const char *data)
{
    char pg_ctl[512];
    char *log = lnt_test_path(c->dir, "log");
    const char *args[] = {pg_bin("pg_ctl", pg_ctl, sizeof pg_ctl),
                          "-D",
                          data,
                          "-l",
                          log,
                          "-w",
                          "-t",
                          "60",
                          "start",
                          NULL};

    run_pg("pg_ctl start", args);
    snprintf(c->uri, sizeof c->uri, "postgresql://postgres@/postgres?host=%s&port=%d", c->dir,
             c->port);
    free(log);
}

/* A new cluster's temp dir, owned by the user the server runs as. */
static struct lnt_pg_cluster *new_cluster(void)
{
    struct lnt_pg_cluster *c = calloc(1, sizeof *c);
    struct passwd *pw = NULL;
    char initdb[512], pg_ctl[512];

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
    return c;
}

struct lnt_pg_cluster *lnt_pg_cluster_start(void)
{
    struct lnt_pg_cluster *c = new_cluster();
    char initdb[512];
    char *data;

    c->port = 20000 + (int)(getpid() % 20000);
    data = lnt_test_path(c->dir, "data");
    {
        /* --no-sync: initdb's own files of a throwaway cluster; the server itself syncs
         * every commit (fsync, synchronous_commit on: the defaults, as in production) */
        const char *args[] = {pg_bin("initdb", initdb, sizeof initdb),
                              "-D",
                              data,
                              "-A",
                              "trust",
                              "-U",
                              "postgres",
                              "--no-sync",
                              "-E",
                              "UTF8",
                              "--locale=C",
                              NULL};
        run_pg("initdb", args);
    }
    /* wal_level replica and WAL senders (PostgreSQL 15's defaults, said here because a
     * replica depends on them); replication over the socket as for any other connection */
    set_listen(c, data,
               "fsync = on\nsynchronous_commit = on\nmax_connections = 60\n"
               "shared_buffers = 32MB\nwal_level = replica\nmax_wal_senders = 4\n");
    append_conf(data, "pg_hba.conf", "\nlocal replication postgres trust\n");
    start_server(c, data);
    free(data);
    return c;
}

/* The primary's view of its replica: is one streaming (sync: synchronously)? */
static bool replica_state(const struct lnt_pg_cluster *primary, bool sync)
{
    return lnt_pg_int(primary->uri, sync ? "SELECT count(*) FROM pg_stat_replication "
                                           "WHERE state = 'streaming' AND sync_state = 'sync'"
                                         : "SELECT count(*) FROM pg_stat_replication "
                                           "WHERE state = 'streaming'") > 0;
}

static void wait_replica(const struct lnt_pg_cluster *primary, bool sync)
{
    for (int tries = 0; !replica_state(primary, sync); tries++) {
        if (tries >= 1200)
            fail_msg("PostgreSQL test replica: not streaming%s after 60 s", sync ? " (sync)" : "");
        usleep(50 * 1000);
    }
}

struct lnt_pg_cluster *lnt_pg_cluster_replica(struct lnt_pg_cluster *primary)
{
    struct lnt_pg_cluster *r = new_cluster();
    char basebackup[512], port[16];
    char *data = lnt_test_path(r->dir, "data");

    /* its own port (it names the socket file; several tests' clusters never share a dir) */
    r->port = primary->port + 1;
    r->dbs = primary->dbs;
    r->tmpl = primary->tmpl;
    snprintf(port, sizeof port, "%d", primary->port);
    {
        /* -R: standby.signal and primary_conninfo (the primary's socket) in the copy */
        const char *args[] = {pg_bin("pg_basebackup", basebackup, sizeof basebackup),
                              "-D",
                              data,
                              "-R",
                              "-X",
                              "stream",
                              "-c",
                              "fast",
                              "--no-sync",
                              "-h",
                              primary->dir,
                              "-p",
                              port,
                              "-U",
                              "postgres",
                              NULL};
        run_pg("pg_basebackup", args);
    }
    /* once promoted it stands alone: no standby of its own to wait for */
    set_listen(r, data, "synchronous_standby_names = ''\nhot_standby = on\n");
    start_server(r, data);
    wait_replica(primary, false);
    lnt_pg_run(primary->uri, "ALTER SYSTEM SET synchronous_standby_names = '*'");
    lnt_pg_run(primary->uri, "SELECT pg_reload_conf()");
    wait_replica(primary, true);
    free(data);
    return r;
}

/* The postmaster's pid, from the first line of postmaster.pid. */
static pid_t postmaster_pid(const struct lnt_pg_cluster *c)
{
    char *data = lnt_test_path(c->dir, "data");
    char *pidfile = lnt_test_path(data, "postmaster.pid");
    char *text = lnt_test_read_file(pidfile);
    long pid = text != NULL ? strtol(text, NULL, 10) : 0;

    if (pid <= 0)
        fail_msg("PostgreSQL test cluster: no postmaster pid in %s", pidfile);
    free(text);
    free(pidfile);
    free(data);
    return (pid_t)pid;
}

/* Whether pid is gone (or a zombie nobody has reaped yet: dead all the same). */
static bool pid_gone(pid_t pid)
{
    char path[64], stat[256];
    FILE *f;
    size_t n;
    const char *close_paren;

    if (kill(pid, 0) != 0 && errno == ESRCH)
        return true;
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    f = fopen(path, "r");
    if (f == NULL)
        return true;
    n = fread(stat, 1, sizeof stat - 1, f);
    fclose(f);
    stat[n] = '\0';
    close_paren = strrchr(stat, ')');
    return close_paren != NULL && close_paren[1] == ' ' && close_paren[2] == 'Z';
}

void lnt_pg_cluster_kill(struct lnt_pg_cluster *c)
{
    pid_t pid = postmaster_pid(c);

    if (kill(pid, SIGKILL) != 0)
        fail_msg("PostgreSQL test cluster: kill %ld: %s", (long)pid, strerror(errno));
    for (int tries = 0; !pid_gone(pid); tries++) {
        if (tries >= 1200)
            fail_msg("PostgreSQL test cluster: postmaster %ld still there after SIGKILL",
                     (long)pid);
        usleep(10 * 1000);
    }
    c->dead = true;
}

void lnt_pg_cluster_promote(struct lnt_pg_cluster *c)
{
    char pg_ctl[512];
    char *data = lnt_test_path(c->dir, "data");
    const char *args[] = {
        pg_bin("pg_ctl", pg_ctl, sizeof pg_ctl), "-D", data, "-w", "-t", "60", "promote", NULL};

    run_pg("pg_ctl promote", args);
    free(data);
}

void lnt_pg_cluster_uri_pair(const struct lnt_pg_cluster *a, const struct lnt_pg_cluster *b,
                             unsigned db, char out[LNT_PG_URI_MAX])
{
    char name[16] = "postgres";

    if (db != 0)
        snprintf(name, sizeof name, "t%u", db);
    snprintf(out, LNT_PG_URI_MAX,
             "postgresql://postgres@/%s?host=%s,%s&port=%d,%d&target_session_attrs=read-write",
             name, a->dir, b->dir, a->port, b->port);
}

void lnt_pg_tool(const char *prog, const char *const args[])
{
    char path[512];
    const char *argv[24];
    struct lnt_proc_result r;
    size_t n = 0;

    argv[n++] = pg_bin(prog, path, sizeof path);
    for (size_t i = 0; args[i] != NULL && n + 1 < sizeof argv / sizeof argv[0]; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    if (lnt_proc_run(argv, NULL, 120000, &r) != 0)
        fail_msg("cannot run %s: run scripts/install-deps", path);
    if (r.status != 0)
        fail_msg("%s failed (status %d): %s%s", prog, r.status, r.err, r.out);
    lnt_proc_result_release(&r);
}

void lnt_pg_cluster_stop(struct lnt_pg_cluster *c)
{
    char pg_ctl[512];
    char *data;

    if (c == NULL)
        return;
    data = lnt_test_path(c->dir, "data");
    if (!c->dead) {
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
