/* main.c - lantern-kiosk: scans staff badges at the door, keeps the register and the incident
 * book, syncs them with lanternd. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "codec.h"
#include "kiosk.h"
#include "log.h"
#include "ltime.h"

#define GUI_FRAME_MS 33
#define IDLE_SLEEP_MS 20
#define COUNTS_EVERY_MS 200
#define BEEP_OK_MS 120
#define BEEP_REFUSED_MS 600
#define BEEP_ASSIST_MS 1000 /* the one who pressed the assist button hears it was taken */
#define ASSIST_BLINK_MS 500 /* the LED blinks while a press is unanswered */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !stop_requested)
        ;
}

/* What one frame shows: a badge, an enrolment code, or nothing. */
static void scan_frame(struct kiosk *k, const struct lnt_image *frame, int64_t now)
{
    char text[QR_TEXT_MAX];
    bool found, seen;

    lnt_kiosk_see(k, frame, now, text, sizeof text, &found, &seen);
}

/* One frame from --frames. */
static void take_frame(struct kiosk *k, int64_t now)
{
    char err[LNT_ERRBUF_SIZE] = "";
    const struct lnt_image *frame = NULL;
    bool eof = false;

    if (lnt_frame_next(k->frames, &frame, &eof, err) != LNT_OK) {
        lnt_error("frames: %s", err);
        k->frames_done = true;
        return;
    }
    if (eof) {
        k->frames_done = true;
        return;
    }
    scan_frame(k, frame, now);
}

/* One turn of the camera: a frame when it works; the app is told whether it does. */
static void camera_turn(struct kiosk *k, int64_t now)
{
    const struct lnt_image *frame = NULL;

    lnt_camera_next(k->camera, lnt_mono_ms(), &frame);
    lnt_app_camera(&k->app, lnt_camera_working(k->camera));
    if (frame != NULL)
        scan_frame(k, frame, now);
}

/* `ctx` is the kiosk's options: the device is --camera. */
static enum lnt_err open_v4l2(void *ctx, struct lnt_frame_source **out, char *err)
{
    const struct opts *o = ctx;

    return lnt_frames_v4l2_open(o->camera, &o->cam, out, err);
}

/* F2 in a window: the next demo badge in front of the camera (round and round the directory). */
static void next_demo_frame(struct kiosk *k, int64_t now)
{
    char err[LNT_ERRBUF_SIZE] = "";

    if (k->frames == NULL)
        return;
    k->frames_done = false;
    take_frame(k, now);
    if (k->frames_done) {
        lnt_frame_source_free(k->frames);
        k->frames = NULL;
        if (lnt_frames_dir_open(k->o.frames, &k->frames, err) != LNT_OK) {
            lnt_error("frames: %s", err);
            return;
        }
        k->frames_done = false;
        take_frame(k, now);
    }
    k->lower_badge = true;
}

/* Cup covers believed on hand, -1 when never counted here. */
static int64_t stock_now(struct kiosk *k)
{
    char err[LNT_ERRBUF_SIZE];
    int64_t level = -1;
    bool found = false;

    if (lnt_outbox_setting_get(k->ob, LNT_SET_STOCK_LEVEL, &level, &found, err) != LNT_OK)
        lnt_error("stock level: %s", err);
    return found ? level : -1;
}

static void refresh_counts(struct kiosk *k)
{
    char err[LNT_ERRBUF_SIZE];
    int64_t mono = lnt_mono_ms(), created = 0;

    if (k->counts_at_ms != 0 && mono - k->counts_at_ms < COUNTS_EVERY_MS)
        return;
    k->counts_at_ms = mono;
    if (lnt_outbox_count(k->ob, &k->unsent, err) != LNT_OK ||
        lnt_outbox_aside_count(k->ob, &k->aside, err) != LNT_OK ||
        lnt_outbox_oldest_age(k->ob, lnt_time_now(), &created, &k->unsent_age, err) != LNT_OK ||
        lnt_outbox_open_count(k->ob, &k->open_reports, err) != LNT_OK)
        lnt_error("outbox: %s", err);
    k->stock_level = stock_now(k);
}

