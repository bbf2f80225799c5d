/* frame_impl.h - the frame-source vtable shared by hw/frame*.c; private to hw/. */
#ifndef LNT_FRAME_IMPL_H
#define LNT_FRAME_IMPL_H

#include "frame.h"

/* Each backend embeds `struct lnt_frame_source` as its first member. */
struct lnt_frame_ops {
    const char *name;
    enum lnt_err (*next)(struct lnt_frame_source *src, const struct lnt_image **frame, bool *eof,
                         char *err);
    void (*free)(struct lnt_frame_source *src);
};

struct lnt_frame_source {
    const struct lnt_frame_ops *ops;
};

#endif
