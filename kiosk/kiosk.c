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

static size_t team(void *ctx, struct lnt_shift_person *out, size_t max)
{
    struct kiosk *k = ctx;
    char err[LNT_ERRBUF_SIZE];
    size_t n = 0;

    if (lnt_outbox_on_shift_list(k->ob, out, max, &n, err) != LNT_OK)
        lnt_error("who is on shift: %s", err);
    return n;
}

/* The town's places from the last sync, for the street welfare log's pick list. */
static void load_places(struct kiosk *k)
{
    char err[LNT_ERRBUF_SIZE] = "";
    char names[LNT_STREET_PLACES_MAX][LNT_SHORT_TEXT];
    size_t n = 0;

    if (lnt_outbox_places_get(k->ob, names, LNT_STREET_PLACES_MAX, &n, err) != LNT_OK)
        lnt_error("places: %s", err);
    lnt_list_set_street_places((const char(*)[LNT_SHORT_TEXT])names, n);
}

void lnt_kiosk_configure(struct kiosk *k)
{
    struct lnt_app_config cfg;
    char err[LNT_ERRBUF_SIZE] = "";
    int64_t threshold = 0, capacity = 0;
    bool found = false;

    if (lnt_outbox_identity_get(k->ob, k->id, err) != LNT_OK)
        lnt_error("identity: %s", err);
    if (lnt_outbox_setting_get(k->ob, LNT_SET_CUP_THRESHOLD, &threshold, &found, err) == LNT_OK &&
        found)
        k->cup_threshold = threshold;
    if (lnt_outbox_setting_get(k->ob, LNT_SET_CAPACITY, &capacity, &found, err) != LNT_OK || !found)
        capacity = 0;
    load_places(k);
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
    cfg.team = team;
    cfg.capacity = capacity;
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

/*
 * What follows a save: the name the badge showed goes beside a sign-in in the kiosk's own
 * register; a hand-out of more than was believed in stock is followed by the count taken.
 */
static void after_save(struct kiosk *k)
{
    char err[LNT_ERRBUF_SIZE] = "";
    const struct lnt_event *ev = &k->out.ev;

    if (ev->type == LNT_EV_SIGN_IN &&
        lnt_outbox_on_shift_name(k->ob, ev->u.badge.staff_id, k->app.badge.claims.name, err) !=
            LNT_OK)
        lnt_error("name of who signed in: %s", err);
    if (ev->type == LNT_EV_STOCK && k->out.recount_set) {
        struct lnt_event count;
        memset(&count, 0, sizeof count);
        count.type = LNT_EV_STOCK;
        count.occurred_at = ev->occurred_at;
        count.recorded_at = ev->recorded_at;
        lnt_str_copy(count.u.stock.kind, sizeof count.u.stock.kind, "count");
        count.u.stock.quantity = k->out.recount;
        lnt_str_copy(count.u.stock.staff_id, sizeof count.u.stock.staff_id, ev->u.stock.staff_id);
        if (lnt_outbox_append(k->ob, &count, err) != LNT_OK)
            lnt_error("cup-cover count not saved: %s", err);
    }
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
    if (rc == LNT_OK)
        after_save(k);
    lnt_app_save_done(&k->app, rc, &k->out.ev, now_ms);
    k->out.save = false;
    k->counts_at_ms = 0; /* the status bar shows it at once */
    if (rc == LNT_OK)
        lnt_syncer_kick(k->syncer);
}

/* ---- door notices on the card ---- */

void lnt_kiosk_restore_notices(struct kiosk *k)
{
    struct lnt_outbox_notice on[LNT_APP_NOTICES_MAX];
    struct lnt_app_notice *an = k->kept;
    char err[LNT_ERRBUF_SIZE] = "";
    size_t n = 0;
    int more = 0;

    if (lnt_outbox_notices_get(k->ob, on, LNT_APP_NOTICES_MAX, &n, &more, err) != LNT_OK) {
        lnt_error("door notices not read: %s", err);
        return;
    }
    memset(k->kept, 0, sizeof k->kept);
    for (size_t i = 0; i < n; i++) {
        lnt_str_copy(an[i].name, sizeof an[i].name, on[i].name);
        an[i].at = on[i].at;
        an[i].why = (enum lnt_sia_status)on[i].why;
    }
    k->kept_notices = n;
    k->kept_more = more;
    lnt_app_notices_restore(&k->app, k->kept, n, more);
    if (n > 0 || more > 0)
        lnt_info("door: %zu door supervisor(s) turned away wait for a manager", n + (size_t)more);
}

void lnt_kiosk_keep_notices(struct kiosk *k)
{
    const struct lnt_app *app = &k->app;
    struct lnt_outbox_notice on[LNT_APP_NOTICES_MAX];
    char err[LNT_ERRBUF_SIZE] = "";
    size_t was = k->kept_notices + (size_t)k->kept_more;

    if (app->n_pending == k->kept_notices && app->pending_more == k->kept_more &&
        memcmp(app->pending, k->kept, sizeof k->kept) == 0)
        return;
    memset(on, 0, sizeof on);
    for (size_t i = 0; i < app->n_pending; i++) {
        lnt_str_copy(on[i].name, sizeof on[i].name, app->pending[i].name);
        on[i].at = app->pending[i].at;
        on[i].why = (int)app->pending[i].why;
    }
    if (lnt_outbox_notices_set(k->ob, on, app->n_pending, app->pending_more, err) != LNT_OK) {
        if (!k->notices_unsaved)
            lnt_error("door notices not stored (kept in memory, retried): %s", err);
        k->notices_unsaved = true;
        return;
    }
    k->notices_unsaved = false;
    memcpy(k->kept, app->pending, sizeof k->kept);
    k->kept_notices = app->n_pending;
    k->kept_more = app->pending_more;
    if (app->n_pending == 0 && app->pending_more == 0 && was > 0)
        lnt_info("door: %zu door supervisor(s) turned away shown to a manager", was);
}

void lnt_kiosk_see(struct kiosk *k, const struct lnt_image *frame, int64_t now_ms, char *text,
                   size_t size, bool *found, bool *seen)
{
    char err[LNT_ERRBUF_SIZE] = "";
    struct lnt_scanner_stats before, after;
    bool was_hint = k->app.aim_hint;

    *found = *seen = false;
    lnt_thumb_make(frame, &k->thumb);
    lnt_scanner_stats(k->scanner, &before);
    if (lnt_scanner_scan(k->scanner, frame, text, size, found, err) != LNT_OK) {
        lnt_warn("scan: %s", err);
        *found = false;
    }
    lnt_scanner_stats(k->scanner, &after);
    /* Finder patterns were seen when the look neither ruled the frame out nor only found a
     * code-like texture (scan.h). */
    *seen = *found || (after.frames > before.frames && after.skipped == before.skipped &&
                       after.textured == before.textured);
    lnt_app_aim(&k->app, *seen, *found, now_ms);
    if (k->app.aim_hint && !was_hint)
        lnt_info("camera: a code is in view but does not read; showing how to hold it");
    lnt_kiosk_take_text(k, *found ? text : NULL, now_ms);
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

void lnt_kiosk_touch(struct kiosk *k, bool down, int x, int y, int64_t now_ms)
{
    int id = lnt_screen_hit(&k->dl, x, y);

    if (down) {
        lnt_app_press(&k->app, id, now_ms);
        return;
    }
    lnt_app_release(&k->app, id, now_ms, &k->out);
    lnt_kiosk_handle_out(k, now_ms);
    /* The next touch, perhaps in the same batch of events, lands on the screen as it is now. */
    lnt_kiosk_build_screen(k);
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
        /* The view shows frames only while the camera gives them (or a script or --frames). */
        .camera = k->thumb.w > 0 && (k->camera == NULL || lnt_camera_working(k->camera)) ? &k->thumb
                                                                                         : NULL,
        .stock_known = k->stock_level >= 0,
        .stock_level = k->stock_level,
        .cup_threshold = k->cup_threshold,
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
