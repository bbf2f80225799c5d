/* sim_night.c - lantern-sim's trading nights: what each kiosk records, sent as signed batches. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"
#include "ltime.h"
#include "reqsig.h"
#include "sim.h"
#include "wire.h"

#define STREAM_VENUE 100
#define STREAM_UUID 100000
#define RETRIES 6
#define BODY_MAX LNT_BATCH_BODY_MAX

/* Incident kinds with their base rate (reports per 100 capacity on a busy night) and severity. */
struct kind_def {
    const char *name;
    double rate;
    int severity;
    double police; /* share the venue reports to police when run well */
};
static const struct kind_def kinds[] = {
    {"angela", 0.020, 2, 0.15},   {"spiking", 0.008, 4, 0.85}, {"violence", 0.018, 4, 0.80},
    {"sexual", 0.008, 3, 0.55},   {"weapons", 0.0015, 5, 1.0}, {"drugs", 0.012, 3, 0.40},
    {"disorder", 0.018, 2, 0.30}, {"medical", 0.025, 2, 0.10}, {"ejection", 0.035, 1, 0.05},
    {"theft", 0.010, 2, 0.50},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])
const char *const lnt_sim_kinds[] = {"angela", "spiking",  "violence", "sexual",   "weapons",
                                     "drugs",  "disorder", "medical",  "ejection", "theft"};
const size_t lnt_sim_n_kinds = N_KINDS;

static const char *const places[] = {"bar",          "dance floor", "toilets",   "entrance",
                                     "smoking area", "outside",     "cloakroom", "seating area"};
/* Outcomes of a case handled by the book, and of one that was not. */
static const char *const good_outcomes[] = {"taxi home",          "reunited with friends",
                                            "police attended",    "ambulance",
                                            "removed from venue", "resolved by staff"};
static const char *const poor_outcomes[] = {"left the venue alone", "no action recorded",
                                            "asked to leave"};
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* One event as the sim keeps it before sending: compact, sorted by recorded_at. */
struct sev {
    int64_t occurred_at, recorded_at;
    uint32_t order;
    uint8_t type, sub, severity, place, outcome, badge, verdict, sia_status;
    bool police, complete, good_outcome;
    int32_t staff; /* index into town staff, -1 = none */
    int32_t qty;   /* stock quantity, volunteer team size */
    uint64_t rid[2];
    int32_t tallies[8];
};

struct gen {
    struct lnt_sim_town *t;
    struct lnt_sim_venue *sv;
    struct lnt_sim_rng r;
    struct sev *ev;
    size_t n, cap;
    /* stock */
    int level;
    int32_t next_count, delivery_on;
    bool stocked;
};

static struct sev *push(struct gen *g)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 1024;
        struct sev *p = realloc(g->ev, cap * sizeof *p);
        if (p == NULL)
            return NULL;
        g->ev = p;
        g->cap = cap;
    }
    memset(&g->ev[g->n], 0, sizeof g->ev[g->n]);
    g->ev[g->n].order = (uint32_t)g->n;
    g->ev[g->n].staff = -1;
    return &g->ev[g->n++];
}

/* Unix time of local (London) minute `min` past midnight of date `d` (min may pass 1440). */
static int64_t local_time(int32_t d, int min)
{
    int64_t t = (int64_t)d * 86400 + (int64_t)min * 60;
    return t - lnt_london_offset(t - 3600);
}

