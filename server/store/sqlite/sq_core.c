/* sq_core.c - the store on SQLite: connections, migrations, transactions, the statement cache. */
#include "sq_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keyfile.h"
#include "ltime.h"

/* The migrations, embedded at build time from assets/sql/sqlite (see cmake/Embed.cmake). */
extern const unsigned char lnt_sql_sqlite_001_init[];
extern const unsigned char lnt_sql_sqlite_002_registers_derived[];
extern const unsigned char lnt_sql_sqlite_003_ingest_speed[];
extern const unsigned char lnt_sql_sqlite_004_integrity[];

struct migration {
    int version;
    const char *name;
    const unsigned char *sql;
    /* run after the SQL (after every pending migration's SQL when one has a post step), in
     * the same transaction; may be NULL */
    enum lnt_err (*post)(struct lnt_store *s, char *err);
    /* run before the SQL, in the same transaction; may be NULL */
    enum lnt_err (*pre)(struct lnt_store *s, char *err);
    /*
     * The migration removes secrets: it runs with PRAGMA secure_delete on (freed
     * pages and cells are zeroed) and is followed by a truncating checkpoint, so
     * the old bytes are left neither in the database file nor in its WAL.
     */
    bool scrub;
};

/* In order; each is applied in its own transaction and sets user_version to its number. */
static const struct migration migrations[] = {
    {1, "001_init.sql", lnt_sql_sqlite_001_init, NULL, NULL, false},
    {2, "002_registers_derived.sql", lnt_sql_sqlite_002_registers_derived, lnt_sq_replay_events,
     NULL, false},
    {3, "003_ingest_speed.sql", lnt_sql_sqlite_003_ingest_speed, NULL, NULL, false},
    {4, "004_integrity.sql", lnt_sql_sqlite_004_integrity, NULL, lnt_sq_keys_move_out, true},
};
#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])
_Static_assert(LNT_STORE_SCHEMA_VERSION == 4, "store_admin.h names the newest migration");

/* ---- errors and statements ---- */

enum lnt_err lnt_sq_fail(sqlite3 *db, char *err, const char *what)
{
    int rc = sqlite3_extended_errcode(db);
    enum lnt_err code = (rc & 0xff) == SQLITE_BUSY ? LNT_ERR_TIMEOUT : LNT_ERR_DB;
    return lnt_fail(err, code, "%s: %s", what, sqlite3_errmsg(db));
}

enum lnt_err lnt_sq_exec(sqlite3 *db, const char *sql, char *err)
{
    char *msg = NULL;
    enum lnt_err rc = LNT_OK;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        rc = lnt_fail(err, LNT_ERR_DB, "%s", msg != NULL ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
    }
    return rc;
}

enum lnt_err lnt_sq_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out, char *err)
{
    if (sqlite3_prepare_v2(db, sql, -1, out, NULL) != SQLITE_OK) {
        *out = NULL;
        return lnt_sq_fail(db, err, "preparing a statement");
    }
    return LNT_OK;
}

sqlite3_stmt *lnt_sq_stmt(struct lnt_sq_conn *c, const char *sql, char *err)
{
    size_t h = ((uintptr_t)sql >> 3) % LNT_SQ_CACHE_SLOTS;

    for (size_t i = 0; i < LNT_SQ_CACHE_SLOTS; i++) {
        struct lnt_sq_cache_slot *slot = &c->cache[(h + i) % LNT_SQ_CACHE_SLOTS];
        if (slot->sql == sql) {
            sqlite3_reset(slot->st);
            sqlite3_clear_bindings(slot->st);
            return slot->st;
        }
        if (slot->sql == NULL) {
            if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->st, NULL) !=
                SQLITE_OK) {
                slot->st = NULL;
                (void)lnt_sq_fail(c->db, err, "preparing a statement");
                return NULL;
            }
            slot->sql = sql;
            return slot->st;
        }
    }
    /* a full cache is a bug: there are fewer statements in the program than slots */
    (void)lnt_fail(err, LNT_ERR_INTERNAL, "statement cache full");
    return NULL;
}

