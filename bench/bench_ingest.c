/* bench_ingest.c - ingest throughput and latency of lanternd on SQLite and on PostgreSQL against
 * a bare libmicrohttpd baseline in the same run, driven by a libcurl multi load generator sending
 * the same pre-signed batches of 100 events to each. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "bench_http.h"
#include "bench_pg.h"
#include "buf.h"
#include "codec.h"
#include "ltime.h"
#include "reqsig.h"
#include "store.h"

#define BATCH 100
#define MAX_CONNS 256
#define VENUES 16

struct kiosk {
    int64_t id; /* the same in every backend's database (make_db checks) */
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    int64_t next_seq;
};

/* One request, ready to send: a body and its signature headers. */
struct batch {
    char *body;
    size_t len;
    struct curl_slist *headers;
};

struct conn {
    CURL *easy;
    struct batch *queue; /* this connection's batches, sent in order */
    size_t n, next;
    int64_t started_us; /* when the batch in flight was sent or (open loop) fell due */
    bool busy;
    char reply[512];
    size_t reply_len;
};

struct options {
    const char *lanternd;
    const char *null_server;
    size_t events; /* per run */
    int conns[4];
    size_t n_conns;
    double rate;     /* events/s offered in the open-loop runs; 0: none */
    bool sqlite, pg; /* --backends */
};

/* A lanternd to measure: its database and the scheme's key file. */
struct backend {
    const char *name;              /* "SQLite", "PostgreSQL" */
    char target[BENCH_PG_URI_MAX]; /* a SQLite path or a postgresql:// URI */
    char keys[4200];               /* --keys; empty: lanternd's default beside a SQLite file */
};

static void die(const char *what)
{
    fprintf(stderr, "bench_ingest: %s\n", what);
    exit(1);
}

/* ---- the database and its kiosks ---- */

/*
 * A new scheme on b with VENUES venues and the `n` kiosks enrolled in turn with their keys
 * (made by the caller). The first backend sets each kiosk's id (`first`); later ones must give
 * the same ids, so that one set of signed batches is valid on every backend.
 */
static void make_db(const struct backend *b, struct kiosk *kiosks, size_t n, bool first)
{
    struct lnt_store *s = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t venues[VENUES];

    if (lnt_store_open_keys(&s, b->target, b->keys[0] ? b->keys : NULL, err) != LNT_OK ||
        lnt_store_scheme_init(s, "BEN", err) != LNT_OK)
        die(err);
    for (size_t v = 0; v < VENUES; v++) {
        struct lnt_venue venue;
        memset(&venue, 0, sizeof venue);
        snprintf(venue.name, sizeof venue.name, "Bench Venue %zu", v + 1);
        venue.category = (enum lnt_venue_category)(1 + v % 3);
        venue.capacity = 200;
        snprintf(venue.area, sizeof venue.area, "Area %zu", v % 4);
        if (lnt_store_venue_add(s, &venue, err) != LNT_OK)
            die(err);
        venues[v] = venue.id;
    }
    for (size_t k = 0; k < n; k++) {
        char code[LNT_ENROLL_CODE_LEN + 1];
        struct lnt_kiosk out;

        if (lnt_store_enroll_code_add(s, venues[k % VENUES], lnt_time_now() + 3600, code, err) !=
                LNT_OK ||
            lnt_store_enroll_redeem(s, code, kiosks[k].pk, lnt_time_now(), &out, err) != LNT_OK)
            die(err);
        if (first)
            kiosks[k].id = out.id;
        else if (kiosks[k].id != out.id)
            die("a kiosk's id differs between the backends' databases");
    }
    lnt_store_free(s);
}

/* ---- pre-signed batches ---- */

/*
 * Appends event `seq` of a busy door: sign-ins and sign-outs in pairs (each
 * pair a different person from a pool of 5000 per kiosk, so nobody is on
 * shift twice in one night), now and then a stock count or an incident.
 * Events are 20 s apart, so a run covers a day or two of a kiosk's life.
 */
