/* bench_store_ingest.c - store-level ingest: batches of 100 events into a real SQLite file with
 * synchronous=FULL, against the same batches in a bare table with the same pragmas. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench_pg.h"
#include "buf.h"
#include "codec.h"
#include "ltime.h"
#include "store.h"
#include "wire.h"

/*
 * Each variant gets a fresh database with VENUES venues, one kiosk each,
 * STAFF_PER_VENUE staff per venue with training records (some expired), then
 * --warmup batches (500; not timed, so the indexes are not empty) and
 * --batches timed batches (1000), round-robin over the kiosks. Every batch
 * goes to lnt_store_events_insert (everything ingest does: events, door
 * register, incidents, stock, flags, rollups, one transaction) and, right
 * after, the same events' canonical JSON into a bare table (kiosk_id, seq,
 * body, unique on kiosk_id and seq) in another file with the same pragmas:
 * the raw cost of a durable SQLite commit of 100 rows on this disk. The two
 * alternate batch by batch, so load on the machine falls on both alike.
 *
 *   bench_store_ingest [--batches N] [--warmup N] [--dir DIR] [--only VARIANT] [--threads N]
 *                      [--event-ids v7|v4] [--keep]
 *
 * Event ids are version 7 UUIDs (time first) as kiosks make them, or with
 * --event-ids v4 random ones, as kiosks made them before: the store keeps a
 * unique index on them, which random ids write all over.
 *
 * With --threads N above 1 (default 2, the build machine's cores) two more
 * runs of --batches batches follow on the same database: one thread, then N
 * threads at once (as lanternd's HTTP workers call the store), each timed by
 * the wall clock, making the batches included (a few per cent). On PostgreSQL
 * three more follow, in turn, twice over: N threads into the store storing one
 * group at a time (a second store on the same database, opened with
 * LANTERN_PG_STORERS=1), into the store as configured (groups stored side by
 * side, each on a connection of its own), and into the bare table (a
 * connection per thread); then the server's time by statement
 * (pg_stat_statements) in the store's database.
 *
 * Variants: mix (25% sign-in, 25% sign-out, 10% incidents of which a fifth are
 * later saves of a known report, 10% stock, 30% refused badges), sign_in
 * (sign-ins only), incidents (incidents only, a fifth of them later saves).
 */

#define BATCH 100

static bool g_random_ids; /* --event-ids v4 */
/* PostgreSQL runs: a throwaway cluster started once for the whole run */
static struct bench_pg g_pg;
#define VENUES 64
#define STAFF_PER_VENUE 100
#define REPORTS_KEPT 64 /* recent reports per kiosk that a later save may complete */
#define STEP 15         /* seconds between one kiosk's events */

enum variant { V_MIX, V_SIGN_IN, V_INCIDENTS, V__N };
static const char *const variant_names[V__N] = {"mix", "sign_in", "incidents"};

struct staff {
    int64_t id;
    char serial[LNT_SERIAL_LEN * 2 + 1];
    bool door;
};

struct kiosk {
    int64_t id;
    uint64_t rng; /* each kiosk its own, so threads can make batches side by side */
    size_t venue; /* index into the staff table */
    int64_t next_seq;
    int64_t clock;
    bool on[STAFF_PER_VENUE];
    int on_queue[STAFF_PER_VENUE]; /* who is on shift, oldest first */
    size_t on_head, on_n;
    char reports[REPORTS_KEPT][LNT_UUID_STRLEN];
    size_t n_reports;
    size_t next_sign_in; /* sign_in variant: round-robin over the staff */
};

struct world {
    struct staff staff[VENUES][STAFF_PER_VENUE];
    struct kiosk kiosks[VENUES];
    uint64_t rng;
};

static void die(const char *what)
{
    fprintf(stderr, "bench_store_ingest: %s\n", what);
    exit(1);
}

static int64_t clock_us(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t now_us(void)
{
    return clock_us(CLOCK_MONOTONIC);
}

/* CPU time of this thread: the part of a batch's time not spent waiting for the disk. */
static int64_t cpu_us(void)
{
    return clock_us(CLOCK_THREAD_CPUTIME_ID);
}

/* xorshift64*: the same batches on every run */
static uint64_t rnd(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 2685821657736338717ULL;
}

static unsigned rnd_below(uint64_t *x, unsigned n)
{
    return (unsigned)(rnd(x) >> 33) % n;
}

static void rnd_uuid(uint64_t *x, char out[LNT_UUID_STRLEN])
{
    uint64_t a = rnd(x), b = rnd(x);

    snprintf(out, LNT_UUID_STRLEN,
             "%08" PRIx64 "-%04" PRIx64 "-4%03" PRIx64 "-%04" PRIx64 "-%012" PRIx64, a >> 32,
             (a >> 16) & 0xffff, a & 0xfff, 0x8000 | (b >> 48 & 0x3fff),
             b & (uint64_t)0xffffffffffff);
}

/* A version 7 UUID, as kiosks make report ids: `ms` first, then the generator's bits. */
static void rnd_uuid7(uint64_t *x, int64_t ms, char out[LNT_UUID_STRLEN])
{
    uint64_t t = (uint64_t)ms & (uint64_t)0xffffffffffff, a = rnd(x), b = rnd(x);

    snprintf(out, LNT_UUID_STRLEN,
             "%08" PRIx64 "-%04" PRIx64 "-7%03" PRIx64 "-%04" PRIx64 "-%012" PRIx64, t >> 16,
             t & 0xffff, a & 0xfff, 0x8000 | (b >> 48 & 0x3fff), b & (uint64_t)0xffffffffffff);
}

/* ---- the database ---- */

static void sql_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "bench_store_ingest: %s: %s\n", sql, msg != NULL ? msg : "?");
        exit(1);
    }
}

