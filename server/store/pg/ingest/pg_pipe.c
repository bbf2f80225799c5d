/* pg_pipe.c - pipelines of prepared statements on PostgreSQL: many statements sent in one go,
 * each prepared once per connection, their results read in order at a sync. */
#include "pg_int.h"

#include <stdio.h>
#include <string.h>

enum lnt_err lnt_pg_pipe_begin(struct lnt_pg_pipe *p, struct lnt_store *s, PGconn *pg, char *err)
{
    /* a pipeline's statements are not looked at one by one: a call sending one is not made
     * again by the dispatch (ingest, the one user, tries again by itself) */
    lnt_pg_call_settle();
    p->pg = pg;
    p->prepared = NULL;
    p->n = 0;
    p->rc = LNT_OK;
    p->err = err;
    p->what = "storing what the events change";
    /* the connection is the caller's while taken: its slot does not change under us */
    for (size_t i = 0; i < LNT_PG_CONNS; i++)
        if (s->conns[i].pg == pg)
            p->prepared = &s->conns[i].prepared;
    if (p->prepared == NULL)
        return p->rc = lnt_fail(err, LNT_ERR_INTERNAL, "a pipeline on a connection not taken");
    if (PQenterPipelineMode(pg) != 1)
        return p->rc = lnt_pg_fail(pg, NULL, err, "entering pipeline mode");
    return LNT_OK;
}

static void statement_name(char *name, size_t size, int id)
{
    snprintf(name, size, "lnt_p%d", id);
}

enum lnt_err lnt_pg_pipe_run(struct lnt_pg_pipe *p, const struct lnt_pg_stmt *st,
                             const struct lnt_pg_params *par, lnt_pg_pipe_fn fn, void *ctx,
                             size_t arg)
{
    char name[16];
    uint64_t bit = (uint64_t)1 << st->id;

    if (p->rc != LNT_OK)
        return p->rc;
    if (par != NULL && par->overflow)
        return p->rc =
                   lnt_fail(p->err, LNT_ERR_TOO_LARGE, "more than %d parameters", LNT_PG_PARAMS);
    if (p->n + 2 > LNT_PG_PIPE_MAX && lnt_pg_pipe_sync(p) != LNT_OK)
        return p->rc;
    statement_name(name, sizeof name, st->id);
    if ((*p->prepared & bit) == 0) {
        if (PQsendPrepare(p->pg, name, st->sql, 0, NULL) != 1)
            return p->rc = lnt_pg_fail(p->pg, NULL, p->err, "preparing a statement");
        *p->prepared |= bit; /* taken back if the PREPARE fails */
        p->q[p->n++] = (struct lnt_pg_pipe_entry){.stmt = -1 - st->id};
    }
    if (PQsendQueryPrepared(p->pg, name, par != NULL ? par->n : 0, par != NULL ? par->v : NULL,
                            par != NULL ? par->len : NULL, par != NULL ? par->fmt : NULL, 1) != 1)
        return p->rc = lnt_pg_fail(p->pg, NULL, p->err, "sending a statement");
    p->q[p->n++] = (struct lnt_pg_pipe_entry){.stmt = st->id, .fn = fn, .ctx = ctx, .arg = arg};
    return LNT_OK;
}

enum lnt_err lnt_pg_pipe_send(struct lnt_pg_pipe *p, const char *sql,
                              const struct lnt_pg_params *par, lnt_pg_pipe_fn fn, void *ctx,
                              size_t arg)
{
    if (p->rc != LNT_OK)
        return p->rc;
    if (par != NULL && par->overflow)
        return p->rc =
                   lnt_fail(p->err, LNT_ERR_TOO_LARGE, "more than %d parameters", LNT_PG_PARAMS);
    if (p->n + 1 > LNT_PG_PIPE_MAX && lnt_pg_pipe_sync(p) != LNT_OK)
        return p->rc;
    if (PQsendQueryParams(p->pg, sql, par != NULL ? par->n : 0, NULL, par != NULL ? par->v : NULL,
                          par != NULL ? par->len : NULL, par != NULL ? par->fmt : NULL, 1) != 1)
        return p->rc = lnt_pg_fail(p->pg, NULL, p->err, "sending a statement");
    p->q[p->n++] = (struct lnt_pg_pipe_entry){.stmt = 64, .fn = fn, .ctx = ctx, .arg = arg};
    return LNT_OK;
}

/* Reads the result of entry e and then the NULL that ends it. */
static void read_one(struct lnt_pg_pipe *p, const struct lnt_pg_pipe_entry *e)
{
    PGresult *r = PQgetResult(p->pg);
    ExecStatusType st = PQresultStatus(r);
    bool ok = r != NULL && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);

    if (!ok && e->stmt < 0)
        *p->prepared &= ~((uint64_t)1 << (-1 - e->stmt));
    if (!ok && p->rc == LNT_OK) {
        /* an aborted statement follows the failed one, which said why */
        p->rc = lnt_pg_fail(p->pg, r, p->err, p->what);
    } else if (ok && p->rc == LNT_OK && e->fn != NULL) {
        p->rc = e->fn(r, e->ctx, e->arg, p->err);
    }
    PQclear(r);
    if (r != NULL)
        while ((r = PQgetResult(p->pg)) != NULL)
            PQclear(r);
}

enum lnt_err lnt_pg_pipe_sync(struct lnt_pg_pipe *p)
{
    PGresult *r;
    size_t n = p->n;

    p->n = 0;
    if (n == 0)
        return p->rc;
    if (PQpipelineSync(p->pg) != 1) {
        if (p->rc == LNT_OK)
            p->rc = lnt_pg_fail(p->pg, NULL, p->err, "sending a pipeline");
        return p->rc;
    }
    for (size_t i = 0; i < n; i++)
        read_one(p, &p->q[i]);
    /* the sync's own result */
    for (int nulls = 0;;) {
        r = PQgetResult(p->pg);
        if (r == NULL) {
            if (PQstatus(p->pg) != CONNECTION_OK || ++nulls > 2) {
                if (p->rc == LNT_OK)
                    p->rc = lnt_pg_fail(p->pg, NULL, p->err, "reading a pipeline");
                break;
            }
            continue;
        }
        if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        PQclear(r);
    }
    return p->rc;
}

enum lnt_err lnt_pg_pipe_end(struct lnt_pg_pipe *p)
{
    (void)lnt_pg_pipe_sync(p);
    if (PQexitPipelineMode(p->pg) != 1 && p->rc == LNT_OK)
        p->rc = lnt_pg_fail(p->pg, NULL, p->err, "leaving pipeline mode");
    return p->rc;
}
