/* pgcluster.h - a throwaway PostgreSQL cluster for a test: initdb and pg_ctl on a private port
 * and unix socket directory under the test's temp dir, stopped and removed at the end; a
 * streaming replica of it, the primary killed and the replica promoted (failover tests); the
 * client programs (pg_dump, pg_restore) for backup tests. */
#ifndef LNT_TEST_PGCLUSTER_H
#define LNT_TEST_PGCLUSTER_H

#include <stdbool.h>
#include <stdint.h>

#define LNT_PG_URI_MAX 512

struct lnt_pg_cluster {
    char *dir;                /* the temp dir holding data/, the socket and the log */
    int port;                 /* the private port: names the socket; no TCP listener */
    unsigned dbs;             /* databases made by lnt_pg_cluster_db */
    unsigned tmpl;            /* the database new ones are copies of; 0 = an empty one */
    bool dead;                /* killed by lnt_pg_cluster_kill: nothing left to stop */
    char uri[LNT_PG_URI_MAX]; /* of its "postgres" database */
};

/*
 * Starts a cluster (PostgreSQL 15's initdb and pg_ctl from /usr/lib/postgresql/15/bin, or
 * $LNT_PG_BIN): trust authentication on its socket only, fsync on as in production. As root
 * the server runs as the "postgres" user (PostgreSQL refuses root). A missing PostgreSQL or a
 * server that does not start fails the test with what to do (scripts/install-deps): never a
 * skip. About a second.
 */
struct lnt_pg_cluster *lnt_pg_cluster_start(void);
/* Stops the server (immediately) and removes its files. NULL is a no-op. */
void lnt_pg_cluster_stop(struct lnt_pg_cluster *c);
/* Creates a new database in the cluster (empty, or a copy of the template) and writes its
 * postgresql:// URI to out. */
void lnt_pg_cluster_db(struct lnt_pg_cluster *c, char out[LNT_PG_URI_MAX]);
/* Creates a new empty database whatever the template. */
void lnt_pg_cluster_db_empty(struct lnt_pg_cluster *c, char out[LNT_PG_URI_MAX]);
/* The last database made becomes the template of those made after it (a suite migrates one
 * database once rather than one per test). Nothing may be connected to it. */
void lnt_pg_cluster_set_template(struct lnt_pg_cluster *c);
/*
 * A streaming replica of `primary` (pg_basebackup -R over the primary's socket, which
 * initdb's pg_hba.conf and ours let replicate) in a cluster of its own: its own temp dir and
 * private port, hot standby (read-only queries). Waits until it streams, then makes the
 * primary's commits synchronous (synchronous_standby_names = '*'): from then on a commit the
 * primary acknowledged is on the replica's disk too. Stop it with lnt_pg_cluster_stop.
 */
struct lnt_pg_cluster *lnt_pg_cluster_replica(struct lnt_pg_cluster *primary);
/* SIGKILLs the cluster's postmaster, as losing the machine would, and waits until it is gone.
 * Its orphaned backends end on their own; lnt_pg_cluster_stop then only removes the files. */
void lnt_pg_cluster_kill(struct lnt_pg_cluster *c);
/* Promotes a replica (pg_ctl promote, waiting until it accepts writes). */
void lnt_pg_cluster_promote(struct lnt_pg_cluster *c);
/*
 * The URI of database `db` (t<db>, as lnt_pg_cluster_db names them; 0 = "postgres") naming
 * both clusters' sockets as hosts, in that order, with target_session_attrs=read-write: libpq
 * connects to whichever of them takes writes.
 */
void lnt_pg_cluster_uri_pair(const struct lnt_pg_cluster *a, const struct lnt_pg_cluster *b,
                             unsigned db, char out[LNT_PG_URI_MAX]);
/* Runs PostgreSQL's client program `prog` (pg_dump, pg_restore, ...: from the same directory
 * as initdb) with args (NULL-terminated, without the program), as the current user; fails the
 * test, with the program's messages, when it fails. */
void lnt_pg_tool(const char *prog, const char *const args[]);
/* One integer from `sql` run on `uri` on a connection of its own (-1 when no row). */
int64_t lnt_pg_int(const char *uri, const char *sql);
/* Runs `sql` on `uri`, failing the test when it fails. */
void lnt_pg_run(const char *uri, const char *sql);

#endif