static void add_event(struct lnt_buf *b, const struct kiosk *k, int64_t seq, int64_t at)
{
    char when[LNT_TIME_STRLEN], uuid[LNT_UUID_STRLEN];
    int kind = (int)(seq % 10);
    int staff = (int)(k->id * 10000 + (seq / 2) % 5000);
    int rc;

    lnt_time_format(at, when);
    lnt_uuid4(uuid);
    if (kind < 8) {
        rc = lnt_buf_printf(
            b,
            "%s{\"seq\":%lld,\"uuid\":\"%s\",\"type\":\"%s\",\"occurred_at\":\"%s\","
            "\"recorded_at\":\"%s\",\"staff_id\":\"%d\",\"badge_serial\":"
            "\"%016x\",\"role\":\"door\",\"sia_number\":\"1234567812345678\","
            "\"sia_expires\":\"2030-05-01\",\"sia_status\":\"valid\",\"verdict\":"
            "\"green\"}",
            seq % BATCH == 1 ? "" : ",", (long long)seq, uuid,
            kind % 2 == 0 ? "sign_in" : "sign_out", when, when, staff, (unsigned)staff);
    } else if (kind == 8) {
        rc = lnt_buf_printf(b,
                            ",{\"seq\":%lld,\"uuid\":\"%s\",\"type\":\"stock\",\"occurred_at\":"
                            "\"%s\",\"recorded_at\":\"%s\",\"kind\":\"handed_out\",\"quantity\":"
                            "3,\"staff_id\":\"%d\"}",
                            (long long)seq, uuid, when, when, staff);
    } else {
        char report[LNT_UUID_STRLEN];
        lnt_uuid7(at * 1000, report); /* as kiosks make them */
        rc = lnt_buf_printf(b,
                            ",{\"seq\":%lld,\"uuid\":\"%s\",\"type\":\"incident\",\"occurred_at\":"
                            "\"%s\",\"recorded_at\":\"%s\",\"report_id\":\"%s\",\"kind\":"
                            "\"angela\",\"severity\":2,\"place\":\"bar\",\"outcome\":\"taxi\","
                            "\"police_called\":false,\"complete\":true,\"staff_id\":\"%d\","
                            "\"sealed\":\"\"}",
                            (long long)seq, uuid, when, when, report, staff);
    }
    if (rc != LNT_OK)
        die("batch buffer");
}

static void make_batch(struct batch *out, struct kiosk *k, int64_t ts)
{
    struct lnt_buf b;
    char sig[LNT_REQSIG_B64_LEN], line[160];
    int64_t at = lnt_time_now() - 30 * 86400; /* seq 1's time; the kiosk's clock runs on */

    lnt_buf_init(&b, LNT_BATCH_BODY_MAX);
    if (lnt_buf_printf(&b, "{\"kiosk_id\":%lld,\"events\":[", (long long)k->id) != LNT_OK)
        die("batch buffer");
    for (int i = 0; i < BATCH; i++, k->next_seq++)
        add_event(&b, k, k->next_seq, at + k->next_seq * 20);
    if (lnt_buf_puts(&b, "]}") != LNT_OK)
        die("batch buffer");
    if (lnt_reqsig_sign(k->sk, k->id, ts, "POST", "/api/v1/events", b.data, b.len, sig) != LNT_OK)
        die("signing");
    out->headers = NULL;
    snprintf(line, sizeof line, "%s: %lld", LNT_HDR_KIOSK, (long long)k->id);
    out->headers = curl_slist_append(out->headers, line);
    snprintf(line, sizeof line, "%s: %lld", LNT_HDR_TIME, (long long)ts);
    out->headers = curl_slist_append(out->headers, line);
    snprintf(line, sizeof line, "%s: %s", LNT_HDR_SIGNATURE, sig);
    out->headers = curl_slist_append(out->headers, line);
    out->headers = curl_slist_append(out->headers, "Content-Type: application/json");
    out->headers = curl_slist_append(out->headers, "Expect:");
    out->body = lnt_buf_detach(&b, &out->len);
}

/* ---- servers ---- */

/* Starts a server (lanternd or the null server) with its log level from BENCH_LANTERN_LOG
 * (default info); exits when it does not start. */
static pid_t start_server(const char *const argv[], const char *port_file, const char *log,
                          unsigned *port)
{
    const char *level = getenv("BENCH_LANTERN_LOG");
    char err[LNT_ERRBUF_SIZE] = "";
    pid_t pid =
        lnt_bench_server_start(argv, port_file, log, level != NULL ? level : "info", port, err);

    if (pid < 0)
        die(err);
    return pid;
}

static size_t on_metrics(char *p, size_t size, size_t n, void *ctx)
{
    return lnt_buf_append(ctx, p, size * n) == LNT_OK ? size * n : 0;
}

