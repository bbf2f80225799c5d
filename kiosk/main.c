/* main.c - lantern-kiosk: scans staff badges at the door, keeps the register, syncs it with
 * lanternd. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "buf.h"
#include "codec.h"
#include "frame.h"
#include "log.h"
#include "ltime.h"
#include "outbox.h"
#include "render_sdl.h"
#include "scan.h"
#include "screen.h"
#include "sync.h"

#define ENROL_QR_PREFIX "LNTE:"
#define QR_TEXT_MAX 1024
#define GUI_FRAME_MS 33
#define IDLE_SLEEP_MS 50
#define PING_EVERY_MS 30000

static const char usage_text[] =
    "usage: lantern-kiosk --data DIR --server URL [--frames DIR] [--headless] [--enroll CODE]\n"
    "                     [--timeout SECONDS] [--screenshot FILE] [--fullscreen]\n"
    "  --data DIR         where the kiosk keeps its database (created if missing)\n"
    "  --server URL       lanternd's address, e.g. http://127.0.0.1:8080 (stored at enrolment)\n"
    "  --frames DIR       use the PNG files in DIR as camera frames, each once, in name order\n"
    "  --headless         no window; with --frames, take the primary action for each badge,\n"
    "                     then sync until nothing is unsent (exit 0) or --timeout passes (exit 1)\n"
    "  --enroll CODE      enrol with a code from `lanternctl kiosk add` (or show its LNTE: QR "
    "code)\n"
    "  --timeout SECONDS  headless: how long to keep trying to sync (default 30);\n"
    "                     with a window: close after this long (default: run until closed)\n"
    "  --screenshot FILE  save the last screen as PNG at exit\n"
    "  --fullscreen       fill the display and hide the pointer (the kiosk itself)\n";

struct opts {
    const char *data;
    const char *server;
    const char *frames;
    const char *enroll;
    const char *screenshot;
    bool headless;
    bool fullscreen;
    int64_t timeout_s;
    bool timeout_given;
};

struct kiosk {
    struct opts o;
    struct lnt_outbox *ob;
    struct lnt_sync *sync;
    struct lnt_identity *id; /* heap: it is large */
    struct lnt_trust trust;
    struct lnt_scanner *scanner;
    struct lnt_frame_source *frames;
    bool frames_done;
    struct lnt_render *render;
    struct lnt_app app;
    struct lnt_app_out out;
    struct lnt_draw_list dl;
    struct lnt_backoff backoff;
    bool online;
    int64_t last_sync;       /* unix seconds of the last exchange that left nothing in doubt */
    int64_t last_contact_ms; /* monotonic; 0 = never */
    int64_t unsent, aside;
    size_t sent_total;
    char last_error[LNT_ERRBUF_SIZE];
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !stop_requested)
        ;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof *o);
    o->timeout_s = 30;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;

        if (strcmp(a, "--headless") == 0) {
            o->headless = true;
            continue;
        }
        if (strcmp(a, "--fullscreen") == 0) {
            o->fullscreen = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage_text, stdout);
            exit(0);
        }
        if (strcmp(a, "--data") == 0)
            slot = &o->data;
        else if (strcmp(a, "--server") == 0)
            slot = &o->server;
        else if (strcmp(a, "--frames") == 0)
            slot = &o->frames;
        else if (strcmp(a, "--enroll") == 0)
            slot = &o->enroll;
        else if (strcmp(a, "--screenshot") == 0)
            slot = &o->screenshot;
        else if (strcmp(a, "--timeout") != 0) {
            fprintf(stderr, "lantern-kiosk: unknown option `%s`\n%s", a, usage_text);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "lantern-kiosk: option `%s` needs a value\n", a);
            return -1;
        }
        if (slot == NULL) {
            if (lnt_parse_i64(argv[++i], 1, 86400, &o->timeout_s) != LNT_OK) {
                fprintf(stderr,
                        "lantern-kiosk: --timeout `%s`: expected whole seconds, 1 to 86400\n",
                        argv[i]);
                return -1;
            }
            o->timeout_given = true;
            continue;
        }
        *slot = argv[++i];
    }
    if (o->data == NULL) {
        fprintf(stderr, "lantern-kiosk: --data DIR is required\n%s", usage_text);
        return -1;
    }
    if (o->enroll != NULL && !lnt_sync_code_valid(o->enroll)) {
        fprintf(stderr, "lantern-kiosk: --enroll `%.40s`: expected a code like ABCD-EFGH-JKLM\n",
                o->enroll);
        return -1;
    }
    return 0;
}

