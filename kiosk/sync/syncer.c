/* syncer.c - the kiosk's sync thread: sends the outbox and refreshes trust and settings, so the
 * screen never waits on the network. */
#include "syncer.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "log.h"
#include "ltime.h"
#include "sync.h"

struct lnt_syncer {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool kicked;
    volatile int stop; /* read by curl's progress callback to abort a transfer */
    struct lnt_syncer_status status;
    /* Owned by the thread. */
    struct lnt_outbox *ob;
    struct lnt_sync *sync;
    struct lnt_identity *id;
    struct lnt_identity *was; /* the stored identity, while a refresh changes id */
    struct lnt_backoff backoff;
    int64_t next_refresh_ms;
    int64_t last_contact_ms;
    int64_t saved_sync; /* the last sync time as stored in the outbox */
    /* Without a thread (lnt_syncer_open): the times the caller gave to lnt_syncer_step. */
    bool manual;
    int64_t at_mono_ms, at_now;
};

/* The clocks a round goes by: the caller's in a syncer without a thread, the real ones else. */
static int64_t sy_mono(const struct lnt_syncer *sy)
{
    return sy->manual ? sy->at_mono_ms : lnt_mono_ms();
}

static int64_t sy_now(const struct lnt_syncer *sy)
{
    return sy->manual ? sy->at_now : lnt_time_now();
}

static void set_status(struct lnt_syncer *sy, void (*fn)(struct lnt_syncer_status *, void *),
                       void *arg)
{
    pthread_mutex_lock(&sy->lock);
    fn(&sy->status, arg);
    pthread_mutex_unlock(&sy->lock);
}

struct outcome {
    bool contact; /* the server answered in this round */
    bool online, ok, bumped, pushed_all;
    size_t sent, aside;
    int64_t sent_seq, aside_seq;
    int64_t now; /* unix seconds at the end of the round */
    const char *error;
};

static void apply_outcome(struct lnt_syncer_status *st, void *arg)
{
    const struct outcome *o = arg;

    st->enrolled = true;
    st->pushed_all = o->pushed_all;
    if (!o->contact && o->ok)
        return; /* nothing was asked of the server: what the bar shows still holds */
    st->online = o->online;
    st->sent_total += o->sent;
    st->aside_total += o->aside;
    if (o->sent_seq > st->sent_seq)
        st->sent_seq = o->sent_seq;
    if (o->aside_seq > st->aside_seq)
        st->aside_seq = o->aside_seq;
    if (o->bumped)
        st->generation++;
    if (o->ok) {
        st->last_sync = o->now;
        st->last_error[0] = '\0';
    } else if (o->error != NULL) {
        lnt_str_copy(st->last_error, sizeof st->last_error, o->error);
    }
}

static void fail(struct lnt_syncer *sy, struct outcome *o, enum lnt_err rc, const char *err,
                 int http_status)
{
    uint32_t rnd;
    int64_t mono = sy_mono(sy);

    lnt_random((uint8_t *)&rnd, sizeof rnd);
    lnt_sync_backoff_fail(&sy->backoff, mono, rnd);
    o->ok = false;
    o->online = http_status != 0;
    o->error = err[0] != '\0' ? err : lnt_strerror(rc);
    if (http_status != 0)
        sy->last_contact_ms = mono;
    lnt_warn("sync failed: %s; next try in %.1f s", o->error,
             (double)sy->backoff.delay_ms / 1000.0);
}

/*
 * Whether the refreshed identity differs from the stored one (sy->was) enough to store it: a
 * change to anything but the server's time, or that time (the kiosk's clock floor) moved on
 * by LNT_SYNCER_FLOOR_SAVE_S. Unchanged lists are not written to the card every refresh.
 */
static bool identity_changed(struct lnt_syncer *sy)
{
    int64_t was_time = sy->was->server_time;

    if (sy->id->server_time - was_time >= LNT_SYNCER_FLOOR_SAVE_S)
        return true;
    sy->was->server_time = sy->id->server_time;
    return memcmp(sy->was, sy->id, sizeof *sy->was) != 0;
}