/* LED on while a badge is being served; a short beep for a good scan or save, a long one for a
 * refusal. */
static void feedback(struct kiosk *k)
{
    enum lnt_app_state s = k->app.state;
    int64_t mono = lnt_mono_ms();
    char err[LNT_ERRBUF_SIZE];

    if (s != k->shown_state) {
        bool beep = (s == LNT_APP_BADGE && k->shown_state == LNT_APP_IDLE) || s == LNT_APP_SAVED ||
                    s == LNT_APP_REFUSED;
        if (beep) {
            k->buzzer_off_ms = mono + (s == LNT_APP_REFUSED ? BEEP_REFUSED_MS : BEEP_OK_MS);
            if (lnt_gpio_set(k->gpio, LNT_GPIO_BUZZER, true, err) != LNT_OK)
                lnt_warn("%s", err);
        }
        if (lnt_gpio_set(k->gpio, LNT_GPIO_LED, s != LNT_APP_IDLE && s != LNT_APP_REFUSED, err) !=
            LNT_OK)
            lnt_warn("%s", err);
        k->shown_state = s;
    }
    if (k->app.assist_at != 0 || k->assist_seen != 0) {
        /* Blinking while the assist button is unanswered; as the state says once answered. */
        bool on = k->app.assist_at != 0 ? (mono / ASSIST_BLINK_MS) % 2 == 0
                                        : s != LNT_APP_IDLE && s != LNT_APP_REFUSED;
        if (lnt_gpio_set(k->gpio, LNT_GPIO_LED, on, err) != LNT_OK && !k->led_warned) {
            lnt_warn("%s", err);
            k->led_warned = true;
        }
    }
    if (k->buzzer_off_ms != 0 && mono >= k->buzzer_off_ms) {
        k->buzzer_off_ms = 0;
        if (lnt_gpio_set(k->gpio, LNT_GPIO_BUZZER, false, err) != LNT_OK)
            lnt_warn("%s", err);
    }
}

/* One look at the assist button: a press is put on the screen with a long beep; its answer (a
 * badge shown) is logged with how long it waited. */
static void assist_turn(struct kiosk *k, int64_t now)
{
    char err[LNT_ERRBUF_SIZE] = "";
    bool pressed = false;

    if (k->assist != NULL) {
        if (lnt_button_poll(k->assist, lnt_mono_ms(), &pressed, err) != LNT_OK) {
            if (!k->assist_failing)
                lnt_error("%s", err);
            k->assist_failing = true;
        } else if (k->assist_failing) {
            lnt_info("assist button: read again");
            k->assist_failing = false;
        }
    }
    if (pressed) {
        lnt_info(k->app.assist_at == 0 ? "assist: the button at the staff door was pressed"
                                       : "assist: pressed again; still waiting for a badge");
        lnt_app_assist(&k->app, now);
        k->buzzer_off_ms = lnt_mono_ms() + BEEP_ASSIST_MS;
        if (lnt_gpio_set(k->gpio, LNT_GPIO_BUZZER, true, err) != LNT_OK)
            lnt_warn("%s", err);
    }
    if (k->assist_seen != 0 && k->app.assist_at == 0)
        lnt_info("assist: answered by a badge after %lld s",
                 (long long)(now / 1000 - k->assist_seen));
    k->assist_seen = k->app.assist_at;
}

/* SAVED may change from "will send" to "Sent" while it is on screen. */
static void report_sent(struct kiosk *k)
{
    bool was = k->app.saved_sent;

    lnt_app_sent(&k->app, k->sync.sent_seq, k->sync.aside_seq);
    if (k->app.saved_sent && !was)
        lnt_info("event %lld reached the server", (long long)k->app.saved_seq);
}

