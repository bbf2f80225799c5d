/* camera.c - the door camera as the kiosk sees it: opened when it can be, reopened with backoff
 * when it is missing or fails, never a reason to stop. */
#include "camera.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"

struct lnt_camera {
    lnt_camera_open_fn open;
    void *ctx;
    struct lnt_frame_source *src; /* owned; NULL while down */
    bool tried;                   /* an open was tried at least once */
    int fails;                    /* reads failed in a row */
    int64_t wait_ms;              /* the next wait after a failure */
    int64_t retry_at;             /* monotonic; 0 = now */
    unsigned opens;
    char problem[LNT_ERRBUF_SIZE];
};

enum lnt_err lnt_camera_new(lnt_camera_open_fn open, void *ctx, struct lnt_camera **out, char *err)
{
    struct lnt_camera *c = calloc(1, sizeof *c);

    *out = NULL;
    if (c == NULL)
        return lnt_fail(err, LNT_ERR_NOMEM, "camera: out of memory");
    c->open = open;
    c->ctx = ctx;
    c->wait_ms = LNT_CAMERA_RETRY_MIN_MS;
    lnt_str_copy(c->problem, sizeof c->problem, "camera not opened yet");
    *out = c;
    return LNT_OK;
}

void lnt_camera_free(struct lnt_camera *c)
{
    if (c == NULL)
        return;
    lnt_frame_source_free(c->src);
    free(c);
}

/* Down: closes the source, keeps `why`, schedules the next open and doubles the wait after it. */
static void go_down(struct lnt_camera *c, int64_t now_ms, const char *why)
{
    bool was_up = c->src != NULL;

    lnt_frame_source_free(c->src);
    c->src = NULL;
    c->fails = 0;
    c->retry_at = now_ms + c->wait_ms;
    /* Said once when it changes, not every retry: a missing camera at 3 a.m. is one line. */
    if (was_up || strcmp(c->problem, why) != 0)
        lnt_error("camera: %s; trying again every %lld s at most", why,
                  (long long)(LNT_CAMERA_RETRY_MAX_MS / 1000));
    lnt_str_copy(c->problem, sizeof c->problem, why);
    c->wait_ms =
        c->wait_ms * 2 > LNT_CAMERA_RETRY_MAX_MS ? LNT_CAMERA_RETRY_MAX_MS : c->wait_ms * 2;
}

void lnt_camera_next(struct lnt_camera *c, int64_t now_ms, const struct lnt_image **frame)
{
    char err[LNT_ERRBUF_SIZE] = "";
    bool eof = false;

    *frame = NULL;
    if (c->src == NULL) {
        /* A clock stepped back never leaves the camera waiting longer than one full wait. */
        if (c->tried && now_ms < c->retry_at && c->retry_at - now_ms <= LNT_CAMERA_RETRY_MAX_MS)
            return;
        c->tried = true;
        if (c->open(c->ctx, &c->src, err) != LNT_OK || c->src == NULL) {
            c->src = NULL;
            go_down(c, now_ms, err[0] != '\0' ? err : "camera: could not be opened");
            return;
        }
        c->opens++;
        if (c->opens > 1)
            lnt_info("camera: working again");
        c->problem[0] = '\0';
        c->fails = 0;
    }
    if (lnt_frame_next(c->src, frame, &eof, err) == LNT_OK && !eof && *frame != NULL) {
        c->fails = 0;
        c->wait_ms = LNT_CAMERA_RETRY_MIN_MS;
        c->problem[0] = '\0';
        return;
    }
    *frame = NULL;
    if (eof || err[0] == '\0')
        lnt_str_copy(err, sizeof err, eof ? "camera: stopped giving frames" : "camera: no frame");
    if (++c->fails >= LNT_CAMERA_FAILS_MAX)
        go_down(c, now_ms, err);
    else
        lnt_str_copy(c->problem, sizeof c->problem, err);
}

bool lnt_camera_working(const struct lnt_camera *c)
{
    return c != NULL && c->src != NULL && c->fails == 0;
}

const char *lnt_camera_problem(const struct lnt_camera *c)
{
    return c != NULL ? c->problem : "";
}

int64_t lnt_camera_retry_at(const struct lnt_camera *c)
{
    return c != NULL && c->src == NULL ? c->retry_at : 0;
}

unsigned lnt_camera_opens(const struct lnt_camera *c)
{
    return c != NULL ? c->opens : 0;
}
