/* http_guard.h - the seam's watch over slow connections: head deadline, body rate, eviction. */
#ifndef LNT_HTTP_GUARD_H
#define LNT_HTTP_GUARD_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/*
 * libmicrohttpd bounds a connection only by idleness, so a client sending a
 * byte now and then holds its slot for ever, and enough of them fill every
 * slot. The guard knows each connection's socket and phase (told by http.c
 * from libmicrohttpd's callbacks) and, from a thread of its own, ends a
 * connection by shutting its socket down, which libmicrohttpd then sees as
 * the client hanging up:
 * - a request head (request line and headers) not complete head_us after
 *   the connection opened or its previous reply was sent;
 * - a body still arriving body_us after its head, or averaging under
 *   min_rate bytes/s once grace_us have passed;
 * - when more than high_water connections are open, the ones waiting
 *   longest for a head (the slowest, or idle between requests) until
 *   low_water are left; none younger than min_age_us.
 * A socket is shut down only while its connection is registered, under the
 * guard's lock, and http.c unregisters it before libmicrohttpd closes the
 * descriptor, so a descriptor number reused by another connection is never
 * touched. Every function is thread-safe.
 */
struct lnt_http_guard_limits {
    int64_t head_us;
    int64_t body_us;
    int64_t grace_us;
    uint64_t min_rate; /* body bytes per second */
    size_t high_water;
    size_t low_water;
    int64_t min_age_us;
    int64_t period_us; /* how often the guard looks */
};

struct lnt_http_guard;
struct lnt_http_guard_conn;

/* Starts the guard's thread. LNT_ERR_NOMEM or LNT_ERR_INTERNAL (thread) with `err`. */
enum lnt_err lnt_http_guard_start(struct lnt_http_guard **out,
                                  const struct lnt_http_guard_limits *lim, char *err);
/* Stops the thread. Connections still registered must be closed (unregistered) before free. */
void lnt_http_guard_halt(struct lnt_http_guard *g);
/* Frees the guard after lnt_http_guard_halt and once every connection is closed. NULL: no-op. */
void lnt_http_guard_free(struct lnt_http_guard *g);

/* A new connection on socket `fd`, waiting for its head. NULL when out of memory. */
struct lnt_http_guard_conn *lnt_http_guard_open(struct lnt_http_guard *g, int fd);
/* Its head arrived: the body phase starts (bounded by time and rate). */
void lnt_http_guard_head_done(struct lnt_http_guard *g, struct lnt_http_guard_conn *c);
/* `n` more body bytes arrived. */
void lnt_http_guard_body(struct lnt_http_guard *g, struct lnt_http_guard_conn *c, size_t n);
/* The request is complete: the handler runs and the reply is sent (not watched). */
void lnt_http_guard_busy(struct lnt_http_guard *g, struct lnt_http_guard_conn *c);
/* The reply was sent (or the request ended): waiting for the next head. */
void lnt_http_guard_idle(struct lnt_http_guard *g, struct lnt_http_guard_conn *c);
/* The connection is about to be closed: forget it and free `c`. NULL: no-op. */
void lnt_http_guard_close(struct lnt_http_guard *g, struct lnt_http_guard_conn *c);

#endif
