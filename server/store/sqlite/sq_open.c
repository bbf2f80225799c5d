/* sq_open.c - opening and closing the store on SQLite: its files, its connections and the
 * background checkpointer. */
#include "sq_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keyfile.h"

/* ---- connections ---- */

static enum lnt_err configure(sqlite3 *db, bool reader, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;
    const unsigned char *mode;

    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 5000);
    rc = lnt_sq_prepare(db, "PRAGMA journal_mode=WAL", &st, err);
    if (rc != LNT_OK)
        return rc;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = lnt_sq_fail(db, err, "setting WAL mode");
        goto out;
    }
    mode = sqlite3_column_text(st, 0);
    if (mode == NULL || strcmp((const char *)mode, "wal") != 0) {
        rc = lnt_fail(err, LNT_ERR_DB, "database refused WAL mode (journal mode is %s)",
                      mode != NULL ? (const char *)mode : "unknown");
        goto out;
    }
    /* an acknowledged event survives a power cut: FULL syncs the WAL at every commit */
    rc = lnt_sq_exec(db,
                     reader ? "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                              "PRAGMA cache_size=-16384; PRAGMA temp_store=MEMORY;"
                            : "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                              "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;",
                     err);
    if (rc == LNT_OK && reader)
        rc = lnt_sq_exec(db, "PRAGMA query_only=ON;", err);
out:
    sqlite3_finalize(st);
    return rc;
}

static enum lnt_err open_conn(const char *path, int flags, sqlite3 **out, char *err)
{
    sqlite3 *db = NULL;

    if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        enum lnt_err rc = lnt_fail(err, LNT_ERR_DB, "opening %s: %s", path,
                                   db != NULL ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return rc;
    }
    *out = db;
    return LNT_OK;
}

/* ---- checkpoints ---- */

/*
 * Copying the WAL back into the database (a checkpoint) costs a few
 * milliseconds every thousand pages written, and two syncs. SQLite's default
 * does all of it in the commit that crosses the mark, so one batch in a dozen
 * or so waited for it while holding the writer. Here a thread of its own does
 * it on its own connection (PASSIVE: it never blocks the writer or readers),
 * woken by the writer's WAL hook, and keeps making passes until it has copied
 * everything or has made CKPT_PASSES of them. Once it has caught up, the
 * writer's next transaction starts the WAL again from its beginning, so under
 * ordinary load the WAL stays a few MB. Under a load that never pauses the
 * thread is woken again after every commit, but may not catch up between
 * two; the WAL then grows until CKPT_FRAMES_INLINE, where the writer copies
 * the little that is left itself (a few ms, once every 16,000 pages), and
 * starts again. Before, the writer did that after every 1,000 pages, and it
 * was most of the latency tail. The commits are durable without any of this
 * (synchronous=FULL syncs the WAL at each).
 */
#define CKPT_FRAMES 1000         /* SQLite's default autocheckpoint mark */
#define CKPT_PASSES 8            /* passes before the thread waits to be woken again */
#define CKPT_FRAMES_INLINE 16000 /* ~64 MB of WAL: the writer stops waiting for the thread */

struct lnt_sq_ckpt {
    sqlite3 *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool wanted, busy, stop;
};

