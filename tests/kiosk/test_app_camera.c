/* test_app_camera.c - the state machine while the camera is down: reports without a badge, as
 * unidentified staff, and nothing else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "app.h"
#include "buf.h"
#include "codec.h"
#include "screen.h"

#define T0 1795730463LL /* 2026-11-26T22:01:03Z */
#define MS(t) ((int64_t)(t)*1000)

struct world {
    uint8_t box_pk[crypto_box_PUBLICKEYBYTES], box_sk[crypto_box_SECRETKEYBYTES];
    struct lnt_app app;
    struct lnt_app_out out;
    struct lnt_draw_list dl;
};

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof *w);
    struct lnt_app_config cfg = {0};

    assert_non_null(w);
    assert_int_equal(lnt_crypto_init(), LNT_OK);
    crypto_box_keypair(w->box_pk, w->box_sk);
    cfg.box_pk = w->box_pk;
    lnt_app_init(&w->app, &cfg, MS(T0));
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

/* Taps the button labelled `label` on the screen as drawn now; fails when there is none. */
static void tap(struct world *w, const char *label, int64_t t_ms)
{
    struct lnt_status st = {.enrolled = true, .now = T0};
    int id;

    lnt_screen_build(&w->app, &st, &w->dl);
    id = lnt_screen_find_label(&w->dl, label);
    if (id == LNT_BTN_NONE)
        fail_msg("no button \"%s\" in state %d", label, (int)w->app.state);
    lnt_app_tap(&w->app, id, t_ms, &w->out);
}

static bool has_button(struct world *w, const char *label)
{
    struct lnt_status st = {.enrolled = true, .now = T0};

    lnt_screen_build(&w->app, &st, &w->dl);
    return lnt_screen_find_label(&w->dl, label) != LNT_BTN_NONE;
}

static void test_app_camera__no_badge_button_only_while_the_camera_is_down(void **state)
{
    struct world *w = *state;

    assert_false(has_button(w, "Report without badge"));
    /* A tap that arrives anyway (a stale screen) does nothing while the camera works. */
    lnt_app_tap(&w->app, LNT_BTN_NOBADGE, MS(T0), &w->out);
    assert_int_equal(w->app.state, LNT_APP_IDLE);
    lnt_app_camera(&w->app, false);
    assert_true(has_button(w, "Report without badge"));
    lnt_app_camera(&w->app, true);
    assert_false(has_button(w, "Report without badge"));
}

static void test_app_camera__angela_without_a_badge_is_by_unidentified_staff(void **state)
{
    struct world *w = *state;
    struct lnt_event saved;

    lnt_app_camera(&w->app, false);
    tap(w, "Report without badge", MS(T0));
    assert_int_equal(w->app.state, LNT_APP_NOBADGE);
    /* Only the three reports: no sign in, no cup covers, no open reports. */
    assert_false(has_button(w, "Sign in"));
    assert_int_equal(lnt_screen_buttons(&w->dl), 4);
    tap(w, "Ask for Angela", MS(T0) + 1000);
    tap(w, "Dance floor", MS(T0) + 2000);
    tap(w, "Save, finish later", MS(T0) + 3000);
    assert_true(w->out.save);
    assert_int_equal(w->out.ev.type, LNT_EV_INCIDENT);
    assert_string_equal(w->out.ev.u.incident.kind, "angela");
    assert_string_equal(w->out.ev.u.incident.staff_id, LNT_STAFF_UNIDENTIFIED);
    saved = w->out.ev;
    saved.seq = 1;
    lnt_str_copy(saved.uuid, sizeof saved.uuid, "01a245ed-0000-7000-8000-000000000000");
    lnt_app_save_done(&w->app, LNT_OK, &saved, MS(T0) + 3100);
    assert_int_equal(w->app.state, LNT_APP_SAVED);
    tap(w, "Done", MS(T0) + 4000);
    /* Back at idle nothing of it is left, and the camera is still down. */
    assert_int_equal(w->app.state, LNT_APP_IDLE);
    assert_string_equal(w->app.badge.claims.subject, "");
    assert_true(has_button(w, "Report without badge"));
}

static void test_app_camera__back_from_the_first_question_returns_to_the_choice(void **state)
{
    struct world *w = *state;

    lnt_app_camera(&w->app, false);
    tap(w, "Report without badge", MS(T0));
    tap(w, "Other incident", MS(T0) + 1000);
    assert_int_equal(w->app.state, LNT_APP_FORM);
    tap(w, "Back", MS(T0) + 2000);
    assert_int_equal(w->app.state, LNT_APP_NOBADGE);
    tap(w, "Back", MS(T0) + 3000);
    assert_int_equal(w->app.state, LNT_APP_IDLE);
}