/* The value of `name` on lanternd's /metrics page, or -1. */
static double metric(const char *page, const char *name)
{
    for (const char *at = strstr(page, name); at != NULL; at = strstr(at + 1, name))
        if ((at == page || at[-1] == '\n') && at[strlen(name)] == ' ')
            return strtod(at + strlen(name) + 1, NULL);
    return -1;
}

/* Batches per commit in lanternd's run so far (its /metrics), or 0 when it cannot say. */
static double batches_per_commit(unsigned port)
{
    CURL *c = curl_easy_init();
    struct lnt_buf page;
    char url[64];
    double batches, commits;

    if (c == NULL)
        return 0;
    lnt_buf_init(&page, 1 << 20);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/metrics", port);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_metrics);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &page);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    batches = commits = -1;
    if (curl_easy_perform(c) == CURLE_OK && page.data != NULL) {
        batches = metric(page.data, "lantern_batch_duration_seconds_count");
        commits = metric(page.data, "lantern_ingest_commits_total");
    }
    curl_easy_cleanup(c);
    lnt_buf_release(&page);
    return batches > 0 && commits > 0 ? batches / commits : 0;
}

static void stop_server(pid_t pid)
{
    int status;
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
}

/* ---- the load ---- */

static size_t on_reply(char *p, size_t size, size_t n, void *ctx)
{
    struct conn *c = ctx;
    size_t k = size * n;
    size_t room = sizeof c->reply - 1 - c->reply_len;
    memcpy(c->reply + c->reply_len, p, k < room ? k : room);
    c->reply_len += k < room ? k : room;
    c->reply[c->reply_len] = '\0';
    return k;
}

/* Sends c's next batch; its latency is counted from `since` (microseconds, monotonic). */
static void send_next(CURLM *multi, struct conn *c, const char *url, int64_t since)
{
    struct batch *b = &c->queue[c->next++];

    curl_easy_setopt(c->easy, CURLOPT_URL, url);
    curl_easy_setopt(c->easy, CURLOPT_POSTFIELDS, b->body);
    curl_easy_setopt(c->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)b->len);
    curl_easy_setopt(c->easy, CURLOPT_HTTPHEADER, b->headers);
    curl_easy_setopt(c->easy, CURLOPT_WRITEFUNCTION, on_reply);
    curl_easy_setopt(c->easy, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(c->easy, CURLOPT_PRIVATE, c);
    curl_easy_setopt(c->easy, CURLOPT_TIMEOUT, 60L);
    c->reply_len = 0;
    c->reply[0] = '\0'; /* a request answered with nothing must not show the last reply */
    c->started_us = since;
    c->busy = true;
    curl_multi_add_handle(multi, c->easy);
}

struct result {
    double events_s;
    double p50_ms, p99_ms, max_ms;
    double per_commit; /* lanternd only: batches sharing a commit, on average */
    size_t errors;
    size_t batches;
};

/*
 * Sends every batch in `conns` over `n` connections to `port`; fills *r.
 *
 * rate == 0: closed loop, each connection sends its next batch as soon as the
 * last is answered (the most the server can take). rate > 0: open loop,
 * batches fall due on a fixed schedule, `rate` events a second spread over
 * the connections in turn (batch j of connection i is due at
 * (j * n + i) * BATCH / rate seconds), and a batch's latency runs from when
 * it fell due, so time spent waiting for a busy connection counts too.
 */
