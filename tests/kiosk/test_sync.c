/* test_sync.c - pushing the outbox to a scripted HTTP server on 127.0.0.1: acks, conflicts,
 * refusals, dead networks. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "codec.h"
#include "ltime.h"
#include "outbox.h"
#include "reqsig.h"
#include "support.h"
#include "sync.h"

#define REQ_MAX (2 * 1024 * 1024)

/* Answers one request with `status` and `body`, keeping what was asked. */
/* Case-insensitive strstr, for HTTP header names. */
static const char *find_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay != '\0'; hay++) {
        size_t i = 0;
        while (i < n && hay[i] != '\0' && (hay[i] | 0x20) == (needle[i] | 0x20))
            i++;
        if (i == n)
            return hay;
    }
    return NULL;
}

struct fake {
    int listen_fd;
    int port;
    pthread_t thread;
    int status;
    const char *body;
    char *request; /* head and body as received */
    size_t request_len;
};

static void *serve_one(void *arg)
{
    struct fake *f = arg;
    char head[512];
    size_t len = 0, want = 0;
    char *end = NULL;
    int fd = accept(f->listen_fd, NULL, NULL);

    if (fd < 0)
        return NULL;
    f->request = calloc(1, REQ_MAX + 1);
    while (f->request != NULL && len < REQ_MAX) {
        ssize_t n = read(fd, f->request + len, REQ_MAX - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        f->request[len] = '\0';
        if (end == NULL && (end = strstr(f->request, "\r\n\r\n")) != NULL) {
            const char *cl = find_ci(f->request, "Content-Length:");
            int64_t v = 0;
            if (cl != NULL && cl < end) {
                char num[24];
                size_t i = 0;
                cl += strlen("Content-Length:");
                while (*cl == ' ')
                    cl++;
                while (i + 1 < sizeof num && cl[i] >= '0' && cl[i] <= '9') {
                    num[i] = cl[i];
                    i++;
                }
                num[i] = '\0';
                lnt_parse_i64(num, 0, REQ_MAX, &v);
            }
            want = (size_t)(end - f->request) + 4 + (size_t)v;
        }
        if (end != NULL && len >= want)
            break;
    }
    f->request_len = len;
    snprintf(head, sizeof head,
             "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
             "Connection: close\r\n\r\n",
             f->status, strlen(f->body));
    /* The client may be gone already: no SIGPIPE for that. */
    if (send(fd, head, strlen(head), MSG_NOSIGNAL) < 0 ||
        send(fd, f->body, strlen(f->body), MSG_NOSIGNAL) < 0)
        fprintf(stderr, "fake server: the client went away\n");
    close(fd);
    return NULL;
}

static void fake_start(struct fake *f, int status, const char *body)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof a;

    memset(f, 0, sizeof *f);
    f->status = status;
    f->body = body;
    f->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(f->listen_fd >= 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(f->listen_fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(f->listen_fd, 4), 0);
    assert_int_equal(getsockname(f->listen_fd, (struct sockaddr *)&a, &alen), 0);
    f->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&f->thread, NULL, serve_one, f), 0);
}

/* Requests stay readable until the test's teardown. */
static char *captured[8];
static size_t n_captured;

static void fake_stop(struct fake *f)
{
    pthread_join(f->thread, NULL);
    close(f->listen_fd);
    assert_true(n_captured < sizeof captured / sizeof captured[0]);
    captured[n_captured++] = f->request;
}

/* The value of header `name` in the captured request, copied into `out`. */
static bool header(const struct fake *f, const char *name, char *out, size_t size)
{
    const char *p = find_ci(f->request, name);
    size_t n = 0;

    if (p == NULL)
        return false;
    p += strlen(name);
    while (*p == ':' || *p == ' ')
        p++;
    while (p[n] != '\r' && p[n] != '\0' && n + 1 < size)
        n++;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}

struct world {
    char *dir;
    struct lnt_outbox *ob;
    struct lnt_sync *sync;
    struct lnt_identity *id;
};

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof *w);

    assert_non_null(w);
    w->dir = lnt_test_tmpdir();
    w->id = calloc(1, sizeof *w->id);
    assert_int_equal(lnt_outbox_open(w->dir, &w->ob, NULL), LNT_OK);
    assert_int_equal(lnt_outbox_identity_get(w->ob, w->id, NULL), LNT_OK);
    assert_int_equal(lnt_sync_new(&w->sync, NULL), LNT_OK);
    w->id->kiosk_id = 3;
    for (int i = 0; i < 3; i++) {
        struct lnt_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = LNT_EV_BADGE_REFUSED;
        ev.occurred_at = lnt_time_now();
        ev.u.refused.reason = LNT_BADGE_EXPIRED;
        assert_int_equal(lnt_outbox_append(w->ob, &ev, NULL), LNT_OK);
    }
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    lnt_sync_free(w->sync);
    lnt_outbox_free(w->ob);
    lnt_test_rmrf(w->dir);
    free(w->dir);
    free(w->id);
    while (n_captured > 0)
        free(captured[--n_captured]);
    free(w);
    return 0;
}

