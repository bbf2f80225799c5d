/* main_replay.c - lantern-kiosk --replay: plays a script of scans, taps, presses and releases,
 * typing, waits and screenshots against the real kiosk. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "image.h"
#include "kiosk.h"
#include "log.h"
#include "ltime.h"

#define REPLAY_FAILED 3

static int step_failed(const struct kiosk *k, const struct lnt_replay_step *st, const char *fmt,
                       ...) __attribute__((format(printf, 3, 4)));

static int step_failed(const struct kiosk *k, const struct lnt_replay_step *st, const char *fmt,
                       ...)
{
    char why[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    fprintf(stderr, "lantern-kiosk: replay %s:%d: %s\n", k->script.path, st->line, why);
    return REPLAY_FAILED;
}

/* "Sign in, Ask for Angela, ..." */
static void button_names(const struct lnt_draw_list *dl, char *out, size_t size)
{
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; i < dl->n && used + 1 < size; i++) {
        int n;
        if (dl->cmd[i].kind != LNT_DRAW_BUTTON)
            continue;
        n = snprintf(out + used, size - used, "%s\"%s\"", used ? ", " : "", dl->cmd[i].text);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    if (used == 0)
        snprintf(out, size, "none");
}

static int do_scan(struct kiosk *k, const struct lnt_replay_step *st, int64_t now)
{
    char err[LNT_ERRBUF_SIZE] = "", text[QR_TEXT_MAX];
    struct lnt_image img = {0};
    bool found = false, seen = false;
    enum lnt_err rc;

    rc = lnt_image_read_png(st->arg, &img, err);
    if (rc != LNT_OK)
        return step_failed(k, st, "scan: %s", err);
    /* A badge shown once: in view for this frame, gone in the next. A code that is seen but does
     * not read is a frame like any other (the screen may say how to hold it); an image with no
     * code at all is a mistake in the script. */
    lnt_kiosk_see(k, &img, now, text, sizeof text, &found, &seen);
    lnt_image_release(&img);
    if (!seen)
        return step_failed(k, st, "scan %s: no QR code found in the image", st->arg);
    k->lower_badge = true;
    return 0;
}

/* The centre of the button labelled `label` on the screen as it is now; fails the step when
 * there is none, naming the buttons there are. */
static int find_button(struct kiosk *k, const struct lnt_replay_step *st, const char *label, int *x,
                       int *y)
{
    char names[600];
    int id;

    lnt_kiosk_build_screen(k);
    id = lnt_screen_find_label(&k->dl, label);
    for (size_t i = 0; id != LNT_BTN_NONE && i < k->dl.n; i++) {
        const struct lnt_draw *d = &k->dl.cmd[i];
        if (d->kind == LNT_DRAW_BUTTON && d->id == id) {
            *x = d->x + d->w / 2;
            *y = d->y + d->h / 2;
            return 0;
        }
    }
    button_names(&k->dl, names, sizeof names);
    return step_failed(k, st, "no button \"%s\" on this screen (buttons: %s)", label, names);
}

/* press and release: a finger down or up now, on a button or where the last press went. */
static int do_touch(struct kiosk *k, const struct lnt_replay_step *st, bool down, int64_t now)
{
    int x = k->touch_x, y = k->touch_y, status;

    if (st->arg[0] != '\0') {
        if ((status = find_button(k, st, st->arg, &x, &y)) != 0)
            return status;
    } else if (!k->touched) {
        return step_failed(k, st, "%s: no press yet to go by; name a button",
                           down ? "press" : "release");
    }
    lnt_kiosk_build_screen(k);
    lnt_kiosk_touch(k, down, x, y, now);
    k->touch_x = x;
    k->touch_y = y;
    k->touched = true;
    return 0;
}

/* tap: as a person taps, once the screen has settled: down and up on the button. */
static int do_tap(struct kiosk *k, const struct lnt_replay_step *st, int64_t now)
{
    int x, y, status = find_button(k, st, st->arg, &x, &y);

    if (status != 0)
        return status;
    lnt_kiosk_touch(k, true, x, y, now);
    lnt_kiosk_touch(k, false, x, y, now);
    k->touch_x = x;
    k->touch_y = y;
    k->touched = true;
    return 0;
}

int lnt_kiosk_replay_step(struct kiosk *k)
{
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t mono = lnt_mono_ms();

    if (k->script_done)
        return 0;
    if (k->wait_until_ms != 0) {
        if (mono < k->wait_until_ms)
            return 0;
        k->wait_until_ms = 0;
    }
    if (k->lower_badge) /* let the frame without the badge pass first */
        return 0;
    while (k->script_next < k->script.n) {
        const struct lnt_replay_step *st = &k->script.steps[k->script_next++];
        int64_t now = lnt_kiosk_wall_ms();
        int status = 0;

        lnt_debug("replay %d: %d %s", st->line, (int)st->op, st->arg);
        switch (st->op) {
        case LNT_REPLAY_SCAN:
            status = do_scan(k, st, now);
            if (status == 0)
                return 0; /* one frame per loop turn, as a camera gives them */
            break;
        case LNT_REPLAY_TAP:
            if (!lnt_app_settled(&k->app, now)) {
                /* Read the screen first, as a person would: the tap waits for it to settle. */
                k->script_next--;
                k->wait_until_ms = mono + 20;
                return 0;
            }
            status = do_tap(k, st, now);
            break;
        case LNT_REPLAY_PRESS:
        case LNT_REPLAY_RELEASE:
            status = do_touch(k, st, st->op == LNT_REPLAY_PRESS, now);
            break;
        case LNT_REPLAY_TYPE:
            if (!lnt_app_type(&k->app, st->arg, now))
                status = step_failed(k, st, "type: nothing on this screen takes typing");
            break;
        case LNT_REPLAY_WAIT:
            k->wait_until_ms = mono + st->ms;
            return 0;
        case LNT_REPLAY_BUTTON:
            /* The main loop reads it, debounced, as it reads a real one: `wait` to hold it. */
            if (k->assist == NULL)
                status = step_failed(k, st, "button: the assist button could not be opened");
            else if (!lnt_button_fake_is(k->assist))
                status = step_failed(k, st, "button: the assist button is a real one here");
            else
                lnt_button_fake_set(k->assist, strcmp(st->arg, "down") == 0);
            break;
        case LNT_REPLAY_SHOT:
            if (lnt_kiosk_shot(k, st->arg, err) != LNT_OK)
                status = step_failed(k, st, "shot: %s", err);
            break;
        }
        if (status != 0)
            return status;
    }
    k->script_done = true;
    lnt_info("replay %s: all %zu steps done", k->script.path, k->script.n);
    return 0;
}
