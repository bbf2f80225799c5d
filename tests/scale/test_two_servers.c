/* test_two_servers.c - two lanternd on one PostgreSQL database behind nginx, as an area that
 * has outgrown one machine runs them: kiosks reach either through the proxy, a batch sent to
 * both at once is stored once, both answer officers alike, and a server killed under load from
 * fifty kiosks loses no acknowledged event. Everything is real: the cluster (pgcluster.h), two
 * lanternd over HTTP on 127.0.0.1, Debian's nginx in front. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "codec.h"
#include "kiosk_client.h"
#include "lanternd.h"
#include "ltime.h"
#include "pgcluster.h"
#include "store.h"
#include "support.h"
#include "wire.h"

#define KIOSKS 50
#define VENUES 5     /* ten kiosks a venue */
#define PER_BATCH 10 /* events in one batch */
#define KILLS 20
#define DAY 86400

struct town {
    char *dir;
    struct lnt_pg_cluster *pg;
    char uri[LNT_PG_URI_MAX];
    char *keys;
    char *sdir[2];
    uint16_t port[2];
    struct lnt_test_lanternd d[2];
    pid_t nginx;
    char proxy[64];
    int64_t venue[VENUES];
    char code[KIOSKS][LNT_ENROLL_CODE_LEN + 1];
    char token[LNT_TOKEN_LEN + 1];
    struct lnt_test_kiosk k[KIOSKS];
};

/* A port free on 127.0.0.1 now (the kernel's pick, released for the caller to take). */
static uint16_t free_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static void server_start(struct town *t, int i)
{
    const char *extra[] = {"--keys", t->keys, NULL};

    lnt_test_lanternd_start_port(&t->d[i], t->sdir[i], t->uri, t->port[i], extra);
}

/* nginx in front of both servers: each request to one picked at random, a request the picked
 * one cannot take (refused, reset, 502) passed to the other. */
static void nginx_start(struct town *t)
{
    char conf[1024], tmp[1024], *text;
    uint16_t port = free_port();
    struct lnt_buf b;
    FILE *f;
    const char *argv[] = {"/usr/sbin/nginx", "-c", conf, "-p", t->dir, NULL};

    if (access("/usr/sbin/nginx", X_OK) != 0)
        fail_msg("no /usr/sbin/nginx: run scripts/install-deps (it installs nginx-light)");
    snprintf(conf, sizeof conf, "%s/nginx.conf", t->dir);
    snprintf(tmp, sizeof tmp, "%s/nginx-tmp", t->dir);
    lnt_buf_init(&b, 1u << 16);
    assert_int_equal(
        lnt_buf_printf(
            &b,
            "%sdaemon off; worker_processes 1; pid %s/nginx.pid; error_log %s/nginx.log warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n access_log off; client_max_body_size 8m;\n"
            " client_body_temp_path %s; proxy_temp_path %s; fastcgi_temp_path %s;\n"
            " uwsgi_temp_path %s; scgi_temp_path %s;\n"
            " upstream lantern { random; server 127.0.0.1:%u max_fails=0;\n"
            "   server 127.0.0.1:%u max_fails=0; }\n"
            " server { listen 127.0.0.1:%u;\n"
            "  location / { proxy_pass http://lantern; proxy_set_header Host $host;\n"
            "   proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
            "   proxy_next_upstream error timeout http_502 non_idempotent;\n"
            "   proxy_next_upstream_tries 4; proxy_connect_timeout 2s; } }\n"
            "}\n",
            geteuid() == 0 ? "user root;\n" : "", t->dir, t->dir, tmp, tmp, tmp, tmp, tmp,
            (unsigned)t->port[0], (unsigned)t->port[1], (unsigned)port),
        LNT_OK);
    f = fopen(conf, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(b.data, 1, b.len, f), b.len);
    fclose(f);
    lnt_buf_release(&b);
    {
        char log[1024];
        snprintf(log, sizeof log, "%s/nginx.out", t->dir);
        t->nginx = lnt_proc_spawn(argv, log);
    }
    assert_true(t->nginx > 0);
    snprintf(t->proxy, sizeof t->proxy, "http://127.0.0.1:%u", (unsigned)port);
    snprintf(tmp, sizeof tmp, "%s/nginx.pid", t->dir);
    if (!lnt_test_wait_file(tmp, 10000)) {
        snprintf(tmp, sizeof tmp, "%s/nginx.out", t->dir);
        text = lnt_test_read_file(tmp);
        fail_msg("nginx did not start:\n%s", text != NULL ? text : "");
    }
}

