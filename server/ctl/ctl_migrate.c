/*
 * ctl_migrate.c - `lanternctl migrate --to postgresql://...`: copies the --db SQLite database
 * into an empty PostgreSQL database at the same schema version, table by table in one
 * transaction, then checks it before committing (rows per table counted, each table's rows
 * digested on both sides) and afterwards compares every venue's score (docs/scale.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codec.h"
#include "ctl.h"
#include "ctl_migrate.h"
#include "ltime.h"
#include "score_load.h"

/* Tables the PostgreSQL migrations write rows into (assets/sql/postgresql 002, 007, 014,
 * 015): an empty database holds those rows; the SQLite database's replace them. */
static const char *const seeded[] = {"counters", "required_training", "alert_delivery_cursor"};

struct mig {
    struct lnt_ctl *c;
    const char *to;
    sqlite3 *db;             /* the --db file, read-only, one read transaction */
    PGconn *pg;              /* the target, one transaction */
    struct lnt_mig_table *t; /* [LNT_MIG_TABLES] */
    int n;
    int edges[LNT_MIG_TABLES * 4][2]; /* foreign keys: [child, parent] */
    int nedges;
    char err[LNT_ERRBUF_SIZE];
};

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* A catalog name lanternctl puts between double quotes: letters, digits and _ only. */
static bool plain_name(const char *s)
{
    if (s[0] == '\0')
        return false;
    for (; *s != '\0'; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* Runs a query on the target (text results); NULL after printing the error. */
static PGresult *pg_query(struct mig *m, const char *sql, const char *what)
{
    PGresult *r = PQexec(m->pg, sql);
    ExecStatusType st = PQresultStatus(r);

    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        const char *e = PQerrorMessage(m->pg);
        (void)lnt_ctl_fail("migrate: %s: %.*s", what, (int)strcspn(e, "\n"), e);
        PQclear(r);
        return NULL;
    }
    return r;
}

static int find_table(const struct mig *m, const char *name)
{
    for (int i = 0; i < m->n; i++)
        if (strcmp(m->t[i].name, name) == 0)
            return i;
    return -1;
}

static int find_col(const struct lnt_mig_table *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return i;
    return -1;
}

/* The target's tables, columns, primary keys, foreign keys and identity columns. */
static int load_schema(struct mig *m)
{
    PGresult *r;
    int rc = LNT_CTL_OK;

    r = pg_query(m,
                 "SELECT table_name, column_name, data_type, "
                 "(is_identity = 'YES' OR column_default LIKE 'nextval(%')::int "
                 "FROM information_schema.columns WHERE table_schema = current_schema() "
                 "AND table_name <> 'schema_version' ORDER BY table_name, ordinal_position",
                 "reading the target's tables");
    if (r == NULL)
        return LNT_CTL_FAIL;
    for (int i = 0; i < PQntuples(r) && rc == LNT_CTL_OK; i++) {
        const char *tn = PQgetvalue(r, i, 0), *cn = PQgetvalue(r, i, 1), *ty = PQgetvalue(r, i, 2);
        int ti = find_table(m, tn);
        struct lnt_mig_col *col;

        if (!plain_name(tn) || !plain_name(cn) || strlen(tn) >= LNT_MIG_NAME ||
            strlen(cn) >= LNT_MIG_NAME) {
            rc = lnt_ctl_fail("migrate: the target has a table or column lanternctl does not "
                              "know: %s.%s",
                              tn, cn);
            break;
        }
        if (ti < 0) {
            if (m->n >= LNT_MIG_TABLES) {
                rc = lnt_ctl_fail("migrate: the target has more than %d tables", LNT_MIG_TABLES);
                break;
            }
            ti = m->n++;
            (void)lnt_str_copy(m->t[ti].name, sizeof m->t[ti].name, tn);
            for (size_t k = 0; k < sizeof seeded / sizeof seeded[0]; k++)
                m->t[ti].seeded |= strcmp(tn, seeded[k]) == 0;
        }
        if (m->t[ti].ncols >= LNT_MIG_COLS) {
            rc = lnt_ctl_fail("migrate: table %s has more than %d columns", tn, LNT_MIG_COLS);
            break;
        }
        col = &m->t[ti].cols[m->t[ti].ncols++];
        (void)lnt_str_copy(col->name, sizeof col->name, cn);
        col->identity = strcmp(PQgetvalue(r, i, 3), "1") == 0;
        if (strcmp(ty, "bigint") == 0)
            col->type = LNT_MIG_BIGINT;
        else if (strcmp(ty, "double precision") == 0)
            col->type = LNT_MIG_DOUBLE;
        else if (strcmp(ty, "text") == 0)
            col->type = LNT_MIG_TEXT;
        else if (strcmp(ty, "bytea") == 0)
            col->type = LNT_MIG_BYTEA;
        else
            rc = lnt_ctl_fail("migrate: %s.%s is of type %s, which lanternctl does not copy", tn,
                              cn, ty);
    }
    PQclear(r);
    if (rc != LNT_CTL_OK)
        return rc;
    /* primary keys, in key order */
    r = pg_query(m,
                 "SELECT c.relname, a.attname FROM pg_index i "
                 "JOIN pg_class c ON c.oid = i.indrelid "
                 "JOIN pg_namespace n ON n.oid = c.relnamespace "
                 "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
                 "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                 "WHERE i.indisprimary AND n.nspname = current_schema() ORDER BY c.relname, k.ord",
                 "reading the target's primary keys");
    if (r == NULL)
        return LNT_CTL_FAIL;
    for (int i = 0; i < PQntuples(r); i++) {
        int ti = find_table(m, PQgetvalue(r, i, 0));
        int ci = ti >= 0 ? find_col(&m->t[ti], PQgetvalue(r, i, 1)) : -1;

        if (ci >= 0 && m->t[ti].npk < LNT_MIG_COLS)
            m->t[ti].pk[m->t[ti].npk++] = ci;
    }
    PQclear(r);
    /* foreign keys: a table is copied after those it refers to */
    r = pg_query(m,
                 "SELECT c.relname, p.relname FROM pg_constraint k "
                 "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid "
                 "JOIN pg_namespace n ON n.oid = c.relnamespace "
                 "WHERE k.contype = 'f' AND n.nspname = current_schema()",
                 "reading the target's foreign keys");
    if (r == NULL)
        return LNT_CTL_FAIL;
    for (int i = 0; i < PQntuples(r); i++) {
        int child = find_table(m, PQgetvalue(r, i, 0)), parent = find_table(m, PQgetvalue(r, i, 1));

        if (child >= 0 && parent >= 0 && child != parent &&
            m->nedges < (int)(sizeof m->edges / sizeof m->edges[0])) {
            m->edges[m->nedges][0] = child;
            m->edges[m->nedges][1] = parent;
            m->nedges++;
        }
    }
    PQclear(r);
    return LNT_CTL_OK;
}

/* The SQLite database's tables are the target's: none missing, none left over. */
static int same_tables(struct mig *m)
{
    sqlite3_stmt *st = NULL;
    int rc = LNT_CTL_OK, found = 0;

    if (sqlite3_prepare_v2(m->db,
                           "SELECT name FROM sqlite_master WHERE type = 'table' "
                           "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        return lnt_ctl_fail("migrate: reading %s: %s", m->c->db_path, sqlite3_errmsg(m->db));
    while (rc == LNT_CTL_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);

        if (find_table(m, name) < 0)
            rc = lnt_ctl_fail("migrate: table %s of %s has no counterpart in the target", name,
                              m->c->db_path);
        found++;
    }
    sqlite3_finalize(st);
    if (rc == LNT_CTL_OK && found != m->n)
        rc = lnt_ctl_fail("migrate: the target has %d tables, %s has %d: are both at the same "
                          "schema version?",
                          m->n, m->c->db_path, found);
    return rc;
}

/* Refuses a target that holds data: only the migrations' own rows may be there. */
static int target_empty(struct mig *m)
{
    char sql[256];

    for (int i = 0; i < m->n; i++) {
        PGresult *r;
        bool any;

        if (m->t[i].seeded)
            continue;
        snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" LIMIT 1", m->t[i].name);
        if ((r = pg_query(m, sql, "looking at the target")) == NULL)
            return LNT_CTL_FAIL;
        any = PQntuples(r) > 0;
        PQclear(r);
        if (any)
            return lnt_ctl_fail("migrate: the target already holds data (table %s has rows): "
                                "migrate copies into an empty database only; nothing was copied",
                                m->t[i].name);
    }
    return LNT_CTL_OK;
}

/* The next table whose parents are all copied; -1 when none is left (or a cycle). */
static int next_table(const struct mig *m)
{
    for (int i = 0; i < m->n; i++) {
        bool ready = !m->t[i].done;

        for (int e = 0; e < m->nedges && ready; e++)
            if (m->edges[e][0] == i && !m->t[m->edges[e][1]].done)
                ready = false;
        if (ready)
            return i;
    }
    return -1;
}

static int copy_all(struct mig *m)
{
    char sql[512];
    int copied = 0, i;

    for (i = 0; i < m->n; i++) {
        if (!m->t[i].seeded)
            continue;
        PGresult *r;

        snprintf(sql, sizeof sql, "DELETE FROM \"%s\"", m->t[i].name);
        if ((r = pg_query(m, sql, "clearing the migrations' rows")) == NULL)
            return LNT_CTL_FAIL;
        PQclear(r);
    }
    while ((i = next_table(m)) >= 0) {
        if (lnt_mig_copy(m->db, m->pg, &m->t[i], m->err) != LNT_OK)
            return lnt_ctl_fail("migrate: %s; nothing was copied", m->err);
        m->t[i].done = true;
        copied++;
    }
    if (copied != m->n)
        return lnt_ctl_fail("migrate: the target's foreign keys go round in a circle");
    /* ids handed out from now on follow the copied ones */
    for (i = 0; i < m->n; i++) {
        for (int k = 0; k < m->t[i].ncols; k++) {
            const char *t = m->t[i].name, *col = m->t[i].cols[k].name;
            PGresult *r;

            if (!m->t[i].cols[k].identity)
                continue;
            snprintf(sql, sizeof sql,
                     "SELECT setval(pg_get_serial_sequence('\"%s\"', '%s'), "
                     "coalesce((SELECT max(\"%s\") FROM \"%s\"), 1), "
                     "(SELECT max(\"%s\") FROM \"%s\") IS NOT NULL)",
                     t, col, col, t, col, t);
            if ((r = pg_query(m, sql, "advancing an id sequence")) == NULL)
                return LNT_CTL_FAIL;
            PQclear(r);
        }
    }
    return LNT_CTL_OK;
}

/* Counts and digests every table on both sides; LNT_CTL_FAIL naming those that differ. */
static int verify(struct mig *m)
{
    int bad = 0;

    for (int i = 0; i < m->n; i++) {
        struct lnt_mig_table *t = &m->t[i];

        if (lnt_mig_digest(m->db, m->pg, t, m->err) != LNT_OK)
            return lnt_ctl_fail("migrate: checking: %s; nothing was copied", m->err);
        if (t->rows[0] != t->rows[1] || memcmp(t->digest[0], t->digest[1], LNT_MIG_DIGEST) != 0) {
            lnt_ctl_warn("table %s: SQLite %" PRId64 " rows, PostgreSQL %" PRId64 " rows%s",
                         t->name, t->rows[0], t->rows[1],
                         t->rows[0] == t->rows[1] ? ", with different contents" : "");
            bad++;
        }
    }
    if (bad > 0)
        return lnt_ctl_fail("migrate: %d table%s differ after copying; nothing was copied", bad,
                            bad == 1 ? "" : "s");
    return LNT_CTL_OK;
}

static int print_tables(const struct mig *m)
{
    int rc = LNT_CTL_OK;

    for (int i = 0; i < m->n && rc == LNT_CTL_OK; i++) {
        struct lnt_ctl_out o;
        char hex[LNT_HEX_LEN(LNT_MIG_DIGEST)];

        lnt_hex_encode(m->t[i].digest[1], LNT_MIG_DIGEST, hex);
        lnt_ctl_out_begin(&o, m->c, true);
        lnt_ctl_out_str(&o, "table", m->t[i].name);
        lnt_ctl_out_int(&o, "rows", m->t[i].rows[1]);
        lnt_ctl_out_str(&o, "digest", hex);
        rc = lnt_ctl_out_end(&o);
    }
    return rc;
}

/* Every venue's score from both databases at one instant. *compared is the number of venues
 * whose scores were compared (all equal when LNT_CTL_OK); `note` says why none were. */
static int compare_scores(struct mig *m, struct lnt_store *dst, const int64_t *ids, size_t n,
                          int64_t *compared, char *note, size_t note_size)
{
    struct lnt_score_rules rules = {0};
    struct lnt_buf a, b;
    int64_t at = lnt_time_now();
    int rc = LNT_CTL_OK, differ = 0;

    *compared = 0;
    lnt_buf_init(&a, (size_t)64 << 20);
    lnt_buf_init(&b, (size_t)64 << 20);
    if (lnt_score_load_rules(&rules, m->err) != LNT_OK) {
        rc = lnt_ctl_fail("migrate: scores: rules: %s", m->err);
        goto out;
    }
    for (size_t i = 0; i < n && rc == LNT_CTL_OK; i++) {
        struct lnt_score_result ra, rb;
        enum lnt_err ea, eb;

        memset(&ra, 0, sizeof ra);
        memset(&rb, 0, sizeof rb);
        lnt_buf_reset(&a);
        lnt_buf_reset(&b);
        ea = lnt_score_load_venue(m->c->store, &rules, ids[i], at, &ra, m->err);
        if (ea == LNT_OK)
            ea = lnt_score_to_json(&ra, &a, m->err);
        if (ea != LNT_OK) {
            rc = lnt_ctl_fail("migrate: scores: venue %" PRId64 " on SQLite: %s", ids[i], m->err);
        } else {
            eb = lnt_score_load_venue(dst, &rules, ids[i], at, &rb, m->err);
            if (eb == LNT_OK)
                eb = lnt_score_to_json(&rb, &b, m->err);
            if (eb == LNT_ERR_UNSUPPORTED) {
                /* said plainly, and no venue compared: the check runs once the reads exist */
                snprintf(note, note_size, "not compared: %s", m->err);
                lnt_score_result_release(&ra);
                lnt_score_result_release(&rb);
                *compared = 0;
                break;
            }
            if (eb != LNT_OK) {
                rc = lnt_ctl_fail("migrate: scores: venue %" PRId64 " on PostgreSQL: %s", ids[i],
                                  m->err);
            } else if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0) {
                lnt_ctl_warn("venue %" PRId64 ": its score differs on PostgreSQL", ids[i]);
                differ++;
            }
            (*compared)++;
        }
        lnt_score_result_release(&ra);
        lnt_score_result_release(&rb);
    }
    if (rc == LNT_CTL_OK && differ > 0)
        rc = lnt_ctl_fail("migrate: %d venue%s score differently on PostgreSQL: do not switch "
                          "(the copy is committed; drop the target database to try again)",
                          differ, differ == 1 ? "" : "s");
out:
    lnt_score_rules_release(&rules);
    lnt_buf_release(&a);
    lnt_buf_release(&b);
    return rc;
}

