/* ctl_migrate_copy.c - `lanternctl migrate`'s rows: one table copied from SQLite into
 * PostgreSQL with COPY, and both sides' rows counted and digested for the check. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "codec.h"
#include "ctl_migrate.h"

#define COPY_CHUNK (256 * 1024) /* bytes handed to libpq at a time */
#define COPY_MAX ((size_t)64 << 20)
#define SQL_MAX (16 * 1024)

/* "c1", "c2", ... : t's columns, quoted (names are checked to be plain identifiers). */
static enum lnt_err col_list(struct lnt_buf *sql, const struct lnt_mig_table *t)
{
    enum lnt_err rc = LNT_OK;

    for (int i = 0; i < t->ncols && rc == LNT_OK; i++)
        rc = lnt_buf_printf(sql, "%s\"%s\"", i > 0 ? ", " : "", t->cols[i].name);
    return rc;
}

/* COPY's text format: backslash, newline, carriage return and tab escaped. */
static enum lnt_err put_escaped(struct lnt_buf *b, const unsigned char *p, size_t n)
{
    enum lnt_err rc = LNT_OK;
    size_t start = 0;

    for (size_t i = 0; i < n && rc == LNT_OK; i++) {
        const char *esc = p[i] == '\\'   ? "\\\\"
                          : p[i] == '\n' ? "\\n"
                          : p[i] == '\r' ? "\\r"
                          : p[i] == '\t' ? "\\t"
                                         : NULL;
        if (esc == NULL)
            continue;
        rc = lnt_buf_append(b, p + start, i - start);
        if (rc == LNT_OK)
            rc = lnt_buf_puts(b, esc);
        start = i + 1;
    }
    if (rc == LNT_OK)
        rc = lnt_buf_append(b, p + start, n - start);
    return rc;
}

/* One SQLite value as COPY text for a column of type `type`. */
static enum lnt_err put_value(struct lnt_buf *b, sqlite3_stmt *st, int i, enum lnt_mig_type type)
{
    int vt = sqlite3_column_type(st, i);
    const unsigned char *p;
    size_t n;

    if (vt == SQLITE_NULL)
        return lnt_buf_puts(b, "\\N");
    if (type == LNT_MIG_BIGINT && vt == SQLITE_INTEGER)
        return lnt_buf_printf(b, "%lld", (long long)sqlite3_column_int64(st, i));
    if (type == LNT_MIG_DOUBLE && (vt == SQLITE_INTEGER || vt == SQLITE_FLOAT)) {
        double d = sqlite3_column_double(st, i);

        if (isnan(d))
            return lnt_buf_puts(b, "NaN");
        if (isinf(d))
            return lnt_buf_puts(b, d > 0 ? "Infinity" : "-Infinity");
        /* 17 significant digits: the same double on the other side */
        return lnt_buf_printf(b, "%.17g", d);
    }
    if (type == LNT_MIG_BYTEA) {
        char hex[3];
        enum lnt_err rc;

        p = sqlite3_column_blob(st, i);
        n = (size_t)sqlite3_column_bytes(st, i);
        rc = lnt_buf_puts(b, "\\\\x");
        for (size_t k = 0; k < n && rc == LNT_OK; k++) {
            lnt_hex_encode(p + k, 1, hex);
            rc = lnt_buf_append(b, hex, 2);
        }
        return rc;
    }
    /* text, or a value of another storage class: PostgreSQL reads (and checks) its text */
    p = sqlite3_column_text(st, i);
    n = (size_t)sqlite3_column_bytes(st, i);
    return put_escaped(b, p != NULL ? p : (const unsigned char *)"", n);
}

static enum lnt_err copy_fail(PGconn *pg, char *err, const char *table)
{
    const char *m = PQerrorMessage(pg);
    size_t n = strcspn(m, "\n");

    return lnt_fail(err, LNT_ERR_DB, "copying %s: %.*s", table, (int)n, m);
}

/* Hands the buffer to libpq. */
static enum lnt_err flush(PGconn *pg, struct lnt_buf *b, char *err, const char *table)
{
    if (b->len > 0 && PQputCopyData(pg, b->data, (int)b->len) != 1)
        return copy_fail(pg, err, table);
    lnt_buf_reset(b);
    return LNT_OK;
}

/* Ends the COPY: `ok` sends its end, otherwise aborts it; the result says whether it took. */
static enum lnt_err copy_end(PGconn *pg, bool ok, char *err, const char *table)
{
    PGresult *r;
    enum lnt_err rc = LNT_OK;

    if (PQputCopyEnd(pg, ok ? NULL : "lanternctl migrate stopped") != 1)
        rc = copy_fail(pg, err, table);
    while ((r = PQgetResult(pg)) != NULL) {
        if (rc == LNT_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
            const char *m = PQresultErrorMessage(r);
            rc = lnt_fail(err, LNT_ERR_DB, "copying %s: %.*s", table, (int)strcspn(m, "\n"), m);
        }
        PQclear(r);
    }
    return rc;
}

