/* gpio_impl.h - the GPIO vtable shared by hw/gpio*.c; private to hw/. */
#ifndef LNT_GPIO_IMPL_H
#define LNT_GPIO_IMPL_H

#include "gpio.h"

struct lnt_gpio_ops {
    const char *name;
    enum lnt_err (*set)(struct lnt_gpio *g, enum lnt_gpio_line line, bool on, char *err);
    void (*free)(struct lnt_gpio *g);
};

/* Each backend embeds this as its first member. */
struct lnt_gpio {
    const struct lnt_gpio_ops *ops;
    bool state[LNT_GPIO__COUNT];
    unsigned changes[LNT_GPIO__COUNT];
};

struct lnt_button_ops {
    const char *name;
    /* 1 pressed, 0 released, -1 failed (err set). */
    int (*read)(struct lnt_button *b, char *err);
    void (*free)(struct lnt_button *b);
};

/* Each button backend embeds this as its first member; the debouncing is gpio.c's. */
struct lnt_button {
    const struct lnt_button_ops *ops;
    int64_t debounce_ms;
    bool looked;       /* the line was read at least once */
    bool raw;          /* the last reading */
    int64_t raw_since; /* monotonic ms it has read that */
    bool steady;       /* the debounced state: pressed or not */
    unsigned presses;
};

#endif
