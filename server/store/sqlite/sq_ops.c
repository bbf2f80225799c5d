/* sq_ops.c - the SQLite backend's table of operations for the dispatch (store_ops.h): one
 * adapter per store function, from the list in store_fns.h. */
#include "sq_int.h"

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
#define LNT_STORE_FN(name, params, args)                                                           \
    static enum lnt_err op_##name params                                                           \
    {                                                                                              \
        return lnt_store_##name args;                                                              \
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
#include "store_fns.h"
#undef LNT_STORE_FN
#undef LNT_STORE_FN_VOID
#undef LNT_STORE_FN_RET

const struct lnt_store_ops lnt_sqlite_ops = {
    .name = "SQLite",
    .open_keys = op_open_keys,
    .free = op_free,
#define LNT_STORE_FN(name, params, args) .name = op_##name,
#define LNT_STORE_FN_VOID(name, params, args) .name = op_##name,
#define LNT_STORE_FN_RET(name, type, params, args) .name = op_##name,
#include "store_fns.h"
};
