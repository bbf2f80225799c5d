/*
 * bench_sdcard.c - what a kiosk writes to its SD card in a trading night: realistic nights run
 * through the kiosk's own outbox and sync thread (stepped on a simulated clock) against a real
 * lanternd on 127.0.0.1, the writes counted three ways (what SQLite hands the kernel per file,
 * with its fsyncs; the bytes the process dirtied in the page cache, /proc/self/io write_bytes;
 * the log lines it wrote to standard error, which under systemd go to the journal), against the
 * same records appended to a file with an fsync each, measured in the same run.
 *
 *   bench_sdcard [--nights N] [--dir DIR] [--lanternd PATH]      (defaults 3, $TMPDIR, beside)
 *
 * DIR must be on a disk-backed filesystem (tmpfs dirties no pages that count as writes).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_http.h"
#include "buf.h"
#include "codec.h"
#include "log.h"
#include "ltime.h"
#include "outbox.h"
#include "store.h"
#include "sync.h"
#include "syncer.h"
#include "wire.h"

#define PROG "bench_sdcard"
#define NIGHT_S (24 * 3600) /* a trading night runs 06:00 to 06:00 */
#define OPEN_S (12 * 3600)  /* doors open 18:00 to 06:00; the rest of the day is idle */
#define DOOR_STAFF 12
#define BAR_STAFF 8
#define VOLUNTEERS 4
#define INCIDENTS 8
#define ANGELA 3
#define HAND_OUTS 20
#define EVENTS_MAX 512 /* one night's records, at most */
#define TMPFS_MAGIC_NR 0x01021994

static void die(const char *what)
{
    fprintf(stdout, PROG ": %s\n", what);
    exit(1);
}

/* ---- counting what SQLite writes, per file kind ---- */

enum { K_DB = 0, K_WAL, K_OTHER, K_N };

struct counts {
    uint64_t bytes[K_N], writes[K_N], syncs[K_N];
    uint64_t pages[K_N]; /* 4 KiB page-cache pages made dirty: clean ones written, as the kernel
                            counts them in write_bytes (an fsync makes a file's pages clean) */
};

#define OS_PAGE 4096
#define TRACKED_PAGES (1u << 16) /* files up to 256 MiB */
static uint8_t dirty[K_N][TRACKED_PAGES / 8];

static struct counts sq; /* the bench is single-threaded while it counts */
static sqlite3_vfs *real_vfs;
static sqlite3_vfs count_vfs;

struct cfile {
    sqlite3_file base;
    int kind;
    sqlite3_file *real; /* follows this struct in the same block */
};

#define REAL(f) (((struct cfile *)(f))->real)

static int c_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}
static int c_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), p, n, off);
}
static int c_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
    struct cfile *c = (struct cfile *)f;
    sq.bytes[c->kind] += (uint64_t)n;
    sq.writes[c->kind]++;
    for (sqlite3_int64 pg = off / OS_PAGE; n > 0 && pg <= (off + n - 1) / OS_PAGE; pg++) {
        uint8_t *bit = &dirty[c->kind][(size_t)pg / 8 % sizeof dirty[0]];
        if ((*bit & (1u << (pg % 8))) == 0)
            sq.pages[c->kind]++;
        *bit |= (uint8_t)(1u << (pg % 8));
    }
    return c->real->pMethods->xWrite(c->real, p, n, off);
}
static int c_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int c_sync(sqlite3_file *f, int flags)
{
    struct cfile *c = (struct cfile *)f;
    sq.syncs[c->kind]++;
    memset(dirty[c->kind], 0, sizeof dirty[0]);
    return c->real->pMethods->xSync(c->real, flags);
}
static int c_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int c_lock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int c_unlock(sqlite3_file *f, int l)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int c_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int c_fcntl(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int c_sector(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int c_dev(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int c_shm_map(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, ext, pp);
}
static int c_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void c_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int c_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}
/* No memory-mapped reads: every page SQLite reads or writes goes through the calls above. */
static int c_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
    (void)f;
    (void)off;
    (void)n;
    *pp = NULL;
    return SQLITE_OK;
}
static int c_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    (void)f;
    (void)off;
    (void)p;
    return SQLITE_OK;
}