static struct town *town;

static int town_setup(void **state)
{
    struct town *t = calloc(1, sizeof *t);
    struct lnt_store *s = NULL;
    struct lnt_token tok;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t now = lnt_time_now();

    (void)state;
    assert_non_null(t);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    t->dir = lnt_test_tmpdir();
    assert_non_null(t->dir);
    t->keys = lnt_test_path(t->dir, "keys/lantern.keys");
    t->pg = lnt_pg_cluster_start();
    lnt_pg_cluster_db(t->pg, t->uri);
    if (lnt_store_open_keys(&s, t->uri, t->keys, err) != LNT_OK ||
        lnt_store_scheme_init(s, "WTN", err) != LNT_OK)
        fail_msg("store: %s", err);
    for (int v = 0; v < VENUES; v++) {
        struct lnt_venue venue;
        memset(&venue, 0, sizeof venue);
        snprintf(venue.name, sizeof venue.name, "The Anchor %d", v + 1);
        venue.category = LNT_VENUE_PUB;
        venue.capacity = 250;
        (void)lnt_str_copy(venue.area, sizeof venue.area, "Centre");
        if (lnt_store_venue_add(s, &venue, err) != LNT_OK)
            fail_msg("venue: %s", err);
        t->venue[v] = venue.id;
    }
    for (int i = 0; i < KIOSKS; i++)
        if (lnt_store_enroll_code_add(s, t->venue[i % VENUES], now + 7 * DAY, t->code[i], err) !=
            LNT_OK)
            fail_msg("enrolment code: %s", err);
    memset(&tok, 0, sizeof tok);
    (void)lnt_str_copy(tok.label, sizeof tok.label, "licensing desk");
    tok.scope.role = LNT_OFFICER_OFFICER;
    tok.expires_at = now + 30 * DAY;
    if (lnt_store_token_add(s, &tok, now, t->token, err) != LNT_OK)
        fail_msg("token: %s", err);
    lnt_store_free(s);
    for (int i = 0; i < 2; i++) {
        t->sdir[i] = lnt_test_path(t->dir, i == 0 ? "server1" : "server2");
        assert_int_equal(mkdir(t->sdir[i], 0700), 0);
        t->port[i] = free_port();
        server_start(t, i);
    }
    nginx_start(t);
    for (int i = 0; i < KIOSKS; i++)
        lnt_test_kiosk_enroll(t->proxy, t->code[i], &t->k[i]);
    town = t;
    return 0;
}

static int town_teardown(void **state)
{
    struct town *t = town;

    (void)state;
    if (t == NULL)
        return 0;
    if (t->nginx > 0)
        lnt_proc_stop(t->nginx, SIGTERM);
    for (int i = 0; i < 2; i++) {
        lnt_test_lanternd_stop(&t->d[i], SIGTERM);
        free(t->sdir[i]);
    }
    lnt_pg_cluster_stop(t->pg);
    lnt_test_rmrf(t->dir);
    free(t->keys);
    free(t->dir);
    free(t);
    town = NULL;
    return 0;
}

/* ---- a kiosk's requests ---- */

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    return lnt_buf_append(arg, data, size * n) == LNT_OK ? size * n : 0;
}

/* A request to base+path (with the officer's token when `token`); the HTTP status, 0 when no
 * answer came. The body goes to out. */
static long request(const char *base, const char *method, const char *path,
                    struct curl_slist *headers, const char *token, const void *body, size_t len,
                    struct lnt_buf *out)
{
    CURL *c = curl_easy_init();
    struct curl_slist *h = headers;
    char url[256], auth[128];
    long status = 0;