/* The venues' ids, read from the copied snapshot. */
static int venue_ids(struct mig *m, int64_t **ids, size_t *n)
{
    sqlite3_stmt *st = NULL;
    int rc = LNT_CTL_OK;
    size_t cap = 0;

    *ids = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(m->db, "SELECT id FROM venues ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        return lnt_ctl_fail("migrate: reading venues: %s", sqlite3_errmsg(m->db));
    while (rc == LNT_CTL_OK && sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            int64_t *grown = realloc(*ids, (cap = cap * 2 + 64) * sizeof **ids);
            if (grown == NULL) {
                rc = lnt_ctl_fail("migrate: out of memory");
                break;
            }
            *ids = grown;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Both sides open, at the same schema version; the SQLite read transaction begun. */
static int open_both(struct mig *m)
{
    PGresult *r;
    int sq_version = -1, pg_version;

    if (sqlite3_open_v2(m->c->db_path, &m->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return lnt_ctl_fail("migrate: %s: %s", m->c->db_path, sqlite3_errmsg(m->db));
    sqlite3_busy_timeout(m->db, 10000);
    /* one read transaction: a consistent snapshot of a database lanternd may be writing */
    if (sqlite3_exec(m->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return lnt_ctl_fail("migrate: %s: %s", m->c->db_path, sqlite3_errmsg(m->db));
    {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(m->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            sq_version = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    m->pg = PQconnectdb(m->to);
    if (PQstatus(m->pg) != CONNECTION_OK) {
        const char *e = PQerrorMessage(m->pg);
        return lnt_ctl_fail("migrate: cannot connect to the target: %.*s", (int)strcspn(e, "\n"),
                            e);
    }
    PQsetNoticeProcessor(m->pg, quiet, NULL);
    if ((r = pg_query(m, "SELECT version FROM schema_version", "reading the schema version")) ==
        NULL)
        return LNT_CTL_FAIL;
    pg_version = PQntuples(r) == 1 ? (int)strtol(PQgetvalue(r, 0, 0), NULL, 10) : -1;
    PQclear(r);
    if (sq_version != pg_version)
        return lnt_ctl_fail("migrate: %s is at schema version %d, the target at %d: run the same "
                            "lanternctl on both",
                            m->c->db_path, sq_version, pg_version);
    return LNT_CTL_OK;
}

/* Copies and checks in one transaction on the target; rolled back on any failure. */
static int copy_checked(struct mig *m)
{
    PGresult *r;
    int rc;

    if ((r = pg_query(m, "BEGIN", "starting the transaction")) == NULL)
        return LNT_CTL_FAIL;
    PQclear(r);
    rc = load_schema(m);
    if (rc == LNT_CTL_OK)
        rc = same_tables(m);
    if (rc == LNT_CTL_OK)
        rc = target_empty(m);
    if (rc == LNT_CTL_OK)
        rc = copy_all(m);
    if (rc == LNT_CTL_OK)
        rc = verify(m);
    if (rc != LNT_CTL_OK) {
        PQclear(PQexec(m->pg, "ROLLBACK"));
        return rc;
    }
    if ((r = pg_query(m, "COMMIT", "committing the copy")) == NULL)
        return LNT_CTL_FAIL;
    PQclear(r);
    return LNT_CTL_OK;
}

int lnt_ctl_migrate(struct lnt_ctl *c, int argc, char **argv)
{
    static const struct option opts[] = {{"to", required_argument, NULL, 0}, {0}};
    const char *v[LNT_CTL_MAX_OPTS];
    struct mig m = {.c = c};
    struct lnt_store *dst = NULL;
    struct lnt_ctl_out o;
    struct stat st;
    int64_t *ids = NULL, compared = 0, total = 0;
    size_t nids = 0;
    char note[LNT_ERRBUF_SIZE + 32] = "";
    int rc;

    if ((rc = lnt_ctl_getopt(c, argc, argv, opts, v)) != LNT_CTL_OK)
        return rc;
    if (v[0] == NULL || !lnt_store_is_postgresql(v[0]))
        return lnt_ctl_usage(c, "migrate: --to postgresql://... is required");
    if (lnt_store_is_postgresql(c->db_path))
        return lnt_ctl_usage(c, "migrate: --db names the SQLite database to copy");
    if (stat(c->db_path, &st) != 0)
        return lnt_ctl_fail("migrate: %s: %s", c->db_path, strerror(errno));
    m.to = v[0];
    m.t = calloc(LNT_MIG_TABLES, sizeof *m.t);
    if (m.t == NULL)
        return lnt_ctl_fail("migrate: out of memory");
    /* both brought to the newest schema first: the SQLite file as any command does, the
     * target by opening it as a store (an empty database gets its tables) */
    if ((rc = lnt_ctl_open(c, NULL)) != LNT_CTL_OK)
        goto out;
    if (lnt_store_open(&dst, m.to, m.err) != LNT_OK) {
        rc = lnt_ctl_fail("migrate: the target: %s", m.err);
        goto out;
    }
    if ((rc = open_both(&m)) != LNT_CTL_OK || (rc = copy_checked(&m)) != LNT_CTL_OK ||
        (rc = venue_ids(&m, &ids, &nids)) != LNT_CTL_OK)
        goto out;
    (void)sqlite3_exec(m.db, "COMMIT", NULL, NULL, NULL);
    if ((rc = print_tables(&m)) != LNT_CTL_OK)
        goto out;
    rc = compare_scores(&m, dst, ids, nids, &compared, note, sizeof note);
    for (int i = 0; i < m.n; i++)
        total += m.t[i].rows[1];
    lnt_ctl_out_begin(&o, c, false);
    lnt_ctl_out_int(&o, "tables", m.n);
    lnt_ctl_out_int(&o, "rows", total);
    lnt_ctl_out_str(&o, "check", "row counts and digests equal in every table");
    if (note[0] != '\0')
        lnt_ctl_out_str(&o, "scores", note);
    else
        lnt_ctl_out_int(&o, "scores_equal", compared);
    lnt_ctl_out_str(&o, "key_file", "not copied: give lanternd --keys with the same key file");
    if (rc == LNT_CTL_OK)
        rc = lnt_ctl_out_end(&o);
    else
        lnt_buf_release(&o.b);
out:
    free(ids);
    if (m.db != NULL)
        sqlite3_close(m.db);
    PQfinish(m.pg);
    lnt_store_free(dst);
    free(m.t);
    return rc;
}