static void point_at(struct world *w, const struct fake *f, const char *base)
{
    snprintf(w->id->server_url, sizeof w->id->server_url, "http://127.0.0.1:%d%s", f->port, base);
}

static int64_t unsent(struct world *w)
{
    int64_t n = -1;
    assert_int_equal(lnt_outbox_count(w->ob, &n, NULL), LNT_OK);
    return n;
}

static int64_t aside(struct world *w)
{
    int64_t n = -1;
    assert_int_equal(lnt_outbox_aside_count(w->ob, &n, NULL), LNT_OK);
    return n;
}

static void test_sync__accepted_events_are_forgotten_and_request_is_signed(void **state)
{
    struct world *w = *state;
    struct lnt_sync_result res;
    char err[LNT_ERRBUF_SIZE] = "", kiosk[32], ts[32], sig[128], ver[8];
    const char *body;
    int64_t t = 0;
    struct fake f;

    fake_start(&f, 200,
               "{\"accepted\": [1, 2], \"duplicates\": [3], \"conflicts\": [], \"rejected\": []}");
    point_at(w, &f, "/");
    assert_int_equal(lnt_sync_push(w->sync, w->ob, w->id, &res, err), LNT_OK);
    fake_stop(&f);
    assert_int_equal(res.sent, 3);
    assert_int_equal(res.aside, 0);
    assert_int_equal(res.sent_seq, 3); /* a duplicate is held by the server too */
    assert_int_equal(res.aside_seq, 0);
    assert_int_equal(unsent(w), 0);

    /* What went out is a signed batch that the server's check accepts. */
    assert_true(lnt_str_starts(f.request, "POST /api/v1/events HTTP/1.1\r\n"));
    assert_true(header(&f, LNT_HDR_KIOSK, kiosk, sizeof kiosk));
    assert_string_equal(kiosk, "3");
    assert_true(header(&f, LNT_HDR_TIME, ts, sizeof ts));
    assert_int_equal(lnt_parse_i64(ts, 0, INT64_MAX, &t), LNT_OK);
    assert_true(header(&f, LNT_HDR_SIGNATURE, sig, sizeof sig));
    body = strstr(f.request, "\r\n\r\n") + 4;
    assert_non_null(strstr(body, "kiosk_id"));
    assert_true(header(&f, LNT_HDR_SIG_VERSION, ver, sizeof ver));
    assert_string_equal(ver, "2");
    {
        struct lnt_reqsig_parts p = {"POST", "/api/v1/events", "", NULL, body, strlen(body)};
        assert_int_equal(lnt_reqsig_verify2(w->id->pk, 3, t, lnt_time_now(), &p, sig, err), LNT_OK);
    }
}

static void test_sync__base_path_is_signed_too(void **state)
{
    struct world *w = *state;
    struct lnt_sync_result res;
    char err[LNT_ERRBUF_SIZE] = "", ts[32], sig[128];
    int64_t t = 0;
    struct fake f;
    const char *body;

    fake_start(
        &f, 200,
        "{\"accepted\": [1, 2, 3], \"duplicates\": [], \"conflicts\": [], \"rejected\": []}");
    point_at(w, &f, "/lantern/");
    assert_int_equal(lnt_sync_push(w->sync, w->ob, w->id, &res, err), LNT_OK);
    fake_stop(&f);
    assert_true(lnt_str_starts(f.request, "POST /lantern/api/v1/events HTTP/1.1\r\n"));
    assert_true(header(&f, LNT_HDR_TIME, ts, sizeof ts));
    assert_int_equal(lnt_parse_i64(ts, 0, INT64_MAX, &t), LNT_OK);
    assert_true(header(&f, LNT_HDR_SIGNATURE, sig, sizeof sig));
    body = strstr(f.request, "\r\n\r\n") + 4;
    {
        struct lnt_reqsig_parts p = {"POST",      "/lantern/api/v1/events", NULL, NULL, body,
                                     strlen(body)};
        assert_int_equal(lnt_reqsig_verify2(w->id->pk, 3, t, lnt_time_now(), &p, sig, err), LNT_OK);
    }
}