/* How busy a night is: weekday, season, and the town's calendar. */
static double night_factor(int32_t d, enum lnt_venue_category cat, bool *special)
{
    static const double wd_factor[7] = {0.30, 0.30, 0.40, 0.55, 1.0, 1.0, 0.35};
    int y, m, day, wd = lnt_weekday(d);
    double f = wd_factor[wd];

    lnt_civil_from_days(d, &y, &m, &day);
    *special = false;
    if (m == 12 && day == 31) { /* New Year's Eve */
        *special = true;
        return 3.0;
    }
    if (m == 12 && day >= 17 && day <= 23 && wd == 4) { /* the last Friday before Christmas */
        *special = true;
        return 2.6;
    }
    if (m == 12 && day < 24)
        f *= 1.35;
    else if (m == 1)
        f *= 0.7;
    else if (m == 7 || m == 8)
        f *= 1.15;
    /* freshers' week: the third full week of September, for bars and clubs */
    if (m == 9 && day >= 15 && day <= 24 && cat != LNT_VENUE_PUB) {
        *special = true;
        f *= 1.8;
    }
    return f;
}

static uint8_t sia_status_of(const struct lnt_sim_staff *st, int32_t d)
{
    if (st->role != LNT_ROLE_DOOR)
        return LNT_SIA_NOT_REQUIRED;
    if (st->sia_number[0] == '\0')
        return LNT_SIA_MISSING;
    if (st->sia_expires < d)
        return LNT_SIA_EXPIRED;
    if (st->sia_expires < d + 30)
        return LNT_SIA_EXPIRING;
    return LNT_SIA_VALID;
}

static bool trained(const struct lnt_sim_staff *st, enum lnt_course c, int32_t d)
{
    for (int k = 0; k < 4 && st->done[c][k] != 0; k++)
        if (st->done[c][k] <= d && d < st->done[c][k] + 365)
            return true;
    return false;
}

/* The verdict the kiosk shows: red for a licence problem, amber for lapsed vulnerability training.
 */
static uint8_t verdict_of(const struct lnt_sim_staff *st, int32_t d, uint8_t sia)
{
    if (sia == LNT_SIA_MISSING || sia == LNT_SIA_EXPIRED)
        return LNT_VERDICT_RED;
    if (sia == LNT_SIA_EXPIRING || (st->role == LNT_ROLE_DOOR && !trained(st, LNT_COURSE_WAVE, d) &&
                                    !trained(st, LNT_COURSE_BYSTANDER, d)))
        return LNT_VERDICT_AMBER;
    return LNT_VERDICT_GREEN;
}

static int badge_at(const struct lnt_sim_staff *st, int64_t t)
{
    int k = 0;
    while (k + 1 < st->n_badges && st->badge_from[k + 1] <= t)
        k++;
    return k;
}

/* Picks `want` distinct staff of `role` from the venue's roster into out; returns how many. */
static int pick_staff(struct gen *g, enum lnt_role role, int want, int32_t *out, int max)
{
    int32_t pool[64];
    int n = 0, got = 0;

    for (size_t i = 0; i < g->sv->n_staff && n < 64; i++)
        if (g->t->staff[g->sv->first_staff + i].role == role)
            pool[n++] = (int32_t)(g->sv->first_staff + i);
    while (got < want && got < max && n > 0) {
        int j = (int)lnt_sim_rng_range(&g->r, 0, n - 1);
        out[got++] = pool[j];
        pool[j] = pool[--n];
    }
    return got;
}

