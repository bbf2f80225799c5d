/* staff_badge.h - issuing a staff member's badge: what it carries, signed, then recorded. */
#ifndef LNT_STAFF_BADGE_H
#define LNT_STAFF_BADGE_H

#include <stddef.h>
#include <stdint.h>

#include "badge.h"
#include "err.h"
#include "store.h"

/* How long a badge is valid unless the issuer says otherwise, and at most (whole days). */
#define LNT_STAFF_BADGE_DEFAULT_DAYS 365
#define LNT_STAFF_BADGE_MAX_DAYS (LNT_BADGE_MAX_VALIDITY / 86400)

/*
 * Fills `cl` for staff member `st` and signs it with sc->key (its secret half
 * from lnt_store_signing_key) into `text` (`size` bytes, LNT_BADGE_MAX_TEXT + 1
 * is always enough). The badge carries the staff record (the display name cut
 * to LNT_BADGE_NAME_MAX bytes at a UTF-8 boundary), a fresh random serial, and
 * the training that is in date on the London date of `now`: a course that
 * lapsed before that day is not carried, since the kiosk judges what the badge
 * says. Valid from `now` for `valid_days` (1 to LNT_STAFF_BADGE_MAX_DAYS).
 * Nothing is recorded: call lnt_staff_badge_record once the badge is printable.
 * LNT_ERR_INVALID (bad valid_days, a venue id a badge cannot hold), or the
 * store's and lnt_badge_issue's errors; `err` says which. Thread-safe as the store is.
 */
enum lnt_err lnt_staff_badge_sign(struct lnt_store *s, const struct lnt_scheme *sc,
                                  const struct lnt_staff *st, int64_t now, int64_t valid_days,
                                  struct lnt_badge_claims *cl, char *text, size_t size, char *err);
/*
 * Records the badge signed into `cl` for staff member `staff_id`, which also
 * revokes their earlier badges (lnt_store_badge_add). The errors of lnt_store_badge_add.
 */
enum lnt_err lnt_staff_badge_record(struct lnt_store *s, const struct lnt_badge_claims *cl,
                                    int64_t staff_id, char *err);

#endif
