/* gpio.c - the feedback lines through libgpiod v1 (the one libgpiod seam), and the dispatch. */
#include "gpio_impl.h"

#include <errno.h>
#include <gpiod.h>
#include <stdlib.h>
#include <string.h>

#define CONSUMER "lantern-kiosk"

struct gpio_chip {
    struct lnt_gpio base;
    struct gpiod_chip *chip;
    struct gpiod_line *lines[LNT_GPIO__COUNT];
};

static enum lnt_err chip_set(struct lnt_gpio *g, enum lnt_gpio_line line, bool on, char *err)
{
    struct gpio_chip *c = (struct gpio_chip *)g;

    if (gpiod_line_set_value(c->lines[line], on ? 1 : 0) != 0)
        return lnt_fail(err, LNT_ERR_IO, "gpio: line %u: %s", gpiod_line_offset(c->lines[line]),
                        strerror(errno));
    return LNT_OK;
}

static void chip_free(struct lnt_gpio *g)
{
    struct gpio_chip *c = (struct gpio_chip *)g;

    for (int i = 0; i < LNT_GPIO__COUNT; i++)
        if (c->lines[i] != NULL) {
            gpiod_line_set_value(c->lines[i], 0);
            gpiod_line_release(c->lines[i]);
        }
    if (c->chip != NULL)
        gpiod_chip_close(c->chip);
    free(c);
}

static const struct lnt_gpio_ops chip_ops = {"gpiod", chip_set, chip_free};

enum lnt_err lnt_gpio_open(const char *chip, unsigned led_line, unsigned buzzer_line,
                           struct lnt_gpio **out, char *err)
{
    struct gpio_chip *c;
    unsigned offsets[LNT_GPIO__COUNT] = {led_line, buzzer_line};
    enum lnt_err rc = LNT_OK;

    *out = NULL;
    c = calloc(1, sizeof *c);
    if (c == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "gpio: out of memory");
    c->base.ops = &chip_ops;
    c->chip = gpiod_chip_open_lookup(chip);
    if (c->chip == NULL) {
        rc = lnt_fail(err, LNT_ERR_IO, "gpio: chip `%s`: %s", chip, strerror(errno));
        goto out;
    }
    for (int i = 0; i < LNT_GPIO__COUNT; i++) {
        c->lines[i] = gpiod_chip_get_line(c->chip, offsets[i]);
        if (c->lines[i] == NULL || gpiod_line_request_output(c->lines[i], CONSUMER, 0) != 0) {
            rc = lnt_fail(err, LNT_ERR_IO, "gpio: chip `%s` line %u (%s): %s", chip, offsets[i],
                          i == LNT_GPIO_LED ? "LED" : "buzzer", strerror(errno));
            if (c->lines[i] != NULL && !gpiod_line_is_requested(c->lines[i]))
                c->lines[i] = NULL;
            goto out;
        }
    }

out:
    if (rc != LNT_OK) {
        chip_free(&c->base);
        return rc;
    }
    *out = &c->base;
    return LNT_OK;
}

enum lnt_err lnt_gpio_set(struct lnt_gpio *g, enum lnt_gpio_line line, bool on, char *err)
{
    enum lnt_err rc;

    if ((unsigned)line >= LNT_GPIO__COUNT)
        return lnt_fail(err, LNT_ERR_INVALID, "gpio: no line %d", (int)line);
    if (g->state[line] == on)
        return LNT_OK;
    rc = g->ops->set(g, line, on, err);
    if (rc == LNT_OK) {
        g->state[line] = on;
        g->changes[line]++;
    }
    return rc;
}

void lnt_gpio_free(struct lnt_gpio *g)
{
    if (g == NULL)
        return;
    g->ops->free(g);
}