/* Trust list, revocations, venue settings and clock floor; stored before they are used. */
static bool refresh(struct lnt_syncer *sy, struct outcome *o, char *err)
{
    struct lnt_sync_settings set;
    int64_t since = 0;
    bool found = false;
    enum lnt_err rc;

    if (lnt_outbox_setting_get(sy->ob, LNT_SET_REVOKED_VERSION, &since, &found, err) != LNT_OK)
        since = 0;
    memcpy(sy->was, sy->id, sizeof *sy->was);
    rc = lnt_sync_refresh(sy->sync, sy->id, found ? since : 0, &set, err);
    if (rc == LNT_ERR_NOT_FOUND) {
        /* An older server without the endpoint: the enrolment's trust list still serves. */
        lnt_info("server has no kiosk sync endpoint yet: %s", err);
        sy->next_refresh_ms = sy_mono(sy) + LNT_SYNCER_NO_ENDPOINT_MS;
        o->online = o->contact = true;
        return true;
    }
    if (rc != LNT_OK) {
        fail(sy, o, rc, err, rc == LNT_ERR_NET ? 0 : 1);
        o->contact = rc != LNT_ERR_NET;
        return false;
    }
    sy->last_contact_ms = sy_mono(sy);
    if ((identity_changed(sy) && (rc = lnt_outbox_identity_set(sy->ob, sy->id, err)) != LNT_OK) ||
        (rc = lnt_outbox_setting_set(sy->ob, LNT_SET_REVOKED_VERSION, set.revoked_version, err)) !=
            LNT_OK ||
        (set.cup_threshold > 0 &&
         (rc = lnt_outbox_setting_set(sy->ob, LNT_SET_CUP_THRESHOLD, set.cup_threshold, err)) !=
             LNT_OK) ||
        (set.capacity > 0 &&
         (rc = lnt_outbox_setting_set(sy->ob, LNT_SET_CAPACITY, set.capacity, err)) != LNT_OK) ||
        (set.places_given &&
         (rc = lnt_outbox_places_set(sy->ob, (const char(*)[LNT_SHORT_TEXT])set.places,
                                     set.n_places, err)) != LNT_OK)) {
        lnt_error("storing what the server sent: %s", err);
        fail(sy, o, rc, err, 1);
        return false;
    }
    sy->next_refresh_ms = sy_mono(sy) + LNT_SYNCER_REFRESH_MS;
    o->bumped = true;
    o->online = o->contact = true;
    lnt_debug("refreshed: %zu trusted keys, %zu revoked serials (version %lld)", sy->id->n_keys,
              sy->id->n_revoked, (long long)set.revoked_version);
    return true;
}

/* Batches until nothing is left, a failure, or stop. */
static bool push_all(struct lnt_syncer *sy, struct outcome *o, char *err)
{
    struct lnt_sync_result res;
    int64_t unsent = 0;
    enum lnt_err rc;

    while (!sy->stop) {
        if (lnt_outbox_count(sy->ob, &unsent, err) != LNT_OK) {
            fail(sy, o, LNT_ERR_DB, err, 0);
            return false;
        }
        if (unsent == 0) {
            o->pushed_all = true;
            return true;
        }
        rc = lnt_sync_push(sy->sync, sy->ob, sy->id, &res, err);
        if (rc != LNT_OK) {
            fail(sy, o, rc, err, res.http_status);
            return false;
        }
        sy->last_contact_ms = sy_mono(sy);
        o->online = o->contact = true;
        o->sent += res.sent;
        o->aside += res.aside;
        if (res.sent_seq > o->sent_seq)
            o->sent_seq = res.sent_seq;
        if (res.aside_seq > o->aside_seq)
            o->aside_seq = res.aside_seq;
        if (res.sent > 0 || res.aside > 0)
            lnt_info("sync: %zu sent, %zu set aside", res.sent, res.aside);
        if (res.sent == 0 && res.aside == 0)
            return true; /* the server took nothing and refused nothing: try again later */
    }
    return false;
}

/*
 * Stores the time of a good sync, so the status bar still shows it after a restart: at most
 * every LNT_SYNCER_SAVE_SYNC_S, and at once after a longer gap (a kiosk back online). An idle
 * kiosk pings every 30 s and a busy one pushes after every save: writing the card each time
 * was most of what it wrote in a night. What is stored is never later than the truth, and the
 * bar shows the true time again at the first sync after a restart.
 */
static void save_last_sync(struct lnt_syncer *sy, const struct outcome *o)
{
    char err[LNT_ERRBUF_SIZE] = "";

    if (o->now >= sy->saved_sync && o->now - sy->saved_sync < LNT_SYNCER_SAVE_SYNC_S)
        return;
    if (lnt_outbox_setting_set(sy->ob, LNT_SET_LAST_SYNC, o->now, err) != LNT_OK) {
        lnt_warn("sync: last sync time not stored: %s", err);
        return;
    }
    sy->saved_sync = o->now;
}

/* The last good sync before this start: the bar shows it until the next one. */
static void load_last_sync(struct lnt_syncer *sy)
{
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t last = 0;
    bool found = false;

    if (lnt_outbox_setting_get(sy->ob, LNT_SET_LAST_SYNC, &last, &found, err) != LNT_OK)
        lnt_warn("sync: last sync time not read: %s", err);
    else if (found && last > 0)
        sy->status.last_sync = sy->saved_sync = last;
}

