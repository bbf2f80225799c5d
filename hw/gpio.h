/* gpio.h - the kiosk's feedback lines (status LED, buzzer) behind one interface: libgpiod v1 or a
 * fake for tests. */
#ifndef LNT_GPIO_H
#define LNT_GPIO_H

#include <stdbool.h>

#include "err.h"

enum lnt_gpio_line { LNT_GPIO_LED = 0, LNT_GPIO_BUZZER = 1, LNT_GPIO__COUNT };

struct lnt_gpio;

/*
 * Claims two output lines of GPIO chip `chip` (a name like "gpiochip0", a
 * path, a label or a number, as libgpiod's lookup takes) and sets both off.
 * On error *out is NULL and nothing is held; the message names the chip or
 * line that failed.
 */
enum lnt_err lnt_gpio_open(const char *chip, unsigned led_line, unsigned buzzer_line,
                           struct lnt_gpio **out, char *err);
/* A backend that only remembers what it was told: for tests and machines without GPIO. */
enum lnt_err lnt_gpio_fake_new(struct lnt_gpio **out, char *err);
/* Turns `line` on or off. LNT_ERR_IO when the hardware refused. */
enum lnt_err lnt_gpio_set(struct lnt_gpio *g, enum lnt_gpio_line line, bool on, char *err);
/* Turns everything off and releases the lines. NULL is a no-op. */
void lnt_gpio_free(struct lnt_gpio *g);

/* Fake backend only (false / 0 for any other): the line's state and how often it changed. */
bool lnt_gpio_fake_get(const struct lnt_gpio *g, enum lnt_gpio_line line);
unsigned lnt_gpio_fake_changes(const struct lnt_gpio *g, enum lnt_gpio_line line);

#endif
