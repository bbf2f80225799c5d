/* keyfile.h - the scheme's secret keys, kept apart from the database in a file only the service
 * user can read. */
#ifndef LNT_KEYFILE_H
#define LNT_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "badge.h"
#include "err.h"

/*
 * The database holds only public keys. The secret halves (badge signing,
 * Ed25519; incident sealing, X25519) and the keys that seal the secrets the
 * database keeps (wrapping keys, crypto_secretbox: an authority's webhook
 * secret) live in one text file:
 *
 *     # comment lines
 *     lantern-keys 1
 *     sign <kid: 8 hex digits> <secret key: 128 hex digits>
 *     box <public key: 64 hex digits> <secret key: 64 hex digits>
 *     wrap <kid: 8 hex digits> <key: 64 hex digits>
 *
 * Keys are only ever added (rotation keeps the old ones: older sealed details
 * must still open). The file must be a regular file owned by the user running
 * the program and neither readable nor writable by anyone else, in a
 * directory nobody else can write to; it is refused otherwise, as ssh refuses
 * a private key others can read. It is written whole to a temporary file
 * created 0600, synced, and renamed over the old one, so it is never partly
 * written nor readable by others at any moment.
 */

#define LNT_KEYFILE_MAX 128 /* keys of each kind in one file: a rotation a year for a century */
#define LNT_BOX_KEY_LEN 32  /* X25519 public and secret keys */

/* An incident sealing key pair (crypto_box_seal). */
struct lnt_box_key {
    uint8_t pk[LNT_BOX_KEY_LEN];
    uint8_t sk[LNT_BOX_KEY_LEN];
};

/* A wrapping key (crypto_secretbox): seals a secret the database keeps. */
#define LNT_WRAP_KEY_LEN 32
#define LNT_WRAP_KID_LEN 4
struct lnt_wrap_key {
    uint8_t kid[LNT_WRAP_KID_LEN]; /* names the key beside what it sealed: lnt_wrap_kid */
    uint8_t key[LNT_WRAP_KEY_LEN];
};
/* The kid of wrapping key `key`: the first bytes of its BLAKE2b hash. */
void lnt_wrap_kid(const uint8_t key[LNT_WRAP_KEY_LEN], uint8_t kid[LNT_WRAP_KID_LEN]);

/* What a key file holds, in file order (oldest first). Wipe with lnt_keyfile_wipe. */
struct lnt_keyfile {
    size_t n_sign;
    struct lnt_signing_key sign[LNT_KEYFILE_MAX];
    size_t n_box;
    struct lnt_box_key box[LNT_KEYFILE_MAX];
    size_t n_wrap;
    struct lnt_wrap_key wrap[LNT_KEYFILE_MAX];
};

/*
 * The key file used when none is named: "keys/NAME.keys" in the database's
 * directory, NAME being the database's file name without a ".db" ending
 * (var/lantern.db -> var/keys/lantern.keys). LNT_ERR_TOO_LARGE when it does
 * not fit `size`.
 */
enum lnt_err lnt_keyfile_default(const char *db_path, char *out, size_t size, char *err);

/*
 * Whether `path` may be used as a key file: when it exists it must be a
 * regular file owned by the effective user with no group or other permission
 * bits, and its directory must not be writable by group or others (unless
 * sticky, as /tmp is) nor belong to another user (root excepted). *exists tells whether the file is
 * there. LNT_ERR_FORBIDDEN names the file and the command that fixes it;
 * LNT_ERR_IO when it cannot be looked at.
 */
enum lnt_err lnt_keyfile_check(const char *path, bool *exists, char *err);

/*
 * Reads the key file at `path` into *out (after the checks above, made on
 * the open file). LNT_ERR_NOT_FOUND when there is no file; LNT_ERR_FORBIDDEN;
 * LNT_ERR_INVALID naming the line that is wrong (also for a key whose halves
 * do not belong together); LNT_ERR_IO. *out is wiped on error.
 */
enum lnt_err lnt_keyfile_load(const char *path, struct lnt_keyfile *out, char *err);

/*
 * Adds the keys not already in the file at `path`, creating it (and its
 * directory, 0700, when missing) if needed. Holds an exclusive lock on the
 * directory from reading to renaming, so two programs adding at once both
 * land. Returns only once the new file and its directory entry are on disk.
 * A file that cannot be read as a key file is left alone (its error is
 * returned). LNT_ERR_TOO_LARGE past LNT_KEYFILE_MAX keys of a kind.
 * Thread-safety: the lock is per process and file system, callers in one
 * process serialise themselves (the store does).
 */
enum lnt_err lnt_keyfile_add(const char *path, const struct lnt_signing_key *sign, size_t n_sign,
                             const struct lnt_box_key *box, size_t n_box, char *err);

/* As lnt_keyfile_add, for one wrapping key (k->kid must be lnt_wrap_kid of k->key). */
enum lnt_err lnt_keyfile_add_wrap(const char *path, const struct lnt_wrap_key *k, char *err);

/* The signing key with this kid and public key, or NULL. */
const struct lnt_signing_key *lnt_keyfile_find_sign(const struct lnt_keyfile *kf,
                                                    const uint8_t kid[LNT_KID_LEN],
                                                    const uint8_t pk[LNT_SIGN_PK_LEN]);
/* The sealing key with this public key, or NULL. */
const struct lnt_box_key *lnt_keyfile_find_box(const struct lnt_keyfile *kf,
                                               const uint8_t pk[LNT_BOX_KEY_LEN]);

/* The wrapping key with this kid, or NULL. */
const struct lnt_wrap_key *lnt_keyfile_find_wrap(const struct lnt_keyfile *kf,
                                                 const uint8_t kid[LNT_WRAP_KID_LEN]);

/* Overwrites every secret in *kf in a way the compiler keeps. */
void lnt_keyfile_wipe(struct lnt_keyfile *kf);

#endif
