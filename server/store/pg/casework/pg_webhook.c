/* pg_webhook.c - the store on PostgreSQL: the webhook each authority's alerts are posted to, and
 * its signing secret, kept sealed (crypto_secretbox) with a wrapping key that lives in the
 * server's key file (--keys), never in the database: a copied database or a backup holds no
 * usable secret. As sqlite/casework/sq_webhook.c. */
#include "pg_int.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "keyfile.h"
#include "store_notify.h"

/*
 * The key file's newest wrapping key into *out; when the file holds none, one is made and added
 * to it, synced, first (the database only ever sees a secret sealed with a key already on disk).
 * No key file (no --keys, or none at its path) is LNT_ERR_UNKNOWN_KEY: on PostgreSQL the key
 * file is the scheme's, written by `lanternctl init --keys`, never made here. LNT_ERR_FORBIDDEN
 * / LNT_ERR_INVALID / LNT_ERR_IO for a key file that cannot be used.
 */
static enum lnt_err wrap_key(struct lnt_store *s, struct lnt_wrap_key *out, char *err)
{
    struct lnt_keyfile *kf = NULL;
    enum lnt_err rc = lnt_pg_box_keys(s, &kf, err);

    if (rc == LNT_OK && kf->n_wrap > 0) {
        *out = kf->wrap[kf->n_wrap - 1];
    } else if (rc == LNT_OK) {
        randombytes_buf(out->key, sizeof out->key);
        lnt_wrap_kid(out->key, out->kid);
        rc = lnt_keyfile_add_wrap(s->keys_path, out, err);
    }
    if (rc != LNT_OK) {
        lnt_store_wipe(out, sizeof *out);
        rc = lnt_fail_prefix(err, rc, "the key that seals webhook secrets: ");
    }
    lnt_pg_box_keys_free(kf);
    return rc;
}

enum lnt_err lnt_pg_webhook_secrets(struct lnt_store *s, PGconn *pg, struct lnt_delivery *d,
                                    size_t n, char *err)
{
    struct lnt_keyfile *kf = NULL;
    char kf_err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err kf_rc = LNT_OK, rc = LNT_OK;
    struct lnt_pg_params p;
    const uint8_t *sealed;
    PGresult *r;
    size_t len = 0;

    for (size_t i = 0; rc == LNT_OK && i < n; i++) {
        char why[LNT_ERRBUF_SIZE] = "";

        memset(d[i].secret, 0, sizeof d[i].secret);
        d[i].secret_error[0] = '\0';
        if (d[i].channel != LNT_CHANNEL_WEBHOOK || d[i].digest)
            continue;
        lnt_pg_p_init(&p);
        lnt_pg_p_text(&p, d[i].alert.authority);
        lnt_pg_p_text(&p, d[i].target);
        r = NULL;
        rc = lnt_pg_exec(pg,
                         "SELECT sealed FROM alert_webhooks WHERE ended_at = 0 AND authority = $1 "
                         "AND url = $2",
                         &p, &r, err, "reading a webhook");
        /* no row: cleared or replaced since: the zero secret says so */
        if (rc == LNT_OK && PQntuples(r) > 0) {
            if (kf == NULL && kf_rc == LNT_OK)
                kf_rc = lnt_pg_box_keys(s, &kf, kf_err);
            sealed = lnt_pg_null(r, 0, 0) ? NULL : (const uint8_t *)lnt_pg_raw(r, 0, 0, &len);
            if (kf_rc != LNT_OK)
                (void)lnt_str_copy(why, sizeof why, kf_err);
            else
                (void)lnt_store_webhook_unseal(s->keys_path, kf, d[i].alert.authority, sealed,
                                               sealed != NULL ? len : 0, d[i].secret, why);
            if (why[0] != '\0')
                (void)lnt_str_copy(d[i].secret_error, sizeof d[i].secret_error, why);
        }
        PQclear(r);
    }
    lnt_pg_box_keys_free(kf);
    return rc;
}

/* Takes the webhooks' table lock inside the open transaction on pg: setting and clearing run one
 * at a time across servers, as SQLite's single writer runs them (two admins setting one
 * authority's webhook at once would otherwise both insert a current row). */
static enum lnt_err webhooks_lock(PGconn *pg, char *err)
{
    return lnt_pg_exec(pg, "LOCK TABLE alert_webhooks IN SHARE ROW EXCLUSIVE MODE", NULL, NULL, err,
                       "locking the webhooks");
}

