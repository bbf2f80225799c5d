/* http.c - the HTTP server seam: the only file that talks to libmicrohttpd. */
#include "http.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "http_guard.h"
#include "http_proxy.h"
#include "log.h"
#include "ltime.h"

#define DEFAULT_BODY_MAX 4096
#define DEFAULT_THREADS 2
#define DEFAULT_TIMEOUT_S 15
#define DEFAULT_REQUEST_S 60
#define DEFAULT_MAX_CONNS 1024
#define DEFAULT_MAX_CONNS_PER_IP 64
#define DEFAULT_CONN_MEMORY (32 * 1024)
#define DEFAULT_HEAD_S 10
#define DEFAULT_MIN_BODY_RATE 1024 /* bytes per second */
#define BODY_GRACE_S 5             /* before the body rate is judged */
#define GUARD_PERIOD_MS 250
#define EVICT_MIN_AGE_MS 500 /* a connection this young is never dropped to make room */
#define LOG_PATH_MAX 160
/* Over TLS a chunked body over its bound is drained up to this many bounds, then answered 413. */
#define DRAIN_TLS_FACTOR 8
/* TLS 1.2 and 1.3 only, GnuTLS's default ciphers for them. */
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

struct lnt_http {
    struct MHD_Daemon *daemon;
    struct lnt_http_guard *guard; /* head deadline, body rate, eviction (http_guard.h) */
    struct lnt_http_config cfg;
    struct lnt_proxy_list proxies;
    uint16_t port;
    bool tls;
    int64_t request_us; /* body deadline after the head */
    char *cert_pem;     /* copies kept for the daemon's lifetime; the key is wiped on stop */
    char *key_pem;
};

static int64_t mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The guard's record of `conn` (set when it was accepted), or NULL. */
static struct lnt_http_guard_conn *track_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci != NULL ? ci->socket_context : NULL;
}

/* One per request, from its request line (on_uri) to MHD's "completed" notice. */
struct req_state {
    char *query;  /* the query string as sent, without '?' ("" when none); owned */
    bool started; /* on_access has seen the head */
    struct lnt_buf body;
    size_t max;
    size_t discarded; /* bytes dropped after the body went over `max` */
    int64_t start_us;
    bool too_large;
    bool responded;   /* a response is queued with MHD */
    bool replied_raw; /* a 413 was written to the socket directly, mid-body */
};

/* ---- responses ---- */

void lnt_http_response_init(struct lnt_http_response *r)
{
    memset(r, 0, sizeof *r);
    r->status = 500;
    lnt_str_copy(r->content_type, sizeof r->content_type, "application/json");
    lnt_buf_init(&r->body, LNT_HTTP_RESPONSE_MAX);
}

void lnt_http_response_release(struct lnt_http_response *r)
{
    lnt_buf_release(&r->body);
    r->n_headers = 0;
}

enum lnt_err lnt_http_response_header(struct lnt_http_response *r, const char *name,
                                      const char *value)
{
    struct lnt_http_header_field *f;

    if (r->n_headers >= LNT_HTTP_MAX_HEADERS || strlen(name) >= sizeof f->name ||
        strlen(value) >= sizeof f->value)
        return LNT_ERR_TOO_LARGE;
    f = &r->headers[r->n_headers++];
    lnt_str_copy(f->name, sizeof f->name, name);
    lnt_str_copy(f->value, sizeof f->value, value);
    return LNT_OK;
}

const char *lnt_http_reason(int status)
{
    const char *s = status > 0 ? MHD_get_reason_phrase_for((unsigned)status) : NULL;
    return s != NULL && *s != '\0' ? s : "Unknown";
}

void lnt_http_problem(struct lnt_http_response *r, int status, const char *fmt, ...)
{
    char detail[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);

    r->status = status;
    lnt_str_copy(r->content_type, sizeof r->content_type, "application/problem+json");
    lnt_buf_reset(&r->body);
    if (lnt_buf_puts(&r->body, "{\"type\":\"about:blank\",\"title\":") != LNT_OK ||
        lnt_buf_put_json_str(&r->body, lnt_http_reason(status)) != LNT_OK ||
        lnt_buf_printf(&r->body, ",\"status\":%d,\"detail\":", status) != LNT_OK ||
        lnt_buf_put_json_str(&r->body, detail) != LNT_OK || lnt_buf_puts(&r->body, "}") != LNT_OK)
        lnt_buf_reset(&r->body);
}

/* ---- requests ---- */