static void test_sync__409_sets_conflicts_aside_and_keeps_the_rest(void **state)
{
    struct world *w = *state;
    struct lnt_sync_result res;
    char err[LNT_ERRBUF_SIZE] = "";
    struct fake f;

    fake_start(
        &f, 409,
        "{\"accepted\": [1], \"duplicates\": [], "
        "\"conflicts\": [{\"seq\": 2, \"reason\": \"stored before with different content\"}], "
        "\"rejected\": []}");
    point_at(w, &f, "");
    assert_int_equal(lnt_sync_push(w->sync, w->ob, w->id, &res, err), LNT_OK);
    fake_stop(&f);
    assert_int_equal(res.sent, 1);
    assert_int_equal(res.aside, 1);
    assert_int_equal(res.http_status, 409);
    /* seq 3 was not in the reply: it stays, to be sent again. */
    assert_int_equal(unsent(w), 1);
    assert_int_equal(aside(w), 1);
}

/* A save of another venue's incident report: a 409 problem that still answers every event. */
static void test_sync__409_problem_sets_the_refused_save_aside_and_forgets_the_rest(void **state)
{
    struct world *w = *state;
    struct lnt_sync_result res;
    char err[LNT_ERRBUF_SIZE] = "";
    struct fake f;

    fake_start(&f, 409,
               "{\"type\": \"about:blank\", \"title\": \"Conflict\", \"status\": 409, "
               "\"detail\": \"event 1: seq 2: incident 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b "
               "belongs to another venue: this kiosk may not change it; not stored\", "
               "\"accepted\": [1, 3], \"duplicates\": [], \"conflicts\": [], "
               "\"rejected\": [{\"seq\": 2, \"reason\": \"incident "
               "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b belongs to another venue: this kiosk may not "
               "change it; not stored\"}]}");
    point_at(w, &f, "");
    if (lnt_sync_push(w->sync, w->ob, w->id, &res, err) != LNT_OK)
        fail_msg("push: %s", err);
    fake_stop(&f);
    assert_int_equal(res.http_status, 409);
    assert_int_equal(res.sent, 2);
    assert_int_equal(res.aside, 1);
    /* What the SAVED screen is told: 3 reached the server, 2 did not. */
    assert_int_equal(res.sent_seq, 3);
    assert_int_equal(res.aside_seq, 2);
    assert_int_equal(unsent(w), 0);
    assert_int_equal(aside(w), 1);
}

static void test_sync__reply_naming_unsent_events_deletes_nothing_else(void **state)
{
    struct world *w = *state;
    struct lnt_sync_result res;
    struct fake f;

    /* 101 events: the batch carries 1..100, so 101 is not in it even though the reply names it. */
    for (int i = 0; i < 98; i++) {
        struct lnt_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = LNT_EV_BADGE_REFUSED;
        ev.occurred_at = lnt_time_now();
        ev.u.refused.reason = LNT_BADGE_REVOKED;
        assert_int_equal(lnt_outbox_append(w->ob, &ev, NULL), LNT_OK);
    }
    fake_start(
        &f, 200,
        "{\"accepted\": [1, 101, 777], \"duplicates\": [], \"conflicts\": [], \"rejected\": []}");
    point_at(w, &f, "");
    assert_int_equal(lnt_sync_push(w->sync, w->ob, w->id, &res, NULL), LNT_OK);
    fake_stop(&f);
    assert_int_equal(res.sent, 1);
    assert_int_equal(unsent(w), 100);
}

static void test_sync__refusal_keeps_every_event(void **state)
{
    struct world *w = *state;
    struct lnt_sync_result res;
    char err[LNT_ERRBUF_SIZE] = "";
    struct fake f;

    fake_start(&f, 401,
               "{\"type\": \"about:blank\", \"title\": \"Unauthorized\", \"status\": 401, "
               "\"detail\": \"kiosk 3 has been revoked: ask the scheme admin\"}");
    point_at(w, &f, "");
    assert_int_equal(lnt_sync_push(w->sync, w->ob, w->id, &res, err), LNT_ERR_UNAUTHORIZED);
    fake_stop(&f);
    assert_non_null(strstr(err, "has been revoked"));
    assert_int_equal(res.http_status, 401);
    assert_int_equal(unsent(w), 3);
}

static void test_sync__bad_reply_keeps_every_event(void **state)
{
    struct world *w = *state;
    struct lnt_sync_result res;
    char err[LNT_ERRBUF_SIZE] = "";
    struct fake f;

    fake_start(&f, 200, "<html>proxy error</html>");
    point_at(w, &f, "");
    assert_int_equal(lnt_sync_push(w->sync, w->ob, w->id, &res, err), LNT_ERR_NET);
    fake_stop(&f);
    assert_int_equal(unsent(w), 3);
}

