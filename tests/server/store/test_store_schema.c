/* test_store_schema.c - one description of the schema's versions, two dialects: at every
 * version, a database migrated with assets/sql/sqlite and one migrated with
 * assets/sql/postgresql have the same tables with the same columns; and the two backends,
 * opened through the store, arrive at the same. Needs PostgreSQL (a throwaway cluster). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "pgcluster.h"
#include "store.h"
#include "support.h"

#define MAX_FILES 64
#define CATALOG_MAX (64 * 1024)

static struct lnt_pg_cluster *cluster;

/* The migration files of one dialect, sorted: "001_init.sql", ... */
static size_t list_files(const char *dialect, char names[MAX_FILES][64])
{
    char rel[64];
    DIR *d;
    struct dirent *e;
    size_t n = 0;

    snprintf(rel, sizeof rel, "assets/sql/%s", dialect);
    d = opendir(lnt_test_src(rel));
    if (d == NULL)
        fail_msg("cannot read %s", lnt_test_src(rel));
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || len >= 64 || strcmp(e->d_name + len - 4, ".sql") != 0)
            continue;
        assert_true(n < MAX_FILES);
        (void)lnt_str_copy(names[n++], 64, e->d_name);
    }
    closedir(d);
    qsort(names, n, 64, (int (*)(const void *, const void *))strcmp);
    return n;
}

static char *read_sql(const char *dialect, const char *name)
{
    char rel[160];
    char *text;

    snprintf(rel, sizeof rel, "assets/sql/%s/%s", dialect, name);
    text = lnt_test_read_file(lnt_test_src(rel));
    if (text == NULL)
        fail_msg("cannot read %s", rel);
    return text;
}

/* "table.column\n" for every column of every table, sorted: SQLite's. */
static void sqlite_catalog(sqlite3 *db, char *out, size_t size)
{
    sqlite3_stmt *st = NULL;
    size_t len = 0;

    out[0] = '\0';
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT m.name, p.name FROM sqlite_master m "
                                        "JOIN pragma_table_info(m.name) p "
                                        "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' "
                                        "ORDER BY 1, 2",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int w = snprintf(out + len, size - len, "%s.%s\n", sqlite3_column_text(st, 0),
                         sqlite3_column_text(st, 1));
        assert_true(w > 0 && (size_t)w < size - len);
        len += (size_t)w;
    }
    sqlite3_finalize(st);
}

