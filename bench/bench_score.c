/* bench_score.c - full rescoring of a county's venues from rollups, against a plain read of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assets.h"
#include "buf.h"
#include "ltime.h"
#include "score.h"

/*
 * Synthetic rollups are generated in-process (deterministic), so the figure
 * is the scoring itself, not the store. The baseline is one pass that reads
 * every field of the same rollups, incidents and findings; the ratio says
 * what the scoring costs on top of touching the data at all.
 *
 *   bench_score [VENUES] [NIGHTS] [ROUNDS]      defaults 10000 90 5
 */

struct venue_data {
    struct lnt_score_input in;
    struct lnt_score_night *nights;
    struct lnt_score_incident *incidents;
    struct lnt_score_finding *findings;
};

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return n ? (uint32_t)(rng % n) : 0;
}

static int make_venue(struct venue_data *v, int64_t id, int64_t at, int nights,
                      const struct lnt_bbn_catalogue *cat)
{
    static const char *const cats[] = {"pub", "bar", "nightclub", "pub", "bar", "hub"};
    static const char *const kinds[] = {"violence", "spiking", "angela", "theft", "disorder"};
    struct lnt_score_input *in = &v->in;
    size_t nf = 0;

    memset(v, 0, sizeof *v);
    in->venue.id = id;
    snprintf(in->venue.name, sizeof in->venue.name, "Venue %lld", (long long)id);
    snprintf(in->venue.category, sizeof in->venue.category, "%s", cats[rnd(6)]);
    in->venue.capacity = 50 + (int32_t)rnd(1500);
    if (lnt_trading_parse(lnt_trading_default(in->venue.category), &in->venue.trading, NULL) !=
        LNT_OK)
        return -1;
    in->at = at;
    lnt_score_window(at, nights, &in->first_night, &in->last_night);
    v->nights = calloc((size_t)nights, sizeof *v->nights);
    v->incidents = calloc(24, sizeof *v->incidents);
    v->findings = calloc(cat->n_criteria, sizeof *v->findings);
    if (v->nights == NULL || v->incidents == NULL || v->findings == NULL)
        return -1;
    for (int i = 0; i < nights; i++) {
        struct lnt_score_night *r = &v->nights[i];
        r->night = in->first_night + i;
        r->cup_level = -1;
        if (!lnt_trading_is_night(&in->venue.trading, r->night) || rnd(20) == 0)
            continue;
        r->contacts = 3 + (int32_t)rnd(20);
        r->door_shifts = (int32_t)rnd(5);
        r->door_shifts_sia_ok = r->door_shifts - (rnd(50) == 0 && r->door_shifts > 0);
        r->door_shifts_vuln = r->door_shifts;
        r->staff_shifts = r->door_shifts + 2 + (int32_t)rnd(10);
        r->staff_shifts_bystander = r->staff_shifts - (int32_t)rnd(3);
        r->angela_on_shift = rnd(30) != 0;
        r->cup_level = 100 + (int32_t)rnd(400);
        r->cup_threshold = 100;
    }
    in->nights = v->nights;
    in->n_nights = (size_t)nights;
    in->n_incidents = rnd(24);
    for (size_t i = 0; i < in->n_incidents; i++) {
        struct lnt_score_incident *x = &v->incidents[i];
        int night = (int)rnd((uint32_t)nights);
        snprintf(x->id, sizeof x->id, "%lld-%u", (long long)(id % 1000000), (unsigned)(i % 100));
        snprintf(x->kind, sizeof x->kind, "%s", kinds[rnd(5)]);
        x->severity = 1 + (int)rnd(5);
        x->occurred_at = ((int64_t)in->first_night + night) * 86400 + 22 * 3600;
        x->police_called = rnd(3) != 0;
        x->complete = rnd(4) != 0;
        x->record_delay = rnd(7200);
        v->nights[night].incidents++;
        v->nights[night].incidents_recorded_1h += x->record_delay <= 3600;
    }
    in->incidents = v->incidents;
    for (size_t i = 0; i < cat->n_criteria; i++) {
        if (cat->criteria[i].metric != LNT_METRIC_FINDING || rnd(10) == 0)
            continue;
        snprintf(v->findings[nf].criterion, sizeof v->findings[nf].criterion, "%s",
                 cat->criteria[i].id);
        v->findings[nf].met = rnd(10) != 0;
        v->findings[nf].date = in->last_night - 60;
        snprintf(v->findings[nf].assessor, sizeof v->findings[nf].assessor, "Bench");
        nf++;
    }
    in->findings = v->findings;
    in->n_findings = nf;
    in->prev.known = true;
    in->prev.band = LNT_BAND_GREEN;
    return 0;
}