static int shift_people(struct gen *g, int32_t d, int open, int close, double f, int32_t *on_duty)
{
    const struct lnt_venue *v = &g->sv->v;
    static const double never_out[] = {0.01, 0.04, 0.12};
    static const double refused[] = {0.005, 0.015, 0.04};
    int wd = lnt_weekday(d), n = 0, door;
    int32_t people[64];
    int start[64];

    door = v->category == LNT_VENUE_PUB && wd != 4 && wd != 5 && f < 1.5
               ? 0
               : (int)(((double)(2 + (v->capacity > 100 ? (v->capacity - 1) / 100 : 0))) *
                           (f >= 1.0 ? 1.0 : 0.6) +
                       0.5);
    if (v->category == LNT_VENUE_PUB && door > 0)
        door = v->capacity < 150 ? 1 : 2;
    /* poor venues run short on the door */
    if (g->sv->quality == LNT_SIM_POOR && door > 1 && lnt_sim_rng_chance(&g->r, 0.3))
        door--;
    int k = pick_staff(g, LNT_ROLE_MANAGER, 1, people, 64);
    for (int i = 0; i < k; i++)
        start[n + i] = open - 45;
    n += k;
    k = pick_staff(g, LNT_ROLE_DOOR, door, people + n, 64 - n);
    for (int i = 0; i < k; i++)
        start[n + i] = (v->category == LNT_VENUE_PUB ? (open > 1200 ? open : 1200) : open) - 30;
    n += k;
    k = pick_staff(g, LNT_ROLE_BAR, 1 + (int)(v->capacity / 150 * (f > 1 ? 1 : f)), people + n,
                   64 - n);
    for (int i = 0; i < k; i++)
        start[n + i] = (open > 1020 ? open : 1020) - 20;
    n += k;

    for (int i = 0; i < n; i++) {
        const struct lnt_sim_staff *st = &g->t->staff[people[i]];
        int64_t on = local_time(d, start[i] + (int)lnt_sim_rng_range(&g->r, -15, 10));
        uint8_t sia = sia_status_of(st, d);
        struct sev *e;

        if (lnt_sim_rng_chance(&g->r, refused[g->sv->quality])) {
            if ((e = push(g)) == NULL)
                return -1;
            e->type = LNT_EV_BADGE_REFUSED;
            e->sub = lnt_sim_rng_chance(&g->r, 0.6) ? LNT_BADGE_REVOKED : LNT_BADGE_EXPIRED;
            e->occurred_at = e->recorded_at = on - 40;
        }
        if ((e = push(g)) == NULL)
            return -1;
        e->type = LNT_EV_SIGN_IN;
        e->staff = people[i];
        e->occurred_at = e->recorded_at = on;
        e->badge = (uint8_t)badge_at(st, on);
        e->sia_status = sia;
        e->verdict = verdict_of(st, d, sia);
        on_duty[i] = people[i];
        if (lnt_sim_rng_chance(&g->r, never_out[g->sv->quality]))
            continue;
        if ((e = push(g)) == NULL)
            return -1;
        e->type = LNT_EV_SIGN_OUT;
        e->staff = people[i];
        e->occurred_at = e->recorded_at =
            local_time(d, close + (int)lnt_sim_rng_range(&g->r, 10, 50));
        e->badge = (uint8_t)badge_at(st, on);
        e->sia_status = sia;
        e->verdict = verdict_of(st, d, sia);
    }
    return n;
}

