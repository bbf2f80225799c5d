/* pg_ops.c - the PostgreSQL backend's table of operations for the dispatch: the store functions
 * it defines so far (pg_fns.h, written by scripts/store-fns), through the adapters of
 * store_ops_table.h; every other entry is NULL, which the dispatch answers with
 * LNT_ERR_UNSUPPORTED. Each call that lost its connection is made once more when that is safe
 * (pg_call.c): the one place a store call is tried again. */
#include "pg_int.h"

#define LNT_OPS_CALL(call)                                                                         \
    do {                                                                                           \
        struct lnt_pg_call c_;                                                                     \
        enum lnt_err rc_;                                                                          \
                                                                                                   \
        lnt_pg_call_enter(&c_);                                                                    \
        rc_ = call;                                                                                \
        if (lnt_pg_call_again(&c_, rc_))                                                           \
            rc_ = call;                                                                            \
        lnt_pg_call_leave(&c_);                                                                    \
        return rc_;                                                                                \
    } while (0)

#define LNT_OPS_TABLE lnt_postgresql_ops
#define LNT_OPS_NAME "PostgreSQL"
#define LNT_OPS_LIST "pg_fns.h"
#include "store_ops_table.h"
