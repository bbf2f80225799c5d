/* pg_tx.c - transactions on PostgreSQL, and the audit log written inside them. */
#include "pg_int.h"

#include <stdarg.h>
#include <stdio.h>

#include "ltime.h"

enum lnt_err lnt_pg_begin(PGconn *pg, char *err)
{
    /* an idle connection whose server went away fails here: the call is made again, on a
     * fresh connection (pg_call.c) */
    return lnt_pg_exec(pg, "BEGIN", NULL, NULL, err, "starting a transaction");
}

enum lnt_err lnt_pg_end(PGconn *pg, enum lnt_err rc, char *err)
{
    if (PQtransactionStatus(pg) == PQTRANS_IDLE || PQtransactionStatus(pg) == PQTRANS_UNKNOWN)
        return rc;
    if (rc == LNT_OK)
        return lnt_pg_exec(pg, "COMMIT", NULL, NULL, err, "committing");
    /* the error already in err is the one to report; a failed rollback closes the connection
     * when it is given back (pg_conn.c) */
    (void)lnt_pg_exec(pg, "ROLLBACK", NULL, NULL, NULL, "rolling back");
    return rc;
}

enum lnt_err lnt_pg_notify(PGconn *pg, int64_t venue_id, char *err)
{
    struct lnt_pg_params p;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, venue_id);
    return lnt_pg_exec(pg, "SELECT pg_notify('" LNT_PG_CHANNEL "', $1::bigint::text)", &p, NULL,
                       err, "telling the other servers of a change");
}

enum lnt_err lnt_pg_audit(struct lnt_store *s, PGconn *pg, const char *action, const char *object,
                          char *err, const char *fmt, ...)
{
    char detail[512], actor[LNT_PG_ACTOR_LEN];
    struct lnt_pg_params p;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&s->mu);
    (void)lnt_str_copy(actor, sizeof actor, s->actor);
    pthread_mutex_unlock(&s->mu);
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, lnt_time_now());
    lnt_pg_p_text(&p, actor);
    lnt_pg_p_text(&p, action);
    lnt_pg_p_text(&p, object != NULL ? object : "");
    lnt_pg_p_text(&p, detail);
    return lnt_pg_exec(pg,
                       "INSERT INTO audit_log (at, actor, action, object, detail) VALUES "
                       "($1, substr($2, 1, 63), substr($3, 1, 32), substr($4, 1, 64), $5)",
                       &p, NULL, err, "writing the audit log");
}
