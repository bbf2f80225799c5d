/* outbox_db.c - the outbox's SQLite helpers: running statements, transactions, errors. */
#include <sqlite3.h>

#include "outbox_int.h"

enum lnt_err lnt_outbox_db_fail(struct lnt_outbox *ob, char *err, const char *what)
{
    return lnt_fail(err, LNT_ERR_DB, "kiosk database: %s: %s", what, sqlite3_errmsg(ob->db));
}

enum lnt_err lnt_outbox_exec(struct lnt_outbox *ob, const char *sql, char *err)
{
    char *msg = NULL;
    enum lnt_err rc = LNT_OK;

    if (sqlite3_exec(ob->db, sql, NULL, NULL, &msg) != SQLITE_OK)
        rc = lnt_fail(err, LNT_ERR_DB, "kiosk database: %s", msg ? msg : sqlite3_errmsg(ob->db));
    sqlite3_free(msg);
    return rc;
}

enum lnt_err lnt_outbox_prepare(struct lnt_outbox *ob, const char *sql, sqlite3_stmt **st,
                                char *err)
{
    if (sqlite3_prepare_v2(ob->db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return lnt_outbox_db_fail(ob, err, "prepare");
    }
    return LNT_OK;
}

enum lnt_err lnt_outbox_step_done(struct lnt_outbox *ob, sqlite3_stmt *st, char *err,
                                  const char *what)
{
    enum lnt_err rc = LNT_OK;

    if (sqlite3_step(st) != SQLITE_DONE)
        rc = lnt_outbox_db_fail(ob, err, what);
    sqlite3_finalize(st);
    return rc;
}

void lnt_outbox_rollback(struct lnt_outbox *ob)
{
    sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
}

enum lnt_err lnt_outbox_query_int(struct lnt_outbox *ob, const char *sql, int64_t *out, char *err,
                                  const char *what)
{
    sqlite3_stmt *st = NULL;
    enum lnt_err rc;

    *out = 0;
    rc = lnt_outbox_prepare(ob, sql, &st, err);
    if (rc != LNT_OK)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        rc = lnt_outbox_db_fail(ob, err, what);
    sqlite3_finalize(st);
    return rc;
}