static void cache_clear(struct lnt_sq_conn *c)
{
    for (size_t i = 0; i < LNT_SQ_CACHE_SLOTS; i++) {
        sqlite3_finalize(c->cache[i].st);
        c->cache[i].st = NULL;
        c->cache[i].sql = NULL;
    }
}

enum lnt_err lnt_sq_done(sqlite3 *db, sqlite3_stmt *st, char *err, const char *what)
{
    int rc = sqlite3_step(st);
    enum lnt_err e = LNT_OK;

    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        e = lnt_sq_fail(db, err, what);
    sqlite3_reset(st);
    return e;
}

enum lnt_err lnt_sq_list(sqlite3 *db, sqlite3_stmt *st, size_t elem, lnt_sq_row_fn fn, void **out,
                         size_t *n, char *err, const char *what)
{
    void *arr = NULL;
    size_t cap = 0, cnt = 0;
    enum lnt_err rc = LNT_OK;
    int r;

    *out = NULL;
    *n = 0;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        rc = lnt_sq_grow(&arr, &cap, cnt, elem, err);
        if (rc != LNT_OK)
            break;
        memset((char *)arr + cnt * elem, 0, elem);
        fn(st, (char *)arr + cnt * elem);
        cnt++;
    }
    if (rc == LNT_OK && r != SQLITE_DONE)
        rc = lnt_sq_fail(db, err, what);
    sqlite3_reset(st);
    if (rc != LNT_OK) {
        free(arr);
        return rc;
    }
    *out = arr;
    *n = cnt;
    return LNT_OK;
}

void lnt_sq_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    (void)lnt_str_copy(dst, size, t != NULL ? (const char *)t : "");
}

bool lnt_sq_blob(uint8_t *dst, size_t n, sqlite3_stmt *st, int col)
{
    const void *p = sqlite3_column_blob(st, col);
    if (p == NULL || (size_t)sqlite3_column_bytes(st, col) != n)
        return false;
    memcpy(dst, p, n);
    return true;
}

enum lnt_err lnt_sq_grow(void **arr, size_t *cap, size_t n, size_t elem, char *err)
{
    void *p;
    size_t ncap;

