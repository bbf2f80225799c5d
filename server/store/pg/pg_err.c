/* pg_err.c - the PostgreSQL backend's errors: libpq results and SQLSTATEs as enum lnt_err. */
#include "pg_int.h"

#include <string.h>

/* the SQLSTATE of this thread's last failure, for lnt_pg_deadlocked */
static _Thread_local char last_state[6];

enum lnt_err lnt_pg_sqlstate_err(const char *st)
{
    if (st == NULL || strlen(st) != 5)
        return LNT_ERR_NET;
    if (strcmp(st, "23505") == 0)
        return LNT_ERR_EXISTS;
    if (strcmp(st, "23503") == 0)
        return LNT_ERR_NOT_FOUND;
    if (strcmp(st, "23514") == 0 || strcmp(st, "23502") == 0 || strncmp(st, "22", 2) == 0)
        return LNT_ERR_INVALID;
    if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 || strcmp(st, "55P03") == 0 ||
        strcmp(st, "57014") == 0)
        return LNT_ERR_TIMEOUT;
    if (strncmp(st, "08", 2) == 0 || strcmp(st, "57P01") == 0 || strcmp(st, "57P02") == 0 ||
        strcmp(st, "57P03") == 0)
        return LNT_ERR_NET;
    if (strncmp(st, "28", 2) == 0)
        return LNT_ERR_UNAUTHORIZED;
    return LNT_ERR_DB;
}

/* The first line of a libpq message, without its trailing newline. */
static void first_line(char *dst, size_t size, const char *msg)
{
    size_t n = 0;

    if (msg == NULL)
        msg = "";
    while (msg[n] != '\0' && msg[n] != '\n' && n + 1 < size) {
        dst[n] = msg[n];
        n++;
    }
    dst[n] = '\0';
}

enum lnt_err lnt_pg_fail(PGconn *pg, const PGresult *res, char *err, const char *what)
{
    char line[LNT_ERRBUF_SIZE];
    const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res != NULL ? PQresultErrorMessage(res) : NULL;

    if (msg == NULL || msg[0] == '\0')
        msg = pg != NULL ? PQerrorMessage(pg) : "no connection";
    first_line(line, sizeof line, msg);
    (void)lnt_str_copy(last_state, sizeof last_state, state != NULL ? state : "");
    /* a failure without a SQLSTATE on a live connection is libpq's own (out of memory, a
     * protocol error): a database error; on a dead one, the network */
    if (state == NULL && pg != NULL && PQstatus(pg) == CONNECTION_OK)
        return lnt_fail(err, LNT_ERR_DB, "%s: %s", what, line);
    return lnt_fail(err, lnt_pg_sqlstate_err(state), "%s: %s", what, line);
}

bool lnt_pg_deadlocked(void)
{
    return strcmp(last_state, "40P01") == 0 || strcmp(last_state, "40001") == 0;
}