static bool on_shift(void *ctx, const char *staff_id)
{
    struct kiosk *k = ctx;
    char err[LNT_ERRBUF_SIZE];
    int64_t since;
    bool on = false;

    if (lnt_outbox_on_shift_get(k->ob, staff_id, &on, &since, err) != LNT_OK) {
        lnt_error("on-shift lookup: %s", err);
        return false;
    }
    return on;
}

static void app_configure(struct kiosk *k)
{
    struct lnt_app_config cfg;

    lnt_outbox_identity_trust(k->id, &k->trust);
    cfg.trust = &k->trust;
    cfg.clock_floor = k->id->server_time;
    cfg.on_shift = on_shift;
    cfg.on_shift_ctx = k;
    lnt_app_set_config(&k->app, &cfg);
}

/* Enrols with `code`, stores the identity and arms the app with the new trust list. */
static enum lnt_err enroll(struct kiosk *k, const char *code, char *err)
{
    enum lnt_err rc;

    if (k->o.server == NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "--server URL is needed to enrol");
    rc = lnt_sync_enroll(k->sync, k->o.server, code, k->id, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_outbox_identity_set(k->ob, k->id, err);
    if (rc != LNT_OK)
        return rc;
    app_configure(k);
    k->online = true;
    lnt_info("enrolled as kiosk %lld at venue %lld (%s), scheme %s, %zu trusted key%s",
             (long long)k->id->kiosk_id, (long long)k->id->venue_id, k->id->venue_name,
             k->id->scheme, k->id->n_keys, k->id->n_keys == 1 ? "" : "s");
    return LNT_OK;
}

/* Saves what the app asked for; the app shows SAVED only after this returned LNT_OK. */
static void handle_out(struct kiosk *k, int64_t now)
{
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc;

    if (!k->out.save)
        return;
    rc = lnt_outbox_append(k->ob, &k->out.ev, err);
    if (rc != LNT_OK)
        lnt_error("event not saved: %s", err);
    else
        lnt_info("saved event %lld (%s)", (long long)k->out.ev.seq,
                 lnt_event_type_name(k->out.ev.type));
    lnt_app_save_done(&k->app, rc, &k->out.ev, now);
    k->out.save = false;
}

/* One camera frame: an enrolment code while not enrolled, a badge afterwards. */
static void take_frame(struct kiosk *k, int64_t now)
{
    char err[LNT_ERRBUF_SIZE] = "", text[QR_TEXT_MAX];
    const struct lnt_image *frame = NULL;
    enum lnt_err rc;
    bool eof = false, found = false;

    rc = lnt_frame_next(k->frames, &frame, &eof, err);
    if (rc != LNT_OK) {
        lnt_error("camera: %s", err);
        k->frames_done = true;
        return;
    }
    if (eof) {
        k->frames_done = true;
        lnt_debug("frames: no more");
        return;
    }
    rc = lnt_scanner_scan(k->scanner, frame, text, sizeof text, &found, err);
    if (rc != LNT_OK) {
        lnt_warn("scan: %s", err);
        found = false;
    }
    if (k->id->kiosk_id < 1) {
        if (found && lnt_str_starts(text, ENROL_QR_PREFIX)) {
            rc = enroll(k, text + strlen(ENROL_QR_PREFIX), err);
            if (rc != LNT_OK)
                lnt_error("enrolment failed: %s", err);
        }
        return;
    }
    lnt_app_scan(&k->app, found ? text : NULL, now, &k->out);
    handle_out(k, now);
}

static void sync_step(struct kiosk *k)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_sync_result res;
    enum lnt_err rc;
    int64_t mono = lnt_mono_ms();
    uint32_t rnd;