    assert_non_null(c);
    snprintf(url, sizeof url, "%s%s", base, path);
    if (token != NULL) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    if (body != NULL) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
    }
    lnt_buf_reset(out);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (token != NULL && headers == NULL)
        curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return status;
}

/* Kiosk k's batch of events seq first.. (door refusals, or incidents when `incidents`). */
static void batch(const struct lnt_test_kiosk *k, int64_t first, size_t n, bool incidents,
                  struct lnt_buf *out)
{
    struct lnt_event ev[PER_BATCH];
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t at = lnt_time_now() - 3600;

    assert_true(n <= PER_BATCH);
    for (size_t i = 0; i < n; i++) {
        memset(&ev[i], 0, sizeof ev[i]);
        ev[i].seq = first + (int64_t)i;
        lnt_uuid4(ev[i].uuid);
        ev[i].occurred_at = at;
        ev[i].recorded_at = at + 60;
        if (incidents) {
            struct lnt_ev_incident *in = &ev[i].u.incident;
            ev[i].type = LNT_EV_INCIDENT;
            lnt_uuid4(in->report_id);
            (void)lnt_str_copy(in->kind, sizeof in->kind, "violence");
            in->severity = 4;
            (void)lnt_str_copy(in->place, sizeof in->place, "bar");
            (void)lnt_str_copy(in->outcome, sizeof in->outcome, "police called");
            in->complete = true;
            (void)lnt_str_copy(in->staff_id, sizeof in->staff_id, "1");
        } else {
            ev[i].type = LNT_EV_BADGE_REFUSED;
            ev[i].u.refused.reason = LNT_BADGE_EXPIRED;
        }
    }
    lnt_buf_reset(out);
    if (lnt_wire_batch_encode(k->id, ev, n, out, err) != LNT_OK)
        fail_msg("encode: %s", err);
}

/* Posts body as kiosk k to base; the status, and the per-event results in r (*nr of them). */
static long post(const char *base, const struct lnt_test_kiosk *k, const struct lnt_buf *body,
                 struct lnt_ingest_result *r, size_t *nr)
{
    struct lnt_reqsig_parts parts;
    struct curl_slist *h;
    struct lnt_buf reply;
    char err[LNT_ERRBUF_SIZE] = "";
    long status;

    memset(&parts, 0, sizeof parts);
    parts.method = "POST";
    parts.path = "/api/v1/events";
    parts.backlog = "0";
    parts.body = body->data;
    parts.len = body->len;
    h = lnt_test_kiosk_headers(k->sk, k->id, lnt_time_now(), 2, &parts, true);
    lnt_buf_init(&reply, 1u << 20);
    status = request(base, "POST", "/api/v1/events", h, NULL, body->data, body->len, &reply);
    *nr = 0;
    if (status == 200 &&
        lnt_wire_reply_decode(reply.data, reply.len, r, PER_BATCH, nr, err) != LNT_OK)
        status = -1;
    curl_slist_free_all(h);
    lnt_buf_release(&reply);
    return status;
}

static size_t count(const struct lnt_ingest_result *r, size_t n, enum lnt_ingest_status s)
{
    size_t c = 0;

    for (size_t i = 0; i < n; i++)
        c += r[i].status == s;
    return c;
}

/* ---- kiosks through the proxy ---- */

struct kiosk_run {
    struct town *t;
    int i;
    int64_t seq;        /* the first event's sequence number: after what the kiosk sent */
    int batches;        /* to send; 0 = until stop */
    volatile int *stop; /* set by the test: finish the batch in hand, then end */
    int64_t acked;      /* events the server acknowledged (accepted or duplicate) */
    int retries;        /* batches sent again after no answer or an error */
    bool refused;       /* a batch refused or rejected: a bug */
    char why[200];      /* what the server said then */
};

/* A kiosk's night: batches through the proxy, each sent again until acknowledged, as the
 * kiosk's outbox does. */