const char *lnt_http_header(const struct lnt_http_request *r, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)r->conn, MHD_HEADER_KIND, name);
}

const char *lnt_http_query(const struct lnt_http_request *r, const char *name)
{
    const char *v =
        MHD_lookup_connection_value((struct MHD_Connection *)r->conn, MHD_GET_ARGUMENT_KIND, name);
    if (v == NULL &&
        MHD_lookup_connection_value_n((struct MHD_Connection *)r->conn, MHD_GET_ARGUMENT_KIND, name,
                                      strlen(name), NULL, NULL) == MHD_YES)
        return "";
    return v;
}

/* The socket's peer address, or NULL. */
static const struct sockaddr *peer_addr(const struct lnt_http_request *r)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
        (struct MHD_Connection *)r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return ci != NULL ? ci->client_addr : NULL;
}

/* true when the request arrived from one of the trusted proxies. */
static bool from_proxy(const struct lnt_http_request *r)
{
    return r->server != NULL && r->server->proxies.n > 0 &&
           lnt_proxy_trusted(&r->server->proxies, peer_addr(r));
}

void lnt_http_peer(const struct lnt_http_request *r, char *out, size_t size)
{
    const struct sockaddr *sa = peer_addr(r);
    const char *ok = NULL;

    if (size == 0)
        return;
    if (from_proxy(r) &&
        lnt_proxy_client(&r->server->proxies, lnt_http_header(r, "X-Forwarded-For"), out, size))
        return;
    if (sa != NULL && sa->sa_family == AF_INET)
        ok = inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                       (socklen_t)size);
    else if (sa != NULL && sa->sa_family == AF_INET6)
        ok = inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                       (socklen_t)size);
    if (ok == NULL)
        lnt_str_copy(out, size, "unknown");
}

bool lnt_http_is_tls(const struct lnt_http_request *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info((struct MHD_Connection *)r->conn, MHD_CONNECTION_INFO_PROTOCOL);
    if (ci != NULL && ci->protocol != 0)
        return true;
    return from_proxy(r) && lnt_proxy_says_https(lnt_http_header(r, "X-Forwarded-Proto"));
}

/* Copies a client-chosen path for a log line: bounded, control bytes shown as '?'. */
static void log_safe(char *out, size_t size, const char *s)
{
    size_t i = 0;

    for (; *s != '\0' && i + 1 < size; s++)
        out[i++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
    out[i] = '\0';
}

/* Tells the `done` callback and logs the request line, once a response is on its way. */
static void note_sent(struct lnt_http *h, const char *method, const char *url,
                      const struct req_state *st, int status, size_t len)
{
    int64_t elapsed_us = mono_us() - st->start_us;
    char path[LOG_PATH_MAX];

    if (h->cfg.done != NULL)
        h->cfg.done(h->cfg.ctx, status, elapsed_us);
    log_safe(path, sizeof path, url);
    lnt_info("%s %s %d %zu %lldms", method, path, status, len, (long long)(elapsed_us / 1000));
}

/*
 * Hands `resp` to MHD for `conn`. The body buffer moves into the MHD
 * response (resp->body is empty afterwards). Logs the request line.
 */
static enum MHD_Result send_response(struct lnt_http *h, struct MHD_Connection *conn,
                                     const char *method, const char *url, struct req_state *st,
                                     struct lnt_http_response *resp, bool close_after)
{
    struct MHD_Response *mr;
    enum MHD_Result ret = MHD_NO;
    size_t len = 0;
    char *data = lnt_buf_detach(&resp->body, &len);

    if (data == NULL)
        return MHD_NO;
    mr = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (mr == NULL) {
        free(data);
        return MHD_NO;
    }
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
    for (size_t i = 0; i < resp->n_headers; i++)
        MHD_add_response_header(mr, resp->headers[i].name, resp->headers[i].value);
    if (close_after)
        MHD_add_response_header(mr, MHD_HTTP_HEADER_CONNECTION, "close");
    ret = MHD_queue_response(conn, (unsigned)resp->status, mr);
    MHD_destroy_response(mr);
    st->responded = true;
    note_sent(h, method, url, st, resp->status, len);
    return ret;
}

static enum MHD_Result respond_too_large(struct lnt_http *h, struct MHD_Connection *conn,
                                         const char *method, const char *url, struct req_state *st)
{
    struct lnt_http_response resp;
    enum MHD_Result ret;

    lnt_http_response_init(&resp);
    lnt_http_problem(&resp, 413, "request body is over the %zu-byte limit for %s %s", st->max,
                     method, url);
    ret = send_response(h, conn, method, url, st, &resp, true);
    lnt_http_response_release(&resp);
    return ret;
}

/*
 * The 413 for a body found too large while it arrives (chunked, so no
 * declared length), written straight to the plain-HTTP socket: libmicrohttpd
 * 0.9.75 can queue a response only before the body or after its end, and an
 * over-long body may never end. Then the write side is shut, so the client
 * sees the whole reply; the caller drains a little and closes. Called on the
 * connection's own thread while MHD has nothing of its own to send.
 * LNT_ERR_NET when the socket would not take it all at once.
 */
static enum lnt_err reply_raw_413(struct lnt_http *h, struct MHD_Connection *conn,
                                  const char *method, const char *url, struct req_state *st)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    struct lnt_http_response resp;
    struct lnt_buf out;
    enum lnt_err rc = LNT_ERR_NET;
    size_t off = 0;

    if (ci == NULL)
        return LNT_ERR_NET;
    lnt_http_response_init(&resp);
    lnt_buf_init(&out, 4096);
    lnt_http_problem(&resp, 413, "request body is over the %zu-byte limit for %s %s", st->max,
                     method, url);
    if (lnt_buf_printf(&out,
                       "HTTP/1.1 413 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                       "Connection: close\r\n\r\n",
                       lnt_http_reason(413), resp.content_type, resp.body.len) != LNT_OK ||
        (resp.body.len > 0 && lnt_buf_append(&out, resp.body.data, resp.body.len) != LNT_OK))
        goto out;
    while (off < out.len) {
        ssize_t n =
            send(ci->connect_fd, out.data + off, out.len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n <= 0)
            goto out;
        off += (size_t)n;
    }
    shutdown(ci->connect_fd, SHUT_WR);
    note_sent(h, method, url, st, 413, resp.body.len);
    rc = LNT_OK;
out:
    lnt_buf_release(&out);
    lnt_http_response_release(&resp);
    return rc;
}