static void round_once(struct lnt_syncer *sy)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct outcome o;
    int64_t mono = sy_mono(sy);
    bool ok = true;

    memset(&o, 0, sizeof o);
    if (lnt_outbox_identity_get(sy->ob, sy->id, err) != LNT_OK) {
        lnt_error("sync: %s", err);
        return;
    }
    if (sy->id->kiosk_id < 1 || !lnt_sync_backoff_ready(&sy->backoff, mono))
        return;
    if (mono >= sy->next_refresh_ms)
        ok = refresh(sy, &o, err);
    if (ok)
        ok = push_all(sy, &o, err);
    if (ok && !o.bumped && o.sent == 0 && o.aside == 0 &&
        (sy->last_contact_ms == 0 || mono - sy->last_contact_ms >= LNT_SYNCER_PING_MS)) {
        enum lnt_err rc = lnt_sync_ping(sy->sync, sy->id->server_url, err);
        if (rc != LNT_OK) {
            fail(sy, &o, rc, err, 0);
            ok = false;
        } else {
            sy->last_contact_ms = sy_mono(sy);
            o.online = o.contact = true;
        }
    }
    if (ok) {
        lnt_sync_backoff_ok(&sy->backoff);
        o.ok = true;
    }
    o.now = sy_now(sy);
    set_status(sy, apply_outcome, &o);
    if (o.ok && o.contact)
        save_last_sync(sy, &o);
}

static void *run(void *arg)
{
    struct lnt_syncer *sy = arg;

    while (!sy->stop) {
        struct timespec until;

        round_once(sy);
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += LNT_SYNCER_WAKE_MS / 1000;
        pthread_mutex_lock(&sy->lock);
        while (!sy->kicked && !sy->stop) {
            if (pthread_cond_timedwait(&sy->wake, &sy->lock, &until) == ETIMEDOUT)
                break;
        }
        sy->kicked = false;
        pthread_mutex_unlock(&sy->lock);
    }
    return NULL;
}

static void release(struct lnt_syncer *sy)
{
    lnt_sync_free(sy->sync);
    lnt_outbox_free(sy->ob);
    if (sy->id != NULL) {
        memset(sy->id, 0, sizeof *sy->id); /* the secret key */
        free(sy->id);
    }
    if (sy->was != NULL) {
        memset(sy->was, 0, sizeof *sy->was);
        free(sy->was);
    }
    pthread_cond_destroy(&sy->wake);
    pthread_mutex_destroy(&sy->lock);
    free(sy);
}

/* The syncer with its own outbox connection and client, no thread yet. */
static enum lnt_err make(const char *data_dir, const char *ca_file, struct lnt_syncer **out,
                         char *err)
{
    struct lnt_syncer *sy;
    enum lnt_err rc;

    *out = NULL;
    sy = calloc(1, sizeof *sy);
    if (sy == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    pthread_mutex_init(&sy->lock, NULL);
    pthread_cond_init(&sy->wake, NULL);
    sy->id = calloc(1, sizeof *sy->id);
    sy->was = calloc(1, sizeof *sy->was);
    if (sy->id == NULL || sy->was == NULL) {
        release(sy);
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    }
    lnt_sync_backoff_init(&sy->backoff);
    if ((rc = lnt_outbox_open(data_dir, &sy->ob, err)) != LNT_OK ||
        (rc = lnt_sync_new(&sy->sync, err)) != LNT_OK ||
        (ca_file != NULL && (rc = lnt_sync_set_ca(sy->sync, ca_file, err)) != LNT_OK)) {
        release(sy);
        return rc;
    }
    load_last_sync(sy);
    lnt_sync_set_abort(sy->sync, &sy->stop);
    *out = sy;
    return LNT_OK;
}

enum lnt_err lnt_syncer_start(const char *data_dir, const char *ca_file, struct lnt_syncer **out,
                              char *err)
{
    struct lnt_syncer *sy;
    enum lnt_err rc;

    rc = make(data_dir, ca_file, &sy, err);
    if (rc != LNT_OK)
        return rc;
    if (pthread_create(&sy->thread, NULL, run, sy) != 0) {
        release(sy);
        return lnt_fail(err, LNT_ERR_INTERNAL, "cannot start the sync thread");
    }
    *out = sy;
    return LNT_OK;
}

enum lnt_err lnt_syncer_open(const char *data_dir, const char *ca_file, struct lnt_syncer **out,
                             char *err)
{
    enum lnt_err rc = make(data_dir, ca_file, out, err);

    if (rc == LNT_OK)
        (*out)->manual = true;
    return rc;
}

void lnt_syncer_step(struct lnt_syncer *sy, int64_t mono_ms, int64_t now)
{
    if (!sy->manual)
        return;
    sy->at_mono_ms = mono_ms;
    sy->at_now = now;
    round_once(sy);
}

void lnt_syncer_stop(struct lnt_syncer *sy)
{
    if (sy == NULL)
        return;
    pthread_mutex_lock(&sy->lock);
    sy->stop = 1;
    pthread_cond_signal(&sy->wake);
    pthread_mutex_unlock(&sy->lock);
    if (!sy->manual)
        pthread_join(sy->thread, NULL);
    release(sy);
}

void lnt_syncer_kick(struct lnt_syncer *sy)
{
    if (sy == NULL)
        return;
    pthread_mutex_lock(&sy->lock);
    sy->kicked = true;
    pthread_cond_signal(&sy->wake);
    pthread_mutex_unlock(&sy->lock);
}

void lnt_syncer_status(struct lnt_syncer *sy, struct lnt_syncer_status *out)
{
    pthread_mutex_lock(&sy->lock);
    *out = sy->status;
    pthread_mutex_unlock(&sy->lock);
}
