/* gpio_fake.c - a GPIO backend that only remembers what it was told, for tests. */
#include "gpio_impl.h"

#include <stdlib.h>

static enum lnt_err fake_set(struct lnt_gpio *g, enum lnt_gpio_line line, bool on, char *err)
{
    (void)g;
    (void)line;
    (void)on;
    (void)err;
    return LNT_OK;
}

static void fake_free(struct lnt_gpio *g)
{
    free(g);
}

static const struct lnt_gpio_ops fake_ops = {"fake", fake_set, fake_free};

enum lnt_err lnt_gpio_fake_new(struct lnt_gpio **out, char *err)
{
    struct lnt_gpio *g = calloc(1, sizeof *g);

    *out = NULL;
    if (g == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "gpio: out of memory");
    g->ops = &fake_ops;
    *out = g;
    return LNT_OK;
}

bool lnt_gpio_fake_get(const struct lnt_gpio *g, enum lnt_gpio_line line)
{
    if (g->ops != &fake_ops || (unsigned)line >= LNT_GPIO__COUNT)
        return false;
    return g->state[line];
}

unsigned lnt_gpio_fake_changes(const struct lnt_gpio *g, enum lnt_gpio_line line)
{
    if (g->ops != &fake_ops || (unsigned)line >= LNT_GPIO__COUNT)
        return 0;
    return g->changes[line];
}