static const sqlite3_io_methods c_methods = {
    3,          c_close,       c_read,      c_write, c_truncate, c_sync, c_size,
    c_lock,     c_unlock,      c_reserved,  c_fcntl, c_sector,   c_dev,  c_shm_map,
    c_shm_lock, c_shm_barrier, c_shm_unmap, c_fetch, c_unfetch,
};

static int c_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    struct cfile *c = (struct cfile *)f;
    int rc;

    (void)vfs;
    c->real = (sqlite3_file *)(c + 1);
    c->kind = (flags & SQLITE_OPEN_MAIN_DB) ? K_DB : (flags & SQLITE_OPEN_WAL) ? K_WAL : K_OTHER;
    rc = real_vfs->xOpen(real_vfs, name, c->real, flags, out_flags);
    c->base.pMethods = c->real->pMethods != NULL ? &c_methods : NULL;
    return rc;
}

static void count_vfs_install(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    if (real_vfs == NULL)
        die("no SQLite VFS");
    count_vfs = *real_vfs;
    count_vfs.zName = "bench-count";
    count_vfs.szOsFile = (int)sizeof(struct cfile) + real_vfs->szOsFile;
    count_vfs.xOpen = c_open;
    if (sqlite3_vfs_register(&count_vfs, 1) != SQLITE_OK)
        die("cannot register the counting VFS");
}

/* ---- what the process wrote, and what it logged ---- */

static uint64_t write_bytes(void)
{
    char text[1024];
    uint64_t v = 0;
    FILE *f = fopen("/proc/self/io", "r");
    size_t n;

    if (f == NULL)
        die("cannot read /proc/self/io");
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    for (char *p = strstr(text, "\nwrite_bytes: "); p != NULL; p = NULL) {
        p += strlen("\nwrite_bytes: ");
        while (*p >= '0' && *p <= '9')
            v = v * 10 + (uint64_t)(*p++ - '0');
    }
    return v;
}

static uint64_t log_bytes; /* written to standard error (the journal, under systemd) */
static int log_pipe[2];
static pthread_t log_thread;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

static void *log_drain(void *arg)
{
    char buf[4096];
    ssize_t n;

    (void)arg;
    while ((n = read(log_pipe[0], buf, sizeof buf)) > 0) {
        pthread_mutex_lock(&log_mu);
        log_bytes += (uint64_t)n;
        pthread_mutex_unlock(&log_mu);
    }
    return NULL;
}

/* Standard error into a pipe whose bytes are counted and dropped: none reach the disk. */
static void log_capture(void)
{
    if (pipe(log_pipe) != 0 || dup2(log_pipe[1], STDERR_FILENO) < 0 ||
        pthread_create(&log_thread, NULL, log_drain, NULL) != 0)
        die("cannot capture standard error");
}

static uint64_t log_count(void)
{
    uint64_t v;
    fflush(stderr);
    usleep(20000); /* the drain thread catches up with what was written */
    pthread_mutex_lock(&log_mu);
    v = log_bytes;
    pthread_mutex_unlock(&log_mu);
    return v;
}

/* ---- a trading night ---- */

struct rec {
    int64_t at; /* seconds after the night's start */
    struct lnt_event ev;
    uint64_t answered;
};

static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    return (x->at > y->at) - (x->at < y->at);
}

static struct rec *add(struct rec *r, size_t *n, int64_t at, enum lnt_event_type type)
{
    struct rec *x;

    if (*n == EVENTS_MAX)
        die("too many records in a night");
    x = &r[(*n)++];
    memset(x, 0, sizeof *x);
    x->at = at;
    x->ev.type = type;
    return x;
}

static void badge(struct rec *x, int person, bool door)
{
    struct lnt_ev_badge *b = &x->ev.u.badge;

    snprintf(b->staff_id, sizeof b->staff_id, "%d", 1000 + person);
    snprintf(b->serial, sizeof b->serial, "%08x%08x", 0xa1b2c3d4u, (unsigned)person);
    b->role = door ? LNT_ROLE_DOOR : LNT_ROLE_BAR;
    if (door) {
        snprintf(b->sia_number, sizeof b->sia_number, "%016d", 1234500000 + person);
        b->sia_expires = 22000;
        b->sia_status = LNT_SIA_VALID;
    } else {
        b->sia_status = LNT_SIA_NOT_REQUIRED;
    }
    b->verdict = LNT_VERDICT_GREEN;
}

