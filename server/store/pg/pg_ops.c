/* pg_ops.c - the PostgreSQL backend's table of operations for the dispatch (store_ops.h): one
 * adapter per store function it defines so far (pg_fns.h, written by scripts/store-fns);
 * every other entry is NULL, which the dispatch answers with LNT_ERR_UNSUPPORTED. */
#include "pg_int.h"

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
#include "pg_fns.h"
#undef LNT_STORE_FN
#undef LNT_STORE_FN_VOID
#undef LNT_STORE_FN_RET

const struct lnt_store_ops lnt_postgresql_ops = {
    .name = "PostgreSQL",
    .open_keys = op_open_keys,
    .free = op_free,
#define LNT_STORE_FN(name, params, args) .name = op_##name,
#define LNT_STORE_FN_VOID(name, params, args) .name = op_##name,
#define LNT_STORE_FN_RET(name, type, params, args) .name = op_##name,
#include "pg_fns.h"
};