/*
 * Venues and kiosks through the store; staff and training straight into the
 * tables in one transaction (6,400 staff one fsync each would take a while).
 */
static void make_staff_pg(const char *uri, struct world *w, const int64_t *venue_ids, int64_t now,
                          int32_t today);

static void make_db(const char *path, const char *keys, struct world *w)
{
    struct lnt_store *s = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t venue_ids[VENUES], now = lnt_time_now();
    int32_t today = (int32_t)(now / 86400);
    sqlite3 *db = NULL;
    sqlite3_stmt *st_staff = NULL, *st_train = NULL, *st_badge = NULL;

    if (lnt_store_open_keys(&s, path, keys, err) != LNT_OK ||
        lnt_store_scheme_init(s, "BEN", err) != LNT_OK)
        die(err);
    for (size_t v = 0; v < VENUES; v++) {
        struct lnt_venue venue;
        char code[LNT_ENROLL_CODE_LEN + 1];
        uint8_t pk[LNT_SIGN_PK_LEN];
        struct lnt_kiosk out;

        memset(&venue, 0, sizeof venue);
        snprintf(venue.name, sizeof venue.name, "Bench Venue %zu", v + 1);
        venue.category = (enum lnt_venue_category)(1 + v % 3);
        venue.capacity = 300;
        snprintf(venue.area, sizeof venue.area, "Area %zu", v % 8);
        if (lnt_store_venue_add(s, &venue, err) != LNT_OK)
            die(err);
        venue_ids[v] = venue.id;
        lnt_random(pk, sizeof pk);
        if (lnt_store_enroll_code_add(s, venue.id, now + 3600, code, err) != LNT_OK ||
            lnt_store_enroll_redeem(s, code, pk, now, &out, err) != LNT_OK)
            die(err);
        memset(&w->kiosks[v], 0, sizeof w->kiosks[v]);
        w->kiosks[v].id = out.id;
        w->kiosks[v].venue = v;
        w->kiosks[v].next_seq = 1;
        w->kiosks[v].rng = w->rng + 0x632be59bd9b4e019ULL * (v + 1);
        w->kiosks[v].clock = now - 60 * 86400 + (int64_t)v * 7;
    }
    lnt_store_free(s);
    if (keys != NULL) {
        make_staff_pg(path, w, venue_ids, now, today);
        return;
    }

    if (sqlite3_open(path, &db) != SQLITE_OK)
        die("opening the database to add staff");
    sqlite3_busy_timeout(db, 5000);
    sql_exec(db, "BEGIN IMMEDIATE");
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO staff (venue_id, name, role, sia_number, sia_expires, "
                           "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           -1, &st_staff, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO training (staff_id, course, completed, expires, "
                           "created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                           -1, &st_train, NULL) != SQLITE_OK ||
        /* every serial signing in is one the scheme issued, as in a real town */
        sqlite3_prepare_v2(db,
                           "INSERT INTO badges (serial, staff_id, kid, issued_at, expires_at) "
                           "VALUES (?1, ?2, (SELECT kid FROM signing_keys LIMIT 1), ?3, ?4)",
                           -1, &st_badge, NULL) != SQLITE_OK)
        die(sqlite3_errmsg(db));
    for (size_t v = 0; v < VENUES; v++) {
        for (size_t i = 0; i < STAFF_PER_VENUE; i++) {
            struct staff *p = &w->staff[v][i];
            char name[32];
            uint64_t serial = rnd(&w->rng);
            uint8_t blob[LNT_SERIAL_LEN];
            int courses = 1 + (int)rnd_below(&w->rng, 3);

            p->door = i % 5 < 3;
            snprintf(name, sizeof name, "Staff %zu-%zu", v + 1, i + 1);
            snprintf(p->serial, sizeof p->serial, "%016" PRIx64, serial);
            sqlite3_bind_int64(st_staff, 1, venue_ids[v]);
            sqlite3_bind_text(st_staff, 2, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int(st_staff, 3, p->door ? LNT_ROLE_DOOR : LNT_ROLE_BAR);
            sqlite3_bind_text(st_staff, 4, p->door ? "1234567812345678" : "", -1, SQLITE_STATIC);
            sqlite3_bind_int(st_staff, 5, p->door ? today + 400 : 0);
            sqlite3_bind_int64(st_staff, 6, now);
            if (sqlite3_step(st_staff) != SQLITE_DONE)
                die(sqlite3_errmsg(db));
            sqlite3_reset(st_staff);
            p->id = sqlite3_last_insert_rowid(db);
            for (int b = 0; b < LNT_SERIAL_LEN; b++)
                blob[b] = (uint8_t)(serial >> (8 * (LNT_SERIAL_LEN - 1 - b)));
            sqlite3_bind_blob(st_badge, 1, blob, sizeof blob, SQLITE_TRANSIENT);
            sqlite3_bind_int64(st_badge, 2, p->id);
            sqlite3_bind_int64(st_badge, 3, now - 90 * 86400);
            sqlite3_bind_int64(st_badge, 4, now + 300 * 86400);
            if (sqlite3_step(st_badge) != SQLITE_DONE)
                die(sqlite3_errmsg(db));
            sqlite3_reset(st_badge);
            for (int c = 0; c < courses; c++) {
                int course = 1 + (int)rnd_below(&w->rng, 7);
                int32_t done = today - 30 - (int32_t)rnd_below(&w->rng, 700);
                sqlite3_bind_int64(st_train, 1, p->id);
                sqlite3_bind_int(st_train, 2, course);
                sqlite3_bind_int(st_train, 3, done);
                sqlite3_bind_int(st_train, 4, done + 365);
                sqlite3_bind_int64(st_train, 5, now);
                if (sqlite3_step(st_train) != SQLITE_DONE)
                    die(sqlite3_errmsg(db));
                sqlite3_reset(st_train);
            }
        }
    }
    sqlite3_finalize(st_staff);
    sqlite3_finalize(st_train);
    sqlite3_finalize(st_badge);
    sql_exec(db, "COMMIT");
    sqlite3_close(db);
}

/* make_db's staff, badges and training on PostgreSQL: the same rows, drawn from the generator
 * in the same order as on SQLite, one multi-row statement per venue and table. */
static void make_staff_pg(const char *uri, struct world *w, const int64_t *venue_ids, int64_t now,
                          int32_t today)
{
    PGconn *pg = bench_pg_connect(uri);
    struct lnt_buf sql;

    lnt_buf_init(&sql, 1 << 20);
    bench_pg_exec(pg, "BEGIN");
    for (size_t v = 0; v < VENUES; v++) {
        int course[STAFF_PER_VENUE][3], courses[STAFF_PER_VENUE];
        int32_t done[STAFF_PER_VENUE][3];
        PGresult *r;
        bool ok = true;

        lnt_buf_reset(&sql);
        ok = lnt_buf_puts(&sql, "INSERT INTO staff (venue_id, name, role, sia_number, "
                                "sia_expires, created_at) VALUES ") == LNT_OK;
        for (size_t i = 0; i < STAFF_PER_VENUE; i++) {
            struct staff *p = &w->staff[v][i];
            uint64_t serial = rnd(&w->rng);

            courses[i] = 1 + (int)rnd_below(&w->rng, 3);
            p->door = i % 5 < 3;
            snprintf(p->serial, sizeof p->serial, "%016" PRIx64, serial);
            for (int c = 0; c < courses[i]; c++) {
                course[i][c] = 1 + (int)rnd_below(&w->rng, 7);
                done[i][c] = today - 30 - (int32_t)rnd_below(&w->rng, 700);
            }
            ok = ok &&
                 lnt_buf_printf(&sql, "%s(%" PRId64 ", 'Staff %zu-%zu', %d, '%s', %d, %" PRId64 ")",
                                i > 0 ? ", " : "", venue_ids[v], v + 1, i + 1,
                                p->door ? LNT_ROLE_DOOR : LNT_ROLE_BAR,
                                p->door ? "1234567812345678" : "", p->door ? today + 400 : 0,
                                now) == LNT_OK;
        }
        ok = ok && lnt_buf_puts(&sql, " RETURNING id") == LNT_OK;
        if (!ok)
            die("staff statement");
        r = PQexec(pg, sql.data);
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != STAFF_PER_VENUE)
            die(PQerrorMessage(pg));
        for (size_t i = 0; i < STAFF_PER_VENUE; i++)
            w->staff[v][i].id = strtoll(PQgetvalue(r, (int)i, 0), NULL, 10);
        PQclear(r);
        /* every serial signing in is one the scheme issued, as in a real town */
        lnt_buf_reset(&sql);
        ok = lnt_buf_puts(&sql, "INSERT INTO badges (serial, staff_id, kid, issued_at, "
                                "expires_at) SELECT s, i, (SELECT kid FROM signing_keys LIMIT 1), "
                                "a, e FROM (VALUES ") == LNT_OK;
        for (size_t i = 0; i < STAFF_PER_VENUE; i++)
            ok = ok && lnt_buf_printf(&sql,
                                      "%s('\\x%s'::bytea, %" PRId64 "::bigint, %" PRId64
                                      "::bigint, %" PRId64 "::bigint)",
                                      i > 0 ? ", " : "", w->staff[v][i].serial, w->staff[v][i].id,
                                      now - 90 * 86400, now + 300 * 86400) == LNT_OK;
        ok = ok && lnt_buf_puts(&sql, ") AS b (s, i, a, e)") == LNT_OK;
        if (!ok)
            die("badge statement");
        bench_pg_exec(pg, sql.data);
        lnt_buf_reset(&sql);
        ok = lnt_buf_puts(&sql, "INSERT INTO training (staff_id, course, completed, expires, "
                                "created_at) VALUES ") == LNT_OK;
        for (size_t i = 0; i < STAFF_PER_VENUE; i++)
            for (int c = 0; c < courses[i]; c++)
                ok =
                    ok && lnt_buf_printf(&sql, "%s(%" PRId64 ", %d, %d, %d, %" PRId64 ")",
                                         i + (size_t)c > 0 ? ", " : "", w->staff[v][i].id,
                                         course[i][c], done[i][c], done[i][c] + 365, now) == LNT_OK;
        if (!ok)
            die("training statement");
        bench_pg_exec(pg, sql.data);
    }
    bench_pg_exec(pg, "COMMIT");
    PQfinish(pg);
    lnt_buf_release(&sql);
}

