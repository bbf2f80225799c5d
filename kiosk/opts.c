/* opts.c - lantern-kiosk's settings: defaults, then the configuration file, then the command
 * line. */
#include "opts.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "err.h"
#include "screen.h"
#include "sync.h"

static const char usage_text[] =
    "usage: lantern-kiosk --data DIR [--server URL] [--enroll CODE] [options]\n"
    "  --config FILE      read settings from FILE (default " KIOSK_CONF ", if it exists):\n"
    "                     `option = value` lines for the options below, flags `= true`;\n"
    "                     the command line wins\n"
    "  --data DIR         where the kiosk keeps its database (created if missing)\n"
    "  --server URL       lanternd's address, e.g. http://127.0.0.1:8080 (stored at enrolment)\n"
    "  --enroll CODE      enrol with a code from `lanternctl kiosk add`; without it a fresh\n"
    "                     kiosk shows \"Scan enrolment code\" and takes the LNTE: QR code\n"
    "  --ca FILE          trust only this CA for the server's HTTPS certificate\n"
    "  --camera DEV       read badges from a V4L2 camera, e.g. /dev/video0; one that is\n"
    "                     missing or fails is retried, and the screen says so\n"
    "  --frames DIR       PNG files as camera frames: headless, each once in name order;\n"
    "                     with a window, F2 shows the camera the next one\n"
    "  --replay FILE      play a script: scan IMAGE, tap LABEL, press [LABEL], release [LABEL],\n"
    "                     type TEXT, wait MS, shot FILE.png\n"
    "                     (a LABEL ending in * matches the start of a button's label)\n"
    "  --headless         no window; without --replay, each badge from --frames takes its\n"
    "                     primary action; then sync until nothing is unsent (exit 0) or\n"
    "                     --timeout passes (exit 1)\n"
    "  --timeout SECONDS  headless: how long to keep trying to sync, after the replay script\n"
    "                     if any (default 30);\n"
    "                     with a window: close after this long (default: run until closed)\n"
    "  --idle SECONDS     back to the idle screen after this long without a touch (default 60)\n"
    "  --size WxH         window (or screenshot) size, default 800x480\n"
    "  --screenshot FILE  save the last screen as PNG at exit\n"
    "  --fullscreen       fill the display and hide the pointer (the kiosk itself)\n"
    "  --gpio-chip CHIP   drive the status LED and buzzer on this GPIO chip (libgpiod)\n"
    "  --gpio-lines L,B   their line offsets (default 17,27)\n"
    "  --camera-size WxH  the size asked of the camera (default 1280x720); the nearest\n"
    "                     it offers otherwise\n"
    "  --camera-exposure auto|manual  (default auto)\n"
    "  --camera-exposure-bias EV  auto: brighter (+) or darker (-), -4 to 4 (default 0)\n"
    "  --camera-exposure-priority light|frame-rate  auto: may the frame rate drop to let\n"
    "                     in more light (default light)\n"
    "  --camera-exposure-time MS  manual: 0.1 to 1000 ms (default 20)\n"
    "  --camera-gain PERCENT|default  manual: of the camera's range (default: its own)\n"
    "  --camera-focus auto|PERCENT  continuous autofocus (default), or fixed at this\n"
    "                     point of the camera's range, 100 the closest\n"
    "  --assist-line N    an assist button on this GPIO input line (default: none)\n"
    "  --assist-chip CHIP its chip (default: --gpio-chip)\n"
    "  --assist-active low|high  pressed when the line is low (default: a button to\n"
    "                     ground, with the pull-up) or high\n"
    "  --assist-debounce MS  steady this long to count, 1 to 1000 (default 50)\n"
    "Exit status: 0 done, 1 failed or unsent at timeout, 2 usage or not enrolled,\n"
    "3 a replay step could not be done (the message names the script line).\n";

