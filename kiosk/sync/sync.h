/* sync.h - the kiosk's HTTP client (libcurl inside): enrolment, signed event batches, retry
 * backoff. */
#ifndef LNT_SYNC_H
#define LNT_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "outbox.h"

#define LNT_SYNC_CONNECT_TIMEOUT_MS 5000
#define LNT_SYNC_TIMEOUT_MS 15000
#define LNT_SYNC_REPLY_MAX (256 * 1024) /* bytes of reply body kept; more is a bad reply */
#define LNT_ENROLL_CODE_MAX 32

/*
 * Retry pacing after failed attempts: 1 s, doubling to 60 s, each delay
 * randomised by up to +/-20% (and never over 60 s) so a town's kiosks do
 * not all retry in the same second after an outage. Pure: the caller gives
 * the time and the randomness.
 */
#define LNT_BACKOFF_FIRST_MS 1000
#define LNT_BACKOFF_MAX_MS 60000
#define LNT_BACKOFF_JITTER_PCT 20

struct lnt_backoff {
    int64_t base_ms;  /* un-jittered delay after the last failure, 0 = no failure */
    int64_t delay_ms; /* the jittered delay in force */
    int64_t next_ms;  /* earliest time of the next attempt */
    int failures;     /* consecutive */
};

void lnt_sync_backoff_init(struct lnt_backoff *b);
/* A failed attempt at `now_ms`; `rnd` is any random 32-bit value (the jitter). */
void lnt_sync_backoff_fail(struct lnt_backoff *b, int64_t now_ms, uint32_t rnd);
/* A successful attempt: the next may come at once. */
void lnt_sync_backoff_ok(struct lnt_backoff *b);
/* Whether an attempt is allowed at `now_ms`. */
bool lnt_sync_backoff_ready(const struct lnt_backoff *b, int64_t now_ms);

struct lnt_sync;

/* A client with one reused connection (keep-alive). On error *out is NULL. */
enum lnt_err lnt_sync_new(struct lnt_sync **out, char *err);
/* NULL is a no-op. */
void lnt_sync_free(struct lnt_sync *s);

/*
 * Pins the CA certificate file used to check the server over HTTPS
 * (CURLOPT_CAINFO); NULL goes back to the system's CAs. LNT_ERR_IO when the
 * file cannot be read.
 */
enum lnt_err lnt_sync_set_ca(struct lnt_sync *s, const char *path, char *err);

/* Transfers in progress give up (LNT_ERR_NET) once *flag is non-zero; NULL: never. */
void lnt_sync_set_abort(struct lnt_sync *s, const volatile int *flag);

/* true when `code` looks like an enrolment code: 1-32 letters, digits and dashes. */
bool lnt_sync_code_valid(const char *code);

/*
 * Enrols with `server_url` using the one-time `code`, sending id->pk (the
 * kiosk's own public key). On LNT_OK, fills id's kiosk_id, server_url,
 * scheme, venue, trust keys, revoked serials, box key and server time from
 * the reply (the key pair is untouched); the caller stores it. On error *id
 * is unchanged: LNT_ERR_NOT_FOUND (unknown or used code), LNT_ERR_EXPIRED,
 * LNT_ERR_INVALID, LNT_ERR_NET, with the server's words in `err`.
 */
enum lnt_err lnt_sync_enroll(struct lnt_sync *s, const char *server_url, const char *code,
                             struct lnt_identity *id, char *err);

/* GET /healthz: LNT_OK when the server answers 200. For the status bar while nothing is unsent. */
enum lnt_err lnt_sync_ping(struct lnt_sync *s, const char *server_url, char *err);

/* What one push did. */
struct lnt_sync_result {
    size_t sent;     /* events the server now holds (accepted + duplicate), forgotten here */
    size_t aside;    /* events it refused (conflict + rejected), kept aside here */
    int http_status; /* 0 when no reply */
    /* The highest seq among `sent`, and among `aside`; 0 when none. */
    int64_t sent_seq, aside_seq;
};

/*
 * Sends up to LNT_BATCH_MAX of the oldest unsent events as one signed batch
 * to id->server_url and applies the reply to the outbox. 200 and 409 carry
 * the reply: LNT_OK. A 400 naming an event ("event 17: ...") sets that one
 * event aside with the server's words and returns LNT_OK (res->aside = 1),
 * so one bad event never blocks the queue; a 400 naming none, or a 413,
 * returns LNT_ERR_INVALID / LNT_ERR_TOO_LARGE and the next pushes go one
 * event at a time until the bad one is found and set aside. Other replies
 * keep every event and return LNT_ERR_UNAUTHORIZED (401), LNT_ERR_NET (5xx,
 * no connection, timeout, a reply that cannot be read).
 * With nothing to send: LNT_OK, nothing sent.
 *
 * Failure injection for tests: with LNT_CRASH_AT=after_send in the
 * environment, the process _exit(99)s right after the server's reply arrives
 * and before the outbox is acked: the "killed mid-sync" case, which must
 * lead to duplicates (not losses) on the next run. Never active otherwise.
 */
enum lnt_err lnt_sync_push(struct lnt_sync *s, struct lnt_outbox *ob, const struct lnt_identity *id,
                           struct lnt_sync_result *res, char *err);

/* Venue settings and the revocation version from GET /api/v1/kiosk/sync. */
struct lnt_sync_settings {
    int64_t cup_threshold;   /* 0 when the reply did not say */
    int64_t capacity;        /* 0 when the reply did not say */
    int64_t revoked_version; /* version of the revocation list now held */
    bool revoked_full;       /* the reply replaced the whole list */
    bool places_given;       /* the reply had `places` (an older server's has not) */
    size_t n_places;         /* the town's named public places, in the server's order */
    char places[LNT_STREET_PLACES_MAX][LNT_SHORT_TEXT];
};

/*
 * Parses a GET /api/v1/kiosk/sync reply (docs/api.md) and applies it to
 * *id: trust keys replaced; revocations replaced (`full`) or added to, and
 * never more than LNT_REVOKED_MAX; venue name and box key taken;
 * server_time raised, never lowered (the kiosk's clock floor). On error *id
 * is unchanged and the message names the field.
 */
enum lnt_err lnt_sync_parse_refresh(const char *json, size_t len, struct lnt_identity *id,
                                    struct lnt_sync_settings *out, char *err);

/*
 * GET /api/v1/kiosk/sync?revoked_since=V, signed, and applies the reply to
 * *id as lnt_sync_parse_refresh does (the caller stores it). 404 is
 * LNT_ERR_NOT_FOUND (a server without the endpoint); other failures as
 * lnt_sync_push. On error *id is unchanged.
 */
enum lnt_err lnt_sync_refresh(struct lnt_sync *s, struct lnt_identity *id, int64_t revoked_since,
                              struct lnt_sync_settings *out, char *err);

#endif