/* The bare table on PostgreSQL, as on SQLite. */
static PGconn *make_raw_pg(const char *uri)
{
    PGconn *pg = bench_pg_connect(uri);

    bench_pg_exec(pg, "CREATE TABLE raw (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                      "kiosk_id BIGINT NOT NULL, seq BIGINT NOT NULL, body TEXT NOT NULL, "
                      "UNIQUE (kiosk_id, seq))");
    return pg;
}

/* The batch's bodies in one multi-row INSERT (its own transaction, committed durably): what a
 * bare libpq client pays for the same rows. Returns the wall time, adds the CPU time. */
static int64_t raw_insert_pg(PGconn *pg, int64_t kiosk_id, const struct lnt_event *ev,
                             struct lnt_buf *bodies, size_t *ends, int64_t *cpu)
{
    char nums[BATCH][2][24]; /* on the caller's stack: threads insert side by side */
    const char *vals[BATCH * 3];
    int lens[BATCH * 3], fmts[BATCH * 3];
    char sql[BATCH * 32 + 128];
    size_t at = 0;
    int64_t t0 = now_us(), c0 = cpu_us();
    PGresult *r;

    at += (size_t)snprintf(sql, sizeof sql, "INSERT INTO raw (kiosk_id, seq, body) VALUES ");
    for (size_t i = 0; i < BATCH; i++) {
        size_t start = i == 0 ? 0 : ends[i - 1];
        at += (size_t)snprintf(sql + at, sizeof sql - at, "%s($%zu, $%zu, $%zu)", i ? ", " : "",
                               3 * i + 1, 3 * i + 2, 3 * i + 3);
        snprintf(nums[i][0], sizeof nums[i][0], "%" PRId64, kiosk_id);
        snprintf(nums[i][1], sizeof nums[i][1], "%" PRId64, ev[i].seq);
        vals[3 * i] = nums[i][0];
        vals[3 * i + 1] = nums[i][1];
        vals[3 * i + 2] = bodies->data + start;
        lens[3 * i] = lens[3 * i + 1] = 0;
        lens[3 * i + 2] = (int)(ends[i] - start);
        fmts[3 * i] = fmts[3 * i + 1] = 0;
        fmts[3 * i + 2] = 1; /* text sent as its bytes */
    }
    r = PQexecParams(pg, sql, BATCH * 3, NULL, vals, lens, fmts, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die(PQerrorMessage(pg));
    PQclear(r);
    *cpu = cpu_us() - c0;
    return now_us() - t0;
}

/* The bare table: the same pragmas as the store's write connection (server/store/sqlite/sq_open.c).
 */
static sqlite3 *make_raw(const char *path)
{
    sqlite3 *db = NULL;

    if (sqlite3_open(path, &db) != SQLITE_OK)
        die("opening the baseline database");
    sql_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                 "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;");
    sql_exec(db, "CREATE TABLE raw (id INTEGER PRIMARY KEY, kiosk_id INTEGER NOT NULL, "
                 "seq INTEGER NOT NULL, body TEXT NOT NULL, UNIQUE (kiosk_id, seq))");
    return db;
}

