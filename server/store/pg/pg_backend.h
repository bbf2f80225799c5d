/* pg_backend.h - included before anything else in every file of the PostgreSQL backend (see
 * CMakeLists.txt): the backend's functions get the lnt_postgresql_ prefix, and the dispatch
 * (store_dispatch.c) owns the lnt_store_ names. */
#ifndef LNT_PG_BACKEND_H
#define LNT_PG_BACKEND_H

#define LNT_STORE_NAME(x) lnt_postgresql_##x
#include "store_names.h"

#endif
