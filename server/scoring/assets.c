/* assets.c - where the scoring rules (bbn/criteria.ini, risk/weights.ini) are read from. */
#include "assets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef LNT_ASSET_DIR
#define LNT_ASSET_DIR "assets"
#endif

#define DIR_MAX 4096

/* <directory of this program>/../share/lantern into out, when it holds the rules. */
static int installed_dir(char *out, size_t size)
{
    char exe[DIR_MAX], probe[DIR_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;

    if (n <= 0)
        return 0;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (slash == NULL)
        return 0;
    *slash = '\0';
    if ((size_t)snprintf(out, size, "%s/../share/lantern", exe) >= size ||
        (size_t)snprintf(probe, sizeof probe, "%s/bbn/criteria.ini", out) >= sizeof probe)
        return 0;
    return access(probe, R_OK) == 0;
}

enum lnt_err lnt_asset_path(const char *rel, char *out, size_t size, char *err)
{
    const char *env = getenv("LANTERN_ASSETS");
    char dir[DIR_MAX];

    if (env != NULL && env[0] != '\0') {
        if ((size_t)snprintf(dir, sizeof dir, "%s", env) >= sizeof dir)
            return lnt_fail(err, LNT_ERR_TOO_LARGE, "LANTERN_ASSETS is too long");
    } else if (!installed_dir(dir, sizeof dir)) {
        (void)snprintf(dir, sizeof dir, "%s", LNT_ASSET_DIR);
    }
    if ((size_t)snprintf(out, size, "%s/%s", dir, rel) >= size)
        return lnt_fail(err, LNT_ERR_TOO_LARGE, "asset path %s/%s is too long", dir, rel);
    return LNT_OK;
}

enum lnt_err lnt_score_load_rules(struct lnt_score_rules *out, char *err)
{
    char bbn[DIR_MAX + 64], risk[DIR_MAX + 64];
    enum lnt_err rc;

    if ((rc = lnt_asset_path("bbn/criteria.ini", bbn, sizeof bbn, err)) != LNT_OK ||
        (rc = lnt_asset_path("risk/weights.ini", risk, sizeof risk, err)) != LNT_OK)
        return rc;
    return lnt_score_rules_load(out, bbn, risk, err);
}
