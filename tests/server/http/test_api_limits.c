/* test_api_limits.c - the HTTP layer's limits under abuse, over real loopback sockets: request
 * head size, malformed requests, connections in total and per address, stalled and trickling
 * clients. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "buf.h"
#include "http.h"
#include "log.h"
#include "ltime.h"

#define MAX_RAW 32

struct fixture {
    struct lnt_http *http;
    uint16_t port;
    atomic_int handled; /* requests that reached the handler */
    int raw[MAX_RAW];   /* raw sockets the test opened, -1 when closed */
};

static void handler(void *ctx, const struct lnt_http_request *req, struct lnt_http_response *resp)
{
    struct fixture *f = ctx;

    atomic_fetch_add(&f->handled, 1);
    lnt_buf_reset(&resp->body);
    lnt_buf_printf(&resp->body, "{\"path\":\"%s\",\"bytes\":%zu}",
                   strcmp(req->path, "/healthz") == 0 ? "/healthz" : "other", req->body_len);
    resp->status = 200;
}

static size_t body_max(void *ctx, const char *method, const char *path)
{
    (void)ctx;
    (void)path;
    return strcmp(method, "POST") == 0 ? 64 * 1024 : 4096;
}

/* Starts a server with small limits; `tweak` may change the config first. */
static void start(struct fixture *f, void (*tweak)(struct lnt_http_config *))
{
    struct lnt_http_config cfg;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&cfg, 0, sizeof cfg);
    cfg.host = "127.0.0.1";
    cfg.threads = 2;
    cfg.timeout_s = 1;
    cfg.request_s = 2;
    cfg.max_conns = 64;
    cfg.max_conns_per_ip = 4;
    cfg.conn_memory = 8 * 1024;
    cfg.handler = handler;
    cfg.body_max = body_max;
    cfg.ctx = f;
    if (tweak != NULL)
        tweak(&cfg);
    if (lnt_http_start(&f->http, &cfg, err) != LNT_OK)
        fail_msg("start: %s", err);
    f->port = lnt_http_port(f->http);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    assert_non_null(f);
    lnt_log_init("test_api_limits", LNT_LOG_ERROR);
    for (size_t i = 0; i < MAX_RAW; i++)
        f->raw[i] = -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    for (size_t i = 0; i < MAX_RAW; i++)
        if (f->raw[i] >= 0)
            close(f->raw[i]);
    lnt_http_stop(f->http);
    free(f);
    return 0;
}

/* A new TCP connection to the server; its index in f->raw. */
static size_t raw_connect(struct fixture *f)
{
    struct sockaddr_in a;
    size_t i = 0;
    int fd;

    while (i < MAX_RAW && f->raw[i] >= 0)
        i++;
    assert_true(i < MAX_RAW);
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(f->port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    f->raw[i] = fd;
    return i;
}

static void raw_send(struct fixture *f, size_t i, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(f->raw[i], data, len, MSG_NOSIGNAL);
        assert_true(n > 0);
        data += n;
        len -= (size_t)n;
    }
}

static void raw_close(struct fixture *f, size_t i)
{
    close(f->raw[i]);
    f->raw[i] = -1;
}

/*
 * Reads from raw socket i until the server closes it or `ms` pass. Returns
 * true when it was closed (EOF or reset); what arrived goes to `got` (may be NULL).
 */
static bool raw_closed_within(struct fixture *f, size_t i, int ms, struct lnt_buf *got)
{
    int64_t end = lnt_mono_ms() + ms;
    char chunk[4096];

    for (;;) {
        struct pollfd p = {.fd = f->raw[i], .events = POLLIN};
        int64_t left = end - lnt_mono_ms();
        ssize_t n;

        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return false;
        n = recv(f->raw[i], chunk, sizeof chunk, 0);
        if (n == 0 || (n < 0 && errno == ECONNRESET))
            return true;
        assert_true(n > 0);
        if (got != NULL)
            assert_int_equal(lnt_buf_append(got, chunk, (size_t)n), LNT_OK);
    }
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    struct lnt_buf *b = ctx;
    return lnt_buf_append(b, p, size * n) == LNT_OK ? size * n : 0;
}