    if (k->id->kiosk_id < 1 || !lnt_sync_backoff_ready(&k->backoff, mono))
        return;
    if (k->unsent == 0) {
        /* Nothing to send: with a screen to keep honest, check now and then that the server
         * answers. */
        if (k->render == NULL ||
            (k->last_contact_ms != 0 && mono - k->last_contact_ms < PING_EVERY_MS))
            return;
        memset(&res, 0, sizeof res);
        rc = lnt_sync_ping(k->sync, k->id->server_url, err);
        res.http_status = rc == LNT_OK ? 200 : 0;
    } else {
        rc = lnt_sync_push(k->sync, k->ob, k->id, &res, err);
    }
    if (rc == LNT_OK || res.http_status != 0)
        k->last_contact_ms = mono;
    if (rc == LNT_OK) {
        lnt_sync_backoff_ok(&k->backoff);
        k->online = true;
        k->last_sync = lnt_time_now();
        k->sent_total += res.sent;
        k->last_error[0] = '\0';
        if (res.sent > 0 || res.aside > 0)
            lnt_info("sync: %zu sent, %zu set aside", res.sent, res.aside);
        return;
    }
    lnt_random((uint8_t *)&rnd, sizeof rnd);
    lnt_sync_backoff_fail(&k->backoff, mono, rnd);
    k->online = res.http_status != 0;
    lnt_str_copy(k->last_error, sizeof k->last_error, err[0] ? err : lnt_strerror(rc));
    lnt_warn("sync failed: %s; next try in %.1f s", k->last_error,
             (double)k->backoff.delay_ms / 1000.0);
}

static void refresh_counts(struct kiosk *k)
{
    char err[LNT_ERRBUF_SIZE];

    if (lnt_outbox_count(k->ob, &k->unsent, err) != LNT_OK ||
        lnt_outbox_aside_count(k->ob, &k->aside, err) != LNT_OK)
        lnt_error("outbox: %s", err);
}

static void build_screen(struct kiosk *k)
{
    struct lnt_status st = {
        .enrolled = k->id->kiosk_id > 0,
        .online = k->online,
        .unsent = k->unsent,
        .aside = k->aside,
        .last_sync = k->last_sync,
        .now = lnt_time_now(),
        .venue = k->id->venue_name,
    };
    lnt_screen_build(&k->app, &st, &k->dl);
}

static void screenshot(struct kiosk *k)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_render *off = NULL;
    struct lnt_render *r = k->render;

    if (k->o.screenshot == NULL)
        return;
    if (r == NULL) {
        if (lnt_render_new(LNT_RENDER_OFFSCREEN, false, &off, err) != LNT_OK) {
            lnt_error("screenshot: %s", err);
            return;
        }
        r = off;
    }
    build_screen(k);
    if (lnt_render_draw(r, &k->dl, err) != LNT_OK ||
        lnt_render_save_png(r, k->o.screenshot, err) != LNT_OK)
        lnt_error("screenshot: %s", err);
    lnt_render_free(off);
}

/* "N events unsent, oldest from TIME: <last error>" */
static void report_unsent(struct kiosk *k)
{
    char err[LNT_ERRBUF_SIZE] = "", when[LNT_TIME_STRLEN] = "?";
    int64_t created = 0, age = 0;

    if (lnt_outbox_oldest_age(k->ob, lnt_time_now(), &created, &age, err) == LNT_OK && created > 0)
        lnt_time_format(created, when);
    fprintf(stderr, "%lld events unsent, oldest from %s: %s\n", (long long)k->unsent, when,
            k->last_error[0] ? k->last_error : "no sync attempt succeeded in time");
}

/* Runs until done; returns the exit status. */
static int run(struct kiosk *k)
{
    const int64_t start = lnt_mono_ms();
    struct lnt_render_input in;

    for (;;) {
        int64_t now = wall_ms();
        bool timed_out = lnt_mono_ms() - start >= k->o.timeout_s * 1000;

        if (k->frames != NULL && !k->frames_done)
            take_frame(k, now);
        if (k->render != NULL) {
            lnt_render_poll(k->render, &in);
            if (in.quit)
                stop_requested = 1;
            if (in.tapped) {
                lnt_app_tap(&k->app, lnt_screen_hit(&k->dl, in.x, in.y), now, &k->out);
                handle_out(k, now);
            }
        } else if (k->app.state == LNT_APP_BADGE && k->app.save_error[0] == '\0') {
            /* Headless: nobody to tap, so each valid badge takes its primary action (sign in /
             * out). */
            lnt_app_tap(&k->app, LNT_BTN_PRIMARY, now, &k->out);
            handle_out(k, now);
        }
        lnt_app_tick(&k->app, now);
        refresh_counts(k);
        sync_step(k);
        refresh_counts(k);
        if (k->render != NULL) {
            char err[LNT_ERRBUF_SIZE];
            build_screen(k);
            if (lnt_render_draw(k->render, &k->dl, err) != LNT_OK)
                lnt_error("screen: %s", err);
        }

        if (k->id->kiosk_id < 1 && (k->frames == NULL || k->frames_done)) {
            fprintf(stderr, "not enrolled: run with --enroll CODE from `lanternctl kiosk add`\n");
            return 2;
        }
        if (k->o.headless) {
            bool frames_left = k->frames != NULL && !k->frames_done;
            if (!frames_left && k->unsent == 0) {
                printf("sent %zu events; 0 unsent", k->sent_total);
                if (k->aside > 0)
                    printf("; %lld set aside (refused by the server)", (long long)k->aside);
                printf("\n");
                return 0;
            }
            if (timed_out || stop_requested) {
                report_unsent(k);
                return 1;
            }
            if (!frames_left)
                sleep_ms(IDLE_SLEEP_MS);
        } else {
            if (stop_requested || (k->o.timeout_given && timed_out))
                return 0;
            sleep_ms(GUI_FRAME_MS);
        }
    }
}

