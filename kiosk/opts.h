/* opts.h - lantern-kiosk's settings: /etc/lantern/kiosk.conf (or --config FILE), then the
 * command line, which wins. */
#ifndef LNT_KIOSK_OPTS_H
#define LNT_KIOSK_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "frame.h"

#define KIOSK_CONF LNT_CONF_DIR "/kiosk.conf"

struct opts {
    const char *data;
    const char *server;
    const char *frames;
    const char *camera;
    const char *enroll;
    const char *screenshot;
    const char *replay;
    const char *ca;
    const char *gpio_chip;
    unsigned led_line, buzzer_line;
    struct lnt_camera_settings cam; /* --camera-*: size, exposure, focus */
    /* The assist button: an input line (--assist-line; none by default) on --assist-chip
     * (default --gpio-chip), pressed when low (default) or high, steady for --assist-debounce. */
    const char *assist_chip;
    bool assist_set;
    unsigned assist_line;
    bool assist_active_low;
    int64_t assist_debounce_ms;
    bool headless;
    bool fullscreen;
    int64_t timeout_s;
    bool timeout_given;
    int64_t idle_s;
    int width, height;
    struct lnt_conf conf; /* owns the values read from the file, which the fields above borrow */
};

/*
 * Fills *o: the defaults, then the configuration file (`--config PATH`, else KIOSK_CONF if it
 * exists), then argv. Returns 0, or -1 with a one-line reason in `err` ("FILE:LINE: option
 * `value`: ..." for a line of the file, "--option `value`: ..." for the command line).
 * --help prints the usage and exit(0). The strings in *o borrow argv and o->conf: call
 * lnt_kiosk_opts_release after. Not thread-safe.
 */
int lnt_kiosk_opts_parse(int argc, char **argv, struct opts *o, char *err);

/* Frees what the file's settings hold. */
void lnt_kiosk_opts_release(struct opts *o);

#endif
