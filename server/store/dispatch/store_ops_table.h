/* store_ops_table.h - a backend's table of operations for the dispatch (store_ops.h): one
 * adapter per store function the backend defines, from a list written by scripts/store-fns.
 * Not a header to include anywhere else: each backend's *_ops.c includes it once, compiled with
 * that backend's renames (store_names.h), after defining
 *   LNT_OPS_TABLE  the table's name (lnt_sqlite_ops),
 *   LNT_OPS_NAME   the backend's name in messages ("SQLite"),
 *   LNT_OPS_LIST   the list of what it defines ("store_fns.h": every function; a backend still
 *                  growing names its own subset, whose missing entries stay NULL and are
 *                  answered LNT_ERR_UNSUPPORTED by the dispatch),
 * and may define
 *   LNT_OPS_CALL(call)  the body of an adapter returning enum lnt_err, given the call of the
 *                  backend's function (an expression that may be evaluated more than once):
 *                  `return call;` unless defined. */
#include "store_ops.h"

static enum lnt_err op_open_keys(void **out, const char *target, const char *keys_path, char *err)
{
    struct lnt_store *s = NULL;
    enum lnt_err rc = lnt_store_open_keys(&s, target, keys_path, err);

    *out = s;
    return rc;
}

static void op_free(void *s)
{
    lnt_store_free(s);
}

/* s is this backend's own store: the dispatch passes what op_open_keys made. */
#define LNT_STORE_T void
#define LNT_STORE_ARG s
#ifndef LNT_OPS_CALL
#define LNT_OPS_CALL(call) return call
#endif
#define LNT_STORE_FN(name, params, args)                                                           \
    static enum lnt_err op_##name params                                                           \
    {                                                                                              \
        LNT_OPS_CALL(lnt_store_##name args);                                                       \
    }
#define LNT_STORE_FN_VOID(name, params, args)                                                      \
    static void op_##name params                                                                   \
    {                                                                                              \
        lnt_store_##name args;                                                                     \
    }
#define LNT_STORE_FN_RET(name, type, params, args)                                                 \
    static type op_##name params                                                                   \
    {                                                                                              \
        return lnt_store_##name args;                                                              \
    }
#include LNT_OPS_LIST
#undef LNT_STORE_FN
#undef LNT_STORE_FN_VOID
#undef LNT_STORE_FN_RET

const struct lnt_store_ops LNT_OPS_TABLE = {
    .name = LNT_OPS_NAME,
    .open_keys = op_open_keys,
    .free = op_free,
#define LNT_STORE_FN(name, params, args) .name = op_##name,
#define LNT_STORE_FN_VOID(name, params, args) .name = op_##name,
#define LNT_STORE_FN_RET(name, type, params, args) .name = op_##name,
#include LNT_OPS_LIST
};