int main(int argc, char **argv)
{
    struct kiosk *k = NULL;
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_app_config cfg = {0};
    struct sigaction sa;
    int status = 1;

    lnt_log_init("lantern-kiosk", LNT_LOG_INFO);
    k = calloc(1, sizeof *k);
    if (k == NULL) {
        fprintf(stderr, "lantern-kiosk: out of memory\n");
        return 1;
    }
    if (parse_args(argc, argv, &k->o) != 0) {
        status = 2;
        goto out;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (lnt_crypto_init() != LNT_OK) {
        fprintf(stderr, "lantern-kiosk: libsodium failed to initialise\n");
        goto out;
    }
    if (mkdir(k->o.data, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "lantern-kiosk: --data %s: %s\n", k->o.data, strerror(errno));
        goto out;
    }
    k->id = calloc(1, sizeof *k->id);
    if (k->id == NULL) {
        fprintf(stderr, "lantern-kiosk: out of memory\n");
        goto out;
    }
    if (lnt_outbox_open(k->o.data, &k->ob, err) != LNT_OK ||
        lnt_outbox_identity_get(k->ob, k->id, err) != LNT_OK ||
        lnt_sync_new(&k->sync, err) != LNT_OK) {
        fprintf(stderr, "lantern-kiosk: %s\n", err);
        goto out;
    }
    lnt_sync_backoff_init(&k->backoff);
    cfg.on_shift = on_shift;
    cfg.on_shift_ctx = k;
    lnt_app_init(&k->app, &cfg, wall_ms());
    app_configure(k);

    if (k->id->kiosk_id < 1) {
        if (k->o.enroll != NULL) {
            if (enroll(k, k->o.enroll, err) != LNT_OK) {
                fprintf(stderr, "lantern-kiosk: enrolment failed: %s\n", err);
                goto out;
            }
        } else if (k->o.frames == NULL) {
            fprintf(stderr, "not enrolled: run with --enroll CODE from `lanternctl kiosk add`\n");
            status = 2;
            goto out;
        }
    } else {
        if (k->o.enroll != NULL)
            lnt_info("already enrolled as kiosk %lld; --enroll ignored",
                     (long long)k->id->kiosk_id);
        if (k->o.server != NULL && strcmp(k->o.server, k->id->server_url) != 0) {
            if (lnt_str_copy(k->id->server_url, sizeof k->id->server_url, k->o.server) != LNT_OK ||
                lnt_outbox_identity_set(k->ob, k->id, err) != LNT_OK) {
                fprintf(stderr, "lantern-kiosk: --server: %s\n", err[0] ? err : "URL too long");
                goto out;
            }
            lnt_info("server is now %s", k->id->server_url);
        }
    }

    if (k->o.frames != NULL) {
        if (lnt_scanner_new(&k->scanner, err) != LNT_OK ||
            lnt_frames_dir_open(k->o.frames, &k->frames, err) != LNT_OK) {
            fprintf(stderr, "lantern-kiosk: %s\n", err);
            goto out;
        }
    }
    if (!k->o.headless &&
        lnt_render_new(LNT_RENDER_WINDOW, k->o.fullscreen, &k->render, err) != LNT_OK) {
        fprintf(stderr, "lantern-kiosk: display: %s\n", err);
        goto out;
    }

    status = run(k);
    screenshot(k);

out:
    if (k != NULL) {
        lnt_render_free(k->render);
        lnt_frame_source_free(k->frames);
        lnt_scanner_free(k->scanner);
        lnt_sync_free(k->sync);
        lnt_outbox_free(k->ob);
        if (k->id != NULL) {
            memset(k->id, 0, sizeof *k->id); /* the secret key */
            free(k->id);
        }
        free(k);
    }
    return status;
}
