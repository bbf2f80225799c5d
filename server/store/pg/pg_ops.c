/* pg_ops.c - the PostgreSQL backend's table of operations for the dispatch: the store functions
 * it defines so far (pg_fns.h, written by scripts/store-fns), through the adapters of
 * store_ops_table.h; every other entry is NULL, which the dispatch answers with
 * LNT_ERR_UNSUPPORTED. */
#include "pg_int.h"

#define LNT_OPS_TABLE lnt_postgresql_ops
#define LNT_OPS_NAME "PostgreSQL"
#define LNT_OPS_LIST "pg_fns.h"
#include "store_ops_table.h"