static int incidents(struct gen *g, int32_t d, int open, int close, double f,
                     const int32_t *on_duty, int n_on)
{
    static const double q_rate[] = {1.0, 1.35, 2.1};
    static const int late_max[] = {40, 100, 400};
    static const double complete_later[] = {0.97, 0.75, 0.35};
    const struct lnt_venue *v = &g->sv->v;
    enum lnt_sim_quality q = g->sv->quality;
    double cat = v->category == LNT_VENUE_NIGHTCLUB ? 1.6
                 : v->category == LNT_VENUE_BAR     ? 1.0
                                                    : 0.55;
    int from = open > 1140 ? open : 1140; /* trouble starts in the evening */

    if (from >= close)
        from = open;
    for (size_t k = 0; k < N_KINDS; k++) {
        int count =
            lnt_sim_rng_poisson(&g->r, kinds[k].rate * v->capacity / 100.0 * cat * f * q_rate[q]);
        for (int i = 0; i < count; i++) {
            struct sev *e = push(g), *done;
            bool by_book = lnt_sim_rng_chance(&g->r, q == LNT_SIM_GOOD   ? 0.92
                                                     : q == LNT_SIM_FAIR ? 0.75
                                                                         : 0.45);
            if (e == NULL)
                return -1;
            e->type = LNT_EV_INCIDENT;
            e->sub = (uint8_t)k;
            e->occurred_at = local_time(d, (int)lnt_sim_rng_range(&g->r, from, close + 30));
            e->recorded_at = e->occurred_at + 60 * lnt_sim_rng_range(&g->r, 3, late_max[q]);
            e->severity = (uint8_t)(kinds[k].severity +
                                    (kinds[k].severity < 5 && lnt_sim_rng_chance(&g->r, 0.15)));
            e->place = (uint8_t)lnt_sim_rng_range(&g->r, 0, N_OF(places) - 1);
            e->good_outcome = by_book;
            e->outcome = (uint8_t)lnt_sim_rng_range(
                &g->r, 0, by_book ? N_OF(good_outcomes) - 1 : N_OF(poor_outcomes) - 1);
            e->police = lnt_sim_rng_chance(&g->r, kinds[k].police * (by_book ? 1.0 : 0.4));
            e->staff = n_on > 0 ? on_duty[lnt_sim_rng_range(&g->r, 0, n_on - 1)]
                                : (int32_t)g->sv->first_staff;
            e->rid[0] = lnt_sim_rng_next(&g->r);
            e->rid[1] = lnt_sim_rng_next(&g->r);
            e->complete = true;
            g->t->counts.reports++;
            g->t->counts.reports_by_kind[k]++;
            if (strcmp(kinds[k].name, "spiking") != 0 || lnt_sim_rng_chance(&g->r, 0.35))
                continue;
            /* a spiking report saved open on the night, completed (or not) later */
            e->complete = false;
            if (!lnt_sim_rng_chance(&g->r, complete_later[q])) {
                g->t->counts.reports_open++;
                continue;
            }
            if ((done = push(g)) == NULL)
                return -1;
            e = &g->ev[g->n - 2]; /* push may have moved the array */
            *done = *e;
            done->order = (uint32_t)(g->n - 1);
            done->complete = true;
            done->recorded_at = e->recorded_at + 3600 * lnt_sim_rng_range(&g->r, 2, 40);
            done->police = done->police || lnt_sim_rng_chance(&g->r, 0.5);
        }
    }
    return 0;
}

static int stock(struct gen *g, int32_t d, int close, double f)
{
    static const int count_every[] = {7, 14, 30};
    static const int lag_max[] = {3, 10, 30};
    const struct lnt_venue *v = &g->sv->v;
    int64_t at = local_time(d, close - 15);
    int lot = v->category == LNT_VENUE_NIGHTCLUB ? 1000 : 500;
    int out;
    struct sev *e;

    if (!g->stocked || (g->delivery_on != 0 && d >= g->delivery_on)) {
        if ((e = push(g)) == NULL)
            return -1;
        e->type = LNT_EV_STOCK;
        e->sub = 1; /* delivery */
        e->qty = lot;
        e->occurred_at = e->recorded_at = local_time(d, 17 * 60);
        e->staff = (int32_t)g->sv->first_staff;
        g->level += lot;
        g->stocked = true;
        g->delivery_on = 0;
    }
    out = lnt_sim_rng_poisson(&g->r, v->capacity * 0.012 * f);
    if (out > g->level)
        out = g->level;
    if (out > 0) {
        if ((e = push(g)) == NULL)
            return -1;
        e->type = LNT_EV_STOCK;
        e->sub = 2; /* handed out */
        e->qty = out;
        e->occurred_at = e->recorded_at = at;
        e->staff = (int32_t)g->sv->first_staff;
        g->level -= out;
    }
    if (d >= g->next_count) {
        /* a count finds a little less than the book says: covers get used and not logged */
        g->level -= (int)lnt_sim_rng_range(&g->r, 0, g->level / 20);
        if ((e = push(g)) == NULL)
            return -1;
        e->type = LNT_EV_STOCK;
        e->sub = 0; /* count */
        e->qty = g->level;
        e->occurred_at = e->recorded_at = at + 60;
        e->staff = (int32_t)g->sv->first_staff;
        g->next_count = d + count_every[g->sv->quality];
    }
    if (g->level < v->cup_cover_threshold && g->delivery_on == 0)
        g->delivery_on = d + (int32_t)lnt_sim_rng_range(&g->r, 1, lag_max[g->sv->quality]);
    return 0;
}