/*
 * MHD calls this first with the headers (set up the state, refuse a declared
 * oversized body at once), then once per chunk of body, then a final time
 * with no data: the response is queued only then, so keep-alive survives.
 */
static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls)
{
    struct lnt_http *h = cls;
    struct req_state *st = *con_cls;
    struct lnt_http_request req;
    struct lnt_http_response resp;
    enum MHD_Result ret;

    (void)version;
    if (st == NULL)
        return MHD_NO; /* on_uri could not allocate it */
    if (!st->started) {
        const char *cl;
        int64_t declared;

        st->started = true;
        st->start_us = mono_us();
        lnt_http_guard_head_done(h->guard, track_of(conn));
        st->max =
            h->cfg.body_max != NULL ? h->cfg.body_max(h->cfg.ctx, method, url) : DEFAULT_BODY_MAX;
        lnt_buf_init(&st->body, st->max);
        cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl != NULL && lnt_parse_i64(cl, 0, INT64_MAX, &declared) == LNT_OK &&
            (uint64_t)declared > st->max) {
            st->too_large = true;
            /* Queued before the body is read: MHD skips the body and closes the connection. */
            lnt_http_guard_busy(h->guard, track_of(conn));
            return respond_too_large(h, conn, method, url, st);
        }
        return MHD_YES;
    }
    if (st->responded) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        lnt_http_guard_body(h->guard, track_of(conn), *upload_data_size);
        if (mono_us() - st->start_us > h->request_us) {
            char path[LOG_PATH_MAX];
            log_safe(path, sizeof path, url);
            lnt_warn("%s %s: body still arriving after %lld s: connection cut off", method, path,
                     (long long)(h->request_us / 1000000));
            return MHD_NO;
        }
        if (!st->too_large) {
            enum lnt_err rc = lnt_buf_append(&st->body, upload_data, *upload_data_size);
            if (rc == LNT_ERR_TOO_LARGE) {
                st->too_large = true;
                lnt_buf_release(&st->body);
            } else if (rc != LNT_OK) {
                return MHD_NO;
            }
        }
        if (st->too_large) {
            /*
             * Over the bound with no declared length (chunked). Plain HTTP: answer 413 at once,
             * then drain up to one more bound's worth so the client can read it before the
             * close. TLS: drain up to DRAIN_TLS_FACTOR bounds and answer when the body ends.
             */
            st->discarded += *upload_data_size;
            *upload_data_size = 0;
            if (!h->tls && !st->replied_raw) {
                if (reply_raw_413(h, conn, method, url, st) != LNT_OK)
                    return MHD_NO;
                st->replied_raw = true;
                lnt_http_guard_busy(h->guard, track_of(conn));
            }
            if (st->discarded > (h->tls ? DRAIN_TLS_FACTOR : 1) * st->max)
                return MHD_NO;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (st->replied_raw)
        return MHD_NO; /* answered already: close */
    lnt_http_guard_busy(h->guard, track_of(conn));
    if (st->too_large)
        return respond_too_large(h, conn, method, url, st);

    req.method = method;
    req.path = url;
    req.query = st->query;
    req.body = st->body.data != NULL ? st->body.data : "";
    req.body_len = st->body.len;
    req.conn = conn;
    req.server = h;
    lnt_http_response_init(&resp);
    h->cfg.handler(h->cfg.ctx, &req, &resp);
    ret = send_response(h, conn, method, url, st, &resp, false);
    lnt_http_response_release(&resp);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct lnt_http *h = cls;
    struct req_state *st = *con_cls;

    (void)toe;
    lnt_http_guard_idle(h->guard, track_of(conn)); /* the next request's head is awaited */
    if (st == NULL)
        return;
    lnt_buf_release(&st->body);
    free(st->query);
    free(st);
    *con_cls = NULL;
}

