/* event.c - wire names of event types, verdicts and SIA licence states. */
#include "event.h"

#include <string.h>

/* Each table is indexed by the enum value; a NULL slot is not a value of the enum. */
static const char *const type_names[] = {
    [LNT_EV_SIGN_IN] = "sign_in",
    [LNT_EV_SIGN_OUT] = "sign_out",
    [LNT_EV_BADGE_REFUSED] = "badge_refused",
    [LNT_EV_INCIDENT] = "incident",
    [LNT_EV_STOCK] = "stock",
    [LNT_EV_SHIFT_START] = "shift_start",
    [LNT_EV_SHIFT_END] = "shift_end",
    [LNT_EV_WELFARE] = "welfare",
    [LNT_EV_DOOR_REFUSED] = "door_refused",
};

static const char *const verdict_names[] = {
    [LNT_VERDICT_GREEN] = "green",
    [LNT_VERDICT_AMBER] = "amber",
    [LNT_VERDICT_RED] = "red",
};

static const char *const sia_names[] = {
    [LNT_SIA_NOT_REQUIRED] = "not_required", [LNT_SIA_VALID] = "valid",
    [LNT_SIA_EXPIRING] = "expiring",         [LNT_SIA_EXPIRED] = "expired",
    [LNT_SIA_MISSING] = "missing",           [LNT_SIA_SUSPENDED] = "suspended",
    [LNT_SIA_REVOKED] = "revoked",
};

static const char *const listing_names[] = {
    [LNT_SIA_LISTED_VALID] = "valid",
    [LNT_SIA_LISTED_SUSPENDED] = "suspended",
    [LNT_SIA_LISTED_REVOKED] = "revoked",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The name of value `v` in `names`, or "unknown" when `v` is not one of them. */
static const char *name_of(const char *const *names, size_t n, int v)
{
    if (v < 0 || (size_t)v >= n || names[v] == NULL)
        return "unknown";
    return names[v];
}

/* The value whose name is exactly `s`, or -1. */
static int value_of(const char *const *names, size_t n, const char *s)
{
    if (s == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (names[i] != NULL && strcmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

/* Name functions never return NULL: a value outside the enum is "unknown" (which no parse accepts).
 */
const char *const lnt_incident_kinds[] = {
    "angela",   "spiking", "violence_injury", "violence", "sexual", "weapons", "drugs",
    "disorder", "medical", "ejection",        "theft",    "other",  NULL,
};

const char *const lnt_welfare_whats[] = {
    "intoxicated", "injured", "distressed", "vulnerable_alone", "lost_belongings", "other", NULL,
};

const char *const lnt_welfare_outcomes[] = {
    "taxi", "friends", "safe_space", "ambulance", "police", NULL,
};

bool lnt_incident_kind_valid(const char *kind)
{
    for (size_t i = 0; lnt_incident_kinds[i] != NULL; i++)
        if (strcmp(kind, lnt_incident_kinds[i]) == 0)
            return true;
    return false;
}

const char *lnt_event_type_name(enum lnt_event_type t)
{
    return name_of(type_names, COUNT(type_names), (int)t);
}

/* Parse functions leave *out alone and return LNT_ERR_INVALID for anything but an exact wire name.
 */
enum lnt_err lnt_event_type_parse(const char *s, enum lnt_event_type *out)
{
    int v = value_of(type_names, COUNT(type_names), s);
    if (v < 0)
        return LNT_ERR_INVALID;
    *out = (enum lnt_event_type)v;
    return LNT_OK;
}

const char *lnt_verdict_name(enum lnt_verdict v)
{
    return name_of(verdict_names, COUNT(verdict_names), (int)v);
}

enum lnt_err lnt_verdict_parse(const char *s, enum lnt_verdict *out)
{
    int v = value_of(verdict_names, COUNT(verdict_names), s);
    if (v < 0)
        return LNT_ERR_INVALID;
    *out = (enum lnt_verdict)v;
    return LNT_OK;
}

const char *lnt_sia_status_name(enum lnt_sia_status s)
{
    return name_of(sia_names, COUNT(sia_names), (int)s);
}

enum lnt_err lnt_sia_status_parse(const char *s, enum lnt_sia_status *out)
{
    int v = value_of(sia_names, COUNT(sia_names), s);
    if (v < 0)
        return LNT_ERR_INVALID;
    *out = (enum lnt_sia_status)v;
    return LNT_OK;
}

bool lnt_sia_status_ok(enum lnt_sia_status s)
{
    return s == LNT_SIA_VALID || s == LNT_SIA_EXPIRING;
}

const char *lnt_sia_listing_name(enum lnt_sia_listing l)
{
    return name_of(listing_names, COUNT(listing_names), (int)l);
}

enum lnt_err lnt_sia_listing_parse(const char *s, enum lnt_sia_listing *out)
{
    int v = value_of(listing_names, COUNT(listing_names), s);
    if (v < 0)
        return LNT_ERR_INVALID;
    *out = (enum lnt_sia_listing)v;
    return LNT_OK;
}
