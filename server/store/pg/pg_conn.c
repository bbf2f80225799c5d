/* pg_conn.c - the PostgreSQL backend's connections: opening them from a URI, the pool a store
 * call takes one from, and reconnecting after the server (or the primary) went away. */
#include "pg_int.h"

#include <string.h>

/* Every session: times in UTC, no notices on stderr, statements bounded. */
static enum lnt_err configure(PGconn *pg, char *err)
{
    return lnt_pg_exec_script(pg,
                              "SET TIME ZONE 'UTC'; SET client_min_messages = warning; "
                              "SET lock_timeout = '5s'",
                              err, "configuring the connection");
}

/* libpq would print notices to stderr: the store prints nothing. */
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

enum lnt_err lnt_pg_connect(const char *target, PGconn **out, char *err)
{
    /* the URI goes to libpq as written: several hosts (host1:5432,host2:5432) and options
     * such as target_session_attrs=read-write are libpq's to read */
    PGconn *pg = PQconnectdb(target);
    enum lnt_err rc;

    *out = NULL;
    if (pg == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory connecting to PostgreSQL");
    if (PQstatus(pg) != CONNECTION_OK) {
        rc = lnt_pg_fail(pg, NULL, err, "connecting to PostgreSQL");
        PQfinish(pg);
        return rc == LNT_ERR_DB ? LNT_ERR_NET : rc;
    }
    PQsetNoticeProcessor(pg, quiet, NULL);
    rc = configure(pg, err);
    if (rc != LNT_OK) {
        PQfinish(pg);
        return rc;
    }
    *out = pg;
    return LNT_OK;
}

enum lnt_err lnt_pg_take(struct lnt_store *s, PGconn **out, char *err)
{
    struct lnt_pg_conn *c = NULL;
    enum lnt_err rc = LNT_OK;

    *out = NULL;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        for (size_t i = 0; i < LNT_PG_CONNS && c == NULL; i++)
            if (!s->conns[i].busy)
                c = &s->conns[i];
        if (c != NULL)
            break;
        pthread_cond_wait(&s->cv, &s->mu);
    }
    c->busy = true;
    pthread_mutex_unlock(&s->mu);
    lnt_pg_call_took();

    /* a connection the server dropped (restart, failover) is opened again, anew: with several
     * hosts libpq tries each in turn for one that matches target_session_attrs */
    if (c->pg != NULL && PQstatus(c->pg) != CONNECTION_OK) {
        PQfinish(c->pg);
        c->pg = NULL;
    }
    if (c->pg == NULL) {
        c->prepared = 0; /* a new session has none of the pipelines' statements */
        rc = lnt_pg_connect(s->target, &c->pg, err);
    }
    if (rc != LNT_OK) {
        pthread_mutex_lock(&s->mu);
        c->busy = false;
        pthread_cond_signal(&s->cv);
        pthread_mutex_unlock(&s->mu);
        return rc;
    }
    *out = c->pg;
    return LNT_OK;
}

void lnt_pg_give(struct lnt_store *s, PGconn *pg)
{
    if (pg == NULL)
        return;
    bool lost = PQstatus(pg) != CONNECTION_OK;

    lnt_pg_call_gave(pg);
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < LNT_PG_CONNS; i++) {
        if (s->conns[i].pg == pg) {
            /* a connection left inside a transaction by a bug is not handed out again, nor
             * one the server dropped */
            if (lost || PQtransactionStatus(pg) != PQTRANS_IDLE) {
                PQfinish(pg);
                s->conns[i].pg = NULL;
            }
            s->conns[i].busy = false;
            break;
        }
    }
    /* a connection lost means the server went (a restart, a failover): the idle ones went with
     * it, unnoticed until used. Closed now, each is opened afresh when next taken rather than
     * failing one more call first */
    for (size_t i = 0; lost && i < LNT_PG_CONNS; i++) {
        if (!s->conns[i].busy && s->conns[i].pg != NULL) {
            PQfinish(s->conns[i].pg);
            s->conns[i].pg = NULL;
        }
    }
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

void lnt_pg_close_all(struct lnt_store *s)
{
    for (size_t i = 0; i < LNT_PG_CONNS; i++) {
        if (s->conns[i].pg != NULL)
            PQfinish(s->conns[i].pg);
        s->conns[i].pg = NULL;
        s->conns[i].busy = false;
    }
    if (s->listen != NULL)
        PQfinish(s->listen);
    s->listen = NULL;
}