/* ---- the batches ---- */

static void badge_event(struct lnt_event *e, const struct staff *p, enum lnt_event_type type)
{
    struct lnt_ev_badge *b = &e->u.badge;

    e->type = type;
    snprintf(b->staff_id, sizeof b->staff_id, "%" PRId64, p->id);
    (void)lnt_str_copy(b->serial, sizeof b->serial, p->serial);
    b->role = p->door ? LNT_ROLE_DOOR : LNT_ROLE_BAR;
    (void)lnt_str_copy(b->sia_number, sizeof b->sia_number, p->door ? "1234567812345678" : "");
    b->sia_expires = p->door ? (int32_t)(e->occurred_at / 86400) + 400 : 0;
    b->sia_status = p->door ? LNT_SIA_VALID : LNT_SIA_NOT_REQUIRED;
    b->verdict = LNT_VERDICT_GREEN;
}

static void sign_in(const struct world *w, struct kiosk *k, struct lnt_event *e)
{
    unsigned i = rnd_below(&k->rng, STAFF_PER_VENUE);

    while (k->on[i])
        i = (i + 1) % STAFF_PER_VENUE;
    k->on[i] = true;
    k->on_queue[(k->on_head + k->on_n++) % STAFF_PER_VENUE] = (int)i;
    badge_event(e, &w->staff[k->venue][i], LNT_EV_SIGN_IN);
}

static void sign_out(const struct world *w, struct kiosk *k, struct lnt_event *e)
{
    int i = k->on_queue[k->on_head];

    k->on_head = (k->on_head + 1) % STAFF_PER_VENUE;
    k->on_n--;
    k->on[i] = false;
    badge_event(e, &w->staff[k->venue][i], LNT_EV_SIGN_OUT);
}

static void incident(const struct world *w, struct kiosk *k, struct lnt_event *e)
{
    static const char *const kinds[] = {"angela",   "spiking",  "violence", "medical",
                                        "ejection", "disorder", "theft"};
    static const char *const places[] = {"bar", "door", "toilets", "smoking area", "dance floor"};
    struct lnt_ev_incident *in = &e->u.incident;
    const struct staff *p = &w->staff[k->venue][rnd_below(&k->rng, STAFF_PER_VENUE)];
    bool later = k->n_reports > 0 && rnd_below(&k->rng, 5) == 0;
    uint8_t sealed[160];

    e->type = LNT_EV_INCIDENT;
    if (later) {
        (void)lnt_str_copy(in->report_id, sizeof in->report_id,
                           k->reports[rnd_below(&k->rng, (unsigned)k->n_reports)]);
    } else {
        rnd_uuid7(&k->rng, e->recorded_at * 1000, in->report_id);
        (void)lnt_str_copy(k->reports[k->n_reports % REPORTS_KEPT], LNT_UUID_STRLEN, in->report_id);
        k->n_reports++;
        if (k->n_reports > REPORTS_KEPT)
            k->n_reports = REPORTS_KEPT;
    }
    (void)lnt_str_copy(in->kind, sizeof in->kind,
                       kinds[rnd_below(&k->rng, sizeof kinds / sizeof kinds[0])]);
    in->severity = 1 + (int)rnd_below(&k->rng, 5);
    (void)lnt_str_copy(in->place, sizeof in->place,
                       places[rnd_below(&k->rng, sizeof places / sizeof places[0])]);
    (void)lnt_str_copy(in->outcome, sizeof in->outcome, later ? "taxi home" : "");
    in->police_called = rnd_below(&k->rng, 10) == 0;
    in->complete = later || rnd_below(&k->rng, 2) == 0;
    snprintf(in->staff_id, sizeof in->staff_id, "%" PRId64, p->id);
    /* sealed details: about the size of a filled-in form */
    for (size_t i = 0; i < sizeof sealed; i++)
        sealed[i] = (uint8_t)rnd(&k->rng);
    lnt_b64_encode(sealed, sizeof sealed, in->sealed);
    if (later)
        e->recorded_at = e->occurred_at + 600;
}