/* Sealed details as the kiosk makes them: a few hundred bytes of JSON, sealed, in base64. */
static void seal(struct lnt_ev_incident *in, const uint8_t *box_pk, size_t len)
{
    uint8_t plain[600], sealed[600 + crypto_box_SEALBYTES];

    memset(plain, 'x', sizeof plain);
    if (len > sizeof plain)
        len = sizeof plain;
    if (crypto_box_seal(sealed, plain, len, box_pk) != 0)
        die("crypto_box_seal failed");
    lnt_b64_encode(sealed, len + crypto_box_SEALBYTES, in->sealed);
}

static void incident(struct rec *r, size_t *n, int64_t at, const char *kind, int staff,
                     const uint8_t *box_pk)
{
    char report[LNT_UUID_STRLEN];
    static const char *const places[] = {"bar", "toilets", "dance_floor", "entrance"};

    lnt_uuid7((lnt_time_now() + at) * 1000 + (int64_t)*n, report);
    /* saved open at once, completed later with the details */
    for (int pass = 0; pass < 2; pass++) {
        struct rec *x = add(r, n, at + pass * 1200, LNT_EV_INCIDENT);
        struct lnt_ev_incident *in = &x->ev.u.incident;
        lnt_str_copy(in->report_id, sizeof in->report_id, report);
        lnt_str_copy(in->kind, sizeof in->kind, kind);
        lnt_str_copy(in->place, sizeof in->place, places[*n % 4]);
        snprintf(in->staff_id, sizeof in->staff_id, "%d", 1000 + staff);
        in->severity = 2 + (int)(*n % 3);
        in->complete = pass == 1;
        if (pass == 1)
            seal(in, box_pk, 200 + (size_t)(*n % 300));
        x->answered = pass == 0 ? 0x18 : 0xffff;
    }
}

static void stock(struct rec *r, size_t *n, int64_t at, const char *kind, int q)
{
    struct rec *x = add(r, n, at, LNT_EV_STOCK);
    lnt_str_copy(x->ev.u.stock.kind, sizeof x->ev.u.stock.kind, kind);
    x->ev.u.stock.quantity = q;
    lnt_str_copy(x->ev.u.stock.staff_id, sizeof x->ev.u.stock.staff_id, "1100");
}

/* One busy night's records in time order; times are seconds after 18:00. */
static size_t make_night(struct rec *r, const uint8_t *box_pk)
{
    size_t n = 0;

    for (int i = 0; i < DOOR_STAFF + BAR_STAFF; i++) {
        bool door = i < DOOR_STAFF;
        int64_t in = 300 * i, out = OPEN_S - 7200 + 240 * i, brk = 5 * 3600 + 600 * i;
        badge(add(&r[0], &n, in, LNT_EV_SIGN_IN), i, door);
        if (door) { /* a break: out and back in */
            badge(add(r, &n, brk, LNT_EV_SIGN_OUT), i, door);
            badge(add(r, &n, brk + 1200, LNT_EV_SIGN_IN), i, door);
        }
        badge(add(r, &n, out, LNT_EV_SIGN_OUT), i, door);
    }
    for (int i = 0; i < 3; i++)
        add(r, &n, 7200 + 3600 * i, LNT_EV_BADGE_REFUSED)->ev.u.refused.reason = LNT_BADGE_EXPIRED;
    for (int i = 0; i < INCIDENTS; i++)
        incident(r, &n, 3 * 3600 + 2400 * i, i % 2 ? "disorder" : "ejection", i % DOOR_STAFF,
                 box_pk);
    for (int i = 0; i < ANGELA; i++)
        incident(r, &n, 4 * 3600 + 5400 * i, "angela", i, box_pk);
    stock(r, &n, 120, "count", 400);
    stock(r, &n, 3600, "delivery", 500);
    for (int i = 0; i < HAND_OUTS; i++)
        stock(r, &n, 2 * 3600 + 1500 * i, "handed_out", 10 + i % 7);
    stock(r, &n, OPEN_S - 1800, "count", 520);
    for (int i = 0; i < VOLUNTEERS; i++) {
        for (int end = 0; end < 2; end++) {
            struct rec *x = add(r, &n, 3 * 3600 + 60 * i + end * 6 * 3600,
                                end ? LNT_EV_SHIFT_END : LNT_EV_SHIFT_START);
            struct lnt_ev_shift *sh = &x->ev.u.shift;
            snprintf(sh->staff_id, sizeof sh->staff_id, "%d", 2000 + i);
            lnt_str_copy(sh->call_sign, sizeof sh->call_sign, "Bravo");
            lnt_str_copy(sh->team, sizeof sh->team, "Street Pastors");
            sh->team_size = 4;
            if (end)
                for (int t = 0; t < 8; t++)
                    sh->tallies[t] = t + i;
        }
    }
    qsort(r, n, sizeof *r, cmp_rec);
    return n;
}

