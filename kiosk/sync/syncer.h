/* syncer.h - the kiosk's sync thread: sends the outbox and refreshes trust and settings, so the
 * screen never waits on the network. */
#ifndef LNT_SYNCER_H
#define LNT_SYNCER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "outbox.h"

#define LNT_SYNCER_WAKE_MS 1000           /* looks for work at least this often */
#define LNT_SYNCER_REFRESH_MS (5 * 60000) /* trust list and settings */
#define LNT_SYNCER_NO_ENDPOINT_MS                                                                  \
    (30 * 60000)                 /* a server without GET /kiosk/sync: ask again later */
#define LNT_SYNCER_PING_MS 30000 /* with nothing to send, check the server answers */
#define LNT_SYNCER_ERR_MAX 256
/* The last sync time is stored at most this often (the card is not written at every ping or
 * push; after a restart the bar shows a time at most this much earlier, until the next sync). */
#define LNT_SYNCER_SAVE_SYNC_S 3600
/* The server's time (the kiosk's clock floor) is stored when it moved on this far, or with
 * anything else the refresh changed. */
#define LNT_SYNCER_FLOOR_SAVE_S 3600

/* What the status bar needs; a snapshot, copied under the thread's lock. last_sync is kept in
 * the outbox (LNT_SET_LAST_SYNC), so a restart still shows it. */
struct lnt_syncer_status {
    bool enrolled;
    bool online;         /* the last attempt got an answer from the server */
    int64_t last_sync;   /* unix seconds of the last exchange that left nothing in doubt; 0 never */
    size_t sent_total;   /* events the server took since start */
    size_t aside_total;  /* events it refused since start */
    uint64_t generation; /* bumped whenever the identity or settings were stored anew */
    bool pushed_all;     /* the last push round ended with nothing left to send */
    /* The highest seq the server took (sent_seq) and refused (aside_seq) since start; 0 none.
     * Events go oldest first, so the newest saved event reached the server once sent_seq is at
     * least its seq (and aside_seq below it). */
    int64_t sent_seq;
    int64_t aside_seq;
    char last_error[LNT_SYNCER_ERR_MAX]; /* "" after a success */
};

struct lnt_syncer;

/*
 * Opens its own connection to DATA_DIR's outbox and starts the thread. The
 * thread pushes batches (at most LNT_BATCH_MAX each) while anything is
 * unsent, with backoff and jitter after failures; refreshes the trust list,
 * revocations, venue settings and clock floor every LNT_SYNCER_REFRESH_MS;
 * and stores what it learns in the outbox. `ca_file` pins the server's CA
 * (NULL: the system's). On error nothing was started and *out is NULL.
 */
enum lnt_err lnt_syncer_start(const char *data_dir, const char *ca_file, struct lnt_syncer **out,
                              char *err);
/*
 * A syncer without its thread, for benchmarks and tests that give the time:
 * as lnt_syncer_start, but nothing happens until the caller runs a round.
 */
enum lnt_err lnt_syncer_open(const char *data_dir, const char *ca_file, struct lnt_syncer **out,
                             char *err);
/*
 * One round of the thread's loop (refresh when due, push everything unsent,
 * ping when idle, backoff after failures) as if the monotonic clock read
 * `mono_ms` and the wall clock `now` (unix seconds). Only for a syncer made
 * by lnt_syncer_open (a no-op otherwise); not to be called from two threads.
 */
void lnt_syncer_step(struct lnt_syncer *sy, int64_t mono_ms, int64_t now);
/* Stops the thread (a transfer in progress is aborted) and frees it. NULL is a no-op. */
void lnt_syncer_stop(struct lnt_syncer *sy);
/* Something new was saved, or the identity changed: look at once. */
void lnt_syncer_kick(struct lnt_syncer *sy);
void lnt_syncer_status(struct lnt_syncer *sy, struct lnt_syncer_status *out);

#endif
