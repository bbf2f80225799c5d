/* sim_town.c - lantern-sim's town: venues, staff with training of varied freshness, badges. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "codec.h"
#include "ltime.h"
#include "night.h"
#include "score.h"
#include "sim.h"

#define STREAM_TOWN 1
#define STREAM_FINDINGS 2

/* ---- randomness ---- */

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void lnt_sim_rng_seed(struct lnt_sim_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);

    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t lnt_sim_rng_next(struct lnt_sim_rng *r)
{
    uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

int64_t lnt_sim_rng_range(struct lnt_sim_rng *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)(hi - lo) + 1;
    return span == 0 ? (int64_t)lnt_sim_rng_next(r) : lo + (int64_t)(lnt_sim_rng_next(r) % span);
}

double lnt_sim_rng_unit(struct lnt_sim_rng *r)
{
    return (double)(lnt_sim_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

bool lnt_sim_rng_chance(struct lnt_sim_rng *r, double p)
{
    return lnt_sim_rng_unit(r) < p;
}

int lnt_sim_rng_poisson(struct lnt_sim_rng *r, double mean)
{
    double limit = exp(-mean), p = 1.0;
    int k = 0;

    if (mean <= 0)
        return 0;
    do {
        k++;
        p *= lnt_sim_rng_unit(r);
    } while (p > limit && k < 200);
    return k - 1;
}

/* ---- names ---- */

static const char *const pubs[] = {
    "The Crown",        "The Red Lion",   "The Kings Arms",   "The White Hart", "The Plough",
    "The Railway",      "The George",     "The Swan",         "The Bell",       "The Anchor",
    "The Fox & Hounds", "The Wheatsheaf", "The Rose & Crown", "The Star",       "The Ship",
    "The Royal Oak",    "The Nags Head",  "The Black Horse"};
static const char *const bars[] = {"Quayside Bar", "The Gin Room", "Hideout",      "Copper Rooms",
                                   "Neon Lounge",  "Social",       "Tap & Barrel", "Vino",
                                   "Electric Ave", "The Vaults",   "Revolution",   "Botanist"};
static const char *const clubs[] = {"Velvet", "Echo",  "Loft",   "Atlas",
                                    "Hive",   "Pulse", "Mirage", "Vault 21"};
static const char *const hubs[] = {"Safe Haven (St Mary's)", "Street Pastors Hub",
                                   "Night Bus Welfare Point"};
static const char *const areas[] = {"High Street", "Riverside", "Market Square", "Station Quarter",
                                    "Old Town"};
static const char *const authorities[] = {"Kingsbridge Borough Council",
                                          "Avon Vale District Council"};
static const char *const first_names[] = {
    "Aleksandra", "Sam",    "Priya",  "Tom",   "Ruth",   "Dee",     "Marcus", "Chloe",  "Jamal",
    "Hannah",     "Oliver", "Aisha",  "Liam",  "Sophie", "Kwame",   "Grace",  "Daniel", "Mei",
    "Connor",     "Zara",   "Ewan",   "Leah",  "Tariq",  "Bethany", "Rhys",   "Nadia",  "Callum",
    "Ola",        "Jack",   "Imogen", "Marek", "Sian",   "Dev",     "Holly",  "Femi",   "Kirsty"};
static const char *const last_names[] = {
    "Okafor", "Whitfield", "Raman",  "Hargreaves", "Adeyemi",  "Kowalczyk", "Brown",  "Patel",
    "Jones",  "Evans",     "Murphy", "Nowak",      "Campbell", "Hughes",    "Begum",  "Clarke",
    "Wright", "Mensah",    "Price",  "Davies",     "Khan",     "Walsh",     "Morgan", "Ali",
    "Reid",   "Chen",      "Fraser", "Lewis",      "Osei",     "Hall"};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void venue_name(struct lnt_sim_rng *r, enum lnt_venue_category cat, size_t nth, char *out,
                       size_t size)
{
    const char *const *list = cat == LNT_VENUE_PUB         ? pubs
                              : cat == LNT_VENUE_BAR       ? bars
                              : cat == LNT_VENUE_NIGHTCLUB ? clubs
                                                           : hubs;
    size_t n = cat == LNT_VENUE_PUB         ? N_OF(pubs)
               : cat == LNT_VENUE_BAR       ? N_OF(bars)
               : cat == LNT_VENUE_NIGHTCLUB ? N_OF(clubs)
                                            : N_OF(hubs);

    (void)r;
    if (nth < n)
        snprintf(out, size, "%s", list[nth]);
    else
        snprintf(out, size, "%s %zu", list[nth % n], nth / n + 1);
}

/* true when a venue of that name is already in the database (a demo's hand-made venues). */
static bool name_taken(const struct lnt_sim_town *t, const char *name)
{
    for (size_t i = 0; i < t->n_existing; i++)
        if (strcmp(t->existing[i].name, name) == 0)
            return true;
    for (size_t i = 0; i < t->n_venues; i++)
        if (strcmp(t->venues[i].v.name, name) == 0)
            return true;
    return false;
}

/* ---- the town ---- */

static enum lnt_venue_category pick_category(struct lnt_sim_rng *r, size_t i, size_t n)
{
    double u;

    /* one welfare hub for every twelve venues, the first always */
    if (i % 12 == 0 && n >= 3)
        return LNT_VENUE_HUB;
    if (i % 12 == 1)
        return LNT_VENUE_NIGHTCLUB; /* every town with a hub has at least one club */
    u = lnt_sim_rng_unit(r);
    return u < 0.5 ? LNT_VENUE_PUB : u < 0.82 ? LNT_VENUE_BAR : LNT_VENUE_NIGHTCLUB;
}

static int32_t capacity_for(struct lnt_sim_rng *r, enum lnt_venue_category c)
{
    switch (c) {
    case LNT_VENUE_PUB:
        return (int32_t)lnt_sim_rng_range(r, 8, 35) * 10;
    case LNT_VENUE_BAR:
        return (int32_t)lnt_sim_rng_range(r, 6, 25) * 10;
    case LNT_VENUE_NIGHTCLUB:
        return (int32_t)lnt_sim_rng_range(r, 3, 15) * 100;
    default:
        return (int32_t)lnt_sim_rng_range(r, 3, 6) * 10;
    }
}

/* Door supervisors needed on a busy night: 2 for the first 100 customers, then 1 per 100. */
static int door_needed(const struct lnt_venue *v)
{
    if (v->category == LNT_VENUE_HUB)
        return 0;
    if (v->category == LNT_VENUE_PUB && v->capacity < 150)
        return 1;
    return 2 + (v->capacity > 100 ? (v->capacity - 100 + 99) / 100 : 0);
}

static const enum lnt_course door_courses[] = {LNT_COURSE_WAVE, LNT_COURSE_ANGELA,
                                               LNT_COURSE_SPIKING, LNT_COURSE_FIRST_AID,
                                               LNT_COURSE_CONFLICT};
static const enum lnt_course bar_courses[] = {LNT_COURSE_ANGELA, LNT_COURSE_BYSTANDER,
                                              LNT_COURSE_SPIKING, LNT_COURSE_CHALLENGE25};
static const enum lnt_course manager_courses[] = {LNT_COURSE_ANGELA, LNT_COURSE_WAVE,
                                                  LNT_COURSE_FIRST_AID, LNT_COURSE_CHALLENGE25};
static const enum lnt_course volunteer_courses[] = {LNT_COURSE_FIRST_AID, LNT_COURSE_BYSTANDER};

/* The same calendar day a year on (29 February becomes 28 February). */
static int32_t next_year(int32_t days)
{
    int y, m, d;

    lnt_civil_from_days(days, &y, &m, &d);
    if (m == 2 && d == 29)
        d = 28;
    return lnt_days_from_civil(y + 1, m, d);
}

/*
 * A training history: a first course somewhere in the year before the run,
 * refreshed yearly, late by a number of days that depends on the venue. Poor
 * venues skip some courses altogether.
 */
static enum lnt_err add_training(struct lnt_sim_town *t, struct lnt_sim_rng *r,
                                 struct lnt_sim_staff *st, enum lnt_sim_quality q, char *err)
{
    const enum lnt_course *list;
    size_t n;
    int32_t today = lnt_london_date(lnt_time_now()); /* dates people read: London's */
    static const double skip[] = {0.03, 0.15, 0.40};
    static const int late_max[] = {20, 90, 220};

    switch (st->role) {
    case LNT_ROLE_DOOR:
        list = door_courses, n = N_OF(door_courses);
        break;
    case LNT_ROLE_BAR:
        list = bar_courses, n = N_OF(bar_courses);
        break;
    case LNT_ROLE_MANAGER:
        list = manager_courses, n = N_OF(manager_courses);
        break;
    default:
        list = volunteer_courses, n = N_OF(volunteer_courses);
        break;
    }
    for (size_t i = 0; i < n; i++) {
        int32_t when;
        int k = 0;
        if (lnt_sim_rng_chance(r, skip[q]))
            continue;
        when = t->first - (int32_t)lnt_sim_rng_range(r, 0, 330);
        while (k < 4 && when <= t->opt.end && when <= today) {
            struct lnt_training tr = {.staff_id = st->id, .course = list[i], .completed = when};
            tr.expires = next_year(when) - 1;
            if (lnt_store_training_add(t->store, &tr, err) != LNT_OK)
                return lnt_fail_prefix(err, LNT_ERR_DB,
                                       "training for staff %lld: ", (long long)st->id);
            st->done[list[i]][k++] = when;
            t->counts.training++;
            when = next_year(when) + (int32_t)lnt_sim_rng_range(r, 0, late_max[q]);
        }
    }
    return LNT_OK;
}

/* A badge per year of the run, each replacing the last; serials from the seeded stream. */
static enum lnt_err add_badges(struct lnt_sim_town *t, struct lnt_sim_rng *r,
                               struct lnt_sim_staff *st, char *err)
{
    int64_t issued = (int64_t)(t->first - (int32_t)lnt_sim_rng_range(r, 1, 25)) * 86400 + 14 * 3600;
    int64_t end = (int64_t)(t->opt.end + 1) * 86400;

    for (int k = 0; k < LNT_SIM_MAX_BADGES && issued < end; k++) {
        struct lnt_badge_record b = {0};
        for (int i = 0; i < LNT_SERIAL_LEN; i++)
            b.serial[i] = (uint8_t)lnt_sim_rng_next(r);
        memcpy(b.kid, t->scheme.key.kid, LNT_KID_LEN);
        b.staff_id = st->id;
        b.issued_at = issued;
        b.expires_at = issued + 390 * 86400;
        if (lnt_store_badge_add(t->store, &b, err) != LNT_OK)
            return lnt_fail_prefix(err, LNT_ERR_DB, "badge for staff %lld: ", (long long)st->id);
        lnt_hex_encode(b.serial, LNT_SERIAL_LEN, st->serial[k]);
        st->badge_from[k] = issued;
        st->n_badges = k + 1;
        t->counts.badges++;
        issued += 365 * 86400;
    }
    return LNT_OK;
}

static enum lnt_err add_person(struct lnt_sim_town *t, struct lnt_sim_rng *r,
                               struct lnt_sim_venue *sv, enum lnt_role role, char *err)
{
    struct lnt_sim_staff *st = &t->staff[t->n_staff];
    struct lnt_staff rec = {0};
    enum lnt_err rc;

    memset(st, 0, sizeof *st);
    rec.venue_id = sv->v.id;
    rec.role = role;
    snprintf(rec.name, sizeof rec.name, "%s %s",
             first_names[lnt_sim_rng_range(r, 0, N_OF(first_names) - 1)],
             last_names[lnt_sim_rng_range(r, 0, N_OF(last_names) - 1)]);
    if (role == LNT_ROLE_DOOR) {
        /* poor venues employ some door staff whose licence lapsed, or who never had one */
        double missing = sv->quality == LNT_SIM_POOR ? 0.12 : 0.0;
        double lapsed = sv->quality == LNT_SIM_POOR   ? 0.25
                        : sv->quality == LNT_SIM_FAIR ? 0.08
                                                      : 0.01;
        if (!lnt_sim_rng_chance(r, missing)) {
            for (int i = 0; i < 16; i++)
                rec.sia_number[i] = (char)('0' + lnt_sim_rng_range(r, i == 0 ? 1 : 0, 9));
            rec.sia_number[16] = '\0';
            rec.sia_expires = lnt_sim_rng_chance(r, lapsed)
                                  ? t->first + (int32_t)lnt_sim_rng_range(r, 0, t->opt.days / 2 + 1)
                                  : t->opt.end + (int32_t)lnt_sim_rng_range(r, 30, 1000);
        }
    }
    if ((rc = lnt_store_staff_add(t->store, &rec, err)) != LNT_OK)
        return lnt_fail_prefix(err, rc, "staff at venue %lld: ", (long long)sv->v.id);
    st->id = rec.id;
    st->role = role;
    memcpy(st->sia_number, rec.sia_number, sizeof st->sia_number);
    st->sia_expires = rec.sia_expires;
    st->joined = t->first;
    t->n_staff++;
    t->counts.staff++;
    if ((rc = add_training(t, r, st, sv->quality, err)) != LNT_OK)
        return rc;
    return add_badges(t, r, st, err);
}

static enum lnt_err add_venue(struct lnt_sim_town *t, struct lnt_sim_rng *r, size_t i,
                              size_t nth_of_cat[5], char *err)
{
    struct lnt_sim_venue *sv = &t->venues[i];
    struct lnt_venue *v = &sv->v;
    int door, bar, managers, volunteers;
    enum lnt_err rc;

    memset(sv, 0, sizeof *sv);
    v->category = pick_category(r, i, (size_t)t->opt.venues);
    do
        venue_name(r, v->category, nth_of_cat[v->category]++, v->name, sizeof v->name);
    while (name_taken(t, v->name));
    v->capacity = capacity_for(r, v->category);
    (void)lnt_str_copy(v->area, sizeof v->area, areas[lnt_sim_rng_range(r, 0, N_OF(areas) - 1)]);
    /* most of the town in one authority; the edge of town in its neighbour's */
    (void)lnt_str_copy(v->authority, sizeof v->authority,
                       authorities[lnt_sim_rng_chance(r, 0.2) ? 1 : 0]);
    v->cup_cover_threshold = v->category == LNT_VENUE_NIGHTCLUB ? 200
                             : v->category == LNT_VENUE_HUB     ? 50
                                                                : 100;
    /* a town has its problem premises: a fifth poor, a fifth fair (hubs are run well) */
    if (v->category == LNT_VENUE_HUB)
        sv->quality = LNT_SIM_GOOD;
    else if (i % 5 == 3)
        sv->quality = LNT_SIM_POOR;
    else
        sv->quality = lnt_sim_rng_chance(r, 0.25) ? LNT_SIM_FAIR : LNT_SIM_GOOD;
    if ((rc = lnt_store_venue_add(t->store, v, err)) != LNT_OK)
        return lnt_fail_prefix(err, rc, "venue %s: ", v->name);
    if (lnt_trading_parse(v->trading[0] != '\0'
                              ? v->trading
                              : lnt_trading_default(lnt_venue_category_name(v->category)),
                          &sv->trading, err) != LNT_OK)
        return lnt_fail_prefix(err, LNT_ERR_INTERNAL, "venue %s: trading: ", v->name);
    t->counts.venues_by_cat[v->category]++;
    t->counts.poor_venues += sv->quality == LNT_SIM_POOR;

    door = v->category == LNT_VENUE_HUB ? 0 : door_needed(v) + (door_needed(v) + 1) / 2;
    bar = v->category == LNT_VENUE_HUB ? 0 : 2 + v->capacity / 150;
    managers = v->category == LNT_VENUE_HUB ? 1 : 1 + (v->capacity > 500);
    volunteers = v->category == LNT_VENUE_HUB ? (int)lnt_sim_rng_range(r, 6, 10) : 0;
    sv->first_staff = t->n_staff;
    for (int k = 0; k < managers && rc == LNT_OK; k++)
        rc = add_person(t, r, sv, LNT_ROLE_MANAGER, err);
    for (int k = 0; k < door && rc == LNT_OK; k++)
        rc = add_person(t, r, sv, LNT_ROLE_DOOR, err);
    for (int k = 0; k < bar && rc == LNT_OK; k++)
        rc = add_person(t, r, sv, LNT_ROLE_BAR, err);
    for (int k = 0; k < volunteers && rc == LNT_OK; k++)
        rc = add_person(t, r, sv, LNT_ROLE_VOLUNTEER, err);
    sv->n_staff = t->n_staff - sv->first_staff;
    if (rc != LNT_OK)
        return rc;
    /* the kiosk's one-time code, redeemed over the API by lnt_sim_run */
    rc = lnt_store_enroll_code_add(t->store, v->id, lnt_time_now() + 86400, sv->code, err);
    return rc == LNT_OK ? LNT_OK : lnt_fail_prefix(err, rc, "enrolment code for %s: ", v->name);
}

/* true when a criterion applies to venues of `cat` ("" = every category). */
static bool applies(const struct lnt_bbn_criterion *c, enum lnt_venue_category cat)
{
    const char *name = lnt_venue_category_name(cat);
    size_t n = strlen(name);

    if (c->categories[0] == '\0')
        return true;
    for (const char *p = c->categories; (p = strstr(p, name)) != NULL; p += n)
        if ((p == c->categories || p[-1] == ',' || p[-1] == ' ') && (p[n] == '\0' || p[n] == ','))
            return true;
    return false;
}

/*
 * An assessor's visit to every scored venue: a finding for each criterion the
 * kiosks cannot measure, met with a likelihood that follows the venue's
 * quality, dated within the last ten months so each is still valid at the end.
 * Its own random stream, so the events a seed produces do not change.
 */
static enum lnt_err add_findings(struct lnt_sim_town *t, const struct lnt_bbn_catalogue *cat,
                                 char *err)
{
    /* chance of meeting an Essential, a Desired, a Bonus criterion, by quality */
    static const double p_met[3][3] = {{1.0, 0.85, 0.5}, {0.96, 0.6, 0.2}, {0.75, 0.35, 0.0}};
    struct lnt_sim_rng r;
    enum lnt_err rc = LNT_OK;

    lnt_sim_rng_seed(&r, t->opt.seed, STREAM_FINDINGS);
    for (size_t i = 0; i < t->n_venues && rc == LNT_OK; i++) {
        const struct lnt_sim_venue *sv = &t->venues[i];
        int32_t visit = t->opt.end - (int32_t)lnt_sim_rng_range(&r, 14, 300);
        int q = sv->quality == LNT_SIM_GOOD ? 0 : sv->quality == LNT_SIM_FAIR ? 1 : 2;

        if (sv->v.category == LNT_VENUE_HUB)
            continue;
        for (size_t k = 0; k < cat->n_criteria && rc == LNT_OK; k++) {
            const struct lnt_bbn_criterion *c = &cat->criteria[k];
            struct lnt_finding f;

            if (c->metric != LNT_METRIC_FINDING || !applies(c, sv->v.category))
                continue;
            memset(&f, 0, sizeof f);
            f.venue_id = sv->v.id;
            (void)lnt_str_copy(f.criterion, sizeof f.criterion, c->id);
            f.met = lnt_sim_rng_chance(&r, p_met[q][c->tier - 1]);
            (void)lnt_str_copy(f.evidence, sizeof f.evidence,
                               f.met ? "Seen on the assessment visit: records and practice checked."
                                     : "Not evidenced on the day; in the action plan.");
            (void)lnt_str_copy(f.assessor, sizeof f.assessor, "BBN assessor (simulated)");
            f.found_on = visit;
            rc = lnt_store_finding_add(t->store, &f, (int64_t)visit * 86400 + 15 * 3600, err);
        }
    }
    return rc;
}

enum lnt_err lnt_sim_town_build(struct lnt_sim_town *t, char *err)
{
    struct lnt_sim_rng r;
    size_t nth_of_cat[5] = {0};
    size_t staff_cap;
    enum lnt_err rc;

    t->first = t->opt.end - t->opt.days + 1;
    rc = lnt_store_open(&t->store, t->opt.db, err);
    if (rc != LNT_OK)
        return rc;
    lnt_store_set_actor(t->store, "lantern-sim");
    rc = lnt_store_scheme_get(t->store, &t->scheme, err);
    if (rc == LNT_ERR_NOT_FOUND) {
        if ((rc = lnt_store_scheme_init(t->store, t->opt.scheme, err)) != LNT_OK)
            return rc;
        rc = lnt_store_scheme_get(t->store, &t->scheme, err);
    }
    if (rc != LNT_OK)
        return rc;
    if ((rc = lnt_store_venue_list(t->store, &t->existing, &t->n_existing, err)) != LNT_OK)
        return rc;
    t->venues = calloc((size_t)t->opt.venues, sizeof *t->venues);
    /* the largest club (1,500) has 2 managers, 24 door and 12 bar staff */
    staff_cap = (size_t)t->opt.venues * 48;
    t->staff = calloc(staff_cap, sizeof *t->staff);
    if (t->venues == NULL || t->staff == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory for %d venues", t->opt.venues);
    lnt_sim_rng_seed(&r, t->opt.seed, STREAM_TOWN);
    for (size_t i = 0; i < (size_t)t->opt.venues; i++) {
        if ((rc = add_venue(t, &r, i, nth_of_cat, err)) != LNT_OK)
            return rc;
        t->n_venues++;
    }
    struct lnt_bbn_catalogue *cat = NULL;
    char path[4200];
    rc = lnt_asset_path("bbn/criteria.ini", path, sizeof path, err);
    if (rc == LNT_OK)
        rc = lnt_bbn_catalogue_load(path, &cat, err);
    if (rc != LNT_OK)
        return lnt_fail_prefix(err, rc, "BBN catalogue: ");
    rc = add_findings(t, cat, err);
    lnt_bbn_catalogue_free(cat);
    return rc;
}

void lnt_sim_town_release(struct lnt_sim_town *t)
{
    free(t->venues);
    free(t->staff);
    free(t->existing);
    t->existing = NULL;
    lnt_store_free(t->store);
    memset(&t->scheme, 0, sizeof t->scheme);
    t->venues = NULL;
    t->staff = NULL;
    t->store = NULL;
}