static void *kiosk_main(void *arg)
{
    struct kiosk_run *kr = arg;
    struct lnt_ingest_result r[PER_BATCH];
    struct lnt_buf body;
    int64_t seq = kr->seq;

    lnt_buf_init(&body, 1u << 20);
    for (int b = 0; kr->batches == 0 ? !*kr->stop : b < kr->batches; b++) {
        size_t nr = 0;
        long status;
        batch(&kr->t->k[kr->i], seq, PER_BATCH, false, &body);
        for (int tries = 0;; tries++) {
            status = post(kr->t->proxy, &kr->t->k[kr->i], &body, r, &nr);
            if (status == 200 || tries == 600)
                break;
            kr->retries++;
            usleep(50 * 1000);
        }
        if (status != 200 || nr != PER_BATCH ||
            count(r, nr, LNT_INGEST_ACCEPTED) + count(r, nr, LNT_INGEST_DUPLICATE) != nr) {
            kr->refused = true;
            snprintf(kr->why, sizeof kr->why, "HTTP %ld, %zu results; first: %d %s", status, nr,
                     nr > 0 ? (int)r[0].status : 0, nr > 0 ? r[0].reason : "");
            break;
        }
        kr->acked += PER_BATCH;
        seq += PER_BATCH;
    }
    lnt_buf_release(&body);
    return NULL;
}

static int64_t stored(const struct town *t, int64_t kiosk_id)
{
    char sql[128];

    snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE kiosk_id = %lld",
             (long long)kiosk_id);
    return lnt_pg_int(t->uri, sql);
}

static void test_two_servers__kiosks_through_the_proxy_are_stored_once(void **state)
{
    struct town *t = town;
    struct kiosk_run kr[KIOSKS];
    pthread_t th[KIOSKS];
    volatile int stop = 0;
    int64_t before[KIOSKS];

    (void)state;
    for (int i = 0; i < KIOSKS; i++) {
        before[i] = stored(t, t->k[i].id);
        kr[i] = (struct kiosk_run){.t = t, .i = i, .seq = 1, .batches = 4, .stop = &stop};
        assert_int_equal(pthread_create(&th[i], NULL, kiosk_main, &kr[i]), 0);
    }
    for (int i = 0; i < KIOSKS; i++) {
        pthread_join(th[i], NULL);
        if (kr[i].refused)
            fail_msg("kiosk %d: a batch was not acknowledged: %s", i, kr[i].why);
        assert_int_equal(kr[i].acked, 4 * PER_BATCH);
        assert_int_equal(stored(t, t->k[i].id) - before[i], 4 * PER_BATCH);
    }
}

struct both {
    const char *base;
    const struct lnt_test_kiosk *k;
    const struct lnt_buf *body;
    struct lnt_ingest_result r[PER_BATCH];
    size_t nr;
    long status;
};

static void *post_main(void *arg)
{
    struct both *b = arg;

    b->status = post(b->base, b->k, b->body, b->r, &b->nr);
    return NULL;
}

static void test_two_servers__one_batch_sent_to_both_at_once_is_stored_once(void **state)
{
    struct town *t = town;
    const struct lnt_test_kiosk *k = &t->k[7];
    struct both b[2];
    pthread_t th[2];
    struct lnt_buf body;
    int64_t seq = 100000, before = stored(t, k->id);

    (void)state;
    lnt_buf_init(&body, 1u << 20);
    batch(k, seq, PER_BATCH, false, &body);
    for (int i = 0; i < 2; i++) {
        b[i] = (struct both){.base = t->d[i].base, .k = k, .body = &body};
        assert_int_equal(pthread_create(&th[i], NULL, post_main, &b[i]), 0);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(b[i].status, 200);
        assert_int_equal(b[i].nr, PER_BATCH);
    }
    /* one server stored it, the other found it stored: the kiosk may forget it either way */
    assert_int_equal(count(b[0].r, PER_BATCH, LNT_INGEST_ACCEPTED) +
                         count(b[1].r, PER_BATCH, LNT_INGEST_ACCEPTED),
                     PER_BATCH);
    assert_int_equal(count(b[0].r, PER_BATCH, LNT_INGEST_DUPLICATE) +
                         count(b[1].r, PER_BATCH, LNT_INGEST_DUPLICATE),
                     PER_BATCH);
    assert_int_equal(stored(t, k->id) - before, PER_BATCH);
    lnt_buf_release(&body);
}

