/* log.h - a small logging vocabulary (after OpenBSD's log.c): to stderr
 * and/or syslog, with levels. log_warn() appends strerror(errno). */
#ifndef TANDEM_LOG_H
#define TANDEM_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* level: LOG_ERR .. LOG_DEBUG (syslog numbers). */
void log_init(const char *ident, int level, bool to_stderr, bool to_syslog);
void log_set_level(int level);
int log_get_level(void);

void log_msg(int pri, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* + ": strerror" */
void log_errx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));  /* + strerror, exit 1 */
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
