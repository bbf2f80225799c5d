/* store.h - the server's storage interface: registers, events, and (later) rollups. */
#ifndef LNT_STORE_H
#define LNT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badge.h"
#include "bounds.h"
#include "err.h"
#include "event.h"
#include "wire.h"

/*
 * One interface, backends behind it (SQLite now; PostgreSQL later). Every
 * function is safe to call from several threads at once on one store.
 * Lists come back as arrays the caller free()s (NULL when empty). Nothing here prints.
 */
struct lnt_store;

/*
 * True when `target` names a PostgreSQL database: a postgresql:// or postgres:// URI as libpq
 * reads it (several hosts, target_session_attrs and the rest included). lnt_store_open opens
 * those on PostgreSQL and anything else as a SQLite file, the default. docs/scale.md.
 */
bool lnt_store_is_postgresql(const char *target);

/*
 * Opens (creating and migrating as needed) the database at `path`. A
 * database at an older schema version is migrated in place, one version per
 * transaction; one newer than this program knows is refused (LNT_ERR_DB).
 */
enum lnt_err lnt_store_open(struct lnt_store **out, const char *path, char *err);
/*
 * As lnt_store_open, with the scheme's secret keys in the key file
 * `keys_path` (server/store/keyfile.h); NULL = the default beside the database
 * (lnt_keyfile_default: var/lantern.db -> var/keys/lantern.keys). The
 * database itself holds only public keys. A key file that exists but is open
 * to others or belongs to someone else is refused (LNT_ERR_FORBIDDEN, naming
 * the file and the fix); a missing one is not an error here: the operations
 * that need a secret key say so. The database file is created 0600.
 * Migrating a schema 3 database moves its secret keys into the key file
 * (written and synced first) and scrubs them from the database.
 */
enum lnt_err lnt_store_open_keys(struct lnt_store **out, const char *path, const char *keys_path,
                                 char *err);
/* The key file this store uses (for messages); valid while the store is open. */
const char *lnt_store_keys_path(const struct lnt_store *s);
/* NULL is a no-op. */
void lnt_store_free(struct lnt_store *s);
/*
 * Names who makes the administrative changes that follow, for the audit log
 * ("lanternctl (uid 1000)"); "system" until set. Copied, cut at 63 bytes.
 */
void lnt_store_set_actor(struct lnt_store *s, const char *actor);

/* ---- scheme: its name, signing keys (badges), sealing key (incident details) ---- */
struct lnt_scheme {
    char name[LNT_SCHEME_NAME_MAX + 1];
    struct lnt_signing_key key; /* the current badge signing key; sk only from
                                   lnt_store_signing_key, all zero otherwise */
    uint8_t box_pk[32];         /* the current sealing key: kiosks seal incident details to it */
};
/*
 * Creates the scheme and its first keys: the secret halves are added to the
 * key file (and synced) before the public halves are stored.
 * LNT_ERR_EXISTS if already initialised.
 */
enum lnt_err lnt_store_scheme_init(struct lnt_store *s, const char *name, char *err);
/* The scheme's name and current public keys. LNT_ERR_NOT_FOUND before init. */
enum lnt_err lnt_store_scheme_get(struct lnt_store *s, struct lnt_scheme *out, char *err);
/*
 * The current signing key with its secret half, from the key file, for
 * signing badges. LNT_ERR_NOT_FOUND before init; LNT_ERR_UNKNOWN_KEY when the
 * key file is missing or does not hold that key (a copy of the database
 * without its key file); LNT_ERR_FORBIDDEN / LNT_ERR_INVALID for a key file
 * that is open to others or damaged. The message names the key file.
 */
enum lnt_err lnt_store_signing_key(struct lnt_store *s, struct lnt_signing_key *out, char *err);
/*
 * LNT_OK when the key file holds the secret halves of the current signing
 * and sealing keys (what lanternd needs to serve); the errors as for
 * lnt_store_signing_key. LNT_ERR_NOT_FOUND before init.
 */
enum lnt_err lnt_store_keys_check(struct lnt_store *s, char *err);
/* Every public key whose badges may still be valid (the kiosks' trust list). */
enum lnt_err lnt_store_trust_keys(struct lnt_store *s, struct lnt_trusted_key **out, size_t *n,
                                  char *err);

/* ---- venues ---- */
enum lnt_venue_category {
    LNT_VENUE_PUB = 1,
    LNT_VENUE_BAR = 2,
    LNT_VENUE_NIGHTCLUB = 3,
    LNT_VENUE_HUB = 4
};
const char *lnt_venue_category_name(enum lnt_venue_category c);
enum lnt_err lnt_venue_category_parse(const char *s, enum lnt_venue_category *out);