static void run_load(struct conn *conns, size_t n, unsigned port, double rate, struct result *r)
{
    int64_t interval_ns = rate > 0 ? (int64_t)(1e9 * BATCH / rate) : 0;
    CURLM *multi = curl_multi_init();
    char url[64];
    size_t total = 0, done = 0;
    int64_t *lat, t0, t1;
    int running;

    snprintf(url, sizeof url, "http://127.0.0.1:%u/api/v1/events", port);
    for (size_t i = 0; i < n; i++)
        total += conns[i].n;
    lat = calloc(total, sizeof *lat);
    if (multi == NULL || lat == NULL)
        die("out of memory");
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)n);
    memset(r, 0, sizeof *r);
    t0 = lnt_bench_now_us();
    for (size_t i = 0; i < n; i++) {
        conns[i].busy = false;
        if (conns[i].n > 0 && interval_ns == 0)
            send_next(multi, &conns[i], url, lnt_bench_now_us());
    }
    do {
        CURLMsg *m;
        int left;

        curl_multi_perform(multi, &running);
        while ((m = curl_multi_info_read(multi, &left)) != NULL) {
            struct conn *c = NULL;
            long status = 0;

            if (m->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&c);
            curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
            lat[done++] = lnt_bench_now_us() - c->started_us;
            if (m->data.result != CURLE_OK || status != 200) {
                if (r->errors++ < 3)
                    fprintf(stderr, "  request failed: %s, status %ld: %.200s\n",
                            curl_easy_strerror(m->data.result), status, c->reply);
            }
            curl_multi_remove_handle(multi, c->easy);
            c->busy = false;
            if (c->next < c->n && interval_ns == 0)
                send_next(multi, c, url, lnt_bench_now_us());
        }
        if (interval_ns > 0) {
            int64_t t = lnt_bench_now_us();
            for (size_t i = 0; i < n; i++) {
                struct conn *c = &conns[i];
                int64_t due;
                if (c->busy || c->next >= c->n)
                    continue;
                due = t0 + ((int64_t)(c->next * n + i) * interval_ns) / 1000;
                if (due <= t)
                    send_next(multi, c, url, due);
            }
        }
        if (done < total)
            curl_multi_poll(multi, NULL, 0, interval_ns > 0 ? 1 : 100, NULL);
    } while (done < total);
    t1 = lnt_bench_now_us();
    lnt_bench_sort(lat, total);
    r->batches = total;
    r->events_s = (double)(total * BATCH) / ((double)(t1 - t0) / 1e6);
    r->p50_ms = (double)lat[total / 2] / 1000.0;
    r->p99_ms = (double)lat[(total * 99) / 100 < total ? (total * 99) / 100 : total - 1] / 1000.0;
    r->max_ms = (double)lat[total - 1] / 1000.0;
    free(lat);
    curl_multi_cleanup(multi);
}

/* Makes fresh batches (new seqs) for `n` connections, one kiosk each, signed now. */
static void presign(struct conn *conns, size_t n, struct kiosk *kiosks, size_t per_conn)
{
    int64_t ts = lnt_time_now();

    for (size_t i = 0; i < n; i++) {
        conns[i].queue = calloc(per_conn, sizeof *conns[i].queue);
        if (conns[i].queue == NULL)
            die("out of memory");
        conns[i].n = per_conn;
        conns[i].next = 0;
        for (size_t j = 0; j < per_conn; j++)
            make_batch(&conns[i].queue[j], &kiosks[i], ts);
    }
}

static void release(struct conn *conns, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < conns[i].n; j++) {
            free(conns[i].queue[j].body);
            curl_slist_free_all(conns[i].queue[j].headers);
        }
        free(conns[i].queue);
        conns[i].queue = NULL;
        conns[i].n = 0;
    }
}

/*
 * One measurement: fresh batches (new seqs) signed once and sent to the baseline, then the very
 * same bodies to lanternd on each backend in turn, at `rate` (0: closed loop).
 */
static void run_pair(const struct options *o, struct conn *conns, size_t n, struct kiosk *kiosks,
                     double rate, const struct backend *backends, size_t n_backends,
                     const char *port_file, const char *log)
{
    size_t per_conn = (o->events / BATCH + n - 1) / n;
    struct result base, real[2];
    char label[48], name[48];
    unsigned port;
    pid_t pid;

    presign(conns, n, kiosks, per_conn);
    {
        const char *argv_null[] = {o->null_server, port_file, NULL};
        pid = start_server(argv_null, port_file, log, &port);
        run_load(conns, n, port, rate, &base);
        stop_server(pid);
    }
    for (size_t b = 0; b < n_backends; b++) {
        const struct backend *be = &backends[b];
        const char *argv_d[] = {o->lanternd,   "--db",    be->target, "--listen", "127.0.0.1:0",
                                "--port-file", port_file, NULL,       NULL,       NULL};

        if (be->keys[0]) {
            argv_d[7] = "--keys";
            argv_d[8] = be->keys;
        }
        for (size_t i = 0; i < n; i++)
            conns[i].next = 0;
        pid = start_server(argv_d, port_file, log, &port);
        run_load(conns, n, port, rate, &real[b]);
        real[b].per_commit = batches_per_commit(port);
        stop_server(pid);
    }
    if (rate > 0)
        snprintf(label, sizeof label, "offered %.0f/s", rate);
    else
        snprintf(label, sizeof label, "as fast as it goes");
    printf("%-22s %-20s %6zu %12.0f %10.2f %10.2f %10.2f %8zu\n", "null (baseline)", label, n,
           base.events_s, base.p50_ms, base.p99_ms, base.max_ms, base.errors);
    for (size_t b = 0; b < n_backends; b++) {
        snprintf(name, sizeof name, "lanternd (%s)", backends[b].name);
        printf("%-22s %-20s %6zu %12.0f %10.2f %10.2f %10.2f %8zu   (%.1f%% of baseline; "
               "%.1f batches a commit)\n",
               name, label, n, real[b].events_s, real[b].p50_ms, real[b].p99_ms, real[b].max_ms,
               real[b].errors, 100.0 * real[b].events_s / base.events_s, real[b].per_commit);
    }
    fflush(stdout);
    release(conns, n);
}