static void test_app_camera__left_alone_it_goes_idle(void **state)
{
    struct world *w = *state;

    lnt_app_camera(&w->app, false);
    tap(w, "Report without badge", MS(T0));
    lnt_app_tick(&w->app, MS(T0) + LNT_APP_IDLE_MS - 1, &w->out);
    assert_int_equal(w->app.state, LNT_APP_NOBADGE);
    lnt_app_tick(&w->app, MS(T0) + LNT_APP_IDLE_MS, &w->out);
    assert_int_equal(w->app.state, LNT_APP_IDLE);
    assert_false(w->out.save);
}

static void test_app_camera__hold_still_hint_after_a_second_of_a_code_unread(void **state)
{
    struct world *w = *state;
    int64_t t = MS(T0);

    /* Seen and not read, frame after frame: nothing for the first second, then the hint. */
    lnt_app_aim(&w->app, true, false, t);
    lnt_app_aim(&w->app, true, false, t + LNT_APP_AIM_MS - 1);
    assert_false(w->app.aim_hint);
    lnt_app_aim(&w->app, true, false, t + LNT_APP_AIM_MS);
    assert_true(w->app.aim_hint);
    assert_false(has_button(w, "Report without badge"));
    /* Read at last: gone at once. */
    lnt_app_aim(&w->app, true, true, t + LNT_APP_AIM_MS + 33);
    assert_false(w->app.aim_hint);
    /* A frame with no code in view starts the second over. */
    lnt_app_aim(&w->app, true, false, t + 2000);
    lnt_app_aim(&w->app, false, false, t + 2500);
    lnt_app_aim(&w->app, true, false, t + 3000);
    lnt_app_aim(&w->app, true, false, t + 3500);
    assert_false(w->app.aim_hint);
}

/* The idle screen as built for `st`; true when the words of the hold-still hint are on it. */
static bool idle_says_hold_still(struct world *w, const struct lnt_status *st)
{
    lnt_screen_build(&w->app, st, &w->dl);
    for (size_t i = 0; i < w->dl.n; i++)
        if (strstr(w->dl.cmd[i].text, "Hold it still") != NULL)
            return true;
    return false;
}

static const struct lnt_draw *image_item(const struct lnt_draw_list *dl)
{
    for (size_t i = 0; i < dl->n; i++)
        if (dl->cmd[i].kind == LNT_DRAW_IMAGE)
            return &dl->cmd[i];
    return NULL;
}

static void test_app_camera__idle_shows_the_latest_frame_small(void **state)
{
    struct world *w = *state;
    struct lnt_thumb *thumb = calloc(1, sizeof *thumb);
    struct lnt_status st = {.enrolled = true, .now = T0};
    struct lnt_image frame;
    const struct lnt_draw *d;
    uint32_t seq;

    assert_non_null(thumb);
    /* A 640x480 frame, left half black, right half white: 160x120, the halves kept. */
    assert_int_equal(lnt_image_init(&frame, 640, 480, 255), LNT_OK);
    for (int y = 0; y < 480; y++)
        memset(frame.px + (size_t)y * frame.stride, 0, 320);
    lnt_thumb_make(&frame, thumb);
    assert_int_equal(thumb->w, LNT_THUMB_W);
    assert_int_equal(thumb->h, LNT_THUMB_H);
    assert_int_equal(thumb->px[0], 0);
    assert_int_equal(thumb->px[LNT_THUMB_W - 1], 255);
    assert_int_equal(thumb->px[(size_t)(LNT_THUMB_H - 1) * LNT_THUMB_W + 79], 0);
    assert_int_equal(thumb->px[(size_t)(LNT_THUMB_H - 1) * LNT_THUMB_W + 80], 255);
    /* No frame yet: no view. */
    lnt_screen_build(&w->app, &st, &w->dl);
    assert_null(image_item(&w->dl));
    /* With one: an image item of it, at least the size of a thumbnail, and a new frame makes a
     * changed draw list (the renderer redraws only changed lists). */
    st.camera = thumb;
    lnt_screen_build(&w->app, &st, &w->dl);
    d = image_item(&w->dl);
    assert_non_null(d);
    assert_ptr_equal(d->image, thumb);
    assert_true(d->w >= LNT_THUMB_W / 2 && d->h >= LNT_THUMB_H / 2);
    seq = (uint32_t)d->id;
    lnt_thumb_make(&frame, thumb);
    lnt_screen_build(&w->app, &st, &w->dl);
    assert_int_not_equal(image_item(&w->dl)->id, (int)seq);
    /* A tall frame keeps its shape. */
    lnt_image_release(&frame);
    assert_int_equal(lnt_image_init(&frame, 90, 480, 128), LNT_OK);
    lnt_thumb_make(&frame, thumb);
    assert_int_equal(thumb->h, LNT_THUMB_H);
    assert_int_equal(thumb->w, 22);
    assert_int_equal(thumb->px[0], 128);
    /* The hint replaces the usual words while a code will not read. */
    assert_false(idle_says_hold_still(w, &st));
    lnt_app_aim(&w->app, true, false, MS(T0));
    lnt_app_aim(&w->app, true, false, MS(T0) + LNT_APP_AIM_MS);
    assert_true(idle_says_hold_still(w, &st));
    lnt_image_release(&frame);
    free(thumb);
}