#define LNT_AUTHORITY_MAX 80 /* bytes of a licensing authority's name */
#define LNT_TRADING_MAX 127  /* bytes of a trading pattern (common/night.h) */
#define LNT_CUP_COVER_THRESHOLD_DEFAULT 100

struct lnt_venue {
    int64_t id;
    char name[LNT_VENUE_NAME_MAX + 1];
    enum lnt_venue_category category;
    int32_t capacity;
    char area[LNT_AREA_MAX + 1];
    int64_t created_at;
    /* since schema 2 */
    char authority[LNT_AUTHORITY_MAX + 1]; /* licensing authority, "" = none recorded */
    char trading[LNT_TRADING_MAX + 1];     /* canonical pattern; "" on add = category default */
    int32_t cup_cover_threshold;           /* 0 on add = LNT_CUP_COVER_THRESHOLD_DEFAULT */
    int64_t closed_at;                     /* 0 = trading */
    /* since schema 9 */
    int32_t joined_on; /* days: the first night the scheme counts it from; 0 = not set */
    /* Read only: the first night of its evidence window: joined_on when set, else the night
     * of its first kiosk's enrolment (or of its first contact, if earlier); 0 = none yet. */
    int32_t evidence_from;
};
/*
 * Fills v->id and v->created_at. An empty v->trading becomes
 * lnt_trading_default(category), and a given one is checked with
 * lnt_trading_parse and stored (and written back into v->trading) in its
 * canonical form; cup_cover_threshold 0 becomes the default. LNT_ERR_INVALID
 * names the bad field. v->closed_at is ignored (a venue is added open).
 */
enum lnt_err lnt_store_venue_add(struct lnt_store *s, struct lnt_venue *v, char *err);
enum lnt_err lnt_store_venue_get(struct lnt_store *s, int64_t id, struct lnt_venue *out, char *err);
enum lnt_err lnt_store_venue_list(struct lnt_store *s, struct lnt_venue **out, size_t *n,
                                  char *err);

/* ---- staff and training ---- */
struct lnt_staff {
    int64_t id;
    int64_t venue_id;
    char name[LNT_STAFF_NAME_MAX + 1];
    enum lnt_role role;
    char sia_number[LNT_SIA_NUMBER_LEN + 1]; /* "" when none */
    int32_t sia_expires;                     /* days since epoch, 0 when none */
    int64_t left_at;                         /* since schema 2: 0 = still working in the scheme */
};
/* LNT_ERR_NOT_FOUND when the venue does not exist. Fills s->id. */
enum lnt_err lnt_store_staff_add(struct lnt_store *s, struct lnt_staff *st, char *err);
enum lnt_err lnt_store_staff_get(struct lnt_store *s, int64_t id, struct lnt_staff *out, char *err);
/* venue_id 0 = all venues; leavers included (see lnt_store_staff_list_by). */
enum lnt_err lnt_store_staff_list(struct lnt_store *s, int64_t venue_id, struct lnt_staff **out,
                                  size_t *n, char *err);

struct lnt_training {
    int64_t staff_id;
    enum lnt_course course;
    int32_t completed; /* days since epoch */
    int32_t expires;   /* days since epoch, 0 = does not expire */
};
enum lnt_err lnt_store_training_add(struct lnt_store *s, const struct lnt_training *t, char *err);
/* The latest record per course for one staff member. */
enum lnt_err lnt_store_training_list(struct lnt_store *s, int64_t staff_id,
                                     struct lnt_training **out, size_t *n, char *err);

/* ---- badges ---- */
struct lnt_badge_record {
    uint8_t serial[LNT_SERIAL_LEN];
    int64_t staff_id;
    uint8_t kid[LNT_KID_LEN];
    int64_t issued_at;
    int64_t expires_at;
    int64_t revoked_at; /* 0 = not revoked */
    /* since schema 2; ignored by lnt_store_badge_add */
    int64_t revoke_version; /* revocation counter value when revoked, 0 = not revoked */
    char revoke_reason[81]; /* "reissued", or the reason given to lnt_store_badge_revoke */
};
/*
 * Records a badge. Unless b->revoked_at is set, the staff member's earlier
 * badges that are neither revoked nor expired at b->issued_at are revoked
 * (revoked_at = b->issued_at) in the same transaction: reissuing replaces.
 * LNT_ERR_NOT_FOUND for an unknown staff member, LNT_ERR_EXISTS for a known serial.
 */
enum lnt_err lnt_store_badge_add(struct lnt_store *s, const struct lnt_badge_record *b, char *err);
/* Serials of revoked badges that have not yet expired. */
enum lnt_err lnt_store_badge_revoked(struct lnt_store *s, uint8_t (**out)[LNT_SERIAL_LEN],
                                     size_t *n, char *err);