static int volunteers(struct gen *g, int32_t d, double f)
{
    static const int base[8] = {18, 3, 2, 30, 2, 2, 1, 3};
    int32_t leader;
    struct sev *s, *e;
    bool friday = lnt_weekday(d) == 4;

    if (pick_staff(g, LNT_ROLE_VOLUNTEER, 1, &leader, 1) != 1)
        return 0;
    if ((s = push(g)) == NULL)
        return -1;
    s->type = LNT_EV_SHIFT_START;
    s->staff = leader;
    s->sub = friday ? 0 : 1;
    s->qty = (int32_t)lnt_sim_rng_range(&g->r, 3, 4);
    s->occurred_at = s->recorded_at =
        local_time(d, 21 * 60 + 30 + (int)lnt_sim_rng_range(&g->r, -10, 10));
    if (lnt_sim_rng_chance(&g->r, 0.02))
        return 0; /* the leader forgot to end the shift */
    if ((e = push(g)) == NULL)
        return -1;
    s = &g->ev[g->n - 2];
    *e = *s;
    e->order = (uint32_t)(g->n - 1);
    e->type = LNT_EV_SHIFT_END;
    e->occurred_at = e->recorded_at =
        local_time(d, 27 * 60 + 30 + (int)lnt_sim_rng_range(&g->r, 0, 45));
    for (int i = 0; i < 8; i++)
        e->tallies[i] = lnt_sim_rng_poisson(&g->r, base[i] * f);
    return 0;
}

/* Every event venue `sv`'s kiosk records over the run, in recording order. */
static int generate(struct gen *g)
{
    static const double silent[] = {0.005, 0.03, 0.12};
    struct lnt_sim_town *t = g->t;
    struct lnt_sim_venue *sv = g->sv;
    int32_t on_duty[64];

    g->next_count = t->first;
    for (int32_t d = t->first; d <= t->opt.end; d++) {
        int wd = lnt_weekday(d), open, close, n_on;
        bool special, trading = lnt_trading_is_night(&sv->trading, d);
        double f = night_factor(d, sv->v.category, &special);
        int y, m, day;

        lnt_civil_from_days(d, &y, &m, &day);
        if (!trading && !(m == 12 && day == 31 && sv->v.category != LNT_VENUE_HUB))
            continue;
        t->counts.trading_nights++;
        if (lnt_sim_rng_chance(&g->r, silent[sv->quality])) {
            t->counts.silent_nights++; /* the kiosk was off: nothing recorded tonight */
            continue;
        }
        open = trading ? sv->trading.open_min[wd] : 20 * 60;
        close = trading ? sv->trading.close_min[wd] : 27 * 60;
        if (sv->v.category == LNT_VENUE_HUB) {
            if (volunteers(g, d, f) != 0)
                return -1;
            continue;
        }
        if ((n_on = shift_people(g, d, open, close, f, on_duty)) < 0 ||
            incidents(g, d, open, close, f, on_duty, n_on) != 0 || stock(g, d, close, f) != 0)
            return -1;
    }
    return 0;
}

