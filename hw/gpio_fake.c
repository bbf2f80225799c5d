/* gpio_fake.c - GPIO backends for tests: lines that only remember what they were told, and an
 * assist button that reads what the test says. */
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

struct button_fake {
    struct lnt_button base;
    bool pressed;
};

static int button_fake_read(struct lnt_button *b, char *err)
{
    (void)err;
    return ((struct button_fake *)b)->pressed ? 1 : 0;
}

static void button_fake_free(struct lnt_button *b)
{
    free(b);
}

static const struct lnt_button_ops button_fake_ops = {"fake", button_fake_read, button_fake_free};

enum lnt_err lnt_button_fake_new(int64_t debounce_ms, struct lnt_button **out, char *err)
{
    struct button_fake *b = calloc(1, sizeof *b);

    *out = NULL;
    if (b == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "gpio: out of memory");
    b->base.ops = &button_fake_ops;
    b->base.debounce_ms = debounce_ms > 0 ? debounce_ms : LNT_BUTTON_DEBOUNCE_MS;
    *out = &b->base;
    return LNT_OK;
}

void lnt_button_fake_set(struct lnt_button *b, bool pressed)
{
    if (b->ops == &button_fake_ops)
        ((struct button_fake *)b)->pressed = pressed;
}

bool lnt_button_fake_is(const struct lnt_button *b)
{
    return b != NULL && b->ops == &button_fake_ops;
}