/* "N events unsent, oldest from TIME: <last error>" */
static void report_unsent(struct kiosk *k)
{
    char err[LNT_ERRBUF_SIZE] = "", when[LNT_TIME_STRLEN] = "?";
    int64_t created = 0, age = 0;

    if (lnt_outbox_oldest_age(k->ob, lnt_time_now(), &created, &age, err) == LNT_OK && created > 0)
        lnt_time_format(created, when);
    fprintf(stderr, "%lld events unsent, oldest from %s: %s\n", (long long)k->unsent, when,
            k->sync.last_error[0] ? k->sync.last_error : "no sync attempt succeeded in time");
}

static void window_input(struct kiosk *k, int64_t now)
{
    struct lnt_render_input in;

    lnt_render_poll(k->render, &in);
    if (in.quit)
        stop_requested = 1;
    if (in.next_frame)
        next_demo_frame(k, now);
    if (in.text[0] != '\0')
        lnt_app_type(&k->app, in.text, now);
    if (in.key_delete)
        lnt_app_tap(&k->app, LNT_BTN_DEL, now, &k->out);
    if (in.key_ok)
        lnt_app_tap(&k->app, LNT_BTN_OK, now, &k->out);
    lnt_kiosk_handle_out(k, now);
    for (size_t i = 0; i < in.n_touch; i++)
        lnt_kiosk_touch(k, in.touch[i].down, in.touch[i].x, in.touch[i].y, now);
}

/* Runs until done; returns the exit status. */
static int run(struct kiosk *k)
{
    /* Headless, the time to sync is counted from the end of a replay script: a long script (its
     * taps wait for each screen to settle, as a person's would) does not eat into it. */
    int64_t start = lnt_mono_ms();
    bool auto_frames = k->frames != NULL && k->o.headless && !k->o.replay;

    for (;;) {
        int64_t now = lnt_kiosk_wall_ms();
        bool timed_out = lnt_mono_ms() - start >= k->o.timeout_s * 1000;
        bool busy = false;

        if (k->render != NULL)
            window_input(k, now);
        if (k->lower_badge) {
            lnt_kiosk_take_text(k, NULL, now);
            k->lower_badge = false;
        } else if (k->camera != NULL) {
            camera_turn(k, now);
        } else if (auto_frames && !k->frames_done) {
            take_frame(k, now);
            busy = true;
        }
        assist_turn(k, now);
        if (k->o.replay != NULL && !k->script_done) {
            int status = lnt_kiosk_replay_step(k);
            if (status != 0)
                return status;
            busy = k->wait_until_ms == 0;
        }
        if (k->o.headless && k->o.replay == NULL && k->app.state == LNT_APP_BADGE &&
            k->app.save_error[0] == '\0') {
            /* Headless frames, nobody to tap: each valid badge takes its primary action. */
            lnt_app_tap(&k->app, LNT_BTN_PRIMARY, now, &k->out);
            lnt_kiosk_handle_out(k, now);
        }
        lnt_app_tick(&k->app, now, &k->out);
        lnt_kiosk_handle_out(k, now);
        lnt_kiosk_keep_notices(k);
        lnt_syncer_status(k->syncer, &k->sync);
        report_sent(k);
        if (k->sync.generation != k->seen_generation) {
            k->seen_generation = k->sync.generation;
            lnt_kiosk_configure(k);
        }
        refresh_counts(k);
        feedback(k);
        lnt_watchdog_ping(k->watchdog, lnt_mono_ms());
        if (k->render != NULL) {
            char err[LNT_ERRBUF_SIZE];
            lnt_kiosk_build_screen(k);
            if (lnt_render_draw(k->render, &k->dl, err) != LNT_OK)
                lnt_error("screen: %s", err);
        }

        if (k->id->kiosk_id < 1 && k->o.headless && !busy &&
            (k->o.replay == NULL || k->script_done) && (k->frames == NULL || k->frames_done) &&
            k->camera == NULL) {
            fprintf(stderr, "not enrolled: run with --enroll CODE from `lanternctl kiosk add`\n");
            return 2;
        }
        if (k->o.headless) {
            /* A camera never runs out: without a script it is watched until --timeout. */
            bool input_left = (auto_frames && !k->frames_done) ||
                              (k->camera != NULL && k->o.replay == NULL) ||
                              (k->o.replay != NULL && !k->script_done) || k->lower_badge;
            if (!input_left) {
                k->counts_at_ms = 0;
                refresh_counts(k);
            } else if (k->o.replay != NULL && !k->script_done) {
                start = lnt_mono_ms();
            }
            if (!input_left && k->unsent == 0) {
                printf("sent %zu events; 0 unsent", k->sync.sent_total);
                if (k->aside > 0)
                    printf("; %lld set aside (refused by the server)", (long long)k->aside);
                printf("\n");
                return 0;
            }
            if (timed_out || stop_requested) {
                report_unsent(k);
                return 1;
            }
            if (!busy)
                sleep_ms(IDLE_SLEEP_MS);
        } else {
            if (stop_requested || (k->o.timeout_given && timed_out))
                return 0;
            sleep_ms(GUI_FRAME_MS);
        }
    }
}