enum lnt_err lnt_mig_copy(sqlite3 *db, PGconn *pg, const struct lnt_mig_table *t, char *err)
{
    struct lnt_buf sql, b;
    sqlite3_stmt *st = NULL;
    PGresult *r = NULL;
    enum lnt_err rc;
    int step = SQLITE_DONE;

    lnt_buf_init(&sql, SQL_MAX);
    lnt_buf_init(&b, COPY_MAX);
    rc = lnt_buf_puts(&sql, "SELECT ");
    if (rc == LNT_OK)
        rc = col_list(&sql, t);
    if (rc == LNT_OK)
        rc = lnt_buf_printf(&sql, " FROM \"%s\"", t->name);
    if (rc == LNT_OK && sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK)
        rc = lnt_fail(err, LNT_ERR_DB, "reading %s from SQLite: %s", t->name, sqlite3_errmsg(db));
    lnt_buf_reset(&sql);
    if (rc == LNT_OK)
        rc = lnt_buf_printf(&sql, "COPY \"%s\" (", t->name);
    if (rc == LNT_OK)
        rc = col_list(&sql, t);
    if (rc == LNT_OK)
        rc = lnt_buf_puts(&sql, ") FROM STDIN");
    if (rc != LNT_OK)
        goto out;
    r = PQexec(pg, sql.data);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        rc = copy_fail(pg, err, t->name);
        goto out;
    }
    while (rc == LNT_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < t->ncols && rc == LNT_OK; i++) {
            if (i > 0)
                rc = lnt_buf_append(&b, "\t", 1);
            if (rc == LNT_OK)
                rc = put_value(&b, st, i, t->cols[i].type);
        }
        if (rc == LNT_OK)
            rc = lnt_buf_append(&b, "\n", 1);
        if (rc != LNT_OK)
            rc = lnt_fail(err, LNT_ERR_NOMEM, "copying %s: a row too large", t->name);
        else if (b.len >= COPY_CHUNK)
            rc = flush(pg, &b, err, t->name);
    }
    if (rc == LNT_OK && step != SQLITE_DONE)
        rc = lnt_fail(err, LNT_ERR_DB, "reading %s from SQLite: %s", t->name, sqlite3_errmsg(db));
    if (rc == LNT_OK)
        rc = flush(pg, &b, err, t->name);
    {
        enum lnt_err end = copy_end(pg, rc == LNT_OK, err, t->name);
        if (rc == LNT_OK)
            rc = end;
    }
out:
    PQclear(r);
    sqlite3_finalize(st);
    lnt_buf_release(&b);
    lnt_buf_release(&sql);
    return rc;
}

/* ---- digests ---- */

/* One value into the digest: a tag, then the value in a form both sides share. */
static void dg_null(crypto_generichash_state *h)
{
    crypto_generichash_update(h, (const unsigned char *)"n", 1);
}

static void dg_u64(crypto_generichash_state *h, char tag, uint64_t v)
{
    unsigned char b[9];

    b[0] = (unsigned char)tag;
    for (int i = 0; i < 8; i++)
        b[1 + i] = (unsigned char)(v >> (56 - 8 * i));
    crypto_generichash_update(h, b, sizeof b);
}

static void dg_bytes(crypto_generichash_state *h, char tag, const void *p, size_t n)
{
    dg_u64(h, tag, (uint64_t)n);
    if (n > 0)
        crypto_generichash_update(h, p, n);
}

static uint64_t dbl_bits(double d)
{
    uint64_t u;

    memcpy(&u, &d, sizeof u);
    return u;
}

/* The SELECT both sides run: every column, in primary-key order, text compared as bytes. */
static enum lnt_err ordered_select(struct lnt_buf *sql, const struct lnt_mig_table *t, bool pg)
{
    int n = t->npk > 0 ? t->npk : t->ncols;
    enum lnt_err rc = lnt_buf_puts(sql, "SELECT ");

    if (rc == LNT_OK)
        rc = col_list(sql, t);
    if (rc == LNT_OK)
        rc = lnt_buf_printf(sql, " FROM \"%s\" ORDER BY ", t->name);
    for (int k = 0; k < n && rc == LNT_OK; k++) {
        const struct lnt_mig_col *c = &t->cols[t->npk > 0 ? t->pk[k] : k];

        rc = lnt_buf_printf(sql, "%s\"%s\"%s%s", k > 0 ? ", " : "", c->name,
                            c->type != LNT_MIG_TEXT ? ""
                            : pg                    ? " COLLATE \"C\""
                                                    : " COLLATE BINARY",
                            pg ? " NULLS FIRST" : "");
    }
    return rc;
}

static enum lnt_err digest_sqlite(sqlite3 *db, struct lnt_mig_table *t, char *err)
{
    struct lnt_buf sql;
    sqlite3_stmt *st = NULL;
    crypto_generichash_state h;
    enum lnt_err rc;
    int step = SQLITE_DONE;

