/* http.h - the HTTP server seam: plain request/response types over libmicrohttpd. */
#ifndef LNT_HTTP_H
#define LNT_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

/*
 * Nothing outside http.c sees libmicrohttpd. A handler gets a complete
 * request (headers, query, the whole body, already bounded) and fills a
 * response; the seam sends it, keeps the connection alive when it can and
 * logs one line per request ("POST /api/v1/events 200 123 4ms").
 */

#define LNT_HTTP_MAX_HEADERS 8           /* extra response headers */
#define LNT_HTTP_RESPONSE_MAX (8u << 20) /* bytes in one response body */

struct lnt_http; /* a running server */

struct lnt_http_request {
    const char *method; /* "GET", "POST", ... */
    const char *path;   /* without the query string */
    const char *query;  /* the query string exactly as sent, without '?'; "" when none */
    const char *body;   /* NUL-terminated for convenience; may hold NULs itself */
    size_t body_len;
    void *conn;                    /* the seam's; use the lookups below */
    const struct lnt_http *server; /* the seam's */
};

/* A request header's value (name compared case-insensitively), or NULL. Valid during the handler
 * call. */
const char *lnt_http_header(const struct lnt_http_request *r, const char *name);
/* A query argument's value (unescaped), or NULL. A key with no '=' has value "". */
const char *lnt_http_query(const struct lnt_http_request *r, const char *name);
/*
 * The client's address as text ("127.0.0.1", "::1"); "unknown" when it cannot
 * be told. From a trusted proxy (lnt_http_config.trusted_proxies), the client
 * it names in X-Forwarded-For; the proxy's own address if it names none.
 */
void lnt_http_peer(const struct lnt_http_request *r, char *out, size_t size);
/* true when the request came over TLS, or from a trusted proxy saying X-Forwarded-Proto: https. */
bool lnt_http_is_tls(const struct lnt_http_request *r);

struct lnt_http_header_field {
    char name[64];
    char value[256];
};

/*
 * What a handler fills. lnt_http_response_init sets status 500, content
 * type "application/json" and an empty body bounded by LNT_HTTP_RESPONSE_MAX.
 */
struct lnt_http_response {
    int status;
    char content_type[64];
    struct lnt_buf body;
    struct lnt_http_header_field headers[LNT_HTTP_MAX_HEADERS];
    size_t n_headers;
};

void lnt_http_response_init(struct lnt_http_response *r);
void lnt_http_response_release(struct lnt_http_response *r);
/* Adds a header. LNT_ERR_TOO_LARGE when the table is full or name/value do not fit (nothing added).
 */
enum lnt_err lnt_http_response_header(struct lnt_http_response *r, const char *name,
                                      const char *value);
/*
 * Replaces the response with an RFC 9457 problem:
 *   {"type":"about:blank","title":<reason phrase>,"status":N,"detail":<detail>}
 * as application/problem+json. Extra headers already added are kept.
 * Never fails: on allocation failure the body is left empty.
 */
