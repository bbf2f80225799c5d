/* sq_backend.h - included before anything else in every file of the SQLite backend (see
 * CMakeLists.txt): the backend's functions get the lnt_sqlite_ prefix, and the dispatch
 * (store_dispatch.c) owns the lnt_store_ names. */
#ifndef LNT_SQ_BACKEND_H
#define LNT_SQ_BACKEND_H

#define LNT_STORE_NAME(x) lnt_sqlite_##x
#include "store_names.h"

#endif
