/* sq_webhook.c - the store on SQLite: the webhook each authority's alerts are posted to, and
 * its signing secret, kept sealed (crypto_secretbox) with a wrapping key that lives in the key
 * file (keyfile.h), never in the database: a copied database or a backup holds no usable
 * secret. Also the schema 16 step that seals the secrets earlier schemas kept in clear. */
#include "sq_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "keyfile.h"
#include "store_notify.h"

/* ---- sealing ---- */

/*
 * The key file's newest wrapping key into *out. When the file holds none (or there is no key
 * file yet) one is made and added to it, synced, first: the way the scheme's other keys are
 * kept. LNT_ERR_FORBIDDEN / LNT_ERR_INVALID / LNT_ERR_IO for a key file that cannot be used.
 */
static enum lnt_err wrap_key(struct lnt_store *s, struct lnt_wrap_key *out, char *err)
{
    struct lnt_keyfile *kf = malloc(sizeof *kf);
    enum lnt_err rc;

    if (kf == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory reading the key file");
    rc = lnt_keyfile_load(s->keys_path, kf, err);
    if (rc == LNT_OK && kf->n_wrap > 0) {
        *out = kf->wrap[kf->n_wrap - 1];
    } else if (rc == LNT_OK || rc == LNT_ERR_NOT_FOUND) {
        randombytes_buf(out->key, sizeof out->key);
        lnt_wrap_kid(out->key, out->kid);
        rc = lnt_keyfile_add_wrap(s->keys_path, out, err);
    }
    if (rc != LNT_OK) {
        lnt_store_wipe(out, sizeof *out);
        rc = lnt_fail_prefix(err, rc, "the key that seals webhook secrets: ");
    }
    lnt_keyfile_wipe(kf);
    free(kf);
    return rc;
}

enum lnt_err lnt_sq_webhook_secrets(struct lnt_store *s, struct lnt_delivery *d, size_t n,
                                    char *err)
{
    struct lnt_keyfile *kf = NULL;
    char kf_err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err kf_rc = LNT_OK, rc = LNT_OK;
    sqlite3_stmt *st;
    int r;

    for (size_t i = 0; rc == LNT_OK && i < n; i++) {
        char why[LNT_ERRBUF_SIZE] = "";

        memset(d[i].secret, 0, sizeof d[i].secret);
        d[i].secret_error[0] = '\0';
        if (d[i].channel != LNT_CHANNEL_WEBHOOK || d[i].digest)
            continue;
        st = lnt_sq_stmt(&s->w,
                         "SELECT sealed FROM alert_webhooks WHERE ended_at = 0 AND authority = ?1 "
                         "AND url = ?2",
                         err);
        if (st == NULL) {
            rc = LNT_ERR_DB;
            break;
        }
        sqlite3_bind_text(st, 1, d[i].alert.authority, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, d[i].target, -1, SQLITE_STATIC);
        r = sqlite3_step(st);
        if (r == SQLITE_ROW) {
            if (kf == NULL && kf_rc == LNT_OK) {
                kf = malloc(sizeof *kf);
                kf_rc = kf == NULL ? lnt_fail(kf_err, LNT_ERR_NOMEM, "out of memory")
                                   : lnt_keyfile_load(s->keys_path, kf, kf_err);
                if (kf_rc == LNT_ERR_NOT_FOUND)
                    kf_rc = lnt_fail(kf_err, LNT_ERR_UNKNOWN_KEY,
                                     "no key file: the webhook secrets are sealed with a key "
                                     "from the key file %s, which is not there",
                                     s->keys_path);
            }
            if (kf_rc != LNT_OK)
                lnt_str_copy(why, sizeof why, kf_err);
            else
                (void)lnt_store_webhook_unseal(
                    s->keys_path, kf, d[i].alert.authority, sqlite3_column_blob(st, 0),
                    (size_t)sqlite3_column_bytes(st, 0), d[i].secret, why);
            if (why[0] != '\0')
                lnt_str_copy(d[i].secret_error, sizeof d[i].secret_error, why);
        } else if (r != SQLITE_DONE) {
            rc = lnt_sq_fail(s->w.db, err, "reading a webhook");
        }
        /* SQLITE_DONE: cleared or replaced since: the zero secret says so */
        sqlite3_reset(st);
    }
    if (kf != NULL) {
        if (kf_rc == LNT_OK)
            lnt_keyfile_wipe(kf);
        free(kf);
    }
    return rc;
}

/* ---- schema 16: the secrets kept in clear are sealed ---- */

enum lnt_err lnt_sq_webhooks_seal(struct lnt_store *s, char *err)
{
    struct lnt_wrap_key k;
    sqlite3_stmt *q = NULL, *u = NULL;
    uint8_t secret[LNT_WEBHOOK_SECRET_LEN], sealed[LNT_WEBHOOK_SEALED_LEN];
    struct stat st;
    size_t n = 0;
    enum lnt_err rc;
    int r = SQLITE_DONE;

