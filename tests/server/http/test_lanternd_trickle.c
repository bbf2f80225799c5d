/*
 * test_lanternd_trickle.c - the real lanternd under a slow-head flood: 2,000 connections from 20
 * loopback addresses (127.0.1.1 to 127.0.1.20), at most 1,100 open at once, each sending its
 * request head a byte every 2 s. Meanwhile a kiosk uploads signed batches, an officer reads the
 * venue list and /healthz is asked, and every one of them must be answered.
 *
 * The flood stops by itself once 2,000 connections have been opened and have all been closed by
 * the server (or after FLOOD_BUDGET_S, which fails the test). The test needs about 1,200 file
 * descriptors: it raises its own RLIMIT_NOFILE soft limit to the hard one (lanternd raises its
 * own at start).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>

#include "buf.h"
#include "codec.h"
#include "kiosk_client.h"
#include "lanternd.h"
#include "log.h"
#include "ltime.h"
#include "reqsig.h"
#include "store.h"
#include "support.h"

#define DAY 86400
#define ADDRESSES 20      /* source addresses 127.0.1.1 .. 127.0.1.20 */
#define OPEN_AT_ONCE 1100 /* 55 per address: under the 64 per address, over the 1,024 in all */
#define TOTAL 2000        /* connections opened over the run */
#define BYTE_EVERY_MS 2000
#define FLOOD_BUDGET_S 90 /* the flood gives up (and the test fails) after this */
#define FD_NEED (OPEN_AT_ONCE + 128)

struct slow {
    int fd;          /* -1 = free slot */
    size_t sent;     /* head bytes sent */
    int64_t next_ms; /* when the next byte goes */
};

struct fixture {
    char *dir;
    char *db;
    struct lnt_test_lanternd server;
    int64_t venue_id;
    char code[LNT_ENROLL_CODE_LEN + 1];
    char token[LNT_TOKEN_LEN + 1];
    struct lnt_test_kiosk kiosk;
    /* the flood, run by its own thread */
    struct slow conns[OPEN_AT_ONCE];
    size_t opened, closed_by_server, open_now, max_open;
    atomic_int flood_done;
    atomic_int flood_stop; /* set by teardown when the test failed with the flood running */
    pthread_t flood;
    bool flood_started;
    bool budget_spent;
    char flood_err[160];
};

/* A long head: at a byte every 2 s it would take hours to finish. */
static const char slow_head[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: "
                                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                "\r\n\r\n";

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    struct lnt_buf *b = ctx;
    return lnt_buf_append(b, p, size * n) == LNT_OK ? size * n : 0;
}

static void raise_fd_limit(void)
{
    struct rlimit rl;

    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
    }
    if (rl.rlim_cur < FD_NEED)
        fail_msg("this test needs %d open files; the hard limit (ulimit -Hn) is %llu", FD_NEED,
                 (unsigned long long)rl.rlim_cur);
}

/* ---- the flood ---- */

/* A non-blocking connection from 127.0.1.(1 + k % ADDRESSES), or -1. */
static int slow_connect(const struct fixture *f, size_t k)
{
    struct sockaddr_in src, dst;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    if (fd < 0)
        return -1;
    memset(&src, 0, sizeof src);
    src.sin_family = AF_INET;
    src.sin_addr.s_addr = htonl((127u << 24) | (1u << 8) | (unsigned)(1 + k % ADDRESSES));
    memset(&dst, 0, sizeof dst);
    dst.sin_family = AF_INET;
    dst.sin_port = htons(f->server.port);
    dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&src, sizeof src) != 0 ||
        (connect(fd, (struct sockaddr *)&dst, sizeof dst) != 0 && errno != EINPROGRESS)) {
        close(fd);
        return -1;
    }
    return fd;
}

static void slow_close(struct fixture *f, struct slow *c, bool by_server)
{
    close(c->fd);
    c->fd = -1;
    f->open_now--;
    if (by_server)
        f->closed_by_server++;
}

/*
 * Keeps up to OPEN_AT_ONCE slow connections open, opening a new one whenever the server closes
 * one, until TOTAL have been opened and all of them are closed.
 */
