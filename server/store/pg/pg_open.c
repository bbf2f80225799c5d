/* pg_open.c - opening and closing the store on PostgreSQL, and the small per-store state
 * (actor, ingest counters) every backend keeps. */
#include "pg_int.h"

#include <stdlib.h>
#include <string.h>

#include "keyfile.h"

/* LANTERN_PG_STORERS, when set: how many ingest groups are stored at once (pg_int.h). */
static enum lnt_err storers_from_env(struct lnt_store *s, char *err)
{
    const char *env = getenv("LANTERN_PG_STORERS");
    int64_t n = LNT_PG_STORERS;

    if (env != NULL && env[0] != '\0' && lnt_parse_i64(env, 1, LNT_PG_CONNS - 1, &n) != LNT_OK)
        return lnt_fail(err, LNT_ERR_INVALID, "LANTERN_PG_STORERS must be 1-%d, not \"%.32s\"",
                        LNT_PG_CONNS - 1, env);
    s->storers = (uint32_t)n;
    return LNT_OK;
}

enum lnt_err lnt_store_open(struct lnt_store **out, const char *target, char *err)
{
    return lnt_store_open_keys(out, target, NULL, err);
}

enum lnt_err lnt_store_open_keys(struct lnt_store **out, const char *target, const char *keys_path,
                                 char *err)
{
    struct lnt_store *s = NULL;
    PGconn *pg = NULL;
    bool exists = false;
    enum lnt_err rc = LNT_OK;

    *out = NULL;
    if (target == NULL || strlen(target) >= LNT_PG_TARGET_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "database URI must be 1-%d bytes",
                        LNT_PG_TARGET_MAX - 1);
    if (keys_path != NULL && (keys_path[0] == '\0' || strlen(keys_path) >= LNT_PG_TARGET_MAX))
        return lnt_fail(err, LNT_ERR_INVALID, "key file path must be 1-%d bytes",
                        LNT_PG_TARGET_MAX - 1);
    if (PQisthreadsafe() == 0)
        return lnt_fail(err, LNT_ERR_DB, "this libpq was built without thread support");
    s = calloc(1, sizeof *s);
    if (s == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory opening the store");
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pthread_cond_init(&s->group_cv, NULL);
    s->queue_tail = &s->queue;
    (void)lnt_str_copy(s->actor, sizeof s->actor, "system");
    (void)lnt_str_copy(s->target, sizeof s->target, target);
    /* no default key file beside a database on another machine: the operations that need a
     * secret key say so when none was given (lanternd --keys, lanternctl --keys) */
    rc = storers_from_env(s, err);
    if (rc == LNT_OK && keys_path != NULL) {
        (void)lnt_str_copy(s->keys_path, sizeof s->keys_path, keys_path);
        rc = lnt_keyfile_check(s->keys_path, &exists, err);
    }
    /* the first connection migrates; the rest of the pool connects when first needed */
    if (rc == LNT_OK)
        rc = lnt_pg_take(s, &pg, err);
    if (rc == LNT_OK) {
        rc = lnt_pg_migrate(pg, err);
        lnt_pg_give(s, pg);
    }
    if (rc != LNT_OK) {
        /* libpq's messages name the host; the URI itself may hold a password: not repeated */
        rc = lnt_fail_prefix(err, rc, "PostgreSQL: ");
        lnt_store_free(s);
        return rc;
    }
    *out = s;
    return LNT_OK;
}

void lnt_store_free(struct lnt_store *s)
{
    if (s == NULL)
        return;
    lnt_pg_close_all(s);
    pthread_cond_destroy(&s->cv);
    pthread_cond_destroy(&s->group_cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

const char *lnt_store_keys_path(const struct lnt_store *s)
{
    return s->keys_path;
}

void lnt_store_set_actor(struct lnt_store *s, const char *actor)
{
    pthread_mutex_lock(&s->mu);
    (void)lnt_str_copy(s->actor, sizeof s->actor,
                       actor != NULL && actor[0] != '\0' ? actor : "system");
    pthread_mutex_unlock(&s->mu);
}

void lnt_store_ingest_stats(struct lnt_store *s, struct lnt_ingest_stats *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&s->mu);
    out->batches = s->batches;
    out->commits = s->commits;
    out->retried = s->retried;
    out->waiting = s->waiting;
    out->storers = s->storers;
    pthread_mutex_unlock(&s->mu);
}
