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

#endif
