/* sq_keys.c - the store on SQLite: the secret halves of the scheme's keys, kept in the key file
 * (keyfile.h) while the database holds the public halves; sealing key rotation; the schema 4
 * move of the secrets out of the database. */
#include "sq_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "codec.h"
#include "keyfile.h"
#include "ltime.h"

const char *lnt_store_keys_path(const struct lnt_store *s)
{
    return s->keys_path;
}

/*
 * Loads the key file into a new wiped-on-free allocation (*out; free with
 * kf_free). A missing file is LNT_ERR_UNKNOWN_KEY: the secrets are not here.
 */
static enum lnt_err kf_load(struct lnt_store *s, struct lnt_keyfile **out, char *err)
{
    struct lnt_keyfile *kf = malloc(sizeof *kf);
    enum lnt_err rc;

    *out = NULL;
    if (kf == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading the key file");
    rc = lnt_keyfile_load(s->keys_path, kf, err);
    if (rc == LNT_ERR_NOT_FOUND)
        rc = lnt_fail(err, LNT_ERR_UNKNOWN_KEY,
                      "no key file at %s: the scheme's secret keys are not with this database "
                      "(a backup holds none); name the scheme's key file with --keys",
                      s->keys_path);
    if (rc != LNT_OK) {
        free(kf);
        return rc;
    }
    *out = kf;
    return LNT_OK;
}

static void kf_free(struct lnt_keyfile *kf)
{
    if (kf == NULL)
        return;
    lnt_keyfile_wipe(kf);
    free(kf);
}

enum lnt_err lnt_store_signing_key(struct lnt_store *s, struct lnt_signing_key *out, char *err)
{
    struct lnt_keyfile *kf = NULL;
    const struct lnt_signing_key *k;
    struct lnt_scheme sc;
    char kid[LNT_HEX_LEN(LNT_KID_LEN)];
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    if ((rc = lnt_store_scheme_get(s, &sc, err)) != LNT_OK || (rc = kf_load(s, &kf, err)) != LNT_OK)
        return rc;
    k = lnt_keyfile_find_sign(kf, sc.key.kid, sc.key.pk);
    if (k == NULL) {
        lnt_hex_encode(sc.key.kid, LNT_KID_LEN, kid);
        rc = lnt_fail(err, LNT_ERR_UNKNOWN_KEY,
                      "key file %s holds no secret for the current signing key %s: it is not "
                      "this scheme's key file",
                      s->keys_path, kid);
    } else {
        *out = *k;
    }
    kf_free(kf);
    return rc;
}

enum lnt_err lnt_store_keys_check(struct lnt_store *s, char *err)
{
    struct lnt_keyfile *kf = NULL;
    struct lnt_scheme sc;
    char kid[LNT_HEX_LEN(LNT_KID_LEN)];
    enum lnt_err rc;

    if ((rc = lnt_store_scheme_get(s, &sc, err)) != LNT_OK || (rc = kf_load(s, &kf, err)) != LNT_OK)
        return rc;
    lnt_hex_encode(sc.key.kid, LNT_KID_LEN, kid);
    if (lnt_keyfile_find_sign(kf, sc.key.kid, sc.key.pk) == NULL)
        rc = lnt_fail(err, LNT_ERR_UNKNOWN_KEY,
                      "key file %s holds no secret for the current signing key %s: it is not "
                      "this scheme's key file",
                      s->keys_path, kid);
    else if (lnt_keyfile_find_box(kf, sc.box_pk) == NULL)
        rc = lnt_fail(err, LNT_ERR_UNKNOWN_KEY,
                      "key file %s holds no secret for the current sealing key: it is not this "
                      "scheme's key file",
                      s->keys_path);
    kf_free(kf);
    return rc;
}

enum lnt_err lnt_sq_box_keys(struct lnt_store *s, struct lnt_keyfile **out, char *err)
{
    return kf_load(s, out, err);
}

void lnt_sq_box_keys_free(struct lnt_keyfile *kf)
{
    kf_free(kf);
}

enum lnt_err lnt_sq_box_open(const struct lnt_store *s, const struct lnt_keyfile *kf,
                             const uint8_t *box, size_t blen, uint8_t *out, char *err)
{
    /* newest first: most details are sealed to the current key */
    for (size_t i = kf->n_box; i-- > 0;)
        if (crypto_box_seal_open(out, box, blen, kf->box[i].pk, kf->box[i].sk) == 0)
            return LNT_OK;
    return lnt_fail(err, LNT_ERR_CRYPTO,
                    "the details do not open with any of the %zu sealing keys in %s", kf->n_box,
                    s->keys_path);
}

/* ---- sealing key rotation ---- */

enum lnt_err lnt_store_box_rotate(struct lnt_store *s, int64_t now, struct lnt_box_info *out,
                                  char *err)
{
    struct lnt_box_key box;
    char hex[LNT_HEX_LEN(8)], obj[32];
    sqlite3_stmt *st;
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = lnt_sq_scheme_must_be(c, true, err);

    lnt_sq_rend(s, c);
    if (rc != LNT_OK)
        return rc;
    lnt_store_box_keygen(box.pk, box.sk);
    /* the new secret is on disk first: a crash after this leaves an unused key, nothing lost */
    rc = lnt_keyfile_add(s->keys_path, NULL, 0, &box, 1, err);
    lnt_store_wipe(box.sk, sizeof box.sk);
    if (rc != LNT_OK)
        return rc;
    lnt_hex_encode(box.pk, 8, hex);
    snprintf(obj, sizeof obj, "sealing key %s", hex);
    rc = lnt_sq_wbegin(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w, "UPDATE box_keys SET retired_at = ?1 WHERE retired_at IS NULL", err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, now);
    rc = lnt_sq_done(s->w.db, st, err, "retiring the sealing key");
    if (rc != LNT_OK)
        goto out;
    rc = lnt_sq_box_key_add(s, box.pk, now, err);
    if (rc == LNT_OK)
        rc = lnt_sq_audit(s, "key.rotate-sealing", obj, err,
                          "new current sealing key; kiosks take it at their next sync, details "
                          "sealed to the previous ones still open");
    if (rc == LNT_OK && out != NULL) {
        memset(out, 0, sizeof *out);
        memcpy(out->pk, box.pk, sizeof out->pk);
        out->created_at = now;
    }
out:
    return lnt_sq_wend(s, rc, err);
}

static void box_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_box_info *b = elem;

