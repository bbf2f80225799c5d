/* gpio.h - the kiosk's feedback lines (status LED, buzzer) and its assist button behind one
 * interface each: libgpiod v1 or a fake for tests. */
#ifndef LNT_GPIO_H
#define LNT_GPIO_H

#include <stdbool.h>
#include <stdint.h>

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

/* ---- the assist button: one input line, debounced ---- */

#define LNT_BUTTON_DEBOUNCE_MS 50 /* default: steady this long to count */

struct lnt_button_config {
    const char *chip;    /* as lnt_gpio_open takes it */
    unsigned line;       /* the line offset */
    bool active_low;     /* pressed reads low: a button to ground (the pull-up is turned on);
                            else high, to 3.3 V (the pull-down is turned on) */
    int64_t debounce_ms; /* >= 1 */
};

struct lnt_button;

/*
 * Claims the input line `c` names. LNT_ERR_IO when the chip or line cannot
 * be had, with a message naming both (and how many lines the chip has when
 * the offset is beyond them); *out is then NULL and nothing is held.
 */
enum lnt_err lnt_button_open(const struct lnt_button_config *c, struct lnt_button **out, char *err);
/* A button that reads what lnt_button_fake_set said, for tests; `debounce_ms` as above. */
enum lnt_err lnt_button_fake_new(int64_t debounce_ms, struct lnt_button **out, char *err);
/* Fake only: the line now reads pressed (after active-low is taken into account) or not. */
void lnt_button_fake_set(struct lnt_button *b, bool pressed);
/* Whether `b` is the fake. */
bool lnt_button_fake_is(const struct lnt_button *b);

/*
 * One look at the button at monotonic `now_ms`, from the main loop. *pressed
 * is true once for each press: when the line has read pressed, steadily, for
 * the debounce time after reading released as steadily. Bounces shorter than
 * that are ignored; a long press is one press (released and pressed again is
 * the next). A line that reads pressed at the first look (held, or wired the
 * other way round) gives no press until it has been released. LNT_ERR_IO when
 * the line cannot be read (*pressed false). Not thread-safe.
 */
enum lnt_err lnt_button_poll(struct lnt_button *b, int64_t now_ms, bool *pressed, char *err);
/* Whether it is held down now (debounced). */
bool lnt_button_held(const struct lnt_button *b);
/* Presses counted so far. */
unsigned lnt_button_presses(const struct lnt_button *b);
/* Releases the line. NULL is a no-op. */
void lnt_button_free(struct lnt_button *b);

#endif
