/* pg_changes.c - the store on PostgreSQL: telling the other servers on the database what has
 * changed (NOTIFY), and hearing them (LISTEN on a connection of its own). */
#include "pg_int.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_changes.h"

enum lnt_err lnt_store_changed(struct lnt_store *s, int64_t venue_id, char *err)
{
    PGconn *pg = NULL;
    enum lnt_err rc;

    if (venue_id < 0)
        return lnt_fail(err, LNT_ERR_INVALID, "venue id %lld is not a venue", (long long)venue_id);
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_notify(pg, venue_id, err);
    lnt_pg_give(s, pg);
    return rc;
}

/* Adds id to out[0..*n) once; more than cap distinct ids become the one id "everything". */
static void add_id(int64_t id, int64_t *out, size_t cap, size_t *n)
{
    if (*n == 1 && out[0] == LNT_STORE_CHANGED_ALL)
        return;
    if (id == LNT_STORE_CHANGED_ALL) {
        out[0] = LNT_STORE_CHANGED_ALL;
        *n = 1;
        return;
    }
    for (size_t i = 0; i < *n; i++)
        if (out[i] == id)
            return;
    if (*n == cap) {
        out[0] = LNT_STORE_CHANGED_ALL;
        *n = 1;
        return;
    }
    out[(*n)++] = id;
}

/* Reads what has arrived on the listening connection into out. */
static enum lnt_err drain(PGconn *pg, int64_t *out, size_t cap, size_t *n, char *err)
{
    PGnotify *note;

    if (PQconsumeInput(pg) == 0 || PQstatus(pg) != CONNECTION_OK)
        return lnt_fail(err, LNT_ERR_NET, "listening for other servers' changes: %s",
                        PQerrorMessage(pg));
    while ((note = PQnotifies(pg)) != NULL) {
        char *end = NULL;
        long long id;

        errno = 0;
        id = strtoll(note->extra, &end, 10);
        /* anything not a venue id (another program on the channel) counts as everything */
        if (errno != 0 || end == note->extra || *end != '\0' || id < 0)
            id = LNT_STORE_CHANGED_ALL;
        add_id((int64_t)id, out, cap, n);
        PQfreemem(note);
    }
    return LNT_OK;
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum lnt_err lnt_store_changes_wait(struct lnt_store *s, int timeout_ms, int64_t *out, size_t cap,
                                    size_t *n, char *err)
{
    int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    enum lnt_err rc = LNT_OK;

    *n = 0;
    if (cap == 0 || cap > LNT_STORE_CHANGES_MAX || out == NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "room for 1-%d venue ids wanted",
                        LNT_STORE_CHANGES_MAX);
    if (s->listen != NULL && PQstatus(s->listen) != CONNECTION_OK) {
        PQfinish(s->listen);
        s->listen = NULL;
    }
    if (s->listen == NULL) {
        rc = lnt_pg_connect(s->target, &s->listen, err);
        if (rc == LNT_OK)
            rc = lnt_pg_exec(s->listen, "LISTEN " LNT_PG_CHANNEL, NULL, NULL, err,
                             "listening for other servers' changes");
        if (rc != LNT_OK) {
            PQfinish(s->listen);
            s->listen = NULL;
            return rc;
        }
        /* whatever changed while nobody listened is unknown: everything */
        add_id(LNT_STORE_CHANGED_ALL, out, cap, n);
        return LNT_OK;
    }
    for (;;) {
        struct pollfd pfd = {.fd = PQsocket(s->listen), .events = POLLIN};
        int64_t left;
        int r;

        rc = drain(s->listen, out, cap, n, err);
        if (rc != LNT_OK || *n > 0)
            break;
        left = deadline - now_ms();
        if (left <= 0)
            break;
        if (pfd.fd < 0) {
            rc = lnt_fail(err, LNT_ERR_NET, "listening for other servers' changes: no socket");
            break;
        }
        r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
        if (r < 0 && errno != EINTR) {
            rc = lnt_fail(err, LNT_ERR_IO, "waiting for other servers' changes: %s",
                          strerror(errno));
            break;
        }
    }
    if (rc != LNT_OK) {
        *n = 0;
        PQfinish(s->listen);
        s->listen = NULL;
    }
    return rc;
}
