/* sq_ops.c - the SQLite backend's table of operations for the dispatch: every store function
 * (store_fns.h), through the adapters of store_ops_table.h. */
#include "sq_int.h"

#define LNT_OPS_TABLE lnt_sqlite_ops
#define LNT_OPS_NAME "SQLite"
#define LNT_OPS_LIST "store_fns.h"
#include "store_ops_table.h"
