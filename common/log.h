/* log.h - one-line log records to standard error. */
#ifndef LNT_LOG_H
#define LNT_LOG_H

enum lnt_log_level { LNT_LOG_DEBUG, LNT_LOG_INFO, LNT_LOG_WARN, LNT_LOG_ERROR, LNT_LOG_QUIET };

/* Names the program in every record and sets the lowest level printed.
 * LANTERN_LOG=debug|info|warn|error|quiet in the environment overrides `level`. */
void lnt_log_init(const char *program, enum lnt_log_level level);
void lnt_log(enum lnt_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define lnt_debug(...) lnt_log(LNT_LOG_DEBUG, __VA_ARGS__)
#define lnt_info(...) lnt_log(LNT_LOG_INFO, __VA_ARGS__)
#define lnt_warn(...) lnt_log(LNT_LOG_WARN, __VA_ARGS__)
#define lnt_error(...) lnt_log(LNT_LOG_ERROR, __VA_ARGS__)

#endif
