/* bench_query.c - officers' API queries against lanternd on SQLite and on PostgreSQL in one run,
 * with 10,000 venues and a year of data: the venue list (first page, a filtered page) and one
 * venue's detail, against /healthz on the same server. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "bench_http.h"
#include "bench_pg.h"
#include "bench_views_data.h"
#include "codec.h"
#include "log.h"
#include "ltime.h"
#include "night.h"
#include "store.h"

/*
 * For each backend in turn (--backends, both by default): a store with N venues in four
 * licensing authorities and D nights of what ingest derives from door supervisors signing in
 * and out every Friday and Saturday and an incident every sixth trading night, written with
 * plain SQL (bench_views_data.c: the same rows on both backends); then the real lanternd on
 * it (127.0.0.1) and, from C concurrent keep-alive libcurl clients, R requests each of:
 * /healthz (the baseline, the same server in the same run), the venue list's first page with
 * a scheme-wide admin token, a filtered page (an authority's token, its 40th venue onwards, a
 * 90-night window) and random venues' details. The first request of each list page is timed
 * on its own (it may score the page's venues); times are client-side, loopback round trip
 * included.
 *
 *   bench_query [--backends sqlite,postgresql] [VENUES [DAYS [REQUESTS [CONNS [DB]]]]]
 *                                                   (10000 365 1000 8, temp file)
 *
 * SQLite's database is a file in the run's directory (on /dev/shm when it can be), or DB: a DB
 * that exists is used as it is (no loading), so one run can build it and later ones measure
 * without waiting. PostgreSQL's is a throwaway cluster in the run's directory (bench_pg.c:
 * fsync and synchronous_commit on), with the scheme's key file beside it for lanternd's --keys,
 * stopped and removed at the end. The rest of the run's directory (SQLite's temp database,
 * lanternd's log) is removed too, unless LNT_BENCH_KEEP is set.
 */

struct options {
    int venues, days, conns;
    size_t requests;
    const char *db; /* SQLite file to use or make; NULL = in the run's directory */
    bool sqlite, pg;
    char lanternd[4200];
    char dir[256]; /* the run's directory */
};

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_query: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

/* An API token (role admin) for `authority` ("" = the whole scheme). */
static void make_token(const char *db, const char *keys, const char *authority,
                       char out[LNT_TOKEN_LEN + 1])
{
    struct lnt_store *s = NULL;
    struct lnt_token t;
    char err[LNT_ERRBUF_SIZE] = "";

    memset(&t, 0, sizeof t);
    snprintf(t.label, sizeof t.label, "bench %s", authority[0] ? authority : "scheme");
    t.scope.role = LNT_OFFICER_ADMIN;
    lnt_str_copy(t.scope.authority, sizeof t.scope.authority, authority);
    if (lnt_store_open_keys(&s, db, keys, err) != LNT_OK ||
        lnt_store_token_add(s, &t, lnt_time_now(), out, err) != LNT_OK)
        die("token", err);
    lnt_store_free(s);
}

/* A new scheme (its keys in `keys`, NULL = beside a SQLite file) and the year of data. */
static void make_db(const struct options *o, struct bench_views_db *db, const char *keys)
{
    struct lnt_store *s = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t now = lnt_time_now();
    int32_t today = lnt_night_of(now);

    if (lnt_store_open_keys(&s, db->target, keys, err) != LNT_OK ||
        lnt_store_scheme_init(s, "BENCH", err) != LNT_OK)
        die(db->target, err);
    lnt_store_free(s);
    bench_views_load(db, keys, o->venues, today - o->days, today - 1, now);
}

/* ---- the load ---- */

/* One series of requests: its row name is the backend's name and `what`. */
struct series {
    struct lnt_bench_series s;
    char name[160];
};

static void series_init(struct series *x, const char *backend, const char *what, const char *token,
                        size_t n, const char *base)
{
    char err[LNT_ERRBUF_SIZE] = "";

    snprintf(x->name, sizeof x->name, "%s: %s", backend, what);
    if (lnt_bench_series_init(&x->s, "bench_query", x->name, token, n, base, err) != LNT_OK)
        die("series", err);
}

