/*
 * test_lanternd_kill.c - lanternd killed with SIGKILL under load, again and again: every event it
 * acknowledged is stored exactly once, and the register and rollups derived in the same
 * transaction agree with a recount of the raw events.
 *
 * Several kiosks (one thread and one libcurl handle each) send signed batches of fresh events
 * to the real lanternd binary; the main thread kills it at a random moment, restarts it on the
 * same database, and the kiosks resend what was never acknowledged plus a few events that were
 * (which must come back as duplicates). LNT_KILL_SEED=N replays the random choices of a run
 * (the kill moments still depend on timing); the seed is printed.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>

#include "buf.h"
#include "codec.h"
#include "log.h"
#include "ltime.h"
#include "night.h"
#include "reqsig.h"
#include "store.h"
#include "support.h"
#include "wire.h"

#define KIOSKS 4
#define VENUES 3
#define KILLS 20
#define SEQ_MAX 200000  /* per kiosk; far more than a run sends */
#define FRESH_MAX 40    /* events in one fresh batch, at most */
#define RESEND_BATCH 50 /* events in one resent batch, at most */
#define ACKED_RESENT 4  /* acknowledged events each kiosk resends after a restart */
#define REPLY_MAX (64u << 10)
#define LOAD_MS_MAX 300 /* load after the first acknowledgement of a round, at most */

enum ev_state { EV_NEW = 0, EV_SENT = 1, EV_ACKED = 2 };

struct kiosk {
    int idx;
    int64_t id;
    int64_t venue_id;
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    int64_t next_seq; /* the next fresh seq */
    uint8_t *state;   /* [SEQ_MAX + 1], by seq: enum ev_state */
    uint64_t rng;
    CURL *curl;
    /* this round, owned by the kiosk's thread while it runs */
    const char *url;
    bool resend_only;
    /* totals */
    size_t acked_dups_ok; /* acknowledged events resent and answered "duplicate" */
    size_t lost_replies;  /* unacknowledged events that turned out to be stored */
    size_t batches;
    char failure[256]; /* the first broken promise, "" = none */
};

struct run {
    char *dir;
    char *db;
    char *log;
    char *port_file;
    char url[64];
    pid_t server;
    int64_t base; /* occurred_at of seq 0 */
    struct kiosk k[KIOSKS];
    int64_t venues[VENUES];
    atomic_int stop; /* set by the main thread, read by the kiosks */
    pthread_mutex_t mu;
    size_t round_acks; /* batches acknowledged this round; guarded by mu */
};

