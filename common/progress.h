/* progress.h - a progress bar for long operations of the command-line programs. */
#ifndef LNT_PROGRESS_H
#define LNT_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Progress on a terminal: a bar on `fd` (normally 2) when it
 * is a TTY, redrawn at most ten times a second; nothing at all otherwise, so
 * piped and logged output stays clean. `total` 0 means unknown (a counter).
 */
struct lnt_progress {
    int fd;
    bool tty;
    char label[32];
    int64_t total;
    int64_t done;
    int64_t last_ms;
    bool drawn;
};
void lnt_progress_begin(struct lnt_progress *p, int fd, const char *label, int64_t total);
void lnt_progress_update(struct lnt_progress *p, int64_t done);
/* Clears the bar (the line is left empty for what comes next). */
void lnt_progress_end(struct lnt_progress *p);

#endif