/* Ends the current webhook of `authority` at now inside the open transaction; *ended counts it. */
static enum lnt_err webhook_end(PGconn *pg, const char *authority, int64_t now, int64_t *ended,
                                const char *what, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc;

    lnt_pg_p_init(&p);
    lnt_pg_p_text(&p, authority);
    lnt_pg_p_i64(&p, now);
    rc = lnt_pg_exec(pg,
                     "UPDATE alert_webhooks SET ended_at = $2 WHERE authority = $1 AND "
                     "ended_at = 0",
                     &p, &r, err, what);
    *ended = rc == LNT_OK ? lnt_pg_changed(r) : 0;
    PQclear(r);
    return rc;
}

enum lnt_err lnt_store_webhook_set(struct lnt_store *s, const char *actor, const char *authority,
                                   const char *url, int64_t now,
                                   uint8_t secret[LNT_WEBHOOK_SECRET_LEN], char *err)
{
    struct lnt_wrap_key k;
    uint8_t sealed[LNT_WEBHOOK_SEALED_LEN];
    struct lnt_pg_params p;
    PGconn *pg = NULL;
    int64_t ended;
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
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        goto wiped;
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = webhooks_lock(pg, err);
    if (rc == LNT_OK)
        rc = webhook_end(pg, authority, now, &ended, "ending the previous webhook", err);
    if (rc == LNT_OK) {
        lnt_pg_p_init(&p);
        lnt_pg_p_text(&p, authority);
        lnt_pg_p_text(&p, url);
        lnt_pg_p_bytes(&p, sealed, sizeof sealed);
        lnt_pg_p_i64(&p, now);
        /* the secret column keeps 32 zero bytes (schema 16) */
        rc = lnt_pg_exec(pg,
                         "INSERT INTO alert_webhooks (authority, url, secret, sealed, created_at) "
                         "VALUES ($1, $2, decode(repeat('00', 32), 'hex'), $3, $4)",
                         &p, NULL, err, "storing the webhook");
    }
    if (rc == LNT_OK)
        rc = lnt_pg_audit_actor(s, pg, actor, "alert.webhook-set", authority, err, "%s", url);
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
wiped:
    if (rc != LNT_OK)
        lnt_store_wipe(secret, LNT_WEBHOOK_SECRET_LEN);
    return rc;
}

enum lnt_err lnt_store_webhook_clear(struct lnt_store *s, const char *actor, const char *authority,
                                     int64_t now, char *err)
{
    PGconn *pg = NULL;
    int64_t ended = 0;
    enum lnt_err rc = lnt_pg_take(s, &pg, err);

    if (rc != LNT_OK)
        return rc;
    rc = lnt_pg_begin(pg, err);
    if (rc == LNT_OK)
        rc = webhooks_lock(pg, err);
    if (rc == LNT_OK)
        rc = webhook_end(pg, authority, now, &ended, "ending the webhook", err);
    if (rc == LNT_OK && ended == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "authority \"%s\" has no webhook", authority);
    if (rc == LNT_OK)
        rc = lnt_pg_audit_actor(s, pg, actor, "alert.webhook-clear", authority, err, "cleared");
    rc = lnt_pg_end(pg, rc, err);
    lnt_pg_give(s, pg);
    return rc;
}

static void webhook_row(const PGresult *r, int row, void *elem)
{
    struct lnt_webhook *w = elem;

    lnt_pg_text(r, row, 0, w->authority, sizeof w->authority);
    lnt_pg_text(r, row, 1, w->url, sizeof w->url);
    w->created_at = lnt_pg_i64(r, row, 2);
}

enum lnt_err lnt_store_webhook_list(struct lnt_store *s, struct lnt_webhook **out, size_t *n,
                                    char *err)
{
    PGconn *pg = NULL;
    enum lnt_err rc;

    *out = NULL;
    *n = 0;
    rc = lnt_pg_take(s, &pg, err);
    if (rc != LNT_OK)
        return rc;
    /* COLLATE "C": SQLite's byte order, whatever the database's locale */
    rc = lnt_pg_list(pg,
                     "SELECT authority, url, created_at FROM alert_webhooks WHERE ended_at = 0 "
                     "ORDER BY authority COLLATE \"C\"",
                     NULL, sizeof **out, webhook_row, (void **)out, n, err, "listing webhooks");
    lnt_pg_give(s, pg);
    return rc;
}