static void usage(void)
{
    fputs("usage: bench_ingest [--lanternd PATH] [--null-server PATH] [--events N] [--conns A,B]\n"
          "                    [--rate R] [--backends sqlite,postgresql]\n"
          "  --lanternd PATH      lanternd to measure (default: next to this program)\n"
          "  --null-server PATH   the baseline (default: bench_null_server next to this program)\n"
          "  --events N           events sent per run (default 200000)\n"
          "  --conns A,B          concurrent connections per run (default 8,64)\n"
          "  --rate R             then, for each, an open-loop run offering R events/s\n"
          "                       (default 40000; 0: none)\n"
          "  --backends LIST      lanternd on these databases, each in turn after the baseline\n"
          "                       (default sqlite,postgresql; PostgreSQL: a throwaway cluster)\n"
          "environment: BENCH_LANTERN_LOG=warn quiets lanternd's per-request log (default info)\n",
          stderr);
}

static void parse(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        {"lanternd", required_argument, NULL, 'l'}, {"null-server", required_argument, NULL, 'n'},
        {"events", required_argument, NULL, 'e'},   {"conns", required_argument, NULL, 'c'},
        {"rate", required_argument, NULL, 'r'},     {"backends", required_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    static char self_dir[4096], lanternd[4200], null_server[4200];
    ssize_t len = readlink("/proc/self/exe", self_dir, sizeof self_dir - 1);
    int64_t v;
    int c;

    if (len <= 0)
        die("cannot find this program's directory");
    self_dir[len] = '\0';
    *strrchr(self_dir, '/') = '\0';
    snprintf(lanternd, sizeof lanternd, "%s/lanternd", self_dir);
    snprintf(null_server, sizeof null_server, "%s/bench_null_server", self_dir);
    o->lanternd = lanternd;
    o->null_server = null_server;
    o->events = 200000;
    o->conns[0] = 8;
    o->conns[1] = 64;
    o->n_conns = 2;
    o->rate = 40000;
    o->sqlite = o->pg = true;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            o->lanternd = optarg;
            break;
        case 'n':
            o->null_server = optarg;
            break;
        case 'e':
            if (lnt_parse_i64(optarg, BATCH, 100000000, &v) != LNT_OK)
                die("--events: expected a number of events (at least 100)");
            o->events = (size_t)v;
            break;
        case 'c': {
            char list[64], *p = list;
            if (lnt_str_copy(list, sizeof list, optarg) != LNT_OK)
                die("--conns: too long");
            o->n_conns = 0;
            while (p != NULL && o->n_conns < 4) {
                char *comma = strchr(p, ',');
                if (comma != NULL)
                    *comma = '\0';
                if (lnt_parse_i64(p, 1, MAX_CONNS, &v) != LNT_OK)
                    die("--conns: expected numbers from 1 to 256, comma-separated");
                o->conns[o->n_conns++] = (int)v;
                p = comma != NULL ? comma + 1 : NULL;
            }
            break;
        }
        case 'r':
            if (lnt_parse_i64(optarg, 0, 10000000, &v) != LNT_OK)
                die("--rate: expected events per second (0 for none)");
            o->rate = (double)v;
            break;
        case 'b':
            o->sqlite = strstr(optarg, "sqlite") != NULL;
            o->pg = strstr(optarg, "postgresql") != NULL;
            if (!o->sqlite && !o->pg)
                die("--backends: expected sqlite, postgresql or both, comma-separated");
            break;
        case 'h':
            usage();
            exit(0);
        default:
            usage();
            exit(2);
        }
    }
}

