/* pg_exec.c - parameterised statements on PostgreSQL and typed reads of their results. */
#include "pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The type oids the getters read (pg_type.h is not part of libpq-dev's public headers). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_VARCHAR 1043

void lnt_pg_p_init(struct lnt_pg_params *p)
{
    p->n = 0;
    p->overflow = false;
}

static int slot(struct lnt_pg_params *p)
{
    if (p->n >= LNT_PG_PARAMS) {
        p->overflow = true;
        return -1;
    }
    return p->n++;
}

void lnt_pg_p_i64(struct lnt_pg_params *p, int64_t v)
{
    int i = slot(p);

    if (i < 0)
        return;
    snprintf(p->num[i], sizeof p->num[i], "%" PRId64, v);
    p->v[i] = p->num[i];
    p->len[i] = 0;
    p->fmt[i] = 0;
}

void lnt_pg_p_text(struct lnt_pg_params *p, const char *v)
{
    int i = slot(p);

    if (i < 0)
        return;
    p->v[i] = v;
    p->len[i] = 0;
    p->fmt[i] = 0;
}

void lnt_pg_p_textn(struct lnt_pg_params *p, const char *v, size_t n)
{
    int i = slot(p);

    if (i < 0)
        return;
    /* sent as binary text: no terminator needed, the length says where it ends */
    p->v[i] = v;
    p->len[i] = (int)n;
    p->fmt[i] = 1;
}

void lnt_pg_p_bytes(struct lnt_pg_params *p, const void *v, size_t n)
{
    int i = slot(p);

    if (i < 0)
        return;
    p->v[i] = v;
    p->len[i] = (int)n;
    p->fmt[i] = 1;
}

enum lnt_err lnt_pg_exec(PGconn *pg, const char *sql, const struct lnt_pg_params *p, PGresult **out,
                         char *err, const char *what)
{
    PGresult *r;
    ExecStatusType st;
    enum lnt_err rc = LNT_OK;

    if (out != NULL)
        *out = NULL;
    if (p != NULL && p->overflow)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "%s: more than %d parameters", what, LNT_PG_PARAMS);
    lnt_pg_call_sending(pg, sql);
    r = PQexecParams(pg, sql, p != NULL ? p->n : 0, NULL, p != NULL ? p->v : NULL,
                     p != NULL ? p->len : NULL, p != NULL ? p->fmt : NULL, 1);
    st = PQresultStatus(r);
    if (r == NULL || (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)) {
        rc = lnt_pg_fail(pg, r, err, what);
        PQclear(r);
        return rc;
    }
    if (out != NULL)
        *out = r;
    else
        PQclear(r);
    return LNT_OK;
}

enum lnt_err lnt_pg_exec_script(PGconn *pg, const char *sql, char *err, const char *what)
{
    PGresult *r;
    ExecStatusType st;
    enum lnt_err rc = LNT_OK;

    lnt_pg_call_sending(pg, sql);
    r = PQexec(pg, sql);
    st = PQresultStatus(r);
    if (r == NULL || (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK))
        rc = lnt_pg_fail(pg, r, err, what);
    PQclear(r);
    return rc;
}

static uint64_t be(const unsigned char *p, int n)
{
    uint64_t v = 0;

    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

bool lnt_pg_null(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) != 0;
}

int64_t lnt_pg_i64(const PGresult *r, int row, int col)
{
    const unsigned char *p = (const unsigned char *)PQgetvalue(r, row, col);

    if (PQgetisnull(r, row, col))
        return 0;
    switch (PQftype(r, col)) {
    case OID_INT8:
        return (int64_t)be(p, 8);
    case OID_INT4:
        return (int32_t)(uint32_t)be(p, 4);
    case OID_INT2:
        return (int16_t)(uint16_t)be(p, 2);
    case OID_BOOL:
        return p[0] != 0;
    default:
        /* a query reading a column of another type as a number: the schema and the code
         * disagree, which the conformance suite shows at once */
        return 0;
    }
}

void lnt_pg_text(const PGresult *r, int row, int col, char *dst, size_t size)
{
    size_t n = (size_t)PQgetlength(r, row, col);
    Oid t = PQftype(r, col);

    if (size == 0)
        return;
    dst[0] = '\0';
    if (PQgetisnull(r, row, col) || (t != OID_TEXT && t != OID_VARCHAR))
        return;
    if (n >= size)
        n = size - 1;
    memcpy(dst, PQgetvalue(r, row, col), n);
    dst[n] = '\0';
}

bool lnt_pg_bytes(const PGresult *r, int row, int col, uint8_t *dst, size_t n)
{
    if (PQgetisnull(r, row, col) || PQftype(r, col) != OID_BYTEA ||
        (size_t)PQgetlength(r, row, col) != n)
        return false;
    memcpy(dst, PQgetvalue(r, row, col), n);
    return true;
}

const char *lnt_pg_raw(const PGresult *r, int row, int col, size_t *len)
{
    *len = (size_t)PQgetlength(r, row, col);
    return PQgetvalue(r, row, col);
}

enum lnt_err lnt_pg_list(PGconn *pg, const char *sql, const struct lnt_pg_params *p, size_t elem,
                         lnt_pg_row_fn fn, void **out, size_t *n, char *err, const char *what)
{
    PGresult *r = NULL;
    enum lnt_err rc = lnt_pg_exec(pg, sql, p, &r, err, what);
    size_t rows;
    unsigned char *arr;

    *out = NULL;
    *n = 0;
    if (rc != LNT_OK)
        return rc;
    rows = (size_t)PQntuples(r);
    if (rows > LNT_PG_LIST_MAX) {
        PQclear(r);
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "%s: more than %d rows", what, LNT_PG_LIST_MAX);
    }
    if (rows > 0) {
        arr = calloc(rows, elem);
        if (arr == NULL) {
            PQclear(r);
            return lnt_fail(err, LNT_ERR_NOMEM, "%s: out of memory", what);
        }
        for (size_t i = 0; i < rows; i++)
            fn(r, (int)i, arr + i * elem);
        *out = arr;
        *n = rows;
    }
    PQclear(r);
    return LNT_OK;
}

enum lnt_err lnt_pg_must_exist(PGconn *pg, const char *sql, int64_t id, const char *noun, char *err)
{
    struct lnt_pg_params p;
    PGresult *r = NULL;
    enum lnt_err rc;

    lnt_pg_p_init(&p);
    lnt_pg_p_i64(&p, id);
    rc = lnt_pg_exec(pg, sql, &p, &r, err, "looking up a row");
    if (rc == LNT_OK && PQntuples(r) == 0)
        rc = lnt_fail(err, LNT_ERR_NOT_FOUND, "%s %" PRId64 " not found", noun, id);
    PQclear(r);
    return rc;
}

int64_t lnt_pg_changed(PGresult *r)
{
    const char *t = PQcmdTuples(r);
    char *end = NULL;
    long long v;

    if (t == NULL || t[0] == '\0')
        return 0;
    v = strtoll(t, &end, 10);
    return end != t && v > 0 ? (int64_t)v : 0;
}

enum lnt_err lnt_pg_grow(void **arr, size_t *cap, size_t n, size_t elem, char *err)
{
    size_t ncap;
    void *p;

    if (n < *cap)
        return LNT_OK;
    if (n >= LNT_PG_LIST_MAX)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "more than %d rows", LNT_PG_LIST_MAX);
    ncap = *cap != 0 ? *cap * 2 : 16;
    p = realloc(*arr, ncap * elem);
    if (p == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    *arr = p;
    *cap = ncap;
    return LNT_OK;
}