/* The words of the SAVED screen as built for `st`, joined. */
static bool saved_says(struct world *w, const struct lnt_status *st, const char *words)
{
    lnt_screen_build(&w->app, st, &w->dl);
    for (size_t i = 0; i < w->dl.n; i++)
        if (strstr(w->dl.cmd[i].text, words) != NULL)
            return true;
    return false;
}

static void test_app_camera__saved_says_sent_only_once_the_server_has_it(void **state)
{
    struct world *w = *state;
    struct lnt_status offline = {.enrolled = true, .now = T0};
    struct lnt_status online = {.enrolled = true, .online = true, .now = T0};
    struct lnt_event saved;

    lnt_app_camera(&w->app, false);
    tap(w, "Report without badge", MS(T0));
    tap(w, "Ask for Angela", MS(T0) + 1000);
    tap(w, "Dance floor", MS(T0) + 2000);
    tap(w, "Save, finish later", MS(T0) + 3000);
    saved = w->out.ev;
    saved.seq = 7;
    lnt_str_copy(saved.uuid, sizeof saved.uuid, "01a245ed-0000-7000-8000-000000000000");
    lnt_app_save_done(&w->app, LNT_OK, &saved, MS(T0) + 3100);
    /* Offline: it will go when it can. Online: it is on its way, not there yet. */
    assert_true(saved_says(w, &offline, "will send when online"));
    assert_false(saved_says(w, &offline, "Sent"));
    assert_true(saved_says(w, &online, "sending now"));
    /* The server has taken earlier events only: still not sent. */
    lnt_app_sent(&w->app, 6, 0);
    assert_false(w->app.saved_sent);
    /* It refused this one: never "Sent". */
    lnt_app_sent(&w->app, 9, 7);
    assert_false(w->app.saved_sent);
    /* It took this one: "Sent", on the screen that is already up, whatever the network now. */
    lnt_app_sent(&w->app, 7, 3);
    assert_true(w->app.saved_sent);
    assert_true(saved_says(w, &offline, "Sent"));
    assert_false(saved_says(w, &offline, "will send"));
    /* The next SAVED starts unsent again. */
    tap(w, "Done", MS(T0) + 4000);
    assert_false(w->app.saved_sent);
    assert_int_equal(w->app.saved_seq, 0);
}

/* The idle screen as built now: whether some text on it holds `needle`. */
static bool idle_says(struct world *w, const char *needle)
{
    struct lnt_status st = {.enrolled = true, .now = T0};

    lnt_screen_build(&w->app, &st, &w->dl);
    for (size_t i = 0; i < w->dl.n; i++)
        if (strstr(w->dl.cmd[i].text, needle) != NULL)
            return true;
    return false;
}

static void test_app_camera__assist_press_is_on_screen_with_its_time_until_answered(void **state)
{
    struct world *w = *state;
    char when[LNT_APP_DAY_TIME_LEN];

    assert_false(idle_says(w, "Help asked for"));
    lnt_app_assist(&w->app, MS(T0));
    assert_int_equal(w->app.assist_at, T0);
    lnt_app_day_time(T0, when);
    assert_true(idle_says(w, "Help asked for at the staff door"));
    assert_true(idle_says(w, when));
    assert_true(idle_says(w, "Show your badge here to answer it."));
    /* Pressed again a minute later: still the first press's time. */
    lnt_app_assist(&w->app, MS(T0 + 60));
    assert_int_equal(w->app.assist_at, T0);
    /* Idle timeouts do not clear it: only someone coming with a badge does. */
    lnt_app_tick(&w->app, MS(T0 + 3600), &w->out);
    assert_false(w->out.save);
    assert_true(idle_says(w, "Help asked for"));
    /* The camera down: the band stays, under the camera's warning, without the badge hint. */
    lnt_app_camera(&w->app, false);
    assert_true(idle_says(w, "Help asked for"));
    assert_false(idle_says(w, "Show your badge here"));
    assert_true(has_button(w, "Report without badge"));
    /* A press in the middle of a report leaves the report as it is. */
    tap(w, "Report without badge", MS(T0 + 3601));
    assert_int_equal(w->app.state, LNT_APP_NOBADGE);
    lnt_app_assist(&w->app, MS(T0 + 3602));
    assert_int_equal(w->app.state, LNT_APP_NOBADGE);
    assert_false(w->out.save);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_app_camera__no_badge_button_only_while_the_camera_is_down, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_app_camera__angela_without_a_badge_is_by_unidentified_staff, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_app_camera__back_from_the_first_question_returns_to_the_choice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_camera__left_alone_it_goes_idle, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_app_camera__hold_still_hint_after_a_second_of_a_code_unread, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_app_camera__assist_press_is_on_screen_with_its_time_until_answered, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_app_camera__idle_shows_the_latest_frame_small, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_app_camera__saved_says_sent_only_once_the_server_has_it, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
