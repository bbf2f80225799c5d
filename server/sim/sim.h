/* sim.h - lantern-sim's rooms: the town model, its nights of events, and the HTTP client. */
#ifndef LNT_SIM_H
#define LNT_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "event.h"
#include "night.h"
#include "store.h"

/* ---- deterministic randomness (xoshiro256**, seeded by splitmix64) ---- */

struct lnt_sim_rng {
    uint64_t s[4];
};
void lnt_sim_rng_seed(struct lnt_sim_rng *r, uint64_t seed, uint64_t stream);
uint64_t lnt_sim_rng_next(struct lnt_sim_rng *r);
/* Uniform in [lo, hi] (lo <= hi). */
int64_t lnt_sim_rng_range(struct lnt_sim_rng *r, int64_t lo, int64_t hi);
/* Uniform in [0, 1). */
double lnt_sim_rng_unit(struct lnt_sim_rng *r);
bool lnt_sim_rng_chance(struct lnt_sim_rng *r, double p);
/* Poisson-distributed count with mean `mean` (small means; capped at 200). */
int lnt_sim_rng_poisson(struct lnt_sim_rng *r, double mean);

/* ---- the town ---- */

enum lnt_sim_quality { LNT_SIM_GOOD = 0, LNT_SIM_FAIR = 1, LNT_SIM_POOR = 2 };

#define LNT_SIM_MAX_VENUES 2000
#define LNT_SIM_MAX_DAYS 1100
#define LNT_SIM_MAX_BADGES 4 /* one per year of the run */

struct lnt_sim_staff {
    int64_t id; /* store id */
    enum lnt_role role;
    char sia_number[LNT_SIA_NUMBER_LEN + 1];
    int32_t sia_expires;
    int32_t joined; /* first night they work */
    /* per course: up to 4 completion dates, oldest first, 0 = none; expiry = +12 months */
    int32_t done[LNT_COURSE__MAX + 1][4];
    char serial[LNT_SIM_MAX_BADGES][LNT_SERIAL_LEN * 2 + 1];
    int64_t badge_from[LNT_SIM_MAX_BADGES]; /* issued_at of each badge */
    int n_badges;
};

struct lnt_sim_venue {
    struct lnt_venue v; /* as stored */
    enum lnt_sim_quality quality;
    struct lnt_trading trading;
    int64_t kiosk_id;
    uint8_t kiosk_sk[64];
    uint8_t kiosk_pk[32];
    char code[LNT_ENROLL_CODE_LEN + 1];
    size_t first_staff, n_staff; /* a range of lnt_sim_town.staff */
    int cup_level;
};

struct lnt_sim_options {
    const char *db;
    const char *server;
    const char *scheme;
    uint64_t seed;
    int venues;
    int days;
    int32_t end; /* last night, days since epoch */
    bool json;
};

/* Counters for the summary. */
struct lnt_sim_counts {
    int64_t venues_by_cat[5];
    int64_t poor_venues;
    int64_t staff;
    int64_t training;
    int64_t badges;
    int64_t kiosks;
    int64_t trading_nights;
    int64_t silent_nights;
    int64_t sent_by_type[LNT_EV__MAX + 1];
    int64_t sent;
    int64_t accepted, duplicates, conflicts, rejected;
    int64_t reports;      /* incident reports (report ids) */
    int64_t reports_open; /* spiking reports never completed */
    int64_t reports_by_kind[16];
    int64_t batches;
    int64_t retries;
};

struct lnt_sim_town {
    struct lnt_sim_options opt;
    struct lnt_store *store;
    struct lnt_scheme scheme;
    struct lnt_sim_venue *venues;
    size_t n_venues;
    struct lnt_venue *existing; /* venues in the database before the run */
    size_t n_existing;
    struct lnt_sim_staff *staff;
    size_t n_staff;
    int32_t first; /* first night */
    struct lnt_sim_counts counts;
};

/* Incident kinds the sim reports, in the order of lnt_sim_counts.reports_by_kind. */
extern const char *const lnt_sim_kinds[];
extern const size_t lnt_sim_n_kinds;

/*
 * Builds the town's admin side through the store: scheme (made when the
 * database has none), venues, staff, training history, badges, one
 * enrolment code per venue. Prints nothing. On error the database keeps
 * what was added so far.
 */
enum lnt_err lnt_sim_town_build(struct lnt_sim_town *t, char *err);
void lnt_sim_town_release(struct lnt_sim_town *t);

/*
 * Enrols every venue's kiosk through the API, then generates each kiosk's
 * events over the nights and sends them as signed batches, honouring the
 * server's replies. `progress` (may be NULL) is told events sent so far.
 */
enum lnt_err lnt_sim_run(struct lnt_sim_town *t,
                         void (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
                         char *err);

/* ---- HTTP (libcurl inside) ---- */

struct lnt_sim_http;
enum lnt_err lnt_sim_http_new(struct lnt_sim_http **out, const char *base_url, char *err);
void lnt_sim_http_free(struct lnt_sim_http *h);
/*
 * POSTs `body` to base_url + path with `headers` (NULL-terminated "Name:
 * value" strings, may be NULL). *status gets the HTTP status; the reply body
 * (at most 1 MiB) replaces `reply`. LNT_ERR_NET when no reply came.
 */
enum lnt_err lnt_sim_http_post(struct lnt_sim_http *h, const char *path, const char *body,
                               size_t len, const char *const *headers, int *status,
                               struct lnt_buf *reply, char *err);
/* Enrols with `code` and public key `pk`; writes the kiosk id. */
enum lnt_err lnt_sim_http_enroll(struct lnt_sim_http *h, const char *code, const uint8_t pk[32],
                                 int64_t *kiosk_id, char *err);

#endif
