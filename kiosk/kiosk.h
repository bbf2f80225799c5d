/* kiosk.h - lantern-kiosk's program state; calls go main.c -> main_replay.c -> kiosk.c. */
#ifndef LNT_KIOSK_H
#define LNT_KIOSK_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "camera.h"
#include "frame.h"
#include "gpio.h"
#include "opts.h"
#include "outbox.h"
#include "render_sdl.h"
#include "replay.h"
#include "scan.h"
#include "screen.h"
#include "sync.h"
#include "syncer.h"
#include "watchdog.h"

#define ENROL_QR_PREFIX "LNTE:"
#define QR_TEXT_MAX 1024

struct kiosk {
    struct opts o;
    struct lnt_outbox *ob;
    struct lnt_syncer *syncer;
    struct lnt_sync *enrol_client; /* only for enrolment, which happens before syncing */
    struct lnt_identity *id;       /* heap: it is large */
    struct lnt_trust trust;
    int64_t cup_threshold;
    uint64_t seen_generation;
    struct lnt_scanner *scanner;
    struct lnt_frame_source *frames; /* --frames */
    bool frames_done;
    struct lnt_camera *camera; /* --camera: retried while missing or failing, never fatal */
    struct lnt_thumb thumb;    /* the latest frame, small, for the idle screen */
    bool lower_badge; /* the next frame shows no badge (a replayed or F2 scan was one frame) */
    struct lnt_render *render;    /* the window; NULL headless */
    struct lnt_render *offscreen; /* for `shot` without a window */
    struct lnt_gpio *gpio;
    struct lnt_button *assist; /* --assist-line; NULL without one, or when it could not be had */
    bool assist_failing;       /* the last read failed (said once) */
    int64_t assist_seen;       /* app.assist_at at the last turn: its answer is logged */
    bool led_warned;           /* a refused LED blink was said once */
    struct lnt_watchdog *watchdog;
    int64_t buzzer_off_ms;
    enum lnt_app_state shown_state;
    struct lnt_app app;
    struct lnt_app_out out;
    struct lnt_draw_list dl;
    int64_t unsent, aside, unsent_age, open_reports;
    int64_t stock_level; /* cup covers believed on hand; -1 never counted */
    int64_t counts_at_ms;
    struct lnt_syncer_status sync;
    /* The door notices as last written to the card (lnt_kiosk_keep_notices). */
    size_t kept_notices;
    int kept_more;
    struct lnt_app_notice kept[LNT_APP_NOTICES_MAX];
    bool notices_unsaved; /* the last write failed; said once, retried each turn */
    /* Replay. */
    struct lnt_replay script;
    size_t script_next;
    int64_t wait_until_ms; /* monotonic; 0 = not waiting */
    bool script_done;
    int touch_x, touch_y; /* where the script's last press went down */
    bool touched;         /* touch_x, touch_y are set */
};

/* ---- kiosk.c: used by main.c and main_replay.c ---- */

/* Wall-clock milliseconds. */
int64_t lnt_kiosk_wall_ms(void);
/* Re-reads identity and settings (after enrolment or a sync stored new ones) and arms the app. */
void lnt_kiosk_configure(struct kiosk *k);
/*
 * Enrols with `code`, stores the identity and arms the app with the new trust
 * list. LNT_ERR_INVALID without --server; otherwise what lnt_sync_enroll or
 * lnt_outbox_identity_set returned (the message in `err`).
 */
enum lnt_err lnt_kiosk_enroll(struct kiosk *k, const char *code, char *err);
/*
 * A finger down (`down`) or up at logical (x, y) on the screen in k->dl (the
 * one on display): a press or release of the button there, as the app judges
 * taps (lnt_app_press); a tap's save is handled.
 */
void lnt_kiosk_touch(struct kiosk *k, bool down, int x, int y, int64_t now_ms);
/* The screen as it is now, into k->dl. */
void lnt_kiosk_build_screen(struct kiosk *k);
/*
 * Door refusals waiting for a manager survive a restart: the first puts back
 * those kept on the card; the second writes the app's list to the card
 * whenever it changed (a refusal added, or the list shown to a manager).
 */
void lnt_kiosk_restore_notices(struct kiosk *k);
void lnt_kiosk_keep_notices(struct kiosk *k);
/* Saves what the app asked for; the app shows SAVED only after the outbox said yes. */
void lnt_kiosk_handle_out(struct kiosk *k, int64_t now_ms);
/*
 * One frame from the camera, --frames or a script's `scan`: scanned, kept
 * as the idle screen's thumbnail, told to the app (aiming, then the text
 * found or none). *found and `text` say what was read; *seen whether a code
 * was in view at all. A scanner error is logged and counts as nothing seen.
 */
void lnt_kiosk_see(struct kiosk *k, const struct lnt_image *frame, int64_t now_ms, char *text,
                   size_t size, bool *found, bool *seen);
/* A QR text from the camera or a script (NULL: no code in view): enrolment or a badge. */
void lnt_kiosk_take_text(struct kiosk *k, const char *text, int64_t now_ms);
/* Writes the current screen as PNG (the window's, or an offscreen one). */
enum lnt_err lnt_kiosk_shot(struct kiosk *k, const char *path, char *err);

/* ---- main_replay.c: used by main.c ---- */

/*
 * Runs the next replay step(s) due. Returns 0 to go on, or the exit status
 * after printing why a step could not be done (naming the script line).
 */
int lnt_kiosk_replay_step(struct kiosk *k);

#endif