/* GET /healthz on a fresh curl connection; returns the status (0 when it failed) and its time. */
static long healthz(struct fixture *f, int64_t *ms)
{
    CURL *c = curl_easy_init();
    struct lnt_buf body;
    char url[64];
    long status = 0;
    int64_t t0 = lnt_mono_ms();

    assert_non_null(c);
    lnt_buf_init(&body, 4096);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/healthz", (unsigned)f->port);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (ms != NULL)
        *ms = lnt_mono_ms() - t0;
    curl_easy_cleanup(c);
    lnt_buf_release(&body);
    return status;
}

/* ---- the request head ---- */

static void test_api_limits__oversized_head_431_then_close(void **state)
{
    struct fixture *f = *state;
    struct lnt_buf req, got;
    size_t i;

    start(f, NULL);
    lnt_buf_init(&req, 64 * 1024);
    lnt_buf_init(&got, 64 * 1024);
    assert_int_equal(lnt_buf_puts(&req, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "),
                     LNT_OK);
    for (int k = 0; k < 16 * 1024; k++)
        assert_int_equal(lnt_buf_puts(&req, "a"), LNT_OK);
    assert_int_equal(lnt_buf_puts(&req, "\r\n\r\n"), LNT_OK);
    i = raw_connect(f);
    raw_send(f, i, req.data, req.len);
    assert_true(raw_closed_within(f, i, 5000, &got));
    assert_non_null(got.data);
    if (!lnt_str_starts(got.data, "HTTP/1.1 431 "))
        fail_msg("expected 431 for a 16 KiB header, got: %.80s", got.data);
    assert_int_equal(atomic_load(&f->handled), 0);
    raw_close(f, i);
    lnt_buf_release(&got);
    lnt_buf_release(&req);

    assert_int_equal(healthz(f, NULL), 200);
}

static void test_api_limits__long_request_line_refused(void **state)
{
    struct fixture *f = *state;
    struct lnt_buf req, got;
    size_t i;

    start(f, NULL);
    lnt_buf_init(&req, 64 * 1024);
    lnt_buf_init(&got, 64 * 1024);
    assert_int_equal(lnt_buf_puts(&req, "GET /"), LNT_OK);
    for (int k = 0; k < 16 * 1024; k++)
        assert_int_equal(lnt_buf_puts(&req, "a"), LNT_OK);
    assert_int_equal(lnt_buf_puts(&req, " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), LNT_OK);
    i = raw_connect(f);
    raw_send(f, i, req.data, req.len);
    assert_true(raw_closed_within(f, i, 5000, &got));
    assert_non_null(got.data);
    if (!lnt_str_starts(got.data, "HTTP/1.1 414 "))
        fail_msg("expected 414 for a 16 KiB request line, got: %.80s", got.data);
    assert_int_equal(atomic_load(&f->handled), 0);
    lnt_buf_release(&got);
    lnt_buf_release(&req);
}

static void test_api_limits__malformed_request_refused_then_close(void **state)
{
    struct fixture *f = *state;
    /* What libmicrohttpd answers by itself (docs/api.md, "Limits"); "" = nothing, just a close. */
    static const char *const bad[][2] = {
        {"GET /healthz HTTP/1.1\r\nNo colon here\r\n\r\n", "HTTP/1.1 400 "},
        {"GET /healthz\r\n\r\n", "HTTP/1.1 400 "},
        {"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", "HTTP/1.1 505 "},
        {"NONSENSE\r\n\r\n", ""},
    };
    struct lnt_buf got;

    start(f, NULL);
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        size_t i = raw_connect(f);
        lnt_buf_init(&got, 64 * 1024);
        raw_send(f, i, bad[k][0], strlen(bad[k][0]));
        assert_true(raw_closed_within(f, i, 5000, &got));
        if (bad[k][1][0] == '\0' ? got.len != 0
                                 : got.data == NULL || !lnt_str_starts(got.data, bad[k][1]))
            fail_msg("request %zu: expected `%s`, got: %.80s", k, bad[k][1],
                     got.data ? got.data : "(nothing)");
        lnt_buf_release(&got);
        raw_close(f, i);
    }
    assert_int_equal(atomic_load(&f->handled), 0);
    assert_int_equal(healthz(f, NULL), 200);
}

/* ---- connections ---- */

static void test_api_limits__connections_per_address(void **state)
{
    struct fixture *f = *state;
    size_t held[4], extra;

    start(f, NULL); /* at most 4 from one address */
    for (size_t k = 0; k < 4; k++)
        held[k] = raw_connect(f);
    /* The fifth is accepted and closed at once, with no reply. */
    extra = raw_connect(f);
    assert_true(raw_closed_within(f, extra, 3000, NULL));
    raw_close(f, extra);
    assert_int_equal(healthz(f, NULL), 0);

    /* The four held ones still work... */
    raw_send(f, held[0], "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 54);
    {
        struct lnt_buf got;
        lnt_buf_init(&got, 4096);
        assert_true(raw_closed_within(f, held[0], 3000, &got));
        assert_non_null(got.data);
        assert_true(lnt_str_starts(got.data, "HTTP/1.1 200 "));
        lnt_buf_release(&got);
    }
    /* ...and once one is gone, another may connect. */
    raw_close(f, held[0]);
    raw_close(f, held[1]);
    usleep(100 * 1000);
    assert_int_equal(healthz(f, NULL), 200);
}

static void many_per_ip(struct lnt_http_config *cfg)
{
    cfg->max_conns = 4;
    cfg->max_conns_per_ip = 64;
    cfg->timeout_s = 10;
}

static void test_api_limits__connections_in_total(void **state)
{
    static const char req[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    struct fixture *f = *state;
    struct lnt_buf got;
    size_t held[4], waiting;

    start(f, many_per_ip); /* at most 4 in total */
    for (size_t k = 0; k < 4; k++)
        held[k] = raw_connect(f);
    usleep(200 * 1000);
    /* A fifth waits in the kernel's listen queue: not accepted, not answered... */
    waiting = raw_connect(f);
    raw_send(f, waiting, req, strlen(req));
    lnt_buf_init(&got, 4096);
    assert_false(raw_closed_within(f, waiting, 1000, &got));
    assert_int_equal(got.len, 0);
    assert_int_equal(atomic_load(&f->handled), 0);
    /* ...until a slot is free. */
    raw_close(f, held[0]);
    assert_true(raw_closed_within(f, waiting, 3000, &got));
    assert_non_null(got.data);
    assert_true(lnt_str_starts(got.data, "HTTP/1.1 200 "));
    lnt_buf_release(&got);
    for (size_t k = 1; k < 4; k++)
        raw_close(f, held[k]);
}

/* ---- slow clients ---- */

static void idle_3s(struct lnt_http_config *cfg)
{
    cfg->timeout_s = 3;
    cfg->request_s = 10;
}

static void test_api_limits__stalled_clients_cut_off_others_served(void **state)
{
    struct fixture *f = *state;
    static const char *const partial[] = {
        "GET /healthz HT",                             /* stalls in the request line */
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\n", /* stalls in the head */
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"kio", /* body */
    };
    size_t slow[3];
    int64_t ms;

    start(f, idle_3s); /* 2 worker threads, idle timeout 3 s */
    for (size_t k = 0; k < 3; k++) {
        slow[k] = raw_connect(f);
        raw_send(f, slow[k], partial[k], strlen(partial[k]));
    }
    /* More stalled clients than worker threads, and a normal request is still answered well
     * before any of them times out. */
    assert_int_equal(healthz(f, &ms), 200);
    assert_true(ms < 2000);
    /* Each stalled connection is closed after the idle timeout. */
    for (size_t k = 0; k < 3; k++) {
        struct lnt_buf got;
        lnt_buf_init(&got, 4096);
        if (!raw_closed_within(f, slow[k], 8000, &got))
            fail_msg("stalled client %zu was not cut off", k);
        assert_int_equal(got.len, 0); /* no reply: nothing complete was asked */
        lnt_buf_release(&got);
    }
    assert_int_equal(atomic_load(&f->handled), 1);
}

static void test_api_limits__trickling_body_cut_off(void **state)
{
    struct fixture *f = *state;
    static const char head[] =
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n";
    int64_t t0;
    size_t i, sent = 0;
    bool closed = false;

    start(f, NULL); /* idle timeout 1 s, whole-body deadline 2 s */
    i = raw_connect(f);
    raw_send(f, i, head, strlen(head));
    t0 = lnt_mono_ms();
    /* One byte every 300 ms never looks idle, but the body deadline ends it. */
    while (!closed && lnt_mono_ms() - t0 < 8000 && sent < 1000) {
        if (send(f->raw[i], "x", 1, MSG_NOSIGNAL) != 1) {
            closed = true;
            break;
        }
        sent++;
        closed = raw_closed_within(f, i, 300, NULL);
    }
    assert_true(closed);
    assert_true(sent < 100);
    assert_true(lnt_mono_ms() - t0 >= 1500);
    assert_int_equal(atomic_load(&f->handled), 0);
    assert_int_equal(healthz(f, NULL), 200);
}

static void head_2s(struct lnt_http_config *cfg)
{
    cfg->timeout_s = 1;
    cfg->head_s = 2;
}

/* A head trickled a byte at a time, never idle, is cut off at the head deadline. */
static void test_api_limits__trickling_head_cut_off_at_deadline(void **state)
{
    struct fixture *f = *state;
    char head[256];
    struct lnt_buf got;
    int64_t t0;
    size_t i, sent = 0, len;
    bool closed = false;

    start(f, head_2s); /* idle timeout 1 s, head deadline 2 s */
    snprintf(head, sizeof head, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: %0180d\r\n\r\n", 0);
    len = strlen(head);
    lnt_buf_init(&got, 4096);
    i = raw_connect(f);
    t0 = lnt_mono_ms();
    /* One byte every 300 ms never looks idle; the whole head would take over a minute. */
    while (!closed && lnt_mono_ms() - t0 < 8000 && sent < len) {
        if (send(f->raw[i], head + sent, 1, MSG_NOSIGNAL) != 1) {
            closed = true;
            break;
        }
        sent++;
        closed = raw_closed_within(f, i, 300, &got);
    }
    if (!closed)
        fail_msg("a head trickled for %lld ms (%zu bytes) was not cut off",
                 (long long)(lnt_mono_ms() - t0), sent);
    assert_true(sent < len);
    assert_int_equal(got.len, 0); /* closed without a reply */
    assert_int_equal(atomic_load(&f->handled), 0);
    lnt_buf_release(&got);
    assert_int_equal(healthz(f, NULL), 200);
}

static void slow_rate(struct lnt_http_config *cfg)
{
    cfg->timeout_s = 5;
    cfg->request_s = 60;
    cfg->min_body_rate = 1024;
}

/* A body that keeps arriving, but at 200 bytes/s, is cut off long before the 60 s deadline. */
static void test_api_limits__body_under_min_rate_cut_off(void **state)
{
    static const char head[] =
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n";
    struct fixture *f = *state;
    char part[50];
    struct lnt_buf got;
    int64_t t0;
    size_t i, sent = 0;
    bool closed = false;

    start(f, slow_rate);
    memset(part, 'x', sizeof part);
    lnt_buf_init(&got, 4096);
    i = raw_connect(f);
    raw_send(f, i, head, strlen(head));
    t0 = lnt_mono_ms();
    while (!closed && lnt_mono_ms() - t0 < 20000 && sent < 60000) {
        if (send(f->raw[i], part, sizeof part, MSG_NOSIGNAL) != (ssize_t)sizeof part) {
            closed = true;
            break;
        }
        sent += sizeof part;
        closed = raw_closed_within(f, i, 250, &got);
    }
    if (!closed)
        fail_msg("a body at 200 bytes/s was still open after %lld ms (%zu bytes)",
                 (long long)(lnt_mono_ms() - t0), sent);
    assert_true(sent < 60000);
    assert_int_equal(got.len, 0);
    assert_int_equal(atomic_load(&f->handled), 0);
    lnt_buf_release(&got);
    assert_int_equal(healthz(f, NULL), 200);
}

static void sixteen_slow(struct lnt_http_config *cfg)
{
    cfg->max_conns = 16;
    cfg->max_conns_per_ip = 64;
    cfg->timeout_s = 60;
    cfg->head_s = 60;
}

/*
 * Near the connection limit, the connections waiting longest for a request head are dropped so
 * that a new client gets in; the younger ones are kept.
 */
static void test_api_limits__near_the_limit_oldest_idle_dropped(void **state)
{
    struct fixture *f = *state;
    size_t older[8], younger[8], dropped = 0;

    start(f, sixteen_slow); /* 16 in all; dropping starts above 14, down to 12 */
    for (size_t k = 0; k < 8; k++) {
        older[k] = raw_connect(f);
        raw_send(f, older[k], "GET /healthz HT", 15);
    }
    usleep(1000 * 1000);
    for (size_t k = 0; k < 8; k++) {
        younger[k] = raw_connect(f);
        raw_send(f, younger[k], "GET /healthz HT", 15);
    }
    /* All 16 slots were taken by stalled heads; a new client is still answered. */
    assert_int_equal(healthz(f, NULL), 200);
    for (size_t k = 0; k < 8; k++)
        if (raw_closed_within(f, older[k], 50, NULL))
            dropped++;
    assert_true(dropped >= 2);
    for (size_t k = 0; k < 8; k++)
        if (raw_closed_within(f, younger[k], 50, NULL))
            fail_msg("younger connection %zu was dropped while older ones were open", k);
    assert_int_equal(atomic_load(&f->handled), 1);
}

/* ---- bodies ---- */

/*
 * A chunked body (no Content-Length) that goes on past its bound, several times over: the
 * client gets the 413 problem docs/api.md promises, then the connection is closed. Sends and
 * reads at once, as a client that watches for an early reply does.
 */
static void test_api_limits__chunked_body_over_limit_413_then_close(void **state)
{
    static const char head[] =
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    struct fixture *f = *state;
    char chunk[8 + 8192 + 2], buf[4096];
    size_t i, chunk_len, sent = 0, off = 0;
    const size_t total = 1024 * 1024; /* 16 times the 64 KiB bound */
    struct lnt_buf got;
    bool closed = false;
    int64_t end;

    start(f, NULL);
    lnt_buf_init(&got, 64 * 1024);
    memcpy(chunk, "2000\r\n", 6);
    memset(chunk + 6, 'x', 8192);
    memcpy(chunk + 6 + 8192, "\r\n", 2);
    chunk_len = 6 + 8192 + 2;
    i = raw_connect(f);
    raw_send(f, i, head, strlen(head));
    end = lnt_mono_ms() + 10000;
    while (!closed && lnt_mono_ms() < end) {
        struct pollfd p = {.fd = f->raw[i], .events = POLLIN | (sent < total ? POLLOUT : 0)};
        if (poll(&p, 1, 200) <= 0)
            continue;
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = recv(f->raw[i], buf, sizeof buf, 0);
            if (n <= 0) {
                closed = true;
                break;
            }
            assert_int_equal(lnt_buf_append(&got, buf, (size_t)n), LNT_OK);
        }
        if ((p.revents & POLLOUT) && sent < total) {
            ssize_t n = send(f->raw[i], chunk + off, chunk_len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                sent = total; /* the server hung up: stop sending, read what came */
            else if (n > 0 && (off += (size_t)n) == chunk_len) {
                off = 0;
                sent += 8192;
            }
        }
    }
    assert_true(closed);
    assert_non_null(got.data);
    if (!lnt_str_starts(got.data, "HTTP/1.1 413 "))
        fail_msg("expected a 413 for a chunked body over its bound, got: %.80s",
                 got.len > 0 ? got.data : "(nothing)");
    assert_non_null(strstr(got.data, "application/problem+json"));
    assert_non_null(strstr(got.data, "\"status\":413"));
    assert_int_equal(atomic_load(&f->handled), 0);
    lnt_buf_release(&got);
    assert_int_equal(healthz(f, NULL), 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_api_limits__oversized_head_431_then_close, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api_limits__long_request_line_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api_limits__malformed_request_refused_then_close,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_limits__connections_per_address, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_limits__connections_in_total, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_limits__stalled_clients_cut_off_others_served,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_limits__trickling_body_cut_off, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_limits__chunked_body_over_limit_413_then_close,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_limits__trickling_head_cut_off_at_deadline, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api_limits__body_under_min_rate_cut_off, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_api_limits__near_the_limit_oldest_idle_dropped, setup,
                                        teardown),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
