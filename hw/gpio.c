/* gpio.c - the feedback lines and the assist button through libgpiod v1 (the one libgpiod seam),
 * the dispatch, and the button's debouncing. */
#include "gpio_impl.h"

#include <errno.h>
#include <gpiod.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

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

/* ---- the assist button ---- */

struct button_chip {
    struct lnt_button base;
    struct gpiod_chip *chip;
    struct gpiod_line *line; /* requested; NULL until then */
};

static int button_read(struct lnt_button *b, char *err)
{
    struct button_chip *c = (struct button_chip *)b;
    int v = gpiod_line_get_value(c->line); /* active-low is libgpiod's: 1 is pressed */

    if (v < 0) {
        lnt_fail(err, LNT_ERR_IO, "gpio: assist button line %u: %s", gpiod_line_offset(c->line),
                 strerror(errno));
        return -1;
    }
    return v != 0;
}

static void button_free(struct lnt_button *b)
{
    struct button_chip *c = (struct button_chip *)b;

    if (c->line != NULL)
        gpiod_line_release(c->line);
    if (c->chip != NULL)
        gpiod_chip_close(c->chip);
    free(c);
}

static const struct lnt_button_ops button_ops = {"gpiod", button_read, button_free};

enum lnt_err lnt_button_open(const struct lnt_button_config *cfg, struct lnt_button **out,
                             char *err)
{
    struct button_chip *c;
    struct gpiod_line *line;
    enum lnt_err rc = LNT_OK;
    int flags;

    *out = NULL;
    c = calloc(1, sizeof *c);
    if (c == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "gpio: out of memory");
    c->base.ops = &button_ops;
    c->base.debounce_ms = cfg->debounce_ms > 0 ? cfg->debounce_ms : LNT_BUTTON_DEBOUNCE_MS;
    c->chip = gpiod_chip_open_lookup(cfg->chip);
    if (c->chip == NULL) {
        rc = lnt_fail(err, LNT_ERR_IO, "gpio: assist button: chip `%s`: %s", cfg->chip,
                      strerror(errno));
        goto out;
    }
    if (cfg->line >= gpiod_chip_num_lines(c->chip)) {
        rc = lnt_fail(err, LNT_ERR_IO, "gpio: assist button: chip `%s` has no line %u (it has %u)",
                      cfg->chip, cfg->line, gpiod_chip_num_lines(c->chip));
        goto out;
    }
    line = gpiod_chip_get_line(c->chip, cfg->line);
    flags = cfg->active_low
                ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW | GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP
                : GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN;
    if (line == NULL || gpiod_line_request_input_flags(line, CONSUMER, flags) != 0) {
        rc = lnt_fail(err, LNT_ERR_IO, "gpio: assist button: chip `%s` line %u: %s", cfg->chip,
                      cfg->line, strerror(errno));
        goto out;
    }
    c->line = line;

out:
    if (rc != LNT_OK) {
        button_free(&c->base);
        return rc;
    }
    *out = &c->base;
    return LNT_OK;
}

enum lnt_err lnt_button_poll(struct lnt_button *b, int64_t now_ms, bool *pressed, char *err)
{
    int v = b->ops->read(b, err);
    bool raw = v == 1;

    *pressed = false;
    if (v < 0)
        return LNT_ERR_IO;
    if (!b->looked) {
        /* A button held at start-up, or one wired the other way round, is not a press. */
        b->looked = true;
        b->raw = b->steady = raw;
        b->raw_since = now_ms;
        if (raw)
            lnt_warn("assist button: reads pressed at start-up; a press counts once it has been "
                     "released (if it never is, check assist-active)");
        return LNT_OK;
    }
    if (raw != b->raw || now_ms < b->raw_since) { /* a change, or the clock went back */
        b->raw = raw;
        b->raw_since = now_ms;
    }
    if (b->raw != b->steady && now_ms - b->raw_since >= b->debounce_ms) {
        b->steady = b->raw;
        if (b->steady) {
            b->presses++;
            *pressed = true;
        }
    }
    return LNT_OK;
}

bool lnt_button_held(const struct lnt_button *b)
{
    return b != NULL && b->steady;
}

unsigned lnt_button_presses(const struct lnt_button *b)
{
    return b != NULL ? b->presses : 0;
}

void lnt_button_free(struct lnt_button *b)
{
    if (b == NULL)
        return;
    b->ops->free(b);
}