/* The same for PostgreSQL's public schema (its own schema_version table aside). */
static void pg_catalog(PGconn *pg, char *out, size_t size)
{
    PGresult *r = PQexec(pg, "SELECT table_name, column_name FROM information_schema.columns "
                             "WHERE table_schema = 'public' AND table_name <> 'schema_version' "
                             "ORDER BY table_name COLLATE \"C\", column_name COLLATE \"C\"");
    size_t len = 0;

    out[0] = '\0';
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("reading the catalog: %s", PQerrorMessage(pg));
    for (int i = 0; i < PQntuples(r); i++) {
        int w =
            snprintf(out + len, size - len, "%s.%s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
        assert_true(w > 0 && (size_t)w < size - len);
        len += (size_t)w;
    }
    PQclear(r);
}

/* Fails naming the first line where the two catalogs part. */
static void assert_same_catalog(const char *what, const char *sq, const char *pg)
{
    size_t i = 0, line = 0;

    if (strcmp(sq, pg) == 0)
        return;
    while (sq[i] != '\0' && sq[i] == pg[i]) {
        if (sq[i] == '\n')
            line = i + 1;
        i++;
    }
    fail_msg("%s: SQLite and PostgreSQL differ at\n  SQLite:     %.60s\n  PostgreSQL: %.60s", what,
             sq + line, pg + line);
}

static int group_setup(void **state)
{
    (void)state;
    cluster = lnt_pg_cluster_start();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    lnt_pg_cluster_stop(cluster);
    return 0;
}

/* Both dialects have the same versions under the same names, and the store knows them all. */
static void test_store_schema__same_versions(void **state)
{
    char sq[MAX_FILES][64], pg[MAX_FILES][64];
    size_t n_sq = list_files("sqlite", sq), n_pg = list_files("postgresql", pg);

    (void)state;
    assert_int_equal(n_sq, n_pg);
    assert_int_equal(n_sq, LNT_STORE_SCHEMA_VERSION);
    for (size_t i = 0; i < n_sq; i++) {
        char want[32];
        assert_string_equal(sq[i], pg[i]);
        snprintf(want, sizeof want, "%03zu_", i + 1);
        assert_memory_equal(sq[i], want, 4);
    }
}

/* At every version the two dialects' tables and columns are the same. */
static void test_store_schema__same_tables_and_columns_at_every_version(void **state)
{
    char names[MAX_FILES][64], uri[LNT_PG_URI_MAX];
    size_t n = list_files("sqlite", names);
    char *dir = lnt_test_tmpdir(), *path = lnt_test_path(dir, "schema.db");
    char *cat_sq = malloc(CATALOG_MAX), *cat_pg = malloc(CATALOG_MAX);
    sqlite3 *db = NULL;
    PGconn *pg;

    (void)state;
    assert_non_null(cat_sq);
    assert_non_null(cat_pg);
    lnt_pg_cluster_db(cluster, uri);
    pg = PQconnectdb(uri);
    assert_int_equal(PQstatus(pg), CONNECTION_OK);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    for (size_t v = 0; v < n; v++) {
        char *sql_sq = read_sql("sqlite", names[v]), *sql_pg = read_sql("postgresql", names[v]);
        char *msg = NULL;
        PGresult *r;

        if (sqlite3_exec(db, sql_sq, NULL, NULL, &msg) != SQLITE_OK)
            fail_msg("sqlite/%s: %s", names[v], msg);
        r = PQexec(pg, sql_pg);
        if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
            fail_msg("postgresql/%s: %s", names[v], PQerrorMessage(pg));
        PQclear(r);
        sqlite_catalog(db, cat_sq, CATALOG_MAX);
        pg_catalog(pg, cat_pg, CATALOG_MAX);
        assert_same_catalog(names[v], cat_sq, cat_pg);
        free(sql_sq);
        free(sql_pg);
    }
    sqlite3_close(db);
    PQfinish(pg);
    free(cat_sq);
    free(cat_pg);
    lnt_test_rmrf(dir);
    free(path);
    free(dir);
}

/* Opened through the store (each backend's own migrations, post steps and all), a new SQLite
 * file and a new PostgreSQL database end up with the same tables and columns. */
static void test_store_schema__both_backends_open_to_the_same_schema(void **state)
{
    char uri[LNT_PG_URI_MAX], err[LNT_ERRBUF_SIZE] = "";
    char *dir = lnt_test_tmpdir(), *path = lnt_test_path(dir, "lantern.db");
    char *cat_sq = malloc(CATALOG_MAX), *cat_pg = malloc(CATALOG_MAX);
    struct lnt_store *s = NULL;
    sqlite3 *db = NULL;
    PGconn *pg;

    (void)state;
    assert_non_null(cat_sq);
    assert_non_null(cat_pg);
    lnt_pg_cluster_db(cluster, uri);
    if (lnt_store_open(&s, path, err) != LNT_OK)
        fail_msg("SQLite: %s", err);
    lnt_store_free(s);
    if (lnt_store_open(&s, uri, err) != LNT_OK)
        fail_msg("PostgreSQL: %s", err);
    lnt_store_free(s);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite_catalog(db, cat_sq, CATALOG_MAX);
    sqlite3_close(db);
    pg = PQconnectdb(uri);
    assert_int_equal(PQstatus(pg), CONNECTION_OK);
    pg_catalog(pg, cat_pg, CATALOG_MAX);
    PQfinish(pg);
    assert_true(strstr(cat_pg, "events.body\n") != NULL);
    assert_same_catalog("opened by the store", cat_sq, cat_pg);
    free(cat_sq);
    free(cat_pg);
    lnt_test_rmrf(dir);
    free(path);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_schema__same_versions),
        cmocka_unit_test(test_store_schema__same_tables_and_columns_at_every_version),
        cmocka_unit_test(test_store_schema__both_backends_open_to_the_same_schema),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