/* After every commit on the write connection, inside it. */
static int wal_hook(void *ctx, sqlite3 *db, const char *name, int frames)
{
    struct lnt_sq_ckpt *c = ctx;

    if (frames >= CKPT_FRAMES_INLINE) {
        (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        return SQLITE_OK;
    }
    if (frames < CKPT_FRAMES)
        return SQLITE_OK;
    pthread_mutex_lock(&c->mu);
    if (!c->busy) {
        c->wanted = true;
        pthread_cond_signal(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
    return SQLITE_OK;
}

static void *ckpt_main(void *arg)
{
    struct lnt_sq_ckpt *c = arg;

    pthread_mutex_lock(&c->mu);
    for (;;) {
        int frames = 0, copied = 0, passes = 0, r;

        while (!c->wanted && !c->stop)
            pthread_cond_wait(&c->cv, &c->mu);
        if (c->stop)
            break;
        c->wanted = false;
        c->busy = true;
        pthread_mutex_unlock(&c->mu);
        /* each pass copies what was committed during the one before: fewer frames each time */
        do
            r = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
        while (r == SQLITE_OK && copied < frames && ++passes < CKPT_PASSES);
        pthread_mutex_lock(&c->mu);
        c->busy = false;
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/*
 * Starts the checkpointer. On any failure the store keeps SQLite's own
 * autocheckpoint in the writer (slower commits now and then, nothing lost),
 * so this returns nothing.
 */
static void ckpt_start(struct lnt_store *s)
{
    struct lnt_sq_ckpt *c = calloc(1, sizeof *c);

    if (c == NULL)
        return;
    if (open_conn(s->path, SQLITE_OPEN_READWRITE, &c->db, NULL) != LNT_OK ||
        configure(c->db, false, NULL) != LNT_OK) {
        sqlite3_close(c->db);
        free(c);
        return;
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    s->ckpt = c;
    if (pthread_create(&c->thread, NULL, ckpt_main, c) != 0) {
        s->ckpt = NULL;
        pthread_cond_destroy(&c->cv);
        pthread_mutex_destroy(&c->mu);
        sqlite3_close(c->db);
        free(c);
        return;
    }
    sqlite3_wal_hook(s->w.db, wal_hook, c);
}

/* Stops the checkpointer and hands checkpoints back to the writer. */
static void ckpt_stop(struct lnt_store *s)
{
    struct lnt_sq_ckpt *c = s->ckpt;

    if (c == NULL)
        return;
    sqlite3_wal_autocheckpoint(s->w.db, CKPT_FRAMES);
    pthread_mutex_lock(&c->mu);
    c->stop = true;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    sqlite3_close(c->db);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    free(c);
    s->ckpt = NULL;
}

/*
 * The database holds personal data: it is created 0600 (whatever the umask),
 * and SQLite gives its -wal and -shm files the database file's mode. Files
 * of ours that an older version left open to others are closed up.
 */
static enum lnt_err private_files(const char *path, char *err)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

    if (fd >= 0) {
        if (fchmod(fd, 0600) != 0) {
            enum lnt_err rc = lnt_fail(err, LNT_ERR_IO, "%s: %s", path, strerror(errno));
            close(fd);
            return rc;
        }
        close(fd);
    }
    /* on any other failure to create it SQLite cannot either, and says why when it tries */
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char p[LNT_SQ_PATH_MAX + 8];
        struct stat st;

        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
            (st.st_mode & 077) != 0 && chmod(p, st.st_mode & 0700) != 0)
            return lnt_fail(err, LNT_ERR_IO, "making %s private: %s", p, strerror(errno));
    }
    return LNT_OK;
}

enum lnt_err lnt_store_open(struct lnt_store **out, const char *path, char *err)
{
    return lnt_store_open_keys(out, path, NULL, err);
}

enum lnt_err lnt_store_open_keys(struct lnt_store **out, const char *path, const char *keys_path,
                                 char *err)
{
    struct lnt_store *s = NULL;
    bool exists = false;
    enum lnt_err rc;

    *out = NULL;
    if (path == NULL || path[0] == '\0' || strlen(path) >= LNT_SQ_PATH_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "database path must be 1-%d bytes",
                        LNT_SQ_PATH_MAX - 1);
    if (keys_path != NULL && (keys_path[0] == '\0' || strlen(keys_path) >= LNT_SQ_PATH_MAX))
        return lnt_fail(err, LNT_ERR_INVALID, "key file path must be 1-%d bytes",
                        LNT_SQ_PATH_MAX - 1);
    if (sqlite3_threadsafe() == 0)
        return lnt_fail(err, LNT_ERR_DB, "this SQLite was built without thread support");
    s = calloc(1, sizeof *s);
    if (s == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory opening the store");
    pthread_mutex_init(&s->wmu, NULL);
    pthread_mutex_init(&s->rmu, NULL);
    pthread_cond_init(&s->rcv, NULL);
    (void)lnt_str_copy(s->actor, sizeof s->actor, "system");
    (void)lnt_str_copy(s->path, sizeof s->path, path);
    if (keys_path != NULL)
        rc = lnt_str_copy(s->keys_path, sizeof s->keys_path, keys_path);
    else
        rc = lnt_keyfile_default(path, s->keys_path, sizeof s->keys_path, err);
    /* refused before anything is opened, as ssh refuses a private key others can read */
    if (rc == LNT_OK)
        rc = lnt_keyfile_check(s->keys_path, &exists, err);
    if (rc == LNT_OK)
        rc = private_files(path, err);
    if (rc != LNT_OK) {
        lnt_store_free(s);
        return rc;
    }

    rc = lnt_sq_batch_new(s, err);
    if (rc == LNT_OK)
        rc = lnt_sq_group_new(s, err);
    if (rc == LNT_OK)
        rc = open_conn(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &s->w.db, err);
    if (rc == LNT_OK)
        rc = configure(s->w.db, false, err);
    if (rc == LNT_OK)
        rc = lnt_sq_migrate(s, err);
    for (size_t i = 0; rc == LNT_OK && i < LNT_SQ_READERS; i++) {
        rc = open_conn(path, SQLITE_OPEN_READWRITE, &s->r[i].db, err);
        if (rc == LNT_OK)
            rc = configure(s->r[i].db, true, err);
    }
    if (rc != LNT_OK) {
        if (err != NULL && strstr(err, path) == NULL)
            rc = lnt_fail_prefix(err, rc, "%s: ", path);
        lnt_store_free(s);
        return rc;
    }
    ckpt_start(s);
    *out = s;
    return LNT_OK;
}

void lnt_store_free(struct lnt_store *s)
{
    if (s == NULL)
        return;
    ckpt_stop(s);
    for (size_t i = 0; i < LNT_SQ_READERS; i++) {
        lnt_sq_cache_clear(&s->r[i]);
        sqlite3_close(s->r[i].db);
    }
    lnt_sq_cache_clear(&s->w);
    sqlite3_close(s->w.db);
    lnt_sq_batch_free(s);
    lnt_sq_group_free(s);
    pthread_cond_destroy(&s->rcv);
    pthread_mutex_destroy(&s->rmu);
    pthread_mutex_destroy(&s->wmu);
    free(s);
}

void lnt_store_set_actor(struct lnt_store *s, const char *actor)
{
    lnt_sq_wlock(s);
    /* a name longer than the column is cut short rather than refused: it is a label */
    (void)lnt_str_copy(s->actor, sizeof s->actor,
                       actor != NULL && actor[0] != '\0' ? actor : "system");
    lnt_sq_wunlock(s);
}
