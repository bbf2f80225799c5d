/* frame_dir.c - a frame source that plays the PNG files of a directory, in name order. */
#include "frame_impl.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "log.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* More files than this in a frame directory is a mistake, not a test run. */
#define FRAMES_DIR_MAX_FILES 100000

struct frames_dir {
    struct lnt_frame_source base;
    char dir[PATH_MAX];
    struct dirent **names; /* from scandir(), sorted */
    int count;
    int next;               /* index of the next file to read */
    struct lnt_image frame; /* the frame last given out */
};

static int is_png_name(const struct dirent *d)
{
    size_t n = strlen(d->d_name);

    return d->d_name[0] != '.' && n > 4 && strcasecmp(d->d_name + n - 4, ".png") == 0;
}

/* Byte order, whatever the locale, so a run plays the same everywhere. */
static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static enum lnt_err dir_next(struct lnt_frame_source *src, const struct lnt_image **frame,
                             bool *eof, char *err)
{
    struct frames_dir *ds = (struct frames_dir *)src;
    char path[PATH_MAX];
    char why[LNT_ERRBUF_SIZE];

    (void)err;
    lnt_image_release(&ds->frame);
    while (ds->next < ds->count) {
        const char *name = ds->names[ds->next++]->d_name;
        int n = snprintf(path, sizeof path, "%s/%s", ds->dir, name);

        if (n < 0 || (size_t)n >= sizeof path) {
            lnt_warn("frames: %s/%s: path too long, skipped", ds->dir, name);
            continue;
        }
        if (lnt_image_read_png(path, &ds->frame, why) != LNT_OK) {
            lnt_warn("frames: skipped: %s", why);
            continue;
        }
        *frame = &ds->frame;
        return LNT_OK;
    }
    *eof = true;
    return LNT_OK;
}

static void dir_free(struct lnt_frame_source *src)
{
    struct frames_dir *ds = (struct frames_dir *)src;

    for (int i = 0; i < ds->count; i++)
        free(ds->names[i]);
    free(ds->names);
    lnt_image_release(&ds->frame);
    free(ds);
}

static const struct lnt_frame_ops dir_ops = {"dir", dir_next, dir_free};

enum lnt_err lnt_frames_dir_open(const char *dir, struct lnt_frame_source **out, char *err)
{
    struct frames_dir *ds;
    enum lnt_err rc;

    *out = NULL;
    ds = calloc(1, sizeof *ds);
    if (ds == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "frames: out of memory");
    ds->base.ops = &dir_ops;
    if (lnt_str_copy(ds->dir, sizeof ds->dir, dir) != LNT_OK) {
        rc = lnt_fail(err, LNT_ERR_INVALID, "frames: directory path too long");
        goto out_free;
    }
    ds->count = scandir(dir, &ds->names, is_png_name, by_name);
    if (ds->count < 0) {
        rc = lnt_fail(err, errno == ENOMEM ? LNT_ERR_NOMEM : LNT_ERR_IO, "frames: %s: %s", dir,
                      strerror(errno));
        ds->count = 0;
        ds->names = NULL;
        goto out_free;
    }
    if (ds->count > FRAMES_DIR_MAX_FILES) {
        rc = lnt_fail(err, LNT_ERR_TOO_LARGE, "frames: %s: %d PNG files, at most %d allowed", dir,
                      ds->count, FRAMES_DIR_MAX_FILES);
        goto out_free;
    }
    *out = &ds->base;
    return LNT_OK;

out_free:
    dir_free(&ds->base);
    return rc;
}