int main(int argc, char **argv)
{
    struct options o;
    struct kiosk *kiosks;
    struct conn conns[MAX_CONNS];
    struct backend backends[2];
    struct bench_pg cluster;
    char dir_tmpl[] = "/tmp/bench_ingest.XXXXXX";
    char port_file[4200], log[4200];
    const char *dir;
    size_t n_backends = 0;
    int max_conns = 0, pg_version = 0;

    parse(argc, argv, &o);
    if (lnt_crypto_init() != LNT_OK || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        die("cannot initialise libsodium or libcurl");
    dir = mkdtemp(dir_tmpl);
    if (dir == NULL)
        die("mkdtemp");
    snprintf(port_file, sizeof port_file, "%s/port", dir);
    snprintf(log, sizeof log, "%s/server.log", dir);
    for (size_t i = 0; i < o.n_conns; i++)
        max_conns = o.conns[i] > max_conns ? o.conns[i] : max_conns;
    kiosks = calloc((size_t)max_conns, sizeof *kiosks);
    if (kiosks == NULL)
        die("out of memory");
    for (int k = 0; k < max_conns; k++) {
        crypto_sign_keypair(kiosks[k].pk, kiosks[k].sk);
        kiosks[k].next_seq = 1;
    }
    memset(backends, 0, sizeof backends);
    if (o.sqlite) {
        struct backend *b = &backends[n_backends++];
        b->name = "SQLite";
        snprintf(b->target, sizeof b->target, "%s/lantern.db", dir);
    }
    if (o.pg) {
        struct backend *b = &backends[n_backends++];
        char pgdir[4200];
        PGconn *pg;

        /* the cluster runs as postgres when we are root: it must reach its directory */
        if (geteuid() == 0 && chmod(dir, 0711) != 0)
            die("cannot open the run's directory to the postgres user");
        snprintf(pgdir, sizeof pgdir, "%s/pg", dir);
        bench_pg_start(&cluster, pgdir);
        pg = bench_pg_connect(cluster.uri);
        pg_version = PQserverVersion(pg);
        PQfinish(pg);
        b->name = "PostgreSQL";
        bench_pg_db(&cluster, "lantern", b->target);
        snprintf(b->keys, sizeof b->keys, "%s/pg.keys", dir);
    }
    for (size_t b = 0; b < n_backends; b++)
        make_db(&backends[b], kiosks, (size_t)max_conns, b == 0);
    memset(conns, 0, sizeof conns);
    for (int i = 0; i < max_conns; i++)
        if ((conns[i].easy = curl_easy_init()) == NULL)
            die("curl_easy_init");

    printf("bench_ingest --events %zu --rate %.0f --backends %s%s%s: signed batches of %d; %ld "
           "CPUs; lanternd on SQLite with synchronous=FULL (the default), on PostgreSQL %d.%d "
           "with fsync and synchronous_commit on; server log at %s\n",
           o.events, o.rate, o.sqlite ? "sqlite" : "", o.sqlite && o.pg ? "," : "",
           o.pg ? "postgresql" : "", BATCH, sysconf(_SC_NPROCESSORS_ONLN), pg_version / 10000,
           pg_version % 10000, log);
    printf("%-22s %-20s %6s %12s %10s %10s %10s %8s\n", "server", "load", "conns", "events/s",
           "p50 ms", "p99 ms", "max ms", "errors");
    for (size_t ci = 0; ci < o.n_conns; ci++)
        for (int open = 0; open < (o.rate > 0 ? 2 : 1); open++)
            run_pair(&o, conns, (size_t)o.conns[ci], kiosks, open ? o.rate : 0, backends,
                     n_backends, port_file, log);
    for (int i = 0; i < max_conns; i++)
        curl_easy_cleanup(conns[i].easy);
    sodium_memzero(kiosks, (size_t)max_conns * sizeof *kiosks);
    free(kiosks);
    curl_global_cleanup();
    if (o.pg)
        bench_pg_stop(&cluster);
    printf("%s left in %s (remove it when done)\n",
           o.sqlite ? "the SQLite database, the key files and the log" : "the key file and the log",
           dir);
    return 0;
}
