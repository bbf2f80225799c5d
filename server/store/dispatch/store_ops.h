/* store_ops.h - what a store backend hands the dispatch (store_dispatch.c): its table of
 * operations. Private to server/store; not part of the store interface. */
#ifndef LNT_STORE_OPS_H
#define LNT_STORE_OPS_H

#include "store.h"
#include "store_alerts.h"
#include "store_casework.h"
#include "store_changes.h"
#include "store_hotspots.h"
#include "store_map.h"
#include "store_notify.h"
#include "store_places.h"

/*
 * One backend's operations. Every entry takes the backend's own store (`void *`, made by its
 * open_keys) where the interface takes struct lnt_store. An entry left NULL is a function the
 * backend does not have yet: the dispatch answers LNT_ERR_UNSUPPORTED naming it. The entries
 * that return something other than enum lnt_err (LNT_STORE_FN_VOID and LNT_STORE_FN_RET in
 * store_fns.h) cannot say so and must be present; the dispatch refuses a backend without them.
 */
struct lnt_store_ops {
    const char *name; /* "SQLite", "PostgreSQL": for messages */
    /* Opens the database named by `target` (a file path, a connection URI). */
    enum lnt_err (*open_keys)(void **out, const char *target, const char *keys_path, char *err);
    void (*free)(void *s);
#define LNT_STORE_T void
#define LNT_STORE_FN(name, params, args) enum lnt_err(*name) params;
#define LNT_STORE_FN_VOID(name, params, args) void(*name) params;
#define LNT_STORE_FN_RET(name, type, params, args) type(*name) params;
#include "store_fns.h"
#undef LNT_STORE_FN
#undef LNT_STORE_FN_VOID
#undef LNT_STORE_FN_RET
#undef LNT_STORE_T
};

/* The backends (sqlite/sq_ops.c, pg/pg_ops.c). */
extern const struct lnt_store_ops lnt_sqlite_ops;
extern const struct lnt_store_ops lnt_postgresql_ops;

/* The backend's own store behind `s` (for tests that look inside one), and its name. */
void *lnt_store_backend(struct lnt_store *s);
const char *lnt_store_backend_name(const struct lnt_store *s);

#endif