/* ---- the server ---- */

struct server {
    pid_t pid;
    char base[64];
    char code[LNT_ENROLL_CODE_LEN + 1];
};

static void server_start(struct server *sv, const char *lanternd, const char *dir)
{
    struct lnt_store *s = NULL;
    struct lnt_venue v;
    char err[LNT_ERRBUF_SIZE] = "", db[1100];
    unsigned port = 0;

    snprintf(db, sizeof db, "%s/lantern.db", dir);
    memset(&v, 0, sizeof v);
    lnt_str_copy(v.name, sizeof v.name, "The Crown");
    v.category = (enum lnt_venue_category)1;
    v.capacity = 250;
    lnt_str_copy(v.area, sizeof v.area, "High Street");
    if (lnt_store_open(&s, db, err) != LNT_OK || lnt_store_scheme_init(s, "BEN", err) != LNT_OK ||
        lnt_store_venue_add(s, &v, err) != LNT_OK ||
        lnt_store_enroll_code_add(s, v.id, lnt_time_now() + 3600, sv->code, err) != LNT_OK)
        die(err);
    lnt_store_free(s);
    sv->pid = lnt_bench_lanternd_start(lanternd, db, NULL, dir, &port, err);
    if (sv->pid < 0)
        die(err);
    snprintf(sv->base, sizeof sv->base, "http://127.0.0.1:%u", port);
}

static void enrol(const char *kdir, const struct server *sv, uint8_t *box_pk)
{
    struct lnt_outbox *ob = NULL;
    struct lnt_sync *cl = NULL;
    struct lnt_identity *id = calloc(1, sizeof *id);
    char err[LNT_ERRBUF_SIZE] = "";

    if (id == NULL)
        die("out of memory");
    if (lnt_outbox_open(kdir, &ob, err) != LNT_OK ||
        lnt_outbox_identity_get(ob, id, err) != LNT_OK || lnt_sync_new(&cl, err) != LNT_OK ||
        lnt_sync_enroll(cl, sv->base, sv->code, id, err) != LNT_OK ||
        lnt_outbox_identity_set(ob, id, err) != LNT_OK)
        die(err);
    memcpy(box_pk, id->box_pk, LNT_BOX_PK_LEN);
    sodium_memzero(id, sizeof *id);
    free(id);
    lnt_sync_free(cl);
    lnt_outbox_free(ob);
}

/* ---- the run ---- */