/* The options, for the configuration file and for finding --config; `val` is the index. */
enum {
    O_CONFIG = 1,
    O_DATA,
    O_SERVER,
    O_FRAMES,
    O_CAMERA,
    O_ENROLL,
    O_SCREENSHOT,
    O_REPLAY,
    O_CA,
    O_GPIO_CHIP,
    O_TIMEOUT,
    O_IDLE,
    O_SIZE,
    O_GPIO_LINES,
    O_CAMERA_SIZE,
    O_CAMERA_EXPOSURE,
    O_CAMERA_BIAS,
    O_CAMERA_PRIORITY,
    O_CAMERA_TIME,
    O_CAMERA_GAIN,
    O_CAMERA_FOCUS,
    O_ASSIST_LINE,
    O_ASSIST_CHIP,
    O_ASSIST_ACTIVE,
    O_ASSIST_DEBOUNCE,
    O_HEADLESS,
    O_FULLSCREEN,
    O_HELP,
};

static const struct option longopts[] = {
    {"config", required_argument, NULL, O_CONFIG},
    {"data", required_argument, NULL, O_DATA},
    {"server", required_argument, NULL, O_SERVER},
    {"frames", required_argument, NULL, O_FRAMES},
    {"camera", required_argument, NULL, O_CAMERA},
    {"enroll", required_argument, NULL, O_ENROLL},
    {"screenshot", required_argument, NULL, O_SCREENSHOT},
    {"replay", required_argument, NULL, O_REPLAY},
    {"ca", required_argument, NULL, O_CA},
    {"gpio-chip", required_argument, NULL, O_GPIO_CHIP},
    {"timeout", required_argument, NULL, O_TIMEOUT},
    {"idle", required_argument, NULL, O_IDLE},
    {"size", required_argument, NULL, O_SIZE},
    {"gpio-lines", required_argument, NULL, O_GPIO_LINES},
    {"camera-size", required_argument, NULL, O_CAMERA_SIZE},
    {"camera-exposure", required_argument, NULL, O_CAMERA_EXPOSURE},
    {"camera-exposure-bias", required_argument, NULL, O_CAMERA_BIAS},
    {"camera-exposure-priority", required_argument, NULL, O_CAMERA_PRIORITY},
    {"camera-exposure-time", required_argument, NULL, O_CAMERA_TIME},
    {"camera-gain", required_argument, NULL, O_CAMERA_GAIN},
    {"camera-focus", required_argument, NULL, O_CAMERA_FOCUS},
    {"assist-line", required_argument, NULL, O_ASSIST_LINE},
    {"assist-chip", required_argument, NULL, O_ASSIST_CHIP},
    {"assist-active", required_argument, NULL, O_ASSIST_ACTIVE},
    {"assist-debounce", required_argument, NULL, O_ASSIST_DEBOUNCE},
    {"headless", no_argument, NULL, O_HEADLESS},
    {"fullscreen", no_argument, NULL, O_FULLSCREEN},
    {"help", no_argument, NULL, O_HELP},
    {NULL, 0, NULL, 0},
};

/* Options only the command line takes. */
static const int command_line_only[] = {O_CONFIG, O_HELP, 0};

/* Two whole numbers joined by `sep` ("1024x600", "17,27"): the first at least `min_a`, the
 * second at least `min_b`, both at most `max`. */
static int parse_pair(const char *s, char sep, int64_t min_a, int64_t min_b, int64_t max,
                      int64_t *a, int64_t *b)
{
    const char *at = strchr(s, sep);
    char first[8];

    if (at == NULL || at - s >= (long)sizeof first)
        return -1;
    memcpy(first, s, (size_t)(at - s));
    first[at - s] = '\0';
    if (lnt_parse_i64(first, min_a, max, a) != LNT_OK ||
        lnt_parse_i64(at + 1, min_b, max, b) != LNT_OK)
        return -1;
    return 0;
}