static int setup(struct kiosk *k, char *err)
{
    struct lnt_app_config cfg = {0};

    if (lnt_crypto_init() != LNT_OK)
        return lnt_fail(err, LNT_ERR_CRYPTO, "libsodium failed to initialise");
    if (mkdir(k->o.data, 0700) != 0 && errno != EEXIST)
        return lnt_fail(err, LNT_ERR_IO, "--data %s: %s", k->o.data, strerror(errno));
    k->id = calloc(1, sizeof *k->id);
    if (k->id == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "out of memory");
    if (lnt_outbox_open(k->o.data, &k->ob, err) != LNT_OK ||
        lnt_outbox_identity_get(k->ob, k->id, err) != LNT_OK ||
        lnt_sync_new(&k->enrol_client, err) != LNT_OK ||
        (k->o.ca != NULL && lnt_sync_set_ca(k->enrol_client, k->o.ca, err) != LNT_OK))
        return LNT_ERR_IO;
    lnt_app_init(&k->app, &cfg, lnt_kiosk_wall_ms());
    lnt_kiosk_configure(k);
    lnt_kiosk_restore_notices(k);
    if (k->id->kiosk_id > 0 && k->o.server != NULL && strcmp(k->o.server, k->id->server_url) != 0) {
        if (lnt_str_copy(k->id->server_url, sizeof k->id->server_url, k->o.server) != LNT_OK)
            return lnt_fail(err, LNT_ERR_INVALID, "--server: URL too long");
        if (lnt_outbox_identity_set(k->ob, k->id, err) != LNT_OK)
            return LNT_ERR_IO;
        lnt_info("server is now %s", k->id->server_url);
    }
    if (lnt_syncer_start(k->o.data, k->o.ca, &k->syncer, err) != LNT_OK)
        return LNT_ERR_IO;
    /* the last sync before this start, for the very first screen (a replay's first shot) */
    lnt_syncer_status(k->syncer, &k->sync);
    if (k->id->kiosk_id < 1 && k->o.enroll != NULL) {
        if (lnt_kiosk_enroll(k, k->o.enroll, err) != LNT_OK) {
            lnt_fail_prefix(err, LNT_ERR_NET, "enrolment failed: ");
            return LNT_ERR_NET;
        }
    } else if (k->id->kiosk_id > 0 && k->o.enroll != NULL) {
        lnt_info("already enrolled as kiosk %lld; --enroll ignored", (long long)k->id->kiosk_id);
    }
    if (lnt_scanner_new(&k->scanner, err) != LNT_OK)
        return LNT_ERR_IO;
    if (k->o.frames != NULL && lnt_frames_dir_open(k->o.frames, &k->frames, err) != LNT_OK)
        return LNT_ERR_IO;
    /* Opened in the loop, and again whenever it fails: the door is never left with a blank
     * screen for want of a camera (the screen says so and offers a report without a badge). */
    if (k->o.camera != NULL && lnt_camera_new(open_v4l2, &k->o, &k->camera, err) != LNT_OK)
        return LNT_ERR_NOMEM;
    if (k->o.replay != NULL && lnt_replay_load(k->o.replay, &k->script, err) != LNT_OK)
        return LNT_ERR_INVALID;
    if (k->o.gpio_chip != NULL ? lnt_gpio_open(k->o.gpio_chip, k->o.led_line, k->o.buzzer_line,
                                               &k->gpio, err) != LNT_OK
                               : lnt_gpio_fake_new(&k->gpio, err) != LNT_OK)
        return LNT_ERR_IO;
    if (k->o.assist_set) {
        /* Optional: a button that cannot be had is said at start-up, and the door goes on. */
        struct lnt_button_config bc = {k->o.assist_chip != NULL ? k->o.assist_chip : k->o.gpio_chip,
                                       k->o.assist_line, k->o.assist_active_low,
                                       k->o.assist_debounce_ms};
        char berr[LNT_ERRBUF_SIZE] = "";
        if (lnt_button_open(&bc, &k->assist, berr) != LNT_OK)
            lnt_error("%s; starting without the assist button", berr);
        else
            lnt_info("assist button: chip `%s` line %u, pressed when %s", bc.chip, bc.line,
                     bc.active_low ? "low" : "high");
    } else if (k->o.replay != NULL &&
               lnt_button_fake_new(k->o.assist_debounce_ms, &k->assist, err) != LNT_OK) {
        return LNT_ERR_NOMEM; /* a script's `button` presses this one */
    }
    if (lnt_watchdog_systemd_new(&k->watchdog, err) != LNT_OK)
        return LNT_ERR_IO;
    if (!k->o.headless && lnt_render_new_sized(LNT_RENDER_WINDOW, k->o.fullscreen, k->o.width,
                                               k->o.height, &k->render, err) != LNT_OK) {
        lnt_fail_prefix(err, LNT_ERR_IO, "display: ");
        return LNT_ERR_IO;
    }
    return LNT_OK;
}

