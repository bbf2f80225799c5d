/* store_admin.h - signing keys, retention and purge, backups, schema version. */
#ifndef LNT_STORE_ADMIN_H
#define LNT_STORE_ADMIN_H

#include "store.h"

/* ---- schema ---- */

/* The schema version this program migrates to (PRAGMA user_version). */
#define LNT_STORE_SCHEMA_VERSION 18
/* The schema version of the open database. */
enum lnt_err lnt_store_schema_version(struct lnt_store *s, int *out, char *err);

/* ---- badge signing keys ---- */

struct lnt_key_info {
    uint8_t kid[LNT_KID_LEN];
    uint8_t pk[LNT_SIGN_PK_LEN];
    int64_t created_at;
    int64_t retired_at;    /* 0 = the current key */
    int64_t trusted_until; /* retired_at + LNT_BADGE_MAX_VALIDITY; 0 for the current key */
};
/*
 * Makes a new current signing key at `now` and retires the old one (retired_at
 * = now). The new secret half is added to the key file (and synced) before
 * the database changes. Badges the old key signed stay valid: the old key stays in
 * lnt_store_trust_keys until retired_at + LNT_BADGE_MAX_VALIDITY (397 days).
 * Writes the new key's info to *out when not NULL. LNT_ERR_NOT_FOUND before
 * lnt_store_scheme_init.
 */
enum lnt_err lnt_store_key_rotate(struct lnt_store *s, int64_t now, struct lnt_key_info *out,
                                  char *err);
/* Every signing key (public parts only), oldest first. */
enum lnt_err lnt_store_key_list(struct lnt_store *s, struct lnt_key_info **out, size_t *n,
                                char *err);

/* ---- incident sealing keys ---- */

struct lnt_box_info {
    uint8_t pk[32];
    int64_t created_at;
    int64_t retired_at; /* 0 = the current key, the one kiosks seal to */
};
/*
 * Makes a new current sealing key at `now` and retires the old one. The new
 * secret half is added to the key file (and synced) before the database
 * changes; the old ones stay there, so details sealed to them still open.
 * Kiosks learn the new public key at their next sync. Audited
 * ("key.rotate-sealing"). LNT_ERR_NOT_FOUND before lnt_store_scheme_init.
 */
enum lnt_err lnt_store_box_rotate(struct lnt_store *s, int64_t now, struct lnt_box_info *out,
                                  char *err);
/* Every sealing key (public halves), oldest first, the current one last. */
enum lnt_err lnt_store_box_list(struct lnt_store *s, struct lnt_box_info **out, size_t *n,
                                char *err);

/* ---- retention ---- */

#define LNT_DAY 86400
/*
 * How long each kind of record is kept, in seconds of age; 0 = for ever.
 * Defaults (lnt_retention_defaults):
 *   raw_events        13 months (396 days): a year of trading plus a month to
 *                     settle disputes; derived data and rollups carry on.
 *   door_register     12 months (365 days): SIA licence conditions ask for
 *                     the door-supervisor register to be kept for a year.
 *   incident_details  24 months (730 days): sealed details are set to NULL
 *                     and the report's parts (every save, with its details)
 *                     deleted, by the report's first_recorded_at (and raw
 *                     incident events older than this are deleted).
 *   incidents          6 years (2192 days): the unsealed summary rows, for
 *                     licence reviews and appeals.
 *   stock_ledger      24 months (730 days).
 *   volunteer_shifts  24 months (730 days).
 *   flags             24 months (730 days).
 *   audit_log          6 years (2192 days).
 *   sessions           1 day after expiry: dashboard sessions past their
 *                     limits and failed-login records.
 * Rollups are aggregates without personal data and are never purged.
 */
struct lnt_retention {
    int64_t raw_events;       /* events and event_conflicts, by occurred_at / received_at */
    int64_t door_register;    /* shifts, by on_at */
    int64_t incident_details; /* incidents' sealed details, by first_recorded_at */
    int64_t incidents;        /* incident rows, by occurred_at */
    int64_t stock_ledger;     /* by occurred_at; current levels are kept */
    int64_t volunteer_shifts; /* by start (or end) */
    int64_t flags;            /* by at */
    int64_t audit_log;        /* by at */
    int64_t sessions;         /* sessions past their absolute limit, failed logins, by age */
};
void lnt_retention_defaults(struct lnt_retention *out);

struct lnt_purge_counts {
    int64_t raw_events;
    int64_t conflicts;
    int64_t door_register;
    int64_t incident_details; /* rows whose details were cleared */
    int64_t incident_parts;   /* saves of reports deleted with their details */
    int64_t incidents;
    int64_t stock_ledger;
    int64_t volunteer_shifts;
    int64_t flags;
    int64_t audit_log;
    int64_t sessions;
    int64_t login_failures;
};
/*
 * Deletes (or, for incident details, clears) records older than `policy`
 * allows at `now`, in short transactions of a few thousand rows so ingest
 * is never held up for long, and writes one "retention.purge" audit row with
 * the counts. counts_out (may be NULL) receives what was removed. On error
 * what was already purged stays purged.
 */
enum lnt_err lnt_store_purge(struct lnt_store *s, int64_t now, const struct lnt_retention *policy,
                             struct lnt_purge_counts *counts_out, char *err);

/* ---- backup ---- */

/*
 * Writes a consistent copy of the live database (one snapshot, taken when
 * the copy starts; writers carry on meanwhile) to `dest_path`, which must
 * not exist. progress (may be NULL) is called after each step with pages
 * remaining and total; a non-zero return cancels (LNT_ERR_STATE, the partial
 * file is removed). Audited ("store.backup"). The copy is created 0600 and,
 * like the database, holds no secret key: with it alone no sealed detail
 * opens and no badge can be signed (the key file is backed up apart).
 */
enum lnt_err lnt_store_backup(struct lnt_store *s, const char *dest_path,
                              int (*progress)(void *ctx, int remaining, int total), void *ctx,
                              char *err);

#endif