static void test_sync__dead_network_is_net_error(void **state)
{
    struct world *w = *state;
    struct lnt_sync_result res;
    char err[LNT_ERRBUF_SIZE] = "";
    struct fake f;

    /* A port that was just free: nothing listens there. */
    fake_start(&f, 200, "{}");
    point_at(w, &f, "");
    {
        /* Wake the fake with a connection of our own, then close it down. */
        struct sockaddr_in a;
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons((uint16_t)f.port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
        close(fd);
    }
    fake_stop(&f);
    assert_int_equal(lnt_sync_push(w->sync, w->ob, w->id, &res, err), LNT_ERR_NET);
    assert_int_equal(res.http_status, 0);
    assert_non_null(strstr(err, "127.0.0.1"));
    assert_int_equal(unsent(w), 3);
}

static void test_sync__enrolment_fills_identity(void **state)
{
    struct world *w = *state;
    struct lnt_signing_key scheme;
    char kid[LNT_HEX_LEN(LNT_KID_LEN)], pk[LNT_B64_LEN(LNT_SIGN_PK_LEN)], body[1024], url[64];
    char err[LNT_ERRBUF_SIZE] = "";
    uint8_t sk_before[LNT_SIGN_SK_LEN];
    struct fake f;

    lnt_badge_keygen(&scheme);
    lnt_hex_encode(scheme.kid, LNT_KID_LEN, kid);
    lnt_b64_encode(scheme.pk, LNT_SIGN_PK_LEN, pk);
    snprintf(
        body, sizeof body,
        "{\"kiosk_id\": 9, \"venue\": {\"id\": 1, \"name\": \"The Crown\", \"category\": \"pub\"},"
        " \"scheme\": \"WTN\", \"trust\": [{\"kid\": \"%s\", \"public_key\": \"%s\"}],"
        " \"revoked\": [\"a1b2c3d4e5f60718\"], \"box_public_key\": \"%s\","
        " \"server_time\": \"2026-11-26T22:01:03Z\"}",
        kid, pk, pk);
    w->id->kiosk_id = 0;
    memcpy(sk_before, w->id->sk, sizeof sk_before);
    fake_start(&f, 201, body);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", f.port);
    assert_int_equal(lnt_sync_enroll(w->sync, url, "ABCD-EFGH-JKLM", w->id, err), LNT_OK);
    fake_stop(&f);
    assert_true(lnt_str_starts(f.request, "POST /api/v1/enroll HTTP/1.1\r\n"));
    assert_non_null(strstr(f.request, "\"code\":\"ABCD-EFGH-JKLM\""));
    assert_int_equal(w->id->kiosk_id, 9);
    assert_string_equal(w->id->scheme, "WTN");
    assert_string_equal(w->id->venue_name, "The Crown");
    assert_string_equal(w->id->server_url, url);
    assert_int_equal(w->id->n_keys, 1);
    assert_memory_equal(w->id->keys[0].pk, scheme.pk, LNT_SIGN_PK_LEN);
    assert_int_equal(w->id->n_revoked, 1);
    assert_int_equal(w->id->revoked[0][0], 0xa1);
    assert_int_equal(w->id->server_time, 1795730463);
    assert_memory_equal(w->id->sk, sk_before,
                        sizeof sk_before); /* the key pair is the kiosk's own */
}

static void test_sync__enrolment_refusals(void **state)
{
    struct world *w = *state;
    char err[LNT_ERRBUF_SIZE] = "", url[64];
    struct fake f;

    w->id->kiosk_id = 0;
    fake_start(&f, 404,
               "{\"status\": 404, \"detail\": \"unknown or already used enrolment code\"}");
    snprintf(url, sizeof url, "http://127.0.0.1:%d", f.port);
    assert_int_equal(lnt_sync_enroll(w->sync, url, "ABCD-EFGH-JKLM", w->id, err),
                     LNT_ERR_NOT_FOUND);
    fake_stop(&f);
    assert_non_null(strstr(err, "already used"));
    assert_int_equal(w->id->kiosk_id, 0);

    /* A kid that does not belong to its key is a damaged reply, not a trust list. */
    fake_start(
        &f, 201,
        "{\"kiosk_id\": 9, \"scheme\": \"WTN\", \"trust\": [{\"kid\": \"00000000\", \"public_key\":"
        " \"MQAgN8ixtpIznVNxDRRzCn05eUmzsNOcGcU9YpwnQ2s=\"}], \"revoked\": [],"
        " \"box_public_key\": \"MQAgN8ixtpIznVNxDRRzCn05eUmzsNOcGcU9YpwnQ2s=\","
        " \"server_time\": \"2026-11-26T22:01:03Z\"}");
    snprintf(url, sizeof url, "http://127.0.0.1:%d", f.port);
    assert_int_equal(lnt_sync_enroll(w->sync, url, "ABCD-EFGH-JKLM", w->id, err), LNT_ERR_INVALID);
    fake_stop(&f);
    assert_non_null(strstr(err, "does not match"));
    assert_int_equal(w->id->kiosk_id, 0);

    assert_int_equal(lnt_sync_enroll(w->sync, url, "ABCD\"}", w->id, err), LNT_ERR_INVALID);
    assert_int_equal(lnt_sync_enroll(w->sync, "ftp://x", "ABCD", w->id, err), LNT_ERR_INVALID);
}

static void test_sync__400_sets_the_named_event_aside_and_the_queue_moves_on(void **state)
{
    struct world *w = *state;
    struct lnt_sync_result res;
    char err[LNT_ERRBUF_SIZE] = "";
    struct fake f;

    /* The server names the second event of the batch (index 1, seq 2). */
    fake_start(&f, 400,
               "{\"type\": \"about:blank\", \"title\": \"Bad Request\", \"status\": 400, "
               "\"detail\": \"event 1: field `occurred_at`: expected RFC 3339 time\"}");
    point_at(w, &f, "");
    assert_int_equal(lnt_sync_push(w->sync, w->ob, w->id, &res, err), LNT_OK);
    fake_stop(&f);
    assert_int_equal(res.aside, 1);
    assert_int_equal(res.sent, 0);
    assert_int_equal(unsent(w), 2);
    assert_int_equal(aside(w), 1);

    /* The rest goes through on the next push. */
    fake_start(&f, 200,
               "{\"accepted\": [1, 3], \"duplicates\": [], \"conflicts\": [], \"rejected\": []}");
    point_at(w, &f, "");
    assert_int_equal(lnt_sync_push(w->sync, w->ob, w->id, &res, err), LNT_OK);
    fake_stop(&f);
    assert_int_equal(res.sent, 2);
    assert_int_equal(unsent(w), 0);
}

static void test_sync__400_naming_no_event_finds_it_one_at_a_time(void **state)
{
    struct world *w = *state;
    struct lnt_sync_result res;
    char err[LNT_ERRBUF_SIZE] = "";
    const char *body;
    struct fake f;

    fake_start(&f, 400, "{\"status\": 400, \"detail\": \"not valid JSON: line 1\"}");
    point_at(w, &f, "");
    assert_int_equal(lnt_sync_push(w->sync, w->ob, w->id, &res, err), LNT_ERR_INVALID);
    fake_stop(&f);
    assert_int_equal(unsent(w), 3);
    /* Next time one event goes alone; refused alone, it is the bad one. */
    fake_start(&f, 400, "{\"status\": 400, \"detail\": \"field `kiosk_id`: expected\"}");
    point_at(w, &f, "");
    assert_int_equal(lnt_sync_push(w->sync, w->ob, w->id, &res, err), LNT_OK);
    fake_stop(&f);
    body = strstr(f.request, "\r\n\r\n") + 4;
    assert_non_null(strstr(body, "\"seq\":1"));
    assert_null(strstr(body, "\"seq\":2"));
    assert_int_equal(res.aside, 1);
    assert_int_equal(unsent(w), 2);
}

static void test_sync__413_sends_one_at_a_time_and_sets_a_lone_refusal_aside(void **state)
{
    struct world *w = *state;
    struct lnt_sync_result res;
    char err[LNT_ERRBUF_SIZE] = "";
    const char *body;
    struct fake f;

    /* Too large as a batch: nothing is lost, and the next push sends one event alone. */
    fake_start(&f, 413, "{\"status\": 413, \"detail\": \"request body too large\"}");
    point_at(w, &f, "");
    assert_int_equal(lnt_sync_push(w->sync, w->ob, w->id, &res, err), LNT_ERR_TOO_LARGE);
    fake_stop(&f);
    assert_non_null(strstr(err, "413"));
    assert_int_equal(unsent(w), 3);
    assert_int_equal(aside(w), 0);

    /* Too large alone: that event is set aside with the server's words; the rest wait. */
    fake_start(&f, 413, "{\"status\": 413, \"detail\": \"request body too large\"}");
    point_at(w, &f, "");
    assert_int_equal(lnt_sync_push(w->sync, w->ob, w->id, &res, err), LNT_OK);
    fake_stop(&f);
    body = strstr(f.request, "\r\n\r\n") + 4;
    assert_non_null(strstr(body, "\"seq\":1"));
    assert_null(strstr(body, "\"seq\":2"));
    assert_int_equal(res.aside, 1);
    assert_int_equal(res.http_status, 413);
    assert_int_equal(unsent(w), 2);
    assert_int_equal(aside(w), 1);

    /* The queue moves on. */
    fake_start(&f, 200,
               "{\"accepted\": [2], \"duplicates\": [], \"conflicts\": [], \"rejected\": []}");
    point_at(w, &f, "");
    assert_int_equal(lnt_sync_push(w->sync, w->ob, w->id, &res, err), LNT_OK);
    fake_stop(&f);
    assert_int_equal(res.sent, 1);
    assert_int_equal(unsent(w), 1);
}

static void test_sync__pinned_ca_must_be_readable(void **state)
{
    struct world *w = *state;
    char err[LNT_ERRBUF_SIZE] = "";

    assert_int_equal(lnt_sync_set_ca(w->sync, "/nonexistent/ca.pem", err), LNT_ERR_IO);
    assert_non_null(strstr(err, "/nonexistent/ca.pem"));
    assert_int_equal(lnt_sync_set_ca(w->sync, NULL, err), LNT_OK);
}

/* A refresh reply with one trust key, `serials` (JSON array text), and the given flags. */
static void refresh_reply(char *out, size_t size, const struct lnt_signing_key *key,
                          const char *time, const char *serials, bool full, int version)
{
    char kid[LNT_HEX_LEN(LNT_KID_LEN)], pk[LNT_B64_LEN(LNT_SIGN_PK_LEN)];

    lnt_hex_encode(key->kid, LNT_KID_LEN, kid);
    lnt_b64_encode(key->pk, LNT_SIGN_PK_LEN, pk);
    snprintf(out, size,
             "{\"server_time\": \"%s\", \"scheme\": \"WTN\","
             " \"trust\": [{\"kid\": \"%s\", \"public_key\": \"%s\"}],"
             " \"revocations\": {\"version\": %d, \"full\": %s, \"serials\": %s},"
             " \"venue\": {\"id\": 1, \"name\": \"The Crown & Anchor\", \"category\": \"pub\","
             " \"capacity\": 250, \"cup_cover_threshold\": 150},"
             " \"box_public_key\": \"%s\"}",
             time, kid, pk, version, full ? "true" : "false", serials, pk);
}

static void test_sync__refresh_reply_updates_trust_revocations_and_clock_floor(void **state)
{
    struct world *w = *state;
    struct lnt_signing_key key;
    struct lnt_sync_settings set;
    char body[2048], err[LNT_ERRBUF_SIZE] = "";

    lnt_badge_keygen(&key);
    lnt_str_copy(w->id->scheme, sizeof w->id->scheme, "WTN");
    w->id->server_time = 1795730463;
    refresh_reply(body, sizeof body, &key, "2026-11-27T01:00:00Z",
                  "[\"a1b2c3d4e5f60718\", \"0102030405060708\"]", true, 42);
    assert_int_equal(lnt_sync_parse_refresh(body, strlen(body), w->id, &set, err), LNT_OK);
    assert_int_equal(w->id->n_keys, 1);
    assert_memory_equal(w->id->keys[0].pk, key.pk, LNT_SIGN_PK_LEN);
    assert_int_equal(w->id->n_revoked, 2);
    assert_int_equal(set.revoked_version, 42);
    assert_true(set.revoked_full);
    assert_int_equal(set.cup_threshold, 150);
    assert_string_equal(w->id->venue_name, "The Crown & Anchor");
    assert_int_equal(w->id->server_time, 1795741200);

    /* Incremental: added to the list, duplicates once; an earlier server time never lowers the
     * floor. */
    refresh_reply(body, sizeof body, &key, "2020-01-01T00:00:00Z",
                  "[\"0102030405060708\", \"ffffffffffffffff\"]", false, 43);
    assert_int_equal(lnt_sync_parse_refresh(body, strlen(body), w->id, &set, err), LNT_OK);
    assert_int_equal(w->id->n_revoked, 3);
    assert_int_equal(w->id->server_time, 1795741200);

    /* A full list replaces. */
    refresh_reply(body, sizeof body, &key, "2026-11-27T01:00:00Z", "[]", true, 44);
    assert_int_equal(lnt_sync_parse_refresh(body, strlen(body), w->id, &set, err), LNT_OK);
    assert_int_equal(w->id->n_revoked, 0);
}

/* The longest venue name the server registers (LNT_VENUE_NAME_MAX bytes) reaches the kiosk whole.
 */
static void test_sync__the_longest_venue_name_is_kept_whole(void **state)
{
    struct world *w = *state;
    struct lnt_signing_key key;
    struct lnt_sync_settings set;
    char body[2048], longer[2300], name[LNT_VENUE_NAME_MAX + 1], err[LNT_ERRBUF_SIZE] = "";
    const char *at;
    size_t n = 0;

    while (n + 2 <= LNT_VENUE_NAME_MAX) { /* two-byte characters: a cut would split one */
        memcpy(name + n, "\xc3\xa9", 2);
        n += 2;
    }
    name[n] = '\0';
    assert_int_equal(n, LNT_VENUE_NAME_MAX);
    lnt_badge_keygen(&key);
    lnt_str_copy(w->id->scheme, sizeof w->id->scheme, "WTN");
    refresh_reply(body, sizeof body, &key, "2026-11-27T01:00:00Z", "[]", true, 1);
    at = strstr(body, "The Crown & Anchor");
    assert_non_null(at);
    snprintf(longer, sizeof longer, "%.*s%s%s", (int)(at - body), body, name,
             at + strlen("The Crown & Anchor"));
    assert_int_equal(lnt_sync_parse_refresh(longer, strlen(longer), w->id, &set, err), LNT_OK);
    assert_string_equal(w->id->venue_name, name);
}

/* The town's places come with the refresh; an older server's reply without them says nothing. */
static void test_sync__refresh_reply_carries_places_and_capacity(void **state)
{
    struct world *w = *state;
    struct lnt_signing_key key;
    struct lnt_sync_settings set;
    char body[2048], with[2300], err[LNT_ERRBUF_SIZE] = "";
    size_t n;

    lnt_badge_keygen(&key);
    lnt_str_copy(w->id->scheme, sizeof w->id->scheme, "WTN");
    refresh_reply(body, sizeof body, &key, "2026-11-27T01:00:00Z", "[]", true, 1);
    assert_int_equal(lnt_sync_parse_refresh(body, strlen(body), w->id, &set, err), LNT_OK);
    assert_false(set.places_given);
    assert_int_equal(set.capacity, 250);

    n = strlen(body);
    snprintf(with, sizeof with, "%.*s, \"places\": [\"Castle Park\", \"Taxi rank\"]}", (int)(n - 1),
             body);
    assert_int_equal(lnt_sync_parse_refresh(with, strlen(with), w->id, &set, err), LNT_OK);
    assert_true(set.places_given);
    assert_int_equal(set.n_places, 2);
    assert_string_equal(set.places[0], "Castle Park");
    assert_string_equal(set.places[1], "Taxi rank");

    /* An empty list is news too: every place was removed. */
    snprintf(with, sizeof with, "%.*s, \"places\": []}", (int)(n - 1), body);
    assert_int_equal(lnt_sync_parse_refresh(with, strlen(with), w->id, &set, err), LNT_OK);
    assert_true(set.places_given);
    assert_int_equal(set.n_places, 0);

    /* Anything else is refused, naming the field. */
    snprintf(with, sizeof with, "%.*s, \"places\": [\"Castle Park\", 7]}", (int)(n - 1), body);
    assert_int_equal(lnt_sync_parse_refresh(with, strlen(with), w->id, &set, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "place 1"));
    snprintf(with, sizeof with, "%.*s, \"places\": \"Castle Park\"}", (int)(n - 1), body);
    assert_int_equal(lnt_sync_parse_refresh(with, strlen(with), w->id, &set, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "places"));
}

static void test_sync__bad_refresh_reply_changes_nothing(void **state)
{
    struct world *w = *state;
    struct lnt_signing_key key;
    struct lnt_sync_settings set;
    char body[2048], err[LNT_ERRBUF_SIZE] = "";

    lnt_badge_keygen(&key);
    lnt_str_copy(w->id->scheme, sizeof w->id->scheme, "WTN");
    w->id->server_time = 1795730463;
    refresh_reply(body, sizeof body, &key, "2026-11-27T01:00:00Z", "[\"a1b2\"]", false, 1);
    assert_int_equal(lnt_sync_parse_refresh(body, strlen(body), w->id, &set, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "revoked serial 0"));
    assert_int_equal(w->id->n_keys, 0);
    assert_int_equal(w->id->server_time, 1795730463);
    refresh_reply(body, sizeof body, &key, "yesterday", "[]", false, 1);
    assert_int_equal(lnt_sync_parse_refresh(body, strlen(body), w->id, &set, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "server_time"));
    lnt_str_copy(w->id->scheme, sizeof w->id->scheme, "XYZ");
    refresh_reply(body, sizeof body, &key, "2026-11-27T01:00:00Z", "[]", false, 1);
    assert_int_equal(lnt_sync_parse_refresh(body, strlen(body), w->id, &set, err), LNT_ERR_INVALID);
    assert_non_null(strstr(err, "scheme"));
    assert_int_equal(lnt_sync_parse_refresh("[1,", 3, w->id, &set, err), LNT_ERR_INVALID);
}

static void test_sync__refresh_is_a_signed_get(void **state)
{
    struct world *w = *state;
    struct lnt_signing_key key;
    struct lnt_sync_settings set;
    char body[2048], err[LNT_ERRBUF_SIZE] = "", ts[32], sig[128];
    int64_t t = 0;
    struct fake f;

    lnt_badge_keygen(&key);
    lnt_str_copy(w->id->scheme, sizeof w->id->scheme, "WTN");
    refresh_reply(body, sizeof body, &key, "2026-11-27T01:00:00Z", "[]", true, 7);
    fake_start(&f, 200, body);
    point_at(w, &f, "/lantern");
    assert_int_equal(lnt_sync_refresh(w->sync, w->id, 6, &set, err), LNT_OK);
    fake_stop(&f);
    assert_true(
        lnt_str_starts(f.request, "GET /lantern/api/v1/kiosk/sync?revoked_since=6 HTTP/1.1\r\n"));
    assert_true(header(&f, LNT_HDR_TIME, ts, sizeof ts));
    assert_int_equal(lnt_parse_i64(ts, 0, INT64_MAX, &t), LNT_OK);
    assert_true(header(&f, LNT_HDR_SIGNATURE, sig, sizeof sig));
    /* Version 2: the path and the query are signed (a server must not act on an unsigned
     * query); the body is empty and there is no backlog header. */
    {
        struct lnt_reqsig_parts p = {
            "GET", "/lantern/api/v1/kiosk/sync", "revoked_since=6", NULL, "", 0};
        assert_int_equal(lnt_reqsig_verify2(w->id->pk, 3, t, t, &p, sig, err), LNT_OK);
        p.query = "revoked_since=0";
        assert_int_equal(lnt_reqsig_verify2(w->id->pk, 3, t, t, &p, sig, err),
                         LNT_ERR_BAD_SIGNATURE);
    }
    assert_int_equal(set.revoked_version, 7);

    /* A server without the endpoint says 404: the kiosk carries on with what it has. */
    fake_start(&f, 404, "{\"status\": 404, \"detail\": \"no such route\"}");
    point_at(w, &f, "");
    assert_int_equal(lnt_sync_refresh(w->sync, w->id, 0, &set, err), LNT_ERR_NOT_FOUND);
    fake_stop(&f);
}

/*
 * The server's sealing key rotated: the next sync carries the new public key,
 * which the kiosk takes and keeps in its outbox (what the sync thread stores
 * and the app seals new reports to after a sync).
 */
static void test_sync__refresh_takes_a_new_sealing_key_and_keeps_it(void **state)
{
    struct world *w = *state;
    struct lnt_signing_key key;
    struct lnt_sync_settings set;
    struct lnt_identity *stored = calloc(1, sizeof *stored);
    struct lnt_outbox *again = NULL;
    uint8_t old[LNT_BOX_PK_LEN];
    char body[2048], err[LNT_ERRBUF_SIZE] = "";
    struct fake f;

    assert_non_null(stored);
    lnt_badge_keygen(&key);
    lnt_str_copy(w->id->scheme, sizeof w->id->scheme, "WTN");
    memset(old, 0x5a, sizeof old);
    memcpy(w->id->box_pk, old, sizeof old);
    assert_int_equal(lnt_outbox_identity_set(w->ob, w->id, err), LNT_OK);
    /* refresh_reply names key.pk as the new sealing key */
    refresh_reply(body, sizeof body, &key, "2026-11-27T01:00:00Z", "[]", true, 1);
    fake_start(&f, 200, body);
    point_at(w, &f, "");
    assert_int_equal(lnt_sync_refresh(w->sync, w->id, 0, &set, err), LNT_OK);
    fake_stop(&f);
    assert_memory_equal(w->id->box_pk, key.pk, LNT_BOX_PK_LEN);
    assert_int_equal(lnt_outbox_identity_set(w->ob, w->id, err), LNT_OK);
    /* another connection, as the app thread has, reads the new key */
    assert_int_equal(lnt_outbox_open(w->dir, &again, err), LNT_OK);
    assert_int_equal(lnt_outbox_identity_get(again, stored, err), LNT_OK);
    assert_memory_equal(stored->box_pk, key.pk, LNT_BOX_PK_LEN);
    assert_memory_not_equal(stored->box_pk, old, LNT_BOX_PK_LEN);
    lnt_outbox_free(again);
    memset(stored, 0, sizeof *stored);
    free(stored);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_sync__accepted_events_are_forgotten_and_request_is_signed),
        T(test_sync__base_path_is_signed_too),
        T(test_sync__409_sets_conflicts_aside_and_keeps_the_rest),
        T(test_sync__409_problem_sets_the_refused_save_aside_and_forgets_the_rest),
        T(test_sync__reply_naming_unsent_events_deletes_nothing_else),
        T(test_sync__refusal_keeps_every_event),
        T(test_sync__bad_reply_keeps_every_event),
        T(test_sync__dead_network_is_net_error),
        T(test_sync__enrolment_fills_identity),
        T(test_sync__enrolment_refusals),
        T(test_sync__400_sets_the_named_event_aside_and_the_queue_moves_on),
        T(test_sync__400_naming_no_event_finds_it_one_at_a_time),
        T(test_sync__413_sends_one_at_a_time_and_sets_a_lone_refusal_aside),
        T(test_sync__pinned_ca_must_be_readable),
        T(test_sync__refresh_reply_updates_trust_revocations_and_clock_floor),
        T(test_sync__the_longest_venue_name_is_kept_whole),
        T(test_sync__refresh_reply_carries_places_and_capacity),
        T(test_sync__bad_refresh_reply_changes_nothing),
        T(test_sync__refresh_is_a_signed_get),
        T(test_sync__refresh_takes_a_new_sealing_key_and_keeps_it),
    };
#undef T
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
