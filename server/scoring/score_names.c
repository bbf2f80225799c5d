/* score_names.c - the scoring model's names and numbers as text: bands, tiers, metrics, statuses,
 * trends and fixed-point points. The lowest file of the scoring layer: the pure scoring
 * (score.c, score_json.c, score_report.c) and the rule loader (score_rules.c) both use it. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "score.h"

/* ---- names ---- */

static const char *const metric_names[LNT_METRIC__COUNT] = {"finding",
                                                            "door_sia_share",
                                                            "door_vuln_share",
                                                            "angela_nights_share",
                                                            "staff_bystander_share",
                                                            "spiking_complete_share",
                                                            "recorded_1h_share",
                                                            "cup_nights_share",
                                                            "register_complete_share"};

const char *lnt_bbn_metric_name(enum lnt_bbn_metric m)
{
    return (unsigned)m < LNT_METRIC__COUNT ? metric_names[m] : "?";
}

enum lnt_err lnt_bbn_metric_parse(const char *s, enum lnt_bbn_metric *out)
{
    for (int i = 1; i < LNT_METRIC__COUNT; i++)
        if (strcmp(s, metric_names[i]) == 0) {
            *out = (enum lnt_bbn_metric)i;
            return LNT_OK;
        }
    return LNT_ERR_INVALID;
}

const char *lnt_bbn_tier_name(enum lnt_bbn_tier t)
{
    switch (t) {
    case LNT_TIER_ESSENTIAL:
        return "essential";
    case LNT_TIER_DESIRED:
        return "desired";
    case LNT_TIER_BONUS:
        return "bonus";
    }
    return "?";
}

const char *lnt_band_name(enum lnt_band b)
{
    switch (b) {
    case LNT_BAND_GREEN:
        return "green";
    case LNT_BAND_AMBER:
        return "amber";
    case LNT_BAND_RED:
        return "red";
    case LNT_BAND_NONE:
        break;
    }
    return "none";
}

enum lnt_err lnt_band_parse(const char *s, enum lnt_band *out)
{
    for (int b = LNT_BAND_GREEN; b <= LNT_BAND_RED; b++)
        if (strcasecmp(s, lnt_band_name((enum lnt_band)b)) == 0) {
            *out = (enum lnt_band)b;
            return LNT_OK;
        }
    return LNT_ERR_INVALID;
}

/* ---- numbers ---- */

void lnt_score_milli_format(int64_t milli, char out[32])
{
    uint64_t a = milli < 0 ? (uint64_t)0 - (uint64_t)milli : (uint64_t)milli;
    snprintf(out, 32, "%s%llu.%03llu", milli < 0 ? "-" : "", (unsigned long long)(a / 1000),
             (unsigned long long)(a % 1000));
}

enum lnt_err lnt_score_milli_parse(const char *s, int64_t min, int64_t max, int64_t *out)
{
    char whole[24];
    const char *dot = strchr(s, '.');
    size_t wl = dot ? (size_t)(dot - s) : strlen(s);
    int64_t w, frac = 0;
    bool neg = s[0] == '-';

    if (wl == 0 || wl >= sizeof whole || (neg && wl == 1))
        return LNT_ERR_INVALID;
    memcpy(whole, s, wl);
    whole[wl] = '\0';
    if (lnt_parse_i64(whole, -1000000000000LL, 1000000000000LL, &w) != LNT_OK)
        return LNT_ERR_INVALID;
    if (dot) {
        size_t fl = strlen(dot + 1);
        if (fl == 0 || fl > 3)
            return LNT_ERR_INVALID;
        for (size_t i = 0; i < 3; i++) {
            char c = i < fl ? dot[1 + i] : '0';
            if (c < '0' || c > '9')
                return LNT_ERR_INVALID;
            frac = frac * 10 + (c - '0');
        }
    }
    w = w * 1000 + (neg ? -frac : frac);
    if (w < min || w > max)
        return LNT_ERR_INVALID;
    *out = w;
    return LNT_OK;
}

const char *lnt_bbn_status_name(enum lnt_bbn_status s)
{
    switch (s) {
    case LNT_BBN_MET:
        return "met";
    case LNT_BBN_NOT_MET:
        return "not_met";
    case LNT_BBN_NOT_EVIDENCED:
        return "not_evidenced";
    case LNT_BBN_NOT_APPLICABLE:
        return "not_applicable";
    }
    return "?";
}

const char *lnt_risk_part_kind_name(enum lnt_risk_part_kind k)
{
    switch (k) {
    case LNT_PART_INCIDENT:
        return "incident";
    case LNT_PART_GAP:
        return "gap";
    case LNT_PART_DATA:
        return "data";
    }
    return "?";
}

const char *lnt_trend_name(enum lnt_trend t)
{
    switch (t) {
    case LNT_TREND_BETTER:
        return "better";
    case LNT_TREND_STEADY:
        return "steady";
    case LNT_TREND_WORSE:
        return "worse";
    case LNT_TREND_NONE:
        break;
    }
    return "none";
}
