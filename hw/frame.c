/* frame.c - dispatches the frame-source interface to its backends. */
#include "frame_impl.h"

#include <assert.h>

enum lnt_err lnt_frame_next(struct lnt_frame_source *src, const struct lnt_image **frame, bool *eof,
                            char *err)
{
    assert(src != NULL && src->ops != NULL);
    *frame = NULL;
    *eof = false;
    return src->ops->next(src, frame, eof, err);
}

void lnt_frame_source_free(struct lnt_frame_source *src)
{
    if (src == NULL)
        return;
    src->ops->free(src);
}