static void stock(const struct world *w, struct kiosk *k, struct lnt_event *e)
{
    static const char *const kinds[] = {"handed_out", "handed_out", "delivery", "count"};
    struct lnt_ev_stock *s = &e->u.stock;
    const struct staff *p = &w->staff[k->venue][rnd_below(&k->rng, STAFF_PER_VENUE)];

    e->type = LNT_EV_STOCK;
    (void)lnt_str_copy(s->kind, sizeof s->kind, kinds[rnd_below(&k->rng, 4)]);
    s->quantity = 1 + (int32_t)rnd_below(&k->rng, 50);
    snprintf(s->staff_id, sizeof s->staff_id, "%" PRId64, p->id);
}

/* Fills ev[0..BATCH) with kiosk k's next events. */
static void make_batch(const struct world *w, struct kiosk *k, enum variant v, struct lnt_event *ev)
{
    for (size_t i = 0; i < BATCH; i++) {
        struct lnt_event *e = &ev[i];
        unsigned r = rnd_below(&k->rng, 100);

        memset(e, 0, sizeof *e);
        e->seq = k->next_seq++;
        k->clock += STEP;
        e->occurred_at = e->recorded_at = k->clock;
        if (g_random_ids)
            rnd_uuid(&k->rng, e->uuid);
        else
            rnd_uuid7(&k->rng, e->recorded_at * 1000, e->uuid);
        if (v == V_INCIDENTS) {
            incident(w, k, e);
            continue;
        }
        if (v == V_SIGN_IN) {
            badge_event(e, &w->staff[k->venue][k->next_sign_in++ % STAFF_PER_VENUE],
                        LNT_EV_SIGN_IN);
            continue;
        }
        if (r < 50) {
            bool in = r < 25;
            if (k->on_n == 0)
                in = true;
            else if (k->on_n == STAFF_PER_VENUE)
                in = false;
            if (in)
                sign_in(w, k, e);
            else
                sign_out(w, k, e);
        } else if (r < 60) {
            incident(w, k, e);
        } else if (r < 70) {
            stock(w, k, e);
        } else {
            e->type = LNT_EV_BADGE_REFUSED;
            e->u.refused.reason =
                (enum lnt_badge_reason)(1 + rnd_below(&k->rng, LNT_BADGE__COUNT - 1));
        }
    }
}

/* ---- measuring ---- */

struct series {
    int64_t *us;
    size_t n;
    int64_t total_us;
    int64_t cpu_us;
    int64_t server_us; /* PostgreSQL: the cluster's CPU time in the calls */
};

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static double pct_ms(struct series *s, double p)
{
    size_t i = (size_t)(p * (double)(s->n - 1) + 0.5);
    return (double)s->us[i] / 1000.0;
}

