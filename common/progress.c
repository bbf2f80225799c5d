/* progress.c - a progress bar for long operations, drawn only on a terminal. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "buf.h"
#include "ltime.h"

#define REDRAW_MS 100
#define BAR_WIDTH 30

/* Writes all of `s` to fd, ignoring errors: progress is a courtesy, never a failure. */
static void put(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void draw(struct lnt_progress *p)
{
    char line[160], bar[BAR_WIDTH + 1];
    int n;

    if (p->total > 0) {
        int64_t done = p->done > p->total ? p->total : p->done;
        int fill = (int)(done * BAR_WIDTH / p->total);
        memset(bar, '#', (size_t)fill);
        memset(bar + fill, '.', (size_t)(BAR_WIDTH - fill));
        bar[BAR_WIDTH] = '\0';
        n = snprintf(line, sizeof line, "\r%s [%s] %3d%% %lld/%lld\x1b[K", p->label, bar,
                     (int)(done * 100 / p->total), (long long)done, (long long)p->total);
    } else {
        n = snprintf(line, sizeof line, "\r%s %lld\x1b[K", p->label, (long long)p->done);
    }
    if (n > 0)
        put(p->fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    p->drawn = true;
    p->last_ms = lnt_mono_ms();
}

void lnt_progress_begin(struct lnt_progress *p, int fd, const char *label, int64_t total)
{
    memset(p, 0, sizeof *p);
    p->fd = fd;
    p->tty = isatty(fd) == 1;
    p->total = total > 0 ? total : 0;
    (void)lnt_str_copy(p->label, sizeof p->label, label);
    if (p->tty)
        draw(p);
}

void lnt_progress_update(struct lnt_progress *p, int64_t done)
{
    p->done = done;
    if (!p->tty)
        return;
    /* always show the last step, otherwise at most ten redraws a second */
    if ((p->total > 0 && done >= p->total) || lnt_mono_ms() - p->last_ms >= REDRAW_MS)
        draw(p);
}

void lnt_progress_end(struct lnt_progress *p)
{
    static const char clear[] = "\r\x1b[K";

    if (p->tty && p->drawn)
        put(p->fd, clear, sizeof clear - 1);
    p->drawn = false;
}
