/* pg_call.c - one store call on PostgreSQL, and whether it may be made again after losing its
 * connection: what the pool and the statements did during it, noted on the calling thread. */
#include "pg_int.h"

#include <ctype.h>
#include <string.h>

/* The call this thread is making (NULL outside the dispatch: a test calling in directly). */
static _Thread_local struct lnt_pg_call *current;

void lnt_pg_call_enter(struct lnt_pg_call *c)
{
    memset(c, 0, sizeof *c);
    c->outer = current;
    current = c;
}

void lnt_pg_call_leave(struct lnt_pg_call *c)
{
    current = c->outer;
}

bool lnt_pg_call_again(struct lnt_pg_call *c, enum lnt_err rc)
{
    bool again = rc == LNT_ERR_NET && c->lost && !c->settled && !c->redone;

    if (again) {
        /* the second attempt is noted afresh, and is the last */
        c->takes = 0;
        c->lost = false;
        c->redone = true;
    }
    return again;
}

void lnt_pg_call_settle(void)
{
    if (current != NULL)
        current->settled = true;
}

void lnt_pg_call_took(void)
{
    /* a call that finished with one connection and took another may have handed what the
     * first read on to its caller meanwhile (the _each walks call back between pages), or
     * committed with it: redone, it would do that twice */
    if (current != NULL && ++current->takes > 1)
        current->settled = true;
}

void lnt_pg_call_gave(PGconn *pg)
{
    if (current != NULL && PQstatus(pg) != CONNECTION_OK)
        current->lost = true;
}

static bool ident(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_';
}

/* Whether `word` (lower case) starts at sql[i] as a word of its own, in any case; with
 * `prefix`, the word may go on (pg_advisory_lock for "pg_advisory"). */
static bool word_at(const char *sql, size_t i, const char *word, bool prefix)
{
    size_t n = strlen(word);

    if (i > 0 && ident(sql[i - 1]))
        return false;
    for (size_t k = 0; k < n; k++)
        if (tolower((unsigned char)sql[i + k]) != word[k])
            return false;
    return prefix || !ident(sql[i + n]);
}

/* Whether sql starts with `word`, after white space and opening brackets ("(SELECT ...) UNION
 * ALL (SELECT ...)"). */
static bool starts(const char *sql, const char *word)
{
    size_t i = 0;

    while (isspace((unsigned char)sql[i]) || sql[i] == '(')
        i++;
    return word_at(sql, i, word, false);
}

/*
 * Whether sql, run outside a transaction, can have changed nothing: BEGIN and SET change the
 * session only; a SELECT (or WITH, SHOW) is a read unless it names something that writes
 * (INSERT, UPDATE, DELETE, MERGE in a WITH, FOR UPDATE, a function such as pg_notify or
 * nextval). Anything else counts as a write, which may have committed before its connection
 * was lost.
 */
static bool reads_only(const char *sql)
{
    static const struct {
        const char *word;
        bool prefix; /* names starting so: pg_advisory_lock, lo_import */
    } writes[] = {{"insert", false},    {"update", false},     {"delete", false},
                  {"merge", false},     {"copy", false},       {"into", false},
                  {"pg_notify", false}, {"nextval", false},    {"setval", false},
                  {"lo_", true},        {"pg_advisory", true}, {"pg_terminate", true},
                  {"pg_cancel", true}};

    if (starts(sql, "begin") || starts(sql, "set") || starts(sql, "show"))
        return true;
    if (!starts(sql, "select") && !starts(sql, "with"))
        return false;
    for (size_t i = 0; sql[i] != '\0'; i++)
        for (size_t w = 0; w < sizeof writes / sizeof writes[0]; w++)
            if (word_at(sql, i, writes[w].word, writes[w].prefix))
                return false;
    return true;
}

void lnt_pg_call_sending(PGconn *pg, const char *sql)
{
    PGTransactionStatusType st;

    if (current == NULL || current->settled)
        return;
    st = PQtransactionStatus(pg);
    /* a COMMIT sent may have committed, whatever answer is lost; a statement outside a
     * transaction commits by itself */
    if (starts(sql, "commit") || starts(sql, "end") || (st == PQTRANS_IDLE && !reads_only(sql)))
        current->settled = true;
}
