/* kiosk.c - the kiosk's state put to work: text in, saves out, the app's settings, the screen. */
#include <string.h>
#include <time.h>

#include "buf.h"
#include "kiosk.h"
#include "log.h"
#include "ltime.h"

int64_t lnt_kiosk_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- what the app asks of the outbox ---- */

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

static size_t open_reports(void *ctx, struct lnt_open_report *out, size_t max)
{
    struct kiosk *k = ctx;
    char err[LNT_ERRBUF_SIZE];
    size_t n = 0;

    if (lnt_outbox_open_reports(k->ob, out, max, &n, err) != LNT_OK)
        lnt_error("open reports: %s", err);
    return n;
}

static bool shift_info(void *ctx, const char *staff_id, struct lnt_ev_shift *out)
{
    struct kiosk *k = ctx;
    char err[LNT_ERRBUF_SIZE];
    bool found = false;

    if (lnt_outbox_shift_get(k->ob, staff_id, out, &found, err) != LNT_OK)
        lnt_error("volunteer shift: %s", err);
    return found;
}

static int64_t stock_level(void *ctx)
{
    struct kiosk *k = ctx;
    char err[LNT_ERRBUF_SIZE];
    int64_t level = -1;
    bool found = false;

    if (lnt_outbox_setting_get(k->ob, LNT_SET_STOCK_LEVEL, &level, &found, err) != LNT_OK)
        lnt_error("stock level: %s", err);
    return found ? level : -1;
}

void lnt_kiosk_configure(struct kiosk *k)
{
    struct lnt_app_config cfg;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t threshold = 0;
    bool found = false;

    if (lnt_outbox_identity_get(k->ob, k->id, err) != LNT_OK)
        lnt_error("identity: %s", err);
    if (lnt_outbox_setting_get(k->ob, LNT_SET_CUP_THRESHOLD, &threshold, &found, err) == LNT_OK &&
        found)
        k->cup_threshold = threshold;
    lnt_outbox_identity_trust(k->id, &k->trust);
    memset(&cfg, 0, sizeof cfg);
    cfg.trust = &k->trust;
    cfg.clock_floor = k->id->server_time;
    cfg.on_shift = on_shift;
    cfg.on_shift_ctx = k;
    cfg.open_reports = open_reports;
    cfg.shift_info = shift_info;
    cfg.stock_level = stock_level;
    cfg.idle_ms = k->o.idle_s * 1000;
    cfg.box_pk = k->id->box_pk;
    cfg.cup_threshold = k->cup_threshold;
    cfg.required = &k->id->required;
    cfg.sia_listed = k->id->sia_listed;
    cfg.n_sia_listed = k->id->n_sia_listed;
    lnt_app_set_config(&k->app, &cfg);
}

enum lnt_err lnt_kiosk_enroll(struct kiosk *k, const char *code, char *err)
{
    enum lnt_err rc;

    if (k->o.server == NULL)
        return lnt_fail(err, LNT_ERR_INVALID, "--server URL is needed to enrol");
    rc = lnt_sync_enroll(k->enrol_client, k->o.server, code, k->id, err);
    if (rc != LNT_OK)
        return rc;
    rc = lnt_outbox_identity_set(k->ob, k->id, err);
    if (rc != LNT_OK)
        return rc;
    lnt_kiosk_configure(k);
    lnt_syncer_kick(k->syncer);
    lnt_info("enrolled as kiosk %lld at venue %lld (%s), scheme %s, %zu trusted key%s",
             (long long)k->id->kiosk_id, (long long)k->id->venue_id, k->id->venue_name,
             k->id->scheme, k->id->n_keys, k->id->n_keys == 1 ? "" : "s");
    return LNT_OK;
}

void lnt_kiosk_handle_out(struct kiosk *k, int64_t now_ms)
{
    char err[LNT_ERRBUF_SIZE] = "";
    enum lnt_err rc;

    if (!k->out.save)
        return;
    rc = lnt_outbox_append_report(k->ob, &k->out.ev, k->out.answered, k->out.cond, err);
    if (rc != LNT_OK)
        lnt_error("event not saved: %s", err);
    else
        lnt_info("saved event %lld (%s) %s", (long long)k->out.ev.seq,
                 lnt_event_type_name(k->out.ev.type), k->out.ev.uuid);
    lnt_app_save_done(&k->app, rc, &k->out.ev, now_ms);
    k->out.save = false;
    k->counts_at_ms = 0; /* the status bar shows it at once */
    if (rc == LNT_OK)
        lnt_syncer_kick(k->syncer);
}

void lnt_kiosk_take_text(struct kiosk *k, const char *text, int64_t now_ms)
{
    char err[LNT_ERRBUF_SIZE] = "";

    if (k->id->kiosk_id < 1) {
        if (text != NULL && lnt_str_starts(text, ENROL_QR_PREFIX) &&
            lnt_kiosk_enroll(k, text + strlen(ENROL_QR_PREFIX), err) != LNT_OK)
            lnt_error("enrolment failed: %s", err);
        return;
    }
    lnt_app_scan(&k->app, text, now_ms, &k->out);
    lnt_kiosk_handle_out(k, now_ms);
}

void lnt_kiosk_build_screen(struct kiosk *k)
{
    struct lnt_status st = {
        .enrolled = k->id->kiosk_id > 0,
        .online = k->sync.online,
        .unsent = k->unsent,
        .unsent_age = k->unsent_age,
        .aside = k->aside,
        .last_sync = k->sync.last_sync,
        .now = lnt_time_now(),
        .venue = k->id->venue_name,
        .open_reports = k->open_reports,
    };
    lnt_screen_build(&k->app, &st, &k->dl);
}

enum lnt_err lnt_kiosk_shot(struct kiosk *k, const char *path, char *err)
{
    enum lnt_err rc;
    struct lnt_render *r = k->render;

    if (r == NULL) {
        if (k->offscreen == NULL &&
            (rc = lnt_render_new_sized(LNT_RENDER_OFFSCREEN, false, k->o.width, k->o.height,
                                       &k->offscreen, err)) != LNT_OK)
            return rc;
        r = k->offscreen;
    }
    lnt_kiosk_build_screen(k);
    rc = lnt_render_draw(r, &k->dl, err);
    if (rc == LNT_OK)
        rc = lnt_render_save_png(r, path, err);
    return rc;
}