/* ---- kiosks ---- */
#define LNT_ENROLL_CODE_LEN 14 /* "ABCD-EFGH-JKMN": no 0/O, 1/I/L */
struct lnt_kiosk {
    int64_t id;
    int64_t venue_id;
    uint8_t pk[LNT_SIGN_PK_LEN];
    int64_t enrolled_at;
    int64_t last_seen; /* 0 = never */
    int64_t last_seq;  /* highest seq stored, 0 = none */
    bool revoked;
    /* health, since schema 2 */
    int64_t backlog;    /* events waiting in the kiosk's outbox, as it last reported; -1 = never */
    int64_t backlog_at; /* when it reported that, 0 = never */
    int64_t seq_gaps;   /* accepted events whose seq jumped past last_seq + 1 */
    int64_t seq_backwards;   /* accepted events whose seq was below last_seq */
    int64_t last_anomaly_at; /* server time of the latest gap or backwards seq, 0 = none */
    int64_t revoked_at;      /* 0 = not revoked (or revoked before schema 2) */
};
/* Makes a one-time code (stored hashed) for `venue_id`, valid until `expires_at`. */
enum lnt_err lnt_store_enroll_code_add(struct lnt_store *s, int64_t venue_id, int64_t expires_at,
                                       char out_code[LNT_ENROLL_CODE_LEN + 1], char *err);
/*
 * Consumes `code` and creates a kiosk with public key `pk`, atomically.
 * LNT_ERR_NOT_FOUND for an unknown or used code, LNT_ERR_EXPIRED for an
 * expired one, LNT_ERR_INVALID for text that cannot be a code, LNT_ERR_EXISTS
 * for a public key already enrolled. Codes compare case-insensitively, dashes optional.
 */
enum lnt_err lnt_store_enroll_redeem(struct lnt_store *s, const char *code,
                                     const uint8_t pk[LNT_SIGN_PK_LEN], int64_t now,
                                     struct lnt_kiosk *out, char *err);
enum lnt_err lnt_store_kiosk_get(struct lnt_store *s, int64_t id, struct lnt_kiosk *out, char *err);

/* ---- events ---- */
/*
 * Stores a batch from `kiosk_id` in one transaction: each event is stored
 * once on (kiosk_id, seq) and once on its uuid; the same key with the same
 * canonical content is a duplicate (for a uuid under another seq of the same
 * kiosk: the same content apart from seq); with different content, or a uuid
 * stored from another kiosk, a conflict, recorded in the conflicts table and
 * not merged. A save of an incident report that belongs to another venue
 * (store_events.h) is LNT_INGEST_REJECTED with not_owner set: not stored,
 * audited, the rest of the batch goes on. results[i] describes ev[i]
 * (badge_flag set for an accepted sign_in the store flagged, see
 * store_events.h). Updates the kiosk's last_seen (to `now`) and last_seq. On
 * any error nothing is stored.
 * LNT_ERR_NOT_FOUND for an unknown kiosk, LNT_ERR_FORBIDDEN for a revoked
 * one, LNT_ERR_TOO_LARGE for more than LNT_BATCH_MAX events, LNT_ERR_INVALID
 * for a seq below 1 or an event the wire codec cannot encode.
 */
enum lnt_err lnt_store_events_insert(struct lnt_store *s, int64_t kiosk_id, int64_t now,
                                     const struct lnt_event *ev, size_t n,
                                     struct lnt_ingest_result *results, char *err);

/*
 * Batches arriving while another is being stored wait, and are then stored
 * together in one transaction (one commit, one sync of the log), each still
 * all-or-nothing. What that grouping has done since the store was opened:
 */
struct lnt_ingest_stats {
    uint64_t batches; /* batches through lnt_store_events_insert, stored or refused */
    uint64_t commits; /* transactions they took */
    uint64_t retried; /* groups that failed part-way and were stored again batch by batch */
    uint32_t waiting; /* batches queued or being stored right now */
    uint32_t storers; /* groups stored at once at most: 1 on SQLite (one writer); on PostgreSQL
                         each on a connection of its own (LANTERN_PG_STORERS) */
};
void lnt_store_ingest_stats(struct lnt_store *s, struct lnt_ingest_stats *out);

struct lnt_stored_event {
    int64_t id; /* server-side row id, increasing */
    int64_t kiosk_id;
    int64_t venue_id;
    int64_t received_at;
    struct lnt_event ev;
};
/* Calls `fn` for each stored event of `venue_id` (0 = all) with occurred_at >= since, oldest first.
 * A non-zero return from `fn` stops the walk (and is not an error). */
enum lnt_err lnt_store_events_each(struct lnt_store *s, int64_t venue_id, int64_t since,
                                   int (*fn)(void *ctx, const struct lnt_stored_event *e),
                                   void *ctx, char *err);

/* The rest of the interface, by domain (each of these includes this file). */
#include "store_registers.h"
#include "store_events.h"
#include "store_auth.h"
#include "store_admin.h"

#endif