static uint64_t rng_next(uint64_t *s)
{
    /* xorshift64* */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Event `seq` of kiosk `k`, the same every time it is made (so resending needs no copy): a door
 * that mostly signs staff in and out, with now and then an incident, a stock count or a refused
 * badge. One second apart from `base`, a few hours before now.
 */
static void make_event(const struct run *r, const struct kiosk *k, int64_t seq,
                       struct lnt_event *ev)
{
    int kind = (int)(seq % 10);

    memset(ev, 0, sizeof *ev);
    ev->seq = seq;
    snprintf(ev->uuid, sizeof ev->uuid, "6b1e0000-%04x-4000-8000-%012llx",
             (unsigned)k->idx & 0xffffu, (unsigned long long)seq & 0xffffffffffffull);
    ev->occurred_at = r->base + seq;
    ev->recorded_at = ev->occurred_at;
    if (kind < 7) {
        struct lnt_ev_badge *b = &ev->u.badge;
        int staff = k->idx * 1000 + (int)((seq / 2) % 500);
        ev->type = kind % 2 == 0 ? LNT_EV_SIGN_IN : LNT_EV_SIGN_OUT;
        snprintf(b->staff_id, sizeof b->staff_id, "%d", staff);
        snprintf(b->serial, sizeof b->serial, "%016x", (unsigned)staff);
        b->role = LNT_ROLE_DOOR;
        lnt_str_copy(b->sia_number, sizeof b->sia_number, "1234567812345678");
        b->sia_expires = 22000;
        b->sia_status = LNT_SIA_VALID;
        b->verdict = LNT_VERDICT_GREEN;
    } else if (kind == 7) {
        struct lnt_ev_incident *in = &ev->u.incident;
        ev->type = LNT_EV_INCIDENT;
        snprintf(in->report_id, sizeof in->report_id, "7c2f0000-%04x-4000-8000-%012llx",
                 (unsigned)k->idx & 0xffffu, (unsigned long long)seq & 0xffffffffffffull);
        lnt_str_copy(in->kind, sizeof in->kind, seq % 20 == 7 ? "angela" : "disorder");
        in->severity = 2;
        lnt_str_copy(in->place, sizeof in->place, "bar");
        lnt_str_copy(in->outcome, sizeof in->outcome, "resolved");
        in->complete = true;
        lnt_str_copy(in->staff_id, sizeof in->staff_id, "1");
    } else if (kind == 8) {
        ev->type = LNT_EV_STOCK;
        lnt_str_copy(ev->u.stock.kind, sizeof ev->u.stock.kind, "handed_out");
        ev->u.stock.quantity = 2;
        lnt_str_copy(ev->u.stock.staff_id, sizeof ev->u.stock.staff_id, "1");
    } else {
        ev->type = LNT_EV_BADGE_REFUSED;
        ev->u.refused.reason = LNT_BADGE_EXPIRED;
    }
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    struct lnt_buf *b = ctx;
    return lnt_buf_append(b, p, size * n) == LNT_OK ? size * n : 0;
}

static void kiosk_fail(struct kiosk *k, const char *fmt, ...)
{
    va_list ap;
    if (k->failure[0] != '\0')
        return;
    va_start(ap, fmt);
    vsnprintf(k->failure, sizeof k->failure, fmt, ap);
    va_end(ap);
}

/*
 * Sends events `seqs[0..n)` of kiosk `k` in one signed batch and records what the server
 * acknowledged. Returns false when there was no reply to act on (the server is down or was
 * killed mid-request): nothing is learnt and the events stay as they were.
 */
static bool send_batch(struct run *r, struct kiosk *k, const int64_t *seqs, size_t n)
{
    static const char path[] = "/api/v1/events";
    struct lnt_event *ev = calloc(n, sizeof *ev);
    struct lnt_ingest_result *res = calloc(n, sizeof *res);
    struct lnt_buf body, reply;
    struct curl_slist *h = NULL;
    char sig[LNT_REQSIG_B64_LEN], line[160], url[128], err[LNT_ERRBUF_SIZE] = "";
    int64_t ts = lnt_time_now();
    size_t got = 0;
    long status = 0;
    bool ok = false;

    lnt_buf_init(&body, LNT_BATCH_BODY_MAX);
    lnt_buf_init(&reply, REPLY_MAX);
    if (ev == NULL || res == NULL) {
        kiosk_fail(k, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        make_event(r, k, seqs[i], &ev[i]);
    if (lnt_wire_batch_encode(k->id, ev, n, &body, err) != LNT_OK ||
        lnt_reqsig_sign(k->sk, k->id, ts, "POST", path, body.data, body.len, sig) != LNT_OK) {
        kiosk_fail(k, "kiosk %lld: cannot make a batch: %s", (long long)k->id, err);
        goto out;
    }
    snprintf(line, sizeof line, "%s: %lld", LNT_HDR_KIOSK, (long long)k->id);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "%s: %lld", LNT_HDR_TIME, (long long)ts);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "%s: %s", LNT_HDR_SIGNATURE, sig);
    h = curl_slist_append(h, line);
    h = curl_slist_append(h, "Content-Type: application/json");
    snprintf(url, sizeof url, "%s%s", k->url, path);
    /* Sent from here on: until a reply says otherwise, it may or may not be stored. */
    for (size_t i = 0; i < n; i++)
        if (k->state[seqs[i]] == EV_NEW)
            k->state[seqs[i]] = EV_SENT;

    curl_easy_reset(k->curl);
    curl_easy_setopt(k->curl, CURLOPT_URL, url);
    curl_easy_setopt(k->curl, CURLOPT_POSTFIELDS, body.data);
    curl_easy_setopt(k->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
    curl_easy_setopt(k->curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(k->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(k->curl, CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt(k->curl, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(k->curl, CURLOPT_NOSIGNAL, 1L);
    if (curl_easy_perform(k->curl) != CURLE_OK)
        goto out; /* killed under us, or not up: no news */
    curl_easy_getinfo(k->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status == 503)
        goto out; /* busy: try again later */
    if (status != 200 && status != 409) {
        kiosk_fail(k, "kiosk %lld: status %ld: %.*s", (long long)k->id, status, (int)reply.len,
                   reply.data != NULL ? reply.data : "");
        goto out;
    }
    if (lnt_wire_reply_decode(reply.data, reply.len, res, n, &got, err) != LNT_OK || got != n) {
        kiosk_fail(k, "kiosk %lld: unreadable reply (%s): %.*s", (long long)k->id, err,
                   (int)reply.len, reply.data != NULL ? reply.data : "");
        goto out;
    }
    for (size_t i = 0; i < got; i++) {
        int64_t seq = res[i].seq;
        if (seq < 1 || seq >= k->next_seq) {
            kiosk_fail(k, "kiosk %lld: reply names seq %lld, never sent", (long long)k->id,
                       (long long)seq);
            goto out;
        }
        if (res[i].status != LNT_INGEST_ACCEPTED && res[i].status != LNT_INGEST_DUPLICATE) {
            kiosk_fail(k, "kiosk %lld seq %lld: status %d (%s)", (long long)k->id, (long long)seq,
                       (int)res[i].status, res[i].reason);
            goto out;
        }
        if (k->state[seq] == EV_ACKED) {
            /* Acknowledged before the kill: if it is "accepted" now, the earlier reply lied. */
            if (res[i].status != LNT_INGEST_DUPLICATE)
                kiosk_fail(k,
                           "kiosk %lld seq %lld: acknowledged before, accepted again: the first "
                           "acknowledgement came before its commit",
                           (long long)k->id, (long long)seq);
            else
                k->acked_dups_ok++;
        } else if (res[i].status == LNT_INGEST_DUPLICATE) {
            k->lost_replies++; /* committed before the kill; its reply never arrived */
        }
        k->state[seq] = EV_ACKED;
    }
    k->batches++;
    pthread_mutex_lock(&r->mu);
    r->round_acks++;
    pthread_mutex_unlock(&r->mu);
    ok = true;
out:
    curl_slist_free_all(h);
    lnt_buf_release(&reply);
    lnt_buf_release(&body);
    free(res);
    free(ev);
    return ok;
}

struct worker {
    struct run *r;
    struct kiosk *k;
};

/* One kiosk's round: resend what is owed, then fresh batches until stopped or the server dies. */
static void *kiosk_main(void *arg)
{
    struct worker *w = arg;
    struct run *r = w->r;
    struct kiosk *k = w->k;
    int64_t *seqs = calloc(SEQ_MAX, sizeof *seqs);
    size_t m = 0;

    if (seqs == NULL) {
        kiosk_fail(k, "out of memory");
        return NULL;
    }
    /* Everything unacknowledged, in order, with a few acknowledged ones mixed in. */
    for (int64_t seq = 1; seq < k->next_seq; seq++)
        if (k->state[seq] == EV_SENT ||
            (k->state[seq] == EV_ACKED &&
             rng_next(&k->rng) % (uint64_t)(k->next_seq) < ACKED_RESENT))
            seqs[m++] = seq;
    for (size_t i = 0; i < m; i += RESEND_BATCH)
        if (!send_batch(r, k, seqs + i, m - i < RESEND_BATCH ? m - i : RESEND_BATCH))
            goto out;
    while (!k->resend_only && !atomic_load(&r->stop) && k->failure[0] == '\0' &&
           k->next_seq + FRESH_MAX < SEQ_MAX) {
        size_t n = 1 + (size_t)(rng_next(&k->rng) % FRESH_MAX);
        for (size_t i = 0; i < n; i++)
            seqs[i] = k->next_seq++;
        if (!send_batch(r, k, seqs, n))
            break;
    }
out:
    free(seqs);
    return NULL;
}

static void server_start(struct run *r)
{
    const char *argv[] = {lnt_test_bin("lanternd"),
                          "--db",
                          r->db,
                          "--listen",
                          "127.0.0.1:0",
                          "--port-file",
                          r->port_file,
                          "--threads",
                          "4",
                          NULL};
    char *port;

    unlink(r->port_file);
    r->server = lnt_proc_spawn(argv, r->log);
    assert_true(r->server > 0);
    if (!lnt_test_wait_file(r->port_file, 20000)) {
        char *log = lnt_test_read_file(r->log);
        fail_msg("lanternd did not start; its log:\n%s", log != NULL ? log : "");
    }
    port = lnt_test_read_file(r->port_file);
    assert_non_null(port);
    port[strcspn(port, "\r\n")] = '\0';
    snprintf(r->url, sizeof r->url, "http://127.0.0.1:%s", port);
    free(port);
}

/* Runs one round: all kiosks at once, lanternd killed at a random moment unless `final`. */
static void run_round(struct run *r, bool final, uint64_t *rng, size_t *in_flight)
{
    pthread_t th[KIOSKS];
    struct worker w[KIOSKS];
    int64_t deadline;

    server_start(r);
    atomic_store(&r->stop, 0);
    r->round_acks = 0;
    for (int i = 0; i < KIOSKS; i++) {
        r->k[i].url = r->url;
        r->k[i].resend_only = final;
        w[i].r = r;
        w[i].k = &r->k[i];
        assert_int_equal(pthread_create(&th[i], NULL, kiosk_main, &w[i]), 0);
    }
    if (!final) {
        /* Under load: once batches are being acknowledged, a random while later. */
        deadline = mono_ms() + 10000;
        for (;;) {
            size_t acks;
            pthread_mutex_lock(&r->mu);
            acks = r->round_acks;
            pthread_mutex_unlock(&r->mu);
            if (acks > KIOSKS || mono_ms() > deadline)
                break;
            usleep(2000);
        }
        usleep((useconds_t)(rng_next(rng) % LOAD_MS_MAX) * 1000);
        lnt_proc_stop(r->server, SIGKILL);
        r->server = 0;
        atomic_store(&r->stop, 1);
    }
    for (int i = 0; i < KIOSKS; i++)
        pthread_join(th[i], NULL);
    if (final) {
        lnt_proc_stop(r->server, SIGTERM);
        r->server = 0;
    }
    for (int i = 0; i < KIOSKS; i++) {
        if (r->k[i].failure[0] != '\0')
            fail_msg("%s", r->k[i].failure);
        for (int64_t seq = 1; seq < r->k[i].next_seq; seq++)
            if (r->k[i].state[seq] == EV_SENT)
                (*in_flight)++;
    }
}

/* ---- checks against the database ---- */

struct recount {
    struct run *r;
    uint16_t *seen[KIOSKS]; /* by seq: times stored */
    size_t stray;           /* rows that match no event sent */
    char mismatch[256];
    /* by venue */
    int64_t events[VENUES], sign_ins[VENUES], refused[VENUES], incidents[VENUES], stock[VENUES];
    int64_t by_type[VENUES][LNT_EV__MAX + 1];
    int64_t first_at, last_at;
};

static int venue_index(const struct run *r, int64_t venue_id)
{
    for (int v = 0; v < VENUES; v++)
        if (r->venues[v] == venue_id)
            return v;
    return -1;
}

static int recount_event(void *ctx, const struct lnt_stored_event *e)
{
    struct recount *c = ctx;
    struct lnt_event want;
    int ki = -1, v = venue_index(c->r, e->venue_id);

    for (int i = 0; i < KIOSKS; i++)
        if (c->r->k[i].id == e->kiosk_id)
            ki = i;
    if (ki < 0 || v < 0 || e->ev.seq < 1 || e->ev.seq >= c->r->k[ki].next_seq) {
        c->stray++;
        return 0;
    }
    make_event(c->r, &c->r->k[ki], e->ev.seq, &want);
    if ((strcmp(want.uuid, e->ev.uuid) != 0 || want.type != e->ev.type ||
         want.occurred_at != e->ev.occurred_at || e->venue_id != c->r->k[ki].venue_id) &&
        c->mismatch[0] == '\0')
        snprintf(c->mismatch, sizeof c->mismatch, "kiosk %lld seq %lld stored with other content",
                 (long long)e->kiosk_id, (long long)e->ev.seq);
    c->seen[ki][e->ev.seq]++;
    c->events[v]++;
    c->by_type[v][e->ev.type]++;
    c->sign_ins[v] += e->ev.type == LNT_EV_SIGN_IN;
    c->refused[v] += e->ev.type == LNT_EV_BADGE_REFUSED;
    c->incidents[v] += e->ev.type == LNT_EV_INCIDENT; /* one report per incident event */
    c->stock[v] += e->ev.type == LNT_EV_STOCK;
    if (c->first_at == 0 || e->ev.occurred_at < c->first_at)
        c->first_at = e->ev.occurred_at;
    if (e->ev.occurred_at > c->last_at)
        c->last_at = e->ev.occurred_at;
    return 0;
}

static int64_t register_rows(struct lnt_store *s, int64_t venue_id, int64_t from, int64_t to)
{
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t total = 0;
    size_t offset = 0, n;

    do {
        struct lnt_shift *rows = NULL;
        n = 0;
        if (lnt_store_register_list(s, venue_id, from, to, offset, LNT_VIEW_MAX, &rows, &n, err) !=
            LNT_OK)
            fail_msg("register of venue %lld: %s", (long long)venue_id, err);
        free(rows);
        total += (int64_t)n;
        offset += n;
    } while (n == LNT_VIEW_MAX);
    return total;
}

/* Every event stored once with its content; the register and both rollups equal a recount. */
static void check_database(struct run *r)
{
    struct lnt_store *s = NULL;
    struct recount c;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t sent = 0;

    memset(&c, 0, sizeof c);
    c.r = r;
    assert_int_equal(lnt_store_open(&s, r->db, err), LNT_OK);
    for (int i = 0; i < KIOSKS; i++) {
        c.seen[i] = calloc(SEQ_MAX + 1, sizeof *c.seen[i]);
        assert_non_null(c.seen[i]);
    }
    assert_int_equal(lnt_store_events_each(s, 0, 0, recount_event, &c, err), LNT_OK);
    assert_int_equal(c.stray, 0);
    if (c.mismatch[0] != '\0')
        fail_msg("%s", c.mismatch);
    for (int i = 0; i < KIOSKS; i++) {
        struct kiosk *k = &r->k[i];
        struct lnt_kiosk rec;
        for (int64_t seq = 1; seq < k->next_seq; seq++) {
            if (k->state[seq] != EV_ACKED)
                fail_msg("kiosk %lld seq %lld was never acknowledged", (long long)k->id,
                         (long long)seq);
            if (c.seen[i][seq] != 1)
                fail_msg("kiosk %lld seq %lld acknowledged, stored %u times", (long long)k->id,
                         (long long)seq, (unsigned)c.seen[i][seq]);
        }
        sent += (size_t)(k->next_seq - 1);
        assert_int_equal(lnt_store_kiosk_get(s, k->id, &rec, err), LNT_OK);
        assert_int_equal(rec.last_seq, k->next_seq - 1);
    }
    assert_true(sent > 0);

    for (int v = 0; v < VENUES; v++) {
        struct lnt_rollup_scope scope = {.venue_id = r->venues[v]};
        struct lnt_night_rollup t;
        struct lnt_month_count *months = NULL;
        int64_t from = c.first_at - 86400, to = c.last_at + 86400;
        int64_t by_type[LNT_EV__MAX + 1] = {0};
        size_t nm = 0;

        assert_int_equal(
            lnt_store_rollup_totals(s, &scope, lnt_night_of(from), lnt_night_of(to), &t, err),
            LNT_OK);
        assert_int_equal(t.contacts, c.events[v]);
        assert_int_equal(t.sign_ins, c.sign_ins[v]);
        assert_int_equal(t.door_shifts, c.sign_ins[v]); /* every sign-in is a door supervisor's */
        assert_int_equal(t.staff_shifts, c.sign_ins[v]);
        assert_int_equal(t.refused, c.refused[v]);
        assert_int_equal(t.incidents, c.incidents[v]);
        assert_int_equal(t.stock_events, c.stock[v]);
        assert_int_equal(register_rows(s, r->venues[v], from, to), c.sign_ins[v]);

        assert_int_equal(lnt_store_rollup_months(s, &scope, from, to, &months, &nm, err), LNT_OK);
        for (size_t i = 0; i < nm; i++)
            if (months[i].kind[0] == '\0' && months[i].type >= 0 && months[i].type <= LNT_EV__MAX)
                by_type[months[i].type] += months[i].count;
        free(months);
        for (int ty = 1; ty <= LNT_EV__MAX; ty++)
            if (by_type[ty] != c.by_type[v][ty])
                fail_msg("venue %lld: hourly rollup counts %lld %s events, the raw events %lld",
                         (long long)r->venues[v], (long long)by_type[ty],
                         lnt_event_type_name((enum lnt_event_type)ty), (long long)c.by_type[v][ty]);
    }
    for (int i = 0; i < KIOSKS; i++)
        free(c.seen[i]);
    lnt_store_free(s);
}

/* ---- the test ---- */

static uint64_t seed_from_env(void)
{
    const char *s = getenv("LNT_KILL_SEED");
    int64_t v;
    if (s != NULL && lnt_parse_i64(s, 1, INT64_MAX, &v) == LNT_OK)
        return (uint64_t)v;
    return ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid();
}

static void make_database(struct run *r)
{
    struct lnt_store *s = NULL;
    char err[LNT_ERRBUF_SIZE] = "";

    assert_int_equal(lnt_store_open(&s, r->db, err), LNT_OK);
    assert_int_equal(lnt_store_scheme_init(s, "KIL", err), LNT_OK);
    for (int v = 0; v < VENUES; v++) {
        struct lnt_venue venue;
        memset(&venue, 0, sizeof venue);
        snprintf(venue.name, sizeof venue.name, "Kill Venue %d", v + 1);
        venue.category = LNT_VENUE_BAR;
        venue.capacity = 300;
        lnt_str_copy(venue.area, sizeof venue.area, "Centre");
        assert_int_equal(lnt_store_venue_add(s, &venue, err), LNT_OK);
        r->venues[v] = venue.id;
    }
    for (int i = 0; i < KIOSKS; i++) {
        struct kiosk *k = &r->k[i];
        char code[LNT_ENROLL_CODE_LEN + 1];
        uint8_t pk[crypto_sign_PUBLICKEYBYTES];
        struct lnt_kiosk out;

        crypto_sign_keypair(pk, k->sk);
        k->idx = i;
        k->venue_id = r->venues[i % VENUES];
        assert_int_equal(
            lnt_store_enroll_code_add(s, k->venue_id, lnt_time_now() + 3600, code, err), LNT_OK);
        assert_int_equal(lnt_store_enroll_redeem(s, code, pk, lnt_time_now(), &out, err), LNT_OK);
        k->id = out.id;
        k->next_seq = 1;
    }
    lnt_store_free(s);
}

static void test_lanternd_kill__acknowledged_events_survive_sigkill(void **state)
{
    struct run *r = calloc(1, sizeof *r);
    uint64_t seed = seed_from_env(), rng = seed;
    size_t in_flight = 0, dups = 0, lost = 0, batches = 0;
    int64_t started = mono_ms();
    int kills = 0;
    (void)state;

    assert_non_null(r);
    print_message("test_lanternd_kill: LNT_KILL_SEED=%llu\n", (unsigned long long)seed);
    lnt_log_init("test_lanternd_kill", LNT_LOG_WARN);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    assert_int_equal(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
    assert_int_equal(pthread_mutex_init(&r->mu, NULL), 0);
    r->dir = lnt_test_tmpdir();
    assert_non_null(r->dir);
    r->db = lnt_test_path(r->dir, "lantern.db");
    r->log = lnt_test_path(r->dir, "lanternd.log");
    r->port_file = lnt_test_path(r->dir, "port");
    r->base = lnt_time_now() - 12 * 3600;
    make_database(r);
    for (int i = 0; i < KIOSKS; i++) {
        r->k[i].state = calloc(SEQ_MAX + 1, 1);
        assert_non_null(r->k[i].state);
        r->k[i].rng = (seed + 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1)) | 1;
        r->k[i].curl = curl_easy_init();
        assert_non_null(r->k[i].curl);
    }
    rng |= 1;

    /* every round, however slow the machine: a kill that was not made proves nothing */
    for (kills = 0; kills < KILLS; kills++)
        run_round(r, false, &rng, &in_flight);
    run_round(r, true, &rng, &in_flight); /* everything owed, then a clean stop */
    for (int i = 0; i < KIOSKS; i++) {
        dups += r->k[i].acked_dups_ok;
        lost += r->k[i].lost_replies;
        batches += r->k[i].batches;
    }
    print_message("test_lanternd_kill: %d kills in %.1f s, %zu batches acknowledged, %zu events "
                  "in flight at kills, %zu of them stored before the kill, %zu acknowledged "
                  "events resent as duplicates\n",
                  kills, (double)(mono_ms() - started) / 1000.0, batches, in_flight, lost, dups);
    assert_true(in_flight > 0); /* the kills did land under load */
    assert_true(dups > 0);      /* and the resends of acknowledged events were exercised */
    check_database(r);

    for (int i = 0; i < KIOSKS; i++) {
        curl_easy_cleanup(r->k[i].curl);
        free(r->k[i].state);
        sodium_memzero(r->k[i].sk, sizeof r->k[i].sk);
    }
    curl_global_cleanup();
    pthread_mutex_destroy(&r->mu);
    lnt_test_rmrf(r->dir);
    free(r->port_file);
    free(r->log);
    free(r->db);
    free(r->dir);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lanternd_kill__acknowledged_events_survive_sigkill),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