void lnt_http_problem(struct lnt_http_response *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Standard reason phrase for `status` ("Not Found"); "Unknown" when there is none. */
const char *lnt_http_reason(int status);

/* Fills `resp` for `req`. Called from the server's threads, several at once. */
typedef void (*lnt_http_handler_fn)(void *ctx, const struct lnt_http_request *req,
                                    struct lnt_http_response *resp);
/*
 * The most body bytes accepted for a method and path. A request declaring or
 * sending more is answered 413 by the seam without calling the handler and
 * without reading the rest of the body (a chunked one: at once over plain
 * HTTP, at its end over TLS; docs/api.md, "Limits").
 */
typedef size_t (*lnt_http_body_max_fn)(void *ctx, const char *method, const char *path);
/*
 * Called once for every response the seam sends (the handler's and its own
 * 413s), after it is queued, with the status and the time since the
 * request head arrived. Responses libmicrohttpd makes by itself (a request
 * line or head it cannot parse, or one over conn_memory) are not seen.
 */
typedef void (*lnt_http_done_fn)(void *ctx, int status, int64_t elapsed_us);

/*
 * Limits (see docs/api.md, "Limits"):
 * - timeout_s: a connection with no bytes moving for this long is closed,
 *   so a client that sends a little and stalls holds nothing for long.
 * - request_s: a request whose body is still arriving this long after its
 *   head is cut off (connection closed, no reply: libmicrohttpd cannot
 *   answer half-way through a body), so trickling bytes cannot keep a
 *   request open forever.
 * - max_conns / max_conns_per_ip: further connections are accepted and
 *   closed at once, without a reply.
 * - conn_memory: bounds the request head (line plus headers); a larger head
 *   gets libmicrohttpd's own 431 (or 414 for a long request line) and a close.
 * - head_s: a request head not complete this long after the connection
 *   opened (or its previous reply was sent) is cut off, however steadily its
 *   bytes trickle in (closed without a reply).
 * - min_body_rate: a body averaging fewer bytes per second than this, judged
 *   from 5 s after its head, is cut off (closed without a reply).
 * - when more than 7/8 of max_conns are open, the connections waiting
 *   longest for a request head are closed (without a reply) until 3/4 are
 *   left, so that new clients are let in; none younger than half a second.
 * Workers are event-driven: a stalled connection occupies no thread.
 */
struct lnt_http_config {
    const char *host;          /* address or name to bind; NULL = "127.0.0.1" */
    uint16_t port;             /* 0 = any free port (see lnt_http_port) */
    unsigned threads;          /* worker threads; 0 = 2 */
    unsigned timeout_s;        /* idle connection timeout; 0 = 15 */
    unsigned request_s;        /* whole-body deadline after the head; 0 = 60 */
    unsigned max_conns;        /* 0 = 1024 */
    unsigned max_conns_per_ip; /* 0 = 64 */
    size_t conn_memory;        /* per-connection buffer, bounds the request head; 0 = 32 KiB */
    unsigned head_s;           /* whole-head deadline; 0 = 10 */
    unsigned min_body_rate;    /* bytes/s a body must average after 5 s; 0 = 1024 */
    /*
     * TLS: both set (PEM text, NUL-terminated, borrowed until lnt_http_start
     * returns) to serve HTTPS only; both NULL for plain HTTP.
     */
    const char *tls_cert_pem;
    const char *tls_key_pem;
    /*
     * Reverse proxies in front ("127.0.0.1,::1"; NULL = none), whose
     * X-Forwarded-For and X-Forwarded-Proto are believed. Every client's
     * connection then comes from a proxy, so the per-address connection limit
     * is raised to the total one; the handler sees each client's own address.
     */
    const char *trusted_proxies;
    lnt_http_handler_fn handler;
    lnt_http_body_max_fn body_max; /* NULL = 4 KiB for every request */
    lnt_http_done_fn done;         /* NULL = none */
    void *ctx;                     /* passed to handler, body_max and done; borrowed */
};

/*
 * Resolves cfg->host, binds, and starts serving on internal threads.
 * On success *out owns the running server (lnt_http_stop ends it); on error
 * nothing is left running, *out is untouched, `err` says why.
 */
enum lnt_err lnt_http_start(struct lnt_http **out, const struct lnt_http_config *cfg, char *err);
/* The port actually bound (useful after asking for port 0). */
uint16_t lnt_http_port(const struct lnt_http *h);
/* Stops accepting, waits for the worker threads, frees everything. NULL is a no-op. */
void lnt_http_stop(struct lnt_http *h);

/*
 * Splits "HOST:PORT" or "[V6ADDR]:PORT" into host (at most host_size - 1
 * bytes) and port. LNT_ERR_INVALID with a message naming what is wrong.
 */
enum lnt_err lnt_http_parse_listen(const char *spec, char *host, size_t host_size, uint16_t *port,
                                   char *err);
/*
 * true when every address `host` resolves to is a loopback address
 * (127.0.0.0/8 or ::1); false when it resolves to anything else or not at all.
 */
bool lnt_http_host_is_loopback(const char *host);

#endif