/* Sends every request of x (all to `path` when it is not NULL) from `conns` connections. */
static void run(struct series *x, const char *path, int conns)
{
    char err[LNT_ERRBUF_SIZE] = "";

    for (size_t i = 0; path != NULL && i < x->s.n; i++)
        lnt_str_copy(x->s.paths[i], sizeof x->s.paths[i], path);
    if (lnt_bench_run(&x->s, conns, err) != LNT_OK)
        die("run", err);
}

/* Starts lanternd on `target` (with --keys `keys` unless NULL), times every series against it,
 * stops it. Returns the number of requests not answered 200. */
static int measure(const struct options *o, const char *backend, const char *target,
                   const char *keys)
{
    char scheme_token[LNT_TOKEN_LEN + 1], north_token[LNT_TOKEN_LEN + 1];
    char base[64], err[LNT_ERRBUF_SIZE] = "";
    const char *filtered_path = "/api/v1/venues?offset=40&limit=50&nights=90";
    struct series hz, first, filtered, detail, cold, cold_filtered;
    struct series *all[] = {&cold, &hz, &first, &cold_filtered, &filtered, &detail};
    unsigned port = 0;
    int status, errors = 0;
    pid_t server;

    make_token(target, keys, "", scheme_token);
    make_token(target, keys, "North", north_token);
    server = lnt_bench_lanternd_start(o->lanternd, target, keys, o->dir, &port, err);
    if (server < 0)
        die("lanternd", err);
    snprintf(base, sizeof base, "http://127.0.0.1:%u", port);
    lnt_bench_print_header();

    series_init(&cold, backend, "`GET /api/v1/venues`, the first request after start", scheme_token,
                1, base);
    run(&cold, "/api/v1/venues", 1);
    series_init(&hz, backend, "`GET /healthz` (baseline)", NULL, o->requests, base);
    run(&hz, "/healthz", o->conns);
    series_init(&first, backend, "`GET /api/v1/venues` (first page, 100 venues, scheme token)",
                scheme_token, o->requests, base);
    run(&first, "/api/v1/venues", o->conns);
    series_init(&cold_filtered, backend, "the filtered page, its first request", north_token, 1,
                base);
    run(&cold_filtered, filtered_path, 1);
    series_init(&filtered, backend,
                "`GET /api/v1/venues?offset=40&limit=50&nights=90` (an authority's token)",
                north_token, o->requests, base);
    run(&filtered, filtered_path, o->conns);
    series_init(&detail, backend, "`GET /api/v1/venues/{id}` (random venue)", scheme_token,
                o->requests, base);
    srand(7); /* the same venues on both backends */
    for (size_t i = 0; i < detail.s.n; i++)
        snprintf(detail.s.paths[i], sizeof detail.s.paths[i], "/api/v1/venues/%d",
                 1 + rand() % o->venues);
    run(&detail, NULL, o->conns);

    kill(server, SIGTERM);
    waitpid(server, &status, 0);
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        errors += all[i]->s.errors;
        lnt_bench_series_release(&all[i]->s);
    }
    return errors;
}

/* ---- the backends ---- */

static int on_sqlite(const struct options *o)
{
    struct bench_views_db db = {.name = "SQLite"};
    char path[4200], keys[512];
    struct stat st;

    /* a DB named on the command line keeps its keys beside it, as lanternd's default */
    if (o->db != NULL) {
        if (lnt_str_copy(path, sizeof path, o->db) != LNT_OK)
            die("the database's path is too long", o->db);
    } else {
        snprintf(path, sizeof path, "%s/bench.db", o->dir);
    }
    snprintf(keys, sizeof keys, "%s/sqlite.keys", o->dir);
    db.target = path;
    if (stat(path, &st) == 0)
        printf("SQLite: using the existing database %s (%lld MB)\n", path,
               (long long)(st.st_size >> 20));
    else
        make_db(o, &db, o->db != NULL ? NULL : keys);
    return measure(o, db.name, path, o->db != NULL ? NULL : keys);
}