static int by_recorded(const void *a, const void *b)
{
    const struct sev *x = a, *y = b;
    if (x->recorded_at != y->recorded_at)
        return x->recorded_at < y->recorded_at ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void uuid_from(uint64_t a, uint64_t b, char out[LNT_UUID_STRLEN])
{
    uint8_t u[16];

    for (int i = 0; i < 8; i++) {
        u[i] = (uint8_t)(a >> (8 * i));
        u[8 + i] = (uint8_t)(b >> (8 * i));
    }
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
    snprintf(out, LNT_UUID_STRLEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
             u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
             u[15]);
}

/* The details the kiosk seals to the server: the narrative nobody but permitted roles reads. */
static void seal_details(const struct lnt_sim_town *t, const struct sev *s, char *out, size_t size)
{
    char json[512];
    unsigned char boxed[512 + crypto_box_SEALBYTES];
    int n = snprintf(json, sizeof json,
                     "{\"kind\":\"%s\",\"place\":\"%s\",\"summary\":\"Recorded by venue staff; "
                     "%s.\",\"actions\":[\"moved somewhere safe\",\"%s\"]}",
                     kinds[s->sub].name, places[s->place],
                     s->good_outcome ? good_outcomes[s->outcome] : poor_outcomes[s->outcome],
                     s->police ? "police informed" : "offered a taxi");

    out[0] = '\0';
    if (n < 0 || (size_t)n >= sizeof json || LNT_B64_LEN((size_t)n + crypto_box_SEALBYTES) > size ||
        crypto_box_seal(boxed, (const unsigned char *)json, (unsigned long long)n,
                        t->scheme.box_pk) != 0)
        return;
    lnt_b64_encode(boxed, (size_t)n + crypto_box_SEALBYTES, out);
}

static void build_event(const struct lnt_sim_town *t, const struct sev *s, int64_t seq,
                        struct lnt_sim_rng *ur, struct lnt_event *ev)
{
    static const char *const stock_kinds[] = {"count", "delivery", "handed_out"};
    const struct lnt_sim_staff *st = s->staff >= 0 ? &t->staff[s->staff] : NULL;
    char staff_id[LNT_STAFF_ID_MAX + 1] = "";

    memset(ev, 0, sizeof *ev);
    ev->seq = seq;
    uuid_from(lnt_sim_rng_next(ur), lnt_sim_rng_next(ur), ev->uuid);
    ev->type = (enum lnt_event_type)s->type;
    ev->occurred_at = s->occurred_at;
    ev->recorded_at = s->recorded_at;
    if (st != NULL)
        snprintf(staff_id, sizeof staff_id, "%lld", (long long)st->id);
    switch (ev->type) {
    case LNT_EV_SIGN_IN:
    case LNT_EV_SIGN_OUT:
        memcpy(ev->u.badge.staff_id, staff_id, sizeof staff_id);
        memcpy(ev->u.badge.serial, st->serial[s->badge], sizeof ev->u.badge.serial);
        ev->u.badge.role = st->role;
        memcpy(ev->u.badge.sia_number, st->sia_number, sizeof ev->u.badge.sia_number);
        ev->u.badge.sia_expires = st->sia_expires;
        ev->u.badge.sia_status = (enum lnt_sia_status)s->sia_status;
        ev->u.badge.verdict = (enum lnt_verdict)s->verdict;
        break;
    case LNT_EV_BADGE_REFUSED:
        ev->u.refused.reason = (enum lnt_badge_reason)s->sub;
        break;
    case LNT_EV_INCIDENT:
        uuid_from(s->rid[0], s->rid[1], ev->u.incident.report_id);
        (void)lnt_str_copy(ev->u.incident.kind, sizeof ev->u.incident.kind, kinds[s->sub].name);
        ev->u.incident.severity = s->severity;
        (void)lnt_str_copy(ev->u.incident.place, sizeof ev->u.incident.place, places[s->place]);
        (void)lnt_str_copy(ev->u.incident.outcome, sizeof ev->u.incident.outcome,
                           !s->complete      ? ""
                           : s->good_outcome ? good_outcomes[s->outcome]
                                             : poor_outcomes[s->outcome]);
        ev->u.incident.police_called = s->police;
        ev->u.incident.complete = s->complete;
        memcpy(ev->u.incident.staff_id, staff_id, sizeof staff_id);
        seal_details(t, s, ev->u.incident.sealed, sizeof ev->u.incident.sealed);
        break;
    case LNT_EV_STOCK:
        (void)lnt_str_copy(ev->u.stock.kind, sizeof ev->u.stock.kind, stock_kinds[s->sub % 3]);
        ev->u.stock.quantity = s->qty;
        memcpy(ev->u.stock.staff_id, staff_id, sizeof staff_id);
        break;
    case LNT_EV_SHIFT_START:
    case LNT_EV_SHIFT_END:
        memcpy(ev->u.shift.staff_id, staff_id, sizeof staff_id);
        (void)lnt_str_copy(ev->u.shift.team, sizeof ev->u.shift.team,
                           s->sub == 0 ? "Street Pastors" : "Street Angels");
        snprintf(ev->u.shift.call_sign, sizeof ev->u.shift.call_sign, "%s1",
                 s->sub == 0 ? "SP" : "SA");
        ev->u.shift.team_size = s->qty;
        if (ev->type == LNT_EV_SHIFT_END)
            memcpy(ev->u.shift.tallies, s->tallies, sizeof ev->u.shift.tallies);
        break;
    default:
        break;
    }
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/*
 * Sends one batch, retrying server errors and lost connections with backoff.
 * 200 and 409 carry the reply, which is applied to the counts; 400, 401 and
 * 413 are the sim's own fault and stop the run.
 */
static enum lnt_err send_batch(struct lnt_sim_town *t, struct lnt_sim_http *h,
                               const struct lnt_sim_venue *sv, const struct lnt_event *ev, size_t n,
                               int64_t backlog, struct lnt_ingest_result *res, char *err)
{
    struct lnt_buf body, reply;
    char sig[LNT_REQSIG_B64_LEN], h_kiosk[64], h_time[64], h_sig[160], h_backlog[64];
    char backlog_text[24];
    const char *headers[] = {h_kiosk, h_time, h_sig, LNT_HDR_SIG_VERSION ": 2", h_backlog, NULL};
    struct lnt_reqsig_parts parts = {"POST", "/api/v1/events", NULL, backlog_text, NULL, 0};
    size_t got = 0;
    int status = 0;
    enum lnt_err rc;

    lnt_buf_init(&body, BODY_MAX);
    lnt_buf_init(&reply, BODY_MAX);
    if ((rc = lnt_wire_batch_encode(sv->kiosk_id, ev, n, &body, err)) != LNT_OK)
        goto out;
    /* Signed with version 2, which covers the backlog header (docs/api.md). */
    snprintf(backlog_text, sizeof backlog_text, "%lld", (long long)backlog);
    parts.body = body.data;
    parts.len = body.len;
    for (int attempt = 0;; attempt++) {
        int64_t now = lnt_time_now();
        if ((rc = lnt_reqsig_sign2(sv->kiosk_sk, sv->kiosk_id, now, &parts, sig)) != LNT_OK) {
            rc = lnt_fail(err, rc, "signing a batch failed");
            goto out;
        }
        snprintf(h_kiosk, sizeof h_kiosk, "%s: %lld", LNT_HDR_KIOSK, (long long)sv->kiosk_id);
        snprintf(h_time, sizeof h_time, "%s: %lld", LNT_HDR_TIME, (long long)now);
        snprintf(h_sig, sizeof h_sig, "%s: %s", LNT_HDR_SIGNATURE, sig);
        snprintf(h_backlog, sizeof h_backlog, "%s: %s", LNT_HDR_BACKLOG, backlog_text);
        rc = lnt_sim_http_post(h, "/api/v1/events", body.data, body.len, headers, &status, &reply,
                               err);
        if (rc == LNT_OK && (status == 200 || status == 409))
            break;
        if (rc == LNT_OK && status < 500) {
            rc = lnt_fail(err, LNT_ERR_NET,
                          "kiosk %lld: the server refused a batch (HTTP %d): %.200s",
                          (long long)sv->kiosk_id, status, reply.data != NULL ? reply.data : "");
            goto out;
        }
        if (attempt + 1 == RETRIES) {
            if (rc == LNT_OK)
                rc = lnt_fail(err, LNT_ERR_NET, "kiosk %lld: HTTP %d after %d attempts",
                              (long long)sv->kiosk_id, status, RETRIES);
            goto out;
        }
        t->counts.retries++;
        pause_ms(200L << attempt);
    }
    if ((rc = lnt_wire_reply_decode(reply.data, reply.len, res, n, &got, err)) != LNT_OK)
        goto out;
    t->counts.batches++;
    for (size_t i = 0; i < got; i++) {
        switch (res[i].status) {
        case LNT_INGEST_ACCEPTED:
            t->counts.accepted++;
            break;
        case LNT_INGEST_DUPLICATE:
            t->counts.duplicates++;
            break;
        case LNT_INGEST_CONFLICT:
            t->counts.conflicts++;
            break;
        default:
            t->counts.rejected++;
        }
    }
out:
    lnt_buf_release(&body);
    lnt_buf_release(&reply);
    return rc;
}

static enum lnt_err run_venue(struct lnt_sim_town *t, struct lnt_sim_http *h, size_t vi, char *err)
{
    struct gen g = {.t = t, .sv = &t->venues[vi]};
    struct lnt_sim_rng ur;
    struct lnt_event *batch = NULL;
    struct lnt_ingest_result *res = NULL;
    enum lnt_err rc = LNT_OK;

    lnt_sim_rng_seed(&g.r, t->opt.seed, STREAM_VENUE + vi);
    lnt_sim_rng_seed(&ur, t->opt.seed, STREAM_UUID + vi);
    if (generate(&g) != 0) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory generating %s", g.sv->v.name);
        goto out;
    }
    qsort(g.ev, g.n, sizeof *g.ev, by_recorded);
    batch = calloc(LNT_BATCH_MAX, sizeof *batch);
    res = calloc(LNT_BATCH_MAX, sizeof *res);
    if (batch == NULL || res == NULL) {
        rc = lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < g.n; i += LNT_BATCH_MAX) {
        size_t m = g.n - i < LNT_BATCH_MAX ? g.n - i : LNT_BATCH_MAX;
        for (size_t j = 0; j < m; j++) {
            build_event(t, &g.ev[i + j], (int64_t)(i + j + 1), &ur, &batch[j]);
            t->counts.sent_by_type[batch[j].type]++;
        }
        t->counts.sent += (int64_t)m;
        rc = send_batch(t, h, g.sv, batch, m, (int64_t)(g.n - i - m), res, err);
        if (rc != LNT_OK)
            goto out;
    }
out:
    free(g.ev);
    free(batch);
    free(res);
    return rc;
}

enum lnt_err lnt_sim_run(struct lnt_sim_town *t,
                         void (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
                         char *err)
{
    struct lnt_sim_http *h = NULL;
    enum lnt_err rc;

    if ((rc = lnt_sim_http_new(&h, t->opt.server, err)) != LNT_OK)
        return rc;
    for (size_t i = 0; i < t->n_venues; i++) {
        struct lnt_sim_venue *sv = &t->venues[i];
        struct lnt_signing_key key;
        lnt_badge_keygen(&key);
        memcpy(sv->kiosk_pk, key.pk, sizeof sv->kiosk_pk);
        memcpy(sv->kiosk_sk, key.sk, sizeof sv->kiosk_sk);
        sodium_memzero(&key, sizeof key);
        if ((rc = lnt_sim_http_enroll(h, sv->code, sv->kiosk_pk, &sv->kiosk_id, err)) != LNT_OK) {
            rc = lnt_fail_prefix(err, rc, "kiosk at %s: ", sv->v.name);
            goto out;
        }
        t->counts.kiosks++;
    }
    for (size_t i = 0; i < t->n_venues; i++) {
        if ((rc = run_venue(t, h, i, err)) != LNT_OK)
            goto out;
        if (progress != NULL)
            progress(ctx, (int64_t)i + 1, (int64_t)t->n_venues);
    }
out:
    lnt_sim_http_free(h);
    return rc;
}