/* Registers each connection with the guard when accepted, and forgets it before it is closed. */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct lnt_http *h = cls;

    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = ci != NULL ? lnt_http_guard_open(h->guard, ci->connect_fd) : NULL;
        if (*socket_context == NULL)
            lnt_warn("http: a connection is not watched for slowness (out of memory)");
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        lnt_http_guard_close(h->guard, *socket_context);
        *socket_context = NULL;
    }
}

/*
 * MHD calls this with the request target as sent, before it splits off the
 * query: the request's state starts here so that the raw query string (which
 * version 2 kiosk signatures cover) is kept. NULL when out of memory (the
 * request is then refused).
 */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct req_state *st = calloc(1, sizeof *st);
    const char *q = uri != NULL ? strchr(uri, '?') : NULL;

    (void)cls;
    (void)conn;
    if (st == NULL)
        return NULL;
    st->query = strdup(q != NULL ? q + 1 : "");
    if (st->query == NULL) {
        free(st);
        return NULL;
    }
    return st;
}

__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    size_t n;

    (void)cls;
    vsnprintf(line, sizeof line, fmt, ap);
    n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    lnt_warn("http: %s", line);
}

/* ---- addresses ---- */

enum lnt_err lnt_http_parse_listen(const char *spec, char *host, size_t host_size, uint16_t *port,
                                   char *err)
{
    const char *colon, *hstart = spec, *hend;
    int64_t p;

    if (spec == NULL || *spec == '\0')
        return lnt_fail(err, LNT_ERR_INVALID, "listen address is empty: expected HOST:PORT");
    if (spec[0] == '[') {
        hstart = spec + 1;
        hend = strchr(hstart, ']');
        if (hend == NULL || hend[1] != ':')
            return lnt_fail(err, LNT_ERR_INVALID, "listen address `%s`: expected [IPV6]:PORT",
                            spec);
        colon = hend + 1;
    } else {
        colon = strrchr(spec, ':');
        if (colon == NULL)
            return lnt_fail(err, LNT_ERR_INVALID, "listen address `%s`: expected HOST:PORT", spec);
        hend = colon;
    }
    if (hend == hstart)
        return lnt_fail(err, LNT_ERR_INVALID, "listen address `%s`: host is empty", spec);
    if ((size_t)(hend - hstart) >= host_size)
        return lnt_fail(err, LNT_ERR_INVALID, "listen address `%s`: host is too long", spec);
    if (lnt_parse_i64(colon + 1, 0, 65535, &p) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID,
                        "listen address `%s`: port must be a number from 0 to 65535", spec);
    memcpy(host, hstart, (size_t)(hend - hstart));
    host[hend - hstart] = '\0';
    *port = (uint16_t)p;
    return LNT_OK;
}

static bool addr_is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    return false;
}

bool lnt_http_host_is_loopback(const char *host)
{
    struct addrinfo hints, *res = NULL;
    bool loop = true;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, NULL, &hints, &res) != 0 || res == NULL)
        return false;
    for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next)
        loop = loop && addr_is_loopback(ai->ai_addr);
    freeaddrinfo(res);
    return loop;
}

/* ---- lifecycle ---- */