/* Reads every field the scoring reads, so the compiler cannot skip it. */
static int64_t plain_read(const struct venue_data *v, size_t n)
{
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        const struct lnt_score_input *in = &v[i].in;
        for (size_t k = 0; k < in->n_nights; k++) {
            const struct lnt_score_night *r = &in->nights[k];
            sum += r->night + r->contacts + r->door_shifts + r->door_shifts_sia_ok +
                   r->door_shifts_vuln + r->angela_on_shift + r->staff_shifts +
                   r->staff_shifts_bystander + r->shifts_open + r->incidents +
                   r->incidents_recorded_1h + r->spiking_reports + r->spiking_complete +
                   r->angela_requests + r->badges_refused + r->cup_level + r->cup_threshold;
        }
        for (size_t k = 0; k < in->n_incidents; k++)
            sum += in->incidents[k].severity + in->incidents[k].occurred_at +
                   in->incidents[k].complete + in->incidents[k].record_delay;
        for (size_t k = 0; k < in->n_findings; k++)
            sum += in->findings[k].met + in->findings[k].date;
    }
    return sum;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    struct lnt_score_rules rules;
    struct venue_data *v = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t venues = 10000, nights = 90, rounds = 5, sink = 0;
    int64_t at = lnt_days_from_civil(2026, 3, 2) * 86400LL + 43200;
    int64_t *t_read = NULL, *t_score = NULL, *t_json = NULL, one[201];
    struct lnt_buf json;
    int rc = 1;

    if ((argc > 1 && lnt_parse_i64(argv[1], 1, 1000000, &venues) != LNT_OK) ||
        (argc > 2 && lnt_parse_i64(argv[2], 1, LNT_SCORE_WINDOW_MAX, &nights) != LNT_OK) ||
        (argc > 3 && lnt_parse_i64(argv[3], 1, 1000, &rounds) != LNT_OK) || argc > 4) {
        fprintf(stderr, "usage: bench_score [VENUES] [NIGHTS] [ROUNDS]\n");
        return 2;
    }
    if (lnt_score_load_rules(&rules, err) != LNT_OK) {
        fprintf(stderr, "bench_score: %s\n", err);
        return 1;
    }
    lnt_buf_init(&json, 1 << 24);
    v = calloc((size_t)venues, sizeof *v);
    t_read = calloc((size_t)rounds, sizeof *t_read);
    t_score = calloc((size_t)rounds, sizeof *t_score);
    t_json = calloc((size_t)rounds, sizeof *t_json);
    if (v == NULL || t_read == NULL || t_score == NULL || t_json == NULL)
        goto out;
    for (int64_t i = 0; i < venues; i++)
        if (make_venue(&v[i], i + 1, at, (int)nights, rules.bbn) != 0)
            goto out;

    for (int64_t r = 0; r < rounds; r++) {
        int64_t t0 = lnt_mono_ms();
        sink += plain_read(v, (size_t)venues);
        t_read[r] = lnt_mono_ms() - t0;

        t0 = lnt_mono_ms();
        for (int64_t i = 0; i < venues; i++) {
            struct lnt_score_result res;
            if (lnt_score_venue(&rules, &v[i].in, &res, err) != LNT_OK) {
                fprintf(stderr, "bench_score: venue %lld: %s\n", (long long)i + 1, err);
                lnt_score_result_release(&res);
                goto out;
            }
            sink += res.risk.total_milli;
            lnt_score_result_release(&res);
        }
        t_score[r] = lnt_mono_ms() - t0;

        t0 = lnt_mono_ms();
        for (int64_t i = 0; i < venues; i++) {
            struct lnt_score_result res;
            if (lnt_score_venue(&rules, &v[i].in, &res, err) != LNT_OK ||
                lnt_score_to_json(&res, &json, err) != LNT_OK) {
                fprintf(stderr, "bench_score: venue %lld: %s\n", (long long)i + 1, err);
                lnt_score_result_release(&res);
                goto out;
            }
            sink += (int64_t)json.len;
            lnt_buf_reset(&json);
            lnt_score_result_release(&res);
        }
        t_json[r] = lnt_mono_ms() - t0;
    }
    /* one venue: microseconds, median of 201 (a nightclub with incidents) */
    for (int k = 0; k < 201; k++) {
        struct timespec a, b;
        struct lnt_score_result res;
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (lnt_score_venue(&rules, &v[k % venues].in, &res, err) != LNT_OK ||
            lnt_score_to_json(&res, &json, err) != LNT_OK) {
            lnt_score_result_release(&res);
            goto out;
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        lnt_buf_reset(&json);
        lnt_score_result_release(&res);
        one[k] = (b.tv_sec - a.tv_sec) * 1000000 + (b.tv_nsec - a.tv_nsec) / 1000;
    }
    qsort(t_read, (size_t)rounds, sizeof *t_read, cmp_i64);
    qsort(t_score, (size_t)rounds, sizeof *t_score, cmp_i64);
    qsort(t_json, (size_t)rounds, sizeof *t_json, cmp_i64);
    qsort(one, 201, sizeof one[0], cmp_i64);
    printf("command: bench_score %lld %lld %lld\n", (long long)venues, (long long)nights,
           (long long)rounds);
    printf("venues %lld, nights %lld, rules %s + %s\n", (long long)venues, (long long)nights,
           rules.bbn->version, rules.risk->version);
    printf("plain read of the rollups:     %6lld ms (median of %lld)\n",
           (long long)t_read[rounds / 2], (long long)rounds);
    printf("score every venue:             %6lld ms (%.1fx the read)\n",
           (long long)t_score[rounds / 2],
           t_read[rounds / 2] > 0 ? (double)t_score[rounds / 2] / (double)t_read[rounds / 2] : 0.0);
    printf("score every venue + JSON:      %6lld ms\n", (long long)t_json[rounds / 2]);
    printf("one venue, score + JSON:       %6lld us (median of 201)\n", (long long)one[100]);
    printf("(checksum %lld)\n", (long long)sink);
    rc = 0;
out:
    if (rc != 0 && err[0])
        fprintf(stderr, "bench_score: %s\n", err);
    for (int64_t i = 0; v && i < venues; i++) {
        free(v[i].nights);
        free(v[i].incidents);
        free(v[i].findings);
    }
    free(v);
    free(t_read);
    free(t_score);
    free(t_json);
    lnt_buf_release(&json);
    lnt_score_rules_release(&rules);
    return rc;
}