static int on_postgresql(const struct options *o)
{
    struct bench_views_db db = {.name = "PostgreSQL", .pg = true};
    struct bench_pg cluster;
    char pgdir[512], keys[512], uri[BENCH_PG_URI_MAX];
    int errors;

    snprintf(pgdir, sizeof pgdir, "%s/pg", o->dir);
    snprintf(keys, sizeof keys, "%s/pg.keys", o->dir);
    bench_pg_start(&cluster, pgdir);
    bench_pg_db(&cluster, "lantern", uri);
    db.target = uri;
    make_db(o, &db, keys);
    errors = measure(o, db.name, uri, keys);
    bench_pg_stop(&cluster);
    unlink(keys);
    return errors;
}

/* ---- the command line ---- */

static void usage(void)
{
    fprintf(stderr, "usage: bench_query [--backends sqlite,postgresql] "
                    "[VENUES [DAYS [REQUESTS [CONNS [DB]]]]]\n");
    exit(2);
}

static void parse(int argc, char **argv, struct options *o)
{
    int64_t args[4] = {10000, 365, 1000, 8};
    const int64_t lo[4] = {1, 1, 1, 1}, hi[4] = {100000, 1100, 1000000, LNT_BENCH_CONNS_MAX};
    char self[4096];
    ssize_t len;
    int a = 1, k = 0;

    memset(o, 0, sizeof *o);
    o->sqlite = o->pg = true;
    if (argc > 2 && strcmp(argv[1], "--backends") == 0) {
        o->sqlite = strstr(argv[2], "sqlite") != NULL;
        o->pg = strstr(argv[2], "postgresql") != NULL;
        if (!o->sqlite && !o->pg)
            usage();
        a = 3;
    }
    for (; a < argc && k < 4; a++, k++)
        if (lnt_parse_i64(argv[a], lo[k], hi[k], &args[k]) != LNT_OK)
            usage();
    if (a < argc)
        o->db = argv[a++];
    if (a < argc)
        usage();
    o->venues = (int)args[0];
    o->days = (int)args[1];
    o->requests = (size_t)args[2];
    o->conns = (int)args[3];
    len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0)
        die("readlink /proc/self/exe", NULL);
    self[len] = '\0';
    *strrchr(self, '/') = '\0';
    snprintf(o->lanternd, sizeof o->lanternd, "%s/lanternd", self);
}

int main(int argc, char **argv)
{
    struct options o;
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    int errors = 0;

    parse(argc, argv, &o);
    lnt_log_init("bench_query", LNT_LOG_WARN);
    if (lnt_crypto_init() != LNT_OK || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        die("cannot initialise the libraries", NULL);
    snprintf(o.dir, sizeof o.dir, "%s/lantern-query-XXXXXX", tmp);
    if (mkdtemp(o.dir) == NULL)
        die("mkdtemp", o.dir);
    /* the cluster runs as postgres when we are root: it must reach its directory */
    if (o.pg && geteuid() == 0 && chmod(o.dir, 0711) != 0)
        die("cannot open the run's directory to the postgres user", o.dir);
    printf("command: %s --backends %s%s%s %d %d %zu %d %s\n", argv[0], o.sqlite ? "sqlite" : "",
           o.sqlite && o.pg ? "," : "", o.pg ? "postgresql" : "", o.venues, o.days, o.requests,
           o.conns, o.db != NULL ? o.db : "(temp db)");
    if (o.sqlite)
        errors += on_sqlite(&o);
    if (o.pg)
        errors += on_postgresql(&o);
    if (getenv("LNT_BENCH_KEEP") == NULL) {
        const char *leave[] = {"bench.db",    "bench.db-wal", "bench.db-shm",
                               "sqlite.keys", "port",         "lanternd.log"};
        char p[4300];

        for (size_t i = 0; i < sizeof leave / sizeof leave[0]; i++) {
            snprintf(p, sizeof p, "%s/%s", o.dir, leave[i]);
            unlink(p);
        }
        if (rmdir(o.dir) != 0)
            fprintf(stderr, "bench_query: %s is left: it holds more than this run made\n", o.dir);
    } else {
        printf("the run's files are left in %s\n", o.dir);
    }
    curl_global_cleanup();
    return errors == 0 ? 0 : 1;
}