/* The limits a server runs with: cfg's, or the defaults for those it leaves 0. */
struct limits {
    unsigned threads, timeout_s, request_s, max_conns, per_ip;
    size_t conn_memory;
    struct lnt_http_guard_limits guard;
};

static void limits_of(const struct lnt_http_config *cfg, struct limits *l)
{
    unsigned head_s = cfg->head_s != 0 ? cfg->head_s : DEFAULT_HEAD_S;

    memset(l, 0, sizeof *l);
    l->threads = cfg->threads != 0 ? cfg->threads : DEFAULT_THREADS;
    l->timeout_s = cfg->timeout_s != 0 ? cfg->timeout_s : DEFAULT_TIMEOUT_S;
    l->request_s = cfg->request_s != 0 ? cfg->request_s : DEFAULT_REQUEST_S;
    l->max_conns = cfg->max_conns != 0 ? cfg->max_conns : DEFAULT_MAX_CONNS;
    l->per_ip = cfg->max_conns_per_ip != 0 ? cfg->max_conns_per_ip : DEFAULT_MAX_CONNS_PER_IP;
    l->conn_memory = cfg->conn_memory != 0 ? cfg->conn_memory : DEFAULT_CONN_MEMORY;
    if (l->max_conns < l->threads)
        l->max_conns = l->threads;
    l->guard.head_us = (int64_t)head_s * 1000000;
    l->guard.body_us = (int64_t)l->request_s * 1000000;
    l->guard.grace_us = (int64_t)BODY_GRACE_S * 1000000;
    l->guard.min_rate = cfg->min_body_rate != 0 ? cfg->min_body_rate : DEFAULT_MIN_BODY_RATE;
    l->guard.high_water = l->max_conns - l->max_conns / 8;
    l->guard.low_water = l->max_conns - l->max_conns / 4;
    l->guard.min_age_us = (int64_t)EVICT_MIN_AGE_MS * 1000;
    l->guard.period_us = (int64_t)GUARD_PERIOD_MS * 1000;
}

/*
 * The socket address to listen on: `host` (an IP address or a name that
 * resolves to one) and `port`; adds MHD_USE_IPv6 to *flags for IPv6.
 * LNT_ERR_NET naming the host otherwise.
 */
static enum lnt_err resolve_listen(const char *host, uint16_t port, struct sockaddr_storage *addr,
                                   unsigned *flags, char *err)
{
    struct addrinfo hints, *res = NULL;
    enum lnt_err rc = LNT_OK;
    int gai;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    gai = getaddrinfo(host, NULL, &hints, &res);
    if (gai != 0 || res == NULL) {
        rc = lnt_fail(err, LNT_ERR_NET, "cannot resolve listen host `%s`: %s", host,
                      gai != 0 ? gai_strerror(gai) : "no address");
        goto out;
    }
    if (res->ai_addrlen > sizeof *addr) {
        rc = lnt_fail(err, LNT_ERR_NET, "listen host `%s`: unsupported address", host);
        goto out;
    }
    memset(addr, 0, sizeof *addr);
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    if (addr->ss_family == AF_INET) {
        ((struct sockaddr_in *)(void *)addr)->sin_port = htons(port);
    } else if (addr->ss_family == AF_INET6) {
        ((struct sockaddr_in6 *)(void *)addr)->sin6_port = htons(port);
        *flags |= MHD_USE_IPv6;
    } else {
        rc = lnt_fail(err, LNT_ERR_NET, "listen host `%s`: not an IP address", host);
    }
out:
    if (res != NULL)
        freeaddrinfo(res);
    return rc;
}

/*
 * The daemon's TLS options: copies of cfg's certificate and key kept in `h`
 * (MHD keeps the pointers, so they live as long as the daemon) and the
 * cipher priorities. LNT_ERR_NOMEM.
 */
static enum lnt_err tls_options(struct lnt_http *h, const struct lnt_http_config *cfg,
                                struct MHD_OptionItem opts[4], char *err)
{
    h->cert_pem = strdup(cfg->tls_cert_pem);
    h->key_pem = strdup(cfg->tls_key_pem);
    if (h->cert_pem == NULL || h->key_pem == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "http: out of memory");
    opts[0].option = MHD_OPTION_HTTPS_MEM_CERT;
    opts[0].ptr_value = h->cert_pem;
    opts[1].option = MHD_OPTION_HTTPS_MEM_KEY;
    opts[1].ptr_value = h->key_pem;
    opts[2].option = MHD_OPTION_HTTPS_PRIORITIES;
    opts[2].ptr_value = (void *)(uintptr_t)TLS_PRIORITIES;
    opts[3].option = MHD_OPTION_END;
    return LNT_OK;
}