int main(int argc, char **argv)
{
    struct kiosk *k = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    struct sigaction sa;
    enum lnt_err rc;
    int status = 1;

    lnt_log_init("lantern-kiosk", LNT_LOG_INFO);
    k = calloc(1, sizeof *k);
    if (k == NULL) {
        fprintf(stderr, "lantern-kiosk: out of memory\n");
        return 1;
    }
    if (lnt_kiosk_opts_parse(argc, argv, &k->o, err) != 0) {
        fprintf(stderr, "lantern-kiosk: %s\n", err);
        status = 2;
        goto out;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    rc = setup(k, err);
    if (rc != LNT_OK) {
        fprintf(stderr, "lantern-kiosk: %s\n", err);
        status = rc == LNT_ERR_INVALID ? 2 : 1;
        goto out;
    }
    if (k->id->kiosk_id < 1 && k->o.headless && k->o.frames == NULL && k->o.replay == NULL) {
        fprintf(stderr, "not enrolled: run with --enroll CODE from `lanternctl kiosk add`\n");
        status = 2;
        goto out;
    }
    lnt_watchdog_ready(k->watchdog);
    status = run(k);
    lnt_watchdog_stopping(k->watchdog);
    if (k->o.screenshot != NULL && lnt_kiosk_shot(k, k->o.screenshot, err) != LNT_OK)
        lnt_error("screenshot: %s", err);

out:
    if (k != NULL) {
        lnt_syncer_stop(k->syncer);
        lnt_render_free(k->render);
        lnt_render_free(k->offscreen);
        lnt_gpio_free(k->gpio);
        lnt_button_free(k->assist);
        lnt_watchdog_free(k->watchdog);
        lnt_frame_source_free(k->frames);
        lnt_camera_free(k->camera);
        lnt_scanner_free(k->scanner);
        lnt_replay_release(&k->script);
        lnt_sync_free(k->enrol_client);
        lnt_outbox_free(k->ob);
        if (k->id != NULL) {
            memset(k->id, 0, sizeof *k->id); /* the secret key */
            free(k->id);
        }
        lnt_kiosk_opts_release(&k->o);
        free(k);
    }
    return status;
}
