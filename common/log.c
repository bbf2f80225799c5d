/* log.c - one-line log records to standard error, safe from several threads. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltime.h"

static const char *prog = "lantern";
static enum lnt_log_level min_level = LNT_LOG_INFO;

void lnt_log_init(const char *program, enum lnt_log_level level)
{
    static const char *const names[] = {"debug", "info", "warn", "error", "quiet"};
    const char *env = getenv("LANTERN_LOG");

    prog = program;
    min_level = level;
    if (env != NULL) {
        for (int i = 0; i <= LNT_LOG_QUIET; i++)
            if (strcmp(env, names[i]) == 0)
                min_level = (enum lnt_log_level)i;
    }
}

void lnt_log(enum lnt_log_level level, const char *fmt, ...)
{
    static const char *const tags[] = {"debug", "info", "warning", "error", ""};
    char line[1024];
    char when[LNT_TIME_STRLEN];
    va_list ap;
    int n;

    if (level < min_level || level >= LNT_LOG_QUIET)
        return;
    lnt_time_format(lnt_time_now(), when);
    n = snprintf(line, sizeof line, "%s %s: %s: ", when, prog, tags[level]);
    if (n < 0 || (size_t)n >= sizeof line)
        return;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    /* One fputs per record: stdio locks the stream, so records from threads never interleave. */
    fputs(line, stderr);
    fputc('\n', stderr);
}
