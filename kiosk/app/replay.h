/* replay.h - scripted input for lantern-kiosk --replay: scan, tap, press, release, type, wait,
 * shot, button. */
#ifndef LNT_REPLAY_H
#define LNT_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define LNT_REPLAY_LINE_MAX 512 /* bytes in one line */
#define LNT_REPLAY_STEPS_MAX 10000
#define LNT_REPLAY_WAIT_MAX 600000 /* ms in one wait */

enum lnt_replay_op {
    LNT_REPLAY_SCAN = 1, /* scan IMAGE: show the camera a PNG (path relative to the script) */
    LNT_REPLAY_TAP,      /* tap LABEL: the button with that visible label */
    LNT_REPLAY_TYPE,     /* type TEXT: on the screen's keypad or keyboard */
    LNT_REPLAY_WAIT,     /* wait MS: let time pass (timers run, sync goes on) */
    LNT_REPLAY_SHOT,     /* shot FILE.png: save the screen (path relative to the script) */
    LNT_REPLAY_PRESS,    /* press [LABEL]: a finger down now, on LABEL or where the last went */
    LNT_REPLAY_RELEASE,  /* release [LABEL]: the finger up now, over LABEL or where it went down */
    LNT_REPLAY_BUTTON    /* button down|up: the assist button's line reads pressed, or not */
};

struct lnt_replay_step {
    enum lnt_replay_op op;
    int line;                      /* 1-based line in the script */
    char arg[LNT_REPLAY_LINE_MAX]; /* the rest of the line, trimmed; a path already resolved;
                                      "" only for press and release */
    int64_t ms;                    /* wait */
};

struct lnt_replay {
    char path[1024];
    size_t n;
    struct lnt_replay_step *steps; /* owned */
};

/*
 * Parses one line. LNT_OK fills *out; LNT_ERR_NOT_FOUND for a blank line or a
 * `#` comment; LNT_ERR_INVALID with the reason otherwise ("unknown command
 * `tapp`", "wait: expected milliseconds, 0 to 600000").
 */
enum lnt_err lnt_replay_parse_line(const char *line, struct lnt_replay_step *out, char *err);

/*
 * Reads a whole script. Paths in scan and shot are resolved against the
 * script's directory unless absolute. Errors name the file and line
 * ("demo.txt:7: unknown command `tapp`"). On error *out is empty.
 */
enum lnt_err lnt_replay_load(const char *path, struct lnt_replay *out, char *err);
void lnt_replay_release(struct lnt_replay *r);

#endif
