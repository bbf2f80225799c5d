/* staff_badge.c - issuing a staff member's badge, for lanternctl and the dashboard alike. */
#include "staff_badge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "night.h"

/* Copies at most LNT_BADGE_NAME_MAX bytes of `name`, cutting at a UTF-8 character boundary. */
static void badge_name(char out[LNT_BADGE_NAME_MAX + 1], const char *name)
{
    size_t n = strlen(name);

    if (n > LNT_BADGE_NAME_MAX) {
        n = LNT_BADGE_NAME_MAX;
        while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
            n--;
    }
    memcpy(out, name, n);
    out[n] = '\0';
}

/* The training in date on `today` (London): lapsed courses are not carried. */
static enum lnt_err add_courses(struct lnt_store *s, int64_t staff_id, int32_t today,
                                struct lnt_badge_claims *cl, char *err)
{
    struct lnt_training *tr = NULL;
    size_t n = 0;
    enum lnt_err rc = lnt_store_training_list(s, staff_id, &tr, &n, err);

    for (size_t i = 0; rc == LNT_OK && i < n && cl->n_courses < LNT_BADGE_MAX_COURSES; i++) {
        if (tr[i].expires != 0 && tr[i].expires < today)
            continue;
        cl->courses[cl->n_courses].course = tr[i].course;
        cl->courses[cl->n_courses].expires = tr[i].expires;
        cl->n_courses++;
    }
    free(tr);
    return rc;
}

enum lnt_err lnt_staff_badge_sign(struct lnt_store *s, const struct lnt_scheme *sc,
                                  const struct lnt_staff *st, int64_t now, int64_t valid_days,
                                  struct lnt_badge_claims *cl, char *text, size_t size, char *err)
{
    enum lnt_err rc;

    memset(cl, 0, sizeof *cl);
    if (valid_days < 1 || valid_days > LNT_STAFF_BADGE_MAX_DAYS)
        return lnt_fail(err, LNT_ERR_INVALID, "a badge is valid for 1 to %d days, not %lld",
                        LNT_STAFF_BADGE_MAX_DAYS, (long long)valid_days);
    if (st->venue_id < 0 || st->venue_id > (int64_t)UINT32_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "venue id %lld does not fit a badge",
                        (long long)st->venue_id);
    (void)lnt_str_copy(cl->issuer, sizeof cl->issuer, sc->name);
    snprintf(cl->subject, sizeof cl->subject, "%lld", (long long)st->id);
    lnt_random(cl->serial, sizeof cl->serial);
    memcpy(cl->kid, sc->key.kid, LNT_KID_LEN);
    cl->issued_at = now;
    cl->expires_at = now + valid_days * 86400;
    badge_name(cl->name, st->name);
    cl->role = st->role;
    cl->venue = (uint32_t)st->venue_id;
    (void)lnt_str_copy(cl->sia_number, sizeof cl->sia_number, st->sia_number);
    cl->sia_expires = st->sia_expires;
    if ((rc = add_courses(s, st->id, lnt_london_date(now), cl, err)) != LNT_OK)
        return rc;
    return lnt_badge_issue(cl, &sc->key, text, size, err);
}

enum lnt_err lnt_staff_badge_record(struct lnt_store *s, const struct lnt_badge_claims *cl,
                                    int64_t staff_id, char *err)
{
    struct lnt_badge_record rec;

    memset(&rec, 0, sizeof rec);
    memcpy(rec.serial, cl->serial, LNT_SERIAL_LEN);
    memcpy(rec.kid, cl->kid, LNT_KID_LEN);
    rec.staff_id = staff_id;
    rec.issued_at = cl->issued_at;
    rec.expires_at = cl->expires_at;
    return lnt_store_badge_add(s, &rec, err);
}