/* Inserts the batch's bodies in one transaction; returns the wall time, adds the CPU time. */
static int64_t raw_insert(sqlite3 *db, sqlite3_stmt *st, int64_t kiosk_id,
                          const struct lnt_event *ev, struct lnt_buf *bodies, size_t *ends,
                          int64_t *cpu)
{
    int64_t t0 = now_us(), c0 = cpu_us();

    sql_exec(db, "BEGIN IMMEDIATE");
    for (size_t i = 0; i < BATCH; i++) {
        size_t start = i == 0 ? 0 : ends[i - 1];
        sqlite3_bind_int64(st, 1, kiosk_id);
        sqlite3_bind_int64(st, 2, ev[i].seq);
        sqlite3_bind_text(st, 3, bodies->data + start, (int)(ends[i] - start), SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            die(sqlite3_errmsg(db));
        sqlite3_reset(st);
    }
    sql_exec(db, "COMMIT");
    *cpu = cpu_us() - c0;
    return now_us() - t0;
}

static int64_t count_rows(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t n = -1;

    if (strncmp(path, "postgresql://", 13) == 0) {
        PGconn *pg = bench_pg_connect(path);
        PGresult *r = PQexec(pg, sql);
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
            n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
        PQfinish(pg);
        return n;
    }
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void remove_db(const char *path)
{
    char p[4200];

    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

/*
 * Several threads storing at once, as lanternd's HTTP workers do: thread t
 * sends the batches of the kiosks whose index is t modulo the thread count
 * (so each kiosk's sequence stays in order), `batches` in all. With `raw`
 * (PostgreSQL) the threads send the same batches' bodies into the bare table
 * instead, each on a connection of its own: the baseline side by side.
 */
struct worker {
    struct lnt_store *s;
    struct world *w;
    enum variant v;
    size_t t, threads, batches;
    const char *raw;  /* the bare table's database, or NULL for the store */
    int64_t make_us;  /* time spent making batches, not storing them */
    int64_t store_us; /* time spent in lnt_store_events_insert */
    int64_t cpu_us;   /* CPU time of this thread in it */
};

static void *worker_main(void *arg)
{
    struct worker *wk = arg;
    struct lnt_event *ev = calloc(BATCH, sizeof *ev);
    struct lnt_ingest_result *res = calloc(BATCH, sizeof *res);
    char err[LNT_ERRBUF_SIZE] = "";
    size_t next = wk->t, ends[BATCH];
    PGconn *raw = wk->raw != NULL ? bench_pg_connect(wk->raw) : NULL;
    struct lnt_buf bodies;

    if (ev == NULL || res == NULL)
        die("out of memory");
    lnt_buf_init(&bodies, LNT_BATCH_BODY_MAX);
    for (size_t b = wk->t; b < wk->batches; b += wk->threads) {
        struct kiosk *k = &wk->w->kiosks[next];
        int64_t t0 = now_us(), t1, c1, cpu_raw = 0;

        next = (next + wk->threads) % VENUES;
        make_batch(wk->w, k, wk->v, ev);
        t1 = now_us();
        c1 = cpu_us();
        wk->make_us += t1 - t0;
        if (raw != NULL) {
            /* encoding is part of the store's work, and so of the baseline's */
            lnt_buf_reset(&bodies);
            for (size_t i = 0; i < BATCH; i++) {
                if (lnt_wire_event_encode(&ev[i], &bodies, err) != LNT_OK)
                    die(err);
                ends[i] = bodies.len;
            }
            (void)raw_insert_pg(raw, k->id, ev, &bodies, ends, &cpu_raw);
        } else if (lnt_store_events_insert(wk->s, k->id, lnt_time_now(), ev, BATCH, res, err) !=
                   LNT_OK) {
            die(err);
        }
        wk->cpu_us += cpu_us() - c1;
        wk->store_us += now_us() - t1;
    }
    PQfinish(raw);
    lnt_buf_release(&bodies);
    free(res);
    free(ev);
    return NULL;
}

/* events/s over the wall time of `batches` batches sent by `threads` threads (into the bare
 * table in database `raw` when given); *server_us adds the cluster's CPU time meanwhile. */
static double run_threads(struct lnt_store *s, const char *raw, struct world *w, enum variant v,
                          size_t threads, size_t batches, double *make_share, int64_t *server_us)
{
    pthread_t tid[8];
    struct worker wk[8];
    int64_t t0 = now_us(), wall, make = 0, store = 0, cpu = 0;
    long long s0 = server_us != NULL ? bench_pg_cpu_us(&g_pg) : 0;

    for (size_t t = 0; t < threads; t++) {
        wk[t] = (struct worker){s, w, v, t, threads, batches, raw, 0, 0, 0};
        if (pthread_create(&tid[t], NULL, worker_main, &wk[t]) != 0)
            die("cannot start a thread");
    }
    for (size_t t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        make += wk[t].make_us;
        store += wk[t].store_us;
        cpu += wk[t].cpu_us;
    }
    wall = now_us() - t0;
    if (server_us != NULL)
        *server_us += bench_pg_cpu_us(&g_pg) - s0;
    fprintf(stderr, "%s%s, %zu threads: mean batch %.2f ms, CPU %.2f ms\n", variant_names[v],
            raw != NULL ? " (bare table)" : "", threads, (double)store / (double)batches / 1000.0,
            (double)cpu / (double)batches / 1000.0);
    *make_share = (double)make / (double)threads / (double)wall;
    return (double)(batches * BATCH) * 1e6 / (double)wall;
}

#define SIDE_ROUNDS 2 /* rounds of the side-by-side comparison on PostgreSQL */

/*
 * PostgreSQL with `threads` threads, three ways in turn, SIDE_ROUNDS rounds of `batches`
 * batches each (so that load on the shared machine falls on all alike): the store storing one
 * group at a time (`one`, opened with LANTERN_PG_STORERS=1, as before groups were stored side
 * by side), the store as configured (`s`), and the bare table with a connection per thread.
 */
static void run_side_by_side(struct lnt_store *one, struct lnt_store *s, const char *raw,
                             struct world *w, enum variant v, const char *name, size_t threads,
                             size_t batches)
{
    double rate[3] = {0, 0, 0}, share;
    int64_t server[3] = {0, 0, 0};
    struct lnt_ingest_stats st;
    const char *what[3] = {"one group at a time", "groups side by side", "bare table"};

    lnt_store_ingest_stats(s, &st);
    for (int r = 0; r < SIDE_ROUNDS; r++) {
        rate[0] += run_threads(one, NULL, w, v, threads, batches, &share, &server[0]);
        rate[1] += run_threads(s, NULL, w, v, threads, batches, &share, &server[1]);
        rate[2] += run_threads(NULL, raw, w, v, threads, batches, &share, &server[2]);
    }
    for (int i = 0; i < 3; i++) {
        char label[96];

        if (i == 1)
            snprintf(label, sizeof label, "store, %zu threads, %u groups side by side", threads,
                     st.storers);
        else
            snprintf(label, sizeof label, "%s, %zu threads, %s", i == 2 ? "bare table" : "store",
                     threads, i == 2 ? "a connection each" : what[i]);
        printf("| %s | %s, wall clock | %.0f | | | | | %.2f ms | %.2f |\n", name, label,
               rate[i] / SIDE_ROUNDS, (double)server[i] / (double)(SIDE_ROUNDS * batches) / 1000.0,
               rate[i] / rate[2]);
    }
}

static void run(enum variant v, bool pg, const char *dir, size_t warmup, size_t batches,
                size_t threads, bool keep)
{
    struct world *w = calloc(1, sizeof *w);
    struct lnt_event *ev = calloc(BATCH, sizeof *ev);
    struct lnt_ingest_result *res = calloc(BATCH, sizeof *res);
    struct series store = {calloc(batches, sizeof(int64_t)), 0, 0, 0, 0};
    struct series raw = {calloc(batches, sizeof(int64_t)), 0, 0, 0, 0};
    char path[4096], raw_path[4096], keys[4200], name[64], err[LNT_ERRBUF_SIZE] = "";
    struct lnt_store *s = NULL;
    struct lnt_buf bodies;
    size_t ends[BATCH];
    sqlite3 *rdb = NULL;
    sqlite3_stmt *rst = NULL;
    PGconn *rpg = NULL;
    int64_t t_setup = now_us(), encode_us = 0;

    if (w == NULL || ev == NULL || res == NULL || store.us == NULL || raw.us == NULL)
        die("out of memory");
    w->rng = 0x9e3779b97f4a7c15ULL + (uint64_t)v;
    snprintf(name, sizeof name, "%s (%s)", variant_names[v], pg ? "PostgreSQL" : "SQLite");
    if (pg) {
        /* a database each, in the run's cluster; the scheme's keys in a file beside it */
        char db[64];

        snprintf(keys, sizeof keys, "%s/keys-%s", dir, variant_names[v]);
        snprintf(db, sizeof db, "store_%s", variant_names[v]);
        bench_pg_db(&g_pg, db, path);
        snprintf(db, sizeof db, "raw_%s", variant_names[v]);
        bench_pg_db(&g_pg, db, raw_path);
        make_db(path, keys, w);
        rpg = make_raw_pg(raw_path);
    } else {
        snprintf(path, sizeof path, "%s/store-%s.db", dir, variant_names[v]);
        snprintf(raw_path, sizeof raw_path, "%s/raw-%s.db", dir, variant_names[v]);
        remove_db(path);
        remove_db(raw_path);
        make_db(path, NULL, w);
        rdb = make_raw(raw_path);
        if (sqlite3_prepare_v2(rdb, "INSERT INTO raw (kiosk_id, seq, body) VALUES (?1, ?2, ?3)", -1,
                               &rst, NULL) != SQLITE_OK)
            die(sqlite3_errmsg(rdb));
    }
    if (lnt_store_open_keys(&s, path, pg ? keys : NULL, err) != LNT_OK)
        die(err);
    lnt_buf_init(&bodies, LNT_BATCH_BODY_MAX);
    fprintf(stderr, "%s: set up in %.1f s; %zu warm-up and %zu timed batches of %d\n", name,
            (double)(now_us() - t_setup) / 1e6, warmup, batches, BATCH);

    for (size_t b = 0; b < warmup + batches; b++) {
        struct kiosk *k = &w->kiosks[b % VENUES];
        int64_t t0, c0, us_store, us_raw, cpu_store, cpu_raw, s0, s1, s2;

        make_batch(w, k, v, ev);
        lnt_buf_reset(&bodies);
        c0 = cpu_us();
        for (size_t i = 0; i < BATCH; i++) {
            if (lnt_wire_event_encode(&ev[i], &bodies, err) != LNT_OK)
                die(err);
            ends[i] = bodies.len;
        }
        if (b >= warmup)
            encode_us += cpu_us() - c0;
        s0 = pg && b >= warmup ? bench_pg_cpu_us(&g_pg) : 0;
        t0 = now_us();
        c0 = cpu_us();
        if (lnt_store_events_insert(s, k->id, lnt_time_now(), ev, BATCH, res, err) != LNT_OK)
            die(err);
        cpu_store = cpu_us() - c0;
        us_store = now_us() - t0;
        s1 = pg && b >= warmup ? bench_pg_cpu_us(&g_pg) : 0;
        for (size_t i = 0; i < BATCH; i++)
            if (res[i].status != LNT_INGEST_ACCEPTED)
                die("an event was not accepted");
        us_raw = pg ? raw_insert_pg(rpg, k->id, ev, &bodies, ends, &cpu_raw)
                    : raw_insert(rdb, rst, k->id, ev, &bodies, ends, &cpu_raw);
        s2 = pg && b >= warmup ? bench_pg_cpu_us(&g_pg) : 0;
        if (b < warmup)
            continue;
        store.us[store.n++] = us_store;
        store.total_us += us_store;
        store.cpu_us += cpu_store;
        store.server_us += s1 - s0;
        raw.server_us += s2 - s1;
        raw.us[raw.n++] = us_raw;
        raw.total_us += us_raw;
        raw.cpu_us += cpu_raw;
    }
    sqlite3_finalize(rst);
    sqlite3_close(rdb);
    PQfinish(rpg);

    qsort(store.us, store.n, sizeof *store.us, cmp_i64);
    qsort(raw.us, raw.n, sizeof *raw.us, cmp_i64);
    {
        double ev_store = (double)(store.n * BATCH) * 1e6 / (double)store.total_us;
        double ev_raw = (double)(raw.n * BATCH) * 1e6 / (double)raw.total_us;
        char srv_raw[32] = "", srv_store[32] = "";

        if (pg) {
            snprintf(srv_raw, sizeof srv_raw, "%.2f ms",
                     (double)raw.server_us / (double)raw.n / 1000.0);
            snprintf(srv_store, sizeof srv_store, "%.2f ms",
                     (double)store.server_us / (double)store.n / 1000.0);
        }
        printf("| %s | bare table (baseline) | %.0f | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %s | "
               "|\n",
               name, ev_raw, pct_ms(&raw, 0.50), pct_ms(&raw, 0.99), pct_ms(&raw, 1.0),
               (double)raw.cpu_us / (double)raw.n / 1000.0, srv_raw);
        printf("| %s | store | %.0f | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %s | %.2f |\n", name,
               ev_store, pct_ms(&store, 0.50), pct_ms(&store, 0.99), pct_ms(&store, 1.0),
               (double)store.cpu_us / (double)store.n / 1000.0, srv_store, ev_store / ev_raw);
    }
    if (threads > 1) {
        double share1, shareN, one = run_threads(s, NULL, w, v, 1, batches, &share1, NULL);
        double many = run_threads(s, NULL, w, v, threads, batches, &shareN, NULL);
        printf("| %s | store, 1 thread, wall clock | %.0f | | | | | | |\n", name, one);
        printf("| %s | store, %zu threads, wall clock | %.0f | | | | | | %.2fx 1 thread |\n", name,
               threads, many, many / one);
        fprintf(stderr,
                "%s: making the batches took %.0f%% (1 thread) and %.0f%% (%zu threads) "
                "of the wall time\n",
                name, share1 * 100, shareN * 100, threads);
    }
    if (threads > 1 && pg) {
        struct lnt_store *one = NULL;

        /* the same database, storing one group at a time as before (read once, at open) */
        if (setenv("LANTERN_PG_STORERS", "1", 1) != 0 ||
            lnt_store_open_keys(&one, path, keys, err) != LNT_OK)
            die(err);
        (void)unsetenv("LANTERN_PG_STORERS");
        run_side_by_side(one, s, raw_path, w, v, name, threads, batches);
        lnt_store_free(one);
    }
    lnt_store_free(s);
    fprintf(stderr,
            "%s: canonical JSON of a batch (lnt_wire_event_encode, part of the store's "
            "work): %.2f ms CPU\n",
            name, (double)encode_us / (double)batches / 1000.0);
    fprintf(stderr,
            "%s: rows: events %" PRId64 ", shifts %" PRId64 " (open %" PRId64
            "), incidents %" PRId64 ", flags %" PRId64 "\n",
            name, count_rows(path, "SELECT count(*) FROM events"),
            count_rows(path, "SELECT count(*) FROM shifts"),
            count_rows(path, "SELECT count(*) FROM shifts WHERE off_at IS NULL"),
            count_rows(path, "SELECT count(*) FROM incidents"),
            count_rows(path, "SELECT count(*) FROM flags"));
    if (pg) {
        printf("\nServer time by statement, %s (pg_stat_statements):\n", name);
        bench_pg_statements(path, 14);
        printf("\n");
    }
    fflush(stdout);
    if (!keep && pg)
        unlink(keys);
    if (!keep && !pg) {
        remove_db(path);
        remove_db(raw_path);
    }
    lnt_buf_release(&bodies);
    free(store.us);
    free(raw.us);
    free(res);
    free(ev);
    free(w);
}

static size_t count_arg(const char *s, int64_t min, const char *what)
{
    int64_t v;

    if (lnt_parse_i64(s, min, 1000000, &v) != LNT_OK) {
        fprintf(stderr, "bench_store_ingest: %s must be %" PRId64 "-1000000\n", what, min);
        exit(2);
    }
    return (size_t)v;
}

int main(int argc, char **argv)
{
    size_t batches = 1000, warmup = 500;
    const char *dir = NULL, *only = NULL;
    char tmpl[] = "/var/tmp/bench_store_ingest.XXXXXX";
    bool made = false, keep = false;
    size_t threads = 2;
    bool on_sqlite = true, on_pg = true;
    int pg_version = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--batches") == 0 && i + 1 < argc)
            batches = count_arg(argv[++i], 1, "--batches");
        else if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc)
            warmup = count_arg(argv[++i], 0, "--warmup");
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
            threads = count_arg(argv[++i], 1, "--threads");
        else if (strcmp(argv[i], "--backends") == 0 && i + 1 < argc) {
            on_sqlite = strstr(argv[i + 1], "sqlite") != NULL;
            on_pg = strstr(argv[++i], "postgresql") != NULL;
        } else if (strcmp(argv[i], "--keep") == 0)
            keep = true;
        else if (strcmp(argv[i], "--event-ids") == 0 && i + 1 < argc &&
                 (strcmp(argv[i + 1], "v4") == 0 || strcmp(argv[i + 1], "v7") == 0))
            g_random_ids = strcmp(argv[++i], "v4") == 0;
        else {
            fprintf(stderr, "usage: bench_store_ingest [--batches N] [--warmup N] [--dir DIR] "
                            "[--only mix|sign_in|incidents] [--threads N] [--event-ids v7|v4] "
                            "[--backends sqlite,postgresql] [--keep]\n");
            return 2;
        }
    }
    if (lnt_crypto_init() != LNT_OK)
        die("libsodium did not initialise");
    if (dir == NULL) {
        dir = mkdtemp(tmpl);
        if (dir == NULL)
            die("cannot make a directory under /var/tmp");
        made = true;
    }
    if (threads > 8) {
        fprintf(stderr, "bench_store_ingest: --threads must be 1-8\n");
        return 2;
    }
    if (on_pg) {
        char pgdir[4200];
        PGconn *pg;

        /* the server runs as postgres when we are root: it must reach its directory */
        if (geteuid() == 0 && chmod(dir, 0711) != 0)
            die("cannot open the run's directory to the postgres user");
        snprintf(pgdir, sizeof pgdir, "%s/pg", dir);
        bench_pg_start(&g_pg, pgdir);
        pg = bench_pg_connect(g_pg.uri);
        pg_version = PQserverVersion(pg);
        PQfinish(pg);
    }
    printf("bench_store_ingest --batches %zu --warmup %zu --threads %zu --event-ids %s --dir %s "
           "--backends %s%s%s (SQLite %s, synchronous=FULL, WAL; PostgreSQL %d.%d, fsync on, "
           "synchronous_commit on)\n\n",
           batches, warmup, threads, g_random_ids ? "v4" : "v7", dir, on_sqlite ? "sqlite" : "",
           on_sqlite && on_pg ? "," : "", on_pg ? "postgresql" : "", sqlite3_libversion(),
           pg_version / 10000, pg_version % 10000);
    printf("| events | into | events/s | p50 batch | p99 batch | max batch | CPU per batch | "
           "server CPU per batch | vs baseline |\n");
    printf("|---|---|---|---|---|---|---|---|---|\n");
    fflush(stdout);
    for (int v = 0; v < V__N; v++) {
        if (only != NULL && strcmp(only, variant_names[v]) != 0)
            continue;
        if (on_sqlite)
            run((enum variant)v, false, dir, warmup, batches, threads, keep);
        if (on_pg)
            run((enum variant)v, true, dir, warmup, batches, threads, keep);
    }
    if (on_pg && !keep)
        bench_pg_stop(&g_pg);
    if (keep)
        fprintf(stderr, "bench_store_ingest: databases kept in %s\n", dir);
    else if (made && rmdir(dir) != 0)
        fprintf(stderr, "bench_store_ingest: cannot remove %s: %s\n", dir, strerror(errno));
    return 0;
}