static int64_t file_size(const char *dir, const char *name)
{
    char path[1200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

/*
 * The kernel's flusher, every 30 simulated seconds (dirty_expire_centisecs): SQLite's WAL index
 * (kiosk.db-shm) is a memory-mapped file on the card, and its pages dirtied again after being
 * written back are written again. Without this a night run in a minute would count them once.
 */
static void flush_shm(const char *kdir)
{
    char path[1200];
    int fd;

    snprintf(path, sizeof path, "%s/kiosk.db-shm", kdir);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    if (fdatasync(fd) != 0)
        die(strerror(errno));
    close(fd);
}

/*
 * Nights of records through the outbox, as the kiosk saves them (the name beside a sign-in is a
 * second write, as lnt_kiosk_handle_out does), the sync thread's round after each save and once
 * a simulated second between them, as its loop does. Returns the records saved.
 */
static size_t run_nights(const char *kdir, int nights, int64_t start, const uint8_t *box_pk,
                         struct lnt_buf *json_all)
{
    struct lnt_outbox *ob = NULL;
    struct lnt_syncer *sy = NULL;
    struct rec *r = calloc(EVENTS_MAX, sizeof *r);
    char err[LNT_ERRBUF_SIZE] = "";
    size_t total = 0;

    if (r == NULL)
        die("out of memory");
    if (lnt_outbox_open(kdir, &ob, err) != LNT_OK ||
        lnt_syncer_open(kdir, NULL, &sy, err) != LNT_OK)
        die(err);
    for (int night = 0; night < nights; night++) {
        int64_t t0 = start + (int64_t)night * NIGHT_S;
        size_t n = make_night(r, box_pk), next = 0;

        for (int64_t s = 0; s < NIGHT_S; s++) {
            int64_t mono = (t0 + s) * 1000;
            while (next < n && r[next].at <= s) {
                struct lnt_event *ev = &r[next].ev;
                ev->occurred_at = ev->recorded_at = t0 + s;
                if (lnt_outbox_append_report(ob, ev, r[next].answered, 0, err) != LNT_OK)
                    die(err);
                lnt_info("saved event %lld (%s) %s", (long long)ev->seq,
                         lnt_event_type_name(ev->type), ev->uuid);
                if (ev->type == LNT_EV_SIGN_IN &&
                    lnt_outbox_on_shift_name(ob, ev->u.badge.staff_id, "Aleksandra Kowalczyk",
                                             err) != LNT_OK)
                    die(err);
                if (json_all != NULL && lnt_wire_event_encode(ev, json_all, err) != LNT_OK)
                    die(err);
                if (json_all != NULL && lnt_buf_append(json_all, "\n", 1) != LNT_OK)
                    die("out of memory");
                lnt_syncer_step(sy, mono, t0 + s); /* the save kicks the thread */
                next++;
                total++;
            }
            lnt_syncer_step(sy, mono, t0 + s);
            if (s % 30 == 0)
                flush_shm(kdir);
        }
    }
    {
        struct lnt_syncer_status st;
        int64_t left = -1;
        lnt_syncer_status(sy, &st);
        if (lnt_outbox_count(ob, &left, err) != LNT_OK)
            die(err);
        if (left != 0 || st.sent_total != total)
            die("the server did not get every record");
    }
    lnt_syncer_stop(sy);
    lnt_outbox_free(ob);
    free(r);
    return total;
}

/* The same records as lines appended to one file, an fsync after each. */
static void baseline(const char *dir, const struct lnt_buf *json_all, uint64_t *wb, size_t *syncs)
{
    char path[1100];
    uint64_t before = write_bytes();
    const char *p = json_all->data, *end = json_all->data + json_all->len;
    int fd;

    snprintf(path, sizeof path, "%s/baseline.log", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        die(strerror(errno));
    *syncs = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)(nl - p) + 1;
        if (write(fd, p, len) != (ssize_t)len || fsync(fd) != 0)
            die(strerror(errno));
        (*syncs)++;
        p += len;
    }
    close(fd);
    *wb = write_bytes() - before;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {{"nights", required_argument, NULL, 'n'},
                                          {"dir", required_argument, NULL, 'd'},
                                          {"lanternd", required_argument, NULL, 'l'},
                                          {NULL, 0, NULL, 0}};
    char lanternd[1100], tmpl[1024], kdir[1100], exe[1024];
    const char *parent = getenv("TMPDIR");
    struct lnt_buf json_all;
    struct server sv;
    struct statfs fs;
    uint8_t box_pk[LNT_BOX_PK_LEN];
    uint64_t wb0, wb, base_wb, logs;
    size_t total, base_syncs;
    ssize_t len;
    int nights = 3, c;
    struct counts k;

    len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[len > 0 ? len : 0] = '\0';
    if (strrchr(exe, '/') != NULL)
        *strrchr(exe, '/') = '\0';
    snprintf(lanternd, sizeof lanternd, "%s/lanternd", exe);
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        int64_t v;
        if (c == 'n' && lnt_parse_i64(optarg, 1, 60, &v) == LNT_OK)
            nights = (int)v;
        else if (c == 'd')
            parent = optarg;
        else if (c == 'l')
            snprintf(lanternd, sizeof lanternd, "%s", optarg);
        else
            die("usage: bench_sdcard [--nights 1-60] [--dir DIR] [--lanternd PATH]");
    }
    snprintf(tmpl, sizeof tmpl, "%s/bench-sdcard-XXXXXX", parent != NULL ? parent : "/tmp");
    if (mkdtemp(tmpl) == NULL)
        die(strerror(errno));
    if (statfs(tmpl, &fs) == 0 && fs.f_type == TMPFS_MAGIC_NR)
        die("--dir is on tmpfs: nothing there reaches a disk; give a directory on a disk");
    snprintf(kdir, sizeof kdir, "%s/kiosk", tmpl);
    if (mkdir(kdir, 0700) != 0 || lnt_crypto_init() != LNT_OK)
        die("cannot make the kiosk's directory");
    lnt_log_init("lantern-kiosk", LNT_LOG_INFO);
    lnt_buf_init(&json_all, 64u << 20);

    server_start(&sv, lanternd, tmpl);
    enrol(kdir, &sv, box_pk);
    count_vfs_install();
    log_capture();
    memset(&sq, 0, sizeof sq);
    wb0 = write_bytes();
    total = run_nights(kdir, nights, lnt_time_now() - (int64_t)nights * NIGHT_S, box_pk, &json_all);
    wb = write_bytes() - wb0;
    k = sq;
    logs = log_count();
    baseline(tmpl, &json_all, &base_wb, &base_syncs);

    printf("bench_sdcard --nights %d: %zu records (%.0f a night: %d door and %d bar staff, "
           "%d incidents, %d Ask for Angela, stock, %d volunteers), 12 h open and 12 h idle a "
           "night, synced live to lanternd, in %s\n",
           nights, total, (double)total / nights, DOOR_STAFF, BAR_STAFF, INCIDENTS, ANGELA,
           VOLUNTEERS, tmpl);
    printf("%-44s %14s %12s\n", "per trading night", "bytes", "per record");
#define ROW(name, v)                                                                               \
    printf("%-44s %14.0f %12.0f\n", name, (double)(v) / nights, (double)(v) / (double)total)
    ROW("SQLite writes to kiosk.db", k.bytes[K_DB]);
    ROW("SQLite writes to kiosk.db-wal", k.bytes[K_WAL]);
    ROW("SQLite writes to other files", k.bytes[K_OTHER]);
    ROW("fsyncs (kiosk.db, -wal)", k.syncs[K_DB] + k.syncs[K_WAL]);
    ROW("process write_bytes (page cache, incl. -shm)", wb);
    ROW("  of it kiosk.db and -wal (pages SQLite dirtied)",
        (k.pages[K_DB] + k.pages[K_WAL]) * OS_PAGE);
    ROW("  of it the WAL index -shm (the rest)", wb - (k.pages[K_DB] + k.pages[K_WAL]) * OS_PAGE);
    ROW("log to standard error (the journal)", logs);
    ROW("baseline: append + fsync, write_bytes", base_wb);
    ROW("baseline: its JSON lines", json_all.len);
    ROW("baseline: fsyncs", base_syncs);
    printf("ratio kiosk/baseline (write_bytes): %.1f\n", (double)wb / (double)base_wb);
    printf("files at the end: kiosk.db %lld, kiosk.db-wal %lld, kiosk.db-shm %lld bytes\n",
           (long long)file_size(kdir, "kiosk.db"), (long long)file_size(kdir, "kiosk.db-wal"),
           (long long)file_size(kdir, "kiosk.db-shm"));
    fflush(stdout);
    kill(sv.pid, SIGTERM);
    waitpid(sv.pid, NULL, 0);
    lnt_buf_release(&json_all);
    if (nftw(tmpl, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
        printf("could not remove %s\n", tmpl);
    return 0;
}