    if (n < *cap)
        return LNT_OK;
    if (n >= LNT_SQ_LIST_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "more than %d rows in one list", LNT_SQ_LIST_MAX);
    ncap = *cap ? *cap * 2 : 16;
    p = realloc(*arr, ncap * elem);
    if (p == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory listing rows");
    *arr = p;
    *cap = ncap;
    return LNT_OK;
}

int lnt_sq_exists(struct lnt_sq_conn *c, const char *sql, int64_t id, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(c, sql, err);
    int rc;

    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        (void)lnt_sq_fail(c->db, err, "looking up a row");
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

enum lnt_err lnt_sq_limit(size_t limit, char *err)
{
    if (limit < 1 || limit > LNT_VIEW_MAX)
        return lnt_fail(err, LNT_ERR_INVALID, "page size must be 1-%d rows, got %zu", LNT_VIEW_MAX,
                        limit);
    return LNT_OK;
}

/* ---- locking and transactions ---- */

void lnt_sq_wlock(struct lnt_store *s)
{
    pthread_mutex_lock(&s->wmu);
}

void lnt_sq_wunlock(struct lnt_store *s)
{
    pthread_mutex_unlock(&s->wmu);
}

struct lnt_sq_conn *lnt_sq_rbegin(struct lnt_store *s)
{
    struct lnt_sq_conn *c = NULL;

    pthread_mutex_lock(&s->rmu);
    for (;;) {
        for (size_t i = 0; i < LNT_SQ_READERS; i++) {
            if (!s->r_busy[i]) {
                s->r_busy[i] = true;
                c = &s->r[i];
                break;
            }
        }
        if (c != NULL)
            break;
        pthread_cond_wait(&s->rcv, &s->rmu);
    }
    pthread_mutex_unlock(&s->rmu);
    return c;
}

void lnt_sq_rend(struct lnt_store *s, struct lnt_sq_conn *c)
{
    sqlite3_stmt *st = NULL;

    /* a statement left mid-walk would pin an old snapshot */
    while ((st = sqlite3_next_stmt(c->db, st)) != NULL)
        if (sqlite3_stmt_busy(st))
            sqlite3_reset(st);
    if (!sqlite3_get_autocommit(c->db))
        (void)lnt_sq_exec(c->db, "COMMIT", NULL);
    pthread_mutex_lock(&s->rmu);
    s->r_busy[c - s->r] = false;
    pthread_cond_signal(&s->rcv);
    pthread_mutex_unlock(&s->rmu);
}

enum lnt_err lnt_sq_begin(struct lnt_store *s, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(&s->w, "BEGIN IMMEDIATE", err);
    return st != NULL ? lnt_sq_done(s->w.db, st, err, "starting a transaction") : LNT_ERR_DB;
}

enum lnt_err lnt_sq_commit(struct lnt_store *s, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(&s->w, "COMMIT", err);
    return st != NULL ? lnt_sq_done(s->w.db, st, err, "committing") : LNT_ERR_DB;
}

void lnt_sq_rollback(struct lnt_store *s)
{
    if (!sqlite3_get_autocommit(s->w.db))
        (void)lnt_sq_exec(s->w.db, "ROLLBACK", NULL);
}

enum lnt_err lnt_sq_audit_as(struct lnt_store *s, const char *actor, const char *action,
                             const char *object, char *err, const char *fmt, ...)
{
    char detail[512];
    sqlite3_stmt *st;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    st = lnt_sq_stmt(&s->w,
                     "INSERT INTO audit_log (at, actor, action, object, detail) "
                     "VALUES (?1, substr(?2, 1, 63), substr(?3, 1, 32), substr(?4, 1, 64), ?5)",
                     err);
    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_int64(st, 1, lnt_time_now());
    sqlite3_bind_text(st, 2, actor != NULL ? actor : s->actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, object != NULL ? object : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, detail, -1, SQLITE_STATIC);
    return lnt_sq_done(s->w.db, st, err, "writing the audit log");
}

enum lnt_err lnt_sq_counter_next(struct lnt_store *s, const char *name, int64_t *out, char *err)
{
    sqlite3_stmt *st = lnt_sq_stmt(&s->w,
                                   "INSERT INTO counters (name, value) VALUES (?1, 1) "
                                   "ON CONFLICT (name) DO UPDATE SET value = value + 1 "
                                   "RETURNING value",
                                   err);
    enum lnt_err rc = LNT_OK;

    if (st == NULL)
        return LNT_ERR_DB;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        rc = lnt_sq_fail(s->w.db, err, "advancing a counter");
    sqlite3_reset(st);
    return rc;
}

/* ---- opening, configuring, migrating ---- */

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

static enum lnt_err user_version(sqlite3 *db, int *out, char *err)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc = lnt_sq_prepare(db, "PRAGMA user_version", &st, err);

    if (rc != LNT_OK)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    else
        rc = lnt_sq_fail(db, err, "reading the schema version");
    sqlite3_finalize(st);
    return rc;
}

static enum lnt_err refuse_newer(const char *path, int v, char *err)
{
    return lnt_fail(err, LNT_ERR_DB,
                    "database %s has schema version %d, newer than this program knows (%d): "
                    "use a newer Lantern",
                    path, v, migrations[N_MIGRATIONS - 1].version);
}

/* PRAGMA secure_delete's current value (0, 1 or 2 for FAST), -1 when it cannot be read. */
static int secure_delete_get(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int v = -1;

    if (lnt_sq_prepare(db, "PRAGMA secure_delete", &st, NULL) == LNT_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/*
 * After a migration that removed secrets: copies the zeroed pages into the
 * database file and truncates the WAL, which may still hold frames with the
 * old bytes. Another connection reading at the same moment can keep part of
 * the WAL alive; the next full checkpoint then finishes the job.
 */
static void scrub_wal(sqlite3 *db)
{
    (void)lnt_sq_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
}

/*
 * Applies every migration newer than the database, each in its own transaction.
 * A post step (the replay that derives data from stored events) runs the
 * program's derivation code, which writes the newest schema: when one is
 * pending, every pending migration shares one transaction and the post steps
 * run after the last of them. The migrations' pre steps run before their SQL.
 */
static enum lnt_err migrate(struct lnt_store *s, char *err)
{
    sqlite3 *db = s->w.db;
    enum lnt_err rc;
    int v = 0, secure = -1;
    bool together = false;
    char sql[64];

    rc = user_version(db, &v, err);
    if (rc != LNT_OK)
        return rc;
    if (v > migrations[N_MIGRATIONS - 1].version)
        return refuse_newer(s->path, v, err);
    for (size_t i = 0; i < N_MIGRATIONS; i++)
        together = together || (migrations[i].version > v && migrations[i].post != NULL);
    for (size_t i = 0; i < N_MIGRATIONS;) {
        /* migrations i..j share one transaction */
        size_t j = together ? N_MIGRATIONS - 1 : i;
        const struct migration *m = &migrations[i];
        bool scrub = false;

        if (m->version <= v) {
            i++;
            continue;
        }
        for (size_t k = i; k <= j; k++)
            scrub = scrub || migrations[k].scrub;
        if (scrub) {
            secure = secure_delete_get(db);
            rc = lnt_sq_exec(db, "PRAGMA secure_delete = ON", err);
            if (rc != LNT_OK)
                return lnt_fail_prefix(err, rc, "migration %s: ", m->name);
        }
        rc = lnt_sq_exec(db, "BEGIN IMMEDIATE", err);
        if (rc != LNT_OK)
            return lnt_fail_prefix(err, rc, "migration %s: ", m->name);
        /* another process may have migrated while we waited for the lock */
        rc = user_version(db, &v, err);
        if (rc == LNT_OK && v > migrations[N_MIGRATIONS - 1].version)
            rc = refuse_newer(s->path, v, err);
        for (size_t k = i; rc == LNT_OK && k <= j; k++) {
            m = &migrations[k];
            if (m->version <= v)
                continue;
            if (m->pre != NULL)
                rc = m->pre(s, err);
            if (rc == LNT_OK)
                rc = lnt_sq_exec(db, (const char *)m->sql, err);
            if (rc != LNT_OK)
                rc = lnt_fail_prefix(err, rc, "migration %s: ", m->name);
        }
        for (size_t k = i; rc == LNT_OK && k <= j; k++) {
            m = &migrations[k];
            if (m->version > v && m->post != NULL && (rc = m->post(s, err)) != LNT_OK)
                rc = lnt_fail_prefix(err, rc, "migration %s: ", m->name);
        }
        if (rc == LNT_OK && migrations[j].version > v) {
            snprintf(sql, sizeof sql, "PRAGMA user_version = %d", migrations[j].version);
            rc = lnt_sq_exec(db, sql, err);
        }
        if (rc == LNT_OK)
            rc = lnt_sq_exec(db, "COMMIT", err);
        if (rc != LNT_OK)
            (void)lnt_sq_exec(db, "ROLLBACK", NULL);
        if (scrub) {
            if (rc == LNT_OK)
                scrub_wal(db);
            snprintf(sql, sizeof sql, "PRAGMA secure_delete = %d", secure >= 0 ? secure : 0);
            (void)lnt_sq_exec(db, sql, NULL);
        }
        if (rc != LNT_OK)
            return rc;
        if (migrations[j].version > v)
            v = migrations[j].version;
        i = j + 1;
    }
    /* statements prepared against the old schema must not outlive it */
    cache_clear(&s->w);
    return LNT_OK;
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
        rc = migrate(s, err);
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
        cache_clear(&s->r[i]);
        sqlite3_close(s->r[i].db);
    }
    cache_clear(&s->w);
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

enum lnt_err lnt_store_schema_version(struct lnt_store *s, int *out, char *err)
{
    struct lnt_sq_conn *c = lnt_sq_rbegin(s);
    enum lnt_err rc = user_version(c->db, out, err);

    lnt_sq_rend(s, c);
    return rc;
}