    lnt_buf_init(&sql, SQL_MAX);
    crypto_generichash_init(&h, NULL, 0, LNT_MIG_DIGEST);
    t->rows[0] = 0;
    rc = ordered_select(&sql, t, false);
    if (rc == LNT_OK && sqlite3_prepare_v2(db, sql.data, -1, &st, NULL) != SQLITE_OK)
        rc = lnt_fail(err, LNT_ERR_DB, "reading %s from SQLite: %s", t->name, sqlite3_errmsg(db));
    while (rc == LNT_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        t->rows[0]++;
        crypto_generichash_update(&h, (const unsigned char *)"r", 1);
        for (int i = 0; i < t->ncols; i++) {
            if (sqlite3_column_type(st, i) == SQLITE_NULL) {
                dg_null(&h);
                continue;
            }
            switch (t->cols[i].type) {
            case LNT_MIG_BIGINT:
                dg_u64(&h, 'i', (uint64_t)sqlite3_column_int64(st, i));
                break;
            case LNT_MIG_DOUBLE:
                dg_u64(&h, 'f', dbl_bits(sqlite3_column_double(st, i)));
                break;
            case LNT_MIG_TEXT: {
                const unsigned char *p = sqlite3_column_text(st, i);
                dg_bytes(&h, 't', p, (size_t)sqlite3_column_bytes(st, i));
                break;
            }
            case LNT_MIG_BYTEA: {
                const void *p = sqlite3_column_blob(st, i);
                dg_bytes(&h, 'b', p, (size_t)sqlite3_column_bytes(st, i));
                break;
            }
            }
        }
    }
    if (rc == LNT_OK && step != SQLITE_DONE)
        rc = lnt_fail(err, LNT_ERR_DB, "reading %s from SQLite: %s", t->name, sqlite3_errmsg(db));
    crypto_generichash_final(&h, t->digest[0], LNT_MIG_DIGEST);
    sqlite3_finalize(st);
    lnt_buf_release(&sql);
    return rc;
}

/* A big-endian 8-byte value of a binary result. */
static uint64_t be64(const char *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++)
        v = (v << 8) | (unsigned char)p[i];
    return v;
}

static void digest_pg_row(crypto_generichash_state *h, const PGresult *r,
                          const struct lnt_mig_table *t)
{
    crypto_generichash_update(h, (const unsigned char *)"r", 1);
    for (int i = 0; i < t->ncols; i++) {
        const char *p = PQgetvalue(r, 0, i);
        size_t n = (size_t)PQgetlength(r, 0, i);

        if (PQgetisnull(r, 0, i)) {
            dg_null(h);
            continue;
        }
        switch (t->cols[i].type) {
        case LNT_MIG_BIGINT:
            dg_u64(h, 'i', n == 8 ? be64(p) : 0);
            break;
        case LNT_MIG_DOUBLE:
            dg_u64(h, 'f', n == 8 ? be64(p) : 0);
            break;
        case LNT_MIG_TEXT:
            dg_bytes(h, 't', p, n);
            break;
        case LNT_MIG_BYTEA:
            dg_bytes(h, 'b', p, n);
            break;
        }
    }
}

static enum lnt_err digest_pg(PGconn *pg, struct lnt_mig_table *t, char *err)
{
    struct lnt_buf sql;
    crypto_generichash_state h;
    PGresult *r;
    enum lnt_err rc;

    lnt_buf_init(&sql, SQL_MAX);
    crypto_generichash_init(&h, NULL, 0, LNT_MIG_DIGEST);
    t->rows[1] = 0;
    rc = ordered_select(&sql, t, true);
    /* binary results, one row at a time: a table of millions of rows is never held whole */
    if (rc == LNT_OK && (PQsendQueryParams(pg, sql.data, 0, NULL, NULL, NULL, NULL, 1) != 1 ||
                         PQsetSingleRowMode(pg) != 1))
        rc = copy_fail(pg, err, t->name);
    while (rc == LNT_OK && (r = PQgetResult(pg)) != NULL) {
        ExecStatusType s = PQresultStatus(r);

        if (s == PGRES_SINGLE_TUPLE) {
            t->rows[1]++;
            digest_pg_row(&h, r, t);
        } else if (s != PGRES_TUPLES_OK) {
            const char *m = PQresultErrorMessage(r);
            rc = lnt_fail(err, LNT_ERR_DB, "reading %s from PostgreSQL: %.*s", t->name,
                          (int)strcspn(m, "\n"), m);
        }
        PQclear(r);
    }
    /* after an error, the rest of the results are read and dropped */
    while (rc != LNT_OK && (r = PQgetResult(pg)) != NULL)
        PQclear(r);
    crypto_generichash_final(&h, t->digest[1], LNT_MIG_DIGEST);
    lnt_buf_release(&sql);
    return rc;
}

enum lnt_err lnt_mig_digest(sqlite3 *db, PGconn *pg, struct lnt_mig_table *t, char *err)
{
    enum lnt_err rc = digest_sqlite(db, t, err);

    return rc == LNT_OK ? digest_pg(pg, t, err) : rc;
}