enum lnt_err lnt_http_start(struct lnt_http **out, const struct lnt_http_config *cfg, char *err)
{
    struct lnt_http *h = NULL;
    struct sockaddr_storage addr;
    const union MHD_DaemonInfo *info;
    const char *host = cfg->host != NULL ? cfg->host : "127.0.0.1";
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
    struct limits lim;
    struct MHD_OptionItem tls_opts[4];
    bool tls = cfg->tls_cert_pem != NULL || cfg->tls_key_pem != NULL;
    enum lnt_err rc = LNT_OK;

    if (cfg->handler == NULL)
        return lnt_fail(err, LNT_ERR_INTERNAL, "http: no request handler");
    limits_of(cfg, &lim);
    memset(tls_opts, 0, sizeof tls_opts);
    tls_opts[0].option = MHD_OPTION_END;
    if (tls) {
        if (cfg->tls_cert_pem == NULL || cfg->tls_key_pem == NULL)
            return lnt_fail(err, LNT_ERR_INVALID,
                            "TLS needs both a certificate and its private key");
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
            return lnt_fail(err, LNT_ERR_INTERNAL,
                            "this libmicrohttpd was built without TLS support");
        flags |= MHD_USE_TLS;
    }

    rc = resolve_listen(host, cfg->port, &addr, &flags, err);
    if (rc != LNT_OK)
        goto out;

    h = calloc(1, sizeof *h);
    if (h == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "http: out of memory");
        goto out;
    }
    h->cfg = *cfg;
    h->cfg.tls_cert_pem = NULL; /* borrowed only until we return */
    h->cfg.tls_key_pem = NULL;
    h->cfg.trusted_proxies = NULL;
    rc = lnt_proxy_list_parse(cfg->trusted_proxies, &h->proxies, err);
    if (rc != LNT_OK)
        goto out;
    if (h->proxies.n > 0)
        lim.per_ip = lim.max_conns; /* a proxy carries everyone's connections */
    h->tls = tls;
    h->request_us = (int64_t)lim.request_s * 1000000;
    rc = lnt_http_guard_start(&h->guard, &lim.guard, err);
    if (rc != LNT_OK)
        goto out;
    if (tls && (rc = tls_options(h, cfg, tls_opts, err)) != LNT_OK)
        goto out;
    /* clang-format off */
    h->daemon = MHD_start_daemon(
        flags, cfg->port, NULL, NULL, on_access, h,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, (void *)NULL, /* first, so it sees every message */
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, lim.threads,
        MHD_OPTION_CONNECTION_TIMEOUT, lim.timeout_s,
        MHD_OPTION_CONNECTION_LIMIT, lim.max_conns,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, lim.per_ip,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, lim.conn_memory,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, (void *)h,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, (void *)h,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, (void *)NULL,
        MHD_OPTION_ARRAY, tls_opts,
        MHD_OPTION_END);
    /* clang-format on */
    if (h->daemon == NULL) {
        rc = lnt_fail(err, LNT_ERR_NET,
                      tls ? "cannot serve HTTPS on %s port %u (port in use, or the certificate "
                            "and key are not a matching PEM pair?)"
                          : "cannot listen on %s port %u (in use, or not allowed?)",
                      host, (unsigned)cfg->port);
        goto out;
    }
    info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (info == NULL || info->port == 0) {
        rc = lnt_fail(err, LNT_ERR_NET, "http: cannot tell which port was bound");
        goto out;
    }
    h->port = info->port;
    *out = h;
    h = NULL; /* owned by the caller now */
out:
    lnt_http_stop(h);
    return rc;
}

uint16_t lnt_http_port(const struct lnt_http *h)
{
    return h->port;
}

void lnt_http_stop(struct lnt_http *h)
{
    if (h == NULL)
        return;
    lnt_http_guard_halt(h->guard); /* no more shutdowns: MHD closes everything next */
    if (h->daemon != NULL)
        MHD_stop_daemon(h->daemon);
    lnt_http_guard_free(h->guard);
    if (h->key_pem != NULL) {
        volatile char *v = h->key_pem;
        for (size_t i = 0; v[i] != '\0'; i++)
            v[i] = 0;
    }
    free(h->key_pem);
    free(h->cert_pem);
    free(h);
}
