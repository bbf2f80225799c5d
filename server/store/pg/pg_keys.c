/* pg_keys.c - the store on PostgreSQL: the scheme and its keys. The database holds the public
 * halves; the secret halves stay in the key file (keyfile.h) on the server that names it with
 * --keys, never in the database nor in its backups. */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codec.h"
#include "keyfile.h"
#include "ltime.h"

#define NO_KEY_FILE                                                                                \
    "no key file: a PostgreSQL database keeps none beside it; name the scheme's key file with "    \
    "--keys"

/*
 * Loads the key file into a new wiped-on-free allocation (*out; free with lnt_pg_box_keys_free).
 * No key file named, or none at the path, is LNT_ERR_UNKNOWN_KEY: the secrets are not here.
 */
static enum lnt_err kf_load(struct lnt_store *s, struct lnt_keyfile **out, char *err)
{
    struct lnt_keyfile *kf;
    enum lnt_err rc;

    *out = NULL;
    if (s->keys_path[0] == '\0')
        return lnt_fail(err, LNT_ERR_UNKNOWN_KEY, NO_KEY_FILE);
    kf = malloc(sizeof *kf);
    if (kf == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading the key file");
    rc = lnt_keyfile_load(s->keys_path, kf, err);
    if (rc == LNT_ERR_NOT_FOUND)
        rc = lnt_fail(err, LNT_ERR_UNKNOWN_KEY,
                      "no key file at %s: the scheme's secret keys are not with this server "
                      "(a backup holds none); name the scheme's key file with --keys",
                      s->keys_path);
    if (rc != LNT_OK) {
        free(kf);
        return rc;
    }
    *out = kf;
    return LNT_OK;
}

enum lnt_err lnt_pg_box_keys(struct lnt_store *s, struct lnt_keyfile **out, char *err)
{
    return kf_load(s, out, err);
}

void lnt_pg_box_keys_free(struct lnt_keyfile *kf)
{
    if (kf == NULL)
        return;
    lnt_keyfile_wipe(kf);
    free(kf);
}

enum lnt_err lnt_pg_box_open(const struct lnt_store *s, const struct lnt_keyfile *kf,
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

/* ---- the scheme ---- */

enum lnt_err lnt_pg_scheme_must_be(PGconn *pg, bool initialised, char *err)
{
    PGresult *r = NULL;
    enum lnt_err rc =
        lnt_pg_exec(pg, "SELECT 1 FROM scheme WHERE id = 1", NULL, &r, err, "reading the scheme");
    int found;

    if (rc != LNT_OK)
        return rc;
    found = PQntuples(r) > 0;
    PQclear(r);
    if (!found && initialised)
        return lnt_fail(err, LNT_ERR_NOT_FOUND, "the scheme is not initialised");
    if (found && !initialised)
        return lnt_fail(err, LNT_ERR_EXISTS, "the scheme is already initialised");
    return LNT_OK;
}

/* lnt_pg_scheme_must_be on a connection of its own: before the key file is written. */
static enum lnt_err scheme_must_be(struct lnt_store *s, bool initialised, char *err)
{
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_scheme_must_be(pg, initialised, err);
    lnt_pg_give(s, pg);
    return rc;
}

/* Stores a new signing key's public half, inside the caller's transaction. */
static enum lnt_err signing_key_add(PGconn *pg, const struct lnt_signing_key *key, int64_t now,
                                    char *err)
{
    struct lnt_pg_params p;

    lnt_pg_p_init(&p);
    lnt_pg_p_bytes(&p, key->kid, LNT_KID_LEN);
    lnt_pg_p_bytes(&p, key->pk, LNT_SIGN_PK_LEN);
    lnt_pg_p_i64(&p, now);
    return lnt_pg_exec(pg, "INSERT INTO signing_keys (kid, pk, created_at) VALUES ($1, $2, $3)", &p,
                       NULL, err, "storing the signing key");
}

/* Stores a new sealing key's public half, inside the caller's transaction. */
static enum lnt_err box_key_add(PGconn *pg, const uint8_t pk[LNT_BOX_KEY_LEN], int64_t now,
                                char *err)
{
    struct lnt_pg_params p;

    lnt_pg_p_init(&p);
    lnt_pg_p_bytes(&p, pk, LNT_BOX_KEY_LEN);
    lnt_pg_p_i64(&p, now);
    return lnt_pg_exec(pg, "INSERT INTO box_keys (pk, created_at) VALUES ($1, $2)", &p, NULL, err,
                       "storing the sealing key");
}

enum lnt_err lnt_store_scheme_init(struct lnt_store *s, const char *name, char *err)
{
    struct lnt_signing_key key;
    struct lnt_box_key box;
    struct lnt_pg_params p;
    char kid_hex[LNT_HEX_LEN(LNT_KID_LEN)];
    int64_t now = lnt_time_now();
    PGconn *pg = NULL;
    enum lnt_err rc;

    rc = lnt_store_scheme_name_check(name, err);
    if (rc == LNT_OK && s->keys_path[0] == '\0')
        rc = lnt_fail(err, LNT_ERR_INVALID,
                      "no key file: on PostgreSQL the scheme's secret keys go to a key file this "
                      "server names with --keys");
    if (rc == LNT_OK)
        rc = scheme_must_be(s, false, err);
    if (rc != LNT_OK)
        return rc;
    lnt_badge_keygen(&key);
    lnt_store_box_keygen(box.pk, box.sk);
    lnt_hex_encode(key.kid, LNT_KID_LEN, kid_hex);
    /* the secrets are on disk before the database names their public halves */
    rc = lnt_keyfile_add(s->keys_path, &key, 1, &box, 1, err);
    lnt_store_wipe(&key.sk, sizeof key.sk);
    lnt_store_wipe(&box.sk, sizeof box.sk);
    if (rc == LNT_OK) {
        /* and the key that seals webhook secrets (pg_webhook.c): in the file from the start, a
         * copy of it made now serves every server on the database, whenever webhooks are set */
        struct lnt_wrap_key wrap;

        randombytes_buf(wrap.key, sizeof wrap.key);
        lnt_wrap_kid(wrap.key, wrap.kid);
        rc = lnt_keyfile_add_wrap(s->keys_path, &wrap, err);
        lnt_store_wipe(&wrap, sizeof wrap);
    }
    if (rc != LNT_OK)
        return rc;

    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_scheme_must_be(pg, false, err);
    if (rc == LNT_OK) {
        lnt_pg_p_init(&p);
        lnt_pg_p_text(&p, name);
        lnt_pg_p_i64(&p, now);
        rc = lnt_pg_exec(pg, "INSERT INTO scheme (id, name, created_at) VALUES (1, $1, $2)", &p,
                         NULL, err, "storing the scheme");
    }
    if (rc == LNT_OK)
        rc = signing_key_add(pg, &key, now, err);
    if (rc == LNT_OK)
        rc = box_key_add(pg, box.pk, now, err);
    if (rc == LNT_OK)
        rc = lnt_pg_audit(s, pg, "scheme.init", name, err, "scheme %s, signing key %s", name,
                          kid_hex);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

/* The current key of one kind ("signing", "sealing") from `sql`'s first row: column 0 into a
 * (na bytes) and, when b is not NULL, column 1 into b (nb bytes). */
static enum lnt_err current_key(PGconn *pg, const char *sql, const char *kind, uint8_t *a,
                                size_t na, uint8_t *b, size_t nb, char *err)
{
    PGresult *r = NULL;
    char what[32];
    enum lnt_err rc;

    snprintf(what, sizeof what, "reading the %s key", kind);
    rc = lnt_pg_exec(pg, sql, NULL, &r, err, what);
    if (rc != LNT_OK)
        return rc;
    if (PQntuples(r) == 0 || !lnt_pg_bytes(r, 0, 0, a, na) ||
        (b != NULL && !lnt_pg_bytes(r, 0, 1, b, nb)))
        rc = lnt_fail(err, LNT_ERR_DB, "the scheme has no usable %s key", kind);
    PQclear(r);
    return rc;
}

enum lnt_err lnt_store_scheme_get(struct lnt_store *s, struct lnt_scheme *out, char *err)
{
    PGconn *pg = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;

    memset(out, 0, sizeof *out);
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    /* one snapshot: the name and keys read together */
    rc = lnt_pg_exec(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL, NULL, err,
                     "starting a transaction");
    if (rc == LNT_OK)
        rc = lnt_pg_exec(pg, "SELECT name FROM scheme WHERE id = 1", NULL, &r, err,
                         "reading the scheme");
    if (rc == LNT_OK && PQntuples(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "the scheme is not initialised");
    if (rc == LNT_OK)
        lnt_pg_text(r, 0, 0, out->name, sizeof out->name);
    PQclear(r);
    if (rc == LNT_OK)
        rc = current_key(pg,
                         "SELECT kid, pk FROM signing_keys WHERE retired_at IS NULL "
                         "ORDER BY created_at DESC LIMIT 1",
                         "signing", out->key.kid, LNT_KID_LEN, out->key.pk, LNT_SIGN_PK_LEN, err);
    if (rc == LNT_OK)
        rc = current_key(pg,
                         "SELECT pk FROM box_keys WHERE retired_at IS NULL "
                         "ORDER BY created_at DESC LIMIT 1",
                         "sealing", out->box_pk, sizeof out->box_pk, NULL, 0, err);
    /* read only: rolled back or committed, nothing changes */
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    if (rc != LNT_OK)
        memset(out, 0, sizeof *out);
    return rc;
}

static void trusted_row(const PGresult *r, int row, void *elem)
{
    struct lnt_trusted_key *k = elem;

    (void)lnt_pg_bytes(r, row, 0, k->kid, LNT_KID_LEN);
    (void)lnt_pg_bytes(r, row, 1, k->pk, LNT_SIGN_PK_LEN);
}

enum lnt_err lnt_store_trust_keys(struct lnt_store *s, struct lnt_trusted_key **out, size_t *n,
                                  char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, lnt_time_now() - LNT_BADGE_MAX_VALIDITY);
    /* a retired key stays trusted as long as a badge it signed can still be valid */
    rc = lnt_pg_list(pg,
                     "SELECT kid, pk FROM signing_keys WHERE (retired_at IS NULL OR retired_at > "
                     "$1) AND length(kid) = 4 AND length(pk) = 32 ORDER BY created_at, kid",
                     &p, sizeof **out, trusted_row, (void **)out, n, err, "listing signing keys");
    lnt_pg_give(s, pg);
    return rc;
}

/* ---- signing keys ---- */

static void key_row(const PGresult *r, int row, void *elem)
{
    struct lnt_key_info *k = elem;

    (void)lnt_pg_bytes(r, row, 0, k->kid, LNT_KID_LEN);
    (void)lnt_pg_bytes(r, row, 1, k->pk, LNT_SIGN_PK_LEN);
    k->created_at = lnt_pg_i64(r, row, 2);
    k->retired_at = lnt_pg_i64(r, row, 3);
    k->trusted_until = k->retired_at != 0 ? k->retired_at + LNT_BADGE_MAX_VALIDITY : 0;
}

enum lnt_err lnt_store_key_list(struct lnt_store *s, struct lnt_key_info **out, size_t *n,
                                char *err)
{
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_list(pg,
                     "SELECT kid, pk, created_at, coalesce(retired_at, 0) FROM signing_keys "
                     "ORDER BY created_at, kid",
                     NULL, sizeof **out, key_row, (void **)out, n, err, "listing signing keys");
    lnt_pg_give(s, pg);
    return rc;
}

/* Retires the current key (retire_sql) and stores the new one, sign's or box_pk, in one
 * transaction with an audit row. */
static enum lnt_err rotate(struct lnt_store *s, const char *retire_sql, int64_t now,
                           const struct lnt_signing_key *sign, const uint8_t *box_pk,
                           const char *action, const char *obj, const char *detail, char *err)
{
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = lnt_pg_scheme_must_be(pg, true, err);
    if (rc == LNT_OK) {
        lnt_pg_p_init(&p);
        lnt_pg_p_i64(&p, now);
        rc = lnt_pg_exec(pg, retire_sql, &p, NULL, err,
                         sign != NULL ? "retiring the signing key" : "retiring the sealing key");
    }
    if (rc == LNT_OK)
        rc = sign != NULL ? signing_key_add(pg, sign, now, err) : box_key_add(pg, box_pk, now, err);
    if (rc == LNT_OK)
        rc = lnt_pg_audit(s, pg, action, obj, err, "%s", detail);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

enum lnt_err lnt_store_key_rotate(struct lnt_store *s, int64_t now, struct lnt_key_info *out,
                                  char *err)
{
    struct lnt_signing_key key;
    char kid_hex[LNT_HEX_LEN(LNT_KID_LEN)], obj[24], detail[96];
    enum lnt_err rc;

    rc = scheme_must_be(s, true, err);
    if (rc == LNT_OK && s->keys_path[0] == '\0')
        rc = lnt_fail(err, LNT_ERR_UNKNOWN_KEY, NO_KEY_FILE);
    if (rc != LNT_OK)
        return rc;
    lnt_badge_keygen(&key);
    lnt_hex_encode(key.kid, LNT_KID_LEN, kid_hex);
    snprintf(obj, sizeof obj, "key %s", kid_hex);
    snprintf(detail, sizeof detail,
             "new current signing key; the previous one stays trusted for %d days",
             LNT_BADGE_MAX_VALIDITY / 86400);
    /* the new secret is on disk first: a crash after this leaves an unused key, nothing lost */
    rc = lnt_keyfile_add(s->keys_path, &key, 1, NULL, 0, err);
    lnt_store_wipe(&key.sk, sizeof key.sk);
    if (rc == LNT_OK)
        rc = rotate(s, "UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL", now,
                    &key, NULL, "key.rotate", obj, detail, err);
    if (rc == LNT_OK && out != NULL) {
        memset(out, 0, sizeof *out);
        memcpy(out->kid, key.kid, LNT_KID_LEN);
        memcpy(out->pk, key.pk, LNT_SIGN_PK_LEN);
        out->created_at = now;
    }
    return rc;
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
    lnt_pg_box_keys_free(kf);
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
    lnt_pg_box_keys_free(kf);
    return rc;
}

/* ---- sealing keys ---- */

enum lnt_err lnt_store_box_rotate(struct lnt_store *s, int64_t now, struct lnt_box_info *out,
                                  char *err)
{
    struct lnt_box_key box;
    char hex[LNT_HEX_LEN(8)], obj[32];
    enum lnt_err rc = scheme_must_be(s, true, err);

    if (rc == LNT_OK && s->keys_path[0] == '\0')
        rc = lnt_fail(err, LNT_ERR_UNKNOWN_KEY, NO_KEY_FILE);
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
    rc = rotate(s, "UPDATE box_keys SET retired_at = $1 WHERE retired_at IS NULL", now, NULL,
                box.pk, "key.rotate-sealing", obj,
                "new current sealing key; kiosks take it at their next sync, details sealed to "
                "the previous ones still open",
                err);
    if (rc == LNT_OK && out != NULL) {
        memset(out, 0, sizeof *out);
        memcpy(out->pk, box.pk, sizeof out->pk);
        out->created_at = now;
    }
    return rc;
}

static void box_row(const PGresult *r, int row, void *elem)
{
    struct lnt_box_info *b = elem;

    (void)lnt_pg_bytes(r, row, 0, b->pk, sizeof b->pk);
    b->created_at = lnt_pg_i64(r, row, 1);
    b->retired_at = lnt_pg_i64(r, row, 2);
}

enum lnt_err lnt_store_box_list(struct lnt_store *s, struct lnt_box_info **out, size_t *n,
                                char *err)
{
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    /* SQLite sorts false before true: the retired keys first, the current one last */
    rc = lnt_pg_list(pg,
                     "SELECT pk, created_at, coalesce(retired_at, 0) FROM box_keys "
                     "ORDER BY retired_at IS NULL, created_at, pk",
                     NULL, sizeof **out, box_row, (void **)out, n, err, "listing sealing keys");
    lnt_pg_give(s, pg);
    return rc;
}