    (void)lnt_sq_blob(b->pk, sizeof b->pk, st, 0);
    b->created_at = sqlite3_column_int64(st, 1);
    b->retired_at = sqlite3_column_int64(st, 2);
}

enum lnt_err lnt_store_box_list(struct lnt_store *s, struct lnt_box_info **out, size_t *n,
                                char *err)
{
    return lnt_sq_rlist(s,
                        "SELECT pk, created_at, coalesce(retired_at, 0) FROM box_keys "
                        "ORDER BY retired_at IS NULL, created_at, pk",
                        0, sizeof **out, box_row, (void **)out, n, err, "listing sealing keys");
}

/* ---- schema 4: the secrets leave the database ---- */

enum lnt_err lnt_sq_keys_move_out(struct lnt_store *s, char *err)
{
    struct lnt_signing_key *sign = NULL;
    struct lnt_box_key box;
    struct stat st;
    sqlite3_stmt *q = NULL;
    size_t n_sign = 0, n_box = 0;
    enum lnt_err rc = LNT_OK;
    int r = SQLITE_DONE;

    memset(&box, 0, sizeof box);
    /* the key file is made by whoever runs this: that must be the user who serves the data */
    if (stat(s->path, &st) == 0 && st.st_uid != geteuid())
        return lnt_fail(err, LNT_ERR_FORBIDDEN,
                        "moving the secret keys to the key file: database %s belongs to uid %lu, "
                        "not to uid %lu running this: open it first as its owner, so that the "
                        "key file belongs to the user who serves the data",
                        s->path, (unsigned long)st.st_uid, (unsigned long)geteuid());
    sign = calloc(LNT_KEYFILE_MAX, sizeof *sign);
    if (sign == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory moving the secret keys");
    rc = lnt_sq_prepare(s->w.db, "SELECT kid, pk, sk FROM signing_keys ORDER BY created_at, kid",
                        &q, err);
    while (rc == LNT_OK && (r = sqlite3_step(q)) == SQLITE_ROW) {
        if (n_sign == LNT_KEYFILE_MAX) {
            rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "more than %d signing keys", LNT_KEYFILE_MAX);
            break;
        }
        if (!lnt_sq_blob(sign[n_sign].kid, LNT_KID_LEN, q, 0) ||
            !lnt_sq_blob(sign[n_sign].pk, LNT_SIGN_PK_LEN, q, 1) ||
            !lnt_sq_blob(sign[n_sign].sk, LNT_SIGN_SK_LEN, q, 2)) {
            rc = lnt_fail(err, LNT_ERR_DB, "a stored signing key is damaged");
            break;
        }
        n_sign++;
    }
    if (rc == LNT_OK && r != SQLITE_DONE)
        rc = lnt_sq_fail(s->w.db, err, "reading the signing keys");
    sqlite3_finalize(q);
    q = NULL;
    if (rc == LNT_OK)
        rc = lnt_sq_prepare(s->w.db, "SELECT pk, sk FROM box_key WHERE id = 1", &q, err);
    if (rc == LNT_OK) {
        r = sqlite3_step(q);
        if (r == SQLITE_ROW) {
            if (!lnt_sq_blob(box.pk, sizeof box.pk, q, 0) ||
                !lnt_sq_blob(box.sk, sizeof box.sk, q, 1))
                rc = lnt_fail(err, LNT_ERR_DB, "the stored sealing key is damaged");
            else
                n_box = 1;
        } else if (r != SQLITE_DONE) {
            rc = lnt_sq_fail(s->w.db, err, "reading the sealing key");
        }
    }
    sqlite3_finalize(q);
    /* written and synced before the migration's SQL drops them: a crash loses nothing */
    if (rc == LNT_OK && n_sign + n_box > 0)
        rc = lnt_keyfile_add(s->keys_path, sign, n_sign, &box, n_box, err);
    if (rc == LNT_OK && n_sign + n_box > 0)
        rc = lnt_sq_audit(s, "key.move", "", err,
                          "%zu signing keys and %zu sealing key moved from the database to the "
                          "key file %.300s",
                          n_sign, n_box, s->keys_path);
    if (rc != LNT_OK)
        rc = lnt_fail_prefix(err, rc, "moving the secret keys to the key file: ");
    lnt_store_wipe(sign, LNT_KEYFILE_MAX * sizeof *sign);
    lnt_store_wipe(&box, sizeof box);
    free(sign);
    return rc;
}