/* The venue list an officer's token reads from server i. */
static char *venues_from(const struct town *t, int i)
{
    struct lnt_buf out;
    long status;
    char *copy;

    lnt_buf_init(&out, 1u << 22);
    status = request(t->d[i].base, "GET", "/api/v1/venues", NULL, t->token, NULL, 0, &out);
    if (status != 200)
        fail_msg("GET /api/v1/venues on server %d: %ld %.*s", i + 1, status, (int)out.len,
                 out.data != NULL ? out.data : "");
    copy = strndup(out.data, out.len);
    assert_non_null(copy);
    lnt_buf_release(&out);
    return copy;
}

static void test_two_servers__both_answer_officers_alike_after_a_change(void **state)
{
    struct town *t = town;
    const struct lnt_test_kiosk *k = &t->k[3];
    struct lnt_ingest_result r[PER_BATCH];
    struct lnt_buf body;
    char *a0, *b0, *a1, *b1;
    size_t nr = 0;

    (void)state;
    /* the same token on both; each has now cached the list's scores */
    a0 = venues_from(t, 0);
    b0 = venues_from(t, 1);
    assert_string_equal(a0, b0);
    /* a night of violence at one venue, stored through the first server only */
    lnt_buf_init(&body, 1u << 20);
    batch(k, 200000, PER_BATCH, true, &body);
    assert_int_equal(post(t->d[0].base, k, &body, r, &nr), 200);
    assert_int_equal(count(r, nr, LNT_INGEST_ACCEPTED), PER_BATCH);
    a1 = venues_from(t, 0);
    if (strcmp(a1, a0) == 0)
        fail_msg("ten violent incidents did not move the venue's score: %s", a1);
    /* the second server forgot its cached scores when the first said what changed */
    for (int i = 0; i < 50; i++) {
        b1 = venues_from(t, 1);
        if (strcmp(b1, a1) == 0)
            break;
        free(b1);
        b1 = NULL;
        usleep(100 * 1000);
    }
    if (b1 == NULL)
        fail_msg("the second server still serves the old scores; the first says:\n%s", a1);
    free(b1);
    free(a1);
    free(b0);
    free(a0);
    lnt_buf_release(&body);
}

static void test_two_servers__a_server_killed_under_load_loses_no_acknowledged_event(void **state)
{
    struct town *t = town;
    struct kiosk_run kr[KIOSKS];
    pthread_t th[KIOSKS];
    volatile int stop = 0;
    int64_t before[KIOSKS];
    int retries = 0;

    (void)state;
    for (int i = 0; i < KIOSKS; i++) {
        before[i] = stored(t, t->k[i].id);
        kr[i] = (struct kiosk_run){.t = t, .i = i, .seq = 1000000, .batches = 0, .stop = &stop};
        assert_int_equal(pthread_create(&th[i], NULL, kiosk_main, &kr[i]), 0);
    }
    for (int n = 0; n < KILLS; n++) {
        int victim = n % 2;
        usleep(300 * 1000);
        lnt_test_lanternd_stop(&t->d[victim], SIGKILL);
        usleep(200 * 1000);
        server_start(t, victim);
    }
    stop = 1;
    for (int i = 0; i < KIOSKS; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < KIOSKS; i++) {
        if (kr[i].refused)
            fail_msg("kiosk %d: a batch was not acknowledged: %s", i, kr[i].why);
        retries += kr[i].retries;
        /* every acknowledged event is there, once: no more, no fewer */
        assert_int_equal(stored(t, t->k[i].id) - before[i], kr[i].acked);
        /* per kiosk, a contiguous run of sequence numbers */
        assert_true(kr[i].acked > 0);
    }
    print_message("%d kills; %d batches sent again\n", KILLS, retries);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_servers__kiosks_through_the_proxy_are_stored_once),
        cmocka_unit_test(test_two_servers__one_batch_sent_to_both_at_once_is_stored_once),
        cmocka_unit_test(test_two_servers__both_answer_officers_alike_after_a_change),
        cmocka_unit_test(test_two_servers__a_server_killed_under_load_loses_no_acknowledged_event),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return cmocka_run_group_tests(tests, town_setup, town_teardown);
}