static void *flood_main(void *arg)
{
    struct fixture *f = arg;
    static struct pollfd p[OPEN_AT_ONCE];
    int64_t end = lnt_mono_ms() + FLOOD_BUDGET_S * 1000;

    for (size_t i = 0; i < OPEN_AT_ONCE; i++)
        f->conns[i].fd = -1;
    while (f->opened < TOTAL || f->open_now > 0) {
        int64_t now = lnt_mono_ms();
        size_t n = 0;

        if (now > end) {
            f->budget_spent = true;
            break;
        }
        if (atomic_load(&f->flood_stop))
            break;
        for (size_t i = 0; i < OPEN_AT_ONCE && f->opened < TOTAL; i++) {
            struct slow *c = &f->conns[i];
            if (c->fd >= 0)
                continue;
            c->fd = slow_connect(f, f->opened);
            if (c->fd < 0) {
                snprintf(f->flood_err, sizeof f->flood_err, "connect from 127.0.1.%zu: %s",
                         1 + f->opened % ADDRESSES, strerror(errno));
                goto out;
            }
            c->sent = 0;
            c->next_ms = now + (int64_t)(f->opened % 20) * (BYTE_EVERY_MS / 20); /* spread */
            f->opened++;
            f->open_now++;
            if (f->open_now > f->max_open)
                f->max_open = f->open_now;
        }
        for (size_t i = 0; i < OPEN_AT_ONCE; i++) {
            struct slow *c = &f->conns[i];
            if (c->fd < 0)
                continue;
            if (now >= c->next_ms && c->sent < sizeof slow_head - 1) {
                ssize_t k = send(c->fd, slow_head + c->sent, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (k == 1) {
                    c->sent++;
                    c->next_ms = now + BYTE_EVERY_MS;
                } else if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOTCONN) {
                    slow_close(f, c, true);
                    continue;
                }
            }
            p[n].fd = c->fd;
            p[n].events = POLLIN;
            p[n].revents = 0;
            n++;
        }
        if (n > 0 && poll(p, n, 100) > 0) {
            for (size_t j = 0; j < n; j++) {
                char buf[256];
                if ((p[j].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
                    continue;
                if (recv(p[j].fd, buf, sizeof buf, MSG_DONTWAIT) < 0 &&
                    (errno == EAGAIN || errno == EWOULDBLOCK))
                    continue;
                /* EOF, a reset, or a reply: the server is done with it either way. */
                for (size_t i = 0; i < OPEN_AT_ONCE; i++)
                    if (f->conns[i].fd == p[j].fd) {
                        slow_close(f, &f->conns[i], true);
                        break;
                    }
            }
        } else if (n == 0) {
            usleep(100 * 1000);
        }
    }
out:
    for (size_t i = 0; i < OPEN_AT_ONCE; i++)
        if (f->conns[i].fd >= 0)
            slow_close(f, &f->conns[i], false);
    atomic_store(&f->flood_done, 1);
    return NULL;
}

/* ---- the clients that must be served ---- */

/* One request on a fresh connection; the status (0 when there was no reply) and body. */
static long fetch(struct fixture *f, const char *method, const char *path,
                  struct curl_slist *headers, const char *body, size_t len, struct lnt_buf *out)
{
    CURL *c = curl_easy_init();
    char url[256];
    long status = 0;

    assert_non_null(c);
    lnt_buf_reset(out);
    snprintf(url, sizeof url, "%s%s", f->server.base, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    if (headers != NULL)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status;
}

/* Uploads `n` fresh sign-in events from seq `first`, signed; the HTTP status. */
static long upload(struct fixture *f, int64_t first, size_t n, struct lnt_buf *out)
{
    struct lnt_buf b;
    struct curl_slist *h;
    char when[LNT_TIME_STRLEN];
    int64_t now = lnt_time_now();
    struct lnt_reqsig_parts parts;
    long status;

    lnt_buf_init(&b, 1u << 20);
    assert_int_equal(lnt_time_format(now - 60, when), LNT_OK);
    assert_int_equal(
        lnt_buf_printf(&b, "{\"kiosk_id\": %lld, \"events\": [", (long long)f->kiosk.id), LNT_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(
            lnt_buf_printf(&b,
                           "%s{\"seq\": %lld, \"uuid\": \"5f0c0000-0000-4000-8000-%012lld\", "
                           "\"type\": \"sign_in\", \"occurred_at\": \"%s\", \"recorded_at\": "
                           "\"%s\", \"staff_id\": \"12\", \"badge_serial\": \"a1b2c3d4e5f60718\", "
                           "\"role\": \"door\", \"sia_number\": \"1234567812345678\", "
                           "\"sia_expires\": \"2030-05-01\", \"sia_status\": \"valid\", "
                           "\"verdict\": \"green\"}",
                           i > 0 ? ", " : "", (long long)(first + (int64_t)i),
                           (long long)(first + (int64_t)i), when, when),
            LNT_OK);
    assert_int_equal(lnt_buf_puts(&b, "]}"), LNT_OK);
    memset(&parts, 0, sizeof parts);
    parts.method = "POST";
    parts.path = "/api/v1/events";
    parts.backlog = "0";
    parts.body = b.data;
    parts.len = b.len;
    h = lnt_test_kiosk_headers(f->kiosk.sk, f->kiosk.id, now, 2, &parts, true);
    status = fetch(f, "POST", "/api/v1/events", h, b.data, b.len, out);
    curl_slist_free_all(h);
    lnt_buf_release(&b);
    return status;
}

/* ---- set-up ---- */

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct lnt_store *store = NULL;
    struct lnt_venue v;
    struct lnt_token t;
    char err[LNT_ERRBUF_SIZE] = "";

    assert_non_null(f);
    lnt_log_init("test_lanternd_trickle", LNT_LOG_WARN);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    f->dir = lnt_test_tmpdir();
    assert_non_null(f->dir);
    f->db = lnt_test_path(f->dir, "lantern.db");
    assert_int_equal(lnt_store_open(&store, f->db, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_init(store, "WTN", err), LNT_OK);
    memset(&v, 0, sizeof v);
    lnt_str_copy(v.name, sizeof v.name, "The Crown");
    v.category = LNT_VENUE_PUB;
    v.capacity = 200;
    lnt_str_copy(v.area, sizeof v.area, "Centre");
    assert_int_equal(lnt_store_venue_add(store, &v, err), LNT_OK);
    f->venue_id = v.id;
    assert_int_equal(
        lnt_store_enroll_code_add(store, f->venue_id, lnt_time_now() + 7 * DAY, f->code, err),
        LNT_OK);
    memset(&t, 0, sizeof t);
    lnt_str_copy(t.label, sizeof t.label, "licensing desk");
    t.scope.role = LNT_OFFICER_OFFICER;
    t.expires_at = lnt_time_now() + 30 * DAY;
    assert_int_equal(lnt_store_token_add(store, &t, lnt_time_now(), f->token, err), LNT_OK);
    lnt_store_free(store);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    if (f->flood_started) {
        atomic_store(&f->flood_stop, 1);
        pthread_join(f->flood, NULL);
    }
    lnt_test_lanternd_stop(&f->server, SIGKILL);
    lnt_test_rmrf(f->dir);
    free(f->dir);
    free(f->db);
    sodium_memzero(f->kiosk.sk, sizeof f->kiosk.sk);
    free(f);
    return 0;
}

/* ---- the test ---- */

static void test_lanternd_trickle__kiosk_and_officer_served_through_2000_slow_heads(void **state)
{
    struct fixture *f = *state;
    struct lnt_buf out;
    char auth[LNT_TOKEN_LEN + 40];
    struct curl_slist *officer;
    int64_t seq = 1, t0;
    size_t rounds = 0, batch = 5;

    raise_fd_limit();
    lnt_test_lanternd_start(&f->server, f->dir, f->db, NULL);
    lnt_test_kiosk_enroll(f->server.base, f->code, &f->kiosk);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", f->token);
    officer = curl_slist_append(NULL, auth);
    lnt_buf_init(&out, 4u << 20);

    assert_int_equal(pthread_create(&f->flood, NULL, flood_main, f), 0);
    f->flood_started = true;
    /* Let the flood fill the server first (or as many as the server lets in). */
    t0 = lnt_mono_ms();
    while (!atomic_load(&f->flood_done) && f->opened < OPEN_AT_ONCE && lnt_mono_ms() - t0 < 10000)
        usleep(50 * 1000);
    usleep(2000 * 1000);

    /* While the flood comes and goes, every kiosk upload, officer page and health check is
     * answered. */
    while (!atomic_load(&f->flood_done)) {
        long status;
        json_t *j;

        status = upload(f, seq, batch, &out);
        if (status != 200)
            fail_msg("round %zu: kiosk upload got %ld (0 = no reply) with %zu slow connections "
                     "open",
                     rounds, status, f->open_now);
        j = json_loadb(out.data, out.len, 0, NULL);
        assert_non_null(j);
        assert_int_equal(json_array_size(json_object_get(j, "accepted")), batch);
        json_decref(j);
        seq += (int64_t)batch;

        status = fetch(f, "GET", "/api/v1/venues", officer, NULL, 0, &out);
        if (status != 200)
            fail_msg("round %zu: officer venue list got %ld with %zu slow connections open", rounds,
                     status, f->open_now);
        assert_non_null(strstr(out.data, "The Crown"));

        status = fetch(f, "GET", "/healthz", NULL, NULL, 0, &out);
        if (status != 200)
            fail_msg("round %zu: /healthz got %ld with %zu slow connections open", rounds, status,
                     f->open_now);
        rounds++;
        usleep(500 * 1000);
    }
    pthread_join(f->flood, NULL);
    f->flood_started = false;
    curl_slist_free_all(officer);
    lnt_buf_release(&out);

    print_message("%zu rounds served; %zu slow connections opened, at most %zu at once\n", rounds,
                  f->opened, f->max_open);
    if (f->flood_err[0] != '\0')
        fail_msg("the flood could not run: %s", f->flood_err);
    if (f->budget_spent)
        fail_msg("after %d s, %zu of the %d slow connections were still open", FLOOD_BUDGET_S,
                 f->open_now, TOTAL);
    assert_int_equal(f->opened, TOTAL);
    assert_int_equal(f->closed_by_server, TOTAL); /* none finished its head: all were cut off */
    assert_true(f->max_open >= 1000);
    assert_true(rounds >= 5);

    lnt_test_lanternd_stop(&f->server, SIGTERM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_lanternd_trickle__kiosk_and_officer_served_through_2000_slow_heads, setup,
            teardown),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