    memset(&k, 0, sizeof k);
    rc = lnt_sq_prepare(s->w.db, "SELECT id, secret FROM alert_webhooks WHERE sealed IS NULL", &q,
                        err);
    if (rc != LNT_OK)
        return rc;
    r = sqlite3_step(q);
    if (r == SQLITE_DONE)
        goto out; /* nothing kept in clear: no key is needed */
    /* the key file is written by whoever runs this: that must be the user who serves the data */
    if (stat(s->path, &st) == 0 && st.st_uid != geteuid()) {
        rc = lnt_fail(err, LNT_ERR_FORBIDDEN,
                      "database %s belongs to uid %lu, not to uid %lu running this: open it "
                      "first as its owner, so that the key file belongs to the user who serves "
                      "the data",
                      s->path, (unsigned long)st.st_uid, (unsigned long)geteuid());
        goto out;
    }
    rc = wrap_key(s, &k, err);
    if (rc == LNT_OK)
        rc = lnt_sq_prepare(s->w.db,
                            "UPDATE alert_webhooks SET sealed = ?2, secret = zeroblob(32) "
                            "WHERE id = ?1",
                            &u, err);
    for (; rc == LNT_OK && r == SQLITE_ROW; r = sqlite3_step(q)) {
        if (!lnt_sq_blob(secret, sizeof secret, q, 1)) {
            rc = lnt_fail(err, LNT_ERR_DB, "the secret of webhook %lld is damaged",
                          (long long)sqlite3_column_int64(q, 0));
            break;
        }
        lnt_store_webhook_seal(&k, secret, sealed);
        sqlite3_bind_int64(u, 1, sqlite3_column_int64(q, 0));
        sqlite3_bind_blob(u, 2, sealed, sizeof sealed, SQLITE_STATIC);
        if (sqlite3_step(u) != SQLITE_DONE)
            rc = lnt_sq_fail(s->w.db, err, "sealing a webhook secret");
        sqlite3_reset(u);
        n++;
    }
    if (rc == LNT_OK && r != SQLITE_DONE)
        rc = lnt_sq_fail(s->w.db, err, "reading the webhook secrets");
    if (rc == LNT_OK)
        rc = lnt_sq_audit(s, "webhook.seal", "", err,
                          "%zu webhook secrets sealed with a wrapping key of the key file %.300s",
                          n, s->keys_path);
out:
    sqlite3_finalize(u);
    sqlite3_finalize(q);
    lnt_store_wipe(secret, sizeof secret);
    lnt_store_wipe(&k, sizeof k);
    if (rc != LNT_OK)
        rc = lnt_fail_prefix(err, rc, "sealing the webhook secrets: ");
    return rc;
}

/* ---- webhooks ---- */

enum lnt_err lnt_store_webhook_set(struct lnt_store *s, const char *actor, const char *authority,
                                   const char *url, int64_t now,
                                   uint8_t secret[LNT_WEBHOOK_SECRET_LEN], char *err)
{
    struct lnt_wrap_key k;
    uint8_t sealed[LNT_WEBHOOK_SEALED_LEN];
    sqlite3_stmt *st;
    enum lnt_err rc;

    memset(secret, 0, LNT_WEBHOOK_SECRET_LEN);
    rc = lnt_store_text_check("authority", authority, LNT_AUTHORITY_MAX, err);
    if (rc == LNT_OK)
        rc = lnt_store_webhook_url_check(url, err);
    if (rc != LNT_OK)
        return rc;
    randombytes_buf(secret, LNT_WEBHOOK_SECRET_LEN);
    /* the key first: the database only ever sees the secret sealed */
    rc = wrap_key(s, &k, err);
    if (rc != LNT_OK)
        goto wiped;
    lnt_store_webhook_seal(&k, secret, sealed);
    lnt_store_wipe(&k, sizeof k);
    rc = lnt_sq_wbegin(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "UPDATE alert_webhooks SET ended_at = ?2 WHERE authority = ?1 AND "
                     "ended_at = 0",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_text(st, 1, authority, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    rc = lnt_sq_done(s->w.db, st, err, "ending the previous webhook");
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO alert_webhooks (authority, url, secret, sealed, created_at) "
                     "VALUES (?1, ?2, zeroblob(32), ?3, ?4)",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_text(st, 1, authority, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, sealed, sizeof sealed, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    rc = lnt_sq_done(s->w.db, st, err, "storing the webhook");
    if (rc == LNT_OK)
        rc = lnt_sq_audit_as(s, actor, "alert.webhook-set", authority, err, "%s", url);
out:
    rc = lnt_sq_wend(s, rc, err);
wiped:
    if (rc != LNT_OK)
        lnt_store_wipe(secret, LNT_WEBHOOK_SECRET_LEN);
    return rc;
}

enum lnt_err lnt_store_webhook_clear(struct lnt_store *s, const char *actor, const char *authority,
                                     int64_t now, char *err)
{
    sqlite3_stmt *st;
    enum lnt_err rc;

    rc = lnt_sq_wbegin(s, err);
    if (rc != LNT_OK)
        goto out;
    st = lnt_sq_stmt(&s->w,
                     "UPDATE alert_webhooks SET ended_at = ?2 WHERE authority = ?1 AND "
                     "ended_at = 0",
                     err);
    if (st == NULL) {
        rc = LNT_ERR_DB;
        goto out;
    }
    sqlite3_bind_text(st, 1, authority, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    rc = lnt_sq_done(s->w.db, st, err, "ending the webhook");
    if (rc == LNT_OK && sqlite3_changes(s->w.db) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "authority \"%s\" has no webhook", authority);
    if (rc == LNT_OK)
        rc = lnt_sq_audit_as(s, actor, "alert.webhook-clear", authority, err, "cleared");
out:
    return lnt_sq_wend(s, rc, err);
}

static void webhook_row(sqlite3_stmt *st, void *elem)
{
    struct lnt_webhook *w = elem;

    lnt_sq_text(w->authority, sizeof w->authority, st, 0);
    lnt_sq_text(w->url, sizeof w->url, st, 1);
    w->created_at = sqlite3_column_int64(st, 2);
}

enum lnt_err lnt_store_webhook_list(struct lnt_store *s, struct lnt_webhook **out, size_t *n,
                                    char *err)
{
    return lnt_sq_rlist(s,
                        "SELECT authority, url, created_at FROM alert_webhooks "
                        "WHERE ended_at = 0 ORDER BY authority",
                        0, sizeof **out, webhook_row, (void **)out, n, err, "listing webhooks");
}