static int parse_size(const char *s, struct opts *o)
{
    int64_t w, h;

    if (parse_pair(s, 'x', 160, 96, 8192, &w, &h) != 0)
        return -1;
    o->width = (int)w;
    o->height = (int)h;
    return 0;
}

static int parse_lines(const char *s, struct opts *o)
{
    int64_t led, buzzer;

    if (parse_pair(s, ',', 0, 0, 1023, &led, &buzzer) != 0)
        return -1;
    o->led_line = (unsigned)led;
    o->buzzer_line = (unsigned)buzzer;
    return 0;
}

/* A decimal like "-0.7", "+1", "20", "0.125" in thousandths, from min to max thousandths. */
static int parse_milli(const char *s, int64_t min, int64_t max, int64_t *out)
{
    int64_t v = 0, scale = 1000;
    bool neg = *s == '-', digits = false;

    if (*s == '-' || *s == '+')
        s++;
    for (; *s >= '0' && *s <= '9'; s++, digits = true)
        if ((v = v * 10 + (*s - '0')) > 1000000000)
            return -1;
    v *= 1000;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++, digits = true) {
            if (scale == 1)
                return -1; /* finer than a thousandth */
            scale /= 10;
            v += (*s - '0') * scale;
        }
    if (!digits || *s != '\0')
        return -1;
    v = neg ? -v : v;
    if (v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* "auto", "default", or a whole percentage: `word` gives LNT_CAM_DEFAULT. */
static int parse_percent(const char *s, const char *word, int *out)
{
    int64_t pct;

    if (strcmp(s, word) == 0) {
        *out = LNT_CAM_DEFAULT;
        return 0;
    }
    if (lnt_parse_i64(s, 0, 100, &pct) != LNT_OK)
        return -1;
    *out = (int)pct;
    return 0;
}

/* What an option of set_hardware takes, for its message. */
static const char *hardware_expected(int code)
{
    switch (code) {
    case O_CAMERA_SIZE:
        return "WIDTHxHEIGHT, e.g. 1280x720";
    case O_CAMERA_EXPOSURE:
        return "auto or manual";
    case O_CAMERA_BIAS:
        return "EV from -4 to 4, e.g. 0.7";
    case O_CAMERA_PRIORITY:
        return "light or frame-rate";
    case O_CAMERA_TIME:
        return "milliseconds from 0.1 to 1000, e.g. 20";
    case O_CAMERA_GAIN:
        return "a percentage, 0 to 100, or default";
    case O_CAMERA_FOCUS:
        return "auto, or a percentage, 0 to 100 (100 the closest)";
    case O_ASSIST_LINE:
        return "a GPIO line offset, 0 to 1023";
    case O_ASSIST_ACTIVE:
        return "low or high";
    default:
        return "milliseconds, 1 to 1000";
    }
}

/* The camera's settings and the assist button (--camera-*, --assist-*): 0, 1 when `code` is
 * none of them, or -1 with `err` set. */
static int set_hardware(struct opts *o, int code, const char *v, const char *what, char *err)
{
    struct lnt_camera_settings *c = &o->cam;
    int64_t n, w, h;

    switch (code) {
    case O_CAMERA_SIZE:
        if (parse_pair(v, 'x', 160, 120, LNT_IMAGE_MAX_DIM, &w, &h) != 0)
            goto bad;
        c->width = (int)w;
        c->height = (int)h;
        return 0;
    case O_CAMERA_EXPOSURE:
        if (strcmp(v, "auto") != 0 && strcmp(v, "manual") != 0)
            goto bad;
        c->exposure = v[0] == 'a' ? LNT_CAM_EXPOSURE_AUTO : LNT_CAM_EXPOSURE_MANUAL;
        return 0;
    case O_CAMERA_BIAS:
        if (parse_milli(v, -LNT_CAM_BIAS_MAX_MEV, LNT_CAM_BIAS_MAX_MEV, &n) != 0)
            goto bad;
        c->bias_mev = (int)n;
        return 0;
    case O_CAMERA_PRIORITY:
        if (strcmp(v, "light") != 0 && strcmp(v, "frame-rate") != 0)
            goto bad;
        c->priority = v[0] == 'l' ? LNT_CAM_PRIORITY_LIGHT : LNT_CAM_PRIORITY_FRAME_RATE;
        return 0;
    case O_CAMERA_TIME: /* milliseconds in, microseconds kept */
        if (parse_milli(v, 100, LNT_CAM_EXPOSURE_MAX_US, &n) != 0)
            goto bad;
        c->exposure_us = (int)n;
        return 0;
    case O_CAMERA_GAIN:
        if (parse_percent(v, "default", &c->gain_pct) != 0)
            goto bad;
        return 0;
    case O_CAMERA_FOCUS:
        if (parse_percent(v, "auto", &c->focus_pct) != 0)
            goto bad;
        return 0;
    case O_ASSIST_LINE:
        if (lnt_parse_i64(v, 0, 1023, &n) != LNT_OK)
            goto bad;
        o->assist_line = (unsigned)n;
        o->assist_set = true;
        return 0;
    case O_ASSIST_CHIP:
        o->assist_chip = v;
        return 0;
    case O_ASSIST_ACTIVE:
        if (strcmp(v, "low") != 0 && strcmp(v, "high") != 0)
            goto bad;
        o->assist_active_low = v[0] == 'l';
        return 0;
    case O_ASSIST_DEBOUNCE:
        if (lnt_parse_i64(v, 1, 1000, &o->assist_debounce_ms) != LNT_OK)
            goto bad;
        return 0;
    default:
        return 1;
    }
bad:
    lnt_fail(err, LNT_ERR_INVALID, "%s `%.40s`: expected %s", what, v, hardware_expected(code));
    return -1;
}

static void defaults(struct opts *o)
{
    memset(o, 0, sizeof *o);
    o->timeout_s = 30;
    o->idle_s = LNT_APP_IDLE_MS / 1000;
    o->width = LNT_SCREEN_W;
    o->height = LNT_SCREEN_H;
    o->led_line = 17;
    o->buzzer_line = 27;
    lnt_camera_settings_default(&o->cam);
    o->assist_active_low = true;
    o->assist_debounce_ms = 50;
}

/* The string setting option `code` fills, or NULL for one that is not a string. */
static const char **string_slot(struct opts *o, int code)
{
    switch (code) {
    case O_DATA:
        return &o->data;
    case O_SERVER:
        return &o->server;
    case O_FRAMES:
        return &o->frames;
    case O_CAMERA:
        return &o->camera;
    case O_ENROLL:
        return &o->enroll;
    case O_SCREENSHOT:
        return &o->screenshot;
    case O_REPLAY:
        return &o->replay;
    case O_CA:
        return &o->ca;
    case O_GPIO_CHIP:
        return &o->gpio_chip;
    default:
        return NULL;
    }
}

/* Applies option `code` with `v` (NULL for a flag): 0, or -1 with `err` naming it as `what`
 * ("--size", or "FILE:LINE: size"). */
static int set_option(struct opts *o, int code, const char *v, const char *what, char *err)
{
    const char **slot = string_slot(o, code);

    if (slot != NULL) {
        *slot = v;
        return 0;
    }
    switch (set_hardware(o, code, v, what, err)) {
    case 0:
        return 0;
    case -1:
        return -1;
    default:
        break;
    }
    switch (code) {
    case O_HEADLESS:
        o->headless = true;
        return 0;
    case O_FULLSCREEN:
        o->fullscreen = true;
        return 0;
    case O_TIMEOUT:
        if (lnt_parse_i64(v, 1, 86400, &o->timeout_s) != LNT_OK) {
            lnt_fail(err, LNT_ERR_INVALID, "%s `%s`: expected whole seconds, 1 to 86400", what, v);
            return -1;
        }
        o->timeout_given = true;
        return 0;
    case O_IDLE:
        if (lnt_parse_i64(v, 5, 3600, &o->idle_s) != LNT_OK) {
            lnt_fail(err, LNT_ERR_INVALID, "%s `%s`: expected whole seconds, 5 to 3600", what, v);
            return -1;
        }
        return 0;
    case O_SIZE:
        if (parse_size(v, o) != 0) {
            lnt_fail(err, LNT_ERR_INVALID, "%s `%s`: expected WIDTHxHEIGHT, e.g. 1024x600", what,
                     v);
            return -1;
        }
        return 0;
    case O_GPIO_LINES:
        if (parse_lines(v, o) != 0) {
            lnt_fail(err, LNT_ERR_INVALID, "%s `%s`: expected LED,BUZZER line offsets, e.g. 17,27",
                     what, v);
            return -1;
        }
        return 0;
    default:
        return 0; /* --config: read before the rest */
    }
}

static const struct option *find(const char *name)
{
    for (const struct option *p = longopts; p->name != NULL; p++)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

/* The settings the configuration file holds, applied to *o. */
static int apply_file(int argc, char **argv, struct opts *o, char *err)
{
    char where[LNT_CONF_WHERE_MAX];
    const char *path;
    bool required;

    lnt_conf_locate(argc, argv, longopts, KIOSK_CONF, &path, &required);
    if (lnt_conf_read(&o->conf, path, required, longopts, command_line_only, err) != LNT_OK)
        return -1;
    for (size_t i = 0; i < o->conf.n; i++) {
        const struct lnt_conf_entry *e = &o->conf.entries[i];
        if (set_option(o, e->code, e->value, lnt_conf_where(&o->conf, i, where), err) != 0)
            return -1;
    }
    return 0;
}

int lnt_kiosk_opts_parse(int argc, char **argv, struct opts *o, char *err)
{
    defaults(o);
    if (apply_file(argc, argv, o, err) != 0)
        return -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const struct option *opt = strncmp(a, "--", 2) == 0 ? find(a + 2) : NULL;

        if ((opt != NULL && opt->val == O_HELP) || strcmp(a, "-h") == 0) {
            fputs(usage_text, stdout);
            exit(0);
        }
        if (opt != NULL && opt->has_arg == no_argument) {
            set_option(o, opt->val, NULL, a, err);
            continue;
        }
        if (i + 1 >= argc) {
            lnt_fail(err, LNT_ERR_INVALID, "option `%s` needs a value (or is unknown; see --help)",
                     a);
            return -1;
        }
        if (opt == NULL) {
            lnt_fail(err, LNT_ERR_INVALID, "unknown option `%s` (see --help)", a);
            return -1;
        }
        if (set_option(o, opt->val, argv[++i], a, err) != 0)
            return -1;
    }
    if (o->data == NULL) {
        lnt_fail(err, LNT_ERR_INVALID, "--data DIR is required (see --help)");
        return -1;
    }
    if (o->enroll != NULL && !lnt_sync_code_valid(o->enroll)) {
        lnt_fail(err, LNT_ERR_INVALID, "--enroll `%.40s`: expected a code like ABCD-EFGH-JKLM",
                 o->enroll);
        return -1;
    }
    if (o->assist_set && o->assist_chip == NULL && o->gpio_chip == NULL) {
        lnt_fail(err, LNT_ERR_INVALID, "--assist-line needs --assist-chip or --gpio-chip");
        return -1;
    }
    if (o->frames != NULL && o->camera != NULL) {
        lnt_fail(err, LNT_ERR_INVALID, "--frames and --camera are two cameras: give one");
        return -1;
    }
    return 0;
}

void lnt_kiosk_opts_release(struct opts *o)
{
    lnt_conf_release(&o->conf);
}
