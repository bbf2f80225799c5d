/* assets.h - where the scoring rules (bbn/criteria.ini, risk/weights.ini) are read from. */
#ifndef LNT_ASSETS_H
#define LNT_ASSETS_H

#include <stddef.h>

#include "err.h"
#include "score.h"

/*
 * The asset directory, first of: $LANTERN_ASSETS when set; the installed
 * copy next to the program (<its directory>/../share/lantern, as
 * `cmake --install` lays it out) when it holds bbn/criteria.ini; the source
 * tree the program was built from. Writes "DIR/rel" into out.
 * LNT_ERR_TOO_LARGE when that does not fit.
 */
enum lnt_err lnt_asset_path(const char *rel, char *out, size_t size, char *err);
/* The scoring rules from that directory. The caller releases them. Errors name the file and line.
 */
enum lnt_err lnt_score_load_rules(struct lnt_score_rules *out, char *err);

#endif
